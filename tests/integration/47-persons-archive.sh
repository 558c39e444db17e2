#!/bin/sh
# Persons across the archive (issue 14, docs/persons.md "One person across
# the archive"): person: finds every document that names a person in any
# form, or by its cédula; --persons lists each person once; different
# given names or cédulas are never merged; a removed document leaves no
# trace in the persons.
. "$(dirname "$0")/lib.sh"

A=$T/archive
D=$T/docs
mkdir -p "$D"
cp "$TOP"/tests/persons/docs/03-testimonio-madre-rondon.txt "$TOP"/tests/persons/docs/10-carta-desde-prision.txt \
    "$TOP"/tests/persons/docs/12-nota-prensa-traslado.txt "$TOP"/tests/persons/docs/21-witness-statement-en.txt "$D/"
cat >"$D/acta-arreaza.txt" <<'EOF2'
En Caracas, comparece Eusebio Arreaza Lugo, cédula V-12.345.678, quien expone
que fue trasladado sin orden judicial.
EOF2
cat >"$D/lista-arreaza.txt" <<'EOF2'
Listado de personas privadas de libertad

1. ARREAZA LUGO, Eusebio (C.I. 12345678)
2. MONTILLA ROJAS, Gabriela (C.I. 20111222)
EOF2
cat >"$D/nota-arreaza.txt" <<'EOF2'
Familiares de Eusebio Arreaza denunciaron que no han podido visitarlo.
EOF2
cat >"$D/testimonio-gabriel.txt" <<'EOF2'
Mi hijo Gabriel Montilla Rojas fue detenido en la plaza. Gabriel Montilla Rojas
tiene 24 años.
EOF2
cat >"$D/acta-rodriguez.txt" <<'EOF2'
En Maracay, comparece María Fernanda Rodríguez, cédula V-7.777.777, y expone lo siguiente.
EOF2
cat >"$D/acta-rodriguez-de-perez.txt" <<'EOF2'
En Valencia, comparece María Fernanda Rodríguez de Pérez, cédula V-8.888.888, y expone lo siguiente.
EOF2

status_is 0 "indexing" index "$D"

hits() { # query -> sorted file names of the hits
    "$BIN/testigo-search" --archive "$A" --json --limit 100 "$1" |
        python3 -c 'import json,sys; print(" ".join(sorted(r["locations"][0].split("/")[-1] for r in json.load(sys.stdin)["results"])))'
}
expect() { # message query files...
    m=$1 q=$2
    shift 2
    got=$(hits "$q")
    [ "$got" = "$*" ] && ok "$m" || not_ok "$m: query '$q'
#   wanted: $*
#   got:    $got"
}

# the known regression: a shorter form finds the documents that write the name in full
expect "person:\"Luis Rondón\" finds every document naming Luis Alberto Rondón Pérez" \
    'person:"Luis Rondón"' 03-testimonio-madre-rondon.txt 10-carta-desde-prision.txt \
    12-nota-prensa-traslado.txt 21-witness-statement-en.txt
expect "person:\"Luis Alberto Rondón Pérez\" the same" \
    'person:"Luis Alberto Rondón Pérez"' 03-testimonio-madre-rondon.txt 10-carta-desde-prision.txt \
    12-nota-prensa-traslado.txt 21-witness-statement-en.txt
# the same cédula is the same person; a short form elsewhere is him too
expect "person:V-12345678 finds the court record, the list and the note" \
    'person:V-12345678' acta-arreaza.txt lista-arreaza.txt nota-arreaza.txt
expect "person:\"Eusebio Arreaza\" the same" \
    'person:"Eusebio Arreaza"' acta-arreaza.txt lista-arreaza.txt nota-arreaza.txt
expect "another cédula is another person" 'person:V-7.777.777' acta-rodriguez.txt
expect "... though the names fit" 'person:"María Fernanda Rodríguez"' acta-rodriguez.txt
expect "Gabriel is not Gabriela" 'person:"Gabriel Montilla Rojas"' testimonio-gabriel.txt

"$BIN/testigo-search" --archive "$A" --persons --json >"$T/p.json"
n() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for p in d["persons"] if p["name"]==sys.argv[2]))' "$T/p.json" "$1"; }
check "--persons: Luis Alberto Rondón Pérez once" test "$(n 'Luis Alberto Rondón Pérez')" = 1
check "--persons: no entry for his shorter forms" test "$(n 'Luis Rondón')$(n 'Rondón Pérez')" = 00
check "--persons: Eusebio Arreaza Lugo once" test "$(n 'Eusebio Arreaza Lugo')" = 1
check "--persons: María Fernanda Rodríguez and María Fernanda Rodríguez de Pérez apart" \
    test "$(n 'María Fernanda Rodríguez')$(n 'María Fernanda Rodríguez de Pérez')" = 11
