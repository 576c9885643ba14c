//! `tmm stats --json` reports numpy's statistics of files numpy wrote: `np.nanmin`,
//! `np.nanmax`, `np.mean` and `np.std` in float64 (relative error at most 1e-12), NaN and zero
//! counts and the count exactly, with one thread and with two (the same to the last bit); `--hist` counts and edges equal
//! `np.histogram(x[np.isfinite(x)], bins)`.

mod common;

use std::ffi::OsStr;
use std::path::Path;

use common::{numpy, stderr, stdout, tmm};
use serde_json::Value;

/// numpy's statistics of every numeric field of the `.npy` at argv[1] (or of the fields in
/// argv[3], comma separated, in that order), with `np.histogram` counts when argv[2] is a bin count > 0.
const ORACLE: &str = r#"
import json, warnings
warnings.simplefilter('ignore')
a = np.load(sys.argv[1], mmap_mode='r')
bins = int(sys.argv[2])
wanted = sys.argv[3].split(',') if len(sys.argv) > 3 and sys.argv[3] else None
def leaves(dt, prefix):
    if dt.names is None:
        base = dt.subdtype[0] if dt.subdtype else dt
        if base.kind in 'biuf':
            yield prefix, base
        return
    for name in dt.names:
        yield from leaves(dt.fields[name][0], prefix + [name])
def fig(v, kind):
    if kind == 'b':
        return bool(v)
    if kind in 'iu':
        return int(v)
    v = float(v)
    if np.isnan(v):
        return 'nan'
    if np.isinf(v):
        return 'inf' if v > 0 else '-inf'
    return v
out = {}
for path, base in leaves(a.dtype, []):
    name = '.'.join(path) if path else 'value'
    if wanted is not None and name not in wanted:
        continue
    x = a
    for p in path:
        x = x[p]
    x = np.asarray(x).reshape(-1)
    k = base.kind
    real = x[~np.isnan(x)] if k == 'f' else x
    r = {'bits': base.itemsize * 8, 'kind': k, 'count': int(x.size),
         'nan': int(np.isnan(x).sum()), 'zero': int((x == 0).sum())}
    if x.size == 0:
        r.update(min=None, max=None, mean=None, std=None, scale=0.0)
    else:
        r['min'] = fig(np.nanmin(x), k) if real.size else None
        r['max'] = fig(np.nanmax(x), k) if real.size else None
        r['mean'] = fig(np.mean(x, dtype=np.float64), 'f')
        r['std'] = fig(np.std(x, dtype=np.float64), 'f')
        # The same std without the rounding of a mean far from zero: numpy's float64 mean of
        # 1.7e18-scale values is off by up to half a unit in its last place (128), which
        # moves numpy's std of nanosecond timestamps 1e3 apart by 1e-11.
        x64 = x.astype(np.float64)
        fin = np.flatnonzero(np.isfinite(x64))
        r['std_shifted'] = fig(np.std(x64 - x64[fin[0]]), 'f') if fin.size else r['std']
        fin = x[np.isfinite(x)] if k == 'f' else x
        r['scale'] = float(np.abs(fin.astype(np.float64)).max()) if fin.size else 0.0
    if bins > 0:
        fin = x[np.isfinite(x)] if k == 'f' else x
        counts, edges = np.histogram(fin, bins=bins)
        r['hist'] = {'counts': [int(c) for c in counts], 'edges': [float(e) for e in edges]}
    out[name] = r
if wanted is not None:
    out = {w: out[w] for w in wanted}
print(json.dumps({'rows': int(a.size), 'fields': out}))
"#;

fn run_json(args: &[&dyn AsRef<OsStr>]) -> Value {
    let out = tmm(args);
    assert!(
        out.status.success(),
        "tmm {:?}: {}",
        args.len(),
        stderr(&out)
    );
    assert!(
        out.stderr.is_empty(),
        "stats wrote on stderr: {}",
        stderr(&out)
    );
    serde_json::from_str(&stdout(&out)).expect("tmm stats --json prints JSON")
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse::<f64>().ok(),
        _ => None,
    }
}

