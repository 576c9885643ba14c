//! The input every command takes: a `.npy` file, a raw file of `--dtype`, or a log with a
//! `--header-len`.
//!
//! - A `.npy` file (no `--dtype`) is opened through its header, as `np.load(mmap_mode='r')`.
//! - A raw file (`--dtype`) is mapped as `np.memmap(path, dtype, offset=..., shape=...,
//!   order=...)`: without `--shape` the length is the number of items after the offset, and
//!   bytes that are not a whole item are an error, as in numpy.
//! - A log (`--dtype` with `--header-len N`) is a header of `N` bytes and records appended
//!   after it: only whole records are shown, and a partial record at the end (a torn tail) is
//!   reported, not refused.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use clap::Args;
use typed_memmap::npy::MAGIC;
use typed_memmap::{Dtype, DynArray, Error, Order, RawLayout};

use crate::error::CliError;

/// Where the data is and how to read it.
#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// The file: a `.npy` file, or a raw record file with `--dtype`.
    pub file: PathBuf,
    /// The dtype of a raw file, as numpy writes it: `<f8`, `[('t', '<i8'), ('price', '<f8')]`.
    #[arg(long)]
    pub dtype: Option<String>,
    /// Bytes to skip before the first element of a raw file.
    #[arg(long)]
    pub offset: Option<u64>,
    /// The shape of a raw file, `A,B,...`; by default the records that fit.
    #[arg(long)]
    pub shape: Option<String>,
    /// The memory order of a raw file: C (default) or F.
    #[arg(long)]
    pub order: Option<String>,
    /// The length of a log file's header: records start after it, and a partial record at
    /// the end (a torn tail) is reported instead of refused.
    #[arg(long)]
    pub header_len: Option<u64>,
}

/// What kind of file the input is, with what only that kind has.
#[derive(Debug, Clone)]
pub enum Layout {
    /// A `.npy` file.
    Npy(NpyFacts),
    /// A raw file mapped with `--dtype` (numpy's `np.memmap`).
    Raw,
    /// A log: `--header-len` bytes of header, then whole records and maybe a torn tail.
    Log {
        /// The header's length in bytes.
        header_len: u64,
    },
}

/// Facts about a `.npy` header that the array does not carry, read from its bytes.
#[derive(Debug, Clone)]
pub struct NpyFacts {
    /// The value of the `HEADER_LEN` field: the bytes of the header text, padding and `\n`.
    pub header_len: u64,
    /// The header's bytes, magic through the final `\n` (the data offset's worth).
    pub header: Vec<u8>,
    /// Spaces between the end of the dict and the final `\n`: what a longer shape can take
    /// without moving the data.
    pub spare_bytes: usize,
}

/// An opened input: the array and what the commands report about the file around it.
pub struct Opened {
    /// The data.
    pub array: DynArray,
    /// What kind of file it is.
    pub layout: Layout,
    /// The file's length in bytes when it was opened.
    pub file_len: u64,
    /// Bytes after the array's data: trailing bytes of a `.npy` or of a raw file with
    /// `--shape`, the torn tail of a log.
    pub trailing: u64,
}

/// Opens the input as a `DynArray`.
pub fn open(args: &InputArgs) -> Result<DynArray, CliError> {
    Ok(open_input(args)?.array)
}

/// Opens the input with the facts `info` and `check` report.
pub fn open_input(args: &InputArgs) -> Result<Opened, CliError> {
    let file_len = file_len(&args.file)?;
    let Some(dtype_text) = &args.dtype else {
        for (given, name) in [
            (args.shape.is_some(), "--shape"),
            (args.offset.is_some(), "--offset"),
            (args.order.is_some(), "--order"),
            (args.header_len.is_some(), "--header-len"),
        ] {
            if given {
                return Err(CliError::Usage(format!(
                    "{name} describes a raw file and needs --dtype; a .npy file's header says \
                     its layout"
                )));
            }
        }
        return open_npy(&args.file, file_len);
    };
    let dtype = parse_dtype(dtype_text)?;
    let order = match &args.order {
        Some(text) => parse_order(text)?,
        None => Order::C,
    };
    let shape = match &args.shape {
        Some(text) => Some(parse_shape(text)?),
        None => None,
    };
    if let Some(header_len) = args.header_len {
        if args.offset.is_some() {
            return Err(CliError::Usage(
                "--offset and --header-len both say where the records start; give one".into(),
            ));
        }
        if shape.is_some() {
            return Err(CliError::Usage(
                "--shape does not apply to a log (--header-len): its length is the whole \
                 records in the file"
                    .into(),
            ));
        }
        return open_log(&args.file, dtype, header_len, file_len);
    }
    open_raw(
        &args.file,
        dtype,
        args.offset.unwrap_or(0),
        shape,
        order,
        file_len,
    )
}

