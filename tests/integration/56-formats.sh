# Pages, office documents and mail that are damaged or odd: broken XML in a
# DOCX, a DOCX that is not a zip, wrong charset declarations, a broken MIME
# boundary, a mail folder cut in its last message, nesting of mail in mail
# and its depth limit, a mail whose attachment goes away, a page nested far
# too deep.  Whatever happens, the text that can be read is found, the
# rest is reported with its reason, and nothing crashes.
. "$(dirname "$0")/lib.sh"
A=$T/archive
B=$T/bad
python3 "$TOP/tests/integration/mkbadformats.py" "$B" "$TOP/corpus"

status_is 1 "damaged packages are reported (exit 1)" index "$B/docx"
expect_hits "a DOCX whose XML stops half way: the text before the damage is found" sorocaima xml-truncado.docx
check "...with a warning naming the part" \
    sh -c "'$BIN/testigo-search' --archive '$A' --json sorocaima | grep -q 'word/document.xml is damaged'"
grep -q 'xml-basura.docx: not a readable Word document: word/document.xml is not XML' "$T/.err" &&
    ok "a DOCX whose main part is not XML fails, saying so" || not_ok "not XML: $(cat "$T/.err")"
grep -q 'cortado.docx: damaged after' "$T/.err" &&
    ok "a DOCX cut in half (no longer a zip package) is reported as damaged" || not_ok "cut docx: $(cat "$T/.err")"
expect_hits "a .docx that is really text is read as text (by content, not by name)" paramaconi no-es-zip.docx
check "...and typed as text" test "$(json_get paramaconi 'd["results"][0]["kind"]')" = text

status_is 0 "odd pages are indexed" index "$B/html"
expect_hits "a page that declares windows-1252 but is UTF-8 is read as UTF-8" '"la nina volvio"' declara-1252-es-utf8.html
check "...and says so" \
    sh -c "'$BIN/testigo-search' --archive '$A' --json guaicaipuro | grep -q 'declares charset windows-1252 in its <meta> charset, which does not fit its bytes: read as UTF-8'"
check "a page nested 100 000 levels deep is indexed without crashing" \
    test "$(json_get 'profundo' 'd["results"][0]["extraction"]')" = ok

status_is 0 "damaged mail is indexed" index "$B/mail" "$B/mbox"
expect_hits "a broken MIME boundary does not lose the text" cumanacoa limite-roto.eml
check "...and the record says the structure is damaged" \
    sh -c "'$BIN/testigo-search' --archive '$A' --json cumanacoa | grep -q 'MIME structure is damaged'"
expect_hits "a part labelled UTF-8 that is Latin-1 is read right" '"la senora de caripito"' charset-falso.eml
expect_hits "a mail folder cut in its last message: the first message is complete" '"mensaje completo desde irapa"' \
    0001-primero-de-irapa.eml
expect_hits "...the cut message is indexed as far as it goes" '"mensaje cortado"' 0002-segundo-de-yaguaraparo.eml
expect_hits "...and so is what arrived of its attachment" cariaco lista.txt

# mail in mail, and the depth limit
mkdir "$T/n1" "$T/n2"
cp "$B/nest/reenviado.eml" "$T/n1/"
cp "$B/nest/reenviado.eml" "$T/n2/"
status_is 0 "a message attached to a message is read, with its attachment" index "$T/n1"
check "its attachment's location goes through both messages" \
    test "$(json_get macuro 'd["results"][0]["locations"][0]')" = "$T/n1/reenviado.eml!/Interno de Guiria.eml!/hondo.txt"
A2=$T/archive2
status_is 0 "with --max-depth 1 the inner message is read" "$BIN/testigo-index" --archive "$A2" --max-depth 1 "$T/n2"
check "...but not its attachment" \
    test "$("$BIN/testigo-search" --archive "$A2" --json macuro | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')" -eq 0
check "...which the inner message's record says" \
    sh -c "'$BIN/testigo-search' --archive '$A2' --json guiria | grep -q 'not indexed: nested deeper than --max-depth'"

# the same mail again elsewhere: its attachments get that location too
cp "$B/nest/reenviado.eml" "$T/n1/copia.eml"
status_is 0 "a copy of a mail at a new location is indexed" index "$T/n1"
check "its attachment has both locations" test "$(json_get macuro 'len(d["results"][0]["locations"])')" -eq 2
status_is 0 "re-running changes nothing" index "$T/n1"
grep -q ' 0 added, 0 updated, 0 duplicate' "$T/.out" && ok "nothing added on a re-run" ||
    not_ok "rerun: $(head -1 "$T/.out")"

# the mail changes: its attachment is gone, so is the attachment's location
python3 - "$T/n1/copia.eml" <<'PY'
import sys
p = sys.argv[1]
s = open(p, "rb").read()
i = s.index(b"--out\nContent-Type: message/rfc822")
open(p, "wb").write(s[:i] + b"--out--\n")
PY
touch -d '2025-03-20 10:00' "$T/n1/copia.eml"
status_is 0 "a changed mail is indexed again" index "$T/n1"
check "the attachment it no longer has loses that location" \
    test "$(json_get macuro 'd["results"][0]["locations"]')" = "['$T/n1/reenviado.eml!/Interno de Guiria.eml!/hondo.txt']"

# an attachment named manifest.csv is a document of the mail, not metadata
# for the mail's other attachments (that is only a bundle's manifest)
mkdir -p "$T/mf"
python3 - "$T/mf/con-manifiesto.eml" <<'PY'
import sys
from email.message import EmailMessage
m = EmailMessage()
m["From"] = "Comite <comite@example.org>"
m["To"] = "Abogada <abogada@example.org>"
m["Subject"] = "Listado de pruebas"
m["Date"] = "Mon, 03 Feb 2025 09:00:00 -0400"
m.set_content("Adjunto el listado de pruebas del caso Urachiche.")
m.add_attachment(b"file,title,restricted\nacta.txt,Acta de Yumare,yes\n",
                 maintype="text", subtype="csv", filename="manifest.csv")
