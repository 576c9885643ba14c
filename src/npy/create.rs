//! Creating `.npy` files: mapped (`open_memmap(..., 'w+')`) or written from a slice or an
//! iterator (`np.save`), with the header bytes numpy writes.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

use crate::dtype::Dtype;
use crate::element::{bytes_of, Element};
use crate::error::{Error, Result};
use crate::map::MemmapMut;
use crate::npy::file::header_error;
use crate::npy::header::write_header;
use crate::options::Options;
use crate::shape::{element_count, Order};

/// Creates (or truncates) a `.npy` file for a zero-filled array of `T` with `shape` and
/// `order`, and maps its data read-write: numpy's
/// `np.lib.format.open_memmap(path, 'w+', dtype, shape, fortran_order)`.
///
/// The file is byte-identical to what `open_memmap` writes for the same dtype, shape and
/// `fortran_order = (order == Order::F)`: the same header (format version 1.0, 2.0 or 3.0
/// chosen as numpy chooses, sorted keys, spare spaces for growth, data at a multiple of 64),
/// then the data. Like `open_memmap`, `fortran_order` is written as asked even for a 1-D
/// array (numpy's `np.save` writes `False` there; both read back the same).
///
/// Every check runs before the file is touched, so a bad request never truncates a file.
///
/// ```
/// use typed_memmap::{npy, Order};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("z.npy");
/// // SAFETY: the file is private to this example; nobody else writes or truncates it.
/// let mut z = unsafe { npy::create::<u8>(&path, &[2, 2], Order::F)? };
/// z[1] = 7; // memory position 1 is [1, 0] in Fortran order
/// z.flush()?;
/// assert_eq!(npy::read::<u8>(&path)?.get(&[1, 0]), Some(&7));
/// assert_eq!(std::fs::metadata(&path)?.len(), 128 + 4);
/// # Ok(()) }
/// ```
///
/// # Safety
///
/// See [`Options#safety`]: nobody may truncate the file or write its mapped bytes while the
/// map lives.
///
/// # Errors
///
/// [`Error::ShapeOverflow`] when the array does not fit in memory; [`Error::Header`] when no
/// header can describe the dtype; [`Error::Misaligned`] for an element type aligned to more
/// than 64 bytes; I/O errors.
pub unsafe fn create<T: Element>(
    path: impl AsRef<Path>,
    shape: &[usize],
    order: Order,
) -> Result<MemmapMut<T>> {
    let path = path.as_ref();
    let header = header_for::<T>(path, shape, order == Order::F)?;
    let offset = header.len() as u64;
    let file = create_file(path)?;
    (&file)
        .write_all(&header)
        .map_err(|e| Error::io("write", path, e))?;
    let options = Options::<T>::new()
        .offset(offset)
        .shape(shape)
        .order(order)
        .grow(true);
    // SAFETY: the caller upholds `Options#safety` for this file. The header bytes written
    // through the file above lie before `offset`, outside the mapped array.
    unsafe { options.open_file_mut(&file) }
}

/// Writes `data` as a 1-D `.npy` file, like numpy's `np.save(path, arr)` of a 1-D array
/// (byte-identical). Creates or truncates the file; safe, no map. Not synced to disk: call
/// `File::sync_all` on the path afterwards if you need durability.
///
/// ```
/// use typed_memmap::npy;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("v.npy");
/// npy::write(&path, &[1.5f32, -2.0])?;
/// assert_eq!(&npy::read::<f32>(&path)?[..], [1.5, -2.0]);
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// As [`write_shaped`].
pub fn write<T: Element>(path: impl AsRef<Path>, data: &[T]) -> Result<()> {
    write_shaped(path, data, &[data.len()], Order::C)
}

/// Writes `data` (elements in `order`'s memory order) as a `.npy` file of `shape`, like
/// numpy's `np.save` of such an array: byte-identical, and `fortran_order` is `True` only when
/// the array is Fortran-contiguous and not also C-contiguous (numpy's rule, so a 1-D or
/// `(n, 1)` array is written with `False`; its bytes read the same either way).
///
/// # Errors
///
/// [`Error::LengthMismatch`] when `data.len()` is not the product of `shape`;
/// [`Error::ShapeOverflow`]; [`Error::Header`] when no header can describe the dtype; I/O
/// errors.
pub fn write_shaped<T: Element>(
    path: impl AsRef<Path>,
    data: &[T],
    shape: &[usize],
    order: Order,
) -> Result<()> {
    let path = path.as_ref();
    if element_count(shape) != Some(data.len()) {
        return Err(Error::LengthMismatch {
            path: path.to_path_buf(),
            shape: shape.to_vec(),
            len: data.len(),
        });
    }
    let fortran = fortran_flag(shape, order);
    let header = header_for::<T>(path, shape, fortran)?;
    let file = create_file(path)?;
    let mut out = &file;
    out.write_all(&header)
        .and_then(|()| out.write_all(bytes_of(data)))
        .map_err(|e| Error::io("write", path, e))
}

