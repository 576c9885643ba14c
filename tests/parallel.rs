//! Parallel scans (feature `rayon`): on columns, maps and shards, parallel results equal the
//! sequential ones bit for bit for integer sums and in order for `collect`, and float sums
//! agree within the documented bound `2 · n · EPSILON · Σ|xᵢ|` (see `typed_memmap::par`).
//! Lengths 0, 1, a page's worth of records and one either side, and lengths whose middle
//! lands inside a page; every cut is checked against the page rule.
#![cfg(feature = "rayon")]

use std::path::Path;

use rayon::prelude::*;
use typed_memmap::byteorder::{LittleEndian, U64};
use typed_memmap::{par, Column, FieldHandle, Memmap, Options, Record, Shards};

/// 21 bytes, numpy's packed layout: strides that share no factor with the page.
#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C, packed)]
struct Packed {
    id: u64,
    x: f64,
    flag: u8,
    q: u32,
}

/// 32 bytes, aligned.
#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Wide {
    id: u64,
    x: f64,
    q: u32,
    _pad: [u8; 4],
    w: u64,
}

/// A 4-thread pool, so work is split even on a 2-core machine.
fn pool() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .expect("a thread pool")
}

/// Deterministic pseudo-random numbers (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Floats of mixed signs and magnitudes (1e-3 .. 1e6), where summation order shows.
    fn float(&mut self) -> f64 {
        let mantissa = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        let scale = [1e-3, 1.0, 1e3, 1e6][(self.next() % 4) as usize];
        let sign = if self.next().is_multiple_of(2) {
            1.0
        } else {
            -1.0
        };
        sign * mantissa * scale
    }
}

/// Lengths around a page's worth of `stride`-byte records, and some whose middle is mid-page.
fn lengths(stride: usize) -> Vec<usize> {
    let page = par::page_size() / stride.min(par::page_size());
    vec![
        0,
        1,
        2,
        page - 1,
        page,
        page + 1,
        2 * page + 1,
        3 * page + page / 2 + 3,
        17 * page + 5,
        200_003,
    ]
}

/// The float bound of the module docs.
fn assert_close(parallel: f64, sequential: f64, values: impl Iterator<Item = f64>) {
    let (n, abs) = values.fold((0usize, 0.0), |(n, a), x| (n + 1, a + x.abs()));
    let bound = 2.0 * n as f64 * f64::EPSILON * abs;
    assert!(
        (parallel - sequential).abs() <= bound,
        "parallel {parallel} vs sequential {sequential}: beyond {bound} (n = {n})"
    );
}

/// The index of the first record of each chunk the parallel scan made of a column whose
/// values are their own indices, checked to be consecutive and to cover it exactly once.
fn chunk_starts(chunks: Vec<Vec<u64>>, len: usize) -> Vec<usize> {
    let flat: Vec<u64> = chunks.iter().flatten().copied().collect();
    assert!(
        flat.iter().copied().eq(0..len as u64),
        "every record once, in order"
    );
    chunks
        .iter()
        .filter(|c| !c.is_empty())
        .map(|c| c[0] as usize)
        .collect()
}

fn collect_chunks<I>(iter: I) -> Vec<Vec<u64>>
where
    I: ParallelIterator<Item = u64>,
{
    iter.fold(Vec::new, |mut v, x| {
        v.push(x);
        v
    })
    .collect()
}

/// Every cut after record 0 starts at a page boundary when some record can, else just
/// after one (the record before it starts before the boundary).
fn assert_cuts_follow_the_rule(addr: usize, stride: usize, starts: &[usize]) {
    let page = par::page_size();
    let can_align = (1..=page).any(|k| (addr + k * stride).is_multiple_of(page));
    for &k in starts.iter().filter(|&&k| k > 0) {
        let at = addr + k * stride;
        if can_align {
            assert_eq!(
                at % page,
                0,
                "cut at record {k} (stride {stride}) is mid-page"
            );
        } else {
            let before = addr + (k - 1) * stride;
            assert!(
                before / page < at / page,
                "cut at record {k}: no boundary before it"
            );
        }
    }
}

fn packed(n: usize, rng: &mut Rng) -> Vec<Packed> {
    (0..n as u64)
        .map(|i| Packed {
            id: i,
            x: rng.float(),
            flag: (rng.next() % 251) as u8,
            q: rng.next() as u32,
        })
        .collect()
}

