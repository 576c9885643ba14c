use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct Nothing {
    a: [u32; 0],
}

fn main() {}
