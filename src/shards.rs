//! [`Shards<T>`]: one array of records over several files (numpy's `np.concatenate` of
//! memmaps, without the copy), and [`ShardColumn`], one field across all of them.
//!
//! Each shard is a map of its own: a `.npy` file (by its extension, case-insensitive) is
//! mapped with [`npy::open`](crate::npy::open) and its header's dtype checked against `T`;
//! any other file is a raw file of `T` mapped with [`Options`] (offset, inferred length and
//! every check of [`Options::open`]). Records are numbered across the files in the order
//! given; [`locate`](Shards::locate) turns a global index into a shard and a local index.
//!
//! ```
//! use typed_memmap::{npy, Record, Shards};
//!
//! #[derive(Clone, Copy, Debug, PartialEq, Record)]
//! #[repr(C)]
//! struct Tick { ts: u64, price: f64 }
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let ticks = |ts: u64, n: u64| (ts..ts + n).map(|t| Tick { ts: t, price: t as f64 / 2.0 });
//! npy::write(dir.path().join("day-1.npy"), &ticks(0, 3).collect::<Vec<_>>())?;
//! npy::write(dir.path().join("day-2.npy"), &ticks(3, 2).collect::<Vec<_>>())?;
//! // A raw shard: the records' bytes and nothing else.
//! let raw: Vec<u8> = ticks(5, 4).flat_map(|t| typed_memmap::bytes_of(&[t]).to_vec()).collect();
//! std::fs::write(dir.path().join("day-3.raw"), raw)?;
//!
//! // SAFETY: the files are private to this example; nobody writes or truncates them.
//! let days = unsafe { Shards::<Tick>::glob(dir.path().join("day-*"))? };
//! assert_eq!((days.len(), days.shards().len()), (9, 3));
//! assert_eq!(days.get(4).map(|t| t.ts), Some(4));
//! assert_eq!(days.locate(4), Some((1, 1))); // shard 1 (day-2.npy), its record 1
//! assert_eq!(days.starts(), [0, 3, 5]);
//! assert!(days.iter().map(|t| t.ts).eq(0..9));
//!
//! // One field across the files, read in place: statistics are iterator folds.
//! let price = days.column(Tick::fields().price);
//! assert_eq!(price.iter().sum::<f64>(), 18.0);
//! assert_eq!(price.iter().fold(f64::MIN, f64::max), 4.0);
//! # Ok(()) }
//! ```
//!
//! An empty list of files is a valid empty array: the caller chose the list, and an empty
//! day is a real case (numpy's `np.concatenate([])` raises instead). A pattern that matches
//! no file is an error, [`ShardProblem::NoMatch`]: it is far more often a typo than an empty
//! set.
//!
//! Patterns ([`Shards::glob`]) are matched here, without a dependency: `*` (any run of
//! bytes) and `?` (one byte, so a character outside ASCII takes one `?` per UTF-8 byte) in
//! the file name only, the directory taken literally,
//! the matches sorted by name (byte order, so `part-10` sorts before `part-9`: number files
//! with leading zeros). Shard sets are files of one directory; for anything richer (`**`,
//! character classes) list the files with the `glob` crate and call [`Shards::open`].
//!
//! Failure modes, each naming the file: the errors of [`npy::open`](crate::npy::open) and of
//! [`Options::open`] for that shard, among them [`Error::DtypeMismatch`] for a `.npy` shard
//! of another dtype (with both dtypes) and [`Error::NotAMultiple`] for a raw shard of a
//! ragged length; [`Error::Shard`] for a pattern matching nothing or with a wildcard in its
//! directory, a `.npy` shard that is not 1-D, or more records than a `usize` counts;
//! [`Error::Io`] when the pattern's directory cannot be read.

use std::ffi::OsStr;
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::column::{Column, FieldHandle};
use crate::element::Element;
use crate::error::{Error, Result, ShardProblem};
use crate::map::Memmap;
use crate::options::Options;

