/* Web pages (HTML and XHTML, as saved by a browser) and the HTML bodies of
 * mail: the text a reader sees, and the page's metadata.
 *
 * Parsing is libxml2's HTML parser, through xml.h (never a regular
 * expression); XHTML goes through the same parser, because XHTML's named
 * entities (&nbsp; ...) are declared in its DTD, which is never loaded.
 *
 * Charset, in this order: a byte order mark; the charset declared outside
 * the document (a mail part's MIME charset); the document's XML
 * declaration; its <meta charset> or <meta http-equiv="Content-Type">,
 * read by parsing the first HEAD_BYTES as Latin-1 (every byte is a
 * character, and the names are ASCII); else tg_text_decode's detection.
 * The bytes are converted to UTF-8 here (tg_text_decode_as) and handed to
 * the parser as UTF-8, so a declaration that does not fit the bytes (a
 * page that says UTF-8 but is Windows-1252) is overruled with a warning and
 * never garbles or loses the text.
 *
 * Visible text: everything under <body> except script, style, noscript,
 * template, embedded objects and form controls, and navigation
 * boilerplate where the markup says what it is: nav, aside, page-level
 * header and footer (those inside an <article> or <main> are the
 * article's own: its headline, its byline), ARIA roles navigation,
 * banner, contentinfo, complementary, search and menu, and elements
 * hidden by `hidden`, aria-hidden="true" or an inline display:none.  A page
 * whose text would be empty without its boilerplate keeps it.  Blocks are
 * lines; table cells are separated by tabs; whitespace is collapsed except
 * in <pre>.
 *
 * Metadata: title (<title>, else og:title, else the first <h1>), author,
 * description, the canonical URL (<link rel="canonical">, else og:url) as
 * "url", and the publication date as "published" and as the document
 * date, from the first of: article:published_time, itemprop
 * datePublished, a <meta> named date (date, dc.date, dcterms.date, ...),
 * a <time datetime> (one marked pubdate first).  Dates must start with an
 * ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD); date_source says which
 * one, e.g. "html:article:published_time".
 *
 * Input is read up to MAX_HTML bytes (a warning says if more was left);
 * the parser's own limits and the worker's memory limit cover the rest. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "extract.h"
#include "schema.h"
#include "text.h"
#include "util.h"
#include "xml.h"

/* Bytes of a page parsed. */
#define MAX_HTML ((size_t)32 << 20)
/* Bytes parsed to find a <meta> charset declaration. */
#define HEAD_BYTES 8192
/* Longest metadata value kept, in bytes. */
#define MAX_META 4096

/* ==== Charset ============================================================= */

/* A charset name out of a Content-Type value ("text/html; charset=utf-8"). */
static int charset_of_content_type(const char *v, char *out, size_t outlen)
{
    const char *p = v;
    for (; *p; p++) {
        if (strncasecmp(p, "charset", 7) != 0)
            continue;
        const char *q = p + 7;
        while (*q == ' ')
            q++;
        if (*q != '=')
            continue;
        q++;
        while (*q == ' ' || *q == '"' || *q == '\'')
            q++;
        size_t n = 0;
        while (q[n] && (isalnum((unsigned char)q[n]) || strchr("-_.:", q[n])))
            n++;
        if (n == 0 || n >= outlen)
            return -1;
        memcpy(out, q, n);
        out[n] = '\0';
        return 0;
    }
    return -1;
}

/* The charset a page's <meta> declares, found by parsing its first bytes. */
static int meta_charset(const char *data, size_t len, char *out, size_t outlen)
{
    tg_xml_t *doc;
    char err[64];
    if (tg_xml_parse(data, len < HEAD_BYTES ? len : HEAD_BYTES, TG_XML_HTML, "ISO-8859-1", &doc,
                     NULL, err, sizeof err))
        return -1;
    tg_xml_node_t *root = tg_xml_root(doc);
    int found = -1;
    for (tg_xml_node_t *n = root; n && found; n = tg_xml_walk_next(root, n, 0)) {
        if (!tg_xml_is(n, NULL, "meta"))
            continue;
        const char *cs = tg_xml_attr(n, "charset");
        const char *he = tg_xml_attr(n, "http-equiv");
        const char *ct = tg_xml_attr(n, "content");
        if (cs && *cs && strlen(cs) < outlen) {
            snprintf(out, outlen, "%s", cs);
            /* trim what a sloppy page puts around it */
            for (char *c = out; *c; c++)
                if (*c == ' ' || *c == '"' || *c == ';')
                    *c = '\0';
            found = out[0] ? 0 : -1;
        } else if (he && ct && !strcasecmp(he, "content-type")) {
            found = charset_of_content_type(ct, out, outlen);
        }
    }
    tg_xml_free(doc);
    return found;
}

