#!/usr/bin/env python3
"""Turns the measurements of bench/bench.py into a Markdown report
(bench/RESULTS.md for a full run).

Every figure is the median of the runs, with their range [min-max];
ratios are computed from medians.  A tool whose wall times spread by more
than 20% of their median ((max-min)/median) is flagged NOISY, and so is a
target that rests on it.

usage: report.py RESULTS_DIR OUT.md SET..."""
import json, os, statistics, sys

SPREAD = 0.20
MEMORY_MB = 300

LABELS = {"text": "3,400 small text files (Spanish/English)",
          "mixed": "5,050 documents: 3,000 text files, 1,400 PDFs, 20 zips (600 members, nested)",
          "pdf": "1,400 PDFs (1-5 pages)",
          "many": "50,000 small text files in 500 folders",
          "huge": "one 1 GB text file and one zip of 100,000 members"}

# Earlier runs of the same corpora and commands, one run each: the run
# recorded in bench/RESULTS.md on 2026-11-28 (commit 589e036) and the run
# reported in issue 16 on another machine of the same kind.
HISTORY = {
    ("text", "testigo-index"): (5.79, 6.11), ("text", "recollindex"): (5.09, 4.00),
    ("text", "omindex"): (4.81, 6.11),
    ("pdf", "testigo-index"): (13.09, 16.15), ("pdf", "recollindex"): (57.98, 21.24),
    ("pdf", "pdftotext"): (27.34, 5.35),
    ("mixed", "testigo-index"): (21.37, 21.13), ("mixed", "recollindex"): (81.74, 28.01),
}


def tool_label(t, cores):
    return {"testigo-index": "testigo-index",
            "testigo-base": "testigo-index before the change (BASE_BIN)",
            "pdftotext": "pdftotext, %d at a time (floor of the peers' extraction)" % cores,
            "pdffloor": "PDF floor: poppler-glib + Xapian, %d shards in %d processes" % (cores, cores),
            "floor1": "Xapian floor, 1 process",
            "floorN": "Xapian floor, %d shards in %d processes" % (cores, cores)}.get(t, t)


def med(xs):
    return statistics.median(xs) if xs else None


def spread(xs):
    m = med(xs)
    return (max(xs) - min(xs)) / m if xs and m else 0.0


def cell(xs, fmt="%.2f", scale=1.0):
    xs = [x * scale for x in xs if x is not None]
    if not xs:
        return "-"
    if len(xs) == 1:
        return fmt % xs[0]
    return (fmt + " [" + fmt + "-" + fmt + "]") % (med(xs), min(xs), max(xs))


def faster(a, ta, b, tb):
    """'a is 1.32x faster than b' from two median times."""
    if ta <= 0 or tb <= 0:
        return "-"
    if ta <= tb:
        return "%s is **%.2fx faster** than %s (median wall %.2f s against %.2f s)" % (a, tb / ta, b, ta, tb)
    return "%s is **%.2fx slower** than %s (median wall %.2f s against %.2f s)" % (a, ta / tb, b, ta, tb)


class Set:
    def __init__(self, d):
        self.d = d
        self.runs = {}
        for r in d["runs"]:
            self.runs.setdefault(r["tool"], []).append(r)

    def vals(self, tool, key):
        return [r[key] for r in self.runs.get(tool, []) if r.get(key) is not None]

    def wall(self, tool):
        return med(self.vals(tool, "wall"))

    def noisy(self, tool):
        return spread(self.vals(tool, "wall")) > SPREAD

    def failed(self, tool):
        return [r for r in self.runs.get(tool, []) if r["status"] not in (0, 1)]


def load(res, name):
    try:
        return json.load(open(os.path.join(res, name)))
    except (OSError, ValueError):
        return None


def verdict(ok, noisy):
    return ("met" if ok else "**not met**") + (" (NOISY: a spread over 20%; run again on a quiet machine)"
                                                if noisy else "")


