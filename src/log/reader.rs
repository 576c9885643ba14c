//! [`RecordLog`]: a map of a growing log that shows whole records only.

use std::fmt;
use std::fs::File;
use std::ops::{ControlFlow, Deref};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::rotation::{FilePos, Refreshed};
use super::{check_layout, file_len, LogHeader};
use crate::column::{Column, FieldHandle};
use crate::element::{bytes_of, Element};
use crate::error::{Error, Result};
use crate::map::Memmap;
use crate::options::Options;
use crate::pio::read_exact_at;

/// A log file of `T` records that another process may be appending to, mapped read-only.
///
/// It dereferences to the whole records seen at the last look, `&[T]`;
/// [`refresh`](RecordLog::refresh) looks again. Bytes after the last whole record are not
/// shown but counted ([`torn_tail_bytes`](RecordLog::torn_tail_bytes)).
///
/// ```
/// use typed_memmap::{LogHeader, LogWriter, RecordLog};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("levels.log");
/// let mut w = LogWriter::<f64>::create(&path, None)?;
/// w.append_all(&[1.5, 2.5])?;
/// w.flush()?;
///
/// // SAFETY: `w` only appends whole records and nobody truncates the file.
/// let mut log = unsafe { RecordLog::<f64>::open(&path, LogHeader::none())? };
/// assert_eq!(log.len(), 2);
/// assert_eq!(log.refresh()?, 0); // nothing new: one `fstat`, no remap
///
/// // A partial record (here: written by hand) is reported, not shown.
/// # use std::io::Write;
/// std::fs::OpenOptions::new().append(true).open(&path)?.write_all(&[0; 3])?;
/// assert_eq!(log.refresh()?, 0);
/// assert_eq!(log.torn_tail_bytes(), 3);
/// assert_eq!(&log[..], [1.5, 2.5]);
/// # Ok(()) }
/// ```
pub struct RecordLog<T> {
    file: File,
    /// The open file's metadata at `open`, for its identity (device and inode), which
    /// cannot change while it is open: [`check_path`](RecordLog::check_path) compares the
    /// path's `stat` with it.
    identity: std::fs::Metadata,
    path: PathBuf,
    // `pub(super)` for `rotation.rs`, which opens the next file with the same header.
    pub(super) header: LogHeader,
    /// Whether the header is complete in the file and was checked. A file still empty when
    /// it was opened has its header checked when it arrives.
    header_ok: bool,
    /// The whole records at the last look; `None` when there are none (nothing is mapped).
    map: Option<Memmap<T>>,
    /// The file's length at the last successful look.
    file_len: u64,
    remaps: u64,
    /// Private copies of the first bytes of the first and of the last record shown, to
    /// notice a file rewritten in place.
    samples: [Sample; 2],
    /// Set once the file shrank below what was shown, or was replaced.
    broken: Option<Broken>,
}

/// The first [`SAMPLE_LEN`] bytes of one record shown.
#[derive(Clone, Debug, Default)]
struct Sample {
    index: usize,
    bytes: Vec<u8>,
}

/// How many bytes of a record [`Sample`] keeps: enough for a sequence number or a
/// timestamp, few enough that a look at a grown file reads little.
const SAMPLE_LEN: usize = 64;

/// Why a log stopped showing records.
#[derive(Clone, Copy, Debug)]
enum Broken {
    Shrunk { was: u64, now: u64 },
    Replaced { record: u64, file_len: u64 },
}

impl<T: Element> RecordLog<T> {
    /// Opens the log at `path` and maps its whole records, after `header`.
    ///
    /// An empty file is a valid empty log (its header, if any, is checked once it has been
    /// written); so is a file that holds only the header.
    ///
    /// # Safety
    ///
    /// Mapping follows [`Options#safety`](crate::Options#safety). For a log this means the
    /// [followers' contract](crate::log#the-followers-contract): writers only append whole
    /// records, and nobody truncates the file below the records this log has shown, for as
    /// long as this `RecordLog` lives.
    ///
    /// # Errors
    ///
    /// [`Error::Io`]; [`Error::ZeroSizedElement`]; [`Error::Misaligned`] when the header
    /// length is not a multiple of `align_of::<T>()`; [`Error::Header`] when the file is not
    /// empty but shorter than the header; [`Error::HeaderMismatch`] when the header check
    /// fails.
    pub unsafe fn open(path: impl AsRef<Path>, header: LogHeader) -> Result<RecordLog<T>> {
        Self::open_impl(path.as_ref(), header)
    }

