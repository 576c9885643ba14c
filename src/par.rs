//! Parallel scans with rayon (feature `rayon`, off by default): [`Column::par_iter`],
//! [`records`] for maps and slices, [`Shards::par_iter`] and [`ShardColumn::par_iter`].
//!
//! They are rayon parallel iterators, so rayon's own `sum`, `fold`, `reduce`, `min`, `max`,
//! `for_each`, `map`, `filter`, `collect` are the scans:
//!
//! ```
//! use rayon::prelude::*;
//! use typed_memmap::{par, Options, Record};
//!
//! #[derive(Clone, Copy, Record)]
//! #[repr(C)]
//! struct Tick { ts: u64, price: f64 }
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("ticks.raw");
//! // SAFETY: the file is private to this example; nobody else writes or truncates it.
//! let mut m = unsafe { Options::<Tick>::new().shape([10_000]).create(&path)? };
//! for (i, t) in m.iter_mut().enumerate() {
//!     *t = Tick { ts: i as u64, price: 0.5 };
//! }
//! let ts = m.column(Tick::fields().ts);
//! assert_eq!(ts.par_iter().sum::<u64>(), ts.iter().sum::<u64>()); // integers: bit for bit
//! let (lo, hi) = ts.par_iter().fold(|| (u64::MAX, 0), |(lo, hi), t| (lo.min(t), hi.max(t)))
//!     .reduce(|| (u64::MAX, 0), |a, b| (a.0.min(b.0), a.1.max(b.1)));
//! assert_eq!((lo, hi), (0, 9_999));
//! // Whole records of a map, by value.
//! assert_eq!(par::records(&m).map(|t| t.price).sum::<f64>(), 5_000.0);
//! # Ok(()) }
//! ```
//!
//! A map dereferences to `&[T]`, so it also has rayon's own `par_iter()` from
//! `rayon::prelude` (items `&T`, split wherever rayon likes); [`records`] is the twin that
//! yields records by value and splits at pages.
//!
//! # Where the work is split
//!
//! A range of records is cut where a record *starts at a page boundary*: at the record `k`
//! nearest the middle of the range whose address `base + k * stride` is a multiple of the
//! [`page_size`], so that no page is read by two threads (each page is faulted in once, and
//! read-ahead of one chunk does not run into the next). Such records come every
//! `page / gcd(stride, page)` records (every 512 for 8-byte records on 4 KiB pages, every
//! 4096 for 17-byte ones). Where no record starts on a page boundary (records whose
//! power-of-two part exceeds the alignment of the first record, as 8-byte records at an odd
//! offset), the cut is at the first record that starts after the page boundary at or before
//! the middle record (the next boundary when that one is not past the range's start). A range too short to hold a cut point is not split. Shards are cut at file
//! boundaries first, then inside one file by the same rule. The number of cuts follows
//! rayon's adaptive rule (as many chunks as threads, more when work is stolen).
//!
//! This applies to what rayon drives through the iterator itself (`sum`, `fold`, `reduce`,
//! `for_each`, `collect`, and `map`/`filter`/`fold` in front of them). Adaptors that need
//! rayon's producer (`zip`, `enumerate`, `chunks`, `rev`) split where rayon asks, which is
//! still correct, only not page-aligned.
//!
//! # Results
//!
//! Every scan sees each record exactly once, so integer sums (and any associative,
//! commutative exact fold) equal the sequential ones bit for bit. Float sums do not: a
//! parallel sum adds chunk totals in another order, and float addition is not associative.
//! Both the sequential and the parallel sum of `n` values are within `γ(n-1) · Σ|xᵢ|` of the
//! exact sum (γ(k) = k·u/(1 - k·u), u = `EPSILON / 2`, the standard bound for summation in
//! any order), so they differ by at most `2 · γ(n-1) · Σ|xᵢ|`: the crate's tests check
//! `|parallel - sequential| <= 2 · n · EPSILON · Σ|xᵢ|`, which contains that bound. Sums
//! of values that are exactly representable with room to spare (integers below 2⁵³ in
//! `f64`) are exact in any order. Parallel float sums are not reproducible from run to run
//! either: rayon's adaptive splitting cuts where work is stolen, which depends on timing, so
//! two parallel sums of the same column may differ in the last bits.

