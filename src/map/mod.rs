//! [`Memmap<T>`] and [`MemmapMut<T>`]: the only owners of a mapping.
//!
//! Both are made by [`Options`](crate::Options) (see there for modes and safety). After that
//! everything is safe: they dereference to `&[T]` / `&mut [T]` in memory order, index n-d
//! with [`get`](Memmap::get), report numpy's attributes (`shape`, byte `strides`, `offset`,
//! `itemsize`, `nbytes`, `mode`), and print like numpy. A writable map grows or shrinks along
//! its slowest axis with [`MemmapMut::resize`] and [`MemmapMut::reserve`] (1-D arrays and
//! C-order arrays along axis 0; the file grows zero-filled, as numpy's `r+` growth does).
//!
//! What dropping a map does and does not do, and what Windows needs before a mapped file
//! can be removed, is said once, on [`MemmapMut`](MemmapMut#dropping-and-closing).

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
pub(crate) use engine::{
    describe, open_nonblocking, refuse_kind, refuse_pipe, ElementInfo, Request, Source,
};
pub use mode::{Mode, ParseModeError};

use crate::dtype::Dtype;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::shape::{byte_extent, element_count, linear_index, strides, Order};

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
///
/// Dropping it unmaps it and closes its file; [`close`](Memmap::close) does the same at a
/// point you choose. See [`MemmapMut`](MemmapMut#dropping-and-closing) for what `Drop` does
/// not do and what Windows needs before the file can be removed or truncated.
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
///
/// # Dropping and closing
///
/// Dropping a map unmaps it and closes the file handle it keeps (for
/// [`check_len`](MemmapMut::check_len)). It does **not** flush: the kernel writes the dirty
/// pages of a shared map back on its own schedule, and a failure of that write-back is never
/// reported to this process. `Drop` cannot return an error, so it swallows the ones unmapping
/// and closing could give. [`close`](MemmapMut::close) is the deterministic end: it flushes
/// (`msync(MS_SYNC)`), unmaps, closes, and returns the flush error.
///
/// On Windows a file cannot be removed, renamed over or truncated while a view of it is mapped
/// or a handle to it is open, and every map holds both (its view, and the `File` it keeps for
/// `check_len`). Close or drop every map of the file (and the `File`s you opened yourself)
/// before `std::fs::remove_file` or `set_len`. On Unix a mapped file can be removed at any
/// time; its pages live until the last map of it is gone.
///
/// It grows and shrinks along its slowest axis: [`resize`](MemmapMut::resize),
/// [`reserve`](MemmapMut::reserve), [`capacity`](MemmapMut::capacity).
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
                // - it is valid for reads of `len * size_of::<T>()` bytes: the map is at least
                //   that long (exactly, or longer after `MemmapMut::reserve`; checked against
                //   the file, and `<= isize::MAX`), or the product is 0 and nothing is read;
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
                // The backing can be longer than the array (`MemmapMut::reserve`).
                &self.backing.bytes()[..self.nbytes()]
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

/// The bytes of a mapping made for elements of a runtime dtype, and the array's shape.
///
/// The engine checks and sizes the request for `elem` (the dtype's item size, alignment 1),
/// so a map of a runtime dtype meets exactly the checks and errors of a typed map. The map
/// is then handed out as bytes: its shape becomes `[nbytes]`, so that it reads the same
/// memory as `u8`s, which need no alignment.
fn into_bytes(mut mapped: Mapped, elem: ElementInfo) -> (Mapped, Vec<usize>) {
    // The engine checked `prod(shape) * elem.size` when it sized the map.
    let nbytes = mapped.meta.shape.iter().product::<usize>() * elem.size;
    let shape = core::mem::replace(&mut mapped.meta.shape, vec![nbytes]);
    (mapped, shape)
}

