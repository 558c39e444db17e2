/* PDF, over poppler-glib: the text of every page, the document information
 * dictionary, and its dates.  The only file that includes poppler, GLib or
 * cairo; no type of theirs leaves it.
 *
 * A page without a text layer (a scan) is rendered with cairo at OCR_DPI
 * into an image surface and its pixels handed to OCR (ocr.h) through the
 * OCR cache; a PDF with text pages and scanned pages gets both, each at
 * its own page.  The render is scaled down to fit the OCR pixel limit, so a
 * hostile page size cannot make the surface huge.
 *
 * Poppler opens a PDF encrypted with an empty user password by itself (many
 * official forms are); one that needs a password fails with
 * TG_ERR_ENCRYPTED.  Hostile PDFs can make poppler loop or allocate without
 * bound; that is contained by the worker's limits, not here. */
#define _POSIX_C_SOURCE 200809L
#include <cairo.h>
#include <math.h>
#include <poppler.h>
#include <string.h>

#include "extract.h"
#include "pagerender.h"
#include "pngio.h"
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

/* Resolution of renders for OCR: tesseract reads best at about 300 dpi. */
#define OCR_DPI 300.0
/* Below this a render is not worth recognising. */
#define OCR_MIN_DPI 70.0
/* cairo's largest image surface side. */
#define CAIRO_MAX_SIDE 32767.0

static int has_text(const char *t)
{
    for (; t && *t; t++)
        if (*t != ' ' && *t != '\n' && *t != '\r' && *t != '\t' && *t != '\f')
            return 1;
    return 0;
}

/* Renders a page and recognises it (a tg_ocr_run_fn). */
static tg_status_t render_page(void *ctx, tg_ocr_t *ocr, tg_ocr_page_t *out, char *err,
                               size_t errlen)
{
    PopplerPage *page = ctx;
    double wpt = 0, hpt = 0;
    poppler_page_get_size(page, &wpt, &hpt);
    if (!(wpt > 0 && hpt > 0 && wpt < 1e7 && hpt < 1e7)) {
        tg_errf(err, errlen, "the page has no usable size");
        return TG_ERR_FORMAT;
    }
    double dpi = OCR_DPI;
    uint64_t max = tg_ocr_opts(ocr)->max_pixels;
    double px = (wpt * dpi / 72) * (hpt * dpi / 72);
    if (max && px > (double)max)
        dpi *= sqrt((double)max / px);
    double side = (wpt > hpt ? wpt : hpt) * dpi / 72;
    if (side > CAIRO_MAX_SIDE)
        dpi *= CAIRO_MAX_SIDE / side;
    if (dpi < OCR_MIN_DPI) {
        tg_errf(err, errlen,
                "page too large for OCR: %.0f x %.0f points would need %.0f dpi to fit the "
                "pixel limit (--ocr-max-pixels)",
                wpt, hpt, dpi);
        return TG_ERR_LIMIT;
    }
    int w = (int)floor(wpt * dpi / 72), h = (int)floor(hpt * dpi / 72);
    if (w < 1)
        w = 1;
    if (h < 1)
        h = 1;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        tg_errf(err, errlen, "cannot make a %d x %d image to render the page", w, h);
        return TG_ERR_LIMIT;
    }
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, dpi / 72, dpi / 72);
    poppler_page_render(page, cr);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    tg_status_t st = tg_ocr_pixels(ocr, cairo_image_surface_get_data(s), w, h,
                                   (size_t)cairo_image_surface_get_stride(s), TG_PIXELS_XRGB32,
                                   (int)lround(dpi), out, err, errlen);
    cairo_surface_destroy(s);
    return st;
}

/* Poppler builds its global parameters (the encodings, CMaps and Unicode
 * maps of poppler-data) when a first document is opened and frees them when
 * the last one is closed.  A worker opens PDFs one after another, so it
 * built them again for every PDF: about 4M instructions each time, a tenth
 * of a worker's work on a set of small PDFs (callgrind, 200 PDFs).  One
 * empty document kept open for the life of the process keeps them. */
