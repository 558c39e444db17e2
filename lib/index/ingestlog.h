/* The archive's ingest log: ARCHIVE/log/ingest.jsonl, one JSON object per
 * line, one line per file event (added, updated, duplicate, unchanged,
 * skipped, error), appended forever.
 *
 * Events are held in memory and written by tg_ingestlog_flush, which the
 * indexer calls right after each index commit: the log then never claims an
 * event the index does not hold.  (A crash between the commit and the flush
 * loses those lines; the next run reports the files as unchanged.)
 *
 * Tamper evidence: every line carries "prev", the SHA-256 (hex) of the
 * previous line's bytes (without its newline); the first line's "prev" is
 * the SHA-256 of the empty string.  The chain continues across runs: opening
 * the log hashes its last line.  Editing, inserting or deleting a line breaks
 * the link of the line after it.  Deleting the last lines leaves no link to
 * break, so the indexer also records the head (hash of the last line) and the
 * log's length in the index at every commit (tg_ingestlog_head), and
 * tg_ingestlog_verify checks the log against them.  Lines written before the
 * chain existed (no "prev") are accepted only at the start, and counted. */
#ifndef TG_INGESTLOG_H
#define TG_INGESTLOG_H

#include <jansson.h>
#include <stdint.h>

#include "hash.h"
#include "status.h"

typedef struct tg_ingestlog tg_ingestlog_t;

tg_status_t tg_ingestlog_open(const char *path, tg_ingestlog_t **out, char *err, size_t errlen);
/* Flushes what is pending and closes; accepts NULL. */
void tg_ingestlog_close(tg_ingestlog_t *log);
/* Queues an event with "time" (ISO 8601) added in front and "prev" at the
 * end; ev stays the caller's. */
void tg_ingestlog_add(tg_ingestlog_t *log, json_t *ev);
/* Appends the queued events to the file and syncs it. */
tg_status_t tg_ingestlog_flush(tg_ingestlog_t *log);
/* The bytes queued so far (a mark for tg_ingestlog_flush_to). */
size_t tg_ingestlog_queued(const tg_ingestlog_t *log);
/* Appends and syncs the first `mark` bytes queued (a value of
 * tg_ingestlog_queued since the last flush): the events of a commit, while
 * the events after it wait for theirs. */
tg_status_t tg_ingestlog_flush_to(tg_ingestlog_t *log, size_t mark);
/* The head of the chain (hash of the last line, queued lines included) and
 * the length in bytes the log will have once the queue is flushed. */
void tg_ingestlog_head(const tg_ingestlog_t *log, char hex[TG_SHA256_HEX_LEN + 1], uint64_t *bytes);
/* Checks that the log file, as opened, still holds the line the index
 * recorded as its head at byte length `bytes`.  TG_OK if so; TG_ERR_CORRUPT
 * with the reason in err if not (lines removed or altered since). */
tg_status_t tg_ingestlog_check_head(const tg_ingestlog_t *log, const char *head, uint64_t bytes,
                                    char *err, size_t errlen);

/* The outcome of tg_ingestlog_verify. */
typedef struct {
    uint64_t lines;       /* lines read */
    uint64_t unchained;   /* lines at the start without "prev" (older Testigo) */
    uint64_t broken_line; /* first line found wrong (1-based), 0 if none */
    char reason[512];     /* what is wrong with it */
} tg_logcheck_t;

/* Checks the whole chain of the log at path and, if head is not NULL, that
 * the line ending at byte `bytes` hashes to head (what the index recorded).
 * TG_OK if the check ran (out->broken_line says whether the log is intact);
 * TG_ERR_IO if the log cannot be read (err says why; a missing log with a
 * recorded head is a broken log, not an I/O error). */
tg_status_t tg_ingestlog_verify(const char *path, const char *head, uint64_t bytes,
                                tg_logcheck_t *out, char *err, size_t errlen);

#endif
