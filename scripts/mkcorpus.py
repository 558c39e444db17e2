#!/usr/bin/env python3
"""Regenerates Testigo's sample corpus (corpus/) from its sources (scripts/corpus/).

Usage:
    python3 scripts/mkcorpus.py            write the generated files under corpus/
    python3 scripts/mkcorpus.py --check    regenerate into a temporary folder and
                                           report any generated file that differs
                                           from (or is missing in) corpus/; exit 1 if so
    python3 scripts/mkcorpus.py --list     print the paths it generates, one a line
    python3 scripts/mkcorpus.py --new-keys draw new AES-256 keys for the encrypted
                                           PDFs (scripts/corpus/keys/), then write:
                                           their bytes change, nothing else does

Python 3 standard library only, plus the qpdf program for the two encrypted
PDFs (the script stops with a clear message if qpdf is missing).  The output
is deterministic: the same sources give the same bytes on every run and every
machine (no time stamps, no random numbers, no compression).

Source format (see scripts/corpus/README.md): every source is a UTF-8 file
with a header of "key: value" lines, a line "---", then the body.  The first
line of the body is the document's title line.

Text documents (corpus/testimonios, corpus/noticias):
    output:    path under corpus/ to write
    encoding:  utf-8 | utf-8-bom | utf-16le-bom | utf-16be-bom | cp1252 |
               iso-8859-1 | utf-8-invalid
               utf-8-invalid: UTF-8, with the one marker {{byte:HH}} in the
               body replaced by the raw byte 0xHH (a deliberately invalid byte)
    newline:   lf (default) | crlf
    copy:      optional second path under corpus/ that gets the same bytes

PDF documents (corpus/pdf):
    output, lang (es|en: the page footer's language), title, author, subject,
    keywords, created, modified (YYYY-MM-DDTHH:MM:SSZ)
    protect:   none (default) | empty-user-password | user-password:PASSWORD
               (encrypted with qpdf, AES-256, owner password "owner"; the
               random key and salts are kept in scripts/corpus/keys/ and reused
               with qpdf --copy-encryption, see key_template)
    damage:    none (default) | truncate:PERCENT  (keep only the first PERCENT
               of the bytes: a corrupt PDF)
    In the body, a line "[[page]]" starts a new page; a page that grows past
    LINES_PER_PAGE lines also continues on a new page.  Paragraphs are
    separated by blank lines and wrapped at WRAP characters; lines starting
    with "- " are list items.

The script owns exactly the files it generates: it deletes and rewrites those,
and leaves any other file under corpus/ alone (it warns about unknown files in
the folders it writes, which are probably stale outputs of an older version).
"""

import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "scripts", "corpus")
OUT = os.path.join(ROOT, "corpus")
KEYS = os.path.join(SRC, "keys")

# Page layout (US Letter, points).  Helvetica 10 pt averages about 5 pt a
# character, so 90 characters fit the 492 pt between the margins.
PAGE_W, PAGE_H = 612, 792
MARGIN_X = 60
TOP_Y = 730
BODY_SIZE, TITLE_SIZE, FOOTER_SIZE = 10, 13, 8
LEADING = 14
WRAP = 90
LINES_PER_PAGE = 45
PAGE_BREAK = "[[page]]"

TEXT_ENCODINGS = {
    "utf-8": ("utf-8", b""),
    "utf-8-invalid": ("utf-8", b""),
    "utf-8-bom": ("utf-8", b"\xef\xbb\xbf"),
    "utf-16le-bom": ("utf-16-le", b"\xff\xfe"),
    "utf-16be-bom": ("utf-16-be", b"\xfe\xff"),
    "cp1252": ("cp1252", b""),
    "iso-8859-1": ("iso-8859-1", b""),
}
TEXT_KEYS = {"output", "encoding", "newline", "copy", "note"}
PDF_KEYS = {"output", "lang", "title", "author", "subject", "keywords", "created",
            "modified", "protect", "damage", "note"}
OWNER_PASSWORD = "owner"


class SourceError(Exception):
    pass


# ==== Sources ================================================================

