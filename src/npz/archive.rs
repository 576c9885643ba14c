//! [`Archive`]: an `.npz` archive opened and listed; mapping and reading its members.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use zip::result::ZipError;
use zip::{CompressionMethod, ZipArchive};

use super::member::{Compression, Member};
use super::reader::At;
use crate::array::Array;
use crate::dynamic::DynArray;
use crate::element::Element;
use crate::error::{Error, NpzProblem, Result};
use crate::map::Memmap;
use crate::npy::{check_dtype_of, read_header, HeaderError, DEFAULT_MAX_HEADER_LEN};
use crate::options::{Options, Shaped};

/// The zip reader over an archive file.
type Zip<'a> = ZipArchive<BufReader<At<'a>>>;

/// An `.npz` archive: numpy's `NpzFile`, with every member listed up front.
///
/// ```
/// use typed_memmap::npz::{self, Archive, Compression};
/// use typed_memmap::Order;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("data.npz");
/// let mut out = npz::Writer::stored(&path)?;
/// out.add("x", &[1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3], Order::C)?;
/// out.add("flags", &[1u8, 0], &[2], Order::C)?;
/// out.finish()?;
///
/// let archive = Archive::open(&path)?;
/// let names: Vec<&str> = archive.members().iter().map(|m| m.name()).collect();
/// assert_eq!(names, ["x", "flags"]);
/// let x = archive.member("x")?;
/// assert_eq!((x.descr(), x.shape(), x.compression()), ("'<f8'", &[2, 3][..], Compression::Stored));
/// // Our writer puts stored data at 64-byte aligned offsets, so every element type maps.
/// assert_eq!(x.data_range().unwrap().start % 64, 0);
/// // SAFETY: the archive is private to this example; nobody writes or truncates it.
/// let m = unsafe { archive.map::<f64>("x")? };
/// assert_eq!(m.get(&[1, 2]), Some(&6.0));
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Archive {
    path: PathBuf,
    file: File,
    len: u64,
    members: Vec<Member>,
}

impl Archive {
    /// Opens an `.npz` archive and reads its listing: the zip central directory and every
    /// member's `.npy` header (for a deflated member, its first bytes are decompressed).
    ///
    /// # Errors
    ///
    /// I/O errors; [`Error::Npz`] naming the archive and the member, when the file is not a
    /// zip archive or its central directory is damaged ([`NpzProblem::Zip`]), a member's
    /// name does not end in `.npy` ([`NpzProblem::NotNpy`]), its compression is neither stored
    /// nor deflated ([`NpzProblem::Method`]), its `.npy` header is malformed
    /// ([`NpzProblem::Header`]) or promises more bytes than the member holds
    /// ([`NpzProblem::TooShort`]), or its bytes lie past the end of the archive
    /// ([`NpzProblem::PastEnd`]).
    pub fn open(path: impl AsRef<Path>) -> Result<Archive> {
        let path = path.as_ref();
        let (file, len) = open_file(path)?;
        let mut zip = zip_of(&file, len, path)?;
        let members = (0..zip.len())
            .map(|index| member_at(&mut zip, &file, index, len, path))
            .collect::<Result<Vec<Member>>>()?;
        drop(zip);
        Ok(Archive {
            path: path.to_path_buf(),
            file,
            len,
            members,
        })
    }

    /// The archive's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The members, in the order of the archive's central directory (the order numpy wrote
    /// them).
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// The member `name`: numpy's key (`x`), or the file name in the archive (`x.npy`).
    ///
    /// # Errors
    ///
    /// [`Error::Npz`] with [`NpzProblem::Missing`], which lists the members there are.
    pub fn member(&self, name: &str) -> Result<&Member> {
        let npy = format!("{name}.npy");
        self.members
            .iter()
            .find(|m| m.file_name == npy)
            .or_else(|| self.members.iter().find(|m| m.file_name == name))
            .ok_or_else(|| {
                let members = self.members.iter().map(|m| m.name().to_string()).collect();
                npz_error(&self.path, Some(name), NpzProblem::Missing { members })
            })
    }

