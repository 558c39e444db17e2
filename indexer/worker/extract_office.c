/* Word (DOCX, DOTX, DOCM, DOTM) and OpenDocument text (ODT, OTT): zip
 * packages of XML parts.  The package is read by bundle.c (libarchive's
 * zip reader, the parts wanted into capped buffers), the XML by xml.c
 * (libxml2, no network, no external entities, no DTD); no library is
 * included here.
 *
 * Text, in reading order: the headers (each distinct one once), the body
 * (paragraphs as lines; table cells separated by tabs, rows as lines;
 * text boxes where they stand), the footnotes and endnotes, the footers.
 * Deleted text of tracked changes, field codes and comments are left out.
 * Metadata from docProps/core.xml (Word) or meta.xml (OpenDocument):
 * title, author, subject, keywords, description, created, modified; the
 * created date is the document date, date_source "docx:created" or
 * "odt:creation-date".
 *
 * A package that is not a zip, has no main part (word/document.xml,
 * content.xml), or whose main part is not XML at all fails with
 * TG_ERR_FORMAT and says which; a main part damaged half way is read up to
 * the damage, with a warning. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "extract.h"
#include "schema.h"
#include "text.h"
#include "util.h"
#include "xml.h"

/* Bytes of one XML part, and of all parts read. */
#define MAX_PART  ((size_t)64 << 20)
#define MAX_PARTS ((size_t)256 << 20)
#define MAX_PICK  64

/* Namespace URI endings. */
#define NS_W      "wordprocessingml/2006/main"
#define NS_W2     "ooxml/wordprocessingml/main" /* ISO strict */
#define NS_MC     "markup-compatibility/2006"
#define NS_TEXT   "opendocument:xmlns:text:1.0"
#define NS_TABLE  "opendocument:xmlns:table:1.0"
#define NS_OFFICE "opendocument:xmlns:office:1.0"
#define NS_STYLE  "opendocument:xmlns:style:1.0"

typedef struct {
    char *name;
    char *data; /* NULL: too large or damaged */
    size_t len;
} part_t;

typedef struct {
    int odf;
    part_t parts[MAX_PICK];
    unsigned n;
} package_t;

static int pick(void *ctx, const char *name)
{
    package_t *p = ctx;
    if (p->n >= MAX_PICK)
        return 0;
    if (p->odf)
        return !strcmp(name, "content.xml") || !strcmp(name, "styles.xml") ||
               !strcmp(name, "meta.xml");
    if (!strcmp(name, "docProps/core.xml") || !strcmp(name, "_rels/.rels"))
        return 1;
    size_t n = strlen(name);
    return !strncmp(name, "word/", 5) && !strchr(name + 5, '/') && n > 9 &&
           !strcmp(name + n - 4, ".xml");
}

static void got(void *ctx, const char *name, const char *data, size_t len)
{
    package_t *p = ctx;
    part_t *t = &p->parts[p->n++];
    t->name = tg_xstrdup(name);
    t->data = data ? tg_xstrndup(data, len) : NULL;
    t->len = len;
}

static part_t *part(package_t *p, const char *name)
{
    for (unsigned i = 0; i < p->n; i++)
        if (!strcmp(p->parts[i].name, name))
            return &p->parts[i];
    return NULL;
}

static int cmp_part(const void *a, const void *b)
{
    const part_t *x = a, *y = b;
    /* header2.xml before header10.xml */
    size_t lx = strlen(x->name), ly = strlen(y->name);
    if (lx != ly)
        return lx < ly ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* ==== Writing text ========================================================= */

typedef struct {
    tg_buf_t out; /* UTF-8 of the part being read */
    int in_cell;  /* table cells open */
    int odf;
    tg_xml_node_t *skip_notes; /* ODF: leave notes out (read separately) */
} writer_t;

static void w_put(writer_t *w, const char *s)
{
    tg_buf_adds(&w->out, s);
}

static void w_end_par(writer_t *w)
{
    if (w->in_cell)
        w_put(w, " ");
    else
        w_put(w, "\n");
}

static void w_end_cell(writer_t *w)
{
    /* the cell's last paragraph left a space */
    if (w->out.len && w->out.data[w->out.len - 1] == ' ')
        w->out.data[--w->out.len] = '\0';
    w_put(w, "\t");
}

static void w_end_row(writer_t *w)
{
    if (w->out.len && w->out.data[w->out.len - 1] == '\t')
        w->out.data[--w->out.len] = '\0';
    w_put(w, "\n");
}

/* ODF text: runs of whitespace are one space (text:s writes more). */
static void w_collapsed(writer_t *w, const char *s)
{
    for (; *s; s++) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
            if (w->out.len && w->out.data[w->out.len - 1] != ' ' &&
                w->out.data[w->out.len - 1] != '\n' && w->out.data[w->out.len - 1] != '\t')
                tg_buf_addc(&w->out, ' ');
            continue;
        }
        tg_buf_addc(&w->out, *s);
    }
}