impl Memmap<u8> {
    /// Maps `source` read-only (mode `r`) with the checks for elements `elem`, as the bytes
    /// of those elements; returns the map and the shape in elements.
    ///
    /// # Safety
    ///
    /// The caller upholds [`Options#safety`](crate::Options#safety) for the file.
    pub(crate) unsafe fn map_elements(
        request: &Request<'_>,
        elem: ElementInfo,
        source: Source<'_>,
    ) -> Result<(Self, Vec<usize>)> {
        // SAFETY: the contract is forwarded from the caller; the mapping is made in mode `r`
        // and becomes a read-only map of `u8`, whose alignment 1 any address meets, and
        // whose length `into_bytes` sets to the bytes mapped.
        let mapped = unsafe { request.map(elem, source, Mode::ReadOnly) }?;
        let (mapped, shape) = into_bytes(mapped, elem);
        Ok((Memmap::from_mapped(mapped), shape))
    }
}

impl MemmapMut<u8> {
    /// [`Memmap::map_elements`] in a writable `mode`.
    ///
    /// # Safety
    ///
    /// The caller upholds [`Options#safety`](crate::Options#safety) for the file, and `mode`
    /// is not [`Mode::ReadOnly`].
    pub(crate) unsafe fn map_elements(
        request: &Request<'_>,
        elem: ElementInfo,
        source: Source<'_>,
        mode: Mode,
    ) -> Result<(Self, Vec<usize>)> {
        // SAFETY: the contract is forwarded from the caller; the mapping is made in a
        // writable mode (caller), so its backing is `Writable` or `Empty`, and becomes a map
        // of `u8` as in `Memmap::map_elements`.
        let mapped = unsafe { request.map(elem, source, mode) }?;
        let (mapped, shape) = into_bytes(mapped, elem);
        Ok((MemmapMut::from_mapped(mapped), shape))
    }
}

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
    /// Unmaps the array and closes its file now, instead of when the map is dropped.
    ///
    /// A read-only map has no dirty pages, so there is no write-back that could fail; what is
    /// left, `munmap` of a valid mapping and `close` of a descriptor opened for reading, reports
    /// nothing a caller could act on (and std and memmap2 ignore it). So this returns `Ok(())`
    /// today; the `Result` keeps it the twin of [`MemmapMut::close`], so that code closing
    /// either kind of map handles errors the same way. On Windows, the file can be removed
    /// once every map of it is closed (see [`MemmapMut`](MemmapMut#dropping-and-closing)).
    ///
    /// ```
    /// use typed_memmap::Options;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("data.u8");
    /// std::fs::write(&path, [1u8, 2, 3])?;
    /// // SAFETY: the file is private to this example; nobody else writes or truncates it.
    /// let map = unsafe { Options::<u8>::new().open(&path)? };
    /// map.close()?;
    /// std::fs::remove_file(&path)?; // on Windows too: no view and no handle is left
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// None today (see above).
    pub fn close(self) -> Result<()> {
        drop(self);
        Ok(())
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

    /// Flushes the map (as [`flush`](MemmapMut::flush)), then unmaps it and closes its file,
    /// and returns the flush error that dropping the map would have swallowed. The map is
    /// unmapped and its file closed whether or not the flush succeeded.
    ///
    /// For a copy-on-write map (mode `c`) there is nothing to write back: it unmaps (the
    /// writes are discarded, as numpy's) and returns `Ok(())`.
    ///
    /// ```
    /// use typed_memmap::Options;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("data.u32");
    /// // SAFETY: the file is private to this example; nobody else writes or truncates it.
    /// let mut map = unsafe { Options::<u32>::new().shape([3]).create(&path)? };
    /// map.copy_from_slice(&[7, 8, 9]);
    /// map.close()?; // the write-back error, if any, is here and not lost in `Drop`
    /// assert_eq!(std::fs::read(&path)?[4..8], 8u32.to_ne_bytes());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Io`] (operation `flush`) when the kernel reports a write-back failure.
    pub fn close(self) -> Result<()> {
        let flushed = self.flush();
        drop(self);
        flushed
    }

    /// The file the map keeps open, for crate code that writes outside the mapped bytes (the
    /// `.npy` appender rewrites the header).
    pub(crate) fn file(&self) -> &File {
        &self.file
    }

    /// Faults in the pages of the elements `range` for writing ahead of a large copy into
    /// them (a hint; see `Backing::prefault_write`). `range` lies within the array.
    pub(crate) fn prefault_write(&self, range: Range<usize>) {
        let size = core::mem::size_of::<T>();
        self.backing
            .prefault_write(range.start * size, (range.end - range.start) * size);
    }

    /// The length along axis 0 (the number of elements of a 1-D array) that
    /// [`resize`](MemmapMut::resize) can reach without touching the file or the mapping: the
    /// length plus what [`reserve`](MemmapMut::reserve) added. `usize::MAX` when a row holds no
    /// bytes; the length along axis 0 (1 for a 0-d array) for arrays that cannot grow.
    pub fn capacity(&self) -> usize {
        let len = self.meta.shape.first().copied().unwrap_or(1);
        if !self.growth_order() {
            return len;
        }
        match self.row_bytes() {
            Some(0) => usize::MAX,
            Some(row) => (self.backing.bytes().len() / row).max(len),
            None => len,
        }
    }

    /// Changes the length along the slowest axis to `new_len`: the element count of a 1-D
    /// array, or `n` in shape `[n, ...]` of a C-order array (the other axes stay).
    ///
    /// - **Growing**: the file grows zero-filled to `offset + new nbytes` if it is shorter (as
    ///   numpy's `r+` growth does; bytes already there become the new elements), and the map is
    ///   rebuilt: memmap2's `remap` (`mremap`) on Linux, unmap and map again elsewhere. Within
    ///   the [`capacity`](MemmapMut::capacity) left by [`reserve`](MemmapMut::reserve), growing
    ///   is free: no system call.
    /// - **Shrinking** (`new_len <= len`): the map is cut first, then the file is cut to
    ///   `offset + new nbytes` (`set_len`), which also drops any reserved capacity; bytes of
    ///   the file after the array are lost. Resizing to the same length is how reserved
    ///   capacity is given back.
    ///
    /// `&mut self` guarantees that no slice, element or column of the map is alive, so the map
    /// may move. Maps of the file made elsewhere keep their length (and a shrink makes their
    /// pages past the new end fault, as any truncation does: see
    /// [`Options#safety`](crate::Options#safety)).
    ///
    /// ```
    /// use typed_memmap::{Options, Order};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("grid.f64");
    /// // SAFETY: the file is private to this example; nobody else writes or truncates it.
    /// let mut grid = unsafe { Options::<f64>::new().shape([2, 3]).create(&path)? };
    /// grid.fill(1.0);
    /// grid.resize(4)?; // shape [2, 3] -> [4, 3]; the new rows are zeros
    /// assert_eq!(grid.shape(), [4, 3]);
    /// assert_eq!(grid.get(&[3, 2]), Some(&0.0));
    /// assert_eq!(std::fs::metadata(&path)?.len(), 4 * 3 * 8);
    /// grid.resize(1)?;
    /// assert_eq!((grid.shape(), std::fs::metadata(&path)?.len()), (&[1, 3][..], 24));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::ResizeCopyOnWrite`] for a copy-on-write map (mode `c`: its file never
    /// changes); [`Error::NotResizable`] for a 0-d array or a Fortran-order array of rank 2 or
    /// more; [`Error::ShapeOverflow`] when the new shape's bytes do not fit; [`Error::Io`] when
    /// the file cannot be resized or mapped. After an I/O error the map is still valid, but may
    /// be shorter than before (down to empty where it was unmapped to be rebuilt): check
    /// [`shape`](MemmapMut::shape).
    pub fn resize(&mut self, new_len: usize) -> Result<()> {
        let len = self.growth_axis(new_len)?;
        if new_len > len && new_len <= self.capacity() {
            self.meta.shape[0] = new_len;
            return Ok(());
        }
        let (nbytes, end) = self.bytes_for(new_len)?;
        let end = if new_len > len {
            engine::FileEnd::AtLeast(end)
        } else {
            engine::FileEnd::Exactly(end)
        };
        self.rebuild(new_len, nbytes, end)
    }

    /// Makes room for at least `additional` more rows along the slowest axis (elements of a
    /// 1-D array) without changing the shape, so that the next
    /// [`resize`](MemmapMut::resize)s up to `len + additional` cost no system call: the file
    /// grows zero-filled (if it is shorter) and the map is rebuilt once, as `resize` does.
    /// Does nothing when the [`capacity`](MemmapMut::capacity) is already enough.
    ///
    /// The reserved rows are zero bytes in the file (a raw file opened again with an inferred
    /// length sees them) until a `resize` uses them or gives them back (`resize(len)`).
    ///
    /// ```
    /// use typed_memmap::Options;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("v.u16");
    /// // SAFETY: the file is private to this example; nobody else writes or truncates it.
    /// let mut v = unsafe { Options::<u16>::new().shape([2]).create(&path)? };
    /// v.reserve(100)?;
    /// assert_eq!((v.len(), v.capacity()), (2, 102));
    /// v.resize(50)?; // free: within the capacity
    /// v[49] = 7;
    /// v.resize(50)?; // gives the reserved rows back: the file ends at the array's end
    /// assert_eq!(std::fs::metadata(&path)?.len(), 100);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`resize`](MemmapMut::resize).
    pub fn reserve(&mut self, additional: usize) -> Result<()> {
        // The errors name the length asked for: the current one plus `additional`.
        let asked = self
            .meta
            .shape
            .first()
            .map_or(additional, |len| len.saturating_add(additional));
        let len = self.growth_axis(asked)?;
        let want = len.checked_add(additional).ok_or_else(|| {
            let mut shape = self.meta.shape.clone();
            shape[0] = usize::MAX;
            self.overflow(shape)
        })?;
        if want <= self.capacity() {
            return Ok(());
        }
        let (nbytes, end) = self.bytes_for(want)?;
        self.rebuild(len, nbytes, engine::FileEnd::AtLeast(end))
    }

    /// Whether the order lets axis 0 grow: C order, or any order of a 1-D array.
    fn growth_order(&self) -> bool {
        self.meta.order == Order::C || self.meta.shape.len() == 1
    }

    /// The bytes of one row along axis 0 (`None` for a 0-d array).
    fn row_bytes(&self) -> Option<usize> {
        let row: usize = self.meta.shape.get(1..)?.iter().product();
        // Cannot overflow: the shape's byte extent (a 0 counting as 1) was checked.
        row.checked_mul(core::mem::size_of::<T>())
    }

    /// The length along the growth axis, after the checks that it may change to `new_len`.
    fn growth_axis(&self, new_len: usize) -> Result<usize> {
        let len = self.meta.shape.first().copied();
        if self.meta.mode == Mode::CopyOnWrite {
            return Err(Error::ResizeCopyOnWrite {
                path: self.meta.path.clone(),
                len: len.unwrap_or(1),
                new_len,
            });
        }
        match len {
            Some(len) if self.growth_order() => Ok(len),
            _ => Err(Error::NotResizable {
                path: self.meta.path.clone(),
                shape: self.meta.shape.clone(),
                order: self.meta.order,
                new_len,
            }),
        }
    }

    fn overflow(&self, shape: Vec<usize>) -> Error {
        Error::ShapeOverflow {
            path: self.meta.path.clone(),
            shape,
            itemsize: core::mem::size_of::<T>(),
            offset: self.meta.offset,
        }
    }

    /// `(nbytes, offset + nbytes)` of the array with `rows` along axis 0, checked as a new map
    /// is (the byte extent, a 0 counting as 1, fits in `isize`).
    fn bytes_for(&self, rows: usize) -> Result<(usize, u64)> {
        let mut shape = self.meta.shape.clone();
        shape[0] = rows;
        let size = core::mem::size_of::<T>();
        let nbytes =
            byte_extent(&shape, size).and_then(|_| element_count(&shape)?.checked_mul(size));
        let end = nbytes.and_then(|n| u64::try_from(n).ok()?.checked_add(self.meta.offset));
        match (nbytes, end) {
            (Some(nbytes), Some(end)) => Ok((nbytes, end)),
            _ => Err(self.overflow(shape)),
        }
    }

    /// Sizes the file as `end` says and maps `nbytes` bytes; then the length along axis 0 is
    /// `rows`. On error, the length is cut to what is still mapped.
    fn rebuild(&mut self, rows: usize, nbytes: usize, end: engine::FileEnd) -> Result<()> {
        // SAFETY:
        // - the caller of the unsafe constructor upholds `Options#safety` for the file;
        // - `&mut self`: no reference into the map's memory is alive;
        // - the backing is `Writable` or `Empty` of mode `r+` or `w+` (`growth_axis` refused
        //   `c`, and a `MemmapMut` is never read-only), made at `self.meta.offset`;
        // - `end` is `offset + nbytes` (`bytes_for`).
        let result = unsafe {
            engine::resize_shared(
                &mut self.backing,
                &self.file,
                &self.meta.path,
                self.meta.offset,
                nbytes,
                end,
                ElementInfo::of::<T>(),
            )
        };
        match result {
            Ok(()) => self.meta.shape[0] = rows,
            Err(_) => {
                // What is mapped now: the old map, the new one or nothing. `as_slice` must not
                // reach past it.
                let mapped = match self.row_bytes() {
                    Some(0) | None => self.meta.shape[0],
                    Some(row) => self.backing.bytes().len() / row,
                };
                self.meta.shape[0] = self.meta.shape[0].min(mapped);
            }
        }
        result
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
            (Backing::Writable(m), _) => fail_point::write_back()
                .and_then(|()| sync(m))
                .map_err(|e| Error::io("flush", &self.meta.path, e)),
        }
    }
}

