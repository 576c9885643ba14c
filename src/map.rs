//! [`Memmap<T>`] and [`MemmapMut<T>`]: the only owners of a mapping.
//!
//! Both are made by [`Options`](crate::Options) (see there for modes and safety). After that
//! everything is safe: they dereference to `&[T]` / `&mut [T]` in memory order, index n-d
//! with [`get`](Memmap::get), report numpy's attributes (`shape`, byte `strides`, `offset`,
//! `itemsize`, `nbytes`, `mode`), and print like numpy. Dropping a map unmaps it; it does not
//! flush (the kernel writes dirty pages of a shared map back on its own; call
//! [`MemmapMut::flush`] for durability).

use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut, Range};
use std::path::{Path, PathBuf};
use std::ptr::NonNull;

use crate::dtype::Dtype;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::options::{Advice, Mode};
use crate::shape::{linear_index, strides, Order};

/// The memory behind a map.
pub(crate) enum Backing {
    /// A zero-byte array: nothing is mapped.
    Empty,
    /// A read-only shared map (`r`).
    ReadOnly(memmap2::Mmap),
    /// A writable map, shared (`r+`, `w+`) or private (`c`).
    Writable(memmap2::MmapMut),
}

impl Backing {
    /// The address of the first byte, for the alignment check.
    pub(crate) fn addr(&self) -> usize {
        match self {
            Backing::Empty => 0,
            Backing::ReadOnly(m) => m.as_ptr() as usize,
            Backing::Writable(m) => m.as_ptr() as usize,
        }
    }

    pub(crate) fn advise(&self, advice: Advice) -> std::io::Result<()> {
        #[cfg(unix)]
        match self {
            Backing::Empty => Ok(()),
            Backing::ReadOnly(m) => m.advise(advice.to_memmap2()),
            Backing::Writable(m) => m.advise(advice.to_memmap2()),
        }
        #[cfg(not(unix))]
        {
            let _ = advice;
            Ok(())
        }
    }

    /// The mapped bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            Backing::Empty => &[],
            Backing::ReadOnly(m) => m,
            Backing::Writable(m) => m,
        }
    }

    /// A pointer to `len` elements of `T`: the map's start, or a dangling aligned pointer
    /// when nothing is mapped (then `len * size_of::<T>() == 0`).
    fn ptr<T>(&self) -> *const T {
        match self {
            Backing::Empty => NonNull::<T>::dangling().as_ptr(),
            Backing::ReadOnly(m) => m.as_ptr().cast(),
            Backing::Writable(m) => m.as_ptr().cast(),
        }
    }

    fn ptr_mut<T>(&mut self) -> *mut T {
        match self {
            Backing::Writable(m) => m.as_mut_ptr().cast(),
            // Read-only backings never reach a `MemmapMut`; for `Empty` the pointer is never
            // written through (the slice has no bytes).
            Backing::Empty | Backing::ReadOnly(_) => NonNull::<T>::dangling().as_ptr(),
        }
    }
}

/// What a map knows about itself besides its memory.
#[derive(Clone, Debug)]
pub(crate) struct Meta {
    pub(crate) shape: Vec<usize>,
    pub(crate) order: Order,
    pub(crate) offset: u64,
    pub(crate) mode: Mode,
    pub(crate) path: PathBuf,
}

impl Meta {
    fn len(&self) -> usize {
        // Checked when the map was made.
        self.shape.iter().product()
    }
}

/// A read-only map of a file as an array of `T` (numpy mode `r`).
///
/// Made by [`Options::open`](crate::Options::open); dereferences to `&[T]` in memory order.
///
/// ```
/// use typed_memmap::{Memmap, Options};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("data.u16");
/// std::fs::write(&path, [1u8, 0, 2, 0, 3, 0])?;
/// // SAFETY: the file is private to this example; nobody else writes or truncates it.
/// let map: Memmap<u16> = unsafe { Options::new().open(&path)? };
/// assert_eq!(&map[..], [1, 2, 3]);
/// assert_eq!(map.to_string(), "[1 2 3]");
/// # Ok(()) }
/// ```
pub struct Memmap<T> {
    backing: Backing,
    meta: Meta,
    _element: PhantomData<T>,
}