static int is_w(const tg_xml_node_t *n, const char *name)
{
    return tg_xml_is(n, NS_W, name) || tg_xml_is(n, NS_W2, name);
}

/* ==== Word ================================================================= */

/* Entering a node of a Word part; returns 1 to pass over its children. */
static int docx_enter(writer_t *w, tg_xml_node_t *n)
{
    if (!tg_xml_is_element(n))
        return 1;
    if (tg_xml_is(n, NS_MC, "Fallback"))
        return 1; /* the same text as mc:Choice, for older readers */
    const char *name = tg_xml_name(n);
    if (!is_w(n, name))
        return 0; /* other vocabularies (drawings, math): their w: content is read */
    if (!strcmp(name, "t")) {
        for (tg_xml_node_t *c = tg_xml_child(n); c; c = tg_xml_next(c))
            if (tg_xml_text(c))
                w_put(w, tg_xml_text(c));
        return 1;
    }
    if (!strcmp(name, "delText") || !strcmp(name, "instrText") || !strcmp(name, "del") ||
        !strcmp(name, "rPr") || !strcmp(name, "pPr") || !strcmp(name, "sectPr") ||
        !strcmp(name, "tblPr") || !strcmp(name, "commentReference"))
        return 1;
    if (!strcmp(name, "tab") && tg_xml_parent(n) && is_w(tg_xml_parent(n), "r"))
        w_put(w, "\t");
    else if (!strcmp(name, "br") || !strcmp(name, "cr"))
        w_put(w, "\n");
    else if (!strcmp(name, "noBreakHyphen"))
        w_put(w, "-");
    else if (!strcmp(name, "tc"))
        w->in_cell++;
    else if ((!strcmp(name, "footnote") || !strcmp(name, "endnote")) && tg_xml_attr(n, "type") &&
             strcmp(tg_xml_attr(n, "type"), "normal") != 0)
        return 1; /* separators */
    return 0;
}

static void docx_leave(writer_t *w, tg_xml_node_t *n)
{
    if (!is_w(n, tg_xml_name(n)))
        return;
    const char *name = tg_xml_name(n);
    if (!strcmp(name, "p"))
        w_end_par(w);
    else if (!strcmp(name, "tc")) {
        w->in_cell--;
        w_end_cell(w);
    } else if (!strcmp(name, "tr"))
        w_end_row(w);
}

/* ==== OpenDocument ========================================================= */

static int odf_enter(writer_t *w, tg_xml_node_t *n)
{
    const char *t = tg_xml_text(n);
    if (t) {
        /* text belongs to paragraphs and headings (and their spans) */
        for (tg_xml_node_t *p = tg_xml_parent(n); p; p = tg_xml_parent(p)) {
            if (tg_xml_is(p, NS_TEXT, "p") || tg_xml_is(p, NS_TEXT, "h")) {
                w_collapsed(w, t);
                break;
            }
        }
        return 1;
    }
    if (!tg_xml_is_element(n))
        return 1;
    const char *name = tg_xml_name(n);
    if (tg_xml_is(n, NS_TEXT, name)) {
        if (!strcmp(name, "s")) {
            const char *c = tg_xml_attr(n, "c");
            long k = 1;
            if (c && tg_parse_long(c, 1, 100, &k))
                k = 1;
            while (k-- > 0)
                tg_buf_addc(&w->out, ' ');
        } else if (!strcmp(name, "tab")) {
            w_put(w, "\t");
        } else if (!strcmp(name, "line-break")) {
            w_put(w, "\n");
        } else if (!strcmp(name, "tracked-changes") || !strcmp(name, "note-citation") ||
                   !strcmp(name, "sequence-decls") || !strcmp(name, "variable-decls") ||
                   !strcmp(name, "user-field-decls") || !strcmp(name, "deletion")) {
            return 1;
        } else if (!strcmp(name, "note") && w->skip_notes) {
            return 1;
        }
        return 0;
    }
    if (tg_xml_is(n, NS_OFFICE, "annotation"))
        return 1;
    if (tg_xml_is(n, NS_TABLE, "table-cell"))
        w->in_cell++;
    else if (tg_xml_is(n, NS_TABLE, "covered-table-cell"))
        return 1;
    return 0;
}

