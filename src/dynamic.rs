//! [`DynArray`]: an array whose dtype is known only at run time, for tools that read `.npy`
//! files of any schema.
//!
//! A `DynArray` holds the raw element bytes (mapped or owned) with the dtype, shape and order
//! of the file. It decodes elements into [`Value`]s on demand, projects record fields by name
//! ([`DynField`]), and hands out a typed slice once the element type is known
//! ([`DynArray::as_typed`]) or a field's type is ([`DynArray::column`]). Its bytes need no
//! alignment: files whose data offset is not a multiple of the dtype's alignment open fine,
//! only `as_typed` refuses them.
//!
//! Raw files (no header) are mapped with a dtype chosen at run time by
//! [`DynArray::map_raw`] and [`DynArray::map_raw_copy`], numpy's
//! `np.memmap(path, dtype, mode='r'|'c', offset, shape, order)`:
//!
//! ```
//! use typed_memmap::{Dtype, DynArray, Order, RawLayout, Value};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("ticks.bin");
//! let mut bytes = b"HEADER!".to_vec(); // 7 bytes before the records
//! for (t, price) in [(1i64, 10.5f64), (2, 11.0), (3, 9.75)] {
//!     bytes.extend(t.to_le_bytes());
//!     bytes.extend(price.to_le_bytes());
//! }
//! std::fs::write(&path, bytes)?;
//!
//! // np.memmap(path, dtype=[('t', '<i8'), ('price', '<f8')], mode='r', offset=7)
//! let dtype: Dtype = "[('t', '<i8'), ('price', '<f8')]".parse()?;
//! let layout = RawLayout { offset: 7, ..RawLayout::default() };
//! // SAFETY: the file is private to this example; nobody else writes or truncates it.
//! let ticks = unsafe { DynArray::map_raw(&path, &dtype, layout)? };
//! assert_eq!(ticks.shape(), [3]); // inferred from the file's length
//! assert_eq!(ticks.field("t")?.get(&[2]), Some(Value::Int(3)));
//! // The records start at byte 7, so the prices are not 8-byte aligned: a column reads them
//! // by value anyway.
//! let prices = ticks.column::<f64>("price")?;
//! assert_eq!(prices.iter().sum::<f64>(), 31.25);
//! # Ok(()) }
//! ```
//!
//! Failure modes of the raw maps are those of the typed maps ([`Options`]): an offset past
//! the end or a length that is not a whole number of items when the shape is inferred, a
//! file too short for a given shape, a shape whose byte size overflows, a zero item size
//! with no shape. Column lookups fail with [`Error::Field`] for a missing field or a field of
//! another dtype than the requested type's.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::column::{find_field, Column};
use crate::dtype::{Dtype, Kind};
use crate::element::Element;
use crate::error::{Error, FieldProblem, Result};
use crate::map::{ElementInfo, Memmap, MemmapMut, Mode, Request, Source};
use crate::npy::{header_error, parse_header, Header, DEFAULT_MAX_HEADER_LEN};
use crate::options::Options;
use crate::pio::read_exact_at;
use crate::shape::{element_count, linear_index, strides, Order};
use crate::value::Value;

/// The bytes behind a [`DynArray`].
enum Storage {
    /// The data of a file, mapped read-only.
    Mapped(Memmap<u8>),
    /// The data of a file, mapped copy-on-write: writes stay in this process's memory.
    MappedCopy(MemmapMut<u8>),
    /// Data in memory, kept in 8-byte words so that typed views of up to 8-byte alignment
    /// work; `len` is the number of bytes used.
    Owned { words: Vec<u64>, len: usize },
}

impl Storage {
    fn owned(bytes: &[u8]) -> Storage {
        let mut words = vec![0u64; bytes.len().div_ceil(8)];
        zerocopy::IntoBytes::as_mut_bytes(&mut words[..])[..bytes.len()].copy_from_slice(bytes);
        Storage::Owned {
            words,
            len: bytes.len(),
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Storage::Mapped(m) => m.as_slice(),
            Storage::MappedCopy(m) => m.as_slice(),
            Storage::Owned { words, len } => &zerocopy::IntoBytes::as_bytes(&words[..])[..*len],
        }
    }

    /// The bytes, writable, unless they are a read-only map.
    fn bytes_mut(&mut self) -> Option<&mut [u8]> {
        match self {
            Storage::Mapped(_) => None,
            Storage::MappedCopy(m) => Some(m.as_mut_slice()),
            Storage::Owned { words, len } => {
                Some(&mut zerocopy::IntoBytes::as_mut_bytes(&mut words[..])[..*len])
            }
        }
    }
}

/// Where the elements of a raw file are, for [`DynArray::map_raw`]: numpy's `offset`,
/// `shape` and `order` arguments of `np.memmap`.
///
/// ```
/// use typed_memmap::{Order, RawLayout};
/// // np.memmap(..., offset=7, shape=(3, 4), order='F')
/// let layout = RawLayout { offset: 7, shape: Some(vec![3, 4]), order: Order::F };
/// // np.memmap(...) with the defaults: offset 0, 1-D length from the file, C order
/// assert_eq!(RawLayout::default(), RawLayout { offset: 0, shape: None, order: Order::C });
/// # let _ = layout;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RawLayout {
    /// The byte offset of the first element in the file; the bytes before it are not read.
    /// Any offset is fine: the elements need no alignment.
    pub offset: u64,
    /// The shape, of any rank (`Some(vec![])` for 0-d); `None` for a 1-D array of every
    /// whole item after the offset, as numpy's `shape=None`.
    pub shape: Option<Vec<usize>>,
    /// The memory order of an n-d shape.
    pub order: Order,
}

