//! Following a log across rotation: the writer renames the log and starts a new file at its
//! path ([`LogWriter::rotate`]); the follower finishes the old file and continues with the
//! new one ([`RecordLog::refresh_rotating`], [`RecordLog::follow_rotating`]).
//!
//! The protocol, and why it loses nothing:
//!
//! 1. **The writer** writes its last records to the old file (and flushes them: a rename is
//!    the signal that the file is finished), renames it, then creates the new file at the
//!    path. [`LogWriter::rotate`] does exactly this.
//! 2. **The follower** looks at its open file first (one `fstat`). Only when that brought
//!    nothing new does it compare the file at the path with its own (one `stat`, by device
//!    and inode; see [`RecordLog::check_path`]). When they differ the old file was renamed,
//!    so it is finished; the follower reads it once more to its end, hands out what arrived
//!    since its last look, and only after a look that brought nothing switches to the new
//!    file, which it reads from its first record.
//!
//! A file at the path for so short a time that the follower never looked while it was there
//! (created, written and renamed away again between two looks) is not seen: rotate less
//! often than the follower polls. A partial record left at the end of the old file (a
//! writer that died inside a `write`) cannot be shown; [`Refreshed::Rotated`] counts its
//! bytes.

use std::ops::ControlFlow;
use std::path::Path;

use super::{Follow, Followed, LogWriter, RecordLog};
use crate::element::Element;
use crate::error::{Error, Result};

/// What [`RecordLog::refresh_rotating`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refreshed {
    /// This many new records in the file followed (0: nothing new, or the path is between a
    /// rename and the creation of the new file).
    Grew(usize),
    /// The old file had been read to its end, and the log now follows the new file at its
    /// path, from its first record: indices start at 0 again and
    /// [`records`](RecordLog::records) are the new file's.
    Rotated {
        /// The bytes of a partial record left at the end of the old file (not shown).
        torn_tail_bytes: u64,
    },
}

/// Where a batch of [`RecordLog::follow_rotating`] comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FilePos {
    /// The file: 0 for the one followed when the call began, 1 after the first rotation...
    pub file: u64,
    /// The index in that file of the batch's first record.
    pub first: usize,
}

