//! Zero-copy is shown, not claimed: for the layouts the module docs call shared, the Arrow
//! buffer's data pointer is the map's data pointer; for the copied ones it points outside the
//! map. The batches keep the map alive after the array and the reader are gone.
#![cfg(feature = "arrow")]

mod common;

use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int32Type, TimestampNanosecondType};
use arrow_array::{Array, ArrayRef, RecordBatch};
use typed_memmap::arrow::{into_record_batch, to_record_batch, BatchReader, IntoArrow, ToArrow};
use typed_memmap::{DynArray, LogHeader, MapSpec, Memmap, Mode, Options, Order, RecordLog};

use common::numpy;

fn make(dir: &Path, name: &str, script: &str) -> PathBuf {
    let path = dir.join(format!("{name}.npy"));
    numpy(&format!("{script}\nnp.save(sys.argv[1], a)"), &[&path]);
    path
}

/// The first data buffer of the innermost values of `column` (lists and structs add none).
fn data_ptr(column: &ArrayRef) -> *const u8 {
    let mut data = column.to_data();
    while data.buffers().is_empty() {
        data = data.child_data()[0].clone();
    }
    data.buffers()[0].as_ptr()
}

/// Whether `p` lies inside `range`.
fn inside(p: *const u8, range: &std::ops::Range<*const u8>) -> bool {
    range.contains(&p)
}

fn open(path: &Path) -> DynArray {
    // SAFETY: the test's files are private to it; nobody writes or truncates them.
    unsafe { DynArray::open(path) }.unwrap()
}

