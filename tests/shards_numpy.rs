//! `Shards<T>` against numpy: five files of packed structured records written by numpy (three
//! `.npy`, two raw, one of them empty), mapped as one array; the values and the column sums
//! equal those of numpy's `np.concatenate` of the same memmaps. Also the file boundary index
//! and the errors of sets that cannot be one array.

mod common;

use std::path::{Path, PathBuf};

use typed_memmap::{bytes_of, Error, Record, ShardProblem, Shards};

/// numpy's default (packed) layout of `[('ts','<u8'),('price','<f8'),('qty','<u4'),
/// ('side','u1')]`: 21 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C, packed)]
struct Tick {
    ts: u64,
    price: f64,
    qty: u32,
    side: u8,
}

const DTYPE: &str = "[('ts','<u8'),('price','<f8'),('qty','<u4'),('side','u1')]";

/// The shards in name order, and their lengths: the empty one in the middle, one a page's
/// worth of 21-byte records plus one.
const SHARDS: [(&str, usize); 5] = [
    ("part-0.npy", 1000),
    ("part-1.raw", 4097),
    ("part-2.npy", 0),
    ("part-3.raw", 1),
    ("part-4.npy", 2500),
];

/// Writes the five shards with numpy into `dir`: record `i` of the whole set has `ts = i`,
/// a price with a fractional part, and `qty`/`side` from `i`.
fn write_shards(dir: &Path) {
    let script = format!(
        r#"
import os
dt = np.dtype({DTYPE})
d = sys.argv[1]
shards = {shards:?}
start = 0
for name, n in shards:
    a = np.zeros(n, dtype=dt)
    i = np.arange(start, start + n, dtype=np.uint64)
    a['ts'] = i
    a['price'] = i * 0.37 + 1.0 / 3.0
    a['qty'] = (i * 7919) % 100003
    a['side'] = i % 3
    p = os.path.join(d, name)
    if name.endswith('.npy'):
        np.save(p, a)
    else:
        a.tofile(p)
    start += n
"#,
        shards = SHARDS.to_vec()
    );
    common::numpy(&script, &[&dir]);
}

/// numpy's view: `np.concatenate` of the memmaps (`np.load(mmap_mode='r')`, `np.memmap`),
/// written raw to `out`; prints the length and the sums of the columns (integers exactly, the
/// float sum left to right with `cumsum` and printed in hex, so it is compared bit for bit).
fn numpy_concatenate(dir: &Path, out: &Path) -> Vec<String> {
    let script = format!(
        r#"
import os
dt = np.dtype({DTYPE})
d, out = sys.argv[1], sys.argv[2]
maps = []
for name, n in {shards:?}:
    p = os.path.join(d, name)
    if name.endswith('.npy'):
        maps.append(np.load(p, mmap_mode='r'))
    elif os.path.getsize(p) == 0:
        maps.append(np.zeros(0, dtype=dt))  # np.memmap refuses an empty file
    else:
        maps.append(np.memmap(p, dtype=dt, mode='r'))
a = np.concatenate(maps)
a.tofile(out)
print(len(a))
print(int(a['ts'].sum(dtype=np.uint64)))
print(int(a['qty'].sum(dtype=np.uint64)))
print(int(a['side'].sum(dtype=np.uint64)))
print(float(np.cumsum(a['price'])[-1]).hex())
"#,
        shards = SHARDS.to_vec()
    );
    let printed = common::numpy(&script, &[&dir, &out]);
    printed.lines().map(str::to_string).collect()
}

fn paths(dir: &Path) -> Vec<PathBuf> {
    SHARDS.iter().map(|(name, _)| dir.join(name)).collect()
}

