#!/usr/bin/env python3
"""Scans that lie turned, without EXIF orientation, for the OCR tests
(python3 standard library and pdftoppm only, like scripts/mkscans.py, whose
typesetting, rasterising and file writers it borrows).

usage: mkturned.py DIR [PHOTOTEST.png]   writes under DIR:
  constancia_90.png       a page lying on its right side (turned 90 degrees clockwise)
  constancia_180.png      the same page upside down
  constancia_270.bmp      the same page on its left side, as a BMP
  traslado_de_lado.pdf    a scanner's PDF (image only) whose page image lies on its side
  etiqueta_180.png        a small label upside down: too little text for leptonica's
                          quick look, so only the bad first reading calls OSD
  recibo_derecho.png      an upright page, the control
and, given tesseract's phototest (tesseract.js's testocr.png, an RGBA PNG):
  phototest_90.png, phototest_180.png, phototest_270.png   it turned, as grey PNGs
Known answers: tests/integration/53-ocr-turned.sh.
"""
import os
import random
import struct
import sys
import zlib

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "scripts"))
sys.dont_write_bytecode = True  # nothing written into the source tree
import mkscans  # noqa: E402

CONSTANCIA = [("CONSTANCIA DE TRASLADO", "B"), "",
              "Se deja constancia de que Wilmer Castañeda Urdaneta",
              "fue trasladado al Internado Judicial de Rodeo II",
              "el jueves 12 de septiembre de 2024, sin aviso",
              "a su familia ni a su defensora."]
TRASLADO = [("ACTA DE REQUISA", "B"), "",
            "Durante la requisa del pabellón C se retiraron",
            "los cuadernos de Yusmary Ocanto Bermúdez.",
            "Ella denuncia que no le entregaron constancia",
            "ni le permitieron llamar a su abogado."]
ETIQUETA = [("CAJA 14", "B"), "Expedientes de Nelson Guaramato"]
RECIBO = [("RECIBO DE VISITA", "B"), "",
          "Recibimos la visita de la comisión de derechos",
          "humanos el lunes 7 de octubre de 2024, en la",
          "sede del comité en Barquisimeto."]


def rotate_cw(img, quarters):
    """(w, h, grey bytes) turned `quarters` x 90 degrees clockwise."""
    w, h, px = img
    for _ in range(quarters % 4):
        out = bytearray(w * h)
        # new width h, new height w; old (x, y) goes to (h - 1 - y, x)
        for y in range(h):
            row = px[y * w:(y + 1) * w]
            nx = h - 1 - y
            out[nx::h] = row
        w, h, px = h, w, out
    return w, h, px


def read_png_grey(path):
    """An 8-bit, non-interlaced PNG (grey, RGB, grey+alpha or RGBA) as
    (w, h, grey bytes), transparent parts on white."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w = 8, b"", None
    while pos < len(data):
        n, t = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if t == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0 and ctype in (0, 2, 4, 6)
        elif t == b"IDAT":
            idat += body
        pos += 12 + n
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    grey = bytearray(w * h)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(w):
            px = line[x * bpp:(x + 1) * bpp]
            v = px[0] if ctype in (0, 4) else (299 * px[0] + 587 * px[1] + 114 * px[2]) // 1000
            alpha = px[-1] if ctype in (4, 6) else 255
            grey[y * w + x] = (v * alpha + 255 * (255 - alpha)) // 255
        prev = line
    return w, h, grey


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(12)

    def save(name, data):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)

    # pdftoppm renders a page with /Rotate R turned R degrees clockwise:
    # the pixels lie turned, and nothing in the file says so
    for rot, name, writer in ((90, "constancia_90.png", mkscans.png_gray),
                              (180, "constancia_180.png", mkscans.png_gray),
                              (270, "constancia_270.bmp", mkscans.bmp_gray)):
        pdf = mkscans.make_pdf([mkscans.page(CONSTANCIA, 430, 200, size=12, rotate=rot)])
        save(name, writer(mkscans.speckle(mkscans.render(pdf, 200), rng, 0.001), 200))

    # a scanner's PDF whose one page image lies on its side (the page was
    # fed sideways): the image is turned in the file, the page box with it
    img = mkscans.render(mkscans.make_pdf([mkscans.page(TRASLADO, 420, 300, size=13)]), 150)
    w, h, px = rotate_cw(mkscans.speckle(img, rng, 0.002), 1)
    save("traslado_de_lado.pdf", mkscans.make_pdf([
        {"w": 300, "h": 420, "images": {"Im1": (w, h, bytes(px))},
         "ops": b"q 300 0 0 420 0 0 cm /Im1 Do Q"}]))

    pdf = mkscans.make_pdf([mkscans.page(ETIQUETA, 260, 70, size=14, rotate=180, margin=18)])
    save("etiqueta_180.png", mkscans.png_gray(mkscans.render(pdf, 150), 150))

    img = mkscans.render(mkscans.make_pdf([mkscans.page(RECIBO, 430, 180, size=12)]), 200)
    save("recibo_derecho.png", mkscans.png_gray(mkscans.speckle(img, rng, 0.001), 200))

    if len(sys.argv) > 2:
        photo = read_png_grey(sys.argv[2])
        for q in (1, 2, 3):
            save("phototest_%d.png" % (90 * q), mkscans.png_gray(rotate_cw(photo, q), 0))


if __name__ == "__main__":
    main()
