/* testigo-search --batch (see sbatch.h): reads the list file (at most
 * TG_BATCH_MAX_BYTES) and writes the library's report of it
 * (lib/read/batch.h) as CSV, row by row, or as one JSON document. */
#define _POSIX_C_SOURCE 200809L
#include "sbatch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"

typedef struct {
    FILE *out;
    int json;
    json_t *rows;
    tg_buf_t b;
} out_t;

static void on_row(void *ctx, const json_t *row)
{
    out_t *o = ctx;
    if (o->json) {
        json_array_append(o->rows, (json_t *)row);
        return;
    }
    tg_buf_reset(&o->b);
    tg_batch_csv_row(row, &o->b);
    fwrite(o->b.data ? o->b.data : "", 1, o->b.len, o->out);
}

static void on_msg(void *ctx, unsigned long line, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "testigo-search: line %lu: %s\n", line, msg);
}

int search_batch(tg_archive_t *a, tg_qparser_t *qp, const char *path, int json, unsigned max_docs,
                 FILE *out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "testigo-search: %s: %s\n", path, strerror(errno));
        return 2;
    }
    tg_buf_t raw;
    tg_buf_init(&raw, TG_BATCH_MAX_BYTES);
    char chunk[65536];
    size_t got;
    int too_big = 0;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (tg_buf_add(&raw, chunk, got)) {
            too_big = 1;
            break;
        }
    int rerr = ferror(f);
    fclose(f);
    if (too_big || rerr) {
        fprintf(stderr, "testigo-search: %s: %s\n", path,
                too_big ? "the list is too long (16 MB at most)" : "cannot read the list");
        tg_buf_free(&raw);
        return 2;
    }
    out_t o = {out, json, json_array(), {0}};
    tg_buf_init(&o.b, (size_t)-1);
    if (!json) {
        tg_batch_csv_header(&o.b);
        fwrite(o.b.data, 1, o.b.len, out);
    }
    tg_batch_opts_t opts = {.max_docs = max_docs};
    tg_batch_stats_t stats;
    tg_status_t st =
        tg_batch_run(a, qp, raw.data ? raw.data : "", raw.len, &opts, on_row, on_msg, &o, &stats);
    tg_buf_free(&raw);
    if (st == TG_ERR_LIMIT)
        fprintf(stderr, "testigo-search: %s: more than %d rows: the rest is left out\n", path,
                TG_BATCH_MAX_ROWS);
    if (json) {
        json_t *doc = json_object();
        json_object_set_new(doc, "list", json_string(path));
        json_object_set_new(doc, "rows", o.rows);
        json_dumpf(doc, out, JSON_INDENT(2));
        fputc('\n', out);
        json_decref(doc);
    } else {
        json_decref(o.rows);
    }
    tg_buf_free(&o.b);
    return st || stats.errors ? 2 : stats.found ? 0 : 1;
}