static void odf_leave(writer_t *w, tg_xml_node_t *n)
{
    if (tg_xml_is(n, NS_TEXT, "p") || tg_xml_is(n, NS_TEXT, "h")) {
        /* trailing space of the paragraph */
        if (w->out.len && w->out.data[w->out.len - 1] == ' ')
            w->out.data[--w->out.len] = '\0';
        w_end_par(w);
    } else if (tg_xml_is(n, NS_TABLE, "table-cell")) {
        w->in_cell--;
        w_end_cell(w);
    } else if (tg_xml_is(n, NS_TABLE, "table-row")) {
        w_end_row(w);
    }
}

/* Walks the tree under top (top included), iteratively. */
static void walk(writer_t *w, tg_xml_node_t *top)
{
    tg_xml_node_t *n = top;
    while (n) {
        int skip = w->odf ? odf_enter(w, n) : docx_enter(w, n);
        if (!skip && tg_xml_child(n)) {
            n = tg_xml_child(n);
            continue;
        }
        if (!skip && tg_xml_is_element(n))
            w->odf ? odf_leave(w, n) : docx_leave(w, n);
        while (n && n != top && !tg_xml_next(n)) {
            n = tg_xml_parent(n);
            if (n)
                w->odf ? odf_leave(w, n) : docx_leave(w, n);
        }
        n = n && n != top ? tg_xml_next(n) : NULL;
    }
}

/* ==== Parts ================================================================ */

typedef struct {
    tg_extract_t *x;
    tg_decode_info_t info;
    json_t *seen; /* header and footer texts already written */
} text_t;

/* Appends a section of text (once, if dedupe), a blank line between. */
static void add_text(text_t *t, const char *s, size_t n, int dedupe)
{
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0)
        return;
    if (dedupe) {
        char *k = tg_xstrndup(s, n);
        int dup = json_object_get(t->seen, k) != NULL;
        if (!dup && json_object_size(t->seen) < 1000)
            json_object_set_new(t->seen, k, json_true());
        free(k);
        if (dup)
            return;
    }
    if (t->x->text.len > 0)
        tg_text_append_utf8("\n\n", 2, &t->x->text, &t->info);
    tg_text_append_utf8(s, n, &t->x->text, &t->info);
}

/* Parses one part; returns its tree or NULL (a warning says why, unless
 * main: then err does). */
static tg_xml_t *parse_part(tg_extract_t *x, const part_t *p, int main, tg_status_t *st, char *err,
                            size_t errlen)
{
    if (!p->data) {
        tg_errf(err, errlen, "%s is larger than %zu MB or damaged", p->name, MAX_PART >> 20);
        if (!main)
            tg_extract_warn(x, "%s", err);
        *st = TG_ERR_FORMAT;
        return NULL;
    }
    tg_xml_t *doc;
    int recovered = 0;
    char why[512];
    *st = tg_xml_parse(p->data, p->len, TG_XML_XML, NULL, &doc, &recovered, why, sizeof why);
    if (*st) {
        tg_errf(err, errlen, "%s is not XML: %s", p->name, why);
        if (!main)
            tg_extract_warn(x, "%s", err);
        return NULL;
    }
    if (recovered)
        tg_extract_warn(x, "%s is damaged (%s): what could be read is indexed", p->name, why);
    return doc;
}

static int matches(const tg_xml_node_t *n, const char *ns, const char *const *under)
{
    if (!under)
        return 1;
    for (; *under; under++)
        if (tg_xml_is(n, ns, *under))
            return 1;
    return 0;
}

/* The text of one part, appended: all of it, or each subtree whose element
 * is named in under (namespace ns) as a section of its own. */
static void part_text(text_t *t, const part_t *p, int odf, int dedupe, const char *ns,
                      const char *const *under)
{
    tg_status_t st;
    char err[512];
    tg_xml_t *doc = parse_part(t->x, p, 0, &st, err, sizeof err);
    if (!doc)
        return;
    writer_t w = {.odf = odf};
    tg_buf_init(&w.out, t->x->text.max + 1);
    tg_xml_node_t *root = tg_xml_root(doc), *n = root;
    while (n) {
        if (!matches(n, ns, under)) {
            n = tg_xml_walk_next(root, n, 0);
            continue;
        }
        tg_buf_reset(&w.out);
        w.in_cell = 0;
        walk(&w, n);
        add_text(t, tg_buf_str(&w.out), w.out.len, dedupe);
        n = under ? tg_xml_walk_next(root, n, 1) : NULL;
    }
    tg_buf_free(&w.out);
    tg_xml_free(doc);
}

