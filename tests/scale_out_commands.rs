//! The Python commands of docs/scale-out.md work on files this crate writes (features
//! `parquet` and `ipc`).
//!
//! We write a file of ticks as Parquet and as Arrow IPC, as the page does, then run every
//! Python block of the page marked `<!-- checked: tests/scale_out_commands.rs -->` in the
//! directory of those files, and compare what it prints with numpy's answer on the `.npy`
//! file they came from: DuckDB's `GROUP BY` over the Parquet file and over the mapped IPC file,
//! and pyarrow's reading of both. The blocks run as written: a block that stops working, or a
//! page that loses its checked blocks, fails here.
#![cfg(not(miri))]

mod common;

use typed_memmap::{ipc, npy, parquet, Record};

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct Tick {
    ts: i64,
    price: f64,
    qty: u32,
    side: u8,
    _pad: [u8; 3],
}

const PAGE: &str = include_str!("../docs/scale-out.md");
const MARK: &str = "<!-- checked: tests/scale_out_commands.rs -->";

/// The Python blocks that follow the mark, in page order.
fn checked_blocks() -> Vec<String> {
    let mut blocks = Vec::new();
    let mut rest = PAGE;
    while let Some(at) = rest.find(MARK) {
        rest = &rest[at + MARK.len()..];
        let body = rest
            .trim_start()
            .strip_prefix("```python\n")
            .expect("a ```python block right after the mark");
        let end = body.find("\n```").expect("the block ends");
        blocks.push(body[..end].to_string());
        rest = &body[end..];
    }
    blocks
}

#[test]
fn checked_python_blocks_print_numpys_answers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ticks.npy");
    let ticks: Vec<Tick> = (0..100_000)
        .map(|i| Tick {
            ts: 1_700_000_000_000_000_000 + i,
            price: 100.0 + (i % 400) as f64 * 0.25,
            qty: (i % 7) as u32 + 1,
            side: (i % 3 % 2) as u8,
            _pad: [0; 3],
        })
        .collect();
    npy::write(&path, &ticks).unwrap();
    // Several batches and row groups, so that the engines read more than one.
    let options = parquet::ParquetOptions {
        rows_per_batch: 16_384,
        row_group_rows: 30_000,
        ..parquet::ParquetOptions::default()
    };
    let out = dir.path().join("ticks.parquet");
    // SAFETY: the file is private to this test.
    let written = unsafe { parquet::write_npy(&path, out, &options) }.unwrap();
    assert_eq!((written.rows, written.row_groups), (100_000, 4));
    let options = ipc::IpcOptions {
        rows_per_batch: 16_384,
        ..ipc::IpcOptions::default()
    };
    let out = dir.path().join("ticks.arrow");
    // SAFETY: as above.
    let written = unsafe { ipc::write_npy(&path, out, &options) }.unwrap();
    assert_eq!((written.rows, written.batches), (100_000, 7));

    // numpy's answers, printed as the blocks print theirs. Every price is a multiple of 0.25
    // below 250, so every partial sum is exact in `f64` whatever the order an engine adds in,
    // and each mean is one correctly rounded division: the texts compare exactly.
    let group_by = common::numpy(
        "a = np.load(sys.argv[1])\n\
         print([(int(s), int(a['qty'][a['side'] == s].sum()), \
                 float(a['price'][a['side'] == s].mean())) for s in np.unique(a['side'])])\n",
        &[&path],
    );
    let rows = format!("{n} {n} True\n", n = ticks.len());
    let want = [group_by.as_str(), group_by.as_str(), rows.as_str()];

    let blocks = checked_blocks();
    assert_eq!(blocks.len(), want.len(), "the page's checked blocks");
    for (block, want) in blocks.iter().zip(want) {
        // The blocks name the files relative to where they lie.
        let script = format!("import os\nos.chdir(sys.argv[1])\n{block}");
        let got = common::numpy(&script, &[&dir.path()]);
        assert_eq!(got, want, "the block\n{block}");
    }
}
