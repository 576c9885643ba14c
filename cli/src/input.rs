//! The input every command takes: a `.npy` file, a raw file of `--dtype`, or a log with a
//! `--header-len`.

use std::path::PathBuf;

use clap::Args;
use typed_memmap::{DynArray, MapSpec, Mode, Order};

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
    /// The length of a log file's header, skipped like `--offset`.
    #[arg(long)]
    pub header_len: Option<u64>,
}

/// Opens the input as a `DynArray` (skeleton: raw files need `--shape`).
pub fn open(args: &InputArgs) -> Result<DynArray, CliError> {
    match &args.dtype {
        None => {
            // SAFETY: the tool only reads; a concurrent truncation of the file by another
            // process is the documented hazard of every map.
            Ok(unsafe { DynArray::open(&args.file) }?)
        }
        Some(dtype) => {
            let shape = match &args.shape {
                Some(s) => s
                    .split(',')
                    .map(|p| p.trim().parse::<usize>())
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| CliError::Usage(format!("bad --shape {s:?}: {e}")))?,
                None => return Err(CliError::Usage("--shape is required (skeleton)".into())),
            };
            let order = match args.order.as_deref() {
                None | Some("C") | Some("c") => Order::C,
                Some("F") | Some("f") => Order::F,
                Some(o) => return Err(CliError::Usage(format!("bad --order {o:?}: C or F"))),
            };
            let offset = args.offset.or(args.header_len).unwrap_or(0);
            let spec = MapSpec::new(
                &args.file,
                dtype.clone(),
                offset,
                shape,
                order,
                Mode::ReadOnly,
            );
            // SAFETY: as above.
            Ok(unsafe { spec.open_dyn() }?)
        }
    }
}
