use typed_memmap::Record;

#[derive(Clone, Record)]
#[repr(C)]
struct S {
    values: Vec<f64>,
}

fn main() {}
