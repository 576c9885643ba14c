//! The Parquet and Arrow IPC writers on hand-built batches: row groups, the atomic output
//! file (a failed write leaves the destination as it was and no temporary file), replacing an
//! existing file, and errors that name the output path.
#![cfg(all(feature = "parquet", feature = "ipc"))]

use std::path::Path;
use std::sync::Arc;

use arrow_array::{ArrayRef, Int64Array, RecordBatch, RecordBatchIterator, UnionArray};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef, UnionFields};
use parquet::file::reader::{FileReader, SerializedFileReader};
use typed_memmap::{ipc, parquet as pq, Error};

fn schema() -> SchemaRef {
    Arc::new(Schema::new(vec![Field::new("id", DataType::Int64, false)]))
}

/// A batch of the ids `start..start + len`.
fn batch(start: i64, len: i64) -> RecordBatch {
    let ids: ArrayRef = Arc::new(Int64Array::from_iter_values(start..start + len));
    RecordBatch::try_new(schema(), vec![ids]).unwrap()
}

/// `n` batches of `len` consecutive ids.
fn batches(n: i64, len: i64) -> Vec<Result<RecordBatch, ArrowError>> {
    (0..n).map(|i| Ok(batch(i * len, len))).collect()
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The ids of a Parquet file, read back with the parquet crate's Arrow reader, and its row
/// group lengths.
fn read_parquet(path: &Path) -> (Vec<i64>, Vec<i64>) {
    let file = std::fs::File::open(path).unwrap();
    let reader = SerializedFileReader::new(file.try_clone().unwrap()).unwrap();
    let groups = (0..reader.num_row_groups())
        .map(|g| reader.metadata().row_group(g).num_rows())
        .collect();
    let batches =
        parquet::arrow::arrow_reader::ParquetRecordBatchReader::try_new(file, 1000).unwrap();
    let mut ids = Vec::new();
    for b in batches {
        let b = b.unwrap();
        let col = b.column(0).as_any().downcast_ref::<Int64Array>().unwrap();
        ids.extend(col.values().iter().copied());
    }
    (ids, groups)
}

#[test]
fn parquet_row_groups_follow_the_row_limit_across_batches() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ids.parquet");
    // 7 batches of 300 rows in row groups of at most 1000: 1000, 1000, 100.
    let reader = RecordBatchIterator::new(batches(7, 300), schema());
    let options = pq::ParquetOptions {
        row_group_rows: 1000,
        ..Default::default()
    };
    let summary = pq::write_batches(reader, &out, &options).unwrap();
    assert_eq!(
        (summary.rows, summary.batches, summary.row_groups),
        (2100, 7, 3)
    );
    assert_eq!(summary.bytes, std::fs::metadata(&out).unwrap().len());
    let (ids, groups) = read_parquet(&out);
    assert_eq!(ids, (0..2100).collect::<Vec<i64>>());
    assert_eq!(groups, [1000, 1000, 100]);
    assert_eq!(names(dir.path()), ["ids.parquet"]);
}

#[test]
fn parquet_row_groups_follow_the_byte_limit() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ids.parquet");
    // 64 Ki distinct i64 (512 KiB plain) with a 64 KiB byte limit and no row limit: several
    // row groups, none of them the whole input.
    let reader = RecordBatchIterator::new(batches(16, 4096), schema());
    let options = pq::ParquetOptions {
        row_group_rows: 0,
        row_group_bytes: 64 << 10,
        ..Default::default()
    };
    let summary = pq::write_batches(reader, &out, &options).unwrap();
    let (ids, groups) = read_parquet(&out);
    assert_eq!(ids.len(), 65536);
    assert!(summary.row_groups >= 4, "{groups:?}");
    assert!(groups.iter().all(|&g| g < 65536), "{groups:?}");
}

