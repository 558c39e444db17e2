#!/bin/sh
# make bench: builds the benchmark corpora (bench/mkbench.py) under
# bench/work/ (not in git), times testigo-index beside Xapian's omindex and
# Recoll's recollindex on the same files in the same run, measures the
# pdftotext floor, the Xapian floor under small text files (bench/floor.c)
# and memory at scale, and runs the other sections (bench/ocr.sh,
# bench/ocr-turned.sh, bench/web.sh) when present; writes bench/RESULTS.md.
#
# Usage: bench/run.sh [SET...]   SETs: text mixed pdf many huge (default: all)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
W=$top/bench/work
BIN=$top/bin
sets=${*:-text mixed pdf many huge}
jobs=$(nproc)
mkdir -p "$W/corpus" "$W/res"

measure() { # NAME CMD... : runs and records wall time and peak memory
    name=$1
    shift
    echo "bench: $name" >&2
    python3 "$top/bench/measure.py" "$W/res/$name.json" "$@" || true
}

db_docs() { # xapian database folder -> document count
    xapian-delve "$1" 2>/dev/null | sed -n 's/^number of documents = //p'
}

for set in $sets; do
    C=$W/corpus/$set
    [ -d "$C" ] || { echo "bench: generating the '$set' corpus" >&2; python3 bench/mkbench.py "$C" "$set"; }
    R=$W/run/$set
    rm -rf "$R"
    mkdir -p "$R"
    files=$(find "$C" -type f | wc -l)
    bytes=$(du -sb "$C" | cut -f1)
    echo "{\"files\": $files, \"bytes\": $bytes}" >"$W/res/$set-input.json"
    # warm the page cache so every tool reads from memory alike
    find "$C" -type f -exec cat {} + >/dev/null

    measure "$set-testigo" "$BIN/testigo-index" -q --archive "$R/testigo" "$C"
    db_docs "$R/testigo/index" >"$W/res/$set-testigo.docs" || true
    du -sb "$R/testigo/index" | cut -f1 >"$W/res/$set-testigo.size"

    if [ "$set" = text ]; then
        # the floor under small files (bench/floor.c): Xapian with Testigo's
        # terms and nothing else, in one process, then one shard per core
        find "$C" -type f | sort >"$R/list"
        for n in $(printf '1\n%s\n' "$jobs" | sort -nu); do
            measure "$set-floor$n" "$top/build/release/bench/floor" "$R/floor$n" "$n" <"$R/list"
            echo "$(find "$C" -type f | wc -l)" >"$W/res/$set-floor$n.docs"
            du -sb "$R/floor$n" | cut -f1 >"$W/res/$set-floor$n.size"
        done
    fi


    if [ "$set" != huge ]; then
        mkdir -p "$R/omega"
        measure "$set-omindex" omindex --db "$R/omega/db" --url / "$C"
        db_docs "$R/omega/db" >"$W/res/$set-omindex.docs" || true
        du -sb "$R/omega/db" | cut -f1 >"$W/res/$set-omindex.size"

        mkdir -p "$R/recoll"
        printf 'topdirs = %s\ndbdir = %s/xapiandb\nloglevel = 1\n' "$C" "$R/recoll" >"$R/recoll/recoll.conf"
        measure "$set-recollindex" recollindex -c "$R/recoll"
        db_docs "$R/recoll/xapiandb" >"$W/res/$set-recollindex.docs" || true
        du -sb "$R/recoll/xapiandb" | cut -f1 >"$W/res/$set-recollindex.size"
    fi
    if [ "$set" = pdf ]; then
        # the floor: pdftotext alone over the same PDFs, as many at once as cores
        measure "pdf-pdftotext" sh -c "find '$C' -name '*.pdf' -print0 | xargs -0 -P $jobs -n 25 sh -c 'for f; do pdftotext \"\$f\" /dev/null; done' sh"
    fi
    rm -rf "$R"
done

python3 "$top/bench/report.py" "$W/res" "$top/bench/RESULTS.md" $sets
for extra in ocr ocr-turned web; do
    if [ -x "$top/bench/$extra.sh" ]; then
        "$top/bench/$extra.sh" >>"$top/bench/RESULTS.md" || echo "bench: $extra.sh failed" >&2
    fi
done
echo "bench: wrote bench/RESULTS.md" >&2
