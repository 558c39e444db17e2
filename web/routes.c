/* The routes of testigo-web: one handler per URL, each reading the request,
 * asking the search library, filling a response and returning the HTTP
 * status.
 *
 *   /                 home                 /search           results (HTML)
 *   /doc/SHA          document page        /api/search       results (JSON)
 *   /download/SHA     the original         /api/doc/SHA      document (JSON)
 *   /person?name=N    a person's page      /batch            a list searched at once
 *                     (personpage.c)                         (batchpage.c; POST too)
 *   /static/NAME      embedded assets      /opensearch.xml   OpenSearch
 *   /robots.txt       keeps crawlers out   anything else     404
 *
 * Documents are named by SHA-256 only: no URL ever names a file path, so no
 * request can reach outside the archive's store whatever it holds ("..",
 * "%2e%2e", NUL bytes, absolute paths all end at the 404 route).  The
 * archive handle is a public one (lib/read/search.h): every library call on it
 * leaves out restricted and embargoed documents (a hidden document answers
 * as a missing one), gives locations in their shown form (never a path of
 * the indexing machine), and the raw index and store are not reachable
 * from here, so no route can forget either rule.
 *
 * Work per request is bounded by the limits in web.h (query length, page
 * size and depth, wildcard expansion, filters) and the search time budget. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "assets.h"
#include "docpage.h"
#include "hash.h"
#include "html.h"
#include "i18n.h"
#include "pageview.h"
#include "recordjson.h"
#include "render.h"
#include "schema.h"
#include "text.h"
#include "web.h"

#define M(m) web_msg(q->lang, (m))

/* ==== Responses ============================================================ */

void web_resp_init(web_resp_t *r)
{
    memset(r, 0, sizeof *r);
    r->fd = -1;
    tg_buf_init(&r->body, WEB_BODY_MAX);
}

