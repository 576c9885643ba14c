//! [`MapSpec`]: a descriptor of a map that another thread, process or machine can reopen as
//! exactly the same view, and split into row ranges for parallel or distributed work.
//!
//! A spec holds what a map is made of, never its data: the file's path, the dtype's descr
//! text (what a `.npy` header holds, such as `'<f8'` or `[('ts', '<u8'), ('px', '<f8')]`),
//! the byte offset, the shape, the memory order, numpy's mode, and optionally a range of
//! rows. With the feature `serde` (off by default) it derives `Serialize` and `Deserialize`,
//! so it travels as JSON or any other serde format; without it, it can still be made, split
//! and opened in one process.
//!
//! ```
//! use typed_memmap::{MapSpec, Memmap, Options};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("grid.f64");
//! // SAFETY: the file is private to this example; nobody else writes or truncates it.
//! let mut grid = unsafe { Options::<f64>::new().shape([10_000, 2]).create(&path)? };
//! for (i, x) in grid.iter_mut().enumerate() {
//!     *x = i as f64;
//! }
//! grid.flush()?;
//!
//! let spec = grid.spec()?; // path made absolute, dtype '<f8', shape [10000, 2], mode w+
//! assert_eq!(spec.dtype(), "'<f8'");
//!
//! // Four workers, one range of rows each, every row in exactly one range.
//! let parts = spec.split(4)?;
//! assert_eq!(parts.len(), 4);
//! let mut total = 0.0;
//! for part in &parts {
//!     // SAFETY: as above; nobody writes the file while these maps live.
//!     let view: Memmap<f64> = unsafe { part.open()? };
//!     assert_eq!(view.shape()[1], 2);
//!     total += view.iter().sum::<f64>();
//! }
//! assert_eq!(total, grid.iter().sum::<f64>());
//! // Rows of 16 bytes: a range starts on a 4096-byte page every 256 rows.
//! assert_eq!(parts[1].rows(), Some(2560..5120));
//! # Ok(()) }
//! ```
//!
//! # Rows
//!
//! A spec's rows are the steps along its slowest axis in memory, so that every range of rows
//! is one contiguous run of bytes: axis 0 for C order, the last axis for F order (a 1-D array
//! has one element per row). A 0-d array has one row. A spec with a record range
//! ([`with_rows`](MapSpec::with_rows)) opens as the array of those rows only: the offset moves
//! to the first of them and the slow axis becomes the range's length.
//!
//! # Modes
//!
//! [`MapSpec::open`] maps the view read-only whatever the spec's mode: a read view of a
//! writable spec is always allowed. [`MapSpec::open_mut`] maps it writable as the mode says:
//! `c` copy-on-write (writes stay in the worker's memory), `r+` and `w+` as `r+` (writes reach
//! the file). A `w+` spec describes a file that exists: it is reopened as `r+`, never created,
//! truncated or grown, and a file shorter than the spec is an [`Error::FileTooShort`]. A spec
//! of mode `r` does not open writable ([`SpecProblem::ReadOnly`]).
//!
//! # Paths
//!
//! [`Memmap::spec`](crate::Memmap::spec) (and the other `spec` methods) make the path
//! absolute and resolve its symbolic links (`std::fs::canonicalize`), against the current
//! directory of the moment it is called, so that a worker in any directory opens the same
//! file. Call it before changing directory. A spec sent to another machine names a path of
//! this one: both need the file at that path (a shared file system). [`MapSpec::new`] keeps
//! the path it is given. With `serde`, a path that is not UTF-8 fails to serialise.
//!
//! # Failure modes
//!
//! Opening checks everything a hand-made or deserialised spec can get wrong: a dtype text
//! that is not a descr ([`SpecProblem::Descr`]), a record range outside the rows
//! ([`SpecProblem::Rows`]), an element type whose dtype is not the spec's
//! ([`Error::DtypeMismatch`]), a writable open of an `r` spec ([`SpecProblem::ReadOnly`]),
//! and every check of a map ([`Options`]): alignment, overflow, a file too short.

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::dtype::Dtype;
use crate::dynamic::DynArray;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::map::{Memmap, MemmapMut, Mode};
use crate::npy::parse_descr;
use crate::options::Options;
use crate::shape::{element_count, Order};

