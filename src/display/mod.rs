//! numpy-style printing of arrays: the text of `print(arr)` (numpy's `str(arr)`) under
//! numpy's default print options (`linewidth=75`, `threshold=1000`, `edgeitems=3`,
//! `precision=8`, `floatmode='maxprec'`, `sign='-'`).
//!
//! The rules are numpy's (`numpy/_core/arrayprint.py` and its Dragon4 float printer),
//! re-implemented here:
//!
//! - every element is formatted by one formatter built from all the elements shown (for a
//!   summarized array, only the corners that are printed), so that columns line up: integers
//!   right-aligned to the widest, booleans as ` True`/`False`, floats with a common number of
//!   digits left and right of the point;
//! - floats print the shortest digits that read back as the same value *at the element's own
//!   width* (an `f32` 0.1 prints `0.1`), at most 8 after the point; they switch to scientific
//!   notation when the largest magnitude reaches 1e8 (`f8`), 1e6 (`f4`) or 1e3 (`f2`), the
//!   smallest non-zero one is below 1e-4, or the two are more than 1000 apart; then every
//!   element shows as many mantissa digits as the longest needs;
//! - rows wrap at 75 columns, nested dimensions are separated by as many newlines as the
//!   dimensions left, and arrays of more than 1000 elements show 3 items at each end of
//!   every axis around a `...`;
//! - a 0-d array prints its element the way numpy's scalar `str` does (`1.0`, `1e+16`,
//!   `(1+2j)`), an empty array prints `[]` whatever its shape;
//! - records print as tuples with one formatter per field, subarray fields as nested lists;
//!   byte strings as Python `bytes` reprs, text as Python `str` reprs, datetimes as quoted
//!   ISO 8601 at the dtype's unit.
//!
//! # Differences from numpy
//!
//! - A generic datetime (`M8` without a unit) other than `NaT` makes numpy raise
//!   `ValueError` when printing; it prints as its tick count here.
//! - Long doubles (`f12`, `f16`, `c24`, `c32`) cannot be decoded by [`Value`]; they print as
//!   the `bytes` repr of their raw bytes (`b'\x00...'`), numpy prints their values.
//! - Unicode text is escaped with Python's `repr` rules for control, format, separator and
//!   private-use characters (see `py_repr_str` in `pyrepr.rs`); Python also escapes
//!   unassigned code points. Line wrapping counts `char`s, as Python counts code points.
//!
//! # The parts
//!
//! This file decodes the elements shown and hands them on: `format` builds one formatter per
//! dtype from them (`float` for float and complex columns and scalars, `datetime` for dates
//! and timedeltas), `digits` chooses float digits the way Dragon4 does (`half` rounds to
//! `f2`), and `layout` puts the words into nested brackets, wrapped and summarized.

use std::fmt;

use crate::dtype::Dtype;
use crate::shape::{element_count, linear_index, Order};
use crate::value::Value;

mod datetime;
mod digits;
mod float;
mod format;
mod half;
mod layout;

use format::{scalar_str, Context, Format};
use layout::{advance, shown_indices, Grid};

/// numpy's `linewidth`.
const LINE_WIDTH: usize = 75;
/// numpy's `threshold`: arrays with more elements than this are summarized.
const THRESHOLD: usize = 1000;
/// numpy's `edgeitems`: items kept at each end of a summarized axis.
const EDGE_ITEMS: usize = 3;
/// numpy's `precision`: at most this many digits after the point (mantissa digits in
/// scientific notation).
const PRECISION: usize = 8;

/// Writes an array whose element bytes are `bytes` (memory order) the way numpy prints it.
pub(crate) fn fmt_array(
    f: &mut fmt::Formatter<'_>,
    bytes: &[u8],
    dtype: &Dtype,
    shape: &[usize],
    order: Order,
) -> fmt::Result {
    match array_to_string(bytes, dtype, shape, order) {
        Some(text) => f.write_str(&text),
        // The maps and arrays always hold their whole shape; say so rather than fail the
        // formatter (which would make `to_string` panic).
        None => write!(
            f,
            "<{} bytes do not hold an array of shape {shape:?} and dtype {dtype}>",
            bytes.len()
        ),
    }
}

/// The text of `print(arr)`, or `None` if `bytes` is too short for the shape.
fn array_to_string(bytes: &[u8], dtype: &Dtype, shape: &[usize], order: Order) -> Option<String> {
    let itemsize = dtype.itemsize();
    // numpy treats an array of subarrays as one array with the subarray axes appended.
    let (base, full_shape, inner) = match dtype {
        Dtype::Subarray(base, sub) => {
            let mut full = shape.to_vec();
            full.extend_from_slice(sub);
            (&**base, full, sub.len())
        }
        d => (d, shape.to_vec(), 0),
    };
    if full_shape.is_empty() {
        let value = Value::decode(dtype, bytes)?;
        return Some(scalar_str(dtype, &value));
    }
    if element_count(&full_shape)? == 0 {
        return Some("[]".to_string());
    }
    let outer_rank = shape.len();
    let base_size = base.itemsize();
    let summarize = element_count(&full_shape)? > THRESHOLD;
    let shown: Vec<Vec<usize>> = full_shape
        .iter()
        .map(|&n| shown_indices(n, summarize))
        .collect();

    // Decode the shown elements in C order of the shown grid.
    let mut values = Vec::new();
    let mut index = vec![0usize; full_shape.len()];
    let mut pos = vec![0usize; full_shape.len()];
    loop {
        for (axis, &p) in pos.iter().enumerate() {
            index[axis] = shown[axis][p];
        }
        let outer = linear_index(shape, order, &index[..outer_rank])?;
        let inner_pos = if inner == 0 {
            0
        } else {
            linear_index(&full_shape[outer_rank..], Order::C, &index[outer_rank..])?
        };
        let start = outer
            .checked_mul(itemsize)?
            .checked_add(inner_pos * base_size)?;
        values.push(Value::decode(base, bytes.get(start..)?)?);
        if !advance(&mut pos, &shown) {
            break;
        }
    }

    let refs: Vec<&Value> = values.iter().collect();
    let format = Format::build(base, &refs, Context::ARRAY);
    let words: Vec<String> = values.iter().map(|v| format.apply(v)).collect();
    let grid = Grid {
        words: &words,
        dims: shown.iter().map(Vec::len).collect(),
        summarized: full_shape
            .iter()
            .map(|&n| summarize && n > 2 * EDGE_ITEMS)
            .collect(),
    };
    Some(grid.render(0, 0, 1, LINE_WIDTH))
}

#[cfg(test)]
/// Exhaustive loops over half values take every value natively, a sample under Miri.
const MIRI_STEP: usize = if cfg!(miri) { 211 } else { 1 };
