//! The record batches of a `.npy` file read through a window of its data mapped at a time,
//! for the Parquet and Arrow IPC writers: the pages of a map stay resident (and count in the
//! process's RSS) until it is unmapped, so mapping the whole file would make the writer's
//! resident memory grow with the file although its heap does not.

use std::path::{Path, PathBuf};

use arrow_array::{RecordBatch, RecordBatchReader};
use arrow_schema::{ArrowError, SchemaRef};

use crate::arrow::BatchReader;
use crate::dtype::Dtype;
use crate::dynamic::DynArray;
use crate::error::Result;
use crate::map::Advice;
use crate::options::Options;
use crate::shape::Order;

/// The bytes of data mapped at a time: large enough that the maps cost nothing next to the
/// encoding, small enough to keep the resident pages far below a large file.
const WINDOW_BYTES: usize = 32 << 20;

/// The batches of a `.npy` file, a window of rows mapped at a time (see the module docs).
pub(crate) struct NpyWindows {
    path: PathBuf,
    dtype: Dtype,
    descr: String,
    /// The shape of one row (the array's shape after axis 0).
    row_shape: Vec<usize>,
    row_bytes: usize,
    data_offset: u64,
    rows: usize,
    rows_per_batch: usize,
    window_rows: usize,
    /// The first row of the next window.
    next: usize,
    current: BatchReader,
    schema: SchemaRef,
}

impl NpyWindows {
    /// The batches of the `.npy` file `path`, `rows_per_batch` rows each (at least 1). An
    /// array whose rows are not contiguous (Fortran order with 2 axes or more), a 0-d array
    /// and an array of at most one window are read through one map of the whole data.
    ///
    /// # Safety
    ///
    /// See [`Options#safety`]: nobody may truncate the file or write its data until the
    /// reader and every batch it made are dropped.
    pub(crate) unsafe fn open(
        path: &Path,
        rows_per_batch: usize,
    ) -> Result<Box<dyn RecordBatchReader>> {
        // SAFETY: the caller upholds `Options#safety`.
        let whole = unsafe { DynArray::open(path) }?;
        let rows_per_batch = rows_per_batch.max(1);
        let shape = whole.shape().to_vec();
        let row_shape = shape.get(1..).unwrap_or(&[]).to_vec();
        let row_bytes = row_shape
            .iter()
            .product::<usize>()
            .saturating_mul(whole.itemsize());
        let contiguous_rows = whole.order() == Order::C || shape.len() < 2;
        let windows = contiguous_rows && !shape.is_empty() && row_bytes > 0;
        let nbytes = whole.as_bytes().len();
        if !windows || nbytes <= WINDOW_BYTES {
            return Ok(Box::new(BatchReader::new(whole, rows_per_batch)?));
        }
        // Whole batches per window, so that only the last batch of the file is short.
        let fit = (WINDOW_BYTES / row_bytes).max(1);
        let window_rows = if fit >= rows_per_batch {
            fit - fit % rows_per_batch
        } else {
            fit
        };
        let dtype = whole.dtype().clone();
        let descr = whole.descr().to_string();
        let data_offset = whole.data_offset();
        // Each window has the whole array's schema: the same dtype and row shape.
        let whole = BatchReader::new(whole, rows_per_batch)?;
        let schema = RecordBatchReader::schema(&whole);
        let mut windows = NpyWindows {
            path: path.to_path_buf(),
            dtype,
            descr,
            row_shape,
            row_bytes,
            data_offset,
            rows: shape[0],
            rows_per_batch,
            window_rows,
            next: 0,
            current: whole,
            schema,
        };
        // SAFETY: the caller upholds `Options#safety`.
        windows.current = unsafe { windows.window() }?;
        Ok(Box::new(windows))
    }

    /// Maps the next window and makes its reader.
    ///
    /// # Safety
    ///
    /// See [`Options#safety`].
    unsafe fn window(&mut self) -> Result<BatchReader> {
        let start = self.next;
        let rows = self.window_rows.min(self.rows - start);
        self.next += rows;
        // No overflow: the whole data, `rows * row_bytes` bytes at `data_offset`, was mapped.
        let offset = self.data_offset + (start * self.row_bytes) as u64;
        let options = Options::<u8>::new()
            .offset(offset)
            .shape([rows * self.row_bytes])
            .advise(Advice::Sequential);
        // SAFETY: the caller upholds `Options#safety`.
        let map = unsafe { options.open(&self.path) }?;
        let mut shape = vec![rows];
        shape.extend_from_slice(&self.row_shape);
        let array =
            DynArray::from_map(map, self.dtype.clone(), self.descr.clone(), shape, Order::C);
        BatchReader::new(array, self.rows_per_batch)
    }
}

impl Iterator for NpyWindows {
    type Item = std::result::Result<RecordBatch, ArrowError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(batch) = self.current.next() {
                return Some(batch);
            }
            if self.next >= self.rows {
                return None;
            }
            // SAFETY: the caller of `open` promised `Options#safety` for the file until this
            // reader and its batches are dropped.
            match unsafe { self.window() } {
                Ok(reader) => self.current = reader,
                Err(e) => {
                    // No further windows after an error.
                    self.next = self.rows;
                    return Some(Err(ArrowError::ExternalError(Box::new(e))));
                }
            }
        }
    }
}

impl RecordBatchReader for NpyWindows {
    fn schema(&self) -> SchemaRef {
        SchemaRef::clone(&self.schema)
    }
}
