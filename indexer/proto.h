/* Messages between the indexer and its extraction workers.
 *
 * A message is a frame: a 12-byte header (magic "TGM1", header length, payload
 * length, both little-endian u32), a JSON object (the header: its "type"
 * says what the message is), and an optional binary payload (a serialised
 * Xapian document).  Frames travel over a socketpair; each side reads whole
 * frames with a size cap, so a confused or hostile peer can cost at most one
 * cap's worth of memory.
 *
 * The conversation for one file (see docs/architecture.md):
 *   indexer -> worker   {"type":"job", "id", "name", "names", ...limits, "ocr"}
 *                       + the path (raw bytes); "name": the location's file
 *                       name (UTF-8), "names": the names list's path or absent
 *   worker  -> indexer  {"type":"hashed", "id", "sha256", "size"}
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
 * "progress" gives the job a fresh wall-clock deadline (ingest.c).
 * A worker handles one job at a time; running N workers is running N of
 * these conversations side by side. */
#ifndef TG_PROTO_H
#define TG_PROTO_H

#include <jansson.h>
#include <stddef.h>

#include "status.h"

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
