/* Documents and locations in the index (see writer.h).
 *
 * Relies on lib/index/schema.h for every term, slot and record key; never commits
 * (the coordinator does, in batches).  Folder terms are rebuilt from the
 * record's locations each time a document is written, so detaching a
 * location never leaves a stale folder facet behind. */
#define _POSIX_C_SOURCE 200809L
#include "writer.h"

#include <string.h>

#include "docbuild.h"
#include "util.h"
#include "worker.h"

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

json_t *tg_content_load(tg_db_t *db, const char *sha, tg_doc_t **doc)
{
    *doc = NULL;
    tg_buf_t t;
    tg_buf_init(&t, 128);
    tg_id_term(&t, sha);
    tg_docid_t id;
    json_t *rec = NULL;
    if (tg_db_find(db, t.data, &id) == TG_OK && tg_db_get(db, id, doc) == TG_OK) {
        size_t len;
        char *data;
        tg_doc_get_data(*doc, &data, &len); /* NULL on an error: damaged */
        rec = tg_json_parse_object(data, len);
        free(data);
        if (!rec)
            rec = json_object(); /* damaged record: rebuild what we can */
    }
    tg_buf_free(&t);
    return rec;
}

json_t *tg_rec_locations(json_t *rec)
{
    json_t *l = json_object_get(rec, TG_REC_LOCATIONS);
    if (!json_is_array(l)) {
        l = json_array();
        json_object_set_new(rec, TG_REC_LOCATIONS, l);
    }
    return l;
}

static int loc_index(json_t *rec, const char *loc)
{
    json_t *l = tg_rec_locations(rec), *e;
    size_t i;
    json_array_foreach(l, i, e)
    {
        const char *p = tg_rec_str(e, "path");
        if (p && !strcmp(p, loc))
            return (int)i;
    }
    return -1;
}

int tg_rec_has_location(json_t *rec, const char *loc)
{
    return loc_index(rec, loc) >= 0;
}

int tg_rec_add_location(json_t *rec, const tg_place_t *p)
{
    int k = loc_index(rec, p->loc);
    json_t *l = tg_rec_locations(rec);
    if (k >= 0) {
        json_t *e = json_array_get(l, (size_t)k);
        int changed = 0;
        if (p->rel && (!tg_rec_str(e, "rel") || strcmp(tg_rec_str(e, "rel"), p->rel))) {
            tg_rec_set_exact(e, "rel", p->rel);
            changed = 1;
        }
        return (p->lm ? tg_locmeta_store(e, p->lm) : 0) | changed;
    }
    int64_t total = tg_rec_int(rec, TG_REC_LOCATIONS_TOTAL, (int64_t)json_array_size(l)) + 1;
    if (json_array_size(l) < TG_MAX_RECORD_LOCATIONS) {
        json_t *e = json_object();
        tg_rec_set_exact(e, "path", p->loc);
        if (p->rel)
            tg_rec_set_exact(e, "rel", p->rel);
        tg_rec_set_exact(e, "folder", p->folder);
        if (p->container)
            json_object_set_new(e, "in", json_string(p->container));
        if (p->lm)
            tg_locmeta_store(e, p->lm);
        /* in the order of their paths, not of arrival (which the workers'
         * timing decides): the same files give the same record, and the
         * first location, the one results show, is the same every run */
        size_t at = 0;
        for (; at < json_array_size(l); at++) {
            const char *q = tg_rec_str(json_array_get(l, at), "path");
            if (q && strcmp(q, p->loc) > 0)
                break;
        }
        json_array_insert_new(l, at, e);
    } else if (p->lm && (p->lm->restricted || p->lm->embargo[0] || p->lm->held)) {
        /* beyond the record's cap: no merge, but a restriction must hold
         * (an embargo too: permanently, failing closed) */
        json_object_set_new(rec, TG_REC_RESTRICTED_OVERFLOW, json_true());
    }
    if ((size_t)total > json_array_size(l))
        json_object_set_new(rec, TG_REC_LOCATIONS_TOTAL, json_integer(total));
    return 1;
}

int tg_rec_set_inherited(json_t *rec, const char *loc, const json_t *held, const char *rel)
{
    int k = loc_index(rec, loc);
    if (k < 0) {
        if (!held || json_is_true(json_object_get(rec, TG_REC_RESTRICTED_OVERFLOW)))
            return 0;
        json_object_set_new(rec, TG_REC_RESTRICTED_OVERFLOW, json_true());
        return 1;
    }
    json_t *e = json_array_get(tg_rec_locations(rec), (size_t)k);
    int changed = 0;
    json_t *cur = json_object_get(e, "inherited");
    if (held ? !json_equal(held, cur) : cur != NULL) {
        if (held)
            json_object_set_new(e, "inherited", json_deep_copy(held));
        else
            json_object_del(e, "inherited");
        changed = 1;
    }
    if (rel && (!tg_rec_str(e, "rel") || strcmp(tg_rec_str(e, "rel"), rel))) {
        tg_rec_set_exact(e, "rel", rel);
        changed = 1;
    }
    return changed;
}

