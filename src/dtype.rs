//! [`Dtype`]: what one element of an array is, in numpy's terms.
//!
//! A dtype is a scalar (kind, byte order, size), a subarray (a dtype repeated over a fixed
//! shape) or a record (named fields at byte offsets, numpy's *structured dtype*). It formats
//! as the descr text numpy writes into `.npy` headers:
//!
//! ```
//! use typed_memmap::{Dtype, Element};
//! assert_eq!(f32::dtype().descr(), "'<f4'");
//! assert_eq!(<[[i32; 3]; 2]>::dtype().descr(), "('<i4', (2, 3))");
//! assert_eq!(typed_memmap::Bool::dtype().descr(), "'|b1'");
//! ```
//!
//! A dtype known only at run time is parsed from numpy's text with [`Dtype::parse`] (or
//! `str::parse`), and laid out as numpy's `align=True` C struct with [`Dtype::parse_aligned`];
//! bad text is a [`HeaderError`] with the byte where the problem is and what was expected.

use std::fmt;

use crate::npy::HeaderError;
use crate::pyrepr::{py_repr_shape, py_repr_str};

/// The byte order of a scalar, numpy's first descr character.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ByteOrder {
    /// `<`: least significant byte first.
    Little,
    /// `>`: most significant byte first.
    Big,
    /// `|`: not applicable (one-byte types, byte strings, void).
    NotApplicable,
}

impl ByteOrder {
    /// The order of this machine's native numbers.
    #[cfg(target_endian = "little")]
    pub const NATIVE: ByteOrder = ByteOrder::Little;
    /// The order of this machine's native numbers.
    #[cfg(target_endian = "big")]
    pub const NATIVE: ByteOrder = ByteOrder::Big;

    /// numpy's character for this order: `<`, `>` or `|`.
    pub fn as_char(self) -> char {
        match self {
            ByteOrder::Little => '<',
            ByteOrder::Big => '>',
            ByteOrder::NotApplicable => '|',
        }
    }
}

/// The unit of a `datetime64` or `timedelta64`, e.g. `ns` or `25s`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimeUnit {
    /// The base unit; `None` is numpy's generic unit (`'<M8'`).
    pub base: Option<DateUnit>,
    /// How many base units one tick is (`25` in `M8[25s]`); 1 for plain units.
    pub multiplier: u64,
}

/// A base unit of numpy's datetimes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DateUnit {
    /// `Y`
    Years,
    /// `M`
    Months,
    /// `W`
    Weeks,
    /// `D`
    Days,
    /// `h`
    Hours,
    /// `m`
    Minutes,
    /// `s`
    Seconds,
    /// `ms`
    Millis,
    /// `us`
    Micros,
    /// `ns`
    Nanos,
    /// `ps`
    Picos,
    /// `fs`
    Femtos,
    /// `as`
    Attos,
}

impl DateUnit {
    /// Every unit, longest first.
    pub const ALL: [DateUnit; 13] = [
        DateUnit::Years,
        DateUnit::Months,
        DateUnit::Weeks,
        DateUnit::Days,
        DateUnit::Hours,
        DateUnit::Minutes,
        DateUnit::Seconds,
        DateUnit::Millis,
        DateUnit::Micros,
        DateUnit::Nanos,
        DateUnit::Picos,
        DateUnit::Femtos,
        DateUnit::Attos,
    ];

    /// numpy's spelling of the unit (`"ns"`, `"D"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            DateUnit::Years => "Y",
            DateUnit::Months => "M",
            DateUnit::Weeks => "W",
            DateUnit::Days => "D",
            DateUnit::Hours => "h",
            DateUnit::Minutes => "m",
            DateUnit::Seconds => "s",
            DateUnit::Millis => "ms",
            DateUnit::Micros => "us",
            DateUnit::Nanos => "ns",
            DateUnit::Picos => "ps",
            DateUnit::Femtos => "fs",
            DateUnit::Attos => "as",
        }
    }
}

