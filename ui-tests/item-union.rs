use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
union U {
    a: u32,
    b: f32,
}

fn main() {}
