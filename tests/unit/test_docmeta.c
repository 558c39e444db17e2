/* Unit tests: applying sidecar metadata to a document (the record's merge,
 * lib/index/record.c, and the composer, lib/index/compose.c; what passes
 * down, indexer/coordinator/docmeta.c):
 * how locations combine, what a sidecar may replace (date precedence),
 * that everything is undone when a sidecar goes, that applying twice
 * changes nothing, and what a bundle or mail passes down to what it holds
 * (restriction, embargo). */
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
#include "docmeta.h"
#include "recordjson.h"
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

/* What the writer does with a record (writer.c, tg_content_put): merges
 * its locations' sidecars and composes the document; rec (JSON, as
 * stored) gets the record's new state. */
static void tg_docmeta_apply(tg_doc_t *doc, json_t *rec, tg_stemmers_t *stemmers)
{
    char *s = json_dumps(rec, 0);
    tg_record_t *r;
    assert_int_equal(tg_record_parse(s, strlen(s), &r), TG_OK);
    free(s);
    tg_record_merge_sidecars(r);
    assert_int_equal(tg_compose_record(doc, r, stemmers), TG_OK);
    /* the merge never changes a location: the test's pointers into the
     * locations stay good */
    json_t *j = tg_record_to_json(r), *v;
    json_object_del(j, "locations");
    const char *k;
    void *tmp;
    json_object_foreach_safe(rec, tmp, k, v) if (strcmp(k, "locations") && !json_object_get(j, k))
        json_object_del(rec, k);
    json_object_update(rec, j);
    json_decref(j);
    tg_record_free(r);
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
    json_t *sc = json_object_get(rec, "sidecar");
    assert_int_equal(json_array_size(json_object_get(sc, "tags")), 2);
    assert_true(json_is_true(json_object_get(rec, "restricted")));
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
    assert_null(json_object_get(rec, "sidecar"));
    assert_null(json_object_get(rec, "sidecar_own"));
    assert_null(json_object_get(rec, "restricted"));
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
    char *v;
    assert_int_equal(tg_doc_get_value(doc, TG_SLOT_MONTH, &v), TG_OK);
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
    assert_int_equal(tg_doc_get_value(doc, TG_SLOT_DATE, &v), TG_OK);
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
    json_object_set_new(rec, "restricted_overflow", json_true());
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

static int store(tg_location_t *l, const tg_locmeta_t *m)
{
    return tg_location_store_sidecar(l, m->meta, m->restricted, m->embargo, m->from, m->held);
}

static void location_store_reports_changes(void **state)
{
    (void)state;
    tg_record_t *r = tg_record_new();
    tg_location_t *e = tg_record_add_location(r, "/a", NULL, NULL, NULL);
    tg_locmeta_t m = {0};
    assert_false(store(e, &m));
    m.meta = json_pack("{s:s, s:b}", "title", "x", "restricted", 1);
    m.restricted = 1;
    m.from = json_pack("[s]", "/a.json");
    assert_true(store(e, &m));
    assert_false(store(e, &m));
    assert_true(tg_location_has_sidecar(e));
    assert_null(tg_location_get_sidecar(e, "restricted"));
    assert_true(tg_location_get_restricted(e));
    tg_locmeta_free(&m);
    assert_true(store(e, &m));
    assert_false(tg_location_has_sidecar(e));
    assert_false(tg_location_get_restricted(e));
    /* an embargo and what the location holds from above */
    m.meta = json_pack("{s:s}", "embargo", "2030-01-01");
    snprintf(m.embargo, sizeof m.embargo, "2030-01-01");
    m.held = json_pack("{s:b, s:s}", "restricted", 1, "by", "/p.zip");
    assert_true(store(e, &m));
    assert_false(store(e, &m));
    assert_false(tg_location_has_sidecar(e)); /* the embargo is kept apart */
    assert_string_equal(tg_location_get_embargo(e), "2030-01-01");
    assert_string_equal(tg_location_inherited_by(e), "/p.zip");
    tg_locmeta_free(&m);
    assert_true(store(e, &m));
    assert_false(tg_location_has_embargo(e));
    assert_false(tg_location_has_inherited(e));
    tg_record_free(r);
}

static void inherited_restriction_and_embargo(void **state)
{
    (void)state;
    tg_doc_t *doc = tg_doc_new();
    json_t *rec = record(NULL, NULL);
    json_t *l = json_object_get(rec, "locations");
    json_t *member = loc("/a/p.zip!/m.txt", NULL, 0);
    json_object_set_new(member, "inherited",
                        json_pack("{s:b, s:s}", "restricted", 1, "by", "/a/p.zip"));
    json_array_append_new(l, member);
    json_array_append_new(l, loc("/b/copia.txt", NULL, 0));
    tg_docmeta_apply(doc, rec, st);
    /* one location restricted by what holds it: the content is */
    assert_true(tg_doc_has_term(doc, "XR1"));
    assert_true(json_is_true(json_object_get(rec, "restricted")));
    assert_false(tg_doc_has_term(doc, "XE1"));
    /* lifted from above: gone, with nothing else to keep */
    json_object_del(member, "inherited");
    tg_docmeta_apply(doc, rec, st);
    assert_false(tg_doc_has_term(doc, "XR1"));
    assert_null(json_object_get(rec, "restricted"));

    /* embargoes: the latest of any location, its own or passed down */
    json_object_set_new(member, "inherited",
                        json_pack("{s:s, s:s}", "embargo", "2031-05-01", "by", "/a/p.zip"));
    json_object_set_new(json_array_get(l, 1), "embargo", json_string("2030-01-01"));
    tg_docmeta_apply(doc, rec, st);
    assert_false(tg_doc_has_term(doc, "XR1"));
    assert_true(tg_doc_has_term(doc, "XE1"));
    char *v;
    assert_int_equal(tg_doc_get_value(doc, TG_SLOT_EMBARGO, &v), TG_OK);
    assert_string_equal(v, "2031-05-01");
    free(v);
    assert_string_equal(tg_rec_str(rec, "embargo"), "2031-05-01");
    /* an embargo no one can read restricts (fail closed) */
    json_object_set_new(json_array_get(l, 1), "embargo", json_string("pronto"));
    tg_docmeta_apply(doc, rec, st);
    assert_true(tg_doc_has_term(doc, "XR1"));
    json_object_set_new(json_array_get(l, 1), "embargo", json_integer(2030));
    tg_docmeta_apply(doc, rec, st);
    assert_true(tg_doc_has_term(doc, "XR1"));
    /* all gone: no term, no slot, no key */
    json_object_del(json_array_get(l, 1), "embargo");
    json_object_del(member, "inherited");
    tg_docmeta_apply(doc, rec, st);
    assert_false(tg_doc_has_term(doc, "XR1"));
    assert_false(tg_doc_has_term(doc, "XE1"));
    assert_int_equal(tg_doc_get_value(doc, TG_SLOT_EMBARGO, &v), TG_OK);
    assert_string_equal(v, "");
    free(v);
    assert_null(json_object_get(rec, "embargo"));
    json_decref(rec);
    tg_doc_free(doc);
}

static void what_passes_down(void **state)
{
    (void)state;
    /* nothing */
    assert_null(tg_locmeta_pass(0, "", NULL, "/a/p.zip"));
    assert_null(tg_locmeta_pass(0, NULL, NULL, "/a/p.zip"));
    /* its own restriction, named by itself */
    json_t *h = tg_locmeta_pass(1, "", NULL, "/a/p.zip");
    assert_true(json_is_true(json_object_get(h, "restricted")));
    assert_string_equal(tg_rec_str(h, "by"), "/a/p.zip");
    /* what it holds from above goes on, named by where it came from */
    json_t *h2 = tg_locmeta_pass(0, "", h, "/a/p.zip!/q.zip");
    assert_true(json_is_true(json_object_get(h2, "restricted")));
    assert_string_equal(tg_rec_str(h2, "by"), "/a/p.zip");
    json_decref(h2);
    /* a restriction outranks an embargo */
    h2 = tg_locmeta_pass(0, "2030-01-01", h, "/a/p.zip!/q.zip");
    assert_true(json_is_true(json_object_get(h2, "restricted")));
    assert_null(json_object_get(h2, "embargo"));
    json_decref(h2);
    json_decref(h);
    /* embargoes: the later, named by whoever set it */
    h = tg_locmeta_pass(0, "2031-01-01", NULL, "/a/p.zip");
    h2 = tg_locmeta_pass(0, "2030-01-01", h, "/a/p.zip!/q.zip");
    assert_string_equal(tg_rec_str(h2, "embargo"), "2031-01-01");
    assert_string_equal(tg_rec_str(h2, "by"), "/a/p.zip");
    json_decref(h2);
    h2 = tg_locmeta_pass(0, "2032-01-01", h, "/a/p.zip!/q.zip");
    assert_string_equal(tg_rec_str(h2, "embargo"), "2032-01-01");
    assert_string_equal(tg_rec_str(h2, "by"), "/a/p.zip!/q.zip");
    json_decref(h2);
    json_decref(h);

    /* tg_locmeta_inherit: a member gets what its bundle passes */
    tg_locmeta_t parent = {0}, child = {0};
    parent.restricted = 1;
    tg_locmeta_inherit(&child, "/a/p.zip", &parent);
    assert_string_equal(tg_rec_str(child.held, "by"), "/a/p.zip");
    parent.restricted = 0;
    tg_locmeta_inherit(&child, "/a/p.zip", &parent);
    assert_null(child.held);
    tg_locmeta_free(&child);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(locations_combine),
        cmocka_unit_test(date_precedence),
        cmocka_unit_test(restriction_beyond_the_cap_and_prefixes),
        cmocka_unit_test(location_store_reports_changes),
        cmocka_unit_test(inherited_restriction_and_embargo),
        cmocka_unit_test(what_passes_down),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
