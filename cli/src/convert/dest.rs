//! Where the converted data goes: a temporary file beside `OUT`, renamed to `OUT` once
//! complete, or stdout (`-o -`).
//!
//! An existing `OUT` is replaced only with `--force`, and never when it is the input file
//! (by any name: a link to it or a relative path are caught by comparing the files, not the
//! names). The rename is atomic, so `OUT` is either what it was or the whole new file. A
//! failed conversion removes its temporary file, and so does one interrupted by a signal
//! (see [`super::interrupt`]); only a `SIGKILL` leaves a hidden `.OUT.*.tmm-tmp` file.
//!
//! A symbolic link is followed: the file it names is replaced, the link stays. An `OUT`
//! that is neither a regular file nor a directory (`/dev/null`, a named pipe, a terminal) is
//! written in place, as a shell's `>` would: it is not replaced, so it needs no `--force`,
//! and an interrupted conversion leaves in it what was written.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::Format;
use crate::error::CliError;

/// Output buffer size: large writes, few system calls.
const BUF_BYTES: usize = 1 << 20;

/// An open destination.
pub struct Dest {
    out: BufWriter<Sink>,
    target: Target,
}

enum Target {
    Stdout,
    /// A regular file, new or replaced: `path` is where the temporary file is renamed to.
    File {
        path: PathBuf,
        force: bool,
    },
    /// A device, pipe or socket, written in place.
    Special(PathBuf),
}

/// What the buffer writes into.
enum Sink {
    Stdout(io::Stdout),
    Temp(NamedTempFile),
    Special(std::fs::File),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(s) => s.write(buf),
            Sink::Temp(t) => t.write(buf),
            Sink::Special(f) => f.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(s) => s.flush(),
            Sink::Temp(t) => t.flush(),
            Sink::Special(f) => f.flush(),
        }
    }
}

/// The Parquet and Arrow IPC writers of the library write through this; a failed write is
/// theirs to report (naming `OUT`), except that a closed stdout ends the program quietly with
/// success, as for the other formats.
impl Write for Dest {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.out.write(buf);
        self.stdout_closed(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        let flushed = self.out.flush();
        self.stdout_closed(flushed)
    }
}

