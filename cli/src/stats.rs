//! `tmm stats`: per numeric field count, min, max, mean, std, NaN and zero counts, computed
//! in one parallel pass over the mapped bytes.
//!
//! The figures are numpy's: `min`/`max` are `np.nanmin`/`np.nanmax` (NaN ignored; `null` when
//! every value is NaN or there are none), `mean` is `np.mean` with a float64 accumulator and
//! `std` is `np.std` with `ddof=0` (both NaN when a value is NaN, `null` for no values).
//! Numeric fields are booleans, integers and floats (`f2`, `f4`, `f8`), at any byte order;
//! the elements of a subarray field count as values of that one field. Strings, bytes,
//! complex numbers and datetimes are left out.
//!
//! The records are cut into chunks that the threads take in turn; each chunk's mean and sum
//! of squared deviations are computed in two passes over the chunk while it is in cache and
//! combined with Chan's formula, so the results agree with numpy's to about 1e-15.

use std::process::ExitCode;

use clap::Args;
use rayon::prelude::*;
use serde_json::{json, Value as Json};
use typed_memmap::{ByteOrder, Dtype, Kind};

use crate::error::CliError;
use crate::input::InputArgs;
use crate::progress::{self, Progress};

const EXAMPLES: &str = "\
Examples:
  tmm stats ticks.npy
  tmm stats ticks.npy --fields price,qty --json
  tmm stats ticks.npy --fields price --hist --bins 20
  tmm stats ticks.bin --dtype \"[('t', '<i8'), ('price', '<f8')]\" --threads 2";

/// Records per chunk: 16 Ki records of 32 bytes is 512 KiB, which stays in cache between a
/// chunk's two passes.
const CHUNK_BYTES: usize = 512 * 1024;

/// Per numeric field: count, min, max, mean, std, NaN and zero counts (numpy's results).
#[derive(Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct StatsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The fields to summarise, comma separated (dotted for nested fields); by default every
    /// numeric field.
    #[arg(long, value_delimiter = ',')]
    pub fields: Vec<String>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Draw a text histogram per field (bins as `np.histogram(x, bins)` over [min, max]).
    #[arg(long)]
    pub hist: bool,
    /// The number of histogram bins.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub bins: u32,
    /// Threads to use; by default one per core.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// When to draw a progress bar on stderr.
    #[arg(long, value_enum, default_value_t = Progress::Auto)]
    pub progress: Progress,
}

/// How to read one numeric field out of a record.
#[derive(Clone, Debug)]
struct Leaf {
    /// Dotted name (`""` for an array that is not a record).
    name: String,
    /// Offset in the record of the first element.
    offset: usize,
    /// Elements per record (the subarray's size, 1 for a scalar).
    count: usize,
    kind: NumKind,
    size: usize,
    big_endian: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NumKind {
    Bool,
    Int,
    UInt,
    Float,
}

/// The partial statistics of some values of one field.
#[derive(Clone, Copy, Debug)]
struct Part {
    /// Values seen (NaN included).
    n: u64,
    /// Values that are not NaN.
    n_real: u64,
    nan: u64,
    zero: u64,
    min: f64,
    max: f64,
    /// Exact min/max of integer fields (f64 loses precision past 2^53).
    imin: i128,
    imax: i128,
    /// Mean and sum of squared deviations of all `n` values (NaN when one is NaN).
    mean: f64,
    m2: f64,
}

impl Part {
    const EMPTY: Part = Part {
        n: 0,
        n_real: 0,
        nan: 0,
        zero: 0,
        min: f64::INFINITY,
        max: f64::NEG_INFINITY,
        imin: i128::MAX,
        imax: i128::MIN,
        mean: 0.0,
        m2: 0.0,
    };