    /// `open` without the path's generic; maps only through `look`, whose safety argument
    /// rests on the promise the caller of `open` made.
    fn open_impl(path: &Path, header: LogHeader) -> Result<RecordLog<T>> {
        check_layout::<T>(path, header.byte_len())?;
        crate::map::refuse_pipe(path)?;
        let file = File::open(path).map_err(|e| Error::io("open", path, e))?;
        let identity = file.metadata().map_err(|e| Error::io("stat", path, e))?;
        let len = identity.len();
        let mut log = RecordLog {
            file,
            identity,
            path: path.to_path_buf(),
            header_ok: header.byte_len() == 0,
            header,
            map: None,
            file_len: 0,
            remaps: 0,
            samples: Default::default(),
            broken: None,
        };
        if len > 0 && len < log.header.byte_len() {
            return Err(log.header.too_short(path, len));
        }
        log.look(len)?;
        Ok(log)
    }

    /// Looks at the file again and maps the records appended since the last look; returns
    /// how many there are.
    ///
    /// When the file did not change this costs one `fstat` and nothing else; the mapping is
    /// rebuilt only when whole records were added. A torn tail that grew or was cut (by
    /// [`LogWriter::recover`](crate::LogWriter::recover)) only updates
    /// [`torn_tail_bytes`](RecordLog::torn_tail_bytes).
    ///
    /// When the length changed, the log also reads back the first 64 bytes of the first
    /// and of the last record it showed (two positional reads) and compares them with its
    /// own copies: a file emptied and written again past its old size (as after
    /// [`LogWriter::create_truncate`](crate::LogWriter::create_truncate)) is
    /// [`Error::Replaced`], not a batch of new records. A file back at exactly the old
    /// length, or new records equal to the old ones at those two places, go unnoticed; a
    /// file renamed away and created again is noticed by
    /// [`check_path`](RecordLog::check_path), not here.
    ///
    /// # Errors
    ///
    /// [`Error::Shrunk`] when the file is now shorter than the records already shown, and
    /// [`Error::Replaced`] when a record already shown has other bytes: the log then drops
    /// its map without reading it, shows no records, and keeps returning the error (open
    /// the file again if it was replaced on purpose). [`Error::HeaderMismatch`] when the
    /// header arrived and is wrong; [`Error::Io`].
    pub fn refresh(&mut self) -> Result<usize> {
        if let Some(broken) = self.broken {
            return Err(self.broken_error(broken));
        }
        // The size comes first: nothing else is touched until it is known not to have
        // shrunk below the mapped records.
        let now = file_len(&self.file, &self.path)?;
        if now == self.file_len {
            return Ok(0);
        }
        if now < self.data_end() {
            return Err(self.poison(Broken::Shrunk {
                was: self.file_len,
                now,
            }));
        }
        if let Some(record) = self.changed_sample()? {
            return Err(self.poison(Broken::Replaced {
                record: record as u64,
                file_len: now,
            }));
        }
        let before = self.len();
        self.look(now)?;
        Ok(self.len() - before)
    }

    /// Checks that the log's path still names the file this log follows (one `stat`,
    /// compared by device and inode; on platforms without them by creation time, which
    /// NTFS may carry over to a file created under a just-renamed name, so there a rotation
    /// can go unnoticed).
    ///
    /// A log rotated by renaming it and creating a new file at its path is still a valid log
    /// to finish reading (its writer may still append to it), so
    /// [`refresh`](RecordLog::refresh) goes on showing its records; this says when to open
    /// the path again.
    ///
    /// ```
    /// use typed_memmap::{Error, LogHeader, LogWriter, RecordLog};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("app.log");
    /// drop(LogWriter::<u64>::create(&path, None)?);
    /// // SAFETY: nobody truncates the file; the rotation below renames it.
    /// let log = unsafe { RecordLog::<u64>::open(&path, LogHeader::none())? };
    /// log.check_path()?;
    /// std::fs::rename(&path, dir.path().join("app.log.1"))?;
    /// drop(LogWriter::<u64>::create(&path, None)?);
    /// assert!(matches!(log.check_path(), Err(Error::Replaced { record: None, .. })));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Replaced`] (with `record: None`) when the path names another file;
    /// [`Error::Io`] when it names none (deleted or renamed away, not yet created again).
    pub fn check_path(&self) -> Result<()> {
        let theirs = std::fs::metadata(&self.path).map_err(|e| Error::io("stat", &self.path, e))?;
        if same_file(&self.identity, &theirs) {
            return Ok(());
        }
        Err(Error::Replaced {
            path: self.path.clone(),
            record: None,
            file_len: theirs.len(),
        })
    }