fn map_range(a: &DynArray) -> std::ops::Range<*const u8> {
    a.as_bytes().as_ptr_range()
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn primitives_byte_strings_and_datetimes_share_the_map() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("f8", "a = np.arange(1000, dtype='<f8') / 3"),
        ("i4", "a = np.arange(1000, dtype='<i4')"),
        ("s8", "a = np.array([b'abc', b'defghijk'] * 10, 'S8')"),
        ("v3", "a = np.array([b'abc'] * 7, 'V3')"),
        (
            "m8",
            "a = np.arange(100, dtype='<i8').view('<M8[ns]'); a[5] = np.datetime64('NaT')",
        ),
        ("c3d", "a = np.arange(60, dtype='<u2').reshape(5, 4, 3)"),
    ];
    for (name, script) in cases {
        let path = make(dir.path(), name, script);
        let array = open(&path);
        let data = array.as_bytes().as_ptr();
        let batch = into_record_batch(array).unwrap();
        assert_eq!(data_ptr(batch.column(0)), data, "{name}: not shared");
    }
    // A NaT makes a validity bitmap, but the values are still the map's.
    let array = open(&dir.path().join("m8.npy"));
    let data = array.as_bytes().as_ptr();
    let batch = into_record_batch(array).unwrap();
    let t = batch.column(0).as_primitive::<TimestampNanosecondType>();
    assert_eq!(t.values().inner().as_ptr(), data);
    assert!(t.is_null(5) && t.is_valid(4));
    assert_eq!(t.value(7), 7);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn batches_point_at_their_rows_and_outlive_the_reader() {
    let dir = tempfile::tempdir().unwrap();
    let path = make(dir.path(), "f8", "a = np.arange(1000, dtype='<f8') * 2");
    let array = open(&path);
    let data = array.as_bytes().as_ptr();
    let reader = BatchReader::new(array, 300).unwrap();
    let batches: Vec<RecordBatch> = reader.collect::<Result<_, _>>().unwrap();
    // The reader and the array it owned are gone; the batches hold the map.
    for (k, batch) in batches.iter().enumerate() {
        let values = batch.column(0).as_primitive::<Float64Type>();
        assert_eq!(
            values.values().inner().as_ptr(),
            data.wrapping_add(k * 300 * 8)
        );
        assert_eq!(values.value(0), (k * 300 * 2) as f64);
    }
    assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 1000);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn typed_maps_logs_and_arrays_share_their_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("raw.i32");
    let values: Vec<u8> = (0..64i32).flat_map(|v| v.to_ne_bytes()).collect();
    std::fs::write(&path, &values).unwrap();

    // SAFETY: the test's files are private to it; nobody writes or truncates them.
    let map: Memmap<i32> = unsafe { Options::new().open(&path) }.unwrap();
    let data = map.as_bytes().as_ptr();
    let batch = map.into_record_batch().unwrap();
    assert_eq!(data_ptr(batch.column(0)), data);
    assert_eq!(batch.column(0).as_primitive::<Int32Type>().value(63), 63);

    // SAFETY: as above.
    let log: RecordLog<i32> = unsafe { RecordLog::open(&path, LogHeader::none()) }.unwrap();
    let data = typed_memmap::bytes_of(log.records()).as_ptr();
    let batch = log.into_record_batch().unwrap();
    assert_eq!(data_ptr(batch.column(0)), data);

    let array = Options::<i32>::new().read(&path).unwrap();
    let data = array.as_ptr().cast::<u8>();
    let column = array.into_arrow().unwrap();
    assert_eq!(data_ptr(&column), data);
    assert_eq!(column.len(), 64);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn gathered_layouts_are_copies() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "rec",
            "a = np.zeros(100, [('a', '<i4'), ('b', '<f8')]); a['b'] = np.arange(100)",
        ),
        ("be", "a = np.arange(100, dtype='>f8')"),
        (
            "fo",
            "a = np.asfortranarray(np.arange(60, dtype='<i4').reshape(6, 10))",
        ),
        ("b1", "a = np.arange(100) % 3 == 0"),
        ("u4", "a = np.array(['ab', 'c'] * 5, '<U4')"),
        ("h", "a = np.arange(10, dtype='<i8').view('<M8[h]')"),
    ];
    for (name, script) in cases {
        let path = make(dir.path(), name, script);
        let array = open(&path);
        let range = map_range(&array);
        let batch = into_record_batch(array).unwrap();
        for column in batch.columns() {
            assert!(
                !inside(data_ptr(column), &range),
                "{name}: shared, but must be a copy"
            );
        }
    }
    // A borrowed conversion copies even the layouts an owning one shares.
    let array = open(&make(dir.path(), "f8", "a = np.arange(100, dtype='<f8')"));
    let batch = to_record_batch(&array).unwrap();
    assert!(!inside(data_ptr(batch.column(0)), &map_range(&array)));
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn writable_maps_are_never_shared() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.f64");
    // SAFETY: the test's files are private to it; nobody else writes or truncates them.
    let mut map = unsafe { Options::<f64>::new().shape([50]).create(&path) }.unwrap();
    map.iter_mut().enumerate().for_each(|(i, v)| *v = i as f64);
    let range = map.as_bytes().as_ptr_range();
    let batch = map.to_record_batch().unwrap();
    assert!(!inside(data_ptr(batch.column(0)), &range));
    // Writing the map afterwards does not change the batch.
    map[3] = -1.0;
    assert_eq!(batch.column(0).as_primitive::<Float64Type>().value(3), 3.0);
    // Nor does a reader that owns the map share it.
    let reader = BatchReader::from_memmap_mut(map, 20).unwrap();
    for batch in reader {
        let batch = batch.unwrap();
        assert!(!inside(data_ptr(batch.column(0)), &range));
    }
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn misaligned_data_is_copied_not_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odd.bin");
    let mut bytes = vec![0u8; 4];
    bytes.extend((0..32i64).flat_map(|v| v.to_le_bytes()));
    std::fs::write(&path, &bytes).unwrap();
    let spec = MapSpec::new(&path, "'<i8'", 4, vec![32], Order::C, Mode::ReadOnly);
    // SAFETY: as above.
    let array = unsafe { spec.open_dyn() }.unwrap();
    let range = map_range(&array);
    assert_ne!(
        range.start as usize % 8,
        0,
        "the data is misaligned for i64"
    );
    let batch = into_record_batch(array).unwrap();
    assert!(!inside(data_ptr(batch.column(0)), &range));
    let values = batch
        .column(0)
        .as_primitive::<arrow_array::types::Int64Type>();
    assert_eq!(values.values().to_vec(), (0..32).collect::<Vec<i64>>());
}
