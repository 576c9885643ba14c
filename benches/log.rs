//! Log append of 1 million records (32 MB) to a fresh file, up to the last `write` (no
//! `fsync`, whose cost is the disk's): `LogWriter::append_all` against `BufWriter::write_all`
//! of the same bytes, and one record at a time (`LogWriter::append` against a `write_all` of
//! each record into a `BufWriter`). Creating (truncating) the file is timed on both sides.

mod common;

use std::fs::File;
use std::hint::black_box;
use std::io::{BufWriter, Write};
use std::path::Path;

use common::{data_dir, ticks, zc_ticks, Tick, ZcTick};
use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use typed_memmap::LogWriter;
use zerocopy::IntoBytes;

/// The brief's size, whatever TYPED_MEMMAP_BENCH_BYTES says; the smoke run takes fewer.
fn record_count() -> usize {
    if common::bench_bytes() < 1 << 20 {
        1_000
    } else {
        1_000_000
    }
}

#[inline(never)] // kept out of line, alike for every variant, to read its assembly
fn ours_append_all(path: &Path, records: &[Tick]) {
    let mut log = LogWriter::<Tick>::create_truncate(path, None).unwrap();
    log.append_all(records).unwrap();
    log.flush().unwrap();
}

#[inline(never)] // kept out of line, alike for every variant, to read its assembly
fn bufwriter_all(path: &Path, records: &[ZcTick]) {
    let mut out = BufWriter::new(File::create(path).unwrap());
    out.write_all(records.as_bytes()).unwrap();
    out.flush().unwrap();
}

#[inline(never)] // kept out of line, alike for every variant, to read its assembly
fn ours_append_each(path: &Path, records: &[Tick]) {
    let mut log = LogWriter::<Tick>::create_truncate(path, None).unwrap();
    for record in records {
        log.append(record).unwrap();
    }
    log.flush().unwrap();
}

#[inline(never)] // kept out of line, alike for every variant, to read its assembly
fn bufwriter_each(path: &Path, records: &[ZcTick]) {
    let mut out = BufWriter::new(File::create(path).unwrap());
    for record in records {
        out.write_all(record.as_bytes()).unwrap();
    }
    out.flush().unwrap();
}

fn log(c: &mut Criterion) {
    let count = record_count();
    let ours_records = ticks(count);
    let zc_records = zc_ticks(count);
    let (ours_path, buf_path) = (
        data_dir().join("log-ours.bin"),
        data_dir().join("log-buf.bin"),
    );

    ours_append_all(&ours_path, &ours_records);
    bufwriter_all(&buf_path, &zc_records);
    assert_eq!(
        std::fs::read(&ours_path).unwrap(),
        std::fs::read(&buf_path).unwrap()
    );

    let mut group = c.benchmark_group("log_append");
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(count as u64));
    group.bench_function("ours_append_all", |b| {
        b.iter(|| ours_append_all(&ours_path, black_box(&ours_records)))
    });
    group.bench_function("bufwriter_all", |b| {
        b.iter(|| bufwriter_all(&buf_path, black_box(&zc_records)))
    });
    group.bench_function("ours_append_each", |b| {
        b.iter(|| ours_append_each(&ours_path, black_box(&ours_records)))
    });
    group.bench_function("bufwriter_each", |b| {
        b.iter(|| bufwriter_each(&buf_path, black_box(&zc_records)))
    });
    group.finish();
}

criterion_group!(benches, log);
criterion_main!(benches);
