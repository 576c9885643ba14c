use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(packed)]
struct S {
    a: u8,
    b: u32,
}

fn main() {}
