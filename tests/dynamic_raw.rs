//! `DynArray::map_raw` and `map_raw_copy`: raw files of a runtime dtype, as numpy's
//! `np.memmap(path, dtype, mode='r'|'c', offset, shape, order)`, and typed columns of them.
//! numpy writes every file (`np.memmap` in mode `w+`, `tofile`) and reads the values we must
//! read; every error names the file and its numbers.
#![cfg_attr(miri, allow(unused))]

mod common;

use std::path::Path;

use typed_memmap::byteorder::{BigEndian, F64, U16};
use typed_memmap::{Dtype, DynArray, Error, FieldProblem, Order, RawLayout, Value};

/// A value as a number, for comparison with numpy's `tolist()`.
fn number(v: &Value) -> f64 {
    match *v {
        Value::Int(i) => i as f64,
        Value::UInt(u) => u as f64,
        Value::Float { value, .. } => value,
        Value::Bool(b) => f64::from(u8::from(b)),
        ref other => panic!("not a number: {other:?}"),
    }
}

/// Parses one line of numbers printed by Python (`[1, 2.5, ...]`).
fn numbers(line: &str) -> Vec<f64> {
    let body = line.trim().trim_start_matches('[').trim_end_matches(']');
    if body.trim().is_empty() {
        return Vec::new();
    }
    body.split(',')
        .map(|x| x.trim().parse().unwrap_or_else(|e| panic!("{x:?}: {e}")))
        .collect()
}

/// Maps `path` read-only.
fn map(path: &Path, dtype: &str, layout: RawLayout) -> typed_memmap::Result<DynArray> {
    let dtype = Dtype::parse(dtype).expect("dtype");
    // SAFETY: the files of these tests are private to them; nobody writes or truncates them
    // while mapped.
    unsafe { DynArray::map_raw(path, &dtype, layout) }
}

/// Maps `path` copy-on-write.
fn map_copy(path: &Path, dtype: &str, layout: RawLayout) -> typed_memmap::Result<DynArray> {
    let dtype = Dtype::parse(dtype).expect("dtype");
    // SAFETY: as in `map`.
    unsafe { DynArray::map_raw_copy(path, &dtype, layout) }
}

/// numpy writes a raw file with `np.memmap(mode='w+')` after a 7-byte junk prefix region
/// (so any offset up to 7 is possible), then reads it back with `np.memmap(mode='r')` and
/// prints the values in logical C order.
const WRITE_SCALARS: &str = r#"
path, dtype, offset, shape, order = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
shape = None if shape == 'none' else tuple(int(x) for x in shape.split(',') if x)
dt = np.dtype(dtype)
n = int(np.prod(shape)) if shape is not None else 9
with open(path, 'wb') as f:
    f.write(b'JUNK!!!'[:offset])
rng = np.random.default_rng(offset * 1000 + n)
if dt.kind == 'f':
    values = rng.normal(size=n) * 1000
else:
    values = rng.integers(0, 120, size=n)
w = np.memmap(path, dtype=dt, mode='w+', offset=offset,
              shape=shape if shape is not None else (n,), order=order)
w[...] = values.reshape(w.shape)
w.flush()
del w
m = np.memmap(path, dtype=dt, mode='r', offset=offset,
              shape=shape, order=order)
print(m.ravel().tolist())
print(m.shape)
"#;

