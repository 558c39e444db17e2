#!/usr/bin/env python3
"""What the machine is, and what it costs to start a process on it.

environment() records what a reader needs to repeat a run or to see why
two runs differ: CPU, cores, hypervisor, kernel, memory, Debian, and the
versions of everything the peers depend on (Xapian, omindex, Recoll,
poppler, poppler-data, fontconfig with the state of its caches, the
python3 that Recoll's filters run on).

probes() measures, in a few seconds, the unit costs that separate one
machine of a kind from another even when the CPU is the same: starting a
poppler program (what omindex and recollindex pay for every PDF), a page
fault on fresh memory (most of what starting a process costs in a virtual
machine that shadows page tables), and a fixed piece of computation (CPU
time that grows when the host is busy, which a guest without steal-time
accounting cannot see).  bench/bench.py runs them before and after each
set.

why() counts what each tool starts per PDF and whether fontconfig is
involved, on a small sample (strace; valgrind for instruction counts when
installed): the evidence for "Why earlier numbers differed" in the report.

usage: machine.py [env|probes|why PDF_FOLDER]   (prints JSON)"""
import json, os, platform, re, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import measure  # noqa: E402

# the PATH the peers run with: Debian's programs, not a user's shims (a
# pyenv shim for python3 starts dozens of shell processes each time
# Recoll starts a filter)
PEER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def peer_env():
    env = dict(os.environ)
    env["PATH"] = PEER_PATH
    return env


def sh(*cmd, env=None):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def pkg(name):
    v = sh("dpkg-query", "-W", "-f", "${Version}", name)
    return v or "not installed"


def first_line(text):
    return text.splitlines()[0] if text else ""


def fontconfig_state():
    """Fonts, and whether fontconfig's caches are valid for every font folder
    (a folder without a valid cache is scanned again by every process that
    initialises fontconfig)."""
    out = {"version": pkg("fontconfig")}
    if not shutil.which("fc-list"):
        return out
    files = sh("fc-list", "--format", "%{file}\n").splitlines()
    out["fonts"] = len(files)
    # FC_DEBUG=16 makes fontconfig say, on stdout, which cache it took for
    # each folder and whether it was still valid (same checksum as the folder)
    dbg = sh("fc-list", env=dict(os.environ, FC_DEBUG="16"))
    dirs = {os.path.dirname(f) for f in files}
    dirs |= set(re.findall(r"\(dir: ([^)]+)\)", dbg))
    valid = set()
    for m in re.finditer(r'FcCacheTimeValid dir "([^"]+)" cache checksum (\S+) dir checksum (\S+)', dbg):
        if m.group(2) == m.group(3):
            valid.add(m.group(1))
    out["font_folders"] = len(dirs)
    out["font_folders_cached"] = sum(1 for d in dirs if d in valid)
    caches = [os.path.join("/var/cache/fontconfig", f) for f in os.listdir("/var/cache/fontconfig")
              if f.endswith((".cache-7", ".cache-8", ".cache-9"))] if os.path.isdir("/var/cache/fontconfig") else []
    out["system_cache_files"] = len(caches)
    user = os.path.expanduser("~/.cache/fontconfig")
    out["user_cache"] = "present" if os.path.isdir(user) else "absent"
    # what initialising fontconfig costs now (a few ms when the caches are warm)
    r = measure.run(["fc-match", "sans"], sample=False)
    out["fc_match_cpu_ms"] = round((r["user"] + r["sys"]) * 1000, 1)
    return out


def hypervisor():
    for line in sh("lscpu").splitlines():
        if line.startswith("Hypervisor vendor:"):
            return line.split(":", 1)[1].strip()
    m = re.search(r"Hypervisor detected: (\S+)", sh("dmesg"))
    if m:
        return m.group(1)
    return "yes" if "hypervisor" in open("/proc/cpuinfo").read() else "none seen"


def meminfo():
    m = {}
    for line in open("/proc/meminfo"):
        k, v = line.split(":", 1)
        m[k] = int(v.split()[0]) * 1024
    return m


def python_for_filters():
    """The python3 that `#!/usr/bin/env python3` finds in the peers' PATH."""
    p = shutil.which("python3", path=PEER_PATH) or ""
    shim = False
    if p:
        try:
            shim = open(p, "rb").read(2) == b"#!"
        except OSError:
            pass
    return {"path": p, "version": sh(p, "--version") if p else "", "shim": shim}