    /// Calls `on_records(first, records)` with every batch of records from index `from` on,
    /// as they arrive, `tail -f` style: what is already there first, then what
    /// [`refresh`](RecordLog::refresh) finds every `poll_interval`, until `on_records`
    /// returns [`ControlFlow::Break`] or nothing arrived for the idle timeout. `first` is the
    /// index of `records[0]` in the log.
    ///
    /// ```
    /// use std::ops::ControlFlow;
    /// use std::time::Duration;
    /// use typed_memmap::{Follow, FollowEnd, LogHeader, LogWriter, RecordLog};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let dir = tempfile::tempdir()?;
    /// # let path = dir.path().join("n.log");
    /// let mut w = LogWriter::<u32>::create(&path, None)?;
    /// w.append_all(&[1, 2, 3])?;
    /// w.flush()?;
    /// // SAFETY: `w` only appends whole records and nobody truncates the file.
    /// let mut log = unsafe { RecordLog::<u32>::open(&path, LogHeader::none())? };
    /// let mut seen = Vec::new();
    /// let how = Follow::new()
    ///     .poll_interval(Duration::from_millis(1))
    ///     .idle_timeout(Duration::from_millis(20));
    /// let end = log.follow(1, &how, |first, records| {
    ///     assert_eq!(first, 1 + seen.len());
    ///     seen.extend_from_slice(records);
    ///     ControlFlow::Continue(())
    /// })?;
    /// assert_eq!(seen, [2, 3]);
    /// assert_eq!((end.next, end.end), (3, FollowEnd::Idle));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// The errors of [`refresh`](RecordLog::refresh), which end the loop.
    pub fn follow<F>(&mut self, from: usize, how: &Follow, mut on_records: F) -> Result<Followed>
    where
        F: FnMut(usize, &[T]) -> ControlFlow<()>,
    {
        let step = |log: &mut Self| log.refresh().map(Refreshed::Grew);
        self.follow_with(from, how, step, |at, records| on_records(at.first, records))
    }

    /// The loop of [`follow`](RecordLog::follow) and
    /// [`follow_rotating`](RecordLog::follow_rotating): hands out what the log shows from
    /// `from` on, then looks again with `step` until told to stop or idle.
    pub(super) fn follow_with<S, F>(
        &mut self,
        from: usize,
        how: &Follow,
        mut step: S,
        mut on_records: F,
    ) -> Result<Followed>
    where
        S: FnMut(&mut Self) -> Result<Refreshed>,
        F: FnMut(FilePos, &[T]) -> ControlFlow<()>,
    {
        let (mut next, mut file) = (from, 0u64);
        let mut last_arrival = Instant::now();
        loop {
            if next < self.len() {
                let first = next;
                next = self.len();
                let at = FilePos { file, first };
                if on_records(at, &self.records()[first..]).is_break() {
                    return Ok(Followed {
                        next,
                        end: FollowEnd::Stopped,
                    });
                }
                continue;
            }
            match step(self)? {
                Refreshed::Grew(0) => {}
                Refreshed::Grew(_) => {
                    last_arrival = Instant::now();
                    continue;
                }
                Refreshed::Rotated { .. } => {
                    (next, file) = (0, file + 1);
                    last_arrival = Instant::now();
                    continue;
                }
            }
            if how
                .idle_timeout
                .is_some_and(|t| last_arrival.elapsed() >= t)
            {
                return Ok(Followed {
                    next,
                    end: FollowEnd::Idle,
                });
            }
            std::thread::sleep(how.poll_interval);
        }
    }

    /// The whole records seen at the last look.
    pub fn records(&self) -> &[T] {
        self.map.as_ref().map_or(&[], |m| m.as_slice())
    }

