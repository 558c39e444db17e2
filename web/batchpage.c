/* The batch form (docs/web.md, "A list of persons"): GET /batch is a form
 * where a list is pasted or a CSV file uploaded; POST /batch answers with
 * the report testigo-search --batch gives (the search library's
 * lib/read/batch.h, the same code), as a page or as a CSV or JSON
 * download.
 *
 * The POST is bounded twice: the server reads at most WEB_POST_MAX bytes
 * of body (server.c; a longer Content-Length is 413 before any byte is
 * read) and this route refuses a list of more than WEB_BATCH_ROWS rows
 * before searching any.  It carries a token bound to the form: the time
 * the form was served and an HMAC-SHA256 of it under a key drawn at each
 * start of the server, valid for TOKEN_LIFE seconds; another site's page
 * cannot read it (the same-origin policy), so it cannot post the form in
 * a visitor's name.  The server runs the list on its lane of costly
 * searches (routes.c: web_route_costly).
 *
 * Everything goes through the public handle: restricted and embargoed
 * documents give no person, no document and no date to the report. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "batch.h"
#include "hash.h"
#include "html.h"
#include "i18n.h"
#include "render.h"
#include "text.h"
#include "web.h"

#define M(m) web_msg(q->lang, (m))

/* Seconds a form's token is good for. */
#define TOKEN_LIFE (4 * 3600)

/* ==== The token ============================================================= */

/* HMAC-SHA256 (RFC 2104) of msg under the server's key, as hex; the
 * inner digest enters the outer hash as its hex. */
static void hmac(const web_req_t *q, const char *msg, char out[TG_SHA256_HEX_LEN + 1])
{
    unsigned char pad[64];
    char inner[TG_SHA256_HEX_LEN + 1];
    tg_sha256_t h;
    memset(pad, 0x36, sizeof pad);
    for (size_t i = 0; i < sizeof q->cfg->csrf_key; i++)
        pad[i] ^= q->cfg->csrf_key[i];
    tg_sha256_init(&h);
    tg_sha256_update(&h, pad, sizeof pad);
    tg_sha256_update(&h, msg, strlen(msg));
    tg_sha256_final_hex(&h, inner);
    memset(pad, 0x5c, sizeof pad);
    for (size_t i = 0; i < sizeof q->cfg->csrf_key; i++)
        pad[i] ^= q->cfg->csrf_key[i];
    tg_sha256_init(&h);
    tg_sha256_update(&h, pad, sizeof pad);
    tg_sha256_update(&h, inner, TG_SHA256_HEX_LEN);
    tg_sha256_final_hex(&h, out);
}

static void token_make(const web_req_t *q, char *out, size_t len)
{
    long long t = (long long)time(NULL);
    char msg[64], mac[TG_SHA256_HEX_LEN + 1];
    snprintf(msg, sizeof msg, "/batch %lld", t);
    hmac(q, msg, mac);
    snprintf(out, len, "%lld.%s", t, mac);
}

/* 1 if token is one this server made for the form, not too old. */
static int token_ok(const web_req_t *q, const char *token)
{
    char *dot;
    long long t = strtoll(token, &dot, 10);
    if (dot == token || *dot != '.' || strlen(dot + 1) != TG_SHA256_HEX_LEN)
        return 0;
    long long now = (long long)time(NULL);
    if (t > now + 60 || now - t > TOKEN_LIFE)
        return 0;
    char msg[64], mac[TG_SHA256_HEX_LEN + 1];
    snprintf(msg, sizeof msg, "/batch %lld", t);
    hmac(q, msg, mac);
    unsigned char diff = 0; /* in constant time */
    for (size_t i = 0; i < TG_SHA256_HEX_LEN; i++)
        diff |= (unsigned char)(mac[i] ^ dot[1 + i]);
    return diff == 0;
}

/* ==== Pages ================================================================= */

static void token_field(tg_buf_t *b, const web_req_t *q)
{
    char token[128];
    token_make(q, token, sizeof token);
    html_raw(b, "<input type=\"hidden\" name=\"token\" value=\"");
    html_esc(b, token);
    html_raw(b, "\">");
}

