//! numpy compatibility of plain maps, both directions, against real `np.memmap`.
//!
//! - numpy → us: numpy writes files of eleven dtypes in C and F order, ranks 1 to 3, at offset
//!   0, at an aligned offset, and after a prefix of other bytes that numpy keeps (small and
//!   page-crossing, odd for alignment-1 types); we read every element by n-d index in modes
//!   `r`, `r+`, `c` and with the copying `read`, and compare its bytes and its value with what
//!   numpy printed.
//! - us → numpy: we write the same matrix of files in `w+` and `r+` through `get_mut`, numpy
//!   reads them back with `np.memmap` and prints every element.
//! - `r+` with `grow(true)` on a short file leaves the very bytes numpy's `r+` leaves.
#![cfg_attr(miri, allow(dead_code, unused_imports))]

mod common;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use typed_memmap::byteorder::{BigEndian, LittleEndian, F64, I32, U16};
use typed_memmap::{bytes_of, Bool, Element, Options, Order};

/// One element type under test: how numpy spells it, and how to compare and make values.
trait Sample: Element {
    /// numpy's dtype string.
    const NUMPY: &'static str;
    /// Whether `self` is the value numpy printed as `text` (see `VALUE_OF` in the scripts).
    fn matches(&self, text: &str) -> bool;
    /// A value that differs for each `n` in the sizes used here.
    fn make(n: usize) -> Self;
}

fn same_float(ours: f64, text: &str) -> bool {
    let theirs: f64 = text
        .parse()
        .unwrap_or_else(|_| panic!("numpy printed {text:?}"));
    ours.to_bits() == theirs.to_bits() || (ours.is_nan() && theirs.is_nan())
}

fn same_int(ours: i128, text: &str) -> bool {
    text.parse::<i128>().ok() == Some(ours)
}

macro_rules! int_sample {
    ($($t:ty => $np:literal, |$n:ident| $make:expr;)*) => {$(
        impl Sample for $t {
            const NUMPY: &'static str = $np;
            fn matches(&self, text: &str) -> bool {
                same_int(i128::from(*self), text)
            }
            fn make($n: usize) -> Self {
                $make
            }
        }
    )*};
}

int_sample! {
    u8 => "|u1", |n| (n as u8).wrapping_mul(37).wrapping_add(5);
    i16 => "<i2", |n| (n as i16).wrapping_mul(1237).wrapping_sub(15000);
    u32 => "<u4", |n| 0x9E37_79B9u32.wrapping_mul(n as u32 + 1);
    i64 => "<i8", |n| (n as i64 + 1).wrapping_mul(-0x0123_4567_89AB_CDEF);
}

impl Sample for f32 {
    const NUMPY: &'static str = "<f4";
    fn matches(&self, text: &str) -> bool {
        same_float(f64::from(*self), text)
    }
    fn make(n: usize) -> Self {
        (n as f32 - 5.0) / 3.0
    }
}

impl Sample for f64 {
    const NUMPY: &'static str = "<f8";
    fn matches(&self, text: &str) -> bool {
        same_float(*self, text)
    }
    fn make(n: usize) -> Self {
        (n as f64 - 5.0) / 7.0 * 1e10
    }
}

impl Sample for U16<BigEndian> {
    const NUMPY: &'static str = ">u2";
    fn matches(&self, text: &str) -> bool {
        same_int(i128::from(self.get()), text)
    }
    fn make(n: usize) -> Self {
        U16::new(0xA000 + 3 * n as u16)
    }
}

impl Sample for F64<BigEndian> {
    const NUMPY: &'static str = ">f8";
    fn matches(&self, text: &str) -> bool {
        same_float(self.get(), text)
    }
    fn make(n: usize) -> Self {
        F64::new((n as f64 + 0.1) * -1.0e-300)
    }
}

impl Sample for Bool {
    const NUMPY: &'static str = "|b1";
    fn matches(&self, text: &str) -> bool {
        text == if self.get() { "1" } else { "0" }
    }
    fn make(n: usize) -> Self {
        Bool::from(n % 3 == 1)
    }
}

#[cfg(feature = "f16")]
impl Sample for half::f16 {
    const NUMPY: &'static str = "<f2";
    fn matches(&self, text: &str) -> bool {
        same_float(self.to_f64(), text)
    }
    fn make(n: usize) -> Self {
        half::f16::from_f32((n as f32 - 4.0) * 0.3)
    }
}

