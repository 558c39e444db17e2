# testigo-web against hostile HTTP: request smuggling, malformed heads,
# garbage, forged Host headers, slow heads (slowloris), many connections
# from one address, and floods of costly searches.  The checks are plain
# sockets (httpraw.py); the slow ones are scaled down with the server's
# own options (a small connection table, a short head deadline).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/weblib.sh"
A=$T/archive
D=$T/docs
mkdir -p "$D"
printf 'Declaracion breve del testigo sobre la audiencia.\n' >"$D/breve.txt"
# a dozen long documents of made-up words: a query of 26 wildcards over
# them costs a good fraction of a second, a costly search
$PY - "$D" <<'EOF'
import random, sys
random.seed(7)
letters = "abcdefghijklmnopqrstuvwxyz"
vocab = ["".join(random.choice(letters) for _ in range(random.randint(4, 9))) for _ in range(5200)]
for i in range(12):
    with open("%s/largo%02d.txt" % (sys.argv[1], i), "w") as f:
        f.write(" ".join(random.choice(vocab) for _ in range(6000)) + "\n")
EOF
index "$D" >/dev/null
S_BREVE=$(sha256sum "$D/breve.txt" | cut -c1-64)
raw_checks() { $PY "$TOP/tests/integration/httpraw.py" "$URL" "$@" || FAILED=1; }
# stopped: SIGTERM, exit 0 (no leak under ASan), no sanitizer report
stopped() {
    check "$1" stop_web
    if grep -q 'ERROR: AddressSanitizer\|runtime error' "$T/web.err"; then
        not_ok "sanitizer report from testigo-web"
        sed 's/^/#   /' "$T/web.err" | head -40
    fi
}

# ---- the head as sent: smuggling, malformed heads, garbage, Host
start_web "$A"
raw_checks smuggling
raw_checks errors
raw_checks garbage
raw_checks host
status_of 200 "the server still answers after all that" /
stopped "the server stops cleanly"

# ---- slow heads and many connections, on a small table
start_web "$A" --max-connections 6 --max-per-address 4 --header-timeout 3
raw_checks per-address 4
raw_checks room 6
raw_checks deadline 3
status_of 200 "the server still answers after all that" /
stopped "the server stops cleanly"

# ---- costly searches: one at a time, one waiting, the rest told to retry
start_web "$A" --threads 2 --search-slots 1 --search-queue 1 --search-wait 10
raw_checks costly "$S_BREVE"
status_of 200 "a costly search alone is answered" '/search?q=a%2A'
check "...with its results" body_has 'class="hit"'
stopped "the server stops cleanly, with searches suspended or not"

status_is 2 "--search-slots 0 is refused" "$BIN/testigo-web" --archive "$A" --search-slots 0
status_is 2 "--header-timeout 0 is refused" "$BIN/testigo-web" --archive "$A" --header-timeout 0
status_is 2 "--max-per-address x is refused" "$BIN/testigo-web" --archive "$A" --max-per-address x
finish
