//! `.npy` compatibility with real numpy, both directions.
//!
//! - numpy → us: `npy_numpy/cases.py` saves a table of arrays (every dtype family, format
//!   versions 1.0/2.0/3.0, 0-d, empty, C and F order, ranks 1–3, structured arrays of every
//!   kind); we read each one as a `DynArray` (mapped and copied) and, where a Rust type
//!   exists, typed (`npy::open`, `open_copy`, `read`, `DynArray::as_typed`), dump the values
//!   as JSON with `examples/npy2json/json.rs`, and `npy_numpy/compare_json.py` checks every
//!   value against what numpy loads.
//! - us → numpy: files made by `npy::create` are byte-identical to `open_memmap(..., 'w+')`
//!   after the same bytes are written, files made by `npy::write*` are byte-identical to
//!   `np.save`, and `np.load(path, mmap_mode='r')` reads them back equal.
#![cfg_attr(miri, allow(unused))]

mod common;
#[path = "../examples/npy2json/json.rs"]
mod json;
#[path = "npy_numpy/records.rs"]
mod records;

use std::fmt::Write as _;
use std::path::Path;

use records::*;
use typed_memmap::byteorder::{BigEndian, F32, F64, I16, I32, I64, U16, U32, U64};
use typed_memmap::units::*;
use typed_memmap::{
    bytes_of, bytes_of_mut, npy, Bool, DateUnit, Datetime64, Dtype, DynArray, Element, FixedBytes,
    Kind, Order, TimeUnit, Timedelta64, UnicodeStr, Unit, Value,
};

const CASES: &str = include_str!("npy_numpy/cases.py");
const COMPARE: &str = include_str!("npy_numpy/compare_json.py");

/// numpy's `M8[25s]`.
#[derive(Clone, Copy, Debug)]
struct Ticks25s;
impl Unit for Ticks25s {
    const UNIT: TimeUnit = TimeUnit {
        base: Some(DateUnit::Seconds),
        multiplier: 25,
    };
}

fn dyn_json(a: &DynArray) -> String {
    let mut out = Vec::new();
    json::write_array(&mut out, a).unwrap();
    String::from_utf8(out).unwrap()
}

/// Opens `path` typed as `T` every way there is, checks they agree, and dumps the values in
/// C order as JSON (the same format as `npy2json`).
fn typed_json<T: Element>(path: &Path) -> String {
    let name = std::any::type_name::<T>();
    // SAFETY: the test's temp files are not modified while mapped.
    let map = unsafe { npy::open::<T>(path) }.unwrap_or_else(|e| panic!("{name}: {e}"));
    // SAFETY: as above.
    let copy = unsafe { npy::open_copy::<T>(path) }.unwrap();
    let owned = npy::read::<T>(path).unwrap();
    let dynamic = DynArray::read(path).unwrap();
    assert_eq!(bytes_of(dynamic.as_typed::<T>().unwrap()), map.as_bytes());
    assert_eq!(bytes_of(&copy), map.as_bytes());
    assert_eq!(bytes_of(&owned), map.as_bytes());
    assert_eq!(owned.shape(), map.shape());
    assert_eq!((owned.order(), dynamic.order()), (map.order(), map.order()));

    let mut out = String::from("{\"descr\": ");
    json::write_str(&mut out, &T::dtype().descr());
    write!(
        out,
        ", \"shape\": {:?}, \"fortran_order\": {}, \"values\": [",
        map.shape(),
        map.order() == Order::F
    )
    .unwrap();
    for (i, index) in common::c_indices(map.shape()).iter().enumerate() {
        let item = map.get(index).unwrap();
        assert_eq!(bytes_of(std::slice::from_ref(owned.get(index).unwrap())), {
            bytes_of(std::slice::from_ref(item))
        });
        let value = Value::decode(&T::dtype(), bytes_of(std::slice::from_ref(item))).unwrap();
        if i > 0 {
            out.push_str(", ");
        }
        json::write_value(&mut out, &value);
    }
    out.push_str("]}\n");
    out
}