def read_source(path):
    """Returns (header dict, body text) of a source file."""
    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise SourceError(f"{path}: not UTF-8 ({e})")
    if text.startswith("\ufeff"):
        raise SourceError(f"{path}: sources must not start with a byte order mark")
    if "\r" in text:
        raise SourceError(f"{path}: sources use LF line ends (set 'newline: crlf' instead)")
    head, sep, body = text.partition("\n---\n")
    if not sep:
        raise SourceError(f"{path}: no '---' line after the header")
    header = {}
    for n, line in enumerate(head.split("\n"), 1):
        if not line.strip() or line.startswith("#"):
            continue
        key, colon, value = line.partition(":")
        if not colon:
            raise SourceError(f"{path}:{n}: header line is not 'key: value'")
        key = key.strip()
        if key in header:
            raise SourceError(f"{path}:{n}: '{key}' given twice")
        header[key] = value.strip()
    body = body.strip("\n") + "\n"
    return header, body


def load_sources():
    sources = []
    for dirpath, dirnames, filenames in os.walk(SRC):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(".txt"):
                continue
            path = os.path.join(dirpath, name)
            header, body = read_source(path)
            rel = os.path.relpath(path, ROOT)
            if "output" not in header:
                raise SourceError(f"{rel}: no 'output:' in the header")
            out = header["output"]
            if out.startswith("/") or ".." in out.split("/"):
                raise SourceError(f"{rel}: output must be a path under corpus/")
            kind = "pdf" if out.endswith(".pdf") else "text"
            allowed = PDF_KEYS if kind == "pdf" else TEXT_KEYS
            unknown = sorted(set(header) - allowed)
            if unknown:
                raise SourceError(f"{rel}: unknown header keys {unknown}")
            sources.append((rel, kind, header, body))
    sources.sort(key=lambda s: s[2]["output"])
    return sources


# ==== Text documents =========================================================

def make_text(rel, header, body):
    enc = header.get("encoding", "utf-8")
    if enc not in TEXT_ENCODINGS:
        raise SourceError(f"{rel}: unknown encoding '{enc}'")
    codec, bom = TEXT_ENCODINGS[enc]
    newline = header.get("newline", "lf")
    if newline not in ("lf", "crlf"):
        raise SourceError(f"{rel}: newline must be lf or crlf")
    if newline == "crlf":
        body = body.replace("\n", "\r\n")
    markers = re.findall(r"\{\{byte:([0-9A-Fa-f]{2})\}\}", body)
    if enc == "utf-8-invalid":
        if len(markers) != 1:
            raise SourceError(f"{rel}: utf-8-invalid needs exactly one {{{{byte:HH}}}} marker")
        before, after = re.split(r"\{\{byte:[0-9A-Fa-f]{2}\}\}", body)
        data = before.encode("utf-8") + bytes([int(markers[0], 16)]) + after.encode("utf-8")
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            raise SourceError(f"{rel}: the byte {markers[0]} makes no invalid UTF-8")
        return data
    if markers or "{{byte:" in body:
        raise SourceError(f"{rel}: {{{{byte:HH}}}} markers need 'encoding: utf-8-invalid'")
    try:
        return bom + body.encode(codec)
    except UnicodeEncodeError as e:
        raise SourceError(f"{rel}: text cannot be written in {enc}: {e}")


# ==== PDF writer =============================================================

def pdf_literal(data):
    """A PDF literal string of bytes: ( ) \\ escaped, non-ASCII as octal."""
    out = ["("]
    for b in data:
        c = chr(b)
        if c in "()\\":
            out.append("\\" + c)
        elif 0x20 <= b < 0x7F:
            out.append(c)
        else:
            out.append("\\%03o" % b)
    out.append(")")
    return "".join(out)


def pdf_text_string(s):
    """A PDF text string for the /Info dictionary: PDFDocEncoding-safe ASCII
    as a literal, anything else as UTF-16BE with a byte order mark, in hex."""
    if all(0x20 <= ord(c) < 0x7F for c in s):
        return pdf_literal(s.encode("ascii"))
    return "<FEFF" + s.encode("utf-16-be").hex().upper() + ">"


def pdf_date(iso):
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z", iso or "")
    if not m:
        raise SourceError(f"date '{iso}' is not YYYY-MM-DDTHH:MM:SSZ")
    return "D:" + "".join(m.groups()) + "Z"


def cp1252(rel, s):
    try:
        return s.encode("cp1252")
    except UnicodeEncodeError as e:
        raise SourceError(f"{rel}: text cannot be shown with WinAnsiEncoding: {e}")


