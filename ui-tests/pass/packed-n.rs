use typed_memmap::{Element, Record};

#[derive(Clone, Copy, Record)]
#[repr(C, packed(2))]
struct P {
    a: u16,
    b: u32,
    c: u64,
}

fn main() {
    assert_eq!(P::dtype().descr(), "[('a', '<u2'), ('b', '<u4'), ('c', '<u8')]");
    assert_eq!(core::mem::align_of::<P>(), 2);
}
