/* A growable byte buffer with a size cap (after curl's dynbuf).
 *
 * Every buffer that input can grow is created with a cap; appending past it
 * fails with TG_ERR_LIMIT and leaves the buffer as it was before the call, so
 * a caller can keep what fitted.  The contents are always NUL-terminated
 * (the terminator is not counted in len and not in the cap). */
#ifndef TG_BUF_H
#define TG_BUF_H

#include <stddef.h>

#include "status.h"
#include "util.h"

typedef struct {
    char *data;   /* NULL until the first append; NUL-terminated after */
    size_t len;   /* bytes used, excluding the terminator */
    size_t alloc; /* bytes allocated */
    size_t max;   /* cap on len, in bytes */
} tg_buf_t;

void tg_buf_init(tg_buf_t *b, size_t max);
/* Frees the contents; the buffer may be reused after tg_buf_init. */
void tg_buf_free(tg_buf_t *b);
/* Empties the buffer, keeping its allocation. */
void tg_buf_reset(tg_buf_t *b);
/* Appends n bytes.  TG_ERR_LIMIT if len would pass max (nothing appended). */
tg_status_t tg_buf_add(tg_buf_t *b, const void *p, size_t n);
tg_status_t tg_buf_adds(tg_buf_t *b, const char *s);
tg_status_t tg_buf_addc(tg_buf_t *b, char c);
tg_status_t tg_buf_addf(tg_buf_t *b, const char *fmt, ...) TG_PRINTF(2, 3);
/* Returns the contents (never NULL: "" when empty) and hands ownership to
 * the caller; the buffer is left empty. */
char *tg_buf_detach(tg_buf_t *b);
/* The contents as a C string, never NULL; owned by the buffer. */
const char *tg_buf_str(const tg_buf_t *b);

#endif
