//! `tmm check` (skeleton, replaced by its owner).

use std::process::ExitCode;

use clap::Args;

use crate::error::CliError;
use crate::input::InputArgs;

/// Arguments of `tmm check`.
#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
}

/// Runs `tmm check`.
pub fn run(args: CheckArgs) -> Result<ExitCode, CliError> {
    let _ = crate::input::open(&args.input)?;
    Err(CliError::Usage("tmm check: not built yet".into()))
}
