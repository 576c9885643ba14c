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

use std::fmt;
use std::fs::{File, OpenOptions};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::array::Array;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::map::{Backing, Memmap, MemmapMut, Meta};
use crate::shape::{byte_extent, element_count, Order};

/// numpy's memmap modes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// `r`: read-only, shared with the file.
    ReadOnly,
    /// `r+`: read-write, writes reach the file.
    ReadWrite,
    /// `w+`: create or truncate, zero-filled, read-write.
    Create,
    /// `c`: copy-on-write; writes stay in this process's memory, the file never changes.
    CopyOnWrite,
}

impl Mode {
    /// numpy's short name: `"r"`, `"r+"`, `"w+"` or `"c"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::ReadOnly => "r",
            Mode::ReadWrite => "r+",
            Mode::Create => "w+",
            Mode::CopyOnWrite => "c",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing a [`Mode`] from text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseModeError(String);

impl fmt::Display for ParseModeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "mode must be one of 'r', 'c', 'r+', 'w+', 'readonly', 'copyonwrite', 'readwrite', \
             'write' (got {:?})",
            self.0
        )
    }
}

impl std::error::Error for ParseModeError {}

impl FromStr for Mode {
    type Err = ParseModeError;

    /// Parses numpy's mode names and their long aliases, case-sensitively like numpy.
    ///
    /// ```
    /// use typed_memmap::Mode;
    /// assert_eq!("r+".parse::<Mode>().unwrap(), Mode::ReadWrite);
    /// assert_eq!("copyonwrite".parse::<Mode>().unwrap(), Mode::CopyOnWrite);
    /// assert!("w".parse::<Mode>().is_err());
    /// ```
    fn from_str(s: &str) -> core::result::Result<Mode, ParseModeError> {
        match s {
            "r" | "readonly" => Ok(Mode::ReadOnly),
            "r+" | "readwrite" => Ok(Mode::ReadWrite),
            "w+" | "write" => Ok(Mode::Create),
            "c" | "copyonwrite" => Ok(Mode::CopyOnWrite),
            other => Err(ParseModeError(other.to_string())),
        }
    }
}

/// A paging hint for the kernel (`madvise`), see [`Options::advise`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Advice {
    /// No special treatment.
    Normal,
    /// Pages will be read in order: read ahead aggressively, drop behind.
    Sequential,
    /// Pages will be read in random order: do not read ahead.
    Random,
    /// The whole map will be needed soon: start reading it in now.
    WillNeed,
}

impl Advice {
    pub(crate) fn to_memmap2(self) -> memmap2::Advice {
        match self {
            Advice::Normal => memmap2::Advice::Normal,
            Advice::Sequential => memmap2::Advice::Sequential,
            Advice::Random => memmap2::Advice::Random,
            Advice::WillNeed => memmap2::Advice::WillNeed,
        }
    }
}

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

    /// A paging hint given to the kernel right after mapping (`madvise`; ignored where the
    /// platform has none).
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
        let (backing, meta) = self.map_path(path.as_ref(), Mode::ReadOnly)?;
        Ok(Memmap::from_parts(backing, meta))
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
        let (backing, meta) = self.map_open(file, &describe(file), Mode::ReadOnly)?;
        Ok(Memmap::from_parts(backing, meta))
    }

    /// [`open_file`](Options::open_file) of a file opened from `path`: the map and its errors
    /// name `path`, and no system call is spent recovering the name from the descriptor
    /// (`.npy` opens were 2.5x a bare memmap2 map, benches/open.rs).
    ///
    /// # Safety
    ///
    /// See the type-level [safety section](Options#safety).
    pub(crate) unsafe fn open_file_named(&self, file: &File, path: &Path) -> Result<Memmap<T>> {
        let (backing, meta) = self.map_open(file, path, Mode::ReadOnly)?;
        Ok(Memmap::from_parts(backing, meta))
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
        let (backing, meta) = self.map_path(path.as_ref(), Mode::ReadWrite)?;
        Ok(MemmapMut::from_parts(backing, meta))
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
        let (backing, meta) = self.map_open(file, &describe(file), Mode::ReadWrite)?;
        Ok(MemmapMut::from_parts(backing, meta))
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
        let (backing, meta) = self.map_path(path.as_ref(), Mode::CopyOnWrite)?;
        Ok(MemmapMut::from_parts(backing, meta))
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
        let (backing, meta) = self.map_open(file, &describe(file), Mode::CopyOnWrite)?;
        Ok(MemmapMut::from_parts(backing, meta))
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
        let (backing, meta) = self.map_path(path.as_ref(), Mode::Create)?;
        Ok(MemmapMut::from_parts(backing, meta))
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
        let (backing, meta) = self.map_open(file, &describe(file), Mode::Create)?;
        Ok(MemmapMut::from_parts(backing, meta))
    }

    /// Reads the array into memory with the same checks as [`open`](Options::open), without
    /// mapping: safe, whatever other processes do to the file.
    ///
    /// # Errors
    ///
    /// As [`open`](Options::open), plus read errors.
    pub fn read(&self, path: impl AsRef<Path>) -> Result<Array<T>> {
        let path = path.as_ref();
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
            elem: ElementInfo::of::<T>(),
            offset: self.offset,
            shape: self.shape.get(),
            order: self.order,
            grow: self.grow,
            populate: self.populate,
            advice: self.advice,
        }
    }

    fn map_path(&self, path: &Path, mode: Mode) -> Result<(Backing, Meta)> {
        let request = self.request();
        request.check_before_open(path, mode)?;
        let file = open_for(path, mode)?;
        request.map(&file, path, mode)
    }

    fn map_open(&self, file: &File, path: &Path, mode: Mode) -> Result<(Backing, Meta)> {
        let request = self.request();
        request.check_before_open(path, mode)?;
        request.map(file, path, mode)
    }

    fn read_open(&self, file: &File, path: &Path) -> Result<Array<T>> {
        let request = self.request();
        request.check_before_open(path, Mode::ReadOnly)?;
        let plan = request.plan(file, path, Mode::ReadOnly)?;
        Array::read_at(file, path, plan.offset, plan.shape, plan.order)
    }
}

