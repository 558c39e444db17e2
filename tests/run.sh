#!/bin/sh
# Runs every test: unit tests (cmocka, TAP output), then the numbered
# integration scripts, against the programs in BUILD/bin.  Each test case
# reports "ok" or "not ok"; the last line is "N passed, N failed", and the
# exit status is non-zero if anything failed.
#
# Usage: tests/run.sh [BUILD]   (default build/asan)   [PATTERN] limits the scripts
set -u
LC_ALL=C
export LC_ALL
build=${1:-build/asan}
pattern=${2:-}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2

TESTIGO_BIN="$top/$build/bin"
[ "$build" = release ] && TESTIGO_BIN="$top/bin"
TESTIGO_TOOLS="$top/$build/tests/tools"
[ "$build" = release ] && TESTIGO_TOOLS="$top/build/release/tests/tools"
export TESTIGO_BIN TESTIGO_TOOLS
# the real-world test files beside the checkout (../shared), or beside the
# main checkout when this is a git worktree one level further down
if [ -z "${TESTIGO_REAL:-}" ] && [ ! -d "$top/../shared/testdata/real" ] &&
    [ -d "$top/../../shared/testdata/real" ]; then
    TESTIGO_REAL=$(cd "$top/../../shared/testdata/real" && pwd)
    export TESTIGO_REAL
fi
# Leaks inside system libraries (fontconfig, glib) are not ours to fix.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=86"
export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export CMOCKA_MESSAGE_OUTPUT=TAP

artifacts="$top/tests/artifacts"
mkdir -p "$artifacts"
passed=0
failed=0
failures=""

# count_tap NAME OUTPUTFILE STATUS
count_tap() {
    name=$1 out=$2 status=$3
    p=$(grep -c '^ok ' "$out" || true)
    f=$(grep -c '^not ok ' "$out" || true)
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        # crashed, or an error outside any test case
        f=1
        echo "not ok - $name exited with status $status"
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    [ "$f" -gt 0 ] && failures="$failures $name"
}

if [ -z "$pattern" ]; then
    for t in "$build"/tests/test_*; do
        [ -x "$t" ] || continue
        case $t in *.o) continue ;; esac
        name=$(basename "$t")
        echo "# $name"
        out="$artifacts/$name.log"
        "$t" >"$out" 2>&1
        status=$?
        grep -E '^(ok|not ok|#)' "$out" | grep -v '^# ok' || true
        count_tap "$name" "$out" "$status"
    done
fi

for s in tests/integration/[0-9]*.sh; do
    name=$(basename "$s" .sh)
    case $name in *$pattern*) ;; *) continue ;; esac
    echo "# $name"
    out="$artifacts/$name.log"
    sh "$s" >"$out" 2>&1
    status=$?
    grep -E '^(ok|not ok|#)' "$out" || true
    count_tap "$name" "$out" "$status"
done

[ -n "$failures" ] && echo "# failed in:$failures (logs in tests/artifacts/)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
