//! The crate's one error type.
//!
//! Failure modes, in the order a map meets them:
//!
//! - **shape**: the shape's element count times the item size, plus the offset, does not fit
//!   in 64 bits or in the address space ([`Error::ShapeOverflow`]);
//! - **alignment**: the byte offset breaks the alignment of the element type
//!   ([`Error::Misaligned`]);
//! - **size**: the file is shorter than the array needs ([`Error::FileTooShort`]), the bytes
//!   after the offset are not a whole number of items ([`Error::NotAMultiple`]), or the offset
//!   lies past the end ([`Error::OffsetPastEnd`]);
//! - **validity**: a file's dtype is not the element type's ([`Error::DtypeMismatch`]), or its
//!   header is malformed ([`Error::Header`]);
//! - **I/O**: the operating system refused an open, a read, a resize or a map ([`Error::Io`]);
//! - **logs**: a followed log shrank ([`Error::Shrunk`]) or was replaced
//!   ([`Error::Replaced`]), its header is not the expected one ([`Error::HeaderMismatch`]), it
//!   ends in a partial record that must be recovered before appending ([`Error::TornTail`]),
//!   another writer holds it ([`Error::Locked`]) or wrote to it ([`Error::ForeignWrite`]);
//! - **misuse**: a request that the mode or the element type cannot serve ([`Error::Mode`],
//!   [`Error::ZeroSizedElement`], [`Error::Field`]).
//!
//! Every variant carries the path of the file and the numbers involved, and its message says
//! what to do about it.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Everything that can go wrong while mapping, reading or writing a file.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The operating system refused an operation on the file.
    Io {
        /// What was being done (`open`, `map`, `resize`, `read`, ...).
        op: &'static str,
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },

    /// The file is shorter than the array it should hold.
    FileTooShort {
        /// The file.
        path: PathBuf,
        /// Its length in bytes.
        file_len: u64,
        /// The byte offset of the first element.
        offset: u64,
        /// The bytes of data the shape needs.
        nbytes: u64,
        /// `offset + nbytes`.
        needed: u64,
    },

    /// With the length inferred from the file, the bytes after the offset are not a whole
    /// number of items.
    NotAMultiple {
        /// The file.
        path: PathBuf,
        /// Its length in bytes.
        file_len: u64,
        /// The byte offset of the first element.
        offset: u64,
        /// `file_len - offset`.
        available: u64,
        /// The size of one element.
        itemsize: usize,
    },

    /// With the length inferred from the file, the offset lies past its end.
    OffsetPastEnd {
        /// The file.
        path: PathBuf,
        /// Its length in bytes.
        file_len: u64,
        /// The requested byte offset.
        offset: u64,
    },

    /// The byte offset breaks the alignment of the element type, so no `&[T]` can be made.
    Misaligned {
        /// The file.
        path: PathBuf,
        /// The requested byte offset.
        offset: u64,
        /// `align_of::<T>()`.
        align: usize,
        /// The element type.
        type_name: &'static str,
    },

    /// `offset + prod(shape) * itemsize` does not fit in 64 bits or in the address space, or
    /// (as numpy) the shape with each 0 counted as 1 would span more than `isize::MAX` bytes.
    ShapeOverflow {
        /// The file.
        path: PathBuf,
        /// The requested shape.
        shape: Vec<usize>,
        /// The size of one element.
        itemsize: usize,
        /// The byte offset of the first element.
        offset: u64,
    },

    /// The element type has size zero, so a length cannot be inferred from a file size.
    ZeroSizedElement {
        /// The file.
        path: PathBuf,
        /// The element type.
        type_name: &'static str,
    },

    /// The request does not fit the mode of the map or the file.
    Mode {
        /// The file.
        path: PathBuf,
        /// What was asked and what to do instead.
        message: String,
    },

    /// A file's dtype differs from the element type's.
    DtypeMismatch {
        /// The file.
        path: PathBuf,
        /// The element type's descr.
        expected: String,
        /// The file's descr.
        found: String,
        /// The first difference, in words.
        difference: String,
    },

    /// A file header is malformed.
    Header {
        /// The file.
        path: PathBuf,
        /// The byte position in the file where the problem was found.
        at: u64,
        /// What is wrong.
        message: String,
    },

    /// An append to a `.npy` file needs a shape that does not fit in the header's spare room
    /// (the header would have to grow, which moves the data). Nothing was written.
    HeaderFull {
        /// The file.
        path: PathBuf,
        /// The shape the append would have given the array.
        shape: Vec<usize>,
        /// The header's length in bytes (the data offset).
        header_len: u64,
    },

    /// A field asked for by name does not exist or has another dtype.
    Field {
        /// What is wrong, with the fields there are.
        message: String,
    },

    /// A followed log file is now shorter than the whole records already seen in it: someone
    /// truncated or replaced it.
    Shrunk {
        /// The file.
        path: PathBuf,
        /// Its length in bytes at the previous look.
        was: u64,
        /// Its length in bytes now.
        now: u64,
    },

    /// A log file's header is not the one expected.
    HeaderMismatch {
        /// The file.
        path: PathBuf,
        /// The expected header (escaped bytes), or what the check wanted.
        expected: String,
        /// The header found in the file (escaped bytes), or what the check found wrong.
        found: String,
    },

    /// A log file ends in a partial record (left by a crash), so appending would misplace
    /// every record after it.
    TornTail {
        /// The file.
        path: PathBuf,
        /// Its length in bytes.
        file_len: u64,
        /// The length of its header.
        header_len: u64,
        /// The size of one record.
        itemsize: usize,
        /// The bytes after the last whole record.
        tail: u64,
    },

    // Hardening variants (header limits, log writers).
    /// Another [`LogWriter`](crate::LogWriter) (in this process or another) holds the
    /// file's writer lock: a log has one writer at a time.
    Locked {
        /// The file.
        path: PathBuf,
    },

    /// The log file changed length under a [`LogWriter`](crate::LogWriter): someone else appended to it or
    /// truncated it, so writing at the end of this writer's records would overwrite theirs
    /// or leave a gap. Nothing was written.
    ForeignWrite {
        /// The file.
        path: PathBuf,
        /// Where this writer's records end, in bytes: the length it expected.
        expected: u64,
        /// The file's length now.
        found: u64,
    },

    /// A followed log file is no longer the file whose records were shown: it was rewritten
    /// in place (a record already shown has other bytes now) or its path names another file
    /// (it was renamed or deleted and created again).
    Replaced {
        /// The file.
        path: PathBuf,
        /// The index of a record already shown whose bytes changed; `None` when the path
        /// names another file.
        record: Option<u64>,
        /// The length in bytes of the file found.
        file_len: u64,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io {
                op, path, source, ..
            } => write!(f, "cannot {op} {path}: {source}", path = path.display()),
            Error::FileTooShort {
                file_len,
                nbytes,
                needed,
                offset,
                path,
                ..
            } => write!(
                f,
                "{path} is {file_len} bytes, but offset {offset} plus {nbytes} bytes of data \
                 need {needed}; pass a shape that fits, or open with `open_mut` and \
                 `grow(true)` to extend the file",
                path = path.display()
            ),
            Error::NotAMultiple {
                available,
                file_len,
                itemsize,
                offset,
                path,
                ..
            } => write!(
                f,
                "{path}: the {available} bytes after offset {offset} (file length {file_len}) \
                 are not a multiple of the item size {itemsize}; check the element type and the \
                 offset, or give an explicit shape",
                path = path.display()
            ),
            Error::OffsetPastEnd {
                file_len,
                offset,
                path,
                ..
            } => write!(
                f,
                "{path}: offset {offset} is past the end of the file ({file_len} bytes); give \
                 an offset of at most {file_len}",
                path = path.display()
            ),
            Error::Misaligned {
                align,
                offset,
                path,
                type_name,
                ..
            } => write!(
                f,
                "{path}: offset {offset} is not a multiple of {align}, the alignment of \
                 `{type_name}`; use an aligned offset, or an alignment-1 element type \
                 (zerocopy's byte-order types such as `U32<LittleEndian>`, or a `#[repr(C, \
                 packed)]` record)",
                path = path.display()
            ),
            Error::ShapeOverflow {
                itemsize,
                offset,
                path,
                shape,
                ..
            } => write!(
                f,
                "{path}: shape {shape:?} of {itemsize}-byte items at offset {offset} is too big: \
                 the product of the dimensions (a 0 counting as 1, as in numpy) must be at most \
                 {items}, times {itemsize} at most {bytes} bytes, and the offset plus the bytes \
                 at most {end}; check the shape and the offset",
                path = path.display(),
                items = usize::MAX,
                bytes = isize::MAX,
                end = u64::MAX
            ),
            Error::ZeroSizedElement {
                path, type_name, ..
            } => write!(
                f,
                "{path}: `{type_name}` has size 0, so the number of items cannot be inferred \
                 from the file; give an explicit shape",
                path = path.display()
            ),
            Error::Mode { message, path, .. } => {
                write!(f, "{path}: {message}", path = path.display())
            }
            Error::DtypeMismatch {
                difference,
                expected,
                found,
                path,
                ..
            } => write!(
                f,
                "{path}: the file holds dtype {found} but the element type has dtype {expected} \
                 ({difference}); map it with an element type whose dtype matches, or as a \
                 `DynArray`",
                path = path.display()
            ),
            Error::Header {
                at, message, path, ..
            } => write!(
                f,
                "{path}: bad header at byte {at}: {message}",
                path = path.display()
            ),
            Error::HeaderFull {
                header_len,
                path,
                shape,
                ..
            } => write!(
                f,
                "{path}: the new shape {shape:?} does not fit in the spare room of the \
                 {header_len}-byte header, so nothing was appended; rewrite the file with a \
                 fresh header (numpy's `np.save`, or `npy::write`) to make room",
                path = path.display()
            ),
            Error::Field { message, .. } => write!(f, "{message}"),
            Error::Shrunk { now, path, was, .. } => write!(
                f,
                "{path} shrank from {was} to {now} bytes while it was followed; a log must only \
                 grow: open it again if it was rotated or rewritten on purpose",
                path = path.display()
            ),
            Error::HeaderMismatch {
                expected,
                found,
                path,
                ..
            } => write!(
                f,
                "{path}: the log header is {found}, expected {expected}; check that this is \
                 the right file and the right record type",
                path = path.display()
            ),
            Error::TornTail {
                file_len,
                header_len,
                itemsize,
                path,
                tail,
                ..
            } => write!(
                f,
                "{path} ends in a partial record: {tail} bytes after the last whole \
                 {itemsize}-byte record (file length {file_len}, header {header_len} bytes), \
                 probably left by a crash; call `LogWriter::recover` to cut them before \
                 appending",
                path = path.display()
            ),
            // Hardening variants (header limits, log writers).
            Error::Locked { path } => write!(
                f,
                "{path} is open in another `LogWriter` (in this process or another), and a log \
                 has one writer at a time; drop the other writer first, or read the log with \
                 `RecordLog`",
                path = path.display()
            ),
            Error::ForeignWrite {
                path,
                expected,
                found,
            } => write!(
                f,
                "{path} is {found} bytes, but this writer's records end at byte {expected}: \
                 another program wrote to or truncated the log, so nothing was appended; stop \
                 the other writer, then `LogWriter::open` the file again",
                path = path.display()
            ),
            Error::Replaced {
                path,
                record: Some(record),
                file_len,
            } => write!(
                f,
                "{path} was replaced while it was followed: record {record}, already shown, \
                 has other bytes now (the file is {file_len} bytes), as after \
                 `LogWriter::create_truncate`; open it again to follow the new content",
                path = path.display()
            ),
            Error::Replaced {
                path,
                record: None,
                file_len,
            } => write!(
                f,
                "{path} now names another file ({file_len} bytes) than the one followed: it \
                 was renamed or deleted and created again; finish reading the old one if \
                 needed, then open the path again to follow the new one",
                path = path.display()
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl Error {
    pub(crate) fn io(op: &'static str, path: &Path, source: io::Error) -> Self {
        Error::Io {
            op,
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn mode(path: &Path, message: impl fmt::Display) -> Self {
        Error::Mode {
            path: path.to_path_buf(),
            message: message.to_string(),
        }
    }

    /// The path of the file the error is about, where there is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Error::Io { path, .. }
            | Error::FileTooShort { path, .. }
            | Error::NotAMultiple { path, .. }
            | Error::OffsetPastEnd { path, .. }
            | Error::Misaligned { path, .. }
            | Error::ShapeOverflow { path, .. }
            | Error::ZeroSizedElement { path, .. }
            | Error::Mode { path, .. }
            | Error::DtypeMismatch { path, .. }
            | Error::Header { path, .. }
            | Error::Shrunk { path, .. }
            | Error::HeaderMismatch { path, .. }
            | Error::TornTail { path, .. }
            | Error::HeaderFull { path, .. } => Some(path),
            Error::Field { .. } => None,
            // Hardening variants (header limits, log writers).
            Error::Locked { path }
            | Error::ForeignWrite { path, .. }
            | Error::Replaced { path, .. } => Some(path),
        }
    }
}
