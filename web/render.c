/* HTML pages (see render.h).
 *
 * Written straight into a capped buffer: literal markup with html_raw,
 * everything else through html_esc / url_esc, so escaping is one visible
 * step at the point of output.  Snippets come already escaped from the
 * search library (tg_snippet_html, the same escaping function).  The pages
 * use no script and no inline style (the server's Content-Security-Policy
 * forbids both); they work in any browser, on a phone too (web/static/
 * style.css). */
#define _POSIX_C_SOURCE 200809L
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docpage.h"
#include "html.h"
#include "i18n.h"
#include "pageview.h"
#include "schema.h"

#define M(m) web_msg(q->lang, (m))

/* Message m formatted with one argument (conversion conv), escaped. */
#define MSGF(b, m, conv, x)                                                                        \
    do {                                                                                           \
        char msg_[256];                                                                            \
        web_msg_fmt(msg_, sizeof msg_, q->lang, (m), conv, x);                                     \
        html_esc((b), msg_);                                                                       \
    } while (0)

/* ==== Links =============================================================== */

static void arg(tg_buf_t *b, int *first, const char *key, const char *value)
{
    tg_buf_addc(b, *first ? '?' : '&');
    *first = 0;
    url_esc(b, key);
    tg_buf_addc(b, '=');
    url_esc(b, value);
}

static const char *sort_name(tg_sort_t s)
{
    return s == TG_SORT_DATE ? "date" : s == TG_SORT_DATE_DESC ? "newest" : "relevance";
}

void web_search_url(tg_buf_t *b, const web_req_t *q, const web_search_t *s, const char *path)
{
    int first = 1;
    char num[32];
    tg_buf_adds(b, path);
    arg(b, &first, "q", s->q ? s->q : "");
    for (size_t i = 0; i < s->n_filters; i++)
        arg(b, &first, s->filters[i].facet, s->filters[i].value);
    if (s->from)
        arg(b, &first, "from", s->from);
    if (s->to)
        arg(b, &first, "to", s->to);
    if (s->sort != TG_SORT_RELEVANCE)
        arg(b, &first, "sort", sort_name(s->sort));
    if (s->n != WEB_DEFAULT_PAGE_SIZE) {
        snprintf(num, sizeof num, "%u", s->n);
        arg(b, &first, "n", num);
    }
    if (s->page > 1) {
        snprintf(num, sizeof num, "%u", s->page);
        arg(b, &first, "p", num);
    }
    if (q->lang_explicit)
        arg(b, &first, "hl", web_lang_code(q->lang));
}

void web_search_drop_filter(web_search_t *s, size_t i)
{
    if (i >= s->n_filters)
        return;
    memmove(&s->filters[i], &s->filters[i + 1], (s->n_filters - i - 1) * sizeof s->filters[0]);
    s->n_filters--;
}

int web_search_find_filter(const web_search_t *s, const char *facet, const char *value)
{
    for (size_t i = 0; i < s->n_filters; i++)
        if (!strcmp(s->filters[i].facet, facet) && !strcmp(s->filters[i].value, value))
            return (int)i;
    return -1;
}

/* <a href="URL of s">: the search s, escaped for the attribute. */
static void open_search_link(tg_buf_t *b, const web_req_t *q, const web_search_t *s,
                             const char *cls)
{
    tg_buf_t u;
    tg_buf_init(&u, WEB_BODY_MAX);
    web_search_url(&u, q, s, "/search");
    html_raw(b, "<a");
    if (cls) {
        html_raw(b, " class=\"");
        html_esc(b, cls);
        html_raw(b, "\"");
    }
    html_raw(b, " href=\"");
    html_esc(b, tg_buf_str(&u));
    html_raw(b, "\">");
    tg_buf_free(&u);
}

/* The current URL with hl= set to the other language.  The path is
 * re-encoded and starts with exactly one '/': a request for "//host/x" must
 * not become a link to another host. */
static void other_lang_url(tg_buf_t *u, const web_req_t *q)
{
    int first = 1;
    const char *p = q->path;
    while (*p == '/')
        p++;
    tg_buf_addc(u, '/');
    for (; *p; p++) {
        char one[2] = {*p, '\0'};
        if (*p == '/')
            tg_buf_addc(u, '/');
        else
            url_esc(u, one);
    }
    for (size_t i = 0; i < q->n_args; i++)
        if (strcmp(q->args[i].key, "hl"))
            arg(u, &first, q->args[i].key, q->args[i].value);
    arg(u, &first, "hl", M(M_OTHER_LANG_CODE));
}

/* A link to the document page of sha, keeping the query for highlighting. */
static void doc_href(tg_buf_t *b, const web_req_t *q, const char *sha, const char *query)
{
    tg_buf_t u;
    tg_buf_init(&u, WEB_BODY_MAX);
    int first = 1;
    tg_buf_adds(&u, "/doc/");
    tg_buf_adds(&u, sha);
    if (query && *query && strcmp(query, "*"))
        arg(&u, &first, "q", query);
    if (q->lang_explicit)
        arg(&u, &first, "hl", web_lang_code(q->lang));
    html_esc(b, tg_buf_str(&u));
    tg_buf_free(&u);
}

/* ==== Page frame =========================================================== */

