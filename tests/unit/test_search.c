/* Unit tests: the search library (lib/read/search.c) on a fixture archive built
 * here document by document: fetching by digest, restricted documents,
 * facet filters, date ranges, the term-prefix (person) facet, highlighting
 * a whole text, the public handle (embargoes by the clock, shown forms
 * of locations, originals of bundles holding hidden documents), every
 * read call answering while a writer commits under it (the retry), and
 * Xapian's message on an index error. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Stores rec (taken) as d's record and d (freed) as the document holding
 * qterm. */
static void replace(tg_db_t *db, const char *qterm, tg_doc_t *d, json_t *rec)
{
    size_t len;
    char *data = tg_json_dump(rec, &len);
    tg_doc_set_data(d, data, len);
    free(data);
    json_decref(rec);
    assert_int_equal(tg_db_replace(db, qterm, d, NULL), TG_OK);
    tg_doc_free(d);
}

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
    json_object_set_new(rec, "sha256", json_string(f->sha));
    json_object_set_new(rec, "kind", json_string(f->kind));
    json_object_set_new(rec, "lang", json_string(f->lang));
    json_object_set_new(rec, "date", json_string(f->date));
    json_t *locs = json_array(), *loc = json_object();
    char path[256];
    snprintf(path, sizeof path, "/fixtures/%s/%s.txt", f->folder, f->sha);
    json_object_set_new(loc, "path", json_string(path));
    json_object_set_new(loc, "folder", json_string(f->folder));
    json_array_append_new(locs, loc);
    json_object_set_new(rec, "locations", locs);
    replace(db, qterm, d, rec);
    free(qterm);
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
            if (!strcmp(tg_record_get_sha256(r.hits[i].rec), docs[3].sha))
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
    tg_record_t *rec;
    tg_docid_t id;
    assert_int_equal(tg_archive_get(a, docs[0].sha, 1, &rec, &id), TG_OK);
    assert_true(id > 0);
    assert_string_equal(tg_record_get_sha256(rec), docs[0].sha);
    tg_record_free(rec);

    /* restricted: as if it did not exist, unless asked for on purpose */
    assert_int_equal(tg_archive_get(a, docs[3].sha, 1, &rec, &id), TG_ERR_NOTFOUND);
    assert_null(rec);
    assert_int_equal(id, 0);
    assert_int_equal(tg_archive_get(a, docs[3].sha, 0, &rec, NULL), TG_OK);
    tg_record_free(rec);

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
    assert_int_equal(tg_query_parse(qp, "rodriguez detenido", NULL, &p, NULL), TG_OK);
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

/* ==== The public handle ==================================================== */

static char pub_dir[300];

/* A document of the second archive: text (its content), the record's other
 * keys (rec, taken), and terms. */
static void put(tg_db_t *db, tg_store_t *store, const char *text, json_t *rec, const char *term1,
                const char *slot_embargo, char sha[65])
{
    tg_store_writer_t *w;
    char err[256];
    uint64_t size;
    assert_int_equal(tg_store_writer_new(store, &w, err, sizeof err), TG_OK);
    assert_int_equal(tg_store_writer_add(w, text, strlen(text)), TG_OK);
    assert_int_equal(tg_store_writer_finish(w, sha, &size), TG_OK);
    assert_int_equal(tg_store_put_text(store, sha, text, strlen(text)), TG_OK);
    tg_doc_t *d = tg_doc_new();
    tg_buf_t t;
    tg_buf_init(&t, 1024);
    tg_id_term(&t, sha);
    tg_doc_add_term(d, t.data, t.len, 0);
    tg_doc_add_term(d, "palabra", 7, 1);
    tg_doc_set_value(d, TG_SLOT_FOLDER, "casos", 5);
    if (term1)
        tg_doc_add_term(d, term1, strlen(term1), 0);
    if (slot_embargo)
        tg_doc_set_value(d, TG_SLOT_EMBARGO, slot_embargo, strlen(slot_embargo));
    json_object_set_new(rec, "sha256", json_string(sha));
    replace(db, tg_buf_str(&t), d, rec);
    tg_buf_free(&t);
}

enum { P_SHOWN, P_LEGACY, P_RESTRICTED, P_EMBARGO, P_ENDED, P_BUNDLE, P_N };
static char pub_sha[P_N][65];

