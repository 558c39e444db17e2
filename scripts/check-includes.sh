#!/bin/sh
# Each outside library lives behind one file (docs/architecture.md): this
# checks that no other source file includes its headers.  The Makefile gives
# each library's compiler flags only to its file, but headers installed in
# /usr/include need no flags, so the rule is checked here, by make check.
#
# Usage: scripts/check-includes.sh   (from anywhere; exit 1 on a violation)
set -eu
cd "$(dirname "$0")/.."

# header pattern (extended regex on the name inside <>)  allowed files
# (comma-separated); lines starting with # are comments.  Files under bench/
# are benchmark tools, not Testigo: one that includes an outside library is
# named here explicitly, with a comment saying why.
rules='
nettle/                             lib/base/hash.c
utf8proc\.h                         lib/base/text.c
textcat\.h                          lib/base/lang.c
xapian                              lib/index/xap.cc
magic\.h                            indexer/worker/detect.c
# bench/pdffloor.c: not Testigo; the PDF floor of make bench (poppler-glib
# in process plus Xapian), which must read PDFs as extract_pdf.c does
(poppler|cairo|glib)                indexer/worker/extract_pdf.c,bench/pdffloor.c
(tesseract/|allheaders\.h|leptonica/) indexer/worker/ocr.c
libexif/                            indexer/worker/exif.c
archive(_entry)?\.h                 indexer/worker/bundle.c
libxml/                             indexer/worker/xml.c
gmime/                              indexer/worker/extract_email.c
microhttpd\.h                       web/server.c
'

bad=0
files=$(find lib indexer search web bench tests/tools -name '*.[ch]' -o -name '*.cc' | sort)
echo "$rules" | while read -r pat allowed; do
    case $pat in '' | '#'*) continue ;; esac
    for f in $files; do
        case ",$allowed," in *",$f,"*) continue ;; esac
        grep -En "^[[:space:]]*#[[:space:]]*include[[:space:]]*<$pat" "$f" | while IFS=: read -r n line; do
            echo "check-includes: $f:$n: $line: only $(echo "$allowed" | sed 's/,/ or /g') may include it" >&2
            echo bad
        done
    done
done | grep -q bad && bad=1
[ "$bad" -eq 0 ] && echo "check-includes: each outside library is included by its one file"
exit "$bad"