#[test]
#[cfg_attr(miri, ignore = "mmap and python")]
fn scalars_at_any_offset_shape_and_order_equal_np_memmap() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, u64, Option<&[usize]>, Order)] = &[
        ("<i4", 7, Some(&[3, 4]), Order::F),
        ("<i4", 7, Some(&[3, 4]), Order::C),
        (">f8", 3, Some(&[5]), Order::C),
        ("<u2", 1, Some(&[2, 3, 2]), Order::F),
        (">i8", 5, Some(&[4, 3]), Order::F),
        ("<f4", 0, None, Order::C),
        ("|u1", 7, None, Order::C),
        ("<f2", 1, Some(&[2, 2]), Order::C),
        (">u4", 6, Some(&[]), Order::C),
        ("<i2", 2, Some(&[0, 3]), Order::C),
    ];
    for (i, &(dtype, offset, shape, order)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("s{i}.bin"));
        let shape_arg = shape.map_or("none".to_string(), |s| {
            s.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(",")
        });
        let order_arg = if order == Order::F { "F" } else { "C" };
        let offset_arg = offset.to_string();
        let out = common::numpy(
            WRITE_SCALARS,
            &[&path, &dtype, &offset_arg, &shape_arg, &order_arg],
        );
        let mut lines = out.lines();
        let want = numbers(lines.next().unwrap());
        let what = format!("{dtype} offset {offset} shape {shape:?} {order:?}");
        let layout = RawLayout {
            offset,
            shape: shape.map(<[usize]>::to_vec),
            order,
        };
        for a in [
            map(&path, dtype, layout.clone()).unwrap(),
            map_copy(&path, dtype, layout).unwrap(),
        ] {
            let got: Vec<f64> = a.values().map(|v| number(&v)).collect();
            assert_eq!(got, want, "{what}");
            let numpy_shape = lines.clone().next().unwrap();
            let ours = match a.shape() {
                [n] => format!("({n},)"),
                s => format!(
                    "({})",
                    s.iter()
                        .map(|d| d.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            assert_eq!(ours, numpy_shape, "{what}");
            assert_eq!(a.data_offset(), offset, "{what}");
            assert_eq!(a.order(), if shape.is_some() { order } else { Order::C });
            // n-d indexing honours the order: element [i, j, ...] is numpy's m[i, j, ...].
            for (k, index) in common::c_indices(a.shape()).iter().enumerate() {
                assert_eq!(a.get(index).map(|v| number(&v)), Some(want[k]), "{what}");
            }
        }
    }
}

#[test]
#[cfg_attr(miri, ignore = "mmap and python")]
fn typed_whole_element_columns_of_any_byte_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("be.f8");
    let out = common::numpy(WRITE_SCALARS, &[&path, &">f8", &"3", &"none", &"C"]);
    let want = numbers(out.lines().next().unwrap());
    let a = map(
        &path,
        ">f8",
        RawLayout {
            offset: 3,
            ..RawLayout::default()
        },
    )
    .unwrap();
    let column = a.column::<F64<BigEndian>>("").unwrap();
    let got: Vec<f64> = column.iter().map(|v| v.get()).collect();
    assert_eq!(got, want);
    assert_eq!((column.stride(), column.offset()), (8, 0));
    // A native f64 is `<f8`: not this file's dtype.
    let err = a.column::<f64>("").unwrap_err();
    let message = err.to_string();
    assert!(
        matches!(&err, Error::Field { problem: FieldProblem::WrongDtype { found, wanted, .. }, .. }
            if found == "'>f8'" && wanted == "'<f8'"),
        "{err:?}"
    );
    assert!(message.contains(&path.display().to_string()), "{message}");
    // A name on a non-record array is refused, naming the dtype.
    let err = a.column::<F64<BigEndian>>("x").unwrap_err();
    assert!(
        matches!(&err, Error::Field { problem: FieldProblem::NotARecord { dtype }, .. }
            if dtype == "'>f8'"),
        "{err:?}"
    );
}

/// numpy writes `n` records of a structured dtype after `offset` junk bytes with `tofile`,
/// then prints what `np.memmap(mode='r', offset=...)` reads of each field.
const WRITE_RECORDS: &str = r#"
import ast
path, text, align, offset = sys.argv[1], sys.argv[2], sys.argv[3] == '1', int(sys.argv[4])
dt = np.dtype(ast.literal_eval(text), align=align)
n = 5
a = np.zeros(n, dtype=dt)
rng = np.random.default_rng(7)
a['t'] = rng.integers(-2**40, 2**40, size=n)
a['price'] = rng.normal(size=n) * 100
a['pos'] = rng.normal(size=(n, 3)).astype('<f4')
a['side'] = rng.integers(0, 2, size=n)
a['q']['bid'] = rng.normal(size=n)
a['q']['n'] = rng.integers(0, 60000, size=n)
with open(path, 'wb') as f:
    f.write(b'\xff' * offset)
    a.tofile(f)
