//! [`Appender<T>`]: records appended to a mapped `.npy` file, with amortised capacity.

use std::path::{Path, PathBuf};

use crate::element::Element;
use crate::error::{Error, Result};
use crate::map::{MemmapMut, Mode, Request, Source};
use crate::npy::append::{growth_axis, header_bytes, not_appendable, partial_rows, with_shape};
use crate::npy::file::{open_npy, order_of};
use crate::npy::header::DEFAULT_MAX_HEADER_LEN;
use crate::npy::mismatch::check_dtype_of;
use crate::pio::write_all_at;
use crate::shape::{element_count, Order};

/// The smallest capacity step, in bytes: below it, doubling would grow the file (one
/// `ftruncate` and one `mremap` each) every few records.
const MIN_GROWTH_BYTES: usize = 64 << 10;

/// How far ahead of the records pages are faulted in, at least, in bytes.
const PREFAULT_BYTES: usize = 1 << 20;

/// Appends records to a `.npy` file through a map that grows by doubling: numpy's
/// `np.save` of an array whose length you do not know in advance, written as it comes.
///
/// The file holds a 1-D array of `T`, or a C-order n-d array that grows along axis 0 (then
/// every [`append`](Appender::append) brings whole rows). Records are written straight into
/// the map; when it is full, the file grows to twice its data (zero-filled) and the map is
/// rebuilt ([`MemmapMut::reserve`]), so appending `n` records costs `O(log n)` system calls.
/// The header's shape is rewritten in place, in the spare room numpy leaves after the header
/// dict, by [`flush`](Appender::flush); [`finish`](Appender::finish) (and, best effort, drop)
/// flushes and cuts the file to the shape.
///
/// ```
/// use typed_memmap::npy;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("ticks.npy");
/// // SAFETY: the file is private to this example; nobody else writes or truncates it.
/// let mut out = unsafe { npy::Appender::<u64>::create(&path)? };
/// for batch in 0..100u64 {
///     out.append(&[batch * 2, batch * 2 + 1])?;
/// }
/// out.flush()?; // every record so far survives a crash from here on
/// out.append(&[200])?;
/// assert_eq!(out.finish()?, [201]);
/// assert_eq!(npy::read::<u64>(&path)?[200], 200);
/// assert_eq!(std::fs::metadata(&path)?.len(), 128 + 201 * 8); // trimmed to the shape
///
/// // SAFETY: as above.
/// let mut more = unsafe { npy::Appender::<u64>::open(&path)? };
/// more.append(&[201, 202])?;
/// drop(more); // finishes, best effort
/// assert_eq!(npy::read::<u64>(&path)?.len(), 203);
/// # Ok(()) }
/// ```
///
/// # Crashes
///
/// A crash of the process at any moment after the constructor returned (`create` truncates
/// and then writes the header: a crash inside it can leave an empty file) leaves a `.npy` file
/// that `np.load` (with or without `mmap_mode`) and [`npy::open`](crate::npy::open) load,
/// holding every record whose `append` returned before the last [`flush`](Appender::flush)
/// returned (and possibly more):
///
/// - records are written into the shared map before the header claims them: `flush` writes
///   the header's changed bytes (one `pwrite`) only after the records' bytes are in the page
///   cache, so the header's shape never claims a record that is not written;
/// - the header's length never changes (the shape takes spaces from its padding), so the
///   data never moves; the bytes that change are the shape's digits and the spaces after
///   them, a few dozen bytes written in one `pwrite`, which a kill cannot leave half done
///   unless they straddle a page boundary (possible only in a header over 4 KiB);
/// - the file is only ever longer than the header's shape says (capacity, zero bytes or
///   records not yet claimed), which numpy and this crate accept: they read the shape's bytes
///   and ignore the rest; [`open`](Appender::open) continues such a file after the last
///   claimed record.
///
/// That is a crash of the process (a panic that aborts, `SIGKILL`, an OOM kill): the page
/// cache outlives it. To survive a crash of the machine, call [`sync`](Appender::sync), which
/// writes the records back (`msync`) before it rewrites the header and syncs that; after a
/// machine crash, records of later `flush`es may be claimed by a header that reached the disk
/// before their data did, and read as zeros.
///
/// One appender per file at a time: appends are not synchronised with other writers. Readers
/// that opened the file earlier keep the length they saw; open it again to see new records.
///
/// # Safety
///
/// The constructors map the file, so they are `unsafe` for the reason in
/// [`Options#safety`](crate::Options#safety): the caller promises that nobody else truncates
/// the file or writes its bytes while the appender lives.
pub struct Appender<T: Element> {
    map: MemmapMut<T>,
    path: PathBuf,
    /// The header bytes as last written: the shape in it is `flushed`.
    header: Vec<u8>,
    /// Elements per row (1 for a 1-D array).
    row_len: usize,
    /// The rows the header in the file claims.
    flushed: usize,
    /// The largest row count known to fit in the header: every count with as many digits.
    room: usize,
    /// Set by `finish`, so that drop does nothing more.
    finished: bool,
    /// The elements (from the data's start) whose pages were faulted in ahead.
    prefaulted: usize,
}

