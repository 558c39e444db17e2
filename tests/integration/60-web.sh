# testigo-web over HTTP: a real server on a free loopback port, on fixtures
# made here (accented text, HTML in a text file, a file name that is markup,
# two PDFs written here with their own dates), then every safety case of
# the web issue.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/weblib.sh"
A=$T/archive
D=$T/docs
X='<script>alert(1)<'
mkdir -p "$D/casos" "$D/$X" "$D/prensa"
printf 'Testimonio de María Rodríguez: el niño fue detenido en Caracas.\n' >"$D/casos/testimonio.txt"
printf 'Carta de Jos\351 P\351rez sobre la detenci\363n en Maracaibo.\n' >"$D/casos/carta.txt"
# HTML in a text file (after enough prose that libmagic calls it text/plain)
{
    $PY -c 'print("Declaracion larga del testigo sobre los hechos ocurridos. " * 200)'
    printf 'Luego dice <script>alert("doc")</script> y <b>negrita</b> & <img src=x onerror=alert(1)>.\n'
} >"$D/casos/nota.txt"
printf 'Archivo con nombre peligroso: marcador zafiro.\n' >"$D/$X/script>.txt"
printf 'Secreto: testigo protegido Rodríguez, declaracion reservada esmeralda.\n' >"$D/casos/secreto.txt"
# a paged PDF dated April 2009 whose word "Trace" is on page 2, and a
# one-page form dated 2020
$PY "$TOP/tests/integration/mkpdf.py" doc "$D/prensa/trazas.pdf" 2009-04-01 "Trazas de un motor" \
    "Informe de rendimiento
primera pagina sin la palabra" "Trace trees en la segunda pagina
y otra trace mas abajo" "tercera pagina"
$PY "$TOP/tests/integration/mkpdf.py" doc "$D/prensa/formulario.pdf" 2020-10-14 "Formulario" \
    "Formulario de solicitud de visita"
index "$D" >/dev/null
sha() { sha256sum "$1" | cut -c1-64; }
S_PDF=$(sha "$D/prensa/trazas.pdf")
S_FORM=$(sha "$D/prensa/formulario.pdf")
S_NOTA=$(sha "$D/casos/nota.txt")
S_X=$(sha "$D/$X/script>.txt")
S_SECRET=$(sha "$D/casos/secreto.txt")

start_web "$A"
case $LISTENING in http://127.0.0.1:[0-9]*/) ok "listens on 127.0.0.1, port chosen by the system ($LISTENING)" ;;
*) not_ok "listening URL: $LISTENING" ;; esac

# ---- pages
status_of 200 "home page" /
check "home names the number of documents" body_has "7 documentos"
status_of 200 "search page" '/search?q=rodriguez'
check "hits highlighted in their accented form" body_has '<mark>Rodríguez</mark>'
check "Spanish by default" body_has 'lang="es"'
check "result count and query time" grep -qE '[0-9]+ documentos <span class="time">en [0-9],[0-9]{3} s' "$T/body"
get '/search?q=rodriguez' -H 'Accept-Language: en-US,en;q=0.9' >/dev/null
check "English for an English browser" body_has '>Search</button>'
get '/search?q=rodriguez&hl=en' -H 'Accept-Language: es' >/dev/null
check "hl=en switches to English" body_has 'lang="en"'
check "...and links keep it" body_has 'hl=en'
get '/search?q=rodriguez' >/dev/null
check "a link to switch language" body_has 'hreflang="en"'
check "no script on any page" body_lacks '<script'

# ---- JSON API: the CLI's fields plus url and download
get '/api/search?q=rodriguez' >/dev/null
search --json rodriguez >"$T/cli.json"
check "/api/search has the fields of testigo-search --json, plus url and download" $PY -c "
import json
a = json.load(open('$T/body'))['results']
c = json.load(open('$T/cli.json'))['results']
assert len(a) == len(c) > 0, (len(a), len(c))
for x, y in zip(a, c):
    assert set(x) == set(y) | {'url', 'download'}, set(x) ^ set(y)
    for k in y:
        assert k in ('score', 'locations') or x[k] == y[k], k
    # the CLI shows the indexing machine's paths, the web never does
    assert x['locations'] == [p[len('$T/'):] for p in y['locations']], (x['locations'], y['locations'])
    assert x['url'] == '/doc/' + x['sha256'] and x['download'] == '/download/' + x['sha256']
