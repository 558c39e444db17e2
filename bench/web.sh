#!/bin/sh
# bench/web.sh [ARCHIVE]: requests per second and latency (p50, p99) of
# testigo-web's /api/search under wrk, for a mix of queries, beside Xapian's
# omega CGI behind lighttpd on the same documents, in the same run.  Prints
# a Markdown section on stdout; progress goes to stderr.
#
# ARCHIVE: a Testigo archive to serve.  Without it, a synthetic corpus is
# generated (BENCH_DOCS text files, default 3000, of Spanish words with a
# Zipf distribution, plus the readable PDFs of the shared test data) and
# indexed into bench/work/web/archive.  Omega indexes the very same originals:
# links to the archive's store, named with the extension omindex needs.
#
# Needs (scripts/deps.sh bench): wrk, lighttpd, xapian-omega, poppler-utils,
# curl, python3.  Everything listens on 127.0.0.1 only and stops by PID.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/bin
work=$top/bench/work/web
real=${TESTIGO_REAL:-$top/../shared/testdata/real}
docs=${BENCH_DOCS:-3000}
duration=${BENCH_DURATION:-10}
conns=${BENCH_CONNECTIONS:-8}
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
say() { echo "bench/web.sh: $*" >&2; }

for t in wrk lighttpd omindex curl; do
    command -v $t >/dev/null 2>&1 || { say "missing $t (scripts/deps.sh bench)"; exit 2; }
done
[ -x /usr/lib/cgi-bin/omega/omega ] || { say "missing omega (xapian-omega)"; exit 2; }
[ -x "$bin/testigo-web" ] || { say "build first: make"; exit 2; }

mkdir -p "$work"
web_pid=
lighttpd_pid=
cleanup() {
    [ -n "$web_pid" ] && kill "$web_pid" 2>/dev/null && wait "$web_pid" 2>/dev/null
    [ -n "$lighttpd_pid" ] && kill "$lighttpd_pid" 2>/dev/null && wait "$lighttpd_pid" 2>/dev/null
    true
}
trap cleanup EXIT INT TERM

# ---- the corpus and the Testigo archive
given=${1:-}
archive=$given
if [ -z "$archive" ]; then
    archive=$work/archive
    corpus=$work/corpus
    if [ ! -f "$work/corpus.done" ] || [ "$(cat "$work/corpus.done")" != "$docs+grande" ]; then
        say "generating $docs text files in $corpus"
        rm -rf "$corpus" "$archive"
        mkdir -p "$corpus/textos" "$corpus/pdf"
        $PY - "$corpus/textos" "$docs" <<'EOF'
import os, random, sys
out, n = sys.argv[1], int(sys.argv[2])
words = """de la que el en y a los del se las por un para con no una su al lo como más
pero sus le ya o este sí porque esta entre cuando muy sin sobre también me hasta hay donde
quien desde todo nos durante todos uno les ni contra otros ese eso ante ellos e esto mí antes
algunos qué unos yo otro otras otra él tanto esa estos mucho quienes nada muchos cual poco
ella estar estas algunas algo nosotros detenido detenida detenidos detención preso presos
presa cárcel tribunal juez fiscal defensa abogado abogada familia madre padre hermano hermana
hijo hija testimonio declaración denuncia audiencia expediente causa juicio condena sentencia
libertad liberación excarcelación traslado visita salud médico enfermedad huelga hambre
protesta manifestación marcha estudiante estudiantes periodista periodistas sindicalista
dirigente militar militares policía guardia nacional inteligencia sebin dgcim helicoide
tocorón yare rodeo caracas maracaibo valencia barquisimeto mérida cumaná maturín san
cristóbal barinas coro puerto ayacucho julio agosto septiembre octubre noviembre diciembre
enero febrero marzo abril mayo junio lunes martes miércoles jueves viernes sábado domingo
rodríguez pérez gonzález hernández garcía martínez lópez díaz sánchez romero torres ramírez
flores rivas méndez alvarado marino josé maría carlos luis ana rosa pedro juan antonio
manuel elena carmen ramón jesús miguel francisco andrés gabriel javier teresa isabel
incomunicado desaparecido desaparición tortura tratos crueles aislamiento celda régimen
proceso penal código orgánico constitución derechos humanos organización comité foro
observatorio informe reporte comunicado nota prensa medios radio televisión diario""".split()
random.seed(20261128)
weights = [1.0 / (i + 1) ** 0.9 for i in range(len(words))]
for i in range(n):
    k = random.randint(150, 900)
    text = random.choices(words, weights, k=k)
    lines = [" ".join(text[j:j + 12]).capitalize() + "." for j in range(0, k, 12)]
    sub = os.path.join(out, "lote%02d" % (i % 30))
    os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, "doc%05d.txt" % i), "w") as f:
        f.write("\n".join(lines) + "\n")
EOF
        # one 10 MB document: a query that matches it must cost what one
        # that does not costs (its words are none of the query mix's; its
        # one "zambrano" is at its very end, the farthest a snippet goes)
        mkdir -p "$corpus/grande"
        $PY - "$corpus/grande/expediente-grande.txt" <<'EOF'