/* ==== Metadata ============================================================== */

/* The collapsed text of an element, or NULL. */
static char *elem_text(tg_xml_node_t *e)
{
    tg_buf_t b;
    tg_buf_init(&b, 4096);
    for (tg_xml_node_t *n = tg_xml_child(e); n; n = tg_xml_walk_next(e, n, 0))
        if (tg_xml_text(n) && tg_buf_adds(&b, tg_xml_text(n)))
            break;
    char *c = tg_utf8_clean(tg_buf_str(&b), b.len);
    tg_buf_free(&b);
    char *s = c;
    while (*s == ' ' || *s == '\n' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t'))
        n--;
    char *r = n ? tg_xstrndup(s, n) : NULL;
    free(c);
    return r;
}

static void meta_set(tg_extract_t *x, const char *key, char *v, int append)
{
    if (!v)
        return;
    const char *old = tg_rec_str(x->meta, key);
    if (old && append) {
        char *j = tg_xasprintf("%s, %s", old, v);
        tg_rec_set_str(x->meta, key, j);
        free(j);
    } else if (!old) {
        tg_rec_set_str(x->meta, key, v);
    }
    free(v);
}

static void read_meta(tg_extract_t *x, const part_t *p, int odf)
{
    tg_status_t st;
    char err[512];
    tg_xml_t *doc = parse_part(x, p, 0, &st, err, sizeof err);
    if (!doc)
        return;
    tg_xml_node_t *root = tg_xml_root(doc);
    char *initial = NULL, *creator = NULL;
    for (tg_xml_node_t *n = root; n; n = tg_xml_walk_next(root, n, 0)) {
        if (!tg_xml_is_element(n) || n == root)
            continue;
        const char *name = tg_xml_name(n);
        if (!strcmp(name, "title"))
            meta_set(x, "title", elem_text(n), 0);
        else if (!strcmp(name, "subject"))
            meta_set(x, "subject", elem_text(n), 0);
        else if (!strcmp(name, "description"))
            meta_set(x, "description", elem_text(n), 0);
        else if (!strcmp(name, "keywords") || !strcmp(name, "keyword"))
            meta_set(x, "keywords", elem_text(n), 1);
        else if (!strcmp(name, "creator") && !creator)
            creator = elem_text(n);
        else if (!strcmp(name, "initial-creator") && !initial)
            initial = elem_text(n);
        else if (!strcmp(name, "lastModifiedBy"))
            meta_set(x, "modified_by", elem_text(n), 0);
        else if (!strcmp(name, "created") || !strcmp(name, "creation-date"))
            meta_set(x, "created", elem_text(n), 0);
        else if (!strcmp(name, "modified") || (odf && !strcmp(name, "date")))
            meta_set(x, "modified", elem_text(n), 0);
    }
    /* Word's dc:creator is the author; OpenDocument's is who saved it last */
    if (odf && initial) {
        meta_set(x, "author", initial, 0);
        meta_set(x, "modified_by", creator, 0);
    } else {
        meta_set(x, "author", creator, 0);
        free(initial);
    }
    const char *created = tg_rec_str(x->meta, "created");
    tg_date_t d;
    if (created && tg_date_parse(created, strlen(created), &d) == 0 && d.year > 1601) {
        x->date = tg_xstrdup(created);
        x->date_source = tg_xstrdup(odf ? "odt:creation-date" : "docx:created");
    }
    tg_xml_free(doc);
}

/* The main part of a Word package: the officeDocument relationship of
 * _rels/.rels, else word/document.xml. */
static char *docx_main(tg_extract_t *x, package_t *pk)
{
    part_t *rels = part(pk, "_rels/.rels");
    tg_status_t st;
    char err[256];
    tg_xml_t *doc = rels ? parse_part(x, rels, 0, &st, err, sizeof err) : NULL;
    char *main = NULL;
    if (doc) {
        tg_xml_node_t *root = tg_xml_root(doc);
        for (tg_xml_node_t *n = root; n && !main; n = tg_xml_walk_next(root, n, 0)) {
            const char *type = tg_xml_attr(n, "Type"), *target = tg_xml_attr(n, "Target");
            size_t tl = type ? strlen(type) : 0;
            if (type && target && tl > 15 && !strcmp(type + tl - 15, "/officeDocument"))
                main = tg_xstrdup(target[0] == '/' ? target + 1 : target);
        }
        tg_xml_free(doc);
    }
    return main ? main : tg_xstrdup("word/document.xml");
}

tg_status_t tg_extract_office(const char *path, const char *mime, const tg_extract_limits_t *lim,
                              tg_extract_t *x, char *err, size_t errlen)
{
    package_t pk = {.odf = strstr(mime, "opendocument") != NULL};
    const char *what = pk.odf ? "OpenDocument text" : "Word document";
    char why[512];
    tg_status_t st =
        tg_bundle_read_parts(path, MAX_PART, MAX_PARTS, pick, got, &pk, why, sizeof why);
    text_t t = {.x = x, .seen = json_object()};
    char *main = NULL;
    if (st) {
        tg_errf(err, errlen, "not a readable %s: %s", what, why);
        goto out;
    }
    (void)lim;
    qsort(pk.parts, pk.n, sizeof pk.parts[0], cmp_part);
    main = pk.odf ? tg_xstrdup("content.xml") : docx_main(x, &pk);
    part_t *mp = part(&pk, main);
    if (!mp) {
        tg_errf(err, errlen, "not a readable %s: the package has no %s", what, main);
        st = TG_ERR_FORMAT;
        goto out;
    }
    tg_xml_t *mdoc = parse_part(x, mp, 1, &st, why, sizeof why);
    if (!mdoc) {
        tg_errf(err, errlen, "not a readable %s: %s", what, why);
        goto out;
    }
    tg_xml_free(mdoc); /* parsed again below, with the others */
    if (pk.odf) {
        part_t *styles = part(&pk, "styles.xml");
        static const char *const heads[] = {"header", "header-left", "header-first", NULL};
        static const char *const feet[] = {"footer", "footer-left", "footer-first", NULL};
        static const char *const notes[] = {"note-body", NULL};
        if (styles)
            part_text(&t, styles, 1, 1, NS_STYLE, heads);
        /* the body without its notes, then the notes */
        tg_xml_t *doc;
        if (tg_xml_parse(mp->data, mp->len, TG_XML_XML, NULL, &doc, NULL, why, sizeof why) ==
            TG_OK) {
            tg_xml_node_t *root = tg_xml_root(doc), *office_text = NULL;
            for (tg_xml_node_t *n = root; n && !office_text; n = tg_xml_walk_next(root, n, 0))
                if (tg_xml_is(n, NS_OFFICE, "text"))
                    office_text = n;
            writer_t w = {.odf = 1, .skip_notes = office_text};
            tg_buf_init(&w.out, x->text.max + 1);
            if (office_text)
                walk(&w, office_text);
            add_text(&t, tg_buf_str(&w.out), w.out.len, 0);
            tg_buf_free(&w.out);
            tg_xml_free(doc);
        }
        part_text(&t, mp, 1, 0, NS_TEXT, notes);
        if (styles)
            part_text(&t, styles, 1, 1, NS_STYLE, feet);
        part_t *meta = part(&pk, "meta.xml");
        if (meta)
            read_meta(x, meta, 1);
    } else {
        for (unsigned i = 0; i < pk.n; i++)
            if (!strncmp(pk.parts[i].name, "word/header", 11))
                part_text(&t, &pk.parts[i], 0, 1, NULL, NULL);
        part_text(&t, mp, 0, 0, NULL, NULL);
        static const char *const foot[] = {"footnote", NULL};
        static const char *const end[] = {"endnote", NULL};
        part_t *fn = part(&pk, "word/footnotes.xml"), *en = part(&pk, "word/endnotes.xml");
        if (fn)
            part_text(&t, fn, 0, 0, NS_W, foot);
        if (en)
            part_text(&t, en, 0, 0, NS_W, end);
        for (unsigned i = 0; i < pk.n; i++)
            if (!strncmp(pk.parts[i].name, "word/footer", 11))
                part_text(&t, &pk.parts[i], 0, 1, NULL, NULL);
        part_t *core = part(&pk, "docProps/core.xml");
        if (core)
            read_meta(x, core, 0);
    }
    if (t.info.truncated)
        tg_extract_warn(x, "text truncated: only the first %zu MB are indexed", x->text.max >> 20);
    st = TG_OK;
out:
    free(main);
    json_decref(t.seen);
    for (unsigned i = 0; i < pk.n; i++) {
        free(pk.parts[i].name);
        free(pk.parts[i].data);
    }
    return st;
}
