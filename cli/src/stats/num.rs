//! The numeric values `stats` reads out of records, one Rust type per numpy scalar type, and
//! the float types numpy's histogram computes its bins in.
//!
//! Every kernel is generic over [`Num`] and the byte order, so each (kind, size, order) gets
//! its own loop without a per-value match on the dtype.

/// A value of a numeric field as read from its bytes.
pub trait Num: Copy {
    /// Bytes per value.
    const SIZE: usize;
    /// Integers (and booleans): exact extremes, never NaN.
    const INT: bool;
    /// Start values of a running minimum and maximum.
    const HIGH: Self;
    const LOW: Self;
    /// The type numpy's histogram computes in for this dtype (`bin_edges.dtype`).
    type Bin: BinFloat;

    /// Reads a value from the first [`Self::SIZE`] bytes of `b`, big-endian when `BIG`.
    fn read<const BIG: bool>(b: &[u8]) -> Self;
    /// The value as numpy converts it to float64.
    fn f(self) -> f64;
    /// The exact value of an integer (0 for floats).
    fn i(self) -> i128;
    /// The smaller of two values; NaN only when both are (`np.nanmin`'s rule).
    fn min_of(self, o: Self) -> Self;
    /// The larger of two values; NaN only when both are.
    fn max_of(self, o: Self) -> Self;
    fn is_nan(self) -> bool;
    fn is_zero(self) -> bool;
    /// The value converted to [`Self::Bin`] as numpy's `tmp_a.astype(bin_edges.dtype)`.
    fn bin(self) -> Self::Bin;
}

