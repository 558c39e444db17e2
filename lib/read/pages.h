/* Page images of an archive's documents, for a front end: the PNG of a
 * page at a size, and the page's size and word boxes (docs/pages.md).
 *
 * Every call first asks the archive handle for the document
 * (tg_archive_get, hiding restricted and embargoed documents): a document
 * the handle may not show answers TG_ERR_NOTFOUND exactly as a missing one,
 * whatever the page cache holds, so a page cached before its document was
 * restricted is never served, and nothing is rendered for it.
 *
 * A page not yet in the cache (lib/index/pagecache.h) is drawn by a
 * renderer, a separate sandboxed process (`testigo-index --render-server`,
 * indexer/worker/pagerender.h), kept for the next pages: this library
 * never parses a document's bytes, so a hostile PDF costs that process,
 * never the caller.  A renderer is killed past opts.timeout.  After a render, the cache is kept
 * under its bound (tg_pagecache_evict: least recently used first).
 *
 * Statuses: TG_ERR_NOTFOUND (no such document, hidden, no page images for
 * its kind, no such page), TG_ERR_TIMEOUT (the renderer ran past its
 * time), TG_ERR_FORMAT (the renderer could not draw the page, or died: err
 * says why), TG_ERR_IO (the cache cannot be read or written); an index
 * error's status as tg_archive_get gives it. */
#ifndef TG_PAGES_H
#define TG_PAGES_H

#include <jansson.h>
#include <stdint.h>

#include "pagecache.h" /* the sizes: TG_PAGE_THUMB, TG_PAGE_SCREEN, TG_PAGE_PRINT */
#include "record.h"
#include "search.h"

typedef struct {
    const char *archive;  /* the archive folder */
    const char *renderer; /* path of testigo-index */
    double timeout;       /* wall seconds one render may take */
    unsigned mem_mb;      /* address space of the renderer, MB */
    uint64_t cache_max;   /* bytes the page cache may hold; 0: no bound */
    unsigned renderers;   /* renderer processes at most (1 to 16) */
} tg_pages_opts_t;

/* Shared by every thread of a server (its cache accounts are locked). */
typedef struct tg_pages tg_pages_t;

/* Copies opts.  Never fails. */
tg_pages_t *tg_pages_new(const tg_pages_opts_t *opts);
/* Accepts NULL. */
void tg_pages_free(tg_pages_t *p);

/* The number of pages a document with this record shows as images: its
 * pages for a PDF or an image (1 unless a multi-page TIFF), 0 for any
 * other kind. */
unsigned tg_record_page_images(const tg_record_t *rec);

/* Opens the PNG of page (1-based) of document sha, width pixels wide
 * (TG_PAGE_THUMB, TG_PAGE_SCREEN, TG_PAGE_PRINT), rendering it first if
 * it is not cached: *fd (the caller closes it) and *size.  *rendered (may
 * be NULL) says whether it had to be drawn. */
tg_status_t tg_archive_page_image(tg_archive_t *a, tg_pages_t *p, const char *sha, unsigned page,
                                  unsigned width, int *fd, uint64_t *size, int *rendered, char *err,
                                  size_t errlen);

/* The page's size and words: *out (the caller frees it) is
 *   {"pages": N, "page": n, "page_w": W, "page_h": H,
 *    "source": "layout" | "ocr" | "none", "words": [[x0, y0, x1, y1, "word"]...]}
 * in the page's units (PDF points, or pixels of the upright image), origin
 * top left. */
tg_status_t tg_archive_page_words(tg_archive_t *a, tg_pages_t *p, const char *sha, unsigned page,
                                  json_t **out, char *err, size_t errlen);

#endif
