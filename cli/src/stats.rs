//! `tmm stats` (skeleton, replaced by its owner).

use std::process::ExitCode;

use clap::Args;

use crate::error::CliError;
use crate::input::InputArgs;

/// Arguments of `tmm stats`.
#[derive(Args, Debug)]
pub struct StatsArgs {
    #[command(flatten)]
    pub input: InputArgs,
}

/// Runs `tmm stats`.
pub fn run(args: StatsArgs) -> Result<ExitCode, CliError> {
    let _ = crate::input::open(&args.input)?;
    Err(CliError::Usage("tmm stats: not built yet".into()))
}
