//! numpy dtypes as Arrow types, fields and schemas: the table of the module docs, in code.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit as ArrowUnit};

use crate::dtype::{DateUnit, Dtype, Kind, Scalar, TimeUnit};
use crate::error::{Error, Result};
use crate::pyrepr::py_repr_shape;

/// The name of the one column of an array whose dtype is not a record.
pub const VALUES_COLUMN: &str = "values";

/// The metadata key, on every field and on the schema, whose value is numpy's descr text of
/// the field's dtype (of the whole element, on the schema): `'<M8[h]'`, `[('a', '<i4')]`.
pub const DTYPE_KEY: &str = "numpy.dtype";

/// The schema metadata key whose value is the shape of one row, the axes after the first,
/// as Python writes a tuple: `()` for a 1-D array, `(3, 2)` for an array of shape `(n, 3, 2)`.
pub const ROW_SHAPE_KEY: &str = "numpy.row_shape";

/// The schema metadata key whose value is the number of dimensions of the source array:
/// `0` for a 0-d array (one row, written back as a 0-d array), otherwise one more than the
/// axes of `numpy.row_shape`.
pub const NDIM_KEY: &str = "numpy.ndim";

/// The metadata key of a field's numpy title, when it has one.
pub const TITLE_KEY: &str = "numpy.title";

/// The name of the item field of every `FixedSizeList` made here (Arrow's default).
pub(crate) const ITEM: &str = "item";

/// How the values of one scalar dtype become Arrow values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Conv {
    /// The bytes are the Arrow values (after a byte swap for the other byte order): ints,
    /// floats.
    Number,
    /// One byte per value, zero is false, packed into bits.
    Bool,
    /// Two floats of half the size, as `Struct{re, im}`.
    Complex,
    /// The bytes as they are: `FixedSizeBinary(itemsize)`.
    Binary,
    /// UCS-4 code points decoded to UTF-8, trailing NULs trimmed.
    Utf8,
    /// An `i64` tick count times `scale`, NaT null: `Timestamp`, `Duration`, or `Int64`.
    Ticks {
        /// Arrow units per numpy tick.
        scale: i64,
    },
    /// An `i64` tick count times `scale` days, NaT null: `Date32`.
    Days {
        /// Days per numpy tick.
        scale: i64,
    },
    /// An `i64` count of `months` months since 1970-01, NaT null: `Date32` of the first day
    /// of the month.
    Months {
        /// Months per numpy tick.
        months: i64,
    },
}

impl Conv {
    /// Whether the values can be null (NaT).
    pub(crate) fn nullable(self) -> bool {
        matches!(
            self,
            Conv::Ticks { .. } | Conv::Days { .. } | Conv::Months { .. }
        )
    }
}

/// The Arrow type and the conversion of a scalar dtype; `None` when Arrow has no type for it
/// (floats other than 2, 4 and 8 bytes, complex numbers other than 8 and 16 bytes).
pub(crate) fn scalar_plan(s: &Scalar) -> Option<(DataType, Conv)> {
    let size = s.size();
    let number = |t: DataType| Some((t, Conv::Number));
    match s.kind() {
        Kind::Bool if size == 1 => Some((DataType::Boolean, Conv::Bool)),
        Kind::Int => match size {
            1 => number(DataType::Int8),
            2 => number(DataType::Int16),
            4 => number(DataType::Int32),
            8 => number(DataType::Int64),
            _ => None,
        },
        Kind::UInt => match size {
            1 => number(DataType::UInt8),
            2 => number(DataType::UInt16),
            4 => number(DataType::UInt32),
            8 => number(DataType::UInt64),
            _ => None,
        },
        Kind::Float => match size {
            2 => number(DataType::Float16),
            4 => number(DataType::Float32),
            8 => number(DataType::Float64),
            _ => None,
        },
        Kind::Complex => {
            let part = match size {
                8 => DataType::Float32,
                16 => DataType::Float64,
                _ => return None,
            };
            Some((DataType::Struct(complex_fields(part)), Conv::Complex))
        }
        Kind::Bytes | Kind::Void => {
            let n = i32::try_from(size).ok()?;
            Some((DataType::FixedSizeBinary(n), Conv::Binary))
        }
        Kind::Unicode => Some((DataType::Utf8, Conv::Utf8)),
        Kind::Datetime(unit) if size == 8 => Some(datetime_plan(unit)),
        Kind::Timedelta(unit) if size == 8 => Some(timedelta_plan(unit)),
        _ => None,
    }
}

/// The fields `re` and `im` of a complex number whose parts are `part`.
pub(crate) fn complex_fields(part: DataType) -> Fields {
    Fields::from(vec![
        Field::new("re", part.clone(), false),
        Field::new("im", part, false),
    ])
}

/// An Arrow unit for a numpy unit Arrow has as it is.
fn exact_unit(u: DateUnit) -> Option<ArrowUnit> {
    match u {
        DateUnit::Seconds => Some(ArrowUnit::Second),
        DateUnit::Millis => Some(ArrowUnit::Millisecond),
        DateUnit::Micros => Some(ArrowUnit::Microsecond),
        DateUnit::Nanos => Some(ArrowUnit::Nanosecond),
        _ => None,
    }
}

