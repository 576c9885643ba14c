//! The quickstart: numpy's `np.memmap` tutorial, in Rust.
//!
//! Creates a float32 (4, 4) and a float16 (3, 2) file in a temporary directory in mode `w+`
//! and prints them (zeros), writes values, flushes, reopens both read-only and prints them
//! again. Each array is printed after a `== label` line, exactly as numpy's `print()` would.
//!
//! Run with `cargo run --release --example quickstart`.

use half::f16;
use typed_memmap::{Memmap, Options};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let f32_path = dir.path().join("newfile.dat");
    let f16_path = dir.path().join("half.dat");

    // np.memmap(filename, dtype='float32', mode='w+', shape=(4, 4))
    // SAFETY: the files live in a fresh temporary directory that no other process knows of,
    // so nothing else writes or truncates them while they are mapped.
    let mut fp = unsafe { Options::<f32>::new().shape([4, 4]).create(&f32_path)? };
    println!("== float32 (4, 4), mode w+");
    println!("{fp}");

    // np.memmap(filename, dtype='float16', mode='w+', shape=(3, 2))
    // SAFETY: as above.
    let mut hp = unsafe { Options::<f16>::new().shape([3, 2]).create(&f16_path)? };
    println!("== float16 (3, 2), mode w+");
    println!("{hp}");

    // fp[:] = np.arange(16).reshape(4, 4) / 4; fp.flush()
    for (i, x) in fp.iter_mut().enumerate() {
        *x = i as f32 / 4.0;
    }
    fp.flush()?;
    // hp[:] = [[0.5, -1.25], [3, 0.1], [1000, 2.5e-3]]; hp.flush()
    let values = [0.5, -1.25, 3.0, 0.1, 1000.0, 2.5e-3];
    for (x, v) in hp.iter_mut().zip(values) {
        *x = f16::from_f64(v);
    }
    hp.flush()?;
    drop((fp, hp));

    // np.memmap(filename, dtype='float32', mode='r', shape=(4, 4))
    // SAFETY: as above.
    let fp: Memmap<f32> = unsafe { Options::new().shape([4, 4]).open(&f32_path)? };
    println!("== float32 (4, 4), reopened mode r");
    println!("{fp}");
    // SAFETY: as above.
    let hp: Memmap<f16> = unsafe { Options::new().shape([3, 2]).open(&f16_path)? };
    println!("== float16 (3, 2), reopened mode r");
    println!("{hp}");
    println!(
        "== attributes: shape {:?}, strides {:?}, itemsize {}, nbytes {}, mode {}",
        fp.shape(),
        fp.strides(),
        fp.itemsize(),
        fp.nbytes(),
        fp.mode()
    );
    Ok(())
}
