/* Page images in the web front end (see pageview.h and docs/pages.md).
 *
 * The page view draws the page as an inline SVG: the page image as an
 * <image> and each word of the query as a <rect> over it, both in the
 * page's own units (PDF points, or pixels of the upright photo), so the
 * browser scales them together at any screen width.  SVG's geometry
 * attributes are not style: the page holds no script and no inline style,
 * and the server's Content-Security-Policy (style-src 'self', img-src
 * 'self') holds.
 *
 * Which words are hits: the page's words (from the page cache, through
 * the public handle) are put together, one space apart, and highlighted by
 * the same function as the document page's text (tg_highlight), so a box
 * is drawn exactly over the words the text view marks. */
#define _POSIX_C_SOURCE 200809L
#include "pageview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "html.h"
#include "i18n.h"
#include "pages.h"
#include "query.h"
#include "render.h"
#include "record.h"
#include "snippet.h"

/* Pages shown on one evidence sheet at most. */
#define SHEET_MAX_PAGES 200

static const char *T(const web_req_t *q, const char *es, const char *en)
{
    return q->lang == WEB_LANG_EN ? en : es;
}

/* The digest and page number of path after prefix: "SHA" or "SHA/N".
 * Returns 0 when it is one (*page 0 when absent). */
static int parse_path(const char *path, const char *prefix, char sha[65], unsigned *page)
{
    size_t n = strlen(prefix);
    if (strncmp(path, prefix, n))
        return -1;
    path += n;
    if (strlen(path) < 64)
        return -1;
    memcpy(sha, path, 64);
    sha[64] = '\0';
    if (!tg_sha256_valid(sha))
        return -1;
    path += 64;
    *page = 0;
    if (!*path)
        return 0;
    long v;
    if (*path != '/' || tg_parse_long(path + 1, 1, 100000, &v) || path[1] == '0' ||
        path[1] == '+' || path[1] == '-' || path[1] == ' ')
        return -1;
    *page = (unsigned)v;
    return 0;
}

/* An answer for a library status: 404 for a missing or hidden document or
 * page, as any route; else the failure, logged for the operator. */
static int page_fail(web_req_t *q, web_resp_t *resp, tg_status_t st, const char *err)
{
    if (st == TG_ERR_NOTFOUND)
        return web_fail(q, resp, 404, web_msg(q->lang, M_ERR_NOT_FOUND));
    fprintf(stderr, "testigo-web: %s: %s\n", q->path, err);
    return web_fail(q, resp, st == TG_ERR_TIMEOUT ? 503 : 500, web_msg(q->lang, M_ERR_SERVER));
}

static unsigned size_arg(const web_req_t *q, int *bad)
{
    const char *s = web_arg(q, "s");
    *bad = 0;
    if (!s || !strcmp(s, "screen"))
        return TG_PAGE_SCREEN;
    if (!strcmp(s, "print"))
        return TG_PAGE_PRINT;
    if (!strcmp(s, "thumb"))
        return TG_PAGE_THUMB;
    *bad = 1;
    return 0;
}

int pageview_route_image(web_req_t *q, web_resp_t *resp)
{
    char sha[65], err[1024] = "";
    unsigned page;
    if (parse_path(q->path, "/page/", sha, &page) || !page || !q->cfg->pages)
        return web_fail(q, resp, 404, web_msg(q->lang, M_ERR_NOT_FOUND));
    int bad;
    unsigned width = size_arg(q, &bad);
    if (bad)
        return web_fail(q, resp, 400, web_msg(q->lang, M_ERR_BAD_REQUEST));
    int fd;
    uint64_t size;
    tg_status_t st = tg_archive_page_image(q->archive, q->cfg->pages, sha, page, width, &fd, &size,
                                           NULL, err, sizeof err);
    if (st)
        return page_fail(q, resp, st, err);
    resp->fd = fd;
    resp->fd_size = size;
    resp->content_type = "image/png";
    return 200;
}

/* ==== Hits on a page ======================================================== */

/* The hit pages of a document for a parsed query: a sorted array of page
 * numbers (malloc'd) and their count. */
