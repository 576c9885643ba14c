//! `tmm check`: validates a `.npy` file (header, data length against the shape, trailing
//! bytes) or a raw record file (a whole number of records, a torn tail) and exits 0 when
//! it is sound, 1 with the findings, 2 when the input cannot be examined at all.

use std::fs::File;
use std::io::BufReader;
use std::process::ExitCode;

use clap::Args;
use typed_memmap::npy::{read_header, DEFAULT_MAX_HEADER_LEN};

use crate::error::CliError;
use crate::input::{file_len, parse_dtype, parse_shape, InputArgs};

const EXAMPLES: &str = "\
Examples:
  tmm check data.npy                          exit 0: sound, 1: findings, 2: unusable input
  tmm check ticks.bin --dtype \"[('t', '<i8'), ('px', '<f8')]\"
  tmm check app.log --dtype '<u8' --header-len 64";

/// Validate the file; exit 0 if sound, 1 with the findings.
#[derive(Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
}

/// Runs `tmm check`.
pub fn run(args: CheckArgs) -> Result<ExitCode, CliError> {
    let path = &args.input.file;
    let len = file_len(path)?;
    let (summary, findings) = match &args.input.dtype {
        None => check_npy(&args.input, len)?,
        Some(text) => check_raw(&args.input, text, len)?,
    };
    let name = path.display();
    if findings.is_empty() {
        crate::output::line(&format!("{name}: ok: {summary}"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut text = format!("{name}: {} problem(s)", findings.len());
    for f in &findings {
        text.push_str("\n  - ");
        text.push_str(f);
    }
    crate::output::line(&text)?;
    Ok(ExitCode::from(1))
}

fn check_npy(args: &InputArgs, file_len: u64) -> Result<(String, Vec<String>), CliError> {
    // Arguments that describe a raw file make no sense here; `input` says so.
    if args.shape.is_some() || args.offset.is_some() || args.order.is_some() {
        crate::input::open_input(args)?;
    }
    let path = &args.file;
    let file = File::open(path).map_err(|source| typed_memmap::Error::Io {
        op: "open",
        path: path.clone(),
        source,
    })?;
    let header = match read_header(&mut BufReader::new(file), DEFAULT_MAX_HEADER_LEN) {
        Ok(h) => h,
        Err(e) => return Ok((String::new(), vec![format!("header: {e}")])),
    };
    let mut findings = Vec::new();
    let needed = header.data_len();
    let data = file_len.saturating_sub(header.data_offset);
    let itemsize = header.dtype.itemsize() as u64;
    if data < needed {
        let whole = data.checked_div(itemsize).unwrap_or(0);
        findings.push(format!(
            "data: {data} bytes after the header (at byte {}), but shape {:?} of {itemsize}-byte \
             items needs {needed}: {} bytes missing, {whole} whole items present",
            header.data_offset,
            header.shape,
            needed - data
        ));
    } else if data > needed {
        findings.push(format!(
            "{} trailing bytes after the data, which ends at byte {} of {file_len}",
            data - needed,
            header.data_offset + needed
        ));
    }
    let summary = format!(
        ".npy {}.{}, dtype {}, shape {:?}, {} order, {needed} bytes of data at byte {}",
        header.version.0,
        header.version.1,
        header.descr_text,
        header.shape,
        if header.fortran_order { "F" } else { "C" },
        header.data_offset
    );
    Ok((summary, findings))
}

fn check_raw(
    args: &InputArgs,
    dtype_text: &str,
    file_len: u64,
) -> Result<(String, Vec<String>), CliError> {
    let dtype = parse_dtype(dtype_text)?;
    if let Some(order) = &args.order {
        crate::input::parse_order(order)?;
    }
    let itemsize = dtype.itemsize() as u64;
    let start = match (args.offset, args.header_len) {
        (Some(_), Some(_)) => {
            return Err(CliError::Usage(
                "--offset and --header-len both say where the records start; give one".into(),
            ))
        }
        (Some(n), None) | (None, Some(n)) => n,
        (None, None) => 0,
    };
    let mut findings = Vec::new();
    if file_len < start {
        findings.push(format!(
            "the file is {file_len} bytes, shorter than the {start} bytes before the data"
        ));
        return Ok((String::new(), findings));
    }
    let data = file_len - start;
    let summary;
    if let Some(shape_text) = &args.shape {
        let shape = parse_shape(shape_text)?;
        let needed = shape
            .iter()
            .try_fold(itemsize, |acc, &d| acc.checked_mul(d as u64))
            .ok_or_else(|| {
                CliError::Usage(format!(
                    "shape {shape:?} of {itemsize}-byte items overflows 64 bits"
                ))
            })?;
        if data < needed {
            findings.push(format!(
                "the {data} bytes after byte {start} are fewer than the {needed} that shape \
                 {shape:?} of {itemsize}-byte items needs"
            ));
        }
        summary = format!(
            "dtype {}, shape {shape:?}, {needed} bytes of data at byte {start}, {} more bytes \
             after it",
            dtype.descr(),
            data.saturating_sub(needed)
        );
    } else {
        if itemsize == 0 {
            return Err(CliError::Usage(format!(
                "the dtype {} has item size 0: no record count can be checked",
                dtype.descr()
            )));
        }
        let (records, tail) = (data / itemsize, data % itemsize);
        if tail != 0 {
            findings.push(format!(
                "torn tail: {tail} bytes after the {records} whole records of {itemsize} bytes \
                 (the {data} bytes after byte {start} are not a whole number of records)"
            ));
        }
        summary = format!(
            "dtype {}, {records} whole records of {itemsize} bytes after byte {start}",
            dtype.descr()
        );
    }
    Ok((summary, findings))
}
