/* The page cache (see pagecache.h): paths, atomic writes, reads that renew
 * a file's use, and eviction of the least recently used files.
 *
 * Eviction reads the whole cache folder (256 subfolders) and sorts its
 * files by modification time: a cost of a few milliseconds per thousand
 * files, paid only when the bound is passed, and then it frees 10% of the
 * bound at once, so it runs rarely. */
#define _GNU_SOURCE
#include "pagecache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

char *tg_pagecache_png_path(const char *archive, const char *sha, unsigned page, unsigned width)
{
    return tg_xasprintf("%s/pages/%.2s/%s-%u-%u.png", archive, sha, sha, page, width);
}

char *tg_pagecache_words_path(const char *archive, const char *sha, unsigned page)
{
    return tg_xasprintf("%s/pages/%.2s/%s-%u.json", archive, sha, sha, page);
}

tg_status_t tg_pagecache_put(const char *archive, const char *dest, const void *data, size_t len)
{
    char *tmp = tg_xasprintf("%s/tmp/page-XXXXXX", archive);
    tg_status_t st = TG_ERR_IO;
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        goto out;
    int bad = tg_write_all(fd, data, len) != 0;
    if (fchmod(fd, 0600))
        bad = 1;
    if (close(fd))
        bad = 1;
    if (bad) {
        unlink(tmp);
        goto out;
    }
    if (rename(tmp, dest)) {
        if (errno != ENOENT) {
            unlink(tmp);
            goto out;
        }
        /* the pages/ or pages/ab/ folder is missing: make them */
        char *dir = tg_xasprintf("%s/pages", archive);
        (void)mkdir(dir, 0700);
        free(dir);
        dir = tg_xstrdup(dest);
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
        (void)mkdir(dir, 0700);
        free(dir);
        if (rename(tmp, dest)) {
            unlink(tmp);
            goto out;
        }
    }
    st = TG_OK;
out:
    free(tmp);
    return st;
}

tg_status_t tg_pagecache_open(const char *path, int *fd, uint64_t *size)
{
    *fd = -1;
    *size = 0;
    int f = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (f < 0)
        return errno == ENOENT ? TG_ERR_NOTFOUND : TG_ERR_IO;
    struct stat sb;
    if (fstat(f, &sb) || !S_ISREG(sb.st_mode)) {
        close(f);
        return TG_ERR_IO;
    }
    (void)futimens(f, NULL); /* used now (least recently used goes first) */
    *fd = f;
    *size = (uint64_t)sb.st_size;
    return TG_OK;
}

typedef struct {
    char *path;
    uint64_t size;
    struct timespec used;
} entry_t;

static int by_use(const void *a, const void *b)
{
    const entry_t *x = a, *y = b;
    if (x->used.tv_sec != y->used.tv_sec)
        return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
    if (x->used.tv_nsec != y->used.tv_nsec)
        return x->used.tv_nsec < y->used.tv_nsec ? -1 : 1;
    return strcmp(x->path, y->path);
}

/* Lists the cache's files (with list) or only counts their bytes. */
static uint64_t scan(const char *archive, entry_t **list, size_t *n)
{
    uint64_t total = 0;
    size_t cap = 0;
    if (list) {
        *list = NULL;
        *n = 0;
    }
    char *top = tg_xasprintf("%s/pages", archive);
    DIR *d = opendir(top);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.' || strlen(e->d_name) != 2)
            continue;
        char *sub = tg_xasprintf("%s/%s", top, e->d_name);
        DIR *s = opendir(sub);
        struct dirent *f;
        while (s && (f = readdir(s))) {
            struct stat sb;
            if (f->d_name[0] == '.' || fstatat(dirfd(s), f->d_name, &sb, AT_SYMLINK_NOFOLLOW) ||
                !S_ISREG(sb.st_mode))
                continue;
            total += (uint64_t)sb.st_size;
            if (!list)
                continue;
            if (*n == cap) {
                cap = cap ? 2 * cap : 256;
                *list = tg_xrealloc(*list, cap * sizeof **list);
            }
            (*list)[*n].path = tg_xasprintf("%s/%s", sub, f->d_name);
            (*list)[*n].size = (uint64_t)sb.st_size;
            (*list)[*n].used = sb.st_mtim;
            (*n)++;
        }
        if (s)
            closedir(s);
        free(sub);
    }
    if (d)
        closedir(d);
    free(top);
    return total;
}

uint64_t tg_pagecache_size(const char *archive)
{
    return scan(archive, NULL, NULL);
}

tg_status_t tg_pagecache_evict(const char *archive, uint64_t max_bytes, uint64_t *total)
{
    entry_t *list;
    size_t n;
    uint64_t t = scan(archive, &list, &n);
    tg_status_t st = TG_OK;
    if (max_bytes && t > max_bytes) {
        qsort(list, n, sizeof *list, by_use);
        uint64_t goal = max_bytes / 10 * 9;
        for (size_t i = 0; i < n && t > goal; i++) {
            if (unlink(list[i].path) == 0)
                t -= list[i].size;
            else if (errno != ENOENT)
                st = TG_ERR_IO;
        }
    }
    for (size_t i = 0; i < n; i++)
        free(list[i].path);
    free(list);
    if (total)
        *total = t;
    return st;
}
