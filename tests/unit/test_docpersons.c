/* Unit tests: the persons of one document (lib/evidence/docpersons.c):
 * short forms resolved to the person named in full, the names never merged,
 * identity numbers attached to the name they follow, display names.  All
 * names and numbers are invented. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "docpersons.h"
#include "names.h"

/* "name[ids]|name[ids]..." of the persons of text, most mentioned first;
 * read over words cut once (words.h), at most max of them, unless max is
 * SIZE_MAX. */
static const char *persons_of_words(const char *text, const tg_names_t *names, size_t max)
{
    static char out[8192];
    out[0] = '\0';
    size_t n = strlen(text);
    char *copy = malloc(n ? n : 1); /* exact size: ASan sees overreads */
    memcpy(copy, text, n);
    tg_docpersons_t *d = tg_docpersons_new(names);
    tg_words_t w;
    if (max == SIZE_MAX) {
        tg_docpersons_scan(d, copy, n);
    } else {
        tg_words_init(&w, copy, n, max);
        tg_docpersons_scan_words(d, &w);
        tg_words_free(&w);
    }
    tg_docpersons_resolve(d);
    tg_docpersons_resolve(d); /* a second time does nothing */
    for (size_t i = 0; i < tg_docpersons_count(d); i++) {
        const tg_docperson_t *p = tg_docpersons_get(d, i);
        if (i)
            strcat(out, "|");
        strcat(out, p->name);
        for (size_t k = 0; k < p->nids; k++) {
            strcat(out, k ? "," : "[");
            strcat(out, p->ids[k]);
        }
        if (p->nids)
            strcat(out, "]");
    }
    assert_null(tg_docpersons_get(d, tg_docpersons_count(d)));
    tg_docpersons_free(d);
    free(copy);
    return out;
}

static const char *persons_of(const char *text, const tg_names_t *names)
{
    return persons_of_words(text, names, SIZE_MAX);
}

static void expect(const char *text, const char *want)
{
    const char *got = persons_of(text, NULL);
    if (strcmp(got, want))
        fail_msg("'%s':\n  got    '%s'\n  wanted '%s'", text, got, want);
    /* the same over words cut once, all of them or capped */
    static const size_t caps[] = {TG_WORDS_MAX, 0, 1, 3};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        got = persons_of_words(text, NULL, caps[i]);
        if (strcmp(got, want))
            fail_msg("'%s' over %zu words:\n  got    '%s'\n  wanted '%s'", text, caps[i], got,
                     want);
    }
}

static void short_forms(void **state)
{
    (void)state;
    /* the examples */
    expect("Luis Alberto Rondón Pérez fue detenido. Luis Rondón no es terrorista. Todos "
           "conocen a Rondón Pérez.",
           "Luis Alberto Rondón Pérez");
    expect("Detuvieron a José Gregorio Pérez Salazar. José Gregorio estudia. Jose Gregorio "
           "Perez tiene 22 años.",
           "José Gregorio Pérez Salazar");
    /* the fullest form comes later */
    expect("Ana Lucía fue liberada. Ana Lucía Ibáñez habló. Ana Lucía Ibáñez Torres "
           "agradeció.",
           "Ana Lucía Ibáñez Torres");
    /* a married name and its short form */
    expect("Yelitza Manrique llegó con Yelitza Manrique de Arreaza... es la misma.",
           "Yelitza Manrique de Arreaza");
    /* a lone surname after a title joins the one person with that surname */
    expect("Declaró Hermes José Velásquez. El Sr. Velásquez dijo que no.", "Hermes José Velásquez");
    /* and is dropped when no one, or two persons, have it */
    expect("El Sr. Velásquez dijo que no.", "");
    expect("Kevin Andrés Mijares Quintero y Rosalba Quintero de Mijares. La Sra. Mijares lloró.",
           "Kevin Andrés Mijares Quintero|Rosalba Quintero de Mijares");
    /* a given name opening the shorter form is someone else's */
    expect("Yuraima del Carmen Ortega, enfermera. Su madre, Carmen Ortega, habló.",
           "Carmen Ortega|Yuraima del Carmen Ortega");
    /* an initial */
    expect("José A. Pérez y José Alberto Pérez son el mismo.", "José Alberto Pérez");
}

static void never_merged(void **state)
{
    (void)state;
    /* different given names, even when one is the other's prefix */
    expect("Gabriel Eduardo Montilla y su hermana Gabriela Montilla. Gabriel Montilla sigue preso.",
           "Gabriel Eduardo Montilla|Gabriela Montilla");
    /* a short form that fits two persons stays apart */
    expect("Ana Lucía Ibáñez Torres y Gabriela Ibáñez Torres. Ibáñez Torres es el apellido.",
           "Ana Lucía Ibáñez Torres|Gabriela Ibáñez Torres|Ibáñez Torres");
    /* the same name with two identity numbers is two persons */
    expect("7. PÉREZ, José Luis   V-10.111.222\n8. PÉREZ, José Luis   V-20.333.444\n",
           "José Luis Pérez[V-10111222]|José Luis Pérez[V-20333444]");
    /* a father and a son sharing a name */
    expect("Ramón Antonio Núñez, padre de Luis Ramón Núñez Pacheco. Ramón Núñez habló. Luis "
           "Ramón lloró.",
           "Luis Ramón Núñez Pacheco|Ramón Antonio Núñez");
    /* a short form does not take a number that contradicts the person's */
    expect("Eusebio Arreaza Lugo, cédula V-12.345.678, y Eusebio Arreaza, C.I. 9.999.999",
           "Eusebio Arreaza[9999999]|Eusebio Arreaza Lugo[V-12345678]");
}

