/* The queue, the jobs, and the conversation with the workers
 * (docs/protocol.md): a job is sent, the worker says "hashed", the
 * coordinator answers "go" or "skip", and the worker sends "doc" or
 * "fail", with "progress", "entry" and "member" between; a worker that
 * dies, overruns its deadline or its memory, or says something it should
 * not, costs its job (and is replaced by the pool).
 *
 * A worker reading a file page by page with OCR says "progress" before each
 * page it recognises; each such message gives the file a fresh deadline of
 * max(--timeout, --ocr-timeout + TG_OCR_PAGE_SLACK) from that moment.  A
 * small text file's next job is sent ahead (dispatch_ahead), so that a
 * worker never waits for the coordinator between such files.
 *
 * Relies on pool.h for the processes and proto.h for the frames; never
 * parses a document: a worker's document is only unserialised and handed
 * to apply.c. */
#define _GNU_SOURCE
#include <string.h>

#include "ingestint.h"
#include "proto.h"
#include "recordjson.h"
#include "text.h"

void job_free(ing_t *g, job_t *j)
{
    if (!j)
        return;
    if (j->all_prev)
        j->all_prev->all_next = j->all_next;
    else
        g->all = j->all_next;
    if (j->all_next)
        j->all_next->all_prev = j->all_prev;
    free(j->file.path);
    free(j->file.loc);
    free(j->file.rel);
    free(j->file.folder);
    free(j->file.old_sha);
    free(j->file.mime);
    free(j->file.kind);
    free(j->nest.cur_name);
    free(j->final.what);
    free(j->final.code);
    free(j->final.reason);
    free(j->final.status);
    json_decref(j->final.extra);
    json_decref(j->nest.members);
    tg_manifest_free(j->nest.manifest);
    free(j->nest.manifest_where);
    tg_locmeta_free(&j->lm);
    free(j);
}

job_t *job_new(ing_t *g, const char *path, char *loc, char *folder, int64_t size, int64_t mtime_ns)
{
    job_t *j = tg_xcalloc(1, sizeof *j);
    j->id = ++g->next_id;
    j->file.path = tg_xstrdup(path);
    j->file.loc = loc;
    j->file.folder = folder;
    j->file.size = size;
    j->file.mtime_ns = mtime_ns;
    j->nest.cur_index = -1;
    j->all_next = g->all;
    if (g->all)
        g->all->all_prev = j;
    g->all = j;
    return j;
}

void jobq_push(jobq_t *q, job_t *j, int front)
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

job_t *jobq_pop(jobq_t *q)
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

static void worker_lost(ing_t *g, unsigned i, int kill_it, const char *code, const char *why);

static tg_status_t send_job(ing_t *g, unsigned i, job_t *j)
{
    tg_worker_slot_t *w = &g->pool->w[i];
    json_t *m = json_pack("{s:s, s:I, s:I, s:f, s:I, s:i, s:f, s:I, s:I, s:b}", "type", "job", "id",
                          (json_int_t)j->id, "max_file", (json_int_t)g->o->max_file, "cpu",
                          g->o->cpu_limit, "max_text", (json_int_t)g->o->max_text, "max_pages",
                          (int)g->o->max_pages, "timeout", g->o->timeout, "max_member",
                          (json_int_t)g->o->max_member, "max_members",
                          (json_int_t)g->o->max_members, "embed", j->file.depth < g->o->max_depth);
    if (j->file.stored)
        json_object_set_new(m, "stored", json_string(j->file.sha));
    /* OCR settings travel with each job (absent: OCR is off); see proto.h */
    if (g->o->ocr)
        json_object_set_new(m, "ocr",
                            json_pack("{s:s, s:f, s:I}", "lang", g->o->ocr_lang, "timeout",
                                      g->o->ocr_timeout, "max_pixels",
                                      (json_int_t)g->o->ocr_max_pixels));
    /* the file name (a date in it dates the document) and the names list */
    tg_rec_set_str(m, "name", tg_location_basename(j->file.loc));
    if (g->o->names)
        tg_rec_set_str(m, "names", g->o->names);
    /* pages drawn ahead only where the location may be shown: restricted
     * and embargoed documents are never drawn (docs/pages.md) */
    if (g->o->render_pages && !j->lm.restricted && !j->lm.embargo[0] && !j->lm.held)
        json_object_set_new(m, "render_pages", json_true());
    tg_status_t st = tg_msg_send(w->fd, m, j->file.path, strlen(j->file.path));
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
    w->deadline = tg_now() + g->o->timeout + (double)j->file.size / COPY_RATE;
    tg_progress_update(g->progress, g->done_files, g->total_files, g->c->bytes, j->file.loc, 0);
}