static void build_public_fixture(void)
{
    snprintf(pub_dir, sizeof pub_dir, "%s/public", dir);
    char err[256];
    tg_store_t *store;
    assert_int_equal(tg_store_open(pub_dir, 1, &store, err, sizeof err), TG_OK);
    tg_db_t *db;
    assert_int_equal(tg_db_open(tg_store_index_dir(store), TG_DB_WRITE, &db, err, sizeof err),
                     TG_OK);
    put(db, store, "palabra mostrada",
        json_pack("{s:[{s:s, s:s, s:s, s:[s]}], s:[s]}", "locations", "path",
                  "/home/ana/casos/2024/a.txt", "rel", "casos/2024/a.txt", "folder", "casos/2024",
                  "sidecar_from", "/home/ana/casos/manifest.csv line 2", "warnings",
                  "cannot read /home/ana/casos/2024/a.txt.json"),
        NULL, NULL, pub_sha[P_SHOWN]);
    /* written before shown forms: derived, never absolute */
    put(db, store, "palabra antigua",
        json_pack("{s:[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}, {s:s, s:s}]}", "locations", "path",
                  "/home/ana/casos/2024/b.txt", "folder", "casos/2024", "path",
                  "/home/ana/casos/c.txt", "folder", "casos", "path",
                  "/home/ana/casos/p.zip!/x/y.txt", "folder", "casos", "path",
                  "/home/ana/casos/2024/viejo/casos/2024/d.txt", "folder", "casos/2024"),
        NULL, NULL, pub_sha[P_LEGACY]);
    put(db, store, "palabra reservada",
        json_pack("{s:[{s:s, s:s}], s:b}", "locations", "path", "/home/ana/casos/r.txt", "folder",
                  "casos", "restricted", 1),
        TG_TERM_RESTRICTED, NULL, pub_sha[P_RESTRICTED]);
    put(db, store, "palabra embargada",
        json_pack("{s:[{s:s, s:s}], s:s}", "locations", "path", "/home/ana/casos/e.txt", "folder",
                  "casos", "embargo", "2030-06-15"),
        TG_TERM_EMBARGO, "2030-06-15", pub_sha[P_EMBARGO]);
    put(db, store, "palabra vencida",
        json_pack("{s:[{s:s, s:s}], s:s}", "locations", "path", "/home/ana/casos/v.txt", "folder",
                  "casos", "embargo", "2020-01-01"),
        TG_TERM_EMBARGO, "2020-01-01", pub_sha[P_ENDED]);
    /* a public bundle whose member is the restricted content */
    put(db, store, "palabra paquete",
        json_pack("{s:[{s:s, s:s}]}", "locations", "path", "/home/ana/casos/z.zip", "folder",
                  "casos"),
        NULL, NULL, pub_sha[P_BUNDLE]);
    tg_buf_t key;
    tg_buf_init(&key, 1024);
    tg_location_key(&key, "/home/ana/casos/z.zip!/dentro.txt");
    json_t *m = json_pack("{s:s, s:s}", "loc", "/home/ana/casos/z.zip!/dentro.txt", "sha256",
                          pub_sha[P_RESTRICTED]);
    char *v = tg_json_dump(m, NULL);
    assert_int_equal(tg_db_set_meta(db, tg_buf_str(&key), v, strlen(v)), TG_OK);
    free(v);
    json_decref(m);
    tg_buf_free(&key);
    assert_int_equal(tg_db_commit(db), TG_OK);
    tg_db_close(db);
    tg_store_close(store);
}

/* The digests a public search for "palabra" lists, as a bit set. */
static unsigned listed(tg_archive_t *a, tg_qparser_t *qp)
{
    tg_search_req_t req = {.limit = 100, .facets = 1};
    tg_results_t r;
    char err[256];
    assert_int_equal(tg_search_run(a, qp, "palabra", &req, &r, err, sizeof err), TG_OK);
    unsigned set = 0;
    for (size_t i = 0; i < r.n; i++)
        for (int k = 0; k < P_N; k++)
            if (!strcmp(tg_record_get_sha256(r.hits[i].rec), pub_sha[k]))
                set |= 1u << k;
    long long counted = 0;
    const char *key;
    json_t *v;
    json_object_foreach(json_object_get(r.facets, "folder"), key, v) counted +=
        json_integer_value(v);
    assert_int_equal(counted, r.total);
    tg_results_free(&r);
    return set;
}

