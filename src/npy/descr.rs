//! numpy's `descr`: the dtype descriptor stored in a `.npy` header, parsed into a [`Dtype`].
//!
//! A descr is a Python literal: a type string (`'<f4'`), a subarray tuple (`('<i4', (2, 3))`)
//! or a list of fields (`[('a', '<i4'), ('b', '>f8', (2,))]`). This module follows
//! numpy's `descr_to_dtype`: fields get offsets as running sums of item sizes, padding entries
//! (`''`-named void or subarray fields) are dropped, and type strings are read the way
//! `np.dtype(str)` reads them, with the same byte-order normalisation (`'<u1'` is `'|u1'`,
//! `'f8'` and `'=f8'` are native).
//!
//! Refused: object dtypes (`'O'`, anywhere), numpy's variable-width `StringDType` (`'T'`), the
//! dict form (numpy's own reader refuses it too), comma-separated type strings (`'i4,f8'`)
//! and shape prefixes (`'2i4'`), which numpy never writes, and non-str titles.

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};

use super::header::{HeaderError, DEFAULT_MAX_HEADER_LEN};
use super::literal::{self, Encoding, Keep, Lit, Node, Parser, SyntaxError};
use crate::dtype::{ByteOrder, DateUnit, Dtype, Field, Kind, RecordDtype, Scalar, TimeUnit};

/// numpy's `NPY_MAXDIMS`: arrays and subarrays have at most this many dimensions.
pub(crate) const MAX_DIMS: usize = 64;

/// The number of dimensions a subarray dtype adds (0 for other dtypes).
pub(crate) fn base_rank(d: &Dtype) -> usize {
    match d {
        Dtype::Subarray(_, shape) => shape.len(),
        _ => 0,
    }
}

/// numpy caps string and void sizes (and subarray dimensions) at a C `int`.
const C_INT_MAX: u64 = i32::MAX as u64;

/// How many fields (padding entries included, over all nested records) one descr may hold
/// when read by [`parse_descr`]: as many as a header of [`DEFAULT_MAX_HEADER_LEN`] bytes may.
const DEFAULT_MAX_FIELDS: usize = max_fields_for(DEFAULT_MAX_HEADER_LEN);

/// The field limit that goes with a header length limit: one field per 64 bytes of it
/// (262 144 for the default 16 MiB), at least 4096.
///
/// A field costs about 100 bytes once parsed (name, offset, dtype), five times the 20
/// bytes `np.save` writes for it, so a header of the limit's size with a field every 20
/// bytes would need hundreds of megabytes; the limit keeps that to a few times the limit
/// itself. A trusted file with more fields needs a larger header length limit.
pub(crate) const fn max_fields_for(max_header_len: usize) -> usize {
    let n = max_header_len / 64;
    if n < 4096 {
        4096
    } else {
        n
    }
}

/// At most this many nodes are built for one value read whole (a type string, a field, a
/// subarray shape); a longer value is a record, streamed field by field, or an error. A
/// 64-dimension shape with each dimension in 200 parentheses stays inside.
const SMALL_VALUE_NODES: usize = (MAX_DIMS + 2) * 202;

/// Parses descr text, a Python literal as it appears in a `.npy` header, into a [`Dtype`].
///
/// `parse_descr(d.descr())` gives back `d` for every dtype, and `parse_descr(x).descr()` is
/// numpy's `np.dtype(x).descr` text for every descr numpy writes.
///
/// ```
/// use typed_memmap::npy::parse_descr;
/// let d = parse_descr("[('a', '<u1'), ('b', '>f8', (2,))]").unwrap();
/// assert_eq!(d.descr(), "[('a', '|u1'), ('b', '>f8', (2,))]");
/// assert_eq!(d.itemsize(), 17);
///
/// let e = parse_descr("[('a', '<u1'), ('b', '<f7')]").unwrap_err();
/// assert_eq!(e.at, 21); // the `'<f7'`
/// assert!(e.message.contains("not a valid dtype descriptor: '<f7'"));
/// ```
///
/// # Errors
/// A [`HeaderError`] saying what is wrong and where, its `at` being the byte of `text` (not
/// of a file): the text is not a Python literal, or the literal is not a descr numpy reads,
/// or the dtype holds Python objects, or it has more than 262 144 fields.
pub fn parse_descr(text: &str) -> Result<Dtype, HeaderError> {
    parse_literal(text, DescrLimits::new(DEFAULT_MAX_FIELDS))
}

