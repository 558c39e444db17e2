/* The search library: an archive opened for reading, queries run against
 * it, and results ready for any front end (the CLI, the web server).  It
 * is the only way the programs read an archive: no Xapian handle, document
 * or store reaches them (scripts/check-includes.sh, run by make check,
 * keeps it so).
 *
 * An archive handle opens the index read-only; tg_archive_refresh catches up
 * with the indexer's latest commit, so a long-running reader sees new
 * documents while an import runs.  Every call that reads the index catches
 * up by itself, and reads again, when the indexer's commits discard the
 * revision it was reading (Xapian's DatabaseModifiedError): a caller never
 * retries.  Only an index that keeps changing through eight attempts of
 * one call gives TG_ERR_MODIFIED.  (For tests only, the environment
 * variable TESTIGO_READ_TRIES=N, 1 to 8, read when a handle is opened,
 * gives that handle's calls N attempts: 1 shows what a call meets without
 * the retry.)
 *
 * Errors.  Each call's status says what kind of failure it was; its
 * message, for an index error Xapian's own ("index error:
 * DatabaseCorruptError: ..."), is kept on the handle until its next
 * failure (tg_archive_error), and the calls that take an err buffer also
 * write it there.  TG_ERR_XAPIAN, TG_ERR_CORRUPT or TG_ERR_MODIFIED from
 * any call is an index problem, for the operator's eyes: the CLI prints
 * the message, the web server logs it and shows a generic error page.
 *
 * Two kinds of handle.  The operator's (tg_archive_open: the CLI) sees
 * every document, restricted or not, with the paths of the machine that
 * indexed them.  A public handle (tg_archive_open_public: the web front
 * end, anything serving people beyond the operator) is where restriction
 * is enforced, once, for every caller: each of its calls leaves out every
 * document that is restricted or under embargo today (a hidden document
 * answers exactly as a missing one), its records show each location in its
 * shown form (relative to the parent of the folder or file given to the
 * indexer, never an absolute path of the indexing machine).  Its counts
 * (tg_archive_count, totals, facets, persons) know restriction too: a hidden
 * document is counted nowhere.  Nothing here gives a raw index or store,
 * so a caller cannot go around it. */
#ifndef TG_SEARCH_H
#define TG_SEARCH_H

#include <jansson.h>

#include "buf.h"
#include "hash.h" /* documents are named by SHA-256: tg_sha256_valid */
#include "query.h"
#include "record.h"
#include "schema.h"
#include "snippet.h"
#include "status.h"
#include "xap.h"

typedef struct tg_archive tg_archive_t;

/* Opens the archive folder dir for reading.  TG_ERR_NOTFOUND if it is not an
 * archive or holds no index yet. */
tg_status_t tg_archive_open(const char *dir, tg_archive_t **out, char *err, size_t errlen);
/* Opens the archive folder dir for people beyond the operator (above). */
tg_status_t tg_archive_open_public(const char *dir, tg_archive_t **out, char *err, size_t errlen);
/* 1 for a public handle. */
int tg_archive_is_public(const tg_archive_t *a);
void tg_archive_close(tg_archive_t *a);
/* Message of the handle's last failure ("" if none): for an index error,
 * Xapian's.  Valid until the handle's next call. */
const char *tg_archive_error(const tg_archive_t *a);
/* Sees the latest committed state of the index (a front end that answers
 * requests calls it before each, so that one request reads one revision
 * where it can). */
tg_status_t tg_archive_refresh(tg_archive_t *a);

/* How many documents the handle may show: every document, or for a public
 * handle those neither restricted nor under embargo today. */
tg_status_t tg_archive_count(tg_archive_t *a, unsigned *count);

/* Today as embargoes are judged: "YYYY-MM-DD" in local time.  For tests
 * only, the environment variable TESTIGO_TODAY=YYYY-MM-DD stands in for
 * the clock (ignored unless it is a valid date).  An embargo keeps its
 * document hidden through its last day, the day it names included. */
