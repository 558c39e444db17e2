/* Unit tests: lexicons (lib/base/lexicon.c) and the joining of words hyphenated
 * at a line end (tg_text_join_hyphens in lib/base/text.c), over small word lists
 * written here, so they pass whether or not the system has word lists; and
 * the joining of OCR text as the extractors collect it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "extract.h"
#include "lexicon.h"
#include "ocr.h"
#include "text.h"

static const char spanish[] = "detención\ndetenido\nfranco\nvenezolano\nhispano\n"
                              "político\nmilitar\ncantar\nvez\nnación\nrápido\n"
                              "testimonio\nCaracas\nactivo\n";
static const char english[] = "collaboration\ncreative\nactivities\nwell\nknown\nself\n"
                              "evident\nthe\nis\ncat\ncat's\nlong term\nAlabama\n";

static tg_lexicon_t *small(void)
{
    tg_lexicon_t *lx = tg_lexicon_new();
    assert_int_equal(tg_lexicon_add_words(lx, spanish, sizeof spanish - 1, TG_LEX_ES), TG_OK);
    assert_int_equal(tg_lexicon_add_words(lx, english, sizeof english - 1, TG_LEX_EN), TG_OK);
    return lx;
}

static void lookup_and_inflections(void **state)
{
    (void)state;
    tg_lexicon_t *lx = small();
    /* cat's and "long term" are not words; cat once */
    assert_int_equal(tg_lexicon_size(lx), 25);
    assert_int_equal(tg_lexicon_find(lx, "detencion", 9), TG_LEX_ES);
    assert_int_equal(tg_lexicon_find(lx, "caracas", 7), TG_LEX_ES | TG_LEX_NAME);
    assert_int_equal(tg_lexicon_find(lx, "cats", 4), 0);
#define KNOWS(w) tg_lexicon_knows(lx, w, strlen(w))
    assert_int_equal(KNOWS("DETENCIÓN"), TG_LEX_ES);
    assert_int_equal(KNOWS("detenciones"), TG_LEX_ES);
    assert_int_equal(KNOWS("detenidos"), TG_LEX_ES);
    assert_int_equal(KNOWS("venezolanas"), TG_LEX_ES);
    assert_int_equal(KNOWS("veces"), TG_LEX_ES);
    assert_int_equal(KNOWS("militares"), TG_LEX_ES);
    assert_int_equal(KNOWS("cantaban"), TG_LEX_ES);
    assert_int_equal(KNOWS("rápidamente"), TG_LEX_ES);
    assert_int_equal(KNOWS("cats"), TG_LEX_EN);
    assert_int_equal(KNOWS("laboration"), 0);
    assert_int_equal(KNOWS("ción"), 0);
    assert_int_equal(KNOWS(""), 0);
    assert_int_equal(tg_lexicon_knows(NULL, "the", 3), 0);
    tg_lexicon_free(lx);
    tg_lexicon_free(NULL);
}

static void missing_list(void **state)
{
    (void)state;
    tg_lexicon_t *lx = tg_lexicon_new();
    assert_int_equal(tg_lexicon_add_file(lx, "/nonexistent/spanish", TG_LEX_ES), TG_ERR_NOTFOUND);
    assert_int_equal(tg_lexicon_size(lx), 0);
    tg_lexicon_free(lx);
}

static char *join(const char *in, size_t from, const tg_lexicon_t *lx, size_t *n)
{
    tg_buf_t b;
    tg_buf_init(&b, 1 << 20);
    tg_buf_adds(&b, in);
    *n = tg_text_join_hyphens(&b, from, lx);
    return tg_buf_detach(&b);
}

#define JOINS(lx, in, want, count)                                                                 \
    do {                                                                                           \
        size_t n_;                                                                                 \
        char *o_ = join(in, 0, lx, &n_);                                                           \
        assert_string_equal(o_, want);                                                             \
        assert_int_equal(n_, count);                                                               \
        free(o_);                                                                                  \
    } while (0)

