use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct S(f64, u8);

fn main() {}
