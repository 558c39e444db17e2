"""Checks the known answers of corpus/README.md against an archive.

usage: known_answers.py SEARCH_BIN ARCHIVE CORPUS_DIR README
Prints one TAP line per table row ("ok - ..." / "not ok - ...").  Rows of the
"Known answers" table: | `query` | docs | paths (<br>-separated, "a + b" for
one document at two locations) | what it tests |.  Rows of the "Words on
known pages" table: | `word` | `file` | N of M | ... |."""
import json, os, re, subprocess, sys

search, archive, corpus, readme = sys.argv[1:5]
corpus = os.path.realpath(corpus)
text = open(readme, encoding="utf-8").read()
failed = 0

def run(query):
    out = subprocess.run([search, "--archive", archive, "--json", "--limit", "1000", query],
                         capture_output=True, text=True)
    if out.returncode not in (0, 1):
        raise RuntimeError(out.stderr.strip())
    return json.loads(out.stdout)["results"]

def rel(p):
    return os.path.relpath(p, corpus)

def report(ok, desc, extra=""):
    global failed
    print(("ok - " if ok else "not ok - ") + desc)
    if not ok:
        failed = 1
        for line in extra.splitlines():
            print("#   " + line)

section = text.split("## Known answers", 1)[1]
answers = section.split("### Words on known pages", 1)[0]
rows = re.findall(r"^\| `([^`]+)` \| (\d+) \| (.*?) \| (.*?) \|$", answers, re.M)
for query, ndocs, paths, what in rows:
    want = set() if paths.strip() == "(none)" else {
        " + ".join(sorted(x.strip().strip("`") for x in p.split(" + ")))
        for p in paths.split("<br>")}
    try:
        got = {" + ".join(sorted(rel(l) for l in r["locations"])) for r in run(query)}
    except Exception as e:
        report(False, "corpus: %s (%s)" % (query, what), str(e))
        continue
    report(got == want and len(got) == int(ndocs), "corpus: %s -> %s documents (%s)" % (query, ndocs, what),
           "missing: %s\nunexpected: %s" % (sorted(want - got), sorted(got - want)))

pages = section.split("### Words on known pages", 1)[1].split("##", 1)[0]
for word, path, page in re.findall(r"^\| `([^`]+)` \| `([^`]+)` \| (\d+) of \d+ \|", pages, re.M):
    res = run(word)
    ok = len(res) == 1 and rel(res[0]["locations"][0]) == path and res[0]["page"] == int(page)
    report(ok, "corpus: %s is on page %s of %s" % (word, page, path),
           json.dumps([(rel(r["locations"][0]), r["page"]) for r in res]))
sys.exit(failed)
