//! [`Column`] and [`ColumnMut`]: one field of every record, as a byte-strided view (numpy's
//! `arr['price']`), and [`FieldHandle`], the typed handle that names the field.
//!
//! A column stores a base pointer, a byte stride (the size of one record), the field's byte
//! offset and a length. It never makes a reference to a field: fields of packed records may be
//! unaligned, so values are read and written by copy with unaligned accesses, which compile to
//! plain loads and stores on the targets we support.
//!
//! ```
//! use typed_memmap::{Column, Record};
//!
//! #[derive(Clone, Copy, Record)]
//! #[repr(C, packed)]
//! struct Tick {
//!     ts: u64,
//!     price: f64,
//!     side: u8,
//! }
//!
//! let ticks = [
//!     Tick { ts: 1, price: 10.5, side: 0 },
//!     Tick { ts: 2, price: 11.0, side: 1 },
//! ];
//! let prices = Column::from_slice(&ticks, Tick::fields().price);
//! assert_eq!(prices.len(), 2);
//! assert_eq!(prices.stride(), 17);
//! assert_eq!(prices.get(1), Some(11.0));
//! assert_eq!(prices.iter().sum::<f64>(), 21.5);
//! ```
//!
//! Failure modes: [`FieldHandle::by_name`] (and the `column_by_name` methods, whose errors
//! also name the mapped file) return [`Error::Field`] when the element type is not a record,
//! when no field has the name (the error lists the fields there are), or when the field's
//! dtype is not the dtype of the requested type; [`FieldProblem`] says which.

use core::fmt;
use core::iter::FusedIterator;
use core::marker::PhantomData;
use core::mem::size_of;
use core::ptr::NonNull;
use std::path::Path;

use crate::array::Array;
use crate::dtype::{Dtype, RecordDtype};
use crate::element::Element;
use crate::error::{Error, FieldProblem, Result};
use crate::map::{Memmap, MemmapMut};

/// A typed handle of a field of type `F` inside a record of type `R`, at a fixed byte
/// offset. Made by the generated `R::fields()` (`Tick::fields().price`), by
/// [`FieldHandle::fields`] for nested records (`Ship::fields().pos.fields().x`), or at run
/// time by [`FieldHandle::by_name`].
///
/// Invariant: `offset + size_of::<F>() <= size_of::<R>()`. With `R` and `F` both
/// [`Element`]s this makes every read of an `F` at that offset of an `R` sound: every byte of
/// an `R` is initialised and every bit pattern is an `F`.
pub struct FieldHandle<R, F> {
    offset: usize,
    _types: PhantomData<fn(&R) -> F>,
}

impl<R, F> Clone for FieldHandle<R, F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R, F> Copy for FieldHandle<R, F> {}

impl<R, F> fmt::Debug for FieldHandle<R, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FieldHandle")
            .field("record", &core::any::type_name::<R>())
            .field("field", &core::any::type_name::<F>())
            .field("offset", &self.offset)
            .finish()
    }
}

impl<R, F> PartialEq for FieldHandle<R, F> {
    fn eq(&self, other: &Self) -> bool {
        self.offset == other.offset
    }
}

impl<R, F> Eq for FieldHandle<R, F> {}

impl<R, F> FieldHandle<R, F> {
    /// The byte offset of the field in the record.
    pub fn offset(self) -> usize {
        self.offset
    }

    /// A handle of a field of type `G` at `offset` inside this field.
    ///
    /// Used by the code `#[derive(Record)]` generates.
    ///
    /// # Safety
    ///
    /// `offset + size_of::<G>() <= size_of::<F>()`.
    #[doc(hidden)]
    pub unsafe fn project<G>(self, offset: usize) -> FieldHandle<R, G> {
        FieldHandle {
            offset: self.offset + offset,
            _types: PhantomData,
        }
    }
}

impl<R> FieldHandle<R, R> {
    /// The whole record as a "field" at offset 0; the root of the generated handles.
    pub fn whole() -> Self {
        FieldHandle {
            offset: 0,
            _types: PhantomData,
        }
    }
}

