/* Unit tests: persons across the archive (lib/evidence/entities.c): keys
 * and identity-number links resolved into one entity per person, the
 * merges the rules forbid, and a result that does not depend on the order
 * things were added in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "entities.h"

/* 1 if keys a and b resolve to one entity. */
static int same(const tg_entities_t *e, const char *a, const char *b)
{
    long x = tg_entities_find_key(e, a), y = tg_entities_find_key(e, b);
    assert_true(x >= 0);
    assert_true(y >= 0);
    return x == y;
}

static void shorter_forms_join_the_one_person_they_fit(void **state)
{
    (void)state;
    tg_entities_t *e = tg_entities_new();
    tg_entities_add_key(e, "jose gregorio", 1);
    tg_entities_add_key(e, "jose gregorio perez", 2);
    tg_entities_add_key(e, "jose gregorio perez salazar", 5);
    tg_entities_add_key(e, "ramon nunez", 2);
    tg_entities_add_key(e, "ramon antonio nunez", 3);
    tg_entities_add_key(e, "marino alvarado", 2);
    tg_entities_add_key(e, "marino alvarado rivas", 4);
    tg_entities_resolve(e);
    assert_true(same(e, "jose gregorio", "jose gregorio perez salazar"));
    assert_true(same(e, "jose gregorio perez", "jose gregorio perez salazar"));
    assert_true(same(e, "ramon nunez", "ramon antonio nunez"));
    assert_true(same(e, "marino alvarado", "marino alvarado rivas"));
    assert_int_equal(tg_entities_count(e), 3);
    const tg_entity_t *x = tg_entities_get(e, 0);
    assert_string_equal(x->head, "jose gregorio perez salazar");
    assert_int_equal(x->nkeys, 3);
    assert_int_equal(x->freq, 8);
    /* a name of no document: the one person it fits */
    assert_int_equal(tg_entities_find_key(e, "jose perez salazar"), 0);
    assert_int_equal(tg_entities_find_key(e, "luis rondon"), -1);
    tg_entities_free(e);
}

static void ambiguous_and_different_never_merge(void **state)
{
    (void)state;
    tg_entities_t *e = tg_entities_new();
    /* two José Gregorios: the short form fits both, and stays apart */
    tg_entities_add_key(e, "jose gregorio perez salazar", 3);
    tg_entities_add_key(e, "jose gregorio hernandez", 2);
    tg_entities_add_key(e, "jose gregorio", 1);
    /* whole words */
    tg_entities_add_key(e, "gabriel montilla", 1);
    tg_entities_add_key(e, "gabriela montilla rojas", 1);
    /* different numbers */
    tg_entities_add_link(e, "12345678", "maria fernanda rodriguez", 1);
    tg_entities_add_link(e, "87654321", "maria fernanda rodriguez de perez", 1);
    tg_entities_resolve(e);
    assert_false(same(e, "jose gregorio", "jose gregorio perez salazar"));
    assert_false(same(e, "jose gregorio", "jose gregorio hernandez"));
    assert_int_equal(tg_entities_find_key(e, "jose gregorio perez"),
                     tg_entities_find_key(e, "jose gregorio perez salazar"));
    assert_false(same(e, "gabriel montilla", "gabriela montilla rojas"));
    assert_false(same(e, "maria fernanda rodriguez", "maria fernanda rodriguez de perez"));
    tg_entities_free(e);
}

