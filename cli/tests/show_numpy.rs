//! `tmm show` prints what numpy's `print(arr[...])` prints, for files numpy wrote.

mod common;

use common::{numpy, stdout, tmm};

/// Saves `make` (a numpy expression) to a `.npy` and a raw copy, then compares `tmm show`
/// with `print(arr<index>)` for every `(tmm args, numpy index)` case.
fn check(make: &str, cases: &[(&[&str], &str)]) {
    let dir = tempfile::tempdir().unwrap();
    let npy = dir.path().join("a.npy");
    let raw = dir.path().join("a.bin");
    let descr = numpy(
        &format!(
            "a = {make}\nnp.save(sys.argv[1], a)\nnp.ascontiguousarray(a).tofile(sys.argv[2])\n\
             print(repr(np.lib.format.dtype_to_descr(a.dtype)))"
        ),
        &[&npy, &raw],
    );
    let descr = descr.trim();
    for (args, index) in cases {
        let expected = numpy(
            &format!("a = np.load(sys.argv[1], mmap_mode='r')\nprint(a{index})"),
            &[&npy],
        );
        let mut full: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"show", &npy];
        for a in *args {
            full.push(a);
        }
        let out = tmm(&full);
        assert!(out.status.success(), "{args:?}: {}", common::stderr(&out));
        assert_eq!(stdout(&out), expected, "{make} {args:?} vs a{index}");
        // The raw copy with --dtype prints the same (C order, 1-D or given shape).
        let shape = numpy(
            "a = np.load(sys.argv[1])\nprint(','.join(map(str, a.shape)))",
            &[&npy],
        );
        let shape = shape.trim().to_string();
        let mut full: Vec<&dyn AsRef<std::ffi::OsStr>> =
            vec![&"show", &raw, &"--dtype", &descr, &"--shape", &shape];
        for a in *args {
            full.push(a);
        }
        let out = tmm(&full);
        assert!(
            out.status.success(),
            "raw {args:?}: {}",
            common::stderr(&out)
        );
        assert_eq!(stdout(&out), expected, "raw {make} {args:?}");
    }
}

#[test]
fn ints_and_slices() {
    check(
        "np.arange(-50, 50, dtype='<i4')",
        &[
            (&[], ""),
            (&["--head", "7"], "[:7]"),
            (&["--tail", "4"], "[-4:]"),
            (&["--slice", "-10:-2:3"], "[-10:-2:3]"),
            (&["--slice", "::-7"], "[::-7]"),
            (&["--slice", "80:3:-11"], "[80:3:-11]"),
            (&["--slice", "5:5"], "[5:5]"),
        ],
    );
}

#[test]
fn floats_big_endian_and_long_arrays() {
    check(
        "(np.arange(5000) * 0.37 - 3).astype('>f8')",
        &[
            (&[], ""),
            (&["--slice", "1::2"], "[1::2]"),
            (&["--head", "12"], "[:12]"),
            (&["--slice", "::-1"], "[::-1]"),
        ],
    );
    check(
        "np.linspace(0, 1, 3001, dtype='<f4').reshape(3001)",
        &[(&[], ""), (&["--slice", "1000:2002"], "[1000:2002]")],
    );
}

#[test]
fn two_dimensional_and_fortran() {
    check(
        "np.arange(4000, dtype='<i2').reshape(400, 10)",
        &[
            (&[], ""),
            (&["--slice", "100:"], "[100:]"),
            (&["--head", "3"], "[:3]"),
        ],
    );
    check(
        "np.asfortranarray(np.arange(24, dtype='<u8').reshape(6, 4))",
        &[
            (&[], ""),
            (&["--slice", "::2"], "[::2]"),
            (&["--tail", "2"], "[-2:]"),
        ],
    );
}

#[test]
fn records_fields_strings_and_datetimes() {
    let make = "np.array([(i, i / 7, (i, -i), b'ab' * (i % 3), 'x' * (i % 4), \
                np.datetime64('2024-01-01T00:00') + np.timedelta64(i * 61, 'm')) \
                for i in range(1500)], dtype=[('id', '<i8'), ('px', '<f4'), \
                ('pos', [('x', '<i2'), ('y', '<i2')]), ('tag', 'S6'), ('name', '<U3'), \
                ('at', '<M8[m]')])";
    check(
        make,
        &[
            (&[], ""),
            (&["--head", "4"], "[:4]"),
            (
                &["--fields", "px,tag", "--head", "5"],
                "[['px', 'tag']][:5]",
            ),
            (
                &["--fields", "name,id", "--tail", "3"],
                "[['name', 'id']][-3:]",
            ),
            (&["--fields", "at"], "['at']"),
            (&["--fields", "pos.y", "--head", "6"], "['pos']['y'][:6]"),
            (&["--fields", "px"], "['px']"),
        ],
    );
}

#[test]
fn bools_complex_and_subarrays() {
    check(
        "np.arange(20) % 3 == 0",
        &[(&[], ""), (&["--slice", "::4"], "[::4]")],
    );
    check(
        "(np.arange(8) + 1j * np.arange(8)[::-1]).astype('<c16')",
        &[(&[], ""), (&["--tail", "3"], "[-3:]")],
    );
    check(
        "np.zeros(5, dtype=[('v', '<f4', (3,)), ('n', '<u1')])",
        &[(&[], ""), (&["--fields", "v"], "['v']")],
    );
}

#[test]
fn summarized_selections_of_many_axes() {
    check(
        "np.arange(60000, dtype='<i4').reshape(30, 40, 50)",
        &[
            (&["--slice", "2:-2"], "[2:-2]"),
            (&["--slice", "::-9"], "[::-9]"),
        ],
    );
    check(
        "np.arange(6000, dtype='<u2').reshape(3, 2000)",
        &[(&["--slice", "1:"], "[1:]"), (&["--tail", "1"], "[-1:]")],
    );
}
