#!/usr/bin/env python3
"""Who waits for whom during one testigo-index run (docs/benchmarking.md,
"For the CPU work").

Runs the command given, samples every few milliseconds the scheduler state
of its main process (the coordinator), of the coordinator's other threads
and of its children (the workers) from /proc, and prints:

- each role's CPU seconds (user + system) against the wall time, and the
  cores kept busy on average;
- how often each combination of states was seen: "C" the coordinator, "W"
  one letter per worker, R running or ready to run, S asleep, D in
  uninterruptible sleep (usually disk); "+nT" n other coordinator threads
  running (the store's sync threads);
- where the sleepers slept (/proc/PID/wchan: unix_stream_read_generic is a
  worker waiting on its socket for the coordinator, poll_schedule_timeout
  the coordinator waiting for the workers).

The sampler itself takes a few percent of one core; run it on a quiet
machine and compare runs of one build with another, not with bench/run.sh's
numbers.

Usage: bench/states.py [--interval MS] -- bin/testigo-index --archive A DIR
"""
import collections
import os
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def stat(path):
    """(state letter, CPU seconds) of /proc/.../stat, or None."""
    s = read(path + "/stat")
    if not s:
        return None
    f = s.rsplit(")", 1)[1].split()
    return f[0], (int(f[11]) + int(f[12])) / TICK


def main(argv):
    interval = 0.003
    if argv[:1] == ["--interval"]:
        interval = float(argv[1]) / 1000
        argv = argv[2:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        sys.exit(__doc__)
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cpu = {}  # (role, id) -> last CPU seconds seen
    combos = collections.Counter()
    chans = collections.Counter()
    n = 0
    root = "/proc/%d" % p.pid
    while p.poll() is None:
        main_st = stat("%s/task/%d" % (root, p.pid))  # its own thread: root's stat sums them all
        if not main_st:
            break
        cpu[("coordinator", p.pid)] = main_st[1]
        others = 0
        for t in os.listdir(root + "/task") if os.path.isdir(root + "/task") else []:
            if t == str(p.pid):
                continue
            ts = stat("%s/task/%s" % (root, t))
            if ts:
                cpu[("coordinator threads", t)] = ts[1]
                others += ts[0] == "R"
        kids = (read("%s/task/%d/children" % (root, p.pid)) or "").split()
        states = []
        for k in kids:
            ks = stat("/proc/" + k)
            if ks:
                cpu[("workers", k)] = ks[1]
                states.append(ks[0])
                if ks[0] != "R":
                    chans["worker: " + (read("/proc/%s/wchan" % k) or "?")] += 1
        if main_st[0] != "R":
            chans["coordinator: " + (read(root + "/wchan") or "?")] += 1
        combos["C%s W%s%s" % (main_st[0], "".join(sorted(states)), " +%dT" % others if others else "")] += 1
        n += 1
        time.sleep(interval)
    wall = time.monotonic() - t0
    if p.wait() != 0:
        print("states.py: the command exited with status %d" % p.returncode, file=sys.stderr)
    by_role = collections.defaultdict(float)
    for (role, _), s in cpu.items():
        by_role[role] += s
    total = sum(by_role.values())
    print("wall %.2f s; CPU %.2f s (%.2f cores busy on average); %d samples" % (wall, total, total / wall, n))
    for role in ("coordinator", "coordinator threads", "workers"):
        print("  %-20s %6.2f s CPU" % (role, by_role.get(role, 0)))
    print("states seen (C coordinator, W workers; R running or ready, S asleep, D disk):")
    for k, v in combos.most_common(10):
        print("  %5.1f%%  %s" % (100 * v / max(n, 1), k))
    print("where the sleepers slept (% of samples):")
    for k, v in chans.most_common(8):
        print("  %5.1f%%  %s" % (100 * v / max(n, 1), k))


if __name__ == "__main__":
    main(sys.argv[1:])
