# The batch form on the web (issue 14): GET /batch serves a form with a
# token bound to it; POST /batch (a pasted list, urlencoded, or an
# uploaded file, multipart) answers with the report of testigo-search
# --batch, the same code: as a page, or as CSV or JSON to download, the
# CSV byte for byte the CLI's on a list of public persons (but for the
# locations, which the web gives in their shown form).  Restricted
# documents give the report nothing.  The POST is bounded: a body over
# 1 MB is refused before it is read (413), a list over 1,000 rows before
# any search (413), a post without the form's token or with a forged one
# is refused (403), POST elsewhere is 405, a chunked body 400.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/weblib.sh"
A=$T/archive
D=$T/docs
mkdir -p "$D/casos" "$D/reservado"
printf 'Acta.\n\nComparece Luis Alberto Rondón Pérez, cédula V-19.876.543, detenido el 5 de agosto de 2024.\n' >"$D/casos/acta.txt"
printf 'Nota.\n\nMarino Alvarado Rivas fue trasladado el 12 de agosto de 2024.\n' >"$D/casos/nota.txt"
printf 'Reservado.\n\nXimena Quintero Salas, cédula V-7.777.777, fue liberada el 1 de marzo de 2025.\n' >"$D/reservado/secreto.txt"
printf 'file,restricted\n*,yes\n' >"$D/reservado/manifest.csv"
index "$D" >/dev/null 2>&1

start_web "$A"
status_of 200 "the batch form" /batch
token=$(sed -n 's/.*name="token" value="\([0-9]*\.[0-9a-f]*\)".*/\1/p' "$T/body" | head -1)
check "...carries a token" test -n "$token"
check "...posts multipart to itself" body_has '<form class="batch" method="post" action="/batch" enctype="multipart/form-data">'

printf 'nombre,cedula\nLuis Alberto Rondón Pérez,\nMarino Alvarado,\n,V-19.876.543\nNadie Nunca Jamás,\n' >"$T/public.csv"
printf 'Ximena Quintero Salas,\n,V-7.777.777\n' >"$T/hidden.csv"
status_of 200 "an uploaded list gives its report" /batch -F "token=$token" -F "file=@$T/public.csv"
check "...the person found, linked to its page" body_has 'href="/person?name=luis%20alberto%20rondon%20perez"'
check "...a shorter form found" body_has '<a class="person" href="/person?name=marino%20alvarado%20rivas">'
check "...a row that found nothing said so" body_has '<tr class="none"><td>5</td>'
check "...and a summary" body_has '<p class="summary">Filas: 4. Con documentos: 3.</p>'
check "...with download forms" body_has '<input type="hidden" name="format" value="csv">'
status_of 200 "a pasted list (urlencoded) too" /batch --data-urlencode "token=$token" \
    --data-urlencode "list@$T/hidden.csv"
check "...a person only a restricted document names is not found" body_lacks 'class="person"'
check "...by name or by cédula" test "$(grep -c '<tr class="none">' "$T/body")" -eq 2
check "...and the restricted document is nowhere" body_lacks 'Reservado'

status_of 200 "the CSV download" /batch -F "token=$token" -F "file=@$T/public.csv" -F format=csv
check "...is an attachment" header_is Content-Disposition 'attachment; filename="testigo-lista.csv"'
# the CLI shows the indexing machine's paths, the web their shown form
search --batch "$T/public.csv" | sed "s|$T/||" >"$T/cli.csv" || true
cmp -s "$T/body" "$T/cli.csv" && ok "...byte for byte testigo-search --batch's (locations as shown)" ||
    { not_ok "...byte for byte testigo-search --batch's"; diff "$T/body" "$T/cli.csv" | head -10 | sed 's/^/#   /'; }
status_of 200 "the JSON download" /batch -F "token=$token" -F "file=@$T/public.csv" -F format=json
check "...reports every row" test "$(jq_body 'len(d["rows"])')" = 4

# the bounds
status_of 403 "no token: refused" /batch -F "file=@$T/public.csv"
status_of 403 "a forged token: refused" /batch -F "token=${token%?????}00000" -F "file=@$T/public.csv"
head -c 1100000 /dev/zero | tr '\0' 'a' >"$T/big.csv"
status_of 413 "a body over 1 MB: refused" /batch -F "token=$token" -F "file=@$T/big.csv"
$PY -c "print('\n'.join('Persona Numero%d Apellido' % i for i in range(1001)))" >"$T/rows.csv"
status_of 413 "a list over 1,000 rows: refused before searching" /batch -F "token=$token" -F "file=@$T/rows.csv"
status_of 400 "an empty list" /batch -F "token=$token" -F "list="
status_of 405 "POST elsewhere" /search -F "token=$token" -F "list=x"
status_of 400 "a chunked body" /batch -H 'Transfer-Encoding: chunked' -F "token=$token" -F "list=x"

check "the server stops cleanly (exit 0, no leak)" stop_web
if grep -q 'ERROR: AddressSanitizer\|runtime error' "$T/web.err"; then
    not_ok "sanitizer report from testigo-web"
    sed 's/^/#   /' "$T/web.err" | head -40
else
    ok "no sanitizer report from testigo-web"
fi
finish
