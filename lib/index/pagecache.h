/* The page cache: page images and word boxes of the archive's documents,
 * drawn by the renderer (indexer/worker/pagerender.h) and kept in the
 * archive (docs/pages.md):
 *
 *   ARCHIVE/pages/ab/SHA-PAGE-WIDTH.png   the page, WIDTH pixels wide (or less)
 *   ARCHIVE/pages/ab/SHA-PAGE.json        {"pages", "page", "page_w", "page_h",
 *                                          "words": [[x0, y0, x1, y1, "word"]...]}
 *
 * Files are written through ARCHIVE/tmp and a rename, so a reader never sees
 * half of one.  The cache is bounded in total size: tg_pagecache_evict
 * removes the least recently used files (by modification time, which a read
 * through tg_pagecache_open renews) until the total is under 90% of the
 * bound.  Nothing here knows who may see a document: that is the search
 * library's public handle (lib/read/pages.h), which asks before any file
 * here is opened. */
#ifndef TG_PAGECACHE_H
#define TG_PAGECACHE_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* Widths of the sizes a page is drawn at, in pixels. */
#define TG_PAGE_THUMB  200
#define TG_PAGE_SCREEN 1000
#define TG_PAGE_PRINT  2000

/* Malloc'd path of the PNG of page (1-based) at width, and of the page's
 * words. */
char *tg_pagecache_png_path(const char *archive, const char *sha, unsigned page, unsigned width);
char *tg_pagecache_words_path(const char *archive, const char *sha, unsigned page);

/* Writes data as the cache file dest (replacing any), through
 * ARCHIVE/tmp.  TG_ERR_IO when it cannot. */
tg_status_t tg_pagecache_put(const char *archive, const char *dest, const void *data, size_t len);

/* Opens a cache file for reading and marks it used now: *fd and *size.
 * TG_ERR_NOTFOUND when it is not there. */
tg_status_t tg_pagecache_open(const char *path, int *fd, uint64_t *size);

/* Bytes the cache holds (every file under ARCHIVE/pages). */
uint64_t tg_pagecache_size(const char *archive);

/* If the cache holds more than max_bytes, removes the least recently used
 * files until it holds at most 90% of it.  *total (may be NULL) gets what it
 * holds afterwards. */
tg_status_t tg_pagecache_evict(const char *archive, uint64_t max_bytes, uint64_t *total);

#endif
