/* The coordinator's insides, shared by its files and by nothing else (as
 * SQLite's sqliteInt.h): the state of one run (ing_t), the job type, and
 * the functions each file lends the others.  Which file does what:
 *
 *   ingest.c     the run's life cycle and its loop (tg_ingest_run)
 *   intake.c     the walk's files coming in: skipped, unchanged, or a job
 *   dispatch.c   the queue, jobs, and the conversation with the workers
 *   container.c  bundles and embedded files: members, manifests, what a
 *                container passes down, the top-level file's budget
 *   apply.c      a job's outcome applied to the index; its held-back event
 *   commit.c     events, the batch's documents, commits and durability
 *   prune.c      --prune: forgetting what disappeared
 *
 * Only ingest.h is the coordinator's public face (indexer/main.c). */
#ifndef TG_INGESTINT_H
#define TG_INGESTINT_H

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "docmeta.h"
#include "hash.h"
#include "ingest.h"
#include "ingestlog.h"
#include "pool.h"
#include "progress.h"
#include "record.h"
#include "store.h"
#include "util.h"
#include "walk.h"
#include "writer.h"
#include "xap.h"

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

/* A job's file: where it is, what the worker found it to be, and what
 * its location held before. */
typedef struct {
    char *path;   /* raw bytes: the file on disk, or a member's copy in the store */
    char *loc;    /* location: the path as UTF-8, "bundle.zip!/member" for members */
    char *rel;    /* the location as the web shows it (writer.h), NULL unknown */
    char *folder; /* facet folder */
    int64_t size, mtime_ns;
    char sha[TG_SHA256_HEX_LEN + 1];
    char container[TG_SHA256_HEX_LEN + 1]; /* content holding this member, "" for files */
    char *mime, *kind;                     /* as the worker detected them ("hashed") */
    unsigned depth;                        /* bundles around it */
    int stored;      /* path is the content's copy in the store (members, resumes) */
    char *old_sha;   /* content at this location before, if any */
    int old_settled; /* ...and it was fully processed then */
} job_file_t;

/* A job as a container (a bundle being read, a mail handing out its
 * attachments) or as a member of one: what it holds, what holds it. */
typedef struct {
    int bundle;              /* being read as a bundle */
    int too_deep;            /* a bundle nested past --max-depth: kept, not opened */
    struct job *parent;      /* the bundle (or mail) this member came from */
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
    int done_self;           /* its own processing is over (members may not be) */
    unsigned skip;           /* entries to skip when read again */
    unsigned resumes;        /* times read again after its reader died */
    int cur_index;           /* entry being read, -1 none */
    int cur_open;            /* that entry started and was not reported yet */
    char *cur_name;
} job_nest_t;

/* The budget of a top-level file (a file of the walk), all nesting levels
 * together (container.c).  The accounts are kept on the top-level file's
 * job for every bundle and embedded file inside it; the marks, on any job
 * inside it. */
typedef struct {
    uint64_t bytes;   /* bytes its readings expanded */
    uint64_t members; /* members they reported */
    uint64_t done;    /* of them, finished */
    double cpu;       /* CPU seconds of the readings */
    unsigned depth;   /* the deepest member's depth */
    const char *stop; /* the budget that ran out ("bytes", "members", "time"), or NULL */
    double noted;     /* when its last progress note was printed */
    /* marks: */
    double unpack_cpu; /* this reading's CPU seconds, as last reported */
    int unopened;      /* a bundle left unopened: the top-level file's budget was spent */
    int cut;           /* its reading was stopped by that budget */
    int limited;       /* it or something inside it was cut or left unopened */
} job_tree_t;

/* The event and location status of a job, held back until everything
 * inside it is done (job_complete); NULL: none. */
typedef struct {
    char *what, *code, *reason, *status;
    json_t *extra; /* merged into the event (what OCR did) */
} job_final_t;

/* One file or member on its way through the coordinator. */
typedef struct job {
    uint64_t id;       /* in every message about it */
    job_file_t file;   /* the file and its location */
    tg_locmeta_t lm;   /* the location's sidecar metadata (and what it holds from above) */
    job_nest_t nest;   /* its container state */
    job_tree_t tree;   /* its top-level file's budget */
    job_final_t final; /* its held-back event */
    /* its life with the workers */
    double started;                  /* tg_now() when first given to a worker */
    int hashed;                      /* the worker reported the digest */
    int extracting;                  /* told to extract */
    struct job *waiting;             /* same content found meanwhile, waiting on this one */
    struct job *next;                /* link in a waiting list or the queue */
    struct job *all_prev, *all_next; /* every live job, for cleanup */
} job_t;

typedef struct {
    job_t *head, *tail;
    size_t n;
} jobq_t;

/* A content's document and record read from the index, kept until the next
 * commit (commit.c, "Documents of this batch"). */
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

/* One run. */
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
    int committing;     /* a commit is in flight (commit_settle) */
    size_t commit_mark; /* the log's queued bytes that are its events */
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

static inline void set_str(char **dst, const char *s)
{
    free(*dst);
    *dst = s ? tg_xstrdup(s) : NULL;
}

/* The file of the walk that job j came from (j itself for such a file). */
static inline job_t *job_root(job_t *j)
{
    while (j->nest.parent)
        j = j->nest.parent;
    return j;
}

/* ==== commit.c: events, the batch's documents, commits ==================== */

/* A failed index operation makes the run fatal (what: for the message). */
void ing_check(ing_t *g, tg_status_t st, const char *what);
/* Reports one file event: counts it, logs it, and prints it if asked to.
 * extra (may be NULL) is merged into the logged event. */