/// The length of `path`, after checking that it names a file.
pub fn file_len(path: &Path) -> Result<u64, CliError> {
    let meta = std::fs::metadata(path).map_err(|source| Error::Io {
        op: "open",
        path: path.to_path_buf(),
        source,
    })?;
    if meta.is_dir() {
        return Err(CliError::Usage(format!(
            "{} is a directory; give a .npy or raw data file",
            path.display()
        )));
    }
    #[cfg(unix)]
    {
        // Opening a pipe to read waits for a writer: refused, not hung on.
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() || kind.is_socket() {
            let what = if kind.is_fifo() {
                "named pipe"
            } else {
                "socket"
            };
            return Err(CliError::Usage(format!(
                "{} is a {what}; tmm maps its input, so give a .npy or raw data file",
                path.display()
            )));
        }
    }
    Ok(meta.len())
}

/// Parses a dtype as numpy writes it: a descr (`<f8`, `'<f8'`, `[('a', '<i4')]`,
/// `('<f4', (3,))`), with or without the quotes of the header's Python literal.
pub fn parse_dtype(text: &str) -> Result<Dtype, CliError> {
    // Trimmed first, so that error positions count from the dtype text itself.
    Dtype::parse(text.trim()).map_err(|e| {
        CliError::Usage(format!(
            "bad --dtype {text:?}: {} (at byte {})",
            e.message, e.at
        ))
    })
}

/// Parses `A,B,...` (a trailing comma, as in a Python tuple, is fine; an empty text is the
/// shape of a 0-d array).
pub fn parse_shape(text: &str) -> Result<Vec<usize>, CliError> {
    let body = text.trim().trim_start_matches('(').trim_end_matches(')');
    let body = body.trim().strip_suffix(',').unwrap_or(body.trim());
    if body.trim().is_empty() {
        return Ok(Vec::new());
    }
    body.split(',')
        .map(|part| {
            part.trim().parse::<usize>().map_err(|e| {
                CliError::Usage(format!(
                    "bad --shape {text:?}: {:?} is not a dimension ({e}); give \
                     non-negative integers separated by commas, e.g. 100,3",
                    part.trim()
                ))
            })
        })
        .collect()
}

/// Parses `C` or `F` (either case).
pub fn parse_order(text: &str) -> Result<Order, CliError> {
    match text.trim() {
        "C" | "c" => Ok(Order::C),
        "F" | "f" => Ok(Order::F),
        _ => Err(CliError::Usage(format!(
            "bad --order {text:?}: give C (row-major) or F (column-major)"
        ))),
    }
}

fn open_npy(path: &Path, file_len: u64) -> Result<Opened, CliError> {
    // SAFETY: the tool only reads; a concurrent truncation of the file by another process is
    // the documented hazard of every map (`Options#safety`), accepted for a viewer.
    let array = unsafe { DynArray::open(path) }?;
    let facts = npy_facts(path, array.data_offset())?;
    let end = array.data_offset() + array.as_bytes().len() as u64;
    Ok(Opened {
        array,
        layout: Layout::Npy(facts),
        file_len,
        trailing: file_len.saturating_sub(end),
    })
}

/// Reads the header bytes of a `.npy` file whose header the library has accepted.
fn npy_facts(path: &Path, data_offset: u64) -> Result<NpyFacts, CliError> {
    let io = |source| Error::Io {
        op: "read the header of",
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io)?;
    let mut header = Vec::new();
    // Bounded: the library caps the header length before it maps.
    file.take(data_offset)
        .read_to_end(&mut header)
        .map_err(io)?;
    Ok(facts_of_header(header))
}

/// The facts of a header the library accepted (`header` = magic through the final `\n`).
pub fn facts_of_header(header: Vec<u8>) -> NpyFacts {
    let version = header.get(MAGIC.len()).copied().unwrap_or(1);
    let field = |range: std::ops::Range<usize>| header.get(range).unwrap_or(&[]).to_vec();
    let header_len = if version == 1 {
        let b = field(8..10);
        b.first().map_or(0, |&lo| {
            u64::from(lo) | (u64::from(b.get(1).copied().unwrap_or(0)) << 8)
        })
    } else {
        let b = field(8..12);
        b.iter()
            .rev()
            .fold(0u64, |acc, &byte| (acc << 8) | u64::from(byte))
    };
    let body = header.strip_suffix(b"\n").unwrap_or(&header);
    let spare_bytes = body.iter().rev().take_while(|&&b| b == b' ').count();
    NpyFacts {
        header_len,
        header,
        spare_bytes,
    }
}