def targets(sets):
    """Issue 16's targets, each met / not met from this run's medians."""
    rows = []

    def vs_recoll(s, what):
        S = sets.get(s)
        if not S or not S.wall("testigo-index") or not S.wall("recollindex"):
            rows.append("| %s: at least 2x recollindex | not measured in this run | - |" % what)
            return
        t, r = S.wall("testigo-index"), S.wall("recollindex")
        need = "" if r / t >= 2 else "; needs testigo-index at or under %.2f s" % (r / 2)
        rows.append("| %s: at least 2x recollindex | %.2fx (%.2f s against %.2f s%s) | %s |"
                    % (what, r / t, t, r, need, verdict(r / t >= 2, S.noisy("testigo-index") or S.noisy("recollindex"))))

    vs_recoll("mixed", "Mixed corpus")
    vs_recoll("pdf", "PDFs")
    S = sets.get("pdf")
    if S and S.wall("testigo-index") and S.wall("pdffloor"):
        t, f = S.wall("testigo-index"), S.wall("pdffloor")
        need = "" if t / f <= 1.5 else "; needs testigo-index at or under %.2f s" % (1.5 * f)
        rows.append("| PDFs: within 1.5x the PDF floor | %.2fx the floor (%.2f s against %.2f s%s) | %s |"
                    % (t / f, t, f, need, verdict(t / f <= 1.5, S.noisy("testigo-index") or S.noisy("pdffloor"))))
    else:
        rows.append("| PDFs: within 1.5x the PDF floor | not measured in this run | - |")
    S = sets.get("text")
    if S and S.wall("testigo-index") and S.wall("omindex") and S.wall("recollindex"):
        t, o, r = S.wall("testigo-index"), S.wall("omindex"), S.wall("recollindex")
        best = min(o, r)
        need = "" if t < best else "; needs testigo-index under %.2f s" % best
        rows.append("| Small text files: ahead of omindex and recollindex | %.2f s against omindex %.2f s, "
                    "recollindex %.2f s%s | %s |"
                    % (t, o, r, need, verdict(t < best, any(S.noisy(x) for x in ("testigo-index", "omindex",
                                                                                  "recollindex")))))
    else:
        rows.append("| Small text files: ahead of omindex and recollindex | not measured in this run | - |")
    peaks = [(s, max(S.vals("testigo-index", "peak_pss"))) for s, S in sets.items()
             if S.vals("testigo-index", "peak_pss")]
    if peaks:
        worst = max(p for _, p in peaks)
        rows.append("| Peak memory under %d MB in every set | %s | %s |"
                    % (MEMORY_MB, ", ".join("%s %.0f MB" % (s, p / 1e6) for s, p in peaks),
                       verdict(worst < MEMORY_MB * 1e6, False) + ("" if len(peaks) == 5 else
                                                                  " in the sets run")))
    return ["| target (issue 16) | this run (medians) | |", "|---|---|---|"] + rows


