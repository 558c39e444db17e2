# Bundles: zip, tar.gz, a single .gz, nested to any depth, provenance of
# members, every limit, unsafe member names, damage, encryption, duplicates.
. "$(dirname "$0")/lib.sh"
A=$T/archive
B=$T/bundles
python3 "$TOP/tests/integration/mkbundles.py" "$B"
mkdir "$T/in1" && mv "$B/outer.zip" "$B/docs.tar.gz" "$B/nota.txt.gz" "$T/in1/"

status_is 0 "a folder of bundles indexes with exit 0" index "$T/in1"
expect_hits "a member of a zip is found" rodriguez declaracion.txt
check "its location is written bundle!/path" \
    test "$(json_get rodriguez 'd["results"][0]["locations"][0]')" = "$T/in1/outer.zip!/folder/declaracion.txt"
check "a member of a zip inside a zip: outer.zip!/inner.zip!/acta.txt" \
    test "$(json_get ibanez 'd["results"][0]["locations"][0]')" = "$T/in1/outer.zip!/inner.zip!/acta.txt"
check "three levels: outer.zip!/inner.zip!/nested.tar.gz!/hondo.txt" \
    test "$(json_get liberacion 'd["results"][0]["locations"][0]')" = "$T/in1/outer.zip!/inner.zip!/nested.tar.gz!/hondo.txt"
expect_hits "tar.gz members are read" 'merida OR cumana' dos.txt uno.txt
check "a single .gz holds its file, named without .gz" \
    test "$(json_get valencia 'd["results"][0]["locations"][0]')" = "$T/in1/nota.txt.gz!/nota.txt"
check "same content twice in a zip: one document, two locations" \
    test "$(json_get nunez 'len(d["results"][0]["locations"])')" = 2
check "the bundle itself is a document (found by a member's name)" \
    test "$(json_get 'declaracion type:archive' 'd["total"]')" -ge 1
sha=$(sha256sum "$T/in1/outer.zip" | cut -c1-64)
check "the bundle's own bytes are in the store" cmp "$T/in1/outer.zip" "$(store_path $sha)"
msha=$(printf 'Acta de la audiencia de Ana Lucía Ibáñez en Caracas.\n' | sha256sum | cut -c1-64)
check "a member's own bytes are in the store too" test -f "$(store_path $msha)"
grep -q '"location":"[^"]*outer.zip!/../../fuera.txt","code":"unsafe name"' "$A/log/ingest.jsonl" &&
    ok "a ../ member name is recorded as a name only" || not_ok "zip slip member"
grep -q 'outer.zip!//etc/absoluto.txt","code":"unsafe name"' "$A/log/ingest.jsonl" &&
    ok "an absolute member name is recorded as a name only" || not_ok "absolute member"
grep -q 'outer.zip!/enlace","code":"link member"' "$A/log/ingest.jsonl" &&
    ok "a symlink member is recorded, not followed" || not_ok "symlink member"
check "nothing was written outside the archive" test ! -e "$T/fuera.txt" -a ! -e /etc/absoluto.txt
expect_hits "unsafe members are not indexed" '"zip slip"'

status_is 0 "re-running over bundles adds nothing" index "$T/in1"
grep -q ' 0 added, 0 updated, 0 duplicate' "$T/.out" && ok "bundles unchanged on re-run" ||
    not_ok "rerun: $(head -1 "$T/.out")"

# damage: members before it are indexed, the damage reported
status_is 1 "a truncated tar.gz is reported (exit 1)" index "$B/trunc.tar.gz"
grep -q 'trunc.tar.gz.*damaged' "$T/.err" && ok "the damage is named" || not_ok "damage message"
expect_hits "members before the damage are indexed" maturin primero.txt
expect_hits "members after it are not" 'tercero'

# limits, each reported with the location
status_is 1 "--max-member stops a member" index --max-member 1 "$B/big-member.zip"
grep -q 'big-member.zip!/grande.txt: member expands to more than 1 MB' "$T/.err" &&
    ok "member size limit named with the member's location" || not_ok "member limit: $(cat "$T/.err")"
