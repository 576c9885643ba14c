//! Appending records to a `.npy` file in place.

use std::fs::File;
use std::path::Path;

use crate::dtype::Dtype;
use crate::element::{bytes_of, Element};
use crate::error::{Error, Result};
use crate::npy::file::open_npy;
use crate::npy::header::{rewrite_shape, Header, DEFAULT_MAX_HEADER_LEN};
use crate::npy::mismatch::check_dtype_of;
use crate::pio::{read_exact_at, write_all_at};
use crate::shape::element_count;

/// Appends `records` to the `.npy` file at `path` in place and returns the array's new shape.
///
/// The file must hold `T` (its dtype equal to `T::dtype()`) as a 1-D array, or an n-d array in
/// C order, which grows along axis 0: `records` must then be whole rows
/// (`records.len()` a multiple of `shape[1] * shape[2] * ...`).
///
/// # Write order and crashes
///
/// 1. Every check runs first (dtype, order, row size, and that the new shape fits in the
///    header); a refused append writes nothing.
/// 2. The records are written after the array's current data, and synced (`fdatasync`).
/// 3. The shape in the header is rewritten in place, in the spare spaces numpy leaves after
///    the header dict (numpy has reserved room for a length of up to 21 digits since late 2022),
///    and synced.
///
/// A crash between 2 and 3 leaves a valid file with the old shape: the new records are
/// trailing bytes that numpy and this crate ignore, and the next append writes over them.
/// Step 3 rewrites only the header, one write of fewer than a few hundred bytes at the start of
/// the file; on file systems that write a sector atomically it cannot tear.
///
/// Appends are not synchronised with other writers: run one appender at a time. Maps of the
/// file made earlier keep their old length; open it again to see the new records.
///
/// ```
/// use typed_memmap::npy;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("log.npy");
/// npy::write(&path, &[1i32, 2])?;
/// assert_eq!(npy::append(&path, &[3i32, 4, 5])?, [5]);
/// assert_eq!(&npy::read::<i32>(&path)?[..], [1, 2, 3, 4, 5]);
/// // The header is as long as before: the data did not move.
/// assert_eq!(std::fs::metadata(&path)?.len(), 128 + 5 * 4);
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// [`Error::DtypeMismatch`] when the file does not hold `T`; [`Error::NotAppendable`] for a
/// 0-d array, a Fortran-order array of rank ≥ 2, or rows that hold no elements;
/// [`Error::PartialRows`] for records that are not whole rows;
/// [`Error::HeaderFull`] when the new shape does not fit in the header's spare room (files
/// written without growth room, by older numpy or by other tools, can run out; then
/// rewrite the file); [`Error::FileTooShort`] when the file's data is shorter than its shape;
/// [`Error::Header`], [`Error::ShapeOverflow`], I/O errors.
pub fn append<T: Element>(path: impl AsRef<Path>, records: &[T]) -> Result<Vec<usize>> {
    append_impl(
        path.as_ref(),
        T::dtype(),
        bytes_of(records),
        records.len(),
        DEFAULT_MAX_HEADER_LEN,
    )
}

