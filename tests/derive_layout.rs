//! The dtypes `#[derive(Record)]` produces, checked against real numpy for a table of
//! records: numpy parses our descr (as its `.npy` reader does, `descr_to_dtype`) and reports
//! the same descr, itemsize and field offsets; a file numpy writes with that dtype
//! (`arr.tofile`) maps as our type with the values numpy put in it; a file we write
//! (`Options::create`) is read by numpy (`np.fromfile`) with the values we put in it.
//!
//! Values: the leaf fields of a record are numbered `j = 0, 1, ...` in declaration order
//! (nested records recursed, a subarray counting as one leaf whose elements are numbered
//! `k` in C order); record `i` holds `(31 i + 7 j + 3 k) % 100` in each, `% 2` for booleans.
//! The Rust side writes those values by hand in `expected(i)`, through the typed fields.
#![cfg_attr(miri, allow(unused))]

mod common;

use half::f16;
use typed_memmap::byteorder::{BigEndian, LittleEndian, F32, F64, I16, I64, U16, U32};
use typed_memmap::{bytes_of, Bool, Element, Memmap, Options, Record};

/// The value of leaf `j`, element `k`, in record `i`.
fn v(i: usize, j: usize, k: usize) -> u8 {
    ((31 * i + 7 * j + 3 * k) % 100) as u8
}

fn b(i: usize, j: usize, k: usize) -> Bool {
    Bool::from(v(i, j, k) % 2 == 1)
}

/// What each table entry provides: the record `i` with the scheme's values.
trait Expected: Element {
    fn expected(i: usize) -> Self;
}

const SCRIPT: &str = r#"
import ast
descr = ast.literal_eval(sys.argv[1])
n = int(sys.argv[2])
dt = np.lib.format.descr_to_dtype(descr)
print("descr=" + repr(dt.descr))
print("itemsize=" + str(dt.itemsize))
for name in dt.names:
    print("offset=" + name + "=" + str(dt.fields[name][1]))

def leaves(a):
    if a.dtype.names is not None:
        for name in a.dtype.names:
            yield from leaves(a[name])
    else:
        yield a

def values(j, leaf):
    k = np.arange(int(np.prod(leaf.shape[1:], dtype=np.int64))).reshape(leaf.shape[1:])
    i = np.arange(leaf.shape[0]).reshape((-1,) + (1,) * (leaf.ndim - 1))
    vals = (31 * i + 7 * j + 3 * k) % 100
    if leaf.dtype.kind == "b":
        return (vals % 2).astype(bool)
    return vals.astype(leaf.dtype)

arr = np.zeros(n, dtype=dt)
for j, leaf in enumerate(leaves(arr)):
    leaf[...] = values(j, leaf)
arr.tofile(sys.argv[3])

ours = np.fromfile(sys.argv[4], dtype=dt)
assert ours.shape == (n,), ours.shape
for j, leaf in enumerate(leaves(ours)):
    want = values(j, leaf)
    if not np.array_equal(leaf, want):
        print("mismatch=leaf %d: numpy read %r, expected %r" % (j, leaf.tolist(), want.tolist()))
"#;