impl<R, F: Record> FieldHandle<R, F> {
    /// The handles of the fields of this nested record, relative to the outer record `R`:
    /// `Ship::fields().pos.fields().x` is the `x` of the `pos` of every `Ship`.
    pub fn fields(self) -> F::Fields<R> {
        F::fields_in(self)
    }
}

impl<R: Element, F: Element> FieldHandle<R, F> {
    /// The handle of the field called `name` (a nested field as `"pos.x"` when no field has
    /// the dotted name itself), checked at run time against `R`'s dtype.
    ///
    /// ```
    /// # use typed_memmap::{FieldHandle, Record};
    /// #[derive(Clone, Copy, Record)]
    /// #[repr(C)]
    /// struct Tick { ts: u64, price: f64 }
    ///
    /// let price = FieldHandle::<Tick, f64>::by_name("price")?;
    /// assert_eq!(price, Tick::fields().price);
    /// let err = FieldHandle::<Tick, f64>::by_name("prise").unwrap_err();
    /// assert!(err.to_string().contains("`ts`, `price`"));
    /// # Ok::<(), typed_memmap::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Field`] when `R` is not a record, when it has no field `name` (the message
    /// lists the fields it has), or when the field's dtype is not `F`'s.
    pub fn by_name(name: &str) -> Result<Self> {
        FieldHandle::lookup(None, name)
    }

    /// [`by_name`](FieldHandle::by_name), with errors naming `path`, the file of the records.
    pub(crate) fn lookup(path: Option<&Path>, name: &str) -> Result<Self> {
        let record = R::dtype();
        let (offset, dtype) =
            find_field(&record, name).map_err(|problem| Error::field(path, name, problem))?;
        let wanted = F::dtype();
        if *dtype != wanted {
            let problem = FieldProblem::WrongDtype {
                found: dtype.descr(),
                type_name: core::any::type_name::<F>(),
                wanted: wanted.descr(),
            };
            return Err(Error::field(path, name, problem));
        }
        // The `Element` contract of `R` already puts the field inside the record; checking
        // it again keeps the handle's invariant local to this function.
        match offset.checked_add(size_of::<F>()) {
            Some(end) if end <= size_of::<R>() => Ok(FieldHandle {
                offset,
                _types: PhantomData,
            }),
            _ => {
                let problem = FieldProblem::OutOfRecord {
                    offset,
                    size: size_of::<F>(),
                    record_size: size_of::<R>(),
                };
                Err(Error::field(path, name, problem))
            }
        }
    }
}

/// The byte offset and dtype of the field `name` of the record `dtype`: a field of that name,
/// else a nested field named with dots (`"pos.x"`). The one lookup behind every by-name
/// access (`FieldHandle::by_name`, `column_by_name`, `DynArray::field`), so that they accept
/// the same names and word their errors alike.
pub(crate) fn find_field<'d>(
    dtype: &'d Dtype,
    name: &str,
) -> core::result::Result<(usize, &'d Dtype), FieldProblem> {
    let record = dtype.as_record().ok_or_else(|| FieldProblem::NotARecord {
        dtype: dtype.descr(),
    })?;
    nested(record, name).ok_or_else(|| FieldProblem::Missing {
        fields: record.fields.iter().map(|f| f.name.clone()).collect(),
    })
}

fn nested<'d>(record: &'d RecordDtype, name: &str) -> Option<(usize, &'d Dtype)> {
    if let Some(f) = record.field(name) {
        return Some((f.offset, &f.dtype));
    }
    let (head, rest) = name.split_once('.')?;
    let outer = record.field(head)?;
    let (offset, dtype) = nested(outer.dtype.as_record()?, rest)?;
    Some((outer.offset + offset, dtype))
}

/// A record type with typed field handles, implemented by `#[derive(Record)]`.
///
/// The derive also gives the type an inherent `fields()` function, so users rarely name this
/// trait: `Tick::fields().price`.
pub trait Record: Sized {
    /// The generated struct of handles, one public field per named field of the record, each a
    /// [`FieldHandle<Root, _>`].
    type Fields<Root>: Copy;

