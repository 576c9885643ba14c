//! The progress bar of `tmm stats`: forced on (`--progress always`) it is drawn on stderr even
//! when stderr is a pipe; under `auto` in a pipe nothing but the results reaches stdout and
//! nothing reaches stderr, even for a file large enough for a bar on a terminal.

mod common;

use std::fs::File;
use std::path::Path;

use common::{stderr, stdout, tmm};

/// A 256 MiB raw file (sparse: the size of `--progress auto`'s threshold, quick to read) of
/// 4 KiB records whose one numeric field is a byte.
const DTYPE: &str = "[('a', 'u1'), ('pad', 'V4095')]";

fn big_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("big.bin");
    let f = File::create(&path).unwrap();
    f.set_len(256 << 20).unwrap();
    path
}

fn stats(file: &Path, progress: &str) -> std::process::Output {
    let out = tmm(&[
        &"stats",
        &file,
        &"--dtype",
        &DTYPE,
        &"--progress",
        &progress,
    ]);
    assert!(out.status.success(), "{progress}: {}", stderr(&out));
    out
}

#[test]
fn forced_bar_goes_to_stderr_only() {
    let dir = tempfile::tempdir().unwrap();
    let file = big_file(dir.path());
    let never = stats(&file, "never");
    assert!(never.stderr.is_empty(), "never: {}", stderr(&never));
    let always = stats(&file, "always");
    let err = stderr(&always);
    // indicatif's bar: the bytes done of the total, the bar itself.
    assert!(
        err.contains("256.00 MiB/256.00 MiB"),
        "no finished bar on stderr: {err:?}"
    );
    assert!(err.contains("[====="), "no bar on stderr: {err:?}");
    assert_eq!(always.stdout, never.stdout, "the bar reached stdout");
    assert!(stdout(&never).contains("a "), "{}", stdout(&never));
}

#[test]
fn auto_in_a_pipe_prints_only_the_results() {
    let dir = tempfile::tempdir().unwrap();
    let file = big_file(dir.path());
    let never = stats(&file, "never");
    let auto = stats(&file, "auto");
    assert!(
        auto.stderr.is_empty(),
        "auto drew on a pipe: {:?}",
        stderr(&auto)
    );
    assert_eq!(auto.stdout, never.stdout);
    // The default is auto.
    let default = tmm(&[&"stats", &file, &"--dtype", &DTYPE]);
    assert!(default.stderr.is_empty(), "{:?}", stderr(&default));
    assert_eq!(default.stdout, never.stdout);
}
