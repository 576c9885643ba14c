//! Record batches written back into `.npy` and raw record files: [`write_npy`],
//! [`write_raw`], and the dtype a schema is written as ([`dtype_of_schema`]).

use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch, RecordBatchReader};
use arrow_schema::{DataType, Field as ArrowField, Schema, TimeUnit as ArrowUnit};

use super::convert::{days_from_civil, Slots};
use super::schema::{
    context, data_type, is_padding, join, scalar_plan, Conv, DTYPE_KEY, NDIM_KEY, ROW_SHAPE_KEY,
    VALUES_COLUMN,
};
use crate::dtype::{ByteOrder, DateUnit, Dtype, Field, Kind, RecordDtype, Scalar, TimeUnit};
use crate::error::{Error, Result};
use crate::npy::{parse_descr, rewrite_shape, write_header};
use crate::outfile::write_via_temp;

/// What [`write_npy`] and [`write_raw`] wrote: the numpy dtype of the elements and the shape
/// of the array (rows along axis 0).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    /// The dtype of one element, as numpy reads it back.
    pub dtype: Dtype,
    /// The shape of the array: the rows of every batch, then the shape of one row.
    pub shape: Vec<usize>,
}

/// How the columns of a schema become the bytes of numpy elements.
#[derive(Clone, Debug)]
struct Plan {
    /// The element dtype written.
    dtype: Dtype,
    /// The shape of one row (the axes after the first).
    row_shape: Vec<usize>,
    /// Whether the source was a 0-d array: one row comes back as a 0-d array.
    zero_d: bool,
    /// For each column: the dtype of its values and their byte offset in the element.
    columns: Vec<(Dtype, usize)>,
}

/// The numpy dtype and row shape that batches of `schema` are written as, and why.
///
/// In order of preference:
///
/// 1. The schema's own `numpy.dtype` and `numpy.row_shape` metadata (what this module's
///    conversions put there), when its columns are still the dtype's fields with the same
///    Arrow types: the original dtype comes back exactly, byte order, units, padding and
///    offsets included.
/// 2. One column named `values`: an array of that column's dtype, its `FixedSizeList`s
///    outside the dtype becoming axes of the array.
/// 3. Otherwise a packed record with one field per column, named as the column. The dtype
///    of each field is its `numpy.dtype` metadata when that dtype's Arrow type is the
///    column's type, or else inferred from the Arrow type: `Int*`/`UInt*`/`Float*` as
///    `<i*`/`<u*`/`<f*` (this machine's order), `Boolean` as `b1`, `FixedSizeBinary(n)` as
///    `S<n>`, `Utf8`/`LargeUtf8` as `U<n>` with `n` the longest string of the first batch
///    (one character at least), `Timestamp(unit, _)` as `M8[unit]` (a time zone is dropped:
///    numpy's datetimes are UTC), `Date32` as `M8[D]`, `Date64` as `M8[ms]`,
///    `Duration(unit)` as `m8[unit]`, `Struct` as a nested record, `FixedSizeList` as a
///    subarray.
///
/// ```
/// use std::sync::Arc;
/// use arrow_schema::{DataType, Field, Schema};
/// use typed_memmap::arrow::dtype_of_schema;
/// let schema = Schema::new(vec![
///     Field::new("id", DataType::UInt32, false),
///     Field::new("price", DataType::Float64, true),
/// ]);
/// let (dtype, row_shape) = dtype_of_schema(&schema, None)?;
/// assert_eq!(dtype.descr(), "[('id', '<u4'), ('price', '<f8')]");
/// assert!(row_shape.is_empty());
/// # Ok::<(), typed_memmap::Error>(())
/// ```
///
/// `first` is the first batch, used only to size strings without metadata.
///
/// # Errors
///
/// [`Error::Arrow`] naming the column and its Arrow type when no numpy dtype holds it (a
/// variable-length list, a union, a map, a dictionary, a decimal, ...), or when a string
/// column without metadata has no batch to size it by.
pub fn dtype_of_schema(
    schema: &Schema,
    first: Option<&RecordBatch>,
) -> Result<(Dtype, Vec<usize>)> {
    plan(schema, first).map(|p| (p.dtype, p.row_shape))
}

