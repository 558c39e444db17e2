# Evidence, archival half: sidecar metadata (FILE.json, manifest.csv), the
# restricted flag, export as CSV/JSON and as a BagIt bag, and the fixity
# check (--verify) of originals and of the tamper-evident ingest log.
. "$(dirname "$0")/lib.sh"
A=$T/archive
D=$T/docs
mkdir -p "$D/caso/sub" "$D/otro"
printf 'Testimonio de Ana Pérez sobre la detención en Caracas.\n' >"$D/caso/acta.txt"
cat >"$D/caso/acta.txt.json" <<'J'
{"title": "Acta, la \"primera\" declaración", "date": "2024-07-30",
 "witness": "Ana Pérez", "place": ["Caracas", "El Helicoide"],
 "collection": "Caso Caracas", "language": "es", "tags": ["detención", "tortura"],
 "x-nota": "campo propio"}
J
printf 'Declaración reservada de un testigo protegido.\n' >"$D/caso/sub/protegido.txt"
printf 'Carta de la familia, sin metadatos propios.\n' >"$D/caso/sub/carta.txt"
printf 'Nota con metadatos rotos.\n' >"$D/caso/rota.txt"
printf '{"title": "x", "restricted": true,}' >"$D/caso/rota.txt.json"
printf 'Nota con una clave mal escrita.\n' >"$D/caso/clave.txt"
printf '{"titel": "x"}' >"$D/caso/clave.txt.json"
# a manifest at the folder's root; rows name files below it
cat >"$D/caso/manifest.csv" <<'M'
file,title,date,collection,restricted,tags
sub/protegido.txt,Declaración protegida,2024-08-01,Caso Caracas,yes,
sub/carta.txt,"Carta, familia",01/08/2024,Caso Caracas,no,familia;carta
acta.txt,Título del manifiesto,,Otra colección,,
fantasma.txt,No existe,2024-13-01,,,
M
# the same content in another folder, with a different sidecar
cp "$D/caso/acta.txt" "$D/otro/copia.txt"
printf '{"collection": "Archivo General", "tags": "copia", "restricted": false}' >"$D/otro/copia.txt.json"
# a PDF whose own metadata has a date (which outranks a sidecar's) and a title
cp "$TOP/corpus/pdf/comunicado-mayo-2023.pdf" "$D/otro/solicitud.pdf"
printf '{"title": "Solicitud según el archivo", "date": "2024-01-01"}' >"$D/otro/solicitud.pdf.json"

status_is 1 "malformed sidecars make the run exit 1" index "$D"
cp "$T/.out" "$T/run1.out"
cp "$T/.err" "$T/run1.err"
grep -q 'rota.txt.json: malformed sidecar, ignored: not valid JSON.*so the file is restricted' "$T/run1.err" &&
    ok "a broken sidecar is named on stderr with its reason" || not_ok "broken sidecar message: $(cat "$T/run1.err")"
grep -q "clave.txt.json: malformed sidecar, ignored: unknown key 'titel'" "$T/run1.err" &&
    ok "an unknown key is named" || not_ok "unknown key message"
grep -q 'manifest.csv: manifest has 1 problem.*line 5: invalid date' "$T/run1.err" &&
    ok "a bad manifest row is named with its line" || not_ok "manifest row message"
check "the ingest log holds the sidecar errors, by sidecar file" python3 -c "
import json
ev=[json.loads(l) for l in open('$A/log/ingest.jsonl')]
bad=[e for e in ev if e['event']=='error' and e.get('code')=='bad sidecar']
assert sorted(e['location'].rsplit('/',1)[1] for e in bad)==['clave.txt.json','manifest.csv','rota.txt.json'], bad"
check "sidecar files are skipped as sidecars, not documents" python3 -c "
import json
ev=[json.loads(l) for l in open('$A/log/ingest.jsonl')]
sk={e['location'].rsplit('/',1)[1]:e['reason'] for e in ev if e['event']=='skipped'}
assert sk['acta.txt.json']=='sidecar of acta.txt', sk
assert sk['manifest.csv'].startswith('sidecar manifest of the folder caso'), sk
assert len(sk)==6, sk"
expect_hits "documents with broken sidecars are still indexed" nota clave.txt rota.txt
check "six documents (a copy is a location), no sidecar among them" test "$(json_get '*' 'd["total"]')" -eq 6

