/* The progress line (see progress.h).  Uses only "\r" and "erase to end of
 * line" (ESC [ K), which every terminal understands, and cuts the line to
 * the terminal's width so it never wraps (a wrapped line cannot be redrawn
 * in place).  Everything else it writes is in terminal form: file names
 * never reach the terminal raw (an ESC in a name would drive it). */
#define _GNU_SOURCE
#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "text.h"

struct tg_progress {
    int enabled;
    int drawn;
    double start, last;
};

tg_progress_t *tg_progress_new(int enabled)
{
    tg_progress_t *p = tg_xcalloc(1, sizeof *p);
    p->enabled = enabled;
    p->start = tg_now();
    return p;
}

void tg_progress_free(tg_progress_t *p)
{
    if (!p)
        return;
    tg_progress_clear(p);
    free(p);
}

static unsigned width(void)
{
    struct winsize ws;
    if (ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
        return ws.ws_col;
    return 80;
}

void tg_progress_update(tg_progress_t *p, uint64_t done, uint64_t total, uint64_t bytes,
                        const char *current, int force)
{
    if (!p || !p->enabled)
        return;
    double now = tg_now();
    if (!force && now - p->last < 0.2)
        return;
    p->last = now;
    double el = now - p->start;
    double rate = el > 0 ? (double)done / el : 0;
    char line[512], eta[32] = "";
    if (total > done && rate > 0) {
        unsigned long s = (unsigned long)((double)(total - done) / rate);
        snprintf(eta, sizeof eta, "  ETA %lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
    }
    int n;
    if (total)
        n = snprintf(line, sizeof line, "%llu/%llu files  %.1f MB  %.1f files/s%s  ",
                     (unsigned long long)done, (unsigned long long)total, (double)bytes / (1 << 20),
                     rate, eta);
    else
        n = snprintf(line, sizeof line, "%llu files  %.1f MB  %.1f files/s  ",
                     (unsigned long long)done, (double)bytes / (1 << 20), rate);
    unsigned w = width() - 1;
    if (n < 0 || (unsigned)n >= w) {
        line[w] = '\0';
    } else if (current) {
        /* the end of the path says most: cut from the left, at a character */
        char *shown = tg_utf8_terminal(current);
        size_t room = w - (size_t)n, len = strlen(shown);
        const char *c = shown;
        if (len > room) {
            c = shown + len - room + 3;
            while (*c && ((unsigned char)*c & 0xC0) == 0x80)
                c++;
            strncat(line, "...", sizeof line - strlen(line) - 1);
        }
        strncat(line, c, sizeof line - strlen(line) - 1);
        free(shown);
    }
    fprintf(stderr, "\r%s\033[K", line);
    fflush(stderr);
    p->drawn = 1;
}

void tg_progress_clear(tg_progress_t *p)
{
    if (p && p->enabled && p->drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        p->drawn = 0;
        p->last = 0;
    }
}

void tg_progress_print(tg_progress_t *p, const char *fmt, ...)
{
    tg_progress_clear(p);
    va_list ap;
    va_start(ap, fmt);
    char *raw = NULL;
    int n = vasprintf(&raw, fmt, ap);
    va_end(ap);
    if (n < 0)
        tg_oom();
    int nl = n > 0 && raw[n - 1] == '\n';
    if (nl)
        raw[n - 1] = '\0';
    char *shown = tg_utf8_terminal(raw);
    fprintf(stderr, "%s%s", shown, nl ? "\n" : "");
    free(shown);
    free(raw);
}