/// [`parse_descr`] with `limits`.
fn parse_literal(text: &str, mut limits: DescrLimits) -> Result<Dtype, HeaderError> {
    let src = text.as_bytes();
    let to_descr_error = |e: SyntaxError| HeaderError {
        at: e.at as u64,
        message: e.message,
    };
    let keep = Keep {
        depth: 0,
        max_items: 0,
        what: "",
    };
    let root = literal::parse_shallow(src, Encoding::Utf8, false, keep).map_err(to_descr_error)?;
    let mut p = Parser::new_at(src, root.start, Encoding::Utf8, false);
    read_descr(&mut p, &mut limits).map_err(to_descr_error)
}

/// numpy's `np.dtype(text, align=align)` for the forms this crate reads: a descr literal as
/// [`parse_descr`] reads it (quoted type strings, subarray tuples, field lists), or a bare
/// type string (`<f8`, `u1`, `M8[ns]`) as typed in a shell. Surrounding whitespace is
/// ignored; error positions are bytes of `text`.
pub(crate) fn parse_dtype_text(text: &str, align: bool) -> Result<Dtype, HeaderError> {
    let start = text.len() - text.trim_start().len();
    let trimmed = text.trim();
    let mut limits = DescrLimits::new(DEFAULT_MAX_FIELDS);
    limits.align = align;
    if trimmed.starts_with(['\'', '"', '[', '(', '{']) {
        return parse_literal(text, limits);
    }
    if trimmed.is_empty() {
        return Err(HeaderError {
            at: start as u64,
            message: "empty dtype text; expected a type string such as '<f8' or a list of \
                      fields such as [('a', '<i4')]"
                .into(),
        });
    }
    type_string(trimmed).map_err(|message| HeaderError {
        at: start as u64,
        message,
    })
}

/// The limits on one descr while it is read.
pub(crate) struct DescrLimits {
    max_fields: usize,
    fields_left: usize,
    /// numpy's `align=True`: records are laid out as C structs (see [`RecordBuilder`]).
    align: bool,
}

impl DescrLimits {
    pub(crate) fn new(max_fields: usize) -> DescrLimits {
        DescrLimits {
            max_fields,
            fields_left: max_fields,
            align: false,
        }
    }

    fn take_field(&mut self, at: usize) -> Result<(), SyntaxError> {
        if self.fields_left == 0 {
            return fail_at(
                at,
                format!(
                    "the record has more than {} fields, the limit for this header length \
                     limit; raise the header length limit (one field per 64 bytes) if the \
                     file is trusted",
                    self.max_fields
                ),
            );
        }
        self.fields_left -= 1;
        Ok(())
    }
}

fn fail<T>(node: &Node, message: impl Into<String>) -> Result<T, SyntaxError> {
    fail_at(node.start, message)
}

fn fail_at<T>(at: usize, message: impl Into<String>) -> Result<T, SyntaxError> {
    Err(SyntaxError {
        at,
        message: message.into(),
    })
}

/// Reads the descr at the parser's position, in a text already checked to be a literal
/// ([`literal::parse_shallow`]), so every error here is about the meaning. A value small
/// enough is read whole and interpreted by [`descr_from_node`]; a record is read field by
/// field, so that only the dtype is built, never the tree of a long field list.
pub(crate) fn read_descr(
    p: &mut Parser<'_>,
    limits: &mut DescrLimits,
) -> Result<Dtype, SyntaxError> {
    let start = p.pos();
    match p.next_byte()? {
        Some(b'[') => {
            p.bump();
            let mut record = RecordBuilder::new(start, limits.align);
            loop {
                match p.next_byte()? {
                    Some(b']') => {
                        p.bump();
                        break;
                    }
                    Some(b',') => p.bump(),
                    _ => read_field(p, &mut record, limits)?,
                }
            }
            record.finish()
        }
        _ => {
            if let Some(node) = p.value_within(SMALL_VALUE_NODES)? {
                return descr_from_node(&node, limits);
            }
            p.set_pos(start);
            read_long_subarray(p, start, limits)
        }
    }
}

/// A descr too long to read whole that is not a list: `(descr)` or `(descr, shape, ...)`
/// around a long record.
fn read_long_subarray(
    p: &mut Parser<'_>,
    start: usize,
    limits: &mut DescrLimits,
) -> Result<Dtype, SyntaxError> {
    if p.next_byte()? != Some(b'(') {
        let (node, len) = p.skip_value()?;
        return fail(
            &node,
            format!(
                "descr is not a valid dtype descriptor: {} of {len} items, expected a str, a \
                 list of fields or a (type, shape) tuple",
                node.type_name()
            ),
        );
    }
    p.bump();
    let base = read_descr(p, limits)?;
    if p.next_byte()? == Some(b')') {
        p.bump();
        return Ok(base);
    }
    // At the `,` after the base.
    p.bump();
    if p.next_byte()? == Some(b')') {
        return fail_at(
            start,
            "the subarray descr (type,) needs two items, (type, shape)",
        );
    }
    let shape = small_value(p, "the subarray shape")?;
    let dtype = with_shape(base, &shape)?;
    // numpy reads items 0 and 1 and ignores any further ones.
    loop {
        match p.next_byte()? {
            Some(b')') => {
                p.bump();
                return Ok(dtype);
            }
            Some(b',') => p.bump(),
            _ => drop(p.skip_value()?),
        }
    }
}

