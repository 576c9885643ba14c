//! [`Value`]: one element decoded from its bytes by its [`Dtype`], for code that learns the
//! dtype at run time (printing, `.npy` files of unknown schema, converters).

use crate::dtype::{ByteOrder, Dtype, Kind, Scalar, TimeUnit};

/// One element of any dtype, decoded.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `b1`.
    Bool(bool),
    /// `i1` .. `i8`.
    Int(i64),
    /// `u1` .. `u8`.
    UInt(u64),
    /// `f2`, `f4`, `f8`, widened to `f64` without loss; `bits` is the stored width (16, 32 or
    /// 64), which decides how the value prints.
    Float {
        /// The value.
        value: f64,
        /// The width it was stored with.
        bits: u8,
    },
    /// `c8`, `c16`: real and imaginary parts; `bits` is the width of one part.
    Complex {
        /// The real part.
        re: f64,
        /// The imaginary part.
        im: f64,
        /// The width of one part (32 or 64).
        bits: u8,
    },
    /// `S<n>`: the raw bytes of the item, NUL padding included.
    Bytes(Vec<u8>),
    /// `U<n>`: the text, trailing NULs removed; code points that are not valid `char`s become
    /// U+FFFD.
    Str(String),
    /// `V<n>`: the raw bytes.
    Void(Vec<u8>),
    /// `M8[unit]`: ticks since 1970-01-01 (`i64::MIN` is NaT).
    Datetime(i64, TimeUnit),
    /// `m8[unit]`: ticks (`i64::MIN` is NaT).
    Timedelta(i64, TimeUnit),
    /// A record: its named fields in dtype order, padding left out.
    Record(Vec<(String, Value)>),
    /// A subarray: its elements in C order, with its shape.
    Array(Vec<usize>, Vec<Value>),
    /// A scalar kind and size this crate cannot decode (e.g. `f16` of 16 bytes); raw bytes.
    Unsupported(Vec<u8>),
}

impl Value {
    /// Decodes one element of `dtype` from `bytes` (at least `dtype.itemsize()` long; extra
    /// bytes are ignored). Returns `None` if `bytes` is too short.
    ///
    /// ```
    /// use typed_memmap::{Element, Value};
    /// let v = Value::decode(&f32::dtype(), &1.5f32.to_le_bytes()).unwrap();
    /// assert_eq!(v, Value::Float { value: 1.5, bits: 32 });
    /// ```
    pub fn decode(dtype: &Dtype, bytes: &[u8]) -> Option<Value> {
        let bytes = bytes.get(..dtype.itemsize())?;
        Some(match dtype {
            Dtype::Scalar(s) => decode_scalar(s, bytes),
            Dtype::Subarray(base, shape) => {
                let size = base.itemsize();
                let count: usize = shape.iter().product();
                let items = (0..count)
                    .map(|i| Value::decode(base, &bytes[i * size..]))
                    .collect::<Option<Vec<_>>>()?;
                Value::Array(shape.clone(), items)
            }
            Dtype::Record(r) => Value::Record(
                r.fields
                    .iter()
                    .map(|f| {
                        Some((
                            f.name.clone(),
                            Value::decode(&f.dtype, bytes.get(f.offset..)?)?,
                        ))
                    })
                    .collect::<Option<Vec<_>>>()?,
            ),
        })
    }
}

fn uint(order: ByteOrder, bytes: &[u8]) -> u64 {
    let mut buf = [0u8; 8];
    match order {
        ByteOrder::Big => buf[8 - bytes.len()..].copy_from_slice(bytes),
        ByteOrder::Little | ByteOrder::NotApplicable => buf[..bytes.len()].copy_from_slice(bytes),
    }
    match order {
        ByteOrder::Big => u64::from_be_bytes(buf),
        ByteOrder::Little | ByteOrder::NotApplicable => u64::from_le_bytes(buf),
    }
}

fn int(order: ByteOrder, bytes: &[u8]) -> i64 {
    let shift = 64 - 8 * bytes.len() as u32;
    ((uint(order, bytes) << shift) as i64) >> shift
}

/// A half float's bits as an `f64` (exact).
pub(crate) fn f16_to_f64(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = (bits >> 10) & 0x1f;
    let frac = f64::from(bits & 0x3ff);
    match exp {
        0 => sign * frac * pow2(-24),
        0x1f if frac == 0.0 => sign * f64::INFINITY,
        0x1f => f64::NAN,
        e => sign * (1.0 + frac / 1024.0) * pow2(i32::from(e) - 15),
    }
}

