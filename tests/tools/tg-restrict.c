/* tg-restrict: marks a document of an archive as restricted (adds the term
 * TG_TERM_RESTRICTED), for the web tests: a restriction committed while the
 * server runs, without sidecars (the indexer writes the term from sidecar
 * metadata; tests/integration/62-restricted-web.sh tests that way).
 *
 * Usage: tg-restrict ARCHIVE SHA256     exit 0 done, 1 no such document,
 *                                       2 usage or archive errors */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>

#include "buf.h"
#include "hash.h"
#include "schema.h"
#include "store.h"
#include "xap.h"

int main(int argc, char **argv)
{
    if (argc != 3 || !tg_sha256_valid(argv[2])) {
        fprintf(stderr, "usage: tg-restrict ARCHIVE SHA256\n");
        return 2;
    }
    char err[512];
    tg_store_t *store;
    if (tg_store_open(argv[1], 0, &store, err, sizeof err)) {
        fprintf(stderr, "tg-restrict: %s\n", err);
        return 2;
    }
    tg_db_t *db;
    if (tg_db_open(tg_store_index_dir(store), TG_DB_WRITE, &db, err, sizeof err)) {
        fprintf(stderr, "tg-restrict: %s\n", err);
        tg_store_close(store);
        return 2;
    }
    int rc = 2;
    tg_buf_t term;
    tg_buf_init(&term, 128);
    tg_id_term(&term, argv[2]);
    tg_docid_t id;
    tg_doc_t *doc = NULL;
    if (tg_db_find(db, tg_buf_str(&term), &id)) {
        fprintf(stderr, "tg-restrict: no document %s\n", argv[2]);
        rc = 1;
    } else if (tg_db_get(db, id, &doc)) {
        fprintf(stderr, "tg-restrict: %s\n", tg_db_error(db));
    } else {
        tg_doc_add_term(doc, TG_TERM_RESTRICTED, sizeof TG_TERM_RESTRICTED - 1, 0);
        if (tg_db_replace(db, tg_buf_str(&term), doc, NULL) || tg_db_commit(db))
            fprintf(stderr, "tg-restrict: %s\n", tg_db_error(db));
        else
            rc = 0;
    }
    tg_doc_free(doc);
    tg_buf_free(&term);
    tg_db_close(db);
    tg_store_close(store);
    return rc;
}