impl<T: Element> RecordLog<T> {
    /// [`refresh`](RecordLog::refresh), then, when nothing new arrived and the log's path
    /// names another file, the switch to that file (see the [protocol](crate::log::rotation)):
    /// the old file is read once more, and its new records are returned first
    /// ([`Refreshed::Grew`]); the next call that finds nothing new in it switches
    /// ([`Refreshed::Rotated`]). Read the records shown before each call: a switch replaces
    /// them with the new file's.
    ///
    /// An idle look costs one `fstat` and one `stat`; [`remaps`](RecordLog::remaps) and the
    /// other counters start again with the new file.
    ///
    /// ```
    /// use typed_memmap::{log::Refreshed, LogHeader, LogWriter, RecordLog};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("app.log");
    /// let mut w = LogWriter::<u64>::create(&path, None)?;
    /// // SAFETY: `w` only appends whole records to each file, and rotates by renaming.
    /// let mut log = unsafe { RecordLog::<u64>::open(&path, LogHeader::none())? };
    /// w.append_all(&[1, 2])?;
    /// w.rotate(dir.path().join("app.log.1"))?; // flush, rename, create
    /// w.append(&3)?;
    /// w.flush()?;
    ///
    /// // SAFETY: as above, for every file at the path.
    /// assert_eq!(unsafe { log.refresh_rotating()? }, Refreshed::Grew(2));
    /// assert_eq!(&log[..], [1, 2]); // the old file, to its end
    /// let switched = unsafe { log.refresh_rotating()? };
    /// assert_eq!(switched, Refreshed::Rotated { torn_tail_bytes: 0 });
    /// assert_eq!(&log[..], [3]); // the new file
    /// # Ok(()) }
    /// ```
    ///
    /// # Safety
    ///
    /// The [followers' contract](crate::log#the-followers-contract), as for
    /// [`open`](RecordLog::open), for the file followed and for every file that appears at
    /// the log's path while this log follows it: it may switch to such a file and map it.
    ///
    /// # Errors
    ///
    /// The errors of [`refresh`](RecordLog::refresh) and, at the switch, of
    /// [`open`](RecordLog::open) for the new file (a header not yet complete is waited for,
    /// not an error); [`Error::Io`] when the path cannot be looked at for another reason
    /// than its absence.
    pub unsafe fn refresh_rotating(&mut self) -> Result<Refreshed> {
        let new = self.refresh()?;
        if new > 0 || !self.path_moved()? {
            return Ok(Refreshed::Grew(new));
        }
        // The path names another file (or none): the old one was renamed, so it is finished.
        // Read it to its end before switching; what arrived is handed out first.
        let last = self.refresh()?;
        if last > 0 {
            return Ok(Refreshed::Grew(last));
        }
        let path = self.path().to_path_buf();
        let header = self.header.clone();
        // SAFETY: the caller of this function promised the followers' contract for every
        // file at this path, which includes the one there now.
        let next = match unsafe { RecordLog::open(&path, header) } {
            Ok(next) => next,
            // Between the writer's rename and its create: wait.
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Refreshed::Grew(0));
            }
            // The writer is still writing the new file's header (`open` refuses a file that
            // ends inside the header with `Error::Header`): wait.
            Err(Error::Header { .. }) => return Ok(Refreshed::Grew(0)),
            Err(e) => return Err(e),
        };
        let torn_tail_bytes = self.torn_tail_bytes();
        *self = next;
        Ok(Refreshed::Rotated { torn_tail_bytes })
    }

    /// [`follow`](RecordLog::follow) across rotations: batches from index `from` of the file
    /// followed now, then from the start of each file that replaces it at the path, every
    /// record once and in order (see the [protocol](crate::log::rotation)). `on_records`
    /// gets where each batch comes from ([`FilePos`]); the idle timeout counts from the last
    /// record or switch. The [`Followed::next`] returned is an index in the file followed at
    /// the end, which the log then shows.
    ///
    /// ```
    /// use std::ops::ControlFlow;
    /// use std::time::Duration;
    /// use typed_memmap::{Follow, LogHeader, LogWriter, RecordLog};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("seq.log");
    /// let mut w = LogWriter::<u32>::create(&path, None)?;
    /// // SAFETY: `w` only appends whole records to each file, and rotates by renaming.
    /// let mut log = unsafe { RecordLog::<u32>::open(&path, LogHeader::none())? };
    /// w.append_all(&[1, 2])?;
    /// w.rotate(dir.path().join("seq.log.1"))?;
    /// w.append_all(&[3, 4])?;
    /// w.flush()?;
    ///
    /// let how = Follow::new()
    ///     .poll_interval(Duration::from_millis(1))
    ///     .idle_timeout(Duration::from_millis(20));
    /// let mut seen = Vec::new();
    /// // SAFETY: as above, for every file at the path.
    /// let end = unsafe {
    ///     log.follow_rotating(0, &how, |at, records| {
    ///         seen.extend(records.iter().map(|&r| (at.file, r)));
    ///         ControlFlow::Continue(())
    ///     })?
    /// };
    /// assert_eq!(seen, [(0, 1), (0, 2), (1, 3), (1, 4)]);
    /// assert_eq!(end.next, 2); // in the new file, which `log` now shows
    /// assert_eq!(&log[..], [3, 4]);
    /// # Ok(()) }
    /// ```
    ///
    /// # Safety
    ///
    /// As [`refresh_rotating`](RecordLog::refresh_rotating).
    ///
    /// # Errors
    ///
    /// The errors of [`refresh_rotating`](RecordLog::refresh_rotating), which end the loop.
    pub unsafe fn follow_rotating<F>(
        &mut self,
        from: usize,
        how: &Follow,
        on_records: F,
    ) -> Result<Followed>
    where
        F: FnMut(FilePos, &[T]) -> ControlFlow<()>,
    {
        // SAFETY: the caller promised the followers' contract for every file at the path.
        let step = |log: &mut Self| unsafe { log.refresh_rotating() };
        self.follow_with(from, how, step, on_records)
    }

    /// Whether the path no longer names the file followed: another file is there, or none.
    fn path_moved(&self) -> Result<bool> {
        match self.check_path() {
            Ok(()) => Ok(false),
            Err(Error::Replaced { record: None, .. }) => Ok(true),
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                Ok(true)
            }
            Err(e) => Err(e),
        }
    }
}

impl<T: Element> LogWriter<T> {
    /// Rotates the log: flushes the buffered records to the current file, renames it to `to`,
    /// creates a new log at the original path with the same header, and appends there from
    /// now on (with the same buffer size). Followers that use
    /// [`RecordLog::refresh_rotating`] or [`RecordLog::follow_rotating`] finish the old file
    /// and continue with the new one.
    ///
    /// The rename is the signal that the old file is finished: this writer never writes to
    /// it again. For durability call [`sync`](LogWriter::sync) first (the rename itself is
    /// not synced). `to` must not exist: an older rotated log there is not replaced.
    ///
    /// # Errors
    ///
    /// The errors of [`flush`](LogWriter::flush) (nothing was renamed);
    /// [`Error::Io`] when `to` exists or the rename fails (the writer still appends to the
    /// old file at its path); the errors of [`create`](LogWriter::create) for the new file
    /// (the old one is renamed, and this writer keeps appending to it under its new name).
    pub fn rotate(&mut self, to: impl AsRef<Path>) -> Result<()> {
        self.rotate_impl(to.as_ref())
    }

    fn rotate_impl(&mut self, to: &Path) -> Result<()> {
        self.flush()?;
        let header = super::read_header_bytes(&self.file, self.path(), self.header_len())?;
        if std::fs::symlink_metadata(to).is_ok() {
            let exists = std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "a file is already there; rotate to a new name (or move the old file first)",
            );
            return Err(Error::io("rotate the log to", to, exists));
        }
        let path = self.path().to_path_buf();
        std::fs::rename(&path, to).map_err(|e| Error::io("rename", &path, e))?;
        let capacity = self.capacity;
        match LogWriter::create(&path, Some(&header)) {
            Ok(next) => {
                *self = next.with_capacity(capacity);
                Ok(())
            }
            Err(e) => {
                self.path = to.to_path_buf();
                Err(e)
            }
        }
    }
}
