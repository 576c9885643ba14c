//! Arrow arrays and record batches of maps, arrays, logs, columns and
//! [`DynArray`](crate::DynArray)s, and record batches written back as `.npy` files (feature
//! `arrow`).
//!
//! The feature depends on the four arrow-rs crates `arrow-schema`, `arrow-buffer`,
//! `arrow-data` and `arrow-array` (not the `arrow` umbrella), versions 59 (the release
//! DataFusion 55 uses) through 60.
//!
//! ```
//! use arrow_array::cast::AsArray;
//! use arrow_array::types::Int32Type;
//! use arrow_array::RecordBatchReader;
//! use typed_memmap::arrow::BatchReader;
//! use typed_memmap::{npy, DynArray};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("x.npy");
//! npy::write(&path, &(0..1000i32).collect::<Vec<_>>())?;
//!
//! // SAFETY: the file is private to this example; nobody else writes or truncates it.
//! let array = unsafe { DynArray::open(&path)? };
//! let reader = BatchReader::new(array, 256)?; // 256 rows per batch
//! assert_eq!(reader.schema().field(0).name(), "values");
//! let mut sum = 0i64;
//! for batch in reader {
//!     let values = batch?.column(0).as_primitive::<Int32Type>().clone();
//!     sum += values.values().iter().map(|&v| i64::from(v)).sum::<i64>();
//! }
//! assert_eq!(sum, 999 * 1000 / 2);
//! # Ok(()) }
//! ```
//!
//! # Columns and rows
//!
//! A 1-D array of records is a table: one column per named field, in dtype order, named as
//! numpy names them; numpy's padding entries (`('', '|V4')`, the bytes of no field) are left
//! out. An array of any other dtype is one column named `values` ([`VALUES_COLUMN`]). An
//! n-d array has its rows along axis 0, and the other axes become nested `FixedSizeList`s
//! around each column (shape `(n, 3, 2)` of `<f4`: `values` is
//! `FixedSizeList<FixedSizeList<Float32, 2>, 3>`, whatever the memory order); a 0-d array is
//! one row.
//!
//! Every field carries numpy's descr text of its dtype in its metadata under `numpy.dtype`
//! ([`DTYPE_KEY`]), and the schema carries the descr of the whole element under the same key
//! and the shape of one row under `numpy.row_shape` ([`ROW_SHAPE_KEY`]) and the number of
//! dimensions under `numpy.ndim` ([`NDIM_KEY`]), so the way back
//! ([`write_npy`]) restores the dtype exactly: byte order, units, padding and offsets.
//!
//! # Types
//!
//! | numpy dtype | Arrow type | notes |
//! |---|---|---|
//! | `i1` `i2` `i4` `i8`, `u1` .. `u8` | `Int8` .. `Int64`, `UInt8` .. `UInt64` | |
//! | `f2` `f4` `f8` | `Float16` `Float32` `Float64` | `f16`/`f12` (`longdouble`): error |
//! | `b1` | `Boolean` | any non-zero byte is true, as numpy reads it |
//! | `c8` `c16` | `Struct{re, im}` of `Float32` / `Float64` | `c32`: error |
//! | `S<n>`, `V<n>` | `FixedSizeBinary(n)` | the bytes as they are, NUL padding kept |
//! | `U<n>` | `Utf8` | UCS-4 decoded, trailing NULs trimmed (as numpy does) |
//! | `M8[s]` `M8[ms]` `M8[us]` `M8[ns]` | `Timestamp(unit, None)` | no time zone, as numpy |
//! | `M8[m]` `M8[h]` | `Timestamp(Second, None)` | ticks times 60 / 3600 |
//! | `M8[D]` `M8[W]` | `Date32` | days; weeks times 7 |
//! | `M8[M]` `M8[Y]` | `Date32` | the first day of the month / year |
//! | `m8[s]` `m8[ms]` `m8[us]` `m8[ns]` | `Duration(unit)` | |
//! | `m8[m]` `m8[h]` `m8[D]` `m8[W]` | `Duration(Second)` | ticks times 60 .. 604 800 |
//! | `ps` `fs` `as`, generic, `m8[M]` `m8[Y]` | `Int64` | raw ticks; unit in `numpy.dtype` |
//! | a unit with a multiplier (`M8[25s]`) | as its base unit | ticks times the multiplier |
//! | subarray `('<f4', (3, 2))` | `FixedSizeList<FixedSizeList<Float32, 2>, 3>` | |
//! | nested record | `Struct` | same rules for its fields |
//!
//! NaT (numpy's "not a time", `i64::MIN`) is a null; datetime and timedelta fields are the
//! only nullable ones. A tick count that does not fit the Arrow unit after the rescaling
//! (e.g. `M8[h]` past year 292 277 026 596 in seconds, or a date beyond `Date32`) is an
//! error, never a wrapped value. Big-endian dtypes become the same Arrow types as their
//! little-endian twins (Arrow data is in this machine's order).
//!
//! # Zero-copy or copy
//!
//! The owning conversions ([`into_record_batch`], [`IntoArrow`], [`BatchReader`]) hand
//! Arrow buffers that point into the source's own bytes, and hold an `Arc` of the source so
//! the mapping outlives every buffer, wherever Arrow can express the layout. Everything
//! else is gathered into new buffers. The borrowing conversions ([`to_record_batch`],
//! [`ToArrow`]) always copy, and so does anything made from a writable map
//! ([`MemmapMut`](crate::MemmapMut), [`BatchReader::from_memmap_mut`]), whose bytes could
//! change under the Arrow array.
//!
//! Numbers are ints, floats and the unscaled datetime units (`s` `ms` `us` `ns` and the
//! raw-tick ones). A `.npy` file's data starts 64-byte aligned; only raw maps at odd offsets
//! are misaligned.
//!
//! | values | shared | copied |
//! |---|---|---|
//! | numbers, unscaled `M8`/`m8`, 1-D, native order | when aligned | when misaligned |
//! | `S<n>`, `V<n>` of a 1-D array | always | |
//! | an n-d C-order array of the above | the innermost values (the lists add no buffer) | |
//! | NaT in shared datetimes | the values | the validity bitmap (computed) |
//! | fields of records, subarray fields | | gathered (one strided loop per field) |
//! | big-endian data | | gathered and byte-swapped |
//! | Fortran-order n-d arrays | | gathered in logical C order |
//! | `b1` | | bit-packed |
//! | `U<n>`, `c8`/`c16`, rescaled time units | | decoded |
//!
//! With the feature `rayon` as well, a strided gather (fields, subarray fields, big-endian
//! numbers) of 1 MiB of output or more is split over rayon's global pool, in runs of
//! consecutive values; call the conversion inside `ThreadPool::install` to choose the
//! threads. On two cores a field of a 64 MiB file converts 1.9x faster (`BENCHMARKS.md`).
//!
//! # Back to numpy
//!
//! [`write_npy`] and [`write_raw`] write the batches of any `RecordBatchReader` into a
//! `.npy` or raw record file, one batch at a time, and [`dtype_of_schema`] says which dtype
//! they get: the schema's own `numpy.*` metadata when its columns still match it (so a
//! file converted here comes back with the same dtype and bytes), else one field per column
//! with its `numpy.dtype` metadata or the dtype numpy would infer from the Arrow type. A
//! null becomes NaT in a datetime, NaN in a float, and an error anywhere else.
//!
//! # Errors
//!
//! Conversion failures are [`Error::Arrow`](crate::Error::Arrow)s naming the file (where
//! there is one), the field (nested fields as `outer.inner`) and its dtype or Arrow type:
//! a dtype with no Arrow type (`longdouble`, `c32`); a value that does not fit (a datetime
//! out of range after rescaling, a `U<n>` code point that is not a Unicode scalar value,
//! more than 2 GiB of text in one batch); on the way back, an Arrow type with no numpy
//! dtype, a null where the dtype has none, a string longer than its `U<n>`, a time that is
//! not a whole number of the dtype's ticks; and the errors Arrow itself returns. Naming a
//! field that is not there is an [`Error::Field`](crate::Error::Field), and writing files
//! can fail with [`Error::Io`](crate::Error::Io). numpy's object dtypes never reach here:
//! no array of them can be opened.

mod convert;
mod reader;
mod schema;
mod write;

pub use reader::{
    field_to_arrow, into_record_batch, to_record_batch, BatchReader, IntoArrow, ToArrow,
};
pub use schema::{
    schema_of, schema_of_shape, DTYPE_KEY, NDIM_KEY, ROW_SHAPE_KEY, TITLE_KEY, VALUES_COLUMN,
};
pub use write::{dtype_of_schema, write_npy, write_raw, Written};
