/* The table of extractors and the helpers they share (see extract.h).
 * Adding a format is one row here and one file beside this one.
 *
 * The OCR helpers put a page through the OCR cache and keep the record of
 * what OCR did ("ocr" in the record, docs/schema.md), so that the image
 * and PDF extractors report pages, confidences and failures alike. */
#define _POSIX_C_SOURCE 200809L
#include "extract.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static const struct {
    const char *mime; /* exact type, or a prefix ending in '/' */
    const char *kind;
    tg_extract_fn fn;
} extractors[] = {
    {"application/pdf", "pdf", tg_extract_pdf},
    {"text/html", "html", tg_extract_html},
    {"application/xhtml+xml", "html", tg_extract_html},
    {"text/xml", "xml", tg_extract_xml},
    {"application/xml", "xml", tg_extract_xml},
    /* Word and OpenDocument text, and their templates */
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx",
     tg_extract_office},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.template", "docx",
     tg_extract_office},
    {"application/vnd.ms-word.document.macroEnabled.12", "docx", tg_extract_office},
    {"application/vnd.ms-word.template.macroEnabled.12", "docx", tg_extract_office},
    {"application/vnd.oasis.opendocument.text", "odt", tg_extract_office},
    {"application/vnd.oasis.opendocument.text-template", "odt", tg_extract_office},
    {"application/msword", "doc", tg_extract_legacy},
    {"text/rtf", "rtf", tg_extract_legacy},
    {"application/rtf", "rtf", tg_extract_legacy},
    /* mail: one message, or a folder of them */
    {"message/rfc822", "email", tg_extract_email},
    {"application/mbox", "mbox", tg_extract_email},
    {"text/", "text", tg_extract_text},
    {"application/json", "text", tg_extract_text},
    /* raster formats leptonica decodes; other images (SVG, HEIC, icons)
     * are kept and listed as unsupported */
    {"image/png", "image", tg_extract_image},
    {"image/jpeg", "image", tg_extract_image},
    {"image/tiff", "image", tg_extract_image},
    {"image/webp", "image", tg_extract_image},
    {"image/gif", "image", tg_extract_image},
    {"image/bmp", "image", tg_extract_image},
    {"image/x-ms-bmp", "image", tg_extract_image},
    {"image/x-portable-bitmap", "image", tg_extract_image},
    {"image/x-portable-greymap", "image", tg_extract_image},
    {"image/x-portable-pixmap", "image", tg_extract_image},
    {"image/x-portable-anymap", "image", tg_extract_image},
    {"image/jp2", "image", tg_extract_image},
    {"image/", "image", NULL},
};

tg_extract_fn tg_extractor_for(const char *mime, const char **kind)
{
    for (size_t i = 0; i < TG_ARRAY_LEN(extractors); i++) {
        size_t n = strlen(extractors[i].mime);
        int match = extractors[i].mime[n - 1] == '/' ? strncmp(mime, extractors[i].mime, n) == 0
                                                     : strcmp(mime, extractors[i].mime) == 0;
        if (match) {
            *kind = extractors[i].kind;
            return extractors[i].fn;
        }
    }
    *kind = "other";
    return NULL;
}

tg_status_t tg_extract_slurp(const char *path, const tg_extract_limits_t *lim, size_t cap,
                             char **data, size_t *len, uint64_t *total, char *err, size_t errlen)
{
    *data = NULL;
    *len = 0;
    *total = 0;
    if (lim->content) {
        size_t n = lim->content_len < cap ? lim->content_len : cap;
        *data = tg_xmalloc(n + 1);
        memcpy(*data, lim->content, n);
        (*data)[n] = '\0';
        *len = n;
        *total = lim->content_len;
        return TG_OK;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        tg_errf(err, errlen, "cannot open: %s", strerror(errno));
        return TG_ERR_IO;
    }
    struct stat sb;
    if (fstat(fd, &sb)) {
        tg_errf(err, errlen, "cannot stat: %s", strerror(errno));
        close(fd);
        return TG_ERR_IO;
    }
    size_t want = (uint64_t)sb.st_size < cap ? (size_t)sb.st_size : cap;
    char *raw = tg_xmalloc(want + 1);
    ssize_t got = tg_read_full(fd, raw, want);
    if (got < 0) {
        tg_errf(err, errlen, "read error: %s", strerror(errno));
        free(raw);
        close(fd);
        return TG_ERR_IO;
    }
    close(fd);
    raw[got] = '\0';
    *data = raw;
    *len = (size_t)got;
    *total = (uint64_t)sb.st_size;
    return TG_OK;
}