/// A writable map of a file as an array of `T` (numpy modes `r+`, `w+` and `c`).
///
/// Made by [`Options::open_mut`](crate::Options::open_mut),
/// [`Options::create`](crate::Options::create) or
/// [`Options::open_copy`](crate::Options::open_copy); dereferences to `&mut [T]`.
pub struct MemmapMut<T> {
    backing: Backing,
    meta: Meta,
    _element: PhantomData<T>,
}

macro_rules! shared_accessors {
    ($ty:ident) => {
        impl<T: Element> $ty<T> {
            pub(crate) fn from_parts(backing: Backing, meta: Meta) -> Self {
                $ty {
                    backing,
                    meta,
                    _element: PhantomData,
                }
            }

            /// The elements in memory order.
            pub fn as_slice(&self) -> &[T] {
                let len = self.meta.len();
                // SAFETY:
                // - the pointer is aligned for `T`: the map starts `offset % page` bytes into
                //   a page, `offset` is a multiple of `align_of::<T>()` and the start address
                //   was checked against the alignment when the map was made; or it is
                //   `NonNull::dangling()`, which is aligned;
                // - it is valid for reads of `len * size_of::<T>()` bytes: the map is exactly
                //   that long (checked against the file, and `<= isize::MAX`), or the product
                //   is 0 and nothing is read;
                // - every byte pattern is a valid `T` (the `Element` contract);
                // - the memory is not written for the lifetime of the borrow: not through this
                //   map (the borrow is shared), and not from outside, which the caller of the
                //   unsafe constructor promised (`Options#safety`).
                unsafe { std::slice::from_raw_parts(self.backing.ptr::<T>(), len) }
            }

            /// The shape (numpy's `shape`).
            pub fn shape(&self) -> &[usize] {
                &self.meta.shape
            }

            /// The number of dimensions.
            pub fn ndim(&self) -> usize {
                self.meta.shape.len()
            }

            /// The byte strides, numpy's `strides`: bytes to step along each axis.
            pub fn strides(&self) -> Vec<usize> {
                // Cannot overflow: the array's byte size was checked when it was mapped.
                strides(&self.meta.shape, core::mem::size_of::<T>(), self.meta.order)
                    .unwrap_or_default()
            }

            /// The memory order.
            pub fn order(&self) -> Order {
                self.meta.order
            }

            /// The byte offset of the first element in the file.
            pub fn offset(&self) -> u64 {
                self.meta.offset
            }

            /// The size of one element in bytes.
            pub fn itemsize(&self) -> usize {
                core::mem::size_of::<T>()
            }

            /// The size of the array in bytes.
            pub fn nbytes(&self) -> usize {
                self.meta.len() * core::mem::size_of::<T>()
            }

            /// The mode the file was mapped with.
            pub fn mode(&self) -> Mode {
                self.meta.mode
            }

            /// The mapped file.
            pub fn path(&self) -> &Path {
                &self.meta.path
            }

            /// The dtype of the elements.
            pub fn dtype(&self) -> Dtype {
                T::dtype()
            }

            /// The element at an n-d index (one index per axis, honouring the order), or
            /// `None` if the index has the wrong rank or is out of bounds.
            pub fn get(&self, index: &[usize]) -> Option<&T> {
                let pos = linear_index(&self.meta.shape, self.meta.order, index)?;
                self.as_slice().get(pos)
            }

            /// The array's bytes as they are in the file.
            pub fn as_bytes(&self) -> &[u8] {
                self.backing.bytes()
            }

            /// Gives the kernel a paging hint for the whole map (`madvise`).
            ///
            /// # Errors
            ///
            /// [`Error::Io`] when the kernel refuses the hint.
            pub fn advise(&self, advice: Advice) -> Result<()> {
                self.backing
                    .advise(advice)
                    .map_err(|e| Error::io("advise", &self.meta.path, e))
            }
        }

        impl<T: Element> Deref for $ty<T> {
            type Target = [T];
            fn deref(&self) -> &[T] {
                self.as_slice()
            }
        }

        impl<T: Element> AsRef<[T]> for $ty<T> {
            fn as_ref(&self) -> &[T] {
                self.as_slice()
            }
        }

        impl<'a, T: Element> IntoIterator for &'a $ty<T> {
            type Item = &'a T;
            type IntoIter = std::slice::Iter<'a, T>;
            fn into_iter(self) -> Self::IntoIter {
                self.as_slice().iter()
            }
        }

        impl<T: Element> fmt::Debug for $ty<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty))
                    .field("path", &self.meta.path)
                    .field("mode", &self.meta.mode)
                    .field("dtype", &T::dtype().descr())
                    .field("shape", &self.meta.shape)
                    .field("order", &self.meta.order)
                    .field("offset", &self.meta.offset)
                    .finish()
            }
        }

        impl<T: Element> fmt::Display for $ty<T> {
            /// Prints the array the way numpy's `print(arr)` does.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                crate::display::fmt_array(
                    f,
                    crate::element::bytes_of(self.as_slice()),
                    &T::dtype(),
                    &self.meta.shape,
                    self.meta.order,
                )
            }
        }
    };
}

