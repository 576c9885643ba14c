//! The passes of `stats` over a chunk of whole records, one monomorphised loop per
//! (value type, byte order).
//!
//! Pass 1 gathers counts, extremes and the sum; pass 2, over the same chunk while it is still
//! in cache, the squared deviations from the chunk's mean. Chunks merge with Chan et al.'s
//! formula. Values are shifted by one value of the field (`Leaf::shift`) before summing, so a
//! field far from zero relative to its spread (nanosecond timestamps: 1.7e18 apart by 1e3)
//! keeps its chunk means exact enough to merge: without the shift each chunk mean is only
//! good to a unit in the last place of 1.7e18, which moves `std` at 1e-10.
//!
//! Float sums keep four accumulators, fed by four records in turn, so consecutive adds do not
//! wait on each other.

use super::num::{BinFloat, Flag, Half, Num};

/// The numeric kinds `stats` summarises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumKind {
    Bool,
    Int,
    UInt,
    Float,
}

/// How to read one numeric field out of a record.
#[derive(Clone, Debug)]
pub struct Leaf {
    /// Dotted name (`""` for an array that is not a record).
    pub name: String,
    /// Offset in the record of the first element.
    pub offset: usize,
    /// Elements per record (the subarray's size, 1 for a scalar).
    pub count: usize,
    pub kind: NumKind,
    /// Bytes per element.
    pub size: usize,
    pub big_endian: bool,
    /// Subtracted from every value (as float64) before summing: a value of the field, so the
    /// sums stay near the spread of the data (see the module docs).
    pub shift: f64,
}

/// The partial statistics of some values of one field.
#[derive(Clone, Copy, Debug)]
pub struct Part {
    /// Values seen (NaN included).
    pub n: u64,
    pub nan: u64,
    pub zero: u64,
    /// NaN-skipping extremes of float fields, as float64 (exact for every float dtype).
    pub min: f64,
    pub max: f64,
    /// Exact extremes of integer and boolean fields.
    pub imin: i128,
    pub imax: i128,
    /// Mean of the shifted values and the sum of their squared deviations from it (NaN when
    /// a value is NaN).
    pub mean: f64,
    pub m2: f64,
}

impl Part {
    pub const EMPTY: Part = Part {
        n: 0,
        nan: 0,
        zero: 0,
        min: f64::INFINITY,
        max: f64::NEG_INFINITY,
        imin: i128::MAX,
        imax: i128::MIN,
        mean: 0.0,
        m2: 0.0,
    };

    /// Values that are not NaN.
    pub fn n_real(&self) -> u64 {
        self.n - self.nan
    }

    /// Chan et al.'s combination of two partial results.
    pub fn merge(self, o: Part) -> Part {
        if self.n == 0 {
            return o;
        }
        if o.n == 0 {
            return self;
        }
        let n = self.n + o.n;
        let (na, nb, nf) = (self.n as f64, o.n as f64, n as f64);
        let delta = o.mean - self.mean;
        let mean = self.mean + delta * (nb / nf);
        let m2 = self.m2 + o.m2 + delta * delta * (na * nb / nf);
        Part {
            n,
            nan: self.nan + o.nan,
            zero: self.zero + o.zero,
            min: self.min.min(o.min),
            max: self.max.max(o.max),
            imin: self.imin.min(o.imin),
            imax: self.imax.max(o.imax),
            mean,
            m2,
        }
    }
}

/// Calls `$f::<T, BIG>($args)` with `T` the Rust type of `$leaf`'s values and `BIG` its byte
/// order: the one place that matches on the dtype, once per chunk.
macro_rules! dispatch {
    ($leaf:expr, $f:ident($($arg:expr),*)) => {{
        let l: &Leaf = $leaf;
        macro_rules! go {
            ($T:ty) => {
                if l.big_endian {
                    $f::<$T, true>($($arg),*)
                } else {
                    $f::<$T, false>($($arg),*)
                }
            };
        }
        match (l.kind, l.size) {
            (NumKind::Bool, _) => go!(Flag),
            (NumKind::Int, 1) => go!(i8),
            (NumKind::Int, 2) => go!(i16),
            (NumKind::Int, 4) => go!(i32),
            (NumKind::Int, _) => go!(i64),
            (NumKind::UInt, 1) => go!(u8),
            (NumKind::UInt, 2) => go!(u16),
            (NumKind::UInt, 4) => go!(u32),
            (NumKind::UInt, _) => go!(u64),
            (NumKind::Float, 2) => go!(Half),
            (NumKind::Float, 4) => go!(f32),
            (NumKind::Float, _) => go!(f64),
        }
    }};
}