void web_resp_free(web_resp_t *r)
{
    tg_buf_free(&r->body);
    for (size_t i = 0; i < r->n_headers; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    if (r->fd >= 0)
        close(r->fd);
    memset(r, 0, sizeof *r);
    r->fd = -1;
}

void web_resp_header(web_resp_t *r, const char *name, const char *value)
{
    if (r->n_headers >= TG_ARRAY_LEN(r->headers))
        return;
    r->headers[r->n_headers].name = tg_xstrdup(name);
    r->headers[r->n_headers].value = tg_xstrdup(value);
    r->n_headers++;
}

const char *web_arg(const web_req_t *q, const char *key)
{
    for (size_t i = 0; i < q->n_args; i++)
        if (!strcmp(q->args[i].key, key))
            return q->args[i].value;
    return NULL;
}

static int json_reply(web_resp_t *resp, json_t *o, int status)
{
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    resp->content_type = "application/json";
    if (!s || tg_buf_adds(&resp->body, s)) {
        free(s);
        tg_buf_reset(&resp->body);
        tg_buf_adds(&resp->body, "{\"error\":\"response too large\",\"status\":500}");
        return 500;
    }
    free(s);
    return status;
}

static int json_error(web_req_t *q, web_resp_t *resp, int status, const char *message)
{
    (void)q;
    json_t *o = json_object();
    tg_rec_set_str(o, "error", message);
    json_object_set_new(o, "status", json_integer(status));
    return json_reply(resp, o, status);
}

static int html_error(web_req_t *q, web_resp_t *resp, int status, const char *message)
{
    resp->content_type = "text/html; charset=utf-8";
    tg_buf_reset(&resp->body);
    render_error(&resp->body, q, status, message);
    return status;
}

static int is_api(const web_req_t *q)
{
    return !strncmp(q->path, "/api/", 5);
}

static int fail(web_req_t *q, web_resp_t *resp, int status, const char *message)
{
    return is_api(q) ? json_error(q, resp, status, message) : html_error(q, resp, status, message);
}

/* The page is done: an HTML body that did not fit its cap is an error. */
static int html_done(web_req_t *q, web_resp_t *resp, int status)
{
    resp->content_type = "text/html; charset=utf-8";
    if (resp->body.len >= WEB_BODY_MAX - 1)
        return html_error(q, resp, 500, M(M_ERR_SERVER));
    return status;
}

int web_fail(web_req_t *q, web_resp_t *resp, int status, const char *message)
{
    return fail(q, resp, status, message);
}

int web_html_done(web_req_t *q, web_resp_t *resp, int status)
{
    return html_done(q, resp, status);
}

static int route_not_found(web_req_t *q, web_resp_t *resp)
{
    return fail(q, resp, 404, M(M_ERR_NOT_FOUND));
}

/* An index problem: the operator reads its message (Xapian's own) in the
 * server's log, a visitor only that the server failed. */
static void log_index_error(const web_req_t *q)
{
    fprintf(stderr, "testigo-web: %s: %s\n", q->path, tg_archive_error(q->archive));
}

/* ==== Searching ============================================================ */

typedef struct {
    web_search_t s;
    tg_search_req_t req;
    char qbuf[16]; /* "*" when nothing was typed */
} search_args_t;

/* Reads the search arguments.  Returns 0, or an HTTP status with msg set. */
static int parse_search(web_req_t *q, search_args_t *a, char *msg, size_t msglen)
{
    web_search_t *s = &a->s;
    memset(a, 0, sizeof *a);
    s->n = WEB_DEFAULT_PAGE_SIZE;
    s->page = 1;
    const char *text = web_arg(q, "q");
    s->q = text ? text : "";
    if (strlen(s->q) > WEB_MAX_QUERY) {
        web_msg_fmt(msg, msglen, q->lang, M_ERR_QUERY_TOO_LONG, "%u", WEB_MAX_QUERY);
        return 400;
    }
    long v;
    const char *n = web_arg(q, "n");
    if (n && *n && tg_parse_long(n, 1, WEB_MAX_PAGE_SIZE, &v)) {
        web_msg_fmt(msg, msglen, q->lang, M_ERR_PAGE_SIZE, "%u", WEB_MAX_PAGE_SIZE);
        return 400;
    }
    if (n && *n)
        s->n = (unsigned)v;
    const char *p = web_arg(q, "p");
    if (p && *p &&
        (tg_parse_long(p, 1, WEB_MAX_OFFSET + 1, &v) ||
         (unsigned long)(v - 1) * s->n > WEB_MAX_OFFSET)) {
        tg_errf(msg, msglen, "%s", M(M_ERR_PAGE));
        return 400;
    }
    if (p && *p)
        s->page = (unsigned)v;
    const char *sort = web_arg(q, "sort");
    if (!sort || !*sort || !strcmp(sort, "relevance"))
        s->sort = TG_SORT_RELEVANCE;
    else if (!strcmp(sort, "date") || !strcmp(sort, "oldest"))
        s->sort = TG_SORT_DATE;
    else if (!strcmp(sort, "newest"))
        s->sort = TG_SORT_DATE_DESC;
    else {
        tg_errf(msg, msglen, "%s", M(M_ERR_SORT));
        return 400;
    }
    const char *ends[2] = {web_arg(q, "from"), web_arg(q, "to")};
    tg_date_t *dates[2] = {&a->req.date_from, &a->req.date_to};
    for (int i = 0; i < 2; i++) {
        if (!ends[i] || !*ends[i])
            continue;
        if (tg_date_parse(ends[i], strlen(ends[i]), dates[i]) || strchr(ends[i], 'T')) {
            tg_errf(msg, msglen, "%s", M(M_ERR_DATE));
            return 400;
        }
        *(i ? &s->to : &s->from) = ends[i];
    }
    for (size_t i = 0; i < q->n_args; i++) {
        if (!tg_facet_known(q->args[i].key) || !*q->args[i].value)
            continue;
        if (s->n_filters >= WEB_MAX_FILTERS) {
            tg_errf(msg, msglen, "%s", M(M_ERR_FILTERS));
            return 400;
        }
        s->filters[s->n_filters++] = (tg_filter_t){q->args[i].key, q->args[i].value};
    }
    tg_search_req_t *r = &a->req;
    r->offset = (s->page - 1) * s->n;
    r->limit = s->n;
    r->sort = s->sort;
    r->time_limit = q->cfg->time_limit;
    r->parse = (tg_parse_opts_t){
        .max_length = WEB_MAX_QUERY,
        .max_wildcard = WEB_MAX_WILDCARD,
        .max_clauses = WEB_MAX_CLAUSES,
    };
    /* counting facets is most of a search's cost: the HTML page shows
     * them, the API computes them when asked (facets=1) */
    const char *f = web_arg(q, "facets");
    r->facets = !is_api(q) || (f && !strcmp(f, "1"));
    r->hide_restricted = 1; /* always: the web never lists restricted documents */
    r->filters = s->filters;
    r->n_filters = s->n_filters;
    r->term_facet_docs = WEB_TERM_FACET_DOCS;
    return 0;
}

/* The query as run: what was typed, or every document when nothing was. */
static const char *effective_query(search_args_t *a)
{
    for (const char *p = a->s.q; *p; p++)
        if (*p != ' ' && *p != '\t')
            return a->s.q;
    snprintf(a->qbuf, sizeof a->qbuf, "*");
    return a->qbuf;
}

/* Runs the search.  Returns 0, or an HTTP status with msg filled in. */
static int run_search(web_req_t *q, search_args_t *a, tg_results_t *r, char *msg, size_t msglen)
{
    char err[512];
    const char *text = effective_query(a);
    tg_status_t st = tg_search_run(q->archive, q->qp, text, &a->req, r, err, sizeof err);
    switch (st) {
    case TG_OK:
        return 0;
    case TG_ERR_QUERY:
        web_qmsg(msg, msglen, q->lang, &r->query_error);
        return 400;
    case TG_ERR_INVALID:
        tg_errf(msg, msglen, "%s", M(M_ERR_RANGE));
        return 400;
    case TG_ERR_TIMEOUT:
        tg_errf(msg, msglen, "%s", M(M_ERR_TIMEOUT));
        return 503;
    default:
        log_index_error(q);
        tg_errf(msg, msglen, "%s", M(M_ERR_SERVER));
        return 500;
    }
}

static int route_search(web_req_t *q, web_resp_t *resp)
{
    search_args_t a;
    char msg[1024];
    int status = parse_search(q, &a, msg, sizeof msg);
    if (status) {
        if (!a.s.q || strlen(a.s.q) > WEB_MAX_QUERY)
            a.s.q = "";
        render_search(&resp->body, q, &a.s, NULL, msg);
        return html_done(q, resp, status);
    }
    tg_results_t r;
    status = run_search(q, &a, &r, msg, sizeof msg);
    if (status) {
        render_search(&resp->body, q, &a.s, NULL, msg);
        return html_done(q, resp, status);
    }
    render_search(&resp->body, q, &a.s, &r, NULL);
    tg_results_free(&r);
    return html_done(q, resp, 200);
}

static void doc_urls(json_t *o, const char *sha)
{
    char u[128];
    snprintf(u, sizeof u, "/doc/%s", sha);
    json_object_set_new(o, "url", json_string(u));
    snprintf(u, sizeof u, "/download/%s", sha);
    json_object_set_new(o, "download", json_string(u));
}

static int route_api_search(web_req_t *q, web_resp_t *resp)
{
    search_args_t a;
    char msg[1024];
    int status = parse_search(q, &a, msg, sizeof msg);
    if (status)
        return json_error(q, resp, status, msg);
    tg_results_t r;
    status = run_search(q, &a, &r, msg, sizeof msg);
    if (status) {
        json_t *e = json_object();
        tg_rec_set_str(e, "error", msg);
        json_object_set_new(e, "status", json_integer(status));
        if (r.query_error.code) { /* the query's own error: its code and text */
            json_object_set_new(e, "code", json_string(tg_qmsg_name(r.query_error.code)));
            tg_rec_set_str(e, "text", r.query_error.text);
        }
        return json_reply(resp, e, status);
    }
    json_t *o = json_object();
    tg_rec_set_str(o, "query", a.s.q);
    json_object_set_new(o, "total", json_integer(r.total));
    json_object_set_new(o, "total_exact", json_boolean(r.total_exact));
    json_object_set_new(o, "offset", json_integer(a.req.offset));
    json_object_set_new(o, "limit", json_integer(a.req.limit));
    json_object_set_new(o, "page", json_integer(a.s.page));
    json_object_set_new(o, "sort",
                        json_string(a.s.sort == TG_SORT_DATE        ? "date"
                                    : a.s.sort == TG_SORT_DATE_DESC ? "newest"
                                                                    : "relevance"));
    json_t *filters = json_array();
    for (size_t i = 0; i < a.s.n_filters; i++) {
        json_t *f = json_object();
        tg_rec_set_str(f, "facet", a.s.filters[i].facet);
        tg_rec_set_str(f, "value", a.s.filters[i].value);
        json_array_append_new(filters, f);
    }
    json_object_set_new(o, "filters", filters);
    json_object_set_new(o, "from", a.s.from ? json_string(a.s.from) : json_null());
    json_object_set_new(o, "to", a.s.to ? json_string(a.s.to) : json_null());
    json_t *arr = json_array();
    for (size_t i = 0; i < r.n; i++) {
        json_t *h = tg_hit_json(&r.hits[i]);
        const char *sha = tg_rec_str(h, "sha256");
        if (sha && tg_sha256_valid(sha))
            doc_urls(h, sha);
        json_array_append_new(arr, h);
    }
    json_object_set_new(o, "results", arr);
    json_t *notices = json_array();
    for (size_t i = 0; i < r.n_notices; i++) {
        char m[512];
        web_qmsg(m, sizeof m, q->lang, &r.notices[i]);
        json_t *n = json_object();
        json_object_set_new(n, "code", json_string(tg_qmsg_name(r.notices[i].code)));
        tg_rec_set_str(n, "text", r.notices[i].text);
        tg_rec_set_str(n, "message", m);
        json_array_append_new(notices, n);
    }
    json_object_set_new(o, "notices", notices);
    if (r.facets)
        json_object_set_new(o, "facets", json_incref(r.facets));
    if (r.labels)
        json_object_set_new(o, "facet_labels", json_incref(r.labels));
    if (r.persons)
        json_object_set_new(o, "facet_persons", json_incref(r.persons));
    json_object_set_new(o, "seconds", json_real(r.seconds));
    tg_results_free(&r);
    return json_reply(resp, o, 200);
}

int web_route_costly(const web_req_t *q)
{
    if (q->post)
        return 1; /* a list: a search per row */
    if (strcmp(q->path, "/search") && strcmp(q->path, "/api/search"))
        return 0;
    const char *text = web_arg(q, "q");
    if (!text || !*text || strlen(text) > WEB_MAX_QUERY || !q->qp)
        return 0;
    tg_parsed_t p;
    tg_parse_opts_t po = {WEB_MAX_QUERY, WEB_MAX_WILDCARD, WEB_MAX_CLAUSES};
    if (tg_query_parse(q->qp, text, &po, &p, NULL))
        return 0;
    int costly = p.n_prefixes > 0;
    tg_parsed_free(&p);
    return costly;
}

int web_route_busy(web_req_t *q, web_resp_t *resp)
{
    web_resp_header(resp, "Retry-After", "2");
    if (is_api(q))
        return json_error(q, resp, 503, M(M_ERR_BUSY));
    search_args_t a;
    char msg[1024];
    parse_search(q, &a, msg, sizeof msg);
    if (!a.s.q || strlen(a.s.q) > WEB_MAX_QUERY)
        a.s.q = "";
    render_search(&resp->body, q, &a.s, NULL, M(M_ERR_BUSY));
    return html_done(q, resp, 503);
}

/* ==== Documents ============================================================ */

/* The digest in path after prefix, if it is one (64 lowercase hex, nothing
 * after); NULL otherwise. */
static const char *path_sha(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(path, prefix, n) || !tg_sha256_valid(path + n))
        return NULL;
    return path + n;
}

