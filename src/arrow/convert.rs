//! The byte-level converter: values of any dtype, wherever they lie in a byte slice, into
//! Arrow `ArrayData`, shared with the source where the layout allows and gathered otherwise.

use std::mem::MaybeUninit;
use std::ptr::NonNull;
use std::sync::Arc;

use arrow_buffer::alloc::Allocation;
use arrow_buffer::{BooleanBuffer, Buffer, NullBuffer, ScalarBuffer};
use arrow_data::ArrayData;
use arrow_schema::{ArrowError, DataType};

use super::schema::{
    arrow_error, complex_fields, data_type, is_padding, join, list_type, nullable, scalar_plan,
    Conv,
};
use crate::dtype::{ByteOrder, Dtype, Kind, Scalar};
use crate::error::Result;

/// What keeps the source bytes alive for buffers that share them.
pub(crate) type Owner = Arc<dyn Allocation>;

/// The bytes values are read from, and the owner of those bytes when buffers may share them
/// (never for a writable map, whose bytes can change under an Arrow array).
#[derive(Clone, Copy)]
pub(crate) struct Src<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) owner: Option<&'a Owner>,
}

/// Where the values of one Arrow array start in the source bytes, in Arrow's order.
#[derive(Clone, Debug)]
pub(crate) enum Slots {
    /// `len` values at `start + i * stride`.
    Strided {
        start: usize,
        stride: usize,
        len: usize,
    },
    /// Values at these byte offsets (Fortran order, subarrays of strided records).
    List(Vec<usize>),
}

impl Slots {
    pub(crate) fn len(&self) -> usize {
        match self {
            Slots::Strided { len, .. } => *len,
            Slots::List(v) => v.len(),
        }
    }

    /// The byte offset of value `i` (`i < len`).
    pub(crate) fn at(&self, i: usize) -> usize {
        match self {
            Slots::Strided { start, stride, .. } => start + i * stride,
            Slots::List(v) => v[i],
        }
    }

    /// The slots `offset` bytes further on: a field of each record.
    pub(crate) fn shift(&self, offset: usize) -> Slots {
        match self {
            Slots::Strided { start, stride, len } => Slots::Strided {
                start: start + offset,
                stride: *stride,
                len: *len,
            },
            Slots::List(v) => Slots::List(v.iter().map(|s| s + offset).collect()),
        }
    }

    /// Each slot replaced by `count` slots `step` bytes apart: the items of a subarray.
    pub(crate) fn expand(&self, count: usize, step: usize) -> Slots {
        match self {
            Slots::Strided { start, stride, len } if *stride == count * step || *len <= 1 => {
                Slots::Strided {
                    start: *start,
                    stride: step,
                    len: len * count,
                }
            }
            _ => {
                let mut out = Vec::with_capacity(self.len() * count);
                for i in 0..self.len() {
                    let s = self.at(i);
                    out.extend((0..count).map(|t| s + t * step));
                }
                Slots::List(out)
            }
        }
    }

    /// The byte range of the values when they lie back to back, `width` bytes each.
    fn contiguous(&self, width: usize) -> Option<std::ops::Range<usize>> {
        match self {
            Slots::Strided { start, stride, len } if *stride == width || *len <= 1 => {
                Some(*start..start + len * width)
            }
            _ => None,
        }
    }

    /// Whether every value of `width` bytes lies inside `n` bytes.
    fn within(&self, width: usize, n: usize) -> bool {
        let end = |s: usize| s.checked_add(width).is_some_and(|e| e <= n);
        match self {
            Slots::Strided { len: 0, .. } => true,
            Slots::Strided { start, stride, len } => (len - 1)
                .checked_mul(*stride)
                .and_then(|d| d.checked_add(*start))
                .is_some_and(end),
            Slots::List(v) => v.iter().all(|&s| end(s)),
        }
    }
}

