//! `tmm stats`: per numeric field count, min, max, mean, std, NaN and zero counts, computed
//! in one parallel pass over the mapped bytes.
//!
//! The figures are numpy's:
//! - `min`/`max` are `np.nanmin`/`np.nanmax`: NaN is skipped, and they are `null` when every
//!   value is NaN or there are none (numpy warns and returns NaN there). Integer extremes are
//!   exact at any width; float extremes are printed as the shortest text of their dtype.
//! - `mean` is `np.mean` with a float64 accumulator and `std` is `np.std` with `ddof=0`: both
//!   `"nan"` when a value is NaN, and `null` for a field without values (numpy: NaN).
//! - `nan` is `np.isnan(x).sum()`, `zero` is `(x == 0).sum()` (`-0.0` included), `count` the
//!   number of values.
//!
//! Numeric fields are booleans, integers and floats (`f2`, `f4`, `f8`), at any byte order,
//! nested fields by their dotted names; the elements of a subarray field count as values of
//! that one field. Strings, bytes, complex numbers, datetimes and subarrays of records are
//! left out. An array that is not a record array is one field, `value`.
//!
//! `--hist` counts `np.histogram(x[np.isfinite(x)], bins)`: NaN and infinities are left out
//! (numpy refuses them), and the bins are computed in numpy's types (see `hist`).
//!
//! The records are cut into chunks that the threads take in turn (see `kernel`).

mod hist;
mod kernel;
mod num;

use std::process::ExitCode;

use clap::Args;
use rayon::prelude::*;
use serde_json::{json, Value as Json};
use typed_memmap::{ByteOrder, Dtype, Kind};

use crate::error::CliError;
use crate::input::InputArgs;
use crate::progress::{self, Progress};
use kernel::{Bins, Leaf, NumKind, Part};

const EXAMPLES: &str = "\
Examples:
  tmm stats ticks.npy
  tmm stats ticks.npy --fields price,qty --json
  tmm stats ticks.npy --fields price --hist --bins 20
  tmm stats ticks.bin --dtype \"[('t', '<i8'), ('price', '<f8')]\" --threads 2";

/// Bytes of records per chunk: small enough that a chunk read by pass 1 is still in the
/// core's cache for pass 2, large enough that merging chunks costs nothing.
const CHUNK_BYTES: usize = 256 * 1024;

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
    /// Count the finite values in bins, as `np.histogram(x[np.isfinite(x)], bins)`, and draw
    /// them (or add them to the JSON).
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

/// One field's results.
struct Summary {
    leaf: Leaf,
    part: Part,
    hist: Option<(Bins, Vec<u64>)>,
}