m = np.memmap(path, dtype=dt, mode='r', offset=offset)
print(m['t'].tolist())
print(m['price'].tolist())
print(m['pos'].ravel().tolist())
print(m['side'].tolist())
print(m['q']['bid'].tolist())
print(m['q']['n'].tolist())
print(dt.itemsize)
"#;

const RECORD: &str = "[('t', '<i8'), ('price', '<f8'), ('pos', '<f4', (3,)), ('side', 'u1'), \
                      ('q', [('bid', '>f8'), ('n', '>u2')])]";

#[test]
#[cfg_attr(miri, ignore = "mmap and python")]
fn record_columns_equal_np_memmap_fields_packed_aligned_and_misaligned() {
    let dir = tempfile::tempdir().unwrap();
    for (align, offset) in [(false, 0u64), (false, 7), (true, 0), (true, 7), (true, 3)] {
        let path = dir.path().join(format!("r{align}{offset}.bin"));
        let align_arg = if align { "1" } else { "0" };
        let offset_arg = offset.to_string();
        let out = common::numpy(WRITE_RECORDS, &[&path, &RECORD, &align_arg, &offset_arg]);
        let want: Vec<Vec<f64>> = out.lines().map(numbers).collect();
        let what = format!("align {align} offset {offset}");
        let dtype = if align {
            Dtype::parse_aligned(RECORD)
        } else {
            Dtype::parse(RECORD)
        }
        .unwrap();
        assert_eq!(vec![dtype.itemsize() as f64], want[6], "{what}");
        let layout = RawLayout {
            offset,
            ..RawLayout::default()
        };
        // SAFETY: the file is private to this test.
        let a = unsafe { DynArray::map_raw(&path, &dtype, layout) }.unwrap();
        assert_eq!(a.shape(), [5], "{what}");
        let t: Vec<f64> = a
            .column::<i64>("t")
            .unwrap()
            .iter()
            .map(|v| v as f64)
            .collect();
        assert_eq!(t, want[0], "{what}");
        assert_eq!(
            a.column::<f64>("price").unwrap().to_vec(),
            want[1],
            "{what}"
        );
        let pos: Vec<f64> = a
            .column::<[f32; 3]>("pos")
            .unwrap()
            .iter()
            .flatten()
            .map(f64::from)
            .collect();
        assert_eq!(pos, want[2], "{what}");
        let side: Vec<f64> = a
            .column::<u8>("side")
            .unwrap()
            .iter()
            .map(f64::from)
            .collect();
        assert_eq!(side, want[3], "{what}");
        let bid: Vec<f64> = a
            .column::<F64<BigEndian>>("q.bid")
            .unwrap()
            .iter()
            .map(|v| v.get())
            .collect();
        assert_eq!(bid, want[4], "{what}");
        let n: Vec<f64> = a
            .column::<U16<BigEndian>>("q.n")
            .unwrap()
            .iter()
            .map(|v| f64::from(v.get()))
            .collect();
        assert_eq!(n, want[5], "{what}");
        // The same values decoded one by one.
        let by_value: Vec<f64> = a
            .field("q.n")
            .unwrap()
            .values()
            .map(|v| number(&v))
            .collect();
        assert_eq!(by_value, want[5], "{what}");
        // The column is numpy's `m['price']`: stride = itemsize, offset = the field's.
        let price = a.column::<f64>("price").unwrap();
        let field_offset = a
            .dtype()
            .as_record()
            .unwrap()
            .field("price")
            .unwrap()
            .offset;
        assert_eq!(
            (price.stride(), price.offset()),
            (dtype.itemsize(), field_offset)
        );
    }
}

