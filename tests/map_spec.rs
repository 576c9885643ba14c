//! `MapSpec`: a map's descriptor, serialised as JSON and sent to another process (this test
//! binary run again with `TM_SPEC_CHILD` set, filtered to the test `spec_child`), reopens the
//! same view there; `split(n)` covers every row exactly once; the checks of a spec.
//!
//! Needs the feature `serde` (the specs travel as JSON): `cargo test --features serde`, which
//! `--all-features` (CI) includes.
#![cfg(feature = "serde")]

mod common;

use std::fmt::Debug;
use std::path::Path;

use typed_memmap::{
    npy, DynArray, Element, Error, MapSpec, Memmap, Mode, Options, Order, Record, SpecProblem,
};

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Tick {
    ts: u64,
    price: f64,
    qty: u32,
    side: u8,
    _pad: [u8; 3],
}

fn tick(i: u64) -> Tick {
    Tick {
        ts: 1_700_000_000 + i,
        price: 100.0 + i as f64 * 0.25,
        qty: (i % 7) as u32,
        side: (i % 2) as u8,
        _pad: [0; 3],
    }
}

/// FNV-1a of the view's bytes: a checksum both processes compute the same way.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// One line describing a typed view: its geometry, a checksum and its values (the first and
/// last ten of long views).
fn describe<T: Element + Debug>(m: &[T], shape: &[usize], offset: u64, order: Order) -> String {
    let values = if m.len() <= 40 {
        format!("{m:?}")
    } else {
        format!("{:?}..{:?}", &m[..10], &m[m.len() - 10..])
    };
    format!(
        "shape={shape:?} offset={offset} order={order} len={} fnv={:016x} values={values}",
        m.len(),
        fnv(typed_memmap::bytes_of(m)),
    )
}

fn describe_map<T: Element + Debug>(m: &Memmap<T>) -> String {
    describe(m, m.shape(), m.offset(), m.order())
}

fn describe_dyn(a: &DynArray) -> String {
    let values: Vec<_> = a.values().take(20).collect();
    format!(
        "shape={:?} offset={} order={} descr={} fnv={:016x} values={values:?}",
        a.shape(),
        a.data_offset(),
        a.order(),
        a.descr(),
        fnv(a.as_bytes()),
    )
}

/// What the child does with the spec it is sent, by `TM_SPEC_AS`; returns the line it prints.
///
/// # Safety
///
/// Nobody else writes or truncates the spec's file while the child looks at it.
unsafe fn child_work(spec: &MapSpec, what: &str) -> String {
    // SAFETY (every arm): the caller's promise; in the tests the parent waits for the child
    // and does not touch the file meanwhile.
    match what {
        "f64" => describe_map(&unsafe { spec.open::<f64>() }.unwrap()),
        "i32" => describe_map(&unsafe { spec.open::<i32>() }.unwrap()),
        "tick" => describe_map(&unsafe { spec.open::<Tick>() }.unwrap()),
        "dyn" => describe_dyn(&unsafe { spec.open_dyn() }.unwrap()),
        // A writable reopen, written: element `i` of the whole array becomes `3 * i + 1`.
        "write-u32" => {
            let mut m = unsafe { spec.open_mut::<u32>() }.unwrap();
            let first = spec.rows().map_or(0, |r| r.start);
            for (i, x) in m.iter_mut().enumerate() {
                *x = 3 * (first + i) as u32 + 1;
            }
            m.flush().unwrap();
            describe(&m, m.shape(), m.offset(), m.order())
        }
        // A writable reopen that only reads: for `w+` specs, which must not truncate.
        "read-mut-f64" => {
            let m = unsafe { spec.open_mut::<f64>() }.unwrap();
            describe(&m, m.shape(), m.offset(), m.order())
        }
        other => panic!("unknown child task {other}"),
    }
}

