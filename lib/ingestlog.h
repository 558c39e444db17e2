/* The archive's ingest log: ARCHIVE/log/ingest.jsonl, one JSON object per
 * line, one line per file event (added, updated, duplicate, unchanged,
 * skipped, error), appended forever.
 *
 * Events are held in memory and written by tg_ingestlog_flush, which the
 * indexer calls right after each index commit: the log then never claims an
 * event the index does not hold.  (A crash between the commit and the flush
 * loses those lines; the next run reports the files as unchanged.) */
#ifndef TG_INGESTLOG_H
#define TG_INGESTLOG_H

#include <jansson.h>

#include "status.h"

typedef struct tg_ingestlog tg_ingestlog_t;

tg_status_t tg_ingestlog_open(const char *path, tg_ingestlog_t **out, char *err, size_t errlen);
/* Flushes what is pending and closes; accepts NULL. */
void tg_ingestlog_close(tg_ingestlog_t *log);
/* Queues an event with "time" (ISO 8601) added in front; ev stays the
 * caller's. */
void tg_ingestlog_add(tg_ingestlog_t *log, json_t *ev);
/* Appends the queued events to the file and syncs it. */
tg_status_t tg_ingestlog_flush(tg_ingestlog_t *log);

#endif
