//! Progress bars on stderr, shared by the commands that read a whole file (`stats`,
//! `convert`).
//!
//! A bar never goes to stdout, so results piped on are never mixed with it. Under `auto` the
//! bar is drawn only when stderr is a terminal and the job is large enough to be worth
//! watching; `always` draws it whatever stderr is (a file, a pipe), which is how tests see it.

use std::io::IsTerminal;

use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Jobs of at least this many bytes get a bar under [`Progress::Auto`] (on a terminal).
pub const AUTO_MIN_BYTES: u64 = 256 << 20;

/// When to draw a progress bar on stderr (`--progress auto|always|never`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Progress {
    /// When stderr is a terminal and the job is large (256 MiB or more).
    #[default]
    Auto,
    /// Always, whatever stderr is.
    Always,
    /// Never.
    Never,
}

/// A bar counting `total_bytes` bytes, or `None` when `mode` (and, for `auto`, stderr and the
/// job's size) call for none. Advance it with `inc(bytes)`; end it with `finish()`.
pub fn bar(mode: Progress, total_bytes: u64) -> Option<ProgressBar> {
    let target = match mode {
        Progress::Never => return None,
        Progress::Auto if total_bytes < AUTO_MIN_BYTES || !std::io::stderr().is_terminal() => {
            return None
        }
        Progress::Auto => ProgressDrawTarget::stderr(),
        // indicatif's own stderr target hides itself when stderr is not a terminal; a
        // `console::Term` target draws regardless.
        Progress::Always => ProgressDrawTarget::term_like(Box::new(console::Term::stderr())),
    };
    let bar = ProgressBar::with_draw_target(Some(total_bytes), target);
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}) {msg}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_choose_the_bar() {
        assert!(bar(Progress::Never, 1 << 40).is_none());
        // Small jobs never get one under auto, terminal or not.
        assert!(bar(Progress::Auto, AUTO_MIN_BYTES - 1).is_none());
        let forced = bar(Progress::Always, 10).expect("always draws");
        assert_eq!(forced.length(), Some(10));
        forced.finish_and_clear();
    }
}
