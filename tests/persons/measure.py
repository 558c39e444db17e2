#!/usr/bin/env python3
"""Measures person extraction on the labelled set of tests/persons/.

usage: measure.py (--tool TG_PERSONS | --bin BINDIR) [--markdown] [--min-recall R]
                  [--min-precision P] [--max-entries E] [--min-names N] [--min-ids I]
                  DOCS LABELS

--tool runs tests/tools/tg-persons (the indexer's own code, lib/evidence/docpersons.c)
on the documents; --bin indexes them with BINDIR/testigo-index into a temporary archive
and reads the persons of each document back with BINDIR/testigo-search --json, which
gives names only (no identity numbers: that column is then blank).

For each document, an entry of the extraction is *right* when its name is a labelled
person of the document (its display name or one of its other forms, compared as the
index compares names: accents, case and the "SURNAME, Given" order aside); two labelled
persons with the same name are told apart by their identity numbers.  Reported per
document and in total:
  precision   right entries / entries (an entry that is not a labelled person is a
              non-person, or a name cut wrongly)
  recall      labelled persons with an entry / labelled persons
  entries/p   entries per person found (1.00: one entry per person)
  names       persons whose entry shows exactly the labelled display name (accents,
              proper case, fullest form)
  ids         labelled identity numbers attached to their person, over those labelled;
              an identity number attached to the wrong person counts against it
Exits 1 when a --min/--max threshold is not met, 2 on errors.  Python 3, standard
library only."""
import json, os, re, subprocess, sys, tempfile, unicodedata


def fold(s):
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.casefold()


def key(name):
    """tg_name_key: folded words, "SURNAME, Given" turned around."""
    if "," in name:
        surname, given = name.split(",", 1)
        name = given + " " + surname
    return " ".join(re.findall(r"[^\W_]+", fold(name)))


def run_tool(tool, docs, files):
    out = subprocess.run([tool] + [os.path.join(docs, f) for f in files], capture_output=True,
                         text=True)
    if out.returncode != 0:
        sys.exit("measure.py: %s failed: %s" % (tool, out.stderr.strip()))
    got = {}
    for line in out.stdout.splitlines():
        d = json.loads(line)
        got[os.path.basename(d["file"])] = [
            {"name": p["name"], "ids": sorted(p["ids"]), "forms": p["forms"]} for p in d["persons"]]
    return got


def run_bin(bindir, docs, files):
    with tempfile.TemporaryDirectory() as tmp:
        arch = os.path.join(tmp, "archive")
        r = subprocess.run([os.path.join(bindir, "testigo-index"), "-q", "--archive", arch, docs],
                           capture_output=True, text=True)
        if r.returncode not in (0, 1):
            sys.exit("measure.py: testigo-index failed: %s" % r.stderr.strip())
        r = subprocess.run([os.path.join(bindir, "testigo-search"), "--archive", arch, "--json",
                            "--limit", "1000", "*"], capture_output=True, text=True)
        if r.returncode not in (0, 1):
            sys.exit("measure.py: testigo-search failed: %s" % r.stderr.strip())
        got = {f: [] for f in files}
        for res in json.loads(r.stdout)["results"]:
            for loc in res["locations"]:
                got[os.path.basename(loc)] = [{"name": n, "ids": None, "forms": []}
                                              for n in res["persons"]]
        return got


def digits(ids):
    return sorted(re.sub(r"\D", "", i).lstrip("0") for i in ids)


def measure(labels, got):
    rows = []
    for doc, lab in labels["documents"].items():
        persons = lab["persons"]
        keys = [{key(p["name"])} | {key(f) for f in p.get("forms", [])} for p in persons]
        entries = got.get(doc, [])
        hits = [[] for _ in persons]  # entries per labelled person
        wrong = []
        for e in entries:
            k = key(e["name"])
            cands = [i for i, ks in enumerate(keys) if k in ks]
            if not cands:
                wrong.append(e["name"])
                continue
            if e["ids"] is not None:
                same = [i for i in cands if digits(persons[i].get("ids", [])) == digits(e["ids"])]
                cands = same or cands
            i = min(cands, key=lambda i: len(hits[i]))
            hits[i].append(e)
        found = [i for i in range(len(persons)) if hits[i]]
        exact = [i for i in found if any(e["name"] == persons[i]["name"] for e in hits[i])]
        ids_lab = ids_ok = ids_bad = 0
        ids_known = all(e["ids"] is not None for e in entries)
        for i, p in enumerate(persons):
            want = digits(p.get("ids", []))
            ids_lab += len(want)
            if ids_known:
                have = digits([x for e in hits[i] for x in e["ids"]])
                ids_ok += len(set(want) & set(have))
                ids_bad += len(set(have) - set(want))
        if ids_known:
            ids_bad += sum(len(e["ids"]) for e in entries if e["name"] in wrong)
        rows.append({
            "heldout": int(lab.get("heldout", 0)),
            "doc": doc, "labelled": len(persons), "entries": len(entries),
            "right": len(entries) - len(wrong), "found": len(found),
            "extra": sum(len(hits[i]) - 1 for i in found), "exact": len(exact),
            "ids_lab": ids_lab, "ids_ok": ids_ok if ids_known else None,
            "ids_bad": ids_bad if ids_known else None, "wrong": wrong,
            "missed": [persons[i]["name"] for i in range(len(persons)) if not hits[i]],
            "split": [persons[i]["name"] for i in found if len(hits[i]) > 1],
            "misnamed": ["%s (shown %s)" % (persons[i]["name"], hits[i][0]["name"])
                         for i in found if i not in exact],
        })
    return rows


