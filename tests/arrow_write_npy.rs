//! The way back: batches written by `write_npy` / `write_raw` are what numpy loads. Files
//! numpy wrote go through Arrow and back, and numpy finds the same dtype, shape and bytes;
//! batches made in Arrow without numpy metadata get the dtype numpy would give them.
#![cfg(feature = "arrow")]

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{FixedSizeListBuilder, Float32Builder};
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int32Array, RecordBatch,
    RecordBatchIterator, StringArray, StructArray, TimestampMillisecondArray,
};
use arrow_schema::{DataType, Field, Schema};
use typed_memmap::arrow::{write_npy, write_raw, BatchReader};
use typed_memmap::{DynArray, Error};

use common::numpy;

fn make(dir: &Path, name: &str, script: &str) -> PathBuf {
    let path = dir.join(format!("{name}.npy"));
    numpy(&format!("{script}\nnp.save(sys.argv[1], a)"), &[&path]);
    path
}

/// numpy checks that `out` has the dtype, shape and bytes (in C order) of `src`.
fn numpy_agrees(src: &Path, out: &Path) {
    let said = numpy(
        "a = np.load(sys.argv[1]); b = np.load(sys.argv[2])\n\
         assert a.dtype == b.dtype, (a.dtype, b.dtype)\n\
         assert a.dtype.descr == b.dtype.descr, (a.dtype.descr, b.dtype.descr)\n\
         assert a.shape == b.shape, (a.shape, b.shape)\n\
         assert np.ascontiguousarray(a).tobytes() == b.tobytes()\n\
         print('same')",
        &[&src, &out],
    );
    assert_eq!(said.trim(), "same", "{}", src.display());
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn numpy_files_come_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "scalars",
            "dt = np.dtype([('i1', 'i1'), ('bu2', '>u2'), ('f2', '<f2'), ('bf8', '>f8'), \
             ('ok', '?'), ('c8', '<c8'), ('bc16', '>c16'), ('s', 'S5'), ('v', 'V3'), \
             ('u', '<U4'), ('bu', '>U3')])\n\
             a = np.zeros(9, dt)\n\
             a['i1'] = np.arange(9) - 4; a['bu2'] = np.arange(9) * 7000\n\
             a['f2'] = np.linspace(-2, 2, 9); a['bf8'] = np.arange(9) / 7; a['bf8'][3] = np.nan\n\
             a['ok'] = np.arange(9) % 2 == 0; a['c8'] = np.arange(9) * (1 + 2j)\n\
             a['bc16'] = np.arange(9) * (0.5 - 1j)\n\
             a['s'] = [b'', b'a', b'ab\\x00c', b'abcde', b'\\xff'] * 1 + [b'x'] * 4\n\
             a['v'] = [b'\\x00\\x01\\x02', b'abc', b'\\xff\\xff\\xff'] * 3\n\
             a['u'] = ['', 'a', 'h\u{e9}', '\u{1f600}x', 'ab\\x00c', 'abcd', 'z', 'q', 'w']\n\
             a['bu'] = ['\u{3b1}\u{3b2}', '', 'xyz'] * 3",
        ),
        (
            "times",
            "units = ['M8[ns]', '>M8[us]', 'M8[s]', 'M8[m]', 'M8[h]', 'M8[D]', 'M8[W]', \
             'M8[M]', '>M8[Y]', 'M8[25s]', 'm8[ms]', 'm8[D]', '>m8[h]', 'm8[ps]', 'M8[fs]', \
             'm8[M]']\n\
             dt = np.dtype([('f%d' % k, u) for k, u in enumerate(units)])\n\
             a = np.zeros(6, dt)\n\
             for k, u in enumerate(units):\n\
             \x20   native = np.dtype(u).newbyteorder('=')\n\
             \x20   a['f%d' % k] = np.array([0, 1, -1, 17, -400, 0], 'i8').view(native)\n\
             \x20   a['f%d' % k][5] = np.array('NaT', dtype=np.dtype(u).newbyteorder('='))",
        ),
        (
            "nested",
            "inner = np.dtype({'names': ['x', 'y'], 'formats': ['<f4', '>i2'], \
                               'offsets': [0, 6], 'itemsize': 8})\n\
             dt = np.dtype({'names': ['id', 'pos', 'grid', 'deep'], \
                            'formats': ['<u4', inner, ('<i2', (2, 3)), (inner, (2,))], \
                            'offsets': [0, 8, 16, 32], 'itemsize': 56})\n\
             a = np.zeros(7, dt)\n\
             a['id'] = np.arange(7) * 3; a['pos']['x'] = np.linspace(-1, 1, 7)\n\
             a['grid'] = np.arange(42).reshape(7, 2, 3) - 20\n\
             a['deep']['y'] = np.arange(14).reshape(7, 2)",
        ),
        (
            "fortran",
            "a = np.asfortranarray(np.arange(60, dtype='>f4').reshape(5, 4, 3))",
        ),
        ("c3", "a = np.arange(60, dtype='<i8').reshape(5, 3, 4)"),
        (
            "empty",
            "a = np.zeros((0, 3), [('a', '<i4'), ('t', 'M8[h]')])",
        ),
        ("flat", "a = np.arange(10, dtype='<u2')"),
        (
            "titled",
            "a = np.zeros(3, [(('the a', 'a'), '<i4'), ('b', '<f8')]); a['a'] = [1, 2, 3]",
        ),
        ("zero_d", "a = np.array(1.25, '>f8')"),
    ];
    for (name, script) in cases {
        let src = make(dir.path(), name, script);
        let out = dir.path().join(format!("{name}.out.npy"));
        // SAFETY: the test's files are private to it; nobody writes or truncates them.
        let array = unsafe { DynArray::open(&src) }.unwrap();
        let written = write_npy(BatchReader::new(array, 4).unwrap(), &out).unwrap();
        assert_eq!(
            written.shape,
            DynArray::read(&src).unwrap().shape(),
            "{name}"
        );
        numpy_agrees(&src, &out);
    }
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn raw_record_files_read_with_fromfile() {
    let dir = tempfile::tempdir().unwrap();
    let src = make(
        dir.path(),
        "rec",
        "a = np.zeros(5, [('a', '>i4'), ('', 'V4'), ('b', '<f8')])\n\
         a['a'] = range(5); a['b'] = 0.25",
    );
    let out = dir.path().join("rec.bin");
    let written = write_raw(
        BatchReader::new(DynArray::read(&src).unwrap(), 2).unwrap(),
        &out,
    )
    .unwrap();
    assert_eq!(written.dtype.descr(), DynArray::read(&src).unwrap().descr());
    let said = numpy(
        "a = np.load(sys.argv[1]); b = np.fromfile(sys.argv[2], a.dtype)\n\
         print(a.tobytes() == b.tobytes() and len(b) == 5)",
        &[&src, &out],
    );
    assert_eq!(said.trim(), "True");
}