def set_section(s, S, env):
    d = S.d
    cores = d.get("cores", 2)
    out = ["## %s" % LABELS.get(s, s) + ("" if d["scale"] == 1 else " (scale %g)" % d["scale"]), "",
           "%d files, %.1f MB; %d runs of each tool, alternating; warm-up: %s." % (
               d["files"], d["bytes"] / 1e6, d["runs_per_tool"], d["warmup"]), ""]
    pb, pa = d.get("probes_before", {}), d.get("probes_after", {})
    if pb:
        out += ["Machine before/after the set: load %.2f/%.2f; starting pdftotext %.1f/%.1f ms of CPU; "
                "a page fault %.1f/%.1f µs; the compute probe %.2f/%.2f s."
                % (pb.get("load1", 0), pa.get("load1", 0), pb.get("spawn_pdftotext_ms", 0),
                   pa.get("spawn_pdftotext_ms", 0), pb.get("fault_us", 0), pa.get("fault_us", 0),
                   pb.get("compute_s", 0), pa.get("compute_s", 0)), ""]
    out += ["| tool | wall s | user s | sys s | peak memory MB | largest process MB | page faults (k) "
            "| load before | others' CPU s | documents | index MB | spread |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for t in d["tools"]:
        if t not in S.runs:
            continue
        w = S.vals(t, "wall")
        sp = spread(w)
        bad = S.failed(t)
        flag = ("%.0f%%" % (sp * 100)) + (" **NOISY**" if sp > SPREAD else "")
        out.append("| %s%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            tool_label(t, cores), " (%s)" % ", ".join("timed out" if r.get("timed_out") else "exit %d" % r["status"]
                                                       for r in bad) if bad else "",
            cell(w), cell(S.vals(t, "user")), cell(S.vals(t, "sys")),
            cell(S.vals(t, "peak_pss"), "%.0f", 1e-6), cell(S.vals(t, "maxrss_kb"), "%.0f", 1e-3),
            cell(S.vals(t, "minflt"), "%.0f", 1e-3), cell(S.vals(t, "load1")),
            cell(S.vals(t, "others_cpu"), "%.1f"),
            cell(S.vals(t, "docs"), "%.0f"), cell(S.vals(t, "index_bytes"), "%.1f", 1e-6), flag))
    out.append("")
    t = S.wall("testigo-index")
    lines = []
    if t:
        for other in d["tools"]:
            o = S.wall(other)
            if other == "testigo-index" or not o:
                continue
            cpu_t = med([r["user"] + r["sys"] for r in S.runs["testigo-index"]])
            cpu_o = med([r["user"] + r["sys"] for r in S.runs[other]])
            lines.append("- %s; CPU (user+system): testigo-index %.2f s, %s %.2f s"
                         % (faster("testigo-index", t, tool_label(other, cores), o), cpu_t, other, cpu_o))
    out += lines + ([""] if lines else [])
    forks = ["%s %.0f" % (t, med(S.vals(t, "forks"))) for t in d["tools"] if S.vals(t, "forks")]
    runs = [r for rs in S.runs.values() for r in rs]
    wall = sum(r["wall"] for r in runs)
    notes = []
    if forks:
        notes.append("Processes created on the machine during each run (median; on a quiet machine, the tool's "
                     "own): " + ", ".join(forks) + ".")
    if wall:
        notes.append("Sampling memory cost the harness %.1f%% of one core during the runs."
                     % (100 * sum(r.get("sampler_cpu", 0) for r in runs) / wall))
    strays = sum(r.get("strays", 0) for r in runs)
    left = sum(r.get("left_running", 0) for r in runs)
    if strays or left:
        notes.append("%d orphaned descendants were waited for and counted%s." % (
            strays, "; %d were still running a minute after their tool ended" % left if left else ""))
    if notes:
        out += [" ".join(notes), ""]
    return out


