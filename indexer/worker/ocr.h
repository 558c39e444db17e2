/* OCR: reading images and recognising their text.
 *
 * Two sources of pixels: an image file (PNG, JPEG, TIFF including
 * multi-page, WebP, GIF, BMP, PNM, JPEG 2000), decoded here; or a raw pixel
 * buffer someone else drew (a PDF page rendered by the PDF extractor).  Both
 * end in the same recogniser.  No type of the underlying libraries
 * (tesseract, leptonica) appears in this interface.
 *
 * Pages that lie turned (on their side, upside down) are found and read
 * turned back: see "Orientation" in ocr.c.  That needs tesseract's OSD
 * model (osd.traineddata, Debian's tesseract-ocr-osd); without it pages are
 * read as they come, and the pages it would have checked say so
 * (orientation_unchecked).
 *
 * An engine is made once per worker process and kept: loading the language
 * models costs far more than a small image.  It is single-threaded by
 * design (the indexer runs one engine per worker process; OMP_THREAD_LIMIT=1
 * is set in the workers' environment).
 *
 * Statuses: TG_ERR_LIMIT (image larger than the pixel limit: nothing was
 * decoded), TG_ERR_TIMEOUT (recognition stopped at the page deadline),
 * TG_ERR_FORMAT (not a decodable image), TG_ERR_UNSUPPORTED (an image
 * format this build cannot decode), TG_ERR_NOTFOUND (the OCR languages
 * cannot be loaded).  err always says which and why. */
#ifndef TG_OCR_H
#define TG_OCR_H

#include <stddef.h>
#include <jansson.h>
#include <stdint.h>

#include "status.h"

typedef struct {
    const char *lang;    /* tesseract languages, "spa+eng" (copied) */
    double timeout;      /* seconds to recognise one page; 0 for none */
    uint64_t max_pixels; /* larger pages are refused; 0 for none */
} tg_ocr_opts_t;

typedef struct tg_ocr tg_ocr_t;

/* Makes an engine.  The models are loaded at the first page, so an engine
 * that never sees an image costs nothing.  Never fails. */
tg_ocr_t *tg_ocr_new(const tg_ocr_opts_t *opts);
/* Changes the settings; a change of languages reloads the models at the
 * next page. */
void tg_ocr_set_opts(tg_ocr_t *o, const tg_ocr_opts_t *opts);
/* Accepts NULL. */
void tg_ocr_free(tg_ocr_t *o);
const tg_ocr_opts_t *tg_ocr_opts(const tg_ocr_t *o);
/* Readings the recogniser has run since the engine was made (what the OCR
 * cache saves; tests and the ingest log observe it).  A page read twice,
 * once turned, counts twice. */
unsigned long tg_ocr_calls(const tg_ocr_t *o);
/* Orientation checks (tesseract's OSD) run since the engine was made. */
unsigned long tg_ocr_osd_calls(const tg_ocr_t *o);
/* 1 if the engine can check a page's orientation (osd.traineddata is
 * installed beside the language models).  Loads the models if they are not
 * yet loaded (the first call may take a second); 0 when they cannot be. */
int tg_ocr_can_check_orientation(tg_ocr_t *o);
/* "tesseract 5.3.0": the engine's name and version. */
const char *tg_ocr_engine(void);

/* A first reading whose mean word confidence is below this (or that found
 * no words) reads badly: the page's orientation is then checked, and the
 * page read again turned if that reads better. */
#define TG_OCR_RECHECK_CONFIDENCE 75

/* The text of one page. */
typedef struct {
    char *text;                /* UTF-8, malloc'd (possibly ""); NULL after a failure */
    int confidence;            /* mean word confidence, 0..100; -1 when no words */
    int blank;                 /* the page has no ink at all: not recognised */
    int damaged;               /* the image was decoded despite errors (a truncated
                                * JPEG): what could be decoded was read */
    int rotation;              /* 0, or 90, 180, 270: the page lay turned that many
                                * degrees clockwise (after EXIF) and was read turned
                                * back */
    int orientation_unchecked; /* the page may lie turned, but there was no
                                * OSD model to check it: read as it came */
    json_t *words;             /* [[x0, y0, x1, y1, "word"]...]: the boxes of the
                                * words read, in pixels of the page as it was
                                * given (before any turn OCR made), origin top
                                * left; NULL when none (freed by
                                * tg_ocr_page_free) */
    int words_w, words_h;      /* the page's size those boxes are in */
} tg_ocr_page_t;

void tg_ocr_page_free(tg_ocr_page_t *p);

/* ==== Image files ======================================================== */

typedef struct tg_image tg_image_t;

typedef struct {
    unsigned pages;     /* 1, or the number of pages of a multi-page TIFF */
    int width, height;  /* of the first page, in pixels */
    const char *format; /* "png", "jpeg", "tiff", ... (static) */
} tg_image_info_t;

/* Reads an image file's header (never its pixels).  TG_ERR_FORMAT or
 * TG_ERR_UNSUPPORTED with err when it is not an image this build decodes. */
tg_status_t tg_image_open(const char *path, tg_image_t **out, tg_image_info_t *info, char *err,
                          size_t errlen);
/* Accepts NULL. */
void tg_image_close(tg_image_t *im);

/* Recognises page i (0-based) of an image file.  orientation is the EXIF
 * orientation (1..8; 0 when unknown): the page is turned upright before
 * recognition.  Without one, a quick look at the page's text lines decides
 * whether OSD checks it first; either way a page that reads badly is
 * checked afterwards (see ocr.c).  The pixel limit is checked from the header, before
 * anything is decoded.  out is filled on TG_OK (the caller frees it). */
tg_status_t tg_ocr_image_page(tg_ocr_t *o, tg_image_t *im, unsigned i, int orientation,
                              tg_ocr_page_t *out, char *err, size_t errlen);

/* ==== Raw pixels ========================================================= */

typedef enum {
    TG_PIXELS_GRAY8 = 1,  /* one byte per pixel, 0 black .. 255 white */
    TG_PIXELS_XRGB32 = 2, /* native-endian 32-bit words 0xXXRRGGBB (cairo's RGB24) */
} tg_pixel_format_t;

/* Recognises a page of pixels: width x height, rows stride bytes apart,
 * drawn at dpi (0 if unknown).  The buffer is only read, and not kept. */
tg_status_t tg_ocr_pixels(tg_ocr_t *o, const unsigned char *data, int width, int height,
                          size_t stride, tg_pixel_format_t format, int dpi, tg_ocr_page_t *out,
                          char *err, size_t errlen);

#endif
