use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct S {
    a: u64,
    b: u8,
}

fn main() {}
