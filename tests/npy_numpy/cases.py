# Writes the numpy -> typed-memmap test table: one `.npy` per case into sys.argv[1], with
# `np.save` or `np.lib.format.write_array(version=...)`, and prints the case names.
# Run by tests/npy_numpy_roundtrip.rs (numpy is imported as `np` by the harness).
import os
d = sys.argv[1]
names = []

def save(name, arr, version=None):
    path = os.path.join(d, name + '.npy')
    if version is None:
        np.save(path, arr)
    else:
        with open(path, 'wb') as f:
            np.lib.format.write_array(f, arr, version=version)
    names.append(name)

save('bool', np.array([True, False, True, True]))
for t in ['i1', 'i2', 'i4', 'i8']:
    i = np.iinfo(t)
    save(t, np.array([i.min, -1, 0, 1, i.max], dtype='<' + t))
for t in ['u1', 'u2', 'u4', 'u8']:
    i = np.iinfo(t)
    save(t, np.array([0, 1, 2, i.max], dtype='<' + t))
for t in ['i2', 'i4', 'i8', 'u2', 'u4', 'u8']:
    i = np.iinfo(t)
    save('be_' + t, np.array([i.min, 1, i.max // 3, i.max], dtype='>' + t))
floats = [0.0, -0.0, 0.1, 1.0 / 3.0, -2.5, np.nan, np.inf, -np.inf]
save('f2', np.array(floats + [65504.0, 6e-8, 1e-5], dtype='<f2'))
save('f4', np.array(floats + [3.4e38, 1e-45, 1.17549435e-38, 16777217.0], dtype='<f4'))
save('f8', np.array(floats + [1e300, 5e-324, 2.0 ** 53 + 1, 123456789.125], dtype='<f8'))
# every half float, and random bit patterns of the wider floats: the JSON digits must
# round-trip for each one
save('f2_every_bit_pattern', np.arange(65536, dtype='<u2').view('<f2'))
bits = np.random.default_rng(7)
save('f4_random_bits', bits.integers(0, 2 ** 32, 20000, dtype='<u4').view('<f4'))
save('f8_random_bits', bits.integers(-2 ** 63, 2 ** 63 - 1, 20000, dtype='<i8',
                                         endpoint=True).view('<f8'))
save('be_f2', np.array(floats, dtype='>f2'))
save('be_f4', np.array(floats, dtype='>f4'))
save('be_f8', np.array(floats, dtype='>f8'))
cplx = [1 + 2j, -0.5 - 0.25j, complex(np.nan, 1), complex(0, np.inf), 0.1 + 0.2j]
save('c8', np.array(cplx, dtype='<c8'))
save('c16', np.array(cplx, dtype='<c16'))
save('be_c16', np.array(cplx, dtype='>c16'))
# x86 long double (`<f16`, `<c32`): not decodable into an f64, printed as hex
save('longdouble', np.array([1.5, -2.0, 1 / 3], dtype=np.longdouble))
save('clongdouble', np.array([1 + 2j], dtype=np.clongdouble))
save('S5', np.array([b'ab', b'', b'abcde', b'a\x00b', b'\xff\x01'], dtype='S5'))
save('S1_2d', np.array([[b'x', b'y'], [b'', b'z']], dtype='S1'))
save('U3', np.array(['a', 'h\u00e9\u00e9', '\U0001F600x', '', 'q"\\'], dtype='<U3'))
save('be_U2', np.array(['ab', '\u0394', ''], dtype='>U2'))
save('V4', np.array([b'\x01\x02\x03\x04', b'\x00\x00\x00\xff'], dtype='V4'))
stamps = ['1970-01-01T00:00:00', '2024-02-29T12:34:56', 'NaT', '1900-01-01T00:00:00']
for u in ['ns', 'us', 'ms', 's', 'm', 'h']:
    save('M8_' + u, np.array(stamps, dtype='datetime64[' + u + ']'))
for u in ['D', 'W', 'M', 'Y']:
    save('M8_' + u, np.array(['1970-01-01', '2024-02-29', 'NaT', '1492-10-12'],
                             dtype='datetime64[' + u + ']'))
save('M8_generic', np.array(['NaT', 'NaT'], dtype='datetime64'))
save('M8_25s', np.array([0, 4, -1], dtype='datetime64[25s]'))
save('be_M8_s', np.array(stamps, dtype='>M8[s]'))
save('m8_ns', np.array([0, -1, 10 ** 18, 'NaT'], dtype='timedelta64[ns]'))
save('m8_D', np.array([0, 365, -7, 'NaT'], dtype='timedelta64[D]'))
save('m8_s', np.array([0, 86400, -1, 'NaT'], dtype='<m8[s]'))
# shapes and orders
save('scalar_f8', np.array(3.5))
save('scalar_i2', np.array(-7, dtype='<i2'))
save('empty_f8', np.zeros(0, dtype='<f8'))
save('empty_2d_i4', np.zeros((0, 3), dtype='<i4'))
save('empty_f_order', np.asfortranarray(np.zeros((2, 0, 3), dtype='<u2')))
save('c_2d_i4', np.arange(6, dtype='<i4').reshape(2, 3))
save('f_2d_i4', np.asfortranarray(np.arange(6, dtype='<i4').reshape(2, 3)))
save('c_3d_f8', np.arange(24, dtype='<f8').reshape(2, 3, 4) / 7)
save('f_3d_f8', np.asfortranarray(np.arange(24, dtype='<f8').reshape(2, 3, 4) / 7))
save('f_2d_u1', np.asfortranarray(np.arange(12, dtype='u1').reshape(3, 4)))
save('f_2d_be_i2', np.asfortranarray(np.arange(-6, 6, dtype='>i2').reshape(4, 3)))
save('c_3d_bool', (np.arange(12).reshape(2, 2, 3) % 3) == 0)
save('f_2d_c16', np.asfortranarray((np.arange(6) + 1j * np.arange(6)[::-1]).reshape(2, 3)))
save('f_2d_S3', np.asfortranarray(np.array([[b'a', b'bb'], [b'ccc', b'']], dtype='S3')))
# versions
save('v1_f4', np.arange(5, dtype='<f4'), version=(1, 0))
save('v2_i8', np.arange(5, dtype='<i8'), version=(2, 0))
save('v3_u2', np.arange(5, dtype='<u2'), version=(3, 0))
save('v2_2d_f', np.asfortranarray(np.arange(6, dtype='<i2').reshape(3, 2)), version=(2, 0))
# records
simple = np.dtype([('a', '<i4'), ('b', '<f8')])
save('rec_simple', np.array([(1, 0.5), (-2, np.nan), (3, -np.inf)], dtype=simple))
save('rec_be', np.array([(1, 2.5), (-300, -1e10)], dtype=[('x', '>i4'), ('y', '>f8')]))
aligned = np.dtype([('a', 'i1'), ('b', '<i4'), ('c', 'i1')], align=True)
save('rec_aligned_padded', np.array([(1, 2, 3), (-1, -2, -3)], dtype=aligned))
gaps = np.dtype({'names': ['a', 'b'], 'formats': ['<i4', '<i4'], 'offsets': [1, 6],
                 'itemsize': 12})
save('rec_gaps', np.array([(7, 8), (-7, -8)], dtype=gaps))
titled = np.dtype({'names': ['a', 'b'], 'formats': ['<i4', '<f4'], 'offsets': [0, 4],
                   'titles': ['alpha', 'beta']})
save('rec_titled', np.array([(1, 1.5), (2, -0.0)], dtype=titled))
nested = np.dtype([('a', [('b', '<i2'), ('c', 'u1')]), ('d', '<f4')])
save('rec_nested', np.array([((1, 2), 3.0), ((-1, 255), 0.1)], dtype=nested))
sub = np.dtype([('x', '<i4', (2,)), ('y', '<f8', (2, 2)), ('z', 'u1')])
save('rec_subarray', np.array([([1, 2], [[1, 2], [3, 4]], 9), ([3, 4], [[5, 6], [7, 8.5]], 0)],
                              dtype=sub))
pts = np.dtype([('p', [('x', '<f4'), ('y', '<f4')], (3,)), ('n', '<i2')])
save('rec_struct_subarray', np.array([([(1, 2), (3, 4), (5, 6)], 7)], dtype=pts))
mixed = np.dtype([('name', 'S4'), ('u', '<U2'), ('when', '<M8[s]'), ('ok', '?'),
                  ('z', '<c8'), ('raw', 'V3'), ('h', '<f2')])
save('rec_mixed', np.array([(b'ab', 'x\u00e9', '2001-01-01T00:00:01', True, 1 - 1j, b'\x01\x02\x03',
                             0.5)] * 2, dtype=mixed))
save('rec_mixed_typed', np.array([(b'ab', 'x\u00e9', '2001-01-01T00:00:01', True),
                                  (b'abcd', '', 'NaT', False)],
                                 dtype=[('name', 'S4'), ('u', '<U2'), ('when', '<M8[s]'),
                                        ('ok', '?')]))
save('rec_latin1_name', np.array([(1,), (2,)], dtype=[('caf\u00e9', '<i4')]))
save('rec_unicode_names_v3', np.array([(1.5, 2), (3.5, 4)],
                                      dtype=[('\u0394x', '<f4'), ('\u540d', '<i2')]))
save('rec_2d_c', np.array([[(1, 2.0), (3, 4.0)], [(5, 6.0), (7, 8.0)], [(9, 1.0), (0, 0.0)]],
                          dtype=simple))
save('rec_2d_f', np.asfortranarray(np.array([[(1, 2.0), (3, 4.0), (5, 6.0)],
                                             [(7, 8.0), (9, 1.0), (0, 0.0)]], dtype=simple)))
save('rec_scalar', np.array((5, 6.25), dtype=simple))
save('rec_empty', np.zeros(0, dtype=nested))
save('rec_no_fields', np.zeros(2, dtype=np.dtype({'names': [], 'formats': [], 'itemsize': 8})))
save('rec_v3', np.array([(1, 2.0)], dtype=simple), version=(3, 0))
save('rec_quote_name', np.array([(1, 2)], dtype=[("it's", '<i2'), ('a"b', '<i2')]))
save('rec_be_nested_v2', np.array([((1, 2),)], dtype=[('o', [('i', '>u2'), ('j', '>i8')])]),
     version=(2, 0))
# numpy chooses version 2.0 itself when the header needs more than 65535 bytes
wide = np.dtype([('f%04d' % i, '<i2') for i in range(4000)])
save('rec_wide_auto_v2', np.arange(4000 * 2, dtype='<i2').view(wide))
for n in names:
    print(n)