/// An n-d array of any dtype: a `.npy` file opened without knowing its schema.
///
/// ```
/// use typed_memmap::{npy, DynArray, Value};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("t.npy");
/// npy::write_shaped(&path, &[1u16, 2, 3, 4, 5, 6], &[2, 3], typed_memmap::Order::C)?;
///
/// let a = DynArray::read(&path)?;
/// assert_eq!(a.descr(), "'<u2'");
/// assert_eq!(a.shape(), [2, 3]);
/// assert_eq!(a.get(&[1, 2]), Some(Value::UInt(6)));
/// assert_eq!(a.values().count(), 6);
/// assert_eq!(a.as_typed::<u16>()?, [1, 2, 3, 4, 5, 6]);
/// assert!(a.as_typed::<i16>().is_err()); // wrong dtype
/// # Ok(()) }
/// ```
pub struct DynArray {
    storage: Storage,
    dtype: Dtype,
    shape: Vec<usize>,
    order: Order,
    descr: String,
    /// Where the data lies in `path`; `None` when it lives only in memory (made there, or
    /// decompressed from an `.npz` member).
    data_offset: Option<u64>,
    version: (u8, u8),
    path: PathBuf,
}

/// The path given in errors about arrays that live only in memory.
const IN_MEMORY: &str = "<memory>";

impl DynArray {
    /// Maps a `.npy` file of any dtype read-only (numpy's `np.load(path, mmap_mode='r')`).
    ///
    /// # Safety
    ///
    /// See [`Options#safety`]: nobody may truncate the file or write its data while the array
    /// lives.
    ///
    /// # Errors
    ///
    /// I/O errors; [`Error::Header`] for a malformed header (object dtypes included);
    /// [`Error::FileTooShort`] when the data is shorter than the shape needs;
    /// [`Error::ShapeOverflow`].
    pub unsafe fn open(path: impl AsRef<Path>) -> Result<DynArray> {
        // SAFETY: the caller upholds `Options#safety`.
        unsafe { DynArray::open_with(path.as_ref(), DEFAULT_MAX_HEADER_LEN) }
    }

    /// [`open`](DynArray::open) with a header length cap.
    ///
    /// # Safety
    ///
    /// See [`Options#safety`].
    pub(crate) unsafe fn open_with(path: &Path, max_header_len: usize) -> Result<DynArray> {
        let (file, header) = crate::npy::open_npy(path, false, max_header_len)?;
        let nbytes = data_len(path, &header)?;
        let options = Options::<u8>::new()
            .offset(header.data_offset)
            .shape([nbytes]);
        // SAFETY: the caller upholds `Options#safety`. `u8` has alignment 1, so any data
        // offset maps.
        let map = unsafe { options.open_owned_named(file, path) }?;
        Ok(DynArray::with_header(
            Storage::Mapped(map),
            header,
            path.to_path_buf(),
        ))
    }

    /// Maps a raw file (no header) read-only as elements of `dtype` where `layout` says:
    /// numpy's `np.memmap(path, dtype, mode='r', offset=..., shape=..., order=...)`.
    ///
    /// The checks are those of a typed map ([`Options::open`]) with the dtype's item size.
    /// The offset need not be a multiple of anything: the elements are read by value
    /// ([`get`](DynArray::get), [`column`](DynArray::column)). The array's
    /// [`data_offset`](DynArray::data_offset) is `layout.offset`, its
    /// [`descr`](DynArray::descr) the dtype's, its [`version`](DynArray::version) `(1, 0)`.
    /// A subarray dtype is expanded into the shape as numpy does, in `layout.order` over the
    /// whole shape: `('<f4', (3,))` with shape `[2]` and order F is a `[2, 3]` array of `<f4`
    /// in F order.
    ///
    /// ```
    /// use typed_memmap::{Dtype, DynArray, Error, Order, RawLayout, Value};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("grid.i4");
    /// let ints: Vec<u8> = (0..12i32).flat_map(|v| v.to_le_bytes()).collect();
    /// std::fs::write(&path, [&[0u8; 3][..], &ints].concat())?;
    ///
    /// // np.memmap(path, dtype='<i4', mode='r', offset=3, shape=(3, 4), order='F')
    /// let layout = RawLayout { offset: 3, shape: Some(vec![3, 4]), order: Order::F };
    /// // SAFETY: the file is private to this example; nobody else writes or truncates it.
    /// let a = unsafe { DynArray::map_raw(&path, &Dtype::parse("<i4")?, layout)? };
    /// assert_eq!(a.get(&[1, 2]), Some(Value::Int(7))); // F order: 1 + 2 * 3
    ///
    /// // 3 + 48 bytes hold no whole number of 8-byte items.
    /// // SAFETY: as above.
    /// let err = unsafe { DynArray::map_raw(&path, &Dtype::parse("<f8")?, Default::default()) };
    /// assert!(matches!(err, Err(Error::NotAMultiple { available: 51, itemsize: 8, .. })));
    /// # Ok(()) }
    /// ```
    ///
    /// # Safety
    ///
    /// See [`Options#safety`]: nobody may truncate the file or write its mapped bytes while
    /// the array lives.
    ///
    /// # Errors
    ///
    /// I/O errors (a missing file, a directory); [`Error::ShapeOverflow`] when the byte size
    /// of the shape plus the offset overflows; [`Error::FileTooShort`] when the file is
    /// shorter than `offset + prod(shape) * itemsize`; with an inferred length,
    /// [`Error::OffsetPastEnd`], [`Error::NotAMultiple`] (a partial item at the end, numpy's
    /// "size of available data is not a multiple of the data-type size") and
    /// [`Error::ZeroSizedElement`] (a dtype of item size 0).
    pub unsafe fn map_raw(
        path: impl AsRef<Path>,
        dtype: &Dtype,
        layout: RawLayout,
    ) -> Result<DynArray> {
        // SAFETY: the caller upholds `Options#safety`.
        unsafe { DynArray::map_raw_impl(path.as_ref(), dtype, layout, Mode::ReadOnly) }
    }

