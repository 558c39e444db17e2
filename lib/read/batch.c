/* A list of persons searched at once (see batch.h): reads the list, one row
 * each (a name, a cédula, or both, in any column order; a header row is
 * recognised and skipped), searches each as person:"NAME" OR
 * person:CEDULA (every form of the person, docs/persons.md), and writes a
 * report: per row, the persons matched, the number of documents, the
 * first and last dates they mention (their document dates when they
 * mention none), and the documents (SHA-256, location, date, snippet),
 * oldest first.  A row that found nothing is reported as such.
 *
 * The list is given whole (decoded to UTF-8 as spreadsheets save it) and
 * each row searched in turn: the cost is one search and one person
 * look-up per row.  The library's: testigo-search --batch and the web's
 * batch form (web/batchpage.c) both report with it. */
#define _POSIX_C_SOURCE 200809L
#include "batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "idnum.h"
#include "text.h"
#include "util.h"

/* The query of a row: its name and its number, either may be "". */
static void row_query(tg_buf_t *q, const char *name, const char *id)
{
    tg_buf_reset(q);
    if (*name) {
        tg_buf_adds(q, "person:\"");
        for (const char *c = name; *c; c++)
            if (*c != '"')
                tg_buf_addc(q, *c);
        tg_buf_adds(q, "\"");
    }
    if (*id) {
        if (*name)
            tg_buf_adds(q, " OR ");
        tg_buf_adds(q, "person:");
        tg_buf_adds(q, id);
    }
}

static int is_header_word(const char *s)
{
    static const char *const words[] = {"name",    "nombre", "nombres", "cedula",
                                        "cédula",  "id",     "ci",      "c.i.",
                                        "persona", "person", "idnum",   "documento"};
    for (size_t i = 0; i < TG_ARRAY_LEN(words); i++)
        if (!strcasecmp(s, words[i]))
            return 1;
    return 0;
}

/* The earliest and latest date a result mentions (else its date) into
 * first and last ("" when none yet). */
static void widen(const json_t *hit, char first[16], char last[16])
{
    const json_t *m = json_object_get(hit, "mentions");
    size_t i;
    json_t *v;
    int any = 0;
    json_array_foreach(m, i, v)
    {
        const char *d = json_string_value(v);
        if (!d)
            continue;
        any = 1;
        if (!*first || strcmp(d, first) < 0)
            snprintf(first, 16, "%s", d);
        if (!*last || strcmp(d, last) > 0)
            snprintf(last, 16, "%s", d);
    }
    const char *d = json_string_value(json_object_get(hit, "date"));
    if (!any && d) {
        char day[16];
        snprintf(day, sizeof day, "%.10s", d);
        if (!*first || strcmp(day, first) < 0)
            snprintf(first, 16, "%s", day);
        if (!*last || strcmp(day, last) > 0)
            snprintf(last, 16, "%s", day);
    }
}

