/* The extraction worker: a separate process (the indexer re-executed with
 * --worker) that takes one job at a time over a socket, copies the file into
 * the store, identifies and extracts it, and sends back a ready Xapian
 * document.  Everything that parses untrusted bytes runs here, under resource
 * limits, so that a hostile file can cost one worker and one file, never the
 * indexer or the archive. */
#ifndef TG_WORKER_H
#define TG_WORKER_H

#include <stddef.h>

/* Bumped whenever extraction improves, so that files which could not be
 * read, or were of an unsupported type, are tried again.
 *   1  text, PDF
 *   2  images and scanned PDF pages (OCR)
 *   3  web pages, Word and OpenDocument, .doc and RTF, e-mail and mbox
 *   4  other XML
 *   5  words cut by a hyphen at a line end joined (PDF text, OCR)
 *   6  pages that lie turned, found by OSD (their cached readings are
 *      judged by the OCR cache's own version, see ocrcache.h)
 *   7  a title from the first line when the document has none of its own;
 *      text marks, so that a snippet reads a window of a long text (a
 *      re-run does not re-extract what was indexed: --reextract does) */
#define TG_EXTRACTOR_VERSION 7

/* Seconds a page read by OCR may take beyond the OCR timeout (decoding,
 * rendering): each page gets max(--timeout, --ocr-timeout + this) of wall
 * clock and of CPU from the moment the worker announces it. */
#define TG_OCR_PAGE_SLACK 10.0

/* Text files up to this size are extracted before the indexer says "go"
 * (the worker does not wait for a round trip), and the indexer sends the
 * next job ahead behind them. */
#define TG_SPECULATE_MAX ((uint64_t)1 << 20)

/* Process limits a worker sets on itself at start. */
typedef struct {
    size_t mem_limit; /* bytes of address space (0: none) */
} tg_worker_limits_t;

/* Puts the calling process under the worker's process limits: no core
 * dumps, address space capped (but under AddressSanitizer).  The page
 * renderer (pagerender.h) runs under the same. */
void tg_worker_sandbox(const tg_worker_limits_t *lim);

/* Runs the worker loop on socket fd until the indexer closes it.  Returns the
 * process exit status. */
int tg_worker_main(int fd, const char *archive, const tg_worker_limits_t *lim);

#endif
