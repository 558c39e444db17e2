#!/usr/bin/env python3
"""Writes the sample corpus's web pages, statements and mail:

    corpus/paginas/        saved news pages (HTML, XHTML; one "complete page"
                           save with its _files/ folder)
    corpus/declaraciones/  statements: DOCX, DOTX, ODT, OTT, RTF, and a .doc
    corpus/correo/         e-mail (.eml) and a mail folder (mbox) with
                           attachments

usage: python3 scripts/mkformats.py [--check] [--doc]

Everything is fictional (see corpus/README.md).  The output is deterministic:
zip packages have fixed member times and order, mail has fixed boundaries.
The one exception is the legacy Word file declaraciones/d04-*.doc, which only
LibreOffice can write: it is converted from a DOCX this script makes, with
`soffice --headless --convert-to doc`, when --doc is given (or when it is
missing); otherwise the committed file is kept.  --check compares everything
else with what is in corpus/ and exits 1 if anything differs.
Needs Python 3 (standard library only); --doc needs LibreOffice Writer
(Debian package libreoffice-writer-nogui)."""
import argparse, base64, io, os, shutil, subprocess, sys, tempfile, zipfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(TOP, "corpus")
ZIP_TIME = (2025, 1, 1, 0, 0, 0)
DOC = "declaraciones/d04-acta-entrega-guanare.doc"


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def zip_bytes(members):
    """members: [(name, bytes, stored)] in order; fixed times."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data, stored in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


# ==== Word ==================================================================

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ' \
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def w_par(text, style=None):
    ppr = '<w:pPr><w:pStyle w:val="%s"/></w:pPr>' % style if style else ""
    runs = []
    for i, piece in enumerate(text.split("{fn}")):
        if i:
            runs.append('<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
                        '<w:footnoteReference w:id="1"/></w:r>')
        if piece:
            runs.append('<w:r><w:t xml:space="preserve">%s</w:t></w:r>' % esc(piece))
    return "<w:p>%s%s</w:p>" % (ppr, "".join(runs))


def w_table(rows):
    out = ["<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr>"]
    for row in rows:
        out.append("<w:tr>" + "".join("<w:tc>%s</w:tc>" % w_par(c) for c in row) + "</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def docx(d, template=False):
    main_ct = "application/vnd.openxmlformats-officedocument.wordprocessingml." + (
        "template.main+xml" if template else "document.main+xml")
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" ContentType="%s"/>'
          '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
          '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
          '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
          '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
          '</Types>' % main_ct)
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            '</Relationships>')
    drels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>'
             '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>'
             '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
             '</Relationships>')
    body = []
    for block in d["body"]:
        body.append(w_table(block) if isinstance(block, list) else w_par(block))
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<w:document %s><w:body>%s<w:sectPr><w:headerReference w:type="default" r:id="rId1"/>'
                '<w:footerReference w:type="default" r:id="rId2"/></w:sectPr></w:body></w:document>'
                % (W, "".join(body)))
    header = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr %s>%s</w:hdr>'
              % (W, w_par(d["header"])))
    footer = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr %s>%s</w:ftr>'
              % (W, w_par(d["footer"])))
    footnotes = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes %s>'
                 '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                 '<w:footnote w:id="1">%s</w:footnote></w:footnotes>' % (W, w_par(d["footnote"])))
    core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            '<dc:title>%s</dc:title><dc:creator>%s</dc:creator><cp:lastModifiedBy>%s</cp:lastModifiedBy>'
            '<dcterms:created xsi:type="dcterms:W3CDTF">%s</dcterms:created>'
            '<dcterms:modified xsi:type="dcterms:W3CDTF">%s</dcterms:modified></cp:coreProperties>'
            % (esc(d["title"]), esc(d["author"]), esc(d["author"]), d["created"], d["modified"]))
    return zip_bytes([
        ("[Content_Types].xml", ct.encode(), False),
        ("_rels/.rels", rels.encode(), False),
        ("word/document.xml", document.encode(), False),
        ("word/_rels/document.xml.rels", drels.encode(), False),
        ("word/header1.xml", header.encode(), False),
        ("word/footer1.xml", footer.encode(), False),
        ("word/footnotes.xml", footnotes.encode(), False),
        ("docProps/core.xml", core.encode(), False),
    ])


# ==== OpenDocument ===========================================================

ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:0.1" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"')


def o_par(text):
    parts = text.split("{note}")
    out = esc(parts[0])
    if len(parts) > 1:
        out += ('<text:note text:id="n1" text:note-class="footnote"><text:note-citation>1</text:note-citation>'
                '<text:note-body><text:p>%s</text:p></text:note-body></text:note>%s'
                % (esc(NOTE[0]), esc(parts[1])))
    # two spaces written the ODF way
    return "<text:p>%s</text:p>" % out.replace("  ", ' <text:s/>')


NOTE = [""]


def odt(d, template=False):
    mime = "application/vnd.oasis.opendocument.text" + ("-template" if template else "")
    NOTE[0] = d.get("note", "")
    body = []
    for block in d["body"]:
        if isinstance(block, list):
            body.append('<table:table table:name="T1">' + "".join(
                "<table:table-row>" + "".join(
                    '<table:table-cell office:value-type="string">%s</table:table-cell>' % o_par(c)
                    for c in row) + "</table:table-row>" for row in block) + "</table:table>")
        elif block.startswith("# "):
            body.append('<text:h text:outline-level="1">%s</text:h>' % esc(block[2:]))
        else:
            body.append(o_par(block))
    content = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content %s><office:body>'
               '<office:text><text:sequence-decls/>%s</office:text></office:body></office:document-content>'
               % (ODF_NS, "".join(body)))
    styles = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles %s><office:master-styles>'
              '<style:master-page style:name="Standard"><style:header><text:p>%s</text:p></style:header>'
              '<style:footer><text:p>%s</text:p></style:footer></style:master-page>'
              '</office:master-styles></office:document-styles>'
              % (ODF_NS, esc(d["header"]), esc(d["footer"])))
    meta = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta %s><office:meta>'
            '<dc:title>%s</dc:title><meta:initial-creator>%s</meta:initial-creator><dc:creator>%s</dc:creator>'
            '<meta:creation-date>%s</meta:creation-date><dc:date>%s</dc:date>'
            '<meta:keyword>%s</meta:keyword></office:meta></office:document-meta>'
            % (ODF_NS, esc(d["title"]), esc(d["author"]), esc(d["author"]), d["created"],
               d["modified"], esc(d.get("keywords", ""))))
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="%s"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
                '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>' % mime)
    return zip_bytes([
        ("mimetype", mime.encode(), True),
        ("META-INF/manifest.xml", manifest.encode(), False),
        ("content.xml", content.encode(), False),
        ("styles.xml", styles.encode(), False),
        ("meta.xml", meta.encode(), False),
    ])


# ==== RTF ===================================================================

def rtf_text(s):
    out = []
    for ch in s:
        o = ord(ch)
        if ch in "\\{}":
            out.append("\\" + ch)
        elif o < 128:
            out.append(ch)
        else:
            try:
                b = ch.encode("cp1252")
                out.append("\\'%02x" % b[0])
            except UnicodeEncodeError:
                out.append("\\u%d\\'3f" % (o if o < 32768 else o - 65536))
    return "".join(out)


def rtf(d):
    out = ["{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\froman Times New Roman;}}",
           "{\\info{\\title %s}{\\author %s}{\\creatim\\yr%d\\mo%d\\dy%d\\hr%d\\min%d}}"
           % ((rtf_text(d["title"]), rtf_text(d["author"])) + d["created"]),
           "\\pard\\plain\\f0\\fs24\n"]
    for block in d["body"]:
        if isinstance(block, list):
            for row in block:
                out.append("\\trowd" + "".join("\\cellx%d" % (2000 * (i + 1)) for i in range(len(row))))
                out.append("".join("\\pard\\intbl %s\\cell\n" % rtf_text(c) for c in row) + "\\row\n")
            out.append("\\pard ")
        else:
            out.append(rtf_text(block) + "\\par\n")
    out.append("}\n")
    return "".join(out).encode("ascii")


# ==== Mail ==================================================================

def b64(data):
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76))


def qp(text):
    import quopri
    return quopri.encodestring(text.encode("utf-8")).decode().replace("\r\n", "\n")


def enc_word(s):
    return "=?UTF-8?B?%s?=" % base64.b64encode(s.encode()).decode()


# ==== The documents =========================================================

PAGE_STYLE = "body{font-family:serif}"


def page(title, head_extra, article, lang="es", charset_meta='<meta charset="utf-8">',
         nav_word="Bobare", footer_word="Sanare", script_word="Yaritagua"):
    return """<!DOCTYPE html>
