use typed_memmap::{Element, Record};

#[derive(Clone, Copy, Record)]
#[repr(C, packed)]
struct P {
    a: u8,
    b: f64,
    c: u16,
}

fn main() {
    assert_eq!(P::dtype().descr(), "[('a', '|u1'), ('b', '<f8'), ('c', '<u2')]");
    assert_eq!(P::dtype().itemsize(), 11);
    assert_eq!(P::fields().c.offset(), 9);
}
