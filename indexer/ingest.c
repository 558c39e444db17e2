/* The ingest coordinator and single writer (see ingest.h).
 *
 * One loop: keep every worker busy with the next file from the walk, wait
 * (poll) for messages, worker deaths and deadlines, and apply what comes
 * back.  Only this process writes the index, and it is never blocked on a
 * worker for longer than one message transfer.
 *
 * Per file, the decisions are:
 *   walk:    the location's metadata says same size and mtime, and the last
 *            attempt succeeded            -> "unchanged", no worker at all
 *   hashed:  empty content                -> "skipped" (empty)
 *            same content already being extracted by another worker
 *                                         -> wait for it, then "duplicate"
 *            content already indexed      -> attach the location:
 *                                            "duplicate" / "updated" /
 *                                            "unchanged" (only mtime moved)
 *            otherwise                    -> extract
 *   doc:     the document is written with all its locations -> "added" /
 *            "updated"; plus "error" if extraction failed (the original is
 *            still indexed, without text) or "skipped" if its type is not
 *            supported
 *   death:   timeout, memory, crash       -> "error"; a text-less document
 *            is written for the original if it reached the store
 * With --reextract, known contents are extracted again (once per run) instead
 * of being taken as they are; their OCR then comes from the OCR cache.
 *
 * A worker reading a file page by page with OCR says "progress" before each
 * page it recognises; each such message gives the file a fresh deadline of
 * max(--timeout, --ocr-timeout + TG_OCR_PAGE_SLACK) from that moment.
 * A location whose content changed is detached from its old document, and a
 * document left without locations is deleted from the index (its original
 * stays in the store).
 *
 * Durability: changes are committed in batches (documents, bytes, seconds);
 * before each commit the store is synced, after it the log is written.  A
 * kill at any moment leaves the last commit intact; the next run redoes the
 * files after it. */
#define _GNU_SOURCE
#include "ingest.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "docbuild.h"
#include "extract.h"
#include "ingestlog.h"
#include "pool.h"
#include "proto.h"
#include "schema.h"
#include "store.h"
#include "text.h"
#include "util.h"
#include "walk.h"
#include "worker.h"
#include "xap.h"

volatile int tg_ingest_stop = 0;

/* Largest serialised document accepted from a worker. */
#define MAX_DOC_BYTES ((size_t)1 << 30)
/* Uncommitted serialised bytes that force a commit (bounds Xapian's buffer). */
#define COMMIT_BYTES ((size_t)64 << 20)
/* How often worker memory is sampled. */
#define RSS_INTERVAL 0.2
/* Copying a file into the store is given this many bytes per second on top of
 * the extraction timeout. */
#define COPY_RATE (10.0 * 1024 * 1024)
/* What a worker prints to stderr while on one job is kept up to this size. */
#define STDERR_CAP 4096

typedef struct job {
    uint64_t id;
    char *path;   /* raw bytes, as found on disk */
    char *loc;    /* location: the path as UTF-8 */
    char *folder; /* facet folder */
    int64_t size, mtime_ns;
    char *old_sha; /* content at this location before, if any */
    char sha[TG_SHA256_HEX_LEN + 1];
    char *mime, *kind;
    double started;      /* tg_now() when first given to a worker */
    int hashed;          /* the worker reported the digest */
    int extracting;      /* told to extract */
    struct job *waiting; /* same content found meanwhile, waiting on this one */
    struct job *next;    /* link in a waiting list */
} job_t;

typedef struct {
    const tg_ingest_opts_t *o;
    tg_store_t *store;
    tg_db_t *db;
    tg_ingestlog_t *log;
    tg_pool_t *pool;
    tg_stemmers_t *stem;
    tg_walk_t *walk;
    int walk_done;
    uint64_t next_id;
    unsigned pending_docs;
    size_t pending_bytes;
    int dirty; /* uncommitted changes of any kind */
    double last_commit;
    tg_ingest_counts_t *c;
    tg_status_t fatal;
    char fatal_msg[1024];
    struct {
        char buf[STDERR_CAP];
        size_t len;
    } * err;             /* per worker: its stderr during the current job */
    json_t *reextracted; /* --reextract: SHA-256 -> true for contents done this run */
} ing_t;

/* ==== Small helpers ======================================================= */

static void job_free(job_t *j)
{
    if (!j)
        return;
    free(j->path);
    free(j->loc);
    free(j->folder);
    free(j->old_sha);
    free(j->mime);
    free(j->kind);
    free(j);
}

