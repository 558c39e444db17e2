/* Unit tests: dates written in text (lib/evidence/dates.c), as table tests: each row
 * is a document language, a text, and every date the text mentions at its
 * precision, in the order reported ("" when it mentions none). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dates.h"

typedef struct {
    char out[1024];
    int inferred;
} collect_t;

static int collect(void *ctx, const tg_date_mention_t *m)
{
    collect_t *c = ctx;
    char d[16];
    tg_date_format(&m->date, d, sizeof d);
    size_t n = strlen(c->out);
    snprintf(c->out + n, sizeof c->out - n, "%s%s", n ? "|" : "", d);
    c->inferred += m->year_inferred;
    return 0;
}

/* Word caps the rows are read with again, over words cut once (words.h):
 * all of them, and caps that make the scan go on with the tokenizer. */
static const size_t caps[] = {TG_WORDS_MAX, 0, 1, 3};

static void expect(const char *lang, int context_year, const char *text, const char *want)
{
    collect_t c = {"", 0};
    tg_dates_scan(text, strlen(text), lang, context_year, collect, &c);
    if (strcmp(c.out, want))
        fail_msg("[%s] '%s': got '%s', wanted '%s'", lang, text, c.out, want);
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        tg_words_t w;
        tg_words_init(&w, text, strlen(text), caps[i]);
        collect_t cw = {"", 0};
        tg_dates_scan_words(&w, lang, context_year, collect, &cw);
        tg_words_free(&w);
        if (strcmp(cw.out, c.out) || cw.inferred != c.inferred)
            fail_msg("[%s] '%s' over %zu words: got '%s', wanted '%s'", lang, text, caps[i], cw.out,
                     c.out);
    }
}