static void public_handle_hides_and_embargoes_end(void **state)
{
    (void)state;
    build_public_fixture();
    char err[256];
    tg_archive_t *a, *op;
    assert_int_equal(tg_archive_open_public(pub_dir, &a, err, sizeof err), TG_OK);
    assert_int_equal(tg_archive_open(pub_dir, &op, err, sizeof err), TG_OK);
    assert_true(tg_archive_is_public(a));
    assert_false(tg_archive_is_public(op));
    tg_qparser_t *qp = tg_qparser_new();
    unsigned all = (1u << P_N) - 1, n;

    setenv("TESTIGO_TODAY", "2025-01-01", 1);
    char today[11];
    tg_today(today);
    assert_string_equal(today, "2025-01-01");
    unsigned want = all & ~(1u << P_RESTRICTED) & ~(1u << P_EMBARGO);
    assert_int_equal(listed(a, qp), want);
    assert_int_equal(tg_archive_count(a, &n), TG_OK);
    assert_int_equal(n, P_N - 2);
    assert_int_equal(tg_archive_count(op, &n), TG_OK);
    assert_int_equal(n, P_N);
    /* hidden: as if missing, whatever the caller asks */
    tg_record_t *rec;
    tg_buf_t text;
    for (int k = P_RESTRICTED; k <= P_EMBARGO; k++) {
        assert_int_equal(tg_archive_get(a, pub_sha[k], 0, &rec, NULL), TG_ERR_NOTFOUND);
        tg_record_t *fake = tg_record_new();
        tg_record_set_sha256(fake, pub_sha[k]);
        tg_buf_init(&text, 1024);
        assert_int_equal(tg_archive_text(a, fake, &text), TG_ERR_NOTFOUND);
        tg_buf_free(&text);
        tg_record_free(fake);
        int fd;
        uint64_t size;
        /* whatever the caller asks */
        assert_int_equal(tg_archive_original(a, pub_sha[k], 0, &rec, &fd, &size), TG_ERR_NOTFOUND);
        assert_int_equal(tg_archive_get(op, pub_sha[k], 0, &rec, NULL), TG_OK);
        tg_record_free(rec);
        /* the operator gets its original (an export), unless asking not to */
        assert_int_equal(tg_archive_original(op, pub_sha[k], 1, &rec, &fd, &size), TG_ERR_NOTFOUND);
        assert_int_equal(tg_archive_original(op, pub_sha[k], 0, &rec, &fd, &size), TG_OK);
        close(fd);
        tg_record_free(rec);
    }
    /* the operator may ask for them to be left out too */
    assert_int_equal(tg_archive_get(op, pub_sha[P_EMBARGO], 1, &rec, NULL), TG_ERR_NOTFOUND);

    /* an embargo holds through its last day, and ends without a re-index */
    setenv("TESTIGO_TODAY", "2030-06-15", 1);
    assert_int_equal(listed(a, qp), want);
    setenv("TESTIGO_TODAY", "2030-06-16", 1);
    assert_int_equal(listed(a, qp), want | 1u << P_EMBARGO);
    assert_int_equal(tg_archive_count(a, &n), TG_OK);
    assert_int_equal(n, P_N - 1);
    assert_int_equal(tg_archive_get(a, pub_sha[P_EMBARGO], 1, &rec, NULL), TG_OK);
    tg_record_free(rec);
    /* a clock override that is not a date is no override */
    setenv("TESTIGO_TODAY", "2099-02-30", 1);
    tg_today(today);
    assert_string_not_equal(today, "2099-02-30");
    unsetenv("TESTIGO_TODAY");

    /* a bundle holding a hidden document: listed, but its bytes not served */
    int fd;
    uint64_t size;
    assert_int_equal(tg_archive_get(a, pub_sha[P_BUNDLE], 1, &rec, NULL), TG_OK);
    tg_record_free(rec);
    assert_int_equal(tg_archive_original(a, pub_sha[P_BUNDLE], 1, &rec, &fd, &size),
                     TG_ERR_NOTFOUND);
    assert_int_equal(tg_archive_original(op, pub_sha[P_BUNDLE], 1, &rec, &fd, &size), TG_OK);
    assert_int_equal(size, strlen("palabra paquete"));
    close(fd);
    tg_record_free(rec);
    assert_int_equal(tg_archive_original(a, pub_sha[P_SHOWN], 1, &rec, &fd, &size), TG_OK);
    close(fd);
    tg_record_free(rec);
    tg_qparser_free(qp);
    tg_archive_close(a);
    tg_archive_close(op);
}

