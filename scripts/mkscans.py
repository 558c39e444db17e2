#!/usr/bin/env python3
"""Makes the scanned-looking sample files of corpus/escaneos/ (fictional).

Each image is typeset as a small PDF (Helvetica, WinAnsi: Spanish accents),
rasterised with pdftoppm (poppler-utils), then dressed up in plain Python:
speckle, uneven lighting, a slight skew, sideways pixels with an EXIF
orientation, 1-bit fax pages, image-only PDF pages.  Noise comes from a
seeded generator, so the same Debian (poppler, fonts) gives the same bytes.
No imaging library is needed: PNG, TIFF, BMP and PDF are written here;
JPEG comes from pdftoppm and gets its EXIF segment spliced in.

Usage: scripts/mkscans.py [OUTDIR]        (default corpus/escaneos)
       scripts/mkscans.py --bench N OUTDIR (N page images for bench/ocr.sh)
The known answers are in corpus/ESCANEOS.md.
"""
import argparse
import math
import os
import random
import struct
import subprocess
import sys
import tempfile
import zlib

# ---- a minimal PDF writer ------------------------------------------------


def pdf_str(s):
    b = s.encode("cp1252")
    return b"(" + b.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def text_ops(lines, x, y, size=13, lead=1.45, angle=0.0):
    """Content stream drawing lines (str, or (str, 'B') for bold) from the
    top-left point (x, y), rotated by angle degrees."""
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    out = []
    for i, line in enumerate(lines):
        font = "F1"
        if isinstance(line, tuple):
            line, font = line[0], "F2"
        dy = -i * size * lead
        px, py = x - s * dy, y + c * dy
        out.append(b"BT /%s %d Tf %.4f %.4f %.4f %.4f %.2f %.2f Tm %s Tj ET" %
                   (font.encode(), size, c, s, -s, c, px, py, pdf_str(line)))
    return b"\n".join(out)


def make_pdf(pages):
    """pages: list of dicts with w, h (points), ops (content bytes),
    optional rotate and images {name: (width, height, gray bytes)}."""
    objs = [None, None, None, None]  # 1 catalog, 2 pages, 3-4 fonts
    objs[2] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    objs[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
    kids = []
    for p in pages:
        xobj = b""
        for name, (iw, ih, data) in sorted(p.get("images", {}).items()):
            z = zlib.compress(data, 9)
            objs.append(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d "
                        b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode "
                        b"/Length %d >>\nstream\n" % (iw, ih, len(z)) + z + b"\nendstream")
            xobj += b"/%s %d 0 R " % (name.encode(), len(objs))
        ops = p.get("ops", b"")
        objs.append(b"<< /Length %d >>\nstream\n" % len(ops) + ops + b"\nendstream")
        content = len(objs)
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Rotate %d "
                    b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> /XObject << %s>> >> "
                    b"/Contents %d 0 R >>" % (p["w"], p["h"], p.get("rotate", 0), xobj, content))
        kids.append(len(objs))
    objs[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[1] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (
        len(kids), b" ".join(b"%d 0 R" % k for k in kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, o in enumerate(objs):
        offs.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


# ---- rasterising -----------------------------------------------------------


def render(pdf, dpi, fmt="pgm", page=1):
    """Renders one page with pdftoppm: (width, height, gray bytes) for pgm,
    the file's bytes for jpeg."""
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "in.pdf")
        with open(src, "wb") as f:
            f.write(pdf)
        args = ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile"]
        if fmt == "pgm":
            args += ["-gray"]
        else:
            args += ["-jpeg", "-jpegopt", "quality=80"]
        subprocess.run(args + [src, os.path.join(d, "out")], check=True)
        data = open(os.path.join(d, "out." + ("pgm" if fmt == "pgm" else "jpg")), "rb").read()
    if fmt != "pgm":
        return data
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(data[start:pos])
    assert fields[0] == b"P5" and fields[3] == b"255"
    w, h = int(fields[1]), int(fields[2])
    return w, h, bytearray(data[pos + 1:pos + 1 + w * h])


def speckle(img, rng, rate, light=None):
    """Salt-and-pepper specks, and an optional lighting gradient (a photo of
    paper under a lamp): light = (darkest corner loss, e.g. 60)."""
    w, h, px = img
    for i in range(int(w * h * rate)):
        k = rng.randrange(w * h)
        px[k] = 0 if rng.random() < 0.5 else 255
    if light:
        for y in range(h):
            for x in range(w):
                loss = int(light * (x / w * 0.6 + y / h * 0.4))
                k = y * w + x
                px[k] = max(0, px[k] - loss)
    return img


# ---- file formats ----------------------------------------------------------


def png_gray(img, dpi):
    w, h, px = img

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))

    raw = bytearray()
    for y in range(h):
        raw.append(0)
        raw += px[y * w:(y + 1) * w]
    ppm = int(round(dpi / 0.0254))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) +
            chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1)) +
            chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b""))