# fields
expect_hits "collection: (folded, from FILE.json and manifest)" 'collection:"caso caracas"' acta.txt carta.txt protegido.txt
expect_hits "place:" 'place:caracas' acta.txt
expect_hits "place: matches a whole value, not a word of it" 'place:helicoide'
expect_hits "place: multi-word value" 'place:"EL HELICOIDE"' acta.txt
expect_hits "witness: accent-insensitive" 'witness:"ana perez"' acta.txt
expect_hits "tag: from a FILE.json" 'tag:tortura' acta.txt
expect_hits "tag: from a manifest list" 'tag:familia' carta.txt
expect_hits "title: finds the sidecar title" 'title:primera' acta.txt
expect_hits "date: from a sidecar" 'date:2024-07-30' acta.txt
expect_hits "date: day-first manifest date" 'date:2024-08-01' carta.txt protegido.txt
check "FILE.json overrides the manifest row field by field" \
    test "$(json_get 'witness:"ana perez"' 'd["results"][0]["title"]')" = 'Acta, la "primera" declaración'
check "the date's source is recorded as sidecar" \
    test "$(json_get 'tag:tortura' 'd["results"][0]["date_source"]')" = sidecar
check "the document's own date outranks the sidecar's" \
    test "$(json_get 'title:solicitud' 'd["results"][0]["date"][:10] + " " + d["results"][0]["date_source"]')" = "2023-05-18 pdf:CreationDate"
check "the sidecar title replaces the PDF's own, which title: still finds" \
    test "$(json_get 'title:"registro de casos"' 'd["results"][0]["title"]')" = "Solicitud según el archivo"
expect_hits "two locations, two sidecars: collections are united" 'collection:"archivo general"' acta.txt
expect_hits "two locations, two sidecars: tags are united" 'tag:copia tag:tortura' acta.txt

# restricted
check "restricted by the manifest" test "$(json_get 'protegido' 'd["results"][0]["restricted"]')" = True
check "restricted because a broken sidecar said so" test "$(json_get 'rota' 'd["results"][0]["restricted"]')" = True
check "not restricted by default" test "$(json_get 'carta' 'd["results"][0]["restricted"]')" = False
search protegido >"$T/human.out"
grep -q 'Declaración protegida  \[RESTRICTED\]' "$T/human.out" &&
    ok "the CLI shows restricted documents, marked RESTRICTED" || not_ok "RESTRICTED mark: $(cat "$T/human.out")"

# re-runs: unchanged, then a changed sidecar re-applies metadata
index "$D" >"$T/run2.out" 2>&1 || true
grep -q '0 added, 0 updated, 0 duplicate, 7 unchanged' "$T/run2.out" &&
    ok "re-run: nothing changed" || not_ok "re-run: $(head -1 "$T/run2.out")"
printf '{"title": "Carta corregida", "tags": "revisada", "restricted": true}' >"$D/caso/sub/carta.txt.json"
index "$D" >"$T/run3.out" 2>&1 || true
grep -q '0 added, 1 updated, 0 duplicate, 6 unchanged' "$T/run3.out" &&
    ok "a new sidecar updates its file without re-extraction" || not_ok "sidecar change: $(head -1 "$T/run3.out")"
expect_hits "the new sidecar's tag is found" 'tag:revisada' carta.txt
expect_hits "FILE.json replaces the manifest's tags" 'tag:familia'
expect_hits "the manifest's other fields still count" 'collection:"caso caracas" carta' carta.txt
check "the new sidecar restricts" test "$(json_get 'carta' 'd["results"][0]["restricted"]')" = True
rm "$D/caso/sub/carta.txt.json" "$D/otro/copia.txt.json"
index "$D" >/dev/null 2>&1 || true
expect_hits "a removed sidecar's values are gone" 'tag:revisada'
expect_hits "...for every location" 'collection:"archivo general"'
check "...and its restriction is lifted" test "$(json_get 'carta' 'd["results"][0]["restricted"]')" = False
check "...and the manifest title is back" test "$(json_get 'carta' 'd["results"][0]["title"]')" = "Carta, familia"

# ==== export ====================================================================
# a title with a comma, quotes and a line break (a file name, for want of a title:
# a first line in lowercase is not one)
mkdir "$D/raros"
printf 'informe con nombre raro.\n' >"$D/raros/Informe, \"final\"
parte 2.txt"
printf '=HYPERLINK("http://x")\n' >"$D/raros/formula.txt"
index "$D" >/dev/null 2>&1 || true
status_is 0 "--export csv" search --export csv '*'
cp "$T/.out" "$T/all.csv"
status_is 0 "--export json" search --export json '*'
cp "$T/.out" "$T/all.json"
check "CSV parses back with Python's csv module, one row per document, same values as JSON" python3 -c "
import csv, json
rows = list(csv.DictReader(open('$T/all.csv', newline='', encoding='utf-8')))
js = json.load(open('$T/all.json'))
assert js['count'] == len(rows) == 8, (js['count'], len(rows))
by = {r['sha256']: r for r in rows}
for d in js['documents']:
    r = by[d['sha256']]
    assert r['title'] == d['title'], (r['title'], d['title'])
    assert r['locations'] == '\n'.join(d['locations']), (r['locations'], d['locations'])
    assert r['snippet'] == d['snippet'] or r['snippet'] == \"'\" + d['snippet']
    assert (r['restricted'] == 'yes') == d['restricted']
    assert r['date'] == (d['date'] or '') and r['date_source'] == (d['date_source'] or '')
    assert r['tags'] == '; '.join(d['tags'])