/* ==== The walk ============================================================ */

typedef struct {
    tg_extract_t *x;
    tg_decode_info_t info;
    int boilerplate; /* 1: keep navigation and page headers/footers too */
    int newlines;    /* newlines at the end of the output (2: a blank line) */
    int space;       /* a space is due before the next word */
    size_t emitted;  /* bytes of visible text written */
    int pre;         /* inside <pre> */
    tg_xml_node_t *pre_node;
    tg_buf_t scratch; /* one text node, collapsed */
} walk_t;

static void put(walk_t *w, const char *s, size_t n)
{
    if (n == 0 || w->info.truncated)
        return;
    tg_text_append_utf8(s, n, &w->x->text, &w->info);
}

static void newline(walk_t *w, int want)
{
    if (w->x->text.len == 0 && w->emitted == 0)
        return;
    while (w->newlines < want) {
        put(w, "\n", 1);
        w->newlines++;
    }
    w->space = 0;
}

static void text(walk_t *w, const char *s)
{
    size_t n = strlen(s);
    if (w->pre) {
        if (n) {
            put(w, s, n);
            w->emitted += n;
            w->newlines = s[n - 1] == '\n';
            w->space = 0;
        }
        return;
    }
    tg_buf_reset(&w->scratch);
    /* at the start of a line, or of the whole text, no space is due */
    int line_start = w->newlines > 0 || (w->x->text.len == 0 && w->emitted == 0);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            w->space = 1;
            continue;
        }
        /* U+00A0 no-break space is a space to a reader */
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
            w->space = 1;
            i++;
            continue;
        }
        if (w->space && !line_start)
            tg_buf_addc(&w->scratch, ' ');
        line_start = 0;
        w->space = 0;
        if (tg_buf_addc(&w->scratch, (char)c))
            break;
    }
    if (w->scratch.len) {
        put(w, w->scratch.data, w->scratch.len);
        w->emitted += w->scratch.len;
        w->newlines = 0;
    }
}

static int name_in(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(name, *list))
            return 1;
    return 0;
}

static const char *const never_text[] = {
    "script", "style",    "noscript", "template", "head",  "iframe", "object", "embed",
    "svg",    "math",     "canvas",   "select",   "input", "button", "audio",  "video",
    "map",    "textarea", "datalist", "dialog",   "title", NULL};
static const char *const blocks[] = {
    "p",      "div",   "section",  "article", "main",       "li",      "ul",
    "ol",     "dl",    "dt",       "dd",      "blockquote", "figure",  "figcaption",
    "h1",     "h2",    "h3",       "h4",      "h5",         "h6",      "table",
    "tr",     "thead", "tbody",    "tfoot",   "caption",    "address", "header",
    "footer", "form",  "fieldset", "legend",  "details",    "summary", "center",
    "body",   "hr",    "pre",      "nav",     "aside",      NULL};
static const char *const nav_roles[] = {"navigation", "banner", "contentinfo", "complementary",
                                        "search",     "menu",   "menubar",     NULL};

static int inside_article(const tg_xml_node_t *n)
{
    for (const tg_xml_node_t *p = tg_xml_parent(n); p; p = tg_xml_parent(p))
        if (tg_xml_is(p, NULL, "article") || tg_xml_is(p, NULL, "main"))
            return 1;
    return 0;
}

static int hidden(const tg_xml_node_t *n)
{
    if (tg_xml_attr(n, "hidden"))
        return 1;
    const char *a = tg_xml_attr(n, "aria-hidden");
    if (a && !strcasecmp(a, "true"))
        return 1;
    const char *st = tg_xml_attr(n, "style");
    if (st) {
        char compact[256];
        size_t k = 0;
        for (const char *c = st; *c && k + 1 < sizeof compact; c++)
            if (*c != ' ' && *c != '\t')
                compact[k++] = (char)tolower((unsigned char)*c);
        compact[k] = '\0';
        if (strstr(compact, "display:none") || strstr(compact, "visibility:hidden"))
            return 1;
    }
    return 0;
}

