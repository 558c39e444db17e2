/* The interface's words (see i18n.h): one table, Spanish first.
 *
 * Relies on nothing but the C library.  The Accept-Language parser reads a
 * header the browser (or anyone) sends: it never writes outside its locals,
 * whatever the header holds, and looks at a bounded number of items. */
#define _POSIX_C_SOURCE 200809L
#include "i18n.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

static const char *const msgs[M_COUNT][2] = {
    [M_TAGLINE] = {"Archivo de documentos y testimonios", "Archive of documents and testimonies"},
    [M_SEARCH_LABEL] = {"Buscar en el archivo", "Search the archive"},
    [M_SEARCH_BUTTON] = {"Buscar", "Search"},
    [M_SEARCH_PLACEHOLDER] = {"palabras, \"frases\", tipo:pdf, fecha:2024-07…",
                              "words, \"phrases\", type:pdf, date:2024-07…"},
    [M_DOCS_IN_ARCHIVE] = {"%u documentos en el archivo.", "%u documents in the archive."},
    [M_BROWSE_ALL] = {"Ver todos", "Browse all"},
    [M_HELP_TITLE] = {"Cómo buscar", "How to search"},
    [M_RESULTS_ONE] = {"1 documento", "1 document"},
    [M_RESULTS_MANY] = {"%u documentos", "%u documents"},
    [M_ESTIMATED] = {"(aproximadamente)", "(about)"},
    [M_SECONDS] = {"en %.3f s", "in %.3f s"},
    [M_NO_RESULTS] = {"Ningún documento coincide con la búsqueda.",
                      "No document matches the search."},
    [M_SORT] = {"Orden:", "Sort:"},
    [M_SORT_RELEVANCE] = {"relevancia", "relevance"},
    [M_SORT_DATE] = {"más antiguos", "oldest"},
    [M_SORT_NEWEST] = {"más recientes", "newest"},
    [M_FACET_KIND] = {"Tipo", "Type"},
    [M_FACET_LANG] = {"Idioma", "Language"},
    [M_FACET_YEAR] = {"Año", "Year"},
    [M_FACET_MONTH] = {"Mes", "Month"},
    [M_FACET_FOLDER] = {"Carpeta", "Folder"},
    [M_FACET_PERSON] = {"Personas", "People"},
    [M_DATES] = {"Fechas", "Dates"},
    [M_FROM] = {"Desde", "From"},
    [M_TO] = {"Hasta", "To"},
    [M_APPLY] = {"Aplicar", "Apply"},
    [M_DATE_HINT] = {"AAAA, AAAA-MM o AAAA-MM-DD", "YYYY, YYYY-MM or YYYY-MM-DD"},
    [M_TIMELINE] = {"Línea de tiempo", "Timeline"},
    [M_TIMELINE_HINT] = {"Documentos por fecha; cada barra lleva a ese periodo.",
                         "Documents by date; each bar leads to that period."},
    [M_FILTERS] = {"Filtros:", "Filters:"},
    [M_REMOVE] = {"quitar", "remove"},
    [M_CLEAR_FILTERS] = {"quitar todos", "remove all"},
    [M_PREV] = {"« Anterior", "« Previous"},
    [M_NEXT] = {"Siguiente »", "Next »"},
    [M_PAGER] = {"Páginas de resultados", "Result pages"},
    [M_DOWNLOAD] = {"Descargar original", "Download original"},
    [M_PAGE_SHORT] = {"pág. %d", "p. %d"},
    [M_NO_DATE] = {"sin fecha", "undated"},
    [M_NO_TEXT] = {"sin texto", "no text"},
    [M_BACK] = {"← Volver a los resultados", "← Back to the results"},
    [M_F_KIND] = {"Tipo", "Type"},
    [M_F_MIME] = {"Formato (MIME)", "Format (MIME)"},
    [M_F_SIZE] = {"Tamaño", "Size"},
    [M_F_DATE] = {"Fecha", "Date"},
    [M_F_DATE_SOURCE] = {"Origen de la fecha", "Date taken from"},
    [M_F_LANG] = {"Idioma", "Language"},
    [M_F_PAGES] = {"Páginas", "Pages"},
    [M_F_CHARSET] = {"Codificación", "Encoding"},
    [M_F_INGESTED] = {"Incorporado al archivo", "Added to the archive"},
    [M_F_EXTRACTION] = {"Extracción del texto", "Text extraction"},
    [M_F_ERROR] = {"Motivo", "Reason"},
    [M_F_WARNINGS] = {"Avisos", "Warnings"},
    [M_F_AUTHOR] = {"Autor", "Author"},
    [M_F_SUBJECT] = {"Asunto", "Subject"},
    [M_F_KEYWORDS] = {"Palabras clave", "Keywords"},
    [M_F_CREATED] = {"Creado", "Created"},
    [M_F_MODIFIED] = {"Modificado", "Modified"},
    [M_F_CREATOR] = {"Programa de origen", "Creator"},
    [M_F_PRODUCER] = {"Productor", "Producer"},
    [M_F_OCR] = {"Confianza del OCR", "OCR confidence"},
    [M_F_SHA] = {"SHA-256", "SHA-256"},
    [M_LOCATIONS] = {"Ubicaciones", "Locations"},
    [M_LOCATIONS_MORE] = {"y %lld más", "and %lld more"},
    [M_TEXT] = {"Texto extraído", "Extracted text"},
    [M_TEXT_NONE] = {"Este documento no tiene texto extraído.",
                     "This document has no extracted text."},
    [M_TEXT_TRUNCATED] = {"Se muestran los primeros %zu MB del texto; descargue el original para "
                          "verlo completo.",
                          "The first %zu MB of the text are shown; download the original for "
                          "all of it."},
    [M_HITS] = {"%zu coincidencias", "%zu hits"},
    [M_HITS_ONE] = {"1 coincidencia", "1 hit"},
    [M_HITS_ON_PAGES] = {"en las páginas", "on pages"},
    [M_PAGE_MARK] = {"Página %d", "Page %d"},
    [M_EXTRACTION_OK] = {"correcta", "ok"},
    [M_EXTRACTION_FAILED] = {"fallida", "failed"},
    [M_EXTRACTION_UNSUPPORTED] = {"tipo no admitido", "unsupported type"},
    [M_KIND_PDF] = {"PDF", "PDF"},
    [M_KIND_TEXT] = {"texto", "text"},
    [M_KIND_IMAGE] = {"imagen", "image"},
    [M_KIND_OTHER] = {"otro", "other"},
    [M_KIND_ARCHIVE] = {"archivo comprimido", "archive"},
    [M_KIND_HTML] = {"página web", "web page"},
    [M_KIND_DOCX] = {"Word", "Word"},
    [M_KIND_ODT] = {"OpenDocument", "OpenDocument"},
    [M_KIND_DOC] = {"Word (antiguo)", "Word (old)"},
    [M_KIND_RTF] = {"RTF", "RTF"},
    [M_KIND_EMAIL] = {"correo", "e-mail"},
    [M_KIND_MBOX] = {"buzón de correo", "mail folder"},
    [M_KIND_XML] = {"documento XML", "XML document"},
    [M_LANG_ES] = {"español", "Spanish"},
    [M_LANG_EN] = {"inglés", "English"},
    [M_LANG_UND] = {"sin determinar", "undetermined"},
    [M_ERR_NOT_FOUND] = {"No existe ese documento ni esa página.", "No such document or page."},
    [M_ERR_BAD_REQUEST] = {"La petición no es válida.", "The request is not valid."},
    [M_ERR_QUERY] = {"La búsqueda no es válida", "The search is not valid"},
    [M_ERR_TIMEOUT] = {"La búsqueda tardó demasiado; pruebe con palabras más precisas.",
                       "The search took too long; try more specific words."},
    [M_ERR_SERVER] = {"Error interno del archivo.", "Internal archive error."},
    [M_ERR_QUERY_TOO_LONG] = {"La búsqueda es demasiado larga (máximo %u bytes).",
                              "The search is too long (at most %u bytes)."},
    [M_ERR_PAGE_SIZE] = {"El número de resultados por página debe estar entre 1 y %u.",
                         "Results per page must be between 1 and %u."},
    [M_ERR_PAGE] = {"Número de página no válido.", "Invalid page number."},
    [M_ERR_SORT] = {"Orden no válido (relevance, date o newest).",
                    "Invalid sort order (relevance, date or newest)."},
    [M_ERR_DATE] = {"Fecha no válida: use AAAA, AAAA-MM o AAAA-MM-DD.",
                    "Invalid date: use YYYY, YYYY-MM or YYYY-MM-DD."},
    [M_ERR_RANGE] = {"El intervalo de fechas termina antes de empezar.",
                     "The date range ends before it starts."},
    [M_ERR_FILTERS] = {"Demasiados filtros o un filtro no válido.",
                       "Too many filters, or an invalid one."},
    [M_ERR_BUSY] = {"El archivo está atendiendo muchas búsquedas costosas; vuelva a intentarlo en "
                    "unos segundos.",
                    "The archive is busy with many costly searches; try again in a few seconds."},
    [M_ERR_REQUEST_TIMEOUT] = {"La petición tardó demasiado en llegar.",
                               "The request took too long to arrive."},
    [M_ERR_URI_TOO_LONG] = {"La dirección pedida es demasiado larga.",
                            "The address asked for is too long."},
    [M_ERR_HEADERS_TOO_LARGE] = {"Las cabeceras de la petición son demasiado grandes.",
                                 "The request's headers are too large."},
    [M_ERR_VERSION] = {"Versión de HTTP no admitida (solo HTTP/1.0 y HTTP/1.1).",
                       "HTTP version not supported (HTTP/1.0 and HTTP/1.1 only)."},
    [M_ERR_FULL] = {"El archivo tiene demasiadas conexiones abiertas; vuelva a intentarlo en unos "
                    "segundos.",
                    "The archive has too many open connections; try again in a few seconds."},
    [M_QN_UNKNOWN_FIELD] = {"Se buscó «%s» como palabra: no es un campo de búsqueda.",
                            "Searched for “%s” as a word: it is not a search field."},
    [M_QN_EMPTY_FIELD] = {"Se buscó «%s» como palabra: un campo lleva su valor justo tras los dos "
                          "puntos (fecha:2024).",
                          "Searched for “%s” as a word: a field takes its value right after the "
                          "colon (date:2024)."},
    [M_QN_UNCLOSED_QUOTE] = {"Faltaban las comillas de cierre: se buscó la frase «%s» hasta el "
                             "final.",
                             "The closing quotation mark was missing: searched for the phrase "
                             "“%s” to the end."},
    [M_QN_UNCLOSED_PAREN] = {"Faltaba un «)»: el paréntesis se cerró al final.",
                             "A “)” was missing: the parenthesis was closed at the end."},
    [M_QN_STRAY_PAREN] = {"Se ignoró un «)» que no cerraba nada.",
                          "A “)” that closed nothing was ignored."},
    [M_QN_EMPTY_PARENS] = {"Se ignoraron unos paréntesis vacíos.",
                           "Empty parentheses were ignored."},
    [M_QN_LONE_OPERATOR] = {"Se ignoró «%s»: le faltaba algo que unir.",
                            "“%s” was ignored: it had nothing to join."},
    [M_QN_NEAR_NOT_WORDS] = {"NEAR une dos palabras sueltas: se buscaron ambas partes en cualquier "
                             "lugar del documento.",
                             "NEAR joins two single words: both sides were searched anywhere in "
                             "the document."},
    [M_QN_WILDCARD_WORDS] = {"El «*» va tras una sola palabra: se buscó «%s» sin él.",
                             "“*” goes after a single word: searched for “%s” without it."},
    [M_QE_TOO_LONG] = {"La búsqueda es demasiado larga (máximo %s bytes).",
                       "The search is too long (at most %s bytes)."},
    [M_QE_TOO_COMPLEX] = {"La búsqueda tiene demasiadas palabras y campos (máximo %s).",
                          "The search has too many words and fields (at most %s)."},
    [M_QE_TOO_DEEP] = {"La búsqueda tiene demasiados paréntesis anidados.",
                       "The search has too many nested parentheses."},
    [M_QE_BAD_DATE] = {"Fecha no válida: «%s» (use AAAA, AAAA-MM o AAAA-MM-DD).",
                       "Invalid date: “%s” (use YYYY, YYYY-MM or YYYY-MM-DD)."},
    [M_QE_BAD_YEAR] = {"Año no válido: «%s» (use AAAA).", "Invalid year: “%s” (use YYYY)."},
    [M_QE_RANGE_OPEN] = {"Un intervalo de fechas necesita al menos un extremo (fecha:2024..).",
                         "A date range needs at least one end (date:2024..)."},
    [M_QE_RANGE_REVERSED] = {"El intervalo de fechas «%s» termina antes de empezar.",
                             "The date range “%s” ends before it starts."},
    [M_QE_BAD_SHA256] = {"SHA-256 no válido: «%s» (64 dígitos hexadecimales).",
                         "Invalid SHA-256: “%s” (64 hexadecimal digits)."},
    [M_QE_BAD_IDNUM] = {"Número de cédula no válido: «%s» (sus dígitos: 12345678, 12.345.678 o "
                        "V-12.345.678).",
                        "Invalid identity number: “%s” (its digits: 12345678, 12.345.678 or "
                        "V-12.345.678)."},
    [M_QE_NO_NAME] = {"persona: necesita un nombre (persona:\"Marino Alvarado\").",
                      "person: needs a name (person:\"Marino Alvarado\")."},
    [M_QE_NEAR_WINDOW] = {"NEAR/n necesita un número de palabras entre 1 y 1000.",
                          "NEAR/n needs a number of words from 1 to 1000."},
    [M_QE_NO_WORDS] = {"La búsqueda no tiene palabras que buscar.",
                       "The search has no words to look for."},
    [M_HOME] = {"Inicio", "Home"},
    [M_OTHER_LANG_NAME] = {"English", "Español"},
    [M_OTHER_LANG_CODE] = {"en", "es"},
    [M_FOOTER] = {"Testigo: archivo local. Nada de lo que busca sale de este equipo.",
                  "Testigo: a local archive. Nothing you search leaves this computer."},
    [M_SKIP] = {"Ir a los resultados", "Skip to the results"},
    [M_PERSON_VARIANTS] = {"También escrito", "Also written"},
    [M_PERSON_IDS] = {"Cédulas", "Identity numbers"},
    [M_PERSON_DOCS] = {"Documentos que lo nombran: %u", "Documents naming this person: %u"},
    [M_PERSON_TIMELINE] = {"Fechas junto al nombre", "Dates next to the name"},
    [M_PERSON_TIMELINE_NONE] = {"Ninguna fecha escrita junto al nombre.",
                                "No date written next to the name."},
    [M_PERSON_WITH] = {"Nombrado con", "Named with"},
    [M_PERSON_SEARCH] = {"Buscar sus documentos", "Search their documents"},
    [M_EVENT_MENTIONED] = {"mencionada", "mentioned"},
    [M_EVENT_DETENTION] = {"detención", "detention"},
    [M_EVENT_TRANSFER] = {"traslado", "transfer"},
    [M_EVENT_HEARING] = {"audiencia", "hearing"},
    [M_EVENT_RELEASE] = {"liberación", "release"},
    [M_ERR_TOO_LARGE] = {"Lo enviado es demasiado grande.", "What was sent is too large."},
    [M_BATCH_TITLE] = {"Buscar una lista de personas", "Search a list of persons"},
    [M_BATCH_HELP] = {"Una persona por fila: un nombre, una cédula o ambos, separados por coma o "
                      "punto y coma (CSV). Hasta %u filas y 1 MB.",
                      "One person a row: a name, a cédula or both, separated by a comma or a "
                      "semicolon (CSV). Up to %u rows and 1 MB."},
    [M_BATCH_PASTE] = {"Pegue la lista", "Paste the list"},
    [M_BATCH_UPLOAD] = {"o suba un archivo CSV", "or upload a CSV file"},
    [M_BATCH_FORMAT] = {"Respuesta", "Answer"},
    [M_BATCH_SUBMIT] = {"Buscar la lista", "Search the list"},
    [M_BATCH_EMPTY] = {"La lista está vacía.", "The list is empty."},
    [M_BATCH_TOO_MANY] = {"La lista tiene más de %u filas.", "The list has more than %u rows."},
    [M_BATCH_EXPIRED] = {"El formulario caducó o no es de este servidor: cárguelo de nuevo.",
                         "The form expired or is not this server's: load it again."},
    [M_BATCH_SUMMARY] = {"Filas: %u.", "Rows: %u."},
    [M_BATCH_SUMMARY_FOUND] = {"Con documentos: %u.", "With documents: %u."},
    [M_BATCH_FOUND] = {"encontrada", "found"},
    [M_BATCH_NOT_FOUND] = {"sin documentos", "nothing found"},
    [M_BATCH_ERROR] = {"error", "error"},
    [M_BATCH_COL_ROW] = {"Fila", "Row"},
    [M_BATCH_COL_DOCS] = {"Documentos", "Documents"},
    [M_BATCH_COL_DATES] = {"Fechas mencionadas", "Dates mentioned"},
    [M_BATCH_DOWNLOAD] = {"Descargar el informe", "Download the report"},
    [M_FACET_COLLECTION] = {"Colección", "Collection"},
    [M_FACET_PLACE] = {"Lugar", "Place"},
    [M_FACET_TAG] = {"Etiqueta", "Tag"},
    [M_DOC_KNOWN] = {"Lo que el archivo sabe de este documento", "What the archive knows of it"},
    [M_DOC_PERSONS] = {"Personas nombradas", "Persons named"},
    [M_DOC_IDS] = {"Números de identidad", "Identity numbers"},
    [M_DOC_MENTIONS] = {"Fechas mencionadas", "Dates mentioned"},
    [M_DOC_SIDECAR] = {"Ficha del documento", "Catalogue record"},
    [M_DOC_MENTIONED] = {"%lld menciones", "%lld mentions"},
    [M_F_WITNESS] = {"Testigo", "Witness"},
    [M_F_PLACE] = {"Lugar", "Place"},
    [M_F_COLLECTION] = {"Colección", "Collection"},
    [M_F_TAGS] = {"Etiquetas", "Tags"},
    [M_F_TITLE_SOURCE] = {"Origen del título", "Title taken from"},
    [M_SEARCH_FOR] = {"Buscar %s", "Search for %s"},
};

