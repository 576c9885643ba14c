//! `Display` of arrays against numpy's `print(arr)`: numpy makes each array, writes its data
//! with `tofile` (in the array's memory order) and prints it; we read the file with the same
//! dtype, shape and order and compare our text with numpy's, character for character.

mod common;

use std::path::Path;

use typed_memmap::byteorder::{BigEndian, F64, I32, U16};
use typed_memmap::{
    Bool, ByteOrder, DateUnit, Dtype, Element, Field, Kind, Memmap, Options, Order, RecordDtype,
    TimeUnit,
};

/// Writes every case's array into `dir` as `<name>.bin` and prints a JSON object
/// `{name: str(arr)}`. A case is `[name, python expression, order]`.
const WRITER: &str = r#"
import json, os
out = {}
for name, expr, order in json.loads(sys.argv[2]):
    a = eval(expr)
    np.ravel(a, order=order).tofile(os.path.join(sys.argv[1], name + ".bin"))
    out[name] = str(a)
print(json.dumps(out))
"#;

/// One array: its numpy expression, memory order, and how we read it back and print it.
struct Case {
    name: &'static str,
    numpy: &'static str,
    order: Order,
    print: fn(&Path, Order) -> String,
}

/// Reads `<dir>/<name>.bin` as an owned `Array<T>` of `shape` and prints it.
fn read<T: Element>(path: &Path, shape: &[usize], order: Order) -> String {
    Options::<T>::new()
        .shape(shape)
        .order(order)
        .read(path)
        .unwrap_or_else(|e| panic!("{e}"))
        .to_string()
}

/// Maps `path` read-only as `Memmap<T>` of `shape` and prints it.
fn map<T: Element>(path: &Path, shape: &[usize], order: Order) -> String {
    // SAFETY: the file lives in this test's private temporary directory; nothing else writes
    // or truncates it while it is mapped.
    let m: Memmap<T> = unsafe { Options::new().shape(shape).order(order).open(path) }
        .unwrap_or_else(|e| panic!("{e}"));
    m.to_string()
}

macro_rules! case {
    ($name:literal, $numpy:literal, $how:ident::<$t:ty>($($shape:expr),*)) => {
        case!($name, $numpy, C, $how::<$t>($($shape),*))
    };
    ($name:literal, $numpy:literal, $order:ident, $how:ident::<$t:ty>($($shape:expr),*)) => {
        Case {
            name: $name,
            numpy: $numpy,
            order: Order::$order,
            print: |p, o| $how::<$t>(p, &[$($shape),*], o),
        }
    };
}

/// A test-only record, `[('x', '<f8'), ('n', '<i4'), ('flags', '<i2', (2,)), ('ok', '?'),
/// ('tag', 'S3'), ('m', '<i4')]`: 24 bytes, no padding.
#[repr(C)]
#[derive(Clone, Copy)]
struct Reading {
    x: f64,
    n: i32,
    flags: [i16; 2],
    ok: Bool,
    tag: [u8; 3],
    m: i32,
}

fn field(name: &str, offset: usize, dtype: Dtype) -> Field {
    Field {
        name: name.to_string(),
        title: None,
        offset,
        dtype,
    }
}

// SAFETY: `Reading` is `#[repr(C)]` with fields at offsets 0, 8, 12, 16, 17 and 20 and size
// 24 (every field is aligned at its offset, so there is no padding); every field is a
// primitive number, an array of them or `Bool`, all valid for every bit pattern, with no
// pointers and no interior mutability. The dtype below lists the same offsets and sizes,
// little-endian numbers as on the machines this test runs on (`ByteOrder::NATIVE`), and the
// three `tag` bytes as numpy's `S3`.
unsafe impl Element for Reading {
    fn dtype() -> Dtype {
        Dtype::Record(RecordDtype {
            fields: vec![
                field("x", 0, f64::dtype()),
                field("n", 8, i32::dtype()),
                field("flags", 12, <[i16; 2]>::dtype()),
                field("ok", 16, Bool::dtype()),
                field(
                    "tag",
                    17,
                    Dtype::scalar(Kind::Bytes, ByteOrder::NotApplicable, 3),
                ),
                field("m", 20, i32::dtype()),
            ],
            itemsize: 24,
        })
    }
}

