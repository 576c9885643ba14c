//! Converts a `.npy` file to Parquet or Arrow IPC through a read-only map, in bounded memory:
//! the Rust side of `benches/parquet_vs_pyarrow.py`.
//!
//! ```text
//! cargo run --release --features parquet-snappy,ipc --example npy2parquet -- \
//!     IN.npy OUT.parquet [--codec none|snappy|lz4] [--rows-per-batch N] [--row-group-rows N] \
//!     [--threads N]
//! cargo run --release --features parquet-snappy,ipc --example npy2parquet -- IN.npy OUT.arrow
//! ```
//!
//! An output ending in `.arrow` or `.feather` is an Arrow IPC file, anything else Parquet.
//! `--threads` is `ParquetOptions::threads` (0, the default: one per core).
//! Prints one line: rows, batches, row groups, bytes written and seconds.

use std::path::PathBuf;
use std::time::Instant;

use typed_memmap::{ipc, parquet};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: npy2parquet IN.npy OUT [--codec none|snappy|lz4] [--rows-per-batch N] \
                 [--row-group-rows N] [--threads N]";
    let input = PathBuf::from(args.next().ok_or(usage)?);
    let output = PathBuf::from(args.next().ok_or(usage)?);
    let mut options = parquet::ParquetOptions::default();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(usage)?;
        match flag.as_str() {
            "--codec" => {
                options.compression = match value.as_str() {
                    "none" => parquet::Compression::None,
                    #[cfg(feature = "parquet-snappy")]
                    "snappy" => parquet::Compression::Snappy,
                    #[cfg(feature = "parquet-lz4")]
                    "lz4" => parquet::Compression::Lz4,
                    other => return Err(format!("codec {other:?} not built in; {usage}").into()),
                }
            }
            "--rows-per-batch" => options.rows_per_batch = value.parse()?,
            "--row-group-rows" => options.row_group_rows = value.parse()?,
            "--threads" => options.threads = value.parse()?,
            other => return Err(format!("unknown flag {other:?}; {usage}").into()),
        }
    }
    let start = Instant::now();
    let is_ipc = matches!(
        output.extension().and_then(|e| e.to_str()),
        Some("arrow" | "feather")
    );
    if is_ipc {
        let ipc_options = ipc::IpcOptions {
            rows_per_batch: options.rows_per_batch,
            ..Default::default()
        };
        // SAFETY: the benchmark's input file is private to it; nothing writes or truncates it
        // during the conversion.
        let s = unsafe { ipc::write_npy(&input, &output, &ipc_options)? };
        println!(
            "rows {} batches {} bytes {} seconds {:.3}",
            s.rows,
            s.batches,
            s.bytes,
            start.elapsed().as_secs_f64()
        );
    } else {
        // SAFETY: as above.
        let s = unsafe { parquet::write_npy(&input, &output, &options)? };
        println!(
            "rows {} batches {} row_groups {} bytes {} seconds {:.3}",
            s.rows,
            s.batches,
            s.row_groups,
            s.bytes,
            start.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