"
check "the API is JSON" header_is Content-Type 'application/json'
check "total and query time in the API" test "$(jq_body 'd["total"] > 0 and d["seconds"] >= 0')" = True

# ---- facets, filters, dates, sorting, pages
get '/api/search?q=*' >/dev/null
check "the API counts facets only when asked" test "$(jq_body '"facets" in d')" = False
get '/api/search?q=*&facets=1' >/dev/null
check "facet counts: two PDFs" test "$(jq_body 'd["facets"]["kind"]["pdf"]')" = 2
check "facet counts: years" test "$(jq_body 'sorted(d["facets"]["year"])')" = "['2009', '2020']"
get '/search?q=*' >/dev/null
check "facet links narrow the search" body_has 'href="/search?q=%2A&amp;kind=pdf"'
check "kinds are named in the page's language" body_has 'kind=text"><span class="v">texto<'
check "timeline over many years: a bar per year, each a link to it" body_has 'href="/search?q=%2A&amp;year=2009"'
get '/search?q=*&from=2009&to=2009' >/dev/null
check "timeline: a bar per month, each a link to it" body_has 'href="/search?q=%2A&amp;month=2009-04&amp;from=2009&amp;to=2009"'
check "timeline bars carry their count" body_has '<title>2009-04: 1</title>'
get '/api/search?q=*&kind=pdf' >/dev/null
check "kind=pdf keeps the PDFs only" test "$(jq_body 'sorted(r["kind"] for r in d["results"])')" = "['pdf', 'pdf']"
get '/api/search?q=*&kind=pdf&kind=text&lang=es' >/dev/null
check "two values of a facet: either; two facets: both" \
    test "$(jq_body 'all(r["lang"]=="es" for r in d["results"]) and d["total"] >= 1')" = True
get '/api/search?q=*&folder=docs/prensa' >/dev/null
check "folder filter" test "$(jq_body 'd["total"]')" = 2
get '/api/search?q=*&from=2020-01&to=2020-12' >/dev/null
check "date range: 2020 only" test "$(jq_body '[r["sha256"] for r in d["results"]]')" = "['$S_FORM']"
get '/api/search?q=*&month=2009-04' >/dev/null
check "month (a timeline bar)" test "$(jq_body '[r["sha256"] for r in d["results"]]')" = "['$S_PDF']"
get '/api/search?q=*&from=2015' >/dev/null
check "open-ended range" test "$(jq_body 'd["total"]')" = 1
status_of 400 "an impossible date is refused" '/api/search?q=*&from=2020-02-30'
status_of 400 "a range ending before it starts is refused" '/api/search?q=*&from=2021&to=2020'
status_of 400 "an unknown sort order is refused" '/api/search?q=*&sort=sideways'
get '/api/search?q=*&sort=newest' >/dev/null
check "sort by date, newest first" test "$(jq_body 'd["results"][0]["sha256"]')" = "$S_FORM"
get '/api/search?q=*&sort=date' >/dev/null
check "sort by date, oldest first" test "$(jq_body 'd["results"][0]["sha256"]')" = "$S_PDF"
get '/api/search?q=*&n=2&p=1' >/dev/null
p1=$(jq_body '[r["sha256"] for r in d["results"]]')
get '/api/search?q=*&n=2&p=2' >/dev/null
p2=$(jq_body '[r["sha256"] for r in d["results"]]')
check "pages hold different results" test "$p1" != "$p2"
check "page 2 starts at offset 2" test "$(jq_body 'd["offset"], d["limit"]')" = "2 2"
get '/search?q=*&n=2' >/dev/null
check "pagination links" body_has 'href="/search?q=%2A&amp;n=2&amp;p=2"'
status_of 200 "an unclosed parenthesis is forgiven" '/search?q=%28detenido'
check "...and said above the results, in Spanish" body_has '<p class="notice" role="status">Faltaba un «)»'
status_of 200 "a word before a colon that is no field is a word" '/search?q=Nota%3A+detenido'
check "...said so: se buscó «Nota» como palabra" body_has 'Se buscó «Nota» como palabra'
status_of 200 "an unclosed quote is a phrase to the end" '/search?q=%22fue+detenido'
check "...which finds the phrase" body_has '<mark>fue</mark> <mark>detenido</mark>'
status_of 200 "Spanish field names: fecha:" '/search?q=fecha%3A2009'
check "...finds the document dated then" body_has "/doc/$S_PDF"
status_of 400 "an impossible date is still an error (400)" '/search?q=fecha%3A2024-02-30'
check "...said in Spanish" body_has 'Fecha no válida: «2024-02-30»'
get '/api/search?q=date%3A2024-02-30&hl=en' >/dev/null
check "...in English with hl=en, with its code in the API" \
    test "$(jq_body 'd["code"], d["text"], d["error"].startswith("Invalid date")')" = "bad_date 2024-02-30 True"
