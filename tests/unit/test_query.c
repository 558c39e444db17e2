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

/* Parses q with opts (may be NULL); on failure, err gets the English
 * message. */
static tg_status_t parse(const char *q, const tg_parse_opts_t *o, tg_parsed_t *p, char *err,
                         size_t errlen)
{
    tg_qmsg_t m;
    memset(&m, 0xff, sizeof m); /* must be filled on failure */
    tg_status_t st = tg_query_parse(qp, q, o, p, &m);
    if (st)
        tg_qmsg_str(&m, err, errlen);
    return st;
}

/* Parses q and returns Xapian's description (malloc'd), failing on error. */
static char *describe(const char *q)
{
    tg_parsed_t p;
    char err[256] = "";
    tg_status_t st = parse(q, NULL, &p, err, sizeof err);
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
    assert_int_equal(parse("person:\"Ana Rojas\" id:V-12.345.678", NULL, &p, err, sizeof err),
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
        {"date:2024-02-30", "invalid date '2024-02-30'"},
        {"date:ayer", "invalid date"},
        {"date:2025..2024", "ends before it starts"},
        {"date:..", "at least one end"},
        {"year:2024-07", "invalid year"},
        {"a NEAR/0 b", "NEAR/n needs a number"},
        {"sha256:xyz", "invalid sha256"},
        {"id:abc", "invalid identity number 'abc'"},
        {"id:12-345", "invalid identity number"},
        {"id:1234567890", "invalid identity number"},
        {"person:\"...\"", "person: needs a name"},
        {"mentions:2025-02-30", "invalid date '2025-02-30'"},
        {"mentions:2026..2025", "ends before it starts"},
        {"fecha:2024-13", "invalid date '2024-13'"},
        {"fecha:2024-02-30", "(at character 1)"},
        {"!!! ...", "no words to look for"},
        {"NOT", "no words to look for"},
        {"()", "no words to look for"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tg_parsed_t p;
        char err[256] = "";
        tg_status_t st = parse(bad[i][0], NULL, &p, err, sizeof err);
        if (st == TG_OK)
            tg_parsed_free(&p);
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
    assert_int_equal(parse(big, NULL, &p, err, sizeof err), TG_ERR_QUERY);
    assert_non_null(strstr(err, "too long"));
    /* deep nesting is refused, not recursed into */
    char deep[200];
    memset(deep, '(', 100);
    deep[100] = 'a';
    memset(deep + 101, ')', 98);
    deep[199] = '\0';
    assert_int_equal(parse(deep, NULL, &p, err, sizeof err), TG_ERR_QUERY);
    assert_non_null(strstr(err, "nested"));
    tg_parse_opts_t o = {.max_clauses = 3};
    assert_int_equal(parse("a b c d", &o, &p, err, sizeof err), TG_ERR_QUERY);
    assert_non_null(strstr(err, "too complex"));
    /* invalid UTF-8 in a query is cleaned, not fatal */
    assert_int_equal(parse("ni\xf1o", NULL, &p, err, sizeof err), TG_OK);
    tg_parsed_free(&p);
}

static void highlight_lists(void **state)
{
    (void)state;
    tg_parsed_t p;
    char err[256];
    assert_int_equal(
        parse("Rodríguez \"niño detenido\" rodri* -jose type:pdf", NULL, &p, err, sizeof err),
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
    if (parse(q, NULL, &p, err, sizeof err))
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

/* The notices of q as "name:text|name:text", malloc'd. */
static char *notices(const char *q)
{
    tg_parsed_t p;
    char err[256] = "";
    if (parse(q, NULL, &p, err, sizeof err))
        fail_msg("'%s' did not parse: %s", q, err);
    char out[1024] = "";
    for (size_t i = 0; i < p.n_notices; i++) {
        assert_false(tg_qmsg_is_error(p.notices[i].code));
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s:%s", i ? "|" : "",
                 tg_qmsg_name(p.notices[i].code), p.notices[i].text);
    }
    tg_parsed_free(&p);
    return tg_xstrdup(out);
}

#define NOTICES(q, want)                                                                           \
    do {                                                                                           \
        char *n_ = notices(q);                                                                     \
        if (strcmp(n_, want))                                                                      \
            fail_msg("'%s': notices '%s', wanted '%s'", q, n_, want);                              \
        free(n_);                                                                                  \
    } while (0)

/* Ordinary typing is never an error: what is not a field is a word, an
 * unclosed quote a phrase to the end, stray brackets and operators are
 * dropped, and each reading is reported. */
static void forgiving(void **state)
{
    (void)state;
    /* "word:" that names no field: the word, and the rest on its own */
    has("Nota: preso", "nota@1");
    has("Nota: preso", "Zpres");
    NOTICES("Nota: preso", "unknown_field:Nota");
    has("Nota:preso", "Zpres");
    NOTICES("Nota:preso", "unknown_field:Nota");
    has("http://example.com/informe", "http@1");
    has("http://example.com/informe", "PHRASE 3");
    NOTICES("http://example.com/informe", "unknown_field:http");
    NOTICES("Caso 12: audiencia", "");
    has("Caso 12: audiencia", "12@1");
    /* a field with nothing after its colon is a word too */
    has("Fecha: 12 de agosto", "fecha@1");
    NOTICES("Fecha: 12 de agosto", "empty_field:Fecha");
    has("type:", "type@1");
    NOTICES("type:", "empty_field:type");
    NOTICES("title:\"\" informe", "empty_field:title");
    /* an unclosed quote: a phrase to the end */
    has("\"fue detenido", "PHRASE 2");
    NOTICES("\"fue detenido", "unclosed_quote:fue detenido");
    has("title:\"informe anual", "(Sinforme@1 PHRASE 2 Sanual@2)");
    NOTICES("title:\"informe anual", "unclosed_quote:informe anual");
    /* brackets */
    has("(maria OR jose", " OR ");
    NOTICES("(maria OR jose", "unclosed_paren:");
    has("maria) jose", " AND ");
    NOTICES("maria) jose", "stray_paren:");
    NOTICES("a) b) c)", "stray_paren:"); /* said once */
    has("() maria", "maria@1");
    NOTICES("() maria", "empty_parens:");
    /* operators missing a side */
    NOTICES("maria AND", "lone_operator:AND");
    NOTICES("AND maria", "lone_operator:AND");
    NOTICES("maria OR", "lone_operator:OR");
    NOTICES("OR maria", "lone_operator:OR");
    NOTICES("maria NOT", "lone_operator:NOT");
    NOTICES("maria NEAR", "lone_operator:NEAR");
    NOTICES("NEAR maria", "lone_operator:NEAR");
    NOTICES("maria AND OR jose", "lone_operator:AND");
    has("maria AND OR jose", " OR ");
    NOTICES("maria AND NOT jose", "");
    has("maria AND NOT jose", "AND_NOT");
    /* NEAR beside a phrase: both, anywhere */
    has("\"a b\" NEAR c", "PHRASE 2");
    hasnt("\"a b\" NEAR c", "NEAR");
    NOTICES("\"a b\" NEAR c", "near_not_words:");
    NOTICES("alfa NEAR omega", "");
    /* a wildcard after several words */
    has("e-ma*", "PHRASE 2");
    hasnt("e-ma*", "WILDCARD");
    NOTICES("e-ma*", "wildcard_words:e-ma");
    /* several at once, in order */
    NOTICES("Nota: \"fue detenido", "unknown_field:Nota|unclosed_quote:fue detenido");
    GROUPS("\"fue detenido", "fue detenido");
    GROUPS("\"a b\" NEAR c", "a b|c");
    /* the notice's text is cut at a character boundary */
    char *n = notices("\"ñññññññññññññññññññññññññññññññññññññññññññ");
    assert_true(strlen(n) < 20 + TG_QMSG_TEXT);
    assert_non_null(strstr(n, "\xe2\x80\xa6"));
    free(n);
}

/* Field names in Spanish (any case, with or without accents), and kind:. */
static void spanish_fields(void **state)
{
    (void)state;
    has("fecha:2024", "D2024");
    has("FECHA:2024-07", "D2024-07");
    has("año:2024", "D2024");
    has("título:informe", "Sinforme");
    has("titulo:informe", "Sinforme");
    has("Título:informe", "Sinforme");
    has("tipo:pdf", "Tpdf");
    has("kind:pdf", "Tpdf");
    has("idioma:es", "Les");
    has("persona:\"Marino Alvarado\"", "XPmarino alvarado");
    has("menciona:2025-08", "XM2025-08");
    has("carpeta:corpus/noticias", "XFcorpus/noticias");
    has("testigo:\"Ana Pérez\"", "XWana perez");
    has("lugar:Helicoide", "XLhelicoide");
    has("etiqueta:tortura", "XTtortura");
    has("colección:\"Caso Caracas\"", "XCcaso caracas");
    has("coleccion:\"Caso Caracas\"", "XCcaso caracas");
    has("cédula:12.345.678", "XI12345678");
    has("asunto:audiencia", "Saudiencia");
    NOTICES("fecha:2024 tipo:pdf", "");
}

/* Errors carry a code and the text they are about. */
static void error_codes(void **state)
{
    (void)state;
    static const struct {
        const char *q;
        tg_qmsg_code_t code;
        const char *text;
    } cases[] = {
        {"date:2024-02-30", TG_QE_BAD_DATE, "2024-02-30"},
        {"fecha:ayer", TG_QE_BAD_DATE, "ayer"},
        {"year:2024-07", TG_QE_BAD_YEAR, "2024-07"},
        {"date:2025..2024", TG_QE_RANGE_REVERSED, "2025..2024"},
        {"date:..", TG_QE_RANGE_OPEN, ".."},
        {"sha256:xyz", TG_QE_BAD_SHA256, "xyz"},
        {"id:abc", TG_QE_BAD_IDNUM, "abc"},
        {"persona:\"...\"", TG_QE_NO_NAME, "..."},
        {"a NEAR/0 b", TG_QE_NEAR_WINDOW, "NEAR/0"},
        {"!!!", TG_QE_NO_WORDS, ""},
    };
    for (size_t i = 0; i < TG_ARRAY_LEN(cases); i++) {
        tg_parsed_t p;
        tg_qmsg_t m;
        assert_int_equal(tg_query_parse(qp, cases[i].q, NULL, &p, &m), TG_ERR_QUERY);
        if (m.code != cases[i].code || strcmp(m.text, cases[i].text))
            fail_msg("'%s': %s '%s'", cases[i].q, tg_qmsg_name(m.code), m.text);
        assert_true(tg_qmsg_is_error(m.code));
    }
    tg_parsed_t p;
    tg_qmsg_t m;
    tg_parse_opts_t o = {.max_length = 10};
    assert_int_equal(tg_query_parse(qp, "a very long query", &o, &p, &m), TG_ERR_QUERY);
    assert_int_equal(m.code, TG_QE_TOO_LONG);
    assert_string_equal(m.text, "10");
    /* err may be NULL */
    assert_int_equal(tg_query_parse(qp, "date:2024-02-30", NULL, &p, NULL), TG_ERR_QUERY);
}

/* Any mix of the language's pieces parses or fails with a code, and
 * leaks nothing (run under ASan): a deterministic soup of tokens. */
static void token_soup(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "maria",  "José",         "\"", "(",    ")",       "AND",  "OR",       "NOT",
        "NEAR",   "NEAR/3",       "-",  "+",    "*",       "det*", "title:",   "fecha:",
        "Nota:",  "date:2024..",  ":",  " ",    "\"a b\"", "id:1", "persona:", "type:pdf",
        "e-mail", "http://x.y/z", "()", "12:30"};
    unsigned seed = 12345;
    for (int i = 0; i < 20000; i++) {
        char q[256] = "";
        int n = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 9;
        for (int k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *piece = pieces[(seed >> 16) % TG_ARRAY_LEN(pieces)];
            strcat(q, piece);
            if ((seed >> 8) & 1)
                strcat(q, " ");
        }
        tg_parsed_t p;
        tg_qmsg_t m;
        tg_status_t st = tg_query_parse(qp, q, NULL, &p, &m);
        if (st == TG_OK) {
            assert_non_null(p.query);
            assert_true(p.n_notices <= TG_QUERY_MAX_NOTICES);
            tg_parsed_free(&p);
        } else {
            assert_int_equal(st, TG_ERR_QUERY);
            if (!tg_qmsg_is_error(m.code))
                fail_msg("'%s': failed with a notice code %d", q, m.code);
        }
    }
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
        cmocka_unit_test(forgiving),
        cmocka_unit_test(spanish_fields),
        cmocka_unit_test(error_codes),
        cmocka_unit_test(token_soup),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
