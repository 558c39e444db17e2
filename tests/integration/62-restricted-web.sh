# Restricted means restricted (issue 11): what restricts a location
# restricts everything inside it (a zip with a zip inside, a mail and its
# attachment, a mail folder and its messages, a folder by a "*" row), a
# manifest or sidecar that cannot be read fails closed (a misspelt column,
# a header that cannot be read, a sidecar that does not parse, an embargo
# that is not a date), and embargoes hold through their last day and end
# without a re-index.  Each hidden document is checked on every route of
# the web (tests/integration/webcheck.py), the CLI marks each, and a change
# on a bundle reaches its members on the next run without re-extraction.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/weblib.sh"
A=$T/archive
D=$T/docs
$PY - "$D" <<'PY'
import io, mailbox, os, sys, zipfile
from email.message import EmailMessage
d = sys.argv[1]
def w(path, data):
    path = os.path.join(d, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, 'wb').write(data if isinstance(data, bytes) else data.encode('utf-8'))
def zipb(members):
    b = io.BytesIO()
    with zipfile.ZipFile(b, 'w') as z:
        for n, data in members:
            z.writestr(zipfile.ZipInfo(n, date_time=(2024, 8, 5, 10, 0, 0)), data)
    return b.getvalue()
def mail(subject, body, attach=None):
    m = EmailMessage()
    m['From'] = 'Oficina <oficina@example.org>'
    m['To'] = 'Equipo <equipo@example.org>'
    m['Subject'] = subject
    m['Date'] = 'Mon, 05 Aug 2024 10:00:00 -0400'
    m['Message-ID'] = '<%s@example.org>' % subject.replace(' ', '.')
    m.set_content(body)
    if attach:
        m.add_attachment(attach[1].encode('utf-8'), maintype='text', subtype='plain',
                         filename=attach[0])
    return m
miembro = 'Miembro reservado, palabra granate. El testimonio de Ximena Quintero Salas fue tomado aparte.\n'
# texts in lowercase: a first line that reads as a title would be shown
# instead of the file name, which the CLI list below is checked by
profundo = 'texto profundo del zip interior, palabra obsidiana.\n'
w('casos/publico.txt', 'Documento publico del caso, palabra lapislazuli.\n')
w('casos/paquete.zip', zipb([('miembro-granate.txt', miembro),
                             ('interior.zip', zipb([('profundo-obsidiana.txt', profundo)]))]))
w('casos/copia-publica.txt', profundo)
w('casos/mixto.zip', zipb([('anexo.txt', miembro), ('libre.txt', 'Anexo libre, palabra feldespato.\n')]))
w('casos/correo-reservado.eml', bytes(mail('Correo turmalina', 'Cuerpo del correo, palabra turmalina.\n',
                                         ('adjunto-berilo.txt', 'Adjunto del correo, palabra berilo.\n'))))
mb = mailbox.mbox(os.path.join(d, 'casos/buzon-reservado.mbox'))
mb.add(mail('Mensaje jaspe', 'Primer mensaje, palabra jaspe.\n'))
mb.add(mail('Mensaje onix', 'Segundo mensaje, palabra onix.\n',
            ('anexo-crisoprasa.txt', 'Anexo del buzon, palabra crisoprasa.\n')))
mb.close()
w('casos/embargo-futuro.txt', 'documento bajo embargo, palabra zafiro.\n')
w('casos/embargo-pasado.txt', 'documento de embargo vencido, palabra rubi.\n')
w('casos/embargo-malo.txt', 'Documento con embargo ilegible, palabra ambar.\n')
w('casos/roto.txt', 'Documento con sidecar roto, palabra jade.\n')
w('casos/roto.txt.json', '{"restricted": tru')
w('casos/manifest.csv', 'archivo,titulo,restringido,embargo,fecha\n'
  'paquete.zip,Paquete reservado,si,,1987-05-05\n'
  'correo-reservado.eml,,si,,\n'
  'buzon-reservado.mbox,,si,,\n'
  'embargo-futuro.txt,,,2030-01-01,\n'
  'embargo-pasado.txt,,,01/01/2020,\n'
  'embargo-malo.txt,,,pronto,\n')
w('misspelt/manifest.csv', 'archivo,titulo,restringdo\nmal-escrito.txt,Mal escrito,si\n')
w('misspelt/mal-escrito.txt', 'Documento de columna mal escrita, palabra espodumena.\n')
w('misspelt/otro.txt', 'Documento que el manifiesto no nombra, palabra cuarzo.\n')
w('ilegible/manifest.csv', '"archivo,restringido\nilegible.txt,no\n')
w('ilegible/ilegible.txt', 'Documento de cabecera ilegible, palabra topacio.\n')
w('ilegible/sub/hondo.txt', 'Documento hondo de la carpeta ilegible, palabra amatista.\n')
w('reservada/manifest.csv', 'file,restricted\n*,yes\n')
w('reservada/nota.txt', 'Nota de la carpeta reservada, palabra peridoto. Lo dijo Ximena Quintero Salas.\n')
w('reservada/caja.zip', zipb([('dentro-espinela.txt', 'Dentro de la caja, palabra espinela.\n')]))
PY

