//! [`LogWriter`]: appends whole records, syncs, and recovers from a crash.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use super::{check_layout, file_len, LogHeader};
use crate::element::{bytes_of, Element};
use crate::error::{Error, Result};
// On failure the call sites need how much was written, not only the error.
use crate::pio::write_all_at_partial as write_all_at;

/// The default buffer: 64 KiB, a few pages per `write`.
const DEFAULT_CAPACITY: usize = 64 * 1024;

/// Appends `T` records to a log file, through a buffer, in whole records only.
///
/// - [`append`](LogWriter::append) and [`append_all`](LogWriter::append_all) buffer records;
///   a slice larger than the buffer is written directly.
/// - [`flush`](LogWriter::flush) hands the buffer to the operating system: readers of the
///   file (a [`RecordLog`](crate::RecordLog) in another process) see the records from then
///   on, and they survive the death of this process.
/// - [`sync`](LogWriter::sync) flushes and waits until the records are on the disk
///   (`fdatasync`): a record is durable, even against a power loss, once `sync` returned.
/// - Dropping the writer flushes the buffer (errors are ignored: call `flush` to see them)
///   but does not sync.
///
/// Every `write` starts at the end of the last whole record and carries whole records; a
/// short write is continued, and a failed one is cut back to the last whole record, so the
/// file ends in a partial record only if the process died inside a `write`. Then
/// [`open`](LogWriter::open) reports the torn tail and appending waits for
/// [`recover`](LogWriter::recover).
///
/// One writer per file: [`create`](LogWriter::create),
/// [`create_truncate`](LogWriter::create_truncate) and [`open`](LogWriter::open) take the
/// file's advisory lock (`flock`) and hold it until the writer is dropped, so a second
/// `LogWriter` of the file, in this process or another, gets [`Error::Locked`]. Unix only:
/// Windows' file locks (`LockFileEx`) are enforced, so they would make the followers' reads
/// of the file fail while a writer lives; there no lock is taken and only the end-of-file
/// check below guards the records. Programs that do not take the lock are not kept out; so before each
/// `write` the writer checks (one `fstat`) that the file still ends where its records end,
/// and refuses with [`Error::ForeignWrite`] rather than overwrite bytes someone else
/// appended. (On a file system without locks the writer works unlocked.)
///
/// ```
/// use typed_memmap::{LogHeader, LogWriter};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("seq.log");
///
/// let mut w = LogWriter::<u64>::create(&path, Some(b"SEQ1\0\0\0\0"))?;
/// w.append_all(&[1, 2, 3])?;
/// w.sync()?;
/// drop(w);
///
/// // A crash left half a record behind.
/// # use std::io::Write;
/// std::fs::OpenOptions::new().append(true).open(&path)?.write_all(&[9; 5])?;
///
/// let mut w = LogWriter::<u64>::open(&path, LogHeader::exact(*b"SEQ1\0\0\0\0"))?;
/// assert_eq!(w.torn_tail_bytes(), 5);
/// assert!(w.append(&4).is_err()); // refuses to write after the torn tail
/// assert_eq!(w.recover()?, 5); // cut it
/// w.append(&4)?;
/// w.flush()?;
/// assert_eq!(std::fs::metadata(&path)?.len(), 8 + 4 * 8);
/// # Ok(()) }
/// ```
pub struct LogWriter<T> {
    // `pub(super)` for `rotation.rs`, which renames the file and starts the next one.
    pub(super) file: File,
    pub(super) path: PathBuf,
    header_len: u64,
    /// The end of the last whole record in the file.
    committed: u64,
    /// Bytes after `committed` found at `open`, not yet recovered.
    torn: u64,
    /// Whole records not yet written.
    buf: Vec<u8>,
    pub(super) capacity: usize,
    /// Whether the directory entry of a file this writer created is known to be durable.
    dir_synced: bool,
    _element: PhantomData<fn(T)>,
}

impl<T: Element> LogWriter<T> {
    /// Creates the log at `path` and writes `header` (if any) once.
    ///
    /// An existing empty file is used (a writer may have died before writing the header); a
    /// non-empty one is refused, so that creating a log never destroys one by accident. Use
    /// [`create_truncate`](LogWriter::create_truncate) to replace a file on purpose.
    ///
    /// # Errors
    ///
    /// [`Error::FileNotEmpty`] when the file exists and is not empty; [`Error::Locked`] when
    /// another `LogWriter` has it open; [`Error::ZeroSizedElement`]; [`Error::Misaligned`] when
    /// the header length is not a multiple of `align_of::<T>()` (readers could not map the
    /// records); [`Error::Io`].
    pub fn create(path: impl AsRef<Path>, header: Option<&[u8]>) -> Result<LogWriter<T>> {
        Self::create_impl(path.as_ref(), header.unwrap_or_default(), false)
    }

