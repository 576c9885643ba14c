//! Reading the input's elements in chunks of whole elements, never all at once.
//!
//! Data whose memory order is its logical C order (C order, or at most one axis longer than
//! 1) is read from the file with plain sequential reads into one reused buffer, so the
//! process holds one chunk whatever the file's size: reading through the map would leave
//! every page of the file resident in the process (counted in its RSS) until the end.
//!
//! The one exception is an F-order array of two or more long axes asked for in C order (CSV
//! and JSON rows, a `.npy` of a folded subarray dtype): its elements are gathered from the
//! map in C order, a chunk at a time. The heap stays bounded; the file's pages touched stay
//! in the page cache, which the kernel reclaims as it needs.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use indicatif::ProgressBar;
use typed_memmap::{DynArray, Error, Order};

use crate::error::CliError;

/// The bytes of input read at a time (rounded down to whole elements, at least one).
pub const CHUNK_BYTES: usize = 4 << 20;

/// Chunks of the elements of an array, counted on a progress bar.
pub struct Reader<'a> {
    array: &'a DynArray,
    bar: Option<&'a ProgressBar>,
}

impl<'a> Reader<'a> {
    /// A reader of `array`, which must have been mapped from a file.
    pub fn new(array: &'a DynArray, bar: Option<&'a ProgressBar>) -> Reader<'a> {
        Reader { array, bar }
    }

    /// The array read.
    pub fn array(&self) -> &'a DynArray {
        self.array
    }

    /// Whether the elements lie in memory in logical C order.
    pub fn memory_is_c(&self) -> bool {
        let shape = self.array.shape();
        self.array.order() == Order::C
            || shape.contains(&0)
            || shape.iter().filter(|&&n| n > 1).count() <= 1
    }

    /// Calls `f` with successive chunks of whole elements in memory order: the chunk's bytes
    /// and its number of elements (the bytes are empty for a dtype of size 0).
    pub fn memory_chunks(
        &self,
        mut f: impl FnMut(&[u8], usize) -> Result<(), CliError>,
    ) -> Result<(), CliError> {
        let array = self.array;
        let itemsize = array.itemsize();
        let count = array.len();
        if itemsize == 0 {
            return if count == 0 { Ok(()) } else { f(&[], count) };
        }
        let path = array.path();
        let io = |op: &'static str| {
            move |source: io::Error| Error::Io {
                op,
                path: path.to_path_buf(),
                source,
            }
        };
        let mut file = File::open(path).map_err(io("open"))?;
        file.seek(SeekFrom::Start(array.data_offset()))
            .map_err(io("seek in"))?;
        let per_chunk = (CHUNK_BYTES / itemsize).max(1);
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
                    io("read")(e).into()
                }
            })?;
            f(bytes, n)?;
            if let Some(bar) = self.bar {
                bar.inc(bytes.len() as u64);
            }
            done += n;
        }
        Ok(())
    }

    /// As [`memory_chunks`](Reader::memory_chunks), with the elements in logical C order
    /// (the last index varies fastest), numpy's `arr.ravel()`.
    pub fn c_chunks(
        &self,
        mut f: impl FnMut(&[u8], usize) -> Result<(), CliError>,
    ) -> Result<(), CliError> {
        if self.memory_is_c() {
            return self.memory_chunks(f);
        }
        // An F-order array with two or more axes longer than 1, so every axis is non-empty.
        let array = self.array;
        let itemsize = array.itemsize();
        let shape = array.shape();
        let bytes = array.as_bytes();
        // The F-order step, in elements, of each axis.
        let mut steps = Vec::with_capacity(shape.len());
        let mut step = 1usize;
        for &n in shape {
            steps.push(step);
            step = step.saturating_mul(n);
        }
        let count = array.len();
        let per_chunk = (CHUNK_BYTES / itemsize.max(1)).max(1);
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
            if let Some(bar) = self.bar {
                bar.inc(buf.len() as u64);
            }
            done += n;
        }
        Ok(())
    }
}
