use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct S {
    #[record(name = "price")]
    a: f64,
}

fn main() {}