/// A nested test-only record, `[('id', '<u2'), ('inner', [('a', 'i1'), ('b', 'u1')]),
/// ('v', '<f4')]`: 8 bytes, no padding.
#[repr(C)]
#[derive(Clone, Copy)]
struct Tagged {
    id: u16,
    inner: [u8; 2],
    v: f32,
}

// SAFETY: `Tagged` is `#[repr(C)]` with fields at offsets 0, 2 and 4 and size 8, no padding;
// `u16`, `[u8; 2]` and `f32` are valid for every bit pattern, hold no pointers and have no
// interior mutability. The dtype describes the two `inner` bytes as a nested record of an
// `i1` and a `u1`, which any byte values are.
unsafe impl Element for Tagged {
    fn dtype() -> Dtype {
        let inner = Dtype::Record(RecordDtype {
            fields: vec![field("a", 0, i8::dtype()), field("b", 1, u8::dtype())],
            itemsize: 2,
        });
        Dtype::Record(RecordDtype {
            fields: vec![
                field("id", 0, u16::dtype()),
                field("inner", 2, inner),
                field("v", 4, f32::dtype()),
            ],
            itemsize: 8,
        })
    }
}

/// A record with subarray and nested fields, `[('a', '<f8', (2,)), ('b', '?', (2,)),
/// ('c', [('p', '?'), ('q', '<f4')])]` packed, with one byte of trailing padding.
#[repr(C)]
#[derive(Clone, Copy)]
struct Mixed {
    a: [u8; 16],
    b: [Bool; 2],
    c_p: Bool,
    c_q: [u8; 4],
    tail: u8,
}

// SAFETY: `Mixed` is `#[repr(C)]` of byte-sized fields only (`u8` arrays and `Bool`), so it
// has alignment 1, size 24, no padding, and is valid for every bit pattern, with no pointers
// and no interior mutability. The dtype puts the fields at the same offsets (0, 16, 18 and
// 18 + 1 inside `c`) and leaves the last byte (`tail`) to no field, as numpy's dtype with
// `itemsize=24` in the case does.
unsafe impl Element for Mixed {
    fn dtype() -> Dtype {
        let inner = Dtype::Record(RecordDtype {
            fields: vec![field("p", 0, Bool::dtype()), field("q", 1, f32::dtype())],
            itemsize: 5,
        });
        Dtype::Record(RecordDtype {
            fields: vec![
                field("a", 0, <[f64; 2]>::dtype()),
                field("b", 16, <[Bool; 2]>::dtype()),
                field("c", 18, inner),
            ],
            itemsize: 24,
        })
    }
}

