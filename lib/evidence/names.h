/* A names list: the people an archive is about, each with a canonical name
 * and the other ways documents write it, so that they are recognised
 * reliably (testigo-index --names FILE).
 *
 * The file is CSV (RFC 4180: fields separated by commas, quoted with double
 * quotes when they hold commas, quotes or line breaks), one person per
 * record: the canonical name first, then any number of aliases.
 *
 *   # lines starting with # are comments; a first line "name,aliases" is a header
 *   Marino Alvarado,"ALVARADO, Marino",Marino José Alvarado Pérez
 *   Ana María Rojas,"ROJAS, Ana María",Ana Rojas
 *
 * Names are compared folded, word by word (accents, case and punctuation
 * do not matter), so "Marino Alvarado" also matches "MARINO ALVARADO" and
 * "Marino Alvarádo", and the alias "ALVARADO, Marino" matches "Alvarado,
 * Marino".  Any encoding tg_text_decode reads (UTF-8, Windows-1252 as
 * spreadsheets save it, UTF-16) is accepted.
 *
 * Limits, each reported as an error naming the line: TG_NAMES_MAX_BYTES
 * of file, TG_NAMES_MAX_PERSONS records, TG_NAMES_MAX_FORMS names per
 * record, TG_NAMES_MAX_FIELD bytes and TG_NAMES_MAX_WORDS words per name. */
#ifndef TG_NAMES_H
#define TG_NAMES_H

#include <stddef.h>

#include "buf.h"
#include "status.h"

#define TG_NAMES_MAX_BYTES   ((size_t)16 << 20)
#define TG_NAMES_MAX_PERSONS 100000
#define TG_NAMES_MAX_FORMS   64
#define TG_NAMES_MAX_FIELD   256
#define TG_NAMES_MAX_WORDS   8

/* The key of a person's name, under which it is indexed and looked up
 * (term XP + key): its words folded and joined by one space, with the
 * "SURNAME, Given" order turned around: "ALVARADO PÉREZ, Marino José" and
 * "Marino José Alvarado Pérez" both give "marino jose alvarado perez".
 * Appends to out; returns the number of words (0: no words, nothing
 * appended). */
size_t tg_name_key(const char *s, size_t len, tg_buf_t *out);

typedef struct tg_names tg_names_t;

/* Reads the names list at path.  Returns TG_OK with *out set (free with
 * tg_names_free), or: TG_ERR_IO (cannot read the file), TG_ERR_FORMAT
 * (malformed: err says "FILE:LINE: reason"), TG_ERR_LIMIT (a limit above
 * was passed: err says which). */
tg_status_t tg_names_load(const char *path, tg_names_t **out, char *err, size_t errlen);
/* The same from bytes in memory; label names the source in messages. */
tg_status_t tg_names_parse(const char *data, size_t len, const char *label, tg_names_t **out,
                           char *err, size_t errlen);
void tg_names_free(tg_names_t *n);

/* Number of persons listed. */
size_t tg_names_count(const tg_names_t *n);
/* Canonical name and key (the folded canonical name, words joined by one
 * space, as tg_person_key makes it) of person i; owned by n. */
const char *tg_names_canonical(const tg_names_t *n, size_t i);
const char *tg_names_key(const tg_names_t *n, size_t i);

/* Names of the list (canonical names and aliases): their number, and the
 * key of name i (appended to out, words joined by one space), returning
 * the person it names. */
size_t tg_names_nforms(const tg_names_t *n);
size_t tg_names_form_key(const tg_names_t *n, size_t i, tg_buf_t *out);

/* Finds the person whose key is key; returns 0 and sets *person, or -1. */
int tg_names_find_key(const tg_names_t *n, const char *key, size_t *person);

/* Finds the longest listed name (canonical or alias) that the folded words
 * words[0..nwords) start with.  Returns its length in words (0 if none)
 * and sets *person. */
size_t tg_names_match(const tg_names_t *n, const char *const *words, size_t nwords, size_t *person);

#endif
