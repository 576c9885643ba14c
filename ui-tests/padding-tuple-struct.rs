use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct S(u16, f64);

fn main() {}