/// Within 1e-12 of numpy's value relative to it. Near zero, where neither is that exact, a
/// mean may differ by a few roundings of the data's magnitude `scale`, and a std when both
/// are that small (a constant field: tmm's 0 against numpy's rounding of the mean).
fn close(ours: &Value, theirs: &Value, scale: f64, what: &str) -> Result<(), String> {
    let floor = 4.0 * f64::EPSILON * scale;
    let ok = match (as_f64(ours), as_f64(theirs)) {
        (Some(a), Some(b)) if a.is_nan() || b.is_nan() => a.is_nan() && b.is_nan(),
        (Some(a), Some(b)) if a.is_infinite() || b.is_infinite() => a == b,
        (Some(a), Some(b)) => {
            let err = (a - b).abs();
            let near_zero = if what.ends_with("mean") {
                err <= floor
            } else {
                a.abs().max(b.abs()) <= floor
            };
            err <= 1e-12 * b.abs() || near_zero
        }
        _ => ours == theirs,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{what}: {ours} vs numpy {theirs}"))
    }
}

/// A float extreme or edge: the same value of the field's float type (tmm prints the
/// shortest text of an `f2`/`f4` value, numpy's oracle its exact float64 widening).
fn same_float(ours: &Value, theirs: &Value, bits: u64, what: &str) {
    match (ours, theirs) {
        (Value::Number(_), Value::Number(_)) => {
            let (a, b) = (as_f64(ours).unwrap(), as_f64(theirs).unwrap());
            if bits < 64 {
                assert_eq!(
                    (a as f32).to_bits(),
                    (b as f32).to_bits(),
                    "{what}: {a} vs {b}"
                );
            } else {
                assert_eq!(a.to_bits(), b.to_bits(), "{what}: {a} vs {b}");
            }
        }
        _ => assert_eq!(ours, theirs, "{what}"),
    }
}

/// Compares `tmm stats --json` on `file` (with `extra` arguments) against the oracle's view
/// of `npy` (the same data).
fn compare(file: &Path, extra: &[&str], npy: &Path, bins: u32, fields: &str) {
    let expected: Value = serde_json::from_str(&numpy(
        ORACLE,
        &[&npy, &bins.to_string(), &fields.to_string()],
    ))
    .unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let mut args: Vec<&dyn AsRef<OsStr>> = vec![&"stats", &file, &"--json"];
        for a in extra {
            args.push(a);
        }
        args.extend_from_slice(&[&"--threads", &threads, &"--progress", &"never"]);
        let bins_text = bins.to_string();
        if bins > 0 {
            args.extend_from_slice(&[&"--hist", &"--bins", &bins_text]);
        }
        if !fields.is_empty() {
            args.extend_from_slice(&[&"--fields", &fields]);
        }
        let got = run_json(&args);
        outputs.push(got.clone());
        assert_eq!(got["rows"], expected["rows"], "rows");
        let (g, e) = (
            got["fields"].as_object().unwrap(),
            expected["fields"].as_object().unwrap(),
        );
        let names = |m: &serde_json::Map<String, Value>| m.keys().cloned().collect::<Vec<_>>();
        assert_eq!(names(g), names(e), "the numeric fields, in order");
        for (name, want) in e {
            let have = &g[name];
            let what = |s: &str| format!("{} threads {threads} field {name} {s}", file.display());
            let bits = want["bits"].as_u64().unwrap();
            let scale = want["scale"].as_f64().unwrap();
            for key in ["count", "nan", "zero"] {
                assert_eq!(have[key], want[key], "{}", what(key));
            }
            for key in ["min", "max"] {
                if want["kind"] == "f" {
                    same_float(&have[key], &want[key], bits, &what(key));
                } else {
                    assert_eq!(have[key], want[key], "{}", what(key));
                }
            }
            close(&have["mean"], &want["mean"], scale, &what("mean")).unwrap();
            // Where numpy's own std carries its mean's rounding (see the oracle), tmm's must
            // equal the std numpy computes without it.
            close(&have["std"], &want["std"], scale, &what("std"))
                .or_else(|_| close(&have["std"], &want["std_shifted"], scale, &what("std")))
                .unwrap();
            if bins > 0 {
                let (hh, wh) = (&have["hist"], &want["hist"]);
                assert_eq!(hh["counts"], wh["counts"], "{}", what("hist counts"));
                let (he, we) = (
                    hh["edges"].as_array().unwrap(),
                    wh["edges"].as_array().unwrap(),
                );
                assert_eq!(he.len(), we.len(), "{}", what("hist edges"));
                for (a, b) in he.iter().zip(we) {
                    same_float(
                        a,
                        b,
                        if want["kind"] == "f" { bits } else { 64 },
                        &what("edge"),
                    );
                }
            } else {
                assert!(have.get("hist").is_none(), "{}", what("no hist"));
            }
        }
    }
    // Chunks merge in file order: the same figures to the last bit with any thread count.
    assert_eq!(outputs[0], outputs[1], "threads 1 vs 2");
}

