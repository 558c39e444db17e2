#!/usr/bin/env python3
"""Page images: time to first view of a page (the web server starts the
renderer, which draws the page into the page cache) and to a cached view,
for a text PDF page, a scanned page and a phone photo, at screen size
(1000 pixels wide); p50 and p99 over every page of each class and RUNS
rounds (the cache emptied before each); and the cache's bytes per page.
Prints a Markdown section (docs/benchmarking.md, "Page images").

The pages (bench/work/pages/, made here; poppler-utils' pdftoppm):
  text   A4 pages of dense Spanish text (a PDF written here, Helvetica)
         and the sample corpus's PDFs (letter size)
  scan   A4 pages of the same text drawn at 300 dpi grey and put back into
         a PDF as images (a scanner's PDF), and the corpus's scans
  photo  the same pages as 300 dpi JPEGs (2480 x 3508, 8.7 megapixels: a
         phone's photo of a page), one as an 11.5-megapixel photo lying on its
         side with an EXIF orientation (4032 x 2851), and the corpus's photo
  (scan also holds one page as a 300 dpi PNG (RGB: pdftoppm writes -gray PNGs so) and two as a 1-bit TIFF)
Targets (issue 17): first view under 300 ms, cached under 10 ms, for an A4
page at screen size.

Usage: bench/pages.py   (needs bin/testigo-index and bin/testigo-web: make;
       TESTIGO_BIN=DIR takes the programs from DIR)
"""
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
import zlib

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(TOP, "bench", "work", "pages")
BIN = os.environ.get("TESTIGO_BIN", os.path.join(TOP, "bin"))
RUNS = int(os.environ.get("RUNS", "3"))
CACHED = 5  # cached views per page and round

WORDS = ("la detenida declaró ante el tribunal que fue trasladada sin orden "
         "judicial desde el centro de reclusión hasta la sede del servicio "
         "donde permaneció incomunicada durante varios días mientras sus "
         "familiares presentaban denuncias ante la fiscalía y la defensoría").split()


def pdf(path, pages):
    """pages: list of (ops bytes, {name: (w, h, grey bytes)}) on A4."""
    objs = [None, None, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
            b"/Encoding /WinAnsiEncoding >>"]
    kids = []
    for ops, images in pages:
        xo = b""
        for name, (w, h, data) in images.items():
            z = zlib.compress(data, 6)
            objs.append(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d "
                        b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode "
                        b"/Length %d >>\nstream\n" % (w, h, len(z)) + z + b"\nendstream")
            xo += b"/%s %d 0 R " % (name.encode(), len(objs))
        objs.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(ops), ops))
        content = len(objs)
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
                    b"<< /Font << /F1 3 0 R >> /XObject << %s>> >> /Contents %d 0 R >>"
                    % (xo, content))
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


def text_page(k):
    lines, line = [], []
    i = k * 7
    while len(lines) < 52:
        w = WORDS[i % len(WORDS)]
        i += 1
        if sum(len(x) + 1 for x in line) + len(w) > 88:
            lines.append(" ".join(line))
            line = []
        line.append(w)
    ops = [b"BT /F1 10 Tf 13.5 TL 56 790 Td"]
    ops += [b"(" + ln.encode("cp1252") + b") Tj T*" for ln in lines]
    ops.append(b"ET")
    return b"\n".join(ops)


def more_pages(a4):
    """A 12-megapixel phone photo lying on its side with an EXIF orientation,
    a PNG scan and a two-page 1-bit TIFF (a fax), all A4 at 300 dpi."""
    sys.path.insert(0, os.path.join(TOP, "scripts"))
    import mkscans
    tmp = os.path.join(WORK, "tmp")
    os.makedirs(tmp, exist_ok=True)
    with open(a4, "rb") as f:
        turned = f.read().replace(b"/MediaBox [0 0 595 842]", b"/MediaBox [0 0 595 842] /Rotate 90")
    t = os.path.join(tmp, "turned.pdf")
    with open(t, "wb") as f:
        f.write(turned)
    # 4032 x 2851 pixels (11.5 megapixels), the page turned a quarter
    # clockwise: orientation 8 turns it back
    subprocess.run(["pdftoppm", "-jpeg", "-jpegopt", "quality=85", "-f", "2", "-l", "2",
                    "-singlefile", "-scale-to", "4032", t,
                    os.path.join(tmp, "f12")], check=True)
    with open(os.path.join(tmp, "f12.jpg"), "rb") as f:
        jpeg = mkscans.jpeg_with_exif(f.read(), 8, "2024:08:03 10:15:00")
    with open(os.path.join(WORK, "in", "photo", "foto-12mp.jpg"), "wb") as f:
        f.write(jpeg)
    subprocess.run(["pdftoppm", "-png", "-gray", "-r", "300", "-f", "3", "-l", "3",
                    "-singlefile", a4, os.path.join(WORK, "in", "scan", "a4-escaneado")],
                   check=True)
    with open(os.path.join(WORK, "in", "scan", "a4-fax.tif"), "wb") as f:
        f.write(mkscans.tiff_fax([mkscans.render(open(a4, "rb").read(), 300, page=p)
                                  for p in (4, 5)], 300))
    shutil.rmtree(tmp)


