//! Opening `.npy` files as maps of `T` (modes `r`, `r+`, `c`) or reading them into memory.

use std::fs::{File, OpenOptions};
use std::path::Path;

use crate::array::Array;
use crate::dtype::{Dtype, Scalar};
use crate::dynamic::DynArray;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::map::{Memmap, MemmapMut};
use crate::npy::header::{read_header, Header, HeaderError, DEFAULT_MAX_HEADER_LEN};
use crate::options::{Options, Shaped};
use crate::shape::Order;

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
        unsafe { map_options::<T>(&header).open_file_named(&file, path) }
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
/// shape and [`Order`]. Big-endian files are mapped with the byte-order types of
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

/// Opens `path` (for writing too if `write`) and parses its header.
pub(crate) fn open_npy(path: &Path, write: bool, max_header_len: usize) -> Result<(File, Header)> {
    let file = OpenOptions::new()
        .read(true)
        .write(write)
        .open(path)
        .map_err(|e| Error::io("open", path, e))?;
    // One `read` for the prefix and a header of up to 4 KiB, instead of three; the file's
    // position is not used afterwards (maps and copies address the data by offset).
    let mut reader = std::io::BufReader::with_capacity(4096, &file);
    let header = read_header(&mut reader, max_header_len).map_err(|e| header_error(path, e))?;
    Ok((file, header))
}

/// The crate error for a header error found in `path`.
pub(crate) fn header_error(path: &Path, e: HeaderError) -> Error {
    Error::Header {
        path: path.to_path_buf(),
        at: e.at,
        message: e.message,
    }
}

/// The map options that put the header's shape and order at its data offset.
fn map_options<T: Element>(header: &Header) -> Options<T, Shaped> {
    Options::<T>::new()
        .offset(header.data_offset)
        .shape(&header.shape)
        .order(order_of(header))
}

/// The memory order a header describes.
pub(crate) fn order_of(header: &Header) -> Order {
    if header.fortran_order {
        Order::F
    } else {
        Order::C
    }
}

/// `Ok` if the file's dtype is `T`'s; else the mismatch error.
fn check_dtype<T: Element>(path: &Path, header: &Header) -> Result<()> {
    check_dtype_of(path, &T::dtype(), &header.dtype)
}

pub(crate) fn check_dtype_of(path: &Path, expected: &Dtype, found: &Dtype) -> Result<()> {
    if expected == found {
        return Ok(());
    }
    Err(Error::DtypeMismatch {
        path: path.to_path_buf(),
        expected: expected.descr(),
        found: found.descr(),
        difference: dtype_difference(expected, found),
    })
}

/// The first difference between two dtypes, in words: `field 'b': '<f8' vs '>f8'` (the
/// element type's first, the file's second).
pub(crate) fn dtype_difference(expected: &Dtype, found: &Dtype) -> String {
    let mut context = Vec::new();
    let what = difference_at(expected, found, &mut context);
    if context.is_empty() {
        what
    } else {
        format!("{}: {what}", context.join(", "))
    }
}

fn difference_at(expected: &Dtype, found: &Dtype, context: &mut Vec<String>) -> String {
    match (expected, found) {
        (Dtype::Scalar(a), Dtype::Scalar(b)) => scalar_difference(a, b),
        (Dtype::Subarray(a, sa), Dtype::Subarray(b, sb)) => {
            if sa != sb {
                format!("subarray shape {sa:?} vs {sb:?}")
            } else {
                context.push("subarray item".to_string());
                difference_at(a, b, context)
            }
        }
        (Dtype::Record(a), Dtype::Record(b)) => {
            for (fa, fb) in a.fields.iter().zip(&b.fields) {
                if fa.name != fb.name {
                    return format!("field name {:?} vs {:?}", fa.name, fb.name);
                }
                context.push(format!("field {:?}", fa.name));
                if fa.offset != fb.offset {
                    return format!("offset {} vs {}", fa.offset, fb.offset);
                }
                if fa.title != fb.title {
                    return format!("title {:?} vs {:?}", fa.title, fb.title);
                }
                if fa.dtype != fb.dtype {
                    return difference_at(&fa.dtype, &fb.dtype, context);
                }
                context.pop();
            }
            if a.fields.len() != b.fields.len() {
                let names = |r: &crate::dtype::RecordDtype| -> Vec<String> {
                    r.fields.iter().map(|f| f.name.clone()).collect()
                };
                return format!("fields {:?} vs {:?}", names(a), names(b));
            }
            format!("itemsize {} vs {}", a.itemsize, b.itemsize)
        }
        (a, b) => format!("{} vs {}", a.descr(), b.descr()),
    }
}

fn scalar_difference(a: &Scalar, b: &Scalar) -> String {
    let (da, db) = (a.descr_str(), b.descr_str());
    if a.kind == b.kind && a.size == b.size && a.order != b.order {
        format!("byte order '{da}' vs '{db}'")
    } else {
        format!("'{da}' vs '{db}'")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtype::{ByteOrder, Field, Kind, RecordDtype};

    fn f8(order: ByteOrder) -> Dtype {
        Dtype::scalar(Kind::Float, order, 8)
    }

    fn record(fields: &[(&str, usize, Dtype)], itemsize: usize) -> Dtype {
        Dtype::Record(RecordDtype {
            fields: fields
                .iter()
                .map(|(name, offset, dtype)| Field {
                    name: (*name).to_string(),
                    title: None,
                    offset: *offset,
                    dtype: dtype.clone(),
                })
                .collect(),
            itemsize,
        })
    }

    #[test]
    fn differences_in_words() {
        let i4 = Dtype::scalar(Kind::Int, ByteOrder::Little, 4);
        let le = f8(ByteOrder::Little);
        let be = f8(ByteOrder::Big);
        let table = [
            (le.clone(), be.clone(), "byte order '<f8' vs '>f8'"),
            (le.clone(), i4.clone(), "'<f8' vs '<i4'"),
            (
                record(&[("a", 0, i4.clone()), ("b", 4, le.clone())], 12),
                record(&[("a", 0, i4.clone()), ("b", 4, be.clone())], 12),
                "field \"b\": byte order '<f8' vs '>f8'",
            ),
            (
                record(&[("a", 0, i4.clone())], 4),
                record(&[("x", 0, i4.clone())], 4),
                "field name \"a\" vs \"x\"",
            ),
            (
                record(&[("a", 0, i4.clone())], 4),
                record(&[("a", 0, i4.clone())], 8),
                "itemsize 4 vs 8",
            ),
            (
                record(&[("a", 0, i4.clone())], 12),
                record(&[("a", 0, i4.clone()), ("b", 4, le.clone())], 12),
                "fields [\"a\"] vs [\"a\", \"b\"]",
            ),
            (
                record(&[("p", 0, record(&[("x", 0, le.clone())], 8))], 8),
                record(&[("p", 0, record(&[("x", 0, be.clone())], 8))], 8),
                "field \"p\", field \"x\": byte order '<f8' vs '>f8'",
            ),
            (
                Dtype::subarray(i4.clone(), &[3]),
                Dtype::subarray(i4.clone(), &[2]),
                "subarray shape [3] vs [2]",
            ),
            (
                le.clone(),
                Dtype::subarray(le.clone(), &[2]),
                "'<f8' vs ('<f8', (2,))",
            ),
        ];
        for (a, b, want) in table {
            assert_eq!(dtype_difference(&a, &b), want);
        }
    }
}
