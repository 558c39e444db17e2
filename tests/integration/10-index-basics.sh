# Indexing basics on fixtures made here: encodings, de-duplication,
# re-indexing, changed files, skips, exit statuses, safety of the archive.
. "$(dirname "$0")/lib.sh"
A=$T/archive
D=$T/docs
mkdir -p "$D/sub" "$D/otra"
printf 'Testimonio de María Rodríguez: el niño fue detenido en Caracas.\n' >"$D/utf8.txt"
printf '\357\273\277Declaración con BOM: liberación de Ramón Núñez.\n' >"$D/bom.txt"
printf 'Carta en latin1: la detenci\363n de Jos\351 P\351rez en Maracaibo.\n' >"$D/sub/latin1.txt"
printf '\223Cita\224 en windows-1252: Barquisimeto \200 precio.\n' >"$D/sub/cp1252.txt"
printf '\377\376V\000a\000l\000e\000n\000c\000i\000a\000 \000u\000t\000f\000b\000\n\000' >"$D/sub/utf16.txt"
printf 'Roto \377 pero legible: Cumaná.\n' >"$D/broken.txt"
cp "$D/utf8.txt" "$D/otra/copia.txt"
: >"$D/vacio.txt"
# a type Testigo does not read (images are read by OCR since extractor 2)
{ printf 'SQLite format 3\000\020\000\001\001\000@  \000\000\000\001'; head -c 100 /dev/zero; } >"$D/datos.sqlite"
ln -s /etc/passwd "$D/enlace"
mkfifo "$D/tuberia"

# one worker: which of two equal files becomes the first location must not
# depend on which worker process happened to start faster
status_is 0 "first run indexes everything readable (exit 0)" index --jobs 1 "$D"
grep -q '11 files.*6 added, 0 updated, 1 duplicate, 0 unchanged, 4 skipped, 0 errors' "$T/.out" &&
    ok "summary counts every file once" || not_ok "summary: $(cat "$T/.out")"
grep -q '1 duplicate' "$T/.out" && ok "the copy is counted as a duplicate" || not_ok "duplicate count"
grep -q 'symbolic link' "$T/.out" && ok "symlink reported as skipped, not followed" || not_ok "symlink skip"
grep -q 'empty file' "$T/.out" && ok "empty file skipped" || not_ok "empty skip"
grep -q 'unsupported type' "$T/.out" && ok "unsupported type skipped with its reason" || not_ok "unsupported skip"
check "the store holds the original byte for byte" \
    cmp "$D/sub/latin1.txt" "$(store_path "$(sha256sum "$D/sub/latin1.txt" | cut -c1-64)")"
check "/etc/passwd did not enter the store" sh -c "! grep -rqs root: '$A/store'"

# (the copy in otra/ is walked first, so it is the first location)
expect_hits "accent-insensitive: rodriguez" rodriguez copia.txt
expect_hits "accent-insensitive: RODRÍGUEZ" 'RODRÍGUEZ' copia.txt
expect_hits "ñ folds: nino finds niño" nino copia.txt
expect_hits "latin1 text converted" jose latin1.txt
expect_hits "windows-1252 text converted" barquisimeto cp1252.txt
expect_hits "UTF-16 text converted" valencia utf16.txt
expect_hits "BOM stripped, words found" nunez bom.txt
expect_hits "damaged UTF-8 still indexed" cumana broken.txt
expect_hits "file name words are searchable" utf8 copia.txt
check "duplicate is one document with two locations" \
    test "$(json_get rodriguez 'len(d["results"][0]["locations"])')" = 2
check "ingest log has one line per file event" \
    test "$(wc -l <"$A/log/ingest.jsonl")" -eq 11
check "ingest log lines are JSON with event and location" \
    python3 -c "import json,sys
for l in open('$A/log/ingest.jsonl'): e=json.loads(l); assert e['event'] and e['location']"

status_is 0 "re-running adds nothing" index "$D"
grep -q '0 added, 0 updated, 0 duplicate, 9 unchanged, 2 skipped' "$T/.out" && ok "second run: all unchanged" ||
    not_ok "second run summary: $(head -1 "$T/.out")"
n1=$(json_get '*' 'd["total"]')
check "document count stable after re-run (7 contents)" test "$n1" -eq 7

printf 'Ahora dice otra cosa: Mérida.\n' >"$D/otra/copia.txt"
status_is 0 "changed file is re-indexed" index "$D"
grep -q '1 updated' "$T/.out" && ok "changed file counted as updated" || not_ok "update: $(head -1 "$T/.out")"
expect_hits "new content found" merida copia.txt
check "old content keeps its other location only" \
    test "$(json_get rodriguez 'len(d["results"][0]["locations"])')" = 1

rm "$D/otra/copia.txt"
printf 'Testimonio de María Rodríguez: el niño fue detenido en Caracas.\n' >"$D/otra/copia.txt"
index "$D" >/dev/null
check "a file changed back to known content becomes a location of it again" \
    test "$(json_get rodriguez 'len(d["results"][0]["locations"])')" = 2
expect_hits "content no longer at any location leaves the index" merida

# exit statuses and safety
status_is 2 "no paths is a usage error" index
status_is 2 "bad option value is a usage error" index --jobs 0 "$D"
mkdir "$T/photos" && echo x >"$T/photos/a.jpg"
status_is 2 "a non-empty folder that is not an archive is refused" \
    "$BIN/testigo-index" --archive "$T/photos" "$D"
check "nothing was written into the refused folder" test "$(ls "$T/photos")" = a.jpg
status_is 0 "a missing input is an error, but exit depends on files" index "$D/utf8.txt"
status_is 1 "a missing input path fails the run with exit 1" index "$T/nope"
grep -q "nope: cannot read" "$T/.err" && ok "missing input named with its reason" || not_ok "missing input message"

# the archive inside the folder being indexed is not indexed into itself
mkdir -p "$T/inside"
cp "$D/utf8.txt" "$T/inside/"
status_is 0 "archive inside the input folder" "$BIN/testigo-index" --archive "$T/inside/arch" "$T/inside"
"$BIN/testigo-index" --archive "$T/inside/arch" "$T/inside" >/dev/null
check "the archive folder is skipped, not indexed" \
    test "$("$BIN/testigo-search" --archive "$T/inside/arch" --json '*' | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')" -eq 1

# TESTIGO_ARCHIVE and the default
( cd "$T" && TESTIGO_ARCHIVE="$A" "$BIN/testigo-search" rodriguez >/dev/null ) &&
    ok "TESTIGO_ARCHIVE selects the archive" || not_ok "TESTIGO_ARCHIVE"
( cd "$T/inside" && "$BIN/testigo-index" "$D/bom.txt" >/dev/null && test -f archive/testigo.json ) &&
    ok "default archive is ./archive" || not_ok "default archive"
finish
