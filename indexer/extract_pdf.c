/* PDF, over poppler-glib: the text of every page, the document information
 * dictionary, and its dates.  The only file that includes poppler or GLib;
 * no GLib type leaves it.
 *
 * Poppler opens a PDF encrypted with an empty user password by itself (many
 * official forms are); one that needs a password fails with
 * TG_ERR_ENCRYPTED.  Hostile PDFs can make poppler loop or allocate without
 * bound; that is contained by the worker's limits, not here. */
#define _POSIX_C_SOURCE 200809L
#include <poppler.h>
#include <string.h>

#include "extract.h"
#include "text.h"
#include "util.h"

static void meta_str(tg_extract_t *x, const char *key, gchar *value)
{
    if (value) {
        char *clean = tg_utf8_clean(value, strlen(value));
        /* trim; empty values ("", "  ") say nothing */
        char *s = clean;
        while (*s == ' ' || *s == '\t' || *s == '\n')
            s++;
        size_t n = strlen(s);
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
            s[--n] = '\0';
        if (n > 0)
            json_object_set_new(x->meta, key, json_string(s));
        free(clean);
        g_free(value);
    }
}

/* Records a PDF date (time_t, -1 when absent) as meta key; returns the ISO
 * string (malloc'd) or NULL. */
static char *meta_date(tg_extract_t *x, const char *key, time_t t)
{
    if (t == (time_t)-1 || t <= 0)
        return NULL;
    char iso[32];
    tg_iso8601((int64_t)t, iso, sizeof iso);
    json_object_set_new(x->meta, key, json_string(iso));
    return tg_xstrdup(iso);
}

tg_status_t tg_extract_pdf(const char *path, const char *mime, const tg_extract_limits_t *lim,
                           tg_extract_t *x, char *err, size_t errlen)
{
    (void)mime;
    GError *gerr = NULL;
    gchar *uri = g_filename_to_uri(path, NULL, &gerr);
    if (!uri) {
        tg_errf(err, errlen, "bad path: %s", gerr ? gerr->message : "?");
        g_clear_error(&gerr);
        return TG_ERR_IO;
    }
    PopplerDocument *doc = poppler_document_new_from_file(uri, NULL, &gerr);
    g_free(uri);
    if (!doc) {
        tg_status_t st = TG_ERR_FORMAT;
        if (gerr && gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_ENCRYPTED) {
            tg_errf(err, errlen, "encrypted PDF: needs a password");
            st = TG_ERR_ENCRYPTED;
        } else {
            tg_errf(err, errlen, "not a readable PDF (corrupt or truncated): %s",
                    gerr && gerr->message ? gerr->message : "unknown error");
        }
        g_clear_error(&gerr);
        return st;
    }

    meta_str(x, "title", poppler_document_get_title(doc));
    meta_str(x, "author", poppler_document_get_author(doc));
    meta_str(x, "subject", poppler_document_get_subject(doc));
    meta_str(x, "keywords", poppler_document_get_keywords(doc));
    meta_str(x, "creator", poppler_document_get_creator(doc));
    meta_str(x, "producer", poppler_document_get_producer(doc));
    char *created = meta_date(x, "created", poppler_document_get_creation_date(doc));
    char *modified = meta_date(x, "modified", poppler_document_get_modification_date(doc));
    if (created) {
        x->date = created;
        x->date_source = tg_xstrdup("pdf:CreationDate");
        free(modified);
    } else if (modified) {
        x->date = modified;
        x->date_source = tg_xstrdup("pdf:ModDate");
    }

    int n = poppler_document_get_n_pages(doc);
    if (n < 0)
        n = 0;
    unsigned pages = (unsigned)n;
    if (pages > lim->max_pages) {
        tg_extract_warn(x, "%u pages: only the first %u are indexed", pages, lim->max_pages);
        pages = lim->max_pages;
    }
    tg_decode_info_t info = {0};
    unsigned empty = 0;
    for (unsigned i = 0; i < pages && !info.truncated; i++) {
        if (i > 0 && tg_buf_addc(&x->text, '\f')) {
            info.truncated = 1;
            break;
        }
        PopplerPage *page = poppler_document_get_page(doc, (int)i);
        if (!page) {
            tg_extract_warn(x, "a page could not be read");
            continue;
        }
        gchar *t = poppler_page_get_text(page);
        if (t && t[0])
            tg_text_append_utf8(t, strlen(t), &x->text, &info);
        else
            empty++;
        g_free(t);
        g_object_unref(page);
        x->pages = i + 1;
    }
    if (info.truncated)
        tg_extract_warn(x, "text truncated: only the first %zu MB are indexed",
                        lim->max_text >> 20);
    if (info.replaced)
        tg_extract_warn(x, "%zu invalid character sequences replaced", info.replaced);
    if (pages == 0)
        tg_extract_warn(x, "the PDF has no readable pages");
    else if (empty == pages)
        tg_extract_warn(x, "no text layer: the PDF may be a scan");
    else if (empty > 0)
        tg_extract_warn(x, "%u of %u pages have no text layer", empty, pages);
    g_object_unref(doc);
    return TG_OK;
}
