//! The mapping engine: a [`Request`] (what the builder asked, without the element type's
//! generics) is checked against a file into a [`Plan`] (where the data is and how big), and
//! then mapped with memmap2. All of the crate's `mmap` calls are here.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use super::{Advice, Backing, Meta, Mode};
use crate::error::{Error, Result};
use crate::shape::{byte_extent, element_count, Order};

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

    /// The error for data at `offset` of `path` that is not aligned for the element.
    fn misaligned(self, path: &Path, offset: u64) -> Error {
        Error::Misaligned {
            path: path.to_path_buf(),
            offset,
            align: self.align,
            type_name: self.name,
        }
    }
}

/// The non-generic part of a mapping request: everything the builder was told. The element
/// type is given with each call by the typed entry points (`Memmap::map`, ...), so a request
/// cannot be mapped as another type than the one it was checked for.
pub(crate) struct Request<'a> {
    pub(crate) offset: u64,
    pub(crate) shape: Option<&'a [usize]>,
    pub(crate) order: Order,
    pub(crate) grow: bool,
    pub(crate) populate: bool,
    pub(crate) advice: Option<Advice>,
}

/// Where the bytes of a map come from. The map keeps the file (for `check_len`).
pub(crate) enum Source<'a> {
    /// A path, opened the way the mode needs.
    Path(&'a Path),
    /// A file already open (for writing too, for the writable modes), named `path` in errors;
    /// the map keeps a duplicate of its descriptor.
    File(&'a File, &'a Path),
    /// As `File`, for a file the caller is done with: the map keeps it, no `dup` needed.
    Owned(File, &'a Path),
}

/// The checked outcome of a request against a file: where the data is and how big.
pub(crate) struct Plan {
    pub(crate) offset: u64,
    pub(crate) shape: Vec<usize>,
    pub(crate) order: Order,
    pub(crate) nbytes: usize,
}

/// A mapping made for an element type, not yet typed: what `Memmap` and `MemmapMut` own.
pub(crate) struct Mapped {
    pub(crate) backing: Backing,
    pub(crate) meta: Meta,
    /// The file, kept for [`Memmap::check_len`](crate::Memmap::check_len).
    pub(crate) file: File,
}

impl Request<'_> {
    /// Checks the request, sizes the file for `mode` and maps it, for elements `elem`.
    ///
    /// # Safety
    ///
    /// The caller upholds `Options#safety` for the file, and makes of the result a map of
    /// elements of the type `elem` describes; a map of mode `r` only becomes a `Memmap`.
    pub(crate) unsafe fn map(
        &self,
        elem: ElementInfo,
        source: Source<'_>,
        mode: Mode,
    ) -> Result<Mapped> {
        let (file, path) = self.open(elem, source, mode)?;
        let plan = self.plan(elem, &file, path, mode)?;
        // SAFETY: forwarded from the caller.
        let backing = unsafe { self.map_plan(elem, &plan, &file, path, mode) }?;
        let meta = Meta {
            shape: plan.shape,
            order: plan.order,
            offset: plan.offset,
            mode,
            path: path.to_path_buf(),
        };
        Ok(Mapped {
            backing,
            meta,
            file,
        })
    }

    /// Checks the request and the file without mapping: where the data of a copy is.
    pub(crate) fn plan_read(&self, elem: ElementInfo, file: &File, path: &Path) -> Result<Plan> {
        self.check_before_open(elem, path, Mode::ReadOnly)?;
        self.plan(elem, file, path, Mode::ReadOnly)
    }

    /// The file to map and keep, after the checks that need none: opened from a path, handed
    /// over, or a duplicate of a borrowed descriptor (one `dup`; done before `w+` truncates
    /// anything).
    fn open<'p>(
        &self,
        elem: ElementInfo,
        source: Source<'p>,
        mode: Mode,
    ) -> Result<(File, &'p Path)> {
        let path = match source {
            Source::Path(path) | Source::File(_, path) | Source::Owned(_, path) => path,
        };
        self.check_before_open(elem, path, mode)?;
        let file = match source {
            Source::Path(path) => open_for(path, mode)?,
            Source::File(file, path) => file
                .try_clone()
                .map_err(|e| Error::io("duplicate the descriptor of", path, e))?,
            Source::Owned(file, _) => file,
        };
        Ok((file, path))
    }

    /// The checks that need no file: alignment, and with an explicit shape, overflow. They run
    /// before anything is opened, created or truncated.
    fn check_before_open(&self, elem: ElementInfo, path: &Path, mode: Mode) -> Result<()> {
        if !self.offset.is_multiple_of(elem.align as u64) {
            return Err(elem.misaligned(path, self.offset));
        }
        if let Some(shape) = self.shape {
            self.sizes(elem, path, shape)?;
        }
        if mode == Mode::Create && self.shape.is_none() {
            return Err(Error::ShapeRequired {
                path: path.to_path_buf(),
            });
        }
        Ok(())
    }

    /// `(nbytes, offset + nbytes)`, checked.
    fn sizes(&self, elem: ElementInfo, path: &Path, shape: &[usize]) -> Result<(usize, u64)> {
        let overflow = || Error::ShapeOverflow {
            path: path.to_path_buf(),
            shape: shape.to_vec(),
            itemsize: elem.size,
            offset: self.offset,
        };
        // The extent bounds the byte size, so it is checked first; it also refuses empty
        // shapes such as `[0, 1 << 62, 4]`, whose strides would not fit (numpy refuses them).
        byte_extent(shape, elem.size).ok_or_else(overflow)?;
        let nbytes = element_count(shape)
            .and_then(|n| n.checked_mul(elem.size))
            .ok_or_else(overflow)?;
        let needed = u64::try_from(nbytes)
            .ok()
            .and_then(|n| n.checked_add(self.offset))
            .ok_or_else(overflow)?;
        Ok((nbytes, needed))
    }

    /// Sizes the file for `mode` and works out the shape, without mapping.
    fn plan(&self, elem: ElementInfo, file: &File, path: &Path, mode: Mode) -> Result<Plan> {
        let meta = file.metadata().map_err(|e| Error::io("stat", path, e))?;
        refuse_kind(&meta, path)?;
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
            None => vec![self.infer_len(elem, path, file_len)?],
        };
        let (nbytes, needed) = self.sizes(elem, path, &shape)?;
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

    fn infer_len(&self, elem: ElementInfo, path: &Path, file_len: u64) -> Result<usize> {
        if elem.size == 0 {
            return Err(Error::ZeroSizedElement {
                path: path.to_path_buf(),
                type_name: elem.name,
            });
        }
        let available = file_len
            .checked_sub(self.offset)
            .ok_or_else(|| Error::OffsetPastEnd {
                path: path.to_path_buf(),
                file_len,
                offset: self.offset,
            })?;
        if available % elem.size as u64 != 0 {
            return Err(Error::NotAMultiple {
                path: path.to_path_buf(),
                file_len,
                offset: self.offset,
                available,
                itemsize: elem.size,
            });
        }
        usize::try_from(available / elem.size as u64).map_err(|_| Error::ShapeOverflow {
            path: path.to_path_buf(),
            shape: vec![],
            itemsize: elem.size,
            offset: self.offset,
        })
    }

    /// Maps the bytes `plan` describes.
    ///
    /// # Safety
    ///
    /// As [`Request::map`].
    unsafe fn map_plan(
        &self,
        elem: ElementInfo,
        plan: &Plan,
        file: &File,
        path: &Path,
        mode: Mode,
    ) -> Result<Backing> {
        if plan.nbytes == 0 {
            // POSIX refuses zero-length maps; an empty array needs no memory at all.
            return Ok(Backing::Empty);
        }
        let mut options = memmap2::MmapOptions::new();
        options.offset(plan.offset).len(plan.nbytes);
        if self.populate {
            options.populate();
        }
        let mapped = match mode {
            // SAFETY: (for all three arms) memmap2's constructors are unsafe because the
            // file may change under the map; the caller of the public unsafe constructor
            // promised it will not (see `Options#safety`). The length was checked against
            // the file by `plan`, so no page of the map lies past its end.
            Mode::ReadOnly => unsafe { options.map(file) }.map(Backing::ReadOnly),
            Mode::ReadWrite | Mode::Create => {
                // SAFETY: as above.
                unsafe { options.map_mut(file) }.map(Backing::Writable)
            }
            // SAFETY: as above.
            Mode::CopyOnWrite => unsafe { options.map_copy(file) }.map(Backing::Writable),
        };
        let backing = mapped.map_err(|e| Error::io("map", path, e))?;
        if backing.addr() % elem.align != 0 {
            // The kernel maps from a page boundary, so this happens only for alignments
            // above the page size.
            return Err(elem.misaligned(path, plan.offset));
        }
        if let Some(advice) = self.advice {
            backing
                .advise(advice)
                .map_err(|e| Error::io("advise", path, e))?;
        }
        Ok(backing)
    }
}

