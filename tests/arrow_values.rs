//! Every dtype family converted to Arrow holds the values numpy wrote: files made by numpy,
//! converted by `to_record_batch` / `into_record_batch` / `BatchReader`, each value compared
//! with `DynArray::get` of the same file (or, for datetimes, with numpy's own rescaling).
#![cfg(feature = "arrow")]

mod arrow_support;
mod common;

use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::Date32Type;
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use typed_memmap::arrow::{into_record_batch, schema_of, to_record_batch, BatchReader};
use typed_memmap::{DynArray, Error};

use arrow_support::assert_batch_equals;
use common::numpy;

/// Makes `name.npy` in `dir` with numpy: `script` defines `a`, which is saved.
fn make(dir: &Path, name: &str, script: &str) -> PathBuf {
    let path = dir.join(format!("{name}.npy"));
    numpy(&format!("{script}\nnp.save(sys.argv[1], a)"), &[&path]);
    path
}

/// Checks the three conversions of the file at `path` against its values.
fn check_all_ways(path: &Path) -> RecordBatch {
    let copied = DynArray::read(path).unwrap();
    let batch = to_record_batch(&copied).unwrap();
    assert_batch_equals(&copied, &batch);
    // SAFETY: the test's files are private to it; nobody writes or truncates them.
    let mapped = unsafe { DynArray::open(path) }.unwrap();
    let owned = into_record_batch(mapped).unwrap();
    assert_eq!(owned, batch);
    // Batches of 3 rows, concatenated, are the whole.
    // SAFETY: as above.
    let mapped = unsafe { DynArray::open(path) }.unwrap();
    let reader = BatchReader::new(mapped, 3).unwrap();
    let schema = arrow_array::RecordBatchReader::schema(&reader);
    let parts: Vec<RecordBatch> = reader.collect::<Result<_, _>>().unwrap();
    assert!(parts.iter().all(|b| b.num_rows() <= 3 && b.num_rows() > 0));
    let mut offset = 0;
    for part in &parts {
        assert_eq!(part, &batch.slice(offset, part.num_rows()));
        offset += part.num_rows();
    }
    assert_eq!(offset, batch.num_rows());
    assert_eq!(batch.schema().as_ref(), schema.as_ref());
    batch
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn numbers_strings_and_bytes_of_both_byte_orders() {
    let dir = tempfile::tempdir().unwrap();
    let path = make(
        dir.path(),
        "scalars",
        "dt = np.dtype([('i1', 'i1'), ('u2', '<u2'), ('bi4', '>i4'), ('u8', '<u8'), \
         ('f2', '<f2'), ('bf8', '>f8'), ('ok', '?'), ('c8', '<c8'), ('bc16', '>c16'), \
         ('s', 'S5'), ('v', 'V3'), ('u', '<U4'), ('bu', '>U3'), ('i8', '<i8'), ('f4', '<f4')])\n\
         a = np.zeros(11, dt)\n\
         r = np.random.default_rng(7)\n\
         for n in dt.names:\n\
         \x20   if dt[n].kind in 'iu':\n\
         \x20       info = np.iinfo(dt[n]); native = dt[n].newbyteorder('=')\n\
         \x20       a[n] = r.integers(info.min, info.max, 11, dtype=native, endpoint=True)\n\
         \x20   elif dt[n].kind in 'fc':\n\
         \x20       a[n] = r.normal(size=11) * 1e3\n\
         a['f4'][3] = np.nan; a['bf8'][4] = -np.inf; a['f2'][5] = np.inf\n\
         a['ok'] = [True, False] * 5 + [True]\n\
         a['s'] = [b'', b'a', b'ab\\x00c', b'abcde', b'\\xff'] * 2 + [b'z']\n\
         a['v'] = [b'\\x00\\x01\\x02', b'abc'] * 5 + [b'\\xff\\xfe\\xfd']\n\
         a['u'] = ['', 'a', 'h\u{e9}llo'[:4], '\u{1f600}x', 'ab\\x00c'] * 2 + ['z']\n\
         a['bu'] = ['\u{3b1}\u{3b2}', '', 'xyz', 'q', 'w'] * 2 + ['\u{10ffff}']",
    );
    let batch = check_all_ways(&path);
    let types: Vec<DataType> = batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.data_type().clone())
        .collect();
    assert_eq!(types[0], DataType::Int8);
    assert_eq!(types[2], DataType::Int32);
    assert_eq!(types[4], DataType::Float16);
    assert_eq!(types[6], DataType::Boolean);
    assert_eq!(types[9], DataType::FixedSizeBinary(5));
    assert_eq!(types[10], DataType::FixedSizeBinary(3));
    assert_eq!(types[11], DataType::Utf8);
    // Trailing NULs are trimmed, inner ones kept, as numpy reads them.
    let u = batch.column_by_name("u").unwrap().as_string::<i32>();
    assert_eq!(u.value(4), "ab\0c");
    assert_eq!(u.value(0), "");
    // numpy's dtype text travels in the metadata.
    assert_eq!(batch.schema().field(2).metadata()["numpy.dtype"], "'>i4'");
}

