/* Persons on the web (docs/web.md, "Persons"): a page per person of the
 * archive (/person?name=NAME, any form of the name or a cédula), the
 * persons facet of a results page, and the link to a person's page that
 * a document page's persons carry (docpage.c).
 *
 * Everything here goes through the server's public handle
 * (tg_archive_open_public): the person is looked up among the persons of
 * the documents a visitor may see, its documents are a search that leaves
 * out restricted and embargoed ones, and the dates and the persons named
 * with it come from those documents only.  A person only hidden documents
 * name is not found, and its page is the very 404 of a person nobody
 * names.
 *
 * A page reads at most PERSON_DOCS documents' texts (each at most
 * WEB_TEXT_SHOWN bytes) for its dates. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "html.h"
#include "i18n.h"
#include "names.h"
#include "personevents.h"
#include "render.h"
#include "web.h"

#define M(m) web_msg(q->lang, (m))

/* Documents a person page lists (and reads the dates of). */
#define PERSON_DOCS 50
/* Persons named with the person, at most. */
#define PERSON_WITH 20
/* Dates on the timeline, at most. */
#define PERSON_EVENTS 500

/* The link to the page of the person whose key (or name) is key. */
void render_person_href(tg_buf_t *b, const web_req_t *q, const char *key)
{
    html_raw(b, "/person?name=");
    tg_buf_t u;
    tg_buf_init(&u, WEB_MAX_QUERY * 4 + 64);
    url_esc(&u, key);
    html_esc(b, tg_buf_str(&u));
    tg_buf_free(&u);
    if (q->lang_explicit) {
        html_raw(b, "&amp;hl=");
        html_esc(b, web_lang_code(q->lang));
    }
}

static void person_link(tg_buf_t *b, const web_req_t *q, const char *key, const char *name)
{
    html_raw(b, "<a class=\"person\" href=\"");
    render_person_href(b, q, key);
    html_raw(b, "\">");
    html_name(b, name);
    html_raw(b, "</a>");
}

void render_person_facet(tg_buf_t *b, const web_req_t *q, const json_t *persons)
{
    if (!json_array_size(persons))
        return;
    html_raw(b, "<section class=\"facet\" data-facet=\"person\"><h2>");
    html_esc(b, M(M_FACET_PERSON));
    html_raw(b, "</h2><ul>\n");
    size_t i;
    json_t *p;
    json_array_foreach(persons, i, p)
    {
        const char *name = json_string_value(json_object_get(p, "name"));
        const char *key = json_string_value(json_object_get(p, "key"));
        if (!name || !key || !*key)
            continue;
        html_raw(b, "<li><a class=\"person\" href=\"");
        render_person_href(b, q, key);
        html_raw(b, "\"><span class=\"v\">");
        html_name(b, name);
        html_raw(b, "</span> <span class=\"n\">");
        html_escf(b, "%lld", (long long)json_integer_value(json_object_get(p, "documents")));
        html_raw(b, "</span></a></li>\n");
    }
    html_raw(b, "</ul></section>\n");
}

/* ==== The page ============================================================== */

typedef struct {
    char date[16];
    tg_event_kind_t kind;
    size_t hit; /* the document, in the results */
} entry_t;

typedef struct {
    entry_t *v;
    size_t n;
    size_t hit;
} events_t;

static int on_event(void *ctx, const tg_event_t *ev)
{
    events_t *e = ctx;
    if (e->n >= PERSON_EVENTS)
        return 1;
    entry_t x = {.kind = ev->kind, .hit = e->hit};
    tg_date_format(&ev->date, x.date, sizeof x.date);
    for (size_t i = 0; i < e->n; i++)
        if (e->v[i].hit == x.hit && e->v[i].kind == x.kind && !strcmp(e->v[i].date, x.date))
            return 0;
    e->v[e->n++] = x;
    return 0;
}

static int by_date(const void *x, const void *y)
{
    const entry_t *a = x, *b = y;
    int c = strcmp(a->date, b->date);
    if (c)
        return c;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    return a->hit < b->hit ? -1 : a->hit > b->hit;
}

static web_msg_t event_msg(tg_event_kind_t k)
{
    switch (k) {
    case TG_EVENT_DETENTION:
        return M_EVENT_DETENTION;
    case TG_EVENT_TRANSFER:
        return M_EVENT_TRANSFER;
    case TG_EVENT_HEARING:
        return M_EVENT_HEARING;
    case TG_EVENT_RELEASE:
        return M_EVENT_RELEASE;
    default:
        return M_EVENT_MENTIONED;
    }
}

/* The dates near the person's name in the documents r lists: its keys and
 * the keys of the forms it is written in (a shorter form, "Rondón Pérez",
 * names it in a document that names it). */