const char *tg_rec_loc_status(const json_t *rec)
{
    const char *e = tg_rec_str(rec, TG_REC_EXTRACTION);
    if (e && !strcmp(e, TG_EXTRACTION_FAILED))
        return TG_LOC_FAILED;
    if (e && !strcmp(e, TG_EXTRACTION_UNSUPPORTED))
        return TG_LOC_UNSUPPORTED;
    if (json_is_true(json_object_get(rec, TG_REC_OCR_SKIPPED)))
        return TG_LOC_NO_OCR;
    return TG_LOC_INDEXED;
}

static int collect_term(void *ctx, const char *term, size_t len, unsigned freq)
{
    (void)freq;
    json_array_append_new(ctx, json_stringn(term, len));
    return 0;
}

/* The words of file names and their stems are the only unprefixed and Z
 * terms indexed with wdf 0 (below); a word the text or the title also has
 * has a wdf of at least 1. */
static int collect_name_word(void *ctx, const char *term, size_t len, unsigned wdf)
{
    size_t skip = term[0] == TG_PREFIX_STEM[0] ? 1 : 0;
    if (wdf == 0 && len > skip && !(term[skip] >= 'A' && term[skip] <= 'Z'))
        json_array_append_new(ctx, json_stringn(term, len));
    return 0;
}

tg_status_t tg_content_put(tg_db_t *db, tg_stemmers_t *st, const char *sha, tg_doc_t *doc,
                           json_t *rec)
{
    json_t *old = json_array(), *e;
    size_t i;
    tg_doc_each_term(doc, TG_PREFIX_FOLDER, collect_term, old);
    json_array_foreach(old, i, e) tg_doc_remove_term(doc, json_string_value(e));
    json_decref(old);

    tg_buf_t t;
    tg_buf_init(&t, 4096);
    const char *lang = tg_rec_str(rec, TG_REC_LANG) ? tg_rec_str(rec, TG_REC_LANG) : "und";
    json_array_foreach(tg_rec_locations(rec), i, e)
    {
        const char *folder = tg_rec_str(e, "folder");
        const char *path = tg_rec_str(e, "path");
        if (folder) {
            tg_buf_reset(&t);
            tg_bool_term(&t, TG_PREFIX_FOLDER, folder);
            tg_doc_add_term(doc, t.data, t.len, 0);
            if (i == 0)
                tg_doc_set_value(doc, TG_SLOT_FOLDER, folder, strlen(folder));
        }
        if (path) {
            /* words of the file name find the file too: "acta", "rodriguez" */
            const char *base = tg_location_basename(path);
            tg_index_text(doc, st, lang, "", base, strlen(base), NULL, 0);
        }
    }
    const char *ing = tg_rec_str(rec, TG_REC_INGESTED);
    if (ing)
        tg_doc_set_value(doc, TG_SLOT_INGEST, ing, strlen(ing));
    /* sidecar metadata of all the locations: fields, restriction, title, date */
    tg_docmeta_apply(doc, rec, st);

    size_t len;
    char *data = tg_json_dump(rec, &len);
    tg_doc_set_data(doc, data, len);
    free(data);
    tg_buf_reset(&t);
    tg_id_term(&t, sha);
    tg_status_t s = tg_db_replace(db, t.data, doc, NULL);
    tg_buf_free(&t);
    return s;
}

tg_status_t tg_content_detach(tg_db_t *db, tg_stemmers_t *st, const char *sha, const char *loc,
                              int *deleted)
{
    if (deleted)
        *deleted = 0;
    tg_doc_t *doc;
    json_t *rec = tg_content_load(db, sha, &doc);
    if (!rec)
        return TG_OK;
    tg_status_t s = TG_OK;
    int k = loc_index(rec, loc);
    if (k >= 0) {
        json_t *l = tg_rec_locations(rec);
        json_array_remove(l, (size_t)k);
        int64_t total = tg_rec_int(rec, TG_REC_LOCATIONS_TOTAL, 0);
        if (total > 0)
            json_object_set_new(rec, TG_REC_LOCATIONS_TOTAL, json_integer(total - 1));
        if (json_array_size(l) == 0 && total <= 1) {
            tg_buf_t t;
            tg_buf_init(&t, 128);
            tg_id_term(&t, sha);
            s = tg_db_delete(db, t.data);
            tg_buf_free(&t);
            if (deleted)
                *deleted = 1;
        } else {
            /* the words of the file name that only this location had go
             * with it (a file renamed to protect a witness must not be
             * found by the old name); put adds back those of the others */
            json_t *words = json_array(), *e;
            size_t i;
            tg_doc_each_term(doc, "", collect_name_word, words);
            json_array_foreach(words, i, e) tg_doc_remove_term(doc, json_string_value(e));
            json_decref(words);
            s = tg_content_put(db, st, sha, doc, rec);
        }
    }
    json_decref(rec);
    tg_doc_free(doc);
    return s;
}
