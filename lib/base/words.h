/* A text's words, cut once for the readers that each walk all of them.
 *
 * The worker reads every word of a document's text four times: for its
 * dates, its identity numbers, its persons (lib/evidence) and its terms
 * (lib/index).  Each used to run the tokenizer (text.h: tg_tok_next) over
 * the whole text; tg_words_t keeps the words' byte spans instead, cut
 * once, and a cursor (tg_wordcur_t) hands them out as tg_tok_next would.
 *
 * Memory stays bounded: at most `max` words are kept (8 bytes each: 32-bit
 * offsets, and none for a text of 4 GB or more); a cursor goes on past
 * them with the tokenizer itself, from the end of the last word kept, so
 * a reader sees the same words whatever the cap.  Cannot fail (out of
 * memory aborts, util.h). */
#ifndef TG_WORDS_H
#define TG_WORDS_H

#include <stddef.h>
#include <stdint.h>

#include "text.h"

/* Words kept by default: 1M (8 MB), a text of about 6 MB; longer texts
 * are read on from there with the tokenizer. */
#define TG_WORDS_MAX ((size_t)1 << 20)

typedef struct {
    uint32_t a, b; /* bytes [a, b) of the text */
} tg_wordspan_t;

typedef struct {
    const char *text; /* the caller's, which must outlive this */
    size_t len;
    tg_wordspan_t *v; /* the text's first n words */
    size_t n;
    int all; /* v holds every word of the text */
} tg_words_t;

/* Keeps no words of text[0, len): a cursor cuts each as it reads it (the
 * readers' entry points that take a bare text). */
void tg_words_none(tg_words_t *w, const char *text, size_t len);
/* Cuts text[0, len) into words, keeping at most max of them. */
void tg_words_init(tg_words_t *w, const char *text, size_t len, size_t max);
/* Frees what init allocated; the text is the caller's. */
void tg_words_free(tg_words_t *w);

/* A reader of words: of a tg_words_t, or (w NULL) of a text cut as it is
 * read.  Either way it gives exactly tg_tok_next's words. */
typedef struct {
    const tg_words_t *w; /* NULL: tok only */
    size_t i;            /* the next word of w->v */
    tg_tok_t tok;        /* past w's words */
    int peeked;          /* [pa, pb) was read and not handed out */
    size_t pa, pb;
} tg_wordcur_t;

/* A cursor at the first word of w (text and len must be w's), or of
 * text[0, len) when w is NULL. */
void tg_wordcur_init(tg_wordcur_t *c, const tg_words_t *w, const char *text, size_t len);
/* The next word, as tg_tok_next: sets [*start, *end) and returns 1, or
 * returns 0 at the end of the text. */
int tg_wordcur_next(tg_wordcur_t *c, size_t *start, size_t *end);
/* The next word if it starts before limit (1); else 0, and the word stays
 * next (a page's words, up to the page break at limit). */
int tg_wordcur_next_before(tg_wordcur_t *c, size_t limit, size_t *start, size_t *end);

#endif
