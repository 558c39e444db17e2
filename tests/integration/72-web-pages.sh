#!/bin/sh
# Page images (docs/pages.md): the PNG of a page at three sizes, drawn by
# the sandboxed renderer into the page cache once, the page view with the
# query's words boxed where the layout or OCR put them, the page JSON,
# thumbnails, the evidence sheet; hidden documents answer as missing ones
# whatever the cache holds, and a renderer that dies or hangs costs its
# page, never the server.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/integration/weblib.sh"
A=$T/archive
mkdir "$T/in"
python3 "$TOP/tests/integration/mkpdf.py" pages "$T/in/paginas.pdf" 12
cp "$TOP/corpus/escaneos/foto_acta_visita.jpg" "$TOP/corpus/escaneos/expediente_fax.tif" "$T/in/"
printf 'Un texto sin paginas: kappa.\n' >"$T/in/nota.txt"
status_is 0 "the PDF, a photo, a TIFF and a text are indexed" index "$T/in"
sha() { sha256sum "$T/in/$1" | cut -c1-64; }
P=$(sha paginas.pdf) J=$(sha foto_acta_visita.jpg) F=$(sha expediente_fax.tif) X=$(sha nota.txt)
NONE=0000000000000000000000000000000000000000000000000000000000000000

# the renderer, counted: each start of one leaves a line
cat >"$T/renderer" <<EOS
#!/bin/sh
echo "\$*" >>"$T/renders"
exec "$BIN/testigo-index" "\$@"
EOS
chmod +x "$T/renderer"
: >"$T/renders"
starts() { wc -l <"$T/renders" | tr -d ' '; }
C=$A/pages/$(echo "$P" | cut -c1-2)
# inode FILE: a render replaces a cache file (a new inode)
inode() { stat -c %i "$1"; }

# png_size FILE: "W H" of a PNG
png_size() { $PY -c "import struct,sys; b=open('$1','rb').read(24); print(*struct.unpack('>II', b[16:24])) if b[:8]==b'\x89PNG\r\n\x1a\n' else print('not a PNG')"; }

start_web "$A" --renderer "$T/renderer"

status_of 200 "a PDF page as a PNG" "/page/$P/1"
check "sent as image/png" header_is Content-Type 'image/png'
check "screen size: 1000 pixels wide, A4-letter proportions" [ "$(png_size "$T/body")" = "1000 1294" ]
check "kept in the page cache" [ -f "$C/$P-1-1000.png" ]
i1=$(inode "$C/$P-1-1000.png")
status_of 200 "the same page again" "/page/$P/1"
check "from the cache: not drawn again" [ "$(inode "$C/$P-1-1000.png")" = "$i1" ]
status_of 200 "print size" "/page/$P/1?s=print"
check "print size: 2000 pixels wide" [ "$(png_size "$T/body" | cut -d' ' -f1)" = 2000 ]
status_of 200 "thumbnail size" "/page/$P/12?s=thumb"
check "thumbnail: 200 pixels wide" [ "$(png_size "$T/body" | cut -d' ' -f1)" = 200 ]
status_of 400 "an unknown size" "/page/$P/1?s=huge"

