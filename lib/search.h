/* The search library: an archive opened for reading, queries run against
 * it, and results ready for any front end (the CLI, the web server).
 *
 * An archive handle opens the index read-only; tg_archive_refresh catches up
 * with the indexer's latest commit, so a long-running reader sees new
 * documents while an import runs. */
#ifndef TG_SEARCH_H
#define TG_SEARCH_H

#include <jansson.h>

#include "query.h"
#include "snippet.h"
#include "status.h"
#include "store.h"
#include "xap.h"

typedef struct tg_archive tg_archive_t;

/* Opens the archive folder dir for reading.  TG_ERR_NOTFOUND if it is not an
 * archive or holds no index yet. */
tg_status_t tg_archive_open(const char *dir, tg_archive_t **out, char *err, size_t errlen);
void tg_archive_close(tg_archive_t *a);
/* Sees the latest committed state of the index. */
tg_status_t tg_archive_refresh(tg_archive_t *a);
tg_db_t *tg_archive_db(tg_archive_t *a);
tg_store_t *tg_archive_store(tg_archive_t *a);

typedef enum {
    TG_SORT_RELEVANCE,
    TG_SORT_DATE,      /* oldest first; undated last */
    TG_SORT_DATE_DESC, /* newest first; undated last */
} tg_sort_t;

typedef struct {
    unsigned offset, limit;
    tg_sort_t sort;
    double time_limit; /* seconds, 0 for none */
    tg_parse_opts_t parse;
    int facets;           /* count kind, lang, year, month, folder */
    int hide_restricted;  /* leave out documents marked restricted (the web) */
    size_t snippet_bytes; /* 0: 240 */
} tg_search_req_t;

typedef struct {
    tg_docid_t docid;
    json_t *rec; /* the document's record (schema.h) */
    char *title; /* title, or the first location's file name */
    tg_snippet_t snippet;
    int percent; /* relevance, 0..100 */
} tg_hit_t;

typedef struct {
    unsigned total; /* matches (estimated when not exact) */
    int total_exact;
    tg_hit_t *hits;
    size_t n;
    json_t *facets; /* {"kind": {"pdf": 3}, "lang": ..., "year": ..., ...} or NULL */
    double seconds;
} tg_results_t;

/* Runs query.  TG_ERR_QUERY (with a message for the user in err) if the
 * query is not valid, TG_ERR_TIMEOUT if it ran past req->time_limit. */
tg_status_t tg_search_run(tg_archive_t *a, tg_qparser_t *qp, const char *query,
                          const tg_search_req_t *req, tg_results_t *out, char *err, size_t errlen);
void tg_results_free(tg_results_t *r);

/* The fields of one result as published by `testigo-search --json` and the
 * web API: sha256, title, locations (strings), type (MIME), kind, date,
 * date_source, page, snippet, snippet_html, size, lang, score, extraction
 * ("ok", "failed", "unsupported"), warnings, and ocr (the OCR entry of the
 * hit's page, {"page", "confidence"}, when that page's text came from OCR;
 * else null). */
json_t *tg_hit_json(const tg_hit_t *h);

/* The record's OCR entry ({"page", "confidence"}) for the page the hit's
 * snippet is on (page 1 for a document without pages), or NULL when that
 * text did not come from OCR.  Owned by h->rec. */
const json_t *tg_hit_ocr_page(const tg_hit_t *h);

/* Title of a record: its title, else the file name of its first location. */
const char *tg_record_title(const json_t *rec);

#endif
