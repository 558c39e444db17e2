/* Unit tests: Venezuelan identity numbers in text (lib/evidence/idnum.c): every
 * written form normalised to the same digits, and the numbers that are not
 * identity numbers left alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "idnum.h"

static int collect(void *ctx, const tg_idnum_t *id)
{
    char *out = ctx;
    char f[32];
    tg_idnum_format(id, f, sizeof f);
    size_t n = strlen(out);
    snprintf(out + n, 512 - n, "%s%s", n ? "|" : "", f);
    return 0;
}

static void expect(const char *text, const char *want)
{
    char out[512] = "";
    size_t n = strlen(text);
    char *copy = malloc(n ? n : 1); /* exact size: ASan sees overreads */
    memcpy(copy, text, n);
    tg_idnum_scan(copy, n, collect, out);
    if (strcmp(out, want))
        fail_msg("'%s': got '%s', wanted '%s'", text, out, want);
    /* the same over words cut once (words.h), all of them or capped */
    static const size_t caps[] = {TG_WORDS_MAX, 0, 1, 3};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        char wout[512] = "";
        tg_words_t w;
        tg_words_init(&w, copy, n, caps[i]);
        tg_idnum_scan_words(&w, collect, wout);
        tg_words_free(&w);
        if (strcmp(wout, out))
            fail_msg("'%s' over %zu words: got '%s', wanted '%s'", text, caps[i], wout, out);
    }
    free(copy);
}

static void written_forms(void **state)
{
    (void)state;
    static const char *const rows[][2] = {
        {"el ciudadano V-12.345.678, detenido", "V-12345678"},
        {"V12345678", "V-12345678"},
        {"V-12345678", "V-12345678"},
        {"V.-12.345.678", "V-12345678"},
        {"V. 12.345.678", "V-12345678"},
        {"V 12.345.678", "V-12345678"},
        {"E-8.765.432", "E-8765432"},
        {"E-81.234.567", "E-81234567"},
        {"C.I. 12.345.678", "12345678"},
        {"C.I.: 12.345.678", "12345678"},
        {"CI: 12345678", "12345678"},
        {"cédula 12345678", "12345678"},
        {"CÉDULA DE IDENTIDAD N° V-12.345.678", "V-12345678"},
        {"titular de la cédula de identidad número 12.345.678", "12345678"},
        {"cedula Nro. 9.876.543", "9876543"},
        {"C.I. v-12345678", "V-12345678"},
        {"V-05.123.456", "V-5123456"},
        {"V-3.456.789 y V-12.345.678", "V-3456789|V-12345678"},
        {"Detenidos: Ana (V-10.111.222), José (C.I. 20.333.444).", "V-10111222|20333444"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        expect(rows[i][0], rows[i][1]);
}

static void not_identity_numbers(void **state)
{
    (void)state;
    static const char *const none[] = {
        "12345678",              /* a bare number */
        "expediente 12.345.678", /* no letter, no cue */
        "V-12345678-9",          /* a RIF */
        "J-12345678-9",          /* a company's RIF */
        "V-1234",                /* too short */
        "E12345",                /* a code, too short */
        "V-123456789",           /* too long */
        "V-12.34.567",           /* dots not in thousands */
        "V-12,345,678",          /* commas are not thousands separators here */
        "v-12345678",            /* lowercase letter without a cue */
        "V 12345678",            /* a space alone, undotted, without a cue */
        "cédula\n\n12345678",    /* a blank line breaks the cue */
        "cédula de la madre y el padre 12345678",
        "Fase V",
        "V-",
        "C.I.",
        "",
    };
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
        expect(none[i], "");
}

static void typed_forms(void **state)
{
    (void)state;
    static const char *const same[] = {"12345678",   "12.345.678", "V-12.345.678",
                                       "V12345678",  "v-12345678", "E-12345678",
                                       " 12345678 ", "V 12345678", "012345678"};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        tg_idnum_t id;
        if (tg_idnum_parse(same[i], strlen(same[i]), &id))
            fail_msg("'%s' not read", same[i]);
        assert_string_equal(id.digits, "12345678");
    }
    static const char *const bad[] = {"",           "V-",    "abc",        "12-345",
                                      "1234567890", "12.34", "X-12345678", "12345678a"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tg_idnum_t id;
        if (tg_idnum_parse(bad[i], strlen(bad[i]), &id) == 0)
            fail_msg("'%s' read as %s", bad[i], id.digits);
    }
}

static int span_cb(void *ctx, const tg_idnum_t *id)
{
    const char *t = ctx;
    char span[64];
    snprintf(span, sizeof span, "%.*s", (int)(id->end - id->start), t + id->start);
    assert_string_equal(span, "V-12.345.678");
    return 1;
}

static void spans(void **state)
{
    (void)state;
    const char *t = "titular de la C.I. V-12.345.678 y de V-9.999.999";
    tg_idnum_scan(t, strlen(t), span_cb, (void *)t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(written_forms),
        cmocka_unit_test(not_identity_numbers),
        cmocka_unit_test(typed_forms),
        cmocka_unit_test(spans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