/// What a pass does with each value. `lane` (0 to 3, a constant after inlining) says which
/// of four accumulators of a float sum to use, so consecutive adds do not wait on each other;
/// the other state (extremes, counts) is one, which keeps it all in registers.
trait Visit<T: Copy> {
    fn visit(&mut self, lane: usize, v: T);

    /// Four values, one per lane.
    #[inline(always)]
    fn visit4(&mut self, v: [T; 4]) {
        self.visit(0, v[0]);
        self.visit(1, v[1]);
        self.visit(2, v[2]);
        self.visit(3, v[3]);
    }
}

/// Feeds every value of the field at `off` (`count` elements) in the records of `chunk` to
/// `acc`, four values in turn to the four lanes.
#[inline(always)]
fn scan<T: Num, const BIG: bool, V: Visit<T>>(
    chunk: &[u8],
    itemsize: usize,
    off: usize,
    count: usize,
    acc: &mut V,
) {
    if count == 1 {
        let mut quads = chunk.chunks_exact(4 * itemsize);
        for q in &mut quads {
            acc.visit4([
                T::read::<BIG>(&q[off..]),
                T::read::<BIG>(&q[itemsize + off..]),
                T::read::<BIG>(&q[2 * itemsize + off..]),
                T::read::<BIG>(&q[3 * itemsize + off..]),
            ]);
        }
        for r in quads.remainder().chunks_exact(itemsize) {
            acc.visit(0, T::read::<BIG>(&r[off..]));
        }
    } else {
        let size = T::SIZE;
        for r in chunk.chunks_exact(itemsize) {
            let values = &r[off..off + count * size];
            let mut quads = values.chunks_exact(4 * size);
            for q in &mut quads {
                acc.visit4([
                    T::read::<BIG>(q),
                    T::read::<BIG>(&q[size..]),
                    T::read::<BIG>(&q[2 * size..]),
                    T::read::<BIG>(&q[3 * size..]),
                ]);
            }
            for v in quads.remainder().chunks_exact(size) {
                acc.visit(0, T::read::<BIG>(v));
            }
        }
    }
}

/// Pass 1: sum of shifted values, extremes, NaN and zero counts.
struct Sums<T> {
    shift: f64,
    sum: [f64; 4],
    min: T,
    max: T,
    nan: u64,
    zero: u64,
}

impl<T: Num> Visit<T> for Sums<T> {
    #[inline(always)]
    fn visit(&mut self, lane: usize, v: T) {
        self.sum[lane] += v.f() - self.shift;
        self.min = v.min_of(self.min);
        self.max = v.max_of(self.max);
        self.nan += u64::from(v.is_nan());
        self.zero += u64::from(v.is_zero());
    }

    /// The extremes of the four values first, then one update of the running extremes: the
    /// compiler turns a running extreme (a loop-carried select) into a branch, which on a
    /// field of few distinct values (a 0/1 flag) meets the extreme half the time and
    /// mispredicts, twice the time per value; the extreme of four equals it far more often.
    #[inline(always)]
    fn visit4(&mut self, v: [T; 4]) {
        for (lane, &x) in v.iter().enumerate() {
            self.sum[lane] += x.f() - self.shift;
            self.nan += u64::from(x.is_nan());
            self.zero += u64::from(x.is_zero());
        }
        let lo = v[0].min_of(v[1]).min_of(v[2].min_of(v[3]));
        let hi = v[0].max_of(v[1]).max_of(v[2].max_of(v[3]));
        self.min = lo.min_of(self.min);
        self.max = hi.max_of(self.max);
    }
}

/// Pass 2: squared deviations of the shifted values from their mean.
struct Squares {
    shift: f64,
    mean: f64,
    m2: [f64; 4],
}

