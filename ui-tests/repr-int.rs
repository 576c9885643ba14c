use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(u32)]
struct S {
    a: u32,
}

fn main() {}
