//! Writes a million ticks with numpy's mode `w+`, maps them read-only, sums two columns and
//! prints the first rows.
//!
//! Run with `cargo run --release --example ticks`. The file lives in a temporary directory;
//! numpy reads the same file with
//! `np.fromfile(path, dtype=[('ts', '<u8'), ('price', '<f8'), ('qty', '<u4'), ('side', '|u1'),
//! ('', '|V3')])`.

use std::time::Instant;

use typed_memmap::{Element, Memmap, Options, Record};

#[derive(Clone, Copy, Record)]
#[repr(C)]
struct Tick {
    ts: u64,
    price: f64,
    qty: u32,
    side: u8,
    _pad: [u8; 3],
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n = 1_000_000;
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("ticks.bin");
    println!("dtype: {}", Tick::dtype());

    let start = Instant::now();
    {
        // SAFETY: the file was just made in a private temporary directory; nothing else
        // writes or truncates it while it is mapped.
        let mut map = unsafe { Options::<Tick>::new().shape([n]).create(&path)? };
        for (i, tick) in map.iter_mut().enumerate() {
            *tick = Tick {
                ts: 1_700_000_000_000 + i as u64,
                price: 100.0 + (i % 1000) as f64 * 0.01,
                qty: (i % 7) as u32 + 1,
                side: (i % 2) as u8,
                _pad: [0; 3],
            };
        }
        map.flush()?;
    }
    println!(
        "wrote {n} ticks ({} bytes) in {:?}",
        n * 24,
        start.elapsed()
    );

    // SAFETY: as above.
    let map: Memmap<Tick> = unsafe { Options::new().open(&path)? };
    let start = Instant::now();
    let fields = Tick::fields();
    let volume: u64 = map.column(fields.qty).iter().map(u64::from).sum();
    let notional: f64 = map.column(fields.price).iter().sum();
    println!(
        "sum(qty) = {volume}, sum(price) = {notional:.2} over {} ticks in {:?}",
        map.len(),
        start.elapsed()
    );

    let by_name = map.column_by_name::<f64>("price")?;
    assert_eq!(by_name.get(1), Some(100.01));

    let head = Options::<Tick>::new().shape([3]).read(&path)?;
    println!("first rows:\n{head}");
    Ok(())
}
