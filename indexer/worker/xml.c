/* XML and HTML trees over libxml2 (see xml.h): the only file that includes
 * libxml2, used by the extractors of web pages (extract_html.c), of Word
 * and OpenDocument files (extract_office.c) and, through the first, of
 * HTML mail bodies.
 *
 * Options, always: XML_PARSE_NONET (no network, ever), XML_PARSE_RECOVER
 * (keep what can be read of damaged input), XML_PARSE_NOERROR and
 * XML_PARSE_NOWARNING (nothing printed; the first error is kept for the
 * caller), and never XML_PARSE_NOENT, XML_PARSE_DTDLOAD, XML_PARSE_DTDATTR,
 * XML_PARSE_XINCLUDE or XML_PARSE_HUGE: no DTD or external entity is ever
 * loaded, entities are not expanded into the tree, and libxml2's limits on
 * depth and text size stay in force.  The HTML parser gets the same and
 * HTML_PARSE_NONET; with an encoding given, HTML_PARSE_IGNORE_ENC /
 * XML_PARSE_IGNORE_ENC make a <meta> or XML declaration unable to switch
 * the decoder half way (the caller already converted the bytes).
 *
 * libxml2 keeps global state (its error handlers); this file sets a silent
 * handler once per process, so no library message reaches the worker's
 * stderr. */
#define _POSIX_C_SOURCE 200809L
#include "xml.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <string.h>
#include <strings.h>

#include "util.h"

struct tg_xml {
    xmlDocPtr doc;
};

static void silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void silent_structured(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
}

static void init_once(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    xmlInitParser();
    xmlSetGenericErrorFunc(NULL, silent);
    xmlSetStructuredErrorFunc(NULL, silent_structured);
}

static void first_error(xmlParserCtxtPtr ctxt, char *err, size_t errlen)
{
    xmlErrorPtr e = ctxt ? xmlCtxtGetLastError(ctxt) : NULL;
    if (e && e->message) {
        char *m = tg_xstrdup(e->message);
        size_t n = strlen(m);
        while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' '))
            m[--n] = '\0';
        if (e->line > 0 && !strstr(m, "line"))
            tg_errf(err, errlen, "%s (line %d)", m, e->line);
        else
            tg_errf(err, errlen, "%s", m);
        free(m);
    } else {
        tg_errf(err, errlen, "no element could be read");
    }
}

tg_status_t tg_xml_parse(const char *data, size_t len, tg_xml_mode_t mode, const char *encoding,
                         tg_xml_t **out, int *recovered, char *err, size_t errlen)
{
    *out = NULL;
    if (recovered)
        *recovered = 0;
    if (len > (size_t)INT32_MAX) {
        tg_errf(err, errlen, "document too large to parse");
        return TG_ERR_LIMIT;
    }
    init_once();
    xmlDocPtr doc = NULL;
    int wellformed = 1;
    if (mode == TG_XML_HTML) {
        htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
        if (!ctxt)
            tg_oom();
        int opts = HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                   HTML_PARSE_RECOVER | HTML_PARSE_COMPACT;
        if (encoding)
            opts |= HTML_PARSE_IGNORE_ENC;
        doc = htmlCtxtReadMemory(ctxt, data, (int)len, NULL, encoding, opts);
        if (!doc || !xmlDocGetRootElement(doc))
            first_error(ctxt, err, errlen);
        wellformed = ctxt->wellFormed;
        htmlFreeParserCtxt(ctxt);
    } else {
        xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
        if (!ctxt)
            tg_oom();
        int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_RECOVER |
                   XML_PARSE_NOCDATA | XML_PARSE_COMPACT;
        if (encoding)
            opts |= XML_PARSE_IGNORE_ENC;
        doc = xmlCtxtReadMemory(ctxt, data, (int)len, NULL, encoding, opts);
        if (!doc || !xmlDocGetRootElement(doc) || !ctxt->wellFormed)
            first_error(ctxt, err, errlen);
        wellformed = ctxt->wellFormed;
        xmlFreeParserCtxt(ctxt);
    }
    if (!doc || !xmlDocGetRootElement(doc)) {
        if (doc)
            xmlFreeDoc(doc);
        return TG_ERR_FORMAT;
    }
    if (recovered)
        *recovered = !wellformed;
    tg_xml_t *x = tg_xcalloc(1, sizeof *x);
    x->doc = doc;
    *out = x;
    return TG_OK;
}

void tg_xml_free(tg_xml_t *doc)
{
    if (!doc)
        return;
    xmlFreeDoc(doc->doc);
    free(doc);
}

#define NODE(n)  ((xmlNodePtr)(n))
#define TGN(n)   ((tg_xml_node_t *)(n))
#define CNODE(n) ((const xmlNode *)(n))

tg_xml_node_t *tg_xml_root(const tg_xml_t *doc)
{
    return TGN(xmlDocGetRootElement(doc->doc));
}

tg_xml_node_t *tg_xml_child(const tg_xml_node_t *n)
{
    return n ? TGN(CNODE(n)->children) : NULL;
}