#[cfg(feature = "complex")]
impl Sample for num_complex::Complex<f32> {
    const NUMPY: &'static str = "<c8";
    fn matches(&self, text: &str) -> bool {
        let (re, im) = text.split_once(';').expect("complex printed as re;im");
        same_float(f64::from(self.re), re) && same_float(f64::from(self.im), im)
    }
    fn make(n: usize) -> Self {
        num_complex::Complex::new(n as f32 * 0.5, -(n as f32) / 3.0)
    }
}

/// Calls `$f::<T>($args)` with `T` the element type whose numpy dtype is `$dtype`.
macro_rules! with_type {
    ($dtype:expr, $f:ident ( $($args:expr),* )) => {
        match $dtype {
            "|u1" => $f::<u8>($($args),*),
            "<i2" => $f::<i16>($($args),*),
            "<u4" => $f::<u32>($($args),*),
            "<i8" => $f::<i64>($($args),*),
            "<f4" => $f::<f32>($($args),*),
            "<f8" => $f::<f64>($($args),*),
            ">u2" => $f::<U16<BigEndian>>($($args),*),
            ">f8" => $f::<F64<BigEndian>>($($args),*),
            "|b1" => $f::<Bool>($($args),*),
            #[cfg(feature = "f16")]
            "<f2" => $f::<half::f16>($($args),*),
            #[cfg(feature = "complex")]
            "<c8" => $f::<num_complex::Complex<f32>>($($args),*),
            other => panic!("no element type for {other}"),
        }
    };
}

/// The dtypes under test (those behind a disabled feature are left out).
fn dtypes() -> Vec<(&'static str, usize)> {
    fn entry<T: Sample>() -> (&'static str, usize) {
        // The dtype the crate claims for `T` must be the one numpy is asked for.
        assert_eq!(T::dtype().descr(), format!("'{}'", T::NUMPY));
        (T::NUMPY, core::mem::align_of::<T>())
    }
    vec![
        entry::<u8>(),
        entry::<i16>(),
        entry::<u32>(),
        entry::<i64>(),
        entry::<f32>(),
        entry::<f64>(),
        entry::<U16<BigEndian>>(),
        entry::<F64<BigEndian>>(),
        entry::<Bool>(),
        #[cfg(feature = "f16")]
        entry::<half::f16>(),
        #[cfg(feature = "complex")]
        entry::<num_complex::Complex<f32>>(),
    ]
}

/// One file: its dtype, order, shape, offset, and whether the bytes before the offset are a
/// pattern of other bytes that must survive (`prefix`) or zeros from `w+`.
#[derive(Clone, Debug)]
struct Case {
    name: String,
    dtype: &'static str,
    order: Order,
    shape: Vec<usize>,
    offset: u64,
    prefix: bool,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for (dtype, align) in dtypes() {
        let align = align as u64;
        // 0; aligned with zeros before; a small prefix of other bytes (odd for alignment 1);
        // a prefix that crosses the first page, so the map starts inside a later page.
        let offsets = [
            (0, false),
            (16, false),
            (7 * align, true),
            (4096 + 3 * align, true),
        ];
        for order in [Order::C, Order::F] {
            for shape in [vec![5], vec![3, 4], vec![2, 3, 4]] {
                for (offset, prefix) in offsets {
                    let name = format!(
                        "{}-{order}-{}d-{offset}",
                        dtype.replace(['<', '>', '|'], ""),
                        shape.len()
                    );
                    let name = if dtype.starts_with('>') {
                        format!("be{name}")
                    } else {
                        name
                    };
                    out.push(Case {
                        name,
                        dtype,
                        order,
                        shape: shape.clone(),
                        offset,
                        prefix,
                    });
                }
            }
        }
    }
    out
}