def environment(top):
    cpu = [l.split(":", 1)[1].strip() for l in sh("lscpu").splitlines() if l.startswith("Model name")]
    mem = meminfo()
    deb = open("/etc/debian_version").read().strip() if os.path.exists("/etc/debian_version") else "?"
    return {
        "cpu": cpu[0] if cpu else "?",
        "cores": os.cpu_count(),
        "hypervisor": hypervisor(),
        "kernel": platform.release(),
        "debian": deb,
        "mem_total": mem.get("MemTotal", 0),
        "mem_available": mem.get("MemAvailable", 0),
        "thp": open("/sys/kernel/mm/transparent_hugepage/enabled").read().strip()
        if os.path.exists("/sys/kernel/mm/transparent_hugepage/enabled") else "?",
        "testigo": sh("git", "-C", top, "describe", "--always", "--dirty"),
        "versions": {
            "omindex": first_line(sh("omindex", "--version", env=peer_env())) or "not installed",
            "libxapian30": pkg("libxapian30"),
            "xapian-omega": pkg("xapian-omega"),
            "recollcmd": pkg("recollcmd"),
            "poppler-utils": pkg("poppler-utils"),
            "libpoppler-glib8": pkg("libpoppler-glib8"),
            "poppler-data": pkg("poppler-data"),
            "fontconfig": pkg("fontconfig"),
            "python3": pkg("python3"),
            "tesseract-ocr": pkg("tesseract-ocr"),
        },
        "fontconfig": fontconfig_state(),
        "filters_python": python_for_filters(),
        "peer_path": PEER_PATH,
        "top": top_processes(),
    }


def top_processes(n=8):
    """The processes using the most CPU right now (over the last ~1 s)."""
    def ticks():
        t = {}
        for p in os.listdir("/proc"):
            if p.isdigit():
                try:
                    s = open("/proc/%s/stat" % p, "rb").read()
                    name = s[s.index(b"(") + 1:s.rindex(b")")].decode("utf-8", "replace")
                    f = s.rsplit(b")", 1)[1].split()
                    t[int(p)] = (name, int(f[11]) + int(f[12]))
                except (OSError, ValueError, IndexError):
                    pass
        return t
    import time
    a = ticks()
    time.sleep(1)
    b = ticks()
    me = os.getpid()
    use = sorted(((b[p][1] - a[p][1], b[p][0]) for p in b if p in a and p != me), reverse=True)
    hz = os.sysconf("SC_CLK_TCK")
    return ["%s %.0f%%" % (name, 100.0 * d / hz) for d, name in use[:n] if d > 0]


def probes():
    """Unit costs of this machine now (see the module's comment)."""
    out = {"load1": measure.loadavg()[0]}
    n = 40
    if shutil.which("pdftotext"):
        r = measure.run(["sh", "-c", 'i=0; while [ $i -lt %d ]; do pdftotext -v 2>/dev/null; i=$((i+1)); done' % n],
                        env=peer_env(), sample=False)
        out["spawn_pdftotext_ms"] = (r["user"] + r["sys"]) * 1000 / n
        out["spawn_pdftotext_faults"] = r["minflt"] / n
    r = measure.run(["sh", "-c", 'i=0; while [ $i -lt %d ]; do /bin/true; i=$((i+1)); done' % n], sample=False)
    out["spawn_true_ms"] = (r["user"] + r["sys"]) * 1000 / n
    # 64 MB of fresh memory, written once by the kernel: 16384 page faults
    r = measure.run(["dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"], sample=False)
    out["fault_us"] = (r["user"] + r["sys"]) * 1e6 / max(r["minflt"], 1)
    out["fault_count"] = r["minflt"]
    # a fixed amount of shell arithmetic: no I/O, few faults
    r = measure.run(["sh", "-c", 'i=0; while [ $i -lt 1000000 ]; do i=$((i+1)); done'], sample=False)
    out["compute_s"] = r["user"] + r["sys"]
    return out


def _strace(cmd, env, calls):
    """Runs cmd under strace -ff (one trace file per process, so no call is
    split over two lines) and returns the trace's lines."""
    with tempfile.TemporaryDirectory(prefix="bench-strace-") as t:
        subprocess.run(["strace", "-ff", "-qq", "-e", "trace=" + calls, "-o", t + "/trace"] + cmd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, timeout=600)
        lines = []
        for f in sorted(os.listdir(t)):
            lines += open(os.path.join(t, f), errors="replace").read().splitlines()
        return lines


def _strace_execs(cmd, env):
    """Programs started (execve that succeeded) by cmd and its descendants."""
    progs = {}
    for line in _strace(cmd, env, "execve"):
        m = re.match(r'execve\("([^"]+)".* = 0$', line)
        if m:
            name = os.path.basename(m.group(1))
            progs[name] = progs.get(name, 0) + 1
    return progs


