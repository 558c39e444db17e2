#!/usr/bin/env python3
"""Runs one command and measures it with all its descendants.

What one run records (run() returns it as a dict):
- wall: seconds from spawn to exit, noticed at once (the wait is a poll on
  a pidfd, not a sleep loop);
- user, sys, maxrss_kb, minflt, majflt, nvcsw, nivcsw: from wait4() on the
  command, which includes every descendant it waited for.  This process is
  made a child subreaper, so a descendant whose parent did not wait for it
  (a daemon, an orphan) is handed to us, waited for (a minute at most), and
  added in; "strays" counts them, "left_running" those still running then;
- peak_pss: the largest sum of PSS (proportional set size: shared pages
  are split among the processes that map them, so summing is fair) over
  the process tree, sampled every BENCH_SAMPLE_MS (default 100) ms;
  sampler_cpu is what sampling cost this process, on the same cores;
- load1 and running: /proc/loadavg just before the spawn (1-minute load
  average, runnable tasks);
- others_cpu: busy CPU seconds of the whole machine during the run
  (/proc/stat) minus the command's and the sampler's: what everything
  else on the machine used meanwhile (tick-based, so +-0.02 s or so);
- forks: processes created on the whole machine during the run
  (/proc/stat "processes"): the command's own on a quiet machine.

usage: measure.py OUT.json CMD ARGS...   (exit status: the command's)"""
import ctypes, json, os, resource, select, shutil, signal, sys, time

PR_SET_CHILD_SUBREAPER = 36
SAMPLE = float(os.environ.get("BENCH_SAMPLE_MS", "100")) / 1000
HZ = os.sysconf("SC_CLK_TCK")
_subreaper = None


def become_subreaper():
    """Makes orphaned descendants our children (so their CPU is counted)."""
    global _subreaper
    if _subreaper is None:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            _subreaper = libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
        except (OSError, AttributeError):
            _subreaper = False
    return _subreaper


def loadavg():
    f = open("/proc/loadavg").read().split()
    return float(f[0]), int(f[3].split("/")[0])


def machine_cpu():
    """(busy CPU seconds since boot over all cores, processes created)."""
    busy, forks = 0.0, 0
    for line in open("/proc/stat"):
        if line.startswith("cpu "):
            v = [int(x) for x in line.split()[1:]]
            # user nice system idle iowait irq softirq steal (guest is in user)
            busy = (v[0] + v[1] + v[2] + v[5] + v[6] + (v[7] if len(v) > 7 else 0)) / HZ
        elif line.startswith("processes "):
            forks = int(line.split()[1])
    return busy, forks


_ppid = {}


def descendants(root):
    """Pids of root's descendants (not root), from /proc/*/stat.  A pid's
    parent is read once and kept while the pid stays listed (reading every
    process's stat at each sample would cost more than the sampling)."""
    kids, seen = {}, set()
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        pid = int(p)
        seen.add(pid)
        ppid = _ppid.get(pid)
        if ppid is None:
            try:
                with open("/proc/%s/stat" % p, "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            _ppid[pid] = ppid
        kids.setdefault(ppid, []).append(pid)
    for pid in set(_ppid) - seen:
        del _ppid[pid]
    out, todo = [], list(kids.get(root, []))
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def pss(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid, "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cpu_self():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _spawn(cmd, stdin, stderr, cwd, env):
    fa = [(os.POSIX_SPAWN_OPEN, 0, stdin or "/dev/null", os.O_RDONLY, 0),
          (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
          (os.POSIX_SPAWN_OPEN, 2, stderr or "/dev/null", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)]
    if cwd:
        # posix_spawn has no chdir before Python 3.13's file actions: a shell does it
        cmd = ["sh", "-c", 'cd "$0" && exec "$@"', cwd] + list(cmd)
    env = env if env is not None else dict(os.environ)
    # the command is looked up in the PATH it is given, not ours
    path = shutil.which(cmd[0], path=env.get("PATH", os.defpath)) or cmd[0]
    # a session of its own, so that a run past its time can be ended as a
    # whole (its process group), and nothing else
    return os.posix_spawn(path, cmd, env, file_actions=fa, setsid=True)


def _add(total, ru):
    total["user"] += ru.ru_utime
    total["sys"] += ru.ru_stime
    total["maxrss_kb"] = max(total["maxrss_kb"], ru.ru_maxrss)
    for k in ("minflt", "majflt", "nvcsw", "nivcsw"):
        total[k] += getattr(ru, "ru_" + k)


def run(cmd, stdin=None, stderr=None, cwd=None, env=None, sample=True, timeout=None):
    """Runs cmd (a list) to its end, or kills its process group after
    timeout seconds (BENCH_TIMEOUT, default 7200; "timed_out" says so);
    returns the measurements (see above)."""
    if timeout is None:
        timeout = float(os.environ.get("BENCH_TIMEOUT", "7200"))
    killed = False
    become_subreaper()
    load1, running = loadavg()
    busy0, forks0 = machine_cpu()
    self0 = cpu_self()
    start = time.time()
    t0 = time.monotonic()
    pid = _spawn(cmd, stdin, stderr, cwd, env)
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    peak, samples = 0, 0
    while True:
        got, status, ru = os.wait4(pid, os.WNOHANG)
        if got == pid:
            break
        if not killed and time.monotonic() - t0 > timeout:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            killed = True
        if sample:
            peak = max(peak, sum(pss(p) for p in descendants(os.getpid())))
            samples += 1
        if pidfd is not None:
            select.select([pidfd], [], [], SAMPLE)
        else:
            time.sleep(min(SAMPLE, 0.01))
    wall = time.monotonic() - t0
    if pidfd is not None:
        os.close(pidfd)
    r = {"cmd": [str(c) for c in cmd], "start": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(start)),
         "wall": wall, "user": 0.0, "sys": 0.0, "maxrss_kb": 0, "minflt": 0, "majflt": 0,
         "nvcsw": 0, "nivcsw": 0, "peak_pss": peak, "samples": samples,
         "load1": load1, "running": max(running - 1, 0), "strays": 0, "timed_out": killed}
    _add(r, ru)
    r["status"] = os.waitstatus_to_exitcode(status)
    # descendants handed to us as orphans: wait for them (a minute at most)
    deadline = time.monotonic() + 60
    while True:
        try:
            got, _, ru = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if got == 0:
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
            continue
        r["strays"] += 1
        _add(r, ru)
    r["left_running"] = len(descendants(os.getpid()))
    busy1, forks1 = machine_cpu()
    r["sampler_cpu"] = cpu_self() - self0
    r["others_cpu"] = busy1 - busy0 - r["user"] - r["sys"] - r["sampler_cpu"]
    r["forks"] = forks1 - forks0
    if stderr:
        try:
            with open(stderr, "rb") as f:
                f.seek(max(0, os.path.getsize(stderr) - 2000))
                r["stderr"] = f.read().decode("utf-8", "replace")
        except OSError:
            pass
    return r


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    res = run(sys.argv[2:], stderr=sys.argv[1] + ".err")
    with open(sys.argv[1], "w") as f:
        json.dump(res, f, indent=1)
    sys.exit(res["status"] if res["status"] >= 0 else 128 - res["status"])
