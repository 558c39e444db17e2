/* Content type detection with libmagic (see detect.h): the only file that
 * includes magic.h.
 *
 * libmagic's system database has thousands of rules, and running them on a
 * small text file costs about 3 million instructions, ten times everything
 * else Testigo does with the file (measured with callgrind; see
 * docs/architecture.md).  So detection goes in stages, all by content:
 *   0. Testigo's rules for the documents it reads most that are known by
 *      their first bytes (indexer/worker/header.magic: PDF), with only
 *      libmagic's tar test before them; a PDF made of text cost ~1.8
 *      million instructions in the stages below;
 *   1. libmagic's built-in tests only (MAGIC_NO_CHECK_SOFT): compressed
 *      data, tar, ELF, CDF (old Office), JSON, CSV, and whether the bytes
 *      are text in some encoding;
 *   2. text: Testigo's own small rule set (indexer/worker/text.magic, compiled
 *      with `file -C` at build time and embedded) tells HTML, XML, mail,
 *      RTF, PDF-looking text and friends from plain text;
 *   3. anything else ("data"): the full system database; and what it
 *      does not know either is plain text if it is mostly text
 *      (tg_text_mostly_text: a text file with damage in it).
 * Decompression is never enabled (MAGIC_COMPRESS is not set): a gzip is
 * reported as a gzip, and libmagic never runs a decompressor on hostile
 * input. */
#define _POSIX_C_SOURCE 200809L
#include "detect.h"

#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <string.h>
#include <unistd.h>

#include "text.h"
#include "util.h"

/* The compiled rule sets, text.magic.mgc and header.magic.mgc (generated
 * into the build folder). */
extern const tg_blob_t tg_magic_rules[];

/* Bytes of a file shown to libmagic: rules look near the start. */
#define HEAD_BYTES TG_DETECT_HEAD
/* Bytes shown to the text rules. */
#define TEXT_HEAD_BYTES (8 * 1024)

struct tg_detect {
    magic_t header, builtin, text, full;
    char *buf;
};

static magic_t open_magic(int flags, char *err, size_t errlen)
{
    magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR | flags);
    if (!m)
        tg_errf(err, errlen, "libmagic: cannot initialise");
    return m;
}

/* Loads the embedded rule set called name into m. */
static int load_rules(magic_t m, const char *name, char *err, size_t errlen)
{
    for (const tg_blob_t *b = tg_magic_rules; b->name; b++) {
        if (strcmp(b->name, name) != 0)
            continue;
        void *bufs[1] = {(void *)b->data};
        size_t sizes[1] = {b->len};
        if (magic_load_buffers(m, bufs, sizes, 1) == 0)
            return 0;
        tg_errf(err, errlen, "libmagic: cannot load Testigo's rules %s: %s", name, magic_error(m));
        return -1;
    }
    tg_errf(err, errlen, "libmagic: Testigo's rules %s are not in the program", name);
    return -1;
}

tg_status_t tg_detect_new(tg_detect_t **out, char *err, size_t errlen)
{
    *out = NULL;
    tg_detect_t *d = tg_xcalloc(1, sizeof *d);
    /* the rules, after the tar test only: a tar that starts like a PDF
     * is a tar, as in the stages below */
    d->header = open_magic(MAGIC_NO_CHECK_BUILTIN & ~MAGIC_NO_CHECK_TAR, err, errlen);
    d->builtin = open_magic(MAGIC_NO_CHECK_SOFT, err, errlen);
    d->text = open_magic(0, err, errlen);
    d->full = open_magic(0, err, errlen);
    if (!d->header || !d->builtin || !d->text || !d->full)
        goto fail;
    if (magic_load(d->builtin, NULL) != 0 || magic_load(d->full, NULL) != 0) {
        tg_errf(err, errlen, "libmagic: cannot load its database: %s", magic_error(d->full));
        goto fail;
    }
    if (load_rules(d->text, "text.magic.mgc", err, errlen) != 0 ||
        load_rules(d->header, "header.magic.mgc", err, errlen) != 0)
        goto fail;
    d->buf = tg_xmalloc(HEAD_BYTES);
    *out = d;
    return TG_OK;
fail:
    tg_detect_free(d);
    return TG_ERR_IO;
}

void tg_detect_free(tg_detect_t *d)
{
    if (!d)
        return;
    if (d->header)
        magic_close(d->header);
    if (d->builtin)
        magic_close(d->builtin);
    if (d->text)
        magic_close(d->text);
    if (d->full)
        magic_close(d->full);
    free(d->buf);
    free(d);
}

tg_status_t tg_detect_file(tg_detect_t *d, const char *path, char *mime, size_t len)
{
    tg_errf(mime, len, "%s", "application/octet-stream");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return TG_ERR_IO;
    ssize_t got = tg_read_full(fd, d->buf, HEAD_BYTES);
    close(fd);
    tg_detect_buffer(d, d->buf, got > 0 ? (size_t)got : 0, mime, len);
    return TG_OK;
}

void tg_detect_buffer(tg_detect_t *d, const char *buf, size_t got, char *mime, size_t len)
{
    if (got == 0) {
        tg_errf(mime, len, "%s", "application/x-empty");
        return;
    }
    const char *r = magic_buffer(d->header, buf, got);
    if (r && strcmp(r, "application/octet-stream") != 0) {
        tg_errf(mime, len, "%s", r);
        return;
    }
    r = magic_buffer(d->builtin, buf, got);
    if (r && !strncmp(r, "text/", 5)) {
        const char *t = magic_buffer(d->text, buf, got < TEXT_HEAD_BYTES ? got : TEXT_HEAD_BYTES);
        if (t && strcmp(t, "text/plain") != 0 && strcmp(t, "application/octet-stream") != 0)
            r = t;
    } else if (!r || !strcmp(r, "application/octet-stream")) {
        r = magic_buffer(d->full, buf, got);
        /* text with damage in it (NUL runs, control characters): libmagic
         * calls it data, but what is text in it can be read */
        if ((!r || !strcmp(r, "application/octet-stream")) && tg_text_mostly_text(buf, got))
            r = "text/plain";
    }
    if (r)
        tg_errf(mime, len, "%s", r);
}
