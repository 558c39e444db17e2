/* A window of words looked at ahead of the current one.
 *
 * The scanners that find dates, persons and identity numbers (dates.c,
 * persons.c, idnum.c) read a text word by word and decide on the current
 * word by looking at the few that follow.  The window holds those words in
 * a ring of the caller's own word type: as it loads a word, it hands the
 * word's byte span to the caller's function, which fills in the element
 * (its offsets and whatever it classifies).  The words come from the
 * tokenizer, or from the text's words cut once (words.h) when the caller
 * has them: the same words either way. */
#ifndef TG_LOOKAHEAD_H
#define TG_LOOKAHEAD_H

#include <stddef.h>

#include "text.h"
#include "words.h"

/* Fills in word (an element of the caller's type) for text[a, b). */
typedef void (*tg_look_fill_fn)(void *ctx, void *word, size_t a, size_t b);

typedef struct {
    tg_wordcur_t cur;
    unsigned char *ring; /* cap elements of elem bytes, the caller's */
    size_t elem, cap;
    size_t head, n; /* ring[(head + k) % cap] is word k, n loaded */
    int eof;
    tg_look_fill_fn fill;
    void *ctx;
} tg_look_t;

/* Starts at the first word of w's text (words w keeps, the rest cut as
 * read: tg_words_none for a bare text; w must outlive l); ring holds cap
 * words of elem bytes; the fill function reads the text. */
void tg_look_init_words(tg_look_t *l, const tg_words_t *w, void *ring, size_t elem, size_t cap,
                        tg_look_fill_fn fill, void *ctx);
/* Word k after the current one (0: the current one), or NULL past the end
 * of the text or beyond the window (as if the text ended there).  Inline
 * for a word already loaded: the scanners ask for the same few words
 * again and again (the date scanner about 17 times per word), and the
 * call cost more than the answer. */
void *tg_look_load(tg_look_t *l, size_t k);
static inline void *tg_look_at(tg_look_t *l, size_t k)
{
    if (k < l->n)
        return l->ring + ((l->head + k) % l->cap) * l->elem;
    return tg_look_load(l, k);
}
/* Moves on by k words (fewer at the end).  Returns the last word passed
 * over, valid until the window loads another word, or NULL if none. */
void *tg_look_advance(tg_look_t *l, size_t k);

#endif
