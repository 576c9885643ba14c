use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct S {
    #[record(rename = "")]
    a: u32,
}

fn main() {}
