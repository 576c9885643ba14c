# Writes the numpy -> Parquet / Arrow IPC table into sys.argv[1]: one `<name>.npy` per case,
# covering every dtype family (signed and unsigned ints, f2/f4/f8, bools, S/V/U, datetimes
# and timedeltas with NaT, complex), records nested and with subarray fields, aligned
# records (padding), big-endian data, C and Fortran order, 0-d and empty arrays. Prints
# the case names, one a line. Run by tests/export_numpy.rs (numpy is imported as `np` by
# the harness).
import os
d = sys.argv[1]
nat = np.datetime64('NaT')
point = np.dtype([('x', '<f4'), ('y', '<f4')])
cases = {
    'i1': np.array([-128, -1, 0, 127], dtype='i1'),
    'i2': np.array([-32768, 7, 32767], dtype='<i2'),
    'i4': np.array([-2 ** 31, 0, 2 ** 31 - 1], dtype='<i4'),
    'i8': np.array([-2 ** 63, -5, 2 ** 63 - 1], dtype='<i8'),
    'u1': np.array([0, 1, 255], dtype='u1'),
    'u2': np.array([0, 65535], dtype='<u2'),
    'u4': np.array([0, 2 ** 32 - 1, 12345], dtype='<u4'),
    'u8': np.array([0, 2 ** 63, 2 ** 64 - 1], dtype='<u8'),
    'f2': np.array([1.0, -0.5, 65504.0, np.inf, np.nan, -0.0], dtype='<f2'),
    'f4': np.array([0.1, -3.4e38, np.nan, -np.inf, 1e-45], dtype='<f4'),
    'f8': np.array([np.pi, -0.0, np.nan, np.inf, 5e-324], dtype='<f8'),
    'b1': np.array([True, False, True, True], dtype='?'),
    'S5': np.array([b'ab', b'', b'hello', b'a\x00b'], dtype='S5'),
    'V4': np.array([b'\x00\x01\x02\x03', b'\xff\xfe\x00\x00'], dtype='V4'),
    'U6': np.array(['', 'h\u00e9llo', 'a', '\u65e5\u672c\u8a9e', 'x\U0001f600'], dtype='<U6'),
    'M8_ns': np.array(['2024-02-29T12:34:56.123456789', 'NaT', '1677-09-22T00:12:43'],
                      dtype='datetime64[ns]'),
    'M8_s': np.array(['2024-02-29T12:34:56', 'NaT', '1970-01-01T00:00:00'],
                     dtype='datetime64[s]'),
    'M8_D': np.array(['2024-02-29', 'NaT', '1900-01-01'], dtype='datetime64[D]'),
    'm8_ms': np.array([0, -1500, 86400000, nat], dtype='timedelta64[ms]'),
    'm8_ns': np.array([1, nat, -(2 ** 62)], dtype='timedelta64[ns]'),
    'm8_s': np.array([3600, nat, -1], dtype='timedelta64[s]'),
    'M8_m': np.array(['2024-02-29T12:34', 'NaT', '1969-12-31T23:59'], dtype='datetime64[m]'),
    'c8': np.array([1 + 2j, -0.5j, complex(np.nan, np.inf)], dtype='<c8'),
    'c16': np.array([1 + 2j, -0.5j, 3.25], dtype='<c16'),
    'records': np.array([(1, 2.5, b'ab', True), (-3, -0.0, b'xyz', False)],
                        dtype=[('id', '<i4'), ('price', '<f8'), ('tag', 'S3'), ('ok', '?')]),
    'nested': np.array([(7, (1.5, -2.0), ('2024-01-01T00:00:00', 3)),
                        (8, (0.0, 1e30), ('NaT', -4))],
                       dtype=[('id', '<i8'), ('pos', point),
                              ('meta', [('at', 'M8[s]'), ('n', '<i2')])]),
    'subarray': np.array([(1, (0.5, 1.5, 2.5), ((1, 2), (3, 4))),
                          (2, (-1.0, np.nan, 0.0), ((-5, 6), (7, -8)))],
                         dtype=[('id', '<u4'), ('v', '<f8', (3,)), ('m', '<i2', (2, 2))]),
    'aligned': np.array([(1, 2.0, 3), (4, 5.0, 6)],
                        dtype=np.dtype([('a', 'u1'), ('b', '<f8'), ('c', '<i2')],
                                       align=True)),
    'be_i4': np.array([1, -2, 2 ** 31 - 1, -2 ** 31], dtype='>i4'),
    'be_f8': np.array([1.5, np.nan, -np.inf], dtype='>f8'),
    'be_records': np.array([(1, 2.5, '2024-02-29'), (-1, -0.25, 'NaT')],
                           dtype=[('a', '>i8'), ('b', '>f4'), ('t', '>M8[D]')]),
    'c_2d': np.arange(-6, 6, dtype='<i4').reshape(3, 4),
    'fortran_2d': np.asfortranarray(np.arange(12, dtype='<f8').reshape(3, 4) / 7),
    'fortran_3d': np.asfortranarray(np.arange(24, dtype='<u2').reshape(2, 3, 4)),
    'zero_d': np.array(-7, dtype='<i8'),
    'zero_d_record': np.array((1, 2.5), dtype=[('a', '<i2'), ('b', '<f4')]),
    'empty': np.zeros(0, dtype='<f8'),
    'empty_records': np.zeros(0, dtype=[('id', '<i8'), ('name', '<U4')]),
    'many': np.arange(1000, dtype='<i8') * 3 - 7,
}
for name, a in cases.items():
    np.save(os.path.join(d, name + '.npy'), a)
    print(name)