/// In a child process (`TM_SPEC_CHILD` holds a spec as JSON, `TM_SPEC_AS` the task): reopens
/// the spec and prints `VIEW <description>`. Run directly: the same work in this process, on
/// a spec that went through JSON, gives the description of the original map.
#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn spec_child() {
    if let Ok(json) = std::env::var("TM_SPEC_CHILD") {
        let spec: MapSpec = serde_json::from_str(&json).unwrap();
        let what = std::env::var("TM_SPEC_AS").unwrap();
        // SAFETY: the parent waits for this process and leaves the file alone meanwhile.
        let line = unsafe { child_work(&spec, &what) };
        println!("VIEW {line}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.f64");
    // SAFETY: the file is private to this test.
    let mut m = unsafe { Options::<f64>::new().shape([6, 2]).create(&path) }.unwrap();
    m.copy_from_slice(&[
        1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.5,
    ]);
    m.flush().unwrap();
    let spec: MapSpec =
        serde_json::from_str(&serde_json::to_string(&m.spec().unwrap()).unwrap()).unwrap();
    // SAFETY: as above.
    let here = unsafe { child_work(&spec, "f64") };
    assert_eq!(here, describe(&m, m.shape(), m.offset(), m.order()));
}

/// Sends `spec` as JSON to a child process started in `cwd`, which does `what` with it;
/// returns the child's description of what it mapped.
fn in_child(spec: &MapSpec, what: &str, cwd: &Path) -> String {
    let json = serde_json::to_string(spec).unwrap();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["spec_child", "--exact", "--nocapture", "--test-threads=1"])
        .env("TM_SPEC_CHILD", &json)
        .env("TM_SPEC_AS", what)
        .current_dir(cwd)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the child failed on {json}: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The harness prints `test spec_child ... ` on the same line.
    let mut views = stdout
        .lines()
        .filter_map(|l| Some(&l[l.find("VIEW ")? + 5..]));
    let view = views
        .next()
        .unwrap_or_else(|| panic!("no VIEW line: {stdout}"));
    assert!(views.next().is_none(), "two VIEW lines: {stdout}");
    view.to_string()
}

