/* tg-docs: prints every document of an archive as the index holds it, in
 * the order of their Q terms: "doc Q...", "data " + the stored record,
 * "term T WDF" for each term, "value SLOT V" for each value slot 0..15;
 * with --positions, each term's positions too ("term T WDF: 1 5 9").
 * For comparing two archives built from the same files (an index written
 * by an earlier Testigo and one written now: docs/record.md), and for
 * taking records exactly as a version wrote them into test fixtures.
 *
 * Usage: tg-docs ARCHIVE [--data | --positions]   (--data: only the
 *        records, one a line)
 * exit 0 done, 2 usage or archive errors */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "store.h"
#include "util.h"
#include "xap.h"

typedef struct {
    char **v;
    size_t n, cap;
} list_t;

static int add(void *ctx, const char *term, size_t len, unsigned freq)
{
    list_t *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = tg_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = tg_xasprintf("%.*s %u", (int)len, term, freq);
    return 0;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int print_pos(void *ctx, unsigned pos)
{
    (void)ctx;
    printf(" %u", pos);
    return 0;
}

static void list_free(list_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3 ||
        (argc == 3 && strcmp(argv[2], "--data") && strcmp(argv[2], "--positions"))) {
        fprintf(stderr, "usage: tg-docs ARCHIVE [--data | --positions]\n");
        return 2;
    }
    int data_only = argc == 3 && !strcmp(argv[2], "--data");
    int positions = argc == 3 && !strcmp(argv[2], "--positions");
    char err[512];
    tg_store_t *store;
    if (tg_store_open(argv[1], 0, &store, err, sizeof err)) {
        fprintf(stderr, "tg-docs: %s\n", err);
        return 2;
    }
    tg_db_t *db;
    if (tg_db_open(tg_store_index_dir(store), TG_DB_READ, &db, err, sizeof err)) {
        fprintf(stderr, "tg-docs: %s\n", err);
        tg_store_close(store);
        return 2;
    }
    list_t ids = {0};
    tg_db_each_term(db, TG_PREFIX_ID, add, &ids);
    qsort(ids.v, ids.n, sizeof *ids.v, cmp);
    int rc = 0;
    for (size_t i = 0; i < ids.n; i++) {
        *strchr(ids.v[i], ' ') = '\0';
        tg_docid_t id;
        tg_doc_t *doc;
        if (tg_db_find(db, ids.v[i], &id) || tg_db_get(db, id, &doc)) {
            rc = 2;
            continue;
        }
        char *data;
        size_t len;
        tg_doc_get_data(doc, &data, &len);
        if (data_only) {
            printf("%.*s\n", (int)len, data ? data : "");
        } else {
            printf("doc %s\ndata %.*s\n", ids.v[i], (int)len, data ? data : "");
            list_t terms = {0};
            tg_doc_each_term(doc, "", add, &terms);
            qsort(terms.v, terms.n, sizeof *terms.v, cmp);
            for (size_t k = 0; k < terms.n; k++) {
                printf("term %s", terms.v[k]);
                if (positions) {
                    /* the term is what comes before the wdf */
                    *strrchr(terms.v[k], ' ') = '\0';
                    printf(":");
                    tg_db_each_position(db, id, terms.v[k], print_pos, NULL);
                }
                printf("\n");
            }
            list_free(&terms);
            for (unsigned s = 0; s < 16; s++) {
                char *v = NULL;
                if (tg_doc_get_value(doc, s, &v) == TG_OK && v && *v)
                    printf("value %u %s\n", s, v);
                free(v);
            }
        }
        free(data);
        tg_doc_free(doc);
    }
    list_free(&ids);
    tg_db_close(db);
    tg_store_close(store);
    return rc;
}
