//! `--to csv`: a header row of column names, then one row per item of axis 0.
//!
//! Columns:
//!
//! | element | columns |
//! |---|---|
//! | a record | one per field, nested fields dotted: `t`, `pos.x`, `pos.y` |
//! | a subarray field | one per element, C order: `f[0]`, `f[1]`; `m[0][1]` for 2-d |
//! | not a record | `value` (`value[0]`, `value[1]` for a subarray dtype) |
//! | an n-d array | the other axes in C order before the name: `value[1][2]`, `[1].pos.x` |
//!
//! Cells, chosen so that Python's `csv` module and `float()`/`int()` read back numpy's
//! values:
//!
//! | dtype | cell |
//! |---|---|
//! | `b1` | `True` / `False` |
//! | ints | the decimal number |
//! | floats | the shortest text that reads back as the same value at the stored width (`0.1` for an `f4` 0.1; an `f2` as its `f4` text); `nan`, `inf`, `-inf` |
//! | complex | Python's `complex()` text: `1.5+2.0j`, `nan-infj` |
//! | `U<n>` | the text |
//! | `S<n>` | the bytes without the NUL padding, one character per byte (latin-1): `cell.encode('latin-1')` gives them back |
//! | `M8[unit]` | numpy's ISO text (`2020-01-01T00:00:00`), `NaT` |
//! | `m8[unit]` | the tick count, `NaT` |
//! | `V<n>`, undecodable kinds | hex digits |
//!
//! Quoting follows RFC 4180: a cell holding a comma, a double quote, a carriage return or a
//! line feed is put in double quotes, a double quote inside doubled. Rows end in `\n`.

use std::fmt::Write as _;

use typed_memmap::{Dtype, Value};

use super::chunks::Reader;
use super::dest::Dest;
use crate::error::CliError;

/// A scalar inside an element: its column name (relative to the element) and its bytes.
struct Leaf {
    name: String,
    offset: usize,
    dtype: Dtype,
}

/// Writes the elements of `dtype` (the array's dtype or a projection of it) as CSV.
pub fn write(reader: &Reader<'_>, dtype: &Dtype, dest: &mut Dest) -> Result<(), CliError> {
    let mut leaves = Vec::new();
    collect(dtype, String::new(), 0, &mut leaves);
    let record = matches!(dtype, Dtype::Record(_));
    let inner = reader.shape().get(1..).unwrap_or(&[]);
    let per_row: usize = inner.iter().product();

    let mut line = String::new();
    let mut first = true;
    for_each_index(inner, |index| {
        for leaf in &leaves {
            if !first {
                line.push(',');
            }
            first = false;
            let name = column_name(record, index, &leaf.name);
            push_quoted(&mut line, &name);
        }
        flush_if_long(&mut line, dest)
    })?;
    line.push('\n');
    dest.write_all(line.as_bytes())?;
    line.clear();

    if per_row == 0 {
        // Items of no elements: empty rows, one per item of axis 0.
        for _ in 0..reader.shape().first().copied().unwrap_or(1) {
            dest.write_all(b"\n")?;
        }
        return Ok(());
    }
    let itemsize = reader.dtype().itemsize();
    let mut in_row = 0usize;
    let mut cell = String::new();
    reader.c_chunks(|bytes, count| {
        for i in 0..count {
            let item = bytes.get(i * itemsize..(i + 1) * itemsize).unwrap_or(&[]);
            for (k, leaf) in leaves.iter().enumerate() {
                if in_row > 0 || k > 0 {
                    line.push(',');
                }
                let Some(v) = item
                    .get(leaf.offset..)
                    .and_then(|b| Value::decode(&leaf.dtype, b))
                else {
                    return Err(CliError::Usage(format!(
                        "an element of {} bytes is too short for its field {}",
                        item.len(),
                        leaf.name
                    )));
                };
                if matches!(v, Value::Bytes(_) | Value::Str(_)) {
                    cell.clear();
                    write_cell(&mut cell, &v);
                    push_quoted(&mut line, &cell);
                } else {
                    // Numbers, datetimes and hex digits hold no comma, quote or line break.
                    write_cell(&mut line, &v);
                }
            }
            in_row += 1;
            if in_row == per_row {
                line.push('\n');
                in_row = 0;
            }
            flush_if_long(&mut line, dest)?;
        }
        dest.write_all(line.as_bytes())?;
        line.clear();
        Ok(())
    })
}

/// Writes out `line` once it holds 256 KiB, so that no text grows with the input.
fn flush_if_long(line: &mut String, dest: &mut Dest) -> Result<(), CliError> {
    if line.len() >= 256 << 10 {
        dest.write_all(line.as_bytes())?;
        line.clear();
    }
    Ok(())
}

/// The scalars of `dtype`, depth first, named relative to the element.
fn collect(dtype: &Dtype, name: String, offset: usize, out: &mut Vec<Leaf>) {
    match dtype {
        Dtype::Record(r) => {
            for f in &r.fields {
                let sub = if name.is_empty() {
                    f.name.clone()
                } else {
                    format!("{name}.{}", f.name)
                };
                collect(&f.dtype, sub, offset + f.offset, out);
            }
        }
        Dtype::Subarray(base, shape) => {
            let size = base.itemsize();
            let mut k = 0usize;
            let _ = for_each_index(shape, |index| {
                collect(
                    base,
                    format!("{name}{}", brackets(index)),
                    offset + k * size,
                    out,
                );
                k += 1;
                Ok(())
            });
        }
        scalar => out.push(Leaf {
            name,
            offset,
            dtype: scalar.clone(),
        }),
    }
}

