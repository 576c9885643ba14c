//! `tmm info`: what a file holds, from its header (or the arguments) and its size; reads no
//! data, so it costs what opening costs whatever the file's size.

use std::process::ExitCode;

use clap::Args;
use serde_json::{json, Value as Json};
use typed_memmap::{Dtype, Order};

use crate::error::CliError;
use crate::input::{InputArgs, Layout, Opened};

const EXAMPLES: &str = "\
Examples:
  tmm info data.npy
  tmm info data.npy --json
  tmm info ticks.bin --dtype \"[('t', '<i8'), ('px', '<f8')]\"
  tmm info app.log --dtype '<u8' --header-len 64";

/// Describe the file: format, header, dtype with a field table, shape, sizes, spare room.
#[derive(Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct InfoArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// One row of the field table.
struct FieldRow {
    name: String,
    offset: usize,
    size: usize,
    align: usize,
    padding: usize,
    descr: String,
}

/// Runs `tmm info`.
pub fn run(args: InfoArgs) -> Result<ExitCode, CliError> {
    let opened = crate::input::open_input(&args.input)?;
    let facts = facts(&args, &opened);
    let text = if args.json {
        serde_json::to_string_pretty(&facts)
            .map_err(|e| CliError::Io(format!("cannot write JSON: {e}")))?
    } else {
        table(&facts)
    };
    crate::output::line(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn facts(args: &InfoArgs, o: &Opened) -> Json {
    let a = &o.array;
    let nbytes = a.as_bytes().len() as u64;
    let (format, version, header_len, growth) = match &o.layout {
        Layout::Npy(f) => (
            "npy",
            Some(format!("{}.{}", a.version().0, a.version().1)),
            Some(f.header_len),
            growth(a.shape(), a.order(), a.itemsize(), f),
        ),
        Layout::Raw => ("raw", None, None, Json::Null),
        Layout::Log { header_len } => ("log", None, Some(*header_len), Json::Null),
    };
    let fields: Vec<Json> = field_rows(a.dtype())
        .iter()
        .map(|r| {
            json!({
                "name": r.name,
                "offset": r.offset,
                "size": r.size,
                "align": r.align,
                "aligned": r.offset.is_multiple_of(r.align.max(1)),
                "padding_after": r.padding,
                "descr": r.descr,
            })
        })
        .collect();
    let torn = matches!(o.layout, Layout::Log { .. });
    json!({
        "path": args.input.file.display().to_string(),
        "format": format,
        "version": version,
        "header_len": header_len,
        "data_offset": a.data_offset(),
        "descr": a.dtype().descr(),
        "shape": a.shape(),
        "fortran_order": a.order() == Order::F,
        "itemsize": a.itemsize(),
        "count": a.len(),
        "nbytes": nbytes,
        "file_size": o.file_len,
        "trailing_bytes": if torn { 0 } else { o.trailing },
        "torn_bytes": if torn { o.trailing } else { 0 },
        "growth": growth,
        "fields": fields,
    })
}

/// The room a `.npy` header has for a longer shape: numpy reserves spaces after the dict so
/// that the growth axis (0 in C order, the last in F order) can take more digits in place.
fn growth(shape: &[usize], order: Order, itemsize: usize, f: &crate::input::NpyFacts) -> Json {
    let axis = match order {
        _ if shape.is_empty() => return json!({"spare_bytes": f.spare_bytes, "axis": null}),
        Order::C => 0,
        Order::F => shape.len() - 1,
    };
    let digits = shape[axis].to_string().len();
    let max_digits = digits + f.spare_bytes;
    // The largest length with that many digits that a header may describe: the byte size of
    // the array (a 0 counting as 1) must stay within `isize::MAX`.
    let by_digits = 10u128
        .checked_pow(max_digits as u32)
        .map_or(u128::MAX, |p| p - 1);
    let others: u128 = shape
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != axis)
        .map(|(_, &n)| n.max(1) as u128)
        .product::<u128>()
        .saturating_mul(itemsize.max(1) as u128);
    let by_bytes = isize::MAX as u128 / others.max(1);
    let mut max_len = by_digits.min(by_bytes) as usize;
    let mut grown = shape.to_vec();
    grown[axis] = max_len;
    if typed_memmap::npy::rewrite_shape(&f.header, &grown).is_none() {
        // The library cannot rewrite this header (padding that is not plain spaces).
        max_len = shape[axis];
    }
    json!({
        "spare_bytes": f.spare_bytes,
        "axis": axis,
        "max_digits": max_digits,
        "max_len": max_len,
    })
}

/// The fields of a record dtype, nested ones after their parent with dotted names.
fn field_rows(dtype: &Dtype) -> Vec<FieldRow> {
    let mut rows = Vec::new();
    walk(dtype, "", 0, &mut rows);
    rows
}

fn walk(dtype: &Dtype, prefix: &str, base: usize, rows: &mut Vec<FieldRow>) {
    let Some(record) = dtype.as_record() else {
        return;
    };
    for (i, f) in record.fields.iter().enumerate() {
        let end = f.offset + f.dtype.itemsize();
        let next = record
            .fields
            .get(i + 1)
            .map_or(record.itemsize, |n| n.offset);
        let name = format!("{prefix}{}", f.name);
        rows.push(FieldRow {
            name: name.clone(),
            offset: base + f.offset,
            size: f.dtype.itemsize(),
            align: f.dtype.natural_alignment(),
            padding: next.saturating_sub(end),
            descr: f.dtype.descr(),
        });
        walk(&f.dtype, &format!("{name}."), base + f.offset, rows);
    }
}

fn table(j: &Json) -> String {
    let mut out = Vec::new();
    let mut row = |k: &str, v: String| out.push(format!("{k:<14}{v}"));
    let s = |v: &Json| match v {
        Json::String(s) => s.clone(),
        Json::Null => "-".into(),
        other => other.to_string(),
    };
    row("file", s(&j["path"]));
    let format = match (j["format"].as_str(), &j["version"]) {
        (Some("npy"), v) => format!(".npy version {}", s(v)),
        (Some("log"), _) => "log (header, then records)".into(),
        _ => "raw (np.memmap)".into(),
    };
    row("format", format);
    if !j["header_len"].is_null() {
        row("header length", format!("{} bytes", s(&j["header_len"])));
    }
    row("data offset", s(&j["data_offset"]));
    row("dtype", s(&j["descr"]));
    let shape: Vec<String> = j["shape"]
        .as_array()
        .map(|a| a.iter().map(|d| d.to_string()).collect())
        .unwrap_or_default();
    let shape_text = match shape.len() {
        1 => format!("({},)", shape[0]),
        _ => format!("({})", shape.join(", ")),
    };
    row("shape", shape_text);
    let order = if j["fortran_order"] == Json::Bool(true) {
        "F (fortran_order: True)"
    } else {
        "C"
    };
    row("order", order.into());
    row("item size", format!("{} bytes", s(&j["itemsize"])));
    row("elements", s(&j["count"]));
    row("data", format!("{} bytes", s(&j["nbytes"])));
    row("file size", format!("{} bytes", s(&j["file_size"])));
    row("trailing", format!("{} bytes", s(&j["trailing_bytes"])));
    if j["format"] == "log" {
        row("torn tail", format!("{} bytes", s(&j["torn_bytes"])));
    }
    let g = &j["growth"];
    if !g.is_null() {
        let text = if g["axis"].is_null() {
            format!(
                "{} spare header bytes (a 0-d array has no growth axis)",
                s(&g["spare_bytes"])
            )
        } else {
            format!(
                "{} spare header bytes: axis {} can grow in place to {} digits (length {})",
                s(&g["spare_bytes"]),
                s(&g["axis"]),
                s(&g["max_digits"]),
                s(&g["max_len"])
            )
        };
        row("growth room", text);
    }
    let fields = j["fields"].as_array().cloned().unwrap_or_default();
    if !fields.is_empty() {
        out.push(String::new());
        let header = ["field", "offset", "size", "align", "padding", "dtype"];
        let mut cells: Vec<[String; 6]> = vec![header.map(String::from)];
        for f in &fields {
            let depth = f["name"].as_str().map_or(0, |n| n.matches('.').count());
            let name = format!("{}{}", "  ".repeat(depth), s(&f["name"]));
            let align = if f["aligned"] == Json::Bool(true) {
                s(&f["align"])
            } else {
                format!("{} (misaligned)", s(&f["align"]))
            };
            cells.push([
                name,
                s(&f["offset"]),
                s(&f["size"]),
                align,
                s(&f["padding_after"]),
                s(&f["descr"]),
            ]);
        }
        let widths: Vec<usize> = (0..6)
            .map(|c| {
                cells
                    .iter()
                    .map(|r| r[c].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for r in &cells {
            let mut line = String::new();
            for (c, cell) in r.iter().enumerate() {
                let w = widths[c];
                let text = if c == 0 || c == 3 || c == 5 {
                    format!("{cell:<w$}")
                } else {
                    format!("{cell:>w$}")
                };
                line.push_str(&text);
                line.push_str("  ");
            }
            out.push(line.trim_end().to_string());
        }
    }
    out.join("\n")
}
