/* The record of a document (see record.h), and the only file that knows
 * how one is stored: a JSON object in the Xapian document's data, with the
 * keys below (docs/record.md).
 *
 * A tg_record_t holds the parsed object itself, so a record read and
 * written again keeps every key it had, known or not, in its order, and
 * dumps to the same bytes.  A tg_location_t is one of the objects of the
 * "locations" array, handed out as an opaque pointer.
 *
 * Never trusts a stored record: a key of the wrong type reads as absent.
 * Relies on jansson, lib/base/text.h (UTF-8 cleaning), schema.h
 * (tg_fold_value, for folding sidecar values) and lib/evidence/sidecar.h
 * (tg_embargo_parse); never touches a Xapian document (compose.c does). */
#define _POSIX_C_SOURCE 200809L
#include "record.h"
#include "recordjson.h"

#include <limits.h>
#include <string.h>

#include "buf.h"
#include "schema.h"
#include "sidecar.h"
#include "text.h"
#include "util.h"

/* ==== The stored keys ====================================================== */

#define K_SHA256              "sha256"          /* string, 64 hex */
#define K_SIZE                "size"            /* integer, bytes */
#define K_MIME                "mime"            /* string, "application/pdf" */
#define K_KIND                "kind"            /* string, "pdf" */
#define K_TITLE               "title"           /* string or absent */
#define K_TITLE_SOURCE        "title_source"    /* TG_TITLE_SOURCE_* */
#define K_LANG                "lang"            /* string */
#define K_DATE                "date"            /* ISO 8601 or absent */
#define K_DATE_SOURCE         "date_source"     /* where the date came from */
#define K_META                "meta"            /* object: author, subject ... */
#define K_CHARSET             "charset"         /* string, for text */
#define K_PAGES               "pages"           /* integer, for paged formats */
#define K_PAGE_POS            "page_pos"        /* array: first term position of each page */
#define K_LOCATIONS           "locations"       /* array of location objects, path order */
#define K_LOCATIONS_TOTAL     "locations_total" /* integer when locations is capped */
#define K_WARNINGS            "warnings"        /* array of strings */
#define K_INGESTED            "ingested"        /* ISO 8601 */
#define K_TEXT_BYTES          "text_bytes"      /* integer */
#define K_TEXT_MARKS          "text_marks"      /* array of [position, byte offset] */
#define K_TEXT_ORIGINAL       "text_original"   /* true: the text is the original */
#define K_EXTRACTION          "extraction"      /* TG_EXTRACTION_* */
#define K_EXTRACTION_ERROR    "extraction_error"
#define K_EXTRACTOR           "extractor"   /* integer: extractor version */
#define K_SIDECAR             "sidecar"     /* object: merged metadata of the locations */
#define K_RESTRICTED          "restricted"  /* true, else absent */
#define K_EMBARGO             "embargo"     /* "YYYY-MM-DD" */
#define K_SIDECAR_OWN         "sidecar_own" /* object: own values a sidecar replaced (null: none) */
#define K_RESTRICTED_OVERFLOW "restricted_overflow" /* true, sticky */
#define K_MENTIONS            "mentions"            /* array of dates */
#define K_PERSONS             "persons"             /* array of person objects */
#define K_IDS                 "ids"                 /* array of identity numbers */
#define K_OCR                 "ocr"                 /* object: OCR of the pages */
#define K_OCR_SKIPPED         "ocr_skipped"
#define K_OCR_CONFIDENCE      "ocr_confidence" /* number (records of early versions) */

/* A location object. */
#define L_PATH         "path"
#define L_REL          "rel"
#define L_FOLDER       "folder"
#define L_IN           "in"
#define L_SIDECAR      "sidecar"      /* object: its normalised metadata */
#define L_RESTRICTED   "restricted"   /* true: its own metadata restricts it */
#define L_EMBARGO      "embargo"      /* its own embargo */
#define L_SIDECAR_FROM "sidecar_from" /* array: where its metadata came from */
#define L_INHERITED    "inherited"    /* {"restricted": true | "embargo": D, "by": LOC} */

/* A person object. */
#define P_NAME   "name"
#define P_KEY    "key"
#define P_FORMS  "forms"
#define P_COUNT  "count"
#define P_LISTED "listed"
#define P_IDS    "ids"

struct tg_record {
    json_t *j; /* the stored object */
};

/* tg_location_t is the location's json_t object. */
#define LJ(l)  ((json_t *)(l))
#define LOC(j) ((tg_location_t *)(j))

/* ==== Helpers =============================================================== */

