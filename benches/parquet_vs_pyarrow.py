#!/usr/bin/env python3
"""`.npy` of 32-byte records -> Parquet: typed-memmap against pyarrow, in the same run.

    benches/parquet_vs_pyarrow.py [--mib 256] [--runs 5] [--codecs none,snappy] [--dir DIR]

Makes DIR/ticks.npy (numpy writes it: --mib MiB of 32-byte records ts, price, qty, side,
flags, venue, id from a seeded generator), builds the `npy2parquet` example in release mode,
then for each codec runs, in turn, ours (`npy2parquet IN OUT --codec C`, once with the
default threads and once with `--threads 1`) and pyarrow's
(`benches/parquet_peer.py`: `np.load(mmap_mode='r')` -> `pa.Table` -> `pq.write_table`),
each under `/usr/bin/time -v` for its wall time and peak RSS. Prints per codec the median
wall seconds of each side, the ratio pyarrow / ours (pairs taken run by run), and both peak
RSS. Finally checks that pyarrow reads the same values from both files, and that our two
files are the same bytes.
Needs numpy and pyarrow (tests/requirements.txt) and GNU time (`/usr/bin/time`).
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DTYPE = np.dtype([('ts', '<M8[ns]'), ('price', '<f8'), ('qty', '<i4'), ('side', 'u1'),
                  ('flags', 'u1'), ('venue', '<u2'), ('id', '<i8')])
assert DTYPE.itemsize == 32


def make_input(path, mib):
    n = mib * (1 << 20) // DTYPE.itemsize
    rng = np.random.default_rng(7)
    a = np.lib.format.open_memmap(path, mode='w+', dtype=DTYPE, shape=(n,))
    step = 1 << 22
    t0, p0 = np.datetime64('2026-12-07T08:00:00', 'ns'), 100.0
    for s in range(0, n, step):
        e = min(n, s + step)
        m = e - s
        chunk = np.empty(m, DTYPE)
        chunk['ts'] = t0 + np.cumsum(rng.integers(1, 10 ** 6, m))
        chunk['price'] = p0 + rng.standard_normal(m).cumsum() / 100
        chunk['qty'] = rng.integers(1, 5000, m)
        chunk['side'] = rng.integers(0, 2, m)
        chunk['flags'] = rng.integers(0, 8, m)
        chunk['venue'] = rng.integers(0, 12, m)
        chunk['id'] = np.arange(s, e)
        t0, p0 = chunk['ts'][-1], chunk['price'][-1]
        a[s:e] = chunk
    a.flush()
    del a


def timed(cmd):
    """Runs `cmd` under GNU time; returns (wall seconds, peak RSS KiB)."""
    out = subprocess.run(['/usr/bin/time', '-v'] + cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit('failed: %s\n%s%s' % (' '.join(cmd), out.stdout, out.stderr))
    wall = re.search(r'Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)', out.stderr)
    rss = re.search(r'Maximum resident set size \(kbytes\): (\d+)', out.stderr)
    secs = 0.0
    for part in wall.group(1).split(':'):
        secs = secs * 60 + float(part)
    return secs, int(rss.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--mib', type=int, default=256)
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--codecs', default='none,snappy')
    ap.add_argument('--dir')
    args = ap.parse_args()
    work = args.dir or tempfile.mkdtemp(prefix='parquet-bench-')
    os.makedirs(work, exist_ok=True)
    npy = os.path.join(work, 'ticks.npy')
    if not os.path.exists(npy) or os.path.getsize(npy) < args.mib << 20:
        make_input(npy, args.mib)
    subprocess.run(['cargo', 'build', '--release', '--quiet', '--example', 'npy2parquet',
                    '--features', 'parquet-snappy,ipc'], cwd=ROOT, check=True)
    target = os.environ.get('CARGO_TARGET_DIR', os.path.join(ROOT, 'target'))
    ours_bin = os.path.join(target, 'release', 'examples', 'npy2parquet')
    peer = os.path.join(ROOT, 'benches', 'parquet_peer.py')
    print('input: %s, %d MiB of %d-byte records, load %s' % (
        npy, os.path.getsize(npy) >> 20, DTYPE.itemsize,
        ' '.join('%.2f' % x for x in os.getloadavg())))
    print('| codec | ours s | ours, one thread s | pyarrow s | pyarrow/ours | '
          'pyarrow/ours one thread | ours peak RSS | pyarrow peak RSS |')
    print('|---|---|---|---|---|---|---|---|')
    for codec in args.codecs.split(','):
        ours_out = os.path.join(work, 'ours-%s.parquet' % codec)
        one_out = os.path.join(work, 'ours-one-%s.parquet' % codec)
        peer_out = os.path.join(work, 'pyarrow-%s.parquet' % codec)
        ours, one, theirs = [], [], []
        for _ in range(args.runs):
            ours.append(timed([ours_bin, npy, ours_out, '--codec', codec]))
            one.append(timed([ours_bin, npy, one_out, '--codec', codec, '--threads', '1']))
            theirs.append(timed([sys.executable, peer, npy, peer_out, codec]))
        ratios = [t[0] / o[0] for o, t in zip(ours, theirs)]
        ratios_one = [t[0] / o[0] for o, t in zip(one, theirs)]
        print('| %s | %.3f | %.3f | %.3f | %.2fx | %.2fx | %d MiB | %d MiB |' % (
            codec, statistics.median(o[0] for o in ours),
            statistics.median(o[0] for o in one),
            statistics.median(t[0] for t in theirs), statistics.median(ratios),
            statistics.median(ratios_one),
            max(o[1] for o in ours + one) >> 10, max(t[1] for t in theirs) >> 10))
        check(ours_out, peer_out)
        with open(ours_out, 'rb') as a, open(one_out, 'rb') as b:
            if a.read() != b.read():
                sys.exit('%s and %s differ: the thread count changed the file' % (
                    ours_out, one_out))


def check(ours_path, peer_path):
    """pyarrow reads the same values from both files, one column at a time."""
    import pyarrow.parquet as pq
    names = pq.read_schema(peer_path).names
    if pq.read_schema(ours_path).names != names:
        sys.exit('columns differ: %s vs %s' % (ours_path, peer_path))
    for n in names:
        x = pq.read_table(ours_path, columns=[n]).column(n)
        y = pq.read_table(peer_path, columns=[n]).column(n)
        if not x.equals(y):
            sys.exit('column %s differs between %s and %s' % (n, ours_path, peer_path))


if __name__ == '__main__':
    main()
