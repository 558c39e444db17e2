# The page view in a real browser (tests/web/pages.mjs): a text PDF page and
# a photographed statement with the query's words boxed, at desktop and
# phone sizes, each box checked against the word's place in the layout.
# Screenshots go to tests/artifacts/web-page-*.png.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/weblib.sh"
A=$T/archive
mkdir "$T/in"
python3 "$TOP/tests/integration/mkpdf.py" pages "$T/in/paginas.pdf" 12
cp "$TOP/corpus/escaneos/foto_acta_visita.jpg" "$T/in/"
index "$T/in" >/dev/null
P=$(sha256sum "$T/in/paginas.pdf" | cut -c1-64)
J=$(sha256sum "$T/in/foto_acta_visita.jpg" | cut -c1-64)

command -v node >/dev/null 2>&1 || { not_ok "node is installed (scripts/deps.sh test)"; finish; }
[ -x /usr/bin/chromium ] || { not_ok "chromium is installed (scripts/deps.sh test)"; finish; }
[ -d "$TOP/tests/web/node_modules/playwright-core" ] ||
    { not_ok "playwright-core is installed (make web-test-deps)"; finish; }

start_web "$A"
mkdir -p "$TOP/tests/artifacts"
set +e
node "$TOP/tests/web/pages.mjs" "$URL" "$TOP/tests/artifacts" "$P" "kappa lambda" "$J" "begoña saavedra" \
    >"$T/browser.out" 2>&1
st=$?
set -e
cat "$T/browser.out"
[ $st -eq 0 ] || grep -q '^not ok' "$T/browser.out" || not_ok "the browser test exited with $st"
grep -q '^not ok' "$T/browser.out" && FAILED=1
check "the server stops cleanly after the browser session" stop_web
finish
