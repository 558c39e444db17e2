/* Plain text: any encoding tg_text_decode recognises, converted to UTF-8.
 *
 * Reads at most lim->max_text bytes of the file: the text kept can be no
 * longer than that anyway, and a 1 GB log file must not cost 1 GB of memory.
 * Damage (invalid bytes) is replaced and reported as a warning; it never
 * makes the file fail. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract.h"
#include "text.h"
#include "util.h"

/* Decodes the first `got` bytes of a file of `total` bytes. */
static void decode(tg_extract_t *x, const char *raw, size_t got, uint64_t total,
                   const tg_extract_limits_t *lim)
{
    tg_decode_info_t info;
    tg_text_decode(raw, got, &x->text, &info);
    x->charset = tg_xstrdup(info.charset);
    if (strstr(info.charset, "by line"))
        tg_extract_warn(x, "lines in UTF-8 and lines in Windows-1252: each line read in its own");
    /* NUL and control bytes in a text (not UTF-16 or UTF-32, whose NULs
     * are characters): damage, or another file's bytes */
    size_t binary = strncmp(info.charset, "UTF-16", 6) && strncmp(info.charset, "UTF-32", 6)
                        ? tg_text_binary_bytes(raw, got)
                        : 0;
    if (binary)
        tg_extract_warn(x,
                        "%zu bytes that are not text (NUL or control characters: damage, or "
                        "binary data) left out; the text around them is indexed",
                        binary);
    if (info.replaced)
        tg_extract_warn(x, "%zu invalid byte sequences in %s text replaced", info.replaced,
                        info.charset);
    if (info.truncated || total > got)
        tg_extract_warn(x, "text truncated: only the first %zu MB are indexed",
                        lim->max_text >> 20);
}

tg_status_t tg_extract_text(const char *path, const char *mime, const tg_extract_limits_t *lim,
                            tg_extract_t *x, char *err, size_t errlen)
{
    (void)mime;
    if (lim->content) {
        /* the bytes are in hand already: no copy */
        size_t n = lim->content_len < lim->max_text ? lim->content_len : lim->max_text;
        decode(x, lim->content, n, lim->content_len, lim);
        return TG_OK;
    }
    char *raw;
    size_t len;
    uint64_t total;
    tg_status_t st = tg_extract_slurp(path, lim, lim->max_text, &raw, &len, &total, err, errlen);
    if (st)
        return st;
    decode(x, raw, len, total, lim);
    free(raw);
    return TG_OK;
}
