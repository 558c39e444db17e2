#!/bin/sh
# The cost of orientation checks (indexer/worker/ocr.c, "Orientation"): worker CPU
# seconds per page for upright pages and for the same pages lying turned
# (90, 180, 270 degrees in turn, no EXIF), one worker, a fresh archive each
# run (no OCR cache); the median of RUNS runs counts, with their range
# (the machine may be shared: the best of a few runs flatters).  Also
# prints the recogniser's readings and OSD's checks per page, from the
# ingest log.  Prints a Markdown section (make bench appends it
# to bench/RESULTS.md).
#
# Usage: bench/ocr-turned.sh [N]   (N page images, default 8; BIN=folder of
#                                   the testigo-index to measure, default bin/)
# The pages are scripts/mkscans.py --bench's (A5, dense Spanish, 200 dpi),
# turned by tests/integration/mkturned.py's own pure-Python rotation.
set -eu
LC_ALL=C
export LC_ALL
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-8}
runs=${RUNS:-3}
bin=${BIN:-$top/bin}
work=$top/bench/work/ocr-turned
[ -x "$bin/testigo-index" ] || { echo "bench/ocr-turned.sh: no $bin/testigo-index (make)" >&2; exit 2; }
if [ ! -d "$work/up" ] || [ "$(ls "$work/up" | wc -l)" -ne "$n" ]; then
    rm -rf "$work"
    mkdir -p "$work/turned"
    python3 "$top/scripts/mkscans.py" --bench "$n" "$work/up"
    python3 - "$top" "$work/up" "$work/turned" <<'PY'
import os, sys
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(sys.argv[1], "tests", "integration"))
sys.path.insert(0, os.path.join(sys.argv[1], "scripts"))
import mkscans, mkturned
for i, f in enumerate(sorted(os.listdir(sys.argv[2]))):
    img = mkturned.read_png_grey(os.path.join(sys.argv[2], f))
    with open(os.path.join(sys.argv[3], f), "wb") as o:
        o.write(mkscans.png_gray(mkturned.rotate_cw(img, 1 + i % 3), 200))
PY
fi

# median_range CPU...: "median min max" of the runs' worker CPU seconds
median_range() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
        END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m, v[1], v[NR] }'
}

# measure SET: "cpu_per_page min_per_page max_per_page readings_per_page
# checks_per_page found"
measure() {
    cpus=
    for r in $(seq "$runs"); do
        rm -rf "$work/archive"
        cpu=$("$bin/testigo-index" -v --jobs 1 --archive "$work/archive" "$work/$1" 2>/dev/null |
            sed -n 's/.*workers \([0-9.]*\) user + \([0-9.]*\) system.*/\1 \2/p' |
            awk '{ print $1 + $2 }')
        [ -n "$cpu" ] || { echo "bench/ocr-turned.sh: no CPU figure from testigo-index -v" >&2; exit 1; }
        cpus="$cpus $cpu"
    done
    # shellcheck disable=SC2086
    set -- $(median_range $cpus) "$1"
    med=$1 lo=$2 hi=$3
    found=$("$bin/testigo-search" --archive "$work/archive" --json --limit 1000 detención |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
    python3 - "$work/archive/log/ingest.jsonl" "$med" "$n" "$found" "$lo" "$hi" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
o = [e.get("ocr", {}) for e in ev if e["event"] == "added"]
n = int(sys.argv[3])
print("%.2f %.2f %.2f %.2f %.2f %s/%d" % (float(sys.argv[2]) / n, float(sys.argv[5]) / n,
                                          float(sys.argv[6]) / n, sum(x.get("recognised", 0) for x in o) / n,
                                          sum(x.get("orientation_checks", 0) for x in o) / n, sys.argv[4], n))
PY
}

echo
echo "## OCR of pages that lie turned"
echo
echo "- The same $n pages of bench/ocr.sh upright, then each turned 90, 180 or 270 degrees (no EXIF); one worker; median of $runs runs [range]; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| pages ($n, A5 200 dpi) | worker CPU s/page, median [range] | readings/page | OSD checks/page | pages found by a word |"
echo "|---|---|---|---|---|"
for set in up turned; do
    # shellcheck disable=SC2046
    set -- $(measure "$set")
    echo "| $set | $1 [$2-$3] | $4 | $5 | $6 |"
done
