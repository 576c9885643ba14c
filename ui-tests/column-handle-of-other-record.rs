use typed_memmap::{Column, Record};

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct A {
    x: f64,
}

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct B {
    x: f64,
}

fn scan(records: &[A]) -> f64 {
    Column::from_slice(records, B::fields().x).iter().sum()
}

fn main() {}
