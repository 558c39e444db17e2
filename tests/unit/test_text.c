/* Unit tests: charset decoding, folding and the tokenizer (lib/base/text.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <utf8proc.h>

#include "buf.h"
#include "text.h"

static char *decode(const char *in, size_t len, tg_decode_info_t *info)
{
    tg_buf_t b;
    tg_buf_init(&b, 1 << 20);
    tg_text_decode(in, len, &b, info);
    return tg_buf_detach(&b);
}

static void utf8_passes_through(void **state)
{
    (void)state;
    tg_decode_info_t info;
    const char *s = "Declaración de José Pérez";
    char *out = decode(s, strlen(s), &info);
    assert_string_equal(out, s);
    assert_string_equal(info.charset, "UTF-8");
    assert_int_equal(info.replaced, 0);
    free(out);
}

static void utf8_bom_is_stripped(void **state)
{
    (void)state;
    tg_decode_info_t info;
    const char s[] = "\xEF\xBB\xBFniño";
    char *out = decode(s, sizeof s - 1, &info);
    assert_string_equal(out, "niño");
    assert_string_equal(info.charset, "UTF-8 (BOM)");
    free(out);
}

static void utf16le_and_be_with_bom(void **state)
{
    (void)state;
    tg_decode_info_t info;
    const char le[] = "\xFF\xFEn\0i\0\xF1\0o\0";
    char *out = decode(le, sizeof le - 1, &info);
    assert_string_equal(out, "niño");
    assert_string_equal(info.charset, "UTF-16LE");
    free(out);
    const char be[] = "\xFE\xFF\0n\0i\0\xF1\0o";
    out = decode(be, sizeof be - 1, &info);
    assert_string_equal(out, "niño");
    assert_string_equal(info.charset, "UTF-16BE");
    free(out);
}

static void utf16_without_bom_is_sniffed(void **state)
{
    (void)state;
    tg_decode_info_t info;
    const char le[] = "C\0a\0r\0a\0c\0a\0s\0 \0h\0o\0y\0";
    char *out = decode(le, sizeof le - 1, &info);
    assert_string_equal(out, "Caracas hoy");
    assert_string_equal(info.charset, "UTF-16LE");
    free(out);
}

static void windows_1252_and_latin1(void **state)
{
    (void)state;
    tg_decode_info_t info;
    /* curly quotes (0x93, 0x94) only exist in Windows-1252 */
    const char s[] = "\x93Jos\xe9 P\xe9rez\x94 \x80 5";
    char *out = decode(s, sizeof s - 1, &info);
    assert_string_equal(out, "“José Pérez” € 5");
    assert_string_equal(info.charset, "WINDOWS-1252");
    free(out);
    /* bytes undefined in Windows-1252 become U+FFFD, the rest survives */
    const char u[] = "a\x81"
                     "b\xf1";
    out = decode(u, sizeof u - 1, &info);
    assert_string_equal(out, "a\xEF\xBF\xBD"
                             "bñ");
    assert_int_equal(info.replaced, 1);
    free(out);
}

static void damaged_utf8_keeps_the_rest(void **state)
{
    (void)state;
    tg_decode_info_t info;
    const char s[] = "María \xff Rodríguez";
    char *out = decode(s, sizeof s - 1, &info);
    assert_string_equal(out, "María \xEF\xBF\xBD Rodríguez");
    assert_string_equal(info.charset, "UTF-8");
    assert_int_equal(info.replaced, 1);
    free(out);
}

static void controls_and_form_feeds(void **state)
{
    (void)state;
    tg_decode_info_t info;
    const char s[] = "a\0b\fc\x1b";
    char *out = decode(s, sizeof s - 1, &info);
    assert_string_equal(out, "a b\nc ");
    free(out);
}

static void truncated_utf16_and_cap(void **state)
{
    (void)state;
    tg_decode_info_t info;
    /* odd byte count: the last half unit is replaced, nothing read past len */
    const char s[] = "\xFF\xFEh\0i\0!";
    char *out = decode(s, sizeof s - 1, &info);
    assert_string_equal(out, "hi\xEF\xBF\xBD");
    free(out);
    tg_buf_t b;
    tg_buf_init(&b, 4);
    tg_text_decode("abcdefgh", 8, &b, &info);
    assert_true(info.truncated);
    assert_int_equal(b.len, 4);
    tg_buf_free(&b);
}