    /// The handles of this record's fields, inside `parent` (a field of type `Self` of a
    /// record `Root`, or the whole record).
    fn fields_in<Root>(parent: FieldHandle<Root, Self>) -> Self::Fields<Root>;
}

/// One field of every record of a slice or a map, read by value: numpy's `arr['price']`.
///
/// Made by `column(handle)` on [`Memmap`], [`MemmapMut`] and [`Array`], by
/// [`Column::from_slice`], or by name with `column_by_name`.
pub struct Column<'a, F> {
    // Invariant: for every `i < at.len`, the `size_of::<F>()` bytes at
    // `at.base + i * at.stride + at.offset` lie inside one allocation that is borrowed shared
    // for `'a` (not written during `'a`), are initialised, and form a valid `F` whatever their
    // values.
    at: Strided,
    _borrow: PhantomData<&'a [u8]>,
    _field: PhantomData<F>,
}

/// Where the field of each record is: the parts [`Column`] and [`ColumnMut`] share. What
/// they promise is said by the invariants of those two types.
#[derive(Clone, Copy)]
struct Strided {
    base: NonNull<u8>,
    stride: usize,
    offset: usize,
    len: usize,
}

impl Strided {
    /// The field at byte `offset` of each record of `records`.
    fn new<R>(records: NonNull<[R]>, offset: usize) -> Strided {
        Strided {
            base: records.cast::<u8>(),
            stride: size_of::<R>(),
            offset,
            len: records.len(),
        }
    }

    /// The address of the field of record `index`.
    ///
    /// # Safety
    ///
    /// `index < self.len`, and the parts hold the invariant of a `Column` or a `ColumnMut`.
    #[inline]
    unsafe fn field(&self, index: usize) -> *mut u8 {
        // SAFETY: `index < len` (caller), so by the invariant the field of record `index` lies
        // inside the borrowed allocation: `index * stride + offset` is at most its size, which
        // is `<= isize::MAX`, so the sum neither overflows nor leaves it.
        unsafe { self.base.as_ptr().add(index * self.stride + self.offset) }
    }
}

// SAFETY: a `Column` only reads `F` values out of memory borrowed shared for `'a`, like a
// `&'a [R]` of `Element` records, which is `Send` and `Sync` (elements have no interior
// mutability and no pointers).
unsafe impl<F: Element> Send for Column<'_, F> {}
// SAFETY: as for `Send`: shared reads of plain data from several threads are sound.
unsafe impl<F: Element> Sync for Column<'_, F> {}

impl<F> Clone for Column<'_, F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F> Copy for Column<'_, F> {}

impl<'a, F: Element> Column<'a, F> {
    /// The field `field` of every record of `records`.
    pub fn from_slice<R: Element>(records: &'a [R], field: FieldHandle<R, F>) -> Self {
        // `FieldHandle`'s invariant puts the field inside each record of the borrowed slice.
        Column::from_strided(Strided::new(NonNull::from(records), field.offset))
    }

    /// The `F` at byte `offset` of each of `len` records of `stride` bytes that start at
    /// `bytes[0]` (a [`DynArray`](crate::DynArray)'s elements); `None` unless the records lie
    /// inside `bytes` and the field inside a record. The bytes need no alignment.
    pub(crate) fn from_bytes(
        bytes: &'a [u8],
        stride: usize,
        offset: usize,
        len: usize,
    ) -> Option<Self> {
        let field_end = offset.checked_add(size_of::<F>())?;
        let records_end = len.checked_mul(stride)?;
        if field_end > stride || records_end > bytes.len() {
            return None;
        }
        // The invariant: for `i < len` the field of record `i` ends at
        // `i * stride + field_end <= (i + 1) * stride <= len * stride <= bytes.len()`, so it
        // lies inside `bytes`, which is borrowed shared for `'a` and initialised; any bytes
        // are a valid `F` (`Element` contract).
        Some(Column::from_strided(Strided {
            base: NonNull::from(bytes).cast::<u8>(),
            stride,
            offset,
            len,
        }))
    }