/// `2^e` for `e` in `-1074..=1023`, built from its bits. `f64::powi` is not guaranteed to be
/// exact (Miri perturbs it on purpose), and these scalings must be.
pub(crate) fn pow2(e: i32) -> f64 {
    if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (e + 1074))
    }
}

fn float(order: ByteOrder, bytes: &[u8]) -> Option<(f64, u8)> {
    // The width is checked before `uint`, which takes at most 8 bytes: numpy's long double
    // (`<f16`, and the parts of `<c32`) is 16 bytes and is not decoded.
    match bytes.len() {
        2 => Some((f16_to_f64(uint(order, bytes) as u16), 16)),
        4 => Some((f64::from(f32::from_bits(uint(order, bytes) as u32)), 32)),
        8 => Some((f64::from_bits(uint(order, bytes)), 64)),
        _ => None,
    }
}

fn decode_scalar(s: &Scalar, bytes: &[u8]) -> Value {
    let order = s.order;
    match s.kind {
        Kind::Bool => Value::Bool(bytes.iter().any(|&b| b != 0)),
        Kind::Int if bytes.len() <= 8 && !bytes.is_empty() => Value::Int(int(order, bytes)),
        Kind::UInt if bytes.len() <= 8 && !bytes.is_empty() => Value::UInt(uint(order, bytes)),
        Kind::Float => match float(order, bytes) {
            Some((value, bits)) => Value::Float { value, bits },
            None => Value::Unsupported(bytes.to_vec()),
        },
        Kind::Complex => {
            let half = bytes.len() / 2;
            match (float(order, &bytes[..half]), float(order, &bytes[half..])) {
                (Some((re, bits)), Some((im, _))) if bits >= 32 => Value::Complex { re, im, bits },
                _ => Value::Unsupported(bytes.to_vec()),
            }
        }
        Kind::Bytes => Value::Bytes(bytes.to_vec()),
        Kind::Void => Value::Void(bytes.to_vec()),
        Kind::Unicode => {
            let mut text: String = bytes
                .chunks_exact(4)
                .map(|c| {
                    let cp = uint(order, c) as u32;
                    char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER)
                })
                .collect();
            let trimmed = text.trim_end_matches('\0').len();
            text.truncate(trimmed);
            Value::Str(text)
        }
        Kind::Datetime(unit) if bytes.len() == 8 => Value::Datetime(int(order, bytes), unit),
        Kind::Timedelta(unit) if bytes.len() == 8 => Value::Timedelta(int(order, bytes), unit),
        _ => Value::Unsupported(bytes.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::element::Element;
    use zerocopy::byteorder::{BigEndian, I16};

    #[test]
    fn decodes_scalars() {
        assert_eq!(Value::decode(&i8::dtype(), &[0xff]), Some(Value::Int(-1)));
        assert_eq!(
            Value::decode(&I16::<BigEndian>::dtype(), &[0xff, 0xfe]),
            Some(Value::Int(-2))
        );
        assert_eq!(
            Value::decode(&u32::dtype(), &7u32.to_ne_bytes()),
            Some(Value::UInt(7))
        );
        assert_eq!(Value::decode(&u32::dtype(), &[1, 2]), None);
        assert_eq!(f16_to_f64(0x3c00), 1.0);
        assert_eq!(f16_to_f64(0xc000), -2.0);
        assert_eq!(f16_to_f64(0x0001), 1.0 / 16_777_216.0);
        assert_eq!(pow2(-1074), f64::from_bits(1));
        assert_eq!(pow2(-1022), f64::MIN_POSITIVE);
        assert_eq!(pow2(10), 1024.0);
        assert!(f16_to_f64(0x7e00).is_nan());
        assert_eq!(f16_to_f64(0xfc00), f64::NEG_INFINITY);
    }

    #[test]
    fn decodes_subarrays() {
        let bytes: Vec<u8> = [1i16, 2, 3, 4, 5, 6]
            .iter()
            .flat_map(|v| v.to_ne_bytes())
            .collect();
        let v = Value::decode(&<[[i16; 3]; 2]>::dtype(), &bytes).unwrap();
        assert_eq!(
            v,
            Value::Array(vec![2, 3], (1..=6).map(Value::Int).collect())
        );
    }
}