/// Fields large enough to be gathered in several runs (split over rayon's threads when the
/// feature `rayon` is on: from 1 MiB of output): every value is numpy's, in order, in both
/// byte orders and at an odd (packed) offset.
#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn large_fields_are_gathered_whole_and_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let n = 300_000;
    let path = make(
        dir.path(),
        "large",
        &format!(
            "dt = np.dtype([('flag', 'u1'), ('x', '<f8'), ('bx', '>f8'), ('i', '<i4'), \
             ('bi', '>u2')])\n\
             a = np.zeros({n}, dt)\n\
             r = np.random.default_rng(11)\n\
             a['flag'] = r.integers(0, 255, {n})\n\
             a['x'] = r.normal(size={n}); a['bx'] = np.arange({n}) * 0.5\n\
             a['i'] = r.integers(-2**31, 2**31 - 1, {n}); a['bi'] = np.arange({n}) % 65536"
        ),
    );
    // The fields are packed: `x` starts at byte 1 of 23-byte records, 2.4 MB of output.
    let copied = DynArray::read(&path).unwrap();
    assert_eq!(copied.dtype().itemsize(), 23);
    let batch = to_record_batch(&copied).unwrap();
    assert_batch_equals(&copied, &batch);
    // SAFETY: the test's files are private to it; nobody writes or truncates them.
    let mapped = unsafe { DynArray::open(&path) }.unwrap();
    assert_eq!(into_record_batch(mapped).unwrap(), batch);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn nested_and_subarray_records_with_padding() {
    let dir = tempfile::tempdir().unwrap();
    let path = make(
        dir.path(),
        "nested",
        "inner = np.dtype({'names': ['x', 'y'], 'formats': ['<f4', '>i2'], \
                            'offsets': [0, 6], 'itemsize': 8})\n\
         dt = np.dtype({'names': ['id', 'pos', 'grid', 'deep', 'tag'], \
                        'formats': ['<u4', inner, ('<i2', (2, 3)), (inner, (2,)), 'S2'], \
                        'offsets': [0, 8, 16, 32, 50], 'itemsize': 56})\n\
         a = np.zeros(7, dt)\n\
         a['id'] = np.arange(7) * 3\n\
         a['pos']['x'] = np.linspace(-1, 1, 7); a['pos']['y'] = -np.arange(7)\n\
         a['grid'] = np.arange(7 * 6).reshape(7, 2, 3) - 20\n\
         a['deep']['x'] = np.arange(14).reshape(7, 2) / 4\n\
         a['deep']['y'] = np.arange(14).reshape(7, 2)\n\
         a['tag'] = [b'ab', b'c', b''] * 2 + [b'zz']",
    );
    let batch = check_all_ways(&path);
    // Padding bytes are not columns; names are numpy's.
    let schema = batch.schema();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(names, ["id", "pos", "grid", "deep", "tag"]);
    let DataType::FixedSizeList(outer, 2) = batch.schema().field(2).data_type().clone() else {
        panic!("grid is not a list of 2");
    };
    assert!(
        matches!(outer.data_type(), DataType::FixedSizeList(inner, 3)
            if inner.data_type() == &DataType::Int16)
    );
    assert!(matches!(batch.schema().field(1).data_type(), DataType::Struct(f) if f.len() == 2));
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn n_d_arrays_in_c_and_fortran_order() {
    let dir = tempfile::tempdir().unwrap();
    let c = make(
        dir.path(),
        "c3",
        "a = np.arange(4 * 3 * 2, dtype='<i4').reshape(4, 3, 2)",
    );
    let f = make(
        dir.path(),
        "f3",
        "a = np.asfortranarray(np.arange(4 * 3 * 2, dtype='>f8').reshape(4, 3, 2) * 1.5)",
    );
    let f2 = make(
        dir.path(),
        "f2rec",
        "a = np.asfortranarray(np.zeros((5, 3), [('a', '<i2'), ('b', '<f8')]))\n\
         a['a'] = np.arange(15).reshape(5, 3); a['b'] = np.arange(15).reshape(5, 3) / 8",
    );
    assert!(DynArray::read(&f).unwrap().order() == typed_memmap::Order::F);
    for path in [&c, &f, &f2] {
        check_all_ways(path);
    }
    let batch = check_all_ways(&c);
    assert_eq!(batch.num_rows(), 4);
    assert!(matches!(
        batch.schema().field(0).data_type(),
        DataType::FixedSizeList(_, 3)
    ));
    assert_eq!(batch.schema().metadata()["numpy.row_shape"], "(3, 2)");
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn empty_and_zero_d_arrays() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("e1", "a = np.zeros(0, '<f8')"),
        ("e2", "a = np.zeros((0, 3), '<i2')"),
        ("e3", "a = np.zeros((3, 0), '<i2')"),
        (
            "erec",
            "a = np.zeros(0, [('a', '<i4'), ('b', 'U3'), ('t', 'M8[h]')])",
        ),
        ("z", "a = np.array(2.5, '>f4')"),
        (
            "zrec",
            "a = np.zeros((), [('a', '<i4'), ('b', '<f8')]); a['a'] = 7; a['b'] = 0.5",
        ),
    ];
    for (name, script) in cases {
        let path = make(dir.path(), name, script);
        let batch = check_all_ways(&path);
        let expected_rows = DynArray::read(&path)
            .unwrap()
            .shape()
            .first()
            .copied()
            .unwrap_or(1);
        assert_eq!(batch.num_rows(), expected_rows, "{name}");
    }
}

