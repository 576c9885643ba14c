//! Writing a Parquet or Arrow IPC file holds one batch and (for Parquet) one row group,
//! whatever the length of the input: a counting global allocator measures the peak of a
//! write 16 times longer than another and finds it no higher, and far below the data's size.
#![cfg(all(feature = "parquet", feature = "ipc"))]

mod counting_alloc;

use std::sync::Arc;

use arrow_array::RecordBatchIterator;
use arrow_array::{ArrayRef, FixedSizeBinaryArray, Float64Array, Int64Array, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use counting_alloc::{peak_of, serial};
use typed_memmap::{ipc, parquet as pq};

/// The batches of the long write.
const LONG: usize = 128;

/// Rows per batch: 16 Ki rows of 32 bytes, 512 KiB.
const ROWS: usize = 16 << 10;

fn schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("price", DataType::Float64, false),
        Field::new("tag", DataType::FixedSizeBinary(16), false),
    ]))
}

/// Batch `i` of 32-byte rows of pseudo-random values (so that dictionary encoding gives up
/// as it does on real prices), made only when the writer asks for it.
fn batch(i: usize) -> Result<RecordBatch, ArrowError> {
    let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ (i as u64);
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let ids: ArrayRef = Arc::new(Int64Array::from_iter_values(
        (0..ROWS).map(|r| (i * ROWS + r) as i64),
    ));
    let prices: ArrayRef = Arc::new(Float64Array::from_iter_values(
        (0..ROWS).map(|_| (next() >> 11) as f64),
    ));
    let tags = (0..ROWS).map(|_| {
        let mut t = [0u8; 16];
        t[..8].copy_from_slice(&next().to_le_bytes());
        t[8..].copy_from_slice(&next().to_le_bytes());
        t
    });
    let tags: ArrayRef = Arc::new(FixedSizeBinaryArray::try_from_iter(tags)?);
    RecordBatch::try_new(schema(), vec![ids, prices, tags])
}

/// A reader of `n` batches, each made on demand.
fn reader(n: usize) -> impl arrow_array::RecordBatchReader {
    RecordBatchIterator::new((0..n).map(batch), schema())
}

/// The peaks of writing 8 and 128 batches (4 MiB and 64 MiB of rows) with `write`; asserts
/// that the long write peaks no higher than the short one (plus a 1 MiB margin for the
/// file's footer and metadata) and under a quarter of its data.
fn assert_flat(case: &str, write: impl Fn(usize, &std::path::Path)) {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (_, short) = peak_of(|| write(8, &out));
    let (_, long) = peak_of(|| write(LONG, &out));
    let long_data = LONG * ROWS * 32;
    println!(
        "{case}: peak {short} bytes for 8 batches, {long} for {LONG} ({:.2}x), data {long_data}",
        long as f64 / short as f64
    );
    assert!(
        long <= short + (1 << 20),
        "{case}: {LONG} batches peaked at {long} bytes, 8 at {short}: memory grows with the \
         input"
    );
    assert!(
        long < long_data / 4,
        "{case}: {LONG} batches peaked at {long} bytes, more than a quarter of their \
         {long_data}"
    );
}

#[test]
fn a_parquet_write_holds_one_row_group_whatever_the_input_length() {
    // Row groups of 4 batches (2 MiB of rows): the short write already fills two.
    let options = pq::ParquetOptions {
        row_group_rows: 4 * ROWS,
        ..Default::default()
    };
    assert_flat("parquet", |n, out| {
        let summary = pq::write_batches(reader(n), out, &options).unwrap();
        assert_eq!(summary.rows, (n * ROWS) as u64);
        assert_eq!(summary.row_groups, n / 4);
    });
}

#[test]
fn an_ipc_write_holds_one_batch_whatever_the_input_length() {
    assert_flat("ipc", |n, out| {
        let summary = ipc::write_batches(reader(n), out, &Default::default()).unwrap();
        assert_eq!(summary.batches, n as u64);
    });
}
