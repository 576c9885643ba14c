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
            // The library's advice names its own API (`open_mut`, `grow`), which the tool
            // does not offer: say it in the tool's terms.
            CliError::Lib(typed_memmap::Error::FileTooShort {
                path,
                file_len,
                offset,
                nbytes,
                needed,
                ..
            }) => format!(
                "{} is {file_len} bytes, but offset {offset} plus {nbytes} bytes of data need \
                 {needed}: the file is shorter than its shape (truncated, or a --shape too big)",
                path.display()
            ),
            CliError::Lib(e) => e.to_string(),
            CliError::Usage(m) | CliError::Io(m) => m.clone(),
        };
        // One line, whatever the message holds.
        eprintln!("tmm: error: {}", text.replace('\n', " "));
        ExitCode::from(2)
    }
}
