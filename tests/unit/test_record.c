/* Unit tests: the typed record (lib/index/record.c).  Records exactly as
 * main wrote them before the record had a type (tests/unit/data/
 * records-main.jsonl, taken with tests/tools/tg-docs from archives that
 * main's testigo-index built of corpus/ and of a folder with sidecars, a
 * manifest and a restricted zip) parse, read through the accessors and
 * dump back to the same bytes, and merging their sidecars again changes
 * nothing: an archive written before reads unchanged, without migration.
 * Then locations (path order, the cap, removal), persons, lists, the
 * sidecar precedence, and damaged records. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "record.h"
#include "recordjson.h"

#define FIXTURE "tests/unit/data/records-main.jsonl"

/* The fixture's lines; n of them. */
static char *lines[32];
static size_t n_lines;

static int setup(void **state)
{
    (void)state;
    FILE *f = fopen(FIXTURE, "r");
    if (!f)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while (n_lines < 32 && (len = getline(&line, &cap, f)) > 0) {
        if (line[len - 1] == '\n')
            line[--len] = '\0';
        lines[n_lines++] = strdup(line);
    }
    free(line);
    fclose(f);
    return n_lines == 10 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < n_lines; i++)
        free(lines[i]);
    return 0;
}

/* The fixture's record whose sha256 starts with head. */
static tg_record_t *fixture(const char *head)
{
    for (size_t i = 0; i < n_lines; i++) {
        tg_record_t *r;
        assert_int_equal(tg_record_parse(lines[i], strlen(lines[i]), &r), TG_OK);
        if (!strncmp(tg_record_get_sha256(r), head, strlen(head)))
            return r;
        tg_record_free(r);
    }
    fail_msg("no record %s in the fixture", head);
    return NULL;
}

static void main_records_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < n_lines; i++) {
        tg_record_t *r;
        assert_int_equal(tg_record_parse(lines[i], strlen(lines[i]), &r), TG_OK);
        size_t len;
        char *s = tg_record_dump(r, &len);
        assert_string_equal(s, lines[i]);
        assert_int_equal(len, strlen(lines[i]));
        free(s);
        /* main applied the sidecars when it wrote them: applying them
         * again is the same record */
        tg_record_t *c = tg_record_copy(r);
        assert_int_equal(tg_record_merge_sidecars(c), 0);
        assert_true(tg_record_equal(c, r));
        tg_record_free(c);
        tg_record_free(r);
    }
}

static void main_records_read(void **state)
{
    (void)state;
    tg_record_t *r = fixture("56ee03b7");
    assert_string_equal(tg_record_get_kind(r), "pdf");
    assert_string_equal(tg_record_get_mime(r), "application/pdf");
    assert_int_equal(tg_record_get_size(r), 3563);
    assert_string_equal(tg_record_get_title(r),
                        "Constancia de acompañamiento a la familia Medina Colina");
    assert_string_equal(tg_record_get_own_title(r), tg_record_get_title(r));
    assert_string_equal(tg_record_get_title_source(r), "metadata");
    assert_string_equal(tg_record_get_date(r), "2025-01-15T10:00:00Z");
    assert_string_equal(tg_record_get_date_source(r), "pdf:CreationDate");
    assert_string_equal(tg_record_get_lang(r), "es");
    assert_int_equal(tg_record_get_pages(r), 1);
    assert_int_equal(tg_record_n_page_starts(r), 1);
    assert_int_equal(tg_record_page_start(r, 0), 0);
    assert_int_equal(tg_record_get_text_bytes(r), 1138);
    assert_int_equal(tg_record_get_extractor(r), 6);
    assert_string_equal(tg_record_get_extraction(r), TG_EXTRACTION_OK);
    assert_string_equal(tg_record_get_meta(r, "author"), "Red Ciudadana de Acompañamiento");
    assert_null(tg_record_get_meta(r, "nothing"));
    assert_int_equal(tg_record_n(r, TG_LIST_MENTIONS), 3);
    assert_string_equal(tg_record_nth(r, TG_LIST_MENTIONS, 0), "2024-11-28");
    assert_string_equal(tg_record_nth(r, TG_LIST_IDS, 0), "V-22781390");
    assert_int_equal(tg_record_n_persons(r), 2);
    tg_person_t p;
    assert_true(tg_record_person(r, 0, &p));
    assert_string_equal(p.name, "Jhonny Alexander Medina Colina");
    assert_string_equal(p.key, "jhonny alexander medina colina");
    assert_int_equal(p.count, 3);
    assert_false(p.listed);
    assert_int_equal(p.nforms, 2);
    assert_string_equal(tg_record_person_form(r, 0, 0), "Medina Colina");
    assert_int_equal(p.nids, 1);
    assert_string_equal(tg_record_person_id(r, 0, 0), "V-22781390");
    assert_true(tg_record_person(r, 1, &p));
    assert_int_equal(p.nids, 0);
    assert_false(tg_record_person(r, 2, &p));
    assert_int_equal(tg_record_n_locations(r), 1);
    assert_int_equal(tg_record_locations_total(r), 1);
    assert_false(tg_record_get_restricted(r));
    assert_null(tg_record_get_embargo(r));
    assert_string_equal(tg_record_loc_status(r), "indexed");
    tg_record_free(r);

    r = fixture("e9bd27d9"); /* an image read by OCR */
    assert_non_null(tg_record_ocr_json(r));
    assert_int_equal(tg_record_n_page_starts(r), 2);
    tg_record_free(r);

    r = fixture("371515b8"); /* a damaged PDF */
    assert_string_equal(tg_record_get_extraction(r), TG_EXTRACTION_FAILED);
    assert_non_null(tg_record_get_extraction_error(r));
    assert_string_equal(tg_record_loc_status(r), "failed");
    tg_record_free(r);

    r = fixture("5f1414b0"); /* a page with warnings */
    assert_true(tg_record_n(r, TG_LIST_WARNINGS) > 0);
    assert_non_null(tg_record_nth(r, TG_LIST_WARNINGS, 0));
    tg_record_free(r);
}

