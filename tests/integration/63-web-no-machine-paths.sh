# No absolute path of the indexing machine over HTTP (issue 11): a crawl of
# every page, JSON answer, header and download name of testigo-web over the
# sample corpus (mail, attachments, saved pages, PDFs that fail), sidecars
# and manifests (which record where they were read), a zip with a zip and a
# manifest inside, and a file named directly on the command line.  Locations
# are shown from the name of what was given to the indexer.  Then the same
# on an archive as an earlier Testigo wrote it (locations without their
# shown form), which the next run completes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/weblib.sh"
A=$T/archive
D=$T/docs
mkdir -p "$D" "$T/sueltos"
for d in correo declaraciones paginas pdf noticias; do cp -R "$TOP/corpus/$d" "$D/"; done
printf 'Documento en la raiz de lo indexado, palabra raizal.\n' >"$D/raiz.txt"
printf '{"title": "Nota con sidecar", "collection": "Caso Norte"}' >"$D/noticias/n01-estudiante-barquisimeto.txt.json"
printf 'file,collection,embargo\npdf/comunicado-mayo-2023.pdf,Comunicados,2020-01-01\n' >"$D/manifest.csv"
$PY - "$D/paquetes" "$T/sueltos" <<'PY'
import io, os, sys, zipfile
def zipb(members):
    b = io.BytesIO()
    with zipfile.ZipFile(b, 'w') as z:
        for n, data in members:
            z.writestr(zipfile.ZipInfo(n, date_time=(2024, 8, 5, 10, 0, 0)), data)
    return b.getvalue()
os.makedirs(sys.argv[1])
open(sys.argv[1] + '/fotos.zip', 'wb').write(zipb([
    ('carpeta/acta.txt', 'Acta dentro del zip, palabra alcaravan.\n'),
    ('inner.zip', zipb([('hondo.txt', 'Hondo en el zip interior, palabra guacharaca.\n')])),
    ('manifest.csv', 'file,title\ncarpeta/acta.txt,Acta del zip\n')]))
open(sys.argv[2] + '/suelto.zip', 'wb').write(zipb([('nota.txt', 'Nota suelta, palabra chiguire.\n')]))
PY
status_is 1 "the corpus, a zip and a file named directly index (two PDFs cannot be read)" \
    index "$D" "$T/sueltos/suelto.zip"
# the indexing machine's paths: the temporary folder (and what it resolves to)
RT=$(cd "$T" && pwd -P)

# shown_is QUERY LOCATION: the one result's locations over HTTP
shown_is() {
    get "/api/search?q=$1" >/dev/null
    got=$(jq_body 'd["results"][0]["locations"]')
    if [ "$got" = "$2" ]; then ok "shown as $2"; else not_ok "$1 shown as $got, wanted $2"; fi
}

start_web "$A"
$PY "$TOP/tests/integration/webcheck.py" crawl "$URL" "$T" "$RT" || true
shown_is raizal "['docs/raiz.txt']"
shown_is alcaravan "['docs/paquetes/fotos.zip!/carpeta/acta.txt']"
shown_is guacharaca "['docs/paquetes/fotos.zip!/inner.zip!/hondo.txt']"
shown_is chiguire "['suelto.zip!/nota.txt']"
shown_is 'type:email+chichiriviche' "['docs/correo/m01-denuncia-chichiriviche.eml']"
S=$(search --json alcaravan | $PY -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["sha256"])')
get "/doc/$S" >/dev/null
check "the document page shows the member's location from the folder given" \
    body_has '<code>docs/paquetes/fotos.zip!/carpeta/acta.txt</code>'
get "/api/doc/$S" >/dev/null
check "the record's places of metadata are shown the same way" \
    test "$(jq_body 'd["record"]["locations"][0]["sidecar_from"]')" = "['docs/paquetes/fotos.zip!/manifest.csv line 2']"
SN=$(search --json raizal | $PY -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["sha256"])')
get "/download/$SN" -I >/dev/null
check "a download is named by the file name alone" \
    header_is Content-Disposition "attachment; filename=\"raiz.txt\"; filename\\*=UTF-8''raiz.txt"
check "the CLI keeps the indexing machine's paths" \
    sh -c "'$BIN/testigo-search' --archive '$A' raizal | grep -qF '$D/raiz.txt'"
check "the server stops cleanly" stop_web

# an archive written before locations had their shown form
"$TESTIGO_TOOLS/tg-unrel" "$A" >/dev/null
start_web "$A"
$PY "$TOP/tests/integration/webcheck.py" crawl "$URL" "$T" "$RT" || true
# where the root cannot be told, the file name alone
shown_is raizal "['raiz.txt']"
shown_is chiguire "['suelto.zip!/nota.txt']"
# the folder facet ("docs/paquetes") tells the root's name
shown_is alcaravan "['docs/paquetes/fotos.zip!/carpeta/acta.txt']"
status_is 1 "the next run of the indexer" index "$D" "$T/sueltos/suelto.zip"
check "...extracts nothing again" grep -q ' 0 added, 0 updated' "$T/.out"
shown_is raizal "['docs/raiz.txt']"
shown_is guacharaca "['docs/paquetes/fotos.zip!/inner.zip!/hondo.txt']"
$PY "$TOP/tests/integration/webcheck.py" crawl "$URL" "$T" "$RT" || true
check "the server stops cleanly" stop_web
finish