#[test]
fn an_existing_file_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    for (name, is_parquet) in [("x.parquet", true), ("x.arrow", false)] {
        let out = dir.path().join(name);
        std::fs::write(&out, b"old contents").unwrap();
        let reader = RecordBatchIterator::new(batches(2, 10), schema());
        if is_parquet {
            pq::write_batches(reader, &out, &Default::default()).unwrap();
            assert_eq!(read_parquet(&out).0, (0..20).collect::<Vec<i64>>());
        } else {
            ipc::write_batches(reader, &out, &Default::default()).unwrap();
            let bytes = std::fs::read(&out).unwrap();
            assert!(bytes.starts_with(b"ARROW1") && bytes.ends_with(b"ARROW1"));
        }
    }
    assert_eq!(names(dir.path()), ["x.arrow", "x.parquet"]);
}

/// A reader that yields two batches and then `error`.
fn failing(
    error: ArrowError,
) -> RecordBatchIterator<std::vec::IntoIter<Result<RecordBatch, ArrowError>>> {
    let mut items = batches(2, 100);
    items.push(Err(error));
    RecordBatchIterator::new(items.into_iter(), schema())
}

/// Runs `write` on a destination holding "old contents" and checks that it failed, left the
/// destination alone and removed its temporary file; returns the error.
fn fails_cleanly(name: &str, write: impl FnOnce(&Path) -> typed_memmap::Result<()>) -> Error {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join(name);
    std::fs::write(&out, b"old contents").unwrap();
    let err = write(&out).expect_err("the write must fail");
    assert_eq!(
        std::fs::read(&out).unwrap(),
        b"old contents",
        "{name}: {err}"
    );
    assert_eq!(
        names(dir.path()),
        [name],
        "{name}: a temporary file was left"
    );
    err
}

#[test]
fn an_error_of_this_crate_from_the_source_comes_back_as_itself() {
    let source = Path::new("/data/ticks.log");
    let ours = || {
        ArrowError::ExternalError(Box::new(Error::Locked {
            path: source.into(),
        }))
    };
    let err = fails_cleanly("t.parquet", |out| {
        pq::write_batches(failing(ours()), out, &Default::default()).map(drop)
    });
    assert!(
        matches!(&err, Error::Locked { path } if path == source),
        "{err:?}"
    );
    let err = fails_cleanly("t.arrow", |out| {
        ipc::write_batches(failing(ours()), out, &Default::default()).map(drop)
    });
    assert!(
        matches!(&err, Error::Locked { path } if path == source),
        "{err:?}"
    );
}

#[test]
fn a_foreign_source_error_is_an_arrow_error_naming_the_output() {
    let foreign = || ArrowError::ComputeError("the source broke".into());
    for (name, format) in [("t.parquet", "Parquet"), ("t.arrow", "Arrow IPC")] {
        let mut expected_path = None;
        let err = fails_cleanly(name, |out| {
            expected_path = Some(out.to_path_buf());
            if format == "Parquet" {
                pq::write_batches(failing(foreign()), out, &Default::default()).map(drop)
            } else {
                ipc::write_batches(failing(foreign()), out, &Default::default()).map(drop)
            }
        });
        let expected_path = expected_path.unwrap();
        match &err {
            Error::Arrow {
                path: Some(path),
                context,
                ..
            } => {
                assert_eq!(path, &expected_path);
                assert_eq!(context, &format!("writing a {format} file"));
            }
            other => panic!("{name}: expected Error::Arrow, got {other:?}"),
        }
        let message = err.to_string();
        assert!(
            message.contains(&expected_path.display().to_string()),
            "{message}"
        );
        assert!(message.contains("the source broke"), "{message}");
        assert_eq!(err.path(), Some(expected_path.as_path()));
    }
}