/// numpy's values of each datetime field rescaled to the Arrow unit the module docs name,
/// as `int`s with NaT as `None`.
#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn datetimes_and_timedeltas_against_numpy_rescaling() {
    let dir = tempfile::tempdir().unwrap();
    // (numpy dtype, Arrow type, the numpy unit numpy rescales to for the oracle)
    let cases: [(&str, DataType, &str); 16] = [
        (
            "<M8[ns]",
            DataType::Timestamp(TimeUnit::Nanosecond, None),
            "M8[ns]",
        ),
        (
            ">M8[us]",
            DataType::Timestamp(TimeUnit::Microsecond, None),
            "M8[us]",
        ),
        (
            "<M8[ms]",
            DataType::Timestamp(TimeUnit::Millisecond, None),
            "M8[ms]",
        ),
        (
            "<M8[s]",
            DataType::Timestamp(TimeUnit::Second, None),
            "M8[s]",
        ),
        (
            "<M8[m]",
            DataType::Timestamp(TimeUnit::Second, None),
            "M8[s]",
        ),
        (
            "<M8[h]",
            DataType::Timestamp(TimeUnit::Second, None),
            "M8[s]",
        ),
        (
            "<M8[25s]",
            DataType::Timestamp(TimeUnit::Second, None),
            "M8[s]",
        ),
        ("<M8[D]", DataType::Date32, "M8[D]"),
        ("<M8[W]", DataType::Date32, "M8[D]"),
        ("<M8[M]", DataType::Date32, "M8[D]"),
        (">M8[Y]", DataType::Date32, "M8[D]"),
        (
            "<m8[ms]",
            DataType::Duration(TimeUnit::Millisecond),
            "m8[ms]",
        ),
        ("<m8[D]", DataType::Duration(TimeUnit::Second), "m8[s]"),
        (">m8[h]", DataType::Duration(TimeUnit::Second), "m8[s]"),
        ("<m8[ps]", DataType::Int64, "m8[ps]"),
        ("<M8[fs]", DataType::Int64, "M8[fs]"),
    ];
    for (descr, arrow_type, oracle_unit) in cases {
        let path = dir.path().join("t.npy");
        let printed = numpy(
            "dt = np.dtype(sys.argv[2])\n\
             ticks = np.array([0, 1, -1, 17, -400, 123456, 0], dtype='i8')\n\
             a = ticks.astype(dt.newbyteorder('=')).astype(dt) if dt.kind == 'm' else \
                 ticks.view(np.dtype(dt.str.replace('M', 'm'))).astype('i8').view(dt)\n\
             a[6] = np.datetime64('NaT') if dt.kind == 'M' else np.timedelta64('NaT')\n\
             np.save(sys.argv[1], a)\n\
             out = a.astype(sys.argv[3]).astype('i8')\n\
             print(' '.join('None' if np.isnat(x) else str(int(v)) for x, v in zip(a, out)))",
            &[&path, &descr, &oracle_unit],
        );
        let want: Vec<Option<i64>> = printed
            .split_whitespace()
            .map(|t| {
                if t == "None" {
                    None
                } else {
                    Some(t.parse().unwrap())
                }
            })
            .collect();
        let array = DynArray::read(&path).unwrap();
        let batch = to_record_batch(&array).unwrap();
        let column = batch.column(0);
        assert_eq!(column.data_type(), &arrow_type, "{descr}");
        let got: Vec<Option<i64>> = (0..column.len())
            .map(|i| {
                column.is_valid(i).then(|| match column.data_type() {
                    DataType::Date32 => column.as_primitive::<Date32Type>().value(i).into(),
                    _ => column.to_data().buffers()[0].typed_data::<i64>()[i],
                })
            })
            .collect();
        assert_eq!(got, want, "{descr}");
        assert_eq!(column.null_count(), 1, "{descr}: NaT is null");
    }
}

