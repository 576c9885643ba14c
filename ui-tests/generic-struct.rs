use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct Pair<T> {
    a: T,
    b: T,
}

fn main() {}
