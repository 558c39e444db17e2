# The hostile and tricky files of ../shared/testdata/real (pdf.js,
# libarchive and tesseract.js test suites): the run completes, every file is
# indexed or skipped or failed with a reason, and no file costs more than
# its limits.
. "$(dirname "$0")/lib.sh"
A=$T/archive
TIMEOUT=30
have_real || { skip_real "other projects' hostile files"; finish; }

status_is 1 "indexing every hostile file completes (some fail: exit 1)" \
    timeout 900 "$BIN/testigo-index" --archive "$A" --timeout $TIMEOUT --mem-limit 768 "$REAL"
cp "$A/log/ingest.jsonl" "$TOP/tests/artifacts/40-hostile-ingest.jsonl" 2>/dev/null || true

# every regular file under REAL has exactly one event, with a reason when
# it was not indexed, and no job outlived its limits (plus slack for the
# kill and the copy)
python3 - "$REAL" "$A/log/ingest.jsonl" $TIMEOUT <<'PY' && ok "every file has one event with a reason, within its time limit" || not_ok "events"
import json, os, sys
real, log, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
files = set()
for d, _, fs in os.walk(os.path.realpath(real)):
    for f in fs:
        p = os.path.join(d, f)
        if os.path.isfile(p) and not os.path.islink(p):
            files.add(p)
seen = {}
bad = 0
for line in open(log):
    e = json.loads(line)
    loc = e["location"]
    seen[loc] = seen.get(loc, 0) + 1
    if e["event"] not in ("added", "duplicate", "skipped", "error"):
        print("# unexpected event", e); bad += 1
    if e["event"] in ("skipped", "error") and not e.get("reason"):
        print("# no reason:", loc); bad += 1
    if e.get("ms", 0) > (timeout + 15) * 1000:
        print("# over the time limit:", loc, e["ms"]); bad += 1
missing = files - set(seen)
dupes = [l for l, n in seen.items() if n > 1]
for m in sorted(missing): print("# no event for", m)
for m in dupes: print("# several events for", m)
sys.exit(1 if bad or missing or dupes else 0)
PY

grep -q 'pdfjs__bomb_giant.pdf' "$A/log/ingest.jsonl" && ok "the poppler bomb was handled" || not_ok "bomb"
expect_hits "the empty-password Spanish form is searchable" 'solicitud' pdfjs__bug1815476.pdf
check "the 352-page book is indexed with its page count" \
    test "$(json_get '"free culture" type:pdf' 'd["results"][0]["page"] is not None')" = True
check "the index still opens and answers after the run" \
    test "$(json_get 'type:pdf' 'd["total"]')" -ge 20
status_is 1 "a second run over the same files completes too" \
    timeout 900 "$BIN/testigo-index" --archive "$A" --timeout $TIMEOUT --mem-limit 768 "$REAL"
grep -q ' 0 added, 0 updated' "$T/.out" && ok "nothing is added twice" || not_ok "rerun: $(head -1 "$T/.out")"
finish