static size_t hit_pages(web_req_t *q, const tg_record_t *rec, const tg_parsed_t *parsed,
                        unsigned **out)
{
    *out = NULL;
    tg_buf_t text;
    tg_buf_init(&text, WEB_TEXT_SHOWN);
    tg_status_t st = tg_archive_text(q->archive, rec, &text);
    size_t n = 0;
    if ((st == TG_OK || st == TG_ERR_LIMIT) && text.len) {
        tg_span_t *hits = NULL;
        size_t nh = tg_highlight(parsed, text.data, text.len, WEB_MAX_HIGHLIGHTS, &hits);
        unsigned pg = 1;
        size_t pos = 0;
        for (size_t k = 0; k < nh; k++) {
            for (; pos < hits[k].off && pos < text.len; pos++)
                pg += text.data[pos] == '\f';
            if (n && (*out)[n - 1] == pg)
                continue;
            *out = tg_xrealloc(*out, (n + 1) * sizeof **out);
            (*out)[n++] = pg;
        }
        free(hits);
    }
    tg_buf_free(&text);
    return n;
}

/* Marks the words of the page (words: [[x0, y0, x1, y1, "w"]...]) that the
 * query highlights: hit[i] is 1 for each such word.  Returns how many. */
static size_t hit_words(const tg_parsed_t *parsed, const json_t *words, unsigned char *hit)
{
    size_t n = json_array_size(words), found = 0;
    tg_buf_t s;
    tg_buf_init(&s, (size_t)64 << 20);
    size_t *start = tg_xcalloc(n + 1, sizeof *start);
    for (size_t i = 0; i < n; i++) {
        const char *w = json_string_value(json_array_get(json_array_get(words, i), 4));
        start[i] = s.len;
        if (tg_buf_adds(&s, w ? w : "") || tg_buf_addc(&s, ' '))
            break;
    }
    start[n] = s.len;
    tg_span_t *spans = NULL;
    size_t ns = tg_highlight(parsed, tg_buf_str(&s), s.len, WEB_MAX_HIGHLIGHTS, &spans);
    size_t i = 0;
    for (size_t k = 0; k < ns; k++) {
        while (i < n && start[i + 1] <= spans[k].off)
            i++;
        for (size_t j = i; j < n && start[j] < spans[k].off + spans[k].len; j++) {
            if (!hit[j])
                found++;
            hit[j] = 1;
        }
    }
    free(spans);
    free(start);
    tg_buf_free(&s);
    return found;
}

static int parse_query(web_req_t *q, const char *query, tg_parsed_t *parsed)
{
    tg_parse_opts_t po = {WEB_MAX_QUERY, WEB_MAX_WILDCARD, WEB_MAX_CLAUSES};
    return query && *query && strlen(query) <= WEB_MAX_QUERY &&
           tg_query_parse(q->qp, query, &po, parsed, NULL) == TG_OK;
}

/* ==== JSON ================================================================= */

static double num(const json_t *a, size_t i)
{
    return json_number_value(json_array_get(a, i));
}