def why_section(sets, why, env):
    out = ["## Why earlier numbers differed", ""]
    out += ["The same corpora and commands, one run each: the run recorded here on 2026-11-28, the run "
            "reported in issue 16 (another machine of the same kind), and this run's medians (wall seconds).",
            "",
            "| set | tool | recorded 2026-11-28 | issue 16 | this run |", "|---|---|---|---|---|"]
    for (s, t), (a, b) in HISTORY.items():
        S = sets.get(s)
        now = S.wall(t) if S else None
        scale = S.d["scale"] if S else 1
        out.append("| %s | %s | %.2f | %.2f | %s |" % (
            s, t, a, b, "-" if now is None else "%.2f%s" % (now, "" if scale == 1 else " (scale %g)" % scale)))
    out.append("")
    if not why:
        return out + ["(The evidence was not collected in this run: WHY=0 or strace missing.)", ""]
    n = why.get("pdfs", 0)
    ex = why.get("execs", {})
    p = why.get("probes", {})
    hv = env.get("hypervisor", "?") if env else "?"

    def per_pdf(tool, prog):
        return ex.get(tool, {}).get(prog, 0) / n if n else 0
    facts = []
    if ex:
        helpers = lambda tool: sum(v for k, v in ex.get(tool, {}).items() if k in ("pdftotext", "pdfinfo"))
        facts.append(
            "- **What each tool starts per PDF** (strace over %d of the benchmark's PDFs): omindex %.1f programs "
            "per PDF (pdftotext %.1f, pdfinfo %.1f); recollindex %.1f (pdftotext %.1f, pdfinfo %.1f), plus %d "
            "started once (its Python filter and its checks); the pdftotext floor 1; testigo-index %d processes "
            "in all (itself and its workers, started once)."
            % (n, helpers("omindex") / n, per_pdf("omindex", "pdftotext"), per_pdf("omindex", "pdfinfo"),
               helpers("recollindex") / n, per_pdf("recollindex", "pdftotext"), per_pdf("recollindex", "pdfinfo"),
               sum(ex.get("recollindex", {}).values()) - helpers("recollindex") - 1,
               sum(ex.get("testigo-index", {}).values())))
    if p:
        facts.append(
            "- **What starting a process costs here**: starting pdftotext (`pdftotext -v`, no PDF read) "
            "%.1f ms of CPU and %.0f page faults; a page fault on fresh memory %.1f µs of CPU (under 1 µs "
            "on bare metal); /bin/true %.1f ms. Hypervisor: %s%s."
            % (p.get("spawn_pdftotext_ms", 0), p.get("spawn_pdftotext_faults", 0), p.get("fault_us", 0),
               p.get("spawn_true_ms", 0), hv,
               " (a paravirtualised guest whose page tables the hypervisor shadows: every page fault "
               "and every new address space goes through it)" if hv == "PVM" else ""))
    if "pdftotext_instructions" in why:
        i, c, f = why["pdftotext_instructions"], why.get("pdftotext_cpu_ms", 0), why.get("pdftotext_faults", 0)
        facts.append(
            "- **One pdftotext on one of these PDFs** executes %.1fM instructions (valgrind; the same on any "
            "machine), yet took %.1f ms of CPU with %d page faults, %.1f ms of which at this machine's cost "
            "per fault." % (i / 1e6, c, f, f * p.get("fault_us", 0) / 1000))
    fc = why.get("fontconfig_cold_vs_warm", {})
    fo = why.get("fontconfig_opens", {})
    fc_none = False
    if fc:
        w, cold = fc.get("warm", {}), fc.get("cold", {})
        same = w and cold and abs(cold["helpers_cpu_ms_per_pdf"] - w["helpers_cpu_ms_per_pdf"]) \
            <= 0.15 * w["helpers_cpu_ms_per_pdf"]
        control = w and cold and cold["fc_match_cpu_ms"] > 2 * w["fc_match_cpu_ms"]
        fc_none = bool(same and control and not fo.get("pdftotext") and not fo.get("pdfinfo"))
        facts.append(
            "- **fontconfig**: pdftotext and pdfinfo opened %s and %s of fontconfig's configuration and cache "
            "files on these PDFs (fc-match, the control: %s); their fonts are the standard 14, not embedded, and "
            "extracting text needs no font file. With fontconfig's caches made cold (a configuration whose "
            "cache folder does not exist and cannot be made), pdftotext + pdfinfo used %.1f ms of CPU per PDF "
            "against %.1f ms warm, while fc-match went from %.1f to %.1f ms: %s"
            % (fo.get("pdftotext", "?"), fo.get("pdfinfo", "?"), fo.get("fc-match (control)", "?"),
               cold.get("helpers_cpu_ms_per_pdf", 0), w.get("helpers_cpu_ms_per_pdf", 0),
               w.get("fc_match_cpu_ms", 0), cold.get("fc_match_cpu_ms", 0),
               "the fontconfig cache is not what differs." if same and control else
               "see the figures: the cold cache made a difference here." if control else
               "the cold configuration did not take effect (the control did not slow down)."))
    P = sets.get("pdf")
    if P and P.runs.get("pdftotext"):
        now = med([r["user"] + r["sys"] for r in P.runs["pdftotext"]]) * 1000 / P.d["files"]
        facts.append("- **The pdftotext floor in this run** used %.1f ms of CPU per PDF (median of its runs)."
                     % now)
    out += ["What this run measured:", ""] + facts + [""]
    fault, f = p.get("fault_us", 0), why.get("pdftotext_faults", 0)
    out += [
        "**Conclusion.** testigo-index took about the same time in both earlier runs (PDFs 13.1 s and 16.2 s, "
        "mixed 21.4 s and 21.1 s). The peers did not, and they differed only where they start helper programs: "
        "on small text files, where neither starts any, recollindex took 5.09 s and 4.00 s; on the PDFs "
        "pdftotext alone took 27.34 s against 5.35 s, and recollindex 57.98 s against 21.24 s. With two "
        "pdftotext processes at a time, that is about 39 ms of CPU per PDF in the recorded run "
        "(27.34 s x 2 / 1,400) and at most 7.6 ms in the issue's: five times as much, on a machine whose "
        "CPU did the same work on text files within 30%. pdftotext's instructions do not depend on the "
        "machine (the recorded run used poppler-utils 22.12.0-2+deb12u3); what differs is what starting a process costs, which the "
        "recording machine paid once for every PDF in the floor and twice in omindex and recollindex "
        "(pdftotext and pdfinfo), and testigo-index, whose workers are started once, did not pay at all. "
        "That cost, not Testigo, made the recorded ratios (3.8x recollindex on the mixed set, 0.48x the "
        "pdftotext floor)."
        + (" The fontconfig cache plays no part (above)." if fc_none else
           " Whether fontconfig's cache plays a part was not settled in this run (above).")
        + (" On this machine starting pdftotext costs %.1f ms of CPU before it reads a byte, and the page "
           "faults of one pdftotext on one PDF %.1f ms (%d faults at %.1f µs): either is more than the issue's "
           "machine spent on a whole PDF, where a page fault can have cost at most %.1f µs."
           % (p.get("spawn_pdftotext_ms", 0), f * fault / 1000, f, fault, 7.6e3 / f)
           if f and fault and f * fault / 1000 > 7.6 else "")
        + " The peers' times on PDFs, and ratios against them, are a property of the machine as much as of "
        "the programs: each set's section prints the probes (starting pdftotext, a page fault, the compute "
        "probe) before and after it, and two runs can be compared only when their probes agree.", ""]
    return out