static const char *str_of(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int64_t int_of(const json_t *o, const char *key, int64_t dflt)
{
    const json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

/* A string member, cleaned; NULL removes it. */
static void put_str(json_t *o, const char *key, const char *v)
{
    if (!v) {
        json_object_del(o, key);
        return;
    }
    char *clean = tg_utf8_clean(v, strlen(v));
    json_object_set_new(o, key, json_string(clean));
    free(clean);
}

/* A string member exactly as it is when valid UTF-8 (locations). */
static void put_exact(json_t *o, const char *key, const char *v)
{
    json_t *s = json_string(v);
    if (s)
        json_object_set_new(o, key, s);
    else
        put_str(o, key, v);
}

static void put_flag(json_t *o, const char *key, int on)
{
    if (on)
        json_object_set_new(o, key, json_true());
    else
        json_object_del(o, key);
}

/* Sets or removes key on obj; returns 1 if that changed it.  v is taken. */
static int put_key(json_t *obj, const char *key, json_t *v)
{
    json_t *cur = json_object_get(obj, key);
    if ((!cur && !v) || (cur && v && json_equal(cur, v))) {
        json_decref(v);
        return 0;
    }
    if (v)
        json_object_set_new(obj, key, v);
    else
        json_object_del(obj, key);
    return 1;
}

static json_t *array_at(json_t *o, const char *key)
{
    json_t *a = json_object_get(o, key);
    if (!json_is_array(a)) {
        a = json_array();
        json_object_set_new(o, key, a);
    }
    return a;
}

/* ==== Life cycle ============================================================= */

static tg_record_t *wrap(json_t *j)
{
    tg_record_t *r = tg_xcalloc(1, sizeof *r);
    r->j = j;
    return r;
}

tg_record_t *tg_record_new(void)
{
    return wrap(json_object());
}

tg_status_t tg_record_parse(const char *data, size_t len, tg_record_t **out)
{
    *out = NULL;
    json_t *j = json_loadb(data, len, 0, NULL);
    if (!json_is_object(j)) {
        json_decref(j);
        return TG_ERR_CORRUPT;
    }
    *out = wrap(j);
    return TG_OK;
}

char *tg_record_dump(const tg_record_t *r, size_t *len)
{
    char *s = json_dumps(r->j, JSON_COMPACT);
    if (!s)
        tg_oom();
    if (len)
        *len = strlen(s);
    return s;
}

tg_record_t *tg_record_copy(const tg_record_t *r)
{
    json_t *j = json_deep_copy(r->j);
    if (!j)
        tg_oom();
    return wrap(j);
}

void tg_record_free(tg_record_t *r)
{
    if (!r)
        return;
    json_decref(r->j);
    free(r);
}

int tg_record_equal(const tg_record_t *a, const tg_record_t *b)
{
    return json_equal(a->j, b->j);
}

/* ==== Facts ================================================================== */

#define GET_STR(name, key)                                                                         \
    const char *tg_record_get_##name(const tg_record_t *r)                                         \
    {                                                                                              \
        return str_of(r->j, key);                                                                  \
    }
GET_STR(sha256, K_SHA256)
GET_STR(mime, K_MIME)
GET_STR(kind, K_KIND)
GET_STR(title, K_TITLE)
GET_STR(title_source, K_TITLE_SOURCE)
GET_STR(lang, K_LANG)
GET_STR(date, K_DATE)
GET_STR(date_source, K_DATE_SOURCE)
GET_STR(charset, K_CHARSET)
GET_STR(ingested, K_INGESTED)
GET_STR(extraction, K_EXTRACTION)
GET_STR(extraction_error, K_EXTRACTION_ERROR)
GET_STR(embargo, K_EMBARGO)

const char *tg_record_get_own_title(const tg_record_t *r)
{
    json_t *own = json_object_get(r->j, K_SIDECAR_OWN);
    json_t *t = json_object_get(own, K_TITLE);
    if (t)
        return json_string_value(t); /* NULL for null: it had none */
    return str_of(r->j, K_TITLE);
}

int tg_record_has_embargo(const tg_record_t *r)
{
    return json_object_get(r->j, K_EMBARGO) != NULL;
}

int64_t tg_record_get_size(const tg_record_t *r)
{
    return int_of(r->j, K_SIZE, 0);
}

int64_t tg_record_get_pages(const tg_record_t *r)
{
    return int_of(r->j, K_PAGES, 0);
}

int64_t tg_record_get_text_bytes(const tg_record_t *r)
{
    return int_of(r->j, K_TEXT_BYTES, 0);
}

int64_t tg_record_get_extractor(const tg_record_t *r)
{
    return int_of(r->j, K_EXTRACTOR, 0);
}

int tg_record_get_restricted(const tg_record_t *r)
{
    return json_is_true(json_object_get(r->j, K_RESTRICTED));
}

int tg_record_get_restricted_overflow(const tg_record_t *r)
{
    return json_is_true(json_object_get(r->j, K_RESTRICTED_OVERFLOW));
}

int tg_record_get_text_original(const tg_record_t *r)
{
    return json_is_true(json_object_get(r->j, K_TEXT_ORIGINAL));
}

int tg_record_get_ocr_skipped(const tg_record_t *r)
{
    return json_is_true(json_object_get(r->j, K_OCR_SKIPPED));
}

double tg_record_get_ocr_confidence(const tg_record_t *r)
{
    json_t *v = json_object_get(r->j, K_OCR_CONFIDENCE);
    return json_is_number(v) ? json_number_value(v) : -1;
}

const char *tg_record_get_meta(const tg_record_t *r, const char *key)
{
    return str_of(json_object_get(r->j, K_META), key);
}

void tg_record_set_sha256(tg_record_t *r, const char *v)
{
    put_str(r->j, K_SHA256, v);
}

void tg_record_set_mime(tg_record_t *r, const char *v)
{
    put_str(r->j, K_MIME, v);
}

void tg_record_set_kind(tg_record_t *r, const char *v)
{
    put_str(r->j, K_KIND, v);
}

void tg_record_set_title(tg_record_t *r, const char *v, const char *source)
{
    put_str(r->j, K_TITLE, v);
    put_str(r->j, K_TITLE_SOURCE, v ? source : NULL);
}

void tg_record_set_lang(tg_record_t *r, const char *v)
{
    put_str(r->j, K_LANG, v);
}

void tg_record_set_date(tg_record_t *r, const char *v, const char *source)
{
    put_str(r->j, K_DATE, v);
    put_str(r->j, K_DATE_SOURCE, v ? source : NULL);
}

void tg_record_set_charset(tg_record_t *r, const char *v)
{
    put_str(r->j, K_CHARSET, v);
}

void tg_record_set_ingested(tg_record_t *r, const char *v)
{
    put_str(r->j, K_INGESTED, v);
}

void tg_record_set_extraction(tg_record_t *r, const char *state, const char *error)
{
    put_str(r->j, K_EXTRACTION, state);
    put_str(r->j, K_EXTRACTION_ERROR, error);
}

void tg_record_set_size(tg_record_t *r, int64_t v)
{
    json_object_set_new(r->j, K_SIZE, json_integer((json_int_t)v));
}

void tg_record_set_pages(tg_record_t *r, int64_t pages, const unsigned *starts, size_t n)
{
    json_object_set_new(r->j, K_PAGES, json_integer((json_int_t)pages));
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_integer(starts[i]));
    json_object_set_new(r->j, K_PAGE_POS, a);
}

void tg_record_set_text_bytes(tg_record_t *r, int64_t v)
{
    json_object_set_new(r->j, K_TEXT_BYTES, json_integer((json_int_t)v));
}

void tg_record_set_extractor(tg_record_t *r, int64_t v)
{
    json_object_set_new(r->j, K_EXTRACTOR, json_integer((json_int_t)v));
}

void tg_record_set_text_original(tg_record_t *r, int on)
{
    put_flag(r->j, K_TEXT_ORIGINAL, on);
}

void tg_record_set_ocr_skipped(tg_record_t *r, int on)
{
    put_flag(r->j, K_OCR_SKIPPED, on);
}

void tg_record_set_meta(tg_record_t *r, const char *key, const char *value)
{
    json_t *m = json_object_get(r->j, K_META);
    if (!json_is_object(m)) {
        if (!value)
            return;
        m = json_object();
        json_object_set_new(r->j, K_META, m);
    }
    put_str(m, key, value);
}

/* ==== Lists ================================================================== */

static const char *list_key(tg_list_t list)
{
    switch (list) {
    case TG_LIST_WARNINGS:
        return K_WARNINGS;
    case TG_LIST_MENTIONS:
        return K_MENTIONS;
    case TG_LIST_IDS:
        return K_IDS;
    }
    return K_WARNINGS;
}

static size_t list_cap(tg_list_t list)
{
    return list == TG_LIST_MENTIONS ? TG_MAX_RECORD_MENTIONS
           : list == TG_LIST_IDS    ? TG_MAX_RECORD_IDS
                                    : (size_t)-1;
}

size_t tg_record_n(const tg_record_t *r, tg_list_t list)
{
    return json_array_size(json_object_get(r->j, list_key(list)));
}

const char *tg_record_nth(const tg_record_t *r, tg_list_t list, size_t i)
{
    return json_string_value(json_array_get(json_object_get(r->j, list_key(list)), i));
}

int tg_record_append(tg_record_t *r, tg_list_t list, const char *v)
{
    json_t *a = array_at(r->j, list_key(list));
    if (json_array_size(a) >= list_cap(list))
        return 0;
    char *clean = tg_utf8_clean(v, strlen(v));
    json_array_append_new(a, json_string(clean));
    free(clean);
    return 1;
}

int tg_record_is_paged(const tg_record_t *r)
{
    return json_is_array(json_object_get(r->j, K_PAGE_POS));
}

size_t tg_record_n_page_starts(const tg_record_t *r)
{
    return json_array_size(json_object_get(r->j, K_PAGE_POS));
}

unsigned tg_record_page_start(const tg_record_t *r, size_t i)
{
    json_int_t v = json_integer_value(json_array_get(json_object_get(r->j, K_PAGE_POS), i));
    return v > 0 ? (unsigned)v : 0;
}

size_t tg_record_n_text_marks(const tg_record_t *r)
{
    return json_array_size(json_object_get(r->j, K_TEXT_MARKS));
}

int tg_record_text_mark(const tg_record_t *r, size_t i, unsigned *pos, uint64_t *off)
{
    const json_t *m = json_array_get(json_object_get(r->j, K_TEXT_MARKS), i);
    const json_t *p = json_array_get(m, 0), *o = json_array_get(m, 1);
    if (!json_is_integer(p) || !json_is_integer(o))
        return 0;
    json_int_t pv = json_integer_value(p), ov = json_integer_value(o);
    if (pv < 1 || pv > (json_int_t)UINT_MAX || ov < 0)
        return 0;
    *pos = (unsigned)pv;
    *off = (uint64_t)ov;
    return 1;
}

void tg_record_set_text_marks(tg_record_t *r, const unsigned *pos, const uint64_t *off, size_t n)
{
    if (!n) {
        json_object_del(r->j, K_TEXT_MARKS);
        return;
    }
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("[II]", (json_int_t)pos[i], (json_int_t)off[i]));
    json_object_set_new(r->j, K_TEXT_MARKS, a);
}

