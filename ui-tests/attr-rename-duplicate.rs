use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct S {
    price: f64,
    #[record(rename = "price")]
    price2: f64,
}

fn main() {}