    /// A column over `at`, which must hold this type's invariant for `'a`.
    fn from_strided(at: Strided) -> Self {
        Column {
            at,
            _borrow: PhantomData,
            _field: PhantomData,
        }
    }

    /// The number of records.
    pub fn len(&self) -> usize {
        self.at.len
    }

    /// True when there are no records.
    pub fn is_empty(&self) -> bool {
        self.at.len == 0
    }

    /// The distance in bytes between the field of two consecutive records (numpy's
    /// `arr['price'].strides[0]`): the record size.
    pub fn stride(&self) -> usize {
        self.at.stride
    }

    /// The byte offset of the field in its record.
    pub fn offset(&self) -> usize {
        self.at.offset
    }

    /// The field of record `index`, or `None` past the end.
    #[inline]
    pub fn get(&self, index: usize) -> Option<F> {
        if index < self.at.len {
            // SAFETY: `index < len`, the precondition of `read`.
            Some(unsafe { self.read(index) })
        } else {
            None
        }
    }

    /// The field of the first record.
    pub fn first(&self) -> Option<F> {
        self.get(0)
    }

    /// The field of the last record.
    pub fn last(&self) -> Option<F> {
        self.at.len.checked_sub(1).and_then(|i| self.get(i))
    }

    /// # Safety
    ///
    /// `index < self.len()`.
    #[inline]
    unsafe fn read(&self, index: usize) -> F {
        // SAFETY: `index < len` (caller), and `at` holds this type's invariant.
        let field = unsafe { self.at.field(index) };
        // SAFETY: the `size_of::<F>()` bytes at `field` are inside the allocation, initialised,
        // not written during `'a`, and valid for `F` (struct invariant); `read_unaligned` needs
        // no alignment, so fields of packed records are fine.
        unsafe { field.cast::<F>().read_unaligned() }
    }

    /// An iterator over the field of every record, front to back.
    pub fn iter(&self) -> ColumnIter<'a, F> {
        ColumnIter {
            column: *self,
            front: 0,
            back: self.at.len,
        }
    }

    /// The values, copied into a `Vec`.
    pub fn to_vec(&self) -> Vec<F> {
        self.iter().collect()
    }

    /// The address of the field of record 0, where an `ndarray` view of the column starts
    /// (not dereferenceable when the column is empty). Keeps the provenance of the borrow.
    #[cfg(feature = "ndarray")]
    pub(crate) fn field_ptr(&self) -> *const u8 {
        // `wrapping_add`: for an empty column the base may be dangling, and no offset of it is
        // in bounds of anything.
        self.at
            .base
            .as_ptr()
            .wrapping_add(self.at.offset)
            .cast_const()
    }

    /// The address of the first byte of record 0 (not of its field): where the parallel
    /// scans of `src/par.rs` look for page boundaries.
    #[cfg(feature = "rayon")]
    pub(crate) fn records_addr(&self) -> usize {
        self.at.base.as_ptr() as usize
    }

    /// The records `..mid` and `mid..` as two columns (`mid` past the end counts as the end).
    #[cfg(feature = "rayon")]
    pub(crate) fn split_at(self, mid: usize) -> (Self, Self) {
        let mid = mid.min(self.at.len);
        // SAFETY: `mid <= len`, so `mid * stride` is at most the size of the borrowed records
        // (`<= isize::MAX`) and the result points into them or one past their end; `add` of
        // a pointer derived from the allocation stays inside it.
        let base = unsafe { self.at.base.add(mid * self.at.stride) };
        let left = Strided {
            len: mid,
            ..self.at
        };
        let right = Strided {
            base,
            len: self.at.len - mid,
            ..self.at
        };
        // Both halves cover records of the original column, borrowed shared for the same
        // `'a`, so both hold the invariant.
        (Column::from_strided(left), Column::from_strided(right))
    }
}

impl<F: Element + fmt::Debug> fmt::Debug for Column<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a, F: Element> IntoIterator for Column<'a, F> {
    type Item = F;
    type IntoIter = ColumnIter<'a, F>;
    fn into_iter(self) -> ColumnIter<'a, F> {
        self.iter()
    }
}