use rayon::iter::plumbing::{
    Consumer, Folder, Producer, ProducerCallback, Reducer, UnindexedConsumer,
};
use rayon::iter::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator};

use crate::column::{Column, ColumnIter, FieldHandle};
use crate::element::Element;
use crate::shards::{ShardColumn, Shards};

/// The system's memory page size in bytes (`sysconf(_SC_PAGESIZE)` on Unix; 4096
/// elsewhere), the unit of the parallel scans' cuts.
pub fn page_size() -> usize {
    static PAGE: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *PAGE.get_or_init(system_page_size)
}

#[cfg(unix)]
fn system_page_size() -> usize {
    // SAFETY: `sysconf` has no preconditions; it reads a system constant.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    // A page size is a power of two; anything else (an error, -1) falls back to 4 KiB.
    match usize::try_from(size) {
        Ok(size) if size.is_power_of_two() => size,
        _ => 4096,
    }
}

#[cfg(not(unix))]
fn system_page_size() -> usize {
    4096
}

/// The cut point in `1..len` of `len` records of `stride` bytes starting at address `addr`,
/// by the rule in the [module docs](self#where-the-work-is-split); `page` is a power of two.
pub(crate) fn page_split(addr: usize, stride: usize, len: usize, page: usize) -> Option<usize> {
    if len < 2 || stride == 0 {
        return None;
    }
    let mid = len / 2;
    // gcd(stride, page) for a power-of-two page: the power-of-two part of stride, capped.
    let g = (1usize << stride.trailing_zeros().min(page.trailing_zeros())).min(page);
    // Records from one page-aligned record to the next.
    let q = page / g;
    // Record `k` is aligned when `k * stride ≡ need (mod page)`.
    let need = (page - addr % page) % page;
    let k = if need.is_multiple_of(g) {
        // `(stride / g)` is odd when `q > 1`, so it has an inverse modulo the power of two
        // `q`; Newton's iteration doubles the correct low bits each step (3, 6, ..., 96).
        let a = (stride / g) as u64;
        let mut inv = a;
        for _ in 0..5 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(a.wrapping_mul(inv)));
        }
        let q64 = q as u64;
        let k0 = ((need / g) as u64).wrapping_mul(inv) & (q64 - 1);
        // The first aligned record after record 0.
        let first = if k0 == 0 { q64 } else { k0 };
        let first = usize::try_from(first).ok()?;
        if first >= len {
            return None;
        }
        if mid <= first {
            first
        } else {
            let k = first + (mid - first + q / 2) / q * q;
            if k >= len {
                k - q
            } else {
                k
            }
        }
    } else {
        // No record starts on a page boundary: the first one after the boundary at or
        // before the middle record's start (or the next boundary, if that one is before
        // the range).
        let mid_addr = addr.checked_add(mid * stride)?;
        let mut boundary = mid_addr - mid_addr % page;
        if boundary <= addr {
            boundary += page;
        }
        (boundary - addr).div_ceil(stride)
    };
    (1..len).contains(&k).then_some(k)
}

/// A range of records that can be cut at page boundaries and folded sequentially.
trait Source: Sized + Send {
    type Item: Send;
    fn len(&self) -> usize;
    /// Where to cut, in `1..len`, or `None` to fold it whole.
    fn split_point(&self) -> Option<usize>;
    fn split_at(self, mid: usize) -> (Self, Self);
    fn fold_with<Fo: Folder<Self::Item>>(self, folder: Fo) -> Fo;
}

impl<F: Element + Send + Sync> Source for Column<'_, F> {
    type Item = F;

    fn len(&self) -> usize {
        Column::len(self)
    }

    fn split_point(&self) -> Option<usize> {
        page_split(
            self.records_addr(),
            self.stride(),
            Column::len(self),
            page_size(),
        )
    }

    fn split_at(self, mid: usize) -> (Self, Self) {
        Column::split_at(self, mid)
    }

    fn fold_with<Fo: Folder<F>>(self, folder: Fo) -> Fo {
        folder.consume_iter(self.iter())
    }
}

/// The records `start..end` (global indices) of a list of per-shard columns.
struct ShardRange<'s, 'a, F> {
    parts: &'s [Column<'a, F>],
    // `starts[k]`: the records before shard `k`; one more entry than `parts`.
    starts: &'s [usize],
    start: usize,
    end: usize,
}