static void public_records_show_no_machine_path(void **state)
{
    (void)state;
    char err[256];
    tg_archive_t *a;
    assert_int_equal(tg_archive_open_public(pub_dir, &a, err, sizeof err), TG_OK);
    tg_record_t *rec;
    assert_int_equal(tg_archive_get(a, pub_sha[P_SHOWN], 1, &rec, NULL), TG_OK);
    const tg_location_t *l0 = tg_record_location(rec, 0);
    assert_string_equal(tg_location_get_path(l0), "casos/2024/a.txt");
    assert_null(tg_location_get_rel(l0));
    assert_string_equal(tg_location_sidecar_from(l0, 0), "casos/manifest.csv line 2");
    assert_string_equal(tg_record_nth(rec, TG_LIST_WARNINGS, 0),
                        "cannot read casos/2024/a.txt.json");
    char *dump = tg_record_dump(rec, NULL);
    assert_null(strstr(dump, "/home/ana"));
    free(dump);
    tg_record_free(rec);

    /* archives written before: the folder facet tells the root where it
     * can, else the file name alone */
    assert_int_equal(tg_archive_get(a, pub_sha[P_LEGACY], 1, &rec, NULL), TG_OK);
    assert_string_equal(tg_location_get_path(tg_record_location(rec, 0)), "casos/2024/b.txt");
    assert_string_equal(tg_location_get_path(tg_record_location(rec, 1)), "c.txt");
    assert_string_equal(tg_location_get_path(tg_record_location(rec, 2)), "p.zip!/x/y.txt");
    assert_string_equal(tg_location_get_path(tg_record_location(rec, 3)), "casos/2024/d.txt");
    dump = tg_record_dump(rec, NULL);
    assert_null(strstr(dump, "/home/ana"));
    free(dump);
    tg_record_free(rec);

    /* search results too */
    tg_qparser_t *qp = tg_qparser_new();
    tg_search_req_t req = {.limit = 100};
    tg_results_t r;
    assert_int_equal(tg_search_run(a, qp, "palabra", &req, &r, err, sizeof err), TG_OK);
    for (size_t i = 0; i < r.n; i++) {
        json_t *h = tg_hit_json(&r.hits[i]);
        dump = json_dumps(h, 0);
        assert_null(strstr(dump, "/home/ana"));
        free(dump);
        json_decref(h);
        dump = tg_record_dump(r.hits[i].rec, NULL);
        assert_null(strstr(dump, "/home/ana"));
        free(dump);
    }
    tg_results_free(&r);
    tg_qparser_free(qp);
    tg_archive_close(a);
}

/* ==== An index that changes under its readers =============================== */

/* Enough documents, with records long enough, that three commits rewriting
 * them all reuse the blocks of the revision a reader opened: its next read
 * of them meets Xapian's DatabaseModifiedError (a glass database keeps only
 * the last two revisions' blocks). */
#define BIG_N          1000
#define BIG_RESTRICTED 10 /* every hundredth document */
static char big_dir[300];
static char big_sha[65]; /* the first document's: text and original stored */
static const char *const big_names[] = {"ana rojas", "luis mora", "eva diaz"};