def _fontconfig_opens(cmd, env):
    """Files of fontconfig's configuration or caches that cmd opens."""
    pat = re.compile(r'"(/etc/fonts/|[^"]*fontconfig/[^"]*\.cache-|[^"]*fonts\.conf)')
    return sum(1 for line in _strace(cmd, env, "openat,open") if pat.search(line))


def why(top, pdfs, work):
    """Evidence for the report's "Why earlier numbers differed", measured on
    the PDFs in folder pdfs (a small sample: a few dozen)."""
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(pdfs) for f in fs if f.endswith(".pdf"))
    out = {"pdfs": len(files)}
    if not files:
        return out
    env = peer_env()
    os.makedirs(work, exist_ok=True)
    if shutil.which("strace"):
        execs = {}
        if shutil.which("omindex"):
            d = os.path.join(work, "why-omindex")
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
            execs["omindex"] = _strace_execs(["omindex", "--db", d + "/db", "--url", "/", pdfs], env)
        if shutil.which("recollindex"):
            d = os.path.join(work, "why-recoll")
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
            open(d + "/recoll.conf", "w").write("topdirs = %s\ndbdir = %s/xapiandb\nloglevel = 1\n" % (pdfs, d))
            execs["recollindex"] = _strace_execs(["recollindex", "-c", d], env)
        ti = os.path.join(top, "bin", "testigo-index")
        if os.access(ti, os.X_OK):
            d = os.path.join(work, "why-testigo")
            shutil.rmtree(d, ignore_errors=True)
            execs["testigo-index"] = _strace_execs([ti, "-q", "--archive", d, pdfs], env)
        out["execs"] = execs
        out["fontconfig_opens"] = {
            "pdftotext": _fontconfig_opens(["pdftotext", files[0], "/dev/null"], env),
            "pdfinfo": _fontconfig_opens(["pdfinfo", files[0]], env),
            "fc-match (control)": _fontconfig_opens(["fc-match", "sans"], env),
        }
    # the same helpers with fontconfig's caches cold: a configuration whose
    # cache folder is empty and cannot be written, so every process that
    # initialises fontconfig scans the fonts again
    # (the cache folder is below a regular file, so it can never be made)
    cold = os.path.join(work, "fontconfig-cold")
    shutil.rmtree(cold, ignore_errors=True)
    os.makedirs(cold)
    conf = os.path.join(cold, "fonts.conf")
    open(conf, "w").write('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
                          "<fontconfig>\n  <dir>/usr/share/fonts</dir>\n  <dir>/usr/local/share/fonts</dir>\n"
                          "  <cachedir>%s/fonts.conf/cache</cachedir>\n</fontconfig>\n" % cold)
    loop = 'for f; do pdftotext "$f" /dev/null; pdfinfo "$f" >/dev/null; done'
    res = {}
    for mode in ("warm", "cold", "warm again"):
        e = dict(env)
        if mode == "cold":
            e["FONTCONFIG_FILE"] = conf
        r = measure.run(["sh", "-c", loop, "sh"] + files, env=e, sample=False)
        c = measure.run(["fc-match", "sans"], env=e, sample=False)
        res[mode] = {"helpers_cpu_ms_per_pdf": (r["user"] + r["sys"]) * 1000 / len(files),
                     "faults_per_pdf": r["minflt"] / len(files),
                     "fc_match_cpu_ms": (c["user"] + c["sys"]) * 1000, "load1": r["load1"]}
    out["fontconfig_cold_vs_warm"] = res
    if shutil.which("valgrind"):
        with tempfile.TemporaryDirectory(prefix="bench-cg-") as t:
            p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + t + "/cg",
                                "pdftotext", files[0], "/dev/null"],
                               capture_output=True, text=True, env=env, timeout=600)
            m = re.search(r"Collected : (\d+)", p.stderr)
            if m:
                out["pdftotext_instructions"] = int(m.group(1))
            r = measure.run(["pdftotext", files[0], "/dev/null"], env=env, sample=False)
            out["pdftotext_cpu_ms"] = (r["user"] + r["sys"]) * 1000
            out["pdftotext_faults"] = r["minflt"]
    return out


if __name__ == "__main__":
    top = os.path.dirname(HERE)
    what = sys.argv[1] if len(sys.argv) > 1 else "env"
    if what == "env":
        print(json.dumps(environment(top), indent=1))
    elif what == "probes":
        print(json.dumps(probes(), indent=1))
    elif what == "why" and len(sys.argv) > 2:
        print(json.dumps(why(top, sys.argv[2], tempfile.mkdtemp(prefix="bench-why-")), indent=1))
    else:
        sys.exit(__doc__)
