//! `tmm convert --to parquet` and `--to arrow`: pyarrow reads back numpy's values, column by
//! column (nested records as structs, subarrays and the other axes of an n-d array as fixed
//! size lists, datetimes as timestamps, NaT as null).

mod common;

use std::ffi::OsStr;

use common::{numpy, stderr, tmm};

/// Python that reads `out` with pyarrow and compares it with `a`, numpy's array; prints
/// the problems, one per line (nothing when all agree).
const CHECK: &str = r#"
import pyarrow as pa, pyarrow.parquet as pq, pyarrow.ipc
fmt, out, expect, p = sys.argv[1:5]
a = eval(expect)
if fmt == 'parquet':
    t = pq.read_table(out)
else:
    with pa.memory_map(out) as source:
        t = pa.ipc.open_file(source).read_all()
problems = []
def bad(*what):
    if len(problems) < 20:
        problems.append(' '.join(map(str, what)))

def native(v):
    return v.astype(v.dtype.newbyteorder('='))

def check(col, v, where):
    # `col` holds the rows of `v` (shape (rows, ...)).
    if len(col) != v.shape[0]:
        return bad(where, 'length', len(col), 'vs', v.shape[0])
    if v.ndim > 1:
        if not pa.types.is_fixed_size_list(col.type) or col.type.list_size != v.shape[1]:
            return bad(where, 'type', col.type, 'for shape', v.shape)
        return check(col.flatten(), v.reshape((-1,) + v.shape[2:]), where + '[]')
    dt = v.dtype
    k = dt.kind
    if dt.names:
        names = [f.name for f in col.type]
        if names != list(dt.names):
            return bad(where, 'fields', names, dt.names)
        for n in dt.names:
            check(col.field(n), v[n], where + '.' + n)
    elif k in 'biu':
        x = col.to_numpy(zero_copy_only=False)
        if not np.array_equal(x, v):
            bad(where, x[:5], v[:5])
    elif k == 'f':
        x = col.to_numpy(zero_copy_only=False)
        bits = 'u%d' % dt.itemsize
        if x.dtype != native(v).dtype or not np.array_equal(x.view(bits), native(v).view(bits)):
            bad(where, x[:5], v[:5])
    elif k == 'c':
        check(col.field('re'), np.ascontiguousarray(v.real), where + '.re')
        check(col.field('im'), np.ascontiguousarray(v.imag), where + '.im')
    elif k in 'SV':
        want = [v[i:i + 1].tobytes() for i in range(len(v))]
        if col.to_pylist() != want:
            bad(where, col.to_pylist()[:3], want[:3])
    elif k == 'U':
        if col.to_pylist() != v.tolist():
            bad(where, col.to_pylist()[:3], v.tolist()[:3])
    elif k in 'Mm':
        x = col.to_numpy(zero_copy_only=False)
        nat = np.isnat(v)
        if not (np.array_equal(np.isnat(x), nat) and (x[~nat] == v[~nat]).all()):
            bad(where, x[:5], v[:5])
        if col.null_count != nat.sum():
            bad(where, 'nulls', col.null_count, 'vs NaT', nat.sum())
    else:
        bad(where, 'kind', k)

rows = a.reshape(1) if a.ndim == 0 else a
if a.dtype.names:
    names = [f.name for f in t.schema]
    if names != list(a.dtype.names):
        bad('columns', names, a.dtype.names)
    for n in a.dtype.names:
        check(t.column(n).combine_chunks(), rows[n], n)
else:
    if t.schema.names != ['values']:
        bad('columns', t.schema.names)
    check(t.column('values').combine_chunks(), rows, 'values')
for line in problems:
    print(line)
"#;

