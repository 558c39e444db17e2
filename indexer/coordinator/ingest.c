/* The ingest coordinator and single writer (see ingest.h).
 *
 * One loop: keep every worker busy with the next job (members of bundles
 * first, then the next file of the walk), wait (poll) for messages, worker
 * deaths and deadlines, and apply what comes back.  Only this process writes
 * the index, and it is never blocked on a worker for longer than one message
 * transfer.
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
 *            a bundle at a new location   -> read it (its members too need
 *                                            their locations)
 *            otherwise                    -> extract
 *   doc:     the document is written with all its locations -> "added" /
 *            "updated"; or "error" if extraction failed (the original is
 *            still indexed, without text), "skipped" if its type is not
 *            supported
 *   death:   timeout, memory, crash       -> "error"; a text-less document
 *            is written for the original if it reached the store
 * With --reextract, known contents are extracted again (once per run) instead
 * of being taken as they are; their OCR then comes from the OCR cache.
 *
 * A worker reading a file page by page with OCR says "progress" before each
 * page it recognises; each such message gives the file a fresh deadline of
 * max(--timeout, --ocr-timeout + TG_OCR_PAGE_SLACK) from that moment.
 *
 * A location whose content changed is detached from its old document, and a
 * document left without locations is deleted from the index (its original
 * stays in the store).
 *
 * Bundles (zip, tar, ...): the worker reading a bundle reports each entry as
 * it starts and each member once it is in the store; every member becomes a
 * job of its own ("bundle.zip!/dir/file.pdf"), queued ahead of the walk.  A
 * bundle is complete only when its reader has finished and every member job
 * has: only then is its location recorded, so a bundle interrupted half way
 * is read again by the next run (its finished members are then unchanged).
 * If the reader dies on a member, that member is reported and the bundle is
 * read again from the entry after it (MAX_RESUMES times at most).  While
 * many members are queued, bundle readers are not listened to, so their
 * sockets fill and they wait: memory stays bounded.
 *
 * Durability: changes are committed in batches (documents, bytes, seconds);
 * before each commit the files of every content the workers stored or the
 * batch wrote are synced (tg_store_note, tg_store_sync), after it the log
 * is written.  A
 * kill at any moment leaves the last commit intact; the next run redoes the
 * files after it. */
#define _GNU_SOURCE
#include "ingest.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "recordjson.h"
#include "docmeta.h"
#include "sidecar.h"
#include "extract.h"
#include "ingestlog.h"
#include "personterms.h"
#include "pool.h"
#include "progress.h"
#include "proto.h"
#include "hash.h"
#include "schema.h"
#include "store.h"
#include "text.h"
#include "util.h"
#include "walk.h"
#include "worker.h"
#include "writer.h"
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
/* Queued members past which bundle readers are left waiting. */
#define MAX_QUEUE 2000
/* Times a bundle is read again after its reader died on a member. */
#define MAX_RESUMES 3
/* The expanded bytes --max-total-ratio allows a top-level file never go
 * under this (a tiny file may hold a page of text). */
#define TREE_RATIO_GRACE ((uint64_t)1 << 20)
/* Seconds between notes about a file whose members are still at work. */
#define NOTE_EVERY 30.0

typedef struct job {
    uint64_t id;
    char *path;   /* raw bytes: the file on disk, or a member's copy in the store */
    char *loc;    /* location: the path as UTF-8, "bundle.zip!/member" for members */
    char *rel;    /* the location as the web shows it (writer.h), NULL unknown */
    char *folder; /* facet folder */
    int64_t size, mtime_ns;
    char *old_sha;   /* content at this location before, if any */
    int old_settled; /* ...and it was fully processed then */
    int too_deep;    /* a bundle nested past --max-depth: kept, not opened */
    char sha[TG_SHA256_HEX_LEN + 1];
    char container[TG_SHA256_HEX_LEN + 1]; /* content holding this member, "" for files */
    char *mime, *kind;
    double started; /* tg_now() when first given to a worker */
    unsigned depth; /* bundles around it */
    int stored;     /* path is the content's copy in the store (members, resumes) */
    int hashed;     /* the worker reported the digest */
    int extracting; /* told to extract */
    int bundle;     /* being read as a bundle */
    /* bundles */
    struct job *parent;      /* the bundle this member came from */
    unsigned children;       /* member jobs not finished yet */
    unsigned member_errors;  /* members (at any depth) that failed */
    int no_ocr;              /* it or a member (at any depth) was indexed while OCR was
                              * off where it would have read: a run with OCR reads
                              * the bundle again for it */
    json_t *members;         /* locations of the members this reading found */
    tg_manifest_t *manifest; /* the bundle's own manifest.csv, if it has one */
    char *manifest_where;    /* its location, for the record */
    int manifest_late;       /* ...found after some members were already queued */
    int incomplete;          /* the reading stopped early (damage, limit, resumed) */
    int done_self;           /* its own processing is over */
    unsigned skip;           /* entries to skip when read again */
    unsigned resumes;
    int cur_index; /* entry being read, -1 none */
    int cur_open;  /* that entry started and was not reported yet */
    char *cur_name;
    /* the event and location status, held until the members are done */
    char *final_what, *final_code, *final_reason, *final_status;
    json_t *final_extra;             /* merged into the event (what OCR did) */
    struct job *waiting;             /* same content found meanwhile, waiting on this one */
    struct job *next;                /* link in a waiting list or the queue */
    struct job *all_prev, *all_next; /* every live job, for cleanup */
    tg_locmeta_t lm;                 /* sidecar metadata of this location */
    /* The accounts of a top-level file (a file of the walk), kept on its
     * job for every bundle and embedded file inside it, at every level: */
    uint64_t tree_bytes;   /* bytes its readings expanded */
    uint64_t tree_members; /* members they reported */
    uint64_t tree_done;    /* of them, finished */
    double tree_cpu;       /* CPU seconds of the readings */
    unsigned tree_depth;   /* the deepest member's depth */
    const char *tree_stop; /* the budget that ran out ("bytes", "members", "time"), or NULL */
    double tree_noted;     /* when its last progress note was printed */
    /* ...and, on any job inside it: */
    double unpack_cpu; /* this reading's CPU seconds, as last reported */
    int unopened;      /* a bundle left unopened: the top-level file's budget was spent */
    int cut;           /* its reading was stopped by that budget */
    int limited;       /* it or something inside it was cut or left unopened */
} job_t;

typedef struct {
    job_t *head, *tail;
    size_t n;
} jobq_t;

/* A content's document and record read from the index, kept until the next
 * commit (see "Documents of this batch"). */
typedef struct cached {
    char sha[TG_SHA256_HEX_LEN + 1];
    tg_doc_t *doc;
    tg_record_t *rec;
    int dirty; /* changed: to be written before the commit */
    struct cached *next;
} cached_t;

#define CACHE_SLOTS 256
/* Documents kept at most; past it they are all written and forgotten. */
#define CACHE_MAX 512

typedef struct {
    const tg_ingest_opts_t *o;
    tg_store_t *store;
    tg_db_t *db;
    tg_ingestlog_t *log;
    tg_pool_t *pool;
    tg_stemmers_t *stem;
    tg_walk_t *walk;
    tg_sidecars_t *sidecars;
    int walk_done;
    jobq_t queue;
    job_t *all; /* every live job */
    uint64_t next_id;
    unsigned pending_docs;
    size_t pending_bytes;
    int dirty; /* uncommitted changes of any kind */
    double last_commit;
    tg_ingest_counts_t *c;
    tg_progress_t *progress;
    uint64_t done_files, total_files;

    tg_status_t fatal;
    char fatal_msg[1024];
    /* crash tests (TESTIGO_FAULT): die by SIGKILL after this many events or
     * commits, 0 for never */
    unsigned long kill_after_events, kill_after_commits, events, commits;
    int fault_signal;
    struct {
        char buf[STDERR_CAP];
        size_t len;
    } * err;                      /* per worker: its stderr during the current job */
    json_t *reextracted;          /* --reextract: SHA-256 -> true for contents done this run */
    cached_t *cache[CACHE_SLOTS]; /* by the first two hex digits of the SHA-256 */
    unsigned cached;
} ing_t;

/* ==== Small helpers ======================================================= */

static void job_free(ing_t *g, job_t *j)
{
    if (!j)
        return;
    if (j->all_prev)
        j->all_prev->all_next = j->all_next;
    else
        g->all = j->all_next;
    if (j->all_next)
        j->all_next->all_prev = j->all_prev;
    free(j->path);
    free(j->loc);
    free(j->rel);
    free(j->folder);
    free(j->old_sha);
    free(j->mime);
    free(j->kind);
    free(j->cur_name);
    free(j->final_what);
    free(j->final_code);
    free(j->final_reason);
    free(j->final_status);
    json_decref(j->final_extra);
    json_decref(j->members);
    tg_manifest_free(j->manifest);
    free(j->manifest_where);
    tg_locmeta_free(&j->lm);
    free(j);
}

