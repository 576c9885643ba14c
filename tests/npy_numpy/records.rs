//! Hand-written record types with the dtypes numpy gives the structured arrays of the test
//! table (`cases.py`), until `#[derive(Record)]` writes such impls for us.
#![allow(dead_code)]

use typed_memmap::byteorder::{BigEndian, F64, I32};
use typed_memmap::{Dtype, Element, Field, RecordDtype};

/// A record dtype from `(name, offset, dtype)` triples.
pub fn record(fields: &[(&str, usize, Dtype)], itemsize: usize) -> Dtype {
    titled(
        &fields
            .iter()
            .map(|(n, o, d)| (*n, None, *o, d.clone()))
            .collect::<Vec<_>>(),
        itemsize,
    )
}

/// A record dtype from `(name, title, offset, dtype)`.
pub fn titled(fields: &[(&str, Option<&str>, usize, Dtype)], itemsize: usize) -> Dtype {
    Dtype::Record(RecordDtype {
        fields: fields
            .iter()
            .map(|(name, title, offset, dtype)| Field {
                name: (*name).to_string(),
                title: title.map(str::to_string),
                offset: *offset,
                dtype: dtype.clone(),
            })
            .collect(),
        itemsize,
    })
}

/// numpy `[('a', '<i4'), ('b', '<f8')]` (packed, 12 bytes).
#[derive(Clone, Copy, Debug)]
#[repr(C, packed)]
pub struct Simple {
    pub a: i32,
    pub b: f64,
}

// SAFETY: `#[repr(C, packed)]` with an `i32` and an `f64`: 12 bytes, no padding, every bit
// pattern valid, no pointers or interior mutability; the dtype has the same offsets.
unsafe impl Element for Simple {
    fn dtype() -> Dtype {
        record(&[("a", 0, i32::dtype()), ("b", 4, f64::dtype())], 12)
    }
}

/// numpy `[('x', '>i4'), ('y', '>f8')]`, through byte-order types (alignment 1).
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub struct BigEndianRec {
    pub x: I32<BigEndian>,
    pub y: F64<BigEndian>,
}

// SAFETY: `#[repr(C)]` over two alignment-1 byte-array wrappers (4 and 8 bytes): 12 bytes,
// no padding, every bit pattern valid; the dtype has the same offsets and byte order.
unsafe impl Element for BigEndianRec {
    fn dtype() -> Dtype {
        record(
            &[
                ("x", 0, I32::<BigEndian>::dtype()),
                ("y", 4, F64::<BigEndian>::dtype()),
            ],
            12,
        )
    }
}

/// numpy `np.dtype([('a','i1'),('b','<i4'),('c','i1')], align=True)`: 12 bytes with padding,
/// written here as explicit fields.
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub struct Aligned {
    pub a: i8,
    pub _pad0: [u8; 3],
    pub b: i32,
    pub c: i8,
    pub _pad1: [u8; 3],
}

// SAFETY: `#[repr(C)]` whose fields fill every byte (1 + 3 + 4 + 1 + 3 = 12, `b` at the
// 4-aligned offset 4), so no implicit padding; all fields are integers or byte arrays. The
// dtype names `a`, `b`, `c` at 0, 4, 8 and leaves the explicit padding unnamed, as numpy does.
unsafe impl Element for Aligned {
    fn dtype() -> Dtype {
        record(
            &[
                ("a", 0, i8::dtype()),
                ("b", 4, i32::dtype()),
                ("c", 8, i8::dtype()),
            ],
            12,
        )
    }
}

/// numpy `{'names': ['a', 'b'], 'formats': ['<i4', '<i4'], 'offsets': [1, 6], 'itemsize': 12}`.
#[derive(Clone, Copy, Debug)]
#[repr(C, packed)]
pub struct Gaps {
    pub _pad0: u8,
    pub a: i32,
    pub _pad1: u8,
    pub b: i32,
    pub _pad2: [u8; 2],
}

