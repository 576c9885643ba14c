//! Growable maps: `MemmapMut::resize` and `reserve` along the slowest axis (1-D, C-order
//! n-d), zero-filled file growth checked by numpy, shrinking, and the typed refusals
//! (copy-on-write, Fortran order, 0-d, overflow).

mod common;

use std::path::Path;

use common::numpy;
use typed_memmap::{Error, Memmap, MemmapMut, Options, Order};

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).unwrap().len()
}

/// Creates a raw file of `u32` `0..n` after an 8-byte prefix and maps it `r+` at offset 8.
fn prefixed(path: &Path, n: u32, shape: &[usize], order: Order) -> MemmapMut<u32> {
    let mut bytes = b"PREFIX!\n".to_vec();
    bytes.extend((0..n).flat_map(u32::to_ne_bytes));
    std::fs::write(path, bytes).unwrap();
    // SAFETY: the file is private to this test.
    unsafe {
        Options::<u32>::new()
            .offset(8)
            .shape(shape)
            .order(order)
            .open_mut(path)
    }
    .unwrap()
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn growing_a_1d_map_keeps_the_data_and_zero_fills_like_numpy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.u32");
    let mut map = prefixed(&path, 10, &[10], Order::C);
    map.resize(5000).unwrap();
    assert_eq!(map.shape(), [5000]);
    assert_eq!(file_len(&path), 8 + 5000 * 4);
    assert!(map[..10].iter().copied().eq(0..10));
    assert!(map[10..].iter().all(|&v| v == 0));
    map[4999] = 77;
    map.close().unwrap();
    // numpy sees the prefix untouched, the old values, zeros, and the write at the end.
    let out = numpy(
        "a = np.memmap(sys.argv[1], dtype=np.uint32, mode='r', offset=8)\n\
         print(open(sys.argv[1], 'rb').read(8), a.shape[0], a[:10].tolist(), int(a[10:4999].sum()), a[4999])",
        &[&path],
    );
    assert_eq!(
        out.trim(),
        "b'PREFIX!\\n' 5000 [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] 0 77"
    );
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn a_c_order_map_grows_along_axis_0() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grid.u32");
    let mut map = prefixed(&path, 6, &[2, 3], Order::C);
    map.resize(4).unwrap();
    assert_eq!(map.shape(), [4, 3]);
    assert_eq!(map.strides(), [12, 4]);
    assert_eq!(map.get(&[1, 2]), Some(&5));
    assert_eq!(map.get(&[3, 2]), Some(&0));
    *map.get_mut(&[3, 0]).unwrap() = 9;
    map.flush().unwrap();
    let out = numpy(
        "a = np.memmap(sys.argv[1], dtype=np.uint32, mode='r', offset=8, shape=(4, 3))\n\
         print(a.tolist())",
        &[&path],
    );
    assert_eq!(out.trim(), "[[0, 1, 2], [3, 4, 5], [0, 0, 0], [9, 0, 0]]");
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn shrinking_cuts_the_map_then_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.u32");
    let mut map = prefixed(&path, 12, &[4, 3], Order::C);
    map.resize(1).unwrap();
    assert_eq!((map.shape(), &map[..]), (&[1, 3][..], &[0, 1, 2][..]));
    assert_eq!(file_len(&path), 8 + 12);
    // To zero and back: an empty map maps nothing, and grows again.
    map.resize(0).unwrap();
    assert!(map.is_empty());
    assert_eq!(file_len(&path), 8);
    map.resize(2).unwrap();
    assert_eq!(&map[..], [0; 6]);
    assert_eq!(file_len(&path), 8 + 24);
    assert_eq!(&std::fs::read(&path).unwrap()[..8], b"PREFIX!\n");
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn a_file_longer_than_the_map_is_used_not_cut_when_growing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.u32");
    // 100 values in the file, 10 mapped: growing to 50 maps values that are already there.
    let mut map = prefixed(&path, 100, &[10], Order::C);
    map.resize(50).unwrap();
    assert!(map.iter().copied().eq(0..50));
    assert_eq!(file_len(&path), 8 + 400);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn reserve_makes_later_growth_free_and_resize_gives_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.u32");
    let mut map = prefixed(&path, 3, &[3], Order::C);
    assert_eq!(map.capacity(), 3);
    map.reserve(1000).unwrap();
    assert_eq!((map.len(), map.capacity()), (3, 1003));
    assert_eq!(file_len(&path), 8 + 1003 * 4);
    assert_eq!(
        map.as_bytes().len(),
        12,
        "as_bytes shows the array, not the reserve"
    );
    let before = map.as_ptr();
    map.reserve(500).unwrap(); // already enough: nothing happens
    for n in 4..=1003 {
        map.resize(n).unwrap();
        map[n - 1] = n as u32;
    }
    assert_eq!(
        map.as_ptr(),
        before,
        "growth within the capacity moved the map"
    );
    assert_eq!(map.capacity(), 1003);
    map.resize(1003).unwrap(); // same length: gives the reserve back (there is none left)
    map.resize(500).unwrap();
    assert_eq!((map.len(), map.capacity()), (500, 500));
    assert_eq!(file_len(&path), 8 + 500 * 4);
    assert_eq!(&map[..3], [0, 1, 2]);
    assert!((4..=500).all(|n| map[n - 1] == n as u32));
}