/// Test-only newtypes over `i64` that carry a datetime or timedelta dtype.
macro_rules! time_type {
    ($name:ident, $kind:ident, $unit:ident) => {
        #[repr(transparent)]
        #[derive(Clone, Copy)]
        struct $name(#[allow(dead_code)] i64);

        // SAFETY: a transparent wrapper of `i64`: 8 bytes, every bit pattern valid, no
        // padding, no pointers, no interior mutability; numpy's datetime64 and timedelta64
        // are 8-byte integers in the machine's byte order.
        unsafe impl Element for $name {
            fn dtype() -> Dtype {
                let unit = TimeUnit {
                    base: Some(DateUnit::$unit),
                    multiplier: 1,
                };
                Dtype::scalar(Kind::$kind(unit), ByteOrder::NATIVE, 8)
            }
        }
    };
}

time_type!(Seconds, Datetime, Seconds);
time_type!(Days, Datetime, Days);
time_type!(Nanos, Datetime, Nanos);
time_type!(SecondsDelta, Timedelta, Seconds);

/// Text of numpy's `<U4`: four UCS-4 code points.
#[repr(transparent)]
#[derive(Clone, Copy)]
struct Text4(#[allow(dead_code)] [u32; 4]);

// SAFETY: a transparent wrapper of `[u32; 4]`: 16 bytes, every bit pattern valid (numpy's
// reader turns invalid code points into U+FFFD), no padding, no pointers, no interior
// mutability.
unsafe impl Element for Text4 {
    fn dtype() -> Dtype {
        Dtype::scalar(Kind::Unicode, ByteOrder::NATIVE, 16)
    }
}

/// numpy's `S5`.
#[repr(transparent)]
#[derive(Clone, Copy)]
struct Bytes5(#[allow(dead_code)] [u8; 5]);

// SAFETY: a transparent wrapper of `[u8; 5]`: any bytes, no padding, no pointers, no
// interior mutability; `S5` is 5 bytes.
unsafe impl Element for Bytes5 {
    fn dtype() -> Dtype {
        Dtype::scalar(Kind::Bytes, ByteOrder::NotApplicable, 5)
    }
}

fn cases() -> Vec<Case> {
    let mut cases = vec![
        // Integers of every width, signed and unsigned, right-aligned to the widest.
        case!("i8", "np.array([-128, 0, 5, 127], np.int8)", read::<i8>(4)),
        case!("u8", "np.arange(40, dtype=np.uint8)", read::<u8>(40)),
        case!(
            "i16_2d",
            "np.array([[1, -200], [30000, 4]], np.int16)",
            read::<i16>(2, 2)
        ),
        case!("u16", "np.array([0, 7, 65535], np.uint16)", map::<u16>(3)),
        case!(
            "i32_wrap",
            "np.arange(-15, 15, dtype=np.int32) * 1000",
            read::<i32>(30)
        ),
        case!(
            "u32",
            "np.array([0, 4294967295], np.uint32)",
            read::<u32>(2)
        ),
        case!(
            "i64_extremes",
            "np.array([-9223372036854775808, 0, 9223372036854775807])",
            read::<i64>(3)
        ),
        case!(
            "u64",
            "np.array([1, 18446744073709551615], np.uint64)",
            read::<u64>(2)
        ),
        // Floats: integral, fractions, signs, non-finite, tiny, huge, mixed magnitudes.
        case!("f64_integral", "np.array([1., 2., 3.])", read::<f64>(3)),
        case!(
            "f64_fractions",
            "np.array([0.1, 0.25, -3.5, 100.125])",
            read::<f64>(4)
        ),
        case!(
            "f64_nonfinite",
            "np.array([np.nan, 1.5, -np.inf, np.inf])",
            read::<f64>(4)
        ),
        case!("f64_all_nan", "np.array([np.nan, np.nan])", read::<f64>(2)),
        case!(
            "f64_tiny",
            "np.array([1e-10, 2e-10, -3.5e-12])",
            read::<f64>(3)
        ),
        case!("f64_huge", "np.array([1e20, -2.5e21, 0.])", read::<f64>(3)),
        case!(
            "f64_mixed",
            "np.array([1.0, 1e-5, 12345.678])",
            read::<f64>(3)
        ),
        case!("f64_ratio", "np.array([1.0, 1000.5])", read::<f64>(2)),
        case!("f64_maxprec", "np.array([1/3, 2/3, 0.5])", read::<f64>(3)),
        case!("f64_1e8", "np.array([1e8, 1.])", read::<f64>(2)),
        case!("f64_linspace", "np.linspace(0, 1, 23)", read::<f64>(23)),
        case!("f64_neg_zero", "np.array([-0.0, 0.0, 2.5])", read::<f64>(3)),
        case!(
            "f32",
            "np.array([0.1, 0.2, 1/3], np.float32)",
            read::<f32>(3)
        ),
        case!(
            "f32_sci",
            "np.array([1e-7, 3.14159, 0.1], np.float32)",
            read::<f32>(3)
        ),
        case!(
            "f32_1e6",
            "np.array([1e6, 2.5], np.float32)",
            read::<f32>(2)
        ),
        case!(
            "f32_1e-4",
            "np.array([1e-4, 1.], np.float32)",
            read::<f32>(2)
        ),
        case!("bool", "np.array([True, False, True])", read::<Bool>(3)),
        // 0-d arrays print the scalar.
        case!("f64_0d", "np.array(3.5)", read::<f64>()),
        case!("f64_0d_int", "np.array(2.0)", read::<f64>()),
        case!("f64_0d_big", "np.array(1e20)", read::<f64>()),
        case!("f32_0d", "np.array(0.1, np.float32)", read::<f32>()),
        case!("i32_0d", "np.array(-7, np.int32)", read::<i32>()),
        case!("bool_0d", "np.array(True)", read::<Bool>()),
        // Empty arrays.
        case!("empty_0x3", "np.zeros((0, 3), np.int32)", read::<i32>(0, 3)),
        case!("empty_1d", "np.zeros(0)", read::<f64>(0)),
        // n-d, C and Fortran order.
        case!(
            "f64_2d",
            "np.arange(12.).reshape(3, 4) / 4",
            read::<f64>(3, 4)
        ),
        case!(
            "i16_2d_f",
            "np.arange(6, dtype=np.int16).reshape(2, 3)",
            F,
            read::<i16>(2, 3)
        ),
        case!(
            "i64_3d",
            "np.arange(24).reshape(2, 3, 4)",
            read::<i64>(2, 3, 4)
        ),
        case!(
            "f32_3d_f",
            "(np.arange(24, dtype=np.float32) - 5).reshape(2, 3, 4) / 8",
            F,
            map::<f32>(2, 3, 4)
        ),
        case!(
            "i64_rows_wrap",
            "np.arange(60, dtype=np.int64).reshape(2, 30) * 1000",
            read::<i64>(2, 30)
        ),
        case!(
            "i8_4d",
            "np.arange(16, dtype=np.int8).reshape(2, 2, 2, 2)",
            read::<i8>(2, 2, 2, 2)
        ),
        // More than 1000 elements: summarized.
        case!(
            "i32_2000",
            "np.arange(2000, dtype=np.int32)",
            read::<i32>(2000)
        ),
        case!(
            "f64_40x50",
            "np.arange(2000.).reshape(40, 50)",
            read::<f64>(40, 50)
        ),
        case!(
            "f64_40x50_f",
            "np.arange(2000.).reshape(40, 50) / 7",
            F,
            read::<f64>(40, 50)
        ),
        case!(
            "i16_3d_summary",
            "np.arange(1200, dtype=np.int16).reshape(10, 10, 12)",
            read::<i16>(10, 10, 12)
        ),
        case!(
            "u8_1001_2",
            "np.arange(1002, dtype=np.uint8).reshape(501, 2)",
            read::<u8>(501, 2)
        ),
        // Subarray elements add their axes to the array's.
        case!(
            "subarray_elements",
            "np.arange(6, dtype=np.int32).reshape(2, 3) - 2",
            read::<[i32; 3]>(2)
        ),
        case!(
            "subarray_0d",
            "np.arange(3, dtype=np.int32)",
            read::<[i32; 3]>()
        ),
        // Big-endian files through the byte-order types.
        case!(
            "f64_be",
            "np.array([1.5, -2.0, 1e-3], '>f8')",
            read::<F64<BigEndian>>(3)
        ),
        case!(
            "i32_be",
            "np.array([[1, -2], [300, 4]], '>i4')",
            map::<I32<BigEndian>>(2, 2)
        ),
        case!(
            "u16_be",
            "np.array([1, 65535], '>u2')",
            read::<U16<BigEndian>>(2)
        ),
        // Structured dtypes.
        case!(
            "record",
            "np.array([(2.5, 1, [1, -2], True, b'ab', 7), (-10.125, -40, [300, 4], False, \
             b'xyz', 8)], dtype=[('x', '<f8'), ('n', '<i4'), ('flags', '<i2', (2,)), \
             ('ok', '?'), ('tag', 'S3'), ('m', '<i4')])",
            read::<Reading>(2)
        ),
        case!(
            "record_0d",
            "np.array((2.0, 1, [1, -2], True, b'ab', 7), dtype=[('x', '<f8'), ('n', '<i4'), \
             ('flags', '<i2', (2,)), ('ok', '?'), ('tag', 'S3'), ('m', '<i4')])",
            read::<Reading>()
        ),
        case!(
            "record_nested",
            "np.array([(1, (-1, 200), 0.5), (65535, (3, 4), 1e-5), (7, (0, 0), 2.)], \
             dtype=[('id', '<u2'), ('inner', [('a', 'i1'), ('b', 'u1')]), ('v', '<f4')])",
            map::<Tagged>(3)
        ),
        case!(
            "record_0d_subarray",
            "np.array(([1., 2.5], [True, False], (True, 1.0)), dtype={'names': ['a', 'b', 'c'], \
             'formats': [('<f8', (2,)), ('?', (2,)), [('p', '?'), ('q', '<f4')]], \
             'offsets': [0, 16, 18], 'itemsize': 24})",
            read::<Mixed>()
        ),
        case!(
            "record_1d_subarray",
            "np.array([([1., 2.5], [True, False], (True, 1.0))], dtype={'names': ['a', 'b', 'c'], \
             'formats': [('<f8', (2,)), ('?', (2,)), [('p', '?'), ('q', '<f4')]], \
             'offsets': [0, 16, 18], 'itemsize': 24})",
            read::<Mixed>(1)
        ),
        // Text, byte strings, datetimes, timedeltas.
        case!(
            "unicode",
            "np.array(['a', 'bcd', \"it's\", 'x\\ny', 'é'], '<U4')",
            read::<Text4>(5)
        ),
        case!(
            "bytes",
            "np.array([b'ab', b'c\\x00d', b'\\xff\\'', b''], 'S5')",
            read::<Bytes5>(4)
        ),
        case!("unicode_0d", "np.array('abc', '<U4')", read::<Text4>()),
        case!(
            "datetime_s",
            "np.array(['2020-01-01T00:00:00', 'NaT', '1969-12-31T23:59:59'], 'M8[s]')",
            read::<Seconds>(3)
        ),
        case!(
            "datetime_d",
            "np.array(['2020-02-29', 'NaT', '1900-03-01', '0001-01-01'], 'M8[D]')",
            read::<Days>(4)
        ),
        case!(
            "datetime_ns",
            "np.array(['2020-01-01T01:02:03.123456789', '1677-09-22'], 'M8[ns]')",
            read::<Nanos>(2)
        ),
        case!(
            "datetime_0d",
            "np.array('2021-06-30T12:00:00', 'M8[s]')",
            read::<Seconds>()
        ),
        case!(
            "timedelta_s",
            "np.array([1, -5, np.timedelta64('NaT')], 'm8[s]')",
            read::<SecondsDelta>(3)
        ),
        case!(
            "timedelta_0d",
            "np.array(90, 'm8[s]')",
            read::<SecondsDelta>()
        ),
    ];
    cases.extend(f16_cases());
    cases.extend(complex_cases());
    cases
}

/// Half-precision cases (feature `f16`).
#[cfg(feature = "f16")]
fn f16_cases() -> Vec<Case> {
    vec![
        case!(
            "f16",
            "np.array([0.1, 0.5, 65504, -2.25], np.float16)",
            read::<half::f16>(4)
        ),
        case!(
            "f16_small",
            "np.array([0.1, 0.2, 0.3, 128.25], np.float16)",
            read::<half::f16>(4)
        ),
        case!("f16_0d", "np.array(0.1, np.float16)", read::<half::f16>()),
    ]
}

#[cfg(not(feature = "f16"))]
fn f16_cases() -> Vec<Case> {
    Vec::new()
}

/// Complex cases (feature `complex`).
#[cfg(feature = "complex")]
fn complex_cases() -> Vec<Case> {
    vec![
        case!(
            "c16",
            "np.array([1+2j, 3-4.5j, np.nan+1j])",
            read::<num_complex::Complex<f64>>(3)
        ),
        case!(
            "c16_sci",
            "np.array([1e-5+1j, 2+3j, -1e10-0.5j])",
            read::<num_complex::Complex<f64>>(3)
        ),
        case!(
            "c8",
            "np.array([[0.1+0.2j, 1.5j], [-1, 2.25-1j]], np.complex64)",
            read::<num_complex::Complex<f32>>(2, 2)
        ),
        case!(
            "c16_0d",
            "np.array(1.5-2j)",
            read::<num_complex::Complex<f64>>()
        ),
    ]
}

#[cfg(not(feature = "complex"))]
fn complex_cases() -> Vec<Case> {
    Vec::new()
}

/// A JSON object of string values, as Python's `json.dumps` writes it (ASCII, `\uXXXX`
/// escapes).
fn parse_json_strings(text: &str) -> Vec<(String, String)> {
    fn string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> String {
        assert_eq!(chars.next(), Some('"'));
        let mut out = String::new();
        let mut pending: Option<u32> = None;
        loop {
            match chars.next().expect("unterminated JSON string") {
                '"' => return out,
                '\\' => match chars.next().expect("bad escape") {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'u' => {
                        let hex: String = chars.by_ref().take(4).collect();
                        let unit = u32::from_str_radix(&hex, 16).expect("bad \\u escape");
                        if (0xd800..0xdc00).contains(&unit) {
                            pending = Some(unit);
                        } else if let Some(high) = pending.take() {
                            let cp = 0x10000 + ((high - 0xd800) << 10) + (unit - 0xdc00);
                            out.push(char::from_u32(cp).expect("bad surrogate pair"));
                        } else {
                            out.push(char::from_u32(unit).expect("bad code point"));
                        }
                    }
                    c => out.push(c),
                },
                c => out.push(c),
            }
        }
    }
    let mut chars = text.trim().chars().peekable();
    assert_eq!(chars.next(), Some('{'));
    let mut out = Vec::new();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        if chars.peek() == Some(&'}') {
            return out;
        }
        let key = string(&mut chars);
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ':') {
            chars.next();
        }
        let value = string(&mut chars);
        out.push((key, value));
    }
}

/// Escapes a string for a JSON array element.
fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn arrays_print_like_numpy() {
    let dir = tempfile::tempdir().unwrap();
    let cases = cases();
    assert!(cases.len() >= 25);
    let spec: Vec<String> = cases
        .iter()
        .map(|c| {
            let order = match c.order {
                Order::C => "C",
                Order::F => "F",
            };
            format!("[{}, {}, \"{order}\"]", json_str(c.name), json_str(c.numpy))
        })
        .collect();
    let spec = format!("[{}]", spec.join(", "));
    let printed = parse_json_strings(&common::numpy(WRITER, &[&dir.path(), &spec]));
    assert_eq!(printed.len(), cases.len(), "numpy printed {printed:?}");

    let mut failures = Vec::new();
    for case in &cases {
        let expected = &printed
            .iter()
            .find(|(name, _)| name == case.name)
            .unwrap_or_else(|| panic!("numpy did not print {}", case.name))
            .1;
        let path = dir.path().join(format!("{}.bin", case.name));
        let ours = (case.print)(&path, case.order);
        if &ours != expected {
            failures.push(format!(
                "{} ({}):\n--- numpy ---\n{expected}\n--- ours ---\n{ours}",
                case.name, case.numpy
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Prints `count` seeded random arrays made by the numpy statement `gen` (which sets `a`)
/// and compares each with our text of the same bytes read as `T` of `shape`.
fn random_arrays<T: Element>(seed: u32, gen: &str, shape: &[usize], count: usize) {
    let dir = tempfile::tempdir().unwrap();
    let script = format!(
        r#"
import os
rng = np.random.default_rng(int(sys.argv[2]))
for i in range({count}):
    {gen}
    a.tofile(os.path.join(sys.argv[1], f"{{i}}.bin"))
    print(str(a).replace("\n", "\\n"))
"#
    );
    let out = common::numpy(&script, &[&dir.path(), &seed.to_string()]);
    assert_eq!(out.lines().count(), count);
    let mut failures = Vec::new();
    for (i, line) in out.lines().enumerate() {
        let expected = line.replace("\\n", "\n");
        let path = dir.path().join(format!("{i}.bin"));
        let ours = read::<T>(&path, shape, Order::C);
        if ours != expected && failures.len() < 5 {
            failures.push(format!("--- numpy ---\n{expected}\n--- ours ---\n{ours}"));
        }
    }
    assert!(failures.is_empty(), "{gen}:\n{}", failures.join("\n"));
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn random_floats_print_like_numpy() {
    let mixed = "a = rng.standard_normal(5) * 10.0**rng.integers(-12, 20, 5)";
    let rounded = "a = np.round(rng.standard_normal(5) * 10.0**rng.integers(-3, 6), \
                   rng.integers(0, 9))";
    random_arrays::<f64>(1, mixed, &[5], 400);
    random_arrays::<f64>(2, rounded, &[5], 400);
    random_arrays::<f32>(3, &format!("{mixed}; a = a.astype(np.float32)"), &[5], 400);
    random_arrays::<f32>(
        4,
        &format!("{rounded}; a = a.astype(np.float32)"),
        &[5],
        400,
    );
    // Any bit pattern: subnormals, nan, inf, the extremes.
    let bits = "a = rng.integers(0, 2**32, 4).astype(np.uint32).view(np.float32)";
    random_arrays::<f32>(5, bits, &[4], 400);
    let bits = "a = rng.integers(0, 2**63, 4).astype(np.uint64).view(np.float64)";
    random_arrays::<f64>(6, bits, &[4], 400);
    // 0-d: numpy's scalar text.
    let scalar = "a = np.array(rng.standard_normal() * 10.0**rng.integers(-12, 20))";
    random_arrays::<f64>(7, scalar, &[], 400);
    random_arrays::<f32>(8, &format!("{scalar}.astype(np.float32)"), &[], 400);
    let rows = "a = np.round(rng.standard_normal((3, 11)) * 10.0**rng.integers(-2, 6), \
                rng.integers(0, 10))";
    random_arrays::<f64>(9, rows, &[3, 11], 200);
}

#[test]
#[cfg(feature = "f16")]
#[cfg_attr(miri, ignore = "mmap")]
fn random_halves_print_like_numpy() {
    let bits = "a = rng.integers(0, 65536, 4).astype(np.uint16).view(np.float16)";
    random_arrays::<half::f16>(10, bits, &[4], 1000);
    let rounded = "a = np.round(rng.standard_normal(4) * 10.0**rng.integers(-3, 3), \
                   rng.integers(0, 5)).astype(np.float16)";
    random_arrays::<half::f16>(11, rounded, &[4], 500);
    let scalar = "a = rng.integers(0, 65536, 1).astype(np.uint16).view(np.float16).reshape(())";
    random_arrays::<half::f16>(12, scalar, &[], 500);
}

#[test]
#[cfg(feature = "complex")]
#[cfg_attr(miri, ignore = "mmap")]
fn random_complex_print_like_numpy() {
    let gen = "a = rng.standard_normal(3) * 10.0**rng.integers(-6, 10, 3) \
               + 1j * np.round(rng.standard_normal(3) * 10.0**rng.integers(-3, 4, 3), 2); \
               a[rng.integers(0, 3)] = complex(np.nan, np.inf) if rng.random() < 0.2 else a[0]";
    random_arrays::<num_complex::Complex<f64>>(13, gen, &[3], 300);
    let scalar = "a = np.array(np.round(rng.standard_normal(), rng.integers(0, 4)) \
                  * (rng.random() < 0.7) + 1j * rng.standard_normal() \
                  * 10.0**rng.integers(-6, 8)).astype(np.complex64)";
    random_arrays::<num_complex::Complex<f32>>(14, scalar, &[], 300);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn random_ints_print_like_numpy() {
    let gen = "a = rng.integers(-10**rng.integers(1, 18), 10**rng.integers(1, 18), (4, 9))";
    random_arrays::<i64>(15, gen, &[4, 9], 200);
    let summary = "a = rng.integers(0, 10**rng.integers(1, 9), (3, 7, 60)).astype(np.uint32)";
    random_arrays::<u32>(16, summary, &[3, 7, 60], 50);
}