/// `path` written relative to the current directory (`../../tmp/...`), so that the spec's
/// path must be made absolute to reach a child in another directory.
#[cfg(unix)]
fn relative_to_cwd(path: &Path) -> std::path::PathBuf {
    let cwd = std::env::current_dir().unwrap().canonicalize().unwrap();
    let mut rel = std::path::PathBuf::new();
    for _ in cwd.components().skip(1) {
        rel.push("..");
    }
    rel.join(path.strip_prefix("/").unwrap())
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn a_spec_sent_to_another_process_reopens_the_same_view() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap(); // the children's working directory
    let base = dir.path().canonicalize().unwrap();

    // f64, 300 x 7, C order, after a 64-byte prefix, made with `w+`.
    let raw = base.join("grid.f64");
    // SAFETY: the files of this test are private to it; children only run while the parent
    // waits, and none of them truncates.
    let mut grid = unsafe {
        Options::<f64>::new()
            .offset(64)
            .shape([300, 7])
            .create(&raw)
    }
    .unwrap();
    for (i, x) in grid.iter_mut().enumerate() {
        *x = (i as f64).sqrt() * if i % 3 == 0 { -1.0 } else { 1.5 };
    }
    grid.flush().unwrap();
    let spec = grid.spec().unwrap();
    assert_eq!(spec.mode(), Mode::Create);
    assert_eq!((spec.offset(), spec.shape()), (64, &[300, 7][..]));
    let parent = describe(&grid, grid.shape(), grid.offset(), grid.order());
    let len_before = std::fs::metadata(&raw).unwrap().len();
    assert_eq!(in_child(&spec, "f64", elsewhere.path()), parent);
    // A `w+` spec reopened writable is `r+`: same values, the file not truncated.
    assert_eq!(in_child(&spec, "read-mut-f64", elsewhere.path()), parent);
    assert_eq!(std::fs::metadata(&raw).unwrap().len(), len_before);
    drop(grid);

    // i32, 5 x 4 x 3, Fortran order, opened `r` through a path relative to the current
    // directory: the child runs elsewhere and still finds the file.
    let fortran = base.join("cube.i32");
    let values: Vec<u8> = (0..60i32).flat_map(|i| (i * i - 7).to_le_bytes()).collect();
    std::fs::write(&fortran, values).unwrap();
    #[cfg(unix)]
    let opened = relative_to_cwd(&fortran);
    #[cfg(not(unix))]
    let opened = fortran.clone();
    // SAFETY: as above.
    let cube: Memmap<i32> = unsafe {
        Options::new()
            .shape([5, 4, 3])
            .order(Order::F)
            .open(&opened)
    }
    .unwrap();
    let spec = cube.spec().unwrap();
    assert!(spec.path().is_absolute(), "{:?}", spec.path());
    assert_eq!(spec.path(), fortran);
    assert_eq!((spec.order(), spec.mode()), (Order::F, Mode::ReadOnly));
    assert_eq!(
        in_child(&spec, "i32", elsewhere.path()),
        describe_map(&cube)
    );

    // Records from a `.npy` file (offset = the header), typed and as a `DynArray`.
    let ticks = base.join("ticks.npy");
    npy::write(&ticks, &(0..1000).map(tick).collect::<Vec<_>>()).unwrap();
    // SAFETY: as above.
    let map = unsafe { npy::open::<Tick>(&ticks) }.unwrap();
    let spec = map.spec().unwrap();
    assert_eq!(spec.dtype(), Tick::dtype().descr());
    assert_eq!(
        in_child(&spec, "tick", elsewhere.path()),
        describe_map(&map)
    );
    // SAFETY: as above.
    let any = unsafe { DynArray::open(&ticks) }.unwrap();
    let spec = any.spec().unwrap();
    assert_eq!(spec.offset(), map.offset());
    assert_eq!(in_child(&spec, "dyn", elsewhere.path()), describe_dyn(&any));
    // The typed child reads the spec of the dynamic array too: same dtype text.
    assert_eq!(
        in_child(&spec, "tick", elsewhere.path()),
        describe_map(&map)
    );
    // A `DynArray` read into memory from the file names the same data.
    let read = DynArray::read(&ticks).unwrap();
    assert_eq!(read.spec().unwrap(), spec);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn workers_reopen_the_pieces_of_a_split() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ticks.npy");
    let all: Vec<Tick> = (0..5000).map(tick).collect();
    npy::write(&path, &all).unwrap();
    // SAFETY: the file is private to this test; children only read it.
    let map = unsafe { npy::open::<Tick>(&path) }.unwrap();
    let parts = map.spec().unwrap().split(3).unwrap();
    assert_eq!(parts.len(), 3);
    let mut next = 0;
    for part in &parts {
        let rows = part.rows().unwrap();
        assert_eq!(rows.start, next);
        next = rows.end;
        let piece = &map[rows.clone()];
        let offset = map.offset() + (rows.start * 24) as u64;
        // 24-byte records after a 128-byte header: every 512th record starts a page; the
        // first piece starts with the data.
        if rows.start > 0 {
            assert_eq!(offset % 4096, 0, "{rows:?}");
        }
        let expected = describe(piece, &[rows.len()], offset, Order::C);
        assert_eq!(in_child(part, "tick", dir.path()), expected);
        assert_eq!(
            in_child(part, "dyn", dir.path()),
            // SAFETY: as above.
            describe_dyn(&unsafe { part.open_dyn() }.unwrap())
        );
    }
    assert_eq!(next, 5000);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn writable_specs_let_workers_write_their_ranges() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.u32");
    // SAFETY: the file is private to this test; the parent does not touch the map while a
    // child writes its range.
    let out = unsafe { Options::<u32>::new().shape([10_000]).create(&path) }.unwrap();
    let spec = out.spec().unwrap();
    drop(out);
    let expected: Vec<u32> = (0..10_000).map(|i| 3 * i + 1).collect();
    let file_u32 = |path: &Path| -> Vec<u32> {
        let bytes = std::fs::read(path).unwrap();
        bytes
            .chunks(4)
            .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
            .collect()
    };

    // `c`: the worker's writes stay in its memory; the file keeps its zeros.
    let cow = MapSpec::new(
        &path,
        spec.dtype(),
        0,
        vec![10_000],
        Order::C,
        Mode::CopyOnWrite,
    )
    .with_rows(100..200);
    let line = in_child(&cow, "write-u32", dir.path());
    let written = describe(&expected[100..200], &[100], 400, Order::C);
    assert_eq!(line, written, "the worker did not see its own writes");
    assert_eq!(
        file_u32(&path),
        vec![0; 10_000],
        "a copy-on-write worker changed the file"
    );

    // `w+` reopens as `r+`: writes reach the file, and nothing is truncated or grown.
    let wplus = spec.with_rows(0..10);
    assert_eq!(wplus.mode(), Mode::Create);
    in_child(&wplus, "write-u32", dir.path());
    let now = file_u32(&path);
    assert_eq!(now.len(), 10_000);
    assert_eq!(&now[..10], &expected[..10]);
    assert!(now[10..].iter().all(|&x| x == 0));

    // `r+`: each worker writes its own range, and the writes reach the file.
    // SAFETY: as above.
    let rw = unsafe { Options::<u32>::new().open_mut(&path) }.unwrap();
    let parts = rw.spec().unwrap().split(4).unwrap();
    assert_eq!(parts.len(), 4);
    for part in &parts {
        assert_eq!(part.mode(), Mode::ReadWrite);
        in_child(part, "write-u32", dir.path());
    }
    assert_eq!(&rw[..], &expected[..]);
    assert_eq!(file_u32(&path), expected);
}

