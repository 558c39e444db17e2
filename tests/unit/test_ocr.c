/* Unit tests: OCR (indexer/worker/ocr.c), EXIF (indexer/worker/exif.c) and the OCR cache
 * (indexer/worker/ocrcache.c), on the sample scans of corpus/escaneos (made by
 * scripts/mkscans.py; known answers in corpus/ESCANEOS.md) and the
 * tesseract.js images of ../shared/testdata/real/img.  Run from the
 * project's top folder (tests/run.sh does). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "exif.h"
#include "ocr.h"
#include "ocrcache.h"
#include "store.h"
#include "text.h"

#define SCANS "corpus/escaneos/"

/* $TESTIGO_REAL/img (tests/run.sh finds it), or ../shared/testdata/real/img;
 * have_real() says when it is absent */
static char real_dir[512];
static const char *real(const char *name)
{
    static char path[8][600];
    static int k;
    k = (k + 1) % 8;
    snprintf(path[k], sizeof path[k], "%s/img/%s", real_dir, name);
    return path[k];
}
#define REAL(name) real(name)

/* 1 if the shared test files are here; else prints a skip line for what
 * cannot be checked (tests/run.sh counts it) and returns 0. */
static int have_real(const char *what)
{
    struct stat sb;
    char p[600];
    snprintf(p, sizeof p, "%s/img", real_dir);
    if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
        return 1;
    printf("skip - test_ocr: %s (../shared/testdata/real absent)\n", what);
    return 0;
}

static tg_ocr_t *ocr; /* one engine for every test: loading models is slow */
static char dir[256];

static int setup(void **state)
{
    (void)state;
    tg_ocr_opts_t o = {.lang = "spa+eng", .timeout = 60, .max_pixels = 50000000};
    ocr = tg_ocr_new(&o);
    const char *r = getenv("TESTIGO_REAL");
    snprintf(real_dir, sizeof real_dir, "%s", r && *r ? r : "../shared/testdata/real");
    snprintf(dir, sizeof dir, "/tmp/tg-ocr-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tg_ocr_free(ocr);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'; rm -rf '%s'", dir, dir);
    return system(cmd);
}

/* Does the folded text contain the folded word? (what search does) */
static int has_word(const char *text, const char *word)
{
    tg_buf_t a, b;
    tg_buf_init(&a, 1 << 20);
    tg_buf_init(&b, 1024);
    tg_fold(text, strlen(text), &a);
    tg_fold(word, strlen(word), &b);
    int r = strstr(tg_buf_str(&a), tg_buf_str(&b)) != NULL;
    tg_buf_free(&a);
    tg_buf_free(&b);
    return r;
}

/* Recognises page i of an image file; returns the status, text in *text. */
static tg_status_t read_page(const char *path, unsigned i, int orientation, char **text, int *conf)
{
    tg_image_t *im;
    tg_image_info_t info;
    char err[512];
    tg_status_t st = tg_image_open(path, &im, &info, err, sizeof err);
    if (st)
        return st;
    tg_ocr_page_t p;
    st = tg_ocr_image_page(ocr, im, i, orientation, &p, err, sizeof err);
    tg_image_close(im);
    if (st == TG_OK) {
        *text = p.text;
        p.text = NULL;
        *conf = p.confidence;
        /* the boxes of the words read lie on the page as it was given,
         * whichever way OCR turned it to read it */
        size_t k;
        json_t *v;
        json_array_foreach(p.words, k, v)
        {
            json_int_t x0 = json_integer_value(json_array_get(v, 0));
            json_int_t y0 = json_integer_value(json_array_get(v, 1));
            json_int_t x1 = json_integer_value(json_array_get(v, 2));
            json_int_t y1 = json_integer_value(json_array_get(v, 3));
            assert_true(0 <= x0 && x0 < x1 && x1 <= p.words_w);
            assert_true(0 <= y0 && y0 < y1 && y1 <= p.words_h);
        }
        if (!p.blank && p.confidence >= 0)
            assert_true(json_array_size(p.words) > 0);
        tg_ocr_page_free(&p);
    }
    return st;
}