m.add_attachment(b"Acta de la audiencia en Yumare.\n", maintype="text", subtype="plain",
                 filename="acta.txt")
open(sys.argv[1], "wb").write(bytes(m))
PY
status_is 0 "a mail with an attachment named manifest.csv is indexed" index "$T/mf"
expect_hits "...that attachment is a document, found by its words" yumare acta.txt manifest.csv
check "...and the mail's other attachment is not restricted by it" \
    test "$(json_get audiencia 'd["results"][0]["restricted"]')" = False

# XML attacks in a DOCX: an external entity must never be read (the file
# it names stays out of the index) and nested entities ("billion laughs")
# must not blow up; the document is reported as damaged and the run goes on
mkdir -p "$T/xml"
python3 - "$T/xml" <<'PY'
import sys, zipfile
out = sys.argv[1]
ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
lol = '<!ENTITY lol "lol">' + ''.join('<!ENTITY lol%d "%s">' % (i, ('&lol%d;' % (i - 1) if i > 1 else '&lol;') * 10) for i in range(1, 10))
for name, dtd, body in [("risas.docx", lol, "&lol9; Tocuyito"),
                        ("externa.docx", '<!ENTITY xxe SYSTEM "file:///etc/passwd">', "&xxe; Guanare")]:
    doc = ('<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE w:document [%s]>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           '<w:body><w:p><w:r><w:t>%s</w:t></w:r></w:p><w:p><w:r><w:t>Acarigua</w:t></w:r></w:p></w:body></w:document>') % (dtd, body)
    with zipfile.ZipFile("%s/%s" % (out, name), "w") as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", doc)
PY
status_is 0 "DOCX files with entity attacks are indexed" index "$T/xml"
expect_hits "an external entity is not followed: the text beside it is found" guanare externa.docx
check "...and nothing of the file it names is in the index" \
    test "$("$BIN/testigo-search" --archive "$A" --json --limit 0 'root OR nologin OR daemon' | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')" -eq 0
check "nested entities are refused: the document is kept with a warning saying why" \
    sh -c "'$BIN/testigo-search' --archive '$A' --json risas | grep -q 'entity reference loop'"

# plain XML: a news feed, a phone's message backup (the text is in
# attributes), Latin-1 by its declaration, a cut file, and the same entity
# attacks as above
mkdir -p "$T/x"
python3 - "$T/x" <<'PY'
import sys
out = sys.argv[1]
open(out + "/noticias.xml", "w", encoding="utf-8").write(
    '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Boletín de Chivacoa</title>'
    '<item><title>Liberan a periodista</title><description>El periodista Óscar Briceño fue liberado '
    'el 3 de mayo de 2025 en Chivacoa.</description></item></channel></rss>\n')
open(out + "/sms-respaldo.xml", "w", encoding="utf-8").write(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<smses count="1">'
    '<sms protocol="0" address="+584125550199" date="1714730000000" type="1" '
    'body="Nos llevaron a la sede de Yaritagua, avisa a la abogada" read="1" '
    'readable_date="3 may. 2024 10:00:00" contact_name="Carmen Rojas" /></smses>\n')
open(out + "/latin1.xml", "wb").write(
    '<?xml version="1.0" encoding="ISO-8859-1"?><acta><p>La señora de Nirgua declaró.</p></acta>\n'.encode("latin-1"))
open(out + "/cortado.xml", "w", encoding="utf-8").write(
    '<?xml version="1.0"?><acta><p>Lo que llegó de Boconoito</p><p>y lo que se cor')
lol = '<!ENTITY lol "lol">' + ''.join('<!ENTITY lol%d "%s">' % (i, ('&lol%d;' % (i - 1) if i > 1 else '&lol;') * 10) for i in range(1, 10))
open(out + "/risas.xml", "w").write('<?xml version="1.0"?><!DOCTYPE a [%s]><a><p>Sabana de Parra</p><p>&lol9;</p></a>\n' % lol)
open(out + "/externa.xml", "w").write('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                                      '<a>&xxe; Cocorote</a>\n')
PY
status_is 0 "XML documents are indexed" index "$T/x"
expect_hits "a news feed's text is found" '"oscar briceno"' noticias.xml
check "...titled by its first <title>" test "$(json_get chivacoa 'd["results"][0]["title"]')" = \
    "Boletín de Chivacoa"
expect_hits "a message backup's text, kept in attributes, is found" 'yaritagua abogada' sms-respaldo.xml
expect_hits "...and the name of the contact" '"carmen rojas"' sms-respaldo.xml
expect_hits "...but not its single-token attributes (numbers, flags)" 1714730000000
expect_hits "Latin-1 declared in the XML declaration is read right" '"senora de nirgua"' latin1.xml
expect_hits "a cut XML document: the text before the cut is found" boconoito cortado.xml
check "...with a warning that it is not well-formed" \
    sh -c "'$BIN/testigo-search' --archive '$A' --json boconoito | grep -q 'the XML is not well-formed'"
expect_hits "nested entities are refused: the text before them is found" '"sabana de parra"' risas.xml
check "...with a warning naming the entity loop" \
    sh -c "'$BIN/testigo-search' --archive '$A' --json 'sabana' | grep -q 'entity reference loop'"
expect_hits "an external entity is not followed" cocorote externa.xml
check "...and nothing of the file it names is in the index" \
    test "$("$BIN/testigo-search" --archive "$A" --json --limit 0 'root OR nologin OR daemon' | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')" -eq 0
finish