/* ==== Persons ================================================================ */

size_t tg_record_n_persons(const tg_record_t *r)
{
    return json_array_size(json_object_get(r->j, K_PERSONS));
}

static json_t *person_at(const tg_record_t *r, size_t i)
{
    json_t *p = json_array_get(json_object_get(r->j, K_PERSONS), i);
    return json_is_object(p) ? p : NULL;
}

int tg_record_person(const tg_record_t *r, size_t i, tg_person_t *out)
{
    memset(out, 0, sizeof *out);
    json_t *p = person_at(r, i);
    if (!p)
        return 0;
    out->name = str_of(p, P_NAME);
    out->key = str_of(p, P_KEY);
    out->count = int_of(p, P_COUNT, 0);
    out->listed = json_is_true(json_object_get(p, P_LISTED));
    out->nforms = json_array_size(json_object_get(p, P_FORMS));
    out->nids = json_array_size(json_object_get(p, P_IDS));
    return 1;
}

const char *tg_record_person_form(const tg_record_t *r, size_t i, size_t k)
{
    return json_string_value(json_array_get(json_object_get(person_at(r, i), P_FORMS), k));
}

const char *tg_record_person_id(const tg_record_t *r, size_t i, size_t k)
{
    return json_string_value(json_array_get(json_object_get(person_at(r, i), P_IDS), k));
}