/// An Arrow error about the field `name` of `dtype` as the crate's error.
pub(crate) fn from_arrow(name: &str, dtype: &Dtype, e: ArrowError) -> crate::Error {
    arrow_error(name, dtype, format!("arrow refused the array: {e}"))
}

/// The values of `dtype` at `slots` of `src` as Arrow data of `data_type(name, dtype)`.
pub(crate) fn convert(src: Src<'_>, name: &str, dtype: &Dtype, slots: &Slots) -> Result<ArrayData> {
    if !slots.within(dtype.itemsize(), src.bytes.len()) {
        return Err(arrow_error(
            name,
            dtype,
            format!(
                "the values reach past the {} bytes of the array; the dtype's fields lie \
                 outside its records",
                src.bytes.len()
            ),
        ));
    }
    match dtype {
        Dtype::Scalar(s) => scalar(src, name, dtype, s, slots),
        Dtype::Subarray(base, shape) => {
            let count: usize = shape.iter().product();
            let items = slots.expand(count, base.itemsize());
            let values = convert(src, name, base, &items)?;
            let inner = data_type(name, base)?;
            wrap_lists(
                name,
                dtype,
                values,
                inner,
                nullable(base),
                shape,
                slots.len(),
            )
        }
        Dtype::Record(r) => {
            let mut children = Vec::with_capacity(r.fields.len());
            for f in r.fields.iter().filter(|f| !is_padding(f)) {
                let path = join(name, &f.name);
                children.push(convert(src, &path, &f.dtype, &slots.shift(f.offset))?);
            }
            ArrayData::builder(data_type(name, dtype)?)
                .len(slots.len())
                .child_data(children)
                .build()
                .map_err(|e| from_arrow(name, dtype, e))
        }
    }
}

/// `values` (of type `inner`) wrapped in one `FixedSizeList` per axis of `shape`, the last
/// axis innermost; `outer_len` lists at the top.
pub(crate) fn wrap_lists(
    name: &str,
    dtype: &Dtype,
    values: ArrayData,
    inner: DataType,
    inner_nullable: bool,
    shape: &[usize],
    outer_len: usize,
) -> Result<ArrayData> {
    let mut data = values;
    for axis in (0..shape.len()).rev() {
        let t = list_type(name, dtype, inner.clone(), inner_nullable, &shape[axis..])?;
        let len = outer_len * shape[..axis].iter().product::<usize>();
        data = ArrayData::builder(t)
            .len(len)
            .child_data(vec![data])
            .build()
            .map_err(|e| from_arrow(name, dtype, e))?;
    }
    Ok(data)
}

/// Whether numbers of this order can be read as this machine's numbers.
fn native(order: ByteOrder) -> bool {
    order == ByteOrder::NATIVE || order == ByteOrder::NotApplicable
}

fn scalar(src: Src<'_>, name: &str, dtype: &Dtype, s: &Scalar, slots: &Slots) -> Result<ArrayData> {
    let Some((t, conv)) = scalar_plan(s) else {
        // `data_type` says why Arrow has no type for it.
        return Err(data_type(name, dtype)
            .err()
            .unwrap_or_else(|| arrow_error(name, dtype, "Arrow has no type for this scalar")));
    };
    let len = slots.len();
    let build = |builder: arrow_data::ArrayDataBuilder| {
        builder
            .len(len)
            .build()
            .map_err(|e| from_arrow(name, dtype, e))
    };
    match conv {
        Conv::Number => {
            let buffer = numbers(src, slots, s.size(), native(s.order()))?;
            build(ArrayData::builder(t).add_buffer(buffer))
        }
        Conv::Bool => {
            let bits = BooleanBuffer::collect_bool(len, |i| src.bytes[slots.at(i)] != 0);
            build(ArrayData::builder(t).add_buffer(bits.into_inner()))
        }
        Conv::Binary => {
            let buffer = match (src.owner, slots.contiguous(s.size())) {
                (Some(owner), Some(range)) => shared(src.bytes, owner, range),
                _ => Buffer::from_vec(gather_bytes(src.bytes, slots, s.size())),
            };
            build(ArrayData::builder(t).add_buffer(buffer))
        }
        Conv::Complex => {
            let half = s.size() / 2;
            let part = Scalar::new(Kind::Float, s.order(), half);
            let part_dtype = Dtype::Scalar(part);
            let re = scalar(src, name, &part_dtype, &part, slots)?;
            let im = scalar(src, name, &part_dtype, &part, &slots.shift(half))?;
            let fields = complex_fields(re.data_type().clone());
            build(ArrayData::builder(DataType::Struct(fields)).child_data(vec![re, im]))
        }
        Conv::Utf8 => utf8(src, name, dtype, s, slots),
        Conv::Ticks { .. } | Conv::Days { .. } | Conv::Months { .. } => {
            ticks(src, name, dtype, s, slots, t, conv)
        }
    }
}

