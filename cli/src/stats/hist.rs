//! The bins of `--hist`: numpy's `np.histogram(x[np.isfinite(x)], bins)`, computed in the
//! type numpy computes them in (`bin_edges.dtype`: float64 for integers, booleans and `f8`;
//! float32 for `f4`; half for `f2`), so values on an edge fall in the same bin as in numpy.
//!
//! NaN and infinities are not counted (numpy refuses to histogram them without a range).

use super::kernel::{Bins, Leaf, NumKind, Part};
use super::num::{BinFloat, Half};

/// The range the bins span: the extremes of the finite values.
#[derive(Clone, Copy, Debug)]
pub enum Range {
    /// No finite value: numpy's default range [0, 1].
    Empty,
    /// Exact integer extremes.
    Int(i128, i128),
    /// Float extremes (values of the field's dtype).
    Float(f64, f64),
}

/// The range of `leaf`'s finite values, given its statistics and, when its extremes are
/// infinite, the finite extremes found by another pass.
pub fn range(leaf: &Leaf, p: &Part, finite: Option<(f64, f64)>) -> Range {
    if leaf.kind != NumKind::Float {
        return if p.n == 0 {
            Range::Empty
        } else {
            Range::Int(p.imin, p.imax)
        };
    }
    let (lo, hi) = finite.unwrap_or((p.min, p.max));
    if lo.is_finite() && hi.is_finite() {
        Range::Float(lo, hi)
    } else {
        Range::Empty
    }
}

/// numpy's bins for `range` in the bin type of `leaf`.
pub fn bins(leaf: &Leaf, range: Range, nbins: usize) -> Bins {
    match (leaf.kind, leaf.size) {
        (NumKind::Float, 2) => bins_in::<Half>(range, nbins),
        (NumKind::Float, 4) => bins_in::<f32>(range, nbins),
        _ => bins_in::<f64>(range, nbins),
    }
}

fn bins_in<B: BinFloat>(range: Range, nbins: usize) -> Bins {
    // numpy's `_get_outer_edges` (a single value widens to +-0.5) and `norm_denom`.
    let (first, last, denom) = match range {
        Range::Empty => {
            // `linspace(0, 1)` of Python ints runs in float64 and is cast at the end.
            let edges = (0..=nbins)
                .map(|i| B::of(linspace_f64(0.0, 1.0, nbins, i)).to_f64())
                .collect();
            return Bins {
                edges,
                first: 0.0,
                denom: 1.0,
            };
        }
        Range::Int(a, b) if a == b => {
            let first = (a as f64) - 0.5;
            let last = (b as f64) + 0.5;
            (B::of(first), B::of(last), B::of(last - first))
        }
        // The integer difference is exact (numpy's unsigned subtraction), then rounded.
        Range::Int(a, b) => (
            B::of(a as f64),
            B::of(b as f64),
            B::of(b.abs_diff(a) as f64),
        ),
        Range::Float(a, b) => {
            let (mut first, mut last) = (B::of(a), B::of(b));
            if first == last {
                first = first.sub(B::of(0.5));
                last = last.add(B::of(0.5));
            }
            (first, last, last.sub(first))
        }
    };
    // numpy's `linspace(first, last, nbins + 1)` in B: `i * step + first`, the last edge
    // set to `last`, and `i / div * delta` when the step underflows to zero.
    let div = B::of(nbins as f64);
    let delta = last.sub(first);
    let step = delta.div(div);
    let zero = B::of(0.0);
    let mut edges: Vec<f64> = (0..=nbins)
        .map(|i| {
            let i = B::of(i as f64);
            let y = if step == zero {
                i.div(div).mul(delta)
            } else {
                i.mul(step)
            };
            y.add(first).to_f64()
        })
        .collect();
    edges[nbins] = last.to_f64();
    Bins {
        edges,
        first: first.to_f64(),
        denom: denom.to_f64(),
    }
}

/// Edge `i` of `np.linspace(a, b, n + 1)` in float64.
fn linspace_f64(a: f64, b: f64, n: usize, i: usize) -> f64 {
    if i == n {
        b
    } else {
        i as f64 * ((b - a) / n as f64) + a
    }
}