/// The numpy side of a spec: `np.memmap` with the spec's fields maps the same values.
#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn numpy_reopens_a_spec_from_its_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.npy");
    npy::write_shaped(
        &path,
        &(0..24).map(f64::from).collect::<Vec<_>>(),
        &[4, 6],
        Order::F,
    )
    .unwrap();
    // SAFETY: the file is private to this test.
    let map = unsafe { npy::open::<f64>(&path) }.unwrap();
    let spec = map.spec().unwrap().with_rows(2..5); // columns 2..5 of the F-order matrix
    let json = serde_json::to_string(&spec).unwrap();
    let script = r#"
import ast, json
s = json.loads(sys.argv[1])
dtype = np.lib.format.descr_to_dtype(ast.literal_eval(s["dtype"]))
shape = list(s["shape"])
axis = 0 if s["order"] == "C" else len(shape) - 1
rows = s["rows"] or {"start": 0, "end": shape[axis]}
row_bytes = dtype.itemsize * int(np.prod(shape)) // shape[axis]
shape[axis] = rows["end"] - rows["start"]
a = np.memmap(s["path"], dtype=dtype, mode="r", offset=s["offset"] + rows["start"] * row_bytes,
              shape=tuple(shape), order=s["order"])
print(json.dumps(a.ravel(order="K").tolist()))
"#;
    let printed = common::numpy(script, &[&json]);
    let numpy: Vec<f64> = serde_json::from_str(printed.trim()).unwrap();
    // SAFETY: as above.
    let view = unsafe { spec.open::<f64>() }.unwrap();
    assert_eq!(view.shape(), [4, 3]);
    assert_eq!(&view[..], &numpy[..]);
    assert_eq!(&view[..], &map[8..20]);
}

#[test]
fn spec_json_uses_numpy_names() {
    let spec = MapSpec::new(
        "/data/ticks.npy",
        Tick::dtype().descr(),
        128,
        vec![10, 2],
        Order::F,
        Mode::ReadWrite,
    )
    .with_rows(3..7);
    let json: serde_json::Value = serde_json::to_value(&spec).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "path": "/data/ticks.npy",
            "dtype": Tick::dtype().descr(),
            "offset": 128,
            "shape": [10, 2],
            "order": "F",
            "mode": "r+",
            "rows": {"start": 3, "end": 7},
        })
    );
    let back: MapSpec = serde_json::from_value(json).unwrap();
    assert_eq!(back, spec);
    // `rows` may be left out; modes take numpy's long names too.
    let short = r#"{"path": "a.f4", "dtype": "'<f4'", "offset": 0, "shape": [3],
                    "order": "C", "mode": "copyonwrite"}"#;
    let short: MapSpec = serde_json::from_str(short).unwrap();
    assert_eq!((short.rows(), short.mode()), (None, Mode::CopyOnWrite));
    for (order, mode) in [("K", "r"), ("C", "w")] {
        let text = format!(
            r#"{{"path": "a", "dtype": "'<f4'", "offset": 0, "shape": [3], "order": "{order}",
                 "mode": "{mode}"}}"#
        );
        let err = serde_json::from_str::<MapSpec>(&text)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("\"C\" or \"F\"") || err.contains("mode must be one of"),
            "{err}"
        );
    }
}