# the 404 of a missing document, as every route gives it: the same bytes
# but the address asked for (the language link names it)
get "/doc/$NONE" >/dev/null
sed "s|/doc/$NONE|ADDRESS|g" "$T/body" >"$T/missing.html"
get "/api/doc/$NONE" >/dev/null
cp "$T/body" "$T/missing.json"
same_404() { # DESCRIPTION PATH [html|json]
    _g=$(get "$2")
    _p=${2%%\?*}
    _q=${2#"$_p"}
    _q=$(printf '%s' "$_q" | sed 's/&/\&amp;/g')
    sed -e "s|$_p$_q&amp;hl=|ADDRESS?hl=|g" -e "s|$_p|ADDRESS|g" "$T/body" >"$T/got"
    _want=$T/missing.${3:-html}
    if [ "$_g" = 404 ] && cmp -s "$T/got" "$_want"; then ok "$1"; else
        not_ok "$1 (HTTP $_g, or not the missing document's answer)"
        diff "$_want" "$T/got" | head -5 | sed 's/^/#   /'
    fi
}
same_404 "a page past the last: as a missing document" "/page/$P/13"
same_404 "page 0" "/page/$P/0"
same_404 "a document that does not exist" "/page/$NONE/1"
same_404 "a document without page images (text)" "/page/$X/1"
same_404 "its page view" "/view/$X"
same_404 "a page number that is not one" "/page/$P/1x"
same_404 "the page JSON of a missing document" "/api/page/$NONE/1" json
check "nothing was drawn for them" [ ! -e "$C/$P-13-1000.png" ] && [ ! -e "$A/pages/00" ] &&
    [ -z "$(ls "$A/pages/$(echo "$X" | cut -c1-2)" 2>/dev/null)" ]
check "one renderer drew every page so far (it is kept)" [ "$(starts)" = 1 ]

# the photo: upright by its EXIF orientation (its pixels lie on their side)
status_of 200 "a photo's page" "/page/$J/1"
set -- $(png_size "$T/body")
check "the photo is shown upright (wider than high)" [ "$1" = 1000 ] && [ "$2" -lt 1000 ]
# the TIFF: each page
status_of 200 "page 2 of a multi-page TIFF" "/page/$F/2"
same_404 "no page 3 in it" "/page/$F/3"

# the page JSON: its size and the boxes of the hits, where the layout has the words
status_of 200 "the page JSON" "/api/page/$P/10?q=kappa"
check "page count" [ "$(jq_body 'd["pages"]')" = 12 ]
check "the pages with hits" [ "$(jq_body 'd["hit_pages"]')" = "[10]" ]
check "the page's size in points" [ "$(jq_body '(d["width"], d["height"], d["units"])')" = "(612.0, 792.0, 'pt')" ]
# mkpdf.py writes line 3 of each page at x 72, baseline 792-760+28 = 60 points from the top
check "one box, over the word where the PDF drew it" \
    [ "$(jq_body '[(h["word"], round(h["x"]), 45 < h["y"] < 60, 58 < h["y"] + h["h"] < 66) for h in d["hits"]]')" = "[('kappa', 72, True, True)]" ]
status_of 200 "a page without the word" "/api/page/$P/2?q=kappa"
check "no boxes there" [ "$(jq_body 'd["hits"]')" = "[]" ]
status_of 200 "the page count alone" "/api/page/$P"
check "says 12 pages" [ "$(jq_body 'd["pages"]')" = 12 ]
# OCR's boxes: the photo's words, in pixels of the upright photo
status_of 200 "the photo's page JSON" "/api/page/$J/1?q=begona+saavedra"
check "OCR's words, two hits" [ "$(jq_body '([h["word"] for h in d["hits"]], d["units"], d["words_from"])')" = "(['Begoña', 'Saavedra,'], 'px', 'ocr')" ]
check "Begoña before Saavedra on one line, inside the page" \
    [ "$(jq_body 'd["hits"][0]["x"] < d["hits"][1]["x"] and abs(d["hits"][0]["y"] - d["hits"][1]["y"]) < 10 and d["hits"][1]["x"] + d["hits"][1]["w"] <= d["width"] and d["width"] > d["height"]')" = True ]

# the page view: opens at the first hit's page, boxes in an SVG, no script or inline style
status_of 200 "the page view opens at the first hit" "/view/$F?q=tocuyito"
check "page 2 of 2" body_has "2 / 2"
check "the word boxed" body_has '<rect class="hitbox"'
check "over the page image" body_has "<image href=\"/page/$F/2?s=screen\""
check "no script" body_lacks "<script"
check "no inline style" body_lacks "style="
check "the CSP of every page" header_is Content-Security-Policy "default-src 'none'; style-src 'self'; img-src 'self'; .*"
status_of 200 "a PDF's page view" "/view/$P?q=kappa"
check "at page 10" body_has "10 / 12"
check "previous and next page links" body_has 'rel="prev"'
check "next page link" body_has 'rel="next"'
status_of 200 "a page with no hit" "/view/$P?q=pagina&p=3"
check "next hit link to page 4" body_has "/view/$P?p=4&amp;q=pagina"
same_404 "a page view past the last page" "/view/$P?p=13"

# thumbnails in the results, and off
status_of 200 "results" "/search?q=kappa"
check "a lazy thumbnail of the hit's page" body_has "<img src=\"/page/$P/10?s=thumb\" alt=\"\" loading=\"lazy\""
# the document page links to the page view and the sheet
status_of 200 "the document page" "/doc/$P?q=kappa"
check "links to its page view" body_has "href=\"/view/$P?q=kappa\""
check "and to its evidence sheet" body_has "href=\"/sheet/$P\""

# the evidence sheet
status_of 200 "the evidence sheet" "/sheet/$P"
check "its SHA-256" body_has "$P"
check "its location" body_has "paginas.pdf"
check "every page image, at print size" [ "$(grep -o "/page/$P/[0-9]*?s=print" "$T/body" | sort -u | wc -l)" = 12 ]
status_of 200 "the photo's sheet" "/sheet/$J"
check "its date and source" body_has "exif:DateTimeOriginal"

# restricted later: what the cache holds is not served, nothing is drawn
"$TESTIGO_TOOLS/tg-restrict" "$A" "$P"
same_404 "a cached page of a document restricted since" "/page/$P/1"
check "its file is still in the cache, unserved" [ -f "$A/pages/$(echo "$P" | cut -c1-2)/$P-1-1000.png" ]
same_404 "its uncached pages" "/page/$P/5"
same_404 "its page view" "/view/$P?q=kappa"
same_404 "its sheet" "/sheet/$P"
same_404 "its page JSON" "/api/page/$P/1" json
check "nothing drawn for it" [ ! -e "$C/$P-5-1000.png" ]
status_of 200 "results" "/search?q=kappa"
check "no thumbnail of it" body_lacks "/page/$P/"
check "the server stops cleanly" stop_web

# a renderer that dies, one that hangs: the page fails, the server answers on
cat >"$T/crash" <<'EOS'
#!/bin/sh
kill -SEGV $$
EOS
printf '#!/bin/sh\nexec sleep 600\n' >"$T/hang"
chmod +x "$T/crash" "$T/hang"
start_web "$A" --renderer "$T/crash" --no-thumbnails
status_of 500 "a renderer that crashes: the page fails" "/page/$F/1?s=print"
check "the server says why" grep -q "renderer died on page 1 (signal 11)" "$T/web.err"
status_of 200 "and answers the next request" "/search?q=tocuyito"
check "no thumbnails when switched off" body_lacks "?s=thumb"
check "stops cleanly" stop_web
start_web "$A" --renderer "$T/hang" --render-timeout 1
status_of 503 "a renderer that hangs: stopped at the render timeout" "/page/$F/1?s=print"
status_of 200 "and the server answers on" "/"
check "stops cleanly" stop_web
check "no renderer left behind" [ -z "$(pgrep -f "$T/hang" || true)" ]

# --render-pages: drawn at import, then served without a renderer
mkdir "$T/in2"
cp "$TOP/corpus/escaneos/expediente_fax.tif" "$TOP/corpus/escaneos/foto_acta_visita.jpg" "$T/in2/"
printf '{"restricted": true}\n' >"$T/in2/foto_acta_visita.jpg.json"
status_is 0 "indexed with --render-pages" "$BIN/testigo-index" --archive "$T/ahead" --render-pages "$T/in2"
D=$T/ahead/pages/$(echo "$F" | cut -c1-2)
check "both pages drawn ahead, at screen and thumbnail size, with their words" \
    [ -f "$D/$F-1-1000.png" ] && [ -f "$D/$F-2-200.png" ] && [ -f "$D/$F-2.json" ]
check "a restricted photo is not drawn ahead" [ ! -e "$T/ahead/pages/$(echo "$J" | cut -c1-2)" ]
: >"$T/renders"
start_web "$T/ahead" --renderer "$T/renderer"
status_of 200 "its page" "/page/$F/2"
status_of 200 "its page view with the hit" "/view/$F?q=tocuyito"
check "the hit boxed" body_has '<rect class="hitbox"'
check "without starting a renderer" [ "$(starts)" = 0 ]
check "stops cleanly" stop_web

# the sheet of a text with sidecar metadata, persons, identity numbers and
# dates mentioned: every fact the record holds
mkdir "$T/in3"
cat >"$T/in3/acta.txt" <<'EOF'
Acta de entrega

El ciudadano ALVARADO, Marino, titular de la cédula V-12.345.678, fue detenido el
28 de julio de 2024 junto a la señora Ana María Rojas.
EOF
printf '{"date": "2024-07-30", "witness": "Ana Pérez", "place": ["Caracas", "El Helicoide"]}\n' \
    >"$T/in3/acta.txt.json"
printf 'name,aliases\nMarino Alvarado,"ALVARADO, Marino"\n' >"$T/names.csv"
status_is 0 "a text with a sidecar is indexed" \
    "$BIN/testigo-index" --archive "$T/facts" --names "$T/names.csv" "$T/in3"
Q=$(sha256sum "$T/in3/acta.txt" | cut -c1-64)
start_web "$T/facts"
status_of 200 "its evidence sheet" "/sheet/$Q"
check "the sidecar's date" body_has '<th scope="row">Fecha (ficha)</th><td>2024-07-30</td>'
check "the sidecar's witness" grep -q 'Testigo (ficha)</th><td>.*Ana Pérez' "$T/body"
check "the sidecar's places, both" body_has '<td>Caracas, El Helicoide</td>'
check "the date's source" body_has '<td>sidecar</td>'
check "the dates mentioned" body_has '2024-07-28'
check "the person, with the identity number next to the name" body_has 'Marino Alvarado — V-12345678'
check "the identity numbers" body_has '<p class="sheetids">V-12345678</p>'
check "its location" body_has 'acta.txt</code>'
check "no page images for a text" body_lacks '/page/'
check "stops cleanly" stop_web

# other projects' hostile PDFs: each page 1 is drawn or fails, the server lives
if have_real; then
    B=$T/real
    "$BIN/testigo-index" --archive "$B" --timeout 30 "$REAL/pdf" >/dev/null 2>&1 || true
    start_web "$B" --render-timeout 20
    bad=0
    for f in "$REAL"/pdf/*.pdf; do
        s=$(sha256sum "$f" | cut -c1-64)
        g=$(get "/page/$s/1")
        case $g in 200 | 404 | 500 | 503) ;; *) bad=1 ;; esac
    done
    check "every real PDF's first page answers 200, 404, 500 or 503" [ $bad = 0 ]
    status_of 200 "the server lives through them" "/"
    check "stops cleanly" stop_web
else
    skip_real "page 1 of every real PDF"
fi
finish
