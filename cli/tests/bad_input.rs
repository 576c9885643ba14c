//! Bad input of every kind: exit code 2, exactly one line on stderr, nothing on stdout, no
//! panic text.

mod common;

use std::path::Path;

use common::{stderr, tmm};

fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap();
}

/// A valid `.npy` of `n` little-endian f8 values (numpy's bytes, made by numpy).
fn npy(dir: &Path, name: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    common::numpy_on("np.save(sys.argv[1], np.arange(10, dtype='<f8'))", &p);
    p
}

fn assert_bad(args: &[&str], what: &str) {
    let out = tmm(&args
        .iter()
        .map(|a| a as &dyn AsRef<std::ffi::OsStr>)
        .collect::<Vec<_>>());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{what}: {args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{what}: one line expected: {err:?}");
    assert!(err.starts_with("tmm: "), "{what}: {err:?}");
    assert!(!err.contains("panicked"), "{what}: {err:?}");
    assert!(out.stdout.is_empty(), "{what}: stdout {:?}", out.stdout);
}

#[test]
fn every_bad_input_exits_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = npy(d, "good.npy");
    let good = good.to_str().unwrap();
    let raw = d.join("raw.bin");
    write(&raw, &[0u8; 30]);
    let raw = raw.to_str().unwrap();
    let missing = d.join("missing.npy");
    let missing = missing.to_str().unwrap();
    let dirpath = d.to_str().unwrap();
    let bad_magic = d.join("magic.npy");
    write(&bad_magic, b"NOTNUMPYxxxxxxxxxxxxxxxxxxxxxxxxx");
    let bad_magic = bad_magic.to_str().unwrap();
    let bytes = std::fs::read(good).unwrap();
    let truncated = d.join("trunc.npy");
    write(&truncated, &bytes[..bytes.len() - 5]);
    let truncated = truncated.to_str().unwrap();
    let short_header = d.join("short.npy");
    write(&short_header, &bytes[..40]);
    let short_header = short_header.to_str().unwrap();
    let mut broken = bytes.clone();
    let pos = broken.windows(5).position(|w| w == b"descr").unwrap();
    broken[pos..pos + 5].copy_from_slice(b"dexcr");
    let bad_dict = d.join("dict.npy");
    write(&bad_dict, &broken);
    let bad_dict = bad_dict.to_str().unwrap();
    let object = d.join("object.npy");
    common::numpy_on(
        "np.save(sys.argv[1], np.array([1, 'a'], dtype=object), allow_pickle=True)",
        &object,
    );
    let object = object.to_str().unwrap();
    let empty = d.join("empty.npy");
    write(&empty, b"");
    let empty = empty.to_str().unwrap();
    let rec = d.join("rec.npy");
    common::numpy_on(
        "np.save(sys.argv[1], np.zeros(3, dtype=[('a', '<i4'), ('b', '<f8')]))",
        &rec,
    );
    let rec = rec.to_str().unwrap();

    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["info", missing], "missing file"),
        (vec!["show", missing], "missing file (show)"),
        (vec!["check", missing], "missing file (check)"),
        (vec!["info", dirpath], "directory"),
        (vec!["check", dirpath], "directory (check)"),
        (vec!["info", raw, "--dtype", "<f7"], "bad dtype text"),
        (
            vec!["show", raw, "--dtype", "[('a', '<i4'"],
            "unclosed dtype list",
        ),
        (
            vec!["check", raw, "--dtype", "float128x"],
            "bad dtype (check)",
        ),
        (
            vec!["info", raw, "--dtype", "<u1", "--offset", "31"],
            "offset past the end",
        ),
        (vec!["info", raw, "--dtype", "<f8"], "ragged raw file"),
        (
            vec!["show", raw, "--dtype", "<u2", "--shape", "4,4"],
            "shape larger than the file",
        ),
        (
            vec!["show", raw, "--dtype", "<u1", "--shape", "3,x"],
            "bad shape text",
        ),
        (
            vec![
                "info",
                raw,
                "--dtype",
                "<u8",
                "--shape",
                "99999999999,99999999999",
            ],
            "shape overflow",
        ),
        (vec!["info", raw, "--dtype", "|V0"], "zero item size"),
        (
            vec!["info", raw, "--dtype", "<u1", "--order", "Z"],
            "bad order",
        ),
        (
            vec!["info", good, "--shape", "3"],
            "--shape without --dtype",
        ),
        (vec!["info", bad_magic], "not a .npy file"),
        (vec!["show", truncated], "truncated .npy"),
        (vec!["info", short_header], "file ends inside the header"),
        (vec!["info", bad_dict], "malformed header dict"),
        (vec!["show", object], "object dtype"),
        (vec!["info", empty], "empty .npy"),
        (vec!["show", good, "--slice", "1:2:0"], "zero slice step"),
        (vec!["show", good, "--slice", "abc"], "bad --slice"),
        (
            vec!["show", good, "--head", "1", "--tail", "2"],
            "--head and --tail together",
        ),
        (vec!["show", good, "--head", "-1"], "negative --head"),
        (vec!["show", rec, "--fields", "nope"], "unknown field"),
        (
            vec!["show", good, "--fields", "a"],
            "fields of a non-record",
        ),
        (vec!["show", rec, "--fields", "a,a"], "duplicate field"),
        (
            vec![
                "show",
                raw,
                "--dtype",
                "<u1",
                "--offset",
                "1",
                "--header-len",
                "2",
            ],
            "offset and header-len",
        ),
        (
            vec!["info", raw, "--dtype", "<u1", "--header-len", "64"],
            "log shorter than its header",
        ),
        (
            vec!["follow", missing, "--dtype", "<u1"],
            "follow a missing file",
        ),
        (
            vec!["follow", raw, "--dtype", "<q9"],
            "follow with a bad dtype",
        ),
        (
            vec!["follow", raw, "--dtype", "<u1", "--idle-timeout", "-1"],
            "bad idle timeout",
        ),
        (vec!["nonsense"], "unknown command"),
        (vec!["info"], "missing FILE"),
        (vec!["show", good, "--bogus"], "unknown flag"),
    ];
    assert!(cases.len() >= 20);
    for (args, what) in &cases {
        assert_bad(args, what);
    }
}

