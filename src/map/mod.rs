//! [`Memmap<T>`] and [`MemmapMut<T>`]: the only owners of a mapping.
//!
//! Both are made by [`Options`](crate::Options) (see there for modes and safety). After that
//! everything is safe: they dereference to `&[T]` / `&mut [T]` in memory order, index n-d
//! with [`get`](Memmap::get), report numpy's attributes (`shape`, byte `strides`, `offset`,
//! `itemsize`, `nbytes`, `mode`), and print like numpy. Dropping a map unmaps it; it does not
//! flush (the kernel writes dirty pages of a shared map back on its own; call
//! [`MemmapMut::flush`] for durability).

mod advice;
mod backing;
mod engine;
mod mode;

use std::fmt;
use std::fs::File;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut, Range};
use std::path::{Path, PathBuf};

pub use advice::Advice;
pub(crate) use backing::Backing;
use engine::Mapped;
pub(crate) use engine::{describe, ElementInfo, Request, Source};
pub use mode::{Mode, ParseModeError};

use crate::dtype::Dtype;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::shape::{linear_index, strides, Order};

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
    // Inlined: `as_slice` and `get` call it on every access.
    #[inline]
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
    file: File,
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
    file: File,
    _element: PhantomData<T>,
}

macro_rules! shared_accessors {
    ($ty:ident) => {
        impl<T: Element> $ty<T> {
            fn from_mapped(mapped: Mapped) -> Self {
                $ty {
                    backing: mapped.backing,
                    meta: mapped.meta,
                    file: mapped.file,
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

            /// Checks that the file still holds every byte of the array, with one `fstat`:
            /// after another process truncated the file, this map keeps its old length, and
            /// touching a page past the new end of the file kills the process with `SIGBUS`
            /// (see the [safety contract](crate::Options#safety)).
            ///
            /// It is a check, not a guard: the file can shrink right after it returns `Ok`.
            /// Use it where a truncation is possible but not expected (before a scan, after a
            /// long pause), and keep the promise of the contract. For this check the map keeps
            /// the file open: one descriptor per map, taken over from the path it opened, or a
            /// duplicate (`dup`) of the `File` it was given; it is closed when the map drops.
            /// An empty array maps no bytes, so it only fails when the file was cut below its
            /// offset. (Windows refuses to shrink a file below a mapped view, so there the
            /// check finds nothing unless the map is empty.)
            ///
            /// ```
            /// use typed_memmap::{Error, Options};
            /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
            /// let dir = tempfile::tempdir()?;
            /// let path = dir.path().join("data.u32");
            /// std::fs::write(&path, [0u8; 16])?;
            /// // SAFETY: the file is truncated below, but the map is not touched after that.
            /// let map = unsafe { Options::<u32>::new().open(&path)? };
            /// map.check_len()?;
            /// std::fs::OpenOptions::new().write(true).open(&path)?.set_len(6)?;
            /// let err = map.check_len().unwrap_err();
            /// assert!(matches!(err, Error::Truncated { file_len: 6, mapped_end: 16, .. }));
            /// # Ok(()) }
            /// ```
            ///
            /// # Errors
            ///
            /// [`Error::Truncated`] when the file is now shorter than the map's
            /// `offset + nbytes`; [`Error::Io`] when the `fstat` fails.
            pub fn check_len(&self) -> Result<()> {
                let file_len = self
                    .file
                    .metadata()
                    .map_err(|e| Error::io("stat", &self.meta.path, e))?
                    .len();
                // No overflow: `offset + nbytes` was checked when the map was made.
                let mapped_end = self.meta.offset + self.nbytes() as u64;
                if file_len < mapped_end {
                    return Err(Error::Truncated {
                        path: self.meta.path.clone(),
                        offset: self.meta.offset,
                        mapped_end,
                        file_len,
                    });
                }
                Ok(())
            }

            /// A descriptor of this map (path made absolute, dtype, offset, shape, order,
            /// mode) that another process can reopen as the same view, or
            /// [`split`](crate::MapSpec::split) into row ranges; see [`MapSpec`](crate::MapSpec).
            ///
            /// # Errors
            ///
            /// [`Error::Io`] when the path cannot be resolved (the file was removed or
            /// renamed, or the map was made from a `File` whose path is unknown).
            pub fn spec(&self) -> Result<crate::MapSpec> {
                let m = &self.meta;
                let dtype = T::dtype().descr();
                crate::MapSpec::of_file(&m.path, dtype, m.offset, &m.shape, m.order, m.mode)
            }

            /// Gives the kernel a paging hint for the whole map (`madvise`). A no-op that
            /// succeeds where the platform has no hints (Windows; see [`Advice`]).
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

impl<T: Element> Memmap<T> {
    /// Maps `source` read-only as `T` (mode `r`): the typed entry point of the engine.
    ///
    /// # Safety
    ///
    /// The caller upholds [`Options#safety`](crate::Options#safety) for the file.
    pub(crate) unsafe fn map(request: &Request<'_>, source: Source<'_>) -> Result<Self> {
        // SAFETY: the contract is forwarded from the caller; the mapping is made for `T` and
        // in mode `r`, and becomes a read-only map of `T`.
        let mapped = unsafe { request.map(ElementInfo::of::<T>(), source, Mode::ReadOnly) }?;
        Ok(Memmap::from_mapped(mapped))
    }
}

impl<T: Element> MemmapMut<T> {
    /// Maps `source` as `T` in a writable `mode`: the typed entry point of the engine.
    ///
    /// # Safety
    ///
    /// The caller upholds [`Options#safety`](crate::Options#safety) for the file, and `mode`
    /// is not [`Mode::ReadOnly`] (a read-only map cannot be written through).
    pub(crate) unsafe fn map(
        request: &Request<'_>,
        source: Source<'_>,
        mode: Mode,
    ) -> Result<Self> {
        // SAFETY: the contract is forwarded from the caller; the mapping is made for `T`, and
        // in a writable mode (caller), so its backing is `Writable` or `Empty`.
        let mapped = unsafe { request.map(ElementInfo::of::<T>(), source, mode) }?;
        Ok(MemmapMut::from_mapped(mapped))
    }

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
        self.write_back(memmap2::MmapMut::flush)
    }

    /// Starts writing every dirty page back without waiting (`msync(MS_ASYNC)`).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the kernel refuses.
    pub fn flush_async(&self) -> Result<()> {
        self.write_back(memmap2::MmapMut::flush_async)
    }

    /// Writes the pages holding the elements `range` (positions in memory order) and waits.
    ///
    /// # Errors
    ///
    /// [`Error::FlushRange`] if the range is out of bounds; [`Error::Io`] on a write-back
    /// failure.
    pub fn flush_range(&self, range: Range<usize>) -> Result<()> {
        let len = self.meta.len();
        if range.start > range.end || range.end > len {
            return Err(Error::FlushRange {
                path: self.meta.path.clone(),
                start: range.start,
                end: range.end,
                len,
            });
        }
        let size = core::mem::size_of::<T>();
        let (start, bytes) = (range.start * size, (range.end - range.start) * size);
        self.write_back(|m| m.flush_range(start, bytes))
    }

    /// Runs `sync` on the map where writing back means something: not for copy-on-write maps
    /// (their file never changes) nor for empty ones (nothing is mapped).
    fn write_back(
        &self,
        sync: impl FnOnce(&memmap2::MmapMut) -> std::io::Result<()>,
    ) -> Result<()> {
        match (&self.backing, self.meta.mode) {
            (_, Mode::CopyOnWrite) | (Backing::Empty, _) | (Backing::ReadOnly(_), _) => Ok(()),
            (Backing::Writable(m), _) => {
                sync(m).map_err(|e| Error::io("flush", &self.meta.path, e))
            }
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
