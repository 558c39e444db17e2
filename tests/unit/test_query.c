/* Unit tests: the query language (lib/read/query.c) and the schema helpers it
 * relies on (dates, boolean terms: lib/index/schema.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "query.h"
#include "schema.h"
#include "util.h"

static tg_qparser_t *qp;

static int setup(void **state)
{
    (void)state;
    qp = tg_qparser_new();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tg_qparser_free(qp);
    return 0;
}

/* Parses q and returns Xapian's description (malloc'd), failing on error. */
static char *describe(const char *q)
{
    tg_parsed_t p;
    char err[256] = "";
    tg_status_t st = tg_query_parse(qp, q, NULL, &p, err, sizeof err);
    if (st)
        fail_msg("'%s' did not parse: %s", q, err);
    char *d = tg_query_describe(p.query);
    tg_parsed_free(&p);
    return d;
}

static void has(const char *q, const char *needle)
{
    char *d = describe(q);
    if (!strstr(d, needle))
        fail_msg("'%s' -> %s: no '%s'", q, d, needle);
    free(d);
}

static void hasnt(const char *q, const char *needle)
{
    char *d = describe(q);
    if (strstr(d, needle))
        fail_msg("'%s' -> %s: unexpected '%s'", q, d, needle);
    free(d);
}

static void words_fold_and_stem(void **state)
{
    (void)state;
    /* every spelling of a name becomes the same folded term */
    has("Rodríguez", "rodriguez@1");
    has("RODRÍGUEZ", "rodriguez@1");
    has("rodriguez", "rodriguez@1");
    has("niño", "nino@1");
    /* a bare word also matches its Spanish and English stems */
    has("detenidos", "Zdeten");
    has("detenidos", "SYNONYM");
    has("arrested", "Zarrest");
    /* stems of the accented word, folded: "liberación" -> "liber" */
    has("liberación", "Zliber");
}

static void phrases_and_operators(void **state)
{
    (void)state;
    has("\"niño fue detenido\"", "PHRASE 3");
    hasnt("\"detenidos\"", "Zdeten"); /* quoted: exact word only */
    has("a OR b", " OR ");
    has("maria -jose", "AND_NOT");
    has("maria NOT jose", "AND_NOT");
    has("NOT jose", "AND_NOT");
    has("tracing NEAR/5 compiler", "NEAR 5");
    has("tracing NEAR compiler", "NEAR 10");
    has("rodrig*", "WILDCARD");
    /* lowercase operators are words */
    has("maria and jose", "and@1");
    has("(a OR b) c", "AND");
    has("e-mail", "PHRASE 2");
}

static void fields(void **state)
{
    (void)state;
    has("type:pdf", "Tpdf");
    has("type:PDF", "Tpdf");
    has("lang:es detenido", "FILTER");
    has("date:2024", "D2024");
    has("date:2024-07", "D2024-07");
    has("date:2024-07-30", "D2024-07-30");
    has("year:2024", "D2024");
    has("title:informe", "Sinforme");
    has("folder:corpus/noticias", "XFcorpus/noticias");
    /* a whole-year range is one term; partial months are days */
    has("date:2024-01-01..2024-12-31", "D2024");
    hasnt("date:2024-01-01..2024-12-31", "D2024-01");
    has("date:2024-07-28..2024-08-05", "D2024-07-31");
    has("date:2024-07-28..2024-08-05", "D2024-08-05");
    hasnt("date:2024-07-28..2024-08-05", "D2024-08-06");
    has("date:2023-11..2025-02", "D2023-12");
    has("date:2023-11..2025-02", "D2025-02");
    has("date:..1801", "D1800");
    has("date:2199..", "D2199");
}

