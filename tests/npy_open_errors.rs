//! Bad `.npy` files and bad requests at the open/create layer: each gives a typed error that
//! names the file and the numbers, never a panic. (The header grammar's own errors are tested
//! with the header parser.)
#![cfg_attr(miri, allow(unused))]

mod common;
#[path = "npy_numpy/records.rs"]
mod records;

use std::path::{Path, PathBuf};

use records::Simple;
use typed_memmap::byteorder::{LittleEndian, F64};
use typed_memmap::npy::{self, NpyOptions};
use typed_memmap::{DynArray, Error, Order, Value};

/// Cuts `n` bytes off the end of `path`.
fn truncate_by(path: &Path, n: u64) -> u64 {
    let len = std::fs::metadata(path).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .unwrap()
        .set_len(len - n)
        .unwrap();
    len
}

fn assert_too_short(result: Result<impl Sized, Error>, want_file_len: u64, want_needed: u64) {
    match result {
        Err(Error::FileTooShort {
            file_len, needed, ..
        }) => assert_eq!((file_len, needed), (want_file_len, want_needed)),
        Err(other) => panic!("expected FileTooShort, got {other}"),
        Ok(_) => panic!("expected FileTooShort, got a map"),
    }
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn truncated_data_is_refused_in_every_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.npy");
    common::numpy_on("np.save(sys.argv[1], np.arange(4, dtype='<i8'))", &path);
    let full = truncate_by(&path, 8);
    let short = full - 8;
    // SAFETY (for every unsafe call in this test): the test's temp files are not modified
    // while mapped.
    assert_too_short(unsafe { npy::open::<i64>(&path) }, short, full);
    assert_too_short(unsafe { npy::open_copy::<i64>(&path) }, short, full);
    // numpy's r+ would extend the file with zeros; we refuse and leave it alone.
    assert_too_short(unsafe { npy::open_mut::<i64>(&path) }, short, full);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), short);
    assert_too_short(npy::read::<i64>(&path), short, full);
    assert_too_short(unsafe { DynArray::open(&path) }, short, full);
    assert_too_short(DynArray::read(&path), short, full);
    let bytes = std::fs::read(&path).unwrap();
    assert_too_short(DynArray::from_npy_bytes(&bytes), short, full);
    let message = npy::read::<i64>(&path).unwrap_err().to_string();
    assert!(
        message.contains("t.npy") && message.contains(&full.to_string()),
        "{message}"
    );
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn a_dtype_other_than_the_element_types_is_refused_with_the_difference() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.npy");
    common::numpy_on(
        "np.save(sys.argv[1], np.zeros(3, dtype=[('a', '<i4'), ('b', '>f8')]))",
        &path,
    );
    // SAFETY: the test's temp files are not modified while mapped.
    let err = unsafe { npy::open::<Simple>(&path) }.unwrap_err();
    match &err {
        Error::DtypeMismatch {
            expected,
            found,
            difference,
            path: p,
        } => {
            assert_eq!(expected, "[('a', '<i4'), ('b', '<f8')]");
            assert_eq!(found, "[('a', '<i4'), ('b', '>f8')]");
            assert_eq!(difference, "field \"b\": byte order '<f8' vs '>f8'");
            assert_eq!(p, &path);
        }
        other => panic!("expected DtypeMismatch, got {other}"),
    }
    let message = err.to_string();
    assert!(message.contains("DynArray"), "{message}");
    let table: [(&str, Result<(), Error>); 5] = [
        ("f8", npy::read::<f64>(&path).map(drop)),
        ("u8 array", npy::read::<[u8; 12]>(&path).map(drop)),
        // SAFETY: as above.
        ("r+", unsafe { npy::open_mut::<i32>(&path) }.map(drop)),
        // SAFETY: as above.
        ("c", unsafe { npy::open_copy::<i32>(&path) }.map(drop)),
        (
            "as_typed",
            DynArray::read(&path)
                .unwrap()
                .as_typed::<Simple>()
                .map(drop),
        ),
    ];
    for (what, result) in table {
        assert!(
            matches!(result, Err(Error::DtypeMismatch { .. })),
            "{what}: {result:?}"
        );
    }
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn header_problems_surface_as_header_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| -> PathBuf {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let good = dir.path().join("good.npy");
    npy::write(&good, &[1u8, 2, 3]).unwrap();
    let good_bytes = std::fs::read(&good).unwrap();
    let mut bad_magic = good_bytes.clone();
    bad_magic[5] = b'Z';
    let mut object = b"\x93NUMPY\x01\x00".to_vec();
    let text = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }";
    object.extend_from_slice(&(text.len() as u16 + 1).to_le_bytes());
    object.extend_from_slice(text.as_bytes());
    object.push(b'\n');
    object.extend_from_slice(&[0; 8]);
    let cases = [
        write("empty.npy", b""),
        write("magic.npy", &bad_magic),
        write("cut_header.npy", &good_bytes[..60]),
        write("object.npy", &object),
    ];
    for path in &cases {
        let results: [Result<(), Error>; 3] = [
            npy::read::<u8>(path).map(drop),
            // SAFETY: the test's temp files are not modified while mapped.
            unsafe { DynArray::open(path) }.map(drop),
            npy::append(path, &[1u8]).map(drop),
        ];
        for result in results {
            match result {
                Err(Error::Header { path: p, .. }) => assert_eq!(&p, path),
                other => panic!("{}: expected a header error, got {other:?}", path.display()),
            }
        }
    }
    // A cap below the header's length is refused before the header is read.
    let err = NpyOptions::new()
        .max_header_len(100)
        .read::<u8>(&good)
        .unwrap_err();
    assert!(matches!(err, Error::Header { .. }), "{err}");
    assert!(NpyOptions::new()
        .max_header_len(118)
        .read::<u8>(&good)
        .is_ok());
    // A missing file is an I/O error naming it.
    let missing = dir.path().join("missing.npy");
    let err = npy::read::<u8>(&missing).unwrap_err();
    assert!(matches!(&err, Error::Io { op: "open", .. }), "{err}");
    assert_eq!(err.path(), Some(missing.as_path()));
}

