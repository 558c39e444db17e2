/* The extraction worker: a separate process (the indexer re-executed with
 * --worker) that takes one job at a time over a socket, copies the file into
 * the store, identifies and extracts it, and sends back a ready Xapian
 * document.  Everything that parses untrusted bytes runs here, under resource
 * limits, so that a hostile file can cost one worker and one file, never the
 * indexer or the archive. */
#ifndef TG_WORKER_H
#define TG_WORKER_H

#include <stddef.h>

#include "proto.h"

/* The protocol's constants (TG_EXTRACTOR_VERSION, TG_OCR_PAGE_SLACK,
 * TG_SPECULATE_MAX) are in proto.h, shared with the coordinator. */

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