/// Runs `tmm stats`.
pub fn run(args: StatsArgs) -> Result<ExitCode, CliError> {
    let array = crate::input::open(&args.input)?;
    let mut leaves = select_leaves(array.dtype(), &args.fields)?;
    let itemsize = array.itemsize();
    // Whole records only; a dtype of no bytes has no values to read.
    let records = array
        .as_bytes()
        .get(..array.len().saturating_mul(itemsize))
        .filter(|_| itemsize > 0)
        .unwrap_or(&[]);
    for l in &mut leaves {
        l.shift = kernel::first_value(l, records);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.map_or(0, |t| t as usize))
        .build()
        .map_err(|e| CliError::Io(format!("cannot start threads: {e}")))?;
    // The histogram reads the file a second time.
    let passes = if args.hist { 2 } else { 1 };
    let bar = progress::bar(args.progress, records.len() as u64 * passes);
    let chunk = (CHUNK_BYTES / itemsize.max(1)).max(1) * itemsize.max(1);
    let tick = |c: &[u8]| {
        if let Some(b) = &bar {
            b.inc(c.len() as u64);
        }
    };
    // The chunks' results are merged in file order, not as the threads finish, so the
    // figures do not depend on the number of threads or their timing.
    let chunk_parts: Vec<Vec<Part>> = pool.install(|| {
        records
            .par_chunks(chunk)
            .map(|c| {
                let p: Vec<Part> = leaves
                    .iter()
                    .map(|l| kernel::chunk_part(l, c, itemsize))
                    .collect();
                tick(c);
                p
            })
            .collect()
    });
    let parts = chunk_parts
        .into_iter()
        .fold(vec![Part::EMPTY; leaves.len()], |a, b| {
            a.into_iter().zip(b).map(|(x, y)| x.merge(y)).collect()
        });
    let hists = if args.hist {
        let bins: Vec<Bins> = leaves
            .iter()
            .zip(&parts)
            .map(|(l, p)| {
                // Infinite extremes: the range is that of the finite values, another pass.
                let finite = (l.kind == NumKind::Float && p.n_real() > 0)
                    .then_some(())
                    .filter(|()| !(p.min.is_finite() && p.max.is_finite()))
                    .map(|()| {
                        pool.install(|| {
                            records
                                .par_chunks(chunk)
                                .map(|c| kernel::chunk_finite_range(l, c, itemsize))
                                .reduce(
                                    || (f64::INFINITY, f64::NEG_INFINITY),
                                    |a, b| (a.0.min(b.0), a.1.max(b.1)),
                                )
                        })
                    });
                hist::bins(l, hist::range(l, p, finite), args.bins as usize)
            })
            .collect();
        let counts = pool.install(|| {
            records
                .par_chunks(chunk)
                .map(|c| {
                    let h: Vec<Vec<u64>> = leaves
                        .iter()
                        .zip(&bins)
                        .map(|(l, b)| kernel::chunk_hist(l, c, itemsize, b))
                        .collect();
                    tick(c);
                    h
                })
                .reduce(
                    || bins.iter().map(|b| vec![0; b.edges.len() - 1]).collect(),
                    |a, b| {
                        a.into_iter()
                            .zip(b)
                            .map(|(x, y)| x.iter().zip(&y).map(|(p, q)| p + q).collect())
                            .collect()
                    },
                )
        });
        bins.into_iter().zip(counts).map(Some).collect()
    } else {
        vec![None; leaves.len()]
    };
    if let Some(b) = &bar {
        b.finish();
    }
    let summaries: Vec<Summary> = leaves
        .into_iter()
        .zip(parts)
        .zip(hists)
        .map(|((leaf, part), hist)| Summary { leaf, part, hist })
        .collect();
    let text = if args.json {
        let fields: serde_json::Map<String, Json> = summaries
            .iter()
            .map(|s| (display_name(&s.leaf), to_json(s)))
            .collect();
        serde_json::to_string_pretty(&json!({ "rows": array.len(), "fields": fields }))
            .map_err(|e| CliError::Io(format!("cannot write JSON: {e}")))?
    } else {
        table(&summaries)
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
                "the dtype {} has no numeric field to summarise (booleans, integers and floats \
                 have statistics)",
                dtype.descr()
            )));
        }
        return Ok(all);
    }
    wanted
        .iter()
        .map(|w| {
            let w = w.trim();
            if let Some(l) = all.iter().find(|l| display_name(l) == w) {
                Ok(l.clone())
            } else if skipped.iter().any(|s| s == w) {
                Err(CliError::Usage(format!(
                    "field {w:?} is not numeric: strings, bytes, complex numbers, datetimes and \
                     subarrays of records have no statistics"
                )))
            } else {
                let names: Vec<String> = all.iter().map(display_name).collect();
                Err(CliError::Usage(format!(
                    "no field {w:?}; the numeric fields are: {}",
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
                    shift: 0.0,
                }),
                None => skipped.push(name.to_string()),
            }
        }
        // Kinds of dtype added to the library later have no statistics yet.
        _ => skipped.push(name.to_string()),
    }
}

/// A finished figure.
#[derive(Clone, Copy, Debug)]
enum Fig {
    /// No value to compute it from.
    None,
    Float(f64),
    Int(i128),
    Bool(bool),
}

/// The finished figures of one field: (min, max, mean, std) with numpy's NaN rules.
fn figures(l: &Leaf, p: &Part) -> [Fig; 4] {
    if p.n == 0 {
        return [Fig::None; 4];
    }
    let (min, max) = match l.kind {
        NumKind::Bool => (Fig::Bool(p.imin != 0), Fig::Bool(p.imax != 0)),
        NumKind::Int | NumKind::UInt => (Fig::Int(p.imin), Fig::Int(p.imax)),
        NumKind::Float if p.n_real() == 0 => (Fig::None, Fig::None),
        NumKind::Float => (Fig::Float(p.min), Fig::Float(p.max)),
    };
    if p.nan > 0 || p.mean.is_nan() {
        return [min, max, Fig::Float(f64::NAN), Fig::Float(f64::NAN)];
    }
    let mean = p.mean + l.shift;
    // A mean of infinities: numpy's deviations are inf - inf, so its std is NaN.
    let std = if p.mean.is_infinite() {
        f64::NAN
    } else {
        (p.m2 / p.n as f64).sqrt()
    };
    [min, max, Fig::Float(mean), Fig::Float(std)]
}

