/* Unit tests: export rows and CSV lines (lib/read/export.c) and the BagIt
 * writer's safety (lib/read/bagit.c): safe file names, refusing folders that are
 * not new, and refusing an original that no longer matches its digest. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "bagit.h"
#include "csv.h"
#include "export.h"
#include "hash.h"
#include "store.h"

static void safe_names(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"acta.pdf", "acta.pdf"},
        {"Informe, \"final\"\nparte 2.txt", "Informe, _final__parte 2.txt"},
        {"../../etc/passwd", "_._.._etc_passwd"},
        {".oculto", "_oculto"},
        {"-rf", "_rf"},
        {"a:b*c?d<e>f|g%h\\i", "a_b_c_d_e_f_g_h_i"},
        {"fin. ", "fin"},
        {"", "original"},
        {"...", "original"},
        {"CON.txt", "_CON.txt"},
        {"niño ñandú.pdf", "niño ñandú.pdf"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = tg_bag_safe_name(cases[i].in);
        if (strcmp(s, cases[i].out))
            fail_msg("'%s' -> '%s', wanted '%s'", cases[i].in, s, cases[i].out);
        free(s);
    }
    /* long names are cut on a character boundary, keeping the extension */
    char longname[600];
    memset(longname, 0, sizeof longname);
    for (int i = 0; i < 150; i++)
        strcat(longname, "ñ");
    strcat(longname, ".pdf");
    char *s = tg_bag_safe_name(longname);
    assert_true(strlen(s) <= 200);
    assert_string_equal(s + strlen(s) - 4, ".pdf");
    assert_int_equal(strncmp(s + strlen(s) - 6, "ñ", 2), 0);
    free(s);
}

static void csv_rows(void **state)
{
    (void)state;
    json_t *row = json_pack("{s:s, s:s, s:[s, s], s:[s], s:i, s:s, s:b, s:s, s:i, s:s}", "sha256",
                            "ab", "title", "=cmd|' /C calc'!A0", "locations", "/a;b", "/c", "tags",
                            "x", "page", 3, "snippet", "dice \"hola\", y más", "restricted", 1,
                            "date", "2024-07-30", "size", 12, "embargo", "2030-06-15");
    tg_buf_t b;
    tg_buf_init(&b, 1 << 16);
    assert_int_equal(tg_export_csv_header(&b, 0), TG_OK);
    assert_int_equal(tg_export_csv_row(&b, row, 0), TG_OK);
    tg_csv_t *c = tg_csv_new(b.data, b.len, NULL);
    char **f, err[128];
    size_t n;
    unsigned long line;
    assert_int_equal(tg_csv_next(c, &f, &n, &line, err, sizeof err), TG_OK);
    size_t ncols = n;
    assert_string_equal(f[0], "sha256");
    assert_int_equal(tg_csv_next(c, &f, &n, &line, err, sizeof err), TG_OK);
    assert_int_equal(n, ncols);
    assert_string_equal(f[1], "'=cmd|' /C calc'!A0"); /* no formula */
    assert_string_equal(f[2], "2024-07-30");
    assert_string_equal(f[4], "/a;b\n/c");
    assert_string_equal(f[7], "3");
    assert_string_equal(f[8], "dice \"hola\", y más");
    assert_string_equal(f[9], "yes");
    assert_string_equal(f[10], "2030-06-15");
    assert_string_equal(f[14], "x");
    tg_csv_free(c);
    /* a row that does not fit leaves nothing half-written */
    tg_buf_t small;
    tg_buf_init(&small, 20);
    assert_int_equal(tg_export_csv_row(&small, row, 0), TG_ERR_LIMIT);
    assert_int_equal(small.len, 0);
    tg_buf_free(&small);
    tg_buf_free(&b);
    json_decref(row);
}

static void bag_refuses_and_verifies(void **state)
{
    (void)state;
    char dir[] = "/tmp/tg-bag-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char p[600], err[512];
    tg_bag_t *bag;
    /* not empty */
    snprintf(p, sizeof p, "%s/x", dir);
    FILE *f = fopen(p, "w");
    fputs("x", f);
    fclose(f);
    assert_int_equal(tg_bag_create(dir, &bag, err, sizeof err), TG_ERR_INVALID);
    assert_non_null(strstr(err, "not empty"));
    /* a link */
    snprintf(p, sizeof p, "%s/link", dir);
    assert_int_equal(symlink("/tmp", p), 0);
    assert_int_equal(tg_bag_create(p, &bag, err, sizeof err), TG_ERR_INVALID);
    assert_non_null(strstr(err, "symbolic link"));
    /* a file */
    snprintf(p, sizeof p, "%s/x", dir);
    assert_int_equal(tg_bag_create(p, &bag, err, sizeof err), TG_ERR_INVALID);

    /* an altered original in the store is refused */
    char arch[256], bagdir[256];
    snprintf(arch, sizeof arch, "%s/archive", dir);
    snprintf(bagdir, sizeof bagdir, "%s/bag", dir);
    tg_store_t *s;
    assert_int_equal(tg_store_open(arch, 1, &s, err, sizeof err), TG_OK);
    char sha[65];
    tg_sha256_hex("original", 8, sha);
    char *sp = tg_store_path(s, sha);
    char *cmd;
    assert_true(asprintf(&cmd, "mkdir -p \"$(dirname '%s')\" && printf altered > '%s'", sp, sp) >
                0);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    assert_int_equal(tg_bag_create(bagdir, &bag, err, sizeof err), TG_OK);
    char *bp = NULL;
    int fd = open(sp, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(tg_bag_add_original(bag, fd, sha, "a.txt", &bp, err, sizeof err),
                     TG_ERR_CORRUPT);
    assert_null(bp);
    assert_non_null(strstr(err, "altered"));
    close(fd);
    /* a descriptor that cannot be read */
    char other[65];
    tg_sha256_hex("other", 5, other);
    assert_int_equal(tg_bag_add_original(bag, -1, other, "b.txt", &bp, err, sizeof err), TG_ERR_IO);
    assert_non_null(strstr(err, "cannot read"));
    assert_int_equal(tg_bag_add_original(bag, 0, "nothex", "c.txt", &bp, err, sizeof err),
                     TG_ERR_INVALID);
    tg_bag_free(bag);
    snprintf(p, sizeof p, "%s/bagit.txt", bagdir);
    assert_int_not_equal(access(p, F_OK), 0); /* never finished: not a bag */
    free(sp);
    tg_store_close(s);
    assert_true(asprintf(&cmd, "chmod -R u+w '%s'; rm -rf '%s'", dir, dir) > 0);
    assert_int_equal(system(cmd), 0);
    free(cmd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(safe_names),
        cmocka_unit_test(csv_rows),
        cmocka_unit_test(bag_refuses_and_verifies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
