/* The extraction worker (see worker.h and proto.h for the conversation).
 *
 * Limits: address space is capped once at start (RLIMIT_AS; under
 * AddressSanitizer, whose shadow memory needs terabytes of address space, the
 * indexer watches resident memory instead); CPU time is capped per job by
 * moving RLIMIT_CPU's soft limit to "used so far + budget", so the kernel
 * kills a worker stuck in a loop even if the indexer's wall clock were not
 * watching.  Core dumps are off: a crash must not leave a copy of a
 * witness's statement in a core file.
 *
 * The worker never touches the index: it produces a serialised document and
 * the single writer decides what to do with it.
 *
 * OCR: the worker keeps one OCR engine for its whole life (loading the
 * language models costs more than most images), made at the first job that
 * asks for OCR.  Before each page it actually recognises, it tells the
 * indexer ("progress") and grants itself a fresh CPU budget, so a long scan
 * is bounded page by page rather than by one budget for the whole file. */
#define _GNU_SOURCE
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "detect.h"
#include "docbuild.h"
#include "recordjson.h"
#include "extract.h"
#include "hash.h"
#include "lang.h"
#include "names.h"
#include "ocr.h"
#include "ocrcache.h"
#include "pagecache.h"
#include "pagerender.h"
#include "proto.h"
#include "schema.h"
#include "store.h"
#include "text.h"
#include "util.h"
#include "xap.h"

typedef struct {
    int fd;
    char *head; /* first bytes of the current file, read while copying */
    size_t head_len;
    tg_store_t *store;
    tg_detect_t *detect;
    tg_langid_t *langid;
    tg_stemmers_t *stem;
    tg_names_t *names;   /* the names list of the run, loaded at its first job */
    char *names_path;    /* which file names came from */
    char names_err[512]; /* why it could not be read, "" if it was */
    tg_ocr_t *ocr;       /* NULL until a job asks for OCR */
    json_int_t job_id;   /* the job being extracted (for progress messages) */
    /* a job the indexer sent ahead, received while waiting for an answer
     * about the current one (see dispatch_ahead() in the coordinator's dispatch.c) */
    json_t *ahead;
    char *ahead_path;
    double page_budget; /* CPU seconds granted per OCR page */
    int render_pages;   /* the job asks for its page images (--render-pages) */
} worker_t;

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

/* How much lower than the coordinator's the workers' scheduling priority
 * is (nice steps): docs/architecture.md, "Deadlines" and "Cost per file". */
#define TG_WORKER_NICE 5

void tg_worker_sandbox(const tg_worker_limits_t *lim)
{
    struct rlimit rl = {0, 0};
    setrlimit(RLIMIT_CORE, &rl);
    if (lim->mem_limit && !UNDER_ASAN) {
        rl.rlim_cur = rl.rlim_max = lim->mem_limit;
        setrlimit(RLIMIT_AS, &rl);
    }
}

/* Allows `seconds` more CPU time from now. */
static void set_cpu_budget(double seconds)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double used = (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec + 1;
    struct rlimit rl;
    getrlimit(RLIMIT_CPU, &rl);
    rl.rlim_cur = (rlim_t)(used + (seconds > 0 ? seconds : 1e9));
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
        rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_CPU, &rl);
}

static void send_fail(worker_t *w, json_int_t id, tg_status_t st, const char *reason)
{
    json_t *m = json_pack("{s:s, s:I, s:s, s:s}", "type", "fail", "id", id, "status",
                          tg_status_str(st), "reason", reason);
    tg_msg_send(w->fd, m, NULL, 0);
    json_decref(m);
}

/* A document ready to send: the "doc" message and the serialised document. */
typedef struct {
    json_t *msg;
    char *ser;
    size_t serlen;
} built_t;

/* Builds the Xapian document of an extraction and saves its text.  On
 * failure b->msg is a "fail" message. */