/// Reads one field entry of a record into `record`.
fn read_field(
    p: &mut Parser<'_>,
    record: &mut RecordBuilder,
    limits: &mut DescrLimits,
) -> Result<(), SyntaxError> {
    let start = p.pos();
    if let Some(entry) = p.value_within(SMALL_VALUE_NODES)? {
        return record.push_entry(&entry, limits);
    }
    // A long entry: `(name, descr)` or `(name, descr, shape)` whose descr is a long record.
    p.set_pos(start);
    let close = match p.next_byte()? {
        Some(b'(') => b')',
        Some(b'[') => b']',
        _ => {
            let (node, len) = p.skip_value()?;
            return fail(
                &node,
                format!(
                    "field of {len} items is {}, expected a tuple (name, type) or (name, \
                     type, shape)",
                    node.type_name()
                ),
            );
        }
    };
    p.bump();
    let name = small_value(p, "a field name")?;
    if p.next_byte()? != Some(b',') {
        return fail_at(
            start,
            format!(
                "field {} has 1 items, expected (name, type) or (name, type, shape)",
                name.repr()
            ),
        );
    }
    p.bump();
    let mut dtype = read_descr(p, limits)?;
    if p.next_byte()? == Some(b',') {
        p.bump();
        if p.next_byte()? != Some(close) {
            let shape = small_value(p, "a subarray shape")?;
            dtype = with_shape(dtype, &shape)?;
            if p.next_byte()? == Some(b',') {
                p.bump();
                if p.next_byte()? != Some(close) {
                    return fail_at(
                        start,
                        format!(
                            "field {} has more than 3 items, expected (name, type) or (name, \
                             type, shape)",
                            name.repr()
                        ),
                    );
                }
            }
        }
    }
    // At the closing bracket.
    p.bump();
    record.push_field(start, &name, dtype, limits)
}

/// A value that must be small (a name, a shape), read whole.
fn small_value(p: &mut Parser<'_>, what: &str) -> Result<Node, SyntaxError> {
    let start = p.pos();
    match p.value_within(SMALL_VALUE_NODES)? {
        Some(node) => Ok(node),
        None => fail_at(
            start,
            format!("{what} holds more than {SMALL_VALUE_NODES} values, which no descr has"),
        ),
    }
}

/// numpy's `descr_to_dtype` over a parsed literal; errors point at the guilty node.
pub(crate) fn descr_from_node(node: &Node, limits: &mut DescrLimits) -> Result<Dtype, SyntaxError> {
    match &node.lit {
        Lit::Str(s) => type_string(s).map_err(|m| SyntaxError {
            at: node.start,
            message: m,
        }),
        Lit::Tuple(items) => {
            if items.len() < 2 {
                return fail(
                    node,
                    format!(
                        "the subarray descr {} needs two items, (type, shape)",
                        node.repr()
                    ),
                );
            }
            // numpy reads items 0 and 1 and ignores any further ones.
            let base = descr_from_node(&items[0], limits)?;
            with_shape(base, &items[1])
        }
        Lit::List(fields) => {
            let mut record = RecordBuilder::new(node.start, limits.align);
            for entry in fields {
                record.push_entry(entry, limits)?;
            }
            record.finish()
        }
        Lit::Dict(_) => fail(
            node,
            "a dict descr is not read by numpy's .npy reader (it writes fields as a list of \
             tuples: [('name', '<i4'), ...])",
        ),
        _ => fail(
            node,
            format!(
                "descr is not a valid dtype descriptor: {} is {}, expected a str, a list of \
                 fields or a (type, shape) tuple",
                node.repr(),
                node.type_name()
            ),
        ),
    }
}