static void search_form(tg_buf_t *b, const web_req_t *q, const web_search_t *s, int big)
{
    html_raw(b, big ? "<form class=\"search big\"" : "<form class=\"search\"");
    html_raw(b, " action=\"/search\" method=\"get\" role=\"search\">"
                "<input type=\"search\" name=\"q\" maxlength=\"");
    html_escf(b, "%u", WEB_MAX_QUERY);
    html_raw(b, "\" aria-label=\"");
    html_esc(b, M(M_SEARCH_LABEL));
    html_raw(b, "\" placeholder=\"");
    html_esc(b, M(M_SEARCH_PLACEHOLDER));
    html_raw(b, "\" value=\"");
    html_esc(b, s && s->q && strcmp(s->q, "*") ? s->q : "");
    html_raw(b, "\">");
    if (s && s->sort != TG_SORT_RELEVANCE) {
        html_raw(b, "<input type=\"hidden\" name=\"sort\" value=\"");
        html_esc(b, sort_name(s->sort));
        html_raw(b, "\">");
    }
    if (q->lang_explicit) {
        html_raw(b, "<input type=\"hidden\" name=\"hl\" value=\"");
        html_esc(b, web_lang_code(q->lang));
        html_raw(b, "\">");
    }
    html_raw(b, "<button type=\"submit\">");
    html_esc(b, M(M_SEARCH_BUTTON));
    html_raw(b, "</button></form>");
}

static void page_start(tg_buf_t *b, const web_req_t *q, const char *title, const char *body_class,
                       const web_search_t *s)
{
    html_raw(b, "<!DOCTYPE html>\n<html lang=\"");
    html_esc(b, web_lang_code(q->lang));
    html_raw(b, "\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
    if (title && *title) {
        html_name_text(b, title);
        html_raw(b, " · ");
    }
    html_raw(b, "Testigo</title>\n"
                "<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
                "<link rel=\"icon\" href=\"/static/icon.svg\" type=\"image/svg+xml\">\n"
                "<link rel=\"search\" type=\"application/opensearchdescription+xml\" "
                "title=\"Testigo\" href=\"/opensearch.xml\">\n</head>\n<body class=\"");
    html_esc(b, body_class);
    html_raw(b, "\">\n<a class=\"skip\" href=\"#main\">");
    html_esc(b, M(M_SKIP));
    html_raw(b, "</a>\n<header class=\"top\">\n<a class=\"brand\" href=\"/");
    if (q->lang_explicit) {
        html_raw(b, "?hl=");
        html_esc(b, web_lang_code(q->lang));
    }
    html_raw(b, "\">Testigo</a>\n");
    if (s)
        search_form(b, q, s, 0);
    tg_buf_t u;
    tg_buf_init(&u, WEB_BODY_MAX);
    other_lang_url(&u, q);
    html_raw(b, "\n<nav class=\"lang\"><a href=\"");
    html_esc(b, tg_buf_str(&u));
    html_raw(b, "\" hreflang=\"");
    html_esc(b, M(M_OTHER_LANG_CODE));
    html_raw(b, "\" lang=\"");
    html_esc(b, M(M_OTHER_LANG_CODE));
    html_raw(b, "\">");
    html_esc(b, M(M_OTHER_LANG_NAME));
    html_raw(b, "</a></nav>\n</header>\n");
    tg_buf_free(&u);
}

static void page_end(tg_buf_t *b, const web_req_t *q)
{
    html_raw(b, "<footer>");
    html_esc(b, M(M_FOOTER));
    html_raw(b, "</footer>\n</body>\n</html>\n");
}

/* ==== Values shown to people =============================================== */

static const char *kind_label(const web_req_t *q, const char *kind)
{
    /* the kinds of indexer/worker/extract.c */
    static const struct {
        const char *kind;
        int msg;
    } labels[] = {
        {"pdf", M_KIND_PDF},     {"text", M_KIND_TEXT},       {"image", M_KIND_IMAGE},
        {"other", M_KIND_OTHER}, {"archive", M_KIND_ARCHIVE}, {"html", M_KIND_HTML},
        {"docx", M_KIND_DOCX},   {"odt", M_KIND_ODT},         {"doc", M_KIND_DOC},
        {"rtf", M_KIND_RTF},     {"email", M_KIND_EMAIL},     {"mbox", M_KIND_MBOX},
        {"xml", M_KIND_XML},
    };
    if (!kind)
        return "?";
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (!strcmp(kind, labels[i].kind))
            return M(labels[i].msg);
    return kind;
}

static const char *lang_label(const web_req_t *q, const char *lang)
{
    if (!lang)
        return "?";
    if (!strcmp(lang, "es"))
        return M(M_LANG_ES);
    if (!strcmp(lang, "en"))
        return M(M_LANG_EN);
    if (!strcmp(lang, "und"))
        return M(M_LANG_UND);
    return lang;
}

static const char *facet_label(const web_req_t *q, const char *facet)
{
    static const struct {
        const char *name;
        web_msg_t m;
    } map[] = {{"kind", M_FACET_KIND},
               {"lang", M_FACET_LANG},
               {"year", M_FACET_YEAR},
               {"month", M_FACET_MONTH},
               {"folder", M_FACET_FOLDER},
               {"person", M_FACET_PERSON},
               {"collection", M_FACET_COLLECTION},
               {"place", M_FACET_PLACE},
               {"tag", M_FACET_TAG}};
    for (size_t i = 0; i < TG_ARRAY_LEN(map); i++)
        if (!strcmp(map[i].name, facet))
            return M(map[i].m);
    return facet;
}

static const char *value_label(const web_req_t *q, const char *facet, const char *value)
{
    if (!strcmp(facet, "kind"))
        return kind_label(q, value);
    if (!strcmp(facet, "lang"))
        return lang_label(q, value);
    return value;
}

static void human_size(tg_buf_t *b, const web_req_t *q, long long n)
{
    char s[48];
    if (n < 1024)
        snprintf(s, sizeof s, "%lld B", n);
    else if (n < 1024 * 1024)
        snprintf(s, sizeof s, "%.1f KB", (double)n / 1024);
    else if (n < 1024LL * 1024 * 1024)
        snprintf(s, sizeof s, "%.1f MB", (double)n / (1024 * 1024));
    else
        snprintf(s, sizeof s, "%.1f GB", (double)n / (1024.0 * 1024 * 1024));
    if (q->lang == WEB_LANG_ES) {
        char *dot = strchr(s, '.');
        if (dot)
            *dot = ',';
    }
    html_esc(b, s);
}

/* ==== Home ================================================================= */

void render_home(tg_buf_t *b, const web_req_t *q, unsigned doccount)
{
    page_start(b, q, NULL, "home", NULL);
    html_raw(b, "<main id=\"main\" class=\"home\">\n<h1>Testigo</h1>\n<p class=\"tagline\">");
    html_esc(b, M(M_TAGLINE));
    html_raw(b, "</p>\n");
    web_search_t s = {.q = "", .n = WEB_DEFAULT_PAGE_SIZE, .page = 1};
    search_form(b, q, &s, 1);
    html_raw(b, "\n<p class=\"count\">");
    MSGF(b, M_DOCS_IN_ARCHIVE, "%u", doccount);
    html_raw(b, " ");
    s.q = "*";
    open_search_link(b, q, &s, NULL);
    html_esc(b, M(M_BROWSE_ALL));
    html_raw(b, "</a></p>\n<section class=\"help\"><h2>");
    html_esc(b, M(M_HELP_TITLE));
    html_raw(b, "</h2>\n<dl>\n");
    const char *const *ex, *const *mean;
    size_t n = web_help_rows(q->lang, &ex, &mean);
    for (size_t i = 0; i < n; i++) {
        html_raw(b, "<dt><code>");
        html_esc(b, ex[i]);
        html_raw(b, "</code></dt><dd>");
        html_esc(b, mean[i]);
        html_raw(b, "</dd>\n");
    }
    html_raw(b, "</dl></section>\n</main>\n");
    page_end(b, q);
}

/* ==== Search results ======================================================= */

typedef struct {
    const char *value;
    long long count;
} fv_t;

static int by_count(const void *a, const void *b)
{
    const fv_t *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->value, y->value);
}