static void set_str(char **dst, const char *s)
{
    free(*dst);
    *dst = s ? tg_xstrdup(s) : NULL;
}

/* The file of the walk that job j came from (j itself for such a file). */
static job_t *root_of(job_t *j)
{
    while (j->parent)
        j = j->parent;
    return j;
}

static void fmt_size(char *buf, size_t n, uint64_t bytes)
{
    if (bytes < 1024)
        snprintf(buf, n, "%llu bytes", (unsigned long long)bytes);
    else if (bytes < ((uint64_t)1 << 20))
        snprintf(buf, n, "%.1f KB", (double)bytes / 1024);
    else if (bytes < ((uint64_t)1 << 30))
        snprintf(buf, n, "%.1f MB", (double)bytes / (1 << 20));
    else
        snprintf(buf, n, "%.1f GB", (double)bytes / (1 << 30));
}

static void check(ing_t *g, tg_status_t st, const char *what)
{
    if (st == TG_OK || g->fatal)
        return;
    g->fatal = st;
    tg_errf(g->fatal_msg, sizeof g->fatal_msg, "%s: %s", what, tg_db_error(g->db));
}

static void push(jobq_t *q, job_t *j, int front)
{
    j->next = NULL;
    if (!q->head) {
        q->head = q->tail = j;
    } else if (front) {
        j->next = q->head;
        q->head = j;
    } else {
        q->tail->next = j;
        q->tail = j;
    }
    q->n++;
}