t = [r['title'] for r in rows]
assert 'Informe, \"final\"\nparte 2.txt' in t, t
assert 'Acta, la \"primera\" declaración' in t, t
assert list(rows[0].keys())[:10] == ['sha256','title','date','date_source','locations','persons','mentions','page','snippet','restricted']
"
grep -q "'=HYPERLINK" "$T/all.csv" && ok "a cell that would be a spreadsheet formula is defused" ||
    not_ok "formula cell"
grep -q '"snippet": "=HYPERLINK' "$T/all.json" && ok "JSON keeps the exact value" || not_ok "JSON formula value"
grep -q 'RESTRICTED' "$T/.err" && ok "exporting restricted documents warns" || not_ok "restricted warning"
search --export csv --bom tag:tortura >"$T/bom.csv" 2>/dev/null
check "--bom starts the CSV with a byte order mark" sh -c "head -c 3 '$T/bom.csv' | od -An -tx1 | grep -q 'ef bb bf'"
check "CSV lines end with CRLF" sh -c "head -1 '$T/bom.csv' | od -c | grep -q '\\\\r  \\\\n'"
status_is 1 "an export with no match exits 1" search --export csv nadaquecoincida
status_is 2 "an unknown export format is a usage error" search --export xml '*'
status_is 2 "an invalid query is an error" search --export csv 'fecha:2024-13'

# ==== BagIt =====================================================================
mkdir "$T/full" && echo x >"$T/full/x"
status_is 2 "a bag is never written into a non-empty folder" search --export-bag "$T/full" '*'
check "...and nothing was written there" test "$(ls "$T/full")" = x
ln -s "$T/full" "$T/link"
status_is 2 "a bag is never written through a symbolic link" search --export-bag "$T/link" '*'
status_is 0 "--export-bag writes a bag" search --export-bag "$T/bag" 'collection:"caso caracas" OR raro'
check "the bag is valid: bagit.txt, manifests, checksums of every file, Payload-Oxum" python3 -c "
import hashlib, os, csv
B = '$T/bag'
assert open(B + '/bagit.txt').read() == 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n'
def sha(p): return hashlib.sha256(open(p, 'rb').read()).hexdigest()
listed = {}
for line in open(B + '/manifest-sha256.txt', encoding='utf-8'):
    h, p = line.rstrip('\n').split('  ', 1)
    assert sha(os.path.join(B, p)) == h, p
    assert p.startswith('data/' + h + '/'), p
    listed[p] = h
payload = [os.path.relpath(os.path.join(r, f), B) for r, _, fs in os.walk(B + '/data') for f in fs]
assert sorted(payload) == sorted(listed), (payload, listed)
assert len(payload) == 4, payload
tags = {}
for line in open(B + '/tagmanifest-sha256.txt'):
    h, p = line.rstrip('\n').split('  ', 1)
    assert sha(os.path.join(B, p)) == h, p
    tags[p] = h
assert set(tags) == {'bagit.txt', 'bag-info.txt', 'manifest-sha256.txt', 'documents.csv'}, tags
info = dict(l.rstrip('\n').split(': ', 1) for l in open(B + '/bag-info.txt'))
octets = sum(os.path.getsize(os.path.join(B, p)) for p in payload)
assert info['Payload-Oxum'] == '%d.%d' % (octets, len(payload)), info
assert info['Testigo-Restricted-Documents'] == '1', info
rows = list(csv.DictReader(open(B + '/documents.csv', newline='', encoding='utf-8')))
assert sorted(r['file'] for r in rows) == sorted(payload)
for r in rows: assert r['file'].split('/')[1] == r['sha256']
"
if python3 -c 'import bagit' 2>/dev/null; then
    check "bagit.py validates the bag" python3 -c "import bagit; bagit.Bag('$T/bag').validate()"
else
    echo "# bagit.py not installed (not packaged in Debian 12): validated with hashlib above"
