//! Column scan: the sums of `price` and `qty` over every record of a warm file, through
//! typed-memmap's `Column`, through the `&[T]` deref, and through the code a user writes by
//! hand with memmap2 + zerocopy. numpy's numbers come from `benches/numpy_peer.py`.

mod common;

use std::fs::File;
use std::hint::black_box;

use common::{Files, PackedTick, Tick, ZcPackedTick, ZcTick};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use typed_memmap::{Memmap, Options};
use zerocopy::FromBytes;

#[inline(never)] // kept out of line, alike for every variant, to read its assembly
fn ours_column(map: &Memmap<Tick>) -> (f64, u64) {
    let fields = Tick::fields();
    let price = map.column(fields.price);
    let qty = map.column(fields.qty);
    price
        .iter()
        .zip(qty.iter())
        .fold((0.0, 0), |(p, q), (a, b)| (p + a, q + u64::from(b)))
}

#[inline(never)] // kept out of line, alike for every variant, to read its assembly
fn ours_deref(map: &Memmap<Tick>) -> (f64, u64) {
    map.iter()
        .fold((0.0, 0), |(p, q), t| (p + t.price, q + u64::from(t.qty)))
}

#[inline(never)] // kept out of line, alike for every variant, to read its assembly
fn handwritten(bytes: &[u8]) -> (f64, u64) {
    let ticks = <[ZcTick]>::ref_from_bytes(bytes).expect("whole aligned records");
    let (mut p, mut q) = (0.0, 0u64);
    for t in ticks {
        p += t.price;
        q += u64::from(t.qty);
    }
    (p, q)
}

#[inline(never)] // kept out of line, alike for every variant, to read its assembly
fn ours_column_packed(map: &Memmap<PackedTick>) -> (f64, u64) {
    let fields = PackedTick::fields();
    let price = map.column(fields.price);
    let qty = map.column(fields.qty);
    price
        .iter()
        .zip(qty.iter())
        .fold((0.0, 0), |(p, q), (a, b)| (p + a, q + u64::from(b)))
}

#[inline(never)] // kept out of line, alike for every variant, to read its assembly
fn ours_deref_packed(map: &Memmap<PackedTick>) -> (f64, u64) {
    map.iter().fold((0.0, 0), |(p, q), t| {
        let (price, qty) = (t.price, t.qty);
        (p + price, q + u64::from(qty))
    })
}

#[inline(never)] // kept out of line, alike for every variant, to read its assembly
fn handwritten_packed(bytes: &[u8]) -> (f64, u64) {
    let ticks = <[ZcPackedTick]>::ref_from_bytes(bytes).expect("whole packed records");
    let (mut p, mut q) = (0.0, 0u64);
    for t in ticks {
        let (price, qty) = (t.price, t.qty);
        p += price;
        q += u64::from(qty);
    }
    (p, q)
}

fn raw_map(path: &std::path::Path) -> memmap2::Mmap {
    let file = File::open(path).unwrap();
    // SAFETY: the benchmark's data files are written once before any map and never modified
    // while mapped.
    unsafe { memmap2::Mmap::map(&file) }.unwrap()
}

fn scan(c: &mut Criterion) {
    let files = Files::new();

    // SAFETY: as in `raw_map`.
    let ours: Memmap<Tick> = unsafe { Options::new().open(&files.aligned_raw) }.unwrap();
    let raw = raw_map(&files.aligned_raw);
    let expected = handwritten(&raw);
    assert_eq!(ours_column(&ours), expected);
    assert_eq!(ours_deref(&ours), expected);
    let mut group = c.benchmark_group("scan_aligned");
    group.throughput(Throughput::Bytes(raw.len() as u64));
    group.bench_function("ours_column", |b| b.iter(|| ours_column(black_box(&ours))));
    group.bench_function("ours_deref", |b| b.iter(|| ours_deref(black_box(&ours))));
    group.bench_function("handwritten", |b| b.iter(|| handwritten(black_box(&raw))));
    group.finish();
    drop((ours, raw));

    // SAFETY: as in `raw_map`.
    let ours: Memmap<PackedTick> = unsafe { Options::new().open(&files.packed_raw) }.unwrap();
    let raw = raw_map(&files.packed_raw);
    let expected = handwritten_packed(&raw);
    assert_eq!(ours_column_packed(&ours), expected);
    assert_eq!(ours_deref_packed(&ours), expected);
    let mut group = c.benchmark_group("scan_packed");
    group.throughput(Throughput::Bytes(raw.len() as u64));
    group.bench_function("ours_column", |b| {
        b.iter(|| ours_column_packed(black_box(&ours)))
    });
    group.bench_function("ours_deref", |b| {
        b.iter(|| ours_deref_packed(black_box(&ours)))
    });
    group.bench_function("handwritten", |b| {
        b.iter(|| handwritten_packed(black_box(&raw)))
    });
    group.finish();
}

criterion_group!(benches, scan);
criterion_main!(benches);
