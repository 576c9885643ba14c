//! `--to npy`: the header numpy writes for the data, then the data as it lies in the input.
//!
//! The output is what `np.save(out, np.load(input))` writes: the same dtype (byte order,
//! padding and all), shape and memory order, with `fortran_order` set as numpy sets it (only
//! for an F-order array that is not also C-contiguous). A subarray dtype is folded into the
//! shape (see [`super::chunks`]). With `--fields` naming one field of an F-order array, the
//! elements are written in C order unless the field is the whole element, as numpy does for
//! `arr['a']`; several fields keep the input's order, as `repack_fields` does.

use typed_memmap::npy::write_header;
use typed_memmap::{Dtype, Field, RecordDtype};

use super::chunks::Reader;
use super::dest::Dest;
use crate::error::CliError;

/// What to write: the header and how to make the output's elements from the input's.
pub struct Plan {
    header: Vec<u8>,
    /// The byte ranges `(offset, len)` of an input element that make an output element, or
    /// `None` for the whole element.
    segments: Option<Vec<(usize, usize)>>,
    /// Whether the elements are written in C order rather than as they lie in memory.
    in_c_order: bool,
}

impl Plan {
    /// The plan for the input (or the fields in `fields`): every check before any output.
    pub fn new(reader: &Reader<'_>, fields: &[String]) -> Result<Plan, CliError> {
        let c_contiguous = reader.memory_is_c();
        let (dtype, segments) = project(reader, fields)?;
        let mut shape = reader.shape().to_vec();
        let (dtype, folded) = match dtype {
            Dtype::Subarray(base, sub) => {
                shape.extend_from_slice(&sub);
                (*base, true)
            }
            dtype => (dtype, false),
        };
        // numpy's `arr['a']` is a view with the input's element stride: unless the field is
        // the whole element, it is neither C- nor F-contiguous in an F-order array, and
        // numpy writes it in C order. So is a field's subarray, which lies inside each
        // element. (Several fields are repacked into a copy that keeps the memory order.)
        let strided_view = match (fields, &segments) {
            ([_], Some(segments)) => segments[..] != [(0, reader.dtype().itemsize())],
            _ => false,
        };
        let inside = folded || strided_view;
        let in_c_order = inside && !c_contiguous;
        let fortran = !inside && !c_contiguous;
        let header = write_header(&dtype, &shape, fortran).map_err(|e| {
            CliError::Usage(format!(
                "cannot write the dtype {} to a .npy file: {}",
                dtype.descr(),
                e.message
            ))
        })?;
        Ok(Plan {
            header,
            segments,
            in_c_order,
        })
    }

    /// Writes the `.npy` file to `dest`.
    pub fn write(&self, reader: &Reader<'_>, dest: &mut Dest) -> Result<(), CliError> {
        dest.write_all(&self.header)?;
        if self.segments.is_none() && !self.in_c_order {
            // The data as it lies in the input: a copy the kernel can make.
            if let Some(file) = dest.file()? {
                return reader.copy_data(file);
            }
        }
        let itemsize = reader.dtype().itemsize();
        let mut out = Vec::new();
        let mut copy = |bytes: &[u8], count: usize| -> Result<(), CliError> {
            let Some(segments) = &self.segments else {
                return dest.write_all(bytes);
            };
            out.clear();
            for item in bytes.chunks_exact(itemsize).take(count) {
                for &(offset, len) in segments {
                    out.extend_from_slice(&item[offset..offset + len]);
                }
            }
            dest.write_all(&out)
        };
        if self.in_c_order {
            reader.c_chunks(&mut copy)
        } else {
            reader.memory_chunks(&mut copy)
        }
    }
}

/// The output's element dtype and, when it is not the whole input element, the byte ranges
/// `(offset, len)` of the input element that make it.
type Projection = (Dtype, Option<Vec<(usize, usize)>>);

/// numpy's `arr['a']` for one field; `repack_fields(arr[['a', 'b']])` for several.
fn project(reader: &Reader<'_>, fields: &[String]) -> Result<Projection, CliError> {
    let array = reader.array();
    match fields {
        [] => Ok((reader.dtype().clone(), None)),
        [one] => {
            let f = array.field(one)?;
            let dtype = f.dtype().clone();
            let len = dtype.itemsize();
            Ok((dtype, Some(vec![(f.offset(), len)])))
        }
        many => {
            // The fields at their offsets in the input's elements, then packed.
            let Dtype::Record(selected) = super::project(reader, many)? else {
                return Err(CliError::Usage("--fields needs a record dtype".into()));
            };
            let mut segments = Vec::with_capacity(selected.fields.len());
            let mut end = 0usize;
            let fields = selected
                .fields
                .into_iter()
                .map(|f| {
                    let len = f.dtype.itemsize();
                    segments.push((f.offset, len));
                    let packed = Field { offset: end, ..f };
                    end += len;
                    packed
                })
                .collect();
            let dtype = Dtype::Record(RecordDtype {
                fields,
                itemsize: end,
            });
            Ok((dtype, Some(segments)))
        }
    }
}