    /// Maps a raw file copy-on-write as elements of `dtype` where `layout` says: numpy's
    /// `np.memmap(path, dtype, mode='c', ...)`. The bytes can be written through
    /// [`as_bytes_mut`](DynArray::as_bytes_mut) and
    /// [`item_bytes_mut`](DynArray::item_bytes_mut); the writes stay in this process's memory
    /// and never reach the file.
    ///
    /// ```
    /// use typed_memmap::{Dtype, DynArray, RawLayout, Value};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("v.u2");
    /// std::fs::write(&path, [1u8, 0, 2, 0])?;
    /// let dtype = Dtype::parse("<u2")?;
    /// // SAFETY: the file is private to this example; nobody else writes or truncates it.
    /// let mut a = unsafe { DynArray::map_raw_copy(&path, &dtype, RawLayout::default())? };
    /// a.item_bytes_mut(&[1]).unwrap().copy_from_slice(&500u16.to_le_bytes());
    /// assert_eq!(a.get(&[1]), Some(Value::UInt(500)));
    /// assert_eq!(std::fs::read(&path)?, [1, 0, 2, 0]); // the file is unchanged
    /// # Ok(()) }
    /// ```
    ///
    /// # Safety
    ///
    /// See [`Options#safety`]: mode `c` does not lift its obligations (pages not yet
    /// written still show other writers' changes).
    ///
    /// # Errors
    ///
    /// As [`map_raw`](DynArray::map_raw).
    pub unsafe fn map_raw_copy(
        path: impl AsRef<Path>,
        dtype: &Dtype,
        layout: RawLayout,
    ) -> Result<DynArray> {
        // SAFETY: the caller upholds `Options#safety`.
        unsafe { DynArray::map_raw_impl(path.as_ref(), dtype, layout, Mode::CopyOnWrite) }
    }

    /// The maps of raw files, in mode `r` or `c`.
    ///
    /// # Safety
    ///
    /// See [`Options#safety`].
    unsafe fn map_raw_impl(
        path: &Path,
        dtype: &Dtype,
        layout: RawLayout,
        mode: Mode,
    ) -> Result<DynArray> {
        let request = Request {
            offset: layout.offset,
            shape: layout.shape.as_deref(),
            order: layout.order,
            grow: false,
            populate: false,
            advice: None,
        };
        // Alignment 1: the elements are decoded by value, never referenced as typed values.
        let elem = ElementInfo {
            size: dtype.itemsize(),
            align: 1,
            name: zero_size_name(dtype),
        };
        let source = Source::Path(path);
        let (storage, shape) = if mode == Mode::ReadOnly {
            // SAFETY: the caller upholds `Options#safety`.
            let (map, shape) = unsafe { Memmap::map_elements(&request, elem, source) }?;
            (Storage::Mapped(map), shape)
        } else {
            // SAFETY: the caller upholds `Options#safety`; `mode` is `c`, a writable mode.
            let (map, shape) = unsafe { MemmapMut::map_elements(&request, elem, source, mode) }?;
            (Storage::MappedCopy(map), shape)
        };
        // numpy expands a subarray dtype into the shape, in the order asked for over the whole
        // shape: `np.memmap(p, dtype=('<f4', (3,)), shape=(2,), order='F')` is a (2, 3) float32
        // array in F order, whose items' elements are not contiguous.
        let (dtype, shape, order) = match dtype {
            Dtype::Subarray(base, sub) => {
                let mut full = shape;
                full.extend_from_slice(sub);
                ((**base).clone(), full, layout.order)
            }
            // An inferred length is 1-D, where the order makes no difference; numpy reports C.
            _ if layout.shape.is_none() => (dtype.clone(), shape, Order::C),
            _ => (dtype.clone(), shape, layout.order),
        };
        Ok(DynArray {
            storage,
            descr: dtype.descr(),
            dtype,
            shape,
            order,
            data_offset: Some(layout.offset),
            version: (1, 0),
            path: path.to_path_buf(),
        })
    }

    /// Reads a `.npy` file of any dtype into memory (numpy's `np.load(path)`): safe, no map.
    ///
    /// # Errors
    ///
    /// As [`open`](DynArray::open), plus read errors.
    pub fn read(path: impl AsRef<Path>) -> Result<DynArray> {
        DynArray::read_with(path.as_ref(), DEFAULT_MAX_HEADER_LEN)
    }