const char *web_msg(web_lang_t lang, web_msg_t m)
{
    if ((unsigned)m >= M_COUNT || (unsigned)lang > WEB_LANG_EN)
        return "";
    const char *s = msgs[m][lang];
    return s ? s : msgs[m][WEB_LANG_ES] ? msgs[m][WEB_LANG_ES] : "";
}

void web_msg_fmt(char *out, size_t len, web_lang_t lang, web_msg_t m, const char *conv, ...)
{
    const char *fmt = web_msg(lang, m);
    const char *at = strchr(fmt, '%');
    if (!at || strncmp(at, conv, strlen(conv)) || strchr(at + strlen(conv), '%')) {
        snprintf(out, len, "%s", fmt);
        return;
    }
    va_list ap;
    va_start(ap, conv);
    /* the format is one of the table's, with the one conversion checked
     * above against what the caller passes */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    vsnprintf(out, len, fmt, ap);
#pragma GCC diagnostic pop
    va_end(ap);
}

void web_qmsg(char *out, size_t len, web_lang_t lang, const tg_qmsg_t *m)
{
    static const struct {
        tg_qmsg_code_t code;
        web_msg_t msg;
    } map[] = {
        {TG_QN_UNKNOWN_FIELD, M_QN_UNKNOWN_FIELD},
        {TG_QN_EMPTY_FIELD, M_QN_EMPTY_FIELD},
        {TG_QN_UNCLOSED_QUOTE, M_QN_UNCLOSED_QUOTE},
        {TG_QN_UNCLOSED_PAREN, M_QN_UNCLOSED_PAREN},
        {TG_QN_STRAY_PAREN, M_QN_STRAY_PAREN},
        {TG_QN_EMPTY_PARENS, M_QN_EMPTY_PARENS},
        {TG_QN_LONE_OPERATOR, M_QN_LONE_OPERATOR},
        {TG_QN_NEAR_NOT_WORDS, M_QN_NEAR_NOT_WORDS},
        {TG_QN_WILDCARD_WORDS, M_QN_WILDCARD_WORDS},
        {TG_QE_TOO_LONG, M_QE_TOO_LONG},
        {TG_QE_TOO_COMPLEX, M_QE_TOO_COMPLEX},
        {TG_QE_TOO_DEEP, M_QE_TOO_DEEP},
        {TG_QE_BAD_DATE, M_QE_BAD_DATE},
        {TG_QE_BAD_YEAR, M_QE_BAD_YEAR},
        {TG_QE_RANGE_OPEN, M_QE_RANGE_OPEN},
        {TG_QE_RANGE_REVERSED, M_QE_RANGE_REVERSED},
        {TG_QE_BAD_SHA256, M_QE_BAD_SHA256},
        {TG_QE_BAD_IDNUM, M_QE_BAD_IDNUM},
        {TG_QE_NO_NAME, M_QE_NO_NAME},
        {TG_QE_NEAR_WINDOW, M_QE_NEAR_WINDOW},
        {TG_QE_NO_WORDS, M_QE_NO_WORDS},
    };
    for (size_t i = 0; i < TG_ARRAY_LEN(map); i++)
        if (map[i].code == m->code) {
            web_msg_fmt(out, len, lang, map[i].msg, "%s", m->text);
            return;
        }
    snprintf(out, len, "%s", web_msg(lang, M_ERR_QUERY));
}