static PopplerDocument *params_keeper;

static void keep_poppler_params(void)
{
    static int tried;
    if (tried)
        return;
    tried = 1;
    static const char *const objs[] = {
        "<</Type/Catalog/Pages 2 0 R>>",
        "<</Type/Pages/Kids[3 0 R]/Count 1>>",
        "<</Type/Page/Parent 2 0 R/MediaBox[0 0 1 1]>>",
    };
    tg_buf_t b;
    tg_buf_init(&b, 512);
    size_t off[TG_ARRAY_LEN(objs)];
    tg_buf_adds(&b, "%PDF-1.4\n");
    for (size_t i = 0; i < TG_ARRAY_LEN(objs); i++) {
        off[i] = b.len;
        tg_buf_addf(&b, "%zu 0 obj\n%s\nendobj\n", i + 1, objs[i]);
    }
    size_t xref = b.len;
    tg_buf_addf(&b, "xref\n0 %zu\n0000000000 65535 f \n", TG_ARRAY_LEN(objs) + 1);
    for (size_t i = 0; i < TG_ARRAY_LEN(objs); i++)
        tg_buf_addf(&b, "%010zu 00000 n \n", off[i]);
    tg_buf_addf(&b, "trailer\n<</Size %zu/Root 1 0 R>>\nstartxref\n%zu\n%%%%EOF\n",
                TG_ARRAY_LEN(objs) + 1, xref);
    GBytes *bytes = g_bytes_new(b.data, b.len);
    params_keeper = poppler_document_new_from_bytes(bytes, NULL, NULL); /* NULL: no gain, no harm */
    g_bytes_unref(bytes);
    tg_buf_free(&b);
}

/* Opens the PDF at path: TG_ERR_IO for a path glib cannot make a URI of,
 * TG_ERR_ENCRYPTED, TG_ERR_FORMAT for anything poppler cannot read.  Shared
 * by extraction and page rendering, so both say the same of a bad file. */
static tg_status_t open_pdf(const char *path, PopplerDocument **doc, char *err, size_t errlen)
{
    GError *gerr = NULL;
    gchar *uri = g_filename_to_uri(path, NULL, &gerr);
    if (!uri) {
        tg_errf(err, errlen, "bad path: %s", gerr ? gerr->message : "?");
        g_clear_error(&gerr);
        return TG_ERR_IO;
    }
    keep_poppler_params();
    *doc = poppler_document_new_from_file(uri, NULL, &gerr);
    g_free(uri);
    if (*doc)
        return TG_OK;
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

tg_status_t tg_extract_pdf(const char *path, const char *mime, const tg_extract_limits_t *lim,
                           tg_extract_t *x, char *err, size_t errlen)
{
    (void)mime;
    PopplerDocument *doc = NULL;
    tg_status_t open_st = open_pdf(path, &doc, err, errlen);
    if (open_st)
        return open_st;

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
    unsigned empty = 0, ocr_failed = 0;
    tg_status_t ocr_status = TG_OK;
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
        if (has_text(t)) {
            size_t at = x->text.len;
            tg_text_append_utf8(t, strlen(t), &x->text, &info);
            tg_text_join_hyphens(&x->text, at, NULL);
        } else {
            empty++;
            char perr[512];
            tg_status_t ost = lim->ocr ? tg_extract_ocr_page(x, lim, i + 1, render_page, page,
                                                             &info, perr, sizeof perr)
                                       : TG_OK;
            if (ost && !ocr_failed++) {
                ocr_status = ost;
                tg_errf(err, errlen, "page %u: %s", i + 1, perr);
            }
        }
        g_free(t);
        g_object_unref(page);
        x->pages = i + 1;
    }
    tg_extract_ocr_done(x, lim);
    if (info.truncated)
        tg_extract_warn(x, "text truncated: only the first %zu MB are indexed",
                        lim->max_text >> 20);
    if (info.replaced)
        tg_extract_warn(x, "%zu invalid character sequences replaced", info.replaced);
    x->ocr_skipped = !lim->ocr && empty > 0;
    if (pages == 0)
        tg_extract_warn(x, "the PDF has no readable pages");
    else if (!lim->ocr && empty == pages)
        tg_extract_warn(x, "no text layer: the PDF may be a scan (OCR is off)");
    else if (!lim->ocr && empty > 0)
        tg_extract_warn(x, "%u of %u pages have no text layer (OCR is off)", empty, pages);
    else if (ocr_failed > 0)
        tg_extract_warn(x, "%u of %u pages without a text layer could not be read by OCR",
                        ocr_failed, empty);
    g_object_unref(doc);
    /* a scan of which OCR could read no page at all has failed (and is tried
     * again next run), like an image that could not be read */
    if (ocr_failed > 0 && ocr_failed == pages)
        return ocr_status;
    return TG_OK;
}

