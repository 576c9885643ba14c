//! numpy-style printing of arrays: the text of `print(arr)` (numpy's `str(arr)`) under
//! numpy's default print options (`linewidth=75`, `threshold=1000`, `edgeitems=3`,
//! `precision=8`, `floatmode='maxprec'`, `sign='-'`).
//!
//! The rules are numpy's (`numpy/_core/arrayprint.py` and its Dragon4 float printer),
//! re-implemented here:
//!
//! - every element is formatted by one formatter built from all the elements shown (for a
//!   summarized array, only the corners that are printed), so that columns line up: integers
//!   right-aligned to the widest, booleans as ` True`/`False`, floats with a common number of
//!   digits left and right of the point;
//! - floats print the shortest digits that read back as the same value *at the element's own
//!   width* (an `f32` 0.1 prints `0.1`), at most 8 after the point; they switch to scientific
//!   notation when the largest magnitude reaches 1e8 (`f8`), 1e6 (`f4`) or 1e3 (`f2`), the
//!   smallest non-zero one is below 1e-4, or the two are more than 1000 apart; then every
//!   element shows as many mantissa digits as the longest needs;
//! - rows wrap at 75 columns, nested dimensions are separated by as many newlines as the
//!   dimensions left, and arrays of more than 1000 elements show 3 items at each end of
//!   every axis around a `...`;
//! - a 0-d array prints its element the way numpy's scalar `str` does (`1.0`, `1e+16`,
//!   `(1+2j)`), an empty array prints `[]` whatever its shape;
//! - records print as tuples with one formatter per field, subarray fields as nested lists;
//!   byte strings as Python `bytes` reprs, text as Python `str` reprs, datetimes as quoted
//!   ISO 8601 at the dtype's unit.
//!
//! # Differences from numpy
//!
//! - A generic datetime (`M8` without a unit) other than `NaT` makes numpy raise
//!   `ValueError` when printing; it prints as its tick count here.
//! - Long doubles (`f12`, `f16`, `c24`, `c32`) cannot be decoded by [`Value`]; they print as
//!   the `bytes` repr of their raw bytes (`b'\x00...'`), numpy prints their values.
//! - Unicode text is escaped with Python's `repr` rules for control, separator and surrogate
//!   characters only (see `py_repr_str` in `dtype.rs`); Python also escapes unassigned and
//!   private-use code points. Line wrapping counts `char`s, as Python counts code points.

use std::fmt;
use std::fmt::Write as _;

use crate::dtype::{py_repr_str, DateUnit, Dtype, Kind, TimeUnit};
use crate::shape::{element_count, linear_index, Order};
use crate::value::{f16_to_f64, pow2, Value};

/// numpy's `linewidth`.
const LINE_WIDTH: usize = 75;
/// numpy's `threshold`: arrays with more elements than this are summarized.
const THRESHOLD: usize = 1000;
/// numpy's `edgeitems`: items kept at each end of a summarized axis.
const EDGE_ITEMS: usize = 3;
/// numpy's `precision`: at most this many digits after the point (mantissa digits in
/// scientific notation).
const PRECISION: usize = 8;

/// Writes an array whose element bytes are `bytes` (memory order) the way numpy prints it.
pub(crate) fn fmt_array(
    f: &mut fmt::Formatter<'_>,
    bytes: &[u8],
    dtype: &Dtype,
    shape: &[usize],
    order: Order,
) -> fmt::Result {
    match array_to_string(bytes, dtype, shape, order) {
        Some(text) => f.write_str(&text),
        // The maps and arrays always hold their whole shape; say so rather than fail the
        // formatter (which would make `to_string` panic).
        None => write!(
            f,
            "<{} bytes do not hold an array of shape {shape:?} and dtype {dtype}>",
            bytes.len()
        ),
    }
}

/// The text of `print(arr)`, or `None` if `bytes` is too short for the shape.
fn array_to_string(bytes: &[u8], dtype: &Dtype, shape: &[usize], order: Order) -> Option<String> {
    let itemsize = dtype.itemsize();
    // numpy treats an array of subarrays as one array with the subarray axes appended.
    let (base, full_shape, inner) = match dtype {
        Dtype::Subarray(base, sub) => {
            let mut full = shape.to_vec();
            full.extend_from_slice(sub);
            (&**base, full, sub.len())
        }
        d => (d, shape.to_vec(), 0),
    };
    if full_shape.is_empty() {
        let value = Value::decode(dtype, bytes)?;
        return Some(scalar_str(dtype, &value));
    }
    if element_count(&full_shape)? == 0 {
        return Some("[]".to_string());
    }
    let outer_rank = shape.len();
    let base_size = base.itemsize();
    let summarize = element_count(&full_shape)? > THRESHOLD;
    let shown: Vec<Vec<usize>> = full_shape
        .iter()
        .map(|&n| shown_indices(n, summarize))
        .collect();

    // Decode the shown elements in C order of the shown grid.
    let mut values = Vec::new();
    let mut index = vec![0usize; full_shape.len()];
    let mut pos = vec![0usize; full_shape.len()];
    loop {
        for (axis, &p) in pos.iter().enumerate() {
            index[axis] = shown[axis][p];
        }
        let outer = linear_index(shape, order, &index[..outer_rank])?;
        let inner_pos = if inner == 0 {
            0
        } else {
            linear_index(&full_shape[outer_rank..], Order::C, &index[outer_rank..])?
        };
        let start = outer
            .checked_mul(itemsize)?
            .checked_add(inner_pos * base_size)?;
        values.push(Value::decode(base, bytes.get(start..)?)?);
        if !advance(&mut pos, &shown) {
            break;
        }
    }

    let refs: Vec<&Value> = values.iter().collect();
    let format = Format::build(base, &refs, Context::ARRAY);
    let words: Vec<String> = values.iter().map(|v| format.apply(v)).collect();
    let grid = Grid {
        words: &words,
        dims: shown.iter().map(Vec::len).collect(),
        summarized: full_shape
            .iter()
            .map(|&n| summarize && n > 2 * EDGE_ITEMS)
            .collect(),
    };
    Some(grid.render(0, 0, 1, LINE_WIDTH))
}

/// Steps the grid position `pos` to the next one in C order (last axis fastest) over axes
/// of `shown[axis].len()` items; false after the last position.
fn advance(pos: &mut [usize], shown: &[Vec<usize>]) -> bool {
    for axis in (0..pos.len()).rev() {
        pos[axis] += 1;
        if pos[axis] < shown[axis].len() {
            return true;
        }
        pos[axis] = 0;
    }
    false
}