static int by_value_desc(const void *a, const void *b)
{
    return -strcmp(((const fv_t *)a)->value, ((const fv_t *)b)->value);
}

/* One facet as a list of links that narrow (or, when active, widen) s. */
static void facet_block(tg_buf_t *b, const web_req_t *q, const web_search_t *s, const json_t *fo,
                        const char *facet, size_t max_shown, const json_t *labels)
{
    /* a term facet counts folded values: shown as documents write them */
    const json_t *fl = json_object_get(labels, facet);
    size_t n = json_object_size(fo);
    if (n == 0)
        return;
    fv_t *v = tg_xcalloc(n, sizeof *v);
    size_t k = 0;
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)fo, key, val)
    {
        v[k].value = key;
        v[k].count = json_integer_value(val);
        k++;
    }
    qsort(v, k, sizeof *v, !strcmp(facet, "year") ? by_value_desc : by_count);
    html_raw(b, "<section class=\"facet\" data-facet=\"");
    html_esc(b, facet);
    html_raw(b, "\"><h2>");
    html_esc(b, facet_label(q, facet));
    html_raw(b, "</h2><ul>\n");
    for (size_t i = 0; i < k && i < max_shown; i++) {
        web_search_t t = *s;
        t.page = 1;
        int at = web_search_find_filter(s, facet, v[i].value);
        if (at >= 0)
            web_search_drop_filter(&t, (size_t)at);
        else if (t.n_filters < WEB_MAX_FILTERS)
            t.filters[t.n_filters++] = (tg_filter_t){facet, v[i].value};
        html_raw(b, "<li>");
        open_search_link(b, q, &t, at >= 0 ? "on" : NULL);
        html_raw(b, "<span class=\"v\">");
        const char *label = tg_rec_str(fl, v[i].value);
        html_name(b, label ? label : value_label(q, facet, v[i].value)); /* folders, persons */
        html_raw(b, "</span> <span class=\"n\">");
        html_escf(b, "%lld", v[i].count);
        html_raw(b, "</span></a></li>\n");
    }
    html_raw(b, "</ul></section>\n");
    free(v);
}

/* Months since year 0 of "YYYY-MM", or -1. */
static int month_index(const char *v)
{
    tg_date_t d;
    if (strlen(v) != 7 || tg_date_parse(v, 7, &d) || !d.month)
        return -1;
    return d.year * 12 + d.month - 1;
}

/* "2024-07" for month index p, or "2024" for year p. */
static void period_label(char *out, size_t len, int p, int by_year)
{
    if (by_year)
        snprintf(out, len, "%04d", p);
    else
        snprintf(out, len, "%04d-%02d", p / 12, p % 12 + 1);
}

/* The timeline: an SVG bar chart of the matches by month (by year when they
 * span more than ten years); each bar a link to that period. */