    /// Maps the stored member `name` read-only as `T`, zero-copy, at its data offset in the
    /// archive.
    ///
    /// numpy places a member's data wherever the zip headers end, which is in general not a
    /// multiple of the element's alignment: then this is an [`Error::Misaligned`] naming the
    /// offset and the alignment. Map such members as a [`DynArray`]
    /// ([`map_dyn`](Archive::map_dyn)) or with alignment-1 types (the
    /// [`byteorder`](crate::byteorder) types, `#[repr(C, packed)]` records), or write the
    /// archive with [`Writer`](super::Writer), which aligns stored data to 64 bytes.
    ///
    /// # Safety
    ///
    /// See [`Options#safety`]: nobody may truncate the archive or write its mapped bytes while
    /// the map lives.
    ///
    /// # Errors
    ///
    /// [`NpzProblem::Missing`]; [`NpzProblem::Compressed`] for a deflated member;
    /// [`Error::DtypeMismatch`] when the member's dtype is not `T::dtype()`;
    /// [`Error::Misaligned`]; I/O errors.
    pub unsafe fn map<T: Element>(&self, name: &str) -> Result<Memmap<T>> {
        let member = self.member(name)?;
        // SAFETY: the caller upholds `Options#safety` for the archive.
        unsafe { map_typed(member, ArchiveFile::Borrowed(&self.file), &self.path) }
    }

    /// Maps the stored member `name` read-only as a [`DynArray`] (any dtype, any data offset).
    ///
    /// # Safety
    ///
    /// See [`Options#safety`].
    ///
    /// # Errors
    ///
    /// [`NpzProblem::Missing`]; [`NpzProblem::Compressed`] for a deflated member; I/O errors.
    pub unsafe fn map_dyn(&self, name: &str) -> Result<DynArray> {
        let member = self.member(name)?;
        // SAFETY: the caller upholds `Options#safety` for the archive.
        unsafe { map_dyn(member, ArchiveFile::Borrowed(&self.file), &self.path) }
    }

    /// Reads the member `name` into memory as an [`Array<T>`]: a stored member is copied, a
    /// deflated one decompressed (and its CRC checked). Safe, no map.
    ///
    /// # Errors
    ///
    /// [`NpzProblem::Missing`]; [`Error::DtypeMismatch`]; [`NpzProblem::Zip`] for corrupt
    /// compressed data; for a deflated member, [`Error::Misaligned`] when `T` is aligned to
    /// more than 8 bytes (read it with [`read_dyn`](Archive::read_dyn)); I/O errors.
    pub fn read<T: Element>(&self, name: &str) -> Result<Array<T>> {
        read_typed(self.member(name)?, &self.file, self.len, &self.path)
    }

    /// Reads the member `name` into memory as a [`DynArray`].
    ///
    /// # Errors
    ///
    /// [`NpzProblem::Missing`]; [`NpzProblem::Zip`] for corrupt compressed data; I/O errors.
    pub fn read_dyn(&self, name: &str) -> Result<DynArray> {
        read_dyn(self.member(name)?, &self.file, self.len, &self.path)
    }
}

/// Opens `path` read-only, with its length.
fn open_file(path: &Path) -> Result<(File, u64)> {
    crate::map::refuse_pipe(path)?;
    let file = File::open(path).map_err(|e| Error::io("open", path, e))?;
    let len = file
        .metadata()
        .map_err(|e| Error::io("stat", path, e))?
        .len();
    Ok((file, len))
}

/// The zip reader over the `len` bytes of `file`, after it read the central directory.
fn zip_of<'a>(file: &'a File, len: u64, path: &Path) -> Result<Zip<'a>> {
    let reader = BufReader::with_capacity(8 << 10, At::new(file, 0, len));
    ZipArchive::new(reader).map_err(|e| zip_error("read", path, None, e))
}

/// Opens the archive at `path` and looks up the member `name` alone: the file, its length
/// and the member.
pub(crate) fn lookup(path: &Path, name: &str) -> Result<(File, u64, Member)> {
    let (file, len) = open_file(path)?;
    let member = find_member(&mut zip_of(&file, len, path)?, &file, name, len, path)?;
    Ok((file, len, member))
}

/// Looks up the member `name` (numpy's key or the file name) and reads its header.
fn find_member(
    zip: &mut Zip<'_>,
    file: &File,
    name: &str,
    len: u64,
    path: &Path,
) -> Result<Member> {
    let index = zip
        .index_for_name(&format!("{name}.npy"))
        .or_else(|| zip.index_for_name(name))
        .ok_or_else(|| {
            let members = zip
                .file_names()
                .map(|n| n.strip_suffix(".npy").unwrap_or(n).to_string())
                .collect();
            npz_error(path, Some(name), NpzProblem::Missing { members })
        })?;
    member_at(zip, file, index, len, path)
}