static void test_known_answers(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        const char *words[3];
    } cases[] = {
        {SCANS "declaracion_nunez.png", {"Ramón Núñez", "incomunicado", "Maracaibo"}},
        {SCANS "denuncia_ruido.png", {"Adrián Peña Quiñones", "Pueblo Nuevo", "paradero"}},
        {SCANS "aviso_visitas.bmp", {"miércoles", "Visitas", "AVISO"}},
        {"tessjs__testocr.png", {"point text", "ocr code", "quick brown dog"}},
        {"tessjs__simple.pbm", {"Tesseract.js", NULL, NULL}},
        {"tessjs__simple.webp", {"Tesseract.js", NULL, NULL}},
        {"tessjs__bill.png", {"CHEQUING", "Line of Credit", NULL}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char *text = NULL;
        int conf = -1;
        const char *file = cases[c].file;
        if (!strchr(file, '/')) {
            if (!have_real(file))
                continue;
            file = REAL(file);
        }
        if (read_page(file, 0, 0, &text, &conf) != TG_OK)
            fail_msg("%s cannot be read", file);
        for (int k = 0; k < 3 && cases[c].words[k]; k++) {
            if (!has_word(text, cases[c].words[k]))
                fail_msg("%s: '%s' not in OCR text: %s", file, cases[c].words[k], text);
        }
        assert_true(conf >= 70);
        free(text);
    }
}

static void test_tiff_pages(void **state)
{
    (void)state;
    tg_image_t *im;
    tg_image_info_t info;
    char err[512];
    assert_int_equal(tg_image_open(SCANS "expediente_fax.tif", &im, &info, err, sizeof err), TG_OK);
    assert_int_equal(info.pages, 2);
    assert_string_equal(info.format, "tiff");
    tg_ocr_page_t p1, p2;
    assert_int_equal(tg_ocr_image_page(ocr, im, 0, 0, &p1, err, sizeof err), TG_OK);
    assert_int_equal(tg_ocr_image_page(ocr, im, 1, 0, &p2, err, sizeof err), TG_OK);
    assert_true(has_word(p1.text, "Efraín Muñoz Ledezma"));
    assert_false(has_word(p1.text, "Tocuyito"));
    assert_true(has_word(p2.text, "Cárcel de Tocuyito"));
    tg_ocr_page_free(&p1);
    assert_int_equal(tg_ocr_image_page(ocr, im, 2, 0, &p1, err, sizeof err), TG_ERR_FORMAT);
    tg_ocr_page_free(&p2);
    tg_image_close(im);
}

/* Recognises page 0 of an image file with EXIF orientation `exif` (0:
 * none) with engine e; fills *p (the caller frees it). */
static tg_status_t read_with(tg_ocr_t *e, const char *path, int exif, tg_ocr_page_t *p)
{
    tg_image_t *im;
    tg_image_info_t info;
    char err[512];
    tg_status_t st = tg_image_open(path, &im, &info, err, sizeof err);
    if (st)
        return st;
    st = tg_ocr_image_page(e, im, 0, exif, p, err, sizeof err);
    tg_image_close(im);
    return st;
}

