//! `tmm convert --to npy` writes what numpy reads back as the input's array: the same dtype,
//! shape, order and values, and the same bytes `np.save(out, np.load(input))` writes.

mod common;

use std::ffi::OsStr;

use common::{numpy, stderr, tmm};

/// One input: `make` is Python that writes the file `p` (numpy is `np`); `expect` is the
/// Python expression of the array numpy reads from `p` (as the tool should); `args` are the
/// input arguments of `tmm convert` after the file.
struct Case {
    name: &'static str,
    make: &'static str,
    expect: &'static str,
    args: &'static [&'static str],
}

const RECORD: &str = "np.dtype([('t', '<i8'), ('pos', [('x', '<f4'), ('y', '>f8')]), \
    ('s', 'S5'), ('u', '<U3'), ('f', '<i2', (2, 3)), ('b', '?'), ('d', '<M8[us]'), \
    ('dt', '>m8[s]'), ('z', '<c16'), ('h', '<f2')], align=True)";

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "f8",
            make: "np.save(p, np.array([0.1, -0.0, np.nan, np.inf, 1e300, 5e-324]))",
            expect: "np.load(p)",
            args: &[],
        },
        Case {
            name: "big-endian 2-d",
            make: "np.save(p, np.arange(-12, 12, dtype='>i4').reshape(6, 4))",
            expect: "np.load(p)",
            args: &[],
        },
        Case {
            name: "F order 3-d",
            make: "np.save(p, np.asfortranarray(np.arange(60, dtype='<u2').reshape(3, 4, 5)))",
            expect: "np.load(p)",
            args: &[],
        },
        Case {
            name: "F order one long axis",
            make: "np.save(p, np.asfortranarray(np.arange(5.0, dtype='<f4').reshape(1, 5)))",
            expect: "np.load(p)",
            args: &[],
        },
        Case {
            name: "aligned records",
            make: "a = np.zeros(7, RECORD)\n\
                   a['t'] = np.arange(7) * 10**15\n\
                   a['pos']['x'] = np.linspace(-1, 1, 7)\n\
                   a['pos']['y'] = np.nan\n\
                   a['s'] = [b'ab', b'', b'\\xff\\x00x', b'12345', b'q', b'r', b's']\n\
                   a['u'] = ['h\\u00e9', '', 'abc', '\\u4e2d', 'x', 'y', 'z']\n\
                   a['f'] = np.arange(42).reshape(7, 2, 3)\n\
                   a['b'] = [True, False] * 3 + [True]\n\
                   a['d'] = ['2020-01-01T00:00:00.5', 'NaT', '1969-12-31', '2000-02-29', \
                             '1900-01-01', '2262-04-11', 'NaT']\n\
                   a['dt'] = [1, -1, 0, 'NaT', 10**9, 3, 4]\n\
                   a['z'] = [complex(1, -2), complex(np.nan, np.inf), 0, 1j, -1, 2, 3]\n\
                   a['h'] = [0.1, 65504, -0.0, np.inf, 1e-7, 2, 3]\n\
                   np.save(p, a)",
            expect: "np.load(p)",
            args: &[],
        },
        Case {
            name: "big-endian record 2-d F order",
            make: "a = np.zeros((4, 3), [('a', '>i8'), ('b', '>f4')], order='F')\n\
                   a['a'] = np.arange(12).reshape(4, 3)\n\
                   a['b'] = a['a'] / 3\n\
                   np.save(p, a)",
            expect: "np.load(p)",
            args: &[],
        },
        Case {
            name: "0-d",
            make: "np.save(p, np.array(2.5, '<f8'))",
            expect: "np.load(p)",
            args: &[],
        },
        Case {
            name: "empty",
            make: "np.save(p, np.zeros((0, 3), '<i2'))",
            expect: "np.load(p)",
            args: &[],
        },
        Case {
            name: "strings and datetimes",
            make: "np.save(p, np.array(['2001-02-03T04:05', 'NaT'], 'M8[m]'))",
            expect: "np.load(p)",
            args: &[],
        },
        Case {
            name: "raw F order with offset",
            make: "open(p, 'wb').write(b'\\x01' * 7 + np.arange(12, dtype='<i4').tobytes() + \
                   b'tail')",
            expect: "np.memmap(p, dtype='<i4', offset=7, shape=(3, 4), order='F', mode='r')",
            args: &[
                "--dtype", "<i4", "--offset", "7", "--shape", "3,4", "--order", "F",
            ],
        },
        Case {
            name: "raw records, length inferred",
            make: "np.arange(40, dtype='<u1').tofile(p)",
            expect: "np.memmap(p, dtype=[('a', '<u2'), ('b', '>f4'), ('c', 'S2')], mode='r')",
            args: &["--dtype", "[('a', '<u2'), ('b', '>f4'), ('c', 'S2')]"],
        },
        Case {
            name: "raw subarray dtype, F order 2-d (F over the whole shape, as np.memmap)",
            make: "np.arange(72, dtype='<f4').tofile(p)",
            expect: "np.memmap(p, dtype=('<f4', (3,)), shape=(4, 6), order='F', mode='r')",
            args: &["--dtype", "('<f4', (3,))", "--shape", "4,6", "--order", "F"],
        },
        Case {
            name: "raw subarray dtype, F order 1-d",
            make: "np.arange(60, dtype='<u4').tofile(p)",
            expect: "np.memmap(p, dtype=('<u4', (3,)), order='F', mode='r')",
            args: &["--dtype", "('<u4', (3,))", "--order", "F"],
        },
        Case {
            name: "raw subarray dtype, 1-d",
            make: "np.arange(24, dtype='>i2').tofile(p)",
            expect: "np.memmap(p, dtype=('>i2', (2, 3)), mode='r')",
            args: &["--dtype", "('>i2', (2, 3))"],
        },
        Case {
            name: "log with a torn tail",
            make: "open(p, 'wb').write(b'H' * 16 + np.arange(9, dtype='<u8').tobytes() + b'xyz')",
            expect: "np.memmap(p, dtype='<u8', offset=16, shape=(9,), mode='r')",
            args: &["--dtype", "<u8", "--header-len", "16"],
        },
        Case {
            name: "many chunks of records",
            make: "a = np.zeros(700_001, [('i', '<i8'), ('x', '<f8'), ('k', 'u1')])\n\
                   a['i'] = np.arange(len(a))\n\
                   a['x'] = np.sqrt(a['i'])\n\
                   a['k'] = a['i'] % 251\n\
                   np.save(p, a)",
            expect: "np.load(p)",
            args: &[],
        },
        Case {
            name: "many chunks, F order gathered",
            make: "np.save(p, np.asfortranarray(np.arange(1_200_000, dtype='<f8').reshape(1000, \
                   1200)))",
            expect: "np.load(p)",
            args: &[],
        },
    ]
}

