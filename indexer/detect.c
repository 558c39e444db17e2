/* Content type detection with libmagic (see detect.h).
 *
 * Decompression of compressed files is off (MAGIC_NO_CHECK_COMPRESS is the
 * default; we never set MAGIC_COMPRESS): a gzip is reported as a gzip, and
 * libmagic never runs a decompressor on hostile input.  Its own recursion
 * and byte limits are left at the library's safe defaults. */
#include "detect.h"

#include <magic.h>
#include <string.h>

#include "util.h"

struct tg_detect {
    magic_t m;
};

tg_status_t tg_detect_new(tg_detect_t **out, char *err, size_t errlen)
{
    *out = NULL;
    magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
    if (!m) {
        tg_errf(err, errlen, "libmagic: cannot initialise");
        return TG_ERR_IO;
    }
    if (magic_load(m, NULL) != 0) {
        tg_errf(err, errlen, "libmagic: cannot load its database: %s", magic_error(m));
        magic_close(m);
        return TG_ERR_IO;
    }
    tg_detect_t *d = tg_xcalloc(1, sizeof *d);
    d->m = m;
    *out = d;
    return TG_OK;
}

void tg_detect_free(tg_detect_t *d)
{
    if (!d)
        return;
    magic_close(d->m);
    free(d);
}

tg_status_t tg_detect_file(tg_detect_t *d, const char *path, char *mime, size_t len)
{
    const char *r = magic_file(d->m, path);
    if (!r) {
        tg_errf(mime, len, "%s", "application/octet-stream");
        return TG_ERR_IO;
    }
    tg_errf(mime, len, "%s", r);
    return TG_OK;
}
