#!/usr/bin/env python3
"""Raw-socket checks of testigo-web's HTTP hardening, for
65-http-hardening.sh: each CHECK talks to the server with plain sockets,
byte by byte where it matters, and prints "ok - ..." or "not ok - ..."
lines (and "# ..." notes with what it measured).

Usage: httpraw.py URL CHECK [ARG...]
  smuggling               two Content-Length, Content-Length with chunked, in a
                          connection's first request and in a later one
  errors                  malformed heads: status, Content-Type, safety headers
  garbage                 a binary request line is answered and closed at once
  host                    the Host header's authority
  deadline SECONDS        a trickled head is cut at SECONDS, however it trickles,
                          first or after a request on a kept-alive connection;
                          an idle kept-alive connection is closed then too
  per-address N           N connections from one address, not N + 1
  room N                  N trickling connections (from N addresses) do not lock
                          a new client out
  costly SHA              costly searches queue boundedly (503, Retry-After);
                          cheap requests meanwhile are not held up

Connections from "other addresses" come from 127.0.0.2, 127.0.0.3 and
127.0.1.x (the whole of 127/8 is this machine on Linux)."""
import socket
import statistics
import sys
import threading
import time
import urllib.parse

URL = urllib.parse.urlparse(sys.argv[1])
HOST, PORT = URL.hostname, URL.port
FAILED = 0


def ok(cond, what):
    global FAILED
    print(("ok - " if cond else "not ok - ") + what, flush=True)
    if not cond:
        FAILED = 1
    return cond


def note(what):
    print("# " + what, flush=True)


def connect(source="127.0.0.1", timeout=10):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((source, 0))
    s.connect((HOST, PORT))
    return s


def read_all(s, limit=4 << 20):
    """Everything until the server closes; (bytes, closed) -- closed is
    False if the socket timed out first."""
    data = b""
    try:
        while len(data) < limit:
            b = s.recv(65536)
            if not b:
                return data, True
            data += b
    except socket.timeout:
        return data, False
    except ConnectionResetError:
        return data, True
    return data, False


def read_answer(s):
    """One answer: its head, then Content-Length bytes (or to the close),
    so a server that keeps the connection open is not waited on."""
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            b = s.recv(65536)
            if not b:
                return data
            data += b
        head = data.split(b"\r\n\r\n", 1)[0].lower()
        for line in head.split(b"\r\n"):
            if line.startswith(b"content-length:"):
                want = len(head) + 4 + int(line.split(b":", 1)[1])
                while len(data) < want:
                    b = s.recv(65536)
                    if not b:
                        break
                    data += b
                return data
        return data + read_all(s)[0]
    except (socket.timeout, ConnectionResetError):
        return data


def exchange(raw, source="127.0.0.1", timeout=10, linger=1.0):
    """Sends raw; reads the first answer, then whatever follows within
    linger seconds.  (data, closed): closed if the server closed by then."""
    s = connect(source, timeout)
    try:
        s.sendall(raw)
    except (BrokenPipeError, ConnectionResetError):
        pass
    data = read_answer(s)
    s.settimeout(linger)
    more, closed = read_all(s)
    s.close()
    return data + more, closed


