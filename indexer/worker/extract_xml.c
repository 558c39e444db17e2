/* XML documents (text/xml, application/xml) that are not web pages or
 * office files: news feeds (RSS, Atom), backups of a phone's messages
 * (SMS Backup & Restore writes each message as attributes: body,
 * contact_name, readable_date), exports of other tools.
 *
 * Text: every text node, one per line, in document order; and the values
 * of attributes that hold words (a space inside: "Llegamos a las 4 pm",
 * "Juan Pérez"), each on its own line before the element's text.  Single
 * tokens in attributes (ids, numbers, flags, addresses, URLs) are left out:
 * they are markup, not what a person wrote.  Title: the text of the first
 * element named "title" (RSS, Atom, and most document formats), if it is
 * short enough to be one.
 *
 * The bytes become UTF-8 before parsing (a byte order mark, the XML
 * declaration if the bytes fit it, else detection: tg_text_decode_as), and
 * xml.c parses them: no network, no DTD, no entity expansion.  A document
 * with errors is read as far as the parser recovers, with a warning. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "extract.h"
#include "schema.h"
#include "text.h"
#include "util.h"
#include "xml.h"

/* Bytes of a file read (a warning says when more was left): as for web
 * pages, since libxml2's tree takes several times the document's size and
 * a worker has --mem-limit (1 GB by default). */
#define MAX_XML ((size_t)32 << 20)
/* Longest title taken from a <title> element. */
#define MAX_TITLE 300

typedef struct {
    tg_extract_t *x;
    tg_decode_info_t info;
} out_t;

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Appends s without its surrounding blanks, as a line of its own. */
static void line(out_t *o, const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && is_space(*s))
        s++, n--;
    while (n > 0 && is_space(s[n - 1]))
        n--;
    if (n == 0)
        return;
    if (o->x->text.len > 0)
        tg_text_append_utf8("\n", 1, &o->x->text, &o->info);
    tg_text_append_utf8(s, n, &o->x->text, &o->info);
}

static int attr_words(void *ctx, const char *name, const char *value)
{
    (void)name;
    const char *v = value;
    while (*v && is_space(*v))
        v++;
    const char *sp = v;
    while (*sp && !is_space(*sp))
        sp++;
    while (*sp && is_space(*sp))
        sp++;
    if (*sp) /* at least two words */
        line(ctx, v);
    return 0;
}

/* The text under element e, blanks collapsed, up to MAX_TITLE bytes; NULL
 * if empty or longer. */
static char *element_text(tg_xml_node_t *e)
{
    tg_buf_t b;
    tg_buf_init(&b, MAX_TITLE + 1);
    int space = 0;
    for (tg_xml_node_t *n = tg_xml_child(e); n; n = tg_xml_walk_next(e, n, 0)) {
        const char *t = tg_xml_text(n);
        for (; t && *t; t++) {
            if (is_space(*t)) {
                space = b.len > 0;
                continue;
            }
            if ((space && tg_buf_addc(&b, ' ')) || tg_buf_addc(&b, *t)) {
                tg_buf_free(&b);
                return NULL;
            }
            space = 0;
        }
    }
    char *s = b.len ? tg_xstrdup(tg_buf_str(&b)) : NULL;
    tg_buf_free(&b);
    return s;
}

tg_status_t tg_extract_xml(const char *path, const char *mime, const tg_extract_limits_t *lim,
                           tg_extract_t *x, char *err, size_t errlen)
{
    (void)mime;
    char *data;
    size_t len;
    uint64_t total;
    tg_status_t st = tg_extract_slurp(path, lim, MAX_XML, &data, &len, &total, err, errlen);
    if (st)
        return st;
    if (total > len)
        tg_extract_warn(x, "document larger than %zu MB: only its first %zu MB are read",
                        MAX_XML >> 20, MAX_XML >> 20);

    char declared[64] = "";
    tg_xml_decl_encoding(data, len, declared, sizeof declared);
    tg_buf_t utf8;
    tg_buf_init(&utf8, len * 3 + 16);
    tg_decode_info_t info = {0};
    tg_extract_decode(x, data, len, declared, "the document", "its XML declaration", &utf8, &info);
    free(data);
    free(x->charset);
    x->charset = tg_xstrdup(info.charset);
    for (char *c = x->charset; *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');

    tg_xml_t *doc;
    int recovered = 0;
    st = tg_xml_parse(utf8.data ? utf8.data : "", utf8.len, TG_XML_XML, "UTF-8", &doc, &recovered,
                      err, errlen);
    tg_buf_free(&utf8);
    if (st)
        return st;
    if (recovered)
        tg_extract_warn(x, "the XML is not well-formed (%s): read as far as it could be", err);

    out_t o = {x, {0}};
    tg_xml_node_t *root = tg_xml_root(doc);
    char *title = NULL;
    for (tg_xml_node_t *n = root; n && !o.info.truncated; n = tg_xml_walk_next(root, n, 0)) {
        if (tg_xml_is_element(n)) {
            if (!title && !strcmp(tg_xml_name(n), "title"))
                title = element_text(n);
            tg_xml_each_attr(n, attr_words, &o);
        } else if (tg_xml_text(n)) {
            line(&o, tg_xml_text(n));
        }
    }
    if (title)
        tg_rec_set_str(x->meta, "title", title);
    free(title);
    if (o.info.truncated)
        tg_extract_warn(x, "text truncated: only the first %zu MB are indexed",
                        lim->max_text >> 20);
    tg_xml_free(doc);
    return TG_OK;
}