impl<T: Element> Appender<T> {
    /// Creates (or truncates) a `.npy` file for a 1-D array of `T` and returns an appender at
    /// length 0. The header is the one numpy writes (with room for a length of 21 digits).
    ///
    /// # Safety
    ///
    /// See [the type's safety section](Appender#safety).
    ///
    /// # Errors
    ///
    /// As [`create_rows`](Appender::create_rows).
    pub unsafe fn create(path: impl AsRef<Path>) -> Result<Self> {
        // SAFETY: forwarded from the caller.
        unsafe { Self::create_rows(path, &[]) }
    }

    /// Creates (or truncates) a `.npy` file for a C-order array of shape `[0, row_shape...]`
    /// and returns an appender at length 0; each row holds `row_shape`'s product of elements.
    ///
    /// # Safety
    ///
    /// See [the type's safety section](Appender#safety).
    ///
    /// # Errors
    ///
    /// [`Error::NotAppendable`] when a row holds no elements (a 0 in `row_shape`); as
    /// [`npy::create`](crate::npy::create) otherwise: [`Error::ShapeOverflow`],
    /// [`Error::Header`] for a dtype no header can describe, I/O errors.
    pub unsafe fn create_rows(path: impl AsRef<Path>, row_shape: &[usize]) -> Result<Self> {
        let path = path.as_ref();
        let mut shape = vec![0];
        shape.extend_from_slice(row_shape);
        if element_count(row_shape) == Some(0) {
            return Err(Error::NotAppendable {
                path: path.to_path_buf(),
                shape,
                fortran_order: false,
                records: 0,
            });
        }
        // SAFETY: forwarded from the caller.
        let map = unsafe { crate::npy::create::<T>(path, &shape, Order::C) }?;
        let header = header_bytes(map.file(), path, map.offset())?;
        Ok(Self::new(map, path, header, 1))
    }

