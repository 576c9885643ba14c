//! The batched reader converts a file many times larger than one batch with peak heap
//! memory bounded by a small multiple of the batch, whatever the file size: a counting
//! global allocator measures the peak while every batch of a 16 MiB and a 64 MiB file of
//! 32-byte records is gathered (the copying path; the zero-copy path allocates no buffers).
#![cfg(feature = "arrow")]

mod counting_alloc;

use std::io::Write;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use counting_alloc::peak_of;
use typed_memmap::arrow::BatchReader;
use typed_memmap::npy::{parse_descr, write_header};
use typed_memmap::DynArray;

/// 32-byte records: four 8-byte fields.
const DESCR: &str = "[('t', '<i8'), ('price', '<f8'), ('qty', '<u8'), ('flag', '<f8')]";
const RECORD: usize = 32;
const ROWS_PER_BATCH: usize = 8192;

/// Writes a `.npy` file of `rows` records, a chunk at a time, record `i` holding
/// `price = i`.
fn write_records(path: &Path, rows: usize) {
    let dtype = parse_descr(DESCR).unwrap();
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    file.write_all(&write_header(&dtype, &[rows], false).unwrap())
        .unwrap();
    let mut chunk = Vec::with_capacity(4096 * RECORD);
    for start in (0..rows).step_by(4096) {
        chunk.clear();
        for i in start..(start + 4096).min(rows) {
            chunk.extend_from_slice(&(i as i64).to_le_bytes());
            chunk.extend_from_slice(&(i as f64).to_le_bytes());
            chunk.extend_from_slice(&(i as u64 * 3).to_le_bytes());
            chunk.extend_from_slice(&0.5f64.to_le_bytes());
        }
        file.write_all(&chunk).unwrap();
    }
    file.flush().unwrap();
}

/// Converts every batch of the file, checking the prices, and returns the peak of the heap
/// bytes allocated on top of what was allocated before.
fn peak_of_conversion(path: &Path, rows: usize) -> usize {
    let ((), peak) = peak_of(|| {
        // SAFETY: the test's files are private to it; nobody writes or truncates them.
        let array = unsafe { DynArray::open(path) }.unwrap();
        let reader = BatchReader::new(array, ROWS_PER_BATCH).unwrap();
        let mut seen = 0usize;
        for batch in reader {
            let batch = batch.unwrap();
            let price = batch.column(1).as_primitive::<Float64Type>();
            assert_eq!(price.value(0), seen as f64);
            assert_eq!(
                price.value(price.len() - 1),
                (seen + price.len() - 1) as f64
            );
            seen += batch.num_rows();
        }
        assert_eq!(seen, rows);
    });
    peak
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn peak_memory_is_bounded_by_the_batch_not_the_file() {
    let dir = tempfile::tempdir().unwrap();
    // One batch gathers 4 columns of 8 bytes per row: 256 KiB.
    let batch_bytes = ROWS_PER_BATCH * RECORD;
    let mut peaks = Vec::new();
    for (name, mib) in [("small.npy", 16usize), ("large.npy", 64)] {
        let rows = (mib << 20) / RECORD;
        let path = dir.path().join(name);
        write_records(&path, rows);
        let peak = peak_of_conversion(&path, rows);
        eprintln!("{name}: {mib} MiB file, batches of {batch_bytes} bytes, peak {peak} bytes");
        assert!(
            peak <= 2 * batch_bytes,
            "{name}: peak {peak} bytes for batches of {batch_bytes} bytes ({mib} MiB file)"
        );
        peaks.push(peak);
    }
    // Four times the file, the same peak (within a few small allocations).
    assert!(
        peaks[1] <= peaks[0] + 16 * 1024,
        "peak grew with the file: {peaks:?}"
    );
}
