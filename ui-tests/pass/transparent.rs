use typed_memmap::{Element, Record};

#[derive(Clone, Copy, Record)]
#[repr(transparent)]
struct Meters(f64);

#[derive(Clone, Copy, Record)]
#[repr(transparent)]
struct Id {
    raw: u64,
}

fn main() {
    assert_eq!(Meters::dtype().descr(), "[('f0', '<f8')]");
    assert_eq!(Id::dtype().descr(), "[('raw', '<u8')]");
}
