/* Unit tests: the search library (lib/read/search.c) on a fixture archive built
 * here document by document: fetching by digest, restricted documents,
 * facet filters, date ranges, the term-prefix (person) facet, and
 * highlighting a whole text. */
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
#include "snippet.h"
#include "store.h"

static char dir[256];
static char archive[300];

typedef struct {
    const char *text;
    const char *kind, *lang, *date, *folder;
    const char *persons[3];
    int restricted;
    char sha[65];
} fixture_t;

static fixture_t docs[] = {
    {"Testimonio de María Rodríguez: fue detenida en Caracas.",
     "pdf",
     "es",
     "2024-07-30",
     "casos/2024",
     {"maria rodriguez", "jose perez"},
     0,
     ""},
    {"Carta de José Pérez sobre la detención en Maracaibo.",
     "text",
     "es",
     "2024-08-02",
     "casos/2024",
     {"jose perez"},
     0,
     ""},
    {"Report: Rodriguez was arrested in Caracas.",
     "text",
     "en",
     "2023-05-01",
     "news",
     {NULL},
     0,
     ""},
    {"Secreto: testigo protegido Rodríguez en Caracas.",
     "text",
     "es",
     "2024-07-31",
     "casos/2024",
     {"testigo protegido"},
     1,
     ""},
};