static void timeline(tg_buf_t *b, const web_req_t *q, const web_search_t *s, const json_t *months)
{
    int lo = -1, hi = -1;
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)months, key, val)
    {
        int m = month_index(key);
        if (m < 0)
            continue;
        if (lo < 0 || m < lo)
            lo = m;
        if (m > hi)
            hi = m;
    }
    if (lo < 0)
        return;
    int by_year = hi - lo + 1 > 120;
    int first = by_year ? lo / 12 : lo, last = by_year ? hi / 12 : hi;
    /* a few bars at least, so that one month is not one wide block */
    const int min_bars = by_year ? 5 : 12;
    if (last - first + 1 < min_bars) {
        first -= (min_bars - (last - first + 1)) / 2;
        last = first + min_bars - 1;
    }
    size_t nbars = (size_t)(last - first + 1);
    long long *count = tg_xcalloc(nbars, sizeof *count);
    long long maxc = 0;
    json_object_foreach((json_t *)months, key, val)
    {
        int m = month_index(key);
        if (m < 0)
            continue;
        size_t i = (size_t)((by_year ? m / 12 : m) - first);
        count[i] += json_integer_value(val);
        if (count[i] > maxc)
            maxc = count[i];
    }
    const double W = 600, H = 100;
    double bw = W / (double)nbars;
    html_raw(b, "<section class=\"timeline\"><h2>");
    html_esc(b, M(M_TIMELINE));
    html_raw(b, "</h2>\n<svg class=\"tl\" viewBox=\"0 0 600 100\" role=\"img\" "
                "preserveAspectRatio=\"none\" aria-label=\"");
    html_esc(b, M(M_TIMELINE_HINT));
    html_raw(b, "\">\n");
    char label[16];
    for (size_t i = 0; i < nbars; i++) {
        if (!count[i])
            continue;
        period_label(label, sizeof label, first + (int)i, by_year);
        web_search_t t = *s;
        t.page = 1;
        for (size_t f = t.n_filters; f > 0; f--)
            if (!strcmp(t.filters[f - 1].facet, "month") || !strcmp(t.filters[f - 1].facet, "year"))
                web_search_drop_filter(&t, f - 1);
        if (t.n_filters < WEB_MAX_FILTERS)
            t.filters[t.n_filters++] = (tg_filter_t){by_year ? "year" : "month", label};
        double h = 3 + (H - 3) * (double)count[i] / (double)maxc;
        open_search_link(b, q, &t, "bar");
        char rect[160];
        snprintf(rect, sizeof rect,
                 "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"><title>", i * bw,
                 H - h, bw > 2 ? bw - 1 : bw, h);
        html_raw(b, rect);
        html_escf(b, "%s: %lld", label, count[i]);
        html_raw(b, "</title></rect></a>\n");
    }
    html_raw(b, "</svg>\n<p class=\"tl-range\"><span>");
    period_label(label, sizeof label, first, by_year);
    html_esc(b, label);
    html_raw(b, "</span><span>");
    period_label(label, sizeof label, last, by_year);
    html_esc(b, label);
    html_raw(b, "</span></p></section>\n");
    free(count);
}

static void hidden(tg_buf_t *b, const char *name, const char *value)
{
    html_raw(b, "<input type=\"hidden\" name=\"");
    html_esc(b, name);
    html_raw(b, "\" value=\"");
    html_esc(b, value);
    html_raw(b, "\">");
}

/* The date-range form: a plain GET form carrying the rest of the search. */
static void date_form(tg_buf_t *b, const web_req_t *q, const web_search_t *s)
{
    html_raw(b, "<section class=\"dates\"><h2>");
    html_esc(b, M(M_DATES));
    html_raw(b, "</h2>\n<form action=\"/search\" method=\"get\">");
    hidden(b, "q", s->q ? s->q : "");
    for (size_t i = 0; i < s->n_filters; i++)
        hidden(b, s->filters[i].facet, s->filters[i].value);
    if (s->sort != TG_SORT_RELEVANCE)
        hidden(b, "sort", sort_name(s->sort));
    if (q->lang_explicit)
        hidden(b, "hl", web_lang_code(q->lang));
    static const struct {
        const char *name;
        web_msg_t label;
    } f[] = {{"from", M_FROM}, {"to", M_TO}};
    for (size_t i = 0; i < 2; i++) {
        const char *v = i ? s->to : s->from;
        html_raw(b, "<label>");
        html_esc(b, M(f[i].label));
        html_raw(b, " <input type=\"text\" name=\"");
        html_esc(b, f[i].name);
        html_raw(b, "\" inputmode=\"numeric\" maxlength=\"10\" size=\"10\" "
                    "pattern=\"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\" placeholder=\"");
        html_esc(b, M(M_DATE_HINT));
        html_raw(b, "\" title=\"");
        html_esc(b, M(M_DATE_HINT));
        html_raw(b, "\" value=\"");
        html_esc(b, v ? v : "");
        html_raw(b, "\"></label> ");
    }
    html_raw(b, "<button type=\"submit\">");
    html_esc(b, M(M_APPLY));
    html_raw(b, "</button></form></section>\n");
}

