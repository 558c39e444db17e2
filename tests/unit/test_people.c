/* Unit tests: the persons of an archive on the operator's handle and on a
 * public one (lib/read/people.c): a name, a variant or a cédula that only
 * restricted documents give is not listed publicly, cannot join two
 * persons there, and person: on a public handle does not reach through
 * it. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "compose.h"
#include "hash.h"
#include "schema.h"
#include "search.h"
#include "store.h"

static char dir[256];
static char archive[300];

typedef struct {
    const char *text;
    const char *name, *key; /* the person */
    const char *form;       /* a shorter form written, or NULL */
    const char *id;         /* the cédula attached, or NULL */
    int restricted;
} fixture_t;

static const fixture_t docs[] = {
    {"Declaración de Hilario José Mena Soto, cédula V-5.555.555.", "Hilario José Mena Soto",
     "hilario jose mena soto", NULL, "V-5555555", 0},
    {"Hilario Mena fue visto en el patio.", "Hilario Mena", "hilario mena", NULL, NULL, 0},
    /* restricted: another name with his cédula, and a short form */
    {"Comparece Hilario Mena Rivas, cédula V-5.555.555 (Hilo Mena).", "Hilario Mena Rivas",
     "hilario mena rivas", "Hilo Mena", "V-5555555", 1},
    /* restricted: a cédula nobody public has */
    {"Comparece Zoila Prado Luna, cédula V-9.999.999.", "Zoila Prado Luna", "zoila prado luna",
     NULL, "V-9999999", 1},
};

/* The document as the indexer makes it: the text part a worker would
 * compose for the fixture's person, and its record (restricted: the
 * restriction of a location beyond the cap, the simplest to set). */
static void add_doc(tg_db_t *db, tg_stemmers_t *st, const fixture_t *f)
{
    char sha[65];
    tg_sha256_hex(f->text, strlen(f->text), sha);
    const char *persons[] = {f->key};
    char idterm[128], digits[16] = "";
    const char *idv[] = {digits}, *pidv[] = {idterm};
    if (f->id) {
        size_t k = 0;
        for (const char *c = f->id; *c; c++)
            if (*c >= '0' && *c <= '9')
                digits[k++] = *c;
        digits[k] = '\0';
        snprintf(idterm, sizeof idterm, "%s %s", digits, f->key);
    }
    tg_text_part_t tp = {.text = f->text,
                         .len = strlen(f->text),
                         .lang = "es",
                         .persons = persons,
                         .n_persons = 1,
                         .ids = idv,
                         .n_ids = f->id ? 1 : 0,
                         .person_ids = pidv,
                         .n_person_ids = f->id ? 1 : 0};
    unsigned *starts;
    size_t npages;
    tg_doc_t *d = tg_compose_text(&tp, st, &starts, &npages);
    free(starts);
    tg_record_t *r = tg_record_new();
    tg_record_set_sha256(r, sha);
    tg_record_set_kind(r, "text");
    int k = tg_record_add_person(r, f->name, f->key, 1, 0);
    assert_true(k >= 0);
    tg_record_person_add_form(r, (size_t)k, f->name);
    if (f->form)
        tg_record_person_add_form(r, (size_t)k, f->form);
    if (f->id)
        tg_record_person_add_id(r, (size_t)k, f->id);
    tg_record_add_location(r, "/x/doc.txt", "doc.txt", "x", NULL);
    if (f->restricted)
        tg_record_set_restricted_overflow(r);
    tg_record_merge_sidecars(r);
    assert_int_equal(tg_compose_record(d, r, st), TG_OK);
    tg_buf_t t;
    tg_buf_init(&t, 1024);
    tg_id_term(&t, sha);
    assert_int_equal(tg_db_replace(db, tg_buf_str(&t), d, NULL), TG_OK);
    tg_buf_free(&t);
    tg_doc_free(d);
    tg_record_free(r);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/tg-people-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(archive, sizeof archive, "%s/archive", dir);
    char err[256];
    tg_store_t *store;
    if (tg_store_open(archive, 1, &store, err, sizeof err))
        return -1;
    tg_db_t *db;
    if (tg_db_open(tg_store_index_dir(store), TG_DB_WRITE, &db, err, sizeof err))
        return -1;
    tg_stemmers_t *st = tg_stemmers_new();
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        add_doc(db, st, &docs[i]);
    tg_stemmers_free(st);
    int rc = tg_db_commit(db) ? -1 : 0;
    tg_db_close(db);
    tg_store_close(store);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'; rm -rf '%s'", dir, dir);
    return system(cmd);
}

