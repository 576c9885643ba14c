//! Shared helpers of the `tmm` tests: running the binary and the numpy oracle.
//!
//! When python3 or numpy is missing, tests that use [`numpy`] fail with a message that says
//! how to install the oracle; they never pass silently.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs `tmm` with `args`.
pub fn tmm(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tmm"));
    for a in args {
        cmd.arg(a.as_ref());
    }
    cmd.output().expect("run tmm")
}

/// stdout as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("tmm printed UTF-8")
}

/// stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `script` with numpy imported as `np` and `sys.argv[1:] == args`; returns stdout.
pub fn numpy(script: &str, args: &[&dyn AsRef<std::ffi::OsStr>]) -> String {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_string());
    let full = format!("import sys\nimport numpy as np\n{script}");
    let mut cmd = Command::new(&python);
    cmd.arg("-c").arg(&full);
    for a in args {
        cmd.arg(a.as_ref());
    }
    let out = match cmd.output() {
        Ok(out) => out,
        Err(e) => panic!(
            "the numpy oracle is missing: cannot run `{python}` ({e}); install it with \
             `python3 -m pip install -r tests/requirements.txt`"
        ),
    };
    let err = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        if err.contains("No module named 'numpy'") {
            panic!(
                "the numpy oracle is missing: `{python}` has no numpy; install it with \
                 `python3 -m pip install -r tests/requirements.txt`"
            );
        }
        panic!(
            "numpy script failed ({}):\n{err}\n--- script ---\n{full}",
            out.status
        );
    }
    String::from_utf8(out.stdout).expect("numpy printed UTF-8")
}

/// `numpy` with one path argument.
pub fn numpy_on(script: &str, path: &Path) -> String {
    numpy(script, &[&path])
}
