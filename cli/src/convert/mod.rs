//! `tmm convert`: the input's data as another file format (`.npy`, CSV, JSON lines, Parquet,
//! Arrow IPC), streamed in chunks with bounded memory.
//!
//! The input is read in chunks of whole elements of about 4 MiB, never as a whole
//! (see [`chunks`]), and the output is written to a temporary file beside `OUT` that is
//! renamed to `OUT` only when complete, so an interrupted conversion never leaves a partial
//! `OUT` (see [`dest`]).
//!
//! What each format holds:
//!
//! - `npy`: the same dtype, shape and order as the input, with the header numpy writes
//!   (`np.save(out, np.load(input))` gives the same bytes). A subarray dtype (`--dtype
//!   "('<f4', (3,))"`) is folded into the shape, as numpy does.
//! - `csv`, `jsonl`: one row or line per item of axis 0 (per element of a 1-D array, per
//!   record of a log); see [`csv`] and [`jsonl`] for the text of each dtype.
//! - `parquet`, `arrow`: the library's Arrow record batches (one column per field, the other
//!   axes of an n-d array as fixed-size lists), see [`table`].
//!
//! `--fields a,b` keeps those fields: the CSV columns and JSON keys of the fields named, and
//! for `npy` the array `arr['a']` for one field or, for several, a record of just them with
//! no padding (numpy's `repack_fields(arr[['a', 'b']])`).

mod chunks;
mod csv;
mod dest;
mod interrupt;
mod jsonl;
mod npy;
mod table;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use typed_memmap::{Dtype, Field, RecordDtype};

use crate::error::CliError;
use crate::input::{InputArgs, Layout};
use crate::progress::Progress;

const EXAMPLES: &str = "\
Examples:
  tmm convert ticks.npy --to csv -o ticks.csv
  tmm convert ticks.npy --to jsonl -o - | head                 JSON lines on stdout
  tmm convert ticks.bin --dtype \"[('t', '<i8'), ('px', '<f8')]\" --to npy -o ticks.npy
  tmm convert app.log --dtype '<u8' --header-len 64 --to npy -o app.npy --force
  tmm convert ticks.npy --fields t,px --to csv -o prices.csv --progress always
  tmm convert ticks.npy --to parquet -o ticks.parquet --compression none
  tmm convert ticks.npy --to arrow -o ticks.arrow                for pyarrow, Polars, DuckDB

CSV: a header row of field names (nested fields `pos.x`, subarray elements `f[0]`, other
axes of an n-d array `value[1]` or `[1].x`), one row per item of axis 0; floats in their
shortest exact form, `nan`, `inf`, `-inf`; booleans True/False; datetimes as numpy's ISO
text, NaT as `NaT`; byte strings one character per byte (latin-1).
JSON lines: one value per item of axis 0 (an object for a record), as `tmm follow --json`;
NaN and infinities as the strings \"nan\", \"inf\", \"-inf\".
Parquet (Snappy unless --compression none) and Arrow IPC: one column per field, as the
library's `typed_memmap::arrow` makes them; NaT is null.

OUT is written beside itself under a temporary name and renamed when complete; an existing
OUT is replaced only with --force, and never when it is the input. A link is followed (the
file it names is replaced); a device or named pipe (/dev/null, a FIFO) is written in place.";

/// Write the data as .npy, CSV, JSON lines, Parquet or Arrow IPC.
#[derive(Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct ConvertArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The output format.
    #[arg(long, value_enum)]
    pub to: Format,
    /// The output file; `-` writes to stdout (the binary formats only when it is not a
    /// terminal).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: PathBuf,
    /// Replace OUT if it exists.
    #[arg(long)]
    pub force: bool,
    /// The fields to keep, comma separated (dotted for nested fields); by default all.
    #[arg(long, value_delimiter = ',')]
    pub fields: Vec<String>,
    /// When to draw a progress bar on stderr.
    #[arg(long, value_enum, default_value_t = Progress::Auto)]
    pub progress: Progress,
    /// The codec of a Parquet file's columns (default snappy, as pyarrow).
    #[arg(long, value_enum)]
    pub compression: Option<Compression>,
}

/// A Parquet codec.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Compression {
    /// Uncompressed pages.
    None,
    /// Snappy, pyarrow's default.
    Snappy,
}

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A `.npy` file of the same dtype, shape and order.
    Npy,
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON value per line.
    Jsonl,
    /// A Parquet file.
    Parquet,
    /// An Arrow IPC file.
    Arrow,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Npy => "npy",
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::Parquet => "parquet",
            Format::Arrow => "arrow",
        }
    }
}

