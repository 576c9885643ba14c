//! Float digits the way numpy's Dragon4 chooses them: the shortest digits that read back as
//! the value at its own width (`f2`, `f4`, `f8`), ties settled on the even digit, and digits
//! cut to a precision.

use super::half::f64_to_f16_bits;
use crate::value::pow2;

/// The shortest decimal digits of the non-negative finite `x` that read back as `x` at
/// `bits` of precision, and the decimal exponent of the first digit: `(b"15", -3)` is
/// 0.0015. Zero is `(b"0", 0)`.
pub(super) fn shortest_digits(x: f64, bits: u8) -> (Vec<u8>, i32) {
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
pub(super) fn exact_scientific(x: f64, bits: u8, frac: usize) -> (Vec<u8>, i32) {
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
    use crate::display::MIRI_STEP;
    use crate::value::f16_to_f64;

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
}