/* Codes of where a date or title came from, and their words; a code
 * ending in ':' matches every code that starts with it. */
typedef struct {
    const char *code;
    const char *words[2];
} source_words_t;

static const source_words_t date_sources[] = {
    {"text:first-dated-line", {"primera línea fechada del texto", "first dated line of the text"}},
    {"text", {"el texto", "the text"}},
    {"filename", {"nombre del archivo", "file name"}},
    {"sidecar", {"ficha de metadatos (sidecar)", "sidecar metadata"}},
    {"pdf:CreationDate", {"fecha de creación del PDF", "the PDF's creation date"}},
    {"pdf:ModDate", {"fecha de modificación del PDF", "the PDF's modification date"}},
    {"exif:DateTimeOriginal", {"fecha de la toma (EXIF)", "when the photo was taken (EXIF)"}},
    {"exif:DateTimeDigitized", {"fecha de digitalización (EXIF)", "when it was digitised (EXIF)"}},
    {"docx:created", {"fecha de creación del documento", "the document's creation date"}},
    {"odt:creation-date", {"fecha de creación del documento", "the document's creation date"}},
    {"email:Date", {"fecha de envío del correo", "the message's sending date"}},
    {"html:", {"fecha de publicación de la página", "the page's publication date"}},
};

static const source_words_t title_sources[] = {
    {"metadata", {"metadatos del propio documento", "the document's own metadata"}},
    {"first line", {"primera línea del texto", "first line of the text"}},
    {"sidecar", {"ficha de metadatos (sidecar)", "sidecar metadata"}},
    {"filename", {"nombre del archivo", "file name"}},
};

