use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
struct S {
    a: u32,
    b: u32,
}

fn main() {}
