//! numpy's `datetime64` and `timedelta64`: [`Datetime64<U>`] and [`Timedelta64<U>`], an `i64`
//! count of ticks whose unit `U` is part of the type and of the dtype (`<M8[ns]`, `<m8[D]`).
//!
//! ```
//! use typed_memmap::units::{Days, Nanos};
//! use typed_memmap::{Datetime64, Element, Timedelta64};
//! assert_eq!(Datetime64::<Nanos>::dtype().descr(), "'<M8[ns]'");
//! assert_eq!(Timedelta64::<Days>::dtype().descr(), "'<m8[D]'");
//! let day = Datetime64::<Days>::new(19_723); // 2024-01-01
//! assert_eq!(day.ticks(), Some(19_723));
//! assert!(Datetime64::<Days>::NAT.is_nat());
//! ```
//!
//! Both are native-order (`<` on little-endian machines) and 8-byte aligned, like `i64`.
//! Big-endian datetime files are read through [`DynArray`](crate::DynArray). A unit with a
//! multiplier, numpy's `M8[25s]`, is a type of your own implementing [`Unit`].

use core::cmp::Ordering;
use core::fmt;
use core::hash::{Hash, Hasher};
use core::marker::PhantomData;

use crate::dtype::{ByteOrder, DateUnit, Dtype, Kind, TimeUnit};
use crate::element::Element;

/// A time unit known at compile time: the `[ns]` of `M8[ns]`.
///
/// The crate has one marker type per numpy unit in [`units`]. For a unit with a multiplier,
/// implement it yourself:
///
/// ```
/// use typed_memmap::{DateUnit, Datetime64, Element, TimeUnit, Unit};
/// #[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// struct Ticks25s;
/// impl Unit for Ticks25s {
///     const UNIT: TimeUnit = TimeUnit { base: Some(DateUnit::Seconds), multiplier: 25 };
/// }
/// assert_eq!(Datetime64::<Ticks25s>::dtype().descr(), "'<M8[25s]'");
/// ```
pub trait Unit: Copy + 'static {
    /// The unit.
    const UNIT: TimeUnit;
}

/// Marker types for numpy's datetime units, one per unit (`Nanos` is `[ns]`).
pub mod units {
    use super::{DateUnit, TimeUnit, Unit};

    macro_rules! unit_markers {
        ($($name:ident => $base:ident, $text:literal;)*) => {$(
            #[doc = concat!("numpy's unit `[", $text, "]`.")]
            #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
            pub struct $name;
            impl Unit for $name {
                const UNIT: TimeUnit = TimeUnit { base: Some(DateUnit::$base), multiplier: 1 };
            }
        )*};
    }

    unit_markers! {
        Years => Years, "Y";
        Months => Months, "M";
        Weeks => Weeks, "W";
        Days => Days, "D";
        Hours => Hours, "h";
        Minutes => Minutes, "m";
        Seconds => Seconds, "s";
        Millis => Millis, "ms";
        Micros => Micros, "us";
        Nanos => Nanos, "ns";
        Picos => Picos, "ps";
        Femtos => Femtos, "fs";
        Attos => Attos, "as";
    }

    /// numpy's generic unit: `<M8` / `<m8` without brackets (what `np.datetime64('NaT')`
    /// arrays have).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    pub struct Generic;
    impl Unit for Generic {
        const UNIT: TimeUnit = TimeUnit {
            base: None,
            multiplier: 1,
        };
    }
}

