#!/bin/sh
# A worker kept from the CPU by other busy programs is not timed out for
# it (indexer/coordinator/dispatch.c, dispatch_watch; indexer/worker/ocr.c,
# over_budget; docs/architecture.md, "Deadlines"): the time it spends ready
# to run but waiting for a CPU moves its deadlines.  The indexer and three
# busy loops share one CPU; the workers run 5 nice steps below the
# coordinator and the loops, so the extraction gets about a tenth of it,
# and the budgets are twice what the file and the OCR page take with the
# CPU to themselves.
. "$(dirname "$0")/lib.sh"

if [ ! -r /proc/self/schedstat ] || ! command -v taskset >/dev/null; then
    skip "a starved worker is not timed out (no /proc/self/schedstat or taskset here)"
    finish
fi
cpu=$(taskset -pc $$ | sed 's/.*: *//' | cut -d, -f1 | cut -d- -f1)

# a statement of n words, and what indexing it takes with the CPU to
# itself: the words doubled until that is at least a second
statement() {
    rm -rf "$T/in"
    python3 - "$T/in/statement.txt" "$1" <<'EOF'
import os, random, sys
random.seed(7)
syll = ['ma', 'ri', 'co', 'la', 'de', 'tra', 'sol', 'ven', 'zue', 'lo', 'pe', 'dro', 'gar', 'cia']
words = [''.join(random.choice(syll) for _ in range(random.randint(2, 4))) for _ in range(20000)]
out = []
for i in range(int(sys.argv[2])):
    out.append(random.choice(words))
    if i % 15 == 14:
        out.append('.\n')
os.makedirs(os.path.dirname(sys.argv[1]), exist_ok=True)
open(sys.argv[1], 'w').write(' '.join(out) + '\nPalabra final: centinela.\n')
EOF
}
# timed_index ARCHIVE ARGS...: indexes $T/in on that one CPU; sets took
# (seconds) and st (exit status), the output in $T/out
timed_index() {
    A=$1
    shift
    t0=$(date +%s.%N)
    set +e
    taskset -c "$cpu" "$BIN/testigo-index" --archive "$A" --jobs 1 "$@" "$T/in" >"$T/out" 2>&1
    st=$?
    set -e
    took=$(python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" \
        "$t0" "$(date +%s.%N)")
}
# starved ARCHIVE ARGS...: the same with three busy loops on that CPU (each
# ends by itself, should this script be killed)
starved() {
    hogs=
    for k in 1 2 3; do
        timeout 120 taskset -c "$cpu" sh -c 'while :; do :; done' &
        hogs="$hogs $!"
    done
    timed_index "$@"
    kill $hogs 2>/dev/null || true
    wait 2>/dev/null || true
}
longer() { python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) > float(sys.argv[2]) else 1)" "$@"; }

n=100000
while :; do
    statement $n
    timed_index "$T/alone$n"
    [ "$st" -eq 0 ] || not_ok "indexing $n words with the CPU to itself (exit $st)"
    if [ $n -ge 1600000 ] || longer "$took" 1; then
        break
    fi
    n=$((n * 2))
done
alone=$took
limit=$(python3 -c "import math,sys; print(math.ceil(2 * float(sys.argv[1])))" "$alone")
starved "$T/starved" --timeout "$limit"
echo "# $n words: alone $alone s; --timeout $limit; starved $took s"
if [ "$st" -eq 0 ]; then ok "indexing completes though the worker waited for the CPU"; else
    not_ok "indexing completes though the worker waited for the CPU (exit $st)"
    sed 's/^/#   /' "$T/out" | head -10
fi
check "nothing timed out" test "$(grep -c 'timed out' "$T/out" || true)" = 0
expect_hits "its last word is found" centinela statement.txt
check "the run did wait (it took longer than --timeout)" longer "$took" "$limit"

# an OCR page's own deadline (--ocr-timeout, checked by tesseract between
# words) leaves out the waiting too
if ! command -v tesseract >/dev/null; then
    skip "a starved OCR page is not stopped (no OCR here)"
    finish
fi
rm -rf "$T/in"
mkdir -p "$T/in"
cp "$TOP/corpus/escaneos/declaracion_nunez.png" "$T/in/"
timed_index "$T/ocr-alone"
[ "$st" -eq 0 ] || not_ok "OCR of the image with the CPU to itself (exit $st)"
alone=$took
olimit=$(python3 -c "import sys; print('%.2f' % (2 * float(sys.argv[1])))" "$alone")
starved "$T/ocr-starved" --timeout 600 --ocr-timeout "$olimit"
echo "# OCR: alone $alone s; --ocr-timeout $olimit; starved $took s"
check "an OCR page that waited for the CPU is read (exit $st)" test "$st" = 0
check "  not stopped" test "$(grep -c 'OCR stopped' "$T/out" || true)" = 0
expect_hits "  and its words are found" 'ramon nunez' declaracion_nunez.png
check "  though the run took longer than --ocr-timeout" longer "$took" "$olimit"
finish