#[test]
fn a_type_parquet_cannot_store_is_refused_before_anything_is_written() {
    // A sparse union: Arrow IPC stores it, Parquet has no such type.
    let fields = UnionFields::try_new([0], [Field::new("a", DataType::Int64, false)]).unwrap();
    let union = UnionArray::try_new(
        fields.clone(),
        vec![0i8, 0].into(),
        None,
        vec![Arc::new(Int64Array::from(vec![1, 2])) as ArrayRef],
    )
    .unwrap();
    let schema = Arc::new(Schema::new(vec![Field::new(
        "u",
        DataType::Union(fields, arrow_schema::UnionMode::Sparse),
        false,
    )]));
    let b = RecordBatch::try_new(schema.clone(), vec![Arc::new(union)]).unwrap();
    let err = fails_cleanly("u.parquet", |out| {
        let reader = RecordBatchIterator::new([Ok(b.clone())], schema.clone());
        pq::write_batches(reader, out, &Default::default()).map(drop)
    });
    assert!(
        matches!(&err, Error::Arrow { context, .. } if context == "writing a Parquet file"),
        "{err:?}"
    );
    assert!(err.to_string().contains("`u` is a union"), "{err}");
}

#[test]
fn a_missing_directory_is_an_io_error_naming_the_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("no-such-dir").join("t.parquet");
    let reader = RecordBatchIterator::new(batches(1, 10), schema());
    let err = pq::write_batches(reader, &out, &Default::default()).unwrap_err();
    match &err {
        Error::Io {
            op: "create",
            path,
            source,
            ..
        } => {
            assert_eq!(path.parent(), out.parent());
            assert!(
                path.to_string_lossy().ends_with(".tmp"),
                "{}",
                path.display()
            );
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("expected Error::Io, got {other:?}"),
    }
}

#[test]
fn an_output_path_without_a_file_name_is_refused() {
    let reader = RecordBatchIterator::new(batches(1, 10), schema());
    let err = ipc::write_batches(reader, Path::new("/"), &Default::default()).unwrap_err();
    assert!(matches!(&err, Error::Io { op: "create", .. }), "{err:?}");
}

#[test]
fn a_reader_without_batches_makes_a_valid_empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("empty.parquet");
    let reader = RecordBatchIterator::new(Vec::new(), schema());
    let summary = pq::write_batches(reader, &out, &Default::default()).unwrap();
    assert_eq!(
        (summary.rows, summary.batches, summary.row_groups),
        (0, 0, 0)
    );
    assert_eq!(read_parquet(&out), (vec![], vec![]));
}

#[test]
fn with_sync_the_file_is_written_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.parquet"), dir.path().join("b.parquet"));
    let plain = pq::ParquetOptions::default();
    let synced = pq::ParquetOptions {
        sync: true,
        ..Default::default()
    };
    pq::write_batches(
        RecordBatchIterator::new(batches(3, 50), schema()),
        &a,
        &plain,
    )
    .unwrap();
    pq::write_batches(
        RecordBatchIterator::new(batches(3, 50), schema()),
        &b,
        &synced,
    )
    .unwrap();
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let ipc_synced = ipc::IpcOptions {
        sync: true,
        ..Default::default()
    };
    let c = dir.path().join("c.arrow");
    let reader = RecordBatchIterator::new(batches(3, 50), schema());
    assert_eq!(
        ipc::write_batches(reader, &c, &ipc_synced).unwrap().rows,
        150
    );
}

/// A record of a log and a map, as numpy's `[('id', '<i8'), ('price', '<f8')]`.
#[derive(typed_memmap::Record, Clone, Copy, Debug, PartialEq)]
#[repr(C)]
struct Tick {
    id: i64,
    price: f64,
}

