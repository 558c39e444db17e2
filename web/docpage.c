/* What the archive knows of one document, on its page and in its JSON (see
 * docpage.h): the persons it names, as the text writes them (accents and
 * capitals kept: the record's display name, never the folded key), the
 * identity numbers, the dates it mentions and its sidecar fields (witness,
 * place, collection, tags), each a link to the search for it; a person
 * links to its page (personpage.c), which links to its search.
 *
 * Reads only the record the public handle gave (restricted and embargoed
 * documents never get here); every value is escaped as it is written.  The
 * record caps each list (TG_MAX_RECORD_*), so a page's size is bounded. */
#define _POSIX_C_SOURCE 200809L
#include "docpage.h"

#include <stdio.h>
#include <string.h>

#include "html.h"
#include "i18n.h"
#include "record.h"
#include "render.h"
#include "util.h"

#define M(m) web_msg(q->lang, (m))

/* The sidecar fields shown, their query field and label. */
static const struct {
    const char *key, *field;
    web_msg_t label;
} sidecar_fields[] = {
    {"witness", "witness", M_F_WITNESS},
    {"place", "place", M_F_PLACE},
    {"collection", "collection", M_F_COLLECTION},
    {"tags", "tag", M_F_TAGS},
};

void web_field_query(tg_buf_t *out, const char *field, const char *value)
{
    tg_buf_adds(out, field);
    tg_buf_addc(out, ':');
    int plain = *value != '\0';
    for (const char *p = value; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              *p == '-' || *p == '.'))
            plain = 0;
    if (plain) {
        tg_buf_adds(out, value);
        return;
    }
    /* a phrase: a quote inside would end it, so quotes become spaces (the
     * fields fold values to their words anyway) */
    tg_buf_addc(out, '"');
    for (const char *p = value; *p; p++)
        tg_buf_addc(out, *p == '"' ? ' ' : *p);
    tg_buf_addc(out, '"');
}

/* The URL of the search for field:value, keeping the page's language. */
static void field_url(tg_buf_t *u, const web_req_t *q, const char *field, const char *value)
{
    tg_buf_t qs;
    tg_buf_init(&qs, WEB_MAX_QUERY + 64);
    web_field_query(&qs, field, value);
    web_search_t s = {.q = tg_buf_str(&qs), .n = WEB_DEFAULT_PAGE_SIZE, .page = 1};
    web_search_url(u, q, &s, "/search");
    tg_buf_free(&qs);
}

/* <a href="search for field:value" title="Buscar ...">value</a> */
static void field_link(tg_buf_t *b, const web_req_t *q, const char *field, const char *value,
                       const char *cls)
{
    tg_buf_t u;
    tg_buf_init(&u, WEB_BODY_MAX);
    field_url(&u, q, field, value);
    html_raw(b, "<a");
    if (cls) {
        html_raw(b, " class=\"");
        html_esc(b, cls);
        html_raw(b, "\"");
    }
    html_raw(b, " href=\"");
    html_esc(b, tg_buf_str(&u));
    html_raw(b, "\" title=\"");
    char t[512];
    web_msg_fmt(t, sizeof t, q->lang, M_SEARCH_FOR, "%s", value);
    html_name_text(b, t);
    html_raw(b, "\">");
    html_name(b, value);
    html_raw(b, "</a>");
    tg_buf_free(&u);
}

static void section_start(tg_buf_t *b, const web_req_t *q, const char *name, web_msg_t title,
                          size_t n)
{
    html_raw(b, "<section class=\"known-");
    html_esc(b, name);
    html_raw(b, "\" data-section=\"");
    html_esc(b, name);
    html_raw(b, "\"><h3>");
    html_esc(b, M(title));
    html_escf(b, " (%zu)", n);
    html_raw(b, "</h3>\n<ul>\n");
}

