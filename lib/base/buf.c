/* Capped growable buffer (see buf.h).  Growth doubles, so appending n bytes
 * in small pieces costs O(n) amortised. */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void tg_buf_init(tg_buf_t *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->alloc = 0;
    b->max = max;
}

void tg_buf_free(tg_buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->alloc = 0;
}

void tg_buf_reset(tg_buf_t *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

tg_status_t tg_buf_add(tg_buf_t *b, const void *p, size_t n)
{
    if (n > b->max - b->len)
        return TG_ERR_LIMIT;
    size_t need = b->len + n + 1;
    if (need > b->alloc) {
        size_t a = b->alloc ? b->alloc : 64;
        while (a < need)
            a *= 2;
        b->data = tg_xrealloc(b->data, a);
        b->alloc = a;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return TG_OK;
}

tg_status_t tg_buf_adds(tg_buf_t *b, const char *s)
{
    return tg_buf_add(b, s, strlen(s));
}

tg_status_t tg_buf_addc(tg_buf_t *b, char c)
{
    return tg_buf_add(b, &c, 1);
}

tg_status_t tg_buf_addf(tg_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = tg_xvasprintf(fmt, ap);
    va_end(ap);
    tg_status_t st = tg_buf_adds(b, s);
    free(s);
    return st;
}

char *tg_buf_detach(tg_buf_t *b)
{
    char *p = b->data ? b->data : tg_xstrdup("");
    b->data = NULL;
    b->len = b->alloc = 0;
    return p;
}

const char *tg_buf_str(const tg_buf_t *b)
{
    return b->data ? b->data : "";
}
