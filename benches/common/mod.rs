//! Shared by the benchmarks: the record types, their hand-written zerocopy twins, and the data
//! files, generated once per size and reused by later runs.
//!
//! Environment:
//! - `TYPED_MEMMAP_BENCH_BYTES`: the size of each data file (default 64 MiB; `K`, `M`, `G`
//!   suffixes are binary multiples, e.g. `2G`);
//! - `TYPED_MEMMAP_BENCH_DIR`: where the files live (default `<temp dir>/typed-memmap-bench`).
//!
//! `benches/numpy_peer.py` computes the same file names from the same variables; keep the
//! naming rule of [`Files::new`] in step with its `data_files`.

#![allow(dead_code)] // each bench uses a different part of this module

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use typed_memmap::{Element, Record};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout};

/// A 32-byte aligned record, mapped through typed-memmap.
#[derive(Clone, Copy, Debug, Record)]
#[repr(C)]
pub struct Tick {
    pub ts: u64,
    pub price: f64,
    pub qty: u32,
    pub side: u32,
    pub id: u64,
}

/// A 21-byte packed record (numpy's default structured layout), mapped through typed-memmap.
#[derive(Clone, Copy, Debug, Record)]
#[repr(C, packed)]
pub struct PackedTick {
    pub ts: u64,
    pub price: f64,
    pub qty: u32,
    pub side: u8,
}

/// What a user writes by hand with memmap2 + zerocopy instead of typed-memmap: the same
/// layout as [`Tick`].
#[derive(Clone, Copy, Debug, FromBytes, IntoBytes, KnownLayout, Immutable)]
#[repr(C)]
pub struct ZcTick {
    pub ts: u64,
    pub price: f64,
    pub qty: u32,
    pub side: u32,
    pub id: u64,
}

/// The hand-written twin of [`PackedTick`].
#[derive(Clone, Copy, Debug, FromBytes, KnownLayout, Immutable)]
#[repr(C, packed)]
pub struct ZcPackedTick {
    pub ts: u64,
    pub price: f64,
    pub qty: u32,
    pub side: u8,
}

const _: () = assert!(size_of::<Tick>() == 32 && size_of::<ZcTick>() == 32);
const _: () = assert!(size_of::<PackedTick>() == 21 && size_of::<ZcPackedTick>() == 21);

/// The requested data size in bytes.
pub fn bench_bytes() -> u64 {
    match std::env::var("TYPED_MEMMAP_BENCH_BYTES") {
        Ok(text) => parse_bytes(&text).unwrap_or_else(|| {
            panic!("TYPED_MEMMAP_BENCH_BYTES={text:?} is not a byte count like 65536, 64M or 2G")
        }),
        Err(_) => 64 << 20,
    }
}

fn parse_bytes(text: &str) -> Option<u64> {
    let text = text.trim();
    let (digits, shift) = match text.as_bytes().last()? {
        b'K' | b'k' => (&text[..text.len() - 1], 10),
        b'M' | b'm' => (&text[..text.len() - 1], 20),
        b'G' | b'g' => (&text[..text.len() - 1], 30),
        _ => (text, 0),
    };
    digits.parse::<u64>().ok()?.checked_mul(1 << shift)
}

/// The directory of the data files.
pub fn data_dir() -> PathBuf {
    let dir = match std::env::var_os("TYPED_MEMMAP_BENCH_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => std::env::temp_dir().join("typed-memmap-bench"),
    };
    fs::create_dir_all(&dir).expect("create the benchmark data directory");
    dir
}

/// The data files of one size: the same records as raw files and as `.npy`.
pub struct Files {
    /// Number of aligned records (`bytes / 32`).
    pub aligned_len: usize,
    /// Number of packed records (`bytes / 21`).
    pub packed_len: usize,
    pub aligned_raw: PathBuf,
    pub aligned_npy: PathBuf,
    pub packed_raw: PathBuf,
    pub packed_npy: PathBuf,
}

impl Files {
    /// The files for [`bench_bytes`], generated on first use.
    pub fn new() -> Files {
        let bytes = bench_bytes();
        let dir = data_dir();
        let aligned_len = usize::try_from(bytes / 32).unwrap();
        let packed_len = usize::try_from(bytes / 21).unwrap();
        let files = Files {
            aligned_len,
            packed_len,
            aligned_raw: dir.join(format!("aligned-{aligned_len}.bin")),
            aligned_npy: dir.join(format!("aligned-{aligned_len}.npy")),
            packed_raw: dir.join(format!("packed-{packed_len}.bin")),
            packed_npy: dir.join(format!("packed-{packed_len}.npy")),
        };
        let header = npy_header::<Tick>(aligned_len);
        generate(&files.aligned_raw, &[], aligned_len, 32, write_aligned);
        generate(&files.aligned_npy, &header, aligned_len, 32, write_aligned);
        let header = npy_header::<PackedTick>(packed_len);
        generate(&files.packed_raw, &[], packed_len, 21, write_packed);
        generate(&files.packed_npy, &header, packed_len, 21, write_packed);
        files
    }
}

