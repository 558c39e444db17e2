/* Unit tests: CSV reading and writing (lib/base/csv.c) and sidecar metadata
 * (lib/evidence/sidecar.c): FILE.json and manifest.csv, good and malformed, and the
 * safety rule that keeps a restriction even when the rest is rejected. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csv.h"
#include "sidecar.h"

/* ==== CSV ================================================================== */

static void csv_reads_rfc4180(void **state)
{
    (void)state;
    static const char in[] = "\xEF\xBB\xBF"
                             "a,b,c\r\n"
                             "\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
                             "\n"
                             "last,,\"\"";
    tg_csv_t *c = tg_csv_new(in, sizeof in - 1, NULL);
    char **f, err[128];
    size_t n;
    unsigned long line;
    assert_int_equal(tg_csv_next(c, &f, &n, &line, err, sizeof err), TG_OK);
    assert_int_equal(n, 3);
    assert_string_equal(f[0], "a");
    assert_int_equal(line, 1);
    assert_int_equal(tg_csv_next(c, &f, &n, &line, err, sizeof err), TG_OK);
    assert_int_equal(n, 3);
    assert_string_equal(f[0], "x, y");
    assert_string_equal(f[1], "say \"hi\"");
    assert_string_equal(f[2], "two\nlines");
    assert_int_equal(line, 2);
    assert_int_equal(tg_csv_next(c, &f, &n, &line, err, sizeof err), TG_OK);
    assert_int_equal(line, 5); /* the quoted line break counted, the empty line skipped */
    assert_int_equal(n, 3);
    assert_string_equal(f[0], "last");
    assert_string_equal(f[1], "");
    assert_string_equal(f[2], "");
    assert_int_equal(tg_csv_next(c, &f, &n, &line, err, sizeof err), TG_ERR_NOTFOUND);
    tg_csv_free(c);
}

static void csv_errors_name_the_line_and_go_on(void **state)
{
    (void)state;
    static const char in[] = "ok\n\"bad\"x,1\nnext\n\"never closed\n";
    tg_csv_t *c = tg_csv_new(in, sizeof in - 1, NULL);
    char **f, err[128];
    size_t n;
    unsigned long line;
    assert_int_equal(tg_csv_next(c, &f, &n, &line, err, sizeof err), TG_OK);
    assert_int_equal(tg_csv_next(c, &f, &n, &line, err, sizeof err), TG_ERR_FORMAT);
    assert_non_null(strstr(err, "line 2"));
    assert_int_equal(tg_csv_next(c, &f, &n, &line, err, sizeof err), TG_OK);
    assert_string_equal(f[0], "next");
    assert_int_equal(tg_csv_next(c, &f, &n, &line, err, sizeof err), TG_ERR_FORMAT);
    assert_non_null(strstr(err, "line 4"));
    assert_int_equal(tg_csv_next(c, &f, &n, &line, err, sizeof err), TG_ERR_NOTFOUND);
    tg_csv_free(c);

    /* caps: field length and field count */
    tg_csv_opts_t o = {.max_field = 4, .max_fields = 2};
    static const char big[] = "12345\na,b,c\nab,cd\n";
    c = tg_csv_new(big, sizeof big - 1, &o);
    assert_int_equal(tg_csv_next(c, &f, &n, &line, err, sizeof err), TG_ERR_LIMIT);
    assert_int_equal(tg_csv_next(c, &f, &n, &line, err, sizeof err), TG_ERR_LIMIT);
    assert_int_equal(tg_csv_next(c, &f, &n, &line, err, sizeof err), TG_OK);
    assert_string_equal(f[1], "cd");
    tg_csv_free(c);

    /* NUL bytes are not text */
    static const char nul[] = "a\0b\n";
    c = tg_csv_new(nul, sizeof nul - 1, NULL);
    assert_int_equal(tg_csv_next(c, &f, &n, &line, err, sizeof err), TG_ERR_FORMAT);
    tg_csv_free(c);
}

