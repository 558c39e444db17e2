/* PNG for page images, fast: the renderer's one PNG encoder (pagerender.h),
 * for a PDF page drawn by cairo and an image decoded by leptonica alike, and
 * a reader of the plain kinds of PNG (a scanner's grey or colour page) that
 * hands over rows as they are decoded, so a large scan can be reduced
 * while it is read instead of after.  A page image is written once and viewed many times, but
 * its first view waits for it: so one fixed filter and a low zlib level
 * instead of libpng's adaptive filters at level 6 (docs/pages.md,
 * "Measured", for the cost and size of each), and a grey page written as
 * grey. */
#ifndef TG_PNGIO_H
#define TG_PNGIO_H

#include <stddef.h>

#include "buf.h"
#include "status.h"

/* Fills row y (0-based, asked for in order) of the image: width bytes of
 * grey, or width x 3 of red, green, blue. */
typedef void (*tg_png_row_fn)(void *ctx, unsigned y, unsigned char *row);

/* Appends to out a PNG of width x height 8-bit pixels, grey (channels 1) or
 * RGB (3), whose rows row() gives.  TG_ERR_LIMIT when out's cap is reached,
 * TG_ERR_INVALID for a bad size; err says why. */
tg_status_t tg_png_write(tg_buf_t *out, unsigned width, unsigned height, int channels,
                         tg_png_row_fn row, void *ctx, char *err, size_t errlen);

/* The rows of a PNG, as they are decoded: begin() is told the size and
 * channels (1 grey, 3 RGB) first and may refuse (nonzero: the read stops,
 * TG_ERR_LIMIT); then row() gets each row (width x channels bytes) in
 * order. */
typedef struct {
    int (*begin)(void *ctx, unsigned width, unsigned height, int channels);
    void (*row)(void *ctx, unsigned y, const unsigned char *row);
    void *ctx;
} tg_png_reader_t;

/* Reads the PNG at path through r when it is 8-bit grey or RGB, not
 * interlaced, with no transparency; TG_ERR_UNSUPPORTED, before any
 * callback, for any other PNG (the caller decodes it otherwise);
 * TG_ERR_FORMAT when it is damaged (rows may have been handed over), TG_ERR_IO
 * when it cannot be opened. */
tg_status_t tg_png_read(const char *path, const tg_png_reader_t *r, char *err, size_t errlen);

#endif