static void test_orientation(void **state)
{
    (void)state;
    tg_ocr_page_t p;
    /* an upright page that reads well: no orientation check at all */
    unsigned long checks = tg_ocr_osd_calls(ocr), calls = tg_ocr_calls(ocr);
    assert_int_equal(read_with(ocr, SCANS "declaracion_nunez.png", 0, &p), TG_OK);
    assert_true(has_word(p.text, "Ramón Núñez"));
    assert_int_equal(p.rotation, 0);
    assert_int_equal(tg_ocr_osd_calls(ocr), checks);
    assert_int_equal(tg_ocr_calls(ocr), calls + 1);
    tg_ocr_page_free(&p);

    /* the photo's pixels lie on their side: EXIF 6 turns them upright */
    checks = tg_ocr_osd_calls(ocr);
    assert_int_equal(read_with(ocr, SCANS "foto_acta_visita.jpg", 6, &p), TG_OK);
    assert_true(has_word(p.text, "Begoña Saavedra"));
    assert_int_equal(p.rotation, 0);
    assert_int_equal(tg_ocr_osd_calls(ocr), checks);
    tg_ocr_page_free(&p);

    /* without EXIF the same pixels look turned: OSD checks them before the
     * first reading, which is then the only one */
    calls = tg_ocr_calls(ocr);
    assert_int_equal(read_with(ocr, SCANS "foto_acta_visita.jpg", 0, &p), TG_OK);
    assert_true(has_word(p.text, "Begoña Saavedra"));
    assert_int_equal(p.rotation, 270);
    assert_false(p.orientation_unchecked);
    assert_int_equal(tg_ocr_osd_calls(ocr), checks + 1);
    assert_int_equal(tg_ocr_calls(ocr), calls + 1);
    tg_ocr_page_free(&p);

    /* EXIF that lies (1: upright): the first reading reads badly, OSD
     * finds the turn, the second reading is kept */
    calls = tg_ocr_calls(ocr);
    assert_int_equal(read_with(ocr, SCANS "foto_acta_visita.jpg", 1, &p), TG_OK);
    assert_true(has_word(p.text, "Begoña Saavedra"));
    assert_int_equal(p.rotation, 270);
    assert_true(p.confidence >= TG_OCR_RECHECK_CONFIDENCE);
    assert_int_equal(tg_ocr_calls(ocr), calls + 2);
    tg_ocr_page_free(&p);

    /* an upright scan turned upside down by a wrong EXIF 3 */
    assert_int_equal(read_with(ocr, SCANS "declaracion_nunez.png", 3, &p), TG_OK);
    assert_true(has_word(p.text, "Ramón Núñez"));
    assert_int_equal(p.rotation, 180);
    tg_ocr_page_free(&p);

    /* a photo with no writing: nothing to turn, whatever is tried */
    assert_int_equal(read_with(ocr, SCANS "foto_sin_texto.jpg", 0, &p), TG_OK);
    assert_int_equal(p.rotation, 0);
    tg_ocr_page_free(&p);

    /* tesseract.js's sample rotated 270 degrees, EXIF 8 */
    if (have_real("tessjs__simple-270.jpg, with its EXIF 8 and without")) {
        assert_int_equal(read_with(ocr, REAL("tessjs__simple-270.jpg"), 8, &p), TG_OK);
        assert_true(has_word(p.text, "Tesseract.js"));
        tg_ocr_page_free(&p);
        /* and without its EXIF: too little text for leptonica's look, so the
         * bad first reading calls OSD (shown the small image twice as large) */
        assert_int_equal(read_with(ocr, REAL("tessjs__simple-270.jpg"), 0, &p), TG_OK);
        assert_true(has_word(p.text, "Tesseract.js"));
        assert_int_equal(p.rotation, 90);
        tg_ocr_page_free(&p);
    }
}

/* Without osd.traineddata OCR works as before: the page is read as it
 * came, and marked as not checked. */