/// The page size [`MapSpec::split`] aligns ranges to: 4096 bytes, the page of x86-64 and of
/// most Linux systems. Machines with larger pages use [`MapSpec::split_aligned`].
pub const SPLIT_ALIGN: usize = 4096;

/// A shareable descriptor of a map: enough to reopen exactly the same view elsewhere.
///
/// Made by `spec()` of [`Memmap`], [`MemmapMut`] or [`DynArray`], or by [`MapSpec::new`];
/// opened by [`open`](MapSpec::open) (typed), [`open_mut`](MapSpec::open_mut) and
/// [`open_dyn`](MapSpec::open_dyn) (any dtype); divided by [`split`](MapSpec::split). See the
/// [module docs](crate::spec) for rows, modes and paths.
///
/// With the feature `serde` it serialises as a map with the fields `path`, `dtype` (descr
/// text), `offset`, `shape`, `order` (`"C"` or `"F"`), `mode` (`"r"`, `"r+"`, `"w+"`,
/// `"c"`) and `rows` (`null` or `{"start": .., "end": ..}`; may be left out).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MapSpec {
    path: PathBuf,
    dtype: String,
    offset: u64,
    shape: Vec<usize>,
    #[cfg_attr(feature = "serde", serde(with = "order_text"))]
    order: Order,
    #[cfg_attr(feature = "serde", serde(with = "mode_text"))]
    mode: Mode,
    #[cfg_attr(feature = "serde", serde(default))]
    rows: Option<Range<usize>>,
}

/// Why a [`MapSpec`] cannot be opened, split or made, in [`Error::Spec`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SpecProblem {
    /// The dtype text is not a descr this crate reads.
    Descr {
        /// The spec's dtype text.
        descr: String,
        /// The byte of the text where the problem is.
        at: u64,
        /// What is wrong with it.
        message: String,
    },
    /// The record range is reversed or reaches past the rows (for a 0-d array: is not
    /// `0..1`).
    Rows {
        /// The first row of the range.
        start: usize,
        /// The end (exclusive) of the range.
        end: usize,
        /// The rows of the spec's shape.
        rows: usize,
    },
    /// [`MapSpec::open_mut`] of a spec of mode `r`.
    ReadOnly,
    /// `spec()` of a [`DynArray`] that lives only in memory (made there, or decompressed
    /// from an `.npz` member): no file holds its bytes as they are.
    InMemory,
}

/// Where the view of a spec lies: the offset, shape and byte size of its rows.
struct View {
    offset: u64,
    shape: Vec<usize>,
    nbytes: usize,
}

impl MapSpec {
    /// A spec of the array of `shape` elements of dtype `dtype` (descr text, as
    /// [`Dtype::descr`] writes it) at byte `offset` of `path`, in `order`, for `mode`. The
    /// path is kept as given (give an absolute one for workers in other directories); nothing
    /// is checked until the spec is opened or split.
    ///
    /// ```
    /// use typed_memmap::{Element, MapSpec, Mode, Order};
    /// let spec = MapSpec::new("/data/x.f32", f32::dtype().descr(), 0, vec![10], Order::C,
    ///     Mode::ReadOnly);
    /// assert_eq!(spec.dtype(), "'<f4'");
    /// assert_eq!(spec.rows(), None);
    /// ```
    pub fn new(
        path: impl Into<PathBuf>,
        dtype: impl Into<String>,
        offset: u64,
        shape: Vec<usize>,
        order: Order,
        mode: Mode,
    ) -> MapSpec {
        MapSpec {
            path: path.into(),
            dtype: dtype.into(),
            offset,
            shape,
            order,
            mode,
            rows: None,
        }
    }

    /// The spec of a map or array: its path made absolute (see the [module docs](crate::spec)).
    pub(crate) fn of_file(
        path: &Path,
        dtype: String,
        offset: u64,
        shape: &[usize],
        order: Order,
        mode: Mode,
    ) -> Result<MapSpec> {
        let absolute = std::fs::canonicalize(path)
            .map_err(|e| Error::io("resolve the absolute path of", path, e))?;
        Ok(MapSpec::new(
            absolute,
            dtype,
            offset,
            shape.to_vec(),
            order,
            mode,
        ))
    }