def layout(rel, body, lang):
    """Lays the body out in lines: returns pages, each a list of
    (font, size, text) with font "F1" (Helvetica) or "F2" (bold)."""
    lines = body.rstrip("\n").split("\n")
    title, rest = lines[0], lines[1:]
    if len(title) > WRAP:
        raise SourceError(f"{rel}: title line longer than {WRAP} characters")
    pages = [[("F2", TITLE_SIZE, title), ("F1", BODY_SIZE, "")]]

    def add(font, size, text):
        if len(pages[-1]) >= LINES_PER_PAGE:
            pages.append([])
        if text == "" and not pages[-1]:
            return  # no blank line at the top of a page
        pages[-1].append((font, size, text))

    para = []

    def flush():
        if not para:
            return
        text = " ".join(para)
        if text.startswith("- "):
            wrapped = textwrap.wrap(text, WRAP, subsequent_indent="  ",
                                    break_long_words=False, break_on_hyphens=False)
        else:
            wrapped = textwrap.wrap(text, WRAP, break_long_words=False, break_on_hyphens=False)
        for w in wrapped:
            add("F1", BODY_SIZE, w)
        add("F1", BODY_SIZE, "")
        para.clear()

    for line in rest:
        s = line.strip()
        if s == PAGE_BREAK:
            flush()
            while pages[-1] and pages[-1][-1][2] == "":
                pages[-1].pop()
            pages.append([])
        elif s == "":
            flush()
        elif s.startswith("- "):
            flush()
            para.append(s)
        else:
            para.append(s)
    flush()
    for p in pages:
        while p and p[-1][2] == "":
            p.pop()
    if len(pages) > 1 and not pages[-1]:
        pages.pop()  # the last paragraph ended exactly at the foot of a page
    if any(not p for p in pages):
        raise SourceError(f"{rel}: an empty page")
    return pages