/* 1 if the element is navigation or page furniture, not the page's text. */
static int is_boilerplate(const tg_xml_node_t *n)
{
    const char *name = tg_xml_name(n);
    if (!strcmp(name, "nav") || !strcmp(name, "aside"))
        return 1;
    const char *role = tg_xml_attr(n, "role");
    int page_part = !strcmp(name, "header") || !strcmp(name, "footer") ||
                    (role && (!strcasecmp(role, "banner") || !strcasecmp(role, "contentinfo")));
    if (page_part)
        return !inside_article(n);
    if (role) {
        for (const char *const *r = nav_roles; *r; r++)
            if (!strcasecmp(role, *r))
                return 1;
    }
    return 0;
}

static int para(const char *name)
{
    return !strcmp(name, "p") || (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2]);
}

/* Entering node n: writes its text or opens its block.  Returns 1 if its
 * children are to be passed over. */
static int enter(walk_t *w, tg_xml_node_t *n)
{
    const char *t = tg_xml_text(n);
    if (t) {
        text(w, t);
        return 1;
    }
    if (!tg_xml_is_element(n))
        return 1;
    const char *name = tg_xml_name(n);
    if (name_in(name, never_text) || hidden(n) || (!w->boilerplate && is_boilerplate(n)))
        return 1;
    if (!strcmp(name, "br")) {
        put(w, "\n", 1);
        w->newlines++;
        w->space = 0;
    } else if (!strcmp(name, "td") || !strcmp(name, "th")) {
        if (w->newlines == 0 && w->emitted)
            put(w, "\t", 1);
        w->space = 0;
    } else if (name_in(name, blocks)) {
        newline(w, para(name) ? 2 : 1);
        if (!strcmp(name, "pre") && !w->pre) {
            w->pre = 1;
            w->pre_node = n;
        }
    }
    return 0;
}

/* Leaving element n (entered, not skipped): closes its block. */
static void leave(walk_t *w, tg_xml_node_t *n)
{
    if (!tg_xml_is_element(n))
        return;
    const char *name = tg_xml_name(n);
    if (n == w->pre_node) {
        w->pre = 0;
        w->pre_node = NULL;
    }
    if (name_in(name, blocks))
        newline(w, para(name) ? 2 : 1);
}

/* Writes the visible text of the tree under root (its <body>, if it has
 * one); returns the bytes of text written.  Iterative: any depth. */
static size_t walk_text(walk_t *w, tg_xml_node_t *root)
{
    tg_xml_node_t *body = NULL;
    for (tg_xml_node_t *c = tg_xml_child(root); c && !body; c = tg_xml_next(c))
        if (tg_xml_is(c, NULL, "body"))
            body = c;
    tg_xml_node_t *top = body ? body : root;
    w->emitted = 0;
    w->pre = 0;
    w->pre_node = NULL;
    tg_xml_node_t *n = tg_xml_child(top);
    while (n && !w->info.truncated) {
        int skip = enter(w, n);
        if (!skip && tg_xml_child(n)) {
            n = tg_xml_child(n);
            continue;
        }
        if (!skip)
            leave(w, n);
        /* climb until a next sibling */
        while (n && n != top && !tg_xml_next(n)) {
            n = tg_xml_parent(n);
            if (n && n != top)
                leave(w, n);
        }
        n = n && n != top ? tg_xml_next(n) : NULL;
    }
    return w->emitted;
}

/* ==== Metadata ============================================================ */

/* A copy of s with whitespace collapsed and trimmed, or NULL if empty. */
static char *collapse(const char *s)
{
    return tg_utf8_one_line(s, MAX_META);
}

/* The text of an element (its descendants' text nodes), collapsed. */
static char *element_text(tg_xml_node_t *e)
{
    tg_buf_t b;
    tg_buf_init(&b, MAX_META);
    for (tg_xml_node_t *n = tg_xml_child(e); n; n = tg_xml_walk_next(e, n, 0)) {
        const char *t = tg_xml_text(n);
        if (t && (tg_buf_adds(&b, t) || tg_buf_addc(&b, ' ')))
            break;
    }
    char *r = collapse(tg_buf_str(&b));
    tg_buf_free(&b);
    return r;
}

/* An ISO 8601 date at the start of v, as a malloc'd string, or NULL:
 * "2024-08-02T10:00:00-04:00" as it is, "2024-08-02 10:00" as
 * "2024-08-02". */