#[test]
fn messages_name_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("r.bin");
    write(&raw, &[0u8; 30]);
    let out = tmm(&[&"info", &raw, &"--dtype", &"<f8"]);
    let err = stderr(&out);
    assert!(err.contains("30") && err.contains("item size 8"), "{err}");
    let out = tmm(&[&"info", &raw, &"--dtype", &"<u1", &"--offset", &"31"]);
    assert!(stderr(&out).contains("offset 31"), "{}", stderr(&out));
    let out = tmm(&[&"info", &dir.path().join("none")]);
    assert!(stderr(&out).contains("No such file"), "{}", stderr(&out));
    // A file shorter than its shape: the numbers, and no advice about the library's API.
    let out = tmm(&[&"show", &raw, &"--dtype", &"<u1", &"--shape", &"4,8"]);
    let err = stderr(&out);
    assert!(
        err.contains("30 bytes") && err.contains("need 32") && err.contains("shorter"),
        "{err}"
    );
    assert!(!err.contains("open_mut") && !err.contains("grow"), "{err}");
    let npy = npy(dir.path(), "t.npy");
    let bytes = std::fs::read(&npy).unwrap();
    write(&npy, &bytes[..bytes.len() - 8]);
    let err = stderr(&tmm(&[&"show", &npy]));
    assert!(
        err.contains("truncated") && !err.contains("open_mut"),
        "{err}"
    );
}

/// A named pipe as the input is refused at once (exit 2, one line naming it) by every
/// command, not waited on: opening a pipe to read blocks until a writer comes.
#[test]
#[cfg(unix)]
fn a_pipe_as_input_is_refused_not_waited_on() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.npy");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success(), "mkfifo");
    let fifo = fifo.to_str().unwrap();
    for args in [
        vec!["info", fifo],
        vec!["show", fifo],
        vec!["stats", fifo],
        vec!["check", fifo],
        vec!["follow", fifo, "--dtype", "<u8"],
        vec!["convert", fifo, "--to", "csv", "-o", "-"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tmm"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if start.elapsed() > Duration::from_secs(20) {
                child.kill().unwrap();
                panic!("{args:?}: still waiting on the pipe after 20 s");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.contains("pipe.npy") && err.contains("named pipe"),
            "{err}"
        );
    }
}
