//! Fixed-record binary logs: [`RecordLog`] follows a file that another process appends to,
//! [`LogWriter`] appends to one so that a crash never costs a synced record.
//!
//! A log is a plain file: an optional header of fixed size, then records of one
//! [`Element`](crate::Element) type back to back, with no framing. It is what a C program
//! gets from `fwrite(&rec, sizeof rec, 1, f)` in a loop, and what numpy reads with
//! `np.memmap(path, dtype, offset=header_len)`.
//!
//! ```
//! use typed_memmap::{LogHeader, LogWriter, RecordLog};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("ticks.log");
//!
//! let mut writer = LogWriter::<[u64; 2]>::create(&path, Some(b"TICKS v1"))?;
//! writer.append_all(&[[1, 100], [2, 101]])?;
//! writer.flush()?;
//!
//! // SAFETY: the only other user of the file is `writer`, which only appends whole records.
//! let mut log = unsafe { RecordLog::<[u64; 2]>::open(&path, LogHeader::exact(*b"TICKS v1"))? };
//! assert_eq!(&log[..], [[1, 100], [2, 101]]);
//!
//! writer.append(&[3, 102])?;
//! writer.sync()?; // durable from here on
//! assert_eq!(log.refresh()?, 1); // one record arrived since the last look
//! assert_eq!(log[2], [3, 102]);
//! # Ok(()) }
//! ```
//!
//! # The followers' contract
//!
//! A [`RecordLog`] maps the file, so opening one is `unsafe` with the contract of
//! [`Options#safety`](crate::Options#safety), made precise for logs. Whoever writes the file
//! promises, while a `RecordLog` of it is alive:
//!
//! - **writers only append**: the bytes of a record, once the file is long enough to hold
//!   all of it, never change again. [`LogWriter`] keeps this promise; so does any program
//!   that opens the file in append mode and writes whole records.
//! - **nobody truncates below what readers have seen.** Cutting a partial record at the end
//!   ([`LogWriter::recover`]) is fine, because readers never look at those bytes. Truncating
//!   or rewriting whole records is not: rotate logs by renaming and creating a new file
//!   ([`LogWriter::rotate`]; followers go on with [`RecordLog::follow_rotating`], see
//!   [`rotation`]).
//!
//! What breaking the contract means: a page of a map that lies past the end of the file
//! cannot be read, and touching it kills the process with `SIGBUS`; a record rewritten under
//! a `&[T]` is a data race that Rust's references do not allow. The crate limits the damage
//! it can do itself: it only exposes whole records up to the size it last read with `fstat`,
//! and [`RecordLog::refresh`] checks the size before anything else, so a file that shrank is
//! reported as [`Error::Shrunk`] and the map is dropped without being
//! read. A file emptied and written again past its old size is noticed when the first or
//! the last record shown has other bytes ([`Error::Replaced`]; the log keeps a copy of their
//! first 64 bytes), and a rotated path by [`RecordLog::check_path`]. It cannot protect a
//! `&[T]` the caller still holds while another process truncates
//! the file; for files whose writers cannot be trusted, copy with
//! [`Options::read`](crate::Options::read) instead of mapping.
//!
//! One writer per file: a [`LogWriter`] holds the file's advisory lock while it lives, so a
//! second one gets [`Error::Locked`], and it refuses to write ([`Error::ForeignWrite`])
//! when the file no longer ends where its records do.
//!
//! # Torn tails
//!
//! A writer that dies inside a `write` leaves a partial record at the end of the file, and a
//! reader that looks while a large `write` is in progress sees one for a moment too. A
//! [`RecordLog`] reports those bytes ([`RecordLog::torn_tail_bytes`], always less than one
//! record) and shows the records before them; [`LogWriter::open`] notices them and refuses
//! to append until [`LogWriter::recover`] has cut them.

mod reader;
pub mod rotation;
mod writer;

pub use reader::{Follow, FollowEnd, Followed, RecordLog};
pub use rotation::{FilePos, Refreshed};
pub use writer::LogWriter;

use std::fmt;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::pio::read_exact_at;

type CheckFn = dyn Fn(&[u8]) -> core::result::Result<(), String> + Send + Sync;

/// The fixed-size header in front of a log's records, and how to check it.
///
/// ```
/// use typed_memmap::LogHeader;
/// assert_eq!(LogHeader::none().byte_len(), 0);
/// assert_eq!(LogHeader::skip(64).byte_len(), 64);
/// assert_eq!(LogHeader::exact(*b"TICK").byte_len(), 4);
/// let h = LogHeader::check(8, |bytes| {
///     if bytes.starts_with(b"TK") { Ok(()) } else { Err("no `TK` magic".to_string()) }
/// });
/// assert_eq!(h.byte_len(), 8);
/// ```
#[derive(Clone)]
pub struct LogHeader {
    len: u64,
    check: Check,
}