#[test]
#[cfg_attr(miri, ignore = "mmap and python")]
fn field_errors_name_the_file_the_field_and_both_dtypes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rec.bin");
    common::numpy(WRITE_RECORDS, &[&path, &RECORD, &"0", &"0"]);
    let a = map(&path, RECORD, RawLayout::default()).unwrap();
    let file = path.display().to_string();

    let err = a.column::<f32>("price").unwrap_err();
    let message = err.to_string();
    assert!(
        matches!(&err, Error::Field { path: Some(p), name, problem: FieldProblem::WrongDtype {
            found, wanted, .. } } if p == &path && name == "price" && found == "'<f8'"
            && wanted == "'<f4'"),
        "{err:?}"
    );
    for part in [&file, "`price`", "'<f8'", "'<f4'", "f32"] {
        assert!(message.contains(part), "{part} in {message}");
    }

    let err = a.column::<f64>("q.ask").unwrap_err();
    let message = err.to_string();
    assert!(
        matches!(&err, Error::Field { problem: FieldProblem::Missing { fields }, .. }
            if fields == &["t", "price", "pos", "side", "q"]),
        "{err:?}"
    );
    assert!(
        message.contains(&file) && message.contains("`q.ask`"),
        "{message}"
    );

    // A nested record is not a `u16`; its subfield is not a `<u2`.
    let err = a.column::<u16>("q.n").unwrap_err();
    assert!(message_has(&err, &["'>u2'", "'<u2'", &file]), "{err}");
}

fn message_has(err: &Error, parts: &[&str]) -> bool {
    let message = err.to_string();
    parts.iter().all(|p| message.contains(p))
}

#[test]
#[cfg_attr(miri, ignore = "mmap and python")]
fn copy_on_write_changes_our_view_and_never_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cow.bin");
    common::numpy(WRITE_RECORDS, &[&path, &RECORD, &"0", &"7"]);
    let before = std::fs::read(&path).unwrap();
    let layout = RawLayout {
        offset: 7,
        ..RawLayout::default()
    };
    let mut a = map_copy(&path, RECORD, layout.clone()).unwrap();
    let price_offset = a
        .dtype()
        .as_record()
        .unwrap()
        .field("price")
        .unwrap()
        .offset;
    let item = a.item_bytes_mut(&[2]).unwrap();
    item[price_offset..price_offset + 8].copy_from_slice(&1234.5f64.to_le_bytes());
    a.as_bytes_mut().unwrap()[0..8].copy_from_slice(&(-9i64).to_le_bytes());
    assert_eq!(a.column::<f64>("price").unwrap().get(2), Some(1234.5));
    assert_eq!(a.column::<i64>("t").unwrap().get(0), Some(-9));
    assert_eq!(
        a.field("price").unwrap().get(&[2]).map(|v| number(&v)),
        Some(1234.5)
    );
    assert!(a.item_bytes_mut(&[5]).is_none());

    // The file's bytes, and numpy's read-only view of it, are unchanged.
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let numpy = common::numpy(
        &format!(
            "import ast\nm = np.memmap(sys.argv[1], dtype=np.dtype(ast.literal_eval({RECORD:?})), \
             mode='r', offset=7)\nprint(m['price'].tolist())\nprint(m['t'].tolist())"
        ),
        &[&path],
    );
    let ro = map(&path, RECORD, layout).unwrap();
    let lines: Vec<Vec<f64>> = numpy.lines().map(numbers).collect();
    assert_eq!(ro.column::<f64>("price").unwrap().to_vec(), lines[0]);
    assert_ne!(lines[0][2], 1234.5);
    let t: Vec<f64> = ro
        .column::<i64>("t")
        .unwrap()
        .iter()
        .map(|v| v as f64)
        .collect();
    assert_eq!(t, lines[1]);

    // A read-only map hands out no writable bytes.
    let mut ro = ro;
    assert!(ro.as_bytes_mut().is_none());
    assert!(ro.item_bytes_mut(&[0]).is_none());
}

