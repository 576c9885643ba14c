use typed_memmap::{Element, Record};

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct Point {
    x: f64,
    y: f64,
}

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct Ship {
    id: u64,
    pos: Point,
    path: [Point; 2],
}

fn main() {
    assert_eq!(
        Ship::dtype().descr(),
        "[('id', '<u8'), ('pos', [('x', '<f8'), ('y', '<f8')]), \
         ('path', [('x', '<f8'), ('y', '<f8')], (2,))]"
    );
    assert_eq!(Ship::fields().pos.fields().y.offset(), 16);
}
