#!/usr/bin/env python3
"""Runs a command and reports its wall time and peak memory, with all its
descendants: the largest sum of PSS (proportional set size: shared library
pages are split among the processes that map them, so summing is fair)
seen over the process tree, sampled every 50 ms.

usage: measure.py OUT.json CMD ARGS...   (exit status: the command's)"""
import json, os, subprocess, sys, time

def tree(root):
    kids, pids = {}, [root]
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open("/proc/%s/stat" % p) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(p))
            except OSError:
                pass
    out = []
    while pids:
        p = pids.pop()
        out.append(p)
        pids.extend(kids.get(p, []))
    return out

def pss(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0

out, cmd = sys.argv[1], sys.argv[2:]
t0 = time.monotonic()
proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
peak = 0
while proc.poll() is None:
    peak = max(peak, sum(pss(p) for p in tree(proc.pid)))
    time.sleep(0.05)
wall = time.monotonic() - t0
err = proc.stderr.read().decode("utf-8", "replace")
json.dump({"wall": wall, "peak_pss": peak, "status": proc.returncode, "stderr": err[-2000:]},
          open(out, "w"))
sys.exit(proc.returncode)
