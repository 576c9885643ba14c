//! Mode `c` (copy-on-write): writes through the map are visible through the map and never
//! reach the file, whatever is flushed or dropped.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::Path;

use typed_memmap::{Memmap, Mode, Options, Order};

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 37 + 11) as u8).collect()
}

fn file_hash(path: &Path) -> (u64, u64) {
    let bytes = std::fs::read(path).unwrap();
    let mut h = DefaultHasher::new();
    bytes.hash(&mut h);
    (bytes.len() as u64, h.finish())
}

// SAFETY (for every `unsafe` block in this file): each file is private to its test, in its own
// temp dir; nobody else writes or truncates it while it is mapped.

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn writes_stay_in_the_map_and_never_reach_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.f64");
    // A prefix, then 3 x 700 f64 (16800 bytes): the array spans several pages.
    let offset = 24u64;
    let bytes = pattern(offset as usize + 3 * 700 * 8);
    std::fs::write(&path, &bytes).unwrap();
    let before = file_hash(&path);
    let original: Vec<f64> = bytes[offset as usize..]
        .chunks(8)
        .map(|c| f64::from_ne_bytes(c.try_into().unwrap()))
        .collect();

    let options = Options::<f64>::new()
        .offset(offset)
        .shape([3, 700])
        .order(Order::F);
    // SAFETY: see the top of the file.
    let mut map = unsafe { options.open_copy(&path) }.unwrap();
    assert_eq!(map.mode(), Mode::CopyOnWrite);

    // A shared read-only map of the same file, open the whole time.
    // SAFETY: as above. The copy-on-write map never writes the file, so this map's memory
    // does not change under it.
    let shared: Memmap<f64> = unsafe { options.open(&path) }.unwrap();

    // Write by n-d index, through the slice, and across every page.
    *map.get_mut(&[2, 699]).unwrap() = 1.5;
    *map.get_mut(&[0, 1]).unwrap() = -2.25;
    map[100] = 7.0;
    for x in map.iter_mut().step_by(512) {
        *x = 42.0;
    }
    // F order: [0, 1] is memory position 3, [2, 699] is the last one.
    assert_eq!(map[3], -2.25);
    assert_eq!(map.get(&[2, 699]), Some(&1.5));
    assert_eq!(map[100], 7.0);
    assert_eq!(map[0], 42.0);
    assert_eq!(map[1536], 42.0);
    assert_eq!(map[1], original[1]);

    map.flush().unwrap();
    map.flush_async().unwrap();
    map.flush_range(0..map.len()).unwrap();

    // The file, another map of it, and the copying read all still hold the original data.
    assert_eq!(file_hash(&path), before);
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    assert_eq!(&shared[..], &original[..]);
    assert_eq!(&options.read(&path).unwrap()[..], &original[..]);
    // A second copy-on-write map starts from the file, not from the first one's writes.
    // SAFETY: see the top of the file.
    let other = unsafe { options.open_copy(&path) }.unwrap();
    assert_eq!(&other[..], &original[..]);

    // The writes are still there after all that, and dropping the map discards them.
    assert_eq!(map[3], -2.25);
    drop(map);
    drop((other, shared));
    assert_eq!(file_hash(&path), before);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn copy_on_write_of_an_open_file_and_an_inferred_length() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.u16");
    let bytes = pattern(4096 + 10);
    std::fs::write(&path, &bytes).unwrap();
    let before = file_hash(&path);

    // The file is opened read-only: copy-on-write needs no write access.
    let file = std::fs::File::open(&path).unwrap();
    // SAFETY: see the top of the file.
    let mut map = unsafe { Options::<u16>::new().offset(4096).open_file_copy(&file) }.unwrap();
    assert_eq!(map.shape(), [5]);
    map.fill(0xBEEF);
    assert!(map.iter().all(|&x| x == 0xBEEF));
    map.flush().unwrap();
    drop(map);
    assert_eq!(file_hash(&path), before);
}