int tg_record_add_person(tg_record_t *r, const char *name, const char *key, int64_t count,
                         int listed)
{
    json_t *a = array_at(r->j, K_PERSONS);
    if (json_array_size(a) >= TG_MAX_RECORD_PERSONS)
        return -1;
    json_t *e = json_object();
    put_str(e, P_NAME, name);
    put_str(e, P_KEY, key);
    json_object_set_new(e, P_FORMS, json_array());
    json_object_set_new(e, P_COUNT, json_integer((json_int_t)count));
    json_object_set_new(e, P_LISTED, json_boolean(listed));
    json_array_append_new(a, e);
    return (int)json_array_size(a) - 1;
}

void tg_record_person_add_form(tg_record_t *r, size_t i, const char *form)
{
    json_t *p = person_at(r, i);
    json_t *f = p ? array_at(p, P_FORMS) : NULL;
    if (f && json_array_size(f) < TG_MAX_RECORD_FORMS)
        json_array_append_new(f, json_string(form));
}

void tg_record_person_add_id(tg_record_t *r, size_t i, const char *id)
{
    json_t *p = person_at(r, i);
    if (p)
        json_array_append_new(array_at(p, P_IDS), json_string(id));
}

/* ==== Locations ============================================================== */

static json_t *locations(const tg_record_t *r)
{
    json_t *l = json_object_get(r->j, K_LOCATIONS);
    return json_is_array(l) ? l : NULL;
}

