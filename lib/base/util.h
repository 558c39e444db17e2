/* Small helpers every part of Testigo may use: allocation that never returns
 * NULL, formatted strings, time stamps, and opening paths of any length.
 *
 * Allocation failure aborts with a message (Redis's policy): the callers stay
 * free of NULL checks, and the only inputs that can make Testigo allocate a
 * lot are bounded by explicit caps elsewhere. */
#ifndef TG_UTIL_H
#define TG_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <stdint.h>
#include <stdlib.h>

#define TG_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define TG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define TG_NORETURN     __attribute__((noreturn))
#else
#define TG_PRINTF(f, a)
#define TG_NORETURN
#endif

/* A file embedded into the program at build time (scripts/embed.sh):
 * tables of them end with an entry whose name is NULL. */
typedef struct {
    const char *name; /* the file's base name */
    const unsigned char *data;
    size_t len;
} tg_blob_t;

void *tg_xmalloc(size_t n);
void *tg_xcalloc(size_t n, size_t size);
void *tg_xrealloc(void *p, size_t n);
char *tg_xstrdup(const char *s);
char *tg_xstrndup(const char *s, size_t n);
/* Returns a newly allocated formatted string. */
char *tg_xasprintf(const char *fmt, ...) TG_PRINTF(1, 2);
char *tg_xvasprintf(const char *fmt, va_list ap);

/* Writes "out of memory" and aborts. */
TG_NORETURN void tg_oom(void);

/* Copies at most dstlen-1 bytes of fmt's expansion into dst, always
 * NUL-terminated; for error buffers that may be NULL or zero-sized. */
void tg_errf(char *dst, size_t dstlen, const char *fmt, ...) TG_PRINTF(3, 4);

/* For processes that handle one file after another: keeps freed memory of
 * a few MB for the next file instead of giving it back to the system and
 * faulting it in again (measured: page faults, brk and munmap with their TLB
 * flushes were a tenth of the indexer's time on small files). */
void tg_tune_malloc(void);

/* Reads until n bytes or the end of the file, retrying interrupted reads.
 * Returns the bytes read (fewer than n only at the end), or -1 with errno
 * set on an error. */
ssize_t tg_read_full(int fd, void *buf, size_t n);
/* Writes all n bytes, retrying short and interrupted writes.  Returns 0, or
 * -1 with errno set. */
int tg_write_all(int fd, const void *buf, size_t n);

/* open(2) and lstat(2) for paths of any length: one longer than PATH_MAX
 * (a folder tree 100 levels deep can make one) is opened a folder at a time
 * with openat(2), following symbolic links in its folders as open does.
 * Same results and errno as the system calls otherwise. */
int tg_open_path(const char *path, int flags);
int tg_lstat_path(const char *path, struct stat *sb);

/* Wall-clock time in seconds (CLOCK_MONOTONIC), for budgets and rates. */
double tg_now(void);
/* Seconds process pid (0: the calling thread) has spent ready to run but
 * waiting for a CPU (the kernel's schedstat), or -1 if the kernel does not
 * say.  Wall-clock budgets leave that time out: a file is not blamed for
 * the machine's other work (docs/architecture.md, "Deadlines"). */
double tg_cpu_waited(int pid);

/* Formats a UTC time as ISO 8601 "YYYY-MM-DDThh:mm:ssZ" into buf (>= 21 bytes). */
void tg_iso8601(int64_t t, char *buf, size_t len);

/* Parses a decimal integer in [min, max]; returns 0 on success, -1 otherwise. */
int tg_parse_long(const char *s, long min, long max, long *out);

#endif
