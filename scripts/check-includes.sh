#!/bin/sh
# Each outside library lives behind one file (docs/architecture.md): this
# checks that no other source file includes its headers; that the
# programs reading an archive go through the search library; and that the
# indexer's coordinator and workers share only indexer/proto.h (below).
# The Makefile gives each library's compiler flags only to its file, but
# headers installed in /usr/include need no flags, so the rule is checked
# here, by make check.
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
(png|zlib)\.h                        indexer/worker/pngio.c
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

# The programs that read an archive (search/, web/) read it only through
# the search library (lib/read/search.h), which hides what a public handle
# may not show and retries a read the indexer's commits interrupted: no
# Xapian handle, document, query or result set (lib/index/xap.h) and no
# store (lib/index/store.h) of their own.  tg_query_parse is the read
# side's query parser, not a Xapian call.
sealed=0
for f in $(find search web -name '*.[ch]' | sort); do
    grep -nE '#[[:space:]]*include[[:space:]]*"(xap|store)\.h"|\btg_(db|doc|mset|store|stemmer)_[a-z_]+|\btg_stem\b|\btg_query_[a-z_]+' "$f" |
        grep -v '\btg_query_parse\b' | while IFS=: read -r n line; do
        echo "check-includes: $f:$n: $line: search/ and web/ read an archive only through lib/read/search.h" >&2
        echo bad
    done
done | grep -q bad && sealed=1
# ...and the search library hands out none (as tg_archive_db once did)
if grep -nE '\btg_(db|doc|mset|store)_t\b' lib/read/search.h >&2; then
    echo "check-includes: lib/read/search.h: the search library gives no index or store handle" >&2
    sealed=1
fi
[ "$sealed" -eq 0 ] && echo "check-includes: search/ and web/ use no index or store handle of their own"
[ "$sealed" -eq 0 ] || bad=1

# The indexer's two sides meet only in indexer/proto.h (docs/protocol.md):
# no file of the coordinator includes a worker's header, no worker file a
# coordinator's, and proto.h/proto.c include neither.  The Makefile gives
# each side only its own folder's -I, so this catches what the build would
# also refuse, and says why.
sides=0
side_of() { # header name -> the side whose folder holds it, or nothing
    if [ -f "indexer/coordinator/$1" ]; then echo coordinator; elif [ -f "indexer/worker/$1" ]; then echo worker; fi
}
for f in $(find indexer/coordinator indexer/worker -name '*.[ch]' | sort) indexer/proto.h indexer/proto.c; do
    case $f in
    indexer/coordinator/*) mine=coordinator ;;
    indexer/worker/*) mine=worker ;;
    *) mine=proto ;;
    esac
    sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" | while read -r h; do
        other=$(side_of "$h")
        if [ -n "$other" ] && [ "$other" != "$mine" ]; then
            echo "check-includes: $f: includes $h of indexer/$other/: the coordinator and the workers share only indexer/proto.h" >&2
            echo bad
        fi
    done
done | grep -q bad && sides=1
[ "$sides" -eq 0 ] && echo "check-includes: the coordinator and the workers share only indexer/proto.h"
[ "$sides" -eq 0 ] || bad=1
exit "$bad"