/* Finds a visible document: 0, or an HTTP status (404 for missing or
 * restricted alike). */
static int find_doc(web_req_t *q, const char *sha, tg_record_t **rec)
{
    *rec = NULL;
    if (!sha)
        return 404;
    tg_status_t st = tg_archive_get(q->archive, sha, 1, rec, NULL);
    if (st == TG_ERR_NOTFOUND)
        return 404;
    if (st)
        log_index_error(q);
    return st ? 500 : 0;
}

/* Reads the text shown for a document: at most WEB_TEXT_SHOWN bytes, cut
 * at a character boundary. */
static void read_text(web_req_t *q, const tg_record_t *rec, tg_buf_t *text, int *truncated)
{
    tg_buf_init(text, WEB_TEXT_SHOWN);
    tg_status_t st = tg_archive_text(q->archive, rec, text);
    *truncated = st == TG_ERR_LIMIT;
    if (*truncated && text->len) {
        size_t n = text->len;
        while (n > 0 && ((unsigned char)text->data[n - 1] & 0xC0) == 0x80)
            n--;
        if (n > 0 && (unsigned char)text->data[n - 1] >= 0xC0)
            n--;
        text->len = n;
        text->data[n] = '\0';
    }
}

static int route_doc(web_req_t *q, web_resp_t *resp)
{
    const char *sha = path_sha(q->path, "/doc/");
    tg_record_t *rec;
    int status = find_doc(q, sha, &rec);
    if (status)
        return fail(q, resp, status, M(status == 404 ? M_ERR_NOT_FOUND : M_ERR_SERVER));
    tg_buf_t text;
    int truncated;
    read_text(q, rec, &text, &truncated);
    const char *query = web_arg(q, "q");
    if (query && strlen(query) > WEB_MAX_QUERY)
        query = NULL;
    tg_span_t *hits = NULL;
    size_t n_hits = 0;
    tg_parsed_t parsed;
    tg_parse_opts_t po = {WEB_MAX_QUERY, WEB_MAX_WILDCARD, WEB_MAX_CLAUSES};
    if (query && *query && text.len && tg_query_parse(q->qp, query, &po, &parsed, NULL) == TG_OK) {
        n_hits = tg_highlight(&parsed, tg_buf_str(&text), text.len, WEB_MAX_HIGHLIGHTS, &hits);
        tg_parsed_free(&parsed);
    }
    render_doc(&resp->body, q, rec, tg_buf_str(&text), text.len, truncated, hits, n_hits,
               query ? query : "");
    free(hits);
    tg_buf_free(&text);
    tg_record_free(rec);
    return html_done(q, resp, 200);
}

