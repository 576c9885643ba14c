use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
#[record(rename = "tick")]
struct S {
    a: f64,
}

fn main() {}
