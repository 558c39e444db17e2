/* The ingest log (see ingestlog.h).  Lines are built with jansson, so any
 * file name or reason is escaped correctly whatever bytes it holds; each is
 * hashed as it is queued, so the chain head is always known without reading
 * the file back.
 *
 * Relies on: jansson, hash.c (nettle).  Reading for verification streams the
 * file with a cap on one line's length, so a damaged log of any size is
 * checked in bounded memory.  Never rewrites a line: the log is append-only. */
#define _POSIX_C_SOURCE 200809L
#include "ingestlog.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "util.h"

/* A log line longer than this is damage, not an event. */
#define MAX_LINE ((size_t)16 << 20)

struct tg_ingestlog {
    int fd;
    tg_buf_t pending;
    char head[TG_SHA256_HEX_LEN + 1];
    uint64_t bytes;  /* length of the file once pending is written */
    int need_nl;     /* the file ends inside a line (a crash mid-write) */
    uint64_t opened; /* length of the file at open */
};

/* Hashes the line that ends just before offset end (end - 1 is its '\n', or
 * end is the file's length for a last line without one).  hex gets the hash
 * of "" if end is 0. */
static int hash_line_ending_at(int fd, uint64_t end, int has_nl, char hex[TG_SHA256_HEX_LEN + 1])
{
    if (end == 0) {
        tg_sha256_hex("", 0, hex);
        return 0;
    }
    uint64_t stop = has_nl ? end - 1 : end; /* one past the line's last byte */
    uint64_t start = stop;
    char buf[65536];
    /* back to the previous newline */
    while (start > 0) {
        size_t n = start > sizeof buf ? sizeof buf : (size_t)start;
        ssize_t r = pread(fd, buf, n, (off_t)(start - n));
        if (r != (ssize_t)n)
            return -1;
        const char *nl = NULL;
        for (size_t i = n; i > 0; i--)
            if (buf[i - 1] == '\n') {
                nl = buf + i - 1;
                break;
            }
        if (nl) {
            start = start - n + (uint64_t)(nl - buf) + 1;
            break;
        }
        start -= n;
    }
    tg_sha256_t h;
    tg_sha256_init(&h);
    for (uint64_t off = start; off < stop;) {
        size_t n = stop - off > sizeof buf ? sizeof buf : (size_t)(stop - off);
        ssize_t r = pread(fd, buf, n, (off_t)off);
        if (r <= 0)
            return -1;
        tg_sha256_update(&h, buf, (size_t)r);
        off += (uint64_t)r;
    }
    tg_sha256_final_hex(&h, hex);
    return 0;
}

tg_status_t tg_ingestlog_open(const char *path, tg_ingestlog_t **out, char *err, size_t errlen)
{
    *out = NULL;
    int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        tg_errf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return TG_ERR_IO;
    }
    struct stat sb;
    char last = '\n';
    if (fstat(fd, &sb) || (sb.st_size > 0 && pread(fd, &last, 1, sb.st_size - 1) != 1)) {
        tg_errf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        close(fd);
        return TG_ERR_IO;
    }
    tg_ingestlog_t *log = tg_xcalloc(1, sizeof *log);
    log->fd = fd;
    log->bytes = log->opened = (uint64_t)sb.st_size;
    log->need_nl = last != '\n';
    if (hash_line_ending_at(fd, log->bytes, !log->need_nl, log->head)) {
        tg_errf(err, errlen, "cannot read the last line of %s: %s", path, strerror(errno));
        close(fd);
        free(log);
        return TG_ERR_IO;
    }
    tg_buf_init(&log->pending, (size_t)-1);
    *out = log;
    return TG_OK;
}

void tg_ingestlog_close(tg_ingestlog_t *log)
{
    if (!log)
        return;
    tg_ingestlog_flush(log);
    close(log->fd);
    tg_buf_free(&log->pending);
    free(log);
}

void tg_ingestlog_add(tg_ingestlog_t *log, json_t *ev)
{
    char iso[32];
    tg_iso8601((int64_t)time(NULL), iso, sizeof iso);
    json_t *line = json_pack("{s:s}", "time", iso);
    json_object_update(line, ev);
    json_object_set_new(line, "prev", json_string(log->head));
    char *s = json_dumps(line, JSON_COMPACT);
    json_decref(line);
    if (!s)
        return; /* only invalid UTF-8 can fail, and callers clean strings */
    if (log->need_nl) {
        /* end the damaged line, so this one stands alone */
        tg_buf_addc(&log->pending, '\n');
        log->bytes++;
        log->need_nl = 0;
    }
    size_t n = strlen(s);
    tg_sha256_hex(s, n, log->head);
    tg_buf_add(&log->pending, s, n);
    tg_buf_addc(&log->pending, '\n');
    log->bytes += n + 1;
    free(s);
}

tg_status_t tg_ingestlog_flush(tg_ingestlog_t *log)
{
    return tg_ingestlog_flush_to(log, log->pending.len);
}

size_t tg_ingestlog_queued(const tg_ingestlog_t *log)
{
    return log->pending.len;
}

tg_status_t tg_ingestlog_flush_to(tg_ingestlog_t *log, size_t mark)
{
    size_t off = mark < log->pending.len ? mark : log->pending.len;
    if (off && tg_write_all(log->fd, log->pending.data, off))
        return TG_ERR_IO;
    if (off == log->pending.len) {
        tg_buf_reset(&log->pending);
    } else if (off) {
        memmove(log->pending.data, log->pending.data + off, log->pending.len - off + 1);
        log->pending.len -= off; /* the terminator moved with the rest */
    }
    if (off && fdatasync(log->fd))
        return TG_ERR_IO;
    return TG_OK;
}

