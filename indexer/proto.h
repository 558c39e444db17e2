/* Messages between the indexer and its extraction workers.
 *
 * A message is a frame: a 12-byte header (magic "TGM1", header length, payload
 * length, both little-endian u32), a JSON object (the header: its "type"
 * says what the message is), and an optional binary payload (a serialised
 * Xapian document).  Frames travel over a socketpair; each side reads whole
 * frames with a size cap, so a confused or hostile peer can cost at most one
 * cap's worth of memory.
 *
 * The conversation for one file (docs/protocol.md):
 *   indexer -> worker   {"type":"job", "id", "name", "names", ...limits, "ocr"}
 *                       + the path (raw bytes); "name": the location's file
 *                       name (UTF-8), "names": the names list's path or absent
 *   worker  -> indexer  {"type":"hashed", "id", "sha256", "size", "mime", "kind"}
 *   indexer -> worker   {"type":"go"} or {"type":"skip"}
 *   worker  -> indexer  {"type":"progress", "id"}, before each page it
 *                       recognises with OCR (zero or more times)
 *   worker  -> indexer  {"type":"doc", "id", "record"} + the serialised text
 *                       part of the document (compose.h; the writer composes
 *                       the record part)
 *                   or  {"type":"fail", "id", "status", "reason"}
 * A bundle's "go" also carries its limits and what is left of its top-level
 * file's budget ("tree_bytes", "tree_members", "tree_cpu"); while reading
 * it the worker sends {"type":"entry", "id", "index", "name", "size"} as each
 * member starts and {"type":"member", ..., "sha256" or "code"/"reason",
 * "expanded", "cpu"} when it is stored (a document's embedded files are
 * sent as "member" too); the bundle's "doc" then has "unpack": {"expanded",
 * "cpu", "budget" (which budget stopped it, if one did)}.
 * A job's "ocr" member, {"lang", "timeout" (seconds per page), "max_pixels"},
 * carries the OCR options; when it is absent, OCR is off (--no-ocr).  A
 * "progress" gives the job a fresh wall-clock deadline (dispatch.c).
 * A worker handles one job at a time; running N workers is running N of
 * these conversations side by side.  docs/protocol.md describes it all.
 *
 * This is the only header the coordinator (indexer/coordinator/) and the
 * workers (indexer/worker/) share: each side compiles with its own folder's
 * include path only (Makefile, scripts/check-includes.sh). */
#ifndef TG_PROTO_H
#define TG_PROTO_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

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

/* Text files and PDFs up to this size are extracted before the indexer
 * says "go" (the worker does not wait for a round trip), and the indexer
 * sends the next job ahead behind them.  A PDF's pages without text are
 * not read by OCR ahead: if it has some and OCR is on, it is extracted
 * again once the answer is "go". */
#define TG_SPECULATE_MAX ((uint64_t)1 << 20)

/* Kinds (the "kind" of a "hashed" message: the short type name the
 * worker's extractor table gives) the coordinator acts on. */
#define TG_KIND_TEXT    "text"    /* small ones are extracted ahead (above) */
#define TG_KIND_PDF     "pdf"     /* so are small PDFs, OCR left for after */
#define TG_KIND_ARCHIVE "archive" /* a bundle: read member by member */

/* 1 if a file of this kind and size is extracted ahead (TG_SPECULATE_MAX). */
int tg_kind_ahead(const char *kind, uint64_t size);

/* 1 if documents of this kind may hold embedded files (a mail, a mail
 * folder: "email", "mbox"), sent as "member" messages while the document
 * is extracted; the coordinator extracts such a document again at each new
 * location, since its embedded files need that location too (as the
 * members of a bundle do). */
int tg_kind_embeds(const char *kind);

/* Largest JSON header accepted. */
#define TG_PROTO_MAX_HEADER (16u << 20)

/* Sends a frame; payload may be NULL.  TG_ERR_IO if the peer is gone. */
tg_status_t tg_msg_send(int fd, const json_t *header, const void *payload, size_t len);
/* Receives a frame (blocking).  *header is owned by the caller; *payload is
 * malloc'd or NULL.  TG_ERR_IO on EOF or error (errno 0 for a clean EOF),
 * TG_ERR_LIMIT if the payload is larger than max_payload, TG_ERR_FORMAT if the
 * frame is malformed. */
tg_status_t tg_msg_recv(int fd, size_t max_payload, json_t **header, char **payload, size_t *len);

#endif
