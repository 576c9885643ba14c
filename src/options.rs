//! [`Options`]: how a file becomes a map — mode, offset, shape, order, growth and paging hints.
//!
//! The mode is chosen by the constructor, so that the type of the result says whether it can be
//! written:
//!
//! | numpy mode | constructor | result |
//! |---|---|---|
//! | `r` | [`Options::open`] / [`Options::open_file`] | [`Memmap<T>`] |
//! | `r+` | [`Options::open_mut`] / [`Options::open_file_mut`] | [`MemmapMut<T>`] |
//! | `c` | [`Options::open_copy`] / [`Options::open_file_copy`] | [`MemmapMut<T>`] (writes stay in memory) |
//! | `w+` | [`Options::create`] / [`Options::create_file`] (needs [`Options::shape`]) | [`MemmapMut<T>`] |
//! | (copy, no map) | [`Options::read`] / [`Options::read_file`] | [`Array<T>`] |
//!
//! Besides [`Options`] (also at the crate root, where users name it) this module holds the
//! builder's typestate: the second type parameter of `Options` is [`Inferred`] until
//! [`Options::shape`] makes it [`Shaped`], and only a [`HasShape`] can
//! [`create`](Options::create) a file. Code rarely names these types; a function generic over
//! any `Options` names [`ShapeSpec`].

use std::fmt;
use std::fs::File;
use std::marker::PhantomData;
use std::path::Path;

use crate::array::Array;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::map::{describe, Advice, ElementInfo, Memmap, MemmapMut, Mode, Request, Source};
use crate::shape::Order;

mod sealed {
    pub trait Sealed {}
}

/// Whether an [`Options`] has a shape; the second type parameter of [`Options`].
pub trait ShapeSpec: sealed::Sealed {
    #[doc(hidden)]
    fn get(&self) -> Option<&[usize]>;
}

/// No shape was given: the map is 1-D and its length is inferred from the file size.
#[derive(Clone, Copy, Debug, Default)]
pub struct Inferred;

/// A shape was given with [`Options::shape`].
#[derive(Clone, Debug)]
pub struct Shaped(Vec<usize>);

impl sealed::Sealed for Inferred {}
impl sealed::Sealed for Shaped {}

impl ShapeSpec for Inferred {
    fn get(&self) -> Option<&[usize]> {
        None
    }
}

impl ShapeSpec for Shaped {
    fn get(&self) -> Option<&[usize]> {
        Some(&self.0)
    }
}

/// Implemented only by [`Shaped`]: mode `w+` creates a file, so it must know how big.
#[diagnostic::on_unimplemented(
    message = "mode `w+` needs a shape: call `.shape(...)` before `.create(...)`",
    label = "no shape given",
    note = "a new file has no size to infer the length from"
)]
pub trait HasShape: ShapeSpec {}

impl HasShape for Shaped {}

