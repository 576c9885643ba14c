use typed_memmap::byteorder::{BigEndian, LittleEndian, F64, I16, U32};
use typed_memmap::{Element, Record};

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct Wire {
    id: U32<BigEndian>,
    level: I16<LittleEndian>,
    value: F64<BigEndian>,
}

fn main() {
    assert_eq!(Wire::dtype().descr(), "[('id', '>u4'), ('level', '<i2'), ('value', '>f8')]");
    assert_eq!(Wire::dtype().itemsize(), 14);
}