static void form_action(tg_buf_t *b, const web_req_t *q)
{
    html_raw(b, "<form class=\"batch\" method=\"post\" action=\"/batch");
    if (q->lang_explicit) {
        html_raw(b, "?hl=");
        html_esc(b, web_lang_code(q->lang));
    }
    html_raw(b, "\" enctype=\"multipart/form-data\">");
}

static void form(tg_buf_t *b, const web_req_t *q, const char *list)
{
    html_raw(b, "<p>");
    char help[512];
    web_msg_fmt(help, sizeof help, q->lang, M_BATCH_HELP, "%u", WEB_BATCH_ROWS);
    html_esc(b, help);
    html_raw(b, "</p>\n");
    form_action(b, q);
    token_field(b, q);
    html_raw(b, "\n<p><label for=\"list\">");
    html_esc(b, M(M_BATCH_PASTE));
    html_raw(b, "</label><br><textarea id=\"list\" name=\"list\" rows=\"12\" cols=\"60\">");
    if (list)
        html_esc(b, list);
    html_raw(b, "</textarea></p>\n<p><label for=\"file\">");
    html_esc(b, M(M_BATCH_UPLOAD));
    html_raw(b, "</label> <input id=\"file\" type=\"file\" name=\"file\" "
                "accept=\".csv,.txt,text/csv,text/plain\"></p>\n<p><label for=\"format\">");
    html_esc(b, M(M_BATCH_FORMAT));
    html_raw(b, "</label> <select id=\"format\" name=\"format\">"
                "<option value=\"html\">HTML</option><option value=\"csv\">CSV</option>"
                "<option value=\"json\">JSON</option></select> <button type=\"submit\">");
    html_esc(b, M(M_BATCH_SUBMIT));
    html_raw(b, "</button></p>\n</form>\n");
}

static int page(web_req_t *q, web_resp_t *resp, int status, const char *error, const char *list)
{
    tg_buf_t *b = &resp->body;
    tg_buf_reset(b);
    render_page_start(b, q, M(M_BATCH_TITLE), "batch", NULL);
    html_raw(b, "<main id=\"main\" class=\"batch\">\n<h1>");
    html_esc(b, M(M_BATCH_TITLE));
    html_raw(b, "</h1>\n");
    if (error) {
        html_raw(b, "<p class=\"error\" role=\"alert\">");
        html_esc(b, error);
        html_raw(b, "</p>\n");
    }
    form(b, q, list);
    html_raw(b, "</main>\n");
    render_page_end(b, q);
    resp->content_type = "text/html; charset=utf-8";
    return status;
}

/* ==== The report ============================================================ */

typedef struct {
    web_req_t *q;
    tg_buf_t *b;
    json_t *rows; /* JSON: every row */
    int format;   /* 0 html, 1 csv, 2 json */
} report_t;

static void doc_link(tg_buf_t *b, const char *sha, const char *text)
{
    html_raw(b, "<a href=\"/doc/");
    html_esc(b, sha);
    html_raw(b, "\">");
    html_name(b, text);
    html_raw(b, "</a>");
}

