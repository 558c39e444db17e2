/* Events, the documents of the current batch, and commits: everything
 * that reaches the index, the ingest log or the store's durability goes
 * through here.
 *
 * Durability: changes are committed in batches (documents, bytes, seconds);
 * before each commit the files of every content the workers stored or the
 * batch wrote are synced (tg_store_note, tg_store_sync), after it the log
 * is written, and the log's head goes into the commit.  The index writes
 * behind (TG_DB_WRITE_BEHIND): a commit is handed to its thread and the run
 * goes on; once it is done, its events (the log's queued bytes when it
 * started) are written (commit_settle), and the next commit waits for it.
 * A kill at any moment leaves the last commit intact; the next run redoes
 * the files after it (tests/integration/35-crash.sh, 37-durable-sync.sh).
 *
 * Relies on writer.h for documents and locations; must never write a
 * document past the cache or commit outside commit_batch. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "hash.h"
#include "ingestint.h"
#include "recordjson.h"
#include "schema.h"
#include "text.h"

/* ==== Events ============================================================== */

void ing_check(ing_t *g, tg_status_t st, const char *what)
{
    if (st == TG_OK || g->fatal)
        return;
    g->fatal = st;
    tg_errf(g->fatal_msg, sizeof g->fatal_msg, "%s: %s", what, tg_db_error(g->db));
}

/* Reports one file event: counts it, logs it, and prints it if asked to.
 * extra (may be NULL) is merged into the logged event. */
void ing_event_x(ing_t *g, const char *what, const char *loc, const char *sha, const char *code,
                 const char *reason, double started, json_t *extra)
{
    tg_ingest_counts_t *c = g->c;
    int is_error = strcmp(what, "error") == 0;
    if (!strcmp(what, "added"))
        c->added++;
    else if (!strcmp(what, "updated"))
        c->updated++;
    else if (!strcmp(what, "duplicate"))
        c->duplicate++;
    else if (!strcmp(what, "unchanged"))
        c->unchanged++;
    else if (!strcmp(what, "skipped"))
        c->skipped++;
    else if (is_error)
        c->errors++;
    json_t *by = is_error ? c->errors_by : !strcmp(what, "skipped") ? c->skipped_by : NULL;
    if (by && code)
        json_object_set_new(by, code, json_integer(tg_rec_int(by, code, 0) + 1));

    json_t *ev = json_pack("{s:s}", "event", what);
    tg_rec_set_exact(ev, "location", loc);
    if (sha)
        json_object_set_new(ev, "sha256", json_string(sha));
    if (code)
        json_object_set_new(ev, "code", json_string(code));
    if (reason)
        tg_rec_set_str(ev, "reason", reason);
    if (started > 0)
        json_object_set_new(ev, "ms", json_integer((json_int_t)((tg_now() - started) * 1000)));
    if (extra)
        json_object_update(ev, extra);
    tg_ingestlog_add(g->log, ev);
    json_decref(ev);
    g->dirty = 1;
    if (g->kill_after_events && ++g->events == g->kill_after_events)
        raise(g->fault_signal);

    if (is_error || g->o->verbose) {
        /* one line per event, whatever a library put in its message */
        char *r = reason ? tg_utf8_clean(reason, strlen(reason)) : NULL;
        for (char *q = r; q && *q; q++)
            if (*q == '\n' || *q == '\t')
                *q = ' ';
        if (is_error)
            tg_progress_print(g->progress, "testigo-index: %s: %s\n", loc, r ? r : "error");
        else
            tg_progress_print(g->progress, "testigo-index: %s: %s%s%s\n", loc, what, r ? ": " : "",
                              r ? r : "");
        free(r);
    }
}

void ing_event(ing_t *g, const char *what, const char *loc, const char *sha, const char *code,
               const char *reason, double started)
{
    ing_event_x(g, what, loc, sha, code, reason, started, NULL);
}

/* ==== Documents of this batch ============================================= */

/* A content found at many places (the same photo forwarded a thousand
 * times; the 1,500 copies of one inner zip in a 42.zip) has its document,
 * with up to TG_MAX_RECORD_LOCATIONS locations, read and written at each
 * one: parsing and writing a record of 1,000 locations cost 30 million
 * instructions, so 1,500 copies took 10 s.  The documents read since the
 * last commit are kept here, parsed, and each is written once, before the
 * commit; nothing else reads the index in between (tg_content_detach is
 * handed the written copy).  What is committed is what writing at each
 * change would have committed. */

static void content_flush(ing_t *g);

static unsigned cache_slot(const char *sha)
{
    return tg_sha256_first_byte(sha) % CACHE_SLOTS;
}

/* The record and document of content sha, or NULL if it is not indexed;
 * both belong to the cache (until the next commit or content_drop). */
