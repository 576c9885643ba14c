use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct Name<'a> {
    bytes: &'a [u8; 8],
}

fn main() {}
