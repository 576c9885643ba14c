# A DuckDB aggregate over our Parquet file sys.argv[2] against numpy's on the `.npy` file
# sys.argv[1] it was written from:
#   SELECT side, count(*), sum(qty), avg(price), min(ts), max(ts) FROM 'ticks.parquet'
#   GROUP BY side ORDER BY side
# Counts, sums and timestamps must be equal, averages equal to 1e-12 relative. Prints
# `ok <side> <count> <sum> <avg>` per group, or `FAIL <why>`. Run with numpy as `np`.
import duckdb

a = np.load(sys.argv[1], mmap_mode='r')
ours = []
for side in sorted(set(a['side'].tolist())):
    m = a['side'] == side
    ts = a['ts'][m].astype('int64')
    ours.append((side, int(m.sum()), int(a['qty'][m].astype('int64').sum()),
                 float(a['price'][m].mean()), int(ts.min()), int(ts.max())))

con = duckdb.connect()
rows = con.execute(
    "SELECT side, count(*), sum(qty), avg(price), epoch_ns(min(ts)), epoch_ns(max(ts)) "
    "FROM read_parquet(?) GROUP BY side ORDER BY side", [sys.argv[2]]).fetchall()
theirs = [(bytes(r[0]), int(r[1]), int(r[2]), float(r[3]), int(r[4]), int(r[5])) for r in rows]

if len(ours) != len(theirs):
    print('FAIL duckdb has %d groups, numpy %d: %r vs %r' % (len(theirs), len(ours), theirs, ours))
for o, t in zip(ours, theirs):
    exact = (o[0], o[1], o[2], o[4], o[5]) == (t[0], t[1], t[2], t[4], t[5])
    close = abs(o[3] - t[3]) <= 1e-12 * abs(o[3])
    if exact and close:
        print('ok', o[0].decode(), o[1], o[2], repr(o[3]))
    else:
        print('FAIL duckdb %r, numpy %r' % (t, o))