static void set_fatal(ing_t *g, tg_status_t st, const char *what)
{
    if (g->fatal)
        return;
    g->fatal = st;
    tg_errf(g->fatal_msg, sizeof g->fatal_msg, "%s: %s", what, tg_db_error(g->db));
}

/* Reports one file event: counts it, logs it, and prints it if asked to.
 * extra (may be NULL) is merged into the logged event. */
static void event_x(ing_t *g, const char *what, const char *loc, const char *sha, const char *code,
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

    json_t *ev = json_pack("{s:s, s:s}", "event", what, "location", loc);
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

    if (is_error)
        fprintf(stderr, "testigo-index: %s: %s\n", loc, reason ? reason : "error");
    else if (g->o->verbose)
        fprintf(stderr, "testigo-index: %s: %s%s%s\n", loc, what, reason ? ": " : "",
                reason ? reason : "");
}

static void event(ing_t *g, const char *what, const char *loc, const char *sha, const char *code,
                  const char *reason, double started)
{
    event_x(g, what, loc, sha, code, reason, started, NULL);
}

/* What OCR did for a document, for its ingest event: {"ocr": {"pages",
 * "recognised", "cached"}}, or NULL if OCR read nothing.  Pages OCR could
 * not read are printed, naming the page: the file is indexed without them. */
static json_t *ocr_summary(ing_t *g, const char *loc, json_t *rec)
{
    json_t *o = json_object_get(rec, TG_REC_OCR);
    if (!json_is_object(o))
        return NULL;
    json_t *pages = json_object_get(o, "pages"), *p;
    size_t i;
    json_array_foreach(pages, i, p)
    {
        const char *e = tg_rec_str(p, "error");
        if (e && !g->o->quiet)
            fprintf(stderr, "testigo-index: %s: warning: page %lld not read by OCR: %s\n", loc,
                    (long long)tg_rec_int(p, "page", 0), e);
    }
    return json_pack("{s:{s:I, s:I, s:I}}", "ocr", "pages", (json_int_t)json_array_size(pages),
                     "recognised", (json_int_t)tg_rec_int(o, "recognised", 0), "cached",
                     (json_int_t)tg_rec_int(o, "cached", 0));
}

/* Collects worker i's stderr (what poppler and friends print) and returns
 * it as one line, or NULL if it said nothing; the buffer is emptied. */
static char *take_stderr(ing_t *g, unsigned i)
{
    if (g->pool->w[i].errfd >= 0)
        tg_pool_drain_stderr(g->pool, i, g->err[i].buf, &g->err[i].len, STDERR_CAP);
    size_t n = g->err[i].len;
    g->err[i].len = 0;
    while (n > 0 && (g->err[i].buf[n - 1] == '\n' || g->err[i].buf[n - 1] == ' '))
        n--;
    if (n == 0)
        return NULL;
    char *s = tg_utf8_clean(g->err[i].buf, n);
    for (char *c = s; *c; c++)
        if (*c == '\n' || *c == '\t')
            *c = ' ';
    if (strlen(s) > 300)
        strcpy(s + 297, "...");
    return s;
}

/* ==== Location metadata =================================================== */

static json_t *meta_get(ing_t *g, const char *loc)
{
    tg_buf_t key;
    tg_buf_init(&key, 4096);
    tg_location_key(&key, loc);
    char *v = NULL;
    size_t len = 0;
    json_t *j = NULL;
    if (tg_db_get_meta(g->db, key.data, &v, &len) == TG_OK && v) {
        j = tg_record_parse(v, len);
        /* a hashed key holds the location too: make sure it is this one */
        const char *l = j ? tg_rec_str(j, "loc") : NULL;
        if (j && (!l || strcmp(l, loc) != 0)) {
            json_decref(j);
            j = NULL;
        }
    }
    free(v);
    tg_buf_free(&key);
    return j;
}

static void meta_put(ing_t *g, const job_t *j, const char *status)
{
    tg_buf_t key;
    tg_buf_init(&key, 4096);
    tg_location_key(&key, j->loc);
    json_t *m = json_pack("{s:s, s:s, s:I, s:I, s:s, s:i}", "loc", j->loc, "sha256", j->sha, "size",
                          (json_int_t)j->size, "mtime", (json_int_t)j->mtime_ns, "status", status,
                          "v", TG_EXTRACTOR_VERSION);
    size_t len;
    char *s = tg_record_dump(m, &len);
    if (tg_db_set_meta(g->db, key.data, s, len))
        set_fatal(g, TG_ERR_XAPIAN, "cannot record a location");
    g->dirty = 1;
    free(s);
    json_decref(m);
    tg_buf_free(&key);
}

