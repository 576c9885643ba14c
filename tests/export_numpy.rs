//! numpy → typed-memmap → Parquet / Arrow IPC → pyarrow and DuckDB, with real consumers.
//!
//! - `export_numpy/cases.py` writes 39 `.npy` files (every dtype family: i1..i8, u1..u8,
//!   f2/f4/f8, b1, S/V/U, M8[ns]/M8[s]/M8[D] and m8 with NaT, c8/c16; records plain, nested,
//!   with subarray fields and aligned with padding; big-endian scalars and records; C and
//!   Fortran order in 2-D and 3-D; 0-d and empty arrays). We convert each with
//!   [`parquet::write_npy`] and [`ipc::write_npy`] in batches of 2 rows (row groups of 3), and
//!   `export_numpy/check.py` has pyarrow read both files and compares every row with numpy's,
//!   both brought to plain Python values the same documented way (NaT → None, S<n> with its
//!   NUL padding, complex as `[re, im]`, times in integer nanoseconds).
//! - `export_numpy/duckdb_sum.py`: a DuckDB `GROUP BY` over our Parquet file of 100 003 ticks
//!   equals numpy's count, sum, mean and min/max per group.
//! - A file of several 32 MiB map windows converts whole: pyarrow reads numpy's values; and
//!   pyarrow maps our IPC file without a copy (no bytes allocated), every buffer 64-byte
//!   aligned.
#![cfg(all(feature = "parquet", feature = "ipc"))]
#![cfg_attr(miri, allow(unused))]

mod common;

use std::path::Path;

use typed_memmap::{ipc, parquet};

const CASES: &str = include_str!("export_numpy/cases.py");
const CHECK: &str = include_str!("export_numpy/check.py");
const TICKS: &str = include_str!("export_numpy/ticks.py");
const DUCKDB_SUM: &str = include_str!("export_numpy/duckdb_sum.py");

/// Converts `dir/name.npy` to `dir/name.parquet` and `dir/name.arrow`.
fn convert(dir: &Path, name: &str, parquet_options: &parquet::ParquetOptions) {
    let npy = dir.join(format!("{name}.npy"));
    let ipc_options = ipc::IpcOptions {
        rows_per_batch: parquet_options.rows_per_batch,
        ..Default::default()
    };
    // SAFETY: the files are private to this test; nobody else writes or truncates them.
    let p =
        unsafe { parquet::write_npy(&npy, dir.join(format!("{name}.parquet")), parquet_options) };
    let p = p.unwrap_or_else(|e| panic!("{name} to Parquet: {e}"));
    // SAFETY: as above.
    let i = unsafe { ipc::write_npy(&npy, dir.join(format!("{name}.arrow")), &ipc_options) };
    let i = i.unwrap_or_else(|e| panic!("{name} to Arrow IPC: {e}"));
    assert_eq!(p.rows, i.rows, "{name}");
}

