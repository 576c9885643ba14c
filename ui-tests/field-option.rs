use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct S {
    value: Option<u64>,
}

fn main() {}
