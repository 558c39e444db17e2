# OCR of pages that lie turned without EXIF orientation (made by
# tests/integration/mkturned.py; and tesseract's phototest, tesseract.js's
# testocr.png of ../shared/testdata/real/img, turned 90, 180 and 270
# degrees): they are found and read turned back, the turn is recorded,
# upright pages cost no orientation check, the OCR cache keeps the turn and
# re-reads what an older Testigo read before it checked orientation, and
# without tesseract's OSD model OCR works as before, with a warning.
. "$(dirname "$0")/lib.sh"
A=$T/archive
mkdir "$T/in"
photo=
if [ -f "$REAL/img/tessjs__testocr.png" ]; then
    photo=$REAL/img/tessjs__testocr.png
else
    echo "# skip - phototest turned 90/180/270 (../shared/testdata/real absent)"
fi
python3 "$TOP/tests/integration/mkturned.py" "$T/in" $photo

# the ingest log's last N events: "event recognised cached checks file"
# (checks: tesseract's orientation checks, OSD)
events() {
    python3 - "$1/log/ingest.jsonl" "$2" <<'PY'
import json, os, sys
for l in open(sys.argv[1]).readlines()[-int(sys.argv[2]):]:
    e = json.loads(l)
    o = e.get("ocr", {})
    print(e["event"], o.get("recognised", "-"), o.get("cached", "-"),
          o.get("orientation_checks", 0), os.path.basename(e["location"]))
PY
}
# page QUERY: "file rotation confidence" of each hit's OCR page entry
page() {
    "$BIN/testigo-search" --archive "$A" --json --limit 100 "$1" | python3 -c '
import json, os, sys
for r in json.load(sys.stdin)["results"]:
    o = r["ocr"] or {}
    print(os.path.basename(r["locations"][0]), o.get("rotation", 0), o.get("confidence", -1))' |
        sort
}
n=$(ls "$T/in" | wc -l)
status_is 0 "indexing turned scans completes" index "$T/in"
events "$A" "$n" >"$T/ev"
check "every file was read by OCR" test "$(grep -c '^added [12] 0 [01] ' "$T/ev")" -eq "$n"

expect_hits "a page on its right side is read" 'wilmer castaneda rodeo' \
    constancia_90.png constancia_180.png constancia_270.bmp
check "  each turned back as it lay: 90, 180, 270 degrees, and reads well" \
    test "$(page 'wilmer castaneda' | awk '$3 >= 75 {print $1, $2}' | tr '\n' ' ')" = \
    "constancia_180.png 180 constancia_270.bmp 270 constancia_90.png 90 "
check "  with one reading and one check each: leptonica's look sent them to OSD first" \
    test "$(grep -c '^added 1 0 1 constancia_' "$T/ev")" -eq 3
expect_hits "a scanner's PDF whose page image lies on its side" 'yusmary ocanto' \
    traslado_de_lado.pdf
check "  turned 90" test "$(page 'yusmary ocanto' | cut -d' ' -f1,2)" = "traslado_de_lado.pdf 90"
expect_hits "a small label upside down" 'nelson guaramato' etiqueta_180.png
check "  too little text for the quick look: read, checked, read again turned" \
    grep -q '^added 2 0 1 etiqueta_180.png' "$T/ev"
check "  turned 180" test "$(page guaramato | cut -d' ' -f2)" = 180
expect_hits "the upright control page" barquisimeto recibo_derecho.png
check "  read once, no orientation check, not turned" grep -q '^added 1 0 0 recibo_derecho.png' "$T/ev"
check "  its page has no rotation" test "$(page barquisimeto | cut -d' ' -f2)" = 0
if [ -n "$photo" ]; then
    expect_hits "tesseract's phototest turned 90, 180 and 270 degrees" '"quick brown dog"' \
        phototest_90.png phototest_180.png phototest_270.png
    check "  each turned back" \
        test "$(page '"quick brown dog"' | awk '{print $2}' | tr '\n' ' ')" = "180 270 90 "
fi

