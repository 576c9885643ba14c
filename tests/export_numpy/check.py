# Compares each `<name>.npy` in sys.argv[1] with the `<name>.parquet` and `<name>.arrow`
# that typed-memmap wrote from it: pyarrow reads each file (`pq.read_table`, and
# `pa.ipc.open_file` over `pa.memory_map`) and its rows must equal numpy's, both sides
# brought to plain Python values the same way:
#   - a row is the list of a record's fields in order (padding left out), or a one-item list
#     for an array of scalars; an n-d array has a row per index of axis 0, the rest nested;
#   - a subarray or a list is a list; a struct is the list of its fields; complex is
#     [real, imag];
#   - floats are Python floats, with NaN as the string 'nan' (so NaN equals NaN), -0.0 kept
#     apart from 0.0;
#   - datetimes and timedeltas are integer nanoseconds (any unit, dates included) and NaT
#     is None (pyarrow's null);
#   - S<n> is its n bytes (numpy trims trailing NULs, Arrow keeps them), V<n> its bytes,
#     U<n> its text (trailing NULs trimmed on both sides).
# Also checks the column names against numpy's field names. Prints `ok <name> <format>` or
# `FAIL <name> <format>: <why>` per file; `names` comes as the remaining arguments.
import math
import os
import pyarrow as pa
import pyarrow.parquet as pq

NS = {'D': 86400 * 10 ** 9, 'h': 3600 * 10 ** 9, 'm': 60 * 10 ** 9, 's': 10 ** 9,
      'ms': 10 ** 6, 'us': 10 ** 3, 'ns': 1}


def flt(x):
    x = float(x)
    if math.isnan(x):
        return 'nan'
    if x == 0.0 and math.copysign(1.0, x) < 0:
        return '-0.0'
    return x


def np_norm(x, dt):
    """A numpy element (or subarray) of dtype `dt` as plain Python values."""
    if dt.names is not None:
        return [np_norm(x[n], dt.fields[n][0]) for n in dt.names]
    if dt.subdtype is not None:
        base, _ = dt.subdtype
        return np_nd(np.asarray(x), base)
    k = dt.kind
    if k in 'Mm':
        if np.isnat(x):
            return None
        unit, count = np.datetime_data(dt)
        return int(x.astype(np.int64)) * count * NS[unit]
    if k == 'c':
        return [flt(x.real), flt(x.imag)]
    if k == 'f':
        return flt(x)
    if k == 'S':
        return bytes(x).ljust(dt.itemsize, b'\0')
    if k == 'V':
        return bytes(x.tobytes())
    if k == 'U':
        return str(x)
    if k == 'b':
        return bool(x)
    if k in 'iu':
        return int(x)
    raise ValueError('unexpected dtype %r' % (dt,))


def np_nd(a, dt):
    """An n-d numpy array as nested lists of normalised elements."""
    if not isinstance(a, np.ndarray):
        return np_norm(a, dt)
    if a.ndim == 0:
        return np_norm(a[()], dt)
    return [np_nd(a[i], dt) for i in range(a.shape[0])]


def np_rows(a):
    if a.ndim == 0:
        rows = [np_norm(a[()], a.dtype)]
    else:
        rows = [np_nd(a[i], a.dtype) for i in range(a.shape[0])]
    if a.dtype.names is None:
        rows = [[r] for r in rows]
    return rows


def pa_values(arr):
    """A pyarrow Array as a list of plain Python values."""
    t = arr.type
    if pa.types.is_timestamp(t) or pa.types.is_duration(t):
        f = NS[t.unit]
        return [None if v is None else v * f for v in arr.cast(pa.int64()).to_pylist()]
    if pa.types.is_date32(t):
        return [None if v is None else v * NS['D'] for v in arr.cast(pa.int32()).to_pylist()]
    if pa.types.is_date64(t):
        return [None if v is None else v * NS['ms'] for v in arr.cast(pa.int64()).to_pylist()]
    if pa.types.is_struct(t):
        children = [pa_values(c) for c in arr.flatten()]
        return [[c[i] for c in children] if arr[i].is_valid else None
                for i in range(len(arr))]
    if pa.types.is_fixed_size_list(t) or pa.types.is_list(t) or pa.types.is_large_list(t):
        values = pa_values(arr.flatten())
        out, at = [], 0
        for i, n in enumerate(arr.value_lengths().to_pylist()):
            if n is None:
                out.append(None)
            else:
                out.append(values[at:at + n])
                at += n
        return out
    if pa.types.is_floating(t):
        return [None if v is None else flt(v) for v in arr.to_pylist()]
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return [None if v is None else v.rstrip('\0') for v in arr.to_pylist()]
    return arr.to_pylist()


def pa_rows(table):
    table = table.combine_chunks()
    cols = [pa_values(c.combine_chunks()) if c.num_chunks else [] for c in table.columns]
    return [[c[i] for c in cols] for i in range(table.num_rows)]


def first_difference(ours, theirs):
    if len(ours) != len(theirs):
        return 'pyarrow has %d rows, numpy %d' % (len(theirs), len(ours))
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if a != b:
            return 'row %d: pyarrow %r, numpy %r' % (i, b, a)
    return None


d = sys.argv[1]
for name in sys.argv[2:]:
    a = np.load(os.path.join(d, name + '.npy'), mmap_mode='r')
    expected = np_rows(a)
    readers = {
        'parquet': lambda p: pq.read_table(p),
        'arrow': lambda p: pa.ipc.open_file(pa.memory_map(p)).read_all(),
    }
    for fmt, read in readers.items():
        path = os.path.join(d, name + '.' + fmt)
        try:
            table = read(path)
            problem = None
            if a.dtype.names is not None and tuple(table.column_names) != a.dtype.names:
                problem = 'columns %r, numpy fields %r' % (table.column_names, a.dtype.names)
            if problem is None:
                problem = first_difference(expected, pa_rows(table))
        except Exception as e:
            problem = '%s: %s' % (type(e).__name__, e)
        if problem is None:
            print('ok', name, fmt)
        else:
            print('FAIL', name, fmt + ':', problem)
