/* The pool of extraction worker processes.
 *
 * Each worker is this program re-executed with --worker on one end of a
 * socketpair: a fresh process image that shares nothing with the indexer but
 * the socket (not the open index, not its memory).  The pool starts them,
 * reports how one ended when it dies, kills one that overruns, and replaces
 * it.  What a worker is doing is the coordinator's business (dispatch.c). */
#ifndef TG_POOL_H
#define TG_POOL_H

#include <stddef.h>
#include <sys/types.h>

#include "status.h"

typedef struct {
    pid_t pid;
    int fd;          /* socket to the worker; -1 when not running */
    int errfd;       /* read end of the worker's stderr; -1 when not running */
    void *job;       /* the coordinator's job, NULL when idle */
    void *next;      /* a job sent ahead, waiting in the socket behind job */
    double deadline; /* tg_now() by which the current step must end; 0 none */
    double waited;   /* its seconds waiting for a CPU when last looked at */
} tg_worker_slot_t;

typedef struct {
    tg_worker_slot_t *w;
    unsigned n;
    char *archive;
    size_t mem_limit;
    char *exe; /* this program, resolved once (also right under valgrind) */
} tg_pool_t;

/* Starts n workers for the archive folder.  mem_limit (bytes, 0 for none)
 * is each worker's address-space limit. */
tg_status_t tg_pool_new(unsigned n, const char *archive, size_t mem_limit, tg_pool_t **out,
                        char *err, size_t errlen);
/* Closes every socket (workers exit on EOF) and waits for them. */
void tg_pool_free(tg_pool_t *p);
/* (Re)starts worker i. */
tg_status_t tg_pool_spawn(tg_pool_t *p, unsigned i, char *err, size_t errlen);
/* Kills worker i (SIGKILL), reaps it and restarts it. */
void tg_pool_kill(tg_pool_t *p, unsigned i);
/* Reaps worker i after its socket closed, describes how it ended in how,
 * and restarts it. */
void tg_pool_reap(tg_pool_t *p, unsigned i, char *how, size_t len);
/* Reads what worker i wrote to stderr so far (non-blocking), appending up
 * to cap bytes to out; the rest is dropped.  Returns 0 at EOF. */
int tg_pool_drain_stderr(tg_pool_t *p, unsigned i, char *out, size_t *len, size_t cap);
/* Resident memory of worker i, in bytes (0 if unknown). */
size_t tg_pool_rss(const tg_pool_t *p, unsigned i);

#endif
