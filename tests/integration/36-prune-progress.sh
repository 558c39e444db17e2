# --prune and --purge-store; the progress line on a terminal versus a pipe;
# --verbose and --quiet.
. "$(dirname "$0")/lib.sh"
A=$T/archive
IN=$T/in
mkdir -p "$IN/a" "$IN/b" "$T/other"
printf 'Documento que se borrará: Guanare.\n' >"$IN/a/borrar.txt"
printf 'Documento que queda: Tucupita.\n' >"$IN/a/queda.txt"
printf 'Mismo contenido en dos sitios: Coro.\n' >"$IN/b/uno.txt"
cp "$IN/b/uno.txt" "$IN/b/dos.txt"
printf 'Fuera del alcance de la poda: Yaracuy.\n' >"$T/other/fuera.txt"
python3 - "$IN/p.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("miembro1.txt", "Primer miembro: Carora.\n")
    z.writestr("miembro2.txt", "Segundo miembro: Tinaquillo.\n")
PY
index "$IN" "$T/other" >/dev/null
rm "$IN/a/borrar.txt" "$IN/b/dos.txt" "$T/other/fuera.txt"
python3 - "$IN/p.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("miembro1.txt", "Primer miembro: Carora.\n")
PY
status_is 0 "without --prune, gone files are kept" index "$IN"
grep -q '1 documents removed\|1 updated' "$T/.out" && ok "the changed zip was read again" || not_ok "zip reread: $(cat "$T/.out")"
expect_hits "without --prune the deleted file is still listed" guanare borrar.txt
status_is 0 "--prune runs" index --prune "$IN"
grep -q 'pruned: 2 locations gone, 1 documents removed' "$T/.out" && ok "prune summary counts" ||
    not_ok "prune summary: $(cat "$T/.out")"
expect_hits "a deleted file's document is removed" guanare
expect_hits "a member gone from its updated zip is removed" tinaquillo
expect_hits "a member still in the zip stays" carora miembro1.txt
check "content with another location keeps it" test "$(json_get coro 'len(d["results"][0]["locations"])')" = 1
expect_hits "locations outside the pruned paths are untouched" yaracuy fuera.txt
sha=$(printf 'Documento que se borrará: Guanare.\n' | sha256sum | cut -c1-64)
check "without --purge-store the original stays in the store" test -f "$(store_path $sha)"
grep -q '"event":"pruned"' "$A/log/ingest.jsonl" && ok "pruning is in the ingest log" || not_ok "prune log"
status_is 0 "--prune --purge-store on the other path" index --prune --purge-store "$T/other"
sha=$(printf 'Fuera del alcance de la poda: Yaracuy.\n' | sha256sum | cut -c1-64)
check "--purge-store deletes the original no document uses" test ! -e "$(store_path $sha)"
status_is 2 "--purge-store alone is refused" index --purge-store "$IN"

# progress: a live line on a terminal, nothing of it on a pipe
i=0
mkdir "$T/many"
while [ $i -lt 30 ]; do echo "archivo $i" >"$T/many/f$i.txt"; i=$((i + 1)); done
script -qec "'$BIN/testigo-index' --archive '$T/pty' '$T/many'" /dev/null >"$T/pty.out" 2>&1 || true
grep -q 'files/s' "$T/pty.out" && ok "on a terminal a progress line is drawn" || not_ok "no progress on a pty"
tr '\r' '\n' <"$T/pty.out" | grep -q '^30/30 files\|^[0-9]*/30 files' && ok "it counts done/total files" ||
    not_ok "progress counts: $(tr '\r' '\n' <"$T/pty.out" | head -3)"
grep -q "$(printf '\r')" "$T/pty.out" && ok "it is redrawn in place (carriage return)" || not_ok "no CR"
"$BIN/testigo-index" --archive "$T/pipe" "$T/many" >"$T/pipe.out" 2>&1
grep -q 'files/s' "$T/pipe.out" && not_ok "progress drawn on a pipe" || ok "on a pipe: no progress line"
check "on a pipe: only the summary" test "$(wc -l <"$T/pipe.out")" -eq 2
script -qec "'$BIN/testigo-index' --quiet --archive '$T/pty2' '$T/many'" /dev/null >"$T/q.out" 2>&1 || true
grep -q 'files/s' "$T/q.out" && not_ok "--quiet still drew progress" || ok "--quiet: no progress line"
"$BIN/testigo-index" --verbose --archive "$T/v" "$T/many" >"$T/v.out" 2>&1
check "--verbose lists every file event" test "$(grep -c ': added$' "$T/v.out")" -eq 30

# the words of a pruned location's file name no longer find its content
A=$T/renamed
mkdir "$T/r"
printf 'Declaración protegida: Barinitas. Acta de la audiencia.\n' >"$T/r/juan_perez_acta.txt"
cp "$T/r/juan_perez_acta.txt" "$T/r/testigo_anonimo.txt"
index "$T/r" >/dev/null
expect_hits "a file name's words find its content" 'juan perez' juan_perez_acta.txt
rm "$T/r/juan_perez_acta.txt"
status_is 0 "--prune after one of two copies is deleted" index --prune "$T/r"
expect_hits "  the deleted copy's file name no longer finds it" 'juan perez'
expect_hits "  nor its stem" 'juanes'
expect_hits "  the other copy's file name still does" 'anonimo' testigo_anonimo.txt
expect_hits "  and so does the text" 'barinitas' testigo_anonimo.txt
expect_hits "  a word of the file name the text also has stays" 'acta' testigo_anonimo.txt

finish