/* The filters in force, each with a link that removes it. */
static void active_filters(tg_buf_t *b, const web_req_t *q, const web_search_t *s,
                           const json_t *labels)
{
    if (!s->n_filters && !s->from && !s->to)
        return;
    html_raw(b, "<p class=\"active\">");
    html_esc(b, M(M_FILTERS));
    for (size_t i = 0; i < s->n_filters; i++) {
        web_search_t t = *s;
        t.page = 1;
        web_search_drop_filter(&t, i);
        html_raw(b, " ");
        open_search_link(b, q, &t, "chip");
        html_esc(b, facet_label(q, s->filters[i].facet));
        html_raw(b, ": ");
        const char *label =
            tg_rec_str(json_object_get(labels, s->filters[i].facet), s->filters[i].value);
        html_name(b, label ? label : value_label(q, s->filters[i].facet, s->filters[i].value));
        html_raw(b, " <span aria-label=\"");
        html_esc(b, M(M_REMOVE));
        html_raw(b, "\">×</span></a>");
    }
    for (int end = 0; end < 2; end++) {
        const char *v = end ? s->to : s->from;
        if (!v)
            continue;
        web_search_t t = *s;
        t.page = 1;
        if (end)
            t.to = NULL;
        else
            t.from = NULL;
        html_raw(b, " ");
        open_search_link(b, q, &t, "chip");
        html_esc(b, M(end ? M_TO : M_FROM));
        html_raw(b, ": ");
        html_esc(b, v);
        html_raw(b, " <span aria-label=\"");
        html_esc(b, M(M_REMOVE));
        html_raw(b, "\">×</span></a>");
    }
    web_search_t t = *s;
    t.page = 1;
    t.n_filters = 0;
    t.from = t.to = NULL;
    html_raw(b, " ");
    open_search_link(b, q, &t, "clear");
    html_esc(b, M(M_CLEAR_FILTERS));
    html_raw(b, "</a></p>\n");
}

static void sort_links(tg_buf_t *b, const web_req_t *q, const web_search_t *s)
{
    static const struct {
        tg_sort_t sort;
        web_msg_t m;
    } orders[] = {{TG_SORT_RELEVANCE, M_SORT_RELEVANCE},
                  {TG_SORT_DATE_DESC, M_SORT_NEWEST},
                  {TG_SORT_DATE, M_SORT_DATE}};
    html_raw(b, "<p class=\"sort\">");
    html_esc(b, M(M_SORT));
    for (size_t i = 0; i < TG_ARRAY_LEN(orders); i++) {
        html_raw(b, " ");
        if (orders[i].sort == s->sort) {
            html_raw(b, "<strong aria-current=\"true\">");
            html_esc(b, M(orders[i].m));
            html_raw(b, "</strong>");
            continue;
        }
        web_search_t t = *s;
        t.sort = orders[i].sort;
        t.page = 1;
        open_search_link(b, q, &t, NULL);
        html_esc(b, M(orders[i].m));
        html_raw(b, "</a>");
    }
    html_raw(b, "</p>\n");
}

static void hit_block(tg_buf_t *b, const web_req_t *q, const web_search_t *s, const tg_hit_t *h)
{
    const tg_record_t *rec = h->rec;
    const char *sha = tg_record_get_sha256(rec);
    if (!sha || !tg_sha256_valid(sha))
        return;
    html_raw(b, "<li class=\"hit\">\n<h3><a href=\"");
    doc_href(b, q, sha, s->q);
    html_raw(b, "\">");
    html_name(b, h->title && *h->title ? h->title : sha);
    html_raw(b, "</a></h3>\n<p class=\"meta\"><span class=\"kind\">");
    html_esc(b, kind_label(q, tg_record_get_kind(rec)));
    html_raw(b, "</span> · ");
    const char *date = tg_record_get_date(rec);
    if (date)
        html_escn(b, date, strlen(date) < 10 ? strlen(date) : 10);
    else
        html_esc(b, M(M_NO_DATE));
    html_raw(b, " · ");
    human_size(b, q, (long long)tg_record_get_size(rec));
    if (h->snippet.page) {
        html_raw(b, " · ");
        MSGF(b, M_PAGE_SHORT, "%d", h->snippet.page);
    }
    const char *lang = tg_record_get_lang(rec);
    if (lang) {
        html_raw(b, " · ");
        html_esc(b, lang_label(q, lang));
    }
    const char *ex = tg_record_get_extraction(rec);
    if (ex && strcmp(ex, TG_EXTRACTION_OK)) {
        html_raw(b, " · <span class=\"warn\">");
        html_esc(b, M(M_NO_TEXT));
        html_raw(b, "</span>");
    }
    html_raw(b, "</p>\n");
    if (h->snippet.text && h->snippet.text[0]) {
        char *sn = tg_snippet_html(&h->snippet);
        html_raw(b, "<p class=\"snippet\">");
        html_raw(b, sn); /* escaped by tg_snippet_html */
        html_raw(b, "</p>\n");
        free(sn);
    }
    const tg_location_t *loc = tg_record_location(rec, 0);
    const char *path = loc ? tg_location_get_path(loc) : NULL;
    if (path) {
        html_raw(b, "<p class=\"loc\">");
        html_name(b, path);
        html_raw(b, "</p>\n");
    }
    html_raw(b, "<p class=\"actions\"><a class=\"dl\" href=\"/download/");
    html_esc(b, sha);
    html_raw(b, "\" download>");
    html_esc(b, M(M_DOWNLOAD));
    html_raw(b, "</a></p>\n");
    pageview_thumb(b, q, s->q, h);
    html_raw(b, "</li>\n");
}