/// Runs `tmm convert`.
pub fn run(args: ConvertArgs) -> Result<ExitCode, CliError> {
    let opened = crate::input::open_input(&args.input)?;
    let array = &opened.array;
    let mut reader = chunks::Reader::new(array);
    // Every check of the input and the fields comes before the output is touched.
    let job = match args.to {
        Format::Npy => Job::Stream(Stream::Npy(npy::Plan::new(&reader, &args.fields)?)),
        Format::Csv => Job::Stream(Stream::Csv(project(&reader, &args.fields)?)),
        Format::Jsonl => Job::Stream(Stream::Jsonl(project(&reader, &args.fields)?)),
        Format::Parquet | Format::Arrow => {
            let dtype = project(&reader, &args.fields)?;
            let schema = table::schema(&dtype, reader.shape())?;
            Job::Table(args.to, dtype, schema)
        }
    };
    if args.compression.is_some() && args.to != Format::Parquet {
        return Err(CliError::Usage(
            "--compression applies to --to parquet only".into(),
        ));
    }
    let bar = || crate::progress::bar(args.progress, array.as_bytes().len() as u64);
    let mut dest = dest::Dest::create(&args.output, &args.input.file, args.force, args.to)?;
    let bar = bar();
    reader.set_bar(bar.clone());
    let written = match job {
        Job::Table(format, dtype, schema) => {
            let compression = args.compression.unwrap_or(Compression::Snappy);
            table::write(
                &reader,
                &dtype,
                schema,
                format,
                compression,
                &args.output,
                &mut dest,
            )
        }
        Job::Stream(Stream::Npy(plan)) => plan.write(&reader, &mut dest),
        Job::Stream(Stream::Csv(dtype)) => csv::write(&reader, &dtype, &mut dest),
        Job::Stream(Stream::Jsonl(dtype)) => jsonl::write(&reader, &dtype, &mut dest),
    };
    let result = written.and_then(|()| dest.finish());
    // The temporary file is in place or removed (the destination is consumed).
    interrupt::forget();
    if let Some(bar) = &bar {
        bar.finish();
    }
    result?;
    if let Layout::Log { .. } = opened.layout {
        if opened.trailing > 0 {
            eprintln!(
                "tmm: note: {} bytes at the end of {} are a partial (torn) record and were \
                 left out",
                opened.trailing,
                args.input.file.display()
            );
        }
    }
    report_peak_rss();
    Ok(ExitCode::SUCCESS)
}

/// With `TMM_PEAK_RSS` set in the environment, prints the process's peak resident memory
/// (Linux's `VmHWM`) on stderr: how the tests and benchmarks show that memory stays bounded,
/// counted from `exec`, which a parent's `getrusage` is not.
fn report_peak_rss() {
    if std::env::var_os("TMM_PEAK_RSS").is_none() {
        return;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    match status.lines().find_map(|l| l.strip_prefix("VmHWM:")) {
        Some(peak) => eprintln!("tmm: peak RSS {}", peak.trim()),
        None => eprintln!("tmm: peak RSS unknown (no VmHWM in /proc/self/status)"),
    }
}

/// A conversion ready to write.
enum Job {
    /// A format this tool writes through [`dest::Dest`].
    Stream(Stream),
    /// Parquet or Arrow IPC of elements of this dtype, with their Arrow schema: the
    /// library's writers make the file.
    Table(Format, Dtype, arrow_schema::SchemaRef),
}

/// The formats written through [`dest::Dest`].
enum Stream {
    Npy(npy::Plan),
    /// CSV of elements of this dtype.
    Csv(Dtype),
    /// JSON lines of elements of this dtype.
    Jsonl(Dtype),
}

/// The element dtype of the CSV and JSON output: the array's dtype, or a record of the
/// fields named in `--fields` (at their offsets in the input's elements, named as given).
fn project(reader: &chunks::Reader<'_>, fields: &[String]) -> Result<Dtype, CliError> {
    if fields.is_empty() {
        return Ok(reader.dtype().clone());
    }
    let array = reader.array();
    let mut out: Vec<Field> = Vec::with_capacity(fields.len());
    for name in fields {
        if out.iter().any(|f| &f.name == name) {
            return Err(CliError::Usage(format!(
                "--fields names {name:?} twice; give each field once"
            )));
        }
        let f = array.field(name)?;
        out.push(Field {
            name: name.clone(),
            title: None,
            offset: f.offset(),
            dtype: f.dtype().clone(),
        });
    }
    Ok(Dtype::Record(RecordDtype {
        fields: out,
        itemsize: array.itemsize(),
    }))
}