static void csv_sniff_and_write(void **state)
{
    (void)state;
    assert_int_equal(tg_csv_sniff("a;b;c\n1,5;2", 11), ';');
    assert_int_equal(tg_csv_sniff("a,b;c\n", 6), ',');
    assert_int_equal(tg_csv_sniff("\"a,b\";c\n", 8), ';');
    assert_int_equal(tg_csv_sniff("a\tb\n", 4), '\t');
    tg_buf_t b;
    tg_buf_init(&b, 1024);
    tg_csv_put(&b, "plain", 1, ',');
    tg_csv_put(&b, "a,b", 0, ',');
    tg_csv_put(&b, "say \"hi\"", 0, ',');
    tg_csv_put(&b, "two\nlines", 0, ',');
    tg_csv_put(&b, " padded", 0, ',');
    tg_csv_put(&b, "", 0, ',');
    tg_csv_end(&b);
    assert_string_equal(tg_buf_str(&b),
                        "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" padded\",\r\n");
    /* and it reads back the same */
    tg_csv_t *c = tg_csv_new(b.data, b.len, NULL);
    char **f, err[128];
    size_t n;
    unsigned long line;
    assert_int_equal(tg_csv_next(c, &f, &n, &line, err, sizeof err), TG_OK);
    assert_int_equal(n, 6);
    assert_string_equal(f[2], "say \"hi\"");
    assert_string_equal(f[3], "two\nlines");
    assert_string_equal(f[4], " padded");
    tg_csv_free(c);
    /* a field that does not fit is not half written */
    tg_buf_t small;
    tg_buf_init(&small, 6);
    assert_int_equal(tg_csv_put(&small, "abc", 1, ','), TG_OK);
    assert_int_equal(tg_csv_put(&small, "d,e", 0, ','), TG_ERR_LIMIT);
    assert_string_equal(tg_buf_str(&small), "abc");
    tg_buf_free(&small);
    tg_buf_free(&b);
}

/* ==== FILE.json ============================================================= */

static json_t *parse_ok(const char *s, int *restricted)
{
    json_t *m;
    char err[256] = "";
    tg_status_t st = tg_sidecar_parse_json(s, strlen(s), &m, restricted, err, sizeof err);
    if (st)
        fail_msg("%s: %s", s, err);
    return m;
}

static void parse_bad(const char *s, const char *why, int want_restricted)
{
    json_t *m = (json_t *)1;
    int r = -1;
    char err[256] = "";
    tg_status_t st = tg_sidecar_parse_json(s, strlen(s), &m, &r, err, sizeof err);
    assert_int_not_equal(st, TG_OK);
    assert_null(m);
    if (!strstr(err, why))
        fail_msg("'%s': wanted '%s' in '%s'", s, why, err);
    if (r != want_restricted)
        fail_msg("'%s': restricted %d, wanted %d", s, r, want_restricted);
}

static void json_sidecar_good(void **state)
{
    (void)state;
    int r;
    json_t *m =
        parse_ok("{\"title\": \"  Acta de  detención\\n\", \"date\": \"2024-07-30\","
                 " \"witness\": \"Marino Alvarado\", \"place\": [\"Caracas\", \"El Helicoide\"],"
                 " \"collection\": \"Caso 12\", \"language\": \"ES\","
                 " \"restricted\": false, \"tags\": \"tortura; aislamiento;\","
                 " \"x-nota\": {\"anything\": 1}}",
                 &r);
    assert_int_equal(r, 0);
    assert_string_equal(json_string_value(json_object_get(m, "title")), "Acta de detención");
    assert_string_equal(json_string_value(json_object_get(m, "date")), "2024-07-30");
    assert_string_equal(json_string_value(json_object_get(m, "language")), "es");
    assert_int_equal(json_array_size(json_object_get(m, "witness")), 1);
    assert_int_equal(json_array_size(json_object_get(m, "place")), 2);
    json_t *tags = json_object_get(m, "tags");
    assert_int_equal(json_array_size(tags), 2);
    assert_string_equal(json_string_value(json_array_get(tags, 1)), "aislamiento");
    assert_true(json_is_false(json_object_get(m, "restricted")));
    assert_null(json_object_get(m, "x-nota"));
    json_decref(m);

    /* Spanish keys, day-first dates, a restriction */
    m = parse_ok("{\"Título\": \"Carta\", \"fecha\": \"5/8/2025\", \"RESTRINGIDO\": true,"
                 " \"etiquetas\": [\"a\", \"a\"]}",
                 &r);
    assert_int_equal(r, 1);
    assert_string_equal(json_string_value(json_object_get(m, "title")), "Carta");
    assert_string_equal(json_string_value(json_object_get(m, "date")), "2025-08-05");
    assert_int_equal(json_array_size(json_object_get(m, "tags")), 1);
    json_decref(m);

    m = parse_ok("{\"date\": \"2024-07-30 14:05:00\"}", &r);
    assert_string_equal(json_string_value(json_object_get(m, "date")), "2024-07-30T14:05:00");
    json_decref(m);
    m = parse_ok("{}", &r);
    assert_int_equal(json_object_size(m), 0);
    json_decref(m);
}