tg_xml_node_t *tg_xml_next(const tg_xml_node_t *n)
{
    return n ? TGN(CNODE(n)->next) : NULL;
}

tg_xml_node_t *tg_xml_parent(const tg_xml_node_t *n)
{
    if (!n || !CNODE(n)->parent || CNODE(n)->parent->type == XML_DOCUMENT_NODE ||
        CNODE(n)->parent->type == XML_HTML_DOCUMENT_NODE)
        return NULL;
    return TGN(CNODE(n)->parent);
}

tg_xml_node_t *tg_xml_walk_next(const tg_xml_node_t *top, const tg_xml_node_t *n, int skip_children)
{
    const xmlNode *c = CNODE(n);
    /* entity references hold the entity's declaration as their child: never
     * descend into them */
    if (!skip_children && c->children && c->type != XML_ENTITY_REF_NODE)
        return TGN(c->children);
    while (c && c != CNODE(top)) {
        if (c->next)
            return TGN(c->next);
        c = c->parent;
    }
    return NULL;
}

int tg_xml_is_element(const tg_xml_node_t *n)
{
    return n && CNODE(n)->type == XML_ELEMENT_NODE;
}

const char *tg_xml_text(const tg_xml_node_t *n)
{
    if (n && (CNODE(n)->type == XML_TEXT_NODE || CNODE(n)->type == XML_CDATA_SECTION_NODE))
        return CNODE(n)->content ? (const char *)CNODE(n)->content : "";
    return NULL;
}

const char *tg_xml_name(const tg_xml_node_t *n)
{
    if (!tg_xml_is_element(n) || !CNODE(n)->name)
        return "";
    return (const char *)CNODE(n)->name;
}

const char *tg_xml_ns(const tg_xml_node_t *n)
{
    if (!tg_xml_is_element(n) || !CNODE(n)->ns || !CNODE(n)->ns->href)
        return NULL;
    return (const char *)CNODE(n)->ns->href;
}

int tg_xml_is(const tg_xml_node_t *n, const char *ns_suffix, const char *name)
{
    if (!tg_xml_is_element(n) || strcmp(tg_xml_name(n), name) != 0)
        return 0;
    if (!ns_suffix)
        return 1;
    const char *ns = tg_xml_ns(n);
    if (!ns)
        return 0;
    size_t a = strlen(ns), b = strlen(ns_suffix);
    return a >= b && !strcmp(ns + a - b, ns_suffix);
}

const char *tg_xml_attr(const tg_xml_node_t *n, const char *name)
{
    if (!tg_xml_is_element(n))
        return NULL;
    for (const xmlAttr *a = CNODE(n)->properties; a; a = a->next) {
        if (!a->name || strcasecmp((const char *)a->name, name) != 0)
            continue;
        const xmlNode *t = a->children;
        if (t && (t->type == XML_TEXT_NODE) && t->content)
            return (const char *)t->content;
        return "";
    }
    return NULL;
}

void tg_xml_each_attr(const tg_xml_node_t *n, tg_xml_attr_cb cb, void *ctx)
{
    if (!tg_xml_is_element(n))
        return;
    for (const xmlAttr *a = CNODE(n)->properties; a; a = a->next) {
        const xmlNode *t = a->children;
        const char *v = t && t->type == XML_TEXT_NODE && t->content ? (const char *)t->content : "";
        if (cb(ctx, a->name ? (const char *)a->name : "", v))
            return;
    }
}

int tg_xml_decl_encoding(const char *data, size_t len, char *out, size_t outlen)
{
    size_t i = 0;
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
        i = 3;
    if (len - i < 6 || memcmp(data + i, "<?xml", 5) != 0)
        return -1;
    /* the declaration ends at the first "?>", within a short distance */
    size_t end = i + 5;
    while (end + 1 < len && end < i + 200 && !(data[end] == '?' && data[end + 1] == '>'))
        end++;
    if (end + 1 >= len || end >= i + 200)
        return -1;
    for (size_t k = i + 5; k + 8 < end; k++) {
        if (memcmp(data + k, "encoding", 8) != 0)
            continue;
        size_t p = k + 8;
        while (p < end && (data[p] == ' ' || data[p] == '\t' || data[p] == '\r' || data[p] == '\n'))
            p++;
        if (p >= end || data[p] != '=')
            return -1;
        p++;
        while (p < end && (data[p] == ' ' || data[p] == '\t' || data[p] == '\r' || data[p] == '\n'))
            p++;
        if (p >= end || (data[p] != '"' && data[p] != '\''))
            return -1;
        char q = data[p++];
        size_t s = p;
        while (p < end && data[p] != q)
            p++;
        if (p >= end || p == s || p - s >= outlen)
            return -1;
        for (size_t c = s; c < p; c++) {
            char ch = data[c];
            /* EncName ::= [A-Za-z] ([A-Za-z0-9._] | '-')* */
            if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'))
                return -1;
        }
        memcpy(out, data + s, p - s);
        out[p - s] = '\0';
        return 0;
    }
    return -1;
}