int pageview_route_api(web_req_t *q, web_resp_t *resp)
{
    char sha[65], err[1024] = "";
    unsigned page;
    tg_record_t *rec = NULL;
    if (parse_path(q->path, "/api/page/", sha, &page) || !q->cfg->pages)
        return web_fail(q, resp, 404, web_msg(q->lang, M_ERR_NOT_FOUND));
    tg_status_t st = tg_archive_get(q->archive, sha, 1, &rec, NULL);
    if (st)
        return page_fail(q, resp, st, tg_archive_error(q->archive));
    unsigned pages = tg_record_page_images(rec);
    json_t *o = json_pack("{s:s, s:I}", "sha256", sha, "pages", (json_int_t)pages);
    const char *query = web_arg(q, "q");
    tg_parsed_t parsed;
    int have_q = parse_query(q, query, &parsed);
    if (have_q) {
        unsigned *hp;
        size_t n = hit_pages(q, rec, &parsed, &hp);
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, json_integer(hp[i]));
        json_object_set_new(o, "hit_pages", a);
        free(hp);
    }
    tg_record_free(rec);
    if (page) {
        json_t *w = NULL;
        st = tg_archive_page_words(q->archive, q->cfg->pages, sha, page, &w, err, sizeof err);
        if (st) {
            json_decref(o);
            if (have_q)
                tg_parsed_free(&parsed);
            return page_fail(q, resp, st, err);
        }
        json_t *words = json_object_get(w, "words");
        json_object_set_new(o, "page", json_integer(page));
        json_object_set(o, "width", json_object_get(w, "page_w"));
        json_object_set(o, "height", json_object_get(w, "page_h"));
        json_object_set_new(
            o, "units",
            json_string(json_object_get(w, "source") &&
                                !strcmp(json_string_value(json_object_get(w, "source")), "layout")
                            ? "pt"
                            : "px"));
        json_object_set(o, "words_from", json_object_get(w, "source"));
        json_object_set_new(o, "image", json_sprintf("/page/%s/%u", sha, page));
        json_t *boxes = json_array();
        if (have_q) {
            unsigned char *hit = tg_xcalloc(json_array_size(words) + 1, 1);
            hit_words(&parsed, words, hit);
            for (size_t i = 0; i < json_array_size(words); i++) {
                if (!hit[i])
                    continue;
                json_t *v = json_array_get(words, i);
                json_array_append_new(boxes, json_pack("{s:f, s:f, s:f, s:f, s:O}", "x", num(v, 0),
                                                       "y", num(v, 1), "w", num(v, 2) - num(v, 0),
                                                       "h", num(v, 3) - num(v, 1), "word",
                                                       json_array_get(v, 4)));
            }
            free(hit);
        }
        json_object_set_new(o, "hits", boxes);
        json_decref(w);
    }
    if (have_q)
        tg_parsed_free(&parsed);
    /* coordinates to a hundredth of a point or pixel, not 17 digits */
    char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(8));
    json_decref(o);
    resp->content_type = "application/json";
    if (!s || tg_buf_adds(&resp->body, s)) {
        free(s);
        return web_fail(q, resp, 500, web_msg(q->lang, M_ERR_SERVER));
    }
    free(s);
    return 200;
}

/* ==== The page view ======================================================== */

static void view_href(tg_buf_t *b, const web_req_t *q, const char *sha, const char *query,
                      unsigned page)
{
    char sep = '?';
    html_raw(b, "/view/");
    html_esc(b, sha);
    if (page) {
        html_escf(b, "?p=%u", page);
        sep = '&';
    }
    if (query && *query) {
        html_raw(b, sep == '?' ? "?q=" : "&amp;q=");
        sep = '&';
        tg_buf_t u;
        tg_buf_init(&u, WEB_BODY_MAX);
        url_esc(&u, query);
        html_esc(b, tg_buf_str(&u));
        tg_buf_free(&u);
    }
    if (q->lang_explicit) {
        html_raw(b, sep == '?' ? "?hl=" : "&amp;hl=");
        html_raw(b, q->lang == WEB_LANG_EN ? "en" : "es");
    }
}

static void nav_link(tg_buf_t *b, const web_req_t *q, const char *sha, const char *query,
                     unsigned page, const char *label, const char *rel)
{
    html_raw(b, "<a href=\"");
    view_href(b, q, sha, query, page);
    html_raw(b, "\"");
    if (rel) {
        html_raw(b, " rel=\"");
        html_raw(b, rel);
        html_raw(b, "\"");
    }
    html_raw(b, ">");
    html_esc(b, label);
    html_raw(b, "</a>");
}

