//! NumPy `.npy` files: open them as maps, read them, create them byte-exact, append in place;
//! the header (magic, version, the Python-literal dict) and the descr grammar that maps numpy's
//! dtype descriptors to [`Dtype`](crate::Dtype).
//!
//! | NumPy | typed-memmap |
//! |---|---|
//! | `np.load(p, mmap_mode='r')` | [`open`] → `Memmap<T>`; any dtype: [`DynArray::open`] |
//! | `np.load(p, mmap_mode='r+')` | [`open_mut`] (a short file is an error, not grown) |
//! | `np.load(p, mmap_mode='c')` | [`open_copy`] |
//! | `np.load(p)` | [`read`] → `Array<T>`; any dtype: [`DynArray::read`] |
//! | `open_memmap(p, 'w+', dtype, shape, fortran_order)` | [`create`] |
//! | `np.save(p, arr)` | [`write`](fn@write), [`write_shaped`], [`write_iter`] |
//! | (none) | [`append`]: add records in place, rewriting the shape in the header's spare room |
//! | (none) | [`Appender`]: append through a map that grows by doubling; crash-safe `flush`, `finish` trims |
//!
//! ```
//! use typed_memmap::{npy, Order};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("grid.npy");
//!
//! // SAFETY: the file is private to this example; nobody else writes or truncates it.
//! let mut grid = unsafe { npy::create::<f64>(&path, &[2, 3], Order::C)? };
//! grid.copy_from_slice(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
//! grid.flush()?;
//! drop(grid);
//!
//! // SAFETY: as above.
//! let grid = unsafe { npy::open::<f64>(&path)? };
//! assert_eq!(grid.shape(), [2, 3]);
//! assert_eq!(grid.get(&[1, 0]), Some(&4.0));
//! assert_eq!(grid.offset(), 128); // numpy's 64-byte aligned header
//! # Ok(()) }
//! ```
//!
//! Failure modes: I/O ([`Error::Io`](crate::Error::Io)); a malformed header
//! ([`Error::Header`](crate::Error::Header), with the byte position); a dtype that is not the
//! element type's ([`Error::DtypeMismatch`](crate::Error::DtypeMismatch), with the first
//! difference); data shorter than the header's shape
//! ([`Error::FileTooShort`](crate::Error::FileTooShort)); a shape whose byte size overflows
//! ([`Error::ShapeOverflow`](crate::Error::ShapeOverflow)); elements that do not fill the
//! shape given to [`write_shaped`] ([`Error::LengthMismatch`](crate::Error::LengthMismatch));
//! an append that the file's order, rank, row size or header room cannot take
//! ([`Error::NotAppendable`](crate::Error::NotAppendable),
//! [`Error::PartialRows`](crate::Error::PartialRows),
//! [`Error::HeaderFull`](crate::Error::HeaderFull)).
//!
//! [`DynArray::open`]: crate::DynArray::open
//! [`DynArray::read`]: crate::DynArray::read

mod append;
mod appender;
mod create;
mod descr;
mod file;
mod header;
mod literal;
mod mismatch;
mod open;

pub use append::append;
pub use appender::Appender;
pub use create::{create, write, write_iter, write_shaped};
pub use descr::parse_descr;
pub use header::{
    parse_header, read_header, rewrite_shape, write_header, Header, HeaderError, PrefixError,
    DEFAULT_MAX_HEADER_LEN, MAGIC,
};
pub use open::{open, open_copy, open_mut, read, NpyOptions};

#[cfg(feature = "npz")]
pub(crate) use create::fortran_flag;
#[cfg(feature = "ndarray")]
pub(crate) use create::write_c_order;
pub(crate) use descr::parse_dtype_text;
pub(crate) use file::{header_error, open_npy, order_of};
pub(crate) use mismatch::check_dtype_of;