<!-- saved from url=(0045)https://elfarodellago.example/noticias/nota -->
<html lang="%s"><head>%s
<title>%s</title>
%s
<style>%s</style>
<script>var analitica = "%s"; function menu() { return "%s"; }</script>
</head>
<body>
<header class="cabecera"><a href="/">El Faro del Lago</a>
<nav><ul><li><a href="/politica">Política</a></li><li><a href="/regiones">Regiones: %s</a></li></ul></nav>
</header>
<main>
%s
</main>
<aside><h2>Lo más leído</h2><p>Resultados deportivos de %s</p></aside>
<footer><p>© 2025 El Faro del Lago · Todos los derechos reservados · Redacción en %s</p></footer>
<noscript>Active JavaScript para ver los comentarios de %s</noscript>
</body></html>
""" % (lang, charset_meta, title, head_extra, PAGE_STYLE, script_word, script_word, nav_word,
       article, nav_word, footer_word, script_word)


def build():
    f = {}
    # -- saved pages ------------------------------------------------------
    f["paginas/p01-liberan-dirigente-vecinal.html"] = page(
        "Liberan a dirigente vecinal de Chivacoa | El Faro del Lago",
        '<meta name="author" content="Redacción El Faro del Lago">\n'
        '<meta name="description" content="Tras once días aprehendido, el dirigente vecinal Wladimir Sequera volvió a su casa en Chivacoa.">\n'
        '<meta property="article:published_time" content="2025-08-12T14:30:00-04:00">\n'
        '<meta property="og:title" content="Liberan a dirigente vecinal de Chivacoa">\n'
        '<link rel="canonical" href="https://elfarodellago.example/regiones/liberan-dirigente-vecinal-chivacoa">',
        """<article>