def bmp_gray(img, dpi):
    w, h, px = img
    stride = (w + 3) & ~3
    pal = b"".join(bytes((i, i, i, 0)) for i in range(256))
    rows = b"".join(bytes(px[y * w:(y + 1) * w]) + b"\0" * (stride - w) for y in range(h - 1, -1, -1))
    off = 14 + 40 + len(pal)
    ppm = int(round(dpi / 0.0254))
    return (b"BM" + struct.pack("<IHHI", off + len(rows), 0, 0, off) +
            struct.pack("<IiiHHIIiiII", 40, w, h, 1, 8, 0, len(rows), ppm, ppm, 256, 0) + pal + rows)


def packbits(row):
    out, i, n = bytearray(), 0, len(row)
    while i < n:
        j = i
        while j + 1 < n and row[j + 1] == row[i] and j - i < 127:
            j += 1
        if j > i:
            out += bytes((257 - (j - i + 1), row[i]))
            i = j + 1
            continue
        j = i
        while j + 1 < n and j - i < 127 and not (j + 2 < n and row[j + 1] == row[j + 2]):
            j += 1
        out.append(j - i)
        out += row[i:j + 1]
        i = j + 1
    return bytes(out)


def tiff_fax(pages, dpi):
    """Multi-page 1-bit TIFF, PackBits, like a fax or an office scanner."""
    out = bytearray(b"II*\0\0\0\0\0")
    prev_next = 4
    for (w, h, px) in pages:
        rowb = (w + 7) // 8
        strip = bytearray()
        for y in range(h):
            bits = bytearray(rowb)
            for x in range(w):
                if px[y * w + x] < 128:
                    bits[x >> 3] |= 0x80 >> (x & 7)
            strip += packbits(bytes(bits))
        strip_off = len(out)
        out += strip
        if len(out) % 2:
            out.append(0)
        res_off = len(out)
        out += struct.pack("<II", dpi, 1)
        entries = [(256, 4, 1, w), (257, 4, 1, h), (258, 3, 1, 1), (259, 3, 1, 32773),
                   (262, 3, 1, 0), (273, 4, 1, strip_off), (277, 3, 1, 1), (278, 4, 1, h),
                   (279, 4, 1, len(strip)), (282, 5, 1, res_off), (283, 5, 1, res_off),
                   (296, 3, 1, 2)]
        ifd = len(out)
        struct.pack_into("<I", out, prev_next, ifd)
        out += struct.pack("<H", len(entries))
        for tag, typ, cnt, val in entries:
            v = struct.pack("<HH", val, 0) if typ == 3 else struct.pack("<I", val)
            out += struct.pack("<HHI", tag, typ, cnt) + v
        prev_next = len(out)
        out += b"\0\0\0\0"
    return bytes(out)


