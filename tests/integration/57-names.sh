# File names that attack a terminal or lie (made by mknames.py): ESC
# sequences, a newline, right-to-left overrides and isolates, a zip entry
# whose stored name holds a NUL.  The indexer (its lines, and its progress
# line on a terminal) and testigo-search show each such character as a
# visible escape, the web pages too (isolated, left to right), the JSON
# outputs and the ingest log keep the names exactly.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/weblib.sh"
A=$T/archive
D=$T/in
$PY "$TOP/tests/integration/mknames.py" "$D"

# no_raw FILE: the file holds none of the characters that act instead of
# showing (C0 controls but newline and tab, DEL, C1, U+202A-202E,
# U+2066-2069); with "tty", ESC is allowed only as the progress line's own
# "erase to end of line" (ESC [ K), and CR (the line's, and the terminal's
# before each newline)
no_raw() {
    $PY - "$@" <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read()
if len(sys.argv) > 2:
    data = data.replace(b"\x1b[K", b"").replace(b"\r", b"")
text = data.decode("utf-8", "replace")
bad = re.findall("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]", text)
if bad:
    print("#   raw: %r" % sorted(set(bad)))
    sys.exit(1)
PY
}

# ---- the indexer
status_is 1 "indexing the hostile names completes (the damaged PDF is an error)" \
    index --verbose "$D"
cp "$T/.err" "$T/index.err"
check "  no control or bidi character reaches the terminal raw" no_raw "$T/index.err"
for shown in 'esc\x1B[31mrojo\x1B[0m.txt: added' 'titulo\x1B]0;pwned\x07.txt: added' \
    'linea\nfalsa.txt: added' 'testimonio\u202Etxt.exe: added' \
    'aislado\u2067fdp.exe\u2069.txt: added' 'malo\x1B[2J.pdf: not a readable PDF' \
    'adjuntos.zip!/bueno.txt\x00.exe: added'; do
    # (descriptions without the escapes: echo would read them)
    grep -qF -- "$shown" "$T/index.err" && ok "  shown escaped: ${shown%%[\\]*}..." ||
        not_ok "  not shown: ${shown%%[\\]*}..."
done
status_is 1 "a second run" index --verbose "$D"
check "  finds every name unchanged (a name with ESC was 'duplicate' every run)" \
    test "$(grep -c ': unchanged$' "$T/.err")" -eq 6
check "  but the damaged PDF, tried again" grep -qF 'malo\x1B[2J.pdf: not a readable PDF' "$T/.err"