#[derive(Clone)]
enum Check {
    Any,
    Bytes(Vec<u8>),
    With(Arc<CheckFn>),
}

impl LogHeader {
    /// No header: records start at byte 0.
    pub fn none() -> LogHeader {
        LogHeader::skip(0)
    }

    /// A header of `len` bytes whose content is not checked.
    pub fn skip(len: u64) -> LogHeader {
        LogHeader {
            len,
            check: Check::Any,
        }
    }

    /// A header that must be exactly `bytes`.
    pub fn exact(bytes: impl Into<Vec<u8>>) -> LogHeader {
        let bytes = bytes.into();
        LogHeader {
            len: bytes.len() as u64,
            check: Check::Bytes(bytes),
        }
    }

    /// A header of `len` bytes checked by `check`, which gets the header's bytes and returns
    /// what is wrong with them, if anything (reported as [`Error::HeaderMismatch`]).
    pub fn check(
        len: u64,
        check: impl Fn(&[u8]) -> core::result::Result<(), String> + Send + Sync + 'static,
    ) -> LogHeader {
        LogHeader {
            len,
            check: Check::With(Arc::new(check)),
        }
    }

    /// The size of the header in bytes: where the first record starts.
    pub fn byte_len(&self) -> u64 {
        self.len
    }

    /// Reads the header from `file` (at least `len` bytes long) and checks it.
    pub(crate) fn verify(&self, file: &File, path: &Path) -> Result<()> {
        if matches!(self.check, Check::Any) || self.len == 0 {
            return Ok(());
        }
        let found = read_header_bytes(file, path, self.len)?;
        let wrong = match &self.check {
            Check::Any => None,
            Check::Bytes(expected) => (expected != &found).then(|| escape(expected)),
            Check::With(check) => check(&found).err(),
        };
        match wrong {
            None => Ok(()),
            Some(expected) => Err(Error::HeaderMismatch {
                path: path.to_path_buf(),
                expected,
                found: escape(&found),
            }),
        }
    }

    /// The error for a file that ends inside the header.
    pub(crate) fn too_short(&self, path: &Path, file_len: u64) -> Error {
        Error::Header {
            path: path.to_path_buf(),
            at: file_len,
            message: format!(
                "the file ends after {file_len} bytes, inside the {}-byte log header; check the \
                 header length, or create the log with `LogWriter::create`",
                self.len
            ),
        }
    }
}

impl fmt::Debug for LogHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let check = match &self.check {
            Check::Any => "any".to_string(),
            Check::Bytes(bytes) => escape(bytes),
            Check::With(_) => "<function>".to_string(),
        };
        f.debug_struct("LogHeader")
            .field("len", &self.len)
            .field("check", &format_args!("{check}"))
            .finish()
    }
}

/// Bytes as a Rust byte-string literal: `b"TICK\x01"`.
fn escape(bytes: &[u8]) -> String {
    let mut out = String::from("b\"");
    for &b in bytes {
        out.extend(std::ascii::escape_default(b).map(char::from));
    }
    out.push('"');
    out
}

/// The checks shared by readers and writers, before the file is touched.
pub(crate) fn check_layout<T>(path: &Path, header_len: u64) -> Result<()> {
    let size = core::mem::size_of::<T>();
    let align = core::mem::align_of::<T>();
    if size == 0 {
        return Err(Error::ZeroSizedElement {
            path: path.to_path_buf(),
            type_name: core::any::type_name::<T>(),
        });
    }
    if !header_len.is_multiple_of(align as u64) {
        return Err(Error::Misaligned {
            path: path.to_path_buf(),
            offset: header_len,
            align,
            type_name: core::any::type_name::<T>(),
        });
    }
    Ok(())
}

/// The length of the file: one `fstat`.
/// The first `len` bytes of the log `file`: its header.
pub(crate) fn read_header_bytes(file: &File, path: &Path, len: u64) -> Result<Vec<u8>> {
    let mut bytes = vec![0; usize::try_from(len).unwrap_or(usize::MAX)];
    read_exact_at(file, &mut bytes, 0).map_err(|e| Error::io("read the header of", path, e))?;
    Ok(bytes)
}

pub(crate) fn file_len(file: &File, path: &Path) -> Result<u64> {
    file.metadata()
        .map(|m| m.len())
        .map_err(|e| Error::io("stat", path, e))
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_header_bytes_like_a_byte_string_literal() {
        assert_eq!(escape(b"TICK\x01\n\"\\"), r#"b"TICK\x01\n\"\\""#);
        assert_eq!(escape(b""), r#"b"""#);
    }
}