get '/api/search?q=Nota%3A+detenido' >/dev/null
check "the API lists the notices" test "$(jq_body '[(n["code"], n["text"]) for n in d["notices"]]')" = "[('unknown_field', 'Nota')]"

# ---- document page and download
status_of 200 "document page" "/doc/$S_PDF?q=trace"
check "page markers" body_has '<h3 class="pagemark">Página 2</h3>'
check "the query's hits highlighted in the text" body_has '<mark>Trace</mark>'
check "hits listed by page" body_has 'href="#p2"'
check "SHA-256 shown" body_has "$S_PDF"
check "location shown, from the folder given to the indexer" body_has "<code>docs/prensa/trazas.pdf</code>"
check "...never as the indexing machine's path" body_lacks "$T"
check "metadata shown (page count)" grep -q '<dt>Páginas</dt><dd>3</dd>' "$T/body"
status_of 200 "document JSON" "/api/doc/$S_PDF"
check "document JSON: record, text with page breaks, links" test "$(jq_body \
    'd["record"]["sha256"] == d["sha256"] == "'"$S_PDF"'" and "\f" in d["text"] and d["download"] == "/download/'"$S_PDF"'"')" = True
status_of 200 "download" "/download/$S_PDF"
check "download is the original, byte for byte" test "$(sha "$T/body")" = "$S_PDF"
check "download: a PDF (which a browser renders) as application/octet-stream" \
    header_is Content-Type 'application/octet-stream'
check "download: attachment with a safe file name" \
    header_is Content-Disposition "attachment; filename=\"trazas.pdf\"; filename\\*=UTF-8''trazas.pdf"
check "download: SHA-256 in a header" header_is X-Testigo-SHA256 "$S_PDF"
check "download: nosniff and a sandboxing CSP" sh -c "grep -qi '^X-Content-Type-Options: nosniff' '$T/headers' && grep -qi '^Content-Security-Policy:.*sandbox' '$T/headers'"
status_of 200 "HEAD of a download" "/download/$S_PDF" -I
check "HEAD gives the length, no body" header_is Content-Length "$(wc -c <"$D/prensa/trazas.pdf" | tr -d ' ')"

# ---- escaping (XSS)
get "/doc/$S_NOTA?q=negrita" >/dev/null
check "HTML inside a document shows as text" body_has '&lt;script&gt;alert(&quot;doc&quot;)&lt;/script&gt;'
check "...and is never markup" sh -c "! grep -qE '<(script|img|b>)' '$T/body'"
check "...even around a highlight" body_has '&lt;b&gt;<mark>negrita</mark>&lt;/b&gt; &amp; &lt;img src=x onerror=alert(1)&gt;'
get '/search?q=zafiro' >/dev/null
check "a file name that is markup shows as text" body_has '&lt;script&gt;alert(1)&lt;/script&gt;.txt'
check "...and is never markup" body_lacks '<script'
get '/search?q=*' >/dev/null
check "a folder name that is markup, in the facets, shows as text" body_has 'docs/&lt;script&gt;alert(1)&lt;'
check "no markup from the archive on a listing" body_lacks '<script'
get '/search?q=%3Cscript%3Ealert(1)%3C/script%3E%22%27%3E' >/dev/null
check "a query that is markup is escaped in the page" body_lacks '<script'
check "...also inside the attribute" body_has 'value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;"'
get "/download/$S_X" >/dev/null
check "download name of a markup file name is made safe" \
    header_is Content-Disposition "attachment; filename=\"script>.txt\"; filename\\*=UTF-8''script%3E.txt"