/* The page as an SVG: its image and a box over each hit word. */
static void page_svg(tg_buf_t *b, const web_req_t *q, const char *sha, unsigned page,
                     const json_t *w, const unsigned char *hit, unsigned width)
{
    double pw = json_number_value(json_object_get(w, "page_w"));
    double ph = json_number_value(json_object_get(w, "page_h"));
    const json_t *words = json_object_get(w, "words");
    /* sha is a validated digest and the rest numbers: nothing to escape */
    char m[512];
    snprintf(
        m, sizeof m,
        "<svg class=\"pagesvg\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.2f %.2f\" "
        "role=\"img\" aria-label=\"%s %u\"><image href=\"/page/%s/%u?s=%s\" x=\"0\" y=\"0\" "
        "width=\"%.2f\" height=\"%.2f\" preserveAspectRatio=\"none\"/>",
        pw, ph, T(q, "Página", "Page"), page, sha, page,
        width == TG_PAGE_PRINT ? "print" : "screen", pw, ph);
    html_raw(b, m);
    for (size_t i = 0; hit && i < json_array_size(words); i++) {
        if (!hit[i])
            continue;
        const json_t *v = json_array_get(words, i);
        double x0 = num(v, 0), y0 = num(v, 1), x1 = num(v, 2), y1 = num(v, 3);
        double pad = (y1 - y0) * 0.15;
        char r[200];
        snprintf(r, sizeof r,
                 "<rect class=\"hitbox\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\">",
                 x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad);
        html_raw(b, r);
        html_raw(b, "<title>");
        html_esc(b, json_string_value(json_array_get(v, 4)));
        html_raw(b, "</title></rect>");
    }
    html_raw(b, "</svg>");
}

int pageview_route_view(web_req_t *q, web_resp_t *resp)
{
    char sha[65], err[1024] = "";
    unsigned none;
    tg_record_t *rec = NULL;
    json_t *w = NULL;
    if (parse_path(q->path, "/view/", sha, &none) || none || !q->cfg->pages)
        return web_fail(q, resp, 404, web_msg(q->lang, M_ERR_NOT_FOUND));
    tg_status_t st = tg_archive_get(q->archive, sha, 1, &rec, NULL);
    if (st)
        return page_fail(q, resp, st, tg_archive_error(q->archive));
    unsigned pages = tg_record_page_images(rec);
    if (!pages) {
        tg_record_free(rec);
        return web_fail(q, resp, 404, web_msg(q->lang, M_ERR_NOT_FOUND));
    }
    const char *query = web_arg(q, "q");
    tg_parsed_t parsed;
    int have_q = parse_query(q, query, &parsed);
    unsigned *hp = NULL;
    size_t nhp = have_q ? hit_pages(q, rec, &parsed, &hp) : 0;
    unsigned page = nhp ? hp[0] : 1;
    const char *ps = web_arg(q, "p");
    long v;
    if (ps && (tg_parse_long(ps, 1, (long)pages, &v) || ps[0] == '+')) {
        st = TG_ERR_NOTFOUND;
        goto fail;
    }
    if (ps)
        page = (unsigned)v;
    if (page > pages)
        page = pages;
    st = tg_archive_page_words(q->archive, q->cfg->pages, sha, page, &w, err, sizeof err);
    if (st == TG_ERR_NOTFOUND)
        goto fail;
    unsigned char *hit = NULL;
    size_t nhit = 0;
    if (w && have_q) {
        hit = tg_xcalloc(json_array_size(json_object_get(w, "words")) + 1, 1);
        nhit = hit_words(&parsed, json_object_get(w, "words"), hit);
    }
    const char *title = tg_record_title(rec);
    tg_buf_t *b = &resp->body;
    render_page_start(b, q, title ? title : sha, "pageview", query ? query : "");
    html_raw(b, "<main id=\"main\" class=\"pageview\">\n<p class=\"back\"><a href=\"/doc/");
    html_esc(b, sha);
    if (query && *query) {
        html_raw(b, "?q=");
        tg_buf_t u;
        tg_buf_init(&u, WEB_BODY_MAX);
        url_esc(&u, query);
        html_esc(b, tg_buf_str(&u));
        tg_buf_free(&u);
    }
    html_raw(b, "\">");
    html_esc(b, T(q, "← Documento", "← Document"));
    html_raw(b, "</a></p>\n<h1>");
    html_name(b, title ? title : sha);
    html_raw(b, "</h1>\n<nav class=\"pagenav\">");
    html_raw(b, "<span class=\"pageno\">");
    html_escf(b, "%s %u / %u", T(q, "Página", "Page"), page, pages);
    html_raw(b, "</span> ");
    if (page > 1)
        nav_link(b, q, sha, query, page - 1, T(q, "← Anterior", "← Previous"), "prev");
    if (page < pages) {
        html_raw(b, " ");
        nav_link(b, q, sha, query, page + 1, T(q, "Siguiente →", "Next →"), "next");
    }
    if (nhp) {
        unsigned next = 0, prev = 0;
        for (size_t i = 0; i < nhp; i++) {
            if (hp[i] > page && !next)
                next = hp[i];
            if (hp[i] < page)
                prev = hp[i];
        }
        if (prev) {
            html_raw(b, " ");
            nav_link(b, q, sha, query, prev, T(q, "Acierto anterior", "Previous hit"), NULL);
        }
        if (next) {
            html_raw(b, " ");
            nav_link(b, q, sha, query, next, T(q, "Siguiente acierto", "Next hit"), NULL);
        }
    }
    html_raw(b, " <a href=\"/sheet/");
    html_esc(b, sha);
    html_raw(b, "\">");
    html_esc(b, T(q, "Hoja de evidencia", "Evidence sheet"));
    html_raw(b, "</a></nav>\n");
    if (have_q) {
        html_raw(b, "<p class=\"hitcount\">");
        if (nhit)
            html_escf(b, "%zu %s", nhit,
                      nhit == 1 ? T(q, "palabra buscada marcada en esta página",
                                    "word of the search marked on this page")
                                : T(q, "palabras buscadas marcadas en esta página",
                                    "words of the search marked on this page"));
        else
            html_esc(b, T(q, "La búsqueda no aparece en esta página.",
                          "The search does not appear on this page."));
        if (nhp) {
            html_raw(b, " · ");
            html_esc(b, T(q, "Páginas con aciertos:", "Pages with hits:"));
            for (size_t i = 0; i < nhp && i < 200; i++) {
                html_raw(b, " ");
                char n[16];
                snprintf(n, sizeof n, "%u", hp[i]);
                nav_link(b, q, sha, query, hp[i], n, NULL);
            }
        }
        html_raw(b, "</p>\n");
    }
    html_raw(b, "<figure class=\"page\">");
    if (w) {
        page_svg(b, q, sha, page, w, hit, TG_PAGE_SCREEN);
    } else {
        fprintf(stderr, "testigo-web: %s: %s\n", q->path, err);
        html_raw(b, "<p class=\"warn\">");
        html_esc(b, T(q, "No se pudo mostrar la imagen de esta página.",
                      "This page's image could not be shown."));
        html_raw(b, "</p>");
    }
    html_raw(b, "<figcaption><a href=\"/page/");
    html_esc(b, sha);
    html_escf(b, "/%u?s=print", page);
    html_raw(b, "\">");
    html_esc(b, T(q, "Imagen para imprimir", "Print-size image"));
    html_raw(b, "</a> · SHA-256 <code class=\"sha\">");
    html_esc(b, sha);
    html_raw(b, "</code></figcaption></figure>\n</main>\n");
    render_page_end(b, q);
    free(hit);
    free(hp);
    json_decref(w);
    tg_record_free(rec);
    if (have_q)
        tg_parsed_free(&parsed);
    return web_html_done(q, resp, 200);
fail:
    free(hp);
    tg_record_free(rec);
    if (have_q)
        tg_parsed_free(&parsed);
    return page_fail(q, resp, st, err);
}

