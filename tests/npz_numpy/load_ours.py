# Loads the archives the Rust test wrote (sys.argv[1:] are their paths) with np.load and
# prints what numpy sees, in the format of cases.py:
#   member <archive path> <name> <descr> <shape> <fortran 0/1> <hex of the bytes in memory order, padding included>
#   zip <archive path> <zipinfo.describe line>
# Run by tests/npz_numpy.rs (zipinfo.py is prepended).
for path in sys.argv[1:]:
    with np.load(path) as z:
        for name in z.files:
            a = z[name]
            fortran = a.flags.f_contiguous and not a.flags.c_contiguous
            print('member', path, name, repr(np.lib.format.dtype_to_descr(a.dtype)),
                  ','.join(map(str, a.shape)), int(fortran), raw(a).hex() or '-',
                  sep='\t')
    for line in describe(path):
        print('zip', path, line, sep='\t')
