use typed_memmap::{Element, Record};

#[derive(Clone, Copy, Record)]
#[r#repr(C)]
struct S {
    r#type: u32,
    #[record(rename = "the price")]
    price: f32,
    #[r#record(rename = "_id")]
    id: u64,
}

fn main() {
    assert_eq!(
        S::dtype().descr(),
        "[('type', '<u4'), ('the price', '<f4'), ('_id', '<u8')]"
    );
    assert_eq!(S::fields().r#type.offset(), 0);
}