static void build_doc(worker_t *w, json_int_t id, const tg_docbuild_in_t *in, tg_status_t fst,
                      built_t *b)
{
    memset(b, 0, sizeof *b);
    tg_extract_t *x = (tg_extract_t *)in->x;
    /* plain UTF-8 text is its own extracted text: no second copy */
    int same = x->text.len > 0 && x->text.len == w->head_len && (uint64_t)w->head_len == in->size &&
               !memcmp(x->text.data, w->head, w->head_len);
    if (x->text.len > 0 && !same && tg_store_put_text(w->store, in->sha, x->text.data, x->text.len))
        tg_extract_warn(x, "extracted text could not be saved in the archive");
    tg_doc_t *doc;
    tg_record_t *rec;
    tg_docbuild(in, w->stem, w->langid, &doc, &rec);
    if (same)
        tg_record_set_text_original(rec, 1);
    if (tg_doc_serialise(doc, &b->ser, &b->serlen) != TG_OK) {
        b->msg =
            json_pack("{s:s, s:I, s:s, s:s}", "type", "fail", "id", id, "status",
                      tg_status_str(TG_ERR_XAPIAN), "reason", "could not serialise the document");
    } else {
        b->msg =
            json_pack("{s:s, s:I, s:o}", "type", "doc", "id", id, "record", tg_record_to_json(rec));
        if (in->failure)
            json_object_set_new(
                b->msg, "failed",
                json_pack("{s:s, s:s}", "status", tg_status_str(fst), "reason", in->failure));
    }
    tg_record_free(rec);
    tg_doc_free(doc);
}

static void send_built(worker_t *w, built_t *b)
{
    tg_msg_send(w->fd, b->msg, b->ser, b->serlen);
    json_decref(b->msg);
    free(b->ser);
    memset(b, 0, sizeof *b);
}

static void drop_built(built_t *b)
{
    json_decref(b->msg);
    free(b->ser);
    memset(b, 0, sizeof *b);
}

/* Embedded files of the job being extracted (attachments, messages of a
 * mail folder): each goes into the store and is reported as a member, as
 * a bundle's members are, so the indexer makes it a job of its own. */
typedef struct {
    worker_t *w;
    json_int_t id;
    double cpu;
    unsigned index;   /* members reported so far */
    int allowed;      /* 0: nested past --max-depth, not handed out */
    unsigned refused; /* files not handed out for that reason */
} embed_ctx_t;

static int on_embedded(void *ctx, const tg_embedded_t *e)
{
    embed_ctx_t *c = ctx;
    if (!c->allowed) {
        c->refused++;
        return 0;
    }
    json_t *msg = json_pack("{s:s, s:I, s:i, s:s, s:I, s:I}", "type", "member", "id", c->id,
                            "index", (int)c->index++, "name", e->name, "size", (json_int_t)e->len,
                            "mtime", (json_int_t)e->mtime_ns);
    char sha[TG_SHA256_HEX_LEN + 1];
    const char *code = e->code, *reason = e->reason;
    char werr[256];
    if (e->data) {
        tg_store_writer_t *wr;
        uint64_t size;
        if (tg_store_writer_new(c->w->store, &wr, werr, sizeof werr) ||
            tg_store_writer_add(wr, e->data, e->len)) {
            tg_store_writer_abort(wr);
            code = "unreadable";
            reason = "cannot write to the store";
        } else if (tg_store_writer_finish(wr, sha, &size)) {
            code = "unreadable";
            reason = "cannot move into the store";
        } else {
            json_object_set_new(msg, "sha256", json_string(sha));
        }
    }
    if (code) {
        json_object_set_new(msg, "code", json_string(code));
        tg_rec_set_str(msg, "reason", reason ? reason : code);
        json_object_set_new(msg, "error", json_true());
    }
    tg_status_t st = tg_msg_send(c->w->fd, msg, NULL, 0);
    json_decref(msg);
    /* each embedded file gets the CPU budget of a file */
    set_cpu_budget(c->cpu);
    return st != TG_OK;
}

