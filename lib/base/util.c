/* Allocation, formatting, time and long-path helpers (see util.h).
 *
 * Nothing here prints except tg_oom(), which is the one deliberate exit from
 * library code: running out of memory is not a condition Testigo tries to
 * recover from, because every input-driven allocation is capped upstream. */
#define _GNU_SOURCE /* O_PATH */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void tg_oom(void)
{
    static const char msg[] = "testigo: out of memory\n";
    ssize_t r = write(2, msg, sizeof msg - 1);
    (void)r;
    abort();
}

void *tg_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        tg_oom();
    return p;
}

void *tg_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        tg_oom();
    return p;
}

void *tg_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        tg_oom();
    return q;
}

char *tg_xstrdup(const char *s)
{
    return tg_xstrndup(s, strlen(s));
}

char *tg_xstrndup(const char *s, size_t n)
{
    char *p = tg_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *tg_xvasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        tg_oom(); /* only an invalid format can fail; treat as fatal */
    char *p = tg_xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *tg_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = tg_xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}

void tg_errf(char *dst, size_t dstlen, const char *fmt, ...)
{
    if (!dst || dstlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, dstlen, fmt, ap);
    va_end(ap);
}

void tg_tune_malloc(void)
{
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
    mallopt(M_TRIM_THRESHOLD, 32 << 20);
}

double tg_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double tg_cpu_waited(int pid)
{
    char path[64];
    if (pid)
        snprintf(path, sizeof path, "/proc/%d/schedstat", pid);
    else
        snprintf(path, sizeof path, "/proc/thread-self/schedstat");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    char buf[128];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    unsigned long long run, wait;
    return sscanf(buf, "%llu %llu", &run, &wait) == 2 ? (double)wait / 1e9 : -1;
}

void tg_iso8601(int64_t t, char *buf, size_t len)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm)) {
        tg_errf(buf, len, "%s", "");
        return;
    }
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int tg_parse_long(const char *s, long min, long max, long *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

ssize_t tg_read_full(int fd, void *buf, size_t n)
{
    char *p = buf;
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

int tg_write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* For a path too long for the kernel: opens its folder (O_PATH), one
 * component at a time, and points *last at its last component.  Returns the
 * folder's descriptor, or -1 with errno set. */
static int open_parent(const char *path, const char **last)
{
    int dir = open(path[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    const char *p = path;
    for (;;) {
        while (*p == '/')
            p++;
        const char *slash = strchr(p, '/');
        const char *rest = slash;
        while (rest && *rest == '/')
            rest++;
        if (!slash || !*rest)
            break; /* p is the last component (perhaps with a trailing '/') */
        if (dir < 0)
            return -1;
        size_t n = (size_t)(slash - p);
        if (n > NAME_MAX) {
            close(dir);
            errno = ENAMETOOLONG;
            return -1;
        }
        char comp[NAME_MAX + 1];
        memcpy(comp, p, n);
        comp[n] = '\0';
        int next = openat(dir, comp, O_PATH | O_DIRECTORY | O_CLOEXEC);
        int e = errno;
        close(dir);
        errno = e;
        dir = next;
        p = rest;
    }
    *last = p;
    return dir;
}

int tg_open_path(const char *path, int flags)
{
    if (strlen(path) < PATH_MAX)
        return open(path, flags, 0);
    const char *last;
    int dir = open_parent(path, &last);
    if (dir < 0)
        return -1;
    int fd = openat(dir, last, flags, 0);
    int e = errno;
    close(dir);
    errno = e;
    return fd;
}

int tg_lstat_path(const char *path, struct stat *sb)
{
    if (strlen(path) < PATH_MAX)
        return lstat(path, sb);
    const char *last;
    int dir = open_parent(path, &last);
    if (dir < 0)
        return -1;
    int r = fstatat(dir, last, sb, AT_SYMLINK_NOFOLLOW);
    int e = errno;
    close(dir);
    errno = e;
    return r;
}
