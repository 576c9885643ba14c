//! `--to parquet` and `--to arrow`: the library's Arrow record batches (`typed_memmap::arrow`,
//! whose module docs give the column of each dtype), written by its Parquet and Arrow IPC
//! writers.
//!
//! The rows are read as for the other formats, about 4 MiB of whole rows of axis 0 at a time
//! (see [`super::chunks`]), and each chunk becomes one record batch; the writer runs on a
//! second thread and takes the batches as they come, so memory holds a few batches (and,
//! for Parquet, the row group being encoded) whatever the file's size.
//!
//! Parquet files are Snappy-compressed by default (pyarrow's default; `--compression none`
//! for none), in row groups of at most 1 Mi rows or 128 MiB (the library's defaults). The writers put the file in place by renaming a temporary file, so
//! a failed or interrupted conversion leaves `OUT` as it was.

use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;

use arrow_array::{RecordBatch, RecordBatchReader};
use arrow_schema::{ArrowError, SchemaRef};
use typed_memmap::arrow::BatchReader;
use typed_memmap::{Dtype, DynArray, Order};

use super::chunks::Reader;
use super::dest::Dest;
use super::Format;
use crate::error::CliError;

/// Batches in flight between the reading and the writing thread.
const QUEUE: usize = 2;

/// The batches the reading thread sends, as the writers take them.
struct Received {
    schema: SchemaRef,
    rx: Receiver<Result<RecordBatch, ArrowError>>,
}

impl Iterator for Received {
    type Item = Result<RecordBatch, ArrowError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.rx.recv().ok()
    }
}

impl RecordBatchReader for Received {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }
}

/// The Arrow schema of an array of `dtype` and `shape`, as the library's batch reader makes
/// it from an empty array of the same rank (so that the schema and the batches agree).
pub fn schema(dtype: &Dtype, shape: &[usize]) -> Result<SchemaRef, CliError> {
    let (shape, bytes) = match shape.split_first() {
        Some((_, inner)) => {
            let mut empty = vec![0];
            empty.extend_from_slice(inner);
            (empty, Vec::new())
        }
        // A 0-d array has one element: a zeroed one stands in for it.
        None => (Vec::new(), vec![0u8; dtype.itemsize()]),
    };
    let empty = DynArray::from_bytes(dtype.clone(), shape, Order::C, &bytes).ok_or_else(|| {
        CliError::Usage("the schema's stand-in array does not fill its shape".into())
    })?;
    Ok(BatchReader::new(empty, 1)?.schema())
}

/// Writes the elements of `dtype` (the array's dtype or a projection of it) to `out`.
pub fn write(
    reader: &Reader<'_>,
    dtype: &Dtype,
    schema: SchemaRef,
    format: Format,
    compression: super::Compression,
    out: &Path,
    dest: &mut Dest,
) -> Result<(), CliError> {
    let shape = reader.shape();
    let inner = shape.get(1..).unwrap_or(&[]).to_vec();
    let per_row: usize = inner.iter().product();
    let (tx, rx) = sync_channel(QUEUE);
    let batches = Received { schema, rx };
    std::thread::scope(|scope| {
        let writer = scope.spawn(move || -> Result<(), typed_memmap::Error> {
            match format {
                Format::Parquet => {
                    let options = typed_memmap::parquet::ParquetOptions {
                        compression: match compression {
                            super::Compression::None => typed_memmap::parquet::Compression::None,
                            super::Compression::Snappy => {
                                typed_memmap::parquet::Compression::Snappy
                            }
                        },
                        ..Default::default()
                    };
                    typed_memmap::parquet::write_batches_to(batches, dest, out, &options)
                        .map(|_| ())
                }
                _ => {
                    let options = typed_memmap::ipc::IpcOptions::default();
                    typed_memmap::ipc::write_batches_to(batches, dest, out, &options).map(|_| ())
                }
            }
        });
        let batch_of = |bytes: &[u8], rows: usize, row_shape: Vec<usize>| {
            let array = DynArray::from_bytes(dtype.clone(), row_shape, Order::C, bytes)
                .ok_or_else(|| CliError::Usage("a chunk does not fill its rows".into()))?;
            match BatchReader::new(array, rows.max(1))?.next() {
                Some(batch) => Ok(batch),
                None => Err(CliError::Usage("a chunk of rows made no batch".into())),
            }
        };
        // Set when the queue is closed: the writer stopped, and its error is the one to report.
        let mut stopped = false;
        let read = if per_row == 0 || shape.is_empty() {
            // No element bytes to stream (rows of empty subarrays), or one 0-d element.
            let mut whole = Vec::new();
            let rows = shape.first().copied().unwrap_or(1);
            reader
                .c_chunks(|bytes, _| {
                    whole.extend_from_slice(bytes);
                    Ok(())
                })
                .and_then(|()| batch_of(&whole, rows, shape.to_vec()))
                .map(|batch| stopped = tx.send(batch).is_err())
        } else {
            reader.c_chunks_of(per_row, |bytes, count| {
                let rows = count / per_row;
                let mut row_shape = vec![rows];
                row_shape.extend_from_slice(&inner);
                let batch = batch_of(bytes, rows, row_shape)?;
                if tx.send(batch).is_err() {
                    stopped = true;
                    return Err(CliError::Io("the writer stopped".into()));
                }
                Ok(())
            })
        };
        if let Err(e) = &read {
            // The writer must fail, not finish a file of the rows read so far.
            let why = format!("the conversion stopped: {}", text(e));
            let _ = tx.send(Err(ArrowError::ExternalError(Box::new(
                std::io::Error::other(why),
            ))));
        }
        drop(tx);
        let written = writer.join().unwrap_or_else(|_| {
            Err(typed_memmap::Error::Io {
                op: "write",
                path: out.to_path_buf(),
                source: std::io::Error::other("the writer thread panicked"),
            })
        });
        match (read, written) {
            (Err(e), _) if !stopped => Err(e),
            (_, Err(e)) => Err(e.into()),
            (Err(e), Ok(())) => Err(e),
            (Ok(()), Ok(())) => Ok(()),
        }
    })
}

fn text(e: &CliError) -> String {
    match e {
        CliError::Lib(e) => e.to_string(),
        CliError::Usage(m) | CliError::Io(m) => m.clone(),
    }
}
