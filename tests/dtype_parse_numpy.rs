//! `Dtype::parse` and `Dtype::parse_aligned` against numpy's `np.dtype(s)` and
//! `np.dtype(s, align=True)`: item size, field names and offsets, and the descr text; and our
//! descr text read back by numpy's `.npy` reader gives the same layout.

mod common;

use typed_memmap::Dtype;

/// Dtype texts as a user types them: bare or quoted type strings, subarray tuples, records
/// with nested records, subarray fields, titles, strings, datetimes and every alignment.
const INPUTS: &[&str] = &[
    "<f8",
    ">i4",
    "|u1",
    "u1",
    "f8",
    "b1",
    "?",
    "S10",
    "U5",
    ">U5",
    "V8",
    "M8[ns]",
    "<m8[s]",
    "<M8[25s]",
    "c16",
    ">c8",
    "f2",
    "<f16",
    "float32",
    "int16",
    "datetime64[us]",
    "'<f4'",
    "\"<i8\"",
    "('<f4', (3,))",
    "('>i2', (2, 3))",
    "[]",
    "[('t', '<i8'), ('price', '<f8')]",
    "[('a', 'u1'), ('b', '<i4'), ('c', 'u1')]",
    "[('a', 'u1'), ('pos', '<f4', (3,)), ('id', '>u2')]",
    "[('h', '<f2'), ('n', [('x', 'u1'), ('y', '<f8')]), ('z', 'u1')]",
    "[('s', 'S3'), ('u', '<U2'), ('d', '<M8[ns]'), ('e', 'm8[D]')]",
    "[(('Title', 't'), '<i4'), ('v', 'u1')]",
    "[('a', 'u1'), ('b', '<c16'), ('c', '<f16'), ('d', '?')]",
    "[('m', '<i2', (2, 3)), ('b', '?')]",
    "[('outer', [('inner', [('x', 'u1'), ('y', '<i8')]), ('k', 'u1')]), ('w', '>u4')]",
    "[('v', 'V3'), ('f', '<f4')]",
];

/// numpy's view of each input, three lines each: item size and `name:offset` of every field
/// (nested ones dotted, absolute offsets); the descr text (`.npy` header form; for a
/// subarray, `(base, shape)`); the same layout line of numpy's `.npy` reader on our descr
/// text (the round trip).
const SCRIPT: &str = r#"
import ast
from numpy.lib.format import descr_to_dtype, dtype_to_descr

def flat(dt, base=0, prefix=''):
    out = []
    for name in dt.names or ():
        sub, off = dt.fields[name][:2]
        out.append('%s%s:%d' % (prefix, name, base + off))
        if sub.names is not None:
            out += flat(sub, base + off, prefix + name + '.')
    return out

def layout(dt):
    return '%d|%s' % (dt.itemsize, ','.join(flat(dt)))

def descr(dt):
    if dt.subdtype is not None:
        return repr((dt.subdtype[0].str, dt.subdtype[1]))
    return repr(dtype_to_descr(dt))

args = sys.argv[1:]
for text, align, ours in zip(args[0::3], args[1::3], args[2::3]):
    t = text.strip()
    value = ast.literal_eval(t) if t[0] in '\'"[(' else t
    dt = np.dtype(value, align=(align == '1'))
    back = descr_to_dtype(ast.literal_eval(ours))
    print(layout(dt))
    print(descr(dt))
    print(layout(back))
"#;

/// Our line for a dtype, in the script's format (without the descr).
fn layout(d: &Dtype) -> String {
    fn flat(d: &Dtype, base: usize, prefix: &str, out: &mut Vec<String>) {
        let Some(record) = d.as_record() else {
            return;
        };
        for f in &record.fields {
            out.push(format!("{prefix}{}:{}", f.name, base + f.offset));
            flat(
                &f.dtype,
                base + f.offset,
                &format!("{prefix}{}.", f.name),
                out,
            );
        }
    }
    let mut fields = Vec::new();
    flat(d, 0, "", &mut fields);
    format!("{}|{}", d.itemsize(), fields.join(","))
}

#[test]
#[cfg_attr(miri, ignore = "runs python")]
fn parse_equals_np_dtype_with_and_without_align() {
    let mut args: Vec<String> = Vec::new();
    let mut ours = Vec::new();
    for &text in INPUTS {
        for align in [false, true] {
            let parsed = if align {
                Dtype::parse_aligned(text)
            } else {
                Dtype::parse(text)
            };
            let d = parsed.unwrap_or_else(|e| panic!("{text} (align {align}): {e}"));
            args.extend([text.to_string(), u8::from(align).to_string(), d.descr()]);
            ours.push((text, align, d));
        }
    }
    let arg_refs: Vec<&dyn AsRef<std::ffi::OsStr>> = args
        .iter()
        .map(|a| a as &dyn AsRef<std::ffi::OsStr>)
        .collect();
    let out = common::numpy(SCRIPT, &arg_refs);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3 * ours.len(), "{out}");
    for ((text, align, d), numpy) in ours.iter().zip(lines.chunks(3)) {
        let what = format!("np.dtype({text:?}, align={align})");
        assert_eq!(layout(d), numpy[0], "{what}");
        assert_eq!(d.descr(), numpy[1], "{what}");
        // numpy's `.npy` reader, given our descr text, lays the record out as np.dtype did
        // (with `align=True`, through the padding entries our descr writes).
        assert_eq!(numpy[2], numpy[0], "round trip of {what}");
    }
}