/// The indices numpy prints along an axis of length `n`.
fn shown_indices(n: usize, summarize: bool) -> Vec<usize> {
    if summarize && n > 2 * EDGE_ITEMS {
        (0..EDGE_ITEMS).chain(n - EDGE_ITEMS..n).collect()
    } else {
        (0..n).collect()
    }
}

/// The formatted shown elements and the shape they form.
struct Grid<'a> {
    words: &'a [String],
    /// Shown items per axis.
    dims: Vec<usize>,
    /// Whether a `...` goes in the middle of each axis.
    summarized: Vec<bool>,
}

impl Grid<'_> {
    /// numpy's `_formatArray` recursion for the sub-array starting at word `start` on `axis`,
    /// continuation lines indented by `hanging` spaces and at most `width` columns wide.
    fn render(&self, axis: usize, start: usize, hanging: usize, width: usize) -> String {
        let n = self.dims[axis];
        let stride: usize = self.dims[axis + 1..].iter().product();
        let indent = " ".repeat(hanging);
        let mut s = String::new();
        if axis + 1 == self.dims.len() {
            // Leave room for the closing bracket.
            let elem_width = width.saturating_sub(1);
            let mut line = indent.clone();
            for j in 0..n {
                if self.summarized[axis] && j == EDGE_ITEMS {
                    extend_line(&mut s, &mut line, "...", elem_width, hanging);
                    line.push(' ');
                }
                extend_line(
                    &mut s,
                    &mut line,
                    &self.words[start + j],
                    elem_width,
                    hanging,
                );
                if j + 1 < n {
                    line.push(' ');
                }
            }
            s.push_str(&line);
        } else {
            let line_sep = "\n".repeat(self.dims.len() - axis - 1);
            for j in 0..n {
                if self.summarized[axis] && j == EDGE_ITEMS {
                    s.push_str(&indent);
                    s.push_str("...");
                    s.push_str(&line_sep);
                }
                s.push_str(&indent);
                s.push_str(&self.render(
                    axis + 1,
                    start + j * stride,
                    hanging + 1,
                    width.saturating_sub(1),
                ));
                if j + 1 < n {
                    s.push_str(&line_sep);
                }
            }
        }
        format!("[{}]", &s[hanging..])
    }
}

/// numpy's `_extendLine`: appends `word` to `line`, first moving `line` into `s` and starting
/// a new line indented by `hanging` spaces if the word would pass `width` (unless the line
/// holds nothing but the indent, where wrapping would not help).
fn extend_line(s: &mut String, line: &mut String, word: &str, width: usize, hanging: usize) {
    let line_len = line.chars().count();
    if line_len + word.chars().count() > width && line_len > hanging {
        s.push_str(line.trim_end());
        s.push('\n');
        line.clear();
        line.push_str(&" ".repeat(hanging));
    }
    line.push_str(word);
}

/// Where a format is used, which changes how numpy formats some kinds.
#[derive(Clone, Copy)]
struct Context {
    /// The values are 0-d (fields of a 0-d record): booleans print without padding.
    zero_d: bool,
    /// Inside a 0-d record numpy prints floats with the scalar `str`, subarrays included.
    scalar_floats: bool,
}

impl Context {
    /// The elements of an array.
    const ARRAY: Context = Context {
        zero_d: false,
        scalar_floats: false,
    };
}