/// How [`resize_shared`] sizes the file: grow it to at least this length (zero-filled, a
/// longer file is left alone), or cut it to exactly this length.
#[derive(Clone, Copy, Debug)]
pub(crate) enum FileEnd {
    AtLeast(u64),
    Exactly(u64),
}

/// Sizes `file` as `end` says and rebuilds the writable shared map `backing` so that it covers
/// the `nbytes` bytes at `offset`: memmap2's `remap` (`mremap`) on Linux, where the kernel
/// moves or extends the mapping in place; elsewhere the old view is unmapped before the file's
/// length changes (Windows refuses to resize a file under a view) and a new one is made.
///
/// On error, `backing` is the old map, a map of `nbytes` bytes, or `Empty`: the caller
/// shortens its shape to what is mapped.
///
/// # Safety
///
/// - The caller upholds `Options#safety` for the file;
/// - no reference into the memory of `backing` is alive: the caller holds it through
///   `&mut self` of its map;
/// - `backing` is `Writable` or `Empty`, of a shared writable mode (`r+` or `w+`), and
///   `offset` is the offset it was made with;
/// - `end` is at least `offset + nbytes`.
pub(crate) unsafe fn resize_shared(
    backing: &mut Backing,
    file: &File,
    path: &Path,
    offset: u64,
    nbytes: usize,
    end: FileEnd,
    elem: ElementInfo,
) -> Result<()> {
    let in_place =
        cfg!(target_os = "linux") && nbytes > 0 && matches!(backing, Backing::Writable(_));
    if !in_place {
        // Also on Linux when nothing is (or will be) mapped: then there is nothing to move.
        *backing = Backing::Empty;
    }
    let set_len = |len: u64| file.set_len(len).map_err(|e| Error::io("resize", path, e));
    match end {
        FileEnd::AtLeast(len) => {
            let file_len = file
                .metadata()
                .map_err(|e| Error::io("stat", path, e))?
                .len();
            if file_len < len {
                set_len(len)?;
            }
            // SAFETY: forwarded; the file now holds `offset + nbytes` bytes.
            unsafe { rebuild(backing, file, path, offset, nbytes, in_place) }?;
        }
        FileEnd::Exactly(len) => {
            // The map shrinks first: no page of it may lie past the new end of the file.
            // SAFETY: forwarded; `len >= offset + nbytes` (caller), and the file is at least
            // as long as the old map, which is at least as long as the new one.
            unsafe { rebuild(backing, file, path, offset, nbytes, in_place) }?;
            set_len(len)?;
        }
    }
    if !backing.addr().is_multiple_of(elem.align) {
        // Only for alignments above the page size: a moved map starts on a page boundary.
        *backing = Backing::Empty;
        return Err(elem.misaligned(path, offset));
    }
    Ok(())
}

