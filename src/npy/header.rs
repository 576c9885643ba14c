//! The `.npy` header: magic string, version, header length and the Python-literal dict
//! `{'descr': ..., 'fortran_order': ..., 'shape': ...}`.
//!
//! Reading follows numpy's reader: versions 1.0, 2.0 (latin-1 text) and 3.0 (UTF-8 text); the
//! dict is parsed by a small grammar (never evaluated) that accepts what `ast.literal_eval`
//! accepts (either quote style, escapes, any key order, duplicate keys with the last one
//! winning, trailing commas, comments, whitespace anywhere, Python 2's `3L` in 1.0/2.0
//! headers); then exactly the keys `descr`, `fortran_order` and `shape` are required,
//! `shape` must be a tuple of non-negative ints, `fortran_order` a bool and `descr` a
//! non-object dtype (see [`parse_descr`](super::parse_descr)).
//!
//! Departures from numpy, on purpose: the header length is capped in bytes before anything
//! is allocated (default [`DEFAULT_MAX_HEADER_LEN`], far above numpy's 10000 characters,
//! which refuses headers numpy itself writes); `True`/`False` in a shape are refused at once
//! (numpy lets them through and fails later); a shape whose byte size cannot be addressed is
//! refused here.
//!
//! Memory is bounded by the header's bytes, not by what its text could expand to. The text
//! is first checked as a literal without building a tree for the values (keeping only the
//! dict's entries, at most 64); unknown keys are then refused without reading their values,
//! a shape of more than 64 dimensions is counted and refused without being built, and the
//! descr is read field by field, so that only the resulting dtype is allocated. A record may
//! have at most one field per 64 bytes of the header length limit, and at least 4096 (262 144
//! at the default);
//! numpy has no such limit, but a parsed field costs about 100 bytes, five times what
//! `np.save` writes for it. A hostile header at the default limit peaks at about 1x its
//! length when its keys or shape are wrong and 3x when it is a record of too many fields
//! (`tests/npy_header_memory.rs` measures it).
//!
//! Writing produces numpy's bytes exactly (`np.save`, `open_memmap`): sorted keys, a space
//! after each `,` and `:`, `", }"`, the growth-axis spaces that let the shape grow in place,
//! and padding spaces so that the data starts at a multiple of 64.

use std::fmt;
use std::io::{self, Read};

use super::descr::{base_rank, max_fields_for, read_descr, DescrLimits, MAX_DIMS};
use super::literal::{self, Encoding, Keep, Lit, Node, Parser};
use crate::dtype::Dtype;
use crate::pyrepr::py_repr_shape;

/// The six bytes every `.npy` file starts with.
pub const MAGIC: &[u8; 6] = b"\x93NUMPY";

/// The default cap on `HEADER_LEN`, in bytes: 16 MiB.
///
/// numpy refuses headers over 10000 characters by default although `np.save` writes larger
/// ones (a struct of a few hundred fields; every version 2.0 file). 16 MiB holds the header
/// of a struct with hundreds of thousands of fields while keeping a hostile length field from
/// allocating gigabytes. The cap also caps the number of fields of the descr's records, at
/// one per 64 bytes (262 144 here). Pass a larger cap to [`read_header`] for bigger trusted
/// headers.
pub const DEFAULT_MAX_HEADER_LEN: usize = 16 << 20;

/// numpy's `GROWTH_AXIS_MAX_DIGITS`: room for the growth axis to reach 21 digits.
const GROWTH_AXIS_MAX_DIGITS: usize = 21;

/// numpy's `ARRAY_ALIGN`: data starts at a multiple of this.
const ARRAY_ALIGN: usize = 64;

/// A parsed `.npy` header.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// The format version, `(1, 0)`, `(2, 0)` or `(3, 0)`.
    pub version: (u8, u8),
    /// The dtype of one element.
    pub dtype: Dtype,
    /// Whether the data is stored in column-major (Fortran) order.
    pub fortran_order: bool,
    /// The array shape; empty for a 0-d array (one element).
    pub shape: Vec<usize>,
    /// The byte offset of the array data in the file (= preamble + `HEADER_LEN`).
    pub data_offset: u64,
    /// The descr text exactly as it appears in the header (for messages and tools).
    pub descr_text: String,
}