<header><h1>Liberan a dirigente vecinal de Chivacoa tras once días aprehendido</h1>
<p class="firma">Por <span>Redacción El Faro del Lago</span> · <time datetime="2025-08-12">12 de agosto de 2025</time></p></header>
<p>Chivacoa, 12 de agosto de 2025. El dirigente vecinal Wladimir Sequera fue excarcelado la noche del lunes
después de once días aprehendido en la sede policial de Duaca, informaron sus familiares.</p>
<p>Su esposa, Marbelis Orozco, contó que lo vieron por última vez el 1 de agosto, cuando agentes sin
identificación se lo llevaron de una asamblea del consejo comunal.</p>
<table><tr><th>Fecha</th><th>Hecho</th></tr><tr><td>01/08/2025</td><td>Aprehensión en Chivacoa</td></tr>
<tr><td>11/08/2025</td><td>Excarcelación con régimen de presentación</td></tr></table>
<footer><p>Con información de la Red Ciudadana de Acompañamiento.</p></footer>
</article>""").encode("utf-8")

    f["paginas/p02-vigilia-tinaquillo.htm"] = page(
        "Vigilia de familiares en Tinaquillo",
        '<meta name="date" content="2024-11-20">\n<meta name="author" content="Yelitza Camacaro">',
        """<div class="nota"><h1>Vigilia de familiares frente al comando de Tinaquillo</h1>