static const char *source_words(const source_words_t *t, size_t n, web_lang_t lang,
                                const char *source)
{
    if (!source)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(t[i].code);
        if (t[i].code[len - 1] == ':' ? !strncmp(source, t[i].code, len)
                                      : !strcmp(source, t[i].code))
            return t[i].words[lang == WEB_LANG_EN];
    }
    return source;
}

const char *web_date_source(web_lang_t lang, const char *source)
{
    return source_words(date_sources, TG_ARRAY_LEN(date_sources), lang, source);
}

const char *web_title_source(web_lang_t lang, const char *source)
{
    return source_words(title_sources, TG_ARRAY_LEN(title_sources), lang, source);
}

const char *web_lang_code(web_lang_t lang)
{
    return lang == WEB_LANG_EN ? "en" : "es";
}

int web_lang_parse(const char *s, web_lang_t *out)
{
    if (!s)
        return -1;
    if (!strcmp(s, "es")) {
        *out = WEB_LANG_ES;
        return 0;
    }
    if (!strcmp(s, "en")) {
        *out = WEB_LANG_EN;
        return 0;
    }
    return -1;
}

/* q of one item's parameters ("q=0.8"); 1 when absent, 0 when unreadable. */
static double item_q(const char *p, const char *end)
{
    while (p < end) {
        while (p < end && (*p == ';' || *p == ' ' || *p == '\t'))
            p++;
        if (end - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
            char num[8] = {0};
            size_t n =
                (size_t)(end - p - 2) < sizeof num - 1 ? (size_t)(end - p - 2) : sizeof num - 1;
            memcpy(num, p + 2, n);
            char *stop;
            double q = strtod(num, &stop);
            return stop == num || q < 0 || q > 1 ? 0 : q;
        }
        while (p < end && *p != ';')
            p++;
    }
    return 1;
}

