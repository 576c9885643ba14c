//! Shapes, memory order, byte strides and n-d index arithmetic, all checked.

use std::fmt;

/// The memory order of an n-d array, numpy's `order`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Order {
    /// Row-major: the last index varies fastest (numpy's default).
    #[default]
    C,
    /// Column-major (Fortran): the first index varies fastest.
    F,
}

impl fmt::Display for Order {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Order::C => "C",
            Order::F => "F",
        })
    }
}

/// The number of elements of `shape` (1 for a 0-d shape), or `None` on overflow.
pub fn element_count(shape: &[usize]) -> Option<usize> {
    shape.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d))
}

/// The bytes an array of `shape` spans when every zero-length axis counts as length 1 (the
/// largest stride times its axis), or `None` if that is above `isize::MAX`. numpy refuses such
/// shapes even when they hold no elements (`array is too big`), and they are exactly the
/// shapes whose [`strides`] overflow, so every array this crate makes has strides.
pub(crate) fn byte_extent(shape: &[usize], itemsize: usize) -> Option<usize> {
    shape
        .iter()
        .try_fold(itemsize, |acc, &d| acc.checked_mul(d.max(1)))
        .filter(|&n| n <= isize::MAX as usize)
        .filter(|_| element_count(shape).is_some())
}

/// numpy's byte strides of a contiguous array: how many bytes to step for one step along
/// each axis. `None` if a stride overflows `usize` (then the array cannot exist either).
///
/// ```
/// use typed_memmap::{shape::strides, Order};
/// assert_eq!(strides(&[3, 4], 4, Order::C), Some(vec![16, 4]));
/// assert_eq!(strides(&[3, 4], 4, Order::F), Some(vec![4, 12]));
/// ```
pub fn strides(shape: &[usize], itemsize: usize, order: Order) -> Option<Vec<usize>> {
    let mut out = vec![0; shape.len()];
    let mut step = itemsize;
    let mut set = |axis: usize| -> Option<()> {
        out[axis] = step;
        step = step.checked_mul(shape[axis].max(1))?;
        Some(())
    };
    match order {
        Order::C => (0..shape.len()).rev().try_for_each(&mut set)?,
        Order::F => (0..shape.len()).try_for_each(&mut set)?,
    }
    Some(out)
}

/// The position in memory (counted in elements) of the element at `index`, or `None` if the
/// index has the wrong rank or is out of bounds on any axis.
///
/// ```
/// use typed_memmap::{shape::linear_index, Order};
/// assert_eq!(linear_index(&[3, 4], Order::C, &[1, 2]), Some(6));
/// assert_eq!(linear_index(&[3, 4], Order::F, &[1, 2]), Some(7));
/// assert_eq!(linear_index(&[3, 4], Order::C, &[3, 0]), None);
/// ```
// Inlined into the generic `get` of maps and arrays: a call per lookup (this crate is not
// LTO-linked into users) cost 6x on 100 000 random lookups (benches/lookup.rs).
#[inline]
pub fn linear_index(shape: &[usize], order: Order, index: &[usize]) -> Option<usize> {
    if index.len() != shape.len() || index.iter().zip(shape).any(|(&i, &d)| i >= d) {
        return None;
    }
    // In bounds on every axis, so the result is below `element_count(shape)`, which fits in
    // `usize` for every shape a map accepts; the sum cannot overflow.
    let mut pos = 0usize;
    match order {
        Order::C => {
            for (&i, &d) in index.iter().zip(shape) {
                pos = pos * d + i;
            }
        }
        Order::F => {
            for (&i, &d) in index.iter().zip(shape).rev() {
                pos = pos * d + i;
            }
        }
    }
    Some(pos)
}

/// The n-d index of the element at memory position `pos`, the inverse of [`linear_index`].
pub fn unravel(shape: &[usize], order: Order, mut pos: usize) -> Vec<usize> {
    let mut index = vec![0; shape.len()];
    let mut axis = |a: usize| {
        let d = shape[a].max(1);
        index[a] = pos % d;
        pos /= d;
    };
    match order {
        Order::C => (0..shape.len()).rev().for_each(&mut axis),
        Order::F => (0..shape.len()).for_each(&mut axis),
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(element_count(&[]), Some(1));
        assert_eq!(element_count(&[0, 5]), Some(0));
        assert_eq!(element_count(&[2, 3, 4]), Some(24));
        assert_eq!(element_count(&[usize::MAX, 2]), None);
    }

    #[test]
    fn strides_table() {
        let table: [(&[usize], usize, Order, &[usize]); 6] = [
            (&[], 8, Order::C, &[]),
            (&[5], 8, Order::C, &[8]),
            (&[5], 8, Order::F, &[8]),
            (&[2, 3, 4], 2, Order::C, &[24, 8, 2]),
            (&[2, 3, 4], 2, Order::F, &[2, 4, 12]),
            (&[0, 3], 4, Order::C, &[12, 4]),
        ];
        for (shape, itemsize, order, want) in table {
            assert_eq!(
                strides(shape, itemsize, order).unwrap(),
                want,
                "{shape:?} {order}"
            );
        }
        assert_eq!(strides(&[usize::MAX, 4], 8, Order::C), None);
    }

    #[test]
    fn index_round_trips() {
        for order in [Order::C, Order::F] {
            let shape = [2, 3, 4];
            let mut seen = [false; 24];
            for i in 0..2 {
                for j in 0..3 {
                    for k in 0..4 {
                        let pos = linear_index(&shape, order, &[i, j, k]).unwrap();
                        assert!(!seen[pos]);
                        seen[pos] = true;
                        assert_eq!(unravel(&shape, order, pos), vec![i, j, k]);
                    }
                }
            }
        }
        assert_eq!(linear_index(&[2, 3], Order::C, &[1]), None);
        assert_eq!(linear_index(&[], Order::C, &[]), Some(0));
    }
}