size_t tg_record_n_locations(const tg_record_t *r)
{
    return json_array_size(locations(r));
}

int64_t tg_record_locations_total(const tg_record_t *r)
{
    int64_t n = (int64_t)tg_record_n_locations(r);
    int64_t t = int_of(r->j, K_LOCATIONS_TOTAL, n);
    return t > n ? t : n;
}

const tg_location_t *tg_record_location(const tg_record_t *r, size_t i)
{
    json_t *e = json_array_get(locations(r), i);
    return json_is_object(e) ? LOC(e) : NULL;
}

tg_location_t *tg_record_location_w(tg_record_t *r, size_t i)
{
    json_t *e = json_array_get(locations(r), i);
    return json_is_object(e) ? LOC(e) : NULL;
}

tg_location_t *tg_record_find_location(tg_record_t *r, const char *path, size_t *index)
{
    json_t *l = locations(r), *e;
    size_t i;
    json_array_foreach(l, i, e)
    {
        const char *p = str_of(e, L_PATH);
        if (p && !strcmp(p, path)) {
            if (index)
                *index = i;
            return LOC(e);
        }
    }
    return NULL;
}

tg_location_t *tg_record_add_location(tg_record_t *r, const char *path, const char *rel,
                                      const char *folder, const char *container)
{
    json_t *l = array_at(r->j, K_LOCATIONS);
    int64_t total = int_of(r->j, K_LOCATIONS_TOTAL, (int64_t)json_array_size(l)) + 1;
    json_t *e = NULL;
    if (json_array_size(l) < TG_MAX_RECORD_LOCATIONS) {
        e = json_object();
        put_exact(e, L_PATH, path);
        if (rel)
            put_exact(e, L_REL, rel);
        if (folder)
            put_exact(e, L_FOLDER, folder);
        if (container)
            json_object_set_new(e, L_IN, json_string(container));
        /* in the order of their paths, not of arrival (which the workers'
         * timing decides): the same files give the same record, and the
         * first location, the one results show, is the same every run */
        size_t at = 0;
        for (; at < json_array_size(l); at++) {
            const char *q = str_of(json_array_get(l, at), L_PATH);
            if (q && strcmp(q, path) > 0)
                break;
        }
        json_array_insert_new(l, at, e);
    }
    if ((size_t)total > json_array_size(l))
        json_object_set_new(r->j, K_LOCATIONS_TOTAL, json_integer((json_int_t)total));
    return LOC(e);
}

int64_t tg_record_remove_location(tg_record_t *r, size_t i)
{
    json_t *l = locations(r);
    if (!l || i >= json_array_size(l))
        return tg_record_locations_total(r);
    json_array_remove(l, i);
    int64_t total = int_of(r->j, K_LOCATIONS_TOTAL, 0);
    if (total > 0)
        json_object_set_new(r->j, K_LOCATIONS_TOTAL, json_integer((json_int_t)(total - 1)));
    return tg_record_locations_total(r);
}

void tg_record_take_locations(tg_record_t *r, const tg_record_t *from)
{
    json_t *l = locations(from);
    json_object_set_new(r->j, K_LOCATIONS, l ? json_deep_copy(l) : json_array());
    json_t *tot = json_object_get(from->j, K_LOCATIONS_TOTAL);
    if (tot)
        json_object_set(r->j, K_LOCATIONS_TOTAL, tot);
    else
        json_object_del(r->j, K_LOCATIONS_TOTAL);
}

int tg_record_set_restricted_overflow(tg_record_t *r)
{
    if (tg_record_get_restricted_overflow(r))
        return 0;
    json_object_set_new(r->j, K_RESTRICTED_OVERFLOW, json_true());
    return 1;
}

const char *tg_location_get_path(const tg_location_t *l)
{
    return str_of(LJ(l), L_PATH);
}

const char *tg_location_get_rel(const tg_location_t *l)
{
    return str_of(LJ(l), L_REL);
}

const char *tg_location_get_folder(const tg_location_t *l)
{
    return str_of(LJ(l), L_FOLDER);
}

const char *tg_location_get_container(const tg_location_t *l)
{
    return str_of(LJ(l), L_IN);
}

int tg_location_set_rel(tg_location_t *l, const char *rel)
{
    const char *cur = str_of(LJ(l), L_REL);
    if (!rel || (cur && !strcmp(cur, rel)))
        return 0;
    put_exact(LJ(l), L_REL, rel);
    return 1;
}

void tg_location_set_shown_path(tg_location_t *l, const char *path)
{
    json_object_set_new(LJ(l), L_PATH, json_string(path));
    json_object_del(LJ(l), L_REL);
}

