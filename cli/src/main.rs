//! `tmm`: inspect, print, summarise, follow and convert `.npy` and fixed-record binary files.
//!
//! Exit codes: 0 success; 1 findings (`check` found problems, `follow` saw the file shrink or
//! be replaced); 2 unusable input or usage (one line on stderr).

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Parser, Subcommand};

mod check;
mod convert;
mod error;
mod follow;
mod info;
mod input;
mod json;
mod output;
mod progress;
mod select;
mod show;
mod stats;

use error::CliError;

const AFTER_HELP: &str = "\
Inputs (every command):
  tmm info data.npy                                  a .npy file: its header says the layout
  tmm info ticks.bin --dtype \"[('t', '<i8'), ('px', '<f8')]\"
                                                     a raw file, as np.memmap(path, dtype)
  tmm show grid.f4 --dtype '<f4' --offset 16 --shape 3,4 --order F
  tmm follow ticks.log --dtype '<u8' --header-len 64 a log: header, then appended records

Exit codes: 0 success, 1 findings (check, follow), 2 bad input (one line on stderr).";

/// Inspect, print, summarise, follow and convert `.npy` and fixed-record binary files.
#[derive(Parser)]
#[command(name = "tmm", version, about, long_about = None, after_help = AFTER_HELP)]
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
    install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
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

/// Help and version go out as clap writes them; usage errors as one line and exit code 2.
fn usage_error(e: &clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
        }
        _ => {
            let text = e.render().to_string();
            let mut lines = text.lines().map(str::trim).skip_while(|l| l.is_empty());
            let first = lines.next().unwrap_or("invalid arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            // "the following required arguments were not provided:" lists them below.
            let listed: Vec<&str> = if first.ends_with(':') {
                lines.take_while(|l| !l.is_empty()).collect()
            } else {
                Vec::new()
            };
            let first = if listed.is_empty() {
                first.to_string()
            } else {
                format!("{first} {}", listed.join(", "))
            };
            CliError::Usage(format!("{first} (see `tmm --help`)")).report()
        }
    }
}

/// The last resort: a bug that panics still prints one line and exits 2, without a backtrace.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_string());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let line = format!("tmm: internal error{place}: {message}; please report it");
        eprintln!("{}", line.replace('\n', " "));
        std::process::exit(2);
    }));
}
