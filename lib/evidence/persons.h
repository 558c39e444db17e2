/* Person names in text.
 *
 * Two ways of finding them:
 *  - listed: the names of a names list (names.h), canonical or alias, in
 *    any case and with or without accents; reliable, and reported under
 *    the canonical name;
 *  - by shape: two to five capitalised words ("María", "MARÍA"), with the
 *    Spanish particles de, del, de la, de los, de las and y between them
 *    ("María de la Cruz Pérez", "Yelitza Manrique de Arreaza"), and the
 *    "SURNAME, Given" order of legal documents ("ALVARADO PÉREZ, Marino
 *    José", "ARREAZA LUGO, EUSEBIO").  Left out: common words opening a
 *    run (a word of the Spanish or English lexicon that is not a given
 *    name: "Comparece", "Seguidamente", "Boca" of "Boca de Aroa",
 *    "Arbitrary"; or a sentence-initial word the same text also writes in
 *    lowercase), titles ("Dr.", "General", "la jueza"), places and
 *    organisations from a stop list ("Ministerio Público", "Foro Penal",
 *    "San Cristóbal"), runs of mostly common words ("Informe Anual"),
 *    headings in capitals ("ACTA DE ENTREGA"), table cells (a tab is not
 *    inside a name), and runs longer than five words (headlines);
 *  - short forms: a single surname after a title ("Sr. Pérez", "Mr.
 *    Perez", "la señora Rodríguez") is reported as weak: it names someone
 *    only if the document names a person with that surname in full
 *    (docpersons.h decides).
 * A name found by shape whose key is a listed person's is reported as that
 * person.
 *
 * Each name is reported with its key (names.h: tg_name_key, the folded
 * name in given-name-first order, the value of the XP index term) and its
 * original form.
 *
 * Pure functions over UTF-8 text: nothing prints or reads past the length
 * given.  A scan allocates in proportion to the distinct lowercase words of
 * the text and to the names it finds, capped (TG_PERSONS_MAX_LOWER, and
 * caps in persons.c).  The first scan that judges a run of two words reads
 * the system's lexicon (lexicon.h), once per process. */
#ifndef TG_PERSONS_H
#define TG_PERSONS_H

#include <stddef.h>

#include "names.h"
#include "words.h"

#define TG_PERSONS_MIN_WORDS 2
#define TG_PERSONS_MAX_WORDS 5
/* Distinct lowercase words remembered per text (the evidence that a
 * capitalised word is a common word); beyond it, no more are learnt. */
#define TG_PERSONS_MAX_LOWER 200000

typedef struct {
    const char *key;   /* tg_name_key of the name */
    const char *name;  /* the canonical name when listed, else the name as
                        * written (spaces collapsed, given name first) */
    const char *form;  /* the name as written, spaces collapsed */
    size_t start, end; /* the bytes [start, end) of the text that say it */
    int listed;        /* a person of the names list */
    int weak;          /* a single surname after a title: a short form of
                        * someone, not a person by itself */
} tg_person_t;

/* Called for each name found (strings valid during the call only);
 * returns 0 to go on, non-zero to stop. */
typedef int (*tg_person_cb)(void *ctx, const tg_person_t *p);

/* Finds the person names text mentions, in text order (all of them are
 * reported when the text has been read).  names may be NULL
 * (no names list). */
void tg_persons_scan(const char *text, size_t len, const tg_names_t *names, tg_person_cb cb,
                     void *ctx);
/* The same over a text's words cut once (words.h): the same names. */
void tg_persons_scan_words(const tg_words_t *w, const tg_names_t *names, tg_person_cb cb,
                           void *ctx);

#endif
