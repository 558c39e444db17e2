/* Unit tests: language identification (lib/base/lang.c): the function-word
 * vote for plain Spanish and English, textcat for the rest, and the
 * neighbours of Spanish that the vote must leave to textcat. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lang.h"

static tg_langid_t *li;

static int setup(void **state)
{
    (void)state;
    return tg_langid_new(&li) == TG_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tg_langid_free(li);
    return 0;
}

static const char *guess(const char *text)
{
    static char code[8];
    tg_langid_guess(li, text, strlen(text), code);
    return code;
}

/* What the function-word vote alone says ("" when it does not decide). */
static const char *vote(const char *text)
{
    static char code[8];
    code[0] = '\0';
    tg_langid_vote(text, strlen(text), code);
    return code;
}

/* Both the whole guess and the vote alone: the vote decides plain Spanish
 * and English (want_vote "es"/"en") and leaves everything else ("") to
 * textcat. */
static void check(const char *text, const char *want, const char *want_vote)
{
    assert_string_equal(guess(text), want);
    assert_string_equal(vote(text), want_vote);
}

static void spanish_and_english(void **state)
{
    (void)state;
    check("¿Dónde están los detenidos? Nadie nos dijo nada. Fuimos a la sede "
          "del SEBIN y los funcionarios dijeron que no había nadie con ese "
          "nombre. Mi hermano fue detenido el 3 de mayo, cuando salía del "
          "trabajo, y desde entonces no sabemos dónde está. Sus hijos "
          "preguntan por él todos los días; las visitas no están permitidas.",
          "es", "es");
    check("My brother was arrested on the third of May when he was leaving "
          "work. The officers would not tell us where they had taken him, "
          "and their answers changed every time we asked. His children ask "
          "about him every day; visits have not been allowed since then.",
          "en", "en");
    /* upper case, and marks glued to words: ¡ ¿ « » — */
    check("«LOS FAMILIARES ESTABAN EN LA PUERTA» ¡Y NADIE SALIÓ! ¿CUÁNDO "
          "LOS VAN A SOLTAR?—DIJO SU MADRE. LAS VISITAS FUERON SUSPENDIDAS "
          "HASTA NUEVO AVISO Y YA NADIE SABE NADA DE ELLOS NI DE SUS "
          "ABOGADOS.",
          "es", "es");
}

static void neighbours_of_spanish(void **state)
{
    (void)state;
    assert_string_equal(
        guess("A família do preso político disse que não recebeu nenhuma notícia desde a "
              "transferência para a prisão de segurança máxima. O advogado afirmou que os "
              "documentos foram entregues ao tribunal em março, mas que a audiência foi adiada "
              "duas vezes sem explicação. Segundo a mãe, ele está doente e precisa de "
              "medicamentos que os guardas não deixam entrar."),
        "pt");
    assert_string_equal(
        guess("La família del pres polític va dir que no ha rebut cap notícia des del trasllat "
              "a la presó de màxima seguretat. L'advocat va afirmar que els documents es van "
              "lliurar al tribunal el març, però que la vista es va ajornar dues vegades sense "
              "explicació. Segons la mare, ell està malalt i necessita medicaments que els "
              "guàrdies no deixen entrar."),
        "ca");
    assert_string_equal(
        guess("La famiglia del prigioniero politico ha detto di non aver ricevuto alcuna notizia "
              "dal trasferimento al carcere di massima sicurezza. L'avvocato ha affermato che i "
              "documenti sono stati consegnati al tribunale a marzo, ma che l'udienza è stata "
              "rinviata due volte senza spiegazione. Secondo la madre, lui è malato e ha bisogno "
              "di medicine che le guardie non lasciano entrare."),
        "it");
    assert_string_equal(
        guess("La famille du prisonnier politique a déclaré n'avoir reçu aucune nouvelle depuis "
              "son transfert vers la prison de haute sécurité. L'avocat a affirmé que les "
              "documents ont été remis au tribunal en mars, mais que l'audience a été reportée "
              "deux fois sans explication. Selon sa mère, il est malade et a besoin de "
              "médicaments que les gardiens ne laissent pas entrer."),
        "fr");
}

