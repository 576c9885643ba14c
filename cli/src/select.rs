//! Selections of `show`: rows along axis 0 (`--head`, `--tail`, `--slice` with Python's
//! rules) and fields (`--fields`), made into an array the library prints like numpy.
//!
//! Only what numpy would print is copied: past numpy's threshold of 1000 elements, each long
//! axis keeps its three first and three last items plus filler, as many as keep the total
//! over the threshold, so the printed text is the same as for the whole selection.

use typed_memmap::{Dtype, DynArray, Field, Order, RecordDtype};

use crate::error::CliError;

/// numpy's print threshold and edge items.
const THRESHOLD: usize = 1000;
const EDGE: usize = 3;

/// A Python slice `start:stop:step`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PySlice {
    start: Option<i128>,
    stop: Option<i128>,
    step: Option<i128>,
}

impl PySlice {
    /// Parses `START:STOP[:STEP]`, each part optional, negatives counting from the end.
    pub fn parse(text: &str) -> Result<PySlice, CliError> {
        let bad = |why: &str| {
            CliError::Usage(format!(
                "bad --slice {text:?}: {why}; give START:STOP[:STEP] as in Python, e.g. 10:20, \
                 -5:, ::-1"
            ))
        };
        let parts: Vec<&str> = text.split(':').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(bad("it needs one or two colons"));
        }
        let num = |p: &str| -> Result<Option<i128>, CliError> {
            let p = p.trim();
            if p.is_empty() {
                return Ok(None);
            }
            p.parse::<i128>()
                .map(Some)
                .map_err(|_| bad(&format!("{p:?} is not an integer")))
        };
        let slice = PySlice {
            start: num(parts[0])?,
            stop: num(parts[1])?,
            step: match parts.get(2) {
                Some(p) => num(p)?,
                None => None,
            },
        };
        if slice.step == Some(0) {
            return Err(bad("the step cannot be zero"));
        }
        Ok(slice)
    }

    /// Python's `slice.indices(len)`: the first index, the step and the count.
    pub fn resolve(&self, len: usize) -> (i128, i128, usize) {
        let len = len as i128;
        let step = self.step.unwrap_or(1);
        let (lower, upper) = if step > 0 { (0, len) } else { (-1, len - 1) };
        let clamp = |v: Option<i128>, default: i128| match v {
            None => default,
            Some(v) if v < 0 => (v + len).max(lower),
            Some(v) => v.min(upper),
        };
        let start = clamp(self.start, if step > 0 { lower } else { upper });
        let stop = clamp(self.stop, if step > 0 { upper } else { lower });
        let count = if step > 0 && start < stop {
            (stop - start - 1) / step + 1
        } else if step < 0 && stop < start {
            (start - stop - 1) / (-step) + 1
        } else {
            0
        };
        (start, step, count as usize)
    }
}

/// Which rows of axis 0.
#[derive(Clone, Copy, Debug)]
pub enum Rows {
    /// `arr[:n]`.
    Head(usize),
    /// The last `n` rows (`arr[len-n:]`; `--tail 0` is empty, unlike Python's `arr[-0:]`).
    Tail(usize),
    /// `arr[start:stop:step]`.
    Slice(PySlice),
}

impl Rows {
    /// The first row, the step and the count over an axis of `len`.
    fn resolve(&self, len: usize) -> (i128, i128, usize) {
        match *self {
            Rows::Head(n) => (0, 1, n.min(len)),
            Rows::Tail(n) => {
                let n = n.min(len);
                ((len - n) as i128, 1, n)
            }
            Rows::Slice(s) => s.resolve(len),
        }
    }
}

