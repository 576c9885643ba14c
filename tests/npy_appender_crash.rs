//! A `.npy` appender killed with SIGKILL at random moments: after every kill numpy loads the
//! file (with and without `mmap_mode`) and sees every record flushed before the kill, in
//! order, intact; the next appender continues the same file after its last claimed record.
//!
//! The appender is this test binary run again with `TM_APPENDER_CHILD` set, filtered to the
//! single test `appender_child` (the pattern of `tests/log_cross_process.rs`). Unix only:
//! it kills children with SIGKILL.
#![cfg(unix)]

mod common;
#[path = "log_support/mod.rs"]
mod log_support;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use log_support::{check, record, Rec, XorShift};
use typed_memmap::npy::Appender;

const CHILD_ENV: &str = "TM_APPENDER_CHILD";
const APPENDS: u64 = 1000;

/// Opens (or creates) the `.npy` of rows `[seq, payload, checksum]` at `path` and makes
/// `APPENDS` appends of random batch sizes, continuing its sequence, with random flushes and
/// pauses. Reports on `out`: `START <first seq>`, `FLUSHED <rows>` after every flush returned,
/// `DONE <rows>` after `finish`.
fn run_appender(path: &Path, seed: u64, out: &mut dyn Write) {
    // SAFETY: the test gives this file to one appender at a time, and nobody else writes it.
    let mut a = unsafe {
        if path.exists() {
            Appender::<u64>::open(path)
        } else {
            Appender::<u64>::create_rows(path, &[3])
        }
    }
    .unwrap();
    let mut seq = a.len() as u64;
    writeln!(out, "START {seq}").unwrap();
    out.flush().unwrap();
    let mut rng = XorShift::new(seed);
    let mut batch: Vec<Rec> = Vec::new();
    for _ in 0..APPENDS {
        // Now and then a big batch, so that kills land inside a growth of the file.
        let n = 1 + if rng.below(32) == 0 {
            rng.below(4_000)
        } else {
            rng.below(100)
        };
        batch.clear();
        batch.extend((seq..seq + n).map(record));
        a.append(batch.as_flattened()).unwrap();
        seq += n;
        if rng.below(4) == 0 {
            a.flush().unwrap();
            writeln!(out, "FLUSHED {seq}").unwrap();
            out.flush().unwrap();
        }
        // Pauses spread a run over tens of milliseconds, for the killer to land in.
        if rng.below(8) == 0 {
            std::thread::sleep(Duration::from_micros(rng.below(500)));
        }
    }
    let shape = a.finish().unwrap();
    assert_eq!(shape, [seq as usize, 3]);
    writeln!(out, "DONE {seq}").unwrap();
    out.flush().unwrap();
}

/// In a child process (`TM_APPENDER_CHILD` set): the appender the crash test drives. Run
/// directly: two runs on one file continue each other's sequence and leave a trimmed file.
#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn appender_child() {
    if let Ok(path) = std::env::var(CHILD_ENV) {
        let seed = std::env::var("TM_APPENDER_SEED").unwrap().parse().unwrap();
        run_appender(Path::new(&path), seed, &mut std::io::stdout().lock());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.npy");
    let mut total = 0;
    for seed in [1, 2] {
        let mut out = Vec::new();
        run_appender(&path, seed, &mut out);
        let out = String::from_utf8(out).unwrap();
        assert!(out.starts_with(&format!("START {total}\n")), "{out}");
        let done = out.lines().last().unwrap();
        total = done.strip_prefix("DONE ").unwrap().parse().unwrap();
    }
    let rows = read_with_numpy(&[&path]).remove(0);
    assert_eq!(rows.len() as u64, total);
    for (i, r) in rows.iter().enumerate() {
        check(i as u64, r);
    }
    // `finish` trimmed the file to the shape: header plus rows, nothing after.
    let header = typed_memmap::npy::write_header(&u64::dtype(), &[0, 3], false)
        .unwrap()
        .len() as u64;
    assert_eq!(std::fs::metadata(&path).unwrap().len(), header + total * 24);
}

use typed_memmap::Element;