static void html_row(report_t *r, const json_t *row)
{
    web_req_t *q = r->q;
    tg_buf_t *b = r->b;
    const char *name = json_string_value(json_object_get(row, "name"));
    const char *id = json_string_value(json_object_get(row, "cedula"));
    int found = json_is_true(json_object_get(row, "found"));
    int error = json_object_get(row, "error") != NULL;
    html_raw(b, "<tr class=\"");
    html_esc(b, found ? "found" : error ? "error" : "none");
    html_raw(b, "\"><td>");
    html_escf(b, "%lld", (long long)json_integer_value(json_object_get(row, "line")));
    html_raw(b, "</td><td>");
    if (name && *name)
        html_name(b, name);
    if (id && *id) {
        html_raw(b, name && *name ? " · " : "");
        html_esc(b, id);
    }
    html_raw(b, "</td><td>");
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(row, "persons"), i, p)
    {
        const char *pn = json_string_value(json_object_get(p, "name"));
        const char *key = json_string_value(json_object_get(p, "key"));
        if (!pn || !key || !*key)
            continue;
        html_raw(b, i ? "<br>" : "");
        html_raw(b, "<a class=\"person\" href=\"/person?name=");
        tg_buf_t u;
        tg_buf_init(&u, 1 << 16);
        url_esc(&u, key);
        html_esc(b, tg_buf_str(&u));
        tg_buf_free(&u);
        html_raw(b, "\">");
        html_name(b, pn);
        html_raw(b, "</a>");
    }
    if (!found)
        html_esc(b, M(error ? M_BATCH_ERROR : M_BATCH_NOT_FOUND));
    html_raw(b, "</td><td>");
    html_escf(b, "%lld", (long long)json_integer_value(json_object_get(row, "documents")));
    html_raw(b, "</td><td>");
    const char *first = json_string_value(json_object_get(row, "first_date"));
    const char *last = json_string_value(json_object_get(row, "last_date"));
    if (first) {
        html_esc(b, first);
        if (last && strcmp(first, last)) {
            html_raw(b, " – ");
            html_esc(b, last);
        }
    }
    html_raw(b, "</td></tr>\n");
    json_t *docs = json_object_get(row, "results"), *d;
    if (!json_array_size(docs))
        return;
    html_raw(b, "<tr class=\"docs\"><td></td><td colspan=\"4\"><ul>");
    json_array_foreach(docs, i, d)
    {
        const char *sha = json_string_value(json_object_get(d, "sha256"));
        const char *loc = json_string_value(json_object_get(d, "location"));
        const char *date = json_string_value(json_object_get(d, "date"));
        const char *snip = json_string_value(json_object_get(d, "snippet"));
        if (!sha || !tg_sha256_valid(sha))
            continue;
        html_raw(b, "<li>");
        doc_link(b, sha, loc && *loc ? loc : sha);
        if (date) {
            html_raw(b, " · ");
            html_escn(b, date, strlen(date) < 10 ? strlen(date) : 10);
        }
        if (snip && *snip) {
            html_raw(b, "<br><span class=\"snippet\">");
            html_esc(b, snip);
            html_raw(b, "</span>");
        }
        html_raw(b, "</li>");
    }
    html_raw(b, "</ul></td></tr>\n");
}

static void on_row(void *ctx, const json_t *row)
{
    report_t *r = ctx;
    if (r->format == 1)
        tg_batch_csv_row(row, r->b);
    else if (r->format == 2)
        json_array_append(r->rows, (json_t *)row);
    else
        html_row(r, row);
}

static void on_msg(void *ctx, unsigned long line, const char *msg)
{
    report_t *r = ctx;
    /* the operator's: an index error's words stay in the server's log */
    fprintf(stderr, "testigo-web: /batch: line %lu: %s\n", line, msg);
    (void)r;
}

/* A form that posts the list again for a download in format. */
static void download_form(tg_buf_t *b, web_req_t *q, const char *list, const char *format)
{
    form_action(b, q);
    token_field(b, q);
    html_raw(b, "<input type=\"hidden\" name=\"list\" value=\"");
    html_esc(b, list);
    html_raw(b, "\"><input type=\"hidden\" name=\"format\" value=\"");
    html_esc(b, format);
    html_raw(b, "\"><button type=\"submit\" class=\"dl\">");
    html_esc(b, M(M_BATCH_DOWNLOAD));
    html_raw(b, " (");
    html_esc(b, format);
    html_raw(b, ")</button></form>\n");
}

