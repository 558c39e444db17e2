/* The OCR cache: what OCR found in a content, kept in the archive by its
 * SHA-256 (ARCHIVE/ocr/ab/SHA.json), so that re-indexing it, re-extracting
 * it or meeting it again after it left the index never runs the
 * recogniser twice on the same page.
 *
 * A cache file holds the pages recognised in one content for one set of
 * languages:
 *   {"lang": "spa+eng", "engine": "tesseract 5.3.0",
 *    "pages": {"1": {"text": "...", "confidence": 87}, "3": {"blank": true}}}
 * Pages whose recognition failed (timed out, too large) are not cached, so
 * a later run tries them again.  A file for other languages, or damaged,
 * counts as empty and is replaced at the next save.  Writes go through
 * tmp/ and a rename (lib/index/store.c), so a reader never sees half a file. */
#ifndef TG_OCRCACHE_H
#define TG_OCRCACHE_H

#include "status.h"
#include "store.h"

typedef struct tg_ocr_cache tg_ocr_cache_t;

/* A cache handle for content sha and languages lang (both copied).  The
 * file is read at the first lookup, not here.  store must outlive it. */
tg_ocr_cache_t *tg_ocr_cache_new(tg_store_t *store, const char *sha, const char *lang,
                                 const char *engine);
/* Accepts NULL.  Does not save. */
void tg_ocr_cache_free(tg_ocr_cache_t *c);

/* Page n (1-based): returns 1 and sets *text (owned by the cache, valid
 * until the next put or free), *confidence (-1: no words) and *blank;
 * 0 when the page is not cached. */
int tg_ocr_cache_get(tg_ocr_cache_t *c, unsigned n, const char **text, int *confidence, int *blank);
/* Records page n. */
void tg_ocr_cache_put(tg_ocr_cache_t *c, unsigned n, const char *text, int confidence, int blank);
/* Writes the file if something was put since the last save and at least
 * min_interval seconds have passed since then (0: now).  TG_ERR_IO if it
 * cannot be written (the cache is an optimisation: callers warn, go on). */
tg_status_t tg_ocr_cache_save(tg_ocr_cache_t *c, double min_interval);

#endif
