//! `npy::Appender`: files it creates are the ones `np.save` writes, it continues files numpy
//! wrote (1-D and C-order n-d), its `flush` makes records visible to readers, `finish` and
//! drop trim the file, and it refuses what cannot be appended with typed errors.

mod common;

use std::path::Path;

use common::{numpy, numpy_on};
use typed_memmap::npy::{self, Appender};
use typed_memmap::{Dtype, Element, Error, Record};

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).unwrap().len()
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Tick {
    ts: u64,
    price: f64,
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn a_finished_file_is_byte_identical_to_np_save() {
    let dir = tempfile::tempdir().unwrap();
    let ours = dir.path().join("ours.npy");
    // SAFETY: (every appender in this file) the file is private to the test.
    let mut a = unsafe { Appender::<Tick>::create(&ours) }.unwrap();
    let ticks: Vec<Tick> = (0..100_000u64)
        .map(|i| Tick {
            ts: i,
            price: i as f64 / 4.0,
        })
        .collect();
    for batch in ticks.chunks(777) {
        a.append(batch).unwrap();
    }
    assert_eq!(a.len(), 100_000);
    assert!(a.capacity() >= 100_000);
    assert_eq!(a.finish().unwrap(), [100_000]);

    let theirs = dir.path().join("theirs.npy");
    numpy(
        "a = np.zeros(100000, dtype=[('ts', '<u8'), ('price', '<f8')])\n\
         a['ts'] = np.arange(100000)\n\
         a['price'] = np.arange(100000) / 4.0\n\
         np.save(sys.argv[1], a)",
        &[&theirs],
    );
    assert!(
        std::fs::read(&ours).unwrap() == std::fs::read(&theirs).unwrap(),
        "the appender's file differs from np.save's"
    );
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn flush_makes_records_visible_and_the_longer_file_loads_in_numpy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.npy");
    // SAFETY: as above.
    let mut a = unsafe { Appender::<u32>::create(&path) }.unwrap();
    a.append(&(0..1000).collect::<Vec<u32>>()).unwrap();
    assert_eq!((a.len(), a.flushed_len()), (1000, 0));
    // Not flushed: the file's header still says 0, though the records are in the map.
    assert_eq!(npy::read::<u32>(&path).unwrap().len(), 0);
    a.flush().unwrap();
    a.append(&[5, 5, 5]).unwrap();
    assert_eq!((a.len(), a.flushed_len()), (1003, 1000));
    assert_eq!(&a.as_slice()[1000..], [5, 5, 5]);
    // The file is longer than its shape (capacity and unclaimed records): numpy loads the
    // claimed 1000 with and without mmap_mode.
    assert!(file_len(&path) > 128 + 1003 * 4);
    let out = numpy_on(
        "a = np.load(sys.argv[1]); m = np.load(sys.argv[1], mmap_mode='r')\n\
         print(a.shape, m.shape, bool((a == np.arange(1000)).all()), bool((m == a).all()))",
        &path,
    );
    assert_eq!(out.trim(), "(1000,) (1000,) True True");
    a.sync().unwrap();
    assert_eq!(a.flushed_len(), 1003);
    drop(a); // finishes, best effort: trimmed to the shape
    assert_eq!(file_len(&path), 128 + 1003 * 4);
    assert_eq!(npy::read::<u32>(&path).unwrap()[1002], 5);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn numpy_files_are_continued_1d_and_c_order_nd() {
    let dir = tempfile::tempdir().unwrap();
    let flat = dir.path().join("flat.npy");
    numpy_on("np.save(sys.argv[1], np.arange(10, dtype='<i8'))", &flat);
    // SAFETY: as above.
    let mut a = unsafe { Appender::<i64>::open(&flat) }.unwrap();
    assert_eq!((a.len(), a.flushed_len()), (10, 10));
    a.append(&(10..5000).collect::<Vec<i64>>()).unwrap();
    a.finish().unwrap();
    let out = numpy_on(
        "a = np.load(sys.argv[1])\nprint(a.shape, bool((a == np.arange(5000)).all()))",
        &flat,
    );
    assert_eq!(out.trim(), "(5000,) True");

    let grid = dir.path().join("grid.npy");
    numpy_on(
        "np.save(sys.argv[1], np.arange(24, dtype='<f4').reshape(2, 3, 4))",
        &grid,
    );
    // SAFETY: as above.
    let mut g = unsafe { Appender::<f32>::open(&grid) }.unwrap();
    assert_eq!(g.shape(), [2, 3, 4]);
    let err = g.append(&[1.0; 5]).unwrap_err();
    assert!(
        matches!(
            &err,
            Error::PartialRows {
                records: 5,
                row_len: 12,
                ..
            }
        ),
        "{err:?}"
    );
    g.append(&(24..24 + 36).map(|v| v as f32).collect::<Vec<_>>())
        .unwrap();
    assert_eq!(g.finish().unwrap(), [5, 3, 4]);
    let out = numpy_on(
        "a = np.load(sys.argv[1], mmap_mode='r')\n\
         print(a.shape, bool((a == np.arange(60, dtype='<f4').reshape(5, 3, 4)).all()))",
        &grid,
    );
    assert_eq!(out.trim(), "(5, 3, 4) True");

    // Rows of a new n-d file.
    let rows = dir.path().join("rows.npy");
    // SAFETY: as above.
    let mut r = unsafe { Appender::<u8>::create_rows(&rows, &[2, 2]) }.unwrap();
    r.append(&[1, 2, 3, 4, 5, 6, 7, 8]).unwrap();
    drop(r);
    let out = numpy_on("print(np.load(sys.argv[1]).tolist())", &rows);
    assert_eq!(out.trim(), "[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]");
}

/// A file a crashed appender left (unclaimed records and capacity after the data) is
/// continued after its last claimed record; the leftovers are overwritten, then trimmed.
#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn open_continues_after_the_claimed_records_of_a_longer_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("left.npy");
    npy::write(&path, &[1u16, 2, 3]).unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend([0xEE; 1001]); // not even whole records
    std::fs::write(&path, bytes).unwrap();
    // SAFETY: as above.
    let mut a = unsafe { Appender::<u16>::open(&path) }.unwrap();
    assert_eq!(a.len(), 3);
    a.append(&[4, 5]).unwrap();
    a.finish().unwrap();
    assert_eq!(&npy::read::<u16>(&path).unwrap()[..], [1, 2, 3, 4, 5]);
    assert_eq!(file_len(&path), 128 + 10);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn an_empty_appender_leaves_an_empty_array() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e.npy");
    // SAFETY: as above.
    let a = unsafe { Appender::<f64>::create(&path) }.unwrap();
    assert!(a.is_empty());
    assert_eq!(a.finish().unwrap(), [0]);
    assert_eq!(file_len(&path), 128);
    assert_eq!(
        numpy_on("print(np.load(sys.argv[1]).shape)", &path).trim(),
        "(0,)"
    );
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn what_cannot_be_appended_is_refused_with_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.npy");
    numpy_on(
        "np.save(sys.argv[1], np.asfortranarray(np.zeros((2, 3), '<u4')))",
        &path,
    );
    // SAFETY: (all below) as above.
    let err = unsafe { Appender::<u32>::open(&path) }.unwrap_err();
    assert!(
        matches!(&err, Error::NotAppendable { fortran_order: true, shape, .. } if shape == &[2, 3]),
        "{err:?}"
    );
    // SAFETY: as above.
    let err = unsafe { Appender::<i32>::open(&path) }.unwrap_err();
    assert!(matches!(err, Error::DtypeMismatch { .. }), "{err:?}");

    numpy_on("np.save(sys.argv[1], np.uint32(7))", &path);
    // SAFETY: as above.
    let err = unsafe { Appender::<u32>::open(&path) }.unwrap_err();
    assert!(matches!(err, Error::NotAppendable { ref shape, .. } if shape.is_empty()));

    numpy_on("np.save(sys.argv[1], np.zeros((4, 0), '<u4'))", &path);
    // SAFETY: as above.
    let err = unsafe { Appender::<u32>::open(&path) }.unwrap_err();
    assert!(matches!(err, Error::NotAppendable { .. }), "{err:?}");
    // SAFETY: as above.
    let err = unsafe { Appender::<u32>::create_rows(&path, &[3, 0]) }.unwrap_err();
    assert!(matches!(err, Error::NotAppendable { ref shape, .. } if shape == &[0, 3, 0]));

    // A file shorter than its header's shape.
    npy::write(&path, &[1u32, 2, 3]).unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(128 + 8)
        .unwrap();
    // SAFETY: as above.
    let err = unsafe { Appender::<u32>::open(&path) }.unwrap_err();
    assert!(
        matches!(
            err,
            Error::FileTooShort {
                file_len: 136,
                needed: 140,
                ..
            }
        ),
        "{err:?}"
    );
}

/// `[('xxx...', '<i2')]` with a 51-byte name: the header an older numpy wrote for 5 of them
/// (no growth room) ends in exactly one spare space, so the length can reach 2 digits, not 3.
#[derive(Clone, Copy)]
#[repr(C)]
struct Tight(i16);

// SAFETY: `#[repr(C)]` over one `i16`: 2 bytes, no padding, every bit pattern valid.
unsafe impl Element for Tight {
    fn dtype() -> Dtype {
        Dtype::Record(typed_memmap::RecordDtype {
            fields: vec![typed_memmap::Field {
                name: "x".repeat(51),
                title: None,
                offset: 0,
                dtype: i16::dtype(),
            }],
            itemsize: 2,
        })
    }
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn a_length_the_header_has_no_room_for_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.npy");
    let made = numpy_on(
        "d = \"{'descr': [('%s', '<i2')], 'fortran_order': False, 'shape': (5,), }\" % ('x' * 51)\n\
         pad = 64 - ((10 + len(d) + 1) % 64)\n\
         text = (d + ' ' * pad + '\\n').encode('latin1')\n\
         open(sys.argv[1], 'wb').write(b'\\x93NUMPY\\x01\\x00' + len(text).to_bytes(2, 'little') \
         + text + np.arange(5, dtype='<i2').tobytes())\n\
         print(pad, np.load(sys.argv[1]).shape)",
        &path,
    );
    assert_eq!(
        made.trim(),
        "1 (5,)",
        "the old-style header has one spare space"
    );
    // SAFETY: as above.
    let mut a = unsafe { Appender::<Tight>::open(&path) }.unwrap();
    a.append(&(5..99).map(Tight).collect::<Vec<_>>()).unwrap(); // 99: two digits fit
    let err = a.append(&[Tight(99)]).unwrap_err(); // 100: three do not
    assert!(
        matches!(&err, Error::HeaderFull { shape, header_len: 128, .. } if shape == &[100]),
        "{err:?}"
    );
    assert_eq!(a.len(), 99, "a refused append appended something");
    assert_eq!(a.finish().unwrap(), [99]);
    let out = numpy_on(
        "a = np.load(sys.argv[1])\nprint(a.shape, bool((a[a.dtype.names[0]] == np.arange(99)).all()))",
        &path,
    );
    assert_eq!(out.trim(), "(99,) True");
}