static void main_records_sidecars(void **state)
{
    (void)state;
    /* a.txt: a restricting FILE.json with a title, a date and a witness;
     * its copy sub/a-copia.txt: a manifest row with a place */
    tg_record_t *r = fixture("a500b8ba");
    assert_string_equal(tg_record_get_title(r), "Acta de la audiencia");
    assert_string_equal(tg_record_get_title_source(r), "sidecar");
    assert_null(tg_record_get_own_title(r));
    assert_string_equal(tg_record_get_date(r), "2020-01-02");
    assert_string_equal(tg_record_get_date_source(r), TG_DATE_SOURCE_SIDECAR);
    assert_true(tg_record_get_restricted(r));
    assert_string_equal(tg_record_nth_sidecar(r, "witness", 0), "Ana Pérez");
    assert_string_equal(tg_record_nth_sidecar(r, "place", 0), "Caracas");
    assert_int_equal(tg_record_n_sidecar(r, "place"), 1);
    assert_int_equal(tg_record_n_locations(r), 2);
    const tg_location_t *l = tg_record_location(r, 0);
    assert_string_equal(tg_location_get_path(l), "/tmp/i13ac-old/side/casos/a.txt");
    assert_string_equal(tg_location_get_rel(l), "casos/a.txt");
    assert_string_equal(tg_location_get_folder(l), "casos");
    assert_null(tg_location_get_container(l));
    assert_true(tg_location_get_restricted(l));
    assert_string_equal(tg_location_get_sidecar(l, "title"), "Acta de la audiencia");
    assert_int_equal(tg_location_n_sidecar(l, "witness"), 1);
    assert_int_equal(tg_location_n_sidecar_from(l), 1);
    l = tg_record_location(r, 1);
    assert_false(tg_location_get_restricted(l));
    assert_string_equal(tg_location_sidecar_from(l, 0),
                        "/tmp/i13ac-old/side/casos/manifest.csv line 2");
    /* the sidecar goes: the document's own values come back */
    size_t at;
    assert_non_null(tg_record_find_location(r, "/tmp/i13ac-old/side/casos/a.txt", &at));
    assert_int_equal(at, 0);
    assert_int_equal(tg_record_remove_location(r, at), 1);
    assert_int_equal(tg_record_merge_sidecars(r), 1);
    assert_null(tg_record_get_title(r));
    assert_string_equal(tg_record_get_date(r), "2024-08-05");
    assert_string_equal(tg_record_get_date_source(r), TG_DATE_SOURCE_FIRST_LINE);
    assert_false(tg_record_get_restricted(r));
    assert_null(tg_record_get_sidecar(r, "title"));
    assert_int_equal(tg_record_n_sidecar(r, "witness"), 0);
    assert_int_equal(tg_record_n_sidecar(r, "place"), 1);
    assert_int_equal(tg_record_merge_sidecars(r), 0);
    tg_record_free(r);

    /* b.txt: an embargo and a collection */
    r = fixture("3d532ea6");
    assert_string_equal(tg_record_get_embargo(r), "2099-01-01");
    assert_string_equal(tg_location_get_embargo(tg_record_location(r, 0)), "2099-01-01");
    assert_string_equal(tg_record_nth_sidecar(r, "collection", 0), "Caso Caracas");
    assert_int_equal(tg_record_n_sidecar(r, "tags"), 2);
    tg_record_free(r);

    /* x.txt inside the restricted c.zip */
    r = fixture("980a053d");
    l = tg_record_location(r, 0);
    assert_string_equal(tg_location_get_container(l),
                        "4db74005d079d0984f10ca48dbd9a90529e734a6cc86bd3614e6904f1d9980fc");
    assert_true(tg_location_has_inherited(l));
    assert_true(tg_location_inherited_restricted(l));
    assert_string_equal(tg_location_inherited_by(l), "/tmp/i13ac-old/side/casos/c.zip");
    assert_null(tg_location_inherited_embargo(l));
    assert_true(tg_record_get_restricted(r));
    tg_record_free(r);
}