static char *iso_date(const char *v)
{
    if (!v)
        return NULL;
    while (*v == ' ')
        v++;
    size_t n = strnlen(v, 64);
    while (n > 0 && v[n - 1] == ' ')
        n--;
    tg_date_t d;
    if (n >= 4 && n < 64 && tg_date_parse(v, n, &d) == 0)
        return tg_xstrndup(v, n);
    static const size_t cut[] = {10, 7, 4};
    for (size_t i = 0; i < TG_ARRAY_LEN(cut); i++)
        if (n > cut[i] && tg_date_parse(v, cut[i], &d) == 0)
            return tg_xstrndup(v, cut[i]);
    return NULL;
}

typedef struct {
    char *title, *og_title, *h1, *author, *description, *url, *og_url, *modified;
    char *date;
    int date_rank; /* lower is better; 99: none */
    char *date_source;
} page_meta_t;

static void take(char **slot, char *v)
{
    if (!*slot)
        *slot = v;
    else
        free(v);
}

static void offer_date(page_meta_t *m, int rank, const char *value, const char *source)
{
    if (rank >= m->date_rank)
        return;
    char *d = iso_date(value);
    if (!d)
        return;
    free(m->date);
    free(m->date_source);
    m->date = d;
    m->date_source = tg_xasprintf("html:%s", source);
    m->date_rank = rank;
}

static const char *const date_names[] = {"date",
                                         "pubdate",
                                         "publishdate",
                                         "publish-date",
                                         "publish_date",
                                         "dc.date",
                                         "dc.date.issued",
                                         "dc.date.created",
                                         "dcterms.date",
                                         "dcterms.issued",
                                         "dcterms.created",
                                         "sailthru.date",
                                         "parsely-pub-date",
                                         "original-publish-date",
                                         "article.published",
                                         NULL};

static void read_meta(tg_xml_node_t *root, page_meta_t *m)
{
    m->date_rank = 99;
    for (tg_xml_node_t *n = root; n; n = tg_xml_walk_next(root, n, 0)) {
        if (!tg_xml_is_element(n))
            continue;
        const char *name = tg_xml_name(n);
        if (!strcmp(name, "title") && !m->title) {
            m->title = element_text(n);
        } else if (!strcmp(name, "h1") && !m->h1) {
            m->h1 = element_text(n);
        } else if (!strcmp(name, "link")) {
            const char *rel = tg_xml_attr(n, "rel"), *href = tg_xml_attr(n, "href");
            if (rel && href && !strcasecmp(rel, "canonical"))
                take(&m->url, collapse(href));
        } else if (!strcmp(name, "time")) {
            const char *dt = tg_xml_attr(n, "datetime");
            const char *ip = tg_xml_attr(n, "itemprop");
            if (ip && !strcasecmp(ip, "datePublished"))
                offer_date(m, 1, dt, "datePublished");
            else if (tg_xml_attr(n, "pubdate"))
                offer_date(m, 3, dt, "time");
            else
                offer_date(m, 4, dt, "time");
        } else if (!strcmp(name, "meta")) {
            const char *key = tg_xml_attr(n, "property");
            if (!key)
                key = tg_xml_attr(n, "name");
            const char *ip = tg_xml_attr(n, "itemprop");
            const char *content = tg_xml_attr(n, "content");
            if (!content)
                continue;
            if (ip && !strcasecmp(ip, "datePublished"))
                offer_date(m, 1, content, "datePublished");
            if (!key)
                continue;
            if (!strcasecmp(key, "article:published_time"))
                offer_date(m, 0, content, "article:published_time");
            else if (!strcasecmp(key, "article:modified_time"))
                take(&m->modified, iso_date(content));
            else if (!strcasecmp(key, "author") || !strcasecmp(key, "dc.creator") ||
                     !strcasecmp(key, "byl") ||
                     (!strcasecmp(key, "article:author") && !strstr(content, "://")))
                take(&m->author, collapse(content));
            else if (!strcasecmp(key, "description") || !strcasecmp(key, "og:description"))
                take(&m->description, collapse(content));
            else if (!strcasecmp(key, "og:title"))
                take(&m->og_title, collapse(content));
            else if (!strcasecmp(key, "og:url"))
                take(&m->og_url, collapse(content));
            else {
                for (const char *const *d = date_names; *d; d++)
                    if (!strcasecmp(key, *d)) {
                        char src[64];
                        snprintf(src, sizeof src, "meta:%s", *d);
                        offer_date(m, 2, content, src);
                    }
            }
        }
    }
}

static void set_meta(tg_extract_t *x, const char *key, const char *v)
{
    if (v && *v)
        tg_rec_set_str(x->meta, key, v);
}

