//! numpy-style printing of arrays (`print(arr)`). Placeholder formatting; the display issue
//! work replaces it with numpy's exact rules.

use std::fmt;

use crate::dtype::Dtype;
use crate::shape::{linear_index, Order};
use crate::value::Value;

/// Writes an array whose element bytes are `bytes` (memory order) the way numpy prints it.
pub(crate) fn fmt_array(
    f: &mut fmt::Formatter<'_>,
    bytes: &[u8],
    dtype: &Dtype,
    shape: &[usize],
    order: Order,
) -> fmt::Result {
    let size = dtype.itemsize();
    let at = |index: &[usize]| -> Option<Value> {
        let pos = linear_index(shape, order, index)?;
        Value::decode(dtype, bytes.get(pos * size..)?)
    };
    let mut index = vec![0; shape.len()];
    write_level(f, shape, &mut index, 0, &at)
}

fn write_level(
    f: &mut fmt::Formatter<'_>,
    shape: &[usize],
    index: &mut Vec<usize>,
    axis: usize,
    at: &dyn Fn(&[usize]) -> Option<Value>,
) -> fmt::Result {
    if axis == shape.len() {
        return match at(index) {
            Some(v) => write!(f, "{v:?}"),
            None => f.write_str("?"),
        };
    }
    f.write_str("[")?;
    for i in 0..shape[axis] {
        if i > 0 {
            f.write_str(" ")?;
        }
        index[axis] = i;
        write_level(f, shape, index, axis + 1, at)?;
    }
    f.write_str("]")
}
