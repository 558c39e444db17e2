/* Unit tests: the window of words looked at ahead (lib/evidence/lookahead.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lookahead.h"

typedef struct {
    size_t a, b;
    unsigned serial; /* order in which the window loaded it */
} word_t;

static unsigned loaded;

static void fill(void *ctx, void *word, size_t a, size_t b)
{
    (void)ctx;
    word_t *w = word;
    w->a = a;
    w->b = b;
    w->serial = loaded++;
}

static const char *text = "uno dos tres cuatro cinco seis";

static int is(const word_t *w, const char *s)
{
    return w && w->b - w->a == strlen(s) && !memcmp(text + w->a, s, w->b - w->a);
}

static void looks_ahead_within_the_window(void **state)
{
    (void)state;
    word_t ring[3];
    tg_look_t l;
    loaded = 0;
    tg_words_t w;
    tg_words_none(&w, text, strlen(text)); /* cut as read */
    tg_look_init_words(&l, &w, ring, sizeof ring[0], 3, fill, NULL);
    assert_true(is(tg_look_at(&l, 2), "tres"));
    assert_int_equal(loaded, 3); /* loaded on demand, each once */
    assert_true(is(tg_look_at(&l, 0), "uno"));
    assert_null(tg_look_at(&l, 3)); /* beyond the window: as if the text ended */
    assert_int_equal(loaded, 3);
    word_t *passed = tg_look_advance(&l, 2);
    assert_true(is(passed, "dos"));
    assert_true(is(tg_look_at(&l, 0), "tres"));
    assert_true(is(tg_look_at(&l, 2), "cinco"));
    assert_int_equal(loaded, 5);
}

static void ends_with_the_text(void **state)
{
    (void)state;
    word_t ring[4];
    tg_look_t l;
    loaded = 0;
    tg_words_t w;
    tg_words_none(&w, text, strlen(text));
    tg_look_init_words(&l, &w, ring, sizeof ring[0], 4, fill, NULL);
    unsigned n = 0;
    while (tg_look_at(&l, 0)) {
        assert_int_equal(((word_t *)tg_look_at(&l, 0))->serial, n);
        tg_look_advance(&l, 1);
        n++;
    }
    assert_int_equal(n, 6);
    assert_null(tg_look_advance(&l, 1)); /* nothing left to pass over */
    /* advancing past the end stops at the end */
    tg_look_init_words(&l, &w, ring, sizeof ring[0], 4, fill, NULL);
    tg_look_at(&l, 1);
    assert_true(is(tg_look_advance(&l, 10), "dos"));
    assert_null(tg_look_at(&l, 4));
    assert_true(is(tg_look_at(&l, 0), "tres"));
}

static void empty_text(void **state)
{
    (void)state;
    word_t ring[2];
    tg_look_t l;
    tg_words_t w;
    tg_words_none(&w, " ,. ", 4);
    tg_look_init_words(&l, &w, ring, sizeof ring[0], 2, fill, NULL);
    assert_null(tg_look_at(&l, 0));
    assert_null(tg_look_advance(&l, 1));
}

static void over_words_cut_once(void **state)
{
    (void)state;
    /* kept in full, or only the first two: the same window either way */
    for (size_t max = 2; max <= TG_WORDS_MAX; max = max == 2 ? TG_WORDS_MAX : max + 1) {
        tg_words_t w;
        tg_words_init(&w, text, strlen(text), max);
        word_t ring[3];
        tg_look_t l;
        loaded = 0;
        tg_look_init_words(&l, &w, ring, sizeof ring[0], 3, fill, NULL);
        assert_true(is(tg_look_at(&l, 2), "tres"));
        assert_int_equal(loaded, 3);
        tg_look_advance(&l, 3);
        assert_true(is(tg_look_at(&l, 2), "seis"));
        assert_null(tg_look_load(&l, 3));
        tg_look_advance(&l, 3);
        assert_null(tg_look_at(&l, 0));
        assert_int_equal(loaded, 6);
        tg_words_free(&w);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(looks_ahead_within_the_window),
        cmocka_unit_test(ends_with_the_text),
        cmocka_unit_test(empty_text),
        cmocka_unit_test(over_words_cut_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
