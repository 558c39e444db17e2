/* Dates written in text, in Spanish and English: the dates a document
 * mentions ("5 de agosto de 2025", "August 5, 2025", "05/08/2025",
 * "agosto de 2025"), the date a file name carries ("2025-08-05_acta.pdf"),
 * and the first dated line of a testimony ("Caracas, 5 de agosto de 2025").
 *
 * Every date keeps the precision it was written with: a day, a month or a
 * year (tg_date_t from schema.h, month and day 0 when unknown).  A date that
 * does not exist (31/02/2025, 2025-13-01) is not a date and is ignored.
 *
 * Pure functions over UTF-8 text: nothing here prints, keeps state between
 * calls, or reads past the length given; a scan allocates one small scratch
 * buffer. */
#ifndef TG_DATES_H
#define TG_DATES_H

#include <stddef.h>

#include "schema.h"
#include "words.h"

/* Years accepted in a written date; outside them "5 de mayo de 3025" is a
 * typing mistake or a number, not a date. */
#define TG_DATES_MIN_YEAR 1800
#define TG_DATES_MAX_YEAR 2199

/* A date found in text. */
typedef struct {
    tg_date_t date;    /* year always set; month, day 0 when not written */
    size_t start, end; /* the bytes [start, end) of the text that say it */
    int year_inferred; /* the year was not written ("5 de agosto"): it was
                        * taken from a nearby date or the context year */
} tg_date_mention_t;

/* Called for each date found; returns 0 to go on, non-zero to stop. */
typedef int (*tg_date_cb)(void *ctx, const tg_date_mention_t *m);

/* Finds the dates text mentions and calls cb for each, mostly in text order
 * (a date whose year comes from a later date, "del 28 de julio al 5 de
 * agosto de 2024", is reported when that year is seen).
 *
 * Forms understood (month names in Spanish or English, full or abbreviated,
 * any case; English names must be capitalised, as English writes them):
 *   5 de agosto de 2025, 5 de agosto del 2025, 1° de agosto, 1ro de agosto,
 *   primero de agosto, 5 ago. 2025, 5-ago-2025          day first, Spanish
 *   August 5, 2025, Aug 5 2025, Aug. 5th, 2025, 5 August 2025,
 *   the 5th of August 2025, agosto 5 de 2025            month or day first
 *   agosto de 2025, August 2025                         a month
 *   05/08/2025, 5-8-2025, 05.08.2025                    numbers: day first
 *       when lang is "es" or anything but "en", month first for "en"; the
 *       other order only when the first is impossible because of the month
 *   2025-08-05, 2025/08/05                              ISO order
 *   en 2024, in 2024, desde 2019, año 2020 ...          a year after a cue
 * A day and month without a year ("5 de agosto") take the year of a date
 * with a year that follows within a few words ("del 28 de julio al 5 de
 * agosto de 2024"), else of the last date with a year before it, else
 * context_year (0: none, and the date is dropped).  Numbers inside longer
 * number sequences (12/05/08/2025) and street names ("Avenida 5 de
 * Julio") are not dates.
 *
 * lang: the document's language ("es", "en", "und"), which decides the
 * order of numeric dates. */
void tg_dates_scan(const char *text, size_t len, const char *lang, int context_year, tg_date_cb cb,
                   void *ctx);
/* The same over a text's words cut once (words.h): the same dates. */
void tg_dates_scan_words(const tg_words_t *w, const char *lang, int context_year, tg_date_cb cb,
                         void *ctx);

/* The date in a file name: "2025-08-05_acta.pdf", "acta 20250805.txt",
 * "2025_08_05", "05-08-2025 declaracion.pdf" (numeric order as in
 * tg_dates_scan), "acta 5 de agosto de 2025.txt", "informe 2025-08.pdf".
 * A year alone is not taken (too many names hold a number that looks like
 * one).  Returns 0 and fills *d with the first date that has its year, or
 * -1 if there is none. */
int tg_dates_in_name(const char *name, const char *lang, tg_date_t *d);

/* The first dated line of a testimony: among the first
 * TG_DATES_HEAD_LINES non-empty lines, the first line of at most
 * TG_DATES_HEAD_LINE_MAX bytes (a heading or a dateline such as "Caracas,
 * 5 de agosto de 2025", not a paragraph) that holds a date with its year
 * written.  Returns 0 and fills *d, or -1 if there is none. */
#define TG_DATES_HEAD_LINES    20
#define TG_DATES_HEAD_LINE_MAX 120
int tg_dates_first_line(const char *text, size_t len, const char *lang, tg_date_t *d);

/* The order of numeric dates needs a language even when the language
 * guesser could not tell (a short text): counts the commonest English and
 * Spanish function words in the first 64 KB and returns "en", "es", or
 * "und" when neither has the majority. */
const char *tg_dates_guess_lang(const char *text, size_t len);

/* Formats d at its precision, "2025", "2025-08" or "2025-08-05", into buf
 * (>= 11 bytes). */
void tg_date_format(const tg_date_t *d, char *buf, size_t len);

#endif