impl<'a, F: Element> IntoIterator for &Column<'a, F> {
    type Item = F;
    type IntoIter = ColumnIter<'a, F>;
    fn into_iter(self) -> ColumnIter<'a, F> {
        self.iter()
    }
}

/// The iterator of [`Column::iter`]: yields the field of each record by value.
#[derive(Clone)]
pub struct ColumnIter<'a, F> {
    column: Column<'a, F>,
    // Invariant: `front <= back <= column.len`.
    front: usize,
    back: usize,
}

impl<F: Element> Iterator for ColumnIter<'_, F> {
    type Item = F;

    #[inline]
    fn next(&mut self) -> Option<F> {
        if self.front < self.back {
            let i = self.front;
            self.front += 1;
            // SAFETY: `i < back <= len`.
            Some(unsafe { self.column.read(i) })
        } else {
            None
        }
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.back - self.front;
        (n, Some(n))
    }

    fn nth(&mut self, n: usize) -> Option<F> {
        self.front = self.front.saturating_add(n).min(self.back);
        self.next()
    }
}

impl<F: Element> DoubleEndedIterator for ColumnIter<'_, F> {
    #[inline]
    fn next_back(&mut self) -> Option<F> {
        if self.front < self.back {
            self.back -= 1;
            // SAFETY: `back < old back <= len`.
            Some(unsafe { self.column.read(self.back) })
        } else {
            None
        }
    }
}

impl<F: Element> ExactSizeIterator for ColumnIter<'_, F> {}

impl<F: Element> FusedIterator for ColumnIter<'_, F> {}

/// One field of every record, writable: reads by value, writes with [`set`](Self::set),
/// [`fill`](Self::fill) and [`update`](Self::update).
pub struct ColumnMut<'a, F> {
    // Invariant: as `Column`'s, with the allocation borrowed uniquely for `'a`, so writes are
    // allowed and nothing else reads or writes it meanwhile; any bytes written keep every
    // record valid, because records are `Element`s (every bit pattern valid).
    at: Strided,
    _borrow: PhantomData<&'a mut [u8]>,
    _field: PhantomData<F>,
}

// SAFETY: a `ColumnMut` is a unique borrow of plain-data records, like `&'a mut [R]`, which is
// `Send` when the data is; `Element`s have no pointers and no interior mutability.
unsafe impl<F: Element> Send for ColumnMut<'_, F> {}
// SAFETY: shared access to a `ColumnMut` only reads (`&self` methods), like `&&mut [R]`.
unsafe impl<F: Element> Sync for ColumnMut<'_, F> {}

impl<'a, F: Element> ColumnMut<'a, F> {
    /// The field `field` of every record of `records`, writable.
    pub fn from_slice_mut<R: Element>(records: &'a mut [R], field: FieldHandle<R, F>) -> Self {
        ColumnMut {
            at: Strided::new(NonNull::from(records), field.offset),
            _borrow: PhantomData,
            _field: PhantomData,
        }
    }

