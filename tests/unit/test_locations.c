/* Unit tests: the location records (indexer/coordinator/writer.c) and their keys
 * (lib/index/schema.c): long locations, the prefix scan that finds a bundle's
 * members, and the migration of keys written by earlier versions. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hash.h"
#include "schema.h"
#include "writer.h"
#include "xap.h"

static char dir[256];
static tg_db_t *db;

static int setup(void **state)
{
    (void)state;
    char err[256];
    snprintf(dir, sizeof dir, "/tmp/tg-loc-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    return tg_db_open(dir, TG_DB_WRITE, &db, err, sizeof err) == TG_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tg_db_close(db);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

/* "/archivo/caso.zip!/" + a folder repeated until the location is long */
static char *long_member(const char *name)
{
    char *s = malloc(1024);
    strcpy(s, "/archivo/caso.zip!/");
    for (int i = 0; i < 5; i++)
        strcat(s, "Carpeta de declaraciones de familiares/");
    strcat(s, name);
    return s;
}

static void put(const char *loc)
{
    tg_place_t p = {.loc = loc,
                    .folder = "archivo",
                    .sha = "0000000000000000000000000000000000000000000000000000000000000000",
                    .size = 1,
                    .mtime_ns = 2};
    assert_int_equal(tg_loc_put(db, &p, TG_LOC_INDEXED), TG_OK);
}

static int count_loc(void *ctx, const char *key, const char *value, size_t len)
{
    (void)key;
    (void)value;
    (void)len;
    (*(int *)ctx)++;
    return 0;
}

/* Records found by a scan for the locations starting with loc_prefix. */
static int scan(const char *loc_prefix)
{
    tg_buf_t k;
    tg_buf_init(&k, 1024);
    tg_location_key_prefix(&k, loc_prefix);
    int n = 0;
    assert_int_equal(tg_db_each_meta(db, k.data, 1, count_loc, &n), TG_OK);
    tg_buf_free(&k);
    return n;
}

static void keys_and_prefix_scan(void **state)
{
    (void)state;
    char *a = long_member("madre.txt"), *b = long_member("abuela.txt");
    assert_true(strlen(a) > TG_META_KEY_MAX);
    tg_buf_t k;
    tg_buf_init(&k, 1024);
    tg_location_key(&k, a);
    assert_true(k.len <= 245); /* Xapian's limit on a metadata key */
    assert_memory_equal(k.data, "L/archivo/caso.zip!/", 20);
    tg_buf_free(&k);

    put(a);
    put(b);
    put("/archivo/caso.zip!/corto.txt");
    put("/archivo/otro.zip!/corto.txt");
    json_t *m = tg_loc_get(db, a);
    assert_non_null(m);
    assert_string_equal(json_string_value(json_object_get(m, "loc")), a);
    json_decref(m);
    /* the bundle's members, short and long; and a prefix longer than a
     * key's head still finds the long ones */
    assert_int_equal(scan("/archivo/caso.zip!/"), 3);
    char head[300];
    snprintf(head, sizeof head, "%.*s", (int)(strlen(a) - strlen("madre.txt")), a);
    assert_true(strlen(head) > TG_LOC_KEY_HEAD);
    assert_int_equal(scan(head), 2);

    assert_int_equal(tg_loc_forget(db, a), TG_OK);
    assert_null(tg_loc_get(db, a));
    assert_int_equal(scan("/archivo/caso.zip!/"), 2);
    free(a);
    free(b);
}

static void legacy_keys_migrate(void **state)
{
    (void)state;
    char *a = long_member("legado.txt");
    /* as an earlier version wrote it: "L#" + SHA-256 of the location */
    char hex[TG_SHA256_HEX_LEN + 1], key[80];
    tg_sha256_hex(a, strlen(a), hex);
    snprintf(key, sizeof key, "L#%s", hex);
    json_t *rec = json_pack("{s:s, s:s, s:i, s:i, s:s}", "loc", a, "sha256",
                            "1111111111111111111111111111111111111111111111111111111111111111",
                            "size", 3, "mtime", 4, "status", "indexed");
    char *v = json_dumps(rec, JSON_COMPACT);
    assert_int_equal(tg_db_set_meta(db, key, v, strlen(v)), TG_OK);
    free(v);
    json_decref(rec);

    /* found before the migration (by its old key), but not by a scan */
    json_t *m = tg_loc_get(db, a);
    assert_non_null(m);
    json_decref(m);
    int before = scan("/archivo/caso.zip!/");

    unsigned moved;
    assert_int_equal(tg_loc_migrate(db, &moved), TG_OK);
    assert_int_equal(moved, 1);
    assert_int_equal(scan("/archivo/caso.zip!/"), before + 1);
    m = tg_loc_get(db, a);
    assert_non_null(m);
    assert_int_equal(json_integer_value(json_object_get(m, "mtime")), 4);
    json_decref(m);
    char *old = NULL;
    assert_int_equal(tg_db_get_meta(db, key, &old, NULL), TG_OK);
    assert_null(old);
    /* a second migration has nothing to do */
    assert_int_equal(tg_loc_migrate(db, &moved), TG_OK);
    assert_int_equal(moved, 0);
    free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keys_and_prefix_scan),
        cmocka_unit_test(legacy_keys_migrate),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