impl<T: Num> Visit<T> for Squares {
    #[inline(always)]
    fn visit(&mut self, lane: usize, v: T) {
        let d = (v.f() - self.shift) - self.mean;
        self.m2[lane] += d * d;
    }
}

/// The statistics of `leaf` over the whole records in `chunk`.
pub fn chunk_part(leaf: &Leaf, chunk: &[u8], itemsize: usize) -> Part {
    dispatch!(leaf, part_of(leaf, chunk, itemsize))
}

fn part_of<T: Num, const BIG: bool>(leaf: &Leaf, chunk: &[u8], itemsize: usize) -> Part {
    let n = (chunk.len() / itemsize * leaf.count) as u64;
    if n == 0 {
        return Part::EMPTY;
    }
    let mut acc = Sums {
        shift: leaf.shift,
        sum: [0.0; 4],
        min: T::HIGH,
        max: T::LOW,
        nan: 0,
        zero: 0,
    };
    scan::<T, BIG, _>(chunk, itemsize, leaf.offset, leaf.count, &mut acc);
    let mut p = Part::EMPTY;
    p.n = n;
    p.nan = acc.nan;
    p.zero = acc.zero;
    if T::INT {
        p.imin = acc.min.i();
        p.imax = acc.max.i();
    } else {
        // NaN never wins a comparison: a chunk of only NaN keeps +-inf, which merging drops.
        p.min = acc.min.f();
        p.max = acc.max.f();
    }
    let s = acc.sum;
    p.mean = ((s[0] + s[1]) + (s[2] + s[3])) / n as f64;
    if p.mean.is_nan() {
        // A NaN (or inf - inf) makes the mean and std NaN whatever the other values are.
        p.m2 = f64::NAN;
        return p;
    }
    let mut acc = Squares {
        shift: leaf.shift,
        mean: p.mean,
        m2: [0.0; 4],
    };
    scan::<T, BIG, _>(chunk, itemsize, leaf.offset, leaf.count, &mut acc);
    let m = acc.m2;
    p.m2 = (m[0] + m[1]) + (m[2] + m[3]);
    p
}

/// The first value of `leaf` in `records` as float64, or 0 when there is none or it is not
/// finite: the shift of the sums.
pub fn first_value(leaf: &Leaf, records: &[u8]) -> f64 {
    let x = match records.get(leaf.offset..leaf.offset + leaf.size) {
        Some(b) if leaf.count > 0 => dispatch!(leaf, value_of(b)),
        _ => 0.0,
    };
    if x.is_finite() {
        x
    } else {
        0.0
    }
}

fn value_of<T: Num, const BIG: bool>(b: &[u8]) -> f64 {
    T::read::<BIG>(b).f()
}

/// The smallest and largest finite values of a float `leaf` in `chunk` (for the histogram's
/// range when the field holds infinities).
pub fn chunk_finite_range(leaf: &Leaf, chunk: &[u8], itemsize: usize) -> (f64, f64) {
    dispatch!(leaf, finite_range_of(leaf, chunk, itemsize))
}

struct Finite {
    min: f64,
    max: f64,
}

impl<T: Num> Visit<T> for Finite {
    #[inline(always)]
    fn visit(&mut self, _lane: usize, v: T) {
        let x = v.f();
        if x.is_finite() {
            self.min = self.min.min(x);
            self.max = self.max.max(x);
        }
    }
}

fn finite_range_of<T: Num, const BIG: bool>(
    leaf: &Leaf,
    chunk: &[u8],
    itemsize: usize,
) -> (f64, f64) {
    let mut acc = Finite {
        min: f64::INFINITY,
        max: f64::NEG_INFINITY,
    };
    scan::<T, BIG, _>(chunk, itemsize, leaf.offset, leaf.count, &mut acc);
    (acc.min, acc.max)
}

/// numpy's uniform histogram bins, every number a value of the field's bin type (see
/// [`super::hist`]).
#[derive(Clone, Debug)]
pub struct Bins {
    pub edges: Vec<f64>,
    pub first: f64,
    /// `last_edge - first_edge` as numpy's `norm_denom`.
    pub denom: f64,
}

