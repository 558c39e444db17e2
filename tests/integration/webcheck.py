"""Checks of what testigo-web shows, for the integration scripts (python3
standard library only).  Each check prints "ok - ..." or "not ok - ...".

usage:
  webcheck.py hidden URL EXPECT.json
      EXPECT.json: {"visible": [sha...], "hidden": [{"sha", "name", "word"}...],
                    "hidden_only": {"folder": [...], "year": [...], "month": [...],
                                    "person": [...]}}
      Every route the web offers, for every hidden document: searches (HTML
      and JSON, by its words and by its digest), totals, every facet
      (persons, folders, years, months, kinds, languages), the timeline, the
      home page count, filters and sort orders, the document page and JSON,
      the download and its HEAD, each answering exactly as for a document
      that does not exist; then a crawl of every link from the home and
      search pages that must never meet a hidden digest.  The documents
      listed are exactly the visible ones.
  webcheck.py crawl URL NEEDLE...
      Follows every link of the web front end from its home and search pages
      (and the JSON API's links), fetches each page, JSON answer and download
      (GET and HEAD), and checks that no body of an HTML or JSON answer and
      no header of any answer contains a NEEDLE (the indexing machine's
      absolute paths).
"""
import html
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

FAILED = 0
MAX_PAGES = 1500


def ok(msg):
    print("ok - " + msg)


def not_ok(msg):
    global FAILED
    FAILED = 1
    print("not ok - " + msg)


def check(cond, msg, detail=""):
    if cond:
        ok(msg)
    else:
        not_ok(msg + (": " + detail if detail else ""))


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (name, value)
        self.body = body

    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def header_set(self):
        return sorted((k.lower(), v) for k, v in self.headers if k.lower() != "date")


