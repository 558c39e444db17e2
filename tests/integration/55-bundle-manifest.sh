# A manifest.csv at the root of a zip gives its members' metadata, whether
# it comes before or after them in the zip; it is never a document itself.
. "$(dirname "$0")/lib.sh"
A=$T/archive
mkdir "$T/in"
python3 - "$T/in" <<'PY'
import sys, zipfile
out = sys.argv[1]
rows = ("file,title,collection,restricted,tags\n"
        "acta1.txt,Acta uno,Caso Llanos,false,llanos\n"
        "sub/acta2.txt,Acta dos,Caso Llanos,true,reservado\n")
for name, first in (("antes.zip", True), ("despues.zip", False)):
    with zipfile.ZipFile(out + "/" + name, "w") as z:
        if first:
            z.writestr("manifest.csv", rows)
        z.writestr("acta1.txt", "Acta primera sobre Guarico (%s).\n" % name)
        z.writestr("sub/acta2.txt", "Acta segunda sobre Apure (%s).\n" % name)
        z.writestr("acta3.txt", "Acta tercera sobre Cojedes (%s).\n" % name)
        if not first:
            z.writestr("manifest.csv", rows)
PY
status_is 0 "bundles with a manifest index with exit 0" index -v "$T/in"
grep -q 'antes.zip!/manifest.csv: skipped: manifest of antes.zip' "$T/.err" &&
    ok "the manifest is reported as a sidecar, not indexed" || not_ok "manifest skip"
for z in antes despues; do
    check "$z.zip: a member gets its row's title and collection" \
        test "$(json_get "guarico $z" 'd["results"][0]["title"] + "|" + ",".join(d["results"][0]["metadata"]["collection"])')" = "Acta uno|Caso Llanos"
    check "$z.zip: a member in a folder is matched by its path" \
        test "$(json_get "apure $z" 'str(d["results"][0]["restricted"]) + "|" + d["results"][0]["title"]')" = "True|Acta dos"
    check "$z.zip: a member the manifest does not name has no metadata" \
        test "$(json_get "cojedes $z" 'd["results"][0]["metadata"]')" = "{}"
done
expect_hits "collection: finds the members of both zips" 'collection:"caso llanos" guarico' acta1.txt acta1.txt
status_is 0 "a second run changes nothing" index "$T/in"
grep -q ' 0 added, 0 updated' "$T/.out" && ok "re-run: nothing added or updated" || not_ok "rerun: $(head -1 "$T/.out")"
finish
