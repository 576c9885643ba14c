use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(align(8))]
struct S {
    a: u32,
    b: u32,
}

fn main() {}