import random, sys
random.seed(10)
filler = "uno dos tres cuatro cinco seis siete ocho nueve diez once doce".split()
with open(sys.argv[1], "w") as f:
    n = 0
    while n < 10 * 2**20:
        line = " ".join(random.choices(filler, k=12)) + ".\n"
        f.write(line)
        n += len(line)
    f.write("Firmado por el secretario Zambrano.\n")
EOF
        for f in tracemonkey bug1815476 french_diacritics freeculture copy_paste_ligatures; do
            [ -f "$real/pdf/pdfjs__$f.pdf" ] && cp "$real/pdf/pdfjs__$f.pdf" "$corpus/pdf/"
        done
        echo "$docs+grande" >"$work/corpus.done"
    fi
    if [ ! -d "$archive/index" ]; then
        say "indexing $corpus into $archive"
        "$bin/testigo-index" --archive "$archive" "$corpus" >/dev/null || [ $? -eq 1 ]
    fi
fi
[ -d "$archive/index" ] || { say "$archive is not an indexed archive"; exit 2; }

# ---- omega's database over the same originals
src=$work/omega-src
odb=$work/omega/db/default
stamp=$(ls -l --time-style=+%s "$archive/index" | md5sum | cut -c1-16)
if [ ! -f "$work/omega/stamp" ] || [ "$(cat "$work/omega/stamp")" != "$stamp" ]; then
    say "building omega's database with omindex"
    rm -rf "$src" "$work/omega"
    mkdir -p "$src" "$work/omega/db" "$work/omega/log" "$work/omega/cdb"
    "$bin/testigo-search" --archive "$archive" --json --limit 10000 '*' |
        $PY -c '
import json, os, sys
d = json.load(sys.stdin)
archive, src = sys.argv[1], sys.argv[2]
ext = {"application/pdf": ".pdf", "text/plain": ".txt"}
for r in d["results"]:
    s, e = r["sha256"], ext.get(r["type"])
    if not e:
        continue
    os.makedirs(os.path.join(src, s[:2]), exist_ok=True)
    os.symlink(os.path.join(archive, "store", s[:2], s),
               os.path.join(src, s[:2], s + e))
' "$(cd "$archive" && pwd)" "$src"
    omindex --db "$odb" --url / --follow "$src" >/dev/null 2>"$work/omega/omindex.err"
    echo "$stamp" >"$work/omega/stamp"
fi
cat >"$work/omega/omega.conf" <<EOF
database_dir $work/omega/db
template_dir /usr/share/xapian-omega/templates
log_dir $work/omega/log
cdb_dir $work/omega/cdb
EOF

