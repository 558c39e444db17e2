# Persons on the web (issue 14): a person's page (its display name, forms,
# cédula, documents, the dates next to its name labelled by the event
# words around them, the persons named with it), the persons facet of a
# results page with display names linked to those pages, and the persons
# a document page names, linked.  Restricted and embargoed documents give
# nothing to any of them: a person only a restricted document names has no
# page (its 404 is byte for byte that of a person nobody names) and no
# facet entry; a person named in public and restricted documents shows
# the public ones only, and not the form, cédula, dates or companions that
# only the restricted one gives.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/weblib.sh"
A=$T/archive
D=$T/docs
mkdir -p "$D/casos" "$D/reservado"
cat >"$D/casos/acta.txt" <<'TXT'
Acta de audiencia.

Comparece Luis Alberto Rondón Pérez, cédula V-19.876.543, detenido el 5 de agosto de 2024 en Caracas. El 12 de agosto de 2024 fue trasladado a Tocorón junto a Marino Alvarado Rivas.
TXT
cat >"$D/casos/nota.txt" <<'TXT'
Nota de prensa.

Luis Alberto Rondón Pérez fue presentado ante el tribunal.
La audiencia preliminar de Rondón Pérez se celebró el 3 de septiembre de 2024.
TXT
cat >"$D/casos/report.txt" <<'TXT'
Report on arbitrary detention.

Luis Alberto Rondon Perez was released on 2 October 2024, the family said.
TXT
cat >"$D/reservado/secreto.txt" <<'TXT'
Testimonio reservado.

Luis Alberto Rondón Pérez (alias Beto Rondón) fue trasladado el 20 de enero de 2025 con Ximena Quintero Salas, cédula V-7.777.777.
TXT
printf 'file,restricted\n*,yes\n' >"$D/reservado/manifest.csv"
index "$D" >/dev/null 2>"$T/index.err"

start_web "$A"
status_of 200 "a person's page by its name" '/person?name=Luis%20Alberto%20Rond%C3%B3n%20P%C3%A9rez'
check "...titled with its display name, accents and case" body_has 'Luis Alberto Rondón Pérez</bdi></h1>'
check "...with its cédula" body_has 'V-19876543'
check "...and its documents, the three public ones" body_has 'Documentos que lo nombran: 3'
check "...the detention dated next to the name" body_has '<li data-event="detention"><time datetime="2024-08-05">'
check "...the transfer" body_has '<li data-event="transfer"><time datetime="2024-08-12">'
check "...the hearing (a shorter form, in another document)" body_has '<li data-event="hearing"><time datetime="2024-09-03">'
check "...the release (an English report, written without accents)" body_has '<li data-event="release"><time datetime="2024-10-02">'
check "...the persons named with it, linked" body_has 'href="/person?name=marino%20alvarado%20rivas">Marino Alvarado Rivas</a>'
check "...nothing the restricted document says: its date" body_lacks '2025-01-20'
check "...nor its companion" body_lacks 'Ximena'
check "...nor its form" body_lacks 'Beto'
check "...nor its words" body_lacks 'reservado'
status_of 200 "the same page by a shorter form of its given name and surname" '/person?name=Luis%20Rondon'
check "...is the same person" body_has 'Luis Alberto Rondón Pérez</bdi></h1>'
status_of 200 "the same page by its key" '/person?name=luis%20alberto%20rondon%20perez'
check "...is the same person" body_has 'Luis Alberto Rondón Pérez</bdi></h1>'
status_of 200 "the same page by its cédula" '/person?name=V-19.876.543'
check "...is the same person" body_has 'Luis Alberto Rondón Pérez</bdi></h1>'

# a person only the restricted document names: the 404 of a person nobody
# names, but for the address the page links to in the other language
same_404() { sed 's/name=[^&"]*/name=N/' "$1" | cmp -s - "$2"; }
status_of 404 "a person nobody names" '/person?name=Zenaida%20Nadie%20Nunca'
sed 's/name=[^&"]*/name=N/' "$T/body" >"$T/unknown.body"
status_of 404 "no page for a person only a restricted document names" '/person?name=Ximena%20Quintero%20Salas'
check "...its 404 is byte for byte that of a person nobody names" same_404 "$T/body" "$T/unknown.body"
status_of 404 "...nor by that document's cédula" '/person?name=V-7.777.777'
check "...the same 404" same_404 "$T/body" "$T/unknown.body"
status_of 404 "...nor by its form only the restricted document writes" '/person?name=Beto%20Rond%C3%B3n'
check "...the same 404" same_404 "$T/body" "$T/unknown.body"
status_of 404 "a person page with no name" '/person'

# the persons facet of a results page
status_of 200 "a results page" '/search?q=*'
check "...has the persons facet with display names, linked to their pages" \
    body_has 'href="/person?name=luis%20alberto%20rondon%20perez"><span class="v"><bdi dir="ltr">Luis Alberto Rondón Pérez</bdi></span> <span class="n">3</span>'
check "...and no entry for the person only a restricted document names" body_lacks 'Ximena'
get '/api/search?q=*&facets=1' >/dev/null
check "the API gives the persons facet too" \
    test "$(jq_body '[p["name"] for p in d["facet_persons"]]')" = "['Luis Alberto Rondón Pérez', 'Marino Alvarado Rivas']"

# the document page lists its persons, linked
S=$(sha256sum "$D/casos/acta.txt" | cut -c1-64)
status_of 200 "a document page" "/doc/$S"
check "...lists the persons it names, linked to their pages" \
    body_has 'href="/person?name=luis%20alberto%20rondon%20perez"><bdi dir="ltr">Luis Alberto Rondón Pérez</bdi></a>'

check "the server stops cleanly (exit 0, no leak)" stop_web
if grep -q 'ERROR: AddressSanitizer\|runtime error' "$T/web.err"; then
    not_ok "sanitizer report from testigo-web"
    sed 's/^/#   /' "$T/web.err" | head -40
else
    ok "no sanitizer report from testigo-web"
fi
finish
