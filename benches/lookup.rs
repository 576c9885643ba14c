//! Random lookups: 100 000 records at fixed, seeded xorshift positions of a warm file, read
//! through typed-memmap (slice index, n-d `get`, column `get`) and by hand (memmap2 +
//! zerocopy, slice index).

mod common;

use std::fs::File;
use std::hint::black_box;

use common::{lookup_indices, Files, Tick, ZcTick};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use typed_memmap::{Memmap, Options};
use zerocopy::FromBytes;

const LOOKUPS: usize = 100_000;

#[inline(never)] // kept out of line, alike for every variant, to read its assembly
fn ours_index(map: &Memmap<Tick>, indices: &[usize]) -> (f64, u64) {
    let ticks: &[Tick] = map;
    indices.iter().fold((0.0, 0), |(p, q), &i| {
        let t = &ticks[i];
        (p + t.price, q + u64::from(t.qty))
    })
}

#[inline(never)] // kept out of line, alike for every variant, to read its assembly
fn ours_get(map: &Memmap<Tick>, indices: &[usize]) -> (f64, u64) {
    indices.iter().fold((0.0, 0), |(p, q), &i| {
        let t = map.get(&[i]).expect("index in range");
        (p + t.price, q + u64::from(t.qty))
    })
}

#[inline(never)] // kept out of line, alike for every variant, to read its assembly
fn ours_column(map: &Memmap<Tick>, indices: &[usize]) -> (f64, u64) {
    let fields = Tick::fields();
    let (price, qty) = (map.column(fields.price), map.column(fields.qty));
    indices.iter().fold((0.0, 0), |(p, q), &i| {
        let (a, b) = (
            price.get(i).expect("in range"),
            qty.get(i).expect("in range"),
        );
        (p + a, q + u64::from(b))
    })
}

#[inline(never)] // kept out of line, alike for every variant, to read its assembly
fn handwritten(bytes: &[u8], indices: &[usize]) -> (f64, u64) {
    let ticks = <[ZcTick]>::ref_from_bytes(bytes).expect("whole aligned records");
    indices.iter().fold((0.0, 0), |(p, q), &i| {
        let t = &ticks[i];
        (p + t.price, q + u64::from(t.qty))
    })
}

fn lookup(c: &mut Criterion) {
    let files = Files::new();
    let indices = lookup_indices(LOOKUPS, files.aligned_len);
    // SAFETY: the benchmark's data files are never written while mapped.
    let ours: Memmap<Tick> = unsafe { Options::new().open(&files.aligned_raw) }.unwrap();
    let file = File::open(&files.aligned_raw).unwrap();
    // SAFETY: as above.
    let raw = unsafe { memmap2::Mmap::map(&file) }.unwrap();
    let expected = handwritten(&raw, &indices);
    assert_eq!(ours_index(&ours, &indices), expected);
    assert_eq!(ours_get(&ours, &indices), expected);
    assert_eq!(ours_column(&ours, &indices), expected);

    let mut group = c.benchmark_group("lookup");
    group.throughput(Throughput::Elements(LOOKUPS as u64));
    group.bench_function("ours_index", |b| {
        b.iter(|| ours_index(black_box(&ours), black_box(&indices)))
    });
    group.bench_function("ours_get", |b| {
        b.iter(|| ours_get(black_box(&ours), black_box(&indices)))
    });
    group.bench_function("ours_column", |b| {
        b.iter(|| ours_column(black_box(&ours), black_box(&indices)))
    });
    group.bench_function("handwritten", |b| {
        b.iter(|| handwritten(black_box(&raw), black_box(&indices)))
    });
    group.finish();
}

criterion_group!(benches, lookup);
criterion_main!(benches);
