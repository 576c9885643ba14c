//! Parquet files of record batches, maps, logs and `.npy` files (feature `parquet`).
//!
//! [`write_batches`] streams any Arrow [`RecordBatchReader`] into a Parquet file, one row
//! group at a time: memory stays bounded by one batch plus one row group, whatever the size
//! of the file (see [`ParquetOptions`] for the bound). The file is the one the `parquet`
//! crate's `ArrowWriter` writes with the same properties, byte for byte, but the columns of
//! each batch are encoded in parallel, on [`ParquetOptions::threads`] threads. The Arrow
//! schema is stored in the file's metadata (`ARROW:schema`), so
//! pyarrow, Polars and DataFusion read back the exact Arrow types and the field metadata,
//! with one exception: Parquet has no timestamp in seconds, so a `Timestamp(Second)` column
//! (numpy's `M8[s]`, `M8[m]`, `M8[h]`) is written in milliseconds, as pyarrow's `write_table`
//! does; the field's `numpy.dtype` metadata still names the numpy unit.
//!
//! ```
//! use std::sync::Arc;
//! use arrow_array::{Float64Array, Int32Array, RecordBatch, RecordBatchIterator};
//! use arrow_schema::{DataType, Field, Schema};
//! use typed_memmap::parquet::{write_batches, ParquetOptions};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let out = dir.path().join("ticks.parquet");
//!
//! let schema = Arc::new(Schema::new(vec![
//!     Field::new("qty", DataType::Int32, false),
//!     Field::new("price", DataType::Float64, false),
//! ]));
//! let batch = RecordBatch::try_new(
//!     schema.clone(),
//!     vec![
//!         Arc::new(Int32Array::from(vec![3, 1, 4])),
//!         Arc::new(Float64Array::from(vec![10.5, 11.0, 9.75])),
//!     ],
//! )?;
//! // Two batches; row groups of at most 4 rows.
//! let batches = RecordBatchIterator::new([Ok(batch.clone()), Ok(batch)], schema);
//! let options = ParquetOptions { row_group_rows: 4, ..ParquetOptions::default() };
//! let summary = write_batches(batches, &out, &options)?;
//! assert_eq!(summary.rows, 6);
//! assert_eq!(summary.row_groups, 2);
//! assert_eq!(summary.bytes, std::fs::metadata(&out)?.len());
//! # Ok(()) }
//! ```
//!
//! # The output file
//!
//! The file is written under a temporary name beside `out` (`OUT.<pid>-<n>.tmp`) and renamed
//! to `out` once complete. So a write that fails (an error, a panic, a killed process) never
//! leaves at `out` a truncated file that looks like Parquet: on an error the temporary file
//! is removed and `out` is as it was; after a crash a `*.tmp` file may remain. **An existing
//! file at `out` is replaced** (atomically on POSIX: readers see the old file or the new one).
//! Callers that must not replace a file, not even one created while they write, write into
//! a file of their own with [`write_batches_to`] and move it into place without replacing
//! (as `tmm convert` does). A symbolic link at `out` is followed: the file it names is
//! replaced and the link stays. An `out` that is neither a file nor a directory
//! (`/dev/null`, a named pipe) is written in place, never replaced. The data is not synced to disk unless `ParquetOptions::sync` asks
//! for it.
//!
//! # Errors
//!
//! [`Error::Io`] when the temporary file cannot be created, written or renamed;
//! [`Error::Arrow`] naming `out` when the Parquet writer refuses the schema or a batch; an
//! error of this crate raised by the batch source (a `BatchReader` over a file: a value that
//! does not fit its Arrow type) comes back as itself, naming the source file.

use std::io::Write;
use std::path::Path;

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::TimestampSecondType;
use arrow_array::{
    Array, ArrayRef, FixedSizeListArray, LargeListArray, ListArray, RecordBatch,
    RecordBatchOptions, RecordBatchReader, StructArray, TimestampMillisecondArray,
};
use arrow_schema::{ArrowError, DataType, Field, FieldRef, Schema, SchemaRef, TimeUnit};
use parquet::file::properties::{EnabledStatistics, WriterProperties};

