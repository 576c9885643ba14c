//! The `npy2json` example as a program: its output for a numpy file, and exit status 2 with
//! the typed error on stderr (never a panic) for bad input.
#![cfg_attr(miri, allow(unused))]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The example's binary: next to this test's own binary when `cargo test` built the examples,
/// else built now with `cargo build --example npy2json`.
fn npy2json() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(Path::parent).unwrap();
    let built = profile_dir.join("examples").join("npy2json");
    if !built.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--example", "npy2json"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("cargo runs");
        assert!(status.success(), "cannot build the npy2json example");
    }
    assert!(built.exists(), "no npy2json binary at {}", built.display());
    built
}

fn run(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    let mut cmd = Command::new(npy2json());
    for a in args {
        cmd.arg(a);
    }
    cmd.output().unwrap()
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn prints_one_json_object_that_python_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.npy");
    common::numpy_on(
        "a = np.zeros((2, 2), dtype=[('t', '<U2'), ('v', '<f4'), ('raw', 'V2')], order='F')\n\
         a['t'] = [['a', '\"'], ['\\n', '']]\n\
         a['v'] = [[0.1, np.nan], [-np.inf, 3]]\n\
         a['raw'] = [[b'\\x00\\xff', b'ab'], [b'', b'\\x01']]\n\
         np.save(sys.argv[1], a)",
        &path,
    );
    let out = run(&[&path]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = dir.path().join("r.json");
    std::fs::write(&json, &out.stdout).unwrap();
    let check = common::numpy(
        "import json\n\
         j = json.load(open(sys.argv[1], encoding='utf8'))\n\
         print(j['shape'], j['fortran_order'], j['descr'])\n\
         print(j['values'])",
        &[&json],
    );
    assert_eq!(
        check,
        "[2, 2] True [('t', '<U2'), ('v', '<f4'), ('raw', '|V2')]\n\
         [{'t': 'a', 'v': 0.1, 'raw': '00ff'}, {'t': '\"', 'v': 'nan', 'raw': '6162'}, \
         {'t': '\\n', 'v': '-inf', 'raw': '0000'}, {'t': '', 'v': 3.0, 'raw': '0100'}]\n"
    );
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn bad_input_exits_with_status_2_and_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.npy");
    typed_memmap::npy::write(&good, &[1u32, 2, 3]).unwrap();
    let bytes = std::fs::read(&good).unwrap();
    let cut = dir.path().join("cut.npy");
    std::fs::write(&cut, &bytes[..bytes.len() - 1]).unwrap();
    let garbage = dir.path().join("garbage.npy");
    std::fs::write(&garbage, b"not a numpy file at all").unwrap();
    let missing = dir.path().join("missing.npy");
    let cases: [(&[&dyn AsRef<std::ffi::OsStr>], &str); 5] = [
        (
            &[&cut],
            "is 139 bytes, but offset 128 plus 12 bytes of data need 140",
        ),
        (&[&garbage], "bad header at byte 0"),
        (&[&missing], "cannot open"),
        (&[], "usage: npy2json FILE.npy"),
        (&[&good, &good], "usage: npy2json FILE.npy"),
    ];
    for (args, want) in cases {
        let out = run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(want), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(out.stdout.is_empty());
    }
}