static void json_sidecar_malformed(void **state)
{
    (void)state;
    parse_bad("{\"title\": \"x\",}", "not valid JSON", 0);
    parse_bad("[1, 2]", "not a JSON object", 0);
    parse_bad("{\"titel\": \"x\"}", "unknown key 'titel'", 0);
    parse_bad("{\"date\": \"2024-02-30\"}", "invalid date", 0);
    parse_bad("{\"date\": \"30/02/2024\"}", "invalid date", 0);
    parse_bad("{\"date\": \"2024-07-30T25:00\"}", "invalid date", 0);
    parse_bad("{\"title\": 12}", "title: must be a string", 0);
    parse_bad("{\"tags\": [\"a\", 3]}", "every value must be a string", 0);
    parse_bad("{\"language\": \"spanish\"}", "invalid language", 0);
    parse_bad("{\"title\": \"a\", \"title\": \"b\"}", "duplicate", 0);
    /* the safety rule: a restriction survives whatever else is wrong */
    parse_bad("{\"restricted\": true, \"titel\": \"x\"}", "unknown key", 1);
    parse_bad("{\"restricted\": \"maybe\"}", "neither true nor false", 1);
    parse_bad("{\"restricted\": true,}", "not valid JSON", 1);
    parse_bad("{\"Restricted\" : false,}", "not valid JSON", 0);
    parse_bad("{\"restringido\": 1, \"date\": \"x\"}", "invalid date", 1);
    /* caps */
    char *big = malloc(TG_SIDECAR_MAX_JSON + 10);
    memset(big, ' ', TG_SIDECAR_MAX_JSON + 9);
    big[0] = '{';
    big[TG_SIDECAR_MAX_JSON + 8] = '}';
    big[TG_SIDECAR_MAX_JSON + 9] = '\0';
    parse_bad(big, "larger than", 0);
    free(big);
    char longtitle[TG_SIDECAR_MAX_VALUE + 64];
    snprintf(longtitle, sizeof longtitle, "{\"title\": \"%0*d\"}", TG_SIDECAR_MAX_VALUE + 1, 0);
    parse_bad(longtitle, "longer than", 0);
}

/* ==== manifest.csv ========================================================== */

static void manifest_good(void **state)
{
    (void)state;
    static const char in[] = "File,Title,Fecha,Witness,Tags,Restricted,x-notes\r\n"
                             "acta.pdf,\"Acta, primera\",2024-07-30,Ana,a;b,no,whatever\r\n"
                             ".\\sub\\carta.txt,Carta,,,,sí,\r\n"
                             "sub//otra.txt,,,,,,\r\n";
    tg_manifest_t *m = tg_manifest_parse(in, sizeof in - 1);
    assert_int_equal(tg_manifest_problems(m), 0);
    assert_int_equal(tg_manifest_rows(m), 3);
    const json_t *meta;
    int r;
    unsigned long line;
    assert_true(tg_manifest_lookup(m, "acta.pdf", &meta, &r, &line));
    assert_int_equal(r, 0);
    assert_int_equal(line, 2);
    assert_string_equal(json_string_value(json_object_get(meta, "title")), "Acta, primera");
    assert_int_equal(json_array_size(json_object_get(meta, "tags")), 2);
    assert_true(tg_manifest_lookup(m, "sub/carta.txt", &meta, &r, &line));
    assert_int_equal(r, 1);
    assert_true(tg_manifest_lookup(m, "sub/otra.txt", &meta, &r, &line));
    assert_false(tg_manifest_lookup(m, "nada.pdf", &meta, &r, &line));
    tg_manifest_free(m);

    /* Excel in a Spanish locale: ';' and Windows-1252 */
    static const char es[] = "archivo;t\xedtulo;lugar\r\nacta.pdf;Declaraci\xf3n;Maracaibo\r\n";
    m = tg_manifest_parse(es, sizeof es - 1);
    assert_int_equal(tg_manifest_problems(m), 0);
    assert_true(tg_manifest_lookup(m, "acta.pdf", &meta, &r, &line));
    assert_string_equal(json_string_value(json_object_get(meta, "title")), "Declaración");
    tg_manifest_free(m);
}

