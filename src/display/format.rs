//! One formatter per dtype, built from every element shown so that columns line up (numpy's
//! format functions): booleans, integers right-aligned to the widest, complex numbers from
//! two float columns, datetimes and timedeltas padded to the widest, records one formatter
//! per field; and the `str` of a 0-d array.

use std::fmt::Write as _;

use super::datetime::{datetime_str, timedelta_scalar_str};
use super::float::{complex_scalar_str, float_scalar_str, FloatFormat};
use super::layout::subarray_text;
use super::THRESHOLD;
use crate::dtype::{Dtype, Kind};
use crate::pyrepr::{py_repr_bytes, py_repr_str, write_seq, Brackets};
use crate::value::Value;

/// Where a format is used, which changes how numpy formats some kinds.
#[derive(Clone, Copy)]
pub(super) struct Context {
    /// The values are 0-d (fields of a 0-d record): booleans print without padding.
    zero_d: bool,
    /// Inside a 0-d record numpy prints floats with the scalar `str`, subarrays included.
    scalar_floats: bool,
}

impl Context {
    /// The elements of an array.
    pub(super) const ARRAY: Context = Context {
        zero_d: false,
        scalar_floats: false,
    };
}

/// How the elements of one dtype print, built from the elements shown (numpy's format
/// functions).
pub(super) enum Format {
    /// ` True`/`False`; `padded` is false in 0-d context, where `True` has no space.
    Bool { padded: bool },
    /// Integers right-aligned to `width`.
    Int { width: usize },
    /// Floats of an array.
    Float(FloatFormat),
    /// Floats in a 0-d record: numpy's scalar `str`.
    FloatScalar,
    /// Complex numbers: real part, then imaginary part always signed, then `j`.
    Complex { re: FloatFormat, im: FloatFormat },
    /// Python reprs of byte strings and text, unpadded; raw bytes (`V<n>`) with every byte
    /// escaped.
    Repr,
    /// Quoted ISO dates right-aligned to `width`.
    Datetime { width: usize },
    /// Tick counts right-aligned to `width`.
    Timedelta { width: usize },
    /// A record: one format per field.
    Record(Vec<Format>),
    /// A subarray field: nested lists of the base format.
    SubArray(Box<Format>),
}

impl Format {
    /// The format for `values`, all of `dtype`, in the context `ctx`.
    pub(super) fn build(dtype: &Dtype, values: &[&Value], ctx: Context) -> Format {
        match dtype {
            Dtype::Subarray(base, _) => {
                let items: Vec<&Value> = values
                    .iter()
                    .flat_map(|v| match v {
                        Value::Array(_, items) => items.iter().collect::<Vec<_>>(),
                        other => vec![*other],
                    })
                    .collect();
                let ctx = Context {
                    zero_d: false,
                    ..ctx
                };
                Format::SubArray(Box::new(Format::build(base, &items, ctx)))
            }
            Dtype::Record(r) => Format::Record(
                r.fields
                    .iter()
                    .enumerate()
                    .map(|(i, field)| {
                        let column: Vec<&Value> = values
                            .iter()
                            .filter_map(|v| match v {
                                Value::Record(fields) => fields.get(i).map(|(_, v)| v),
                                _ => None,
                            })
                            .collect();
                        Format::build(&field.dtype, &column, ctx)
                    })
                    .collect(),
            ),
            Dtype::Scalar(s) => match s.kind {
                Kind::Bool => Format::Bool {
                    padded: !ctx.zero_d,
                },
                Kind::Int | Kind::UInt => {
                    let ints = values.iter().filter_map(|v| match v {
                        Value::Int(i) => Some(i128::from(*i)),
                        Value::UInt(u) => Some(i128::from(*u)),
                        _ => None,
                    });
                    let (lo, hi) = min_max(ints);
                    let width = match (lo, hi) {
                        (Some(lo), Some(hi)) => lo.to_string().len().max(hi.to_string().len()),
                        _ => 0,
                    };
                    Format::Int { width }
                }
                Kind::Float if ctx.scalar_floats => Format::FloatScalar,
                Kind::Float => {
                    let xs: Vec<f64> = values
                        .iter()
                        .filter_map(|v| match v {
                            Value::Float { value, .. } => Some(*value),
                            _ => None,
                        })
                        .collect();
                    Format::Float(FloatFormat::new(&xs, float_bits(s.size), false))
                }
                Kind::Complex => {
                    let (re, im): (Vec<f64>, Vec<f64>) = values
                        .iter()
                        .filter_map(|v| match v {
                            Value::Complex { re, im, .. } => Some((*re, *im)),
                            _ => None,
                        })
                        .unzip();
                    let bits = float_bits(s.size / 2);
                    Format::Complex {
                        re: FloatFormat::new(&re, bits, false),
                        im: FloatFormat::new(&im, bits, true),
                    }
                }
                Kind::Bytes | Kind::Unicode | Kind::Void => Format::Repr,
                Kind::Datetime(unit) => Format::Datetime {
                    width: ticks_width(values, |t| datetime_str(t, unit).chars().count() + 2),
                },
                Kind::Timedelta(_) => Format::Timedelta {
                    width: ticks_width(values, |t| t.to_string().len()),
                },
            },
        }
    }