/// Writes the records of `records` as a 1-D `.npy` file, streaming (the count need not be
/// known in advance), and returns how many were written. The result is byte-identical to
/// [`write`](fn@write) of the same records: the header is written for length 0 first and its shape
/// rewritten at the end, in the room numpy reserves for growth.
///
/// ```
/// use typed_memmap::npy;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("squares.npy");
/// let n = npy::write_iter(&path, (0..1000u64).map(|i| i * i))?;
/// assert_eq!(n, 1000);
/// assert_eq!(npy::read::<u64>(&path)?[999], 998_001);
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// [`Error::Header`] when no header can describe the dtype; I/O errors. If the iterator
/// panics, the file is left with a header of length 0 and the records written so far (numpy
/// reads it as empty).
pub fn write_iter<T: Element>(
    path: impl AsRef<Path>,
    records: impl IntoIterator<Item = T>,
) -> Result<usize> {
    let path = path.as_ref();
    let header = header_for::<T>(path, &[0], false)?;
    let file = create_file(path)?;
    let io = |e| Error::io("write", path, e);
    let mut out = BufWriter::new(&file);
    out.write_all(&header).map_err(io)?;
    let mut count = 0usize;
    for record in records {
        out.write_all(bytes_of(core::slice::from_ref(&record)))
            .map_err(io)?;
        count += 1;
    }
    out.flush().map_err(io)?;
    drop(out);
    let header = super::append::with_shape(path, &header, &[count])?;
    let mut out = &file;
    out.seek(SeekFrom::Start(0))
        .and_then(|_| out.write_all(&header))
        .map_err(io)?;
    Ok(count)
}

/// Writes the elements `values` yields, in logical C order, as a C-order `.npy` file of
/// `shape`: [`write_shaped`] for data that is not one slice (a strided `ndarray` view),
/// streamed through a fixed buffer so memory stays bounded whatever the array's size.
#[cfg(feature = "ndarray")]
pub(crate) fn write_c_order<T: Element>(
    path: &Path,
    shape: &[usize],
    values: impl ExactSizeIterator<Item = T>,
) -> Result<()> {
    if element_count(shape) != Some(values.len()) {
        return Err(Error::LengthMismatch {
            path: path.to_path_buf(),
            shape: shape.to_vec(),
            len: values.len(),
        });
    }
    let header = header_for::<T>(path, shape, false)?;
    let file = create_file(path)?;
    let io = |e| Error::io("write", path, e);
    let mut out = &file;
    out.write_all(&header).map_err(io)?;
    // 64 KiB of elements per write (at least one), so a small element is not a system call.
    let chunk = (64 * 1024 / core::mem::size_of::<T>().max(1)).max(1);
    let mut buf: Vec<T> = Vec::with_capacity(chunk);
    for value in values {
        buf.push(value);
        if buf.len() == chunk {
            out.write_all(bytes_of(&buf)).map_err(io)?;
            buf.clear();
        }
    }
    out.write_all(bytes_of(&buf)).map_err(io)
}

/// numpy's header for `T`, `shape` and `fortran_order`, after the size checks a map of it
/// needs (so that nothing is created for an array that cannot exist).
fn header_for<T: Element>(path: &Path, shape: &[usize], fortran: bool) -> Result<Vec<u8>> {
    let dtype: Dtype = T::dtype();
    let header = write_header(&dtype, shape, fortran).map_err(|e| header_error(path, e))?;
    let offset = header.len() as u64;
    let size = core::mem::size_of::<T>();
    let fits = element_count(shape)
        .and_then(|n| n.checked_mul(size))
        .filter(|&n| n <= isize::MAX as usize)
        .and_then(|n| u64::try_from(n).ok()?.checked_add(offset));
    if fits.is_none() {
        return Err(Error::ShapeOverflow {
            path: path.to_path_buf(),
            shape: shape.to_vec(),
            itemsize: size,
            offset,
        });
    }
    let align = core::mem::align_of::<T>();
    if !offset.is_multiple_of(align as u64) {
        return Err(Error::Misaligned {
            path: path.to_path_buf(),
            offset,
            align,
            type_name: core::any::type_name::<T>(),
        });
    }
    Ok(header)
}

fn create_file(path: &Path) -> Result<File> {
    crate::map::refuse_pipe(path)?;
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .map_err(|e| Error::io("create", path, e))
}

/// The `fortran_order` numpy's `np.save` writes for an array of `shape` in `order`.
pub(crate) fn fortran_flag(shape: &[usize], order: Order) -> bool {
    order == Order::F && !is_c_contiguous_too(shape)
}

/// Whether a Fortran-ordered array of `shape` is also C-contiguous (numpy then writes
/// `fortran_order: False`): at most one axis longer than 1, or no elements at all.
fn is_c_contiguous_too(shape: &[usize]) -> bool {
    shape.contains(&0) || shape.iter().filter(|&&d| d != 1).count() <= 1
}

#[cfg(test)]
mod tests {
    use super::is_c_contiguous_too;

    #[test]
    fn contiguity_follows_numpy() {
        let table: [(&[usize], bool); 7] = [
            (&[], true),
            (&[5], true),
            (&[3, 1], true),
            (&[1, 1, 4], true),
            (&[0, 3], true),
            (&[2, 3], false),
            (&[2, 1, 3], false),
        ];
        for (shape, want) in table {
            assert_eq!(is_c_contiguous_too(shape), want, "{shape:?}");
        }
    }
}