static void persons(tg_buf_t *b, const web_req_t *q, const tg_record_t *rec)
{
    size_t n = 0, np = tg_record_n_persons(rec);
    tg_person_t p;
    for (size_t i = 0; i < np; i++)
        n += tg_record_person(rec, i, &p) && p.name;
    if (!n)
        return;
    section_start(b, q, "persons", M_DOC_PERSONS, n);
    for (size_t i = 0; i < np; i++) {
        if (!tg_record_person(rec, i, &p) || !p.name)
            continue;
        /* the name to the person's page (personpage.c) */
        html_raw(b, "<li><a class=\"person\" href=\"");
        render_person_href(b, q, p.key ? p.key : p.name);
        html_raw(b, "\">");
        html_name(b, p.name);
        html_raw(b, "</a>");
        for (size_t k = 0; k < p.nids; k++) {
            const char *id = tg_record_person_id(rec, i, k);
            if (!id)
                continue;
            html_raw(b, " ");
            field_link(b, q, "id", id, "idnum");
        }
        if (p.count > 1) {
            char m[64];
            web_msg_fmt(m, sizeof m, q->lang, M_DOC_MENTIONED, "%lld", (long long)p.count);
            html_raw(b, " <span class=\"n\">");
            html_esc(b, m);
            html_raw(b, "</span>");
        }
        html_raw(b, "</li>\n");
    }
    html_raw(b, "</ul></section>\n");
}

/* A list of the record's strings, each a link to field:value. */
static void values(tg_buf_t *b, const web_req_t *q, const char *name, web_msg_t title,
                   const char *field, const tg_record_t *rec, tg_list_t list)
{
    size_t n = 0, nl = tg_record_n(rec, list);
    for (size_t i = 0; i < nl; i++) {
        const char *v = tg_record_nth(rec, list, i);
        n += v && *v;
    }
    if (!n)
        return;
    section_start(b, q, name, title, n);
    for (size_t i = 0; i < nl; i++) {
        const char *v = tg_record_nth(rec, list, i);
        if (!v || !*v)
            continue;
        html_raw(b, "<li>");
        field_link(b, q, field, v, NULL);
        html_raw(b, "</li>\n");
    }
    html_raw(b, "</ul></section>\n");
}

/* A merged sidecar field's values: one string, or a list of strings. */
static size_t sidecar_n(const tg_record_t *rec, const char *key)
{
    return tg_record_get_sidecar(rec, key) ? 1 : tg_record_n_sidecar(rec, key);
}

/* Value i of the field, NULL when it is not a string or is empty. */
static const char *sidecar_nth(const tg_record_t *rec, const char *key, size_t i)
{
    const char *v = tg_record_get_sidecar(rec, key);
    if (!v)
        v = tg_record_nth_sidecar(rec, key, i);
    return v && *v ? v : NULL;
}

static size_t sidecar_count(const tg_record_t *rec, const char *key)
{
    size_t n = 0, nv = sidecar_n(rec, key);
    for (size_t i = 0; i < nv; i++)
        n += sidecar_nth(rec, key, i) != NULL;
    return n;
}

static void sidecar(tg_buf_t *b, const web_req_t *q, const tg_record_t *rec)
{
    size_t n = 0;
    for (size_t f = 0; f < TG_ARRAY_LEN(sidecar_fields); f++)
        n += sidecar_count(rec, sidecar_fields[f].key) > 0;
    if (!n)
        return;
    html_raw(b, "<section class=\"known-sidecar\" data-section=\"sidecar\"><h3>");
    html_esc(b, M(M_DOC_SIDECAR));
    html_raw(b, "</h3>\n<dl class=\"fields\">\n");
    for (size_t f = 0; f < TG_ARRAY_LEN(sidecar_fields); f++) {
        const char *key = sidecar_fields[f].key;
        if (!sidecar_count(rec, key))
            continue;
        html_raw(b, "<dt>");
        html_esc(b, M(sidecar_fields[f].label));
        html_raw(b, "</dt><dd data-field=\"");
        html_esc(b, sidecar_fields[f].field);
        html_raw(b, "\">");
        int first = 1;
        size_t nv = sidecar_n(rec, key);
        for (size_t i = 0; i < nv; i++) {
            const char *v = sidecar_nth(rec, key, i);
            if (!v)
                continue;
            if (!first)
                html_raw(b, ", ");
            first = 0;
            field_link(b, q, sidecar_fields[f].field, v, NULL);
        }
        html_raw(b, "</dd>\n");
    }
    html_raw(b, "</dl></section>\n");
}