fn spawn_appender(path: &Path, seed: u64) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "appender_child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, path)
        .env("TM_APPENDER_SEED", seed.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

/// What a child reported before it died or finished.
#[derive(Default)]
struct Report {
    start: Option<u64>,
    flushed: u64,
    done: bool,
}

/// Reads the child's lines; after `kill_after` `FLUSHED` lines, waits `delay` and kills it
/// with SIGKILL (if it is still running), then reads what it printed before it died.
fn watch(child: &mut Child, kill_after: u64, delay: Duration) -> Report {
    let out = BufReader::new(child.stdout.take().unwrap());
    let mut report = Report::default();
    let mut flushes = 0;
    for line in out.lines() {
        let line = line.unwrap();
        // The first report follows libtest's `test appender_child ... ` on the same line.
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some((word, n)) = words
            .windows(2)
            .rev()
            .find_map(|w| Some((w[0], w[1].parse::<u64>().ok()?)))
        else {
            continue; // libtest's own lines
        };
        match word {
            "START" => report.start = Some(n),
            "FLUSHED" => {
                report.flushed = report.flushed.max(n);
                flushes += 1;
                if flushes == kill_after {
                    std::thread::sleep(delay);
                    let _ = child.kill(); // SIGKILL on Unix; fails only if it already exited
                }
            }
            "DONE" => report.done = true,
            _ => {}
        }
    }
    report
}

/// numpy loads each `.npy` with `np.load` and with `np.load(mmap_mode='r')`, checks that both
/// agree and are `(n, 3)` uint64, and hands the rows back (raw, through a file) so that this
/// side checks them with the same `check` the records were made by.
fn read_with_numpy(paths: &[&Path]) -> Vec<Vec<Rec>> {
    let dir = tempfile::tempdir().unwrap();
    let outs: Vec<_> = (0..paths.len())
        .map(|i| dir.path().join(format!("{i}.raw")))
        .collect();
    let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = Vec::new();
    for (p, o) in paths.iter().zip(&outs) {
        args.push(p);
        args.push(o);
    }
    let printed = common::numpy(
        "args = sys.argv[1:]\n\
         for src, dst in zip(args[0::2], args[1::2]):\n\
         \x20   a = np.load(src)\n\
         \x20   m = np.load(src, mmap_mode='r')\n\
         \x20   assert a.dtype == np.uint64 and a.ndim == 2 and a.shape[1] == 3, (a.dtype, a.shape)\n\
         \x20   assert m.shape == a.shape and bool((m == a).all())\n\
         \x20   a.tofile(dst)\n\
         \x20   print(a.shape[0])\n",
        &args,
    );
    let counts: Vec<usize> = printed.lines().map(|l| l.parse().unwrap()).collect();
    assert_eq!(counts.len(), paths.len());
    outs.iter()
        .zip(counts)
        .map(|(o, n)| {
            let bytes = std::fs::read(o).unwrap();
            assert_eq!(bytes.len(), n * 24);
            bytes
                .chunks_exact(24)
                .map(|c| {
                    let w = |i: usize| u64::from_ne_bytes(c[i * 8..i * 8 + 8].try_into().unwrap());
                    [w(0), w(1), w(2)]
                })
                .collect()
        })
        .collect()
}

/// 24 SIGKILLs at random moments of an appender that continues one file from run to run.
/// After each kill the file is copied (a snapshot of what the crash left); numpy loads every
/// snapshot at the end (one interpreter start instead of 24), and the test checks each holds
/// every record flushed before its kill, in order, intact. Each run starts where numpy saw
/// the previous one end.
#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn killed_appender_loses_no_flushed_record() {
    const KILLS: usize = 24;
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.npy");
    let mut rng = XorShift::new(0xA11E_4DE5);
    let mut snapshots = Vec::new(); // (snapshot, records flushed before the kill)
    let (mut runs, mut expected_start) = (0u64, 0u64);
    while snapshots.len() < KILLS {
        runs += 1;
        assert!(
            runs < 200,
            "only {} of {KILLS} runs were killed",
            snapshots.len()
        );
        let mut child = spawn_appender(&path, runs);
        let kill_after = 1 + rng.below(60);
        let delay = Duration::from_micros(rng.below(2000));
        let report = watch(&mut child, kill_after, delay);
        let status = child.wait().unwrap();
        // The run continues from what the last snapshot holds, which numpy checks below.
        assert!(report.start.is_some(), "run {runs} did not start: {status}");
        if let Some(&(_, _, len)) = snapshots.last() {
            expected_start = len;
        }
        assert!(
            report.start.unwrap() >= expected_start,
            "run {runs} started at {:?}, before the {expected_start} records already there",
            report.start
        );
        if report.done {
            assert!(status.success(), "run {runs} failed: {status}");
            continue; // it finished before the killer came; not a kill
        }
        assert_eq!(
            status.signal(),
            Some(9),
            "run {runs} died otherwise: {status}"
        );
        let snapshot = dir.path().join(format!("kill-{}.npy", snapshots.len()));
        std::fs::copy(&path, &snapshot).unwrap();
        // What the next run will start from: the header's shape (checked by numpy below).
        let len = typed_memmap::npy::read::<u64>(&snapshot).unwrap().shape()[0] as u64;
        snapshots.push((snapshot, report.flushed, len));
    }

    let killing = started.elapsed();
    let paths: Vec<&Path> = snapshots.iter().map(|(p, ..)| p.as_path()).collect();
    let loaded = read_with_numpy(&paths);
    let mut torn_growths = 0;
    for (kill, ((snapshot, flushed, len), rows)) in snapshots.iter().zip(&loaded).enumerate() {
        assert_eq!(
            rows.len() as u64,
            *len,
            "kill {kill}: numpy and we disagree"
        );
        assert!(
            rows.len() as u64 >= *flushed,
            "kill {kill}: numpy sees {} records, but {flushed} were flushed before the kill",
            rows.len()
        );
        for (i, r) in rows.iter().enumerate() {
            check(i as u64, r);
        }
        let header = 128u64;
        let file_len = std::fs::metadata(snapshot).unwrap().len();
        torn_growths += usize::from(file_len > header + len * 24);
    }
    eprintln!(
        "{KILLS} kills in {runs} runs, {:.1} s (then numpy and the checks {:.1} s); \
         {torn_growths} left capacity after the data; {} records in the end",
        killing.as_secs_f64(),
        (started.elapsed() - killing).as_secs_f64(),
        snapshots.last().unwrap().2
    );
}