impl<F> Clone for ShardRange<'_, '_, F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F> Copy for ShardRange<'_, '_, F> {}

impl<F> ShardRange<'_, '_, F> {
    /// The shard that holds global index `index < total`.
    fn shard_of(&self, index: usize) -> usize {
        crate::shards::shard_of(self.starts, index)
    }
}

impl<F: Element + Send + Sync> Source for ShardRange<'_, '_, F> {
    type Item = F;

    fn len(&self) -> usize {
        self.end - self.start
    }

    fn split_point(&self) -> Option<usize> {
        if self.len() < 2 {
            return None;
        }
        let (first, last) = (self.shard_of(self.start), self.shard_of(self.end - 1));
        if first != last {
            // A file boundary, the one nearest the middle.
            let middle = self.start + self.len() / 2;
            let boundary = self.starts[first + 1..=last]
                .iter()
                .copied()
                .min_by_key(|&b| b.abs_diff(middle))?;
            return Some(boundary - self.start);
        }
        let s = self.starts[first];
        let local = local_part(self.parts[first], self.start - s, self.end - s);
        local.split_point()
    }

    fn split_at(self, mid: usize) -> (Self, Self) {
        let mid = self.start + mid.min(self.len());
        (
            ShardRange { end: mid, ..self },
            ShardRange { start: mid, ..self },
        )
    }

    fn fold_with<Fo: Folder<F>>(self, mut folder: Fo) -> Fo {
        if self.start >= self.end {
            return folder;
        }
        let mut shard = self.shard_of(self.start);
        while shard < self.parts.len() && self.starts[shard] < self.end && !folder.full() {
            let s = self.starts[shard];
            let lo = self.start.max(s) - s;
            let hi = self.end.min(self.starts[shard + 1]) - s;
            folder = folder.consume_iter(local_part(self.parts[shard], lo, hi).iter());
            shard += 1;
        }
        folder
    }
}

/// The records `lo..hi` of one shard's column.
fn local_part<F: Element>(column: Column<'_, F>, lo: usize, hi: usize) -> Column<'_, F> {
    column.split_at(hi).0.split_at(lo).1
}

/// Drives `consumer` over `source`, cutting it by [`Source::split_point`] with rayon's
/// adaptive rule: as many cuts as threads, renewed when a half is stolen by another thread.
fn bridge_aligned<S: Source, C: Consumer<S::Item>>(source: S, consumer: C) -> C::Result {
    let splits = rayon::current_num_threads();
    bridge_helper(source, consumer, splits, false)
}

fn bridge_helper<S: Source, C: Consumer<S::Item>>(
    source: S,
    consumer: C,
    splits: usize,
    migrated: bool,
) -> C::Result {
    if consumer.full() {
        return consumer.into_folder().complete();
    }
    // rayon's own rule (its `LengthSplitter`): a stolen half gets a fresh budget, the others
    // halve theirs.
    let splits = if migrated {
        Some((splits / 2).max(rayon::current_num_threads()))
    } else if splits > 0 {
        Some(splits / 2)
    } else {
        None
    };
    // `split_point` only where a split is wanted: for shards it costs two binary searches.
    if let Some((splits, mid)) = splits.and_then(|s| source.split_point().map(|mid| (s, mid))) {
        let (left, right) = source.split_at(mid);
        let (left_c, right_c, reducer) = consumer.split_at(mid);
        let (a, b) = rayon::join_context(
            |ctx| bridge_helper(left, left_c, splits, ctx.migrated()),
            |ctx| bridge_helper(right, right_c, splits, ctx.migrated()),
        );
        reducer.reduce(a, b)
    } else {
        source.fold_with(consumer.into_folder()).complete()
    }
}

/// The parallel iterator of [`Column::par_iter`] and [`records`]: the field of each record,
/// by value, split at page-aligned records (see the [module docs](self)).
#[derive(Clone, Copy)]
pub struct ColumnParIter<'a, F> {
    column: Column<'a, F>,
}

impl<F: Element> std::fmt::Debug for ColumnParIter<'_, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ColumnParIter")
            .field("len", &self.column.len())
            .field("stride", &self.column.stride())
            .finish()
    }
}

