//! The tool's errors and exit codes: 0 success, 1 findings (`check`), 2 bad input.

use std::process::ExitCode;

/// Why a command failed.
#[derive(Debug)]
pub enum CliError {
    /// The library refused the input (bad path, dtype text, shape, offset, header...).
    Lib(typed_memmap::Error),
    /// A usage problem the argument parser cannot see (e.g. `--shape` without `--dtype`).
    Usage(String),
    /// Writing the output failed.
    Io(String),
}

impl From<typed_memmap::Error> for CliError {
    fn from(e: typed_memmap::Error) -> CliError {
        CliError::Lib(e)
    }
}

impl CliError {
    /// Prints one line on stderr and returns exit code 2.
    pub fn report(&self) -> ExitCode {
        let text = match self {
            CliError::Lib(e) => e.to_string(),
            CliError::Usage(m) | CliError::Io(m) => m.clone(),
        };
        // One line, whatever the message holds.
        eprintln!("tmm: error: {}", text.replace('\n', " "));
        ExitCode::from(2)
    }
}
