//! A tiny JSON writer for [`DynArray`]s and [`Value`]s, the output format of `npy2json`.
//!
//! Shared with the test suite (`tests/npy_numpy_roundtrip.rs` includes this file), so that
//! what the tests compare with numpy is exactly what the example prints.

use std::fmt::Write as _;

use typed_memmap::{DynArray, Order, Value};

/// Writes the JSON object describing `array`, values included, to `out`.
pub fn write_array(out: &mut impl std::io::Write, array: &DynArray) -> std::io::Result<()> {
    let mut head = String::from("{\"descr\": ");
    write_str(&mut head, array.descr());
    head.push_str(", \"shape\": [");
    for (i, d) in array.shape().iter().enumerate() {
        if i > 0 {
            head.push_str(", ");
        }
        let _ = write!(head, "{d}");
    }
    let _ = write!(
        head,
        "], \"fortran_order\": {}, \"values\": [",
        array.order() == Order::F
    );
    out.write_all(head.as_bytes())?;
    let mut item = String::new();
    for (i, v) in array.values().enumerate() {
        item.clear();
        if i > 0 {
            item.push_str(", ");
        }
        write_value(&mut item, &v);
        out.write_all(item.as_bytes())?;
    }
    out.write_all(b"]}\n")
}

/// Writes one value: ints exact, floats shortest round-trip (`"nan"`, `"inf"`, `"-inf"` as
/// strings), complex `[re, im]`, `S`/`V` as lowercase hex, `U` as a string, datetimes as
/// their raw tick count, records as objects, subarrays as nested lists; what cannot be decoded
/// (x86 long double, `<f16`) as the hex of its bytes.
pub fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::UInt(u) => {
            let _ = write!(out, "{u}");
        }
        Value::Float { value, bits } => write_float(out, *value, *bits),
        Value::Complex { re, im, bits } => {
            out.push('[');
            write_float(out, *re, *bits);
            out.push_str(", ");
            write_float(out, *im, *bits);
            out.push(']');
        }
        Value::Bytes(b) | Value::Void(b) | Value::Unsupported(b) => {
            out.push('"');
            for byte in b {
                let _ = write!(out, "{byte:02x}");
            }
            out.push('"');
        }
        Value::Str(s) => write_str(out, s),
        Value::Datetime(t, _) | Value::Timedelta(t, _) => {
            let _ = write!(out, "{t}");
        }
        Value::Record(fields) => {
            out.push('{');
            for (i, (name, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_str(out, name);
                out.push_str(": ");
                write_value(out, v);
            }
            out.push('}');
        }
        Value::Array(shape, items) => write_nested(out, shape, items),
    }
}

fn write_nested(out: &mut String, shape: &[usize], items: &[Value]) {
    let Some((&n, rest)) = shape.split_first() else {
        if let Some(v) = items.first() {
            write_value(out, v);
        }
        return;
    };
    let step: usize = rest.iter().product();
    out.push('[');
    for i in 0..n {
        if i > 0 {
            out.push_str(", ");
        }
        let chunk = items.get(i * step..(i + 1) * step).unwrap_or(&[]);
        write_nested(out, rest, chunk);
    }
    out.push(']');
}

fn write_float(out: &mut String, value: f64, bits: u8) {
    if value.is_nan() {
        out.push_str("\"nan\"");
    } else if value.is_infinite() {
        out.push_str(if value > 0.0 { "\"inf\"" } else { "\"-inf\"" });
    } else if bits == 32 {
        // Shortest digits that round-trip as an `f32` (the value is an exact `f32`).
        let _ = write!(out, "{:?}", value as f32);
    } else if bits == 16 {
        let _ = write!(out, "{:?}", shortest_f16(value));
    } else {
        // Shortest digits that round-trip as an `f64`.
        let _ = write!(out, "{value:?}");
    }
}

/// The decimal with the fewest significant digits that reads back as the half float `value`
/// (finite, exact in an `f64`): numpy's repr of a `float16`.
fn shortest_f16(value: f64) -> f64 {
    let magnitude = value.abs();
    // The gap to the neighbours: 2^(e-10) for normal halves, 2^-24 for subnormal ones; below
    // a power of two the lower neighbour is half as far.
    let exp = if magnitude >= 2f64.powi(-14) {
        magnitude.log2().floor() as i32
    } else {
        -14
    };
    let ulp = 2f64.powi(exp - 10);
    let is_power_of_two = magnitude == 2f64.powi(exp) && exp > -14;
    let below = if is_power_of_two {
        ulp / 4.0
    } else {
        ulp / 2.0
    };
    let above = ulp / 2.0;
    for digits in 0..17 {
        if let Ok(candidate) = format!("{value:.digits$e}").parse::<f64>() {
            let delta = candidate - value;
            let inside = if value >= 0.0 {
                -below < delta && delta < above
            } else {
                -above < delta && delta < below
            };
            if inside {
                return candidate;
            }
        }
    }
    value
}

/// Writes `s` as a JSON string literal.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
