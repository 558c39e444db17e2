"""Writes malformed pages, packages and mail for 56-formats.sh into the
folder given.  Everything is fictional; each file is named for what is wrong
with it.

usage: mkbadformats.py DIR CORPUS_DIR"""
import base64, os, sys, zipfile, io

out, corpus = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)


def w(name, data):
    path = os.path.join(out, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def docx(document_xml, core=None):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        if document_xml is not None:
            z.writestr("word/document.xml", document_xml)
        if core:
            z.writestr("docProps/core.xml", core)
    return buf.getvalue()


W = '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
# broken XML: the part stops in the middle of an element
w("docx/xml-truncado.docx", docx(W + "<w:p><w:r><w:t>Declaración de Sorocaima antes del corte</w:t></w:r></w:p><w:p><w:r><w:t>y desp"))
# not XML at all
w("docx/xml-basura.docx", docx("\x00\x01 esto no es XML < & >"))
# a package without its main part
w("docx/sin-documento.docx", docx(None, '<?xml version="1.0"?><x/>'))
# a DOCX cut in half: still named and detected as one, no longer a zip
whole = docx(W + "<w:p><w:r><w:t>" + "Texto de relleno de Tamanaco. " * 200 + "</w:t></w:r></w:p></w:body></w:document>")
w("docx/cortado.docx", whole[: len(whole) // 2])
# a file called .docx that is plain text: detected by content, indexed as text
w("docx/no-es-zip.docx", "Notas sueltas sobre Paramaconi, guardadas con otro nombre.\n".encode())

# an HTML page that declares windows-1252 but is UTF-8
w("html/declara-1252-es-utf8.html",
  '<html><head><meta charset="windows-1252"><title>Aviso</title></head><body><p>Reunión en Guaicaipuro: la niña volvió.</p></body></html>'.encode("utf-8"))
# an HTML page nested 100 000 levels deep
w("html/profundo.html", ("<html><body>" + "<div>" * 100000 + "Yaracuy profundo" + "</div>" * 100000 + "</body></html>").encode())

# e-mail whose parts use another boundary than the one declared
w("mail/limite-roto.eml", b"""From: Testigo <testigo@correo.example>
To: registro@redciudadana.example
Subject: Limite roto
Date: Tue, 04 Mar 2025 10:00:00 -0400
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="DECLARADO"

--OTRO
Content-Type: text/plain; charset=utf-8

El texto de Cumanacoa no debe perderse aunque el limite este roto.
--OTRO--
""")
# e-mail with a charset label that does not fit (says UTF-8, is Latin-1)
w("mail/charset-falso.eml", """From: a@correo.example
To: b@correo.example
Subject: Charset falso
Date: Wed, 05 Mar 2025 10:00:00 -0400
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

La señora de Caripito pidió información.
""".encode("latin-1"))

# a mail folder whose last message is cut in the middle of its attachment
att = base64.b64encode(("Lista de Cariaco\n" * 50).encode()).decode()
box = """From a@correo.example Mon Mar 10 10:00:00 2025
From: a@correo.example
To: b@correo.example
Subject: Primero de Irapa
Date: Mon, 10 Mar 2025 10:00:00 -0400
Content-Type: text/plain; charset=utf-8

Mensaje completo desde Irapa.

From a@correo.example Tue Mar 11 10:00:00 2025
From: a@correo.example
To: b@correo.example
Subject: Segundo de Yaguaraparo
Date: Tue, 11 Mar 2025 10:00:00 -0400
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b2"

--b2
Content-Type: text/plain; charset=utf-8

Mensaje cortado desde Yaguaraparo.
--b2
Content-Type: text/plain; name="lista.txt"
Content-Disposition: attachment; filename="lista.txt"
Content-Transfer-Encoding: base64

""" + att
w("mbox/cortado.mbox", box[: len(box) - len(att) // 2].encode())

# a mail with a message attached, which has a file attached (nesting)
inner = b"""From: c@correo.example
Subject: Interno de Guiria
Date: Thu, 13 Mar 2025 10:00:00 -0400
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="in"

--in
Content-Type: text/plain

Mensaje interno de Guiria.
--in
Content-Type: text/plain; name="hondo.txt"
Content-Disposition: attachment; filename="hondo.txt"

Texto hondo de Macuro.
--in--
"""
w("nest/reenviado.eml", b"""From: a@correo.example
Subject: Reenvio
Date: Fri, 14 Mar 2025 10:00:00 -0400
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="out"

--out
Content-Type: text/plain

Les reenvio el mensaje.
--out
Content-Type: message/rfc822

""" + inner + b"""
--out--
""")