static void manifest_malformed(void **state)
{
    (void)state;
    const json_t *meta;
    int r;
    unsigned long line;
    /* bad rows are reported and skipped; good rows still count */
    static const char rows[] = "file,date,restricted\n"
                               "a.txt,2024-13-01,false\n"
                               "b.txt,2024-01-01,\n"
                               "../c.txt,,\n"
                               ",2024,\n"
                               "d.txt,2024,true,extra\n"
                               "b.txt,2023,yes\n"
                               "e.txt,\"2024\n";
    tg_manifest_t *m = tg_manifest_parse(rows, sizeof rows - 1);
    assert_int_equal(tg_manifest_problems(m), 6);
    assert_non_null(strstr(tg_manifest_problem(m, 0), "line 2: invalid date"));
    assert_true(tg_manifest_lookup(m, "a.txt", &meta, &r, &line));
    assert_null(meta);
    assert_int_equal(r, 0);
    assert_true(tg_manifest_lookup(m, "b.txt", &meta, &r, &line));
    assert_non_null(meta);
    assert_int_equal(r, 1); /* the duplicate row's restriction still counts */
    assert_true(tg_manifest_lookup(m, "d.txt", &meta, &r, &line));
    assert_null(meta);
    assert_int_equal(r, 1); /* rejected row, restriction kept */
    assert_false(tg_manifest_lookup(m, "c.txt", &meta, &r, &line));
    assert_false(tg_manifest_lookup(m, "e.txt", &meta, &r, &line));
    tg_manifest_free(m);

    /* an unknown column rejects every row's metadata, not the restrictions */
    static const char hdr[] = "file,titel,restricted\na.txt,x,true\nb.txt,y,false\n";
    m = tg_manifest_parse(hdr, sizeof hdr - 1);
    assert_non_null(strstr(tg_manifest_problem(m, 0), "unknown column 'titel'"));
    assert_true(tg_manifest_lookup(m, "a.txt", &meta, &r, &line));
    assert_null(meta);
    assert_int_equal(r, 1);
    assert_true(tg_manifest_lookup(m, "b.txt", &meta, &r, &line));
    assert_int_equal(r, 0);
    tg_manifest_free(m);

    static const char nofile[] = "title,date\nx,2024\n";
    m = tg_manifest_parse(nofile, sizeof nofile - 1);
    assert_int_equal(tg_manifest_rows(m), 0);
    assert_non_null(strstr(tg_manifest_problem(m, 0), "no 'file' column"));
    tg_manifest_free(m);

    m = tg_manifest_parse("", 0);
    assert_non_null(strstr(tg_manifest_problem(m, 0), "empty"));
    tg_manifest_free(m);

    /* binary garbage never crashes and never yields rows */
    char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)((i * 2654435761u) >> 13);
    m = tg_manifest_parse(junk, sizeof junk);
    tg_manifest_free(m);
}

static void manifest_paths(void **state)
{
    (void)state;
    char *p;
    assert_string_equal(p = tg_manifest_path(" ./a//b\\c.pdf "), "a/b/c.pdf");
    free(p);
    assert_null(tg_manifest_path("/etc/passwd"));
    assert_null(tg_manifest_path("a/../../b"));
    assert_null(tg_manifest_path("./"));
    assert_null(tg_manifest_path(""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_reads_rfc4180),
        cmocka_unit_test(csv_errors_name_the_line_and_go_on),
        cmocka_unit_test(csv_sniff_and_write),
        cmocka_unit_test(json_sidecar_good),
        cmocka_unit_test(json_sidecar_malformed),
        cmocka_unit_test(manifest_good),
        cmocka_unit_test(manifest_malformed),
        cmocka_unit_test(manifest_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