def exif_segment(orientation, date, make="TestigoCam", model="Modelo 1"):
    """An APP1 EXIF segment (big-endian TIFF): Make, Model, Orientation and
    an Exif IFD with DateTimeOriginal."""
    make_b, model_b, date_b = make.encode() + b"\0", model.encode() + b"\0", date.encode() + b"\0"
    n0 = 4
    ifd0 = 8
    exif_ifd = ifd0 + 2 + n0 * 12 + 4
    data = exif_ifd + 2 + 12 + 4
    make_off, model_off = data, data + len(make_b)
    date_off = model_off + len(model_b)
    t = bytearray(b"MM\0*" + struct.pack(">I", ifd0))
    t += struct.pack(">H", n0)
    t += struct.pack(">HHII", 0x010F, 2, len(make_b), make_off)
    t += struct.pack(">HHII", 0x0110, 2, len(model_b), model_off)
    t += struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0)
    t += struct.pack(">HHII", 0x8769, 4, 1, exif_ifd)
    t += struct.pack(">I", 0)
    t += struct.pack(">H", 1) + struct.pack(">HHII", 0x9003, 2, len(date_b), date_off)
    t += struct.pack(">I", 0)
    assert len(t) == data
    t += make_b + model_b + date_b
    body = b"Exif\0\0" + bytes(t)
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


def jpeg_with_exif(jpeg, orientation, date):
    assert jpeg[:2] == b"\xff\xd8"
    pos = 2
    if jpeg[2:4] == b"\xff\xe0":  # keep JFIF first
        pos = 4 + struct.unpack(">H", jpeg[4:6])[0]
    return jpeg[:pos] + exif_segment(orientation, date) + jpeg[pos:]


# ---- the sample files ------------------------------------------------------

DECLARACION = [("DECLARACIÓN JURADA", "B"), "",
               "Yo, Ramón Núñez, declaro que el día 14 de marzo de 2024",
               "fui trasladado sin orden judicial a la sede policial de",
               "Maracaibo. Allí permanecí incomunicado durante tres días,",
               "sin acceso a mi abogada ni a mi familia.", "",
               "Firmo esta declaración en Caracas, el 2 de abril de 2024."]
ACTA = [("ACTA DE VISITA", "B"), "",
        "Visita familiar a Begoña Saavedra, realizada",
        "el sábado 3 de agosto de 2024.",
        "La detenida presenta hematomas en ambos brazos.",
        "Testigos: Óscar Villalba y Lucía Carreño."]
DENUNCIA = [("DENUNCIA", "B"), "",
            "Los vecinos del sector Pueblo Nuevo denuncian",
            "la detención de Adrián Peña Quiñones, de 19 años,",
            "ocurrida en la madrugada del 5 de agosto de 2024.",
            "Su paradero es desconocido."]
EXPEDIENTE = [
    [("EXPEDIENTE 2024-0815", "B"), "", "Tribunal Tercero de Control", "",
     "Imputado: Efraín Muñoz Ledezma", "Delitos: instigación al odio y asociación",
     "Audiencia preliminar diferida por quinta vez."],
    [("DECISIÓN", "B"), "", "Se acuerda mantener la medida privativa",
     "de libertad. Centro de reclusión:", "Cárcel de Tocuyito, pabellón B.", "",
     "Notifíquese a la defensa."]]
COMUNICADO = [
    [("COMUNICADO", "B"), "", "El Comité de Familiares de Presos Políticos",
     "exige la liberación inmediata de todos los", "detenidos tras las protestas de julio.", "",
     "Exigimos también información sobre su salud", "y el lugar donde se encuentran."],
    [("LISTA PARCIAL", "B"), "", "Andrés Ibáñez Gómez, detenido desde el 30 de julio.",
     "Rocío Betancourt, estudiante de enfermería.", "Julián Échezuría, dirigente vecinal.", "",
     "Caracas, 12 de agosto de 2024."]]
MIXTO_TEXTO = [("INFORME DE SEGUIMIENTO", "B"), "",
               "Este informe resume el seguimiento de los casos",
               "documentados por el comité durante agosto de 2024.",
               "El anexo escaneado contiene una declaración manuscrita."]
MIXTO_ANEXO = [("ANEXO", "B"), "", "Declaración de Griselda Ordóñez,",
               "madre de un detenido, recibida el 20 de agosto.",
               "Relata que a su hijo le negaron la visita consular."]
AVISO = [("AVISO", "B"), "Visitas los miércoles de 8 a 11."]


def page(lines, w, h, size=13, angle=0.0, rotate=0, margin=36):
    return {"w": w, "h": h, "rotate": rotate,
            "ops": text_ops(lines, margin, h - margin - size, size=size, angle=angle)}