    /// [`read`](DynArray::read) with a header length cap.
    pub(crate) fn read_with(path: &Path, max_header_len: usize) -> Result<DynArray> {
        let (file, header) = crate::npy::open_npy(path, false, max_header_len)?;
        let nbytes = data_len(path, &header)?;
        let file_len = file
            .metadata()
            .map_err(|e| Error::io("stat", path, e))?
            .len();
        check_len(path, &header, nbytes, file_len)?;
        // Checked against the file size above, so this allocates no more than the file holds.
        let mut words = vec![0u64; nbytes.div_ceil(8)];
        let buf = &mut zerocopy::IntoBytes::as_mut_bytes(&mut words[..])[..nbytes];
        read_exact_at(&file, buf, header.data_offset).map_err(|e| Error::io("read", path, e))?;
        let storage = Storage::Owned { words, len: nbytes };
        Ok(DynArray::with_header(storage, header, path.to_path_buf()))
    }

    /// Parses a whole `.npy` file held in memory (header and data) and copies its data.
    /// Errors name the path `<memory>`.
    ///
    /// ```
    /// use typed_memmap::{npy, DynArray, Value};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("b.npy");
    /// npy::write(&path, &[typed_memmap::Bool::TRUE])?;
    /// let bytes = std::fs::read(&path)?;
    /// let a = DynArray::from_npy_bytes(&bytes)?;
    /// assert_eq!(a.get(&[0]), Some(Value::Bool(true)));
    /// assert!(DynArray::from_npy_bytes(&bytes[..100]).is_err());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Header`], [`Error::FileTooShort`], [`Error::ShapeOverflow`].
    pub fn from_npy_bytes(bytes: &[u8]) -> Result<DynArray> {
        let path = Path::new(IN_MEMORY);
        let header =
            parse_header(bytes, DEFAULT_MAX_HEADER_LEN).map_err(|e| header_error(path, e))?;
        let nbytes = data_len(path, &header)?;
        check_len(path, &header, nbytes, bytes.len() as u64)?;
        // In bounds: `check_len` compared `data_offset + nbytes` with `bytes.len()`.
        let start = header.data_offset as usize;
        let storage = Storage::owned(&bytes[start..start + nbytes]);
        Ok(DynArray::with_header(storage, header, path.to_path_buf()))
    }

    /// An array over a copy of `bytes`, the elements of `dtype` in `order`'s memory order;
    /// `None` if `bytes.len()` is not `prod(shape) * dtype.itemsize()`.
    ///
    /// ```
    /// use typed_memmap::{DynArray, Element, Order, Value};
    /// let a = DynArray::from_bytes(i8::dtype(), vec![2, 2], Order::F, &[1, 2, 3, 4]).unwrap();
    /// assert_eq!(a.get(&[0, 1]), Some(Value::Int(3)));
    /// let c_order: Vec<Value> = a.values().collect();
    /// assert_eq!(c_order, [1, 3, 2, 4].map(Value::Int));
    /// ```
    pub fn from_bytes(
        dtype: Dtype,
        shape: Vec<usize>,
        order: Order,
        bytes: &[u8],
    ) -> Option<DynArray> {
        let n = element_count(&shape)?.checked_mul(dtype.itemsize())?;
        (n == bytes.len()).then(|| DynArray {
            storage: Storage::owned(bytes),
            descr: dtype.descr(),
            dtype,
            shape,
            order,
            data_offset: None,
            version: (1, 0),
            path: PathBuf::from(IN_MEMORY),
        })
    }

    /// An array over a read-only map of its data (made by
    /// [`MapSpec::open_dyn`](crate::MapSpec::open_dyn)): `map` holds exactly the bytes of
    /// `shape` elements of `dtype`.
    pub(crate) fn from_map(
        map: Memmap<u8>,
        dtype: Dtype,
        descr: String,
        shape: Vec<usize>,
        order: Order,
    ) -> DynArray {
        DynArray {
            data_offset: Some(map.offset()),
            path: map.path().to_path_buf(),
            storage: Storage::Mapped(map),
            dtype,
            shape,
            order,
            descr,
            version: (1, 0),
        }
    }

    /// A descriptor of the array's data in its file, mode `r`, for a worker to reopen the
    /// same view ([`MapSpec::open_dyn`](crate::MapSpec::open_dyn), or typed with
    /// [`MapSpec::open`](crate::MapSpec::open)); for mapped arrays and for arrays read from a
    /// file. The path is made absolute (see [`MapSpec`](crate::MapSpec#paths)).
    ///
    /// # Errors
    ///
    /// [`Error::Spec`] with [`SpecProblem::InMemory`](crate::SpecProblem::InMemory) for an
    /// array made in memory; [`Error::Io`] when the path cannot be resolved.
    pub fn spec(&self) -> Result<crate::MapSpec> {
        // Arrays parsed from bytes in memory keep their header's offset but name no file.
        let in_file = self.path != Path::new(IN_MEMORY);
        let Some(data_offset) = self.data_offset.filter(|_| in_file) else {
            return Err(Error::Spec {
                path: self.path.clone(),
                problem: crate::SpecProblem::InMemory,
            });
        };
        crate::MapSpec::of_file(
            &self.path,
            self.descr.clone(),
            data_offset,
            &self.shape,
            self.order,
            crate::Mode::ReadOnly,
        )
    }

