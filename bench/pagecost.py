#!/usr/bin/env python3
"""Page images: the cost of drawing one page, immune to the machine's load:
instructions (valgrind's cachegrind, no cache simulation) and CPU seconds
(user + system of the renderer, the least of RUNS) of `testigo-index
--render-page ARCHIVE SHA KIND PAGE 1000` for one page of each kind of
bench/pages.py's corpus (made there), and per page in a long-lived renderer: a text PDF page, a scanner's PDF page
(one full-page 300 dpi grey image), an 8.7 and a 12 megapixel phone photo
(the latter lying on its side with an EXIF orientation), a 300 dpi PNG (RGB)
scan and a page of a 1-bit TIFF; and the PNG's size.  Prints a Markdown table
(docs/pages.md, "Measured").

Usage: bench/pagecost.py [--no-valgrind]   (needs bin/testigo-index: make;
       TESTIGO_BIN=DIR takes the programs from DIR, to compare two builds)
"""
import json
import os
import resource
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import pages  # noqa: E402

BIN = os.environ.get("TESTIGO_BIN", pages.BIN)
RUNS = int(os.environ.get("RUNS", "5"))
WIDTH = 1000
CASES = [("text PDF page", "text/a4-texto.pdf", "pdf", 1),
         ("scanned PDF page", "scan/a4-escaneado.pdf", "pdf", 1),
         ("phone photo, 8.7 MP", "photo/foto-1.jpg", "image", 1),
         ("phone photo, 11.5 MP, EXIF turned", "photo/foto-12mp.jpg", "image", 1),
         ("PNG scan, 300 dpi RGB", "scan/a4-escaneado.png", "image", 1),
         ("TIFF page, 300 dpi 1-bit", "scan/a4-fax.tif", "image", 2)]


def run(cmd, stdin=None):
    """Runs cmd (stdin: bytes for its standard input); its CPU seconds (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, input=stdin)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    valgrind = "--no-valgrind" not in sys.argv and shutil.which("valgrind")
    pages.make_corpus()
    arch = os.path.join(pages.WORK, "archive-cost-%d" % os.getpid())
    shutil.rmtree(arch, ignore_errors=True)
    subprocess.run([os.path.join(BIN, "testigo-index"), "-q", "--no-ocr", "--archive", arch,
                    os.path.join(pages.WORK, "in")], check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run([os.path.join(BIN, "testigo-search"), "--archive", arch, "--json",
                          "--limit", "100", "type:pdf OR type:image"], capture_output=True,
                         text=True, check=True)
    sha = {}
    for r in json.loads(out.stdout)["results"]:
        for loc in r["locations"]:
            sha["/".join(loc.split("/")[-2:])] = r["sha256"]
    print("| page | instructions | CPU | CPU per page, renderer | PNG |")
    print("|---|---|---|---|---|")
    server = [os.path.join(BIN, "testigo-index"), "--render-server", arch]
    idle = min(run(server, b"") for _ in range(RUNS))
    for label, name, kind, page in CASES:
        cmd = [os.path.join(BIN, "testigo-index"), "--render-page", arch, sha[name], kind,
               str(page), str(WIDTH)]
        cpu = min(run(cmd) for _ in range(RUNS))
        # the same page drawn RUNS times by one long-lived renderer, as the
        # web server's are: its CPU less an idle renderer's, per page
        req = ("%s %s %d %d\n" % (sha[name], kind, page, WIDTH)).encode() * RUNS
        served = (min(run(server, req) for _ in range(3)) - idle) / RUNS
        s = sha[name]
        png = os.path.join(arch, "pages", s[:2], "%s-%d-%d.png" % (s, page, WIDTH))
        size = os.path.getsize(png)
        ins = "-"
        if valgrind:
            cg = os.path.join(pages.WORK, "cachegrind.out.%d" % os.getpid())
            # valgrind needs more address space than the renderer's 1024 MB
            r = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no",
                                "--cachegrind-out-file=" + cg] + cmd + ["4096"],
                               capture_output=True, text=True, check=True)
            for line in r.stderr.splitlines():
                if "I   refs:" in line or "I refs:" in line:
                    ins = "%.0f M" % (int(line.split(":")[1].replace(",", "").split()[0]) / 1e6)
            os.unlink(cg)
        print("| %s | %s | %.0f ms | %.0f ms | %.0f KB |" % (label, ins, 1000 * cpu, 1000 * served,
                                                          size / 1024))
    print("\nInstructions: valgrind --tool=cachegrind, one `--render-page` (the whole "
          "process: start, sandbox, the store, poppler or leptonica, PNG); CPU: user + system, "
          "the least of %d such; per page in a renderer: one `--render-server` drawing the "
          "page that many times, less an idle one's CPU, per page (the least of 3), as the "
          "web server's renderers draw; 1000 pixels wide; load average %s."
          % (RUNS, open("/proc/loadavg").read().split()[0]))
    shutil.rmtree(arch)


if __name__ == "__main__":
    main()