/* Pages drawn ahead by --render-pages, at most (the rest on first view). */
#define RENDER_AHEAD_PAGES 50

/* Draws the page images of a PDF or an image (screen size and thumbnail)
 * into the page cache, after its extraction (so an OCR'd page's words are
 * in the OCR cache).  A page that cannot be drawn is a warning. */
static void render_ahead(worker_t *w, const char *sha, const char *mime, tg_extract_t *x)
{
    const char *kind = !strcmp(mime, "application/pdf") ? "pdf"
                       : !strncmp(mime, "image/", 6)    ? "image"
                                                        : NULL;
    if (!kind)
        return;
    unsigned pages = x->pages ? x->pages : 1;
    for (unsigned p = 1; p <= pages && p <= RENDER_AHEAD_PAGES; p++) {
        char err[512];
        if (tg_page_render_one(w->store, sha, kind, p, TG_PAGE_SCREEN, NULL, err, sizeof err) ||
            tg_page_render_one(w->store, sha, kind, p, TG_PAGE_THUMB, NULL, err, sizeof err)) {
            tg_extract_warn(x, "page %u: no page image: %s", p, err);
            break;
        }
    }
}

/* Runs the extractor (if any) into x and builds the document. */
static void extract(worker_t *w, json_int_t id, tg_extract_fn fn, const char *stored,
                    const char *mime, const tg_extract_limits_t *lim, tg_extract_t *x,
                    tg_docbuild_in_t *in, built_t *b)
{
    char err[1024] = "";
    tg_status_t st = TG_OK;
    if (!fn) {
        in->unsupported = 1;
    } else if ((st = fn(stored, mime, lim, x, err, sizeof err)) != TG_OK) {
        /* keep the original findable by name and type, without text */
        tg_extract_free(x);
        tg_extract_init(x, lim);
        in->failure = err;
    }
    if (!st && fn && w->render_pages)
        render_ahead(w, in->sha, mime, x);
    embed_ctx_t *ec = lim->embed_ctx;
    if (ec && ec->refused)
        tg_extract_warn(x,
                        "%u embedded files (attachments) not indexed: nested deeper than "
                        "--max-depth",
                        ec->refused);
    build_doc(w, id, in, st, b);
    in->failure = NULL; /* err dies here */
}

/* Copies the file at path into the store; fills sha and size.  Returns 0,
 * or -1 after sending a "fail" message. */
static int store_file(worker_t *w, json_int_t id, const char *path, uint64_t max_file, double cpu,
                      char sha[TG_SHA256_HEX_LEN + 1], uint64_t *size)
{
    w->head_len = 0;
    char err[1024];
    /* a path may be longer than PATH_MAX (a deep tree): tg_open_path */
    int fd = tg_open_path(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, sizeof err, "cannot open: %s", strerror(errno));
        send_fail(w, id, TG_ERR_IO, err);
        return -1;
    }
    struct stat sb;
    if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
        close(fd);
        send_fail(w, id, TG_ERR_UNSUPPORTED, "not a regular file");
        return -1;
    }
    /* the whole job (copy, hash, extraction) gets its CPU budget, plus time
     * in proportion to the size for the copy (50 MB/s) */
    set_cpu_budget(cpu + (double)sb.st_size / (50 << 20));
    tg_status_t st = tg_store_add_fd(w->store, fd, max_file, sha, size, w->head, TG_DETECT_HEAD,
                                     &w->head_len, err, sizeof err);
    close(fd);
    if (st) {
        send_fail(w, id, st, err);
        return -1;
    }
    return 0;
}

typedef struct {
    worker_t *w;
    json_int_t id;
    double cpu;
    tg_buf_t names;  /* the bundle's listing: its document's text */
    tg_extract_t *x; /* the bundle's document: members' warnings go there */
} bundle_ctx_t;