static job_t *pop(jobq_t *q)
{
    job_t *j = q->head;
    if (j) {
        q->head = j->next;
        if (!q->head)
            q->tail = NULL;
        j->next = NULL;
        q->n--;
    }
    return j;
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

static void event(ing_t *g, const char *what, const char *loc, const char *sha, const char *code,
                  const char *reason, double started)
{
    event_x(g, what, loc, sha, code, reason, started, NULL);
}

/* What OCR did for a document, for its ingest event: {"ocr": {"pages",
 * "recognised", "cached", "orientation_checks" (when OSD ran)}}, or NULL if
 * OCR read nothing.  Pages OCR could
 * not read are printed, naming the page: the file is indexed without them. */
static json_t *ocr_summary(ing_t *g, const char *loc, const tg_record_t *rec)
{
    const json_t *o = tg_record_ocr_json(rec);
    if (!json_is_object(o))
        return NULL;
    json_t *pages = json_object_get(o, "pages"), *p;
    size_t i;
    json_array_foreach(pages, i, p)
    {
        const char *e = tg_rec_str(p, "error");
        if (e && !g->o->quiet)
            tg_progress_print(g->progress,
                              "testigo-index: %s: warning: page %lld not read by OCR: %s\n", loc,
                              (long long)tg_rec_int(p, "page", 0), e);
    }
    static int osd_missing_said; /* once a run: it is the machine's, not the file's */
    if (tg_rec_int(o, "orientation_unchecked", 0) > 0 && !osd_missing_said && !g->o->quiet) {
        osd_missing_said = 1;
        tg_progress_print(g->progress,
                          "testigo-index: warning: tesseract's OSD model (osd.traineddata, Debian "
                          "package tesseract-ocr-osd) is not installed: pages that may lie turned "
                          "are read as they come (the first: %s); once it is installed, "
                          "--reextract reads them again\n",
                          loc);
    }
    json_t *r = json_pack("{s:{s:I, s:I, s:I}}", "ocr", "pages", (json_int_t)json_array_size(pages),
                          "recognised", (json_int_t)tg_rec_int(o, "recognised", 0), "cached",
                          (json_int_t)tg_rec_int(o, "cached", 0));
    if (tg_rec_int(o, "orientation_checks", 0) > 0)
        json_object_set_new(json_object_get(r, "ocr"), "orientation_checks",
                            json_integer(tg_rec_int(o, "orientation_checks", 0)));
    return r;
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

static tg_place_t place_of(const job_t *j)
{
    tg_place_t p = {j->loc,
                    j->folder,
                    j->sha,
                    j->size,
                    j->mtime_ns,
                    &j->lm,
                    j->container[0] ? j->container : NULL,
                    j->rel};
    return p;
}

static void loc_put(ing_t *g, const job_t *j, const char *status)
{
    tg_place_t p = place_of(j);
    check(g, tg_loc_put(g->db, &p, status), "cannot record a location");
    g->dirty = 1;
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

static unsigned cache_slot(const char *sha)
{
    unsigned v = 0;
    for (int k = 0; k < 2; k++)
        v = v << 4 | (unsigned)(sha[k] <= '9' ? sha[k] - '0' : (sha[k] | 0x20) - 'a' + 10);
    return v % CACHE_SLOTS;
}

static void content_flush(ing_t *g);

/* The record and document of content sha, or NULL if it is not indexed;
 * both belong to the cache (until the next commit or content_drop). */
static tg_record_t *content_get(ing_t *g, const char *sha, tg_doc_t **doc)
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
static void content_changed(ing_t *g, const char *sha)
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
        check(g, tg_content_put(g->db, g->stem, c->sha, c->doc, c->rec), "cannot write a document");
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

static void detach(ing_t *g, const char *sha, const char *loc, int *deleted)
{
    content_drop(g, sha, 1);
    check(g, tg_content_detach(g->db, g->stem, sha, loc, deleted), "cannot update a document");
    g->pending_docs++;
    g->dirty = 1;
}

/* A new document for content sha (an extraction's): written now. */
static void put(ing_t *g, const char *sha, tg_doc_t *doc, tg_record_t *rec)
{
    content_drop(g, sha, 0); /* superseded */
    check(g, tg_content_put(g->db, g->stem, sha, doc, rec), "cannot write a document");
    g->pending_docs++;
    g->dirty = 1;
}

/* ==== The top-level file's budget ========================================== */

/* A file of the walk may hold bundles in bundles in bundles (42.zip: five
 * levels of 16 zips, 4.5 PB of zeros in 42 KB).  Each bundle's own limits
 * bound one reading; these bound all the readings of one top-level file
 * together: the bytes they expand, the members they report and the CPU
 * time they take.  The readers report what they used with each member; a
 * bundle is opened with what is left, so a reader stops where the budget
 * runs out.  From then on the file's bundles that are still queued are
 * indexed as documents without being opened, what was read before is
 * indexed, and the file is reported as an error (its location is recorded
 * as failed: the next run reads it again, and stops again at the same
 * budget).  Several readers working on one file at once can together pass
 * the budget by what each was given when it started. */

/* The bytes file r may expand: --max-total-expanded, or its size times
 * --max-total-ratio if that is less (*by_ratio then says so). */
static uint64_t tree_byte_cap(const ing_t *g, const job_t *r, int *by_ratio)
{
    double c = g->o->max_total_ratio * (double)(r->size > 0 ? r->size : 0);
    if (c < (double)TREE_RATIO_GRACE)
        c = (double)TREE_RATIO_GRACE;
    *by_ratio = c < (double)g->o->max_total_expanded;
    return *by_ratio ? (uint64_t)c : g->o->max_total_expanded;
}

/* What stopped the unpacking of file r, for people (malloc'd). */
static char *tree_limit_text(const ing_t *g, const job_t *r)
{
    int by_ratio;
    char got[32], size[32];
    tree_byte_cap(g, r, &by_ratio);
    fmt_size(got, sizeof got, r->tree_bytes);
    fmt_size(size, sizeof size, (uint64_t)(r->size > 0 ? r->size : 0));
    if (!strcmp(r->tree_stop, "bytes") && by_ratio)
        return tg_xasprintf("its bundles, all nesting levels together, expanded to more than %g "
                            "times its size (%s from %s; --max-total-ratio): likely a zip bomb",
                            g->o->max_total_ratio, got, size);
    if (!strcmp(r->tree_stop, "bytes"))
        return tg_xasprintf("its bundles, all nesting levels together, expanded to more than "
                            "%llu MB (--max-total-expanded): likely a zip bomb",
                            (unsigned long long)(g->o->max_total_expanded >> 20));
    if (!strcmp(r->tree_stop, "members"))
        return tg_xasprintf("it holds more than %llu members, all nesting levels together "
                            "(--max-total-members)",
                            (unsigned long long)g->o->max_total_members);
    return tg_xasprintf("reading its bundles took more than %g s of CPU time, all nesting "
                        "levels together (--max-unpack-time)",
                        g->o->max_unpack_time);
}

/* File r's budget ran out (why: "bytes", "members" or "time"): say so now;
 * its error is reported when what was read is indexed. */
static void tree_stop(ing_t *g, job_t *r, const char *why)
{
    if (r->tree_stop)
        return;
    r->tree_stop = why;
    if (!g->o->quiet) {
        char *t = tree_limit_text(g, r);
        tg_progress_print(g->progress,
                          "testigo-index: %s: unpacking stopped: %s; indexing what was read\n",
                          r->loc, t);
        free(t);
    }
}

static void tree_check(ing_t *g, job_t *r)
{
    int by_ratio;
    if (r->tree_bytes > tree_byte_cap(g, r, &by_ratio))
        tree_stop(g, r, "bytes");
    else if (r->tree_members > g->o->max_total_members)
        tree_stop(g, r, "members");
    else if (r->tree_cpu > g->o->max_unpack_time)
        tree_stop(g, r, "time");
}

/* Reading j used CPU seconds in all so far (as its worker reports). */
static void tree_cpu(job_t *j, job_t *r, double cpu)
{
    if (cpu > j->unpack_cpu) {
        r->tree_cpu += cpu - j->unpack_cpu;
        j->unpack_cpu = cpu;
    }
}

/* Reading j (a bundle, or a document handing out embedded files) reported
 * member m, at that depth. */
static void tree_count(ing_t *g, job_t *j, json_t *m, unsigned depth)
{
    job_t *r = root_of(j);
    json_t *x = json_object_get(m, "expanded");
    json_int_t bytes = x ? json_integer_value(x) : tg_rec_int(m, "size", 0);
    r->tree_members++;
    r->tree_bytes += bytes > 0 ? (uint64_t)bytes : 0;
    tree_cpu(j, r, json_number_value(json_object_get(m, "cpu")));
    if (depth > r->tree_depth)
        r->tree_depth = depth;
    tree_check(g, r);
}

/* What is left of the budget of j's top-level file, for the "go" of a
 * bundle. */
static void tree_left(ing_t *g, job_t *j, json_t *go)
{
    job_t *r = root_of(j);
    int by_ratio;
    uint64_t cap = tree_byte_cap(g, r, &by_ratio);
    uint64_t bytes = cap > r->tree_bytes ? cap - r->tree_bytes : 0;
    uint64_t members =
        g->o->max_total_members > r->tree_members ? g->o->max_total_members - r->tree_members : 0;
    double cpu = g->o->max_unpack_time - r->tree_cpu;
    json_object_set_new(go, "tree_bytes", json_integer((json_int_t)bytes));
    json_object_set_new(go, "tree_members", json_integer((json_int_t)members));
    json_object_set_new(go, "tree_cpu", json_real(cpu > 0 ? cpu : 0));
    j->unpack_cpu = 0; /* a new reading */
}

/* Every NOTE_EVERY seconds, a line about each file whose members are still
 * at work, so that a long one is seen to move. */
static void tree_notes(ing_t *g)
{
    if (g->o->quiet)
        return;
    double now = tg_now();
    for (unsigned i = 0; i < g->pool->n; i++) {
        job_t *j = g->pool->w[i].job;
        if (!j || (!j->parent && !j->tree_members))
            continue;
        job_t *r = root_of(j);
        if (!r->started || now - r->started < NOTE_EVERY || now - r->tree_noted < NOTE_EVERY)
            continue;
        r->tree_noted = now;
        char got[32];
        fmt_size(got, sizeof got, r->tree_bytes);
        tg_progress_print(g->progress,
                          "testigo-index: %s: at work for %.0f s: %llu members found at up to %u "
                          "levels (%s unpacked, %.0f s of CPU), %llu done\n",
                          r->loc, now - r->started, (unsigned long long)r->tree_members,
                          r->tree_depth, got, r->tree_cpu, (unsigned long long)r->tree_done);
    }
}

/* ==== What flows down ======================================================= */

static void maybe_commit(ing_t *g);

typedef struct {
    const char *prefix; /* container location + "!/" */
    json_t *found;      /* location -> its metadata record */
} inside_scan_t;

static int scan_inside(void *ctx, const char *key, const char *value, size_t len)
{
    (void)key; /* a long location's key holds only its head: read "loc" */
    inside_scan_t *s = ctx;
    json_t *m = tg_json_parse_object(value, len);
    const char *loc = m ? tg_rec_str(m, "loc") : NULL;
    if (loc && !strncmp(loc, s->prefix, strlen(s->prefix)))
        json_object_set(s->found, loc, m);
    json_decref(m);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The location loc (a bundle, a mail, a mail folder), whose sidecar
 * metadata is lm and shown form rel, may pass down something else than
 * before: give every location inside it, at any depth, what it now holds
 * from above, and its shown form, without reading anything again.  Each
 * location's own restriction and embargo are in its metadata record ("r",
 * "emb"), so what each nested bundle passes on is known too. */
static void propagate(ing_t *g, const char *loc, const char *rel, const tg_locmeta_t *lm)
{
    char *prefix = tg_xasprintf("%s!/", loc);
    inside_scan_t s = {prefix, json_object()};
    tg_buf_t key;
    tg_buf_init(&key, 4096);
    tg_location_key_prefix(&key, prefix);
    check(g, tg_db_each_meta(g->db, key.data, 1, scan_inside, &s), "cannot read locations");
    tg_buf_free(&key);
    size_t n = json_object_size(s.found), k = 0;
    const char **locs = tg_xcalloc(n ? n : 1, sizeof *locs);
    const char *l;
    json_t *m;
    json_object_foreach(s.found, l, m) locs[k++] = l;
    /* a location sorts before every location inside it */
    qsort(locs, n, sizeof *locs, cmp_str);
    json_t *passes = json_object(); /* location -> what it passes down, or null */
    json_t *top = tg_locmeta_pass(lm->restricted, lm->embargo, lm->held, loc);
    json_object_set_new(passes, loc, top ? top : json_null());
    for (k = 0; k < n && !g->fatal; k++) {
        const char *mloc = locs[k];
        m = json_object_get(s.found, mloc);
        /* the nearest holding location known (itself always is) */
        char *up = tg_xstrdup(mloc);
        json_t *from = NULL;
        while (!from) {
            char *bang = NULL;
            for (char *p = strstr(up, "!/"); p; p = strstr(p + 2, "!/"))
                bang = p;
            if (!bang || (size_t)(bang - up) < strlen(loc))
                break;
            *bang = '\0';
            from = json_object_get(passes, up);
        }
        free(up);
        if (!from)
            from = json_object_get(passes, loc);
        json_t *held = json_is_null(from) ? NULL : from;
        json_t *mine = tg_locmeta_pass(json_is_true(json_object_get(m, "r")), tg_rec_str(m, "emb"),
                                       held, mloc);
        json_object_set_new(passes, mloc, mine ? mine : json_null());
        char *mrel = rel ? tg_xasprintf("%s%s", rel, mloc + strlen(loc)) : NULL;
        json_t *was = json_object_get(m, "held");
        int held_changed = !(held ? json_equal(held, was) : !was);
        int rel_changed = mrel && (!tg_rec_str(m, "rel") || strcmp(tg_rec_str(m, "rel"), mrel));
        const char *sha = tg_rec_str(m, "sha256");
        if ((held_changed || rel_changed) && sha && tg_sha256_valid(sha)) {
            tg_doc_t *doc;
            tg_record_t *rec = content_get(g, sha, &doc);
            if (rec && tg_place_inherit(rec, mloc, held, mrel))
                content_changed(g, sha);
            if (held)
                json_object_set(m, "held", held);
            else
                json_object_del(m, "held");
            if (mrel)
                tg_rec_set_exact(m, "rel", mrel);
            check(g, tg_loc_update(g->db, m), "cannot record a location");
            if (held_changed)
                event(g, "updated", mloc, sha, NULL,
                      held ? "restriction passed down by the location holding it changed"
                           : "restriction passed down by the location holding it lifted",
                      0);
            maybe_commit(g);
        }
        free(mrel);
    }
    json_decref(passes);
    free(locs);
    json_decref(s.found);
    free(prefix);
}

/* ==== Job completion ======================================================= */

static void complete(ing_t *g, job_t *j);
static void tree_final(ing_t *g, job_t *j);

/* j is over: account for it, free it, and let its bundle know. */
static void finish(ing_t *g, job_t *j)
{
    job_t *parent = j->parent;
    g->done_files++;
    if (parent)
        root_of(parent)->tree_done++;
    if (parent && j->limited)
        parent->limited = 1;
    if (parent && (j->member_errors || (j->final_what && !strcmp(j->final_what, "error"))))
        parent->member_errors++;
    if (parent && (j->no_ocr || (j->final_status && !strcmp(j->final_status, TG_LOC_NO_OCR))))
        parent->no_ocr = 1;
    job_free(g, j);
    if (parent && --parent->children == 0 && parent->done_self)
        complete(g, parent);
}

typedef struct {
    const char *prefix; /* bundle location + "!/" */
    json_t *keep;       /* member locations found by this reading */
    json_t *stale;      /* [loc, sha] of the others */
    int direct;         /* only members directly inside the bundle */
} stale_scan_t;

static int scan_members(void *ctx, const char *key, const char *value, size_t len)
{
    (void)key; /* a long location's key holds only its head: read "loc" */
    stale_scan_t *s = ctx;
    json_t *m = tg_json_parse_object(value, len);
    const char *loc = m ? tg_rec_str(m, "loc") : NULL;
    const char *sha = m ? tg_rec_str(m, "sha256") : NULL;
    size_t plen = strlen(s->prefix);
    if (loc && sha && !strncmp(loc, s->prefix, plen) && !(s->direct && strstr(loc + plen, "!/")) &&
        !(s->keep && json_object_get(s->keep, loc)))
        json_array_append_new(s->stale, json_pack("[s,s]", loc, sha));
    json_decref(m);
    return 0;
}

static void forget_location(ing_t *g, const char *loc, const char *sha);
static void late_manifest(ing_t *g, job_t *j);

/* Forgets the members of the bundle at loc that are not in keep (all of
 * them when keep is NULL), with everything nested inside them. */
static void forget_members(ing_t *g, const char *loc, json_t *keep)
{
    char *prefix = tg_xasprintf("%s!/", loc);
    stale_scan_t s = {prefix, keep, json_array(), keep != NULL};
    tg_buf_t key;
    tg_buf_init(&key, 4096);
    tg_location_key_prefix(&key, prefix);
    check(g, tg_db_each_meta(g->db, key.data, 1, scan_members, &s), "cannot read locations");
    tg_buf_free(&key);
    size_t i;
    json_t *e;
    json_array_foreach(s.stale, i, e) forget_location(g, json_string_value(json_array_get(e, 0)),
                                                      json_string_value(json_array_get(e, 1)));
    json_decref(s.stale);
    free(prefix);
}

/* loc no longer holds content sha: forget the location and what it held. */
static void forget_location(ing_t *g, const char *loc, const char *sha)
{
    int deleted = 0;
    check(g, tg_loc_forget(g->db, loc), "cannot forget a location");
    detach(g, sha, loc, &deleted);
    if (deleted)
        g->c->removed++;
    forget_members(g, loc, NULL);
}

/* j's own processing is over; record it once its members are too. */
static void complete(ing_t *g, job_t *j)
{
    j->done_self = 1;
    if (j->children)
        return;
    tree_final(g, j);
    /* a bundle with failed members is read again next time, so that they
     * are retried and reported again; so is one not read in full because
     * its top-level file's budget ran out */
    if ((j->member_errors || j->limited) && j->final_status)
        set_str(&j->final_status, TG_LOC_FAILED);
    else if (j->no_ocr && j->final_status && !strcmp(j->final_status, TG_LOC_INDEXED))
        set_str(&j->final_status, TG_LOC_NO_OCR);
    /* a bundle read to its end: members it no longer holds are gone; so
     * are the embedded files a document extracted in full no longer has */
    if (j->bundle && !j->incomplete && j->members) {
        forget_members(g, j->loc, j->members);
    } else if (!j->bundle && j->extracting && !j->incomplete && tg_extract_embeds(j->kind)) {
        json_t *none = json_object();
        forget_members(g, j->loc, j->members ? j->members : none);
        json_decref(none);
    }
    if (j->bundle && j->manifest && j->manifest_late && j->members)
        late_manifest(g, j);
    if (j->final_status)
        loc_put(g, j, j->final_status);
    if (j->final_what)
        event_x(g, j->final_what, j->loc, j->hashed ? j->sha : NULL, j->final_code, j->final_reason,
                j->started, j->final_extra);
    finish(g, j);
}

static void set_final(job_t *j, const char *what, const char *code, const char *reason,
                      const char *status)
{
    set_str(&j->final_what, what);
    set_str(&j->final_code, code);
    set_str(&j->final_reason, reason);
    set_str(&j->final_status, status);
}

/* The event of j, done with everything inside it, when its top-level
 * file's budget ran out: the file itself is an error that says which
 * budget and what was read; a bundle inside it left unopened or read in
 * part is skipped (its own failure, if it had one, stays). */
static void tree_final(ing_t *g, job_t *j)
{
    job_t *r = root_of(j);
    const char *status = j->final_status ? TG_LOC_FAILED : NULL;
    int failed = j->final_what && !strcmp(j->final_what, "error");
    if (j == r && r->tree_stop) {
        char *lim = tree_limit_text(g, r);
        char *why = tg_xasprintf("%s%sstopped unpacking: %s; the %llu members read before, at up "
                                 "to %u levels, are indexed, the rest is not",
                                 failed && !j->cut && j->final_reason ? j->final_reason : "",
                                 failed && !j->cut && j->final_reason ? "; " : "", lim,
                                 (unsigned long long)r->tree_members, r->tree_depth);
        set_final(j, "error", "limit", why, status);
        free(why);
        free(lim);
        j->limited = 1;
    } else if (j != r && (j->cut || (j->unopened && !failed))) {
        char *why = tg_xasprintf("%s: the file it is in, %s, reached its unpacking limit",
                                 j->cut ? "read in part" : "not opened", r->loc);
        set_final(j, "skipped", "limit", why, status);
        free(why);
        j->limited = 1;
    }
}

/* Content j->sha is indexed: give it location j->loc. */
static void attach(ing_t *g, job_t *j)
{
    tg_doc_t *doc;
    tg_record_t *rec = content_get(g, j->sha, &doc);
    if (!rec) {
        set_final(j, "error", "internal", "content vanished from the index", NULL);
        complete(g, j);
        return;
    }
    int known = tg_record_find_location(rec, j->loc, NULL) != NULL;
    tg_place_t p = place_of(j);
    int changed = tg_place_add(rec, &p);
    if (changed)
        content_changed(g, j->sha);
    const char *status = tg_record_loc_status(rec);
    if (known)
        propagate(g, j->loc, j->rel, &j->lm); /* a bundle not read again; rec may go */
    int moved = j->old_sha && strcmp(j->old_sha, j->sha) != 0;
    if (moved)
        detach(g, j->old_sha, j->loc, NULL); /* rec may be gone from here */
    if (known && changed && !moved)
        set_final(j, "updated", NULL, "sidecar metadata changed", status);
    else
        set_final(j, moved ? "updated" : known ? "unchanged" : "duplicate", NULL, NULL, status);
    complete(g, j);
}

/* A worker's document for job j (or one built here after a worker died). */
static void apply_doc(ing_t *g, job_t *j, tg_doc_t *doc, tg_record_t *rec, const char *failure,
                      const char *failure_code)
{
    tg_doc_t *prev_doc;
    tg_store_note(g->store, j->sha); /* its files durable before the commit */
    tg_record_t *prev = content_get(g, j->sha, &prev_doc);
    char now[32];
    tg_iso8601((int64_t)time(NULL), now, sizeof now);
    if (prev) {
        /* re-extraction of known content: keep where it was found and when */
        tg_record_take_locations(rec, prev);
        const char *ing = tg_record_get_ingested(prev);
        tg_record_set_ingested(rec, ing ? ing : now);
    } else {
        tg_record_set_ingested(rec, now);
    }
    int had = prev != NULL;
    int known = prev && tg_record_find_location(prev, j->loc, NULL);
    prev = NULL; /* the cache's, and superseded by put() */
    tg_place_t p = place_of(j);
    tg_place_add(rec, &p);
    put(g, j->sha, doc, rec);
    int moved = j->old_sha && strcmp(j->old_sha, j->sha) != 0;
    if (moved)
        detach(g, j->old_sha, j->loc, NULL);

    /* one event per file: a failure or a skip says it all */
    const char *status = tg_record_loc_status(rec);
    char deep[160];
    if (j->too_deep && !failure) {
        snprintf(deep, sizeof deep,
                 "bundle nested deeper than %u levels (--max-depth): kept, not opened",
                 g->o->max_depth);
        failure = deep;
        failure_code = "limit";
        status = TG_LOC_FAILED;
    }
    if (failure) {
        char *r = tg_xasprintf("%s (original kept, indexed without text)", failure);
        set_final(j, "error", failure_code, r, status);
        free(r);
    } else if (!strcmp(status, TG_LOC_UNSUPPORTED)) {
        char *r = tg_xasprintf("unsupported type %s (original kept, indexed without text)",
                               j->mime ? j->mime : "?");
        set_final(j, "skipped", "unsupported type", r, status);
        free(r);
    } else {
        /* re-extracted at the same place: updated; known content at a new
         * place (a bundle read again for its members): duplicate */
        json_decref(j->final_extra);
        j->final_extra = ocr_summary(g, j->loc, rec);
        const char *what = moved       ? "updated"
                           : !had      ? "added"
                           : !known    ? "duplicate"
                           : j->bundle ? "unchanged" /* read again for its members */
                                       : "updated";  /* extracted again */
        set_final(j, what, NULL, NULL, status);
    }
    /* the same content found elsewhere meanwhile */
    for (job_t *w = j->waiting, *next; w; w = next) {
        next = w->next;
        attach(g, w);
    }
    j->waiting = NULL;
    complete(g, j);
}

/* Job j cannot be processed: index the original without text if it reached
 * the store, and report. */
static void job_failed(ing_t *g, job_t *j, const char *code, const char *reason)
{
    j->incomplete = 1; /* what it embedded so far is not all it holds */
    if (j->hashed) {
        tg_failed_t f = {.sha = j->sha,
                         .size = j->size,
                         .mime = j->mime,
                         .kind = j->kind,
                         .reason = reason,
                         .name = tg_location_basename(j->loc)};
        tg_doc_t *doc;
        tg_record_t *rec;
        tg_content_failed(&f, &doc, &rec);
        apply_doc(g, j, doc, rec, reason, code);
        tg_record_free(rec);
        tg_doc_free(doc);
    } else {
        set_final(j, "error", code, reason, NULL);
        complete(g, j);
    }
}

/* ==== Committing ========================================================== */

static void commit(ing_t *g)
{
    content_flush(g);
    if (!g->dirty || g->fatal)
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
    check(g, tg_db_set_meta(g->db, TG_META_LOG_HEAD, lhs, strlen(lhs)), "cannot commit the index");
    free(lhs);
    if (!g->fatal)
        check(g, tg_db_commit(g->db), "cannot commit the index");
    if (g->fatal)
        return;
    if (tg_ingestlog_flush(g->log))
        tg_progress_print(g->progress, "testigo-index: warning: cannot write the ingest log: %s\n",
                          strerror(errno));
    g->pending_docs = 0;
    g->pending_bytes = 0;
    g->dirty = 0;
    g->last_commit = tg_now();
    if (g->kill_after_commits && ++g->commits >= g->kill_after_commits)
        raise(SIGKILL);
}

static void maybe_commit(ing_t *g)
{
    if (g->pending_docs >= g->o->batch || g->pending_bytes >= COMMIT_BYTES ||
        (g->dirty && tg_now() - g->last_commit >= g->o->batch_seconds))
        commit(g);
}

/* ==== Feeding workers ====================================================== */

/* Is the location as it was when last indexed?  Sets j->old_sha either way.
 * Returns 0: no, 1: yes, 2: yes but its sidecar metadata or what it holds
 * from the locations holding it changed, 3: yes, but an archive written
 * before does not have its shown form (writer.h) yet. */
static int unchanged(ing_t *g, job_t *j)
{
    json_t *m = tg_loc_get(g->db, j->loc);
    if (!m)
        return 0;
    const char *sha = tg_rec_str(m, "sha256");
    if (sha && tg_sha256_valid(sha))
        j->old_sha = tg_xstrdup(sha);
    const char *st = tg_rec_str(m, "status");
    int same = tg_rec_int(m, "size", -1) == j->size && tg_rec_int(m, "mtime", -1) == j->mtime_ns;
    /* settled: nothing more to do while the file stays the same; but what
     * OCR was off for is read once a run has OCR on */
    int settled =
        st && (!strcmp(st, TG_LOC_INDEXED) || !strcmp(st, TG_LOC_EMPTY) ||
               (!strcmp(st, TG_LOC_NO_OCR) && !g->o->ocr) ||
               (!strcmp(st, TG_LOC_UNSUPPORTED) && tg_rec_int(m, "v", 0) >= TG_EXTRACTOR_VERSION));
    j->old_settled = settled && !g->o->reextract;
    int no_ocr = st && !strcmp(st, TG_LOC_NO_OCR);
    const char *sc = tg_rec_str(m, "sc");
    json_t *held = json_object_get(m, "held");
    int same_meta = !strcmp(sc ? sc : "", j->lm.fingerprint) &&
                    (j->lm.held ? json_equal(j->lm.held, held) : !held);
    int has_rel = !j->rel || tg_rec_str(m, "rel");
    json_decref(m);
    if (!(same && settled && j->old_sha) || g->o->reextract)
        return 0;
    j->no_ocr = no_ocr; /* its bundle, if read again, keeps the mark */
    return !same_meta ? 2 : !has_rel ? 3 : 1;
}

/* Only the sidecar metadata of an unchanged file changed (or what it holds
 * from a bundle holding it, or its shown form is to be recorded): apply it
 * to the document its content already has, and pass it down to what the
 * file holds, no worker needed.  The event says why (reason NULL: nothing
 * a user sees changed, "unchanged"). */
static void reapply(ing_t *g, job_t *j, const char *reason)
{
    memcpy(j->sha, j->old_sha, sizeof j->sha);
    tg_doc_t *doc;
    tg_record_t *rec = content_get(g, j->sha, &doc);
    if (!rec) {
        event(g, "error", j->loc, j->sha, "internal", "content vanished from the index", 0);
        return;
    }
    tg_place_t p = place_of(j);
    if (tg_place_add(rec, &p))
        content_changed(g, j->sha);
    const char *status = tg_record_loc_status(rec);
    /* what it holds first, its own record last: a run killed in between
     * finds it changed and does it all again (rec may be gone after) */
    propagate(g, j->loc, j->rel, &j->lm);
    json_t *m = tg_loc_get(g->db, j->loc);
    const char *st = m ? tg_rec_str(m, "status") : NULL;
    loc_put(g, j, st ? st : status);
    json_decref(m);
    event(g, reason ? "updated" : "unchanged", j->loc, j->sha, NULL, reason, 0);
}

/* A sidecar file or a saved page's resource: never a document (code says
 * which).  If an earlier run indexed it as one, its location is taken off
 * that document. */
static void not_a_document(ing_t *g, const char *loc, const char *code, const char *what)
{
    json_t *m = tg_loc_get(g->db, loc);
    const char *sha = m ? tg_rec_str(m, "sha256") : NULL;
    if (sha && tg_sha256_valid(sha)) {
        detach(g, sha, loc, NULL);
        check(g, tg_loc_forget(g->db, loc), "cannot forget a location");
    }
    json_decref(m);
    event(g, "skipped", loc, NULL, code, what, 0);
}

/* Suffixes browsers give the folder of a "complete page" save: Page.html
 * and Page_files/ beside it (older Spanish browsers: Page_archivos/). */
static const char *const page_folder_suffixes[] = {"_files", "_archivos"};
static const char *const page_suffixes[] = {".html", ".htm", ".xhtml", ".shtml"};

/* 1 if path lies in a folder X_files (below root) beside a file X.html: an
 * image, style sheet or script of a page saved complete, not a document
 * of its own.  *what gets a malloc'd description ("resource of saved page
 * X.html"). */
static int saved_page_resource(const char *path, const char *root, char **what)
{
    size_t rl = strlen(root);
    if (strncmp(path, root, rl) != 0)
        return 0;
    const char *p = path + rl;
    if (rl == 0 || root[rl - 1] != '/') {
        if (*p != '/')
            return 0;
        p++;
    }
    for (const char *slash = strchr(p, '/'); slash; p = slash + 1, slash = strchr(p, '/')) {
        size_t n = (size_t)(slash - p);
        for (size_t k = 0; k < TG_ARRAY_LEN(page_folder_suffixes); k++) {
            size_t sl = strlen(page_folder_suffixes[k]);
            if (n <= sl || memcmp(p + n - sl, page_folder_suffixes[k], sl) != 0)
                continue;
            for (size_t e = 0; e < TG_ARRAY_LEN(page_suffixes); e++) {
                char *page =
                    tg_xasprintf("%.*s%s", (int)((p - path) + n - sl), path, page_suffixes[e]);
                struct stat sb;
                int is = tg_lstat_path(page, &sb) == 0 && S_ISREG(sb.st_mode);
                if (is) {
                    const char *b = page + (p - path);
                    char *name = tg_utf8_escape_bytes(b, strlen(b));
                    *what = tg_xasprintf("resource of saved page %s", name);
                    free(name);
                }
                free(page);
                if (is)
                    return 1;
            }
        }
    }
    return 0;
}

/* A problem with a sidecar file: reported as an error of that file. */
static void sidecar_problem(void *ctx, const char *sidecar, const char *reason)
{
    ing_t *g = ctx;
    g->c->sidecar_problems++;
    event(g, "error", sidecar, NULL, "bad sidecar", reason, 0);
}

static job_t *new_job(ing_t *g, const char *path, char *loc, char *folder, int64_t size,
                      int64_t mtime_ns)
{
    job_t *j = tg_xcalloc(1, sizeof *j);
    j->id = ++g->next_id;
    j->path = tg_xstrdup(path);
    j->loc = loc;
    j->folder = folder;
    j->size = size;
    j->mtime_ns = mtime_ns;
    j->cur_index = -1;
    j->all_next = g->all;
    if (g->all)
        g->all->all_prev = j;
    g->all = j;
    return j;
}

/* The next job: a queued member or resumed bundle first, then the walk. */
static job_t *next_job(ing_t *g)
{
    job_t *q = pop(&g->queue);
    if (q)
        return q;
    tg_walk_entry_t e;
    while (!g->walk_done && !tg_ingest_stop && !g->fatal) {
        if (!tg_walk_next(g->walk, &e)) {
            g->walk_done = 1;
            break;
        }
        char *loc = tg_utf8_escape_bytes(e.path, strlen(e.path));
        if (e.kind != TG_WALK_FILE) {
            int err = e.kind == TG_WALK_ERROR;
            event(g, err ? "error" : "skipped", loc, NULL, err ? "unreadable" : e.reason, e.reason,
                  0);
            g->done_files++;
            free(loc);
            continue;
        }
        char *what = NULL;
        const char *code = NULL;
        if (tg_sidecars_is_sidecar(g->sidecars, e.path, e.root, &what))
            code = "sidecar";
        else if (saved_page_resource(e.path, e.root, &what))
            code = "saved page resource";
        if (code) {
            not_a_document(g, loc, code, what);
            free(what);
            free(loc);
            g->done_files++;
            maybe_commit(g);
            continue;
        }
        job_t *j = new_job(g, e.path, loc, tg_utf8_escape_bytes(e.folder, strlen(e.folder)), e.size,
                           e.mtime_ns);
        j->rel = tg_utf8_escape_bytes(e.rel, strlen(e.rel));
        g->c->bytes += (unsigned long)e.size;
        tg_sidecars_lookup(g->sidecars, e.path, e.root, &j->lm);
        int u = unchanged(g, j);
        if (u) {
            if (u >= 2)
                reapply(g, j, u == 2 ? "sidecar metadata changed" : NULL);
            else
                event(g, "unchanged", j->loc, j->old_sha, NULL, NULL, 0);
            finish(g, j);
            maybe_commit(g);
            continue;
        }
        return j;
    }
    return NULL;
}

static void worker_lost(ing_t *g, unsigned i, int kill_it, const char *code, const char *why);

static tg_status_t send_job(ing_t *g, unsigned i, job_t *j)
{
    tg_worker_slot_t *w = &g->pool->w[i];
    json_t *m = json_pack("{s:s, s:I, s:I, s:f, s:I, s:i, s:f, s:I, s:I, s:b}", "type", "job", "id",
                          (json_int_t)j->id, "max_file", (json_int_t)g->o->max_file, "cpu",
                          g->o->cpu_limit, "max_text", (json_int_t)g->o->max_text, "max_pages",
                          (int)g->o->max_pages, "timeout", g->o->timeout, "max_member",
                          (json_int_t)g->o->max_member, "max_members",
                          (json_int_t)g->o->max_members, "embed", j->depth < g->o->max_depth);
    if (j->stored)
        json_object_set_new(m, "stored", json_string(j->sha));
    /* OCR settings travel with each job (absent: OCR is off); see proto.h */
    if (g->o->ocr)
        json_object_set_new(m, "ocr",
                            json_pack("{s:s, s:f, s:I}", "lang", g->o->ocr_lang, "timeout",
                                      g->o->ocr_timeout, "max_pixels",
                                      (json_int_t)g->o->ocr_max_pixels));
    /* the file name (a date in it dates the document) and the names list */
    tg_rec_set_str(m, "name", tg_location_basename(j->loc));
    if (g->o->names)
        tg_rec_set_str(m, "names", g->o->names);
    /* pages drawn ahead only where the location may be shown: restricted
     * and embargoed documents are never drawn (docs/pages.md) */
    if (g->o->render_pages && !j->lm.restricted && !j->lm.embargo[0] && !j->lm.held)
        json_object_set_new(m, "render_pages", json_true());
    tg_status_t st = tg_msg_send(w->fd, m, j->path, strlen(j->path));
    json_decref(m);
    return st;
}

/* Job j becomes worker i's current job: its clock starts. */
static void start(ing_t *g, unsigned i, job_t *j)
{
    tg_worker_slot_t *w = &g->pool->w[i];
    w->job = j;
    if (!j->started)
        j->started = tg_now();
    w->deadline = tg_now() + g->o->timeout + (double)j->size / COPY_RATE;
    tg_progress_update(g->progress, g->done_files, g->total_files, g->c->bytes, j->loc, 0);
}

static void dispatch(ing_t *g, unsigned i, job_t *j)
{
    tg_status_t st = send_job(g, i, j);
    start(g, i, j);
    if (st)
        worker_lost(g, i, 0, "crash", NULL);
}

/* Worker i is finishing a small text file (cheap, see worker.c): send it
 * its next job now, so that it never waits for the indexer between files.
 * Only behind such a job: a job queued behind a bundle or an OCR'd scan
 * would wait there while other workers sit idle. */
static void dispatch_ahead(ing_t *g, unsigned i)
{
    tg_worker_slot_t *w = &g->pool->w[i];
    job_t *cur = w->job;
    if (!cur || w->next || w->fd < 0 || !cur->hashed || cur->bundle || !cur->kind ||
        strcmp(cur->kind, "text") != 0 || (uint64_t)cur->size > TG_SPECULATE_MAX)
        return;
    job_t *j = next_job(g);
    if (!j)
        return;
    w->next = j;
    if (send_job(g, i, j))
        worker_lost(g, i, 0, "crash", NULL);
}

/* The job sent ahead to worker i goes back to the front of the queue (its
 * worker is about to be replaced). */
static void requeue_ahead(ing_t *g, unsigned i)
{
    job_t *n = g->pool->w[i].next;
    g->pool->w[i].next = NULL;
    if (n)
        push(&g->queue, n, 1);
}

static job_t *find_extracting(ing_t *g, const char *sha, const job_t *except)
{
    for (unsigned i = 0; i < g->pool->n; i++) {
        job_t *j = g->pool->w[i].job;
        if (j && j != except && j->extracting && !j->bundle && !strcmp(j->sha, sha))
            return j;
    }
    return NULL;
}

static void reply(ing_t *g, unsigned i, json_t *m)
{
    tg_msg_send(g->pool->w[i].fd, m, NULL, 0);
    json_decref(m);
}

static void reply_go(ing_t *g, unsigned i, job_t *j)
{
    json_t *m = json_pack("{s:s}", "type", "go");
    if (j->bundle) {
        json_object_set_new(m, "bundle", json_true());
        json_object_set_new(m, "skip", json_integer(j->skip));
        json_object_set_new(m, "name", json_string(tg_location_basename(j->loc)));
        json_object_set_new(m, "max_member", json_integer((json_int_t)g->o->max_member));
        json_object_set_new(m, "max_total", json_integer((json_int_t)g->o->max_expanded));
        json_object_set_new(m, "max_ratio", json_real(g->o->max_ratio));
        json_object_set_new(m, "max_members", json_integer((json_int_t)g->o->max_members));
        tree_left(g, j, m);
    }
    reply(g, i, m);
    j->extracting = 1;
    g->pool->w[i].deadline = tg_now() + g->o->timeout;
}

/* Worker i is done with its job (it goes on elsewhere or is over) and goes
 * on with the one sent ahead, if any. */
static void release(ing_t *g, unsigned i)
{
    tg_worker_slot_t *w = &g->pool->w[i];
    job_t *n = w->next;
    w->job = NULL;
    w->next = NULL;
    w->deadline = 0;
    if (n)
        start(g, i, n);
}

static void on_hashed(ing_t *g, unsigned i, job_t *j, json_t *m)
{
    const char *sha = tg_rec_str(m, "sha256");
    if (!sha || !tg_sha256_valid(sha)) {
        requeue_ahead(g, i);
        tg_pool_kill(g->pool, i);
        job_failed(g, j, "crash", "worker sent a bad digest");
        return;
    }
    if (j->bundle && j->hashed) {
        /* a bundle read again after its reader died */
        reply_go(g, i, j);
        return;
    }
    memcpy(j->sha, sha, sizeof j->sha);
    tg_store_note(g->store, sha); /* a copy may have replaced a committed one */
    j->size = tg_rec_int(m, "size", j->size);
    set_str(&j->mime, tg_rec_str(m, "mime") ? tg_rec_str(m, "mime") : "application/octet-stream");
    set_str(&j->kind, tg_rec_str(m, "kind") ? tg_rec_str(m, "kind") : "other");
    j->hashed = 1;

    if (j->size == 0) {
        reply(g, i, json_pack("{s:s}", "type", "skip"));
        release(g, i);
        if (j->old_sha && strcmp(j->old_sha, j->sha))
            detach(g, j->old_sha, j->loc, NULL);
        set_final(j, "skipped", "empty file", "empty file", TG_LOC_EMPTY);
        complete(g, j);
        return;
    }
    int same_place = j->old_sha && !strcmp(j->old_sha, j->sha) && j->old_settled;
    if (!strcmp(j->kind, "archive") && !same_place && root_of(j)->tree_stop) {
        /* its top-level file's budget is spent: a document like any
         * other, not opened (tree_final says so) */
        j->unopened = 1;
    } else if (!strcmp(j->kind, "archive") && !same_place) {
        /* read it even if its content is known: its members need this
         * location too */
        if (j->depth < g->o->max_depth) {
            j->bundle = 1;
            if (!j->members)
                j->members = json_object();
        } else {
            j->too_deep = 1;
        }
        reply_go(g, i, j);
        return;
    }
    if (tg_extract_embeds(j->kind) && !same_place) {
        /* a mail: extracted at every new location, as a bundle is read,
         * since its attachments need this location too */
        reply_go(g, i, j);
        return;
    }
    job_t *primary = find_extracting(g, j->sha, j);
    if (primary) {
        reply(g, i, json_pack("{s:s}", "type", "skip"));
        release(g, i);
        j->next = primary->waiting;
        primary->waiting = j;
        return;
    }
    tg_doc_t *doc;
    tg_record_t *rec = content_get(g, j->sha, &doc);
    const char *ex = rec ? tg_record_get_extraction(rec) : NULL;
    int need = !rec || (ex && !strcmp(ex, TG_EXTRACTION_FAILED)) ||
               (ex && !strcmp(ex, TG_EXTRACTION_UNSUPPORTED) &&
                tg_record_get_extractor(rec) < TG_EXTRACTOR_VERSION) ||
               (g->o->ocr && rec && tg_record_get_ocr_skipped(rec));
    if (g->o->reextract && !json_object_get(g->reextracted, j->sha)) {
        need = 1;
        json_object_set_new(g->reextracted, j->sha, json_true());
    }
    if (need) {
        reply_go(g, i, j);
        return;
    }
    reply(g, i, json_pack("{s:s}", "type", "skip"));
    release(g, i);
    free(take_stderr(g, i));
    attach(g, j);
}

/* A bundle's reader started an entry. */
static void on_entry(ing_t *g, unsigned i, job_t *j, json_t *m)
{
    j->cur_index = (int)tg_rec_int(m, "index", -1);
    j->cur_open = 1;
    set_str(&j->cur_name, tg_rec_str(m, "name"));
    g->pool->w[i].deadline =
        tg_now() + g->o->timeout + (double)tg_rec_int(m, "size", 0) / COPY_RATE;
}

/* A manifest.csv at the root of a bundle: metadata for the bundle's members,
 * never a document itself.  Problems are reported as the manifest's. */
static void bundle_manifest(ing_t *g, job_t *j, const char *loc, const char *sha)
{
    tg_buf_t data;
    tg_buf_init(&data, TG_MANIFEST_MAX_BYTES);
    tg_status_t st = tg_store_get_original(g->store, sha, &data);
    if (st) {
        /* what it says cannot be told: every member is restricted */
        const char *why = st == TG_ERR_LIMIT ? "too large" : "unreadable";
        char *r = tg_xasprintf("manifest %s: every member of %s is restricted until it is fixed",
                               why, tg_location_basename(j->loc));
        event(g, "error", loc, sha, "bad sidecar", r, 0);
        free(r);
        j->member_errors++;
        tg_manifest_free(j->manifest);
        j->manifest = tg_manifest_unreadable(why);
        free(j->manifest_where);
        j->manifest_where = tg_xstrdup(loc);
    } else {
        tg_manifest_free(j->manifest);
        j->manifest = tg_manifest_parse(tg_buf_str(&data), data.len);
        free(j->manifest_where);
        j->manifest_where = tg_xstrdup(loc);
        for (size_t k = 0; k < tg_manifest_problems_kept(j->manifest); k++) {
            char *r = tg_xasprintf("manifest: %s", tg_manifest_problem(j->manifest, k));
            g->c->sidecar_problems++;
            event(g, "error", loc, sha, "bad sidecar", r, 0);
            free(r);
        }
        char *what = tg_xasprintf("manifest of %s", tg_location_basename(j->loc));
        event(g, "skipped", loc, sha, "sidecar", what, 0);
        free(what);
    }
    tg_buf_free(&data);
}

/* The bundle's manifest came after some of its members had been queued:
 * give those members their rows now (their documents are written). */
static void late_manifest(ing_t *g, job_t *j)
{
    size_t prefix = strlen(j->loc) + 2; /* "bundle!/" */
    const char *loc;
    json_t *v;
    json_object_foreach(j->members, loc, v)
    {
        if (strlen(loc) <= prefix || strstr(loc + prefix, "!/"))
            continue;
        json_t *m = tg_loc_get(g->db, loc);
        const char *sha = m ? tg_rec_str(m, "sha256") : NULL;
        tg_locmeta_t lm;
        tg_locmeta_from_manifest(j->manifest, j->manifest_where, loc + prefix, &lm);
        tg_locmeta_inherit(&lm, j->loc, &j->lm);
        const char *sc = m ? tg_rec_str(m, "sc") : NULL;
        char *rel = j->rel ? tg_xasprintf("%s%s", j->rel, loc + prefix - 2) : NULL;
        if (sha && tg_sha256_valid(sha) && strcmp(sc ? sc : "", lm.fingerprint) != 0) {
            tg_place_t p = {.loc = loc,
                            .folder = j->folder,
                            .sha = sha,
                            .size = tg_rec_int(m, "size", 0),
                            .mtime_ns = tg_rec_int(m, "mtime", 0),
                            .lm = &lm,
                            .container = j->sha,
                            .rel = rel};
            tg_doc_t *doc;
            tg_record_t *rec = content_get(g, sha, &doc);
            if (rec) {
                if (tg_place_add(rec, &p))
                    content_changed(g, sha);
                const char *st = tg_rec_str(m, "status");
                st = st ? st : tg_record_loc_status(rec);
                /* a bundle or mail among them passes its new row down
                 * (first: its own row last; rec may be gone after) */
                propagate(g, loc, rel, &lm);
                check(g, tg_loc_put(g->db, &p, st), "cannot record a location");
            }
        }
        free(rel);
        tg_locmeta_free(&lm);
        json_decref(m);
    }
}

/* A bundle's reader finished an entry: a member in the store, or a name only. */
static void on_member(ing_t *g, unsigned i, job_t *j, json_t *m)
{
    j->cur_open = 0;
    g->pool->w[i].deadline = tg_now() + g->o->timeout;
    const char *name = tg_rec_str(m, "name") ? tg_rec_str(m, "name") : "?";
    char *loc = tg_xasprintf("%s!/%s", j->loc, name);
    if (!j->members)
        j->members = json_object();
    json_object_set_new(j->members, loc, json_true());
    tree_count(g, j, m, j->depth + 1);
    const char *sha = tg_rec_str(m, "sha256");
    const char *code = tg_rec_str(m, "code");
    if (!sha || !tg_sha256_valid(sha)) {
        int err = json_is_true(json_object_get(m, "error"));
        event(g, err ? "error" : "skipped", loc, NULL, code ? code : "unreadable",
              tg_rec_str(m, "reason"), 0);
        j->member_errors += err;
        free(loc);
        return;
    }
    if (j->bundle && !strcmp(name, TG_MANIFEST_NAME)) {
        /* a bundle's own manifest; a mail's attachment of that name is a
         * document like any other */
        bundle_manifest(g, j, loc, sha);
        free(loc);
        return;
    }
    char *path = tg_store_path(g->store, sha);
    job_t *c = new_job(g, path, loc, tg_xstrdup(j->folder), tg_rec_int(m, "size", 0),
                       tg_rec_int(m, "mtime", 0));
    free(path);
    if (j->manifest)
        tg_locmeta_from_manifest(j->manifest, j->manifest_where, name, &c->lm);
    else if (j->bundle)
        j->manifest_late = 1; /* in case the manifest comes after this member */
    /* whatever restricts the bundle or mail restricts what it holds */
    tg_locmeta_inherit(&c->lm, j->loc, &j->lm);
    c->rel = j->rel ? tg_xasprintf("%s!/%s", j->rel, name) : NULL;
    memcpy(c->sha, sha, sizeof c->sha);
    memcpy(c->container, j->sha, sizeof c->container);
    tg_store_note(g->store, sha);
    c->stored = 1;
    c->depth = j->depth + 1;
    g->total_files++;
    int u = unchanged(g, c);
    if (u) {
        if (u >= 2)
            reapply(g, c, u == 2 ? "sidecar metadata changed" : NULL);
        else
            event(g, "unchanged", c->loc, c->old_sha, NULL, NULL, 0);
        finish(g, c);
        return;
    }
    c->parent = j;
    j->children++;
    push(&g->queue, c, 0);
}

static void on_doc(ing_t *g, unsigned i, job_t *j, json_t *m, const char *payload, size_t len)
{
    char err[512] = "";
    tg_doc_t *doc;
    tg_record_t *rec = tg_record_from_json(json_object_get(m, "record"));
    char *said = take_stderr(g, i);
    release(g, i);
    if (!j->extracting || !rec || tg_doc_unserialise(payload, len, &doc, err, sizeof err)) {
        free(said);
        tg_record_free(rec);
        job_failed(g, j, "crash", "worker sent a damaged document");
        return;
    }
    if (said) {
        char *msg = tg_xasprintf("extractor messages: %s", said);
        tg_record_append(rec, TG_LIST_WARNINGS, msg);
        free(msg);
        free(said);
    }
    json_t *unpack = json_object_get(m, "unpack");
    if (j->bundle && json_is_object(unpack)) {
        /* a bundle's reading is over: its CPU time, and whether its
         * top-level file's budget stopped it */
        job_t *r = root_of(j);
        tree_cpu(j, r, json_number_value(json_object_get(unpack, "cpu")));
        const char *budget = tg_rec_str(unpack, "budget");
        if (budget) {
            j->cut = 1;
            tree_stop(g, r,
                      !strcmp(budget, "members") ? "members"
                      : !strcmp(budget, "time")  ? "time"
                                                 : "bytes");
        } else {
            tree_check(g, r);
        }
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
        code = j->bundle ? "limit" : "too large";
    else if (status && !strcmp(status, tg_status_str(TG_ERR_TIMEOUT)))
        code = "timeout";
    g->pending_bytes += len;
    if (failed || j->resumes)
        j->incomplete = 1;
    apply_doc(g, j, doc, rec, failed ? (reason ? reason : "extraction failed") : NULL, code);
    tg_record_free(rec);
    tg_doc_free(doc);
}

/* Worker i died or must die: collect its last words, end it, and deal with
 * its job: a bundle whose reader died on a member is read again from the
 * next entry; any other job fails with the reason. */
static void worker_lost(ing_t *g, unsigned i, int kill_it, const char *code, const char *why)
{
    job_t *j = g->pool->w[i].job;
    char how[256];
    char *said = take_stderr(g, i);
    requeue_ahead(g, i);
    if (kill_it) {
        tg_pool_kill(g->pool, i);
        tg_errf(how, sizeof how, "%s", why);
    } else {
        tg_pool_reap(g->pool, i, how, sizeof how);
    }
    g->err[i].len = 0;
    if (!j) {
        free(said);
        return;
    }
    char *reason = said ? tg_xasprintf("%s; it said: %s", how, said) : tg_xstrdup(how);
    if (j->bundle && j->cur_index >= 0) {
        int next = j->cur_index + 1;
        if (j->cur_open) {
            char *mloc = tg_xasprintf("%s!/%s", j->loc, j->cur_name ? j->cur_name : "?");
            char *r = tg_xasprintf("the bundle reader died on this member: %s", reason);
            event(g, "error", mloc, NULL, code, r, 0);
            j->member_errors++;
            free(r);
            free(mloc);
        }
        if (j->resumes < MAX_RESUMES) {
            j->resumes++;
            j->skip = (unsigned)next;
            j->cur_index = -1;
            j->cur_open = 0;
            j->extracting = 0;
            if (!j->stored) {
                /* read the copy in the store, not the user's file */
                char *p = tg_store_path(g->store, j->sha);
                free(j->path);
                j->path = p;
                j->stored = 1;
            }
            push(&g->queue, j, 1);
            free(reason);
            free(said);
            return;
        }
        char *r = tg_xasprintf("gave up after %u readers died: %s", MAX_RESUMES + 1, reason);
        free(reason);
        reason = r;
    }
    job_failed(g, j, code, reason);
    free(reason);
    free(said);
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
    } else if (!strcmp(type, "entry") && j->bundle) {
        on_entry(g, i, j, m);
    } else if (!strcmp(type, "member") && (j->bundle || j->extracting)) {
        /* a bundle's member, or a file embedded in a document (a mail's
         * attachment, a message of a mail folder) */
        on_member(g, i, j, m);
    } else if (!strcmp(type, "doc")) {
        on_doc(g, i, j, m, payload, len);
    } else if (!strcmp(type, "fail")) {
        release(g, i);
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
        if (!w->job || w->fd < 0)
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

/* ==== Pruning ============================================================== */

typedef struct {
    char *const *roots;
    int n;
    json_t *found; /* array of [loc, sha] under the roots */
} prune_scan_t;

static int under(const char *loc, const char *root)
{
    size_t n = strlen(root);
    if (strncmp(loc, root, n) != 0)
        return 0;
    return loc[n] == '\0' || loc[n] == '/' || loc[n] == '!' || (n == 1 && root[0] == '/');
}

static int scan_meta(void *ctx, const char *key, const char *value, size_t len)
{
    (void)key;
    prune_scan_t *s = ctx;
    json_t *m = tg_json_parse_object(value, len);
    const char *loc = m ? tg_rec_str(m, "loc") : NULL;
    const char *sha = m ? tg_rec_str(m, "sha256") : NULL;
    for (int r = 0; loc && sha && r < s->n; r++) {
        if (under(loc, s->roots[r])) {
            json_array_append_new(s->found, json_pack("[s,s]", loc, sha));
            break;
        }
    }
    json_decref(m);
    return 0;
}

/* Does loc still exist?  A file: on disk.  A member: if its bundle does
 * (members gone from a bundle were forgotten when it was last read). */
static int alive(ing_t *g, const char *loc)
{
    const char *bang = NULL;
    for (const char *p = strstr(loc, "!/"); p; p = strstr(p + 2, "!/"))
        bang = p;
    if (!bang) {
        struct stat sb;
        return tg_lstat_path(loc, &sb) == 0 || errno != ENOENT;
    }
    char *bundle = tg_xstrndup(loc, (size_t)(bang - loc));
    int ok = alive(g, bundle);
    free(bundle);
    return ok;
}

static void prune(ing_t *g, char *const *roots, int nroots)
{
    prune_scan_t s = {roots, nroots, json_array()};
    check(g, tg_db_each_meta(g->db, "L", 1, scan_meta, &s), "cannot read locations");
    size_t i;
    json_t *e;
    json_array_foreach(s.found, i, e)
    {
        const char *loc = json_string_value(json_array_get(e, 0));
        const char *sha = json_string_value(json_array_get(e, 1));
        if (alive(g, loc))
            continue;
        json_t *still = tg_loc_get(g->db, loc);
        json_decref(still);
        if (!still)
            continue; /* forgotten with the bundle that held it */
        unsigned long before = g->c->removed;
        forget_location(g, loc, sha);
        int deleted = g->c->removed > before;
        g->c->pruned++;
        event(g, "pruned", loc, sha, NULL, deleted ? "gone; its document was removed" : "gone", 0);
        if (deleted) {
            if (g->o->purge_store) {
                /* one document per content: none is left for this one */
                char *p = tg_store_path(g->store, sha), *t = tg_store_text_path(g->store, sha);
                unlink(p);
                unlink(t);
                free(p);
                free(t);
            }
        }
        maybe_commit(g);
    }
    json_decref(s.found);
}

/* ==== The run ============================================================== */

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
    g.sidecars = tg_sidecars_new(sidecar_problem, &g);
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

    /* each worker: its socket (when busy) and its stderr (always) */
    struct pollfd *pfd = tg_xcalloc(2 * (size_t)o->jobs, sizeof *pfd);
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
                job_t *j = next_job(&g);
                if (!j)
                    break;
                dispatch(&g, i, j);
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
            readers += j && j->bundle;
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
            if (paused && j->bundle) {
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
        tree_notes(&g);
        maybe_commit(&g);
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
        prune(&g, paths, npaths);
    commit(&g);
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
