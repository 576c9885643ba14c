mod inner {
    use typed_memmap::Record;

    #[derive(Clone, Copy, Record)]
    #[repr(C)]
    pub struct Public {
        pub a: u32,
        pub b: u32,
    }

    #[derive(Clone, Copy, Record)]
    #[repr(C)]
    pub(crate) struct Crate {
        pub a: u16,
    }
}

fn main() {
    let records = [inner::Public { a: 1, b: 2 }];
    let column = typed_memmap::Column::from_slice(&records, inner::Public::fields().b);
    assert_eq!(column.to_vec(), [2]);
    assert_eq!(inner::Crate::fields().a.offset(), 0);
}