void tg_extract_init(tg_extract_t *x, const tg_extract_limits_t *lim)
{
    memset(x, 0, sizeof *x);
    tg_buf_init(&x->text, lim->max_text);
    x->meta = json_object();
    x->warnings = json_array();
}

void tg_extract_free(tg_extract_t *x)
{
    tg_buf_free(&x->text);
    json_decref(x->meta);
    json_decref(x->warnings);
    free(x->date);
    free(x->date_source);
    free(x->charset);
    json_decref(x->ocr);
    memset(x, 0, sizeof *x);
}

void tg_extract_warn(tg_extract_t *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = tg_xvasprintf(fmt, ap);
    va_end(ap);
    /* the same warning for every page of a long document says nothing new */
    size_t i;
    json_t *w;
    json_array_foreach(x->warnings, i, w)
    {
        if (strcmp(json_string_value(w), s) == 0) {
            free(s);
            return;
        }
    }
    if (json_array_size(x->warnings) < 50)
        json_array_append_new(x->warnings, json_string(s));
    free(s);
}

int tg_extract_decode(tg_extract_t *x, const char *data, size_t len, const char *declared,
                      const char *who, const char *where, tg_buf_t *out, tg_decode_info_t *info)
{
    int has = declared && *declared;
    int followed = tg_text_decode_as(data, len, has ? declared : NULL, out, info);
    if (has && !followed)
        tg_extract_warn(x, "%s declares charset %s%s%s, which does not fit its bytes: read as %s",
                        who, declared, where ? " in " : "", where ? where : "", info->charset);
    if (info->replaced)
        tg_extract_warn(x, "%zu invalid byte sequences in %s text replaced", info->replaced,
                        info->charset);
    return followed;
}

/* ==== OCR ================================================================= */

/* Below this mean confidence a page's text is flagged as unreliable. */
#define LOW_CONFIDENCE 50

static json_t *ocr_record(tg_extract_t *x, const tg_extract_limits_t *lim)
{
    if (!x->ocr) {
        x->ocr = json_pack("{s:s, s:s, s:[]}", "lang", tg_ocr_opts(lim->ocr)->lang, "engine",
                           tg_ocr_engine(), "pages");
        x->ocr_calls0 = tg_ocr_calls(lim->ocr);
        x->ocr_osd0 = tg_ocr_osd_calls(lim->ocr);
    }
    return json_object_get(x->ocr, "pages");
}

/* Whether a cached page may stand: not when it was read before orientation
 * was checked and read badly (it may lie turned), nor when its orientation
 * could not be checked then and can be now (the OSD model was installed
 * since). */
static int cached_page_stands(const tg_ocr_cached_t *c, tg_ocr_t *ocr)
{
    if (c->blank)
        return 1;
    if (c->legacy && c->confidence < TG_OCR_RECHECK_CONFIDENCE)
        return 0;
    if (c->orientation_unchecked && tg_ocr_can_check_orientation(ocr))
        return 0;
    return 1;
}

