/* Page images through the archive's public handle (see pages.h).
 *
 * The renderer is started with posix_spawn (no shell, a fixed argument
 * list: the archive, a validated digest, the kind, two numbers) and its
 * standard output, which says why it failed, is read through a pipe until
 * it closes or the deadline passes; then it is killed (SIGKILL, by its
 * pid) and reaped.  Two requests for the same page may both render it:
 * each writes the same bytes through a rename, so the cache stays whole.
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
#include "schema.h"
#include "util.h"

extern char **environ;

struct tg_pages {
    char *archive, *renderer;
    double timeout;
    unsigned mem_mb;
    uint64_t cache_max;
    pthread_mutex_t lock;
    int counted;    /* total is known */
    uint64_t total; /* bytes in the cache, as far as this process knows */
};

tg_pages_t *tg_pages_new(const tg_pages_opts_t *o)
{
    tg_pages_t *p = tg_xcalloc(1, sizeof *p);
    p->archive = tg_xstrdup(o->archive);
    p->renderer = tg_xstrdup(o->renderer ? o->renderer : "testigo-index");
    p->timeout = o->timeout > 0 ? o->timeout : 30;
    p->mem_mb = o->mem_mb ? o->mem_mb : 1024;
    p->cache_max = o->cache_max;
    pthread_mutex_init(&p->lock, NULL);
    return p;
}

void tg_pages_free(tg_pages_t *p)
{
    if (!p)
        return;
    pthread_mutex_destroy(&p->lock);
    free(p->archive);
    free(p->renderer);
    free(p);
}

unsigned tg_record_page_images(const json_t *rec)
{
    const char *kind = json_string_value(json_object_get(rec, TG_REC_KIND));
    if (!kind || (strcmp(kind, "pdf") && strcmp(kind, "image")))
        return 0;
    json_int_t n = json_integer_value(json_object_get(rec, TG_REC_PAGES));
    if (n > 0)
        return (unsigned)(n > 100000 ? 100000 : n);
    return !strcmp(kind, "image") ? 1 : 0;
}

/* The document, if the handle may show it and it has page n: its kind. */
static tg_status_t visible_page(tg_archive_t *a, const char *sha, unsigned n, const char **kind,
                                char *err, size_t errlen)
{
    json_t *rec = NULL;
    tg_status_t st = tg_archive_get(a, sha, 1, &rec, NULL);
    if (st) {
        tg_errf(err, errlen, "%s",
                st == TG_ERR_NOTFOUND ? "no such document" : tg_archive_error(a));
        return st;
    }
    unsigned pages = tg_record_page_images(rec);
    const char *k = json_string_value(json_object_get(rec, TG_REC_KIND));
    *kind = k && !strcmp(k, "pdf") ? "pdf" : "image";
    json_decref(rec);
    if (n < 1 || n > pages) {
        tg_errf(err, errlen, "no page %u", n);
        return TG_ERR_NOTFOUND;
    }
    return TG_OK;
}

/* Runs the renderer for page n at width; TG_OK when it says it drew it. */
static tg_status_t render(tg_pages_t *p, const char *sha, const char *kind, unsigned n,
                          unsigned width, char *err, size_t errlen)
{
    char page[16], wid[16], mem[16], mode[] = "--render-page";
    snprintf(page, sizeof page, "%u", n);
    snprintf(wid, sizeof wid, "%u", width);
    snprintf(mem, sizeof mem, "%u", p->mem_mb);
    char *argv[] = {p->renderer, mode, p->archive, (char *)sha, (char *)kind, page, wid, mem, NULL};
    int fds[2];
    if (pipe2(fds, O_CLOEXEC)) {
        tg_errf(err, errlen, "cannot start the renderer: %s", strerror(errno));
        return TG_ERR_IO;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    pid_t pid;
    int e = posix_spawn(&pid, p->renderer, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (e) {
        close(fds[0]);
        tg_errf(err, errlen, "cannot start the renderer %s: %s", p->renderer, strerror(e));
        return TG_ERR_IO;
    }
    char said[512];
    size_t got = 0;
    double deadline = tg_now() + p->timeout;
    int timed_out = 0;
    for (;;) {
        double left = deadline - tg_now();
        if (left <= 0) {
            timed_out = 1;
            break;
        }
        struct pollfd pf = {fds[0], POLLIN, 0};
        int r = poll(&pf, 1, (int)(left * 1000) + 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            continue;
        char buf[256];
        ssize_t k = read(fds[0], buf, sizeof buf);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        size_t take = (size_t)k < sizeof said - 1 - got ? (size_t)k : sizeof said - 1 - got;
        memcpy(said + got, buf, take);
        got += take;
    }
    close(fds[0]);
    said[got] = '\0';
    if (got && said[got - 1] == '\n')
        said[got - 1] = '\0';
    if (timed_out)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (timed_out) {
        tg_errf(err, errlen, "page %u took longer than %.0f s to render", n, p->timeout);
        return TG_ERR_TIMEOUT;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return TG_OK;
    if (WIFSIGNALED(status))
        tg_errf(err, errlen, "the renderer died on page %u (signal %d)", n, WTERMSIG(status));
    else
        tg_errf(err, errlen, "page %u: %s", n, got ? said : "the renderer failed");
    return TG_ERR_FORMAT;
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
