//! Whole arrays and batches of rows as record batches: [`BatchReader`], [`to_record_batch`],
//! [`into_record_batch`] and the [`ToArrow`] / [`IntoArrow`] conversions of the typed types.

use std::ops::Range;
use std::panic::{AssertUnwindSafe, RefUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{make_array, ArrayRef, RecordBatch, RecordBatchOptions, RecordBatchReader};
use arrow_buffer::alloc::Allocation;
use arrow_data::ArrayData;
use arrow_schema::{ArrowError, SchemaRef};

use super::convert::{convert, from_arrow, wrap_lists, Owner, Slots, Src};
use super::schema::{data_type, is_padding, nullable, schema_for, VALUES_COLUMN};
use super::write::at_path;
use crate::column::Column;
use crate::dtype::Dtype;
use crate::dynamic::DynArray;
use crate::element::{bytes_of, Element};
use crate::error::{Error, Result};
use crate::log::RecordLog;
use crate::map::{Memmap, MemmapMut};
use crate::shape::Order;
use crate::Array;

/// An array's bytes with what the converter needs to read them: the dtype, the shape and
/// order, the file (for errors) and, when batches may share the bytes, their owner.
struct Table<'a> {
    bytes: &'a [u8],
    dtype: &'a Dtype,
    shape: &'a [usize],
    order: Order,
    path: &'a Path,
    owner: Option<&'a Owner>,
}

impl Table<'_> {
    /// Rows along axis 0; a 0-d array is one row.
    fn rows(&self) -> usize {
        self.shape.first().copied().unwrap_or(1)
    }

    fn row_shape(&self) -> &[usize] {
        self.shape.get(1..).unwrap_or(&[])
    }

    /// The byte offsets of the elements of `rows`, in logical C order.
    fn element_slots(&self, rows: &Range<usize>) -> Slots {
        let itemsize = self.dtype.itemsize();
        let row_shape = self.row_shape();
        let row_elems: usize = row_shape.iter().product();
        if self.order == Order::C || row_shape.is_empty() {
            return Slots::Strided {
                start: rows.start * row_elems * itemsize,
                stride: itemsize,
                len: rows.len() * row_elems,
            };
        }
        // Fortran order: axis 0 varies fastest in memory, so element `[r, j...]` is at
        // `r + n0 * (j in Fortran order over the other axes)`.
        let n0 = self.rows();
        let mut inner = Vec::with_capacity(row_elems);
        let mut index = vec![0usize; row_shape.len()];
        for _ in 0..row_elems {
            let mut pos = 0usize;
            let mut step = n0;
            for (axis, &i) in index.iter().enumerate() {
                pos += i * step;
                step *= row_shape[axis];
            }
            inner.push(pos);
            for axis in (0..row_shape.len()).rev() {
                index[axis] += 1;
                if index[axis] < row_shape[axis] {
                    break;
                }
                index[axis] = 0;
            }
        }
        let mut slots = Vec::with_capacity(rows.len() * row_elems);
        for r in rows.clone() {
            slots.extend(inner.iter().map(|&p| (r + p) * itemsize));
        }
        Slots::List(slots)
    }

    /// One column: the values of `dtype` at `offset` in each element, wrapped in lists for
    /// the axes after the first.
    fn column(
        &self,
        name: &str,
        dtype: &Dtype,
        offset: usize,
        elems: &Slots,
        rows: usize,
    ) -> Result<ArrayRef> {
        let src = Src {
            bytes: self.bytes,
            owner: self.owner,
        };
        let values = convert(src, name, dtype, &elems.shift(offset))?;
        let data: ArrayData = if self.row_shape().is_empty() {
            values
        } else {
            let inner = data_type(name, dtype)?;
            wrap_lists(
                name,
                dtype,
                values,
                inner,
                nullable(dtype),
                self.row_shape(),
                rows,
            )?
        };
        Ok(make_array(data))
    }

    /// The rows `rows` as a record batch of `schema` (made by `schema_for` from this table).
    fn batch(&self, schema: &SchemaRef, rows: Range<usize>) -> Result<RecordBatch> {
        let elems = self.element_slots(&rows);
        let mut columns = Vec::new();
        match self.dtype {
            Dtype::Record(r) => {
                for f in r.fields.iter().filter(|f| !is_padding(f)) {
                    columns.push(self.column(&f.name, &f.dtype, f.offset, &elems, rows.len())?);
                }
            }
            d => columns.push(self.column(VALUES_COLUMN, d, 0, &elems, rows.len())?),
        }
        let options = RecordBatchOptions::new().with_row_count(Some(rows.len()));
        RecordBatch::try_new_with_options(Arc::clone(schema), columns, &options)
            .map_err(|e| from_arrow("", self.dtype, e))
    }

    /// [`Error::Arrow`]s given the table's file.
    fn with_path(&self, e: Error) -> Error {
        match e {
            Error::Arrow {
                path: None,
                context,
                message,
            } => Error::Arrow {
                path: Some(self.path.to_path_buf()),
                context,
                message,
            },
            e => e,
        }
    }
}

