//! A log of `#[derive(Record)]` ticks written by `LogWriter` is what numpy reads with
//! `np.memmap(path, dtype, offset=header_len)`: same values, same columns, same printing.

mod common;

use typed_memmap::{LogHeader, LogWriter, Record, RecordLog};

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Tick {
    seq: u64,
    price: f64,
    qty: u32,
    side: u8,
    _pad: [u8; 3],
}

const HEADER: &[u8; 16] = b"TICKLOG1\0\0\0\0\0\0\0\0";

const DTYPE: &str = "np.dtype({'names': ['seq', 'price', 'qty', 'side'], \
                     'formats': ['<u8', '<f8', '<u4', 'u1'], \
                     'offsets': [0, 8, 16, 20], 'itemsize': 24})";

fn tick(i: u64) -> Tick {
    Tick {
        seq: i,
        price: 100.0 + i as f64 * 0.25,
        qty: (i % 7) as u32 + 1,
        side: (i % 2) as u8,
        _pad: [0; 3],
    }
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn numpy_reads_the_log_and_prints_it_as_we_do() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ticks.log");
    let mut w = LogWriter::<Tick>::create(&path, Some(HEADER)).unwrap();
    w.append_all(&(0..5).map(tick).collect::<Vec<_>>()).unwrap();
    w.flush().unwrap();
    // A record being written: neither side shows it as a record.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(&[0xAB; 10]);
    std::fs::write(&path, &bytes).unwrap();

    // SAFETY: the file is private to this test, and `w` appends nothing more.
    let log = unsafe { RecordLog::<Tick>::open(&path, LogHeader::exact(*HEADER)).unwrap() };
    assert_eq!(log.torn_tail_bytes(), 10);

    let script = format!(
        "dt = {DTYPE}\n\
         size = __import__('os').path.getsize(sys.argv[1])\n\
         n = (size - 16) // dt.itemsize\n\
         a = np.memmap(sys.argv[1], dtype=dt, mode='r', offset=16, shape=(n,))\n\
         print(a)\n\
         print('---')\n\
         print(' '.join(repr(float(p)) for p in a['price']))\n\
         print(int(a['qty'].sum()), int(a['seq'][-1]))"
    );
    let out = common::numpy_on(&script, &path);
    let (printed, rest) = out.split_once("\n---\n").unwrap();
    assert_eq!(log.to_string(), printed);
    let mut lines = rest.lines();

    let prices: Vec<String> = log
        .column(Tick::fields().price)
        .iter()
        .map(|p| format!("{p:?}"))
        .collect();
    assert_eq!(prices.join(" "), lines.next().unwrap());

    let qty: u32 = log.column_by_name::<u32>("qty").unwrap().iter().sum();
    let last = log.column(Tick::fields().seq).last().unwrap();
    assert_eq!(format!("{qty} {last}"), lines.next().unwrap());
}