/// A batch built in Arrow, without numpy metadata: the dtype is inferred, nulls become NaN
/// and NaT, and numpy reads the values.
#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn arrow_batches_without_metadata_get_numpys_dtypes() {
    let dir = tempfile::tempdir().unwrap();
    let mut xy = FixedSizeListBuilder::new(Float32Builder::new(), 2);
    for k in 0..3 {
        xy.values().append_slice(&[k as f32, -(k as f32)]);
        xy.append(true);
    }
    let inner = StructArray::from(vec![(
        Arc::new(Field::new("n", DataType::Int32, false)),
        Arc::new(Int32Array::from(vec![7, 8, 9])) as ArrayRef,
    )]);
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("id", Arc::new(Int32Array::from(vec![1, -2, 3]))),
        (
            "price",
            Arc::new(Float64Array::from(vec![Some(1.5), None, Some(-0.25)])),
        ),
        (
            "name",
            Arc::new(StringArray::from(vec!["ab", "", "\u{e9}t\u{e9}"])),
        ),
        ("ok", Arc::new(BooleanArray::from(vec![true, false, true]))),
        (
            "t",
            Arc::new(
                TimestampMillisecondArray::from(vec![Some(1_000), None, Some(-5)])
                    .with_timezone("UTC"),
            ),
        ),
        ("day", Arc::new(Date32Array::from(vec![0, 19_782, -1]))),
        ("xy", Arc::new(xy.finish())),
        ("inner", Arc::new(inner)),
    ];
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let schema = batch.schema();
    let out = dir.path().join("arrow.npy");
    let reader = RecordBatchIterator::new(vec![Ok(batch)], schema);
    let written = write_npy(reader, &out).unwrap();
    assert_eq!(written.shape, [3]);
    let said = numpy(
        "b = np.load(sys.argv[1])\n\
         print(b.dtype.descr)\n\
         print(b['id'].tolist(), b['price'].tolist(), b['name'].tolist(), b['ok'].tolist())\n\
         print(b['t'].astype('i8').tolist(), np.isnat(b['t']).tolist(), \
               b['day'].astype(str).tolist())\n\
         print(b['xy'].tolist(), b['inner']['n'].tolist())",
        &[&out],
    );
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(
        lines[0],
        "[('id', '<i4'), ('price', '<f8'), ('name', '<U3'), ('ok', '|b1'), ('t', '<M8[ms]'), \
         ('day', '<M8[D]'), ('xy', '<f4', (2,)), ('inner', [('n', '<i4')])]"
    );
    assert_eq!(
        lines[1],
        "[1, -2, 3] [1.5, nan, -0.25] ['ab', '', '\u{e9}t\u{e9}'] [True, False, True]"
    );
    assert_eq!(
        lines[2],
        "[1000, -9223372036854775808, -5] [False, True, False] \
         ['1970-01-01', '2024-02-29', '1969-12-31']"
    );
    assert_eq!(
        lines[3],
        "[[0.0, -0.0], [1.0, -1.0], [2.0, -2.0]] [7, 8, 9]"
    );
    let back = DynArray::read(&out).unwrap();
    let price = back.field("price").unwrap();
    assert!(
        matches!(price.get(&[1]), Some(typed_memmap::Value::Float { value, .. }) if value.is_nan())
    );
}

