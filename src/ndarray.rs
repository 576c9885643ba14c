//! `ndarray` views of maps, arrays and columns, and `.npy` files and maps made from ndarray
//! arrays (feature `ndarray`, ndarray 0.17).
//!
//! | typed-memmap | ndarray | notes |
//! |---|---|---|
//! | `map.view()?` | `ArrayViewD<T>` | [`Memmap`], [`MemmapMut`], [`Array`]; C/F order kept |
//! | `map.view_dim::<Ix2>()?` | `ArrayView2<T>` | any fixed rank; another rank is an error |
//! | `map.view_mut()?`, `view_dim_mut` | `ArrayViewMutD<T>` | [`MemmapMut`], [`Array`] |
//! | `dyn_array.view::<T>()?` | `ArrayViewD<T>` | a [`DynArray`], as [`DynArray::as_typed`] |
//! | `column.view()?` | `ArrayView1<F>` | one field of every record, strided; see below |
//! | `column.view_2d()?` | `ArrayView2<F>` | a `[F; k]` field: shape `[len, k]` |
//! | `column_mut.view_mut()?`, `view_2d_mut` | `ArrayViewMut1<F>`, `ArrayViewMut2<F>` | |
//! | [`write_npy`]`(path, &a)` | `np.save(path, a)` | any layout; C or F as `a` is laid out |
//! | [`create_map`]`(&options, path, &a)` | `np.memmap(path, mode='w+', ...)[:] = a` | raw file |
//!
//! A view borrows the map, so the map cannot be resized or dropped while the view lives. Every
//! view is made without copying: the view's first element is the map's.
//!
//! ```
//! use ndarray::{s, Ix2};
//! use typed_memmap::{Options, Order};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("grid.f64");
//! // SAFETY: the file is private to this example; nobody else writes or truncates it.
//! let mut grid = unsafe { Options::<f64>::new().shape([2, 3]).order(Order::F).create(&path)? };
//! grid.view_dim_mut::<Ix2>()?.slice_mut(s![1, ..]).fill(7.0); // through the map to the file
//!
//! let v = grid.view_dim::<Ix2>()?;
//! assert_eq!(v[[1, 2]], 7.0);
//! assert_eq!(v.strides(), [1, 2]); // Fortran order, counted in elements
//! assert_eq!(v.sum(), 21.0);
//! assert!(grid.view_dim::<ndarray::Ix3>().is_err()); // the map has two axes
//! # Ok(()) }
//! ```
//!
//! # Columns
//!
//! A [`Column`] is a byte stride (the record size) and a field offset. ndarray counts strides
//! in elements and needs aligned elements, so a column is an ndarray view only when the
//! record size is a multiple of the field's size and the field is aligned: fields of aligned
//! `#[repr(C)]` records whose size is a multiple of the field's. Otherwise
//! [`Column::view`] returns [`Error::Ndarray`] with [`NdarrayProblem::Stride`] or
//! [`NdarrayProblem::Misaligned`], and the column still reads by value (`get`, `iter`,
//! `to_vec`), as numpy reads such fields. A `[F; k]` field is a 2-D view with a trailing axis
//! of `k` ([`Column::view_2d`]); it only needs the record size to be a multiple of `F`'s.
//!
//! ```
//! use typed_memmap::{Column, Error, Record};
//!
//! #[derive(Clone, Copy, Record)]
//! #[repr(C)]
//! struct Star {
//!     pos: [f32; 3],
//!     mag: f32,
//! }
//!
//! let stars = [
//!     Star { pos: [1.0, 2.0, 3.0], mag: 4.5 },
//!     Star { pos: [5.0, 6.0, 7.0], mag: 1.5 },
//! ];
//! let mag = Column::from_slice(&stars, Star::fields().mag).view()?;
//! assert_eq!(mag.to_vec(), [4.5, 1.5]);
//! let pos = Column::from_slice(&stars, Star::fields().pos).view_2d()?;
//! assert_eq!(pos.shape(), [2, 3]);
//! assert_eq!(pos.column(2).to_vec(), [3.0, 7.0]);
//! // A 12-byte `[f32; 3]` element does not divide the 16-byte record: no 1-D view of them.
//! let err = Column::from_slice(&stars, Star::fields().pos).view().unwrap_err();
//! assert!(matches!(err, Error::Ndarray { .. }), "{err}");
//! # Ok::<(), Error>(())
//! ```
//!
//! # Failure modes
//!
//! Every fallible function here returns [`Error::Ndarray`] with an [`NdarrayProblem`]: a
//! fixed-rank view of an array of another rank ([`NdarrayProblem::Rank`]), a column whose
//! stride or address ndarray cannot use (above), or a shape ndarray cannot index (more than
//! `isize::MAX` elements, which only zero-sized elements reach: [`NdarrayProblem::Shape`]).
//! [`DynArray::view`] adds the errors of [`DynArray::as_typed`]; [`write_npy`] and
//! [`create_map`] those of the writers they call.

