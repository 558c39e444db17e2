/* Unit tests: applying sidecar metadata to a document (indexer/coordinator/docmeta.c):
 * how locations combine, what a sidecar may replace (date precedence),
 * that everything is undone when a sidecar goes, and that applying twice
 * changes nothing. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "docmeta.h"
#include "schema.h"

static tg_stemmers_t *st;

static int setup(void **state)
{
    (void)state;
    st = tg_stemmers_new();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tg_stemmers_free(st);
    return 0;
}

static json_t *loc(const char *path, const char *sidecar_json, int restricted)
{
    json_t *e = json_pack("{s:s, s:s}", "path", path, "folder", "f");
    if (sidecar_json)
        json_object_set_new(e, "sidecar", json_loads(sidecar_json, 0, NULL));
    if (restricted)
        json_object_set_new(e, "restricted", json_true());
    return e;
}

static json_t *record(const char *date, const char *date_source)
{
    json_t *rec = json_pack("{s:s, s:s, s:s, s:s, s:[]}", "sha256", "ab", "title", "Own title",
                            "title_source", "metadata", "lang", "es", "locations");
    if (date) {
        json_object_set_new(rec, "date", json_string(date));
        json_object_set_new(rec, "date_source", json_string(date_source));
    }
    return rec;
}

static void locations_combine(void **state)
{
    (void)state;
    tg_doc_t *doc = tg_doc_new();
    json_t *rec = record(NULL, NULL);
    json_t *l = json_object_get(rec, "locations");
    json_array_append_new(l, loc("/a/1.txt",
                                 "{\"title\": \"First\", \"tags\": [\"Tortura\"], "
                                 "\"collection\": [\"Caso 12\"]}",
                                 0));
    json_array_append_new(l, loc("/b/2.txt",
                                 "{\"title\": \"Second\", \"tags\": [\"tortura\", \"Aislamiento\"],"
                                 " \"witness\": [\"Ana Pérez\"]}",
                                 1));
    json_array_append_new(l, loc("/c/3.txt", NULL, 0));
    tg_docmeta_apply(doc, rec, st);
    assert_string_equal(tg_rec_str(rec, "title"), "First");
    assert_string_equal(tg_rec_str(rec, "title_source"), "sidecar");
    json_t *sc = json_object_get(rec, TG_REC_SIDECAR);
    assert_int_equal(json_array_size(json_object_get(sc, "tags")), 2);
    assert_true(json_is_true(json_object_get(rec, TG_REC_RESTRICTED)));
    assert_true(tg_doc_has_term(doc, "XR1"));
    assert_true(tg_doc_has_term(doc, "XTtortura"));
    assert_true(tg_doc_has_term(doc, "XTaislamiento"));
    assert_true(tg_doc_has_term(doc, "XCcaso 12"));
    assert_true(tg_doc_has_term(doc, "XWana perez"));
    assert_true(tg_doc_has_term(doc, "Sfirst"));
    assert_true(tg_doc_has_term(doc, "Sown")); /* title: still finds the own title */

    /* applying again changes nothing */
    char *a = json_dumps(rec, JSON_SORT_KEYS);
    tg_docmeta_apply(doc, rec, st);
    char *b = json_dumps(rec, JSON_SORT_KEYS);
    assert_string_equal(a, b);
    free(a);
    free(b);

    /* the sidecars go: everything is as it was */
    size_t i;
    json_t *e;
    json_array_foreach(l, i, e)
    {
        json_object_del(e, "sidecar");
        json_object_del(e, "restricted");
    }
    tg_docmeta_apply(doc, rec, st);
    assert_string_equal(tg_rec_str(rec, "title"), "Own title");
    assert_string_equal(tg_rec_str(rec, "title_source"), "metadata");
    assert_null(json_object_get(rec, TG_REC_SIDECAR));
    assert_null(json_object_get(rec, TG_REC_SIDECAR_OWN));
    assert_null(json_object_get(rec, TG_REC_RESTRICTED));
    assert_false(tg_doc_has_term(doc, "XR1"));
    assert_false(tg_doc_has_term(doc, "XTtortura"));
    assert_false(tg_doc_has_term(doc, "Sfirst"));
    assert_true(tg_doc_has_term(doc, "Sown"));
    json_decref(rec);
    tg_doc_free(doc);
}

