//! Following a log across rotation: a writer child process appends numbered records and
//! rotates the log three times (rename, then a new file at the path); the follower sees every
//! record once, in order, across the four files. Then the follower's steps one at a time:
//! records appended just before the rename, a path with no file for a while, a new file
//! whose header is not complete yet, a torn tail left in the old file.
//!
//! The writer is this test binary run again with `TM_ROT_CHILD` set, filtered to the single
//! test `rotating_writer_child`. Unix-only: the follower tells files apart by device and
//! inode.
#![cfg(unix)]

mod log_support;

use std::io::{BufRead, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use log_support::{check, record, Rec, XorShift, HEADER};
use typed_memmap::{Error, FilePos, Follow, FollowEnd, LogHeader, LogWriter, RecordLog, Refreshed};

/// The name of the `n`th rotated file: `ticks.log.1`, `ticks.log.2`, ...
fn rotated(path: &Path, n: usize) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".{n}"));
    PathBuf::from(name)
}

/// Writes `counts[k]` records into the `k`th file of the log at `path` (which exists, with
/// its header), in random batches with random flushes and pauses, rotating after every file
/// but the last. Before it rotates file `k >= 1` away it waits for the line `SEEN k` on
/// `seen`: a file the follower never looked at could not be followed (see the protocol in
/// `typed_memmap::log::rotation`). Then it appends a last batch, which the follower has not
/// seen yet, and rotates.
fn run_writer(path: &Path, counts: &[u64], seed: u64, seen: &mut dyn BufRead) {
    let mut w = LogWriter::<Rec>::open(path, LogHeader::exact(*HEADER))
        .unwrap()
        .with_capacity(4096);
    let mut rng = XorShift::new(seed);
    let mut seq = 0u64;
    let mut batch = Vec::new();
    for (k, &count) in counts.iter().enumerate() {
        let end = seq + count;
        let mut append = |w: &mut LogWriter<Rec>, seq: &mut u64, n: u64| {
            batch.clear();
            batch.extend((*seq..*seq + n).map(record));
            w.append_all(&batch).unwrap();
            *seq += n;
        };
        // All but a last batch of up to 300 records, which goes in right before the rename;
        // a file the follower must acknowledge gets at least one record before that, or the
        // follower would have nothing to acknowledge it by.
        let waits = k >= 1 && k + 1 < counts.len();
        assert!(count > u64::from(waits), "too few records for file {k}");
        let last = 1 + rng.below(300.min(count - u64::from(waits)));
        while seq < end - last {
            let n = (1 + rng.below(400)).min(end - last - seq);
            append(&mut w, &mut seq, n);
            if rng.below(3) == 0 {
                w.flush().unwrap();
            }
            // Pauses let the follower look between writes, as with a real producer.
            if rng.below(2) == 0 {
                std::thread::sleep(Duration::from_micros(rng.below(500)));
            }
        }
        if k + 1 == counts.len() {
            append(&mut w, &mut seq, last);
            break;
        }
        if k >= 1 {
            w.flush().unwrap();
            let want = format!("SEEN {k}");
            let mut line = String::new();
            loop {
                line.clear();
                assert!(seen.read_line(&mut line).unwrap() > 0, "no {want} came");
                if line.trim() == want {
                    break;
                }
            }
        }
        append(&mut w, &mut seq, last);
        w.rotate(rotated(path, k + 1)).unwrap();
    }
    w.sync().unwrap();
}

/// In a child process (`TM_ROT_CHILD` set): the rotating writer, told the counts and the
/// seed, reading `SEEN k` lines on stdin. Run directly: the writer alone, with the
/// acknowledgements given up front, leaves four files that hold the sequence in order.
#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn rotating_writer_child() {
    if std::env::var("TM_ROT_CHILD").is_ok() {
        let path = PathBuf::from(std::env::var("TM_ROT_PATH").unwrap());
        let seed = std::env::var("TM_ROT_SEED").unwrap().parse().unwrap();
        let counts: Vec<u64> = std::env::var("TM_ROT_COUNTS")
            .unwrap()
            .split(',')
            .map(|c| c.parse().unwrap())
            .collect();
        run_writer(&path, &counts, seed, &mut std::io::stdin().lock());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.log");
    drop(LogWriter::<Rec>::create(&path, Some(HEADER)).unwrap());
    let counts = [300, 2, 500, 40];
    run_writer(&path, &counts, 7, &mut &b"SEEN 1\nSEEN 2\n"[..]);
    let files = [
        rotated(&path, 1),
        rotated(&path, 2),
        rotated(&path, 3),
        path,
    ];
    let mut seq = 0;
    for (file, &count) in files.iter().zip(&counts) {
        // SAFETY: the writer is done; nobody else has the files.
        let log = unsafe { RecordLog::<Rec>::open(file, LogHeader::exact(*HEADER)) }.unwrap();
        assert_eq!(log.len() as u64, count, "{}", file.display());
        for r in log.iter() {
            check(seq, r);
            seq += 1;
        }
    }
}