int tg_location_get_restricted(const tg_location_t *l)
{
    return json_is_true(json_object_get(LJ(l), L_RESTRICTED));
}

const char *tg_location_get_embargo(const tg_location_t *l)
{
    return str_of(LJ(l), L_EMBARGO);
}

int tg_location_has_embargo(const tg_location_t *l)
{
    return json_object_get(LJ(l), L_EMBARGO) != NULL;
}

int tg_location_has_sidecar(const tg_location_t *l)
{
    return json_is_object(json_object_get(LJ(l), L_SIDECAR));
}

const char *tg_location_get_sidecar(const tg_location_t *l, const char *field)
{
    return str_of(json_object_get(LJ(l), L_SIDECAR), field);
}

size_t tg_location_n_sidecar(const tg_location_t *l, const char *field)
{
    return json_array_size(json_object_get(json_object_get(LJ(l), L_SIDECAR), field));
}

const char *tg_location_nth_sidecar(const tg_location_t *l, const char *field, size_t i)
{
    json_t *a = json_object_get(json_object_get(LJ(l), L_SIDECAR), field);
    return json_string_value(json_array_get(a, i));
}

size_t tg_location_n_sidecar_from(const tg_location_t *l)
{
    return json_array_size(json_object_get(LJ(l), L_SIDECAR_FROM));
}

const char *tg_location_sidecar_from(const tg_location_t *l, size_t i)
{
    return json_string_value(json_array_get(json_object_get(LJ(l), L_SIDECAR_FROM), i));
}

void tg_location_set_sidecar_from(tg_location_t *l, size_t i, const char *v)
{
    json_t *a = json_object_get(LJ(l), L_SIDECAR_FROM);
    if (i < json_array_size(a))
        json_array_set_new(a, i, json_string(v));
}

int tg_location_has_inherited(const tg_location_t *l)
{
    return json_object_get(LJ(l), L_INHERITED) != NULL;
}

int tg_location_inherited_restricted(const tg_location_t *l)
{
    return json_is_true(json_object_get(json_object_get(LJ(l), L_INHERITED), "restricted"));
}

const char *tg_location_inherited_embargo(const tg_location_t *l)
{
    return str_of(json_object_get(LJ(l), L_INHERITED), "embargo");
}

int tg_location_inherited_has_embargo(const tg_location_t *l)
{
    return json_object_get(json_object_get(LJ(l), L_INHERITED), "embargo") != NULL;
}

const char *tg_location_inherited_by(const tg_location_t *l)
{
    return str_of(json_object_get(LJ(l), L_INHERITED), "by");
}

void tg_location_set_inherited_by(tg_location_t *l, const char *by)
{
    json_t *h = json_object_get(LJ(l), L_INHERITED);
    if (json_is_object(h))
        json_object_set_new(h, "by", json_string(by));
}

/* ==== Sidecars merged ======================================================== */

/* Keeps the later of two embargo ends ("YYYY-MM-DD" compare as strings). */
static void later(char *embargo, const char *other)
{
    if (other && *other && strcmp(other, embargo) > 0)
        snprintf(embargo, 11, "%s", other);
}

/* Puts back the document's own values of the keys a sidecar replaced. */
static void restore_own(json_t *rec)
{
    json_t *own = json_object_get(rec, K_SIDECAR_OWN);
    const char *k;
    json_t *v;
    json_object_foreach(own, k, v)
    {
        if (json_is_null(v))
            json_object_del(rec, k);
        else
            json_object_set(rec, k, v);
    }
    json_object_del(rec, K_SIDECAR_OWN);
}

static void replace_own(json_t *rec, const char *key, const char *value)
{
    json_t *own = json_object_get(rec, K_SIDECAR_OWN);
    if (!own) {
        own = json_object();
        json_object_set_new(rec, K_SIDECAR_OWN, own);
    }
    if (!json_object_get(own, key)) {
        json_t *cur = json_object_get(rec, key);
        json_object_set(own, key, cur ? cur : json_null());
    }
    json_object_set_new(rec, key, json_string(value));
}

/* Adds the values of list key from m to merged, skipping values that fold
 * the same as one already there. */