/// How the elements of one dtype print, built from the elements shown (numpy's format
/// functions).
enum Format {
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
    fn build(dtype: &Dtype, values: &[&Value], ctx: Context) -> Format {
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
                Kind::Datetime(unit) => {
                    let ticks = values.iter().filter_map(|v| match v {
                        Value::Datetime(t, _) if *t != i64::MIN => Some(*t),
                        _ => None,
                    });
                    let (lo, hi) = min_max(ticks);
                    let mut width = [lo, hi]
                        .iter()
                        .flatten()
                        .map(|&t| datetime_str(t, unit).chars().count() + 2)
                        .max()
                        .unwrap_or(0);
                    if values.iter().any(|v| is_nat(v)) {
                        width = width.max(5);
                    }
                    Format::Datetime { width }
                }
                Kind::Timedelta(_) => {
                    let ticks = values.iter().filter_map(|v| match v {
                        Value::Timedelta(t, _) if *t != i64::MIN => Some(*t),
                        _ => None,
                    });
                    let (lo, hi) = min_max(ticks);
                    let mut width = [lo, hi]
                        .iter()
                        .flatten()
                        .map(|t| t.to_string().len())
                        .max()
                        .unwrap_or(0);
                    if values.iter().any(|v| is_nat(v)) {
                        width = width.max(5);
                    }
                    Format::Timedelta { width }
                }
            },
        }
    }

    /// The text of one element.
    fn apply(&self, value: &Value) -> String {
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
                if parts.len() == 1 {
                    format!("({},)", parts[0])
                } else {
                    format!("({})", parts.join(", "))
                }
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

/// numpy's `SubArrayFormat`: `[a, b, c]`, nested by `shape`, with `...` past the threshold.
fn subarray_text(
    format: &Format,
    shape: &[usize],
    items: &[Value],
    summarize: bool,
    out: &mut String,
) {
    let Some((&n, rest)) = shape.split_first() else {
        if let Some(v) = items.first() {
            out.push_str(&format.apply(v));
        }
        return;
    };
    let step = element_count(rest).unwrap_or(0);
    out.push('[');
    let indices = shown_indices(n, summarize);
    for (k, &i) in indices.iter().enumerate() {
        if k > 0 {
            out.push_str(", ");
        }
        if summarize && n > 2 * EDGE_ITEMS && k == EDGE_ITEMS {
            out.push_str("..., ");
        }
        let chunk = items.get(i * step..(i + 1) * step).unwrap_or(&[]);
        subarray_text(format, rest, chunk, summarize, out);
    }
    out.push(']');
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

/// numpy's `FloatingFormat` for one array (or one part of a complex array).
#[derive(Debug)]
struct FloatFormat {
    /// The width of the floats (16, 32 or 64): it decides their shortest digits.
    bits: u8,
    /// Whether positive values get a `+` (imaginary parts).
    plus: bool,
    /// Scientific notation.
    exp: bool,
    /// Mantissa digits after the point, in scientific notation.
    precision: usize,
    /// Characters left of the point (sign included).
    pad_left: usize,
    /// Characters right of the point (exponent included).
    pad_right: usize,
    /// Digits of the exponent.
    exp_size: usize,
}

impl FloatFormat {
    /// The format of an array holding `values` (all elements shown), numpy's `fillFormat`.
    fn new(values: &[f64], bits: u8, plus: bool) -> FloatFormat {
        let finite: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        let mut ff = FloatFormat {
            bits,
            plus,
            exp: false,
            precision: PRECISION,
            pad_left: 0,
            pad_right: 0,
            exp_size: 0,
        };
        let nonzero = finite.iter().map(|x| x.abs()).filter(|&x| x != 0.0);
        let max = nonzero
            .clone()
            .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))));
        let min = nonzero.fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.min(x))));
        if let (Some(max), Some(min)) = (max, min) {
            ff.exp = uses_scientific(max, min, bits);
        }
        if finite.is_empty() {
            // Nothing to measure; only the padding for nan/inf below applies.
        } else if ff.exp {
            let mut precision = 0;
            let mut exp_len = 0;
            let mut int_len = 0;
            for &x in &finite {
                let (digits, e) = maxprec_scientific(x.abs(), bits);
                precision = precision.max(digits.len() - 1);
                exp_len = exp_len.max(exponent_text(e, 2).len());
                int_len = int_len.max(1 + usize::from(x.is_sign_negative() || plus));
            }
            ff.precision = precision;
            ff.exp_size = exp_len - 1;
            ff.pad_left = int_len;
            ff.pad_right = ff.exp_size + 2 + precision;
        } else {
            for &x in &finite {
                let (int, frac) = maxprec_positional(x.abs(), bits);
                let sign = usize::from(x.is_sign_negative() || plus);
                ff.pad_left = ff.pad_left.max(int.len() + sign);
                ff.pad_right = ff.pad_right.max(frac.len());
            }
        }
        if finite.len() != values.len() {
            let neg_inf = plus || values.contains(&f64::NEG_INFINITY);
            let offset = ff.pad_right + 1;
            let need = (3 + usize::from(neg_inf)).saturating_sub(offset);
            ff.pad_left = ff.pad_left.max(need);
        }
        ff
    }

    /// The text of one element, padded to the common width.
    fn format(&self, x: f64) -> String {
        let sign = if x.is_sign_negative() {
            "-"
        } else if self.plus {
            "+"
        } else {
            ""
        };
        if !x.is_finite() {
            let text = if x.is_nan() {
                if self.plus { "+nan" } else { "nan" }.to_string()
            } else {
                format!("{sign}inf")
            };
            let width = self.pad_left + self.pad_right + 1;
            return format!("{text:>width$}");
        }
        if self.exp {
            let (digits, e) = exact_scientific(x.abs(), self.bits, self.precision);
            let digits = String::from_utf8_lossy(&digits);
            let mantissa = format!("{sign}{}", &digits[..1]);
            format!(
                "{mantissa:>pad$}.{}e{}",
                &digits[1..],
                exponent_text(e, self.exp_size),
                pad = self.pad_left
            )
        } else {
            let (int, frac) = maxprec_positional(x.abs(), self.bits);
            let int = format!("{sign}{int}");
            format!(
                "{int:>left$}.{frac:<right$}",
                left = self.pad_left,
                right = self.pad_right
            )
        }
    }
}

/// numpy's choice of scientific notation for an array whose non-zero finite magnitudes span
/// `min..=max`. numpy compares in the array's own precision, so `f4`/`f2` values are
/// compared with 1e-4 rounded to that precision and their ratio is rounded too.
fn uses_scientific(max: f64, min: f64, bits: u8) -> bool {
    let (cutoff_max, cutoff_min, ratio) = match bits {
        16 => {
            let r = f64::from((max as f32) / (min as f32));
            (1e3, round_f16(1e-4), round_f16(r))
        }
        32 => (
            1e6,
            f64::from(1e-4f32),
            f64::from((max as f32) / (min as f32)),
        ),
        _ => (1e8, 1e-4, max / min),
    };
    max >= cutoff_max || min < cutoff_min || ratio > 1000.0
}

/// `+05`, `-123`: the exponent with its sign and at least `digits` digits.
fn exponent_text(e: i32, digits: usize) -> String {
    let sign = if e < 0 { '-' } else { '+' };
    format!("{sign}{:0digits$}", e.unsigned_abs())
}

/// The shortest decimal digits of the non-negative finite `x` that read back as `x` at
/// `bits` of precision, and the decimal exponent of the first digit: `(b"15", -3)` is
/// 0.0015. Zero is `(b"0", 0)`.
fn shortest_digits(x: f64, bits: u8) -> (Vec<u8>, i32) {
    // Rust's `{:e}` prints the shortest round-trip digits of the type formatted, the nearest
    // such; only an exact tie between two of them is settled differently (see below).
    let (digits, e) = match bits {
        16 => return shortest_f16(x),
        32 => parse_scientific(&format!("{:e}", x as f32)),
        _ => parse_scientific(&format!("{x:e}")),
    };
    settle_tie(x, bits, digits, e)
}

/// Dragon4 (numpy) settles a value exactly halfway between two shortest candidates on the
/// one with the even last digit, where Rust rounds half up; returns numpy's choice.
///
/// A tie at the last digit's place `10^k` means `x` is an odd multiple of `10^k / 2`, which
/// for the binary `x` means its lowest set bit is worth `2^(k-1)` with `k <= 0` (for `k > 0`
/// the rounding interval is narrower than the digit spacing and no tie can have both
/// candidates inside it).
fn settle_tie(x: f64, bits: u8, digits: Vec<u8>, e: i32) -> (Vec<u8>, i32) {
    let k = e - digits.len() as i32 + 1;
    if x == 0.0 || k > 0 || lowest_bit_exponent(x) != k - 1 {
        return (digits, e);
    }
    // The exact expansion of `x` ends at the place 10^(k-1); 40 digits show it whole.
    let (mut exact, ex) = parse_scientific(&format!("{x:.40e}"));
    while exact.len() > 1 && exact.last() == Some(&b'0') {
        exact.pop();
    }
    exact.pop();
    if exact.is_empty() {
        return (digits, e);
    }
    let lower = (exact, ex);
    let upper = decimal_increment(&lower.0, ex);
    let reads_back = |(d, e): &(Vec<u8>, i32)| {
        let text = format!("{}e{}", String::from_utf8_lossy(d), e - d.len() as i32 + 1);
        match bits {
            32 => text.parse::<f32>().is_ok_and(|y| f64::from(y) == x),
            _ => text.parse::<f64>().is_ok_and(|y| y == x),
        }
    };
    let even = |(d, _): &(Vec<u8>, i32)| d.last().is_some_and(|c| (c - b'0').is_multiple_of(2));
    let mut picks = [lower, upper]
        .into_iter()
        .filter(reads_back)
        .collect::<Vec<_>>();
    if picks.len() == 2 {
        picks.retain(even);
    }
    let (mut d, e) = picks.pop().unwrap_or((digits, e));
    while d.len() > 1 && d.last() == Some(&b'0') {
        d.pop();
    }
    (d, e)
}