/* ==== Documents and their locations ======================================= */

/* Loads the document of content sha and its record; NULL if not indexed. */
static json_t *load(ing_t *g, const char *sha, tg_doc_t **doc)
{
    *doc = NULL;
    tg_buf_t t;
    tg_buf_init(&t, 128);
    tg_id_term(&t, sha);
    tg_docid_t id;
    json_t *rec = NULL;
    if (tg_db_find(g->db, t.data, &id) == TG_OK && tg_db_get(g->db, id, doc) == TG_OK) {
        size_t len;
        char *data = tg_doc_get_data(*doc, &len);
        rec = tg_record_parse(data, len);
        free(data);
        if (!rec)
            rec = json_object(); /* damaged record: rebuild what we can */
    }
    tg_buf_free(&t);
    return rec;
}

static json_t *locations(json_t *rec)
{
    json_t *l = json_object_get(rec, TG_REC_LOCATIONS);
    if (!json_is_array(l)) {
        l = json_array();
        json_object_set_new(rec, TG_REC_LOCATIONS, l);
    }
    return l;
}

static int loc_index(json_t *rec, const char *loc)
{
    json_t *l = locations(rec), *e;
    size_t i;
    json_array_foreach(l, i, e)
    {
        const char *p = tg_rec_str(e, "path");
        if (p && !strcmp(p, loc))
            return (int)i;
    }
    return -1;
}

static void add_loc(json_t *rec, const job_t *j)
{
    if (loc_index(rec, j->loc) >= 0)
        return;
    json_t *l = locations(rec);
    int64_t total = tg_rec_int(rec, TG_REC_LOCATIONS_TOTAL, (int64_t)json_array_size(l)) + 1;
    if (json_array_size(l) < TG_MAX_RECORD_LOCATIONS) {
        json_t *e = json_object();
        tg_rec_set_str(e, "path", j->loc);
        tg_rec_set_str(e, "folder", j->folder);
        json_array_append_new(l, e);
    }
    if ((size_t)total > json_array_size(l))
        json_object_set_new(rec, TG_REC_LOCATIONS_TOTAL, json_integer(total));
}

static int collect_term(void *ctx, const char *term, size_t len, unsigned freq)
{
    (void)freq;
    json_array_append_new(ctx, json_stringn(term, len));
    return 0;
}

/* Finishes a document from its record (folder terms and value, file name
 * words, data) and writes it. */
static void put_doc(ing_t *g, const char *sha, tg_doc_t *doc, json_t *rec)
{
    /* folder terms are rebuilt from the locations the record now has */
    json_t *old = json_array(), *e;
    size_t i;
    tg_doc_each_term(doc, TG_PREFIX_FOLDER, collect_term, old);
    json_array_foreach(old, i, e) tg_doc_remove_term(doc, json_string_value(e));
    json_decref(old);

    tg_buf_t t;
    tg_buf_init(&t, 4096);
    json_t *l = locations(rec);
    json_array_foreach(l, i, e)
    {
        const char *folder = tg_rec_str(e, "folder");
        const char *path = tg_rec_str(e, "path");
        if (folder) {
            tg_buf_reset(&t);
            tg_bool_term(&t, TG_PREFIX_FOLDER, folder);
            tg_doc_add_term(doc, t.data, t.len, 0);
            if (i == 0)
                tg_doc_set_value(doc, TG_SLOT_FOLDER, folder, strlen(folder));
        }
        if (path) {
            /* words of the file name find the file too: "acta", "rodriguez" */
            const char *base = tg_location_basename(path);
            tg_index_text(doc, g->stem,
                          tg_rec_str(rec, TG_REC_LANG) ? tg_rec_str(rec, TG_REC_LANG) : "und", "",
                          base, strlen(base), NULL, 0);
        }
    }
    const char *ing = tg_rec_str(rec, TG_REC_INGESTED);
    if (ing)
        tg_doc_set_value(doc, TG_SLOT_INGEST, ing, strlen(ing));

    size_t len;
    char *data = tg_record_dump(rec, &len);
    tg_doc_set_data(doc, data, len);
    free(data);
    tg_buf_reset(&t);
    tg_id_term(&t, sha);
    if (tg_db_replace(g->db, t.data, doc, NULL))
        set_fatal(g, TG_ERR_XAPIAN, "cannot write a document");
    tg_buf_free(&t);
    g->pending_docs++;
    g->dirty = 1;
}

/* The location no longer holds content sha: detach it, and drop the
 * document from the index if no location is left. */