free_port() {
    $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# ---- the servers
"$bin/testigo-web" --archive "$archive" --listen 127.0.0.1:0 --threads "$(nproc)" \
    >"$work/web.out" 2>"$work/web.err" &
web_pid=$!
web_url=
for _ in $(seq 200); do
    web_url=$(sed -n 's/^testigo-web: listening on \(.*\)\/$/\1/p' "$work/web.out")
    [ -n "$web_url" ] && break
    sleep 0.05
done
[ -n "$web_url" ] || { say "testigo-web did not start: $(cat "$work/web.err")"; exit 2; }

lport=$(free_port)
mkdir -p "$work/omega/www"
cat >"$work/omega/lighttpd.conf" <<EOF
server.modules = ("mod_alias", "mod_cgi", "mod_setenv")
server.document-root = "$work/omega/www"
server.bind = "127.0.0.1"
server.port = $lport
server.errorlog = "$work/omega/lighttpd.err"
server.max-connections = 256
alias.url = ("/cgi-bin/" => "/usr/lib/cgi-bin/")
\$HTTP["url"] =~ "^/cgi-bin/" { cgi.assign = ("" => "") }
setenv.add-environment = ("OMEGA_CONFIG_FILE" => "$work/omega/omega.conf")
EOF
lighttpd -D -f "$work/omega/lighttpd.conf" &
lighttpd_pid=$!
omega_url=http://127.0.0.1:$lport/cgi-bin/omega/omega
for _ in $(seq 200); do
    curl -s -o /dev/null "$omega_url?DB=default&P=test" && break
    sleep 0.05
done

# ---- the query mix (same queries for both; omega takes them as P=)
queries='detenido
caracas
rodriguez
"fue detenido"
familia abogado
tribunal OR fiscal
deten*
huelga hambre
maría josé
trace
libertad -condena
expediente'
urlq() { $PY -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
: >"$work/web.paths"
: >"$work/omega.paths"
echo "$queries" | while IFS= read -r q; do
    e=$(urlq "$q")
    echo "/api/search?q=$e" >>"$work/web.paths"
    echo "/cgi-bin/omega/omega?DB=default&P=$e" >>"$work/omega.paths"
done
# both must really answer: hits from each server for the first query
n_web=$(curl -s "$web_url/api/search?q=detenido" |
    $PY -c 'import json,sys; print(json.load(sys.stdin)["total"])' 2>/dev/null) ||
    { say "testigo-web gave no JSON for a search: $(cat "$work/web.err")"; exit 2; }
n_omega=$(curl -s "$omega_url?DB=default&P=detenido" | grep -o '[0-9,]* results\? found\|of about [0-9,]*\|of exactly [0-9,]*' | head -1)
say "sanity: testigo-web finds $n_web for 'detenido'; omega: ${n_omega:-no count found}"

lua() {
    # wrk script: cycle through the paths of file $1
    cat <<EOF
local paths = {}
for line in io.lines("$1") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
EOF
}
lua "$work/web.paths" >"$work/web.lua"
lua "$work/omega.paths" >"$work/omega.lua"

# run NAME BASEURL LUA: warm up, then measure; writes "rps p50 p99" (ms)
run() {
    wrk -t2 -c"$conns" -d2s -s "$3" "$2" >/dev/null 2>&1 || true
    wrk -t2 -c"$conns" -d"${duration}s" --latency -s "$3" "$2" >"$work/$1.wrk" 2>&1
    awk '
        function ms(v) {
            if (v ~ /us$/) return v / 1000
            if (v ~ /ms$/) return v + 0
            if (v ~ /s$/) return v * 1000
            return v
        }
        /Requests\/sec:/ { rps = $2 }
        /^ +50%/ { p50 = ms($2) }
        /^ +99%/ { p99 = ms($2) }
        /Non-2xx/ { bad = $NF }
        END { printf "%.0f %.2f %.2f %s\n", rps, p50, p99, bad + 0 }' "$work/$1.wrk"
}
say "wrk: testigo-web ($duration s)"
set -- $(run web "$web_url" "$work/web.lua")
w_rps=$1 w_p50=$2 w_p99=$3 w_bad=$4
say "wrk: omega behind lighttpd ($duration s)"
set -- $(run omega "http://127.0.0.1:$lport" "$work/omega.lua")
o_rps=$1 o_p50=$2 o_p99=$3 o_bad=$4

# a big document: /api/search for a query that matches only the 10 MB
# document, against one that matches short ones only (generated corpus)
big_rows=
if [ -z "$given" ]; then
    for q in zambrano detenido; do
        echo "/api/search?q=$q" >"$work/big-$q.paths"
        lua "$work/big-$q.paths" >"$work/big-$q.lua"
        say "wrk: testigo-web, q=$q ($duration s)"
        set -- $(run "big-$q" "$web_url" "$work/big-$q.lua")
        big_rows="$big_rows| \`$q\` | $1 | $2 | $3 | $4 |
"
    done
fi

ndocs=$(curl -s "$web_url/api/search?q=*&n=1" |
    $PY -c 'import json,sys; print(json.load(sys.stdin)["total"])' 2>/dev/null || echo "?")
mb=$(du -sm "$archive/store" | cut -f1)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
ratio=$(awk -v a="$w_rps" -v b="$o_rps" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
verdict() { awk -v c="$1" 'BEGIN { print (c ? "met" : "**not met**") }'; }
t1=$(awk -v r="$ratio" 'BEGIN { print (r >= 10) }')
t2=$(awk -v p="$w_p99" 'BEGIN { print (p < 50) }')

cat <<EOF
## Web: testigo-web and omega

- Machine: $(nproc) cores ($cpu), $(free -g | awk '/Mem:/ { print $2 }') GB memory; both servers
  and wrk on the same machine, over 127.0.0.1.
- Corpus: $ndocs documents, $mb MB of originals ($( [ -n "$given" ] && echo "archive $given" || echo "synthetic: $docs generated Spanish text files and the readable PDFs of the shared test data")); omega's database built by omindex over the same originals.
- Load: \`wrk -t2 -c$conns -d${duration}s --latency\` after a 2 s warm-up, cycling through
  $(echo "$queries" | wc -l) queries (words, a phrase, OR, NOT, a wildcard, names with accents).
- testigo-web: \`/api/search\` (JSON, 10 results with snippets, exact total), $(nproc) threads.
  omega: \`omega?DB=default&P=...\` (its default HTML template), CGI under lighttpd $(lighttpd -v 2>/dev/null | head -1 | sed 's/ - .*//').

| server | requests/s | p50 (ms) | p99 (ms) | non-2xx |
|---|---:|---:|---:|---:|
| testigo-web | $w_rps | $w_p50 | $w_p99 | $w_bad |
| omega CGI + lighttpd | $o_rps | $o_p50 | $o_p99 | $o_bad |

testigo-web serves **${ratio}x** omega's requests per second (target: at least 10x: $(verdict "$t1")),
with a p99 of $w_p99 ms (target: under 50 ms: $(verdict "$t2")).
EOF
if [ -n "$big_rows" ]; then
    cat <<EOF

### A 10 MB document in the archive

\`/api/search\` for \`zambrano\`, found only at the very end of a 10 MB text
document (its snippet read from a window found by the record's text marks),
against \`detenido\`, found in short documents only; same load.

| query | requests/s | p50 (ms) | p99 (ms) | non-2xx |
|---|---:|---:|---:|---:|
$(printf '%s' "$big_rows")
EOF
fi
