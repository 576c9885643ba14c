use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct Empty {}

fn main() {}