/// The whole of a borrowed array as one record batch, copied.
fn copy_batch(
    bytes: &[u8],
    dtype: &Dtype,
    shape: &[usize],
    order: Order,
    path: &Path,
) -> Result<RecordBatch> {
    let table = Table {
        bytes,
        dtype,
        shape,
        order,
        path,
        owner: None,
    };
    let schema = Arc::new(schema_for(dtype, shape).map_err(|e| table.with_path(e))?);
    table
        .batch(&schema, 0..table.rows())
        .map_err(|e| table.with_path(e))
}

/// The whole array as one record batch, every value copied into Arrow buffers (the array
/// stays yours); [`into_record_batch`] shares the bytes instead where it can.
///
/// ```
/// use arrow_array::cast::AsArray;
/// use arrow_array::types::Float64Type;
/// use typed_memmap::{arrow::to_record_batch, npy, DynArray};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("x.npy");
/// npy::write(&path, &[1.5f64, 2.5, 3.5])?;
/// let batch = to_record_batch(&DynArray::read(&path)?)?;
/// let values = batch.column_by_name("values").unwrap().as_primitive::<Float64Type>();
/// assert_eq!(values.values(), &[1.5, 2.5, 3.5]);
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// [`Error::Arrow`] naming the field and its dtype when Arrow has no type for it or a value
/// does not fit its Arrow type (see the [module docs](crate::arrow#errors)).
pub fn to_record_batch(array: &DynArray) -> Result<RecordBatch> {
    copy_batch(
        array.as_bytes(),
        array.dtype(),
        array.shape(),
        array.order(),
        array.path(),
    )
}

/// One field of a record array as one Arrow array, gathered (nested fields named with dots,
/// `"pos.x"`, as [`DynArray::field`]); an n-d array's other axes are lists around it, as in
/// a record batch.
///
/// ```
/// use arrow_array::cast::AsArray;
/// use arrow_array::types::Float64Type;
/// use typed_memmap::{arrow::field_to_arrow, npy::parse_descr, DynArray, Order};
/// let dtype = parse_descr("[('id', '<u4'), ('', '|V4'), ('price', '<f8')]").unwrap();
/// let mut bytes = vec![0u8; 32];
/// bytes[8..16].copy_from_slice(&2.5f64.to_ne_bytes());
/// bytes[24..32].copy_from_slice(&4.0f64.to_ne_bytes());
/// let array = DynArray::from_bytes(dtype, vec![2], Order::C, &bytes).unwrap();
/// let price = field_to_arrow(&array, "price")?;
/// assert_eq!(price.as_primitive::<Float64Type>().values(), &[2.5, 4.0]);
/// # Ok::<(), typed_memmap::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Field`] when there is no such field; [`Error::Arrow`] as for
/// [`to_record_batch`].
pub fn field_to_arrow(array: &DynArray, name: &str) -> Result<ArrayRef> {
    let field = array.field(name)?;
    let table = Table {
        bytes: array.as_bytes(),
        dtype: array.dtype(),
        shape: array.shape(),
        order: array.order(),
        path: array.path(),
        owner: None,
    };
    let rows = 0..table.rows();
    let elems = table.element_slots(&rows);
    table
        .column(name, field.dtype(), field.offset(), &elems, rows.len())
        .map_err(|e| table.with_path(e))
}