def env_section(env):
    if not env:
        return []
    v = env.get("versions", {})
    fc = env.get("fontconfig", {})
    py = env.get("filters_python", {})
    out = ["## Environment", "",
           "- Run: %s to %s (%.0f minutes); sets %s; %d runs per tool; scale %g; warm-up %s%s" % (
               env.get("started", "?"), env.get("finished", "?"), env.get("minutes", 0),
               " ".join(env.get("sets", [])), env.get("runs", 0), env.get("scale", 1), env.get("warmup", "?"),
               "; tools %s" % env["tools_filter"] if env.get("tools_filter") else ""),
           "- Testigo: %s" % env.get("testigo", "?"),
           "- CPU: %s, %s cores; hypervisor: %s; kernel %s; Debian %s" % (
               env.get("cpu"), env.get("cores"), env.get("hypervisor"), env.get("kernel"), env.get("debian")),
           "- Memory: %.1f GB, %.1f GB available at the start; transparent huge pages: %s" % (
               env.get("mem_total", 0) / 2**30, env.get("mem_available", 0) / 2**30, env.get("thp")),
           "- Peers: %s (libxapian30 %s, xapian-omega %s); recollindex %s (recollcmd); pdftotext and pdfinfo %s "
           "(poppler-utils); libpoppler-glib8 %s; poppler-data %s" % (
               v.get("omindex"), v.get("libxapian30"), v.get("xapian-omega"), v.get("recollcmd"),
               v.get("poppler-utils"), v.get("libpoppler-glib8"), v.get("poppler-data")),
           "- fontconfig %s: %s fonts; %s of %s font folders with a valid cache; %s cache files in "
           "/var/cache/fontconfig; user cache %s; fc-match took %s ms of CPU" % (
               fc.get("version"), fc.get("fonts", "?"), fc.get("font_folders_cached", "?"),
               fc.get("font_folders", "?"), fc.get("system_cache_files", "?"), fc.get("user_cache", "?"),
               fc.get("fc_match_cpu_ms", "?")),
           "- Recoll's Python filters run on %s (%s%s); the peers' PATH: %s" % (
               py.get("path") or "?", py.get("version", ""), ", a shim" if py.get("shim") else "",
               env.get("peer_path")),
           "- Busiest processes just before the run: %s" % (", ".join(env.get("top", [])) or "none"),
           removed_line(env),
           "- Load average at the end: %s" % " ".join(env.get("load_at_end", [])),
           ""]
    return out


