//! Opening `.npy` files as maps of `T` (modes `r`, `r+`, `c`) or reading them into memory.

use std::path::Path;

use crate::array::Array;
use crate::dynamic::DynArray;
use crate::element::Element;
#[cfg(doc)]
use crate::error::Error;
use crate::error::Result;
use crate::map::{Memmap, MemmapMut};
use crate::npy::file::{open_npy, order_of};
use crate::npy::header::{Header, DEFAULT_MAX_HEADER_LEN};
use crate::npy::mismatch::check_dtype_of;
use crate::options::{Options, Shaped};

/// How to open `.npy` files: today, the cap on the header length.
///
/// The free functions [`open`], [`open_mut`], [`open_copy`], [`read`] and [`append`](super::append)
/// use the defaults; this builder is for the rare file whose header is larger than
/// [`DEFAULT_MAX_HEADER_LEN`], or for tools that want a smaller cap on untrusted input.
///
/// ```
/// use typed_memmap::npy::{self, NpyOptions};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("a.npy");
/// npy::write(&path, &[1u16, 2, 3])?;
/// let a = NpyOptions::new().max_header_len(200).read::<u16>(&path)?;
/// assert_eq!(&a[..], [1, 2, 3]);
/// // A cap below the 118-byte header numpy writes is refused before anything is allocated.
/// assert!(NpyOptions::new().max_header_len(64).read::<u16>(&path).is_err());
/// # Ok(()) }
/// ```
///
/// # Safety
///
/// The mapping methods are `unsafe` for the reason given in [`Options#safety`]: the caller
/// promises that nobody truncates the file or writes the mapped bytes while the map lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NpyOptions {
    max_header_len: usize,
}

impl Default for NpyOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl NpyOptions {
    /// The defaults: a header of at most [`DEFAULT_MAX_HEADER_LEN`] bytes.
    pub fn new() -> Self {
        NpyOptions {
            max_header_len: DEFAULT_MAX_HEADER_LEN,
        }
    }

    /// The largest header (the dict text, in bytes) that will be read. Longer headers are an
    /// [`Error::Header`], found before the header is allocated.
    pub fn max_header_len(mut self, len: usize) -> Self {
        self.max_header_len = len;
        self
    }

    /// Maps the data of a `.npy` file read-only as `T` (numpy's `mmap_mode='r'`), with the
    /// header's shape and order.
    ///
    /// # Safety
    ///
    /// See [`Options#safety`].
    ///
    /// # Errors
    ///
    /// I/O errors; [`Error::Header`] for a malformed header; [`Error::DtypeMismatch`] when the
    /// header's dtype is not `T::dtype()`; [`Error::FileTooShort`] when the data is shorter
    /// than the shape needs; [`Error::Misaligned`] when the data offset breaks `T`'s alignment;
    /// [`Error::ShapeOverflow`].
    pub unsafe fn open<T: Element>(&self, path: impl AsRef<Path>) -> Result<Memmap<T>> {
        let path = path.as_ref();
        let (file, header) = open_npy(path, false, self.max_header_len)?;
        check_dtype::<T>(path, &header)?;
        // SAFETY: the caller upholds `Options#safety` for this file.
        unsafe { map_options::<T>(&header).open_owned_named(file, path) }
    }

    /// Maps the data of a `.npy` file read-write as `T` (numpy's `mmap_mode='r+'`).
    ///
    /// Unlike numpy, a file whose data is shorter than the header's shape is an error, not
    /// silently extended with zeros.
    ///
    /// # Safety
    ///
    /// See [`Options#safety`].
    ///
    /// # Errors
    ///
    /// As [`open`](NpyOptions::open).
    pub unsafe fn open_mut<T: Element>(&self, path: impl AsRef<Path>) -> Result<MemmapMut<T>> {
        let path = path.as_ref();
        let (file, header) = open_npy(path, true, self.max_header_len)?;
        check_dtype::<T>(path, &header)?;
        // SAFETY: the caller upholds `Options#safety` for this file.
        unsafe { map_options::<T>(&header).open_file_mut(&file) }
    }

    /// Maps the data of a `.npy` file copy-on-write as `T` (numpy's `mmap_mode='c'`): the map
    /// can be written, the file never changes.
    ///
    /// # Safety
    ///
    /// See [`Options#safety`].
    ///
    /// # Errors
    ///
    /// As [`open`](NpyOptions::open).
    pub unsafe fn open_copy<T: Element>(&self, path: impl AsRef<Path>) -> Result<MemmapMut<T>> {
        let path = path.as_ref();
        let (file, header) = open_npy(path, false, self.max_header_len)?;
        check_dtype::<T>(path, &header)?;
        // SAFETY: the caller upholds `Options#safety` for this file.
        unsafe { map_options::<T>(&header).open_file_copy(&file) }
    }

    /// Reads a `.npy` file into memory as an [`Array<T>`], with the checks of
    /// [`open`](NpyOptions::open) but no map: safe whatever other processes do.
    ///
    /// # Errors
    ///
    /// As [`open`](NpyOptions::open), plus read errors.
    pub fn read<T: Element>(&self, path: impl AsRef<Path>) -> Result<Array<T>> {
        let path = path.as_ref();
        let (file, header) = open_npy(path, false, self.max_header_len)?;
        check_dtype::<T>(path, &header)?;
        map_options::<T>(&header).read_file(&file)
    }