use std::path::Path;

use ::ndarray::{
    ArrayBase, ArrayView, ArrayView1, ArrayView2, ArrayViewD, ArrayViewMut, ArrayViewMut1,
    ArrayViewMut2, ArrayViewMutD, Data, Dimension, IxDyn, ShapeBuilder,
};

use crate::array::Array;
use crate::column::{Column, ColumnMut};
use crate::dynamic::DynArray;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::map::{Memmap, MemmapMut};
use crate::options::Options;
use crate::shape::Order;

pub use crate::error::NdarrayProblem;

fn problem(path: Option<&Path>, problem: NdarrayProblem) -> Error {
    Error::Ndarray {
        path: path.map(Path::to_path_buf),
        problem,
    }
}

fn shape_error(path: Option<&Path>, shape: &[usize], e: &::ndarray::ShapeError) -> Error {
    let message = e.to_string();
    problem(
        path,
        NdarrayProblem::Shape {
            shape: shape.to_vec(),
            message,
        },
    )
}

/// ndarray's shape for `shape` in `order`: ndarray computes the element strides from it.
fn nd_shape(shape: &[usize], order: Order) -> ::ndarray::Shape<IxDyn> {
    IxDyn(shape).set_f(order == Order::F)
}

/// [`NdarrayProblem::Rank`] unless a view of `D` can have the rank of `shape`.
fn check_rank<D: Dimension>(path: Option<&Path>, shape: &[usize]) -> Result<()> {
    match D::NDIM {
        Some(wanted) if wanted != shape.len() => Err(problem(
            path,
            NdarrayProblem::Rank {
                shape: shape.to_vec(),
                wanted,
            },
        )),
        _ => Ok(()),
    }
}

/// The view of `data` (elements in `order`'s memory order) as an array of `shape`. Safe code:
/// ndarray checks that the shape and its strides stay inside the slice.
fn view_of<'a, T>(
    path: Option<&Path>,
    data: &'a [T],
    shape: &[usize],
    order: Order,
) -> Result<ArrayViewD<'a, T>> {
    ArrayView::from_shape(nd_shape(shape, order), data).map_err(|e| shape_error(path, shape, &e))
}

/// [`view_of`], writable.
fn view_of_mut<'a, T>(
    path: Option<&Path>,
    data: &'a mut [T],
    shape: &[usize],
    order: Order,
) -> Result<ArrayViewMutD<'a, T>> {
    ArrayViewMut::from_shape(nd_shape(shape, order), data).map_err(|e| shape_error(path, shape, &e))
}

/// `view` as a view of the fixed dimension `D`: [`NdarrayProblem::Rank`] for another rank.
fn fixed<'a, T, D: Dimension>(
    path: Option<&Path>,
    view: ArrayViewD<'a, T>,
) -> Result<ArrayView<'a, T, D>> {
    check_rank::<D>(path, view.shape())?;
    let shape = view.shape().to_vec();
    view.into_dimensionality::<D>()
        .map_err(|e| shape_error(path, &shape, &e))
}

/// [`fixed`], writable.
fn fixed_mut<'a, T, D: Dimension>(
    path: Option<&Path>,
    view: ArrayViewMutD<'a, T>,
) -> Result<ArrayViewMut<'a, T, D>> {
    check_rank::<D>(path, view.shape())?;
    let shape = view.shape().to_vec();
    view.into_dimensionality::<D>()
        .map_err(|e| shape_error(path, &shape, &e))
}

macro_rules! view_methods {
    ($ty:ident, $what:literal, $path:expr) => {
        impl<T: Element> $ty<T> {
            #[doc = concat!("The ", $what, " as an `ndarray` view of dynamic rank")]
            /// (feature `ndarray`): the same shape, the same C or Fortran order (ndarray's
            /// strides are numpy's `strides` divided by the item size), no copy.
            ///
            /// # Errors
            ///
            /// [`Error::Ndarray`] with [`NdarrayProblem::Shape`] when the shape has more than
            /// `isize::MAX` elements (only zero-sized element types get there).
            pub fn view(&self) -> Result<ArrayViewD<'_, T>> {
                let path: fn(&Self) -> Option<&Path> = $path;
                view_of(path(self), &self[..], self.shape(), self.order())
            }

            #[doc = concat!("The ", $what, " as an `ndarray` view of the fixed rank `D`")]
            /// (`Ix1`, `Ix2`, ...), as [`view`](Self::view) (feature `ndarray`).
            ///
            /// # Errors
            ///
            /// [`Error::Ndarray`] with [`NdarrayProblem::Rank`] when the array's rank is not
            /// `D`'s; otherwise as [`view`](Self::view).
            pub fn view_dim<D: Dimension>(&self) -> Result<ArrayView<'_, T, D>> {
                let path: fn(&Self) -> Option<&Path> = $path;
                fixed(path(self), self.view()?)
            }
        }
    };
}