/// Saves `make` (numpy code ending in an array `a`) as a `.npy` and checks `tmm stats`.
fn check(make: &str, bins: u32, fields: &str) {
    let dir = tempfile::tempdir().unwrap();
    let npy = dir.path().join("a.npy");
    numpy(
        &format!("rng = np.random.default_rng(7)\n{make}\nnp.save(sys.argv[1], a)"),
        &[&npy],
    );
    compare(&npy, &[], &npy, bins, fields);
}

/// Every integer width at its extremes, booleans, and floats of three widths with NaN,
/// infinities and zeros, over enough records for many chunks.
const MIXED: &str = r#"
n = 100_003
dt = [('i1', 'i1'), ('u1', 'u1'), ('i2', '<i2'), ('u2', '<u2'), ('i4', '<i4'), ('u4', '<u4'),
      ('i8', '<i8'), ('u8', '<u8'), ('b', '?'), ('f2', '<f2'), ('f4', '<f4'), ('f8', '<f8'),
      ('f8nan', '<f8'), ('f8inf', '<f8'), ('allnan', '<f4'), ('ts', '<u8'), ('name', 'S3')]
a = np.zeros(n, dtype=dt)
for k in ['i1', 'u1', 'i2', 'u2', 'i4', 'u4', 'i8', 'u8']:
    info = np.iinfo(a.dtype[k])
    a[k] = rng.integers(info.min, info.max, n, dtype=a.dtype[k], endpoint=True)
    a[k][[5, 77_000]] = [info.min, info.max]
    a[k][::97] = 0
a['b'] = rng.random(n) < 0.3
a['f2'] = (rng.standard_normal(n) * 100).astype('<f2')
a['f4'] = (rng.standard_normal(n) * 1e3 + 7).astype('<f4')
a['f4'][::1000] = 0
a['f8'] = rng.standard_normal(n) * 1e6 - 3e5
a['f8'][[10, 20]] = [-0.0, 0.0]
a['f8nan'] = rng.random(n)
a['f8nan'][::333] = np.nan
a['f8inf'] = rng.random(n)
a['f8inf'][[3, 4]] = [np.inf, -np.inf]
a['allnan'] = np.nan
a['ts'] = np.uint64(1_700_000_000_000_000_000) + np.arange(n, dtype=np.uint64) * np.uint64(1000)
a['name'] = b'abc'
"#;

#[test]
fn mixed_records_equal_numpy() {
    check(MIXED, 0, "");
}

#[test]
fn big_endian_records_equal_numpy() {
    check(
        &format!(
            "{MIXED}\na = a.astype(a.dtype.newbyteorder('>'))\nassert a.dtype['f8'].byteorder == '>'"
        ),
        0,
        "",
    );
}

