/* Documents and locations in the index (see writer.h).
 *
 * Relies on lib/index/record.h for the record and lib/index/compose.h for
 * every term and value; never commits (the coordinator does, in batches).
 * A document is composed again from its record each time it is written, so
 * detaching a location never leaves a stale folder facet or file name
 * behind. */
#define _POSIX_C_SOURCE 200809L
#include "writer.h"

#include <string.h>

#include "compose.h"
#include "dates.h"
#include "proto.h"
#include "recordjson.h"
#include "util.h"

/* The location record under key, if it is loc's ("loc" is checked: a
 * long location's key is a hash), else NULL. */
static json_t *loc_at(tg_db_t *db, const char *key, const char *loc)
{
    char *v = NULL;
    size_t len = 0;
    json_t *j = NULL;
    if (tg_db_get_meta(db, key, &v, &len) == TG_OK && v) {
        j = tg_json_parse_object(v, len);
        const char *l = j ? tg_rec_str(j, "loc") : NULL;
        if (j && (!l || strcmp(l, loc) != 0)) {
            json_decref(j);
            j = NULL;
        }
    }
    free(v);
    return j;
}

json_t *tg_loc_get(tg_db_t *db, const char *loc)
{
    tg_buf_t key;
    tg_buf_init(&key, 4096);
    tg_location_key(&key, loc);
    json_t *j = loc_at(db, key.data, loc);
    /* a long location of an archive not migrated yet (tg_loc_migrate) */
    tg_buf_reset(&key);
    if (!j && tg_location_key_legacy(&key, loc))
        j = loc_at(db, key.data, loc);
    tg_buf_free(&key);
    return j;
}

tg_status_t tg_loc_put(tg_db_t *db, const tg_place_t *p, const char *status)
{
    json_t *m = json_object();
    tg_rec_set_exact(m, "loc", p->loc);
    json_object_set_new(m, "sha256", json_string(p->sha));
    json_object_set_new(m, "size", json_integer((json_int_t)p->size));
    json_object_set_new(m, "mtime", json_integer((json_int_t)p->mtime_ns));
    json_object_set_new(m, "status", json_string(status));
    json_object_set_new(m, "v", json_integer(TG_EXTRACTOR_VERSION));
    if (p->lm && p->lm->fingerprint[0])
        json_object_set_new(m, "sc", json_string(p->lm->fingerprint));
    if (p->lm && p->lm->restricted)
        json_object_set_new(m, "r", json_true());
    if (p->lm && p->lm->embargo[0])
        json_object_set_new(m, "emb", json_string(p->lm->embargo));
    if (p->lm && p->lm->held)
        json_object_set_new(m, "held", json_deep_copy(p->lm->held));
    if (p->rel)
        tg_rec_set_exact(m, "rel", p->rel);
    tg_status_t st = tg_loc_update(db, m);
    json_decref(m);
    return st;
}

tg_status_t tg_loc_update(tg_db_t *db, const json_t *m)
{
    const char *loc = tg_rec_str(m, "loc");
    if (!loc)
        return TG_ERR_INVALID;
    tg_buf_t key;
    tg_buf_init(&key, 4096);
    tg_location_key(&key, loc);
    size_t len;
    char *s = tg_json_dump(m, &len);
    tg_status_t st = tg_db_set_meta(db, key.data, s, len);
    free(s);
    tg_buf_reset(&key);
    if (!st && tg_location_key_legacy(&key, loc))
        st = tg_db_set_meta(db, key.data, "", 0);
    tg_buf_free(&key);
    return st;
}

tg_status_t tg_loc_forget(tg_db_t *db, const char *loc)
{
    tg_buf_t key;
    tg_buf_init(&key, 4096);
    tg_location_key(&key, loc);
    tg_status_t st = tg_db_set_meta(db, key.data, "", 0);
    tg_buf_reset(&key);
    if (!st && tg_location_key_legacy(&key, loc))
        st = tg_db_set_meta(db, key.data, "", 0);
    tg_buf_free(&key);
    return st;
}

typedef struct {
    json_t *locs; /* locations found under legacy keys */
} legacy_scan_t;

static int scan_legacy(void *ctx, const char *key, const char *value, size_t len)
{
    (void)key;
    legacy_scan_t *s = ctx;
    json_t *m = tg_json_parse_object(value, len);
    const char *loc = m ? tg_rec_str(m, "loc") : NULL;
    if (loc && strlen(loc) > TG_META_KEY_MAX)
        json_array_append(s->locs, m);
    json_decref(m);
    return 0;
}

tg_status_t tg_loc_migrate(tg_db_t *db, unsigned *moved)
{
    *moved = 0;
    legacy_scan_t s = {json_array()};
    tg_status_t st = tg_db_each_meta(db, "L#", 1, scan_legacy, &s);
    size_t i;
    json_t *m;
    tg_buf_t key;
    tg_buf_init(&key, 4096);
    json_array_foreach(s.locs, i, m)
    {
        if (st)
            break;
        const char *loc = tg_rec_str(m, "loc");
        size_t len;
        char *v = tg_json_dump(m, &len);
        tg_buf_reset(&key);
        tg_location_key(&key, loc);
        st = tg_db_set_meta(db, key.data, v, len);
        free(v);
        tg_buf_reset(&key);
        tg_location_key_legacy(&key, loc);
        if (!st)
            st = tg_db_set_meta(db, key.data, "", 0);
        if (!st)
            (*moved)++;
    }
    tg_buf_free(&key);
    json_decref(s.locs);
    return st;
}

