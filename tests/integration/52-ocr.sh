# OCR: images and scanned PDF pages become searchable (corpus/escaneos, made
# by scripts/mkscans.py, known answers in corpus/ESCANEOS.md; and the
# tesseract.js images of ../shared/testdata/real/img).  Accents fold, a
# sideways photo is turned by its EXIF orientation, hits on scans name their
# page, the OCR cache spares a second recognition, and timeouts, oversized
# images, --no-ocr and missing languages are reported.
. "$(dirname "$0")/lib.sh"
A=$T/archive
S=$TOP/corpus/escaneos

# events of the last run in an archive's log, as "event code ocr.recognised ocr.cached file"
events() {
    python3 - "$1/log/ingest.jsonl" "$2" <<'PY'
import json, os, sys
lines = [json.loads(l) for l in open(sys.argv[1])][-int(sys.argv[2]):]
for e in lines:
    o = e.get("ocr", {})
    print(e["event"], e.get("code", "-"), o.get("recognised", "-"), o.get("cached", "-"),
          os.path.basename(e["location"]))
PY
}

mkdir "$T/in"
cp "$S"/* "$T/in/"
if have_real; then cp "$REAL"/img/* "$T/in/"; else skip_real "tesseract.js's images"; fi
status_is 0 "indexing images and scans completes" index "$T/in"
n=$(ls "$T/in" | wc -l)
check "every image and scan was read by OCR" \
    test "$(events "$A" "$n" | grep -c '^added - [1-9]')" -eq "$((n - 0))"

# known answers: Spanish words with accents, typed without them
expect_hits "OCR text is found accent-insensitively" 'ramon nunez' declaracion_nunez.png
expect_hits "an accented phrase is found as typed" '"Ramón Núñez"' declaracion_nunez.png
expect_hits "upper case and accents fold" 'RAMÓN NÚÑEZ incomunicado' declaracion_nunez.png
expect_hits "a noisy, unevenly lit scan is read" 'adrian pena quinones' denuncia_ruido.png
expect_hits "a phrase in a noisy scan" '"pueblo nuevo"' denuncia_ruido.png
expect_hits "a BMP notice is read" miercoles aviso_visitas.bmp
expect_hits "the rotated photo is read after its EXIF orientation" 'begona saavedra hematomas' \
    foto_acta_visita.jpg
check "the photo is dated by EXIF DateTimeOriginal" \
    test "$(json_get begona 'd["results"][0]["date"] + " " + d["results"][0]["date_source"]')" = \
    "2024-08-03T16:42:10 exif:DateTimeOriginal"
expect_hits "EXIF dates answer date: queries" 'date:2024-08-03' foto_acta_visita.jpg
expect_hits "a photo without text is found by type and EXIF date" 'type:image date:2024-07-29' \
    foto_sin_texto.jpg
if have_real; then
    expect_hits "tesseract.js's 270-degree JPEG, its PBM and its WebP" tesseract \
        tessjs__simple-270.jpg tessjs__simple.pbm tessjs__simple.webp
    expect_hits "a bank statement's words" 'chequing "line of credit"' tessjs__bill.png
    check "Chinese without chi_sim is indexed, flagged as low-confidence" \
        sh -c "'$BIN/testigo-search' --archive '$A' --json chinese | grep -q 'OCR confidence [0-9]*%: the text may be wrong'"
else
    skip_real "tesseract.js's JPEG, PBM, WebP, bank statement and Chinese text"
fi

# pages
expect_hits "a multi-page TIFF is read page by page" tocuyito expediente_fax.tif
check "a hit in a TIFF names its page" test "$(json_get tocuyito 'd["results"][0]["page"]')" = 2
expect_hits "a scanned (image-only) PDF is read" 'andres ibanez' comunicado_escaneado.pdf
check "a hit in a scanned PDF names its page" test "$(json_get ibanez 'd["results"][0]["page"]')" = 2
check "and says its text came from OCR, with the page's confidence" \
    test "$(json_get ibanez 'd["results"][0]["ocr"]["page"] == 2 and d["results"][0]["ocr"]["confidence"] > 40')" = True
expect_hits "a mixed PDF: its text page" seguimiento informe_mixto.pdf
check "  on page 1, not from OCR" \
    test "$(json_get seguimiento '[d["results"][0]["page"], d["results"][0]["ocr"]]')" = "[1, None]"
expect_hits "a mixed PDF: its scanned page" 'griselda ordonez' informe_mixto.pdf
check "  on page 2" test "$(json_get ordonez 'd["results"][0]["page"]')" = 2

# the OCR cache: re-extracting costs no recognition
check "OCR results are cached in the archive" \
    test "$(find "$A/ocr" -name '*.json' | wc -l)" -eq "$n"
status_is 0 "--reextract extracts every file again" index --reextract "$T/in"
events "$A" "$n" >"$T/ev"
check "every file was re-extracted" test "$(grep -c '^updated - ' "$T/ev")" -eq "$n"
check "with no OCR call: every page came from the cache" \
    sh -c "! grep -v '^updated - 0 [1-9]' '$T/ev'"
expect_hits "and the text is the same" 'ramon nunez' declaracion_nunez.png

# content that left the index and comes back: the cache remembers it
V=$T/v
mkdir "$T/vuelve"
cp "$S/aviso_visitas.bmp" "$T/vuelve/x.bmp"
"$BIN/testigo-index" --archive "$V" "$T/vuelve" >/dev/null
echo "otro contenido" >"$T/vuelve/x.bmp"
"$BIN/testigo-index" --archive "$V" "$T/vuelve" >/dev/null
A=$V expect_hits "a replaced image leaves the index" miercoles
cp "$S/aviso_visitas.bmp" "$T/vuelve/x.bmp"
"$BIN/testigo-index" --archive "$V" "$T/vuelve" >/dev/null
check "when it comes back it is not recognised again: the cache has it" \
    test "$(events "$V" 1)" = "updated - 0 1 x.bmp"
A=$V expect_hits "  and it is found again" miercoles x.bmp

# a second copy of an image: a duplicate, no extraction at all
cp "$S/declaracion_nunez.png" "$T/in/copia.png"
index "$T/in" >/dev/null
check "a second copy of an image is a duplicate" test "$(events "$A" 1)" = "duplicate - - - copia.png"

# timeout per page
B=$T/b
mkdir "$T/t"
cp "$S/declaracion_nunez.png" "$S/informe_mixto.pdf" "$T/t/"
status_is 1 "an image whose OCR times out is an error" \
    "$BIN/testigo-index" --archive "$B" --ocr-timeout 0.001 "$T/t"
grep -q 'declaracion_nunez.png: OCR stopped after 0.001 s (--ocr-timeout)' "$T/.err" &&
    ok "the timeout is reported with its reason" || not_ok "timeout message: $(cat "$T/.err")"
grep -q 'informe_mixto.pdf: warning: page 2 not read by OCR: OCR stopped after' "$T/.err" &&
    ok "a PDF page that timed out is reported by page number" || not_ok "page timeout message"
check "the PDF is indexed, its OCR attempted" \
    test "$(events "$B" 2 | sort | head -1)" = "added - 1 0 informe_mixto.pdf"
check "  and codes the image's failure" sh -c "grep -q '\"code\":\"timeout\"' '$B/log/ingest.jsonl'"
A=$B expect_hits "the PDF's text page is still indexed" seguimiento informe_mixto.pdf
A=$B expect_hits "the timed-out image is still listed" 'type:image' declaracion_nunez.png
check "a timed-out page is not cached" test ! -e "$B/ocr/$(sha256sum "$S/declaracion_nunez.png" | cut -c1-2)/$(sha256sum "$S/declaracion_nunez.png" | cut -c1-64).json"
status_is 0 "a failed OCR is tried again on the next run" "$BIN/testigo-index" --archive "$B" "$T/t"
A=$B expect_hits "  and then read" 'ramon nunez' declaracion_nunez.png

# an image over the pixel limit is refused from its header, with a reason
C=$T/c
mkdir "$T/big"
python3 - "$T/big/enorme.png" <<'PY'
import struct, sys, zlib
w = h = 20000  # 400 megapixels of white, 1 bit deep: a 49 KB file
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
row = b"\0" + b"\0" * ((w + 7) // 8)
z = zlib.compressobj(9)
data = b"".join(z.compress(row) for _ in range(h)) + z.flush()
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0))
                              + chunk(b"IDAT", data) + chunk(b"IEND", b""))
PY
status_is 1 "an oversized image is an error" "$BIN/testigo-index" --archive "$C" "$T/big"
grep -q 'enorme.png: image too large for OCR: 20000 x 20000 pixels (400.0 megapixels; the limit is 50.0, --ocr-max-pixels)' "$T/.err" &&
    ok "the oversized image is refused with its size and the limit" || not_ok "oversize: $(cat "$T/.err")"
grep -q 'errors: too large 1' "$T/.out" && ok "the summary counts it as too large" || not_ok "summary"
A=$C expect_hits "the oversized original is still listed" 'type:image' enorme.png
status_is 1 "--ocr-max-pixels applies to smaller images too" \
    "$BIN/testigo-index" --archive "$T/d" --ocr-max-pixels 0.5 "$S/declaracion_nunez.png"

# --no-ocr: metadata only
E=$T/e
status_is 0 "--no-ocr indexes images without OCR" "$BIN/testigo-index" --archive "$E" --no-ocr "$T/t"
A=$E expect_hits "  their text is not searched" 'ramon nunez'
A=$E expect_hits "  they are still listed" 'type:image' declaracion_nunez.png
check "  with a warning that says why" \
    test "$(A=$E json_get type:image 'd["results"][0]["warnings"][0]')" = \
    "OCR is off (--no-ocr): only the image's metadata is indexed"
test ! -d "$E/ocr" || test -z "$(find "$E/ocr" -type f)" && ok "  and nothing is cached" || not_ok "cache with --no-ocr"
status_is 0 "a second run with --no-ocr" "$BIN/testigo-index" --archive "$E" --no-ocr "$T/t"
grep -q ' 0 updated, 0 duplicate, 2 unchanged' "$T/.out" &&
    ok "  leaves them as they are" || not_ok "second --no-ocr run: $(cat "$T/.out")"

# what --no-ocr left unread is read by the next run with OCR on, in a
# nested bundle too, and only once
mkdir -p "$T/z/sub" "$T/zz"
cp "$S/aviso_visitas.bmp" "$T/z/sub/"
cp "$S/comunicado_escaneado.pdf" "$T/z/"
(cd "$T/z" && zip -qr "$T/inner.zip" sub comunicado_escaneado.pdf) &&
    (cd "$T" && zip -q zz/outer.zip inner.zip)
status_is 0 "a nested bundle of scans indexed with --no-ocr" \
    "$BIN/testigo-index" --archive "$E" --no-ocr "$T/zz"
A=$E expect_hits "  its scans' text is not searched" 'miercoles'

status_is 0 "a run with OCR on" "$BIN/testigo-index" --archive "$E" "$T/t" "$T/zz"
grep -q ' 0 added, 4 updated, 0 duplicate,' "$T/.out" &&
    ok "  reads again the four it had left: two files, two members" ||
    not_ok "OCR after --no-ocr: $(cat "$T/.out")"
A=$E expect_hits "  the files' text is found" 'ramon nunez' declaracion_nunez.png
A=$E expect_hits "  the members' text is found" 'miercoles' aviso_visitas.bmp
check "  the member's hit names its place in the bundles" \
    test "$(A=$E json_get 'miercoles' 'd["results"][0]["locations"][0]')" = \
    "$T/zz/outer.zip!/inner.zip!/sub/aviso_visitas.bmp"
status_is 0 "a run after that" "$BIN/testigo-index" --archive "$E" "$T/t" "$T/zz"
grep -q ' 0 updated, 0 duplicate, 3 unchanged' "$T/.out" &&
    ok "  finds everything unchanged" || not_ok "after OCR: $(cat "$T/.out")"


# languages
status_is 2 "a malformed --ocr-lang is a usage error" \
    "$BIN/testigo-index" --archive "$T/f" --ocr-lang '../../etc' "$T/t"
status_is 1 "a language that is not installed fails each image, with a reason" \
    "$BIN/testigo-index" --archive "$T/g" --ocr-lang xx_nonexistent "$S/aviso_visitas.bmp"
grep -q "cannot load the OCR languages 'xx_nonexistent'" "$T/.err" &&
    ok "  naming the language" || not_ok "language message: $(cat "$T/.err")"
finish
