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
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "detect.h"
#include "docbuild.h"
#include "extract.h"
#include "hash.h"
#include "lang.h"
#include "ocr.h"
#include "ocrcache.h"
#include "proto.h"
#include "schema.h"
#include "store.h"
#include "text.h"
#include "util.h"
#include "xap.h"

typedef struct {
    int fd;
    tg_store_t *store;
    tg_detect_t *detect;
    tg_langid_t *langid;
    tg_stemmers_t *stem;
    tg_ocr_t *ocr;      /* NULL until a job asks for OCR */
    json_int_t job_id;  /* the job being extracted (for progress messages) */
    double page_budget; /* CPU seconds granted per OCR page */
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

static void set_process_limits(const tg_worker_limits_t *lim)
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

/* Builds the Xapian document of an extraction, saves its text, sends it. */
static void send_doc(worker_t *w, json_int_t id, const tg_docbuild_in_t *in, tg_status_t fst)
{
    tg_extract_t *x = (tg_extract_t *)in->x;
    if (x->text.len > 0 && tg_store_put_text(w->store, in->sha, x->text.data, x->text.len))
        tg_extract_warn(x, "extracted text could not be saved in the archive");
    tg_doc_t *doc;
    json_t *rec;
    tg_docbuild(in, w->stem, w->langid, &doc, &rec);
    char *ser = NULL;
    size_t serlen = 0;
    if (tg_doc_serialise(doc, &ser, &serlen) != TG_OK) {
        send_fail(w, id, TG_ERR_XAPIAN, "could not serialise the document");
    } else {
        json_t *m = json_pack("{s:s, s:I, s:O}", "type", "doc", "id", id, "record", rec);
        if (in->failure)
            json_object_set_new(
                m, "failed",
                json_pack("{s:s, s:s}", "status", tg_status_str(fst), "reason", in->failure));
        tg_msg_send(w->fd, m, ser, serlen);
        json_decref(m);
    }
    free(ser);
    json_decref(rec);
    tg_doc_free(doc);
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

/* One job: path is the file's name as raw bytes (file names need not be
 * UTF-8, so they travel as the payload, not in the JSON header). */
static void handle_job(worker_t *w, json_t *job, const char *path)
{
    json_int_t id = json_integer_value(json_object_get(job, "id"));
    json_int_t max_file = json_integer_value(json_object_get(job, "max_file"));
    double cpu = json_number_value(json_object_get(job, "cpu"));
    tg_extract_limits_t lim = {
        .max_text = (size_t)json_integer_value(json_object_get(job, "max_text")),
        .max_pages = (unsigned)json_integer_value(json_object_get(job, "max_pages")),
    };
    char err[1024] = "";
    if (!path) {
        send_fail(w, id, TG_ERR_INVALID, "job without a path");
        return;
    }

    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, sizeof err, "cannot open: %s", strerror(errno));
        send_fail(w, id, TG_ERR_IO, err);
        return;
    }
    struct stat sb;
    if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
        close(fd);
        send_fail(w, id, TG_ERR_UNSUPPORTED, "not a regular file");
        return;
    }
    /* hashing and copying get time in proportion to the size (50 MB/s) */
    set_cpu_budget(cpu + (double)sb.st_size / (50 << 20));
    char sha[TG_SHA256_HEX_LEN + 1];
    uint64_t size = 0;
    tg_status_t st = tg_store_add_fd(w->store, fd, (uint64_t)max_file, sha, &size, err, sizeof err);
    close(fd);
    if (st) {
        send_fail(w, id, st, err);
        return;
    }
    char *stored = tg_store_path(w->store, sha);
    char mime[256];
    tg_detect_file(w->detect, stored, mime, sizeof mime);
    const char *kind;
    tg_extract_fn fn = tg_extractor_for(mime, &kind);
    json_t *m = json_pack("{s:s, s:I, s:s, s:I, s:s, s:s}", "type", "hashed", "id", id, "sha256",
                          sha, "size", (json_int_t)size, "mime", mime, "kind", kind);
    st = tg_msg_send(w->fd, m, NULL, 0);
    json_decref(m);
    json_t *reply = NULL;
    char *payload;
    size_t plen;
    if (st || tg_msg_recv(w->fd, 0, &reply, &payload, &plen))
        _exit(0); /* the indexer is gone */
    const char *rt = json_string_value(json_object_get(reply, "type"));
    int go = rt && strcmp(rt, "go") == 0;
    json_decref(reply);
    if (!go) {
        free(stored);
        return;
    }

    set_cpu_budget(cpu);
    w->job_id = id;
    setup_ocr(w, job, sha, cpu, &lim);
    tg_extract_t x;
    tg_extract_init(&x, &lim);
    tg_docbuild_in_t in = {.sha = sha, .size = size, .mime = mime, .kind = kind, .x = &x};
    if (!fn) {
        in.unsupported = 1;
        send_doc(w, id, &in, TG_OK);
    } else {
        st = fn(stored, mime, &lim, &x, err, sizeof err);
        if (st) {
            /* keep the original findable by name and type, without text */
            tg_extract_free(&x);
            tg_extract_init(&x, &lim);
            in.failure = err;
        }
        send_doc(w, id, &in, st);
    }
    tg_extract_free(&x);
    tg_ocr_cache_free(lim.ocr_cache);
    free(stored);
    set_cpu_budget(0);
}

int tg_worker_main(int fd, const char *archive, const tg_worker_limits_t *lim)
{
    set_process_limits(lim);
    signal(SIGPIPE, SIG_IGN);
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
    for (;;) {
        json_t *job;
        char *payload;
        size_t plen;
        if (tg_msg_recv(fd, 65536, &job, &payload, &plen))
            break;
        const char *type = json_string_value(json_object_get(job, "type"));
        char *path = payload ? tg_xstrndup(payload, plen) : NULL;
        if (type && strcmp(type, "job") == 0)
            handle_job(&w, job, path);
        free(path);
        free(payload);
        json_decref(job);
    }
    tg_ocr_free(w.ocr);
    tg_stemmers_free(w.stem);
    tg_langid_free(w.langid);
    tg_detect_free(w.detect);
    tg_store_close(w.store);
    return 0;
}