#[test]
fn subarray_and_nested_fields_equal_numpy() {
    check(
        r#"
n = 20_011
dt = [('v', '<f4', (3,)), ('m', '>i2', (2, 2)),
      ('pos', [('x', '<f8'), ('y', '>f4'), ('inner', [('z', '<u2'), ('w', 'i1', (5,))])]),
      ('tag', 'U2'), ('c', '<c8')]
a = np.zeros(n, dtype=dt)
a['v'] = rng.standard_normal((n, 3)) * 5
a['m'] = rng.integers(-30000, 30000, (n, 2, 2))
a['pos']['x'] = rng.random(n) * 1e9
a['pos']['y'] = rng.standard_normal(n)
a['pos']['inner']['z'] = rng.integers(0, 65535, n)
a['pos']['inner']['w'] = rng.integers(-128, 127, (n, 5))
"#,
        0,
        "",
    );
}

#[test]
fn plain_arrays_equal_numpy() {
    // F order 2-D, a 0-d array, exact 64-bit extremes far past 2^53, half floats.
    check(
        "a = np.asfortranarray(rng.standard_normal((301, 7)) * 1e-3 + 1e3)",
        0,
        "",
    );
    check("a = np.array(3.25)", 0, "");
    check(
        "a = np.array([0, 2**64 - 1, 2**63, 12345], dtype='>u8')",
        0,
        "",
    );
    check(
        "a = np.array([-2**63, 2**63 - 1, -1, 0, 2**53 + 1], dtype='<i8')",
        0,
        "",
    );
    check(
        "a = np.array([0.5, -65504, 65504, 6e-8, np.nan, 0], dtype='<f2')",
        0,
        "",
    );
}

#[test]
fn empty_files_have_counts_and_null_figures() {
    check("a = np.zeros(0, dtype=[('x', '<f8'), ('n', '<i4')])", 0, "");
    check("a = np.zeros((0, 5), dtype='<u2')", 0, "");
    // numpy's mean of nothing is NaN with a warning; tmm says null (no value).
    let dir = tempfile::tempdir().unwrap();
    let npy = dir.path().join("e.npy");
    numpy("np.save(sys.argv[1], np.zeros(0, dtype='<f8'))", &[&npy]);
    let got = run_json(&[&"stats", &npy, &"--json"]);
    let v = &got["fields"]["value"];
    assert_eq!(v["count"], 0);
    for key in ["min", "max", "mean", "std"] {
        assert!(v[key].is_null(), "{key}: {}", v[key]);
    }
}

#[test]
fn selected_fields_equal_numpy() {
    check(MIXED, 0, "f8,i8,b");
    check(
        "a = np.zeros(50, dtype=[('p', [('x', '<f8'), ('y', '<i2')])]); a['p']['x'] = np.arange(50)",
        0,
        "p.x",
    );
}

#[test]
fn raw_files_equal_their_npy() {
    let dir = tempfile::tempdir().unwrap();
    let npy = dir.path().join("a.npy");
    let raw = dir.path().join("a.bin");
    let descr = numpy(
        &format!(
            "rng = np.random.default_rng(7)\n{MIXED}\nnp.save(sys.argv[1], a)\n\
             open(sys.argv[2], 'wb').write(b'HEADER!' + a.tobytes())\n\
             print(repr(np.lib.format.dtype_to_descr(a.dtype)))"
        ),
        &[&npy, &raw],
    );
    compare(
        &raw,
        &["--dtype", descr.trim(), "--offset", "7"],
        &npy,
        0,
        "",
    );
}