/// What is wrong with a header, and at which byte of the file; from
/// [`parse_descr`](super::parse_descr), what is wrong with the descr, and at which byte of
/// its text.
#[derive(Clone, Debug, PartialEq)]
pub struct HeaderError {
    /// The byte position in the file (or in the descr text) where the problem is.
    pub at: u64,
    /// What is wrong, lowercase, with the numbers.
    pub message: String,
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.at)
    }
}

impl std::error::Error for HeaderError {}

/// Why [`Header::parse_prefix`] could not return a header.
#[derive(Clone, Debug, PartialEq)]
pub enum PrefixError {
    /// The prefix ends before the header does: this many bytes in total are needed (read
    /// at least that many from the start of the file and call again).
    NeedMore(usize),
    /// The header is invalid.
    Invalid(HeaderError),
}

impl From<HeaderError> for PrefixError {
    fn from(e: HeaderError) -> PrefixError {
        PrefixError::Invalid(e)
    }
}

fn herr<T>(at: usize, message: impl Into<String>) -> Result<T, HeaderError> {
    Err(header_error(at, message))
}

fn header_error(at: usize, message: impl Into<String>) -> HeaderError {
    HeaderError {
        at: at as u64,
        message: message.into(),
    }
}

/// The fixed part before the header text: version, `HEADER_LEN` and where the text starts.
struct Preamble {
    version: (u8, u8),
    header_len: usize,
    text_start: usize,
    /// The cap the header was read with (it also caps the number of fields).
    max_header_len: usize,
}

/// Magic, version and length field; `NeedMore` if `prefix` ends inside them.
fn preamble(prefix: &[u8], max_header_len: usize) -> Result<Preamble, PrefixError> {
    let n = prefix.len().min(MAGIC.len());
    if prefix[..n] != MAGIC[..n] {
        let shown: String = prefix[..n].iter().map(|b| format!("\\x{b:02x}")).collect();
        return Err(header_error(
            0,
            format!("not a .npy file: the magic string is b\"{shown}\", expected b\"\\x93NUMPY\""),
        )
        .into());
    }
    if prefix.len() < 8 {
        return Err(PrefixError::NeedMore(8));
    }
    let version = (prefix[6], prefix[7]);
    let len_size = match version {
        (1, 0) => 2,
        (2, 0) | (3, 0) => 4,
        (major, minor) => {
            return Err(header_error(
                6,
                format!(
                    "unsupported .npy format version {major}.{minor}; versions 1.0, 2.0 and \
                     3.0 are supported"
                ),
            )
            .into())
        }
    };
    let text_start = 8 + len_size;
    if prefix.len() < text_start {
        return Err(PrefixError::NeedMore(text_start));
    }
    let header_len = if len_size == 2 {
        usize::from(u16::from_le_bytes([prefix[8], prefix[9]]))
    } else {
        let v = u32::from_le_bytes([prefix[8], prefix[9], prefix[10], prefix[11]]);
        usize::try_from(v).unwrap_or(usize::MAX)
    };
    if header_len > max_header_len {
        return Err(header_error(
            8,
            format!(
                "header length {header_len} bytes is over the limit of {max_header_len} bytes; \
                 raise the limit if the file is trusted"
            ),
        )
        .into());
    }
    if header_len == 0 {
        return Err(header_error(8, "header length is 0: the header dict is missing").into());
    }
    Ok(Preamble {
        version,
        header_len,
        text_start,
        max_header_len,
    })
}

/// Byte spans (in the file) of parts of a parsed header, for [`rewrite_shape`].
struct Spans {
    shape: (usize, usize),
    dict_end: usize,
}

impl Header {
    /// Parses the header from the first bytes of a file. `prefix` may be longer than the
    /// header (the data that follows is ignored).
    ///
    /// ```
    /// use typed_memmap::npy::{write_header, Header, PrefixError};
    /// use typed_memmap::Element;
    /// let bytes = write_header(&f64::dtype(), &[3], false).unwrap();
    /// assert_eq!(Header::parse_prefix(&bytes[..5], 1 << 20), Err(PrefixError::NeedMore(8)));
    /// assert_eq!(Header::parse_prefix(&bytes[..9], 1 << 20), Err(PrefixError::NeedMore(10)));
    /// assert_eq!(Header::parse_prefix(&bytes[..20], 1 << 20), Err(PrefixError::NeedMore(128)));
    /// let h = Header::parse_prefix(&bytes, 1 << 20).unwrap();
    /// assert_eq!((h.shape, h.data_offset), (vec![3], 128));
    /// ```
    ///
    /// # Errors
    /// [`PrefixError::NeedMore`] with the total number of bytes needed when `prefix` ends
    /// inside the header; [`PrefixError::Invalid`] when the header is invalid.
    pub fn parse_prefix(prefix: &[u8], max_header_len: usize) -> Result<Header, PrefixError> {
        parse_with_spans(prefix, max_header_len).map(|(h, _)| h)
    }

