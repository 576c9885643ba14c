use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(Rust)]
struct S {
    a: u32,
    b: u32,
}

fn main() {}
