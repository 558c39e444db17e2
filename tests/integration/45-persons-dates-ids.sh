# Evidence by name, date and identity number, end to end: persons with and
# without a names list (--names), person:, mentions:, id:, --persons, the
# document date from the file name and from the first dated line, and its
# precedence.  Fixtures are fictional texts made here.
. "$(dirname "$0")/lib.sh"
A=$T/archive
D=$T/docs
mkdir -p "$D"

cat >"$D/2024-08-06_acta.txt" <<'EOF'
Acta de entrega

El ciudadano ALVARADO, Marino, titular de la cédula V-12.345.678, fue detenido el
28 de julio de 2024 junto a la señora Ana María Rojas (C.I. 9.876.543).
EOF
cat >"$D/testimonio-rojas.txt" <<'EOF'
Testimonio de Ana Rojas
Caracas, 5 de agosto de 2025

Mi hermano Marino Alvarado fue detenido el 30/07/2024. Su cédula es V12345678.
Lo llevaron a la sede del SEBIN en Caracas.
EOF
cat >"$D/noticia-liberacion.txt" <<'EOF'
Liberan a dirigente sindical

El dirigente MARINO ALVARADO fue liberado, según informó la abogada Luisa Fernanda
Tovar, de la organización Foro Penal. Había sido detenido entre el 29 de julio y el
2 de agosto de 2024, y en agosto de 2024 su familia denunció el caso.
EOF
cat >"$D/denuncia-sin-acentos.txt" <<'EOF'
Denuncia

Marino Alvarado, cedula 12345678, fue visto por ultima vez en la Plaza Altamira.
Otro detenido: Jose Gregorio Hernandez Paez, E-8.765.432.
EOF
cat >"$D/report-en.txt" <<'EOF'
Statement on the detention of a union leader

On August 5, 2024, officers arrested Marino Alvarado in Ciudad Guayana. His lawyer,
Luisa Fernanda Tovar, said that the arrest warrant was dated 08/04/2024.
EOF
cat >"$D/sin-nombres.txt" <<'EOF'
Nota interna

Este documento no nombra a nadie, ni da fechas, ni números de cédula: solo dice que
la reunión de la semana pasada se suspendió por la lluvia.
EOF
cat >"$T/names.csv" <<'EOF'
# fictional people of the case
name,aliases
Marino Alvarado,"ALVARADO, Marino",Marino José Alvarado Pérez
Ana María Rojas,"ROJAS, Ana María",Ana Rojas
EOF

# ---- a names list with a mistake stops the run before anything is done
printf 'Marino Alvarado,"ALVARADO, Marino\n' >"$T/bad.csv"
status_is 2 "a malformed names list is a usage error (exit 2)" index --names "$T/bad.csv" "$D"
grep -q "bad.csv:1: unterminated quotation mark" "$T/.err" &&
    ok "the error names the file, the line and the reason" || not_ok "names error: $(cat "$T/.err")"
check "nothing was indexed" test ! -e "$A/index"
status_is 2 "a missing names list is a usage error" index --names "$T/nope.csv" "$D"

status_is 0 "indexing with a names list" index --names "$T/names.csv" "$D"

# ---- person:
expect_hits "person: finds the canonical name, the alias 'ALVARADO, Marino', capitals, no accents" \
    'person:"Marino Alvarado"' 2024-08-06_acta.txt testimonio-rojas.txt noticia-liberacion.txt \
    denuncia-sin-acentos.txt report-en.txt
expect_hits "person: is accent- and case-insensitive" 'person:"MARINO ÁLVARADO"' \
    2024-08-06_acta.txt testimonio-rojas.txt noticia-liberacion.txt denuncia-sin-acentos.txt \
    report-en.txt
expect_hits "person: typed as 'SURNAME, Given'" 'person:"Alvarado, Marino"' \
    2024-08-06_acta.txt testimonio-rojas.txt noticia-liberacion.txt denuncia-sin-acentos.txt \
    report-en.txt
expect_hits "an alias of the list ('Ana Rojas') finds the canonical person" \
    'person:"Ana María Rojas"' 2024-08-06_acta.txt testimonio-rojas.txt
expect_hits "a person not on the list is found by the shape of the name" \
    'person:"Luisa Fernanda Tovar"' noticia-liberacion.txt report-en.txt
expect_hits "... written without accents" 'person:"José Gregorio Hernández Páez"' \
    denuncia-sin-acentos.txt