    /// The number of elements, the product of the shape (1 for a 0-d array).
    pub fn element_count(&self) -> usize {
        // Checked when the header was parsed: the byte size fits in `isize`.
        self.shape.iter().product()
    }

    /// The number of data bytes the shape and dtype need.
    pub fn data_len(&self) -> u64 {
        (self.element_count() as u64).saturating_mul(self.dtype.itemsize() as u64)
    }
}

fn parse_with_spans(prefix: &[u8], max_header_len: usize) -> Result<(Header, Spans), PrefixError> {
    let pre = preamble(prefix, max_header_len)?;
    let total = pre.text_start + pre.header_len;
    if prefix.len() < total {
        return Err(PrefixError::NeedMore(total));
    }
    let text = &prefix[pre.text_start..total];
    let base = pre.text_start;
    let encoding = if pre.version == (3, 0) {
        if let Err(e) = std::str::from_utf8(text) {
            return Err(header_error(
                base + e.valid_up_to(),
                format!(
                    "invalid UTF-8 in a version 3.0 header: byte 0x{:02x} at position {} of \
                     the header text",
                    text[e.valid_up_to()],
                    e.valid_up_to()
                ),
            )
            .into());
        }
        Encoding::Utf8
    } else {
        Encoding::Latin1
    };
    let long_suffix = pre.version != (3, 0);
    // The whole text is checked first, keeping only the dict and its keys: errors of syntax
    // come before errors of meaning, as in numpy, and no tree is built for the values.
    let keep = Keep {
        depth: 1,
        max_items: MAX_HEADER_ITEMS,
        what: "the header (numpy's has the 3 keys 'descr', 'fortran_order' and 'shape')",
    };
    let root =
        literal::parse_shallow(text, encoding, long_suffix, keep).map_err(|e| HeaderError {
            at: (base + e.at) as u64,
            message: format!("cannot parse the header: {}", e.message),
        })?;
    let source = Source {
        text,
        encoding,
        long_suffix,
        base,
    };
    let (header, spans) = interpret(&root, &source, &pre)?;
    Ok((header, spans))
}

/// The header text, checked to be a literal, from which values are read again by span.
struct Source<'a> {
    text: &'a [u8],
    encoding: Encoding,
    long_suffix: bool,
    /// Where the text starts in the file.
    base: usize,
}

/// The most entries the header dict may have (repeated keys included; the last one counts,
/// as in Python).
const MAX_HEADER_ITEMS: usize = 64;

/// The most nodes built to show a value in a message or to read a small value.
const SHOWN_NODES: usize = 4096;

impl Source<'_> {
    fn parser_at(&self, n: &Node) -> Parser<'_> {
        Parser::new_at(self.text, n.start, self.encoding, self.long_suffix)
    }

    /// The value of the (shallow) node `n` read again whole, if it has at most `max_nodes`
    /// nodes.
    fn reread(&self, n: &Node, max_nodes: usize) -> Result<Option<Node>, HeaderError> {
        self.parser_at(n)
            .value_within(max_nodes)
            .map_err(|e| header_error(self.base + e.at, e.message))
    }

    /// Python's `repr` of the value at `n`, cut to 200 characters; the text as written
    /// when the value is too long to rebuild.
    fn shown(&self, n: &Node) -> String {
        match self.reread(n, SHOWN_NODES) {
            Ok(Some(full)) => short_repr(&full),
            _ => {
                let end = n.end.min(n.start + 200);
                let mut s: String = match self.encoding {
                    Encoding::Latin1 => {
                        self.text[n.start..end].iter().map(|&b| b as char).collect()
                    }
                    Encoding::Utf8 => {
                        String::from_utf8_lossy(&self.text[n.start..end]).into_owned()
                    }
                };
                if end < n.end {
                    s.push_str("...");
                }
                s
            }
        }
    }
}