/// The exponent of the lowest set bit of the finite, non-zero `x`: `x` is an odd multiple of
/// `2^result`.
fn lowest_bit_exponent(x: f64) -> i32 {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (mantissa, exp) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    };
    exp + mantissa.trailing_zeros() as i32
}

/// `digits` (first digit's exponent `e`) plus one unit in the last place.
fn decimal_increment(digits: &[u8], e: i32) -> (Vec<u8>, i32) {
    let mut d = digits.to_vec();
    for i in (0..d.len()).rev() {
        if d[i] == b'9' {
            d[i] = b'0';
        } else {
            d[i] += 1;
            return (d, e);
        }
    }
    d.insert(0, b'1');
    d.pop();
    (d, e + 1)
}

/// `x` (non-negative, finite, of `bits` bits) cut to `frac` digits after the point of
/// scientific notation the way Dragon4 cuts it: digits and exponent.
///
/// That is the exact value rounded to nearest, ties to even, except for a power of two
/// whose gap to the number below is half the gap above: Dragon4 then rounds towards the
/// only neighbour that still reads back as `x`, if just one does. This shows at the
/// precision of the type itself (`np.float16(2**-6)` prints `1.563e-02`).
fn exact_scientific(x: f64, bits: u8, frac: usize) -> (Vec<u8>, i32) {
    let nearest = parse_scientific(&format!("{x:.frac$e}"));
    let mantissa_bits = match bits {
        16 => 10,
        32 => 23,
        // Unreachable for f64 at numpy's 9 significant digits, whose spacing is far wider
        // than an f64's gaps.
        _ => return nearest,
    };
    if x == 0.0 || x.to_bits() & ((1 << 52) - 1) != 0 {
        return nearest;
    }
    let p = lowest_bit_exponent(x);
    let min_normal = match bits {
        16 => -14,
        _ => -126,
    };
    if p <= min_normal {
        return nearest;
    }
    // The neighbours' midpoints: x - gap_below / 2 and x + gap_above / 2, exact in f64.
    let low_bound = x - pow2(p - mantissa_bits - 2);
    let high_bound = x + pow2(p - mantissa_bits - 1);
    let (exact, e) = exact_decimal(x);
    let mut truncated: Vec<u8> = exact.iter().copied().take(frac + 1).collect();
    truncated.resize(frac + 1, b'0');
    let up = decimal_increment(&truncated, e);
    // A power of two has an even mantissa, so the midpoints themselves still round to it.
    let low = cmp_decimal(&(truncated.clone(), e), &exact_decimal(low_bound)).is_ge();
    let high = cmp_decimal(&up, &exact_decimal(high_bound)).is_le();
    match (low, high) {
        (true, false) => (truncated, e),
        (false, true) => up,
        _ => nearest,
    }
}

/// Every significant digit of the positive finite `x` (no trailing zeros) and the exponent
/// of the first; an f64's expansion has at most 767 significant digits.
fn exact_decimal(x: f64) -> (Vec<u8>, i32) {
    let (mut digits, e) = parse_scientific(&format!("{x:.800e}"));
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    (digits, e)
}

/// Compares two positive decimals given as digits (first one non-zero) and the exponent of
/// the first digit.
fn cmp_decimal(a: &(Vec<u8>, i32), b: &(Vec<u8>, i32)) -> std::cmp::Ordering {
    a.1.cmp(&b.1).then_with(|| {
        let len = a.0.len().max(b.0.len());
        let digit = |d: &[u8], i: usize| d.get(i).copied().unwrap_or(b'0');
        (0..len)
            .map(|i| digit(&a.0, i).cmp(&digit(&b.0, i)))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    })
}

/// Splits Rust's `1.2345e-5` into `(b"12345", -5)`.
fn parse_scientific(s: &str) -> (Vec<u8>, i32) {
    let (mantissa, exp) = s.split_once('e').unwrap_or((s, "0"));
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    (digits, exp.parse().unwrap_or(0))
}

/// numpy's `maxprec` scientific digits of `x` (non-negative, finite): the shortest digits,
/// or the value rounded to `PRECISION` digits after the point when the shortest are longer,
/// trailing zeros dropped.
fn maxprec_scientific(x: f64, bits: u8) -> (Vec<u8>, i32) {
    let (digits, e) = shortest_digits(x, bits);
    if digits.len() <= PRECISION + 1 {
        return (digits, e);
    }
    let (mut digits, e) = exact_scientific(x, bits, PRECISION);
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    (digits, e)
}

/// numpy's `maxprec` positional text of `x` (non-negative, finite) as integer and fraction
/// digits: the shortest digits, or the value rounded to `PRECISION` digits after the point
/// when the shortest need more, trailing zeros dropped (`2.` has an empty fraction).
fn maxprec_positional(x: f64, bits: u8) -> (String, String) {
    let (digits, e) = shortest_digits(x, bits);
    let (int, frac) = positional_parts(&digits, e);
    if frac.len() <= PRECISION {
        return (int, frac);
    }
    let text = format!("{x:.PRECISION$}");
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    (int.to_string(), frac.trim_end_matches('0').to_string())
}

