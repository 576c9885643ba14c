//! Decoded elements as JSON: what `follow --json` prints, one record per line.
//!
//! | dtype | JSON |
//! |---|---|
//! | `b1` | `true` / `false` |
//! | ints | numbers (exact, up to 64 bits) |
//! | floats | the shortest decimal that reads back as the same value at the element's width (`0.1` for an `f4` 0.1); `"nan"`, `"inf"`, `"-inf"` as strings, JSON having no such numbers |
//! | complex | `[re, im]` |
//! | `S<n>` | a string of the bytes without the NUL padding, one character per byte (latin-1), so nothing is lost |
//! | `U<n>` | the text |
//! | `V<n>`, undecodable kinds | a string of hex digits |
//! | `M8[unit]` | numpy's ISO text (`"2020-01-01T00:00:00"`), `"NaT"` |
//! | `m8[unit]` | the tick count, `"NaT"` |
//! | records | objects, fields in dtype order |
//! | subarrays | nested lists by shape |

use serde_json::{Map, Number, Value as Json};
use typed_memmap::{ByteOrder, Dtype, DynArray, Kind, Order, TimeUnit, Value};

/// The JSON of one decoded element.
pub fn value(v: &Value) -> Json {
    match v {
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::UInt(u) => Json::from(*u),
        Value::Float { value, bits } => float(*value, *bits),
        Value::Complex { re, im, bits } => Json::Array(vec![float(*re, *bits), float(*im, *bits)]),
        Value::Bytes(b) => {
            let end = b.iter().rposition(|&c| c != 0).map_or(0, |p| p + 1);
            Json::String(b[..end].iter().map(|&c| char::from(c)).collect())
        }
        Value::Str(s) => Json::String(s.clone()),
        Value::Void(b) | Value::Unsupported(b) => Json::String(hex(b)),
        Value::Datetime(t, unit) => Json::String(datetime_text(*t, *unit)),
        Value::Timedelta(t, _) if *t == i64::MIN => Json::String("NaT".into()),
        Value::Timedelta(t, _) => Json::from(*t),
        Value::Record(fields) => Json::Object(
            fields
                .iter()
                .map(|(name, v)| (name.clone(), value(v)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(shape, items) => nested(shape, items),
    }
}

/// numpy's ISO text of a datetime (`2020-01-01T00:00:00`, `NaT`), as `str(np.datetime64(...))`.
pub fn datetime_text(t: i64, unit: TimeUnit) -> String {
    let dtype = Dtype::scalar(Kind::Datetime(unit), ByteOrder::Little, 8);
    // The library's numpy text of a 0-d datetime array (`NaT` included).
    match DynArray::from_bytes(dtype, vec![], Order::C, &t.to_le_bytes()) {
        Some(a) => a.to_string(),
        None => t.to_string(),
    }
}

fn nested(shape: &[usize], items: &[Value]) -> Json {
    match shape.split_first() {
        None => items.first().map_or(Json::Null, value),
        Some((&n, rest)) => {
            let step: usize = rest.iter().product();
            Json::Array(
                (0..n)
                    .map(|i| nested(rest, items.get(i * step..(i + 1) * step).unwrap_or(&[])))
                    .collect(),
            )
        }
    }
}

/// A float as the shortest decimal at its stored width.
fn float(x: f64, bits: u8) -> Json {
    if x.is_nan() {
        return Json::String("nan".into());
    }
    if x.is_infinite() {
        return Json::String(if x > 0.0 { "inf" } else { "-inf" }.into());
    }
    // Rust's `Debug` of a float is its shortest round-trip text; for an `f4` (and an `f2`,
    // which `f32` holds exactly) that text read as `f64` prints the same short digits.
    let shortest = if bits < 64 {
        format!("{:?}", x as f32).parse::<f64>().unwrap_or(x)
    } else {
        x
    };
    Number::from_f64(shortest).map_or(Json::Null, Json::Number)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_keep_their_width() {
        let v = Value::Float {
            value: f64::from(0.1f32),
            bits: 32,
        };
        assert_eq!(value(&v).to_string(), "0.1");
        let v = Value::Float {
            value: 0.1,
            bits: 64,
        };
        assert_eq!(value(&v).to_string(), "0.1");
        let nan = Value::Float {
            value: f64::NAN,
            bits: 64,
        };
        assert_eq!(value(&nan).to_string(), "\"nan\"");
    }

    #[test]
    fn records_and_subarrays_nest() {
        let v = Value::Record(vec![
            ("a".into(), Value::Int(-1)),
            (
                "b".into(),
                Value::Array(vec![2, 2], (1..=4).map(Value::UInt).collect()),
            ),
            ("s".into(), Value::Bytes(b"hi\0\0".to_vec())),
        ]);
        assert_eq!(
            value(&v).to_string(),
            r#"{"a":-1,"b":[[1,2],[3,4]],"s":"hi"}"#
        );
    }
}