static void joins_cut_words(void **state)
{
    (void)state;
    tg_lexicon_t *lx = small();
    JOINS(lx, "Col-\nlaboration is the key", "Collaboration\nis the key", 1);
    JOINS(lx, "of cre-\native activities", "of creative\nactivities", 1);
    JOINS(lx, "la deten-\nción de Pérez", "la detención\nde Pérez", 1);
    JOINS(lx, "fueron deten-\n  idos, luego", "fueron detenidos,\nluego", 1);
    /* the tail alone is no word */
    JOINS(lx, "una testi-\nmonial", "una testimonial", 1);
    /* the whole line was the tail */
    JOINS(lx, "cre-\native\nnext", "creative\nnext", 1);
    /* blanks around the line end, CR LF */
    JOINS(lx, "cre- \r\n ative x", "creative\nx", 1);
    /* soft hyphen: always a cut */
    JOINS(lx, "franco\xC2\xAD\nvenezolano", "francovenezolano", 1);
    /* cut twice */
    JOINS(lx, "col-\nlabo-\nration!", "collaboration!", 2);
    /* capitals: a headline */
    JOINS(lx, "LA DETEN-\nCIÓN", "LA DETENCIÓN", 1);
    tg_lexicon_free(lx);
}

static void keeps_compounds(void **state)
{
    (void)state;
    tg_lexicon_t *lx = small();
    JOINS(lx, "el acuerdo franco-\nvenezolano firmado", "el acuerdo franco-\nvenezolano firmado",
          0);
    JOINS(lx, "los pactos franco-\nvenezolanos", "los pactos franco-\nvenezolanos", 0);
    JOINS(lx, "político-\nmilitares", "político-\nmilitares", 0);
    JOINS(lx, "a well-\nknown fact", "a well-\nknown fact", 0);
    /* a capital tail: a name or a compound of names */
    JOINS(lx, "Franco-\nVenezuelan", "Franco-\nVenezuelan", 0);
    /* not at a line end, a blank line, a page break, digits, no head */
    JOINS(lx, "franco-venezolano", "franco-venezolano", 0);
    JOINS(lx, "cre-\n\native", "cre-\n\native", 0);
    JOINS(lx, "cre-\n\fative", "cre-\n\fative", 0);
    JOINS(lx, "1990-\n2000", "1990-\n2000", 0);
    JOINS(lx, " -\nlista", " -\nlista", 0);
    JOINS(lx, "cre-", "cre-", 0);
    JOINS(lx, "cre-\n", "cre-\n", 0);
    tg_lexicon_free(lx);
}

/* A text made to grow the head at every join: joins stop at the longest
 * word looked at, and the whole text takes linear time. */
static void long_runs_are_bounded(void **state)
{
    (void)state;
    tg_lexicon_t *empty = tg_lexicon_new();
    tg_buf_t b;
    tg_buf_init(&b, 1 << 22);
    for (int i = 0; i < 100000; i++)
        tg_buf_adds(&b, "x-\n");
    size_t n = tg_text_join_hyphens(&b, 0, empty);
    assert_true(n > 0 && n < 100000);
    /* a run of letters longer than any word is never a head or a tail */
    tg_buf_reset(&b);
    for (int i = 0; i < 300; i++)
        tg_buf_addc(&b, 'a');
    tg_buf_adds(&b, "-\nbc");
    assert_int_equal(tg_text_join_hyphens(&b, 0, empty), 0);
    tg_buf_free(&b);
    tg_lexicon_free(empty);
}

static void without_lexicon(void **state)
{
    (void)state;
    /* no word lists: every cut before a lowercase letter is joined */
    tg_lexicon_t *empty = tg_lexicon_new();
    JOINS(empty, "franco-\nvenezolano y cre-\native", "francovenezolano\ny creative", 2);
    JOINS(empty, "Franco-\nVenezuelan", "Franco-\nVenezuelan", 0);
    tg_lexicon_free(empty);
}

static void only_from_the_offset(void **state)
{
    (void)state;
    tg_lexicon_t *lx = small();
    size_t n;
    char *o = join("cre-\native\fcre-\native", 12, lx, &n);
    assert_string_equal(o, "cre-\native\fcreative");
    assert_int_equal(n, 1);
    free(o);
    /* the head never reaches before the offset */
    o = join("cre-\native", 3, lx, &n);
    assert_string_equal(o, "cre-\native");
    free(o);
    tg_lexicon_free(lx);
}