fn check<T: Expected + core::fmt::Debug>() {
    let name = core::any::type_name::<T>();
    let n = 5;
    let ours: Vec<T> = (0..n).map(T::expected).collect();
    let dtype = T::dtype();
    let descr = dtype.descr();
    assert_eq!(dtype.itemsize(), core::mem::size_of::<T>(), "{name}");

    let dir = tempfile::tempdir().expect("temp dir");
    let numpy_path = dir.path().join("numpy.bin");
    let ours_path = dir.path().join("ours.bin");
    {
        // SAFETY: the file is private to this test.
        let mut map =
            unsafe { Options::<T>::new().shape([n]).create(&ours_path) }.expect("create our file");
        map.copy_from_slice(&ours);
        map.flush().expect("flush");
    }

    let out = common::numpy(SCRIPT, &[&descr, &n.to_string(), &numpy_path, &ours_path]);
    let mut offsets = Vec::new();
    for line in out.lines() {
        let (key, value) = line.split_once('=').expect("key=value");
        match key {
            "descr" => assert_eq!(value, descr, "{name}: numpy's descr differs from ours"),
            "itemsize" => assert_eq!(value, dtype.itemsize().to_string(), "{name}: itemsize"),
            "offset" => {
                let (field, off) = value.rsplit_once('=').expect("field=offset");
                offsets.push((field.to_string(), off.parse::<usize>().expect("offset")));
            }
            "mismatch" => panic!("{name}: numpy read other values from our file: {value}"),
            other => panic!("unexpected line from numpy: {other}"),
        }
    }
    let record = dtype.as_record().expect("a record dtype");
    let our_offsets: Vec<(String, usize)> = record
        .fields
        .iter()
        .map(|f| (f.name.clone(), f.offset))
        .collect();
    assert_eq!(our_offsets, offsets, "{name}: field offsets");

    // SAFETY: the file is private to this test.
    let map: Memmap<T> = unsafe { Options::new().open(&numpy_path) }.expect("map numpy's file");
    assert_eq!(map.len(), n, "{name}");
    for (i, (got, want)) in map.iter().zip(&ours).enumerate() {
        assert_eq!(
            bytes_of(core::slice::from_ref(got)),
            bytes_of(core::slice::from_ref(want)),
            "{name}: record {i} of numpy's file is {got:?}, expected {want:?}"
        );
    }
}

#[derive(Clone, Copy, Debug, Record)]
#[repr(C)]
struct Tick {
    ts: u64,
    price: f64,
    qty: u32,
    side: u8,
    _pad: [u8; 3],
}

impl Expected for Tick {
    fn expected(i: usize) -> Self {
        Tick {
            ts: v(i, 0, 0).into(),
            price: v(i, 1, 0).into(),
            qty: v(i, 2, 0).into(),
            side: v(i, 3, 0),
            _pad: [0; 3],
        }
    }
}

#[derive(Clone, Copy, Debug, Record)]
#[repr(C)]
struct AllWidths {
    a: u64,
    b: i64,
    y: f64,
    c: u32,
    d: i32,
    x: f32,
    e: u16,
    f: i16,
    g: u8,
    h: i8,
    _tail: [u8; 6],
}

impl Expected for AllWidths {
    fn expected(i: usize) -> Self {
        AllWidths {
            a: v(i, 0, 0).into(),
            b: v(i, 1, 0).into(),
            y: v(i, 2, 0).into(),
            c: v(i, 3, 0).into(),
            d: v(i, 4, 0).into(),
            x: v(i, 5, 0).into(),
            e: v(i, 6, 0).into(),
            f: v(i, 7, 0).into(),
            g: v(i, 8, 0),
            h: v(i, 9, 0) as i8,
            _tail: [0; 6],
        }
    }
}

#[derive(Clone, Copy, Debug, Record)]
#[repr(C, packed)]
struct PackedTick {
    flag: u8,
    price: f64,
    qty: u32,
}

impl Expected for PackedTick {
    fn expected(i: usize) -> Self {
        PackedTick {
            flag: v(i, 0, 0),
            price: v(i, 1, 0).into(),
            qty: v(i, 2, 0).into(),
        }
    }
}

#[derive(Clone, Copy, Debug, Record)]
#[repr(C, packed(2))]
struct PackedTwo {
    a: u16,
    b: u32,
    c: u64,
}

impl Expected for PackedTwo {
    fn expected(i: usize) -> Self {
        PackedTwo {
            a: v(i, 0, 0).into(),
            b: v(i, 1, 0).into(),
            c: v(i, 2, 0).into(),
        }
    }
}

#[derive(Clone, Copy, Debug, Record)]
#[repr(C)]
struct Wire {
    id: U32<BigEndian>,
    level: I16<LittleEndian>,
    value: F64<BigEndian>,
    code: U16<BigEndian>,
    big: I64<BigEndian>,
    ratio: F32<LittleEndian>,
}

