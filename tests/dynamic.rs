//! `DynArray`: files of unknown schema — dtype, shape, order, n-d access, record fields,
//! typed views and printing.
#![cfg_attr(miri, allow(unused))]

mod common;

use typed_memmap::{npy, Dtype, DynArray, Element, Error, FieldProblem, Order, Value};

/// numpy's nested record file used by several tests, and numpy's own view of it.
const NESTED: &str = "
dt = np.dtype([('id', '<u4'), ('pos', [('x', '<f4'), ('y', '>f8')]), ('tag', 'S3'),
               ('hist', '<i2', (2, 2))])
a = np.zeros((2, 3), dtype=dt, order='F')
for i in range(2):
    for j in range(3):
        a[i, j] = (10 * i + j, (i + 0.5, -j), b'r%d' % j, [[i, j], [-i, -j]])
np.save(sys.argv[1], a)
print(a['pos']['y'].ravel().tolist())
print(a['hist'][1, 2].tolist())
print(a['tag'].ravel().tolist())
";

fn floats(values: &[f64], bits: u8) -> Vec<Value> {
    values
        .iter()
        .map(|&value| Value::Float { value, bits })
        .collect()
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn record_fields_of_a_fortran_file_match_numpy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested.npy");
    let printed = common::numpy_on(NESTED, &path);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines[0], "[0.0, -1.0, -2.0, 0.0, -1.0, -2.0]");

    // SAFETY: the test's temp file is not modified while mapped.
    let a = unsafe { DynArray::open(&path) }.unwrap();
    assert_eq!((a.shape(), a.order(), a.len()), (&[2, 3][..], Order::F, 6));
    assert_eq!(a.itemsize(), 4 + 12 + 3 + 8);
    assert_eq!(a.strides(), [27, 54]);
    assert_eq!((a.version(), a.data_offset()), ((1, 0), 192));
    assert!(a
        .descr()
        .starts_with("[('id', '<u4'), ('pos', [('x', '<f4'), ('y', '>f8')])"));

    // Nested field, logical C order although the file is Fortran order.
    let y = a.field("pos").unwrap().field("y").unwrap();
    assert_eq!(y.offset(), 8);
    // The same field by its dotted name, as `FieldHandle::by_name` accepts it.
    let dotted = a.field("pos.y").unwrap();
    assert_eq!((dotted.offset(), dotted.dtype()), (8, y.dtype()));
    assert_eq!(
        y.values().collect::<Vec<_>>(),
        floats(&[0.0, -1.0, -2.0, 0.0, -1.0, -2.0], 64)
    );
    assert_eq!(lines[1], "[[1, 2], [-1, -2]]");
    assert_eq!(
        a.field("hist").unwrap().get(&[1, 2]),
        Some(Value::Array(
            vec![2, 2],
            [1, 2, -1, -2].map(Value::Int).to_vec()
        ))
    );
    assert_eq!(lines[2], "[b'r0', b'r1', b'r2', b'r0', b'r1', b'r2']");
    let tags: Vec<Value> = a.field("tag").unwrap().values().collect();
    assert_eq!(tags[4], Value::Bytes(b"r1\0".to_vec()));
    // Whole records decode to their named fields, in dtype order.
    match a.get(&[1, 0]).unwrap() {
        Value::Record(fields) => {
            let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(names, ["id", "pos", "tag", "hist"]);
            assert_eq!(fields[0].1, Value::UInt(10));
        }
        other => panic!("not a record: {other:?}"),
    }
    // Out of bounds, wrong rank, unknown fields.
    assert_eq!(a.get(&[2, 0]), None);
    assert_eq!(a.get(&[0]), None);
    assert_eq!(y.get(&[0, 3]), None);
    let err = a.field("nope").unwrap_err();
    match &err {
        Error::Field {
            path: Some(p),
            name,
            problem: FieldProblem::Missing { fields },
        } => {
            assert_eq!((p, name.as_str()), (&path, "nope"));
            assert_eq!(fields, &["id", "pos", "tag", "hist"]);
        }
        other => panic!("expected a missing field, got {other:?}"),
    }
    assert!(
        err.to_string().contains("`id`, `pos`, `tag`, `hist`"),
        "{err}"
    );
    assert!(matches!(
        a.field("id").unwrap().field("x"),
        Err(Error::Field {
            problem: FieldProblem::NotARecord { dtype },
            ..
        }) if dtype == "'<u4'"
    ));
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn values_follow_numpys_ravel_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.npy");
    let printed = common::numpy_on(
        "a = np.asfortranarray(np.arange(24, dtype='>i2').reshape(2, 3, 4))\n\
         np.save(sys.argv[1], a)\nprint(a.ravel().tolist())",
        &path,
    );
    let a = DynArray::read(&path).unwrap();
    let ours: Vec<String> = a
        .values()
        .map(|v| match v {
            Value::Int(i) => i.to_string(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(format!("[{}]", ours.join(", ")), printed.trim());
    assert_eq!(a.get(&[1, 2, 3]), Some(Value::Int(23)));
    assert_eq!(a.item_bytes(&[0, 0, 1]), Some(&[0u8, 1][..])); // big-endian 1
}

#[test]
fn in_memory_arrays_and_typed_views() {
    let bytes: Vec<u8> = [1.5f32, 2.5, -1.0, 0.0]
        .iter()
        .flat_map(|v| v.to_ne_bytes())
        .collect();
    let a = DynArray::from_bytes(f32::dtype(), vec![2, 2], Order::C, &bytes).unwrap();
    assert_eq!(a.as_typed::<f32>().unwrap(), [1.5, 2.5, -1.0, 0.0]);
    assert_eq!(a.descr(), "'<f4'");
    assert_eq!(a.path(), std::path::Path::new("<memory>"));
    let err = a.as_typed::<u32>().unwrap_err();
    assert!(
        matches!(&err, Error::DtypeMismatch { difference, .. } if difference == "'<u4' vs '<f4'"),
        "{err}"
    );
    // A 0-d array has one element.
    let z = DynArray::from_bytes(u8::dtype(), vec![], Order::C, &[9]).unwrap();
    assert_eq!((z.len(), z.get(&[])), (1, Some(Value::UInt(9))));
    // Empty arrays: no elements, no values, an empty typed slice.
    let e = DynArray::from_bytes(f64::dtype(), vec![0, 5], Order::F, &[]).unwrap();
    assert!(e.is_empty());
    assert_eq!(e.values().count(), 0);
    assert!(e.as_typed::<f64>().unwrap().is_empty());
    // A whole `.npy` file held in memory, header included.
    let mut file = npy::write_header(&i16::dtype(), &[3], false).unwrap();
    file.extend([1i16, -2, 3].iter().flat_map(|v| v.to_ne_bytes()));
    let parsed = DynArray::from_npy_bytes(&file).unwrap();
    assert_eq!(parsed.as_typed::<i16>().unwrap(), [1, -2, 3]);
    assert_eq!(parsed.data_offset(), 128);
    assert!(matches!(
        DynArray::from_npy_bytes(&file[..file.len() - 1]),
        Err(Error::FileTooShort { needed: 134, .. })
    ));
    // Wrong byte counts are refused.
    assert!(DynArray::from_bytes(f64::dtype(), vec![2], Order::C, &[0; 15]).is_none());
    assert!(DynArray::from_bytes(f64::dtype(), vec![usize::MAX, 2], Order::C, &[]).is_none());
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn display_is_the_crates_numpy_printing() {
    // Whatever the printing rules are, a DynArray prints exactly like the typed map of the
    // same file: both go through the crate's numpy-style formatter.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.npy");
    npy::write_shaped(&path, &[1i32, 2, 3, 4, 5, 6], &[3, 2], Order::F).unwrap();
    // SAFETY: the test's temp file is not modified while mapped.
    let typed = unsafe { npy::open::<i32>(&path) }.unwrap();
    let dynamic = DynArray::read(&path).unwrap();
    assert_eq!(dynamic.to_string(), typed.to_string());
    assert!(format!("{dynamic:?}").contains("'<i4'"));
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn descr_text_is_kept_as_the_header_wrote_it() {
    // A header written by hand with double quotes and odd spacing: the dtype is normalised,
    // the descr text is what the file says.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q.npy");
    let text = "{\"shape\": (2,), \"descr\":\"<u2\",'fortran_order':False}";
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&(text.len() as u16 + 1).to_le_bytes());
    bytes.extend_from_slice(text.as_bytes());
    bytes.push(b'\n');
    bytes.extend_from_slice(&[1, 0, 2, 0]);
    std::fs::write(&path, &bytes).unwrap();
    let printed = common::numpy_on("print(np.load(sys.argv[1]).tolist())", &path);
    assert_eq!(printed.trim(), "[1, 2]");
    let a = DynArray::read(&path).unwrap();
    assert_eq!(a.descr(), "\"<u2\"");
    assert_eq!(a.dtype(), &u16::dtype());
    assert_eq!(a.dtype().descr(), "'<u2'");
    assert_eq!(
        a.values().collect::<Vec<_>>(),
        [Value::UInt(1), Value::UInt(2)]
    );
    let _: &Dtype = a.dtype();
}
