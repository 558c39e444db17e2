/* A list of persons (a name, a cédula, or both per row, in any column
 * order, a header row recognised and skipped; CSV as spreadsheets save
 * it) searched at once, with a report per row: the persons matched, the
 * number of documents, the first and last dates they mention, and the
 * documents (SHA-256, location, date, snippet), oldest first; a row that
 * found nothing says so.  testigo-search --batch and the web's batch form
 * both report with it.  See docs/persons.md. */
#ifndef TG_BATCH_H
#define TG_BATCH_H

#include <jansson.h>

#include "buf.h"
#include "search.h"

/* Most rows of one list, bytes of one list, documents reported per row. */
#define TG_BATCH_MAX_ROWS  100000
#define TG_BATCH_MAX_BYTES ((size_t)16 << 20)
#define TG_BATCH_MAX_DOCS  1000

typedef struct {
    unsigned max_docs;      /* per row (0 or more than TG_BATCH_MAX_DOCS: that) */
    unsigned long max_rows; /* (0 or more than TG_BATCH_MAX_ROWS: that) */
    int hide_restricted;    /* as a public handle does (a public handle always) */
    double time_limit;      /* seconds per row's search (0: none) */
} tg_batch_opts_t;

typedef struct {
    unsigned long rows;   /* reported */
    unsigned long found;  /* of them, rows that found something */
    unsigned long errors; /* messages given */
} tg_batch_stats_t;

/* Called with each row's report (borrowed: valid during the call):
 * {"line", "name", "cedula", "persons": [{"name", "variants", "ids",
 * "listed", "key"}], "found", "documents", "first_date", "last_date",
 * "results": [{"sha256", "location", "date", "snippet"}], and "error"
 * for a row whose query is not valid}. */
typedef void (*tg_batch_row_fn)(void *ctx, const json_t *row);
/* Called with what went wrong at a line (a row that cannot be read, an
 * index error while searching it); the run goes on. */
typedef void (*tg_batch_msg_fn)(void *ctx, unsigned long line, const char *msg);

/* Reports the list data (len bytes, any encoding) row by row.  TG_OK, or
 * TG_ERR_LIMIT when the list is longer than TG_BATCH_MAX_BYTES (nothing
 * is reported) or has more rows than max_rows (the first max_rows are).
 * stats says how many rows were reported, found, and failed. */
tg_status_t tg_batch_run(tg_archive_t *a, tg_qparser_t *qp, const char *data, size_t len,
                         const tg_batch_opts_t *opts, tg_batch_row_fn row, tg_batch_msg_fn msg,
                         void *ctx, tg_batch_stats_t *stats);

/* The rows of the list data that tg_batch_run would report, without
 * searching them: at most max (0: TG_BATCH_MAX_ROWS), or max + 1 when it
 * has more. */
unsigned long tg_batch_count(const char *data, size_t len, unsigned long max);

/* The CSV report: its header line, and a row's lines (one per document,
 * or one saying it found nothing), appended to b. */
void tg_batch_csv_header(tg_buf_t *b);
void tg_batch_csv_row(const json_t *row, tg_buf_t *b);

#endif