    /// A `DynArray` over the mapped data of a `.npy` image inside another file (an `.npz`
    /// member); `header.data_offset` is the data's offset in `path`.
    #[cfg(feature = "npz")]
    pub(crate) fn from_mapped(map: Memmap<u8>, header: Header, path: PathBuf) -> DynArray {
        DynArray::with_header(Storage::Mapped(map), header, path)
    }

    /// As [`from_mapped`](DynArray::from_mapped), over data read into memory: the first `len`
    /// bytes of `words`. `in_file` says whether those bytes lie as they are in `path` at
    /// `header.data_offset` (a stored member) or not (a decompressed one, which no spec can
    /// name).
    #[cfg(feature = "npz")]
    pub(crate) fn from_words(
        words: Vec<u64>,
        len: usize,
        header: Header,
        path: PathBuf,
        in_file: bool,
    ) -> Self {
        let mut array = DynArray::with_header(Storage::Owned { words, len }, header, path);
        if !in_file {
            array.data_offset = None;
        }
        array
    }

    fn with_header(storage: Storage, header: Header, path: PathBuf) -> DynArray {
        DynArray {
            storage,
            order: crate::npy::order_of(&header),
            dtype: header.dtype,
            shape: header.shape,
            descr: header.descr_text,
            data_offset: Some(header.data_offset),
            version: header.version,
            path,
        }
    }

    /// The dtype of the elements.
    pub fn dtype(&self) -> &Dtype {
        &self.dtype
    }

    /// The descr text of the file's header as written there (for arrays made in memory, the
    /// dtype's descr).
    pub fn descr(&self) -> &str {
        &self.descr
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The number of dimensions.
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    /// The memory order (`Order::F` when the header says `fortran_order: True`).
    pub fn order(&self) -> Order {
        self.order
    }

    /// numpy's byte strides.
    pub fn strides(&self) -> Vec<usize> {
        // Cannot overflow: the byte size of the array was checked when it was made.
        strides(&self.shape, self.dtype.itemsize(), self.order).unwrap_or_default()
    }

    /// The number of elements (1 for a 0-d array).
    pub fn len(&self) -> usize {
        // Checked when the array was made.
        self.shape.iter().product()
    }

    /// Whether the array has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The size of one element in bytes.
    pub fn itemsize(&self) -> usize {
        self.dtype.itemsize()
    }

    /// The byte offset of the data in the file (0 for arrays that live only in memory: made
    /// there, or decompressed from an `.npz` member).
    pub fn data_offset(&self) -> u64 {
        self.data_offset.unwrap_or(0)
    }

    /// The `.npy` format version of the file: `(1, 0)`, `(2, 0)` or `(3, 0)`.
    pub fn version(&self) -> (u8, u8) {
        self.version
    }

    /// The file the array came from (`<memory>` for arrays made in memory).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The data, every element in memory order, as stored.
    pub fn as_bytes(&self) -> &[u8] {
        self.storage.bytes()
    }

    /// The data, writable: for arrays in memory and copy-on-write maps
    /// ([`map_raw_copy`](DynArray::map_raw_copy)), whose writes never reach a file; `None`
    /// for read-only maps ([`open`](DynArray::open), [`map_raw`](DynArray::map_raw)).
    ///
    /// The bytes are any bytes: a write can make any element of any dtype (numpy's dtypes
    /// have no invalid bit patterns).
    pub fn as_bytes_mut(&mut self) -> Option<&mut [u8]> {
        self.storage.bytes_mut()
    }

    /// The bytes of the element at an n-d index, or `None` if out of bounds.
    pub fn item_bytes(&self, index: &[usize]) -> Option<&[u8]> {
        let pos = linear_index(&self.shape, self.order, index)?;
        self.item_at(pos)
    }

    /// The bytes of the element at an n-d index, writable; `None` if out of bounds or if the
    /// array is a read-only map (see [`as_bytes_mut`](DynArray::as_bytes_mut)).
    pub fn item_bytes_mut(&mut self, index: &[usize]) -> Option<&mut [u8]> {
        let pos = linear_index(&self.shape, self.order, index)?;
        let size = self.dtype.itemsize();
        let start = pos.checked_mul(size)?;
        self.as_bytes_mut()?
            .get_mut(start..start.checked_add(size)?)
    }

    fn item_at(&self, pos: usize) -> Option<&[u8]> {
        let size = self.dtype.itemsize();
        let start = pos.checked_mul(size)?;
        self.as_bytes().get(start..start.checked_add(size)?)
    }

    /// The element at an n-d index (one index per axis), decoded; `None` if the index has the
    /// wrong rank or is out of bounds.
    pub fn get(&self, index: &[usize]) -> Option<Value> {
        Value::decode(&self.dtype, self.item_bytes(index)?)
    }

    /// Every element decoded, in logical C order (the last index varies fastest) whatever the
    /// memory order: the order of numpy's `a.ravel()`.
    pub fn values(&self) -> impl Iterator<Item = Value> + '_ {
        self.positions()
            .filter_map(move |pos| Value::decode(&self.dtype, self.item_at(pos)?))
    }