static void add_doc(tg_db_t *db, tg_store_t *store, tg_stemmers_t *st, fixture_t *f)
{
    tg_sha256_hex(f->text, strlen(f->text), f->sha);
    tg_doc_t *d = tg_doc_new();
    tg_buf_t t;
    tg_buf_init(&t, 1024);
    tg_id_term(&t, f->sha);
    tg_doc_add_term(d, t.data, t.len, 0);
    char *qterm = tg_buf_detach(&t);
    unsigned pos = 0;
    tg_index_text(d, st, f->lang, "", f->text, strlen(f->text), &pos, 1);
    tg_buf_init(&t, 1024);
    tg_bool_term(&t, TG_PREFIX_KIND, f->kind);
    tg_doc_add_term(d, t.data, t.len, 0);
    tg_buf_reset(&t);
    tg_bool_term(&t, TG_PREFIX_LANG, f->lang);
    tg_doc_add_term(d, t.data, t.len, 0);
    tg_buf_reset(&t);
    tg_bool_term(&t, TG_PREFIX_FOLDER, f->folder);
    tg_doc_add_term(d, t.data, t.len, 0);
    for (int i = 0; i < 3 && f->persons[i]; i++) {
        tg_buf_reset(&t);
        tg_bool_term(&t, TG_PREFIX_PERSON, f->persons[i]);
        tg_doc_add_term(d, t.data, t.len, 0);
    }
    tg_buf_free(&t);
    if (f->restricted)
        tg_doc_add_term(d, TG_TERM_RESTRICTED, strlen(TG_TERM_RESTRICTED), 0);
    tg_date_t date;
    assert_int_equal(tg_date_parse(f->date, strlen(f->date), &date), 0);
    tg_date_add_terms(d, TG_PREFIX_DATE, &date);
    char v[32];
    snprintf(v, sizeof v, "%04d%02d%02d", date.year, date.month, date.day);
    tg_doc_set_value(d, TG_SLOT_DATE, v, strlen(v));
    tg_doc_set_value(d, TG_SLOT_KIND, f->kind, strlen(f->kind));
    tg_doc_set_value(d, TG_SLOT_LANG, f->lang, strlen(f->lang));
    tg_doc_set_value(d, TG_SLOT_YEAR, f->date, 4);
    tg_doc_set_value(d, TG_SLOT_MONTH, f->date, 7);
    tg_doc_set_value(d, TG_SLOT_FOLDER, f->folder, strlen(f->folder));

    json_t *rec = json_object();
    json_object_set_new(rec, TG_REC_SHA256, json_string(f->sha));
    json_object_set_new(rec, TG_REC_KIND, json_string(f->kind));
    json_object_set_new(rec, TG_REC_LANG, json_string(f->lang));
    json_object_set_new(rec, TG_REC_DATE, json_string(f->date));
    json_t *locs = json_array(), *loc = json_object();
    char path[256];
    snprintf(path, sizeof path, "/fixtures/%s/%s.txt", f->folder, f->sha);
    json_object_set_new(loc, "path", json_string(path));
    json_object_set_new(loc, "folder", json_string(f->folder));
    json_array_append_new(locs, loc);
    json_object_set_new(rec, TG_REC_LOCATIONS, locs);
    size_t len;
    char *data = tg_record_dump(rec, &len);
    tg_doc_set_data(d, data, len);
    free(data);
    json_decref(rec);
    assert_int_equal(tg_db_replace(db, qterm, d, NULL), TG_OK);
    free(qterm);
    tg_doc_free(d);
    assert_int_equal(tg_store_put_text(store, f->sha, f->text, strlen(f->text)), TG_OK);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/tg-search-XXXXXX");
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
        add_doc(db, store, st, &docs[i]);
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

/* Runs q with req and returns the number of hits; *has_restricted set if
 * the restricted fixture is among them. */
static unsigned run(tg_archive_t *a, tg_qparser_t *qp, const char *q, tg_search_req_t *req,
                    int *has_restricted, json_t **facets)
{
    tg_results_t r;
    char err[256];
    if (!req->limit)
        req->limit = 100;
    tg_status_t st = tg_search_run(a, qp, q, req, &r, err, sizeof err);
    if (st)
        print_error("search '%s': %s\n", q, err);
    assert_int_equal(st, TG_OK);
    if (has_restricted) {
        *has_restricted = 0;
        for (size_t i = 0; i < r.n; i++)
            if (!strcmp(tg_rec_str(r.hits[i].rec, TG_REC_SHA256), docs[3].sha))
                *has_restricted = 1;
    }
    if (facets)
        *facets = json_incref(r.facets);
    unsigned n = (unsigned)r.n;
    tg_results_free(&r);
    return n;
}

static void get_by_digest_hides_restricted(void **state)
{
    (void)state;
    char err[256];
    tg_archive_t *a;
    assert_int_equal(tg_archive_open(archive, &a, err, sizeof err), TG_OK);
    json_t *rec;
    tg_docid_t id;
    assert_int_equal(tg_archive_get(a, docs[0].sha, 1, &rec, &id), TG_OK);
    assert_true(id > 0);
    assert_string_equal(tg_rec_str(rec, TG_REC_SHA256), docs[0].sha);
    json_decref(rec);

    /* restricted: as if it did not exist, unless asked for on purpose */
    assert_int_equal(tg_archive_get(a, docs[3].sha, 1, &rec, &id), TG_ERR_NOTFOUND);
    assert_null(rec);
    assert_int_equal(id, 0);
    assert_int_equal(tg_archive_get(a, docs[3].sha, 0, &rec, NULL), TG_OK);
    json_decref(rec);

    /* not digests */
    const char *bad[] = {"", "..", "../../etc/passwd", "ABCDEF", NULL};
    for (int i = 0; bad[i]; i++)
        assert_int_equal(tg_archive_get(a, bad[i], 1, &rec, NULL), TG_ERR_NOTFOUND);
    char upper[65];
    for (int i = 0; i < 65; i++)
        upper[i] = (char)(docs[0].sha[i] >= 'a' ? docs[0].sha[i] - 32 : docs[0].sha[i]);
    assert_int_equal(tg_archive_get(a, upper, 1, &rec, NULL), TG_ERR_NOTFOUND);
    char absent[65];
    memset(absent, '0', 64);
    absent[64] = '\0';
    assert_int_equal(tg_archive_get(a, absent, 1, &rec, NULL), TG_ERR_NOTFOUND);
    tg_archive_close(a);
}

static void search_hides_restricted(void **state)
{
    (void)state;
    char err[256];
    tg_archive_t *a;
    assert_int_equal(tg_archive_open(archive, &a, err, sizeof err), TG_OK);
    tg_qparser_t *qp = tg_qparser_new();
    int has;
    json_t *f;
    tg_search_req_t req = {.hide_restricted = 1, .facets = 1};
    assert_int_equal(run(a, qp, "rodriguez", &req, &has, &f), 2);
    assert_false(has);
    /* the restricted document's person is not counted either */
    assert_null(json_object_get(json_object_get(f, "person"), "testigo protegido"));
    json_decref(f);
    tg_search_req_t open = {.hide_restricted = 0};
    assert_int_equal(run(a, qp, "rodriguez", &open, &has, NULL), 3);
    assert_true(has);
    req.facets = 0;
    assert_int_equal(run(a, qp, "protegido", &req, &has, NULL), 0);
    tg_qparser_free(qp);
    tg_archive_close(a);
}

static void facets_and_filters(void **state)
{
    (void)state;
    char err[256];
    tg_archive_t *a;
    assert_int_equal(tg_archive_open(archive, &a, err, sizeof err), TG_OK);
    tg_qparser_t *qp = tg_qparser_new();
    json_t *f;
    tg_search_req_t req = {.hide_restricted = 1, .facets = 1};
    assert_int_equal(run(a, qp, "*", &req, NULL, &f), 3);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(f, "kind"), "text")), 2);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(f, "month"), "2024-07")),
                     1);
    json_t *persons = json_object_get(f, "person");
    assert_int_equal(json_object_size(persons), 2);
    assert_int_equal(json_integer_value(json_object_get(persons, "jose perez")), 2);
    assert_int_equal(json_integer_value(json_object_get(persons, "maria rodriguez")), 1);
    json_decref(f);

    tg_filter_t one[] = {{"kind", "text"}};
    req = (tg_search_req_t){.hide_restricted = 1, .filters = one, .n_filters = 1};
    assert_int_equal(run(a, qp, "*", &req, NULL, NULL), 2);
    /* same facet: either value; different facets: both */
    tg_filter_t two[] = {{"kind", "text"}, {"kind", "pdf"}, {"lang", "es"}};
    req = (tg_search_req_t){.hide_restricted = 1, .filters = two, .n_filters = 3};
    assert_int_equal(run(a, qp, "*", &req, NULL, NULL), 2);
    tg_filter_t person[] = {{"person", "jose perez"}};
    req = (tg_search_req_t){.hide_restricted = 1, .filters = person, .n_filters = 1};
    assert_int_equal(run(a, qp, "*", &req, NULL, NULL), 2);
    tg_filter_t folder[] = {{"folder", "news"}, {"year", "2023"}, {"month", "2023-05"}};
    req = (tg_search_req_t){.hide_restricted = 1, .filters = folder, .n_filters = 3};
    assert_int_equal(run(a, qp, "rodriguez", &req, NULL, NULL), 1);

    tg_filter_t bad[] = {{"color", "red"}};
    req = (tg_search_req_t){.limit = 10, .filters = bad, .n_filters = 1};
    tg_results_t r;
    assert_int_equal(tg_search_run(a, qp, "*", &req, &r, err, sizeof err), TG_ERR_INVALID);
    assert_non_null(strstr(err, "color"));
    tg_filter_t empty[] = {{"kind", ""}};
    req = (tg_search_req_t){.limit = 10, .filters = empty, .n_filters = 1};
    assert_int_equal(tg_search_run(a, qp, "*", &req, &r, err, sizeof err), TG_ERR_INVALID);
    tg_qparser_free(qp);
    tg_archive_close(a);
}

