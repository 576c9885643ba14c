//! `RecordLog` on its own: edge cases at open, refresh without remapping, torn tails, and a
//! file that shrinks under it.

mod log_support;

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use log_support::{check, record, Rec, HEADER};
use typed_memmap::{Error, LogHeader, LogWriter, RecordLog};

/// Opens a log in a test.
fn open(path: &Path, header: LogHeader) -> typed_memmap::Result<RecordLog<Rec>> {
    // SAFETY: each test's file is private to it; the test itself only appends whole records
    // or truncates it on purpose to see the error, never while a slice of the log is alive.
    unsafe { RecordLog::<Rec>::open(path, header) }
}

fn append_raw(path: &Path, bytes: &[u8]) {
    OpenOptions::new()
        .append(true)
        .open(path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
}

fn write_records(path: &Path, header: Option<&[u8]>, range: std::ops::Range<u64>) {
    let mut w = LogWriter::<Rec>::create(path, header).unwrap();
    w.append_all(&range.map(record).collect::<Vec<_>>())
        .unwrap();
    w.flush().unwrap();
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn empty_file_is_an_empty_log_with_or_without_a_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.log");
    std::fs::write(&path, b"").unwrap();
    for header in [LogHeader::none(), LogHeader::exact(*HEADER)] {
        let mut log = open(&path, header).unwrap();
        assert!(log.is_empty());
        assert_eq!(
            (log.len(), log.torn_tail_bytes(), log.file_len()),
            (0, 0, 0)
        );
        assert_eq!(log.refresh().unwrap(), 0);
        assert!(log.as_memmap().is_none());
        assert_eq!(log.to_string(), "[]");
    }
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn header_only_file_is_an_empty_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.log");
    drop(LogWriter::<Rec>::create(&path, Some(HEADER)).unwrap()); // zero appends
    assert_eq!(std::fs::read(&path).unwrap(), HEADER);
    let log = open(&path, LogHeader::exact(*HEADER)).unwrap();
    assert_eq!(
        (log.len(), log.torn_tail_bytes(), log.file_len()),
        (0, 0, 8)
    );
    assert_eq!(log.header_len(), 8);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn file_shorter_than_the_header_is_a_header_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("short.log");
    std::fs::write(&path, b"TMLO").unwrap();
    let err = open(&path, LogHeader::exact(*HEADER)).unwrap_err();
    assert!(
        matches!(err, Error::Header { at: 4, .. }),
        "expected a header error at byte 4, got {err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("after 4 bytes") && msg.contains("8-byte log header"),
        "{msg}"
    );
    assert!(msg.contains("short.log"), "{msg}");
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn header_mismatch_names_both_headers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.log");
    write_records(&path, Some(b"OTHERv2\x01"), 0..3);
    let err = open(&path, LogHeader::exact(*HEADER)).unwrap_err();
    match &err {
        Error::HeaderMismatch {
            expected, found, ..
        } => {
            assert_eq!(expected, r#"b"TMLOGv1\x00""#);
            assert_eq!(found, r#"b"OTHERv2\x01""#);
        }
        other => panic!("expected a header mismatch, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains(r#"b"TMLOGv1\x00""#) && msg.contains(r#"b"OTHERv2\x01""#),
        "{msg}"
    );

    // A checking function reports its own words as what was expected.
    let header = LogHeader::check(8, |h| {
        if h.starts_with(b"TMLOG") {
            Ok(())
        } else {
            Err("a header starting with `TMLOG`".to_string())
        }
    });
    let err = open(&path, header).unwrap_err();
    assert!(
        matches!(&err, Error::HeaderMismatch { expected, .. } if expected.contains("`TMLOG`")),
        "{err:?}"
    );
    // Not checking the header's content is allowed too.
    assert_eq!(open(&path, LogHeader::skip(8)).unwrap().len(), 3);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn header_written_after_open_is_checked_when_it_arrives() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("late.log");
    std::fs::write(&path, b"").unwrap();
    let mut log = open(&path, LogHeader::exact(*HEADER)).unwrap();
    append_raw(&path, b"TMLO"); // the writer is in the middle of the header
    assert_eq!(log.refresh().unwrap(), 0);
    append_raw(&path, b"Gv2\0");
    let err = log.refresh().unwrap_err();
    assert!(matches!(err, Error::HeaderMismatch { .. }), "{err:?}");
    // Reported again, not forgotten after the first look.
    assert!(matches!(log.refresh(), Err(Error::HeaderMismatch { .. })));

    let good = dir.path().join("late-good.log");
    std::fs::write(&good, b"").unwrap();
    let mut log = open(&good, LogHeader::exact(*HEADER)).unwrap();
    append_raw(&good, HEADER);
    append_raw(&good, typed_memmap::bytes_of(&[record(0), record(1)]));
    assert_eq!(log.refresh().unwrap(), 2);
    check(1, &log[1]);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn torn_tail_at_open_is_reported_and_not_shown() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("torn.log");
    write_records(&path, Some(HEADER), 0..5);
    append_raw(&path, &typed_memmap::bytes_of(&[record(5)])[..17]);
    let mut log = open(&path, LogHeader::exact(*HEADER)).unwrap();
    assert_eq!(log.len(), 5);
    assert_eq!(log.torn_tail_bytes(), 17);
    assert_eq!(log.file_len(), 8 + 5 * 24 + 17);
    for (i, r) in log.iter().enumerate() {
        check(i as u64, r);
    }
    // The rest of the record arrives: it is shown, and the tail is gone.
    append_raw(&path, &typed_memmap::bytes_of(&[record(5)])[17..]);
    assert_eq!(log.refresh().unwrap(), 1);
    assert_eq!(log.torn_tail_bytes(), 0);
    check(5, &log[5]);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn refresh_without_change_does_not_remap() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("still.log");
    write_records(&path, Some(HEADER), 0..1000);
    let mut log = open(&path, LogHeader::exact(*HEADER)).unwrap();
    let (remaps, addr) = (log.remaps(), log.as_ptr());
    assert_eq!(remaps, 1);
    for _ in 0..100 {
        assert_eq!(log.refresh().unwrap(), 0);
    }
    assert_eq!((log.remaps(), log.as_ptr()), (remaps, addr));

    // Growth of the torn tail alone is no reason to remap either.
    append_raw(&path, &[1; 10]);
    assert_eq!(log.refresh().unwrap(), 0);
    assert_eq!(log.torn_tail_bytes(), 10);
    assert_eq!((log.remaps(), log.as_ptr()), (remaps, addr));

    // Whole records do remap, once.
    append_raw(&path, &typed_memmap::bytes_of(&[record(1000)])[10..]);
    let mut w = LogWriter::<Rec>::open(&path, LogHeader::exact(*HEADER)).unwrap();
    w.append_all(&(1001..1100).map(record).collect::<Vec<_>>())
        .unwrap();
    w.flush().unwrap();
    assert_eq!(log.refresh().unwrap(), 100);
    assert_eq!(log.remaps(), remaps + 1);
    assert_eq!(log.refresh().unwrap(), 0);
    assert_eq!(log.remaps(), remaps + 1);
    // The first 10 bytes of record 1000 are the 1s appended above, so it is not intact;
    // the others are.
    assert_eq!(log[1000][0], u64::from_ne_bytes([1; 8]));
    for i in 1001..1100 {
        check(i as u64, &log[i]);
    }
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn shrinking_below_the_records_seen_is_a_typed_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shrink.log");
    // Many pages, so that reading the old map past the new end would raise SIGBUS.
    write_records(&path, Some(HEADER), 0..10_000);
    let mut log = open(&path, LogHeader::exact(*HEADER)).unwrap();
    assert_eq!(log.len(), 10_000);
    let was = log.file_len();

    OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(8)
        .unwrap();
    let err = log.refresh().unwrap_err();
    match &err {
        Error::Shrunk {
            was: w,
            now,
            path: p,
        } => {
            assert_eq!((*w, *now), (was, 8));
            assert_eq!(p, &path);
        }
        other => panic!("expected Error::Shrunk, got {other:?}"),
    }
    assert!(
        err.to_string()
            .contains(&format!("shrank from {was} to 8 bytes")),
        "{err}"
    );
    // The map is gone: nothing past the new end can be read through the log.
    assert!(log.is_empty());
    assert!(log.as_memmap().is_none());
    assert_eq!(log.iter().count(), 0);
    // And the error stays, even once the file grows again (it is another log now).
    std::fs::write(&path, [0u8; 8 + 24 * 20_000]).unwrap();
    assert!(matches!(log.refresh(), Err(Error::Shrunk { .. })));
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn cutting_the_torn_tail_under_a_follower_is_not_a_shrink() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("recovered.log");
    write_records(&path, Some(HEADER), 0..3);
    append_raw(&path, &[7; 20]);
    let mut log = open(&path, LogHeader::exact(*HEADER)).unwrap();
    assert_eq!(log.torn_tail_bytes(), 20);

    let mut w = LogWriter::<Rec>::open(&path, LogHeader::exact(*HEADER)).unwrap();
    assert_eq!(w.recover().unwrap(), 20);
    assert_eq!(log.refresh().unwrap(), 0);
    assert_eq!(log.torn_tail_bytes(), 0);
    w.append(&record(3)).unwrap();
    w.flush().unwrap();
    assert_eq!(log.refresh().unwrap(), 1);
    for (i, r) in log.iter().enumerate() {
        check(i as u64, r);
    }
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn header_length_must_keep_records_aligned() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odd.log");
    std::fs::write(&path, [0u8; 5 + 16]).unwrap();
    let err = open(&path, LogHeader::skip(5)).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Misaligned {
                offset: 5,
                align: 8,
                ..
            }
        ),
        "{err:?}"
    );
    // Alignment-1 records after an odd header are fine.
    // SAFETY: the file is private to this test.
    let log = unsafe { RecordLog::<[u8; 4]>::open(&path, LogHeader::skip(5)).unwrap() };
    assert_eq!(log.len(), 4);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn missing_file_is_an_io_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.log");
    let err = open(&path, LogHeader::none()).unwrap_err();
    assert!(
        matches!(&err, Error::Io { path: p, .. } if p == &path),
        "{err:?}"
    );
}