static const char *str_or(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* The report of one row as JSON. */
typedef struct {
    tg_batch_msg_fn msg;
    void *ctx;
    unsigned long failed;
} say_t;

static void say(say_t *s, unsigned long line, const char *m)
{
    s->failed++;
    if (s->msg)
        s->msg(s->ctx, line, m);
}

static json_t *report_row(tg_archive_t *a, tg_qparser_t *qp, unsigned long line, const char *name,
                          const char *id, const tg_batch_opts_t *opts, tg_buf_t *q, say_t *sy)
{
    json_t *o = json_object();
    json_object_set_new(o, "line", json_integer((json_int_t)line));
    json_object_set_new(o, "name", json_string(name));
    json_object_set_new(o, "cedula", json_string(id));
    char err[1024];
    json_t *persons = NULL;
    if (tg_search_person_find(a, name, id, opts->hide_restricted, &persons, err, sizeof err)) {
        say(sy, line, err);
        persons = json_array();
    }
    /* the keys are the library's business, not the report's */
    size_t pi;
    json_t *pv;
    json_array_foreach(persons, pi, pv) json_object_del(pv, "keys");
    json_object_set_new(o, "persons", persons);
    row_query(q, name, id);
    tg_search_req_t req = {.limit = opts->max_docs,
                           .sort = TG_SORT_DATE,
                           .hide_restricted = opts->hide_restricted,
                           .time_limit = opts->time_limit};
    tg_results_t r;
    tg_status_t st = tg_search_run(a, qp, tg_buf_str(q), &req, &r, err, sizeof err);
    json_t *docs = json_array();
    char first[16] = "", last[16] = "";
    unsigned total = 0;
    if (st == TG_ERR_QUERY) {
        json_object_set_new(o, "error", json_string(err));
    } else if (st) {
        say(sy, line, err);
    } else {
        total = r.total;
        for (size_t i = 0; i < r.n; i++) {
            json_t *h = tg_hit_json(&r.hits[i]);
            widen(h, first, last);
            json_t *d = json_object();
            json_object_set(d, "sha256", json_object_get(h, "sha256"));
            json_object_set_new(
                d, "location",
                json_string(
                    json_string_value(json_array_get(json_object_get(h, "locations"), 0))
                        ? json_string_value(json_array_get(json_object_get(h, "locations"), 0))
                        : ""));
            json_object_set(d, "date", json_object_get(h, "date"));
            json_object_set(d, "snippet", json_object_get(h, "snippet"));
            json_array_append_new(docs, d);
            json_decref(h);
        }
        tg_results_free(&r);
    }
    json_object_set_new(o, "found", json_boolean(total > 0));
    json_object_set_new(o, "documents", json_integer(total));
    json_object_set_new(o, "first_date", *first ? json_string(first) : json_null());
    json_object_set_new(o, "last_date", *last ? json_string(last) : json_null());
    json_object_set_new(o, "results", docs);
    return o;
}

/* Writes row o as CSV lines: one per document, or one saying nothing was
 * found. */
void tg_batch_csv_header(tg_buf_t *b)
{
    const char *h[] = {"line",       "name",      "cedula", "status",   "persons", "documents",
                       "first_date", "last_date", "sha256", "location", "date",    "snippet"};
    for (size_t k = 0; k < TG_ARRAY_LEN(h); k++)
        tg_csv_put(b, h[k], k == 0, ',');
    tg_csv_end(b);
}

void tg_batch_csv_row(const json_t *o, tg_buf_t *b)
{
    json_t *persons = json_object_get(o, "persons"), *p;
    tg_buf_t names;
    tg_buf_init(&names, 1 << 16);
    size_t i;
    json_array_foreach(persons, i, p)
    {
        if (i)
            tg_buf_adds(&names, "; ");
        tg_buf_adds(&names, str_or(p, "name"));
        json_t *ids = json_object_get(p, "ids"), *v;
        size_t k;
        json_array_foreach(ids, k, v)
        {
            tg_buf_adds(&names, k ? ", " : " (");
            tg_buf_adds(&names, json_string_value(v));
        }
        if (json_array_size(ids))
            tg_buf_adds(&names, ")");
    }
    char line[32], n[32];
    snprintf(line, sizeof line, "%lld", (long long)tg_rec_int(o, "line", 0));
    snprintf(n, sizeof n, "%lld", (long long)tg_rec_int(o, "documents", 0));
    json_t *docs = json_object_get(o, "results");
    size_t nd = json_array_size(docs);
    for (size_t k = 0; k < (nd ? nd : 1); k++) {
        json_t *d = nd ? json_array_get(docs, k) : NULL;
        const char *f[] = {line,
                           str_or(o, "name"),
                           str_or(o, "cedula"),
                           nd ? "found" : (json_object_get(o, "error") ? "error" : "not found"),
                           tg_buf_str(&names),
                           n,
                           str_or(o, "first_date"),
                           str_or(o, "last_date"),
                           d ? str_or(d, "sha256") : "",
                           d ? str_or(d, "location") : "",
                           d ? str_or(d, "date") : "",
                           d ? str_or(d, "snippet") : ""};
        for (size_t c = 0; c < TG_ARRAY_LEN(f); c++)
            tg_csv_put(b, f[c], c == 0, ',');
        tg_csv_end(b);
    }
    tg_buf_free(&names);
}

tg_status_t tg_batch_run(tg_archive_t *a, tg_qparser_t *qp, const char *data, size_t len,
                         const tg_batch_opts_t *opts, tg_batch_row_fn row, tg_batch_msg_fn msg,
                         void *ctx, tg_batch_stats_t *stats)
{
    tg_batch_opts_t o = *opts;
    if (!o.max_docs || o.max_docs > TG_BATCH_MAX_DOCS)
        o.max_docs = TG_BATCH_MAX_DOCS;
    if (!o.max_rows || o.max_rows > TG_BATCH_MAX_ROWS)
        o.max_rows = TG_BATCH_MAX_ROWS;
    memset(stats, 0, sizeof *stats);
    if (len > TG_BATCH_MAX_BYTES)
        return TG_ERR_LIMIT;
    tg_buf_t text, q;
    tg_buf_init(&text, TG_BATCH_MAX_BYTES * 2);
    tg_decode_info_t info;
    tg_text_decode(data ? data : "", len, &text, &info);
    tg_csv_opts_t co = {.delim = tg_csv_sniff(text.data ? text.data : "", text.len)};
    tg_csv_t *c = tg_csv_new(text.data ? text.data : "", text.len, &co);
    tg_buf_init(&q, 1 << 16);
    say_t sy = {msg, ctx, 0};
    tg_status_t ret = TG_OK;
    char **fields;
    size_t n;
    unsigned long line;
    char err[512];
    for (;;) {
        tg_status_t st = tg_csv_next(c, &fields, &n, &line, err, sizeof err);
        if (st == TG_ERR_NOTFOUND)
            break;
        if (st) {
            say(&sy, line, err);
            continue;
        }
        if (stats->rows == 0 && n > 0 && is_header_word(fields[0]))
            continue;
        /* a cédula and a name, in whatever columns */
        const char *name = "", *id = "";
        for (size_t k = 0; k < n; k++) {
            tg_idnum_t v;
            const char *s = fields[k];
            while (*s == ' ')
                s++;
            if (!*s)
                continue;
            if (!*id && !tg_idnum_parse(s, strlen(s), &v) &&
                strlen(v.digits) >= TG_IDNUM_MIN_DIGITS)
                id = s;
            else if (!*name)
                name = s;
        }
        if (!*name && !*id)
            continue;
        if (stats->rows >= o.max_rows) {
            ret = TG_ERR_LIMIT; /* the rest is left out */
            break;
        }
        stats->rows++;
        if (!a)
            continue; /* counting */
        json_t *r = report_row(a, qp, line, name, id, &o, &q, &sy);
        if (json_is_true(json_object_get(r, "found")))
            stats->found++;
        if (row)
            row(ctx, r);
        json_decref(r);
    }
    stats->errors = sy.failed;
    tg_csv_free(c);
    tg_buf_free(&text);
    tg_buf_free(&q);
    return ret;
}

unsigned long tg_batch_count(const char *data, size_t len, unsigned long max)
{
    if (!max || max > TG_BATCH_MAX_ROWS)
        max = TG_BATCH_MAX_ROWS;
    tg_batch_opts_t o = {.max_rows = max};
    tg_batch_stats_t stats;
    tg_status_t st = tg_batch_run(NULL, NULL, data, len, &o, NULL, NULL, NULL, &stats);
    return st == TG_ERR_LIMIT ? (len > TG_BATCH_MAX_BYTES ? max + 1 : stats.rows + 1) : stats.rows;
}
