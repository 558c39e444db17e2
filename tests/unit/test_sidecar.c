/* Unit tests: CSV reading and writing (lib/base/csv.c) and sidecar metadata
 * (lib/evidence/sidecar.c): FILE.json and manifest.csv, good and malformed, the
 * fail-closed rule (whatever is rejected restricts), embargoes, and rows
 * for folders and patterns. */
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
    /* fail closed: a sidecar that is rejected, for any reason, restricts */
    parse_bad("{\"title\": \"x\",}", "not valid JSON", 1);
    parse_bad("[1, 2]", "not a JSON object", 1);
    parse_bad("{\"titel\": \"x\"}", "unknown key 'titel'", 1);
    parse_bad("{\"restricte\": false}", "unknown key 'restricte'", 1);
    parse_bad("{\"date\": \"2024-02-30\"}", "invalid date", 1);
    parse_bad("{\"date\": \"30/02/2024\"}", "invalid date", 1);
    parse_bad("{\"date\": \"2024-07-30T25:00\"}", "invalid date", 1);
    parse_bad("{\"title\": 12}", "title: must be a string", 1);
    parse_bad("{\"tags\": [\"a\", 3]}", "every value must be a string", 1);
    parse_bad("{\"language\": \"spanish\"}", "invalid language", 1);
    parse_bad("{\"title\": \"a\", \"title\": \"b\"}", "duplicate", 1);
    parse_bad("{\"restricted\": false, \"restringido\": true}", "restricted given twice", 1);
    parse_bad("{\"restricted\": true, \"titel\": \"x\"}", "unknown key", 1);
    parse_bad("{\"restricted\": \"maybe\"}", "neither true nor false", 1);
    parse_bad("{\"restricted\": true,}", "not valid JSON", 1);
    parse_bad("{\"Restricted\" : false,}", "not valid JSON", 1);
    parse_bad("{\"restringido\": 1, \"date\": \"x\"}", "invalid date", 1);
    parse_bad("{\"restricted\": 2}", "restricted: must be true or false", 1);
    parse_bad("{\"embargo\": \"pronto\"}", "embargo: 'pronto' is not a date", 1);
    parse_bad("{\"embargo_hasta\": \"31/02/2030\"}", "is not a date", 1);
    parse_bad("{\"embargo\": true}", "embargo: must be a date", 1);
    /* caps */
    char *big = malloc(TG_SIDECAR_MAX_JSON + 10);
    memset(big, ' ', TG_SIDECAR_MAX_JSON + 9);
    big[0] = '{';
    big[TG_SIDECAR_MAX_JSON + 8] = '}';
    big[TG_SIDECAR_MAX_JSON + 9] = '\0';
    parse_bad(big, "larger than", 1);
    free(big);
    char longtitle[TG_SIDECAR_MAX_VALUE + 64];
    snprintf(longtitle, sizeof longtitle, "{\"title\": \"%0*d\"}", TG_SIDECAR_MAX_VALUE + 1, 0);
    parse_bad(longtitle, "longer than", 1);
}

