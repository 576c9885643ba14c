//! The output file of the Parquet and Arrow IPC writers and of `arrow::write_npy`: written
//! under a temporary name beside the destination and renamed over it only once complete, so
//! that a failed or interrupted write never leaves a half file at the destination that a
//! reader could take for a whole one.
//!
//! A destination that is a symbolic link is followed (the file it names is replaced, the link
//! stays); one that exists and is neither a regular file nor a directory (`/dev/null`, a named
//! pipe) is written in place, never replaced.

// With `arrow` alone only `write_via_temp` is used (by `arrow::write_npy`); the rest serves
// the Parquet and IPC writers.
#![cfg_attr(not(any(feature = "parquet", feature = "ipc")), allow(dead_code))]

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A file being written at a temporary path, to be renamed to its destination by
/// [`commit`](TempOut::commit). Dropped uncommitted, it removes the temporary file. For a
/// device or pipe, the destination itself, written in place (`tmp` is empty).
pub(crate) struct TempOut {
    file: Option<File>,
    tmp: PathBuf,
    dest: PathBuf,
}

/// Writes the file `out` with `write`, into a [`TempOut`] put in place (`sync`ed if asked)
/// once `write` succeeded; on an error the temporary file is removed and `out` is as it was.
pub(crate) fn write_via_temp<S>(
    out: &Path,
    sync: bool,
    write: impl FnOnce(&mut File) -> Result<S>,
) -> Result<S> {
    let mut tmp = TempOut::create(out)?;
    let summary = write(tmp.file())?;
    tmp.commit(sync)?;
    Ok(summary)
}

impl TempOut {
    /// Creates `DEST.<pid>-<n>.tmp` beside `dest` (a name no other writer is using: it is
    /// created with `create_new`), so that a glob for the destination's extension never
    /// matches it and two writers of the same destination do not write into one file.
    pub(crate) fn create(dest: &Path) -> Result<TempOut> {
        let dest = match std::fs::metadata(dest) {
            Ok(meta) if !meta.is_file() && !meta.is_dir() => {
                let file = OpenOptions::new()
                    .write(true)
                    .open(dest)
                    .map_err(|e| Error::io("open", dest, e))?;
                return Ok(TempOut {
                    file: Some(file),
                    tmp: PathBuf::new(),
                    dest: dest.to_path_buf(),
                });
            }
            Ok(meta) if meta.is_file() => {
                std::fs::canonicalize(dest).map_err(|e| Error::io("resolve", dest, e))?
            }
            _ => dest.to_path_buf(),
        };
        let dest = dest.as_path();
        let name = dest.file_name().ok_or_else(|| {
            Error::io(
                "create",
                dest,
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "the output path names no file (it ends in `..` or is a root)",
                ),
            )
        })?;
        let pid = std::process::id();
        let mut n = 0u32;
        loop {
            let mut tmp_name = name.to_os_string();
            tmp_name.push(format!(".{pid}-{n}.tmp"));
            let tmp = dest.with_file_name(tmp_name);
            match OpenOptions::new().write(true).create_new(true).open(&tmp) {
                Ok(file) => {
                    return Ok(TempOut {
                        file: Some(file),
                        tmp,
                        dest: dest.to_path_buf(),
                    })
                }
                // A name left by an earlier writer of this pid (a crash, or pid reuse): next.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
                Err(e) => return Err(Error::io("create", &tmp, e)),
            }
        }
    }

    /// The temporary file, to write into.
    pub(crate) fn file(&mut self) -> &mut File {
        self.file
            .as_mut()
            .expect("the file is present until commit, which consumes self")
    }

    /// Closes the temporary file (after `fsync` when `sync`) and renames it to the
    /// destination, replacing any file there; with `sync`, also syncs the directory so that
    /// the rename survives a power failure.
    pub(crate) fn commit(mut self, sync: bool) -> Result<()> {
        let file = self
            .file
            .take()
            .expect("the file is present until commit, which consumes self");
        if self.tmp.as_os_str().is_empty() {
            // A device or pipe, written in place: nothing to sync or rename.
            return Ok(());
        }
        if sync {
            file.sync_all()
                .map_err(|e| Error::io("sync", &self.tmp, e))?;
        }
        drop(file);
        std::fs::rename(&self.tmp, &self.dest).map_err(|e| Error::io("rename", &self.dest, e))?;
        // The rename succeeded: nothing is left to remove.
        self.tmp = PathBuf::new();
        if sync {
            sync_dir(&self.dest)?;
        }
        Ok(())
    }
}

impl Drop for TempOut {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            drop(self.file.take());
            // Best effort: the write already failed with an error that says why; a temporary
            // file that cannot be removed is named `*.tmp` and never taken for the output.
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// A writer that counts the bytes it passes on: the length of a file written into a sink the
/// writers cannot stat.
pub(crate) struct Counted<W> {
    pub(crate) inner: W,
    pub(crate) bytes: u64,
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Syncs the directory holding `path`, which makes a rename into it durable (POSIX).
#[cfg(unix)]
fn sync_dir(path: &Path) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io("sync", dir, e))
}

/// Directories cannot be opened for syncing here; the rename is as durable as the platform
/// makes it.
#[cfg(not(unix))]
fn sync_dir(_path: &Path) -> Result<()> {
    Ok(())
}

/// The crate's error for an Arrow error met while writing `path` as `format`: an error of this
/// crate that the batch source wrapped (`ArrowError::ExternalError`) comes back as itself,
/// naming the file it is about; an I/O error as [`Error::Io`]; anything else as
/// [`Error::Arrow`] naming `path`.
pub(crate) fn from_arrow(path: &Path, format: &'static str, e: arrow_schema::ArrowError) -> Error {
    match e {
        arrow_schema::ArrowError::ExternalError(source) => from_boxed(path, format, source),
        arrow_schema::ArrowError::IoError(_, source) => Error::io("write", path, source),
        e => writer_error(path, format, &e),
    }
}

/// [`from_arrow`] for a boxed error: this crate's errors and I/O errors unwrapped.
pub(crate) fn from_boxed(
    path: &Path,
    format: &'static str,
    source: Box<dyn std::error::Error + Send + Sync>,
) -> Error {
    match source.downcast::<Error>() {
        Ok(ours) => *ours,
        Err(source) => match source.downcast::<std::io::Error>() {
            Ok(io) => Error::io("write", path, *io),
            Err(source) => writer_error(path, format, &*source),
        },
    }
}

/// [`Error::Arrow`] for a refusal of the `format` writer (or a foreign error of the batch
/// source) while writing `path`.
pub(crate) fn writer_error(
    path: &Path,
    format: &'static str,
    e: &(dyn std::error::Error + 'static),
) -> Error {
    Error::Arrow {
        path: Some(path.to_path_buf()),
        context: format!("writing a {format} file"),
        message: format!("{e}; nothing was written at this path"),
    }
}