expect_hits "organisations are not persons" 'person:"Foro Penal"'
expect_hits "person: combines with words" 'person:"Marino Alvarado" liberado' noticia-liberacion.txt
check "results list the persons of a document" \
    test "$(json_get 'person:"Luisa Fernanda Tovar" lang:es' '",".join(sorted(d["results"][0]["persons"]))')" = \
    "Luisa Fernanda Tovar,Marino Alvarado"

# ---- mentions:
expect_hits "mentions: a day" 'mentions:2024-07-28' 2024-08-06_acta.txt
expect_hits "mentions: a day written 30/07/2024 (day first in Spanish)" 'mentions:2024-07-30' \
    testimonio-rojas.txt
expect_hits "mentions: 08/04/2024 is month first in an English text" 'mentions:2024-08-04' report-en.txt
expect_hits "mentions: a range (28 July to 5 August 2024)" 'mentions:2024-07-28..2024-08-05' \
    2024-08-06_acta.txt testimonio-rojas.txt noticia-liberacion.txt report-en.txt
expect_hits "mentions: a day without its year takes the one that follows ('29 de julio')" \
    'mentions:2024-07-29' noticia-liberacion.txt
expect_hits "mentions: a month matches dates in it and the month written alone" \
    'mentions:2024-08' noticia-liberacion.txt report-en.txt
expect_hits "a month written alone is not inside a range of days" \
    'mentions:2024-08-03..2024-08-04' report-en.txt
check "results list the dates a document mentions" \
    test "$(json_get 'mentions:2024-07-28' '",".join(d["results"][0]["mentions"])')" = "2024-07-28"

# ---- date: stays the document date, with its source
expect_hits "date: the date in the file name" 'date:2024-08-06' 2024-08-06_acta.txt
check "its source is the file name" \
    test "$(json_get 'date:2024-08-06' 'd["results"][0]["date_source"]')" = filename
expect_hits "date: the first dated line of a testimony" 'date:2025-08-05' testimonio-rojas.txt
check "its source is the first dated line" \
    test "$(json_get 'date:2025-08-05' 'd["results"][0]["date_source"]')" = "text:first-dated-line"
expect_hits "date: is not the dates mentioned" 'date:2024-07-28'
check "an undated text stays undated" test "$(json_get 'lluvia' 'd["results"][0]["date"]')" = None
search testimonio >"$T/human.txt"
grep -q '2025-08-05 (text:first-dated-line)' "$T/human.txt" &&
    ok "the date's source is shown" || not_ok "human output: $(head -3 "$T/human.txt")"

# ---- id:
expect_hits "id: finds V-12.345.678, V12345678 and 'cedula 12345678'" 'id:12345678' \
    2024-08-06_acta.txt testimonio-rojas.txt denuncia-sin-acentos.txt
expect_hits "id: typed with its letter and dots" 'id:V-12.345.678' \
    2024-08-06_acta.txt testimonio-rojas.txt denuncia-sin-acentos.txt
expect_hits "id: C.I. 9.876.543" 'id:9876543' 2024-08-06_acta.txt
expect_hits "id: a foreign resident's E-8.765.432" 'id:8765432' denuncia-sin-acentos.txt
check "results list identity numbers as identifiers" \
    test "$(json_get 'id:12345678 acta' '",".join(d["results"][0]["ids"])')" = "V-12345678,9876543"
status_is 1 "an identity number nobody has finds nothing" search 'id:87654321'
status_is 2 "a malformed identity number is a query error" search 'id:abc'
grep -q "invalid identity number 'abc'" "$T/.err" && ok "... with its reason" || not_ok "id error: $(cat "$T/.err")"

# ---- --persons
search --persons >"$T/persons.txt"
head -1 "$T/persons.txt" | grep -q '^ *5  Marino Alvarado$' &&
    ok "--persons: the most named person first, with its document count" ||
    not_ok "--persons: $(cat "$T/persons.txt")"
grep -q '^ *2  Ana María Rojas$' "$T/persons.txt" && grep -q '^ *2  Luisa Fernanda Tovar$' "$T/persons.txt" &&
    ok "--persons: every person with its count" || not_ok "--persons: $(cat "$T/persons.txt")"
grep -q 'persons in 6 documents' "$T/persons.txt" && ok "--persons: a summary line" ||
    not_ok "--persons summary: $(tail -1 "$T/persons.txt")"
check "--persons QUERY: only the documents matching it" \
    test "$("$BIN/testigo-search" --archive "$A" --persons --json statement |
        python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["documents"], ",".join(p["name"]+":"+str(p["documents"]) for p in d["persons"]))')" = \
    "1 Luisa Fernanda Tovar:1,Marino Alvarado:1"