fn interpret(
    root: &Node,
    src: &Source<'_>,
    pre: &Preamble,
) -> Result<(Header, Spans), HeaderError> {
    let base = pre.text_start;
    let at = |n: &Node| base + n.start;
    let Lit::Dict(pairs) = &root.lit else {
        return herr(
            at(root),
            format!("header is not a dictionary: {}", src.shown(root)),
        );
    };
    let (mut descr, mut order, mut shape): (Option<&Node>, Option<&Node>, Option<&Node>) =
        (None, None, None);
    let mut unknown = false;
    for (k, v) in pairs {
        match &k.lit {
            Lit::Str(s) if s == "descr" => descr = Some(v),
            Lit::Str(s) if s == "fortran_order" => order = Some(v),
            Lit::Str(s) if s == "shape" => shape = Some(v),
            _ => unknown = true,
        }
    }
    let (Some(descr), Some(order), Some(shape), false) = (descr, order, shape, unknown) else {
        let mut keys: Vec<String> = pairs.iter().map(|(k, _)| src.shown(k)).collect();
        keys.sort();
        keys.dedup();
        let mut shown = keys.join(", ");
        truncate_chars(&mut shown, 200);
        return herr(
            at(root),
            format!(
                "header keys must be exactly 'descr', 'fortran_order' and 'shape', found \
                 [{shown}]"
            ),
        );
    };

    let Lit::Tuple(_) = &shape.lit else {
        return herr(
            at(shape),
            format!(
                "shape is not valid: {} is {}, expected a tuple of ints",
                src.shown(shape),
                shape.type_name()
            ),
        );
    };
    // Counted without building the items: a shape of millions of dimensions is refused
    // before it costs memory.
    let (_, ndim) = src
        .parser_at(shape)
        .skip_value()
        .map_err(|e| header_error(base + e.at, e.message))?;
    if ndim > MAX_DIMS {
        return herr(
            at(shape),
            format!(
                "the array has {ndim} dimensions in its shape alone; numpy allows at most \
                 {MAX_DIMS}"
            ),
        );
    }
    let Some(shape_node) = src.reread(shape, SHOWN_NODES)? else {
        return herr(
            at(shape),
            format!(
                "shape is not valid: {}: expected a tuple of at most {MAX_DIMS} ints",
                src.shown(shape)
            ),
        );
    };
    let shape = &shape_node;
    let Lit::Tuple(dims) = &shape.lit else {
        unreachable!("a tuple read again is a tuple");
    };
    let mut shape_vec = Vec::with_capacity(dims.len());
    for d in dims {
        match &d.lit {
            Lit::Int(v) if *v < 0 => {
                return herr(
                    at(d),
                    format!("negative dimension {v} in shape {}", short_repr(shape)),
                )
            }
            Lit::Int(v) if *v <= isize::MAX as i128 => shape_vec.push(*v as usize),
            Lit::Int(_) | Lit::BigInt(_) => {
                return herr(
                    at(d),
                    format!(
                        "dimension {} in shape {} is too large (more than {})",
                        short_repr(d),
                        short_repr(shape),
                        isize::MAX
                    ),
                )
            }
            _ => {
                return herr(
                    at(d),
                    format!(
                        "shape is not valid: {}: item {} is {}, expected an int",
                        short_repr(shape),
                        short_repr(d),
                        d.type_name()
                    ),
                )
            }
        }
    }
    let Lit::Bool(fortran_order) = order.lit else {
        return herr(
            at(order),
            format!(
                "fortran_order is not a valid bool: {} (expected True or False)",
                src.shown(order)
            ),
        );
    };
    let mut limits = DescrLimits::new(max_fields_for(pre.max_header_len));
    let dtype = read_descr(&mut src.parser_at(descr), &mut limits).map_err(|e| HeaderError {
        at: (base + e.at) as u64,
        message: format!("invalid descr: {}", e.message),
    })?;
    let rank = shape_vec.len() + base_rank(&dtype);
    if rank > MAX_DIMS {
        return herr(
            at(shape),
            format!(
                "the array has {rank} dimensions (shape and subarray dtype); numpy allows at \
                 most {MAX_DIMS}"
            ),
        );
    }
    let itemsize = dtype.itemsize();
    // Like numpy, the product of the non-zero dimensions must fit even when a zero makes
    // the array empty.
    let bytes = shape_vec
        .iter()
        .filter(|&&d| d != 0)
        .try_fold(itemsize.max(1), |acc, &d| acc.checked_mul(d))
        .filter(|&n| n <= isize::MAX as usize);
    if bytes.is_none() {
        return herr(
            at(shape),
            format!(
                "shape {} of {itemsize}-byte items is too big: the data size overflows \
                 {} bytes",
                short_repr(shape),
                isize::MAX
            ),
        );
    }
    let descr_bytes = &src.text[descr.start..descr.end];
    let descr_text = match src.encoding {
        Encoding::Latin1 => descr_bytes.iter().map(|&b| b as char).collect(),
        Encoding::Utf8 => String::from_utf8_lossy(descr_bytes).into_owned(),
    };
    let header = Header {
        version: pre.version,
        dtype,
        fortran_order,
        shape: shape_vec,
        data_offset: (base + pre.header_len) as u64,
        descr_text,
    };
    let spans = Spans {
        shape: (base + shape.start, base + shape.end),
        dict_end: base + root.end,
    };
    Ok((header, spans))
}