static void short_mixed_and_empty(void **state)
{
    (void)state;
    /* too short for either method */
    check("Testimonio de la madre", "und", "");
    check("", "und", "");
    /* Spanish and English alike: the vote stays out of it, and the answer
     * is one of the two or "und" */
    const char *mixed = guess("The detainees y los familiares were waiting when the guards "
                              "said that las visitas y los paquetes were not allowed; they "
                              "fueron a la sede with their lawyers and sus hijos.");
    assert_true(!strcmp(mixed, "es") || !strcmp(mixed, "en") || !strcmp(mixed, "und"));
    assert_string_equal(vote("The detainees y los familiares were waiting when the guards said "
                             "that las visitas y los paquetes were not allowed; they fueron a la "
                             "sede with their lawyers and sus hijos."),
                        "");
    /* Galician: textcat takes it for Spanish, the vote does not */
    assert_string_equal(
        vote("A familia do preso político dixo que non recibiu ningunha noticia dende o traslado "
             "á prisión de máxima seguridade. O avogado afirmou que os documentos foron "
             "entregados ao tribunal en marzo, pero que a vista foi aprazada dúas veces sen "
             "explicación. Segundo a nai, el está enfermo e precisa de medicamentos que os "
             "gardas non deixan entrar."),
        "");
}

/* Short paragraphs: clear Spanish or English gets its language (the vote
 * of function words, or textcat's first guess when the function words
 * agree); short texts that are ambiguous, mixed or in another language
 * keep their answer. */
static void short_paragraphs(void **state)
{
    (void)state;
    /* 170 bytes: textcat alone is unsure ([es][ca]...); the vote decides */
    check("El 5 de agosto, funcionarios del SEBIN se llevaron a Marino Alvarado de su casa en "
          "Caracas. Su familia no sabe dónde está detenido ni de qué lo acusan; nadie les dice.",
          "es", "es");
    /* too few function words to vote; textcat's first guess, backed by them */
    check("También fue excarcelada la periodista Ana Lucía Ibáñez Torres, detenida en Maracaibo "
          "el 10 de enero de 2025, quien salió junto a otras cuatro mujeres",
          "es", "");
    /* one word of Spanish's own, seven of those it shares with its
     * neighbours and none of theirs: the second vote decides */
    check("Le devolvieron la cédula, pero no el teléfono. Tampoco le devolvieron la lancha, que "
          "sigue retenida.",
          "es", "es");
    check("They took him at night and did not say where. His mother went to the station every "
          "day.",
          "en", "en");
    /* still unknown: a title, a headline of names, Galician */
    check("Testimonio de la madre", "und", "");
    check("Venezuela: student Jose Gregorio Perez must be released, says Andean Rights Monitor",
          "und", "");
    check("O avogado afirmou que os documentos foron entregados ao tribunal en marzo, pero que a "
          "vista foi aprazada.",
          "und", "");
    /* another language, short: not Spanish */
    check("Els familiars dels detinguts van denunciar que no els deixen entrar a la presó des de "
          "fa tres setmanes.",
          "ca", "");
    /* a few Spanish words in an English paragraph do not make it Spanish */
    assert_string_equal(vote("The lawyer said that los familiares were told nothing; they waited "
                             "outside with their children until the evening."),
                        "en");
}

/* Spanish with English in it: too many English words for the first vote,
 * decided by the second (Spanish's words shared with its neighbours against
 * English's); a Portuguese text with the same quote is not, nor a text
 * that is half and half (short_mixed_and_empty). */
static void spanish_with_english(void **state)
{
    (void)state;
    check("La familia de Carlos Méndez, detenido el 14 de marzo en Valencia, denunció que no ha "
          "podido verlo desde su traslado a la sede del SEBIN en El Helicoide. Según su hermana, "
          "los funcionarios le dijeron que \"the case is under review\" y que no había nada más "
          "que hacer. El abogado de la familia presentó un recurso de habeas corpus ante el "
          "tribunal de control, pero la audiencia fue diferida dos veces. La organización Foro "
          "Penal incluyó su nombre en la lista de presos políticos que publica cada semana. \"We "
          "will not stop until he is released\", dijo su esposa a la prensa internacional, en la "
          "puerta de la sede, con una foto de su esposo en la mano. La madre de Carlos, de 71 "
          "años, viaja cada semana desde Barquisimeto para llevarle comida y medicinas, que los "
          "guardias no siempre le dejan entregar.",
          "es", "es");
    check("A família de Carlos Méndez, detido no dia 14 de março em Valência, denunciou que não "
          "conseguiu vê-lo desde a sua transferência para a sede do SEBIN. Segundo a irmã, os "
          "funcionários disseram que \"the case is under review\" e que não havia mais nada a "
          "fazer. O advogado da família apresentou um pedido de habeas corpus ao tribunal, mas a "
          "audiência foi adiada duas vezes. A mãe de Carlos, de 71 anos, viaja todas as semanas "
          "para lhe levar comida e remédios, que os guardas nem sempre deixam entregar.",
          "pt", "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spanish_and_english),   cmocka_unit_test(neighbours_of_spanish),
        cmocka_unit_test(short_mixed_and_empty), cmocka_unit_test(short_paragraphs),
        cmocka_unit_test(spanish_with_english),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