/// The map-making half of [`resize_shared`].
///
/// # Safety
///
/// As [`resize_shared`], and the file holds at least `offset + nbytes` bytes.
unsafe fn rebuild(
    backing: &mut Backing,
    file: &File,
    path: &Path,
    offset: u64,
    nbytes: usize,
    in_place: bool,
) -> Result<()> {
    #[cfg(target_os = "linux")]
    if in_place {
        if let Backing::Writable(m) = backing {
            let options = memmap2::RemapOptions::new().may_move(true);
            // SAFETY: `remap` is unsafe because a map longer than its file faults on access:
            // the file holds `offset + nbytes` bytes (caller). No reference into the old
            // memory is alive (caller), so moving it invalidates nothing.
            return unsafe { m.remap(nbytes, options) }.map_err(|e| Error::io("remap", path, e));
        }
    }
    let _ = in_place;
    if nbytes == 0 {
        return Ok(());
    }
    let mut options = memmap2::MmapOptions::new();
    options.offset(offset).len(nbytes);
    // SAFETY: memmap2's constructors are unsafe because the file may change under the map;
    // the caller of the public unsafe constructor promised it will not (`Options#safety`).
    // The file holds `offset + nbytes` bytes (caller).
    let map = unsafe { options.map_mut(file) }.map_err(|e| Error::io("map", path, e))?;
    *backing = Backing::Writable(map);
    Ok(())
}

