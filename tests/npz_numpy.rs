//! `.npz` compatibility with real numpy, both directions, and malformed archives.
//!
//! - numpy → us: `npz_numpy/cases.py` writes the same 16 arrays (every dtype family, records
//!   packed and aligned, 0-d, empty, F order, big-endian) with `np.savez` and
//!   `np.savez_compressed`; we list both archives, read every member (values checked byte for
//!   byte against numpy's and, decoded, by `npy_numpy/compare_json.py`), map the stored ones
//!   (the map is a mapping of the archive file at the member's data offset, found in
//!   `/proc/self/maps` on Linux) and refuse to map the deflated ones.
//! - us → numpy: archives made by `npz::Writer` (stored and deflated, from typed slices and
//!   from `DynArray`s) load in `np.load` with equal values; stored data is 64-byte aligned
//!   and every member carries zip64 sizes in its local header, as numpy's do.
//! - zip64: numpy forces zip64 on every member (`force_zip64=True`), so each numpy member
//!   read here has zip64 sizes in its local header; and `npz_numpy/big.py` writes a sparse
//!   archive with a 4 GiB + 64 byte stored member, zip64 throughout, which we list and map
//!   (numpy is not asked to write that one: it would write every zero byte).
//! - `npz_numpy/malformed.py` breaks numpy archives in 11 ways; each is a typed error naming
//!   the archive (and the member where there is one), never a panic.
#![cfg(feature = "npz")]
#![cfg_attr(miri, allow(unused))]

mod common;
#[path = "../examples/npy2json/json.rs"]
mod json;

use std::path::Path;

use typed_memmap::byteorder::{BigEndian, LittleEndian, F64, I32};
use typed_memmap::npz::{self, Archive, Compression, NpzProblem};
use typed_memmap::{
    bytes_of, Bool, DynArray, Element, Error, FixedBytes, Options, Order, Record, Value,
};

const ZIPINFO: &str = include_str!("npz_numpy/zipinfo.py");
const CASES: &str = include_str!("npz_numpy/cases.py");
const LOAD_OURS: &str = include_str!("npz_numpy/load_ours.py");
const MALFORMED: &str = include_str!("npz_numpy/malformed.py");
const BIG: &str = include_str!("npz_numpy/big.py");
const COMPARE: &str = include_str!("npy_numpy/compare_json.py");

/// numpy's `[('a', '<i4'), ('b', '<f8'), ('c', 'S3')]` (packed, as numpy lays it out).
#[derive(Record, Clone, Copy, Debug)]
#[repr(C, packed)]
struct Rec {
    a: i32,
    b: f64,
    c: FixedBytes<3>,
}

/// One member as numpy sees it.
#[derive(Debug)]
struct Seen {
    archive: String,
    name: String,
    descr: String,
    shape: Vec<usize>,
    order: Order,
    bytes: Vec<u8>,
}

/// One member's place in the archive, from its local header (python's `zipinfo.describe`).
#[derive(Debug)]
struct Place {
    archive: String,
    file_name: String,
    compression: Compression,
    start: u64,
    data: Option<u64>,
    zip64: bool,
}