// SAFETY: `#[repr(C, packed)]`, integers and bytes only: 12 bytes, no padding, every bit
// pattern valid; `a` at 1 and `b` at 6 as in the dtype.
unsafe impl Element for Gaps {
    fn dtype() -> Dtype {
        record(&[("a", 1, i32::dtype()), ("b", 6, i32::dtype())], 12)
    }
}

/// numpy's titled `{'names': ['a', 'b'], 'formats': ['<i4', '<f4'], 'titles': ['alpha', 'beta']}`.
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub struct Titled {
    pub a: i32,
    pub b: f32,
}

// SAFETY: `#[repr(C)]` over `i32` and `f32`: 8 bytes, no padding, every bit pattern valid.
unsafe impl Element for Titled {
    fn dtype() -> Dtype {
        titled(
            &[
                ("a", Some("alpha"), 0, i32::dtype()),
                ("b", Some("beta"), 4, f32::dtype()),
            ],
            8,
        )
    }
}

/// numpy `[('b', '<i2'), ('c', '|u1')]` (3 bytes, packed).
#[derive(Clone, Copy, Debug)]
#[repr(C, packed)]
pub struct Inner {
    pub b: i16,
    pub c: u8,
}

// SAFETY: `#[repr(C, packed)]` over `i16` and `u8`: 3 bytes, no padding, every bit pattern
// valid.
unsafe impl Element for Inner {
    fn dtype() -> Dtype {
        record(&[("b", 0, i16::dtype()), ("c", 2, u8::dtype())], 3)
    }
}

/// numpy `[('a', [('b', '<i2'), ('c', '|u1')]), ('d', '<f4')]` (7 bytes).
#[derive(Clone, Copy, Debug)]
#[repr(C, packed)]
pub struct Nested {
    pub a: Inner,
    pub d: f32,
}

// SAFETY: `#[repr(C, packed)]` over `Inner` (an `Element`, 3 bytes) and `f32`: 7 bytes, no
// padding, every bit pattern valid.
unsafe impl Element for Nested {
    fn dtype() -> Dtype {
        record(&[("a", 0, Inner::dtype()), ("d", 3, f32::dtype())], 7)
    }
}

/// numpy `[('x', '<i4', (2,)), ('y', '<f8', (2, 2)), ('z', '|u1')]` (41 bytes).
#[derive(Clone, Copy, Debug)]
#[repr(C, packed)]
pub struct Sub {
    pub x: [i32; 2],
    pub y: [[f64; 2]; 2],
    pub z: u8,
}

// SAFETY: `#[repr(C, packed)]` over arrays of numbers and a `u8`: 8 + 32 + 1 = 41 bytes, no
// padding, every bit pattern valid.
unsafe impl Element for Sub {
    fn dtype() -> Dtype {
        record(
            &[
                ("x", 0, <[i32; 2]>::dtype()),
                ("y", 8, <[[f64; 2]; 2]>::dtype()),
                ("z", 40, u8::dtype()),
            ],
            41,
        )
    }
}

/// numpy `[('café', '<i4')]`: a latin-1 field name.
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub struct Cafe {
    pub cafe: i32,
}

// SAFETY: `#[repr(C)]` over one `i32`: 4 bytes, no padding, every bit pattern valid.
unsafe impl Element for Cafe {
    fn dtype() -> Dtype {
        record(&[("caf\u{e9}", 0, i32::dtype())], 4)
    }
}

/// numpy `[('Δx', '<f4'), ('名', '<i2')]`: names outside latin-1 (format 3.0).
#[derive(Clone, Copy, Debug)]
#[repr(C, packed)]
pub struct Wide {
    pub dx: f32,
    pub name: i16,
}

// SAFETY: `#[repr(C, packed)]` over `f32` and `i16`: 6 bytes, no padding, every bit pattern
// valid.
unsafe impl Element for Wide {
    fn dtype() -> Dtype {
        record(
            &[("\u{394}x", 0, f32::dtype()), ("\u{540d}", 4, i16::dtype())],
            6,
        )
    }
}