fn plan(schema: &Schema, first: Option<&RecordBatch>) -> Result<Plan> {
    if let Some(p) = exact_plan(schema) {
        return Ok(p);
    }
    let fields = schema.fields();
    if fields.len() == 1 && fields[0].name() == VALUES_COLUMN {
        let column = first.map(|b| b.column(0));
        let (dtype, axes) = column_dtype(VALUES_COLUMN, &fields[0], column, true)?;
        return Ok(Plan {
            dtype: dtype.clone(),
            row_shape: axes,
            zero_d: false,
            columns: vec![(dtype, 0)],
        });
    }
    let mut record = Vec::with_capacity(fields.len());
    let mut columns = Vec::with_capacity(fields.len());
    let mut offset = 0usize;
    for (k, f) in fields.iter().enumerate() {
        let column = first.map(|b| b.column(k));
        let (dtype, _) = column_dtype(f.name(), f, column, false)?;
        let size = dtype.itemsize();
        columns.push((dtype.clone(), offset));
        record.push(Field {
            name: f.name().clone(),
            title: None,
            offset,
            dtype,
        });
        offset = offset.checked_add(size).ok_or_else(|| {
            schema_error(
                f.name(),
                f.data_type(),
                "the record is larger than memory can hold",
            )
        })?;
    }
    let dtype = Dtype::Record(RecordDtype {
        fields: record,
        itemsize: offset,
    });
    Ok(Plan {
        dtype,
        row_shape: Vec::new(),
        zero_d: false,
        columns,
    })
}

/// The plan of the schema's own numpy metadata, if it still describes the columns.
fn exact_plan(schema: &Schema) -> Option<Plan> {
    let dtype = parse_descr(schema.metadata().get(DTYPE_KEY)?).ok()?;
    let row_shape = parse_shape(schema.metadata().get(ROW_SHAPE_KEY)?)?;
    let zero_d = schema.metadata().get(NDIM_KEY).is_some_and(|n| n == "0");
    let mut shape = vec![0];
    shape.extend_from_slice(&row_shape);
    let expected = super::schema::schema_for(&dtype, &shape).ok()?;
    let same = expected.fields().len() == schema.fields().len()
        && expected
            .fields()
            .iter()
            .zip(schema.fields())
            .all(|(a, b)| a.name() == b.name() && a.data_type() == b.data_type());
    if !same {
        return None;
    }
    let columns = match &dtype {
        Dtype::Record(r) => r
            .fields
            .iter()
            .filter(|f| !is_padding(f))
            .map(|f| (f.dtype.clone(), f.offset))
            .collect(),
        d => vec![(d.clone(), 0)],
    };
    Some(Plan {
        dtype,
        row_shape,
        zero_d: zero_d && shape.len() == 1,
        columns,
    })
}

/// `(3, 2)` or `()` or `(4,)` as a shape.
fn parse_shape(text: &str) -> Option<Vec<usize>> {
    let inner = text.trim().strip_prefix('(')?.strip_suffix(')')?;
    inner
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().ok())
        .collect()
}

fn schema_error(name: &str, t: &DataType, message: impl Into<String>) -> Error {
    Error::Arrow {
        path: None,
        context: context(name, &format!("Arrow type {t}")).replace("of dtype", "of"),
        message: message.into(),
    }
}

