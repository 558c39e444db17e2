/* Unit tests: dates near a person's name and their events
 * (lib/evidence/personevents.c): the event word nearest to the date
 * labels it, in Spanish and in English, whatever the case and accents of
 * the name; a date far from the name or past a blank line is not the
 * person's; a date near two mentions is given once. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "personevents.h"

static int collect(void *ctx, const tg_event_t *ev)
{
    char d[16];
    tg_date_format(&ev->date, d, sizeof d);
    tg_buf_addf(ctx, "%s %s;", d, tg_event_name(ev->kind));
    return 0;
}

static char *events(const char *text, const char *key, const char *lang)
{
    tg_buf_t b;
    tg_buf_init(&b, 65536);
    const char *keys[] = {key, "rondon perez"};
    tg_person_events(text, strlen(text), keys, 2, lang, 2024, collect, &b);
    char *s = strdup(tg_buf_str(&b));
    tg_buf_free(&b);
    return s;
}

static void spanish_events(void **state)
{
    (void)state;
    char *s = events("Luis Alberto RONDÓN PÉREZ fue detenido el 5 de agosto de 2024 en Caracas. "
                     "El 12 de agosto de 2024 fue trasladado a Tocorón. La audiencia "
                     "preliminar de Rondón Pérez se fijó para el 3 de septiembre de 2024.",
                     "luis alberto rondon perez", "es");
    assert_string_equal(s, "2024-08-05 detention;2024-08-12 transfer;2024-09-03 hearing;");
    free(s);
}

static void english_and_release(void **state)
{
    (void)state;
    char *s = events("Luis Alberto Rondon Perez was released on 2 October 2024 after a hearing "
                     "held on 30 September 2024.",
                     "luis alberto rondon perez", "en");
    assert_string_equal(s, "2024-10-02 release;2024-09-30 hearing;");
    free(s);
}

static void far_or_other_paragraph(void **state)
{
    (void)state;
    char *s = events("Ana Rojas fue detenida el 1 de marzo de 2024.\n\n"
                     "Luis Alberto Rondón Pérez declaró ante el tribunal.\n\n"
                     "El 9 de abril de 2024 hubo una excarcelación.",
                     "luis alberto rondon perez", "es");
    assert_string_equal(s, "");
    free(s);
    /* a date with no event word near it is mentioned */
    s = events("Carta de Luis Alberto Rondón Pérez, 4 de mayo de 2024.",
               "luis alberto rondon perez", "es");
    assert_string_equal(s, "2024-05-04 mentioned;");
    free(s);
    /* a name that is not the key's words is not a mention */
    s = events("Luis Alberto Rondonia fue detenido el 1 de marzo de 2024.",
               "luis alberto rondon perez", "es");
    assert_string_equal(s, "");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spanish_events),
        cmocka_unit_test(english_and_release),
        cmocka_unit_test(far_or_other_paragraph),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