# the cache keeps each page's turn: re-extracting reads nothing again
status_is 0 "--reextract" index --reextract "$T/in"
events "$A" "$n" >"$T/ev2"
check "  every page comes from the cache" test "$(grep -c '^updated 0 1 0 ' "$T/ev2")" -eq "$n"
check "  and the turns are still recorded" \
    test "$(page 'wilmer castaneda' | awk '{print $2}' | tr '\n' ' ')" = "180 270 90 "

# a cache written before Testigo checked orientation (no "v": 2) holds
# what the old reading made of a turned page: a re-extraction reads again
# the pages that read badly and keeps those that read well
sha90=$(sha256sum "$T/in/constancia_90.png" | cut -c1-64)
shaok=$(sha256sum "$T/in/recibo_derecho.png" | cut -c1-64)
for s in "$sha90:Sc deja consiancia 6e quc:48" "$shaok:RECIBO DE VISITA barquisimeto:93"; do
    sha=${s%%:*} rest=${s#*:}
    printf '{"lang": "spa+eng", "engine": "tesseract 5.3.0", "pages": {"1": {"text": "%s", "confidence": %s}}}' \
        "${rest%:*}" "${rest##*:}" >"$A/ocr/$(echo "$sha" | cut -c1-2)/$sha.json"
done
status_is 0 "--reextract over an older cache" index --reextract "$T/in/constancia_90.png" \
    "$T/in/recibo_derecho.png"
events "$A" 2 | sort >"$T/ev3"
check "  the page that read badly is read again, the good one is not" \
    test "$(cat "$T/ev3" | tr '\n' ' ')" = "updated 0 1 0 recibo_derecho.png updated 1 0 1 constancia_90.png "
expect_hits "  and the turned page is found again" 'wilmer castaneda' \
    constancia_90.png constancia_180.png constancia_270.bmp
check "  its cache file is now of this version, with the turn and the words' boxes" \
    python3 -c "import json,sys; d=json.load(open('$A/ocr/$(echo "$sha90" | cut -c1-2)/$sha90.json')); sys.exit(not (d['v'] == 3 and d['pages']['1']['rotation'] == 90 and d['pages']['1']['words']))"

# without osd.traineddata: the models Testigo needs, but not OSD's
tess=$T/tessdata
mkdir "$tess"
for f in /usr/share/tesseract-ocr/*/tessdata/spa.traineddata /usr/share/tesseract-ocr/*/tessdata/eng.traineddata; do
    ln -s "$f" "$tess/"
done
B=$T/sin-osd
status_is 0 "without the OSD model, OCR still works" \
    env TESSDATA_PREFIX="$tess" "$BIN/testigo-index" --archive "$B" "$T/in/constancia_90.png" \
    "$T/in/recibo_derecho.png"
grep -q "warning: tesseract's OSD model (osd.traineddata, Debian package tesseract-ocr-osd) is not installed" "$T/.err" &&
    ok "  with a warning that names the package" || not_ok "no OSD warning: $(cat "$T/.err")"
test "$(grep -c "OSD model" "$T/.err")" -eq 1 && ok "  said once" || not_ok "OSD warning repeated"
A=$B expect_hits "  the upright page is read as before" barquisimeto recibo_derecho.png
A=$B expect_hits "  the turned one as before: not found" 'wilmer castaneda'
check "  its record says its orientation was not checked" \
    sh -c "'$BIN/testigo-search' --archive '$B' --json 'type:image' | grep -q 'its orientation could not be checked'"
status_is 0 "once OSD is there, --reextract reads the unchecked page again" \
    "$BIN/testigo-index" --archive "$B" --reextract "$T/in/constancia_90.png" "$T/in/recibo_derecho.png"
events "$B" 2 | sort >"$T/ev4"
check "  only that page" \
    test "$(cat "$T/ev4" | tr '\n' ' ')" = "updated 0 1 0 recibo_derecho.png updated 1 0 1 constancia_90.png "
A=$B expect_hits "  and now it is found" 'wilmer castaneda' constancia_90.png
finish