    /// The same spec, reduced to the rows `rows` of its shape (positions along the slow axis,
    /// see [Rows](crate::spec#rows)). Checked when the spec is opened or split.
    pub fn with_rows(mut self, rows: Range<usize>) -> MapSpec {
        self.rows = Some(rows);
        self
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The dtype's descr text, as a `.npy` header holds it: `'<f8'`, `[('a', '<u4')]`.
    pub fn dtype(&self) -> &str {
        &self.dtype
    }

    /// The byte offset in the file of the first element of the whole shape (not of the
    /// record range).
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The shape of the whole array (not reduced to the record range).
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The memory order.
    pub fn order(&self) -> Order {
        self.order
    }

    /// numpy's mode of the map the spec was made from.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The record range, if the spec has one.
    pub fn rows(&self) -> Option<Range<usize>> {
        self.rows.clone()
    }

    /// The number of rows of the whole shape: the length of the slow axis (1 for 0-d).
    pub fn row_count(&self) -> usize {
        match self.order {
            Order::C => self.shape.first(),
            Order::F => self.shape.last(),
        }
        .copied()
        .unwrap_or(1)
    }

    /// Maps the view read-only as `T`, whatever the spec's mode.
    ///
    /// # Safety
    ///
    /// See [`Options#safety`]: nobody may truncate the file or write its mapped bytes while
    /// the map lives.
    ///
    /// # Errors
    ///
    /// [`Error::DtypeMismatch`] when `T::dtype()` is not the spec's dtype;
    /// [`Error::Spec`] for a spec that does not hold together; every error of
    /// [`Options::open`].
    pub unsafe fn open<T: Element>(&self) -> Result<Memmap<T>> {
        let view = self.typed_view::<T>()?;
        // SAFETY: the caller upholds `Options#safety`.
        unsafe { view_options::<T>(&view, self.order).open(&self.path) }
    }

    /// Maps the view writable as `T`, as the spec's mode says: `c` copy-on-write, `r+` and
    /// `w+` as `r+` (the file is never created, truncated or grown).
    ///
    /// # Safety
    ///
    /// See [`Options#safety`]. Workers writing one file through specs from one
    /// [`split`](MapSpec::split) write disjoint bytes; nobody else may write them.
    ///
    /// # Errors
    ///
    /// As [`open`](MapSpec::open); [`SpecProblem::ReadOnly`] for a spec of mode `r`.
    pub unsafe fn open_mut<T: Element>(&self) -> Result<MemmapMut<T>> {
        let view = self.typed_view::<T>()?;
        let options = view_options::<T>(&view, self.order);
        match self.mode {
            Mode::ReadOnly => Err(self.problem(SpecProblem::ReadOnly)),
            // SAFETY: the caller upholds `Options#safety`.
            Mode::CopyOnWrite => unsafe { options.open_copy(&self.path) },
            // `w+` is reopened as `r+`: the file exists and must not be truncated.
            // SAFETY: as above.
            Mode::ReadWrite | Mode::Create => unsafe { options.open_mut(&self.path) },
        }
    }

    /// Maps the view read-only as a [`DynArray`] of the spec's dtype, whatever its mode. Its
    /// [`data_offset`](DynArray::data_offset) is the view's offset, its
    /// [`version`](DynArray::version) `(1, 0)`.
    ///
    /// # Safety
    ///
    /// See [`Options#safety`].
    ///
    /// # Errors
    ///
    /// As [`open`](MapSpec::open), without the dtype check.
    pub unsafe fn open_dyn(&self) -> Result<DynArray> {
        let dtype = self.parse_dtype()?;
        let view = self.view(dtype.itemsize())?;
        let options = Options::<u8>::new()
            .offset(view.offset)
            .shape([view.nbytes]);
        // SAFETY: the caller upholds `Options#safety`. `u8` has alignment 1, so any offset
        // maps.
        let map = unsafe { options.open(&self.path) }?;
        Ok(DynArray::from_map(
            map,
            dtype,
            self.dtype.clone(),
            view.shape,
            self.order,
        ))
    }

    /// Divides the rows (the record range, or all rows) into at most `n` ranges, each a spec
    /// of its own, in order, that together cover every row exactly once, with boundaries on
    /// pages of [`SPLIT_ALIGN`] (4096) bytes where the row size allows.
    ///
    /// The rule: there are `min(n, rows)` ranges, none empty (no range at all for 0 rows;
    /// `split(0)` is `split(1)`). When boundaries can fall on 4096-byte positions of the file
    /// (`offset + row * row_bytes`, a multiple of 4096) for a row at least every
    /// `rows / n` rows, every boundary is the page-aligned row nearest to `i * rows / n`, so
    /// the ranges are equal to within one aligned step (`4096 / gcd(row_bytes, 4096)` rows).
    /// Otherwise (few rows, rows that hold no bytes, an offset no row boundary can align
    /// with, or an aligned step too long for `n` ranges) the boundaries are the rows
    /// `i * rows / n`, rounded down. The first range starts where the spec starts, aligned or
    /// not.
    ///
    /// ```
    /// use typed_memmap::{Element, MapSpec, Mode, Order};
    /// # fn main() -> Result<(), typed_memmap::Error> {
    /// let spec = MapSpec::new("x.u32", u32::dtype().descr(), 0, vec![10_000], Order::C,
    ///     Mode::ReadOnly);
    /// let rows: Vec<_> = spec.split(3)?.iter().filter_map(|s| s.rows()).collect();
    /// assert_eq!(rows, [0..3072, 3072..7168, 7168..10_000]); // 1024 u32 per page
    /// // Fewer rows than workers: one range per row.
    /// let few = MapSpec::new("y.u32", "'<u4'", 0, vec![2], Order::C, Mode::ReadOnly);
    /// assert_eq!(few.split(8)?.len(), 2);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Spec`] for a dtype text that is not a descr or a record range outside the
    /// rows; [`Error::ShapeOverflow`] when the rows' byte size overflows.
    pub fn split(&self, n: usize) -> Result<Vec<MapSpec>> {
        self.split_aligned(n, SPLIT_ALIGN)
    }

    /// [`split`](MapSpec::split) with boundaries aligned to `align` bytes instead of 4096
    /// (16384 for Apple silicon's pages, a file system's block, a stripe; 0 or 1: no
    /// alignment).
    ///
    /// # Errors
    ///
    /// As [`split`](MapSpec::split).
    pub fn split_aligned(&self, n: usize, align: usize) -> Result<Vec<MapSpec>> {
        let dtype = self.parse_dtype()?;
        let range = self.checked_rows()?;
        let row_bytes = self.row_bytes(dtype.itemsize())?;
        let ranges = split_rows(self.offset, row_bytes, range, n.max(1), align.max(1));
        Ok(ranges
            .into_iter()
            .map(|rows| self.clone().with_rows(rows))
            .collect())
    }

    /// The error of this spec with `problem`.
    fn problem(&self, problem: SpecProblem) -> Error {
        Error::Spec {
            path: self.path.clone(),
            problem,
        }
    }

    fn parse_dtype(&self) -> Result<Dtype> {
        parse_descr(&self.dtype).map_err(|e| {
            self.problem(SpecProblem::Descr {
                descr: self.dtype.clone(),
                at: e.at,
                message: e.message,
            })
        })
    }

    /// The record range, checked against the rows; all rows without one.
    fn checked_rows(&self) -> Result<Range<usize>> {
        let rows = self.row_count();
        let Some(range) = self.rows.clone() else {
            return Ok(0..rows);
        };
        let empty_0d = self.shape.is_empty() && range.is_empty();
        if range.start > range.end || range.end > rows || empty_0d {
            return Err(self.problem(SpecProblem::Rows {
                start: range.start,
                end: range.end,
                rows,
            }));
        }
        Ok(range)
    }

    /// The bytes of one row: the item size times the elements of the other axes.
    fn row_bytes(&self, itemsize: usize) -> Result<usize> {
        let others = match self.order {
            Order::C => self.shape.get(1..),
            Order::F => self.shape.get(..self.shape.len().saturating_sub(1)),
        }
        .unwrap_or(&[]);
        element_count(others)
            .and_then(|n| n.checked_mul(itemsize))
            .ok_or_else(|| self.overflow(itemsize))
    }

    fn overflow(&self, itemsize: usize) -> Error {
        Error::ShapeOverflow {
            path: self.path.clone(),
            shape: self.shape.clone(),
            itemsize,
            offset: self.offset,
        }
    }

    /// The view as `T`, after checking `T`'s dtype against the spec's.
    fn typed_view<T: Element>(&self) -> Result<View> {
        let dtype = self.parse_dtype()?;
        crate::npy::check_dtype_of(&self.path, &T::dtype(), &dtype)?;
        self.view(core::mem::size_of::<T>())
    }

    /// Where the rows of the record range lie, for elements of `itemsize` bytes.
    fn view(&self, itemsize: usize) -> Result<View> {
        let range = self.checked_rows()?;
        let mut shape = self.shape.clone();
        if let Some(slow) = match self.order {
            Order::C => shape.first_mut(),
            Order::F => shape.last_mut(),
        } {
            *slow = range.len();
        }
        let row_bytes = self.row_bytes(itemsize)?;
        let skip = (range.start as u64).checked_mul(row_bytes as u64);
        let offset = skip.and_then(|s| s.checked_add(self.offset));
        let nbytes = element_count(&shape).and_then(|n| n.checked_mul(itemsize));
        match (offset, nbytes) {
            (Some(offset), Some(nbytes)) => Ok(View {
                offset,
                shape,
                nbytes,
            }),
            _ => Err(self.overflow(itemsize)),
        }
    }
}

/// The map options of a view.
fn view_options<T: Element>(view: &View, order: Order) -> Options<T, crate::options::Shaped> {
    Options::<T>::new()
        .offset(view.offset)
        .shape(&view.shape)
        .order(order)
}

/// Divides the rows `range` of `row_bytes` each, the first row of the array at byte `offset`,
/// into `min(n, rows)` non-empty ranges, with inner boundaries on multiples of `align` bytes
/// where that gives every range at least one aligned step (the rule of [`MapSpec::split`]).
/// `n` and `align` are at least 1.
pub(crate) fn split_rows(
    offset: u64,
    row_bytes: usize,
    range: Range<usize>,
    n: usize,
    align: usize,
) -> Vec<Range<usize>> {
    let count = range.len();
    let n = n.min(count);
    if n == 0 {
        return Vec::new();
    }
    let (lo, hi) = (range.start, range.end);
    // The ideal boundary `i` is `lo + i * count / n`, kept as the fraction's numerator over
    // `n` in 128 bits (no overflow for any `usize`).
    let ideal = |i: usize| lo as u128 * n as u128 + i as u128 * count as u128;
    let grid = aligned_rows(offset, row_bytes, align).filter(|&(_, step)| {
        // Every range gets at least one aligned step: `step <= count / n`.
        (step as u128) * (n as u128) <= count as u128
    });
    let mut bounds = Vec::with_capacity(n + 1);
    bounds.push(lo);
    for i in 1..n {
        let b = match grid {
            Some((first, step)) => {
                // The aligned row nearest to the ideal boundary: `first + k * step` with
                // `k = round((ideal / n - first) / step)`, clamped into the range.
                let (first, step, n) = (first as u128, step as u128, n as u128);
                let x = ideal(i).saturating_sub(first * n);
                let k = (2 * x + step * n) / (2 * step * n);
                (first + k * step).clamp(lo as u128, hi as u128) as usize
            }
            None => (ideal(i) / n as u128) as usize,
        };
        bounds.push(b);
    }
    bounds.push(hi);
    // Defensive: the rule above gives strictly increasing boundaries; never emit an empty or
    // overlapping range even if it did not.
    bounds.dedup();
    bounds.windows(2).map(|w| w[0]..w[1]).collect()
}

/// The rows whose start `offset + row * row_bytes` is a multiple of `align`, as the first of
/// them and the step between them: `None` when no row starts aligned, or rows hold no bytes.
fn aligned_rows(offset: u64, row_bytes: usize, align: usize) -> Option<(u64, u64)> {
    if row_bytes == 0 {
        return None;
    }
    let a = align as u128;
    let rb = row_bytes as u128 % a;
    // Solve `row * rb ≡ -offset (mod a)`.
    let target = (a - offset as u128 % a) % a;
    let g = gcd(rb, a);
    if !target.is_multiple_of(g) {
        return None;
    }
    let step = a / g;
    let first = if step == 1 {
        0
    } else {
        (target / g) * inverse_mod(rb / g, step) % step
    };
    Some((first as u64, step as u64))
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The inverse of `x` modulo `m` (`m > 1`, `gcd(x, m) == 1`), by the extended Euclidean
/// algorithm.
fn inverse_mod(x: u128, m: u128) -> u128 {
    let (mut r0, mut r1) = (m as i128, (x % m) as i128);
    let (mut t0, mut t1) = (0i128, 1i128);
    while r1 != 0 {
        let q = r0 / r1;
        (r0, r1) = (r1, r0 - q * r1);
        (t0, t1) = (t1, t0 - q * t1);
    }
    t0.rem_euclid(m as i128) as u128
}

/// `Order` as numpy's letters, `"C"` and `"F"`.
#[cfg(feature = "serde")]
mod order_text {
    use crate::shape::Order;

    pub(super) fn serialize<S: serde::Serializer>(order: &Order, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(order)
    }

    pub(super) fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Order, D::Error> {
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        match &*text {
            "C" => Ok(Order::C),
            "F" => Ok(Order::F),
            other => Err(serde::de::Error::invalid_value(
                serde::de::Unexpected::Str(other),
                &"\"C\" or \"F\"",
            )),
        }
    }
}

/// `Mode` as numpy's names, `"r"`, `"r+"`, `"w+"`, `"c"` (the long aliases are read too).
#[cfg(feature = "serde")]
mod mode_text {
    use crate::map::Mode;

    pub(super) fn serialize<S: serde::Serializer>(mode: &Mode, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(mode.as_str())
    }

    pub(super) fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Mode, D::Error> {
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligned_rows_solve_the_congruence() {
        for (offset, row_bytes, align) in [
            (0u64, 8usize, 4096usize),
            (128, 24, 4096),
            (3, 7, 4096),
            (1, 6, 4096),
            (100, 4097, 4096),
            (0, 5, 1),
            (96, 12, 64),
        ] {
            match aligned_rows(offset, row_bytes, align) {
                Some((first, step)) => {
                    for row in [first, first + step, first + 7 * step] {
                        let at = offset as u128 + row as u128 * row_bytes as u128;
                        assert_eq!(at % align as u128, 0, "{offset} {row_bytes} {align}");
                    }
                    // `first` is the first aligned row, and none lies between steps.
                    for row in 0..first + step {
                        let at = offset as u128 + row as u128 * row_bytes as u128;
                        let aligned = at.is_multiple_of(align as u128);
                        assert_eq!(aligned, row == first || row == first + step);
                    }
                }
                None => {
                    for row in 0..align as u64 * 2 {
                        let at = offset + row * row_bytes as u64;
                        assert_ne!(at % align as u64, 0, "{offset} {row_bytes} {align}");
                    }
                }
            }
        }
        assert_eq!(aligned_rows(0, 0, 4096), None);
    }

    #[test]
    fn split_rows_balances_within_a_step() {
        let parts = split_rows(0, 8, 0..1_000_000, 7, 4096);
        assert_eq!(parts.len(), 7);
        for p in &parts {
            assert!(p.len().abs_diff(1_000_000 / 7) <= 512, "{p:?}");
        }
        // An aligned step longer than a range: plain boundaries.
        assert_eq!(split_rows(0, 4097, 0..10, 2, 4096), [0..5, 5..10]);
        assert_eq!(split_rows(0, 8, 0..0, 3, 4096), []);
    }
}