    /// A read-only view of the same column, for `get`, `iter` and `to_vec`.
    pub fn as_column(&self) -> Column<'_, F> {
        // The shared view borrows `self`, so nothing writes while it lives.
        Column::from_strided(self.at)
    }

    /// The number of records.
    pub fn len(&self) -> usize {
        self.as_column().len()
    }

    /// True when there are no records.
    pub fn is_empty(&self) -> bool {
        self.as_column().is_empty()
    }

    /// The field of record `index`, or `None` past the end.
    pub fn get(&self, index: usize) -> Option<F> {
        self.as_column().get(index)
    }

    /// An iterator over the values (a read-only view; see [`as_column`](Self::as_column)).
    pub fn iter(&self) -> ColumnIter<'_, F> {
        self.as_column().iter()
    }

    /// The values, copied into a `Vec`.
    pub fn to_vec(&self) -> Vec<F> {
        self.as_column().to_vec()
    }

    /// The address of the field of record 0, writable (see [`Column::field_ptr`]); the
    /// borrow of `self` is what keeps it unique.
    #[cfg(feature = "ndarray")]
    pub(crate) fn field_ptr_mut(&mut self) -> *mut u8 {
        self.at.base.as_ptr().wrapping_add(self.at.offset)
    }

    /// # Safety
    ///
    /// `index < self.len()`.
    #[inline]
    unsafe fn write(&mut self, index: usize, value: F) {
        // SAFETY: `index < len` (caller), and `at` holds this type's invariant.
        let field = unsafe { self.at.field(index) };
        // SAFETY:
        // - the `size_of::<F>()` bytes at `field` are inside the allocation (above);
        // - the allocation is borrowed uniquely for `'a` and `&mut self` is unique, so no
        //   reference to these bytes is alive; `write_unaligned` needs no alignment;
        // - the record stays valid whatever is written, being an `Element`.
        unsafe { field.cast::<F>().write_unaligned(value) };
    }

    /// Sets the field of record `index` to `value`.
    ///
    /// # Panics
    ///
    /// If `index >= len()`, like slice indexing; use [`try_set`](Self::try_set) to get
    /// `None` instead.
    pub fn set(&mut self, index: usize, value: F) {
        if self.try_set(index, value).is_none() {
            panic!(
                "column index {index} out of range for length {}",
                self.at.len
            );
        }
    }

    /// Sets the field of record `index` to `value` and returns the value it had, or returns
    /// `None` and writes nothing if `index >= len()`.
    pub fn try_set(&mut self, index: usize, value: F) -> Option<F> {
        let old = self.get(index)?;
        // SAFETY: `get` returned a value, so `index < len`.
        unsafe { self.write(index, value) };
        Some(old)
    }

    /// Sets the field of every record to `value`.
    pub fn fill(&mut self, value: F) {
        for i in 0..self.at.len {
            // SAFETY: `i < len`.
            unsafe { self.write(i, value) };
        }
    }

    /// Replaces the field of every record by `f(old value)`, in place.
    pub fn update(&mut self, mut f: impl FnMut(F) -> F) {
        for i in 0..self.at.len {
            // SAFETY: `i < len`.
            let old = unsafe { self.as_column().read(i) };
            // SAFETY: `i < len`.
            unsafe { self.write(i, f(old)) };
        }
    }
}

impl<F: Element + fmt::Debug> fmt::Debug for ColumnMut<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.as_column(), f)
    }
}

/// The file an array was mapped from, named in the errors of `column_by_name`.
trait FieldSource {
    fn source_path(&self) -> Option<&Path>;
}

impl<T: Element> FieldSource for Memmap<T> {
    fn source_path(&self) -> Option<&Path> {
        Some(self.path())
    }
}

impl<T: Element> FieldSource for MemmapMut<T> {
    fn source_path(&self) -> Option<&Path> {
        Some(self.path())
    }
}

impl<T> FieldSource for Array<T> {
    fn source_path(&self) -> Option<&Path> {
        None
    }
}

macro_rules! column_methods {
    ($($ty:ident),*) => {$(
        impl<T: Element> $ty<T> {
            /// The field `field` of every element, as a strided view: `Tick::fields().price`.
            pub fn column<F: Element>(&self, field: FieldHandle<T, F>) -> Column<'_, F> {
                Column::from_slice(core::ops::Deref::deref(self), field)
            }

            /// The field called `name` (checked at run time against the dtype) of every
            /// element, as a strided view.
            ///
            /// # Errors
            ///
            /// [`Error::Field`] as [`FieldHandle::by_name`]: `T` is not a record, has no such
            /// field (the message lists the fields), or the field's dtype is not `F`'s.
            pub fn column_by_name<F: Element>(&self, name: &str) -> Result<Column<'_, F>> {
                Ok(self.column(FieldHandle::lookup(self.source_path(), name)?))
            }
        }
    )*};
}

column_methods!(Memmap, MemmapMut, Array);