/* ==== The evidence sheet =================================================== */

static void sheet_row(tg_buf_t *b, const char *label, const char *value)
{
    if (!value || !*value)
        return;
    html_raw(b, "<tr><th scope=\"row\">");
    html_esc(b, label);
    html_raw(b, "</th><td>");
    html_name(b, value);
    html_raw(b, "</td></tr>\n");
}

/* Adds t (if any) to the comma-separated s. */
static void join_add(tg_buf_t *s, const char *t)
{
    if (!t)
        return;
    if (s->len)
        tg_buf_adds(s, ", ");
    tg_buf_adds(s, t);
}

/* The strings of a record's list, comma-separated, into a row. */
static void sheet_list(tg_buf_t *b, const char *label, const tg_record_t *rec, tg_list_t list)
{
    tg_buf_t s;
    tg_buf_init(&s, (size_t)1 << 20);
    for (size_t i = 0; i < tg_record_n(rec, list); i++)
        join_add(&s, tg_record_nth(rec, list, i));
    sheet_row(b, label, tg_buf_str(&s));
    tg_buf_free(&s);
}

/* A field of the merged sidecar metadata into a row: its string, or the
 * values of a list field, comma-separated. */
static void sheet_sidecar(tg_buf_t *b, const char *label, const tg_record_t *rec, const char *field)
{
    const char *one = tg_record_get_sidecar(rec, field);
    if (one) {
        sheet_row(b, label, one);
        return;
    }
    tg_buf_t s;
    tg_buf_init(&s, (size_t)1 << 20);
    for (size_t i = 0; i < tg_record_n_sidecar(rec, field); i++)
        join_add(&s, tg_record_nth_sidecar(rec, field, i));
    sheet_row(b, label, tg_buf_str(&s));
    tg_buf_free(&s);
}

