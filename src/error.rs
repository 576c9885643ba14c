//! The crate's one error type.
//!
//! Failure modes, in the order a map meets them:
//!
//! - **shape**: the shape's element count times the item size, plus the offset, does not fit
//!   in 64 bits or in the address space ([`Error::ShapeOverflow`]);
//! - **alignment**: the byte offset breaks the alignment of the element type
//!   ([`Error::Misaligned`]);
//! - **size**: the file is shorter than the array needs ([`Error::FileTooShort`]), the bytes
//!   after the offset are not a whole number of items ([`Error::NotAMultiple`]), or the offset
//!   lies past the end ([`Error::OffsetPastEnd`]);
//! - **validity**: a file's dtype is not the element type's ([`Error::DtypeMismatch`]), or its
//!   header is malformed ([`Error::Header`]);
//! - **I/O**: the operating system refused an open, a read, a resize or a map ([`Error::Io`]);
//! - **logs**: a followed log shrank ([`Error::Shrunk`]) or was replaced
//!   ([`Error::Replaced`]), its header is not the expected one ([`Error::HeaderMismatch`]), it
//!   ends in a partial record that must be recovered before appending ([`Error::TornTail`]),
//!   another writer holds it ([`Error::Locked`]) or wrote to it ([`Error::ForeignWrite`]);
//! - **misuse**: a request that the map, the file or the element type cannot serve: a flush
//!   range out of bounds ([`Error::FlushRange`]), elements that do not fill a shape
//!   ([`Error::LengthMismatch`]), `w+` without a shape ([`Error::ShapeRequired`]), a create
//!   over a non-empty file ([`Error::FileNotEmpty`]), an append the array cannot take
//!   ([`Error::NotAppendable`], [`Error::PartialRows`]), a zero-sized element type with an
//!   inferred length ([`Error::ZeroSizedElement`]), a field that is not there
//!   ([`Error::Field`]); a resize that the array's order or rank
//!   ([`Error::NotResizable`]) or a copy-on-write map ([`Error::ResizeCopyOnWrite`]) cannot
//!   take;
//! - **truncation**: a mapped file is now shorter than its map ([`Error::Truncated`], found by
//!   `check_len`).
//! - **specs**: a [`MapSpec`](crate::MapSpec) whose dtype text, row range or mode does not
//!   allow what was asked ([`Error::Spec`]).
//! - **archives** (feature `npz`): an `.npz` archive or one of its members cannot serve the
//!   request (`Error::Npz`, with an `NpzProblem` saying what is wrong).
//! - **shards**: a set of files that cannot be one array ([`Error::Shard`]).
//! - **Arrow** (feature `arrow`): a dtype or an Arrow type with no counterpart, or a value
//!   that does not fit the other side ([`Error::Arrow`]).
//!
//! Every variant carries the path of the file (for a field looked up by type alone there is
//! none) and the numbers involved, and its message says what to do about it.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Everything that can go wrong while mapping, reading or writing a file.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The operating system refused an operation on the file.
    Io {
        /// What was being done (`open`, `map`, `resize`, `read`, ...).
        op: &'static str,
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },

    /// The file is shorter than the array it should hold.
    FileTooShort {
        /// The file.
        path: PathBuf,
        /// Its length in bytes.
        file_len: u64,
        /// The byte offset of the first element.
        offset: u64,
        /// The bytes of data the shape needs.
        nbytes: u64,
        /// `offset + nbytes`.
        needed: u64,
    },

    /// With the length inferred from the file, the bytes after the offset are not a whole
    /// number of items.
    NotAMultiple {
        /// The file.
        path: PathBuf,
        /// Its length in bytes.
        file_len: u64,
        /// The byte offset of the first element.
        offset: u64,
        /// `file_len - offset`.
        available: u64,
        /// The size of one element.
        itemsize: usize,
    },

    /// With the length inferred from the file, the offset lies past its end.
    OffsetPastEnd {
        /// The file.
        path: PathBuf,
        /// Its length in bytes.
        file_len: u64,
        /// The requested byte offset.
        offset: u64,
    },

    /// The byte offset breaks the alignment of the element type, so no `&[T]` can be made.
    Misaligned {
        /// The file.
        path: PathBuf,
        /// The requested byte offset.
        offset: u64,
        /// `align_of::<T>()`.
        align: usize,
        /// The element type.
        type_name: &'static str,
    },

    /// `offset + prod(shape) * itemsize` does not fit in 64 bits or in the address space, or
    /// (as numpy) the shape with each 0 counted as 1 would span more than `isize::MAX` bytes.
    ShapeOverflow {
        /// The file.
        path: PathBuf,
        /// The requested shape.
        shape: Vec<usize>,
        /// The size of one element.
        itemsize: usize,
        /// The byte offset of the first element.
        offset: u64,
    },

    /// The element type has size zero, so a length cannot be inferred from a file size.
    ZeroSizedElement {
        /// The file.
        path: PathBuf,
        /// The element type.
        type_name: &'static str,
    },

    // Requests that the map, the file or the array cannot serve, and the length check of a
    // map (these replace the former catch-all `Mode` variant).
    /// [`MemmapMut::flush_range`](crate::MemmapMut::flush_range) was given a range of element
    /// positions that is reversed or reaches past the array.
    FlushRange {
        /// The mapped file.
        path: PathBuf,
        /// The first position of the range.
        start: usize,
        /// The end (exclusive) of the range.
        end: usize,
        /// The number of elements of the array.
        len: usize,
    },

    /// The elements given do not fill the shape given
    /// ([`npy::write_shaped`](crate::npy::write_shaped)). Nothing was written.
    LengthMismatch {
        /// The file that was to be written.
        path: PathBuf,
        /// The shape given.
        shape: Vec<usize>,
        /// The number of elements given.
        len: usize,
    },

    /// Mode `w+` was asked without a shape: a new file has no size to infer the length from.
    /// ([`Options::create`](crate::Options::create) refuses this at compile time.)
    ShapeRequired {
        /// The file that was to be created.
        path: PathBuf,
    },

    /// A create that must not replace data found a non-empty file
    /// ([`LogWriter::create`](crate::LogWriter::create)). The file was left as it is.
    FileNotEmpty {
        /// The file.
        path: PathBuf,
        /// Its length in bytes.
        file_len: u64,
    },

    /// An append to a `.npy` file whose array cannot grow along axis 0: a 0-d array
    /// (`shape` is empty), a Fortran-order array of rank 2 or more (`fortran_order`), or an
    /// array whose rows hold no elements (a 0 in `shape[1..]`). Nothing was written.
    NotAppendable {
        /// The file.
        path: PathBuf,
        /// The array's shape.
        shape: Vec<usize>,
        /// Whether the array is in Fortran order.
        fortran_order: bool,
        /// The number of records that were to be appended.
        records: usize,
    },

    /// An append to an n-d `.npy` array of records that are not whole rows. Nothing was
    /// written.
    PartialRows {
        /// The file.
        path: PathBuf,
        /// The array's shape.
        shape: Vec<usize>,
        /// The number of records that were to be appended.
        records: usize,
        /// The elements in one row (the product of `shape[1..]`).
        row_len: usize,
    },

    /// The mapped file is now shorter than the map: someone truncated it after it was
    /// mapped, and touching the bytes past its end would kill the process with `SIGBUS`.
    /// Found by [`Memmap::check_len`](crate::Memmap::check_len).
    Truncated {
        /// The file.
        path: PathBuf,
        /// The byte offset of the first element.
        offset: u64,
        /// The end of the mapped bytes in the file: `offset + nbytes`.
        mapped_end: u64,
        /// The file's length now.
        file_len: u64,
    },

    /// A file's dtype differs from the element type's.
    DtypeMismatch {
        /// The file.
        path: PathBuf,
        /// The element type's descr.
        expected: String,
        /// The file's descr.
        found: String,
        /// The first difference, in words.
        difference: String,
    },

    /// A file header is malformed.
    Header {
        /// The file.
        path: PathBuf,
        /// The byte position in the file where the problem was found.
        at: u64,
        /// What is wrong.
        message: String,
    },

    /// An append to a `.npy` file needs a shape that does not fit in the header's spare room
    /// (the header would have to grow, which moves the data). Nothing was written.
    HeaderFull {
        /// The file.
        path: PathBuf,
        /// The shape the append would have given the array.
        shape: Vec<usize>,
        /// The header's length in bytes (the data offset).
        header_len: u64,
    },

    /// A field asked for by name does not exist or has another dtype
    /// ([`FieldHandle::by_name`](crate::FieldHandle::by_name), `column_by_name`,
    /// [`DynArray::field`](crate::DynArray::field)).
    Field {
        /// The file of the array; `None` for a lookup by type alone
        /// ([`FieldHandle::by_name`](crate::FieldHandle::by_name)) or in an in-memory
        /// [`Array`](crate::Array).
        path: Option<PathBuf>,
        /// The name asked for (nested fields as `outer.inner`).
        name: String,
        /// What is wrong.
        problem: FieldProblem,
    },

    /// A followed log file is now shorter than the whole records already seen in it: someone
    /// truncated or replaced it.
    Shrunk {
        /// The file.
        path: PathBuf,
        /// Its length in bytes at the previous look.
        was: u64,
        /// Its length in bytes now.
        now: u64,
    },

    /// A log file's header is not the one expected.
    HeaderMismatch {
        /// The file.
        path: PathBuf,
        /// The expected header (escaped bytes), or what the check wanted.
        expected: String,
        /// The header found in the file (escaped bytes), or what the check found wrong.
        found: String,
    },

    /// A log file ends in a partial record (left by a crash), so appending would misplace
    /// every record after it.
    TornTail {
        /// The file.
        path: PathBuf,
        /// Its length in bytes.
        file_len: u64,
        /// The length of its header.
        header_len: u64,
        /// The size of one record.
        itemsize: usize,
        /// The bytes after the last whole record.
        tail: u64,
    },

    /// Another [`LogWriter`](crate::LogWriter) (in this process or another) holds the
    /// file's writer lock: a log has one writer at a time.
    Locked {
        /// The file.
        path: PathBuf,
    },

    /// The log file changed length under a [`LogWriter`](crate::LogWriter): someone else appended to it or
    /// truncated it, so writing at the end of this writer's records would overwrite theirs
    /// or leave a gap. Nothing was written.
    ForeignWrite {
        /// The file.
        path: PathBuf,
        /// Where this writer's records end, in bytes: the length it expected.
        expected: u64,
        /// The file's length now.
        found: u64,
    },

    /// A followed log file is no longer the file whose records were shown: it was rewritten
    /// in place (a record already shown has other bytes now) or its path names another file
    /// (it was renamed or deleted and created again).
    Replaced {
        /// The file.
        path: PathBuf,
        /// The index of a record already shown whose bytes changed; `None` when the path
        /// names another file.
        record: Option<u64>,
        /// The length in bytes of the file found.
        file_len: u64,
    },

    /// [`MemmapMut::resize`](crate::MemmapMut::resize) or
    /// [`reserve`](crate::MemmapMut::reserve) on an array that has no growth axis: a 0-d
    /// array, or a Fortran-order array of rank 2 or more (its slowest axis is the last, and
    /// growing it would move every element).
    NotResizable {
        /// The mapped file.
        path: PathBuf,
        /// The array's shape.
        shape: Vec<usize>,
        /// The array's order.
        order: crate::shape::Order,
        /// The length along the growth axis that was asked for.
        new_len: usize,
    },

    /// A copy-on-write map (mode `c`) was asked to change its length: its file never changes,
    /// so it cannot grow or be cut.
    ResizeCopyOnWrite {
        /// The mapped file.
        path: PathBuf,
        /// The current length along axis 0.
        len: usize,
        /// The length that was asked for.
        new_len: usize,
    },

    /// A [`MapSpec`](crate::MapSpec) cannot be opened, split or made as it is (a spec made
    /// by hand or deserialised is only checked when it is used).
    Spec {
        /// The spec's file.
        path: PathBuf,
        /// What is wrong.
        problem: crate::spec::SpecProblem,
    },

    /// An `.npz` archive, or one of its members, cannot serve the request: not a zip file, a
    /// damaged central directory, a member that is not a `.npy` file or whose header promises
    /// more bytes than it holds, a missing member, or a map asked of a compressed member.
    #[cfg(feature = "npz")]
    Npz {
        /// The archive.
        path: PathBuf,
        /// The member's name in the archive (`x.npy`), when the problem is one member's.
        member: Option<String>,
        /// What is wrong.
        problem: NpzProblem,
    },

    /// A set of shards could not be made ([`Shards`](crate::Shards)): a pattern that matches
    /// no file or has a wildcard outside its file name, a shard that is not 1-D, or more
    /// records than a `usize` counts. [`ShardProblem`] says which.
    Shard {
        /// The shard's file, or the pattern.
        path: PathBuf,
        /// What is wrong.
        problem: ShardProblem,
    },

    /// An array cannot become Arrow data, or Arrow data cannot become a numpy array (feature
    /// `arrow`): a dtype or Arrow type with no counterpart, a value that does not fit
    /// (a datetime out of range, a string too long for its `U<n>`, a null where numpy has
    /// none), or an error Arrow itself returned.
    Arrow {
        /// The file, where there is one.
        path: Option<PathBuf>,
        /// What was being converted: the field (nested fields as `outer.inner`) and its dtype
        /// or Arrow type.
        context: String,
        /// What is wrong, and what to do about it.
        message: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io {
                op, path, source, ..
            } => write!(f, "cannot {op} {path}: {source}", path = path.display()),
            Error::FileTooShort {
                file_len,
                nbytes,
                needed,
                offset,
                path,
                ..
            } => write!(
                f,
                "{path} is {file_len} bytes, but offset {offset} plus {nbytes} bytes of data \
                 need {needed}; pass a shape that fits, or open with `open_mut` and \
                 `grow(true)` to extend the file",
                path = path.display()
            ),
            Error::NotAMultiple {
                available,
                file_len,
                itemsize,
                offset,
                path,
                ..
            } => write!(
                f,
                "{path}: the {available} bytes after offset {offset} (file length {file_len}) \
                 are not a multiple of the item size {itemsize}; check the element type and the \
                 offset, or give an explicit shape",
                path = path.display()
            ),
            Error::OffsetPastEnd {
                file_len,
                offset,
                path,
                ..
            } => write!(
                f,
                "{path}: offset {offset} is past the end of the file ({file_len} bytes); give \
                 an offset of at most {file_len}",
                path = path.display()
            ),
            Error::Misaligned {
                align,
                offset,
                path,
                type_name,
                ..
            } => write!(
                f,
                "{path}: offset {offset} is not a multiple of {align}, the alignment of \
                 `{type_name}`; use an aligned offset, or an alignment-1 element type \
                 (zerocopy's byte-order types such as `U32<LittleEndian>`, or a `#[repr(C, \
                 packed)]` record)",
                path = path.display()
            ),
            Error::ShapeOverflow {
                itemsize,
                offset,
                path,
                shape,
                ..
            } => write!(
                f,
                "{path}: shape {shape:?} of {itemsize}-byte items at offset {offset} is too big: \
                 the product of the dimensions (a 0 counting as 1, as in numpy) must be at most \
                 {items}, times {itemsize} at most {bytes} bytes, and the offset plus the bytes \
                 at most {end}; check the shape and the offset",
                path = path.display(),
                items = usize::MAX,
                bytes = isize::MAX,
                end = u64::MAX
            ),
            Error::ZeroSizedElement {
                path, type_name, ..
            } => write!(
                f,
                "{path}: `{type_name}` has size 0, so the number of items cannot be inferred \
                 from the file; give an explicit shape",
                path = path.display()
            ),
            Error::FlushRange {
                end,
                len,
                path,
                start,
                ..
            } => write!(
                f,
                "{path}: flush range {start}..{end} is not within the array's {len} elements; \
                 give a range of element positions inside 0..{len}",
                path = path.display()
            ),
            Error::LengthMismatch {
                len, path, shape, ..
            } => {
                let holds = match crate::shape::element_count(shape) {
                    Some(n) => n.to_string(),
                    None => format!("more than {}", usize::MAX),
                };
                write!(
                    f,
                    "{path}: shape {shape:?} holds {holds} elements, not the {len} elements \
                     given; pass a shape whose product is the number of elements",
                    path = path.display()
                )
            }
            Error::ShapeRequired { path, .. } => write!(
                f,
                "{path}: mode `w+` needs a shape: a new file has no size to infer the length \
                 from; give one with `.shape(...)`",
                path = path.display()
            ),
            Error::FileNotEmpty { file_len, path, .. } => write!(
                f,
                "{path}: refusing to create a log over an existing {file_len}-byte file; \
                 append to it with `LogWriter::open`, or replace it with \
                 `LogWriter::create_truncate`",
                path = path.display()
            ),
            Error::NotAppendable {
                fortran_order,
                path,
                records,
                shape,
                ..
            } => {
                let path = path.display();
                if shape.is_empty() {
                    write!(
                        f,
                        "{path}: cannot append to a 0-d array (shape ()); save the data as a \
                         1-D array"
                    )
                } else if *fortran_order && shape.len() > 1 {
                    write!(
                        f,
                        "{path}: cannot append to a Fortran-order array of shape {shape:?}: new \
                         rows would interleave with the existing columns; rewrite it in C \
                         order (numpy: `np.save(path, np.ascontiguousarray(a))`) to append rows"
                    )
                } else {
                    write!(
                        f,
                        "{path}: rows of shape {row:?} hold no elements, so {records} records \
                         cannot be appended to an array of shape {shape:?}; rewrite the file \
                         with a shape whose rows hold elements",
                        row = &shape[1..]
                    )
                }
            }
            Error::PartialRows {
                path,
                records,
                row_len,
                shape,
                ..
            } => write!(
                f,
                "{path}: {records} records are not whole rows of {row_len} elements (the array \
                 has shape {shape:?}); append a multiple of {row_len}",
                path = path.display()
            ),
            Error::Truncated {
                file_len,
                mapped_end,
                offset,
                path,
                ..
            } => write!(
                f,
                "{path} is now {file_len} bytes, but the map covers bytes {offset}..{mapped_end} \
                 of it: the file was truncated after it was mapped, and touching the bytes past \
                 its end would kill the process (SIGBUS); drop the map and map the file again",
                path = path.display()
            ),
            Error::DtypeMismatch {
                difference,
                expected,
                found,
                path,
                ..
            } => write!(
                f,
                "{path}: the file holds dtype {found} but the element type has dtype {expected} \
                 ({difference}); map it with an element type whose dtype matches, or as a \
                 `DynArray`",
                path = path.display()
            ),
            Error::Header {
                at, message, path, ..
            } => write!(
                f,
                "{path}: bad header at byte {at}: {message}",
                path = path.display()
            ),
            Error::HeaderFull {
                header_len,
                path,
                shape,
                ..
            } => write!(
                f,
                "{path}: the new shape {shape:?} does not fit in the spare room of the \
                 {header_len}-byte header, so nothing was appended; rewrite the file with a \
                 fresh header (numpy's `np.save`, or `npy::write`) to make room",
                path = path.display()
            ),
            Error::Field {
                name,
                path,
                problem,
                ..
            } => {
                if let Some(path) = path {
                    write!(f, "{}: ", path.display())?;
                }
                match problem {
                    FieldProblem::NotARecord { dtype } => write!(
                        f,
                        "dtype {dtype} is not a record, so it has no field `{name}`; look \
                         fields up in arrays of records"
                    ),
                    FieldProblem::Missing { fields } => {
                        write!(f, "no field `{name}`; the fields are ")?;
                        write_names(f, fields)?;
                        f.write_str(" (a nested field is named `outer.inner`)")
                    }
                    FieldProblem::WrongDtype {
                        found,
                        type_name,
                        wanted,
                        ..
                    } => write!(
                        f,
                        "field `{name}` has dtype {found}, but `{type_name}` has dtype \
                         {wanted}; ask for a column of a type with the field's dtype"
                    ),
                    FieldProblem::OutOfRecord {
                        offset,
                        record_size,
                        size,
                        ..
                    } => write!(
                        f,
                        "field `{name}` at offset {offset} with {size} bytes does not fit in \
                         the {record_size}-byte record; check the record's dtype"
                    ),
                }
            }
            Error::Shrunk { now, path, was, .. } => write!(
                f,
                "{path} shrank from {was} to {now} bytes while it was followed; a log must only \
                 grow: open it again if it was rotated or rewritten on purpose",
                path = path.display()
            ),
            Error::HeaderMismatch {
                expected,
                found,
                path,
                ..
            } => write!(
                f,
                "{path}: the log header is {found}, expected {expected}; check that this is \
                 the right file and the right record type",
                path = path.display()
            ),
            Error::TornTail {
                file_len,
                header_len,
                itemsize,
                path,
                tail,
                ..
            } => write!(
                f,
                "{path} ends in a partial record: {tail} bytes after the last whole \
                 {itemsize}-byte record (file length {file_len}, header {header_len} bytes), \
                 probably left by a crash; call `LogWriter::recover` to cut them before \
                 appending",
                path = path.display()
            ),
            Error::Locked { path } => write!(
                f,
                "{path} is open in another `LogWriter` (in this process or another), and a log \
                 has one writer at a time; drop the other writer first, or read the log with \
                 `RecordLog`",
                path = path.display()
            ),
            Error::ForeignWrite {
                path,
                expected,
                found,
            } => write!(
                f,
                "{path} is {found} bytes, but this writer's records end at byte {expected}: \
                 another program wrote to or truncated the log, so nothing was appended; stop \
                 the other writer, then `LogWriter::open` the file again",
                path = path.display()
            ),
            Error::Replaced {
                path,
                record: Some(record),
                file_len,
            } => write!(
                f,
                "{path} was replaced while it was followed: record {record}, already shown, \
                 has other bytes now (the file is {file_len} bytes), as after \
                 `LogWriter::create_truncate`; open it again to follow the new content",
                path = path.display()
            ),
            Error::Replaced {
                path,
                record: None,
                file_len,
            } => write!(
                f,
                "{path} now names another file ({file_len} bytes) than the one followed: it \
                 was renamed or deleted and created again; finish reading the old one if \
                 needed, then open the path again to follow the new one",
                path = path.display()
            ),
            Error::NotResizable {
                path,
                shape,
                order,
                new_len,
            } => write!(
                f,
                "cannot resize {path} to length {new_len}: its shape {shape:?} in {order} \
                 order has no growth axis (only 1-D arrays and C-order arrays along axis 0 \
                 grow); copy it into a new C-order array to grow it",
                path = path.display()
            ),
            Error::ResizeCopyOnWrite { path, len, new_len } => write!(
                f,
                "cannot resize the copy-on-write map of {path} from length {len} to {new_len}: \
                 mode `c` never changes the file; open it with `open_mut` (mode `r+`) to grow \
                 or cut it",
                path = path.display()
            ),
            Error::Spec { path, problem } => {
                use crate::spec::SpecProblem;
                write!(f, "{}: ", path.display())?;
                match problem {
                    SpecProblem::Descr { descr, at, message } => write!(
                        f,
                        "the spec's dtype {descr:?} is not a numpy descr ({message}, at byte \
                         {at} of it); give the descr text of a `.npy` header, such as `'<f8'`, \
                         or make the spec with `spec()` of a map"
                    ),
                    SpecProblem::Rows { start, end, rows } => write!(
                        f,
                        "the spec's row range {start}..{end} is not within its {rows} rows; \
                         give a range inside 0..{rows} with start <= end (a 0-d array has one \
                         row: 0..1)"
                    ),
                    SpecProblem::ReadOnly => f.write_str(
                        "the spec has mode `r`, so it does not open writable; open it with \
                         `MapSpec::open`, or make the spec from a writable map (`r+`, `w+`, `c`)",
                    ),
                    SpecProblem::InMemory => f.write_str(
                        "the array lives only in memory (made there, or decompressed from an \
                         `.npz` member), so no file holds its bytes for a spec to name; write it \
                         to a file (`npy::write`) and open that",
                    ),
                }
            }
            #[cfg(feature = "npz")]
            Error::Npz {
                member,
                path,
                problem,
                ..
            } => {
                write!(f, "{}: ", path.display())?;
                if let Some(member) = member {
                    write!(f, "member `{member}`: ")?;
                }
                fmt::Display::fmt(problem, f)
            }
            Error::Shard { path, problem } => {
                let path = path.display();
                match problem {
                    ShardProblem::NoMatch => write!(
                        f,
                        "{path}: the pattern matches no file; check the directory and the \
                         pattern (`*` any run of characters, `?` one byte), or pass the \
                         list of files"
                    ),
                    ShardProblem::WildcardInDirectory => write!(
                        f,
                        "{path}: only the file name of a shard pattern may hold `*` or `?`, \
                         not its directory; list the files yourself (e.g. with the `glob` \
                         crate) and pass the list"
                    ),
                    ShardProblem::NotOneDimensional { shape } => write!(
                        f,
                        "{path}: a shard must be a 1-D array of records, but this one has \
                         shape {shape:?}; save it flat (numpy: `a.reshape(-1)`) or map it \
                         on its own"
                    ),
                    ShardProblem::TooManyRecords { before, len } => write!(
                        f,
                        "{path}: its {len} records after the {before} of the shards before \
                         it are more than {max} in all; split the set",
                        max = usize::MAX
                    ),
                }
            }
            Error::Arrow {
                path,
                context,
                message,
            } => {
                if let Some(path) = path {
                    write!(f, "{}: ", path.display())?;
                }
                write!(f, "{context}: {message}")
            }
        }
    }
}

