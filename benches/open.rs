//! Open latency against file size: typed-memmap's `Options::open` (open, size and alignment
//! checks, mmap) and `npy::open` (the same plus reading and parsing the header and checking the
//! dtype) against `File::open` + `memmap2::Mmap::map` of the same file, from 1 MiB to 2 GiB.
//! The files are sparse: no page is touched, so only the size can matter. Dropping (munmap)
//! is timed on both sides.

mod common;

use std::fs::File;
use std::hint::black_box;

use common::{sparse_file, Tick};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use typed_memmap::{npy, DynArray, Memmap, Options};

const SIZES: [(u64, &str); 4] = [
    (1 << 20, "1MiB"),
    (16 << 20, "16MiB"),
    (256 << 20, "256MiB"),
    (2 << 30, "2GiB"),
];

fn open(c: &mut Criterion) {
    let mut group = c.benchmark_group("open_raw");
    for (size, label) in SIZES {
        let path = sparse_file(size, false);
        group.bench_with_input(BenchmarkId::new("ours", label), &path, |b, path| {
            b.iter(|| {
                // SAFETY: the benchmark's files are never written while mapped.
                let map: Memmap<Tick> = unsafe { Options::new().open(black_box(path)) }.unwrap();
                map
            })
        });
        group.bench_with_input(BenchmarkId::new("memmap2", label), &path, |b, path| {
            b.iter(|| {
                let file = File::open(black_box(path)).unwrap();
                // SAFETY: as above.
                unsafe { memmap2::Mmap::map(&file) }.unwrap()
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("open_npy");
    for (size, label) in SIZES {
        let path = sparse_file(size, true);
        group.bench_with_input(BenchmarkId::new("ours", label), &path, |b, path| {
            b.iter(|| {
                // SAFETY: the benchmark's files are never written while mapped.
                let map: Memmap<Tick> = unsafe { npy::open(black_box(path)) }.unwrap();
                map
            })
        });
        group.bench_with_input(BenchmarkId::new("ours_dyn", label), &path, |b, path| {
            // SAFETY: as above.
            b.iter(|| unsafe { DynArray::open(black_box(path)) }.unwrap())
        });
        group.bench_with_input(BenchmarkId::new("memmap2", label), &path, |b, path| {
            b.iter(|| {
                let file = File::open(black_box(path)).unwrap();
                // SAFETY: as above.
                unsafe { memmap2::Mmap::map(&file) }.unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, open);
criterion_main!(benches);