static void test_orientation_without_osd(void **state)
{
    (void)state;
    char tess[300], cmd[1024];
    snprintf(tess, sizeof tess, "%s/tessdata", dir);
    assert_int_equal(mkdir(tess, 0700), 0);
    assert_true(tg_ocr_can_check_orientation(ocr));
    /* the installed models, all but OSD's */
    snprintf(cmd, sizeof cmd,
             "for f in /usr/share/tesseract-ocr/*/tessdata/spa.traineddata "
             "/usr/share/tesseract-ocr/*/tessdata/eng.traineddata; do ln -s \"$f\" '%s/'; done",
             tess);
    assert_int_equal(system(cmd), 0);
    char *was = getenv("TESSDATA_PREFIX") ? strdup(getenv("TESSDATA_PREFIX")) : NULL;
    setenv("TESSDATA_PREFIX", tess, 1);
    tg_ocr_t *e = tg_ocr_new(&(tg_ocr_opts_t){.lang = "spa+eng", .timeout = 60});
    tg_ocr_page_t p;
    assert_int_equal(read_with(e, SCANS "foto_acta_visita.jpg", 0, &p), TG_OK);
    assert_false(has_word(p.text, "Begoña Saavedra"));
    assert_int_equal(p.rotation, 0);
    assert_true(p.orientation_unchecked);
    tg_ocr_page_free(&p);
    /* an upright page that reads well needed no check */
    assert_int_equal(read_with(e, SCANS "declaracion_nunez.png", 0, &p), TG_OK);
    assert_true(has_word(p.text, "Ramón Núñez"));
    assert_false(p.orientation_unchecked);
    tg_ocr_page_free(&p);
    assert_false(tg_ocr_can_check_orientation(e));
    assert_int_equal(tg_ocr_osd_calls(e), 0);
    tg_ocr_free(e);
    if (was)
        setenv("TESSDATA_PREFIX", was, 1);
    else
        unsetenv("TESSDATA_PREFIX");
    free(was);
}

static void test_exif(void **state)
{
    (void)state;
    tg_exif_t e;
    assert_int_equal(tg_exif_read(SCANS "foto_acta_visita.jpg", &e), 0);
    assert_int_equal(e.orientation, 6);
    assert_string_equal(e.date, "2024-08-03T16:42:10");
    assert_string_equal(e.date_tag, "DateTimeOriginal");
    assert_string_equal(e.camera, "TestigoCam Modelo 1");
    if (have_real("EXIF of tessjs__simple-270.jpg")) {
        assert_int_equal(tg_exif_read(REAL("tessjs__simple-270.jpg"), &e), 0);
        assert_int_equal(e.orientation, 8);
        assert_string_equal(e.date, ""); /* it has none: nothing invented */
    }
    assert_int_equal(tg_exif_read(SCANS "declaracion_nunez.png", &e), -1);
    assert_int_equal(e.orientation, 0);
    assert_int_equal(tg_exif_read("/nonexistent.jpg", &e), -1);
}

static void test_limits_and_failures(void **state)
{
    (void)state;
    char err[512];
    unsigned long calls = tg_ocr_calls(ocr);
    tg_ocr_opts_t small = {.lang = "spa+eng", .timeout = 60, .max_pixels = 100000};
    tg_ocr_set_opts(ocr, &small);
    char *text;
    int conf;
    /* 1278 x 639 > 0.1 megapixels: refused from the header */
    assert_int_equal(read_page(SCANS "declaracion_nunez.png", 0, 0, &text, &conf), TG_ERR_LIMIT);
    unsigned char px[16] = {0};
    tg_ocr_page_t p;
    assert_int_equal(
        tg_ocr_pixels(ocr, px, 1000, 1000, 1000, TG_PIXELS_GRAY8, 300, &p, err, sizeof err),
        TG_ERR_LIMIT);
    assert_non_null(strstr(err, "--ocr-max-pixels"));
    tg_ocr_opts_t normal = {.lang = "spa+eng", .timeout = 60, .max_pixels = 50000000};
    tg_ocr_set_opts(ocr, &normal);
    assert_int_equal(tg_ocr_pixels(ocr, px, 4, 4, 2, TG_PIXELS_GRAY8, 0, &p, err, sizeof err),
                     TG_ERR_INVALID);

    /* a white page is blank: no recognition at all */
    size_t w = 600, h = 400;
    unsigned char *white = malloc(w * h * 4);
    memset(white, 0xff, w * h * 4);
    assert_int_equal(tg_ocr_pixels(ocr, white, (int)w, (int)h, w * 4, TG_PIXELS_XRGB32, 300, &p,
                                   err, sizeof err),
                     TG_OK);
    assert_true(p.blank);
    assert_string_equal(p.text, "");
    assert_int_equal(p.confidence, -1);
    tg_ocr_page_free(&p);
    free(white);
    assert_int_equal(tg_ocr_calls(ocr), calls);

    /* not an image; a damaged image */
    tg_image_t *im;
    tg_image_info_t info;
    assert_int_equal(tg_image_open("Makefile", &im, &info, err, sizeof err), TG_ERR_UNSUPPORTED);
    char path[300];
    snprintf(path, sizeof path, "%s/cut.png", dir);
    FILE *in = fopen(SCANS "declaracion_nunez.png", "rb"), *out = fopen(path, "wb");
    char buf[400];
    size_t n = fread(buf, 1, sizeof buf, in);
    fwrite(buf, 1, n, out);
    fclose(in);
    fclose(out);
    assert_int_equal(read_page(path, 0, 0, &text, &conf), TG_ERR_FORMAT);

    /* a truncated photo: what arrived is read, and said to be damaged */
    snprintf(path, sizeof path, "%s/cut.jpg", dir);
    in = fopen(SCANS "foto_acta_visita.jpg", "rb");
    out = fopen(path, "wb");
    char big[30000];
    n = fread(big, 1, sizeof big, in);
    fwrite(big, 1, n, out);
    fclose(in);
    fclose(out);
    assert_int_equal(tg_image_open(path, &im, &info, err, sizeof err), TG_OK);
    assert_int_equal(tg_ocr_image_page(ocr, im, 0, 6, &p, err, sizeof err), TG_OK);
    assert_true(p.damaged);
    assert_true(has_word(p.text, "Begoña Saavedra")); /* its left edge is lost */
    tg_ocr_page_free(&p);
    tg_image_close(im);
}

