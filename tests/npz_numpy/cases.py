# Writes the numpy -> typed-memmap npz table into sys.argv[1]: `stored.npz` (np.savez) and
# `deflated.npz` (np.savez_compressed) with the same arrays; every member is also saved as
# `<s|d>_<name>.npy` for compare_json.py. Prints, per archive and member:
#   member <archive> <name> <descr> <shape> <fortran 0/1> <hex of the data bytes in the member>
#   zip <archive> <zipinfo.describe line>
# Run by tests/npz_numpy.rs (numpy is imported as `np` by the harness; zipinfo.py is
# prepended).
import os
d = sys.argv[1]
rec = np.dtype([('a', '<i4'), ('b', '<f8'), ('c', 'S3')])
nested = np.dtype([('p', [('x', '<f4'), ('y', '<f4')]), ('v', '<i2', (3,)), ('t', 'u1')],
                  align=True)
arrays = {
    'x': np.array([0.5, -1.25, np.pi, np.inf, np.nan], dtype='<f8'),
    'i4_2d': np.arange(-6, 6, dtype='<i4').reshape(3, 4),
    'f4_fortran': np.asfortranarray(np.arange(12, dtype='<f4').reshape(3, 4) / 7),
    'zero_d': np.array(-7, dtype='<i8'),
    'empty': np.zeros(0, dtype='<f8'),
    'empty_2d': np.zeros((3, 0), dtype='<u2'),
    'be_i4': np.array([1, -2, 2 ** 31 - 1, -2 ** 31], dtype='>i4'),
    'be_f8_2d': (np.arange(6) * 1.5).astype('>f8').reshape(2, 3),
    'flags': np.array([True, False, True]),
    'u1_3d': np.arange(24, dtype='u1').reshape(2, 3, 4),
    'records': np.array([(1, 2.5, b'ab'), (-3, -0.0, b'xyz')], dtype=rec),
    'nested': np.array([((1.5, -2.0), (1, 2, 3), 9), ((0.0, 1e30), (-4, 5, -6), 255)],
                       dtype=nested),
    'c16': np.array([1 + 2j, -0.5j], dtype='<c16'),
    'U5': np.array(['ab', 'h\u00e9llo', ''], dtype='<U5'),
    'M8_s': np.array(['2024-02-29T12:34:56', 'NaT'], dtype='datetime64[s]'),
    'f2': np.array([1.0, -0.5, 65504.0], dtype='<f2'),
}
np.savez(os.path.join(d, 'stored.npz'), **arrays)
np.savez_compressed(os.path.join(d, 'deflated.npz'), **arrays)
for archive, prefix in (('stored', 's_'), ('deflated', 'd_')):
    path = os.path.join(d, archive + '.npz')
    with np.load(path) as z:
        for name in z.files:
            a = z[name]
            # The member's data bytes as the archive holds them (numpy's loaded copy leaves
            # the padding bytes of records uninitialised, so they are not compared from it).
            image = z.zip.read(name + '.npy')
            data = image[npy_header_len(image):]
            assert len(data) == a.nbytes
            np.save(os.path.join(d, prefix + name + '.npy'), a)
            fortran = a.flags.f_contiguous and not a.flags.c_contiguous
            print('member', archive, name, repr(np.lib.format.dtype_to_descr(a.dtype)),
                  ','.join(map(str, a.shape)), int(fortran), data.hex() or '-',
                  sep='\t')
    for line in describe(path):
        print('zip', archive, line, sep='\t')