impl fmt::Display for TimeUnit {
    /// Writes the bracketed part, `[ns]` or `[25s]`, or nothing for the generic unit.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.base {
            None => Ok(()),
            Some(u) if self.multiplier == 1 => write!(f, "[{}]", u.as_str()),
            Some(u) => write!(f, "[{}{}]", self.multiplier, u.as_str()),
        }
    }
}

/// What kind of scalar an element is, numpy's kind character.
///
/// Non-exhaustive: numpy has kinds this crate does not map yet (Python objects, `O`), so a
/// `match` outside the crate needs a wildcard arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// `b`: one byte, zero is false.
    Bool,
    /// `i`: two's complement signed integer.
    Int,
    /// `u`: unsigned integer.
    UInt,
    /// `f`: IEEE 754 binary float.
    Float,
    /// `c`: two floats, real then imaginary.
    Complex,
    /// `S`: fixed-size byte string, NUL padded.
    Bytes,
    /// `U`: fixed-size UCS-4 string (4 bytes per code point).
    Unicode,
    /// `V`: raw bytes.
    Void,
    /// `M`: datetime64, an `i64` count of units since 1970-01-01.
    Datetime(TimeUnit),
    /// `m`: timedelta64, an `i64` count of units.
    Timedelta(TimeUnit),
}

impl Kind {
    /// numpy's kind character.
    pub fn as_char(self) -> char {
        match self {
            Kind::Bool => 'b',
            Kind::Int => 'i',
            Kind::UInt => 'u',
            Kind::Float => 'f',
            Kind::Complex => 'c',
            Kind::Bytes => 'S',
            Kind::Unicode => 'U',
            Kind::Void => 'V',
            Kind::Datetime(_) => 'M',
            Kind::Timedelta(_) => 'm',
        }
    }
}

/// A scalar dtype: kind, byte order and size in bytes.
///
/// Made only by [`Scalar::new`] (or [`Dtype::scalar`]), which normalises the byte order the
/// way numpy does, so two scalars that numpy sees as the same dtype compare equal; read it
/// with [`kind`](Scalar::kind), [`order`](Scalar::order) and [`size`](Scalar::size).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Scalar {
    // Readable inside the crate; built only by `Scalar::new`, here too.
    pub(crate) kind: Kind,
    pub(crate) order: ByteOrder,
    pub(crate) size: usize,
}

impl Scalar {
    /// A scalar, with the byte order normalised the way numpy does: one-byte numbers, byte
    /// strings and void are `|` whatever order was asked, and `|` asked for a kind whose
    /// order matters means this machine's order (numpy reads `'|i4'` as `'<i4'` on x86).
    pub fn new(kind: Kind, order: ByteOrder, size: usize) -> Scalar {
        let order = match kind {
            Kind::Bytes | Kind::Void => ByteOrder::NotApplicable,
            Kind::Bool | Kind::Int | Kind::UInt if size == 1 => ByteOrder::NotApplicable,
            _ if order == ByteOrder::NotApplicable => ByteOrder::NATIVE,
            _ => order,
        };
        Scalar { kind, order, size }
    }

    /// What the bytes mean.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The byte order; [`ByteOrder::NotApplicable`] for one-byte kinds, byte strings and void.
    pub fn order(&self) -> ByteOrder {
        self.order
    }

    /// The size in bytes.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The descr string without quotes: `<f4`, `|b1`, `<U3`, `<M8[ns]`.
    pub fn descr_str(&self) -> String {
        match self.kind {
            // numpy counts characters, not bytes, for `U`.
            Kind::Unicode => format!("{}U{}", self.order.as_char(), self.size / 4),
            Kind::Datetime(u) | Kind::Timedelta(u) => {
                format!("{}{}8{}", self.order.as_char(), self.kind.as_char(), u)
            }
            k => format!("{}{}{}", self.order.as_char(), k.as_char(), self.size),
        }
    }
}