static int on_member(void *ctx, const tg_member_t *m, int done)
{
    bundle_ctx_t *b = ctx;
    json_t *msg =
        json_pack("{s:s, s:I, s:i, s:s, s:I}", "type", done ? "member" : "entry", "id", b->id,
                  "index", (int)m->index, "name", m->name, "size", (json_int_t)m->size);
    if (done) {
        json_object_set_new(msg, "mtime", json_integer((json_int_t)m->mtime_ns));
        /* for the top-level file's accounts (the coordinator's container.c) */
        json_object_set_new(msg, "expanded", json_integer((json_int_t)m->expanded));
        json_object_set_new(msg, "cpu", json_real(m->cpu));
        if (m->sha)
            json_object_set_new(msg, "sha256", json_string(m->sha));
        if (m->code)
            json_object_set_new(msg, "code", json_string(m->code));
        if (m->reason)
            json_object_set_new(msg, "reason", json_string(m->reason));
        json_object_set_new(msg, "error", json_boolean(m->error));
        if (m->warning)
            tg_extract_warn(b->x, "%s", m->warning);
        tg_buf_adds(&b->names, m->name);
        tg_buf_addc(&b->names, '\n');
    } else {
        /* each member gets the CPU budget of a file */
        set_cpu_budget(b->cpu + (double)m->size / (50 << 20));
    }
    tg_status_t st = tg_msg_send(b->w->fd, msg, NULL, 0);
    json_decref(msg);
    return st != TG_OK;
}

/* A budget of the top-level file from the "go" message; absent: none. */
static uint64_t budget_of(json_t *go, const char *key)
{
    json_t *v = json_object_get(go, key);
    return json_is_integer(v) && json_integer_value(v) >= 0 ? (uint64_t)json_integer_value(v)
                                                            : UINT64_MAX;
}

/* Reads a bundle: reports its members, then sends its own document, whose
 * text is the list of member names (so a name finds the bundle), and what
 * the reading cost ("unpack": the indexer keeps the top-level file's
 * accounts). */
static void read_bundle(worker_t *w, json_int_t id, json_t *go, const char *stored,
                        tg_docbuild_in_t *in, double cpu)
{
    json_t *tc = json_object_get(go, "tree_cpu");
    tg_bundle_limits_t lim = {
        .max_member = (uint64_t)json_integer_value(json_object_get(go, "max_member")),
        .max_total = (uint64_t)json_integer_value(json_object_get(go, "max_total")),
        .max_ratio = json_number_value(json_object_get(go, "max_ratio")),
        .max_members = (uint64_t)json_integer_value(json_object_get(go, "max_members")),
        .tree_bytes = budget_of(go, "tree_bytes"),
        .tree_members = budget_of(go, "tree_members"),
        .tree_cpu = json_is_number(tc) ? json_number_value(tc) : HUGE_VAL,
    };
    const char *name = json_string_value(json_object_get(go, "name"));
    unsigned skip = (unsigned)json_integer_value(json_object_get(go, "skip"));
    bundle_ctx_t b = {.w = w, .id = id, .cpu = cpu, .x = (tg_extract_t *)in->x};
    tg_buf_init(&b.names, in->x->text.max);
    char err[1024] = "";
    tg_bundle_result_t res;
    tg_status_t st = tg_bundle_read(stored, name ? name : "bundle", w->store, &lim, skip, on_member,
                                    &b, &res, err, sizeof err);
    tg_extract_t *x = (tg_extract_t *)in->x;
    tg_buf_add(&x->text, b.names.data ? b.names.data : "", b.names.len);
    tg_buf_free(&b.names);
    json_object_set_new(x->meta, "members", json_integer(res.entries));
    if (st)
        in->failure = err;
    built_t d;
    build_doc(w, id, in, st, &d);
    json_t *u = json_pack("{s:I, s:f}", "expanded", (json_int_t)res.expanded, "cpu", res.cpu);
    if (res.budget)
        json_object_set_new(u, "budget", json_string(res.budget));
    json_object_set_new(d.msg, "unpack", u);
    send_built(w, &d);
    in->failure = NULL; /* err dies here */
}

