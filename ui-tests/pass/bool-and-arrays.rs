use typed_memmap::{Bool, Element, Record};

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct Frame {
    valid: Bool,
    flags: [Bool; 3],
    grid: [[i16; 3]; 2],
}

fn main() {
    assert_eq!(
        Frame::dtype().descr(),
        "[('valid', '|b1'), ('flags', '|b1', (3,)), ('grid', '<i2', (2, 3))]"
    );
}