/// One 1-D array of `T` over an ordered list of files, each mapped read-only.
///
/// Made by [`open`](Shards::open) / [`open_with`](Shards::open_with) from a list of paths,
/// [`glob`](Shards::glob) / [`glob_with`](Shards::glob_with) from a pattern, or
/// [`from_maps`](Shards::from_maps) from maps made elsewhere. See the
/// [module docs](crate::shards) for an example.
///
/// # Safety
///
/// The constructors that map files are `unsafe` for the reason given in
/// [`Options#safety`]: the caller promises, for every shard, that nobody truncates the
/// file or writes its mapped bytes while the `Shards` (or anything borrowed from it) lives.
pub struct Shards<T> {
    maps: Vec<Memmap<T>>,
    // `starts[k]` is the number of records in the shards before `k`; `starts[maps.len()]` is
    // the total. Non-decreasing; equal neighbours are empty shards.
    starts: Vec<usize>,
}

impl<T: Element> Shards<T> {
    /// Maps every file of `paths`, in order: `.npy` files with their header, others as raw
    /// files of `T` from offset 0.
    ///
    /// # Safety
    ///
    /// See the type-level [safety section](Shards#safety).
    ///
    /// # Errors
    ///
    /// Those of [`npy::open`](crate::npy::open) or [`Options::open`] for the shard at fault
    /// (naming its file), and [`Error::Shard`]; see the [module docs](crate::shards).
    pub unsafe fn open<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Result<Self> {
        // SAFETY: the caller upholds `Options#safety` for every file.
        unsafe { Shards::open_with(&Options::new(), paths) }
    }

    /// As [`open`](Shards::open), with the raw shards mapped by `options` (for example an
    /// [`offset`](Options::offset) past a fixed header). `.npy` shards use their header.
    ///
    /// # Safety
    ///
    /// See the type-level [safety section](Shards#safety).
    ///
    /// # Errors
    ///
    /// As [`open`](Shards::open).
    pub unsafe fn open_with<P: AsRef<Path>>(
        options: &Options<T>,
        paths: impl IntoIterator<Item = P>,
    ) -> Result<Self> {
        let mut maps = Vec::new();
        for path in paths {
            // SAFETY: the caller upholds `Options#safety` for every file.
            maps.push(unsafe { open_shard(options, path.as_ref()) }?);
        }
        Shards::from_maps(maps)
    }

    /// Maps the files that `pattern` matches, sorted by name: `*` and `?` in the file name
    /// only (see the [module docs](crate::shards) for the rules).
    ///
    /// # Safety
    ///
    /// See the type-level [safety section](Shards#safety).
    ///
    /// # Errors
    ///
    /// [`Error::Shard`] with [`ShardProblem::NoMatch`] or
    /// [`ShardProblem::WildcardInDirectory`]; [`Error::Io`] when the directory cannot be
    /// read; then as [`open`](Shards::open).
    pub unsafe fn glob(pattern: impl AsRef<Path>) -> Result<Self> {
        // SAFETY: the caller upholds `Options#safety` for every file.
        unsafe { Shards::glob_with(&Options::new(), pattern) }
    }

    /// As [`glob`](Shards::glob), with the raw shards mapped by `options`.
    ///
    /// # Safety
    ///
    /// See the type-level [safety section](Shards#safety).
    ///
    /// # Errors
    ///
    /// As [`glob`](Shards::glob).
    pub unsafe fn glob_with(options: &Options<T>, pattern: impl AsRef<Path>) -> Result<Self> {
        let paths = matching_files(pattern.as_ref())?;
        // SAFETY: the caller upholds `Options#safety` for every file.
        unsafe { Shards::open_with(options, paths) }
    }

