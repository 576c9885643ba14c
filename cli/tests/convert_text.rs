//! `tmm convert --to csv` and `--to jsonl`: Python's `csv` module (then `float()`, `int()`,
//! `complex()`) and `json` module read back numpy's values, cell by cell.

mod common;

use std::ffi::OsStr;

use common::{numpy, stderr, stdout, tmm};

/// Python that reads the CSV or JSON lines `out` of `tmm` and compares every value with
/// `a`, numpy's array; prints the problems found, one per line (nothing when all agree).
const CHECK: &str = r#"
import csv, json, math
fmt, out, expect, p = sys.argv[1:5]
a = eval(expect)
problems = []
def bad(*what):
    if len(problems) < 20:
        problems.append(' '.join(map(str, what)))

def same_float(p, v, dt):
    # Equal at the stored width, -0.0 and NaN included.
    p, v = dt.type(p), dt.type(v)
    return (np.isnan(p) and np.isnan(v)) or (p == v and np.signbit(p) == np.signbit(v))

def cells(x, dt, name):
    if dt.names:
        for n in dt.names:
            yield from cells(x[n], dt.fields[n][0], n if not name else name + '.' + n)
    elif dt.subdtype:
        base, shape = dt.subdtype
        x = np.asarray(x)
        for idx in np.ndindex(shape):
            yield from cells(x[idx], base, name + ''.join('[%d]' % i for i in idx))
    else:
        yield name, dt, x

def row_cells(r):
    r = np.asarray(r)
    for idx in np.ndindex(r.shape):
        at = ''.join('[%d]' % i for i in idx)
        for name, dt, x in cells(r[idx], a.dtype, ''):
            if a.dtype.names:
                yield (at + '.' + name if at else name), dt, x
            else:
                yield 'value' + at + name, dt, x