static void timeline(tg_buf_t *b, const web_req_t *q, const web_search_t *s, const tg_results_t *r,
                     const json_t *person)
{
    const char *kv[TG_EVENT_MAX_KEYS];
    size_t nk = 0;
    size_t i;
    json_t *k;
    json_array_foreach(json_object_get(person, "keys"), i, k)
    {
        if (json_is_string(k) && nk < TG_ARRAY_LEN(kv))
            kv[nk++] = json_string_value(k);
    }
    tg_buf_t fk[TG_EVENT_MAX_KEYS];
    size_t nf = 0;
    json_array_foreach(json_object_get(person, "variants"), i, k)
    {
        const char *v = json_string_value(k);
        if (!v || nk >= TG_ARRAY_LEN(kv))
            continue;
        tg_buf_init(&fk[nf], 4096);
        if (tg_name_key(v, strlen(v), &fk[nf]) >= 2)
            kv[nk++] = tg_buf_str(&fk[nf]);
        nf++;
    }
    events_t e = {tg_xcalloc(PERSON_EVENTS, sizeof *e.v), 0, 0};
    tg_buf_t text;
    for (size_t h = 0; h < r->n && e.n < PERSON_EVENTS; h++) {
        const tg_record_t *rec = r->hits[h].rec;
        tg_buf_init(&text, WEB_TEXT_SHOWN);
        tg_archive_text(q->archive, rec, &text); /* what was read, if cut */
        const char *d = tg_record_get_date(rec);
        int year = d ? atoi(d) : 0;
        const char *lang = tg_record_get_lang(rec);
        e.hit = h;
        tg_person_events(tg_buf_str(&text), text.len, kv, nk, lang ? lang : "und", year, on_event,
                         &e);
        tg_buf_free(&text);
    }
    qsort(e.v, e.n, sizeof *e.v, by_date);
    html_raw(b, "<section class=\"person-timeline\"><h2>");
    html_esc(b, M(M_PERSON_TIMELINE));
    html_raw(b, "</h2>\n");
    if (!e.n) {
        html_raw(b, "<p class=\"none\">");
        html_esc(b, M(M_PERSON_TIMELINE_NONE));
        html_raw(b, "</p>\n");
    } else {
        html_raw(b, "<ol class=\"events\">\n");
    }
    for (size_t j = 0; j < e.n; j++) {
        const tg_hit_t *h = &r->hits[e.v[j].hit];
        const char *sha = tg_record_get_sha256(h->rec);
        html_raw(b, "<li data-event=\"");
        html_esc(b, tg_event_name(e.v[j].kind));
        html_raw(b, "\"><time datetime=\"");
        html_esc(b, e.v[j].date);
        html_raw(b, "\">");
        html_esc(b, e.v[j].date);
        html_raw(b, "</time> <span class=\"event\">");
        html_esc(b, M(event_msg(e.v[j].kind)));
        html_raw(b, "</span>");
        if (sha && tg_sha256_valid(sha)) {
            html_raw(b, " · <a href=\"/doc/");
            html_esc(b, sha);
            html_raw(b, "?q=");
            tg_buf_t u;
            tg_buf_init(&u, WEB_MAX_QUERY * 4 + 64);
            url_esc(&u, s->q);
            html_esc(b, tg_buf_str(&u));
            tg_buf_free(&u);
            html_raw(b, "\">");
            html_name(b, h->title && *h->title ? h->title : sha);
            html_raw(b, "</a>");
        }
        html_raw(b, "</li>\n");
    }
    if (e.n)
        html_raw(b, "</ol>\n");
    html_raw(b, "</section>\n");
    free(e.v);
    for (size_t j = 0; j < nf; j++)
        tg_buf_free(&fk[j]);
}

/* The persons the person's documents name too. */
static void named_with(tg_buf_t *b, const web_req_t *q, const json_t *list, const char *key)
{
    json_t *persons = json_object_get(list, "persons");
    size_t i, shown = 0;
    json_t *p;
    json_array_foreach(persons, i, p)
    {
        const char *k = json_string_value(json_object_get(p, "key"));
        const char *name = json_string_value(json_object_get(p, "name"));
        if (!k || !name || !strcmp(k, key))
            continue;
        if (!shown++) {
            html_raw(b, "<section class=\"person-with\"><h2>");
            html_esc(b, M(M_PERSON_WITH));
            html_raw(b, "</h2>\n<ul>\n");
        }
        html_raw(b, "<li>");
        person_link(b, q, k, name);
        html_raw(b, " <span class=\"n\">");
        html_escf(b, "%lld", (long long)json_integer_value(json_object_get(p, "documents")));
        html_raw(b, "</span></li>\n");
    }
    if (shown)
        html_raw(b, "</ul></section>\n");
}

static void string_list(tg_buf_t *b, const web_req_t *q, web_msg_t title, const char *cls,
                        const json_t *arr)
{
    if (!json_array_size(arr))
        return;
    html_raw(b, "<dt>");
    html_esc(b, M(title));
    html_raw(b, "</dt><dd><ul class=\"");
    html_esc(b, cls);
    html_raw(b, "\">");
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (!json_is_string(v))
            continue;
        html_raw(b, "<li>");
        html_name(b, json_string_value(v));
        html_raw(b, "</li>");
    }
    html_raw(b, "</ul></dd>\n");
}

