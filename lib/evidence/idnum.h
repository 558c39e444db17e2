/* Venezuelan identity numbers (cédula de identidad) written in text:
 * "V-12.345.678", "V12345678", "E-8.765.432", "C.I. 12.345.678",
 * "cédula de identidad N° V-12.345.678", "cédula 12345678".  Each is
 * normalised to its digits without separators or leading zeros, so every
 * written form of one number meets in one index term and one query
 * (id:12345678).  The letter says the nationality: V Venezuelan, E foreign
 * resident; it is kept for display, not for matching.
 *
 * What counts as an identity number: a number of 6 to 8 significant digits,
 * with dots only as thousands separators (12.345.678), written right after
 * the letter V or E ("V-", "V.", "V.-", "V" and the digits together), or
 * after a cue ("C.I.", "CI", "cédula", "cédula de identidad", "N°", ":").
 * A bare number is not one: too many numbers are something else.  A number
 * followed by "-" and a check digit (V-12345678-9) is a RIF (tax number),
 * not a cédula, and is not taken.
 *
 * Pure functions over UTF-8 text: nothing prints or reads past the length
 * given; a scan allocates one small scratch buffer. */
#ifndef TG_IDNUM_H
#define TG_IDNUM_H

#include <stddef.h>

#include "words.h"

#define TG_IDNUM_MIN_DIGITS 6
#define TG_IDNUM_MAX_DIGITS 8

typedef struct {
    char nat;          /* 'V', 'E', or 0 when no letter was written */
    char digits[16];   /* significant digits, NUL-terminated: "12345678" */
    size_t start, end; /* the bytes [start, end) of the text that say it */
} tg_idnum_t;

/* Called for each number found; returns 0 to go on, non-zero to stop. */
typedef int (*tg_idnum_cb)(void *ctx, const tg_idnum_t *id);

/* Finds the identity numbers text mentions, in text order. */
void tg_idnum_scan(const char *text, size_t len, tg_idnum_cb cb, void *ctx);
/* The same over a text's words cut once (words.h): the same numbers. */
void tg_idnum_scan_words(const tg_words_t *w, tg_idnum_cb cb, void *ctx);

/* Reads a number as a person types it in a query: "12345678",
 * "12.345.678", "V-12.345.678", "v12345678", "E-8765432" (any case; 1 to
 * 9 significant digits, since someone may look for a short old number).
 * Returns 0 and fills *out (start, end: the digits within s), or -1 if s is
 * not such a number. */
int tg_idnum_parse(const char *s, size_t len, tg_idnum_t *out);

/* Display form: "V-12345678", or "12345678" without a letter; buf >= 20 bytes. */
void tg_idnum_format(const tg_idnum_t *id, char *buf, size_t len);

#endif