/* Called before each page OCR actually recognises: tells the indexer the
 * job is alive (it moves its wall-clock deadline) and moves the CPU limit. */
static void heartbeat(void *ctx)
{
    worker_t *w = ctx;
    json_t *m = json_pack("{s:s, s:I}", "type", "progress", "id", w->job_id);
    tg_msg_send(w->fd, m, NULL, 0);
    json_decref(m);
    set_cpu_budget(w->page_budget);
}

/* Sets up OCR for a job from its "ocr" member (absent: OCR is off). */
static void setup_ocr(worker_t *w, json_t *job, const char *sha, double cpu,
                      tg_extract_limits_t *lim)
{
    json_t *o = json_object_get(job, "ocr");
    const char *lang = json_string_value(json_object_get(o, "lang"));
    if (!json_is_object(o) || !lang)
        return;
    tg_ocr_opts_t opts = {
        .lang = lang,
        .timeout = json_number_value(json_object_get(o, "timeout")),
        .max_pixels = (uint64_t)json_integer_value(json_object_get(o, "max_pixels")),
    };
    if (!w->ocr)
        w->ocr = tg_ocr_new(&opts);
    else
        tg_ocr_set_opts(w->ocr, &opts);
    w->page_budget =
        cpu > opts.timeout + TG_OCR_PAGE_SLACK ? cpu : opts.timeout + TG_OCR_PAGE_SLACK;
    lim->ocr = w->ocr;
    lim->ocr_cache = tg_ocr_cache_new(w->store, sha, lang, tg_ocr_engine());
    lim->heartbeat = heartbeat;
    lim->heartbeat_ctx = w;
}

/* Loads the names list at path unless it is the one already loaded.  The
 * indexer checked the file before starting; if it cannot be read now, the
 * reason is kept and each document says so in its warnings. */
static void use_names(worker_t *w, const char *path)
{
    if (!path || (w->names_path && !strcmp(w->names_path, path)))
        return;
    tg_names_free(w->names);
    w->names = NULL;
    free(w->names_path);
    w->names_path = tg_xstrdup(path);
    w->names_err[0] = '\0';
    tg_names_load(path, &w->names, w->names_err, sizeof w->names_err);
}

/* One job: path is the file's name as raw bytes (file names need not be
 * UTF-8, so they travel as the payload, not in the JSON header); for a
 * member of a bundle, it is the member's copy in the store.  "name" is the
 * location's file name as UTF-8 (for a date in it), "names" the names
 * list's path. */
/* Test hook: TESTIGO_FAULT=worker-abort:TEXT makes the worker die (SIGABRT)
 * once told to go on with a file whose name contains TEXT, to test how the
 * indexer deals with a lost worker and the job it had sent ahead. */
static void fault(const char *name)
{
    static const char *text;
    static int checked;
    if (!checked) {
        const char *f = getenv("TESTIGO_FAULT");
        text = f && !strncmp(f, "worker-abort:", 13) ? f + 13 : NULL;
        checked = 1;
    }
    if (text && *text && name && strstr(name, text))
        abort();
}

/* The indexer's answer about the current job ("go" or "skip").  A job sent
 * ahead may come first: it is kept for later (one at most). */
static json_t *recv_answer(worker_t *w)
{
    for (;;) {
        json_t *m;
        char *payload;
        size_t plen;
        if (tg_msg_recv(w->fd, 65536, &m, &payload, &plen))
            _exit(0); /* the indexer is gone */
        const char *t = json_string_value(json_object_get(m, "type"));
        if (!t || strcmp(t, "job") != 0) {
            free(payload);
            return m;
        }
        if (w->ahead) {
            fprintf(stderr, "testigo-index worker: a second job sent ahead\n");
            _exit(3);
        }
        w->ahead = m;
        w->ahead_path = payload ? tg_xstrndup(payload, plen) : NULL;
        free(payload);
    }
}