check "--persons: his cédula, his variants, his documents" \
    test "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
p=[p for p in d["persons"] if "V-12345678" in p["ids"]][0]
print(p["name"], p["documents"], "Eusebio Arreaza" in p["variants"])' "$T/p.json")" = "Eusebio Arreaza Lugo 3 True"
check "--persons: Gabriel and Gabriela apart" test "$(n 'Gabriel Montilla Rojas')$(n 'Gabriela Montilla Rojas')" = 11

# dossiers: the export of a person: query holds every document naming him
check "--export csv of person:V-12345678: the court record, the list and the note" \
    test "$("$BIN/testigo-search" --archive "$A" --export csv 'person:V-12345678' |
        python3 -c 'import csv,sys; print(" ".join(sorted(r["locations"].split("/")[-1] for r in csv.DictReader(sys.stdin))))')" = \
    "acta-arreaza.txt lista-arreaza.txt nota-arreaza.txt"
check "--export json of person:\"Luis Rondón\": his 4 documents" \
    test "$("$BIN/testigo-search" --archive "$A" --export json 'person:"Luis Rondón"' |
        python3 -c 'import json,sys; print(len(json.load(sys.stdin)["documents"]))')" = 4
status_is 0 "--export-bag of person:\"Eusebio Arreaza\"" \
    "$BIN/testigo-search" --archive "$A" --export-bag "$T/bag" 'person:"Eusebio Arreaza"'
check "... the bag holds his 3 originals" test "$(ls "$T/bag/data" | grep -vc '^documents.csv$')" = 3

# batch: a list, header optional, a name, a cédula, or both per row
printf 'nombre,cedula\nLuis Rondón,\n,V-12.345.678\nGabriel Montilla Rojas,V-20.111.222\nNadie Fulano Inexistente,\n' >"$T/list.csv"
"$BIN/testigo-search" --archive "$A" --batch "$T/list.csv" >"$T/batch.csv"
check "--batch: one line per document found, one for a row that found nothing" \
    test "$(python3 -c 'import csv,sys
rows=list(csv.DictReader(open(sys.argv[1])))
print(";".join(r["line"]+":"+r["status"]+":"+r["documents"] for r in rows))' "$T/batch.csv")" = \
    "2:found:4;2:found:4;2:found:4;2:found:4;3:found:3;3:found:3;3:found:3;4:found:2;4:found:2;5:not found:0"
check "--batch: the persons matched, with cédula, and first and last dates" \
    test "$(python3 -c 'import csv,sys