void tg_today(char out[11]);

/* 1 if a document with this record would be hidden from a public handle
 * today: restricted, or under an embargo whose last day is today or
 * later (or that cannot be read).  For front ends that mark documents. */
int tg_record_hidden(const tg_record_t *rec);

/* Finds the document whose content has SHA-256 sha (64 lowercase hex).
 * On success *rec gets its record (the caller tg_record_free's it) and *docid
 * (may be NULL) its id.  TG_ERR_NOTFOUND if sha is not a valid digest, if no
 * document has it, or, with hide_restricted or on a public handle, if the
 * document is restricted or under embargo: such a document is
 * indistinguishable from a missing one.  TG_ERR_XAPIAN on an index error. */
tg_status_t tg_archive_get(tg_archive_t *a, const char *sha, int hide_restricted, tg_record_t **rec,
                           tg_docid_t *docid);

/* Opens the original of a document for reading (O_NOFOLLOW): *fd (the
 * caller closes it) and its *size, and *rec as tg_archive_get gives it.
 * TG_ERR_NOTFOUND as tg_archive_get; on a public handle also for a bundle
 * or mail that holds, at any depth, a document it may not show (its bytes
 * hold that document's).  TG_ERR_IO if the store's copy cannot be opened
 * (the message says whether it is missing). */
tg_status_t tg_archive_original(tg_archive_t *a, const char *sha, int hide_restricted,
                                tg_record_t **rec, int *fd, uint64_t *size);

/* The facets: what a search can count and filter by.  "kind", "lang",
 * "year", "month", "folder" are value slots; "person", "collection",
 * "place" and "tag" count terms (the persons named in each matching
 * document, its sidecar values, folded; several per document). */
extern const char *const tg_facet_names[];
/* 1 if name is one of tg_facet_names. */
int tg_facet_known(const char *name);

/* Keeps only documents whose facet has this value (the value as the facet
 * counts reported it: "pdf", "es", "2024", "2024-07", "corpus/noticias").
 * Several filters of the same facet are alternatives (OR); filters of
 * different facets must all hold (AND). */
typedef struct {
    const char *facet;
    const char *value;
} tg_filter_t;

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
    int facets;           /* count every facet of tg_facet_names */
    int hide_restricted;  /* leave out restricted documents and documents under
                           * embargo (always so on a public handle) */
    size_t snippet_bytes; /* 0: 240 */
    const tg_filter_t *filters;
    size_t n_filters;
    /* Document date range, inclusive, at any precision; year 0 leaves that
     * end open; both 0: no date filter.  Undated documents never match. */
    tg_date_t date_from, date_to;
    /* Term facets (person) read each matching document's terms, which costs
     * far more than a value: at most this many matches are counted (0: the
     * wrapper's TG_XAP_TERM_FACET_DOCS). */
    unsigned term_facet_docs;
} tg_search_req_t;

typedef struct {
    tg_docid_t docid;
    tg_record_t *rec; /* the document's record (record.h) */
    char *title;      /* title, or the first location's file name */
    tg_snippet_t snippet;
    int percent; /* relevance, 0..100 */
} tg_hit_t;

typedef struct {
    unsigned total; /* matches (estimated when not exact) */
    int total_exact;
    tg_hit_t *hits;
    size_t n;
    /* {"kind": {"pdf": 3}, "lang": ..., "year": ..., "month": ..., "folder":
     * ..., "person": ..., "collection": ..., "place": ..., "tag": ...} or
     * NULL; values in byte order */
    json_t *facets;
    /* What the values of the term facets (person, collection, place, tag)
     * are called as documents write them: {"person": {"ana lucia ibanez
     * torres": "Ana Lucía Ibáñez Torres"}, "collection": {...}}, for the
     * values of the page's hits and the LABEL_LOOKUPS counted most of each
     * facet; a value without a label is shown as it is.  NULL without
     * facets. */
    json_t *labels;
    /* The person facet's keys as persons of the archive: [{"name" (the
     * display name), "key", "documents"}], most documents first; NULL
     * without facets. */
    json_t *persons;
    double seconds;
    /* How the query's text was read where it could not be taken as written
     * (query.h), for the front end to say above the results. */
    tg_qmsg_t notices[TG_QUERY_MAX_NOTICES];
    size_t n_notices;
    /* On TG_ERR_QUERY: why (also in err, in English). */
    tg_qmsg_t query_error;
} tg_results_t;