fn open_log(path: &Path, dtype: Dtype, header_len: u64, file_len: u64) -> Result<Opened, CliError> {
    let itemsize = nonzero_itemsize(path, &dtype)?;
    if file_len < header_len {
        return Err(Error::Header {
            path: path.to_path_buf(),
            at: file_len,
            message: format!(
                "the file ends after {file_len} bytes, inside the {header_len}-byte log \
                 header; check --header-len"
            ),
        }
        .into());
    }
    let body = file_len - header_len;
    let records = body / itemsize as u64;
    let trailing = body % itemsize as u64;
    let array = map_raw(
        path,
        &dtype,
        header_len,
        Some(vec![to_usize(path, records)?]),
        Order::C,
    )?;
    Ok(Opened {
        array,
        layout: Layout::Log { header_len },
        file_len,
        trailing,
    })
}

fn open_raw(
    path: &Path,
    dtype: Dtype,
    offset: u64,
    shape: Option<Vec<usize>>,
    order: Order,
    file_len: u64,
) -> Result<Opened, CliError> {
    if shape.is_none() {
        // The library refuses a zero item size too; this message says which flag helps.
        nonzero_itemsize(path, &dtype)?;
    }
    // Without a shape the library infers the length as numpy does: an offset past the end
    // or a partial item at the end is its error.
    let array = map_raw(path, &dtype, offset, shape, order)?;
    let end = offset + array.as_bytes().len() as u64;
    Ok(Opened {
        array,
        layout: Layout::Raw,
        file_len,
        trailing: file_len.saturating_sub(end),
    })
}

fn map_raw(
    path: &Path,
    dtype: &Dtype,
    offset: u64,
    shape: Option<Vec<usize>>,
    order: Order,
) -> Result<DynArray, CliError> {
    let layout = RawLayout {
        offset,
        shape,
        order,
    };
    // SAFETY: as in `open_npy`: the tool only reads, and a concurrent truncation is the
    // documented hazard of every map.
    Ok(unsafe { DynArray::map_raw(path, dtype, layout) }?)
}

/// The item size, refusing 0 (no length can be inferred from a file of such items).
fn nonzero_itemsize(path: &Path, dtype: &Dtype) -> Result<usize, CliError> {
    match dtype.itemsize() {
        0 => Err(CliError::Usage(format!(
            "{}: the dtype {} has item size 0, so no number of items can be inferred from the \
             file; give --shape",
            path.display(),
            dtype.descr()
        ))),
        n => Ok(n),
    }
}

fn to_usize(path: &Path, n: u64) -> Result<usize, CliError> {
    usize::try_from(n).map_err(|_| {
        CliError::Usage(format!(
            "{}: {n} items do not fit in this machine's address space",
            path.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_parse_like_python_tuples() {
        assert_eq!(parse_shape("3,4").unwrap(), [3, 4]);
        assert_eq!(parse_shape("(3, 4)").unwrap(), [3, 4]);
        assert_eq!(parse_shape("5,").unwrap(), [5]);
        assert_eq!(parse_shape("()").unwrap(), Vec::<usize>::new());
        assert!(parse_shape("3,-1").is_err());
        assert!(parse_shape("3,,4").is_err());
        assert!(parse_shape("x").is_err());
    }

    #[test]
    fn dtypes_parse_with_or_without_quotes() {
        assert_eq!(parse_dtype("<f8").unwrap().descr(), "'<f8'");
        assert_eq!(parse_dtype("'<i2'").unwrap().descr(), "'<i2'");
        let rec = parse_dtype("[('a', '<u1'), ('b', '<f4')]").unwrap();
        assert_eq!(rec.itemsize(), 5);
        assert!(parse_dtype("<f7").is_err());
        assert!(parse_dtype("[('a', ").is_err());
    }

    #[test]
    fn header_facts_count_the_spare_spaces() {
        let header = typed_memmap::npy::write_header(
            &typed_memmap::Dtype::scalar(
                typed_memmap::Kind::Float,
                typed_memmap::ByteOrder::Little,
                8,
            ),
            &[3],
            false,
        )
        .unwrap();
        let facts = facts_of_header(header.clone());
        assert_eq!(facts.header_len, header.len() as u64 - 10);
        let text = std::str::from_utf8(&header[10..]).unwrap();
        let dict_end = text.rfind('}').unwrap();
        assert_eq!(facts.spare_bytes, text.len() - dict_end - 2);
    }
}
