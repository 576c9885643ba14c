//! Arrow IPC files of record batches, maps, logs and `.npy` files (feature `ipc`).
//!
//! An Arrow IPC file (Feather v2, `.arrow`) stores record batches in Arrow's own memory
//! layout, so a reader maps it and uses its buffers in place: pyarrow's
//! `pa.ipc.open_file(pa.memory_map(path))`, Polars' `pl.read_ipc(path, memory_map=True)`,
//! DuckDB's and DataFusion's Arrow readers. [`write_batches`] streams any Arrow
//! [`RecordBatchReader`] into one, holding one batch at a time.
//!
//! The file is written by `arrow-ipc`'s `FileWriter` with its default options: metadata
//! version 5, no compression, and every buffer padded to a **64-byte boundary** (Arrow's
//! recommended alignment, which the mapped buffers keep, so SIMD readers can use them in
//! place). Each batch of the reader is one record batch of the file.
//!
//! ```
//! use std::sync::Arc;
//! use arrow_array::{Int64Array, RecordBatch, RecordBatchIterator};
//! use arrow_schema::{DataType, Field, Schema};
//! use typed_memmap::ipc::{write_batches, IpcOptions};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let out = dir.path().join("ids.arrow");
//!
//! let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int64, false)]));
//! let ids = Arc::new(Int64Array::from(vec![7, 8]));
//! let batch = RecordBatch::try_new(schema.clone(), vec![ids])?;
//! let batches = RecordBatchIterator::new([Ok(batch.clone()), Ok(batch)], schema);
//! let summary = write_batches(batches, &out, &IpcOptions::default())?;
//! assert_eq!((summary.rows, summary.batches), (4, 2));
//! assert_eq!(&std::fs::read(&out)?[..6], b"ARROW1");
//! # Ok(()) }
//! ```
//!
//! # The output file
//!
//! As for Parquet: written as `OUT.<pid>-<n>.tmp` beside `out` and renamed to `out` once its
//! footer is written, so a failed write never leaves at `out` a file without a footer; on an
//! error the temporary file is removed. **An existing file at `out` is replaced**
//! (atomically on POSIX); [`write_batches_to`] writes into a file (or any sink) of the
//! caller's, to put in place as it likes. Links, devices and pipes: as for Parquet (a link is
//! followed; `/dev/null` or a named pipe is written in place). Nothing is synced to disk unless
//! `IpcOptions::sync` asks for it.
//!
//! # Errors
//!
//! [`Error::Io`] when the temporary file cannot be created, written or renamed;
//! [`Error::Arrow`] naming `out` when the IPC writer refuses the schema or a batch; an error
//! of this crate raised by the batch source comes back as itself, naming the source file.

use std::io::{BufWriter, Write};
use std::path::Path;

use arrow_array::RecordBatchReader;
use arrow_ipc::writer::{FileWriter, IpcWriteOptions};

use crate::arrow::BatchReader;
use crate::error::{Error, Result};
use crate::npy_windows::NpyWindows;
use crate::outfile::{from_arrow, write_via_temp, Counted};
use crate::{DynArray, Element, Memmap, RecordLog};
use std::panic::RefUnwindSafe;

/// The format's name in errors.
const FORMAT: &str = "Arrow IPC";

/// How an Arrow IPC file is written.
///
/// **Memory**: the writer holds one batch (`rows_per_batch` rows, for the functions that
/// make the batches) and a 1 MiB write buffer, whatever the length of the input.
///
/// ```
/// use typed_memmap::ipc::IpcOptions;
/// let o = IpcOptions { rows_per_batch: 1 << 20, ..IpcOptions::default() };
/// assert!(!o.sync);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpcOptions {
    /// The rows of each record batch made from a map, a log or a `.npy` file (default
    /// 65 536; 0 is taken as 1). [`write_batches`] writes the batches as they come.
    pub rows_per_batch: usize,
    /// Whether to `fsync` the file before renaming it into place and its directory after
    /// (default `false`).
    pub sync: bool,
}

