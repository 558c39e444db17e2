/* Unit tests: type detection by content (indexer/worker/detect.c).  The
 * first stage (header.magic) must answer what the later stages and
 * libmagic's full database answer for every file it decides: checked on
 * files written here and, when ../shared/testdata/real is beside the
 * project, on every file of it that starts with "%PDF-".  Run from the
 * project's top folder (tests/run.sh does). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <ftw.h>
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
#include <magic.h>

#include "detect.h"
#include "util.h"

static tg_detect_t *det;
static magic_t full; /* libmagic with its whole database, as file(1) */

static int setup(void **state)
{
    (void)state;
    char err[256];
    if (tg_detect_new(&det, err, sizeof err) != TG_OK) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    full = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
    return full && magic_load(full, NULL) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tg_detect_free(det);
    magic_close(full);
    return 0;
}

static const char *detect(const char *buf, size_t n)
{
    static char mime[128];
    tg_detect_buffer(det, buf, n, mime, sizeof mime);
    return mime;
}

static const char *full_db(const char *buf, size_t n)
{
    const char *r = magic_buffer(full, buf, n);
    return r ? r : "(error)";
}

/* A PDF all of whose bytes are text, and one with the binary comment that
 * most writers put on its second line. */
static const char text_pdf[] = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
                               "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
                               "trailer\n<< /Root 1 0 R >>\n%%EOF\n";
static const char binary_pdf[] = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n"
                                 "endobj\n\x01\x02\x80\x81\x00\x00stream\n%%EOF\n";

static void pdfs(void **state)
{
    (void)state;
    assert_string_equal(detect(text_pdf, sizeof text_pdf - 1), "application/pdf");
    assert_string_equal(detect(binary_pdf, sizeof binary_pdf - 1), "application/pdf");
    assert_string_equal(full_db(text_pdf, sizeof text_pdf - 1), "application/pdf");
    assert_string_equal(full_db(binary_pdf, sizeof binary_pdf - 1), "application/pdf");
    /* bytes before the header: left to the later stages (here the full
     * database, which knows it) */
    static const char late[] = "\n\n%PDF-1.4\n%\x00\x01\x02\x03\n1 0 obj\n<< >>\nendobj\n%%EOF\n";
    assert_string_equal(detect(late, sizeof late - 1), full_db(late, sizeof late - 1));
}

/* A tar whose first member is named "%PDF-1.4 statement": its first bytes
 * are a PDF's header, and it is still a tar. */
static void tar_named_like_a_pdf(void **state)
{
    (void)state;
    char tar[1024] = {0};
    strcpy(tar, "%PDF-1.4 statement");
    strcpy(tar + 100, "0000644");
    strcpy(tar + 108, "0000000");
    strcpy(tar + 116, "0000000");
    strcpy(tar + 124, "00000000000");
    strcpy(tar + 136, "14000000000");
    memset(tar + 148, ' ', 8);
    tar[156] = '0';
    memcpy(tar + 257,
           "ustar\0"
           "00",
           8);
    unsigned sum = 0;
    for (size_t i = 0; i < 512; i++)
        sum += (unsigned char)tar[i];
    snprintf(tar + 148, 8, "%06o", sum);
    assert_string_equal(full_db(tar, sizeof tar), "application/x-tar");
    assert_string_equal(detect(tar, sizeof tar), "application/x-tar");
}

/* What the first stage does not decide goes on as before. */
static void others_unchanged(void **state)
{
    (void)state;
    static const char plain[] = "Declaración de María Rodríguez, Caracas, 3 de mayo de 2024.\n";
    static const char html[] = "<!DOCTYPE html><html><body>Hola</body></html>\n";
    static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\x08\x02\0\0\0";
    static const char pdf_no_dash[] = "%PDF and then some words of plain text\n";
    assert_string_equal(detect(plain, sizeof plain - 1), "text/plain");
    assert_string_equal(detect(html, sizeof html - 1), "text/html");
    assert_string_equal(detect(png, sizeof png - 1), "image/png");
    assert_string_equal(detect(pdf_no_dash, sizeof pdf_no_dash - 1), "text/plain");
}

/* Every file of ../shared/testdata/real that starts with "%PDF-". */
static int real_checked, real_differ;

static int visit(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)ftw;
    if (type != FTW_F || !S_ISREG(sb->st_mode))
        return 0;
    static char buf[TG_DETECT_HEAD];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t got = tg_read_full(fd, buf, sizeof buf);
    close(fd);
    size_t n = got > 0 ? (size_t)got : 0;
    if (n >= 5 && !memcmp(buf, "%PDF-", 5)) {
        const char *a = detect(buf, n), *b = full_db(buf, n);
        real_checked++;
        if (strcmp(a, b) != 0) {
            printf("# %s: detected %s, libmagic's database says %s\n", path, a, b);
            real_differ++;
        }
    }
    return 0;
}

static void real_pdfs(void **state)
{
    (void)state;
    const char *r = getenv("TESTIGO_REAL");
    char dir[600];
    snprintf(dir, sizeof dir, "%s", r && *r ? r : "../shared/testdata/real");
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        printf("skip - test_detect: the PDFs of ../shared/testdata/real (absent)\n");
        return;
    }
    assert_int_equal(nftw(dir, visit, 16, FTW_PHYS), 0);
    printf("# test_detect: %d files starting with %%PDF- in %s, %d differ\n", real_checked, dir,
           real_differ);
    assert_true(real_checked > 0);
    assert_int_equal(real_differ, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pdfs),
        cmocka_unit_test(tar_named_like_a_pdf),
        cmocka_unit_test(others_unchanged),
        cmocka_unit_test(real_pdfs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