/// The dtype of a column, and (with `axes`) the sizes of the lists around it that are axes
/// of the array rather than part of the dtype.
fn column_dtype(
    path: &str,
    f: &ArrowField,
    column: Option<&ArrayRef>,
    axes: bool,
) -> Result<(Dtype, Vec<usize>)> {
    let mut t = f.data_type().clone();
    let mut shape = Vec::new();
    let mut column = column.cloned();
    let meta = f
        .metadata()
        .get(DTYPE_KEY)
        .and_then(|d| parse_descr(d).ok());
    loop {
        if let Some(d) = &meta {
            if data_type(path, d).is_ok_and(|dt| dt == t) {
                return Ok((d.clone(), shape));
            }
        }
        match (&t, axes) {
            (DataType::FixedSizeList(item, n), true) => {
                shape.push(usize::try_from(*n).unwrap_or(0));
                column = column.map(|c| c.as_fixed_size_list().values().clone());
                t = item.data_type().clone();
            }
            _ => break,
        }
    }
    Ok((infer(path, &t, column.as_ref())?, shape))
}

/// The numpy dtype numpy would give values of Arrow type `t` (see [`dtype_of_schema`]).
fn infer(name: &str, t: &DataType, sample: Option<&ArrayRef>) -> Result<Dtype> {
    let native = ByteOrder::NATIVE;
    let scalar = |kind: Kind, size: usize| Ok(Dtype::scalar(kind, native, size));
    let time = |u: &ArrowUnit| {
        let base = match u {
            ArrowUnit::Second => DateUnit::Seconds,
            ArrowUnit::Millisecond => DateUnit::Millis,
            ArrowUnit::Microsecond => DateUnit::Micros,
            ArrowUnit::Nanosecond => DateUnit::Nanos,
        };
        TimeUnit {
            base: Some(base),
            multiplier: 1,
        }
    };
    match t {
        DataType::Boolean => scalar(Kind::Bool, 1),
        DataType::Int8 => scalar(Kind::Int, 1),
        DataType::Int16 => scalar(Kind::Int, 2),
        DataType::Int32 => scalar(Kind::Int, 4),
        DataType::Int64 => scalar(Kind::Int, 8),
        DataType::UInt8 => scalar(Kind::UInt, 1),
        DataType::UInt16 => scalar(Kind::UInt, 2),
        DataType::UInt32 => scalar(Kind::UInt, 4),
        DataType::UInt64 => scalar(Kind::UInt, 8),
        DataType::Float16 => scalar(Kind::Float, 2),
        DataType::Float32 => scalar(Kind::Float, 4),
        DataType::Float64 => scalar(Kind::Float, 8),
        DataType::FixedSizeBinary(n) => scalar(Kind::Bytes, usize::try_from(*n).unwrap_or(0)),
        DataType::Timestamp(u, _) => scalar(Kind::Datetime(time(u)), 8),
        DataType::Duration(u) => scalar(Kind::Timedelta(time(u)), 8),
        DataType::Date32 => scalar(Kind::Datetime(day_unit(DateUnit::Days)), 8),
        DataType::Date64 => scalar(Kind::Datetime(day_unit(DateUnit::Millis)), 8),
        DataType::Utf8 | DataType::LargeUtf8 => {
            let Some(sample) = sample else {
                return Err(schema_error(
                    name,
                    t,
                    "a string column without `numpy.dtype` metadata is sized by the first \
                     batch, and there is none; give the field metadata such as '<U16'",
                ));
            };
            let chars = (0..sample.len())
                .filter(|&i| sample.is_valid(i))
                .map(|i| string_at(sample, i).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
                .max(1);
            scalar(Kind::Unicode, chars * 4)
        }
        DataType::FixedSizeList(item, n) => {
            let values = sample.map(|s| s.as_fixed_size_list().values().clone());
            let base = infer(name, item.data_type(), values.as_ref())?;
            Ok(Dtype::subarray(base, &[usize::try_from(*n).unwrap_or(0)]))
        }
        DataType::Struct(fields) => {
            let mut record = Vec::with_capacity(fields.len());
            let mut offset = 0usize;
            for (k, f) in fields.iter().enumerate() {
                let child = sample.map(|s| s.as_struct().column(k).clone());
                let (dtype, _) = column_dtype(&join(name, f.name()), f, child.as_ref(), false)?;
                let size = dtype.itemsize();
                record.push(Field {
                    name: f.name().clone(),
                    title: None,
                    offset,
                    dtype,
                });
                offset += size;
            }
            Ok(Dtype::Record(RecordDtype {
                fields: record,
                itemsize: offset,
            }))
        }
        _ => Err(schema_error(
            name,
            t,
            "numpy has no fixed-size dtype for this Arrow type; cast the column to a \
             fixed-size type first (a number, a timestamp, fixed-size binary or a string)",
        )),
    }
}

fn day_unit(base: DateUnit) -> TimeUnit {
    TimeUnit {
        base: Some(base),
        multiplier: 1,
    }
}

fn string_at(a: &ArrayRef, i: usize) -> Option<&str> {
    match a.data_type() {
        DataType::Utf8 => Some(a.as_string::<i32>().value(i)),
        DataType::LargeUtf8 => Some(a.as_string::<i64>().value(i)),
        _ => None,
    }
}

/// Writes the batches of `reader` into a `.npy` file at `path`, one batch at a time (memory
/// bounded by one batch), with the dtype [`dtype_of_schema`] gives; numpy loads it with
/// `np.load`. The shape is the rows of all batches along axis 0, then the shape of a row.
///
/// ```
/// use typed_memmap::arrow::{write_npy, BatchReader};
/// use typed_memmap::{npy, DynArray};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let src = dir.path().join("src.npy");
/// npy::write_shaped(&src, &[1u16, 2, 3, 4, 5, 6], &[3, 2], typed_memmap::Order::F)?;
/// let reader = BatchReader::new(DynArray::read(&src)?, 2)?;
/// let out = dir.path().join("out.npy");
/// let written = write_npy(reader, &out)?;
/// assert_eq!(written.shape, [3, 2]);
/// let back = DynArray::read(&out)?; // C order now, the same values
/// assert_eq!(back.descr(), "'<u2'");
/// assert!(back.values().eq(DynArray::read(&src)?.values()));
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// [`Error::Io`]; [`Error::Arrow`] from a failing reader, for a column no numpy dtype holds
/// (see [`dtype_of_schema`]), for a null where the dtype has none (only datetimes hold NaT,
/// and a null float is written as NaN), for a string longer than its `U<n>`, or for a value
/// that the dtype's unit cannot hold exactly (a timestamp of 1.5 hours into `M8[h]`).
///
/// The file is written under a temporary name beside `path` and renamed to `path` when
/// complete, as the [`parquet`](crate::parquet) writers do: after an error `path` is as it
/// was, and an existing file at `path` is replaced whole (a map of it, such as the one the
/// batches come from, keeps the old file's bytes).
pub fn write_npy(reader: impl RecordBatchReader, path: impl AsRef<Path>) -> Result<Written> {
    let schema = reader.schema();
    let mut reader = reader;
    write_impl(&schema, &mut reader, path.as_ref(), true)
}

/// Writes the batches of `reader` into a raw record file at `path`: the elements' bytes
/// back to back, no header (numpy reads it with `np.fromfile(path, dtype)` or
/// `np.memmap(path, dtype, shape=...)`); returns the dtype and shape written, to map it with.
///
/// # Errors
///
/// As [`write_npy`].
pub fn write_raw(reader: impl RecordBatchReader, path: impl AsRef<Path>) -> Result<Written> {
    let schema = reader.schema();
    let mut reader = reader;
    write_impl(&schema, &mut reader, path.as_ref(), false)
}

/// An error of the file at `path`: I/O errors as they are, Arrow errors given the path.
pub(super) fn at_path(e: Error, path: &Path) -> Error {
    match e {
        Error::Arrow {
            path: None,
            context,
            message,
        } => Error::Arrow {
            path: Some(path.to_path_buf()),
            context,
            message,
        },
        e => e,
    }
}

fn reader_error(path: &Path, e: arrow_schema::ArrowError) -> Error {
    // Our own reader's errors travel inside Arrow's; give them back as they were.
    if let arrow_schema::ArrowError::ExternalError(inner) = e {
        return match inner.downcast::<Error>() {
            Ok(ours) => *ours,
            Err(other) => Error::Arrow {
                path: Some(path.to_path_buf()),
                context: "the record batch reader".into(),
                message: other.to_string(),
            },
        };
    }
    Error::Arrow {
        path: Some(path.to_path_buf()),
        context: "the record batch reader".into(),
        message: e.to_string(),
    }
}

type Batches<'a> =
    dyn Iterator<Item = std::result::Result<RecordBatch, arrow_schema::ArrowError>> + 'a;

fn write_impl(
    schema: &Schema,
    batches: &mut Batches<'_>,
    path: &Path,
    npy: bool,
) -> Result<Written> {
    let first = batches
        .next()
        .transpose()
        .map_err(|e| reader_error(path, e))?;
    let plan = plan(schema, first.as_ref()).map_err(|e| at_path(e, path))?;
    crate::map::refuse_pipe(path)?;
    // Under a temporary name, renamed into place when whole: a failed write leaves `path` as
    // it was, and a reader still mapping the old file at `path` keeps reading it.
    write_via_temp(path, false, |file| {
        let mut out = BufWriter::with_capacity(1 << 20, &mut *file);
        let mut shape = vec![0];
        shape.extend_from_slice(&plan.row_shape);
        let header = if npy {
            let h = write_header(&plan.dtype, &shape, false)
                .map_err(|e| crate::npy::header_error(path, e))?;
            out.write_all(&h).map_err(|e| Error::io("write", path, e))?;
            h
        } else {
            Vec::new()
        };
        let mut buf = Vec::new();
        let mut rows = 0usize;
        for batch in first.into_iter().map(Ok).chain(batches) {
            let batch = batch.map_err(|e| reader_error(path, e))?;
            encode_batch(&plan, &batch, &mut buf).map_err(|e| at_path(e, path))?;
            out.write_all(&buf)
                .map_err(|e| Error::io("write", path, e))?;
            rows += batch.num_rows();
        }
        let file = out
            .into_inner()
            .map_err(|e| Error::io("write", path, e.into_error()))?;
        shape[0] = rows;
        if plan.zero_d && rows == 1 {
            shape.clear();
        }
        if npy {
            // `write_header` leaves room for any row count (numpy's growth padding).
            let new = rewrite_shape(&header, &shape).ok_or_else(|| Error::HeaderFull {
                path: path.to_path_buf(),
                shape: shape.clone(),
                header_len: header.len() as u64,
            })?;
            file.seek(SeekFrom::Start(0))
                .and_then(|_| file.write_all(&new))
                .map_err(|e| Error::io("write", path, e))?;
        }
        Ok(Written {
            dtype: plan.dtype,
            shape,
        })
    })
}

/// The elements of `batch` as bytes, into `buf` (cleared first).
fn encode_batch(plan: &Plan, batch: &RecordBatch, buf: &mut Vec<u8>) -> Result<()> {
    if batch.num_columns() != plan.columns.len() {
        return Err(Error::Arrow {
            path: None,
            context: "a record batch".into(),
            message: format!(
                "it has {} columns, but the schema had {}; every batch must have the \
                 reader's schema",
                batch.num_columns(),
                plan.columns.len()
            ),
        });
    }
    let itemsize = plan.dtype.itemsize();
    let row_elems: usize = plan.row_shape.iter().product();
    let elems = batch.num_rows() * row_elems;
    buf.clear();
    buf.resize(elems * itemsize, 0);
    let slots = Slots::Strided {
        start: 0,
        stride: itemsize,
        len: elems,
    };
    for (k, (dtype, offset)) in plan.columns.iter().enumerate() {
        let name = batch.schema_ref().field(k).name().clone();
        let values = peel(&name, dtype, batch.column(k).clone(), &plan.row_shape)?;
        encode(&name, &values, dtype, buf, &slots.shift(*offset))?;
    }
    Ok(())
}

/// The values inside `shape.len()` levels of fixed-size lists.
fn peel(name: &str, dtype: &Dtype, array: ArrayRef, shape: &[usize]) -> Result<ArrayRef> {
    let mut current = array;
    for &n in shape {
        let Some(list) = current.as_fixed_size_list_opt() else {
            return Err(encode_error(
                name,
                dtype,
                "expected a fixed-size list of the row's axes",
            ));
        };
        if list.null_count() > 0 {
            return Err(encode_error(
                name,
                dtype,
                "a list is null, and numpy has no null",
            ));
        }
        // Through `ArrayData`, whose offset and child mean the same in every arrow-rs
        // release the feature accepts.
        let data = list.to_data();
        let child = arrow_array::make_array(data.child_data()[0].clone());
        current = child.slice(data.offset() * n, list.len() * n);
    }
    Ok(current)
}

fn encode_error(name: &str, dtype: &Dtype, message: impl Into<String>) -> Error {
    super::schema::arrow_error(name, dtype, message)
}

/// Writes the values of `array` as `dtype` at `slots` of `out`.
fn encode(
    name: &str,
    array: &ArrayRef,
    dtype: &Dtype,
    out: &mut [u8],
    slots: &Slots,
) -> Result<()> {
    if array.len() != slots.len() {
        return Err(encode_error(
            name,
            dtype,
            format!("{} values where {} were expected", array.len(), slots.len()),
        ));
    }
    match dtype {
        Dtype::Scalar(s) => encode_scalar(name, array, dtype, s, out, slots),
        Dtype::Subarray(base, shape) => {
            let values = peel(name, dtype, array.clone(), shape)?;
            let count: usize = shape.iter().product();
            encode(
                name,
                &values,
                base,
                out,
                &slots.expand(count, base.itemsize()),
            )
        }
        Dtype::Record(r) => {
            let Some(st) = array.as_struct_opt() else {
                return Err(encode_error(name, dtype, "expected a struct column"));
            };
            if st.null_count() > 0 {
                return Err(encode_error(
                    name,
                    dtype,
                    "a struct is null, and numpy has no null",
                ));
            }
            for f in r.fields.iter().filter(|f| !is_padding(f)) {
                let path = join(name, &f.name);
                let child = st
                    .column_by_name(&f.name)
                    .ok_or_else(|| encode_error(&path, &f.dtype, "the struct has no such field"))?;
                encode(&path, child, &f.dtype, out, &slots.shift(f.offset))?;
            }
            Ok(())
        }
    }
}

fn encode_scalar(
    name: &str,
    array: &ArrayRef,
    dtype: &Dtype,
    s: &Scalar,
    out: &mut [u8],
    slots: &Slots,
) -> Result<()> {
    let Some((_, conv)) = scalar_plan(s) else {
        return Err(encode_error(
            name,
            dtype,
            "Arrow has no type for this dtype",
        ));
    };
    let size = s.size();
    let big = s.order() == ByteOrder::Big;
    let null_error = |i: usize| {
        encode_error(
            name,
            dtype,
            format!("value {i} is null, and this dtype has no null (only datetimes have NaT)"),
        )
    };
    let data = array.to_data();
    match conv {
        Conv::Number => {
            let bytes = &data.buffers()[0].as_slice()[data.offset() * size..];
            let is_float = s.kind() == Kind::Float;
            for i in 0..slots.len() {
                let at = slots.at(i);
                let dst = &mut out[at..at + size];
                if array.is_null(i) {
                    if !is_float {
                        return Err(null_error(i));
                    }
                    write_nan(dst, size);
                } else {
                    dst.copy_from_slice(&bytes[i * size..(i + 1) * size]);
                }
                if big {
                    dst.reverse();
                }
            }
        }
        Conv::Bool => {
            let b = array.as_boolean();
            for i in 0..slots.len() {
                if b.is_null(i) {
                    return Err(null_error(i));
                }
                out[slots.at(i)] = u8::from(b.value(i));
            }
        }
        Conv::Binary => {
            let b = array.as_fixed_size_binary();
            for i in 0..slots.len() {
                if b.is_null(i) {
                    return Err(null_error(i));
                }
                let at = slots.at(i);
                out[at..at + size].copy_from_slice(b.value(i));
            }
        }
        Conv::Complex => {
            let st = array.as_struct();
            let half = size / 2;
            let part = Dtype::Scalar(Scalar::new(Kind::Float, s.order(), half));
            encode(name, st.column(0), &part, out, slots)?;
            encode(name, st.column(1), &part, out, &slots.shift(half))?;
        }
        Conv::Utf8 => {
            let chars = size / 4;
            for i in 0..slots.len() {
                if array.is_null(i) {
                    return Err(null_error(i));
                }
                let text = string_at(array, i).unwrap_or_default();
                let at = slots.at(i);
                for (k, c) in text.chars().enumerate() {
                    if k == chars {
                        return Err(encode_error(
                            name,
                            dtype,
                            format!(
                                "value {i} has {} characters, more than the {chars} of the \
                                 dtype; give the column a wider `numpy.dtype`",
                                text.chars().count()
                            ),
                        ));
                    }
                    let code = u32::from(c);
                    let b = if big {
                        code.to_be_bytes()
                    } else {
                        code.to_le_bytes()
                    };
                    out[at + 4 * k..at + 4 * k + 4].copy_from_slice(&b);
                }
            }
        }
        Conv::Ticks { .. } | Conv::Days { .. } | Conv::Months { .. } => {
            let date32 = array.data_type() == &DataType::Date32;
            for i in 0..slots.len() {
                let tick = if array.is_null(i) {
                    i64::MIN
                } else {
                    let v = if date32 {
                        i64::from(data.buffers()[0].typed_data::<i32>()[data.offset() + i])
                    } else {
                        data.buffers()[0].typed_data::<i64>()[data.offset() + i]
                    };
                    ticks_of(v, conv).ok_or_else(|| {
                        encode_error(
                            name,
                            dtype,
                            format!(
                                "value {i} ({v} in Arrow's unit) is not a whole number of the \
                                 dtype's ticks; write it with a finer unit"
                            ),
                        )
                    })?
                };
                let b = if big {
                    tick.to_be_bytes()
                } else {
                    tick.to_le_bytes()
                };
                let at = slots.at(i);
                out[at..at + 8].copy_from_slice(&b);
            }
        }
    }
    Ok(())
}

/// A quiet NaN of `size` bytes in this machine's order.
fn write_nan(dst: &mut [u8], size: usize) {
    match size {
        2 => dst.copy_from_slice(&0x7e00u16.to_ne_bytes()),
        4 => dst.copy_from_slice(&f32::NAN.to_ne_bytes()),
        _ => dst.copy_from_slice(&f64::NAN.to_ne_bytes()),
    }
}

/// numpy ticks of an Arrow value `v`, undoing `conv`; `None` unless exact (and not NaT).
fn ticks_of(v: i64, conv: Conv) -> Option<i64> {
    let exact = |v: i64, per: i64| (v % per == 0).then(|| v / per);
    let t = match conv {
        Conv::Ticks { scale } | Conv::Days { scale } => exact(v, scale)?,
        Conv::Months { months } => {
            let (y, m, d) = civil_from_days(v);
            if d != 1 {
                return None;
            }
            exact((y - 1970) * 12 + (m - 1), months)?
        }
        _ => v,
    };
    (t != i64::MIN).then_some(t)
}

/// The proleptic Gregorian date `(year, month 1..=12, day)` of a day count since
/// 1970-01-01; the inverse of `days_from_civil`.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    debug_assert_eq!(days_from_civil(year, month, day), days);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-800_000i64, -1, 0, 1, 59, 60, 11_016, 19_782, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn shapes_parse_as_python_writes_them() {
        assert_eq!(parse_shape("()"), Some(vec![]));
        assert_eq!(parse_shape("(4,)"), Some(vec![4]));
        assert_eq!(parse_shape("(3, 2)"), Some(vec![3, 2]));
        assert_eq!(parse_shape("3, 2"), None);
    }
}
