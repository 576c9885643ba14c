//! A writer in another process, a follower in this one: every record is seen exactly once, in
//! order, never torn; and a writer killed with SIGKILL at random moments loses no synced
//! record and resumes the sequence after `recover()`.
//!
//! The writer is this test binary run again with `TM_LOG_CHILD` set, filtered to the single
//! test `writer_child`.
#![cfg(unix)]

mod log_support;

use std::io::{BufRead, BufReader, Write};
use std::ops::ControlFlow;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use log_support::{check, record, Rec, XorShift, HEADER};
use typed_memmap::{Follow, FollowEnd, LogHeader, LogWriter, RecordLog};

const CHILD_ENV: &str = "TM_LOG_CHILD";

/// Appends `count` records (forever with `None`) to the log at `path`, continuing its
/// sequence, in random batch sizes with random flushes, syncs and pauses. Reports on `out`:
/// `RECOVERED <bytes cut>`, `START <first seq>`, `SYNCED <records durable>` after every sync,
/// `DONE <records>`.
fn run_writer(path: &Path, count: Option<u64>, seed: u64, out: &mut dyn Write) {
    // A small buffer makes most batches direct multi-page writes, which a kill can tear.
    let mut w = LogWriter::<Rec>::open(path, LogHeader::exact(*HEADER))
        .unwrap()
        .with_capacity(4096);
    let cut = w.recover().unwrap();
    writeln!(out, "RECOVERED {cut}").unwrap();
    let mut seq = w.len() as u64;
    writeln!(out, "START {seq}").unwrap();
    out.flush().unwrap();
    let end = count.map(|c| seq + c);
    let mut rng = XorShift::new(seed);
    let mut batch = Vec::new();
    while end.is_none_or(|e| seq < e) {
        // When it will be killed, now and then a batch of hundreds of KiB: a `write` long
        // enough for a kill to land inside it.
        let most = if end.is_none() && rng.below(8) == 0 {
            20_000
        } else {
            500
        };
        let mut n = 1 + rng.below(most);
        if let Some(e) = end {
            n = n.min(e - seq);
        }
        batch.clear();
        batch.extend((seq..seq + n).map(record));
        w.append_all(&batch).unwrap();
        seq += n;
        match rng.below(16) {
            0 => {
                w.sync().unwrap();
                writeln!(out, "SYNCED {seq}").unwrap();
                out.flush().unwrap();
            }
            1..=8 => w.flush().unwrap(),
            _ => {}
        }
        // Pauses let a follower look between writes, as with a real producer.
        if rng.below(4) == 0 {
            std::thread::sleep(Duration::from_micros(rng.below(400)));
        }
    }
    w.sync().unwrap();
    writeln!(out, "SYNCED {seq}\nDONE {seq}").unwrap();
    out.flush().unwrap();
}

/// In a child process (`TM_LOG_CHILD` set): the writer the other tests drive. Run directly:
/// two writer runs on one log continue each other's sequence and leave an intact log.
#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn writer_child() {
    if let Ok(mode) = std::env::var(CHILD_ENV) {
        let path = std::env::var("TM_LOG_PATH").unwrap();
        let seed = std::env::var("TM_LOG_SEED").unwrap().parse().unwrap();
        let count = match mode.as_str() {
            "forever" => None,
            n => Some(n.parse().unwrap()),
        };
        run_writer(Path::new(&path), count, seed, &mut std::io::stdout().lock());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.log");
    drop(LogWriter::<Rec>::create(&path, Some(HEADER)).unwrap());
    for (run, seed) in [(0u64, 1u64), (1, 2)] {
        let mut out = Vec::new();
        run_writer(&path, Some(3000), seed, &mut out);
        let out = String::from_utf8(out).unwrap();
        let start = 3000 * run;
        assert!(
            out.starts_with(&format!("RECOVERED 0\nSTART {start}\n")),
            "{out}"
        );
        assert!(out.ends_with(&format!("DONE {}\n", start + 3000)), "{out}");
    }
    // SAFETY: the writers above are done; nobody else has the file.
    let log = unsafe { RecordLog::<Rec>::open(&path, LogHeader::exact(*HEADER)).unwrap() };
    assert_eq!(log.len(), 6000);
    assert_eq!(log.torn_tail_bytes(), 0);
    for (i, r) in log.iter().enumerate() {
        check(i as u64, r);
    }
}