def ratio(a, b):
    return a / b if b else 1.0


def main(argv):
    opts = {"--min-recall": 0.0, "--min-precision": 0.0, "--max-entries": None,
            "--min-names": 0.0, "--min-ids": 0.0}
    tool = bindir = None
    markdown = False
    args = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--tool":
            tool = argv[i + 1]; i += 2
        elif a == "--bin":
            bindir = argv[i + 1]; i += 2
        elif a == "--markdown":
            markdown = True; i += 1
        elif a in opts:
            opts[a] = float(argv[i + 1]); i += 2
        else:
            args.append(a); i += 1
    if len(args) != 2 or not (tool or bindir):
        sys.exit(__doc__)
    docs, labels_path = args
    labels = json.load(open(labels_path, encoding="utf-8"))
    files = list(labels["documents"])
    got = run_tool(tool, docs, files) if tool else run_bin(bindir, docs, files)
    rows = measure(labels, got)

    t = {k: sum(r[k] or 0 for r in rows) for k in
         ("labelled", "entries", "right", "found", "extra", "exact", "ids_lab", "ids_ok", "ids_bad")}
    ids_known = all(r["ids_ok"] is not None for r in rows)
    if markdown:
        print("| document | persons | entries | precision | recall | entries per person | names | identity numbers |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows + [dict(t, doc="**total**")]:
        prec = ratio(r["right"], r["entries"])
        rec = ratio(r["found"], r["labelled"])
        epp = ratio(r["found"] + r["extra"], r["found"])
        ids = ("%d/%d" % (r["ids_ok"], r["ids_lab"]) + (" (%d wrong)" % r["ids_bad"] if r["ids_bad"] else "")
               if ids_known and r["ids_lab"] else ("-" if not ids_known else ""))
        if markdown:
            print("| %s | %d | %d | %.2f | %.2f | %.2f | %d/%d | %s |" % (
                r["doc"] if r["doc"].startswith("*") else "`%s`" % r["doc"], r["labelled"],
                r["entries"], prec, rec, epp, r["exact"], r["found"], ids))
        else:
            print("%-40s persons %3d entries %3d  precision %.2f  recall %.2f  entries/person %.2f  "
                  "names %d/%d  ids %s" % (r["doc"], r["labelled"], r["entries"], prec, rec, epp,
                                           r["exact"], r["found"], ids))
        for what in ("wrong", "missed", "split", "misnamed"):
            for x in r.get(what, []):
                print("#   %s: %s" % (what, x))
    def summary(label, rs):
        u = {k: sum(r[k] or 0 for r in rs) for k in t}
        print("# %s: %d documents, %d persons, %d entries: precision %.3f, recall %.3f, "
              "entries per person %.3f, display names %.3f%s" % (
                  label, len(rs), u["labelled"], u["entries"], ratio(u["right"], u["entries"]),
                  ratio(u["found"], u["labelled"]), ratio(u["found"] + u["extra"], u["found"]),
                  ratio(u["exact"], u["found"]),
                  ", identity numbers %.3f" % ratio(u["ids_ok"] - u["ids_bad"], u["ids_lab"])
                  if ids_known else ""))
    for h in sorted({r["heldout"] for r in rows}):
        summary("held-out set %d" % h if h else "first set", [r for r in rows if r["heldout"] == h])
    prec = ratio(t["right"], t["entries"])
    rec = ratio(t["found"], t["labelled"])
    epp = ratio(t["found"] + t["extra"], t["found"])
    names = ratio(t["exact"], t["found"])
    ids = ratio(t["ids_ok"] - t["ids_bad"], t["ids_lab"]) if ids_known else None
    print("# total: %d documents, %d persons, %d entries: precision %.3f, recall %.3f, "
          "entries per person %.3f, display names %.3f%s" % (
              len(rows), t["labelled"], t["entries"], prec, rec, epp, names,
              ", identity numbers %.3f" % ids if ids is not None else ""))
    bad = []
    if rec < opts["--min-recall"]:
        bad.append("recall %.3f < %.3f" % (rec, opts["--min-recall"]))
    if prec < opts["--min-precision"]:
        bad.append("precision %.3f < %.3f" % (prec, opts["--min-precision"]))
    if opts["--max-entries"] is not None and epp > opts["--max-entries"]:
        bad.append("entries per person %.3f > %.3f" % (epp, opts["--max-entries"]))
    if names < opts["--min-names"]:
        bad.append("display names %.3f < %.3f" % (names, opts["--min-names"]))
    if ids is not None and ids < opts["--min-ids"]:
        bad.append("identity numbers %.3f < %.3f" % (ids, opts["--min-ids"]))
    for b in bad:
        print("# below threshold: " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