static void test_timeout(void **state)
{
    (void)state;
    tg_ocr_opts_t quick = {.lang = "spa+eng", .timeout = 0.001, .max_pixels = 50000000};
    tg_ocr_set_opts(ocr, &quick);
    char *text;
    int conf;
    assert_int_equal(read_page(SCANS "declaracion_nunez.png", 0, 0, &text, &conf), TG_ERR_TIMEOUT);
    tg_ocr_opts_t normal = {.lang = "spa+eng", .timeout = 60, .max_pixels = 50000000};
    tg_ocr_set_opts(ocr, &normal);
    /* the engine is fine afterwards */
    assert_int_equal(read_page(SCANS "aviso_visitas.bmp", 0, 0, &text, &conf), TG_OK);
    assert_true(has_word(text, "miercoles"));
    free(text);
}

static void test_missing_language(void **state)
{
    (void)state;
    tg_ocr_opts_t o = {.lang = "xx_nonexistent", .timeout = 60, .max_pixels = 0};
    tg_ocr_t *bad = tg_ocr_new(&o);
    tg_image_t *im;
    tg_image_info_t info;
    char err[512];
    assert_int_equal(tg_image_open(SCANS "aviso_visitas.bmp", &im, &info, err, sizeof err), TG_OK);
    tg_ocr_page_t p;
    for (int k = 0; k < 2; k++) {
        assert_int_equal(tg_ocr_image_page(bad, im, 0, 0, &p, err, sizeof err), TG_ERR_NOTFOUND);
        assert_non_null(strstr(err, "xx_nonexistent"));
    }
    assert_int_equal(tg_ocr_calls(bad), 0);
    tg_image_close(im);
    tg_ocr_free(bad);
}

