//! Follows a tick log that another process appends to (`examples/ticklog.rs`), `tail -f`
//! style, and prints the new records the way numpy prints an array of them.
//!
//! ```text
//! cargo run --example follow -- ticks.log --max-records 500 --idle-ms 3000
//! ```
//!
//! It stops after `--max-records` records, or when nothing arrived for `--idle-ms`
//! milliseconds (default 2000); it waits that long for the file to appear, too.

use std::ops::ControlFlow;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use typed_memmap::{Array, Follow, FollowEnd, LogHeader, Order, Record, RecordLog};

/// One tick, the layout `examples/ticklog.rs` writes.
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

const HEADER: &[u8; 16] = b"TICKLOG\0v1\0\0\0\0\0\0";

struct Args {
    path: PathBuf,
    max_records: Option<usize>,
    idle: Duration,
    from: usize,
}

fn parse_args() -> Result<Args, String> {
    let usage = "usage: follow PATH [--max-records N] [--idle-ms MS] [--from N]";
    let mut args = std::env::args_os().skip(1);
    let path = PathBuf::from(args.next().ok_or(usage)?);
    let mut parsed = Args {
        path,
        max_records: None,
        idle: Duration::from_secs(2),
        from: 0,
    };
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .and_then(|v| v.to_str()?.parse::<usize>().ok())
            .ok_or_else(|| format!("{flag:?} needs a number; {usage}"))?;
        match flag.to_str() {
            Some("--max-records") => parsed.max_records = Some(value),
            Some("--idle-ms") => parsed.idle = Duration::from_millis(value as u64),
            Some("--from") => parsed.from = value,
            _ => return Err(format!("unknown option {flag:?}; {usage}")),
        }
    }
    Ok(parsed)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;
    let waiting = Instant::now();
    while !args.path.exists() {
        if waiting.elapsed() >= args.idle {
            return Err(format!("{} did not appear", args.path.display()).into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: the writer (`ticklog`) only appends whole records through `LogWriter`, and
    // nothing truncates the file while it is followed; if something did, `refresh` reports
    // `Error::Shrunk` before the map is read.
    let mut log = unsafe { RecordLog::<Tick>::open(&args.path, LogHeader::exact(*HEADER))? };

    let how = Follow::new()
        .poll_interval(Duration::from_millis(10))
        .idle_timeout(args.idle);
    let limit = args.max_records.map(|m| args.from + m);
    let end = log.follow(args.from, &how, |first, records| {
        let records = match limit {
            Some(limit) => &records[..records.len().min(limit - first)],
            None => records,
        };
        let last = first + records.len();
        let batch = Array::from_vec(records.to_vec(), vec![records.len()], Order::C)
            .expect("a 1-d shape of the slice's length");
        println!("records {first}..{last}:\n{batch}");
        if limit.is_some_and(|limit| last >= limit) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })?;

    let why = match end.end {
        FollowEnd::Stopped => "--max-records reached",
        FollowEnd::Idle => "idle",
    };
    let prices = log.column(Tick::fields().price);
    let mean = prices.iter().sum::<f64>() / prices.len().max(1) as f64;
    let volume: u64 = log.column(Tick::fields().qty).iter().map(u64::from).sum();
    println!(
        "stopped ({why}) at record {}; the log holds {} ticks, mean price {mean:.4}, volume \
         {volume}, torn tail {} bytes",
        end.next.min(limit.unwrap_or(usize::MAX)),
        log.len(),
        log.torn_tail_bytes()
    );
    Ok(())
}
