/* tg-unrel: makes an archive look as if an earlier Testigo had written it,
 * before locations recorded their shown form: removes "rel" from every
 * location of every document's record and from every location's metadata.
 * For the tests of the web's shown paths on such archives, and of the
 * indexer recording them again on its next run.
 *
 * Usage: tg-unrel ARCHIVE        exit 0 done, 2 usage or archive errors */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "schema.h"
#include "store.h"
#include "xap.h"

typedef struct {
    tg_db_t *db;
    json_t *docs; /* Q terms */
    json_t *meta; /* [key, value] of the location records */
} unrel_t;

static int each_doc(void *ctx, const char *term, size_t len, unsigned freq)
{
    (void)freq;
    unrel_t *u = ctx;
    json_array_append_new(u->docs, json_stringn(term, len));
    return 0;
}

static int each_loc(void *ctx, const char *key, const char *value, size_t len)
{
    unrel_t *u = ctx;
    json_t *m = tg_json_parse_object(value, len);
    if (m && json_object_get(m, "rel")) {
        json_object_del(m, "rel");
        char *s = tg_json_dump(m, NULL);
        json_array_append_new(u->meta, json_pack("[s,s]", key, s));
        free(s);
    }
    json_decref(m);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: tg-unrel ARCHIVE\n");
        return 2;
    }
    char err[512];
    tg_store_t *store;
    if (tg_store_open(argv[1], 0, &store, err, sizeof err)) {
        fprintf(stderr, "tg-unrel: %s\n", err);
        return 2;
    }
    unrel_t u = {NULL, json_array(), json_array()};
    if (tg_db_open(tg_store_index_dir(store), TG_DB_WRITE, &u.db, err, sizeof err)) {
        fprintf(stderr, "tg-unrel: %s\n", err);
        tg_store_close(store);
        return 2;
    }
    int rc = 0;
    tg_db_each_term(u.db, TG_PREFIX_ID, each_doc, &u);
    tg_db_each_meta(u.db, "L", 1, each_loc, &u);
    size_t i;
    json_t *e;
    json_array_foreach(u.docs, i, e)
    {
        const char *term = json_string_value(e);
        tg_docid_t id;
        tg_doc_t *doc;
        if (tg_db_find(u.db, term, &id) || tg_db_get(u.db, id, &doc))
            continue;
        size_t len;
        char *data;
        tg_doc_get_data(doc, &data, &len);
        json_t *rec = tg_json_parse_object(data, len);
        free(data);
        json_t *l;
        size_t k;
        json_array_foreach(json_object_get(rec, "locations"), k, l) json_object_del(l, "rel");
        char *s = tg_json_dump(rec, &len);
        tg_doc_set_data(doc, s, len);
        free(s);
        json_decref(rec);
        if (tg_db_replace(u.db, term, doc, NULL))
            rc = 2;
        tg_doc_free(doc);
    }
    json_array_foreach(u.meta, i, e)
    {
        const char *v = json_string_value(json_array_get(e, 1));
        if (tg_db_set_meta(u.db, json_string_value(json_array_get(e, 0)), v, strlen(v)))
            rc = 2;
    }
    if (rc || tg_db_commit(u.db)) {
        fprintf(stderr, "tg-unrel: %s\n", tg_db_error(u.db));
        rc = 2;
    }
    printf("tg-unrel: %zu documents, %zu locations\n", json_array_size(u.docs),
           json_array_size(u.meta));
    json_decref(u.docs);
    json_decref(u.meta);
    tg_db_close(u.db);
    tg_store_close(store);
    return rc;
}
