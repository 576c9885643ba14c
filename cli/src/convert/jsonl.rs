//! `--to jsonl`: one JSON value per line and item of axis 0, the values `tmm follow --json`
//! prints (see the table in `crate::json`): an object per record, fields in dtype order; a
//! number, string or list for other dtypes; for an n-d array, each item of axis 0 as nested
//! lists. JSON has no NaN or infinity: they are the strings `"nan"`, `"inf"`, `"-inf"`.
//!
//! The text is written straight from the element's bytes through a plan made once from the
//! dtype (object keys escaped in advance), so records need no JSON tree of their own; only
//! strings, datetimes and other non-numbers go through `crate::json`.

use std::fmt::Write as _;

use typed_memmap::{Dtype, Value};

use super::chunks::Reader;
use super::dest::Dest;
use crate::error::CliError;

/// How to write an element of a dtype.
enum Node {
    /// Fields: the key text (`"name":`), the offset and the field's node.
    Record(Vec<(String, usize, Node)>),
    /// A subarray: its shape, the size of one base element and the base's node.
    Array(Vec<usize>, usize, Box<Node>),
    Scalar(Dtype),
}

impl Node {
    fn of(dtype: &Dtype) -> Node {
        match dtype {
            Dtype::Record(r) => Node::Record(
                r.fields
                    .iter()
                    .map(|f| {
                        let key = format!("{}:", serde_json::Value::String(f.name.clone()));
                        (key, f.offset, Node::of(&f.dtype))
                    })
                    .collect(),
            ),
            Dtype::Subarray(base, shape) => {
                Node::Array(shape.clone(), base.itemsize(), Box::new(Node::of(base)))
            }
            scalar => Node::Scalar(scalar.clone()),
        }
    }

    /// Appends the JSON of the element in `bytes`; `None` if `bytes` is too short.
    fn write(&self, bytes: &[u8], out: &mut String) -> Option<()> {
        match self {
            Node::Record(fields) => {
                out.push('{');
                for (i, (key, offset, node)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(key);
                    node.write(bytes.get(*offset..)?, out)?;
                }
                out.push('}');
            }
            Node::Array(shape, size, base) => nested(shape, *size, base, bytes, out)?,
            Node::Scalar(dtype) => scalar(&Value::decode(dtype, bytes)?, out),
        }
        Some(())
    }
}

/// Nested lists of the elements of `shape`, C order.
fn nested(shape: &[usize], size: usize, base: &Node, bytes: &[u8], out: &mut String) -> Option<()> {
    let Some((&n, rest)) = shape.split_first() else {
        return base.write(bytes, out);
    };
    let step = size.checked_mul(rest.iter().product())?;
    out.push('[');
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        nested(rest, size, base, bytes.get(i * step..)?, out)?;
    }
    out.push(']');
    Some(())
}

/// Numbers and booleans directly; everything else as `crate::json` writes it.
fn scalar(v: &Value, out: &mut String) {
    match v {
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::UInt(u) => {
            let _ = write!(out, "{u}");
        }
        // The shortest text at the stored width, as `crate::json` (an `f2` as its `f4`);
        // Rust's float `Debug` text of a finite value is a valid JSON number.
        Value::Float { value, bits } if value.is_finite() => {
            let _ = if *bits < 64 {
                write!(out, "{:?}", *value as f32)
            } else {
                write!(out, "{value:?}")
            };
        }
        other => out.push_str(&crate::json::value(other).to_string()),
    }
}

/// Writes the elements of `dtype` (the array's dtype or a projection of it) as JSON lines.
pub fn write(reader: &Reader<'_>, dtype: &Dtype, dest: &mut Dest) -> Result<(), CliError> {
    let inner = reader.shape().get(1..).unwrap_or(&[]).to_vec();
    let per_row: usize = inner.iter().product();
    if per_row == 0 {
        let empty = crate::json::value(&Value::Array(inner, Vec::new())).to_string();
        for _ in 0..reader.shape().first().copied().unwrap_or(1) {
            dest.write_all(empty.as_bytes())?;
            dest.write_all(b"\n")?;
        }
        return Ok(());
    }
    let node = Node::of(dtype);
    let itemsize = reader.dtype().itemsize();
    // The position of the next element inside its item of axis 0 (C order).
    let mut index = vec![0usize; inner.len()];
    let mut line = String::new();
    reader.c_chunks(|bytes, count| {
        for i in 0..count {
            let item = bytes.get(i * itemsize..(i + 1) * itemsize).unwrap_or(&[]);
            // Lists open where the trailing indices are all 0 and close where they are all
            // at their last value.
            let opens = index.iter().rev().take_while(|&&j| j == 0).count();
            if opens < index.len() {
                line.push(',');
            }
            line.extend(std::iter::repeat_n('[', opens));
            node.write(item, &mut line).ok_or_else(|| {
                CliError::Usage(format!(
                    "an element of {} bytes is too short for the dtype {}",
                    item.len(),
                    dtype.descr()
                ))
            })?;
            let closes = index
                .iter()
                .zip(&inner)
                .rev()
                .take_while(|(&j, &n)| j + 1 == n)
                .count();
            line.extend(std::iter::repeat_n(']', closes));
            if closes == index.len() {
                line.push('\n');
            }
            for axis in (0..index.len()).rev() {
                index[axis] += 1;
                if index[axis] < inner[axis] {
                    break;
                }
                index[axis] = 0;
            }
            if line.len() >= 256 << 10 {
                dest.write_all(line.as_bytes())?;
                line.clear();
            }
        }
        dest.write_all(line.as_bytes())?;
        line.clear();
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use typed_memmap::{ByteOrder, Field, Kind, RecordDtype};

    /// The plan writes what `crate::json` makes of the decoded element.
    #[test]
    fn same_text_as_the_json_module() {
        let f4 = Dtype::scalar(Kind::Float, ByteOrder::Little, 4);
        let dtype = Dtype::Record(RecordDtype {
            fields: vec![
                Field {
                    name: "a \"q\"".into(),
                    title: None,
                    offset: 0,
                    dtype: Dtype::subarray(f4.clone(), &[2, 2]),
                },
                Field {
                    name: "s".into(),
                    title: None,
                    offset: 16,
                    dtype: Dtype::scalar(Kind::Bytes, ByteOrder::NotApplicable, 3),
                },
            ],
            itemsize: 19,
        });
        let mut bytes = Vec::new();
        for x in [0.1f32, f32::NAN, -0.0, 3e38] {
            bytes.extend_from_slice(&x.to_le_bytes());
        }
        bytes.extend_from_slice(b"h\"\0");
        let mut text = String::new();
        Node::of(&dtype).write(&bytes, &mut text).unwrap();
        let v = Value::decode(&dtype, &bytes).unwrap();
        let want = crate::json::value(&v);
        let got: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(got, want, "{text}");
        assert_eq!(text, r#"{"a \"q\"":[[0.1,"nan"],[-0.0,3e38]],"s":"h\""}"#);
    }
}