/* The persons list of handle a, as one line: "name:docs[variants][ids];..." */
static void list(tg_archive_t *a, const char *query, char *out, size_t len)
{
    tg_qparser_t *qp = tg_qparser_new();
    tg_search_req_t req = {0};
    json_t *o;
    char err[256];
    assert_int_equal(tg_search_persons(a, qp, query, &req, 0, &o, err, sizeof err), TG_OK);
    out[0] = '\0';
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(o, "persons"), i, p)
    {
        size_t n = strlen(out);
        char *v = json_dumps(json_object_get(p, "variants"), JSON_COMPACT);
        char *ids = json_dumps(json_object_get(p, "ids"), JSON_COMPACT);
        snprintf(out + n, len - n, "%s:%lld%s%s;", tg_rec_str(p, "name"),
                 (long long)tg_rec_int(p, "documents", 0), v, ids);
        free(v);
        free(ids);
    }
    json_decref(o);
    tg_qparser_free(qp);
}

static unsigned hits(tg_archive_t *a, const char *q)
{
    tg_qparser_t *qp = tg_qparser_new();
    tg_search_req_t req = {.limit = 10};
    tg_results_t r;
    char err[256];
    assert_int_equal(tg_search_run(a, qp, q, &req, &r, err, sizeof err), TG_OK);
    unsigned n = (unsigned)r.n;
    tg_results_free(&r);
    tg_qparser_free(qp);
    return n;
}

static void the_operator_sees_everything(void **state)
{
    (void)state;
    tg_archive_t *a;
    char err[256], out[2048];
    assert_int_equal(tg_archive_open(archive, &a, err, sizeof err), TG_OK);
    list(a, NULL, out, sizeof out);
    assert_string_equal(out, "Hilario José Mena Soto:3[\"Hilario Mena\",\"Hilario Mena Rivas\","
                             "\"Hilo Mena\"][\"V-5555555\"];"
                             "Zoila Prado Luna:1[][\"V-9999999\"];");
    assert_int_equal(hits(a, "person:\"Hilario Mena Rivas\""), 3);
    assert_int_equal(hits(a, "person:V-9999999"), 1);
    tg_archive_close(a);
}

static void public_never_shows_what_only_restricted_documents_say(void **state)
{
    (void)state;
    tg_archive_t *a;
    char err[256], out[2048];
    assert_int_equal(tg_archive_open_public(archive, &a, err, sizeof err), TG_OK);
    list(a, NULL, out, sizeof out);
    assert_string_equal(out, "Hilario José Mena Soto:2[\"Hilario Mena\"][\"V-5555555\"];");
    assert_null(strstr(out, "Rivas"));
    assert_null(strstr(out, "Hilo"));
    assert_null(strstr(out, "9999999"));
    list(a, "person:\"Hilario Mena\"", out, sizeof out);
    assert_string_equal(out, "Hilario José Mena Soto:2[\"Hilario Mena\"][\"V-5555555\"];");
    assert_int_equal(hits(a, "person:\"Hilario Mena Rivas\""), 0);
    assert_int_equal(hits(a, "person:V-9999999"), 0);
    assert_int_equal(hits(a, "person:V-5555555"), 2);
    tg_archive_close(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_operator_sees_everything),
        cmocka_unit_test(public_never_shows_what_only_restricted_documents_say),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
