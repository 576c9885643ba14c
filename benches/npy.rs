//! Structured `.npy` read: from the path to the sums of `price` and `qty` over every record
//! of a warm file. typed-memmap maps it (`npy::open`, header parsed and dtype checked) or
//! copies it (`npy::read`); npyz, the usual Rust `.npy` reader, decodes it record by record.

mod common;

use std::fs::File;
use std::hint::black_box;
use std::io::BufReader;
use std::path::Path;

use common::{Files, Tick};
use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use typed_memmap::npy;

/// npyz's view of the same record (npyz reads structs through its own derive).
#[derive(npyz::Deserialize)]
struct NpyzTick {
    #[allow(dead_code)]
    ts: u64,
    price: f64,
    qty: u32,
    #[allow(dead_code)]
    side: u32,
    #[allow(dead_code)]
    id: u64,
}

#[inline(never)] // kept out of line, alike for every variant, to read its assembly
fn ours_map(path: &Path) -> (f64, u64) {
    // SAFETY: the benchmark's data files are never written while mapped.
    let map = unsafe { npy::open::<Tick>(path) }.unwrap();
    let fields = Tick::fields();
    map.column(fields.price)
        .iter()
        .zip(map.column(fields.qty).iter())
        .fold((0.0, 0), |(p, q), (a, b)| (p + a, q + u64::from(b)))
}

#[inline(never)] // kept out of line, alike for every variant, to read its assembly
fn ours_read(path: &Path) -> (f64, u64) {
    let array = npy::read::<Tick>(path).unwrap();
    array
        .iter()
        .fold((0.0, 0), |(p, q), t| (p + t.price, q + u64::from(t.qty)))
}

#[inline(never)] // kept out of line, alike for every variant, to read its assembly
fn npyz(path: &Path) -> (f64, u64) {
    let file = npyz::NpyFile::new(BufReader::new(File::open(path).unwrap())).unwrap();
    let (mut p, mut q) = (0.0, 0u64);
    for record in file.data::<NpyzTick>().unwrap() {
        let record = record.unwrap();
        p += record.price;
        q += u64::from(record.qty);
    }
    (p, q)
}

fn npy_read(c: &mut Criterion) {
    let files = Files::new();
    let path = files.aligned_npy.as_path();
    let expected = npyz(path);
    assert_eq!(ours_map(path), expected);
    assert_eq!(ours_read(path), expected);

    let mut group = c.benchmark_group("npy_read");
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Bytes(files.aligned_len as u64 * 32));
    group.bench_function("ours", |b| b.iter(|| ours_map(black_box(path))));
    group.bench_function("ours_read", |b| b.iter(|| ours_read(black_box(path))));
    group.bench_function("npyz", |b| b.iter(|| npyz(black_box(path))));
    group.finish();
}

criterion_group!(benches, npy_read);
criterion_main!(benches);