/// How to map a file: element type, offset, shape, order, growth and paging hints.
///
/// ```
/// use typed_memmap::{Options, Order};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("grid.f32");
///
/// // SAFETY: the file is private to this example; nobody else writes or truncates it.
/// let mut grid = unsafe { Options::<f32>::new().shape([3, 4]).create(&path)? };
/// grid[5] = 1.5;
/// grid.flush()?;
///
/// // SAFETY: as above.
/// let grid = unsafe { Options::<f32>::new().shape([3, 4]).order(Order::C).open(&path)? };
/// assert_eq!(grid.get(&[1, 1]), Some(&1.5));
/// assert_eq!(grid.strides(), [16, 4]);
/// # Ok(()) }
/// ```
///
/// # Safety
///
/// Mapping a file is `unsafe` because the contents of a mapped file can change under the map
/// in ways Rust cannot see or prevent. The caller of every mapping constructor promises that,
/// for as long as the returned map (and anything borrowed from it) lives:
///
/// - **no other process or thread truncates the file** below the mapped range: touching a page
///   past the end of a file kills the process with `SIGBUS`;
/// - **nothing else writes the mapped bytes**, through another map, `write`, or another
///   process: the map hands out `&[T]` and `&mut [T]`, and Rust assumes the memory behind a
///   shared reference does not change, and that nothing else reads or writes behind a `&mut`.
///
/// Mode `c` does not lift these obligations: pages this process has not written still show
/// other writers' changes, and truncation still faults. Everything after the constructor is
/// safe. To avoid the promise altogether, copy the data with [`Options::read`].
///
/// A map does not notice a truncation: it keeps reporting its old length. Where one is
/// possible but not expected, [`Memmap::check_len`] (and [`MemmapMut::check_len`]) compares
/// the file's length with the mapped extent in one `fstat` and returns
/// [`Error::Truncated`] instead of a fault later; it cannot stop a truncation that happens
/// after it returned, so it narrows the promise's window but does not replace it.
pub struct Options<T: Element, S = Inferred> {
    offset: u64,
    shape: S,
    order: Order,
    grow: bool,
    populate: bool,
    advice: Option<Advice>,
    _element: PhantomData<fn() -> T>,
}

impl<T: Element, S: Clone> Clone for Options<T, S> {
    fn clone(&self) -> Self {
        Options {
            offset: self.offset,
            shape: self.shape.clone(),
            order: self.order,
            grow: self.grow,
            populate: self.populate,
            advice: self.advice,
            _element: PhantomData,
        }
    }
}

impl<T: Element, S: fmt::Debug> fmt::Debug for Options<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Options")
            .field("element", &core::any::type_name::<T>())
            .field("offset", &self.offset)
            .field("shape", &self.shape)
            .field("order", &self.order)
            .field("grow", &self.grow)
            .field("populate", &self.populate)
            .field("advice", &self.advice)
            .finish()
    }
}

impl<T: Element> Default for Options<T, Inferred> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Element> Options<T, Inferred> {
    /// Offset 0, no shape (1-D, inferred from the file size), C order, no growth, no hints.
    pub fn new() -> Self {
        Options {
            offset: 0,
            shape: Inferred,
            order: Order::C,
            grow: false,
            populate: false,
            advice: None,
            _element: PhantomData,
        }
    }
}