void ing_event_x(ing_t *g, const char *what, const char *loc, const char *sha, const char *code,
                 const char *reason, double started, json_t *extra);
void ing_event(ing_t *g, const char *what, const char *loc, const char *sha, const char *code,
               const char *reason, double started);
/* The record and document of content sha, or NULL if it is not indexed;
 * both belong to the batch's cache (until the next commit). */
tg_record_t *content_get(ing_t *g, const char *sha, tg_doc_t **doc);
/* The cached record of sha was changed: written before the commit. */
void content_changed(ing_t *g, const char *sha);
/* Detaches loc from content sha (tg_content_detach). */
void content_detach(ing_t *g, const char *sha, const char *loc, int *deleted);
/* A new document for content sha (an extraction's): written now. */
void content_put(ing_t *g, const char *sha, tg_doc_t *doc, tg_record_t *rec);
/* Starts a commit now (the store synced first; the log after, once it is
 * done: commit_settle). */
void commit_batch(ing_t *g);
/* Commits if the batch is full (documents, bytes, seconds). */
void commit_maybe(ing_t *g);
/* The commit in flight, if done (if wait, once done): its events go to the
 * log. */
void commit_settle(ing_t *g, int wait);

/* ==== dispatch.c: the queue, jobs, the workers ============================ */

job_t *job_new(ing_t *g, const char *path, char *loc, char *folder, int64_t size, int64_t mtime_ns);
void job_free(ing_t *g, job_t *j);
void jobq_push(jobq_t *q, job_t *j, int front);
job_t *jobq_pop(jobq_t *q);
/* Gives job j to idle worker i. */
void dispatch_job(ing_t *g, unsigned i, job_t *j);
/* Sends busy worker i its next job ahead when its current one is cheap. */
void dispatch_ahead(ing_t *g, unsigned i);
/* Reads and handles one message of worker i. */
void dispatch_message(ing_t *g, unsigned i);
/* Kills workers past their deadline or, if check_rss, over their memory. */
void dispatch_watch(ing_t *g, int check_rss);

/* ==== intake.c: the walk's files ========================================== */

/* The next job: a queued member or resumed bundle first, then the walk;
 * NULL when there is none now. */
job_t *intake_next(ing_t *g);
/* Is j's location as it was when last indexed?  (0 no; 1 yes; 2 yes but
 * its sidecar metadata changed; 3 yes but its shown form is missing.) */
int intake_unchanged(ing_t *g, job_t *j);
/* Applies an unchanged file's new sidecar metadata, no worker needed. */
void intake_reapply(ing_t *g, job_t *j, const char *reason);
/* tg_sidecars_new's problem callback (ctx: the ing_t). */
void intake_sidecar_problem(void *ctx, const char *sidecar, const char *reason);

/* ==== container.c: bundles, embedded files, the top-level file's budget === */

/* What is left of the budget of j's top-level file, into a bundle's "go". */
void tree_left(ing_t *g, job_t *j, json_t *go);
/* Progress notes about files whose members are still at work. */
void tree_notes(ing_t *g);
/* j's held-back event when its top-level file's budget ran out. */
void tree_final(ing_t *g, job_t *j);
/* A bundle's reading is over ("unpack" of its "doc"): its CPU time, and
 * whether its top-level file's budget stopped it. */
void container_unpack_over(ing_t *g, job_t *j, json_t *unpack);
/* Worker died while reading bundle j: 1 if j was queued to be read again
 * from the next entry; 0 if not (*reason then may say it gave up). */
int container_resume(ing_t *g, job_t *j, const char *code, char **reason);
/* Gives every location inside loc what it now holds from above. */
void container_propagate(ing_t *g, const char *loc, const char *rel, const tg_locmeta_t *lm);
/* Forgets the members of loc not in keep (all when keep is NULL). */
void container_forget_members(ing_t *g, const char *loc, json_t *keep);
/* loc no longer holds content sha: forget it and everything inside it. */
void container_forget_location(ing_t *g, const char *loc, const char *sha);
/* The bundle's manifest came after some of its members: their rows now. */
void container_late_manifest(ing_t *g, job_t *j);
/* A bundle's reader started an entry ("entry"). */
void container_entry(ing_t *g, unsigned i, job_t *j, json_t *m);
/* A member of a bundle or an embedded file is in the store ("member"). */
void container_member(ing_t *g, unsigned i, job_t *j, json_t *m);

/* ==== apply.c: a job's outcome ============================================ */

tg_place_t job_place(const job_t *j);
/* Records j's location with status. */
void job_loc_put(ing_t *g, const job_t *j, const char *status);
/* The event and location status j reports once its members are done. */
void job_set_final(job_t *j, const char *what, const char *code, const char *reason,
                   const char *status);
/* j's own processing is over; it is recorded once its members are too. */
void job_complete(ing_t *g, job_t *j);
/* j is over: account for it, free it, let its container know. */
void job_finish(ing_t *g, job_t *j);
/* Content j->file.sha is indexed: give it location j->file.loc. */
void job_attach(ing_t *g, job_t *j);
/* A document for j (a worker's, or one built for a failure). */
void job_apply_doc(ing_t *g, job_t *j, tg_doc_t *doc, tg_record_t *rec, const char *failure,
                   const char *failure_code);
/* j cannot be processed: the original indexed without text if it is in
 * the store, and reported. */
void job_failed(ing_t *g, job_t *j, const char *code, const char *reason);

/* ==== prune.c ============================================================= */

/* Forgets the locations under roots that are gone from disk. */
void prune_gone(ing_t *g, char *const *roots, int nroots);

#endif