/// The header of a column: `index` is the position along the array's axes after the first.
fn column_name(record: bool, index: &[usize], leaf: &str) -> String {
    let at = brackets(index);
    match (record, at.is_empty()) {
        (false, _) => format!("value{at}{leaf}"),
        (true, true) => leaf.to_string(),
        (true, false) => format!("{at}.{leaf}"),
    }
}

fn brackets(index: &[usize]) -> String {
    index.iter().map(|i| format!("[{i}]")).collect()
}

/// Calls `f` with every index of `shape` in C order (once, with `[]`, for no axes).
fn for_each_index(
    shape: &[usize],
    mut f: impl FnMut(&[usize]) -> Result<(), CliError>,
) -> Result<(), CliError> {
    if shape.contains(&0) {
        return Ok(());
    }
    let mut index = vec![0usize; shape.len()];
    loop {
        f(&index)?;
        let mut axis = shape.len();
        loop {
            if axis == 0 {
                return Ok(());
            }
            axis -= 1;
            index[axis] += 1;
            if index[axis] < shape[axis] {
                break;
            }
            index[axis] = 0;
        }
    }
}

/// Appends `text` to `line`, quoted per RFC 4180 when it needs to be.
fn push_quoted(line: &mut String, text: &str) {
    if text.contains([',', '"', '\r', '\n']) {
        line.push('"');
        for c in text.chars() {
            if c == '"' {
                line.push('"');
            }
            line.push(c);
        }
        line.push('"');
    } else {
        line.push_str(text);
    }
}

/// The text of one scalar.
fn write_cell(out: &mut String, v: &Value) {
    match v {
        Value::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::UInt(u) => {
            let _ = write!(out, "{u}");
        }
        Value::Float { value, bits } => float(out, *value, *bits),
        Value::Complex { re, im, bits } => {
            float(out, *re, *bits);
            if im.is_nan() || im.is_sign_positive() {
                out.push('+');
                float(out, *im, *bits);
            } else {
                out.push('-');
                float(out, -*im, *bits);
            }
            out.push('j');
        }
        Value::Bytes(b) => {
            let end = b.iter().rposition(|&c| c != 0).map_or(0, |p| p + 1);
            out.extend(b[..end].iter().map(|&c| char::from(c)));
        }
        Value::Str(s) => out.push_str(s),
        Value::Datetime(t, unit) => out.push_str(&crate::json::datetime_text(*t, *unit)),
        Value::Timedelta(t, _) if *t == i64::MIN => out.push_str("NaT"),
        Value::Timedelta(t, _) => {
            let _ = write!(out, "{t}");
        }
        Value::Void(b) | Value::Unsupported(b) => {
            for byte in b {
                let _ = write!(out, "{byte:02x}");
            }
        }
        // Leaves are scalars; a nested value would be a bug, written as its JSON.
        other => out.push_str(&crate::json::value(other).to_string()),
    }
}

/// A float as the shortest text that reads back as the same value at its stored width.
fn float(out: &mut String, x: f64, bits: u8) {
    if x.is_nan() {
        out.push_str("nan");
    } else if x.is_infinite() {
        out.push_str(if x > 0.0 { "inf" } else { "-inf" });
    } else if bits < 64 {
        // An `f2` is exact in an `f4`, and the `f4`'s shortest text reads back as it.
        let _ = write!(out, "{:?}", x as f32);
    } else {
        let _ = write!(out, "{x:?}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(v: Value) -> String {
        let mut s = String::new();
        write_cell(&mut s, &v);
        s
    }

    #[test]
    fn cells_read_back_in_python() {
        let f = |value, bits| Value::Float { value, bits };
        assert_eq!(cell(f(f64::from(0.1f32), 32)), "0.1");
        assert_eq!(cell(f(0.1, 64)), "0.1");
        assert_eq!(cell(f(-0.0, 64)), "-0.0");
        assert_eq!(cell(f(1e300, 64)), "1e300");
        assert_eq!(cell(f(f64::NAN, 64)), "nan");
        assert_eq!(cell(f(f64::NEG_INFINITY, 32)), "-inf");
        let c = |re, im| Value::Complex { re, im, bits: 64 };
        assert_eq!(cell(c(1.5, -2.0)), "1.5-2.0j");
        assert_eq!(cell(c(f64::NAN, f64::INFINITY)), "nan+infj");
        assert_eq!(cell(c(0.0, -0.0)), "0.0-0.0j");
        assert_eq!(cell(Value::Bool(true)), "True");
        assert_eq!(cell(Value::Int(-7)), "-7");
        assert_eq!(cell(Value::Bytes(b"a\xff\0\0".to_vec())), "a\u{ff}");
        assert_eq!(cell(Value::Void(vec![0, 0xab])), "00ab");
    }

    #[test]
    fn quoting_follows_rfc_4180() {
        let q = |t: &str| {
            let mut s = String::new();
            push_quoted(&mut s, t);
            s
        };
        assert_eq!(q("plain"), "plain");
        assert_eq!(q("a,b"), "\"a,b\"");
        assert_eq!(q("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(q("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn column_names() {
        assert_eq!(column_name(false, &[], ""), "value");
        assert_eq!(column_name(false, &[1, 2], "[0]"), "value[1][2][0]");
        assert_eq!(column_name(true, &[], "pos.x"), "pos.x");
        assert_eq!(column_name(true, &[3], "pos.x"), "[3].pos.x");
    }
}