def scan_pages(texts, rng, dpi=150):
    """Image-only pages: each text page rendered and speckled, then placed as
    a full-page image (what a scanner's PDF is)."""
    pages = []
    for lines in texts:
        pdf = make_pdf([page(lines, 420, 300, angle=-0.8)])
        w, h, px = speckle(render(pdf, dpi), rng, 0.002)
        pages.append({"w": 420, "h": 300, "images": {"Im1": (w, h, bytes(px))},
                      "ops": b"q 420 0 0 300 0 0 cm /Im1 Do Q"})
    return pages


def corpus(out):
    os.makedirs(out, exist_ok=True)
    rng = random.Random(20240814)

    def save(name, data):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)

    img = render(make_pdf([page(DECLARACION, 460, 230, size=12, angle=1.2)]), 200)
    save("declaracion_nunez.png", png_gray(speckle(img, rng, 0.001), 200))

    # a phone photo taken sideways: the pixels lie on their side and EXIF
    # orientation 6 says "turn 90 degrees clockwise to view"
    jpg = render(make_pdf([page(ACTA, 400, 200, rotate=270)]), 200, fmt="jpeg")
    save("foto_acta_visita.jpg", jpeg_with_exif(jpg, 6, "2024:08:03 16:42:10"))

    img = render(make_pdf([page(DENUNCIA, 400, 190)]), 200)
    save("denuncia_ruido.png", png_gray(speckle(img, rng, 0.01, light=70), 200))

    fax = [render(make_pdf([page(t, 360, 220)]), 200) for t in EXPEDIENTE]
    save("expediente_fax.tif", tiff_fax(fax, 200))

    save("comunicado_escaneado.pdf", make_pdf(scan_pages(COMUNICADO, rng)))

    mixed = [page(MIXTO_TEXTO, 420, 300)] + scan_pages([MIXTO_ANEXO], rng)
    save("informe_mixto.pdf", make_pdf(mixed))

    img = render(make_pdf([page(AVISO, 260, 70, size=14, margin=18)]), 150)
    save("aviso_visitas.bmp", bmp_gray(img, 150))

    # a photo with no writing at all: found by its EXIF date and type only
    shapes = (b"0.85 g 0 0 300 200 re f 0.4 g 40 30 90 120 re f 0.6 g 170 60 100 100 re f "
              b"0.2 g 60 150 m 250 180 l 240 20 l f")
    jpg = render(make_pdf([{"w": 300, "h": 200, "ops": shapes}]), 100, fmt="jpeg")
    save("foto_sin_texto.jpg", jpeg_with_exif(jpg, 1, "2024:07:29 08:15:00"))


def bench(n, out):
    """n page images of dense Spanish text (A5 at 200 dpi), for bench/ocr.sh."""
    os.makedirs(out, exist_ok=True)
    rng = random.Random(7)
    words = ("la detención de los presos políticos fue denunciada ante el tribunal por "
             "sus familiares quienes exigen información sobre su paradero y salud "
             "según la declaración jurada del testigo en Caracas Maracaibo Valencia "
             "durante agosto de 2024 con acceso negado a su abogada").split()
    for i in range(n):
        lines = [("DOCUMENTO %d" % (i + 1), "B"), ""]
        for _ in range(24):
            lines.append(" ".join(rng.choice(words) for _ in range(9)))
        img = render(make_pdf([page(lines, 420, 595, size=10)]), 200)
        with open(os.path.join(out, "pagina_%03d.png" % (i + 1)), "wb") as f:
            f.write(png_gray(speckle(img, rng, 0.001), 200))


def main(argv):
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(
        description="Makes the scanned-looking sample files of corpus/escaneos/.")
    ap.add_argument("outdir", nargs="?", default=os.path.join(top, "corpus", "escaneos"),
                    help="output folder (default corpus/escaneos)")
    ap.add_argument("--bench", type=int, metavar="N",
                    help="write N page images for bench/ocr.sh into OUTDIR instead")
    a = ap.parse_args(argv)
    if a.bench is not None:
        if a.bench < 1 or a.outdir is None:
            ap.error("--bench needs N >= 1 and an output folder")
        bench(a.bench, a.outdir)
    else:
        corpus(a.outdir)


if __name__ == "__main__":
    main(sys.argv[1:])