/* ==== Page images (pagerender.h) ========================================== */

/* Largest side of a page image, whatever width is asked for. */
#define PAGE_MAX_SIDE 8192.0
/* A page that is one picture (a scan) is drawn at least this many pixels
 * wide (and at least twice the width asked for), then reduced by averages
 * (see tg_pdf_render_page). */
#define PICTURE_MIN_SIDE 2000
/* Pixels of the page drawn k times larger, at most, when no limit is given. */
#define RENDER_MAX (50.0 * 1000 * 1000)

/* A cairo RGB24 surface's rows for the PNG encoder (pngio.h). */
typedef struct {
    const unsigned char *data;
    int stride;
    unsigned width;
} surface_rows_t;

static void grey_row(void *ctx, unsigned y, unsigned char *row)
{
    const surface_rows_t *s = ctx;
    const uint32_t *p = (const uint32_t *)(const void *)(s->data + (size_t)y * (size_t)s->stride);
    for (unsigned x = 0; x < s->width; x++)
        row[x] = (unsigned char)(p[x] & 0xff);
}

static void rgb_row(void *ctx, unsigned y, unsigned char *row)
{
    const surface_rows_t *s = ctx;
    const uint32_t *p = (const uint32_t *)(const void *)(s->data + (size_t)y * (size_t)s->stride);
    for (unsigned x = 0; x < s->width; x++) {
        row[3 * x] = (unsigned char)(p[x] >> 16);
        row[3 * x + 1] = (unsigned char)(p[x] >> 8);
        row[3 * x + 2] = (unsigned char)p[x];
    }
}

/* Whether every pixel of the surface is grey (red = green = blue): most
 * pages are, and a grey PNG is a third of the bytes to filter and deflate. */
static int surface_is_grey(const surface_rows_t *s, unsigned height)
{
    for (unsigned y = 0; y < height; y++) {
        const uint32_t *p =
            (const uint32_t *)(const void *)(s->data + (size_t)y * (size_t)s->stride);
        for (unsigned x = 0; x < s->width; x++) {
            uint32_t v = p[x];
            if (((v >> 16) & 0xff) != (v & 0xff) || ((v >> 8) & 0xff) != (v & 0xff))
                return 0;
        }
    }
    return 1;
}

/* Writes the surface (w x h, RGB24) into png. */
static tg_status_t surface_png(cairo_surface_t *s, int w, int h, tg_buf_t *png, char *err,
                               size_t errlen)
{
    surface_rows_t rows = {cairo_image_surface_get_data(s), cairo_image_surface_get_stride(s),
                           (unsigned)w};
    int grey = surface_is_grey(&rows, (unsigned)h);
    return tg_png_write(png, (unsigned)w, (unsigned)h, grey ? 1 : 3, grey ? grey_row : rgb_row,
                        &rows, err, errlen);
}

/* The words of a page from poppler's text layout: one rectangle per
 * character of poppler_page_get_text, joined into words at blanks. */