impl<'a, F: Element> Column<'a, F> {
    /// A rayon parallel iterator over the values (indexed: `len`, `zip`, `enumerate` and
    /// `collect` work), cut at page-aligned records; see [`par`](crate::par).
    ///
    /// ```
    /// use rayon::prelude::*;
    /// use typed_memmap::{Column, FieldHandle};
    ///
    /// let values: Vec<u32> = (0..100_000).collect();
    /// let column = Column::from_slice(&values, FieldHandle::whole());
    /// assert_eq!(column.par_iter().map(u64::from).sum::<u64>(), 4_999_950_000);
    /// assert_eq!(column.par_iter().collect::<Vec<_>>(), values);
    /// ```
    pub fn par_iter(&self) -> ColumnParIter<'a, F> {
        ColumnParIter { column: *self }
    }
}

impl<'a, F: Element + Send + Sync> IntoParallelIterator for Column<'a, F> {
    type Item = F;
    type Iter = ColumnParIter<'a, F>;
    fn into_par_iter(self) -> ColumnParIter<'a, F> {
        self.par_iter()
    }
}

/// The records of a map (through its deref), an [`Array`](crate::Array) or any slice, by
/// value, as a parallel iterator cut at page-aligned records: the page-aligned twin of
/// rayon's `records.par_iter()`.
///
/// ```
/// use rayon::prelude::*;
/// let values: Vec<u64> = (1..=1000).collect();
/// assert_eq!(typed_memmap::par::records(&values).sum::<u64>(), 500_500);
/// ```
pub fn records<T: Element>(records: &[T]) -> ColumnParIter<'_, T> {
    Column::from_slice(records, FieldHandle::whole()).par_iter()
}

impl<F: Element + Send + Sync> ParallelIterator for ColumnParIter<'_, F> {
    type Item = F;

    fn drive_unindexed<C: UnindexedConsumer<F>>(self, consumer: C) -> C::Result {
        bridge_aligned(self.column, consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.column.len())
    }
}

impl<F: Element + Send + Sync> IndexedParallelIterator for ColumnParIter<'_, F> {
    fn len(&self) -> usize {
        self.column.len()
    }

    fn drive<C: Consumer<F>>(self, consumer: C) -> C::Result {
        bridge_aligned(self.column, consumer)
    }

    fn with_producer<CB: ProducerCallback<F>>(self, callback: CB) -> CB::Output {
        callback.callback(ColumnProducer {
            column: self.column,
        })
    }
}

/// The producer rayon's adaptors (`zip`, `enumerate`, ...) split where they need.
struct ColumnProducer<'a, F> {
    column: Column<'a, F>,
}

impl<'a, F: Element + Send + Sync> Producer for ColumnProducer<'a, F> {
    type Item = F;
    type IntoIter = ColumnIter<'a, F>;

    fn into_iter(self) -> ColumnIter<'a, F> {
        self.column.iter()
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        let (left, right) = self.column.split_at(index);
        (
            ColumnProducer { column: left },
            ColumnProducer { column: right },
        )
    }
}

/// The parallel iterator of [`ShardColumn::par_iter`] and [`Shards::par_iter`]: values in
/// order across the shards, cut at file boundaries first, then at page-aligned records.
///
/// Not indexed (rayon's `zip` and `enumerate` need a producer, which would have to chain
/// files); its length is exact, so `collect` into a `Vec` keeps the order.
#[derive(Clone)]
pub struct ShardColumnParIter<'a, F> {
    column: ShardColumn<'a, F>,
}

impl<F: Element> std::fmt::Debug for ShardColumnParIter<'_, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShardColumnParIter")
            .field("len", &self.column.len())
            .field("shards", &self.column.columns().len())
            .finish()
    }
}

impl<'a, F: Element> ShardColumn<'a, F> {
    /// A rayon parallel iterator over the values across the shards; see
    /// [`par`](crate::par).
    pub fn par_iter(&self) -> ShardColumnParIter<'a, F> {
        ShardColumnParIter {
            column: self.clone(),
        }
    }
}

