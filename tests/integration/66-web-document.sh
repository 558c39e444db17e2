# The whole document on its page (issue 15): the persons it names as the
# text writes them (accents, capitals), identity numbers, dates mentioned,
# every sidecar field, each a link to the search for it (a person to its
# page, issue 14); facets for
# collection, place and tag labelled as written; the date source in words;
# the same in /api/doc.  A restricted document gives none of it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/weblib.sh"
A=$T/archive
D=$T/docs
mkdir -p "$D/casos"
cat >"$D/casos/declaracion.txt" <<'TXT'
Caracas, 5 de agosto de 2024

Comparece la ciudadana Ana Lucía Ibáñez Torres, titular de la cédula V-12.345.678,
y declara que su hermano fue detenido el 28 de julio de 2024 en la sede del SEBIN.
Ana Lucía Ibáñez Torres pidió ver a su hermano y no se lo permitieron.
TXT
cat >"$D/casos/declaracion.txt.json" <<'JSON'
{"witness": "Marbelis Zerpa Núñez", "place": ["El Helicoide", "Caracas"],
 "collection": "Caso Ibáñez", "tags": ["Detención arbitraria", "SEBIN"]}
JSON
printf 'Otra nota del caso: Ana Lucía Ibáñez Torres volvió al Helicoide.\n' >"$D/casos/nota.txt"
printf 'Un acta sin nombres de nadie.\n' >"$D/casos/2020-01-01_acta.txt"
printf 'Documento reservado de Rosa Elvira Quintero Lugo, V-9.876.543.\n' >"$D/casos/reservado.txt"
printf '{"restricted": true, "collection": "Reservada"}\n' >"$D/casos/reservado.txt.json"
index "$D" >/dev/null
sha() { sha256sum "$1" | cut -c1-64; }
S=$(sha "$D/casos/declaracion.txt")
S_R=$(sha "$D/casos/reservado.txt")
start_web "$A"

status_of 200 "document page" "/doc/$S"
check "the persons it names, accents and capitals kept" body_has 'Ana Lucía Ibáñez Torres</bdi></a>'
check "...not folded" body_lacks 'ana lucia ibanez torres<'
check "...each a link to the person's page" body_has 'href="/person?name=ana%20lucia%20ibanez%20torres"'
check "identity numbers, a link to id:" body_has 'href="/search?q=id%3AV-12345678"'
check "dates mentioned, each a link to mentions:" body_has 'href="/search?q=mentions%3A2024-07-28"'
check "the witness, a link to witness:" body_has 'witness%3A%22Marbelis%20Zerpa%20N%C3%BA%C3%B1ez%22'
check "each place" body_has 'place%3A%22El%20Helicoide%22'
check "...and the other" body_has 'href="/search?q=place%3ACaracas"'
check "the collection" body_has 'collection%3A%22Caso%20Ib%C3%A1%C3%B1ez%22'
check "every tag" body_has 'tag%3A%22Detenci%C3%B3n%20arbitraria%22'
check "...all of them" body_has 'href="/search?q=tag%3ASEBIN"'
check "sections named for the browser test" body_has 'data-section="persons"'
check "the date source in words" body_has 'primera línea fechada del texto'
check "...never as a code" body_lacks 'text:first-dated-line'
get "/doc/$S?hl=en" >/dev/null
check "in English on the English page" body_has 'first dated line of the text'
check "links keep the language" body_has 'mentions%3A2024-07-28&amp;hl=en'

# the links lead somewhere: each search finds the document
for q in 'person:"Ana Lucía Ibáñez Torres"' 'id:V-12345678' 'mentions:2024-07-28' \
    'witness:"Marbelis Zerpa Núñez"' 'place:"El Helicoide"' 'collection:"Caso Ibáñez"' \
    'tag:"Detención arbitraria"'; do
    get "/api/search?q=$($PY -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "$q")" >/dev/null
    check "the search $q finds the document" $PY -c "
import json; r = json.load(open('$T/body'))['results']
assert '$S' in [h['sha256'] for h in r], r"
done

# /api/doc: the same, with queries and URLs
status_of 200 "/api/doc" "/api/doc/$S"
check "/api/doc says what the page says" $PY -c "
import json; k = json.load(open('$T/body'))['known']
p = k['persons'][0]
assert p['value'] == 'Ana Lucía Ibáñez Torres', p
assert p['query'] == 'person:\"Ana Lucía Ibáñez Torres\"', p
assert p['url'].startswith('/search?q=person%3A'), p
assert [i['value'] for i in p['ids']] == ['V-12345678'], p
assert [m['value'] for m in k['mentions']] == ['2024-07-28', '2024-08-05'], k['mentions']
assert [w['value'] for w in k['witness']] == ['Marbelis Zerpa Núñez'], k
assert sorted(x['value'] for x in k['place']) == ['Caracas', 'El Helicoide'], k
assert [c['query'] for c in k['collection']] == ['collection:\"Caso Ibáñez\"'], k
assert len(k['tags']) == 2, k
assert k['date_source'] == 'primera línea fechada del texto', k
"

# facets: collection, place, tag and person, labelled as written
status_of 200 "results page" '/search?q=hermano'
for f in collection place tag person; do
    check "a $f facet" body_has "data-facet=\"$f\""
done
check "the person facet shows the name as written" body_has '<span class="v"><bdi dir="ltr">Ana Lucía Ibáñez Torres</bdi></span>'
check "...not the folded key" body_lacks '>ana lucia ibanez torres<'
check "the collection facet likewise" body_has 'Caso Ibáñez</bdi></span>'
check "a facet link filters by the folded value" body_has 'collection=caso%20ibanez'
status_of 200 "filtered by collection" '/search?q=*&collection=caso%20ibanez'
check "...finds the document" body_has "/doc/$S"
check "...and not the other" body_lacks "$(sha "$D/casos/nota.txt")"
check "...and the filter chip is labelled as written" body_has 'Colección: <bdi dir="ltr">Caso Ibáñez</bdi>'
get '/api/search?q=hermano&facets=1' >/dev/null
check "/api/search gives the facets' labels" $PY -c "
import json; b = json.load(open('$T/body'))
assert b['facets']['person']['ana lucia ibanez torres'] == 1, b['facets']
assert b['facet_labels']['person']['ana lucia ibanez torres'] == 'Ana Lucía Ibáñez Torres', b['facet_labels']
assert b['facet_labels']['tag']['deteccion arbitraria'.replace('ecc', 'enc')] == 'Detención arbitraria', b['facet_labels']
"
# a person named only outside the page's hits is labelled too
get '/api/search?q=*&n=1&sort=oldest&facets=1' >/dev/null
check "labels beyond the page's hits" $PY -c "
import json; b = json.load(open('$T/body'))
assert b['results'][0]['persons'] == [], b['results']
assert b['facet_labels']['person']['ana lucia ibanez torres'] == 'Ana Lucía Ibáñez Torres', b
"

# restricted: no page, no facet value, no label
status_of 404 "a restricted document has no page" "/doc/$S_R"
get '/api/search?q=*&facets=1' >/dev/null
check "...nor a facet value or a label" $PY -c "
import json; b = json.load(open('$T/body'))
s = json.dumps(b)
assert 'reservada' not in s.lower() and 'Quintero' not in s, s
"
check "the server stops cleanly" stop_web
finish