/// A buffer over `bytes[range]` that keeps `owner` alive instead of copying.
fn shared(bytes: &[u8], owner: &Owner, range: std::ops::Range<usize>) -> Buffer {
    let part = &bytes[range];
    let ptr = NonNull::from(part).cast::<u8>();
    // SAFETY:
    // - `ptr` is valid for reads of `part.len()` bytes: it points into `bytes`, a slice
    //   (`part` is in bounds, checked by the indexing above);
    // - the bytes stay valid and unchanged for as long as the buffer lives: `bytes` is
    //   borrowed from the data `owner` holds (the caller passes the owner of `bytes`: a
    //   read-only map, or memory no one can write while it is shared), and the buffer keeps
    //   an `Arc` of that owner, so the memory is neither unmapped, freed nor written while
    //   any clone of the buffer exists.
    unsafe { Buffer::from_custom_allocation(ptr, part.len(), Arc::clone(owner)) }
}

/// The numbers of `width` bytes at `slots`, shared when they lie back to back, aligned, in
/// this machine's order and the source may be shared; gathered (and byte swapped) otherwise.
pub(crate) fn numbers(src: Src<'_>, slots: &Slots, width: usize, native: bool) -> Result<Buffer> {
    if let (Some(owner), Some(range), true) = (src.owner, slots.contiguous(width), native) {
        let start = src.bytes.as_ptr().wrapping_add(range.start);
        if (start as usize).is_multiple_of(width) && !range.is_empty() {
            return Ok(shared(src.bytes, owner, range));
        }
    }
    Ok(match width {
        1 => Buffer::from_vec(gather::<u8>(src.bytes, slots, native)),
        2 => Buffer::from_vec(gather::<u16>(src.bytes, slots, native)),
        4 => Buffer::from_vec(gather::<u32>(src.bytes, slots, native)),
        _ => Buffer::from_vec(gather::<u64>(src.bytes, slots, native)),
    })
}

/// The unsigned integers used to move numbers of each width.
pub(crate) trait Word: arrow_buffer::ArrowNativeType + Copy {
    /// The value with its bytes reversed.
    fn swap(self) -> Self;
}

macro_rules! words {
    ($($t:ty),*) => {$(
        impl Word for $t {
            #[inline]
            fn swap(self) -> Self {
                self.swap_bytes()
            }
        }
    )*};
}
words!(u8, u16, u32, u64);

/// The `W`s at `slots` of `bytes` (each checked to lie inside by `Slots::within`), byte
/// swapped unless `native`.
pub(crate) fn gather<W: Word>(bytes: &[u8], slots: &Slots, native: bool) -> Vec<W> {
    let width = size_of::<W>();
    match slots {
        Slots::Strided { start, stride, len }
            if *stride >= width && slots.within(width, bytes.len()) =>
        {
            strided::<W>(bytes, *start, *stride, *len, native, PARALLEL_BYTES)
        }
        _ => {
            let mut out: Vec<W> = (0..slots.len())
                .map(|i| {
                    let s = slots.at(i);
                    read::<W>(&bytes[s..s + width])
                })
                .collect();
            if !native {
                out.iter_mut().for_each(|w| *w = w.swap());
            }
            out
        }
    }
}

