use typed_memmap::Record;

#[derive(Clone, Copy)]
#[repr(C)]
struct Point {
    x: f64,
    y: f64,
}

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct S {
    pos: Point,
}

fn main() {}