macro_rules! int {
    ($t:ty) => {
        impl Num for $t {
            const SIZE: usize = size_of::<$t>();
            const INT: bool = true;
            const HIGH: Self = <$t>::MAX;
            const LOW: Self = <$t>::MIN;
            type Bin = f64;
            #[inline(always)]
            fn read<const BIG: bool>(b: &[u8]) -> Self {
                let mut a = [0u8; size_of::<$t>()];
                a.copy_from_slice(&b[..size_of::<$t>()]);
                if BIG {
                    <$t>::from_be_bytes(a)
                } else {
                    <$t>::from_le_bytes(a)
                }
            }
            #[inline(always)]
            fn f(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn i(self) -> i128 {
                self as i128
            }
            #[inline(always)]
            fn min_of(self, o: Self) -> Self {
                Ord::min(self, o)
            }
            #[inline(always)]
            fn max_of(self, o: Self) -> Self {
                Ord::max(self, o)
            }
            #[inline(always)]
            fn is_nan(self) -> bool {
                false
            }
            #[inline(always)]
            fn is_zero(self) -> bool {
                self == 0
            }
            #[inline(always)]
            fn bin(self) -> f64 {
                self as f64
            }
        }
    };
}
int!(i8);
int!(i16);
int!(i32);
int!(i64);
int!(u8);
int!(u16);
int!(u32);
int!(u64);

macro_rules! float {
    ($t:ty, $bits:ty) => {
        impl Num for $t {
            const SIZE: usize = size_of::<$t>();
            const INT: bool = false;
            const HIGH: Self = <$t>::INFINITY;
            const LOW: Self = <$t>::NEG_INFINITY;
            type Bin = $t;
            #[inline(always)]
            fn read<const BIG: bool>(b: &[u8]) -> Self {
                <$t>::from_bits(<$bits>::read::<BIG>(b))
            }
            #[inline(always)]
            fn f(self) -> f64 {
                f64::from(self)
            }
            #[inline(always)]
            fn i(self) -> i128 {
                0
            }
            #[inline(always)]
            fn min_of(self, o: Self) -> Self {
                <$t>::min(self, o)
            }
            #[inline(always)]
            fn max_of(self, o: Self) -> Self {
                <$t>::max(self, o)
            }
            #[inline(always)]
            fn is_nan(self) -> bool {
                self.is_nan()
            }
            #[inline(always)]
            fn is_zero(self) -> bool {
                self == 0.0
            }
            #[inline(always)]
            fn bin(self) -> $t {
                self
            }
        }
    };
}
float!(f32, u32);
float!(f64, u64);

/// numpy's `f2`, widened exactly to `f32` when read (every half is an `f32`).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Half(pub f32);

impl Half {
    /// The value of half-precision `bits`.
    pub fn from_bits(bits: u16) -> Half {
        let sign = u32::from(bits & 0x8000) << 16;
        let exp = u32::from((bits >> 10) & 0x1f);
        let frac = u32::from(bits & 0x3ff);
        let magnitude = match exp {
            // Subnormal: frac units of 2^-24, exact in f32.
            0 => frac as f32 * f32::from_bits(0x3380_0000),
            31 if frac == 0 => f32::INFINITY,
            31 => f32::NAN,
            // Rebias the exponent (15 to 127) and widen the fraction (10 to 23 bits).
            _ => f32::from_bits(((exp + 112) << 23) | (frac << 13)),
        };
        Half(f32::from_bits(magnitude.to_bits() | sign))
    }
}

impl Num for Half {
    const SIZE: usize = 2;
    const INT: bool = false;
    const HIGH: Self = Half(f32::INFINITY);
    const LOW: Self = Half(f32::NEG_INFINITY);
    type Bin = Half;
    #[inline(always)]
    fn read<const BIG: bool>(b: &[u8]) -> Self {
        Half::from_bits(u16::read::<BIG>(b))
    }
    #[inline(always)]
    fn f(self) -> f64 {
        f64::from(self.0)
    }
    #[inline(always)]
    fn i(self) -> i128 {
        0
    }
    #[inline(always)]
    fn min_of(self, o: Self) -> Self {
        Half(self.0.min(o.0))
    }
    #[inline(always)]
    fn max_of(self, o: Self) -> Self {
        Half(self.0.max(o.0))
    }
    #[inline(always)]
    fn is_nan(self) -> bool {
        self.0.is_nan()
    }
    #[inline(always)]
    fn is_zero(self) -> bool {
        self.0 == 0.0
    }
    #[inline(always)]
    fn bin(self) -> Half {
        self
    }
}

/// numpy's `b1`: zero is false, anything else true (1). numpy's histogram counts it as `u1`.
#[derive(Clone, Copy, Debug)]
pub struct Flag(pub bool);

impl Num for Flag {
    const SIZE: usize = 1;
    const INT: bool = true;
    const HIGH: Self = Flag(true);
    const LOW: Self = Flag(false);
    type Bin = f64;
    #[inline(always)]
    fn read<const BIG: bool>(b: &[u8]) -> Self {
        Flag(b[0] != 0)
    }
    #[inline(always)]
    fn f(self) -> f64 {
        f64::from(u8::from(self.0))
    }
    #[inline(always)]
    fn i(self) -> i128 {
        i128::from(u8::from(self.0))
    }
    #[inline(always)]
    fn min_of(self, o: Self) -> Self {
        Flag(self.0 & o.0)
    }
    #[inline(always)]
    fn max_of(self, o: Self) -> Self {
        Flag(self.0 | o.0)
    }
    #[inline(always)]
    fn is_nan(self) -> bool {
        false
    }
    #[inline(always)]
    fn is_zero(self) -> bool {
        !self.0
    }
    #[inline(always)]
    fn bin(self) -> f64 {
        self.f()
    }
}

/// A float type numpy computes histogram bins in, with its rounding: `f64`, `f32`, or half
/// precision (each operation done in `f32` and rounded to half, as numpy does).
pub trait BinFloat: Copy + PartialOrd {
    /// The nearest value of this type to `x`.
    fn of(x: f64) -> Self;
    fn to_f64(self) -> f64;
    fn add(self, o: Self) -> Self;
    fn sub(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    fn div(self, o: Self) -> Self;
}

impl BinFloat for f64 {
    fn of(x: f64) -> f64 {
        x
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline(always)]
    fn add(self, o: f64) -> f64 {
        self + o
    }
    #[inline(always)]
    fn sub(self, o: f64) -> f64 {
        self - o
    }
    #[inline(always)]
    fn mul(self, o: f64) -> f64 {
        self * o
    }
    #[inline(always)]
    fn div(self, o: f64) -> f64 {
        self / o
    }
}

impl BinFloat for f32 {
    fn of(x: f64) -> f32 {
        x as f32
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    #[inline(always)]
    fn add(self, o: f32) -> f32 {
        self + o
    }
    #[inline(always)]
    fn sub(self, o: f32) -> f32 {
        self - o
    }
    #[inline(always)]
    fn mul(self, o: f32) -> f32 {
        self * o
    }
    #[inline(always)]
    fn div(self, o: f32) -> f32 {
        self / o
    }
}

/// Rounds `x` to the nearest half-precision value (ties to even), overflowing to infinity.
/// An `f32` result of `+ - * /` on two halves rounded this way is the correctly rounded half
/// result, since `f32` carries more than twice half's 11 significant bits.
pub fn round_half(x: f32) -> f32 {
    if !x.is_finite() {
        return x;
    }
    let a = x.abs();
    let r = if a < f32::from_bits(0x3880_0000) {
        // Below 2^-14 halves are multiples of 2^-24.
        (a * 16_777_216.0).round_ties_even() / 16_777_216.0
    } else {
        // Keep 10 of the 23 fraction bits, rounding the 13 dropped bits to nearest even.
        let bits = a.to_bits();
        let keep = (bits >> 13) & 1;
        f32::from_bits((bits + 0x0fff + keep) & !0x1fff)
    };
    // The largest half is 65504; anything that rounds past it is infinite.
    let r = if r > 65504.0 { f32::INFINITY } else { r };
    r.copysign(x)
}

impl BinFloat for Half {
    fn of(x: f64) -> Half {
        Half(round_half(x as f32))
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        f64::from(self.0)
    }
    #[inline(always)]
    fn add(self, o: Half) -> Half {
        Half(round_half(self.0 + o.0))
    }
    #[inline(always)]
    fn sub(self, o: Half) -> Half {
        Half(round_half(self.0 - o.0))
    }
    #[inline(always)]
    fn mul(self, o: Half) -> Half {
        Half(round_half(self.0 * o.0))
    }
    #[inline(always)]
    fn div(self, o: Half) -> Half {
        Half(round_half(self.0 / o.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_widens_exactly() {
        for (bits, x) in [
            (0x3c00, 1.0),
            (0xc000, -2.0),
            (0x0001, 2f32.powi(-24)),
            (0x03ff, 1023.0 * 2f32.powi(-24)),
            (0x0400, 2f32.powi(-14)),
            (0x7bff, 65504.0),
            (0x8000, -0.0),
        ] {
            assert_eq!(
                Half::from_bits(bits).0.to_bits(),
                f32::to_bits(x),
                "{bits:#x}"
            );
        }
        assert!(Half::from_bits(0x7e00).0.is_nan());
        assert_eq!(Half::from_bits(0xfc00).0, f32::NEG_INFINITY);
    }

    #[test]
    fn half_rounding_is_to_nearest_even() {
        // Every half widened and rounded back is itself.
        for bits in 0..=u16::MAX {
            let h = Half::from_bits(bits).0;
            if h.is_nan() {
                continue;
            }
            assert_eq!(round_half(h).to_bits(), h.to_bits(), "{bits:#x}");
        }
        // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties go to the even 1.
        assert_eq!(round_half(1.0 + 2f32.powi(-11)), 1.0);
        assert_eq!(
            round_half(1.0 + 3.0 * 2f32.powi(-11)),
            1.0 + 2.0 * 2f32.powi(-10)
        );
        assert_eq!(round_half(65519.0), 65504.0);
        assert_eq!(round_half(65520.0), f32::INFINITY);
        assert_eq!(round_half(-3.0 * 2f32.powi(-26)), -(2f32.powi(-24)));
    }
}
