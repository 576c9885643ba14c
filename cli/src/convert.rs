//! `tmm convert` (skeleton, replaced by its owner).

use std::process::ExitCode;

use clap::Args;

use crate::error::CliError;
use crate::input::InputArgs;

/// Arguments of `tmm convert`.
#[derive(Args, Debug)]
pub struct ConvertArgs {
    #[command(flatten)]
    pub input: InputArgs,
}

/// Runs `tmm convert`.
pub fn run(args: ConvertArgs) -> Result<ExitCode, CliError> {
    let _ = crate::input::open(&args.input)?;
    Err(CliError::Usage("tmm convert: not built yet".into()))
}
