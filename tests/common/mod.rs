//! Shared test helpers: running the numpy oracle.
//!
//! Tests that claim numpy compatibility call [`numpy`]. When python3 or numpy is missing they
//! fail with a message that says how to install the oracle; they never pass silently.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// The Python interpreter: `$PYTHON`, or `python3`.
fn interpreter() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_string())
}

/// Runs `script` with numpy imported as `np` and `sys.argv[1:] == args`, and returns what
/// it printed on stdout. Panics with the interpreter's stderr if the script fails, and with an
/// install hint if python3 or numpy is missing.
pub fn numpy(script: &str, args: &[&dyn AsRef<std::ffi::OsStr>]) -> String {
    let python = interpreter();
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
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        if stderr.contains("No module named 'numpy'") {
            panic!(
                "the numpy oracle is missing: `{python}` has no numpy; install it with \
                 `python3 -m pip install -r tests/requirements.txt`"
            );
        }
        panic!(
            "numpy script failed ({}):\n{stderr}\n--- script ---\n{full}",
            out.status
        );
    }
    String::from_utf8(out.stdout).expect("numpy printed UTF-8")
}

/// `numpy` with one path argument.
pub fn numpy_on(script: &str, path: &Path) -> String {
    numpy(script, &[&path])
}

/// The n-d indices of `shape` in logical C order (last axis fastest), whatever the memory
/// order: numpy's `np.ndindex`.
pub fn c_indices(shape: &[usize]) -> Vec<Vec<usize>> {
    let count: usize = shape.iter().product();
    let mut out = Vec::with_capacity(count);
    let mut index = vec![0; shape.len()];
    for _ in 0..count {
        out.push(index.clone());
        for axis in (0..shape.len()).rev() {
            index[axis] += 1;
            if index[axis] < shape[axis] {
                break;
            }
            index[axis] = 0;
        }
    }
    out
}