macro_rules! view_mut_methods {
    ($ty:ident, $what:literal, $path:expr) => {
        impl<T: Element> $ty<T> {
            #[doc = concat!("The ", $what, " as a writable `ndarray` view of dynamic rank:")]
            /// writes go to its memory (feature `ndarray`). See [`view`](Self::view).
            ///
            /// # Errors
            ///
            /// As [`view`](Self::view).
            pub fn view_mut(&mut self) -> Result<ArrayViewMutD<'_, T>> {
                let path: fn(&Self) -> Option<&Path> = $path;
                let (shape, order) = (self.shape().to_vec(), self.order());
                let path = path(self).map(Path::to_path_buf);
                view_of_mut(path.as_deref(), &mut self[..], &shape, order)
            }

            #[doc = concat!("The ", $what, " as a writable `ndarray` view of the fixed rank")]
            /// `D` (feature `ndarray`).
            ///
            /// # Errors
            ///
            /// As [`view_dim`](Self::view_dim).
            pub fn view_dim_mut<D: Dimension>(&mut self) -> Result<ArrayViewMut<'_, T, D>> {
                let path: fn(&Self) -> Option<&Path> = $path;
                let path = path(self).map(Path::to_path_buf);
                let view = self.view_mut()?;
                fixed_mut(path.as_deref(), view)
            }
        }
    };
}

view_methods!(Memmap, "map", |m| Some(m.path()));
view_methods!(MemmapMut, "map", |m| Some(m.path()));
view_methods!(Array, "array", |_| None);
view_mut_methods!(MemmapMut, "map", |m| Some(m.path()));
view_mut_methods!(Array, "array", |_| None);

impl DynArray {
    /// The array as an `ndarray` view of `T`s of dynamic rank (feature `ndarray`): the typed
    /// slice of [`as_typed`](DynArray::as_typed) with the array's shape and order.
    ///
    /// ```
    /// use typed_memmap::{npy, DynArray, Order};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("t.npy");
    /// npy::write_shaped(&path, &[1i32, 2, 3, 4, 5, 6], &[3, 2], Order::F)?;
    /// let a = DynArray::read(&path)?;
    /// let v = a.view::<i32>()?;
    /// assert_eq!(v.shape(), [3, 2]);
    /// assert_eq!(v[[0, 1]], 4); // Fortran order: memory position 3
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`as_typed`](DynArray::as_typed) ([`Error::DtypeMismatch`], [`Error::Misaligned`]);
    /// [`Error::Ndarray`] as [`Memmap::view`].
    pub fn view<T: Element>(&self) -> Result<ArrayViewD<'_, T>> {
        let data = self.as_typed::<T>()?;
        view_of(Some(self.path()), data, self.shape(), self.order())
    }

    /// [`view`](DynArray::view) of the fixed rank `D` (feature `ndarray`).
    ///
    /// # Errors
    ///
    /// As [`view`](DynArray::view); [`Error::Ndarray`] with [`NdarrayProblem::Rank`] when the
    /// array's rank is not `D`'s.
    pub fn view_dim<T: Element, D: Dimension>(&self) -> Result<ArrayView<'_, T, D>> {
        fixed(Some(self.path()), self.view::<T>()?)
    }
}

/// How a view of `G`s steps over a column: the checks that ndarray's pointer constructors
/// need, in the order a user can act on them.
///
/// `stride` and `offset` are the column's, in bytes; `address` the address of the field of
/// record 0; `len` the number of records, each seen as `k` consecutive `G`s. Returns the step
/// between records in `G`s (at most `isize::MAX`), or `None` for an empty column, whose view
/// needs no pointer.
fn steps<G>(
    len: usize,
    stride: usize,
    offset: usize,
    address: usize,
    k: usize,
) -> Result<Option<usize>> {
    let type_name = core::any::type_name::<G>();
    let size = core::mem::size_of::<G>();
    let align = core::mem::align_of::<G>();
    let too_many = || {
        let message = "the number of elements does not fit in `isize`".to_string();
        let shape = if k == 1 { vec![len] } else { vec![len, k] };
        problem(None, NdarrayProblem::Shape { shape, message })
    };
    // Zero-sized elements take no bytes: any step reads nothing, and C-order steps (`k`)
    // keep a writable view's elements distinct, as ndarray wants.
    let step = match stride.checked_rem(size) {
        None => k,
        Some(0) => stride / size,
        Some(_) => {
            let stride_problem = NdarrayProblem::Stride {
                type_name,
                stride,
                size,
            };
            return Err(problem(None, stride_problem));
        }
    };
    if len == 0 {
        return Ok(None);
    }
    if !address.is_multiple_of(align) {
        let misaligned = NdarrayProblem::Misaligned {
            type_name,
            offset,
            address,
            align,
        };
        return Err(problem(None, misaligned));
    }
    let elements = len
        .checked_mul(k.max(1))
        .and_then(|n| isize::try_from(n).ok());
    if elements.is_none() || isize::try_from(step).is_err() {
        return Err(too_many());
    }
    Ok(Some(step))
}