/// A subarray shape: an int, or a tuple or list of ints, each in `0..=i32::MAX`.
fn shape_of(node: &Node) -> Result<Vec<usize>, SyntaxError> {
    let dim = |n: &Node| -> Result<usize, SyntaxError> {
        match &n.lit {
            Lit::Int(v) if (0..=i128::from(C_INT_MAX as i32)).contains(v) => Ok(*v as usize),
            Lit::Int(v) if *v < 0 => fail(n, format!("negative subarray dimension {v}")),
            Lit::Int(_) | Lit::BigInt(_) => fail(
                n,
                format!(
                    "subarray dimension {} is larger than numpy's limit {C_INT_MAX}",
                    n.repr()
                ),
            ),
            _ => fail(
                n,
                format!(
                    "invalid subarray shape: {} is {}, expected an int",
                    n.repr(),
                    n.type_name()
                ),
            ),
        }
    };
    match &node.lit {
        Lit::Int(_) | Lit::BigInt(_) => Ok(vec![dim(node)?]),
        Lit::Tuple(items) | Lit::List(items) => items.iter().map(dim).collect(),
        _ => fail(
            node,
            format!(
                "invalid subarray shape {}: expected an int or a tuple of ints",
                node.repr()
            ),
        ),
    }
}

/// numpy's `np.dtype((base, shape))`: `()` is the base itself, nested subarrays flatten.
fn with_shape(base: Dtype, shape_node: &Node) -> Result<Dtype, SyntaxError> {
    let shape = shape_of(shape_node)?;
    if shape.is_empty() {
        return Ok(base);
    }
    let rank = shape.len() + base_rank(&base);
    if rank > MAX_DIMS {
        return fail(
            shape_node,
            format!("a subarray of {rank} dimensions; numpy allows at most {MAX_DIMS}"),
        );
    }
    let count = shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .and_then(|n| n.checked_mul(base.itemsize()))
        .filter(|&n| n <= isize::MAX as usize);
    if count.is_none() {
        return fail(
            shape_node,
            format!(
                "subarray of shape {} and item size {} overflows",
                shape_node.repr(),
                base.itemsize()
            ),
        );
    }
    Ok(Dtype::subarray(base, &shape))
}

/// A record's fields as they are read: offsets as running sums, padding dropped, names and
/// titles checked for repeats.
///
/// Aligned (numpy's `align=True`), each entry, padding entries included, starts at the next
/// multiple of its dtype's [`natural_alignment`](Dtype::natural_alignment), and the item size
/// is rounded up to the largest of them, as a C compiler lays out a struct. numpy names an
/// aligned record's padding entries `f0`, `f1`, ... and keeps them as fields; here they stay
/// padding, as `.npy` readers read them, so the named fields' offsets are numpy's.
struct RecordBuilder {
    /// Where the record's list starts, for errors about the whole record.
    at: usize,
    fields: Vec<Field>,
    /// The hashes of the names and titles so far: a set keeps huge records linear, and
    /// hashes instead of copies of the names keep it small. A hit is confirmed against the
    /// fields.
    used: HashSet<u64>,
    hasher: RandomState,
    offset: usize,
    /// Whether fields are aligned (numpy's `align=True`).
    align: bool,
    /// The largest alignment of an entry so far (1 for none), when aligned.
    max_align: usize,
}

impl RecordBuilder {
    fn new(at: usize, align: bool) -> RecordBuilder {
        RecordBuilder {
            at,
            fields: Vec::new(),
            used: HashSet::new(),
            hasher: RandomState::new(),
            offset: 0,
            align,
            max_align: 1,
        }
    }

    /// The offset of the next entry moved up to a multiple of `align` (a power of two).
    fn align_to(&mut self, align: usize) -> Result<(), SyntaxError> {
        self.max_align = self.max_align.max(align);
        match round_up(self.offset, align) {
            Some(o) => {
                self.offset = o;
                Ok(())
            }
            None => fail_at(self.at, "the record's size overflows"),
        }
    }

    /// Whether an earlier field has `s` as its name or title.
    fn is_used(&self, s: &str) -> bool {
        self.used.contains(&self.hasher.hash_one(s))
            && self
                .fields
                .iter()
                .any(|f| f.name == s || f.title.as_deref() == Some(s))
    }

    /// A field entry read whole: `(name, type)` or `(name, type, shape)`.
    fn push_entry(&mut self, entry: &Node, limits: &mut DescrLimits) -> Result<(), SyntaxError> {
        let parts = match &entry.lit {
            Lit::Tuple(p) | Lit::List(p) => p,
            _ => {
                return fail(
                    entry,
                    format!(
                        "field {} is {}, expected a tuple (name, type) or (name, type, shape)",
                        entry.repr(),
                        entry.type_name()
                    ),
                )
            }
        };
        if parts.len() != 2 && parts.len() != 3 {
            return fail(
                entry,
                format!(
                    "field {} has {} items, expected (name, type) or (name, type, shape)",
                    entry.repr(),
                    parts.len()
                ),
            );
        }
        let mut dtype = descr_from_node(&parts[1], limits)?;
        if let Some(shape) = parts.get(2) {
            dtype = with_shape(dtype, shape)?;
        }
        self.push_field(entry.start, &parts[0], dtype, limits)
    }