void render_doc_known(tg_buf_t *b, const web_req_t *q, const tg_record_t *rec)
{
    size_t n_sc = 0;
    for (size_t f = 0; f < TG_ARRAY_LEN(sidecar_fields); f++)
        n_sc += sidecar_count(rec, sidecar_fields[f].key);
    if (!tg_record_n_persons(rec) && !tg_record_n(rec, TG_LIST_IDS) &&
        !tg_record_n(rec, TG_LIST_MENTIONS) && !n_sc)
        return;
    html_raw(b, "<section class=\"known\"><h2>");
    html_esc(b, M(M_DOC_KNOWN));
    html_raw(b, "</h2>\n");
    persons(b, q, rec);
    values(b, q, "ids", M_DOC_IDS, "id", rec, TG_LIST_IDS);
    values(b, q, "mentions", M_DOC_MENTIONS, "mentions", rec, TG_LIST_MENTIONS);
    sidecar(b, q, rec);
    html_raw(b, "</section>\n");
}

/* {"value", "query", "url"} for field:value. */
static json_t *search_entry(const web_req_t *q, const char *field, const char *value)
{
    tg_buf_t qs, u;
    tg_buf_init(&qs, WEB_MAX_QUERY + 64);
    tg_buf_init(&u, WEB_BODY_MAX);
    web_field_query(&qs, field, value);
    field_url(&u, q, field, value);
    json_t *o = json_pack("{s:s, s:s, s:s}", "value", value, "query", tg_buf_str(&qs), "url",
                          tg_buf_str(&u));
    tg_buf_free(&qs);
    tg_buf_free(&u);
    return o;
}

/* The record's list as search entries. */
static json_t *search_list(const web_req_t *q, const char *field, const tg_record_t *rec,
                           tg_list_t list)
{
    json_t *out = json_array();
    size_t n = tg_record_n(rec, list);
    for (size_t i = 0; i < n; i++) {
        const char *v = tg_record_nth(rec, list, i);
        if (v && *v)
            json_array_append_new(out, search_entry(q, field, v));
    }
    return out;
}

json_t *web_doc_known_json(const web_req_t *q, const tg_record_t *rec)
{
    json_t *o = json_object();
    json_t *ps = json_array();
    size_t np = tg_record_n_persons(rec);
    for (size_t i = 0; i < np; i++) {
        tg_person_t pr;
        if (!tg_record_person(rec, i, &pr) || !pr.name)
            continue;
        json_t *p = search_entry(q, "person", pr.name);
        json_t *ids = json_array();
        for (size_t k = 0; k < pr.nids; k++) {
            const char *id = tg_record_person_id(rec, i, k);
            if (id && *id)
                json_array_append_new(ids, search_entry(q, "id", id));
        }
        json_object_set_new(p, "ids", ids);
        json_object_set_new(p, "count", json_integer((json_int_t)pr.count));
        json_array_append_new(ps, p);
    }
    json_object_set_new(o, "persons", ps);
    json_object_set_new(o, "ids", search_list(q, "id", rec, TG_LIST_IDS));
    json_object_set_new(o, "mentions", search_list(q, "mentions", rec, TG_LIST_MENTIONS));
    for (size_t f = 0; f < TG_ARRAY_LEN(sidecar_fields); f++) {
        const char *key = sidecar_fields[f].key;
        json_t *vals = json_array();
        size_t nv = sidecar_n(rec, key);
        for (size_t i = 0; i < nv; i++) {
            const char *v = sidecar_nth(rec, key, i);
            if (v)
                json_array_append_new(vals, search_entry(q, sidecar_fields[f].field, v));
        }
        json_object_set_new(o, key, vals);
    }
    const char *ds = tg_record_get_date_source(rec);
    json_object_set_new(o, "date_source",
                        ds ? json_string(web_date_source(q->lang, ds)) : json_null());
    const char *ts = tg_record_get_title_source(rec);
    json_object_set_new(o, "title_source",
                        ts ? json_string(web_title_source(q->lang, ts)) : json_null());
    return o;
}