# ---- headers on every page
get '/search?q=rodriguez' >/dev/null
check "strict CSP: nothing by default, no script, no inline style" \
    header_is Content-Security-Policy "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
check "X-Content-Type-Options: nosniff" header_is X-Content-Type-Options nosniff
check "Referrer-Policy: no-referrer" header_is Referrer-Policy no-referrer
check "archive pages are not cached" header_is Cache-Control no-store
status_of 200 "stylesheet" /static/style.css
check "stylesheet type" header_is Content-Type 'text/css; charset=utf-8'
status_of 200 "OpenSearch description" /opensearch.xml
check "OpenSearch names this server" body_has "template=\"${URL}/search?q={searchTerms}\""

# ---- no URL names a file
for p in '/download/../../../../etc/passwd' '/doc/%2e%2e/%2e%2e/%2e%2e/etc/passwd' \
    '/download/%2e%2e%2f%2e%2e%2fetc%2fpasswd' '/static/..%2f..%2fweb%2fmain.c' \
    '/static/../../etc/passwd' '/etc/passwd' '//etc/passwd' "/download/$S_PDF/../$S_FORM" \
    "/download/$(echo "$S_PDF" | tr a-f A-F)" '/download/' '/doc/' "/doc/${S_PDF}x" \
    "/download/$(echo "$S_PDF" | cut -c1-63)" '/download/%2Fetc%2Fpasswd' "/api/doc/$S_PDF%2f"; do
    g=$(get "$p" --path-as-is)
    case $g in 404 | 400) ok "$p -> $g" ;; *) not_ok "$p -> $g" ;; esac
    body_lacks 'root:' || not_ok "$p leaked a file"
done
for p in "/doc/$S_PDF%00" "/download/$S_PDF%00.txt" '/download/%00' "/search?q=a%00b" "/api/doc/$S_PDF%00"; do
    status_of 400 "NUL byte refused: $p" "$p"
done
status_of 400 "invalid UTF-8 in an argument refused" '/search?q=%ff%fe'

# ---- bounded work
long=$($PY -c 'print("palabra " * 200)')
status_of 400 "query over 1024 bytes refused" "/api/search?q=$(echo $long | tr ' ' '+')"
check "...saying why" body_has 'demasiado larga'
huge=$($PY -c 'print("a" * 100000)')
g=$(get "/search?q=$huge")
case $g in 4??) ok "a 100 KB URL gets a 4xx ($g)" ;; *) not_ok "100 KB URL: HTTP $g" ;; esac
status_of 400 "page size over 100 refused" '/api/search?q=*&n=100000'
status_of 400 "page size 0 refused" '/api/search?q=*&n=0'
status_of 400 "page size not a number refused" '/api/search?q=*&n=1e9'
status_of 400 "pages beyond 10000 results refused" '/api/search?q=*&p=100000'
status_of 400 "negative page refused" '/api/search?q=*&p=-1'
many=$($PY -c 'print("&".join("x%d=1" % i for i in range(100)))')
status_of 400 "too many arguments refused" "/api/search?q=a&$many"
bomb=$($PY -c 'print("+OR+".join(c + "*" for c in "abcdefghijklmnopqrstuvwxyz"))')
g=$(get "/api/search?q=$bomb")
case $g in 200 | 400 | 503) ok "wildcard bomb answered within bounds ($g)" ;;
*) not_ok "wildcard bomb: HTTP $g" ;; esac
g=$(get "/api/search?q=$($PY -c 'print("(" * 40 + "a" + ")" * 40)')")
check "deep nesting refused ($g)" test "$g" = 400

