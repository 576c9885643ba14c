//! `--to jsonl`: one JSON value per line and item of axis 0, the values `tmm follow --json`
//! prints (see the table in `crate::json`): an object per record, fields in dtype order; a
//! number, string or list for other dtypes; for an n-d array, each item of axis 0 as nested
//! lists. JSON has no NaN or infinity: they are the strings `"nan"`, `"inf"`, `"-inf"`.

use typed_memmap::{Dtype, Value};

use super::chunks::Reader;
use super::dest::Dest;
use crate::error::CliError;

/// Writes the elements of `dtype` (the array's dtype or a projection of it) as JSON lines.
pub fn write(reader: &Reader<'_>, dtype: &Dtype, dest: &mut Dest) -> Result<(), CliError> {
    let inner = reader.shape().get(1..).unwrap_or(&[]).to_vec();
    let per_row: usize = inner.iter().product();
    if per_row == 0 {
        let empty = crate::json::value(&Value::Array(inner, Vec::new())).to_string();
        for _ in 0..reader.shape().first().copied().unwrap_or(1) {
            dest.write_all(empty.as_bytes())?;
            dest.write_all(b"\n")?;
        }
        return Ok(());
    }
    let itemsize = reader.dtype().itemsize();
    // The position of the next element inside its item of axis 0 (C order).
    let mut index = vec![0usize; inner.len()];
    let mut line = String::new();
    reader.c_chunks(|bytes, count| {
        for i in 0..count {
            let item = bytes.get(i * itemsize..(i + 1) * itemsize).unwrap_or(&[]);
            let value = Value::decode(dtype, item).ok_or_else(|| {
                CliError::Usage(format!(
                    "an element of {} bytes is too short for the dtype {}",
                    item.len(),
                    dtype.descr()
                ))
            })?;
            // Lists open where the trailing indices are all 0 and close where they are all
            // at their last value.
            let opens = index.iter().rev().take_while(|&&j| j == 0).count();
            if opens < index.len() {
                line.push(',');
            }
            line.extend(std::iter::repeat_n('[', opens));
            line.push_str(&crate::json::value(&value).to_string());
            let closes = index
                .iter()
                .zip(&inner)
                .rev()
                .take_while(|(&j, &n)| j + 1 == n)
                .count();
            line.extend(std::iter::repeat_n(']', closes));
            if closes == index.len() {
                line.push('\n');
            }
            for axis in (0..index.len()).rev() {
                index[axis] += 1;
                if index[axis] < inner[axis] {
                    break;
                }
                index[axis] = 0;
            }
            if line.len() >= 256 << 10 {
                dest.write_all(line.as_bytes())?;
                line.clear();
            }
        }
        dest.write_all(line.as_bytes())?;
        line.clear();
        Ok(())
    })
}
