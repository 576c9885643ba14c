//! Float and complex text: numpy's `FloatingFormat` for a column of floats (common digits
//! left and right of the point, the switch to scientific notation) and the `str` of a float
//! or complex scalar.

use super::digits::{exact_scientific, shortest_digits};
use super::half::round_f16;
use super::PRECISION;

/// numpy's `FloatingFormat` for one array (or one part of a complex array).
#[derive(Debug)]
pub(super) struct FloatFormat {
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
    pub(super) fn new(values: &[f64], bits: u8, plus: bool) -> FloatFormat {
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
    pub(super) fn format(&self, x: f64) -> String {
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
pub(super) fn float_scalar_str(x: f64, bits: u8) -> String {
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
pub(super) fn complex_scalar_str(re: f64, im: f64, bits: u8) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::display::array_to_string;
    use crate::display::half::f64_to_f16_bits;
    use crate::dtype::{Dtype, Kind};
    use crate::shape::Order;
    use crate::value::pow2;

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
}