/// The member at `index` of the central directory, with its header, checked.
fn member_at(
    zip: &mut Zip<'_>,
    file: &File,
    index: usize,
    len: u64,
    path: &Path,
) -> Result<Member> {
    let (file_name, method, start, stored_len, size) = {
        let raw = zip
            .by_index_raw(index)
            .map_err(|e| zip_error("read", path, None, e))?;
        let start = raw.data_start().ok_or_else(|| {
            let message = "the member's local header was not found".to_string();
            npz_error(path, Some(raw.name()), NpzProblem::Zip { message })
        })?;
        let method = raw.compression();
        (
            raw.name().to_string(),
            method,
            start,
            raw.compressed_size(),
            raw.size(),
        )
    };
    let fail = |problem| npz_error(path, Some(&file_name), problem);
    if !file_name.ends_with(".npy") {
        return Err(fail(NpzProblem::NotNpy));
    }
    let compression = match method {
        CompressionMethod::Stored => Compression::Stored,
        CompressionMethod::Deflated => Compression::Deflated,
        other => {
            return Err(fail(NpzProblem::Method {
                method: other.to_string(),
            }))
        }
    };
    let end = start.saturating_add(stored_len);
    if end > len {
        return Err(fail(NpzProblem::PastEnd {
            end,
            archive_len: len,
        }));
    }
    if compression == Compression::Stored && stored_len != size {
        let message = format!(
            "the member is stored, but its compressed size {stored_len} is not its size {size}"
        );
        return Err(fail(NpzProblem::Zip { message }));
    }
    let header = match compression {
        Compression::Stored => {
            let mut image = BufReader::with_capacity(4096, At::new(file, start, end));
            read_header(&mut image, DEFAULT_MAX_HEADER_LEN)
        }
        Compression::Deflated => {
            let mut image = zip
                .by_index(index)
                .map_err(|e| zip_error("read", path, Some(&file_name), e))?;
            read_header(&mut image, DEFAULT_MAX_HEADER_LEN)
        }
    }
    .map_err(|e| fail(header_problem(e)))?;
    let needed = header.data_offset.saturating_add(header.data_len());
    if needed > size {
        return Err(fail(NpzProblem::TooShort { needed, size }));
    }
    Ok(Member {
        file_name,
        compression,
        start,
        stored_len,
        header,
    })
}

/// The archive offset of a stored member's data, or the error for a deflated one.
fn data_offset(member: &Member, path: &Path) -> Result<u64> {
    member.data_offset().ok_or_else(|| {
        let method = member.compression.to_string();
        npz_error(
            path,
            Some(&member.file_name),
            NpzProblem::Compressed { method },
        )
    })
}

/// The archive file a map is made from: borrowed (the map keeps a duplicate) or handed over.
pub(crate) enum ArchiveFile<'a> {
    /// An archive that stays open ([`Archive`]).
    Borrowed(&'a File),
    /// A file opened for this one map.
    Owned(File),
}

impl ArchiveFile<'_> {
    /// Maps what `options` describe.
    ///
    /// # Safety
    ///
    /// The caller upholds `Options#safety` for the archive.
    unsafe fn map<T: Element>(self, options: Options<T, Shaped>, path: &Path) -> Result<Memmap<T>> {
        match self {
            // SAFETY: the caller upholds `Options#safety` for the archive.
            ArchiveFile::Borrowed(file) => unsafe { options.open_file_named(file, path) },
            // SAFETY: as above.
            ArchiveFile::Owned(file) => unsafe { options.open_owned_named(file, path) },
        }
    }
}

/// Maps a stored member as `T`.
///
/// # Safety
///
/// The caller upholds `Options#safety` for the archive.
pub(crate) unsafe fn map_typed<T: Element>(
    member: &Member,
    file: ArchiveFile<'_>,
    path: &Path,
) -> Result<Memmap<T>> {
    let offset = data_offset(member, path)?;
    check_dtype_of(path, &T::dtype(), member.dtype())?;
    let options = Options::<T>::new()
        .offset(offset)
        .shape(member.shape())
        .order(member.order());
    // SAFETY: the caller upholds `Options#safety` for the archive.
    unsafe { file.map(options, path) }
}

/// Maps a stored member as a [`DynArray`].
///
/// # Safety
///
/// The caller upholds `Options#safety` for the archive.
pub(crate) unsafe fn map_dyn(
    member: &Member,
    file: ArchiveFile<'_>,
    path: &Path,
) -> Result<DynArray> {
    let offset = data_offset(member, path)?;
    // Fits in `usize`: the header parser refused shapes whose byte size does not.
    let options = Options::<u8>::new()
        .offset(offset)
        .shape([member.nbytes() as usize]);
    // SAFETY: the caller upholds `Options#safety` for the archive; `u8` has alignment 1, so
    // any data offset maps.
    let map = unsafe { file.map(options, path) }?;
    let mut header = member.header.clone();
    header.data_offset = offset;
    Ok(DynArray::from_mapped(map, header, path.to_path_buf()))
}