fn check(name: &str, make: &str, args: &[&str], expect: &str) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.npy");
    numpy(&format!("p = sys.argv[1]\n{make}"), &[&input]);
    for fmt in ["parquet", "arrow"] {
        let out = dir.path().join(format!("out.{fmt}"));
        let mut full: Vec<&dyn AsRef<OsStr>> = vec![&"convert", &input];
        full.extend(args.iter().map(|a| a as &dyn AsRef<OsStr>));
        full.extend([&"--to" as &dyn AsRef<OsStr>, &fmt, &"-o", &out]);
        let run = tmm(&full);
        assert!(run.status.success(), "{name} {fmt}: {}", stderr(&run));
        let problems = numpy(CHECK, &[&fmt, &out, &expect, &input]);
        assert!(problems.is_empty(), "{name} {fmt}:\n{problems}");
    }
}

#[test]
fn records_of_every_kind() {
    check(
        "records",
        "a = np.zeros(6, np.dtype([('t', '<i8'), ('pos', [('x', '<f4'), ('y', '>f8')]), \
         ('s', 'S4'), ('u', '<U3'), ('f', '<i2', (2, 3)), ('b', '?'), ('d', '<M8[us]'), \
         ('day', '<M8[D]'), ('dt', '>m8[s]'), ('z', '<c16'), ('h', '<f2'), ('w', '>u4')], \
         align=True))\n\
         a['t'] = [-2**63, 2**63 - 1, 0, 1, -1, 7]\n\
         a['pos']['x'] = [0.1, np.nan, np.inf, -0.0, 1e-45, 3]\n\
         a['pos']['y'] = [0.1, 5e-324, 1e300, np.nan, -0.0, 2]\n\
         a['s'] = [b'a,b', b'', b'\\xff\\x01', b'1234', b'q', b'x\\x00y']\n\
         a['u'] = ['h\\u00e9', '', 'abc', '\\u4e2d', 'x', '\\U0001f600']\n\
         a['f'] = np.arange(36).reshape(6, 2, 3) - 18\n\
         a['b'] = [True, False, True, False, True, True]\n\
         a['d'] = ['2020-01-01T00:00:00.5', 'NaT', '1969-12-31', '2000-02-29', '1900-01-01', \
         '2262-04-11']\n\
         a['day'] = ['2020-01-01', '1970-01-01', 'NaT', '1600-03-01', '2400-12-31', \
         '1969-12-31']\n\
         a['dt'] = [1, -1, 0, 'NaT', 10**9, 3]\n\
         a['z'] = [complex(1, -2), complex(np.nan, np.inf), 0, 1j, -1, 2]\n\
         a['h'] = [0.1, 65504, -0.0, np.inf, np.nan, 2]\n\
         a['w'] = [2**32 - 1, 0, 1, 2, 3, 4]\n\
         np.save(p, a)",
        &[],
        "np.load(p)",
    );
}

#[test]
fn n_d_arrays_raw_files_and_logs() {
    check(
        "2-d F order",
        "np.save(p, np.asfortranarray(np.arange(24, dtype='<f4').reshape(6, 4) / 7))",
        &[],
        "np.load(p)",
    );
    check(
        "3-d big-endian",
        "np.save(p, np.arange(60, dtype='>i2').reshape(5, 3, 4))",
        &[],
        "np.load(p)",
    );
    check(
        "raw records with an offset",
        "open(p, 'wb').write(b'\\x00' * 5 + np.arange(48, dtype='u1').tobytes())",
        &[
            "--dtype",
            "[('k', '<u2'), ('v', '>f4'), ('c', 'S2')]",
            "--offset",
            "5",
        ],
        "np.memmap(p, dtype=[('k', '<u2'), ('v', '>f4'), ('c', 'S2')], offset=5, mode='r')",
    );
    check(
        "log with a torn tail",
        "open(p, 'wb').write(b'H' * 16 + np.arange(9, dtype='<i8').tobytes() + b'xy')",
        &["--dtype", "<i8", "--header-len", "16"],
        "np.memmap(p, dtype='<i8', offset=16, shape=(9,), mode='r')",
    );
    check(
        "0-d record",
        "np.save(p, np.array((1, 2.5), [('a', '<i4'), ('b', '>f8')]))",
        &[],
        "np.load(p)",
    );
    check("0-d float", "np.save(p, np.array(-0.5))", &[], "np.load(p)");
    check(
        "empty",
        "np.save(p, np.zeros(0, [('a', '<i4'), ('b', '<f8')]))",
        &[],
        "np.load(p)",
    );
}

