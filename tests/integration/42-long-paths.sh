# Names and paths at the system's limits: a 255-byte file name (its
# FILE.json could not exist: no sidecar, not an unreadable one), folders
# 100 levels deep, a path longer than PATH_MAX (4096 bytes) with its
# manifest and sidecar, and a chain of folders deeper than the walk goes,
# reported as such.
. "$(dirname "$0")/lib.sh"
A=$T/archive
mkdir "$T/in"
python3 - "$T/in" <<'PY'
import os, sys
os.chdir(sys.argv[1])
n = "declaracion_" + "x" * (255 - 12 - 4) + ".txt"
assert len(n) == 255
open(n, "w").write("Testimonio con el nombre más largo posible: Guanare.\n")
m = "acta_" + "y" * (250 - 5 - 4) + ".txt"  # FILE.json: exactly 255 bytes
open(m, "w").write("Acta con sidecar: Calabozo.\n")
open(m + ".json", "w").write('{"title": "Acta de Calabozo"}')
p = "hondo"
for i in range(100):
    p = os.path.join(p, "n%02d" % i)
os.makedirs(p)
open(os.path.join(p, "fondo.txt"), "w").write("Al fondo de cien carpetas: Tucupita.\n")
os.mkdir("largo")
os.chdir("largo")
for i in range(40):  # 40 folders of 120 bytes: 4,800 bytes, past PATH_MAX
    name = "c%02d_" % i + "z" * 116
    os.mkdir(name)
    os.chdir(name)
open("profundo.txt", "w").write("Más allá de PATH_MAX: San Fernando de Apure.\n")
open("manifest.csv", "w").write("file,title\nprofundo.txt,Declaración profunda\n")
open("profundo.txt.json", "w").write('{"collection": "Apure"}')
assert len(os.getcwd()) > 4096
PY

status_is 0 "long names and deep paths index with exit 0" index "$T/in"
grep -q ' 0 errors' "$T/.out" && ok "  no errors" || not_ok "errors: $(cat "$T/.out" "$T/.err" | cut -c1-300)"
expect_hits "a 255-byte file name is indexed" guanare "declaracion_$(printf 'x%.0s' $(seq 239)).txt"
check "  and is not restricted (it has no sidecar)" \
    test "$(json_get guanare 'd["results"][0].get("restricted")')" = False
check "a 250-byte name's FILE.json (255 bytes) is read" \
    test "$(json_get calabozo 'd["results"][0]["title"]')" = "Acta de Calabozo"
expect_hits "a file 100 folders deep is indexed" tucupita fondo.txt
expect_hits "a file whose path is longer than PATH_MAX is indexed" apure profundo.txt
check "  its path is whole" test "$(json_get apure 'len(d["results"][0]["locations"][0])')" -gt 4096
check "  its folder's manifest.csv gives its title" \
    test "$(json_get apure 'd["results"][0]["title"]')" = "Declaración profunda"
expect_hits "  its FILE.json gives its collection" 'collection:apure' profundo.txt
check "  and the sidecar files are not documents" test "$(json_get 'collection OR title' 'd["total"]')" = 0
status_is 0 "a second run" index "$T/in"
grep -q ' 0 added, 0 updated, 0 duplicate, 4 unchanged' "$T/.out" && ok "  finds them unchanged" ||
    not_ok "rerun: $(head -2 "$T/.out")"

# deeper than the walk goes: said so, and what is above is read
A=$T/b
mkdir "$T/chain"
python3 - "$T/chain" <<'PY'
import os, sys
os.chdir(sys.argv[1])
open("arriba.txt", "w").write("Encima de la cadena: Maturín.\n")
for i in range(10001):
    os.mkdir("d")
    os.chdir("d")
    if i == 50:
        open("medio.txt", "w").write("A medio camino: Porlamar.\n")
open("nunca.txt", "w").write("Nunca leído.\n")
PY
status_is 1 "folders more than 10,000 levels deep are an error (exit 1)" index "$T/chain"
grep -q 'folder nested more than 10000 levels deep: not read' "$T/.err" &&
    ok "  with the true reason" || not_ok "reason: $(cut -c1-200 "$T/.err" | tail -3)"
grep -q 'Too many levels of symbolic links' "$T/.err" && not_ok "  no symbolic link is blamed" ||
    ok "  no symbolic link is blamed"
expect_hits "  the files above are read" 'maturin OR porlamar' arriba.txt medio.txt
finish