/// Many growths in a row, each a remap that may move the map: the data stays, every time.
#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn repeated_growth_keeps_every_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.u64");
    // SAFETY: the file is private to this test.
    let mut map = unsafe { Options::<u64>::new().shape([0]).create(&path) }.unwrap();
    let mut len = 0usize;
    for step in 0..200usize {
        let new = len + 1 + step * 37;
        map.resize(new).unwrap();
        for (i, v) in map[len..].iter_mut().enumerate() {
            *v = (len + i) as u64 * 3;
        }
        len = new;
    }
    assert!(map.iter().enumerate().all(|(i, &v)| v == i as u64 * 3));
    map.close().unwrap();
    // SAFETY: as above.
    let back: Memmap<u64> = unsafe { Options::new().open(&path) }.unwrap();
    assert_eq!(back.len(), len);
    assert!(back.iter().enumerate().all(|(i, &v)| v == i as u64 * 3));
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn copy_on_write_maps_refuse_to_resize_and_the_file_stays() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.u32");
    std::fs::write(&path, [0u8; 16]).unwrap();
    // SAFETY: the file is private to this test.
    let mut map = unsafe { Options::<u32>::new().open_copy(&path) }.unwrap();
    for err in [map.resize(8).unwrap_err(), map.reserve(4).unwrap_err()] {
        assert!(
            matches!(&err, Error::ResizeCopyOnWrite { path: p, len: 4, .. } if p == &path),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(
            text.contains("copy-on-write") && text.contains("from length 4"),
            "{text}"
        );
    }
    assert!(matches!(
        map.resize(1).unwrap_err(),
        Error::ResizeCopyOnWrite { new_len: 1, .. }
    ));
    // `reserve(4)` on 4 elements asks for length 8, and its error says so.
    assert!(matches!(
        map.reserve(4).unwrap_err(),
        Error::ResizeCopyOnWrite {
            len: 4,
            new_len: 8,
            ..
        }
    ));
    assert_eq!(map.len(), 4);
    assert_eq!(file_len(&path), 16);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn fortran_order_and_0d_maps_have_no_growth_axis() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.u32");
    let mut map = prefixed(&path, 6, &[2, 3], Order::F);
    let err = map.resize(4).unwrap_err();
    assert!(
        matches!(&err, Error::NotResizable { shape, order: Order::F, new_len: 4, .. } if shape == &[2, 3]),
        "{err:?}"
    );
    assert!(err.to_string().contains("[2, 3] in F order"), "{err}");
    assert!(matches!(
        map.reserve(1),
        Err(Error::NotResizable { new_len: 3, .. })
    ));
    // Arrays that cannot grow report their length as their capacity.
    assert_eq!(map.capacity(), 2);
    assert_eq!((map.shape(), file_len(&path)), (&[2, 3][..], 8 + 24));
    drop(map);

    // A 1-D array in F order is the same bytes as in C order: it grows.
    let mut map = prefixed(&path, 6, &[6], Order::F);
    map.resize(7).unwrap();
    assert_eq!(map.len(), 7);
    drop(map);

    let mut scalar = prefixed(&path, 1, &[], Order::C);
    assert!(matches!(
        scalar.resize(2).unwrap_err(),
        Error::NotResizable { ref shape, .. } if shape.is_empty()
    ));
    assert_eq!(scalar.capacity(), 1);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn sizes_that_overflow_are_typed_errors_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("o.u32");
    let mut map = prefixed(&path, 6, &[2, 3], Order::C);
    let err = map.resize(usize::MAX / 4).unwrap_err();
    assert!(
        matches!(&err, Error::ShapeOverflow { shape, itemsize: 4, offset: 8, .. } if shape == &[usize::MAX / 4, 3]),
        "{err:?}"
    );
    assert!(matches!(
        map.reserve(usize::MAX).unwrap_err(),
        Error::ShapeOverflow { .. }
    ));
    assert!(matches!(
        map.reserve(usize::MAX / 12).unwrap_err(),
        Error::ShapeOverflow { .. }
    ));
    assert_eq!((map.shape(), file_len(&path)), (&[2, 3][..], 8 + 24));
    assert!(map.iter().copied().eq(0..6));
}

/// A row of zero bytes: the shape changes, nothing is mapped, the capacity is unbounded.
#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn rows_of_zero_bytes_resize_without_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.u32");
    // SAFETY: the file is private to this test.
    let mut map = unsafe { Options::<u32>::new().shape([3, 0]).create(&path) }.unwrap();
    assert_eq!(map.capacity(), usize::MAX);
    map.resize(1_000_000).unwrap();
    assert_eq!((map.shape(), map.len()), (&[1_000_000, 0][..], 0));
    assert_eq!(file_len(&path), 0);
}