/* A page "recognised" without tesseract: what an OCR engine returns. */
static tg_status_t fake_ocr(void *ctx, tg_ocr_t *ocr, tg_ocr_page_t *out, char *err, size_t errlen)
{
    (void)ocr;
    (void)err;
    (void)errlen;
    out->text = tg_xstrdup(ctx);
    out->confidence = 90;
    return TG_OK;
}

static void ocr_pages_are_joined(void **state)
{
    (void)state;
    tg_ocr_opts_t o = {.lang = "spa", .timeout = 10};
    tg_ocr_t *ocr = tg_ocr_new(&o); /* models are loaded at a real page only */
    tg_extract_limits_t lim = {.max_text = 1 << 20, .max_pages = 10, .ocr = ocr};
    tg_extract_t x;
    tg_extract_init(&x, &lim);
    tg_decode_info_t info = {0};
    char err[256];
    tg_buf_addc(&x.text, '-'); /* text before the page is not touched */
    char page[] = "La deten-\nción fue arbitraria";
    assert_int_equal(tg_extract_ocr_page(&x, &lim, 1, fake_ocr, page, &info, err, sizeof err),
                     TG_OK);
    assert_string_equal(tg_buf_str(&x.text), "-La detención\nfue arbitraria");
    tg_extract_free(&x);
    tg_ocr_free(ocr);
}

/* Given names: their own bit, a comment line is no word, and they are not
 * words of a language (the hyphen joiner does not see them). */
static void given_names(void **state)
{
    (void)state;
    static const char given[] = "# given names, one a line\n#NoWord\nRosa\nYelitza\nMarino\n";
    static const char es[] = "rosa\nmarino\ndeclarar\nconstar\n";
    tg_lexicon_t *lx = tg_lexicon_new();
    assert_int_equal(tg_lexicon_add_words(lx, es, sizeof es - 1, TG_LEX_ES), TG_OK);
    assert_int_equal(tg_lexicon_add_words(lx, given, sizeof given - 1, TG_LEX_GIVEN), TG_OK);
    assert_int_equal(tg_lexicon_size(lx), 5);
    assert_int_equal(tg_lexicon_find(lx, "rosa", 4), TG_LEX_ES | TG_LEX_GIVEN);
    assert_int_equal(tg_lexicon_find(lx, "yelitza", 7), TG_LEX_GIVEN | TG_LEX_NAME);
    assert_int_equal(tg_lexicon_find(lx, "#noword", 7), 0);
    assert_int_equal(KNOWS("Rosa"), TG_LEX_ES);
    assert_int_equal(KNOWS("Yelitza"), 0);
    assert_int_equal(KNOWS("Marinos"), TG_LEX_ES);
    /* third person of -ar verbs: "Declara", "Consta" */
    assert_int_equal(KNOWS("Declara"), TG_LEX_ES);
    assert_int_equal(KNOWS("consta"), TG_LEX_ES);
    assert_int_equal(tg_lexicon_knows_folded(lx, "declara", 7), TG_LEX_ES);
    assert_int_equal(tg_lexicon_knows_folded(lx, "yelitza", 7), 0);
    tg_lexicon_free(lx);
    /* the system's lexicon always has Testigo's given names */
    const tg_lexicon_t *sys = tg_lexicon_system();
    assert_true(tg_lexicon_find(sys, "yelitza", 7) & TG_LEX_GIVEN);
    assert_true(tg_lexicon_find(sys, "marino", 6) & TG_LEX_GIVEN);
    assert_false(tg_lexicon_find(sys, "comparece", 9) & TG_LEX_GIVEN);
    assert_ptr_equal(tg_lexicon_system(), sys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(given_names),           cmocka_unit_test(lookup_and_inflections),
        cmocka_unit_test(missing_list),          cmocka_unit_test(joins_cut_words),
        cmocka_unit_test(keeps_compounds),       cmocka_unit_test(without_lexicon),
        cmocka_unit_test(only_from_the_offset),  cmocka_unit_test(ocr_pages_are_joined),
        cmocka_unit_test(long_runs_are_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
