//! Reading the input's elements in chunks of whole elements, never all at once.
//!
//! The elements are those numpy sees: a subarray dtype (a raw file's `--dtype "('<f4',
//! (3,))"`) is folded into the shape, `(n,)` of `('<f4', (3,))` being `(n, 3)` of `<f4`, in
//! the array's order; so an F-order array of a subarray dtype is, as in `np.memmap`, F-order
//! over the whole shape.
//!
//! Data whose memory order is its logical C order (C order, or a single axis longer than
//! one) is read from the file with plain sequential reads into one reused buffer, so the
//! process holds one chunk whatever the file's size: reading through the map would leave
//! every page of the file resident in the process (counted in its RSS) until the end.
//!
//! The one exception is an F-order array of two or more long axes asked for in C order (CSV
//! and JSON rows, a `.npy` of a field with a subarray): its elements are gathered from the
//! map in C order, a chunk at a time. The heap stays bounded; the file's pages touched stay
//! in the page cache, which the kernel reclaims as it needs.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use indicatif::ProgressBar;
use typed_memmap::{Dtype, DynArray, Error, Order};

use crate::error::CliError;

/// The bytes of input read at a time (rounded down to whole elements, at least one).
pub const CHUNK_BYTES: usize = 4 << 20;

/// Bytes per step of [`Reader::copy_data`]: the progress bar moves this often.
pub const COPY_STEP: u64 = 64 << 20;

/// Chunks of the elements of an array, counted on a progress bar.
pub struct Reader<'a> {
    array: &'a DynArray,
    /// The element dtype, never a subarray.
    dtype: Dtype,
    /// The shape with the subarray's axes, if any, appended.
    shape: Vec<usize>,
    bar: Option<ProgressBar>,
}

/// The library's error for an I/O failure `op` on `path`.
fn io_error(op: &'static str, path: &std::path::Path, source: io::Error) -> Error {
    Error::Io {
        op,
        path: path.to_path_buf(),
        source,
    }
}

impl<'a> Reader<'a> {
    /// The input file, opened for plain reads and positioned at its first data byte.
    fn data_file(&self) -> Result<File, CliError> {
        let path = self.array.path();
        let mut file = File::open(path).map_err(|e| io_error("open", path, e))?;
        file.seek(SeekFrom::Start(self.array.data_offset()))
            .map_err(|e| io_error("seek in", path, e))?;
        Ok(file)
    }

    /// A reader of `array`, which must have been mapped from a file.
    pub fn new(array: &'a DynArray) -> Reader<'a> {
        let mut shape = array.shape().to_vec();
        let dtype = match array.dtype() {
            Dtype::Subarray(base, sub) => {
                shape.extend_from_slice(sub);
                (**base).clone()
            }
            dtype => dtype.clone(),
        };
        Reader {
            array,
            dtype,
            shape,
            bar: None,
        }
    }

    /// Counts the bytes read on `bar`.
    pub fn set_bar(&mut self, bar: Option<ProgressBar>) {
        self.bar = bar;
    }

    /// The array read.
    pub fn array(&self) -> &'a DynArray {
        self.array
    }

    /// The dtype of the elements (a subarray dtype's base).
    pub fn dtype(&self) -> &Dtype {
        &self.dtype
    }

    /// The shape of the elements (a subarray dtype's axes last).
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The number of elements.
    fn len(&self) -> usize {
        // Checked when the array was mapped: its bytes are this many elements.
        self.shape.iter().product()
    }

    /// Whether the elements lie in memory in logical C order: numpy's `c_contiguous`.
    pub fn memory_is_c(&self) -> bool {
        self.array.order() == Order::C
            || self.shape.contains(&0)
            || self.shape.iter().filter(|&&n| n > 1).count() <= 1
    }

    /// Calls `f` with successive chunks of whole elements in memory order: the chunk's bytes
    /// and its number of elements (the bytes are empty for a dtype of size 0).
    pub fn memory_chunks(
        &self,
        f: impl FnMut(&[u8], usize) -> Result<(), CliError>,
    ) -> Result<(), CliError> {
        self.memory_chunks_of(1, f)
    }