macro_rules! tick_type {
    ($name:ident, $kind:ident, $what:literal, $example:literal) => {
        #[doc = concat!("numpy's `", $what, "`: an `i64` count of `U` ticks", $example, ".")]
        ///
        /// The value `i64::MIN` is numpy's NaT ("not a time"), [`Self::NAT`].
        #[repr(transparent)]
        pub struct $name<U: Unit> {
            ticks: i64,
            unit: PhantomData<U>,
        }

        impl<U: Unit> $name<U> {
            /// NaT, "not a time": the tick count `i64::MIN`.
            pub const NAT: Self = Self::new(i64::MIN);

            /// The value `ticks` units (`i64::MIN` is NaT).
            pub const fn new(ticks: i64) -> Self {
                Self {
                    ticks,
                    unit: PhantomData,
                }
            }

            /// The tick count, or `None` for NaT.
            pub const fn ticks(self) -> Option<i64> {
                if self.ticks == i64::MIN {
                    None
                } else {
                    Some(self.ticks)
                }
            }

            /// The raw tick count, `i64::MIN` for NaT.
            pub const fn raw(self) -> i64 {
                self.ticks
            }

            /// Whether this is NaT.
            pub const fn is_nat(self) -> bool {
                self.ticks == i64::MIN
            }

            /// The unit of the ticks.
            pub const fn unit() -> TimeUnit {
                U::UNIT
            }
        }

        impl<U: Unit> Clone for $name<U> {
            fn clone(&self) -> Self {
                *self
            }
        }

        impl<U: Unit> Copy for $name<U> {}

        impl<U: Unit> Default for $name<U> {
            /// Zero ticks.
            fn default() -> Self {
                Self::new(0)
            }
        }

        impl<U: Unit> PartialEq for $name<U> {
            /// Compares tick counts; unlike numpy, NaT equals NaT (so that the type can be
            /// `Eq` and a hash key).
            fn eq(&self, other: &Self) -> bool {
                self.ticks == other.ticks
            }
        }

        impl<U: Unit> Eq for $name<U> {}

        impl<U: Unit> PartialOrd for $name<U> {
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }

        impl<U: Unit> Ord for $name<U> {
            /// Orders by tick count: NaT sorts first.
            fn cmp(&self, other: &Self) -> Ordering {
                self.ticks.cmp(&other.ticks)
            }
        }

        impl<U: Unit> Hash for $name<U> {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.ticks.hash(state);
            }
        }

        impl<U: Unit> fmt::Debug for $name<U> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.ticks() {
                    None => write!(f, "{}('NaT')", stringify!($name)),
                    Some(t) => write!(f, "{}({t}{})", stringify!($name), U::UNIT),
                }
            }
        }

        impl<U: Unit> From<i64> for $name<U> {
            fn from(ticks: i64) -> Self {
                Self::new(ticks)
            }
        }

        // SAFETY: the type is `#[repr(transparent)]` over `i64` (its only other field is a
        // zero-sized `PhantomData`): size 8, alignment of `i64`, no padding, no pointers, no
        // interior mutability, and every bit pattern is a valid `i64`. Its dtype is an 8-byte
        // scalar in native order, the order of the `i64`.
        unsafe impl<U: Unit> Element for $name<U> {
            fn dtype() -> Dtype {
                Dtype::scalar(Kind::$kind(U::UNIT), ByteOrder::NATIVE, 8)
            }
        }
    };
}

tick_type!(
    Datetime64,
    Datetime,
    "datetime64[unit]",
    " since 1970-01-01T00:00 (dtype `<M8[unit]`)"
);
tick_type!(
    Timedelta64,
    Timedelta,
    "timedelta64[unit]",
    " (dtype `<m8[unit]`)"
);

#[cfg(test)]
mod tests {
    use super::units::*;
    use super::*;

    #[test]
    fn every_unit_has_numpys_descr() {
        fn d<U: Unit>() -> String {
            Datetime64::<U>::dtype().descr()
        }
        let got = [
            d::<Years>(),
            d::<Months>(),
            d::<Weeks>(),
            d::<Days>(),
            d::<Hours>(),
            d::<Minutes>(),
            d::<Seconds>(),
            d::<Millis>(),
            d::<Micros>(),
            d::<Nanos>(),
            d::<Picos>(),
            d::<Femtos>(),
            d::<Attos>(),
            d::<Generic>(),
        ];
        let want = [
            "Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as",
        ]
        .map(|u| format!("'<M8[{u}]'"));
        assert_eq!(got[..13], want);
        assert_eq!(got[13], "'<M8'");
        assert_eq!(Timedelta64::<Micros>::dtype().descr(), "'<m8[us]'");
        assert_eq!(core::mem::size_of::<Datetime64<Nanos>>(), 8);
        assert_eq!(core::mem::align_of::<Timedelta64<Nanos>>(), 8);
    }

    #[test]
    fn nat_is_i64_min() {
        assert_eq!(Datetime64::<Seconds>::NAT.raw(), i64::MIN);
        assert_eq!(Timedelta64::<Seconds>::new(5).ticks(), Some(5));
        assert_eq!(
            format!("{:?}", Timedelta64::<Seconds>::new(5)),
            "Timedelta64(5[s])"
        );
        assert_eq!(
            format!("{:?}", Datetime64::<Seconds>::NAT),
            "Datetime64('NaT')"
        );
    }
}
