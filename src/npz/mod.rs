//! NumPy `.npz` archives: list their members, map the stored ones zero-copy, read the
//! compressed ones, and write archives `np.load` reads. Behind the cargo feature `npz`.
//!
//! An `.npz` file is a zip archive of `.npy` files, one per array. `np.savez` stores them
//! without compression, so the bytes of each array lie in the archive as they would in a
//! `.npy` file: this module maps them in place (numpy cannot: `np.load(npz, mmap_mode='r')`
//! silently reads a copy, numpy#5976, numpy#28795). `np.savez_compressed` deflates them;
//! those are decompressed into memory, and asking to map one is an error that says so.
//!
//! | NumPy | typed-memmap | notes |
//! |---|---|---|
//! | `np.load(p)` (an `NpzFile`), `.files` | [`Archive::open`], [`Archive::members`] | every member's dtype, shape, order, compression and byte range |
//! | `np.load(p)['x']` | [`read`], [`read_dyn`] | a copy; deflated members decompressed and CRC-checked |
//! | `np.load(p, mmap_mode='r')['x']` (copies) | [`open`], [`open_dyn`] | a map of a stored member, no copy |
//! | `np.savez(p, x=a)` | [`Writer::stored`] | data at 64-byte aligned archive offsets |
//! | `np.savez_compressed(p, x=a)` | [`Writer::deflated`] | |
//!
//! ```
//! use typed_memmap::{npz, Order};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("run.npz");
//! let mut out = npz::Writer::stored(&path)?;
//! out.add("t", &[0.0f64, 0.5, 1.0], &[3], Order::C)?;
//! out.add("xy", &[1i32, 2, 3, 4, 5, 6], &[3, 2], Order::C)?;
//! out.finish()?;
//!
//! // SAFETY: the archive is private to this example; nobody writes or truncates it.
//! let xy = unsafe { npz::open::<i32>(&path, "xy")? };
//! assert_eq!(xy.get(&[2, 1]), Some(&6));
//! // The map points into the archive's bytes: no copy was made.
//! let member = npz::Archive::open(&path)?.member("xy")?.clone();
//! assert_eq!(xy.offset(), member.data_range().unwrap().start);
//! # Ok(()) }
//! ```
//!
//! **Alignment.** numpy puts a member's data wherever the zip headers end, which is in
//! general not a multiple of the element's alignment (an `f64` array in a numpy archive
//! usually starts at an odd offset). A typed map of such a member is an
//! [`Error::Misaligned`](crate::Error::Misaligned) naming the offset and the alignment. Map
//! it as a [`DynArray`] ([`open_dyn`], any offset), or with alignment-1 element types (the
//! [`byteorder`](crate::byteorder) types, `#[repr(C, packed)]` records), or rewrite the
//! archive with [`Writer`], which aligns stored data to 64 bytes. Reads ([`read`]) copy and
//! have no alignment requirement.
//!
//! **Integrity.** Maps and reads of stored members do not check the member's CRC (a map
//! cannot: the bytes are read when touched); reads of deflated members do.
//!
//! Failure modes: I/O ([`Error::Io`](crate::Error::Io)); [`Error::Npz`](crate::Error::Npz),
//! naming the archive and the member, with a [`NpzProblem`]: not a zip file or a damaged
//! central directory ([`NpzProblem::Zip`]), a member that is not a `.npy` file
//! ([`NpzProblem::NotNpy`]), a missing member (the error lists the members there are,
//! [`NpzProblem::Missing`]), a map of a deflated member ([`NpzProblem::Compressed`]), a
//! malformed `.npy` header ([`NpzProblem::Header`]), a header whose shape needs more bytes
//! than the member holds ([`NpzProblem::TooShort`]), a member past the archive's end
//! ([`NpzProblem::PastEnd`]); a dtype that is not the element type's
//! ([`Error::DtypeMismatch`](crate::Error::DtypeMismatch)); a misaligned data offset.

mod archive;
mod member;
mod reader;
mod writer;

use std::path::Path;

pub use crate::error::NpzProblem;
pub use archive::Archive;
pub use member::{Compression, Member};
pub use writer::Writer;

use crate::array::Array;
use crate::dynamic::DynArray;
use crate::element::Element;
use crate::error::Result;
use crate::map::Memmap;
#[cfg(doc)]
use crate::options::Options;
use archive::{lookup, ArchiveFile};

/// Maps the stored member `name` of the archive at `path` read-only as `T`, zero-copy:
/// numpy's `np.load(path)[name]` without the copy.
///
/// `name` is numpy's key (`x`) or the member's file name (`x.npy`). Only this member's header
/// is read, so the cost does not grow with the member's size (`benches/npz.rs`).
///
/// # Safety
///
/// See [`Options#safety`]: nobody may truncate the archive or write its mapped bytes while
/// the map lives.
///
/// # Errors
///
/// As [`Archive::open`] for the archive and this member, and as [`Archive::map`]: a deflated
/// member ([`NpzProblem::Compressed`]), a dtype mismatch, a data offset that is not a
/// multiple of `T`'s alignment ([`Error::Misaligned`](crate::Error::Misaligned): use
/// [`open_dyn`] or an alignment-1 type).
pub unsafe fn open<T: Element>(path: impl AsRef<Path>, name: &str) -> Result<Memmap<T>> {
    let path = path.as_ref();
    let (file, _, member) = lookup(path, name)?;
    // SAFETY: the caller upholds `Options#safety` for the archive.
    unsafe { archive::map_typed(&member, ArchiveFile::Owned(file), path) }
}

/// Maps the stored member `name` read-only as a [`DynArray`]: any dtype, any data offset.
///
/// # Safety
///
/// See [`Options#safety`].
///
/// # Errors
///
/// As [`open`], without the dtype and alignment checks.
pub unsafe fn open_dyn(path: impl AsRef<Path>, name: &str) -> Result<DynArray> {
    let path = path.as_ref();
    let (file, _, member) = lookup(path, name)?;
    // SAFETY: the caller upholds `Options#safety` for the archive.
    unsafe { archive::map_dyn(&member, ArchiveFile::Owned(file), path) }
}

/// Reads the member `name` (stored or deflated) into an [`Array<T>`]: numpy's
/// `np.load(path)[name]`. Safe, no map.
///
/// # Errors
///
/// As [`Archive::read`].
pub fn read<T: Element>(path: impl AsRef<Path>, name: &str) -> Result<Array<T>> {
    let path = path.as_ref();
    let (file, len, member) = lookup(path, name)?;
    archive::read_typed(&member, &file, len, path)
}

/// Reads the member `name` (stored or deflated) into a [`DynArray`].
///
/// # Errors
///
/// As [`Archive::read_dyn`].
pub fn read_dyn(path: impl AsRef<Path>, name: &str) -> Result<DynArray> {
    let path = path.as_ref();
    let (file, len, member) = lookup(path, name)?;
    archive::read_dyn(&member, &file, len, path)
}