static int route_api_doc(web_req_t *q, web_resp_t *resp)
{
    const char *sha = path_sha(q->path, "/api/doc/");
    tg_record_t *rec;
    int status = find_doc(q, sha, &rec);
    if (status)
        return json_error(q, resp, status, M(status == 404 ? M_ERR_NOT_FOUND : M_ERR_SERVER));
    tg_buf_t text;
    int truncated;
    read_text(q, rec, &text, &truncated);
    json_t *o = json_object();
    json_object_set_new(o, "sha256", json_string(sha));
    tg_rec_set_str(o, "title", tg_record_title(rec));
    doc_urls(o, sha);
    json_object_set_new(o, "known", web_doc_known_json(q, rec));
    json_object_set_new(o, "record", tg_record_to_json(rec));
    tg_record_free(rec);
    json_t *t = text.len ? json_stringn(text.data, text.len) : NULL;
    if (t) /* the stored text is UTF-8 with '\f' between pages, kept as is */
        json_object_set_new(o, "text", t);
    else if (text.len)
        tg_rec_set_str(o, "text", tg_buf_str(&text));
    else
        json_object_set_new(o, "text", json_null());
    json_object_set_new(o, "text_truncated", json_boolean(truncated));
    tg_buf_free(&text);
    return json_reply(resp, o, 200);
}