/// The `id` column of an Arrow IPC file, read back with arrow-ipc's reader.
fn read_ipc_ids(path: &Path) -> Vec<i64> {
    let file = std::fs::File::open(path).unwrap();
    let reader = arrow_ipc::reader::FileReader::try_new(file, None).unwrap();
    let mut ids = Vec::new();
    for b in reader {
        let b = b.unwrap();
        let col = b.column_by_name("id").unwrap();
        ids.extend(col.as_any().downcast_ref::<Int64Array>().unwrap().values());
    }
    ids
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn logs_maps_and_dyn_arrays_are_written_whole_in_batches() {
    use typed_memmap::{npy, DynArray, LogHeader, LogWriter, Memmap, Options, RecordLog};
    let dir = tempfile::tempdir().unwrap();
    let ticks: Vec<Tick> = (0..1000)
        .map(|i| Tick {
            id: i * 3 - 7,
            price: i as f64 / 4.0,
        })
        .collect();
    let ids: Vec<i64> = ticks.iter().map(|t| t.id).collect();
    let small = pq::ParquetOptions {
        rows_per_batch: 300,
        row_group_rows: 400,
        ..Default::default()
    };
    let small_ipc = ipc::IpcOptions {
        rows_per_batch: 300,
        ..Default::default()
    };

    let log_path = dir.path().join("ticks.log");
    let mut w = LogWriter::<Tick>::create(&log_path, None).unwrap();
    w.append_all(&ticks).unwrap();
    w.flush().unwrap();
    // SAFETY: the files are private to this test; the writer only appends (and is done).
    let open_log = || unsafe { RecordLog::<Tick>::open(&log_path, LogHeader::none()) }.unwrap();
    let s = pq::write_log(open_log(), dir.path().join("log.parquet"), &small).unwrap();
    assert_eq!((s.rows, s.batches, s.row_groups), (1000, 4, 3));
    assert_eq!(read_parquet_ids(&dir.path().join("log.parquet")), ids);
    let s = ipc::write_log(open_log(), dir.path().join("log.arrow"), &small_ipc).unwrap();
    assert_eq!((s.rows, s.batches), (1000, 4));
    assert_eq!(read_ipc_ids(&dir.path().join("log.arrow")), ids);

    // SAFETY: as above.
    let open_map = || unsafe { Options::<Tick>::new().offset(0).open(&log_path) }.unwrap();
    let m: Memmap<Tick> = open_map();
    assert_eq!(m.len(), 1000);
    pq::write_memmap(m, dir.path().join("map.parquet"), &small).unwrap();
    assert_eq!(read_parquet_ids(&dir.path().join("map.parquet")), ids);
    ipc::write_memmap(open_map(), dir.path().join("map.arrow"), &small_ipc).unwrap();
    assert_eq!(read_ipc_ids(&dir.path().join("map.arrow")), ids);

    let npy_path = dir.path().join("ticks.npy");
    npy::write(&npy_path, &ticks).unwrap();
    let a = DynArray::read(&npy_path).unwrap();
    pq::write_dyn(a, dir.path().join("dyn.parquet"), &small).unwrap();
    assert_eq!(read_parquet_ids(&dir.path().join("dyn.parquet")), ids);
    let a = DynArray::read(&npy_path).unwrap();
    ipc::write_dyn(a, dir.path().join("dyn.arrow"), &small_ipc).unwrap();
    assert_eq!(read_ipc_ids(&dir.path().join("dyn.arrow")), ids);
}

/// The `id` column of a Parquet file of records.
fn read_parquet_ids(path: &Path) -> Vec<i64> {
    let file = std::fs::File::open(path).unwrap();
    let batches =
        parquet::arrow::arrow_reader::ParquetRecordBatchReader::try_new(file, 1000).unwrap();
    let mut ids = Vec::new();
    for b in batches {
        let b = b.unwrap();
        let col = b.column_by_name("id").unwrap();
        ids.extend(col.as_any().downcast_ref::<Int64Array>().unwrap().values());
    }
    ids
}

/// A sink that takes `room` bytes, then fails every write.
struct Full {
    room: usize,
}

impl std::io::Write for Full {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.room == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                "no room left",
            ));
        }
        let n = buf.len().min(self.room);
        self.room -= n;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `write_batches_to` puts the same file into a sink as `write_batches` puts at a path, counts