<p>Tinaquillo, 20 de noviembre de 2024. Unas cuarenta personas pasaron la noche frente al comando
policial para pedir noticias de tres jóvenes aprehendidos el fin de semana. «Sólo queremos saber dónde
están», dijo Nohelia Bracho, madre de uno de ellos.</p></div>""",
        charset_meta='<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    ).encode("cp1252")

    # declares UTF-8, written in Windows-1252: the text must survive
    f["paginas/p03-comunicado-bocono.html"] = page(
        "Comunicado desde Boconó",
        "",
        """<article><h1>Comunicado de las familias de Boconó</h1>
<p><time datetime="2024-12-03">3 de diciembre de 2024</time>. Las familias de Boconó exigen información
sobre el paradero de Ezequiel Montilla, aprehendido en la vía a Biscucuy. «Llevamos días sin saber de él»,
escribió su hermana Rosángela.</p></article>""").encode("cp1252")

    # a "complete page" save: the page and its _files/ folder
    f["paginas/p04-traslado-urachiche.html"] = page(
        "Denuncian traslado sin aviso desde Urachiche",
        '<link rel="stylesheet" href="p04-traslado-urachiche_files/estilo.css">\n'
        '<script src="p04-traslado-urachiche_files/analitica.js"></script>',
        """<article itemscope itemtype="https://schema.org/NewsArticle">
<meta itemprop="datePublished" content="2025-03-18T09:00:00-04:00">
<h1 itemprop="headline">Denuncian traslado sin aviso desde Urachiche</h1>
<img src="p04-traslado-urachiche_files/foto.png" alt="Fachada del centro de reclusión">
<p>Urachiche, 18 de marzo de 2025. Los familiares de cinco personas aprehendidas en Urachiche denunciaron
que fueron trasladadas de madrugada sin que se informara a sus abogados.</p></article>""").encode("utf-8")
    f["paginas/p04-traslado-urachiche_files/estilo.css"] = b"/* estilo de la portada: Cocorote */\nbody{margin:0}\n"
    f["paginas/p04-traslado-urachiche_files/analitica.js"] = (
        b"// contador de visitas\nvar region = 'Nirgua';\nfunction cuenta() { return region; }\n")
    # a 1x1 PNG
    f["paginas/p04-traslado-urachiche_files/foto.png"] = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABc3UBGAAAAABJRU5ErkJggg==")

    f["paginas/p05-audiencia-turen.xhtml"] = ("""<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="es"><head>
