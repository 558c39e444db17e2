/* A window of words looked at ahead of the current one (see lookahead.h). */
#include "lookahead.h"

void tg_look_init_words(tg_look_t *l, const tg_words_t *w, void *ring, size_t elem, size_t cap,
                        tg_look_fill_fn fill, void *ctx)
{
    tg_wordcur_init(&l->cur, w, w->text, w->len);
    l->ring = ring;
    l->elem = elem;
    l->cap = cap;
    l->head = l->n = 0;
    l->eof = 0;
    l->fill = fill;
    l->ctx = ctx;
}

static void *slot(const tg_look_t *l, size_t k)
{
    return l->ring + ((l->head + k) % l->cap) * l->elem;
}

/* tg_look_at for a word not loaded yet: loads up to word k. */
void *tg_look_load(tg_look_t *l, size_t k)
{
    if (k >= l->cap)
        return NULL;
    while (l->n <= k && !l->eof) {
        size_t a, b;
        if (!tg_wordcur_next(&l->cur, &a, &b)) {
            l->eof = 1;
            break;
        }
        l->fill(l->ctx, slot(l, l->n), a, b);
        l->n++;
    }
    return k < l->n ? slot(l, k) : NULL;
}

void *tg_look_advance(tg_look_t *l, size_t k)
{
    void *last = NULL;
    for (size_t i = 0; i < k && l->n > 0; i++) {
        last = slot(l, 0);
        l->head = (l->head + 1) % l->cap;
        l->n--;
    }
    return last;
}
