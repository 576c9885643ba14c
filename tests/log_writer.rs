//! `LogWriter` on its own: creating without clobbering, header checks on reopen, buffering,
//! torn tails and `recover`, and one million records through `append_all`.

mod log_support;

use std::path::Path;

use log_support::{check, record, Rec, HEADER};
use typed_memmap::{bytes_of, Error, LogHeader, LogWriter, RecordLog};

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).unwrap().len()
}

fn records_in(path: &Path) -> RecordLog<Rec> {
    // SAFETY: each test's file is private to it, and no writer is active while the returned
    // log is read.
    unsafe { RecordLog::<Rec>::open(path, LogHeader::exact(*HEADER)).unwrap() }
}

#[test]
fn create_refuses_to_clobber_a_non_empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keep.log");
    std::fs::write(&path, b"precious").unwrap();
    let err = LogWriter::<Rec>::create(&path, Some(HEADER)).unwrap_err();
    assert!(
        matches!(&err, Error::FileNotEmpty { path: p, file_len: 8 } if p == &path),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("8-byte file") && msg.contains("create_truncate"),
        "{msg}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"precious");

    // Asked explicitly, it replaces the file.
    let mut w = LogWriter::<Rec>::create_truncate(&path, Some(HEADER)).unwrap();
    w.append(&record(0)).unwrap();
    drop(w);
    assert_eq!(file_len(&path), 8 + 24);

    // An existing empty file (a writer died before the header) is simply used.
    let empty = dir.path().join("empty.log");
    std::fs::write(&empty, b"").unwrap();
    drop(LogWriter::<Rec>::create(&empty, Some(HEADER)).unwrap());
    assert_eq!(std::fs::read(&empty).unwrap(), HEADER);
}

#[test]
fn reopen_checks_the_header_and_names_both_values() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.log");
    drop(LogWriter::<Rec>::create(&path, Some(b"TMLOGv2\0")).unwrap());
    let err = LogWriter::<Rec>::open(&path, LogHeader::exact(*HEADER)).unwrap_err();
    match &err {
        Error::HeaderMismatch {
            expected, found, ..
        } => assert_eq!(
            (expected.as_str(), found.as_str()),
            (r#"b"TMLOGv1\x00""#, r#"b"TMLOGv2\x00""#)
        ),
        other => panic!("expected a header mismatch, got {other:?}"),
    }
    // Shorter than the header: a header error, not a mismatch of garbage.
    let short = dir.path().join("short.log");
    std::fs::write(&short, b"TM").unwrap();
    let err = LogWriter::<Rec>::open(&short, LogHeader::exact(*HEADER)).unwrap_err();
    assert!(matches!(err, Error::Header { at: 2, .. }), "{err:?}");
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn records_are_buffered_until_flush_sync_or_drop() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("buf.log");
    let mut w = LogWriter::<Rec>::create(&path, Some(HEADER)).unwrap();
    assert!(w.is_empty());
    w.append(&record(0)).unwrap();
    w.append_all(&[record(1), record(2)]).unwrap();
    assert_eq!((w.len(), w.buffered()), (3, 3));
    assert_eq!(file_len(&path), 8, "appends are buffered");
    w.flush().unwrap();
    assert_eq!((w.len(), w.buffered()), (3, 0));
    assert_eq!(file_len(&path), 8 + 3 * 24);

    w.append(&record(3)).unwrap();
    w.sync().unwrap();
    assert_eq!(file_len(&path), 8 + 4 * 24);

    w.append(&record(4)).unwrap();
    drop(w);
    let log = records_in(&path);
    assert_eq!(log.len(), 5, "drop flushes the buffer");
    for (i, r) in log.iter().enumerate() {
        check(i as u64, r);
    }
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn a_slice_larger_than_the_buffer_goes_straight_to_the_file_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.log");
    let mut w = LogWriter::<Rec>::create(&path, Some(HEADER))
        .unwrap()
        .with_capacity(10 * 24);
    w.append_all(&[record(0), record(1)]).unwrap();
    let big: Vec<Rec> = (2..50).map(record).collect();
    w.append_all(&big).unwrap();
    assert_eq!(w.buffered(), 0);
    assert_eq!(file_len(&path), 8 + 50 * 24);
    // Small appends fill the buffer, and it is written when the next would overflow it.
    for i in 50..61 {
        w.append(&record(i)).unwrap();
    }
    assert_eq!(file_len(&path), 8 + 60 * 24);
    assert_eq!(w.buffered(), 1);
    drop(w);
    let log = records_in(&path);
    assert_eq!(log.len(), 61);
    for (i, r) in log.iter().enumerate() {
        check(i as u64, r);
    }
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn torn_tail_blocks_appends_until_recover_cuts_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crashed.log");
    let mut w = LogWriter::<Rec>::create(&path, Some(HEADER)).unwrap();
    w.append_all(&[record(0), record(1)]).unwrap();
    drop(w);
    // What a writer killed inside a `write` leaves: the first bytes of a record.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(&bytes_of(&[record(2)])[..13]);
    std::fs::write(&path, &bytes).unwrap();

    let mut w = LogWriter::<Rec>::open(&path, LogHeader::exact(*HEADER)).unwrap();
    assert_eq!(w.torn_tail_bytes(), 13);
    assert_eq!(w.len(), 2);
    let err = w.append(&record(2)).unwrap_err();
    match &err {
        Error::TornTail {
            file_len,
            header_len,
            itemsize,
            tail,
            ..
        } => assert_eq!((*file_len, *header_len, *itemsize, *tail), (69, 8, 24, 13)),
        other => panic!("expected a torn tail error, got {other:?}"),
    }
    assert!(err.to_string().contains("recover"), "{err}");
    assert_eq!(file_len(&path), 69, "nothing was written");

    assert_eq!(w.recover().unwrap(), 13);
    assert_eq!(file_len(&path), 8 + 2 * 24);
    assert_eq!(w.recover().unwrap(), 0, "a clean file has nothing to cut");
    w.append(&record(2)).unwrap();
    w.sync().unwrap();
    drop(w);
    let log = records_in(&path);
    assert_eq!((log.len(), log.torn_tail_bytes()), (3, 0));
    for (i, r) in log.iter().enumerate() {
        check(i as u64, r);
    }
}

