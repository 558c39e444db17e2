# Originals a browser could render or run (a web page, one named .txt,
# XHTML, SVG with a script, XML with a stylesheet, a PDF, a mail) are
# downloaded as application/octet-stream, under their own names: no browser
# renders them from testigo-web's origin.  Only passive types (plain text,
# raster images) keep their type.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/weblib.sh"
A=$T/archive
D=$T/in
mkdir -p "$D"
printf '<!DOCTYPE html>\n<html><head><title>Pagina</title></head><body><p>palabra pagina</p><script>alert(document.cookie)</script></body></html>\n' >"$D/pagina.html"
# a page whose name says text: the content decides
printf '<html><body><p>palabra disfrazada</p><script>alert(1)</script></body></html>\n' >"$D/disfrazada.txt"
printf '<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head><body><p>palabra xhtml</p><script>alert(1)</script></body></html>\n' >"$D/pagina.xhtml"
printf '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><text>palabra svg</text></svg>\n' >"$D/dibujo.svg"
printf '<?xml version="1.0"?>\n<?xml-stylesheet type="text/xsl" href="#"?>\n<registro><nota>palabra xml</nota></registro>\n' >"$D/datos.xml"
printf '/* palabra script */\nfunction robar() { fetch("/x?c=" + document.cookie); }\nrobar();\n' >"$D/codigo.js"
printf 'From: a@example.org\nTo: b@example.org\nSubject: palabra correo\nContent-Type: text/html\n\n<p>palabra correo</p><script>alert(1)</script>\n' >"$D/correo.eml"
printf 'Texto plano con palabra plano y <script>alert(1)</script> escrito.\n' >"$D/plano.txt"
cp "$TOP/corpus/escaneos/declaracion_nunez.png" "$D/foto.png"
cp "$TOP/corpus/escaneos/comunicado_escaneado.pdf" "$D/acta.pdf"
index "$D" >/dev/null 2>&1 || true

start_web "$A"
sha() { sha256sum "$1" | cut -c1-64; }
# download FILE TYPE: the original of FILE comes whole, as TYPE (a regular
# expression), attached under its own name
download() {
    f=$1 want=$2
    g=$(get "/download/$(sha "$D/$f")")
    if [ "$g" != 200 ]; then
        not_ok "$f: HTTP $g"
        return
    fi
    if header_is Content-Type "$want" && test "$(sha "$T/body")" = "$(sha "$D/$f")" &&
        header_is Content-Disposition "attachment; filename=\"$f\"; filename\\*=UTF-8''$f" &&
        header_is X-Content-Type-Options nosniff; then
        ok "$f: $(tr -d '\r' <"$T/headers" | sed -n 's/^Content-Type: //Ip'), attached as $f"
    else
        not_ok "$f: $(tr -d '\r' <"$T/headers" | grep -iE '^content-(type|disposition):' | tr '\n' ' ')"
    fi
}
for f in pagina.html disfrazada.txt pagina.xhtml dibujo.svg datos.xml correo.eml acta.pdf; do
    download "$f" 'application/octet-stream'
done
download plano.txt 'text/plain; charset=[A-Za-z0-9-]+'
# types are read from the content, never the name: script source is plain
# text to libmagic, and plain text it stays (with nosniff no browser runs
# text/plain as a script nor renders it as a page)
download codigo.js 'text/plain; charset=[A-Za-z0-9-]+'
download foto.png 'image/png'
check "the HEAD of an active original says the same" sh -c "
    curl -s -I '$URL/download/$(sha "$D/pagina.html")' | tr -d '\r' |
        grep -qi '^Content-Type: application/octet-stream\$'"
stop_web && ok "the server stops cleanly" || not_ok "the server's exit status"
finish
