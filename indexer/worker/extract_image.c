/* Images: PNG, JPEG, TIFF (every page), WebP, GIF, BMP, PNM, JPEG 2000.
 * The text comes from OCR (ocr.h, through the OCR cache); the photo's EXIF
 * (exif.h) turns it upright first and dates it, source
 * "exif:DateTimeOriginal", since an image file has no better date.
 *
 * An image with no text is still a document: indexed by its metadata
 * (type, date, camera, file name).  With OCR off (--no-ocr) every image is
 * that.  The file fails only when no page could be read at all (damaged,
 * too large, every page timed out); otherwise pages that failed are named
 * in warnings and in the record's "ocr" pages.
 *
 * Includes no outside library: leptonica and tesseract stay in ocr.c,
 * libexif in exif.c. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "exif.h"
#include "extract.h"
#include "util.h"

typedef struct {
    tg_image_t *im;
    unsigned page; /* 0-based */
    int orientation;
} image_page_t;

static tg_status_t run_page(void *ctx, tg_ocr_t *ocr, tg_ocr_page_t *out, char *err, size_t errlen)
{
    image_page_t *p = ctx;
    return tg_ocr_image_page(ocr, p->im, p->page, p->orientation, out, err, errlen);
}

tg_status_t tg_extract_image(const char *path, const char *mime, const tg_extract_limits_t *lim,
                             tg_extract_t *x, char *err, size_t errlen)
{
    (void)mime;
    tg_image_t *im = NULL;
    tg_image_info_t info;
    tg_status_t st = tg_image_open(path, &im, &info, err, errlen);
    if (st)
        return st;

    tg_exif_t exif;
    if (!strcmp(info.format, "jpeg") && tg_exif_read(path, &exif) == 0) {
        if (exif.date[0]) {
            json_object_set_new(x->meta, "created", json_string(exif.date));
            x->date = tg_xstrdup(exif.date);
            x->date_source = tg_xasprintf("exif:%s", exif.date_tag);
        }
        if (exif.camera[0])
            json_object_set_new(x->meta, "camera", json_string(exif.camera));
    } else {
        memset(&exif, 0, sizeof exif);
    }
    char dims[64];
    snprintf(dims, sizeof dims, "%d x %d", info.width, info.height);
    json_object_set_new(x->meta, "pixels", json_string(dims));

    unsigned pages = info.pages;
    if (pages > lim->max_pages) {
        tg_extract_warn(x, "%u pages: only the first %u are indexed", pages, lim->max_pages);
        pages = lim->max_pages;
    }
    if (pages > 1)
        x->pages = pages;
    if (!lim->ocr) {
        tg_extract_warn(x, "OCR is off (--no-ocr): only the image's metadata is indexed");
        x->ocr_skipped = 1;
        tg_image_close(im);
        return TG_OK;
    }

    tg_decode_info_t dinfo = {0};
    unsigned failed = 0;
    tg_status_t first = TG_OK;
    char why[512] = "";
    for (unsigned i = 0; i < pages && !dinfo.truncated; i++) {
        if (i > 0 && tg_buf_addc(&x->text, '\f')) {
            dinfo.truncated = 1;
            break;
        }
        image_page_t p = {.im = im, .page = i, .orientation = exif.orientation};
        char perr[512] = "";
        st = tg_extract_ocr_page(x, lim, i + 1, run_page, &p, &dinfo, perr, sizeof perr);
        if (st) {
            failed++;
            if (!first) {
                first = st;
                if (pages > 1)
                    tg_errf(why, sizeof why, "page %u: %s", i + 1, perr);
                else
                    tg_errf(why, sizeof why, "%s", perr);
            }
        }
    }
    tg_extract_ocr_done(x, lim);
    tg_image_close(im);
    if (dinfo.truncated)
        tg_extract_warn(x, "text truncated: only the first %zu MB are indexed",
                        lim->max_text >> 20);
    if (failed == pages && pages > 0) {
        tg_errf(err, errlen, "%s", why);
        return first;
    }
    return TG_OK;
}