static void test_cache(void **state)
{
    (void)state;
    char adir[300], err[256];
    snprintf(adir, sizeof adir, "%s/archive", dir);
    tg_store_t *s;
    assert_int_equal(tg_store_open(adir, 1, &s, err, sizeof err), TG_OK);
    const char *sha = "ab00000000000000000000000000000000000000000000000000000000000001";
    tg_ocr_cache_t *c = tg_ocr_cache_new(s, sha, "spa+eng", "tesseract");
    tg_ocr_cached_t got;
    assert_int_equal(tg_ocr_cache_get(c, 1, &got), 0);
    tg_ocr_cache_put(c, 1,
                     &(tg_ocr_page_t){.text = (char *)"Declaración de Ramón Núñez",
                                      .confidence = 91,
                                      .rotation = 90});
    tg_ocr_cache_put(c, 3, &(tg_ocr_page_t){.text = (char *)"", .confidence = -1, .blank = 1});
    tg_ocr_cache_put(
        c, 4, &(tg_ocr_page_t){.text = (char *)"x", .confidence = 40, .orientation_unchecked = 1});
    assert_int_equal(tg_ocr_cache_save(c, 3600), TG_OK); /* too soon: not written */
    char *p = tg_store_ocr_path(s, sha);
    assert_int_not_equal(access(p, F_OK), 0);
    assert_int_equal(tg_ocr_cache_save(c, 0), TG_OK);
    assert_int_equal(access(p, F_OK), 0);
    free(p);
    tg_ocr_cache_free(c);

    c = tg_ocr_cache_new(s, sha, "spa+eng", "tesseract");
    assert_int_equal(tg_ocr_cache_get(c, 1, &got), 1);
    assert_string_equal(got.text, "Declaración de Ramón Núñez");
    assert_int_equal(got.confidence, 91);
    assert_int_equal(got.rotation, 90);
    assert_false(got.blank);
    assert_false(got.legacy);
    assert_false(got.orientation_unchecked);
    assert_int_equal(tg_ocr_cache_get(c, 3, &got), 1);
    assert_true(got.blank);
    assert_int_equal(tg_ocr_cache_get(c, 4, &got), 1);
    assert_true(got.orientation_unchecked);
    assert_int_equal(tg_ocr_cache_get(c, 2, &got), 0);
    tg_ocr_cache_free(c);

    /* a file written before orientation was checked: its pages are legacy,
     * and stay so when the file is saved again with a new page */
    const char *old = "{\"lang\": \"spa+eng\", \"pages\": {\"1\": {\"text\": \"yoinb ay\", "
                      "\"confidence\": 57}}}";
    tg_store_put_ocr(s, sha, old, strlen(old));
    c = tg_ocr_cache_new(s, sha, "spa+eng", "tesseract");
    assert_int_equal(tg_ocr_cache_get(c, 1, &got), 1);
    assert_true(got.legacy);
    assert_int_equal(got.confidence, 57);
    tg_ocr_cache_put(c, 2, &(tg_ocr_page_t){.text = (char *)"nueva", .confidence = 90});
    assert_int_equal(tg_ocr_cache_save(c, 0), TG_OK);
    tg_ocr_cache_free(c);
    c = tg_ocr_cache_new(s, sha, "spa+eng", "tesseract");
    assert_int_equal(tg_ocr_cache_get(c, 1, &got), 1);
    assert_true(got.legacy);
    assert_int_equal(tg_ocr_cache_get(c, 2, &got), 1);
    assert_false(got.legacy);
    tg_ocr_cache_free(c);

    /* other languages: another reading, not this one */
    c = tg_ocr_cache_new(s, sha, "eng", "tesseract");
    assert_int_equal(tg_ocr_cache_get(c, 1, &got), 0);
    tg_ocr_cache_free(c);

    /* a damaged file is an empty cache */
    tg_store_put_ocr(s, sha, "{\"lang\": \"spa+eng\", \"pages\": [", 29);
    c = tg_ocr_cache_new(s, sha, "spa+eng", "tesseract");
    assert_int_equal(tg_ocr_cache_get(c, 1, &got), 0);
    tg_ocr_cache_free(c);
    tg_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answers),
        cmocka_unit_test(test_tiff_pages),
        cmocka_unit_test(test_orientation),
        cmocka_unit_test(test_exif),
        cmocka_unit_test(test_limits_and_failures),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_missing_language),
        cmocka_unit_test(test_cache),
        cmocka_unit_test(test_orientation_without_osd),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