fi
check "unsafe characters in names are replaced in the bag" \
    sh -c "ls '$T/bag/data/'*/ | grep -q '^Informe, _final__parte 2.txt$'"
status_is 2 "a bag into an existing bag is refused" search --export-bag "$T/bag" '*'

# ==== fixity ====================================================================
status_is 0 "--verify: an intact archive" index --verify
grep -q 'all intact' "$T/.out" && ok "--verify says all intact" || not_ok "verify intact: $(cat "$T/.out")"
sha=$(sha256sum "$D/caso/sub/carta.txt" | cut -c1-64)
f=$(store_path "$sha")
cp "$f" "$T/saved"
chmod u+w "$f"
printf 'X' | dd of="$f" bs=1 seek=3 conv=notrunc 2>/dev/null
status_is 1 "--verify finds an altered original (exit 1)" index --verify
grep -q "ALTERED  store/.*/$sha: its bytes now hash to" "$T/.out" &&
    ok "the altered original is named" || not_ok "altered: $(cat "$T/.out")"
status_is 2 "a bag refuses an altered original" search --export-bag "$T/bag2" carta
grep -q 'has been altered' "$T/.err" && ok "...saying so" || not_ok "bag altered message: $(cat "$T/.err")"
check "...and leaves no valid bag behind" test ! -e "$T/bag2/bagit.txt"
cp "$T/saved" "$f"
chmod 444 "$f"
sha2=$(sha256sum "$D/caso/rota.txt" | cut -c1-64)
f2=$(store_path "$sha2")
mv "$f2" "$T/moved"
status_is 1 "--verify finds a missing original" index --verify
grep -q "MISSING  $sha2: the original is gone from the store (found at .*rota.txt)" "$T/.out" &&
    ok "the missing original is named with where it was found" || not_ok "missing: $(cat "$T/.out")"
mv "$T/moved" "$f2"
status_is 0 "--verify is happy again once restored" index --verify

LOG=$A/log/ingest.jsonl
cp "$LOG" "$T/log.orig"
chmod u+w "$LOG"
python3 - "$LOG" <<'P'
import sys
p = sys.argv[1]
lines = open(p, encoding='utf-8').read().split('\n')
lines[4] = lines[4].replace('"skipped"', '"added"', 1).replace('"unchanged"', '"added"', 1).replace('"error"', '"added"', 1)
open(p, 'w', encoding='utf-8').write('\n'.join(lines))
P
status_is 1 "--verify finds an edited log line" index --verify
grep -q 'LOG      log/ingest.jsonl: line 6 does not follow line 5: line 5 was altered' "$T/.out" &&
    ok "the edited line is named" || not_ok "edited log: $(grep LOG "$T/.out")"
cp "$T/log.orig" "$LOG"
sed -i '8d' "$LOG"
status_is 1 "--verify finds a deleted log line" index --verify
grep -q 'line 8 does not follow line 7' "$T/.out" && ok "the gap is named" || not_ok "deleted log: $(grep LOG "$T/.out")"
cp "$T/log.orig" "$LOG"
head -n -2 "$T/log.orig" >"$LOG"
status_is 1 "--verify finds lines removed from the end of the log" index --verify
grep -q 'last lines were removed' "$T/.out" && ok "...by the head the index recorded" || not_ok "truncated log: $(grep LOG "$T/.out")"
index "$D" >/dev/null 2>"$T/warn.err" || true
grep -q 'warning: the ingest log does not match the index' "$T/warn.err" &&
    ok "the next import warns that the log was cut" || not_ok "import warning: $(cat "$T/warn.err")"
check "...and the warning is in the log itself" grep -q '"event":"warning","code":"log altered"' "$LOG"
cp "$T/log.orig" "$LOG"

# a sidecar that cannot be read (here: a symbolic link, never followed)
# might have said restricted: the file is restricted, and the link reported
A2=$T/archive2
mkdir "$T/links"
printf 'Declaración con un sidecar enlazado.\n' >"$T/links/enlazado.txt"
printf '{"restricted": false}' >"$T/elsewhere.json"
ln -s "$T/elsewhere.json" "$T/links/enlazado.txt.json"
status_is 1 "an unreadable sidecar is an error" "$BIN/testigo-index" --archive "$A2" "$T/links"
grep -q 'enlazado.txt.json: sidecar ignored: symbolic link, not followed (so the file is restricted' "$T/.err" &&
    ok "...named with its reason" || not_ok "unreadable sidecar: $(cat "$T/.err")"
check "...and its file is restricted" test "$("$BIN/testigo-search" --archive "$A2" --json enlazado |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["restricted"])')" = True
finish
