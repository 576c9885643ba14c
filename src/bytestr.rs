//! Fixed-size strings, numpy's `S<n>` ([`FixedBytes`]) and `U<n>` ([`UnicodeStr`]).
//!
//! numpy stores a string of dtype `S5` as exactly 5 bytes, padded with NULs at the end, and
//! a string of dtype `U3` as 3 UCS-4 code points (12 bytes), also NUL padded. Both types
//! here hold the whole item, padding included, so they can be mapped from a file; their
//! accessors drop the trailing NULs the way numpy does when it hands out a value.

use core::fmt;

use crate::dtype::{ByteOrder, Dtype, Kind};
use crate::element::Element;

/// numpy's `|S<N>`: `N` bytes, NUL padded at the end.
///
/// ```
/// use typed_memmap::{Element, FixedBytes};
/// let name = FixedBytes::<6>::from_bytes(b"ab").unwrap();
/// assert_eq!(name.as_bytes(), b"ab");            // padding dropped
/// assert_eq!(name.as_raw(), b"ab\0\0\0\0");      // the whole item
/// assert_eq!(name.to_str(), Ok("ab"));
/// assert_eq!(FixedBytes::<6>::dtype().descr(), "'|S6'");
/// assert!(FixedBytes::<2>::from_bytes(b"abc").is_none()); // too long
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(transparent)]
pub struct FixedBytes<const N: usize>(pub [u8; N]);

impl<const N: usize> FixedBytes<N> {
    /// `bytes` padded with NULs to `N` bytes; `None` if `bytes` is longer than `N`.
    pub fn from_bytes(bytes: &[u8]) -> Option<FixedBytes<N>> {
        let mut out = [0u8; N];
        out.get_mut(..bytes.len())?.copy_from_slice(bytes);
        Some(FixedBytes(out))
    }

    /// The bytes up to the trailing NUL padding (numpy's value of the item). NULs inside the
    /// string are kept.
    pub fn as_bytes(&self) -> &[u8] {
        let end = self.0.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
        &self.0[..end]
    }

    /// All `N` bytes, padding included.
    pub fn as_raw(&self) -> &[u8; N] {
        &self.0
    }

    /// [`as_bytes`](FixedBytes::as_bytes) as UTF-8 text.
    ///
    /// # Errors
    ///
    /// When the bytes are not UTF-8 (numpy's `S` strings are arbitrary bytes).
    pub fn to_str(&self) -> Result<&str, core::str::Utf8Error> {
        core::str::from_utf8(self.as_bytes())
    }

    /// The length without padding.
    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }

    /// Whether the item holds only padding.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<const N: usize> Default for FixedBytes<N> {
    fn default() -> Self {
        FixedBytes([0; N])
    }
}

impl<const N: usize> fmt::Debug for FixedBytes<N> {
    /// Python's repr of the bytes without padding, as numpy prints an `S<n>` value:
    /// `b'ab'`, `b"it's"`, `b'\x01'`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::pyrepr::py_repr_bytes(self.as_bytes()))
    }
}

// SAFETY: `FixedBytes<N>` is `#[repr(transparent)]` over `[u8; N]`: size `N`, alignment 1, no
// padding, no pointers, no interior mutability, and every byte pattern is a valid value. Its
// dtype `|S<N>` has itemsize `N`.
unsafe impl<const N: usize> Element for FixedBytes<N> {
    fn dtype() -> Dtype {
        Dtype::scalar(Kind::Bytes, ByteOrder::NotApplicable, N)
    }
}

/// numpy's `U<N>` in this machine's byte order: `N` UCS-4 code points, NUL padded.
///
/// A file can hold any 32-bit value in a code point; the ones that are not Unicode scalar
/// values read as U+FFFD in [`chars`](UnicodeStr::chars).
///
/// ```
/// use typed_memmap::{Element, UnicodeStr};
/// let s = UnicodeStr::<4>::from_str("héé").unwrap();
/// assert_eq!(s.to_string(), "héé");
/// assert_eq!(s.len(), 3);
/// assert_eq!(UnicodeStr::<4>::dtype().descr(), "'<U4'");
/// assert!(UnicodeStr::<2>::from_str("abc").is_none());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(transparent)]
pub struct UnicodeStr<const N: usize>(pub [u32; N]);

impl<const N: usize> UnicodeStr<N> {
    /// `text` padded with NULs to `N` code points; `None` if it has more than `N` chars.
    #[allow(clippy::should_implement_trait)] // fallible by length, not by syntax
    pub fn from_str(text: &str) -> Option<UnicodeStr<N>> {
        let mut out = [0u32; N];
        let mut chars = text.chars();
        for slot in out.iter_mut() {
            match chars.next() {
                Some(c) => *slot = u32::from(c),
                None => break,
            }
        }
        chars.next().is_none().then_some(UnicodeStr(out))
    }

    /// The code points up to the trailing NUL padding.
    pub fn code_points(&self) -> &[u32] {
        let end = self.0.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1);
        &self.0[..end]
    }

    /// The characters up to the padding; invalid code points read as U+FFFD.
    pub fn chars(&self) -> impl Iterator<Item = char> + '_ {
        self.code_points()
            .iter()
            .map(|&c| char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER))
    }

    /// The number of code points without padding.
    pub fn len(&self) -> usize {
        self.code_points().len()
    }

    /// Whether the item holds only padding.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<const N: usize> Default for UnicodeStr<N> {
    fn default() -> Self {
        UnicodeStr([0; N])
    }
}

impl<const N: usize> fmt::Display for UnicodeStr<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.chars().try_for_each(|c| fmt::Write::write_char(f, c))
    }
}

impl<const N: usize> fmt::Debug for UnicodeStr<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_string(), f)
    }
}

// SAFETY: `UnicodeStr<N>` is `#[repr(transparent)]` over `[u32; N]`: size `4 * N`, no padding
// (Reference, "Array layout"), no pointers, no interior mutability, and every bit pattern is a
// valid `u32`. Its dtype `U<N>` in native order has itemsize `4 * N`.
unsafe impl<const N: usize> Element for UnicodeStr<N> {
    fn dtype() -> Dtype {
        Dtype::scalar(Kind::Unicode, ByteOrder::NATIVE, 4 * N)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_keep_inner_nuls_and_drop_trailing_ones() {
        let b = FixedBytes([b'a', 0, b'b', 0, 0]);
        assert_eq!(b.as_bytes(), b"a\0b");
        assert_eq!(b.len(), 3);
        assert!(FixedBytes::<3>::default().is_empty());
        assert_eq!(format!("{:?}", FixedBytes(*b"a\x01\0")), "b'a\\x01'");
        assert_eq!(format!("{:?}", FixedBytes(*b"it's")), "b\"it's\"");
        assert_eq!(FixedBytes::<0>::dtype().descr(), "'|S0'");
    }

    #[test]
    fn unicode_reads_invalid_code_points_as_replacement() {
        let s = UnicodeStr([0x61, 0xD800, 0x110000, 0]);
        assert_eq!(s.to_string(), "a\u{FFFD}\u{FFFD}");
        assert_eq!(core::mem::size_of::<UnicodeStr<3>>(), 12);
        assert_eq!(UnicodeStr::<3>::dtype().itemsize(), 12);
    }
}