    /// The number of whole records seen at the last look.
    pub fn len(&self) -> usize {
        self.map.as_ref().map_or(0, |m| m.len())
    }

    /// Whether the log had no whole record at the last look.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes after the last whole record at the last look: a record being written, or
    /// one a crashed writer left unfinished. Always less than `size_of::<T>()`.
    pub fn torn_tail_bytes(&self) -> u64 {
        if self.header_ok {
            self.file_len - self.data_end()
        } else {
            0
        }
    }

    /// The file's length at the last look, header and torn tail included.
    pub fn file_len(&self) -> u64 {
        self.file_len
    }

    /// The size of the header in bytes.
    pub fn header_len(&self) -> u64 {
        self.header.byte_len()
    }

    /// The log file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many times the records were mapped (again) since the log was opened: growth
    /// remaps, nothing else does.
    pub fn remaps(&self) -> u64 {
        self.remaps
    }

    /// One field of every whole record, as a strided view without copying:
    /// `log.column(Tick::fields().price)`.
    pub fn column<F: Element>(&self, field: FieldHandle<T, F>) -> Column<'_, F> {
        Column::from_slice(self.records(), field)
    }

    /// The field called `name` of every whole record, checked at run time (see
    /// [`FieldHandle::by_name`]).
    ///
    /// # Errors
    ///
    /// [`Error::Field`] when `T` has no field `name` of type `F`.
    pub fn column_by_name<F: Element>(&self, name: &str) -> Result<Column<'_, F>> {
        Ok(self.column(FieldHandle::by_name(name)?))
    }

    /// The map of the whole records, for what a [`Memmap`] offers beyond a slice (byte
    /// views, paging advice); `None` while the log has no whole record.
    pub fn as_memmap(&self) -> Option<&Memmap<T>> {
        self.map.as_ref()
    }

    /// The end of the whole records shown, in file bytes.
    fn data_end(&self) -> u64 {
        if self.header_ok {
            self.header.byte_len() + (self.len() * core::mem::size_of::<T>()) as u64
        } else {
            0
        }
    }

    /// Adopts `len` (at least `data_end()`) as the file's length: checks a newly complete
    /// header, and maps again if whole records were added.
    fn look(&mut self, len: u64) -> Result<()> {
        let header_len = self.header.byte_len();
        if !self.header_ok {
            if len < header_len {
                // The writer is still writing the header.
                self.file_len = len;
                return Ok(());
            }
            // `file_len` stays behind until the header passes, so a bad header is reported
            // by every refresh, not only the first.
            self.header.verify(&self.file, &self.path)?;
            self.header_ok = true;
        }
        let size = core::mem::size_of::<T>() as u64;
        let whole =
            usize::try_from((len - header_len) / size).map_err(|_| Error::ShapeOverflow {
                path: self.path.clone(),
                shape: vec![],
                itemsize: size as usize,
                offset: header_len,
            })?;
        if whole > self.len() {
            // SAFETY: `open_file_named` is unsafe for the contract of `Options#safety`; the caller
            // of `RecordLog::open` promised it for as long as this log lives (writers only
            // append, nobody truncates below the records shown), and the map is dropped with
            // the log. The map covers `whole` records, all below the length just read, so no
            // page of it lies past the end of the file.
            let map = unsafe {
                Options::<T>::new()
                    .offset(header_len)
                    .shape([whole])
                    .open_file_named(&self.file, &self.path)
            };
            let map = match map {
                Ok(map) => map,
                // The file shrank between the `fstat` above and the one the map makes.
                Err(Error::FileTooShort { file_len, .. }) => {
                    return Err(self.poison(Broken::Shrunk {
                        was: len,
                        now: file_len,
                    }));
                }
                Err(e) => return Err(e),
            };
            let first = self.is_empty();
            self.map = Some(map);
            self.remaps += 1;
            let records = self.records();
            let sample = |index: usize| Sample {
                index,
                bytes: bytes_of(&records[index..=index])[..SAMPLE_LEN.min(size as usize)].to_vec(),
            };
            let last = sample(whole - 1);
            if first {
                self.samples[0] = sample(0);
            }
            self.samples[1] = last;
        }
        self.file_len = len;
        Ok(())
    }

    /// The index of a sampled record whose bytes in the file differ from the copy taken
    /// when it was shown, if any.
    fn changed_sample(&self) -> Result<Option<usize>> {
        if self.is_empty() {
            return Ok(None);
        }
        let size = core::mem::size_of::<T>() as u64;
        let mut now = [0u8; SAMPLE_LEN];
        for sample in &self.samples {
            let found = &mut now[..sample.bytes.len()];
            let at = self.header.byte_len() + sample.index as u64 * size;
            read_exact_at(&self.file, found, at)
                .map_err(|e| Error::io("read a record of", &self.path, e))?;
            if *found != sample.bytes[..] {
                return Ok(Some(sample.index));
            }
        }
        Ok(None)
    }

    /// Drops the map without touching it and remembers why.
    fn poison(&mut self, broken: Broken) -> Error {
        self.map = None;
        self.broken = Some(broken);
        self.broken_error(broken)
    }

    fn broken_error(&self, broken: Broken) -> Error {
        let path = self.path.clone();
        match broken {
            Broken::Shrunk { was, now } => Error::Shrunk { path, was, now },
            Broken::Replaced { record, file_len } => Error::Replaced {
                path,
                record: Some(record),
                file_len,
            },
        }
    }
}