use self::columns::ColumnsWriter;
use crate::arrow::BatchReader;
use crate::error::{Error, Result};
use crate::npy_windows::NpyWindows;
use crate::outfile::{from_arrow, from_boxed, write_via_temp, writer_error, Counted};
use crate::{DynArray, Element, Memmap, RecordLog};
use std::panic::RefUnwindSafe;

mod columns;

/// The format's name in errors.
const FORMAT: &str = "Parquet";

/// The compression codec of every column chunk.
///
/// The codecs are opt-in cargo features, each a pure-Rust implementation: `parquet-snappy`
/// (the `snap` crate) and `parquet-lz4` (`lz4_flex`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Compression {
    /// Uncompressed pages (the default: no codec feature needed).
    #[default]
    None,
    /// Snappy, pyarrow's default codec (feature `parquet-snappy`).
    #[cfg(feature = "parquet-snappy")]
    Snappy,
    /// LZ4 as Parquet's `LZ4_RAW` codec (feature `parquet-lz4`), the LZ4 codec current
    /// readers agree on; pyarrow's `compression='lz4'` writes the same.
    #[cfg(feature = "parquet-lz4")]
    Lz4,
}

impl Compression {
    fn codec(self) -> parquet::basic::Compression {
        match self {
            Compression::None => parquet::basic::Compression::UNCOMPRESSED,
            #[cfg(feature = "parquet-snappy")]
            Compression::Snappy => parquet::basic::Compression::SNAPPY,
            #[cfg(feature = "parquet-lz4")]
            Compression::Lz4 => parquet::basic::Compression::LZ4_RAW,
        }
    }
}

/// How a Parquet file is written: codec, batch and row group sizes, durability.
///
/// The defaults follow pyarrow's `pq.write_table`, so that files and timings compare: row
/// groups of at most 1 Mi rows (pyarrow's default), dictionary encoding tried on every column
/// (and dropped for a column chunk once its dictionary passes 1 MiB), statistics per column
/// chunk (min, max, null count) and no page index. Compression is [`Compression::None`]
/// unless a codec feature is on and chosen.
///
/// **Memory**: the writer holds one batch (`rows_per_batch` rows, for the functions that
/// make the batches) and the encoded pages of one row group, which ends at `row_group_rows`
/// rows or once its estimated encoded size reaches `row_group_bytes`, whichever comes first.
/// Each column also holds its dictionary while it is dictionary encoded (at most 1 MiB, and
/// its hash table). So the peak is about `rows_per_batch * row_size +
/// min(row_group_rows * encoded_row_size, row_group_bytes) + columns * 2 MiB`, whatever the
/// length of the input (tests/export_memory.rs measures it flat from 4 MiB to 64 MiB of
/// rows).
///
/// ```
/// use typed_memmap::parquet::{Compression, ParquetOptions};
/// let o = ParquetOptions { row_group_rows: 100_000, ..ParquetOptions::default() };
/// assert_eq!(o.compression, Compression::None);
/// assert_eq!(o.rows_per_batch, 65_536);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParquetOptions {
    /// The codec of every column chunk (default [`Compression::None`]).
    pub compression: Compression,
    /// The rows of each Arrow batch made from a map, a log or a `.npy` file (default
    /// 65 536; 0 is taken as 1). [`write_batches`] takes the batches as they come.
    pub rows_per_batch: usize,
    /// The most rows in one row group (default 1 048 576, as pyarrow); 0 for no row limit
    /// (row groups then end only at `row_group_bytes`).
    pub row_group_rows: usize,
    /// The estimated encoded size in bytes at which a row group ends (default 128 MiB); 0
    /// for no byte limit. With both limits 0 the whole input is one row group, held in memory.
    pub row_group_bytes: usize,
    /// Whether to `fsync` the file before renaming it into place and its directory after
    /// (default `false`, as pyarrow), so that the file survives a power failure once the
    /// write returned.
    pub sync: bool,
    /// The threads that encode the columns of a batch, each column on one of them: a pool of
    /// its own that lives for the write (default 0: one per core, as
    /// [`std::thread::available_parallelism`] says; 1 encodes on the calling thread only).
    /// The file is the same whatever the number.
    pub threads: usize,
}

