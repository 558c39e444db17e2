/* Export rows (see export.h).  Relies on the record's accessors (record.h) and
 * the CSV writer of csv.c; builds values only from the record and the hit,
 * never from the file system. */
#define _POSIX_C_SOURCE 200809L
#include "export.h"

#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "record.h"
#include "util.h"

const char *const tg_export_columns[] = {
    "sha256",   "title",   "date",    "date_source", "locations", "persons",
    "mentions", "page",    "snippet", "restricted",  "embargo",   "collection",
    "place",    "witness", "tags",    "kind",        "size",      NULL,
};

/* Appends v to the array out unless it is there already. */
static void add_distinct(json_t *out, const char *v)
{
    json_t *d;
    size_t j;
    json_array_foreach(out, j, d) if (!strcmp(json_string_value(d), v)) return;
    json_array_append_new(out, json_string(v));
}

/* The distinct names of the persons the record names. */
static json_t *persons_of(const tg_record_t *rec)
{
    json_t *out = json_array();
    tg_person_t p;
    for (size_t i = 0; i < tg_record_n_persons(rec); i++)
        if (tg_record_person(rec, i, &p) && p.name)
            add_distinct(out, p.name);
    return out;
}

/* The distinct dates the record says the text mentions. */
static json_t *mentions_of(const tg_record_t *rec)
{
    json_t *out = json_array();
    for (size_t i = 0; i < tg_record_n(rec, TG_LIST_MENTIONS); i++) {
        const char *v = tg_record_nth(rec, TG_LIST_MENTIONS, i);
        if (v)
            add_distinct(out, v);
    }
    return out;
}

static json_t *list_of(const json_t *obj, const char *key)
{
    json_t *l = json_object_get(obj, key);
    return json_is_array(l) ? json_deep_copy(l) : json_array();
}

/* Moves from's key (or null) into to. */
static void take(json_t *to, json_t *from, const char *key)
{
    json_t *v = json_object_get(from, key);
    json_object_set(to, key, v ? v : json_null());
}

json_t *tg_export_row(const tg_hit_t *h, const char *bag_path)
{
    /* the fields as every front end publishes them (tg_hit_json), in the
     * export's columns */
    json_t *hit = tg_hit_json(h);
    json_t *o = json_object();
    if (bag_path)
        json_object_set_new(o, "file", json_string(bag_path));
    static const char *const same[] = {"sha256", "title", "date", "date_source", "locations"};
    for (size_t i = 0; i < TG_ARRAY_LEN(same); i++)
        take(o, hit, same[i]);
    int64_t total = tg_record_locations_total(h->rec);
    if (total > (int64_t)json_array_size(json_object_get(o, "locations")))
        json_object_set_new(o, "locations_total", json_integer(total));
    /* one cell each: the distinct names, the dates mentioned as written */
    json_object_set_new(o, "persons", persons_of(h->rec));
    json_object_set_new(o, "mentions", mentions_of(h->rec));
    static const char *const more[] = {"page", "snippet", "restricted", "embargo"};
    for (size_t i = 0; i < TG_ARRAY_LEN(more); i++)
        take(o, hit, more[i]);
    static const char *const sidecar[] = {"collection", "place", "witness", "tags"};
    for (size_t i = 0; i < TG_ARRAY_LEN(sidecar); i++)
        json_object_set_new(o, sidecar[i], list_of(json_object_get(hit, "metadata"), sidecar[i]));
    take(o, hit, "kind");
    take(o, hit, "size");
    json_decref(hit);
    return o;
}

tg_status_t tg_export_csv_header(tg_buf_t *out, int with_file)
{
    tg_status_t st = TG_OK;
    int first = 1;
    if (with_file) {
        st = tg_csv_put(out, "file", 1, ',');
        first = 0;
    }
    for (size_t i = 0; !st && tg_export_columns[i]; i++, first = 0)
        st = tg_csv_put(out, tg_export_columns[i], first, ',');
    return st ? st : tg_csv_end(out);
}

/* A cell a spreadsheet would take for a formula gets an apostrophe. */
static tg_status_t put_cell(tg_buf_t *out, const char *s, int first)
{
    if (strchr("=+-@\t\r", s[0]) && s[0]) {
        char *safe = tg_xasprintf("'%s", s);
        tg_status_t st = tg_csv_put(out, safe, first, ',');
        free(safe);
        return st;
    }
    return tg_csv_put(out, s, first, ',');
}

static tg_status_t put_value(tg_buf_t *out, const char *key, const json_t *v, int first)
{
    if (json_is_string(v))
        return put_cell(out, json_string_value(v), first);
    if (json_is_integer(v)) {
        char n[32];
        snprintf(n, sizeof n, "%lld", (long long)json_integer_value(v));
        return tg_csv_put(out, n, first, ',');
    }
    if (json_is_boolean(v))
        return tg_csv_put(out, json_is_true(v) ? "yes" : "", first, ',');
    if (json_is_array(v)) {
        tg_buf_t j;
        tg_buf_init(&j, out->max);
        const char *sep = !strcmp(key, "locations") ? "\n" : "; ";
        json_t *e;
        size_t i;
        json_array_foreach(v, i, e)
        {
            if (i)
                tg_buf_adds(&j, sep);
            tg_buf_adds(&j, json_string_value(e) ? json_string_value(e) : "");
        }
        tg_status_t st = put_cell(out, tg_buf_str(&j), first);
        tg_buf_free(&j);
        return st;
    }
    return tg_csv_put(out, "", first, ',');
}

tg_status_t tg_export_csv_row(tg_buf_t *out, const json_t *row, int with_file)
{
    size_t mark = out->len;
    tg_status_t st = TG_OK;
    int first = 1;
    if (with_file) {
        st = put_value(out, "file", json_object_get(row, "file"), 1);
        first = 0;
    }
    for (size_t i = 0; !st && tg_export_columns[i]; i++, first = 0)
        st =
            put_value(out, tg_export_columns[i], json_object_get(row, tg_export_columns[i]), first);
    if (!st)
        st = tg_csv_end(out);
    if (st) {
        out->len = mark;
        if (out->data)
            out->data[mark] = '\0';
    }
    return st;
}