const CHECK: &str = "
import json
def same(a, b):
    # Values bit for bit (NaN payloads too), plus dtype, shape and order.
    return (a.dtype == b.dtype and a.shape == b.shape
            and np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(b).tobytes())
for p, out, ref, expect in json.loads(sys.argv[1]):
    a = eval(expect)
    b = np.load(out)
    np.save(ref, a)
    saved = open(ref, 'rb').read() == open(out, 'rb').read()
    print(json.dumps([same(a, b), saved, bool(b.flags.f_contiguous and not b.flags.c_contiguous),
                      str(b.dtype), list(b.shape)]))
";

#[test]
fn numpy_loads_what_it_would_have_saved() {
    let dir = tempfile::tempdir().unwrap();
    let cases = cases();
    let path = |i: usize, what: &str| dir.path().join(format!("{i}.{what}"));
    let make: String = cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let p = path(i, "in.npy");
            format!(
                "p = {:?}\n{}\n",
                p.to_str().unwrap(),
                c.make.replace("RECORD", RECORD)
            )
        })
        .collect();
    numpy(&make, &[]);
    let mut jobs = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let (input, out) = (path(i, "in.npy"), path(i, "out.npy"));
        let mut args: Vec<&dyn AsRef<OsStr>> = vec![&"convert", &input];
        args.extend(c.args.iter().map(|a| a as &dyn AsRef<OsStr>));
        args.extend([&"--to" as &dyn AsRef<OsStr>, &"npy", &"-o", &out]);
        let run = tmm(&args);
        assert!(run.status.success(), "{}: {}", c.name, stderr(&run));
        let torn = stderr(&run).contains("partial (torn) record");
        assert_eq!(
            torn,
            c.name.contains("torn"),
            "{}: {}",
            c.name,
            stderr(&run)
        );
        jobs.push(serde_json::json!([
            input.to_str().unwrap(),
            out.to_str().unwrap(),
            path(i, "ref.npy").to_str().unwrap(),
            c.expect,
        ]));
    }
    let report = numpy(CHECK, &[&serde_json::Value::Array(jobs).to_string()]);
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines.len(), cases.len());
    for (c, line) in cases.iter().zip(lines) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v[0], true, "{}: values differ: {line}", c.name);
        assert_eq!(
            v[1], true,
            "{}: not the bytes np.save writes: {line}",
            c.name
        );
        let f_order = c.name.contains("F order") && !c.name.contains("one long axis");
        assert_eq!(v[2], f_order, "{}: order: {line}", c.name);
    }
}