/// The bytes we put before the offset when a case has a prefix.
fn prefix_bytes(len: u64) -> Vec<u8> {
    (0..len).map(|i| (i * 37 + 11) as u8).collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn spec_line(case: &Case) -> String {
    let shape: Vec<String> = case.shape.iter().map(|d| d.to_string()).collect();
    format!(
        "{} {} {} {} {} {}\n",
        case.name,
        case.dtype,
        case.order,
        shape.join(","),
        case.offset,
        u8::from(case.prefix)
    )
}

/// Python that prints one line per file: name, strides, then `hex=value` of every element in
/// logical C order (hex of the element's bytes as stored, value as text we can parse exactly).
const PRINT_ALL: &str = r#"
def value_of(v, kind):
    if kind in 'biu':
        return str(int(v))
    if kind == 'f':
        return repr(float(v))
    return repr(float(v.real)) + ';' + repr(float(v.imag))

def stored(m, i):
    # A one-element view keeps the file's byte order; a scalar `m[i]` would be native.
    return m[tuple(slice(k, k + 1) for k in i)].tobytes().hex()

def show(name, m):
    items = [stored(m, i) + '=' + value_of(m[i], m.dtype.kind) for i in np.ndindex(m.shape)]
    strides = ','.join(str(s) for s in m.strides)
    print(name, strides, ' '.join(items))

def cases(spec):
    for line in open(spec).read().splitlines():
        name, dtype, order, shape, offset, prefix = line.split()
        shape = tuple(int(d) for d in shape.split(','))
        yield name, np.dtype(dtype), order, shape, int(offset), prefix == '1'
"#;

/// What numpy printed: name → (strides, [(hex, value)] in logical C order).
type Printed = HashMap<String, (Vec<usize>, Vec<(String, String)>)>;

fn parse_printed(out: &str) -> Printed {
    out.lines()
        .map(|line| {
            let mut words = line.split(' ');
            let name = words.next().unwrap().to_string();
            let strides = words.next().unwrap();
            let strides = strides.split(',').map(|s| s.parse().unwrap()).collect();
            let items = words
                .map(|w| {
                    let (h, v) = w.split_once('=').unwrap();
                    (h.to_string(), v.to_string())
                })
                .collect();
            (name, (strides, items))
        })
        .collect()
}

/// Compares every element of `got` (found by n-d index) with numpy's print-out.
fn compare<T: Sample>(
    what: &str,
    case: &Case,
    get: impl Fn(&[usize]) -> Option<T>,
    want: &Printed,
) {
    let (_, items) = &want[&case.name];
    let indices = common::c_indices(&case.shape);
    assert_eq!(indices.len(), items.len(), "{what} {case:?}");
    for (index, (want_hex, want_value)) in indices.iter().zip(items) {
        let got = get(index).unwrap_or_else(|| panic!("{what} {case:?}: no element {index:?}"));
        assert_eq!(
            &hex(bytes_of(std::slice::from_ref(&got))),
            want_hex,
            "{what} {case:?} at {index:?}"
        );
        assert!(
            got.matches(want_value),
            "{what} {case:?} at {index:?}: numpy has {want_value}"
        );
    }
    // One past the end on the first axis is out of bounds, as is a wrong rank.
    let mut past = vec![0; case.shape.len()];
    past[0] = case.shape[0];
    assert!(get(&past).is_none(), "{what} {case:?}");
    assert!(get(&[0; 4]).is_none(), "{what} {case:?}");
}

fn read_numpy_file<T: Sample>(case: &Case, dir: &Path, want: &Printed) {
    let path = dir.join(&case.name);
    let (strides, _) = &want[&case.name];
    let options = Options::<T>::new()
        .offset(case.offset)
        .shape(&case.shape)
        .order(case.order);

    // SAFETY: the file is private to this test; nobody writes or truncates it meanwhile.
    let r = unsafe { options.open(&path) }.unwrap();
    assert_eq!(&r.strides(), strides, "{case:?}");
    assert_eq!(r.shape(), case.shape, "{case:?}");
    assert_eq!(r.offset(), case.offset);
    compare::<T>("r", case, |i| r.get(i).copied(), want);
    drop(r);

    // SAFETY: as above.
    let r_plus = unsafe { options.open_mut(&path) }.unwrap();
    compare::<T>("r+", case, |i| r_plus.get(i).copied(), want);
    drop(r_plus);

    // SAFETY: as above.
    let c = unsafe { options.open_copy(&path) }.unwrap();
    compare::<T>("c", case, |i| c.get(i).copied(), want);
    drop(c);

    let copy = options.read(&path).unwrap();
    assert_eq!(&copy.strides(), strides, "{case:?}");
    compare::<T>("read", case, |i| copy.get(i).copied(), want);

    if case.shape.len() == 1 {
        // numpy sized the file exactly, so the inferred length is the shape.
        let inferred = Options::<T>::new().offset(case.offset);
        // SAFETY: as above.
        let r = unsafe { inferred.open(&path) }.unwrap();
        assert_eq!(r.shape(), case.shape, "inferred {case:?}");
        compare::<T>("r inferred", case, |i| r.get(i).copied(), want);
    }
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn numpy_writes_we_read_in_every_mode() {
    let dir = tempfile::tempdir().unwrap();
    let cases = cases();
    let spec = dir.path().join("spec.txt");
    std::fs::write(&spec, cases.iter().map(spec_line).collect::<String>()).unwrap();
    let script = format!(
        "{PRINT_ALL}{}",
        r#"
import os
rng = np.random.default_rng(20261129)
for name, dtype, order, shape, offset, prefix in cases(sys.argv[2]):
    path = os.path.join(sys.argv[1], name)
    if prefix:
        # r+ keeps the bytes before the offset and grows the file to the end of the array.
        with open(path, 'wb') as f:
            f.write(bytes((i * 37 + 11) % 256 for i in range(offset)))
        m = np.memmap(path, dtype, 'r+', offset=offset, shape=shape, order=order)
    else:
        m = np.memmap(path, dtype, 'w+', offset=offset, shape=shape, order=order)
    native = dtype.newbyteorder('=')
    if dtype.kind == 'b':
        vals = rng.integers(0, 2, size=shape).astype(bool)
    elif dtype.kind in 'iu':
        info = np.iinfo(dtype)
        vals = rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=native)
    else:
        vals = rng.standard_normal(shape) * 1000
        if dtype.kind == 'c':
            vals = vals + 1j * rng.standard_normal(shape)
        vals = vals.astype(native)
        flat = vals.reshape(-1)
        flat[1] = np.inf
        flat[2] = -0.0
        flat[3] = -np.inf if dtype.kind == 'f' else complex(np.nan, 1.0)
    m[...] = vals
    m.flush()
    del m
    show(name, np.memmap(path, dtype, 'r', offset=offset, shape=shape, order=order))
"#
    );
    let printed = parse_printed(&common::numpy(&script, &[&dir.path(), &spec]));
    assert_eq!(printed.len(), cases.len());
    for case in &cases {
        let path = dir.path().join(&case.name);
        let file = std::fs::read(&path).unwrap();
        if case.prefix {
            assert_eq!(
                file[..case.offset as usize],
                prefix_bytes(case.offset),
                "{case:?}"
            );
        }
        with_type!(case.dtype, read_numpy_file(case, dir.path(), &printed));
    }
}

/// Writes `case` with our `w+` (`create`) or, when it has a prefix, with `r+` (`open_mut`)
/// into a file that already holds the prefix and junk where the array goes.
fn write_our_file<T: Sample>(case: &Case, dir: &Path) {
    let path = dir.join(&case.name);
    let options = Options::<T>::new()
        .offset(case.offset)
        .shape(&case.shape)
        .order(case.order);
    let count: usize = case.shape.iter().product();
    let nbytes = count * core::mem::size_of::<T>();
    let mut map = if case.prefix {
        let mut bytes = prefix_bytes(case.offset);
        bytes.resize(case.offset as usize + nbytes, 0xEE);
        std::fs::write(&path, bytes).unwrap();
        // SAFETY: the file is private to this test; nobody writes or truncates it meanwhile.
        unsafe { options.open_mut(&path) }.unwrap()
    } else {
        // A file in the way is truncated by `w+`.
        std::fs::write(&path, [0xEE; 9000]).unwrap();
        // SAFETY: as above.
        unsafe { options.create(&path) }.unwrap()
    };
    for (n, index) in common::c_indices(&case.shape).iter().enumerate() {
        *map.get_mut(index).unwrap() = T::make(n);
    }
    map.flush().unwrap();
    drop(map);

    let file = std::fs::read(&path).unwrap();
    assert_eq!(file.len() as u64, case.offset + nbytes as u64, "{case:?}");
    let before = &file[..case.offset as usize];
    if case.prefix {
        assert_eq!(before, prefix_bytes(case.offset), "{case:?}");
    } else {
        assert!(
            before.iter().all(|&b| b == 0),
            "{case:?}: w+ zero-fills the prefix"
        );
    }
}

fn check_numpy_read<T: Sample>(case: &Case, want: &Printed) {
    let (strides, _) = &want[&case.name];
    let ours = typed_memmap::shape::strides(&case.shape, core::mem::size_of::<T>(), case.order);
    assert_eq!(ours.as_ref(), Some(strides), "{case:?}");
    let indices = common::c_indices(&case.shape);
    // `make(n)` went to the n-th index in C order, so numpy's n-th printed item must be it.
    let values: HashMap<Vec<usize>, T> = indices
        .iter()
        .enumerate()
        .map(|(n, i)| (i.clone(), T::make(n)))
        .collect();
    compare::<T>("numpy read", case, |i| values.get(i).copied(), want);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn we_write_numpy_reads() {
    let dir = tempfile::tempdir().unwrap();
    let cases = cases();
    for case in &cases {
        with_type!(case.dtype, write_our_file(case, dir.path()));
    }
    let spec = dir.path().join("spec.txt");
    std::fs::write(&spec, cases.iter().map(spec_line).collect::<String>()).unwrap();
    let script = format!(
        "{PRINT_ALL}{}",
        r#"
import os
for name, dtype, order, shape, offset, prefix in cases(sys.argv[2]):
    path = os.path.join(sys.argv[1], name)
    show(name, np.memmap(path, dtype, 'r', offset=offset, shape=shape, order=order))
"#
    );
    let printed = parse_printed(&common::numpy(&script, &[&dir.path(), &spec]));
    assert_eq!(printed.len(), cases.len());
    for case in &cases {
        with_type!(case.dtype, check_numpy_read(case, &printed));
    }
}

/// One growth scenario: a file of `file_len` pattern bytes, mapped `r+` at `offset` with
/// `shape`, then one element written.
struct Grow {
    dtype: &'static str,
    file_len: u64,
    offset: u64,
    shape: &'static [usize],
    order: Order,
    write_at: &'static [usize],
    value: i32,
}

fn grow_ours<T>(g: &Grow, path: &Path, value: T)
where
    T: Element,
{
    let options = Options::<T>::new()
        .offset(g.offset)
        .shape(g.shape)
        .order(g.order)
        .grow(true);
    // SAFETY: the file is private to this test; nobody writes or truncates it meanwhile.
    let mut map = unsafe { options.open_mut(path) }.unwrap();
    *map.get_mut(g.write_at).unwrap() = value;
    map.flush().unwrap();
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn grow_leaves_the_bytes_numpy_r_plus_leaves() {
    let table = [
        // numpy's measured 55-byte file: 7-byte prefix + 12 x <i4, grown to 14 items. An
        // alignment-1 type lets us use the same odd offset.
        Grow {
            dtype: "<i4",
            file_len: 55,
            offset: 7,
            shape: &[14],
            order: Order::C,
            write_at: &[13],
            value: -2,
        },
        // The same file and an aligned native type: 8-byte prefix + 12 x <i4 = 56 bytes.
        Grow {
            dtype: "i4",
            file_len: 56,
            offset: 8,
            shape: &[3, 5],
            order: Order::F,
            write_at: &[2, 4],
            value: 0x0102_0304,
        },
        // An offset past the end: the gap reads as zeros.
        Grow {
            dtype: "i4",
            file_len: 56,
            offset: 100,
            shape: &[2],
            order: Order::C,
            write_at: &[1],
            value: 77,
        },
        // Past the end and across a page boundary, with an odd offset.
        Grow {
            dtype: "<i4",
            file_len: 10,
            offset: 4099,
            shape: &[2, 3],
            order: Order::C,
            write_at: &[1, 0],
            value: i32::MIN,
        },
        // An empty file grows to the array's size.
        Grow {
            dtype: "i4",
            file_len: 0,
            offset: 0,
            shape: &[4],
            order: Order::C,
            write_at: &[0],
            value: 5,
        },
        // Long enough already: nothing grows (the extra tail stays).
        Grow {
            dtype: "i4",
            file_len: 64,
            offset: 8,
            shape: &[2, 2],
            order: Order::F,
            write_at: &[0, 1],
            value: 9,
        },
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut spec = String::new();
    for (n, g) in table.iter().enumerate() {
        let start = prefix_bytes(g.file_len);
        let ours = dir.path().join(format!("ours{n}"));
        let theirs = dir.path().join(format!("theirs{n}"));
        std::fs::write(&ours, &start).unwrap();
        std::fs::write(&theirs, &start).unwrap();
        match g.dtype {
            "<i4" => grow_ours(g, &ours, I32::<LittleEndian>::new(g.value)),
            _ => grow_ours(g, &ours, g.value),
        }
        let shape: Vec<String> = g.shape.iter().map(|d| d.to_string()).collect();
        let at: Vec<String> = g.write_at.iter().map(|d| d.to_string()).collect();
        let _ = writeln!(
            spec,
            "{} {} {} {} {} {}",
            theirs.display(),
            g.offset,
            shape.join(","),
            g.order,
            at.join(","),
            g.value
        );
    }
    let spec_path = dir.path().join("spec.txt");
    std::fs::write(&spec_path, spec).unwrap();
    common::numpy(
        r#"
for line in open(sys.argv[1]).read().splitlines():
    path, offset, shape, order, at, value = line.split()
    shape = tuple(int(d) for d in shape.split(','))
    at = tuple(int(d) for d in at.split(','))
    m = np.memmap(path, '<i4', 'r+', offset=int(offset), shape=shape, order=order)
    m[at] = int(value)
    m.flush()
    del m
"#,
        &[&spec_path],
    );
    for (n, g) in table.iter().enumerate() {
        let ours = std::fs::read(dir.path().join(format!("ours{n}"))).unwrap();
        let theirs = std::fs::read(dir.path().join(format!("theirs{n}"))).unwrap();
        let needed = g.offset + 4 * g.shape.iter().product::<usize>() as u64;
        assert_eq!(
            theirs.len() as u64,
            g.file_len.max(needed),
            "numpy, case {n}"
        );
        assert_eq!(ours, theirs, "case {n}: file bytes differ from numpy's");
    }
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn strides_of_empty_and_unit_axes_match_numpy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zeros.bin");
    std::fs::write(&path, [0u8; 256]).unwrap();
    let shapes: [&[usize]; 7] = [
        &[0],
        &[0, 3],
        &[3, 0],
        &[2, 0, 4],
        &[4, 1, 3],
        &[1, 1, 1, 7],
        &[],
    ];
    let mut spec = String::new();
    let mut ours = Vec::new();
    for shape in shapes {
        for order in [Order::C, Order::F] {
            let text: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
            let _ = writeln!(spec, "{} {order}", text.join(","));
            let options = Options::<F64<BigEndian>>::new().shape(shape).order(order);
            // SAFETY: the file is private to this test; nobody writes or truncates it.
            let map = unsafe { options.open(&path) }.unwrap();
            let strides: Vec<String> = map.strides().iter().map(|s| s.to_string()).collect();
            ours.push(strides.join(","));
        }
    }
    let spec_path = dir.path().join("spec.txt");
    std::fs::write(&spec_path, spec).unwrap();
    let out = common::numpy(
        r#"
for line in open(sys.argv[2]).read().splitlines():
    shape, order = line.split(' ')
    shape = tuple(int(d) for d in shape.split(',') if d)
    m = np.memmap(sys.argv[1], '>f8', 'r', offset=0, shape=shape, order=order)
    print(','.join(str(s) for s in m.strides))
"#,
        &[&path, &spec_path],
    );
    let theirs: Vec<&str> = out.lines().collect();
    assert_eq!(ours, theirs);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn open_file_twins_count_the_offset_from_byte_zero() {
    use std::io::{Seek, SeekFrom};
    // numpy: "with a file object, `offset` still counts from byte 0 of the file, whatever
    // `fp.tell()` is". numpy writes the file and prints the values; we map an open `File`
    // whose position is elsewhere.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("open-file.i4");
    let out = common::numpy(
        r#"
with open(sys.argv[1], 'wb') as f:
    f.write(bytes(range(8)))
m = np.memmap(sys.argv[1], '<i4', 'r+', offset=8, shape=(3, 4), order='F')
m[...] = np.arange(12).reshape(3, 4) * -1000 + 7
m.flush()
print(' '.join(str(int(v)) for v in m.ravel(order='C')))
"#,
        &[&path],
    );
    let want: Vec<i32> = out.split_whitespace().map(|v| v.parse().unwrap()).collect();
    let options = Options::<i32>::new()
        .offset(8)
        .shape([3, 4])
        .order(Order::F);
    let values = |get: &dyn Fn(&[usize]) -> i32| -> Vec<i32> {
        common::c_indices(&[3, 4]).iter().map(|i| get(i)).collect()
    };
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .unwrap();
    file.seek(SeekFrom::Start(13)).unwrap();
    // SAFETY: the file is private to this test; nobody writes or truncates it meanwhile.
    let r = unsafe { options.open_file(&file) }.unwrap();
    assert_eq!(values(&|i| *r.get(i).unwrap()), want);
    assert_eq!(r.path(), path.canonicalize().unwrap());
    // SAFETY: as above.
    let c = unsafe { options.open_file_copy(&file) }.unwrap();
    assert_eq!(values(&|i| *c.get(i).unwrap()), want);
    // SAFETY: as above.
    let rw = unsafe { options.open_file_mut(&file) }.unwrap();
    assert_eq!(values(&|i| *rw.get(i).unwrap()), want);
    let copy = options.read_file(&file).unwrap();
    assert_eq!(values(&|i| *copy.get(i).unwrap()), want);
    assert_eq!(file.stream_position().unwrap(), 13);
}
