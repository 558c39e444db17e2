/* Page images through the archive's public handle (see pages.h).
 *
 * Renderers are long-lived processes (`testigo-index --render-server`,
 * started with posix_spawn: no shell, a fixed argument list), at most
 * opts.renderers of them, each drawing one page at a time: starting the
 * program costs more CPU than drawing a text page (it links every library
 * of the indexer), so a process is started once and kept, as the indexer
 * keeps its workers.  A request is one line on its standard input (a
 * validated digest, the kind, two numbers), the answer one line on its
 * standard output.  One that does not answer within the deadline is
 * killed (SIGKILL, by its pid) and reaped; one that died (its pipe at its
 * end) is reaped and its page fails; either is started again at the next
 * request.  Two requests for the same page may both render it: each writes
 * the same bytes through a rename, so the cache stays whole.
 *
 * The cache's size is counted once (a walk of ARCHIVE/pages) and then kept
 * up to date by each render's files; past the bound, eviction walks it
 * again and removes the least recently used files. */
#define _GNU_SOURCE
#include "pages.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "pagecache.h"
#include "record.h"
#include "util.h"

extern char **environ;

/* A long-lived renderer process and the unread part of its answers. */
typedef struct {
    pid_t pid; /* 0: not running */
    int to, from;
    int busy; /* a request is under way */
    char line[1024];
    size_t got;
} renderer_t;

/* Renderers at most (each draws one page at a time). */
#define MAX_RENDERERS 16

struct tg_pages {
    char *archive, *renderer;
    renderer_t r[MAX_RENDERERS];
    unsigned n_renderers;
    pthread_cond_t free;
    double timeout;
    unsigned mem_mb;
    uint64_t cache_max;
    pthread_mutex_t lock;
    int counted;    /* total is known */
    uint64_t total; /* bytes in the cache, as far as this process knows */
};

static void reap(renderer_t *r, int kill_it, int *status);

tg_pages_t *tg_pages_new(const tg_pages_opts_t *o)
{
    tg_pages_t *p = tg_xcalloc(1, sizeof *p);
    p->archive = tg_xstrdup(o->archive);
    p->renderer = tg_xstrdup(o->renderer ? o->renderer : "testigo-index");
    p->timeout = o->timeout > 0 ? o->timeout : 30;
    p->mem_mb = o->mem_mb ? o->mem_mb : 1024;
    p->cache_max = o->cache_max;
    p->n_renderers = o->renderers < 1               ? 1
                     : o->renderers > MAX_RENDERERS ? MAX_RENDERERS
                                                    : o->renderers;
    for (unsigned i = 0; i < MAX_RENDERERS; i++)
        p->r[i].to = p->r[i].from = -1;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->free, NULL);
    return p;
}

void tg_pages_free(tg_pages_t *p)
{
    if (!p)
        return;
    /* no request is under way: the renderers are idle, or hung */
    for (unsigned i = 0; i < p->n_renderers; i++)
        if (p->r[i].pid)
            reap(&p->r[i], 1, NULL);
    pthread_cond_destroy(&p->free);
    pthread_mutex_destroy(&p->lock);
    free(p->archive);
    free(p->renderer);
    free(p);
}

unsigned tg_record_page_images(const tg_record_t *rec)
{
    const char *kind = tg_record_get_kind(rec);
    if (!kind || (strcmp(kind, "pdf") && strcmp(kind, "image")))
        return 0;
    int64_t n = tg_record_get_pages(rec);
    if (n > 0)
        return (unsigned)(n > 100000 ? 100000 : n);
    return !strcmp(kind, "image") ? 1 : 0;
}

/* The document, if the handle may show it and it has page n: its kind. */
static tg_status_t visible_page(tg_archive_t *a, const char *sha, unsigned n, const char **kind,
                                char *err, size_t errlen)
{
    tg_record_t *rec = NULL;
    tg_status_t st = tg_archive_get(a, sha, 1, &rec, NULL);
    if (st) {
        tg_errf(err, errlen, "%s",
                st == TG_ERR_NOTFOUND ? "no such document" : tg_archive_error(a));
        return st;
    }
    unsigned pages = tg_record_page_images(rec);
    const char *k = tg_record_get_kind(rec);
    *kind = k && !strcmp(k, "pdf") ? "pdf" : "image";
    tg_record_free(rec);
    if (n < 1 || n > pages) {
        tg_errf(err, errlen, "no page %u", n);
        return TG_ERR_NOTFOUND;
    }
    return TG_OK;
}