def check_cell(cell, dt, v, where):
    k = dt.kind
    if k == 'b':
        ok = cell == ('True' if v else 'False')
    elif k in 'iu':
        ok = int(cell) == int(v)
    elif k == 'f':
        ok = same_float(float(cell), v, dt)
    elif k == 'c':
        z = complex(cell)
        part = np.dtype('f%d' % (dt.itemsize // 2))
        ok = same_float(z.real, v.real, part) and same_float(z.imag, v.imag, part)
    elif k == 'S':
        ok = cell.encode('latin-1') == bytes(v)
    elif k == 'U':
        ok = cell == str(v)
    elif k == 'M':
        ok = cell == str(v)
    elif k == 'm':
        ok = cell == 'NaT' if np.isnat(v) else int(cell) == int(v.astype('i8'))
    elif k == 'V':
        ok = bytes.fromhex(cell) == bytes(v)
    else:
        ok = False
    if not ok:
        bad(where, repr(cell), 'vs', repr(v), dt)

def check_json(j, dt, v, where):
    k = dt.kind
    if dt.names:
        if list(j) != list(dt.names):
            return bad(where, 'keys', list(j), dt.names)
        for n in dt.names:
            check_json(j[n], dt.fields[n][0], v[n], where + '.' + n)
    elif dt.subdtype:
        base, shape = dt.subdtype
        check_nested(j, base, np.asarray(v), where)
    elif k == 'f':
        if isinstance(j, str):
            ok = j in ('nan', 'inf', '-inf') and same_float(float(j), v, dt)
        else:
            ok = isinstance(j, (int, float)) and same_float(j, v, dt)
        if not ok:
            bad(where, repr(j), 'vs', repr(v))
    elif k == 'c':
        part = np.dtype('f%d' % (dt.itemsize // 2))
        check_json(j[0], part, v.real, where + '.re')
        check_json(j[1], part, v.imag, where + '.im')
    elif k == 'b':
        if j is not bool(v): bad(where, j, v)
    elif k in 'iu':
        if j != int(v) or isinstance(j, bool): bad(where, j, v)
    elif k == 'S':
        if j.encode('latin-1') != bytes(v): bad(where, repr(j), repr(v))
    elif k in 'UM':
        if j != str(v): bad(where, repr(j), repr(v))
    elif k == 'm':
        if not (j == 'NaT' if np.isnat(v) else j == int(v.astype('i8'))): bad(where, j, v)
    elif k == 'V':
        if bytes.fromhex(j) != bytes(v): bad(where, j, v)
    else:
        bad(where, 'kind', k)

def check_nested(j, dt, v, where):
    if v.ndim == 0:
        return check_json(j, dt, v[()], where)
    if not isinstance(j, list) or len(j) != v.shape[0]:
        return bad(where, 'list', j, v.shape)
    for i in range(v.shape[0]):
        check_nested(j[i], dt, v[i], where + '[%d]' % i)

rows_of_a = [a] if a.ndim == 0 else [a[i] for i in range(a.shape[0])]
if fmt == 'csv':
    with open(out, newline='', encoding='utf-8') as f:
        rows = list(csv.reader(f))
    names = [n for n, _, _ in row_cells(rows_of_a[0])] if rows_of_a else None
    if names is not None and rows[0] != names:
        bad('header', rows[0][:10], 'vs', names[:10])
    if len(rows) - 1 != len(rows_of_a):
        bad('rows', len(rows) - 1, 'vs', len(rows_of_a))
    for i, (row, r) in enumerate(zip(rows[1:], rows_of_a)):
        want = list(row_cells(r))
        if len(row) != len(want):
            bad('row', i, 'has', len(row), 'cells, not', len(want))
            continue
        for cell, (name, dt, v) in zip(row, want):
            check_cell(cell, dt, v, 'row %d %s' % (i, name))
else:
    with open(out, encoding='utf-8') as f:
        lines = f.read().split('\n')
    if lines[-1] != '':
        bad('no final newline')
    lines = lines[:-1]
    if len(lines) != len(rows_of_a):
        bad('lines', len(lines), 'vs', len(rows_of_a))
    for i, (line, r) in enumerate(zip(lines, rows_of_a)):
        check_nested(json.loads(line), a.dtype, np.asarray(r), 'line %d' % i)
for p in problems:
    print(p)
"#;

/// Writes `make` (Python writing the file `p`), converts it with `args` to CSV and JSON
/// lines, and checks both against `expect` (numpy's array of the file).
fn check(name: &str, make: &str, args: &[&str], expect: &str) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.npy");
    numpy(&format!("p = sys.argv[1]\n{make}"), &[&input]);
    for fmt in ["csv", "jsonl"] {
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
        "a = np.zeros(9, np.dtype([('t', '<i8'), ('pos', [('x', '<f4'), ('y', '>f8')]), \
         ('s', 'S5'), ('u', '<U4'), ('f', '<i2', (2, 3)), ('b', '?'), ('d', '<M8[us]'), \
         ('dt', '>m8[s]'), ('z', '<c16'), ('h', '<f2'), ('w', '<u8'), ('v', 'V3')], \
         align=True))\n\
         a['t'] = [-2**63, 2**63 - 1, 0, 1, -1, 7, 8, 9, 10]\n\
         a['pos']['x'] = [0.1, np.nan, np.inf, -np.inf, -0.0, 1e-45, 3.4e38, 1/3, 2.5]\n\
         a['pos']['y'] = [0.1, 5e-324, 1e300, -1e-300, np.nan, 1/3, 2**53 + 1, -0.0, 1e16]\n\
         a['s'] = [b'a,b', b'q\"', b'', b'x\\ny', b'\\xff\\x01', b'12345', b' sp ', b'\\r', \
         b'ok']\n\
         a['u'] = ['h\\u00e9', '', 'a, b', '\\u4e2d\\u6587', 'q\"q', '\\n', ' ', 'zz', '\\U0001f600']\n\
         a['f'] = np.arange(54).reshape(9, 2, 3) - 27\n\
         a['b'] = [True, False, True, False, True, False, True, False, True]\n\
         a['d'] = ['2020-01-01T00:00:00.5', 'NaT', '1969-12-31', '2000-02-29T23:59:59.999999', \
         '1900-01-01', '2262-04-11', 'NaT', '1970-01-01', '9999-12-31']\n\
         a['dt'] = [1, -1, 0, 'NaT', 10**9, 3, 4, 5, 6]\n\
         a['z'] = [complex(1, -2), complex(np.nan, np.inf), complex(0, -0.0), 1j, -1, \
         complex(1e300, -np.inf), 0.1, 2, 3]\n\
         a['h'] = [0.1, 65504, -0.0, np.inf, 1e-7, np.nan, 1/3, 2, 3]\n\
         a['w'] = [2**64 - 1, 0, 1, 2, 3, 4, 5, 6, 7]\n\
         a['v'] = [b'\\x00\\x01\\xff'] * 9\n\
         np.save(p, a)",
        &[],
        "np.load(p)",
    );
}

#[test]
fn floats_at_each_width_and_byte_order() {
    for dtype in ["<f8", ">f8", "<f4", ">f4", "<f2"] {
        check(
            dtype,
            &format!(
                "x = np.concatenate([np.random.default_rng(1).standard_normal(500) * \
                 10.0 ** np.arange(-250, 250), [0.1, -0.0, np.nan, np.inf, -np.inf]])\n\
                 with np.errstate(over='ignore'):\n    np.save(p, x.astype('{dtype}'))"
            ),
            &[],
            "np.load(p)",
        );
    }
}

#[test]
fn n_d_arrays_in_c_and_f_order() {
    check(
        "2-d C",
        "np.save(p, np.arange(-6, 6, dtype='>i4').reshape(4, 3))",
        &[],
        "np.load(p)",
    );
    check(
        "3-d F",
        "np.save(p, np.asfortranarray(np.arange(24.0).reshape(2, 3, 4) / 7))",
        &[],
        "np.load(p)",
    );
    check(
        "2-d F records",
        "a = np.zeros((3, 2), [('a', '<i4'), ('b', '<f8', (2,))], order='F')\n\
         a['a'] = np.arange(6).reshape(3, 2)\n\
         a['b'] = np.arange(12).reshape(3, 2, 2) / 4\n\
         np.save(p, a)",
        &[],
        "np.load(p)",
    );
    check("0-d", "np.save(p, np.array(-1.5))", &[], "np.load(p)");
}

#[test]
fn raw_files_logs_and_subarray_dtypes() {
    check(
        "raw F with offset",
        "open(p, 'wb').write(b'\\x00' * 3 + np.arange(12, dtype='<i2').tobytes())",
        &[
            "--dtype", "<i2", "--offset", "3", "--shape", "3,4", "--order", "F",
        ],
        "np.memmap(p, dtype='<i2', offset=3, shape=(3, 4), order='F', mode='r')",
    );
    check(
        "raw subarray dtype F",
        "np.arange(30, dtype='<f4').tofile(p)",
        &["--dtype", "('<f4', (3,))", "--order", "F"],
        "np.memmap(p, dtype=('<f4', (3,)), order='F', mode='r')",
    );
    check(
        "log",
        "open(p, 'wb').write(b'H' * 8 + np.arange(10, dtype='<u4').tobytes() + b'ab')",
        &[
            "--dtype",
            "[('k', '<u2'), ('v', '>u2')]",
            "--header-len",
            "8",
        ],
        "np.memmap(p, dtype=[('k', '<u2'), ('v', '>u2')], offset=8, shape=(10,), mode='r')",
    );
}

/// A quicker comparison for large numeric inputs: every value as float64, vectorised.
const CHECK_NUMERIC: &str = r#"
import csv, json
fmt, out, expect, p = sys.argv[1:5]
a = eval(expect)
if a.dtype.names:
    want = np.column_stack([a[n].astype('f8') for n in a.dtype.names])
else:
    want = a.reshape(a.shape[0], -1).astype('f8')
with open(out, newline='') as f:
    if fmt == 'csv':
        got = np.array(list(csv.reader(f))[1:], dtype='f8')
    else:
        rows = [json.loads(line) for line in f]
        got = np.array([list(r.values()) if isinstance(r, dict) else r for r in rows], dtype='f8')
got = got.reshape(len(got), -1)
if got.shape != want.shape or not np.array_equal(got, want):
    print('differ', got.shape, want.shape)
"#;

/// Inputs of several 4 MiB chunks: C-order records read in chunks, and an F-order array
/// gathered in C order across chunk boundaries.
#[test]
fn larger_than_a_chunk() {
    let cases = [
        (
            "records",
            "a = np.zeros(300_000, [('i', '<i8'), ('x', '<f8')])\n\
             a['i'] = np.arange(len(a))\n\
             a['x'] = a['i'] / 7\n\
             np.save(p, a)",
        ),
        (
            "F order",
            "np.save(p, np.asfortranarray(np.arange(600_000, dtype='<u8').reshape(1000, 600)))",
        ),
    ];
    for (name, make) in cases {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.npy");
        numpy(&format!("p = sys.argv[1]\n{make}"), &[&input]);
        for fmt in ["csv", "jsonl"] {
            let out = dir.path().join(format!("out.{fmt}"));
            let run = tmm(&[&"convert", &input, &"--to", &fmt, &"-o", &out]);
            assert!(run.status.success(), "{name} {fmt}: {}", stderr(&run));
            let problems = numpy(CHECK_NUMERIC, &[&fmt, &out, &"np.load(p)", &input]);
            assert!(problems.is_empty(), "{name} {fmt}:\n{problems}");
        }
    }
}

#[test]
fn fields_are_the_columns_named() {
    check(
        "--fields",
        "a = np.zeros(4, [('a', '<i4'), ('p', [('x', '>f8'), ('y', '<f2')]), ('c', 'S2')])\n\
         a['a'] = [1, 2, 3, 4]\n\
         a['p']['x'] = [0.5, 1.5, np.nan, -2]\n\
         a['c'] = [b'x', b'y', b'z', b'w']\n\
         np.save(p, a)",
        &["--fields", "c,p.x"],
        "np.rec.fromarrays([np.load(p)['c'], np.load(p)['p']['x']], names=['c', 'p.x'])",
    );
}

/// `-o -` writes to stdout; the CSV header and rows are those of the file.
#[test]
fn stdout_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.npy");
    numpy(
        "np.save(sys.argv[1], np.array([(1, 0.5), (2, np.nan)], [('k', '<i4'), ('x', '<f8')]))",
        &[&input],
    );
    let run = tmm(&[&"convert", &input, &"--to", &"csv", &"-o", &"-"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(stdout(&run), "k,x\n1,0.5\n2,nan\n");
    let run = tmm(&[&"convert", &input, &"--to", &"jsonl", &"-o", &"-"]);
    assert_eq!(
        stdout(&run),
        "{\"k\":1,\"x\":0.5}\n{\"k\":2,\"x\":\"nan\"}\n"
    );
    // The binary formats too, to a stdout that is not a terminal (convert_output.rs checks
    // the terminal case): the bytes of numpy's own file, as `np.save(np.load(input))` writes.
    let run = tmm(&[&"convert", &input, &"--to", &"npy", &"-o", &"-"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(run.stdout == std::fs::read(&input).unwrap());
}