    /// A field whose entry starts at byte `at`, named by `name_node`.
    fn push_field(
        &mut self,
        at: usize,
        name_node: &Node,
        dtype: Dtype,
        limits: &mut DescrLimits,
    ) -> Result<(), SyntaxError> {
        let (title, name) = match &name_node.lit {
            Lit::Str(n) => (None, n.clone()),
            Lit::Tuple(tn) if tn.len() == 2 => match (&tn[0].lit, &tn[1].lit) {
                (Lit::Str(t), Lit::Str(n)) => (Some(t.clone()), n.clone()),
                (_, Lit::Str(_)) => {
                    return fail(&tn[0], format!("field title {} is not a str", tn[0].repr()))
                }
                _ => return fail(&tn[1], format!("field name {} is not a str", tn[1].repr())),
            },
            _ => {
                return fail(
                    name_node,
                    format!(
                        "field name {} must be a str or a (title, name) tuple",
                        name_node.repr()
                    ),
                )
            }
        };
        limits.take_field(at)?;
        if self.align {
            self.align_to(dtype.natural_alignment())?;
        }
        let size = dtype.itemsize();
        // numpy drops `''`-named fields whose type is void without fields: plain void and
        // every subarray (a subarray's scalar type is void).
        let is_pad = title.is_none()
            && name.is_empty()
            && match &dtype {
                Dtype::Scalar(s) => s.kind == Kind::Void,
                Dtype::Subarray(..) => true,
                Dtype::Record(_) => false,
            };
        if !is_pad {
            // One namespace for names and titles, as numpy's fields dict.
            let clash = self.is_used(&name) || title.as_deref().is_some_and(|t| self.is_used(t));
            if clash {
                return fail(
                    name_node,
                    format!(
                        "field {} repeats a name or title of an earlier field",
                        name_node.repr()
                    ),
                );
            }
            if title.as_deref() == Some(name.as_str()) {
                return fail(
                    name_node,
                    format!("field {}: the title equals the name", name_node.repr()),
                );
            }
            self.used.insert(self.hasher.hash_one(name.as_str()));
            if let Some(t) = &title {
                self.used.insert(self.hasher.hash_one(t.as_str()));
            }
            self.fields.push(Field {
                name,
                title,
                offset: self.offset,
                dtype,
            });
        }
        self.offset = match self
            .offset
            .checked_add(size)
            .filter(|&n| n <= isize::MAX as usize)
        {
            Some(o) => o,
            None => return fail_at(self.at, "the record's size overflows"),
        };
        Ok(())
    }

    fn finish(mut self) -> Result<Dtype, SyntaxError> {
        if self.align {
            self.align_to(self.max_align)?;
        }
        self.fields.shrink_to_fit();
        Ok(Dtype::Record(RecordDtype {
            fields: self.fields,
            itemsize: self.offset,
        }))
    }
}

/// `n` rounded up to a multiple of `align` (a power of two), if that fits in an `isize`.
fn round_up(n: usize, align: usize) -> Option<usize> {
    n.checked_next_multiple_of(align)
        .filter(|&n| n <= isize::MAX as usize)
}

