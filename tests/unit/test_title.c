/* Unit tests: a document's title from its first line (lib/evidence/title.c):
 * the lines that read as titles taken, every rule of title.h shown refusing
 * a line, and the cost bounded on a long text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "title.h"

/* want NULL: no title */
static void expect(const char *text, const char *want)
{
    size_t n = strlen(text);
    char *copy = malloc(n ? n : 1); /* exact size: ASan sees overreads */
    memcpy(copy, text, n);
    tg_buf_t out;
    tg_buf_init(&out, 4096);
    int got = tg_title_first_line(copy, n, "es", &out);
    free(copy);
    if (!want && got)
        fail_msg("'%s': took '%s' as a title", text, tg_buf_str(&out));
    if (want && !got)
        fail_msg("'%s': no title, wanted '%s'", text, want);
    if (want && strcmp(tg_buf_str(&out), want))
        fail_msg("'%s': got '%s', wanted '%s'", text, tg_buf_str(&out), want);
    if (!got && out.len)
        fail_msg("'%s': out written without a title", text);
    tg_buf_free(&out);
}

static void titles_taken(void **state)
{
    (void)state;
    expect("Testimonio de Marino Alvarado Rivas tras un año de prisión\n\nEl 5 de agosto...",
           "Testimonio de Marino Alvarado Rivas tras un año de prisión");
    /* blank lines and blanks before it, runs of blanks inside */
    expect("\n\n   Informe   sobre las   detenciones  \r\n\r\nTexto.",
           "Informe sobre las detenciones");
    /* a heading in capitals, a question, a number first, the text's end */
    expect("DECLARACIÓN JURADA DE LA TESTIGO\nComparece la ciudadana...",
           "DECLARACIÓN JURADA DE LA TESTIGO");
    expect("¿Dónde está Marino Alvarado?\n\nNadie sabe.", "¿Dónde está Marino Alvarado?");
    expect("12 presos políticos en Ramo Verde", "12 presos políticos en Ramo Verde");
    /* a '.' at the end is fine on a line of its own */
    expect("Carta de los familiares de los detenidos.\n\nSeñores:",
           "Carta de los familiares de los detenidos.");
    /* the next line starts with a capital: a heading above prose */
    expect("Relato de la detención en Araure\nEl día lunes llegaron...",
           "Relato de la detención en Araure");
    /* a title may mention a date */
    expect("Declaración de Wilmer Antonio Briceño, vecino y testigo de lo ocurrido el "
           "30/07/2024 en La Carucieña\n\nYo, Wilmer...",
           "Declaración de Wilmer Antonio Briceño, vecino y testigo de lo ocurrido el "
           "30/07/2024 en La Carucieña");
    expect("Informe del 05/08/2025 sobre el caso\n\n", "Informe del 05/08/2025 sobre el caso");
    /* a year alone is not a date line */
    expect("Informe anual de 2024 sobre la tortura\n\n...",
           "Informe anual de 2024 sobre la tortura");
}

static void titles_refused(void **state)
{
    (void)state;
    expect("", NULL);
    expect("\n\n  \n", NULL);
    /* too short, too long */
    expect("Acta\n\nTexto", NULL);
    expect("Acta firmada\n\nTexto", NULL);
    expect("Uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince "
           "dieciseis diecisiete dieciocho diecinueve veinte veintiuno veintidos veintitres "
           "veinticuatro veinticinco\n",
           NULL);
    /* a paragraph wrapped at a width: the next line goes on in lowercase */
    expect("El día 5 de agosto los funcionarios del SEBIN llegaron a la casa de\n"
           "la familia y se llevaron a Marino sin orden judicial.",
           NULL);
    /* ending mid-sentence */
    expect("Los hechos ocurrieron de la siguiente manera:\n\nPrimero...", NULL);
    expect("Según lo declarado por la testigo,\nEl día...", NULL);
    expect("Los funcionarios dijeron que era una investiga-\nción", NULL);
    expect("Comparece la ciudadana Ana Pérez ante este despacho.\nY declara...", NULL);
    /* a date line (the date source reads it), in both orders */
    expect("Caracas, 5 de agosto de 2025\n\nSeñor juez:", NULL);
    expect("Valencia, 24 de septiembre de 2024. Corresponsalía Carabobo.\n", NULL);
    expect("Agosto de 2024 en El Helicoide\n\n", NULL);
    /* all punctuation, a rule, a table row */
    expect("=== === === === ===\nTexto", NULL);
    expect("| a | b | c | d | e |\n", NULL);
    expect("-- * -- * -- * --\n", NULL);
    /* lowercase first word, an address */
    expect("se llevaron a Marino sin orden\n\n", NULL);
    expect("Véase https://example.org/caso/12 para más\n\n", NULL);
    expect("Escribir a denuncias@example.org cuanto antes\n\n", NULL);
    /* not the first line of the first page */
    expect("\fSegunda página con un título posible\n", NULL);
}

static void bounded(void **state)
{
    (void)state;
    /* a 4 MB first "line": refused after a few kilobytes */
    size_t n = (size_t)4 << 20;
    char *t = malloc(n);
    memset(t, 'a', n);
    t[0] = 'A';
    for (size_t i = 7; i < n; i += 8)
        t[i] = ' ';
    tg_buf_t out;
    tg_buf_init(&out, 4096);
    assert_int_equal(tg_title_first_line(t, n, "es", &out), 0);
    /* a title above 4 MB of text */
    memcpy(t, "Un titulo de verdad\n\n", 21);
    assert_int_equal(tg_title_first_line(t, n, "es", &out), 1);
    assert_string_equal(tg_buf_str(&out), "Un titulo de verdad");
    tg_buf_free(&out);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(titles_taken),
        cmocka_unit_test(titles_refused),
        cmocka_unit_test(bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