int pageview_route_sheet(web_req_t *q, web_resp_t *resp)
{
    char sha[65];
    unsigned none;
    tg_record_t *rec = NULL;
    if (parse_path(q->path, "/sheet/", sha, &none) || none)
        return web_fail(q, resp, 404, web_msg(q->lang, M_ERR_NOT_FOUND));
    tg_status_t st = tg_archive_get(q->archive, sha, 1, &rec, NULL);
    if (st)
        return page_fail(q, resp, st, tg_archive_error(q->archive));
    const char *title = tg_record_title(rec);
    tg_buf_t *b = &resp->body;
    render_page_start(b, q, title ? title : sha, "sheet", NULL);
    html_raw(b, "<main id=\"main\" class=\"sheet\">\n<h1>");
    html_name(b, title ? title : sha);
    html_raw(b, "</h1>\n<table class=\"sheetfields\">\n");
    sheet_row(b, "SHA-256", sha);
    sheet_row(b, T(q, "Tipo", "Type"), tg_record_get_mime(rec));
    char n[64];
    snprintf(n, sizeof n, "%lld B", (long long)tg_record_get_size(rec));
    sheet_row(b, T(q, "Tamaño", "Size"), n);
    sheet_row(b, T(q, "Fecha", "Date"), tg_record_get_date(rec));
    sheet_row(b, T(q, "Fuente de la fecha", "Date source"), tg_record_get_date_source(rec));
    sheet_row(b, T(q, "Creado (metadatos)", "Created (metadata)"),
              tg_record_get_meta(rec, "created"));
    sheet_row(b, T(q, "Modificado (metadatos)", "Modified (metadata)"),
              tg_record_get_meta(rec, "modified"));
    sheet_sidecar(b, T(q, "Fecha (ficha)", "Date (sidecar)"), rec, "date");
    sheet_sidecar(b, T(q, "Testigo (ficha)", "Witness (sidecar)"), rec, "witness");
    sheet_sidecar(b, T(q, "Lugar (ficha)", "Place (sidecar)"), rec, "place");
    sheet_list(b, T(q, "Fechas mencionadas", "Dates mentioned"), rec, TG_LIST_MENTIONS);
    sheet_row(b, T(q, "Incorporado", "Ingested"), tg_record_get_ingested(rec));
    if (tg_record_get_pages(rec) > 0) {
        snprintf(n, sizeof n, "%lld", (long long)tg_record_get_pages(rec));
        sheet_row(b, T(q, "Páginas", "Pages"), n);
    }
    html_raw(b, "</table>\n<h2>");
    html_esc(b, T(q, "Ubicaciones", "Locations"));
    html_raw(b, "</h2>\n<ul class=\"sheetlocs\">\n");
    size_t nloc = tg_record_n_locations(rec);
    for (size_t i = 0; i < nloc; i++) {
        const char *p = tg_location_get_path(tg_record_location(rec, i));
        if (!p)
            continue;
        html_raw(b, "<li><code>");
        html_name(b, p);
        html_raw(b, "</code></li>\n");
    }
    long long total = (long long)tg_record_locations_total(rec);
    if (total > (long long)nloc) {
        html_raw(b, "<li>");
        html_escf(b, "(%lld %s)", total, T(q, "en total", "in all"));
        html_raw(b, "</li>");
    }
    html_raw(b, "</ul>\n");
    size_t npersons = tg_record_n_persons(rec);
    if (npersons) {
        html_raw(b, "<h2>");
        html_esc(b, T(q, "Personas", "Persons"));
        html_raw(b, "</h2>\n<ul class=\"sheetpersons\">\n");
        for (size_t i = 0; i < npersons; i++) {
            tg_person_t pe;
            if (!tg_record_person(rec, i, &pe) || !pe.name)
                continue;
            html_raw(b, "<li>");
            html_name(b, pe.name);
            int first = 1;
            for (size_t k = 0; k < pe.nids; k++) {
                const char *id = tg_record_person_id(rec, i, k);
                if (!id)
                    continue;
                html_raw(b, first ? " — " : ", ");
                html_esc(b, id);
                first = 0;
            }
            html_raw(b, "</li>\n");
        }
        html_raw(b, "</ul>\n");
    }
    size_t nids = tg_record_n(rec, TG_LIST_IDS);
    if (nids) {
        html_raw(b, "<h2>");
        html_esc(b, T(q, "Números de identidad", "Identity numbers"));
        html_raw(b, "</h2>\n<p class=\"sheetids\">");
        int first = 1;
        for (size_t i = 0; i < nids; i++) {
            const char *id = tg_record_nth(rec, TG_LIST_IDS, i);
            if (!id)
                continue;
            if (!first)
                html_raw(b, ", ");
            html_esc(b, id);
            first = 0;
        }
        html_raw(b, "</p>\n");
    }
    unsigned np = q->cfg->pages ? tg_record_page_images(rec) : 0;
    for (unsigned p = 1; p <= np && p <= SHEET_MAX_PAGES; p++) {
        char m[400];
        snprintf(m, sizeof m,
                 "<figure class=\"sheetpage\"><img src=\"/page/%s/%u?s=print\" alt=\"%s %u\" "
                 "loading=\"lazy\"><figcaption>%s %u / %u · SHA-256 %s</figcaption></figure>\n",
                 sha, p, T(q, "Página", "Page"), p, T(q, "Página", "Page"), p, np, sha);
        html_raw(b, m);
    }
    if (np > SHEET_MAX_PAGES) {
        html_raw(b, "<p class=\"warn\">");
        html_escf(b, "%s %d / %u", T(q, "Páginas mostradas:", "Pages shown:"), SHEET_MAX_PAGES, np);
        html_raw(b, "</p>\n");
    }
    html_raw(b, "</main>\n");
    render_page_end(b, q);
    tg_record_free(rec);
    return web_html_done(q, resp, 200);
}