static void the_same_number_is_the_same_person(void **state)
{
    (void)state;
    tg_entities_t *e = tg_entities_new();
    tg_entities_add_link(e, "12345678", "eusebio arreaza lugo", 2);
    tg_entities_add_link(e, "12345678", "eusebio arreaza", 1);
    tg_entities_add_key(e, "eusebio arreaza lugo", 1);
    tg_entities_add_link(e, "7654321", "yelitza manrique de arreaza", 1);
    tg_entities_add_link(e, "7654321", "yelitza manrique", 1);
    /* namesakes: one key, two numbers */
    tg_entities_add_link(e, "11111111", "luis perez", 1);
    tg_entities_add_link(e, "22222222", "luis perez", 1);
    tg_entities_add_key(e, "luis perez gil", 1);
    tg_entities_resolve(e);
    assert_true(same(e, "eusebio arreaza", "eusebio arreaza lugo"));
    long x = tg_entities_find_id(e, "12345678");
    assert_int_equal(x, tg_entities_find_key(e, "eusebio arreaza lugo"));
    const tg_entity_t *p = tg_entities_get(e, (size_t)x);
    assert_int_equal(p->nids, 1);
    assert_string_equal(p->ids[0], "12345678");
    assert_true(same(e, "yelitza manrique", "yelitza manrique de arreaza"));
    /* the namesakes' key joins nobody; each number is a person of its own */
    assert_false(same(e, "luis perez", "luis perez gil"));
    long a = tg_entities_find_id(e, "11111111"), b = tg_entities_find_id(e, "22222222");
    assert_true(a >= 0 && b >= 0 && a != b);
    assert_true(a != tg_entities_find_key(e, "luis perez"));
    assert_int_equal(tg_entities_get(e, (size_t)a)->nlinks, 1);
    assert_string_equal(tg_entities_get(e, (size_t)a)->links[0], "11111111 luis perez");
    assert_int_equal(tg_entities_find_id(e, "99999999"), -1);
    tg_entities_free(e);
}

static void names_list_groups_and_keeps_apart(void **state)
{
    (void)state;
    tg_entities_t *e = tg_entities_new();
    tg_entities_add_key(e, "marino alvarado", 3);
    tg_entities_add_key(e, "marino jose alvarado perez", 1);
    tg_entities_add_key(e, "ana rojas", 1);
    tg_entities_add_key(e, "ana rojas mendez", 1);
    const char *g1[] = {"marino alvarado", "marino jose alvarado perez"};
    const char *g2[] = {"ana rojas"};
    const char *g3[] = {"ana rojas mendez"};
    tg_entities_add_listed(e, g1, 2);
    tg_entities_add_listed(e, g2, 1);
    tg_entities_add_listed(e, g3, 1);
    tg_entities_resolve(e);
    assert_true(same(e, "marino alvarado", "marino jose alvarado perez"));
    assert_false(same(e, "ana rojas", "ana rojas mendez"));
    assert_true(tg_entities_get(e, (size_t)tg_entities_find_key(e, "ana rojas"))->listed);
    tg_entities_free(e);
}

/* The same keys and links in another order give the same entities. */
static void order_does_not_matter(void **state)
{
    (void)state;
    const char *keys[] = {"jose gregorio",
                          "jose gregorio perez salazar",
                          "jose gregorio perez",
                          "ana lucia",
                          "ana lucia ibanez torres",
                          "ana lucia ibanez",
                          "gabriela ibanez torres",
                          "luis alberto rondon perez",
                          "luis rondon"};
    size_t n = sizeof keys / sizeof *keys;
    char first[4096] = "", now[4096];
    /* every rotation agrees */
    for (size_t rot = 0; rot < n; rot++) {
        tg_entities_t *e = tg_entities_new();
        for (size_t i = 0; i < n; i++)
            tg_entities_add_key(e, keys[(i + rot) % n], 1);
        tg_entities_add_link(e, "18902117", "ana lucia ibanez", 1);
        tg_entities_resolve(e);
        now[0] = '\0';
        for (size_t i = 0; i < n; i++) {
            size_t l = strlen(now);
            snprintf(now + l, sizeof now - l, "%s=%s;", keys[i],
                     tg_entities_get(e, (size_t)tg_entities_find_key(e, keys[i]))->head);
        }
        if (rot == 0)
            memcpy(first, now, sizeof now);
        else
            assert_string_equal(now, first);
        tg_entities_free(e);
    }
    assert_non_null(strstr(first, "luis rondon=luis alberto rondon perez;"));
    assert_non_null(strstr(first, "ana lucia=ana lucia ibanez torres;"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shorter_forms_join_the_one_person_they_fit),
        cmocka_unit_test(ambiguous_and_different_never_merge),
        cmocka_unit_test(the_same_number_is_the_same_person),
        cmocka_unit_test(names_list_groups_and_keeps_apart),
        cmocka_unit_test(order_does_not_matter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
