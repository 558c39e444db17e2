#!/usr/bin/env python3
"""The driver of make bench: runs every tool of every set several times,
alternating, and keeps each run's measurements for bench/report.py.

For each set (bench/mkbench.py makes its corpus under bench/work/corpus):
1. the corpus is read once, so every tool reads it from the page cache;
2. the machine probes run (bench/machine.py: what starting pdftotext, a
   page fault and a fixed computation cost now);
3. warm-up, discarded: each tool once over a sample of about 20 of the
   set's files (WARMUP=sample, the default), which loads its programs,
   libraries, filters and data into the page cache and lets Python write
   its bytecode caches; WARMUP=full runs one whole round instead;
   WARMUP=none skips it;
4. RUNS rounds (default 3), each running every tool once in the same order
   (A B C A B C ...), each run writing into a fresh folder, all removed at
   the end (main says why);
   sync before each run, so no run pays for the previous one's writeback;
5. the probes again.
Every run is measured by bench/measure.py (wall, user and system CPU of the
whole process tree, peak memory, page faults, the load before it, the CPU
that everything else on the machine used meanwhile).

The peers run with PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:
/sbin:/bin (machine.PEER_PATH), so that Recoll's Python filters run on
Debian's python3, not on a user's shim.

usage: bench.py [SET...]          (default: text mixed pdf many huge)
environment:
  RUNS=3          runs of each tool in each set
  BENCH_SCALE=1   corpus size factor (0.05 for a quick check of the harness)
  TOOLS=a,b       only these tools (names: testigo-index omindex recollindex
                  pdftotext pdffloor floor1 floorN testigo-base)
  BASE_BIN=DIR    also run DIR/testigo-index as "testigo-base", beside
                  testigo-index in every set: a change measured before and
                  after in the same alternating rounds
  WARMUP=sample   sample, full or none
  WHY=1           0: skip the evidence for "Why earlier numbers differed"
  BENCH_SAMPLE_MS=100  memory sampling interval
  BENCH_TIMEOUT=7200   seconds before a run is killed (its process group)
Results: bench/work/res/<set>.json, env.json, why.json."""
import json, os, shutil, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import machine  # noqa: E402
import measure  # noqa: E402

W = os.path.join(TOP, "bench", "work")
RES = os.path.join(W, "res")
RUN_GRAVE = os.path.join(W, "run.old")  # an earlier bench's run folders, removed at the end
REMOVED_MARK = os.path.join(W, "run.removed")  # touched when a bench has removed its folders
BIN = os.path.join(TOP, "bin")
BENCH_BIN = os.path.join(TOP, "build", "release", "bench")
SETS = ["text", "mixed", "pdf", "many", "huge"]
CORES = os.cpu_count() or 1


def say(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def db_docs(path):
    """Documents in a Xapian database (None if it cannot be read)."""
    try:
        out = subprocess.run(["xapian-delve", path], capture_output=True, text=True, timeout=120).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in out.splitlines():
        if line.startswith("number of documents = "):
            return int(line.split("=")[1])
    return None


def du(path):
    total = 0
    for d, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(d, f)).st_blocks * 512
            except OSError:
                pass
    return total


class Tool:
    """name: as in TOOLS and the results; run(corpus, out, listfile) gives
    (argv, stdin); docs(out) and size(out) read what the run left."""

    def __init__(self, name, run, docs=None, size=None):
        self.name, self.run, self.docs, self.size = name, run, docs, size


def shards_docs(out):
    n = [db_docs(os.path.join(out, "db", d)) for d in sorted(os.listdir(os.path.join(out, "db")))]
    return sum(x for x in n if x is not None) if n else None


def recoll_run(corpus, out, _):
    with open(os.path.join(out, "recoll.conf"), "w") as f:
        f.write("topdirs = %s\ndbdir = %s/xapiandb\nloglevel = 1\n" % (corpus, out))
    return ["recollindex", "-c", out], None


TESTIGO = Tool("testigo-index",
               lambda c, o, l: ([os.path.join(BIN, "testigo-index"), "-q", "--archive", o + "/archive", c], None),
               lambda o: db_docs(o + "/archive/index"), lambda o: du(o + "/archive/index"))
BASE_BIN = os.environ.get("BASE_BIN", "")
TESTIGO_BASE = Tool("testigo-base",
                    lambda c, o, l: ([os.path.join(BASE_BIN, "testigo-index"), "-q", "--archive", o + "/archive", c],
                                     None),
                    lambda o: db_docs(o + "/archive/index"), lambda o: du(o + "/archive/index"))
OMINDEX = Tool("omindex", lambda c, o, l: (["omindex", "--db", o + "/db", "--url", "/", c], None),
               lambda o: db_docs(o + "/db"), lambda o: du(o + "/db"))
