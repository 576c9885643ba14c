use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(C, align(16))]
struct S {
    a: u64,
    b: u32,
}

fn main() {}
