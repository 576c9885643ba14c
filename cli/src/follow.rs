//! `tmm follow`: `tail -f` for a file of fixed-size records: prints every record appended
//! after the start, once, in order, numpy-style (`print(arr[i])`) or as JSON lines.
//!
//! The file is read, not mapped (positional reads of the new whole records), so a writer
//! that breaks the followers' contract cannot crash the tool. A partial record at the end (a
//! torn tail) is reported on stderr and printed once it is whole. If the file becomes
//! shorter than the records already printed, or its path names another file (replaced or
//! rotated), `follow` says so on stderr and exits with code 1.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Args;
use typed_memmap::npy::read_header;
use typed_memmap::{Dtype, DynArray, Error, Order, Value};

use crate::error::CliError;
use crate::input::{file_len, parse_dtype, InputArgs};

const EXAMPLES: &str = "\
Examples:
  tmm follow ticks.bin --dtype \"[('t', '<i8'), ('px', '<f8')]\"    new records as they arrive
  tmm follow app.log --dtype '<u8' --header-len 64 --from-start
  tmm follow ticks.bin --dtype '<f8' --json --from 100 --count 10
  tmm follow data.npy --idle-timeout 5                       records appended to a .npy

Exit codes: 0 interrupted, idle (--idle-timeout) or done (--count); 1 the file shrank below
the records printed or was replaced; 2 bad input.";

/// Print records as they are appended, like `tail -f`.
#[derive(Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct FollowArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// One JSON value per record and line instead of numpy's text.
    #[arg(long)]
    pub json: bool,
    /// Print the records already in the file first (the default starts at its end).
    #[arg(long, conflicts_with = "from")]
    pub from_start: bool,
    /// Start at record N (0 is the first).
    #[arg(long, value_name = "N")]
    pub from: Option<u64>,
    /// Stop after printing N records.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Stop when no record arrived for SECS seconds.
    #[arg(long, value_name = "SECS")]
    pub idle_timeout: Option<f64>,
    /// How often to look at the file, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 50)]
    pub poll_ms: u64,
}

/// Runs `tmm follow`.
pub fn run(args: FollowArgs) -> Result<ExitCode, CliError> {
    let path = args.input.file.clone();
    file_len(&path)?;
    if args.input.shape.is_some() || args.input.order.is_some() {
        return Err(CliError::Usage(
            "--shape and --order do not apply to follow: records are appended one after another"
                .into(),
        ));
    }
    let (dtype, start) = layout(&args.input)?;
    let itemsize = dtype.itemsize() as u64;
    if itemsize == 0 {
        return Err(CliError::Usage(format!(
            "the dtype {} has item size 0: there are no records to follow",
            dtype.descr()
        )));
    }
    let idle = match args.idle_timeout {
        Some(s) if !(s.is_finite() && s >= 0.0) => {
            return Err(CliError::Usage(format!(
                "bad --idle-timeout {s}: give a number of seconds, 0 or more"
            )))
        }
        Some(s) => Some(Duration::from_secs_f64(s)),
        None => None,
    };
    let io = |op: &'static str| {
        let path = path.clone();
        move |source| Error::Io { op, path, source }
    };
    let file = File::open(&path).map_err(io("open"))?;
    let identity = file.metadata().map_err(io("stat"))?;
    let len = identity.len();
    let mut next = match (args.from_start, args.from) {
        (true, _) => 0,
        (_, Some(n)) => n,
        _ => len.saturating_sub(start) / itemsize,
    };
    // The end of the records printed (or, before any, of those there were at the start):
    // the file must not become shorter than this.
    let mut seen_end = start + next.min(len.saturating_sub(start) / itemsize) * itemsize;
    let mut printed = 0u64;
    let mut reported_torn = 0u64;
    let mut last_arrival = Instant::now();
    let poll = Duration::from_millis(args.poll_ms.max(1));
    loop {
        let now_len = file.metadata().map_err(io("stat"))?.len();
        let shown_end = seen_end;
        if now_len < shown_end || replaced(&path, &identity) {
            let what = if now_len < shown_end {
                format!(
                    "{} shrank to {now_len} bytes, below the {shown_end} bytes of records \
                     already printed",
                    path.display()
                )
            } else {
                format!("{} was replaced by another file", path.display())
            };
            eprintln!("tmm: stopped: {what}; follow it again to start over");
            return Ok(ExitCode::from(1));
        }
        let whole = now_len.saturating_sub(start) / itemsize;
        let torn = now_len.saturating_sub(start) % itemsize;
        if whole > next {
            // At most 1 MiB of records per read (at least one record), so that following a
            // large file from its start holds little memory.
            let mut want = (whole - next).min((1 << 20) / itemsize + 1);
            if let Some(c) = args.count {
                want = want.min(c - printed);
            }
            let bytes = read_records(&file, &path, start + next * itemsize, want * itemsize)?;
            print_records(&dtype, &bytes, args.json)?;
            next += want;
            printed += want;
            seen_end = start + next * itemsize;
            last_arrival = Instant::now();
            reported_torn = 0;
        }
        if args.count.is_some_and(|c| printed >= c) {
            return Ok(ExitCode::SUCCESS);
        }
        if next < whole {
            // More whole records than one read takes: go on at once.
            continue;
        }
        if torn != 0 && torn != reported_torn {
            eprintln!(
                "tmm: torn tail: {torn} bytes after record {whole} of {} (a partial \
                 {itemsize}-byte record); waiting for the rest",
                path.display()
            );
            reported_torn = torn;
        }
        if idle.is_some_and(|t| last_arrival.elapsed() >= t) {
            return Ok(ExitCode::SUCCESS);
        }
        std::thread::sleep(poll);
    }
}

