//! Appending 10 million 32-byte `Tick`s (320 MB) to a new `.npy` file through
//! `npy::Appender` (a map that grows by doubling, the header's shape rewritten at the end,
//! the file trimmed), against `LogWriter::append_all` of the same records to a new raw log,
//! in the same run. Both stop at the last write (no `fsync`, whose cost is the disk's);
//! creating (truncating) the file is timed on both sides. A third variant appends in batches
//! of 1000 records, the amortised growth the appender exists for.

mod common;

use std::hint::black_box;
use std::path::Path;

use common::{data_dir, ticks, Tick};
use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use typed_memmap::{npy, LogWriter};

/// The brief's 10 million records, whatever TYPED_MEMMAP_BENCH_BYTES says above 1 MiB; the
/// smoke run (CI's 64 KiB) takes 1000.
fn record_count() -> usize {
    if common::bench_bytes() < 1 << 20 {
        1_000
    } else {
        10_000_000
    }
}

#[inline(never)] // kept out of line, alike for every variant, to read its assembly
fn appender_all(path: &Path, records: &[Tick]) {
    // SAFETY: the benchmark's files are private to it.
    let mut out = unsafe { npy::Appender::<Tick>::create(path) }.unwrap();
    out.append(records).unwrap();
    out.finish().unwrap();
}

#[inline(never)] // kept out of line, alike for every variant, to read its assembly
fn appender_batches(path: &Path, records: &[Tick]) {
    // SAFETY: the benchmark's files are private to it.
    let mut out = unsafe { npy::Appender::<Tick>::create(path) }.unwrap();
    for batch in records.chunks(1000) {
        out.append(batch).unwrap();
    }
    out.finish().unwrap();
}

#[inline(never)] // kept out of line, alike for every variant, to read its assembly
fn log_append_all(path: &Path, records: &[Tick]) {
    let mut log = LogWriter::<Tick>::create_truncate(path, None).unwrap();
    log.append_all(records).unwrap();
    log.flush().unwrap();
}

fn appender(c: &mut Criterion) {
    let count = record_count();
    let records = ticks(count);
    let (npy_path, log_path) = (
        data_dir().join("appender.npy"),
        data_dir().join("appender-log.bin"),
    );

    // The same records on both sides: the `.npy` data is the log, byte for byte.
    appender_all(&npy_path, &records);
    log_append_all(&log_path, &records);
    let (npy_bytes, log_bytes) = (
        std::fs::read(&npy_path).unwrap(),
        std::fs::read(&log_path).unwrap(),
    );
    let header_len = npy_bytes.len() - count * 32; // trimmed to the shape
    assert_eq!(header_len, common::npy_header::<Tick>(count).len());
    assert!(
        npy_bytes[header_len..] == log_bytes[..],
        "the appender wrote other bytes"
    );
    assert_eq!(npy::read::<Tick>(&npy_path).unwrap().len(), count);
    drop((npy_bytes, log_bytes));
    appender_batches(&npy_path, &records);
    assert_eq!(npy::read::<Tick>(&npy_path).unwrap().len(), count);

    let mut group = c.benchmark_group("appender");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.throughput(Throughput::Elements(count as u64));
    group.bench_function("log_append_all", |b| {
        b.iter(|| log_append_all(&log_path, black_box(&records)))
    });
    group.bench_function("appender_all", |b| {
        b.iter(|| appender_all(&npy_path, black_box(&records)))
    });
    group.bench_function("appender_batches_1000", |b| {
        b.iter(|| appender_batches(&npy_path, black_box(&records)))
    });
    group.finish();
    let _ = std::fs::remove_file(&npy_path);
    let _ = std::fs::remove_file(&log_path);
}

criterion_group!(benches, appender);
criterion_main!(benches);