static void detach(ing_t *g, const char *sha, const char *loc)
{
    tg_doc_t *doc;
    json_t *rec = load(g, sha, &doc);
    if (!rec)
        return;
    int k = loc_index(rec, loc);
    if (k >= 0) {
        json_t *l = locations(rec);
        json_array_remove(l, (size_t)k);
        int64_t total = tg_rec_int(rec, TG_REC_LOCATIONS_TOTAL, 0);
        if (total > 0)
            json_object_set_new(rec, TG_REC_LOCATIONS_TOTAL, json_integer(total - 1));
        if (json_array_size(l) == 0 && total <= 1) {
            tg_buf_t t;
            tg_buf_init(&t, 128);
            tg_id_term(&t, sha);
            if (tg_db_delete(g->db, t.data))
                set_fatal(g, TG_ERR_XAPIAN, "cannot delete a document");
            tg_buf_free(&t);
            g->dirty = 1;
        } else {
            put_doc(g, sha, doc, rec);
        }
    }
    json_decref(rec);
    tg_doc_free(doc);
}

static const char *status_of_record(json_t *rec)
{
    const char *e = tg_rec_str(rec, TG_REC_EXTRACTION);
    if (e && !strcmp(e, TG_EXTRACTION_FAILED))
        return "failed";
    if (e && !strcmp(e, TG_EXTRACTION_UNSUPPORTED))
        return "unsupported";
    return "indexed";
}

/* Content j->sha is indexed: give it location j->loc. */
static void attach(ing_t *g, job_t *j)
{
    tg_doc_t *doc;
    json_t *rec = load(g, j->sha, &doc);
    if (!rec) {
        event(g, "error", j->loc, j->sha, "internal", "content vanished from the index",
              j->started);
        return;
    }
    int known = loc_index(rec, j->loc) >= 0;
    if (!known) {
        add_loc(rec, j);
        put_doc(g, j->sha, doc, rec);
    }
    meta_put(g, j, status_of_record(rec));
    int moved = j->old_sha && strcmp(j->old_sha, j->sha) != 0;
    if (moved)
        detach(g, j->old_sha, j->loc);
    if (moved)
        event(g, "updated", j->loc, j->sha, NULL, NULL, j->started);
    else if (known)
        event(g, "unchanged", j->loc, j->sha, NULL, NULL, j->started);
    else
        event(g, "duplicate", j->loc, j->sha, NULL, NULL, j->started);
    json_decref(rec);
    tg_doc_free(doc);
}

/* A worker's document for job j (or one built here after a worker died). */
static void apply_doc(ing_t *g, job_t *j, tg_doc_t *doc, json_t *rec, const char *failure,
                      const char *failure_code)
{
    tg_doc_t *prev_doc;
    json_t *prev = load(g, j->sha, &prev_doc);
    char now[32];
    tg_iso8601((int64_t)time(NULL), now, sizeof now);
    if (prev) {
        /* re-extraction of known content: keep where it was found and when */
        json_object_set(rec, TG_REC_LOCATIONS, locations(prev));
        json_t *tot = json_object_get(prev, TG_REC_LOCATIONS_TOTAL);
        if (tot)
            json_object_set(rec, TG_REC_LOCATIONS_TOTAL, tot);
        const char *ing = tg_rec_str(prev, TG_REC_INGESTED);
        json_object_set_new(rec, TG_REC_INGESTED, json_string(ing ? ing : now));
        json_decref(prev);
        tg_doc_free(prev_doc);
    } else {
        json_object_set_new(rec, TG_REC_INGESTED, json_string(now));
    }
    add_loc(rec, j);
    put_doc(g, j->sha, doc, rec);
    meta_put(g, j, status_of_record(rec));
    int moved = j->old_sha && strcmp(j->old_sha, j->sha) != 0;
    if (moved)
        detach(g, j->old_sha, j->loc);

    /* one event per file: a failure or a skip says it all */
    json_t *ocr = failure ? NULL : ocr_summary(g, j->loc, rec);
    if (failure) {
        char *r = tg_xasprintf("%s (original kept, indexed without text)", failure);
        event(g, "error", j->loc, j->sha, failure_code, r, j->started);
        free(r);
    } else if (!strcmp(status_of_record(rec), "unsupported")) {
        char *r = tg_xasprintf("unsupported type %s (original kept, indexed without text)",
                               j->mime ? j->mime : "?");
        event(g, "skipped", j->loc, j->sha, "unsupported type", r, j->started);
        free(r);
    } else {
        event_x(g, moved || prev ? "updated" : "added", j->loc, j->sha, NULL, NULL, j->started,
                ocr);
    }
    json_decref(ocr);
    /* the same content found elsewhere meanwhile */
    for (job_t *w = j->waiting, *next; w; w = next) {
        next = w->next;
        attach(g, w);
        job_free(w);
    }
    j->waiting = NULL;
}

