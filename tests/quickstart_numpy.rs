//! The quickstart example prints what numpy's `print()` prints for the same arrays.

mod common;

use std::path::PathBuf;
use std::process::Command;

/// The quickstart binary that `cargo test` builds next to the test binaries.
fn quickstart_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    // target/<profile>/deps/<test> -> target/<profile>/examples/quickstart
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target profile directory");
    let bin = profile_dir
        .join("examples")
        .join(format!("quickstart{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: run the tests with `cargo test` (which builds the examples)",
        bin.display()
    );
    bin
}

/// Splits output into `(label, text)` blocks at `== label` lines.
fn blocks(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(label) = line.strip_prefix("== ") {
            out.push((label.to_string(), String::new()));
        } else if let Some((_, body)) = out.last_mut() {
            if !body.is_empty() {
                body.push('\n');
            }
            body.push_str(line);
        }
    }
    out
}

#[test]
fn quickstart_prints_what_numpy_prints() {
    let out = Command::new(quickstart_binary())
        .output()
        .expect("run quickstart");
    assert!(out.status.success(), "quickstart failed: {out:?}");
    let ours = blocks(&String::from_utf8(out.stdout).unwrap());

    let theirs = blocks(&common::numpy(
        r#"
import os, tempfile
d = tempfile.mkdtemp()
fp = np.memmap(os.path.join(d, 'newfile.dat'), dtype='float32', mode='w+', shape=(4, 4))
print('== float32 (4, 4), mode w+'); print(fp)
hp = np.memmap(os.path.join(d, 'half.dat'), dtype='float16', mode='w+', shape=(3, 2))
print('== float16 (3, 2), mode w+'); print(hp)
fp[:] = np.arange(16).reshape(4, 4) / 4; fp.flush()
hp[:] = [[0.5, -1.25], [3, 0.1], [1000, 2.5e-3]]; hp.flush()
del fp, hp
fp = np.memmap(os.path.join(d, 'newfile.dat'), dtype='float32', mode='r', shape=(4, 4))
print('== float32 (4, 4), reopened mode r'); print(fp)
hp = np.memmap(os.path.join(d, 'half.dat'), dtype='float16', mode='r', shape=(3, 2))
print('== float16 (3, 2), reopened mode r'); print(hp)
print('== attributes: shape %s, strides %s, itemsize %d, nbytes %d, mode %s' % (
    list(fp.shape), list(fp.strides), fp.itemsize, fp.nbytes, fp.mode))
"#,
        &[],
    ));
    assert_eq!(ours.len(), 5, "quickstart printed {ours:?}");
    assert_eq!(ours, theirs);
}