check "--persons --json says which names come from the list" \
    test "$("$BIN/testigo-search" --archive "$A" --persons --json |
        python3 -c 'import json,sys; d=json.load(sys.stdin); print(sorted(p["name"] for p in d["persons"] if p["listed"]))')" = \
    "['Ana María Rojas', 'Marino Alvarado']"
check "--persons -n limits the list" \
    test "$("$BIN/testigo-search" --archive "$A" --persons -n 1 | head -n -1 | grep -vc "^        ")" -eq 1
status_is 1 "--persons QUERY matching nothing exits 1" search --persons nadaquebuscar
status_is 2 "--persons with a bad QUERY exits 2" search --persons 'fecha:2024-02-30'

# ---- without a names list: the folded full name as found
B=$T/archive2
"$BIN/testigo-index" --archive "$B" "$D" >/dev/null
n=$("$BIN/testigo-search" --archive "$B" --json 'person:"marino alvarado"' | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
check "without a list, person: finds the name as written in full ($n documents of 5)" test "$n" -eq 5
n=$("$BIN/testigo-search" --archive "$B" --json 'person:"Alvarado, Marino"' | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
check "... and 'ALVARADO, Marino' typed or in the text is the same person ($n of 5)" test "$n" -eq 5

# ---- precedence: a PDF's own date wins over the date in its name; a file
#      that could not be read is still dated by its name
C=$T/prec
mkdir -p "$C"
cp "$TOP/corpus/pdf/acta-visita-febrero-2024.pdf" "$C/2025-08-05_formulario.pdf"
cp "$TOP/corpus/pdf/protegidos/expediente-reservado-2025.pdf" "$C/2024-01-15_reservado.pdf"
"$BIN/testigo-index" --archive "$T/archive3" "$C" >/dev/null 2>&1 || true
r=$("$BIN/testigo-search" --archive "$T/archive3" --json formulario | python3 -c 'import json,sys; r=json.load(sys.stdin)["results"][0]; print(r["date"][:10], r["date_source"])')
check "the document's own metadata comes before the file name ($r)" test "$r" = "2024-02-27 pdf:CreationDate"
r=$("$BIN/testigo-search" --archive "$T/archive3" --json reservado | python3 -c 'import json,sys; r=json.load(sys.stdin)["results"][0]; print(r["date"], r["date_source"])')
check "an unreadable file is dated by its name ($r)" test "$r" = "2024-01-15 filename"

# ---- a names list given after documents were indexed: they keep their
#      persons, and the run says so (once, until the list changes again)
A=$T/archive4
status_is 0 "indexing without a names list" index "$D"
grep -q 'names list' "$T/.err" && not_ok "a first run without a list says nothing" ||
    ok "a first run without a list says nothing"

status_is 0 "the same files with a names list" index --names "$T/names.csv" "$D"
grep -q "names list: the last run had none; the 6 documents already in the archive keep the persons found when they were indexed (run with --reextract to apply this list to them)" "$T/.err" &&
    ok "  says that the documents already there keep their persons" || not_ok "notice: $(cat "$T/.err")"
check "  which they do: the alias 'Ana Rojas' is not applied to their records" \
    test "$("$BIN/testigo-search" --archive "$A" --json 'person:"Ana María Rojas"' |
        python3 -c 'import json,sys; print(sorted(n for r in json.load(sys.stdin)["results"] for n in r["persons"] if "Rojas" in n))')" = \
    "['Ana María Rojas', 'Ana Rojas']"
# across documents 'Ana Rojas' is Ana María Rojas anyway (the one person it fits)
expect_hits "  person: finds them by resolution across documents" \
    'person:"Ana María Rojas"' 2024-08-06_acta.txt testimonio-rojas.txt
status_is 0 "again with the same list" index --names "$T/names.csv" "$D"
grep -q 'names list' "$T/.err" && not_ok "  the same list again: no notice" || ok "  the same list again: no notice"
status_is 0 "--reextract with the list" index --reextract --names "$T/names.csv" "$D"
expect_hits "  applies it to them" 'person:"Ana María Rojas"' 2024-08-06_acta.txt testimonio-rojas.txt
status_is 0 "a run without the list" index "$D"
grep -q 'no names list this run: the last run had one' "$T/.err" &&
    ok "  says that files indexed now are not matched against it" || not_ok "no-list notice: $(cat "$T/.err")"
finish
