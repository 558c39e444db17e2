# Ranking against keyword stuffing (issue 15): a 10 MB file of "preso
# político Caracas" over and over must not come first for preso among real
# testimonies (the sample corpus); a word's repetitions count at most as
# times (lib/index/xap.cc, CappedBM25), and length normalisation weighs the
# rest against its length.
. "$(dirname "$0")/lib.sh"
A=$T/archive
D=$T/docs
mkdir -p "$D"
cp -r "$TOP/corpus/testimonios" "$TOP/corpus/noticias" "$D/"
python3 - "$D/relleno.txt" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    line = "preso político Caracas " * 16 + "\n"
    for _ in range(10 * 2**20 // len(line.encode())):
        f.write(line)
EOF
index "$D" >/dev/null
for q in preso 'preso político' caracas 'preso político caracas'; do
    search --json --limit 10 "$q" >"$T/r.json"
    check "the stuffed file is not first for $q" python3 -c "
import json
r = json.load(open('$T/r.json'))['results']
assert len(r) >= 2, r
assert not r[0]['locations'][0].endswith('relleno.txt'), [x['locations'][0] for x in r]
"
done
search --json --limit 100 preso >"$T/r.json"
check "...it is still found, after the testimonies that say preso" python3 -c "
import json
r = [x['locations'][0].rsplit('/', 1)[-1] for x in json.load(open('$T/r.json'))['results']]
assert 'relleno.txt' in r, r
i = r.index('relleno.txt')
assert i >= 3, r
"
finish
