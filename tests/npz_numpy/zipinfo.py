# Helpers shared by the npz test scripts: where a member's bytes are in the archive, read
# from its local header, and whether that header carries zip64 sizes.
import ctypes, struct, zipfile

def local(path, zi):
    """(start of the member's stored bytes, local extra field) from its local header."""
    with open(path, 'rb') as f:
        f.seek(zi.header_offset)
        h = f.read(30)
        assert h[:4] == b'PK\x03\x04', h[:4]
        n, e = struct.unpack('<HH', h[26:30])
        extra = f.read(n + e)[n:]
    return zi.header_offset + 30 + n + e, extra

def has_zip64(extra):
    i = 0
    while i + 4 <= len(extra):
        tag, size = struct.unpack('<HH', extra[i:i + 4])
        if tag == 1:
            return True
        i += 4 + size
    return False

def npy_header_len(raw):
    """The length of a .npy image's preamble and header, from its first bytes."""
    if raw[6] == 1:
        return 10 + int.from_bytes(raw[8:10], 'little')
    return 12 + int.from_bytes(raw[8:12], 'little')

def describe(path):
    """One tab-separated line per member: file name, compression ('stored'/'deflated'),
    start of stored bytes, start of array data (stored members; -1 otherwise), zip64 in the
    local header (0/1)."""
    lines = []
    with zipfile.ZipFile(path) as z:
        for zi in z.infolist():
            start, extra = local(path, zi)
            kind = {zipfile.ZIP_STORED: 'stored', zipfile.ZIP_DEFLATED: 'deflated'}[zi.compress_type]
            data = -1
            if kind == 'stored':
                with open(path, 'rb') as f:
                    f.seek(start)
                    data = start + npy_header_len(f.read(16))
            lines.append('\t'.join([zi.filename, kind, str(start), str(data),
                                    str(int(has_zip64(extra)))]))
    return lines

def raw(a):
    """The bytes of a contiguous array as they are in memory, padding bytes of records
    included (`tobytes` copies records field by field and may leave padding out)."""
    assert a.flags.c_contiguous or a.flags.f_contiguous
    return ctypes.string_at(a.ctypes.data, a.nbytes)