#[test]
fn many_batches_and_fields() {
    check(
        "records over many chunks",
        "a = np.zeros(400_000, [('i', '<i8'), ('x', '<f8'), ('s', 'S3'), ('k', 'u1')])\n\
         a['i'] = np.arange(len(a))\n\
         a['x'] = a['i'] / 7\n\
         a['s'] = (a['i'] % 1000).astype('S3')\n\
         a['k'] = a['i'] % 251\n\
         np.save(p, a)",
        &[],
        "np.load(p)",
    );
    check(
        "--fields",
        "a = np.zeros(5, [('a', '<i4'), ('p', [('x', '>f8'), ('y', '<f2')]), ('c', 'S2')])\n\
         a['a'] = np.arange(5)\n\
         a['p']['x'] = a['a'] / 3\n\
         np.save(p, a)",
        &["--fields", "c,p.x"],
        "np.rec.fromarrays([np.load(p)['c'], np.load(p)['p']['x']], names=['c', 'p.x'])",
    );
}

/// The table formats follow the same rules for OUT as the others, stdout included.
#[test]
fn existing_output_and_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.npy");
    numpy("np.save(sys.argv[1], np.arange(10))", &[&input]);
    for fmt in ["parquet", "arrow"] {
        let out = dir.path().join(format!("out.{fmt}"));
        std::fs::write(&out, "precious").unwrap();
        let run = tmm(&[&"convert", &input, &"--to", &fmt, &"-o", &out]);
        assert_eq!(run.status.code(), Some(2), "{fmt}");
        assert!(stderr(&run).contains("--force"), "{}", stderr(&run));
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious");
        let run = tmm(&[&"convert", &input, &"--to", &fmt, &"-o", &out, &"--force"]);
        assert!(run.status.success(), "{}", stderr(&run));
        assert_ne!(std::fs::read(&out).unwrap(), b"precious");
        // To a piped stdout: the bytes of the file.
        let run = tmm(&[&"convert", &input, &"--to", &fmt, &"-o", &"-"]);
        assert!(run.status.success(), "{fmt} to stdout: {}", stderr(&run));
        assert!(
            run.stdout == std::fs::read(&out).unwrap(),
            "{fmt} to stdout"
        );
        let run = tmm(&[&"convert", &input, &"--to", &fmt, &"-o", &input, &"--force"]);
        assert_eq!(run.status.code(), Some(2), "{fmt} over its input");
    }
}

/// Parquet is Snappy-compressed unless `--compression none`; other formats refuse the flag.
#[test]
fn compression() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.npy");
    numpy("np.save(sys.argv[1], np.arange(1000) % 7)", &[&input]);
    for (args, codec) in [
        (&[][..], "SNAPPY"),
        (&["--compression", "none"][..], "UNCOMPRESSED"),
    ] {
        let out = dir.path().join(format!("{codec}.parquet"));
        let mut full: Vec<&dyn AsRef<OsStr>> =
            vec![&"convert", &input, &"--to", &"parquet", &"-o", &out];
        full.extend(args.iter().map(|a| a as &dyn AsRef<OsStr>));
        let run = tmm(&full);
        assert!(run.status.success(), "{}", stderr(&run));
        let seen = numpy(
            "import pyarrow.parquet as pq\n\
             print(pq.ParquetFile(sys.argv[1]).metadata.row_group(0).column(0).compression)",
            &[&out],
        );
        assert_eq!(seen.trim(), codec);
    }
    let out = dir.path().join("x.csv");
    let run = tmm(&[
        &"convert",
        &input,
        &"--to",
        &"csv",
        &"-o",
        &out,
        &"--compression",
        &"none",
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("--compression"), "{}", stderr(&run));
    assert!(!out.exists());
}