type Typed = (&'static str, fn(&Path) -> String);

/// The same records as in `records.rs`, written with `#[derive(Record)]` instead of by hand.
mod derived {
    use typed_memmap::byteorder::{BigEndian, F64, I32};
    use typed_memmap::units::Seconds;
    use typed_memmap::{Bool, Datetime64, FixedBytes, Record, UnicodeStr};

    #[derive(Record, Clone, Copy)]
    #[repr(C, packed)]
    pub struct Simple {
        pub a: i32,
        pub b: f64,
    }

    #[derive(Record, Clone, Copy)]
    #[repr(C)]
    pub struct BigEndianRec {
        pub x: I32<BigEndian>,
        pub y: F64<BigEndian>,
    }

    #[derive(Record, Clone, Copy)]
    #[repr(C)]
    pub struct Aligned {
        pub a: i8,
        pub _pad0: [u8; 3],
        pub b: i32,
        pub c: i8,
        pub _pad1: [u8; 3],
    }

    #[derive(Record, Clone, Copy)]
    #[repr(C, packed)]
    pub struct Gaps {
        pub _pad0: u8,
        pub a: i32,
        pub _pad1: u8,
        pub b: i32,
        pub _pad2: [u8; 2],
    }

    #[derive(Record, Clone, Copy)]
    #[repr(C, packed)]
    pub struct Inner {
        pub b: i16,
        pub c: u8,
    }

    #[derive(Record, Clone, Copy)]
    #[repr(C, packed)]
    pub struct Nested {
        pub a: Inner,
        pub d: f32,
    }

    #[derive(Record, Clone, Copy)]
    #[repr(C, packed)]
    pub struct Sub {
        pub x: [i32; 2],
        pub y: [[f64; 2]; 2],
        pub z: u8,
    }

    #[derive(Record, Clone, Copy)]
    #[repr(C)]
    pub struct Cafe {
        #[record(rename = "caf\u{e9}")]
        pub cafe: i32,
    }

    #[derive(Record, Clone, Copy)]
    #[repr(C, packed)]
    pub struct Wide {
        #[record(rename = "\u{394}x")]
        pub dx: f32,
        #[record(rename = "\u{540d}")]
        pub name: i16,
    }

    /// `rec_mixed` without its `V3` field, which has no Rust type: numpy's
    /// `[('name', 'S4'), ('u', '<U2'), ('when', '<M8[s]'), ('ok', '?')]`.
    #[derive(Record, Clone, Copy)]
    #[repr(C, packed)]
    pub struct Mixed {
        pub name: FixedBytes<4>,
        pub u: UnicodeStr<2>,
        pub when: Datetime64<Seconds>,
        pub ok: Bool,
    }
}

/// The structured cases of `cases.py`, typed with `#[derive(Record)]` structs.
fn derived_cases() -> Vec<Typed> {
    vec![
        ("rec_simple", typed_json::<derived::Simple>),
        ("rec_be", typed_json::<derived::BigEndianRec>),
        ("rec_aligned_padded", typed_json::<derived::Aligned>),
        ("rec_gaps", typed_json::<derived::Gaps>),
        ("rec_nested", typed_json::<derived::Nested>),
        ("rec_subarray", typed_json::<derived::Sub>),
        ("rec_latin1_name", typed_json::<derived::Cafe>),
        ("rec_unicode_names_v3", typed_json::<derived::Wide>),
        ("rec_mixed_typed", typed_json::<derived::Mixed>),
        ("rec_2d_f", typed_json::<derived::Simple>),
        ("rec_scalar", typed_json::<derived::Simple>),
        ("rec_v3", typed_json::<derived::Simple>),
    ]
}

/// The cases of `cases.py` that have a Rust element type.
fn typed_cases() -> Vec<Typed> {
    let mut cases: Vec<Typed> = vec![
        ("bool", typed_json::<Bool>),
        ("i1", typed_json::<i8>),
        ("i2", typed_json::<i16>),
        ("i4", typed_json::<i32>),
        ("i8", typed_json::<i64>),
        ("u1", typed_json::<u8>),
        ("u2", typed_json::<u16>),
        ("u4", typed_json::<u32>),
        ("u8", typed_json::<u64>),
        ("be_i2", typed_json::<I16<BigEndian>>),
        ("be_i4", typed_json::<I32<BigEndian>>),
        ("be_i8", typed_json::<I64<BigEndian>>),
        ("be_u2", typed_json::<U16<BigEndian>>),
        ("be_u4", typed_json::<U32<BigEndian>>),
        ("be_u8", typed_json::<U64<BigEndian>>),
        ("f4", typed_json::<f32>),
        ("f8", typed_json::<f64>),
        ("be_f4", typed_json::<F32<BigEndian>>),
        ("be_f8", typed_json::<F64<BigEndian>>),
        ("S5", typed_json::<FixedBytes<5>>),
        ("S1_2d", typed_json::<FixedBytes<1>>),
        ("U3", typed_json::<UnicodeStr<3>>),
        ("M8_ns", typed_json::<Datetime64<Nanos>>),
        ("M8_us", typed_json::<Datetime64<Micros>>),
        ("M8_ms", typed_json::<Datetime64<Millis>>),
        ("M8_s", typed_json::<Datetime64<Seconds>>),
        ("M8_m", typed_json::<Datetime64<Minutes>>),
        ("M8_h", typed_json::<Datetime64<Hours>>),
        ("M8_D", typed_json::<Datetime64<Days>>),
        ("M8_W", typed_json::<Datetime64<Weeks>>),
        ("M8_M", typed_json::<Datetime64<Months>>),
        ("M8_Y", typed_json::<Datetime64<Years>>),
        ("M8_generic", typed_json::<Datetime64<Generic>>),
        ("M8_25s", typed_json::<Datetime64<Ticks25s>>),
        ("m8_ns", typed_json::<Timedelta64<Nanos>>),
        ("m8_D", typed_json::<Timedelta64<Days>>),
        ("m8_s", typed_json::<Timedelta64<Seconds>>),
        ("scalar_f8", typed_json::<f64>),
        ("scalar_i2", typed_json::<i16>),
        ("empty_f8", typed_json::<f64>),
        ("empty_2d_i4", typed_json::<i32>),
        ("empty_f_order", typed_json::<u16>),
        ("c_2d_i4", typed_json::<i32>),
        ("f_2d_i4", typed_json::<i32>),
        ("c_3d_f8", typed_json::<f64>),
        ("f_3d_f8", typed_json::<f64>),
        ("f_2d_u1", typed_json::<u8>),
        ("f_2d_be_i2", typed_json::<I16<BigEndian>>),
        ("c_3d_bool", typed_json::<Bool>),
        ("f_2d_S3", typed_json::<FixedBytes<3>>),
        ("v1_f4", typed_json::<f32>),
        ("v2_i8", typed_json::<i64>),
        ("v3_u2", typed_json::<u16>),
        ("v2_2d_f", typed_json::<i16>),
        ("rec_simple", typed_json::<Simple>),
        ("rec_be", typed_json::<BigEndianRec>),
        ("rec_aligned_padded", typed_json::<Aligned>),
        ("rec_gaps", typed_json::<Gaps>),
        ("rec_titled", typed_json::<Titled>),
        ("rec_nested", typed_json::<Nested>),
        ("rec_subarray", typed_json::<Sub>),
        ("rec_latin1_name", typed_json::<Cafe>),
        ("rec_unicode_names_v3", typed_json::<Wide>),
        ("rec_2d_c", typed_json::<Simple>),
        ("rec_2d_f", typed_json::<Simple>),
        ("rec_scalar", typed_json::<Simple>),
        ("rec_empty", typed_json::<Nested>),
        ("rec_v3", typed_json::<Simple>),
    ];
    #[cfg(feature = "f16")]
    cases.push(("f2", typed_json::<half::f16>));
    #[cfg(feature = "complex")]
    cases.extend([
        (
            "c8",
            typed_json::<num_complex::Complex<f32>> as fn(&Path) -> String,
        ),
        ("c16", typed_json::<num_complex::Complex<f64>>),
        ("f_2d_c16", typed_json::<num_complex::Complex<f64>>),
    ]);
    cases
}

/// Runs the comparison script on the `<name><suffix>` dumps and asserts every case matched.
fn assert_numpy_agrees(dir: &Path, suffix: &str, names: &[&str]) {
    let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&dir, &suffix];
    args.extend(names.iter().map(|n| n as &dyn AsRef<std::ffi::OsStr>));
    let report = common::numpy(COMPARE, &args);
    assert_eq!(
        report.trim(),
        format!("ok {}", names.len()),
        "numpy disagrees with our {suffix} values:\n{report}"
    );
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn numpy_files_read_as_dynarray_and_typed_equal_numpys_values() {
    let dir = tempfile::tempdir().unwrap();
    let listing = common::numpy(CASES, &[&dir.path()]);
    let names: Vec<&str> = listing.lines().collect();
    assert!(names.len() >= 60, "only {} cases", names.len());

    for name in &names {
        let path = dir.path().join(format!("{name}.npy"));
        let copied = DynArray::read(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        // SAFETY: the test's temp files are not modified while mapped.
        let mapped = unsafe { DynArray::open(&path) }.unwrap_or_else(|e| panic!("{name}: {e}"));
        let bytes = std::fs::read(&path).unwrap();
        let in_memory = DynArray::from_npy_bytes(&bytes).unwrap();
        let text = dyn_json(&copied);
        assert_eq!(dyn_json(&mapped), text, "{name}: mapped and copied differ");
        assert_eq!(
            dyn_json(&in_memory),
            text,
            "{name}: in-memory parse differs"
        );
        assert_eq!(copied.len(), copied.values().count(), "{name}");
        std::fs::write(dir.path().join(format!("{name}.dyn.json")), text).unwrap();
    }
    assert_numpy_agrees(dir.path(), ".dyn.json", &names);

    let typed = typed_cases();
    let mut typed_names = Vec::new();
    for (name, dump) in &typed {
        assert!(names.contains(name), "typed case {name} is not in cases.py");
        let path = dir.path().join(format!("{name}.npy"));
        let text = dump(&path);
        std::fs::write(dir.path().join(format!("{name}.typed.json")), text).unwrap();
        typed_names.push(*name);
    }
    assert!(
        typed_names.len() >= 60,
        "only {} typed cases",
        typed_names.len()
    );
    assert_numpy_agrees(dir.path(), ".typed.json", &typed_names);

    let mut derived_names = Vec::new();
    for (name, dump) in derived_cases() {
        assert!(
            names.contains(&name),
            "derived case {name} is not in cases.py"
        );
        let path = dir.path().join(format!("{name}.npy"));
        std::fs::write(dir.path().join(format!("{name}.derived.json")), dump(&path)).unwrap();
        derived_names.push(name);
    }
    assert_numpy_agrees(dir.path(), ".derived.json", &derived_names);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn typed_maps_honour_shape_and_fortran_order() {
    let dir = tempfile::tempdir().unwrap();
    let listing = common::numpy(CASES, &[&dir.path()]);
    assert!(listing.lines().any(|l| l == "f_2d_i4"));
    // numpy saved `np.asfortranarray(np.arange(6).reshape(2, 3))`: element [i, j] is 3i + j,
    // stored column by column.
    // SAFETY: the test's temp files are not modified while mapped.
    let f = unsafe { npy::open::<i32>(dir.path().join("f_2d_i4.npy")) }.unwrap();
    assert_eq!((f.shape(), f.order()), (&[2, 3][..], Order::F));
    assert_eq!(&f[..], [0, 3, 1, 4, 2, 5]);
    for i in 0..2 {
        for j in 0..3 {
            assert_eq!(f.get(&[i, j]), Some(&(3 * i as i32 + j as i32)));
        }
    }
    assert_eq!(f.strides(), [4, 8]);
    // `c_3d_f8` is arange(24).reshape(2, 3, 4) / 7.
    // SAFETY: as above.
    let c = unsafe { npy::open::<f64>(dir.path().join("c_3d_f8.npy")) }.unwrap();
    assert_eq!(c.get(&[1, 2, 3]), Some(&(23.0 / 7.0)));
    // 0-d: one element, shape ().
    // SAFETY: as above.
    let s = unsafe { npy::open::<f64>(dir.path().join("scalar_f8.npy")) }.unwrap();
    assert_eq!((s.shape(), &s[..]), (&[][..], &[3.5][..]));
    // Big-endian records through byte-order types.
    let be = npy::read::<BigEndianRec>(dir.path().join("rec_be.npy")).unwrap();
    assert_eq!((be[1].x.get(), be[1].y.get()), (-300, -1e10));
    // Datetimes keep their unit in the type; NaT is i64::MIN.
    let d = npy::read::<Datetime64<Days>>(dir.path().join("M8_D.npy")).unwrap();
    assert_eq!(d[1].ticks(), Some(19_782)); // 2024-02-29
    assert!(d[2].is_nat());
    let s = npy::read::<FixedBytes<5>>(dir.path().join("S5.npy")).unwrap();
    assert_eq!(s[3].as_bytes(), b"a\0b");
    let u = npy::read::<UnicodeStr<3>>(dir.path().join("U3.npy")).unwrap();
    assert_eq!(u[2].to_string(), "\u{1F600}x");
    // r+ writes reach the file.
    // SAFETY: as above.
    let mut m = unsafe { npy::open_mut::<i32>(dir.path().join("c_2d_i4.npy")) }.unwrap();
    *m.get_mut(&[1, 1]).unwrap() = 40;
    m.flush().unwrap();
    drop(m);
    let back = common::numpy_on(
        "print(np.load(sys.argv[1])[1, 1])",
        &dir.path().join("c_2d_i4.npy"),
    );
    assert_eq!(back.trim(), "40");
}

/// What `create` must reproduce: one line per case, `name \t fortran \t shape \t descr`.
struct Created {
    lines: String,
}

impl Created {
    /// Creates `<name>.ours.npy` with `npy::create::<T>`, fills its data with a byte pattern
    /// that is valid for the dtype, and records the case.
    fn add<T: Element>(&mut self, dir: &Path, name: &str, shape: &[usize], order: Order) {
        let path = dir.join(format!("{name}.ours.npy"));
        // SAFETY: the test's temp files are not modified while mapped.
        let mut m = unsafe { npy::create::<T>(&path, shape, order) }
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(m
            .iter()
            .all(|x| bytes_of(std::slice::from_ref(x)).iter().all(|&b| b == 0)));
        let itemsize = T::dtype().itemsize();
        let mask = value_bytes(&T::dtype());
        for (k, byte) in bytes_of_mut(&mut m).iter_mut().enumerate() {
            *byte = match mask[k % itemsize] {
                ByteKind::Padding => 0,
                ByteKind::Bool => (k / itemsize % 2) as u8,
                ByteKind::Data => (k as u32).wrapping_mul(2_654_435_761).to_be_bytes()[0],
            };
        }
        m.flush().unwrap();
        let fortran = if order == Order::F { "1" } else { "0" };
        let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
        writeln!(
            self.lines,
            "{name}\t{fortran}\t{}\t{}",
            dims.join(","),
            T::dtype().descr()
        )
        .unwrap();
    }
}

#[derive(Clone, Copy)]
enum ByteKind {
    Padding,
    Bool,
    Data,
}

/// What each byte of an item of `dtype` is: padding (numpy does not copy it on assignment),
/// a bool (must be 0 or 1 to survive numpy's assignment), or data.
fn value_bytes(dtype: &Dtype) -> Vec<ByteKind> {
    let mut out = vec![ByteKind::Padding; dtype.itemsize()];
    fn mark(dtype: &Dtype, at: usize, out: &mut [ByteKind]) {
        match dtype {
            Dtype::Scalar(s) => {
                let kind = if s.kind() == Kind::Bool {
                    ByteKind::Bool
                } else {
                    ByteKind::Data
                };
                out[at..at + s.size()].fill(kind);
            }
            Dtype::Subarray(base, shape) => {
                let n: usize = shape.iter().product();
                for i in 0..n {
                    mark(base, at + i * base.itemsize(), out);
                }
            }
            Dtype::Record(r) => {
                for f in &r.fields {
                    mark(&f.dtype, at + f.offset, out);
                }
            }
            other => panic!("no byte pattern for dtype {other}"),
        }
    }
    mark(dtype, 0, &mut out);
    out
}

const SAME_AS_OPEN_MEMMAP: &str = r#"
import ast, os
d = sys.argv[1]
bad = []
lines = open(os.path.join(d, 'cases.txt'), encoding='utf8').read().splitlines()
for line in lines:
    name, fortran, dims, descr = line.split('\t')
    fortran = fortran == '1'
    shape = tuple(int(x) for x in dims.split(',') if x)
    dt = np.lib.format.descr_to_dtype(ast.literal_eval(descr))
    ours = os.path.join(d, name + '.ours.npy')
    theirs = os.path.join(d, name + '.numpy.npy')
    ob = open(ours, 'rb').read()
    m = np.lib.format.open_memmap(theirs, 'w+', dt, shape, fortran_order=fortran)
    n = int(np.prod(shape, dtype=np.int64))
    vals = np.frombuffer(ob[m.offset:m.offset + n * dt.itemsize], dtype=dt)
    m[...] = vals.reshape(shape, order='F' if fortran else 'C')
    m.flush()
    del m
    tb = open(theirs, 'rb').read()
    if tb != ob:
        at = next((i for i, (x, y) in enumerate(zip(ob, tb)) if x != y), min(len(ob), len(tb)))
        bad.append('%s: differs at byte %d (ours %d bytes, numpy %d): %r vs %r'
                   % (name, at, len(ob), len(tb), ob[at:at + 40], tb[at:at + 40]))
        continue
    a = np.load(ours, mmap_mode='r')
    b = np.load(theirs, mmap_mode='r')
    same = (a.dtype == dt and a.shape == shape and a.flags.f_contiguous == b.flags.f_contiguous
            and np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(b).tobytes())
    if dt.names is None and dt.kind not in 'fcV':
        same = same and np.array_equal(a, b)
    if not same:
        bad.append('%s: np.load reads different values' % name)
print('ok', len(lines) - len(bad))
for b in bad:
    print(b)
"#;

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn created_files_are_byte_identical_to_open_memmap() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut c = Created {
        lines: String::new(),
    };
    c.add::<f64>(d, "f8_1d", &[5], Order::C);
    c.add::<f64>(d, "f8_2d_f", &[2, 3], Order::F);
    c.add::<f32>(d, "f4_3d", &[2, 3, 4], Order::C);
    c.add::<u16>(d, "u2_3d_f", &[2, 3, 4], Order::F);
    c.add::<i32>(d, "i4_empty", &[0], Order::C);
    c.add::<i64>(d, "i8_empty_2d", &[3, 0], Order::C);
    c.add::<u8>(d, "u1_0d", &[], Order::C);
    c.add::<i8>(d, "i1_long", &[100_000], Order::C);
    c.add::<i16>(d, "i2_wide_f", &[3, 123_456], Order::F);
    c.add::<u64>(d, "u8_1d_f", &[4], Order::F);
    c.add::<Bool>(d, "bool", &[7], Order::C);
    c.add::<I32<BigEndian>>(d, "be_i4", &[5], Order::C);
    c.add::<F64<BigEndian>>(d, "be_f8_f", &[2, 2], Order::F);
    c.add::<FixedBytes<7>>(d, "S7", &[3], Order::C);
    c.add::<UnicodeStr<3>>(d, "U3", &[2], Order::C);
    c.add::<Datetime64<Nanos>>(d, "M8_ns", &[3], Order::C);
    c.add::<Datetime64<Generic>>(d, "M8_generic", &[1], Order::C);
    c.add::<Datetime64<Ticks25s>>(d, "M8_25s", &[2], Order::C);
    c.add::<Timedelta64<Days>>(d, "m8_D", &[2], Order::C);
    c.add::<Simple>(d, "rec_simple", &[4], Order::C);
    c.add::<Simple>(d, "rec_simple_2d_f", &[2, 3], Order::F);
    c.add::<Aligned>(d, "rec_aligned", &[3], Order::C);
    c.add::<Gaps>(d, "rec_gaps", &[2], Order::C);
    c.add::<BigEndianRec>(d, "rec_be", &[2], Order::C);
    c.add::<Nested>(d, "rec_nested", &[2], Order::C);
    c.add::<Sub>(d, "rec_sub", &[2], Order::C);
    c.add::<Titled>(d, "rec_titled", &[1], Order::C);
    c.add::<Cafe>(d, "rec_latin1", &[2], Order::C);
    c.add::<Wide>(d, "rec_v3", &[2], Order::C);
    c.add::<derived::Aligned>(d, "derived_aligned", &[3], Order::C);
    c.add::<derived::Mixed>(d, "derived_mixed_2d", &[2, 2], Order::C);
    c.add::<derived::Wide>(d, "derived_v3", &[1], Order::C);
    #[cfg(feature = "f16")]
    c.add::<half::f16>(d, "f2", &[3], Order::C);
    #[cfg(feature = "complex")]
    c.add::<num_complex::Complex<f32>>(d, "c8_f", &[2, 2], Order::F);
    std::fs::write(d.join("cases.txt"), &c.lines).unwrap();
    let report = common::numpy(SAME_AS_OPEN_MEMMAP, &[&d]);
    assert_eq!(
        report.trim(),
        format!("ok {}", c.lines.lines().count()),
        "{report}"
    );
}

const SAME_AS_NP_SAVE: &str = r#"
import os
d = sys.argv[1]
cases = {
    'w_f8': np.array([1.5, -2.0, np.nan], dtype='<f8'),
    'w_i4_2d_c': np.arange(6, dtype='<i4').reshape(2, 3),
    'w_i4_2d_f': np.asfortranarray(np.arange(6, dtype='<i4').reshape(2, 3)),
    'w_u2_col_f': np.asfortranarray(np.arange(3, dtype='<u2').reshape(3, 1)),
    'w_u1_1d_f': np.arange(4, dtype='u1'),
    'w_iter': np.arange(1000, dtype='<u8') ** 2,
    'w_iter_empty': np.zeros(0, dtype='<i2'),
    'w_empty': np.zeros(0, dtype='<f4'),
}
bad = []
for name, arr in cases.items():
    theirs = os.path.join(d, name + '.numpy.npy')
    np.save(theirs, arr)
    ob = open(os.path.join(d, name + '.npy'), 'rb').read()
    tb = open(theirs, 'rb').read()
    if ob != tb:
        bad.append('%s: %r vs %r' % (name, ob[:140], tb[:140]))
    a = np.load(os.path.join(d, name + '.npy'), mmap_mode='r')
    if a.shape != arr.shape or not np.array_equal(a, arr, equal_nan=arr.dtype.kind == 'f'):
        bad.append('%s: values differ' % name)
print('ok', len(cases) - len(bad))
for b in bad:
    print(b)
"#;

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn written_files_are_byte_identical_to_np_save() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    npy::write(d.join("w_f8.npy"), &[1.5f64, -2.0, f64::NAN]).unwrap();
    let six = [0i32, 1, 2, 3, 4, 5];
    npy::write_shaped(d.join("w_i4_2d_c.npy"), &six, &[2, 3], Order::C).unwrap();
    npy::write_shaped(
        d.join("w_i4_2d_f.npy"),
        &[0i32, 3, 1, 4, 2, 5],
        &[2, 3],
        Order::F,
    )
    .unwrap();
    npy::write_shaped(d.join("w_u2_col_f.npy"), &[0u16, 1, 2], &[3, 1], Order::F).unwrap();
    npy::write_shaped(d.join("w_u1_1d_f.npy"), &[0u8, 1, 2, 3], &[4], Order::F).unwrap();
    let n = npy::write_iter(d.join("w_iter.npy"), (0..1000u64).map(|i| i * i)).unwrap();
    assert_eq!(n, 1000);
    let n = npy::write_iter(d.join("w_iter_empty.npy"), std::iter::empty::<i16>()).unwrap();
    assert_eq!(n, 0);
    npy::write::<f32>(d.join("w_empty.npy"), &[]).unwrap();
    let report = common::numpy(SAME_AS_NP_SAVE, &[&d]);
    assert_eq!(report.trim(), "ok 8", "{report}");
}