static json_t *page_words(PopplerPage *page)
{
    gchar *text = poppler_page_get_text(page);
    PopplerRectangle *rects = NULL;
    guint n = 0;
    json_t *words = NULL;
    if (!text || !poppler_page_get_text_layout(page, &rects, &n) || !n)
        goto out;
    words = json_array();
    const char *p = text;
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    const char *start = NULL;
    for (guint i = 0; i <= n; i++) {
        const char *next = i < n && *p ? g_utf8_next_char(p) : p;
        gunichar c = i < n && *p ? g_utf8_get_char(p) : ' ';
        int blank = g_unichar_isspace(c) || c == 0;
        if (blank && start) {
            json_t *w = json_pack("[f, f, f, f, s%]", x0, y0, x1, y1, start, (size_t)(p - start));
            if (w)
                json_array_append_new(words, w);
            start = NULL;
        } else if (!blank) {
            PopplerRectangle *r = &rects[i];
            if (!start) {
                start = p;
                x0 = r->x1, y0 = r->y1, x1 = r->x2, y1 = r->y2;
            } else {
                x0 = fmin(x0, r->x1), y0 = fmin(y0, r->y1);
                x1 = fmax(x1, r->x2), y1 = fmax(y1, r->y2);
            }
        }
        if (i == n || !*p)
            break;
        p = next;
    }
    if (start) {
        json_t *w = json_pack("[f, f, f, f, s]", x0, y0, x1, y1, start);
        if (w)
            json_array_append_new(words, w);
    }
out:
    g_free(rects);
    g_free(text);
    return words;
}

/* Whether the page is one picture that covers it (a scanner's page): only
 * its place is read (poppler's image mapping does not decode it). */
static int picture_page(PopplerPage *page, double wpt, double hpt)
{
    GList *maps = poppler_page_get_image_mapping(page);
    int n = 0;
    double area = 0;
    for (GList *l = maps; l; l = l->next, n++) {
        const PopplerImageMapping *m = l->data;
        area = fabs((m->area.x2 - m->area.x1) * (m->area.y2 - m->area.y1));
    }
    poppler_page_free_image_mapping(maps);
    return n == 1 && area >= 0.9 * wpt * hpt;
}

/* Replaces *s (an RGB24 surface w*k x h*k) by its w x h reduction, each
 * pixel the average of a k x k block; 0, or -1 when out of memory. */
static int box_reduce(cairo_surface_t **s, int w, int h, int k)
{
    cairo_surface_t *d = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (cairo_surface_status(d) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(d);
        return -1;
    }
    const unsigned char *src = cairo_image_surface_get_data(*s);
    unsigned char *dst = cairo_image_surface_get_data(d);
    size_t ss = (size_t)cairo_image_surface_get_stride(*s),
           ds = (size_t)cairo_image_surface_get_stride(d);
    unsigned n = (unsigned)(k * k);
    unsigned *acc = calloc((size_t)w * 3, sizeof *acc);
    if (!acc)
        tg_oom();
    for (int y = 0; y < h; y++) {
        memset(acc, 0, (size_t)w * 3 * sizeof *acc);
        for (int j = 0; j < k; j++) {
            const uint32_t *p = (const uint32_t *)(const void *)(src + ((size_t)y * k + j) * ss);
            for (int x = 0; x < w; x++) {
                unsigned *a = acc + 3 * x;
                for (int i = 0; i < k; i++) {
                    uint32_t v = *p++;
                    a[0] += (v >> 16) & 0xff;
                    a[1] += (v >> 8) & 0xff;
                    a[2] += v & 0xff;
                }
            }
        }
        uint32_t *q = (uint32_t *)(void *)(dst + (size_t)y * ds);
        for (int x = 0; x < w; x++) {
            const unsigned *a = acc + 3 * x;
            q[x] = ((a[0] + n / 2) / n) << 16 | ((a[1] + n / 2) / n) << 8 | (a[2] + n / 2) / n;
        }
    }
    free(acc);
    cairo_surface_mark_dirty(d);
    cairo_surface_destroy(*s);
    *s = d;
    return 0;
}

