//! Appending records to `.npy` files in place, checked with numpy.
#![cfg_attr(miri, allow(unused))]

mod common;
#[path = "npy_numpy/records.rs"]
mod records;

use std::path::Path;

use records::{record, Simple};
use typed_memmap::{npy, Dtype, Element, Error, Order};

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn three_uneven_appends_to_a_numpy_file_load_in_numpy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.npy");
    common::numpy_on("np.save(sys.argv[1], np.arange(5, dtype='<i4'))", &path);
    let len_before = std::fs::metadata(&path).unwrap().len();

    assert_eq!(npy::append(&path, &[5i32]).unwrap(), [6]);
    let seven: Vec<i32> = (6..13).collect();
    assert_eq!(npy::append(&path, &seven).unwrap(), [13]);
    let many: Vec<i32> = (13..100_013).collect();
    assert_eq!(npy::append(&path, &many).unwrap(), [100_013]);

    // The header kept its length: the data did not move.
    let len_after = std::fs::metadata(&path).unwrap().len();
    assert_eq!(len_after, len_before + 4 * 100_008);
    let out = common::numpy_on(
        "a = np.load(sys.argv[1], mmap_mode='r')\n\
         print(a.shape, a.dtype, bool((a == np.arange(100013)).all()))",
        &path,
    );
    assert_eq!(out.trim(), "(100013,) int32 True");
    assert_eq!(npy::read::<i32>(&path).unwrap().len(), 100_013);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn rows_append_along_axis_0_of_c_order_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rows.npy");
    common::numpy_on(
        "np.save(sys.argv[1], np.array([[(1, 0.5)] * 3] * 2, dtype=[('a', '<i4'), ('b', '<f8')]))",
        &path,
    );
    let rec = |a: i32| Simple {
        a,
        b: f64::from(a) / 4.0,
    };
    let rows: Vec<Simple> = (0..9).map(rec).collect();
    assert_eq!(npy::append(&path, &rows[..3]).unwrap(), [3, 3]);
    assert_eq!(npy::append(&path, &rows[3..]).unwrap(), [5, 3]);
    let err = npy::append(&path, &rows[..2]).unwrap_err();
    assert!(
        matches!(&err, Error::PartialRows { path: p, shape, records: 2, row_len: 3 }
            if p == &path && shape == &[5, 3]),
        "{err:?}"
    );
    assert!(err.to_string().contains("whole rows of 3"), "{err}");
    let out = common::numpy_on(
        "a = np.load(sys.argv[1])\nprint(a.shape, a['a'].ravel().tolist(), a['b'][4].tolist())",
        &path,
    );
    assert_eq!(
        out.trim(),
        "(5, 3) [1, 1, 1, 1, 1, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8] [1.5, 1.75, 2.0]"
    );
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn appending_to_our_own_files_and_to_one_d_fortran_files() {
    let dir = tempfile::tempdir().unwrap();
    // `create` with Order::F on a 1-D array writes `fortran_order: True`, like open_memmap;
    // for one axis it means nothing, so appending is fine.
    let path = dir.path().join("f1.npy");
    // SAFETY: the test's temp files are not modified while mapped.
    let mut m = unsafe { npy::create::<u16>(&path, &[2], Order::F) }.unwrap();
    m.copy_from_slice(&[7, 8]);
    m.flush().unwrap();
    drop(m);
    assert_eq!(npy::append(&path, &[9u16]).unwrap(), [3]);
    // Nothing to append is a no-op.
    assert_eq!(npy::append::<u16>(&path, &[]).unwrap(), [3]);
    let out = common::numpy_on("print(np.load(sys.argv[1]).tolist())", &path);
    assert_eq!(out.trim(), "[7, 8, 9]");

    let path = dir.path().join("w.npy");
    npy::write_iter(&path, 0..3u8).unwrap();
    npy::append(&path, &[3u8, 4]).unwrap();
    assert_eq!(&npy::read::<u8>(&path).unwrap()[..], [0, 1, 2, 3, 4]);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn a_crash_between_data_and_header_leaves_a_valid_file_with_the_old_shape() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.npy");
    npy::write(&path, &[1.0f64, 2.0]).unwrap();
    // Step 2 of an append done, step 3 (the header) not: records after the data.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(&99.0f64.to_le_bytes());
    bytes.extend_from_slice(&[0xAB; 5]); // and a torn record
    std::fs::write(&path, &bytes).unwrap();

    let out = common::numpy_on("print(np.load(sys.argv[1], mmap_mode='r').tolist())", &path);
    assert_eq!(out.trim(), "[1.0, 2.0]");
    assert_eq!(&npy::read::<f64>(&path).unwrap()[..], [1.0, 2.0]);
    // SAFETY: the test's temp files are not modified while mapped.
    assert_eq!(unsafe { npy::open::<f64>(&path) }.unwrap().len(), 2);

    // The next append writes over the leftovers.
    assert_eq!(npy::append(&path, &[3.0f64]).unwrap(), [3]);
    let out = common::numpy_on("print(np.load(sys.argv[1]).tolist())", &path);
    assert_eq!(out.trim(), "[1.0, 2.0, 3.0]");
}

/// The field name that makes numpy's header without growth room end in exactly one padding
/// space when the shape has one digit (computed from numpy's padding rule: 10 bytes of
/// preamble, the dict, padding, `\n`, a multiple of 64 in all).
const NAME_LEN: usize = 51;