fn short_repr(n: &Node) -> String {
    let mut s = n.repr();
    truncate_chars(&mut s, 200);
    s
}

fn truncate_chars(s: &mut String, max: usize) {
    if let Some((i, _)) = s.char_indices().nth(max) {
        s.truncate(i);
        s.push_str("...");
    }
}

/// Parses a whole header from an in-memory buffer (which may continue with the data).
///
/// ```
/// use typed_memmap::npy::{parse_header, write_header, DEFAULT_MAX_HEADER_LEN};
/// use typed_memmap::Element;
/// let bytes = write_header(&i32::dtype(), &[2, 3], true).unwrap();
/// let h = parse_header(&bytes, DEFAULT_MAX_HEADER_LEN).unwrap();
/// assert_eq!((h.shape, h.fortran_order, h.descr_text.as_str()), (vec![2, 3], true, "'<i4'"));
/// ```
///
/// # Errors
/// A [`HeaderError`] saying what is wrong and at which byte: a bad magic string or version,
/// `HEADER_LEN` over `max_header_len` or past the end of `bytes` ("expected 500 bytes, got
/// 70"), text that is not a Python literal, a dict without exactly the three keys (or with
/// more than 64 entries), an invalid shape (more than 64 dimensions, not ints),
/// `fortran_order` or descr, an object dtype, a record of more than `max_header_len / 64`
/// fields (at least 4096), a shape whose byte size overflows.
pub fn parse_header(bytes: &[u8], max_header_len: usize) -> Result<Header, HeaderError> {
    match Header::parse_prefix(bytes, max_header_len) {
        Ok(h) => Ok(h),
        Err(PrefixError::Invalid(e)) => Err(e),
        Err(PrefixError::NeedMore(n)) => Err(eof_error(n, bytes)),
    }
}

/// The error for a file whose first bytes are `bytes` where `needed` bytes are required.
fn eof_error(needed: usize, bytes: &[u8]) -> HeaderError {
    let got = bytes.len();
    let text_start = if bytes.get(6) == Some(&1) { 10 } else { 12 };
    let (what, start) = if needed <= 8 {
        ("the magic string and version", 0)
    } else if needed <= text_start {
        ("the header length", 8)
    } else {
        ("the header", text_start)
    };
    HeaderError {
        at: got as u64,
        message: format!(
            "the file ends inside {what}: expected {} bytes, got {}",
            needed - start,
            got.saturating_sub(start)
        ),
    }
}

/// Reads exactly the preamble and header from `reader` (leaving it at the data) and parses
/// them. `HEADER_LEN` is checked against `max_header_len` before any buffer for the header
/// is allocated, and the buffer grows only as bytes arrive.
///
/// ```
/// use typed_memmap::npy::{read_header, write_header, DEFAULT_MAX_HEADER_LEN};
/// use typed_memmap::Element;
/// let mut file = write_header(&u8::dtype(), &[], false).unwrap();
/// file.push(7); // the data of a 0-d array
/// let mut reader = &file[..];
/// let h = read_header(&mut reader, DEFAULT_MAX_HEADER_LEN).unwrap();
/// assert_eq!((h.shape.len(), reader), (0, &[7u8][..]));
/// ```
///
/// # Errors
/// As [`parse_header`], plus read errors (reported at the position they happened).
pub fn read_header(reader: &mut impl Read, max_header_len: usize) -> Result<Header, HeaderError> {
    read_header_dyn(reader, max_header_len)
}

