//! Writing results to stdout: a closed pipe (`tmm show big.npy | head`) ends the program
//! quietly with success, like other Unix tools, instead of failing on the next write.

use std::io::{self, Write};

use crate::error::CliError;

/// Writes `text` and a newline to stdout, flushed.
pub fn line(text: &str) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    finish(
        out.write_all(text.as_bytes())
            .and_then(|()| out.write_all(b"\n"))
            .and_then(|()| out.flush()),
    )
}

/// Maps the result of a write to stdout: a broken pipe exits 0 at once (nobody reads any
/// more), another error is a [`CliError::Io`].
pub fn finish(result: io::Result<()>) -> Result<(), CliError> {
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(CliError::Io(format!("cannot write to stdout: {e}"))),
    }
}
