//! `tmm check`: 0 for sound files numpy wrote, 1 with findings for damaged ones.

mod common;

use common::{numpy_on, stdout, tmm};

#[test]
fn npy_files() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.npy");
    numpy_on(
        "np.save(sys.argv[1], np.arange(12, dtype='<i8').reshape(3, 4))",
        &good,
    );
    let out = tmm(&[&"check", &good]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("ok"));

    let bytes = std::fs::read(&good).unwrap();
    let short = dir.path().join("short.npy");
    std::fs::write(&short, &bytes[..bytes.len() - 12]).unwrap();
    let out = tmm(&[&"check", &short]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("12 bytes missing"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("10 whole items"), "{}", stdout(&out));

    let long = dir.path().join("long.npy");
    let mut more = bytes.clone();
    more.extend_from_slice(&[1, 2, 3]);
    std::fs::write(&long, &more).unwrap();
    let out = tmm(&[&"check", &long]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("3 trailing bytes"),
        "{}",
        stdout(&out)
    );

    let bad = dir.path().join("bad.npy");
    let mut broken = bytes.clone();
    broken[6] = 9; // version 9.0
    std::fs::write(&bad, &broken).unwrap();
    let out = tmm(&[&"check", &bad]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("version 9.0"), "{}", stdout(&out));
}

#[test]
fn raw_record_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.bin");
    numpy_on(
        "np.zeros(5, dtype=[('a', '<i4'), ('b', '<f8')]).tofile(sys.argv[1])",
        &path,
    );
    let dtype = "[('a', '<i4'), ('b', '<f8')]";
    let out = tmm(&[&"check", &path, &"--dtype", &dtype]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("5 whole records"));

    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(&[9; 5]);
    std::fs::write(&path, &bytes).unwrap();
    let out = tmm(&[&"check", &path, &"--dtype", &dtype]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("torn tail: 5 bytes"),
        "{}",
        stdout(&out)
    );
    // As a log with a 5-byte header the same bytes are whole records.
    let out = tmm(&[&"check", &path, &"--dtype", &dtype, &"--header-len", &"5"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // A shape larger than the file.
    let out = tmm(&[&"check", &path, &"--dtype", &dtype, &"--shape", &"6"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    // An offset past the end.
    let out = tmm(&[&"check", &path, &"--dtype", &dtype, &"--offset", &"1000"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
}
