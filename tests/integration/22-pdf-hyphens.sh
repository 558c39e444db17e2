# Words a PDF's lines cut with a hyphen are joined in its text (and so are
# found); compounds whose parts are both words keep their hyphen.  A PDF
# written here, and two real ones when ../shared/testdata/real is present.
. "$(dirname "$0")/lib.sh"
A=$T/archive
mkdir "$T/in"
python3 "$TOP/tests/integration/mkpdf.py" hyphens "$T/in/cortes.pdf"

status_is 0 "a PDF with words cut at line ends is indexed" index "$T/in"
expect_hits "a Spanish word cut at a line end is found whole" detención cortes.pdf
expect_hits "...and its plural, cut after a Spanish root" detenidos cortes.pdf
expect_hits "an English word cut at a line end is found whole" collaboration cortes.pdf
expect_hits "a phrase over a cut word" '"creative activities"' cortes.pdf
expect_hits "a word cut before an enclitic" trasladarlos cortes.pdf
expect_hits "a compound keeps its parts" '"franco venezolano"' cortes.pdf
expect_hits "...and is not glued into one word" francovenezolano
expect_hits "an English compound keeps its parts" '"well known"' cortes.pdf
txt=$(find "$A/text" -name '*.txt')
grep -q '^Declaración sobre la detención$' "$txt" && grep -q '^de Marino Alvarado' "$txt" &&
    ok "the stored text has the word whole at the end of its first line" ||
    not_ok "stored text: $(head -3 "$txt")"
grep -q 'acuerdo franco-$' "$txt" && ok "the stored text keeps a compound's hyphen and line end" ||
    not_ok "compound in the stored text"
check "the snippet shows the joined word" \
    test "$(json_get '"creative activities"' 'd["results"][0]["snippet"]')" = \
    "Zimbra Collaboration and the creative activities of a well- known author are at stake."
# without word lists: every cut before a lowercase letter is joined
A=$T/nolists
TESTIGO_DICT_DIR=$T/none status_is 0 "without word lists the PDF is indexed" index "$T/in"
expect_hits "without word lists a cut word is still joined" detención cortes.pdf
expect_hits "...and so is a compound (documented fallback)" francovenezolano cortes.pdf

if [ -d "$REAL/pdf" ]; then
    A=$T/real
    mkdir "$T/real-in"
    cp "$REAL/pdf/pdfjs__tracemonkey.pdf" "$REAL/pdf/pdfjs__freeculture.pdf" "$T/real-in/"
    status_is 0 "tracemonkey.pdf and freeculture.pdf are indexed" index "$T/real-in"
    expect_hits "'collaboration' finds tracemonkey.pdf (Col-/laboration)" \
        'collaboration type:pdf' pdfjs__freeculture.pdf pdfjs__tracemonkey.pdf
    expect_hits "'\"creative activities\"' finds freeculture.pdf (cre-/ative)" \
        '"creative activities"' pdfjs__freeculture.pdf
    expect_hits "'mixed-mode' stays a compound in tracemonkey.pdf" mixedmode
else
    echo "ok - skip - real PDFs (../shared/testdata/real absent)"
fi
finish