static void pager(tg_buf_t *b, const web_req_t *q, const web_search_t *s, unsigned total)
{
    unsigned pages = (total + s->n - 1) / s->n;
    unsigned max_pages = WEB_MAX_OFFSET / s->n + 1;
    if (pages > max_pages)
        pages = max_pages;
    if (pages <= 1)
        return;
    html_raw(b, "<nav class=\"pager\" aria-label=\"");
    html_esc(b, M(M_PAGER));
    html_raw(b, "\">");
    web_search_t t = *s;
    if (s->page > 1) {
        t.page = s->page - 1;
        open_search_link(b, q, &t, "prev");
        html_esc(b, M(M_PREV));
        html_raw(b, "</a> ");
    }
    unsigned lo = s->page > 3 ? s->page - 3 : 1;
    unsigned hi = s->page + 3 < pages ? s->page + 3 : pages;
    if (lo > 1) {
        t.page = 1;
        open_search_link(b, q, &t, NULL);
        html_raw(b, "1</a> ");
        if (lo > 2)
            html_raw(b, "… ");
    }
    for (unsigned p = lo; p <= hi; p++) {
        if (p == s->page) {
            html_raw(b, "<strong aria-current=\"page\">");
            html_escf(b, "%u", p);
            html_raw(b, "</strong> ");
            continue;
        }
        t.page = p;
        open_search_link(b, q, &t, NULL);
        html_escf(b, "%u", p);
        html_raw(b, "</a> ");
    }
    if (hi < pages) {
        if (hi < pages - 1)
            html_raw(b, "… ");
        t.page = pages;
        open_search_link(b, q, &t, NULL);
        html_escf(b, "%u", pages);
        html_raw(b, "</a> ");
    }
    if (s->page < pages) {
        t.page = s->page + 1;
        open_search_link(b, q, &t, "next");
        html_esc(b, M(M_NEXT));
        html_raw(b, "</a>");
    }
    html_raw(b, "</nav>\n");
}

void render_search(tg_buf_t *b, const web_req_t *q, const web_search_t *s, const tg_results_t *r,
                   const char *error)
{
    page_start(b, q, s->q && strcmp(s->q, "*") ? s->q : M(M_BROWSE_ALL), "results", s);
    html_raw(b, "<div class=\"layout\">\n<main id=\"main\" class=\"hits\">\n");
    active_filters(b, q, s, r ? r->labels : NULL);
    if (error || !r) {
        html_raw(b, "<p class=\"error\" role=\"alert\">");
        html_esc(b, error ? error : M(M_ERR_SERVER));
        html_raw(b, "</p>\n</main>\n</div>\n");
        page_end(b, q);
        return;
    }
    /* how the query was read where it could not be taken as typed */
    for (size_t i = 0; i < r->n_notices; i++) {
        char msg[512];
        web_qmsg(msg, sizeof msg, q->lang, &r->notices[i]);
        html_raw(b, "<p class=\"notice\" role=\"status\">");
        html_esc(b, msg);
        html_raw(b, "</p>\n");
    }
    html_raw(b, "<p class=\"summary\">");
    if (r->total == 1)
        html_esc(b, M(M_RESULTS_ONE));
    else
        MSGF(b, M_RESULTS_MANY, "%u", r->total);
    if (!r->total_exact) {
        html_raw(b, " ");
        html_esc(b, M(M_ESTIMATED));
    }
    html_raw(b, " <span class=\"time\">");
    char secs[64];
    web_msg_fmt(secs, sizeof secs, q->lang, M_SECONDS, "%.3f", r->seconds);
    char *dot = q->lang == WEB_LANG_ES ? strchr(secs, '.') : NULL;
    if (dot)
        *dot = ','; /* Spanish decimal comma */
    html_esc(b, secs);
    html_raw(b, "</span></p>\n");
    sort_links(b, q, s);
    if (r->n == 0) {
        html_raw(b, "<p class=\"none\">");
        html_esc(b, M(M_NO_RESULTS));
        html_raw(b, "</p>\n");
    } else {
        html_raw(b, "<ol class=\"results\" start=\"");
        html_escf(b, "%u", (s->page - 1) * s->n + 1);
        html_raw(b, "\">\n");
        for (size_t i = 0; i < r->n; i++)
            hit_block(b, q, s, &r->hits[i]);
        html_raw(b, "</ol>\n");
    }
    pager(b, q, s, r->total);
    html_raw(b, "</main>\n<aside class=\"side\">\n");
    if (r->facets) {
        timeline(b, q, s, json_object_get(r->facets, "month"));
        date_form(b, q, s);
        static const struct {
            const char *facet;
            size_t shown;
        } order[] = {{"kind", 20},       {"lang", 20},  {"year", 30}, {"folder", 15},
                     {"collection", 15}, {"place", 15}, {"tag", 20}};
        for (size_t i = 0; i < TG_ARRAY_LEN(order); i++)
            facet_block(b, q, s, json_object_get(r->facets, order[i].facet), order[i].facet,
                        order[i].shown, r->labels);
        /* persons: one entry per person of the archive, to its page */
        render_person_facet(b, q, r->persons);
    }
    html_raw(b, "</aside>\n</div>\n");
    page_end(b, q);
}

void render_hit(tg_buf_t *b, const web_req_t *q, const web_search_t *s, const tg_hit_t *h)
{
    hit_block(b, q, s, h);
}

/* ==== Document ============================================================= */

