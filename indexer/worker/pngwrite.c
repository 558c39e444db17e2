/* The PNG encoder of page images (pngwrite.h) over libpng: the only file
 * that includes libpng (cairo and leptonica write PNG through it too, but
 * neither lets the caller choose its filter, and their defaults cost the
 * renderer more than drawing the page did).
 *
 * Settings, measured on the pages of bench/pagecost.py: the "up" filter
 * alone (a page's rows look like the rows above them: paper, lines of
 * text), zlib level 3 with its filtered strategy.  libpng's default tries
 * all five filters on every row and picks one by a heuristic, and level 6
 * searches longer matches; together they were three quarters of a text
 * page's render. */
#define _POSIX_C_SOURCE 200809L
#include "pngwrite.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <zlib.h>

#include "util.h"

#define PNG_LEVEL 3

typedef struct {
    tg_buf_t *out;
    volatile int full; /* out's cap was reached (read after a longjmp) */
} sink_t;

static void sink_write(png_structp png, png_bytep data, size_t len)
{
    sink_t *s = png_get_io_ptr(png);
    if (tg_buf_add(s->out, data, len)) {
        s->full = 1;
        png_error(png, "the page image is larger than its cap");
    }
}

static void sink_flush(png_structp png)
{
    (void)png;
}

static void on_error(png_structp png, png_const_charp msg)
{
    (void)msg;
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

tg_status_t tg_png_write(tg_buf_t *out, unsigned width, unsigned height, int channels,
                         tg_png_row_fn row, void *ctx, char *err, size_t errlen)
{
    if (!width || !height || width > 1u << 16 || height > 1u << 16 ||
        (channels != 1 && channels != 3)) {
        tg_errf(err, errlen, "bad page image size %u x %u", width, height);
        return TG_ERR_INVALID;
    }
    sink_t sink = {out, 0};
    unsigned char *line = malloc((size_t)width * (size_t)channels);
    if (!line)
        tg_oom();
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info)
        tg_oom();
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(line);
        tg_errf(err, errlen,
                sink.full ? "the page image is larger than its cap"
                          : "the page image cannot be written");
        return sink.full ? TG_ERR_LIMIT : TG_ERR_IO;
    }
    png_set_write_fn(png, &sink, sink_write, sink_flush);
    png_set_IHDR(png, info, width, height, 8,
                 channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
    png_set_compression_level(png, PNG_LEVEL);
    png_set_compression_strategy(png, Z_FILTERED);
    png_write_info(png, info);
    for (unsigned y = 0; y < height; y++) {
        row(ctx, y, line);
        png_write_row(png, line);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(line);
    return TG_OK;
}
