use typed_memmap::{Element, Record};

#[derive(Clone, Copy, Record)]
#[repr(C)]
pub struct Tick {
    ts: u64,
    price: f64,
    qty: u32,
    side: u8,
    _pad: [u8; 3],
}

fn main() {
    let dtype = Tick::dtype();
    assert_eq!(
        dtype.descr(),
        "[('ts', '<u8'), ('price', '<f8'), ('qty', '<u4'), ('side', '|u1'), ('', '|V3')]"
    );
    assert_eq!(dtype.itemsize(), 24);
    assert_eq!(Tick::fields().qty.offset(), 16);
}