<title>Difieren audiencia en Turén</title>
<meta name="DC.date" content="2025-05-02" />
</head><body><div id="nota"><h1>Difieren por tercera vez la audiencia en Turén</h1>
<p>Turén, 2 de mayo de 2025. El tribunal difirió otra vez la audiencia preliminar de los dos
productores aprehendidos en enero.&nbsp;La defensa, a cargo de Héctor Manuel Zerpa, pidió una medida
cautelar.</p></div></body></html>
""").encode("iso-8859-1")

    # -- statements -------------------------------------------------------
    f["declaraciones/d01-declaracion-sabaneta.docx"] = docx({
        "title": "Declaración de Yolimar Castillo Bermúdez",
        "author": "Comité de Familiares de Los Samanes",
        "created": "2024-08-12T15:00:00Z", "modified": "2024-08-13T10:00:00Z",
        "header": "Comité de Familiares de Los Samanes — Declaraciones",
        "footer": "Documento de uso interno · Caparo",
        "footnote": "La dirección exacta se omite por seguridad; el sector es Mijagual.",
        "body": [
            "Declaración de Yolimar Castillo Bermúdez",
            "Sabaneta, 12 de agosto de 2024.",
            "Yo, Yolimar Castillo Bermúdez, declaro que mi hijo Deivis Castillo fue aprehendido el "
            "domingo 4 de agosto de 2024 en su casa{fn} por funcionarios que no mostraron ninguna orden.",
            [["Fecha", "Lugar", "Hecho"],
             ["04/08/2024", "Sabaneta", "Aprehensión en la vivienda"],
             ["06/08/2024", "Canaguá", "Traslado sin aviso"]],
            "Pido que se informe dónde se encuentra y que se le permita ver a su abogado.",
        ]})
    f["declaraciones/d02-testimonio-guasipati.odt"] = odt({
        "title": "Testimonio sobre las aprehensiones en Guasipati",
        "author": "Red Ciudadana de Acompañamiento",
        "created": "2024-09-05T11:20:00", "modified": "2024-09-06T08:00:00",
        "keywords": "Guasipati", "header": "Red Ciudadana de Acompañamiento · Bolívar",
        "footer": "Página de testimonios · El Callao",
        "note": "Testimonio tomado en Tumeremo por dos voluntarias.",
        "body": [
            "# Testimonio sobre las aprehensiones en Guasipati",
            "Guasipati, 5 de septiembre de 2024.",
            "El señor Ovidio Lárez  contó que su hermano fue aprehendido en la plaza{note} junto con otros "
            "dos mineros.",
            [["Nombre", "Lugar"], ["Ovidio Lárez", "Upata"]],
        ]})
    f["declaraciones/d03-plantilla-denuncia-achaguas.dotx"] = docx({
        "title": "Plantilla de denuncia",
        "author": "Red Ciudadana de Acompañamiento",
        "created": "2023-02-10T09:00:00Z", "modified": "2023-02-10T09:30:00Z",
        "header": "Red Ciudadana de Acompañamiento — Plantillas",
        "footer": "Plantilla de uso libre",
        "footnote": "Adjunte copia de la cédula del denunciante.",
        "body": [
            "Plantilla de denuncia por privación arbitraria de libertad",
            "Ciudad y fecha: ____________ (modelo redactado en Achaguas).",
            "Nombre de la persona privada de libertad: ____________",
        ]}, template=True)
    f["declaraciones/d05-carta-biruaca.rtf"] = rtf({
        "title": "Carta de la familia Araujo", "author": "Familia Araujo",
        "created": (2025, 2, 3, 10, 0),
        "body": [
            "Biruaca, 3 de febrero de 2025",
            "Señores de la Red Ciudadana de Acompañamiento:",
            "Les escribimos para denunciar que nuestro padre, Teodoro Araujo, lleva dos semanas "
            "aprehendido en Biruaca sin ver a un juez. Le decían “el maestro” en el barrio.",
            [["Fecha", "Hecho"], ["20/01/2025", "Aprehensión"]],
            "Atentamente, la familia Araujo.",
        ]})
    f["declaraciones/d06-plantilla-acta-mantecal.ott"] = odt({
        "title": "Plantilla de acta de visita", "author": "Comité de Familiares de Los Samanes",
        "created": "2023-03-01T08:00:00", "modified": "2023-03-01T08:10:00",
        "header": "Comité de Familiares", "footer": "Plantilla",
        "body": ["Acta de visita (modelo de Mantecal)", "Fecha de la visita: ________"]},
        template=True)
    # the source of the legacy .doc (converted by LibreOffice with --doc)
    doc_source = docx({
        "title": "Acta de entrega en Guanare", "author": "Red Ciudadana de Acompañamiento",
        "created": "2024-10-14T12:00:00Z", "modified": "2024-10-14T12:00:00Z",
        "header": "Red Ciudadana de Acompañamiento", "footer": "Acta",
        "footnote": "Copia para la familia.",
        "body": ["Acta de entrega de pertenencias",
                 "Guanare, 14 de octubre de 2024.",
                 "Se entregaron a la familia Elorza las pertenencias de Néstor Elorza, aprehendido en "
                 "septiembre y trasladado luego a otra sede."]})

    # -- mail -------------------------------------------------------------
    acta = docx({
        "title": "Acta firmada", "author": "Abg. Héctor Manuel Zerpa",
        "created": "2024-08-11T18:00:00Z", "modified": "2024-08-11T18:00:00Z",
        "header": "Escritorio jurídico Zerpa", "footer": "Acta",
        "footnote": "Firmada en Boca de Aroa.",
        "body": ["Acta del encuentro con la familia", "Los familiares relatan la aprehensión en Aroa."]})
    denuncia = ("Denuncia presentada en Chichiriviche\n\nEl 10 de agosto de 2024 acompañamos a la "
                "familia a presentar la denuncia por la aprehensión ocurrida en Yumare.\n").encode("utf-8")
    f["correo/m01-denuncia-chichiriviche.eml"] = ("""From: =?UTF-8?Q?Marbelis_Orozco?= <marbelis.orozco@correo.example>
