#!/usr/bin/env python3
"""Builds the benchmark corpora (deterministic; python3 standard library).

usage: mkbench.py OUT SET [SCALE]
  text    3,400 small Spanish/English text files
  mixed   5,000 documents: 3,000 text files, 1,400 PDFs (1-5 pages), and 20 zips
          of 30 members each (text and PDFs), 5 of them holding a nested zip
  pdf     the 1,400 PDFs of `mixed` alone (the pdftotext floor is measured on them)
  many    50,000 small text files in 500 folders (memory at scale)
  huge    one 1 GB text file, and one zip with 100,000 small members
SCALE (default 1) multiplies every count and size, for a quick check of the
harness (0.05: 170 text files, 70 PDFs...); in the text, pdf and many sets
the first files of a scaled set are the full set's first files.

Words are drawn with their frequencies from the sample corpus (corpus/),
so the text has the vocabulary and the repetition of real testimonies.
PDFs come from the sample corpus's PDF writer (scripts/mkcorpus.py)."""
import io, os, random, re, sys, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TOP, "scripts"))
import mkcorpus  # noqa: E402

def vocabulary():
    es, en = {}, {}
    for d, _, files in os.walk(os.path.join(TOP, "scripts", "corpus")):
        for f in files:
            if not f.endswith(".txt"):
                continue
            text = open(os.path.join(d, f), encoding="utf-8").read()
            lang = "en" if re.search(r"^lang:\s*en", text, re.M) else "es"
            table = en if lang == "en" else es
            for w in re.findall(r"[^\W\d_]+", text):
                table[w] = table.get(w, 0) + 1
    return [(list(t), list(t.values())) for t in (es, en)]

VOCAB = vocabulary()

def paragraph(rng, lang, words):
    names, weights = VOCAB[1 if lang == "en" else 0]
    out = []
    while len(out) < words:
        n = rng.randint(8, 22)
        s = rng.choices(names, weights, k=n)
        out.append(" ".join(s).capitalize() + ".")
        words -= n - 1
    return " ".join(out)

def text_doc(rng, i):
    lang = "en" if i % 4 == 0 else "es"
    title = paragraph(rng, lang, 6).rstrip(".")
    body = "\n\n".join(paragraph(rng, lang, rng.randint(40, 160)) for _ in range(rng.randint(1, 4)))
    return lang, title, body

def pdf_doc(rng, i):
    lang, title, _ = text_doc(rng, i)
    pages = rng.randint(1, 5)
    body = title[:80] + "\n\n" + "\n\n".join(
        paragraph(rng, lang, rng.randint(120, 300)) for _ in range(pages * 3))
    year = 2023 + i % 3
    header = {"title": title[:80], "author": "Red Ciudadana", "subject": "benchmark",
              "keywords": "benchmark", "lang": lang, "output": "bench/%d.pdf" % i,
              "created": "%d-%02d-%02dT10:00:00Z" % (year, 1 + i % 12, 1 + i % 28),
              "modified": "%d-%02d-%02dT11:00:00Z" % (year, 1 + i % 12, 1 + i % 28)}
    return mkcorpus.make_pdf("bench/%d.pdf" % i, header, body)

def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)

def texts(out, n, rng, folders=1):
    for i in range(n):
        lang, title, body = text_doc(rng, i)
        write(os.path.join(out, "carpeta%03d" % (i % folders), "doc%05d.txt" % i),
              (title + "\n\n" + body + "\n").encode("utf-8"))

def pdfs(out, n, rng):
    for i in range(n):
        write(os.path.join(out, "pdf", "p%05d.pdf" % i), pdf_doc(rng, i))

def zips(out, n, rng):
    for z in range(n):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for m in range(30):
                if m % 3 == 0:
                    zf.writestr("docs/m%02d.pdf" % m, pdf_doc(rng, 100000 + z * 100 + m))
                else:
                    lang, title, body = text_doc(rng, 200000 + z * 100 + m)
                    zf.writestr("docs/m%02d.txt" % m, title + "\n\n" + body + "\n")
            if z % 4 == 0:
                inner = io.BytesIO()
                with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as izf:
                    for m in range(5):
                        lang, title, body = text_doc(rng, 300000 + z * 10 + m)
                        izf.writestr("anidado/n%d.txt" % m, title + "\n\n" + body + "\n")
                zf.writestr("anidado.zip", inner.getvalue())
        write(os.path.join(out, "zip", "paquete%02d.zip" % z), buf.getvalue())

def main():
    out, which = sys.argv[1], sys.argv[2]
    scale = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    n = lambda count: max(1, int(round(count * scale)))
    rng = random.Random(2026)
    if which == "text":
        texts(out, n(3400), rng)
    elif which == "mixed":
        texts(os.path.join(out, "txt"), n(3000), rng, folders=30)
        pdfs(out, n(1400), rng)
        zips(out, n(20), rng)
    elif which == "pdf":
        pdfs(out, n(1400), rng)
    elif which == "many":
        texts(out, n(50000), rng, folders=500)
    elif which == "huge":
        os.makedirs(out, exist_ok=True)
        line = paragraph(rng, "es", 200).encode("utf-8") + b"\n"
        with open(os.path.join(out, "registro-1gb.txt"), "wb") as f:
            for _ in range(n((1 << 30) // len(line) + 1)):
                f.write(line)
        with zipfile.ZipFile(os.path.join(out, "cien-mil.zip"), "w", zipfile.ZIP_DEFLATED) as zf:
            for m in range(n(100000)):
                zf.writestr("m/%06d.txt" % m, "miembro %d de %s\n" % (m, rng.choice(VOCAB[0][0])))
    else:
        sys.exit("unknown set " + which)

main()
