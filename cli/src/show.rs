//! `tmm show`: the array, or a selection of it, printed as numpy's `print(arr[...])`.

use std::process::ExitCode;

use clap::Args;

use crate::error::CliError;
use crate::input::InputArgs;
use crate::select::{select, PySlice, Rows};

const EXAMPLES: &str = "\
Examples:
  tmm show data.npy                      print(np.load('data.npy', mmap_mode='r'))
  tmm show data.npy --head 5             print(arr[:5])
  tmm show data.npy --tail 5             print(arr[-5:])
  tmm show data.npy --slice 10:-10:3     print(arr[10:-10:3])
  tmm show ticks.npy --fields t,px       print(arr[['t', 'px']])
  tmm show ticks.npy --fields px         print(arr['px'])
  tmm show ticks.bin --dtype \"[('t', '<i8'), ('px', '<f8')]\" --head 3";

/// Print the array like numpy's `print(arr[...])`.
#[derive(Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct ShowArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The first N rows (axis 0): `arr[:N]`.
    #[arg(long, value_name = "N", conflicts_with_all = ["tail", "slice"])]
    pub head: Option<usize>,
    /// The last N rows (axis 0): `arr[len-N:]`.
    #[arg(long, value_name = "N", conflicts_with = "slice")]
    pub tail: Option<usize>,
    /// Rows `START:STOP:STEP` of axis 0 (STOP and STEP optional), as a Python slice;
    /// negatives count from the end.
    #[arg(long, value_name = "START:STOP[:STEP]", allow_hyphen_values = true)]
    pub slice: Option<String>,
    /// Record fields to print, `a,b` (nested as `pos.x`): one name prints `arr['a']`,
    /// several print `arr[['a', 'b']]`.
    #[arg(long, value_name = "A,B")]
    pub fields: Option<String>,
}

/// Runs `tmm show`.
pub fn run(args: ShowArgs) -> Result<ExitCode, CliError> {
    let rows = match (&args.head, &args.tail, &args.slice) {
        (Some(n), _, _) => Some(Rows::Head(*n)),
        (_, Some(n), _) => Some(Rows::Tail(*n)),
        (_, _, Some(s)) => Some(Rows::Slice(PySlice::parse(s)?)),
        _ => None,
    };
    let fields: Vec<String> = match &args.fields {
        Some(list) => list.split(',').map(|f| f.trim().to_string()).collect(),
        None => Vec::new(),
    };
    if fields.iter().any(String::is_empty) {
        return Err(CliError::Usage(format!(
            "bad --fields {:?}: an empty field name; give names separated by commas",
            args.fields.unwrap_or_default()
        )));
    }
    let array = crate::input::open(&args.input)?;
    let text = if rows.is_none() && fields.is_empty() {
        array.to_string()
    } else {
        select(&array, rows, &fields)?.to_string()
    };
    crate::output::line(&text)?;
    Ok(ExitCode::SUCCESS)
}
