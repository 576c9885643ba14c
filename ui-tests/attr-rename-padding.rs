use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct S {
    a: u32,
    #[record(rename = "b")]
    _b: u32,
}

fn main() {}
