#!/usr/bin/env python3
"""Whole-process benchmarks of the `tmm` tool against numpy, paired in one run.

1. `tmm stats FILE --json --progress never` against numpy computing the same statistics
   (`np.load(mmap_mode='r')`, then min/max/mean/std/isnan().sum() per field) on a file of
   32-byte tick records (default 2 GiB).
2. `tmm stats --threads 1` against `--threads 2`.
3. `tmm info` on that file against `tmm info` on a 1 MiB file of the same records: opening
   reads the header, so the cost should not grow with the file.

Each pair runs A B A B ... after one warm-up each, so both see the same machine and a warm
page cache; the ratio is taken pair by pair and its median printed with the load average.

Usage (from the repository root):
    cargo build --release -p typed-memmap-cli
    python3 benches/tmm_stats.py [--bytes 2G] [--runs 5] [--dir DIR] [--keep]

The data files go to DIR (default: a new temporary directory) and are deleted afterwards
unless --keep is given. TMM names the binary (default target/release/tmm).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

TICK = np.dtype(
    [("ts", "<u8"), ("price", "<f8"), ("qty", "<u4"), ("side", "<u4"), ("id", "<u8")]
)

NUMPY_STATS = """
import sys, numpy as np
a = np.load(sys.argv[1], mmap_mode='r')
out = {}
for name in a.dtype.names:
    x = a[name]
    out[name] = (x.min(), x.max(), x.mean(dtype=np.float64), x.std(), np.isnan(x).sum())
print(out)
"""


def parse_bytes(text):
    units = {"K": 10, "M": 20, "G": 30}
    if text[-1:].upper() in units:
        return int(text[:-1]) << units[text[-1:].upper()]
    return int(text)


def write_ticks(path, nbytes):
    """Tick records like benches/common/mod.rs's (a numpy generator for the random part)."""
    n = nbytes // TICK.itemsize
    a = np.lib.format.open_memmap(path, mode="w+", dtype=TICK, shape=(n,))
    rng = np.random.default_rng(42)
    block = 1 << 22
    for start in range(0, n, block):
        stop = min(n, start + block)
        i = np.arange(start, stop, dtype=np.uint64)
        r = rng.integers(0, 2**63, stop - start, dtype=np.uint64)
        b = a[start:stop]
        b["ts"] = np.uint64(1_700_000_000_000_000_000) + i * np.uint64(1000)
        b["price"] = 100.0 + (r % np.uint64(100_000)).astype(np.float64) / 100.0
        b["qty"] = ((r >> np.uint64(20)) % np.uint64(1000) + np.uint64(1)).astype(np.uint32)
        b["side"] = ((r >> np.uint64(40)) & np.uint64(1)).astype(np.uint32)
        b["id"] = i
    a.flush()
    del a


def run_once(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def pair(label, a, b, runs):
    run_once(a)
    run_once(b)
    ta, tb = [], []
    for _ in range(runs):
        ta.append(run_once(a))
        tb.append(run_once(b))
    ratios = [x / y for x, y in zip(ta, tb)]
    load = os.getloadavg()[0]

    def spread(ts):
        return f"{min(ts):.3f}/{statistics.median(ts):.3f}/{max(ts):.3f} s"

    print(f"{label}")
    print(f"  A {' '.join(a[-4:]) if len(a) > 4 else ' '.join(a)}: {spread(ta)}")
    print(f"  B: {spread(tb)}")
    print(f"  A/B median {statistics.median(ratios):.3f} "
          f"(min {min(ratios):.3f}, max {max(ratios):.3f}), load {load:.2f}")
    return statistics.median(ratios)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bytes", default="2G")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--dir")
    p.add_argument("--keep", action="store_true")
    args = p.parse_args()
    tmm = os.environ.get("TMM", os.path.join("target", "release", "tmm"))
    if not os.path.exists(tmm):
        sys.exit(f"no tmm binary at {tmm}: run `cargo build --release -p typed-memmap-cli`")
    nbytes = parse_bytes(args.bytes)
    made_dir = args.dir is None
    data = args.dir or tempfile.mkdtemp(prefix="tmm-bench-")
    os.makedirs(data, exist_ok=True)
    big = os.path.join(data, f"ticks-{nbytes}.npy")
    small = os.path.join(data, "ticks-1m.npy")
    try:
        if not os.path.exists(big):
            write_ticks(big, nbytes)
        if not os.path.exists(small):
            write_ticks(small, 1 << 20)
        stats = [tmm, "stats", big, "--json", "--progress", "never"]
        pair("tmm stats vs numpy", stats, [sys.executable, "-c", NUMPY_STATS, big], args.runs)
        pair("tmm stats --threads 1 vs --threads 2",
             stats + ["--threads", "1"], stats + ["--threads", "2"], args.runs)
        pair(f"tmm info {nbytes} B vs 1 MiB",
             [tmm, "info", big], [tmm, "info", small], args.runs * 4)
    finally:
        if not args.keep:
            for f in (big, small):
                if os.path.exists(f):
                    os.remove(f)
            if made_dir:
                shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