impl Default for ParquetOptions {
    fn default() -> Self {
        ParquetOptions {
            compression: Compression::None,
            rows_per_batch: 65_536,
            row_group_rows: 1 << 20,
            row_group_bytes: 128 << 20,
            sync: false,
            threads: 0,
        }
    }
}

impl ParquetOptions {
    fn properties(&self) -> WriterProperties {
        WriterProperties::builder()
            .set_compression(self.compression.codec())
            .set_max_row_group_row_count((self.row_group_rows > 0).then_some(self.row_group_rows))
            .set_max_row_group_bytes((self.row_group_bytes > 0).then_some(self.row_group_bytes))
            // pyarrow's default: min/max/null count per column chunk, no column index.
            .set_statistics_enabled(EnabledStatistics::Chunk)
            .set_created_by(format!(
                "typed-memmap {} ({})",
                env!("CARGO_PKG_VERSION"),
                parquet::file::properties::DEFAULT_CREATED_BY
            ))
            .build()
    }
}

/// What a write produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Summary {
    /// The rows written.
    pub rows: u64,
    /// The Arrow batches taken from the source.
    pub batches: u64,
    /// The row groups of the file.
    pub row_groups: usize,
    /// The length of the file in bytes.
    pub bytes: u64,
}

/// Writes every batch of `reader` to the Parquet file `out`, in row groups, with the
/// reader's schema. See the [module docs](self) for how `out` is replaced.
///
/// # Errors
///
/// [`Error::Io`] (creating, writing or renaming the file); [`Error::Arrow`] when the writer
/// refuses the schema or a batch, or the reader fails with a foreign error; an error of this
/// crate that the reader raised, as itself. On any error `out` is left as it was.
pub fn write_batches(
    mut reader: impl RecordBatchReader,
    out: impl AsRef<Path>,
    options: &ParquetOptions,
) -> Result<Summary> {
    write_impl(&mut reader, out.as_ref(), options)
}

/// Writes a [`DynArray`] (a mapped or read `.npy` file, a raw map opened by spec, an `.npz`
/// member) to the Parquet file `out`, `options.rows_per_batch` rows per batch, as
/// [`BatchReader::new`] makes them (columns and types: the [`arrow`](crate::arrow) module).
/// A mapped array's pages stay resident until it is dropped; [`write_npy`] maps a window at
/// a time instead.
///
/// # Errors
///
/// As [`write_batches`]; [`Error::Arrow`] naming the array's file when its dtype has no Arrow
/// type or a value does not fit it.
pub fn write_dyn(
    array: DynArray,
    out: impl AsRef<Path>,
    options: &ParquetOptions,
) -> Result<Summary> {
    let mut reader = BatchReader::new(array, options.rows_per_batch)?;
    write_impl(&mut reader, out.as_ref(), options)
}

/// Writes a read-only map of elements or `#[derive(Record)]` records to the Parquet file
/// `out` (see [`write_dyn`]); its batches share the map where the layout allows.
///
/// ```
/// use typed_memmap::parquet::{write_memmap, ParquetOptions};
/// use typed_memmap::{Memmap, Options, Record};
///
/// #[derive(Record, Clone, Copy)]
/// #[repr(C)]
/// struct Tick {
///     price: f64,
///     qty: u32,
///     side: u8,
///     _pad: [u8; 3],
/// }
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let (raw, out) = (dir.path().join("ticks.bin"), dir.path().join("ticks.parquet"));
/// // SAFETY: the files are private to this example; nobody else writes or truncates them.
/// let mut m = unsafe { Options::<Tick>::new().shape([1000]).create(&raw)? };
/// for (i, t) in m.iter_mut().enumerate() {
///     *t = Tick { price: 100.0 + i as f64, qty: i as u32, side: (i % 2) as u8, _pad: [0; 3] };
/// }
/// m.flush()?;
/// drop(m);
/// // SAFETY: as above.
/// let m: Memmap<Tick> = unsafe { Options::new().open(&raw)? };
/// let summary = write_memmap(m, &out, &ParquetOptions::default())?;
/// assert_eq!(summary.rows, 1000);
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// As [`write_dyn`].
pub fn write_memmap<T>(
    map: Memmap<T>,
    out: impl AsRef<Path>,
    options: &ParquetOptions,
) -> Result<Summary>
where
    T: Element + Send + Sync + RefUnwindSafe,
{
    let mut reader = BatchReader::from_memmap(map, options.rows_per_batch)?;
    write_impl(&mut reader, out.as_ref(), options)
}

