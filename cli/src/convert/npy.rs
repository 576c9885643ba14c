//! `--to npy`: the header numpy writes for the data, then the data as it lies in the input.
//!
//! The output is what `np.save(out, np.load(input))` writes: the same dtype (byte order,
//! padding and all), shape and memory order, with `fortran_order` set as numpy sets it (only
//! for an F-order array that is not also C-contiguous). A subarray dtype is folded into the
//! shape, and the elements of an F-order array whose subarray that makes non-contiguous are
//! written in C order, as numpy does.

use typed_memmap::npy::write_header;
use typed_memmap::{Dtype, Field, RecordDtype};

use super::chunks::Reader;
use super::dest::Dest;
use crate::error::CliError;

/// Writes the input (or the fields in `fields`) as a `.npy` file to `dest`.
pub fn write(reader: &Reader<'_>, fields: &[String], dest: &mut Dest) -> Result<(), CliError> {
    let array = reader.array();
    let (dtype, segments) = project(array, fields)?;
    let mut shape = array.shape().to_vec();
    let (dtype, folded) = match dtype {
        Dtype::Subarray(base, sub) => {
            shape.extend_from_slice(&sub);
            (*base, true)
        }
        dtype => (dtype, false),
    };
    // With a folded subarray, the elements of an F-order array are C-contiguous only if the
    // array's own elements are; otherwise numpy writes them in C order.
    let in_c_order = folded && !reader.memory_is_c();
    let fortran = !in_c_order && !reader.memory_is_c();
    let header = write_header(&dtype, &shape, fortran).map_err(|e| {
        CliError::Usage(format!(
            "cannot write the dtype {} to a .npy file: {}",
            dtype.descr(),
            e.message
        ))
    })?;
    dest.write_all(&header)?;
    let itemsize = array.itemsize();
    let mut out = Vec::new();
    let mut copy = |bytes: &[u8], count: usize| -> Result<(), CliError> {
        let Some(segments) = &segments else {
            return dest.write_all(bytes);
        };
        out.clear();
        for i in 0..count {
            let item = &bytes[i * itemsize..(i + 1) * itemsize];
            for &(offset, len) in segments {
                out.extend_from_slice(&item[offset..offset + len]);
            }
        }
        dest.write_all(&out)
    };
    if in_c_order {
        reader.c_chunks(&mut copy)
    } else {
        reader.memory_chunks(&mut copy)
    }
}

/// The output's element dtype and, when it is not the whole input element, the byte ranges
/// `(offset, len)` of the input element that make it.
type Projection = (Dtype, Option<Vec<(usize, usize)>>);

/// numpy's `arr['a']` for one field; `repack_fields(arr[['a', 'b']])` for several.
fn project(array: &typed_memmap::DynArray, fields: &[String]) -> Result<Projection, CliError> {
    match fields {
        [] => Ok((array.dtype().clone(), None)),
        [one] => {
            let f = array.field(one)?;
            let dtype = f.dtype().clone();
            let len = dtype.itemsize();
            Ok((dtype, Some(vec![(f.offset(), len)])))
        }
        many => {
            let mut out: Vec<Field> = Vec::with_capacity(many.len());
            let mut segments = Vec::with_capacity(many.len());
            let mut end = 0usize;
            for name in many {
                if out.iter().any(|f| &f.name == name) {
                    return Err(CliError::Usage(format!(
                        "--fields names {name:?} twice; give each field once"
                    )));
                }
                let f = array.field(name)?;
                let len = f.dtype().itemsize();
                segments.push((f.offset(), len));
                out.push(Field {
                    name: name.clone(),
                    title: None,
                    offset: end,
                    dtype: f.dtype().clone(),
                });
                end += len;
            }
            let dtype = Dtype::Record(RecordDtype {
                fields: out,
                itemsize: end,
            });
            Ok((dtype, Some(segments)))
        }
    }
}