RECOLL = Tool("recollindex", recoll_run, lambda o: db_docs(o + "/xapiandb"), lambda o: du(o + "/xapiandb"))
PDFTOTEXT = Tool("pdftotext", lambda c, o, l: (
    ["sh", "-c", "find \"$0\" -name '*.pdf' -print0 | xargs -0 -P %d -n 25 "
     "sh -c 'for f; do pdftotext \"$f\" /dev/null; done' sh" % CORES, c], None))
PDFFLOOR = Tool("pdffloor", lambda c, o, l: ([os.path.join(BENCH_BIN, "pdffloor"), o + "/db", str(CORES)], l),
                shards_docs, lambda o: du(o + "/db"))
FLOOR1 = Tool("floor1", lambda c, o, l: ([os.path.join(BENCH_BIN, "floor"), o + "/db", "1"], l),
              shards_docs, lambda o: du(o + "/db"))
FLOORN = Tool("floorN", lambda c, o, l: ([os.path.join(BENCH_BIN, "floor"), o + "/db", str(CORES)], l),
              shards_docs, lambda o: du(o + "/db"))


def tools_for(s):
    t = {"text": [TESTIGO, OMINDEX, RECOLL, FLOOR1, FLOORN],
         "mixed": [TESTIGO, OMINDEX, RECOLL],
         "pdf": [TESTIGO, OMINDEX, RECOLL, PDFTOTEXT, PDFFLOOR],
         "many": [TESTIGO, OMINDEX, RECOLL],
         "huge": [TESTIGO]}[s]
    if CORES == 1:
        t = [x for x in t if x is not FLOORN]
    if BASE_BIN:
        t = t[:1] + [TESTIGO_BASE] + t[1:]
    only = [x for x in os.environ.get("TOOLS", "").split(",") if x]
    return [x for x in t if not only or x.name in only]


def corpus(s, scale):
    c = os.path.join(W, "corpus", s if scale == 1 else "%s@%g" % (s, scale))
    done = c + ".done"
    if not os.path.exists(done):
        say("generating the '%s' corpus (scale %g)" % (s, scale))
        shutil.rmtree(c, ignore_errors=True)
        subprocess.run([sys.executable, os.path.join(HERE, "mkbench.py"), c, s, "%g" % scale], check=True)
        open(done, "w").close()
    return c


def files_of(c):
    return sorted(os.path.join(d, f) for d, _, fs in os.walk(c) for f in fs)


def read_all(paths):
    """Reads every file once (the page cache then holds the corpus)."""
    for p in paths:
        with open(p, "rb") as f:
            while f.read(1 << 20):
                pass