/// The non-generic body of [`append`]: `data` holds `count` records of `dtype`.
pub(crate) fn append_impl(
    path: &Path,
    dtype: Dtype,
    data: &[u8],
    count: usize,
    max_header_len: usize,
) -> Result<Vec<usize>> {
    let (file, header) = open_npy(path, true, max_header_len)?;
    check_dtype_of(path, &dtype, &header.dtype)?;
    let shape = &header.shape;
    let (rows, row_len) = growth_axis(path, &header, count)?;
    let overflow = |shape: Vec<usize>| Error::ShapeOverflow {
        path: path.to_path_buf(),
        shape,
        itemsize: dtype.itemsize(),
        offset: header.data_offset,
    };
    let new_rows = match (row_len, count) {
        (_, 0) => return Ok(shape.clone()),
        (0, _) => return Err(not_appendable(path, &header, count)),
        (r, n) if n % r != 0 => return Err(partial_rows(path, shape, n, r)),
        (r, n) => rows.checked_add(n / r),
    };
    let mut new_shape = shape.clone();
    new_shape[0] = new_rows.ok_or_else(|| overflow(shape.clone()))?;
    let nbytes = |s: &[usize]| -> Option<u64> {
        let n = element_count(s)?.checked_mul(dtype.itemsize())?;
        u64::try_from(n).ok()?.checked_add(header.data_offset)
    };
    let data_end = nbytes(shape).ok_or_else(|| overflow(shape.clone()))?;
    nbytes(&new_shape).ok_or_else(|| overflow(new_shape.clone()))?;

    let file_len = file
        .metadata()
        .map_err(|e| Error::io("stat", path, e))?
        .len();
    if file_len < data_end {
        return Err(Error::FileTooShort {
            path: path.to_path_buf(),
            file_len,
            offset: header.data_offset,
            nbytes: data_end - header.data_offset,
            needed: data_end,
        });
    }
    let old_header = header_bytes(&file, path, header.data_offset)?;
    let new_header = with_shape(path, &old_header, &new_shape)?;

    write_all_at(&file, data, data_end).map_err(|e| Error::io("write", path, e))?;
    file.sync_data().map_err(|e| Error::io("sync", path, e))?;
    write_all_at(&file, &new_header, 0).map_err(|e| Error::io("write", path, e))?;
    file.sync_data().map_err(|e| Error::io("sync", path, e))?;
    Ok(new_shape)
}

/// The length along axis 0 and the elements per row of the array `header` describes, or
/// [`Error::NotAppendable`] (naming `records`) when it has no growth axis: a 0-d array or a
/// Fortran-order array of rank 2 or more.
pub(super) fn growth_axis(path: &Path, header: &Header, records: usize) -> Result<(usize, usize)> {
    match header.shape.split_first() {
        Some((&rows, row_shape)) if !header.fortran_order || row_shape.is_empty() => {
            // The header parser checked the shape's byte size, a 0 counting as 1.
            let row_len = element_count(row_shape).ok_or_else(|| Error::ShapeOverflow {
                path: path.to_path_buf(),
                shape: header.shape.clone(),
                itemsize: header.dtype.itemsize(),
                offset: header.data_offset,
            })?;
            Ok((rows, row_len))
        }
        _ => Err(not_appendable(path, header, records)),
    }
}

/// [`Error::NotAppendable`] for `records` records and the array of `header`.
pub(super) fn not_appendable(path: &Path, header: &Header, records: usize) -> Error {
    Error::NotAppendable {
        path: path.to_path_buf(),
        shape: header.shape.clone(),
        fortran_order: header.fortran_order,
        records,
    }
}

/// [`Error::PartialRows`]: `records` elements are not whole rows of `row_len`.
pub(super) fn partial_rows(path: &Path, shape: &[usize], records: usize, row_len: usize) -> Error {
    Error::PartialRows {
        path: path.to_path_buf(),
        shape: shape.to_vec(),
        records,
        row_len,
    }
}

/// The first `len` bytes of `file`: its header (magic through the final `\n`), for `len` its
/// data offset.
pub(super) fn header_bytes(file: &File, path: &Path, len: u64) -> Result<Vec<u8>> {
    // The header is at most the parser's cap plus the fixed prefix: `read_header` checked it.
    let mut bytes = vec![0u8; len as usize];
    read_exact_at(file, &mut bytes, 0).map_err(|e| Error::io("read", path, e))?;
    Ok(bytes)
}

/// `old` with its shape replaced by `new_shape` in the header's spare room, or
/// [`Error::HeaderFull`].
pub(super) fn with_shape(path: &Path, old: &[u8], new_shape: &[usize]) -> Result<Vec<u8>> {
    rewrite_shape(old, new_shape).ok_or_else(|| Error::HeaderFull {
        path: path.to_path_buf(),
        shape: new_shape.to_vec(),
        header_len: old.len() as u64,
    })
}