# ---- malformed HTTP
g=$(raw 'GARBAGE\r\n\r\n')
case $g in 400 | closed) ok "garbage request line: 400 or closed ($g)" ;; *) not_ok "garbage: $g" ;; esac
check "unknown method gets 405" test "$(raw 'BREW / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')" = 405
check "unknown HTTP version gets 505" test "$(raw 'GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n')" = 505
check "a header line without a colon gets 400" test "$(raw 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad header\r\n\r\n')" = 400
check "bad chunked body gets 400" test "$(raw 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')" = 400
check "HTTP/1.1 without Host gets 400" test "$(raw 'GET / HTTP/1.1\r\n\r\n')" = 400
check "bad Content-Length gets 400" test "$(raw 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n')" = 400
check "POST gets 405" test "$(raw 'POST /search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\nq=a')" = 405
check "DELETE gets 405" test "$(raw 'DELETE / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')" = 405
big=$($PY -c 'print("x" * 70000)')
g=$(raw "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: $big\r\n\r\n")
case $g in 4??) ok "oversized headers get a 4xx ($g)" ;; *) not_ok "oversized headers: $g" ;; esac
check "a foreign Host (DNS rebinding) gets 403" test "$(raw 'GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n')" = 403
check "Host localhost is fine" test "$(raw 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')" = 200
check "a bare %% in the path is not a crash" test "$(raw 'GET /doc/%%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')" = 404
status_of 200 "the server is still up after all that" /

# ---- restricted documents, and documents committed while it runs
get '/api/search?q=esmeralda' >/dev/null
check "before: the document to restrict is listed" test "$(jq_body 'd["total"]')" = 1
status_of 200 "before: its page is served" "/doc/$S_SECRET"
"$TESTIGO_TOOLS/tg-restrict" "$A" "$S_SECRET"
get '/api/search?q=esmeralda' >/dev/null
check "restricted (committed while running): not listed" test "$(jq_body 'd["total"]')" = 0
get '/api/search?q=rodriguez' >/dev/null
check "restricted: absent from a search that matches it" \
    test "$(jq_body '"'"$S_SECRET"'" in [r["sha256"] for r in d["results"]]')" = False
get '/api/search?q=*&facets=1' >/dev/null
check "restricted: not counted in facets" test "$(jq_body 'sum(d["facets"]["kind"].values())')" = 6
status_of 404 "restricted: document page is 404" "/doc/$S_SECRET"
status_of 404 "restricted: download is 404" "/download/$S_SECRET"
status_of 404 "restricted: JSON is 404" "/api/doc/$S_SECRET"
status_of 404 "restricted: HEAD of download is 404" "/download/$S_SECRET" -I
get / >/dev/null
check "restricted: not counted on the home page" body_has "6 documentos"
printf 'Documento nuevo: turquesa y ámbar.\n' >"$D/casos/nuevo.txt"
index "$D" >/dev/null
get '/api/search?q=turquesa' >/dev/null
check "a document committed after the server started is found" test "$(jq_body 'd["total"]')" = 1

# searching while an import runs
mkdir "$D/lote"
i=0
while [ $i -lt 300 ]; do
    printf 'Lote %d: declaracion numero %d sobre coral.\n' $i $i >"$D/lote/l$i.txt"
    i=$((i + 1))
done
index --jobs 2 "$D" >/dev/null &
ipid=$!
fails=0
n=0
while kill -0 $ipid 2>/dev/null && [ $n -lt 400 ]; do
    g=$(get '/api/search?q=coral')
    [ "$g" = 200 ] || fails=$((fails + 1))
    n=$((n + 1))
done
wait $ipid || true
check "searching during an import always answers ($n searches, $fails failures)" test $fails -eq 0
get '/api/search?q=coral&n=1' >/dev/null
check "...and then sees the whole import" test "$(jq_body 'd["total"]')" = 300

check "the server stops cleanly on SIGTERM (exit 0, no leak)" stop_web
if grep -q 'ERROR: AddressSanitizer\|runtime error' "$T/web.err"; then
    not_ok "sanitizer report from testigo-web"
    sed 's/^/#   /' "$T/web.err" | head -40
else
    ok "no sanitizer report from testigo-web"
fi

# ---- the time budget stops the match itself
start_web "$A" --time-limit 0.000001
status_of 503 "a search past its time budget gets 503" '/api/search?q=*'
check "...saying why" body_has 'tardó demasiado'
status_of 200 "the server still answers after it" /static/style.css
check "and stops cleanly" stop_web

# ---- the command line
status_is 2 "a folder that is not an archive is refused" "$BIN/testigo-web" --archive "$T/docs"
grep -q 'testigo-web: ' "$T/.err" && ok "...with a message" || not_ok "no message"
status_is 2 "a bad --listen is refused" "$BIN/testigo-web" --archive "$A" --listen 'example.org:80'
status_is 0 "--help" "$BIN/testigo-web" --help
finish
