# The search library under an index that changes and an index that breaks:
# the web server and the CLI keep answering while the indexer commits after
# every document (reads whose revision the commits discard are retried
# inside the library), and an index error's message, Xapian's own, reaches
# the operator (the CLI's stderr, the server's log) but never a visitor
# (a generic 500 page).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/weblib.sh"
A=$T/archive
D=$T/docs
mkdir -p "$D/casos" "$D/lote"
printf 'Testimonio de Ana Rojas sobre la detencion en Caracas; coral.\n' >"$D/casos/testimonio.txt"
printf 'Carta de Luis Mora desde Maracaibo.\n' >"$D/casos/carta.txt"
index "$D/casos" >/dev/null
S_SEED=$(sha256sum "$D/casos/testimonio.txt" | cut -c1-64)
search() { "$BIN/testigo-search" --archive "$A" "$@"; }

start_web "$A"

# ---- an import committing after every document, read all the while
n=300
i=0
while [ $i -lt $n ]; do
    printf 'Lote %d: declaracion numero %d de Ana Rojas sobre coral y %s.\n' $i $i \
        "$(printf '%*s' $((i % 40 * 20)) '' | tr ' ' x)" >"$D/lote/l$i.txt"
    i=$((i + 1))
done
index --jobs 2 --batch 1 "$D/lote" >"$T/import.out" 2>&1 &
ipid=$!
fails=0
reads=0
: >"$T/totals"
while kill -0 $ipid 2>/dev/null && [ $reads -lt 2000 ]; do
    for p in '/api/search?q=coral&facets=1' '/search?q=coral+OR+rojas&sort=newest' / \
        "/api/doc/$S_SEED" "/download/$S_SEED" "/doc/$S_SEED?q=coral"; do
        g=$(get "$p")
        reads=$((reads + 1))
        if [ "$g" != 200 ]; then
            fails=$((fails + 1))
            echo "# HTTP $g for $p" >&2
        fi
        case $p in /api/search*) jq_body 'd["total"]' >>"$T/totals" ;; esac
    done
    # the CLI: a search with facets, and the persons of every match
    set +e
    search --json coral >/dev/null 2>"$T/cli.err"
    s1=$?
    search --persons --json coral >/dev/null 2>>"$T/cli.err"
    s2=$?
    set -e
    reads=$((reads + 2))
    if [ $s1 -ne 0 ] || [ $s2 -ne 0 ]; then
        fails=$((fails + 1))
        sed 's/^/#   /' "$T/cli.err" >&2
    fi
done
set +e
wait $ipid
ist=$?
set -e
check "the import committing after every document finished (exit $ist)" test $ist -eq 0
seen=$(sort -u "$T/totals" | grep -c '^[0-9]')
check "the server saw the index grow under it ($seen different totals)" test "$seen" -ge 3
check "every read during the import answered ($reads reads, $fails failures)" test $fails -eq 0
check "...and the server logged no index error" sh -c "! grep 'index error' '$T/web.err'"
get '/api/search?q=coral&n=1' >/dev/null
check "...and then sees the whole import" test "$(jq_body 'd["total"]')" = $((n + 1))
check "the server stops cleanly (exit 0, no leak)" stop_web
if grep -q 'ERROR: AddressSanitizer\|runtime error' "$T/web.err"; then
    not_ok "sanitizer report from testigo-web"
    sed 's/^/#   /' "$T/web.err" | head -40
else
    ok "no sanitizer report from testigo-web"
fi

# ---- a damaged index: the operator reads Xapian's message, a visitor does not
# Some block of the records' table whose damage leaves the index opening
# but the first hundred records unreadable (which block that is depends on
# how Xapian laid the table out).
B=$T/broken
found=
blocks=$(($(wc -c <"$A/index/docdata.glass") / 8192))
k=0
while [ $k -lt $blocks ] && [ -z "$found" ]; do
    rm -rf "$B"
    cp -r "$A" "$B"
    $PY -c "
f = open('$B/index/docdata.glass', 'r+b')
f.seek($k * 8192)
f.write(b'\xab' * 8192)"
    set +e
    "$BIN/testigo-search" --archive "$B" -n 100 '*' >/dev/null 2>"$T/broken.err"
    st=$?
    set -e
    if [ $st -eq 2 ] && grep -q 'DatabaseCorruptError' "$T/broken.err" &&
        ! grep -q 'cannot open' "$T/broken.err"; then
        found=$k
    fi
    k=$((k + 1))
done
if [ -z "$found" ]; then
    not_ok "no damaged block of docdata.glass leaves the index opening but unreadable"
    finish
fi
ok "block $found of the records' table damaged: the index opens, its records do not read"
check "the CLI says so in Xapian's words, exit 2" \
    grep -q '^testigo-search: index error: DatabaseCorruptError: ' "$T/broken.err"
A=$B
start_web "$B"
status_of 500 "a search on it is a 500" '/api/search?q=&n=100'
check "...whose answer is the generic one" body_lacks 'Corrupt'
check "...and names no index file" body_lacks 'glass'
status_of 500 "the HTML search page too" '/search?q=&n=100'
check "...with the generic words" body_lacks 'Corrupt'
check "the server's log has Xapian's message" \
    grep -q '^testigo-web: /api/search: index error: DatabaseCorruptError: ' "$T/web.err"
check "the broken index does not stop the server" stop_web
finish