static void spanish_forms(void **state)
{
    (void)state;
    static const char *const rows[][2] = {
        {"Fue detenido el 5 de agosto de 2025 en Caracas.", "2025-08-05"},
        {"el 5 de agosto del 2025", "2025-08-05"},
        {"EL 5 DE AGOSTO DE 2025", "2025-08-05"},
        {"el 1° de agosto de 2025", "2025-08-01"},
        {"el 1º de agosto de 2025", "2025-08-01"},
        {"el 1ro de agosto de 2025", "2025-08-01"},
        {"el primero de agosto de 2025", "2025-08-01"},
        {"Caracas, 05/08/2025", "2025-08-05"},
        {"Caracas, 5/8/2025", "2025-08-05"},
        {"fecha: 05-08-2025", "2025-08-05"},
        {"fecha: 05.08.2025", "2025-08-05"},
        {"desde agosto de 2025", "2025-08"},
        {"en agosto 2025", "2025-08"},
        {"Septiembre de 2024 y setiembre de 2023", "2024-09|2023-09"},
        {"el 5 ago. 2025", "2025-08-05"},
        {"el 5-ago-2025", "2025-08-05"},
        {"Caracas, agosto 5 de 2025", "2025-08-05"},
        {"el 2025-08-05 a las 10", "2025-08-05"},
        {"registro 2025-08-05T10:00:00Z", "2025-08-05"},
        {"el 2025/08/05", "2025-08-05"},
        {"lunes 29 de febrero de 2024", "2024-02-29"},
        {"detenido en 2024 por el Sebin", "2024"},
        {"desde 2019 hasta 2021", "2019|2021"},
        {"el 10 de diciembre de 1958", "1958-12-10"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        expect("es", 0, rows[i][0], rows[i][1]);
}

static void english_forms(void **state)
{
    (void)state;
    static const char *const rows[][2] = {
        {"He was arrested on August 5, 2025.", "2025-08-05"},
        {"Aug 5 2025", "2025-08-05"},
        {"Aug. 5, 2025", "2025-08-05"},
        {"August 5th, 2025", "2025-08-05"},
        {"on 5 August 2025", "2025-08-05"},
        {"on the 5th of August 2025", "2025-08-05"},
        {"in August 2025", "2025-08"},
        {"08/05/2025", "2025-08-05"},
        {"2025-08-05", "2025-08-05"},
        {"since 2019", "2019"},
        {"on 1 March 2024 and March 3, 2024", "2024-03-01|2024-03-03"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        expect("en", 0, rows[i][0], rows[i][1]);
}

static void day_first_or_month_first(void **state)
{
    (void)state;
    /* the document's language decides the order of numbers */
    expect("es", 0, "05/08/2025", "2025-08-05");
    expect("en", 0, "05/08/2025", "2025-05-08");
    expect("und", 0, "05/08/2025", "2025-08-05");
    /* the other order only when this one has no such month */
    expect("es", 0, "08/13/2025", "2025-08-13");
    expect("en", 0, "13/08/2025", "2025-08-13");
}

static void impossible_and_non_dates(void **state)
{
    (void)state;
    static const char *const none[] = {
        "31/02/2025",
        "el 31 de febrero de 2025",
        "29/02/2023",
        "el 32 de agosto de 2025",
        "2025-13-01",
        "2025-02-30",
        "00/08/2025",
        "el 5 de agosto de 3025",
        "expediente 12/05/08/2025",
        "código 05/08/2025/7",
        "cédula V-12.345.678",
        "más de 2000 personas",
        "el mar estaba en calma el 5",
        "we may march in august 2025", /* English month names are capitalised */
        "Avenida 5 de Julio de Maracaibo",
        "el 5 ago", /* an abbreviation needs its year */
        "05/08/25", /* two-digit years are not read */
        "a las 10:30 del 5",
        "",
    };
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
        expect("es", 0, none[i], "");
    expect("en", 0, "31/02/2025", "");
    expect("en", 0, "on February 30, 2024", "");
}

static void years_from_context(void **state)
{
    (void)state;
    /* a day and month without a year take the year that follows ... */
    expect("es", 0, "del 28 de julio al 5 de agosto de 2024", "2024-07-28|2024-08-05");
    /* ... across a new year */
    expect("es", 0, "del 28 de diciembre al 3 de enero de 2025", "2024-12-28|2025-01-03");
    /* ... or the last one before */
    expect("es", 0, "El 28 de julio de 2024 votó. El 5 de agosto, ya de noche, fue detenido.",
           "2024-07-28|2024-08-05");
    /* ... or the document's year */
    expect("es", 2025, "liberado el 5 de agosto", "2025-08-05");
    expect("en", 2025, "released on August 5", "2025-08-05");
    /* ... or none at all: the date is dropped */
    expect("es", 0, "liberado el 5 de agosto", "");
    /* ranges: the first end takes the month or the year of the second */
    expect("es", 0, "entre el 5 y el 11 de agosto de 2025", "2025-08-05|2025-08-11");
    expect("es", 0, "los días 5 al 9 de agosto de 2025", "2025-08-05|2025-08-09");
    expect("es", 0, "entre el 29 y el 31 de julio, en 2024", "2024-07-29|2024-07-31|2024");
    expect("es", 0, "Entre mayo y octubre de 2023", "2023-05|2023-10");
    expect("en", 0, "in February and March 2025", "2025-02|2025-03");
    expect("en", 0, "Between January 1 and June 30, 2024", "2024-01-01|2024-06-30");
    /* ... never on their own */
    expect("es", 0, "entre mayo y junio", "");
    expect("es", 0, "tenía 5 y 6 años", "");
    expect("es", 0, "el 30 y el 31 de febrero de 2024", "");
    /* 29 February only in a leap year */
    expect("es", 2023, "el 29 de febrero", "");
    expect("es", 2024, "el 29 de febrero", "2024-02-29");
}

static void inferred_flag(void **state)
{
    (void)state;
    collect_t c = {"", 0};
    const char *t = "el 5 de agosto de 2025 y el 6 de agosto";
    tg_dates_scan(t, strlen(t), "es", 0, collect, &c);
    assert_string_equal(c.out, "2025-08-05|2025-08-06");
    assert_int_equal(c.inferred, 1);
}

static int stop_at_first(void *ctx, const tg_date_mention_t *m)
{
    (void)m;
    ++*(int *)ctx;
    return 1;
}

static void offsets_and_stop(void **state)
{
    (void)state;
    const char *t = "Acta: el 5 de agosto de 2025, Caracas. Y el 6/8/2025.";
    int calls = 0;
    tg_dates_scan(t, strlen(t), "es", 0, stop_at_first, &calls);
    assert_int_equal(calls, 1);
}

static int check_span(void *ctx, const tg_date_mention_t *m)
{
    const char *t = ctx;
    char span[64];
    snprintf(span, sizeof span, "%.*s", (int)(m->end - m->start), t + m->start);
    assert_string_equal(span, "5 de agosto de 2025");
    return 0;
}

static void spans(void **state)
{
    (void)state;
    const char *t = "Acta: el 5 de agosto de 2025, Caracas.";
    tg_dates_scan(t, strlen(t), "es", 0, check_span, (void *)t);
}

static void file_names(void **state)
{
    (void)state;
    static const char *const rows[][2] = {
        {"2025-08-05_acta.pdf", "2025-08-05"},
        {"acta_2025-08-05.pdf", "2025-08-05"},
        {"acta 20250805.txt", "2025-08-05"},
        {"2025_08_05 declaracion.txt", "2025-08-05"},
        {"declaracion 05-08-2025.pdf", "2025-08-05"},
        {"informe 2025-08.pdf", "2025-08"},
        {"acta_5_de_agosto_de_2025.txt", "2025-08-05"},
        {"acta agosto 2025.txt", "2025-08"},
        {"2025-02-30_acta.pdf", ""},
        {"informe 2024.pdf", ""},
        {"scan_0001.pdf", ""},
        {"12345678.txt", ""},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        tg_date_t d;
        char got[16] = "";
        if (tg_dates_in_name(rows[i][0], "es", &d) == 0)
            tg_date_format(&d, got, sizeof got);
        if (strcmp(got, rows[i][1]))
            fail_msg("name '%s': got '%s', wanted '%s'", rows[i][0], got, rows[i][1]);
    }
}

static void first_dated_line(void **state)
{
    (void)state;
    static const char *const rows[][2] = {
        {"Testimonio de Ana Rojas\nCaracas, 5 de agosto de 2025\n\nEl 28 de julio de 2024 ...",
         "2025-08-05"},
        {"\n\n   Fecha: 05/08/2025  \nTexto", "2025-08-05"},
        {"Declaración\f2 de enero de 2024", "2024-01-02"},
        /* a day without its year does not date the document */
        {"Caracas, 5 de agosto\nTexto de 2025 sin fecha", ""},
        {"Sin fechas en este texto.\nNinguna.", ""},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        tg_date_t d;
        char got[16] = "";
        const char *t = rows[i][0];
        if (tg_dates_first_line(t, strlen(t), "es", &d) == 0)
            tg_date_format(&d, got, sizeof got);
        if (strcmp(got, rows[i][1]))
            fail_msg("text '%s': got '%s', wanted '%s'", t, got, rows[i][1]);
    }
    /* a long paragraph is not a dateline */
    char para[600];
    memset(para, 'a', sizeof para);
    memcpy(para + 300, " el 5 de agosto de 2025 ", 24);
    para[sizeof para - 1] = '\0';
    tg_date_t d;
    assert_int_equal(tg_dates_first_line(para, strlen(para), "es", &d), -1);
    /* only the first lines are looked at */
    char many[2048] = "";
    for (int i = 0; i < 30; i++)
        strcat(many, "linea sin fecha\n");
    strcat(many, "5 de agosto de 2025\n");
    assert_int_equal(tg_dates_first_line(many, strlen(many), "es", &d), -1);
}

static void guessing_the_order(void **state)
{
    (void)state;
    const char *en = "On August 5, officers arrested him. His lawyer said the warrant was dated.";
    const char *es = "El 5 de agosto lo detuvieron. Su abogada dijo que la orden era falsa.";
    assert_string_equal(tg_dates_guess_lang(en, strlen(en)), "en");
    assert_string_equal(tg_dates_guess_lang(es, strlen(es)), "es");
    assert_string_equal(tg_dates_guess_lang("05/08/2025", 10), "und");
    assert_string_equal(tg_dates_guess_lang("", 0), "und");
}

static void hostile_input(void **state)
{
    (void)state;
    /* truncated and odd bytes never read past the end */
    static const char *const odd[] = {
        "5 de",  "5 de agosto de", "Aug",  "Aug 5",  "05/08/",       "05/",
        "2025-", "2025-08-",       "\xc2", "5 \xc2", "1\xc2\xb0 de", "5 de agosto de 2025\xff\xfe"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        collect_t c = {"", 0};
        size_t n = strlen(odd[i]);
        char *copy = malloc(n ? n : 1); /* exact size: ASan sees overreads */
        memcpy(copy, odd[i], n);
        tg_dates_scan(copy, n, "es", 0, collect, &c);
        tg_date_t d;
        tg_dates_first_line(copy, n, "es", &d);
        free(copy);
    }
    /* a long run of dates is reported in full */
    char big[64 * 1000 + 1] = "";
    size_t n = 0;
    for (int i = 0; i < 1000; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, "el %02d/%02d/2024, ", i % 28 + 1,
                              i % 12 + 1);
    collect_t c = {"", 0};
    tg_dates_scan(big, n, "es", 0, collect, &c);
    assert_true(strlen(c.out) > 500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spanish_forms),
        cmocka_unit_test(english_forms),
        cmocka_unit_test(day_first_or_month_first),
        cmocka_unit_test(impossible_and_non_dates),
        cmocka_unit_test(years_from_context),
        cmocka_unit_test(inferred_flag),
        cmocka_unit_test(offsets_and_stop),
        cmocka_unit_test(spans),
        cmocka_unit_test(file_names),
        cmocka_unit_test(first_dated_line),
        cmocka_unit_test(guessing_the_order),
        cmocka_unit_test(hostile_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
