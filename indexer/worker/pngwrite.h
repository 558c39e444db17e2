/* Page images written as PNG, fast: the renderer's one PNG encoder
 * (pagerender.h), for a PDF page drawn by cairo and an image decoded by
 * leptonica alike.  A page image is written once and viewed many times, but
 * its first view waits for it: so one fixed filter and a low zlib level
 * instead of libpng's adaptive filters at level 6 (docs/pages.md,
 * "Measured", for the cost and size of each), and a grey page written as
 * grey. */
#ifndef TG_PNGWRITE_H
#define TG_PNGWRITE_H

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

#endif