int web_route_batch(web_req_t *q, web_resp_t *resp)
{
    if (!q->post)
        return page(q, resp, 200, NULL, NULL);
    const web_post_t *p = q->post;
    if (p->bad)
        return page(q, resp, 413, M(M_ERR_TOO_LARGE), NULL);
    if (!token_ok(q, p->token))
        return page(q, resp, 403, M(M_BATCH_EXPIRED), NULL);
    const tg_buf_t *src = p->file.len ? &p->file : &p->list;
    /* the list as text (a spreadsheet's encoding decoded), to show again */
    tg_buf_t text;
    tg_buf_init(&text, WEB_POST_MAX * 3 + 16);
    tg_decode_info_t info;
    tg_text_decode(src->data ? src->data : "", src->len, &text, &info);
    unsigned long rows = tg_batch_count(text.data ? text.data : "", text.len, WEB_BATCH_ROWS);
    int status = 0;
    char msg[256];
    if (rows == 0) {
        status = 400;
        snprintf(msg, sizeof msg, "%s", M(M_BATCH_EMPTY));
    } else if (rows > WEB_BATCH_ROWS) {
        status = 413;
        web_msg_fmt(msg, sizeof msg, q->lang, M_BATCH_TOO_MANY, "%u", WEB_BATCH_ROWS);
    }
    if (status) {
        int st = page(q, resp, status, msg, text.len <= WEB_POST_MAX ? tg_buf_str(&text) : NULL);
        tg_buf_free(&text);
        return st;
    }
    int format = !strcmp(p->format, "csv") ? 1 : !strcmp(p->format, "json") ? 2 : 0;
    tg_buf_t *b = &resp->body;
    tg_buf_reset(b);
    report_t r = {q, b, json_array(), format};
    if (format == 0) {
        render_page_start(b, q, M(M_BATCH_TITLE), "batch", NULL);
        html_raw(b, "<main id=\"main\" class=\"batch\">\n<h1>");
        html_esc(b, M(M_BATCH_TITLE));
        html_raw(b, "</h1>\n");
        download_form(b, q, tg_buf_str(&text), "csv");
        download_form(b, q, tg_buf_str(&text), "json");
        html_raw(b, "<table class=\"report\">\n<thead><tr><th>");
        html_esc(b, M(M_BATCH_COL_ROW));
        html_raw(b, "</th><th></th><th>");
        html_esc(b, M(M_FACET_PERSON));
        html_raw(b, "</th><th>");
        html_esc(b, M(M_BATCH_COL_DOCS));
        html_raw(b, "</th><th>");
        html_esc(b, M(M_BATCH_COL_DATES));
        html_raw(b, "</th></tr></thead>\n<tbody>\n");
    } else if (format == 1) {
        tg_batch_csv_header(b);
    }
    tg_batch_opts_t o = {.max_docs = format ? TG_BATCH_MAX_DOCS : WEB_BATCH_DOCS,
                         .max_rows = WEB_BATCH_ROWS,
                         .hide_restricted = 1,
                         .time_limit = q->cfg->time_limit};
    tg_batch_stats_t stats;
    tg_batch_run(q->archive, q->qp, text.data ? text.data : "", text.len, &o, on_row, on_msg, &r,
                 &stats);
    tg_buf_free(&text);
    if (format == 2) {
        json_t *doc = json_object();
        json_object_set_new(doc, "rows", r.rows);
        char *s = json_dumps(doc, JSON_INDENT(2));
        json_decref(doc);
        tg_buf_adds(b, s ? s : "");
        tg_buf_adds(b, "\n");
        free(s);
        resp->content_type = "application/json";
        web_resp_header(resp, "Content-Disposition", "attachment; filename=\"testigo-lista.json\"");
    } else {
        json_decref(r.rows);
    }
    if (format == 1) {
        resp->content_type = "text/csv; charset=utf-8";
        web_resp_header(resp, "Content-Disposition", "attachment; filename=\"testigo-lista.csv\"");
    }
    if (format == 0) {
        html_raw(b, "</tbody></table>\n<p class=\"summary\">");
        char sum[256];
        web_msg_fmt(sum, sizeof sum, q->lang, M_BATCH_SUMMARY, "%u", (unsigned)stats.rows);
        html_esc(b, sum);
        html_raw(b, " ");
        web_msg_fmt(sum, sizeof sum, q->lang, M_BATCH_SUMMARY_FOUND, "%u", (unsigned)stats.found);
        html_esc(b, sum);
        html_raw(b, "</p>\n</main>\n");
        render_page_end(b, q);
        resp->content_type = "text/html; charset=utf-8";
    }
    if (b->len >= WEB_BODY_MAX - 1) {
        tg_buf_reset(b);
        resp->content_type = "text/html; charset=utf-8";
        render_error(b, q, 500, M(M_ERR_SERVER));
        return 500;
    }
    return 200;
}