static void locations_in_path_order(void **state)
{
    (void)state;
    tg_record_t *r = tg_record_new();
    assert_non_null(tg_record_add_location(r, "/x/c.txt", "x/c.txt", "x", NULL));
    assert_non_null(tg_record_add_location(r, "/x/a.txt", NULL, "x", NULL));
    tg_location_t *b = tg_record_add_location(r, "/x/b.zip!/m", "x/b.zip!/m", "x", "ab12");
    assert_string_equal(tg_location_get_container(b), "ab12");
    assert_int_equal(tg_record_n_locations(r), 3);
    assert_string_equal(tg_location_get_path(tg_record_location(r, 0)), "/x/a.txt");
    assert_string_equal(tg_location_get_path(tg_record_location(r, 1)), "/x/b.zip!/m");
    assert_string_equal(tg_location_get_path(tg_record_location(r, 2)), "/x/c.txt");
    assert_null(tg_location_get_rel(tg_record_location(r, 0)));
    assert_true(tg_location_set_rel(tg_record_location_w(r, 0), "x/a.txt"));
    assert_false(tg_location_set_rel(tg_record_location_w(r, 0), "x/a.txt"));
    assert_null(tg_record_location(r, 3));
    /* a control character in a file name stays one */
    tg_record_add_location(r, "/x/\x1b.txt", NULL, "x", NULL);
    assert_non_null(tg_record_find_location(r, "/x/\x1b.txt", NULL));
    char *s = tg_record_dump(r, NULL);
    assert_non_null(strcasestr(s, "\\u001b"));
    tg_record_t *back;
    assert_int_equal(tg_record_parse(s, strlen(s), &back), TG_OK);
    assert_true(tg_record_equal(r, back));
    tg_record_free(back);
    free(s);
    assert_int_equal(tg_record_remove_location(r, 0), 3);
    assert_int_equal(tg_record_n_locations(r), 3);
    tg_record_free(r);
}

static void locations_capped(void **state)
{
    (void)state;
    tg_record_t *r = tg_record_new();
    char p[64];
    for (int i = 0; i < TG_MAX_RECORD_LOCATIONS + 5; i++) {
        snprintf(p, sizeof p, "/d/%06d", i);
        tg_location_t *l = tg_record_add_location(r, p, NULL, "d", NULL);
        if (i < TG_MAX_RECORD_LOCATIONS)
            assert_non_null(l);
        else
            assert_null(l);
    }
    assert_int_equal(tg_record_n_locations(r), TG_MAX_RECORD_LOCATIONS);
    assert_int_equal(tg_record_locations_total(r), TG_MAX_RECORD_LOCATIONS + 5);
    assert_int_equal(tg_record_remove_location(r, 0), TG_MAX_RECORD_LOCATIONS + 4);
    assert_int_equal(tg_record_set_restricted_overflow(r), 1);
    assert_int_equal(tg_record_set_restricted_overflow(r), 0);
    tg_record_merge_sidecars(r);
    assert_true(tg_record_get_restricted(r));
    tg_record_t *c = tg_record_new();
    tg_record_take_locations(c, r);
    assert_int_equal(tg_record_locations_total(c), TG_MAX_RECORD_LOCATIONS + 4);
    tg_record_free(c);
    tg_record_free(r);
}