static void evidence_fields(void **state)
{
    (void)state;
    /* person: the name's key, whatever the accents, case or order */
    has("person:\"Marino Alvarado\"", "XPmarino alvarado");
    has("person:\"MARINO ÁLVARADO\"", "XPmarino alvarado");
    has("person:\"ALVARADO, Marino\"", "XPmarino alvarado");
    has("person:\"ALVARADO PÉREZ, Marino José\"", "XPmarino jose alvarado perez");
    has("detenido person:\"Ana Rojas\"", "FILTER");
    /* mentions: the dates in the text, like date: but with XM */
    has("mentions:2025-08-05", "XM2025-08-05");
    has("mentions:2025-08", "XM2025-08");
    has("mentions:2025", "XM2025");
    has("mentions:2024-07-28..2024-08-05", "XM2024-07-31");
    has("mentions:2024-07-28..2024-08-05", "XM2024-08-05");
    hasnt("mentions:2024-07-28..2024-08-05", "XM2024-08-06");
    hasnt("mentions:2024-07-28..2024-08-05", "D2024");
    hasnt("date:2024-07-28..2024-08-05", "XM");
    /* id: every written form, the same digits */
    has("id:12345678", "XI12345678");
    has("id:12.345.678", "XI12345678");
    has("id:V-12.345.678", "XI12345678");
    has("id:v12345678", "XI12345678");
    has("id:E-8.765.432", "XI8765432");
    has("ID:12345678", "XI12345678");
    /* a person's words and an identity number's forms are highlighted */
    tg_parsed_t p;
    char err[256];
    assert_int_equal(
        tg_query_parse(qp, "person:\"Ana Rojas\" id:V-12.345.678", NULL, &p, err, sizeof err),
        TG_OK);
    int ana = 0, dotted = 0, fused = 0;
    for (size_t i = 0; i < p.n_words; i++) {
        ana |= !strcmp(p.words[i], "ana");
        dotted |= !strcmp(p.words[i], "12.345.678");
        fused |= !strcmp(p.words[i], "v12345678");
    }
    assert_true(ana && dotted && fused);
    tg_parsed_free(&p);
}

