#!/bin/sh
# Each outside library lives behind one file (docs/architecture.md): this
# checks that no other source file includes its headers.  The Makefile gives
# each library's compiler flags only to its file, but headers installed in
# /usr/include need no flags, so the rule is checked here, by make check.
#
# Usage: scripts/check-includes.sh   (from anywhere; exit 1 on a violation)
set -eu
cd "$(dirname "$0")/.."

# header pattern (extended regex on the name inside <>)  allowed file
rules='
nettle/                             lib/base/hash.c
utf8proc\.h                         lib/base/text.c
textcat\.h                          lib/base/lang.c
xapian                              lib/index/xap.cc
magic\.h                            indexer/worker/detect.c
(poppler|cairo|glib)                indexer/worker/extract_pdf.c
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
    [ -n "$pat" ] || continue
    for f in $files; do
        [ "$f" = "$allowed" ] && continue
        grep -En "^[[:space:]]*#[[:space:]]*include[[:space:]]*<$pat" "$f" | while IFS=: read -r n line; do
            echo "check-includes: $f:$n: $line: only $allowed may include it" >&2
            echo bad
        done
    done
done | grep -q bad && bad=1
[ "$bad" -eq 0 ] && echo "check-includes: each outside library is included by its one file"
exit "$bad"
