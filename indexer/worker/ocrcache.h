/* The OCR cache: what OCR found in a content, kept in the archive by its
 * SHA-256 (ARCHIVE/ocr/ab/SHA.json), so that re-indexing it, re-extracting
 * it or meeting it again after it left the index never runs the
 * recogniser twice on the same page.
 *
 * A cache file holds the pages recognised in one content for one set of
 * languages:
 *   {"v": 2, "lang": "spa+eng", "engine": "tesseract 5.3.0",
 *    "pages": {"1": {"text": "...", "confidence": 87, "rotation": 90},
 *              "2": {"text": "...", "confidence": 41, "orientation_unchecked": true},
 *              "3": {"blank": true}}}
 * "v" 2: pages read since Testigo checks orientation (ocr.c).  "v" 3:
 * pages read since then also keep the boxes of their words ("words":
 * [[x0, y0, x1, y1, "word"]...] in pixels of the page as OCR was given it,
 * "size": [w, h]), for the page view; pages cached before have none, and are
 * not read again to get them.  The pages
 * of a file without it are reported as `legacy`, so the caller can read
 * again those that read badly (they may lie turned).
 * Pages whose recognition failed (timed out, too large) are not cached, so
 * a later run tries them again.  A file for other languages, or damaged,
 * counts as empty and is replaced at the next save.  Writes go through
 * tmp/ and a rename (lib/index/store.c), so a reader never sees half a file. */
#ifndef TG_OCRCACHE_H
#define TG_OCRCACHE_H

#include <jansson.h>

#include "ocr.h"
#include "status.h"
#include "store.h"

typedef struct tg_ocr_cache tg_ocr_cache_t;

/* A cache handle for content sha and languages lang (both copied).  The
 * file is read at the first lookup, not here.  store must outlive it. */
tg_ocr_cache_t *tg_ocr_cache_new(tg_store_t *store, const char *sha, const char *lang,
                                 const char *engine);
/* Accepts NULL.  Does not save. */
void tg_ocr_cache_free(tg_ocr_cache_t *c);

typedef struct {
    const char *text;          /* owned by the cache, valid until the next put or
                                * free; "" for a blank page */
    int confidence;            /* -1: no words */
    int blank;                 /* no ink: never recognised */
    int rotation;              /* as tg_ocr_page_t */
    int orientation_unchecked; /* as tg_ocr_page_t */
    int legacy;                /* read before orientation was checked (a file
                                * without "v": 2) */
} tg_ocr_cached_t;

/* Page n (1-based): returns 1 and fills *p; 0 when the page is not cached. */
int tg_ocr_cache_get(tg_ocr_cache_t *c, unsigned n, tg_ocr_cached_t *p);
/* Records page n as OCR read it (text, confidence, blank, rotation,
 * orientation_unchecked). */
void tg_ocr_cache_put(tg_ocr_cache_t *c, unsigned n, const tg_ocr_page_t *p);
/* Writes the file if something was put since the last save and at least
 * min_interval seconds have passed since then (0: now).  TG_ERR_IO if it
 * cannot be written (the cache is an optimisation: callers warn, go on). */
tg_status_t tg_ocr_cache_save(tg_ocr_cache_t *c, double min_interval);

/* The boxes of the words OCR found on page n of content sha (any
 * languages): [[x0, y0, x1, y1, "word"]...] in pixels of the image it read,
 * upright, *w x *h pixels; NULL when the cache has none for that page (a
 * page read before cache version 3, or blank).  The caller frees it. */
json_t *tg_ocr_cache_words(tg_store_t *store, const char *sha, unsigned n, double *w, double *h);

#endif