impl<'a, F: Element> Column<'a, F> {
    /// The column as an `ndarray` view (feature `ndarray`), without copying: element `i` is
    /// the field of record `i`, and the view's stride is the record size in `F`s.
    ///
    /// ```
    /// use typed_memmap::{Column, Record};
    ///
    /// #[derive(Clone, Copy, Record)]
    /// #[repr(C)]
    /// struct Tick { ts: u64, price: f64 }
    ///
    /// let ticks = [Tick { ts: 1, price: 10.5 }, Tick { ts: 2, price: 11.0 }];
    /// let prices = Column::from_slice(&ticks, Tick::fields().price).view()?;
    /// assert_eq!(prices.strides(), [2]); // 16-byte records, 8-byte fields
    /// assert_eq!(prices.mean(), Some(10.75));
    /// # Ok::<(), typed_memmap::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Ndarray`] with [`NdarrayProblem::Stride`] when the record size is not a
    /// multiple of `size_of::<F>()`, or [`NdarrayProblem::Misaligned`] when the field is not
    /// aligned for `F` (packed records, or records at an unaligned address): read such a
    /// column by value with [`get`](Column::get), [`iter`](Column::iter) or
    /// [`to_vec`](Column::to_vec).
    pub fn view(&self) -> Result<ArrayView1<'a, F>> {
        let ptr = self.field_ptr();
        let at = ptr as usize;
        let Some(step) = steps::<F>(self.len(), self.stride(), self.offset(), at, 1)? else {
            return Ok(ArrayView1::from(&[][..]));
        };
        // SAFETY: ndarray's `from_shape_ptr` contract, with `len > 0` (`steps` returned a
        // step):
        // - element `i < len` is at `ptr + i * step` `F`s = `ptr + i * stride` bytes (`stride`
        //   is `step * size_of::<F>()`, checked by `steps`; for a zero-sized `F` nothing is
        //   read), the field of record `i`: by `Column`'s invariant it lies inside one
        //   allocation borrowed shared for `'a`, not written during `'a`, so it lives for `'a`
        //   and is not mutably aliased;
        // - `ptr` is non-null and in bounds (record 0's field, inside the allocation since
        //   `len > 0`) and aligned for `F` (checked by `steps`);
        // - every pointer the view makes lies within `ptr .. ptr + (len - 1) * stride +
        //   size_of::<F>()`, inside that allocation, so the offsets between them are at most
        //   its size, `<= isize::MAX` bytes and so `<= isize::MAX` `F`s;
        // - `len <= isize::MAX` (checked by `steps`) and the stride is non-negative;
        // - the bytes are initialised and every bit pattern is an `F` (`Element`).
        let view = unsafe { ArrayView1::from_shape_ptr(self.len().strides(step), ptr.cast::<F>()) };
        Ok(view)
    }
}

impl<'a, G: Element, const K: usize> Column<'a, [G; K]>
where
    [G; K]: Element,
{
    /// A column of `[G; K]` fields as a 2-D `ndarray` view of shape `[len, K]` (feature
    /// `ndarray`): row `i` is the field of record `i`. It needs less than
    /// [`view`](Column::view) of the whole arrays: only that the record size is a multiple
    /// of `size_of::<G>()` and the field aligned for `G`.
    ///
    /// # Errors
    ///
    /// [`Error::Ndarray`] with [`NdarrayProblem::Stride`] or [`NdarrayProblem::Misaligned`],
    /// as [`view`](Column::view), for `G`.
    pub fn view_2d(&self) -> Result<ArrayView2<'a, G>> {
        let ptr = self.field_ptr();
        let at = ptr as usize;
        let Some(step) = steps::<G>(self.len(), self.stride(), self.offset(), at, K)? else {
            return ArrayView2::from_shape((0, K), &[][..])
                .map_err(|e| shape_error(None, &[0, K], &e));
        };
        let shape = (self.len(), K).strides((step, 1));
        // SAFETY: ndarray's `from_shape_ptr` contract, with `len > 0`:
        // - element `[i, j]` (`i < len`, `j < K`) is at `ptr + (i * step + j)` `G`s: byte
        //   `i * stride + j * size_of::<G>()` from record 0's field (`stride == step *
        //   size_of::<G>()`, checked by `steps`; for a zero-sized `G` nothing is read), which
        //   is element `j` of the `[G; K]` field of record `i`: inside one allocation borrowed
        //   shared for `'a` and not written during `'a` (`Column`'s invariant);
        // - `ptr` is non-null, in bounds and aligned for `G` (checked by `steps`);
        // - every pointer the view makes lies in `ptr .. ptr + (len - 1) * stride + K *
        //   size_of::<G>()`, inside that allocation (`<= isize::MAX` bytes);
        // - `len * K <= isize::MAX` (checked by `steps`); the strides are non-negative;
        // - the bytes are initialised and every bit pattern is a `G` (`Element`).
        Ok(unsafe { ArrayView2::from_shape_ptr(shape, ptr.cast::<G>()) })
    }
}

