//! [`Writer`]: writing `.npz` archives that `np.load` reads, stored (`np.savez`) or deflated
//! (`np.savez_compressed`).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::archive::{npz_error, zip_error};
use super::member::Compression;
use crate::dtype::Dtype;
use crate::dynamic::DynArray;
use crate::element::{bytes_of, Element};
use crate::error::{Error, Result};
use crate::npy::{fortran_flag, write_header};
use crate::shape::{element_count, Order};

/// Where stored members' data starts: a multiple of this many bytes in the archive (numpy's
/// own `.npy` data alignment), so that every element type maps.
const DATA_ALIGN: u16 = 64;

/// Writes an `.npz` archive member by member: [`Writer::stored`] is numpy's `np.savez`,
/// [`Writer::deflated`] its `np.savez_compressed`.
///
/// Each member is a `.npy` image with numpy's header bytes, named `<name>.npy` as numpy
/// names them, and written with zip64 sizes (numpy forces zip64 on every member too, so a
/// member may pass 4 GiB). Stored members are placed so that their array data starts at a
/// multiple of 64 bytes in the archive (the local header's extra field is padded, as
/// Android's `zipalign` does; zip readers skip the padding), which lets
/// [`Archive::map`](super::Archive::map) map every element type; numpy's own archives give no
/// such guarantee.
///
/// ```
/// use typed_memmap::npz::{self, Compression};
/// use typed_memmap::{DynArray, Element, Order, Value};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("small.npz");
/// let mut out = npz::Writer::deflated(&path)?;
/// out.add("ramp", &(0..1000u32).collect::<Vec<_>>(), &[10, 100], Order::F)?;
/// let tags = DynArray::from_bytes(u8::dtype(), vec![3], Order::C, b"abc").unwrap();
/// out.add_dyn("tags", &tags)?;
/// out.finish()?;
///
/// let ramp = npz::read::<u32>(&path, "ramp")?;
/// assert_eq!((ramp.shape(), ramp.order()), (&[10, 100][..], Order::F));
/// assert_eq!(ramp.get(&[1, 0]), Some(&1));
/// assert_eq!(npz::read_dyn(&path, "tags")?.get(&[2]), Some(Value::UInt(b'c'.into())));
/// # Ok(()) }
/// ```
pub struct Writer {
    path: PathBuf,
    zip: ZipWriter<BufWriter<File>>,
    compression: Compression,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("path", &self.path)
            .field("compression", &self.compression)
            .finish()
    }
}

impl Writer {
    /// Creates (or truncates) `path` for an archive of stored members, numpy's `np.savez`.
    ///
    /// # Errors
    ///
    /// I/O errors.
    pub fn stored(path: impl AsRef<Path>) -> Result<Writer> {
        Writer::create(path.as_ref(), Compression::Stored)
    }

    /// Creates (or truncates) `path` for an archive of deflated members, numpy's
    /// `np.savez_compressed`.
    ///
    /// # Errors
    ///
    /// I/O errors.
    pub fn deflated(path: impl AsRef<Path>) -> Result<Writer> {
        Writer::create(path.as_ref(), Compression::Deflated)
    }

    /// Creates (or truncates) `path` for an archive whose members are written with
    /// `compression`.
    ///
    /// # Errors
    ///
    /// I/O errors.
    pub fn create(path: impl AsRef<Path>, compression: Compression) -> Result<Writer> {
        let path = path.as_ref();
        crate::map::refuse_pipe(path)?;
        let file = File::create(path).map_err(|e| Error::io("create", path, e))?;
        Ok(Writer {
            path: path.to_path_buf(),
            zip: ZipWriter::new(BufWriter::with_capacity(1 << 20, file)),
            compression,
        })
    }

    /// Adds the member `<name>.npy`: `data` (elements in `order`'s memory order) as an array of
    /// `shape`, with the header `np.save` writes for it.
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] when `data.len()` is not the product of `shape` (nothing is
    /// written); [`Error::Npz`] when no `.npy` header can describe the dtype
    /// ([`NpzProblem::Header`](super::NpzProblem::Header)) or the zip writer refuses the
    /// member, for example a second member of the same name
    /// ([`NpzProblem::Zip`](super::NpzProblem::Zip)); I/O errors.
    pub fn add<T: Element>(
        &mut self,
        name: &str,
        data: &[T],
        shape: &[usize],
        order: Order,
    ) -> Result<()> {
        if element_count(shape) != Some(data.len()) {
            return Err(Error::LengthMismatch {
                path: self.path.clone(),
                shape: shape.to_vec(),
                len: data.len(),
            });
        }
        self.add_bytes(name, &T::dtype(), shape, order, bytes_of(data))
    }

    /// Adds the member `<name>.npy` holding a copy of `array` (any dtype, its shape and
    /// order).
    ///
    /// # Errors
    ///
    /// As [`add`](Writer::add), without the length check.
    pub fn add_dyn(&mut self, name: &str, array: &DynArray) -> Result<()> {
        self.add_bytes(
            name,
            array.dtype(),
            array.shape(),
            array.order(),
            array.as_bytes(),
        )
    }

    fn add_bytes(
        &mut self,
        name: &str,
        dtype: &Dtype,
        shape: &[usize],
        order: Order,
        data: &[u8],
    ) -> Result<()> {
        let file_name = format!("{name}.npy");
        let fail = |problem| npz_error(&self.path, Some(&file_name), problem);
        let header = write_header(dtype, shape, fortran_flag(shape, order))
            .map_err(|e| fail(super::archive::header_problem(e)))?;
        let options = SimpleFileOptions::default().large_file(true);
        let options = match self.compression {
            // The `.npy` header's length is a multiple of 64 (numpy's rule, kept by
            // `write_header`), so the data lands 64-aligned too.
            Compression::Stored => options
                .compression_method(CompressionMethod::Stored)
                .with_alignment(DATA_ALIGN),
            Compression::Deflated => options.compression_method(CompressionMethod::Deflated),
        };
        self.zip
            .start_file(file_name.as_str(), options)
            .map_err(|e| zip_error("write", &self.path, Some(&file_name), e))?;
        self.zip
            .write_all(&header)
            .and_then(|()| self.zip.write_all(data))
            .map_err(|e| Error::io("write", &self.path, e))
    }

    /// Writes the central directory and flushes the file, and returns the errors of doing so.
    /// A writer dropped unfinished still writes the central directory (the zip crate does it
    /// on drop), but an error then is lost: call `finish`.
    ///
    /// # Errors
    ///
    /// I/O errors.
    pub fn finish(self) -> Result<()> {
        let path = self.path;
        let out = self
            .zip
            .finish()
            .map_err(|e| zip_error("write", &path, None, e))?;
        out.into_inner()
            .map_err(|e| Error::io("write", &path, e.into_error()))?;
        Ok(())
    }
}
