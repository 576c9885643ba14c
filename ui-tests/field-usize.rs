use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct S {
    len: usize,
}

fn main() {}
