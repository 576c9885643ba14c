# Writes malformed .npz archives into sys.argv[1], one per case, for tests/npz_numpy.rs.
# Each starts from a good archive written by numpy (or by zipfile, as numpy does) and breaks
# one thing. zipinfo.py is prepended.
import io, os, struct, zipfile
d = sys.argv[1]

def path(name):
    return os.path.join(d, name + '.npz')

def npy(arr):
    b = io.BytesIO()
    np.lib.format.write_array(b, arr)
    return b.getvalue()

good = path('good')
np.savez(good, x=np.arange(10, dtype='<f8'), y=np.arange(3, dtype='u1'))
raw = open(good, 'rb').read()
eocd = raw.rindex(b'PK\x05\x06')
cd_size, cd_start = struct.unpack('<II', raw[eocd + 12:eocd + 20])

# 1. not a zip file at all: a .npy file
open(path('not_zip'), 'wb').write(npy(np.arange(4)))
# 2. an empty file
open(path('empty'), 'wb').close()
# 3. the central directory cut in half (the end record kept, pointing past the bytes left)
open(path('truncated_cd'), 'wb').write(raw[:cd_start + cd_size // 2] + raw[eocd:])
# 4. the end of the archive cut off: no end-of-central-directory record
open(path('no_eocd'), 'wb').write(raw[:eocd - 7])
# 5. a member whose name does not end in .npy
with zipfile.ZipFile(path('not_npy'), 'w') as z:
    z.writestr('x.npy', npy(np.arange(3)))
    z.writestr('readme.txt', b'hello')
# 6. a member whose header's shape needs more bytes than the member holds
lying = npy(np.arange(1000, dtype='<i4'))[:128 + 40]
with zipfile.ZipFile(path('lying_shape'), 'w') as z:
    z.writestr('x.npy', lying)
# 7. a member whose .npy header is garbage
with zipfile.ZipFile(path('bad_header'), 'w') as z:
    z.writestr('x.npy', b'\x93NUMPY\x01\x00\x10\x00{not a dict}   \n')
# 8. the central directory claims a stored member is larger than the archive
b = bytearray(raw)
first = cd_start  # the first central directory entry: x.npy
assert b[first:first + 4] == b'PK\x01\x02'
b[first + 20:first + 28] = struct.pack('<II', 0x7fffffff, 0x7fffffff)
open(path('past_end'), 'wb').write(bytes(b))
# 9. deflated data damaged in the middle (the CRC or the inflater notices)
np.savez_compressed(path('bad_deflate'), x=np.arange(5000, dtype='<i8'))
b = bytearray(open(path('bad_deflate'), 'rb').read())
with zipfile.ZipFile(path('bad_deflate')) as z:
    start, _ = local(path('bad_deflate'), z.infolist()[0])
    size = z.infolist()[0].compress_size
for i in range(start + size // 2, start + size // 2 + 16):
    b[i] ^= 0x5a
open(path('bad_deflate'), 'wb').write(bytes(b))
# 10. a member compressed with a method numpy never writes (bzip2)
with zipfile.ZipFile(path('bzip2'), 'w', compression=zipfile.ZIP_BZIP2) as z:
    z.writestr('x.npy', npy(np.arange(3)))
# 11. a deflated archive to ask a map of, and a stored one to ask a missing member of
np.savez_compressed(path('deflated'), x=np.arange(3, dtype='<f8'))
print('ok')
