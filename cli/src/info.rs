//! `tmm info` (skeleton, replaced by its owner).

use std::process::ExitCode;

use clap::Args;

use crate::error::CliError;
use crate::input::InputArgs;

/// Arguments of `tmm info`.
#[derive(Args, Debug)]
pub struct InfoArgs {
    #[command(flatten)]
    pub input: InputArgs,
}

/// Runs `tmm info`.
pub fn run(args: InfoArgs) -> Result<ExitCode, CliError> {
    let _ = crate::input::open(&args.input)?;
    Err(CliError::Usage("tmm info: not built yet".into()))
}
