# Helpers for the web scripts (sourced after lib.sh): start testigo-web on a
# free loopback port, wait until it says it listens, talk HTTP to it, stop
# it by its PID.

TESTIGO_TOOLS=${TESTIGO_TOOLS:-$TOP/build/release/tests/tools}
# Debian's python3 starts in a fifth of the time of a version manager's shim
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

# start_web ARCHIVE [OPTION...]: starts the server; sets WEB_PID and URL
# ("http://127.0.0.1:PORT", no trailing slash; LISTENING is the line's URL).  Readiness is the server's own "listening on"
# line, polled for at most 30 s.
start_web() {
    _a=$1
    shift
    : >"$T/web.out"
    "$BIN/testigo-web" --archive "$_a" --listen 127.0.0.1:0 "$@" >"$T/web.out" 2>"$T/web.err" &
    WEB_PID=$!
    # a script that stops early must not leave its server behind
    trap '[ -n "$WEB_PID" ] && kill "$WEB_PID" 2>/dev/null; chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT INT TERM
    URL=
    _i=0
    while [ $_i -lt 600 ]; do
        URL=$(sed -n 's/^testigo-web: listening on //p' "$T/web.out")
        [ -n "$URL" ] && break
        kill -0 "$WEB_PID" 2>/dev/null || break
        sleep 0.05
        _i=$((_i + 1))
    done
    if [ -z "$URL" ]; then
        not_ok "testigo-web did not start"
        sed 's/^/#   /' "$T/web.err" | head -20
        finish
    fi
    LISTENING=$URL
    URL=${URL%/}
}

# stop_web: SIGTERM, then the exit status (0 = clean stop; under ASan a leak
# or any error would make it non-zero).
stop_web() {
    kill -TERM "$WEB_PID"
    set +e
    wait "$WEB_PID"
    _st=$?
    WEB_PID=
    set -e
    return $_st
}

# get PATH [CURL-OPTION...]: fetches URL/PATH into $T/body (headers in
# $T/headers); prints the HTTP status.
get() {
    _p=$1
    shift
    curl -s -g --max-time 60 -D "$T/headers" -o "$T/body" "$@" "$URL$_p" -w '%{http_code}' ||
        echo 000
}

# status_of WANT DESCRIPTION PATH [CURL-OPTION...]
status_of() {
    _w=$1 _d=$2
    shift 2
    _g=$(get "$@")
    if [ "$_g" = "$_w" ]; then ok "$_d"; else not_ok "$_d (HTTP $_g, wanted $_w)"; fi
}

# body_has TEXT / body_lacks TEXT: in the last fetched body (fixed string).
body_has() { grep -qF -- "$1" "$T/body"; }
body_lacks() { ! grep -qF -- "$1" "$T/body"; }
# header_is NAME REGEX: a header of the last response matches.
header_is() { tr -d '\r' <"$T/headers" | grep -qiE "^$1: $2\$"; }

# jq_body EXPR: a Python expression on the last body parsed as JSON (d).
jq_body() {
    $PY -c "import json,sys; d=json.load(open('$T/body')); print($1)" 2>/dev/null ||
        echo "(not JSON, or no such field)"
}

# raw REQUEST: sends bytes (printf format) on a fresh connection; prints the
# status code of the answer, or "closed" if the server closed without one.
raw() {
    printf "$1" | $PY -c '
import socket, sys, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
s = socket.create_connection((u.hostname, u.port), timeout=30)
s.sendall(sys.stdin.buffer.read())
data = b""
try:
    while len(data) < 65536:
        b = s.recv(65536)
        if not b:
            break
        data += b
        if b"\r\n" in data:
            break
except socket.timeout:
    pass
line = data.split(b"\r\n", 1)[0].split()
print(line[1].decode() if len(line) > 1 else "closed")' "$URL"
}
