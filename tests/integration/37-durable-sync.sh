#!/bin/sh
# Before each index commit the indexer makes durable exactly the files the
# commit refers to (lib/index/store.c, tg_store_sync): every original, text
# and OCR file of the batch with fdatasync, then every folder holding their
# names with fsync, all before Xapian's commit; and it never calls syncfs,
# which would write back every dirty page of the whole file system.  Traced
# with strace (-f follows the workers and the sync threads, -y names each
# descriptor's file).  Files may be synced early, in the background, but
# never after the commit that names them.  docs/architecture.md,
# "Durability".
. "$(dirname "$0")/lib.sh"

if ! command -v strace >/dev/null 2>&1; then
    skip "durable sync (strace absent; scripts/deps.sh installs it)"
    finish
fi
mkdir -p "$T/in/sub"
printf 'Testimonio de Ana Pérez sobre la detención del 3 de mayo de 1976.\n' >"$T/in/a.txt"
printf 'A second statement, in English, about the same night.\n' >"$T/in/sub/b.txt"
printf '<html><body><p>Una página guardada del diario.</p></body></html>\n' >"$T/in/c.html"
python3 - "$T/in/d.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("m1.txt", "Un miembro del paquete, con su propio texto.\n")
    z.writestr("dir/m2.txt", "Otro miembro, en una carpeta del paquete.\n")
PY
# enough files that the writer syncs chunks of them in the background
# while it goes on (tg_store_sync_ahead), not only at the commit
mkdir -p "$T/in/many"
i=0
while [ $i -lt 150 ]; do
    printf 'Declaración %d: el testigo vio el traslado.\n' $i >"$T/in/many/d$i.txt"
    i=$((i + 1))
done
A=$T/archive
# LeakSanitizer cannot run under ptrace (the ASan build's leak check is
# left to the other tests)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -f -qq -y -e trace=fsync,fdatasync,syncfs -o "$T/trace" \
    "$BIN/testigo-index" --quiet --archive "$A" "$T/in" >"$T/out" 2>&1 ||
    { not_ok "index under strace"; sed 's/^/#   /' "$T/out" | head; finish; }

check "no syncfs" sh -c "! grep -q 'syncfs(' '$T/trace'"

# line number of each sync of a path, and the last sync under index/ (the
# end of Xapian's commit)
python3 - "$A" "$T/trace" >"$T/report" <<'PY' || true
import os, re, sys
arch, trace = os.path.realpath(sys.argv[1]), sys.argv[2]
starts, ends = {}, {}  # path -> line numbers where its syncs began, ended well
open_calls = {}  # pid -> path of a call strace shows "unfinished"
last_index = -1
for n, line in enumerate(open(trace, errors="replace")):
    pid = line.split(" ", 1)[0]
    m = re.search(r"\b(fsync|fdatasync)\(\d+<([^>]*)>", line)
    if m:
        p = m.group(2)
        starts.setdefault(p, []).append(n)
        if p.startswith(arch + "/index/"):
            last_index = n
        if "<unfinished" in line:
            open_calls[pid] = p
            continue
    elif re.search(r"<\.\.\. f(data)?sync resumed>", line):
        p = open_calls.pop(pid, None)
    else:
        continue
    if p and re.search(r"\)\s*= 0\s*$", line):
        ends.setdefault(p, []).append(n)
synced = {p: [e for e in ends.get(p, []) if e < last_index] for p in starts}
bad = 0
want = []
for area in ("store", "text", "ocr"):
    top = os.path.join(arch, area)
    want.append(top)
    for ab in sorted(os.listdir(top)):
        want.append(os.path.join(top, ab))
        for f in sorted(os.listdir(os.path.join(top, ab))):
            want.append(os.path.join(top, ab, f))
files = [p for p in want if os.path.isfile(p)]
print("files", len(files))
for p in want:
    if not ends.get(p):
        print("never synced:", p); bad = 1
    elif not synced[p]:
        print("synced only after the commit:", p); bad = 1
# a file's data durable before the folder that names it is synced
for p in files:
    d = os.path.dirname(p)
    if synced.get(p) and starts.get(d) and not any(s > min(synced[p]) for s in starts[d]):
        print("folder synced before its file:", p); bad = 1
print("bad", bad)
PY
nfiles=$(sed -n 's/^files //p' "$T/report")
check "the archive holds originals and texts to check ($nfiles files)" test "${nfiles:-0}" -ge 8
if grep -q '^bad 0$' "$T/report"; then
    ok "every original, text and folder synced before the commit, files before folders"
else
    not_ok "files not synced before the commit"
    grep -v '^bad\|^files' "$T/report" | sed 's/^/#   /' | head -20
fi
check "found after the traced run" sh -c "'$BIN/testigo-search' --archive '$A' --json 'paquete' | grep -q '\"total\": 2'"
finish
