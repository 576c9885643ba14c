//! Rounding to half precision (`f2`), which numpy's printing decisions for `f2` arrays
//! compare in.

use crate::value::{f16_to_f64, pow2};

/// Rounds `x` to the nearest half-precision value (ties to even), returned widened.
pub(super) fn round_f16(x: f64) -> f64 {
    f16_to_f64(f64_to_f16_bits(x))
}

/// The half-precision bits nearest to `x`, ties to even (IEEE 754 default rounding).
pub(super) fn f64_to_f16_bits(x: f64) -> u16 {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::display::MIRI_STEP;

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
}