/// What `np.dtype(s)` builds for a type string numpy reads.
fn type_string(s: &str) -> Result<Dtype, String> {
    let bad = || {
        format!(
            "descr is not a valid dtype descriptor: {}",
            crate::pyrepr::py_repr_str(s)
        )
    };
    let body = s.strip_prefix(['<', '>', '|', '=']).unwrap_or(s);
    if body.starts_with('O') || s == "object" {
        return Err(format!(
            "object dtype {}: the data of Python objects is pickled and cannot be mapped",
            crate::pyrepr::py_repr_str(s)
        ));
    }
    if let Some(d) = named_type(s) {
        return Ok(d);
    }
    let (order, rest) = match s.as_bytes().first() {
        Some(b'<') => (ByteOrder::Little, &s[1..]),
        Some(b'>') => (ByteOrder::Big, &s[1..]),
        // `|` on a multi-byte number and `=` both mean this machine's order.
        Some(b'|' | b'=') => (ByteOrder::NATIVE, &s[1..]),
        _ => (ByteOrder::NATIVE, s),
    };
    if rest.is_empty() {
        return Err(bad());
    }
    if rest.contains(',') || rest.starts_with(|c: char| c.is_ascii_digit() || c == '(') {
        return Err(format!(
            "{}: comma-separated fields and shape prefixes are not supported in a .npy descr \
             (numpy never writes them)",
            bad()
        ));
    }
    let code = rest.as_bytes()[0];
    if !code.is_ascii() {
        return Err(bad());
    }
    let tail = &rest[1..];
    if code == b'T' {
        return Err(format!(
            "{}: numpy's variable-width StringDType holds pointers and cannot be mapped",
            bad()
        ));
    }
    // Datetime kinds: `M`, `M8`, `M[unit]`, `M8[unit]`.
    if code == b'M' || code == b'm' {
        let after = tail.strip_prefix('8').unwrap_or(tail);
        if after.len() == tail.len() && !tail.is_empty() && !tail.starts_with('[') {
            return Err(bad());
        }
        let unit = if after.is_empty() {
            TimeUnit {
                base: None,
                multiplier: 1,
            }
        } else {
            time_unit(after).ok_or_else(|| {
                format!(
                    "invalid datetime unit {} in {}",
                    after,
                    crate::pyrepr::py_repr_str(s)
                )
            })?
        };
        let kind = if code == b'M' {
            Kind::Datetime(unit)
        } else {
            Kind::Timedelta(unit)
        };
        return Ok(Dtype::scalar(kind, order, 8));
    }
    let size: Option<u64> = if tail.is_empty() {
        None
    } else if tail.bytes().all(|b| b.is_ascii_digit()) && tail.len() <= 12 {
        tail.parse().ok()
    } else {
        return Err(bad());
    };
    let scalar = |kind, size| Ok(Dtype::Scalar(Scalar::new(kind, order, size)));
    match (code, size) {
        (b'b', Some(1)) | (b'?', None) => scalar(Kind::Bool, 1),
        (b'i', Some(n @ (1 | 2 | 4 | 8))) | (b'u', Some(n @ (1 | 2 | 4 | 8))) => {
            let kind = if code == b'i' { Kind::Int } else { Kind::UInt };
            scalar(kind, n as usize)
        }
        (b'f', Some(n @ (2 | 4 | 8 | 16))) => scalar(Kind::Float, n as usize),
        (b'c', Some(n @ (8 | 16 | 32))) => scalar(Kind::Complex, n as usize),
        (b'S' | b'a' | b'V', Some(n)) if n <= C_INT_MAX => {
            let kind = if code == b'V' {
                Kind::Void
            } else {
                Kind::Bytes
            };
            scalar(kind, n as usize)
        }
        (b'U', Some(n)) if n.saturating_mul(4) <= C_INT_MAX => {
            scalar(Kind::Unicode, 4 * n as usize)
        }
        (b'S' | b'a' | b'V' | b'U', Some(_)) => Err(format!(
            "{}: the size is larger than numpy's limit of {C_INT_MAX} bytes",
            bad()
        )),
        (b'S' | b'a', None) => scalar(Kind::Bytes, 0),
        (b'U', None) => scalar(Kind::Unicode, 0),
        (b'V', None) => scalar(Kind::Void, 0),
        (b'c', None) => scalar(Kind::Bytes, 1),
        (c, None) => match char_code(c) {
            Some((kind, n)) => scalar(kind, n),
            None => Err(bad()),
        },
        _ => Err(bad()),
    }
}

/// numpy's one-letter type codes with their sizes on LP64 platforms (Linux, macOS), where
/// numpy runs its `.npy` files through the same C types.
fn char_code(c: u8) -> Option<(Kind, usize)> {
    Some(match c {
        b'b' => (Kind::Int, 1),
        b'B' => (Kind::UInt, 1),
        b'h' => (Kind::Int, 2),
        b'H' => (Kind::UInt, 2),
        b'i' => (Kind::Int, 4),
        b'I' => (Kind::UInt, 4),
        b'l' | b'q' | b'p' => (Kind::Int, 8),
        b'L' | b'Q' | b'P' => (Kind::UInt, 8),
        b'e' => (Kind::Float, 2),
        b'f' => (Kind::Float, 4),
        b'd' => (Kind::Float, 8),
        b'g' => (Kind::Float, 16),
        b'F' => (Kind::Complex, 8),
        b'D' => (Kind::Complex, 16),
        b'G' => (Kind::Complex, 32),
        _ => return None,
    })
}