    /// Creates the log at `path` as [`create`](LogWriter::create) does, but empties an
    /// existing file first.
    ///
    /// # Errors
    ///
    /// As [`create`](LogWriter::create), without the refusal; a file that another
    /// `LogWriter` has open is not emptied ([`Error::Locked`]).
    ///
    /// # Followers of the old content
    ///
    /// Emptying a followed file breaks the
    /// [followers' contract](crate::log#the-followers-contract); what a
    /// [`RecordLog`](crate::RecordLog) of it notices at its next
    /// [`refresh`](crate::RecordLog::refresh):
    ///
    /// - while the file is shorter than the records it showed:
    ///   [`Error::Shrunk`](crate::Error::Shrunk);
    /// - once new records reach past the old size: [`Error::Replaced`](crate::Error::Replaced)
    ///   when the first or the last record it showed has other bytes now (it keeps a copy of
    ///   the first 64 bytes of each);
    /// - not noticed: a file that has exactly the old length again when the follower looks
    ///   (a refresh of an unchanged length costs one `fstat` and reads nothing), or new
    ///   records equal to the old ones at those two places. Until a follower's next
    ///   `refresh`, the records it shows may already be the new ones.
    ///
    /// To replace a followed log safely, rotate it: rename it, then [`create`](LogWriter::create)
    /// a new one; followers notice with [`RecordLog::check_path`](crate::RecordLog::check_path).
    pub fn create_truncate(path: impl AsRef<Path>, header: Option<&[u8]>) -> Result<LogWriter<T>> {
        Self::create_impl(path.as_ref(), header.unwrap_or_default(), true)
    }

    fn create_impl(path: &Path, header: &[u8], truncate: bool) -> Result<LogWriter<T>> {
        let header_len = header.len() as u64;
        check_layout::<T>(path, header_len)?;
        let mut options = OpenOptions::new();
        options.create(true).truncate(false);
        // Locked before anything is checked or truncated: a live writer's file is left alone.
        let (file, len) = open_locked(&options, path, "create")?;
        if len > 0 {
            if !truncate {
                return Err(Error::FileNotEmpty {
                    path: path.to_path_buf(),
                    file_len: len,
                });
            }
            file.set_len(0)
                .map_err(|e| Error::io("truncate", path, e))?;
        }
        let mut writer = LogWriter {
            file,
            path: path.to_path_buf(),
            header_len,
            committed: 0,
            torn: 0,
            buf: Vec::new(),
            capacity: DEFAULT_CAPACITY,
            dir_synced: false,
            _element: PhantomData,
        };
        write_all_at(&writer.file, header, 0)
            .map_err(|(_, e)| Error::io("write the header of", path, e))?;
        writer.committed = header_len;
        Ok(writer)
    }

    /// Opens the log at `path` for appending, after checking its header.
    ///
    /// A partial record at the end (left by a crash) is not an error here: it is reported by
    /// [`torn_tail_bytes`](LogWriter::torn_tail_bytes), and appending refuses until
    /// [`recover`](LogWriter::recover) has cut it.
    ///
    /// # Errors
    ///
    /// [`Error::Locked`] when another `LogWriter` has the file open; [`Error::Header`] when
    /// the file is shorter than the header; [`Error::HeaderMismatch`] (naming the expected
    /// and the found header) when the check fails; [`Error::ZeroSizedElement`];
    /// [`Error::Misaligned`]; [`Error::Io`].
    pub fn open(path: impl AsRef<Path>, header: LogHeader) -> Result<LogWriter<T>> {
        Self::open_impl(path.as_ref(), &header)
    }

    fn open_impl(path: &Path, header: &LogHeader) -> Result<LogWriter<T>> {
        let header_len = header.byte_len();
        check_layout::<T>(path, header_len)?;
        let (file, len) = open_locked(&OpenOptions::new(), path, "open")?;
        if len < header_len {
            return Err(header.too_short(path, len));
        }
        header.verify(&file, path)?;
        let torn = (len - header_len) % core::mem::size_of::<T>() as u64;
        Ok(LogWriter {
            file,
            path: path.to_path_buf(),
            header_len,
            committed: len - torn,
            torn,
            buf: Vec::new(),
            capacity: DEFAULT_CAPACITY,
            dir_synced: true,
            _element: PhantomData,
        })
    }

