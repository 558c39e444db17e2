/* Unit tests: the composer (lib/index/compose.c).  A document is exactly
 * compose(text part, record): composing twice changes nothing; adding and
 * removing a location, or a sidecar coming and going, then composing gives
 * the same document as composing the final record from scratch; the text
 * part's terms survive, a file name's words go with it unless the text has
 * them; and a failed file's document (indexer/coordinator/writer.c,
 * tg_content_failed) comes from the same composer. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "compose.h"
#include "recordjson.h"
#include "util.h"
#include "writer.h"

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

static int add_line(void *ctx, const char *term, size_t len, unsigned wdf)
{
    tg_buf_addf(ctx, "%.*s %u\n", (int)len, term, wdf);
    return 0;
}

/* Everything the index would hold of doc: terms with wdf, values, data. */
static char *dump(tg_doc_t *doc)
{
    tg_buf_t b;
    tg_buf_init(&b, (size_t)-1);
    assert_int_equal(tg_doc_each_term(doc, "", add_line, &b), TG_OK);
    for (unsigned s = 0; s < 16; s++) {
        char *v = NULL;
        assert_int_equal(tg_doc_get_value(doc, s, &v), TG_OK);
        if (v && *v)
            tg_buf_addf(&b, "value %u %s\n", s, v);
        free(v);
    }
    char *data;
    size_t len;
    tg_doc_get_data(doc, &data, &len);
    /* the record's keys in a fixed order: a merge may move them */
    json_t *j = data ? json_loadb(data, len, 0, NULL) : NULL;
    char *sorted = j ? json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
    tg_buf_addf(&b, "data %s\n", sorted ? sorted : "");
    free(sorted);
    json_decref(j);
    free(data);
    char *s = tg_xstrdup(tg_buf_str(&b));
    tg_buf_free(&b);
    return s;
}

static const tg_date_t mention = {2024, 8, 5};
static const char *const persons[] = {"marino alvarado"};
static const char *const ids[] = {"12345678"};
static const char *const forms[] = {"alvarado"};
static const char *const person_ids[] = {"12345678 marino alvarado"};

/* The text part of a small testimony, as a worker makes it. */
static tg_doc_t *text_part(void)
{
    const char *text = "Declaración de Marino Alvarado sobre el acta.\fSegunda página, 5 de "
                       "agosto de 2024.";
    tg_text_part_t t = {.text = text,
                        .len = strlen(text),
                        .lang = "es",
                        .title = "Acta de audiencia",
                        .from = "Ana <ana@example.org>",
                        .to = "Luis",
                        .mentions = &mention,
                        .n_mentions = 1,
                        .persons = persons,
                        .n_persons = 1,
                        .ids = ids,
                        .n_ids = 1,
                        .person_forms = forms,
                        .n_person_forms = 1,
                        .person_ids = person_ids,
                        .n_person_ids = 1};
    unsigned *starts;
    size_t n;
    tg_doc_t *doc = tg_compose_text(&t, st, &starts, &n);
    assert_int_equal(n, 2);
    assert_int_equal(starts[0], 0);
    assert_int_equal(starts[1], 7);
    free(starts);
    return doc;
}

static tg_record_t *record(void)
{
    tg_record_t *r = tg_record_new();
    tg_record_set_sha256(r, "ab12");
    tg_record_set_kind(r, "text");
    tg_record_set_lang(r, "es");
    tg_record_set_size(r, 99);
    tg_record_set_title(r, "Acta de audiencia", "metadata");
    tg_record_set_date(r, "2024-08-05", TG_DATE_SOURCE_FIRST_LINE);
    tg_record_set_ingested(r, "2026-01-02T03:04:05Z");
    tg_record_add_location(r, "/x/casos/rodriguez-acta.txt", "casos/rodriguez-acta.txt", "casos",
                           NULL);
    return r;
}

/* compose(text part, r) from scratch, dumped. */
static char *from_scratch(const tg_record_t *r)
{
    tg_doc_t *doc = text_part();
    tg_record_t *c = tg_record_copy(r);
    tg_record_merge_sidecars(c);
    assert_int_equal(tg_compose_record(doc, c, st), TG_OK);
    char *s = dump(doc);
    tg_record_free(c);
    tg_doc_free(doc);
    return s;
}