def parse(data):
    """(status, headers dict lowercased, body) of the first answer in data."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2) if lines and lines[0] else []
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        headers[k.strip().lower().decode("latin-1")] = v.strip().decode("latin-1")
    return status, headers, body


def statuses(data):
    """The statuses of the answers in data, one after the other (each
    framed by its Content-Length)."""
    out = []
    while data.startswith(b"HTTP/1."):
        status, h, body = parse(data)
        out.append(status)
        head_len = len(data) - len(body)
        n = int(h.get("content-length", len(body)))
        data = data[head_len + n:]
    return out


def answers(data):
    return len(statuses(data))


def safe_headers(h):
    return (h.get("content-type", "").startswith("text/html")
            and "default-src 'none'" in h.get("content-security-policy", "")
            and h.get("x-content-type-options") == "nosniff"
            and h.get("referrer-policy") == "no-referrer")


GET = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
SMUGGLED = b"GET /robots.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def check_smuggling():
    cases = [
        ("two Content-Length (0, then 44)",
         GET + b"Content-Length: 0\r\nContent-Length: %d\r\n\r\n" % len(SMUGGLED) + SMUGGLED),
        ("two Content-Length (44, then 0)",
         GET + b"Content-Length: %d\r\nContent-Length: 0\r\n\r\n" % len(SMUGGLED) + SMUGGLED),
        ("Content-Length: 44, 44",
         GET + b"Content-Length: %d, %d\r\n\r\n" % (len(SMUGGLED), len(SMUGGLED)) + SMUGGLED),
        ("Content-Length with Transfer-Encoding: chunked",
         GET + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED),
        ("Transfer-Encoding: chunked, then Content-Length",
         GET + b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n" + SMUGGLED),
    ]
    for what, raw in cases:
        data, closed = exchange(raw)
        status, h, _ = parse(data)
        ok(status == 400 and closed and answers(data) == 1 and b"User-agent" not in data,
           "%s: 400, closed, the rest never answered (%s, %s)"
           % (what, statuses(data), "closed" if closed else "left open"))
        ok(safe_headers(h), "%s: the 400 carries Content-Type and the safety headers" % what)
        # the same as the second request of a kept-alive connection, which
        # the HTTP library reads itself
        s = connect()
        s.sendall(GET + b"\r\n")
        first = read_answer(s)
        s.sendall(raw)
        data = read_answer(s)
        s.settimeout(1)
        more, closed = read_all(s)
        data += more
        s.close()
        status, h, _ = parse(data)
        ok(parse(first)[0] == 200 and status == 400 and closed and answers(data) == 1
           and b"User-agent" not in data,
           "%s after a first request: 400, closed, the rest never answered (%s, then %s)"
           % (what, parse(first)[0], statuses(data)))


def check_errors():
    cases = [
        ("a 20 KB request line", b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
         414),
        ("40 KB of headers", GET + b"X-Big: " + b"x" * 40000 + b"\r\n\r\n", 431),
        ("a header line without a colon", GET + b"Bad header\r\n\r\n", 400),
        ("a space before a header's colon", GET + b"X-A : b\r\n\r\n", 400),
        ("a folded header line", GET + b"X-A: b\r\n c\r\n\r\n", 400),
        ("HTTP/9.9", b"GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n", 505),
        ("HTTP/1.1 without Host", b"GET / HTTP/1.1\r\n\r\n", 400),
        ("two Host headers", GET + b"Host: evil.example\r\n\r\n", 400),
        ("a GET with a body", GET + b"Content-Length: 3\r\n\r\nabc", 400),
        ("a bare CR", b"GET / HTTP/1.1\rHost: 127.0.0.1\r\n\r\n", 400),
    ]
    for what, raw, want in cases:
        data, closed = exchange(raw)
        status, h, body = parse(data)
        ok(status == want and closed, "%s: %d and closed (got %s)" % (what, want, status))
        ok(safe_headers(h) and b"<html" in body and h.get("connection") == "close",
           "%s: an HTML page with Content-Type, CSP, nosniff, no-referrer (%s)"
           % (what, h.get("content-type")))
    # good requests: two at once on a kept-alive connection, both answered
    data, closed = exchange(GET + b"\r\n" + SMUGGLED)
    ok(statuses(data) == [200, 200] and b"User-agent" in data and not closed,
       "two good requests on one connection: both answered, the connection kept (%s)"
       % statuses(data))


def check_garbage():
    hello = bytes.fromhex("16030100f4010000f00303") + bytes(range(256))[:200]
    for what, raw in (("a TLS ClientHello", hello), ("NUL bytes", b"\0" * 64),
                      ("a binary request line", b"G\x01\x02\x03 / HTTP/1.1"),
                      ("a request line with a control character", b"GET /a\x07b HTTP/1.1")):
        s = connect(timeout=5)
        t0 = time.monotonic()
        s.sendall(raw)
        data, closed = read_all(s)
        took = time.monotonic() - t0
        s.close()
        status, h, _ = parse(data)
        ok(closed and took < 2, "%s without a line end: closed at once (%.2f s, %s)"
           % (what, took, "closed" if closed else "still open after 5 s"))
        ok(status == 400 and safe_headers(h), "%s: 400 with the safety headers (got %s)"
           % (what, status))


def check_host():
    cases = [
        ("localhost:80@evil.com", 400), ("evil.com@localhost", 400), ("localhost:80/x", 400),
        ("127.0.0.1:8o", 400), ("127.0.0.1 :80", 400), ("[::1", 400), ("localhost:123456", 400),
        ("evil.example", 403), ("127.0.0.1.evil.example", 403), ("localhost.evil.example:80", 403),
        ("localhost", 200), ("LOCALHOST:80", 200), ("127.0.0.1:%d" % PORT, 200),
        ("127.1.2.3", 200), ("[::1]:8080", 200), ("localhost:", 200),
    ]
    for host, want in cases:
        data, _ = exchange(b"GET /robots.txt HTTP/1.1\r\nHost: " + host.encode() + b"\r\n\r\n")
        status, h, _ = parse(data)
        ok(status == want, "Host: %s -> %d (got %s)" % (host, want, status))
        if want != 200:
            ok(safe_headers(h), "Host: %s: the error page carries the safety headers" % host)


def trickle_until_cut(s, seconds, t0):
    """Sends a byte every 0.2 s; returns (when the server closed, data)."""
    s.setblocking(False)
    data = b""
    while time.monotonic() - t0 < seconds + 4:
        try:
            s.send(b"a")  # an idle timeout would never fire
        except (BrokenPipeError, ConnectionResetError, BlockingIOError):
            pass
        time.sleep(0.2)
        try:
            b = s.recv(65536)
            if not b:
                return time.monotonic() - t0, data
            data += b
        except BlockingIOError:
            pass
        except ConnectionResetError:
            return time.monotonic() - t0, data
    return None, data


def check_deadline(seconds):
    s = connect(timeout=seconds + 5)
    t0 = time.monotonic()
    s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    closed_at, data = trickle_until_cut(s, seconds, t0)
    s.close()
    status, h, _ = parse(data)
    note("closed after %s s" % ("%.2f" % closed_at if closed_at else "never"))
    ok(closed_at is not None and seconds - 0.5 <= closed_at <= seconds + 1.5,
       "a head trickled a byte every 0.2 s is cut at its %g s deadline" % seconds)
    ok(status == 408 and safe_headers(h), "...with 408 and the safety headers (got %s)" % status)

    # the same on a kept-alive connection, after a first request: the
    # deadline runs from the first answer
    s = connect(timeout=seconds + 5)
    s.sendall(GET + b"\r\n")
    first = read_answer(s)
    t0 = time.monotonic()
    s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    closed_at, data = trickle_until_cut(s, seconds, t0)
    s.close()
    note("after a first request: closed after %s s" % ("%.2f" % closed_at if closed_at else "never"))
    ok(parse(first)[0] == 200 and closed_at is not None and closed_at <= seconds + 1.5,
       "a second head trickled on a kept-alive connection is cut by its %g s deadline" % seconds)

    # a kept-alive connection that asks nothing more is closed then too
    s = connect(timeout=seconds + 5)
    s.sendall(GET + b"\r\n")
    read_answer(s)
    t0 = time.monotonic()
    data, closed = read_all(s)
    took = time.monotonic() - t0
    s.close()
    ok(closed and took <= seconds + 1.5,
       "an idle kept-alive connection is closed after %g s (%.2f s)" % (seconds, took))


def check_per_address(n):
    idle = [connect() for _ in range(n)]
    time.sleep(0.1)
    data, closed = exchange(GET + b"\r\n", timeout=5)
    status, h, _ = parse(data)
    ok(status == 503 and closed and h.get("retry-after"),
       "connection %d from one address is refused (503, Retry-After; got %s)" % (n + 1, status))
    data, _ = exchange(GET + b"\r\n", source="127.0.0.2", timeout=5)
    ok(parse(data)[0] == 200, "...while another address is served (got %s)" % parse(data)[0])
    for s in idle:
        s.close()
    time.sleep(0.2)
    data, _ = exchange(GET + b"\r\n", timeout=5)
    ok(parse(data)[0] == 200, "...and the first address again once its connections close")


def check_room(n):
    stop = threading.Event()
    cut = [0]

    def trickle(k):
        try:
            s = connect(source="127.0.1.%d" % (k + 1), timeout=30)
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            s.setblocking(False)
            while not stop.is_set():
                try:
                    s.send(b"a")
                    s.recv(65536)  # an answer (408) or the end: either way, cut
                    cut[0] += 1
                    return
                except BlockingIOError:
                    pass
                except OSError:
                    cut[0] += 1
                    return
                time.sleep(0.25)
            s.close()
        except OSError:
            cut[0] += 1

    threads = [threading.Thread(target=trickle, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
        time.sleep(0.02)
    time.sleep(1.5)  # every slot taken, by heads older than a second
    held = n - cut[0]
    t0 = time.monotonic()
    data, _ = exchange(GET + b"\r\n", source="127.0.0.3", timeout=10)
    took = time.monotonic() - t0
    ok(held == n and parse(data)[0] == 200 and took < 2,
       "with all %d slots held by trickling heads (%d), a new client is served (%s in %.2f s)"
       % (n, held, parse(data)[0], took))
    time.sleep(0.5)
    stop.set()
    for t in threads:
        t.join()
    ok(cut[0] >= 1, "...by closing the slowest head (%d closed)" % cut[0])


def check_costly(sha):
    costly = "/search?q=" + urllib.parse.quote(" OR ".join(c + "*" for c in "abcdefghijklmnopqrstuvwxyz"))
    cheap = ["/static/style.css", "/search?q=zzzz", "/doc/" + sha, "/api/search?q=zzzz"]

    def get(path, out, i, barrier=None):
        s = connect(timeout=60)
        if barrier:
            barrier.wait()
        t0 = time.monotonic()
        s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        data = read_answer(s)
        s.close()
        status, h, _ = parse(data)
        out[i] = (status, h.get("retry-after"), time.monotonic() - t0)

    # a burst of costly searches at once: one runs, one waits, the rest
    # are told to come back
    n = 10
    out = [None] * n
    barrier = threading.Barrier(n)
    threads = [threading.Thread(target=get, args=(costly, out, i, barrier)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    busy = [o for o in out if o[0] == 503]
    done = [o for o in out if o[0] == 200]
    note("burst of %d costly searches: %d answered, %d told to retry; %s"
         % (n, len(done), len(busy), ", ".join("%s in %.2f s" % (o[0], o[2]) for o in out)))
    ok(len(busy) >= n // 2 and all(o[1] for o in busy),
       "a burst of costly searches past the lane's queue gets 503 with Retry-After")
    ok(done and all(o[2] < 30 for o in done), "...and the ones in the queue are answered")

    # cheap requests while costly ones keep coming
    stop = threading.Event()

    def load():
        while not stop.is_set():
            get(costly, [None], 0)

    loaders = [threading.Thread(target=load) for _ in range(6)]
    for t in loaders:
        t.start()
    time.sleep(0.5)
    lat = []
    for k in range(12):
        o = [None]
        get(cheap[k % len(cheap)], o, 0)
        lat.append(o[0][2])
        ok(o[0][0] == 200, "cheap request %s under costly load: 200 (got %s)"
           % (cheap[k % len(cheap)], o[0][0]))
    stop.set()
    for t in loaders:
        t.join()
    med = statistics.median(lat)
    note("cheap requests under costly load: median %.1f ms, max %.1f ms"
         % (med * 1000, max(lat) * 1000))
    ok(med < 0.2, "cheap requests are not held up by costly ones (median %.0f ms)" % (med * 1000))


def main():
    check = sys.argv[2]
    args = sys.argv[3:]
    if check == "smuggling":
        check_smuggling()
    elif check == "errors":
        check_errors()
    elif check == "garbage":
        check_garbage()
    elif check == "host":
        check_host()
    elif check == "deadline":
        check_deadline(float(args[0]))
    elif check == "per-address":
        check_per_address(int(args[0]))
    elif check == "room":
        check_room(int(args[0]))
    elif check == "costly":
        check_costly(args[0])
    else:
        print("not ok - unknown check %s" % check)
        return 1
    return FAILED


if __name__ == "__main__":
    sys.exit(main())
