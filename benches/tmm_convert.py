#!/usr/bin/env python3
"""Whole-process benchmarks of `tmm convert` against the Python tools that do the same.

On a .npy file of 32-byte tick records (default 256 MiB), paired in one run:

1. `tmm convert --to npy` against numpy: `np.save(out, np.load(path, mmap_mode='r'))`.
2. `tmm convert --to csv` against pyarrow's C++ CSV writer: `pyarrow.csv.write_csv` of a
   `pa.Table` made from the memmap's columns (pyarrow quotes no numbers either).
3. `tmm convert --to jsonl` against `tmm convert --to csv` (no Python tool writes JSON lines
   at a comparable speed; this shows the cost of JSON over CSV).
4. `tmm convert --to parquet` (Snappy) against pyarrow: the memmap's columns as a `pa.Table`,
   `pq.write_table(compression='snappy')`.
5. `tmm convert --to arrow` against pyarrow: the same table through `pa.ipc.new_file`.

Each pair runs A B A B ... after one warm-up each, so both see the same machine and a warm
page cache; the ratio of times is taken pair by pair and its median printed with the load
average. Each command's peak RSS is printed too: tmm's as it reports it (`TMM_PEAK_RSS`,
Linux's VmHWM), Python's as its own VmHWM at exit.

Usage (from the repository root):
    cargo build --release -p typed-memmap-cli
    python3 benches/tmm_convert.py [--bytes 256M] [--runs 3] [--dir DIR] [--keep]

TMM names the binary (default target/release/tmm). Files go to DIR (default: a new
temporary directory) and are deleted afterwards unless --keep is given.
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

PEAK = """
def peak():
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM:'):
            print('peak RSS', line.split()[1], file=sys.stderr)
"""

NUMPY_NPY = "import sys, numpy as np\n" + PEAK + """
np.save(sys.argv[2], np.load(sys.argv[1], mmap_mode='r'))
peak()
"""

PYARROW_CSV = "import sys, numpy as np, pyarrow as pa, pyarrow.csv as pc\n" + PEAK + """
a = np.load(sys.argv[1], mmap_mode='r')
t = pa.table({n: a[n] for n in a.dtype.names})
pc.write_csv(t, sys.argv[2])
peak()
"""

PYARROW_PARQUET = "import sys, numpy as np, pyarrow as pa, pyarrow.parquet as pq\n" + PEAK + """
a = np.load(sys.argv[1], mmap_mode='r')
pq.write_table(pa.table({n: a[n] for n in a.dtype.names}), sys.argv[2], compression='snappy')
peak()
"""

PYARROW_IPC = "import sys, numpy as np, pyarrow as pa\n" + PEAK + """
a = np.load(sys.argv[1], mmap_mode='r')
t = pa.table({n: a[n] for n in a.dtype.names})
with pa.OSFile(sys.argv[2], 'wb') as sink, pa.ipc.new_file(sink, t.schema) as w:
    w.write_table(t)
peak()
"""


def parse_bytes(text):
    units = {"K": 10, "M": 20, "G": 30}
    if text[-1:].upper() in units:
        return int(text[:-1]) << units[text[-1:].upper()]
    return int(text)


def write_ticks(path, nbytes):
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
    """Seconds and the peak RSS (KiB) the command reported on stderr."""
    env = dict(os.environ, TMM_PEAK_RSS="1")
    start = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                       check=True, text=True)
    elapsed = time.perf_counter() - start
    peak = None
    for line in r.stderr.splitlines():
        if "peak RSS" in line:
            peak = int(line.split()[-2] if line.endswith("kB") else line.split()[-1])
    return elapsed, peak


def pair(label, a, b, runs):
    run_once(a)
    run_once(b)
    ta, tb, pa_, pb = [], [], [], []
    for _ in range(runs):
        t, p = run_once(a)
        ta.append(t)
        pa_.append(p)
        t, p = run_once(b)
        tb.append(t)
        pb.append(p)
    ratios = [x / y for x, y in zip(ta, tb)]
    load = os.getloadavg()[0]

    def spread(ts):
        return f"{min(ts):.3f}/{statistics.median(ts):.3f}/{max(ts):.3f} s"

    print(label)
    print(f"  A: {spread(ta)}, peak RSS {max(pa_)} KiB")
    print(f"  B: {spread(tb)}, peak RSS {max(pb)} KiB")
    print(f"  A/B median {statistics.median(ratios):.3f} "
          f"(min {min(ratios):.3f}, max {max(ratios):.3f}), load {load:.2f}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bytes", default="256M")
    p.add_argument("--runs", type=int, default=3)
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
    src = os.path.join(data, f"ticks-{nbytes}.npy")
    names = ("a.npy", "b.npy", "a.csv", "b.csv", "a.jsonl", "a.parquet", "b.parquet",
             "a.arrow", "b.arrow")
    outs = [os.path.join(data, n) for n in names]
    try:
        if not os.path.exists(src):
            write_ticks(src, nbytes)
        print(f"{nbytes} bytes of {TICK.itemsize}-byte records, {os.cpu_count()} cores")
        conv = [tmm, "convert", src, "--progress", "never", "--force", "--to"]
        pair("tmm convert --to npy (A) vs numpy np.save(np.load(mmap_mode='r')) (B)",
             conv + ["npy", "-o", outs[0]],
             [sys.executable, "-c", NUMPY_NPY, src, outs[1]], args.runs)
        pair("tmm convert --to csv (A) vs pyarrow.csv.write_csv (B)",
             conv + ["csv", "-o", outs[2]],
             [sys.executable, "-c", PYARROW_CSV, src, outs[3]], args.runs)
        pair("tmm convert --to jsonl (A) vs tmm convert --to csv (B)",
             conv + ["jsonl", "-o", outs[4]], conv + ["csv", "-o", outs[2]], args.runs)
        pair("tmm convert --to parquet (A) vs pyarrow pq.write_table snappy (B)",
             conv + ["parquet", "-o", outs[5]],
             [sys.executable, "-c", PYARROW_PARQUET, src, outs[6]], args.runs)
        pair("tmm convert --to arrow (A) vs pyarrow pa.ipc.new_file (B)",
             conv + ["arrow", "-o", outs[7]],
             [sys.executable, "-c", PYARROW_IPC, src, outs[8]], args.runs)
    finally:
        if not args.keep:
            for f in [src] + outs:
                if os.path.exists(f):
                    os.remove(f)
            if made_dir:
                shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
