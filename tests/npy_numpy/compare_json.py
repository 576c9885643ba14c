# Compares our JSON dump of each case (`<name><suffix>` in sys.argv[1], written by the Rust
# test with examples/npy2json/json.rs) with what numpy loads from `<name>.npy`: header descr,
# shape, fortran_order, and every value (decoded by numpy from the raw item bytes).
# Prints `ok <number of matching cases>` and one `MISMATCH` line per problem.
import ast, json, math, os
d = sys.argv[1]
suffix = sys.argv[2]
names = sys.argv[3:]

def header(path):
    b = open(path, 'rb').read()
    if b[6] == 1:
        n, start = int.from_bytes(b[8:10], 'little'), 10
    else:
        n, start = int.from_bytes(b[8:12], 'little'), 12
    return ast.literal_eval(b[start:start + n].decode('utf8' if b[6] == 3 else 'latin1'))

def is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)

def fl(dt, ours, raw):
    v = np.frombuffer(raw, dtype=dt)[0]
    if np.isnan(v):
        return ours == 'nan'
    if np.isinf(v):
        return ours == ('inf' if v > 0 else '-inf')
    return (is_num(ours) and dt.type(ours) == v
            and math.copysign(1.0, float(ours)) == math.copysign(1.0, float(v)))

def sub(base, shape, ours, raw):
    if not shape:
        return eq(base, ours, raw)
    step = base.itemsize * int(np.prod(shape[1:], dtype=np.int64))
    return (isinstance(ours, list) and len(ours) == shape[0]
            and all(sub(base, shape[1:], ours[i], raw[i * step:(i + 1) * step])
                    for i in range(shape[0])))

def eq(dt, ours, raw):
    if dt.names is not None:
        if not isinstance(ours, dict) or list(ours) != list(dt.names):
            return False
        return all(eq(dt.fields[n][0], ours[n],
                      raw[dt.fields[n][1]:dt.fields[n][1] + dt.fields[n][0].itemsize])
                   for n in dt.names)
    if dt.subdtype is not None:
        return sub(dt.subdtype[0], dt.subdtype[1], ours, raw)
    k = dt.kind
    if k in 'fc' and dt.itemsize > (8 if k == 'f' else 16):
        # long double: not representable as a JSON double, so npy2json prints the raw bytes
        return ours == raw.hex()
    if k == 'b':
        return ours is (raw[0] != 0)
    if k in 'iu':
        return is_num(ours) and isinstance(ours, int) and ours == int(np.frombuffer(raw, dt)[0])
    if k == 'f':
        return fl(dt, ours, raw)
    if k == 'c':
        h = dt.itemsize // 2
        part = np.dtype(dt.byteorder + 'f%d' % h)
        return (isinstance(ours, list) and len(ours) == 2
                and fl(part, ours[0], raw[:h]) and fl(part, ours[1], raw[h:]))
    if k in 'SV':
        return ours == raw.hex()
    if k == 'U':
        return ours == str(np.frombuffer(raw, dt)[0])
    if k in 'Mm':
        return ours == int.from_bytes(raw, 'big' if dt.byteorder == '>' else 'little', signed=True)
    return False

bad = []
for n in names:
    path = os.path.join(d, n + '.npy')
    ours = json.load(open(os.path.join(d, n + suffix), encoding='utf8'))
    h = header(path)
    arr = np.load(path, max_header_size=10 ** 8)
    if ast.literal_eval(ours['descr']) != h['descr']:
        bad.append((n, 'descr', ours['descr']))
    if ours['shape'] != list(arr.shape) or ours['fortran_order'] != h['fortran_order']:
        bad.append((n, 'shape/order', ours['shape'], ours['fortran_order']))
    raw = np.ascontiguousarray(arr).tobytes()
    size = arr.dtype.itemsize
    vals = ours['values']
    if len(vals) != arr.size:
        bad.append((n, 'count', len(vals), arr.size))
        continue
    for i, v in enumerate(vals):
        if not eq(arr.dtype, v, raw[i * size:(i + 1) * size]):
            bad.append((n, 'value', i, v))
            break
print('ok', len(names) - len({b[0] for b in bad}))
for b in bad:
    print('MISMATCH', *b)