/// A file of `size` bytes for the open-latency benchmark, sparse: mapping never reads the
/// data, so only the size matters. `npy` puts a header for `size / 32` [`Tick`]s in front.
pub fn sparse_file(size: u64, npy: bool) -> PathBuf {
    let len = usize::try_from(size / 32).unwrap();
    let (path, header) = if npy {
        let path = data_dir().join(format!("sparse-{len}.npy"));
        (path, npy_header::<Tick>(len))
    } else {
        (data_dir().join(format!("sparse-{len}.bin")), Vec::new())
    };
    let total = header.len() as u64 + len as u64 * 32;
    if fs::metadata(&path).ok().map(|m| m.len()) != Some(total) {
        let tmp = path.with_extension("tmp");
        let mut file = File::create(&tmp).expect("create sparse file");
        file.write_all(&header).unwrap();
        file.set_len(total).unwrap();
        drop(file);
        fs::rename(&tmp, &path).unwrap();
    }
    path
}

/// The fixed, seeded index stream of the random-lookup benchmark (xorshift64).
pub fn lookup_indices(count: usize, len: usize) -> Vec<usize> {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    (0..count)
        .map(|_| (rng.next() % len.max(1) as u64) as usize)
        .collect()
}

/// Marsaglia's xorshift64: deterministic and dependency-free.
pub struct XorShift(pub u64);

impl XorShift {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// Record `i` of the data set: every file holds the same values (the packed ones truncate
/// `side` and drop `id`), so all readers compute the same sums.
pub fn tick(i: usize, rng: &mut XorShift) -> Tick {
    let r = rng.next();
    Tick {
        ts: 1_700_000_000_000_000_000 + i as u64 * 1_000,
        price: 100.0 + (r % 100_000) as f64 / 100.0,
        qty: (r >> 20) as u32 % 1_000 + 1,
        side: (r >> 40) as u32 & 1,
        id: i as u64,
    }
}

/// The first `len` records of the data set, as typed-memmap records.
pub fn ticks(len: usize) -> Vec<Tick> {
    let mut rng = XorShift(42);
    (0..len).map(|i| tick(i, &mut rng)).collect()
}

/// The same records as [`ticks`], as the hand-written zerocopy type.
pub fn zc_ticks(len: usize) -> Vec<ZcTick> {
    ticks(len)
        .into_iter()
        .map(|t| ZcTick {
            ts: t.ts,
            price: t.price,
            qty: t.qty,
            side: t.side,
            id: t.id,
        })
        .collect()
}

fn write_aligned(out: &mut dyn Write, len: usize) -> std::io::Result<()> {
    let mut rng = XorShift(42);
    for i in 0..len {
        let t = tick(i, &mut rng);
        out.write_all(&t.ts.to_le_bytes())?;
        out.write_all(&t.price.to_le_bytes())?;
        out.write_all(&t.qty.to_le_bytes())?;
        out.write_all(&t.side.to_le_bytes())?;
        out.write_all(&t.id.to_le_bytes())?;
    }
    Ok(())
}

fn write_packed(out: &mut dyn Write, len: usize) -> std::io::Result<()> {
    let mut rng = XorShift(42);
    for i in 0..len {
        let t = tick(i, &mut rng);
        out.write_all(&t.ts.to_le_bytes())?;
        out.write_all(&t.price.to_le_bytes())?;
        out.write_all(&t.qty.to_le_bytes())?;
        out.write_all(&[t.side as u8])?;
    }
    Ok(())
}

/// Writes `header` and `len` records to `path` unless a file of the expected size is there
/// already; through a temporary name, so an interrupted run leaves no half file behind.
fn generate(
    path: &Path,
    header: &[u8],
    len: usize,
    record_size: usize,
    records: fn(&mut dyn Write, usize) -> std::io::Result<()>,
) {
    let total = (header.len() + len * record_size) as u64;
    if fs::metadata(path).ok().map(|m| m.len()) == Some(total) {
        return;
    }
    eprintln!("generating {} ({total} bytes)", path.display());
    let tmp = path.with_extension("tmp");
    let mut out = BufWriter::with_capacity(1 << 20, File::create(&tmp).expect("create data"));
    out.write_all(header).unwrap();
    records(&mut out, len).expect("write data");
    out.into_inner().unwrap().sync_all().unwrap();
    fs::rename(&tmp, path).unwrap();
}

/// The `.npy` header of a 1-D array of `len` records of type `T`, as typed-memmap writes it
/// (numpy's layout; `benches/numpy_peer.py` checks that `np.load` reads it as the same dtype).
pub fn npy_header<T: Element>(len: usize) -> Vec<u8> {
    typed_memmap::npy::write_header(&T::dtype(), &[len], false).expect("a header for T")
}

/// Evicts `path` from the page cache so the next read comes from the disk
/// (`posix_fadvise(POSIX_FADV_DONTNEED)`, which needs no privileges; clean pages that no
/// map holds are dropped). Linux only: macOS has no `posix_fadvise` and Windows no
/// equivalent without privileges, so `benches/cold.rs` measures nothing there.
#[cfg(target_os = "linux")]
pub fn evict(path: &Path) {
    use std::os::fd::AsRawFd;
    let file = File::open(path).unwrap();
    // SAFETY: `posix_fadvise` only reads its integer arguments; the descriptor is open for
    // the duration of the call.
    let rc = unsafe { libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
    assert_eq!(
        rc,
        0,
        "posix_fadvise(DONTNEED) failed on {}",
        path.display()
    );
}