/* The worker of job j died or overran: index the original without text if
 * it reached the store, and report. */
static void job_failed(ing_t *g, job_t *j, const char *code, const char *reason)
{
    if (j->hashed) {
        tg_extract_limits_t lim = {.max_text = 0, .max_pages = 0};
        tg_extract_t x;
        tg_extract_init(&x, &lim);
        tg_docbuild_in_t in = {.sha = j->sha,
                               .size = (uint64_t)j->size,
                               .mime = j->mime,
                               .kind = j->kind,
                               .x = &x,
                               .failure = reason};
        tg_doc_t *doc;
        json_t *rec;
        tg_docbuild(&in, g->stem, NULL, &doc, &rec);
        apply_doc(g, j, doc, rec, reason, code);
        json_decref(rec);
        tg_doc_free(doc);
        tg_extract_free(&x);
    } else {
        event(g, "error", j->loc, NULL, code, reason, j->started);
    }
    job_free(j);
}

/* ==== Committing ========================================================== */

static void commit(ing_t *g)
{
    if (!g->dirty || g->fatal)
        return;
    if (tg_store_sync(g->store)) {
        g->fatal = TG_ERR_IO;
        tg_errf(g->fatal_msg, sizeof g->fatal_msg, "cannot sync the archive: %s", strerror(errno));
        return;
    }
    if (tg_db_commit(g->db)) {
        set_fatal(g, TG_ERR_XAPIAN, "cannot commit the index");
        return;
    }
    if (tg_ingestlog_flush(g->log))
        fprintf(stderr, "testigo-index: warning: cannot write the ingest log: %s\n",
                strerror(errno));
    g->pending_docs = 0;
    g->pending_bytes = 0;
    g->dirty = 0;
    g->last_commit = tg_now();
}

static void maybe_commit(ing_t *g)
{
    if (g->pending_docs >= g->o->batch || g->pending_bytes >= COMMIT_BYTES ||
        (g->dirty && tg_now() - g->last_commit >= g->o->batch_seconds))
        commit(g);
}

/* Worker i died or must die: collect its last words, end it, and fail its
 * job with why (plus what it said). */
static void worker_lost(ing_t *g, unsigned i, int kill_it, const char *code, const char *why)
{
    job_t *j = g->pool->w[i].job;
    char how[256];
    char *said = take_stderr(g, i);
    if (kill_it) {
        tg_pool_kill(g->pool, i);
        tg_errf(how, sizeof how, "%s", why);
    } else {
        tg_pool_reap(g->pool, i, how, sizeof how);
    }
    g->err[i].len = 0;
    if (j) {
        char *reason = said ? tg_xasprintf("%s; it said: %s", how, said) : tg_xstrdup(how);
        job_failed(g, j, code, reason);
        free(reason);
    }
    free(said);
}

/* ==== Feeding workers ====================================================== */

static int unchanged(ing_t *g, job_t *j)
{
    json_t *m = meta_get(g, j->loc);
    if (!m)
        return 0;
    const char *sha = tg_rec_str(m, "sha256");
    if (sha && tg_sha256_valid(sha))
        j->old_sha = tg_xstrdup(sha);
    const char *st = tg_rec_str(m, "status");
    int same = tg_rec_int(m, "size", -1) == j->size && tg_rec_int(m, "mtime", -1) == j->mtime_ns;
    int settled =
        st && (!strcmp(st, "indexed") || !strcmp(st, "empty") ||
               (!strcmp(st, "unsupported") && tg_rec_int(m, "v", 0) >= TG_EXTRACTOR_VERSION));
    json_decref(m);
    return same && settled && j->old_sha && !g->o->reextract;
}