void dispatch_job(ing_t *g, unsigned i, job_t *j)
{
    tg_status_t st = send_job(g, i, j);
    start(g, i, j);
    if (st)
        worker_lost(g, i, 0, "crash", NULL);
}

/* Worker i is extracting a small text file or PDF ahead (see worker.c):
 * send it its next job now, so that it never waits for the indexer between
 * files.  Only behind such a job: a job queued behind a bundle or an image
 * for OCR would wait there while other workers sit idle (behind a small
 * scanned PDF it may, for the time its OCR takes). */
void dispatch_ahead(ing_t *g, unsigned i)
{
    tg_worker_slot_t *w = &g->pool->w[i];
    job_t *cur = w->job;
    if (!cur || w->next || w->fd < 0 || !cur->hashed || cur->nest.bundle ||
        !tg_kind_ahead(cur->file.kind, (uint64_t)cur->file.size))
        return;
    job_t *j = intake_next(g);
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
        jobq_push(&g->queue, n, 1);
}

static job_t *find_extracting(ing_t *g, const char *sha, const job_t *except)
{
    for (unsigned i = 0; i < g->pool->n; i++) {
        job_t *j = g->pool->w[i].job;
        if (j && j != except && j->extracting && !j->nest.bundle && !strcmp(j->file.sha, sha))
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
    if (j->nest.bundle) {
        json_object_set_new(m, "bundle", json_true());
        json_object_set_new(m, "skip", json_integer(j->nest.skip));
        json_object_set_new(m, "name", json_string(tg_location_basename(j->file.loc)));
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
    if (j->nest.bundle && j->hashed) {
        /* a bundle read again after its reader died */
        reply_go(g, i, j);
        return;
    }
    memcpy(j->file.sha, sha, sizeof j->file.sha);
    tg_store_note(g->store, sha); /* a copy may have replaced a committed one */
    j->file.size = tg_rec_int(m, "size", j->file.size);
    set_str(&j->file.mime,
            tg_rec_str(m, "mime") ? tg_rec_str(m, "mime") : "application/octet-stream");
    set_str(&j->file.kind, tg_rec_str(m, "kind") ? tg_rec_str(m, "kind") : "other");
    j->hashed = 1;

    if (j->file.size == 0) {
        reply(g, i, json_pack("{s:s}", "type", "skip"));
        release(g, i);
        if (j->file.old_sha && strcmp(j->file.old_sha, j->file.sha))
            content_detach(g, j->file.old_sha, j->file.loc, NULL);
        job_set_final(j, "skipped", "empty file", "empty file", TG_LOC_EMPTY);
        job_complete(g, j);
        return;
    }
    int same_place =
        j->file.old_sha && !strcmp(j->file.old_sha, j->file.sha) && j->file.old_settled;
    if (!strcmp(j->file.kind, TG_KIND_ARCHIVE) && !same_place && job_root(j)->tree.stop) {
        /* its top-level file's budget is spent: a document like any
         * other, not opened (tree_final says so) */
        j->tree.unopened = 1;
    } else if (!strcmp(j->file.kind, TG_KIND_ARCHIVE) && !same_place) {
        /* read it even if its content is known: its members need this
         * location too */
        if (j->file.depth < g->o->max_depth) {
            j->nest.bundle = 1;
            if (!j->nest.members)
                j->nest.members = json_object();
        } else {
            j->nest.too_deep = 1;
        }
        reply_go(g, i, j);
        return;
    }
    if (tg_kind_embeds(j->file.kind) && !same_place) {
        /* a mail: extracted at every new location, as a bundle is read,
         * since its attachments need this location too */
        reply_go(g, i, j);
        return;
    }
    job_t *primary = find_extracting(g, j->file.sha, j);
    if (primary) {
        reply(g, i, json_pack("{s:s}", "type", "skip"));
        release(g, i);
        j->next = primary->waiting;
        primary->waiting = j;
        return;
    }
    tg_doc_t *doc;
    tg_record_t *rec = content_get(g, j->file.sha, &doc);
    const char *ex = rec ? tg_record_get_extraction(rec) : NULL;
    int need = !rec || (ex && !strcmp(ex, TG_EXTRACTION_FAILED)) ||
               (ex && !strcmp(ex, TG_EXTRACTION_UNSUPPORTED) &&
                tg_record_get_extractor(rec) < TG_EXTRACTOR_VERSION) ||
               (g->o->ocr && rec && tg_record_get_ocr_skipped(rec));
    if (g->o->reextract && !json_object_get(g->reextracted, j->file.sha)) {
        need = 1;
        json_object_set_new(g->reextracted, j->file.sha, json_true());
    }
    if (need) {
        reply_go(g, i, j);
        return;
    }
    reply(g, i, json_pack("{s:s}", "type", "skip"));
    release(g, i);
    free(take_stderr(g, i));
    job_attach(g, j);
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
    if (j->nest.bundle && json_is_object(unpack))
        container_unpack_over(g, j, unpack);
    json_t *failed = json_object_get(m, "failed");
    const char *reason = failed ? tg_rec_str(failed, "reason") : NULL;
    const char *status = failed ? tg_rec_str(failed, "status") : NULL;
    const char *code = "unreadable";
    if (status && !strcmp(status, tg_status_str(TG_ERR_ENCRYPTED)))
        code = "encrypted";
    else if (status && !strcmp(status, tg_status_str(TG_ERR_FORMAT)))
        code = "corrupt";
    else if (status && !strcmp(status, tg_status_str(TG_ERR_LIMIT)))
        code = j->nest.bundle ? "limit" : "too large";
    else if (status && !strcmp(status, tg_status_str(TG_ERR_TIMEOUT)))
        code = "timeout";
    g->pending_bytes += len;
    if (failed || j->nest.resumes)
        j->nest.incomplete = 1;
    job_apply_doc(g, j, doc, rec, failed ? (reason ? reason : "extraction failed") : NULL, code);
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
    if (j->nest.bundle && j->nest.cur_index >= 0 && container_resume(g, j, code, &reason)) {
        free(reason);
        free(said);
        return;
    }
    job_failed(g, j, code, reason);
    free(reason);
    free(said);
}

void dispatch_message(ing_t *g, unsigned i)
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
    } else if (!strcmp(type, "entry") && j->nest.bundle) {
        container_entry(g, i, j, m);
    } else if (!strcmp(type, "member") && (j->nest.bundle || j->extracting)) {
        /* a bundle's member, or a file embedded in a document (a mail's
         * attachment, a message of a mail folder) */
        container_member(g, i, j, m);
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
void dispatch_watch(ing_t *g, int check_rss)
{
    double now = tg_now();
    for (unsigned i = 0; i < g->pool->n; i++) {
        tg_worker_slot_t *w = &g->pool->w[i];
        if (!w->job || w->fd < 0)
            continue;
        char why[256] = "";
        const char *code = NULL;
        if (w->deadline && (check_rss || now > w->deadline)) {
            /* time the worker spent ready to run but without a CPU (busy
             * with other programs, or with the coordinator, which goes
             * first) is not the extraction's: it moves the deadline */
            double q = tg_cpu_waited((int)w->pid);
            if (q > w->waited)
                w->deadline += q - w->waited;
            if (q >= 0)
                w->waited = q;
        }
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