/// Writes the records a log has shown (as of its last look) to the Parquet file `out` (see
/// [`write_dyn`]).
///
/// # Errors
///
/// As [`write_dyn`].
pub fn write_log<T>(
    log: RecordLog<T>,
    out: impl AsRef<Path>,
    options: &ParquetOptions,
) -> Result<Summary>
where
    T: Element + Send + Sync + RefUnwindSafe,
{
    let mut reader = BatchReader::from_log(log, options.rows_per_batch)?;
    write_impl(&mut reader, out.as_ref(), options)
}

/// Converts the `.npy` file `npy` to the Parquet file `out`, whatever its dtype: numpy's
/// `np.load(npy, mmap_mode='r')` then `pq.write_table`, in bounded memory. The data is mapped
/// a window of about 32 MiB at a time (the whole of it for Fortran-order arrays of 2 axes or
/// more, whose rows are not contiguous), so neither the heap nor the resident pages grow with
/// the file.
///
/// ```
/// use typed_memmap::{npy, parquet};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let (src, out) = (dir.path().join("x.npy"), dir.path().join("x.parquet"));
/// npy::write(&src, &(0..100_000i64).collect::<Vec<_>>())?;
/// let options = parquet::ParquetOptions { row_group_rows: 30_000, ..Default::default() };
/// // SAFETY: the file is private to this example; nobody else writes or truncates it.
/// let summary = unsafe { parquet::write_npy(&src, &out, &options)? };
/// assert_eq!((summary.rows, summary.row_groups), (100_000, 4));
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
    options: &ParquetOptions,
) -> Result<Summary> {
    // SAFETY: the caller upholds `Options#safety` until this function returns, and the
    // reader and its batches are dropped before it does.
    let mut reader = unsafe { NpyWindows::open(npy.as_ref(), options.rows_per_batch) }?;
    write_impl(&mut *reader, out.as_ref(), options)
}

/// Writes every batch of `reader` as one whole Parquet file into `sink`, for callers that
/// put the output in place themselves: a temporary file of their own that they rename
/// without replacing an existing file, a pipe, a socket, a `Vec<u8>`. `name` is only what
/// errors call the output. Nothing is renamed or synced; `options.sync` is not used. The
/// summary's `bytes` counts what went into `sink`.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{Int64Array, RecordBatch, RecordBatchIterator};
/// use arrow_schema::{DataType, Field, Schema};
/// use typed_memmap::parquet::{write_batches_to, ParquetOptions};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int64, false)]));
/// let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(Int64Array::from(vec![7, 8]))])?;
/// let mut bytes = Vec::new();
/// let batches = RecordBatchIterator::new([Ok(batch)], schema);
/// let summary = write_batches_to(batches, &mut bytes, "ids.parquet", &ParquetOptions::default())?;
/// assert_eq!(summary.bytes, bytes.len() as u64);
/// assert_eq!((&bytes[..4], &bytes[bytes.len() - 4..]), (&b"PAR1"[..], &b"PAR1"[..]));
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// As [`write_batches`], with [`Error::Io`] for a failed write into `sink`; on an error
/// `sink` holds a partial file, which the caller discards.
pub fn write_batches_to<W: Write + Send>(
    mut reader: impl RecordBatchReader,
    sink: W,
    name: impl AsRef<Path>,
    options: &ParquetOptions,
) -> Result<Summary> {
    write_to(&mut reader, sink, name.as_ref(), options)
}

