use typed_memmap::Record;

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct A {
    x: f64,
}

fn nested() {
    let _ = A::fields().x.fields();
}

fn main() {}