def sample(s, c, paths, n=20):
    """A folder of about n of the set's files, taken evenly across it."""
    d = os.path.join(W, "warm", s)
    shutil.rmtree(d, ignore_errors=True)
    step = max(1, len(paths) // n)
    for p in paths[::step][:n]:
        dst = os.path.join(d, os.path.relpath(p, c))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(p, dst)
    lst = d + ".list"
    with open(lst, "w") as f:
        f.write("".join(p + "\n" for p in files_of(d)))
    return d, lst


def one(s, tool, c, lst, tag, env):
    """One measured run of tool over corpus c into a fresh folder."""
    out = os.path.join(W, "run", s, "%s.%s" % (tool.name, tag))
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    os.makedirs(os.path.join(RES, s), exist_ok=True)
    argv, stdin = tool.run(c, out, lst)
    os.sync()
    r = measure.run(argv, stdin=stdin, stderr=os.path.join(RES, s, "%s.%s.err" % (tool.name, tag)), env=env)
    r["tool"], r["tag"] = tool.name, tag
    r["docs"] = tool.docs(out) if tool.docs else None
    r["index_bytes"] = tool.size(out) if tool.size else None
    # kept until the bench ends (main): see RUN_GRAVE
    return r


def run_set(s, runs, scale, warmup):
    c = corpus(s, scale)
    paths = files_of(c)
    lst = os.path.join(W, "run", s + ".list")
    os.makedirs(os.path.dirname(lst), exist_ok=True)
    with open(lst, "w") as f:
        f.write("".join(p + "\n" for p in paths))
    res = {"set": s, "scale": scale, "runs_per_tool": runs, "warmup": warmup, "files": len(paths),
           "bytes": sum(os.path.getsize(p) for p in paths), "cores": CORES, "runs": [], "warmups": []}
    tools = tools_for(s)
    res["tools"] = [t.name for t in tools]
    env = machine.peer_env()
    say("%s: reading the corpus (%d files) into the page cache" % (s, len(paths)))
    read_all(paths)
    res["probes_before"] = machine.probes()
    if warmup == "sample":
        d, dl = sample(s, c, paths)
        for t in tools:
            say("%s: warm-up %s on %d files" % (s, t.name, len(files_of(d))))
            res["warmups"].append(one(s, t, d, dl, "warmup", env))
    elif warmup == "full":
        for t in tools:
            say("%s: warm-up %s (a whole run, discarded)" % (s, t.name))
            res["warmups"].append(one(s, t, c, lst, "warmup", env))
    for i in range(1, runs + 1):
        for t in tools:
            r = one(s, t, c, lst, str(i), env)
            say("%s round %d/%d: %-13s %7.2f s  user %6.2f  sys %6.2f  %4.0f MB  load %.2f  others %.1f s%s"
                % (s, i, runs, t.name, r["wall"], r["user"], r["sys"], r["peak_pss"] / 1e6, r["load1"],
                   r["others_cpu"], "" if r["status"] in (0, 1) else "  EXIT %d" % r["status"]))
            res["runs"].append(r)
    res["probes_after"] = machine.probes()
    return res


def main():
    sets = sys.argv[1:] or os.environ.get("SETS", "").split() or SETS
    for s in sets:
        if s not in SETS:
            sys.exit("bench: unknown set %s (sets: %s)" % (s, " ".join(SETS)))
    runs = int(os.environ.get("RUNS", "3"))
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    warmup = os.environ.get("WARMUP", "sample")
    if runs < 1 or scale <= 0 or warmup not in ("sample", "full", "none"):
        sys.exit("bench: RUNS >= 1, BENCH_SCALE > 0, WARMUP sample|full|none")
    for prog in [os.path.join(BIN, "testigo-index"), os.path.join(BENCH_BIN, "floor"),
                 os.path.join(BENCH_BIN, "pdffloor")]:
        if not os.access(prog, os.X_OK):
            sys.exit("bench: %s missing: make bench-bins" % prog)
    os.makedirs(RES, exist_ok=True)
    # No run folder is removed while the bench runs.  ext4 skips, when it
    # picks an inode for a new file, every inode freed in the last 5
    # minutes whose inode-table block the new files have dirtied (its
    # recently_deleted()), reading each one's block again: with each run's
    # thousands of files removed just before the next run, creating a file
    # took ~180 us of kernel CPU, a fifth of testigo-index's workers' time
    # (perf, 3,400 text files), and grew from run to run (system time 1.5,
    # 2.3, 3.5 s), a cost no user who has not just deleted thousands of
    # files pays.  A previous bench's folders are moved aside and removed
    # with this one's at the end.
    run_dir = os.path.join(W, "run")
    if os.path.isdir(run_dir):
        os.makedirs(RUN_GRAVE, exist_ok=True)
        os.rename(run_dir, os.path.join(RUN_GRAVE, "run.%d" % os.getpid()))
    for s in sets:
        try:
            os.unlink(os.path.join(RES, s + ".json"))
        except FileNotFoundError:
            pass
    t0 = time.time()
    env = machine.environment(TOP)
    env["started"] = time.strftime("%Y-%m-%d %H:%M:%S %z")
    env["sets"], env["runs"], env["scale"], env["warmup"] = sets, runs, scale, warmup
    env["tools_filter"] = os.environ.get("TOOLS", "")
    # an earlier bench removed its run folders at its end: within 5 minutes,
    # this one's testigo-index pays for those inodes as said above, so the
    # report says how long ago that was
    try:
        env["removed_before_s"] = time.time() - os.stat(REMOVED_MARK).st_mtime
    except OSError:
        pass
    json.dump(env, open(os.path.join(RES, "env.json"), "w"), indent=1)
    if os.environ.get("WHY", "1") != "0":
        # the first 20 PDFs of the PDF set, made on their own
        say("evidence for the report's 'Why earlier numbers differed' (20 PDFs)")
        why = machine.why(TOP, corpus("pdf", 20 / 1400), os.path.join(W, "why"))
        why["probes"] = machine.probes()
        json.dump(why, open(os.path.join(RES, "why.json"), "w"), indent=1)
    for s in sets:
        res = run_set(s, runs, scale, warmup)
        json.dump(res, open(os.path.join(RES, s + ".json"), "w"), indent=1)
    env["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %z")
    env["minutes"] = (time.time() - t0) / 60
    env["load_at_end"] = open("/proc/loadavg").read().split()[:3]
    json.dump(env, open(os.path.join(RES, "env.json"), "w"), indent=1)
    say("removing the runs' folders")
    shutil.rmtree(run_dir, ignore_errors=True)
    shutil.rmtree(RUN_GRAVE, ignore_errors=True)
    open(REMOVED_MARK, "w").close()


if __name__ == "__main__":
    main()