impl Dest {
    /// Checks `out` against `input` and `force`, and opens the temporary file (or stdout).
    pub fn create(out: &Path, input: &Path, force: bool, format: Format) -> Result<Dest, CliError> {
        if out == Path::new("-") {
            if !matches!(format, Format::Csv | Format::Jsonl) && io::stdout().is_terminal() {
                return Err(CliError::Usage(format!(
                    "stdout is a terminal and --to {} is binary; redirect stdout or give -o a \
                     file name",
                    format.name()
                )));
            }
            return Ok(Dest {
                out: BufWriter::with_capacity(BUF_BYTES, Sink::Stdout(io::stdout())),
                target: Target::Stdout,
            });
        }
        let out = match check_target(out, input, force)? {
            Existing::Special => {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(out)
                    .map_err(|e| CliError::Io(format!("cannot open {}: {e}", out.display())))?;
                return Ok(Dest {
                    out: BufWriter::with_capacity(BUF_BYTES, Sink::Special(file)),
                    target: Target::Special(out.to_path_buf()),
                });
            }
            Existing::Regular(resolved) => resolved,
            Existing::None => out.to_path_buf(),
        };
        let out = out.as_path();
        let dir = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let name = out
            .file_name()
            .map_or_else(|| "out".to_string(), |n| n.to_string_lossy().into_owned());
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmm-tmp");
        // The permissions of any new file (rw for all, less the umask), not a temporary
        // file's owner-only ones.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let temp = builder.tempfile_in(dir).map_err(|e| {
            CliError::Io(format!(
                "cannot create a temporary file in {} to write {}: {e}",
                dir.display(),
                out.display()
            ))
        })?;
        super::interrupt::remove_on_signal(temp.path());
        Ok(Dest {
            out: BufWriter::with_capacity(BUF_BYTES, Sink::Temp(temp)),
            target: Target::File {
                path: out.to_path_buf(),
                force,
            },
        })
    }

    /// `result`, unless it is a broken pipe on stdout: then the program ends with success.
    fn stdout_closed<R>(&self, result: io::Result<R>) -> io::Result<R> {
        if let (Err(e), Target::Stdout) = (&result, &self.target) {
            if e.kind() == io::ErrorKind::BrokenPipe {
                // Nobody reads any more: done, as `output::finish` ends the other formats.
                std::process::exit(0);
            }
        }
        result
    }

    /// Writes `bytes` (buffered).
    pub fn write_all(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        match self.out.write_all(bytes) {
            Ok(()) => Ok(()),
            Err(e) => Err(self.fail(e)),
        }
    }

    /// The file the data goes to, with everything written so far flushed to it; `None` for
    /// stdout.
    pub fn file(&mut self) -> Result<Option<&std::fs::File>, CliError> {
        if let Err(e) = self.out.flush() {
            return Err(self.fail(e));
        }
        Ok(match self.out.get_ref() {
            Sink::Temp(t) => Some(t.as_file()),
            Sink::Special(f) => Some(f),
            Sink::Stdout(_) => None,
        })
    }

    /// The error of a failed write: a closed stdout (`tmm convert ... -o - | head`) ends the
    /// program quietly with success, like other Unix tools.
    fn fail(&self, e: io::Error) -> CliError {
        match &self.target {
            Target::Stdout => match crate::output::finish(Err(e)) {
                Err(err) => err,
                Ok(()) => CliError::Io("cannot write to stdout".into()),
            },
            Target::File { path, .. } | Target::Special(path) => {
                CliError::Io(format!("cannot write {}: {e}", path.display()))
            }
        }
    }

    /// Flushes the data and puts the file in place. A destination dropped without `finish`
    /// removes its temporary file.
    pub fn finish(mut self) -> Result<(), CliError> {
        if let Err(e) = self.out.flush() {
            return Err(self.fail(e));
        }
        let Dest { out, target } = self;
        let Target::File { path, force } = target else {
            return Ok(());
        };
        let Sink::Temp(temp) = out
            .into_inner()
            .map_err(|e| e.into_error())
            .map_err(|e| CliError::Io(format!("cannot write {}: {e}", path.display())))?
        else {
            return Ok(());
        };
        let io_err = |e: io::Error| CliError::Io(format!("cannot write {}: {e}", path.display()));
        // No fsync, as numpy, pyarrow and the library's writers: the rename keeps a reader
        // from seeing a partial file, not a power failure from losing a recent one.
        let persisted = if force {
            temp.persist(&path)
        } else {
            // Refuses, atomically, a file created at `path` since the check.
            temp.persist_noclobber(&path)
        };
        super::interrupt::forget();
        persisted.map_err(|e| {
            if e.error.kind() == io::ErrorKind::AlreadyExists {
                exists(&path)
            } else {
                io_err(e.error)
            }
        })?;
        Ok(())
    }
}

fn exists(path: &Path) -> CliError {
    CliError::Usage(format!(
        "{} exists; give --force to replace it",
        path.display()
    ))
}

/// What `-o` names, once checked.
enum Existing {
    /// Nothing yet.
    None,
    /// A regular file (or a link to one), to replace: the path of the file itself, links
    /// followed.
    Regular(PathBuf),
    /// A device, pipe or socket (or a link to one), to write in place.
    Special,
}

/// Refuses a directory, the input itself, and an existing regular file without `force`.
fn check_target(out: &Path, input: &Path, force: bool) -> Result<Existing, CliError> {
    let meta = match std::fs::metadata(out) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Existing::None),
        Err(e) => {
            return Err(CliError::Io(format!(
                "cannot look at the output {}: {e}",
                out.display()
            )))
        }
    };
    if meta.is_dir() {
        return Err(CliError::Usage(format!(
            "{} is a directory; give -o a file name",
            out.display()
        )));
    }
    if same_file(out, &meta, input) {
        return Err(CliError::Usage(format!(
            "{} is the input file; write the conversion to another path (even --force does \
             not replace the input)",
            out.display()
        )));
    }
    if !meta.is_file() {
        return Ok(Existing::Special);
    }
    if !force {
        return Err(exists(out));
    }
    let resolved = std::fs::canonicalize(out)
        .map_err(|e| CliError::Io(format!("cannot resolve the output {}: {e}", out.display())))?;
    Ok(Existing::Regular(resolved))
}

/// Whether `out` (whose metadata is `meta`) is the file `input`.
fn same_file(out: &Path, meta: &std::fs::Metadata, input: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let _ = out;
        std::fs::metadata(input).is_ok_and(|m| m.dev() == meta.dev() && m.ino() == meta.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        match (std::fs::canonicalize(out), std::fs::canonicalize(input)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}