impl<T: Element, S: ShapeSpec> Options<T, S> {
    /// The byte offset of the first element in the file. The bytes before it are left as they
    /// are (except by `w+`, which zero-fills the whole file like numpy). The offset must be a
    /// multiple of `align_of::<T>()`.
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }

    /// The shape of the array, of any rank: `[n]`, `[rows, cols]`, `vec![..]`, `[]` for 0-d.
    pub fn shape(self, shape: impl AsRef<[usize]>) -> Options<T, Shaped> {
        Options {
            offset: self.offset,
            shape: Shaped(shape.as_ref().to_vec()),
            order: self.order,
            grow: self.grow,
            populate: self.populate,
            advice: self.advice,
            _element: PhantomData,
        }
    }

    /// The memory order, C (row-major, the default) or F (column-major).
    pub fn order(mut self, order: Order) -> Self {
        self.order = order;
        self
    }

    /// Let [`open_mut`](Options::open_mut) (`r+`) extend a file shorter than the shape needs
    /// with zeros, the way numpy's `r+` always does. Off by default: a shape that does not fit
    /// is then an [`Error::FileTooShort`].
    pub fn grow(mut self, grow: bool) -> Self {
        self.grow = grow;
        self
    }

    /// Read the whole map into memory when it is made (`MAP_POPULATE` on Linux), so the first
    /// scan takes no page faults.
    pub fn populate(mut self, populate: bool) -> Self {
        self.populate = populate;
        self
    }

    /// A paging hint given to the kernel right after mapping (`madvise`). Where the platform
    /// has no hints (Windows) it is ignored: the map is made the same, without the hint.
    pub fn advise(mut self, advice: Advice) -> Self {
        self.advice = Some(advice);
        self
    }

    /// Maps `path` read-only (numpy mode `r`).
    ///
    /// # Safety
    ///
    /// See the type-level [safety section](Options#safety).
    ///
    /// # Errors
    ///
    /// I/O errors; [`Error::Misaligned`], [`Error::ShapeOverflow`], [`Error::FileTooShort`],
    /// and with an inferred length [`Error::OffsetPastEnd`], [`Error::NotAMultiple`],
    /// [`Error::ZeroSizedElement`].
    pub unsafe fn open(&self, path: impl AsRef<Path>) -> Result<Memmap<T>> {
        // SAFETY: the caller upholds `Options#safety`.
        unsafe { Memmap::map(&self.request(), Source::Path(path.as_ref())) }
    }

    /// Maps an open file read-only (numpy mode `r`). Offsets count from the start of the file,
    /// whatever the file's position.
    ///
    /// # Safety
    ///
    /// See the type-level [safety section](Options#safety).
    ///
    /// # Errors
    ///
    /// As [`open`](Options::open).
    pub unsafe fn open_file(&self, file: &File) -> Result<Memmap<T>> {
        // SAFETY: the caller upholds `Options#safety`.
        unsafe { Memmap::map(&self.request(), Source::File(file, &describe(file))) }
    }

    /// [`open_file`](Options::open_file) of a file opened from `path`: the map and its errors
    /// name `path`, and no system call is spent recovering the name from the descriptor
    /// (`.npy` opens were 2.5x a bare memmap2 map, benches/open.rs).
    ///
    /// # Safety
    ///
    /// See the type-level [safety section](Options#safety).
    pub(crate) unsafe fn open_file_named(&self, file: &File, path: &Path) -> Result<Memmap<T>> {
        // SAFETY: the caller upholds `Options#safety`.
        unsafe { Memmap::map(&self.request(), Source::File(file, path)) }
    }

    /// [`open_file_named`](Options::open_file_named) of a file the caller is done with: the
    /// map keeps it instead of a duplicate (one system call fewer per `.npy` open).
    ///
    /// # Safety
    ///
    /// See the type-level [safety section](Options#safety).
    pub(crate) unsafe fn open_owned_named(&self, file: File, path: &Path) -> Result<Memmap<T>> {
        // SAFETY: the caller upholds `Options#safety`.
        unsafe { Memmap::map(&self.request(), Source::Owned(file, path)) }
    }

    /// Maps `path` read-write (numpy mode `r+`): writes through the map reach the file.
    ///
    /// # Safety
    ///
    /// See the type-level [safety section](Options#safety).
    ///
    /// # Errors
    ///
    /// As [`open`](Options::open); a file shorter than the shape is an error unless
    /// [`grow(true)`](Options::grow).
    pub unsafe fn open_mut(&self, path: impl AsRef<Path>) -> Result<MemmapMut<T>> {
        let source = Source::Path(path.as_ref());
        // SAFETY: the caller upholds `Options#safety`; `r+` is a writable mode.
        unsafe { MemmapMut::map(&self.request(), source, Mode::ReadWrite) }
    }

    /// Maps an open file read-write (numpy mode `r+`); the file must be open for writing.
    ///
    /// # Safety
    ///
    /// See the type-level [safety section](Options#safety).
    ///
    /// # Errors
    ///
    /// As [`open_mut`](Options::open_mut).
    pub unsafe fn open_file_mut(&self, file: &File) -> Result<MemmapMut<T>> {
        let source = Source::File(file, &describe(file));
        // SAFETY: the caller upholds `Options#safety`; `r+` is a writable mode.
        unsafe { MemmapMut::map(&self.request(), source, Mode::ReadWrite) }
    }

    /// Maps `path` copy-on-write (numpy mode `c`): the map can be written, the file never is.
    ///
    /// # Safety
    ///
    /// See the type-level [safety section](Options#safety).
    ///
    /// # Errors
    ///
    /// As [`open`](Options::open).
    pub unsafe fn open_copy(&self, path: impl AsRef<Path>) -> Result<MemmapMut<T>> {
        let source = Source::Path(path.as_ref());
        // SAFETY: the caller upholds `Options#safety`; `c` is a writable mode.
        unsafe { MemmapMut::map(&self.request(), source, Mode::CopyOnWrite) }
    }

    /// Maps an open file copy-on-write (numpy mode `c`).
    ///
    /// # Safety
    ///
    /// See the type-level [safety section](Options#safety).
    ///
    /// # Errors
    ///
    /// As [`open`](Options::open).
    pub unsafe fn open_file_copy(&self, file: &File) -> Result<MemmapMut<T>> {
        let source = Source::File(file, &describe(file));
        // SAFETY: the caller upholds `Options#safety`; `c` is a writable mode.
        unsafe { MemmapMut::map(&self.request(), source, Mode::CopyOnWrite) }
    }

    /// Creates `path`, or truncates it, to `offset + nbytes` zero bytes and maps it read-write
    /// (numpy mode `w+`). Needs a shape: `Options::new().shape([..]).create(path)`.
    ///
    /// Every check (alignment, overflow) runs before the file is touched, so a bad request
    /// never truncates an existing file.
    ///
    /// # Safety
    ///
    /// See the type-level [safety section](Options#safety).
    ///
    /// # Errors
    ///
    /// I/O errors, [`Error::Misaligned`], [`Error::ShapeOverflow`].
    pub unsafe fn create(&self, path: impl AsRef<Path>) -> Result<MemmapMut<T>>
    where
        S: HasShape,
    {
        let source = Source::Path(path.as_ref());
        // SAFETY: the caller upholds `Options#safety`; `w+` is a writable mode.
        unsafe { MemmapMut::map(&self.request(), source, Mode::Create) }
    }

    /// Truncates an open file (which must be open for writing) and maps it as
    /// [`create`](Options::create) does.
    ///
    /// # Safety
    ///
    /// See the type-level [safety section](Options#safety).
    ///
    /// # Errors
    ///
    /// As [`create`](Options::create).
    pub unsafe fn create_file(&self, file: &File) -> Result<MemmapMut<T>>
    where
        S: HasShape,
    {
        let source = Source::File(file, &describe(file));
        // SAFETY: the caller upholds `Options#safety`; `w+` is a writable mode.
        unsafe { MemmapMut::map(&self.request(), source, Mode::Create) }
    }

    /// Reads the array into memory with the same checks as [`open`](Options::open), without
    /// mapping: safe, whatever other processes do to the file.
    ///
    /// # Errors
    ///
    /// As [`open`](Options::open), plus read errors.
    pub fn read(&self, path: impl AsRef<Path>) -> Result<Array<T>> {
        let path = path.as_ref();
        crate::map::refuse_pipe(path)?;
        let file = File::open(path).map_err(|e| Error::io("open", path, e))?;
        self.read_open(&file, path)
    }

    /// Reads the array from an open file into memory, as [`read`](Options::read).
    ///
    /// # Errors
    ///
    /// As [`read`](Options::read).
    pub fn read_file(&self, file: &File) -> Result<Array<T>> {
        self.read_open(file, &describe(file))
    }

    fn request(&self) -> Request<'_> {
        Request {
            offset: self.offset,
            shape: self.shape.get(),
            order: self.order,
            grow: self.grow,
            populate: self.populate,
            advice: self.advice,
        }
    }

    fn read_open(&self, file: &File, path: &Path) -> Result<Array<T>> {
        let plan = self
            .request()
            .plan_read(ElementInfo::of::<T>(), file, path)?;
        Array::read_at(file, path, plan.offset, plan.shape, plan.order)
    }
}
