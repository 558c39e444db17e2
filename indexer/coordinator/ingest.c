/* The ingest coordinator and single writer (see ingest.h): the run's life
 * cycle and its loop.  The other files of the coordinator each do one part
 * of the work (ingestint.h lists them); this one opens the archive, starts
 * the workers, runs the loop, and closes everything in order.
 *
 * One loop: keep every worker busy with the next job (members of bundles
 * first, then the next file of the walk), wait (poll) for messages, worker
 * deaths and deadlines, and apply what comes back.  Only this process writes
 * the index, and it is never blocked on a worker for longer than one message
 * transfer.  While many members are queued, bundle readers are not listened
 * to, so their sockets fill and they wait: memory stays bounded.
 *
 * Per file, the decisions are:
 *   walk:    the location's metadata says same size and mtime, and the last
 *            attempt succeeded            -> "unchanged", no worker at all
 *                                            (intake.c)
 *   hashed:  empty content                -> "skipped" (empty)
 *            same content already being extracted by another worker
 *                                         -> wait for it, then "duplicate"
 *            content already indexed      -> attach the location:
 *                                            "duplicate" / "updated" /
 *                                            "unchanged" (only mtime moved)
 *            a bundle at a new location   -> read it (its members too need
 *                                            their locations)
 *            otherwise                    -> extract       (dispatch.c)
 *   doc:     the document is written with all its locations -> "added" /
 *            "updated"; or "error" if extraction failed (the original is
 *            still indexed, without text), "skipped" if its type is not
 *            supported                                          (apply.c)
 *   death:   timeout, memory, crash       -> "error"; a text-less document
 *            is written for the original if it reached the store
 * With --reextract, known contents are extracted again (once per run) instead
 * of being taken as they are; their OCR then comes from the OCR cache.
 *
 * A location whose content changed is detached from its old document, and a
 * document left without locations is deleted from the index (its original
 * stays in the store).  Bundles: container.c; durability: commit.c.
 *
 * Must never: parse a document's bytes (workers do), or include a worker's
 * header (scripts/check-includes.sh). */
#define _GNU_SOURCE
#include "ingest.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingestint.h"
#include "recordjson.h"
#include "personterms.h"
#include "schema.h"

volatile int tg_ingest_stop = 0;

/* ==== The run ============================================================= */

void tg_ingest_counts_free(tg_ingest_counts_t *c)
{
    json_decref(c->skipped_by);
    json_decref(c->errors_by);
    c->skipped_by = c->errors_by = NULL;
}

/* Lines removed from the end of the log or altered since the last commit
 * would be hidden by the lines this run appends: say so now, in the log
 * itself too (the chain then holds the warning). */
static void check_log(ing_t *g)
{
    char *v = NULL;
    size_t len = 0;
    if (tg_db_get_meta(g->db, TG_META_LOG_HEAD, &v, &len) || !v)
        return;
    json_t *j = tg_json_parse_object(v, len);
    free(v);
    const char *head = j ? tg_rec_str(j, "head") : NULL;
    char why[512];
    if (head && tg_ingestlog_check_head(g->log, head, (uint64_t)tg_rec_int(j, "bytes", 0), why,
                                        sizeof why) == TG_ERR_CORRUPT) {
        fprintf(stderr,
                "testigo-index: warning: the ingest log does not match the index: %s "
                "(run testigo-index --verify)\n",
                why);
        json_t *ev =
            json_pack("{s:s, s:s, s:s}", "event", "warning", "code", "log altered", "reason", why);
        tg_ingestlog_add(g->log, ev);
        json_decref(ev);
        g->dirty = 1;
    }
    json_decref(j);
}

/* Documents keep the persons found when they were indexed (docs/schema.md):
 * when this run's names list is not the one the last run used, say what
 * that means for the documents already there.  The archive remembers the
 * list by its SHA-256 ("none" without one), committed with the run. */
