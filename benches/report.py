"""Turns the runs that `benches/run.sh` stored into the ratio table of BENCHMARKS.md.

Every ratio is computed inside one run (criterion's median time of each benchmark, and the
numpy peer's median, measured minutes apart on the same files), then summarised over the runs
as the median and the range (min-max). A shared, noisy machine moves absolute times a lot
between runs; ratios inside one run move much less.

Usage: python3 benches/report.py RUN_DIR [RUN_DIR ...]
  where each RUN_DIR holds `criterion/` (criterion's output) and optionally `numpy.json`.
"""

import json
import os
import statistics
import sys

# (label, numerator, denominator, target): the ratio is numerator time / denominator time.
# "higher is better" rows put the baseline on top, "lower is better" rows put ours on top.
ROWS = [
    ("column scan, aligned: hand-written / ours_column (speed)",
     "scan_aligned/handwritten", "scan_aligned/ours_column", ">= 0.95"),
    ("column scan, aligned: hand-written / ours_deref (speed)",
     "scan_aligned/handwritten", "scan_aligned/ours_deref", ">= 0.95"),
    ("column scan, packed: hand-written / ours_column (speed)",
     "scan_packed/handwritten", "scan_packed/ours_column", ">= 0.95"),
    ("column scan, packed: hand-written / ours_deref (speed)",
     "scan_packed/handwritten", "scan_packed/ours_deref", ">= 0.95"),
    ("column scan, aligned: np.memmap / ours_column",
     "scan_aligned/numpy_memmap", "scan_aligned/ours_column", ">= 2"),
    ("column scan, aligned: np.load(mmap_mode='r') / ours_column",
     "scan_aligned/numpy_load", "scan_aligned/ours_column", ">= 2"),
    ("column scan, packed: np.memmap / ours_column",
     "scan_packed/numpy_memmap", "scan_packed/ours_column", ">= 2"),
    ("column scan, packed: np.load(mmap_mode='r') / ours_column",
     "scan_packed/numpy_load", "scan_packed/ours_column", ">= 2"),
]
for size in ("1MiB", "16MiB", "256MiB", "2GiB"):
    ROWS.append((f"open raw {size}: ours / memmap2 (time)",
                 f"open_raw/ours/{size}", f"open_raw/memmap2/{size}", "<= 2"))
ROWS.append(("open raw: ours 2GiB / ours 1MiB (flatness, time)",
             "open_raw/ours/2GiB", "open_raw/ours/1MiB", "~ 1"))
for size in ("1MiB", "16MiB", "256MiB", "2GiB"):
    ROWS.append((f"open .npy {size}: ours / memmap2 (time)",
                 f"open_npy/ours/{size}", f"open_npy/memmap2/{size}", "<= 2"))
ROWS.append(("open .npy: ours 2GiB / ours 1MiB (flatness, time)",
             "open_npy/ours/2GiB", "open_npy/ours/1MiB", "~ 1"))
ROWS.append(("open .npy 2GiB: DynArray::open / memmap2 (time)",
             "open_npy/ours_dyn/2GiB", "open_npy/memmap2/2GiB", "<= 2"))
ROWS += [
    ("random lookup: ours_index / hand-written (time)",
     "lookup/ours_index", "lookup/handwritten", "<= 1.1"),
    ("random lookup: ours_get (n-d get) / hand-written (time)",
     "lookup/ours_get", "lookup/handwritten", "<= 1.1"),
    ("random lookup: ours_column (Column::get) / hand-written (time)",
     "lookup/ours_column", "lookup/handwritten", "<= 1.1"),
    ("log append 1M, one slice: BufWriter::write_all / LogWriter::append_all (speed)",
     "log_append/bufwriter_all", "log_append/ours_append_all", ">= 1"),
    ("log append 1M, per record: BufWriter::write_all / LogWriter::append (speed)",
     "log_append/bufwriter_each", "log_append/ours_append_each", ">= 1"),
    (".npy structured read: npyz / ours (npy::open + column scan) (speed)",
     "npy_read/npyz", "npy_read/ours", ">= 5"),
    (".npy structured read: npyz / ours_read (npy::read copy + scan) (speed)",
     "npy_read/npyz", "npy_read/ours_read", "(info)"),
    ("cold first scan: ours_plain / hand-written_plain (time)",
     "cold_scan/ours_plain", "cold_scan/handwritten_plain", "~ 1"),
    ("first scan, fresh map: evicted / still in page cache (time)",
     "cold_scan/ours_plain", "cold_scan/ours_plain_warm", "(effect)"),
    ("cold first scan: populate / plain (time)",
     "cold_scan/ours_populate", "cold_scan/ours_plain", "(effect)"),
    ("cold first scan: advise sequential / plain (time)",
     "cold_scan/ours_sequential", "cold_scan/ours_plain", "(effect)"),
    ("cold first scan: advise will-need / plain (time)",
     "cold_scan/ours_willneed", "cold_scan/ours_plain", "(effect)"),
]


def load_run(run_dir):
    """Median times in ns, keyed `group/function[/parameter]`."""
    times = {}
    root = os.path.join(run_dir, "criterion")
    for dirpath, _, filenames in os.walk(root):
        if "estimates.json" in filenames and os.path.basename(dirpath) == "new":
            with open(os.path.join(dirpath, "benchmark.json")) as f:
                meta = json.load(f)
            with open(os.path.join(dirpath, "estimates.json")) as f:
                estimates = json.load(f)
            times[meta["full_id"]] = estimates["median"]["point_estimate"]
    numpy = os.path.join(run_dir, "numpy.json")
    if os.path.exists(numpy):
        with open(numpy) as f:
            times.update(json.load(f))
    return times


def fmt_time(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def main():
    runs = [load_run(d) for d in sys.argv[1:]]
    if not runs:
        sys.exit("usage: report.py RUN_DIR [RUN_DIR ...]")
    print(f"{len(runs)} run(s)\n")
    print("| ratio | target | median | range | median times (num / den) |")
    print("|---|---|---|---|---|")
    for label, num, den, target in ROWS:
        ratios = [r[num] / r[den] for r in runs if num in r and den in r]
        if not ratios:
            continue
        nums = statistics.median(r[num] for r in runs if num in r and den in r)
        dens = statistics.median(r[den] for r in runs if num in r and den in r)
        print(f"| {label} | {target} | {statistics.median(ratios):.2f} | "
              f"{min(ratios):.2f}-{max(ratios):.2f} | "
              f"{fmt_time(nums)} / {fmt_time(dens)} |")


if __name__ == "__main__":
    main()