status_is 1 "a zip bomb is stopped by the expansion ratio" index "$B/bomb.zip"
grep -q 'bomb.zip.*expansion ratio over 1000:1' "$T/.err" &&
    ok "the ratio limit names the bundle" || not_ok "ratio: $(cat "$T/.err")"
status_is 1 "--max-expanded stops a bundle" index --max-ratio 100000 --max-expanded 10 "$B/bomb.zip"
grep -q 'expands to more than 10 MB' "$T/.err" && ok "the expanded-size limit is named" ||
    not_ok "expanded: $(cat "$T/.err")"
status_is 1 "--max-members stops a long bundle" index --max-members 5 "$B/many.zip"
grep -q 'many.zip: more than 5 members' "$T/.err" && ok "the member-count limit is named" ||
    not_ok "members: $(cat "$T/.err")"
status_is 1 "bundles nested past --max-depth are not opened" index "$B/deep.zip"
grep -q 'nested deeper than 5' "$T/.err" && ok "the depth limit is named" || not_ok "depth: $(cat "$T/.err")"
expect_hits "the depth limit holds: the innermost text is not reached" carupano
status_is 0 "a deeper --max-depth reaches it" index --max-depth 8 "$B/deep.zip"
expect_hits "with --max-depth 8 the innermost text is found" carupano fondo.txt

# other projects' bundles: encryption
if have_real; then
    Z=$REAL/archive
    status_is 1 "encrypted members are reported" index "$Z/libarchive__test_read_format_zip_encryption_partially.zip"
    grep -q 'encryption_partially.zip!/foo.txt: encrypted member: needs a password' "$T/.err" &&
        ok "the encrypted member is named" || not_ok "encrypted: $(cat "$T/.err")"
    check "the plain member next to it is indexed" \
        test "$(json_get 'bar type:text' 'd["results"][0]["locations"][0]')" = "$(realpath "$Z")/libarchive__test_read_format_zip_encryption_partially.zip!/bar.txt"
    status_is 1 "a bundle with an encrypted directory is reported" index "$Z/libarchive__test_read_format_zip_encryption_header.zip"
    grep -q 'encrypted bundle: needs a password' "$T/.err" && ok "encrypted bundle named" || not_ok "encrypted bundle"
    status_is 0 "a self-extracting zip is read although libmagic calls it data" index "$Z/libarchive__test_read_format_zip_sfx"
    grep -q 'zip_sfx!/build.sh' "$A/log/ingest.jsonl" && ok "the sfx member is indexed" || not_ok "sfx"
else
    skip_real "libarchive's encrypted and self-extracting zips"
fi

# members whose locations are too long for a key of their own (over 200
# bytes) are forgotten like the others when their bundle no longer holds them
A=$T/long
mkdir "$T/lz"
python3 - "$T/lz/caso.zip" 1 <<'PY'
import sys, zipfile
d = "Carpeta de declaraciones de familiares del año 2024/" * 4
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr(d + "declaracion_de_la_abuela.txt", "Declaración de la abuela desde Nirgua.\n")
    if sys.argv[2] == "1":
        z.writestr(d + "declaracion_de_la_madre.txt", "Declaración de la madre desde Tinaquillo.\n")
PY
status_is 0 "a bundle with members at long paths" index "$T/lz"
expect_hits "  a member at a long path is found" tinaquillo declaracion_de_la_madre.txt
python3 - "$T/lz/caso.zip" 0 <<'PY'
import sys, zipfile
d = "Carpeta de declaraciones de familiares del año 2024/" * 4
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr(d + "declaracion_de_la_abuela.txt", "Declaración de la abuela desde Nirgua.\n")
PY
status_is 0 "the bundle without one of them" index "$T/lz"
grep -q '1 updated, 0 duplicate, 1 unchanged' "$T/.out" && ok "  the other member is unchanged" ||
    not_ok "long members: $(cat "$T/.out")"
expect_hits "  the member it no longer holds is gone" tinaquillo
expect_hits "  the one it still holds stays" nirgua declaracion_de_la_abuela.txt
finish