tg_record_t *tg_content_load(tg_db_t *db, const char *sha, tg_doc_t **doc)
{
    *doc = NULL;
    tg_buf_t t;
    tg_buf_init(&t, 128);
    tg_id_term(&t, sha);
    tg_record_t *rec = NULL;
    if (tg_db_fetch(db, t.data, doc) == TG_OK) {
        size_t len;
        char *data;
        tg_doc_get_data(*doc, &data, &len); /* NULL on an error: damaged */
        if (!data || tg_record_parse(data, len, &rec))
            rec = tg_record_new(); /* damaged record: rebuild what we can */
        free(data);
    }
    tg_buf_free(&t);
    return rec;
}

int tg_place_add(tg_record_t *rec, const tg_place_t *p)
{
    tg_location_t *l = tg_record_find_location(rec, p->loc, NULL);
    if (l) {
        int changed = tg_location_set_rel(l, p->rel);
        if (p->lm)
            changed |= tg_location_store_sidecar(l, p->lm->meta, p->lm->restricted, p->lm->embargo,
                                                 p->lm->from, p->lm->held);
        return changed;
    }
    l = tg_record_add_location(rec, p->loc, p->rel, p->folder, p->container);
    if (l && p->lm)
        tg_location_store_sidecar(l, p->lm->meta, p->lm->restricted, p->lm->embargo, p->lm->from,
                                  p->lm->held);
    else if (!l && p->lm && (p->lm->restricted || p->lm->embargo[0] || p->lm->held))
        /* beyond the record's cap: no merge, but a restriction must hold
         * (an embargo too: permanently, failing closed) */
        tg_record_set_restricted_overflow(rec);
    return 1;
}

int tg_place_inherit(tg_record_t *rec, const char *loc, const json_t *held, const char *rel)
{
    tg_location_t *l = tg_record_find_location(rec, loc, NULL);
    if (!l)
        return held ? tg_record_set_restricted_overflow(rec) : 0;
    int changed = tg_location_set_inherited_json(l, held);
    changed |= tg_location_set_rel(l, rel);
    return changed;
}

void tg_content_failed(const tg_failed_t *f, tg_doc_t **doc, tg_record_t **rec)
{
    tg_record_t *r = tg_record_new();
    /* the date a file name gives, as a worker would have found it */
    tg_date_t d;
    char iso[16];
    if (f->name && tg_dates_in_name(f->name, tg_dates_guess_lang("", 0), &d) == 0) {
        tg_date_format(&d, iso, sizeof iso);
        tg_record_set_date(r, iso, TG_DATE_SOURCE_FILENAME);
    }
    tg_record_set_sha256(r, f->sha);
    tg_record_set_size(r, f->size);
    tg_record_set_mime(r, f->mime);
    tg_record_set_kind(r, f->kind);
    tg_record_set_lang(r, "und");
    tg_record_set_text_bytes(r, 0);
    tg_record_set_extractor(r, TG_EXTRACTOR_VERSION);
    tg_record_set_extraction(r, TG_EXTRACTION_FAILED, f->reason);
    *doc = tg_doc_new(); /* no text: an empty text part */
    *rec = r;
}

tg_status_t tg_content_put(tg_db_t *db, tg_stemmers_t *st, const char *sha, tg_doc_t *doc,
                           tg_record_t *rec)
{
    /* the sidecar metadata of all the locations, then every term and value
     * the record gives (compose.h) */
    tg_record_merge_sidecars(rec);
    tg_status_t s = tg_compose_record(doc, rec, st);
    if (s)
        return s;
    tg_buf_t t;
    tg_buf_init(&t, 128);
    tg_id_term(&t, sha);
    s = tg_db_replace(db, t.data, doc, NULL);
    tg_buf_free(&t);
    return s;
}

tg_status_t tg_content_detach(tg_db_t *db, tg_stemmers_t *st, const char *sha, const char *loc,
                              int *deleted)
{
    if (deleted)
        *deleted = 0;
    tg_doc_t *doc;
    tg_record_t *rec = tg_content_load(db, sha, &doc);
    if (!rec)
        return TG_OK;
    tg_status_t s = TG_OK;
    size_t k;
    if (tg_record_find_location(rec, loc, &k)) {
        if (tg_record_remove_location(rec, k) == 0) {
            tg_buf_t t;
            tg_buf_init(&t, 128);
            tg_id_term(&t, sha);
            s = tg_db_delete(db, t.data);
            tg_buf_free(&t);
            if (deleted)
                *deleted = 1;
        } else {
            /* composed again: the words of the file name that only this
             * location had go with it (a file renamed to protect a witness
             * must not be found by the old name) */
            s = tg_content_put(db, st, sha, doc, rec);
        }
    }
    tg_record_free(rec);
    tg_doc_free(doc);
    return s;
}