/// numpy's verdict on a `np.memmap` request: `ok` or the exception's type.
const NUMPY_VERDICT: &str = r#"
path, dtype, offset, shape = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
shape = tuple(int(x) for x in shape.split(',')) if shape else None
try:
    np.memmap(path, dtype=dtype, mode='r', offset=offset, shape=shape)
    print('ok')
except Exception as e:
    print(type(e).__name__)
"#;

fn numpy_refuses(path: &Path, dtype: &str, offset: u64, shape: Option<&[usize]>) -> bool {
    let shape = shape.map_or(String::new(), |s| {
        s.iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join(",")
    });
    let offset = offset.to_string();
    common::numpy(NUMPY_VERDICT, &[&path, &dtype, &offset, &shape]).trim() != "ok"
}

#[test]
#[cfg_attr(miri, ignore = "mmap and python")]
fn every_error_is_typed_and_names_the_file_and_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ten.bin");
    std::fs::write(&path, [0u8; 10]).unwrap();
    let file = path.display().to_string();
    let layout = |offset: u64, shape: Option<&[usize]>| RawLayout {
        offset,
        shape: shape.map(<[usize]>::to_vec),
        order: Order::C,
    };

    // Too short for the shape: 3 + 2 * 4 = 11 > 10 bytes.
    assert!(numpy_refuses(&path, "<i4", 3, Some(&[2])));
    for err in [
        map(&path, "<i4", layout(3, Some(&[2]))).unwrap_err(),
        map_copy(&path, "<i4", layout(3, Some(&[2]))).unwrap_err(),
    ] {
        assert!(
            matches!(
                err,
                Error::FileTooShort {
                    file_len: 10,
                    offset: 3,
                    nbytes: 8,
                    needed: 11,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(message_has(&err, &[&file, "10", "11"]), "{err}");
    }

    // The offset past the end, with the length inferred.
    assert!(numpy_refuses(&path, "<i4", 12, None));
    let err = map(&path, "<i4", layout(12, None)).unwrap_err();
    assert!(
        matches!(
            err,
            Error::OffsetPastEnd {
                file_len: 10,
                offset: 12,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(message_has(&err, &[&file, "10", "12"]), "{err}");

    // A partial item at the end: 10 - 1 = 9 bytes of 4-byte items.
    assert!(numpy_refuses(&path, "<i4", 1, None));
    let err = map_copy(&path, "<i4", layout(1, None)).unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotAMultiple {
                file_len: 10,
                offset: 1,
                available: 9,
                itemsize: 4,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(message_has(&err, &[&file, "9", "4"]), "{err}");
    // ... and none when the offset makes it whole: numpy agrees.
    assert!(!numpy_refuses(&path, "<i4", 2, None));
    assert_eq!(map(&path, "<i4", layout(2, None)).unwrap().shape(), [2]);

    // Shapes whose byte size overflows.
    for shape in [
        vec![usize::MAX / 2, 4],
        vec![1 << 62, 1 << 62],
        vec![0, 1 << 62, 4],
    ] {
        let err = map(&path, "<i4", layout(0, Some(&shape))).unwrap_err();
        assert!(
            matches!(&err, Error::ShapeOverflow { shape: s, itemsize: 4, offset: 0, .. }
                if s == &shape),
            "{err:?}"
        );
        assert!(
            message_has(&err, &[&file, &format!("{shape:?}"), "4-byte"]),
            "{err}"
        );
    }
    let err = map(&path, "|u1", layout(u64::MAX, Some(&[2]))).unwrap_err();
    assert!(
        matches!(
            err,
            Error::ShapeOverflow {
                offset: u64::MAX,
                ..
            }
        ),
        "{err:?}"
    );

    // A zero item size cannot infer a length; with a shape it maps nothing (a subarray dtype
    // goes into the shape, as numpy's (3, 0)).
    for (dtype, shape) in [("V0", &[3][..]), ("[]", &[3]), ("('<i4', (0,))", &[3, 0])] {
        let err = map(&path, dtype, layout(0, None)).unwrap_err();
        assert!(
            matches!(err, Error::ZeroSizedElement { .. }),
            "{dtype}: {err:?}"
        );
        assert!(message_has(&err, &[&file, "size 0"]), "{err}");
        let empty = map(&path, dtype, layout(4, Some(&[3]))).unwrap();
        assert_eq!(empty.shape(), shape, "{dtype}");
        assert_eq!(
            (empty.len(), empty.as_bytes().len()),
            (shape.iter().product(), 0)
        );
    }

    // A missing file and a directory.
    let missing = dir.path().join("missing.bin");
    let err = map(&missing, "<i4", layout(0, None)).unwrap_err();
    assert!(matches!(err, Error::Io { op: "open", .. }), "{err:?}");
    assert!(
        message_has(&err, &[&missing.display().to_string()]),
        "{err}"
    );
    let err = map(dir.path(), "<i4", layout(0, None)).unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err:?}");
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn empty_files_and_empty_shapes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.bin");
    std::fs::write(&path, []).unwrap();
    let a = map(&path, "<f8", RawLayout::default()).unwrap();
    assert_eq!((a.shape(), a.is_empty()), (&[0][..], true));
    assert!(a.column::<f64>("").unwrap().is_empty());
    // A 0-d array needs one item.
    let err = map(
        &path,
        "<f8",
        RawLayout {
            shape: Some(vec![]),
            ..RawLayout::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::FileTooShort { needed: 8, .. }),
        "{err:?}"
    );
}

/// numpy expands a subarray dtype into the shape, in the order asked for over the whole shape
/// (`np.memmap(p, dtype=('<f4', (3,)), order='F')` is F order across items); so do we.
#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn subarray_dtypes_expand_into_the_shape_in_the_asked_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub.f4");
    let floats: Vec<u8> = (0..12u8).flat_map(|v| f32::from(v).to_le_bytes()).collect();
    std::fs::write(&path, floats).unwrap();
    let dtype = Dtype::parse("('<f4', (3,))").unwrap();
    for (shape, order, np_shape, np_order) in [
        (None, Order::C, "None", "C"),
        (None, Order::F, "None", "F"),
        (Some(vec![2]), Order::F, "(2,)", "F"),
        (Some(vec![2, 2]), Order::F, "(2, 2)", "F"),
        (Some(vec![2, 2]), Order::C, "(2, 2)", "C"),
    ] {
        let layout = RawLayout {
            offset: 0,
            shape: shape.clone(),
            order,
        };
        // SAFETY: the file is private to this test.
        let a = unsafe { DynArray::map_raw(&path, &dtype, layout) }.unwrap();
        let ours: Vec<Vec<usize>> = common::c_indices(a.shape());
        let values: Vec<String> = ours
            .iter()
            .map(|i| match a.get(i) {
                Some(Value::Float { value, .. }) => format!("{value:?}"),
                other => panic!("{other:?} at {i:?}"),
            })
            .collect();
        let script = format!(
            "import sys, numpy as np\n\
             m = np.memmap(sys.argv[1], dtype=('<f4', (3,)), mode='r', shape={np_shape}, \
             order='{np_order}')\n\
             print(list(m.shape), m.dtype.str)\n\
             print(' '.join(repr(float(v)) for v in m.ravel(order='C')))"
        );
        let out = common::numpy(&script, &[&path]);
        let mut lines = out.lines();
        let want_head = lines.next().unwrap();
        assert_eq!(
            want_head,
            format!("{:?} {}", a.shape(), a.descr().trim_matches('\'')),
            "{shape:?} {order:?}"
        );
        assert_eq!(
            lines.next().unwrap(),
            values.join(" "),
            "{shape:?} {order:?}"
        );
    }
}