/// numpy's type names (`'float64'`, `'int'`, `'datetime64[ns]'`); they take no byte-order
/// prefix and are native.
fn named_type(s: &str) -> Option<Dtype> {
    let native = ByteOrder::NATIVE;
    let sc = |kind, size| Some(Dtype::Scalar(Scalar::new(kind, native, size)));
    for (prefix, is_dt) in [("datetime64", true), ("timedelta64", false)] {
        if let Some(rest) = s.strip_prefix(prefix) {
            let unit = if rest.is_empty() {
                TimeUnit {
                    base: None,
                    multiplier: 1,
                }
            } else {
                time_unit(rest)?
            };
            let kind = if is_dt {
                Kind::Datetime(unit)
            } else {
                Kind::Timedelta(unit)
            };
            return sc(kind, 8);
        }
    }
    match s {
        "bool" | "bool_" => sc(Kind::Bool, 1),
        "int8" | "byte" => sc(Kind::Int, 1),
        "uint8" | "ubyte" => sc(Kind::UInt, 1),
        "int16" | "short" => sc(Kind::Int, 2),
        "uint16" | "ushort" => sc(Kind::UInt, 2),
        "int32" | "intc" => sc(Kind::Int, 4),
        "uint32" | "uintc" => sc(Kind::UInt, 4),
        "int64" | "int" | "long" | "longlong" | "intp" => sc(Kind::Int, 8),
        "uint64" | "uint" | "ulong" | "ulonglong" | "uintp" => sc(Kind::UInt, 8),
        "float16" | "half" => sc(Kind::Float, 2),
        "float32" | "single" => sc(Kind::Float, 4),
        "float64" | "float" | "double" => sc(Kind::Float, 8),
        "float128" | "longdouble" => sc(Kind::Float, 16),
        "complex64" | "csingle" => sc(Kind::Complex, 8),
        "complex128" | "complex" | "cdouble" => sc(Kind::Complex, 16),
        "complex256" | "clongdouble" => sc(Kind::Complex, 32),
        "bytes" | "bytes_" => sc(Kind::Bytes, 0),
        "str" | "str_" | "unicode" => sc(Kind::Unicode, 0),
        "void" => sc(Kind::Void, 0),
        _ => None,
    }
}