impl Expected for Wire {
    fn expected(i: usize) -> Self {
        Wire {
            id: U32::new(v(i, 0, 0).into()),
            level: I16::new(v(i, 1, 0).into()),
            value: F64::new(v(i, 2, 0).into()),
            code: U16::new(v(i, 3, 0).into()),
            big: I64::new(v(i, 4, 0).into()),
            ratio: F32::new(v(i, 5, 0).into()),
        }
    }
}

#[derive(Clone, Copy, Debug, Record)]
#[repr(C)]
struct Flags {
    valid: Bool,
    flags: [Bool; 3],
}

impl Expected for Flags {
    fn expected(i: usize) -> Self {
        Flags {
            valid: b(i, 0, 0),
            flags: [b(i, 1, 0), b(i, 1, 1), b(i, 1, 2)],
        }
    }
}

#[derive(Clone, Copy, Debug, Record)]
#[repr(C)]
struct Grids {
    grid: [[i16; 3]; 2],
    v: [f32; 4],
}

impl Expected for Grids {
    fn expected(i: usize) -> Self {
        let g = |k| i16::from(v(i, 0, k));
        Grids {
            grid: [[g(0), g(1), g(2)], [g(3), g(4), g(5)]],
            v: [0, 1, 2, 3].map(|k| f32::from(v(i, 1, k))),
        }
    }
}

#[derive(Clone, Copy, Debug, Record)]
#[repr(C)]
struct Point {
    x: f32,
    y: f32,
}

#[derive(Clone, Copy, Debug, Record)]
#[repr(C, packed)]
struct Ship {
    id: u16,
    pos: Point,
    path: [Point; 2],
    rgb: [u8; 3],
}

impl Expected for Ship {
    fn expected(i: usize) -> Self {
        let p = |j, k| Point {
            x: v(i, j, k).into(),
            y: v(i, j + 1, k).into(),
        };
        Ship {
            id: v(i, 0, 0).into(),
            pos: p(1, 0),
            path: [p(3, 0), p(3, 1)],
            rgb: [v(i, 5, 0), v(i, 5, 1), v(i, 5, 2)],
        }
    }
}

#[derive(Clone, Copy, Debug, Record)]
#[repr(C)]
struct Body {
    id: u64,
    pos: Point,
    weight: f64,
}

impl Expected for Body {
    fn expected(i: usize) -> Self {
        Body {
            id: v(i, 0, 0).into(),
            pos: Point {
                x: v(i, 1, 0).into(),
                y: v(i, 2, 0).into(),
            },
            weight: v(i, 3, 0).into(),
        }
    }
}

#[derive(Clone, Copy, Debug, Record)]
#[repr(C, packed)]
struct Fleet {
    tag: u8,
    ship: Ship,
    body: Body,
}

impl Expected for Fleet {
    fn expected(i: usize) -> Self {
        // `ship` holds leaves 1..=6, numbered as in `Ship` but shifted by one.
        let p = |j, k| Point {
            x: v(i, j, k).into(),
            y: v(i, j + 1, k).into(),
        };
        Fleet {
            tag: v(i, 0, 0),
            ship: Ship {
                id: v(i, 1, 0).into(),
                pos: p(2, 0),
                path: [p(4, 0), p(4, 1)],
                rgb: [v(i, 6, 0), v(i, 6, 1), v(i, 6, 2)],
            },
            body: Body {
                id: v(i, 7, 0).into(),
                pos: p(8, 0),
                weight: v(i, 10, 0).into(),
            },
        }
    }
}

#[derive(Clone, Copy, Debug, Record)]
#[repr(C)]
struct Renamed {
    #[record(rename = "the price")]
    price: f64,
    #[record(rename = "_id")]
    id: u64,
    r#type: u32,
    #[record(rename = "é")]
    accent: u32,
}