static void facts_and_lists(void **state)
{
    (void)state;
    tg_record_t *r = tg_record_new();
    tg_record_set_sha256(r, "ab");
    tg_record_set_title(r, "Bad \xff title", "metadata");
    assert_string_equal(tg_record_get_title_source(r), "metadata");
    assert_non_null(tg_record_get_title(r)); /* cleaned, valid UTF-8 */
    tg_record_set_title(r, NULL, "metadata");
    assert_null(tg_record_get_title(r));
    assert_null(tg_record_get_title_source(r));
    tg_record_set_extraction(r, TG_EXTRACTION_FAILED, "broken");
    assert_string_equal(tg_record_get_extraction_error(r), "broken");
    tg_record_set_extraction(r, TG_EXTRACTION_OK, NULL);
    assert_null(tg_record_get_extraction_error(r));
    tg_record_set_ocr_skipped(r, 1);
    assert_string_equal(tg_record_loc_status(r), "indexed-no-ocr");
    tg_record_set_ocr_skipped(r, 0);
    assert_false(tg_record_get_ocr_skipped(r));
    unsigned starts[] = {0, 17, 40};
    tg_record_set_pages(r, 3, starts, 3);
    assert_int_equal(tg_record_page_start(r, 2), 40);
    tg_record_set_meta(r, "author", "Ana");
    assert_string_equal(tg_record_get_meta(r, "author"), "Ana");
    for (int i = 0; i < TG_MAX_RECORD_IDS; i++)
        assert_true(tg_record_append(r, TG_LIST_IDS, "V-1"));
    assert_false(tg_record_append(r, TG_LIST_IDS, "V-2"));
    assert_int_equal(tg_record_n(r, TG_LIST_IDS), TG_MAX_RECORD_IDS);
    int k = tg_record_add_person(r, "Ana Pérez", "ana perez", 2, 1);
    assert_int_equal(k, 0);
    for (int i = 0; i < TG_MAX_RECORD_FORMS + 2; i++)
        tg_record_person_add_form(r, 0, "Ana");
    tg_record_person_add_id(r, 0, "V-1");
    tg_person_t p;
    assert_true(tg_record_person(r, 0, &p));
    assert_int_equal(p.nforms, TG_MAX_RECORD_FORMS);
    assert_int_equal(p.nids, 1);
    assert_true(p.listed);
    tg_record_free(r);
}

/* Text marks: set, stored under their key, read back; a damaged mark
 * reads as none; none set removes them. */
static void text_marks(void **state)
{
    (void)state;
    tg_record_t *r = tg_record_new();
    assert_int_equal(tg_record_n_text_marks(r), 0);
    unsigned pos[] = {9000, 18100};
    uint64_t off[] = {65540, (uint64_t)5 << 32};
    tg_record_set_text_marks(r, pos, off, 2);
    size_t len;
    char *s = tg_record_dump(r, &len);
    assert_non_null(strstr(s, "\"text_marks\":[[9000,65540],[18100,21474836480]]"));
    tg_record_t *back;
    assert_int_equal(tg_record_parse(s, len, &back), TG_OK);
    free(s);
    assert_int_equal(tg_record_n_text_marks(back), 2);
    unsigned p = 0;
    uint64_t o = 0;
    assert_true(tg_record_text_mark(back, 1, &p, &o));
    assert_int_equal(p, 18100);
    assert_true(o == ((uint64_t)5 << 32));
    assert_false(tg_record_text_mark(back, 2, &p, &o));
    tg_record_free(back);
    tg_record_set_text_marks(r, NULL, NULL, 0);
    assert_int_equal(tg_record_n_text_marks(r), 0);
    s = tg_record_dump(r, NULL);
    assert_null(strstr(s, "text_marks"));
    free(s);
    tg_record_free(r);

    const char *bad = "{\"text_marks\":[[0,5],[3,-1],[\"x\",1],7,[12,400]]}";
    assert_int_equal(tg_record_parse(bad, strlen(bad), &r), TG_OK);
    assert_int_equal(tg_record_n_text_marks(r), 5);
    for (size_t i = 0; i < 4; i++)
        assert_false(tg_record_text_mark(r, i, &p, &o));
    assert_true(tg_record_text_mark(r, 4, &p, &o));
    assert_int_equal(p, 12);
    assert_int_equal(o, 400);
    tg_record_free(r);
}