/// Writes `names` as `` `a`, `b` ``, or `none`: the lists of fields and members that
/// errors offer.
fn write_names(f: &mut fmt::Formatter<'_>, names: &[String]) -> fmt::Result {
    if names.is_empty() {
        return f.write_str("none");
    }
    for (i, name) in names.iter().enumerate() {
        let sep = if i == 0 { "" } else { ", " };
        write!(f, "{sep}`{name}`")?;
    }
    Ok(())
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl Error {
    pub(crate) fn io(op: &'static str, path: &Path, source: io::Error) -> Self {
        Error::Io {
            op,
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn field(path: Option<&Path>, name: &str, problem: FieldProblem) -> Self {
        Error::Field {
            path: path.map(Path::to_path_buf),
            name: name.to_string(),
            problem,
        }
    }

    /// The path of the file the error is about, where there is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Error::Io { path, .. }
            | Error::FileTooShort { path, .. }
            | Error::NotAMultiple { path, .. }
            | Error::OffsetPastEnd { path, .. }
            | Error::Misaligned { path, .. }
            | Error::ShapeOverflow { path, .. }
            | Error::ZeroSizedElement { path, .. }
            | Error::DtypeMismatch { path, .. }
            | Error::Header { path, .. }
            | Error::Shrunk { path, .. }
            | Error::HeaderMismatch { path, .. }
            | Error::TornTail { path, .. }
            | Error::HeaderFull { path, .. }
            | Error::FlushRange { path, .. }
            | Error::LengthMismatch { path, .. }
            | Error::ShapeRequired { path, .. }
            | Error::FileNotEmpty { path, .. }
            | Error::NotAppendable { path, .. }
            | Error::PartialRows { path, .. }
            | Error::Truncated { path, .. }
            | Error::NotResizable { path, .. }
            | Error::ResizeCopyOnWrite { path, .. }
            | Error::Shard { path, .. }
            | Error::Locked { path }
            | Error::ForeignWrite { path, .. }
            | Error::Replaced { path, .. }
            | Error::Spec { path, .. } => Some(path),
            #[cfg(feature = "npz")]
            Error::Npz { path, .. } => Some(path),
            Error::Field { path, .. } | Error::Arrow { path, .. } => path.as_deref(),
        }
    }
}

/// What is wrong with a field asked for by name, in [`Error::Field`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldProblem {
    /// The dtype searched is not a record (a scalar or a subarray), so it has no fields.
    NotARecord {
        /// Its descr.
        dtype: String,
    },
    /// No field has the name.
    Missing {
        /// The names of the fields there are, in order.
        fields: Vec<String>,
    },
    /// The field exists but its dtype is not the dtype of the type asked for.
    WrongDtype {
        /// The field's dtype (descr).
        found: String,
        /// The type asked for.
        type_name: &'static str,
        /// That type's dtype (descr).
        wanted: String,
    },
    /// The field's bytes reach past the end of the record (a record type whose dtype does not
    /// describe it).
    OutOfRecord {
        /// The field's byte offset.
        offset: usize,
        /// The size of the type asked for.
        size: usize,
        /// The size of the record.
        record_size: usize,
    },
}