    /// The memory positions of the elements in logical C order.
    fn positions(&self) -> impl Iterator<Item = usize> + '_ {
        LogicalOrder::new(&self.shape, self.order)
    }

    /// The field `name` of a record array, as a strided view of every element. A nested field
    /// can be named with dots (`"pos.x"`) when no field has the dotted name itself, as in
    /// [`FieldHandle::by_name`](crate::FieldHandle::by_name).
    ///
    /// ```
    /// use typed_memmap::{DynArray, Dtype, Field, Order, RecordDtype, Element, Value};
    /// let dtype = Dtype::Record(RecordDtype {
    ///     fields: vec![
    ///         Field { name: "a".into(), title: None, offset: 0, dtype: u8::dtype() },
    ///         Field { name: "b".into(), title: None, offset: 1, dtype: i8::dtype() },
    ///     ],
    ///     itemsize: 2,
    /// });
    /// let a = DynArray::from_bytes(dtype, vec![2], Order::C, &[1, 0xff, 2, 0xfe]).unwrap();
    /// let b = a.field("b")?;
    /// assert_eq!(b.values().collect::<Vec<_>>(), [Value::Int(-1), Value::Int(-2)]);
    /// assert!(a.field("c").is_err());
    /// # Ok::<(), typed_memmap::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Field`] when the dtype is not a record or has no such field (the error lists
    /// the fields there are).
    pub fn field(&self, name: &str) -> Result<DynField<'_>> {
        DynField::lookup(self, 0, &self.dtype, name)
    }

    /// The field `name` of every element as a typed, byte-strided [`Column`], the view typed
    /// maps give with `column_by_name`, after checking the field's dtype against `F`'s: numpy's
    /// `arr['price']` once the type is known. A nested field is named with dots (`"pos.x"`),
    /// as in [`field`](DynArray::field); `""` names the whole element of an array that is not
    /// a record (`arr` itself).
    ///
    /// The values are in memory order (for an n-d Fortran-order array, the first index
    /// varies fastest). They need no alignment: a column reads each value by copy, so fields
    /// of packed records and data at odd offsets are fine.
    ///
    /// ```
    /// use typed_memmap::{Dtype, DynArray, Error, FieldProblem, Order};
    /// let dtype = Dtype::parse("[('id', '<u2'), ('pos', [('x', '<f4'), ('y', '<f4')])]")?;
    /// let mut bytes = Vec::new();
    /// for (id, x, y) in [(1u16, 0.5f32, 2.0f32), (2, 1.5, 4.0)] {
    ///     bytes.extend(id.to_le_bytes());
    ///     bytes.extend(x.to_le_bytes());
    ///     bytes.extend(y.to_le_bytes());
    /// }
    /// let a = DynArray::from_bytes(dtype, vec![2], Order::C, &bytes).unwrap();
    /// let x = a.column::<f32>("pos.x")?;
    /// assert_eq!(x.to_vec(), [0.5, 1.5]);
    /// assert_eq!((x.stride(), x.offset()), (10, 2));
    ///
    /// let err = a.column::<f64>("pos.x").unwrap_err();
    /// assert!(matches!(err, Error::Field { problem: FieldProblem::WrongDtype { .. }, .. }));
    /// assert!(err.to_string().contains("'<f4'") && err.to_string().contains("'<f8'"), "{err}");
    ///
    /// let plain = DynArray::from_bytes(Dtype::parse("<u2")?, vec![2], Order::C, &[1, 0, 2, 0])
    ///     .unwrap();
    /// assert_eq!(plain.column::<u16>("")?.to_vec(), [1, 2]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Field`], naming the array's file: the dtype is not a record (and `name` is not
    /// `""`), it has no field `name` (the message lists the fields), or the field's dtype is
    /// not `F::dtype()` (the message shows both), or the field does not lie inside the record
    /// (a hand-made [`RecordDtype`](crate::RecordDtype) whose offsets overrun its item size).
    pub fn column<F: Element>(&self, name: &str) -> Result<Column<'_, F>> {
        let path = Some(self.path.as_path());
        let (offset, dtype) = if name.is_empty() && self.dtype.as_record().is_none() {
            (0, &self.dtype)
        } else {
            find_field(&self.dtype, name).map_err(|problem| Error::field(path, name, problem))?
        };
        let wanted = F::dtype();
        if *dtype != wanted {
            let problem = FieldProblem::WrongDtype {
                found: dtype.descr(),
                type_name: core::any::type_name::<F>(),
                wanted: wanted.descr(),
            };
            return Err(Error::field(path, name, problem));
        }
        let itemsize = self.dtype.itemsize();
        Column::from_bytes(self.as_bytes(), itemsize, offset, self.len()).ok_or_else(|| {
            let problem = FieldProblem::OutOfRecord {
                offset,
                size: core::mem::size_of::<F>(),
                record_size: itemsize,
            };
            Error::field(path, name, problem)
        })
    }

    /// The elements as a typed slice in memory order, when `T::dtype()` is the array's dtype
    /// and the data is aligned for `T`.
    ///
    /// # Errors
    ///
    /// [`Error::DtypeMismatch`] with the first difference; [`Error::Misaligned`] when the data
    /// does not start at a multiple of `align_of::<T>()` (read the elements through
    /// [`get`](DynArray::get), or map the file with an alignment-1 type).
    pub fn as_typed<T: Element>(&self) -> Result<&[T]> {
        crate::npy::check_dtype_of(&self.path, &T::dtype(), &self.dtype)?;
        let bytes = self.as_bytes();
        let align = core::mem::align_of::<T>();
        let ptr = if bytes.is_empty() {
            core::ptr::NonNull::<T>::dangling().as_ptr().cast_const()
        } else {
            bytes.as_ptr().cast::<T>()
        };
        if !(ptr as usize).is_multiple_of(align) {
            return Err(Error::Misaligned {
                path: self.path.clone(),
                offset: self.data_offset(),
                align,
                type_name: core::any::type_name::<T>(),
            });
        }
        // `size_of::<T>() == itemsize` by the `Element` contract, and `bytes.len()` is
        // `len * itemsize` (checked when the array was made).
        let len = self.len();
        // SAFETY:
        // - `ptr` is non-null and aligned for `T` (checked just above; the dangling pointer is
        //   aligned by construction);
        // - it is valid for reads of `len * size_of::<T>()` bytes: that is `bytes.len()`, the
        //   length of the slice it points into (or 0 bytes for the dangling pointer, either
        //   because the array is empty or because `T` is zero-sized);
        // - every bit pattern is a valid `T` (`Element` contract), so any bytes are valid;
        // - the bytes are not written while the borrow of `self` lives: owned bytes only
        //   change through `&mut self` (never offered), and mapped bytes are protected by the
        //   promise made to the unsafe constructor (`Options#safety`).
        Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
    }
}

