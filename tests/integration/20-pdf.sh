# PDFs from other projects' test suites (../shared/testdata/real/pdf):
# encrypted with an empty password, needing a password, damaged, paged.
. "$(dirname "$0")/lib.sh"
A=$T/archive
P=$REAL/pdf
have_real || { skip_real "other projects' PDFs"; finish; }
mkdir "$T/in"
for f in bug1815476 issue3371 REDHAT-1531897-0 tracemonkey french_diacritics poppler-85140-0; do
    cp "$P/pdfjs__$f.pdf" "$T/in/"
done

status_is 1 "a run with unreadable PDFs finishes with exit 1" index "$T/in"
grep -q 'pdfjs__issue3371.pdf: encrypted PDF: needs a password' "$T/.err" &&
    ok "password-protected PDF reported with its reason" || not_ok "password message"
grep -q 'pdfjs__REDHAT-1531897-0.pdf: not a readable PDF (corrupt or truncated)' "$T/.err" &&
    ok "damaged PDF reported with its reason" || not_ok "damaged message"
grep -q 'errors: .*corrupt 1' "$T/.out" && grep -q 'encrypted 1' "$T/.out" &&
    ok "summary counts errors by reason" || not_ok "summary: $(cat "$T/.out")"

expect_hits "empty user password: the form is indexed" expediente pdfjs__bug1815476.pdf
check "its metadata title is the result title" \
    test "$(json_get expediente 'd["results"][0]["title"]')" = "solicitud del titulo"
check "its creation date is the document date, with its source" \
    test "$(json_get expediente 'd["results"][0]["date"][:10] + " " + d["results"][0]["date_source"]')" = "2020-10-14 pdf:CreationDate"
expect_hits "the password-protected original is still listed by type" \
    'type:pdf -expediente -tracemonkey -diacritics -poppler' pdfjs__REDHAT-1531897-0.pdf pdfjs__issue3371.pdf
check "it is marked as not extracted" \
    test "$(json_get 'issue3371' 'd["results"][0]["extraction"]')" = failed
check "and can be found by file name" test "$(json_get 'issue3371' 'd["total"]')" = 1

# pages: the hit names its page
check "a hit on page 1 says page 1" test "$(json_get '"Trace-based Just-in-Time"' 'd["results"][0]["page"]')" = 1
p=$(json_get '"trace trees"' 'd["results"][0]["page"]')
pdftotext -f "$p" -l "$p" "$P/pdfjs__tracemonkey.pdf" - | tr '\n' ' ' | grep -qi 'trace trees' &&
    ok "a phrase hit names the page it is on ($p)" || not_ok "page $p lacks the phrase"
check "English text is detected as English" test "$(json_get tracemonkey 'd["results"][0]["lang"]')" = en
check "a PDF without pages is indexed with a warning" \
    test "$(json_get poppler 'd["results"][0]["warnings"][0]')" = "the PDF has no readable pages"
expect_hits "French diacritics fold (the PDF's letters, typed without accents)" 'AAAAAACCEEEEEEEEIIIIOOUUUUUU' pdfjs__french_diacritics.pdf
check "snippet highlights the original accented word" \
    sh -c "'$BIN/testigo-search' --archive '$A' --json expediente | grep -q '<mark>EXPEDIENTE</mark>'"

status_is 1 "re-running retries only the failed files" index "$T/in"
grep -q '4 unchanged' "$T/.out" && ok "readable PDFs unchanged on re-run" || not_ok "rerun: $(head -1 "$T/.out")"
finish
