//! [`Array<T>`]: an array read into memory, the safe copying twin of a map.

use std::fmt;
use std::fs::File;
use std::ops::{Deref, DerefMut};
use std::path::Path;

use crate::element::{bytes_of_mut, Element};
use crate::error::{Error, Result};
use crate::pio::read_exact_at;
use crate::shape::{byte_extent, element_count, linear_index, strides, Order};

/// An owned n-d array of `T`, read from a file by [`Options::read`](crate::Options::read) with
/// the same checks as a map, but copied: safe whatever other processes do to the file.
///
/// ```
/// use typed_memmap::Options;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("data.i8");
/// std::fs::write(&path, [1u8, 2, 3, 4, 5, 6])?;
/// let a = Options::<i8>::new().shape([2, 3]).read(&path)?;
/// assert_eq!(a.get(&[1, 0]), Some(&4));
/// assert_eq!(a.to_string(), "[[1 2 3]\n [4 5 6]]");
/// assert_eq!(a.into_vec(), [1, 2, 3, 4, 5, 6]);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Array<T> {
    data: Vec<T>,
    shape: Vec<usize>,
    order: Order,
}

impl<T: Element> Array<T> {
    /// An array from its elements in memory order; `None` if `data.len()` is not the product
    /// of `shape`, or if the shape is one no map accepts (its byte strides would overflow,
    /// as for `[0, usize::MAX, 2]`).
    pub fn from_vec(data: Vec<T>, shape: Vec<usize>, order: Order) -> Option<Array<T>> {
        let fits = byte_extent(&shape, core::mem::size_of::<T>()).is_some();
        (fits && element_count(&shape) == Some(data.len())).then_some(Array { data, shape, order })
    }

    /// Reads `prod(shape)` elements at `offset` from `file` (sizes already checked).
    pub(crate) fn read_at(
        file: &File,
        path: &Path,
        offset: u64,
        shape: Vec<usize>,
        order: Order,
    ) -> Result<Array<T>> {
        let len: usize = shape.iter().product();
        let mut data: Vec<T> = Vec::with_capacity(len);
        // Zeroed in one `memset` rather than element by element: `Vec::resize` loops once per
        // element, which for a zero-sized `T` and a shape like `[usize::MAX]` never ends.
        // SAFETY:
        // - `spare_capacity_mut` is valid for writes of `len` `MaybeUninit<T>`s (the capacity
        //   is at least `len`; for a zero-sized `T`, `len * 0` bytes are written);
        // - any bytes are a valid `MaybeUninit<T>`.
        unsafe { core::ptr::write_bytes(data.spare_capacity_mut().as_mut_ptr(), 0, len) };
        // SAFETY:
        // - `len <= capacity`;
        // - the first `len` elements are initialised: all their bytes are zero, and every bit
        //   pattern is a valid `T` (the `Element` contract).
        unsafe { data.set_len(len) };
        read_exact_at(file, bytes_of_mut(&mut data), offset)
            .map_err(|e| Error::io("read", path, e))?;
        Ok(Array { data, shape, order })
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The memory order.
    pub fn order(&self) -> Order {
        self.order
    }

    /// numpy's byte strides.
    pub fn strides(&self) -> Vec<usize> {
        strides(&self.shape, core::mem::size_of::<T>(), self.order).unwrap_or_default()
    }

    /// The element at an n-d index, or `None` if out of bounds.
    pub fn get(&self, index: &[usize]) -> Option<&T> {
        self.data.get(linear_index(&self.shape, self.order, index)?)
    }

    /// The element at an n-d index, writable.
    pub fn get_mut(&mut self, index: &[usize]) -> Option<&mut T> {
        let pos = linear_index(&self.shape, self.order, index)?;
        self.data.get_mut(pos)
    }

    /// The elements in memory order.
    pub fn into_vec(self) -> Vec<T> {
        self.data
    }
}

impl<T: Element> Deref for Array<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.data
    }
}

impl<T: Element> DerefMut for Array<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        &mut self.data
    }
}

impl<T: Element> fmt::Debug for Array<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Array")
            .field("dtype", &T::dtype().descr())
            .field("shape", &self.shape)
            .field("order", &self.order)
            .finish()
    }
}

impl<T: Element> fmt::Display for Array<T> {
    /// Prints the array the way numpy's `print(arr)` does.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::display::fmt_array(
            f,
            crate::element::bytes_of(&self.data),
            &T::dtype(),
            &self.shape,
            self.order,
        )
    }
}