/// The array of the selection: `arr[rows][fields]` in numpy's terms (one field name gives
/// `arr['a']`, several give `arr[['a', 'b']]`, which keeps the fields' offsets in the record).
pub fn select(
    array: &DynArray,
    rows: Option<Rows>,
    fields: &[String],
) -> Result<DynArray, CliError> {
    // The element dtype after projection, and where its bytes start in a whole element.
    let (dtype, offset) = project(array, fields)?;
    let shape = array.shape();
    if rows.is_some() && shape.is_empty() {
        return Err(CliError::Usage(
            "the array is 0-d: it has no rows to select; drop --head, --tail and --slice".into(),
        ));
    }
    let (first, step, count) = match rows {
        Some(r) => r.resolve(shape[0]),
        None => (0, 1, shape.first().copied().unwrap_or(1)),
    };
    let mut out_shape = shape.to_vec();
    if let Some(axis0) = out_shape.first_mut() {
        *axis0 = count;
    }
    // numpy folds a subarray dtype into the shape when it decides to summarize.
    let sub: usize = match &dtype {
        Dtype::Subarray(_, s) => s.iter().product(),
        _ => 1,
    };
    let total = out_shape.iter().product::<usize>().saturating_mul(sub);
    let kept = kept_lengths(&out_shape, sub, total > THRESHOLD);
    let size = dtype.itemsize();
    let kept_count: usize = kept.iter().product();
    let mut bytes = Vec::with_capacity(kept_count.saturating_mul(size));
    let mut pos = vec![0usize; kept.len()];
    let mut index = vec![0usize; kept.len()];
    for _ in 0..kept_count {
        for axis in 0..kept.len() {
            let i = source_index(pos[axis], kept[axis], out_shape[axis]);
            index[axis] = if axis == 0 && !shape.is_empty() {
                // Within bounds: `resolve` keeps every selected row inside the axis.
                (first + step * i as i128) as usize
            } else {
                i
            };
        }
        let item = array
            .item_bytes(&index)
            .and_then(|b| b.get(offset..offset + size))
            .ok_or_else(|| CliError::Usage(format!("index {index:?} is out of bounds")))?;
        bytes.extend_from_slice(item);
        for axis in (0..kept.len()).rev() {
            pos[axis] += 1;
            if pos[axis] < kept[axis] {
                break;
            }
            pos[axis] = 0;
        }
    }
    DynArray::from_bytes(dtype, kept, Order::C, &bytes)
        .ok_or_else(|| CliError::Usage("the selection does not fill its shape".into()))
}

/// How many items of each axis to copy: all of them below the threshold; else three at each
/// end of every long axis, with filler items added until the total passes the threshold
/// again (so numpy's summarization, and thus the printed text, stays the same).
fn kept_lengths(shape: &[usize], sub: usize, summarize: bool) -> Vec<usize> {
    if !summarize {
        return shape.to_vec();
    }
    let mut kept: Vec<usize> = shape
        .iter()
        .map(|&n| if n > 2 * EDGE { 2 * EDGE + 1 } else { n })
        .collect();
    for axis in 0..kept.len() {
        let total = kept.iter().product::<usize>().saturating_mul(sub);
        if total > THRESHOLD {
            break;
        }
        let others = (total / kept[axis].max(1)).max(1);
        let need = (THRESHOLD + 1).div_ceil(others);
        kept[axis] = shape[axis].min(kept[axis].max(need));
    }
    kept
}

/// The item of an axis of `len` that position `p` of `kept` items stands for: the first and
/// last three are the axis's own ends, the rest is filler (item 3).
fn source_index(p: usize, kept: usize, len: usize) -> usize {
    if kept == len || p < EDGE {
        p
    } else if p + EDGE >= kept {
        len - (kept - p)
    } else {
        EDGE
    }
}

/// The dtype of the selected fields and the offset of its bytes in an element.
fn project(array: &DynArray, fields: &[String]) -> Result<(Dtype, usize), CliError> {
    match fields {
        [] => Ok((array.dtype().clone(), 0)),
        [one] => {
            let f = array.field(one)?;
            Ok((f.dtype().clone(), f.offset()))
        }
        many => {
            let mut out = Vec::with_capacity(many.len());
            for name in many {
                if out.iter().any(|f: &Field| &f.name == name) {
                    return Err(CliError::Usage(format!(
                        "--fields names {name:?} twice; give each field once"
                    )));
                }
                let f = array.field(name)?;
                out.push(Field {
                    name: name.clone(),
                    title: None,
                    offset: f.offset(),
                    dtype: f.dtype().clone(),
                });
            }
            let dtype = Dtype::Record(RecordDtype {
                fields: out,
                itemsize: array.itemsize(),
            });
            Ok((dtype, 0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_resolve_as_python() {
        let r = |t: &str, n| PySlice::parse(t).unwrap().resolve(n);
        assert_eq!(r("2:5", 10), (2, 1, 3));
        assert_eq!(r("-3:", 10), (7, 1, 3));
        assert_eq!(r("::-1", 4), (3, -1, 4));
        assert_eq!(r("::-3", 10), (9, -3, 4));
        assert_eq!(r("5:2", 10), (5, 1, 0));
        assert_eq!(r("-100:100:7", 10), (0, 7, 2));
        assert_eq!(r("8:-100:-2", 10), (8, -2, 5));
        assert!(PySlice::parse("1:2:0").is_err());
        assert!(PySlice::parse("5").is_err());
        assert!(PySlice::parse("a:b").is_err());
    }

    #[test]
    fn kept_lengths_stay_over_the_threshold() {
        assert_eq!(kept_lengths(&[10], 1, false), [10]);
        assert_eq!(kept_lengths(&[5000], 1, true), [1001]);
        assert_eq!(kept_lengths(&[5000, 4], 1, true), [251, 4]);
        assert_eq!(kept_lengths(&[2, 1000], 1, true), [2, 501]);
        assert_eq!(kept_lengths(&[100, 100], 1, true), [100, 11]);
    }
}