impl Expected for Renamed {
    fn expected(i: usize) -> Self {
        Renamed {
            price: v(i, 0, 0).into(),
            id: v(i, 1, 0).into(),
            r#type: v(i, 2, 0).into(),
            accent: v(i, 3, 0).into(),
        }
    }
}

#[derive(Clone, Copy, Debug, Record)]
#[repr(C)]
struct Pair(u32, f32, [i8; 4]);

impl Expected for Pair {
    fn expected(i: usize) -> Self {
        Pair(
            v(i, 0, 0).into(),
            v(i, 1, 0).into(),
            [0, 1, 2, 3].map(|k| v(i, 2, k) as i8),
        )
    }
}

#[derive(Clone, Copy, Debug, Record)]
#[repr(C, align(16))]
struct Aligned16 {
    x: f64,
    y: u32,
    _tail: [u8; 4],
}

impl Expected for Aligned16 {
    fn expected(i: usize) -> Self {
        Aligned16 {
            x: v(i, 0, 0).into(),
            y: v(i, 1, 0).into(),
            _tail: [0; 4],
        }
    }
}

#[derive(Clone, Copy, Debug, Record)]
#[repr(C)]
struct MiddleGap {
    a: u8,
    _gap: [u8; 7],
    b: f64,
    c: u16,
    _gap2: [u8; 2],
    d: f32,
}

impl Expected for MiddleGap {
    fn expected(i: usize) -> Self {
        MiddleGap {
            a: v(i, 0, 0),
            _gap: [0; 7],
            b: v(i, 1, 0).into(),
            c: v(i, 2, 0).into(),
            _gap2: [0; 2],
            d: v(i, 3, 0).into(),
        }
    }
}

#[derive(Clone, Copy, Debug, Record)]
#[repr(transparent)]
struct Meters(f64);

impl Expected for Meters {
    fn expected(i: usize) -> Self {
        Meters(v(i, 0, 0).into())
    }
}

#[derive(Clone, Copy, Debug, Record)]
#[repr(C)]
struct Half {
    h: f16,
    s: i16,
    w: [f16; 2],
}

impl Expected for Half {
    fn expected(i: usize) -> Self {
        let h = |j, k| f16::from_f32(v(i, j, k).into());
        Half {
            h: h(0, 0),
            s: v(i, 1, 0).into(),
            w: [h(2, 0), h(2, 1)],
        }
    }
}

macro_rules! table {
    ($($test:ident: $ty:ty,)*) => {$(
        #[test]
        #[cfg_attr(miri, ignore = "mmap")]
        fn $test() {
            check::<$ty>();
        }
    )*};
}

table! {
    aligned_with_tail_padding_field: Tick,
    every_width_with_padding_field: AllWidths,
    packed: PackedTick,
    packed_two: PackedTwo,
    byte_order_fields: Wire,
    bools_and_bool_subarray: Flags,
    multi_dim_subarrays: Grids,
    nested_in_packed_with_record_subarray: Ship,
    nested_aligned: Body,
    nested_two_levels: Fleet,
    renamed_and_raw_identifier: Renamed,
    tuple_struct: Pair,
    align16_with_explicit_tail: Aligned16,
    padding_fields_in_the_middle: MiddleGap,
    transparent: Meters,
    half_floats: Half,
}

#[test]
fn descrs_as_reasoned() {
    // The descr of a few records, derived by hand from the Reference's repr(C) rules; the
    // table above checks each against numpy.
    assert_eq!(
        MiddleGap::dtype().descr(),
        "[('a', '|u1'), ('', '|V7'), ('b', '<f8'), ('c', '<u2'), ('', '|V2'), ('d', '<f4')]"
    );
    assert_eq!(
        Aligned16::dtype().descr(),
        "[('x', '<f8'), ('y', '<u4'), ('', '|V4')]"
    );
    assert_eq!(
        Pair::dtype().descr(),
        "[('f0', '<u4'), ('f1', '<f4'), ('f2', '|i1', (4,))]"
    );
}