/// The name given to a dtype of item size 0 in [`Error::ZeroSizedElement`] (which names
/// types by a static name).
fn zero_size_name(dtype: &Dtype) -> &'static str {
    match dtype {
        Dtype::Scalar(s) => match s.kind() {
            Kind::Void => "dtype |V0",
            Kind::Bytes => "dtype |S0",
            Kind::Unicode => "dtype U0",
            _ => "dtype",
        },
        Dtype::Subarray(..) => "subarray dtype",
        Dtype::Record(_) => "record dtype",
    }
}

/// The byte length of the data a header promises, checked.
fn data_len(path: &Path, header: &Header) -> Result<usize> {
    let itemsize = header.dtype.itemsize();
    element_count(&header.shape)
        .and_then(|n| n.checked_mul(itemsize))
        .filter(|&n| n <= isize::MAX as usize)
        .filter(|&n| header.data_offset.checked_add(n as u64).is_some())
        .ok_or_else(|| Error::ShapeOverflow {
            path: path.to_path_buf(),
            shape: header.shape.clone(),
            itemsize,
            offset: header.data_offset,
        })
}

/// [`Error::FileTooShort`] unless `data_offset + nbytes <= file_len`.
fn check_len(path: &Path, header: &Header, nbytes: usize, file_len: u64) -> Result<()> {
    // No overflow: checked by `data_len`.
    let needed = header.data_offset + nbytes as u64;
    if file_len < needed {
        return Err(Error::FileTooShort {
            path: path.to_path_buf(),
            file_len,
            offset: header.data_offset,
            nbytes: nbytes as u64,
            needed,
        });
    }
    Ok(())
}

impl fmt::Debug for DynArray {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynArray")
            .field("path", &self.path)
            .field("descr", &self.descr)
            .field("shape", &self.shape)
            .field("order", &self.order)
            .field("data_offset", &self.data_offset)
            .finish()
    }
}

impl fmt::Display for DynArray {
    /// Prints the array the way numpy's `print(arr)` does.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::display::fmt_array(f, self.as_bytes(), &self.dtype, &self.shape, self.order)
    }
}

/// One field of every record of a [`DynArray`]: a strided view, made by
/// [`DynArray::field`]. Nested fields are reached with [`DynField::field`].
#[derive(Clone, Copy)]
pub struct DynField<'a> {
    array: &'a DynArray,
    offset: usize,
    dtype: &'a Dtype,
}

impl<'a> DynField<'a> {
    fn lookup(array: &'a DynArray, base: usize, dtype: &'a Dtype, name: &str) -> Result<Self> {
        let (offset, dtype) = find_field(dtype, name)
            .map_err(|problem| Error::field(Some(&array.path), name, problem))?;
        Ok(DynField {
            array,
            offset: base + offset,
            dtype,
        })
    }

    /// The field's dtype.
    pub fn dtype(&self) -> &'a Dtype {
        self.dtype
    }

    /// The field's byte offset in the record.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The nested field `name` of this (record) field.
    ///
    /// # Errors
    ///
    /// As [`DynArray::field`].
    pub fn field(&self, name: &str) -> Result<DynField<'a>> {
        DynField::lookup(self.array, self.offset, self.dtype, name)
    }

    /// The field of the element at an n-d index, decoded; `None` if out of bounds.
    pub fn get(&self, index: &[usize]) -> Option<Value> {
        let item = self.array.item_bytes(index)?;
        Value::decode(self.dtype, item.get(self.offset..)?)
    }

    /// The field of every element, in logical C order.
    pub fn values(&self) -> impl Iterator<Item = Value> + 'a {
        let (array, offset, dtype) = (self.array, self.offset, self.dtype);
        LogicalOrder::new(&array.shape, array.order)
            .filter_map(move |pos| Value::decode(dtype, array.item_at(pos)?.get(offset..)?))
    }
}

impl fmt::Debug for DynField<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynField")
            .field("offset", &self.offset)
            .field("dtype", &self.dtype.descr())
            .finish()
    }
}

/// Memory positions of the elements of an array in logical C order: an odometer over the
/// n-d index, mapped through the memory order.
struct LogicalOrder<'a> {
    shape: &'a [usize],
    order: Order,
    index: Vec<usize>,
    remaining: usize,
}