#[test]
fn histograms_equal_numpy() {
    let make = r#"
n = 30_000
dt = [('f8', '<f8'), ('f4', '<f4'), ('f2', '<f2'), ('i8', '<i8'), ('u1', 'u1'), ('b', '?'),
      ('const', '<f4'), ('ci', '>i4'), ('edges', '<f8'), ('inf', '<f8'), ('big', '<u8')]
a = np.zeros(n, dtype=dt)
a['f8'] = rng.standard_normal(n)
a['f8'][::101] = np.nan
a['f4'] = rng.integers(0, 1000, n) / 10
a['f2'] = rng.standard_normal(n).astype('<f2') * 10
a['i8'] = rng.integers(-2**63, 2**63 - 1, n, endpoint=True)
a['i8'][:2] = [-2**63, 2**63 - 1]
a['u1'] = rng.integers(0, 255, n, endpoint=True)
a['b'] = rng.random(n) < 0.5
a['const'] = 0.1
a['ci'] = -7
a['edges'] = rng.integers(0, 70, n) / 7
a['inf'] = rng.random(n) * 3
a['inf'][[1, 2, 3]] = [np.inf, -np.inf, np.nan]
a['big'] = np.uint64(2**64 - 1) - rng.integers(0, 2**40, n, dtype=np.uint64)
"#;
    for bins in [1, 7, 10, 256] {
        check(make, bins, "");
    }
}

#[test]
fn table_lists_every_numeric_field() {
    let dir = tempfile::tempdir().unwrap();
    let npy = dir.path().join("t.npy");
    numpy(
        "a = np.zeros(100, dtype=[('price', '<f8'), ('qty', '<u4'), ('name', 'S4'), \
         ('pos', [('x', '<f4')])])\na['price'] = np.arange(100) / 4\na['qty'] = 7\n\
         np.save(sys.argv[1], a)",
        &[&npy],
    );
    let out = tmm(&[&"stats", &npy, &"--hist", &"--bins", &"4"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    let head: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        head,
        ["field", "count", "min", "max", "mean", "std", "nan", "zero"]
    );
    let row = |name: &str| -> Vec<&str> {
        lines
            .iter()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no row for {name} in\n{text}"))
            .split_whitespace()
            .collect()
    };
    let price = row("price");
    assert_eq!(price[..5], ["price", "100", "0.0", "24.75", "12.375"]);
    assert_eq!(price[6..], ["0", "1"]);
    assert_eq!(row("qty")[..4], ["qty", "100", "7", "7"]);
    assert_eq!(row("pos.x")[..4], ["pos.x", "100", "0.0", "0.0"]);
    assert!(!text.contains("name"), "a string field has no row:\n{text}");
    // One histogram of four bins per field, with the counts numpy gives.
    let counts: Vec<u64> = numpy(
        "a = np.load(sys.argv[1])\nprint(' '.join(map(str, np.histogram(a['price'], 4)[0])))",
        &[&npy],
    )
    .split_whitespace()
    .map(|c| c.parse().unwrap())
    .collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("price ("))
        .expect("price histogram");
    let drawn: Vec<u64> = lines[at + 1..at + 5]
        .iter()
        .map(|l| l.split_whitespace().nth(2).unwrap().parse().unwrap())
        .collect();
    assert_eq!(drawn, counts, "\n{text}");
}

#[test]
fn bad_field_names_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let npy = dir.path().join("t.npy");
    numpy(
        "np.save(sys.argv[1], np.zeros(3, dtype=[('x', '<f8'), ('s', 'S4'), ('c', '<c16')]))",
        &[&npy],
    );
    let strings = dir.path().join("s.npy");
    numpy("np.save(sys.argv[1], np.zeros(3, dtype='U4'))", &[&strings]);
    for (file, fields, needle) in [
        (&npy, Some("nope"), "no field \"nope\""),
        (&npy, Some("x,nope"), "no field \"nope\""),
        (&npy, Some("s"), "field \"s\" is not numeric"),
        (&npy, Some("c"), "field \"c\" is not numeric"),
        (&strings, None, "no numeric field"),
    ] {
        let out = match fields {
            Some(f) => tmm(&[&"stats", file, &"--fields", &f]),
            None => tmm(&[&"stats", file]),
        };
        assert_eq!(out.status.code(), Some(2), "{fields:?}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.starts_with("tmm: error: "), "{err}");
        assert!(err.contains(needle), "{fields:?}: {err}");
        assert!(out.stdout.is_empty());
    }
}
