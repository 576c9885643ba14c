//! Arrow conversions (feature `arrow`):
//!
//! - `arrow_zero_copy`: a record batch of a whole mapped 1-D `f64` `.npy` file, shared with
//!   the map (`BatchReader::batch` over all rows), for a 1 MiB and a 2 GiB file: the time
//!   must not grow with the size. The files are sparse (the conversion touches no page) and
//!   live in a temporary directory removed at the end. `TYPED_MEMMAP_BENCH_BYTES`, when set,
//!   replaces the 2 GiB, so CI's smoke run stays small.
//! - `arrow_gather`: the `price` field (`f64`, offset 8) of the 32-byte records of
//!   `benches/common`'s aligned file gathered into an Arrow `Float64Array`
//!   (`field_to_arrow`), against a `memcpy` of the same number of output bytes into a new
//!   vector; throughput is output bytes. For context, in the same run:
//!   - the same gather written by hand (`chunks_exact` + `from_ne_bytes`);
//!   - `read_records_floor`: a loop that only reads every 8-byte word of the records and
//!     adds them up, writing nothing. The gather must read every 64-byte cache line of the
//!     records (two records each), four times the bytes it writes, so no gather on one
//!     thread can be faster than this loop;
//!   - with the feature `rayon`, `field_to_arrow` once on a one-thread pool and once on the
//!     global pool (a gather of 1 MiB of output or more is split over rayon's threads).
//!
//!   `TYPED_MEMMAP_BENCH_BYTES` sets the file's size (64 MiB by default): `2G` measures a
//!   file larger than this machine's share of the caches.

mod common;

use std::fs::File;
use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use common::Files;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use typed_memmap::arrow::{field_to_arrow, BatchReader};
use typed_memmap::npy::write_header;
use typed_memmap::{DynArray, Element};

/// A sparse `.npy` file of `bytes / 8` `f64`s in `dir`.
fn sparse_f64(dir: &Path, bytes: u64) -> PathBuf {
    let len = usize::try_from(bytes / 8).unwrap();
    let path = dir.join(format!("f64-{len}.npy"));
    let header = write_header(&f64::dtype(), &[len], false).unwrap();
    let mut file = File::create(&path).unwrap();
    file.write_all(&header).unwrap();
    file.set_len(header.len() as u64 + len as u64 * 8).unwrap();
    path
}

fn zero_copy(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let large = match std::env::var_os("TYPED_MEMMAP_BENCH_BYTES") {
        Some(_) => common::bench_bytes(),
        None => 2 << 30,
    };
    let mut group = c.benchmark_group("arrow_zero_copy");
    for bytes in [1u64 << 20, large] {
        let label = if bytes >= 1 << 20 {
            format!("{}MiB", bytes >> 20)
        } else {
            format!("{}KiB", bytes >> 10)
        };
        let path = sparse_f64(dir.path(), bytes);
        // SAFETY: the benchmark's files are private to it and never written while mapped.
        let array = unsafe { DynArray::open(&path) }.unwrap();
        let data = array.as_bytes().as_ptr();
        let mut reader = BatchReader::new(array, usize::MAX).unwrap();
        let rows = reader.len_rows();
        let batch = reader.batch(0..rows).unwrap();
        let values = batch.column(0).as_primitive::<Float64Type>();
        assert_eq!(
            values.values().inner().as_ptr(),
            data,
            "the batch is not shared"
        );
        assert_eq!(values.len(), rows);
        drop(batch);
        group.bench_function(BenchmarkId::new("whole_map", label), |b| {
            b.iter(|| reader.batch(black_box(0..rows)).unwrap())
        });
    }
    group.finish();
    // The temporary directory and its sparse files go here.
    drop(dir);
}

fn gather(c: &mut Criterion) {
    let files = Files::new();
    // SAFETY: the benchmark's data files are written once before any map and never modified
    // while mapped.
    let array = unsafe { DynArray::open(&files.aligned_npy) }.unwrap();
    let n = files.aligned_len;
    let price = field_to_arrow(&array, "price").unwrap();
    let expected: Vec<f64> = array
        .field("price")
        .unwrap()
        .values()
        .map(|v| match v {
            typed_memmap::Value::Float { value, .. } => value,
            v => panic!("{v:?}"),
        })
        .collect();
    assert_eq!(price.as_primitive::<Float64Type>().values(), &expected[..]);
    drop(expected);
    let source = &array.as_bytes()[..n * 8];
    let mut group = c.benchmark_group("arrow_gather");
    group.throughput(Throughput::Bytes(n as u64 * 8));
    group.bench_function("field_to_arrow_f64", |b| {
        b.iter(|| field_to_arrow(black_box(&array), "price").unwrap())
    });
    #[cfg(feature = "rayon")]
    {
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        group.bench_function("field_to_arrow_f64_one_thread", |b| {
            b.iter(|| one.install(|| field_to_arrow(black_box(&array), "price").unwrap()))
        });
    }
    group.bench_function("memcpy_same_bytes", |b| {
        b.iter(|| {
            let mut out: Vec<u8> = Vec::with_capacity(source.len());
            out.extend_from_slice(black_box(source));
            out
        })
    });
    let records = &array.as_bytes()[..n * 32];
    // Context: the same gather written by hand, without Arrow.
    group.bench_function("handwritten_gather", |b| {
        b.iter(|| {
            black_box(records)
                .chunks_exact(32)
                .map(|r| f64::from_ne_bytes(r[8..16].try_into().unwrap()))
                .collect::<Vec<f64>>()
        })
    });
    // Context: every byte of the records read, nothing written; a bound for any gather.
    group.bench_function("read_records_floor", |b| {
        b.iter(|| {
            black_box(records)
                .chunks_exact(8)
                .map(|w| u64::from_ne_bytes(w.try_into().unwrap()))
                .fold(0u64, u64::wrapping_add)
        })
    });
    group.finish();
}

criterion_group!(benches, zero_copy, gather);
criterion_main!(benches);