tg_record_t *content_get(ing_t *g, const char *sha, tg_doc_t **doc)
{
    unsigned s = cache_slot(sha);
    for (cached_t *c = g->cache[s]; c; c = c->next) {
        if (!strcmp(c->sha, sha)) {
            *doc = c->doc;
            return c->rec;
        }
    }
    tg_record_t *rec = tg_content_load(g->db, sha, doc);
    if (!rec) {
        tg_doc_free(*doc);
        *doc = NULL;
        return NULL;
    }
    if (g->cached >= CACHE_MAX) {
        content_flush(g);
        s = cache_slot(sha);
    }
    cached_t *c = tg_xcalloc(1, sizeof *c);
    snprintf(c->sha, sizeof c->sha, "%s", sha);
    c->doc = *doc;
    c->rec = rec;
    c->next = g->cache[s];
    g->cache[s] = c;
    g->cached++;
    return rec;
}

/* The cached record of sha was changed: its document is written before
 * the commit. */
void content_changed(ing_t *g, const char *sha)
{
    for (cached_t *c = g->cache[cache_slot(sha)]; c; c = c->next)
        if (!strcmp(c->sha, sha))
            c->dirty = 1;
    g->pending_docs++;
    g->dirty = 1;
}

static void cached_free(ing_t *g, cached_t *c, int write)
{
    if (write && c->dirty)
        ing_check(g, tg_content_put(g->db, g->stem, c->sha, c->doc, c->rec),
                  "cannot write a document");
    tg_record_free(c->rec);
    tg_doc_free(c->doc);
    free(c);
}

/* Forgets sha's cached document, written first if write and it changed. */
static void content_drop(ing_t *g, const char *sha, int write)
{
    for (cached_t **p = &g->cache[cache_slot(sha)]; *p; p = &(*p)->next) {
        if (!strcmp((*p)->sha, sha)) {
            cached_t *c = *p;
            *p = c->next;
            g->cached--;
            cached_free(g, c, write);
            return;
        }
    }
}

/* Writes the cached documents that changed (unless the run is failing)
 * and forgets them all. */
static void content_flush(ing_t *g)
{
    for (unsigned s = 0; s < CACHE_SLOTS; s++) {
        while (g->cache[s]) {
            cached_t *c = g->cache[s];
            g->cache[s] = c->next;
            cached_free(g, c, !g->fatal);
        }
    }
    g->cached = 0;
}

void content_detach(ing_t *g, const char *sha, const char *loc, int *deleted)
{
    content_drop(g, sha, 1);
    ing_check(g, tg_content_detach(g->db, g->stem, sha, loc, deleted), "cannot update a document");
    g->pending_docs++;
    g->dirty = 1;
}

/* A new document for content sha (an extraction's): written now. */
void content_put(ing_t *g, const char *sha, tg_doc_t *doc, tg_record_t *rec)
{
    content_drop(g, sha, 0); /* superseded */
    ing_check(g, tg_content_put(g->db, g->stem, sha, doc, rec), "cannot write a document");
    g->pending_docs++;
    g->dirty = 1;
}

/* ==== Committing ========================================================== */

void commit_settle(ing_t *g, int wait)
{
    if (!g->committing)
        return; /* (even after a failure elsewhere: a commit made is logged) */
    int done;
    tg_status_t st = tg_db_commit_finish(g->db, wait, &done);
    ing_check(g, st, "cannot commit the index");
    if (!st && !done)
        return;
    g->committing = 0;
    if (st)
        return; /* it never comes */
    if (tg_ingestlog_flush_to(g->log, g->commit_mark))
        tg_progress_print(g->progress, "testigo-index: warning: cannot write the ingest log: %s\n",
                          strerror(errno));
    if (g->kill_after_commits && ++g->commits >= g->kill_after_commits)
        raise(SIGKILL);
}

void commit_batch(ing_t *g)
{
    content_flush(g);
    if (!g->dirty || g->fatal)
        return;
    commit_settle(g, 1); /* its events first */
    if (g->fatal)
        return;
    if (tg_store_sync(g->store)) {
        g->fatal = TG_ERR_IO;
        tg_errf(g->fatal_msg, sizeof g->fatal_msg, "cannot sync the archive: %s", strerror(errno));
        return;
    }
    /* the log's head goes into the commit, so that lines removed from the
     * end of the log can be told (ingestlog.h) */
    char head[TG_SHA256_HEX_LEN + 1];
    uint64_t log_bytes;
    tg_ingestlog_head(g->log, head, &log_bytes);
    json_t *lh = json_pack("{s:s, s:I}", "head", head, "bytes", (json_int_t)log_bytes);
    char *lhs = tg_json_dump(lh, NULL);
    json_decref(lh);
    ing_check(g, tg_db_set_meta(g->db, TG_META_LOG_HEAD, lhs, strlen(lhs)),
              "cannot commit the index");
    free(lhs);
    g->commit_mark = tg_ingestlog_queued(g->log);
    if (!g->fatal)
        ing_check(g, tg_db_commit_start(g->db), "cannot commit the index");
    if (g->fatal)
        return;
    g->committing = 1;
    g->pending_docs = 0;
    g->pending_bytes = 0;
    g->dirty = 0;
    g->last_commit = tg_now();
}

void commit_maybe(ing_t *g)
{
    commit_settle(g, 0);
    if (g->pending_docs >= g->o->batch || g->pending_bytes >= COMMIT_BYTES ||
        (g->dirty && tg_now() - g->last_commit >= g->o->batch_seconds))
        commit_batch(g);
}
