use typed_memmap::{Element, Record};

#[derive(Clone, Copy, Record)]
#[repr(C, align(16))]
struct A {
    x: f64,
    y: u32,
    _tail: [u8; 4],
}

fn main() {
    assert_eq!(A::dtype().descr(), "[('x', '<f8'), ('y', '<u4'), ('', '|V4')]");
    assert_eq!(core::mem::align_of::<A>(), 16);
}
