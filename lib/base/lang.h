/* Language identification of extracted text: a vote of function words for
 * plain Spanish and English, else libexttextcat (the n-gram guesser
 * LibreOffice uses; C, packaged in Debian with its language models).
 *
 * Codes are ISO 639-1 where one exists ("es", "en", "pt"), "und" when the
 * text is too short or too mixed to tell. */
#ifndef TG_LANG_H
#define TG_LANG_H

#include <stddef.h>

#include "status.h"

typedef struct tg_langid tg_langid_t;

/* Loads the language models (about 35 ms: do it once per process).
 * TG_ERR_NOTFOUND if the models are not installed. */
tg_status_t tg_langid_new(tg_langid_t **out);
void tg_langid_free(tg_langid_t *li);
/* Guesses the language of UTF-8 text (only its first few KB are looked at).
 * Writes the code into code (>= 8 bytes). */
void tg_langid_guess(tg_langid_t *li, const char *text, size_t len, char code[8]);
/* The first step of tg_langid_guess alone: the vote of function words over
 * the first 4 KB of UTF-8 text.  Returns 1 with "es" or "en" in code when
 * the text is plainly in one of them, else 0 (code untouched). */
int tg_langid_vote(const char *text, size_t len, char code[8]);

#endif