/// One `W` from the first `size_of::<W>()` bytes of `b`.
#[inline]
fn read<W: Word>(b: &[u8]) -> W {
    assert!(b.len() >= size_of::<W>());
    // SAFETY:
    // - `b` holds at least `size_of::<W>()` bytes (asserted), so the read stays inside it;
    // - `read_unaligned` needs no alignment;
    // - `W` is an unsigned integer, valid for every bit pattern.
    unsafe { b.as_ptr().cast::<W>().read_unaligned() }
}

/// Output size from which a strided gather is split over rayon's threads (feature `rayon`):
/// below it, waking the threads costs more than the second core gains.
const PARALLEL_BYTES: usize = 1 << 20;

/// Bytes of output per run of a parallel gather: many runs per thread, so a busy core's
/// share is stolen by the other. Small under Miri, so its tests cover several runs quickly.
#[cfg_attr(not(feature = "rayon"), allow(dead_code))]
const RUN_BYTES: usize = if cfg!(miri) { 64 } else { 256 << 10 };

/// `len` values of `W` at `start + i * stride` of `bytes` (`stride >= size_of::<W>()`), byte
/// swapped unless `native`, which the caller checked all lie inside `bytes`
/// (`Slots::within`). With the feature `rayon`, an output of `parallel_from` bytes or more is
/// filled by rayon's threads, each a run of consecutive values.
fn strided<W: Word>(
    bytes: &[u8],
    start: usize,
    stride: usize,
    len: usize,
    native: bool,
    parallel_from: usize,
) -> Vec<W> {
    if len == 0 {
        return Vec::new();
    }
    let end = start + (len - 1) * stride + size_of::<W>();
    // Bounds are checked once here and once per run in `fill`, not per value: a per-value
    // check kept the loop 1.35x slower than a hand-written `chunks_exact` gather.
    let span = &bytes[start..end];
    let mut out: Vec<W> = Vec::with_capacity(len);
    let slots = &mut out.spare_capacity_mut()[..len];
    #[cfg(feature = "rayon")]
    if len * size_of::<W>() >= parallel_from && (cfg!(miri) || rayon::current_num_threads() > 1) {
        use rayon::iter::{IndexedParallelIterator, ParallelIterator};
        use rayon::slice::ParallelSliceMut;
        let run = (RUN_BYTES / size_of::<W>()).max(1);
        let each = |(k, part): (usize, &mut [MaybeUninit<W>])| {
            // `k * run < len`, so the run starts inside `span` (`(len - 1) * stride <
            // span.len()`), and `fill` checks that its values lie inside the rest.
            fill(part, &span[k * run * stride..], stride, native);
        };
        if cfg!(miri) {
            // The same runs, one after another, and rayon's pool not started: under rayon,
            // Miri's Stacked Borrows stops in crossbeam-epoch (`Local::element_of`), not in
            // this crate's code.
            slots.chunks_mut(run).enumerate().for_each(each);
        } else {
            slots.par_chunks_mut(run).enumerate().for_each(each);
        }
        // SAFETY: `for_each` returned (a panic would have unwound past this), so every
        // run, and with them all `len` slots of `slots`, was written by `fill`.
        unsafe { out.set_len(len) };
        return out;
    }
    #[cfg(not(feature = "rayon"))]
    let _ = parallel_from;
    fill(slots, span, stride, native);
    // SAFETY: `fill` returned, so it wrote all `len` slots of `slots`, the first `len` of
    // `out`'s capacity.
    unsafe { out.set_len(len) };
    out
}

/// Writes to `out[j]` the `W` at byte `j * stride` of `span`, byte swapped unless `native`,
/// for every `j`.
///
/// # Panics
/// If the last value would end past `span`.
fn fill<W: Word>(out: &mut [MaybeUninit<W>], span: &[u8], stride: usize, native: bool) {
    if native {
        fill_with(out, span, stride, |w: W| w);
    } else {
        fill_with(out, span, stride, W::swap);
    }
}