def removed_line(env):
    """How long before this bench an earlier one removed its run folders:
    within 5 minutes ext4 makes testigo-index's new files pay for those
    inodes (docs/benchmarking.md), which the peers, creating no file per
    document, do not."""
    ago = env.get("removed_before_s")
    if ago is None:
        return "- An earlier bench's run folders: none removed (or not recorded)"
    warn = (" **within 5 minutes: testigo-index's file creation pays for those inodes "
            "(docs/benchmarking.md)**" if ago < 300 else "")
    return "- An earlier bench removed its run folders %.0f s before this one started%s" % (ago, warn)


def main():
    res, outp, sets = sys.argv[1], sys.argv[2], sys.argv[3:]
    env = load(res, "env.json") or {}
    why = load(res, "why.json")
    S = {}
    for s in sets:
        d = load(res, s + ".json")
        if d:
            S[s] = Set(d)
    noisy = [(s, t) for s, x in S.items() for t in x.runs if x.noisy(t)]
    lines = ["# Benchmark results", "",
             "Generated by `make bench` (bench/run.sh, bench/bench.py; corpora from bench/mkbench.py; "
             "docs/benchmarking.md says how to run it and what each figure means).", ""]
    scale = env.get("scale", 1)
    if scale != 1:
        lines += ["**Scaled corpora (BENCH_SCALE=%g): a check of the harness, not results.**" % scale, ""]
    lines += ["Each tool ran %d times per set, alternating with the others (A B C A B C ...), on a warm page "
              "cache, each run into a fresh folder. Figures are medians with the range [min-max]; ratios come "
              "from medians. CPU (user, system) and page faults are the whole process tree's (wait4, "
              "orphans included); peak memory is the largest sum of PSS over the tree, sampled every 100 ms; "
              "\"largest process\" is the biggest single RSS. \"load before\" is the 1-minute load average just "
              "before each run (it still holds the previous runs' own load: 1 to 2 on a quiet two-core machine) and "
              "\"others' CPU\" the CPU that everything else on the machine used during it (kernel threads writing "
              "the tool's data back included): near 0 on a quiet machine. A spread (max-min)/median over 20%% is flagged **NOISY**."
              % env.get("runs", 0), ""]
    if env.get("runs", 0) < 3:
        lines += ["**Only %d run(s) per tool: the spread cannot show noise.**" % env.get("runs", 0), ""]
    if noisy:
        lines += ["**NOISY**: %s." % ", ".join("%s in the %s set" % (t, s) for s, t in noisy), ""]
    lines += ["## Targets", ""] + targets(S) + [
        "", "Where the time goes on small text files: docs/architecture.md, \"Cost per file\".", ""]
    for s in sets:
        if s in S:
            lines += set_section(s, S[s], env)
    lines += why_section(S, why, env)
    lines += env_section(env)
    open(outp, "w").write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