    /// Shards over maps already made (by [`Options`], [`npy::open`](crate::npy::open), ...),
    /// in order. Safe: the promise was made when each map was.
    ///
    /// # Errors
    ///
    /// [`Error::Shard`] when a map is not 1-D, or the records do not fit in a `usize`.
    pub fn from_maps(maps: Vec<Memmap<T>>) -> Result<Self> {
        let mut starts = Vec::with_capacity(maps.len() + 1);
        let mut total = 0usize;
        starts.push(0);
        for map in &maps {
            if map.ndim() != 1 {
                let shape = map.shape().to_vec();
                return Err(shard_error(
                    map.path(),
                    ShardProblem::NotOneDimensional { shape },
                ));
            }
            total = total.checked_add(map.len()).ok_or_else(|| {
                let problem = ShardProblem::TooManyRecords {
                    before: total,
                    len: map.len(),
                };
                shard_error(map.path(), problem)
            })?;
            starts.push(total);
        }
        Ok(Shards { maps, starts })
    }

    /// The number of records in all the shards.
    pub fn len(&self) -> usize {
        self.starts[self.maps.len()]
    }

    /// True when there are no records (no shards, or only empty ones).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The record at global index `index`, or `None` past the end.
    pub fn get(&self, index: usize) -> Option<&T> {
        let (shard, local) = self.locate(index)?;
        self.maps[shard].as_slice().get(local)
    }

    /// Which shard holds the record at global `index`, and its index there; `None` past
    /// the end. Empty shards hold nothing, so they are never the answer.
    pub fn locate(&self, index: usize) -> Option<(usize, usize)> {
        locate(&self.starts, index)
    }

    /// The global index of the first record of each shard (an empty shard's is the next
    /// shard's), one per shard.
    pub fn starts(&self) -> &[usize] {
        &self.starts[..self.maps.len()]
    }

    /// The global indices of the records of shard `shard`; `None` if there is no such shard.
    pub fn range(&self, shard: usize) -> Option<Range<usize>> {
        (shard < self.maps.len()).then(|| self.starts[shard]..self.starts[shard + 1])
    }

    /// The maps, one per shard, in order (each knows its [`path`](Memmap::path)).
    pub fn shards(&self) -> &[Memmap<T>] {
        &self.maps
    }

    /// The map of shard `shard`.
    pub fn shard(&self, shard: usize) -> Option<&Memmap<T>> {
        self.maps.get(shard)
    }

    /// Every record, in order across the shards (exact size, double-ended).
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator + Clone {
        Concat::new(self.maps.iter(), self.len())
    }

    /// The field `field` of every record across the shards, read in place.
    pub fn column<F: Element>(&self, field: FieldHandle<T, F>) -> ShardColumn<'_, F> {
        ShardColumn {
            columns: self.maps.iter().map(|m| m.column(field)).collect(),
            starts: &self.starts,
        }
    }

    /// The field called `name` of every record across the shards, checked at run time.
    ///
    /// # Errors
    ///
    /// [`Error::Field`] as [`FieldHandle::by_name`], naming the first shard's file.
    pub fn column_by_name<F: Element>(&self, name: &str) -> Result<ShardColumn<'_, F>> {
        let field = FieldHandle::lookup(self.maps.first().map(|m| m.path()), name)?;
        Ok(self.column(field))
    }
}

impl<T: Element> std::fmt::Debug for Shards<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shards")
            .field("dtype", &T::dtype().descr())
            .field("len", &self.len())
            .field(
                "paths",
                &self.maps.iter().map(Memmap::path).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// One field of every record of a [`Shards`], across the files: a list of per-shard
/// [`Column`]s, nothing copied. Made by [`Shards::column`].
#[derive(Clone)]
pub struct ShardColumn<'a, F> {
    columns: Vec<Column<'a, F>>,
    starts: &'a [usize],
}

impl<'a, F: Element> ShardColumn<'a, F> {
    /// The number of records.
    pub fn len(&self) -> usize {
        self.starts[self.columns.len()]
    }

    /// True when there are no records.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The field of the record at global `index`, or `None` past the end.
    pub fn get(&self, index: usize) -> Option<F> {
        let (shard, local) = locate(self.starts, index)?;
        self.columns[shard].get(local)
    }

    /// The column of each shard, in order.
    pub fn columns(&self) -> &[Column<'a, F>] {
        &self.columns
    }