static void date_precedence(void **state)
{
    (void)state;
    /* the document's own date outranks a sidecar */
    tg_doc_t *doc = tg_doc_new();
    json_t *rec = record("2020-10-14T09:12:00Z", "pdf:CreationDate");
    tg_doc_set_date(doc, "2020-10-14T09:12:00Z");
    json_array_append_new(json_object_get(rec, "locations"),
                          loc("/a", "{\"date\": \"2024-07-30\", \"language\": \"en\"}", 0));
    tg_docmeta_apply(doc, rec, st);
    assert_string_equal(tg_rec_str(rec, "date"), "2020-10-14T09:12:00Z");
    assert_true(tg_doc_has_term(doc, "D2020-10-14"));
    assert_false(tg_doc_has_term(doc, "D2024"));
    assert_string_equal(tg_rec_str(rec, "lang"), "en");
    assert_true(tg_doc_has_term(doc, "Len"));
    assert_false(tg_doc_has_term(doc, "Les"));
    json_decref(rec);
    tg_doc_free(doc);

    /* ...but a sidecar outranks a date guessed from the file name */
    doc = tg_doc_new();
    rec = record("2019-05-01", TG_DATE_SOURCE_FILENAME);
    tg_doc_set_date(doc, "2019-05-01");
    json_t *l = loc("/a", "{\"date\": \"2024-07\"}", 0);
    json_array_append_new(json_object_get(rec, "locations"), l);
    tg_docmeta_apply(doc, rec, st);
    assert_string_equal(tg_rec_str(rec, "date"), "2024-07");
    assert_string_equal(tg_rec_str(rec, "date_source"), "sidecar");
    assert_true(tg_doc_has_term(doc, "D2024-07"));
    assert_false(tg_doc_has_term(doc, "D2019"));
    char *v = tg_doc_get_value(doc, TG_SLOT_MONTH);
    assert_string_equal(v, "2024-07");
    free(v);
    /* and gives way again when it goes */
    json_object_del(l, "sidecar");
    tg_docmeta_apply(doc, rec, st);
    assert_string_equal(tg_rec_str(rec, "date"), "2019-05-01");
    assert_string_equal(tg_rec_str(rec, "date_source"), "filename");
    assert_true(tg_doc_has_term(doc, "D2019-05-01"));
    assert_false(tg_doc_has_term(doc, "D2024"));
    json_decref(rec);
    tg_doc_free(doc);

    /* no date of its own: the sidecar's; and removing it leaves it undated */
    doc = tg_doc_new();
    rec = record(NULL, NULL);
    l = loc("/a", "{\"date\": \"2024\"}", 0);
    json_array_append_new(json_object_get(rec, "locations"), l);
    tg_docmeta_apply(doc, rec, st);
    assert_true(tg_doc_has_term(doc, "D2024"));
    json_object_del(l, "sidecar");
    tg_docmeta_apply(doc, rec, st);
    assert_null(json_object_get(rec, "date"));
    assert_false(tg_doc_has_term(doc, "D2024"));
    v = tg_doc_get_value(doc, TG_SLOT_DATE);
    assert_string_equal(v, "~");
    free(v);
    json_decref(rec);
    tg_doc_free(doc);
}

static void restriction_beyond_the_cap_and_prefixes(void **state)
{
    (void)state;
    tg_doc_t *doc = tg_doc_new();
    json_t *rec = record(NULL, NULL);
    json_object_set_new(rec, TG_REC_RESTRICTED_OVERFLOW, json_true());
    tg_docmeta_apply(doc, rec, st);
    assert_true(tg_doc_has_term(doc, "XR1"));
    json_decref(rec);

    /* another prefix that starts like ours is left alone (Omega's rule) */
    tg_doc_add_term(doc, "XCI12345678", 11, 0);
    tg_doc_add_term(doc, "XCold", 5, 0);
    tg_doc_remove_prefixed(doc, TG_PREFIX_COLLECTION);
    assert_true(tg_doc_has_term(doc, "XCI12345678"));
    assert_false(tg_doc_has_term(doc, "XCold"));
    tg_doc_free(doc);

    tg_buf_t b;
    tg_buf_init(&b, 256);
    tg_fold_value(&b, "  Caso  CARACAS, ¡2024! ", 25);
    assert_string_equal(tg_buf_str(&b), "caso caracas 2024");
    tg_buf_free(&b);
}

static void location_store_reports_changes(void **state)
{
    (void)state;
    json_t *e = json_pack("{s:s}", "path", "/a");
    tg_locmeta_t m = {0};
    assert_false(tg_locmeta_store(e, &m));
    m.meta = json_pack("{s:s, s:b}", "title", "x", "restricted", 1);
    m.restricted = 1;
    m.from = json_pack("[s]", "/a.json");
    assert_true(tg_locmeta_store(e, &m));
    assert_false(tg_locmeta_store(e, &m));
    assert_null(json_object_get(json_object_get(e, "sidecar"), "restricted"));
    assert_true(json_is_true(json_object_get(e, "restricted")));
    tg_locmeta_free(&m);
    assert_true(tg_locmeta_store(e, &m));
    assert_null(json_object_get(e, "sidecar"));
    assert_null(json_object_get(e, "restricted"));
    json_decref(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(locations_combine),
        cmocka_unit_test(date_precedence),
        cmocka_unit_test(restriction_beyond_the_cap_and_prefixes),
        cmocka_unit_test(location_store_reports_changes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
