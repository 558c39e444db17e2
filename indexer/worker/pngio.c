/* PNG for page images (pngio.h) over libpng: the only file that includes
 * libpng and zlib (cairo and leptonica write PNG through it too, but
 * neither lets the caller choose its filter, and their defaults cost the
 * renderer more than drawing the page did; leptonica reads a PNG whole,
 * then copies it pixel by pixel into its own image).
 *
 * Settings, measured on the pages of bench/pagecost.py: the "up" filter
 * alone (a page's rows look like the rows above them: paper, lines of
 * text), zlib level 3 with its filtered strategy.  libpng's default tries
 * all five filters on every row and picks one by a heuristic, and level 6
 * searches longer matches; together they were three quarters of a text
 * page's render. */
#define _POSIX_C_SOURCE 200809L
#include "pngio.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
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

/* ==== Reading =============================================================== */

typedef struct {
    volatile int refused; /* begin() said no (read after a longjmp) */
} read_state_t;

tg_status_t tg_png_read(const char *path, const tg_png_reader_t *r, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        tg_errf(err, errlen, "cannot open %s", path);
        return TG_ERR_IO;
    }
    read_state_t state = {0};
    unsigned char *volatile line = NULL;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info)
        tg_oom();
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        free(line);
        fclose(f);
        if (state.refused) {
            tg_errf(err, errlen, "the PNG is too large to show");
            return TG_ERR_LIMIT;
        }
        tg_errf(err, errlen, "damaged PNG image: its pixels cannot be decoded");
        return TG_ERR_FORMAT;
    }
    png_init_io(png, f);
    /* the data's checksum is not worth its cost here: a damaged stream is
     * still caught by inflate, and the picture is only shown */
    png_set_option(png, PNG_IGNORE_ADLER32, PNG_OPTION_ON);
    png_read_info(png, info);
    png_uint_32 w = 0, h = 0;
    int depth = 0, ctype = 0, interlace = 0;
    png_get_IHDR(png, info, &w, &h, &depth, &ctype, &interlace, NULL, NULL);
    if (depth != 8 || (ctype != PNG_COLOR_TYPE_GRAY && ctype != PNG_COLOR_TYPE_RGB) ||
        interlace != PNG_INTERLACE_NONE || png_get_valid(png, info, PNG_INFO_tRNS) || !w || !h) {
        png_destroy_read_struct(&png, &info, NULL);
        fclose(f);
        tg_errf(err, errlen, "not a plain grey or RGB PNG");
        return TG_ERR_UNSUPPORTED;
    }
    int channels = ctype == PNG_COLOR_TYPE_GRAY ? 1 : 3;
    if (r->begin(r->ctx, w, h, channels)) {
        state.refused = 1;
        png_error(png, "refused");
    }
    line = malloc((size_t)w * (size_t)channels);
    if (!line)
        tg_oom();
    for (png_uint_32 y = 0; y < h; y++) {
        png_read_row(png, line, NULL);
        r->row(r->ctx, y, line);
    }
    png_destroy_read_struct(&png, &info, NULL);
    free(line);
    fclose(f);
    return TG_OK;
}