impl Default for IpcOptions {
    fn default() -> Self {
        IpcOptions {
            rows_per_batch: 65_536,
            sync: false,
        }
    }
}

/// What a write produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Summary {
    /// The rows written.
    pub rows: u64,
    /// The record batches of the file.
    pub batches: u64,
    /// The length of the file in bytes.
    pub bytes: u64,
}

/// Writes every batch of `reader` to the Arrow IPC file `out`, with the reader's schema. See
/// the [module docs](self) for the layout and for how `out` is replaced.
///
/// # Errors
///
/// [`Error::Io`] (creating, writing or renaming the file); [`Error::Arrow`] when the writer
/// refuses the schema or a batch, or the reader fails with a foreign error; an error of this
/// crate that the reader raised, as itself. On any error `out` is left as it was.
pub fn write_batches(
    mut reader: impl RecordBatchReader,
    out: impl AsRef<Path>,
    options: &IpcOptions,
) -> Result<Summary> {
    write_impl(&mut reader, out.as_ref(), options)
}

/// Writes a [`DynArray`] (a mapped or read `.npy` file, a raw map opened by spec, an `.npz`
/// member) to the Arrow IPC file `out`, `options.rows_per_batch` rows per record batch, as
/// [`BatchReader::new`] makes them (columns and types: the [`arrow`](crate::arrow) module).
/// A mapped array's pages stay resident until it is dropped; [`write_npy`] maps a window at
/// a time instead.
///
/// # Errors
///
/// As [`write_batches`]; [`Error::Arrow`] naming the array's file when its dtype has no Arrow
/// type or a value does not fit it.
pub fn write_dyn(array: DynArray, out: impl AsRef<Path>, options: &IpcOptions) -> Result<Summary> {
    let mut reader = BatchReader::new(array, options.rows_per_batch)?;
    write_impl(&mut reader, out.as_ref(), options)
}

/// Writes a read-only map of elements or `#[derive(Record)]` records to the Arrow IPC file
/// `out` (see [`write_dyn`]).
///
/// # Errors
///
/// As [`write_dyn`].
pub fn write_memmap<T>(
    map: Memmap<T>,
    out: impl AsRef<Path>,
    options: &IpcOptions,
) -> Result<Summary>
where
    T: Element + Send + Sync + RefUnwindSafe,
{
    let mut reader = BatchReader::from_memmap(map, options.rows_per_batch)?;
    write_impl(&mut reader, out.as_ref(), options)
}

/// Writes the records a log has shown (as of its last look) to the Arrow IPC file `out`
/// (see [`write_dyn`]).
///
/// # Errors
///
/// As [`write_dyn`].
pub fn write_log<T>(
    log: RecordLog<T>,
    out: impl AsRef<Path>,
    options: &IpcOptions,
) -> Result<Summary>
where
    T: Element + Send + Sync + RefUnwindSafe,
{
    let mut reader = BatchReader::from_log(log, options.rows_per_batch)?;
    write_impl(&mut reader, out.as_ref(), options)
}