fn wide(n: usize, rng: &mut Rng) -> Vec<Wide> {
    (0..n as u64)
        .map(|i| Wide {
            id: i,
            x: rng.float(),
            q: rng.next() as u32,
            _pad: [0; 4],
            w: rng.next(),
        })
        .collect()
}

/// Writes `records` to a new file in `dir` and maps it.
fn mapped<T: typed_memmap::Element>(dir: &Path, name: &str, records: &[T]) -> Memmap<T> {
    let path = dir.join(name);
    std::fs::write(&path, typed_memmap::bytes_of(records)).unwrap();
    // SAFETY: the file is private to this test; nobody else writes or truncates it.
    unsafe { Options::<T>::new().open(&path) }.unwrap()
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn columns_of_mapped_records_scan_alike_in_parallel() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    pool().install(|| {
        for len in lengths(21) {
            let map = mapped(dir.path(), &format!("p{len}"), &packed(len, &mut rng));
            let f = Packed::fields();
            let (id, x, flag, q) = (
                map.column(f.id),
                map.column(f.x),
                map.column(f.flag),
                map.column(f.q),
            );
            assert_eq!(id.par_iter().sum::<u64>(), id.iter().sum::<u64>());
            let q_par = q.par_iter().map(u64::from).sum::<u64>();
            assert_eq!(q_par, q.iter().map(u64::from).sum::<u64>());
            let flags = flag.par_iter().map(u64::from).reduce(|| 0, |a, b| a + b);
            assert_eq!(flags, flag.iter().map(u64::from).sum::<u64>());
            assert_close(x.par_iter().sum::<f64>(), x.iter().sum::<f64>(), x.iter());
            // Order survives: collect, and the indexed adaptors (which split where rayon asks).
            assert_eq!(x.par_iter().collect::<Vec<_>>(), x.to_vec());
            assert_eq!(IndexedParallelIterator::len(&id.par_iter()), len);
            assert!(id.par_iter().enumerate().all(|(i, v)| i as u64 == v));
            let starts = chunk_starts(collect_chunks(id.par_iter()), len);
            assert_cuts_follow_the_rule(map.as_ptr() as usize, 21, &starts);
            if len >= 2 * par::page_size() {
                assert!(starts.len() > 1, "{len} records were not split: {starts:?}");
            }
        }
        for len in lengths(32) {
            let map = mapped(dir.path(), &format!("w{len}"), &wide(len, &mut rng));
            let f = Wide::fields();
            let w = map.column(f.w);
            let wrapping = |c: Column<'_, u64>| c.iter().fold(0u64, u64::wrapping_add);
            let w_par = w.par_iter().reduce(|| 0, u64::wrapping_add);
            assert_eq!(w_par, wrapping(w));
            let x = map.column(f.x);
            assert_close(x.par_iter().sum(), x.iter().sum(), x.iter());
            let id = map.column(f.id);
            let starts = chunk_starts(collect_chunks(id.par_iter()), len);
            assert_cuts_follow_the_rule(map.as_ptr() as usize, 32, &starts);
        }
    });
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn maps_of_numbers_scan_alike_in_parallel() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(42);
    pool().install(|| {
        for len in lengths(8) {
            let values: Vec<u64> = (0..len as u64).collect();
            let map = mapped(dir.path(), &format!("u{len}"), &values);
            assert_eq!(par::records(&map).sum::<u64>(), map.iter().sum::<u64>());
            let starts = chunk_starts(collect_chunks(par::records(&map)), len);
            // A mapped file starts on a page: every cut is at a multiple of 512 records.
            assert_cuts_follow_the_rule(map.as_ptr() as usize, 8, &starts);
            assert!(starts.iter().all(|k| k * 8 % par::page_size() == 0));

            let floats: Vec<f64> = (0..len).map(|_| rng.float()).collect();
            let fmap = mapped(dir.path(), &format!("f{len}"), &floats);
            let seq: f64 = fmap.iter().sum();
            assert_close(par::records(&fmap).sum(), seq, fmap.iter().copied());
            // rayon's own `par_iter` on the deref, which the docs point to, agrees too.
            assert_close(fmap.par_iter().sum(), seq, fmap.iter().copied());
        }
    });
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn records_no_page_boundary_can_start_are_cut_just_after_one() {
    // 8-byte records (alignment 1) 3 bytes into the file: no record starts on a page.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odd");
    let len = 5 * par::page_size() / 8 + 7;
    let mut bytes = vec![0xAAu8; 3];
    for i in 0..len as u64 {
        bytes.extend_from_slice(&i.to_le_bytes());
    }
    std::fs::write(&path, bytes).unwrap();
    // SAFETY: the file is private to this test; nobody else writes or truncates it.
    let map = unsafe { Options::<U64<LittleEndian>>::new().offset(3).open(&path) }.unwrap();
    let addr = map.as_ptr() as usize;
    assert_eq!(addr % 8, 3);
    pool().install(|| {
        let values = par::records(&map).map(|v| v.get());
        assert_eq!(values.sum::<u64>(), (0..len as u64).sum::<u64>());
        let starts = chunk_starts(collect_chunks(par::records(&map).map(|v| v.get())), len);
        assert!(starts.len() > 1, "{starts:?}");
        assert_cuts_follow_the_rule(addr, 8, &starts);
    });
}

#[test]
fn in_memory_columns_and_empty_ones() {
    let data: Vec<u32> = (0..10_000).collect();
    let column = Column::from_slice(&data, FieldHandle::whole());
    pool().install(|| {
        assert_eq!(column.par_iter().map(u64::from).sum::<u64>(), 49_995_000);
        let empty = Column::from_slice(&data[..0], FieldHandle::<u32, u32>::whole());
        assert_eq!(empty.par_iter().map(u64::from).sum::<u64>(), 0);
        assert_eq!(empty.par_iter().count(), 0);
        let one = Column::from_slice(&data[..1], FieldHandle::<u32, u32>::whole());
        assert_eq!(one.par_iter().collect::<Vec<_>>(), [0]);
        // `find_any` stops early and still finds the only match.
        assert_eq!(column.par_iter().find_any(|&v| v == 7777), Some(7777));
    });
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn shards_scan_alike_in_parallel_and_cut_at_files_and_pages() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(7);
    let page = par::page_size() / 8;
    let sizes = [0, 1, page - 1, page, page + 1, 0, 3 * page + 5, 1, 40_000];
    let mut paths = Vec::new();
    let mut next = 0u64;
    for (k, &n) in sizes.iter().enumerate() {
        let path = dir.path().join(format!("s{k}.raw"));
        let values: Vec<u64> = (next..next + n as u64).collect();
        std::fs::write(&path, typed_memmap::bytes_of(&values)).unwrap();
        next += n as u64;
        paths.push(path);
    }
    // SAFETY: the files are private to this test; nobody else writes or truncates them.
    let shards = unsafe { Shards::<u64>::open(&paths) }.unwrap();
    let len = shards.len();
    pool().install(|| {
        assert_eq!(shards.par_iter().sum::<u64>(), shards.iter().sum::<u64>());
        assert_eq!(
            shards.par_iter().collect::<Vec<_>>(),
            shards.iter().copied().collect::<Vec<_>>()
        );
        let column = shards.column(FieldHandle::whole());
        assert_eq!(column.par_iter().sum::<u64>(), column.iter().sum::<u64>());
        let starts = chunk_starts(collect_chunks(shards.par_iter()), len);
        assert!(starts.len() > 1, "{starts:?}");
        for &k in &starts {
            let (shard, local) = shards.locate(k).unwrap();
            // At a file boundary, or at a page inside the file.
            let addr = shards.shard(shard).unwrap().as_ptr() as usize + local * 8;
            assert!(
                local == 0 || addr.is_multiple_of(par::page_size()),
                "cut at {k}"
            );
        }
        // Sub-ranges of one file are cut at pages too: a pool of 4 on 40 000 records.
        assert!(
            starts.iter().any(|&k| shards.locate(k).unwrap().1 != 0),
            "{starts:?}"
        );
    });

    // Floats across shards, including empty and one-record files.
    let mut fpaths = Vec::new();
    for (k, &n) in sizes.iter().enumerate() {
        let path = dir.path().join(format!("f{k}.raw"));
        let values: Vec<f64> = (0..n).map(|_| rng.float()).collect();
        std::fs::write(&path, typed_memmap::bytes_of(&values)).unwrap();
        fpaths.push(path);
    }
    // SAFETY: as above.
    let floats = unsafe { Shards::<f64>::open(&fpaths) }.unwrap();
    pool().install(|| {
        let seq: f64 = floats.iter().sum();
        assert_close(floats.par_iter().sum(), seq, floats.iter().copied());
    });
    // An empty set.
    // SAFETY: nothing is mapped.
    let none = unsafe { Shards::<u64>::open(Vec::<std::path::PathBuf>::new()) }.unwrap();
    assert_eq!(none.par_iter().sum::<u64>(), 0);
    assert_eq!(none.par_iter().count(), 0);
}