    /// Sets the buffer size in bytes (default 64 KiB); at least one record is buffered.
    pub fn with_capacity(mut self, bytes: usize) -> LogWriter<T> {
        self.capacity = bytes.max(core::mem::size_of::<T>());
        self
    }

    /// Appends one record (buffered).
    ///
    /// # Errors
    ///
    /// [`Error::TornTail`] while a torn tail waits for [`recover`](LogWriter::recover);
    /// [`Error::ForeignWrite`] when the buffer had to be written and someone else had
    /// written to the file; [`Error::Io`] when the buffer had to be written and that failed.
    pub fn append(&mut self, record: &T) -> Result<()> {
        self.append_all(core::slice::from_ref(record))
    }

    /// Appends records (buffered; a slice at least as large as the buffer is written
    /// directly, after what was buffered).
    ///
    /// On an I/O error the records that did not reach the file stay buffered, in order, and
    /// the next [`flush`](LogWriter::flush) tries them again.
    ///
    /// # Errors
    ///
    /// As [`append`](LogWriter::append).
    pub fn append_all(&mut self, records: &[T]) -> Result<()> {
        self.check_torn()?;
        let bytes = bytes_of(records);
        if self.buf.len() + bytes.len() > self.capacity {
            if let Err(e) = self.flush() {
                self.buf.extend_from_slice(bytes);
                return Err(e);
            }
        }
        if bytes.len() < self.capacity {
            self.buf.extend_from_slice(bytes);
            return Ok(());
        }
        let (written, result) = self.write_whole(bytes);
        if result.is_err() {
            self.buf.extend_from_slice(&bytes[written..]);
        }
        result
    }

    /// Writes the buffered records to the file (no sync): other processes see them, and
    /// they survive the death of this process, not a power loss.
    ///
    /// # Errors
    ///
    /// [`Error::ForeignWrite`] when the file no longer ends where this writer's records end
    /// (someone else appended or truncated): nothing is written; [`Error::Io`]. The records
    /// not written stay buffered.
    pub fn flush(&mut self) -> Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let mut buf = core::mem::take(&mut self.buf);
        let (written, result) = self.write_whole(&buf);
        buf.drain(..written);
        self.buf = buf;
        result
    }

    /// Flushes, then waits until the records are on the disk (`fdatasync`). Every record
    /// appended before `sync` returned `Ok` survives a crash of the process or the machine.
    /// The first sync after [`create`](LogWriter::create) also syncs the directory, so that
    /// the file itself survives.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when writing or syncing failed; then nothing is promised.
    pub fn sync(&mut self) -> Result<()> {
        self.flush()?;
        self.file
            .sync_data()
            .map_err(|e| Error::io("sync", &self.path, e))?;
        if !self.dir_synced {
            sync_dir(&self.path).map_err(|e| Error::io("sync the directory of", &self.path, e))?;
            self.dir_synced = true;
        }
        Ok(())
    }

    /// Cuts a partial record at the end of the file (left by a crash inside a `write`) and
    /// returns how many bytes it cut; 0 when the file ends in a whole record.
    ///
    /// The length is read from the file again, so this also repairs a tail that appeared
    /// after [`open`](LogWriter::open). Buffered records stay buffered.
    ///
    /// # Errors
    ///
    /// [`Error::Header`] when the file is now shorter than its header; [`Error::Io`].
    pub fn recover(&mut self) -> Result<u64> {
        let len = file_len(&self.file, &self.path)?;
        if len < self.header_len {
            return Err(LogHeader::skip(self.header_len).too_short(&self.path, len));
        }
        let tail = (len - self.header_len) % core::mem::size_of::<T>() as u64;
        if tail > 0 {
            self.file
                .set_len(len - tail)
                .map_err(|e| Error::io("truncate", &self.path, e))?;
        }
        self.committed = len - tail;
        self.torn = 0;
        Ok(tail)
    }

    /// The number of records: in the file (whole ones) plus buffered.
    pub fn len(&self) -> usize {
        let in_file = (self.committed - self.header_len) as usize;
        (in_file + self.buf.len()) / core::mem::size_of::<T>()
    }

    /// Whether the log has no record, in the file or buffered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of records buffered, not yet written to the file.
    pub fn buffered(&self) -> usize {
        self.buf.len() / core::mem::size_of::<T>()
    }

    /// The partial record found at the end of the file by [`open`](LogWriter::open), in
    /// bytes, until [`recover`](LogWriter::recover) cuts it.
    pub fn torn_tail_bytes(&self) -> u64 {
        self.torn
    }

    /// The size of the header in bytes.
    pub fn header_len(&self) -> u64 {
        self.header_len
    }

    /// The log file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn check_torn(&self) -> Result<()> {
        if self.torn == 0 {
            return Ok(());
        }
        Err(Error::TornTail {
            path: self.path.clone(),
            file_len: self.committed + self.torn,
            header_len: self.header_len,
            itemsize: core::mem::size_of::<T>(),
            tail: self.torn,
        })
    }

    /// Writes `bytes` (whole records) at the end of the last whole record. Returns how many
    /// leading bytes of `bytes` are now in the file as whole records, and the outcome; on
    /// failure a partial record this call wrote is cut off again.
    fn write_whole(&mut self, bytes: &[u8]) -> (usize, Result<()>) {
        let size = core::mem::size_of::<T>();
        let start = self.committed;
        if let Err(e) = self.check_end() {
            return (0, Err(e));
        }
        match write_all_at(&self.file, bytes, start) {
            Ok(()) => {
                self.committed = start + bytes.len() as u64;
                (bytes.len(), Ok(()))
            }
            Err((done, e)) => {
                let whole = done - done % size;
                self.committed = start + whole as u64;
                if whole != done {
                    // Best effort: if even this fails, `open` + `recover` repair it later.
                    let _ = self.file.set_len(self.committed);
                }
                (whole, Err(Error::io("append to", &self.path, e)))
            }
        }
    }
}