/// What is wrong with an `.npz` archive or one of its members, in [`Error::Npz`].
#[cfg(feature = "npz")]
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NpzProblem {
    /// The zip reader or writer refused the archive: not a zip file, a truncated or damaged
    /// central directory, a duplicate member name, a failed CRC check.
    Zip {
        /// The zip crate's words.
        message: String,
    },
    /// The member's name does not end in `.npy`, so it is not an array (`np.savez` writes
    /// only `.npy` members).
    NotNpy,
    /// No member has the name asked for.
    Missing {
        /// The names of the members there are (numpy's keys: without `.npy`).
        members: Vec<String>,
    },
    /// A map was asked of a member stored compressed (`np.savez_compressed`), whose bytes are
    /// not the array's.
    Compressed {
        /// The compression method (`deflated`).
        method: String,
    },
    /// The member is compressed with a method this crate does not read.
    Method {
        /// The compression method's name.
        method: String,
    },
    /// The member's `.npy` header is malformed.
    Header {
        /// The byte position in the member's `.npy` image.
        at: u64,
        /// What is wrong.
        message: String,
    },
    /// The member's `.npy` header promises more bytes than the member holds.
    TooShort {
        /// The header's length plus the bytes its shape and dtype need.
        needed: u64,
        /// The member's (uncompressed) size.
        size: u64,
    },
    /// The member's bytes reach past the end of the archive.
    PastEnd {
        /// The archive offset where the member's bytes would end.
        end: u64,
        /// The archive's length.
        archive_len: u64,
    },
}