/// `[unit]` or `[Nunit]` (`N` up to `i32::MAX`; `[generic]` is the generic unit).
fn time_unit(text: &str) -> Option<TimeUnit> {
    let inner = text.strip_prefix('[')?.strip_suffix(']')?;
    if inner == "generic" {
        return Some(TimeUnit {
            base: None,
            multiplier: 1,
        });
    }
    let digits = inner.bytes().take_while(u8::is_ascii_digit).count();
    let multiplier: u64 = if digits == 0 {
        1
    } else if digits <= 10 {
        inner[..digits].parse().ok().filter(|&m| m <= C_INT_MAX)?
    } else {
        return None;
    };
    let unit = match &inner[digits..] {
        "μs" => DateUnit::Micros,
        u => *DateUnit::ALL.iter().find(|d| d.as_str() == u)?,
    };
    Some(TimeUnit {
        base: Some(unit),
        multiplier,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected texts are numpy 2.4's `descr_to_dtype(eval(x)).descr` (or `.str` for
    /// non-structured dtypes) on a little-endian machine.
    #[test]
    fn type_strings_normalise_like_numpy() {
        let table = [
            ("'?'", "'|b1'"),
            ("'bool'", "'|b1'"),
            ("'>b1'", "'|b1'"),
            ("'b'", "'|i1'"),
            ("'B'", "'|u1'"),
            ("'h'", "'<i2'"),
            ("'i'", "'<i4'"),
            ("'L'", "'<u8'"),
            ("'e'", "'<f2'"),
            ("'d'", "'<f8'"),
            ("'g'", "'<f16'"),
            ("'G'", "'<c32'"),
            ("'S'", "'|S0'"),
            ("'U'", "'<U0'"),
            ("'V'", "'|V0'"),
            ("'M'", "'<M8'"),
            ("'c'", "'|S1'"),
            ("'|i4'", "'<i4'"),
            ("'=i4'", "'<i4'"),
            ("'<u1'", "'|u1'"),
            ("'>S5'", "'|S5'"),
            ("'|U3'", "'<U3'"),
            ("'>U3'", "'>U3'"),
            ("'>V4'", "'|V4'"),
            ("'|M8'", "'<M8'"),
            ("'M8[25s]'", "'<M8[25s]'"),
            ("'m8[3D]'", "'<m8[3D]'"),
            ("'<M8[0s]'", "'<M8[0s]'"),
            ("'M8[1s]'", "'<M8[s]'"),
            ("'M8[01s]'", "'<M8[s]'"),
            ("'M8[μs]'", "'<M8[us]'"),
            ("'<M8[generic]'", "'<M8'"),
            ("'<M8[2147483647s]'", "'<M8[2147483647s]'"),
            ("'float64'", "'<f8'"),
            ("'int'", "'<i8'"),
            ("'complex'", "'<c16'"),
            ("'longdouble'", "'<f16'"),
            ("'datetime64[ns]'", "'<M8[ns]'"),
            ("'timedelta64[25s]'", "'<m8[25s]'"),
            ("'i04'", "'<i4'"),
            ("'S05'", "'|S5'"),
            ("'S2147483647'", "'|S2147483647'"),
            ("'U536870911'", "'<U536870911'"),
            ("'>f16'", "'>f16'"),
            ("('<i4', ())", "'<i4'"),
            ("[('a', '<i4', ())]", "[('a', '<i4')]"),
            ("[('a', '<i4', 1)]", "[('a', '<i4', (1,))]"),
            ("[('a', '<i4', [2, 3])]", "[('a', '<i4', (2, 3))]"),
            ("[('a', '<i4', (0,))]", "[('a', '<i4', (0,))]"),
            ("[]", "[]"),
            ("[('', '|V8')]", "[('', '|V8')]"),
            ("[('', '|V0')]", "[]"),
            ("[('', '<i4')]", "[('', '<i4')]"),
            ("[('', '<i4', (2,))]", "[('', '|V8')]"),
            ("[['a', '<i4']]", "[('a', '<i4')]"),
            ("[('a', [])]", "[('a', [])]"),
            ("[('', '|V4'), ('', '|V4')]", "[('', '|V8')]"),
            ("[('', '|S4')]", "[('', '|S4')]"),
            ("[('a', ('|V4', (2,)))]", "[('a', '|V4', (2,))]"),
            ("[('', ('|V4', (2,)))]", "[('', '|V8')]"),
            ("[('a', '=i4')]", "[('a', '<i4')]"),
            ("[('é', '<i4')]", "[('é', '<i4')]"),
        ];
        for (input, want) in table {
            let d = parse_descr(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(d.descr(), want, "input {input}");
        }
    }

    #[test]
    fn refuses_what_numpy_refuses() {
        let table = [
            ("'a5x'", "not a valid dtype"),
            ("'<float64'", "not a valid dtype"),
            ("'<M8[-1s]'", "invalid datetime unit"),
            ("'<M8[2147483648s]'", "invalid datetime unit"),
            ("'f12'", "not a valid dtype"),
            ("'i3'", "not a valid dtype"),
            ("'u16'", "not a valid dtype"),
            ("'b2'", "not a valid dtype"),
            ("'O'", "object dtype"),
            ("'|O'", "object dtype"),
            ("[('a', 'O')]", "object dtype"),
            ("[('a', [('b', '<O')])]", "object dtype"),
            ("'object'", "object dtype"),
            ("'i4,f8'", "comma-separated"),
            ("'<f4 '", "not a valid dtype"),
            ("'M16'", "not a valid dtype"),
            ("'<M8[]'", "invalid datetime unit"),
            ("'S2147483648'", "larger than"),
            ("'U536870912'", "larger than"),
            ("'T'", "StringDType"),
            ("[('a', '<i4'), ('a', '<f4')]", "repeats"),
            ("[(('a', 'b'), '<i4'), ('a', '<f4')]", "repeats"),
            ("[(('b', 'b'), '<i4')]", "title equals"),
            ("[(1, '<i4')]", "must be a str"),
            ("[('a', '<i4', (-1,))]", "negative"),
            ("[('a', '<i4', (2147483648,))]", "limit"),
            ("[('a', '<i4', True)]", "invalid subarray shape"),
            ("[('a', '<i4', (2.0,))]", "expected an int"),
            ("[('a',)]", "1 items"),
            ("[('a', '<i4', (2,), 4)]", "4 items"),
            ("{'names': ['a'], 'formats': ['<i4']}", "dict descr"),
            ("('<i4',)", "two items"),
            ("3", "is an int"),
            ("[(('t', 'a', 'x'), '<i4')]", "must be a str"),
        ];
        for (input, want) in table {
            let e = parse_descr(input).expect_err(input);
            assert!(e.message.contains(want), "{input}: {e}");
            assert!(e.at < input.len() as u64, "{input}: {e}");
        }
    }

    #[test]
    fn subarrays_have_at_most_64_dimensions() {
        let dims = |n: usize| format!("({})", "1, ".repeat(n));
        assert_eq!(
            parse_descr(&format!("('<i4', {})", dims(64)))
                .unwrap()
                .itemsize(),
            4
        );
        let e = parse_descr(&format!("('<i4', {})", dims(65))).unwrap_err();
        assert!(e.message.contains("65 dimensions"), "{e}");
        assert_eq!(e.at, 8, "{e}");
        // Nested subarrays count together.
        let text = format!("[('a', ('<i4', {}), {})]", dims(60), dims(5));
        let e = parse_descr(&text).unwrap_err();
        assert!(e.message.contains("65 dimensions"), "{e}");
        assert_eq!(e.at, text.rfind('(').unwrap() as u64, "{e}");
    }
}