    /// The values across the shards, in order (exact size, double-ended).
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = F> + ExactSizeIterator + Clone + '_ {
        Concat::new(self.columns.iter(), self.len())
    }

    /// The values, copied into a `Vec`.
    pub fn to_vec(&self) -> Vec<F> {
        self.iter().collect()
    }

    /// The global index of the first record of each shard, and the total at the end.
    #[cfg(feature = "rayon")]
    pub(crate) fn starts(&self) -> &'a [usize] {
        self.starts
    }
}

impl<F: Element + std::fmt::Debug> std::fmt::Debug for ShardColumn<'_, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// The items of several parts, one after the other, with an exact length: the iterator of
/// [`Shards::iter`] (parts: maps) and [`ShardColumn::iter`] (parts: columns).
struct Concat<I: Iterator>
where
    I::Item: IntoIterator,
{
    parts: I,
    front: Option<<I::Item as IntoIterator>::IntoIter>,
    back: Option<<I::Item as IntoIterator>::IntoIter>,
    // Invariant: the items left in `front`, `parts` and `back` together.
    remaining: usize,
}

impl<I> Clone for Concat<I>
where
    I: Iterator + Clone,
    I::Item: IntoIterator,
    <I::Item as IntoIterator>::IntoIter: Clone,
{
    fn clone(&self) -> Self {
        Concat {
            parts: self.parts.clone(),
            front: self.front.clone(),
            back: self.back.clone(),
            remaining: self.remaining,
        }
    }
}

impl<I> Concat<I>
where
    I: Iterator,
    I::Item: IntoIterator,
{
    fn new(parts: I, len: usize) -> Self {
        Concat {
            parts,
            front: None,
            back: None,
            remaining: len,
        }
    }
}

impl<I> Iterator for Concat<I>
where
    I: Iterator,
    I::Item: IntoIterator,
{
    type Item = <I::Item as IntoIterator>::Item;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.front.as_mut().and_then(Iterator::next) {
                self.remaining -= 1;
                return Some(item);
            }
            match self.parts.next() {
                Some(part) => self.front = Some(part.into_iter()),
                None => {
                    let item = self.back.as_mut().and_then(Iterator::next);
                    if item.is_some() {
                        self.remaining -= 1;
                    }
                    return item;
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }

    // Folding part by part lets each part's own loop (a slice's, a column's) run unbroken:
    // `sum`, `fold` and `for_each` across shards cost what they cost on one map.
    fn fold<B, G>(self, init: B, mut g: G) -> B
    where
        G: FnMut(B, Self::Item) -> B,
    {
        let mut acc = init;
        if let Some(front) = self.front {
            acc = front.fold(acc, &mut g);
        }
        acc = self
            .parts
            .fold(acc, |acc, part| part.into_iter().fold(acc, &mut g));
        if let Some(back) = self.back {
            acc = back.fold(acc, &mut g);
        }
        acc
    }
}

impl<I> DoubleEndedIterator for Concat<I>
where
    I: DoubleEndedIterator,
    I::Item: IntoIterator,
    <I::Item as IntoIterator>::IntoIter: DoubleEndedIterator,
{
    fn next_back(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.back.as_mut().and_then(DoubleEndedIterator::next_back) {
                self.remaining -= 1;
                return Some(item);
            }
            match self.parts.next_back() {
                Some(part) => self.back = Some(part.into_iter()),
                None => {
                    let item = self.front.as_mut().and_then(DoubleEndedIterator::next_back);
                    if item.is_some() {
                        self.remaining -= 1;
                    }
                    return item;
                }
            }
        }
    }
}

impl<I> ExactSizeIterator for Concat<I>
where
    I: Iterator,
    I::Item: IntoIterator,
{
}

/// The shard that holds global `index`, given the cumulative `starts` (one entry per shard
/// and the total at the end) and `index < total`: the last shard that starts at or before
/// `index`. Empty shards before it start at the same place and hold nothing.
pub(crate) fn shard_of(starts: &[usize], index: usize) -> usize {
    starts.partition_point(|&start| start <= index) - 1
}

