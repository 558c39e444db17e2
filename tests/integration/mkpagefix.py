#!/usr/bin/env python3
"""Pages whose one mark is known, for the page image tests (75-page-images-fast.sh).

Every page is, upright, white with one black block at the fractions BLOCK of
its width and height (top left origin), on the left below the middle, so a
page drawn turned or mirrored puts it somewhere else.  Written here (python3
standard library, pdftoppm for JPEG, scripts/mkscans.py for TIFF and EXIF):

  scan.pdf        a scanner's PDF: A4, one 2480 x 3508 grey picture over the page
  photo6.jpg      a 3508 x 2480 JPEG lying on its side, EXIF orientation 6
  photo8.jpg      the same the other way, EXIF orientation 8
  scan.png        a 2480 x 3508 grey PNG (300 dpi)
  colour.png      a 2481 x 3509 RGB PNG (odd sides: the last row and column
                  fall outside the halves), the block dark red
  fax.tif         a two-page 1-bit TIFF, 1700 x 2200; the block on page 2,
                  page 1 blank

usage: mkpagefix.py make DIR
       mkpagefix.py check PNG       prints "W H INSIDE MIRRORED_X MIRRORED_Y
                                    TURNED": the mean grey of the block's place,
                                    of its place mirrored left to right, top to
                                    bottom, and of its place turned a quarter
"""
import os
import struct
import subprocess
import sys
import tempfile
import zlib

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "scripts"))
sys.dont_write_bytecode = True

BLOCK = (0.05, 0.55, 0.30, 0.65)  # x0, y0, x1, y1: apart from its mirror images and its transpose


def raster(w, h, block=True):
    """(w, h, grey bytes): white, the block black."""
    px = bytearray(b"\xff" * (w * h))
    if block:
        x0, y0, x1, y1 = (int(BLOCK[0] * w), int(BLOCK[1] * h), int(BLOCK[2] * w),
                          int(BLOCK[3] * h))
        row = b"\0" * (x1 - x0)
        for y in range(y0, y1):
            px[y * w + x0:y * w + x1] = row
    return w, h, px


def pdf(objs_pages, path):
    """objs_pages: list of (width pt, height pt, ops, {name: (w, h, grey)})."""
    objs = [None, None]
    kids = []
    for wpt, hpt, ops, images in objs_pages:
        xo = b""
        for name, (w, h, data) in images.items():
            z = zlib.compress(bytes(data), 6)
            objs.append(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d "
                        b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode "
                        b"/Length %d >>\nstream\n" % (w, h, len(z)) + z + b"\nendstream")
            xo += b"/%s %d 0 R " % (name.encode(), len(objs))
        objs.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(ops), ops))
        content = len(objs)
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources "
                    b"<< /XObject << %s>> >> /Contents %d 0 R >>" % (wpt, hpt, xo, content))
        kids.append(len(objs))
    objs[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[1] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) +
               b"] /Count %d >>" % len(kids))
    out = bytearray(b"%PDF-1.4\n")
    offs = []
    for i, body in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    with open(path, "wb") as f:
        f.write(out)


def turned_jpeg(path, orientation):
    """A landscape JPEG of the page lying on its side: 6 turns it a quarter
    clockwise to view, 8 a quarter counter-clockwise."""
    import mkscans
    x0, y0, x1, y1 = BLOCK
    # the block's place in the stored (sideways) picture, in fractions
    if orientation == 6:  # stored = upright turned a quarter counter-clockwise
        sx0, sx1, sy0, sy1 = y0, y1, 1 - x1, 1 - x0
    else:  # 8: stored = upright turned a quarter clockwise
        sx0, sx1, sy0, sy1 = 1 - y1, 1 - y0, x0, x1
    W, H = 842, 595
    ops = b"0 g %.2f %.2f %.2f %.2f re f" % (sx0 * W, (1 - sy1) * H, (sx1 - sx0) * W,
                                             (sy1 - sy0) * H)
    with tempfile.TemporaryDirectory() as d:
        pdf([(W, H, ops, {})], os.path.join(d, "p.pdf"))
        subprocess.run(["pdftoppm", "-jpeg", "-r", "300", "-singlefile",
                        os.path.join(d, "p.pdf"), os.path.join(d, "p")], check=True)
        with open(os.path.join(d, "p.jpg"), "rb") as f:
            jpeg = mkscans.jpeg_with_exif(f.read(), orientation, "2024:08:03 10:00:00")
    with open(path, "wb") as f:
        f.write(jpeg)