/// The seam where tests make a write-back fail. A real `msync` failure (`EIO` after a disk
/// error, or a file on a full or read-only-remounted file system) cannot be arranged in a
/// test, so `#[cfg(test)]` unit tests arm this point instead: the next write-back on the same
/// thread fails with the armed OS error just before memmap2's `msync` would run. It is the
/// lowest point this crate owns under every flush method and `close`; outside `cfg(test)` it
/// is an empty function.
mod fail_point {
    #[cfg(test)]
    thread_local! {
        static WRITE_BACK: std::cell::Cell<Option<i32>> = const { std::cell::Cell::new(None) };
    }

    /// Makes the next write-back on this thread fail with the OS error `code`.
    #[cfg(test)]
    pub(super) fn fail_next_write_back(code: i32) {
        WRITE_BACK.with(|armed| armed.set(Some(code)));
    }

    #[inline(always)]
    pub(super) fn write_back() -> std::io::Result<()> {
        #[cfg(test)]
        if let Some(code) = WRITE_BACK.with(std::cell::Cell::take) {
            return Err(std::io::Error::from_raw_os_error(code));
        }
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::fail_point;
    use crate::{Error, Options};

    /// `close` returns the write-back error that `Drop` would swallow. The failure is
    /// injected at `fail_point::write_back`, under `write_back`, which every flush method
    /// and `close` share.
    #[test]
    #[cfg_attr(miri, ignore = "mmap")]
    fn close_returns_the_flush_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("eio.u32");
        // SAFETY: the file is private to this test.
        let mut map = unsafe { Options::<u32>::new().shape([1024]).create(&path) }.unwrap();
        map[7] = 7;
        fail_point::fail_next_write_back(5); // EIO
        let err = map.close().unwrap_err();
        match &err {
            Error::Io {
                op,
                path: p,
                source,
            } => {
                assert_eq!((*op, p), ("flush", &path));
                assert_eq!(source.raw_os_error(), Some(5));
            }
            other => panic!("not an I/O error: {other:?}"),
        }
        assert!(err.to_string().starts_with("cannot flush "), "{err}");
        // The map is gone all the same: the file is not held, and the write reached it
        // (shared maps write back on their own; only the report failed).
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes[28..32], 7u32.to_ne_bytes());
    }

    /// The seam fires once, and for the other flush methods too: they share `write_back`.
    #[test]
    #[cfg_attr(miri, ignore = "mmap")]
    fn every_flush_method_reports_the_injected_error_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.u8");
        // SAFETY: the file is private to this test.
        let map = unsafe { Options::<u8>::new().shape([64]).create(&path) }.unwrap();
        for flush in [
            super::MemmapMut::flush as fn(&super::MemmapMut<u8>) -> crate::Result<()>,
            super::MemmapMut::flush_async,
            |m| m.flush_range(0..8),
        ] {
            fail_point::fail_next_write_back(28); // ENOSPC
            let err = flush(&map).unwrap_err();
            assert!(matches!(&err, Error::Io { op: "flush", .. }), "{err:?}");
            flush(&map).unwrap();
        }
        map.close().unwrap();
    }
}