r=[r for r in csv.DictReader(open(sys.argv[1])) if r["line"]=="3"][0]
print(r["persons"], r["sha256"] != "", r["location"] != "")' "$T/batch.csv")" = "Eusebio Arreaza Lugo (V-12345678) True True"
r=$(python3 -c 'import csv,sys
r=[r for r in csv.DictReader(open(sys.argv[1])) if r["line"]=="4"][0]
print(r["persons"])' "$T/batch.csv")
check "--batch: a name and a cédula of two persons match both ($r)" \
    test "$r" = "Gabriel Montilla Rojas; Gabriela Montilla Rojas (20111222)"
check "--batch --json: rows, persons, documents with snippets" \
    test "$("$BIN/testigo-search" --archive "$A" --batch "$T/list.csv" --json | python3 -c 'import json,sys
d=json.load(sys.stdin)["rows"]
print(len(d), d[0]["persons"][0]["name"], d[0]["documents"], "Rond" in d[0]["results"][0]["snippet"], d[3]["found"])')" = \
    "4 Luis Alberto Rondón Pérez 4 True False"
status_is 2 "--batch with a missing list is an error" "$BIN/testigo-search" --archive "$A" --batch "$T/none.csv"

# a document removed leaves no trace: the note goes, and with it the short form
rm "$D/nota-arreaza.txt"
status_is 0 "re-indexing with --prune" index --prune "$D"
expect "person:V-12345678 no longer finds the removed note" \
    'person:V-12345678' acta-arreaza.txt lista-arreaza.txt
"$BIN/testigo-search" --archive "$A" --persons --json >"$T/p.json"
check "--persons: the removed variant is gone" \
    test "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
p=[p for p in d["persons"] if "V-12345678" in p["ids"]][0]
print(p["documents"], "Eusebio Arreaza" in p["variants"])' "$T/p.json")" = "2 False"

# how a person is shown does not depend on which document was indexed
# first: the list writes the cédula bare, the court record with its
# letter; a note writes the name without its accents, a statement with
# them
A=$T/ordered
O=$T/odocs
mkdir -p "$O"
cp "$D/lista-arreaza.txt" "$O/"
printf 'En Mérida, comparece Maria Elena Quintero Silva y expone lo siguiente.\n' >"$O/n1.txt"
status_is 0 "indexing the list and the note alone" index "$O"
cp "$D/acta-arreaza.txt" "$O/"
printf 'Testimonio de María Elena Quintero Silva sobre el traslado.\n' >"$O/n2.txt"
status_is 0 "then the court record and the statement" index "$O"
"$BIN/testigo-search" --archive "$A" --persons --json >"$T/p.json"
check "--persons: the cédula with its letter, though the bare form was indexed first" \
    test "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print([p["ids"] for p in d["persons"] if p["name"]=="Eusebio Arreaza Lugo"])' "$T/p.json")" = "[['V-12345678']]"
check "--persons: the name with its accents, though written without them first" \
    test "$(n 'María Elena Quintero Silva')$(n 'Maria Elena Quintero Silva')" = 10
check "--persons: ... and its spelling without them is no variant" \
    test "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print([p["variants"] for p in d["persons"] if p["key"]=="maria elena quintero silva"])' "$T/p.json")" = "[[]]"

# the names list: its aliases join what no rule would, and two listed
# persons stay two
A=$T/listed
L=$T/ldocs
mkdir -p "$L"
printf 'Declaración de Ana Rojas sobre la detención.\n' >"$L/a.txt"
printf 'Declaración de Ana Rojas Mendez sobre el traslado.\n' >"$L/b.txt"
printf 'Su hermano Marino Alvarado lo busca.\n' >"$L/c.txt"
printf 'Testimonio de Mario Alvarado.\n' >"$L/d.txt"
status_is 0 "indexing without a names list" index "$L"
expect "without the list, Ana Rojas is Ana Rojas Mendez (the one person she fits)" \
    'person:"Ana Rojas"' a.txt b.txt
printf 'Ana Rojas\nAna Rojas Mendez\nMarino Alvarado,Mario Alvarado\n' >"$T/names.csv"
status_is 0 "a run with a names list (no --reextract)" index --names "$T/names.csv" "$L"
expect "two listed persons stay two" 'person:"Ana Rojas"' a.txt
expect "an alias joins its person, in documents indexed before the list" \
    'person:"Marino Alvarado"' c.txt d.txt

# the sample corpus: issue 14's persons, one entry each
A=$T/corpus
index -q "$TOP/corpus" >/dev/null 2>&1 || true
"$BIN/testigo-search" --archive "$A" --persons --json >"$T/p.json"
for name in "José Gregorio Pérez Salazar" "Ana Lucía Ibáñez Torres" "Marino Alvarado Rivas"; do
    check "corpus: $name is one entry" test "$(n "$name")" = 1
done
check "corpus: no entry is a shorter form of them" test "$(n 'José Gregorio')$(n 'Jose Gregorio Perez')$(n 'Ana Lucía')$(n 'Ana Lucía Ibáñez')$(n 'Marino Alvarado')" = 00000

# a list of 300 names (the corpus's persons, and others nobody names): its time
"$BIN/testigo-search" --archive "$A" --persons --json | python3 -c '
import json,sys
names=[p["name"] for p in json.load(sys.stdin)["persons"]]
given=["Luis","María","José","Ana","Carlos","Rosa","Pedro","Yelitza","Jesús","Carmen"]
sur=["Pérez","Rondón","Salazar","Mijares","Quintero","Lugo","Arreaza","Torres","Mora","Blanco"]
i=0
while len(names)<300:
    names.append("%s %s %s" % (given[i%10], sur[(i//10)%10], sur[(i//100+i)%10])); i+=1
print("nombre"); print("\n".join(names[:300]))' >"$T/list300.csv"
python3 -c 'import subprocess,sys,time
t=time.time()
subprocess.run([sys.argv[1]+"/testigo-search","--archive",sys.argv[2],"--batch",sys.argv[3]],stdout=open(sys.argv[4],"w"))
print("# --batch of 300 names on the corpus: %.2f s (%s)" % (time.time()-t, sys.argv[1]))' "$BIN" "$A" "$T/list300.csv" "$T/batch300.csv"
check "--batch of 300 names: every row reported" \
    test "$(python3 -c 'import csv,sys; print(len({r["line"] for r in csv.DictReader(open(sys.argv[1]))}))' "$T/batch300.csv")" = 300

finish