static char *fold(const char *s)
{
    tg_buf_t b;
    tg_buf_init(&b, 1024);
    tg_fold(s, strlen(s), &b);
    return tg_buf_detach(&b);
}

static void folding(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"RODRÍGUEZ", "rodriguez"}, {"rodríguez", "rodriguez"}, {"Rodriguez", "rodriguez"},
        {"niño", "nino"},           {"NÚÑEZ", "nunez"},         {"ﬁn", "fin"},
        {"Straße", "strasse"},      {"Ångström", "angstrom"},   {"12.345", "12.345"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *f = fold(cases[i][0]);
        assert_string_equal(f, cases[i][1]);
        free(f);
    }
    /* a decomposed accent (o + U+0301) folds like a composed one */
    char *f = fold("Rodri\xcc\x81guez");
    assert_string_equal(f, "rodriguez");
    free(f);
    /* runs of ASCII and others mixed, and a cap inside an ASCII run */
    f = fold("MARÍA José DEL Valle");
    assert_string_equal(f, "maria jose del valle");
    free(f);
    tg_buf_t b;
    tg_buf_init(&b, 4);
    assert_int_equal(tg_fold("ABCDEF", 6, &b), 4);
    assert_string_equal(tg_buf_str(&b), "abcd");
    tg_buf_free(&b);
    tg_buf_init(&b, 4);
    assert_int_equal(tg_fold("ÁBCDEF", 7, &b), 4);
    assert_string_equal(tg_buf_str(&b), "abcd");
    tg_buf_free(&b);
}

static void lowering_keeps_accents(void **state)
{
    (void)state;
    tg_buf_t b;
    tg_buf_init(&b, 1024);
    tg_lower("LIBERACIÓN", strlen("LIBERACIÓN"), &b);
    assert_string_equal(tg_buf_str(&b), "liberación");
    tg_buf_free(&b);
}

static size_t tokens(const char *s, char out[][32], size_t max)
{
    tg_tok_t t;
    tg_tok_init(&t, s, strlen(s));
    size_t a, b, n = 0;
    while (n < max && tg_tok_next(&t, &a, &b)) {
        snprintf(out[n], 32, "%.*s", (int)(b - a), s + a);
        n++;
    }
    return n;
}

static void tokenizer(void **state)
{
    (void)state;
    char t[16][32];
    size_t n = tokens("El niño, V-12.345.678 (C.I.) llegó: 3,5 km.", t, 16);
    const char *want[] = {"El", "niño", "V", "12.345.678", "C", "I", "llegó", "3,5", "km"};
    assert_int_equal(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(t[i], want[i]);
    /* every Han character is a word; a trailing dot is not part of a number */
    n = tokens("中文 2024.", t, 16);
    assert_int_equal(n, 3);
    assert_string_equal(t[0], "中");
    assert_string_equal(t[2], "2024");
    /* invalid bytes separate words and never stop the tokenizer */
    n = tokens("ab\xff"
               "cd",
               t, 16);
    assert_int_equal(n, 2);
}

static void folding_short_words(void **state)
{
    (void)state;
    tg_buf_t scratch;
    tg_buf_init(&scratch, 64);
    char out[16];
    /* as tg_fold folds them, within the cap */
    const char *words[] = {"Agosto", "RODRÍGUEZ", "niño", "ﬁn", "12.345.678", "ÇÉDULA", "x"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        tg_buf_t f;
        tg_buf_init(&f, 64);
        size_t m = tg_fold(words[i], strlen(words[i]), &f);
        assert_int_equal(tg_fold_short(words[i], strlen(words[i]), out, sizeof out, &scratch), m);
        assert_string_equal(out, tg_buf_str(&f));
        tg_buf_free(&f);
    }
    /* the word at the cap, or its fold: none */
    assert_int_equal(tg_fold_short("ABCDEFGHIJKLMNOP", 16, out, sizeof out, &scratch), 0);
    assert_string_equal(out, "");
    assert_int_equal(tg_fold_short("ABCDEFGHIJKLMNO", 15, out, sizeof out, &scratch), 15);
    assert_string_equal(out, "abcdefghijklmno");
    /* U+FDFA: 3 bytes that fold to 33 */
    assert_int_equal(tg_fold_short("\xef\xb7\xba", 3, out, sizeof out, &scratch), 0);
    assert_string_equal(out, "");
    /* a mark alone folds to nothing */
    assert_int_equal(tg_fold_short("\xcc\x81", 2, out, sizeof out, &scratch), 0);
    assert_string_equal(out, "");
    tg_buf_free(&scratch);
}

/* The tokenizer's rules as text.h states them, one character at a time
 * through utf8proc: the reference the tokenizer (with its shortcuts for
 * ASCII) must agree with. */
enum { R_OTHER, R_WORD, R_MARK, R_DIGIT, R_IDEO };

static int ref_class(const char *s, size_t len, size_t i, size_t *n)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t r =
        utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
    *n = r > 0 ? (size_t)r : 1;
    if (r <= 0)
        return R_OTHER;
    if ((cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
        (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFF))
        return R_IDEO;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return R_WORD;
    case UTF8PROC_CATEGORY_ND:
        return R_DIGIT;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_CF:
        return R_MARK;
    default:
        return R_OTHER;
    }
}