/// Digits with the exponent of the first one, as integer and fraction text without
/// trailing fraction zeros.
fn positional_parts(digits: &[u8], e: i32) -> (String, String) {
    let text = |d: &[u8]| String::from_utf8_lossy(d).into_owned();
    if digits == b"0" {
        return ("0".to_string(), String::new());
    }
    if e >= 0 {
        let whole = e as usize + 1;
        if digits.len() <= whole {
            let mut int = text(digits);
            int.push_str(&"0".repeat(whole - digits.len()));
            (int, String::new())
        } else {
            (text(&digits[..whole]), text(&digits[whole..]))
        }
    } else {
        let zeros = "0".repeat((-e - 1) as usize);
        ("0".to_string(), zeros + &text(digits))
    }
}

/// numpy's `str` of a float scalar (`np.float64(x)`, `np.float32(x)`, `np.float16(x)`):
/// positional with at least one fraction digit (`1.0`) from 1e-4 up to 1e16 (`f8`), 1e6
/// (`f4`) or 1e3 (`f2`), else scientific without a bare point (`1e+16`, `1.5e-07`).
fn float_scalar_str(x: f64, bits: u8) -> String {
    let (text, integral) = float_scalar_parts(x, bits);
    if integral {
        text + ".0"
    } else {
        text
    }
}

