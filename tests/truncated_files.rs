//! `check_len`: a map does not notice that its file was truncated (it keeps its old length,
//! and touching a page past the new end is `SIGBUS`), so `Memmap::check_len` and
//! `MemmapMut::check_len` compare the file's length with the mapped extent. None of these
//! tests touches a map after truncating its file. Windows refuses to truncate a mapped file,
//! so there is nothing to find there.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use typed_memmap::{Error, Options};

// SAFETY (for every `unsafe` block in this file): each file is private to its test; the tests
// truncate it while it is mapped, but never read or write the map after that.

fn file_of(len: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.bin");
    std::fs::write(&path, vec![7u8; len]).unwrap();
    (dir, path)
}

fn set_len(path: &Path, len: u64) {
    OpenOptions::new()
        .write(true)
        .open(path)
        .unwrap()
        .set_len(len)
        .unwrap();
}

/// Checks `err` is `Truncated` with these numbers, names `path`, and says them.
fn assert_truncated(err: Error, path: &Path, offset: u64, mapped_end: u64, file_len: u64) {
    let text = err.to_string();
    match &err {
        Error::Truncated {
            path: p,
            offset: o,
            mapped_end: e,
            file_len: l,
            ..
        } => assert_eq!(
            (p.as_path(), *o, *e, *l),
            (path, offset, mapped_end, file_len),
            "{text}"
        ),
        other => panic!("expected Error::Truncated, got {other:?}"),
    }
    assert_eq!(err.path(), Some(path));
    let numbers =
        format!("is now {file_len} bytes, but the map covers bytes {offset}..{mapped_end}");
    assert!(text.contains(&numbers), "{text}");
    assert!(text.contains(&path.display().to_string()), "{text}");
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
#[cfg_attr(windows, ignore = "Windows refuses to truncate a mapped file")]
fn read_only_maps_report_a_truncation() {
    let (_dir, path) = file_of(64);
    // SAFETY: see the top of the file.
    let map = unsafe { Options::<u32>::new().offset(8).shape([10]).open(&path) }.unwrap();
    map.check_len().unwrap();
    // Growing is harmless.
    set_len(&path, 100);
    map.check_len().unwrap();
    // Cut to exactly the mapped extent: still whole.
    set_len(&path, 48);
    map.check_len().unwrap();
    // One byte short.
    set_len(&path, 47);
    assert_truncated(map.check_len().unwrap_err(), &path, 8, 48, 47);
    set_len(&path, 0);
    assert_truncated(map.check_len().unwrap_err(), &path, 8, 48, 0);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
#[cfg_attr(windows, ignore = "Windows refuses to truncate a mapped file")]
fn writable_maps_report_a_truncation_in_every_mode() {
    let (dir, path) = file_of(32);
    // SAFETY: see the top of the file.
    let rw = unsafe { Options::<u64>::new().open_mut(&path) }.unwrap();
    // SAFETY: as above.
    let cow = unsafe { Options::<u64>::new().open_copy(&path) }.unwrap();
    rw.check_len().unwrap();
    cow.check_len().unwrap();
    set_len(&path, 20);
    assert_truncated(rw.check_len().unwrap_err(), &path, 0, 32, 20);
    assert_truncated(cow.check_len().unwrap_err(), &path, 0, 32, 20);

    let created = dir.path().join("new.bin");
    // SAFETY: as above.
    let new = unsafe { Options::<u16>::new().shape([3, 4]).create(&created) }.unwrap();
    new.check_len().unwrap();
    set_len(&created, 23);
    assert_truncated(new.check_len().unwrap_err(), &created, 0, 24, 23);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
#[cfg_attr(windows, ignore = "Windows refuses to truncate a mapped file")]
fn maps_of_a_borrowed_file_keep_their_own_handle() {
    let (_dir, path) = file_of(16);
    let file = File::open(&path).unwrap();
    // SAFETY: see the top of the file.
    let map = unsafe { Options::<u8>::new().open_file(&file) }.unwrap();
    // The map checks through its own duplicate of the descriptor.
    drop(file);
    map.check_len().unwrap();
    assert_eq!(map[15], 7);
    set_len(&path, 15);
    let err = map.check_len().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Truncated {
                offset: 0,
                mapped_end: 16,
                file_len: 15,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
#[cfg_attr(windows, ignore = "Windows refuses to truncate a mapped file")]
fn empty_maps_check_their_offset_only() {
    // An empty file, inferred length 0: nothing mapped, nothing to lose.
    let (_dir, path) = file_of(0);
    // SAFETY: see the top of the file.
    let empty = unsafe { Options::<u32>::new().open(&path) }.unwrap();
    assert!(empty.is_empty());
    empty.check_len().unwrap();

    // A zero-length array at offset 8 of a 16-byte file.
    let (_dir, path) = file_of(16);
    // SAFETY: as above.
    let at_8 = unsafe { Options::<u32>::new().offset(8).shape([0]).open_mut(&path) }.unwrap();
    at_8.check_len().unwrap();
    set_len(&path, 8);
    at_8.check_len().unwrap();
    set_len(&path, 7);
    assert_truncated(at_8.check_len().unwrap_err(), &path, 8, 8, 7);
}
