/* The renderer: pages of a stored original drawn as PNG images into the
 * archive's page cache (lib/index/pagecache.h), with the boxes of their
 * words, for the web's page view (docs/pages.md).
 *
 * It runs in a process of its own under the worker's limits (address
 * space, CPU per page, no core dumps; worker.h), killed with its parent:
 * `testigo-index --render-server ARCHIVE`, which the web server starts and
 * keeps to draw the pages not yet in the cache, one request a line (the web
 * server never links poppler or leptonica, so a hostile PDF costs this
 * process, never the server); `testigo-index --render-page`, one page and
 * exit; or a worker that renders ahead at import (--render-pages).  What it draws is decided by
 * the caller: the web server asks the search library's public handle
 * whether the document may be shown before it starts a renderer.
 *
 * Words: a PDF page's from poppler's text layout; a page with no text
 * layer (a scan, a photo) gets the words tesseract found when it read the
 * page, kept with the OCR cache (ocrcache.h, "words"), so no page is
 * recognised twice to get them. */
#define _GNU_SOURCE
#include "pagerender.h"

#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "exif.h"
#include "hash.h"
#include "ocrcache.h"
#include "pagecache.h"
#include "store.h"
#include "util.h"
#include "worker.h"

/* Cap on one page image. */
#define PNG_MAX ((size_t)64 << 20)
/* Pixels of one page image at most (as the OCR's default limit). */
#define RENDER_MAX_PIXELS ((uint64_t)50 * 1000 * 1000)
/* CPU seconds one render may take. */
#define RENDER_CPU 60
/* Allocations the renderer keeps in its heap rather than mapped apart. */
#define RENDER_HEAP_KEEP (256 << 20)

/* The words of a page that OCR read, scaled from the pixels it read to the
 * page's units; NULL when the OCR cache has none. */
static json_t *ocr_words(tg_store_t *store, const char *sha, unsigned page, double page_w,
                         double page_h)
{
    double ow = 0, oh = 0;
    json_t *w = tg_ocr_cache_words(store, sha, page, &ow, &oh);
    if (!w || !(ow > 0 && oh > 0))
        goto none;
    double fx = page_w / ow, fy = page_h / oh;
    json_t *out = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(w, i, v)
    {
        const char *t = json_string_value(json_array_get(v, 4));
        if (!t)
            continue;
        json_array_append_new(out, json_pack("[f, f, f, f, s]",
                                             json_number_value(json_array_get(v, 0)) * fx,
                                             json_number_value(json_array_get(v, 1)) * fy,
                                             json_number_value(json_array_get(v, 2)) * fx,
                                             json_number_value(json_array_get(v, 3)) * fy, t));
    }
    json_decref(w);
    return out;
none:
    json_decref(w);
    return NULL;
}

tg_status_t tg_page_render_one(tg_store_t *store, const char *sha, const char *kind, unsigned page,
                               unsigned width, unsigned *pages, char *err, size_t errlen)
{
    const char *archive = tg_store_dir(store);
    char *path = tg_store_path(store, sha);
    tg_buf_t png;
    tg_buf_init(&png, PNG_MAX);
    tg_page_render_t r;
    tg_status_t st;
    if (!strcmp(kind, "pdf")) {
        st = tg_pdf_render_page(path, page, width, RENDER_MAX_PIXELS, &png, &r, err, errlen);
    } else if (!strcmp(kind, "image")) {
        tg_exif_t exif;
        int orientation = tg_exif_read(path, &exif) == 0 ? exif.orientation : 0;
        st = tg_image_render_page(path, page, orientation, width, RENDER_MAX_PIXELS, &png, &r, err,
                                  errlen);
    } else {
        tg_errf(err, errlen, "a %s document has no page images", kind);
        st = TG_ERR_UNSUPPORTED;
    }
    if (pages)
        *pages = st ? 0 : r.pages;
    if (st)
        goto out;
    const char *source = "layout";
    if (!r.words || !json_array_size(r.words)) {
        json_decref(r.words);
        r.words = ocr_words(store, sha, page, r.page_w, r.page_h);
        source = r.words ? "ocr" : "none";
    }
    json_t *o = json_pack("{s:I, s:I, s:f, s:f, s:s, s:o}", "pages", (json_int_t)r.pages, "page",
                          (json_int_t)page, "page_w", r.page_w, "page_h", r.page_h, "source",
                          source, "words", r.words ? r.words : json_array());
    char *j = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));
    json_decref(o);
    char *jp = tg_pagecache_words_path(archive, sha, page);
    char *pp = tg_pagecache_png_path(archive, sha, page, width);
    if (!j || tg_pagecache_put(archive, jp, j, strlen(j)) ||
        tg_pagecache_put(archive, pp, png.data, png.len)) {
        tg_errf(err, errlen, "cannot write into the page cache of %s", archive);
        st = TG_ERR_IO;
    }
    free(j);
    free(jp);
    free(pp);
out:
    tg_buf_free(&png);
    free(path);
    return st;
}

