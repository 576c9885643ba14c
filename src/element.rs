//! [`Element`]: the types a file can be mapped as, and [`Bool`], numpy's one-byte boolean.

use crate::dtype::{ByteOrder, Dtype, Kind};
use zerocopy::byteorder::{BigEndian, LittleEndian, F32, F64, I16, I32, I64, U16, U32, U64};

/// A type whose values can be read straight from the bytes of a file: plain old data with a
/// numpy dtype.
///
/// # Implementation
///
/// Do not implement this trait yourself: derive it with
/// [`#[derive(Record)]`](crate::Record), which proves the obligations below at compile time.
/// The crate implements it for the primitive numbers, zerocopy's byte-order types, arrays of
/// elements, [`Bool`], and (behind features) `half::f16` and `num_complex::Complex`.
///
/// # Safety
///
/// *Only people implementing this trait by hand need to read this.* An implementation
/// promises, for `Self`:
///
/// - every bit pattern of `size_of::<Self>()` bytes is a valid value (no `bool`, `char`,
///   enums, references, `NonZero*`);
/// - it has no padding bytes, so every byte of a value is initialised and may be written to a
///   file;
/// - it has no interior mutability (`Cell`, atomics) and holds no pointers or references;
/// - `Self::dtype().itemsize() == size_of::<Self>()`, and the dtype describes the bytes the way
///   numpy would read them (kind, byte order, field offsets).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be mapped from a file: it is not a typed-memmap `Element`",
    label = "not an `Element`",
    note = "an `Element` is plain data valid for every bit pattern: a number, \
            `typed_memmap::Bool`, a `typed_memmap::byteorder` type, an array of elements, or a \
            `#[derive(Record)]` struct",
    note = "replace `bool` by `typed_memmap::Bool`, `char` by `u32`, `usize`/`isize` by \
            `u64`/`i64`, an enum by its integer tag, `Option<T>` by `T` and a `Bool` flag, and \
            a reference, pointer, `Box`, `String` or `Vec` by an integer offset or a fixed-size \
            array",
    note = "a struct used as a field needs `#[derive(Record)]` and `#[repr(C)]` itself"
)]
pub unsafe trait Element: Copy + 'static {
    /// The numpy dtype of this type.
    fn dtype() -> Dtype;
}

macro_rules! native_numbers {
    ($($t:ty => $kind:ident),* $(,)?) => {$(
        // SAFETY: primitive integers and floats have no padding, no pointers and no interior
        // mutability, every bit pattern is a valid value (Reference, "Numeric types"), and the
        // dtype's size is the type's size.
        unsafe impl Element for $t {
            fn dtype() -> Dtype {
                Dtype::scalar(Kind::$kind, ByteOrder::NATIVE, core::mem::size_of::<$t>())
            }
        }
    )*};
}

native_numbers!(
    u8 => UInt, u16 => UInt, u32 => UInt, u64 => UInt,
    i8 => Int, i16 => Int, i32 => Int, i64 => Int,
    f32 => Float, f64 => Float,
);

macro_rules! byte_order_numbers {
    ($($t:ident => $kind:ident, $size:literal);* $(;)?) => {$(
        // SAFETY: zerocopy's byte-order types are `#[repr(transparent)]` wrappers of a byte
        // array of the number's size (zerocopy docs: "alignment 1, no padding"), they implement
        // zerocopy's `FromBytes` (every bit pattern valid) and `Immutable` (no interior
        // mutability), and the dtype names their fixed byte order.
        unsafe impl Element for $t<LittleEndian> {
            fn dtype() -> Dtype {
                Dtype::scalar(Kind::$kind, ByteOrder::Little, $size)
            }
        }
        // SAFETY: as for the little-endian twin above.
        unsafe impl Element for $t<BigEndian> {
            fn dtype() -> Dtype {
                Dtype::scalar(Kind::$kind, ByteOrder::Big, $size)
            }
        }
    )*};
}

byte_order_numbers!(
    U16 => UInt, 2; U32 => UInt, 4; U64 => UInt, 8;
    I16 => Int, 2; I32 => Int, 4; I64 => Int, 8;
    F32 => Float, 4; F64 => Float, 8;
);

// SAFETY: an array has no padding between elements (Reference, "Array layout": elements are
// `size_of::<T>()` apart and the array's size is `N * size_of::<T>()`), so it inherits from `T`
// every obligation: valid bit patterns, no padding, no pointers, no interior mutability. The
// subarray dtype's itemsize is `N * T::dtype().itemsize()` = `N * size_of::<T>()`.
unsafe impl<T: Element, const N: usize> Element for [T; N] {
    fn dtype() -> Dtype {
        Dtype::subarray(T::dtype(), &[N])
    }
}

/// numpy's `bool` (`|b1`): one byte, zero is false and anything else is true.
///
/// Rust's `bool` cannot be mapped, because only the bytes 0 and 1 are valid `bool`s and a file
/// can hold any byte. `Bool` can hold any byte and reads it the way numpy does.
///
/// ```
/// use typed_memmap::Bool;
/// assert!(Bool::from(true).get());
/// assert!(Bool::from_byte(7).get());
/// assert!(!Bool::default().get());
/// assert_eq!(Bool::from(true), Bool::from_byte(2)); // equality compares truth, like numpy
/// ```
#[derive(Clone, Copy, Default)]
#[repr(transparent)]
pub struct Bool(u8);