/// The whole array as one record batch that owns it: buffers share the array's bytes where
/// the layout allows (see the [module docs](crate::arrow#zero-copy-or-copy)) and keep it
/// alive, so a mapped file stays mapped until the last buffer is dropped.
///
/// ```
/// use typed_memmap::{arrow::into_record_batch, npy, DynArray};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("x.npy");
/// npy::write(&path, &[1u32, 2, 3])?;
/// // SAFETY: the file is private to this example; nobody else writes or truncates it.
/// let array = unsafe { DynArray::open(&path)? };
/// let data = array.as_bytes().as_ptr();
/// let batch = into_record_batch(array)?;
/// assert_eq!(batch.column(0).to_data().buffers()[0].as_ptr(), data); // no copy
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// As [`to_record_batch`].
pub fn into_record_batch(array: DynArray) -> Result<RecordBatch> {
    let mut reader = BatchReader::new(array, usize::MAX)?;
    reader.batch(0..reader.rows)
}

/// The bytes behind a [`BatchReader`], kept in an `Arc` that the buffers it shares clone.
trait Bytes: Allocation + 'static {
    fn data(&self) -> &[u8];
}

impl Bytes for DynArray {
    fn data(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl<T: Element + Send + Sync + RefUnwindSafe> Bytes for Memmap<T> {
    fn data(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl<T: Element + Send + Sync + RefUnwindSafe> Bytes for MemmapMut<T> {
    fn data(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl<T: Element + Send + Sync + RefUnwindSafe> Bytes for Array<T> {
    fn data(&self) -> &[u8] {
        bytes_of(&self[..])
    }
}

// A log's header check is a closure, which is not `RefUnwindSafe`; the reader never calls it
// (it only reads the records), so an unwind cannot observe it half-updated.
impl<T: Element + Send + Sync + RefUnwindSafe> Bytes for AssertUnwindSafe<RecordLog<T>> {
    fn data(&self) -> &[u8] {
        bytes_of(self.0.records())
    }
}

/// A [`RecordBatchReader`] over an array: `rows_per_batch` rows (along axis 0) at a time, so
/// that a file larger than memory converts with memory bounded by one batch.
///
/// It owns the array (in an `Arc`), and its batches share the array's bytes where the layout
/// allows: those batches keep the array alive. Where they copy, each batch allocates about
/// its own size and nothing else stays behind.
///
/// ```
/// use arrow_array::RecordBatchReader;
/// use typed_memmap::{arrow::BatchReader, npy, DynArray};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("x.npy");
/// npy::write(&path, &(0..10i64).collect::<Vec<_>>())?;
/// // SAFETY: the file is private to this example; nobody else writes or truncates it.
/// let reader = BatchReader::new(unsafe { DynArray::open(&path)? }, 4)?;
/// assert_eq!(reader.len_rows(), 10);
/// let sizes: Vec<usize> = reader.map(|b| b.map(|b| b.num_rows())).collect::<Result<_, _>>()?;
/// assert_eq!(sizes, [4, 4, 2]);
/// # Ok(()) }
/// ```
pub struct BatchReader {
    source: Arc<dyn Bytes>,
    owner: Option<Owner>,
    dtype: Dtype,
    shape: Vec<usize>,
    order: Order,
    path: PathBuf,
    schema: SchemaRef,
    rows_per_batch: usize,
    rows: usize,
    next: usize,
}

impl std::fmt::Debug for BatchReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchReader")
            .field("path", &self.path)
            .field("dtype", &self.dtype.descr())
            .field("shape", &self.shape)
            .field("order", &self.order)
            .field("rows_per_batch", &self.rows_per_batch)
            .field("next", &self.next)
            .finish()
    }
}

impl BatchReader {
    /// A reader of `array`, `rows_per_batch` rows at a time (at least 1 is taken).
    ///
    /// # Errors
    ///
    /// [`Error::Arrow`] when the dtype has no Arrow type (see [`schema_of`](super::schema_of)).
    pub fn new(array: DynArray, rows_per_batch: usize) -> Result<BatchReader> {
        let dtype = array.dtype().clone();
        let shape = array.shape().to_vec();
        let (order, path) = (array.order(), array.path().to_path_buf());
        BatchReader::from_parts(
            Arc::new(array),
            true,
            dtype,
            shape,
            order,
            path,
            rows_per_batch,
        )
    }

    /// A reader of a read-only map, `rows_per_batch` rows at a time. Its batches share the
    /// map where the layout allows.
    ///
    /// # Errors
    ///
    /// As [`new`](BatchReader::new).
    pub fn from_memmap<T>(map: Memmap<T>, rows_per_batch: usize) -> Result<BatchReader>
    where
        T: Element + Send + Sync + RefUnwindSafe,
    {
        let shape = map.shape().to_vec();
        let (order, path) = (map.order(), map.path().to_path_buf());
        let dtype = T::dtype();
        BatchReader::from_parts(
            Arc::new(map),
            true,
            dtype,
            shape,
            order,
            path,
            rows_per_batch,
        )
    }

    /// A reader of a writable map, `rows_per_batch` rows at a time. Every batch is a copy:
    /// the map's bytes could change under a shared Arrow buffer. The reader owns the map, so
    /// nothing writes through it while batches are made.
    ///
    /// # Errors
    ///
    /// As [`new`](BatchReader::new).
    pub fn from_memmap_mut<T>(map: MemmapMut<T>, rows_per_batch: usize) -> Result<BatchReader>
    where
        T: Element + Send + Sync + RefUnwindSafe,
    {
        let shape = map.shape().to_vec();
        let (order, path) = (map.order(), map.path().to_path_buf());
        let dtype = T::dtype();
        let source = Arc::new(map);
        BatchReader::from_parts(source, false, dtype, shape, order, path, rows_per_batch)
    }

    /// A reader of the records a log has shown (as of its last look), `rows_per_batch` at a
    /// time. Its batches share the log's map where the layout allows; the log is frozen as it
    /// is, since the reader owns it.
    ///
    /// # Errors
    ///
    /// As [`new`](BatchReader::new).
    pub fn from_log<T>(log: RecordLog<T>, rows_per_batch: usize) -> Result<BatchReader>
    where
        T: Element + Send + Sync + RefUnwindSafe,
    {
        let shape = vec![log.len()];
        let path = log.path().to_path_buf();
        let dtype = T::dtype();
        BatchReader::from_parts(
            Arc::new(AssertUnwindSafe(log)),
            true,
            dtype,
            shape,
            Order::C,
            path,
            rows_per_batch,
        )
    }

    /// A reader of an array in memory, `rows_per_batch` rows at a time. Its batches share
    /// the array's memory where the layout allows.
    ///
    /// # Errors
    ///
    /// As [`new`](BatchReader::new).
    pub fn from_array<T>(array: Array<T>, rows_per_batch: usize) -> Result<BatchReader>
    where
        T: Element + Send + Sync + RefUnwindSafe,
    {
        let shape = array.shape().to_vec();
        let order = array.order();
        let dtype = T::dtype();
        let path = PathBuf::from("<memory>");
        BatchReader::from_parts(
            Arc::new(array),
            true,
            dtype,
            shape,
            order,
            path,
            rows_per_batch,
        )
    }

    fn from_parts(
        source: Arc<dyn Bytes>,
        share: bool,
        dtype: Dtype,
        shape: Vec<usize>,
        order: Order,
        path: PathBuf,
        rows_per_batch: usize,
    ) -> Result<BatchReader> {
        let schema = schema_for(&dtype, &shape).map_err(|e| at_path(e, &path))?;
        // A read-only source stays unchanged for as long as the reader and its batches hold
        // it, so batches may share its bytes; a writable map's bytes are always copied.
        let owner: Option<Owner> = share.then(|| {
            let owner: Owner = source.clone();
            owner
        });
        Ok(BatchReader {
            rows: shape.first().copied().unwrap_or(1),
            source,
            owner,
            dtype,
            shape,
            order,
            path,
            schema: Arc::new(schema),
            rows_per_batch: rows_per_batch.max(1),
            next: 0,
        })
    }

    /// The number of rows of the whole array (its length along axis 0; 1 for a 0-d array).
    pub fn len_rows(&self) -> usize {
        self.rows
    }

    /// The rows not read yet.
    pub fn remaining_rows(&self) -> usize {
        self.rows - self.next
    }

    /// The rows per batch.
    pub fn rows_per_batch(&self) -> usize {
        self.rows_per_batch
    }

    /// The dtype of the array's elements.
    pub fn dtype(&self) -> &Dtype {
        &self.dtype
    }

    /// The array's shape.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The rows `rows` as one batch (any range inside `0..len_rows()`), whatever has been
    /// read already.
    ///
    /// # Errors
    ///
    /// [`Error::Arrow`] for a range outside the array or a value that does not fit its
    /// Arrow type.
    pub fn batch(&mut self, rows: Range<usize>) -> Result<RecordBatch> {
        let table = Table {
            bytes: self.source.data(),
            dtype: &self.dtype,
            shape: &self.shape,
            order: self.order,
            path: &self.path,
            owner: self.owner.as_ref(),
        };
        if rows.start > rows.end || rows.end > self.rows {
            return Err(table.with_path(Error::Arrow {
                path: None,
                context: format!("rows {}..{}", rows.start, rows.end),
                message: format!(
                    "the array has {} rows; give a range inside 0..{}",
                    self.rows, self.rows
                ),
            }));
        }
        table
            .batch(&self.schema, rows)
            .map_err(|e| table.with_path(e))
    }
}

impl Iterator for BatchReader {
    type Item = std::result::Result<RecordBatch, ArrowError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.rows {
            return None;
        }
        let end = self.next + self.rows_per_batch.min(self.rows - self.next);
        let rows = self.next..end;
        self.next = end;
        Some(
            self.batch(rows)
                .map_err(|e| ArrowError::ExternalError(Box::new(e))),
        )
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.remaining_rows().div_ceil(self.rows_per_batch);
        (n, Some(n))
    }
}

impl RecordBatchReader for BatchReader {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }
}

/// Conversions of borrowed arrays, maps, logs and columns into Arrow data, copying every
/// value (the source stays yours and may change afterwards).
pub trait ToArrow {
    /// The whole source as one record batch: one column per named field of a record, or
    /// one column `values`.
    ///
    /// # Errors
    ///
    /// [`Error::Arrow`] naming the field and its dtype when Arrow has no type for it or a
    /// value does not fit its Arrow type.
    fn to_record_batch(&self) -> Result<RecordBatch>;

    /// The whole source as one Arrow array: a `StructArray` of the fields of a record, or
    /// the `values` column.
    ///
    /// # Errors
    ///
    /// As [`to_record_batch`](ToArrow::to_record_batch).
    fn to_arrow(&self) -> Result<ArrayRef> {
        let batch = self.to_record_batch()?;
        Ok(batch_to_array(batch))
    }
}

/// The one array of a batch: its `values` column, or all its columns as a struct.
fn batch_to_array(batch: RecordBatch) -> ArrayRef {
    let schema = batch.schema();
    let is_record = schema
        .metadata()
        .get(super::schema::DTYPE_KEY)
        .and_then(|d| crate::npy::parse_descr(d).ok())
        .is_some_and(|d| d.as_record().is_some());
    let is_values = !is_record && schema.fields().len() == 1;
    if is_values {
        Arc::clone(batch.column(0))
    } else {
        Arc::new(arrow_array::StructArray::from(batch))
    }
}

impl ToArrow for DynArray {
    fn to_record_batch(&self) -> Result<RecordBatch> {
        to_record_batch(self)
    }
}

macro_rules! typed_to_arrow {
    ($($ty:ident),*) => {$(
        impl<T: Element> ToArrow for $ty<T> {
            fn to_record_batch(&self) -> Result<RecordBatch> {
                copy_batch(self.as_bytes(), &T::dtype(), self.shape(), self.order(), self.path())
            }
        }
    )*};
}
typed_to_arrow!(Memmap, MemmapMut);

impl<T: Element> ToArrow for Array<T> {
    fn to_record_batch(&self) -> Result<RecordBatch> {
        let path = Path::new("<memory>");
        copy_batch(
            bytes_of(&self[..]),
            &T::dtype(),
            self.shape(),
            self.order(),
            path,
        )
    }
}

impl<T: Element> ToArrow for RecordLog<T> {
    fn to_record_batch(&self) -> Result<RecordBatch> {
        let records = self.records();
        let shape = [records.len()];
        copy_batch(
            bytes_of(records),
            &T::dtype(),
            &shape,
            Order::C,
            self.path(),
        )
    }
}

impl<F: Element + Send + Sync + RefUnwindSafe> ToArrow for Column<'_, F> {
    fn to_record_batch(&self) -> Result<RecordBatch> {
        // One gather into a vector, which the batch then owns without a second copy.
        let values = self.to_vec();
        let n = values.len();
        let array = Array::from_vec(values, vec![n], Order::C).ok_or_else(|| {
            super::schema::arrow_error("", &F::dtype(), "the column does not fit an array")
        })?;
        array.into_record_batch()
    }
}

/// Conversions that take the source: record batches whose buffers share its bytes where the
/// layout allows (see the [module docs](crate::arrow#zero-copy-or-copy)).
pub trait IntoArrow {
    /// The whole source as one record batch that owns it.
    ///
    /// # Errors
    ///
    /// As [`ToArrow::to_record_batch`].
    fn into_record_batch(self) -> Result<RecordBatch>;