/* A file name safe in a Content-Disposition header, from a location: its
 * last component without control characters, bidirectional or invisible
 * characters (tg_utf8_next_shown: a saved "testimonio\u202Etxt.exe" must
 * not read "...exe.txt"), quotes, backslashes or slashes, and without
 * leading dots.  utf8 keeps the other non-ASCII characters (for
 * filename*=), otherwise they become '_'. */
static void safe_name(tg_buf_t *out, const char *location, int utf8)
{
    const char *base = location ? tg_location_basename(location) : "";
    const char *slash = strrchr(base, '/');
    if (slash)
        base = slash + 1;
    while (*base == '.')
        base++;
    size_t len = strlen(base);
    for (size_t i = 0; i < len && out->len < 200;) {
        int hidden;
        size_t n = tg_utf8_next_shown(base + i, len - i, &hidden);
        if (hidden) {
            tg_buf_addc(out, '_');
            i += n;
            continue;
        }
        for (const unsigned char *p = (const unsigned char *)base + i; n-- && out->len < 200;
             p++, i++) {
            if (*p == '"' || *p == '\\' || *p == '/' || *p == ';' || (*p >= 0x80 && !utf8))
                tg_buf_addc(out, '_');
            else
                tg_buf_addc(out, (char)*p);
        }
    }
    /* a name cut at 200 bytes must not end inside a character */
    if (utf8 && out->len && !web_text_clean(out->data, out->len)) {
        while (out->len && ((unsigned char)out->data[out->len - 1] & 0x80))
            out->len--;
        out->data[out->len] = '\0';
    }
}