void tg_ingestlog_head(const tg_ingestlog_t *log, char hex[TG_SHA256_HEX_LEN + 1], uint64_t *bytes)
{
    memcpy(hex, log->head, TG_SHA256_HEX_LEN + 1);
    *bytes = log->bytes;
}

tg_status_t tg_ingestlog_check_head(const tg_ingestlog_t *log, const char *head, uint64_t bytes,
                                    char *err, size_t errlen)
{
    if (bytes > log->opened) {
        tg_errf(err, errlen,
                "the log is %llu bytes long but the index recorded %llu: lines were removed "
                "from its end",
                (unsigned long long)log->opened, (unsigned long long)bytes);
        return TG_ERR_CORRUPT;
    }
    char nl = '\n', hex[TG_SHA256_HEX_LEN + 1];
    if (bytes > 0 && pread(log->fd, &nl, 1, (off_t)(bytes - 1)) != 1)
        return TG_ERR_IO;
    if (nl != '\n' || hash_line_ending_at(log->fd, bytes, bytes > 0, hex) ||
        strcmp(hex, head) != 0) {
        tg_errf(err, errlen,
                "the log's line ending at byte %llu is not the one the index recorded: "
                "lines were altered or removed",
                (unsigned long long)bytes);
        return TG_ERR_CORRUPT;
    }
    return TG_OK;
}

/* ==== Verification ========================================================= */

static void broken(tg_logcheck_t *out, uint64_t line, const char *fmt, ...) TG_PRINTF(3, 4);

static void broken(tg_logcheck_t *out, uint64_t line, const char *fmt, ...)
{
    if (out->broken_line)
        return;
    out->broken_line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->reason, sizeof out->reason, fmt, ap);
    va_end(ap);
}

tg_status_t tg_ingestlog_verify(const char *path, const char *head, uint64_t bytes,
                                tg_logcheck_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rbe");
    if (!f) {
        if (errno == ENOENT && head && bytes > 0) {
            broken(out, 1, "the log is missing, but the index recorded %llu bytes of it",
                   (unsigned long long)bytes);
            return TG_OK;
        }
        if (errno == ENOENT)
            return TG_OK;
        tg_errf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return TG_ERR_IO;
    }
    char prev[TG_SHA256_HEX_LEN + 1];
    tg_sha256_hex("", 0, prev);
    tg_buf_t line;
    tg_buf_init(&line, MAX_LINE);
    uint64_t off = 0; /* bytes read so far */
    int chained = 0, head_seen = head == NULL || bytes == 0;
    int c = 0;
    while (!out->broken_line) {
        tg_buf_reset(&line);
        int too_long = 0, nl = 0;
        while ((c = getc_unlocked(f)) != EOF) {
            off++;
            if (c == '\n') {
                nl = 1;
                break;
            }
            if (tg_buf_addc(&line, (char)c))
                too_long = 1;
        }
        if (!nl && line.len == 0 && !too_long)
            break; /* the end */
        uint64_t no = ++out->lines;
        char hex[TG_SHA256_HEX_LEN + 1];
        tg_sha256_hex(tg_buf_str(&line), line.len, hex);
        json_t *j = too_long ? NULL : json_loadb(tg_buf_str(&line), line.len, 0, NULL);
        const char *p = j ? json_string_value(json_object_get(j, "prev")) : NULL;
        if (too_long) {
            broken(out, no, "line %llu is longer than %zu MB: not an event", (unsigned long long)no,
                   MAX_LINE >> 20);
        } else if (!json_is_object(j)) {
            broken(out, no, "line %llu is not a JSON object: it was %s", (unsigned long long)no,
                   nl ? "altered" : "cut short (a crash while writing?)");
        } else if (!p && !chained) {
            out->unchained++;
        } else if (!p) {
            broken(out, no, "line %llu has no link to the line before it (\"prev\"): altered",
                   (unsigned long long)no);
        } else if (strcmp(p, prev) != 0) {
            if (no == 1)
                broken(out, no,
                       "line 1 does not start the chain: lines were removed from the start of "
                       "the log, or line 1 was altered");
            else
                broken(out, no,
                       "line %llu does not follow line %llu: line %llu was altered, or lines "
                       "were removed or inserted between them",
                       (unsigned long long)no, (unsigned long long)(no - 1),
                       (unsigned long long)(no - 1));
        } else {
            chained = 1;
        }
        json_decref(j);
        memcpy(prev, hex, sizeof prev);
        if (!head_seen && off == bytes) {
            head_seen = 1;
            if (strcmp(hex, head) != 0)
                broken(out, no,
                       "line %llu is not the line the index recorded as the last at that "
                       "point: altered",
                       (unsigned long long)no);
        } else if (!head_seen && off > bytes) {
            head_seen = 1;
            broken(out, no,
                   "line %llu spans byte %llu, where the index recorded the end of a line: "
                   "the log was altered before it",
                   (unsigned long long)no, (unsigned long long)bytes);
        }
        if (!nl)
            break;
    }
    int read_err = ferror(f);
    fclose(f);
    tg_buf_free(&line);
    if (read_err) {
        tg_errf(err, errlen, "cannot read %s", path);
        return TG_ERR_IO;
    }
    if (!out->broken_line && !head_seen)
        broken(out, out->lines + 1,
               "the log ends at byte %llu, but the index recorded %llu bytes: its last lines "
               "were removed",
               (unsigned long long)off, (unsigned long long)bytes);
    return TG_OK;
}