/// `fill` with `f` applied to each value; inlined twice so each loop has no branch inside.
#[inline(always)]
fn fill_with<W: Word>(out: &mut [MaybeUninit<W>], span: &[u8], stride: usize, f: impl Fn(W) -> W) {
    let Some(last) = out.len().checked_sub(1) else {
        return;
    };
    assert!(
        last.checked_mul(stride)
            .and_then(|b| b.checked_add(size_of::<W>()))
            .is_some_and(|end| end <= span.len()),
        "strided values past the end of their bytes"
    );
    let base = span.as_ptr();
    for (j, slot) in out.iter_mut().enumerate() {
        // `j <= last`, so `j * stride <= last * stride`, which did not overflow (asserted).
        let at = base.wrapping_add(j * stride).cast::<W>();
        // SAFETY:
        // - `at` points `j * stride` bytes into `span`, and `j * stride + size_of::<W>() <=
        //   last * stride + size_of::<W>() <= span.len()` (asserted): the bytes read lie
        //   inside `span`, which borrows initialised memory;
        // - `read_unaligned` needs no alignment;
        // - `W` is an unsigned integer, valid for every bit pattern.
        slot.write(f(unsafe { at.read_unaligned() }));
    }
}

/// The `width` bytes at each of `slots`, back to back.
fn gather_bytes(bytes: &[u8], slots: &Slots, width: usize) -> Vec<u8> {
    if let Some(range) = slots.contiguous(width) {
        return bytes[range].to_vec();
    }
    let mut out = Vec::with_capacity(slots.len() * width);
    for i in 0..slots.len() {
        let s = slots.at(i);
        out.extend_from_slice(&bytes[s..s + width]);
    }
    out
}