/// Whether two metadata describe the same file.
#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

/// Whether two metadata describe the same file: std has no stable file index here, so the
/// creation times decide (equal when the platform has none).
#[cfg(not(unix))]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    a.created().ok() == b.created().ok()
}

impl<T: Element> Deref for RecordLog<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        self.records()
    }
}

impl<T: Element> AsRef<[T]> for RecordLog<T> {
    fn as_ref(&self) -> &[T] {
        self.records()
    }
}

impl<'a, T: Element> IntoIterator for &'a RecordLog<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.records().iter()
    }
}

impl<T: Element> fmt::Debug for RecordLog<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordLog")
            .field("path", &self.path)
            .field("dtype", &T::dtype().descr())
            .field("header", &self.header)
            .field("len", &self.len())
            .field("torn_tail_bytes", &self.torn_tail_bytes())
            .field("file_len", &self.file_len)
            .finish()
    }
}

impl<T: Element> fmt::Display for RecordLog<T> {
    /// Prints the whole records the way numpy prints a 1-D array of them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.map {
            Some(map) => fmt::Display::fmt(map, f),
            None => f.write_str("[]"),
        }
    }
}

/// How [`RecordLog::follow`] waits: the poll interval and an optional idle timeout.
///
/// Built with the methods of the same names; the fields are public to read (the struct is
/// `#[non_exhaustive]`, so it is made with [`Follow::new`], not a literal, and can gain
/// settings without breaking callers).
///
/// ```
/// use std::time::Duration;
/// use typed_memmap::Follow;
/// let how = Follow::new().poll_interval(Duration::from_millis(5));
/// assert_eq!(how.poll_interval, Duration::from_millis(5));
/// assert_eq!(how.idle_timeout, None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Follow {
    /// The pause between two looks at an unchanged file (default 50 ms).
    pub poll_interval: Duration,
    /// Stop once no record arrived for this long (default: never).
    pub idle_timeout: Option<Duration>,
}

impl Default for Follow {
    fn default() -> Self {
        Follow::new()
    }
}

impl Follow {
    /// Poll every 50 ms, forever (until the callback breaks).
    pub fn new() -> Follow {
        Follow {
            poll_interval: Duration::from_millis(50),
            idle_timeout: None,
        }
    }

    /// The pause between two looks at an unchanged file.
    pub fn poll_interval(mut self, every: Duration) -> Follow {
        self.poll_interval = every;
        self
    }

    /// Stop once no record arrived for `timeout`.
    pub fn idle_timeout(mut self, timeout: Duration) -> Follow {
        self.idle_timeout = Some(timeout);
        self
    }
}

/// Why [`RecordLog::follow`] returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FollowEnd {
    /// The callback returned [`ControlFlow::Break`].
    Stopped,
    /// No record arrived for the idle timeout.
    Idle,
}

/// What [`RecordLog::follow`] returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Followed {
    /// The index of the first record not yet handed to the callback: where to resume.
    pub next: usize,
    /// Why it returned.
    pub end: FollowEnd,
}