TESTIGO_TODAY=2025-06-15
export TESTIGO_TODAY
status_is 1 "the import reports the broken metadata (exit 1)" index "$D"
cp "$T/.err" "$T/run1.err"
cp "$T/.out" "$T/run1.out"
grep -q "misspelt/manifest.csv: manifest has .*line 1: unknown column 'restringdo'.*every file the manifest names is restricted" "$T/run1.err" &&
    ok "a misspelt column is reported, saying the files are restricted" || not_ok "misspelt message: $(cat "$T/run1.err")"
grep -q 'ilegible/manifest.csv: .*the header cannot be read.*every file of this folder and below is restricted until the manifest is fixed' "$T/run1.err" &&
    ok "a header that cannot be read restricts the folder, and says so" || not_ok "header message"
grep -q 'roto.txt.json: malformed sidecar, ignored: not valid JSON.*so the file is restricted until the sidecar is fixed' "$T/run1.err" &&
    ok "a sidecar that does not parse restricts its file, and says so" || not_ok "sidecar message"
grep -q "casos/manifest.csv: .*embargo: 'pronto' is not a date.*the file is restricted" "$T/run1.err" &&
    ok "an embargo that is not a date restricts its file, and says so" || not_ok "embargo message"

# the CLI: every hidden document marked, with its digest for the web checks
$PY - "$BIN/testigo-search" "$A" "$T/expect.json" <<'PY' || not_ok "the CLI marks"
import json, subprocess, sys
cli, arch, out = sys.argv[1:4]
def find(word):
    r = json.loads(subprocess.run([cli, '--archive', arch, '--json', '--limit', '50', word],
                                  capture_output=True, check=True).stdout)['results']
    assert len(r) == 1, (word, [x['locations'] for x in r])
    return r[0]
hidden = [  # name, query finding it alone, why
    ('paquete.zip', 'title:"paquete reservado"', 'manifest row'),
    ('miembro-granate.txt', 'type:text granate', 'zip'),
    ('interior.zip', 'type:archive obsidiana -granate', 'zip in a zip'),
    ('profundo-obsidiana.txt', 'type:text obsidiana', 'zip in a zip'),
    ('correo-reservado.eml', 'type:email turmalina', 'manifest row'),
    ('adjunto-berilo.txt', 'type:text berilo', 'mail'),
    ('buzon-reservado.mbox', 'type:mbox', 'manifest row'),
    ('mensaje jaspe', 'type:email jaspe', 'mbox'),
    ('mensaje onix', 'type:email onix', 'mbox'),
    ('anexo-crisoprasa.txt', 'type:text crisoprasa', 'mbox'),
    ('embargo-futuro.txt', 'zafiro', 'embargo'),
    ('embargo-malo.txt', 'ambar', 'bad embargo'),
    ('roto.txt', 'jade', 'sidecar'),
    ('mal-escrito.txt', 'espodumena', 'misspelt column'),
    ('ilegible.txt', 'topacio', 'unreadable header'),
    ('hondo.txt', 'amatista', 'unreadable header'),
    ('nota.txt', 'peridoto', 'folder row'),
    ('caja.zip', 'type:archive espinela', 'folder row'),
    ('dentro-espinela.txt', 'type:text espinela', 'folder row'),
]
exp = {'hidden': [], 'visible': []}
for name, query, why in hidden:
    r = find(query)
    if why == 'embargo':
        ok = not r['restricted'] and r['embargo'] == '2030-01-01'
    else:
        ok = r['restricted'] is True
    print(('ok' if ok else 'not ok') + ' - CLI marks %s %s (%s)' % (
        name, 'under embargo' if why == 'embargo' else 'RESTRICTED', why))
    exp['hidden'].append({'sha': r['sha256'], 'name': name, 'word': query})
for query in ('lapislazuli', 'cuarzo', 'rubi', 'type:archive libre', 'type:text feldespato'):
    r = find(query)
    print(('ok' if not r['restricted'] else 'not ok') + ' - CLI: %s is not restricted' % query)
    exp['visible'].append(r['sha256'])
r = find('rubi')
print(('ok' if r['embargo'] == '2020-01-01' else 'not ok') + ' - CLI: the ended embargo keeps its date')
exp['hidden_only'] = {'folder': ['docs/reservada', 'docs/ilegible'], 'year': ['1987'],
                      'month': ['1987-05'], 'person': ['ximena quintero salas']}
json.dump(exp, open(out, 'w'))
PY
search -n 100 '*' >"$T/human.out" || true
check "the CLI's list marks members at any depth RESTRICTED" \
    grep -q '^[0-9]*\. interior.zip  \[RESTRICTED\]' "$T/human.out"
check "...and a copy at a public location of what a restricted zip holds" \
    grep -q '^[0-9]*\. copia-publica.txt  \[RESTRICTED\]' "$T/human.out"
check "...and documents under embargo with their date" \
    grep -q '^[0-9]*\. embargo-futuro.txt  \[EMBARGOED until 2030-01-01\]' "$T/human.out"