/// One named field of a record dtype.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Field {
    /// numpy's field name.
    pub name: String,
    /// numpy's optional field title (`(('title', 'name'), fmt)` in a descr).
    pub title: Option<String>,
    /// The byte offset of the field in the record.
    pub offset: usize,
    /// The field's dtype.
    pub dtype: Dtype,
}

/// A record dtype (numpy's structured dtype): named fields at offsets in `itemsize` bytes.
///
/// Bytes that belong to no field are padding; numpy writes them as `('', '|V<n>')` entries.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RecordDtype {
    /// The named fields, in order of offset.
    pub fields: Vec<Field>,
    /// The size of one record in bytes, padding included.
    pub itemsize: usize,
}

impl RecordDtype {
    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// The dtype of one element: a scalar, a subarray or a record.
///
/// Non-exhaustive, so that dtypes numpy has and this crate does not yet read can be added;
/// a `match` outside the crate needs a wildcard arm.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Dtype {
    /// A single number, string or raw bytes.
    Scalar(Scalar),
    /// A dtype repeated over a fixed C-order shape, e.g. `('<i4', (2, 3))`. The base is never
    /// itself a subarray: nested arrays flatten into one shape.
    Subarray(Box<Dtype>, Vec<usize>),
    /// Named fields at byte offsets.
    Record(RecordDtype),
}

impl Dtype {
    /// Parses numpy's dtype text, as `np.dtype(text)` reads it, for the dtypes this crate
    /// maps:
    ///
    /// - a type string, quoted or bare: `<f8`, `>i4`, `|u1`, `b1`, `?`, `f2`, `c16`, `S10`,
    ///   `U5`, `V8`, `M8[ns]`, `<m8[25s]`, numpy's one-letter codes (`d`, `i`, ...) and names
    ///   (`float64`, `int32`, `datetime64[ns]`). Without a byte-order character (`f8`) or
    ///   with `=` or `|` a multi-byte number is in this machine's order, as numpy's `=`;
    ///   one-byte numbers, `S` and `V` are always `|`;
    /// - a subarray tuple: `('<f4', (3,))`;
    /// - a list of fields, nested records and subarray fields included:
    ///   `[('t', '<i8'), ('pos', '<f4', (3,)), ('id', [('a', '<u2'), ('b', '<u2')])]`.
    ///   Fields are packed, each right after the one before, as numpy's default `align=False`.
    ///   `('', '|V<n>')` entries are padding, as numpy's `.npy` reader reads them (numpy's
    ///   `np.dtype` instead keeps them as fields named `f0`, `f1`, ...), so the output of
    ///   [`descr`](Dtype::descr) parses back to the same dtype.
    ///
    /// Surrounding whitespace is ignored. Object dtypes (`O`), numpy's `StringDType` (`T`), the
    /// dict form, comma-separated strings (`'i4,f8'`) and shape prefixes (`'2i4'`) are refused.
    ///
    /// ```
    /// use typed_memmap::{ByteOrder, Dtype, Element};
    /// assert_eq!(Dtype::parse("<f8")?, f64::dtype());
    /// assert_eq!("'>i4'".parse::<Dtype>()?.descr(), "'>i4'");
    /// assert_eq!(Dtype::parse("u1")?.descr(), "'|u1'");
    ///
    /// let tick = Dtype::parse("[('t', '<i8'), ('pos', '<f4', (3,)), ('side', 'u1')]")?;
    /// assert_eq!(tick.itemsize(), 21);
    /// assert_eq!(tick.as_record().unwrap().field("side").unwrap().offset, 20);
    ///
    /// let err = Dtype::parse("[('t', '<i8'), ('x', '<f7')]").unwrap_err();
    /// assert_eq!(err.at, 21); // the `'<f7'`
    /// assert!(err.message.contains("not a valid dtype descriptor: '<f7'"), "{err}");
    /// # Ok::<(), typed_memmap::npy::HeaderError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A [`HeaderError`] whose `at` is the byte of `text` where the problem is and whose
    /// message says what was found and what was expected: text that is neither a type string
    /// nor a Python literal, a type numpy does not have or this crate does not map, a
    /// repeated field name, a bad subarray shape, a record whose size overflows.
    pub fn parse(text: &str) -> Result<Dtype, HeaderError> {
        crate::npy::parse_dtype_text(text, false)
    }