/* The next word from *off as the reference reads it; 0 at the end. */
static int ref_next(const char *s, size_t len, size_t *off, size_t *a, size_t *b)
{
    size_t n, i = *off;
    int k = R_OTHER;
    while (i < len && (k = ref_class(s, len, i, &n)) != R_WORD && k != R_DIGIT && k != R_IDEO)
        i += n;
    if (i >= len)
        return 0;
    *a = i;
    if (k == R_IDEO) {
        *off = *b = i + n;
        return 1;
    }
    int prev = R_OTHER;
    while (i < len) {
        k = ref_class(s, len, i, &n);
        if (k == R_WORD || k == R_DIGIT || k == R_MARK) {
            prev = k == R_MARK ? prev : k;
            i += n;
        } else if ((s[i] == '.' || s[i] == ',') && prev == R_DIGIT && i + 1 < len &&
                   ref_class(s, len, i + 1, &n) == R_DIGIT) {
            i++;
        } else {
            break;
        }
    }
    *off = *b = i;
    return 1;
}

static void tokenizer_as_its_rules_say(void **state)
{
    (void)state;
    /* random texts of the pieces where the rules turn */
    static const char *const pieces[] = {
        "a",
        "Z",
        "7",
        "0",
        ".",
        ",",
        " ",
        "\n",
        "\f",
        "-",
        "_",
        "'",
        "ñ",
        "É",
        "\xcc\x81",
        "\xc2\xad",
        "\xe4\xb8\xad",
        "\xea\xb0\x80",
        "\xd9\xa3",
        "\xc2\xb2",
        "\xe2\x85\xa0",
        "\xff",
        "\xc3",
        "\xe2\x80\x8b",
        "\xf0\x9f\x98\x80",
        "\xef\xbc\x91",
    };
    uint32_t seed = 12345;
    char text[256];
    for (int round = 0; round < 4000; round++) {
        size_t len = 0;
        seed = seed * 1103515245u + 12345u;
        size_t count = (seed >> 16) % 24;
        for (size_t i = 0; i < count; i++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
            memcpy(text + len, p, strlen(p));
            len += strlen(p);
        }
        tg_tok_t t;
        tg_tok_init(&t, text, len);
        size_t off = 0, a, b, x, y;
        for (;;) {
            int want = ref_next(text, len, &off, &a, &b);
            int got = tg_tok_next(&t, &x, &y);
            assert_int_equal(got, want);
            if (!want)
                break;
            assert_int_equal(x, a);
            assert_int_equal(y, b);
        }
    }
}

