#!/bin/sh
# Instructions per file of testigo-index (docs/benchmarking.md, "For the CPU
# work"): callgrind over the first N files of the benchmark's text set, two
# workers, commits only by batch (--commit-interval far off, so valgrind's
# slowness does not add commits), and prints the writer's (coordinator's)
# and the workers' instructions per file, with the functions that cost
# most.  Instruction counts do not depend on the machine's load, so a change
# can be measured before and after on a busy shared machine.
#
# Usage: bench/callgrind.sh [N]   (default 1000; BIN=folder of the testigo-index
#                                 to measure, default bin/; KEEP=DIR keeps the
#                                 callgrind files there)
set -eu
LC_ALL=C
export LC_ALL
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000}
bin=${BIN:-$top/bin}
[ -x "$bin/testigo-index" ] || { echo "bench/callgrind.sh: no $bin/testigo-index (make)" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "bench/callgrind.sh: valgrind missing (scripts/deps.sh bench)" >&2; exit 2; }
corpus=$top/bench/work/corpus/text
if [ ! -f "$corpus.done" ]; then
    python3 "$top/bench/mkbench.py" "$corpus" text
    : >"$corpus.done"
fi
w=$(mktemp -d "${TMPDIR:-/tmp}/tg-callgrind.XXXXXX")
trap 'rm -rf "$w"' EXIT INT TERM
# the first N files, in the walk's order, copied (a symlink is not followed)
(cd "$corpus" && find . -type f | sort | head -n "$n") | while read -r f; do
    mkdir -p "$w/in/$(dirname "$f")"
    cp "$corpus/$f" "$w/in/$f"
done
mkdir "$w/cg"
valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$w/cg/cg.%p" \
    "$bin/testigo-index" --quiet --jobs 2 --commit-interval 86400 --archive "$w/archive" "$w/in" \
    >"$w/log" 2>&1 || { cat "$w/log" >&2; exit 1; }
echo "| process | instructions | per file ($n files) |"
echo "|---|---|---|"
workers=0
for f in "$w"/cg/cg.*; do
    total=$(sed -n 's/^summary: //p' "$f")
    if grep -q '^cmd:.* --worker ' "$f"; then
        workers=$((workers + total))
    else
        echo "| writer (coordinator) | $total | $(awk "BEGIN { printf \"%.2fM\", $total / $n / 1e6 }") |"
        writer=$f
    fi
done
echo "| workers (together) | $workers | $(awk "BEGIN { printf \"%.2fM\", $workers / $n / 1e6 }") |"
echo
echo "Writer, inclusive, per file (the top of callgrind_annotate):"
echo
callgrind_annotate --inclusive=yes "$writer" 2>/dev/null | python3 -c '
import re, sys
n = int(sys.argv[1])
seen = set()
for line in sys.stdin:
    if line.startswith("-- Auto-annotated"):
        break
    m = re.match(r"\s*([0-9,]+) \(\s*[0-9.]+%\)\s+(\S.*)", line)
    if not m:
        continue
    c, what = int(m.group(1).replace(",", "")), m.group(2)
    if c / n < 20000 or not re.search(r"tg_|apply_doc|commit|json_|Xapian::(Writable|Document::unser)", what):
        continue
    name = re.sub(r"\s*\[.*\]$", "", what).split(":", 1)[-1][:90]
    if name in seen:
        continue
    seen.add(name)
    print("    %6.2fM  %s" % (c / n / 1e6, name))
' "$n" | head -25
if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp "$w"/cg/cg.* "$KEEP"/; fi