static void embargoes(void **state)
{
    (void)state;
    char e[11];
    static const struct {
        const char *in, *out;
    } good[] = {
        {"2030-06-15", "2030-06-15"}, {"15/06/2030", "2030-06-15"},
        {"2030-06", "2030-06-30"},    {"2028-02", "2028-02-29"},
        {"2030", "2030-12-31"},       {"2030-06-15 10:00", "2030-06-15"},
        {" 2030-01-01 ", NULL},
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        if (!good[i].out) {
            assert_int_equal(tg_embargo_parse(good[i].in, e), -1);
            continue;
        }
        if (tg_embargo_parse(good[i].in, e))
            fail_msg("'%s' refused", good[i].in);
        assert_string_equal(e, good[i].out);
    }
    static const char *const bad[] = {"", "mañana", "2030-13", "31/02/2030", "20300615", "30"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (!tg_embargo_parse(bad[i], e))
            fail_msg("'%s' taken as %s", bad[i], e);
    /* in a sidecar: under any of its names, kept as its last day */
    int r;
    json_t *m = parse_ok("{\"Embargo hasta\": \"2031\", \"restricted\": false}", &r);
    assert_int_equal(r, 0);
    assert_string_equal(json_string_value(json_object_get(m, "embargo")), "2031-12-31");
    json_decref(m);
}

/* ==== manifest.csv ========================================================== */

static void manifest_good(void **state)
{
    (void)state;
    static const char in[] = "File,Title,Fecha,Witness,Tags, Restricted ,x-notes,EMBARGO_HASTA\r\n"
                             "acta.pdf,\"Acta, primera\",2024-07-30,Ana,a;b,no,whatever,\r\n"
                             ".\\sub\\carta.txt,Carta,,,,sí,,\r\n"
                             "sub//otra.txt,,,,,,,15/06/2030\r\n"
                             ",,,,,,,\r\n";
    tg_manifest_t *m = tg_manifest_parse(in, sizeof in - 1);
    assert_int_equal(tg_manifest_problems(m), 0);
    assert_null(tg_manifest_restricts_all(m));
    assert_int_equal(tg_manifest_rows(m), 3);
    tg_manifest_row_t row;
    assert_true(tg_manifest_lookup(m, "acta.pdf", &row));
    assert_int_equal(row.restricted, 0);
    assert_int_equal(row.line, 2);
    assert_string_equal(row.embargo, "");
    assert_string_equal(json_string_value(json_object_get(row.meta, "title")), "Acta, primera");
    assert_int_equal(json_array_size(json_object_get(row.meta, "tags")), 2);
    assert_true(tg_manifest_lookup(m, "sub/carta.txt", &row));
    assert_int_equal(row.restricted, 1);
    assert_true(tg_manifest_lookup(m, "sub/otra.txt", &row));
    assert_int_equal(row.restricted, 0);
    assert_string_equal(row.embargo, "2030-06-15");
    assert_false(tg_manifest_lookup(m, "nada.pdf", &row));
    /* plain file rows do not cover other files */
    assert_int_equal(tg_manifest_lookup_folder(m, "nada.pdf", &row), 0);
    assert_int_equal(tg_manifest_lookup_folder(m, "acta.pdf", &row), 0);
    tg_manifest_free(m);

    /* Excel in a Spanish locale: ';' and Windows-1252 */
    static const char es[] = "archivo;t\xedtulo;lugar\r\nacta.pdf;Declaraci\xf3n;Maracaibo\r\n";
    m = tg_manifest_parse(es, sizeof es - 1);
    assert_int_equal(tg_manifest_problems(m), 0);
    assert_true(tg_manifest_lookup(m, "acta.pdf", &row));
    assert_string_equal(json_string_value(json_object_get(row.meta, "title")), "Declaración");
    tg_manifest_free(m);
}

static void manifest_folders_and_patterns(void **state)
{
    (void)state;
    static const char in[] = "file,restricted,collection,embargo\n"
                             "*,no,Todo,\n"
                             "reservado,yes,Reservado,\n"
                             "fotos/*,no,Fotos,2030\n"
                             "*.eml,yes,,\n"
                             "fotos/a.jpg,no,Una foto,2029-01-01\n";
    tg_manifest_t *m = tg_manifest_parse(in, sizeof in - 1);
    assert_int_equal(tg_manifest_problems(m), 0);
    tg_manifest_row_t row;
    /* "*": every file, at any depth */
    assert_int_equal(tg_manifest_lookup_folder(m, "suelto.txt", &row), 1);
    assert_int_equal(row.restricted, 0);
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(row.meta, "collection"), 0)), "Todo");
    /* a row naming a folder covers everything below it; the deepest gives
     * the metadata, and any restriction counts */
    assert_int_equal(tg_manifest_lookup_folder(m, "reservado/2024/acta.pdf", &row), 2);
    assert_int_equal(row.restricted, 1);
    assert_int_equal(row.line, 3);
    /* "fotos/" and a star: the embargo of any covering row holds, the latest */
    assert_int_equal(tg_manifest_lookup_folder(m, "fotos/a.jpg", &row), 2);
    assert_string_equal(row.embargo, "2030-12-31");
    assert_int_equal(row.restricted, 0);
    assert_true(tg_manifest_lookup(m, "fotos/a.jpg", &row));
    assert_string_equal(row.embargo, "2029-01-01");
    assert_int_equal(tg_manifest_lookup_folder(m, "fotos/sub/b.jpg", &row), 2);
    assert_string_equal(row.embargo, "2030-12-31");
    /* a pattern: "*.eml" at the top only (a star does not cross '/') */
    assert_int_equal(tg_manifest_lookup_folder(m, "carta.eml", &row), 2);
    assert_int_equal(row.restricted, 1);
    assert_int_equal(tg_manifest_lookup_folder(m, "otra/carta.eml", &row), 1);
    assert_int_equal(row.restricted, 0);
    /* a folder named like a file is not a prefix of a longer name */
    assert_int_equal(tg_manifest_lookup_folder(m, "reservado2/x.txt", &row), 1);
    assert_int_equal(row.restricted, 0);
    tg_manifest_free(m);
}