/// Starts the writer child on `path`.
fn spawn_writer(path: &Path, mode: &str, seed: u64, stdout: Stdio) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["writer_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, mode)
        .env("TM_LOG_PATH", path)
        .env("TM_LOG_SEED", seed.to_string())
        .stdout(stdout)
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

fn new_log(path: &Path) {
    drop(LogWriter::<Rec>::create(path, Some(HEADER)).unwrap());
}

/// Opens the log for following.
fn follow_log(path: &Path) -> RecordLog<Rec> {
    // SAFETY: the only other user of the file is the writer child, a `LogWriter`, which only
    // appends whole records; `recover` only cuts bytes after the last whole record.
    unsafe { RecordLog::<Rec>::open(path, LogHeader::exact(*HEADER)).unwrap() }
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn follower_sees_every_record_once_in_order_while_another_process_appends() {
    const COUNT: u64 = 100_000;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ticks.log");
    new_log(&path);
    let mut log = follow_log(&path);
    let mut child = spawn_writer(&path, &COUNT.to_string(), 0xF011_0E12, Stdio::null());

    let deadline = Instant::now() + Duration::from_secs(60);
    let (mut seen, mut growths, mut torn_looks, mut exited) = (0u64, 0u64, 0u64, false);
    while seen < COUNT {
        let new = log.refresh().unwrap() as u64;
        let torn = log.torn_tail_bytes();
        assert!(
            torn < 24,
            "torn tail of {torn} bytes is a whole record or more"
        );
        torn_looks += u64::from(torn > 0);
        assert_eq!(
            log.len() as u64,
            seen + new,
            "refresh miscounted the new records"
        );
        for (i, r) in log[seen as usize..].iter().enumerate() {
            check(seen + i as u64, r);
        }
        if new > 0 {
            seen += new;
            growths += 1;
            continue;
        }
        if exited {
            panic!("the writer exited but only {seen} of {COUNT} records arrived");
        }
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "the writer child failed: {status}");
            exited = true; // one more look for what it wrote last
        }
        assert!(
            Instant::now() < deadline,
            "only {seen} of {COUNT} records after 60 s"
        );
        std::thread::sleep(Duration::from_micros(100));
    }
    assert!(child.wait().unwrap().success());
    assert_eq!(log.refresh().unwrap(), 0, "more records than were written");
    assert_eq!(log.torn_tail_bytes(), 0);
    // The follower really followed: it saw the log grow in many steps, not once at the end.
    assert!(growths > 10, "the log grew in only {growths} steps");
    eprintln!(
        "followed {COUNT} records in {growths} growth steps; {} remaps; {torn_looks} looks \
         saw a torn tail",
        log.remaps()
    );
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn follow_api_delivers_records_from_another_process_until_told_to_stop() {
    const COUNT: usize = 5_000;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.log");
    new_log(&path);
    let mut log = follow_log(&path);
    let mut child = spawn_writer(&path, &COUNT.to_string(), 7, Stdio::null());
    let mut seen = 0usize;
    let how = Follow::new()
        .poll_interval(Duration::from_millis(1))
        .idle_timeout(Duration::from_secs(30));
    let end = log
        .follow(0, &how, |first, records| {
            assert_eq!(first, seen);
            for (i, r) in records.iter().enumerate() {
                check((first + i) as u64, r);
            }
            seen += records.len();
            if seen >= COUNT {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(end.end, FollowEnd::Stopped);
    assert_eq!((seen, end.next), (COUNT, COUNT));
}

/// What a killed writer child reported.
struct Run {
    start: Option<u64>,
    synced: u64,
}

/// Reads the child's report lines; after `kill_after` `SYNCED` lines (if given), waits a
/// random moment and kills the child with SIGKILL, then reads what it printed before dying.
fn watch(child: &mut Child, kill_after: Option<u64>, rng: &mut XorShift) -> Run {
    let out = BufReader::new(child.stdout.take().unwrap());
    let mut run = Run {
        start: None,
        synced: 0,
    };
    let mut syncs = 0;
    let mut killed = false;
    for line in out.lines() {
        let line = line.unwrap();
        let mut words = line.split_whitespace();
        let (Some(word), Some(n)) = (words.next(), words.next().and_then(|n| n.parse().ok()))
        else {
            continue; // libtest's own lines
        };
        match word {
            "START" => run.start = Some(n),
            "SYNCED" => {
                run.synced = run.synced.max(n);
                syncs += 1;
                if !killed && kill_after == Some(syncs) {
                    // Somewhere in the next batches: mid-batch, sometimes mid-write.
                    std::thread::sleep(Duration::from_micros(rng.below(3000)));
                    child.kill().unwrap(); // SIGKILL on Unix
                    killed = true;
                }
            }
            _ => {}
        }
    }
    run
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn killed_writer_loses_no_synced_record_and_resumes_after_recover() {
    const KILLS: u64 = 24;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.log");
    new_log(&path);
    let mut rng = XorShift::new(0xDEAD_BEEF);
    let (mut expected_start, mut cut_total, mut torn_kills) = (0u64, 0u64, 0u64);

    for kill in 0..KILLS {
        let mut child = spawn_writer(&path, "forever", 100 + kill, Stdio::piped());
        let run = watch(&mut child, Some(1 + rng.below(4)), &mut rng);
        let status = child.wait().unwrap();
        assert_eq!(
            status.signal(),
            Some(9),
            "run {kill}: the writer was not killed: {status}"
        );
        assert_eq!(
            run.start,
            Some(expected_start),
            "run {kill} did not resume the sequence"
        );

        let mut w = LogWriter::<Rec>::open(&path, LogHeader::exact(*HEADER)).unwrap();
        let torn = w.torn_tail_bytes();
        let cut = w.recover().unwrap();
        assert_eq!(cut, torn);
        assert!(cut < 24);
        cut_total += cut;
        torn_kills += u64::from(cut > 0);
        drop(w);

        let file_len = std::fs::metadata(&path).unwrap().len();
        assert_eq!(
            (file_len - 8) % 24,
            0,
            "run {kill}: recover left a partial record"
        );
        let log = follow_log(&path);
        assert_eq!(log.torn_tail_bytes(), 0);
        assert!(
            log.len() as u64 >= run.synced,
            "run {kill}: {} records survived but {} were synced",
            log.len(),
            run.synced
        );
        for (i, r) in log.iter().enumerate() {
            check(i as u64, r);
        }
        expected_start = log.len() as u64;
    }

    // A last writer runs to its end and continues the sequence.
    let mut child = spawn_writer(&path, "1000", 1, Stdio::piped());
    let run = watch(&mut child, None, &mut rng);
    assert!(child.wait().unwrap().success());
    assert_eq!(run.start, Some(expected_start));
    assert_eq!(run.synced, expected_start + 1000);
    let log = follow_log(&path);
    assert_eq!(log.len() as u64, expected_start + 1000);
    for (i, r) in log.iter().enumerate() {
        check(i as u64, r);
    }
    eprintln!(
        "{KILLS} kills: {torn_kills} left a torn tail ({cut_total} bytes cut in all); \
         {expected_start} records survived"
    );
}