/// Seconds per tick of the units coarser than a second that have a fixed length.
fn fixed_seconds(u: DateUnit) -> Option<i64> {
    match u {
        DateUnit::Minutes => Some(60),
        DateUnit::Hours => Some(3_600),
        DateUnit::Days => Some(86_400),
        DateUnit::Weeks => Some(604_800),
        _ => None,
    }
}

/// The multiplier as an `i64`, `None` if it does not fit.
fn multiplier(unit: TimeUnit) -> Option<i64> {
    i64::try_from(unit.multiplier).ok()
}

/// Raw tick counts: the fallback for units Arrow cannot hold exactly.
const RAW: (DataType, Conv) = (DataType::Int64, Conv::Ticks { scale: 1 });

fn datetime_plan(unit: TimeUnit) -> (DataType, Conv) {
    let (Some(base), Some(m)) = (unit.base, multiplier(unit)) else {
        return RAW;
    };
    if let Some(u) = exact_unit(base) {
        return (DataType::Timestamp(u, None), Conv::Ticks { scale: m });
    }
    let plan = match base {
        DateUnit::Days => m
            .checked_mul(1)
            .map(|scale| (DataType::Date32, Conv::Days { scale })),
        DateUnit::Weeks => m
            .checked_mul(7)
            .map(|scale| (DataType::Date32, Conv::Days { scale })),
        DateUnit::Months => Some((DataType::Date32, Conv::Months { months: m })),
        DateUnit::Years => m
            .checked_mul(12)
            .map(|months| (DataType::Date32, Conv::Months { months })),
        DateUnit::Hours | DateUnit::Minutes => fixed_seconds(base)
            .and_then(|s| s.checked_mul(m))
            .map(|scale| {
                (
                    DataType::Timestamp(ArrowUnit::Second, None),
                    Conv::Ticks { scale },
                )
            }),
        _ => None,
    };
    plan.unwrap_or(RAW)
}

fn timedelta_plan(unit: TimeUnit) -> (DataType, Conv) {
    let (Some(base), Some(m)) = (unit.base, multiplier(unit)) else {
        return RAW;
    };
    if let Some(u) = exact_unit(base) {
        return (DataType::Duration(u), Conv::Ticks { scale: m });
    }
    fixed_seconds(base)
        .and_then(|s| s.checked_mul(m))
        .map(|scale| (DataType::Duration(ArrowUnit::Second), Conv::Ticks { scale }))
        .unwrap_or(RAW)
}

/// An [`Error::Arrow`] about the field `name` (empty for the whole element) of dtype `dtype`.
pub(crate) fn arrow_error(name: &str, dtype: &Dtype, message: impl Into<String>) -> Error {
    Error::Arrow {
        path: None,
        context: context(name, &dtype.descr()),
        message: message.into(),
    }
}

/// `field `a.b` of dtype '<f8'`, or `dtype '<f8'` for the whole element.
pub(crate) fn context(name: &str, what: &str) -> String {
    if name.is_empty() {
        format!("dtype {what}")
    } else {
        format!("field `{name}` of dtype {what}")
    }
}

/// `outer.inner`, or `inner` at the top.
pub(crate) fn join(outer: &str, inner: &str) -> String {
    if outer.is_empty() {
        inner.to_string()
    } else {
        format!("{outer}.{inner}")
    }
}

/// Whether a field is padding, left out of Arrow data: numpy's unnamed `V` entries.
pub(crate) fn is_padding(f: &crate::dtype::Field) -> bool {
    f.name.is_empty()
}

/// The Arrow type of `dtype`; `name` (the field's dotted path) is for errors.
pub(crate) fn data_type(name: &str, dtype: &Dtype) -> Result<DataType> {
    match dtype {
        Dtype::Scalar(s) => scalar_plan(s).map(|(t, _)| t).ok_or_else(|| {
            arrow_error(
                name,
                dtype,
                "Arrow has no type for this scalar (floats of 2, 4 or 8 bytes and complex \
                 numbers of 8 or 16 bytes are supported); convert it to `f8` / `c16` first",
            )
        }),
        Dtype::Subarray(base, shape) => {
            let inner = data_type(name, base)?;
            list_type(name, dtype, inner, nullable(base), shape)
        }
        Dtype::Record(r) => {
            let mut fields = Vec::with_capacity(r.fields.len());
            for f in r.fields.iter().filter(|f| !is_padding(f)) {
                fields.push(field_of(&join(name, &f.name), f)?);
            }
            Ok(DataType::Struct(Fields::from(fields)))
        }
    }
}