/// `f64::to_hex`-alike of Python's `float.hex()`, for the finite normal values used here.
fn float_hex(x: f64) -> String {
    let bits = x.to_bits();
    let sign = if bits >> 63 == 1 { "-" } else { "" };
    let exp = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mantissa = bits & ((1 << 52) - 1);
    format!("{sign}0x1.{mantissa:013x}p{exp:+}")
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn values_and_column_sums_equal_numpys_concatenate() {
    let dir = tempfile::tempdir().unwrap();
    write_shards(dir.path());
    let out = dir.path().join("concat.bin");
    let numpy = numpy_concatenate(dir.path(), &out);

    // SAFETY: the files are private to this test; nobody writes or truncates them.
    let shards = unsafe { Shards::<Tick>::open(paths(dir.path())) }.unwrap();
    assert_eq!(shards.len().to_string(), numpy[0]);
    assert_eq!(shards.len(), 7598);

    // Every record, byte for byte, in order; and from the back.
    let ours: Vec<Tick> = shards.iter().copied().collect();
    assert_eq!(bytes_of(&ours), std::fs::read(&out).unwrap());
    assert_eq!(shards.iter().len(), shards.len());
    let back: Vec<Tick> = shards.iter().rev().copied().collect();
    assert!(back.iter().rev().eq(ours.iter()));
    for i in [0, 999, 1000, 5096, 5097, 5098, 7597] {
        assert_eq!(shards.get(i), Some(&ours[i]), "record {i}");
    }
    assert_eq!(shards.get(7598), None);

    // Column sums across the files.
    let fields = Tick::fields();
    let ts = shards.column(fields.ts);
    assert_eq!(ts.iter().sum::<u64>().to_string(), numpy[1]);
    let qty = shards.column(fields.qty);
    assert_eq!(qty.iter().map(u64::from).sum::<u64>().to_string(), numpy[2]);
    let side = shards.column_by_name::<u8>("side").unwrap();
    assert_eq!(
        side.iter().map(u64::from).sum::<u64>().to_string(),
        numpy[3]
    );
    let price = shards.column(fields.price);
    assert_eq!(float_hex(price.iter().sum::<f64>()), numpy[4]);
    // The same column, one shard's `Column` at a time, and record by record.
    assert_eq!(price.columns().len(), 5);
    let by_shard: Vec<f64> = price.columns().iter().flat_map(|c| c.iter()).collect();
    assert_eq!(by_shard, price.to_vec());
    assert_eq!(price.len(), shards.len());
    assert_eq!(price.get(5097).map(f64::to_bits), {
        let p = ours[5097].price;
        Some(p.to_bits())
    });
    assert_eq!(price.get(7598), None);
    assert!(ts.iter().eq(0..7598));
    assert!(ts.iter().rev().eq((0..7598).rev()));
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn a_pattern_finds_the_shards_in_name_order() {
    let dir = tempfile::tempdir().unwrap();
    write_shards(dir.path());
    std::fs::create_dir(dir.path().join("part-9.dir")).unwrap(); // a directory is no shard
                                                                 // SAFETY: the files are private to this test; nobody writes or truncates them.
    let shards = unsafe { Shards::<Tick>::glob(dir.path().join("part-*")) }.unwrap();
    let found: Vec<&Path> = shards.shards().iter().map(|m| m.path()).collect();
    assert_eq!(found, paths(dir.path()));
    let ts = shards.column(Tick::fields().ts);
    assert!(ts.iter().eq(0..7598));
    // `?` is one character.
    // SAFETY: as above.
    let npy = unsafe { Shards::<Tick>::glob(dir.path().join("part-?.npy")) }.unwrap();
    assert_eq!((npy.shards().len(), npy.len()), (3, 3500));
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn the_boundary_index_names_shard_and_local_index() {
    let dir = tempfile::tempdir().unwrap();
    write_shards(dir.path());
    // SAFETY: the files are private to this test; nobody writes or truncates them.
    let shards = unsafe { Shards::<Tick>::open(paths(dir.path())) }.unwrap();
    assert_eq!(shards.starts(), [0, 1000, 5097, 5097, 5098]);
    let cases = [
        (0, Some((0, 0))),
        (999, Some((0, 999))),
        (1000, Some((1, 0))),
        (5096, Some((1, 4096))),
        // The empty shard 2 starts at 5097 too, but holds nothing: shard 3 has it.
        (5097, Some((3, 0))),
        (5098, Some((4, 0))),
        (7597, Some((4, 2499))),
        (7598, None),
        (usize::MAX, None),
    ];
    for (index, want) in cases {
        assert_eq!(shards.locate(index), want, "index {index}");
        if let Some((shard, local)) = want {
            let ts = shards.shard(shard).unwrap()[local].ts;
            assert_eq!(ts, index as u64);
            assert!(shards.range(shard).unwrap().contains(&index));
        }
    }
    assert_eq!(shards.range(2), Some(5097..5097));
    assert_eq!(shards.range(4), Some(5098..7598));
    assert_eq!(shards.range(5), None);
    assert!(shards.shard(5).is_none());
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn a_shard_of_another_dtype_is_an_error_naming_it_and_both_dtypes() {
    let dir = tempfile::tempdir().unwrap();
    write_shards(dir.path());
    let odd = dir.path().join("part-2b.npy");
    let script = r#"
dt = np.dtype([('ts','<u8'),('price','<f4'),('qty','<u4'),('side','u1')])
np.save(sys.argv[1], np.zeros(3, dtype=dt))
"#;
    common::numpy_on(script, &odd);
    let mut list = paths(dir.path());
    list.insert(3, odd.clone());
    // SAFETY: the files are private to this test; nobody writes or truncates them.
    let err = unsafe { Shards::<Tick>::open(&list) }.unwrap_err();
    match &err {
        Error::DtypeMismatch {
            path,
            expected,
            found,
            ..
        } => {
            assert_eq!(path, &odd);
            assert!(expected.contains("'<f8'"), "{expected}");
            assert!(found.contains("'<f4'"), "{found}");
        }
        other => panic!("not a dtype mismatch: {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("part-2b.npy"), "{message}");
    assert!(
        message.contains("'<f4'") && message.contains("'<f8'"),
        "{message}"
    );
    // The same through a pattern.
    // SAFETY: as above.
    let err = unsafe { Shards::<Tick>::glob(dir.path().join("*.npy")) }.unwrap_err();
    assert_eq!(err.path(), Some(odd.as_path()));
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn sets_that_cannot_be_one_array_are_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    write_shards(dir.path());

    // A raw shard of a ragged length names its file and the numbers.
    let ragged = dir.path().join("ragged.raw");
    std::fs::write(&ragged, [0u8; 22]).unwrap();
    let mut list = paths(dir.path());
    list.push(ragged.clone());
    // SAFETY: the files are private to this test; nobody writes or truncates them.
    let err = unsafe { Shards::<Tick>::open(&list) }.unwrap_err();
    assert!(
        matches!(&err, Error::NotAMultiple { path, available: 22, itemsize: 21, .. } if *path == ragged),
        "{err:?}"
    );

    // A 2-D `.npy` shard.
    let grid = dir.path().join("grid.npy");
    let script = format!("np.save(sys.argv[1], np.zeros((2, 3), dtype=np.dtype({DTYPE})))");
    common::numpy_on(&script, &grid);
    // SAFETY: as above.
    let err = unsafe { Shards::<Tick>::open([&grid]) }.unwrap_err();
    match &err {
        Error::Shard {
            path,
            problem: ShardProblem::NotOneDimensional { shape },
        } => assert_eq!((path, shape.as_slice()), (&grid, &[2, 3][..])),
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("shape [2, 3]"), "{err}");

    // A pattern that matches nothing, and one with a wildcard in its directory.
    let none = dir.path().join("nothing-*.npy");
    // SAFETY: as above.
    let err = unsafe { Shards::<Tick>::glob(&none) }.unwrap_err();
    assert!(
        matches!(&err, Error::Shard { path, problem: ShardProblem::NoMatch } if *path == none),
        "{err:?}"
    );
    assert!(err.to_string().contains("matches no file"), "{err}");
    let wild_dir = dir.path().join("*").join("part-0.npy");
    // SAFETY: as above.
    let err = unsafe { Shards::<Tick>::glob(&wild_dir) }.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Shard {
                problem: ShardProblem::WildcardInDirectory,
                ..
            }
        ),
        "{err:?}"
    );
    // A missing file in a list is the open error of that file.
    let missing = dir.path().join("missing.npy");
    // SAFETY: as above.
    let err = unsafe { Shards::<Tick>::open([&missing]) }.unwrap_err();
    assert_eq!(err.path(), Some(missing.as_path()));
}

#[test]
fn an_empty_list_is_an_empty_array() {
    // SAFETY: nothing is mapped.
    let shards = unsafe { Shards::<Tick>::open(Vec::<PathBuf>::new()) }.unwrap();
    assert!(shards.is_empty());
    assert_eq!(shards.len(), 0);
    assert_eq!(shards.iter().next(), None);
    assert_eq!(shards.locate(0), None);
    assert!(shards.starts().is_empty());
    assert_eq!(shards.column(Tick::fields().qty).iter().count(), 0);
    assert!(shards.column_by_name::<u32>("nope").is_err());
}