    /// Maps a `.npy` file of any dtype read-only as a [`DynArray`].
    ///
    /// # Safety
    ///
    /// See [`Options#safety`].
    ///
    /// # Errors
    ///
    /// As [`open`](NpyOptions::open), without the dtype check.
    pub unsafe fn open_dyn(&self, path: impl AsRef<Path>) -> Result<DynArray> {
        // SAFETY: the caller upholds `Options#safety` for this file.
        unsafe { DynArray::open_with(path.as_ref(), self.max_header_len) }
    }

    /// Reads a `.npy` file of any dtype into memory as a [`DynArray`].
    ///
    /// # Errors
    ///
    /// As [`open_dyn`](NpyOptions::open_dyn), plus read errors.
    pub fn read_dyn(&self, path: impl AsRef<Path>) -> Result<DynArray> {
        DynArray::read_with(path.as_ref(), self.max_header_len)
    }

    /// Appends `records` to a `.npy` file in place; see [`append`](super::append).
    ///
    /// # Errors
    ///
    /// As [`append`](super::append).
    pub fn append<T: Element>(&self, path: impl AsRef<Path>, records: &[T]) -> Result<Vec<usize>> {
        super::append::append_impl(
            path.as_ref(),
            T::dtype(),
            crate::element::bytes_of(records),
            records.len(),
            self.max_header_len,
        )
    }
}

/// Maps the data of a `.npy` file read-only as `T`, numpy's `np.load(path, mmap_mode='r')`.
///
/// The header's dtype must equal `T::dtype()`; its shape and `fortran_order` become the map's
/// shape and [`Order`](crate::Order). Big-endian files are mapped with the byte-order types of
/// [`byteorder`](crate::byteorder), records with `#[derive(Record)]` structs.
///
/// ```
/// use typed_memmap::{byteorder::{BigEndian, I32}, npy};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("be.npy");
/// npy::write(&path, &[I32::<BigEndian>::new(-7), I32::new(9)])?;
/// // SAFETY: the file is private to this example; nobody else writes or truncates it.
/// let m = unsafe { npy::open::<I32<BigEndian>>(&path)? };
/// assert_eq!(m[0].get(), -7);
/// // The wrong element type is refused, with the difference spelt out.
/// // SAFETY: as above.
/// let err = unsafe { npy::open::<i32>(&path) }.unwrap_err();
/// assert!(err.to_string().contains("'<i4'"), "{err}");
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
/// See [`NpyOptions::open`].
pub unsafe fn open<T: Element>(path: impl AsRef<Path>) -> Result<Memmap<T>> {
    // SAFETY: the caller upholds `Options#safety`.
    unsafe { NpyOptions::new().open(path) }
}

/// Maps the data of a `.npy` file read-write as `T`, numpy's `np.load(path, mmap_mode='r+')`.
///
/// A file whose data is shorter than its header's shape is an [`Error::FileTooShort`]; numpy
/// would silently extend it with zeros.
///
/// # Safety
///
/// See [`Options#safety`].
///
/// # Errors
///
/// See [`NpyOptions::open`].
pub unsafe fn open_mut<T: Element>(path: impl AsRef<Path>) -> Result<MemmapMut<T>> {
    // SAFETY: the caller upholds `Options#safety`.
    unsafe { NpyOptions::new().open_mut(path) }
}

/// Maps the data of a `.npy` file copy-on-write as `T`, numpy's
/// `np.load(path, mmap_mode='c')`.
///
/// # Safety
///
/// See [`Options#safety`].
///
/// # Errors
///
/// See [`NpyOptions::open`].
pub unsafe fn open_copy<T: Element>(path: impl AsRef<Path>) -> Result<MemmapMut<T>> {
    // SAFETY: the caller upholds `Options#safety`.
    unsafe { NpyOptions::new().open_copy(path) }
}

/// Reads a `.npy` file into an [`Array<T>`], numpy's `np.load(path)`: safe, no map.
///
/// ```
/// use typed_memmap::{npy, Order};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("m.npy");
/// npy::write_shaped(&path, &[1i64, 2, 3, 4, 5, 6], &[3, 2], Order::F)?;
/// let a = npy::read::<i64>(&path)?;
/// assert_eq!((a.shape(), a.order()), (&[3, 2][..], Order::F));
/// assert_eq!(a.get(&[0, 1]), Some(&4));
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// See [`NpyOptions::read`].
pub fn read<T: Element>(path: impl AsRef<Path>) -> Result<Array<T>> {
    NpyOptions::new().read(path)
}

/// The map options that put the header's shape and order at its data offset.
fn map_options<T: Element>(header: &Header) -> Options<T, Shaped> {
    Options::<T>::new()
        .offset(header.data_offset)
        .shape(&header.shape)
        .order(order_of(header))
}

/// `Ok` if the file's dtype is `T`'s; else the mismatch error.
fn check_dtype<T: Element>(path: &Path, header: &Header) -> Result<()> {
    check_dtype_of(path, &T::dtype(), &header.dtype)
}
