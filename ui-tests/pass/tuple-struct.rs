use typed_memmap::{Element, Record};

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct Pair(u32, f32);

fn main() {
    assert_eq!(Pair::dtype().descr(), "[('f0', '<u4'), ('f1', '<f4')]");
    assert_eq!(Pair::fields().f1.offset(), 4);
}
