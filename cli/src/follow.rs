//! `tmm follow` (skeleton, replaced by its owner).

use std::process::ExitCode;

use clap::Args;

use crate::error::CliError;
use crate::input::InputArgs;

/// Arguments of `tmm follow`.
#[derive(Args, Debug)]
pub struct FollowArgs {
    #[command(flatten)]
    pub input: InputArgs,
}

/// Runs `tmm follow`.
pub fn run(args: FollowArgs) -> Result<ExitCode, CliError> {
    let _ = crate::input::open(&args.input)?;
    Err(CliError::Usage("tmm follow: not built yet".into()))
}