/// Converts the `.npy` file `npy` to the Arrow IPC file `out`, whatever its dtype, in bounded
/// memory: the data is mapped a window of about 32 MiB at a time (the whole of it for
/// Fortran-order arrays of 2 axes or more, whose rows are not contiguous).
///
/// ```
/// use typed_memmap::{ipc, npy};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let (src, out) = (dir.path().join("x.npy"), dir.path().join("x.arrow"));
/// npy::write(&src, &[1.5f32, 2.5, 3.5])?;
/// let options = ipc::IpcOptions { rows_per_batch: 2, ..Default::default() };
/// // SAFETY: the file is private to this example; nobody else writes or truncates it.
/// let summary = unsafe { ipc::write_npy(&src, &out, &options)? };
/// assert_eq!((summary.rows, summary.batches), (3, 2));
/// # Ok(()) }
/// ```
///
/// # Safety
///
/// See [`Options#safety`](crate::Options#safety): nobody may truncate `npy` or write its data
/// until the function returns.
///
/// # Errors
///
/// As [`DynArray::open`] for `npy`, and as [`write_dyn`].
pub unsafe fn write_npy(
    npy: impl AsRef<Path>,
    out: impl AsRef<Path>,
    options: &IpcOptions,
) -> Result<Summary> {
    // SAFETY: the caller upholds `Options#safety` until this function returns, and the
    // reader and its batches are dropped before it does.
    let mut reader = unsafe { NpyWindows::open(npy.as_ref(), options.rows_per_batch) }?;
    write_impl(&mut *reader, out.as_ref(), options)
}

/// Writes every batch of `reader` as one whole Arrow IPC file into `sink`, for callers that
/// put the output in place themselves: a temporary file of their own that they rename
/// without replacing an existing file, a pipe, a `Vec<u8>`. `name` is only what errors call the output. Nothing is renamed or synced;
/// `options.sync` is not used. The summary's `bytes` counts what went into `sink`.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{Int64Array, RecordBatch, RecordBatchIterator};
/// use arrow_schema::{DataType, Field, Schema};
/// use typed_memmap::ipc::{write_batches_to, IpcOptions};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int64, false)]));
/// let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(Int64Array::from(vec![7, 8]))])?;
/// let mut bytes = Vec::new();
/// let batches = RecordBatchIterator::new([Ok(batch)], schema);
/// let summary = write_batches_to(batches, &mut bytes, "ids.arrow", &IpcOptions::default())?;
/// assert_eq!(summary.bytes, bytes.len() as u64);
/// assert_eq!(&bytes[..6], b"ARROW1");
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// As [`write_batches`], with [`Error::Io`] for a failed write into `sink`; on an error
/// `sink` holds a partial file, which the caller discards.
pub fn write_batches_to<W: Write>(
    mut reader: impl RecordBatchReader,
    sink: W,
    name: impl AsRef<Path>,
    options: &IpcOptions,
) -> Result<Summary> {
    write_to(&mut reader, sink, name.as_ref(), options)
}

fn write_impl(
    reader: &mut dyn RecordBatchReader,
    out: &Path,
    options: &IpcOptions,
) -> Result<Summary> {
    write_via_temp(out, options.sync, |file| {
        write_to(reader, file, out, options)
    })
}

/// The IPC file of `reader`'s batches, written into `sink`; `out` names it in errors.
fn write_to(
    reader: &mut dyn RecordBatchReader,
    sink: impl Write,
    out: &Path,
    _options: &IpcOptions,
) -> Result<Summary> {
    let arrow_err = |e| from_arrow(out, FORMAT, e);
    let buffered = BufWriter::with_capacity(
        1 << 20,
        Counted {
            inner: sink,
            bytes: 0,
        },
    );
    let schema = reader.schema();
    let mut writer =
        FileWriter::try_new_with_options(buffered, &schema, IpcWriteOptions::default())
            .map_err(arrow_err)?;
    let (mut rows, mut batches) = (0u64, 0u64);
    for batch in reader {
        let batch = batch.map_err(arrow_err)?;
        writer.write(&batch).map_err(arrow_err)?;
        rows += batch.num_rows() as u64;
        batches += 1;
    }
    writer.finish().map_err(arrow_err)?;
    let buffered = writer.into_inner().map_err(arrow_err)?;
    // `into_inner` flushes the buffer into `Counted`, which flushes `sink`.
    let mut counted = buffered
        .into_inner()
        .map_err(|e| Error::io("write", out, e.into_error()))?;
    counted.flush().map_err(|e| Error::io("write", out, e))?;
    Ok(Summary {
        rows,
        batches,
        bytes: counted.bytes,
    })
}