/// The scalar text of `x` without a trailing point (the text numpy uses for the parts of a
/// complex scalar), and whether it is positional with no fraction digits.
fn float_scalar_parts(x: f64, bits: u8) -> (String, bool) {
    if x.is_nan() {
        return ("nan".to_string(), false);
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x.is_infinite() {
        return (format!("{sign}inf"), false);
    }
    let a = x.abs();
    let upper = match bits {
        16 => 1e3,
        32 => 1e6,
        _ => 1e16,
    };
    let (digits, e) = shortest_digits(a, bits);
    if a == 0.0 || (1e-4..upper).contains(&a) {
        let (int, frac) = positional_parts(&digits, e);
        if frac.is_empty() {
            (format!("{sign}{int}"), true)
        } else {
            (format!("{sign}{int}.{frac}"), false)
        }
    } else {
        let text = String::from_utf8_lossy(&digits[..1]).into_owned();
        let rest = String::from_utf8_lossy(&digits[1..]).into_owned();
        let point = if rest.is_empty() { "" } else { "." };
        (
            format!("{sign}{text}{point}{rest}e{}", exponent_text(e, 2)),
            false,
        )
    }
}

/// numpy's `str` of a complex scalar: `(1+2j)`, `2j` when the real part is +0, `(nan+nanj)`.
fn complex_scalar_str(re: f64, im: f64, bits: u8) -> String {
    let (im_text, _) = float_scalar_parts(im.abs(), bits);
    let im_sign = if im.is_sign_negative() && !im.is_nan() {
        '-'
    } else {
        '+'
    };
    if re == 0.0 && !re.is_sign_negative() {
        let sign = if im_sign == '-' { "-" } else { "" };
        return format!("{sign}{im_text}j");
    }
    let (re_text, _) = float_scalar_parts(re, bits);
    format!("({re_text}{im_sign}{im_text}j)")
}

/// numpy's `str` of a 0-d array: the element as its scalar prints.
fn scalar_str(dtype: &Dtype, value: &Value) -> String {
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

/// numpy's `str` of a `timedelta64` scalar: `5 seconds`, `NaT`.
fn timedelta_scalar_str(t: i64, unit: TimeUnit) -> String {
    if t == i64::MIN {
        return "NaT".to_string();
    }
    let Some(base) = unit.base else {
        return format!("{t} generic time units");
    };
    let name = match base {
        DateUnit::Years => "years",
        DateUnit::Months => "months",
        DateUnit::Weeks => "weeks",
        DateUnit::Days => "days",
        DateUnit::Hours => "hours",
        DateUnit::Minutes => "minutes",
        DateUnit::Seconds => "seconds",
        DateUnit::Millis => "milliseconds",
        DateUnit::Micros => "microseconds",
        DateUnit::Nanos => "nanoseconds",
        DateUnit::Picos => "picoseconds",
        DateUnit::Femtos => "femtoseconds",
        DateUnit::Attos => "attoseconds",
    };
    format!("{} {name}", i128::from(t) * i128::from(unit.multiplier))
}

/// Python's `repr` of a text, byte-string or raw-bytes element.
fn repr(value: &Value) -> String {
    match value {
        Value::Str(s) => py_repr_str(s),
        // numpy's bytes scalars drop the NUL padding.
        Value::Bytes(b) => {
            let end = b.iter().rposition(|&c| c != 0).map_or(0, |p| p + 1);
            bytes_repr(&b[..end])
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

/// Python's `repr` of `bytes`: `b'ab\x00'`, double quotes when the bytes hold `'` and no `"`.
fn bytes_repr(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::from("b");
    out.push(char::from(quote));
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(char::from(c));
            }
            0x20..=0x7e => out.push(char::from(c)),
            c => {
                let _ = write!(out, "\\x{c:02x}");
            }
        }
    }
    out.push(char::from(quote));
    out
}

/// numpy's `datetime_as_string` at the dtype's unit: `2020-01-01`, `2020-01-01T00:00:00`,
/// `2020-01-01T01:02:03.123456789`; years outside 0..=9999 as numpy writes them (`-001`,
/// `10000`). Generic-unit values print as their tick count.
fn datetime_str(ticks: i64, unit: TimeUnit) -> String {
    let Some(base) = unit.base else {
        return ticks.to_string();
    };
    let v = i128::from(ticks) * i128::from(unit.multiplier);
    let year_text = |y: i128| format!("{y:04}");
    let (per_second, frac_digits): (i128, usize) = match base {
        DateUnit::Years => return year_text(1970 + v),
        DateUnit::Months => {
            let y = 1970 + v.div_euclid(12);
            return format!("{}-{:02}", year_text(y), v.rem_euclid(12) + 1);
        }
        DateUnit::Weeks => return date_text(v * 7),
        DateUnit::Days => return date_text(v),
        DateUnit::Hours => (0, 0),
        DateUnit::Minutes => (0, 0),
        DateUnit::Seconds => (1, 0),
        DateUnit::Millis => (1_000, 3),
        DateUnit::Micros => (1_000_000, 6),
        DateUnit::Nanos => (1_000_000_000, 9),
        DateUnit::Picos => (1_000_000_000_000, 12),
        DateUnit::Femtos => (1_000_000_000_000_000, 15),
        DateUnit::Attos => (1_000_000_000_000_000_000, 18),
    };
    let (per_day, fields) = match base {
        DateUnit::Hours => (24, 1),
        DateUnit::Minutes => (24 * 60, 2),
        _ => (86_400 * per_second, 3),
    };
    let days = v.div_euclid(per_day);
    let rest = v.rem_euclid(per_day);
    let mut out = date_text(days);
    let (hour, minute, second, frac) = match fields {
        1 => (rest, 0, 0, 0),
        2 => (rest / 60, rest % 60, 0, 0),
        _ => {
            let secs = rest / per_second;
            (secs / 3600, secs / 60 % 60, secs % 60, rest % per_second)
        }
    };
    let _ = write!(out, "T{hour:02}");
    if fields >= 2 {
        let _ = write!(out, ":{minute:02}");
    }
    if fields >= 3 {
        let _ = write!(out, ":{second:02}");
    }
    if frac_digits > 0 {
        let _ = write!(out, ".{frac:0frac_digits$}");
    }
    out
}

/// `YYYY-MM-DD` of a count of days since 1970-01-01 (proleptic Gregorian calendar).
fn date_text(days: i128) -> String {
    // Shift the epoch to 0000-03-01 so leap days fall at the end of a 400-year era.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i128::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Rounds `x` to the nearest half-precision value (ties to even), returned widened.
fn round_f16(x: f64) -> f64 {
    f16_to_f64(f64_to_f16_bits(x))
}

/// The half-precision bits nearest to `x`, ties to even (IEEE 754 default rounding).
fn f64_to_f16_bits(x: f64) -> u16 {
    let sign: u16 = if x.is_sign_negative() { 0x8000 } else { 0 };
    if x.is_nan() {
        return 0x7e00;
    }
    let a = x.abs();
    // 65520 is halfway between the largest half (65504) and 65536; ties go to the even
    // neighbour, which is infinity.
    if a >= 65520.0 {
        return sign | 0x7c00;
    }
    if a < pow2(-14) {
        // Subnormal: a multiple of 2^-24; 1024 of them make the smallest normal.
        let n = (a * pow2(24)).round_ties_even() as u16;
        return sign | n;
    }
    // Scaling by a power of two and rounding is exact in f64.
    // `a` is a normal f64 here: its exponent field is floor(log2(a)).
    let e = ((a.to_bits() >> 52) & 0x7ff) as i32 - 1023;
    let mut m = (a * pow2(10 - e)).round_ties_even() as u32;
    let mut e = e;
    if m == 2048 {
        m = 1024;
        e += 1;
    }
    if e > 15 {
        return sign | 0x7c00;
    }
    sign | (((e + 15) as u16) << 10) | (m - 1024) as u16
}

/// The shortest round-trip digits of a half-precision value (non-negative, finite), found
/// with exact integer arithmetic: Dragon4's rule, the fewest digits that land strictly inside
/// the value's rounding interval (the ends count when the mantissa is even, as ties round
/// to even), the nearest such candidate, ties to the even digit.
fn shortest_f16(x: f64) -> (Vec<u8>, i32) {
    if x == 0.0 {
        return (b"0".to_vec(), 0);
    }
    let bits = f64_to_f16_bits(x) & 0x7fff;
    let exp = i32::from(bits >> 10);
    let frac = u128::from(bits & 0x3ff);
    // x = m * 2^q exactly.
    let (m, q) = if exp == 0 {
        (frac, -24)
    } else {
        (frac + 1024, exp - 25)
    };
    // Work in units of 2^(q-2) so both half-gaps are whole numbers.
    let unit = q - 2;
    let v = 4 * m;
    let gap_low = if frac == 0 && exp > 1 { 1 } else { 2 };
    let (low, high) = (v - gap_low, v + 2);
    let inclusive = m % 2 == 0;
    // Compares c * 10^k with n * 2^unit exactly.
    let cmp = |c: u128, k: i32, n: u128| -> std::cmp::Ordering {
        let (mut l, mut r) = (c, n);
        if k >= 0 {
            l *= 10u128.pow(k as u32);
        } else {
            r *= 10u128.pow((-k) as u32);
        }
        if unit >= 0 {
            r <<= unit as u32;
        } else {
            l <<= (-unit) as u32;
        }
        l.cmp(&r)
    };
    let inside = |c: u128, k: i32| {
        let above = cmp(c, k, low);
        let below = cmp(c, k, high);
        if inclusive {
            above.is_ge() && below.is_le()
        } else {
            above.is_gt() && below.is_lt()
        }
    };
    // Decimal exponent of the first digit.
    let mut e10 = x.log10().floor() as i32;
    if cmp(1, e10, v).is_gt() {
        e10 -= 1;
    } else if cmp(1, e10 + 1, v).is_le() {
        e10 += 1;
    }
    for p in 1..=17 {
        let k = e10 - p + 1;
        // floor(x / 10^k) exactly.
        let (num, den) = {
            let (mut num, mut den) = (v, 1u128);
            if unit >= 0 {
                num <<= unit as u32;
            } else {
                den <<= (-unit) as u32;
            }
            if k >= 0 {
                den *= 10u128.pow(k as u32);
            } else {
                num *= 10u128.pow((-k) as u32);
            }
            (num, den)
        };
        let lo = num / den;
        let rem = num % den;
        let hi = lo + 1;
        let pick = match (inside(lo, k), inside(hi, k) && rem != 0) {
            (true, true) => Some(match (2 * rem).cmp(&den) {
                std::cmp::Ordering::Less => lo,
                std::cmp::Ordering::Greater => hi,
                std::cmp::Ordering::Equal if lo % 2 == 0 => lo,
                std::cmp::Ordering::Equal => hi,
            }),
            (true, false) => Some(lo),
            (false, true) => Some(hi),
            (false, false) => None,
        };
        if let Some(c) = pick {
            let text = c.to_string();
            let first_exp = k + text.len() as i32 - 1;
            let digits = text.trim_end_matches('0').as_bytes().to_vec();
            return (digits, first_exp);
        }
    }
    parse_scientific(&format!("{x:e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exhaustive loops over half values take every value natively, a sample under Miri.
    const MIRI_STEP: usize = if cfg!(miri) { 211 } else { 1 };

    /// `x` rounded to a float of `bits` bits, widened back.
    fn at_width(x: f64, bits: u8) -> f64 {
        match bits {
            16 => round_f16(x),
            32 => f64::from(x as f32),
            _ => x,
        }
    }

    /// Formats `values` the way numpy prints a 1-d array of them at `bits`.
    fn floats(values: &[f64], bits: u8) -> String {
        let size = usize::from(bits / 8);
        let bytes: Vec<u8> = values
            .iter()
            .flat_map(|&x| match bits {
                16 => f64_to_f16_bits(x).to_ne_bytes().to_vec(),
                32 => (x as f32).to_ne_bytes().to_vec(),
                _ => x.to_ne_bytes().to_vec(),
            })
            .collect();
        let dtype = Dtype::scalar(Kind::Float, crate::ByteOrder::NATIVE, size);
        array_to_string(&bytes, &dtype, &[values.len()], Order::C).unwrap()
    }

    // Every expected text below was printed by numpy 2.4.6 (`print(np.array(values,
    // dtype))`).
    #[test]
    fn float_arrays_print_like_numpy() {
        let table: &[(&[f64], u8, &str)] = &[
            (&[1.0, 2.0, 3.0], 64, "[1. 2. 3.]"),
            (&[1.5, 2.0], 64, "[1.5 2. ]"),
            (&[0.1, 0.25, -3.0], 64, "[ 0.1   0.25 -3.  ]"),
            (&[0.123456789012], 64, "[0.12345679]"),
            (&[0.001953125], 64, "[0.00195312]"),
            (&[1e-10], 64, "[1.e-10]"),
            (&[1e20, 1.5e-7, -3.0], 64, "[ 1.0e+20  1.5e-07 -3.0e+00]"),
            (&[1e100, 1e-100], 64, "[1.e+100 1.e-100]"),
            (&[1e8], 64, "[1.e+08]"),
            (&[99999999.0], 64, "[99999999.]"),
            (&[-0.0, 1.0], 64, "[-0.  1.]"),
            (&[f64::NAN, f64::INFINITY], 64, "[nan inf]"),
            (&[f64::NAN, f64::NEG_INFINITY], 64, "[ nan -inf]"),
            (&[1.5, f64::NAN, f64::NEG_INFINITY], 64, "[ 1.5  nan -inf]"),
            (&[1e-5, f64::NAN], 64, "[1.e-05    nan]"),
            (&[f64::INFINITY, f64::NAN, 1.0], 64, "[inf nan  1.]"),
            (&[0.1, 1e-10], 64, "[1.e-01 1.e-10]"),
            (
                &[f64::from_bits(1), f64::MAX],
                64,
                "[4.94065646e-324 1.79769313e+308]",
            ),
            (&[0.1, 1.23456789e-5], 32, "[1.0000000e-01 1.2345679e-05]"),
            (&[0.1, 1e-5], 32, "[1.e-01 1.e-05]"),
            (&[1e6], 32, "[1.e+06]"),
            (&[999999.0], 32, "[999999.]"),
            (&[999999.94], 32, "[999999.94]"),
            (&[1000.0], 16, "[1.e+03]"),
            (&[999.0], 16, "[999.]"),
            (&[999.5], 16, "[999.5]"),
            (&[128.25], 16, "[128.2]"),
            (&[128.25, 1.3], 16, "[128.2   1.3]"),
            // 2^-6 at half precision: 1.5625e-02 cut where only rounding up reads back.
            (&[0.015625, -41.59], 16, "[ 1.563e-02 -4.159e+01]"),
            // Halfway between 184278.62 and 184278.63: numpy takes the even digit.
            (&[184278.625, 1000.5], 32, "[184278.62   1000.5 ]"),
        ];
        for (values, bits, expected) in table {
            assert_eq!(
                floats(values, *bits),
                *expected,
                "{values:?} at {bits} bits"
            );
        }
    }

    // Expected texts printed by numpy 2.4.6 (`str(np.float64(x))`, `np.float32`, ...).
    #[test]
    fn float_scalars_print_like_numpy() {
        let table: &[(f64, u8, &str)] = &[
            (1.0, 64, "1.0"),
            (1e16, 64, "1e+16"),
            (1e15, 64, "1000000000000000.0"),
            (1e15, 32, "1e+15"),
            (0.1, 32, "0.1"),
            (0.1, 16, "0.1"),
            (1e-5, 64, "1e-05"),
            (-0.0, 64, "-0.0"),
            (f64::NAN, 64, "nan"),
            (f64::NEG_INFINITY, 64, "-inf"),
            (123456789.123, 64, "123456789.123"),
            (16777216.0, 32, "1.6777216e+07"),
            (9999999999999998.0, 64, "9999999999999998.0"),
            (1e-4, 32, "1e-04"),
            (1e-4, 16, "0.0001"),
            (999.0, 16, "999.0"),
            (1000.0, 16, "1e+03"),
            (65504.0, 16, "6.55e+04"),
            (100000.0, 32, "100000.0"),
            (1e6, 32, "1e+06"),
            (9999999.0, 32, "9.999999e+06"),
            (184278.625, 32, "184278.62"),
            // Halfway between ...062 and ...063, but ...062 is outside the narrower interval
            // below a power of two.
            (pow2(-24), 64, "5.960464477539063e-08"),
        ];
        for &(x, bits, expected) in table {
            let x = at_width(x, bits);
            assert_eq!(float_scalar_str(x, bits), expected, "{x} at {bits} bits");
        }
    }

    // Expected texts printed by numpy 2.4.6 (`str(np.complex128(c))`).
    #[test]
    fn complex_scalars_print_like_numpy() {
        let table: &[(f64, f64, u8, &str)] = &[
            (1.0, 2.0, 64, "(1+2j)"),
            (0.0, 2.0, 64, "2j"),
            (0.0, -2.0, 64, "-2j"),
            (1.5, -2.5, 64, "(1.5-2.5j)"),
            (f64::NAN, f64::NAN, 64, "(nan+nanj)"),
            (0.0, f64::NAN, 64, "nanj"),
            (1e20, 1e-5, 64, "(1e+20+1e-05j)"),
            (0.0, 0.0, 64, "0j"),
            (-0.0, -0.0, 64, "(-0-0j)"),
            (1e6, 1e5, 32, "(1e+06+100000j)"),
            (1e6, 1e5, 64, "(1000000+100000j)"),
            (f64::INFINITY, f64::NEG_INFINITY, 64, "(inf-infj)"),
        ];
        for &(re, im, bits, expected) in table {
            let (re, im) = (at_width(re, bits), at_width(im, bits));
            assert_eq!(complex_scalar_str(re, im, bits), expected);
        }
    }

    #[test]
    fn half_rounding_is_to_nearest_even() {
        assert_eq!(f64_to_f16_bits(1.0), 0x3c00);
        assert_eq!(f64_to_f16_bits(65504.0), 0x7bff);
        assert_eq!(f64_to_f16_bits(65519.9), 0x7bff);
        assert_eq!(f64_to_f16_bits(65520.0), 0x7c00);
        // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to the even mantissa, 1.
        assert_eq!(f64_to_f16_bits(1.0 + pow2(-11)), 0x3c00);
        // 1 + 3 * 2^-11 is halfway between odd 1 + 2^-10 and even 1 + 2^-9.
        assert_eq!(f64_to_f16_bits(1.0 + 3.0 * pow2(-11)), 0x3c02);
        assert_eq!(f64_to_f16_bits(pow2(-24)), 0x0001);
        assert_eq!(f64_to_f16_bits(pow2(-25)), 0x0000);
        assert_eq!(f64_to_f16_bits(-2.0), 0xc000);
        // Every half value survives the round trip through its widened f64 (a sample under
        // Miri, which is too slow for all of them).
        for bits in (0u16..0x7c00).step_by(MIRI_STEP) {
            assert_eq!(f64_to_f16_bits(f16_to_f64(bits)), bits);
        }
    }

    #[test]
    fn half_shortest_digits_read_back() {
        // Every finite half: its shortest digits parse back to the same half, and one digit
        // fewer (rounded to nearest) does not.
        for bits in (1u16..0x7c00).step_by(MIRI_STEP) {
            let x = f16_to_f64(bits);
            let (digits, e) = shortest_f16(x);
            let text = format!(
                "{}e{}",
                String::from_utf8_lossy(&digits),
                e - digits.len() as i32 + 1
            );
            let back: f64 = text.parse().unwrap();
            assert_eq!(f64_to_f16_bits(back), bits, "{x} printed as {text}");
            if digits.len() > 1 {
                let shorter = format!("{:.*e}", digits.len() - 2, x);
                let back: f64 = shorter.parse().unwrap();
                assert_ne!(f64_to_f16_bits(back), bits, "{x}: {shorter} is shorter");
            }
        }
    }

    #[test]
    fn layout_wraps_and_summarizes() {
        let ints: Vec<u8> = (0..=99).collect();
        let dtype = Dtype::scalar(Kind::UInt, crate::ByteOrder::NotApplicable, 1);
        // numpy 2.4.6: print(np.arange(100, dtype=np.uint8)[:30])
        assert_eq!(
            array_to_string(&ints[..30], &dtype, &[30], Order::C).unwrap(),
            "[ 0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15 16 17 18 19 20 21 22 23\n 24 25 26 \
             27 28 29]"
        );
        // numpy 2.4.6: print(np.arange(24, dtype=np.uint8).reshape(2, 3, 4))
        assert_eq!(
            array_to_string(&ints[..24], &dtype, &[2, 3, 4], Order::C).unwrap(),
            "[[[ 0  1  2  3]\n  [ 4  5  6  7]\n  [ 8  9 10 11]]\n\n [[12 13 14 15]\n  [16 17 18 \
             19]\n  [20 21 22 23]]]"
        );
    }

    // Expected texts from numpy 2.4.6: `np.datetime_as_string(np.datetime64(ticks, unit))`.
    #[test]
    fn datetimes_print_at_their_unit() {
        let unit = |base, multiplier| TimeUnit {
            base: Some(base),
            multiplier,
        };
        let table: &[(i64, DateUnit, u64, &str)] = &[
            (2609, DateUnit::Weeks, 1, "2020-01-02"),
            (600, DateUnit::Months, 1, "2020-01"),
            (50, DateUnit::Years, 1, "2020"),
            (-719_893, DateUnit::Days, 1, "-001-01-01"),
            (2_932_897, DateUnit::Days, 1, "10000-01-01"),
            (-719_468, DateUnit::Days, 1, "0000-03-01"),
            (-1, DateUnit::Hours, 1, "1969-12-31T23"),
            (15_863_794, DateUnit::Minutes, 1, "2000-02-29T12:34"),
            (1, DateUnit::Millis, 1, "1970-01-01T00:00:00.001"),
            (-1, DateUnit::Micros, 1, "1969-12-31T23:59:59.999999"),
            (1, DateUnit::Picos, 1, "1970-01-01T00:00:00.000000000001"),
            (
                1,
                DateUnit::Femtos,
                1,
                "1970-01-01T00:00:00.000000000000001",
            ),
            (
                1,
                DateUnit::Attos,
                1,
                "1970-01-01T00:00:00.000000000000000001",
            ),
            (
                i64::MAX,
                DateUnit::Nanos,
                1,
                "2262-04-11T23:47:16.854775807",
            ),
            (100, DateUnit::Seconds, 25, "1970-01-01T00:41:40"),
        ];
        for &(ticks, base, multiplier, expected) in table {
            assert_eq!(datetime_str(ticks, unit(base, multiplier)), expected);
        }
    }

    // Expected texts from numpy 2.4.6: `str(np.timedelta64(5, '25s'))` and so on.
    #[test]
    fn timedelta_scalars_print_their_unit_name() {
        let unit = |base, multiplier| TimeUnit { base, multiplier };
        let seconds = Some(DateUnit::Seconds);
        assert_eq!(timedelta_scalar_str(5, unit(seconds, 25)), "125 seconds");
        assert_eq!(
            timedelta_scalar_str(5, unit(Some(DateUnit::Weeks), 1)),
            "5 weeks"
        );
        assert_eq!(
            timedelta_scalar_str(1, unit(Some(DateUnit::Years), 1)),
            "1 years"
        );
        assert_eq!(
            timedelta_scalar_str(5, unit(None, 1)),
            "5 generic time units"
        );
        assert_eq!(timedelta_scalar_str(i64::MIN, unit(seconds, 1)), "NaT");
    }

    #[test]
    fn dates_follow_the_proleptic_gregorian_calendar() {
        assert_eq!(date_text(0), "1970-01-01");
        assert_eq!(date_text(-1), "1969-12-31");
        assert_eq!(date_text(18_262), "2020-01-01");
        assert_eq!(date_text(-719_468), "0000-03-01");
        assert_eq!(date_text(11_017), "2000-03-01");
    }
}
