//! How a file's dtype differs from the element type's: the check before a typed open or an
//! append, and its words.

use std::path::Path;

use crate::dtype::{Dtype, Scalar};
use crate::error::{Error, Result};

/// `Ok` if the file's dtype `found` is the element type's `expected`; else the mismatch
/// error with the first difference.
pub(crate) fn check_dtype_of(path: &Path, expected: &Dtype, found: &Dtype) -> Result<()> {
    if expected == found {
        return Ok(());
    }
    Err(Error::DtypeMismatch {
        path: path.to_path_buf(),
        expected: expected.descr(),
        found: found.descr(),
        difference: dtype_difference(expected, found),
    })
}

/// The first difference between two dtypes, in words: `field 'b': '<f8' vs '>f8'` (the
/// element type's first, the file's second).
pub(crate) fn dtype_difference(expected: &Dtype, found: &Dtype) -> String {
    let mut context = Vec::new();
    let what = difference_at(expected, found, &mut context);
    if context.is_empty() {
        what
    } else {
        format!("{}: {what}", context.join(", "))
    }
}

fn difference_at(expected: &Dtype, found: &Dtype, context: &mut Vec<String>) -> String {
    match (expected, found) {
        (Dtype::Scalar(a), Dtype::Scalar(b)) => scalar_difference(a, b),
        (Dtype::Subarray(a, sa), Dtype::Subarray(b, sb)) => {
            if sa != sb {
                format!("subarray shape {sa:?} vs {sb:?}")
            } else {
                context.push("subarray item".to_string());
                difference_at(a, b, context)
            }
        }
        (Dtype::Record(a), Dtype::Record(b)) => {
            for (fa, fb) in a.fields.iter().zip(&b.fields) {
                if fa.name != fb.name {
                    return format!("field name {:?} vs {:?}", fa.name, fb.name);
                }
                context.push(format!("field {:?}", fa.name));
                if fa.offset != fb.offset {
                    return format!("offset {} vs {}", fa.offset, fb.offset);
                }
                if fa.title != fb.title {
                    return format!("title {:?} vs {:?}", fa.title, fb.title);
                }
                if fa.dtype != fb.dtype {
                    return difference_at(&fa.dtype, &fb.dtype, context);
                }
                context.pop();
            }
            if a.fields.len() != b.fields.len() {
                let names = |r: &crate::dtype::RecordDtype| -> Vec<String> {
                    r.fields.iter().map(|f| f.name.clone()).collect()
                };
                return format!("fields {:?} vs {:?}", names(a), names(b));
            }
            format!("itemsize {} vs {}", a.itemsize, b.itemsize)
        }
        (a, b) => format!("{} vs {}", a.descr(), b.descr()),
    }
}

fn scalar_difference(a: &Scalar, b: &Scalar) -> String {
    let (da, db) = (a.descr_str(), b.descr_str());
    if a.kind == b.kind && a.size == b.size && a.order != b.order {
        format!("byte order '{da}' vs '{db}'")
    } else {
        format!("'{da}' vs '{db}'")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtype::{ByteOrder, Field, Kind, RecordDtype};

    fn f8(order: ByteOrder) -> Dtype {
        Dtype::scalar(Kind::Float, order, 8)
    }

    fn record(fields: &[(&str, usize, Dtype)], itemsize: usize) -> Dtype {
        Dtype::Record(RecordDtype {
            fields: fields
                .iter()
                .map(|(name, offset, dtype)| Field {
                    name: (*name).to_string(),
                    title: None,
                    offset: *offset,
                    dtype: dtype.clone(),
                })
                .collect(),
            itemsize,
        })
    }

    #[test]
    fn differences_in_words() {
        let i4 = Dtype::scalar(Kind::Int, ByteOrder::Little, 4);
        let le = f8(ByteOrder::Little);
        let be = f8(ByteOrder::Big);
        let table = [
            (le.clone(), be.clone(), "byte order '<f8' vs '>f8'"),
            (le.clone(), i4.clone(), "'<f8' vs '<i4'"),
            (
                record(&[("a", 0, i4.clone()), ("b", 4, le.clone())], 12),
                record(&[("a", 0, i4.clone()), ("b", 4, be.clone())], 12),
                "field \"b\": byte order '<f8' vs '>f8'",
            ),
            (
                record(&[("a", 0, i4.clone())], 4),
                record(&[("x", 0, i4.clone())], 4),
                "field name \"a\" vs \"x\"",
            ),
            (
                record(&[("a", 0, i4.clone())], 4),
                record(&[("a", 0, i4.clone())], 8),
                "itemsize 4 vs 8",
            ),
            (
                record(&[("a", 0, i4.clone())], 12),
                record(&[("a", 0, i4.clone()), ("b", 4, le.clone())], 12),
                "fields [\"a\"] vs [\"a\", \"b\"]",
            ),
            (
                record(&[("p", 0, record(&[("x", 0, le.clone())], 8))], 8),
                record(&[("p", 0, record(&[("x", 0, be.clone())], 8))], 8),
                "field \"p\", field \"x\": byte order '<f8' vs '>f8'",
            ),
            (
                Dtype::subarray(i4.clone(), &[3]),
                Dtype::subarray(i4.clone(), &[2]),
                "subarray shape [3] vs [2]",
            ),
            (
                le.clone(),
                Dtype::subarray(le.clone(), &[2]),
                "'<f8' vs ('<f8', (2,))",
            ),
        ];
        for (a, b, want) in table {
            assert_eq!(dtype_difference(&a, &b), want);
        }
    }
}
