/* Page images: a page of a PDF or of an image drawn as a PNG at a given
 * width, and the boxes of the words on it, for the web's page view
 * (docs/pages.md).  Runs only in a sandboxed process (the renderer mode of
 * testigo-index, `--render-page`, or a worker with --render-pages): these
 * parse hostile bytes.
 *
 * Coordinates.  A page is page_w x page_h units: PDF points for a PDF page,
 * pixels of the upright image for an image.  Word boxes are in the same
 * units, origin top left, so a viewer scales both alike.
 *
 * Statuses: TG_ERR_INVALID (no such page), TG_ERR_FORMAT (not readable),
 * TG_ERR_LIMIT (larger than the pixel limit), TG_ERR_ENCRYPTED; err says
 * why. */
#ifndef TG_PAGERENDER_H
#define TG_PAGERENDER_H

#include <jansson.h>
#include <stdint.h>

#include "buf.h"
#include "status.h"
#include "store.h"

typedef struct {
    unsigned pages;        /* pages of the document */
    double page_w, page_h; /* the page's size, in its units (above) */
    int width, height;     /* of the PNG, in pixels */
    json_t *words;         /* [[x0, y0, x1, y1, "word"], ...] from the text layer;
                            * NULL when the page has none (the caller frees) */
} tg_page_render_t;

/* Renders page (1-based) of the PDF at path width pixels wide (scaled down
 * to max_pixels) into png (a PNG file), and reads its words from poppler's
 * text layout.  With png NULL only the words and sizes are read. */
tg_status_t tg_pdf_render_page(const char *path, unsigned page, unsigned width, uint64_t max_pixels,
                               tg_buf_t *png, tg_page_render_t *out, char *err, size_t errlen);

/* Renders page (1-based; a multi-page TIFF has several) of the image at
 * path, turned upright by EXIF orientation (1..8, 0 when unknown), width
 * pixels wide (never wider than the image) into png.  The pixel limit is
 * checked from the header before anything is decoded. */
tg_status_t tg_image_render_page(const char *path, unsigned page, int orientation, unsigned width,
                                 uint64_t max_pixels, tg_buf_t *png, tg_page_render_t *out,
                                 char *err, size_t errlen);

/* Renders page (1-based) of the original sha of kind ("pdf" or "image")
 * width pixels wide into the page cache of store's archive, with its words;
 * *pages (may be NULL) gets the document's page count. */
tg_status_t tg_page_render_one(tg_store_t *store, const char *sha, const char *kind, unsigned page,
                               unsigned width, unsigned *pages, char *err, size_t errlen);

/* The renderer modes: `testigo-index --render-server ARCHIVE [MEM_MB]`
 * (argv[0] "--render-server": requests "SHA KIND PAGE WIDTH" a line on
 * standard input, answers "ok" or "fail STATUS: REASON" a line on standard
 * output, until its input ends), and `testigo-index --render-page ARCHIVE
 * SHA KIND PAGE WIDTH [MEM_MB]` (argv[0] "--render-page"): one page, exit
 * 0, or the reason on standard output and exit 1 (2 for bad arguments).
 * Both put themselves under the worker's limits first, and draw into the
 * archive's page cache (lib/index/pagecache.h), with the page's words. */
int tg_page_render_main(int argc, char **argv);

#endif
