//! Parallel column scan (feature `rayon`): the sum of `price` over every record of a warm
//! file with `Column::par_iter` on a 2-thread rayon pool, against the single-thread
//! `Column::iter` scan of the same column; and, as the machine's own ceiling, the sum of the
//! same file seen as a `&[u64]` with one thread and with two (plain `std::thread::scope`, no
//! rayon, no typed-memmap), so that the parallel speed-up is reported as a share of what two
//! threads can read here. Size: `TYPED_MEMMAP_BENCH_BYTES` (see benches/common/mod.rs).

mod common;

use std::fs::File;
use std::hint::black_box;

use common::{Files, Tick};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rayon::prelude::*;
use typed_memmap::{Column, Memmap, Options};
use zerocopy::FromBytes;

#[inline(never)] // kept out of line, alike for every variant, to read its assembly
fn column_one_thread(price: Column<'_, f64>) -> f64 {
    price.iter().sum()
}

#[inline(never)] // kept out of line, alike for every variant, to read its assembly
fn column_parallel(pool: &rayon::ThreadPool, price: Column<'_, f64>) -> f64 {
    pool.install(|| price.par_iter().sum())
}

#[inline(never)] // kept out of line, alike for every variant, to read its assembly
fn words_one_thread(words: &[u64]) -> u64 {
    words.iter().fold(0, |a, &w| a.wrapping_add(w))
}

#[inline(never)] // kept out of line, alike for every variant, to read its assembly
fn words_two_threads(words: &[u64]) -> u64 {
    let (left, right) = words.split_at(words.len() / 2);
    std::thread::scope(|s| {
        let other = s.spawn(|| words_one_thread(left));
        let mine = words_one_thread(right);
        mine.wrapping_add(other.join().expect("the summing thread"))
    })
}

fn par_scan(c: &mut Criterion) {
    let files = Files::new();
    // SAFETY: the benchmark's data files are written once before any map and never modified
    // while mapped.
    let map: Memmap<Tick> = unsafe { Options::new().open(&files.aligned_raw) }.unwrap();
    let file = File::open(&files.aligned_raw).unwrap();
    // SAFETY: as above.
    let raw = unsafe { memmap2::Mmap::map(&file) }.unwrap();
    let words = <[u64]>::ref_from_bytes(&raw).expect("a file of whole 8-byte words");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("a 2-thread pool");
    let price = map.column(Tick::fields().price);

    // The same sums both ways (the float one within the bound of `typed_memmap::par`).
    let (one, par) = (column_one_thread(price), column_parallel(&pool, price));
    let abs: f64 = price.iter().map(f64::abs).sum();
    assert!((one - par).abs() <= 2.0 * price.len() as f64 * f64::EPSILON * abs);
    assert_eq!(words_one_thread(words), words_two_threads(words));

    let mut group = c.benchmark_group("par_scan");
    group.throughput(Throughput::Bytes(raw.len() as u64));
    group.bench_function("column_1_thread", |b| {
        b.iter(|| column_one_thread(black_box(price)))
    });
    group.bench_function("column_par_2_threads", |b| {
        b.iter(|| column_parallel(&pool, black_box(price)))
    });
    group.bench_function("u64_sum_1_thread", |b| {
        b.iter(|| words_one_thread(black_box(words)))
    });
    group.bench_function("u64_sum_2_threads", |b| {
        b.iter(|| words_two_threads(black_box(words)))
    });
    group.finish();
}

criterion_group!(benches, par_scan);
criterion_main!(benches);