    /// Opens an existing `.npy` file of `T` (1-D, or C-order n-d growing along axis 0) to
    /// append after its records. Bytes after the data the header's shape claims (left by a
    /// crash of an earlier appender) are overwritten by the next records.
    ///
    /// # Safety
    ///
    /// See [the type's safety section](Appender#safety).
    ///
    /// # Errors
    ///
    /// [`Error::DtypeMismatch`] when the file does not hold `T`; [`Error::NotAppendable`] for
    /// a 0-d array, a Fortran-order array of rank 2 or more, or rows that hold no elements;
    /// [`Error::FileTooShort`] when the file's data is shorter than its shape;
    /// [`Error::Header`], [`Error::ShapeOverflow`], I/O errors.
    pub unsafe fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let (file, header) = open_npy(path, true, DEFAULT_MAX_HEADER_LEN)?;
        check_dtype_of(path, &T::dtype(), &header.dtype)?;
        let (rows, row_len) = growth_axis(path, &header, 0)?;
        if row_len == 0 {
            return Err(not_appendable(path, &header, 0));
        }
        let bytes = header_bytes(&file, path, header.data_offset)?;
        let request = Request {
            offset: header.data_offset,
            shape: Some(&header.shape),
            order: order_of(&header),
            grow: false,
            populate: false,
            advice: None,
        };
        // SAFETY: the caller upholds `Options#safety` for this file; `r+` is a writable mode.
        let map = unsafe { MemmapMut::map(&request, Source::Owned(file, path), Mode::ReadWrite) }?;
        let digits_of_len = rows.checked_ilog10().unwrap_or(0) + 1;
        Ok(Self::new(map, path, bytes, digits_of_len))
    }

    /// The appender of `map`, whose header `header` has room for lengths of `digits` digits.
    fn new(map: MemmapMut<T>, path: &Path, header: Vec<u8>, digits: u32) -> Self {
        let row_len = element_count(&map.shape()[1..]).unwrap_or(1);
        let flushed = map.shape()[0];
        Appender {
            map,
            path: path.to_path_buf(),
            header,
            row_len,
            flushed,
            room: all_nines(digits),
            finished: false,
            prefaulted: flushed * row_len,
        }
    }

    /// Appends `records` (whole rows, in memory order) after the last one. They are in the
    /// map, visible to [`as_slice`](Appender::as_slice), but the file's header claims them
    /// only after the next [`flush`](Appender::flush).
    ///
    /// # Errors
    ///
    /// [`Error::PartialRows`] when `records` are not whole rows; [`Error::HeaderFull`] when
    /// the new length has more digits than the header has room for (files written by older
    /// numpy or other tools, without growth room); [`Error::ShapeOverflow`]; I/O errors when
    /// the file cannot grow (then nothing was appended).
    pub fn append(&mut self, records: &[T]) -> Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        if !records.len().is_multiple_of(self.row_len) {
            return Err(partial_rows(
                &self.path,
                self.map.shape(),
                records.len(),
                self.row_len,
            ));
        }
        let len = self.len();
        let new_len = len
            .checked_add(records.len() / self.row_len)
            .ok_or_else(|| self.overflow())?;
        if new_len > self.room {
            // Refused before anything is written: the next flush could not claim the records.
            with_shape(&self.path, &self.header, &self.shape_at(new_len))?;
            self.room = all_nines(new_len.ilog10() + 1);
        }
        let capacity = self.map.capacity();
        if new_len > capacity {
            let row_bytes = self.row_len * core::mem::size_of::<T>();
            let doubled = capacity
                .saturating_mul(2)
                .max(new_len)
                .max(MIN_GROWTH_BYTES / row_bytes.max(1));
            let grown = match self.map.reserve(doubled - len) {
                // Doubling can overflow where the exact length does not: then take that.
                Err(Error::ShapeOverflow { .. }) => self.map.reserve(new_len - len),
                other => other,
            };
            if let Err(e) = grown {
                // A failed rebuild may leave the map shorter (down to empty where it was
                // unmapped to be remapped): map the records again, they are in the file.
                if self.len() < len {
                    let _ = self.map.resize(len);
                }
                return Err(e);
            }
        }
        self.map.resize(new_len)?; // within the capacity: no system call
        let (start, end) = (len * self.row_len, new_len * self.row_len);
        if end > self.prefaulted {
            // Pages are faulted in ahead, with one system call instead of one page fault per
            // page (faults were a third of the time of appends into fresh pages,
            // benches/appender.rs): the append, and beyond it a quarter of the data so far
            // (at least a megabyte), so that the calls are few. What lies past the last
            // record is zeros within the capacity, and `finish` gives it back.
            let chunk = (PREFAULT_BYTES / core::mem::size_of::<T>().max(1)).max(end / 4);
            let capacity = self.map.capacity().saturating_mul(self.row_len);
            let upto = end.max(self.prefaulted.saturating_add(chunk)).min(capacity);
            self.map.prefault_write(self.prefaulted.max(start)..upto);
            self.prefaulted = upto;
        }
        self.map[start..].copy_from_slice(records);
        Ok(())
    }

    /// Makes the records appended so far part of the file: rewrites the header's shape in
    /// place (one `pwrite`). From its return, a crash of the process leaves them all in the
    /// file (see [Crashes](Appender#crashes)). No `fsync`: see [`sync`](Appender::sync).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the header cannot be written.
    pub fn flush(&mut self) -> Result<()> {
        let len = self.len();
        if len == self.flushed {
            return Ok(());
        }
        if len < self.flushed {
            // Only after a failed growth that could not map the records again: never let the
            // header claim fewer records than it did.
            let lost = std::io::Error::other(format!(
                "the map holds {len} of the {} records the header claims after a failed \
                 resize; open the file again with `Appender::open`",
                self.flushed
            ));
            return Err(Error::io("flush", &self.path, lost));
        }
        // The records' bytes are already in the page cache (stores to a shared map); the
        // header that claims them is written after them.
        let header = with_shape(&self.path, &self.header, &self.shape_at(len))?;
        // Only the bytes that changed: the shape's digits and the spaces after them (the
        // header's length is the same), a few dozen bytes whatever the header's size.
        let first = header.iter().zip(&self.header).position(|(a, b)| a != b);
        if let Some(first) = first {
            let last = header
                .iter()
                .zip(&self.header)
                .rposition(|(a, b)| a != b)
                .unwrap_or(first);
            write_all_at(self.map.file(), &header[first..=last], first as u64)
                .map_err(|e| Error::io("write", &self.path, e))?;
        }
        self.header = header;
        self.flushed = len;
        Ok(())
    }

    /// [`flush`](Appender::flush), durable against a crash of the machine: writes the
    /// records back and waits (`msync`), then rewrites the header and syncs the file
    /// (`fdatasync`), so that the header on disk never claims records that are not.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when a write-back, the header write or the sync fails.
    pub fn sync(&mut self) -> Result<()> {
        self.map.flush()?;
        self.flush()?;
        self.map
            .file()
            .sync_data()
            .map_err(|e| Error::io("sync", &self.path, e))
    }

    /// Flushes, cuts the file to the end of the data (giving back the capacity), and returns
    /// the array's shape. No `fsync`: call [`sync`](Appender::sync) first for durability.
    ///
    /// # Errors
    ///
    /// As [`flush`](Appender::flush), and [`Error::Io`] when the file cannot be cut (it is
    /// then longer than its data, which numpy accepts).
    pub fn finish(mut self) -> Result<Vec<usize>> {
        self.finished = true;
        self.finish_impl()
    }

    fn finish_impl(&mut self) -> Result<Vec<usize>> {
        self.flush()?;
        // Resizing to the length cuts the map, then the file, after the header claims them.
        self.map.resize(self.len())?;
        Ok(self.shape().to_vec())
    }

    /// The number of rows appended (records, for a 1-D array), flushed or not.
    pub fn len(&self) -> usize {
        self.map.shape()[0]
    }

    /// Whether no row has been appended (and the file held none).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The rows the file's header claims: [`len`](Appender::len) as of the last
    /// [`flush`](Appender::flush).
    pub fn flushed_len(&self) -> usize {
        self.flushed
    }

    /// The shape of the array appended so far (`[len]` or `[len, row_shape...]`).
    pub fn shape(&self) -> &[usize] {
        self.map.shape()
    }

    /// The rows the map holds before the file must grow again.
    pub fn capacity(&self) -> usize {
        self.map.capacity()
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The records appended so far (flushed or not), in memory order.
    pub fn as_slice(&self) -> &[T] {
        self.map.as_slice()
    }

    fn shape_at(&self, len: usize) -> Vec<usize> {
        let mut shape = self.map.shape().to_vec();
        shape[0] = len;
        shape
    }

    fn overflow(&self) -> Error {
        Error::ShapeOverflow {
            path: self.path.clone(),
            shape: self.shape_at(usize::MAX),
            itemsize: core::mem::size_of::<T>(),
            offset: self.map.offset(),
        }
    }
}

impl<T: Element> Drop for Appender<T> {
    /// Finishes, best effort: flushes and trims, ignoring errors (call
    /// [`finish`](Appender::finish) to see them).
    fn drop(&mut self) {
        if !self.finished {
            let _ = self.finish_impl();
        }
    }
}

impl<T: Element> std::fmt::Debug for Appender<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Appender")
            .field("path", &self.path)
            .field("dtype", &T::dtype().descr())
            .field("shape", &self.shape())
            .field("flushed_len", &self.flushed)
            .field("capacity", &self.capacity())
            .finish()
    }
}

/// The largest number with `digits` decimal digits, or `usize::MAX`.
fn all_nines(digits: u32) -> usize {
    10usize.checked_pow(digits).map_or(usize::MAX, |p| p - 1)
}