static void names_notice(ing_t *g)
{
    char digest[TG_SHA256_HEX_LEN + 1] = "none";
    if (g->o->names && tg_sha256_file(g->o->names, digest))
        return; /* read before the run began; gone since: nothing to say */
    char *was = NULL;
    unsigned docs = 0;
    if (tg_db_get_meta(g->db, TG_META_NAMES, &was, NULL) || tg_db_doccount(g->db, &docs)) {
        free(was);
        return;
    }
    const char *before = was ? was : "none";
    int changed = strcmp(before, digest) != 0;
    if (docs > 0 && !g->o->reextract && changed) {
        if (g->o->names)
            fprintf(stderr,
                    "testigo-index: names list: the last run had %s; the %u documents already "
                    "in the archive keep the persons found when they were indexed (run with "
                    "--reextract to apply this list to them)\n",
                    strcmp(before, "none") ? "another one" : "none", docs);
        else
            fprintf(stderr,
                    "testigo-index: no names list this run: the last run had one (--names); "
                    "files indexed now are matched only by the shape of names\n");
    }
    free(was);
    if (changed) {
        tg_db_set_meta(g->db, TG_META_NAMES, digest, strlen(digest));
        g->dirty = 1;
    }
    /* the list's persons, for resolution across the archive (also when an
     * earlier version recorded only the list's digest) */
    char *keys = NULL;
    if (g->o->names &&
        (changed || (!tg_db_get_meta(g->db, TG_META_NAMES_KEYS, &keys, NULL) && !keys))) {
        tg_names_store_keys(g->db, g->o->names);
        g->dirty = 1;
    }
    free(keys);
}

static tg_status_t open_all(ing_t *g, char *err, size_t errlen)
{
    tg_status_t st = tg_store_open(g->o->archive, 1, &g->store, err, errlen);
    if (st)
        return st == TG_ERR_NOTFOUND ? TG_ERR_INVALID : st;
    /* the store's flushes overlap the run instead of stopping it at each
     * commit (commit.c) */
    tg_store_sync_ahead(g->store, 1);
    char xerr[512];
    st = tg_db_open(tg_store_index_dir(g->store), TG_DB_WRITE_BEHIND, &g->db, xerr, sizeof xerr);
    if (st == TG_ERR_LOCKED) {
        tg_errf(err, errlen, "%s is being indexed by another testigo-index", g->o->archive);
        return st;
    }
    if (st) {
        tg_errf(err, errlen, "cannot open the index in %s: %s", g->o->archive, xerr);
        return st;
    }
    char *v = NULL;
    if (tg_db_get_meta(g->db, "testigo.schema", &v, NULL) == TG_OK && v &&
        strcmp(v, TG_SCHEMA_VERSION) != 0) {
        tg_errf(err, errlen, "%s uses index schema %s; this testigo-index writes schema %s",
                g->o->archive, v, TG_SCHEMA_VERSION);
        free(v);
        return TG_ERR_CORRUPT;
    }
    free(v);
    tg_db_set_meta(g->db, "testigo.schema", TG_SCHEMA_VERSION, strlen(TG_SCHEMA_VERSION));
    unsigned moved;
    if (tg_loc_migrate(g->db, &moved)) {
        tg_errf(err, errlen, "cannot read the locations in %s: %s", g->o->archive,
                tg_db_error(g->db));
        return TG_ERR_XAPIAN;
    }
    if (moved)
        g->dirty = 1; /* committed with the run's first batch */
    names_notice(g);
    st = tg_ingestlog_open(tg_store_log_path(g->store), &g->log, err, errlen);
    if (st)
        return st;
    check_log(g);
    return tg_pool_new(g->o->jobs, g->o->archive, g->o->mem_limit, &g->pool, err, errlen);
}

/* Counts the files under the roots (for the progress line's total): a
 * quick readdir pass that trusts d_type, bounded like the walk itself. */