def make_corpus(n=6):
    if os.path.isdir(WORK) and os.path.exists(os.path.join(WORK, "done3")):
        return
    shutil.rmtree(WORK, ignore_errors=True)
    for d in ("text", "scan", "photo", "tmp"):
        os.makedirs(os.path.join(WORK, "in", d) if d != "tmp" else os.path.join(WORK, d))
    a4 = os.path.join(WORK, "in", "text", "a4-texto.pdf")
    pdf(a4, [(text_page(k), {}) for k in range(n)])
    tmp = os.path.join(WORK, "tmp")
    subprocess.run(["pdftoppm", "-gray", "-r", "300", a4, os.path.join(tmp, "g")], check=True)
    subprocess.run(["pdftoppm", "-jpeg", "-r", "300", a4,
                    os.path.join(WORK, "in", "photo", "foto")], check=True)
    pages = []
    for name in sorted(os.listdir(tmp)):
        with open(os.path.join(tmp, name), "rb") as f:
            data = f.read()
        # PGM: "P5\nW H\n255\n" then the pixels
        parts = data.split(b"\n", 3)
        w, h = map(int, parts[1].split())
        pages.append((b"q 595 0 0 842 0 0 cm /Im0 Do Q", {"Im0": (w, h, parts[3][:w * h])}))
    pdf(os.path.join(WORK, "in", "scan", "a4-escaneado.pdf"), pages)
    shutil.rmtree(tmp)
    more_pages(a4)
    for f in sorted(x for x in os.listdir(os.path.join(TOP, "corpus", "pdf")) if x.endswith(".pdf")):
        shutil.copy(os.path.join(TOP, "corpus", "pdf", f), os.path.join(WORK, "in", "text"))
    for f in ("comunicado_escaneado.pdf", "expediente_fax.tif"):
        shutil.copy(os.path.join(TOP, "corpus", "escaneos", f), os.path.join(WORK, "in", "scan"))
    shutil.copy(os.path.join(TOP, "corpus", "escaneos", "foto_acta_visita.jpg"),
                os.path.join(WORK, "in", "photo"))
    open(os.path.join(WORK, "done3"), "w").close()


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def main():
    make_corpus()
    arch = os.path.join(WORK, "archive")
    shutil.rmtree(arch, ignore_errors=True)
    subprocess.run([os.path.join(BIN, "testigo-index"), "-q", "--no-ocr", "--archive", arch,
                    os.path.join(WORK, "in")], check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run([os.path.join(BIN, "testigo-search"), "--archive", arch, "--json",
                          "--limit", "100", "type:pdf OR type:image"], capture_output=True,
                         text=True)
    import json
    docs = {}
    for r in json.loads(out.stdout)["results"]:
        loc = r["locations"][0]
        cls = loc.split("/")[-2]
        docs[r["sha256"]] = cls
    web = subprocess.Popen([os.path.join(BIN, "testigo-web"), "--archive", arch, "--listen",
                            "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           text=True)
    url = web.stdout.readline().strip().split("listening on ")[1].rstrip("/")
    first = {"text": [], "scan": [], "photo": []}
    cached = {"text": [], "scan": [], "photo": []}
    a4 = {"text": [], "scan": [], "photo": []}
    size = {"text": [], "scan": [], "photo": []}
    try:
        pages = []
        for sha, cls in sorted(docs.items()):
            with urllib.request.urlopen("%s/api/page/%s" % (url, sha)) as r:
                n = json.load(r)["pages"]
            name = os.path.basename([l for l in json.loads(out.stdout)["results"]
                                     if l["sha256"] == sha][0]["locations"][0])
            pages += [(sha, cls, p, name.startswith(("a4-", "foto-"))) for p in range(1, n + 1)]
        for _ in range(RUNS):
            shutil.rmtree(os.path.join(arch, "pages"), ignore_errors=True)
            for sha, cls, p, is_a4 in pages:
                u = "%s/page/%s/%d" % (url, sha, p)
                t0 = time.perf_counter()
                with urllib.request.urlopen(u) as r:
                    body = r.read()
                dt = time.perf_counter() - t0
                first[cls].append(dt)
                if is_a4:
                    a4[cls].append(dt)
                for _ in range(CACHED):
                    t0 = time.perf_counter()
                    with urllib.request.urlopen(u) as r:
                        r.read()
                    cached[cls].append(time.perf_counter() - t0)
                size[cls].append(len(body))
    finally:
        web.terminate()
        web.wait()
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in
                os.walk(os.path.join(arch, "pages")) for f in fs)
    npages = len(pages)
    load = open("/proc/loadavg").read().split()[0]
    print("\n## Page images (bench/pages.py)\n")
    print("Release build, one server (`testigo-web`, page images drawn on first view by its "
          "long-lived renderers, `testigo-index --render-server`), %d rounds, the page cache "
          "emptied before each; "
          "%d cached views per page and round; load average %s at the end; %d cores.\n"
          % (RUNS, CACHED, load, os.cpu_count()))
    print("| page | pages | first view p50 | p99 | A4 pages p50 | p99 | cached p50 | p99 | PNG per page (screen) |")
    print("|---|---|---|---|---|---|---|---|---|")
    label = {"text": "text PDF", "scan": "scanned page", "photo": "phone photo"}
    for cls in ("text", "scan", "photo"):
        f, c, s, a = first[cls], cached[cls], size[cls], a4[cls]
        if not f:
            continue
        print("| %s | %d | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.1f ms | %.1f ms | %.0f KB |" % (
            label[cls], len(f) // RUNS, 1000 * statistics.median(f), 1000 * pct(f, 99),
            1000 * statistics.median(a) if a else 0, 1000 * pct(a, 99) if a else 0,
            1000 * statistics.median(c), 1000 * pct(c, 99), statistics.mean(s) / 1024))
    print("\nThe page cache after the last round: %.1f MB for %d pages at screen size, "
          "with their words (%.0f KB a page).  Targets: first view < 300 ms, cached < 10 ms "
          "(A4 at screen size)." % (total / 2**20, npages, total / npages / 1024))


if __name__ == "__main__":
    main()