static void identity_numbers(void **state)
{
    (void)state;
    expect("Comparece Eusebio Arreaza Lugo, cédula V-12.345.678, venezolano.",
           "Eusebio Arreaza Lugo[V-12345678]");
    expect("ARREAZA LUGO, Eusebio (C.I. 12345678)", "Eusebio Arreaza Lugo[12345678]");
    expect("la ciudadana Dariannys Coromoto Belisario, de 23 años, titular de la cédula de "
           "identidad N° V-26.540.118, quien expone",
           "Dariannys Coromoto Belisario[V-26540118]");
    expect("Yo, Maribel del Carmen Sequera de Ortiz, venezolana, mayor de edad, titular de la "
           "cédula de identidad N° V-11.222.333, denuncio.",
           "Maribel del Carmen Sequera de Ortiz[V-11222333]");
    expect("Paciente: Wuilmer Antonio CONTRERAS PABÓN\nCédula de identidad: V-21.334.908\n",
           "Wuilmer Antonio Contreras Pabón[V-21334908]");
    /* a list line that opens with the number, and a table's cells */
    expect("1. V-12.345.678  ARREAZA LUGO, Eusebio\n", "Eusebio Arreaza Lugo[V-12345678]");
    expect("2\tDeivis José Atencio\tV-23.456.789\tCabimas\n", "Deivis José Atencio[V-23456789]");
    /* not across a sentence, nor out of brackets, nor past other words */
    expect("Lo vio Marino Alvarado Rivas. Su cédula es V-7.654.321.", "Marino Alvarado Rivas");
    expect("(la madre de José Gregorio Pérez) V-12.345.678", "José Gregorio Pérez");
    expect("Marino Alvarado Rivas fue trasladado al penal con V-7.654.321 en el expediente.",
           "Marino Alvarado Rivas");
    /* one number, one person: the second name does not take it too */
    expect("Ana Rojas Mora y Luis Mora Pérez, cédula V-9.876.543.",
           "Ana Rojas Mora|Luis Mora Pérez[V-9876543]");
}

static void display_names(void **state)
{
    (void)state;
    /* proper case, accents kept, the best-written form of each word */
    expect("Detuvieron a Gabriel Eduardo MONTILLA.", "Gabriel Eduardo Montilla");
    expect("MÁRQUEZ RIERA, OSWALDO JOSÉ, titular de la cédula", "Oswaldo José Márquez Riera");
    expect("MANRIQUE DE ARREAZA, Yelitza", "Yelitza Manrique de Arreaza");
    expect("Jose Gregorio Perez Salazar, o José Gregorio Pérez, es estudiante.",
           "José Gregorio Pérez Salazar");
    expect("Marino ALVARADO y ALVARADO RIVAS, Marino son uno.", "Marino Alvarado Rivas");
    expect("PÉREZ-SALAZAR, Ana-María llegó.", "Ana-María Pérez-Salazar");
}

static void listed_persons(void **state)
{
    (void)state;
    static const char csv[] = "Marino Alvarado,\"ALVARADO, Marino\"\nAna María Rojas,Ana Rojas\n";
    tg_names_t *n;
    char err[256];
    assert_int_equal(tg_names_parse(csv, strlen(csv), "names.csv", &n, err, sizeof err), TG_OK);
    /* a fuller unlisted form joins the listed person, under its canonical name */
    const char *got = persons_of("Marino José Alvarado, cédula V-7.654.321. ALVARADO, Marino.", n);
    if (strcmp(got, "Marino Alvarado[V-7654321]"))
        fail_msg("got '%s'", got);
    /* two persons of the list are never one */
    got = persons_of("Ana Rojas y Ana María Rojas Pérez y Marino Alvarado.", n);
    if (strcmp(got, "Ana María Rojas|Marino Alvarado"))
        fail_msg("got '%s'", got);
    tg_names_free(n);
}

static void empty_and_hostile(void **state)
{
    (void)state;
    expect("", "");
    expect("Ningún nombre aquí.", "");
    tg_docpersons_free(NULL);
    /* many forms of one surname: bounded, nothing read past the end */
    char *big = malloc(200000);
    big[0] = '\0';
    for (int i = 0; i < 2000; i++) {
        char w[64];
        snprintf(w, sizeof w, "Ana%c%c Pérez Salas. Sr. Pérez. ", 'a' + i % 26, 'a' + i / 26 % 26);
        strcat(big, w);
    }
    tg_docpersons_t *d = tg_docpersons_new(NULL);
    tg_docpersons_scan(d, big, strlen(big));
    tg_docpersons_resolve(d);
    assert_true(tg_docpersons_count(d) > 0);
    tg_docpersons_scan(d, "Luis Mora", 9); /* after resolving: ignored */
    tg_docpersons_free(d);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(short_forms),      cmocka_unit_test(never_merged),
        cmocka_unit_test(identity_numbers), cmocka_unit_test(display_names),
        cmocka_unit_test(listed_persons),   cmocka_unit_test(empty_and_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