/// The histogram counts of `leaf`'s finite values in `chunk`, numpy's way.
pub fn chunk_hist(leaf: &Leaf, chunk: &[u8], itemsize: usize, bins: &Bins) -> Vec<u64> {
    dispatch!(leaf, hist_of(leaf, chunk, itemsize, bins))
}

struct Counter<B> {
    edges: Vec<B>,
    first: B,
    denom: B,
    nbins: B,
    counts: Vec<u64>,
}

impl<T: Num> Visit<T> for Counter<T::Bin> {
    #[inline(always)]
    fn visit(&mut self, _lane: usize, v: T) {
        if !v.f().is_finite() {
            return;
        }
        let x = v.bin();
        let bins = self.counts.len();
        // numpy: the computed bin, the last edge in the last bin, then corrected by one
        // against the edges themselves.
        let f = x.sub(self.first).div(self.denom).mul(self.nbins).to_f64();
        let mut i = (f as usize).min(bins - 1);
        if i > 0 && x < self.edges[i] {
            i -= 1;
        } else if i + 1 < bins && x >= self.edges[i + 1] {
            i += 1;
        }
        self.counts[i] += 1;
    }
}

fn hist_of<T: Num, const BIG: bool>(
    leaf: &Leaf,
    chunk: &[u8],
    itemsize: usize,
    bins: &Bins,
) -> Vec<u64> {
    let edges: Vec<T::Bin> = bins.edges.iter().map(|&e| T::Bin::of(e)).collect();
    let nbins = edges.len() - 1;
    let mut acc = Counter::<T::Bin> {
        edges,
        first: T::Bin::of(bins.first),
        denom: T::Bin::of(bins.denom),
        nbins: T::Bin::of(nbins as f64),
        counts: vec![0; nbins],
    };
    scan::<T, BIG, _>(chunk, itemsize, leaf.offset, leaf.count, &mut acc);
    acc.counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(shift: f64) -> Leaf {
        Leaf {
            name: String::new(),
            offset: 0,
            count: 1,
            kind: NumKind::Float,
            size: 8,
            big_endian: false,
            shift,
        }
    }

    #[test]
    fn merging_parts_equals_one_pass() {
        let xs: Vec<f64> = (0..1000)
            .map(|i| (i as f64 * 0.37).sin() * 1e3 + 5.0)
            .collect();
        let bytes: Vec<u8> = xs.iter().flat_map(|x| x.to_le_bytes()).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / xs.len() as f64;
        for shift in [0.0, xs[0]] {
            let l = leaf(shift);
            let whole = chunk_part(&l, &bytes, 8);
            let split =
                chunk_part(&l, &bytes[..8 * 333], 8).merge(chunk_part(&l, &bytes[8 * 333..], 8));
            for p in [whole, split] {
                assert!((p.mean + shift - mean).abs() <= 1e-12 * mean.abs());
                assert!((p.m2 / p.n as f64 - var).abs() <= 1e-12 * var);
                assert_eq!(p.min, xs.iter().copied().fold(f64::INFINITY, f64::min));
            }
        }
    }

    #[test]
    fn byte_orders_and_subarrays_read_the_same_values() {
        let xs: Vec<i32> = vec![-7, 0, i32::MAX, i32::MIN, 5, 0];
        let le: Vec<u8> = xs.iter().flat_map(|x| x.to_le_bytes()).collect();
        let be: Vec<u8> = xs.iter().flat_map(|x| x.to_be_bytes()).collect();
        let mut l = Leaf {
            name: "x".into(),
            offset: 0,
            count: 1,
            kind: NumKind::Int,
            size: 4,
            big_endian: false,
            shift: 0.0,
        };
        let a = chunk_part(&l, &le, 4);
        l.big_endian = true;
        let b = chunk_part(&l, &be, 4);
        // The same six values as one record of a (6,) subarray.
        l.count = 6;
        let c = chunk_part(&l, &be, 24);
        for p in [a, b, c] {
            assert_eq!((p.n, p.zero, p.nan), (6, 2, 0));
            assert_eq!((p.imin, p.imax), (i32::MIN.into(), i32::MAX.into()));
            assert_eq!(p.mean, (-7.0 + 5.0 - 1.0) / 6.0);
        }
    }
}