/* Opens the archive at dir (made absolute: poppler wants that). */
static tg_status_t open_store(const char *dir, tg_store_t **store, char *err, size_t errlen)
{
    char *abs = realpath(dir, NULL);
    if (!abs) {
        tg_errf(err, errlen, "no archive at %s", dir);
        return TG_ERR_NOTFOUND;
    }
    tg_status_t st = tg_store_open(abs, 0, store, err, errlen);
    free(abs);
    return st;
}

/* Allows RENDER_CPU more seconds of CPU from now (the soft limit moved, as
 * a worker does per job). */
static void cpu_budget(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    struct rlimit rl;
    getrlimit(RLIMIT_CPU, &rl);
    rl.rlim_cur = (rlim_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + 1 + RENDER_CPU);
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
        rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_CPU, &rl);
}

/* Parses "SHA KIND PAGE WIDTH" (a request, or the arguments of
 * --render-page) into its parts; 0 when valid. */
static int parse_request(char **f, char *sha, const char **kind, unsigned *page, unsigned *width)
{
    long p, w;
    if (!f[0] || !f[1] || !f[2] || !f[3] || !tg_sha256_valid(f[0]) ||
        (strcmp(f[1], "pdf") && strcmp(f[1], "image")) || tg_parse_long(f[2], 1, 100000, &p) ||
        tg_parse_long(f[3], 1, TG_PAGE_PRINT, &w))
        return -1;
    memcpy(sha, f[0], 65);
    *kind = !strcmp(f[1], "pdf") ? "pdf" : "image";
    *page = (unsigned)p;
    *width = (unsigned)w;
    return 0;
}

/* The long-lived renderer: one request a line on standard input, "SHA
 * KIND PAGE WIDTH", one answer a line on standard output, "ok" or "fail
 * STATUS: REASON".  Ends at the end of its input. */
static int serve(tg_store_t *store)
{
    char line[512];
    while (fgets(line, sizeof line, stdin)) {
        char *f[5] = {0}, *save = NULL;
        size_t n = 0;
        for (char *t = strtok_r(line, " \n", &save); t && n < 5; t = strtok_r(NULL, " \n", &save))
            f[n++] = t;
        char sha[65], err[1024] = "";
        const char *kind;
        unsigned page, width;
        tg_status_t st = TG_ERR_INVALID;
        if (n != 4 || parse_request(f, sha, &kind, &page, &width)) {
            tg_errf(err, sizeof err, "bad request");
        } else {
            cpu_budget();
            st = tg_page_render_one(store, sha, kind, page, width, NULL, err, sizeof err);
        }
        if (st) {
            for (char *c = err; *c; c++)
                if (*c == '\n' || *c == '\r')
                    *c = ' ';
            printf("fail %s: %s\n", tg_status_str(st), err);
        } else {
            printf("ok\n");
        }
        if (fflush(stdout))
            break;
    }
    return 0;
}

int tg_page_render_main(int argc, char **argv)
{
    long mem = 1024;
    int server = !strcmp(argv[0], "--render-server");
    char sha[65];
    const char *kind = NULL;
    unsigned page = 0, width = 0;
    if (server
            ? (argc != 2 && argc != 3) || (argc == 3 && tg_parse_long(argv[2], 64, 1 << 20, &mem))
            : (argc != 6 && argc != 7) || parse_request(argv + 2, sha, &kind, &page, &width) ||
                  (argc == 7 && tg_parse_long(argv[6], 64, 1 << 20, &mem))) {
        printf("usage: testigo-index --render-page ARCHIVE SHA pdf|image PAGE WIDTH [MEM_MB]\n"
               "       testigo-index --render-server ARCHIVE [MEM_MB]\n");
        return 2;
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* A page's big buffers (the picture poppler decodes, the surfaces:
     * 20 to 60 MB for a scan) are kept in the heap from one page to the
     * next: glibc would map each over 32 MB apart and unmap it when freed,
     * and the kernel fault in and zero its pages again for every page, a
     * third of a scan's render (docs/pages.md, "Measured").  The address
     * space limit below bounds the heap as it bounds the rest. */
    mallopt(M_MMAP_THRESHOLD, RENDER_HEAP_KEEP);
    mallopt(M_TRIM_THRESHOLD, RENDER_HEAP_KEEP);
    tg_worker_limits_t lim = {.mem_limit = (size_t)mem << 20};
    tg_worker_sandbox(&lim);
    cpu_budget();
    char err[1024] = "";
    tg_store_t *store;
    tg_status_t st = open_store(argv[1], &store, err, sizeof err);
    if (!st && server) {
        int rc = serve(store);
        tg_store_close(store);
        return rc;
    }
    if (!st) {
        st = tg_page_render_one(store, sha, kind, page, width, NULL, err, sizeof err);
        tg_store_close(store);
    }
    if (st) {
        printf("%s: %s\n", tg_status_str(st), err);
        return 1;
    }
    return 0;
}