static void handle_job(worker_t *w, json_t *job, const char *path)
{
    json_int_t id = json_integer_value(json_object_get(job, "id"));
    json_int_t max_file = json_integer_value(json_object_get(job, "max_file"));
    double cpu = json_number_value(json_object_get(job, "cpu"));
    const char *stored_sha = json_string_value(json_object_get(job, "stored"));
    tg_extract_limits_t lim = {
        .max_text = (size_t)json_integer_value(json_object_get(job, "max_text")),
        .max_pages = (unsigned)json_integer_value(json_object_get(job, "max_pages")),
        .max_embedded = (uint64_t)json_integer_value(json_object_get(job, "max_member")),
        .max_embeds = (unsigned)json_integer_value(json_object_get(job, "max_members")),
        /* an outside program stops before the indexer's own deadline */
        .timeout = 0.8 * json_number_value(json_object_get(job, "timeout")),
    };
    embed_ctx_t embed = {.w = w,
                         .id = json_integer_value(json_object_get(job, "id")),
                         .cpu = json_number_value(json_object_get(job, "cpu")),
                         .allowed = json_is_true(json_object_get(job, "embed"))};
    lim.embed = on_embedded;
    lim.embed_ctx = &embed;
    if (!path) {
        send_fail(w, id, TG_ERR_INVALID, "job without a path");
        return;
    }
    char sha[TG_SHA256_HEX_LEN + 1];
    uint64_t size = 0;
    if (stored_sha && tg_sha256_valid(stored_sha)) {
        /* already in the store (a bundle member): nothing to copy; its
         * head is read once, for detection and, when that is all of it,
         * for the extractor (as for a file copied in) */
        struct stat sb;
        int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        ssize_t got = -1;
        if (fd >= 0 && !fstat(fd, &sb) && S_ISREG(sb.st_mode))
            got = tg_read_full(fd, w->head, TG_DETECT_HEAD);
        if (fd >= 0)
            close(fd);
        if (got < 0) {
            send_fail(w, id, TG_ERR_IO, "the stored copy is missing");
            return;
        }
        memcpy(sha, stored_sha, sizeof sha);
        size = (uint64_t)sb.st_size;
        w->head_len = (size_t)got;
        set_cpu_budget(cpu);
    } else if (store_file(w, id, path, (uint64_t)max_file, cpu, sha, &size)) {
        return;
    }
    char *stored = tg_store_path(w->store, sha);
    char mime[256];
    if (w->head_len)
        tg_detect_buffer(w->detect, w->head, w->head_len, mime, sizeof mime);
    else
        tg_detect_file(w->detect, stored, mime, sizeof mime);
    /* small files are wholly in hand: extractors need not read them again */
    if (w->head_len && (uint64_t)w->head_len == size) {
        lim.content = w->head;
        lim.content_len = w->head_len;
    }
    const char *kind;
    tg_extract_fn fn = tg_extractor_for(mime, &kind);
    if (tg_bundle_is_bundle(mime) || (!fn && tg_bundle_probe(stored)))
        kind = TG_KIND_ARCHIVE;
    json_t *m = json_pack("{s:s, s:I, s:s, s:I, s:s, s:s}", "type", "hashed", "id", id, "sha256",
                          sha, "size", (json_int_t)size, "mime", mime, "kind", kind);
    tg_status_t st = tg_msg_send(w->fd, m, NULL, 0);
    json_decref(m);
    if (st)
        _exit(0); /* the indexer is gone */

    /* A small text file or PDF is extracted while the indexer decides
     * whether it is wanted (it usually is): the worker does not sit idle for
     * a round trip.  Everything else, costly to extract (OCR) or a bundle,
     * waits for the answer; so does OCR of a PDF's pages without text. */
    int speculate = tg_kind_ahead(kind, size);
    w->job_id = id;
    setup_ocr(w, job, sha, cpu, &lim);
    w->render_pages = json_is_true(json_object_get(job, "render_pages"));
    tg_extract_t x;
    tg_extract_init(&x, &lim);
    use_names(w, json_string_value(json_object_get(job, "names")));
    if (w->names_err[0])
        tg_extract_warn(&x, "names list not used: %s", w->names_err);
    tg_docbuild_in_t in = {.sha = sha,
                           .size = size,
                           .mime = mime,
                           .kind = kind,
                           .x = &x,
                           .name = json_string_value(json_object_get(job, "name")),
                           .names = w->names};
    built_t b = {0};
    if (speculate) {
        tg_extract_limits_t ahead = lim;
        ahead.ocr = NULL;
        ahead.ocr_cache = NULL;
        extract(w, id, fn, stored, mime, &ahead, &x, &in, &b);
        if (lim.ocr && x.ocr_skipped) { /* pages for OCR: done again after "go" */
            drop_built(&b);
            tg_extract_free(&x);
            tg_extract_init(&x, &lim);
            speculate = 0;
        }
    }

    json_t *reply = recv_answer(w);
    const char *rt = json_string_value(json_object_get(reply, "type"));
    fault(in.name);
    if (!rt || strcmp(rt, "go") != 0) {
        drop_built(&b);
    } else if (json_is_true(json_object_get(reply, "bundle"))) {
        read_bundle(w, id, reply, stored, &in, cpu);
    } else {
        if (!speculate)
            extract(w, id, fn, stored, mime, &lim, &x, &in, &b);
        send_built(w, &b);
    }
    json_decref(reply);
    tg_extract_free(&x);
    tg_ocr_cache_free(lim.ocr_cache);
    free(stored);
}

