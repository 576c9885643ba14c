# Writes sys.argv[1] (an .npz) holding one stored member `big.npy` of more than 4 GiB: a
# `|u1` array of 2**32 + 64 bytes whose last 8 bytes are 1..8 and the rest zero, written as a
# sparse file (the zeros are a hole) with zip64 sizes in the local header, the central
# directory and the zip64 end records, as zipfile writes a large member. The CRC is computed
# without reading the zeros (a CRC over zeros is linear in the register). Prints `sparse` or
# `dense` (whether the filesystem kept the hole), then the member's data offset. The archive is
# checked with Python's zipfile and numpy's np.load (which lists it; reading the member would
# copy 4 GiB). zipinfo.py is prepended.
import os, struct, zipfile, zlib
path = sys.argv[1]
n = 2 ** 32 + 64
tail = bytes(range(1, 9))

def crc_after_zeros(crc, count):
    """zlib.crc32(bytes(count), crc), by squaring the linear map of one zero byte."""
    def apply(m, v):
        out, i = 0, 0
        while v:
            if v & 1:
                out ^= m[i]
            v >>= 1
            i += 1
        return out
    one = [0xffffffff ^ zlib.crc32(b'\0', 0xffffffff ^ (1 << i)) for i in range(32)]
    reg = 0xffffffff ^ crc
    while count:
        if count & 1:
            reg = apply(one, reg)
        one = [apply(one, c) for c in one]
        count >>= 1
    return 0xffffffff ^ reg

for k in (0, 1, 7, 1000):
    assert crc_after_zeros(12345, k) == zlib.crc32(bytes(k), 12345)

import io
buf = io.BytesIO()
np.lib.format.write_array_header_1_0(buf, {'descr': '|u1', 'fortran_order': False,
                                           'shape': (n,)})
header = buf.getvalue()
size = len(header) + n
crc = zlib.crc32(header)
crc = crc_after_zeros(crc, n - len(tail))
crc = zlib.crc32(tail, crc)

name = b'big.npy'
local_extra = struct.pack('<HHQQ', 1, 16, size, size)
local = struct.pack('<IHHHHHIIIHH', 0x04034b50, 45, 0, 0, 0, 0x21, crc, 0xffffffff,
                    0xffffffff, len(name), len(local_extra)) + name + local_extra
data_start = len(local)
with open(path, 'wb') as f:
    f.write(local)
    f.write(header)
    f.truncate(data_start + size - len(tail))
    f.seek(data_start + size - len(tail))
    f.write(tail)
    cd_start = f.tell()
    cd_extra = struct.pack('<HHQQ', 1, 16, size, size)
    cd = struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 45, 45, 0, 0, 0, 0x21, crc,
                     0xffffffff, 0xffffffff, len(name), len(cd_extra), 0, 0, 0, 0, 0)
    cd += name + cd_extra
    f.write(cd)
    eocd64 = f.tell()
    f.write(struct.pack('<IQHHIIQQQQ', 0x06064b50, 44, 45, 45, 0, 0, 1, 1, len(cd), cd_start))
    f.write(struct.pack('<IIQI', 0x07064b50, 0, eocd64, 1))
    f.write(struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 1, 1, len(cd), 0xffffffff, 0))

with zipfile.ZipFile(path) as z:
    zi = z.infolist()[0]
    assert (zi.filename, zi.file_size, zi.compress_size) == ('big.npy', size, size), zi
    with z.open('big.npy') as m:
        assert m.read(len(header)) == header
with np.load(path) as z:
    assert z.files == ['big'], z.files
blocks = os.stat(path).st_blocks * 512
print('sparse' if blocks < 64 << 20 else 'dense')
print(data_start + len(header))