static void date_range(void **state)
{
    (void)state;
    char err[256];
    tg_archive_t *a;
    assert_int_equal(tg_archive_open(archive, &a, err, sizeof err), TG_OK);
    tg_qparser_t *qp = tg_qparser_new();
    tg_search_req_t req = {.hide_restricted = 1};
    tg_date_parse("2024-07", 7, &req.date_from);
    tg_date_parse("2024-07", 7, &req.date_to);
    assert_int_equal(run(a, qp, "*", &req, NULL, NULL), 1);
    req.date_to = (tg_date_t){0};
    assert_int_equal(run(a, qp, "*", &req, NULL, NULL), 2);
    req.date_from = (tg_date_t){0};
    tg_date_parse("2023-12-31", 10, &req.date_to);
    assert_int_equal(run(a, qp, "*", &req, NULL, NULL), 1);
    tg_date_parse("2024-01-01", 10, &req.date_from);
    tg_results_t r;
    assert_int_equal(tg_search_run(a, qp, "*", &req, &r, err, sizeof err), TG_ERR_INVALID);
    tg_qparser_free(qp);
    tg_archive_close(a);
}

static void highlight_whole_text(void **state)
{
    (void)state;
    tg_qparser_t *qp = tg_qparser_new();
    tg_parsed_t p;
    char err[256];
    assert_int_equal(tg_query_parse(qp, "rodriguez detenido", NULL, &p, err, sizeof err), TG_OK);
    const char *text = "RODRÍGUEZ fue detenida.\fPágina dos: Rodríguez, detenidos.";
    tg_span_t *s;
    size_t n = tg_highlight(&p, text, strlen(text), 100, &s);
    assert_int_equal(n, 4);
    assert_int_equal(s[0].off, 0);
    assert_int_equal(s[0].len, strlen("RODRÍGUEZ"));
    assert_memory_equal(text + s[1].off, "detenida", 8);
    assert_memory_equal(text + s[3].off, "detenidos", 9);
    free(s);
    assert_int_equal(tg_highlight(&p, text, strlen(text), 2, &s), 2);
    free(s);
    assert_int_equal(tg_highlight(&p, "nada", 4, 10, &s), 0);
    assert_null(s);
    tg_parsed_free(&p);
    tg_qparser_free(qp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(get_by_digest_hides_restricted),
        cmocka_unit_test(search_hides_restricted),
        cmocka_unit_test(facets_and_filters),
        cmocka_unit_test(date_range),
        cmocka_unit_test(highlight_whole_text),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