    /// The whole source as one Arrow array that owns it (as [`ToArrow::to_arrow`]).
    ///
    /// # Errors
    ///
    /// As [`ToArrow::to_record_batch`].
    fn into_arrow(self) -> Result<ArrayRef>
    where
        Self: Sized,
    {
        Ok(batch_to_array(self.into_record_batch()?))
    }
}

impl IntoArrow for DynArray {
    fn into_record_batch(self) -> Result<RecordBatch> {
        into_record_batch(self)
    }
}

impl<T: Element + Send + Sync + RefUnwindSafe> IntoArrow for Memmap<T> {
    fn into_record_batch(self) -> Result<RecordBatch> {
        let mut reader = BatchReader::from_memmap(self, usize::MAX)?;
        reader.batch(0..reader.rows)
    }
}

impl<T: Element + Send + Sync + RefUnwindSafe> IntoArrow for Array<T> {
    fn into_record_batch(self) -> Result<RecordBatch> {
        let mut reader = BatchReader::from_array(self, usize::MAX)?;
        reader.batch(0..reader.rows)
    }
}

impl<T: Element + Send + Sync + RefUnwindSafe> IntoArrow for RecordLog<T> {
    fn into_record_batch(self) -> Result<RecordBatch> {
        let mut reader = BatchReader::from_log(self, usize::MAX)?;
        reader.batch(0..reader.rows)
    }
}