/// its bytes, and a sink that fails is an I/O error naming the output's given name.
#[test]
fn writing_into_a_sink_makes_the_same_file_and_names_the_output_in_errors() {
    let dir = tempfile::tempdir().unwrap();
    let reader = || RecordBatchIterator::new(batches(3, 500), schema());

    let path = dir.path().join("ids.parquet");
    let options = pq::ParquetOptions {
        row_group_rows: 700,
        ..Default::default()
    };
    let at_path = pq::write_batches(reader(), &path, &options).unwrap();
    let mut bytes = Vec::new();
    let into = pq::write_batches_to(reader(), &mut bytes, "ids.parquet", &options).unwrap();
    assert_eq!(into, at_path);
    assert_eq!(bytes, std::fs::read(&path).unwrap());
    assert_eq!(into.bytes, bytes.len() as u64);
    let e =
        pq::write_batches_to(reader(), Full { room: 100 }, "x/ids.parquet", &options).unwrap_err();
    match &e {
        Error::Io { path, source, .. } => {
            assert_eq!(path, Path::new("x/ids.parquet"), "{e}");
            assert_eq!(source.kind(), std::io::ErrorKind::StorageFull, "{e}");
        }
        e => panic!("{e:?}"),
    }

    let path = dir.path().join("ids.arrow");
    let options = ipc::IpcOptions::default();
    let at_path = ipc::write_batches(reader(), &path, &options).unwrap();
    let mut bytes = Vec::new();
    let into = ipc::write_batches_to(reader(), &mut bytes, "ids.arrow", &options).unwrap();
    assert_eq!(into, at_path);
    assert_eq!(bytes, std::fs::read(&path).unwrap());
    assert_eq!(read_ipc_ids(&path), (0..1500).collect::<Vec<_>>());
    let e =
        ipc::write_batches_to(reader(), Full { room: 100 }, "x/ids.arrow", &options).unwrap_err();
    match &e {
        Error::Io { path, .. } => assert_eq!(path, Path::new("x/ids.arrow"), "{e}"),
        e => panic!("{e:?}"),
    }
}

/// A named pipe at `out` is written in place (as `/dev/null` would be) and stays a pipe; a
/// symbolic link is followed, the file it names replaced and the link kept.
#[test]
#[cfg(unix)]
fn pipes_are_written_in_place_and_links_followed() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let reader = || RecordBatchIterator::new(batches(3, 500), schema());
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo");
    let drain = |fifo: std::path::PathBuf| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            std::fs::File::open(fifo)
                .unwrap()
                .read_to_end(&mut bytes)
                .unwrap();
            bytes
        })
    };

    let options = pq::ParquetOptions {
        sync: true,
        ..Default::default()
    };
    let read = drain(fifo.clone());
    pq::write_batches(reader(), &fifo, &options).unwrap();
    let mut want = Vec::new();
    pq::write_batches_to(reader(), &mut want, "x", &options).unwrap();
    assert!(read.join().unwrap() == want, "parquet through the pipe");
    let read = drain(fifo.clone());
    ipc::write_batches(reader(), &fifo, &ipc::IpcOptions::default()).unwrap();
    let mut want = Vec::new();
    ipc::write_batches_to(reader(), &mut want, "x", &ipc::IpcOptions::default()).unwrap();
    assert!(read.join().unwrap() == want, "ipc through the pipe");
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());

    let real = dir.path().join("real.parquet");
    let link = dir.path().join("link.parquet");
    std::fs::write(&real, "old").unwrap();
    std::os::unix::fs::symlink("real.parquet", &link).unwrap();
    pq::write_batches(reader(), &link, &options).unwrap();
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("real.parquet")
    );
    assert_eq!(read_parquet(&real).0, (0..1500).collect::<Vec<i64>>());
    assert_eq!(names(dir.path()), ["link.parquet", "pipe", "real.parquet"]);
}