def png_rgb(img):
    """An RGB PNG of a grey raster, its black made dark red."""
    w, h, px = img
    raw = bytearray()
    for y in range(h):
        raw.append(0)
        row = px[y * w:(y + 1) * w]
        rgb = bytearray(3 * w)
        rgb[0::3] = row.replace(b"\0", b"\x30")
        rgb[1::3] = row
        rgb[2::3] = row
        raw += rgb

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(bytes(raw), 6)) + chunk(b"IEND", b""))


def make(d):
    import mkscans
    os.makedirs(d, exist_ok=True)
    img = raster(2480, 3508)
    pdf([(595, 842, b"q 595 0 0 842 0 0 cm /Im0 Do Q", {"Im0": img})],
        os.path.join(d, "scan.pdf"))
    turned_jpeg(os.path.join(d, "photo6.jpg"), 6)
    turned_jpeg(os.path.join(d, "photo8.jpg"), 8)
    with open(os.path.join(d, "scan.png"), "wb") as f:
        f.write(mkscans.png_gray(img, 300))
    with open(os.path.join(d, "colour.png"), "wb") as f:
        f.write(png_rgb(raster(2481, 3509)))
    with open(os.path.join(d, "fax.tif"), "wb") as f:
        f.write(mkscans.tiff_fax([raster(1700, 2200, False), raster(1700, 2200)], 200))


def read_png(path):
    """(w, h, rows of grey bytes) of an 8-bit grey or RGB PNG (grey: its
    first channel), any filter."""
    d = open(path, "rb").read()
    pos, idat = 8, b""
    while pos < len(d):
        n, = struct.unpack(">I", d[pos:pos + 4])
        t, c = d[pos + 4:pos + 8], d[pos + 8:pos + 8 + n]
        pos += 12 + n
        if t == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", c[:10])
            assert depth == 8 and ctype in (0, 2), (depth, ctype)
        elif t == b"IDAT":
            idat += c
    raw = zlib.decompress(idat)
    bpp = 1 if ctype == 0 else 3
    st = w * bpp
    prev = bytearray(st)
    rows = []
    for y in range(h):
        f = raw[y * (st + 1)]
        r = bytearray(raw[y * (st + 1) + 1:(y + 1) * (st + 1)])
        for i in range(st):
            a = r[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                r[i] = (r[i] + a) & 255
            elif f == 2:
                r[i] = (r[i] + b) & 255
            elif f == 3:
                r[i] = (r[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                r[i] = (r[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(r[::bpp]))
        prev = r
    return w, h, rows


def mean(rows, w, h, x0, y0, x1, y1):
    """Mean grey of the middle of the box (fractions), a margin left."""
    mx, my = (x1 - x0) * 0.2, (y1 - y0) * 0.2
    xs = range(int((x0 + mx) * w), int((x1 - mx) * w))
    ys = range(int((y0 + my) * h), int((y1 - my) * h))
    tot = sum(rows[y][x] for y in ys for x in xs)
    return tot // max(1, len(xs) * len(ys))


def check(path):
    w, h, rows = read_png(path)
    x0, y0, x1, y1 = BLOCK
    print(w, h, mean(rows, w, h, x0, y0, x1, y1), mean(rows, w, h, 1 - x1, y0, 1 - x0, y1),
          mean(rows, w, h, x0, 1 - y1, x1, 1 - y0), mean(rows, w, h, y0, x0, y1, x1))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "make":
        make(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "check":
        check(sys.argv[2])
    else:
        sys.exit(__doc__)