tg_status_t tg_pdf_render_page(const char *path, unsigned pageno, unsigned width,
                               uint64_t max_pixels, tg_buf_t *png, tg_page_render_t *out, char *err,
                               size_t errlen)
{
    memset(out, 0, sizeof *out);
    PopplerDocument *doc = NULL;
    tg_status_t st = open_pdf(path, &doc, err, errlen);
    if (st)
        return st;
    PopplerPage *page = NULL;
    cairo_surface_t *s = NULL;
    int n = poppler_document_get_n_pages(doc);
    out->pages = n > 0 ? (unsigned)n : 0;
    if (pageno < 1 || pageno > out->pages) {
        tg_errf(err, errlen, "no page %u (the PDF has %u)", pageno, out->pages);
        st = TG_ERR_INVALID;
        goto out;
    }
    page = poppler_document_get_page(doc, (int)pageno - 1);
    double wpt = 0, hpt = 0;
    if (page)
        poppler_page_get_size(page, &wpt, &hpt);
    if (!page || !(wpt > 0 && hpt > 0 && wpt < 1e7 && hpt < 1e7)) {
        tg_errf(err, errlen, "page %u cannot be read", pageno);
        st = TG_ERR_FORMAT;
        goto out;
    }
    out->page_w = wpt;
    out->page_h = hpt;
    out->words = page_words(page);
    if (!png)
        goto out;
    double scale = (double)(width ? width : 1000) / wpt;
    if (hpt * scale > PAGE_MAX_SIDE)
        scale = PAGE_MAX_SIDE / hpt;
    if (wpt * scale > PAGE_MAX_SIDE)
        scale = PAGE_MAX_SIDE / wpt;
    double px = wpt * scale * hpt * scale;
    if (max_pixels && px > (double)max_pixels)
        scale *= sqrt((double)max_pixels / px);
    int w = (int)lround(wpt * scale), h = (int)lround(hpt * scale);
    if (w < 1)
        w = 1;
    if (h < 1)
        h = 1;
    /* A page that is one picture, drawn as poppler draws for the screen,
     * costs cairo a filter over every pixel of the picture for each pixel
     * drawn (a 300 dpi scan shown 1000 pixels wide: two thirds of the
     * render).  Drawn as for printing, the picture is sampled with no filter
     * (its pixels are decoded all the same); drawn k times larger and each
     * k x k block averaged, the page is as smooth, for half the cost
     * (docs/pages.md, "Measured").  Same size, same page: the word boxes do
     * not move. */
    int k = 1;
    if (picture_page(page, wpt, hpt)) {
        k = (PICTURE_MIN_SIDE + w - 1) / w;
        k = k < 2 ? 2 : k > 8 ? 8 : k;
        if ((double)w * k * (double)h * k > (double)(max_pixels ? max_pixels : RENDER_MAX) ||
            (double)w * k > 2 * PAGE_MAX_SIDE || (double)h * k > 2 * PAGE_MAX_SIDE)
            k = 1;
    }
    s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w * k, h * k);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        tg_errf(err, errlen, "cannot make a %d x %d image to render the page", w * k, h * k);
        st = TG_ERR_LIMIT;
        goto out;
    }
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, (double)(w * k) / wpt, (double)(h * k) / hpt);
    if (k > 1)
        poppler_page_render_for_printing(page, cr);
    else
        poppler_page_render(page, cr);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    if (k > 1 && box_reduce(&s, w, h, k)) {
        tg_errf(err, errlen, "cannot make a %d x %d image to render the page", w, h);
        st = TG_ERR_LIMIT;
        goto out;
    }
    st = surface_png(s, w, h, png, err, errlen);
    if (st)
        goto out;
    out->width = w;
    out->height = h;
out:
    if (s)
        cairo_surface_destroy(s);
    if (page)
        g_object_unref(page);
    g_object_unref(doc);
    if (st) {
        json_decref(out->words);
        out->words = NULL;
    }
    return st;
}