fn read_header_dyn(reader: &mut dyn Read, max_header_len: usize) -> Result<Header, HeaderError> {
    let mut buf = Vec::with_capacity(12);
    let mut needed = 8;
    loop {
        read_up_to(reader, &mut buf, needed)?;
        if buf.len() < needed {
            // Let the parser report a bad magic or version before the EOF.
            return match Header::parse_prefix(&buf, max_header_len) {
                Err(PrefixError::Invalid(e)) => Err(e),
                _ => Err(eof_error(needed, &buf)),
            };
        }
        match Header::parse_prefix(&buf, max_header_len) {
            Ok(h) => return Ok(h),
            Err(PrefixError::Invalid(e)) => return Err(e),
            Err(PrefixError::NeedMore(n)) => needed = n,
        }
    }
}

/// Appends bytes from `reader` to `buf` until it holds `needed` bytes or the input ends,
/// growing the buffer in bounded steps (never trusting `needed` for one allocation).
fn read_up_to(reader: &mut dyn Read, buf: &mut Vec<u8>, needed: usize) -> Result<(), HeaderError> {
    let mut chunk = [0u8; 8192];
    while buf.len() < needed {
        let want = (needed - buf.len()).min(chunk.len());
        match reader.read(&mut chunk[..want]) {
            Ok(0) => return Ok(()),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                return herr(buf.len(), format!("cannot read the header: {e}"));
            }
        }
    }
    Ok(())
}

/// The header bytes (magic through the final `\n`) numpy writes for this dtype, shape and
/// order, byte for byte: `np.save` and `np.lib.format.open_memmap` produce the same.
///
/// The version is the first that works, as numpy picks it: 1.0, or 2.0 when the header is
/// longer than 65535 bytes, or 3.0 when the text is not latin-1 (a field name outside
/// U+0000..=U+00FF).
///
/// ```
/// use typed_memmap::npy::write_header;
/// use typed_memmap::Element;
/// let h = write_header(&f64::dtype(), &[3], false).unwrap();
/// assert_eq!(h.len(), 128);
/// assert!(h.starts_with(b"\x93NUMPY\x01\x00\x76\x00{'descr': '<f8', 'fortran_order': False, \
///                         'shape': (3,), }"));
/// assert!(h.ends_with(b" \n"));
/// ```
///
/// # Errors
/// For a dtype numpy cannot write: a subarray dtype at the top (numpy folds its shape into
/// the array shape: write the base dtype and the longer shape), a record whose fields overlap
/// or are out of order, or a header longer than 4 GiB.
pub fn write_header(
    dtype: &Dtype,
    shape: &[usize],
    fortran_order: bool,
) -> Result<Vec<u8>, HeaderError> {
    if let Dtype::Subarray(base, sub) = dtype {
        return herr(
            0,
            format!(
                "a subarray dtype {} cannot be the dtype of a .npy file; write the base dtype \
                 {} with the subarray shape {} appended to the array shape",
                dtype.descr(),
                base.descr(),
                py_repr_shape(sub)
            ),
        );
    }
    check_writable(dtype)?;
    let mut text = String::new();
    text.push_str("{'descr': ");
    text.push_str(&dtype.descr());
    text.push_str(", 'fortran_order': ");
    text.push_str(if fortran_order { "True" } else { "False" });
    text.push_str(", 'shape': ");
    text.push_str(&py_repr_shape(shape));
    text.push_str(", }");
    let growth = if fortran_order {
        shape.last()
    } else {
        shape.first()
    };
    if let Some(n) = growth {
        let digits = n.to_string().len();
        text.push_str(&" ".repeat(GROWTH_AXIS_MAX_DIGITS.saturating_sub(digits)));
    }
    let latin1: Option<Vec<u8>> = text
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect();
    if let Some(bytes) = &latin1 {
        if let Some(out) = wrap(bytes, (1, 0)) {
            return Ok(out);
        }
        if let Some(out) = wrap(bytes, (2, 0)) {
            return Ok(out);
        }
    } else if let Some(out) = wrap(text.as_bytes(), (3, 0)) {
        return Ok(out);
    }
    herr(
        8,
        format!(
            "the header text of {} bytes is too long for any .npy version",
            text.len()
        ),
    )
}