/* The next file that needs a worker, or NULL when the walk is over. */
static job_t *next_job(ing_t *g)
{
    tg_walk_entry_t e;
    while (!g->walk_done && !tg_ingest_stop && !g->fatal) {
        if (!tg_walk_next(g->walk, &e)) {
            g->walk_done = 1;
            break;
        }
        char *loc = tg_utf8_escape_bytes(e.path, strlen(e.path));
        if (e.kind == TG_WALK_ERROR) {
            event(g, "error", loc, NULL, "unreadable", e.reason, 0);
            free(loc);
            continue;
        }
        if (e.kind == TG_WALK_SKIP) {
            event(g, "skipped", loc, NULL, e.reason, e.reason, 0);
            free(loc);
            continue;
        }
        job_t *j = tg_xcalloc(1, sizeof *j);
        j->id = ++g->next_id;
        j->path = tg_xstrdup(e.path);
        j->loc = loc;
        j->folder = tg_utf8_escape_bytes(e.folder, strlen(e.folder));
        j->size = e.size;
        j->mtime_ns = e.mtime_ns;
        g->c->bytes += (unsigned long)e.size;
        if (unchanged(g, j)) {
            event(g, "unchanged", j->loc, j->old_sha, NULL, NULL, 0);
            job_free(j);
            maybe_commit(g);
            continue;
        }
        return j;
    }
    return NULL;
}

static void dispatch(ing_t *g, unsigned i, job_t *j)
{
    tg_worker_slot_t *w = &g->pool->w[i];
    json_t *m =
        json_pack("{s:s, s:I, s:I, s:f, s:I, s:i}", "type", "job", "id", (json_int_t)j->id,
                  "max_file", (json_int_t)g->o->max_file, "cpu", g->o->cpu_limit, "max_text",
                  (json_int_t)g->o->max_text, "max_pages", (int)g->o->max_pages);
    /* OCR settings travel with each job (absent: OCR is off); see proto.h */
    if (g->o->ocr)
        json_object_set_new(m, "ocr",
                            json_pack("{s:s, s:f, s:I}", "lang", g->o->ocr_lang, "timeout",
                                      g->o->ocr_timeout, "max_pixels",
                                      (json_int_t)g->o->ocr_max_pixels));
    tg_status_t st = tg_msg_send(w->fd, m, j->path, strlen(j->path));
    json_decref(m);
    w->job = j;
    j->started = tg_now();
    w->deadline = j->started + g->o->timeout + (double)j->size / COPY_RATE;
    if (st)
        worker_lost(g, i, 0, "crash", NULL);
}

static job_t *find_extracting(ing_t *g, const char *sha, const job_t *except)
{
    for (unsigned i = 0; i < g->pool->n; i++) {
        job_t *j = g->pool->w[i].job;
        if (j && j != except && j->extracting && !strcmp(j->sha, sha))
            return j;
    }
    return NULL;
}

static void reply(ing_t *g, unsigned i, const char *what)
{
    json_t *m = json_pack("{s:s}", "type", what);
    tg_msg_send(g->pool->w[i].fd, m, NULL, 0);
    json_decref(m);
}

static void on_hashed(ing_t *g, unsigned i, job_t *j, json_t *m)
{
    tg_worker_slot_t *w = &g->pool->w[i];
    const char *sha = tg_rec_str(m, "sha256");
    if (!sha || !tg_sha256_valid(sha)) {
        worker_lost(g, i, 1, "crash", "worker sent a bad digest");
        return;
    }
    memcpy(j->sha, sha, sizeof j->sha);
    j->size = tg_rec_int(m, "size", j->size);
    j->mime =
        tg_xstrdup(tg_rec_str(m, "mime") ? tg_rec_str(m, "mime") : "application/octet-stream");
    j->kind = tg_xstrdup(tg_rec_str(m, "kind") ? tg_rec_str(m, "kind") : "other");
    j->hashed = 1;

    if (j->size == 0) {
        reply(g, i, "skip");
        w->job = NULL;
        meta_put(g, j, "empty");
        if (j->old_sha && strcmp(j->old_sha, j->sha))
            detach(g, j->old_sha, j->loc);
        event(g, "skipped", j->loc, j->sha, "empty file", "empty file", j->started);
        job_free(j);
        return;
    }
    job_t *primary = find_extracting(g, j->sha, j);
    if (primary) {
        reply(g, i, "skip");
        w->job = NULL;
        j->next = primary->waiting;
        primary->waiting = j;
        return;
    }
    tg_doc_t *doc;
    json_t *rec = load(g, j->sha, &doc);
    const char *ex = rec ? tg_rec_str(rec, TG_REC_EXTRACTION) : NULL;
    int need = !rec || (ex && !strcmp(ex, TG_EXTRACTION_FAILED)) ||
               (ex && !strcmp(ex, TG_EXTRACTION_UNSUPPORTED) &&
                tg_rec_int(rec, TG_REC_EXTRACTOR, 0) < TG_EXTRACTOR_VERSION);
    json_decref(rec);
    tg_doc_free(doc);
    if (g->o->reextract && !json_object_get(g->reextracted, j->sha)) {
        need = 1;
        json_object_set_new(g->reextracted, j->sha, json_true());
    }
    if (need) {
        reply(g, i, "go");
        j->extracting = 1;
        w->deadline = tg_now() + g->o->timeout;
        return;
    }
    reply(g, i, "skip");
    w->job = NULL;
    free(take_stderr(g, i));
    attach(g, j);
    job_free(j);
}