/// A float that is a value of a `bits`-wide float, as the shortest text that reads back as
/// that value (numpy's repr); wider figures (means, stds) keep all float64 digits.
fn short(x: f64, bits: usize) -> f64 {
    if bits < 64 && x.is_finite() {
        format!("{:?}", x as f32).parse::<f64>().unwrap_or(x)
    } else {
        x
    }
}

fn fig_json(f: Fig, bits: usize) -> Json {
    match f {
        Fig::None => Json::Null,
        Fig::Bool(b) => json!(b),
        Fig::Int(i) => match (i64::try_from(i), u64::try_from(i)) {
            (Ok(i), _) => json!(i),
            (_, Ok(u)) => json!(u),
            // Integers of at most 64 bits never get here.
            _ => json!(i.to_string()),
        },
        Fig::Float(x) if x.is_nan() => json!("nan"),
        Fig::Float(x) if x.is_infinite() => json!(if x > 0.0 { "inf" } else { "-inf" }),
        Fig::Float(x) => json!(short(x, bits)),
    }
}

fn fig_text(f: Fig, bits: usize) -> String {
    match f {
        Fig::None => "-".to_string(),
        Fig::Bool(b) => if b { "True" } else { "False" }.to_string(),
        Fig::Int(i) => i.to_string(),
        Fig::Float(x) if x.is_nan() => "nan".to_string(),
        Fig::Float(x) if x.is_infinite() => if x > 0.0 { "inf" } else { "-inf" }.to_string(),
        Fig::Float(x) => format!("{:?}", short(x, bits)),
    }
}

/// Bits of a field's values as a float (64 for integers: their figures are float64).
fn float_bits(l: &Leaf) -> usize {
    if l.kind == NumKind::Float {
        l.size * 8
    } else {
        64
    }
}

fn to_json(s: &Summary) -> Json {
    let [min, max, mean, std] = figures(&s.leaf, &s.part);
    let bits = float_bits(&s.leaf);
    let mut o = json!({
        "count": s.part.n,
        "min": fig_json(min, bits),
        "max": fig_json(max, bits),
        "mean": fig_json(mean, 64),
        "std": fig_json(std, 64),
        "nan": s.part.nan,
        "zero": s.part.zero,
    });
    if let Some((bins, counts)) = &s.hist {
        let edges: Vec<Json> = bins
            .edges
            .iter()
            .map(|&e| fig_json(Fig::Float(e), bits))
            .collect();
        o["hist"] = json!({ "counts": counts, "edges": edges });
    }
    o
}

fn table(summaries: &[Summary]) -> String {
    let head = ["field", "count", "min", "max", "mean", "std", "nan", "zero"];
    let mut rows: Vec<Vec<String>> = vec![head.iter().map(|s| s.to_string()).collect()];
    for s in summaries {
        let [min, max, mean, std] = figures(&s.leaf, &s.part);
        let bits = float_bits(&s.leaf);
        rows.push(vec![
            display_name(&s.leaf),
            s.part.n.to_string(),
            fig_text(min, bits),
            fig_text(max, bits),
            fig_text(mean, 64),
            fig_text(std, 64),
            s.part.nan.to_string(),
            s.part.zero.to_string(),
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
    for s in summaries {
        let Some((bins, counts)) = &s.hist else {
            continue;
        };
        let bits = float_bits(&s.leaf);
        out.push(String::new());
        out.push(format!(
            "{} (finite values; nan {}):",
            display_name(&s.leaf),
            s.part.nan
        ));
        let top = counts.iter().copied().max().unwrap_or(0).max(1);
        let e = &bins.edges;
        let labels: Vec<String> = (0..counts.len())
            .map(|i| {
                let close = if i + 1 == counts.len() { "]" } else { ")" };
                format!(
                    "[{}, {}{close}",
                    fig_text(Fig::Float(e[i]), bits),
                    fig_text(Fig::Float(e[i + 1]), bits)
                )
            })
            .collect();
        let lw = labels.iter().map(|s| s.len()).max().unwrap_or(0);
        let cw = counts
            .iter()
            .map(|c| c.to_string().len())
            .max()
            .unwrap_or(1);
        for (label, &c) in labels.iter().zip(counts) {
            let bar = "#".repeat(((c as f64 / top as f64) * 40.0).round() as usize);
            out.push(
                format!("  {label:<lw$}  {c:>cw$}  {bar}")
                    .trim_end()
                    .to_string(),
            );
        }
    }
    out.join("\n")
}