tg_status_t tg_extract_ocr_page(tg_extract_t *x, const tg_extract_limits_t *lim, unsigned n,
                                tg_ocr_run_fn run, void *ctx, tg_decode_info_t *info, char *err,
                                size_t errlen)
{
    json_t *pages = ocr_record(x, lim);
    json_t *entry = json_pack("{s:i}", "page", (int)n);
    json_array_append_new(pages, entry);
    tg_ocr_page_t p = {0};
    tg_ocr_cached_t c;
    tg_status_t st = TG_OK;
    if (lim->ocr_cache && tg_ocr_cache_get(lim->ocr_cache, n, &c) &&
        cached_page_stands(&c, lim->ocr)) {
        json_object_set_new(
            x->ocr, "cached",
            json_integer(json_integer_value(json_object_get(x->ocr, "cached")) + 1));
    } else {
        if (lim->heartbeat)
            lim->heartbeat(lim->heartbeat_ctx);
        st = run(ctx, lim->ocr, &p, err, errlen);
        if (st) {
            json_object_set_new(entry, "error", json_string(err));
            tg_extract_warn(x, "page %u: %s", n, err);
            tg_ocr_page_free(&p);
            return st;
        }
        if (p.damaged)
            tg_extract_warn(x, "page %u: the image is damaged; what could be decoded was read", n);
        if (lim->ocr_cache) {
            tg_ocr_cache_put(lim->ocr_cache, n, &p);
            /* now and then, so a worker killed mid-document keeps its pages */
            if (tg_ocr_cache_save(lim->ocr_cache, 5.0))
                tg_extract_warn(x, "the OCR cache could not be written");
        }
        c = (tg_ocr_cached_t){.text = p.text ? p.text : "",
                              .confidence = p.confidence,
                              .blank = p.blank,
                              .rotation = p.rotation,
                              .orientation_unchecked = p.orientation_unchecked};
    }
    if (c.blank)
        json_object_set_new(entry, "blank", json_true());
    else if (c.confidence >= 0)
        json_object_set_new(entry, "confidence", json_integer(c.confidence));
    if (c.rotation)
        json_object_set_new(entry, "rotation", json_integer(c.rotation));
    if (c.orientation_unchecked) {
        json_object_set_new(entry, "orientation_unchecked", json_true());
        json_int_t k = json_integer_value(json_object_get(x->ocr, "orientation_unchecked"));
        json_object_set_new(x->ocr, "orientation_unchecked", json_integer(k + 1));
        if (!k)
            tg_extract_warn(x,
                            "page %u: the page may lie turned, and its orientation could not be "
                            "checked: tesseract's OSD model (osd.traineddata, Debian package "
                            "tesseract-ocr-osd) is not installed",
                            n);
    }
    if (c.confidence >= 0 && c.confidence < LOW_CONFIDENCE)
        tg_extract_warn(x,
                        "page %u: OCR confidence %d%%: the text may be wrong, or in a language "
                        "not among '%s'",
                        n, c.confidence, tg_ocr_opts(lim->ocr)->lang);
    if (c.text && *c.text) {
        /* words the page cut at a line end are joined, as in a text layer */
        size_t at = x->text.len;
        tg_text_append_utf8(c.text, strlen(c.text), &x->text, info);
        tg_text_join_hyphens(&x->text, at, NULL);
    }
    tg_ocr_page_free(&p);
    return TG_OK;
}

void tg_extract_ocr_done(tg_extract_t *x, const tg_extract_limits_t *lim)
{
    if (!x->ocr || !lim->ocr)
        return;
    json_object_set_new(x->ocr, "recognised",
                        json_integer((json_int_t)(tg_ocr_calls(lim->ocr) - x->ocr_calls0)));
    unsigned long checks = tg_ocr_osd_calls(lim->ocr) - x->ocr_osd0;
    if (checks)
        json_object_set_new(x->ocr, "orientation_checks", json_integer((json_int_t)checks));
    if (!json_object_get(x->ocr, "cached"))
        json_object_set_new(x->ocr, "cached", json_integer(0));
    if (lim->ocr_cache && tg_ocr_cache_save(lim->ocr_cache, 0))
        tg_extract_warn(x, "the OCR cache could not be written");
}
