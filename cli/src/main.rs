//! `tmm`: inspect, print, summarise, follow and convert `.npy` and fixed-record binary files.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod check;
mod convert;
mod error;
mod follow;
mod info;
mod input;
mod show;
mod stats;

use error::CliError;

/// Inspect, print, summarise, follow and convert `.npy` and fixed-record binary files.
#[derive(Parser)]
#[command(name = "tmm", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Info(info::InfoArgs),
    Show(show::ShowArgs),
    Stats(stats::StatsArgs),
    Follow(follow::FollowArgs),
    Convert(convert::ConvertArgs),
    Check(check::CheckArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Info(args) => info::run(args),
        Command::Show(args) => show::run(args),
        Command::Stats(args) => stats::run(args),
        Command::Follow(args) => follow::run(args),
        Command::Convert(args) => convert::run(args),
        Command::Check(args) => check::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => e.report(),
    }
}