#[test]
fn schema_names_the_field_arrow_cannot_hold() {
    let dtype = typed_memmap::npy::parse_descr("[('a', '<f8'), ('ld', '<f16')]").unwrap();
    let err = schema_of(&dtype).unwrap_err();
    let Error::Arrow { context, .. } = &err else {
        panic!("{err:?}");
    };
    assert!(
        context.contains("`ld`") && context.contains("'<f16'"),
        "{err}"
    );
}

#[derive(Clone, Copy, Debug, PartialEq, typed_memmap::Record)]
#[repr(C)]
struct Tick {
    ts: typed_memmap::Datetime64<typed_memmap::units::Nanos>,
    price: f64,
    qty: u32,
    side: u8,
    _pad: [u8; 3],
    xy: [f32; 2],
}

/// The typed types convert through their dtype: a map, a writable map, an array, a log and
/// a column give the values of their slices.
#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn typed_maps_arrays_logs_and_columns() {
    use arrow_array::types::{Float32Type, Float64Type, TimestampNanosecondType, UInt32Type};
    use typed_memmap::arrow::{IntoArrow, ToArrow};
    use typed_memmap::{Datetime64, LogHeader, Options, RecordLog};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ticks.bin");
    let ticks: Vec<Tick> = (0..20u32)
        .map(|i| Tick {
            ts: if i == 3 {
                Datetime64::NAT
            } else {
                Datetime64::new(i64::from(i) * 1000)
            },
            price: f64::from(i) / 4.0,
            qty: i * 10,
            side: (i % 2) as u8,
            _pad: [0; 3],
            xy: [i as f32, -(i as f32)],
        })
        .collect();
    std::fs::write(&path, typed_memmap::bytes_of(&ticks)).unwrap();
    let check = |batch: &RecordBatch| {
        let names: Vec<String> = batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        assert_eq!(names, ["ts", "price", "qty", "side", "xy"]); // `_pad` is padding
        let ts = batch.column(0).as_primitive::<TimestampNanosecondType>();
        let price = batch.column(1).as_primitive::<Float64Type>();
        let qty = batch.column(2).as_primitive::<UInt32Type>();
        let xy = batch.column(4).as_fixed_size_list();
        for (i, t) in ticks.iter().enumerate() {
            assert_eq!(ts.is_null(i), t.ts.ticks().is_none());
            if let Some(v) = t.ts.ticks() {
                assert_eq!(ts.value(i), v);
            }
            assert_eq!(price.value(i), t.price);
            assert_eq!(qty.value(i), t.qty);
            let pair = xy.value(i);
            assert_eq!(pair.as_primitive::<Float32Type>().values(), &t.xy);
        }
    };
    // SAFETY: the test's files are private to it; nobody else writes or truncates them.
    let map = unsafe { Options::<Tick>::new().open(&path) }.unwrap();
    let copied = map.to_record_batch().unwrap();
    check(&copied);
    let price = map.column(Tick::fields().price).to_arrow().unwrap();
    assert_eq!(
        price.as_primitive::<Float64Type>().values(),
        copied.column(1).as_primitive::<Float64Type>().values()
    );
    assert_eq!(map.into_record_batch().unwrap(), copied);
    // SAFETY: as above.
    let map_mut = unsafe { Options::<Tick>::new().open_mut(&path) }.unwrap();
    assert_eq!(map_mut.to_record_batch().unwrap(), copied);
    drop(map_mut);
    let array = Options::<Tick>::new().read(&path).unwrap();
    assert_eq!(array.to_record_batch().unwrap(), copied);
    let as_struct = array.into_arrow().unwrap();
    assert_eq!(as_struct.len(), 20);
    // SAFETY: as above.
    let log = unsafe { RecordLog::<Tick>::open(&path, LogHeader::none()) }.unwrap();
    assert_eq!(log.to_record_batch().unwrap(), copied);
}