#[test]
fn writer_refuses_a_header_that_misaligns_the_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odd.log");
    let err = LogWriter::<Rec>::create(&path, Some(b"ODD")).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Misaligned {
                offset: 3,
                align: 8,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!path.exists(), "a refused create leaves no file");
}

/// The benchmark issue times this against `BufWriter` + `write_all`; here it must work and
/// produce the same bytes.
#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn append_all_of_one_million_records_writes_them_all() {
    const N: u64 = 1_000_000;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("million.log");
    let records: Vec<Rec> = (0..N).map(record).collect();
    let mut w = LogWriter::<Rec>::create(&path, Some(HEADER)).unwrap();
    w.append_all(&records).unwrap();
    w.sync().unwrap();
    assert_eq!(w.len() as u64, N);
    drop(w);
    assert_eq!(file_len(&path), 8 + N * 24);
    let log = records_in(&path);
    assert_eq!(&log[..], &records[..]);
    check(N - 1, &log[(N - 1) as usize]);
}

#[test]
#[cfg(unix)] // Windows takes no lock (its locks are enforced against followers' reads)
fn a_second_writer_is_refused_while_the_first_lives() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one.log");
    let mut first = LogWriter::<Rec>::create(&path, Some(HEADER)).unwrap();
    first.append_all(&[record(0), record(1)]).unwrap();
    first.flush().unwrap();

    let locked = |err: Error| match err {
        Error::Locked { path: p } => {
            assert_eq!(p, path);
        }
        other => panic!("expected Error::Locked, got {other:?}"),
    };
    locked(LogWriter::<Rec>::open(&path, LogHeader::exact(*HEADER)).unwrap_err());
    // Nor may another writer empty it, or create over it.
    locked(LogWriter::<Rec>::create_truncate(&path, Some(HEADER)).unwrap_err());
    locked(LogWriter::<Rec>::create(&path, Some(HEADER)).unwrap_err());
    let msg = LogWriter::<Rec>::open(&path, LogHeader::exact(*HEADER))
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("one writer") && msg.contains("RecordLog"),
        "{msg}"
    );
    assert_eq!(file_len(&path), 8 + 2 * 24, "nothing was truncated");

    // The first writer goes on; its records are all there.
    first.append(&record(2)).unwrap();
    drop(first);
    let mut second = LogWriter::<Rec>::open(&path, LogHeader::exact(*HEADER)).unwrap();
    assert_eq!(second.len(), 3);
    second.append(&record(3)).unwrap();
    drop(second);
    let log = records_in(&path);
    assert_eq!(log.len(), 4);
    for (i, r) in log.iter().enumerate() {
        check(i as u64, r);
    }
}

#[test]
fn a_file_grown_under_the_writer_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grown.log");
    let mut w = LogWriter::<Rec>::create(&path, Some(HEADER)).unwrap();
    w.append_all(&[record(0), record(1)]).unwrap();
    w.flush().unwrap();
    // Another program (not a `LogWriter`, so no lock) appends a record.
    let foreign = record(77);
    {
        use std::io::Write;
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(bytes_of(&[foreign]))
            .unwrap();
    }
    w.append(&record(2)).unwrap();
    let err = w.flush().unwrap_err();
    match &err {
        Error::ForeignWrite {
            path: p,
            expected,
            found,
        } => {
            assert_eq!(p, &path);
            assert_eq!((*expected, *found), (8 + 2 * 24, 8 + 3 * 24));
        }
        other => panic!("expected Error::ForeignWrite, got {other:?}"),
    }
    assert!(err.to_string().contains("LogWriter::open"), "{err}");
    // Not written, not on drop either: the other program's record is intact.
    assert_eq!(w.buffered(), 1);
    drop(w);
    assert_eq!(file_len(&path), 8 + 3 * 24);
    let log = records_in(&path);
    check(0, &log[0]);
    check(1, &log[1]);
    assert_eq!(log[2], foreign);
}