# the progress line, drawn on a terminal: names in it are escaped too
$PY - "$BIN/testigo-index" "$T/archive-tty" "$D" "$T/tty.out" <<'PY'
import os, pty, subprocess, sys
master, slave = pty.openpty()
p = subprocess.Popen([sys.argv[1], "--archive", sys.argv[2], "--verbose", sys.argv[3]],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
os.close(slave)
out = b""
while True:
    try:
        b = os.read(master, 65536)
    except OSError:
        break
    if not b:
        break
    out += b
p.wait()
open(sys.argv[4], "wb").write(out)
PY
check "on a terminal (progress line drawn) no name is raw either" no_raw "$T/tty.out" tty
check "  the progress line was drawn" grep -q 'files/s' "$T/tty.out"

# ---- exact where exact is due: the ingest log and the JSON
check "the ingest log keeps every name exactly" $PY -c "
import json, os, sys
names = {os.fsdecode(os.path.join(os.fsencode('$D'), n)) for n in os.listdir(os.fsencode('$D'))}
logged = {json.loads(l)['location'] for l in open('$A/log/ingest.jsonl')}
sys.exit(not names <= logged)"
check "testigo-search --json gives the locations exactly" $PY -c "
import json, os, subprocess, sys
want = {w: os.fsdecode(os.path.join(os.fsencode('$D'), n)) for w, n in [
    ('alfaescape', b'esc\x1b[31mrojo\x1b[0m.txt'), ('omegatitulo', b'titulo\x1b]0;pwned\x07.txt'),
    ('betanewline', b'linea\nfalsa.txt'), ('gammarlo', 'testimonio\u202etxt.exe'.encode()),
    ('epsilonrli', 'aislado\u2067fdp.exe\u2069.txt'.encode())]}
for w, path in want.items():
    d = json.loads(subprocess.run(['$BIN/testigo-search', '--archive', '$A', '--json', w],
                                  capture_output=True, check=True).stdout)
    got = d['results'][0]['locations'][0]
    if got != path:
        print('#   %s: %r, wanted %r' % (w, got, path))
        sys.exit(1)"

# ---- testigo-search for people
status_is 0 "testigo-search shows them" search 'alfaescape OR omegatitulo OR betanewline OR gammarlo OR epsilonrli OR deltanul'
cp "$T/.out" "$T/search.out"
check "  with no control or bidi character raw" no_raw "$T/search.out"
for shown in "$D/esc\\x1B[31mrojo\\x1B[0m.txt" "$D/linea\\nfalsa.txt" \
    "$D/testimonio\\u202Etxt.exe" "$D/aislado\\u2067fdp.exe\\u2069.txt" \
    "$D/adjuntos.zip!/bueno.txt\\x00.exe" "1. " "[gammarlo]"; do
    d=${shown##*/}
    d=${d%%[\\]*}
    grep -qF -- "$shown" "$T/search.out" && ok "  shows ${d}..." || not_ok "  does not show ${d}..."
done

# ---- the zip entry whose name holds a NUL
expect_hits "both members named bueno.txt are indexed, the legitimate one" legitimo bueno.txt
check "  and the one whose stored name goes on past a NUL, named in full" \
    test "$(json_get deltanul 'd["results"][0]["locations"][0]')" = "$D/adjuntos.zip!/bueno.txt\\x00.exe"
check "  the zip's record warns of it" \
    test "$(json_get 'type:archive' 'd["results"][0]["warnings"][0]')" = \
    "member 2's name holds a NUL byte: it is 'bueno.txt\\x00.exe', which tools that stop at the NUL show as 'bueno.txt'"

# ---- the web
start_web "$A"
status_of 200 "web: a search for the right-to-left name" '/search?q=gammarlo'
check "  the name is isolated, left to right, its override shown as an escape" \
    body_has '<bdi dir="ltr">testimonio<span class="esc">\u202E</span>txt.exe</bdi>'
check "  no raw control or bidi character in the page" no_raw "$T/body"
S_RLO=$(sha256sum "$D/$(printf 'testimonio\342\200\256txt.exe')" | cut -c1-64)
status_of 200 "web: its document page" "/doc/$S_RLO"
check "  title, heading and location escaped" sh -c "
    grep -qF '<title>testimonio\\u202Etxt.exe · Testigo</title>' '$T/body' &&
    grep -qF '<h1><bdi dir=\"ltr\">testimonio<span class=\"esc\">\\u202E</span>txt.exe</bdi></h1>' '$T/body' &&
    grep -qF 'testimonio<span class=\"esc\">\\u202E</span>txt.exe</bdi></code>' '$T/body'"
check "  no raw control or bidi character in the page" no_raw "$T/body"
status_of 200 "web: the ESC names" '/search?q=alfaescape+OR+omegatitulo+OR+betanewline'
check "  shown as escapes" sh -c "
    grep -qF 'esc<span class=\"esc\">\\x1B</span>[31mrojo<span class=\"esc\">\\x1B</span>[0m.txt' '$T/body' &&
    grep -qF 'linea<span class=\"esc\">\\n</span>falsa.txt' '$T/body'"
check "  no raw control or bidi character in the page" no_raw "$T/body"
status_of 200 "web: the API" '/api/search?q=gammarlo'
check "  keeps the name exactly (relative to the folder indexed)" \
    test "$(jq_body 'd["results"][0]["locations"][0] == "in/testimonio\u202etxt.exe"')" = True
get "/download/$S_RLO" >/dev/null
check "  a download's file name has no override in it" \
    header_is Content-Disposition "attachment; filename=\"testimonio_txt.exe\"; filename\\*=UTF-8''testimonio_txt.exe"
stop_web && ok "the server stops cleanly" || not_ok "the server's exit status"
finish