fn write_impl(
    reader: &mut dyn RecordBatchReader,
    out: &Path,
    options: &ParquetOptions,
) -> Result<Summary> {
    write_via_temp(out, options.sync, |file| {
        write_to(reader, file, out, options)
    })
}

/// The Parquet file of `reader`'s batches, written into `sink`; `out` names it in errors.
fn write_to(
    reader: &mut dyn RecordBatchReader,
    sink: impl Write + Send,
    out: &Path,
    options: &ParquetOptions,
) -> Result<Summary> {
    let schema = reader.schema();
    if let Some(name) = schema.fields().iter().find_map(|f| union_in(f)) {
        // The parquet crate's schema conversion panics on a union (`unimplemented!`).
        let e = ArrowError::NotYetImplemented(format!(
            "the field `{name}` is a union, which Parquet cannot store"
        ));
        return Err(writer_error(out, FORMAT, &e));
    }
    // Parquet has no timestamp in seconds: such columns are written in milliseconds.
    let coerced = coerce_schema(&schema);
    let parquet_err = |e| from_parquet(out, e);
    let mut counted = Counted {
        inner: sink,
        bytes: 0,
    };
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let mut writer = ColumnsWriter::try_new(
        &mut counted,
        coerced.clone().unwrap_or(schema),
        options.properties(),
        threads,
    )
    .map_err(parquet_err)?;
    let (mut rows, mut batches) = (0u64, 0u64);
    for batch in reader {
        let mut batch = batch.map_err(|e| from_arrow(out, FORMAT, e))?;
        if let Some(schema) = &coerced {
            batch = coerce_batch(schema, batch).map_err(|e| from_arrow(out, FORMAT, e))?;
        }
        writer.write(&batch).map_err(parquet_err)?;
        rows += batch.num_rows() as u64;
        batches += 1;
    }
    // `close` writes the footer and flushes the writer's buffer into `counted`.
    let metadata = writer.close().map_err(parquet_err)?;
    counted.flush().map_err(|e| Error::io("write", out, e))?;
    Ok(Summary {
        rows,
        batches,
        row_groups: metadata.num_row_groups(),
        bytes: counted.bytes,
    })
}

/// The schema with every `Timestamp(Second, tz)` (at any depth) made
/// `Timestamp(Millisecond, tz)`, or `None` when it has none: Parquet's timestamps count
/// milliseconds, microseconds or nanoseconds, and the parquet crate stores seconds as a bare
/// `INT64` that pyarrow and DuckDB read as integers. pyarrow's `write_table` coerces the same
/// way.
fn coerce_schema(schema: &Schema) -> Option<SchemaRef> {
    let fields: Vec<FieldRef> = schema.fields().iter().map(coerce_field).collect();
    let changed = fields
        .iter()
        .zip(schema.fields().iter())
        .any(|(a, b)| a.data_type() != b.data_type());
    changed.then(|| Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone())))
}

fn coerce_field(field: &FieldRef) -> FieldRef {
    let data_type = coerce_type(field.data_type());
    if &data_type == field.data_type() {
        Arc::clone(field)
    } else {
        Arc::new(field.as_ref().clone().with_data_type(data_type))
    }
}

fn coerce_type(data_type: &DataType) -> DataType {
    match data_type {
        DataType::Timestamp(TimeUnit::Second, tz) => {
            DataType::Timestamp(TimeUnit::Millisecond, tz.clone())
        }
        DataType::Struct(fields) => DataType::Struct(fields.iter().map(coerce_field).collect()),
        DataType::FixedSizeList(f, n) => DataType::FixedSizeList(coerce_field(f), *n),
        DataType::List(f) => DataType::List(coerce_field(f)),
        DataType::LargeList(f) => DataType::LargeList(coerce_field(f)),
        other => other.clone(),
    }
}

