//! `tmm show` (skeleton, replaced by its owner).

use std::process::ExitCode;

use clap::Args;

use crate::error::CliError;
use crate::input::InputArgs;

/// Arguments of `tmm show`.
#[derive(Args, Debug)]
pub struct ShowArgs {
    #[command(flatten)]
    pub input: InputArgs,
}

/// Runs `tmm show`.
pub fn run(args: ShowArgs) -> Result<ExitCode, CliError> {
    let _ = crate::input::open(&args.input)?;
    Err(CliError::Usage("tmm show: not built yet".into()))
}
