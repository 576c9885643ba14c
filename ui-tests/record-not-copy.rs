use typed_memmap::Record;

#[derive(Clone, Record)]
#[repr(C)]
struct S {
    a: u32,
}

fn main() {}
