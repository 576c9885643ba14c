//! `tmm follow` sees every record another writer appends, once, in order; reports a torn
//! tail; stops with exit 1 when the file shrinks.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::numpy;

const DTYPE: &str = "[('seq', '<u4'), ('px', '<f8')]";

fn record(i: u32) -> Vec<u8> {
    let mut r = i.to_le_bytes().to_vec();
    r.extend_from_slice(&(f64::from(i) * 0.25 - 3.0).to_le_bytes());
    r
}

fn follow(path: &std::path::Path, extra: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_tmm"))
        .arg("follow")
        .arg(path)
        .args(["--dtype", DTYPE, "--poll-ms", "5"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn every_appended_record_once_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ticks.bin");
    let mut file = std::fs::File::create(&path).unwrap();
    for i in 0..3 {
        file.write_all(&record(i)).unwrap();
    }
    file.flush().unwrap();
    let child = follow(
        &path,
        &["--from-start", "--count", "200", "--idle-timeout", "20"],
    );
    // A writer thread appends in uneven batches, sometimes a record in two writes.
    let writer = std::thread::spawn(move || {
        let mut i = 3;
        while i < 200 {
            let batch = (i % 7) + 1;
            for _ in 0..batch.min(200 - i) {
                let r = record(i);
                if i % 5 == 0 {
                    file.write_all(&r[..5]).unwrap();
                    file.flush().unwrap();
                    std::thread::sleep(Duration::from_millis(2));
                    file.write_all(&r[5..]).unwrap();
                } else {
                    file.write_all(&r).unwrap();
                }
                i += 1;
            }
            file.flush().unwrap();
            std::thread::sleep(Duration::from_millis(3));
        }
    });
    writer.join().unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = numpy(
        &format!(
            "a = np.fromfile(sys.argv[1], dtype=np.dtype({DTYPE}))\n\
             print('\\n'.join(str(a[i]) for i in range(len(a))))"
        ),
        &[&path],
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
}

#[test]
fn json_lines_and_a_start_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.bin");
    let bytes: Vec<u8> = (0..10).flat_map(record).collect();
    std::fs::write(&path, &bytes).unwrap();
    let out = follow(&path, &["--json", "--from", "7", "--idle-timeout", "0.2"])
        .wait_with_output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let want: Vec<serde_json::Value> = (7..10u32)
        .map(|i| serde_json::json!({"seq": i, "px": f64::from(i) * 0.25 - 3.0}))
        .collect();
    assert_eq!(lines, want);
}

#[test]
fn torn_tail_is_reported_and_shrinking_stops_with_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.bin");
    let mut bytes: Vec<u8> = (0..4).flat_map(record).collect();
    bytes.extend_from_slice(&record(4)[..3]);
    std::fs::write(&path, &bytes).unwrap();
    let out = follow(&path, &["--from-start", "--idle-timeout", "0.3"])
        .wait_with_output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("torn tail: 3 bytes after record 4"), "{err}");
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 4);

    let child = follow(&path, &["--from-start", "--idle-timeout", "20"]);
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(&path, record(0)).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("shrank"), "{err}");
}

#[test]
fn a_replaced_file_stops_with_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.bin");
    std::fs::write(&path, record(0)).unwrap();
    let child = follow(&path, &["--idle-timeout", "20"]);
    std::thread::sleep(Duration::from_millis(300));
    std::fs::rename(&path, dir.path().join("t.bin.1")).unwrap();
    let bytes: Vec<u8> = (0..3).flat_map(record).collect();
    std::fs::write(&path, bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("replaced"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}
