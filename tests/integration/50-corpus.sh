# The sample corpus (corpus/README.md): every known answer, page numbers,
# the summary of an import, and the demo's way of indexing the whole folder.
# The archive holds the six folders the README's answers assume.
. "$(dirname "$0")/lib.sh"
A=$T/archive
C=$TOP/corpus
DIRS="$C/testimonios $C/noticias $C/pdf $C/paginas $C/declaraciones $C/correo"
# shellcheck disable=SC2086
status_is 1 "indexing the corpus reports its two unreadable PDFs (exit 1)" index $DIRS
grep -q '70 files.*64 added, 0 updated, 1 duplicate, 0 unchanged, 3 skipped, 2 errors' "$T/.out" &&
    ok "summary: 70 files (attachments and messages of a mail folder included), 64 added, 1 duplicate, 3 skipped, 2 errors" ||
    not_ok "summary: $(head -1 "$T/.out")"
grep -q '"location":"[^"]*p04-traslado-urachiche_files/analitica.js","code":"saved page resource","reason":"resource of saved page p04-traslado-urachiche.html"' "$A/log/ingest.jsonl" &&
    ok "the files of a page saved complete are skipped as its resources" || not_ok "saved page resources"
grep -q 'expediente-reservado-2025.pdf: encrypted PDF: needs a password' "$T/.err" &&
    ok "the password-protected PDF is named with its reason" || not_ok "password PDF message"
grep -q 'informe-truncado.pdf: not a readable PDF (corrupt or truncated)' "$T/.err" &&
    ok "the truncated PDF is named with its reason" || not_ok "truncated PDF message"
python3 "$TOP/tests/integration/known_answers.py" "$BIN/testigo-search" "$A" "$C" "$C/README.md" || true
check "the Windows-1252 testimony records its charset" \
    test "$(json_get arraiz 'd["results"][0]["warnings"] == [] and "ok"')" = ok
check "the damaged UTF-8 testimony carries its warning" \
    sh -c "'$BIN/testigo-search' --archive '$A' --json guaiparo | grep -q 'invalid byte sequences'"
check "date ranges: documents dated March-September 2024 (PDFs and testimonies)" \
    test "$(json_get 'date:2024-03..2024-09 type:pdf' 'len(d["results"])')" -eq 3
check "sort by date: oldest first" \
    test "$("$BIN/testigo-search" --archive "$A" --json --sort date type:pdf | python3 -c 'import json,sys; r=json.load(sys.stdin)["results"]; print(r[0]["date"][:10])')" = 2023-05-18
check "sort newest: newest dated first, undated last" \
    test "$("$BIN/testigo-search" --archive "$A" --json --sort newest type:pdf | python3 -c 'import json,sys; r=json.load(sys.stdin)["results"]; print(r[0]["date"][:10], r[-1]["date"])')" = "2025-08-20 None"
# the corpus is reproducible: its scripts make the very same bytes
check "scripts/mkcorpus.py regenerates corpus/ byte for byte" \
    python3 "$TOP/scripts/mkcorpus.py" --check
python3 "$TOP/scripts/mkscans.py" "$T/scans" >/dev/null 2>&1
check "scripts/mkscans.py regenerates corpus/escaneos/ byte for byte" diff -r "$T/scans" "$C/escaneos"
status_is 1 "a query with no match exits 1" search zzzyyyxxx
status_is 0 "an unclosed parenthesis is forgiven" search '(rodriguez'
grep -q "note: missing ')'" "$T/.err" && ok "and a note says how it was read" || not_ok "note: $(cat "$T/.err")"
status_is 2 "an impossible date is a query error (exit 2)" search 'fecha:2024-02-30'
grep -q "invalid query: invalid date '2024-02-30'" "$T/.err" && ok "and says why" || not_ok "error message"
check "the page with a wrong charset declaration says so" \
    sh -c "'$BIN/testigo-search' --archive '$A' --json bocono | grep -q 'declares charset utf-8 in its <meta> charset, which does not fit its bytes: read as WINDOWS-1252'"
check "an attachment's location names its message" \
    test "$(json_get yumare 'd["results"][0]["locations"][0]')" = "$C/correo/m01-denuncia-chichiriviche.eml!/denuncia.txt"
# shellcheck disable=SC2086
status_is 1 "re-indexing the corpus reports the unreadable PDFs again" index $DIRS
grep -q '64 files.*0 added, 0 updated, 0 duplicate, 59 unchanged, 3 skipped, 2 errors' "$T/.out" &&
    ok "re-indexing adds nothing (no attachment or message twice)" || not_ok "rerun: $(head -1 "$T/.out")"
check "still one document per attachment" test "$(json_get chichiriviche 'd["total"]')" -eq 2
finish