/// Reads a member as `T`: a stored one straight from the file, a deflated one through
/// [`read_dyn`].
pub(crate) fn read_typed<T: Element>(
    member: &Member,
    file: &File,
    len: u64,
    path: &Path,
) -> Result<Array<T>> {
    check_dtype_of(path, &T::dtype(), member.dtype())?;
    if let Some(offset) = member.data_offset() {
        // The sizes were checked against the archive when the member was listed.
        let shape = member.shape().to_vec();
        return Array::read_at(file, path, offset, shape, member.order());
    }
    let array = read_dyn(member, file, len, path)?;
    let data = array.as_typed::<T>()?.to_vec();
    let shape = member.shape().to_vec();
    // The length is the shape's product: `as_typed` returned the array's elements.
    Array::from_vec(data, shape, member.order()).ok_or_else(|| Error::LengthMismatch {
        path: path.to_path_buf(),
        shape: member.shape().to_vec(),
        len: array.len(),
    })
}

/// Reads a member into memory as a [`DynArray`]; a deflated member is decompressed through
/// the zip reader, which checks its CRC.
pub(crate) fn read_dyn(member: &Member, file: &File, len: u64, path: &Path) -> Result<DynArray> {
    let name = Some(member.file_name.as_str());
    // Fits in `usize`: the header parser refused shapes whose byte size does not.
    let nbytes = member.nbytes() as usize;
    let mut header = member.header.clone();
    let words = match member.data_offset() {
        Some(offset) => {
            header.data_offset = offset;
            let mut data = At::new(file, offset, offset + member.nbytes());
            read_words(&mut data, nbytes).map_err(|e| Error::io("read", path, e))?
        }
        None => {
            let mut zip = zip_of(file, len, path)?;
            let index = zip.index_for_name(&member.file_name).ok_or_else(|| {
                let message = "the member vanished from the central directory".to_string();
                npz_error(path, name, NpzProblem::Zip { message })
            })?;
            let mut image = zip
                .by_index(index)
                .map_err(|e| zip_error("read", path, name, e))?;
            let corrupt = |e: io::Error| {
                let message = format!("cannot decompress the member: {e}");
                npz_error(path, name, NpzProblem::Zip { message })
            };
            // Skip the header, read the data, then read to the end, where the zip reader
            // checks the CRC of the whole image.
            let skip = member.header.data_offset;
            io::copy(&mut (&mut image).take(skip), &mut io::sink()).map_err(corrupt)?;
            let words = read_words(&mut image, nbytes).map_err(corrupt)?;
            io::copy(&mut image, &mut io::sink()).map_err(corrupt)?;
            words
        }
    };
    Ok(DynArray::from_words(
        words,
        nbytes,
        header,
        path.to_path_buf(),
        member.data_offset().is_some(),
    ))
}

/// Reads exactly `nbytes` bytes into 8-byte words, growing the buffer as bytes arrive (a
/// lying size in a damaged archive does not allocate more than the data there is).
fn read_words(reader: &mut impl Read, nbytes: usize) -> io::Result<Vec<u64>> {
    const STEP: usize = 64 << 20;
    let mut words: Vec<u64> = Vec::new();
    let mut filled = 0;
    while filled < nbytes {
        let step = (nbytes - filled).min(STEP);
        words.resize((filled + step).div_ceil(8), 0);
        let bytes = zerocopy::IntoBytes::as_mut_bytes(&mut words[..]);
        reader.read_exact(&mut bytes[filled..filled + step])?;
        filled += step;
    }
    Ok(words)
}

pub(super) fn header_problem(e: HeaderError) -> NpzProblem {
    NpzProblem::Header {
        at: e.at,
        message: e.message,
    }
}

/// The crate error for a problem of the archive at `path`, or of its member `member`.
pub(crate) fn npz_error(path: &Path, member: Option<&str>, problem: NpzProblem) -> Error {
    Error::Npz {
        path: path.to_path_buf(),
        member: member.map(str::to_string),
        problem,
    }
}

/// The crate error for an error of the zip reader or writer, doing `op` (`read`, `write`).
pub(crate) fn zip_error(op: &'static str, path: &Path, member: Option<&str>, e: ZipError) -> Error {
    match e {
        ZipError::Io(e) => Error::io(op, path, e),
        ZipError::FileNotFound => npz_error(
            path,
            member,
            NpzProblem::Missing {
                members: Vec::new(),
            },
        ),
        other => npz_error(
            path,
            member,
            NpzProblem::Zip {
                message: other.to_string(),
            },
        ),
    }
}
