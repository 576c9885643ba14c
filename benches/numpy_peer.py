"""numpy's side of the column-scan benchmark: the sums of `price` and `qty` over the files the
Rust benchmarks generated, read with `np.memmap` and with `np.load(mmap_mode='r')`.

Same environment variables and file names as `benches/common/mod.rs` (keep `data_files` in
step with `Files::new` there). Each timing is one scan of an already-open, warm map, like
the criterion benchmarks; the result is the median of the repetitions, in nanoseconds.

Usage: python3 benches/numpy_peer.py [--out FILE.json] [--seconds S]
"""

import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np

TICK = np.dtype(
    [("ts", "<u8"), ("price", "<f8"), ("qty", "<u4"), ("side", "<u4"), ("id", "<u8")]
)
PACKED = np.dtype([("ts", "<u8"), ("price", "<f8"), ("qty", "<u4"), ("side", "|u1")])


def bench_bytes():
    text = os.environ.get("TYPED_MEMMAP_BENCH_BYTES", "").strip()
    if not text:
        return 64 << 20
    shift = {"k": 10, "m": 20, "g": 30}.get(text[-1].lower(), 0)
    digits = text[:-1] if shift else text
    return int(digits) << shift


def data_files():
    directory = os.environ.get("TYPED_MEMMAP_BENCH_DIR") or os.path.join(
        tempfile.gettempdir(), "typed-memmap-bench"
    )
    size = bench_bytes()
    aligned, packed = size // 32, size // 21
    join = os.path.join
    return {
        "aligned": (TICK, join(directory, f"aligned-{aligned}.bin"),
                    join(directory, f"aligned-{aligned}.npy")),
        "packed": (PACKED, join(directory, f"packed-{packed}.bin"),
                   join(directory, f"packed-{packed}.npy")),
    }


def scan(a):
    return float(a["price"].sum()), int(a["qty"].sum())


def median_ns(fn, seconds):
    fn()  # warm up: page cache and numpy's first-call costs
    times = []
    deadline = time.perf_counter() + seconds
    while len(times) < 5 or (time.perf_counter() < deadline and len(times) < 1000):
        start = time.perf_counter_ns()
        fn()
        times.append(time.perf_counter_ns() - start)
    times.sort()
    return times[len(times) // 2], len(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", help="write the results as JSON here")
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    args = parser.parse_args()

    results = {}
    for layout, (dtype, raw, npy) in data_files().items():
        for path in (raw, npy):
            if not os.path.exists(path):
                sys.exit(f"{path} is missing: run `cargo bench --bench scan` first, "
                         "with the same TYPED_MEMMAP_BENCH_BYTES and TYPED_MEMMAP_BENCH_DIR")
        memmap = np.memmap(raw, dtype=dtype, mode="r")
        loaded = np.load(npy, mmap_mode="r")
        if loaded.dtype != dtype or loaded.shape != memmap.shape:
            sys.exit(f"{npy}: dtype {loaded.dtype} shape {loaded.shape}, "
                     f"expected {dtype} {memmap.shape}")
        # Both files hold the same records, so the exact integer sums must agree.
        if scan(memmap)[1] != scan(loaded)[1]:
            sys.exit(f"{raw} and {npy} disagree")
        group = f"scan_{layout}"
        for name, array in (("numpy_memmap", memmap), ("numpy_load", loaded)):
            ns, reps = median_ns(lambda: scan(array), args.seconds)
            results[f"{group}/{name}"] = ns
            print(f"{group}/{name}: {ns / 1e6:.3f} ms (median of {reps})")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
