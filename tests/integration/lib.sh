# Shared helpers for the integration scripts (sourced, POSIX sh).
#
# Each script: `. tests/integration/lib.sh`, then checks that print
# "ok - ..." or "not ok - ...", then `finish`.  Programs come from
# $TESTIGO_BIN (tests/run.sh sets it); everything is written under $T, a
# temporary folder removed on exit.
set -eu
LC_ALL=C
export LC_ALL
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${TESTIGO_BIN:-$TOP/bin}
# Other projects' hostile and tricky files: extra coverage, absent from a
# plain clone.  TESTIGO_REAL names them explicitly (a missing folder then
# means absent: how the tests are checked without them); otherwise
# ../shared/testdata/real, or two levels up from a git worktree (wt/NAME).
if [ -n "${TESTIGO_REAL:-}" ]; then
    REAL=$TESTIGO_REAL
else
    REAL=$TOP/../shared/testdata/real
    [ -d "$REAL" ] || [ ! -d "$TOP/../../shared/testdata/real" ] || REAL=$TOP/../../shared/testdata/real
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/testigo-test.XXXXXX")
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT INT TERM
FAILED=0
unset TESTIGO_ARCHIVE

ok() { echo "ok - $*"; }
# skip DESCRIPTION: a check that cannot run here (counted, not failed).
skip() { echo "skip - $*"; }
# have_real: 0 if the shared test files are here; else says which checks
# are skipped (skip_real DESCRIPTION) and returns 1.
have_real() { [ -d "$REAL/pdf" ] && [ -d "$REAL/img" ] && [ -d "$REAL/archive" ]; }
skip_real() { skip "$* (../shared/testdata/real absent)"; }
not_ok() { echo "not ok - $*"; FAILED=1; }

# check DESCRIPTION COMMAND...: ok if the command succeeds.
check() {
    d=$1
    shift
    if "$@"; then ok "$d"; else not_ok "$d"; fi
}

# status_is WANT DESCRIPTION COMMAND...: ok if the command exits with WANT.
status_is() {
    want=$1 d=$2
    shift 2
    set +e
    "$@" >"$T/.out" 2>"$T/.err"
    got=$?
    set -e
    if [ "$got" -eq "$want" ]; then ok "$d"; else
        not_ok "$d (exit $got, wanted $want)"
        sed 's/^/#   /' "$T/.err" | head -20
    fi
}

index() { "$BIN/testigo-index" --archive "$A" "$@"; }

# store_path SHA [ARCHIVE]: where the store keeps the original with that digest.
store_path() { echo "${2:-$A}/store/$(echo "$1" | cut -c1-2)/$1"; }
search() { "$BIN/testigo-search" --archive "$A" "$@"; }

# hits QUERY: the sorted file names (basenames of first locations) found.
hits() {
    "$BIN/testigo-search" --archive "$A" --json --limit 1000 "$@" |
        python3 -c 'import json,sys,os
d=json.load(sys.stdin)
for r in d["results"]: print(os.path.basename(r["locations"][0]))' | sort
}

# expect_hits DESCRIPTION QUERY FILE...: the query finds exactly these files.
expect_hits() {
    d=$1 q=$2
    shift 2
    want=$(printf '%s\n' "$@" | sort)
    got=$(hits "$q" 2>&1 || true)
    if [ "$got" = "$want" ]; then ok "$d"; else
        not_ok "$d: query '$q'"
        echo "#   wanted: $(echo $want)"
        echo "#   got:    $(echo $got)"
    fi
}

# json_get QUERY EXPR: evaluates a Python expression on the parsed --json output (d).
json_get() {
    q=$1 e=$2
    "$BIN/testigo-search" --archive "$A" --json --limit 1000 "$q" |
        python3 -c "import json,sys; d=json.load(sys.stdin); print($e)"
}

finish() {
    exit "$FAILED"
}