shared_accessors!(Memmap);
shared_accessors!(MemmapMut);

impl<T: Element> MemmapMut<T> {
    /// The elements in memory order, writable.
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        let len = self.meta.len();
        // SAFETY:
        // - alignment, length and validity of every byte pattern as in `as_slice`;
        // - the backing is `Writable` (a `MemmapMut` is only made from writable maps), so the
        //   memory may be written; or `Empty`, and then the slice covers zero bytes;
        // - no other reference to the memory exists for the borrow: it is unique through
        //   `&mut self`, and the caller of the unsafe constructor promised no one outside
        //   touches the mapped bytes (`Options#safety`).
        unsafe { std::slice::from_raw_parts_mut(self.backing.ptr_mut::<T>(), len) }
    }

    /// The element at an n-d index, writable; `None` if out of bounds.
    pub fn get_mut(&mut self, index: &[usize]) -> Option<&mut T> {
        let pos = linear_index(&self.meta.shape, self.meta.order, index)?;
        self.as_mut_slice().get_mut(pos)
    }

    /// Writes every dirty page of the map to the file and waits (`msync(MS_SYNC)`). A no-op
    /// for copy-on-write maps, whose file never changes.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the kernel reports a write-back failure.
    pub fn flush(&self) -> Result<()> {
        match (&self.backing, self.meta.mode) {
            (_, Mode::CopyOnWrite) | (Backing::Empty, _) | (Backing::ReadOnly(_), _) => Ok(()),
            (Backing::Writable(m), _) => m
                .flush()
                .map_err(|e| Error::io("flush", &self.meta.path, e)),
        }
    }

    /// Starts writing every dirty page back without waiting (`msync(MS_ASYNC)`).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the kernel refuses.
    pub fn flush_async(&self) -> Result<()> {
        match (&self.backing, self.meta.mode) {
            (_, Mode::CopyOnWrite) | (Backing::Empty, _) | (Backing::ReadOnly(_), _) => Ok(()),
            (Backing::Writable(m), _) => m
                .flush_async()
                .map_err(|e| Error::io("flush", &self.meta.path, e)),
        }
    }

    /// Writes the pages holding the elements `range` (positions in memory order) and waits.
    ///
    /// # Errors
    ///
    /// [`Error::Mode`] if the range is out of bounds; [`Error::Io`] on a write-back failure.
    pub fn flush_range(&self, range: Range<usize>) -> Result<()> {
        let len = self.meta.len();
        if range.start > range.end || range.end > len {
            return Err(Error::mode(
                &self.meta.path,
                format_args!(
                    "flush range {}..{} is not within the array's {len} elements; give a \
                     range of element positions inside 0..{len}",
                    range.start, range.end
                ),
            ));
        }
        let size = core::mem::size_of::<T>();
        match (&self.backing, self.meta.mode) {
            (_, Mode::CopyOnWrite) | (Backing::Empty, _) | (Backing::ReadOnly(_), _) => Ok(()),
            (Backing::Writable(m), _) => m
                .flush_range(range.start * size, (range.end - range.start) * size)
                .map_err(|e| Error::io("flush", &self.meta.path, e)),
        }
    }
}

impl<T: Element> DerefMut for MemmapMut<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        self.as_mut_slice()
    }
}

impl<T: Element> AsMut<[T]> for MemmapMut<T> {
    fn as_mut(&mut self) -> &mut [T] {
        self.as_mut_slice()
    }
}

impl<'a, T: Element> IntoIterator for &'a mut MemmapMut<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_mut_slice().iter_mut()
    }
}