/// A version 1.0 `.npy` file of `<f8` values whose header is `header_len` bytes long, so that
/// the data starts at `10 + header_len` (not aligned when that is not a multiple of 8).
fn odd_offset_file(path: &Path, header_len: usize, values: &[f64]) {
    let mut text = format!(
        "{{'descr': '<f8', 'fortran_order': False, 'shape': ({},), }}",
        values.len()
    );
    while text.len() + 1 < header_len {
        text.push(' ');
    }
    text.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&(text.len() as u16).to_le_bytes());
    bytes.extend_from_slice(text.as_bytes());
    for v in values {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    std::fs::write(path, bytes).unwrap();
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn unaligned_data_offsets_need_alignment_1_types_or_a_dynarray() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odd.npy");
    odd_offset_file(&path, 65, &[1.5, -2.0, 3.25]);
    // numpy reads it (unaligned), so it is a valid file.
    let out = common::numpy_on("print(np.load(sys.argv[1]).tolist())", &path);
    assert_eq!(out.trim(), "[1.5, -2.0, 3.25]");

    // SAFETY: the test's temp files are not modified while mapped.
    let err = unsafe { npy::open::<f64>(&path) }.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Misaligned {
                offset: 75,
                align: 8,
                ..
            }
        ),
        "{err}"
    );
    // SAFETY: as above.
    let le = unsafe { npy::open::<F64<LittleEndian>>(&path) }.unwrap();
    assert_eq!(le[2].get(), 3.25);
    // SAFETY: as above.
    let mapped = unsafe { DynArray::open(&path) }.unwrap();
    assert_eq!(mapped.data_offset(), 75);
    assert_eq!(
        mapped.values().collect::<Vec<_>>(),
        [1.5, -2.0, 3.25].map(|value| Value::Float { value, bits: 64 })
    );
    assert!(matches!(
        mapped.as_typed::<f64>(),
        Err(Error::Misaligned { offset: 75, .. })
    ));
    assert_eq!(
        mapped.as_typed::<F64<LittleEndian>>().unwrap()[1].get(),
        -2.0
    );
    // A copy lives in aligned memory, so the typed view works there.
    assert_eq!(
        DynArray::read(&path).unwrap().as_typed::<f64>().unwrap(),
        [1.5, -2.0, 3.25]
    );
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn bad_create_and_write_requests_leave_existing_files_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keep.npy");
    npy::write(&path, &[1u32, 2]).unwrap();
    let before = std::fs::read(&path).unwrap();
    // SAFETY: the test's temp files are not modified while mapped.
    let err = unsafe { npy::create::<u64>(&path, &[usize::MAX / 2, 4], Order::C) }.unwrap_err();
    assert!(matches!(err, Error::ShapeOverflow { .. }), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);

    let err = npy::write_shaped(&path, &[1u32, 2, 3], &[2, 2], Order::C).unwrap_err();
    assert!(
        matches!(&err, Error::LengthMismatch { path: p, shape, len: 3 }
            if p == &path && shape == &[2, 2]),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("[2, 2] holds 4 elements") && text.contains("the 3 elements"),
        "{text}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

/// A version 1.0 `<f8` file whose header promises `len` items over 8 bytes of data.
fn promising(path: &Path, len: u64) -> Vec<u8> {
    let text = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': ({len},), }}");
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&(text.len() as u16 + 1).to_le_bytes());
    bytes.extend_from_slice(text.as_bytes());
    bytes.push(b'\n');
    bytes.extend_from_slice(&[0; 8]);
    std::fs::write(path, &bytes).unwrap();
    bytes
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn oversized_shapes_are_errors_not_allocations() {
    let dir = tempfile::tempdir().unwrap();
    // 2**61 eight-byte items: the byte size overflows; the header parser refuses it.
    let path = dir.path().join("huge.npy");
    let bytes = promising(&path, 1 << 61);
    let results: [Result<(), Error>; 4] = [
        npy::read::<f64>(&path).map(drop),
        DynArray::read(&path).map(drop),
        DynArray::from_npy_bytes(&bytes).map(drop),
        // SAFETY: the test's temp files are not modified while mapped.
        unsafe { npy::open::<f64>(&path) }.map(drop),
    ];
    for result in results {
        assert!(
            matches!(result, Err(Error::Header { at: 60, .. })),
            "{result:?}"
        );
    }
    // 2**40 items (8 TiB): addressable, so the check against the file size refuses it,
    // before anything of that size is allocated or mapped.
    let path = dir.path().join("big.npy");
    let bytes = promising(&path, 1 << 40);
    let file_len = bytes.len() as u64;
    let needed = (1u64 << 43) + (file_len - 8); // the data starts 8 bytes before the end
    assert_too_short(npy::read::<f64>(&path), file_len, needed);
    assert_too_short(DynArray::read(&path), file_len, needed);
    assert_too_short(DynArray::from_npy_bytes(&bytes), file_len, needed);
    // SAFETY: as above.
    assert_too_short(unsafe { npy::open::<f64>(&path) }, file_len, needed);
}
