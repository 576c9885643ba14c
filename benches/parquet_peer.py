#!/usr/bin/env python3
"""The pyarrow side of benches/parquet_vs_pyarrow.py: what a numpy user writes to turn a
`.npy` file of records into Parquet.

    python3 benches/parquet_peer.py IN.npy OUT.parquet CODEC

`np.load(mmap_mode='r')`, one `pa.array` per field (a strided field of the mapped records is
copied into a contiguous Arrow array), `pa.Table.from_arrays`, `pq.write_table` with the
codec ('none' or 'snappy') and pyarrow's other defaults. Prints rows and seconds.
"""
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

start = time.perf_counter()
a = np.load(sys.argv[1], mmap_mode='r')
names = list(a.dtype.names)
table = pa.Table.from_arrays([pa.array(a[n]) for n in names], names=names)
pq.write_table(table, sys.argv[2], compression=sys.argv[3])
print('rows', table.num_rows, 'seconds', '%.3f' % (time.perf_counter() - start))