    /// [`parse`](Dtype::parse) with numpy's `align=True`: every record, nested ones too, is
    /// laid out as a C compiler lays out a struct. Each field starts at the next multiple of
    /// its [`natural_alignment`](Dtype::natural_alignment), and the item size is rounded up
    /// to the largest alignment, as `np.dtype(text, align=True)`. The gaps are padding, so
    /// [`descr`](Dtype::descr) writes them as `('', '|V<n>')` entries, as numpy's `.descr`
    /// does, and numpy reads that text back with the same offsets and item size.
    ///
    /// ```
    /// use typed_memmap::Dtype;
    /// let d = Dtype::parse_aligned("[('flag', 'u1'), ('price', '<f8'), ('n', '<i2')]")?;
    /// assert_eq!(d.itemsize(), 24);
    /// assert_eq!(d.as_record().unwrap().field("price").unwrap().offset, 8);
    /// assert_eq!(
    ///     d.descr(),
    ///     "[('flag', '|u1'), ('', '|V7'), ('price', '<f8'), ('n', '<i2'), ('', '|V6')]"
    /// );
    /// // Scalars have no layout to align.
    /// assert_eq!(Dtype::parse_aligned("<f8")?, Dtype::parse("<f8")?);
    /// # Ok::<(), typed_memmap::npy::HeaderError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`parse`](Dtype::parse).
    pub fn parse_aligned(text: &str) -> Result<Dtype, HeaderError> {
        crate::npy::parse_dtype_text(text, true)
    }

    /// A scalar dtype (see [`Scalar::new`] for the byte-order normalisation).
    pub fn scalar(kind: Kind, order: ByteOrder, size: usize) -> Dtype {
        Dtype::Scalar(Scalar::new(kind, order, size))
    }

    /// `base` repeated over `shape` (outer dimension first); a subarray base is flattened,
    /// `[[i32; 3]; 2]` is `('<i4', (2, 3))`.
    pub fn subarray(base: Dtype, shape: &[usize]) -> Dtype {
        match base {
            Dtype::Subarray(inner, inner_shape) => {
                let mut full = shape.to_vec();
                full.extend_from_slice(&inner_shape);
                Dtype::Subarray(inner, full)
            }
            base => Dtype::Subarray(Box::new(base), shape.to_vec()),
        }
    }

    /// The size of one element in bytes (numpy's `itemsize`).
    pub fn itemsize(&self) -> usize {
        match self {
            Dtype::Scalar(s) => s.size,
            Dtype::Subarray(base, shape) => shape
                .iter()
                .fold(base.itemsize(), |acc, &d| acc.saturating_mul(d)),
            Dtype::Record(r) => r.itemsize,
        }
    }

    /// The alignment numpy gives this dtype in an aligned struct (`dtype.alignment` with
    /// `align=True`): a scalar's size (a complex number's component size, 1 for strings and
    /// void, 4 for `U`), a subarray's base alignment, a record's largest field alignment.
    /// Sizes are those of numpy on 64-bit Linux and macOS: `f16` (`longdouble`) and `c32`
    /// have alignment 16.
    ///
    /// The alignment of a Rust element type is `align_of::<T>()`, which can be smaller: the
    /// byte-order types have alignment 1 and the same descr as the native numbers.
    pub fn natural_alignment(&self) -> usize {
        match self {
            Dtype::Scalar(s) => match s.kind {
                Kind::Bytes | Kind::Void => 1,
                Kind::Unicode => 4,
                Kind::Complex => (s.size / 2).clamp(1, 16),
                _ => s.size.clamp(1, 16),
            },
            Dtype::Subarray(base, _) => base.natural_alignment(),
            Dtype::Record(r) => r
                .fields
                .iter()
                .map(|f| f.dtype.natural_alignment())
                .max()
                .unwrap_or(1),
        }
    }

