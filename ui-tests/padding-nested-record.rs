use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct Inner {
    x: u32,
}

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct Outer {
    tag: u16,
    inner: Inner,
}

fn main() {}