static void manifest_malformed(void **state)
{
    (void)state;
    tg_manifest_row_t row;
    /* bad rows are reported; their files are restricted; good rows count */
    static const char rows[] = "file,date,restricted\n"
                               "a.txt,2024-13-01,false\n"
                               "b.txt,2024-01-01,\n"
                               "../c.txt,,\n"
                               ",2024,\n"
                               "d.txt,2024,true,extra\n"
                               "b.txt,2023,no\n"
                               "f.txt,2024\n";
    tg_manifest_t *m = tg_manifest_parse(rows, sizeof rows - 1);
    assert_int_equal(tg_manifest_problems(m), 6);
    assert_non_null(strstr(tg_manifest_problem(m, 0), "line 2: invalid date"));
    assert_null(tg_manifest_restricts_all(m));
    assert_true(tg_manifest_lookup(m, "a.txt", &row));
    assert_null(row.meta);
    assert_int_equal(row.restricted, 1); /* rejected row: fail closed */
    assert_true(tg_manifest_lookup(m, "b.txt", &row));
    assert_non_null(row.meta);
    assert_int_equal(row.restricted, 1); /* described twice: which row was meant? */
    assert_true(tg_manifest_lookup(m, "d.txt", &row));
    assert_null(row.meta);
    assert_int_equal(row.restricted, 1);
    assert_true(tg_manifest_lookup(m, "f.txt", &row)); /* its restricted cell is missing */
    assert_int_equal(row.restricted, 1);
    assert_false(tg_manifest_lookup(m, "c.txt", &row));
    tg_manifest_free(m);

    /* a row whose CSV cannot be parsed: which file it meant cannot be told,
     * so every file of the folder is */
    static const char quote[] = "file,restricted\na.txt,no\ne.txt,\"yes\nz.txt,no\n";
    m = tg_manifest_parse(quote, sizeof quote - 1);
    assert_non_null(tg_manifest_restricts_all(m));
    assert_non_null(strstr(tg_manifest_restricts_all(m), "quoted field never closed"));
    assert_non_null(strstr(tg_manifest_problem(m, 0), "every file of this folder"));
    assert_true(tg_manifest_lookup(m, "a.txt", &row)); /* rows before it still read */
    tg_manifest_free(m);

    /* an unknown column (any misspelling) restricts every row's file */
    static const char *const hdrs[] = {
        "file,titel,restricted\na.txt,x,no\nb.txt,y,false\n",
        "archivo,titulo,restringdo\nmal-escrito.txt,Mal escrito,no\nb.txt,y,no\n",
        "file,title,rest ricted\na.txt,x,no\nb.txt,y,no\n",
        "file,title,title\na.txt,x,no\nb.txt,y,no\n",
    };
    for (size_t i = 0; i < sizeof hdrs / sizeof *hdrs; i++) {
        m = tg_manifest_parse(hdrs[i], strlen(hdrs[i]));
        assert_true(tg_manifest_problems(m) >= 1);
        assert_int_equal(tg_manifest_rows(m), 2);
        for (size_t k = 0; k < 2; k++) {
            const char *f = k ? "b.txt" : i == 1 ? "mal-escrito.txt" : "a.txt";
            assert_true(tg_manifest_lookup(m, f, &row));
            assert_null(row.meta);
            if (!row.restricted)
                fail_msg("header %zu: %s not restricted", i, f);
        }
        tg_manifest_free(m);
    }
    /* known columns in any case, accents and surrounding spaces */
    static const char ok[] = " ARCHIVO ,Título,\tRestringido \nb.txt,y,no\n";
    m = tg_manifest_parse(ok, sizeof ok - 1);
    assert_int_equal(tg_manifest_problems(m), 0);
    assert_true(tg_manifest_lookup(m, "b.txt", &row));
    assert_int_equal(row.restricted, 0);
    tg_manifest_free(m);

    /* a header that cannot be read, none, or no file column: the folder */
    static const char *const whole[] = {
        "",
        "title,date\nx,2024\n",
        "\"file,restricted\nacta.txt,yes\n",
        "archvo,restricted\nacta.txt,yes\n",
    };
    for (size_t i = 0; i < sizeof whole / sizeof *whole; i++) {
        m = tg_manifest_parse(whole[i], strlen(whole[i]));
        if (!tg_manifest_restricts_all(m))
            fail_msg("manifest %zu does not restrict its folder", i);
        assert_int_equal(tg_manifest_rows(m), 0);
        tg_manifest_free(m);
    }
    m = tg_manifest_unreadable("permission denied");
    assert_non_null(strstr(tg_manifest_restricts_all(m), "permission denied"));
    tg_manifest_free(m);
    /* a row that restricts without naming a file */
    static const char noname[] = "file,restricted\n,yes\n";
    m = tg_manifest_parse(noname, sizeof noname - 1);
    assert_non_null(tg_manifest_restricts_all(m));
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
        cmocka_unit_test(embargoes),
        cmocka_unit_test(manifest_good),
        cmocka_unit_test(manifest_folders_and_patterns),
        cmocka_unit_test(manifest_malformed),
        cmocka_unit_test(manifest_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