/// The record dtype and where the records start: from the arguments, or from a `.npy`
/// header (records appended after its data).
fn layout(input: &InputArgs) -> Result<(Dtype, u64), CliError> {
    match &input.dtype {
        Some(text) => {
            let start = match (input.offset, input.header_len) {
                (Some(_), Some(_)) => {
                    return Err(CliError::Usage(
                        "--offset and --header-len both say where the records start; give one"
                            .into(),
                    ))
                }
                (Some(n), None) | (None, Some(n)) => n,
                (None, None) => 0,
            };
            Ok((parse_dtype(text)?, start))
        }
        None => {
            if input.offset.is_some() || input.header_len.is_some() {
                return Err(CliError::Usage(
                    "--offset and --header-len describe a raw file and need --dtype".into(),
                ));
            }
            let file = File::open(&input.file).map_err(|source| Error::Io {
                op: "open",
                path: input.file.clone(),
                source,
            })?;
            let header = read_header(
                &mut std::io::BufReader::new(file),
                typed_memmap::npy::DEFAULT_MAX_HEADER_LEN,
            )
            .map_err(|e| Error::Header {
                path: input.file.clone(),
                at: e.at,
                message: e.message,
            })?;
            let row: usize = header.shape.iter().skip(1).product();
            let dtype = if header.shape.len() > 1 {
                Dtype::subarray(header.dtype, &header.shape[1..])
            } else {
                header.dtype
            };
            if header.fortran_order && header.shape.len() > 1 || row == 0 {
                return Err(CliError::Usage(format!(
                    "{}: only C-order .npy files with non-empty rows grow by appended records",
                    input.file.display()
                )));
            }
            Ok((dtype, header.data_offset))
        }
    }
}

#[cfg(unix)]
fn replaced(path: &Path, identity: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    match std::fs::metadata(path) {
        Ok(m) => m.ino() != identity.ino() || m.dev() != identity.dev(),
        Err(_) => true,
    }
}

#[cfg(not(unix))]
fn replaced(path: &Path, _identity: &std::fs::Metadata) -> bool {
    std::fs::metadata(path).is_err()
}

fn read_records(file: &File, path: &Path, at: u64, len: u64) -> Result<Vec<u8>, CliError> {
    let mut buf = vec![0u8; usize::try_from(len).unwrap_or(usize::MAX)];
    read_exact_at(file, &mut buf, at).map_err(|source| Error::Io {
        op: "read",
        path: path.to_path_buf(),
        source,
    })?;
    Ok(buf)
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(not(unix))]
fn read_exact_at(file: &File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = file;
    f.seek(SeekFrom::Start(at))?;
    f.read_exact(buf)
}

/// One line per record: numpy's `print(arr[i])`, or its JSON.
fn print_records(dtype: &Dtype, bytes: &[u8], json: bool) -> Result<(), CliError> {
    let size = dtype.itemsize();
    let mut out = String::new();
    for rec in bytes.chunks_exact(size) {
        if json {
            let v = Value::decode(dtype, rec).unwrap_or(Value::Unsupported(rec.to_vec()));
            out.push_str(&crate::json::value(&v).to_string());
        } else {
            match DynArray::from_bytes(dtype.clone(), vec![], Order::C, rec) {
                Some(a) => out.push_str(&a.to_string()),
                None => out.push_str("<record>"),
            }
        }
        out.push('\n');
    }
    let mut stdout = std::io::stdout().lock();
    crate::output::finish(
        stdout
            .write_all(out.as_bytes())
            .and_then(|()| stdout.flush()),
    )
}