static void compose_twice_changes_nothing(void **state)
{
    (void)state;
    tg_record_t *r = record();
    tg_doc_t *doc = text_part();
    assert_int_equal(tg_compose_record(doc, r, st), TG_OK);
    char *a = dump(doc);
    assert_int_equal(tg_compose_record(doc, r, st), TG_OK);
    char *b = dump(doc);
    assert_string_equal(a, b);
    /* each part is there */
    assert_true(tg_doc_has_term(doc, "Qab12"));
    assert_true(tg_doc_has_term(doc, "Ttext"));
    assert_true(tg_doc_has_term(doc, "Les"));
    assert_true(tg_doc_has_term(doc, "D2024-08-05"));
    assert_true(tg_doc_has_term(doc, "XFcasos"));
    assert_true(tg_doc_has_term(doc, "Sacta"));
    assert_true(tg_doc_has_term(doc, "rodriguez")); /* the file name */
    assert_true(tg_doc_has_term(doc, "declaracion"));
    assert_true(tg_doc_has_term(doc, "XM2024-08-05"));
    assert_true(tg_doc_has_term(doc, "XPmarino alvarado"));
    assert_true(tg_doc_has_term(doc, "XI12345678"));
    /* the persons' forms and numbers are the text's: the record keeps them */
    assert_true(tg_doc_has_term(doc, "XValvarado"));
    assert_true(tg_doc_has_term(doc, "XK12345678 marino alvarado"));
    assert_true(tg_doc_has_term(doc, "XAana"));
    assert_true(tg_doc_has_term(doc, "XTOluis"));
    assert_non_null(strstr(a, "value 7 casos\n"));
    assert_non_null(strstr(a, "value 1 0000000000000099\n"));
    assert_non_null(strstr(a, "\"sha256\":\"ab12\""));
    free(a);
    free(b);
    tg_doc_free(doc);
    tg_record_free(r);
}

static void locations_and_sidecars_recompose_as_from_scratch(void **state)
{
    (void)state;
    tg_record_t *r = record();
    char *before = from_scratch(r);
    tg_doc_t *doc = text_part();
    assert_int_equal(tg_compose_record(doc, r, st), TG_OK);

    /* a second location, with a sidecar that restricts and names a place */
    tg_location_t *l = tg_record_add_location(r, "/y/Otro/secreto-lugar.txt", NULL, "Otro", NULL);
    json_t *meta = json_pack("{s:[s], s:s}", "place", "Caracas", "title", "Título del testigo");
    tg_location_store_sidecar(l, meta, 1, NULL, NULL, NULL);
    json_decref(meta);
    tg_record_merge_sidecars(r);
    assert_int_equal(tg_compose_record(doc, r, st), TG_OK);
    char *now = dump(doc);
    char *scratch = from_scratch(r);
    assert_string_equal(now, scratch);
    assert_true(tg_doc_has_term(doc, "XR1"));
    assert_true(tg_doc_has_term(doc, "XLcaracas"));
    assert_true(tg_doc_has_term(doc, "Stestigo"));
    assert_true(tg_doc_has_term(doc, "Sacta")); /* the own title still finds it */
    assert_true(tg_doc_has_term(doc, "XFOtro"));
    assert_true(tg_doc_has_term(doc, "secreto"));
    free(now);
    free(scratch);

    /* it goes again: the document is the first one, byte for byte */
    size_t k;
    assert_non_null(tg_record_find_location(r, "/y/Otro/secreto-lugar.txt", &k));
    tg_record_remove_location(r, k);
    tg_record_merge_sidecars(r);
    assert_int_equal(tg_compose_record(doc, r, st), TG_OK);
    now = dump(doc);
    assert_string_equal(now, before);
    assert_false(tg_doc_has_term(doc, "secreto"));
    assert_false(tg_doc_has_term(doc, "XFOtro"));
    assert_false(tg_doc_has_term(doc, "XR1"));
    assert_false(tg_doc_has_term(doc, "Stestigo"));
    /* a file name's word the text has too stays: it is the text's */
    assert_true(tg_doc_has_term(doc, "acta"));
    free(now);
    free(before);
    tg_doc_free(doc);
    tg_record_free(r);
}

static void failed_file(void **state)
{
    (void)state;
    tg_failed_t f = {.sha = "cd34",
                     .size = 1234,
                     .mime = "application/pdf",
                     .kind = "pdf",
                     .reason = "damaged PDF",
                     .name = "2025-08-05_acta.pdf"};
    tg_doc_t *doc;
    tg_record_t *r;
    tg_content_failed(&f, &doc, &r);
    assert_string_equal(tg_record_get_extraction(r), TG_EXTRACTION_FAILED);
    assert_string_equal(tg_record_get_extraction_error(r), "damaged PDF");
    assert_string_equal(tg_record_loc_status(r), TG_LOC_FAILED);
    assert_string_equal(tg_record_get_date_source(r), TG_DATE_SOURCE_FILENAME);
    tg_record_add_location(r, "/x/2025-08-05_acta.pdf", NULL, "x", NULL);
    assert_int_equal(tg_compose_record(doc, r, st), TG_OK);
    assert_true(tg_doc_has_term(doc, "Qcd34"));
    assert_true(tg_doc_has_term(doc, "Tpdf"));
    assert_true(tg_doc_has_term(doc, "Lund"));
    assert_true(tg_doc_has_term(doc, "D2025-08-05"));
    assert_true(tg_doc_has_term(doc, "acta"));
    char *v;
    assert_int_equal(tg_doc_get_value(doc, TG_SLOT_KIND, &v), TG_OK);
    assert_string_equal(v, "pdf");
    free(v);
    tg_doc_free(doc);
    tg_record_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(compose_twice_changes_nothing),
        cmocka_unit_test(locations_and_sidecars_recompose_as_from_scratch),
        cmocka_unit_test(failed_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
