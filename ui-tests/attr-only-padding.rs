use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct S {
    _a: u32,
    _b: u32,
}

fn main() {}