/* ==== The renderers ====================================================== */

/* Starts renderer r: `RENDERER --render-server ARCHIVE MEM`, requests on
 * its standard input, answers on its standard output. */
static tg_status_t spawn(tg_pages_t *p, renderer_t *r, char *err, size_t errlen)
{
    char mem[16], mode[] = "--render-server";
    snprintf(mem, sizeof mem, "%u", p->mem_mb);
    char *argv[] = {p->renderer, mode, p->archive, mem, NULL};
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC)) {
        tg_errf(err, errlen, "cannot start the renderer: %s", strerror(errno));
        return TG_ERR_IO;
    }
    if (pipe2(out, O_CLOEXEC)) {
        close(in[0]);
        close(in[1]);
        tg_errf(err, errlen, "cannot start the renderer: %s", strerror(errno));
        return TG_ERR_IO;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    int e = posix_spawn(&r->pid, p->renderer, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    if (e) {
        close(in[1]);
        close(out[0]);
        r->pid = 0;
        tg_errf(err, errlen, "cannot start the renderer %s: %s", p->renderer, strerror(e));
        return TG_ERR_IO;
    }
    r->to = in[1];
    r->from = out[0];
    r->got = 0;
    return TG_OK;
}

/* Ends renderer r (kills it if it still runs) and reaps it; *status gets
 * its wait status. */
static void reap(renderer_t *r, int kill_it, int *status)
{
    if (r->to >= 0)
        close(r->to);
    if (r->from >= 0)
        close(r->from);
    r->to = r->from = -1;
    if (kill_it)
        kill(r->pid, SIGKILL);
    int st = 0;
    while (waitpid(r->pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (status)
        *status = st;
    r->pid = 0;
}

/* One request to renderer r and its answer, within the deadline. */
static tg_status_t ask(tg_pages_t *p, renderer_t *r, const char *req, unsigned n, char *err,
                       size_t errlen)
{
    if (tg_write_all(r->to, req, strlen(req))) {
        /* it died since its last answer */
        int status;
        reap(r, 1, &status);
        tg_errf(err, errlen, "the renderer was gone");
        return TG_ERR_IO;
    }
    double deadline = tg_now() + p->timeout;
    for (;;) {
        char *nl = memchr(r->line, '\n', r->got);
        if (nl) {
            *nl = '\0';
            tg_status_t st = TG_OK;
            if (strcmp(r->line, "ok")) {
                tg_errf(err, errlen, "page %u: %s", n,
                        strncmp(r->line, "fail ", 5) ? r->line : r->line + 5);
                st = TG_ERR_FORMAT;
            }
            size_t used = (size_t)(nl + 1 - r->line);
            memmove(r->line, nl + 1, r->got - used);
            r->got -= used;
            return st;
        }
        double left = deadline - tg_now();
        if (left <= 0) {
            reap(r, 1, NULL);
            tg_errf(err, errlen, "page %u took longer than %.0f s to render", n, p->timeout);
            return TG_ERR_TIMEOUT;
        }
        struct pollfd pf = {r->from, POLLIN, 0};
        int k = poll(&pf, 1, (int)(left * 1000) + 1);
        if (k < 0 && errno != EINTR)
            return TG_ERR_IO;
        if (k <= 0)
            continue;
        if (r->got == sizeof r->line - 1)
            r->got = 0; /* an answer longer than any we write: garbage */
        ssize_t m = read(r->from, r->line + r->got, sizeof r->line - 1 - r->got);
        if (m < 0 && errno == EINTR)
            continue;
        if (m <= 0) {
            int status;
            reap(r, 1, &status);
            if (WIFSIGNALED(status))
                tg_errf(err, errlen, "the renderer died on page %u (signal %d)", n,
                        WTERMSIG(status));
            else
                tg_errf(err, errlen, "the renderer ended on page %u (status %d)", n,
                        WIFEXITED(status) ? WEXITSTATUS(status) : -1);
            return TG_ERR_FORMAT;
        }
        r->got += (size_t)m;
    }
}

/* Has page n of sha drawn at width by a free renderer (started if need
 * be); TG_OK when it says it drew it.  A renderer that died, hung or
 * answered garbage is replaced at the next request. */
static tg_status_t render(tg_pages_t *p, const char *sha, const char *kind, unsigned n,
                          unsigned width, char *err, size_t errlen)
{
    pthread_mutex_lock(&p->lock);
    renderer_t *r = NULL;
    while (!r) {
        for (unsigned i = 0; i < p->n_renderers && !r; i++)
            if (!p->r[i].busy)
                r = &p->r[i];
        if (!r)
            pthread_cond_wait(&p->free, &p->lock);
    }
    r->busy = 1;
    pthread_mutex_unlock(&p->lock);
    char req[128];
    snprintf(req, sizeof req, "%s %s %u %u\n", sha, kind, n, width);
    tg_status_t st = TG_OK;
    /* a renderer found gone before it was asked is started again, once */
    for (int attempt = 0; attempt < 2; attempt++) {
        if (!r->pid && (st = spawn(p, r, err, errlen)))
            break;
        st = ask(p, r, req, n, err, errlen);
        if (st != TG_ERR_IO || r->pid)
            break;
    }
    pthread_mutex_lock(&p->lock);
    r->busy = 0;
    pthread_cond_signal(&p->free);
    pthread_mutex_unlock(&p->lock);
    return st;
}

/* Accounts for size new bytes in the cache, evicting past the bound. */
static void account(tg_pages_t *p, uint64_t size)
{
    if (!p->cache_max)
        return;
    pthread_mutex_lock(&p->lock);
    if (!p->counted) {
        p->total = tg_pagecache_size(p->archive);
        p->counted = 1;
    } else {
        p->total += size;
    }
    if (p->total > p->cache_max)
        tg_pagecache_evict(p->archive, p->cache_max, &p->total);
    pthread_mutex_unlock(&p->lock);
}

/* Opens the cache file at path, rendering page n at width first when it
 * is missing. */
static tg_status_t cached(tg_pages_t *p, const char *sha, const char *kind, unsigned n,
                          unsigned width, const char *path, int *fd, uint64_t *size, int *rendered,
                          char *err, size_t errlen)
{
    *rendered = 0;
    tg_status_t st = tg_pagecache_open(path, fd, size);
    if (st != TG_ERR_NOTFOUND) {
        if (st)
            tg_errf(err, errlen, "the page cache cannot be read");
        return st;
    }
    st = render(p, sha, kind, n, width, err, errlen);
    if (st)
        return st;
    *rendered = 1;
    st = tg_pagecache_open(path, fd, size);
    if (st) {
        tg_errf(err, errlen, "the rendered page is not in the cache");
        return TG_ERR_IO;
    }
    account(p, *size);
    return TG_OK;
}

tg_status_t tg_archive_page_image(tg_archive_t *a, tg_pages_t *p, const char *sha, unsigned page,
                                  unsigned width, int *fd, uint64_t *size, int *rendered, char *err,
                                  size_t errlen)
{
    *fd = -1;
    *size = 0;
    int r = 0;
    if (rendered)
        *rendered = 0;
    if (width != TG_PAGE_THUMB && width != TG_PAGE_SCREEN && width != TG_PAGE_PRINT) {
        tg_errf(err, errlen, "no such size");
        return TG_ERR_NOTFOUND;
    }
    const char *kind;
    tg_status_t st = visible_page(a, sha, page, &kind, err, errlen);
    if (st)
        return st;
    char *path = tg_pagecache_png_path(p->archive, sha, page, width);
    st = cached(p, sha, kind, page, width, path, fd, size, &r, err, errlen);
    free(path);
    if (rendered)
        *rendered = r;
    return st;
}

/* Cap on a page's words file. */
#define WORDS_MAX ((size_t)16 << 20)

tg_status_t tg_archive_page_words(tg_archive_t *a, tg_pages_t *p, const char *sha, unsigned page,
                                  json_t **out, char *err, size_t errlen)
{
    *out = NULL;
    const char *kind;
    tg_status_t st = visible_page(a, sha, page, &kind, err, errlen);
    if (st)
        return st;
    char *path = tg_pagecache_words_path(p->archive, sha, page);
    int fd, r;
    uint64_t size;
    /* the words are written with every render: a screen render makes them */
    st = cached(p, sha, kind, page, TG_PAGE_SCREEN, path, &fd, &size, &r, err, errlen);
    free(path);
    if (st)
        return st;
    json_error_t je;
    json_t *o = size <= WORDS_MAX ? json_loadfd(fd, 0, &je) : NULL;
    close(fd);
    if (!json_is_object(o) || !json_is_array(json_object_get(o, "words"))) {
        json_decref(o);
        tg_errf(err, errlen, "the page's words in the cache cannot be read");
        return TG_ERR_IO;
    }
    *out = o;
    return TG_OK;
}