/// The shard holding global `index` and the index there, `None` past the end (the last of
/// `starts` is the total length).
fn locate(starts: &[usize], index: usize) -> Option<(usize, usize)> {
    if index >= *starts.last()? {
        return None;
    }
    let shard = shard_of(starts, index);
    Some((shard, index - starts[shard]))
}

/// Maps one shard: by its header if it is a `.npy` file, else as a raw file by `options`.
///
/// # Safety
///
/// The caller upholds [`Options#safety`] for the file.
unsafe fn open_shard<T: Element>(options: &Options<T>, path: &Path) -> Result<Memmap<T>> {
    let is_npy = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("npy"));
    if is_npy {
        // SAFETY: forwarded from the caller.
        unsafe { crate::npy::open::<T>(path) }
    } else {
        // SAFETY: forwarded from the caller.
        unsafe { options.open(path) }
    }
}

fn shard_error(path: &Path, problem: ShardProblem) -> Error {
    Error::Shard {
        path: path.to_path_buf(),
        problem,
    }
}

/// The files of `pattern`'s directory whose names match its file name, sorted by name.
fn matching_files(pattern: &Path) -> Result<Vec<PathBuf>> {
    let is_wild = |s: &OsStr| {
        s.as_encoded_bytes()
            .iter()
            .any(|b| matches!(b, b'*' | b'?'))
    };
    if pattern.parent().is_some_and(|d| is_wild(d.as_os_str())) {
        return Err(shard_error(pattern, ShardProblem::WildcardInDirectory));
    }
    let name = match pattern.file_name() {
        Some(name) if is_wild(name) => name,
        // No wildcard in the name (or no name): the pattern is one file.
        _ => return Ok(vec![pattern.to_path_buf()]),
    };
    let dir = match pattern.parent() {
        Some(dir) if dir.as_os_str().is_empty() => Path::new("."),
        Some(dir) => dir,
        None => Path::new("."),
    };
    let entries = fs::read_dir(dir).map_err(|e| Error::io("read directory", dir, e))?;
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("read directory", dir, e))?;
        let file_name = entry.file_name();
        if !wildcard_match(name.as_encoded_bytes(), file_name.as_encoded_bytes()) {
            continue;
        }
        // Follows symlinks, so a link to a file is a shard and a link to a directory is not.
        let path = entry.path();
        if path.is_dir() {
            continue;
        }
        found.push((file_name, path));
    }
    if found.is_empty() {
        return Err(shard_error(pattern, ShardProblem::NoMatch));
    }
    found.sort_by(|a, b| a.0.as_encoded_bytes().cmp(b.0.as_encoded_bytes()));
    Ok(found.into_iter().map(|(_, path)| path).collect())
}

/// Whether `name` matches `pattern`, where `*` matches any run of bytes and `?` one byte.
/// Greedy with one backtrack point: the last `*` seen, which is enough for these two
/// wildcards and keeps the match linear in practice.
fn wildcard_match(pattern: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, n));
                p += 1;
            }
            Some(&c) if c == b'?' || c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                // Let the last `*` swallow one more byte and try again from there.
                Some((sp, sn)) => {
                    star = Some((sp, sn + 1));
                    p = sp + 1;
                    n = sn + 1;
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::wildcard_match;

    #[test]
    fn wildcards_match_like_a_shell() {
        let cases: &[(&str, &str, bool)] = &[
            ("part-*.npy", "part-0001.npy", true),
            ("part-*.npy", "part-.npy", true),
            ("part-*.npy", "part-1.npz", false),
            ("part-?.npy", "part-1.npy", true),
            ("part-?.npy", "part-12.npy", false),
            ("*", "", true),
            ("*", "anything", true),
            ("a*b*c", "axxbyyc", true),
            ("a*b*c", "axxbyy", false),
            ("*.raw", "x.raw.bak", false),
            ("*.raw", "x.raw.raw", true),
            ("**x", "abx", true),
            ("exact", "exact", true),
            ("exact", "exactly", false),
        ];
        for &(pattern, name, want) in cases {
            let got = wildcard_match(pattern.as_bytes(), name.as_bytes());
            assert_eq!(got, want, "{pattern:?} vs {name:?}");
        }
    }
}
