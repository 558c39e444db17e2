/* The OCR cache (see ocrcache.h): a JSON object per content, read once and
 * rewritten whole when it grows.  Saving now and then during a long
 * document (not only at its end) means a worker killed half-way through a
 * 300-page scan leaves the pages it finished for the next run.
 *
 * Relies on lib/index/store.c for the file's place and for atomic replacement;
 * never trusts the file's contents beyond their JSON shape (a damaged file
 * is an empty cache). */
#define _POSIX_C_SOURCE 200809L
#include "ocrcache.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "util.h"

/* A cache file larger than this is ignored (and replaced): its text is
 * bounded by the extraction text cap, far below. */
#define MAX_CACHE_FILE ((size_t)256 << 20)

struct tg_ocr_cache {
    tg_store_t *store;
    char *sha, *lang, *engine;
    json_t *pages;    /* "n" -> {"text", "confidence"} | {"blank": true}; NULL until loaded */
    int dirty;        /* puts since the last save */
    double last_save; /* tg_now() of the last save (or of the load) */
};

tg_ocr_cache_t *tg_ocr_cache_new(tg_store_t *store, const char *sha, const char *lang,
                                 const char *engine)
{
    tg_ocr_cache_t *c = tg_xcalloc(1, sizeof *c);
    c->store = store;
    c->sha = tg_xstrdup(sha);
    c->lang = tg_xstrdup(lang);
    c->engine = tg_xstrdup(engine ? engine : "");
    return c;
}

void tg_ocr_cache_free(tg_ocr_cache_t *c)
{
    if (!c)
        return;
    json_decref(c->pages);
    free(c->sha);
    free(c->lang);
    free(c->engine);
    free(c);
}

static void load(tg_ocr_cache_t *c)
{
    if (c->pages)
        return;
    c->last_save = tg_now();
    tg_buf_t b;
    tg_buf_init(&b, MAX_CACHE_FILE);
    json_t *root = NULL;
    if (tg_store_get_ocr(c->store, c->sha, &b) == TG_OK && b.len > 0)
        root = json_loadb(b.data, b.len, 0, NULL);
    tg_buf_free(&b);
    const char *lang = json_string_value(json_object_get(root, "lang"));
    json_t *pages = json_object_get(root, "pages");
    if (lang && !strcmp(lang, c->lang) && json_is_object(pages))
        c->pages = json_incref(pages);
    else
        c->pages = json_object();
    if (json_integer_value(json_object_get(root, "v")) < 2) {
        /* read before orientation was checked: each page says so, also
         * once saved again beside pages read since */
        const char *k;
        json_t *p;
        json_object_foreach(c->pages, k, p) if (json_is_object(p))
            json_object_set_new(p, "legacy", json_true());
    }
    json_decref(root);
}

int tg_ocr_cache_get(tg_ocr_cache_t *c, unsigned n, tg_ocr_cached_t *out)
{
    load(c);
    memset(out, 0, sizeof *out);
    char key[16];
    snprintf(key, sizeof key, "%u", n);
    json_t *p = json_object_get(c->pages, key);
    if (!json_is_object(p))
        return 0;
    json_t *t = json_object_get(p, "text");
    out->blank = json_is_true(json_object_get(p, "blank"));
    if (!out->blank && !json_is_string(t))
        return 0;
    out->text = out->blank ? "" : json_string_value(t);
    json_t *conf = json_object_get(p, "confidence");
    out->confidence = json_is_integer(conf) ? (int)json_integer_value(conf) : -1;
    json_int_t rot = json_integer_value(json_object_get(p, "rotation"));
    out->rotation = rot == 90 || rot == 180 || rot == 270 ? (int)rot : 0;
    out->orientation_unchecked = json_is_true(json_object_get(p, "orientation_unchecked"));
    out->legacy = json_is_true(json_object_get(p, "legacy"));
    return 1;
}

void tg_ocr_cache_put(tg_ocr_cache_t *c, unsigned n, const tg_ocr_page_t *page)
{
    load(c);
    char key[16];
    snprintf(key, sizeof key, "%u", n);
    json_t *p = page->blank ? json_pack("{s:b}", "blank", 1)
                            : json_pack("{s:s, s:i}", "text", page->text ? page->text : "",
                                        "confidence", page->confidence);
    if (!p) /* text that jansson refuses (not UTF-8): not cached */
        return;
    if (page->rotation)
        json_object_set_new(p, "rotation", json_integer(page->rotation));
    if (page->orientation_unchecked)
        json_object_set_new(p, "orientation_unchecked", json_true());
    if (page->words && page->words_w > 0 && page->words_h > 0) {
        json_object_set(p, "words", page->words);
        json_object_set_new(p, "size", json_pack("[i, i]", page->words_w, page->words_h));
    }
    json_object_set_new(c->pages, key, p);
    c->dirty = 1;
}

tg_status_t tg_ocr_cache_save(tg_ocr_cache_t *c, double min_interval)
{
    if (!c->dirty || (min_interval > 0 && tg_now() - c->last_save < min_interval))
        return TG_OK;
    json_t *root = json_pack("{s:i, s:s, s:s, s:O}", "v", 3, "lang", c->lang, "engine", c->engine,
                             "pages", c->pages);
    char *s = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(root);
    if (!s)
        tg_oom();
    tg_status_t st = tg_store_put_ocr(c->store, c->sha, s, strlen(s));
    free(s);
    c->dirty = 0;
    c->last_save = tg_now();
    return st;
}

json_t *tg_ocr_cache_words(tg_store_t *store, const char *sha, unsigned n, double *w, double *h)
{
    *w = *h = 0;
    tg_buf_t b;
    tg_buf_init(&b, MAX_CACHE_FILE);
    json_t *root = NULL, *words = NULL;
    if (tg_store_get_ocr(store, sha, &b) == TG_OK && b.len > 0)
        root = json_loadb(b.data, b.len, 0, NULL);
    tg_buf_free(&b);
    char key[16];
    snprintf(key, sizeof key, "%u", n);
    json_t *p = json_object_get(json_object_get(root, "pages"), key);
    json_t *size = json_object_get(p, "size");
    json_t *ws = json_object_get(p, "words");
    if (json_is_array(ws) && json_array_size(size) == 2 &&
        json_is_integer(json_array_get(size, 0)) && json_is_integer(json_array_get(size, 1))) {
        *w = (double)json_integer_value(json_array_get(size, 0));
        *h = (double)json_integer_value(json_array_get(size, 1));
        words = json_incref(ws);
    }
    json_decref(root);
    return words;
}
