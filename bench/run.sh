#!/bin/sh
# make bench: times testigo-index beside Xapian's omindex and Recoll's
# recollindex on the same corpora (bench/mkbench.py, made under bench/work/,
# not in git), with the floors: pdftotext alone and the PDF floor
# (bench/pdffloor.c) under the PDFs, the Xapian floor (bench/floor.c) under
# small text files.  Each tool runs RUNS times per set, alternating with the
# others, on a warm page cache (bench/bench.py); the report gives medians and
# ranges of wall time, CPU and memory, the load, the machine's probes, the
# targets of issue 16, and the versions and environment the peers depend
# on (bench/report.py).  A full run also appends the OCR and web sections
# (bench/ocr.sh, bench/ocr-turned.sh, bench/web.sh, bench/pages.sh).
# docs/benchmarking.md.
#
# Usage: bench/run.sh [SET...]   SETs: text mixed pdf many huge (default all,
#                                or $SETS)
#   RUNS=3 BENCH_SCALE=1 TOOLS=a,b WARMUP=sample|full|none WHY=0|1: bench/bench.py
#   OUT=FILE      the report; default bench/RESULTS.md for a full run (every
#                 set, BENCH_SCALE=1, RUNS>=3, no TOOLS), else bench/RESULTS-dev.md
#   EXTRAS="ocr web"  the sections appended (default: both for a full run,
#                 none otherwise)
# Needs what scripts/deps.sh bench installs and make bench-bins builds.
set -eu
LC_ALL=C.UTF-8
export LC_ALL
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

sets=${*:-${SETS:-text mixed pdf many huge}}
runs=${RUNS:-3}
scale=${BENCH_SCALE:-1}
full=no
if [ "$sets" = "text mixed pdf many huge" ] && [ "$scale" = 1 ] && [ "$runs" -ge 3 ] && [ -z "${TOOLS:-}" ] && [ -z "${BASE_BIN:-}" ]; then
    full=yes
fi
if [ -z "${OUT:-}" ]; then
    if [ $full = yes ]; then OUT=$top/bench/RESULTS.md; else OUT=$top/bench/RESULTS-dev.md; fi
fi
if [ $full = yes ]; then extras=${EXTRAS-ocr ocr-turned web pages}; else extras=${EXTRAS:-}; fi

echo "bench: sets: $sets; $runs runs per tool; scale $scale; report: $OUT" >&2
echo "bench: load now: $(cut -d' ' -f1-3 /proc/loadavg) (the report flags noisy runs; a quiet machine gives usable ones)" >&2
# shellcheck disable=SC2086
RUNS=$runs BENCH_SCALE=$scale $PY "$top/bench/bench.py" $sets
# shellcheck disable=SC2086
$PY "$top/bench/report.py" "$top/bench/work/res" "$OUT" $sets
for extra in $extras; do
    if [ -x "$top/bench/$extra.sh" ]; then
        "$top/bench/$extra.sh" >>"$OUT" || echo "bench: $extra.sh failed" >&2
    fi
done
echo "bench: wrote $OUT" >&2