static void apply_meta(tg_extract_t *x, page_meta_t *m)
{
    const char *title = m->title ? m->title : m->og_title ? m->og_title : m->h1;
    set_meta(x, "title", title);
    set_meta(x, "author", m->author);
    set_meta(x, "description", m->description);
    set_meta(x, "url", m->url ? m->url : m->og_url);
    set_meta(x, "modified", m->modified);
    if (m->date) {
        set_meta(x, "published", m->date);
        x->date = m->date;
        x->date_source = m->date_source;
        m->date = m->date_source = NULL;
    }
    free(m->title);
    free(m->og_title);
    free(m->h1);
    free(m->author);
    free(m->description);
    free(m->url);
    free(m->og_url);
    free(m->modified);
    free(m->date);
    free(m->date_source);
}

/* ==== Entry points ========================================================= */

static char *upper(const char *s)
{
    char *u = tg_xstrdup(s);
    for (char *c = u; *c; c++)
        *c = (char)toupper((unsigned char)*c);
    return u;
}

tg_status_t tg_html_to_text(const char *data, size_t len, const char *charset, int page,
                            tg_extract_t *x, char *err, size_t errlen)
{
    char declared[64] = "";
    const char *where = NULL;
    if (charset && *charset && strlen(charset) < sizeof declared) {
        snprintf(declared, sizeof declared, "%s", charset);
        where = "its MIME charset";
    } else if (tg_xml_decl_encoding(data, len, declared, sizeof declared) == 0) {
        where = "its XML declaration";
    } else if (meta_charset(data, len, declared, sizeof declared) == 0) {
        where = "its <meta> charset";
    }
    /* the whole page as UTF-8 (at most 3 bytes per input byte, or 2 per
     * UTF-16 unit) */
    tg_buf_t utf8;
    tg_buf_init(&utf8, len * 3 + 16);
    tg_decode_info_t info = {0};
    tg_extract_decode(x, data, len, declared, "the page", where, &utf8, &info);
    if (page) {
        free(x->charset);
        x->charset = upper(info.charset);
    }

    tg_xml_t *doc;
    tg_status_t st = tg_xml_parse(utf8.data ? utf8.data : "", utf8.len, TG_XML_HTML, "UTF-8", &doc,
                                  NULL, err, errlen);
    tg_buf_free(&utf8);
    if (st) {
        char why[512];
        tg_errf(why, sizeof why, "%s", err);
        tg_errf(err, errlen, "not readable as HTML: %s", why);
        return st;
    }
    tg_xml_node_t *root = tg_xml_root(doc);
    if (page) {
        page_meta_t m = {0};
        read_meta(root, &m);
        apply_meta(x, &m);
    }
    walk_t w = {.x = x};
    tg_buf_init(&w.scratch, 1 << 20);
    size_t start = x->text.len;
    if (start > 0)
        newline(&w, 2);
    size_t before = x->text.len;
    if (walk_text(&w, root) == 0) {
        /* nothing but boilerplate: keep it rather than nothing */
        x->text.len = before;
        if (x->text.data)
            x->text.data[before] = '\0';
        w.boilerplate = 1;
        w.newlines = 2;
        w.space = 0;
        walk_text(&w, root);
    }
    /* no trailing blank lines */
    while (x->text.len > start && x->text.data[x->text.len - 1] == '\n')
        x->text.data[--x->text.len] = '\0';
    if (w.info.truncated)
        tg_extract_warn(x, "text truncated: only the first %zu MB are indexed", x->text.max >> 20);
    if (w.info.replaced)
        tg_extract_warn(x, "%zu invalid characters replaced", w.info.replaced);
    tg_buf_free(&w.scratch);
    tg_xml_free(doc);
    return TG_OK;
}

tg_status_t tg_extract_html(const char *path, const char *mime, const tg_extract_limits_t *lim,
                            tg_extract_t *x, char *err, size_t errlen)
{
    (void)mime;
    char *data;
    size_t len;
    uint64_t total;
    tg_status_t st = tg_extract_slurp(path, lim, MAX_HTML, &data, &len, &total, err, errlen);
    if (st)
        return st;
    if (total > len)
        tg_extract_warn(x, "page larger than %zu MB: only its first %zu MB are read",
                        MAX_HTML >> 20, MAX_HTML >> 20);
    st = tg_html_to_text(data, len, NULL, 1, x, err, errlen);
    free(data);
    return st;
}