/// `inner` wrapped in one `FixedSizeList` per axis of `shape`, the last axis innermost.
pub(crate) fn list_type(
    name: &str,
    dtype: &Dtype,
    inner: DataType,
    inner_nullable: bool,
    shape: &[usize],
) -> Result<DataType> {
    let mut t = inner;
    let mut item_nullable = inner_nullable;
    for &n in shape.iter().rev() {
        let size = i32::try_from(n).map_err(|_| {
            arrow_error(
                name,
                dtype,
                format!("an axis of length {n} is longer than an Arrow list can be (2^31 - 1)"),
            )
        })?;
        t = DataType::FixedSizeList(Arc::new(Field::new(ITEM, t, item_nullable)), size);
        item_nullable = false;
    }
    Ok(t)
}

/// Whether values of `dtype` can be null: datetimes and timedeltas (NaT) at the top; the
/// inside of a record or a list is a child, with its own flag.
pub(crate) fn nullable(dtype: &Dtype) -> bool {
    match dtype {
        Dtype::Scalar(s) => scalar_plan(s).is_some_and(|(_, c)| c.nullable()),
        Dtype::Subarray(..) | Dtype::Record(_) => false,
    }
}

/// The metadata of a field of `dtype`: its descr text, and its title if it has one.
fn metadata(dtype: &Dtype, title: Option<&str>) -> HashMap<String, String> {
    let mut m = HashMap::from([(DTYPE_KEY.to_string(), dtype.descr())]);
    if let Some(t) = title {
        m.insert(TITLE_KEY.to_string(), t.to_string());
    }
    m
}

/// The Arrow field of a record field; `path` is its dotted name, for errors.
pub(crate) fn field_of(path: &str, f: &crate::dtype::Field) -> Result<Field> {
    let t = data_type(path, &f.dtype)?;
    Ok(Field::new(&f.name, t, nullable(&f.dtype))
        .with_metadata(metadata(&f.dtype, f.title.as_deref())))
}

/// The Arrow field of one column: a field (or the whole element, named [`VALUES_COLUMN`])
/// with one `FixedSizeList` per axis of `row_shape` around it.
pub(crate) fn column_field(
    name: &str,
    dtype: &Dtype,
    title: Option<&str>,
    row_shape: &[usize],
) -> Result<Field> {
    let inner = data_type(name, dtype)?;
    let t = list_type(name, dtype, inner, nullable(dtype), row_shape)?;
    let nullable = if row_shape.is_empty() {
        nullable(dtype)
    } else {
        false
    };
    Ok(Field::new(name, t, nullable).with_metadata(metadata(dtype, title)))
}

/// The schema of an array of `dtype` and `shape`: rows along axis 0, each of the shape of
/// the axes after the first (a 0-d array is one row).
pub(crate) fn schema_for(dtype: &Dtype, shape: &[usize]) -> Result<Schema> {
    let row_shape = shape.get(1..).unwrap_or(&[]);
    let mut fields = Vec::new();
    match dtype {
        Dtype::Record(r) => {
            for f in r.fields.iter().filter(|f| !is_padding(f)) {
                fields.push(column_field(
                    &f.name,
                    &f.dtype,
                    f.title.as_deref(),
                    row_shape,
                )?);
            }
        }
        d => fields.push(column_field(VALUES_COLUMN, d, None, row_shape)?),
    }
    let meta = HashMap::from([
        (DTYPE_KEY.to_string(), dtype.descr()),
        (ROW_SHAPE_KEY.to_string(), py_repr_shape(row_shape)),
        (NDIM_KEY.to_string(), shape.len().to_string()),
    ]);
    Ok(Schema::new(fields).with_metadata(meta))
}

/// The Arrow schema of a 1-D array of `dtype`: one column per named field of a record (in
/// dtype order, padding left out), or one column [`VALUES_COLUMN`] for any other dtype. See
/// the [module docs](crate::arrow) for the table of types.
///
/// ```
/// use arrow_schema::DataType;
/// use typed_memmap::{arrow::schema_of, npy::parse_descr};
/// let dtype = parse_descr("[('t', '<M8[ns]'), ('', '|V8'), ('xy', '<f4', (2,))]").unwrap();
/// let schema = schema_of(&dtype)?;
/// assert_eq!(schema.fields().len(), 2); // the padding is left out
/// assert!(matches!(schema.field(0).data_type(), DataType::Timestamp(_, None)));
/// assert!(matches!(schema.field(1).data_type(), DataType::FixedSizeList(_, 2)));
/// assert_eq!(schema.field(1).metadata()["numpy.dtype"], "('<f4', (2,))");
/// # Ok::<(), typed_memmap::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Arrow`] naming the field and its dtype when Arrow has no type for it (a float
/// of 16 bytes, numpy's `longdouble`).
pub fn schema_of(dtype: &Dtype) -> Result<SchemaRef> {
    Ok(Arc::new(schema_for(dtype, &[0])?))
}

/// The Arrow schema of an n-d array of `dtype` and `shape`: rows along axis 0, the other
/// axes as nested `FixedSizeList`s around each column (see the [module docs](crate::arrow)).
///
/// # Errors
///
/// As [`schema_of`], and [`Error::Arrow`] for an axis longer than `i32::MAX`.
pub fn schema_of_shape(dtype: &Dtype, shape: &[usize]) -> Result<SchemaRef> {
    Ok(Arc::new(schema_for(dtype, shape)?))
}
