# Big documents do not slow every search down (issue 15): a long text's
# record has text marks, and a result's snippet is read from a window
# around its best hit; the excerpt is the same as from the whole text: the
# phrase, the NEAR and the AND where they match, on their page, however far
# into the text.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/weblib.sh"
A=$T/archive
D=$T/docs
mkdir -p "$D"
python3 - "$D" <<'EOF'
import os, random, sys
d = sys.argv[1]
random.seed(3)
filler = "uno dos tres cuatro cinco seis siete ocho nueve diez once doce".split()
def prose(nbytes):
    out, n = [], 0
    while n < nbytes:
        line = " ".join(random.choices(filler, k=12)) + ".\n"
        out.append(line); n += len(line)
    return "".join(out)
# 3 MB on one page: "pájaro" alone early, the phrase only near the end
with open(os.path.join(d, "largo.txt"), "w") as f:
    f.write("Expediente largo de la causa\n\n")
    f.write(prose(100000))
    f.write("Un pájaro solo al principio.\n")
    f.write(prose(1500000))
    f.write("Un halcón lejos de aquí.\n")
    f.write(prose(20000))
    f.write("Y el halcón volaba lejos de la gaviota.\n")
    f.write(prose(1400000))
    f.write("Al final el pájaro azul cantaba junto al río Orinoco.\n")
    f.write(prose(30000))
EOF
# a PDF of 40 pages of 6 KB of text, the hit on page 33
python3 - "$D/paginas.pdf" "$(dirname "$0")" <<'EOF'
import random, sys
sys.path.insert(0, sys.argv[2])
from mkpdf import write_pdf
random.seed(4)
filler = "uno dos tres cuatro cinco seis siete ocho nueve diez once doce".split()
pages = [[" ".join(random.choices(filler, k=12)) for _ in range(90)] for _ in range(40)]
pages[32][45] = "Aqui declara la testigo Zoraida Villegas"
write_pdf(sys.argv[1], pages)
EOF
index "$D" >/dev/null
search --json '"pájaro azul cantaba"' >"$T/phrase.json"
check "the phrase near the end of 3 MB is the excerpt, each word marked" python3 -c "
import json
r = json.load(open('$T/phrase.json'))['results'][0]
s = r['snippet_html']
assert '<mark>pájaro</mark> <mark>azul</mark> <mark>cantaba</mark>' in s, s
assert s.startswith('… ') and s.endswith(' …'), s
"
search --json 'halcón NEAR/6 gaviota' >"$T/near.json"
check "NEAR: the excerpt is where the two words are near, not the first halcón" python3 -c "
import json
s = json.load(open('$T/near.json'))['results'][0]['snippet']
assert 'volaba lejos de la gaviota' in s, s
"
search --json 'pájaro AND orinoco' >"$T/and.json"
check "AND: the window holding both, not the first pájaro" python3 -c "
import json
s = json.load(open('$T/and.json'))['results'][0]['snippet']
assert 'Orinoco' in s and 'azul' in s, s
"
search --json 'zoraida' >"$T/page.json"
check "the page of a hit deep into a paged text" python3 -c "
import json
r = json.load(open('$T/page.json'))['results'][0]
assert r['page'] == 33, r['page']
assert 'Zoraida Villegas' in r['snippet'], r['snippet']
"
search --json 'expediente' >"$T/first.json"
check "a hit at the very start: no leading cut" python3 -c "
import json
s = json.load(open('$T/first.json'))['results'][0]['snippet']
assert s.startswith('Expediente largo'), s
"
# a stem or a wildcard (no position): the text's first bytes are scanned
search --json 'pájar*' >"$T/wild.json"
check "a wildcard's excerpt from the first matching word within the scanned start" python3 -c "
import json
s = json.load(open('$T/wild.json'))['results'][0]['snippet']
assert 'pájaro solo al principio' in s, s
"
search --json 'volaban' >"$T/stem.json"
check "a stem found beyond the scanned start: the text's start, no crash" python3 -c "
import json
r = json.load(open('$T/stem.json'))['results']
assert len(r) == 1 and r[0]['snippet'].startswith('Expediente'), r
"
# the marks: one a 64 KB step, each the position of the word at its offset
start_web "$A"
get "/api/doc/$(sha256sum "$D/largo.txt" | cut -c1-64)" >/dev/null
check "a long text's record has its text marks: the position of the word at each offset" python3 -c "
import json, re
b = json.load(open('$T/body'))
m = b['record']['text_marks']
t = open('$D/largo.txt', 'rb').read()
assert len(m) == len(t) // 65536, (len(m), len(t))
starts = {w.start(): k + 1 for k, w in enumerate(re.finditer(rb'[A-Za-z0-9\x80-\xff]+', t))}
for i, (p, off) in enumerate(m):
    assert starts.get(off) == p, (i, p, off, starts.get(off))
    assert (i + 1) * 65536 <= off < (i + 1) * 65536 + 64, (i, off)
"
check "the server stops cleanly" stop_web
finish