static void syntax_errors(void **state)
{
    (void)state;
    static const char *const bad[][2] = {
        {"(maria", "missing ')'"},
        {"maria)", "unexpected ')'"},
        {"()", "empty parentheses"},
        {"\"niño", "unterminated quotation mark"},
        {"maria AND", "AND needs something after it"},
        {"AND maria", "AND needs something before it"},
        {"maria OR", "OR needs something on each side"},
        {"NOT", "NOT needs something after it"},
        {"fecha:2024", "unknown field 'fecha:'"},
        {"date:2024-02-30", "invalid date '2024-02-30'"},
        {"date:ayer", "invalid date"},
        {"date:2025..2024", "ends before it starts"},
        {"date:..", "at least one end"},
        {"year:2024-07", "invalid year"},
        {"type:", "has no value"},
        {"\"a b\" NEAR c", "NEAR needs a single word"},
        {"a NEAR/0 b", "NEAR/n needs a number"},
        {"sha256:xyz", "invalid sha256"},
        {"id:abc", "invalid identity number 'abc'"},
        {"id:12-345", "invalid identity number"},
        {"id:1234567890", "invalid identity number"},
        {"person:\"...\"", "person: needs a name"},
        {"person:", "has no value"},
        {"mentions:2025-02-30", "invalid date '2025-02-30'"},
        {"mentions:2026..2025", "ends before it starts"},
        {"fecha:2024", "fields: type, lang, date, year, title, folder, sha256, person, id, "
                       "mentions"},
        {"!!! ...", "no words to look for"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tg_parsed_t p;
        char err[256] = "";
        tg_status_t st = tg_query_parse(qp, bad[i][0], NULL, &p, err, sizeof err);
        if (st != TG_ERR_QUERY)
            fail_msg("'%s' parsed, expected an error", bad[i][0]);
        if (!strstr(err, bad[i][1]))
            fail_msg("'%s': message '%s' lacks '%s'", bad[i][0], err, bad[i][1]);
    }
}

static void limits(void **state)
{
    (void)state;
    char big[5000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    tg_parsed_t p;
    char err[256];
    assert_int_equal(tg_query_parse(qp, big, NULL, &p, err, sizeof err), TG_ERR_QUERY);
    assert_non_null(strstr(err, "too long"));
    /* deep nesting is refused, not recursed into */
    char deep[200];
    memset(deep, '(', 100);
    deep[100] = 'a';
    memset(deep + 101, ')', 98);
    deep[199] = '\0';
    assert_int_equal(tg_query_parse(qp, deep, NULL, &p, err, sizeof err), TG_ERR_QUERY);
    assert_non_null(strstr(err, "nested"));
    tg_parse_opts_t o = {.max_clauses = 3};
    assert_int_equal(tg_query_parse(qp, "a b c d", &o, &p, err, sizeof err), TG_ERR_QUERY);
    assert_non_null(strstr(err, "too complex"));
    /* invalid UTF-8 in a query is cleaned, not fatal */
    assert_int_equal(tg_query_parse(qp, "ni\xf1o", NULL, &p, err, sizeof err), TG_OK);
    tg_parsed_free(&p);
}

static void highlight_lists(void **state)
{
    (void)state;
    tg_parsed_t p;
    char err[256];
    assert_int_equal(tg_query_parse(qp, "Rodríguez \"niño detenido\" rodri* -jose type:pdf", NULL,
                                    &p, err, sizeof err),
                     TG_OK);
    int found_r = 0, found_n = 0;
    for (size_t i = 0; i < p.n_words; i++) {
        found_r |= !strcmp(p.words[i], "rodriguez");
        found_n |= !strcmp(p.words[i], "nino");
    }
    assert_true(found_r && found_n);
    assert_int_equal(p.n_prefixes, 1);
    assert_string_equal(p.prefixes[0], "rodri");
    tg_parsed_free(&p);
}

static void dates(void **state)
{
    (void)state;
    tg_date_t d;
    assert_int_equal(tg_date_parse("2024-02-29", 10, &d), 0);
    assert_int_equal(d.day, 29);
    assert_int_equal(tg_date_parse("2023-02-29", 10, &d), -1);
    assert_int_equal(tg_date_parse("2024-13", 7, &d), -1);
    assert_int_equal(tg_date_parse("2024-07-30T10:00:00Z", 20, &d), 0);
    assert_int_equal(d.month, 7);
    assert_int_equal(tg_date_parse("24-07-30", 8, &d), -1);
    assert_int_equal(tg_days_in_month(1900, 2), 28);
    assert_int_equal(tg_days_in_month(2000, 2), 29);
}

static void long_boolean_terms_are_hashed(void **state)
{
    (void)state;
    char v[400];
    memset(v, 'x', sizeof v - 1);
    v[sizeof v - 1] = '\0';
    tg_buf_t b;
    tg_buf_init(&b, 1024);
    tg_bool_term(&b, "XF", v);
    assert_true(b.len <= TG_XAP_MAX_TERM);
    assert_memory_equal(b.data, "XF#", 3);
    /* two long values differing at the end stay different */
    char *first = tg_buf_detach(&b);
    v[sizeof v - 2] = 'y';
    tg_buf_init(&b, 1024);
    tg_bool_term(&b, "XF", v);
    assert_string_not_equal(first, tg_buf_str(&b));
    free(first);
    tg_buf_free(&b);
}

/* The parts a snippet's excerpt must hold whole, as "|"-separated groups
 * of space-separated words ("~N" after a NEAR group), malloc'd. */
static char *groups(const char *q)
{
    tg_parsed_t p;
    char err[256] = "";
    if (tg_query_parse(qp, q, NULL, &p, err, sizeof err))
        fail_msg("'%s' did not parse: %s", q, err);
    char out[1024] = "";
    for (size_t i = 0; i < p.n_groups; i++) {
        if (i)
            strcat(out, "|");
        for (size_t k = 0; k < p.groups[i].n; k++) {
            if (k)
                strcat(out, " ");
            strcat(out, p.groups[i].words[k]);
        }
        if (p.groups[i].near)
            sprintf(out + strlen(out), "~%u", p.groups[i].near);
    }
    tg_parsed_free(&p);
    return tg_xstrdup(out);
}

#define GROUPS(q, want)                                                                            \
    do {                                                                                           \
        char *g_ = groups(q);                                                                      \
        assert_string_equal(g_, want);                                                             \
        free(g_);                                                                                  \
    } while (0)

static void snippet_groups(void **state)
{
    (void)state;
    GROUPS("Pérez", "perez");
    GROUPS("\"activities remained free\"", "activities remained free");
    GROUPS("gamma AND delta", "gamma|delta");
    GROUPS("kappa OR \"Pagina 12\"", "kappa|pagina 12");
    GROUPS("alfa NEAR omega", "alfa omega~10");
    GROUPS("alfa NEAR/3 omega beta", "alfa omega~3|beta");
    /* negated parts are not in the document: not looked for */
    GROUPS("\"Pagina 4321\" NOT ausente -otra", "pagina 4321");
    GROUPS("a -(b OR \"c d\")", "a");
    /* fields: only highlighted; wildcards: no positions to look at */
    GROUPS("\"Pagina 1\" type:pdf title:informe person:\"Ana Pérez\" det*", "pagina 1");
    GROUPS("title:informe NEAR marino", "marino");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(words_fold_and_stem),
        cmocka_unit_test(phrases_and_operators),
        cmocka_unit_test(fields),
        cmocka_unit_test(evidence_fields),
        cmocka_unit_test(syntax_errors),
        cmocka_unit_test(limits),
        cmocka_unit_test(highlight_lists),
        cmocka_unit_test(dates),
        cmocka_unit_test(long_boolean_terms_are_hashed),
        cmocka_unit_test(snippet_groups),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