/* The types an original is sent as: those no browser runs anything in,
 * and only those (an allow-list: a new active type is never let through by
 * oversight).  Everything else, HTML, XHTML, SVG, XML (XSLT), JavaScript,
 * PDF (forms, scripts, and Firefox shows it even as an attachment), mail
 * and MHTML (Chromium renders saved pages), goes as
 * application/octet-stream: with the file's name, but never rendered from
 * this origin. */
static int passive_type(const char *mime)
{
    static const char *const passive[] = {
        "text/plain", "text/csv",  "image/png",  "image/jpeg",
        "image/gif",  "image/bmp", "image/webp", "image/tiff",
    };
    for (size_t i = 0; mime && i < TG_ARRAY_LEN(passive); i++)
        if (!strcmp(mime, passive[i]))
            return 1;
    return 0;
}

/* A media type safe to send as Content-Type: "type/subtype" of plain
 * token characters; anything else is sent as application/octet-stream. */
static int safe_token(const char *s, int slash)
{
    int slashes = 0;
    if (!s || !*s || strlen(s) > 100)
        return 0;
    for (const char *p = s; *p; p++) {
        if (*p == '/' && slash)
            slashes++;
        else if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                   (*p >= '0' && *p <= '9') || *p == '.' || *p == '+' || *p == '-' || *p == '_'))
            return 0;
    }
    return slash ? slashes == 1 : slashes == 0;
}

static void base64(tg_buf_t *out, const unsigned char *in, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) |
                     (i + 2 < n ? in[i + 2] : 0);
        tg_buf_addc(out, tab[(v >> 18) & 63]);
        tg_buf_addc(out, tab[(v >> 12) & 63]);
        tg_buf_addc(out, i + 1 < n ? tab[(v >> 6) & 63] : '=');
        tg_buf_addc(out, i + 2 < n ? tab[v & 63] : '=');
    }
}

static int route_download(web_req_t *q, web_resp_t *resp)
{
    const char *sha = path_sha(q->path, "/download/");
    tg_record_t *rec;
    int fd;
    uint64_t size;
    tg_status_t st =
        sha ? tg_archive_original(q->archive, sha, 1, &rec, &fd, &size) : TG_ERR_NOTFOUND;
    if (st == TG_ERR_NOTFOUND)
        return fail(q, resp, 404, M(M_ERR_NOT_FOUND));
    if (st) {
        log_index_error(q);
        return fail(q, resp, 500, M(M_ERR_SERVER));
    }
    resp->fd = fd;
    resp->fd_size = size;
    resp->download = 1;

    tg_buf_t h;
    tg_buf_init(&h, 4096);
    const char *mime = tg_record_get_mime(rec);
    const char *charset = tg_record_get_charset(rec);
    if (safe_token(mime, 1) && passive_type(mime)) {
        tg_buf_adds(&h, mime);
        if (!strncmp(mime, "text/", 5) && safe_token(charset, 0))
            tg_buf_addf(&h, "; charset=%s", charset);
    } else {
        tg_buf_adds(&h, "application/octet-stream");
    }
    web_resp_header(resp, "Content-Type", tg_buf_str(&h));

    const tg_location_t *loc = tg_record_location(rec, 0);
    const char *location = loc ? tg_location_get_path(loc) : NULL;
    tg_buf_t ascii, utf8;
    tg_buf_init(&ascii, 512);
    tg_buf_init(&utf8, 512);
    safe_name(&ascii, location, 0);
    safe_name(&utf8, location, 1);
    if (!ascii.len) {
        tg_buf_adds(&ascii, sha);
        tg_buf_adds(&utf8, sha);
    }
    tg_buf_reset(&h);
    tg_buf_addf(&h, "attachment; filename=\"%s\"; filename*=UTF-8''", tg_buf_str(&ascii));
    url_esc(&h, tg_buf_str(&utf8));
    web_resp_header(resp, "Content-Disposition", tg_buf_str(&h));
    tg_buf_free(&ascii);
    tg_buf_free(&utf8);

    web_resp_header(resp, "X-Testigo-SHA256", sha);
    unsigned char raw[32];
    for (int i = 0; i < 32; i++) {
        unsigned v;
        sscanf(sha + 2 * i, "%2x", &v);
        raw[i] = (unsigned char)v;
    }
    tg_buf_reset(&h);
    tg_buf_adds(&h, "sha-256=:");
    base64(&h, raw, sizeof raw);
    tg_buf_adds(&h, ":");
    web_resp_header(resp, "Repr-Digest", tg_buf_str(&h));
    tg_buf_reset(&h);
    tg_buf_addf(&h, "\"%s\"", sha);
    web_resp_header(resp, "ETag", tg_buf_str(&h));
    tg_buf_free(&h);
    tg_record_free(rec);
    return 200;
}

