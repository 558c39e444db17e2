# A document's title (issue 15): its own (a page's <title>, a mail's
# subject, a sidecar's title), else its first line when that reads as a
# title (lib/evidence/title.h), else its file name; on the web page, in the
# API and the CLI, and searchable with title:.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/weblib.sh"
A=$T/archive
D=$T/docs
mkdir -p "$D"
printf 'Testimonio de Marino Alvarado Rivas tras un año de prisión\n\nMe detuvieron el 5 de agosto de 2024 en San Félix.\n' >"$D/t19.txt"
printf 'Caracas, 5 de agosto de 2024\n\nSeñor juez: me dirijo a usted por la detención de Marino.\n' >"$D/fechada.txt"
printf 'el día que llegaron los funcionarios a la casa de la familia\nse llevaron a Marino sin orden.\n' >"$D/parrafo.txt"
printf '=====================\nActa de la audiencia de Marino\n' >"$D/regla.txt"
printf '<html><head><title>Comunicado sobre Marino</title></head><body><p>Primera línea del cuerpo de la página sobre Marino</p></body></html>\n' >"$D/pagina.html"
printf 'Declaración anónima recibida por la red de Marino\n\nTexto.\n' >"$D/ficha.txt"
printf '{"title": "Declaración de Rosa Elvira Quintero"}\n' >"$D/ficha.txt.json"
index "$D" >/dev/null
sha() { sha256sum "$1" | cut -c1-64; }

search --json marino >"$T/r.json"
title_of() { $PY -c "
import json, sys
for r in json.load(open('$T/r.json'))['results']:
    if r['locations'][0].endswith('/$1'):
        print(r['title'])
"; }
check "a first line that reads as a title is the title" \
    test "$(title_of t19.txt)" = "Testimonio de Marino Alvarado Rivas tras un año de prisión"
check "a date line is not a title: the file name" test "$(title_of fechada.txt)" = "fechada.txt"
check "a wrapped paragraph is not a title" test "$(title_of parrafo.txt)" = "parrafo.txt"
check "a rule of === is not a title" test "$(title_of regla.txt)" = "regla.txt"
check "a page's own title wins over its first line" test "$(title_of pagina.html)" = "Comunicado sobre Marino"
check "a sidecar's title wins over the first line" test "$(title_of ficha.txt)" = "Declaración de Rosa Elvira Quintero"
check "title: finds a first-line title" sh -c "'$BIN/testigo-search' --archive '$A' --json 'title:prision' | grep -q t19.txt"
check "...and only what is a title" sh -c "! '$BIN/testigo-search' --archive '$A' --json 'title:juez' | grep -q fechada.txt"

start_web "$A"
S=$(sha "$D/t19.txt")
status_of 200 "the document page" "/doc/$S"
check "the page's heading is the first line" body_has '<h1><bdi dir="ltr">Testimonio de Marino Alvarado Rivas tras un año de prisión</bdi></h1>'
check "...and it says where the title came from" body_has 'primera línea del texto'
get "/api/doc/$S" >/dev/null
check "/api/doc: the title and its source" $PY -c "
import json; b = json.load(open('$T/body'))
assert b['title'] == 'Testimonio de Marino Alvarado Rivas tras un año de prisión', b['title']
assert b['record']['title_source'] == 'first line', b['record']
assert b['known']['title_source'] == 'primera línea del texto', b['known']
"
# the sidecar goes: the first line is the title again
rm "$D/ficha.txt.json"
index "$D" >/dev/null
get "/api/doc/$(sha "$D/ficha.txt")" >/dev/null
check "without its sidecar, a document's first line is its title again" $PY -c "
import json; b = json.load(open('$T/body'))
assert b['title'] == 'Declaración anónima recibida por la red de Marino', b['title']
"
check "the server stops cleanly" stop_web
finish