/// Values Arrow cannot hold are typed errors that name the file, the field and its dtype,
/// never wrapped or replaced values.
#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn values_arrow_cannot_hold_are_errors_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    // Hours past the range of 64-bit seconds.
    let path = make(
        dir.path(),
        "hours",
        "a = np.zeros(3, [('id', '<i4'), ('t', '<M8[h]')])\n\
         a['t'] = np.array([0, 1, 2**62], 'i8').view('<M8[h]')",
    );
    let err = to_record_batch(&DynArray::read(&path).unwrap()).unwrap_err();
    let Error::Arrow {
        path: at,
        context,
        message,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(at.as_deref(), Some(path.as_path()));
    assert!(
        context.contains("`t`") && context.contains("'<M8[h]'"),
        "{err}"
    );
    assert!(message.contains("element 2"), "{err}");
    // A UCS-4 code unit that is a lone surrogate has no UTF-8 form.
    let path = make(
        dir.path(),
        "surrogate",
        "a = np.frombuffer(np.array([0x41, 0xD800], '<u4').tobytes(), '<U2')",
    );
    let err = to_record_batch(&DynArray::read(&path).unwrap()).unwrap_err();
    assert!(err.to_string().contains("0xd800"), "{err}");
    assert!(err.to_string().contains("`values`"), "{err}");
}