To: Red Ciudadana <registro@redciudadana.example>
Cc: "Abg. =?UTF-8?Q?H=C3=A9ctor?= Zerpa" <hzerpa@escritorio.example>
Subject: %s
Date: Mon, 12 Aug 2024 09:15:00 -0400
Message-ID: <20240812091500.m01@correo.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="=_limite_m01"

Este es un mensaje MIME de varias partes.

--=_limite_m01
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

%s
--=_limite_m01
Content-Type: text/plain; charset=utf-8; name="denuncia.txt"
Content-Disposition: attachment; filename="denuncia.txt"
Content-Transfer-Encoding: base64

%s
--=_limite_m01
Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document
Content-Disposition: attachment; filename*=UTF-8''acta%%20firmada%%20Tucup%%C3%%ADo.docx
Content-Transfer-Encoding: base64

%s
--=_limite_m01--
""" % (enc_word("Denuncia en Chichiriviche y acta del encuentro"),
       qp("Buenos días:\n\nLes envío la denuncia que presentamos en Chichiriviche y el acta "
          "del encuentro con el abogado. Mi cuñado sigue aprehendido.\n\nMarbelis\n"),
       b64(denuncia), b64(acta))).encode("ascii")

    f["correo/m02-audiencia-siquisique.eml"] = ("""From: Abg. Hector Zerpa <hzerpa@escritorio.example>
To: =?ISO-8859-1?Q?Familia_Sequera?= <familia.sequera@correo.example>
Subject: =?ISO-8859-1?Q?Audiencia_diferida_en_Siquisique?=
Date: Mon, 21 Oct 2024 16:40:00 -0400
Message-ID: <20241021164000.m02@escritorio.example>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt-m02"

--alt-m02
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: 8bit

%s
--alt-m02
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: 8bit

<html><body><p>Versi&oacute;n HTML del aviso (Baragua).</p></body></html>
--alt-m02--
""").encode("latin-1") % ("La audiencia de Siquisique se difirió para el 4 de noviembre de 2024. "
                          "Les aviso apenas tenga la nueva fecha confirmada.\n").encode("latin-1")

    f["correo/m03-boletin-moroturo.eml"] = ("""From: Boletín de la Red <boletin@redciudadana.example>
To: suscriptores@redciudadana.example
Subject: %s
Date: Thu, 09 Jan 2025 08:00:00 -0400
Message-ID: <20250109080000.m03@redciudadana.example>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: base64

%s
""" % (enc_word("Boletín: nuevas aprehensiones en Moroturo"),
       b64("""<!DOCTYPE html><html><head><title>Boletín</title><style>p{color:red}</style></head>
