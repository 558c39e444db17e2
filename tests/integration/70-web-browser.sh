# testigo-web in a real browser: Debian's Chromium driven by playwright-core
# (tests/web/, installed by `make check` with npm ci), on fixtures made here.
# Screenshots go to tests/artifacts/.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/weblib.sh"
A=$T/archive
D=$T/docs
mkdir -p "$D/casos" "$D/prensa"
printf 'Testimonio de María Rodríguez: el niño fue detenido en Caracas.\n' >"$D/casos/testimonio.txt"
printf 'Declaración de Ramón Rodríguez sobre la detención de su hermano.\n' >"$D/casos/declaracion.txt"
printf 'RODRÍGUEZ, expediente abierto en Maracaibo.\n' >"$D/casos/nota.txt"
# a person with a page of its own (issue 14)
printf 'Acta.\n\nComparece Luis Alberto Rondón Pérez, cédula V-19.876.543, detenido el 5 de agosto de 2024.\n' \
    >"$D/casos/acta.txt"
# the document page's sections: persons, identity numbers, dates, a sidecar
mkdir -p "$D/fichas"
printf 'Caracas, 5 de agosto de 2024\n\nComparece Ana Lucía Ibáñez Torres, cédula V-12.345.678, y declara que su hermano fue detenido el 28 de julio de 2024.\n' >"$D/fichas/ibanez.txt"
printf '{"witness": "Marbelis Zerpa Núñez", "place": ["El Helicoide"], "collection": "Caso Ibáñez", "tags": ["Detención arbitraria"]}\n' >"$D/fichas/ibanez.txt.json"
# PDFs written here: a paged one dated 2009 and a form dated 2020
$PY "$TOP/tests/integration/mkpdf.py" doc "$D/prensa/trazas.pdf" 2009-04-01 "Trazas de un motor" \
    "Informe de rendimiento" "Trace trees en la segunda pagina"
$PY "$TOP/tests/integration/mkpdf.py" doc "$D/prensa/formulario.pdf" 2020-10-14 "Formulario" \
    "Formulario de solicitud de visita" "Expediente 2020-114 de la solicitud"
# the form PDF is the expediente; give it a name with the searched word too
cp "$D/prensa/formulario.pdf" "$D/prensa/rodriguez-expediente.pdf"
index "$D" >/dev/null

command -v node >/dev/null 2>&1 || { not_ok "node is installed (scripts/deps.sh test)"; finish; }
[ -x /usr/bin/chromium ] || { not_ok "chromium is installed (scripts/deps.sh test)"; finish; }
[ -d "$TOP/tests/web/node_modules/playwright-core" ] ||
    { not_ok "playwright-core is installed (make web-test-deps)"; finish; }

start_web "$A"
mkdir -p "$TOP/tests/artifacts"
set +e
node "$TOP/tests/web/browser.mjs" "$URL" "$TOP/tests/artifacts" >"$T/browser.out" 2>&1
st=$?
set -e
cat "$T/browser.out"
[ $st -eq 0 ] || grep -q '^not ok' "$T/browser.out" || not_ok "the browser test exited with $st"
grep -q '^not ok' "$T/browser.out" && FAILED=1
check "the server stops cleanly after the browser session" stop_web
finish