/// `batch` with the columns of [`coerce_schema`]'s `schema`: seconds times 1000.
fn coerce_batch(schema: &SchemaRef, batch: RecordBatch) -> Result<RecordBatch, ArrowError> {
    let columns = batch
        .columns()
        .iter()
        .zip(schema.fields().iter())
        .map(|(c, f)| coerce_array(c, f))
        .collect::<Result<Vec<_>, _>>()?;
    let options = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
    RecordBatch::try_new_with_options(Arc::clone(schema), columns, &options)
}

fn coerce_array(array: &ArrayRef, field: &Field) -> Result<ArrayRef, ArrowError> {
    if array.data_type() == field.data_type() {
        return Ok(Arc::clone(array));
    }
    Ok(match (array.data_type(), field.data_type()) {
        (DataType::Timestamp(TimeUnit::Second, tz), _) => {
            let seconds = array.as_primitive::<TimestampSecondType>();
            let millis: TimestampMillisecondArray = seconds.try_unary(|s| {
                s.checked_mul(1000).ok_or_else(|| {
                    ArrowError::ComputeError(format!(
                        "the timestamp {s} s of the field `{}` does not fit in milliseconds, \
                         which Parquet needs",
                        field.name()
                    ))
                })
            })?;
            Arc::new(millis.with_timezone_opt(tz.clone()))
        }
        (DataType::Struct(_), DataType::Struct(fields)) => {
            let s = array.as_struct();
            let children = s
                .columns()
                .iter()
                .zip(fields.iter())
                .map(|(c, f)| coerce_array(c, f))
                .collect::<Result<Vec<_>, _>>()?;
            Arc::new(StructArray::try_new(
                fields.clone(),
                children,
                s.nulls().cloned(),
            )?)
        }
        (DataType::FixedSizeList(_, _), DataType::FixedSizeList(f, n)) => {
            let l = array.as_fixed_size_list();
            let values = coerce_array(l.values(), f)?;
            Arc::new(FixedSizeListArray::try_new(
                Arc::clone(f),
                *n,
                values,
                l.nulls().cloned(),
            )?)
        }
        (DataType::List(_), DataType::List(f)) => {
            let l = array.as_list::<i32>();
            let values = coerce_array(l.values(), f)?;
            Arc::new(ListArray::try_new(
                Arc::clone(f),
                l.offsets().clone(),
                values,
                l.nulls().cloned(),
            )?)
        }
        (DataType::LargeList(_), DataType::LargeList(f)) => {
            let l = array.as_list::<i64>();
            let values = coerce_array(l.values(), f)?;
            Arc::new(LargeListArray::try_new(
                Arc::clone(f),
                l.offsets().clone(),
                values,
                l.nulls().cloned(),
            )?)
        }
        _ => Arc::clone(array),
    })
}

/// The dotted name of the first union in `field` (itself or nested), if any.
fn union_in(field: &Field) -> Option<String> {
    let inner = match field.data_type() {
        DataType::Union(..) => return Some(field.name().clone()),
        DataType::Struct(fields) => fields.iter().find_map(|f| union_in(f)),
        DataType::List(f)
        | DataType::LargeList(f)
        | DataType::ListView(f)
        | DataType::LargeListView(f)
        | DataType::FixedSizeList(f, _)
        | DataType::Map(f, _) => union_in(f),
        DataType::Dictionary(_, value) => {
            union_in(&Field::new("", value.as_ref().clone(), true)).map(|_| String::new())
        }
        DataType::RunEndEncoded(_, values) => union_in(values),
        _ => None,
    }?;
    Some(if inner.is_empty() {
        field.name().clone()
    } else {
        format!("{}.{inner}", field.name())
    })
}

/// The crate's error for a Parquet writer error on `path`.
fn from_parquet(path: &Path, e: parquet::errors::ParquetError) -> Error {
    match e {
        parquet::errors::ParquetError::External(source) => from_boxed(path, FORMAT, source),
        e => writer_error(path, FORMAT, &e),
    }
}