impl<'a> LogicalOrder<'a> {
    fn new(shape: &'a [usize], order: Order) -> Self {
        LogicalOrder {
            shape,
            order,
            index: vec![0; shape.len()],
            // Checked when the array was made; 0 for empty arrays stops at once.
            remaining: shape.iter().product(),
        }
    }
}

impl Iterator for LogicalOrder<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let pos = linear_index(self.shape, self.order, &self.index);
        for axis in (0..self.shape.len()).rev() {
            self.index[axis] += 1;
            if self.index[axis] < self.shape[axis] {
                break;
            }
            self.index[axis] = 0;
        }
        pos
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logical_order_of_fortran_arrays() {
        let got: Vec<usize> = LogicalOrder::new(&[2, 3], Order::F).collect();
        assert_eq!(got, [0, 2, 4, 1, 3, 5]);
        let got: Vec<usize> = LogicalOrder::new(&[2, 3], Order::C).collect();
        assert_eq!(got, [0, 1, 2, 3, 4, 5]);
        assert_eq!(LogicalOrder::new(&[], Order::C).collect::<Vec<_>>(), [0]);
        assert_eq!(LogicalOrder::new(&[3, 0], Order::C).count(), 0);
    }

    /// Columns of an in-memory array of packed records: fields at odd offsets, nested
    /// fields, byte-swapped fields, errors. Runs under Miri (`cargo +nightly miri test --lib
    /// dynamic`), which checks every unaligned read.
    #[test]
    fn columns_of_packed_records() {
        use crate::byteorder::{BigEndian, U16};
        let dtype =
            Dtype::parse("[('s', 'u1'), ('x', '<f8'), ('p', [('a', '>u2'), ('b', '<i4')])]")
                .unwrap();
        assert_eq!(dtype.itemsize(), 15);
        let mut bytes = Vec::new();
        for i in 0..4u8 {
            bytes.push(i);
            bytes.extend((f64::from(i) + 0.5).to_le_bytes());
            bytes.extend((300 + u16::from(i)).to_be_bytes());
            bytes.extend((-i32::from(i)).to_le_bytes());
        }
        let a = DynArray::from_bytes(dtype, vec![2, 2], Order::C, &bytes).unwrap();
        assert_eq!(a.column::<u8>("s").unwrap().to_vec(), [0, 1, 2, 3]);
        assert_eq!(a.column::<f64>("x").unwrap().to_vec(), [0.5, 1.5, 2.5, 3.5]);
        let pa: Vec<u16> = a
            .column::<U16<BigEndian>>("p.a")
            .unwrap()
            .iter()
            .map(|v| v.get())
            .collect();
        assert_eq!(pa, [300, 301, 302, 303]);
        assert_eq!(a.column::<i32>("p.b").unwrap().to_vec(), [0, -1, -2, -3]);
        let p = a.column::<[u8; 6]>("p");
        assert!(matches!(
            p,
            Err(Error::Field {
                problem: FieldProblem::WrongDtype { .. },
                ..
            })
        ));
        let err = a.column::<u8>("").unwrap_err();
        assert!(matches!(
            err,
            Error::Field {
                problem: FieldProblem::Missing { .. },
                ..
            }
        ));
        assert!(err.to_string().contains(IN_MEMORY), "{err}");
    }

    #[test]
    fn columns_of_hand_made_records_stay_inside_the_record() {
        // A `RecordDtype` built by hand can put a field past the item size.
        let dtype = Dtype::Record(crate::dtype::RecordDtype {
            fields: vec![crate::dtype::Field {
                name: "x".into(),
                title: None,
                offset: 2,
                dtype: u32::dtype(),
            }],
            itemsize: 4,
        });
        let a = DynArray::from_bytes(dtype, vec![2], Order::C, &[0; 8]).unwrap();
        let err = a.column::<u32>("x").unwrap_err();
        assert!(
            matches!(
                err,
                Error::Field {
                    problem: FieldProblem::OutOfRecord {
                        offset: 2,
                        size: 4,
                        record_size: 4
                    },
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn owned_arrays_are_writable() {
        let mut a = DynArray::from_bytes(u16::dtype(), vec![2, 2], Order::F, &[0; 8]).unwrap();
        a.item_bytes_mut(&[0, 1])
            .unwrap()
            .copy_from_slice(&7u16.to_ne_bytes());
        assert_eq!(a.as_bytes()[4..6], 7u16.to_ne_bytes());
        assert_eq!(a.get(&[0, 1]), Some(Value::UInt(7)));
        assert!(a.item_bytes_mut(&[2, 0]).is_none());
        assert_eq!(a.as_bytes_mut().map(|b| b.len()), Some(8));
    }

    #[test]
    fn typed_views_check_alignment_and_dtype() {
        let bytes: Vec<u8> = (0..16).collect();
        let a = DynArray::from_bytes(u32::dtype(), vec![4], Order::C, &bytes).unwrap();
        assert_eq!(
            a.as_typed::<u32>().unwrap()[1],
            u32::from_ne_bytes([4, 5, 6, 7])
        );
        assert!(matches!(
            a.as_typed::<f32>(),
            Err(Error::DtypeMismatch { .. })
        ));
        let empty = DynArray::from_bytes(u64::dtype(), vec![0], Order::C, &[]).unwrap();
        assert!(empty.as_typed::<u64>().unwrap().is_empty());
        assert!(DynArray::from_bytes(u64::dtype(), vec![2], Order::C, &[0; 15]).is_none());
    }
}
