use typed_memmap::Record;

#[derive(Clone, Copy)]
#[repr(u8)]
enum Side {
    Buy,
    Sell,
}

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct S {
    side: Side,
}

fn main() {}
