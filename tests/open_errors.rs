//! Every way opening or creating a map can fail: the error variant, its numbers, and a message
//! that names the file and the numbers. Also the edge cases that must NOT fail: empty files,
//! zero-length arrays, an offset at the end of the file, in every mode. Nothing here panics
//! inside the crate: every call returns.

use std::path::{Path, PathBuf};

use typed_memmap::byteorder::{LittleEndian, U32};
use typed_memmap::{Error, Memmap, MemmapMut, Options, Order};

/// A temp dir with a file of `len` pattern bytes in it.
fn file_of(len: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.bin");
    std::fs::write(&path, pattern(len)).unwrap();
    (dir, path)
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 37 + 11) as u8).collect()
}

/// The error's message, after checking that it names `path`.
fn message(err: &Error, path: &Path) -> String {
    let text = err.to_string();
    assert_eq!(err.path(), Some(path), "{text}");
    assert!(
        text.contains(&path.display().to_string()),
        "no path in: {text}"
    );
    text
}

// SAFETY (for every `unsafe` block in this file): each file is private to its test, in its own
// temp dir; nobody else writes or truncates it while it is mapped.

/// The four ways to read a file that must all refuse it: `r`, `c`, `r+` (without growth) and
/// the copying `read`.
fn refusals<T: typed_memmap::Element, S: typed_memmap::options::ShapeSpec>(
    options: &Options<T, S>,
    path: &Path,
) -> Vec<(&'static str, Error)> {
    vec![
        // SAFETY: see the top of the file.
        ("r", unsafe { options.open(path) }.unwrap_err()),
        // SAFETY: as above.
        ("c", unsafe { options.open_copy(path) }.unwrap_err()),
        // SAFETY: as above.
        ("r+", unsafe { options.open_mut(path) }.unwrap_err()),
        ("read", options.read(path).unwrap_err()),
    ]
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn file_too_short_in_r_c_and_r_plus_without_grow() {
    // 50 bytes; offset 8 plus 12 x i32 = 48 bytes of data need 56.
    let (_dir, path) = file_of(50);
    let options = Options::<i32>::new().offset(8).shape([3, 4]);
    for (mode, err) in refusals(&options, &path) {
        assert!(
            matches!(
                err,
                Error::FileTooShort {
                    file_len: 50,
                    offset: 8,
                    nbytes: 48,
                    needed: 56,
                    ..
                }
            ),
            "{mode}: {err:?}"
        );
        assert_eq!(
            message(&err, &path),
            format!(
                "{} is 50 bytes, but offset 8 plus 48 bytes of data need 56; pass a shape that \
                 fits, or open with `open_mut` and `grow(true)` to extend the file",
                path.display()
            ),
            "{mode}"
        );
    }
    // Refusing left the file as it was.
    assert_eq!(std::fs::read(&path).unwrap(), pattern(50));

    // The same shape fits with growth, and only then.
    // SAFETY: see the top of the file.
    let map = unsafe { options.clone().grow(true).open_mut(&path) }.unwrap();
    assert_eq!(map.shape(), [3, 4]);
    drop(map);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 56);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn file_too_short_for_an_offset_past_the_end_with_a_shape() {
    // numpy: `offset=59, shape=0`, mode `r` on a 55-byte file fails too.
    let (_dir, path) = file_of(55);
    let options = Options::<u8>::new().offset(59).shape([0]);
    for (mode, err) in refusals(&options, &path) {
        assert!(
            matches!(
                err,
                Error::FileTooShort {
                    file_len: 55,
                    offset: 59,
                    nbytes: 0,
                    needed: 59,
                    ..
                }
            ),
            "{mode}: {err:?}"
        );
        let text = message(&err, &path);
        assert!(
            text.contains("is 55 bytes, but offset 59 plus 0 bytes"),
            "{text}"
        );
    }
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn not_a_multiple_with_an_inferred_length() {
    // numpy's measured case: 55 bytes, offset 8, `<i4` leaves 47 bytes.
    let (_dir, path) = file_of(55);
    let options = Options::<i32>::new().offset(8);
    for (mode, err) in refusals(&options, &path) {
        assert!(
            matches!(
                err,
                Error::NotAMultiple {
                    file_len: 55,
                    offset: 8,
                    available: 47,
                    itemsize: 4,
                    ..
                }
            ),
            "{mode}: {err:?}"
        );
        assert_eq!(
            message(&err, &path),
            format!(
                "{}: the 47 bytes after offset 8 (file length 55) are not a multiple of the item \
                 size 4; check the element type and the offset, or give an explicit shape",
                path.display()
            )
        );
    }
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn offset_past_end_with_an_inferred_length() {
    let (_dir, path) = file_of(55);
    let options = Options::<i32>::new().offset(60);
    for (mode, err) in refusals(&options, &path) {
        assert!(
            matches!(
                err,
                Error::OffsetPastEnd {
                    file_len: 55,
                    offset: 60,
                    ..
                }
            ),
            "{mode}: {err:?}"
        );
        assert_eq!(
            message(&err, &path),
            format!(
                "{}: offset 60 is past the end of the file (55 bytes); give an offset of at \
                 most 55",
                path.display()
            )
        );
    }
    // Even growth does not invent a length: the file is untouched.
    // SAFETY: see the top of the file.
    let err = unsafe { options.clone().grow(true).open_mut(&path) }.unwrap_err();
    assert!(matches!(err, Error::OffsetPastEnd { .. }), "{err:?}");
    assert_eq!(std::fs::read(&path).unwrap(), pattern(55));
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn misaligned_offset_and_the_alignment_one_alternative() {
    let (_dir, path) = file_of(55);
    let options = Options::<u32>::new().offset(7).shape([12]);
    let mut errors = refusals(&options, &path);
    // `w+` checks alignment before it truncates anything.
    // SAFETY: see the top of the file.
    errors.push(("w+", unsafe { options.create(&path) }.unwrap_err()));
    for (mode, err) in errors {
        assert!(
            matches!(
                err,
                Error::Misaligned {
                    offset: 7,
                    align: 4,
                    type_name: "u32",
                    ..
                }
            ),
            "{mode}: {err:?}"
        );
        let text = message(&err, &path);
        assert_eq!(
            text,
            format!(
                "{}: offset 7 is not a multiple of 4, the alignment of `u32`; use an aligned \
                 offset, or an alignment-1 element type (zerocopy's byte-order types such as \
                 `U32<LittleEndian>`, or a `#[repr(C, packed)]` record)",
                path.display()
            )
        );
    }
    assert_eq!(
        std::fs::read(&path).unwrap(),
        pattern(55),
        "w+ truncated the file"
    );

    // The alignment-1 twin maps the same bytes at the same offset, in every mode.
    let want: Vec<u32> = pattern(55)[7..]
        .chunks(4)
        .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
        .collect();
    let options = Options::<U32<LittleEndian>>::new().offset(7).shape([12]);
    let got = |items: &[U32<LittleEndian>]| items.iter().map(|x| x.get()).collect::<Vec<_>>();
    // SAFETY: see the top of the file.
    assert_eq!(got(&unsafe { options.open(&path) }.unwrap()), want);
    // SAFETY: as above.
    assert_eq!(got(&unsafe { options.open_copy(&path) }.unwrap()), want);
    // SAFETY: as above.
    assert_eq!(got(&unsafe { options.open_mut(&path) }.unwrap()), want);
    assert_eq!(got(&options.read(&path).unwrap()), want);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn shape_overflow_in_every_mode_and_create_keeps_the_file() {
    let (_dir, path) = file_of(55);
    let huge = usize::MAX / 2 + 1;
    let table: [(Vec<usize>, u64); 7] = [
        // No items, but numpy refuses it too (`array is too big`): its strides do not fit.
        (vec![0, 1 << 62, 4], 0),
        (vec![1 << 61, 0], 0),
        // prod(shape) overflows.
        (vec![1 << 40, 1 << 40], 0),
        (vec![huge, 2], 0),
        // prod(shape) fits, times the item size does not.
        (vec![huge], 0),
        // Bytes fit in usize but not in isize (no slice can be that long).
        (vec![usize::MAX / 8], 0),
        // Bytes fit, offset + bytes does not fit in u64.
        (vec![2], u64::MAX - 7),
    ];
    for (shape, offset) in table {
        let options = Options::<f64>::new().offset(offset).shape(&shape);
        let mut errors = refusals(&options, &path);
        // SAFETY: see the top of the file.
        errors.push(("w+", unsafe { options.create(&path) }.unwrap_err()));
        // SAFETY: as above.
        errors.push((
            "r+ grow",
            unsafe { options.clone().grow(true).open_mut(&path) }.unwrap_err(),
        ));
        for (mode, err) in errors {
            match &err {
                Error::ShapeOverflow {
                    shape: s,
                    itemsize: 8,
                    offset: o,
                    ..
                } => {
                    assert_eq!((s, *o), (&shape, offset), "{mode}");
                }
                other => panic!("{mode} {shape:?} at {offset}: {other:?}"),
            }
            assert_eq!(
                message(&err, &path),
                format!(
                    "{}: shape {shape:?} of 8-byte items at offset {offset} is too big: the \
                     product of the dimensions (a 0 counting as 1, as in numpy) must be at most \
                     {}, times 8 at most {} bytes, and the offset plus the bytes at most {}; \
                     check the shape and the offset",
                    path.display(),
                    usize::MAX,
                    isize::MAX,
                    u64::MAX
                )
            );
        }
        assert_eq!(
            std::fs::read(&path).unwrap(),
            pattern(55),
            "{shape:?} touched the file"
        );
    }
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn create_with_an_overflowing_shape_does_not_create_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.bin");
    // SAFETY: see the top of the file.
    let err = unsafe { Options::<u16>::new().shape([usize::MAX, 3]).create(&path) }.unwrap_err();
    assert!(
        matches!(err, Error::ShapeOverflow { itemsize: 2, .. }),
        "{err:?}"
    );
    assert!(!path.exists());
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn zero_sized_element_needs_a_shape() {
    let (_dir, path) = file_of(10);
    let options = Options::<[u8; 0]>::new();
    for (mode, err) in refusals(&options, &path) {
        assert!(
            matches!(
                err,
                Error::ZeroSizedElement {
                    type_name: "[u8; 0]",
                    ..
                }
            ),
            "{mode}: {err:?}"
        );
        assert_eq!(
            message(&err, &path),
            format!(
                "{}: `[u8; 0]` has size 0, so the number of items cannot be inferred from the \
                 file; give an explicit shape",
                path.display()
            )
        );
    }
    // With a shape, zero-sized items need no bytes at all, however many there are.
    let options = options.shape([1, usize::MAX]);
    // SAFETY: see the top of the file.
    let map = unsafe { options.open(&path) }.unwrap();
    assert_eq!(map.len(), usize::MAX);
    assert_eq!(map.nbytes(), 0);
    let copy = options.read(&path).unwrap();
    assert_eq!(copy.len(), usize::MAX);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn io_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.bin");
    let options = Options::<f32>::new();
    for (mode, err) in refusals(&options, &missing) {
        match &err {
            Error::Io {
                op: "open", source, ..
            } => {
                assert_eq!(source.kind(), std::io::ErrorKind::NotFound, "{mode}");
            }
            other => panic!("{mode}: {other:?}"),
        }
        let text = message(&err, &missing);
        assert!(
            text.starts_with(&format!("cannot open {}: ", missing.display())),
            "{text}"
        );
    }
    assert!(!missing.exists(), "opening must not create the file");

    // Linux opens a directory read-only; it must still not become an (empty) array.
    for options in [
        Options::<u8>::new().shape([0]),
        Options::<u8>::new().shape([4]),
    ] {
        for (mode, err) in refusals(&options, dir.path()) {
            match &err {
                Error::Io { source, .. } => {
                    assert_eq!(source.kind(), std::io::ErrorKind::IsADirectory, "{mode}");
                }
                other => panic!("{mode}: {other:?}"),
            }
            message(&err, dir.path());
        }
    }

    // `w+` where no file can be made: in a directory that does not exist, under a regular
    // file, and at a path that is a directory.
    let (_d, regular) = file_of(4);
    let cases = [
        dir.path().join("no-such-dir").join("x.bin"),
        regular.join("x.bin"),
        dir.path().to_path_buf(),
    ];
    for path in cases {
        // SAFETY: see the top of the file.
        let err = unsafe { Options::<f32>::new().shape([2]).create(&path) }.unwrap_err();
        assert!(
            matches!(err, Error::Io { .. }),
            "{}: {err:?}",
            path.display()
        );
        message(&err, &path);
    }
    assert_eq!(std::fs::read(&regular).unwrap(), pattern(4));
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn writable_modes_on_a_file_opened_read_only() {
    // numpy: a file object opened `rb` in mode `r+` gives `PermissionError`.
    let (_dir, path) = file_of(16);
    let file = std::fs::File::open(&path).unwrap();
    // SAFETY: see the top of the file.
    let err = unsafe { Options::<u32>::new().open_file_mut(&file) }.unwrap_err();
    assert!(matches!(err, Error::Io { op: "map", .. }), "{err:?}");
    message(&err, &path);
    // SAFETY: as above.
    let err = unsafe { Options::<u32>::new().shape([2]).create_file(&file) }.unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err:?}");
    message(&err, &path);
    assert_eq!(std::fs::read(&path).unwrap(), pattern(16));
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn flush_range_out_of_bounds() {
    let (_dir, path) = file_of(20);
    // SAFETY: see the top of the file.
    let map = unsafe { Options::<u32>::new().open_mut(&path) }.unwrap();
    assert_eq!(map.len(), 5);
    map.flush_range(0..5).unwrap();
    map.flush_range(2..3).unwrap();
    map.flush_range(5..5).unwrap();
    #[allow(clippy::reversed_empty_ranges)]
    let bad = [3..9, 6..6, 0..usize::MAX, 4..2];
    for range in bad {
        let err = map.flush_range(range.clone()).unwrap_err();
        assert!(
            matches!(err, Error::FlushRange { start, end, len: 5, .. }
                if start == range.start && end == range.end),
            "{err:?}"
        );
        let text = message(&err, &path);
        assert_eq!(
            text,
            format!(
                "{}: flush range {}..{} is not within the array's 5 elements; give a range of \
                 element positions inside 0..5",
                path.display(),
                range.start,
                range.end
            )
        );
    }
}

/// Checks an empty map: no elements, no bytes, and its shape.
fn assert_empty<M: std::ops::Deref<Target = [f64]>>(map: &M, what: &str) {
    assert!(map.is_empty(), "{what}");
    assert_eq!(map.iter().count(), 0, "{what}");
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn empty_files_and_zero_length_arrays_are_valid_in_every_mode() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.bin");
    std::fs::write(&empty, b"").unwrap();

    for shape in [vec![0], vec![3, 0, 2], vec![0, 4]] {
        for order in [Order::C, Order::F] {
            let options = Options::<f64>::new().shape(&shape).order(order);
            // SAFETY: see the top of the file.
            let r: Memmap<f64> = unsafe { options.open(&empty) }.unwrap();
            assert_empty(&r, "r");
            assert_eq!((r.shape(), r.nbytes()), (&shape[..], 0));
            assert_eq!(r.get(&vec![0; shape.len()]), None);
            // SAFETY: as above.
            let mut c: MemmapMut<f64> = unsafe { options.open_copy(&empty) }.unwrap();
            assert_empty(&c, "c");
            assert!(c.get_mut(&vec![0; shape.len()]).is_none());
            c.flush().unwrap();
            // SAFETY: as above.
            let rw: MemmapMut<f64> = unsafe { options.open_mut(&empty) }.unwrap();
            assert_empty(&rw, "r+");
            rw.flush().unwrap();
            rw.flush_async().unwrap();
            rw.flush_range(0..0).unwrap();
            assert!(options.read(&empty).unwrap().is_empty());
        }
    }
    // Inferred length on an empty file.
    // SAFETY: see the top of the file.
    let r = unsafe { Options::<f64>::new().open(&empty) }.unwrap();
    assert_eq!(r.shape(), [0]);
    // SAFETY: as above.
    let rw = unsafe { Options::<f64>::new().grow(true).open_mut(&empty) }.unwrap();
    assert_eq!(rw.shape(), [0]);
    // SAFETY: as above.
    assert_empty(
        &unsafe { Options::<f64>::new().open_copy(&empty) }.unwrap(),
        "c",
    );
    assert!(Options::<f64>::new().read(&empty).unwrap().is_empty());
    drop((r, rw));
    // Unlike numpy (which writes one byte, gh-27723), an empty `r+` map leaves the file empty.
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);

    // `w+` with a zero-length shape: a file of just the (zeroed) bytes before the offset.
    let created = dir.path().join("created.bin");
    std::fs::write(&created, [0xEE; 100]).unwrap();
    // SAFETY: see the top of the file.
    let w = unsafe {
        Options::<f64>::new()
            .offset(16)
            .shape([0, 7])
            .create(&created)
    }
    .unwrap();
    assert_empty(&w, "w+");
    w.flush().unwrap();
    drop(w);
    assert_eq!(std::fs::read(&created).unwrap(), [0; 16]);
    // SAFETY: see the top of the file.
    let w = unsafe { Options::<f64>::new().shape([0]).create(&created) }.unwrap();
    assert_empty(&w, "w+ at offset 0");
    assert_eq!((w.shape(), w.as_bytes().len()), (&[0][..], 0));
    drop(w);
    // numpy would write one byte here (gh-27723); an empty array needs none.
    assert_eq!(std::fs::metadata(&created).unwrap().len(), 0);

    // An offset exactly at the end of the file, inferred or explicit, on and off a page
    // boundary.
    for len in [56, 4096, 8192 + 8] {
        let (_d, path) = file_of(len);
        let offset = len as u64;
        let inferred = Options::<f64>::new().offset(offset);
        let explicit = Options::<f64>::new().offset(offset).shape([0]);
        // SAFETY: see the top of the file.
        assert_empty(&unsafe { inferred.open(&path) }.unwrap(), "r inferred");
        // SAFETY: as above.
        assert_empty(&unsafe { explicit.open(&path) }.unwrap(), "r");
        // SAFETY: as above.
        assert_empty(&unsafe { inferred.open_copy(&path) }.unwrap(), "c");
        // SAFETY: as above.
        assert_empty(&unsafe { explicit.open_mut(&path) }.unwrap(), "r+");
        assert!(inferred.read(&path).unwrap().is_empty());
        // SAFETY: as above.
        let map = unsafe { inferred.open(&path) }.unwrap();
        assert_eq!(map.offset(), offset);
        drop(map);
        assert_eq!(std::fs::read(&path).unwrap(), pattern(len));
    }
}

/// A named pipe is refused at once, as an I/O error naming it, by every way a file is
/// opened: opening a pipe to read would wait for a writer. Run on another thread, so that a
/// regression fails the test instead of hanging the suite.
#[test]
#[cfg(unix)]
#[cfg_attr(miri, ignore = "file system")]
fn a_named_pipe_is_refused_not_waited_on() {
    use std::sync::mpsc;
    use std::time::Duration;
    use typed_memmap::{DynArray, LogHeader, RecordLog};

    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.npy");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo");
    type Open = fn(&Path) -> Result<(), Error>;
    let opens: Vec<(&str, Open)> = vec![
        // SAFETY (each open): the pipe is refused before anything is mapped.
        ("Options::open", |p| {
            unsafe { Options::<u8>::new().open(p) }.map(drop)
        }),
        ("Options::open_mut", |p| {
            unsafe { Options::<u8>::new().open_mut(p) }.map(drop)
        }),
        ("Options::read", |p| Options::<u8>::new().read(p).map(drop)),
        ("DynArray::open", |p| unsafe { DynArray::open(p) }.map(drop)),
        ("DynArray::read", |p| DynArray::read(p).map(drop)),
        ("npy::open", |p| {
            unsafe { typed_memmap::npy::open::<f64>(p) }.map(drop)
        }),
        ("RecordLog::open", |p| {
            unsafe { RecordLog::<u64>::open(p, LogHeader::none()) }.map(drop)
        }),
        // Writers too: opening a pipe to write waits for a reader.
        ("Options::create", |p| {
            unsafe { Options::<u8>::new().shape([4]).create(p) }.map(drop)
        }),
        ("npy::create", |p| {
            unsafe { typed_memmap::npy::create::<f64>(p, &[4], Order::C) }.map(drop)
        }),
        ("LogWriter::open", |p| {
            typed_memmap::LogWriter::<u64>::open(p, LogHeader::none()).map(drop)
        }),
    ];
    for (what, open) in opens {
        let (tx, rx) = mpsc::channel();
        let path = fifo.clone();
        std::thread::spawn(move || {
            let _ = tx.send(open(&path));
        });
        let result = rx
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("{what}: still waiting on the pipe after 20 s"));
        match result {
            Err(Error::Io { path, source, .. }) => {
                assert_eq!(path, fifo, "{what}");
                assert_eq!(source.kind(), std::io::ErrorKind::InvalidInput, "{what}");
                assert!(
                    source.to_string().contains("named pipe"),
                    "{what}: {source}"
                );
            }
            other => panic!("{what}: {other:?}"),
        }
    }
}
