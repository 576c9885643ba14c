//! Writes a log of market ticks, a few at a time, the way a feed handler would: batches are
//! flushed as they come and synced now and then.
//!
//! ```text
//! cargo run --example ticklog -- ticks.log --count 2000 --per-sec 1000
//! cargo run --example follow -- ticks.log --idle-ms 2000     # in another terminal
//! ```
//!
//! A new (or empty) file gets the 16-byte header; an existing log is reopened, a torn tail a
//! crash left is cut, and the sequence numbers continue. numpy reads the file with
//! `np.memmap(path, dtype=np.dtype({'names': ['seq', 'ts_ns', 'price', 'qty', 'side'],
//! 'formats': ['<u8', '<u8', '<f8', '<u4', 'u1'], 'offsets': [0, 8, 16, 24, 28],
//! 'itemsize': 32}), mode='r', offset=16)`.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use typed_memmap::{LogHeader, LogWriter, Record};

/// One tick; `examples/follow.rs` declares the same layout.
#[derive(Clone, Copy, Debug, Record)]
#[repr(C)]
struct Tick {
    seq: u64,
    ts_ns: u64,
    price: f64,
    qty: u32,
    side: u8,
    _pad: [u8; 3],
}

/// The log's header: a magic and a version, padded to keep the 8-byte fields aligned.
const HEADER: &[u8; 16] = b"TICKLOG\0v1\0\0\0\0\0\0";

struct Args {
    path: PathBuf,
    count: u64,
    per_sec: u64,
    batch: u64,
    sync_every: u64,
}

fn parse_args() -> Result<Args, String> {
    let usage = "usage: ticklog PATH [--count N] [--per-sec R] [--batch B] [--sync-every K]";
    let mut args = std::env::args_os().skip(1);
    let path = PathBuf::from(args.next().ok_or(usage)?);
    let mut parsed = Args {
        path,
        count: 1000,
        per_sec: 500,
        batch: 25,
        sync_every: 8,
    };
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .and_then(|v| v.to_str()?.parse::<u64>().ok())
            .filter(|&v| v > 0)
            .ok_or_else(|| format!("{flag:?} needs a positive number; {usage}"))?;
        match flag.to_str() {
            Some("--count") => parsed.count = value,
            Some("--per-sec") => parsed.per_sec = value,
            Some("--batch") => parsed.batch = value,
            Some("--sync-every") => parsed.sync_every = value,
            _ => return Err(format!("unknown option {flag:?}; {usage}")),
        }
    }
    Ok(parsed)
}

/// A tiny seeded PRNG (xorshift64) for a plausible random walk.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;
    let exists = std::fs::metadata(&args.path).is_ok_and(|m| m.len() > 0);
    let mut log = if exists {
        let mut log = LogWriter::<Tick>::open(&args.path, LogHeader::exact(*HEADER))?;
        let cut = log.recover()?;
        if cut > 0 {
            eprintln!("cut a torn tail of {cut} bytes left by a crash");
        }
        log
    } else {
        LogWriter::<Tick>::create(&args.path, Some(HEADER))?
    };
    let first = log.len() as u64;
    let mut rng = Rng(0x7EC4_1065 ^ first);
    let mut price = 100.0;
    let pause = Duration::from_secs_f64(args.batch as f64 / args.per_sec as f64);

    let mut seq = first;
    let mut batches = 0;
    while seq < first + args.count {
        let n = args.batch.min(first + args.count - seq);
        let ticks: Vec<Tick> = (seq..seq + n)
            .map(|seq| {
                price += (rng.next() % 21) as f64 * 0.01 - 0.10;
                Tick {
                    seq,
                    ts_ns: SystemTime::now()
                        .duration_since(UNIX_EPOCH)
                        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)),
                    price: (price * 100.0_f64).round() / 100.0,
                    qty: (rng.next() % 500) as u32 + 1,
                    side: (rng.next() % 2) as u8,
                    _pad: [0; 3],
                }
            })
            .collect();
        log.append_all(&ticks)?;
        seq += n;
        batches += 1;
        if batches % args.sync_every == 0 {
            log.sync()?; // durable: survives even a power loss from here on
        } else {
            log.flush()?; // visible to followers, survives a crash of this process
        }
        std::thread::sleep(pause);
    }
    log.sync()?;
    println!(
        "{}: appended ticks {first}..{seq}, {} in the log",
        args.path.display(),
        log.len()
    );
    Ok(())
}