/// The aligned rows of the rule, found by brute force: `(first, step)`.
fn aligned_by_search(offset: u64, row_bytes: usize, align: u64) -> Option<(usize, usize)> {
    if row_bytes == 0 {
        return None;
    }
    let mut hits = (0..=2 * align as usize)
        .filter(|&r| (offset + r as u64 * row_bytes as u64).is_multiple_of(align))
        .take(2);
    let first = hits.next()?;
    let second = hits.next()?;
    Some((first, second - first))
}

/// Checks one split against the rule of `MapSpec::split`.
fn check_split(spec: &MapSpec, n: usize, row_bytes: usize, align: u64) {
    let parts = spec.split_aligned(n, align as usize).unwrap();
    let whole = spec.rows().unwrap_or(0..spec.row_count());
    let count = whole.len();
    let ctx = format!("{spec:?} n={n} align={align}");
    assert_eq!(parts.len(), n.max(1).min(count), "{ctx}");
    let mut next = whole.start;
    for p in &parts {
        let rows = p.rows().unwrap();
        assert_eq!(rows.start, next, "{ctx}: a gap or an overlap");
        assert!(rows.end > rows.start, "{ctx}: an empty range");
        next = rows.end;
        // Everything but the range is the spec's.
        assert_eq!(
            p.clone().with_rows(whole.clone()),
            spec.clone().with_rows(whole.clone())
        );
    }
    assert_eq!(next, whole.end, "{ctx}: rows left over");
    let n = parts.len();
    if n < 2 {
        return;
    }
    match aligned_by_search(spec.offset(), row_bytes, align) {
        Some((_, step)) if step * n <= count => {
            for p in &parts[1..] {
                let start = p.rows().unwrap().start as u64;
                let at = spec.offset() + start * row_bytes as u64;
                assert_eq!(at % align, 0, "{ctx}: {p:?} does not start on a page");
            }
            for p in &parts {
                let len = p.rows().unwrap().len();
                assert!(
                    len.abs_diff(count / n) <= step + 1,
                    "{ctx}: {p:?} unbalanced"
                );
            }
        }
        _ => {
            for (i, p) in parts.iter().enumerate() {
                assert_eq!(
                    p.rows().unwrap().start,
                    whole.start + i * count / n,
                    "{ctx}"
                );
            }
        }
    }
}

