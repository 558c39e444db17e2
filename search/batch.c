/* testigo-search --batch (see batch.h): reads a list of persons, one row
 * each (a name, a cédula, or both, in any column order; a header row is
 * recognised and skipped), searches each as person:"NAME" OR
 * person:CEDULA (every form of the person, docs/persons.md), and writes a
 * report: per row, the persons matched, the number of documents, the
 * first and last dates they mention (their document dates when they
 * mention none), and the documents (SHA-256, location, date, snippet),
 * oldest first.  A row that found nothing is reported as such.
 *
 * The list is read whole (at most TG_BATCH_MAX_BYTES, decoded to UTF-8 as
 * spreadsheets save it) and each row searched in turn: the cost is one
 * search and one person look-up per row. */
#define _POSIX_C_SOURCE 200809L
#include "batch.h"

#include <errno.h>
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
static json_t *report_row(tg_archive_t *a, tg_qparser_t *qp, unsigned long line, const char *name,
                          const char *id, unsigned max_docs, tg_buf_t *q, int *failed)
{
    json_t *o = json_object();
    json_object_set_new(o, "line", json_integer((json_int_t)line));
    json_object_set_new(o, "name", json_string(name));
    json_object_set_new(o, "cedula", json_string(id));
    char err[1024];
    json_t *persons = NULL;
    if (tg_search_person_find(a, name, id, 0, &persons, err, sizeof err)) {
        fprintf(stderr, "testigo-search: line %lu: %s\n", line, err);
        *failed = 1;
        persons = json_array();
    }
    json_object_set_new(o, "persons", persons);
    row_query(q, name, id);
    tg_search_req_t req = {.limit = max_docs, .sort = TG_SORT_DATE};
    tg_results_t r;
    tg_status_t st = tg_search_run(a, qp, tg_buf_str(q), &req, &r, err, sizeof err);
    json_t *docs = json_array();
    char first[16] = "", last[16] = "";
    unsigned total = 0;
    if (st == TG_ERR_QUERY) {
        json_object_set_new(o, "error", json_string(err));
    } else if (st) {
        fprintf(stderr, "testigo-search: line %lu: %s\n", line, err);
        *failed = 1;
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
static void put_csv(const json_t *o, tg_buf_t *b)
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

int tg_batch_run(tg_archive_t *a, tg_qparser_t *qp, const char *path, int json, unsigned max_docs,
                 FILE *out)
{
    if (!max_docs || max_docs > TG_BATCH_MAX_DOCS)
        max_docs = TG_BATCH_MAX_DOCS;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "testigo-search: %s: %s\n", path, strerror(errno));
        return 2;
    }
    tg_buf_t raw, text, q, b;
    tg_buf_init(&raw, TG_BATCH_MAX_BYTES);
    char chunk[65536];
    size_t got;
    int too_big = 0;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (tg_buf_add(&raw, chunk, got)) {
            too_big = 1;
            break;
        }
    int rerr = ferror(f);
    fclose(f);
    if (too_big || rerr) {
        fprintf(stderr, "testigo-search: %s: %s\n", path,
                too_big ? "the list is too long (16 MB at most)" : "cannot read the list");
        tg_buf_free(&raw);
        return 2;
    }
    tg_buf_init(&text, TG_BATCH_MAX_BYTES * 2);
    tg_decode_info_t info;
    tg_text_decode(raw.data ? raw.data : "", raw.len, &text, &info);
    tg_buf_free(&raw);
    tg_csv_opts_t co = {.delim = tg_csv_sniff(text.data ? text.data : "", text.len)};
    tg_csv_t *c = tg_csv_new(text.data ? text.data : "", text.len, &co);
    tg_buf_init(&q, 1 << 16);
    tg_buf_init(&b, (size_t)-1);
    json_t *rows = json_array();
    int failed = 0, any = 0;
    unsigned long nrows = 0;
    char **fields;
    size_t n;
    unsigned long line;
    char err[512];
    if (!json) {
        const char *h[] = {"line",       "name",      "cedula", "status",   "persons", "documents",
                           "first_date", "last_date", "sha256", "location", "date",    "snippet"};
        for (size_t k = 0; k < TG_ARRAY_LEN(h); k++)
            tg_csv_put(&b, h[k], k == 0, ',');
        tg_csv_end(&b);
    }
    for (;;) {
        tg_status_t st = tg_csv_next(c, &fields, &n, &line, err, sizeof err);
        if (st == TG_ERR_NOTFOUND)
            break;
        if (st) {
            fprintf(stderr, "testigo-search: %s: %s\n", path, err);
            failed = 1;
            continue;
        }
        if (nrows == 0 && n > 0 && is_header_word(fields[0]))
            continue;
        if (++nrows > TG_BATCH_MAX_ROWS) {
            fprintf(stderr, "testigo-search: %s: more than %d rows: the rest is left out\n", path,
                    TG_BATCH_MAX_ROWS);
            failed = 1;
            break;
        }
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
        json_t *o = report_row(a, qp, line, name, id, max_docs, &q, &failed);
        any |= json_is_true(json_object_get(o, "found"));
        if (json)
            json_array_append_new(rows, o);
        else {
            put_csv(o, &b);
            json_decref(o);
            fwrite(b.data, 1, b.len, out);
            tg_buf_reset(&b);
        }
    }
    if (json) {
        json_t *doc = json_object();
        json_object_set_new(doc, "list", json_string(path));
        json_object_set_new(doc, "rows", rows);
        json_dumpf(doc, out, JSON_INDENT(2));
        fputc('\n', out);
        json_decref(doc);
    } else {
        fwrite(b.data ? b.data : "", 1, b.len, out);
        json_decref(rows);
    }
    tg_csv_free(c);
    tg_buf_free(&text);
    tg_buf_free(&q);
    tg_buf_free(&b);
    return failed ? 2 : any ? 0 : 1;
}
