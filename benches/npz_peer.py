"""numpy's side of the `.npz` open benchmark (benches/npz.rs): `np.load(npz)['x']` on the
archives the Rust benchmark wrote, which reads (copies) the member, and for scale
`np.load(npy, mmap_mode='r')` of the `.npy` file holding the same array.

Same environment variables and file names as benches/npz.rs (`sizes`, `archive_of`) and
benches/common/mod.rs (`data_dir`, `sparse_file`). The result is the median of the
repetitions, in nanoseconds.

Usage: python3 benches/npz_peer.py [--out FILE.json] [--seconds S]
"""

import argparse
import json
import os
import sys

import numpy as np

from numpy_peer import bench_bytes, median_ns


def data_dir():
    import tempfile
    return os.environ.get("TYPED_MEMMAP_BENCH_DIR") or os.path.join(
        tempfile.gettempdir(), "typed-memmap-bench")


def sizes():
    top = max(bench_bytes(), 1 << 12)
    return sorted({max(top // 1024, 1 << 12), max(top // 32, 1 << 12), top})


def load_member(path):
    with np.load(path) as z:
        return z["x"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", help="write the results as JSON here")
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    args = parser.parse_args()
    results = {}
    for size in sizes():
        n = size // 32
        npz = os.path.join(data_dir(), f"npz-{n}.npz")
        npy = os.path.join(data_dir(), f"sparse-{n}.npy")
        for path in (npz, npy):
            if not os.path.exists(path):
                sys.exit(f"{path} is missing: run `cargo bench --features npz --bench npz` "
                         "first, with the same TYPED_MEMMAP_BENCH_BYTES and TYPED_MEMMAP_BENCH_DIR")
        if load_member(npz).shape != (n,):
            sys.exit(f"{npz}: member x is not {n} records")
        for name, fn in (("numpy_load_npz", lambda: load_member(npz)),
                         ("numpy_load_npy_mmap", lambda: np.load(npy, mmap_mode="r"))):
            ns, reps = median_ns(fn, args.seconds)
            results[f"open_npz/{name}/{n}"] = ns
            print(f"open_npz/{name}/{n}: {ns / 1e3:.1f} us (median of {reps})")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