/// Runs `check.py` on `names` in `dir` and asserts that every file passed.
fn check(dir: &Path, names: &[&str]) {
    let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&dir];
    for n in names {
        args.push(n);
    }
    let report = common::numpy(CHECK, &args);
    let lines: Vec<&str> = report.lines().collect();
    let failures: Vec<&&str> = lines.iter().filter(|l| !l.starts_with("ok ")).collect();
    assert!(
        failures.is_empty(),
        "pyarrow disagrees with numpy:\n{}",
        report
    );
    assert_eq!(lines.len(), 2 * names.len(), "{report}");
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn pyarrow_reads_numpys_values_from_our_parquet_and_ipc_files() {
    let dir = tempfile::tempdir().unwrap();
    let listed = common::numpy(CASES, &[&dir.path()]);
    let names: Vec<&str> = listed.lines().collect();
    assert!(names.len() >= 30, "{names:?}");
    // Small batches and row groups, so that every case spans several of each.
    let options = parquet::ParquetOptions {
        rows_per_batch: 2,
        row_group_rows: 3,
        ..Default::default()
    };
    for name in &names {
        convert(dir.path(), name, &options);
    }
    check(dir.path(), &names);
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn a_duckdb_aggregate_over_our_parquet_equals_numpys() {
    let dir = tempfile::tempdir().unwrap();
    let npy = dir.path().join("ticks.npy");
    let out = dir.path().join("ticks.parquet");
    common::numpy(TICKS, &[&npy]);
    let options = parquet::ParquetOptions {
        rows_per_batch: 4096,
        row_group_rows: 30_000,
        ..Default::default()
    };
    // SAFETY: the files are private to this test; nobody else writes or truncates them.
    let summary = unsafe { parquet::write_npy(&npy, &out, &options) }.unwrap();
    assert_eq!((summary.rows, summary.row_groups), (100_003, 4));
    let report = common::numpy(DUCKDB_SUM, &[&npy, &out]);
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines.len(), 3, "three sides, B, S and X:\n{report}");
    assert!(
        lines.iter().all(|l| l.starts_with("ok ")),
        "DuckDB disagrees with numpy:\n{report}"
    );
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn a_file_of_several_map_windows_converts_whole() {
    // 48 MiB of 16-byte records: a window of 32 MiB holds 2 Mi rows, cut to 2 000 000 (whole
    // batches of 100 000), so the file is read in two windows, the second of 1 145 728 rows.
    let dir = tempfile::tempdir().unwrap();
    let npy = dir.path().join("big.npy");
    common::numpy(
        "n = 3 * 2**20\n\
         a = np.zeros(n, dtype=[('i', '<i8'), ('x', '<f8')])\n\
         a['i'] = np.arange(n) * 7 - 5\n\
         a['x'] = np.sin(np.arange(n))\n\
         np.save(sys.argv[1], a)",
        &[&npy],
    );
    let options = parquet::ParquetOptions {
        rows_per_batch: 100_000,
        ..Default::default()
    };
    convert(dir.path(), "big", &options);
    let report = common::numpy(
        "import pyarrow as pa, pyarrow.parquet as pq, pyarrow.compute as pc\n\
         a = np.load(sys.argv[1] + '.npy', mmap_mode='r')\n\
         for t in (pq.read_table(sys.argv[1] + '.parquet'),\n\
                   pa.ipc.open_file(pa.memory_map(sys.argv[1] + '.arrow')).read_all()):\n\
         \x20   same = (t.num_rows == len(a)\n\
         \x20           and t.column('i').to_numpy().tolist() == a['i'].tolist()\n\
         \x20           and np.array_equal(t.column('x').to_numpy(), a['x']))\n\
         \x20   print(t.num_rows, t.column('i').num_chunks, same)\n\
         # Mapped, the IPC file's columns are its own bytes: nothing allocated, 64-aligned.\n\
         before = pa.total_allocated_bytes()\n\
         t = pa.ipc.open_file(pa.memory_map(sys.argv[1] + '.arrow')).read_all()\n\
         allocated = pa.total_allocated_bytes() - before\n\
         buffers = [b for c in t.columns for k in c.chunks for b in k.buffers() if b]\n\
         misaligned = sum(b.address % 64 != 0 for b in buffers)\n\
         print('mapped', len(buffers), 'allocated', allocated, 'misaligned', misaligned)",
        &[&dir.path().join("big")],
    );
    let lines: Vec<&str> = report.lines().collect();
    // Parquet: one row group of 1 Mi rows or less per chunk; IPC: one chunk per batch.
    assert_eq!(lines.len(), 3, "{report}");
    assert_eq!(
        lines[2], "mapped 64 allocated 0 misaligned 0",
        "2 columns x 32 batches: {report}"
    );
    let lines = &lines[..2];
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("3145728 ") && l.ends_with(" True")),
        "{report}"
    );
    assert_eq!(
        lines[1], "3145728 32 True",
        "IPC batches: 20 + 12, {report}"
    );
}