web_lang_t web_lang_negotiate(const char *h)
{
    double q_es = -1, q_en = -1;
    if (!h)
        return WEB_LANG_ES;
    const char *p = h;
    for (int items = 0; *p && items < 32; items++) {
        const char *end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        size_t tag = 0;
        while (p + tag < end && p[tag] != ';' && p[tag] != ' ')
            tag++;
        double q = item_q(p + tag, end);
        /* the primary subtag: "es", "es-VE", "en-US"; "*" is neither */
        if (tag >= 2 && (tag == 2 || p[2] == '-')) {
            if (!strncasecmp(p, "es", 2) && q > q_es)
                q_es = q;
            else if (!strncasecmp(p, "en", 2) && q > q_en)
                q_en = q;
        }
        p = *end ? end + 1 : end;
    }
    return q_en > 0 && q_en > q_es ? WEB_LANG_EN : WEB_LANG_ES;
}

/* The same examples; fields by their Spanish names in the Spanish page
 * (the parser takes either in both). */
static const char *const help_examples_es[] = {
    "rodriguez",
    "\"fue detenido\"",
    "maria OR jose",
    "detenidos -liberados",
    "detenc*",
    "caracas NEAR/5 protesta",
    "tipo:pdf idioma:es",
    "fecha:2024-07-28..2024-08-05",
    "titulo:informe",
    "carpeta:corpus/noticias",
};