static void big_doc(tg_db_t *db, unsigned i, unsigned round, char sha[65])
{
    char id[32];
    snprintf(id, sizeof id, "big %u", i);
    if (i == 0)
        snprintf(id, sizeof id, "comun vuelta documento");
    tg_sha256_hex(id, strlen(id), sha);
    tg_doc_t *d = tg_doc_new();
    tg_buf_t t;
    tg_buf_init(&t, 1024);
    tg_id_term(&t, sha);
    char *qterm = tg_buf_detach(&t);
    tg_doc_add_term(d, qterm, strlen(qterm), 0);
    tg_doc_add_posting(d, "comun", 5, 1);
    tg_doc_add_posting(d, "vuelta", 6, 2 + round);
    tg_buf_init(&t, 1024);
    tg_bool_term(&t, TG_PREFIX_PERSON, big_names[i % 3]);
    tg_doc_add_term(d, t.data, t.len, 0);
    tg_buf_free(&t);
    if (i % 100 == 7)
        tg_doc_add_term(d, TG_TERM_RESTRICTED, strlen(TG_TERM_RESTRICTED), 0);
    tg_doc_set_value(d, TG_SLOT_KIND, "text", 4);
    char pad[300];
    memset(pad, 'a' + (char)((i + round) % 26), sizeof pad - 1);
    pad[sizeof pad - 1] = '\0';
    json_t *rec = json_pack("{s:s, s:s, s:[{s:s}], s:[{s:s, s:s}], s:b}", "sha256", sha, "title",
                            pad, "locations", "path", "/big/doc.txt", "persons", "name",
                            big_names[i % 3], "key", big_names[i % 3], "restricted", i % 100 == 7);
    replace(db, qterm, d, rec);
    free(qterm);
}

/* Rewrites every document, committing `commits` times. */
static void big_commits(unsigned commits)
{
    static unsigned round;
    char err[256], sha[65];
    tg_store_t *store;
    assert_int_equal(tg_store_open(big_dir, 1, &store, err, sizeof err), TG_OK);
    tg_db_t *db;
    assert_int_equal(tg_db_open(tg_store_index_dir(store), TG_DB_WRITE, &db, err, sizeof err),
                     TG_OK);
    for (unsigned c = 0; c < commits; c++) {
        round++;
        for (unsigned i = 0; i < BIG_N; i++)
            big_doc(db, i, round, sha);
        assert_int_equal(tg_db_commit(db), TG_OK);
    }
    tg_db_close(db);
    tg_store_close(store);
}

static void build_big_fixture(void)
{
    snprintf(big_dir, sizeof big_dir, "%s/big", dir);
    char err[256], sha[65];
    tg_store_t *store;
    assert_int_equal(tg_store_open(big_dir, 1, &store, err, sizeof err), TG_OK);
    const char *text = "comun vuelta documento";
    tg_store_writer_t *w;
    uint64_t size;
    assert_int_equal(tg_store_writer_new(store, &w, err, sizeof err), TG_OK);
    assert_int_equal(tg_store_writer_add(w, text, strlen(text)), TG_OK);
    assert_int_equal(tg_store_writer_finish(w, big_sha, &size), TG_OK);
    assert_int_equal(tg_store_put_text(store, big_sha, text, strlen(text)), TG_OK);
    tg_db_t *db;
    assert_int_equal(tg_db_open(tg_store_index_dir(store), TG_DB_WRITE, &db, err, sizeof err),
                     TG_OK);
    for (unsigned i = 0; i < BIG_N; i++)
        big_doc(db, i, 0, sha);
    assert_string_equal(sha, sha); /* the last; big_sha is the first's */
    assert_int_equal(tg_db_commit(db), TG_OK);
    tg_db_close(db);
    tg_store_close(store);
}

enum { R_SEARCH, R_FACETS, R_GET, R_COUNT, R_PERSONS, R_ALL_PERSONS, R_TEXT, R_ORIGINAL, R_N };
static const char *const read_names[R_N] = {
    "search", "facets", "get", "count", "persons", "all persons", "text", "original",
};

/* One read call of each kind (public: on a public handle), checked for
 * what it must answer when it succeeds; returns its status. */