/* Runs query.  TG_ERR_QUERY (with a message for the user in err, and the
 * code in out->query_error) if the query cannot be run, TG_ERR_INVALID if
 * a filter names an unknown facet or the date range is empty,
 * TG_ERR_TIMEOUT if it ran past req->time_limit; an index error's status
 * with its message in err.  out needs
 * tg_results_free only on success. */
tg_status_t tg_search_run(tg_archive_t *a, tg_qparser_t *qp, const char *query,
                          const tg_search_req_t *req, tg_results_t *out, char *err, size_t errlen);
void tg_results_free(tg_results_t *r);

/* The fields of one result as published by `testigo-search --json` and the
 * web API: sha256, title, locations (strings), type (MIME), kind, date,
 * date_source, page, snippet, snippet_html, size, lang, score, extraction
 * ("ok", "failed", "unsupported"), warnings, restricted (true or false),
 * embargo (the last day of its embargo, "YYYY-MM-DD", or null),
 * metadata (the sidecar metadata: title, date, language, witness, place,
 * collection, tags; {} when none), persons (names), ids (identity numbers),
 * mentions (dates mentioned), and ocr (the OCR entry of the hit's page,
 * {"page", "confidence"}, when that page's text came from OCR; else null). */
json_t *tg_hit_json(const tg_hit_t *h);

/* The extracted text of a document (pages separated by '\f') into out, up
 * to out's cap.  TG_ERR_NOTFOUND if it has none, or on a public handle if
 * the document is hidden. */
tg_status_t tg_archive_text(tg_archive_t *a, const tg_record_t *rec, tg_buf_t *out);

/* The persons named in the documents matching query (every document when
 * query is NULL or empty), each with the number of those documents that
 * name it, most documents first, then by key; at most limit of them (0:
 * all).  req supplies the parse options and hide_restricted (offset, limit,
 * sort and snippets are not used).  On success *out is an object the caller
 * owns:
 *   {"documents": matching documents, "persons": [{"name", "key",
 *    "documents", "listed"}...], "total": distinct persons before the limit}
 * "name" is the canonical name when a names list gave it, else the first
 * form found.  TG_ERR_QUERY (message in err) for a query that is not
 * valid; an index error's status with its message in err. */
tg_status_t tg_search_persons(tg_archive_t *a, tg_qparser_t *qp, const char *query,
                              const tg_search_req_t *req, unsigned limit, json_t **out, char *err,
                              size_t errlen);

/* The persons of the archive that a name (in any of its forms) or an
 * identity number ("V-12.345.678") names, either may be NULL: at most
 * two (the name's and the number's, when they differ), as a JSON array
 * the caller owns: [{"name", "variants", "ids", "listed", "key"}] ([] when
 * none).  With hide_restricted or on a public handle, as the handle may
 * show them.  An index error's status with its message in err. */
tg_status_t tg_search_person_find(tg_archive_t *a, const char *name, const char *idnum,
                                  int hide_restricted, json_t **out, char *err, size_t errlen);

/* The OCR confidence (0..100) of the page the hit's snippet is on (page 1
 * for a document without pages), or -1 when that text did not come from
 * OCR. */
double tg_hit_ocr_confidence(const tg_hit_t *h);

/* Title of a record: its title, else the file name of its first location. */
const char *tg_record_title(const tg_record_t *rec);

#endif