static uint64_t count_files(char *const *paths, int n, dev_t skip_dev, ino_t skip_ino)
{
    uint64_t total = 0;
    tg_walk_t *w = tg_walk_new(paths, n, skip_dev, skip_ino);
    tg_walk_entry_t e;
    while (!tg_ingest_stop && tg_walk_next(w, &e))
        total++;
    tg_walk_free(w);
    return total;
}

tg_status_t tg_ingest_run(const tg_ingest_opts_t *o, char *const *paths, int npaths,
                          tg_ingest_counts_t *counts, char *err, size_t errlen)
{
    memset(counts, 0, sizeof *counts);
    counts->skipped_by = json_object();
    counts->errors_by = json_object();
    ing_t g = {.o = o, .c = counts, .reextracted = json_object()};
    double t0 = tg_now();
    signal(SIGPIPE, SIG_IGN);
    tg_status_t st = open_all(&g, err, errlen);
    if (st)
        goto out;
    g.stem = tg_stemmers_new();
    g.sidecars = tg_sidecars_new(intake_sidecar_problem, &g);
    g.progress = tg_progress_new(o->progress);
    /* test hook: TESTIGO_FAULT=events:N or commits:N kills this process
     * with SIGKILL at that point, to test recovery from a power cut;
     * interrupt:N sends it SIGINT after N events, as Ctrl-C would */
    const char *fault = getenv("TESTIGO_FAULT");
    g.fault_signal = SIGKILL;
    if (fault && !strncmp(fault, "events:", 7)) {
        g.kill_after_events = strtoul(fault + 7, NULL, 10);
    } else if (fault && !strncmp(fault, "commits:", 8)) {
        g.kill_after_commits = strtoul(fault + 8, NULL, 10);
    } else if (fault && !strncmp(fault, "interrupt:", 10)) {
        g.kill_after_events = strtoul(fault + 10, NULL, 10);
        g.fault_signal = SIGINT;
    }
    struct stat sb;
    stat(o->archive, &sb);
    if (o->progress)
        g.total_files = count_files(paths, npaths, sb.st_dev, sb.st_ino);

    g.walk = tg_walk_new(paths, npaths, sb.st_dev, sb.st_ino);
    g.last_commit = tg_now();
    g.err = tg_xcalloc(o->jobs, sizeof *g.err);

    /* each worker: its socket (when busy) and its stderr (always); and the
     * index's commit in flight */
    struct pollfd *pfd = tg_xcalloc(2 * (size_t)o->jobs + 1, sizeof *pfd);
    unsigned *slot = tg_xcalloc(2 * (size_t)o->jobs, sizeof *slot);
    double last_rss = 0;
    for (;;) {
        if (tg_ingest_stop) {
            /* stop cleanly: work in flight is abandoned (redone next run) */
            for (unsigned i = 0; i < g.pool->n; i++) {
                job_t *j = g.pool->w[i].job;
                if (j)
                    tg_pool_kill(g.pool, i);
            }
            counts->interrupted = 1;
            break;
        }
        for (unsigned i = 0; i < g.pool->n && !g.fatal; i++) {
            if (g.pool->w[i].fd >= 0 && !g.pool->w[i].job) {
                job_t *j = intake_next(&g);
                if (!j)
                    break;
                dispatch_job(&g, i, j);
            } else {
                dispatch_ahead(&g, i);
            }
        }
        unsigned n = 0, busy = 0;
        double now = tg_now(), wait = RSS_INTERVAL;
        /* enough members queued: leave bundle readers waiting, as long as
         * some worker is left to work through the queue */
        unsigned readers = 0, live = 0;
        for (unsigned i = 0; i < g.pool->n; i++) {
            live += g.pool->w[i].fd >= 0;
            job_t *j = g.pool->w[i].job;
            readers += j && j->nest.bundle;
        }
        int paused = g.queue.n > MAX_QUEUE && readers < live;
        for (unsigned i = 0; i < g.pool->n; i++) {
            tg_worker_slot_t *w = &g.pool->w[i];
            job_t *j = w->job;
            if (!j || w->fd < 0)
                continue;
            busy++;
            if (w->deadline && w->deadline - now < wait)
                wait = w->deadline - now;
            if (paused && j->nest.bundle) {
                w->deadline = now + o->timeout; /* waiting is not its fault */
                continue;
            }
            pfd[n].fd = w->fd;
            pfd[n].events = POLLIN;
            slot[n++] = i;
        }
        unsigned nsock = n;
        for (unsigned i = 0; i < g.pool->n; i++) {
            if (g.pool->w[i].errfd >= 0) {
                pfd[n].fd = g.pool->w[i].errfd;
                pfd[n].events = POLLIN;
                slot[n++] = i;
            }
        }
        if (g.fatal)
            break;
        if (busy == 0) {
            int alive_workers = 0;
            for (unsigned i = 0; i < g.pool->n; i++)
                alive_workers += g.pool->w[i].fd >= 0;
            if ((g.walk_done && !g.queue.head) || tg_ingest_stop)
                break;
            if (!alive_workers) {
                tg_errf(err, errlen, "cannot start extraction workers");
                st = TG_ERR_IO;
                break;
            }
            continue;
        }
        /* a commit done is logged at once: until then a power cut would
         * leave an index ahead of its log, which the next run reports as
         * lines removed from the log */
        unsigned npoll = n;
        if (g.committing && tg_db_commit_fd(g.db) >= 0) {
            pfd[npoll].fd = tg_db_commit_fd(g.db);
            pfd[npoll++].events = POLLIN;
        }
        int r = poll(pfd, npoll, wait > 0 ? (int)(wait * 1000) + 1 : 0);
        if (r < 0 && errno != EINTR) {
            tg_errf(err, errlen, "poll: %s", strerror(errno));
            st = TG_ERR_IO;
            break;
        }
        /* stderr first, so a job's messages are in hand when its result is */
        for (unsigned k = nsock; r > 0 && k < n; k++) {
            unsigned i = slot[k];
            if ((pfd[k].revents & (POLLIN | POLLHUP)) && g.pool->w[i].errfd == pfd[k].fd)
                tg_pool_drain_stderr(g.pool, i, g.err[i].buf, &g.err[i].len, STDERR_CAP);
        }
        for (unsigned k = 0; r > 0 && k < nsock; k++)
            if (pfd[k].revents & (POLLIN | POLLHUP | POLLERR))
                dispatch_message(&g, slot[k]);
        now = tg_now();
        int check_rss = now - last_rss >= RSS_INTERVAL;
        if (check_rss)
            last_rss = now;
        dispatch_watch(&g, check_rss);
        tree_notes(&g);
        commit_maybe(&g);
        tg_progress_update(g.progress, g.done_files, g.total_files, counts->bytes, NULL, 0);
    }
    free(pfd);
    free(slot);
    /* jobs still alive: only after an interruption or a fatal error; they
     * are redone by the next run */
    while (g.all)
        job_free(&g, g.all);
    g.queue.head = g.queue.tail = NULL;
    g.queue.n = 0;
    if (o->prune && !counts->interrupted && !g.fatal && st == TG_OK)
        prune_gone(&g, paths, npaths);
    commit_batch(&g);
    commit_settle(&g, 1);
    if (g.fatal && !st) {
        st = g.fatal;
        tg_errf(err, errlen, "%s", g.fatal_msg);
    }
out:
    tg_progress_free(g.progress);
    free(g.err);

    tg_walk_free(g.walk);
    tg_sidecars_free(g.sidecars);
    tg_pool_free(g.pool);
    tg_ingestlog_close(g.log);
    tg_db_close(g.db);
    tg_store_close(g.store);
    tg_stemmers_free(g.stem);
    json_decref(g.reextracted);
    counts->seconds = tg_now() - t0;
    return st;
}