/* A sidecar date never replaces the document's own (its metadata), but
 * does replace a guess; the first location giving a title wins. */
static void sidecar_precedence(void **state)
{
    (void)state;
    const char *src =
        "{\"sha256\":\"ab\",\"title\":\"Own\",\"title_source\":\"metadata\","
        "\"lang\":\"es\",\"date\":\"2001-02-03\",\"date_source\":\"pdf:CreationDate\","
        "\"locations\":[{\"path\":\"/a\",\"folder\":\"f\",\"sidecar\":{\"title\":\"A\","
        "\"date\":\"1999\",\"language\":\"en\"}},{\"path\":\"/b\",\"folder\":\"f\","
        "\"sidecar\":{\"title\":\"B\"},\"embargo\":\"2098-01-01\",\"inherited\":{"
        "\"embargo\":\"2099-05-06\",\"by\":\"/z.zip\"}}]}";
    tg_record_t *r;
    assert_int_equal(tg_record_parse(src, strlen(src), &r), TG_OK);
    assert_int_equal(tg_record_merge_sidecars(r), 1);
    assert_string_equal(tg_record_get_title(r), "A");
    assert_string_equal(tg_record_get_own_title(r), "Own");
    assert_string_equal(tg_record_get_date(r), "2001-02-03");
    assert_string_equal(tg_record_get_lang(r), "en");
    assert_string_equal(tg_record_get_embargo(r), "2099-05-06");
    assert_false(tg_record_get_restricted(r));
    assert_int_equal(tg_record_merge_sidecars(r), 0);
    tg_record_free(r);

    /* a guessed date gives way; an unreadable embargo restricts */
    src = "{\"sha256\":\"ab\",\"lang\":\"es\",\"date\":\"2001\",\"date_source\":\"filename\","
          "\"locations\":[{\"path\":\"/a\",\"sidecar\":{\"date\":\"1999-01-02\"},"
          "\"embargo\":\"soon\"}]}";
    assert_int_equal(tg_record_parse(src, strlen(src), &r), TG_OK);
    tg_record_merge_sidecars(r);
    assert_string_equal(tg_record_get_date(r), "1999-01-02");
    assert_true(tg_record_get_restricted(r));
    assert_null(tg_record_get_embargo(r));
    tg_record_free(r);
}

static void damaged(void **state)
{
    (void)state;
    tg_record_t *r = (tg_record_t *)1;
    assert_int_equal(tg_record_parse("[1,2]", 5, &r), TG_ERR_CORRUPT);
    assert_null(r);
    assert_int_equal(tg_record_parse("{\"a\":", 5, &r), TG_ERR_CORRUPT);
    const char *bad = "{\"sha256\":5,\"size\":\"big\",\"locations\":{\"path\":\"/a\"},"
                      "\"persons\":[7],\"pages\":true,\"page_pos\":[\"x\"]}";
    assert_int_equal(tg_record_parse(bad, strlen(bad), &r), TG_OK);
    assert_null(tg_record_get_sha256(r));
    assert_int_equal(tg_record_get_size(r), 0);
    assert_int_equal(tg_record_n_locations(r), 0);
    assert_null(tg_record_location(r, 0));
    tg_person_t p;
    assert_false(tg_record_person(r, 0, &p));
    assert_int_equal(tg_record_get_pages(r), 0);
    assert_int_equal(tg_record_page_start(r, 0), 0);
    /* adding a location mends the list */
    assert_non_null(tg_record_add_location(r, "/a", NULL, "f", NULL));
    assert_int_equal(tg_record_n_locations(r), 1);
    tg_record_free(r);
    tg_record_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(main_records_round_trip),
        cmocka_unit_test(main_records_read),
        cmocka_unit_test(main_records_sidecars),
        cmocka_unit_test(locations_in_path_order),
        cmocka_unit_test(locations_capped),
        cmocka_unit_test(facts_and_lists),
        cmocka_unit_test(sidecar_precedence),
        cmocka_unit_test(damaged),
        cmocka_unit_test(text_marks),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
