use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct Unit;

fn main() {}