static void on_doc(ing_t *g, unsigned i, job_t *j, json_t *m, const char *payload, size_t len)
{
    g->pool->w[i].job = NULL;
    char err[512] = "";
    tg_doc_t *doc;
    json_t *rec = json_object_get(m, "record");
    if (!j->extracting || !json_is_object(rec) ||
        tg_doc_unserialise(payload, len, &doc, err, sizeof err)) {
        job_failed(g, j, "crash", "worker sent a damaged document");
        return;
    }
    char *said = take_stderr(g, i);
    if (said) {
        json_t *w = json_object_get(rec, TG_REC_WARNINGS);
        if (!json_is_array(w)) {
            w = json_array();
            json_object_set_new(rec, TG_REC_WARNINGS, w);
        }
        char *msg = tg_xasprintf("extractor messages: %s", said);
        json_array_append_new(w, json_string(msg));
        free(msg);
        free(said);
    }
    json_t *failed = json_object_get(m, "failed");
    const char *reason = failed ? tg_rec_str(failed, "reason") : NULL;
    const char *status = failed ? tg_rec_str(failed, "status") : NULL;
    const char *code = "unreadable";
    if (status && !strcmp(status, tg_status_str(TG_ERR_ENCRYPTED)))
        code = "encrypted";
    else if (status && !strcmp(status, tg_status_str(TG_ERR_FORMAT)))
        code = "corrupt";
    else if (status && !strcmp(status, tg_status_str(TG_ERR_LIMIT)))
        code = "too large";
    else if (status && !strcmp(status, tg_status_str(TG_ERR_TIMEOUT)))
        code = "timeout";
    g->pending_bytes += len;
    apply_doc(g, j, doc, rec, failed ? (reason ? reason : "extraction failed") : NULL, code);
    tg_doc_free(doc);
    job_free(j);
}

static void on_message(ing_t *g, unsigned i)
{
    tg_worker_slot_t *w = &g->pool->w[i];
    job_t *j = w->job;
    json_t *m;
    char *payload;
    size_t len;
    tg_status_t st = tg_msg_recv(w->fd, MAX_DOC_BYTES, &m, &payload, &len);
    if (st) {
        if (st == TG_ERR_IO)
            worker_lost(g, i, 0, "crash", NULL);
        else
            worker_lost(g, i, 1, "crash", "worker sent a malformed message");
        return;
    }
    const char *type = tg_rec_str(m, "type");
    if (!j || tg_rec_int(m, "id", -1) != (int64_t)j->id || !type) {
        /* a message about nothing we asked: the worker is confused */
        worker_lost(g, i, 1, "crash", "worker lost track of its job");
    } else if (!strcmp(type, "hashed")) {
        on_hashed(g, i, j, m);
    } else if (!strcmp(type, "progress") && j->extracting) {
        /* an OCR page starts: a fresh budget for it */
        double page = g->o->ocr_timeout + TG_OCR_PAGE_SLACK;
        w->deadline = tg_now() + (page > g->o->timeout ? page : g->o->timeout);
    } else if (!strcmp(type, "doc")) {
        on_doc(g, i, j, m, payload, len);
    } else if (!strcmp(type, "fail")) {
        w->job = NULL;
        free(take_stderr(g, i));
        const char *reason = tg_rec_str(m, "reason");
        const char *status = tg_rec_str(m, "status");
        int too_big = status && !strcmp(status, tg_status_str(TG_ERR_LIMIT));
        job_failed(g, j, too_big ? "too large" : "unreadable", reason ? reason : "failed");
    } else {
        worker_lost(g, i, 1, "crash", "worker sent an unknown message");
    }
    json_decref(m);
    free(payload);
}