impl Bool {
    /// `true`: the byte 1.
    pub const TRUE: Bool = Bool(1);
    /// `false`: the byte 0.
    pub const FALSE: Bool = Bool(0);

    /// The truth of the byte: anything but 0 is true.
    pub fn get(self) -> bool {
        self.0 != 0
    }

    /// Stores `value` as the byte 1 or 0.
    pub fn set(&mut self, value: bool) {
        self.0 = u8::from(value);
    }

    /// Wraps a raw byte.
    pub fn from_byte(byte: u8) -> Bool {
        Bool(byte)
    }

    /// The raw byte.
    pub fn to_byte(self) -> u8 {
        self.0
    }
}

impl From<bool> for Bool {
    fn from(value: bool) -> Bool {
        Bool(u8::from(value))
    }
}

impl From<Bool> for bool {
    fn from(value: Bool) -> bool {
        value.get()
    }
}

impl PartialEq for Bool {
    fn eq(&self, other: &Bool) -> bool {
        self.get() == other.get()
    }
}

impl Eq for Bool {}

impl core::hash::Hash for Bool {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.get().hash(state);
    }
}

impl core::fmt::Debug for Bool {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Debug::fmt(&self.get(), f)
    }
}

// SAFETY: `Bool` is `#[repr(transparent)]` over `u8`: one byte, every bit pattern valid, no
// padding, no pointers, no interior mutability; its dtype `|b1` has size 1.
unsafe impl Element for Bool {
    fn dtype() -> Dtype {
        Dtype::scalar(Kind::Bool, ByteOrder::NotApplicable, 1)
    }
}

#[cfg(feature = "f16")]
// SAFETY: `half::f16` is `#[repr(transparent)]` over `u16` (half's docs), so it has size 2, no
// padding, no pointers, no interior mutability, and every bit pattern is some half float.
unsafe impl Element for half::f16 {
    fn dtype() -> Dtype {
        Dtype::scalar(Kind::Float, ByteOrder::NATIVE, 2)
    }
}

#[cfg(feature = "complex")]
// SAFETY: `num_complex::Complex<T>` is `#[repr(C)]` with two fields `re: T, im: T` (its docs
// guarantee the layout of `[T; 2]`); with `T = f32` there is no padding, every bit pattern is
// valid, and the dtype `<c8` has size 8.
unsafe impl Element for num_complex::Complex<f32> {
    fn dtype() -> Dtype {
        Dtype::scalar(Kind::Complex, ByteOrder::NATIVE, 8)
    }
}

#[cfg(feature = "complex")]
// SAFETY: as for `Complex<f32>`, with two `f64`s: size 16, no padding, dtype `<c16`.
unsafe impl Element for num_complex::Complex<f64> {
    fn dtype() -> Dtype {
        Dtype::scalar(Kind::Complex, ByteOrder::NATIVE, 16)
    }
}

/// The bytes of a slice of elements, in memory order.
pub fn bytes_of<T: Element>(items: &[T]) -> &[u8] {
    // SAFETY:
    // - the pointer is valid for reads of `size_of_val(items)` bytes: it is the slice's own
    //   memory, and a `u8` needs no alignment;
    // - every one of those bytes is initialised, because an `Element` has no padding
    //   (`Element` contract), and no interior mutability, so reading them while `items` is
    //   borrowed shared is sound;
    // - the returned borrow has the lifetime of `items`.
    unsafe {
        core::slice::from_raw_parts(items.as_ptr().cast::<u8>(), core::mem::size_of_val(items))
    }
}

/// The bytes of a slice of elements, writable.
pub fn bytes_of_mut<T: Element>(items: &mut [T]) -> &mut [u8] {
    // SAFETY: as in `bytes_of`; moreover any byte written makes a valid `T`, because every
    // bit pattern of an `Element` is valid, and the borrow is unique through `&mut`.
    unsafe {
        core::slice::from_raw_parts_mut(
            items.as_mut_ptr().cast::<u8>(),
            core::mem::size_of_val(items),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::size_of;

    fn check<T: Element>(descr: &str) {
        assert_eq!(T::dtype().descr(), descr, "{}", core::any::type_name::<T>());
        assert_eq!(T::dtype().itemsize(), size_of::<T>());
    }

    #[test]
    fn descrs_of_builtin_elements() {
        check::<u8>("'|u1'");
        check::<i8>("'|i1'");
        check::<u16>("'<u2'");
        check::<i64>("'<i8'");
        check::<f32>("'<f4'");
        check::<f64>("'<f8'");
        check::<U16<BigEndian>>("'>u2'");
        check::<F64<BigEndian>>("'>f8'");
        check::<I32<LittleEndian>>("'<i4'");
        check::<Bool>("'|b1'");
        check::<[i32; 3]>("('<i4', (3,))");
        check::<[[f64; 3]; 2]>("('<f8', (2, 3))");
        #[cfg(feature = "f16")]
        check::<half::f16>("'<f2'");
        #[cfg(feature = "complex")]
        check::<num_complex::Complex<f32>>("'<c8'");
        #[cfg(feature = "complex")]
        check::<num_complex::Complex<f64>>("'<c16'");
    }
}
