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

static void add_doc(tg_db_t *db, const fixture_t *f)
{
    char sha[65];
    tg_sha256_hex(f->text, strlen(f->text), sha);
    tg_doc_t *d = tg_doc_new();
    tg_buf_t t;
    tg_buf_init(&t, 1024);
    tg_id_term(&t, sha);
    char *qterm = tg_xstrdup(tg_buf_str(&t));
    tg_doc_add_term(d, t.data, t.len, 0);
    tg_buf_reset(&t);
    tg_bool_term(&t, TG_PREFIX_PERSON, f->key);
    tg_doc_add_term(d, t.data, t.len, 0);
    json_t *p = json_object(), *forms = json_array();
    json_object_set_new(p, "name", json_string(f->name));
    json_object_set_new(p, "key", json_string(f->key));
    json_array_append_new(forms, json_string(f->name));
    if (f->form)
        json_array_append_new(forms, json_string(f->form));
    json_object_set_new(p, "forms", forms);
    if (f->id) {
        json_object_set_new(p, "ids", json_pack("[s]", f->id));
        char digits[16];
        size_t k = 0;
        for (const char *c = f->id; *c; c++)
            if (*c >= '0' && *c <= '9')
                digits[k++] = *c;
        digits[k] = '\0';
        tg_buf_reset(&t);
        tg_buf_adds(&t, TG_PREFIX_PERSON_ID);
        tg_buf_adds(&t, digits);
        tg_buf_adds(&t, " ");
        tg_buf_adds(&t, f->key);
        tg_doc_add_term(d, t.data, t.len, 0);
        tg_buf_reset(&t);
        tg_buf_adds(&t, TG_PREFIX_IDNUM);
        tg_buf_adds(&t, digits);
        tg_doc_add_term(d, t.data, t.len, 0);
    }
    tg_buf_free(&t);
    if (f->restricted)
        tg_doc_add_term(d, TG_TERM_RESTRICTED, strlen(TG_TERM_RESTRICTED), 0);
    json_t *rec = json_object();
    json_object_set_new(rec, TG_REC_SHA256, json_string(sha));
    json_object_set_new(rec, TG_REC_KIND, json_string("text"));
    json_object_set_new(rec, TG_REC_PERSONS, json_pack("[o]", p));
    if (f->restricted)
        json_object_set_new(rec, TG_REC_RESTRICTED, json_true());
    size_t len;
    char *data = tg_record_dump(rec, &len);
    tg_doc_set_data(d, data, len);
    free(data);
    json_decref(rec);
    assert_int_equal(tg_db_replace(db, qterm, d, NULL), TG_OK);
    tg_doc_free(d);
    free(qterm);
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
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        add_doc(db, &docs[i]);
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