    /// The record layout, if this is a record dtype.
    pub fn as_record(&self) -> Option<&RecordDtype> {
        match self {
            Dtype::Record(r) => Some(r),
            _ => None,
        }
    }

    /// The descr text numpy writes for this dtype in a `.npy` header, character for character:
    /// `'<f4'`, `('<i4', (2, 3))`, `[('a', '<i4'), ('', '|V4')]`.
    pub fn descr(&self) -> String {
        let mut out = String::new();
        self.write_descr(&mut out);
        out
    }

    fn write_descr(&self, out: &mut String) {
        match self {
            Dtype::Scalar(s) => out.push_str(&py_repr_str(&s.descr_str())),
            Dtype::Subarray(base, shape) => {
                out.push('(');
                base.write_descr(out);
                out.push_str(", ");
                out.push_str(&py_repr_shape(shape));
                out.push(')');
            }
            Dtype::Record(r) => {
                out.push('[');
                let mut first = true;
                let mut sep = |out: &mut String| {
                    if !first {
                        out.push_str(", ");
                    }
                    first = false;
                };
                let mut end = 0usize;
                for f in &r.fields {
                    if f.offset > end {
                        sep(out);
                        out.push_str(&format!("('', '|V{}')", f.offset - end));
                    }
                    sep(out);
                    out.push('(');
                    match &f.title {
                        Some(t) => {
                            out.push('(');
                            out.push_str(&py_repr_str(t));
                            out.push_str(", ");
                            out.push_str(&py_repr_str(&f.name));
                            out.push(')');
                        }
                        None => out.push_str(&py_repr_str(&f.name)),
                    }
                    out.push_str(", ");
                    match &f.dtype {
                        Dtype::Subarray(base, shape) => {
                            base.write_descr(out);
                            out.push_str(", ");
                            out.push_str(&py_repr_shape(shape));
                        }
                        d => d.write_descr(out),
                    }
                    out.push(')');
                    end = end.max(f.offset.saturating_add(f.dtype.itemsize()));
                }
                if r.itemsize > end {
                    sep(out);
                    out.push_str(&format!("('', '|V{}')", r.itemsize - end));
                }
                out.push(']');
            }
        }
    }
}

impl std::str::FromStr for Dtype {
    type Err = HeaderError;

    /// [`Dtype::parse`].
    fn from_str(text: &str) -> Result<Dtype, HeaderError> {
        Dtype::parse(text)
    }
}