/* ==== On other pages ======================================================= */

void pageview_doc_links(tg_buf_t *b, const web_req_t *q, const tg_record_t *rec, const char *query)
{
    const char *sha = tg_record_get_sha256(rec);
    if (!sha || !tg_sha256_valid(sha))
        return;
    html_raw(b, "<p class=\"pagelinks\">");
    if (q->cfg->pages && tg_record_page_images(rec)) {
        html_raw(b, "<a class=\"button\" href=\"");
        view_href(b, q, sha, query, 0);
        html_raw(b, "\">");
        html_esc(b, T(q, "Ver las páginas", "See the pages"));
        html_raw(b, "</a> ");
    }
    html_raw(b, "<a href=\"/sheet/");
    html_esc(b, sha);
    html_raw(b, "\">");
    html_esc(b, T(q, "Hoja de evidencia", "Evidence sheet"));
    html_raw(b, "</a></p>\n");
}

void pageview_thumb(tg_buf_t *b, const web_req_t *q, const char *query, const tg_hit_t *h)
{
    const char *sha = tg_record_get_sha256(h->rec);
    unsigned pages = tg_record_page_images(h->rec);
    if (!q->cfg->pages || !q->cfg->thumbnails || !sha || !tg_sha256_valid(sha) || !pages)
        return;
    unsigned page = h->snippet.page > 0 ? (unsigned)h->snippet.page : 1;
    if (page > pages)
        page = 1;
    html_raw(b, "<a class=\"thumb\" href=\"");
    view_href(b, q, sha, query, page);
    char m[200];
    snprintf(m, sizeof m,
             "\"><img src=\"/page/%s/%u?s=thumb\" alt=\"\" loading=\"lazy\" width=\"100\"></a>\n",
             sha, page);
    html_raw(b, m);
}
