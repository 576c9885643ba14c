use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct S {
    a: u8,
    b: u32,
    c: u8,
    d: u64,
    e: u16,
}

fn main() {}
