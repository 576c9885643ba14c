# Writes sys.argv[1]: `ticks.npy`, 100 003 packed 32-byte records (ts, side, qty, price,
# venue) drawn from a seeded generator, for the DuckDB aggregate of tests/export_numpy.rs.
# Run with numpy imported as `np` by the harness.
rng = np.random.default_rng(20261207)
n = 100_003
ticks = np.zeros(n, dtype=[('ts', '<M8[ns]'), ('side', 'S1'), ('qty', '<i4'),
                           ('price', '<f8'), ('venue', 'S11')])
assert ticks.dtype.itemsize == 32
ticks['ts'] = np.datetime64('2026-12-07T08:00:00', 'ns') + np.cumsum(rng.integers(1, 10**6, n))
ticks['side'] = rng.choice([b'B', b'S', b'X'], n, p=[0.49, 0.49, 0.02])
ticks['qty'] = rng.integers(-1000, 100_000, n)
ticks['price'] = 100 + rng.standard_normal(n).cumsum() / 100
ticks['venue'] = rng.choice([b'XNAS', b'ARCX', b'BATS'], n)
np.save(sys.argv[1], ticks)
