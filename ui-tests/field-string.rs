use typed_memmap::Record;

#[derive(Clone, Record)]
#[repr(C)]
struct S {
    name: String,
}

fn main() {}