fn unhex(s: &str) -> Vec<u8> {
    if s == "-" {
        return Vec::new();
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Runs a script with zipinfo.py prepended and parses its `member` and `zip` lines.
fn run(script: &str, args: &[&dyn AsRef<std::ffi::OsStr>]) -> (Vec<Seen>, Vec<Place>) {
    let report = common::numpy(&format!("{ZIPINFO}\n{script}"), args);
    let (mut seen, mut places) = (Vec::new(), Vec::new());
    for line in report.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match f[0] {
            "member" => seen.push(Seen {
                archive: f[1].to_string(),
                name: f[2].to_string(),
                descr: f[3].to_string(),
                shape: if f[4].is_empty() {
                    vec![]
                } else {
                    f[4].split(',').map(|d| d.parse().unwrap()).collect()
                },
                order: if f[5] == "1" { Order::F } else { Order::C },
                bytes: unhex(f[6]),
            }),
            "zip" => places.push(Place {
                archive: f[1].to_string(),
                file_name: f[2].to_string(),
                compression: match f[3] {
                    "stored" => Compression::Stored,
                    _ => Compression::Deflated,
                },
                start: f[4].parse().unwrap(),
                data: f[5].parse::<i64>().unwrap().try_into().ok(),
                zip64: f[6] == "1",
            }),
            _ => panic!("unexpected line from python: {line}"),
        }
    }
    (seen, places)
}

/// The file and file offset behind `addr` in this process, from `/proc/self/maps`.
#[cfg(target_os = "linux")]
fn mapping_of(addr: usize) -> Option<(std::path::PathBuf, u64)> {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    maps.lines().find_map(|line| {
        let mut f = line.split_whitespace();
        let (range, _perms, offset) = (f.next()?, f.next()?, f.next()?);
        let (_dev, _inode, file) = (f.next()?, f.next()?, f.next()?);
        let (start, end) = range.split_once('-')?;
        let start = usize::from_str_radix(start, 16).ok()?;
        let end = usize::from_str_radix(end, 16).ok()?;
        let offset = u64::from_str_radix(offset, 16).ok()?;
        (start <= addr && addr < end).then(|| {
            (
                std::path::PathBuf::from(file),
                offset + (addr - start) as u64,
            )
        })
    })
}

/// Asserts that `bytes` are mapped from `archive` at `offset`: on Linux, the address lies in
/// a mapping of the archive file at exactly that file offset; everywhere, the bytes are those
/// of a map of the whole archive at that offset.
fn assert_mapped_at(bytes: &[u8], archive: &Path, offset: u64, what: &str) {
    // SAFETY: the test's temp files are not modified while mapped.
    let whole = unsafe { Options::<u8>::new().open(archive) }.unwrap();
    let at = offset as usize;
    assert_eq!(&whole[at..at + bytes.len()], bytes, "{what}");
    #[cfg(target_os = "linux")]
    if !bytes.is_empty() {
        let (file, file_offset) = mapping_of(bytes.as_ptr() as usize).expect("a mapping");
        assert_eq!(file, archive.canonicalize().unwrap(), "{what}: mapped file");
        assert_eq!(
            file_offset, offset,
            "{what}: the map's data is not at the member's offset"
        );
    }
}

/// Decoded values of `a`, as JSON, into `<dir>/<name>.ours.json`.
fn dump(dir: &Path, name: &str, a: &DynArray) {
    let mut out = Vec::new();
    json::write_array(&mut out, a).unwrap();
    std::fs::write(dir.join(format!("{name}.ours.json")), out).unwrap();
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn numpy_archives_list_read_and_map_with_numpys_values() {
    let dir = tempfile::tempdir().unwrap();
    let (seen, places) = run(CASES, &[&dir.path()]);
    assert!(seen.len() >= 24, "{} members", seen.len());
    let mut dumped = Vec::new();
    for (archive_name, prefix) in [("stored", "s_"), ("deflated", "d_")] {
        let path = dir.path().join(format!("{archive_name}.npz"));
        let archive = Archive::open(&path).unwrap();
        let ours: Vec<&str> = archive.members().iter().map(|m| m.name()).collect();
        let theirs: Vec<&Seen> = seen.iter().filter(|s| s.archive == archive_name).collect();
        let names: Vec<&str> = theirs.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(ours, names, "{archive_name}: member names and order");
        let places: Vec<&Place> = places
            .iter()
            .filter(|p| p.archive == archive_name)
            .collect();
        for (s, place) in theirs.iter().zip(&places) {
            let what = format!("{archive_name}:{}", s.name);
            let m = archive.member(&s.name).unwrap();
            assert_eq!(m.file_name(), place.file_name, "{what}");
            assert_eq!(
                archive.member(m.file_name()).unwrap(),
                m,
                "{what}: by file name"
            );
            assert_eq!(m.descr(), s.descr, "{what}: descr");
            assert_eq!(m.shape(), s.shape, "{what}: shape");
            assert_eq!(m.order(), s.order, "{what}: order");
            assert_eq!(m.compression(), place.compression, "{what}: compression");
            assert_eq!(m.range().start, place.start, "{what}: start");
            assert_eq!(m.data_range().map(|r| r.start), place.data, "{what}: data");
            assert_eq!(m.nbytes(), s.bytes.len() as u64, "{what}: nbytes");

            // Read: the bytes numpy has, through the archive and the free function.
            let copy = archive.read_dyn(&s.name).unwrap();
            assert_eq!(copy.as_bytes(), s.bytes, "{what}: read bytes");
            assert_eq!((copy.shape(), copy.order()), (&s.shape[..], s.order));
            let again = npz::read_dyn(&path, &s.name).unwrap();
            assert_eq!(again.as_bytes(), s.bytes, "{what}: npz::read_dyn");
            let case = format!("{prefix}{}", s.name);
            dump(dir.path(), &case, &copy);
            dumped.push(case);

            // Map: stored members in place, deflated ones refused.
            // SAFETY: the test's temp files are not modified while mapped.
            let mapped = unsafe { archive.map_dyn(&s.name) };
            // SAFETY: as above.
            let opened = unsafe { npz::open_dyn(&path, &s.name) };
            match place.data {
                Some(data) => {
                    for map in [mapped.unwrap(), opened.unwrap()] {
                        assert_eq!(map.as_bytes(), s.bytes, "{what}: mapped bytes");
                        assert_eq!(map.data_offset(), data, "{what}");
                        assert_eq!(map.descr(), s.descr, "{what}");
                        assert_mapped_at(map.as_bytes(), &path, data, &what);
                    }
                }
                None => {
                    for err in [mapped.unwrap_err(), opened.unwrap_err()] {
                        assert!(
                            matches!(&err, Error::Npz { member: Some(n), problem:
                                NpzProblem::Compressed { method }, .. }
                                if *n == format!("{}.npy", s.name) && method == "deflated"),
                            "{what}: {err:?}"
                        );
                        assert_eq!(err.path(), Some(path.as_path()));
                        assert!(err.to_string().contains("deflated"), "{err}");
                    }
                }
            }
        }
        typed_members(&path, &archive, &theirs);
    }
    let dir_path = dir.path();
    let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&dir_path, &".ours.json"];
    args.extend(dumped.iter().map(|n| n as &dyn AsRef<std::ffi::OsStr>));
    let report = common::numpy(COMPARE, &args);
    assert_eq!(
        report.trim(),
        format!("ok {}", dumped.len()),
        "numpy disagrees with our values:\n{report}"
    );
}

/// Typed maps and reads of the numpy members that have a Rust type.
fn typed_members(path: &Path, archive: &Archive, seen: &[&Seen]) {
    let bytes = |name: &str| &seen.iter().find(|s| s.name == name).unwrap().bytes;
    let stored = archive.members()[0].is_mappable();
    let x = archive.member("x").unwrap();
    let want: Vec<f64> = bytes("x")
        .chunks(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect();
    // Reads copy, so they work at any offset.
    let read = npz::read::<f64>(path, "x").unwrap();
    assert_eq!(bytes_of(&read), bytes_of(&want));
    assert_eq!(
        bytes_of(&archive.read::<f64>("x").unwrap()),
        bytes_of(&want)
    );
    let recs = archive.read::<Rec>("records").unwrap();
    assert_eq!(({ recs[1].a }, { recs[1].b }), (-3, -0.0));
    assert_eq!(recs[1].c.as_bytes(), b"xyz");
    let be = archive.read::<I32<BigEndian>>("be_i4").unwrap();
    assert_eq!(
        be.iter().map(|v| v.get()).collect::<Vec<_>>(),
        [1, -2, i32::MAX, i32::MIN]
    );
    let flags = archive.read::<Bool>("flags").unwrap();
    assert_eq!(
        flags.iter().map(|b| b.get()).collect::<Vec<_>>(),
        [true, false, true]
    );
    let f = archive.read::<f32>("f4_fortran").unwrap();
    assert_eq!(
        (f.order(), f.get(&[1, 0])),
        (Order::F, Some(&(4.0f32 / 7.0)))
    );
    let err = archive.read::<f32>("x").unwrap_err();
    assert!(matches!(err, Error::DtypeMismatch { .. }), "{err:?}");

    if !stored {
        // SAFETY: the test's temp files are not modified while mapped.
        let err = unsafe { npz::open::<f64>(path, "x") }.unwrap_err();
        assert!(matches!(
            err,
            Error::Npz {
                problem: NpzProblem::Compressed { .. },
                ..
            }
        ));
        return;
    }
    let data = x.data_range().unwrap().start;
    // A typed map of `f64` needs an offset that is a multiple of 8, which numpy does not
    // promise: either it maps, or the error names the offset and the alignment.
    // SAFETY: as above.
    match unsafe { npz::open::<f64>(path, "x") } {
        Ok(m) => {
            assert_eq!(data % 8, 0);
            assert_eq!(bytes_of(&m), bytes_of(&want));
            assert_mapped_at(m.as_bytes(), path, data, "x as f64");
        }
        Err(err) => {
            assert!(
                matches!(err, Error::Misaligned { offset, align: 8, .. } if offset == data),
                "{err:?}"
            );
            assert!(err.to_string().contains(&data.to_string()), "{err}");
        }
    }
    // Alignment-1 types map at any offset.
    // SAFETY: as above.
    let le = unsafe { npz::open::<F64<LittleEndian>>(path, "x") }.unwrap();
    assert_eq!(le.iter().map(|v| v.get().to_bits()).collect::<Vec<_>>(), {
        want.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
    });
    assert_mapped_at(le.as_bytes(), path, data, "x as F64<LE>");
    // SAFETY: as above.
    let recs = unsafe { archive.map::<Rec>("records") }.unwrap();
    assert_eq!(({ recs[0].a }, { recs[0].b }), (1, 2.5));
    assert_eq!(recs[0].c.as_bytes(), b"ab");
    assert_mapped_at(
        recs.as_bytes(),
        path,
        archive
            .member("records")
            .unwrap()
            .data_range()
            .unwrap()
            .start,
        "records",
    );
    // SAFETY: as above.
    let u = unsafe { archive.map::<u8>("u1_3d") }.unwrap();
    assert_eq!((u.shape(), u.get(&[1, 2, 3])), (&[2, 3, 4][..], Some(&23)));
    // SAFETY: as above.
    let zero_d = unsafe { archive.map::<[u8; 8]>("zero_d") }.unwrap_err();
    assert!(matches!(zero_d, Error::DtypeMismatch { .. }), "{zero_d:?}");
    // SAFETY: as above.
    let empty = unsafe { archive.map_dyn("empty_2d") }.unwrap();
    assert_eq!((empty.shape(), empty.len()), (&[3, 0][..], 0));
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn numpy_members_carry_zip64_sizes() {
    // numpy writes every member with `force_zip64=True` (gh-10776): its local header has
    // the zip64 extra field whatever the size, so these small members exercise the zip64
    // path of the reader (`a_member_over_4_gib_maps_in_place` has a real large one).
    let dir = tempfile::tempdir().unwrap();
    let (seen, places) = run(CASES, &[&dir.path()]);
    assert_eq!(places.len(), seen.len());
    for place in &places {
        assert!(place.zip64, "{place:?}");
        let archive = Archive::open(dir.path().join(format!("{}.npz", place.archive))).unwrap();
        assert!(archive
            .members()
            .iter()
            .any(|m| m.file_name() == place.file_name));
    }
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
#[cfg(target_pointer_width = "64")]
fn a_member_over_4_gib_maps_in_place() {
    // `npz_numpy/big.py` writes a 4 GiB + 64 byte stored member with zip64 sizes everywhere
    // (local header, central directory, zip64 end records) as a sparse file, and checks it
    // with Python's zipfile and np.load; numpy itself is not asked to write it (it would write
    // every zero). If the filesystem cannot keep the hole the test still runs, on 4 GiB of
    // real zeros.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.npz");
    let report = common::numpy(&format!("{ZIPINFO}\n{BIG}"), &[&path]);
    let mut lines = report.lines();
    let sparse = lines.next().unwrap();
    let data: u64 = lines.next().unwrap().parse().unwrap();
    eprintln!("big.npz is {sparse}");
    let n = (1u64 << 32) + 64;
    let archive = Archive::open(&path).unwrap();
    let m = archive.member("big").unwrap();
    assert_eq!((m.shape(), m.descr()), (&[n as usize][..], "'|u1'"));
    assert_eq!(m.compression(), Compression::Stored);
    assert_eq!(m.data_range(), Some(data..data + n));
    assert!(m.range().end > 1 << 32);
    // SAFETY: the test's temp files are not modified while mapped.
    let big = unsafe { npz::open::<u8>(&path, "big") }.unwrap();
    assert_eq!(big.len() as u64, n);
    assert_eq!(big[..8], [0; 8]);
    let end = big.len() - 8;
    assert_eq!(big[end..], [1, 2, 3, 4, 5, 6, 7, 8]);
    assert_mapped_at(
        &big[end..],
        &path,
        data + end as u64,
        "the last bytes of big",
    );
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn numpy_loads_archives_we_write() {
    let dir = tempfile::tempdir().unwrap();
    let rec = Rec {
        a: -5,
        b: 0.25,
        c: FixedBytes::from_bytes(b"q").unwrap(),
    };
    let grid: Vec<f64> = (0..6).map(|i| f64::from(i) * 0.5).collect();
    let fortran: Vec<i32> = (1..=6).collect(); // memory order of a 2 x 3 Fortran array
    let be: Vec<I32<BigEndian>> = [7, -7, i32::MAX].map(I32::new).to_vec();
    let dynamic = DynArray::from_bytes(
        Rec::dtype(),
        vec![2],
        Order::C,
        &[bytes_of(&[rec]), bytes_of(&[rec])].concat(),
    )
    .unwrap();
    let mut paths = Vec::new();
    for (name, compression) in [
        ("ours_stored.npz", Compression::Stored),
        ("ours_deflated.npz", Compression::Deflated),
    ] {
        let path = dir.path().join(name);
        let mut out = npz::Writer::create(&path, compression).unwrap();
        out.add("grid", &grid, &[2, 3], Order::C).unwrap();
        out.add("fortran", &fortran, &[2, 3], Order::F).unwrap();
        out.add("zero_d", &[42u8], &[], Order::C).unwrap();
        out.add::<f32>("empty", &[], &[0, 4], Order::C).unwrap();
        out.add("be", &be, &[3], Order::C).unwrap();
        out.add("records", &[rec], &[1], Order::C).unwrap();
        out.add_dyn("dyn_records", &dynamic).unwrap();
        let err = out.add("bad", &grid, &[4], Order::C).unwrap_err();
        assert!(
            matches!(err, Error::LengthMismatch { len: 6, .. }),
            "{err:?}"
        );
        let err = out.add("grid", &grid, &[6], Order::C).unwrap_err();
        assert!(
            matches!(&err, Error::Npz { problem: NpzProblem::Zip { .. }, member: Some(m), .. }
                if m == "grid.npy"),
            "a second `grid`: {err:?}"
        );
        out.finish().unwrap();
        paths.push(path);
    }
    let (seen, places) = run(LOAD_OURS, &[&paths[0], &paths[1]]);
    let expect: [Expected; 7] = [
        ("grid", "'<f8'", &[2, 3], Order::C, bytes_of(&grid).to_vec()),
        (
            "fortran",
            "'<i4'",
            &[2, 3],
            Order::F,
            bytes_of(&fortran).to_vec(),
        ),
        ("zero_d", "'|u1'", &[], Order::C, vec![42]),
        ("empty", "'<f4'", &[0, 4], Order::C, vec![]),
        ("be", "'>i4'", &[3], Order::C, bytes_of(&be).to_vec()),
        (
            "records",
            "[('a', '<i4'), ('b', '<f8'), ('c', '|S3')]",
            &[1],
            Order::C,
            bytes_of(&[rec]).to_vec(),
        ),
        (
            "dyn_records",
            "[('a', '<i4'), ('b', '<f8'), ('c', '|S3')]",
            &[2],
            Order::C,
            dynamic.as_bytes().to_vec(),
        ),
    ];
    for path in &paths {
        let archive = path.to_str().unwrap();
        let theirs: Vec<&Seen> = seen.iter().filter(|s| s.archive == archive).collect();
        assert_eq!(theirs.len(), expect.len(), "{archive}");
        for (s, (name, descr, shape, order, bytes)) in theirs.iter().zip(&expect) {
            let what = format!("{archive}:{name}");
            assert_eq!(
                (s.name.as_str(), s.descr.as_str(), &s.shape[..], s.order),
                (*name, *descr, *shape, *order),
                "{what}"
            );
            assert_eq!(&s.bytes, bytes, "{what}: numpy's values");
        }
        let ours = Archive::open(path).unwrap();
        for place in places.iter().filter(|p| p.archive == archive) {
            // Every member has zip64 sizes in its local header, as numpy writes them.
            assert!(place.zip64, "{place:?}");
            let m = ours.member(&place.file_name).unwrap();
            assert_eq!(m.range().start, place.start, "{place:?}");
            if let Some(data) = place.data {
                assert_eq!(data % 64, 0, "{place:?}: stored data is 64-byte aligned");
                assert_eq!(m.data_range().unwrap().start, data);
            }
        }
        if ours.members()[0].is_mappable() {
            // Aligned, so native types map.
            // SAFETY: the test's temp files are not modified while mapped.
            let g = unsafe { npz::open::<f64>(path, "grid") }.unwrap();
            assert_eq!((g.get(&[1, 2]), g.offset() % 64), (Some(&2.5), 0));
            assert_mapped_at(g.as_bytes(), path, g.offset(), "grid");
            // SAFETY: as above.
            let f = unsafe { ours.map::<i32>("fortran") }.unwrap();
            assert_eq!((f.order(), f.get(&[1, 0])), (Order::F, Some(&2)));
        }
        let d = ours.read_dyn("dyn_records").unwrap();
        assert_eq!(
            d.field("c").unwrap().get(&[1]),
            Some(Value::Bytes(b"q\0\0".to_vec()))
        );
    }
}

/// A member we wrote: name, descr, shape, order, data bytes.
type Expected<'a> = (&'a str, &'a str, &'a [usize], Order, Vec<u8>);

/// The error of an open, a map or a read of member `x` of `<dir>/<case>.npz`.
fn errors_of(dir: &Path, case: &str) -> Vec<Error> {
    let path = dir.join(format!("{case}.npz"));
    let mut errors = Vec::new();
    if let Err(e) = Archive::open(&path) {
        errors.push(e);
    }
    // SAFETY: the test's temp files are not modified while mapped.
    if let Err(e) = unsafe { npz::open_dyn(&path, "x") } {
        errors.push(e);
    }
    if let Err(e) = npz::read_dyn(&path, "x") {
        errors.push(e);
    }
    for e in &errors {
        assert_eq!(e.path(), Some(path.as_path()), "{case}: {e:?}");
        // The message names the archive and says something.
        let text = e.to_string();
        assert!(
            text.starts_with(&path.display().to_string()),
            "{case}: {text}"
        );
    }
    errors
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn malformed_archives_are_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let report = common::numpy(&format!("{ZIPINFO}\n{MALFORMED}"), &[&dir]);
    assert_eq!(report.trim(), "ok");
    let member = |e: &Error| match e {
        Error::Npz { member, .. } => member.clone(),
        _ => None,
    };
    let problem = |e: &Error| match e {
        Error::Npz { problem, .. } => Some(problem.clone()),
        _ => None,
    };
    let x = Some("x.npy".to_string());

    // The good archive has no errors at all.
    assert!(errors_of(dir, "good").is_empty());
    for case in ["not_zip", "empty", "truncated_cd", "no_eocd"] {
        let errors = errors_of(dir, case);
        assert_eq!(errors.len(), 3, "{case}");
        for e in &errors {
            assert!(
                matches!(problem(e), Some(NpzProblem::Zip { .. })),
                "{case}: {e:?}"
            );
            assert!(e.to_string().contains("zip"), "{case}: {e}");
        }
    }
    // A member that is not a `.npy` file: listing fails naming it; `x` itself still reads.
    let e = Archive::open(dir.join("not_npy.npz")).unwrap_err();
    assert_eq!(member(&e).as_deref(), Some("readme.txt"), "{e:?}");
    assert_eq!(problem(&e), Some(NpzProblem::NotNpy));
    assert!(e.to_string().contains("`.npy`"), "{e}");
    let e = npz::read_dyn(dir.join("not_npy.npz"), "readme.txt").unwrap_err();
    assert_eq!(problem(&e), Some(NpzProblem::NotNpy), "{e:?}");
    assert_eq!(
        npz::read::<i64>(dir.join("not_npy.npz"), "x")
            .unwrap()
            .len(),
        3
    );

    let errors = errors_of(dir, "lying_shape");
    assert_eq!(errors.len(), 3);
    for e in &errors {
        assert_eq!(member(e), x, "{e:?}");
        // 128 bytes of header + 4000 bytes of data, in a 168-byte member.
        assert_eq!(
            problem(e),
            Some(NpzProblem::TooShort {
                needed: 4128,
                size: 168
            }),
            "{e:?}"
        );
        assert!(e.to_string().contains("4128"), "{e}");
    }
    let errors = errors_of(dir, "bad_header");
    assert_eq!(errors.len(), 3);
    for e in &errors {
        assert_eq!(member(e), x, "{e:?}");
        assert!(
            matches!(problem(e), Some(NpzProblem::Header { .. })),
            "{e:?}"
        );
    }
    let errors = errors_of(dir, "past_end");
    assert_eq!(errors.len(), 3);
    for e in &errors {
        assert_eq!(member(e), x, "{e:?}");
        assert!(
            matches!(problem(e), Some(NpzProblem::PastEnd { .. })),
            "{e:?}"
        );
    }
    // Damaged deflate data: the listing (the header is in the first, intact bytes) is fine,
    // the map is refused as for any deflated member, and the read notices the damage.
    let errors = errors_of(dir, "bad_deflate");
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(matches!(
        problem(&errors[0]),
        Some(NpzProblem::Compressed { .. })
    ));
    assert_eq!(member(&errors[1]), x, "{:?}", errors[1]);
    assert!(
        matches!(problem(&errors[1]), Some(NpzProblem::Zip { .. })),
        "{:?}",
        errors[1]
    );
    assert!(
        errors[1].to_string().contains("decompress"),
        "{}",
        errors[1]
    );
    let errors = errors_of(dir, "bzip2");
    assert_eq!(errors.len(), 3);
    for e in &errors {
        assert_eq!(member(e), x, "{e:?}");
        assert!(
            matches!(problem(e), Some(NpzProblem::Method { .. })),
            "{e:?}"
        );
    }
    // Missing member: the error lists the members there are.
    // SAFETY: the test's temp files are not modified while mapped.
    let e = unsafe { npz::open::<f64>(dir.join("good.npz"), "z") }.unwrap_err();
    assert_eq!(member(&e).as_deref(), Some("z"));
    assert_eq!(
        problem(&e),
        Some(NpzProblem::Missing {
            members: vec!["x".into(), "y".into()]
        })
    );
    assert!(e.to_string().contains("`x`, `y`"), "{e}");
    let e = Archive::open(dir.join("good.npz"))
        .unwrap()
        .member("z")
        .unwrap_err();
    assert!(matches!(problem(&e), Some(NpzProblem::Missing { members }) if members.len() == 2));
    // A map of a deflated member.
    // SAFETY: as above.
    let e = unsafe { npz::open::<f64>(dir.join("deflated.npz"), "x") }.unwrap_err();
    assert_eq!(
        (member(&e), problem(&e)),
        (
            x.clone(),
            Some(NpzProblem::Compressed {
                method: "deflated".into()
            })
        )
    );
    assert!(e.to_string().contains("compressed") || e.to_string().contains("deflated"));
    // A missing file and a directory are I/O errors naming the path.
    let e = Archive::open(dir.join("absent.npz")).unwrap_err();
    assert!(matches!(e, Error::Io { .. }), "{e:?}");
    let e = Archive::open(dir).unwrap_err();
    assert!(matches!(e, Error::Io { .. } | Error::Npz { .. }), "{e:?}");
}

/// Every read of every member of `path`, as far as it gets: errors are fine, panics are not.
fn read_everything(path: &Path) -> Result<usize, Error> {
    let archive = Archive::open(path)?;
    let mut bytes = 0;
    for m in archive.members() {
        bytes += archive.read_dyn(m.name())?.as_bytes().len();
        if m.is_mappable() {
            // SAFETY: the test's temp files are not modified while mapped.
            bytes += unsafe { archive.map_dyn(m.name()) }?.as_bytes().len();
        }
    }
    Ok(bytes)
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn archives_cut_or_damaged_anywhere_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut good = Vec::new();
    for (name, compression) in [("s", Compression::Stored), ("d", Compression::Deflated)] {
        let path = dir.path().join(format!("{name}.npz"));
        let mut out = npz::Writer::create(&path, compression).unwrap();
        out.add("x", &[1.5f64, -2.0, 3.25], &[3], Order::C).unwrap();
        out.add("y", &[7u16; 6], &[2, 3], Order::F).unwrap();
        out.finish().unwrap();
        assert_eq!(
            read_everything(&path).unwrap(),
            if name == "s" { 72 } else { 36 }
        );
        good.push(std::fs::read(&path).unwrap());
    }
    let path = dir.path().join("bad.npz");
    let (mut ok, mut failed) = (0, 0);
    for bytes in &good {
        // Every third byte flipped, and cuts every 5 bytes plus at every length in the last
        // 100 (the end records), to keep the test short in debug builds.
        let damaged = (0..bytes.len()).step_by(3).map(|i| {
            let mut b = bytes.clone();
            b[i] ^= 0xa5;
            b
        });
        let cuts = (0..bytes.len())
            .filter(|&n| n % 5 == 0 || n + 100 > bytes.len())
            .map(|n| bytes[..n].to_vec());
        for bad in cuts.chain(damaged) {
            std::fs::write(&path, &bad).unwrap();
            match read_everything(&path) {
                Ok(_) => ok += 1,
                Err(e) => {
                    assert_eq!(e.path(), Some(path.as_path()), "{e:?}");
                    failed += 1;
                }
            }
        }
    }
    // A flipped byte in stored data or in a header's padding goes unnoticed (no CRC is
    // checked there); everything else is an error.
    assert!(failed > ok, "{failed} errors, {ok} reads");
}