check "...and an embargo that ended with its date" \
    grep -q '^[0-9]*\. embargo-pasado.txt  \[embargo ended 2020-01-01\]' "$T/human.out"
index --verify >"$T/verify.out" || true
check "--verify lists the embargo and its date" \
    grep -q '^EMBARGO  2030-01-01  in force, hidden from the web through that day: .*embargo-futuro.txt' "$T/verify.out"
check "--verify counts restricted and embargoed documents" \
    grep -q 'documents restricted, 2 under embargo (1 in force today' "$T/verify.out"

start_web "$A"
$PY "$TOP/tests/integration/webcheck.py" hidden "$URL" "$T/expect.json" || true
SMIX=$($PY -c "import json; print(json.load(open('$T/expect.json'))['visible'][3])")
status_of 200 "a public bundle holding a restricted document is listed" "/doc/$SMIX"
status_of 404 "...but its original, which holds the restricted bytes, is not served" "/download/$SMIX"

# a change on the bundle reaches its members on the next run, unread
sed -i 's/^paquete.zip,Paquete reservado,si,/paquete.zip,Paquete reservado,no,/' "$D/casos/manifest.csv"
status_is 1 "a run after the bundle's row changed" index -v "$D"
check "nothing is extracted again" grep -q ' 0 added,' "$T/.out"
check "the zip is not read again: its metadata is re-applied" \
    grep -q 'casos/paquete.zip: updated: sidecar metadata changed' "$T/.err"
check "its members, at any depth, are updated from it" \
    grep -q 'paquete.zip!/interior.zip!/profundo-obsidiana.txt: updated: restriction passed down by the location holding it lifted' "$T/.err"
get '/api/search?q=type%3Atext+%28granate+OR+obsidiana%29' >/dev/null
check "...and shown by the running server" test "$(jq_body 'd["total"]')" = 2
sed -i 's/^paquete.zip,Paquete reservado,no,/paquete.zip,Paquete reservado,si,/' "$D/casos/manifest.csv"
index "$D" >/dev/null 2>&1 || true
get '/api/search?q=type%3Atext+%28granate+OR+obsidiana%29' >/dev/null
check "restricted again: hidden again, a copy at a public location too" test "$(jq_body 'd["total"]')" = 0
status_of 404 "...its deepest member's page is 404 again" \
    "/doc/$($PY -c "import json; print([h['sha'] for h in json.load(open('$T/expect.json'))['hidden'] if h['name'].startswith('profundo')][0])")"
# a folder's "*" row lifted: the files below it and what their bundles hold
printf 'file,restricted\n*,no\n' >"$D/reservada/manifest.csv"
index -v "$D" >/dev/null 2>&1 || true
get '/api/search?q=espinela+OR+peridoto' >/dev/null
check "a folder row lifted: its files and its zip's member are shown" test "$(jq_body 'd["total"]')" = 3
printf 'file,restricted\n*,yes\n' >"$D/reservada/manifest.csv"
index "$D" >/dev/null 2>&1 || true
get '/api/search?q=espinela+OR+peridoto' >/dev/null
check "...and hidden again when it comes back" test "$(jq_body 'd["total"]')" = 0
check "the server stops cleanly" stop_web

# embargoes end by the clock, without a re-index; the last day is still hidden
for day in 2030-01-01 2030-01-02; do
    TESTIGO_TODAY=$day start_web "$A"
    get '/api/search?q=zafiro' >/dev/null
    n=$(jq_body 'd["total"]')
    get / >/dev/null
    case $day in
    2030-01-01) check "on the embargo's last day the document is still hidden" test "$n" = 0
        check "...and not counted on the home page" body_has '5 documentos en el archivo' ;;
    *) check "the day after, it is shown" test "$n" = 1
        check "...and counted on the home page" body_has '6 documentos en el archivo' ;;
    esac
    stop_web
done
check "the CLI says when an embargo ended" sh -c \
    "TESTIGO_TODAY=2030-01-02 '$BIN/testigo-search' --archive '$A' zafiro | grep -q 'embargo ended 2030-01-01'"

# a manifest that cannot be read at all restricts its folder (not as root,
# who reads anything)
if [ "$(id -u)" != 0 ]; then
    mkdir "$D/cerrada"
    printf 'Documento de carpeta cerrada, palabra alejandrita.\n' >"$D/cerrada/a.txt"
    printf 'file,restricted\na.txt,no\n' >"$D/cerrada/manifest.csv"
    chmod 000 "$D/cerrada/manifest.csv"
    status_is 1 "an unreadable manifest is an error" index "$D"
    grep -q 'cerrada/manifest.csv: .*cannot be read (Permission denied): every file of this folder' "$T/.err" &&
        ok "...saying the folder is restricted" || not_ok "unreadable manifest: $(cat "$T/.err")"
    check "...and its files are" test "$(json_get alejandrita 'd["results"][0]["restricted"]')" = True
    chmod 644 "$D/cerrada/manifest.csv"
else
    ok "skip - unreadable manifest (running as root)"
fi
finish