/// Refuses a named pipe or a socket at `path` before it is opened: opening a pipe waits for
/// the other end, so the call would hang instead of failing, and neither holds an array to
/// map or a file to seek in. Anything else (a file, a device, nothing) is for `open` to
/// judge. One `stat`; the map's own opens use [`open_nonblocking`] and [`refuse_kind`]
/// instead, which cost no extra system call.
pub(crate) fn refuse_pipe(path: &Path) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) => refuse_kind(&meta, path),
        Err(_) => Ok(()),
    }
}

/// The error for a named pipe or a socket (`meta` is `path`'s), `Ok` for anything else.
pub(crate) fn refuse_kind(meta: &std::fs::Metadata, path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        let what = if kind.is_fifo() {
            "a named pipe"
        } else if kind.is_socket() {
            "a socket"
        } else {
            return Ok(());
        };
        let refused = std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("{what} has no array to map or read in place; give the path of a file"),
        );
        Err(Error::io("open", path, refused))
    }
    #[cfg(not(unix))]
    {
        let _ = (meta, path);
        Ok(())
    }
}

/// Opens `path` with `options`, and on Unix with `O_NONBLOCK`, so that a named pipe opens at
/// once (instead of waiting for its other end) for the caller's `fstat` to find and
/// [`refuse_kind`]. On a regular file or a device `O_NONBLOCK` changes nothing the crate
/// relies on: it maps them, and reads them with plain reads that regular files never turn
/// away.
pub(crate) fn open_nonblocking(options: &mut OpenOptions, path: &Path) -> std::io::Result<File> {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(options, libc::O_NONBLOCK);
    options.open(path)
}

/// Opens `path` the way `mode` needs, without truncating (`w+` truncates after its checks);
/// `plan` refuses a pipe.
fn open_for(path: &Path, mode: Mode) -> Result<File> {
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
    open_nonblocking(&mut options, path).map_err(|e| Error::io("open", path, e))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `Options::create` needs a shape at compile time; the engine still refuses `w+` without
    /// one, before the file is created.
    #[test]
    #[cfg_attr(miri, ignore = "file system")]
    fn create_without_a_shape_touches_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("none.bin");
        let request = Request {
            offset: 0,
            shape: None,
            order: Order::C,
            grow: false,
            populate: false,
            advice: None,
        };
        let elem = ElementInfo::of::<u32>();
        // SAFETY: nothing is mapped: the request is refused before the file is opened.
        let err = unsafe { request.map(elem, Source::Path(&path), Mode::Create) }.err();
        assert!(
            matches!(&err, Some(Error::ShapeRequired { path: p }) if p == &path),
            "{err:?}"
        );
        assert!(!path.exists());
    }
}