/// `--fields` gives numpy's `arr['a']` for one field and `repack_fields(arr[['a', 'b']])`
/// for several (nested ones by their dotted name).
#[test]
fn fields_select_and_repack() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("r.npy");
    numpy(
        "a = np.zeros((5, 2), np.dtype([('a', '<i4'), ('p', [('x', '>f8'), ('y', '<f2')]), \
         ('v', '<u2', (3,))], align=True), order='F')\n\
         a['a'] = np.arange(10).reshape(5, 2)\n\
         a['p']['x'] = a['a'] * 0.5\n\
         a['p']['y'] = -a['a']\n\
         a['v'] = np.arange(30).reshape(5, 2, 3)\n\
         np.save(sys.argv[1], a)",
        &[&input],
    );
    // The last column: whether the file is byte for byte `np.save` of numpy's selection
    // (header, memory order and all; a one-field view of an F-order array is neither C- nor
    // F-contiguous, so numpy writes it in C order).
    let cases: [(&str, &str, bool); 5] = [
        ("p.x", "a['p']['x']", true),
        ("a", "a['a']", true),
        ("v", "a['v']", true),
        ("v,a", "rf.repack_fields(a[['v', 'a']])", true),
        (
            "a,p.y",
            "np.rec.fromarrays([a['a'], a['p']['y']], names=['a', 'p.y'])",
            false,
        ),
    ];
    for (fields, expect, exact) in cases {
        let out = dir.path().join(format!("{fields}.npy"));
        let run = tmm(&[
            &"convert",
            &input,
            &"--fields",
            &fields,
            &"--to",
            &"npy",
            &"-o",
            &out,
        ]);
        assert!(run.status.success(), "{fields}: {}", stderr(&run));
        let verdict = numpy(
            &format!(
                "import io\nimport numpy.lib.recfunctions as rf\na = np.load(sys.argv[1])\n\
                 e = np.asarray({expect})\n{FIELDS_CHECK}\n\
                 if {exact}:\n\
                 \x20   saved = io.BytesIO(); np.save(saved, e)\n\
                 \x20   ok = ok and saved.getvalue() == open(sys.argv[2], 'rb').read()\n\
                 print(ok)",
                exact = if exact { "True" } else { "False" },
            ),
            &[&input, &out],
        );
        assert_eq!(verdict.trim(), "True", "--fields {fields} vs {expect}");
    }
    let out = dir.path().join("nope.npy");
    let run = tmm(&[
        &"convert",
        &input,
        &"--fields",
        &"nope",
        &"--to",
        &"npy",
        &"-o",
        &out,
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("nope"), "{}", stderr(&run));
    assert!(!out.exists());
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(
        names.iter().all(|n| !n
            .as_ref()
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("tmm-tmp")),
        "a temporary file was left: {names:?}"
    );
}

/// `b` (the output) against `e` (numpy's selection): `ok` when they have the same names,
/// dtypes, shape and values, and for several fields no padding.
const FIELDS_CHECK: &str = "
b = np.load(sys.argv[2])
if e.dtype.names:
    ok = (b.dtype.names == e.dtype.names and b.shape == e.shape
          and b.dtype.itemsize == sum(e.dtype[n].itemsize for n in e.dtype.names)
          and all(b.dtype[n] == e.dtype[n] and np.array_equal(b[n], e[n])
                  for n in e.dtype.names))
else:
    ok = b.dtype == e.dtype and b.shape == e.shape and np.array_equal(b, e)
";
