//! `close()`: flushes (writable maps), unmaps and closes the file, in every mode, and what a
//! close flushed is in the file. (The error path, a write-back failure returned by `close`,
//! is a unit test in `src/map/mod.rs`: the failure is injected at a `cfg(test)` seam under the
//! flush methods, which an integration test cannot reach.)

use std::path::Path;

use typed_memmap::{npy, Memmap, MemmapMut, Mode, Options};

/// Whether this process still maps `path` or holds a descriptor of it (Linux: `/proc`).
#[cfg(target_os = "linux")]
fn still_held(path: &Path) -> (bool, bool) {
    let path = std::fs::canonicalize(path).unwrap();
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    let mapped = maps.lines().any(|l| l.ends_with(path.to_str().unwrap()));
    let open = std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .any(|target| target == path);
    (mapped, open)
}

#[cfg(not(target_os = "linux"))]
fn still_held(_: &Path) -> (bool, bool) {
    (false, false)
}

fn file_with(dir: &Path, name: &str, values: &[u32]) -> std::path::PathBuf {
    let path = dir.join(name);
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_ne_bytes()).collect();
    std::fs::write(&path, bytes).unwrap();
    path
}

fn read_u32s(path: &Path) -> Vec<u32> {
    std::fs::read(path)
        .unwrap()
        .chunks_exact(4)
        .map(|c| u32::from_ne_bytes(c.try_into().unwrap()))
        .collect()
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn close_is_ok_in_every_mode_and_lets_go_of_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = file_with(dir.path(), "modes.u32", &[1, 2, 3, 4]);
    let options = Options::<u32>::new();

    // SAFETY: (all maps below) the file is private to this test.
    let r: Memmap<u32> = unsafe { options.open(&path) }.unwrap();
    assert_eq!(still_held(&path), (true, true));
    r.close().unwrap();
    assert_eq!(still_held(&path), (false, false), "r: still mapped or open");

    // SAFETY: as above.
    let mut rw: MemmapMut<u32> = unsafe { options.open_mut(&path) }.unwrap();
    rw[0] = 10;
    rw.close().unwrap();
    assert_eq!(
        still_held(&path),
        (false, false),
        "r+: still mapped or open"
    );
    assert_eq!(read_u32s(&path), [10, 2, 3, 4]);

    // SAFETY: as above.
    let mut c = unsafe { options.open_copy(&path) }.unwrap();
    assert_eq!(c.mode(), Mode::CopyOnWrite);
    c[1] = 20;
    c.close().unwrap();
    assert_eq!(still_held(&path), (false, false), "c: still mapped or open");
    assert_eq!(read_u32s(&path), [10, 2, 3, 4], "c changed the file");

    let created = dir.path().join("created.u32");
    // SAFETY: as above.
    let mut w = unsafe { options.shape([3]).create(&created) }.unwrap();
    w.copy_from_slice(&[7, 8, 9]);
    w.close().unwrap();
    assert_eq!(
        still_held(&created),
        (false, false),
        "w+: still mapped or open"
    );
    assert_eq!(read_u32s(&created), [7, 8, 9]);

    // Nothing holds the files any more: they can be removed (on Windows too).
    std::fs::remove_file(&path).unwrap();
    std::fs::remove_file(&created).unwrap();
}

/// What `close` flushed is in the file: read back through a separate descriptor, by numpy's
/// loader and by ours, for a `.npy` map and an empty one.
#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn data_flushed_by_close_is_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.npy");
    // SAFETY: the file is private to this test.
    let mut map = unsafe { npy::create::<u32>(&path, &[1000], typed_memmap::Order::C) }.unwrap();
    for (i, v) in map.iter_mut().enumerate() {
        *v = (i * i) as u32;
    }
    map.close().unwrap();
    let back = npy::read::<u32>(&path).unwrap();
    assert!(back.iter().enumerate().all(|(i, &v)| v == (i * i) as u32));

    // SAFETY: as above.
    let mut again = unsafe { npy::open_mut::<u32>(&path) }.unwrap();
    again[999] = 1;
    again.close().unwrap();
    assert_eq!(npy::read::<u32>(&path).unwrap()[999], 1);

    // An empty map maps nothing and closes fine.
    let empty = dir.path().join("empty.u32");
    // SAFETY: as above.
    let map = unsafe { Options::<u32>::new().shape([0]).create(&empty) }.unwrap();
    map.close().unwrap();
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);
}
