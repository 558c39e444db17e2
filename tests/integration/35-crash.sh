# Crash safety: kill the indexer with SIGKILL at many points (before the
# first commit, between commits, in the middle of a bundle), run it again,
# and the archive must end exactly as after one uninterrupted run.  Ctrl-C
# (SIGINT) must stop cleanly after committing what is done.
. "$(dirname "$0")/lib.sh"
IN=$T/in
mkdir -p "$IN/textos" "$IN/copias"
i=0
while [ $i -lt 60 ]; do
    printf 'Testimonio %d: la familia de José Pérez denunció la detención número %d en Caracas.\n' $i $i >"$IN/textos/t$i.txt"
    i=$((i + 1))
done
cp "$IN/textos/t1.txt" "$IN/copias/t1.txt"
cp "$TOP/corpus/pdf/arm-report-2024.pdf" "$TOP/corpus/pdf/acta-visita-febrero-2024.pdf" "$IN/"
python3 "$TOP/tests/integration/mkbundles.py" "$T/b"
cp "$T/b/outer.zip" "$T/b/docs.tar.gz" "$IN/"

# the state that matters: every document with its sorted locations
state() {
    "$BIN/testigo-search" --archive "$1" --json --limit 10000 '*' | python3 -c '
import json, sys
d = json.load(sys.stdin)
rows = sorted((r["sha256"], r["extraction"], tuple(sorted(r["locations"]))) for r in d["results"])
for r in rows: print(r)
print("total", d["total"])'
}

"$BIN/testigo-index" --archive "$T/ref" --batch 7 "$IN" >/dev/null 2>&1 || true
state "$T/ref" >"$T/ref.state"
check "the reference run indexed everything" test "$(tail -1 "$T/ref.state")" = "total 72"

for fault in events:1 events:9 events:33 events:60 events:70 commits:1 commits:4; do
    A=$T/a-$fault
    set +e
    TESTIGO_FAULT=$fault "$BIN/testigo-index" --archive "$A" --batch 7 "$IN" >"$T/out" 2>&1
    rc=$?
    set -e
    if [ $rc -eq 137 ]; then ok "killed with SIGKILL at $fault"; else not_ok "at $fault: exit $rc, not killed"; fi
    status_is 0 "the run after the kill at $fault completes" "$BIN/testigo-index" --archive "$A" --batch 7 "$IN"
    state "$A" >"$T/got.state"
    if cmp -s "$T/ref.state" "$T/got.state"; then
        ok "after a kill at $fault the archive equals an uninterrupted run"
    else
        not_ok "after a kill at $fault the archive differs"
        diff "$T/ref.state" "$T/got.state" | head -10 | sed 's/^/#   /'
    fi
done

# every original the index refers to is in the store, after all those kills
A=$T/a-commits:4
"$BIN/testigo-search" --archive "$A" --json --limit 10000 '*' | python3 -c '
import json, os, sys
d = json.load(sys.stdin)
missing = [r["sha256"] for r in d["results"] if not os.path.exists(
    os.path.join(sys.argv[1], "store", r["sha256"][:2], r["sha256"]))]
sys.exit(1 if missing else 0)' "$A" && ok "every indexed original is in the store" || not_ok "store misses originals"

# Ctrl-C: a clean stop, exit 130, what was done is committed
A=$T/int
set +e
TESTIGO_FAULT=interrupt:20 "$BIN/testigo-index" --archive "$A" --batch 1000 "$IN" >"$T/out" 2>&1
rc=$?
set -e
check "Ctrl-C stops with exit 130" test $rc -eq 130
grep -q 'interrupted; what was done is committed' "$T/out" && ok "the interruption is reported" || not_ok "interrupt message"
n=$("$BIN/testigo-search" --archive "$A" --json --limit 0 '*' | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
check "work done before Ctrl-C was committed ($n documents)" test "$n" -ge 15
status_is 0 "the next run carries on" "$BIN/testigo-index" --archive "$A" "$IN"
state "$A" >"$T/got.state"
cmp -s "$T/ref.state" "$T/got.state" && ok "after Ctrl-C and a rerun the archive is complete" ||
    not_ok "after Ctrl-C the archive differs"

# A worker dies in the middle of a text file while the indexer has already
# sent it the next one: that file fails with the reason, the one sent ahead
# is given to a fresh worker, and nothing else is lost or counted twice.
W=$T/wk
mkdir -p "$W"
i=0
while [ $i -lt 40 ]; do
    printf 'Declaración %d de la testigo Ana Rivas.\n' $i >"$W/d$i.txt"
    i=$((i + 1))
done
mv "$W/d17.txt" "$W/d17-abort.txt"
A=$T/wk-archive
set +e
TESTIGO_FAULT=worker-abort:-abort "$BIN/testigo-index" -v --jobs 2 --archive "$A" "$W" >"$T/out" 2>&1
rc=$?
set -e
check "a lost worker makes the run end with exit 1 (some files failed)" test $rc -eq 1
python3 - "$A/log/ingest.jsonl" <<'PY' && ok "one event per file: 39 added, the file that killed its worker an error" || not_ok "events after a lost worker"
import collections, json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
per = collections.Counter(e["location"] for e in ev)
assert len(per) == 40 and set(per.values()) == {1}, per
bad = [e for e in ev if e["event"] != "added"]
assert len(bad) == 1 and bad[0]["location"].endswith("d17-abort.txt"), bad
assert bad[0]["event"] == "error" and bad[0]["code"] == "crash", bad[0]
assert "aborted" in bad[0]["reason"], bad[0]
PY
n=$("$BIN/testigo-search" --archive "$A" --json --limit 0 'testigo' | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
check "the 39 other files are searchable ($n)" test "$n" -eq 39
status_is 0 "the next run, without the fault, indexes the failed file" "$BIN/testigo-index" --archive "$A" "$W"
n=$("$BIN/testigo-search" --archive "$A" --json --limit 0 'testigo' | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
check "all 40 are searchable now ($n)" test "$n" -eq 40
finish