impl<F: Element> ColumnMut<'_, F> {
    /// The column as a writable `ndarray` view (feature `ndarray`): writes go to the field of
    /// each record. See [`Column::view`].
    ///
    /// # Errors
    ///
    /// As [`Column::view`].
    pub fn view_mut(&mut self) -> Result<ArrayViewMut1<'_, F>> {
        let (len, stride, offset) = {
            let c = self.as_column();
            (c.len(), c.stride(), c.offset())
        };
        let ptr = self.field_ptr_mut();
        let Some(step) = steps::<F>(len, stride, offset, ptr as usize, 1)? else {
            return Ok(ArrayViewMut1::from(&mut [][..]));
        };
        // SAFETY: as in `Column::view`, with these differences:
        // - the records are borrowed uniquely for the column's lifetime (`ColumnMut`'s
        //   invariant) and `&mut self` for the view's, so nothing else reads or writes the
        //   elements while the view lives, and writes of any bytes keep each record valid
        //   (`Element`);
        // - the elements are distinct: `step >= 1` (a non-zero-sized `F` lies inside its
        //   record, so `stride >= size_of::<F>()`; zero-sized `F`s get step 1), so no element
        //   is reachable by two indices.
        Ok(unsafe { ArrayViewMut1::from_shape_ptr(len.strides(step), ptr.cast::<F>()) })
    }
}

impl<G: Element, const K: usize> ColumnMut<'_, [G; K]>
where
    [G; K]: Element,
{
    /// A column of `[G; K]` fields as a writable 2-D `ndarray` view of shape `[len, K]`
    /// (feature `ndarray`). See [`Column::view_2d`].
    ///
    /// # Errors
    ///
    /// As [`Column::view_2d`].
    pub fn view_2d_mut(&mut self) -> Result<ArrayViewMut2<'_, G>> {
        let (len, stride, offset) = {
            let c = self.as_column();
            (c.len(), c.stride(), c.offset())
        };
        let ptr = self.field_ptr_mut();
        let Some(step) = steps::<G>(len, stride, offset, ptr as usize, K)? else {
            return ArrayViewMut2::from_shape((0, K), &mut [][..])
                .map_err(|e| shape_error(None, &[0, K], &e));
        };
        let shape = (len, K).strides((step, 1));
        // SAFETY: as in `Column::view_2d`, with these differences:
        // - the records are borrowed uniquely for the column's lifetime (`ColumnMut`'s
        //   invariant) and `&mut self` for the view's, so nothing else reads or writes the
        //   elements while the view lives, and writes of any bytes keep each record valid;
        // - the elements are distinct: `step >= K` (a non-zero-sized `[G; K]` lies inside its
        //   record, so `stride >= K * size_of::<G>()`; zero-sized `G`s get step `K`), so
        //   `i * step + j` with `j < K` differs for every `[i, j]`.
        Ok(unsafe { ArrayViewMut2::from_shape_ptr(shape, ptr.cast::<G>()) })
    }
}

/// The elements of `a` as one slice and its memory order, when `a` is contiguous with
/// positive strides in C order (preferred: a 1-D or otherwise both-order array is C) or in
/// Fortran order.
fn contiguous<'a, T>(a: &ArrayViewD<'a, T>) -> Option<(&'a [T], Order)> {
    if let Some(data) = a.to_slice() {
        return Some((data, Order::C));
    }
    // Fortran-contiguous exactly when the reversed axes are C-contiguous.
    let data = a.clone().reversed_axes().to_slice()?;
    Some((data, Order::F))
}