static tg_status_t read_call(int kind, tg_archive_t *a, tg_qparser_t *qp)
{
    char err[512];
    tg_search_req_t req = {.limit = 20, .facets = kind == R_FACETS};
    tg_results_t r;
    tg_record_t *rec = NULL;
    json_t *o;
    unsigned n;
    int fd;
    uint64_t size;
    tg_buf_t text;
    unsigned shown = tg_archive_is_public(a) ? BIG_N - BIG_RESTRICTED : BIG_N;
    tg_status_t st = TG_OK;
    switch (kind) {
    case R_SEARCH:
    case R_FACETS:
        st = tg_search_run(a, qp, "comun", &req, &r, err, sizeof err);
        if (st)
            break;
        assert_int_equal(r.total, shown);
        assert_int_equal(r.n, 20);
        if (kind == R_FACETS)
            assert_int_equal(
                json_integer_value(json_object_get(json_object_get(r.facets, "kind"), "text")),
                shown);
        tg_results_free(&r);
        break;
    case R_GET:
        st = tg_archive_get(a, big_sha, 0, &rec, NULL);
        if (!st)
            assert_string_equal(tg_record_get_sha256(rec), big_sha);
        break;
    case R_COUNT:
        st = tg_archive_count(a, &n);
        if (!st)
            assert_int_equal(n, shown);
        break;
    case R_PERSONS:
    case R_ALL_PERSONS:
        st = tg_search_persons(a, qp, kind == R_PERSONS ? "comun" : NULL, &req, 0, &o, err,
                               sizeof err);
        if (st)
            break;
        assert_int_equal(json_integer_value(json_object_get(o, "documents")), shown);
        assert_int_equal(json_array_size(json_object_get(o, "persons")), 3);
        json_decref(o);
        break;
    case R_TEXT:
        tg_buf_init(&text, 1024);
        rec = tg_record_new();
        tg_record_set_sha256(rec, big_sha);
        st = tg_archive_text(a, rec, &text);
        if (!st)
            assert_string_equal(tg_buf_str(&text), "comun vuelta documento");
        tg_buf_free(&text);
        break;
    case R_ORIGINAL:
        st = tg_archive_original(a, big_sha, 1, &rec, &fd, &size);
        if (!st) {
            assert_int_equal(size, strlen("comun vuelta documento"));
            close(fd);
        }
        break;
    }
    tg_record_free(rec);
    return st;
}

static void reads_retry_while_the_index_changes(void **state)
{
    (void)state;
    build_big_fixture();
    char err[256];
    tg_qparser_t *qp = tg_qparser_new();
    /* for each kind of read: a handle with the retry, and one without (to
     * show that the read does meet a discarded revision) */
    for (int kind = 0; kind < R_N; kind++) {
        int pub = kind != R_ALL_PERSONS && kind != R_GET;
        tg_archive_t *a, *once;
        assert_int_equal(
            (pub ? tg_archive_open_public : tg_archive_open)(big_dir, &a, err, sizeof err), TG_OK);
        setenv("TESTIGO_READ_TRIES", "1", 1);
        assert_int_equal(
            (pub ? tg_archive_open_public : tg_archive_open)(big_dir, &once, err, sizeof err),
            TG_OK);
        unsetenv("TESTIGO_READ_TRIES");
        assert_int_equal(read_call(kind, a, qp), TG_OK); /* nothing changed yet */
        big_commits(3);
        tg_status_t st = read_call(kind, once, qp);
        if (st != TG_ERR_MODIFIED)
            print_error("%s without the retry: %s (%s)\n", read_names[kind], tg_status_str(st),
                        tg_archive_error(once));
        assert_int_equal(st, TG_ERR_MODIFIED);
        assert_non_null(strstr(tg_archive_error(once), "DatabaseModifiedError"));
        st = read_call(kind, a, qp);
        if (st)
            print_error("%s: %s\n", read_names[kind], tg_archive_error(a));
        assert_int_equal(st, TG_OK);
        tg_archive_close(once);
        tg_archive_close(a);
    }
    tg_qparser_free(qp);
}

/* Overwrites a file of the index with bytes that are no index. */
static void damage(const char *archive_dir, const char *name)
{
    char *p = NULL;
    assert_true(asprintf(&p, "%s/index/%s", archive_dir, name) > 0);
    FILE *f = fopen(p, "r+b");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    for (long i = 0; i < size; i++)
        fputc(0xAB, f);
    fclose(f);
    free(p);
}