#[test]
fn split_covers_every_row_exactly_once() {
    let mut cases = 0;
    for itemsize in [1usize, 2, 4, 7, 8, 24, 100, 4096, 4097, 10_000] {
        for offset in [0u64, 1, 3, 128, 4095] {
            for rows in [0usize, 1, 2, 3, 5, 100, 511, 4096, 100_003] {
                for n in [0usize, 1, 2, 3, 4, 7, 16, 1000] {
                    let dtype = format!("'|V{itemsize}'");
                    let spec =
                        MapSpec::new("x", &dtype, offset, vec![rows], Order::C, Mode::ReadOnly);
                    check_split(&spec, n, itemsize, 4096);
                    // 2-D both orders: rows of 3 elements.
                    let c =
                        MapSpec::new("x", &dtype, offset, vec![rows, 3], Order::C, Mode::ReadOnly);
                    check_split(&c, n, 3 * itemsize, 4096);
                    let f =
                        MapSpec::new("x", &dtype, offset, vec![3, rows], Order::F, Mode::ReadOnly);
                    check_split(&f, n, 3 * itemsize, 4096);
                    // A piece of a split splits within its rows.
                    if rows >= 3 {
                        let sub = spec.clone().with_rows(1..rows - 1);
                        check_split(&sub, n, itemsize, 4096);
                    }
                    cases += 1;
                }
            }
        }
    }
    assert!(cases > 2000, "{cases}");
    // Other alignments, rows that hold no bytes, a 0-d array.
    let s = MapSpec::new("x", "'<u4'", 8, vec![100_000], Order::C, Mode::ReadOnly);
    for align in [1, 2, 64, 16384, 65536, 1 << 20] {
        for n in [1, 2, 5, 9] {
            check_split(&s, n, 4, align);
        }
    }
    let empty_rows = MapSpec::new("x", "'<u4'", 0, vec![50, 0], Order::C, Mode::ReadOnly);
    check_split(&empty_rows, 4, 0, 4096);
    let zero_d = MapSpec::new("x", "'<u4'", 0, vec![], Order::C, Mode::ReadOnly);
    let parts = zero_d.split(4).unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].rows(), Some(0..1));
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn a_spec_with_a_record_range_opens_only_that_range() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.i32");
    let data: Vec<i32> = (0..60).map(|i| i * 10 - 3).collect();
    std::fs::write(&path, typed_memmap::bytes_of(&data)).unwrap();

    // C order 12 x 5: rows 4..9 are elements 20..45, at byte 80.
    // SAFETY: the file is private to this test.
    let m: Memmap<i32> = unsafe { Options::new().shape([12, 5]).open(&path) }.unwrap();
    let spec = m.spec().unwrap().with_rows(4..9);
    // SAFETY: as above.
    let view = unsafe { spec.open::<i32>() }.unwrap();
    assert_eq!((view.shape(), view.offset()), (&[5, 5][..], 80));
    assert_eq!(&view[..], &data[20..45]);
    assert_eq!(view.get(&[0, 0]), m.get(&[4, 0]));
    // The dynamic open sees the same.
    // SAFETY: as above.
    let any = unsafe { spec.open_dyn() }.unwrap();
    assert_eq!((any.shape(), any.data_offset()), (&[5, 5][..], 80));
    assert_eq!(any.as_typed::<i32>().unwrap(), &data[20..45]);
    // The spec of the view describes the view, without a range.
    let again = view.spec().unwrap();
    assert_eq!(
        (again.offset(), again.shape(), again.rows()),
        (80, &[5, 5][..], None)
    );
    // An empty range is an empty view.
    // SAFETY: as above.
    let none = unsafe { m.spec().unwrap().with_rows(12..12).open::<i32>() }.unwrap();
    assert_eq!(none.shape(), [0, 5]);

    // F order 5 x 12: the rows are along the last axis (columns of 5 contiguous elements).
    // SAFETY: as above.
    let f: Memmap<i32> =
        unsafe { Options::new().shape([5, 12]).order(Order::F).open(&path) }.unwrap();
    // SAFETY: as above.
    let cols = unsafe { f.spec().unwrap().with_rows(10..12).open::<i32>() }.unwrap();
    assert_eq!(
        (cols.shape(), cols.offset(), cols.order()),
        (&[5, 2][..], 200, Order::F)
    );
    assert_eq!(cols.get(&[3, 1]), f.get(&[3, 11]));
    assert_eq!(&cols[..], &data[50..60]);

    // With an offset: 1-D from element 7 on, rows 2..4 are elements 9..11.
    // SAFETY: as above.
    let tail: Memmap<i32> = unsafe { Options::new().offset(28).open(&path) }.unwrap();
    // SAFETY: as above.
    let part = unsafe { tail.spec().unwrap().with_rows(2..4).open::<i32>() }.unwrap();
    assert_eq!(&part[..], &data[9..11]);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn bad_specs_are_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.f64");
    std::fs::write(&path, [0u8; 80]).unwrap();
    // SAFETY: the file is private to this test.
    let m: Memmap<f64> = unsafe { Options::new().open(&path) }.unwrap();
    let spec = m.spec().unwrap();

    // The element type's dtype is checked against the spec's text.
    // SAFETY (every open below): as above.
    let err = unsafe { spec.open::<i64>() }.unwrap_err();
    match &err {
        Error::DtypeMismatch {
            expected, found, ..
        } => assert_eq!((&expected[..], &found[..]), ("'<i8'", "'<f8'")),
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("'<i8'"), "{err}");
    let err = unsafe { spec.open_mut::<f32>() }.unwrap_err();
    assert!(matches!(err, Error::DtypeMismatch { .. }), "{err:?}");
    let err = unsafe { spec.open::<Tick>() }.unwrap_err();
    assert!(matches!(err, Error::DtypeMismatch { .. }), "{err:?}");

    // A mode `r` spec does not open writable.
    let err = unsafe { spec.open_mut::<f64>() }.unwrap_err();
    assert!(
        matches!(&err, Error::Spec { problem: SpecProblem::ReadOnly, path } if path == &spec.path().to_path_buf()),
        "{err:?}"
    );
    assert!(err.to_string().contains("mode `r`"), "{err}");

    // Rows out of range, reversed, or empty on a 0-d array.
    for (spec, start, end, rows) in [
        (spec.clone().with_rows(3..11), 3, 11, 10),
        (spec.clone().with_rows(0..11), 0, 11, 10),
        (
            spec.clone().with_rows(std::ops::Range { start: 5, end: 4 }),
            5,
            4,
            10,
        ),
        (
            MapSpec::new(&path, "'<f8'", 0, vec![], Order::C, Mode::ReadOnly).with_rows(0..0),
            0,
            0,
            1,
        ),
    ] {
        let want = SpecProblem::Rows { start, end, rows };
        let err = unsafe { spec.open::<f64>() }.unwrap_err();
        assert!(
            matches!(&err, Error::Spec { problem, .. } if *problem == want),
            "{err:?}"
        );
        assert!(
            err.to_string().contains(&format!("{start}..{end}")),
            "{err}"
        );
        let err = spec.split(2).unwrap_err();
        assert!(
            matches!(&err, Error::Spec { problem, .. } if *problem == want),
            "{err:?}"
        );
    }

    // Dtype text that is not a descr.
    let bad = MapSpec::new(&path, "float64", 0, vec![10], Order::C, Mode::ReadOnly);
    let err = unsafe { bad.open_dyn() }.unwrap_err();
    assert!(
        matches!(&err, Error::Spec { problem: SpecProblem::Descr { descr, .. }, .. } if descr == "float64"),
        "{err:?}"
    );
    assert!(bad.split(3).is_err());

    // Shapes too big for any array, even holding no element (numpy: `array is too big`),
    // through every way a spec opens.
    for shape in [vec![0, 1 << 62, 4], vec![1 << 62, 1 << 62]] {
        let huge = MapSpec::new(&path, "'<f8'", 0, shape.clone(), Order::C, Mode::ReadOnly);
        let errs = [
            unsafe { huge.open_dyn() }.unwrap_err(),
            unsafe { huge.open::<f64>() }.unwrap_err(),
            unsafe { huge.clone().with_rows(0..0).open_dyn() }.unwrap_err(),
        ];
        for err in errs {
            assert!(
                matches!(&err, Error::ShapeOverflow { shape: s, itemsize: 8, .. } if s == &shape),
                "{shape:?}: {err:?}"
            );
            assert!(err.to_string().contains("x.f64"), "{err}");
        }
    }

    // The map's own checks: a file too short for the spec, a misaligned offset.
    let long = MapSpec::new(&path, "'<f8'", 0, vec![11], Order::C, Mode::ReadWrite);
    let err = unsafe { long.open_mut::<f64>() }.unwrap_err();
    assert!(
        matches!(err, Error::FileTooShort { needed: 88, .. }),
        "{err:?}"
    );
    assert_eq!(
        std::fs::metadata(&path).unwrap().len(),
        80,
        "the file was grown"
    );
    let err =
        unsafe { MapSpec::new(&path, "'<f8'", 4, vec![2], Order::C, Mode::ReadOnly).open::<f64>() }
            .unwrap_err();
    assert!(matches!(err, Error::Misaligned { .. }), "{err:?}");

    // A `DynArray` made in memory has no file.
    let mem = DynArray::from_bytes(u8::dtype(), vec![2], Order::C, &[1, 2]).unwrap();
    assert!(matches!(
        mem.spec(),
        Err(Error::Spec {
            problem: SpecProblem::InMemory,
            ..
        })
    ));
    // A map whose file was removed has no path to resolve.
    std::fs::remove_file(&path).unwrap();
    assert!(matches!(m.spec(), Err(Error::Io { .. })));
}
