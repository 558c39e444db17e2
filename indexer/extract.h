/* The extractor interface: every format Testigo reads is one function of
 * this signature, in its own file, and the only file that includes that
 * format's library (poppler for PDF, tesseract for images, ...).
 *
 * Extractors run inside worker processes under resource limits (see
 * worker.c), on a file in the archive's store (never on the user's file, which
 * may change while it is read).  They must not print: problems go into the
 * result's warnings, or into err when the whole file cannot be read. */
#ifndef TG_EXTRACT_H
#define TG_EXTRACT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "status.h"

/* Limits an extractor honours itself (the worker's process limits are the
 * backstop for those it cannot: time, memory). */
typedef struct {
    size_t max_text;    /* bytes of extracted text kept; the rest is dropped */
    unsigned max_pages; /* pages read from a paged document */
    /* The whole file's bytes when the worker already holds them (small
     * files, read while copying into the store), else NULL: extractors may
     * use them instead of reading the file again. */
    const char *content;
    size_t content_len;
} tg_extract_limits_t;

typedef struct {
    tg_buf_t text;     /* UTF-8; pages separated by '\f'; capped at max_text */
    unsigned pages;    /* number of pages for paged formats, else 0 */
    json_t *meta;      /* object: "title", "author", "subject", "keywords",
                        * "created", "modified" (ISO 8601) ... as found */
    char *date;        /* document date, ISO 8601, or NULL */
    char *date_source; /* where it came from, e.g. "pdf:CreationDate" */
    char *charset;     /* encoding the text was read in, for text files */
    json_t *warnings;  /* array of strings: what went wrong without failing */
} tg_extract_t;

void tg_extract_init(tg_extract_t *x, const tg_extract_limits_t *lim);
void tg_extract_free(tg_extract_t *x);
/* Appends a warning (printf-style). */
void tg_extract_warn(tg_extract_t *x, const char *fmt, ...) TG_PRINTF(2, 3);

/* Reads the file at path (of the detected mime type).  Returns TG_OK with x
 * filled in, or a failure status (TG_ERR_ENCRYPTED, TG_ERR_FORMAT, ...) with
 * the reason in err. */
typedef tg_status_t (*tg_extract_fn)(const char *path, const char *mime,
                                     const tg_extract_limits_t *lim, tg_extract_t *x, char *err,
                                     size_t errlen);

tg_status_t tg_extract_text(const char *path, const char *mime, const tg_extract_limits_t *lim,
                            tg_extract_t *x, char *err, size_t errlen);
tg_status_t tg_extract_pdf(const char *path, const char *mime, const tg_extract_limits_t *lim,
                           tg_extract_t *x, char *err, size_t errlen);

/* Chooses the extractor for a mime type: sets *kind (the short type name
 * used by type: queries, static) and returns the function, or NULL if the
 * type is not supported (*kind is then a best-effort name, "other"). */
tg_extract_fn tg_extractor_for(const char *mime, const char **kind);

#endif