impl<T> LogWriter<T> {
    /// Checks that the file ends where this writer's records end (one `fstat`): the lock
    /// keeps other `LogWriter`s out, not other programs, and writing at a remembered offset
    /// after someone else appended would overwrite their bytes.
    fn check_end(&self) -> Result<()> {
        let found = file_len(&self.file, &self.path)?;
        if found == self.committed {
            return Ok(());
        }
        Err(Error::ForeignWrite {
            path: self.path.clone(),
            expected: self.committed,
            found,
        })
    }
}

impl<T> Drop for LogWriter<T> {
    /// Flushes the buffer, ignoring errors (call [`LogWriter::flush`] to see them); does not
    /// sync. When someone else wrote to the file, the buffered records are dropped, not
    /// written over theirs.
    fn drop(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let buf = core::mem::take(&mut self.buf);
        let start = self.committed;
        if self.check_end().is_err() {
            // Someone else wrote to or truncated the file: the records are dropped rather
            // than written over theirs.
            return;
        }
        if let Err((done, _)) = write_all_at(&self.file, &buf, start) {
            let size = core::mem::size_of::<T>().max(1);
            if done % size != 0 {
                // Cut the partial record this write left, as `flush` does.
                let _ = self.file.set_len(start + (done - done % size) as u64);
            }
        }
    }
}

impl<T: Element> fmt::Debug for LogWriter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LogWriter")
            .field("path", &self.path)
            .field("dtype", &T::dtype().descr())
            .field("header_len", &self.header_len)
            .field("len", &self.len())
            .field("buffered", &self.buffered())
            .field("torn_tail_bytes", &self.torn)
            .finish()
    }
}

/// Opens `path` for reading and writing with `options`, takes the writer lock, and returns
/// the file and its length.
fn open_locked(options: &OpenOptions, path: &Path, op: &'static str) -> Result<(File, u64)> {
    crate::map::refuse_pipe(path)?;
    let file = options
        .clone()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| Error::io(op, path, e))?;
    lock(&file, path)?;
    let len = file_len(&file, path)?;
    Ok((file, len))
}

/// Takes the file's advisory writer lock (`flock`), held until the file is closed, that is
/// until the writer is dropped. Only `LogWriter`s take it: it keeps a second writer out, not
/// a program that ignores it.
#[cfg(unix)]
fn lock(file: &File, path: &Path) -> Result<()> {
    use std::fs::TryLockError;
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(TryLockError::WouldBlock) => Err(Error::Locked {
            path: path.to_path_buf(),
        }),
        // A file system without locks: the writer works as before the lock existed.
        Err(TryLockError::Error(e)) if e.kind() == io::ErrorKind::Unsupported => Ok(()),
        Err(TryLockError::Error(e)) => Err(Error::io("lock", path, e)),
    }
}

/// No lock off Unix: Windows enforces `LockFileEx` locks against other handles' reads, which
/// would break every follower of the log (see [`LogWriter`]).
#[cfg(not(unix))]
fn lock(_file: &File, _path: &Path) -> Result<()> {
    Ok(())
}

#[cfg(unix)]
fn sync_dir(path: &Path) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_path: &Path) -> io::Result<()> {
    // Windows cannot open a directory as a file; NTFS journals the directory entry itself.
    Ok(())
}
