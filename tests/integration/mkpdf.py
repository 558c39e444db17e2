#!/usr/bin/env python3
"""Writes small PDFs for the tests, by hand (no library): one line of text
per line given, Helvetica, WinAnsi encoding (Spanish letters included).

  mkpdf.py hyphens OUT        words cut by a hyphen at a line end, in Spanish
                              and English, and compounds that keep theirs
  mkpdf.py pages OUT N        N pages ("Pagina K" on page K), with words
                              placed for the page of phrase, NEAR, AND, OR hits
  mkpdf.py doc OUT DATE TITLE PAGE...
                              one page per PAGE argument (its lines separated
                              by newlines), with a document information
                              dictionary: CreationDate DATE (YYYY-MM-DD) and
                              Title TITLE
"""
import sys


def pdf_string(s):
    b = s.encode("cp1252")
    out = bytearray(b"(")
    for c in b:
        if c in b"()\\":
            out += b"\\" + bytes([c])
        elif c < 32 or c > 126:
            out += b"\\%03o" % c
        else:
            out.append(c)
    return bytes(out + b")")


def write_pdf(path, pages, info=None):
    """pages: a list of pages, each a list of lines (str); info: a dict of
    the document information dictionary's strings (Title, CreationDate)."""
    objs = []  # bytes of objects 1..n

    def add(body):
        objs.append(body)
        return len(objs)

    catalog = add(b"")  # filled in below
    pages_id = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
               b"/Encoding /WinAnsiEncoding >>")
    kids = []
    for lines in pages:
        ops = [b"BT /F1 11 Tf 14 TL 72 760 Td"]
        for line in lines:
            ops.append(pdf_string(line) + b" Tj T*")
        ops.append(b"ET")
        stream = b"\n".join(ops)
        content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] "
                        b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                        % (pages_id, font, content)))
    objs[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    info_id = 0
    if info:
        info_id = add(b"<< " + b" ".join(b"/" + k.encode() + b" " + pdf_string(v)
                                         for k, v in info.items()) + b" >>")
    objs[pages_id - 1] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids)
                          + b"] /Count %d >>" % len(kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offsets:
        out += b"%010d 00000 n \n" % o
    trailer_info = b""
    if info_id:
        trailer_info = b" /Info %d 0 R" % info_id
    out += b"trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, catalog, trailer_info, xref)
    with open(path, "wb") as f:
        f.write(out)


HYPHENS = [
    [
        "Declaración sobre la deten-",
        "ción de Marino Alvarado, que fueron deten-",
        "idos sin orden. El acuerdo franco-",
        "venezolano no se cumplió y el mando político-",
        "militares dio la orden de trasla-",
        "darlos a la cárcel.",
    ],
    [
        "Zimbra Col-",
        "laboration and the cre-",
        "ative activities of a well-",
        "known author are at stake.",
    ],
]


def pages_doc(n):
    pages = []
    for k in range(1, n + 1):
        lines = ["Pagina %d" % k, "texto de relleno para llenar la pagina"]
        # words far apart or alone on most pages, together on one
        if k == 7:
            lines.append("alfa sin su pareja")
        if k == 3777:
            lines.append("alfa beta omega juntos")
        if k == 4990:
            lines.append("omega al final")
        if k == 12:
            lines.append("gamma primero")
        if k == 2500:
            lines.append("gamma y delta en la misma linea")
        if k == 4800:
            lines.append("delta al final")
        if k == 10:
            lines.append("kappa sola")
        if k == 4200:
            lines.append("kappa y lambda")
        if k == 4100:
            lines.append("lambda sola")
        if k == 30:
            lines.append("actividades que no siguieron libres")
        if k == 4444:
            lines.append("las actividades siguieron libres")
        pages.append(lines)
    return pages


def main():
    what, out = sys.argv[1], sys.argv[2]
    if what == "hyphens":
        write_pdf(out, HYPHENS)
    elif what == "pages":
        write_pdf(out, pages_doc(int(sys.argv[3])))
    elif what == "doc":
        y, m, d = sys.argv[3].split("-")
        info = {"CreationDate": "D:%s%s%s120000Z" % (y, m, d), "Title": sys.argv[4]}
        write_pdf(out, [page.split("\n") for page in sys.argv[5:]], info)
    else:
        sys.exit("mkpdf.py: unknown kind " + what)


if __name__ == "__main__":
    main()