static void field(tg_buf_t *b, const web_req_t *q, web_msg_t label, const char *value)
{
    if (!value || !*value)
        return;
    html_raw(b, "<dt>");
    html_esc(b, M(label));
    html_raw(b, "</dt><dd>");
    html_name(b, value); /* metadata: as a title, it can carry bidi controls */
    html_raw(b, "</dd>\n");
}

/* Escaped text from [from, to), opening a new page section at each '\f'. */
static void text_run(tg_buf_t *b, const web_req_t *q, const char *text, size_t from, size_t to,
                     int *page, int paged)
{
    while (from < to) {
        const char *ff = memchr(text + from, '\f', to - from);
        size_t end = ff ? (size_t)(ff - text) : to;
        html_escn(b, text + from, end - from);
        if (!ff)
            break;
        ++*page;
        html_raw(b, "</div></section>\n<section class=\"page\" id=\"p");
        html_escf(b, "%d", *page);
        html_raw(b, "\">");
        if (paged) {
            html_raw(b, "<h3 class=\"pagemark\">");
            MSGF(b, M_PAGE_MARK, "%d", *page);
            html_raw(b, "</h3>");
        }
        html_raw(b, "<div class=\"pagetext\">");
        from = end + 1;
    }
}

void render_doc(tg_buf_t *b, const web_req_t *q, const tg_record_t *rec, const char *text,
                size_t text_len, int truncated, const tg_span_t *hits, size_t n_hits,
                const char *query)
{
    const char *sha = tg_record_get_sha256(rec);
    const char *title = tg_record_title(rec);
    page_start(b, q, title, "document",
               &(web_search_t){.q = query ? query : "", .n = WEB_DEFAULT_PAGE_SIZE, .page = 1});
    html_raw(b, "<main id=\"main\" class=\"doc\">\n");
    if (query && *query) {
        web_search_t back = {.q = query, .n = WEB_DEFAULT_PAGE_SIZE, .page = 1};
        html_raw(b, "<p class=\"back\">");
        open_search_link(b, q, &back, NULL);
        html_esc(b, M(M_BACK));
        html_raw(b, "</a></p>\n");
    }
    html_raw(b, "<h1>");
    html_name(b, title ? title : sha);
    html_raw(b, "</h1>\n<p class=\"actions\"><a class=\"button dl\" href=\"/download/");
    html_esc(b, sha);
    html_raw(b, "\" download>");
    html_esc(b, M(M_DOWNLOAD));
    html_raw(b, "</a> <a class=\"json\" href=\"/api/doc/");
    html_esc(b, sha);
    html_raw(b, "\">JSON</a></p>\n");
    pageview_doc_links(b, q, rec, query);
    html_raw(b, "<dl class=\"fields\">\n");
    const char *ts = tg_record_get_title_source(rec);
    field(b, q, M_F_TITLE_SOURCE, ts ? web_title_source(q->lang, ts) : NULL);
    field(b, q, M_F_KIND, kind_label(q, tg_record_get_kind(rec)));
    field(b, q, M_F_MIME, tg_record_get_mime(rec));
    html_raw(b, "<dt>");
    html_esc(b, M(M_F_SIZE));
    html_raw(b, "</dt><dd>");
    long long size = (long long)tg_record_get_size(rec);
    human_size(b, q, size);
    html_escf(b, " (%lld B)", size);
    html_raw(b, "</dd>\n");
    field(b, q, M_F_DATE, tg_record_get_date(rec) ? tg_record_get_date(rec) : M(M_NO_DATE));
    const char *ds = tg_record_get_date_source(rec);
    field(b, q, M_F_DATE_SOURCE, ds ? web_date_source(q->lang, ds) : NULL);
    const char *lang = tg_record_get_lang(rec);
    field(b, q, M_F_LANG, lang ? lang_label(q, lang) : NULL);
    long long pages = (long long)tg_record_get_pages(rec);
    if (pages > 0) {
        char n[32];
        snprintf(n, sizeof n, "%lld", pages);
        field(b, q, M_F_PAGES, n);
    }
    field(b, q, M_F_CHARSET, tg_record_get_charset(rec));
    field(b, q, M_F_INGESTED, tg_record_get_ingested(rec));
    const char *ex = tg_record_get_extraction(rec);
    if (ex)
        field(b, q, M_F_EXTRACTION,
              !strcmp(ex, "ok")            ? M(M_EXTRACTION_OK)
              : !strcmp(ex, "failed")      ? M(M_EXTRACTION_FAILED)
              : !strcmp(ex, "unsupported") ? M(M_EXTRACTION_UNSUPPORTED)
                                           : ex);
    field(b, q, M_F_ERROR, tg_record_get_extraction_error(rec));
    double ocr = tg_record_get_ocr_confidence(rec);
    if (ocr >= 0) {
        char n[32];
        snprintf(n, sizeof n, "%.0f %%", ocr);
        field(b, q, M_F_OCR, n);
    }
    static const struct {
        const char *key;
        web_msg_t m;
    } mf[] = {{"author", M_F_AUTHOR},    {"subject", M_F_SUBJECT},   {"keywords", M_F_KEYWORDS},
              {"created", M_F_CREATED},  {"modified", M_F_MODIFIED}, {"creator", M_F_CREATOR},
              {"producer", M_F_PRODUCER}};
    for (size_t i = 0; i < TG_ARRAY_LEN(mf); i++)
        field(b, q, mf[i].m, tg_record_get_meta(rec, mf[i].key));
    size_t nw = tg_record_n(rec, TG_LIST_WARNINGS);
    if (nw) {
        html_raw(b, "<dt>");
        html_esc(b, M(M_F_WARNINGS));
        html_raw(b, "</dt><dd><ul>");
        for (size_t i = 0; i < nw; i++) {
            const char *w = tg_record_nth(rec, TG_LIST_WARNINGS, i);
            if (!w)
                continue;
            html_raw(b, "<li>");
            html_name(b, w); /* they name members, pages */
            html_raw(b, "</li>");
        }
        html_raw(b, "</ul></dd>\n");
    }
    html_raw(b, "<dt>");
    html_esc(b, M(M_F_SHA));
    html_raw(b, "</dt><dd><code class=\"sha\">");
    html_esc(b, sha);
    html_raw(b, "</code></dd>\n</dl>\n");

    render_doc_known(b, q, rec);

    size_t nlocs = tg_record_n_locations(rec);
    html_raw(b, "<section class=\"locations\"><h2>");
    html_esc(b, M(M_LOCATIONS));
    html_escf(b, " (%zu)", nlocs);
    html_raw(b, "</h2>\n<ul>\n");
    for (size_t i = 0; i < nlocs; i++) {
        const tg_location_t *l = tg_record_location(rec, i);
        const char *p = l ? tg_location_get_path(l) : NULL;
        if (!p)
            continue;
        html_raw(b, "<li><code>");
        html_name(b, p);
        html_raw(b, "</code></li>\n");
    }
    long long total = (long long)tg_record_locations_total(rec);
    if (total > (long long)nlocs) {
        html_raw(b, "<li>");
        MSGF(b, M_LOCATIONS_MORE, "%lld", total - (long long)nlocs);
        html_raw(b, "</li>\n");
    }
    html_raw(b, "</ul></section>\n");

    html_raw(b, "<section class=\"text\"><h2>");
    html_esc(b, M(M_TEXT));
    html_raw(b, "</h2>\n");
    if (!text || !text_len) {
        html_raw(b, "<p class=\"none\">");
        html_esc(b, M(M_TEXT_NONE));
        html_raw(b, "</p></section>\n</main>\n");
        page_end(b, q);
        return;
    }
    int paged = pages > 0 || memchr(text, '\f', text_len) != NULL;
    if (n_hits) {
        /* where the hits are: a link to each page that has some */
        html_raw(b, "<p class=\"hitcount\">");
        if (n_hits == 1)
            html_esc(b, M(M_HITS_ONE));
        else
            MSGF(b, M_HITS, "%zu", n_hits);
        if (paged) {
            html_raw(b, " ");
            html_esc(b, M(M_HITS_ON_PAGES));
            int page = 1, last = 0;
            size_t pos = 0;
            for (size_t k = 0; k < n_hits; k++) {
                for (; pos < hits[k].off; pos++)
                    page += text[pos] == '\f';
                if (page == last)
                    continue;
                last = page;
                html_raw(b, " <a href=\"#p");
                html_escf(b, "%d", page);
                html_raw(b, "\">");
                html_escf(b, "%d", page);
                html_raw(b, "</a>");
            }
        }
        html_raw(b, "</p>\n");
    }
    if (truncated) {
        html_raw(b, "<p class=\"warn\">");
        MSGF(b, M_TEXT_TRUNCATED, "%zu", WEB_TEXT_SHOWN >> 20);
        html_raw(b, "</p>\n");
    }
    int page = 1;
    html_raw(b, "<section class=\"page\" id=\"p1\">");
    if (paged) {
        html_raw(b, "<h3 class=\"pagemark\">");
        MSGF(b, M_PAGE_MARK, "%d", 1);
        html_raw(b, "</h3>");
    }
    html_raw(b, "<div class=\"pagetext\">");
    size_t at = 0;
    for (size_t k = 0; k < n_hits; k++) {
        if (hits[k].off < at || hits[k].off + hits[k].len > text_len)
            continue;
        text_run(b, q, text, at, hits[k].off, &page, paged);
        html_raw(b, "<mark>");
        html_escn(b, text + hits[k].off, hits[k].len);
        html_raw(b, "</mark>");
        at = hits[k].off + hits[k].len;
    }
    text_run(b, q, text, at, text_len, &page, paged);
    html_raw(b, "</div></section>\n</section>\n</main>\n");
    page_end(b, q);
}

/* ==== Errors =============================================================== */

void render_error(tg_buf_t *b, const web_req_t *q, int status, const char *message)
{
    char title[16];
    snprintf(title, sizeof title, "%d", status);
    page_start(b, q, title, "error", &(web_search_t){.q = "", .n = WEB_DEFAULT_PAGE_SIZE});
    html_raw(b, "<main id=\"main\" class=\"error\">\n<h1>");
    html_esc(b, title);
    html_raw(b, "</h1>\n<p role=\"alert\">");
    html_esc(b, message);
    html_raw(b, "</p>\n<p><a href=\"/\">");
    html_esc(b, M(M_HOME));
    html_raw(b, "</a></p>\n</main>\n");
    page_end(b, q);
}

/* ==== For the page view (pageview.c) ====================================== */

void render_page_start(tg_buf_t *b, const web_req_t *q, const char *title, const char *body_class,
                       const char *query)
{
    web_search_t s = {.q = query ? query : "", .n = WEB_DEFAULT_PAGE_SIZE, .page = 1};
    page_start(b, q, title, body_class, &s);
}

void render_page_end(tg_buf_t *b, const web_req_t *q)
{
    page_end(b, q);
}