static void union_list(json_t *merged, const json_t *m, const char *key)
{
    json_t *src = json_object_get(m, key), *e;
    if (!json_is_array(src))
        return;
    json_t *dst = json_object_get(merged, key);
    tg_buf_t a, b;
    tg_buf_init(&a, 16384);
    tg_buf_init(&b, 16384);
    size_t i, k;
    json_array_foreach(src, i, e)
    {
        const char *v = json_string_value(e);
        if (!v)
            continue;
        tg_buf_reset(&a);
        tg_fold_value(&a, v, strlen(v));
        int dup = 0;
        json_t *d;
        json_array_foreach(dst, k, d)
        {
            tg_buf_reset(&b);
            const char *dv = json_string_value(d);
            tg_fold_value(&b, dv, strlen(dv));
            dup |= !strcmp(tg_buf_str(&a), tg_buf_str(&b));
        }
        if (dup || json_array_size(dst) >= TG_SIDECAR_MAX_VALUES)
            continue;
        if (!dst) {
            dst = json_array();
            json_object_set_new(merged, key, dst);
        }
        json_array_append(dst, e);
    }
    tg_buf_free(&a);
    tg_buf_free(&b);
}

int tg_record_merge_sidecars(tg_record_t *r)
{
    json_t *rec = r->j;
    /* what the merge may change, to tell whether it did: the values are
     * replaced, never changed in place, so holding them is enough (no
     * copy of the record on every write) */
    static const char *const touched[] = {K_TITLE,       K_TITLE_SOURCE, K_DATE,
                                          K_DATE_SOURCE, K_LANG,         K_SIDECAR,
                                          K_RESTRICTED,  K_EMBARGO,      K_SIDECAR_OWN};
    json_t *before = json_object();
    for (size_t i = 0; i < TG_ARRAY_LEN(touched); i++) {
        json_t *v = json_object_get(rec, touched[i]);
        if (v)
            json_object_set(before, touched[i], v);
    }
    restore_own(rec);

    json_t *merged = json_object(), *e;
    int restricted = tg_record_get_restricted_overflow(r);
    size_t i;
    char embargo[11] = "";
    json_array_foreach(locations(r), i, e)
    {
        /* its own restriction, or what a bundle or mail holding it passes */
        json_t *held = json_object_get(e, L_INHERITED);
        restricted |= json_is_true(json_object_get(e, L_RESTRICTED)) ||
                      json_is_true(json_object_get(held, "restricted"));
        json_t *ends[2] = {json_object_get(e, L_EMBARGO), json_object_get(held, "embargo")};
        for (int k = 0; k < 2; k++) {
            const char *end = json_string_value(ends[k]);
            char norm[11];
            if (end && !tg_embargo_parse(end, norm) && !strcmp(norm, end))
                later(embargo, end);
            else if (ends[k])
                restricted = 1; /* an embargo that cannot be read: fail closed */
        }
        json_t *m = json_object_get(e, L_SIDECAR);
        if (!json_is_object(m))
            continue;
        static const char *const first[] = {"title", "date", "language"};
        for (size_t k = 0; k < TG_ARRAY_LEN(first); k++)
            if (!json_object_get(merged, first[k]) && json_is_string(json_object_get(m, first[k])))
                json_object_set(merged, first[k], json_object_get(m, first[k]));
        union_list(merged, m, "witness");
        union_list(merged, m, "place");
        union_list(merged, m, "collection");
        union_list(merged, m, "tags");
    }
    if (restricted)
        json_object_set_new(merged, "restricted", json_true());

    /* what a sidecar may replace */
    const char *title = str_of(merged, "title");
    if (title) {
        replace_own(rec, K_TITLE, title);
        replace_own(rec, K_TITLE_SOURCE, TG_TITLE_SOURCE_SIDECAR);
    }
    const char *date = str_of(merged, "date");
    if (date && !tg_date_source_is_own(str_of(rec, K_DATE_SOURCE))) {
        replace_own(rec, K_DATE, date);
        replace_own(rec, K_DATE_SOURCE, TG_DATE_SOURCE_SIDECAR);
    }
    const char *lang = str_of(merged, "language");
    if (lang)
        replace_own(rec, K_LANG, lang);

    if (json_object_size(merged))
        json_object_set(rec, K_SIDECAR, merged);
    else
        json_object_del(rec, K_SIDECAR);
    put_flag(rec, K_RESTRICTED, restricted);
    if (embargo[0])
        json_object_set_new(rec, K_EMBARGO, json_string(embargo));
    else
        json_object_del(rec, K_EMBARGO);
    json_decref(merged);
    int changed = 0;
    for (size_t k = 0; k < TG_ARRAY_LEN(touched) && !changed; k++) {
        json_t *a = json_object_get(before, touched[k]), *b = json_object_get(rec, touched[k]);
        changed = (a == NULL) != (b == NULL) || (a && !json_equal(a, b));
    }
    json_decref(before);
    return changed;
}

const char *tg_record_get_sidecar(const tg_record_t *r, const char *field)
{
    return str_of(json_object_get(r->j, K_SIDECAR), field);
}

