/* A text's words, cut once (see words.h).
 *
 * The spans array grows by doubling up to the cap; past the cap the text
 * is not cut any further here: a cursor resumes the tokenizer at the end of
 * the last word kept, which is where tg_tok_next itself would go on (its
 * only state is that offset). */
#include "words.h"

#include <stdlib.h>

#include "util.h"

void tg_words_none(tg_words_t *w, const char *text, size_t len)
{
    w->text = text;
    w->len = len;
    w->v = NULL;
    w->n = 0;
    w->all = 0;
}

void tg_words_init(tg_words_t *w, const char *text, size_t len, size_t max)
{
    tg_words_none(w, text, len);
    if (len > UINT32_MAX)
        return; /* offsets would not fit: every cursor cuts as it reads */
    size_t cap = 0, a, b;
    tg_tok_t tok;
    tg_tok_init(&tok, text, len);
    while (w->n < max && tg_tok_next(&tok, &a, &b)) {
        if (w->n == cap) {
            cap = cap ? 2 * cap : 256;
            if (cap > max)
                cap = max;
            w->v = tg_xrealloc(w->v, cap * sizeof *w->v);
        }
        w->v[w->n].a = (uint32_t)a;
        w->v[w->n].b = (uint32_t)b;
        w->n++;
    }
    /* the cap reached exactly at the last word: one more look says so */
    w->all = w->n < max || !tg_tok_next(&tok, &a, &b);
}

void tg_words_free(tg_words_t *w)
{
    if (!w)
        return;
    free(w->v);
    w->v = NULL;
    w->n = 0;
}

void tg_wordcur_init(tg_wordcur_t *c, const tg_words_t *w, const char *text, size_t len)
{
    c->w = w;
    c->i = 0;
    c->peeked = 0;
    tg_tok_init(&c->tok, text, len);
    if (w && w->n > 0)
        c->tok.off = w->v[w->n - 1].b;
}

static int next_word(tg_wordcur_t *c, size_t *start, size_t *end)
{
    const tg_words_t *w = c->w;
    if (w && c->i < w->n) {
        *start = w->v[c->i].a;
        *end = w->v[c->i].b;
        c->i++;
        return 1;
    }
    if (w && w->all)
        return 0;
    return tg_tok_next(&c->tok, start, end);
}

int tg_wordcur_next(tg_wordcur_t *c, size_t *start, size_t *end)
{
    if (c->peeked) {
        c->peeked = 0;
        *start = c->pa;
        *end = c->pb;
        return 1;
    }
    return next_word(c, start, end);
}

int tg_wordcur_next_before(tg_wordcur_t *c, size_t limit, size_t *start, size_t *end)
{
    if (!c->peeked) {
        if (!next_word(c, &c->pa, &c->pb))
            return 0;
        c->peeked = 1;
    }
    if (c->pa >= limit)
        return 0;
    c->peeked = 0;
    *start = c->pa;
    *end = c->pb;
    return 1;
}