/// Writes an ndarray array or view of any layout as a `.npy` file, like numpy's
/// `np.save(path, a)`: a C-contiguous array is written from its memory as
/// [`npy::write_shaped`](crate::npy::write_shaped) writes it, a Fortran-contiguous one with
/// `fortran_order: True` (numpy's rule for both-order shapes), and any other layout (a slice
/// with steps, reversed or broadcast axes) is streamed in C order through a 64 KiB buffer, so
/// memory stays bounded. numpy reads the same values in every case.
///
/// ```
/// use ndarray::{s, Array2};
/// use typed_memmap::{npy, ndarray::write_npy};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("every_other.npy");
/// let a = Array2::from_shape_fn((3, 4), |(i, j)| (10 * i + j) as u16);
/// write_npy(&path, &a.slice(s![.., ..;2]))?; // a strided view: copied in C order
/// let back = npy::read::<u16>(&path)?;
/// assert_eq!(back.shape(), [3, 2]);
/// assert_eq!(&back[..], [0, 2, 10, 12, 20, 22]);
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// As [`npy::write_shaped`](crate::npy::write_shaped): [`Error::ShapeOverflow`],
/// [`Error::Header`] when no header describes `T`'s dtype, I/O errors.
pub fn write_npy<T, S, D>(path: impl AsRef<Path>, a: &ArrayBase<S, D>) -> Result<()>
where
    T: Element,
    S: Data<Elem = T>,
    D: Dimension,
{
    write_npy_impl(path.as_ref(), a.view().into_dyn())
}

fn write_npy_impl<T: Element>(path: &Path, a: ArrayViewD<'_, T>) -> Result<()> {
    match contiguous(&a) {
        Some((data, order)) => crate::npy::write_shaped(path, data, a.shape(), order),
        None => crate::npy::write_c_order(path, a.shape(), a.iter().copied()),
    }
}

/// Creates (or truncates) a raw file holding `a` and maps it read-write, numpy's
/// `m = np.memmap(path, dtype, 'w+', offset, shape, order); m[...] = a`: the map is made by
/// [`Options::create`] with `options`' offset and hints and `a`'s shape, in Fortran order
/// when `a` is Fortran-contiguous (and not C-contiguous), else C order; the elements are
/// copied straight from `a` into the map. Reopen the file with the returned map's
/// [`shape`](MemmapMut::shape) and [`order`](MemmapMut::order) (or its
/// [`spec`](MemmapMut::spec)).
///
/// ```
/// use ndarray::{array, Ix2};
/// use typed_memmap::{ndarray::create_map, Options, Order};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("t.f32");
/// let a = array![[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.0]];
/// // SAFETY: the file is private to this example; nobody else writes or truncates it.
/// let m = unsafe { create_map(&Options::new(), &path, &a.t())? };
/// assert_eq!((m.shape(), m.order()), (&[3, 2][..], Order::F)); // a.t() is Fortran-contiguous
/// assert_eq!(&m[..], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]); // so its memory was copied as is
/// assert_eq!(m.view_dim::<Ix2>()?, a.t());
/// # Ok(()) }
/// ```
///
/// # Safety
///
/// See [`Options#safety`](crate::Options#safety): nobody may truncate the file or write its
/// mapped bytes while the map lives.
///
/// # Errors
///
/// As [`Options::create`]: [`Error::Misaligned`], [`Error::ShapeOverflow`], I/O errors.
pub unsafe fn create_map<T, S, D>(
    options: &Options<T>,
    path: impl AsRef<Path>,
    a: &ArrayBase<S, D>,
) -> Result<MemmapMut<T>>
where
    T: Element,
    S: Data<Elem = T>,
    D: Dimension,
{
    // SAFETY: the caller upholds `Options#safety`.
    unsafe { create_map_impl(options, path.as_ref(), a.view().into_dyn()) }
}