/// Two batches of a string column whose second holds a longer string than the first: the
/// first batch fixes `U2`, the second cannot be written.
fn growing_strings() -> impl arrow_array::RecordBatchReader {
    let batch = |s: &str| {
        RecordBatch::try_from_iter(vec![(
            "s",
            Arc::new(StringArray::from(vec![s])) as ArrayRef,
        )])
        .unwrap()
    };
    let (first, second) = (batch("ab"), batch("abc"));
    let schema = first.schema();
    RecordBatchIterator::new(vec![Ok(first), Ok(second)], schema)
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn values_numpy_cannot_hold_are_errors_naming_the_column() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bad.npy");
    // A null integer.
    let batch = RecordBatch::try_from_iter(vec![(
        "qty",
        Arc::new(Int32Array::from(vec![Some(1), None])) as ArrayRef,
    )])
    .unwrap();
    let schema = batch.schema();
    let err = write_npy(RecordBatchIterator::new(vec![Ok(batch)], schema), &out).unwrap_err();
    let Error::Arrow {
        path,
        context,
        message,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(path.as_deref(), Some(out.as_path()));
    assert!(
        context.contains("`qty`") && message.contains("value 1 is null"),
        "{err}"
    );

    // A string longer in a later batch than the first batch's longest.
    let reader = growing_strings();
    let err = write_npy(reader, &out).unwrap_err();
    assert!(
        err.to_string().contains("3 characters, more than the 2"),
        "{err}"
    );

    // A type numpy has no fixed-size dtype for.
    let schema = Arc::new(Schema::new(vec![Field::new(
        "tags",
        DataType::List(Arc::new(Field::new("item", DataType::Int32, true))),
        true,
    )]));
    let reader = RecordBatchIterator::new(Vec::<Result<RecordBatch, _>>::new(), schema);
    let err = write_npy(reader, &out).unwrap_err();
    assert!(err.to_string().contains("`tags`"), "{err}");
}

/// The file appears whole or not at all: a failed write leaves an existing file as it was and
/// no temporary file, and the batches of a map of a file can be written back over that same
/// file (the map keeps reading the old one, which the rename only unlinks).
#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn the_file_is_replaced_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.npy");
    std::fs::write(&out, "old").unwrap();
    let reader = growing_strings();
    write_npy(reader, &out).unwrap_err();
    assert_eq!(std::fs::read(&out).unwrap(), b"old");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["out.npy"]);

    let src = make(
        dir.path(),
        "src",
        "a = np.arange(100_000, dtype='<i8').reshape(50_000, 2)",
    );
    let before = std::fs::read(&src).unwrap();
    // SAFETY: the file is private to the test; the write below replaces it by rename, which
    // leaves the mapped file's bytes alone.
    let mapped = unsafe { DynArray::open(&src) }.unwrap();
    let written = write_npy(BatchReader::new(mapped, 4096).unwrap(), &src).unwrap();
    assert_eq!(written.shape, [50_000, 2]);
    assert!(std::fs::read(&src).unwrap() == before);
}
