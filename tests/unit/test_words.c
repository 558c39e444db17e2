/* Unit tests: a text's words cut once (lib/base/words.c), against the
 * tokenizer itself (text.h: tg_tok_next) as the reference: whatever the
 * cap on the words kept, a cursor gives exactly the tokenizer's words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "words.h"

static const char *const texts[] = {
    "",
    "   ,.;  ",
    "uno",
    "El niño, V-12.345.678 (C.I.) llegó: 3,5 km.",
    "página uno\fpágina dos 12.\f3,5\f\f fin",
    "中文 2024. ab\xff"
    "cd e\xcc\x81 \xcc\x81x",
    "x-\ny 1.2.3, 4,5. 6,",
};

/* Checks a cursor over w against the tokenizer over the same text. */
static void same_as_tokenizer(const tg_words_t *w, const char *text, size_t len)
{
    tg_tok_t t;
    tg_tok_init(&t, text, len);
    tg_wordcur_t c;
    tg_wordcur_init(&c, w, text, len);
    size_t a, b, x, y, k = 0;
    for (;;) {
        int more = tg_tok_next(&t, &a, &b);
        int got = tg_wordcur_next(&c, &x, &y);
        if (more != got)
            fail_msg("'%s' word %zu: the cursor says %d, the tokenizer %d", text, k, got, more);
        if (!more)
            break;
        if (a != x || b != y)
            fail_msg("'%s' word %zu: [%zu, %zu), wanted [%zu, %zu)", text, k, x, y, a, b);
        k++;
    }
    assert_int_equal(tg_wordcur_next(&c, &x, &y), 0); /* stays at the end */
}

static void any_cap_gives_the_tokenizers_words(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        size_t len = strlen(texts[i]);
        same_as_tokenizer(NULL, texts[i], len);
        for (size_t max = 0; max < 14; max++) {
            tg_words_t w;
            tg_words_init(&w, texts[i], len, max);
            assert_true(w.n <= max);
            same_as_tokenizer(&w, texts[i], len);
            tg_words_free(&w);
        }
    }
}

static void the_cap_bounds_what_is_kept(void **state)
{
    (void)state;
    const char *t = "uno dos tres cuatro cinco";
    tg_words_t w;
    tg_words_init(&w, t, strlen(t), 2);
    assert_int_equal(w.n, 2);
    assert_false(w.all);
    assert_int_equal(w.v[1].a, 4);
    assert_int_equal(w.v[1].b, 7);
    tg_words_free(&w);
    /* exactly as many words as the cap: all of them */
    tg_words_init(&w, t, strlen(t), 5);
    assert_int_equal(w.n, 5);
    assert_true(w.all);
    tg_words_free(&w);
    tg_words_init(&w, t, strlen(t), TG_WORDS_MAX);
    assert_int_equal(w.n, 5);
    assert_true(w.all);
    tg_words_free(&w);
    /* no words */
    tg_words_init(&w, " .", 2, TG_WORDS_MAX);
    assert_int_equal(w.n, 0);
    assert_true(w.all);
    tg_words_free(&w);
    tg_words_free(NULL);
}

static void a_text_too_long_for_32_bits_keeps_none(void **state)
{
    (void)state;
    /* never read: the length alone decides */
    tg_words_t w;
    tg_words_init(&w, "x", (size_t)UINT32_MAX + 1, TG_WORDS_MAX);
    assert_int_equal(w.n, 0);
    assert_null(w.v);
    assert_false(w.all);
    tg_words_free(&w);
}

static void pages_up_to_a_limit(void **state)
{
    (void)state;
    const char *t = "uno dos\ftres cuatro";
    size_t ff = (size_t)(strchr(t, '\f') - t), a, b;
    for (size_t max = 0; max < 6; max++) {
        tg_words_t w;
        tg_words_init(&w, t, strlen(t), max);
        tg_wordcur_t c;
        tg_wordcur_init(&c, &w, t, strlen(t));
        assert_true(tg_wordcur_next_before(&c, ff, &a, &b));
        assert_int_equal(a, 0);
        assert_true(tg_wordcur_next_before(&c, ff, &a, &b));
        assert_int_equal(a, 4);
        /* "tres" is past the limit: left for the next page, however asked */
        assert_false(tg_wordcur_next_before(&c, ff, &a, &b));
        assert_false(tg_wordcur_next_before(&c, ff, &a, &b));
        assert_true(tg_wordcur_next_before(&c, strlen(t), &a, &b));
        assert_int_equal(a, ff + 1);
        assert_true(tg_wordcur_next(&c, &a, &b));
        assert_int_equal(b, strlen(t));
        assert_false(tg_wordcur_next_before(&c, strlen(t), &a, &b));
        assert_false(tg_wordcur_next(&c, &a, &b));
        tg_words_free(&w);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(any_cap_gives_the_tokenizers_words),
        cmocka_unit_test(the_cap_bounds_what_is_kept),
        cmocka_unit_test(a_text_too_long_for_32_bits_keeps_none),
        cmocka_unit_test(pages_up_to_a_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