/// # Safety
///
/// As [`create_map`].
unsafe fn create_map_impl<T: Element>(
    options: &Options<T>,
    path: &Path,
    a: ArrayViewD<'_, T>,
) -> Result<MemmapMut<T>> {
    let layout = contiguous(&a);
    let order = layout.map_or(Order::C, |(_, order)| order);
    let options = options.clone().shape(a.shape()).order(order);
    // SAFETY: the caller upholds `Options#safety`.
    let mut map = unsafe { options.create(path) }?;
    match layout {
        // Same shape and memory order: the memory is the same sequence.
        Some((data, _)) => map.copy_from_slice(data),
        None => map.view_mut()?.assign(&a),
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use ::ndarray::{s, Array2, ArrayView1, Ix0, Ix1, Ix2, Ix3};

    use super::*;
    use crate::Record;

    #[derive(Clone, Copy, Debug, PartialEq, Record)]
    #[repr(C)]
    struct Tick {
        ts: u64,
        price: f64,
        qty: u32,
        side: u8,
        _pad: [u8; 3],
    }

    #[derive(Clone, Copy, Record)]
    #[repr(C, packed)]
    struct Packed {
        flag: u8,
        price: f64,
        qty: u32,
        _pad: [u8; 3],
    }

    #[derive(Clone, Copy, Record)]
    #[repr(C)]
    struct Star {
        pos: [f32; 3],
        mag: f32,
    }

    fn ticks(n: usize) -> Vec<Tick> {
        (0..n)
            .map(|i| Tick {
                ts: 1000 + i as u64,
                price: 0.5 * i as f64,
                qty: 3 * i as u32,
                side: (i % 2) as u8,
                _pad: [0; 3],
            })
            .collect()
    }

    fn problem_of(err: Error) -> NdarrayProblem {
        match err {
            Error::Ndarray { problem, .. } => problem,
            other => panic!("not an ndarray error: {other:?}"),
        }
    }

    #[test]
    fn array_views_index_like_get_in_both_orders() {
        for order in [Order::C, Order::F] {
            for shape in [vec![], vec![5], vec![2, 3], vec![2, 3, 4], vec![0, 3]] {
                let n: usize = shape.iter().product();
                let data: Vec<i32> = (0..n as i32).collect();
                let mut a = Array::from_vec(data, shape.clone(), order).unwrap();
                let v = a.view().unwrap();
                assert_eq!(v.shape(), &shape[..]);
                assert_eq!(v.len(), n);
                for (index, value) in v.indexed_iter() {
                    assert_eq!(a.get(index.slice()), Some(value), "{order} {shape:?}");
                }
                if n > 0 {
                    assert_eq!(v.as_ptr(), a.as_ptr(), "a view, not a copy");
                }
                a.view_mut().unwrap().map_inplace(|x| *x = -*x);
                let negated = a.iter().enumerate().all(|(i, &x)| x == -(i as i32));
                assert!(negated, "{order} {shape:?}");
            }
        }
    }

    #[test]
    fn fixed_rank_views_check_the_rank() {
        let a = Array::from_vec(vec![1u8, 2, 3, 4, 5, 6], vec![2, 3], Order::F).unwrap();
        let v = a.view_dim::<Ix2>().unwrap();
        assert_eq!(v[[1, 0]], 2);
        assert_eq!(v[[0, 1]], 3);
        let err = a.view_dim::<Ix3>().unwrap_err();
        assert_eq!(
            problem_of(err),
            NdarrayProblem::Rank {
                shape: vec![2, 3],
                wanted: 3
            }
        );
        let err = a.view_dim::<Ix1>().unwrap_err();
        assert!(
            err.to_string().contains("shape [2, 3], 2 axes, not the 1"),
            "{err}"
        );
        let zero = Array::from_vec(vec![9u8], vec![], Order::C).unwrap();
        assert_eq!(zero.view_dim::<Ix0>().unwrap()[()], 9);
    }

    #[test]
    fn too_many_zero_sized_elements_are_refused() {
        let huge = usize::MAX / 2 + 2;
        let mut data: Vec<[u8; 0]> = Vec::new();
        #[allow(clippy::uninit_vec, reason = "a `[u8; 0]` has no bytes to initialise")]
        // SAFETY: a `Vec` of a zero-sized type has capacity `usize::MAX`, and a `[u8; 0]` has
        // no bytes to initialise. (`vec![x; huge]` would clone `huge` times.)
        unsafe {
            data.set_len(huge)
        };
        let a = Array::from_vec(data, vec![huge], Order::C).unwrap();
        let err = a.view().unwrap_err();
        assert!(matches!(problem_of(err), NdarrayProblem::Shape { .. }));
    }

    #[test]
    fn aligned_columns_are_strided_views() {
        let t = ticks(5);
        let price = Column::from_slice(&t, Tick::fields().price).view().unwrap();
        assert_eq!(price.strides(), [3]);
        assert_eq!(
            price.to_vec(),
            t.iter().map(|t| t.price).collect::<Vec<_>>()
        );
        let qty = Column::from_slice(&t, Tick::fields().qty).view().unwrap();
        assert_eq!(qty.strides(), [6]);
        assert_eq!(qty[4], 12);
        let empty = Column::from_slice(&t[..0], Tick::fields().ts)
            .view()
            .unwrap();
        assert_eq!(empty.len(), 0);
    }

    #[test]
    fn zero_sized_columns_are_views_of_nothing() {
        let data = [[0u16; 0]; 5];
        let column = Column::from_slice(&data, crate::FieldHandle::whole());
        assert_eq!(column.view().unwrap().len(), 5);
        let mut data = [[[0u32; 0]; 2]; 3];
        let mut column = ColumnMut::from_slice_mut(&mut data, crate::FieldHandle::whole());
        let v = column.view_2d_mut().unwrap();
        assert_eq!((v.shape(), v.strides()), (&[3, 2][..], &[2, 1][..]));
    }

    #[test]
    fn writable_columns_write_through() {
        let mut t = ticks(4);
        let mut col = ColumnMut::from_slice_mut(&mut t, Tick::fields().qty);
        col.view_mut().unwrap().fill(9);
        assert!(t.iter().all(|t| t.qty == 9 && t.ts >= 1000));
        let mut stars = vec![
            Star {
                pos: [0.0; 3],
                mag: 1.0
            };
            3
        ];
        let mut pos = ColumnMut::from_slice_mut(&mut stars, Star::fields().pos);
        let mut v = pos.view_2d_mut().unwrap();
        v.column_mut(1).fill(2.0);
        v[[2, 0]] = 5.0;
        assert_eq!(stars[2].pos, [5.0, 2.0, 0.0]);
        assert!(stars.iter().all(|s| s.mag == 1.0));
    }

    #[test]
    fn subarray_fields_get_a_trailing_axis() {
        let stars: Vec<Star> = (0..4)
            .map(|i| Star {
                pos: [i as f32, 10.0 + i as f32, 20.0 + i as f32],
                mag: -1.0,
            })
            .collect();
        let pos = Column::from_slice(&stars, Star::fields().pos);
        let v = pos.view_2d().unwrap();
        assert_eq!((v.shape(), v.strides()), (&[4, 3][..], &[4, 1][..]));
        for (i, star) in stars.iter().enumerate() {
            assert_eq!(v.row(i).to_vec(), star.pos);
        }
        let err = pos.view().unwrap_err();
        assert_eq!(
            problem_of(err),
            NdarrayProblem::Stride {
                type_name: core::any::type_name::<[f32; 3]>(),
                stride: 16,
                size: 12
            }
        );
        let none = Column::from_slice(&stars[..0], Star::fields().pos);
        assert_eq!(none.view_2d().unwrap().shape(), [0, 3]);
    }

    #[test]
    fn packed_fields_are_refused_with_the_reason() {
        let p = [Packed {
            flag: 1,
            price: 2.5,
            qty: 3,
            _pad: [0; 3],
        }; 3];
        // 16-byte records: the stride suits `f64`, the address does not.
        let price = Column::from_slice(&p, Packed::fields().price);
        assert_eq!(price.stride(), 16);
        let err = price.view().unwrap_err();
        let text = err.to_string();
        match problem_of(err) {
            NdarrayProblem::Misaligned {
                offset,
                address,
                align,
                ..
            } => {
                assert_eq!((offset, align), (1, 8));
                assert_eq!(address, &raw const p[0].price as usize);
            }
            other => panic!("{other:?}"),
        }
        assert!(
            text.contains("not a multiple of 8") && text.contains("`Column`"),
            "{text}"
        );
        // The `u8` field at offset 0 needs no alignment: it is a view.
        let flags = Column::from_slice(&p, Packed::fields().flag)
            .view()
            .unwrap();
        assert_eq!(
            (flags.to_vec(), flags.strides()),
            (vec![1, 1, 1], &[16][..])
        );
    }

    #[test]
    fn odd_strides_are_refused_even_when_empty() {
        #[derive(Clone, Copy, Record)]
        #[repr(C, packed)]
        struct Odd {
            a: u32,
            b: u8,
        }
        let odd = [Odd { a: 1, b: 2 }; 2];
        for records in [&odd[..], &odd[..0]] {
            let err = Column::from_slice(records, Odd::fields().a)
                .view()
                .unwrap_err();
            let text = err.to_string();
            assert_eq!(
                problem_of(err),
                NdarrayProblem::Stride {
                    type_name: "u32",
                    stride: 5,
                    size: 4
                }
            );
            assert!(
                text.contains("stride of 5 bytes is not a multiple of 4"),
                "{text}"
            );
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "file I/O")]
    fn npy_from_non_contiguous_views_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let a = Array2::from_shape_fn((4, 5), |(i, j)| (i * 5 + j) as i64);
        let cases: [(&str, ArrayViewD<'_, i64>); 4] = [
            ("c", a.view().into_dyn()),
            ("f", a.t().into_dyn()),
            ("strided", a.slice(s![..;2, 1..;2]).into_dyn()),
            ("reversed", a.slice(s![..;-1, ..]).into_dyn()),
        ];
        for (name, view) in cases {
            let path = dir.path().join(format!("{name}.npy"));
            write_npy(&path, &view).unwrap();
            let back = crate::npy::read::<i64>(&path).unwrap();
            assert_eq!(back.view().unwrap(), view, "{name}");
        }
        let one: ArrayView1<'_, i64> = a.row(1);
        let path = dir.path().join("row.npy");
        write_npy(&path, &one).unwrap();
        assert_eq!(
            &crate::npy::read::<i64>(&path).unwrap()[..],
            [5, 6, 7, 8, 9]
        );
    }
}