    /// As [`memory_chunks`](Reader::memory_chunks), each chunk a whole number of `align`
    /// elements (at least `align`, at most [`CHUNK_BYTES`] when `align` elements fit).
    fn memory_chunks_of(
        &self,
        align: usize,
        mut f: impl FnMut(&[u8], usize) -> Result<(), CliError>,
    ) -> Result<(), CliError> {
        let array = self.array;
        let itemsize = self.dtype.itemsize();
        let count = self.len();
        if itemsize == 0 {
            return if count == 0 { Ok(()) } else { f(&[], count) };
        }
        let path = array.path();
        let mut file = self.data_file()?;
        let per_chunk = per_chunk(itemsize, align);
        let mut buf = vec![0u8; per_chunk.min(count) * itemsize];
        let mut done = 0usize;
        while done < count {
            let n = per_chunk.min(count - done);
            let bytes = &mut buf[..n * itemsize];
            file.read_exact(bytes).map_err(|e| {
                if e.kind() == io::ErrorKind::UnexpectedEof {
                    CliError::Usage(format!(
                        "{} became shorter while it was converted (element {} of {count} is \
                         missing); convert a file that is not being truncated",
                        path.display(),
                        done + n
                    ))
                } else {
                    io_error("read", path, e).into()
                }
            })?;
            f(bytes, n)?;
            if let Some(bar) = &self.bar {
                bar.inc(bytes.len() as u64);
            }
            done += n;
        }
        Ok(())
    }

    /// Copies the data bytes as they lie in the file to `out`, in the kernel where it can
    /// (`copy_file_range` on Linux, through `std::io::copy`) and [`CHUNK_BYTES`] at a time
    /// otherwise, [`COPY_STEP`] per progress step.
    pub fn copy_data(&self, out: &File) -> Result<(), CliError> {
        let array = self.array;
        let path = array.path();
        let file = self.data_file()?;
        let total = array.as_bytes().len() as u64;
        let mut done = 0u64;
        while done < total {
            let step = COPY_STEP.min(total - done);
            let copied = io::copy(&mut (&file).take(step), &mut &*out).map_err(|e| {
                CliError::Io(format!("cannot copy the data of {}: {e}", path.display()))
            })?;
            if copied < step {
                return Err(CliError::Usage(format!(
                    "{} became shorter while it was converted (byte {} of {total} of data is \
                     missing); convert a file that is not being truncated",
                    path.display(),
                    done + copied
                )));
            }
            if let Some(bar) = &self.bar {
                bar.inc(copied);
            }
            done += copied;
        }
        Ok(())
    }

    /// As [`memory_chunks`](Reader::memory_chunks), with the elements in logical C order
    /// (the last index varies fastest), numpy's `arr.ravel()`.
    pub fn c_chunks(
        &self,
        f: impl FnMut(&[u8], usize) -> Result<(), CliError>,
    ) -> Result<(), CliError> {
        self.c_chunks_of(1, f)
    }

    /// As [`c_chunks`](Reader::c_chunks), each chunk a whole number of `align` elements (at
    /// least `align`): whole rows of axis 0 with `align` the elements of a row.
    pub fn c_chunks_of(
        &self,
        align: usize,
        mut f: impl FnMut(&[u8], usize) -> Result<(), CliError>,
    ) -> Result<(), CliError> {
        if self.memory_is_c() {
            return self.memory_chunks_of(align, f);
        }
        // An F-order array with two or more axes longer than 1, so every axis is non-empty.
        let itemsize = self.dtype.itemsize();
        let shape = &self.shape;
        let bytes = self.array.as_bytes();
        // The F-order step, in elements, of each axis.
        let mut steps = Vec::with_capacity(shape.len());
        let mut step = 1usize;
        for &n in shape {
            steps.push(step);
            step = step.saturating_mul(n);
        }
        let count = self.len();
        let per_chunk = per_chunk(itemsize, align);
        let mut buf = Vec::with_capacity(per_chunk.min(count) * itemsize);
        let mut index = vec![0usize; shape.len()];
        let mut pos = 0usize;
        let mut done = 0usize;
        while done < count {
            let n = per_chunk.min(count - done);
            buf.clear();
            for _ in 0..n {
                let start = pos * itemsize;
                let item = bytes.get(start..start + itemsize).ok_or_else(|| {
                    CliError::Usage(format!(
                        "element {pos} lies past the {} bytes of data",
                        bytes.len()
                    ))
                })?;
                buf.extend_from_slice(item);
                // The next index in C order, and its position in F order.
                for axis in (0..shape.len()).rev() {
                    index[axis] += 1;
                    pos += steps[axis];
                    if index[axis] < shape[axis] {
                        break;
                    }
                    pos -= steps[axis] * shape[axis];
                    index[axis] = 0;
                }
            }
            f(&buf, n)?;
            if let Some(bar) = &self.bar {
                bar.inc(buf.len() as u64);
            }
            done += n;
        }
        Ok(())
    }
}

/// Elements per chunk: as many whole groups of `align` as fit in [`CHUNK_BYTES`], at least
/// one group.
fn per_chunk(itemsize: usize, align: usize) -> usize {
    let align = align.max(1);
    let groups = (CHUNK_BYTES / itemsize.max(1) / align).max(1);
    groups.saturating_mul(align)
}
