//! A follower notices when the file it follows is replaced: rewritten in place by
//! `LogWriter::create_truncate` (same file, new records past the old size before the next
//! look), or renamed away with a new file created at its path.

mod log_support;

use std::path::Path;

use log_support::{check, record, Rec, HEADER};
use typed_memmap::{Error, LogHeader, LogWriter, RecordLog};

fn open(path: &Path) -> RecordLog<Rec> {
    // SAFETY: each test's file is private to it. The tests replace files on purpose to see
    // the error; no slice of a log is alive while they do.
    unsafe { RecordLog::<Rec>::open(path, LogHeader::exact(*HEADER)).unwrap() }
}

fn write(path: &Path, truncate: bool, seqs: std::ops::Range<u64>) {
    let mut w = if truncate {
        LogWriter::<Rec>::create_truncate(path, Some(HEADER)).unwrap()
    } else {
        LogWriter::<Rec>::create(path, Some(HEADER)).unwrap()
    };
    w.append_all(&seqs.map(record).collect::<Vec<_>>()).unwrap();
    w.flush().unwrap();
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn create_truncate_then_more_records_than_before_is_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("replaced.log");
    write(&path, false, 0..100);
    let mut log = open(&path);
    assert_eq!(log.len(), 100);

    // Another writer replaces the file and writes past the old size before the follower
    // looks again: the size alone says "50 new records".
    write(&path, true, 1000..1150);
    let err = log.refresh().unwrap_err();
    match &err {
        Error::Replaced {
            path: p,
            record,
            file_len,
        } => {
            assert_eq!(p, &path);
            assert_eq!(*record, Some(0), "the first record shown changed");
            assert_eq!(*file_len, 8 + 150 * 24);
        }
        other => panic!("expected Error::Replaced, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("record 0") && msg.contains("open it again"),
        "{msg}"
    );
    // Like a shrink, the old view is gone and the error stays.
    assert!(log.is_empty() && log.as_memmap().is_none());
    assert!(matches!(log.refresh(), Err(Error::Replaced { .. })));

    // Opened again, the log shows the new records.
    let log = open(&path);
    assert_eq!(log.len(), 150);
    check(1000, &log[0]);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn a_changed_last_record_is_noticed_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("last.log");
    write(&path, false, 0..100);
    let mut log = open(&path);
    // The replacement starts with the same record 0, then differs.
    let mut w = LogWriter::<Rec>::create_truncate(&path, Some(HEADER)).unwrap();
    w.append(&record(0)).unwrap();
    w.append_all(&(5000..5200).map(record).collect::<Vec<_>>())
        .unwrap();
    w.flush().unwrap();
    match log.refresh() {
        Err(Error::Replaced { record, .. }) => assert_eq!(record, Some(99)),
        other => panic!("expected Error::Replaced, got {other:?}"),
    }
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn a_path_renamed_away_and_created_again_is_noticed_by_check_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rotated.log");
    let old = dir.path().join("rotated.log.1");
    write(&path, false, 0..100);
    let mut log = open(&path);
    log.check_path().unwrap();

    // Rotation: rename, then a new log at the old path.
    std::fs::rename(&path, &old).unwrap();
    write(&path, false, 0..150);
    // The followed file itself did not change: refresh has nothing to say...
    assert_eq!(log.refresh().unwrap(), 0);
    assert_eq!(log.len(), 100);
    // ...but the path now names another file.
    match log.check_path() {
        Err(Error::Replaced {
            path: p,
            record,
            file_len,
        }) => {
            assert_eq!(p, path);
            assert_eq!(record, None);
            assert_eq!(file_len, 8 + 150 * 24);
        }
        other => panic!("expected Error::Replaced, got {other:?}"),
    }
    // The old file is still a good log to finish reading: its writer may still append.
    let mut w = LogWriter::<Rec>::open(&old, LogHeader::exact(*HEADER)).unwrap();
    w.append(&record(100)).unwrap();
    w.flush().unwrap();
    assert_eq!(log.refresh().unwrap(), 1);
    for (i, r) in log.iter().enumerate() {
        check(i as u64, r);
    }
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn appends_by_the_same_writer_refresh_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.log");
    let mut w = LogWriter::<Rec>::create(&path, Some(HEADER)).unwrap();
    w.append_all(&(0..100).map(record).collect::<Vec<_>>())
        .unwrap();
    w.flush().unwrap();
    let mut log = open(&path);
    for round in 0..20u64 {
        let from = 100 + round * 50;
        w.append_all(&(from..from + 50).map(record).collect::<Vec<_>>())
            .unwrap();
        w.flush().unwrap();
        assert_eq!(log.refresh().unwrap(), 50, "round {round}");
        assert_eq!(log.refresh().unwrap(), 0, "round {round}");
        log.check_path().unwrap();
    }
    assert_eq!(log.len(), 1100);
    for (i, r) in log.iter().enumerate() {
        check(i as u64, r);
    }
}
