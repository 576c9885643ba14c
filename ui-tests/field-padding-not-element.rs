use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct S {
    a: u8,
    _pad: bool,
}

fn main() {}