<body><nav><a href="#">Darse de baja</a></nav><h1>Nuevas aprehensiones en Moroturo</h1>
<p>Moroturo, 9 de enero de 2025. Tres trabajadores agrícolas fueron aprehendidos en Moroturo.</p></body></html>
""".encode("utf-8")))).encode("utf-8")  # a raw 8-bit From: name, as some mailers send

    lista = ("Lista de personas aprehendidas en Chabasquén\n\n1. Rómulo Linárez\n2. Iris Mendoza\n"
             ).encode("utf-8")
    msgs = [
        ("Fri Feb 14 10:00:00 2025", """From: Nohelia Bracho <nohelia@correo.example>
To: registro@redciudadana.example
Subject: Aprehensión en Araure
Date: Fri, 14 Feb 2025 10:00:00 -0400
Message-ID: <mbox1@correo.example>
Content-Type: text/plain; charset=utf-8

Les escribo desde Araure: a mi vecino se lo llevaron anoche.
"""),
        ("Thu Feb 20 11:30:00 2025", """From: Registro <registro@redciudadana.example>
To: Nohelia Bracho <nohelia@correo.example>
Subject: =?UTF-8?Q?Re:_Aprehensi=C3=B3n_en_Araure_=E2=80=94_seguimiento?=
Date: Thu, 20 Feb 2025 11:30:00 -0400
Message-ID: <mbox2@redciudadana.example>
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

%s"""),
        ("Sun Mar  2 09:45:00 2025", """From: Iris Mendoza <iris@correo.example>
To: registro@redciudadana.example
Subject: Lista de Chabasquen
Date: Sun, 02 Mar 2025 09:45:00 -0400
Message-ID: <mbox3@correo.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mb3"

--mb3
Content-Type: text/plain; charset=utf-8

Adjunto la lista que hicimos en Papelón.
--mb3
Content-Type: text/plain; charset=utf-8
Content-Disposition: attachment; filename="lista.txt"
Content-Transfer-Encoding: base64

%s
--mb3--
"""),
    ]
    box = []
    for when, body in msgs:
        if "%s" in body:
            body = body % (qp("Recibido. Vamos a acompañar a la familia en Payara mañana.\n")
                           if "mbox2" in body else b64(lista))
        box.append("From registro@redciudadana.example %s\n%s\n" % (when, body))
    f["correo/buzon-registro.mbox"] = "".join(box).encode("utf-8")
    return f, doc_source


def main():
    ap = argparse.ArgumentParser(description="Makes the saved pages, statements and mail of corpus/.")
    ap.add_argument("--check", action="store_true",
                    help="only compare what is in corpus/ with what would be written")
    ap.add_argument("--doc", action="store_true",
                    help="also rebuild the .doc statement (needs LibreOffice)")
    args = ap.parse_args()
    check = args.check
    files, doc_source = build()
    bad = 0
    for rel, data in sorted(files.items()):
        path = os.path.join(CORPUS, rel)
        if check:
            try:
                same = open(path, "rb").read() == data
            except OSError:
                same = False
            if not same:
                print("mkformats: %s is out of date" % rel, file=sys.stderr)
                bad = 1
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)
    doc = os.path.join(CORPUS, DOC)
    if check:
        if not os.path.exists(doc):
            print("mkformats: %s is missing" % DOC, file=sys.stderr)
            bad = 1
        sys.exit(bad)
    if args.doc or not os.path.exists(doc):
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if not soffice:
            sys.exit("mkformats: %s needs LibreOffice (libreoffice-writer-nogui)" % DOC)
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, os.path.basename(DOC)[:-4] + ".docx")
            open(src, "wb").write(doc_source)
            subprocess.run([soffice, "--headless", "-env:UserInstallation=file://" + tmp + "/profile",
                            "--convert-to", "doc", "--outdir", tmp, src], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            shutil.copyfile(src[:-5] + ".doc", doc)


if __name__ == "__main__":
    main()