/// Follows the log at `path` while a child writes `counts` into four files; returns how many
/// records came from each file.
fn follow_a_rotating_child(path: &Path, counts: &[u64], seed: u64) -> Vec<u64> {
    drop(LogWriter::<Rec>::create(path, Some(HEADER)).unwrap());
    // SAFETY: the only writer is the child, a `LogWriter`, which only appends whole records
    // to each file and rotates by renaming and creating a new file.
    let mut log = unsafe { RecordLog::<Rec>::open(path, LogHeader::exact(*HEADER)) }.unwrap();
    let counts_text: Vec<String> = counts.iter().map(u64::to_string).collect();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "rotating_writer_child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("TM_ROT_CHILD", "1")
        .env("TM_ROT_PATH", path)
        .env("TM_ROT_SEED", seed.to_string())
        .env("TM_ROT_COUNTS", counts_text.join(","))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut acks = child.stdin.take().unwrap();
    let total: u64 = counts.iter().sum();
    let (mut next_seq, mut per_file, mut file) = (0u64, vec![0u64; counts.len()], 0u64);
    let mut batches = 0u64;
    let how = Follow::new()
        .poll_interval(Duration::from_micros(200))
        .idle_timeout(Duration::from_secs(15));
    let on_records = |at: FilePos, records: &[Rec]| {
        if at.file != file {
            assert_eq!(at.file, file + 1, "a file was skipped");
            assert_eq!(at.first, 0, "a new file did not start at its first record");
            file = at.file;
            writeln!(acks, "SEEN {file}").unwrap();
            acks.flush().unwrap();
        }
        for r in records {
            check(next_seq, r);
            next_seq += 1;
        }
        per_file[at.file as usize] += records.len() as u64;
        batches += 1;
        if next_seq == total {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    // SAFETY: as above, for every file at the path.
    let end = unsafe { log.follow_rotating(0, &how, on_records) }.unwrap();
    drop(acks); // a child still waiting for one fails instead of waiting forever
    assert!(child.wait().unwrap().success(), "the writer child failed");
    assert_eq!(
        (next_seq, end.end),
        (total, FollowEnd::Stopped),
        "the follower saw {next_seq} of {total} records"
    );
    // Nothing more arrives: no record was held back or shown twice.
    assert_eq!(log.refresh().unwrap(), 0);
    assert_eq!(end.next, log.len());
    // The follower followed: batches arrived while the writer wrote, not once per file.
    assert!(batches > counts.len() as u64, "only {batches} batches");
    eprintln!("seed {seed}: {total} records in {batches} batches over 4 files");
    per_file
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn follower_sees_every_record_once_across_three_rotations_by_another_process() {
    for (seed, counts) in [
        (1u64, [6000u64, 4000, 8000, 3000]),
        (2, [1, 2500, 2, 5000]),
        (3, [20_000, 300, 9000, 100]),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ticks.log");
        let per_file = follow_a_rotating_child(&path, &counts, seed);
        assert_eq!(per_file, counts, "records per file (seed {seed})");
        // The files on disk hold what the follower saw from each, in order.
        let files = [
            rotated(&path, 1),
            rotated(&path, 2),
            rotated(&path, 3),
            path,
        ];
        let mut seq = 0;
        for (file, &count) in files.iter().zip(&counts) {
            // SAFETY: the writer is done; nobody else has the files.
            let log = unsafe { RecordLog::<Rec>::open(file, LogHeader::exact(*HEADER)) }.unwrap();
            assert_eq!(log.len() as u64, count);
            for r in log.iter() {
                check(seq, r);
                seq += 1;
            }
        }
    }
}

/// Opens a follower of `path`.
fn follower(path: &Path) -> RecordLog<Rec> {
    // SAFETY: the writers of these tests only append whole records, and rotate by renaming.
    unsafe { RecordLog::<Rec>::open(path, LogHeader::exact(*HEADER)) }.unwrap()
}

/// One step of the follower. The writers of these tests keep the contract for every file at
/// the path.
fn step(log: &mut RecordLog<Rec>) -> Refreshed {
    // SAFETY: see above.
    unsafe { log.refresh_rotating() }.unwrap()
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn records_appended_just_before_the_rename_come_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.log");
    let mut w = LogWriter::<Rec>::create(&path, Some(HEADER)).unwrap();
    let mut log = follower(&path);
    w.append_all(&[record(0), record(1)]).unwrap();
    w.flush().unwrap();
    assert_eq!(step(&mut log), Refreshed::Grew(2));
    assert_eq!(step(&mut log), Refreshed::Grew(0), "no rotation yet");
    // Appended after the follower's last look, then rotated: still read from the old file.
    w.append_all(&[record(2), record(3), record(4)]).unwrap();
    w.rotate(rotated(&path, 1)).unwrap();
    w.append(&record(5)).unwrap();
    w.flush().unwrap();
    assert_eq!(step(&mut log), Refreshed::Grew(3));
    assert_eq!(log.len(), 5);
    for (i, r) in log.iter().enumerate() {
        check(i as u64, r);
    }
    assert_eq!(step(&mut log), Refreshed::Rotated { torn_tail_bytes: 0 });
    assert_eq!(log.len(), 1);
    check(5, &log[0]);
    assert_eq!(step(&mut log), Refreshed::Grew(0));
    // Without rotation, a plain refresh: nothing switches.
    w.append(&record(6)).unwrap();
    w.flush().unwrap();
    assert_eq!(step(&mut log), Refreshed::Grew(1));
    check(6, &log[1]);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn the_follower_waits_for_a_new_file_and_a_whole_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.log");
    let mut w = LogWriter::<Rec>::create(&path, Some(HEADER)).unwrap();
    w.append_all(&[record(0), record(1)]).unwrap();
    w.flush().unwrap();
    let mut log = follower(&path);
    // Renamed by hand, with a moment before the new file exists, and the old file gets a
    // last record after the follower's look (the writer finishes before renaming).
    assert_eq!(step(&mut log), Refreshed::Grew(0));
    w.append(&record(2)).unwrap();
    w.flush().unwrap();
    drop(w);
    std::fs::rename(&path, rotated(&path, 1)).unwrap();
    assert_eq!(
        step(&mut log),
        Refreshed::Grew(1),
        "the last record of the old file"
    );
    assert_eq!(
        step(&mut log),
        Refreshed::Grew(0),
        "no file at the path: wait"
    );
    assert_eq!(step(&mut log), Refreshed::Grew(0));
    assert_eq!(log.len(), 3, "the old records are still shown");
    // The new file's header arrives in two writes.
    std::fs::write(&path, &HEADER[..3]).unwrap();
    assert_eq!(step(&mut log), Refreshed::Grew(0), "half a header: wait");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    f.write_all(&HEADER[3..]).unwrap();
    assert_eq!(step(&mut log), Refreshed::Rotated { torn_tail_bytes: 0 });
    assert!(log.is_empty());
    f.write_all(typed_memmap::bytes_of(&[record(3)])).unwrap();
    assert_eq!(step(&mut log), Refreshed::Grew(1));
    check(3, &log[0]);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn a_torn_tail_left_in_the_old_file_is_counted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.log");
    let mut w = LogWriter::<Rec>::create(&path, Some(HEADER)).unwrap();
    w.append(&record(0)).unwrap();
    w.flush().unwrap();
    drop(w);
    let mut log = follower(&path);
    // A writer that died inside a `write`, then a rotation by whoever recovers.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    f.write_all(&[0xAB; 10]).unwrap();
    std::fs::rename(&path, rotated(&path, 1)).unwrap();
    drop(LogWriter::<Rec>::create(&path, Some(HEADER)).unwrap());
    // The look that finds the rename also finds the torn tail, then switches.
    assert_eq!(
        step(&mut log),
        Refreshed::Rotated {
            torn_tail_bytes: 10
        }
    );
    assert_eq!((log.len(), log.torn_tail_bytes()), (0, 0));
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn rotate_refuses_to_replace_an_older_rotated_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.log");
    let mut w = LogWriter::<Rec>::create(&path, Some(HEADER)).unwrap();
    w.append(&record(0)).unwrap();
    w.rotate(rotated(&path, 1)).unwrap();
    w.append(&record(1)).unwrap();
    let err = w.rotate(rotated(&path, 1)).unwrap_err();
    match &err {
        Error::Io {
            path: p, source, ..
        } => {
            assert_eq!(p, &rotated(&path, 1));
            assert_eq!(source.kind(), std::io::ErrorKind::AlreadyExists);
        }
        other => panic!("{other:?}"),
    }
    // Nothing moved: the writer goes on with the file at the path; the old log is intact.
    w.append(&record(2)).unwrap();
    w.flush().unwrap();
    let now = follower(&path);
    assert_eq!(now.len(), 2);
    check(1, &now[0]);
    let old = follower(&rotated(&path, 1));
    assert_eq!(old.len(), 1);
    check(0, &old[0]);
    // The new file has the old one's header, and the writer its buffer size.
    assert_eq!(&std::fs::read(&path).unwrap()[..8], HEADER);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn follow_rotating_reads_the_files_in_order_and_stops_where_told() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e.log");
    let mut w = LogWriter::<Rec>::create(&path, Some(HEADER)).unwrap();
    let mut log = follower(&path);
    // `file_of[seq]`: the file the writer put record `seq` in.
    let mut file_of = Vec::new();
    fn write(w: &mut LogWriter<Rec>, file_of: &mut Vec<u64>, n: u64, file: u64) {
        let first = file_of.len() as u64;
        w.append_all(&(first..first + n).map(record).collect::<Vec<_>>())
            .unwrap();
        w.flush().unwrap();
        file_of.extend((0..n).map(|_| file));
    }
    write(&mut w, &mut file_of, 10, 0);
    let how = Follow::new()
        .poll_interval(Duration::from_millis(1))
        .idle_timeout(Duration::from_millis(50));
    let mut seen = Vec::new();
    let mut rotations = 0;
    // SAFETY: `w` keeps the contract for every file at the path.
    let end = unsafe {
        log.follow_rotating(0, &how, |at, records| {
            seen.extend(records.iter().map(|r| (at.file, r[0])));
            // Once the follower has everything written so far: a few more records in the old
            // file, which it has not looked at yet, then a rotation and records in the new.
            if seen.len() == file_of.len() && rotations < 3 {
                write(&mut w, &mut file_of, 3, rotations);
                rotations += 1;
                w.rotate(rotated(&path, rotations as usize)).unwrap();
                write(&mut w, &mut file_of, 4 + rotations, rotations);
            }
            ControlFlow::Continue(())
        })
    }
    .unwrap();
    let expected: Vec<(u64, u64)> = file_of.iter().copied().zip(0..).collect();
    assert_eq!(seen, expected);
    assert_eq!(seen.len(), 10 + 3 * 3 + 5 + 6 + 7);
    assert_eq!((end.next, end.end), (7, FollowEnd::Idle));

    // Stopping in the middle: `next` says where to go on, in the file shown now.
    w.append_all(&(35..40).map(record).collect::<Vec<_>>())
        .unwrap();
    w.flush().unwrap();
    // SAFETY: as above.
    let end = unsafe {
        log.follow_rotating(end.next, &how, |at, records| {
            assert_eq!((at.file, at.first, records.len()), (0, 7, 5));
            ControlFlow::Break(())
        })
    }
    .unwrap();
    assert_eq!((end.next, end.end), (12, FollowEnd::Stopped));
}

/// The documented limit: a file that was at the path only between two looks is not seen.
#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn a_file_the_follower_never_looked_at_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.log");
    let mut w = LogWriter::<Rec>::create(&path, Some(HEADER)).unwrap();
    let mut log = follower(&path);
    w.append(&record(0)).unwrap();
    w.rotate(rotated(&path, 1)).unwrap();
    w.append(&record(1)).unwrap(); // `.2`: created and rotated away before any look
    w.rotate(rotated(&path, 2)).unwrap();
    w.append(&record(2)).unwrap();
    w.flush().unwrap();
    assert_eq!(step(&mut log), Refreshed::Grew(1));
    assert_eq!(step(&mut log), Refreshed::Rotated { torn_tail_bytes: 0 });
    check(2, &log[0]);
}
