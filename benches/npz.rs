//! Opening one member of a stored `.npz` archive against opening a `.npy` file of the same
//! array, at three member sizes (the bench size / 1024, / 32 and the bench size itself,
//! `TYPED_MEMMAP_BENCH_BYTES`): `npz::open::<Tick>` (read the zip central directory, the
//! member's local and `.npy` headers, map the data in place) and `npz::open_dyn`, against
//! `npy::open::<Tick>`. Dropping (munmap) is timed on both sides; no page of the data is
//! touched, so a zero-copy open should not depend on the size. numpy's `np.load(npz)['x']`,
//! which copies the member, is timed on the same archives by `benches/npz_peer.py`.
//!
//! The archives are written once by `npz::Writer::stored` (about the bench size in real
//! bytes, plus the two smaller ones) from the sparse `.npy` files of `benches/open.rs`, and
//! reused by later runs.

mod common;

use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};

use common::{bench_bytes, data_dir, sparse_file, Tick};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use typed_memmap::{npy, npz, Memmap, Order};

/// The member sizes in bytes, at least 4 KiB each, without repeats (tiny CI runs);
/// `benches/npz_peer.py` computes the same.
fn sizes() -> Vec<u64> {
    let top = bench_bytes().max(1 << 12);
    let mut sizes: Vec<u64> = [top / 1024, top / 32, top].map(|s| s.max(1 << 12)).to_vec();
    sizes.dedup();
    sizes
}

/// The stored archive holding the records of `npy` as its member `x`, written once.
fn archive_of(npy_path: &Path, len: usize) -> PathBuf {
    let path = data_dir().join(format!("npz-{len}.npz"));
    if fs::metadata(&path).is_err() {
        let tmp = path.with_extension("tmp");
        // SAFETY: the benchmark's files are never written while mapped.
        let data = unsafe { npy::open::<Tick>(npy_path) }.unwrap();
        let mut out = npz::Writer::stored(&tmp).unwrap();
        out.add("x", &data, &[len], Order::C).unwrap();
        out.finish().unwrap();
        fs::rename(&tmp, &path).unwrap();
    }
    path
}

fn open(c: &mut Criterion) {
    let mut group = c.benchmark_group("open_npz");
    for size in sizes() {
        let len = (size / 32) as usize;
        let npy_path = sparse_file(size, true);
        let npz_path = archive_of(&npy_path, len);
        let label = format!("{len}");
        // The member is the `.npy` file's array.
        // SAFETY: as above.
        let (a, b) = unsafe {
            (
                npy::open::<Tick>(&npy_path),
                npz::open::<Tick>(&npz_path, "x"),
            )
        };
        assert_eq!(a.unwrap().len(), b.unwrap().len());
        group.bench_with_input(BenchmarkId::new("npy", &label), &npy_path, |b, path| {
            b.iter(|| {
                // SAFETY: as above.
                let map: Memmap<Tick> = unsafe { npy::open(black_box(path)) }.unwrap();
                map
            })
        });
        group.bench_with_input(BenchmarkId::new("npz", &label), &npz_path, |b, path| {
            b.iter(|| {
                // SAFETY: as above.
                let map: Memmap<Tick> = unsafe { npz::open(black_box(path), "x") }.unwrap();
                map
            })
        });
        group.bench_with_input(BenchmarkId::new("npz_dyn", &label), &npz_path, |b, path| {
            // SAFETY: as above.
            b.iter(|| unsafe { npz::open_dyn(black_box(path), "x") }.unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, open);
criterion_main!(benches);