impl<T: Element> Shards<T> {
    /// Every record across the shards, by value, as a rayon parallel iterator; see
    /// [`par`](crate::par).
    ///
    /// ```
    /// use rayon::prelude::*;
    /// use typed_memmap::{npy, Shards};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let dir = tempfile::tempdir()?;
    /// let a = dir.path().join("a.npy");
    /// let b = dir.path().join("b.npy");
    /// npy::write(&a, &(0..5000u32).collect::<Vec<_>>())?;
    /// npy::write(&b, &(5000..7000u32).collect::<Vec<_>>())?;
    /// // SAFETY: the files are private to this example; nobody writes or truncates them.
    /// let all = unsafe { Shards::<u32>::open([&a, &b])? };
    /// assert_eq!(all.par_iter().map(u64::from).sum::<u64>(), 24_496_500);
    /// # Ok(()) }
    /// ```
    pub fn par_iter(&self) -> ShardColumnParIter<'_, T> {
        self.column(FieldHandle::whole()).par_iter()
    }
}

impl<F: Element + Send + Sync> ParallelIterator for ShardColumnParIter<'_, F> {
    type Item = F;

    fn drive_unindexed<C: UnindexedConsumer<F>>(self, consumer: C) -> C::Result {
        let range = ShardRange {
            parts: self.column.columns(),
            starts: self.column.starts(),
            start: 0,
            end: self.column.len(),
        };
        // Only `Consumer::split_at` is used, never `split_off_left`: rayon's `collect` into
        // a `Vec` drives through here with an indexed consumer when `opt_len` is known.
        bridge_aligned(range, consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.column.len())
    }
}

#[cfg(test)]
mod tests {
    use super::page_split;
    use crate::column::{Column, FieldHandle};
    use rayon::prelude::*;

    /// The pointer arithmetic of the cuts, small enough for Miri: every split of an
    /// in-memory column reads each record once.
    #[test]
    fn split_columns_read_every_record_once() {
        let data: Vec<u16> = (0..700).collect();
        let column = Column::from_slice(&data, FieldHandle::whole());
        for mid in [0, 1, 350, 699, 700, 800] {
            let (left, right) = column.split_at(mid);
            assert_eq!(left.len() + right.len(), 700);
            assert!(left.iter().chain(right.iter()).eq(0..700));
        }
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "rayon's crossbeam-epoch breaks Stacked Borrows rules Miri checks"
    )]
    fn a_two_thread_sum_of_an_in_memory_column() {
        let data: Vec<u16> = (0..700).collect();
        let column = Column::from_slice(&data, FieldHandle::whole());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let sum = pool.install(|| column.par_iter().map(u64::from).sum::<u64>());
        assert_eq!(sum, 699 * 700 / 2);
    }

    /// The cut is aligned when alignment is possible, else the first record after a
    /// boundary; checked against a brute-force search on small pages.
    #[test]
    #[cfg_attr(
        miri,
        ignore = "pure arithmetic over 350 000 cases: minutes under Miri"
    )]
    fn cuts_follow_the_rule() {
        let page = 32;
        for stride in 1..=80 {
            for addr in 0..2 * page {
                for len in 0..140 {
                    let got = page_split(addr, stride, len, page);
                    let aligned: Vec<usize> = (1..len)
                        .filter(|k| (addr + k * stride) % page == 0)
                        .collect();
                    let any_aligned = (1..page + 1).any(|k| (addr + k * stride) % page == 0);
                    if let Some(k) = got {
                        assert!((1..len).contains(&k));
                    }
                    if any_aligned {
                        // The aligned record nearest the middle (ties: either neighbour).
                        let mid = len / 2;
                        let best = aligned.iter().map(|&k| k.abs_diff(mid)).min();
                        match (got, best) {
                            (Some(k), Some(d)) => {
                                assert_eq!((addr + k * stride) % page, 0, "{addr} {stride} {len}");
                                assert_eq!(k.abs_diff(mid), d, "{addr} {stride} {len} -> {k}");
                            }
                            (None, None) => {}
                            other => panic!("{addr} {stride} {len}: {other:?}"),
                        }
                    } else if let Some(k) = got {
                        // The record before the cut starts before a boundary that the cut's
                        // record starts at or after.
                        let (prev, at) = (addr + (k - 1) * stride, addr + k * stride);
                        assert!(prev / page < at / page, "{addr} {stride} {len} -> {k}");
                    }
                }
            }
        }
    }
}