/// Magic, version, length, text, padding and `\n`; `None` if the length does not fit.
fn wrap(text: &[u8], version: (u8, u8)) -> Option<Vec<u8>> {
    let len_size = if version == (1, 0) { 2 } else { 4 };
    let hlen = text.len() + 1;
    let pad = ARRAY_ALIGN - (MAGIC.len() + 2 + len_size + hlen) % ARRAY_ALIGN;
    let total = hlen + pad;
    let mut out = Vec::with_capacity(MAGIC.len() + 2 + len_size + total);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[version.0, version.1]);
    if len_size == 2 {
        out.extend_from_slice(&u16::try_from(total).ok()?.to_le_bytes());
    } else {
        out.extend_from_slice(&u32::try_from(total).ok()?.to_le_bytes());
    }
    out.extend_from_slice(text);
    out.resize(out.len() + pad, b' ');
    out.push(b'\n');
    Some(out)
}

/// numpy cannot write the descr of records whose fields overlap or are out of order.
fn check_writable(dtype: &Dtype) -> Result<(), HeaderError> {
    match dtype {
        Dtype::Scalar(_) => Ok(()),
        Dtype::Subarray(base, _) => check_writable(base),
        Dtype::Record(r) => {
            let mut end = 0usize;
            for f in &r.fields {
                if f.offset < end {
                    return herr(
                        0,
                        format!(
                            "field '{}' at offset {} overlaps or precedes the previous field \
                             (which ends at {}); numpy cannot write such a dtype",
                            f.name, f.offset, end
                        ),
                    );
                }
                end = f.offset.saturating_add(f.dtype.itemsize());
                check_writable(&f.dtype)?;
            }
            if end > r.itemsize {
                return herr(
                    0,
                    format!(
                        "the fields end at byte {end}, past the record size {}",
                        r.itemsize
                    ),
                );
            }
            Ok(())
        }
    }
}

/// Rewrites the shape inside an existing header (`header_bytes` = magic through the final
/// `\n`, as long as the header's data offset says) without changing its length: the new shape
/// text takes or gives back spaces from the padding after the dict. Returns the new header
/// bytes, the same length as before, or `None` if the new shape does not fit (or the header
/// is not valid, or its padding is not plain spaces).
///
/// ```
/// use typed_memmap::npy::{parse_header, rewrite_shape, write_header};
/// use typed_memmap::Element;
/// let h = write_header(&f32::dtype(), &[3], false).unwrap();
/// let grown = rewrite_shape(&h, &[123_456_789_012]).unwrap();
/// assert_eq!(grown.len(), h.len());
/// assert_eq!(parse_header(&grown, 1 << 20).unwrap().shape, [123_456_789_012]);
/// ```
pub fn rewrite_shape(header_bytes: &[u8], new_shape: &[usize]) -> Option<Vec<u8>> {
    let (header, spans) = parse_with_spans(header_bytes, usize::MAX).ok()?;
    let total = usize::try_from(header.data_offset).ok()?;
    let old = header_bytes.get(..total)?;
    if old.last() != Some(&b'\n') {
        return None;
    }
    let tail = &old[spans.dict_end..total - 1];
    if !tail.iter().all(|&b| b == b' ') {
        return None;
    }
    let new_repr = py_repr_shape(new_shape);
    let old_len = spans.shape.1 - spans.shape.0;
    let spaces = (tail.len() + old_len).checked_sub(new_repr.len())?;
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&old[..spans.shape.0]);
    out.extend_from_slice(new_repr.as_bytes());
    out.extend_from_slice(&old[spans.shape.1..spans.dict_end]);
    out.resize(out.len() + spaces, b' ');
    out.push(b'\n');
    debug_assert_eq!(out.len(), total);
    let check = parse_header(&out, usize::MAX).ok()?;
    (check.shape == new_shape).then_some(out)
}
