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
#include "ocr.h"
#include "ocrcache.h"
#include "status.h"
#include "text.h"

/* A file inside a document (an attachment of a message, a message of a
 * mail folder), handed to the worker to become a document of its own at
 * the location "container!/name". */
typedef struct {
    const char *name;   /* its name inside the container, UTF-8, no '/' */
    const void *data;   /* its bytes; NULL when it is not kept (see code) */
    size_t len;         /* bytes */
    int64_t mtime_ns;   /* its date if the container gives one, else 0 */
    const char *code;   /* why it is not kept ("limit", "corrupt"), else NULL */
    const char *reason; /* the same for people */
} tg_embedded_t;

/* Receives an embedded file; returns 0 to go on, non-zero when the
 * extractor must stop handing out files (the indexer is gone, or a limit
 * on their number was reached: a warning says so). */
typedef int (*tg_embed_fn)(void *ctx, const tg_embedded_t *e);

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
    /* OCR, for images and pages without text (PDF scans); see ocr.h */
    tg_ocr_t *ocr;             /* the worker's engine; NULL when OCR is off */
    tg_ocr_cache_t *ocr_cache; /* this content's cached OCR; NULL: no cache */
    void (*heartbeat)(void *); /* called before each page actually recognised, */
    void *heartbeat_ctx;       /* so the worker can extend its time budgets */
    /* Embedded files: NULL when the extractor is not to hand any out (it
     * then lists them in its text only). */
    tg_embed_fn embed;
    void *embed_ctx;
    uint64_t max_embedded; /* bytes of one embedded file; larger ones are not kept */
    unsigned max_embeds;   /* embedded files handed out per document */
    double timeout;        /* seconds an outside program (catdoc) may run */
} tg_extract_limits_t;

typedef struct {
    tg_buf_t text;            /* UTF-8; pages separated by '\f'; capped at max_text */
    unsigned pages;           /* number of pages for paged formats, else 0 */
    json_t *meta;             /* object: "title", "author", "subject", "keywords",
                               * "created", "modified" (ISO 8601) ... as found */
    char *date;               /* document date, ISO 8601, or NULL */
    char *date_source;        /* where it came from, e.g. "pdf:CreationDate" */
    char *charset;            /* encoding the text was read in, for text files */
    json_t *warnings;         /* array of strings: what went wrong without failing */
    json_t *ocr;              /* the record's "ocr" object (schema.h), or NULL when no
                               * page went through OCR */
    unsigned long ocr_calls0; /* tg_ocr_calls() before the first OCR page */
    unsigned long ocr_osd0;   /* tg_ocr_osd_calls() then */
    int ocr_skipped;          /* an image, or pages without text, that OCR would have
                               * read while it was off (--no-ocr) */
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
tg_status_t tg_extract_image(const char *path, const char *mime, const tg_extract_limits_t *lim,
                             tg_extract_t *x, char *err, size_t errlen);
tg_status_t tg_extract_html(const char *path, const char *mime, const tg_extract_limits_t *lim,
                            tg_extract_t *x, char *err, size_t errlen);
tg_status_t tg_extract_office(const char *path, const char *mime, const tg_extract_limits_t *lim,
                              tg_extract_t *x, char *err, size_t errlen);
tg_status_t tg_extract_legacy(const char *path, const char *mime, const tg_extract_limits_t *lim,
                              tg_extract_t *x, char *err, size_t errlen);
tg_status_t tg_extract_email(const char *path, const char *mime, const tg_extract_limits_t *lim,
                             tg_extract_t *x, char *err, size_t errlen);
tg_status_t tg_extract_xml(const char *path, const char *mime, const tg_extract_limits_t *lim,
                           tg_extract_t *x, char *err, size_t errlen);

/* ==== Helpers the extractors share ========================================= */

/* The first `cap` bytes of the file at path (lim->content when the worker
 * holds them): *data is malloc'd (NUL-terminated, the caller frees it),
 * *len its length, *total the file's size.  TG_ERR_IO with err on failure. */
tg_status_t tg_extract_slurp(const char *path, const tg_extract_limits_t *lim, size_t cap,
                             char **data, size_t *len, uint64_t *total, char *err, size_t errlen);

/* Bytes in a declared encoding (or none: declared NULL or "") to UTF-8,
 * appended to out by tg_text_decode_as, with a warning in x when the
 * declaration does not fit the bytes ("<who> declares charset <declared>
 * in <where>, which does not fit its bytes: read as <used>"; where may be
 * NULL) and one when invalid sequences were replaced.  Returns what
 * tg_text_decode_as returns; info says what was used. */
int tg_extract_decode(tg_extract_t *x, const char *data, size_t len, const char *declared,
                      const char *who, const char *where, tg_buf_t *out, tg_decode_info_t *info);

/* HTML to text (extract_html.c), for web pages and for the HTML bodies of
 * mail: the visible text of len bytes of HTML is appended to x->text (a
 * blank line first if x->text is not empty).  charset: the encoding
 * declared outside the document (a MIME charset parameter), which wins
 * over the document's own declaration; NULL if none.  With page set, the
 * page's metadata fills x->meta, x->date, x->date_source and x->charset
 * (see extract_html.c); without it only the text is taken.  Returns TG_OK,
 * or TG_ERR_FORMAT with err when nothing could be parsed. */
tg_status_t tg_html_to_text(const char *data, size_t len, const char *charset, int page,
                            tg_extract_t *x, char *err, size_t errlen);

/* ==== OCR, shared by the extractors of images and of PDF scans ============ */

/* Produces the text of one page on a cache miss: fills out (see ocr.h). */
typedef tg_status_t (*tg_ocr_run_fn)(void *ctx, tg_ocr_t *ocr, tg_ocr_page_t *out, char *err,
                                     size_t errlen);

/* Page n (1-based) of the document, through lim->ocr_cache: a cached page
 * is taken as it is; otherwise lim->heartbeat is called and then run.  The
 * text is appended to x->text (info notes truncation and replacements) and
 * the page is recorded in x->ocr.  Returns TG_OK, or why the page has no
 * text (TG_ERR_TIMEOUT, TG_ERR_LIMIT, ...: err says it, and a warning
 * naming the page is added).  lim->ocr must not be NULL. */
tg_status_t tg_extract_ocr_page(tg_extract_t *x, const tg_extract_limits_t *lim, unsigned n,
                                tg_ocr_run_fn run, void *ctx, tg_decode_info_t *info, char *err,
                                size_t errlen);
/* After the last page: completes x->ocr (pages recognised now, pages taken
 * from the cache) and saves the cache. */
void tg_extract_ocr_done(tg_extract_t *x, const tg_extract_limits_t *lim);

/* Chooses the extractor for a mime type: sets *kind (the short type name
 * used by type: queries, static) and returns the function, or NULL if the
 * type is not supported (*kind is then a best-effort name, "other"). */
tg_extract_fn tg_extractor_for(const char *mime, const char **kind);

#endif