int tg_worker_main(int fd, const char *archive, const tg_worker_limits_t *lim)
{
    tg_worker_sandbox(lim);
    /* The coordinator is the one stage every file goes through: when the
     * workers and it want more cores than there are, it goes first (and the
     * machine's other programs before the workers too).  Never fails in a
     * way that matters: a worker left at the coordinator's priority works
     * the same. */
    errno = 0;
    int prio = getpriority(PRIO_PROCESS, 0);
    if (!errno && setpriority(PRIO_PROCESS, 0, prio + TG_WORKER_NICE))
        errno = 0;
    tg_tune_malloc();
    signal(SIGPIPE, SIG_IGN);
    /* libarchive converts member names through the locale: make it UTF-8 */
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        setlocale(LC_CTYPE, "");
    worker_t w = {.fd = fd};
    char err[512];
    if (tg_store_open(archive, 0, &w.store, err, sizeof err)) {
        fprintf(stderr, "testigo-index worker: %s\n", err);
        return 2;
    }
    if (tg_detect_new(&w.detect, err, sizeof err)) {
        fprintf(stderr, "testigo-index worker: %s\n", err);
        return 2;
    }
    if (tg_langid_new(&w.langid)) {
        fprintf(stderr, "testigo-index worker: language models not found\n");
        return 2;
    }
    w.stem = tg_stemmers_new();
    w.head = tg_xmalloc(TG_DETECT_HEAD);
    for (;;) {
        json_t *job;
        char *path = NULL;
        if (w.ahead) {
            job = w.ahead;
            path = w.ahead_path;
            w.ahead = NULL;
            w.ahead_path = NULL;
        } else {
            char *payload;
            size_t plen;
            if (tg_msg_recv(fd, 65536, &job, &payload, &plen))
                break;
            path = payload ? tg_xstrndup(payload, plen) : NULL;
            free(payload);
        }
        const char *type = json_string_value(json_object_get(job, "type"));
        if (type && strcmp(type, "job") == 0)
            handle_job(&w, job, path);
        free(path);
        json_decref(job);
    }
    tg_ocr_free(w.ocr);
    tg_names_free(w.names);
    free(w.names_path);
    tg_stemmers_free(w.stem);
    free(w.head);
    tg_langid_free(w.langid);
    tg_detect_free(w.detect);
    tg_store_close(w.store);
    return 0;
}
