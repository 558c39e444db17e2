/* Unit tests: the page cache (lib/index/pagecache.c): paths, writes through
 * tmp/, reads that renew a file's use, and eviction of the least recently
 * used files down to 90% of the bound; and the PDF page renderer's words
 * (indexer/worker/extract_pdf.c) against where the PDF draws them. */
#define _GNU_SOURCE
#include <fcntl.h>
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

#include "pagecache.h"
#include "pagerender.h"

static char dir[256];
static const char *SHA_A = "aa00000000000000000000000000000000000000000000000000000000000000";
static const char *SHA_B = "bb00000000000000000000000000000000000000000000000000000000000000";

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/tg-pagecache-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s/tmp", dir);
    return mkdir(tmp, 0700);
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

/* Writes a cache file of n bytes last used at time t. */
static char *put(const char *sha, unsigned page, size_t n, time_t t)
{
    char *p = tg_pagecache_png_path(dir, sha, page, TG_PAGE_SCREEN);
    char *data = calloc(1, n);
    assert_int_equal(tg_pagecache_put(dir, p, data, n), TG_OK);
    free(data);
    struct timespec ts[2] = {{t, 0}, {t, 0}};
    assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
    return p;
}

static void test_paths(void **state)
{
    (void)state;
    char *p = tg_pagecache_png_path("/a", SHA_A, 3, 1000);
    char want[200];
    snprintf(want, sizeof want, "/a/pages/aa/%s-3-1000.png", SHA_A);
    assert_string_equal(p, want);
    free(p);
    p = tg_pagecache_words_path("/a", SHA_A, 3);
    snprintf(want, sizeof want, "/a/pages/aa/%s-3.json", SHA_A);
    assert_string_equal(p, want);
    free(p);
}

static void test_put_open(void **state)
{
    (void)state;
    char *p = put(SHA_A, 1, 1000, 1000000);
    int fd;
    uint64_t size;
    assert_int_equal(tg_pagecache_open(p, &fd, &size), TG_OK);
    assert_int_equal(size, 1000);
    close(fd);
    struct stat sb;
    assert_int_equal(stat(p, &sb), 0);
    assert_true(sb.st_mtime > 1000000); /* used now */
    char *q = tg_pagecache_png_path(dir, SHA_B, 1, TG_PAGE_SCREEN);
    assert_int_equal(tg_pagecache_open(q, &fd, &size), TG_ERR_NOTFOUND);
    assert_int_equal(tg_pagecache_size(dir), 1000);
    free(p);
    free(q);
}

static void test_evict(void **state)
{
    (void)state;
    /* ten files of 1000 bytes, used at times 10..19 (page 1 oldest) */
    char *p[10];
    for (unsigned i = 0; i < 10; i++)
        p[i] = put(i % 2 ? SHA_A : SHA_B, i + 1, 1000, 1000000 + 10 * (time_t)i);
    /* page 3 read now: recently used */
    int fd;
    uint64_t size, total;
    assert_int_equal(tg_pagecache_open(p[2], &fd, &size), TG_OK);
    close(fd);
    /* under the bound: nothing goes */
    assert_int_equal(tg_pagecache_evict(dir, 10000, &total), TG_OK);
    assert_int_equal(total, 10000);
    /* a bound of 8000: down to 90% of it, 7200: the three least recently
     * used go, page 3 (read now) stays */
    assert_int_equal(tg_pagecache_evict(dir, 8000, &total), TG_OK);
    assert_int_equal(total, 7000);
    int gone[10];
    for (unsigned i = 0; i < 10; i++)
        gone[i] = access(p[i], F_OK) != 0;
    int want[10] = {1, 1, 0, 1, 0, 0, 0, 0, 0, 0};
    for (unsigned i = 0; i < 10; i++)
        assert_int_equal(gone[i], want[i]);
    assert_int_equal(tg_pagecache_size(dir), 7000);
    for (unsigned i = 0; i < 10; i++)
        free(p[i]);
}

/* A one-page PDF that draws "Hola mundo" at 100 points from the left and
 * its baseline 200 points from the top of a 300 x 400 page. */
static void test_pdf_words(void **state)
{
    (void)state;
    const char *stream = "BT /F1 20 Tf 100 200 Td (Hola mundo) Tj ET";
    char objs[5][300];
    snprintf(objs[0], sizeof objs[0], "<< /Type /Catalog /Pages 2 0 R >>");
    snprintf(objs[1], sizeof objs[1], "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    snprintf(objs[2], sizeof objs[2],
             "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 400] /Resources << /Font << /F1 4 "
             "0 R >> >> /Contents 5 0 R >>");
    snprintf(objs[3], sizeof objs[3], "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
    snprintf(objs[4], sizeof objs[4], "<< /Length %zu >>\nstream\n%s\nendstream", strlen(stream),
             stream);
    char pdf[4000];
    size_t n = (size_t)snprintf(pdf, sizeof pdf, "%%PDF-1.4\n");
    size_t off[5];
    for (int i = 0; i < 5; i++) {
        off[i] = n;
        n += (size_t)snprintf(pdf + n, sizeof pdf - n, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]);
    }
    size_t xref = n;
    n += (size_t)snprintf(pdf + n, sizeof pdf - n, "xref\n0 6\n0000000000 65535 f \n");
    for (int i = 0; i < 5; i++)
        n += (size_t)snprintf(pdf + n, sizeof pdf - n, "%010zu 00000 n \n", off[i]);
    n += (size_t)snprintf(pdf + n, sizeof pdf - n,
                          "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
    char path[300];
    snprintf(path, sizeof path, "%s/hola.pdf", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(pdf, 1, n, f);
    fclose(f);
    tg_buf_t png;
    tg_buf_init(&png, (size_t)16 << 20);
    tg_page_render_t r;
    char err[256];
    assert_int_equal(tg_pdf_render_page(path, 1, 600, 0, &png, &r, err, sizeof err), TG_OK);
    assert_int_equal(r.pages, 1);
    assert_int_equal(r.width, 600);
    assert_int_equal(r.height, 800);
    assert_true(png.len > 8 && !memcmp(png.data, "\x89PNG", 4));
    assert_int_equal(json_array_size(r.words), 2);
    json_t *w = json_array_get(r.words, 0);
    assert_string_equal(json_string_value(json_array_get(w, 4)), "Hola");
    double x0 = json_number_value(json_array_get(w, 0));
    double y0 = json_number_value(json_array_get(w, 1));
    double y1 = json_number_value(json_array_get(w, 3));
    /* baseline 400 - 200 = 200 from the top; 20-point letters above it */
    assert_true(x0 > 99 && x0 < 101);
    assert_true(y0 > 178 && y0 < 190);
    assert_true(y1 > 198 && y1 < 206);
    w = json_array_get(r.words, 1);
    assert_string_equal(json_string_value(json_array_get(w, 4)), "mundo");
    assert_true(json_number_value(json_array_get(w, 0)) > x0 + 40);
    json_decref(r.words);
    tg_buf_free(&png);
    /* no such page */
    assert_int_equal(tg_pdf_render_page(path, 2, 600, 0, NULL, &r, err, sizeof err),
                     TG_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths),
        cmocka_unit_test_setup_teardown(test_put_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_evict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pdf_words, setup, teardown),
    };
    return cmocka_run_group_tests_name("pagecache", tests, NULL, NULL);
}
