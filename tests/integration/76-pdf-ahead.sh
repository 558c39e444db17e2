# Small PDFs are extracted while the indexer decides whether it wants them
# (indexer/worker/worker.c, "extracted ahead"; docs/protocol.md): the
# answer may be "skip" (the same content again), and a PDF with pages
# without text is extracted again, with OCR, once the answer is "go".
# Many small PDFs, copies of them and scanned PDFs mixed in one folder, so
# that jobs are also sent ahead behind scans.
. "$(dirname "$0")/lib.sh"
A=$T/archive
S=$TOP/corpus/escaneos
mkdir -p "$T/in/a" "$T/in/b"
i=0
while [ $i -lt 40 ]; do
    python3 "$TOP/tests/integration/mkpdf.py" doc "$T/in/a/acta$i.pdf" 2024-03-0$((i % 9 + 1)) \
        "Acta $i" "Acta numero $i del tribunal de control.
El detenido numero$i fue trasladado." >/dev/null
    i=$((i + 1))
done
cp "$T/in/a/acta7.pdf" "$T/in/b/copia7.pdf"
cp "$T/in/a/acta8.pdf" "$T/in/b/copia8.pdf"
cp "$S/comunicado_escaneado.pdf" "$S/informe_mixto.pdf" "$T/in/b/"

status_is 0 "indexing small PDFs, copies and scans completes" index --jobs 2 "$T/in"
check "one document per content (40 + 2 scans)" \
    test "$(json_get 'type:pdf' 'd["total"]')" = 42
check "a copy is a second location of its document, not a document" \
    test "$(json_get numero7 'len(d["results"][0]["locations"])')" = 2
expect_hits "a text PDF's words" 'numero12' acta12.pdf
expect_hits "a scanned PDF is read by OCR after its text layer was found empty" \
    'andres ibanez' comunicado_escaneado.pdf
expect_hits "a mixed PDF: its scanned page" 'griselda ordonez' informe_mixto.pdf
check "no scan says OCR was off" \
    test "$(json_get 'type:pdf' 'sum(1 for r in d["results"] for w in r["warnings"] if "OCR is off" in w)')" = 0

# with OCR off, what was extracted ahead is the document
A=$T/noocr
status_is 0 "the same with --no-ocr" index --no-ocr --jobs 2 "$T/in"
check "its scans say OCR was off" \
    test "$(json_get 'type:pdf' 'sum(1 for r in d["results"] for w in r["warnings"] if "OCR is off" in w)')" = 2
expect_hits "their scanned pages are not searched" 'andres ibanez'
finish
