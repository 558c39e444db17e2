# Persons measured on the labelled set (tests/persons/: fictional court
# records, lists, testimonies, news, English reports, chat exports, with
# the persons each names): precision, recall, one entry per person,
# display names and identity numbers, against the targets of issue 14
# (docs/persons.md has the numbers).  The measure runs the indexer's own
# code (tests/tools/tg-persons), and the indexer end to end must give the
# same persons.  Then the sample corpus's cases the issue quotes.
. "$(dirname "$0")/lib.sh"
P=$TOP/tests/persons
TOOLS=${TESTIGO_TOOLS:-$TOP/build/asan/tests/tools}

python3 "$P/measure.py" --tool "$TOOLS/tg-persons" --min-recall 0.95 --min-precision 1.0 \
    --max-entries 1.0 --min-names 1.0 --min-ids 1.0 "$P/docs" "$P/labels.json" >"$T/measure.txt" &&
    ok "labelled set: $(tail -1 "$T/measure.txt" | sed 's/^# //')" ||
    { not_ok "labelled set below the targets"; sed 's/^/#   /' "$T/measure.txt" | grep -v '^#   [0-9]'; }

# the indexer, end to end, lists the same persons as the measured code
python3 "$P/measure.py" --bin "$BIN" "$P/docs" "$P/labels.json" >"$T/bin.txt" || true
grep '^# total' "$T/measure.txt" | sed 's/, identity numbers.*//' >"$T/a"
grep '^# total' "$T/bin.txt" >"$T/b"
check "testigo-index gives the persons the measure saw ($(cat "$T/b" | sed 's/^# //'))" cmp -s "$T/a" "$T/b"

# ---- the sample corpus's cases (issue 14), within one document
A=$T/archive
index -q "$TOP/corpus" >/dev/null 2>&1 || true
persons_of() { # FILE: the persons of the document at corpus/FILE, '|'-joined
    "$BIN/testigo-search" --archive "$A" --json --limit 1000 '*' | python3 -c '
import json, sys
for r in json.load(sys.stdin)["results"]:
    if any(l.endswith("/" + sys.argv[1]) for l in r["locations"]):
        print("|".join(r["persons"]))' "$1"
}
expect_persons() { # DESCRIPTION FILE WANT
    got=$(persons_of "$2")
    if [ "$got" = "$3" ]; then ok "$1"; else not_ok "$1"; echo "#   wanted: $3"; echo "#   got:    $got"; fi
}
expect_persons "t01: José Gregorio is José Gregorio Pérez Salazar" \
    testimonios/t01-madre-estudiante-barquisimeto.txt "José Gregorio Pérez Salazar|María Fernanda Rodríguez"
expect_persons "n03: Ana Lucía and Ana Lucía Ibáñez are Ana Lucía Ibáñez Torres" \
    noticias/n03-periodista-maracaibo.txt "Ana Lucía Ibáñez Torres|Édgar Rafael Montiel"
expect_persons "n04: 'ALVARADO, Marino' is shown Marino Alvarado, surnames in proper case" \
    noticias/n04-lista-personas-privadas-libertad.txt \
    "Daniela Alejandra Villasmil|José Gregorio Pérez Salazar|Keila Andreína Rodríguez Mora|Luis Alfredo González Paredes|Marino Alvarado|Omar Enrique Sifontes|Rafael Antonio Gudiño Araujo"
expect_persons "n09: Jose Gregorio Perez is Jose Gregorio Perez Salazar" \
    noticias/n09-monitor-statement-student.txt "Jose Gregorio Perez Salazar|Maria Fernanda Rodriguez"
expect_persons "arm-report-2024.pdf: Arbitrary Detention is not a person" \
    pdf/arm-report-2024.pdf "Lucía Beatriz Marrero"
expect_persons "the attached acta: Boca de Aroa is not a person" \
    "acta firmada Tucupío.docx" ""
n=$("$BIN/testigo-search" --archive "$A" --persons | grep -c -e 'Arbitrary Detention' -e 'Boca de Aroa' -e 'Comparece' || true)
check "--persons lists none of Arbitrary Detention, Boca de Aroa, Comparece" test "$n" -eq 0
n=$("$BIN/testigo-search" --archive "$A" --persons | grep -v '^        ' | grep -c '[A-ZÁÉÍÓÚÑ][A-ZÁÉÍÓÚÑ][A-ZÁÉÍÓÚÑ]' || true)
check "--persons shows no name in capitals ($n)" test "$n" -eq 0

# ---- a court record: 'Comparece Eusebio Arreaza Lugo, cédula V-12.345.678'
mkdir -p "$T/acta"
cp "$P/docs/01-acta-audiencia-presentacion.txt" "$T/acta/"
A=$T/archive2
index -q "$T/acta" >/dev/null
expect_hits "person:\"Eusebio Arreaza Lugo\" finds the court record" 'person:"Eusebio Arreaza Lugo"' \
    01-acta-audiencia-presentacion.txt
expect_hits "person:\"Comparece Eusebio Arreaza Lugo\" finds nothing" 'person:"Comparece Eusebio Arreaza Lugo"'
"$BIN/testigo-search" --archive "$A" --persons --json >"$T/p.json"
check "--persons: one entry per person of the record (7)" \
    test "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"])' "$T/p.json")" -eq 7
finish