    /// The text of one element.
    pub(super) fn apply(&self, value: &Value) -> String {
        match (self, value) {
            (Format::Bool { padded }, Value::Bool(b)) => match (b, padded) {
                (true, true) => " True".to_string(),
                (true, false) => "True".to_string(),
                (false, _) => "False".to_string(),
            },
            (Format::Int { width }, Value::Int(i)) => format!("{i:>width$}"),
            (Format::Int { width }, Value::UInt(u)) => format!("{u:>width$}"),
            (Format::Float(ff), Value::Float { value, .. }) => ff.format(*value),
            (Format::FloatScalar, Value::Float { value, bits }) => float_scalar_str(*value, *bits),
            (Format::Complex { re: fr, im: fi }, Value::Complex { re, im, .. }) => {
                let mut i = fi.format(*im);
                // numpy puts the `j` before the imaginary part's right padding.
                let end = i.trim_end().len();
                i.insert(end, 'j');
                fr.format(*re) + &i
            }
            (Format::Repr, v) => repr(v),
            (Format::Datetime { width }, Value::Datetime(t, unit)) => {
                let text = if *t == i64::MIN {
                    "'NaT'".to_string()
                } else {
                    format!("'{}'", datetime_str(*t, *unit))
                };
                format!("{text:>width$}")
            }
            (Format::Timedelta { width }, Value::Timedelta(t, _)) => {
                if *t == i64::MIN {
                    format!("{:>width$}", "'NaT'")
                } else {
                    format!("{t:>width$}")
                }
            }
            (Format::Record(formats), Value::Record(fields)) => {
                let parts: Vec<String> = formats
                    .iter()
                    .zip(fields)
                    .map(|(f, (_, v))| f.apply(v))
                    .collect();
                let mut out = String::new();
                write_seq(&mut out, Brackets::Tuple, &parts, |out, p| out.push_str(p));
                out
            }
            (Format::SubArray(inner), Value::Array(shape, items)) => {
                let summarize = items.len() > THRESHOLD;
                let mut out = String::new();
                subarray_text(inner, shape, items, summarize, &mut out);
                out
            }
            // A value that does not match its dtype's format: only `Value::Unsupported`
            // (long doubles) reaches here, and its raw bytes are all there is to show.
            (_, v) => repr(v),
        }
    }
}

/// The width of a column of datetimes or timedeltas: the longest `text_len` of the smallest
/// and largest ticks, and at least 5 (`'NaT'`) if a `NaT` is among them.
fn ticks_width(values: &[&Value], text_len: impl Fn(i64) -> usize) -> usize {
    let ticks = values.iter().filter_map(|v| match v {
        Value::Datetime(t, _) | Value::Timedelta(t, _) if *t != i64::MIN => Some(*t),
        _ => None,
    });
    let (lo, hi) = min_max(ticks);
    let width = [lo, hi]
        .iter()
        .flatten()
        .map(|&t| text_len(t))
        .max()
        .unwrap_or(0);
    if values.iter().any(|v| is_nat(v)) {
        width.max(5)
    } else {
        width
    }
}

/// Whether `v` is a datetime or timedelta `NaT` (numpy stores it as `i64::MIN`).
fn is_nat(v: &Value) -> bool {
    matches!(
        v,
        Value::Datetime(i64::MIN, _) | Value::Timedelta(i64::MIN, _)
    )
}

/// The smallest and largest item, `(None, None)` when there are none.
fn min_max<T: Ord + Copy>(items: impl Iterator<Item = T>) -> (Option<T>, Option<T>) {
    items.fold((None, None), |(lo, hi), x| {
        (
            Some(lo.map_or(x, |l: T| l.min(x))),
            Some(hi.map_or(x, |h: T| h.max(x))),
        )
    })
}

/// The width in bits of a float of `size` bytes (0 if this crate cannot print it).
fn float_bits(size: usize) -> u8 {
    match size {
        2 => 16,
        4 => 32,
        8 => 64,
        _ => 0,
    }
}

/// numpy's `str` of a 0-d array: the element as its scalar prints.
pub(super) fn scalar_str(dtype: &Dtype, value: &Value) -> String {
    match value {
        Value::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Float { value, bits } => float_scalar_str(*value, *bits),
        Value::Complex { re, im, bits } => complex_scalar_str(*re, *im, *bits),
        Value::Str(s) => s.clone(),
        // `str` of a 0-d bytes array is the repr of the numpy scalar.
        Value::Bytes(_) => format!("np.bytes_({})", repr(value)),
        Value::Datetime(t, unit) if *t == i64::MIN || unit.base.is_none() => {
            if *t == i64::MIN {
                "NaT".to_string()
            } else {
                t.to_string()
            }
        }
        Value::Datetime(t, unit) => datetime_str(*t, *unit),
        Value::Timedelta(t, unit) => timedelta_scalar_str(*t, *unit),
        Value::Record(_) => {
            let ctx = Context {
                zero_d: true,
                scalar_floats: true,
            };
            Format::build(dtype, &[value], ctx).apply(value)
        }
        Value::Array(shape, items) => {
            let base = match dtype {
                Dtype::Subarray(base, _) => &**base,
                d => d,
            };
            let refs: Vec<&Value> = items.iter().collect();
            let format = Format::build(base, &refs, Context::ARRAY);
            let mut out = String::new();
            subarray_text(&format, shape, items, items.len() > THRESHOLD, &mut out);
            out
        }
        Value::Void(_) | Value::Unsupported(_) => repr(value),
    }
}

/// Python's `repr` of a text, byte-string or raw-bytes element.
fn repr(value: &Value) -> String {
    match value {
        Value::Str(s) => py_repr_str(s),
        // numpy's bytes scalars drop the NUL padding.
        Value::Bytes(b) => {
            let end = b.iter().rposition(|&c| c != 0).map_or(0, |p| p + 1);
            py_repr_bytes(&b[..end])
        }
        Value::Void(b) | Value::Unsupported(b) => {
            let mut out = String::from("b'");
            for byte in b {
                let _ = write!(out, "\\x{byte:02x}");
            }
            out.push('\'');
            out
        }
        other => format!("{other:?}"),
    }
}