macro_rules! column_mut_methods {
    ($($ty:ident),*) => {$(
        impl<T: Element> $ty<T> {
            /// The field `field` of every element, as a writable strided view.
            pub fn column_mut<F: Element>(&mut self, field: FieldHandle<T, F>) -> ColumnMut<'_, F> {
                ColumnMut::from_slice_mut(core::ops::DerefMut::deref_mut(self), field)
            }

            /// The field called `name` of every element, writable.
            ///
            /// # Errors
            ///
            /// As [`column_by_name`](Self::column_by_name).
            pub fn column_by_name_mut<F: Element>(
                &mut self,
                name: &str,
            ) -> Result<ColumnMut<'_, F>> {
                Ok(self.column_mut(FieldHandle::lookup(self.source_path(), name)?))
            }
        }
    )*};
}

column_mut_methods!(MemmapMut, Array);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_handle_views_primitive_slices() {
        let data = [1u32, 2, 3];
        let all = Column::from_slice(&data, FieldHandle::<u32, u32>::whole());
        assert_eq!(all.stride(), 4);
        assert_eq!(all.to_vec(), data);
        assert_eq!(all.iter().rev().collect::<Vec<_>>(), [3, 2, 1]);
    }

    #[test]
    fn nth_past_the_end_stops() {
        let data = [1u16, 2, 3];
        let column = Column::from_slice(&data, FieldHandle::whole());
        let mut it = column.iter();
        assert_eq!(it.nth(5), None);
        assert_eq!(it.next(), None);
        assert_eq!(it.next_back(), None);
        let mut it = column.iter();
        assert_eq!(it.nth(2), Some(3));
        assert_eq!(it.len(), 0);
    }

    #[test]
    fn zero_sized_fields_read_nothing() {
        let data = [[0u8; 0]; 4];
        let column = Column::from_slice(&data, FieldHandle::whole());
        assert_eq!(column.len(), 4);
        assert_eq!(column.get(3), Some([]));
        assert_eq!(column.stride(), 0);
    }

    #[test]
    fn by_name_on_a_subarray_element_type_is_refused() {
        let err = FieldHandle::<[u32; 2], u32>::by_name("x").unwrap_err();
        assert!(err.to_string().contains("is not a record"), "{err}");
    }

    #[test]
    fn columns_over_bytes_read_unaligned_fields_and_check_bounds() {
        // Records of 5 bytes (u8, then a u32 at offset 1), starting at an odd address.
        let mut buf = [0u8; 1 + 3 * 5];
        for (i, record) in buf[1..].chunks_mut(5).enumerate() {
            record[0] = i as u8;
            record[1..5].copy_from_slice(&(1000 + i as u32).to_ne_bytes());
        }
        let records = &buf[1..];
        let column = Column::<u32>::from_bytes(records, 5, 1, 3).unwrap();
        assert_eq!(column.to_vec(), [1000, 1001, 1002]);
        assert_eq!(column.iter().next_back(), Some(1002));
        let tags = Column::<u8>::from_bytes(records, 5, 0, 3).unwrap();
        assert_eq!(tags.to_vec(), [0, 1, 2]);
        // A field past its record, records past the bytes, overflowing sizes: refused.
        assert!(Column::<u32>::from_bytes(records, 5, 2, 3).is_none());
        assert!(Column::<u32>::from_bytes(records, 5, 1, 4).is_none());
        assert!(Column::<u32>::from_bytes(records, usize::MAX, 1, 2).is_none());
        assert!(Column::<u32>::from_bytes(records, 5, usize::MAX, 0).is_none());
        // No records: nothing is read, whatever the bytes.
        assert!(Column::<u64>::from_bytes(&[], 8, 0, 0).unwrap().is_empty());
        assert_eq!(
            Column::<[u8; 0]>::from_bytes(&[], 0, 0, 3).unwrap().get(2),
            Some([])
        );
    }

    #[test]
    fn column_mut_reads_see_its_writes() {
        let mut data = [10u64, 20, 30];
        let mut column = ColumnMut::from_slice_mut(&mut data, FieldHandle::whole());
        column.set(0, 11);
        assert_eq!(column.as_column().first(), Some(11));
        assert_eq!(column.get(0), Some(11));
        column.update(|v| v + 1);
        assert_eq!(column.to_vec(), [12, 21, 31]);
        assert_eq!(data, [12, 21, 31]);
    }
}
