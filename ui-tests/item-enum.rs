use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
enum Side {
    Buy,
    Sell,
}

fn main() {}