static void word_case(void **state)
{
    (void)state;
    static const struct {
        const char *w;
        tg_case_t c;
    } rows[] = {
        {"maría", TG_CASE_LOWER},    {"María", TG_CASE_TITLE},  {"MARÍA", TG_CASE_UPPER},
        {"Ñáñez", TG_CASE_TITLE},    {"ÑÁÑEZ", TG_CASE_UPPER},  {"V", TG_CASE_UPPER},
        {"McDonald", TG_CASE_TITLE}, {"iPhone", TG_CASE_LOWER}, {"1ro", TG_CASE_NONE},
        {"42", TG_CASE_NONE},        {"", TG_CASE_NONE},        {"\xe4\xb8\xad", TG_CASE_NONE},
        {"\xff", TG_CASE_NONE},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (tg_word_case(rows[i].w, strlen(rows[i].w)) != rows[i].c)
            fail_msg("case of '%s': %d, wanted %d", rows[i].w,
                     tg_word_case(rows[i].w, strlen(rows[i].w)), rows[i].c);
}

static void escape_bytes(void **state)
{
    (void)state;
    char *s = tg_utf8_escape_bytes("caf\xe9.txt", 8);
    assert_string_equal(s, "caf\\xE9.txt");
    free(s);
    s = tg_utf8_escape_bytes("café.txt", strlen("café.txt"));
    assert_string_equal(s, "café.txt");
    free(s);
}

/* The terminal form of names: every character that acts instead of
 * showing becomes a visible escape; everything else is left alone. */
static void terminal_form(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } rows[] = {
        {"acta.pdf", "acta.pdf"},
        {"Declaración de Núñez — 2024.pdf", "Declaración de Núñez — 2024.pdf"},
        {"حقوق.txt", "حقوق.txt"}, /* right-to-left letters are letters */
        {"中文 文件.png", "中文 文件.png"},
        {"a\x1b[2Jb", "a\\x1B[2Jb"}, /* ESC: clears a screen */
        {"a\x1b]0;pwned\x07"
         "b",
         "a\\x1B]0;pwned\\x07b"}, /* OSC: retitles a window */
        {"uno\ndos\tt\rx", "uno\\ndos\\tt\\rx"},
        {"\x7f\x01", "\\x7F\\x01"},
        {"caf\xe9", "caf\\xE9"}, /* not UTF-8 */
        {"c1\xc2\x9b"
         "31m",
         "c1\\u009B31m"}, /* C1 CSI */
        {"testimonio\u202etxt.exe", "testimonio\\u202Etxt.exe"},
        {"\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069",
         "\\u202A\\u202B\\u202C\\u202D\\u2066\\u2067\\u2068\\u2069"},
        {"\u200e\u200f\u061c", "\\u200E\\u200F\\u061C"},
        {"a\u200bb\u2060c\ufeffd\u00ade", "a\\u200Bb\\u2060c\\uFEFFd\\u00ADe"},
        {"l\u2028p\u2029", "l\\u2028p\\u2029"},
        {"tag\U000E0041", "tag\\U000E0041"},
        {"fill\u3164er", "fill\\u3164er"},
        {"back\\slash", "back\\slash"}, /* left as it is */
        {"", ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *s = tg_utf8_terminal(rows[i].in);
        if (strcmp(s, rows[i].out))
            fail_msg("row %zu: '%s', wanted '%s'", i, s, rows[i].out);
        free(s);
    }
    char *s = tg_utf8_terminal(NULL);
    assert_string_equal(s, "");
    free(s);

    /* the pieces: a shown run, then one hidden character */
    const char *name = "bueno\u202Eexe.txt";
    int hidden = -1;
    assert_int_equal(tg_utf8_next_shown(name, strlen(name), &hidden), 5);
    assert_int_equal(hidden, 0);
    assert_int_equal(tg_utf8_next_shown(name + 5, strlen(name + 5), &hidden), 3);
    assert_int_equal(hidden, 1);
    char e[12];
    tg_utf8_escape_one(name + 5, 3, e);
    assert_string_equal(e, "\\u202E");
    /* a truncated sequence at the end is one byte at a time */
    assert_int_equal(tg_utf8_next_shown("\xe2\x80", 2, &hidden), 1);
    assert_int_equal(hidden, 1);
    /* nothing printable survives: every byte of the output is visible */
    char all[256 * 2];
    for (int c = 1; c < 256; c++)
        all[c - 1] = (char)c;
    all[255] = '\0';
    s = tg_utf8_terminal(all);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            fail_msg("a control byte 0x%02X is left in '%s'", *p, s);
    free(s);
}

static void one_line(void **state)
{
    (void)state;
    char *s = tg_utf8_one_line("  Acta de\r\n  la  audiencia\t\n", 100);
    assert_string_equal(s, "Acta de la audiencia");
    free(s);
    s = tg_utf8_one_line("Jos\xe9 P\xc3\xa9rez", 100); /* a stray Latin-1 byte */
    assert_non_null(s);
    assert_non_null(strstr(s, "Pérez"));
    free(s);
    s = tg_utf8_one_line("uno dos tres", 7); /* cut at max bytes */
    assert_string_equal(s, "uno dos");
    free(s);
    assert_null(tg_utf8_one_line(" \t\r\n ", 100));
    assert_null(tg_utf8_one_line(NULL, 100));
}

/* A file made of UTF-8 lines and Windows-1252 lines (a concatenation):
 * each line read as what it is. */
static void mixed_lines(void **state)
{
    (void)state;
    tg_decode_info_t info;
    const char s[] = "Declaración de José Pérez\n"
                     "Declaraci\xf3n de Jos\xe9 P\xe9rez\n"
                     "señor Núñez\n";
    char *out = decode(s, sizeof s - 1, &info);
    assert_string_equal(out, "Declaración de José Pérez\nDeclaración de José Pérez\nseñor Núñez\n");
    assert_string_equal(info.charset, "UTF-8 and WINDOWS-1252 (by line)");
    assert_int_equal(info.replaced, 0);
    free(out);
    /* damaged UTF-8 on a line with good UTF-8 stays UTF-8 there */
    const char d[] = "Pérez \xff Núñez\nplain\n";
    out = decode(d, sizeof d - 1, &info);
    assert_string_equal(out, "Pérez \xEF\xBF\xBD Núñez\nplain\n");
    assert_string_equal(info.charset, "UTF-8");
    assert_int_equal(info.replaced, 1);
    free(out);
    /* all Windows-1252, all UTF-8: as before */
    out = decode("P\xe9rez\nN\xfa\xf1"
                 "ez",
                 11, &info);
    assert_string_equal(out, "Pérez\nNúñez");
    assert_string_equal(info.charset, "WINDOWS-1252");
    free(out);
}

static void damaged_text(void **state)
{
    (void)state;
    char buf[600];
    const char *t = "Testimonio de la madre sobre la detencion de su hijo. ";
    size_t n = 0;
    while (n + strlen(t) < 400) {
        memcpy(buf + n, t, strlen(t));
        n += strlen(t);
    }
    memset(buf + n, 0, 150); /* a run of NULs */
    n += 150;
    memcpy(buf + n, "\x01\x02\x03\xff\xfe", 5);
    n += 5;
    assert_true(tg_text_mostly_text(buf, n));
    assert_int_equal(tg_text_binary_bytes(buf, n), 153);
    /* random bytes are not text */
    unsigned x = 12345;
    for (size_t i = 0; i < sizeof buf; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (char)(x >> 16);
    }
    assert_false(tg_text_mostly_text(buf, sizeof buf));
    assert_false(tg_text_mostly_text("short", 5));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_passes_through),
        cmocka_unit_test(utf8_bom_is_stripped),
        cmocka_unit_test(utf16le_and_be_with_bom),
        cmocka_unit_test(utf16_without_bom_is_sniffed),
        cmocka_unit_test(windows_1252_and_latin1),
        cmocka_unit_test(damaged_utf8_keeps_the_rest),
        cmocka_unit_test(controls_and_form_feeds),
        cmocka_unit_test(truncated_utf16_and_cap),
        cmocka_unit_test(folding),
        cmocka_unit_test(lowering_keeps_accents),
        cmocka_unit_test(tokenizer),
        cmocka_unit_test(tokenizer_as_its_rules_say),
        cmocka_unit_test(folding_short_words),
        cmocka_unit_test(escape_bytes),
        cmocka_unit_test(word_case),
        cmocka_unit_test(one_line),
        cmocka_unit_test(mixed_lines),
        cmocka_unit_test(damaged_text),
        cmocka_unit_test(terminal_form),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