/// `[('xxx...', '<i2')]`.
#[derive(Clone, Copy)]
#[repr(C)]
struct Tight(i16);

// SAFETY: `#[repr(C)]` over one `i16`: 2 bytes, no padding, every bit pattern valid.
unsafe impl Element for Tight {
    fn dtype() -> Dtype {
        record(&[(&"x".repeat(NAME_LEN), 0, i16::dtype())], 2)
    }
}

/// Writes the file an older numpy (before the growth-axis spaces) writes for
/// `np.arange(5, dtype=[('xxx...', '<i2')])`: padding only to the 64-byte boundary.
const OLD_NUMPY_HEADER: &str = r#"
name = 'x' * int(sys.argv[2])
d = "{'descr': [('%s', '<i2')], 'fortran_order': False, 'shape': (5,), }" % name
pad = 64 - ((10 + len(d) + 1) % 64)
text = (d + ' ' * pad + '\n').encode('latin1')
with open(sys.argv[1], 'wb') as f:
    f.write(b'\x93NUMPY\x01\x00' + len(text).to_bytes(2, 'little') + text)
    f.write(np.arange(5, dtype='<i2').tobytes())
a = np.load(sys.argv[1])
print(pad, a.shape, a.dtype.names[0] == name)
"#;

fn load_tight(path: &Path) -> String {
    common::numpy_on(
        "a = np.load(sys.argv[1])\nprint(a[a.dtype.names[0]].tolist())",
        path,
    )
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn appending_until_the_header_room_runs_out_is_a_header_full_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.npy");
    let len = NAME_LEN.to_string();
    let made = common::numpy(OLD_NUMPY_HEADER, &[&path, &len]);
    assert_eq!(
        made.trim(),
        "1 (5,) True",
        "the old-style header has one spare space"
    );

    let tight = |v: i16| Tight(v);
    // 5 -> 9: same number of digits.
    assert_eq!(npy::append(&path, &[5, 6, 7, 8].map(tight)).unwrap(), [9]);
    // 9 -> 10: one more digit, uses the last spare space.
    assert_eq!(npy::append(&path, &[tight(9)]).unwrap(), [10]);
    // 10 -> 100 needs a third digit: no room, nothing written.
    let before = std::fs::read(&path).unwrap();
    let more: Vec<Tight> = (10..100).map(tight).collect();
    let err = npy::append(&path, &more).unwrap_err();
    match &err {
        Error::HeaderFull {
            shape, header_len, ..
        } => {
            assert_eq!((shape.as_slice(), *header_len), (&[100][..], 128));
        }
        other => panic!("expected HeaderFull, got {other}"),
    }
    assert!(err.to_string().contains("nothing was appended"), "{err}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "a refused append wrote something"
    );
    assert_eq!(load_tight(&path).trim(), "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]");
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn refused_appends_name_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    // Fortran order, rank 2.
    let f = dir.path().join("f.npy");
    npy::write_shaped(&f, &[1i32, 2, 3, 4, 5, 6], &[2, 3], Order::F).unwrap();
    let before = std::fs::read(&f).unwrap();
    let err = npy::append(&f, &[7i32, 8]).unwrap_err();
    assert!(
        matches!(&err, Error::NotAppendable { path, shape, fortran_order: true, records: 2 }
            if path == &f && shape == &[2, 3]),
        "{err:?}"
    );
    assert!(err.to_string().contains("Fortran-order"), "{err}");
    assert_eq!(std::fs::read(&f).unwrap(), before);
    // 0-d.
    let z = dir.path().join("z.npy");
    npy::write_shaped(&z, &[1i32], &[], Order::C).unwrap();
    let err = npy::append(&z, &[2i32]).unwrap_err();
    assert!(
        matches!(&err, Error::NotAppendable { path, shape, fortran_order: false, records: 1 }
            if path == &z && shape.is_empty()),
        "{err:?}"
    );
    assert!(err.to_string().contains("0-d"), "{err}");
    // Wrong element type.
    let w = dir.path().join("w.npy");
    npy::write(&w, &[1i32]).unwrap();
    let err = npy::append(&w, &[1u32]).unwrap_err();
    match &err {
        Error::DtypeMismatch {
            expected,
            found,
            difference,
            ..
        } => assert_eq!(
            (expected.as_str(), found.as_str(), difference.as_str()),
            ("'<u4'", "'<i4'", "'<u4' vs '<i4'")
        ),
        other => panic!("expected DtypeMismatch, got {other}"),
    }
    // Rows with no elements.
    let e = dir.path().join("e.npy");
    npy::write_shaped::<u8>(&e, &[], &[2, 0], Order::C).unwrap();
    let err = npy::append(&e, &[1u8]).unwrap_err();
    assert!(
        matches!(&err, Error::NotAppendable { path, shape, fortran_order: false, records: 1 }
            if path == &e && shape == &[2, 0]),
        "{err:?}"
    );
    assert!(err.to_string().contains("hold no elements"), "{err}");
    // Data shorter than the header says.
    let t = dir.path().join("t.npy");
    npy::write(&t, &[1u64, 2, 3]).unwrap();
    let len = std::fs::metadata(&t).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&t)
        .unwrap()
        .set_len(len - 3)
        .unwrap();
    let err = npy::append(&t, &[4u64]).unwrap_err();
    assert!(
        matches!(err, Error::FileTooShort { file_len, needed, .. }
            if needed == len && file_len == len - 3),
        "{err}"
    );
}
