#!/bin/sh
# OCR throughput: testigo-index on a set of page images against the floor
# of Debian's `tesseract` command over the same images, run as one process
# per image with as many processes at once as there are cores, each with
# OMP_THREAD_LIMIT=1 (tesseract's own OpenMP threads on top of the
# processes make it slower, not faster).  Prints a Markdown section.
#
# Usage: bench/ocr.sh [N]   (N page images, default 40; needs bin/testigo-index,
#                            tesseract-ocr, poppler-utils: scripts/deps.sh bench)
# The images are A5 pages of dense Spanish text at 200 dpi made by
# scripts/mkscans.py --bench.  Each side runs RUNS times (default 3),
# alternating; the median counts, and the range is shown.  Target:
# testigo-index within 1.15x of the floor.
set -eu
LC_ALL=C
export LC_ALL
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-40}
runs=${RUNS:-3}
lang=spa+eng
cores=$(nproc)
work=$top/bench/work/ocr
img=$work/img$n
mkdir -p "$work"
if [ ! -d "$img" ] || [ "$(ls "$img" | wc -l)" -ne "$n" ]; then
    rm -rf "$img"
    python3 "$top/scripts/mkscans.py" --bench "$n" "$img"
fi
command -v tesseract >/dev/null || { echo "bench/ocr.sh: tesseract not installed (scripts/deps.sh bench)" >&2; exit 2; }
[ -x "$top/bin/testigo-index" ] || { echo "bench/ocr.sh: build first (make)" >&2; exit 2; }
load=$(cut -d' ' -f1 /proc/loadavg)

now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }
# median [min-max] of the numbers on stdin
stats() { sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
    printf "%.2f %.2f %.2f\n", m, v[1], v[NR] }'; }

# alternating: the floor (tesseract, one process per image, `cores` at a
# time), then testigo-index (a fresh archive each run: no OCR cache,
# `cores` workers), RUNS times
floor_times=""
ours_times=""
for _ in $(seq "$runs"); do
    t0=$(now)
    find "$img" -name '*.png' | sort | OMP_THREAD_LIMIT=1 xargs -P "$cores" -n 1 \
        sh -c 'tesseract "$0" - -l '"$lang"' >/dev/null 2>&1'
    t1=$(now)
    floor_times="$floor_times $(calc "$t1 - $t0")"
    rm -rf "$work/archive"
    sync
    t0=$(now)
    "$top/bin/testigo-index" -q --archive "$work/archive" --jobs "$cores" --ocr-lang "$lang" "$img" >/dev/null
    t1=$(now)
    ours_times="$ours_times $(calc "$t1 - $t0")"
done
# shellcheck disable=SC2046,SC2086  # the times are words; so are stats' three numbers
set -- $(printf '%s\n' $floor_times | stats)
floor=$1 floor_range="$2-$3"
# shellcheck disable=SC2046,SC2086
set -- $(printf '%s\n' $ours_times | stats)
ours=$1 ours_range="$2-$3"
recognised=$(python3 -c 'import json,sys
print(sum(json.loads(l).get("ocr",{}).get("recognised",0) for l in open(sys.argv[1])))' "$work/archive/log/ingest.jsonl")

# the second run over the same archive: everything is unchanged
t0=$(now)
"$top/bin/testigo-index" -q --archive "$work/archive" "$img" >/dev/null
t1=$(now)
rerun=$(calc "$t1 - $t0")
# re-extraction: every page from the OCR cache
t0=$(now)
"$top/bin/testigo-index" -q --archive "$work/archive" --reextract "$img" >/dev/null
t1=$(now)
reext=$(calc "$t1 - $t0")

cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
px=$(python3 -c 'import struct,sys,glob
f=sorted(glob.glob(sys.argv[1]+"/*.png"))[0]; d=open(f,"rb").read(24); print("%d x %d" % struct.unpack(">II", d[16:24]))' "$img")
mb=$(du -sm "$img" | cut -f1)
ratio=$(calc "$ours / $floor")
verdict=$(calc "($ratio <= 1.15) ? 1 : 0")
[ "$verdict" -eq 1 ] && verdict="within the 1.15x target" || verdict="OVER the 1.15x target"

cat <<EOF
## OCR throughput

- Machine: $cpu, $cores cores, $(free -g | awk '/^Mem/ {print $2}') GB
- Engine: $(tesseract --version 2>&1 | head -1), languages \`$lang\`, OMP_THREAD_LIMIT=1
- Images: $n PNG pages of dense Spanish text (A5, 200 dpi, $px pixels, ${mb} MB in all), made by \`scripts/mkscans.py --bench $n\`
- $runs runs each, alternating; median [min-max]; load before: $load

| | seconds | pages/s |
|---|---:|---:|
| floor: \`tesseract IMG - -l $lang\`, $cores processes at a time | $floor [$floor_range] | $(printf '%.2f' "$(calc "$n / $floor")") |
| \`testigo-index --jobs $cores\` (fresh archive: store, OCR, index) | $ours [$ours_range] | $(printf '%.2f' "$(calc "$n / $ours")") |
| ratio testigo-index / floor | $(printf '%.3f' "$ratio") | $verdict |
| second run, same files (unchanged, not read) | $(printf '%.2f' "$rerun") | |
| \`--reextract\` (every page from the OCR cache) | $(printf '%.2f' "$reext") | |

Pages recognised by testigo-index in its last fresh run: $recognised of $n.
EOF