/// UCS-4 text decoded to UTF-8, trailing NULs trimmed.
fn utf8(src: Src<'_>, name: &str, dtype: &Dtype, s: &Scalar, slots: &Slots) -> Result<ArrayData> {
    let chars = s.size() / 4;
    let big = s.order() == ByteOrder::Big;
    let mut offsets: Vec<i32> = Vec::with_capacity(slots.len() + 1);
    let mut values: Vec<u8> = Vec::new();
    offsets.push(0);
    for i in 0..slots.len() {
        let at = slots.at(i);
        let item = &src.bytes[at..at + chars * 4];
        let code = |k: usize| {
            let b: [u8; 4] = [
                item[4 * k],
                item[4 * k + 1],
                item[4 * k + 2],
                item[4 * k + 3],
            ];
            if big {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            }
        };
        let used = (0..chars)
            .rev()
            .find(|&k| code(k) != 0)
            .map_or(0, |k| k + 1);
        for k in 0..used {
            let c = char::from_u32(code(k)).ok_or_else(|| {
                arrow_error(
                    name,
                    dtype,
                    format!(
                        "element {i} holds {:#x}, which is not a Unicode scalar value, so it \
                         has no UTF-8 form; read the field as bytes (`V{}`) instead",
                        code(k),
                        s.size()
                    ),
                )
            })?;
            let mut buf = [0u8; 4];
            values.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
        let end = i32::try_from(values.len()).map_err(|_| {
            arrow_error(
                name,
                dtype,
                "more than 2 GiB of text in one batch, past Arrow's `Utf8` offsets; use a \
                 smaller `rows_per_batch`",
            )
        })?;
        offsets.push(end);
    }
    ArrayData::builder(DataType::Utf8)
        .len(slots.len())
        .add_buffer(Buffer::from_vec(offsets))
        .add_buffer(Buffer::from_vec(values))
        .build()
        .map_err(|e| from_arrow(name, dtype, e))
}

/// numpy's NaT, "not a time".
const NAT: i64 = i64::MIN;

/// Datetimes and timedeltas: tick counts rescaled to the Arrow unit, NaT as null.
fn ticks(
    src: Src<'_>,
    name: &str,
    dtype: &Dtype,
    s: &Scalar,
    slots: &Slots,
    t: DataType,
    conv: Conv,
) -> Result<ArrayData> {
    let len = slots.len();
    let is_native = native(s.order());
    let (buffer, nulls) = match conv {
        Conv::Ticks { scale: 1 } => {
            // The values as they are, shared where possible: only the validity is computed.
            let buffer = numbers(src, slots, 8, is_native)?;
            let values = ScalarBuffer::<i64>::new(buffer.clone(), 0, len);
            (buffer, nat_nulls(&values))
        }
        _ => {
            let raw: Vec<i64> = gather::<u64>(src.bytes, slots, is_native)
                .into_iter()
                .map(|v| v as i64)
                .collect();
            let nulls = nat_nulls(&raw);
            let out_of_range = |i: usize, what: &str| {
                arrow_error(
                    name,
                    dtype,
                    format!(
                        "element {i} ({} ticks) is out of the range of {what}; read the field \
                         as `i8` ticks instead",
                        raw[i]
                    ),
                )
            };
            let buffer = match conv {
                Conv::Days { scale } => {
                    let mut out: Vec<i32> = Vec::with_capacity(len);
                    for (i, &v) in raw.iter().enumerate() {
                        let day = v.checked_mul(scale).and_then(|d| i32::try_from(d).ok());
                        out.push(nat_or(v, day).ok_or_else(|| out_of_range(i, "`Date32`"))?);
                    }
                    Buffer::from_vec(out)
                }
                Conv::Months { months } => {
                    let mut out: Vec<i32> = Vec::with_capacity(len);
                    for (i, &v) in raw.iter().enumerate() {
                        let day = v.checked_mul(months).and_then(days_of_month);
                        out.push(nat_or(v, day).ok_or_else(|| out_of_range(i, "`Date32`"))?);
                    }
                    Buffer::from_vec(out)
                }
                // `Conv::Ticks` with a scale other than 1 (the other conversions never
                // reach `ticks`).
                _ => {
                    let scale = match conv {
                        Conv::Ticks { scale } => scale,
                        _ => 1,
                    };
                    let mut out: Vec<i64> = Vec::with_capacity(len);
                    for (i, &v) in raw.iter().enumerate() {
                        let tick = nat_or(v, v.checked_mul(scale));
                        out.push(tick.ok_or_else(|| out_of_range(i, "64-bit Arrow ticks"))?);
                    }
                    Buffer::from_vec(out)
                }
            };
            (buffer, nulls)
        }
    };
    ArrayData::builder(t)
        .len(len)
        .add_buffer(buffer)
        .nulls(nulls)
        .build()
        .map_err(|e| from_arrow(name, dtype, e))
}

/// The converted value, or 0 (hidden by the validity bitmap) for NaT.
fn nat_or<T: Default>(raw: i64, converted: Option<T>) -> Option<T> {
    if raw == NAT {
        Some(T::default())
    } else {
        converted
    }
}

/// A validity bitmap with NaT as null, or `None` when there is no NaT.
fn nat_nulls(values: &[i64]) -> Option<NullBuffer> {
    values.contains(&NAT).then(|| {
        NullBuffer::new(BooleanBuffer::collect_bool(values.len(), |i| {
            values[i] != NAT
        }))
    })
}

/// The day (since 1970-01-01) of the first day of month `m` (months since 1970-01), if it
/// fits in an `i32`.
pub(crate) fn days_of_month(m: i64) -> Option<i32> {
    // Past about 5.8 million years the day count leaves `i32`; refusing early keeps the
    // arithmetic below far from `i64` overflow.
    if m.unsigned_abs() > 12 * 6_000_000 {
        return None;
    }
    let year = 1970 + m.div_euclid(12);
    let month = m.rem_euclid(12) + 1;
    i32::try_from(days_from_civil(year, month, 1)).ok()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (`month` 1..=12), for years far
/// inside `i64`. Counts in 400-year eras starting on March 1st, so that the leap day ends a
/// year.
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strided_gathers_read_every_value_at_any_stride_and_start() {
        // Unaligned starts and strides, as packed records have; the last value ends exactly
        // at the end of the buffer. Miri checks the pointer reads.
        let bytes: Vec<u8> = (0..=255u8).collect();
        for (start, stride, len) in [(0, 8, 32), (3, 13, 19), (5, 5, 48), (1, 9, 1), (7, 8, 0)] {
            let slots = Slots::Strided { start, stride, len };
            let want: Vec<u64> = (0..len)
                .map(|i| {
                    let at = start + i * stride;
                    u64::from_ne_bytes(bytes[at..at + 8].try_into().unwrap())
                })
                .collect();
            assert_eq!(
                gather::<u64>(&bytes, &slots, true),
                want,
                "{start} {stride} {len}"
            );
        }
        let slots = Slots::Strided {
            start: 255 - 7,
            stride: 8,
            len: 1,
        };
        assert_eq!(gather::<u64>(&bytes, &slots, true).len(), 1);
    }

    #[test]
    fn strided_gathers_split_into_runs_equal_one_pass() {
        // `parallel_from: 0` takes the feature `rayon`'s path (runs filled by its threads)
        // whatever the size; more values than two runs of `u32`s, so three runs, the last
        // one short. Swapped and not, against a plain loop.
        let len = RUN_BYTES / 4 * 2 + 37;
        let stride = 7;
        let start = 3;
        let bytes: Vec<u8> = (0..start + len * stride + 4)
            .map(|i| (i * 31 % 251) as u8)
            .collect();
        for native in [true, false] {
            let want: Vec<u32> = (0..len)
                .map(|i| {
                    let at = start + i * stride;
                    let v = u32::from_ne_bytes(bytes[at..at + 4].try_into().unwrap());
                    if native {
                        v
                    } else {
                        v.swap_bytes()
                    }
                })
                .collect();
            for parallel_from in [0, usize::MAX] {
                let got = strided::<u32>(&bytes, start, stride, len, native, parallel_from);
                assert!(
                    got == want,
                    "native {native}, parallel_from {parallel_from}"
                );
            }
        }
    }

    #[test]
    #[should_panic(expected = "strided values past the end")]
    fn a_run_past_its_bytes_panics_instead_of_reading() {
        let bytes = [0u8; 16];
        let mut out = [MaybeUninit::<u64>::uninit(); 2];
        fill(&mut out, &bytes, 9, true);
    }

    #[test]
    fn civil_days_match_known_dates() {
        // (year, month, day) -> days since 1970-01-01, from Python's `datetime.date`.
        let table = [
            ((1970, 1, 1), 0),
            ((2000, 3, 1), 11_017),
            ((1969, 12, 1), -31),
            ((2024, 2, 29), 19_782),
            ((1600, 1, 1), -135_140),
        ];
        for ((y, m, d), want) in table {
            assert_eq!(days_from_civil(y, m, d), want, "{y}-{m}-{d}");
        }
        assert_eq!(days_of_month(0), Some(0));
        assert_eq!(days_of_month(-1), Some(-31));
        assert_eq!(days_of_month(i64::MAX), None);
    }

    #[test]
    fn slots_expand_and_bounds() {
        let s = Slots::Strided {
            start: 4,
            stride: 16,
            len: 2,
        };
        assert!(s.within(8, 28));
        assert!(!s.within(8, 27));
        let items = s.expand(2, 4);
        assert_eq!(
            (0..items.len()).map(|i| items.at(i)).collect::<Vec<_>>(),
            [4, 8, 20, 24]
        );
        let packed = Slots::Strided {
            start: 0,
            stride: 8,
            len: 3,
        };
        assert_eq!(packed.expand(2, 4).contiguous(4), Some(0..24));
    }
}
