/* The persons one document names: the names its texts mention (persons.h)
 * grouped into persons, with the identity numbers written next to them
 * (idnum.h).
 *
 * Within one document:
 *   - the same name (the same key: accents, case and the "SURNAME, Given"
 *     order aside) is one person, unless it is written with two different
 *     identity numbers;
 *   - a shorter form is the person named in full when it fits exactly one
 *     person of the document: the first given name and some of the other
 *     words, in order ("José Gregorio", "José Pérez", "Luis Rondón" of "Luis
 *     Alberto Rondón Pérez"), or surnames alone ("Rondón Pérez"), or one
 *     surname after a title ("Sr. Pérez").  Words are whole words: Gabriel
 *     is not Gabriela.  A form that fits two persons ("Ibáñez Torres" when
 *     both Ana Lucía and Gabriela Ibáñez Torres are named) stays apart, and
 *     a lone surname that fits none is dropped;
 *   - forms with different identity numbers are never one person, nor are
 *     two persons of the names list;
 *   - an identity number is attached to the name it follows closely
 *     ("Eusebio Arreaza Lugo, cédula V-12.345.678", "ARREAZA LUGO, Eusebio
 *     (C.I. 12345678)", "Yo, Ana Rojas, venezolana, mayor de edad, titular
 *     de la cédula de identidad N° V-9.876.543"), with only such words
 *     between them, or that opens the same line of a list right before it
 *     ("V-12.345.678  ARREAZA LUGO, Eusebio").
 * Each person has one display name: a listed person's canonical name, or
 * else its fullest form, each word spelt as the best-written form seen
 * (accents kept, capitals turned to proper case: "Gabriel Eduardo MONTILLA"
 * is shown "Gabriel Eduardo Montilla"); its key (tg_name_key of the name,
 * or the listed key) is its XP term.
 *
 * Resolution across documents is not done here: two documents that each
 * name "José Gregorio" stay two keys.
 *
 * Nothing prints; everything is capped (TG_DOCPERSONS_MAX_* below, and the
 * scanners' own caps); strings are owned by the object. */
#ifndef TG_DOCPERSONS_H
#define TG_DOCPERSONS_H

#include <stddef.h>

#include "idnum.h"
#include "names.h"

/* Distinct forms (name and identity number) kept per document, and
 * identity numbers read. */
#define TG_DOCPERSONS_MAX_FORMS 10000
#define TG_DOCPERSONS_MAX_IDS   10000
/* Forms as written kept per person. */
#define TG_DOCPERSONS_MAX_WRITTEN 16

typedef struct {
    const char *name;         /* display name */
    const char *key;          /* the XP term's value */
    const char *const *forms; /* as written, in the order met */
    size_t nforms;            /* at most TG_DOCPERSONS_MAX_WRITTEN */
    const char *const *ids;   /* identity numbers attached: "V-12345678" */
    size_t nids;
    size_t count; /* mentions */
    int listed;   /* a person of the names list */
} tg_docperson_t;

typedef struct tg_docpersons tg_docpersons_t;

/* names may be NULL (no names list).  Cannot fail. */
tg_docpersons_t *tg_docpersons_new(const tg_names_t *names);
/* NULL is a no-op. */
void tg_docpersons_free(tg_docpersons_t *d);

/* Reads one text of the document (its title, its body): the names and the
 * identity numbers it mentions.  An identity number is attached only to a
 * name of the same text. */
void tg_docpersons_scan(tg_docpersons_t *d, const char *text, size_t len);
/* The same over a text's words cut once (words.h): the same persons. */
void tg_docpersons_scan_words(tg_docpersons_t *d, const tg_words_t *w);

/* Groups what the scans read into persons; after it, the persons are
 * listed by tg_docpersons_get and no more texts may be scanned.  Called a
 * second time, does nothing. */
void tg_docpersons_resolve(tg_docpersons_t *d);

/* Persons, most mentioned first (then by key); valid until free. */
size_t tg_docpersons_count(const tg_docpersons_t *d);
const tg_docperson_t *tg_docpersons_get(const tg_docpersons_t *d, size_t i);

/* Every identity number read, in the order of the texts and within each
 * in text order (repeats included), at most TG_DOCPERSONS_MAX_IDS. */
size_t tg_docpersons_nids(const tg_docpersons_t *d);
const tg_idnum_t *tg_docpersons_id(const tg_docpersons_t *d, size_t i);

#endif