static void index_errors_keep_xapians_message(void **state)
{
    (void)state;
    char err[512];
    tg_archive_t *a;
    tg_qparser_t *qp = tg_qparser_new();
    tg_search_req_t req = {.limit = 5};
    tg_results_t r;
    /* the records' table damaged under an open handle: a search, which
     * once gave hits with empty records, and a fetch, fail with Xapian's
     * words, on the handle and in the caller's buffer */
    assert_int_equal(tg_archive_open(big_dir, &a, err, sizeof err), TG_OK);
    damage(big_dir, "docdata.glass");
    err[0] = '\0';
    tg_status_t st = tg_search_run(a, qp, "comun", &req, &r, err, sizeof err);
    assert_int_equal(st, TG_ERR_CORRUPT);
    assert_non_null(strstr(err, "DatabaseCorruptError"));
    assert_non_null(strstr(tg_archive_error(a), "DatabaseCorruptError"));
    tg_record_t *rec;
    assert_int_equal(tg_archive_get(a, big_sha, 0, &rec, NULL), TG_ERR_CORRUPT);
    assert_null(rec);
    assert_non_null(strstr(tg_archive_error(a), "DatabaseCorruptError"));
    tg_archive_close(a);
    /* the postings damaged: opening may work, searching cannot */
    damage(big_dir, "postlist.glass");
    st = tg_archive_open(big_dir, &a, err, sizeof err);
    if (st) {
        assert_non_null(strstr(err, "Error"));
    } else {
        assert_int_not_equal(tg_search_run(a, qp, "comun", &req, &r, err, sizeof err), TG_OK);
        assert_non_null(strstr(err, "DatabaseCorruptError"));
        unsigned n;
        assert_int_not_equal(tg_archive_count(a, &n), TG_OK);
        tg_archive_close(a);
    }
    tg_qparser_free(qp);
}

/* A word that is its own stem writes no stem term (a quarter of a text's
 * terms); a search for any form of it still finds it, and still finds an
 * older document that wrote the stem term. */
static void stems_that_are_words(void **state)
{
    (void)state;
    static const char *const texts[] = {"La ley fue clara.", "Las leyes fueron claras.",
                                        "Una ley antigua."};
    char arch[300], err[256], sha[65];
    snprintf(arch, sizeof arch, "%s/stems", dir);
    tg_store_t *store;
    assert_int_equal(tg_store_open(arch, 1, &store, err, sizeof err), TG_OK);
    tg_db_t *db;
    assert_int_equal(tg_db_open(tg_store_index_dir(store), TG_DB_WRITE, &db, err, sizeof err),
                     TG_OK);
    tg_stemmers_t *st = tg_stemmers_new();
    for (size_t i = 0; i < 3; i++) {
        tg_sha256_hex(texts[i], strlen(texts[i]), sha);
        tg_doc_t *d = tg_doc_new();
        tg_buf_t t;
        tg_buf_init(&t, 128);
        tg_id_term(&t, sha);
        tg_doc_add_term(d, t.data, t.len, 0);
        unsigned pos = 0;
        tg_index_text(d, st, "es", "", texts[i], strlen(texts[i]), &pos, 1);
        assert_int_equal(tg_doc_has_term(d, "Zley"), i == 1); /* only "leyes" writes it */
        assert_int_equal(tg_doc_has_term(d, "ley"), i != 1);
        if (i == 2)
            tg_doc_add_term(d, "Zley", 4, 1); /* as archives before this wrote it */
        json_t *rec = json_object();
        json_object_set_new(rec, "sha256", json_string(sha));
        replace(db, tg_buf_str(&t), d, rec);
        tg_buf_free(&t);
    }
    tg_stemmers_free(st);
    assert_int_equal(tg_db_commit(db), TG_OK);
    tg_db_close(db);
    tg_store_close(store);

    tg_archive_t *a;
    assert_int_equal(tg_archive_open(arch, &a, err, sizeof err), TG_OK);
    tg_qparser_t *qp = tg_qparser_new();
    tg_search_req_t req = {0};
    assert_int_equal(run(a, qp, "leyes", &req, NULL, NULL), 3);
    req = (tg_search_req_t){0};
    assert_int_equal(run(a, qp, "ley", &req, NULL, NULL), 3);
    req = (tg_search_req_t){0};
    assert_int_equal(run(a, qp, "\"ley fue\"", &req, NULL, NULL), 1);
    tg_qparser_free(qp);
    tg_archive_close(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(get_by_digest_hides_restricted),
        cmocka_unit_test(search_hides_restricted),
        cmocka_unit_test(facets_and_filters),
        cmocka_unit_test(date_range),
        cmocka_unit_test(highlight_whole_text),
        cmocka_unit_test(public_handle_hides_and_embargoes_end),
        cmocka_unit_test(public_records_show_no_machine_path),
        cmocka_unit_test(reads_retry_while_the_index_changes),
        cmocka_unit_test(index_errors_keep_xapians_message),
        cmocka_unit_test(stems_that_are_words),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