def fetch(base, path, method="GET"):
    req = urllib.request.Request(base + path, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return Answer(r.status, list(r.headers.items()), r.read())
    except urllib.error.HTTPError as e:
        return Answer(e.code, list(e.headers.items()), e.read())


def q(s):
    return urllib.parse.quote(s, safe="")


def links(page_text):
    """Same-site links of an HTML page (href and action)."""
    out = []
    for m in re.finditer(r'(?:href|action)="([^"]*)"', page_text):
        u = html.unescape(m.group(1))
        if u.startswith("/") and not u.startswith("//"):
            out.append(u.split("#")[0])
    return out


def crawl(base, starts, visit):
    """Breadth-first over the site's links from starts; visit(path, answer)
    is called for each page fetched (GET); JSON answers add their links.
    Searches are followed from the starting pages only (each facet link
    leads to as many more), everything else from every page."""
    seen, queue = set(), [(p, 0) for p in starts]
    while queue and len(seen) < MAX_PAGES:
        path, depth = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        a = fetch(base, path)
        visit(path, a)
        ctype = dict((k.lower(), v) for k, v in a.headers).get("content-type", "")
        new = []
        if ctype.startswith("text/html"):
            new = links(a.text())
        elif ctype.startswith("application/json"):
            try:
                d = a.json()
            except ValueError:
                d = {}
            for r in d.get("results", []) if isinstance(d, dict) else []:
                new += [r.get("url"), r.get("download"), "/api/doc/%s" % r.get("sha256")]
            if isinstance(d, dict) and d.get("download"):
                new.append(d["download"])
        for u in new:
            if not u or u in seen:
                continue
            if depth > 0 and (u.startswith("/search") or u.startswith("/api/search")):
                continue
            queue.append((u, depth + 1))
    return seen


def hidden(base, expect):
    visible = set(expect["visible"])
    docs = expect["hidden"]
    only = expect.get("hidden_only", {})
    missing_sha = "0" * 64
    absent = {p: fetch(base, p % missing_sha) for p in ("/doc/%s", "/api/doc/%s", "/download/%s")}
    absent_head = fetch(base, "/download/%s" % missing_sha, "HEAD")
    for d in docs:
        sha, name, word = d["sha"], d["name"], d["word"]
        a = fetch(base, "/search?q=" + q(word))
        check(a.status == 200 and sha not in a.text() and name not in a.text()
              and "Ningún documento coincide" in a.text(),
              "%s: search page (HTML) finds nothing" % name)
        a = fetch(base, "/api/search?facets=1&q=" + q(word))
        d_ = a.json()
        check(a.status == 200 and d_["total"] == 0 and d_["results"] == []
              and all(v == {} for v in d_["facets"].values()),
              "%s: /api/search: total 0, no result, every facet empty" % name, a.text()[:300])
        a = fetch(base, "/api/search?q=" + q("sha256:" + sha))
        check(a.json()["total"] == 0, "%s: not found by its digest" % name)
        for p in ("/doc/%s", "/api/doc/%s", "/download/%s"):
            a = fetch(base, p % sha)
            # the same bytes as for an id that does not exist (the page
            # repeats the address asked for, its language link)
            want = absent[p].body.replace(missing_sha.encode(), sha.encode())
            same = a.status == 404 and a.body == want and \
                a.header_set() == absent[p].header_set()
            check(same, "%s: %s answers exactly as for a document that does not exist"
                  % (name, p.split("%")[0]), "%d %r" % (a.status, a.body[:120]))
        a = fetch(base, "/download/%s" % sha, "HEAD")
        check(a.status == 404 and a.header_set() == absent_head.header_set(),
              "%s: HEAD of its download is 404, as for no document" % name)
        a = fetch(base, "/doc/%s?q=%s" % (sha, q(word)))
        check(a.status == 404, "%s: its page with a query is 404" % name)

    # every document: the listing, the totals, the facets
    a = fetch(base, "/api/search?q=*&n=100&facets=1")
    d_ = a.json()
    listed = set(r["sha256"] for r in d_["results"])
    check(listed == visible, "the listing holds exactly the visible documents",
          "extra %s missing %s" % (sorted(listed - visible), sorted(visible - listed)))
    check(d_["total"] == len(visible), "the total counts only visible documents",
          "%d != %d" % (d_["total"], len(visible)))
    for f in ("kind", "lang", "folder"):
        n = sum(d_["facets"][f].values())
        check(n == len(visible), "facet %s counts only visible documents (%d)" % (f, n))
    for f, values in only.items():
        for v in values:
            check(v not in d_["facets"][f], "facet %s does not name %r" % (f, v),
                  json.dumps(d_["facets"][f]))
            a = fetch(base, "/api/search?q=*&%s=%s" % (f, q(v)))
            check(a.json()["total"] == 0, "filter %s=%s finds nothing" % (f, v))
    for sort in ("date", "newest", "relevance"):
        a = fetch(base, "/api/search?q=*&n=100&sort=" + sort)
        got = set(r["sha256"] for r in a.json()["results"])
        check(got == visible, "sort=%s lists only visible documents" % sort)
    a = fetch(base, "/api/search?q=*&n=1&p=%d" % (len(visible) + 1))
    check(a.json()["results"] == [], "the page after the last is empty")
    a = fetch(base, "/")
    check("%d documentos en el archivo" % len(visible) in a.text(),
          "home page counts %d documents" % len(visible),
          re.findall(r'\d+ documentos en el archivo', a.text()).__repr__())
    a = fetch(base, "/search?q=*&n=100")
    page = a.text()
    for d in docs:
        check(d["sha"] not in page, "%s: absent from the listing page" % d["name"])
    for v in only.get("year", []) + only.get("month", []):
        check(v not in page, "the timeline and facets of the page never show %s" % v)
    for v in only.get("folder", []) + only.get("person", []):
        check(html.escape(v) not in page and v not in page,
              "the listing page's facets do not name %r" % v)

    # a crawl: no link, page or answer ever names a hidden document
    bad = []

    def visit(path, a):
        for d in docs:
            if d["sha"] in path or d["sha"].encode() in a.body:
                bad.append((path, d["name"]))

    seen = crawl(base, ["/", "/search?q=*&n=100", "/search?q=*&n=100&sort=newest",
                        "/api/search?q=*&n=100&facets=1"], visit)
    check(not bad, "a crawl of %d pages never meets a hidden document" % len(seen), repr(bad[:5]))


def paths(base, needles):
    hits = []
    kinds = {}

    def visit(path, a):
        ctype = dict((k.lower(), v) for k, v in a.headers).get("content-type", "")
        kind = "html" if "html" in ctype else "json" if "json" in ctype else "other"
        kinds[kind] = kinds.get(kind, 0) + 1
        for n in needles:
            for k, v in a.headers:
                if n in v:
                    hits.append((path, "header " + k, v))
            if kind in ("html", "json") and n.encode() in a.body:
                i = a.body.index(n.encode())
                hits.append((path, "body", a.body[max(0, i - 60):i + 80].decode("utf-8", "replace")))
        if path.startswith("/download/"):
            h = fetch(base, path, "HEAD")
            for n in needles:
                for k, v in h.headers:
                    if n in v:
                        hits.append((path, "HEAD header " + k, v))

    seen = crawl(base, ["/", "/search?q=*&n=100", "/search?q=*&n=100&sort=date",
                        "/api/search?q=*&n=100&facets=1", "/opensearch.xml"], visit)
    check(len(seen) > 20 and kinds.get("html", 0) and kinds.get("json", 0),
          "the crawl fetched %d answers (%s)" % (len(seen), kinds))
    check(not hits, "no page, JSON answer, header or download name holds a path of the "
          "indexing machine", "\n#   ".join(repr(h) for h in hits[:10]))


if __name__ == "__main__":
    if sys.argv[1] == "hidden":
        hidden(sys.argv[2], json.load(open(sys.argv[3])))
    elif sys.argv[1] == "crawl":
        paths(sys.argv[2], sys.argv[3:])
    else:
        sys.exit("usage: webcheck.py hidden URL EXPECT.json | crawl URL NEEDLE...")
    sys.exit(FAILED)
