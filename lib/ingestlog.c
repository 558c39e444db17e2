/* The ingest log (see ingestlog.h).  Lines are built with jansson, so any
 * file name or reason is escaped correctly whatever bytes it holds. */
#define _POSIX_C_SOURCE 200809L
#include "ingestlog.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "util.h"

struct tg_ingestlog {
    int fd;
    tg_buf_t pending;
};

tg_status_t tg_ingestlog_open(const char *path, tg_ingestlog_t **out, char *err, size_t errlen)
{
    *out = NULL;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        tg_errf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return TG_ERR_IO;
    }
    tg_ingestlog_t *log = tg_xcalloc(1, sizeof *log);
    log->fd = fd;
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
    char *s = json_dumps(line, JSON_COMPACT);
    json_decref(line);
    if (!s)
        return; /* only invalid UTF-8 can fail, and callers clean strings */
    tg_buf_adds(&log->pending, s);
    tg_buf_addc(&log->pending, '\n');
    free(s);
}

tg_status_t tg_ingestlog_flush(tg_ingestlog_t *log)
{
    size_t off = 0;
    while (off < log->pending.len) {
        ssize_t n = write(log->fd, log->pending.data + off, log->pending.len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return TG_ERR_IO;
        off += (size_t)n;
    }
    tg_buf_reset(&log->pending);
    if (off && fdatasync(log->fd))
        return TG_ERR_IO;
    return TG_OK;
}