static const char *const help_examples_en[] = {
    "rodriguez",     "\"fue detenido\"",        "maria OR jose",    "detenidos -liberados",
    "detenc*",       "caracas NEAR/5 protesta", "type:pdf lang:es", "date:2024-07-28..2024-08-05",
    "title:informe", "folder:corpus/noticias",
};

static const char *const help_es[] = {
    "la palabra, con o sin acentos y mayúsculas, y sus variantes (detenido, detenidos)",
    "la frase exacta",
    "cualquiera de las dos",
    "con la primera y sin la segunda",
    "palabras que empiezan así",
    "las dos palabras a 5 o menos de distancia",
    "solo PDF en español",
    "documentos fechados en ese intervalo",
    "palabras del título",
    "documentos encontrados en esa carpeta",
};

static const char *const help_en[] = {
    "the word, with or without accents and capitals, and its variants",
    "the exact phrase",
    "either word",
    "the first without the second",
    "words starting like this",
    "both words at most 5 words apart",
    "only PDFs in Spanish",
    "documents dated in that range",
    "words of the title",
    "documents found in that folder",
};

size_t web_help_rows(web_lang_t lang, const char *const **examples, const char *const **meanings)
{
    *examples = lang == WEB_LANG_EN ? help_examples_en : help_examples_es;
    *meanings = lang == WEB_LANG_EN ? help_en : help_es;
    return TG_ARRAY_LEN(help_examples_en);
}
