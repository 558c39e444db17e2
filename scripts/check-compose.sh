#!/bin/sh
# One composer (lib/index/compose.h): a document's terms and values are
# derived in lib/index/compose.c and nowhere else, so that no code patches
# a built document.  This fails when any other file of lib/, indexer/,
# search/ or web/ calls what adds or removes a term or sets a value or the
# data.  The primitives themselves are defined in lib/index/xap.cc (the
# Xapian wrapper) and lib/index/schema.c (words with their stems, dates at
# their precisions), which compose.c calls; tests and bench/ may build
# documents of their own.
#
# Usage: scripts/check-compose.sh   (from anywhere; exit 1 on a violation)
set -eu
cd "$(dirname "$0")/.."

calls='\btg_(doc_(add_term|add_posting|remove_term|remove_prefixed|set_value|set_data|set_date)|index_text|date_add_terms)[[:space:]]*\('
allowed=' lib/index/compose.c lib/index/xap.cc lib/index/xap.h lib/index/schema.c lib/index/schema.h '

bad=0
for f in $(find lib indexer search web -name '*.[ch]' -o -name '*.cc' | sort); do
    case "$allowed" in *" $f "*) continue ;; esac
    hits=$(grep -nE "$calls" "$f" || true)
    [ -n "$hits" ] || continue
    echo "$hits" | while IFS= read -r line; do
        echo "check-compose: $f:$line: only lib/index/compose.c derives terms and values" >&2
    done
    bad=1
done
[ "$bad" -eq 0 ] && echo "check-compose: every term and value comes from lib/index/compose.c"
exit "$bad"