    /// Chan et al.'s combination of two partial results.
    fn merge(self, o: Part) -> Part {
        if self.n == 0 {
            return o;
        }
        if o.n == 0 {
            return self;
        }
        let n = self.n + o.n;
        let (na, nb, nf) = (self.n as f64, o.n as f64, n as f64);
        let delta = o.mean - self.mean;
        let mean = self.mean + delta * (nb / nf);
        let m2 = self.m2 + o.m2 + delta * delta * (na * nb / nf);
        Part {
            n,
            n_real: self.n_real + o.n_real,
            nan: self.nan + o.nan,
            zero: self.zero + o.zero,
            min: self.min.min(o.min),
            max: self.max.max(o.max),
            imin: self.imin.min(o.imin),
            imax: self.imax.max(o.imax),
            mean,
            m2,
        }
    }
}

/// Runs `tmm stats`.
pub fn run(args: StatsArgs) -> Result<ExitCode, CliError> {
    let array = crate::input::open(&args.input)?;
    let leaves = select_leaves(array.dtype(), &args.fields)?;
    let itemsize = array.itemsize();
    let bytes = array.as_bytes();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.map_or(0, |t| t as usize))
        .build()
        .map_err(|e| CliError::Io(format!("cannot start threads: {e}")))?;
    // The histogram reads the file a second time.
    let passes = if args.hist { 2 } else { 1 };
    let bar = progress::bar(args.progress, bytes.len() as u64 * passes);
    // Chunks hold whole records; a dtype of no bytes has no values to read.
    let chunk = CHUNK_BYTES
        .checked_div(itemsize)
        .map_or(usize::MAX, |n| n.max(1) * itemsize);
    let records = if itemsize == 0 { &[][..] } else { bytes };
    let parts = pool.install(|| {
        records
            .par_chunks(chunk)
            .map(|c| {
                let p: Vec<Part> = leaves.iter().map(|l| chunk_part(l, c, itemsize)).collect();
                if let Some(b) = &bar {
                    b.inc(c.len() as u64);
                }
                p
            })
            .reduce(
                || vec![Part::EMPTY; leaves.len()],
                |a, b| a.into_iter().zip(b).map(|(x, y)| x.merge(y)).collect(),
            )
    });
    let hists: Vec<Option<Vec<u64>>> = if args.hist {
        leaves
            .iter()
            .zip(&parts)
            .map(|(l, p)| {
                edges(p, args.bins as usize).map(|e| {
                    let counts = pool.install(|| {
                        records
                            .par_chunks(chunk)
                            .map(|c| {
                                let h = chunk_hist(l, c, itemsize, &e);
                                if let Some(b) = &bar {
                                    b.inc(c.len() as u64);
                                }
                                h
                            })
                            .reduce(
                                || vec![0; e.len() - 1],
                                |a, b| a.iter().zip(&b).map(|(x, y)| x + y).collect(),
                            )
                    });
                    counts
                })
            })
            .collect()
    } else {
        vec![None; leaves.len()]
    };
    if let Some(b) = &bar {
        b.finish_with_message("done");
    }
    let text = if args.json {
        let fields: serde_json::Map<String, Json> = leaves
            .iter()
            .zip(&parts)
            .zip(&hists)
            .map(|((l, p), h)| (display_name(l), to_json(l, p, h.as_deref(), args.bins)))
            .collect();
        serde_json::to_string_pretty(&json!({ "rows": array.len(), "fields": fields }))
            .map_err(|e| CliError::Io(format!("cannot write JSON: {e}")))?
    } else {
        table(&leaves, &parts, &hists, args.bins as usize)
    };
    crate::output::line(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn display_name(l: &Leaf) -> String {
    if l.name.is_empty() {
        "value".to_string()
    } else {
        l.name.clone()
    }
}

/// The numeric fields of `dtype`, or those named in `wanted` (which must be numeric).
fn select_leaves(dtype: &Dtype, wanted: &[String]) -> Result<Vec<Leaf>, CliError> {
    let mut all = Vec::new();
    let mut skipped = Vec::new();
    collect(dtype, "", 0, &mut all, &mut skipped);
    if wanted.is_empty() {
        if all.is_empty() {
            return Err(CliError::Usage(format!(
                "the dtype {} has no numeric field to summarise",
                dtype.descr()
            )));
        }
        return Ok(all);
    }
    wanted
        .iter()
        .map(|w| {
            let w = w.trim();
            if let Some(l) = all.iter().find(|l| l.name == w) {
                Ok(l.clone())
            } else if skipped.iter().any(|s| s == w) {
                Err(CliError::Usage(format!(
                    "field {w:?} is not numeric (strings, bytes, complex and datetimes have no statistics)"
                )))
            } else {
                let names: Vec<String> = all.iter().map(display_name).collect();
                Err(CliError::Usage(format!(
                    "no numeric field {w:?}; numeric fields: {}",
                    names.join(", ")
                )))
            }
        })
        .collect()
}

fn collect(
    dtype: &Dtype,
    name: &str,
    offset: usize,
    out: &mut Vec<Leaf>,
    skipped: &mut Vec<String>,
) {
    let join = |field: &str| {
        if name.is_empty() {
            field.to_string()
        } else {
            format!("{name}.{field}")
        }
    };
    match dtype {
        Dtype::Record(r) => {
            for f in &r.fields {
                collect(&f.dtype, &join(&f.name), offset + f.offset, out, skipped);
            }
        }
        Dtype::Subarray(base, shape) => {
            let count: usize = shape.iter().product();
            let before = out.len();
            collect(base, name, offset, out, skipped);
            // A subarray of scalars is one field of `count` values; of records, each record
            // field is read once per element, which `Leaf` cannot say: leave those out.
            if out.len() == before + 1 && matches!(**base, Dtype::Scalar(_)) {
                out[before].count = count;
            } else {
                out.truncate(before);
                skipped.push(name.to_string());
            }
        }
        Dtype::Scalar(s) => {
            let kind = match s.kind() {
                Kind::Bool => Some(NumKind::Bool),
                Kind::Int if matches!(s.size(), 1 | 2 | 4 | 8) => Some(NumKind::Int),
                Kind::UInt if matches!(s.size(), 1 | 2 | 4 | 8) => Some(NumKind::UInt),
                Kind::Float if matches!(s.size(), 2 | 4 | 8) => Some(NumKind::Float),
                _ => None,
            };
            match kind {
                Some(kind) => out.push(Leaf {
                    name: name.to_string(),
                    offset,
                    count: 1,
                    kind,
                    size: s.size(),
                    big_endian: s.order() == ByteOrder::Big,
                }),
                None => skipped.push(name.to_string()),
            }
        }
        _ => skipped.push(name.to_string()),
    }
}

/// A value of a numeric field as read from its bytes.
trait Num: Copy {
    const SIZE: usize;
    const INT: bool;
    fn read(b: &[u8], big: bool) -> Self;
    fn f(self) -> f64;
    fn i(self) -> i128;
}

macro_rules! num {
    ($t:ty, $n:expr, $int:expr) => {
        impl Num for $t {
            const SIZE: usize = $n;
            const INT: bool = $int;
            #[inline(always)]
            fn read(b: &[u8], big: bool) -> Self {
                let mut a = [0u8; $n];
                a.copy_from_slice(&b[..$n]);
                if big {
                    <$t>::from_be_bytes(a)
                } else {
                    <$t>::from_le_bytes(a)
                }
            }
            #[inline(always)]
            fn f(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn i(self) -> i128 {
                self as i128
            }
        }
    };
}
num!(i8, 1, true);
num!(i16, 2, true);
num!(i32, 4, true);
num!(i64, 8, true);
num!(u8, 1, true);
num!(u16, 2, true);
num!(u32, 4, true);
num!(u64, 8, true);
num!(f32, 4, false);
num!(f64, 8, false);

/// numpy's `f2` as its bits, widened exactly to f64.
#[derive(Clone, Copy)]
struct Half(u16);

impl Num for Half {
    const SIZE: usize = 2;
    const INT: bool = false;
    #[inline(always)]
    fn read(b: &[u8], big: bool) -> Self {
        Half(u16::read(b, big))
    }
    fn f(self) -> f64 {
        let sign = if self.0 & 0x8000 != 0 { -1.0 } else { 1.0 };
        let exp = i32::from((self.0 >> 10) & 0x1f);
        let frac = f64::from(self.0 & 0x3ff);
        match exp {
            0 => sign * frac * 2f64.powi(-24),
            31 if frac == 0.0 => sign * f64::INFINITY,
            31 => f64::NAN,
            _ => sign * (1.0 + frac / 1024.0) * 2f64.powi(exp - 15),
        }
    }
    fn i(self) -> i128 {
        0
    }
}

/// numpy's `b1`: zero is false, anything else true (1).
#[derive(Clone, Copy)]
struct Flag(bool);

impl Num for Flag {
    const SIZE: usize = 1;
    const INT: bool = true;
    #[inline(always)]
    fn read(b: &[u8], _big: bool) -> Self {
        Flag(b[0] != 0)
    }
    fn f(self) -> f64 {
        f64::from(u8::from(self.0))
    }
    fn i(self) -> i128 {
        i128::from(u8::from(self.0))
    }
}

/// Calls `$body` with `$T` bound to the Rust type of `leaf`'s values.
macro_rules! with_type {
    ($leaf:expr, $T:ident => $body:expr) => {
        match ($leaf.kind, $leaf.size) {
            (NumKind::Bool, _) => {
                type $T = Flag;
                $body
            }
            (NumKind::Int, 1) => {
                type $T = i8;
                $body
            }
            (NumKind::Int, 2) => {
                type $T = i16;
                $body
            }
            (NumKind::Int, 4) => {
                type $T = i32;
                $body
            }
            (NumKind::Int, _) => {
                type $T = i64;
                $body
            }
            (NumKind::UInt, 1) => {
                type $T = u8;
                $body
            }
            (NumKind::UInt, 2) => {
                type $T = u16;
                $body
            }
            (NumKind::UInt, 4) => {
                type $T = u32;
                $body
            }
            (NumKind::UInt, _) => {
                type $T = u64;
                $body
            }
            (NumKind::Float, 2) => {
                type $T = Half;
                $body
            }
            (NumKind::Float, 4) => {
                type $T = f32;
                $body
            }
            (NumKind::Float, _) => {
                type $T = f64;
                $body
            }
        }
    };
}

/// The statistics of `leaf` over the whole records in `chunk`.
fn chunk_part(leaf: &Leaf, chunk: &[u8], itemsize: usize) -> Part {
    with_type!(leaf, T => part_of::<T>(leaf, chunk, itemsize))
}

/// Calls `f` on every value of `leaf` in the records of `chunk`.
#[inline(always)]
fn each<T: Num>(leaf: &Leaf, chunk: &[u8], itemsize: usize, mut f: impl FnMut(T)) {
    let span = leaf.count * T::SIZE;
    for rec in chunk.chunks_exact(itemsize) {
        let field = &rec[leaf.offset..leaf.offset + span];
        if leaf.count == 1 {
            f(T::read(field, leaf.big_endian));
        } else {
            for v in field.chunks_exact(T::SIZE) {
                f(T::read(v, leaf.big_endian));
            }
        }
    }
}

fn part_of<T: Num>(leaf: &Leaf, chunk: &[u8], itemsize: usize) -> Part {
    let mut p = Part::EMPTY;
    // Pass 1: counts, extremes and the sum, in four lanes to keep the adds independent.
    let mut sums = [0f64; 4];
    let mut lane = 0;
    each::<T>(leaf, chunk, itemsize, |v| {
        let x = v.f();
        p.n += 1;
        sums[lane & 3] += x;
        lane += 1;
        if T::INT {
            let i = v.i();
            p.imin = p.imin.min(i);
            p.imax = p.imax.max(i);
        }
        if x.is_nan() {
            p.nan += 1;
        } else {
            p.min = p.min.min(x);
            p.max = p.max.max(x);
        }
        if x == 0.0 {
            p.zero += 1;
        }
    });
    p.n_real = p.n - p.nan;
    if p.n == 0 {
        return p;
    }
    p.mean = (sums[0] + sums[1]) + (sums[2] + sums[3]);
    p.mean /= p.n as f64;
    // Pass 2, over the chunk still in cache: squared deviations from the chunk's mean.
    let mean = p.mean;
    let mut m2 = [0f64; 4];
    let mut lane = 0;
    each::<T>(leaf, chunk, itemsize, |v| {
        let d = v.f() - mean;
        m2[lane & 3] += d * d;
        lane += 1;
    });
    p.m2 = (m2[0] + m2[1]) + (m2[2] + m2[3]);
    p
}

/// numpy's histogram bin edges over [min, max] (`np.histogram(x, bins)` with the range
/// taken from the data, NaN left out); `None` when no value is a real number or the range is
/// infinite.
fn edges(p: &Part, bins: usize) -> Option<Vec<f64>> {
    if p.n_real == 0 || !p.min.is_finite() || !p.max.is_finite() {
        return None;
    }
    let (mut first, mut last) = (p.min, p.max);
    if first == last {
        first -= 0.5;
        last += 0.5;
    }
    // np.linspace(first, last, bins + 1): step times index plus start, the end exact.
    let step = (last - first) / bins as f64;
    let mut e: Vec<f64> = (0..=bins).map(|i| i as f64 * step + first).collect();
    e[bins] = last;
    Some(e)
}

fn chunk_hist(leaf: &Leaf, chunk: &[u8], itemsize: usize, edges: &[f64]) -> Vec<u64> {
    with_type!(leaf, T => hist_of::<T>(leaf, chunk, itemsize, edges))
}

fn hist_of<T: Num>(leaf: &Leaf, chunk: &[u8], itemsize: usize, edges: &[f64]) -> Vec<u64> {
    let bins = edges.len() - 1;
    let first = edges[0];
    let norm = bins as f64 / (edges[bins] - first);
    let mut counts = vec![0u64; bins];
    each::<T>(leaf, chunk, itemsize, |v| {
        let x = v.f();
        if x.is_nan() {
            return;
        }
        // numpy's rule: the computed bin, corrected against the edges themselves.
        let mut i = (((x - first) * norm) as usize).min(bins - 1);
        if x < edges[i] && i > 0 {
            i -= 1;
        } else if i + 1 < bins && x >= edges[i + 1] {
            i += 1;
        }
        counts[i] += 1;
    });
    counts
}

/// The finished figures of one field: (min, max, mean, std) with numpy's NaN rules.
fn figures(p: &Part) -> (Option<f64>, Option<f64>, Option<f64>, Option<f64>) {
    if p.n == 0 {
        return (None, None, None, None);
    }
    let (min, max) = if p.n_real == 0 {
        (None, None)
    } else {
        (Some(p.min), Some(p.max))
    };
    if p.nan > 0 {
        return (min, max, Some(f64::NAN), Some(f64::NAN));
    }
    (min, max, Some(p.mean), Some((p.m2 / p.n as f64).sqrt()))
}

fn num_json(x: Option<f64>) -> Json {
    match x {
        Some(v) if v.is_finite() => json!(v),
        Some(v) if v.is_nan() => json!("nan"),
        Some(v) if v > 0.0 => json!("inf"),
        Some(_) => json!("-inf"),
        None => Json::Null,
    }
}

fn extreme_json(l: &Leaf, p: &Part, int: i128, float: Option<f64>) -> Json {
    if l.kind == NumKind::Float || p.n == 0 {
        return num_json(float);
    }
    match (i64::try_from(int), u64::try_from(int)) {
        (Ok(i), _) => json!(i),
        (_, Ok(u)) => json!(u),
        _ => num_json(float),
    }
}

fn to_json(l: &Leaf, p: &Part, hist: Option<&[u64]>, bins: u32) -> Json {
    let (min, max, mean, std) = figures(p);
    let mut o = json!({
        "count": p.n,
        "min": extreme_json(l, p, p.imin, min),
        "max": extreme_json(l, p, p.imax, max),
        "mean": num_json(mean),
        "std": num_json(std),
        "nan": p.nan,
        "zero": p.zero,
    });
    if let (Some(h), Some(e)) = (hist, edges(p, bins as usize)) {
        o["hist"] = json!({ "counts": h, "edges": e });
    }
    o
}

fn text_of(x: Option<f64>) -> String {
    match x {
        None => "-".to_string(),
        Some(v) if v.is_nan() => "nan".to_string(),
        Some(v) => format!("{v}"),
    }
}

fn extreme_text(l: &Leaf, p: &Part, int: i128, float: Option<f64>) -> String {
    if l.kind == NumKind::Float || p.n == 0 {
        text_of(float)
    } else {
        int.to_string()
    }
}

fn table(leaves: &[Leaf], parts: &[Part], hists: &[Option<Vec<u64>>], bins: usize) -> String {
    let head = ["field", "count", "min", "max", "mean", "std", "nan", "zero"];
    let mut rows: Vec<Vec<String>> = vec![head.iter().map(|s| s.to_string()).collect()];
    for (l, p) in leaves.iter().zip(parts) {
        let (min, max, mean, std) = figures(p);
        rows.push(vec![
            display_name(l),
            p.n.to_string(),
            extreme_text(l, p, p.imin, min),
            extreme_text(l, p, p.imax, max),
            text_of(mean),
            text_of(std),
            p.nan.to_string(),
            p.zero.to_string(),
        ]);
    }
    let widths: Vec<usize> = (0..head.len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out: Vec<String> = rows
        .iter()
        .map(|r| {
            let cells: Vec<String> = r
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, (c, w))| {
                    if i == 0 {
                        format!("{c:<w$}")
                    } else {
                        format!("{c:>w$}")
                    }
                })
                .collect();
            cells.join("  ").trim_end().to_string()
        })
        .collect();
    for ((l, p), h) in leaves.iter().zip(parts).zip(hists) {
        let (Some(h), Some(e)) = (h, edges(p, bins)) else {
            continue;
        };
        out.push(String::new());
        out.push(format!("{}:", display_name(l)));
        let top = h.iter().copied().max().unwrap_or(0).max(1);
        let labels: Vec<String> = (0..h.len())
            .map(|i| {
                format!(
                    "[{}, {}{}",
                    e[i],
                    e[i + 1],
                    if i + 1 == h.len() { "]" } else { ")" }
                )
            })
            .collect();
        let lw = labels.iter().map(|s| s.len()).max().unwrap_or(0);
        let cw = h.iter().map(|c| c.to_string().len()).max().unwrap_or(1);
        for (label, &c) in labels.iter().zip(h) {
            let bar = "#".repeat(((c as f64 / top as f64) * 40.0).round() as usize);
            out.push(format!("  {label:<lw$}  {c:>cw$}  {bar}"));
        }
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_parts_equals_one_pass() {
        let xs: Vec<f64> = (0..1000)
            .map(|i| (i as f64 * 0.37).sin() * 1e3 + 5.0)
            .collect();
        let bytes: Vec<u8> = xs.iter().flat_map(|x| x.to_le_bytes()).collect();
        let leaf = Leaf {
            name: String::new(),
            offset: 0,
            count: 1,
            kind: NumKind::Float,
            size: 8,
            big_endian: false,
        };
        let whole = part_of::<f64>(&leaf, &bytes, 8);
        let split = part_of::<f64>(&leaf, &bytes[..8 * 333], 8).merge(part_of::<f64>(
            &leaf,
            &bytes[8 * 333..],
            8,
        ));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / xs.len() as f64;
        for p in [whole, split] {
            assert!((p.mean - mean).abs() <= 1e-12 * mean.abs());
            assert!((p.m2 / p.n as f64 - var).abs() <= 1e-12 * var);
        }
    }

    #[test]
    fn half_widens_exactly() {
        for (bits, x) in [
            (0x3c00, 1.0),
            (0xc000, -2.0),
            (0x0001, 2f64.powi(-24)),
            (0x7bff, 65504.0),
        ] {
            assert_eq!(Half(bits).f(), x);
        }
        assert!(Half(0x7e00).f().is_nan());
        assert_eq!(Half(0xfc00).f(), f64::NEG_INFINITY);
    }
}