static int not_found(web_req_t *q, web_resp_t *resp)
{
    /* the 404 of every unknown address (routes.c: route_not_found) */
    resp->content_type = "text/html; charset=utf-8";
    tg_buf_reset(&resp->body);
    render_error(&resp->body, q, 404, M(M_ERR_NOT_FOUND));
    return 404;
}

static int server_error(web_req_t *q, web_resp_t *resp)
{
    fprintf(stderr, "testigo-web: %s: %s\n", q->path, tg_archive_error(q->archive));
    resp->content_type = "text/html; charset=utf-8";
    tg_buf_reset(&resp->body);
    render_error(&resp->body, q, 500, M(M_ERR_SERVER));
    return 500;
}

int web_route_person(web_req_t *q, web_resp_t *resp)
{
    const char *name = web_arg(q, "name");
    if (strcmp(q->path, "/person") || !name || !*name || strlen(name) > WEB_MAX_QUERY)
        return not_found(q, resp);
    char err[512];
    json_t *found = NULL;
    /* a name in any of its forms, or a cédula */
    tg_status_t st = tg_search_person_find(q->archive, name, name, 1, &found, err, sizeof err);
    if (st)
        return server_error(q, resp);
    const json_t *p = json_array_get(found, 0);
    const char *key = p ? json_string_value(json_object_get(p, "key")) : NULL;
    const char *shown = p ? json_string_value(json_object_get(p, "name")) : NULL;
    if (!key || !*key || !shown) {
        json_decref(found);
        return not_found(q, resp);
    }
    /* its documents: person: with every form of it, restricted ones left
     * out by the handle */
    tg_buf_t query;
    tg_buf_init(&query, WEB_MAX_QUERY * 2);
    tg_buf_addf(&query, "person:\"%s\"", key);
    web_search_t s = {.q = tg_buf_str(&query), .sort = TG_SORT_DATE, .page = 1, .n = PERSON_DOCS};
    tg_search_req_t req = {
        .limit = PERSON_DOCS,
        .sort = TG_SORT_DATE,
        .time_limit = q->cfg->time_limit,
        .hide_restricted = 1,
        .parse = {WEB_MAX_QUERY * 2, WEB_MAX_WILDCARD, WEB_MAX_CLAUSES},
    };
    tg_results_t r;
    st = tg_search_run(q->archive, q->qp, s.q, &req, &r, err, sizeof err);
    json_t *with = NULL;
    if (!st)
        st = tg_search_persons(q->archive, q->qp, s.q, &req, PERSON_WITH + 1, &with, err,
                               sizeof err);
    if (st) {
        tg_results_free(&r); /* zeroed when the search failed */
        json_decref(found);
        tg_buf_free(&query);
        return server_error(q, resp);
    }
    if (r.total == 0) {
        /* found, but no document the handle shows names it (a race with
         * the indexer): as unknown */
        tg_results_free(&r);
        json_decref(with);
        json_decref(found);
        tg_buf_free(&query);
        return not_found(q, resp);
    }

    tg_buf_t *b = &resp->body;
    render_page_start(b, q, shown, "person", NULL);
    html_raw(b, "<main id=\"main\" class=\"person\">\n<h1>");
    html_name(b, shown);
    html_raw(b, "</h1>\n<dl class=\"fields\">\n");
    string_list(b, q, M_PERSON_VARIANTS, "variants", json_object_get(p, "variants"));
    string_list(b, q, M_PERSON_IDS, "ids", json_object_get(p, "ids"));
    html_raw(b, "</dl>\n<p class=\"actions\"><a href=\"/search?q=");
    tg_buf_t u;
    tg_buf_init(&u, WEB_MAX_QUERY * 4 + 64);
    url_esc(&u, s.q);
    html_esc(b, tg_buf_str(&u));
    tg_buf_free(&u);
    if (q->lang_explicit) {
        html_raw(b, "&amp;hl=");
        html_esc(b, web_lang_code(q->lang));
    }
    html_raw(b, "\">");
    html_esc(b, M(M_PERSON_SEARCH));
    html_raw(b, "</a></p>\n");
    timeline(b, q, &s, &r, p);
    named_with(b, q, with, key);
    html_raw(b, "<section class=\"person-docs\"><h2>");
    char msg[128];
    web_msg_fmt(msg, sizeof msg, q->lang, M_PERSON_DOCS, "%u", r.total);
    html_esc(b, msg);
    html_raw(b, "</h2>\n<ol class=\"results\">\n");
    for (size_t i = 0; i < r.n; i++)
        render_hit(b, q, &s, &r.hits[i]);
    html_raw(b, "</ol></section>\n</main>\n");
    render_page_end(b, q);
    tg_results_free(&r);
    json_decref(with);
    json_decref(found);
    tg_buf_free(&query);
    resp->content_type = "text/html; charset=utf-8";
    if (resp->body.len >= WEB_BODY_MAX - 1) {
        tg_buf_reset(&resp->body);
        render_error(&resp->body, q, 500, M(M_ERR_SERVER));
        return 500;
    }
    return 200;
}