#[cfg(feature = "npz")]
impl fmt::Display for NpzProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NpzProblem::Zip { message } => write!(
                f,
                "not a readable zip archive ({message}); check that the file is a complete \
                 `.npz` written by `np.savez` or `npz::Writer`"
            ),
            NpzProblem::NotNpy => f.write_str(
                "the name does not end in `.npy`, so the member is not an array; an `.npz` \
                 holds only `.npy` members (write it with `np.savez` or `npz::Writer`)",
            ),
            NpzProblem::Missing { members } => {
                f.write_str("no such member; the members are ")?;
                write_names(f, members)
            }
            NpzProblem::Compressed { method } => write!(
                f,
                "the member is {method}, so its bytes cannot be mapped; read it into memory \
                 with `read` / `read_dyn`, or write the archive stored (`np.savez`, \
                 `npz::Writer::stored`) to map it"
            ),
            NpzProblem::Method { method } => write!(
                f,
                "compression method {method} is not supported; only stored and deflated \
                 members (what numpy writes) can be read"
            ),
            NpzProblem::Header { at, message } => {
                write!(f, "bad .npy header at byte {at} of the member: {message}")
            }
            NpzProblem::TooShort { needed, size } => write!(
                f,
                "the member is {size} bytes, but its .npy header and the data its shape needs \
                 take {needed}; the archive is truncated or the header lies about the shape"
            ),
            NpzProblem::PastEnd { end, archive_len } => write!(
                f,
                "the member's bytes end at byte {end}, past the end of the {archive_len}-byte \
                 archive; the archive is truncated"
            ),
        }
    }
}

/// What is wrong with a set of shards, in [`Error::Shard`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ShardProblem {
    /// The pattern matches no file in its directory.
    NoMatch,
    /// The pattern has `*` or `?` in its directory part; only the file name may.
    WildcardInDirectory,
    /// The shard (a `.npy` file) is not a 1-D array.
    NotOneDimensional {
        /// Its shape.
        shape: Vec<usize>,
    },
    /// The records of all the shards so far do not fit in a `usize`.
    TooManyRecords {
        /// The records of the shards before this one.
        before: usize,
        /// This shard's records.
        len: usize,
    },
}