impl fmt::Display for Dtype {
    /// The descr text, as [`Dtype::descr`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.descr())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalar_descrs() {
        let table = [
            (Dtype::scalar(Kind::Float, ByteOrder::Little, 4), "'<f4'"),
            (Dtype::scalar(Kind::UInt, ByteOrder::Big, 2), "'>u2'"),
            (Dtype::scalar(Kind::UInt, ByteOrder::Little, 1), "'|u1'"),
            (Dtype::scalar(Kind::Bool, ByteOrder::Little, 1), "'|b1'"),
            (Dtype::scalar(Kind::Bytes, ByteOrder::Little, 5), "'|S5'"),
            (Dtype::scalar(Kind::Unicode, ByteOrder::Little, 12), "'<U3'"),
            (Dtype::scalar(Kind::Void, ByteOrder::Big, 4), "'|V4'"),
            (
                Dtype::scalar(
                    Kind::Datetime(TimeUnit {
                        base: Some(DateUnit::Nanos),
                        multiplier: 1,
                    }),
                    ByteOrder::Little,
                    8,
                ),
                "'<M8[ns]'",
            ),
            (
                Dtype::scalar(
                    Kind::Timedelta(TimeUnit {
                        base: Some(DateUnit::Seconds),
                        multiplier: 25,
                    }),
                    ByteOrder::Big,
                    8,
                ),
                "'>m8[25s]'",
            ),
        ];
        for (dtype, want) in table {
            assert_eq!(dtype.descr(), want);
        }
    }

    /// `Dtype::parse` and `parse_aligned`: input, align, expected descr, expected item size.
    /// The expected values are numpy 2.4's on x86-64 (`tests/dtype_parse_numpy.rs` checks
    /// the same kind of inputs against numpy itself).
    #[test]
    fn parse_table() {
        let table: &[(&str, bool, &str, usize)] = &[
            ("<f8", false, "'<f8'", 8),
            ("'<f8'", false, "'<f8'", 8),
            ("\"<f8\"", false, "'<f8'", 8),
            ("  >i4 ", false, "'>i4'", 4),
            (" '<f8' ", false, "'<f8'", 8),
            ("\n[('a', '<i4')] ", true, "[('a', '<i4')]", 4),
            ("|u1", false, "'|u1'", 1),
            ("u1", false, "'|u1'", 1),
            ("f8", false, "'<f8'", 8),
            ("=f8", false, "'<f8'", 8),
            ("b1", false, "'|b1'", 1),
            ("?", false, "'|b1'", 1),
            ("S10", false, "'|S10'", 10),
            ("U5", false, "'<U5'", 20),
            (">U5", false, "'>U5'", 20),
            ("V8", false, "'|V8'", 8),
            ("M8[ns]", false, "'<M8[ns]'", 8),
            ("<m8[s]", false, "'<m8[s]'", 8),
            ("c16", false, "'<c16'", 16),
            ("f2", false, "'<f2'", 2),
            ("float32", false, "'<f4'", 4),
            ("('<f4', (3,))", false, "('<f4', (3,))", 12),
            (
                "[('t', '<i8'), ('price', '<f8')]",
                false,
                "[('t', '<i8'), ('price', '<f8')]",
                16,
            ),
            (
                "[('a', 'u1'), ('b', '<i4')]",
                false,
                "[('a', '|u1'), ('b', '<i4')]",
                5,
            ),
            (
                "[('a', 'u1'), ('b', '<i4')]",
                true,
                "[('a', '|u1'), ('', '|V3'), ('b', '<i4')]",
                8,
            ),
            (
                "[('a', '<i4'), ('b', 'u1')]",
                true,
                "[('a', '<i4'), ('b', '|u1'), ('', '|V3')]",
                8,
            ),
            (
                "[('a', 'u1'), ('b', '<f8', (2,))]",
                true,
                "[('a', '|u1'), ('', '|V7'), \
              ('b', '<f8', (2,))]",
                24,
            ),
            (
                "[('a', 'u1'), ('p', [('x', 'u1'), ('y', '<i2')])]",
                true,
                "[('a', '|u1'), \
              ('', '|V1'), ('p', [('x', '|u1'), ('', '|V1'), ('y', '<i2')])]",
                6,
            ),
            (
                "[('a', 'u1'), ('', '|V2'), ('b', '<i2')]",
                true,
                "[('a', '|u1'), ('', '|V3'), \
              ('b', '<i2')]",
                6,
            ),
            (
                "[('a', 'u1'), ('b', 'S3'), ('c', '<U1')]",
                true,
                "[('a', '|u1'), ('b', '|S3'), \
              ('c', '<U1')]",
                8,
            ),
            (
                "[('a', 'u1'), ('b', '<f16')]",
                true,
                "[('a', '|u1'), ('', '|V15'), \
              ('b', '<f16')]",
                32,
            ),
            (
                "[('a', 'u1'), ('b', '>c16')]",
                true,
                "[('a', '|u1'), ('', '|V7'), \
              ('b', '>c16')]",
                24,
            ),
            ("[]", true, "[]", 0),
            ("<f8", true, "'<f8'", 8),
        ];
        for &(input, align, descr, itemsize) in table {
            let parsed = if align {
                Dtype::parse_aligned(input)
            } else {
                Dtype::parse(input)
            };
            let d = parsed.unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(
                (d.descr().as_str(), d.itemsize()),
                (descr, itemsize),
                "{input}"
            );
            // The descr text reads back as the same dtype, padding included.
            assert_eq!(Dtype::parse(&d.descr()).unwrap(), d, "{input}");
            assert_eq!(
                input.parse::<Dtype>().unwrap(),
                Dtype::parse(input).unwrap()
            );
        }
    }

    /// Bad text: input, the byte the error points at, a part of its message.
    #[test]
    fn parse_errors_table() {
        let table: &[(&str, u64, &str)] = &[
            ("", 0, "empty dtype text"),
            ("   ", 3, "empty dtype text"),
            ("<f7", 0, "not a valid dtype descriptor: '<f7'"),
            ("  <f7", 2, "not a valid dtype descriptor: '<f7'"),
            (" ['<f7']", 2, "is a str, expected a tuple (name, type)"),
            ("i3", 0, "not a valid dtype descriptor"),
            ("O", 0, "object dtype"),
            ("i4,f8", 0, "comma-separated"),
            ("2i4", 0, "shape prefixes"),
            ("M8[xs]", 0, "invalid datetime unit"),
            ("'<f8", 0, ""),
            (
                "[('a', '<i4'), ('b', '<f7')]",
                21,
                "not a valid dtype descriptor: '<f7'",
            ),
            ("[('a', '<i4'), ('a', '<f8')]", 16, "repeats"),
            ("[('a', '<i4', (-1,))]", 15, "negative subarray dimension"),
            ("[('a', '<i4')", 13, "expected `,` or `]`"),
            ("{'names': ['a'], 'formats': ['<i4']}", 0, "dict descr"),
        ];
        for &(input, at, message) in table {
            let e = Dtype::parse(input).expect_err(input);
            assert_eq!(e.at, at, "{input}: {e}");
            assert!(e.message.contains(message), "{input}: {e}");
            assert_eq!(Dtype::parse_aligned(input).unwrap_err(), e, "{input}");
        }
    }

    #[test]
    fn aligned_records_that_overflow_are_refused() {
        // Packed, the fields fill exactly `isize::MAX` bytes; aligned, the item size rounds
        // up to a multiple of 2 past it.
        let m = i32::MAX;
        let text = format!(
            "[('a', '<i2'), ('b', 'S{m}', ({m},)), ('c', 'S{m}', ({m},)), ('d', 'S{m}'), \
             ('e', 'S{m}'), ('f', 'S{m}'), ('g', 'S{}')]",
            m - 1
        );
        assert_eq!(Dtype::parse(&text).unwrap().itemsize(), isize::MAX as usize);
        let e = Dtype::parse_aligned(&text).expect_err("overflow");
        assert!(e.message.contains("overflows"), "{e}");
        assert_eq!(e.at, 0, "{e}");
    }

    #[test]
    fn record_descr_writes_padding_entries() {
        let i4 = Dtype::scalar(Kind::Int, ByteOrder::Little, 4);
        let r = Dtype::Record(RecordDtype {
            fields: vec![
                Field {
                    name: "a".into(),
                    title: None,
                    offset: 1,
                    dtype: i4.clone(),
                },
                Field {
                    name: "b".into(),
                    title: Some("bb".into()),
                    offset: 6,
                    dtype: Dtype::subarray(i4.clone(), &[2]),
                },
            ],
            itemsize: 16,
        });
        assert_eq!(
            r.descr(),
            "[('', '|V1'), ('a', '<i4'), ('', '|V1'), (('bb', 'b'), '<i4', (2,)), ('', '|V2')]"
        );
        assert_eq!(r.itemsize(), 16);
        assert_eq!(r.natural_alignment(), 4);
    }
}