def content_stream(rel, page, number, total, lang):
    ops = ["BT", "%d %d Td" % (MARGIN_X, TOP_Y)]
    first = True
    font = None
    for f, size, text in page:
        if not first:
            ops.append("0 -%d Td" % LEADING)
        first = False
        if text == "":
            continue
        if (f, size) != font:
            ops.append("/%s %d Tf" % (f, size))
            font = (f, size)
        ops.append(pdf_literal(cp1252(rel, text)) + " Tj")
    ops.append("ET")
    footer = ("Página %d de %d" if lang == "es" else "Page %d of %d") % (number, total)
    ops.append("BT /F1 %d Tf %d %d Td %s Tj ET" % (
        FOOTER_SIZE, PAGE_W // 2 - 25, 40, pdf_literal(cp1252(rel, footer))))
    return ("\n".join(ops) + "\n").encode("ascii")


def make_pdf(rel, header, body):
    """Writes a PDF 1.4 file: two standard fonts, one uncompressed content
    stream per page, an /Info dictionary, a classic xref table.  The page
    tree and the catalog come last in the file, so a truncated copy loses
    them (and cannot be rebuilt into a readable document)."""
    for key in ("title", "author", "subject", "keywords", "created", "modified", "lang"):
        if not header.get(key):
            raise SourceError(f"{rel}: PDF sources need '{key}:'")
    lang = header["lang"]
    if lang not in ("es", "en"):
        raise SourceError(f"{rel}: lang must be es or en")
    pages = layout(rel, body, lang)
    n = len(pages)
    objects = []  # (number, bytes), in file order
    font_obj = {"F1": 1, "F2": 2}
    objects.append((1, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica"
                       b" /Encoding /WinAnsiEncoding >>"))
    objects.append((2, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold"
                       b" /Encoding /WinAnsiEncoding >>"))
    pages_num = 3 + 2 * n
    catalog_num = pages_num + 1
    info_num = pages_num + 2
    kids = []
    for i, page in enumerate(pages):
        cnum, pnum = 3 + 2 * i, 4 + 2 * i
        stream = content_stream(rel, page, i + 1, n, lang)
        objects.append((cnum, b"<< /Length %d >>\nstream\n" % len(stream) + stream +
                        b"endstream"))
        objects.append((pnum, (
            "<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d]"
            " /Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> /Contents %d 0 R >>"
            % (pages_num, PAGE_W, PAGE_H, font_obj["F1"], font_obj["F2"], cnum)
        ).encode("ascii")))
        kids.append("%d 0 R" % pnum)
    objects.append((pages_num, ("<< /Type /Pages /Kids [%s] /Count %d >>"
                                % (" ".join(kids), n)).encode("ascii")))
    objects.append((catalog_num, b"<< /Type /Catalog /Pages %d 0 R >>" % pages_num))
    info = [
        ("Title", pdf_text_string(header["title"])),
        ("Author", pdf_text_string(header["author"])),
        ("Subject", pdf_text_string(header["subject"])),
        ("Keywords", pdf_text_string(header["keywords"])),
        ("Creator", pdf_text_string("Testigo sample corpus (scripts/mkcorpus.py)")),
        ("Producer", pdf_text_string("mkcorpus.py minimal PDF writer")),
        ("CreationDate", pdf_literal(pdf_date(header["created"]).encode("ascii"))),
        ("ModDate", pdf_literal(pdf_date(header["modified"]).encode("ascii"))),
    ]
    objects.append((info_num, ("<< " + " ".join("/%s %s" % kv for kv in info) + " >>")
                    .encode("ascii")))

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num, data in objects:
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + data + b"\nendobj\n"
    xref = len(out)
    size = len(objects) + 1
    out += b"xref\n0 %d\n" % size
    out += b"0000000000 65535 f \n"
    for num in range(1, size):
        out += b"%010d 00000 n \n" % offsets[num]
    doc_id = hashlib.md5(header["output"].encode("utf-8")).hexdigest().upper()
    out += (("trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\n"
             "startxref\n%d\n%%%%EOF\n") % (size, catalog_num, info_num, doc_id, doc_id, xref)
            ).encode("ascii")
    return bytes(out)


def qpdf_path():
    path = shutil.which("qpdf")
    if not path:
        sys.exit("mkcorpus.py: the program 'qpdf' is needed to write the encrypted PDFs "
                 "(corpus/pdf/protegidos/) but was not found.\n"
                 "Install it (Debian/Ubuntu: apt-get install qpdf) and run again.")
    return path


def run_qpdf(rel, args):
    r = subprocess.run([qpdf_path()] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise SourceError(f"{rel}: qpdf failed ({r.returncode}): "
                          + r.stderr.decode("utf-8", "replace").strip())


def key_template(rel, user_password, tmpdir, new_keys):
    """Returns the path of a small PDF encrypted (AES-256) with user_password
    and OWNER_PASSWORD, whose encryption parameters the corpus PDFs copy.

    AES-256 encryption draws a random file key and random salts, so two runs
    of "qpdf --encrypt ... 256" never give the same bytes.  The random part is
    therefore drawn once, kept in scripts/corpus/keys/ (base64, a source like
    any other), and reused with qpdf --copy-encryption: the same sources then
    give the same encrypted bytes on every run."""
    label = "empty" if user_password == "" else "pw-" + re.sub(r"[^A-Za-z0-9]", "_",
                                                                 user_password)
    keyfile = os.path.join(KEYS, "aes256-%s.pdf.b64" % label)
    tmpl = os.path.join(tmpdir, "template-%s.pdf" % label)
    if new_keys or not os.path.exists(keyfile):
        plain = os.path.join(tmpdir, "template-plain.pdf")
        with open(plain, "wb") as f:
            f.write(make_pdf(rel, {
                "output": "keys/template.pdf", "lang": "en", "title": "Encryption template",
                "author": "mkcorpus.py", "subject": "encryption parameters",
                "keywords": "template", "created": "2025-01-01T00:00:00Z",
                "modified": "2025-01-01T00:00:00Z"}, "Encryption template\n\nEmpty.\n"))
        run_qpdf(rel, ["--static-id", "--encrypt", user_password, OWNER_PASSWORD, "256",
                       "--", plain, tmpl])
        with open(tmpl, "rb") as f:
            b64 = base64.encodebytes(f.read()).decode("ascii")
        os.makedirs(KEYS, exist_ok=True)
        with open(keyfile, "w", encoding="ascii", newline="\n") as f:
            f.write(b64)
        print(f"mkcorpus.py: new encryption parameters in "
              f"{os.path.relpath(keyfile, ROOT)} (commit it)", file=sys.stderr)
    else:
        with open(keyfile, "r", encoding="ascii") as f:
            data = base64.b64decode(f.read())
        with open(tmpl, "wb") as f:
            f.write(data)
    return tmpl


def encrypt_pdf(rel, data, user_password, tmpdir, new_keys=False):
    """Encrypts data with AES-256 (qpdf), user password user_password ("" opens
    without a password), owner password OWNER_PASSWORD."""
    tmpl = key_template(rel, user_password, tmpdir, new_keys)
    src = os.path.join(tmpdir, "plain.pdf")
    dst = os.path.join(tmpdir, "encrypted.pdf")
    with open(src, "wb") as f:
        f.write(data)
    run_qpdf(rel, ["--static-id", "--static-aes-iv", "--copy-encryption=" + tmpl,
                   "--encryption-file-password=" + user_password, src, dst])
    with open(dst, "rb") as f:
        out = f.read()
    for p in (src, dst, tmpl):
        os.unlink(p)
    return out


def build_pdf(rel, header, body, tmpdir, new_keys):
    data = make_pdf(rel, header, body)
    protect = header.get("protect", "none")
    if protect == "empty-user-password":
        data = encrypt_pdf(rel, data, "", tmpdir, new_keys)
    elif protect.startswith("user-password:"):
        password = protect.split(":", 1)[1]
        if not password:
            raise SourceError(f"{rel}: user-password: needs a password")
        data = encrypt_pdf(rel, data, password, tmpdir, new_keys)
    elif protect != "none":
        raise SourceError(f"{rel}: unknown protect '{protect}'")
    damage = header.get("damage", "none")
    m = re.fullmatch(r"truncate:(\d+)", damage)
    if m:
        pct = int(m.group(1))
        if not 0 < pct < 100:
            raise SourceError(f"{rel}: truncate percentage must be 1..99")
        data = data[: len(data) * pct // 100]
    elif damage != "none":
        raise SourceError(f"{rel}: unknown damage '{damage}'")
    return data


# ==== Driver =================================================================

def generate(new_keys=False):
    """Returns {path under corpus/: bytes} for every generated file."""
    files = {}
    with tempfile.TemporaryDirectory(prefix="mkcorpus.") as tmpdir:
        for rel, kind, header, body in load_sources():
            if kind == "pdf":
                data = build_pdf(rel, header, body, tmpdir, new_keys)
            else:
                data = make_text(rel, header, body)
            outs = [header["output"]] + ([header["copy"]] if header.get("copy") else [])
            for out in outs:
                if out in files:
                    raise SourceError(f"{rel}: output {out} is written twice")
                files[out] = data
    return files


def write(files):
    owned_dirs = set()
    for out in sorted(files):
        path = os.path.join(OUT, out)
        if os.path.lexists(path):
            os.unlink(path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(files[out])
        owned_dirs.add(os.path.dirname(out))
    for d in sorted(owned_dirs):
        for name in sorted(os.listdir(os.path.join(OUT, d))):
            rel = os.path.join(d, name)
            if os.path.isfile(os.path.join(OUT, rel)) and rel not in files:
                print(f"mkcorpus.py: warning: corpus/{rel} is not generated by this script "
                      "(left alone; delete it if it is stale)", file=sys.stderr)


def check(files):
    bad = 0
    for out in sorted(files):
        path = os.path.join(OUT, out)
        try:
            with open(path, "rb") as f:
                same = f.read() == files[out]
        except FileNotFoundError:
            print(f"missing: corpus/{out}")
            bad += 1
            continue
        if not same:
            print(f"differs: corpus/{out}")
            bad += 1
    return bad


def main(argv):
    if len(argv) > 1 or (argv and argv[0] not in ("--check", "--list", "--new-keys")):
        sys.exit("usage: mkcorpus.py [--check | --list | --new-keys]")
    if argv and argv[0] == "--check" and not os.path.isdir(KEYS):
        sys.exit("mkcorpus.py: scripts/corpus/keys/ is missing: the encrypted PDFs "
                 "cannot be reproduced")
    try:
        files = generate(new_keys=bool(argv) and argv[0] == "--new-keys")
    except SourceError as e:
        sys.exit(f"mkcorpus.py: {e}")
    if argv and argv[0] == "--list":
        for out in sorted(files):
            print("corpus/" + out)
        return 0
    if argv and argv[0] == "--check":
        bad = check(files)
        print(f"mkcorpus.py: {len(files)} files checked, {bad} out of date")
        return 1 if bad else 0
    write(files)
    total = sum(len(d) for d in files.values())
    print(f"mkcorpus.py: wrote {len(files)} files ({total} bytes) under corpus/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
