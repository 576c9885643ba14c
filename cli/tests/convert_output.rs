//! Where `tmm convert` writes: never over an existing file without `--force`, never over
//! its input, never a partial OUT; bounded memory; the progress bar; `--help`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{numpy, stderr, stdout, tmm};

/// A `.npy` of `n` float64 values in a new directory.
fn input(n: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.npy");
    numpy(
        &format!("np.save(sys.argv[1], np.arange({n}, dtype='<f8') / 3)"),
        &[&path],
    );
    (dir, path)
}

fn one_error_line(out: &std::process::Output, what: &str) -> String {
    assert_eq!(out.status.code(), Some(2), "{what}: {}", stderr(out));
    let err = stderr(out);
    assert_eq!(err.lines().count(), 1, "{what}: {err}");
    assert!(err.starts_with("tmm: error: "), "{what}: {err}");
    assert!(!err.contains("panicked"), "{what}: {err}");
    err
}

fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tmm-tmp"))
        .collect()
}

#[test]
fn an_existing_output_needs_force() {
    let (dir, input) = input(10);
    let out = dir.path().join("out.csv");
    std::fs::write(&out, "precious").unwrap();
    for to in ["npy", "csv", "jsonl"] {
        let run = tmm(&[&"convert", &input, &"--to", &to, &"-o", &out]);
        let err = one_error_line(&run, to);
        assert!(err.contains("exists") && err.contains("--force"), "{err}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious");
    }
    let run = tmm(&[&"convert", &input, &"--to", &"csv", &"-o", &out, &"--force"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let fresh = dir.path().join("fresh.csv");
    let run = tmm(&[&"convert", &input, &"--to", &"csv", &"-o", &fresh]);
    assert!(run.status.success(), "{}", stderr(&run));
    let replaced = std::fs::read(&out).unwrap();
    assert_eq!(replaced, std::fs::read(&fresh).unwrap());
    assert!(replaced.starts_with(b"value\n0.0\n0.3333333333333333\n"));
    assert!(temp_files(dir.path()).is_empty());
}

#[test]
fn the_input_is_never_the_output() {
    let (dir, input) = input(10);
    let before = std::fs::read(&input).unwrap();
    let link = dir.path().join("hard-link.npy");
    std::fs::hard_link(&input, &link).unwrap();
    let relative = dir.path().join(".").join("in.npy");
    for out in [&input, &link, &relative] {
        let run = tmm(&[&"convert", &input, &"--to", &"npy", &"-o", out, &"--force"]);
        let err = one_error_line(&run, "input as output");
        assert!(err.contains("is the input file"), "{err}");
    }
    assert_eq!(std::fs::read(&input).unwrap(), before);
    assert!(temp_files(dir.path()).is_empty());
}

#[test]
fn unusable_outputs_exit_2() {
    let (dir, input) = input(10);
    let missing_dir = dir.path().join("no").join("such").join("out.csv");
    let cases: [(&[&dyn AsRef<std::ffi::OsStr>], &str); 4] = [
        (&[&"--to", &"csv", &"-o", &dir.path()], "is a directory"),
        (&[&"--to", &"csv", &"-o", &missing_dir], "temporary file"),
        (&[&"--to", &"xml", &"-o", &"x"], "xml"),
        (&[&"--to", &"csv"], "--output"),
    ];
    for (args, says) in cases {
        let mut full: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"convert", &input];
        full.extend_from_slice(args);
        let run = tmm(&full);
        let err = one_error_line(&run, says);
        assert!(err.contains(says), "{says}: {err}");
    }
}

/// A conversion killed while it writes leaves OUT as it was: the data goes to a temporary
/// file that only a complete conversion renames.
#[test]
fn a_killed_conversion_leaves_out_as_it_was() {
    let (dir, input) = input(3 << 20);
    let out = dir.path().join("out.csv");
    std::fs::write(&out, "old").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tmm"))
        .args([
            "convert".as_ref(),
            input.as_os_str(),
            "--to".as_ref(),
            "csv".as_ref(),
        ])
        .args(["-o".as_ref(), out.as_os_str(), "--force".as_ref()])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the temporary file holds data, then kill the conversion mid-way.
    let start = Instant::now();
    let mut seen = false;
    while start.elapsed() < Duration::from_secs(60) {
        let growing = temp_files(dir.path())
            .iter()
            .any(|n| std::fs::metadata(dir.path().join(n)).is_ok_and(|m| m.len() > 0));
        if growing {
            seen = true;
            break;
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(
        seen,
        "the conversion ended ({status}) before it was seen writing"
    );
    assert!(!status.success(), "the conversion was not killed");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
}

/// Interrupted (Ctrl-C, `kill`), a conversion removes its temporary file and ends as the
/// signal would end it, OUT as it was, whatever the format: the directory holds the input
/// and OUT, nothing else.
#[test]
#[cfg(unix)]
fn an_interrupted_conversion_leaves_nothing() {
    use std::os::unix::process::ExitStatusExt;
    let (dir, input) = input(3 << 20);
    let names = || {
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    for to in ["jsonl", "parquet", "arrow"] {
        for signal in ["INT", "TERM"] {
            let name = format!("out.{to}");
            let out = dir.path().join(&name);
            std::fs::write(&out, "old").unwrap();
            let mut child = Command::new(env!("CARGO_BIN_EXE_tmm"))
                .args(["convert".as_ref(), input.as_os_str(), "--to".as_ref()])
                .args([
                    to.as_ref(),
                    "-o".as_ref(),
                    out.as_os_str(),
                    "--force".as_ref(),
                ])
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let start = Instant::now();
            while names().len() < 3 && start.elapsed() < Duration::from_secs(60) {
                assert!(
                    child.try_wait().unwrap().is_none(),
                    "{to}: ended before it was seen"
                );
                std::thread::sleep(Duration::from_millis(5));
            }
            assert_eq!(temp_files(dir.path()).len(), 1, "{to}: {:?}", names());
            let kill = Command::new("kill")
                .arg(format!("-{signal}"))
                .arg(child.id().to_string())
                .status()
                .unwrap();
            assert!(kill.success());
            let status = child.wait().unwrap();
            let number = if signal == "INT" { 2 } else { 15 };
            assert_eq!(status.signal(), Some(number), "{to} {signal}: {status}");
            assert_eq!(names(), ["in.npy", name.as_str()], "{to} {signal}");
            assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
            std::fs::remove_file(&out).unwrap();
        }
    }
}

/// Peak RSS of `tmm convert` in KiB, as the tool reports it with `TMM_PEAK_RSS` set (Linux's
/// `VmHWM` of its own process; a parent's `getrusage` would count the parent's memory too,
/// as it stood at the fork).
#[cfg(target_os = "linux")]
fn peak_rss_kib(input: &Path, to: &str, out: &Path) -> u64 {
    let run = Command::new(env!("CARGO_BIN_EXE_tmm"))
        .args([
            "convert".as_ref(),
            input.as_os_str(),
            "--to".as_ref(),
            to.as_ref(),
        ])
        .args(["-o".as_ref(), out.as_os_str(), "--force".as_ref()])
        .env("TMM_PEAK_RSS", "1")
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    let err = stderr(&run);
    let kib = err
        .lines()
        .find_map(|l| l.strip_prefix("tmm: peak RSS "))
        .and_then(|v| v.strip_suffix(" kB"))
        .unwrap_or_else(|| panic!("no peak RSS reported: {err}"));
    kib.trim().parse().unwrap()
}

/// Memory stays near what a tiny conversion takes, whatever the input's size: the input is
/// read 4 MiB at a time, not mapped whole or loaded, and the output is not held either.
#[test]
#[cfg(target_os = "linux")]
fn memory_is_bounded() {
    let (_tiny_dir, tiny) = input(10);
    let (dir, big) = input(32 << 20); // 256 MiB
    let (_text_dir, text) = input(2 << 20); // 16 MiB, 4 chunks
    let base = peak_rss_kib(&tiny, "npy", &dir.path().join("tiny.npy"));
    let npy = peak_rss_kib(&big, "npy", &dir.path().join("big.npy"));
    // One 4 MiB chunk and a 1 MiB output buffer, with 6 MiB to spare; the input alone is
    // 256 MiB, and read through the map it would all be resident.
    assert!(
        npy < base + 11 * 1024,
        "npy: peak RSS {npy} KiB, a tiny conversion {base} KiB"
    );
    for to in ["csv", "jsonl"] {
        let peak = peak_rss_kib(&text, to, &dir.path().join(format!("text.{to}")));
        // The input is 16 MiB and the text over 35 MB: holding either would show.
        assert!(
            peak < base + 11 * 1024,
            "{to}: peak RSS {peak} KiB, a tiny conversion {base} KiB"
        );
    }
    let written = std::fs::metadata(dir.path().join("big.npy")).unwrap().len();
    assert_eq!(written, std::fs::metadata(&big).unwrap().len());
}

/// Parquet and Arrow IPC hold a few batches (and Parquet a row group of 1 Mi rows) whatever
/// the input's length: four times the input, not four times the memory.
#[test]
#[cfg(target_os = "linux")]
fn table_memory_is_flat() {
    let (dir, small) = input(2 << 20); // 16 MiB, 2 row groups
    let (_big_dir, big) = input(8 << 20); // 64 MiB, 8 row groups
    for to in ["parquet", "arrow"] {
        let out = dir.path().join(format!("out.{to}"));
        let a = peak_rss_kib(&small, to, &out);
        let b = peak_rss_kib(&big, to, &out);
        // Holding the 48 MiB more of input, or of output, would show.
        assert!(
            b < a + 12 * 1024,
            "{to}: peak RSS {b} KiB for 64 MiB against {a} KiB for 16 MiB"
        );
    }
}

#[test]
fn progress_always_draws_on_stderr_and_auto_stays_quiet_in_a_pipe() {
    let (dir, input) = input(1 << 20);
    let out = dir.path().join("out.npy");
    let run = tmm(&[
        &"convert",
        &input,
        &"--to",
        &"npy",
        &"-o",
        &out,
        &"--progress",
        &"always",
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(
        err.contains("8.00 MiB/8.00 MiB"),
        "no finished bar: {err:?}"
    );
    assert!(run.stdout.is_empty());
    let run = tmm(&[&"convert", &input, &"--to", &"csv", &"-o", &"-"]);
    assert!(run.status.success());
    assert!(run.stderr.is_empty(), "{}", stderr(&run));
    let text = stdout(&run);
    assert_eq!(text.lines().count(), (1 << 20) + 1);
    assert!(text.starts_with("value\n0.0\n"));
}

#[test]
fn help_has_examples() {
    let run = tmm(&[&"convert", &"--help"]);
    assert_eq!(run.status.code(), Some(0));
    let text = stdout(&run);
    assert!(text.contains("Examples:"), "{text}");
    assert!(text.contains("tmm convert "), "{text}");
    for to in ["npy", "csv", "jsonl", "parquet", "arrow"] {
        assert!(text.contains(to), "{to}: {text}");
    }
}

/// An OUT that is a named pipe (as `/dev/null` or a terminal would be) is written in place,
/// without `--force`: it stays a pipe, and what comes out of it is the file a conversion to
/// a path writes, for every format.
#[test]
#[cfg(unix)]
fn a_pipe_is_written_in_place() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let (dir, input) = input(1000);
    let fifo = dir.path().join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success(), "mkfifo");
    for to in ["npy", "csv", "jsonl", "parquet", "arrow"] {
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                std::fs::File::open(&fifo)
                    .unwrap()
                    .read_to_end(&mut bytes)
                    .unwrap();
                bytes
            })
        };
        let run = tmm(&[&"convert", &input, &"--to", &to, &"-o", &fifo]);
        assert!(run.status.success(), "{to}: {}", stderr(&run));
        let through_pipe = reader.join().unwrap();
        let file = dir.path().join(format!("out.{to}"));
        let run = tmm(&[&"convert", &input, &"--to", &to, &"-o", &file]);
        assert!(run.status.success(), "{to}: {}", stderr(&run));
        assert!(through_pipe == std::fs::read(&file).unwrap(), "{to}");
        let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(kind.is_fifo(), "{to}: the pipe was replaced ({kind:?})");
        assert!(temp_files(dir.path()).is_empty(), "{to}");
    }
}

/// A symbolic link as OUT: with `--force` the file it names is replaced and the link stays;
/// without, the file it names counts as existing.
#[test]
#[cfg(unix)]
fn a_link_is_followed_not_replaced() {
    let (dir, input) = input(10);
    let real = dir.path().join("real.csv");
    let link = dir.path().join("link.csv");
    std::fs::write(&real, "old").unwrap();
    std::os::unix::fs::symlink("real.csv", &link).unwrap();
    let run = tmm(&[&"convert", &input, &"--to", &"csv", &"-o", &link]);
    let err = one_error_line(&run, "no --force");
    assert!(err.contains("exists"), "{err}");
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "old");
    let run = tmm(&[
        &"convert", &input, &"--to", &"csv", &"-o", &link, &"--force",
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("real.csv"));
    let plain = dir.path().join("plain.csv");
    let run = tmm(&[&"convert", &input, &"--to", &"csv", &"-o", &plain]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(
        std::fs::read(&real).unwrap(),
        std::fs::read(&plain).unwrap()
    );
    assert!(temp_files(dir.path()).is_empty());
}

/// `-o -` writes every format to a piped stdout, the same bytes as to a file; the binary ones
/// refuse a terminal (run under `script`, which gives the tool a pseudo-terminal), the text
/// ones print on it.
#[test]
#[cfg(target_os = "linux")]
fn stdout_takes_every_format_but_binary_not_on_a_terminal() {
    let (dir, input) = input(100);
    for to in ["npy", "csv", "jsonl", "parquet", "arrow"] {
        let file = dir.path().join(format!("out.{to}"));
        let run = tmm(&[&"convert", &input, &"--to", &to, &"-o", &file]);
        assert!(run.status.success(), "{to}: {}", stderr(&run));
        let run = tmm(&[&"convert", &input, &"--to", &to, &"-o", &"-"]);
        assert!(run.status.success(), "{to}: {}", stderr(&run));
        assert!(run.stdout == std::fs::read(&file).unwrap(), "{to}");

        let command = format!(
            "{} convert {} --to {to} -o -",
            env!("CARGO_BIN_EXE_tmm"),
            input.display()
        );
        let run = Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .stdin(Stdio::null())
            .output()
            .expect("`script` (util-linux) runs the tool on a pseudo-terminal for this test");
        let shown = String::from_utf8_lossy(&run.stdout);
        if matches!(to, "csv" | "jsonl") {
            assert!(run.status.success(), "{to} on a terminal: {shown}");
        } else {
            assert_eq!(run.status.code(), Some(2), "{to} on a terminal: {shown}");
            assert!(shown.contains("stdout is a terminal"), "{to}: {shown}");
        }
    }
}