/* ==== Pages and assets ===================================================== */

static int route_home(web_req_t *q, web_resp_t *resp)
{
    unsigned n = 0;
    if (tg_archive_count(q->archive, &n)) {
        log_index_error(q);
        return html_error(q, resp, 500, M(M_ERR_SERVER));
    }
    render_home(&resp->body, q, n);
    return html_done(q, resp, 200);
}

static const web_asset_t *asset(const char *name)
{
    for (const web_asset_t *a = web_assets; a->name; a++)
        if (!strcmp(a->name, name))
            return a;
    return NULL;
}

static int route_static(web_req_t *q, web_resp_t *resp)
{
    const char *name = q->path + strlen("/static/");
    const web_asset_t *a = asset(name);
    const char *dot = strrchr(name, '.');
    if (!a || !dot || !strcmp(name, "opensearch.xml"))
        return route_not_found(q, resp);
    static const struct {
        const char *ext, *type;
    } types[] = {{".css", "text/css; charset=utf-8"},
                 {".svg", "image/svg+xml"},
                 {".txt", "text/plain; charset=utf-8"}};
    resp->content_type = "application/octet-stream";
    for (size_t i = 0; i < TG_ARRAY_LEN(types); i++)
        if (!strcmp(dot, types[i].ext))
            resp->content_type = types[i].type;
    resp->static_data = a->data;
    resp->static_len = a->len;
    web_resp_header(resp, "Cache-Control", "public, max-age=3600");
    return 200;
}

static int route_robots(web_req_t *q, web_resp_t *resp)
{
    (void)q;
    resp->content_type = "text/plain; charset=utf-8";
    tg_buf_adds(&resp->body, "User-agent: *\nDisallow: /\n");
    return 200;
}

static int route_opensearch(web_req_t *q, web_resp_t *resp)
{
    const web_asset_t *a = asset("opensearch.xml");
    if (!a)
        return route_not_found(q, resp);
    /* the template names the server by @BASE@ */
    const char *t = (const char *)a->data, *at;
    while ((at = strstr(t, "@BASE@"))) {
        tg_buf_add(&resp->body, t, (size_t)(at - t));
        html_esc(&resp->body, q->base_url);
        t = at + 6;
    }
    tg_buf_adds(&resp->body, t);
    resp->content_type = "application/opensearchdescription+xml";
    return 200;
}

/* ==== The table ============================================================ */

web_route_fn web_route_find(const char *path)
{
    static const struct {
        const char *path;
        int prefix;
        web_route_fn fn;
    } routes[] = {
        {"/", 0, route_home},
        {"/search", 0, route_search},
        {"/api/search", 0, route_api_search},
        {"/doc/", 1, route_doc},
        {"/person", 0, web_route_person},
        {"/batch", 0, web_route_batch},
        {"/api/doc/", 1, route_api_doc},
        {"/download/", 1, route_download},
        {"/static/", 1, route_static},
        {"/opensearch.xml", 0, route_opensearch},
        {"/robots.txt", 0, route_robots},
        /* page images (pageview.c) */
        {"/page/", 1, pageview_route_image},
        {"/view/", 1, pageview_route_view},
        {"/api/page/", 1, pageview_route_api},
        {"/sheet/", 1, pageview_route_sheet},
    };
    for (size_t i = 0; i < TG_ARRAY_LEN(routes); i++) {
        if (routes[i].prefix ? !strncmp(path, routes[i].path, strlen(routes[i].path))
                             : !strcmp(path, routes[i].path))
            return routes[i].fn;
    }
    return route_not_found;
}
