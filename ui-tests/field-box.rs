use typed_memmap::Record;

#[derive(Clone, Record)]
#[repr(C)]
struct S {
    data: Box<u64>,
}

fn main() {}