/* Kills workers past their deadline or over their memory. */
static void watch(ing_t *g, int check_rss)
{
    double now = tg_now();
    for (unsigned i = 0; i < g->pool->n; i++) {
        tg_worker_slot_t *w = &g->pool->w[i];
        job_t *j = w->job;
        if (!j || w->fd < 0)
            continue;
        char why[256] = "";
        const char *code = NULL;
        if (w->deadline && now > w->deadline) {
            tg_errf(why, sizeof why, "timed out: extraction took longer than %g s", g->o->timeout);
            code = "timeout";
        } else if (check_rss && g->o->mem_limit && tg_pool_rss(g->pool, i) > g->o->mem_limit) {
            tg_errf(why, sizeof why, "memory limit exceeded: the extractor used more than %zu MB",
                    g->o->mem_limit >> 20);
            code = "memory";
        }
        if (code)
            worker_lost(g, i, 1, code, why);
    }
}

/* ==== The run ============================================================== */

void tg_ingest_counts_free(tg_ingest_counts_t *c)
{
    json_decref(c->skipped_by);
    json_decref(c->errors_by);
    c->skipped_by = c->errors_by = NULL;
}

static tg_status_t open_all(ing_t *g, char *err, size_t errlen)
{
    tg_status_t st = tg_store_open(g->o->archive, 1, &g->store, err, errlen);
    if (st)
        return st == TG_ERR_NOTFOUND ? TG_ERR_INVALID : st;
    char xerr[512];
    st = tg_db_open(tg_store_index_dir(g->store), TG_DB_WRITE, &g->db, xerr, sizeof xerr);
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
    st = tg_ingestlog_open(tg_store_log_path(g->store), &g->log, err, errlen);
    if (st)
        return st;
    return tg_pool_new(g->o->jobs, g->o->archive, g->o->mem_limit, &g->pool, err, errlen);
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
    struct stat sb;
    stat(o->archive, &sb);
    g.walk = tg_walk_new(paths, npaths, sb.st_dev, sb.st_ino);
    g.last_commit = tg_now();

    g.err = tg_xcalloc(o->jobs, sizeof *g.err);
    /* each worker: its socket (when busy) and its stderr (always) */
    struct pollfd *pfd = tg_xcalloc(2 * (size_t)o->jobs, sizeof *pfd);
    unsigned *slot = tg_xcalloc(2 * (size_t)o->jobs, sizeof *slot);
    double last_rss = 0;
    for (;;) {
        if (tg_ingest_stop) {
            /* stop cleanly: work in flight is abandoned (redone next run) */
            for (unsigned i = 0; i < g.pool->n; i++) {
                job_t *j = g.pool->w[i].job;
                if (j) {
                    tg_pool_kill(g.pool, i);
                    for (job_t *w = j->waiting, *next; w; w = next) {
                        next = w->next;
                        job_free(w);
                    }
                    job_free(j);
                }
            }
            counts->interrupted = 1;
            break;
        }
        for (unsigned i = 0; i < g.pool->n && !g.fatal; i++) {
            if (g.pool->w[i].fd >= 0 && !g.pool->w[i].job) {
                job_t *j = next_job(&g);
                if (!j)
                    break;
                dispatch(&g, i, j);
            }
        }
        unsigned n = 0, busy = 0;
        double now = tg_now(), wait = RSS_INTERVAL;
        for (unsigned i = 0; i < g.pool->n; i++) {
            tg_worker_slot_t *w = &g.pool->w[i];
            if (w->job && w->fd >= 0) {
                pfd[n].fd = w->fd;
                pfd[n].events = POLLIN;
                slot[n++] = i;
                busy++;
                if (w->deadline && w->deadline - now < wait)
                    wait = w->deadline - now;
            }
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
            int alive = 0;
            for (unsigned i = 0; i < g.pool->n; i++)
                alive += g.pool->w[i].fd >= 0;
            if (g.walk_done || tg_ingest_stop)
                break;
            if (!alive) {
                tg_errf(err, errlen, "cannot start extraction workers");
                st = TG_ERR_IO;
                break;
            }
            continue;
        }
        int r = poll(pfd, n, wait > 0 ? (int)(wait * 1000) + 1 : 0);
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
                on_message(&g, slot[k]);
        now = tg_now();
        int check_rss = now - last_rss >= RSS_INTERVAL;
        if (check_rss)
            last_rss = now;
        watch(&g, check_rss);
        maybe_commit(&g);
    }
    free(pfd);
    free(slot);
    commit(&g);
    free(g.err);
    if (g.fatal && !st) {
        st = g.fatal;
        tg_errf(err, errlen, "%s", g.fatal_msg);
    }
out:
    tg_walk_free(g.walk);
    tg_pool_free(g.pool);
    tg_ingestlog_close(g.log);
    tg_db_close(g.db);
    tg_store_close(g.store);
    tg_stemmers_free(g.stem);
    json_decref(g.reextracted);
    counts->seconds = tg_now() - t0;
    return st;
}