size_t tg_record_n_sidecar(const tg_record_t *r, const char *field)
{
    return json_array_size(json_object_get(json_object_get(r->j, K_SIDECAR), field));
}

const char *tg_record_nth_sidecar(const tg_record_t *r, const char *field, size_t i)
{
    json_t *a = json_object_get(json_object_get(r->j, K_SIDECAR), field);
    return json_string_value(json_array_get(a, i));
}

const char *tg_record_loc_status(const tg_record_t *r)
{
    const char *e = str_of(r->j, K_EXTRACTION);
    if (e && !strcmp(e, TG_EXTRACTION_FAILED))
        return "failed";
    if (e && !strcmp(e, TG_EXTRACTION_UNSUPPORTED))
        return "unsupported";
    if (tg_record_get_ocr_skipped(r))
        return "indexed-no-ocr";
    return "indexed";
}

/* ==== JSON bridges (recordjson.h) ============================================ */

void tg_record_set_meta_json(tg_record_t *r, const json_t *meta)
{
    if (json_object_size(meta))
        json_object_set_new(r->j, K_META, json_deep_copy(meta));
    else
        json_object_del(r->j, K_META);
}

const json_t *tg_record_meta_json(const tg_record_t *r)
{
    return json_object_get(r->j, K_META);
}

void tg_record_set_warnings_json(tg_record_t *r, const json_t *warnings)
{
    if (json_array_size(warnings))
        json_object_set_new(r->j, K_WARNINGS, json_deep_copy(warnings));
    else
        json_object_del(r->j, K_WARNINGS);
}

void tg_record_set_ocr_json(tg_record_t *r, const json_t *ocr)
{
    if (ocr)
        json_object_set_new(r->j, K_OCR, json_deep_copy(ocr));
    else
        json_object_del(r->j, K_OCR);
}

const json_t *tg_record_ocr_json(const tg_record_t *r)
{
    json_t *o = json_object_get(r->j, K_OCR);
    return json_is_object(o) ? o : NULL;
}

json_t *tg_record_to_json(const tg_record_t *r)
{
    json_t *j = json_deep_copy(r->j);
    if (!j)
        tg_oom();
    return j;
}

tg_record_t *tg_record_from_json(const json_t *j)
{
    if (!json_is_object(j))
        return NULL;
    json_t *c = json_deep_copy(j);
    if (!c)
        tg_oom();
    return wrap(c);
}

const json_t *tg_record_sidecar_json(const tg_record_t *r)
{
    json_t *o = json_object_get(r->j, K_SIDECAR);
    return json_is_object(o) ? o : NULL;
}

int tg_location_store_sidecar(tg_location_t *l, const json_t *meta, int restricted,
                              const char *embargo, const json_t *from, const json_t *held)
{
    json_t *e = LJ(l), *m = NULL;
    if (meta) {
        m = json_deep_copy(meta);
        json_object_del(m, "restricted");
        json_object_del(m, "embargo");
        if (json_object_size(m) == 0) {
            json_decref(m);
            m = NULL;
        }
    }
    int changed = put_key(e, L_SIDECAR, m);
    changed |= put_key(e, L_RESTRICTED, restricted ? json_true() : NULL);
    changed |= put_key(e, L_EMBARGO, embargo && embargo[0] ? json_string(embargo) : NULL);
    changed |= put_key(e, L_SIDECAR_FROM, from ? json_deep_copy(from) : NULL);
    changed |= put_key(e, L_INHERITED, held ? json_deep_copy(held) : NULL);
    return changed;
}

int tg_location_set_inherited_json(tg_location_t *l, const json_t *held)
{
    return put_key(LJ(l), L_INHERITED, held ? json_deep_copy(held) : NULL);
}

/* Removes every occurrence of each of the n strings from every string in j. */
static void scrub(json_t *j, const char *const *pre, size_t n)
{
    if (json_is_object(j)) {
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) scrub(v, pre, n);
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) scrub(v, pre, n);
    } else if (json_is_string(j)) {
        for (size_t i = 0; i < n; i++) {
            const char *s = json_string_value(j);
            if (!strstr(s, pre[i]))
                continue;
            tg_buf_t b;
            tg_buf_init(&b, (size_t)-1);
            size_t pl = strlen(pre[i]);
            for (const char *c = s, *hit; *c; c = hit + pl) {
                hit = strstr(c, pre[i]);
                if (!hit) {
                    tg_buf_adds(&b, c);
                    break;
                }
                tg_buf_add(&b, c, (size_t)(hit - c));
            }
            json_string_set(j, tg_buf_str(&b));
            tg_buf_free(&b);
        }
    }
}

void tg_record_remove_substrings(tg_record_t *r, const char *const *s, size_t n)
{
    scrub(r->j, s, n);
}