/// What the mapping code needs to know of `T`, without being generic over it.
#[derive(Clone, Copy)]
pub(crate) struct ElementInfo {
    pub(crate) size: usize,
    pub(crate) align: usize,
    pub(crate) name: &'static str,
}

impl ElementInfo {
    pub(crate) fn of<T>() -> ElementInfo {
        ElementInfo {
            size: core::mem::size_of::<T>(),
            align: core::mem::align_of::<T>(),
            name: core::any::type_name::<T>(),
        }
    }
}

/// The non-generic part of a mapping request.
pub(crate) struct Request<'a> {
    pub(crate) elem: ElementInfo,
    pub(crate) offset: u64,
    pub(crate) shape: Option<&'a [usize]>,
    pub(crate) order: Order,
    pub(crate) grow: bool,
    pub(crate) populate: bool,
    pub(crate) advice: Option<Advice>,
}

/// The checked outcome of a request against a file: where the data is and how big.
pub(crate) struct Plan {
    pub(crate) offset: u64,
    pub(crate) shape: Vec<usize>,
    pub(crate) order: Order,
    pub(crate) nbytes: usize,
}

impl Request<'_> {
    /// The checks that need no file: alignment, and with an explicit shape, overflow. They run
    /// before anything is opened, created or truncated.
    pub(crate) fn check_before_open(&self, path: &Path, mode: Mode) -> Result<()> {
        if !self.offset.is_multiple_of(self.elem.align as u64) {
            return Err(Error::Misaligned {
                path: path.to_path_buf(),
                offset: self.offset,
                align: self.elem.align,
                type_name: self.elem.name,
            });
        }
        if let Some(shape) = self.shape {
            self.sizes(path, shape)?;
        }
        if mode == Mode::Create && self.shape.is_none() {
            return Err(Error::mode(
                path,
                "mode `w+` needs a shape: a new file has no size to infer the length from",
            ));
        }
        Ok(())
    }

    /// `(nbytes, offset + nbytes)`, checked.
    fn sizes(&self, path: &Path, shape: &[usize]) -> Result<(usize, u64)> {
        let overflow = || Error::ShapeOverflow {
            path: path.to_path_buf(),
            shape: shape.to_vec(),
            itemsize: self.elem.size,
            offset: self.offset,
        };
        // The extent bounds the byte size, so it is checked first; it also refuses empty
        // shapes such as `[0, 1 << 62, 4]`, whose strides would not fit (numpy refuses them).
        byte_extent(shape, self.elem.size).ok_or_else(overflow)?;
        let nbytes = element_count(shape)
            .and_then(|n| n.checked_mul(self.elem.size))
            .ok_or_else(overflow)?;
        let needed = u64::try_from(nbytes)
            .ok()
            .and_then(|n| n.checked_add(self.offset))
            .ok_or_else(overflow)?;
        Ok((nbytes, needed))
    }

    /// Sizes the file for `mode` and works out the shape, without mapping.
    pub(crate) fn plan(&self, file: &File, path: &Path, mode: Mode) -> Result<Plan> {
        let meta = file.metadata().map_err(|e| Error::io("stat", path, e))?;
        // Linux opens a directory read-only without complaint and gives it a size, so a
        // zero-length shape would otherwise "map" it as an empty array.
        if meta.is_dir() {
            let refused = std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "a directory has no array to map; give the path of a file",
            );
            return Err(Error::io("map", path, refused));
        }
        let file_len = if mode == Mode::Create {
            file.set_len(0)
                .map_err(|e| Error::io("truncate", path, e))?;
            0
        } else {
            meta.len()
        };
        let shape = match self.shape {
            Some(shape) => shape.to_vec(),
            None => vec![self.infer_len(path, file_len)?],
        };
        let (nbytes, needed) = self.sizes(path, &shape)?;
        if file_len < needed {
            let may_grow = match mode {
                Mode::Create => true,
                Mode::ReadWrite => self.grow,
                Mode::ReadOnly | Mode::CopyOnWrite => false,
            };
            if !may_grow {
                return Err(Error::FileTooShort {
                    path: path.to_path_buf(),
                    file_len,
                    offset: self.offset,
                    nbytes: nbytes as u64,
                    needed,
                });
            }
            file.set_len(needed)
                .map_err(|e| Error::io("resize", path, e))?;
        }
        Ok(Plan {
            offset: self.offset,
            shape,
            order: self.order,
            nbytes,
        })
    }

    fn infer_len(&self, path: &Path, file_len: u64) -> Result<usize> {
        if self.elem.size == 0 {
            return Err(Error::ZeroSizedElement {
                path: path.to_path_buf(),
                type_name: self.elem.name,
            });
        }
        let available = file_len
            .checked_sub(self.offset)
            .ok_or_else(|| Error::OffsetPastEnd {
                path: path.to_path_buf(),
                file_len,
                offset: self.offset,
            })?;
        if available % self.elem.size as u64 != 0 {
            return Err(Error::NotAMultiple {
                path: path.to_path_buf(),
                file_len,
                offset: self.offset,
                available,
                itemsize: self.elem.size,
            });
        }
        usize::try_from(available / self.elem.size as u64).map_err(|_| Error::ShapeOverflow {
            path: path.to_path_buf(),
            shape: vec![],
            itemsize: self.elem.size,
            offset: self.offset,
        })
    }

    /// Sizes the file and maps it.
    pub(crate) fn map(&self, file: &File, path: &Path, mode: Mode) -> Result<(Backing, Meta)> {
        let plan = self.plan(file, path, mode)?;
        let backing = if plan.nbytes == 0 {
            // POSIX refuses zero-length maps; an empty array needs no memory at all.
            Backing::Empty
        } else {
            let mut options = memmap2::MmapOptions::new();
            options.offset(plan.offset).len(plan.nbytes);
            if self.populate {
                options.populate();
            }
            let mapped = match mode {
                // SAFETY: (for all three arms) memmap2's constructors are unsafe because the
                // file may change under the map; the caller of the public unsafe constructor
                // promised it will not (see `Options#safety`). The length was checked against
                // the file above, so no page of the map lies past its end.
                Mode::ReadOnly => unsafe { options.map(file) }.map(Backing::ReadOnly),
                Mode::ReadWrite | Mode::Create => {
                    // SAFETY: as above.
                    unsafe { options.map_mut(file) }.map(Backing::Writable)
                }
                // SAFETY: as above.
                Mode::CopyOnWrite => unsafe { options.map_copy(file) }.map(Backing::Writable),
            };
            let backing = mapped.map_err(|e| Error::io("map", path, e))?;
            if backing.addr() % self.elem.align != 0 {
                // The kernel maps from a page boundary, so this happens only for alignments
                // above the page size.
                return Err(Error::Misaligned {
                    path: path.to_path_buf(),
                    offset: plan.offset,
                    align: self.elem.align,
                    type_name: self.elem.name,
                });
            }
            if let Some(advice) = self.advice {
                backing
                    .advise(advice)
                    .map_err(|e| Error::io("advise", path, e))?;
            }
            backing
        };
        let meta = Meta {
            shape: plan.shape,
            order: plan.order,
            offset: plan.offset,
            mode,
            path: path.to_path_buf(),
        };
        Ok((backing, meta))
    }
}

/// Opens `path` the way `mode` needs, without truncating (`w+` truncates after its checks).
pub(crate) fn open_for(path: &Path, mode: Mode) -> Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    match mode {
        Mode::ReadOnly | Mode::CopyOnWrite => {}
        Mode::ReadWrite => {
            options.write(true);
        }
        Mode::Create => {
            options.write(true).create(true).truncate(false);
        }
    }
    options.open(path).map_err(|e| Error::io("open", path, e))
}

/// A name for an open file in error messages: its path where the platform tells it.
pub(crate) fn describe(file: &File) -> PathBuf {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        if let Ok(path) = std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd())) {
            return path;
        }
    }
    let _ = file;
    PathBuf::from("<open file>")
}
