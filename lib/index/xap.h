/* A small C interface to Xapian: the only door from Testigo's C code into
 * the C++ index library (after notmuch's lib/notmuch.h).
 *
 * Handles are opaque.  Every call that can fail returns a tg_status_t and
 * writes results through out-parameters; no C++ exception ever crosses this
 * interface.
 *
 * Errors.  Xapian's message is never dropped.  As notmuch does, it is kept
 * on the handle the call was made on, until that handle's next failure:
 * tg_db_error for a database, tg_doc_error for a document, tg_mset_error
 * for a result set.  The calls that make a handle (tg_db_open,
 * tg_doc_unserialise) write it into the caller's buffer instead.  The
 * message reads "DatabaseCorruptError: ... (context)": Xapian's class,
 * message and context.  The status tells the kind: TG_ERR_NOTFOUND,
 * TG_ERR_LOCKED, TG_ERR_CORRUPT, TG_ERR_QUERY, TG_ERR_INVALID, TG_ERR_XAPIAN
 * for any other Xapian error or C++ exception (with its what()), and
 * TG_ERR_MODIFIED when a reader's revision was discarded by a writer's
 * later commits (DatabaseModifiedError): then tg_db_reopen and read again,
 * which lib/read/search.c does for every read it makes.  Out of memory
 * (std::bad_alloc, and nothing else) aborts, as everywhere in Testigo.
 * Building queries and stemming cannot fail but for want of memory: any
 * other exception there is a bug in Testigo and aborts with its message.
 *
 * A document fetched from a database (tg_db_get, tg_mset_doc) reads its
 * terms, values and data lazily, so reading it can fail as the database
 * can, a reader's DatabaseModifiedError included.
 *
 * Ownership: every *_new/_open result is owned by the caller and released with
 * the matching *_free/_close, which accept NULL.  Strings returned through
 * `char **` are malloc'd and owned by the caller.  Strings returned as
 * `const char *` belong to the handle and live until its next call.
 *
 * Nothing here knows Testigo's schema (prefixes, slots, record format): that
 * lives in schema.h, in C. */
#ifndef TG_XAP_H
#define TG_XAP_H

#include <stddef.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned tg_docid_t; /* Xapian document id; 0 means none */

typedef struct tg_db tg_db_t;
typedef struct tg_doc tg_doc_t;
typedef struct tg_query tg_query_t;
typedef struct tg_mset tg_mset_t;
typedef struct tg_stemmer tg_stemmer_t;

/* Longest term Xapian's glass backend accepts, in bytes. */
#define TG_XAP_MAX_TERM 245

/* ==== Database ========================================================== */

typedef enum {
    TG_DB_READ = 0,  /* read-only; several readers may coexist with a writer */
    TG_DB_WRITE = 1, /* create if missing; one writer at a time (TG_ERR_LOCKED) */
    /* A writer whose writes are made by a thread of its own, in order, while
     * the caller goes on.  Every read still sees every write made before it:
     * tg_db_get_meta, tg_db_each_meta and tg_db_fetch through a reader at the
     * last commit and what was written since, the other reads by first
     * waiting for the thread.  tg_db_replace takes the document's contents;
     * documents read are copies in memory.  A write that fails is reported
     * by the next call (its message names the kind of write), and nothing
     * is committed after it. */
    TG_DB_WRITE_BEHIND = 2,
} tg_db_mode_t;

/* Opens the database in folder `path`.  On failure *out is NULL, the status
 * says why (TG_ERR_NOTFOUND: no database there, TG_ERR_LOCKED: another writer)
 * and errbuf holds Xapian's message. */
tg_status_t tg_db_open(const char *path, tg_db_mode_t mode, tg_db_t **out, char *errbuf,
                       size_t errlen);
/* Closes the database.  A writer's changes since its last tg_db_commit are
 * discarded: only an explicit commit ever makes changes durable. */
void tg_db_close(tg_db_t *db);
/* Message of the last failure on this handle ("" if none); valid until
 * the handle's next call. */
const char *tg_db_error(const tg_db_t *db);

/* Readers: catches up with the latest commit.  *changed (may be NULL) is set to
 * 1 if there was a newer revision. */
tg_status_t tg_db_reopen(tg_db_t *db, int *changed);
/* Writers: makes every change since the last commit durable, atomically. */
tg_status_t tg_db_commit(tg_db_t *db);
/* The same in two steps, for a writer writing behind (on others, the first
 * commits and the second has nothing to do): tg_db_commit_start hands the
 * commit of every change made so far to the thread (waiting first for a
 * commit still in flight) and returns; tg_db_commit_finish tells whether it
 * is done (*done), waiting for it if wait.  A failure of the commit, or of
 * any write before it, is returned by either, and by every later call. */
tg_status_t tg_db_commit_start(tg_db_t *db);
tg_status_t tg_db_commit_finish(tg_db_t *db, int wait, int *done);
/* Writing behind: a descriptor that becomes readable (poll) once the commit
 * in flight is done or the thread has failed; tg_db_commit_finish empties
 * it when it sees so.  -1 for other databases. */
int tg_db_commit_fd(const tg_db_t *db);

tg_status_t tg_db_doccount(tg_db_t *db, unsigned *count);
/* Number of documents indexed by term (0 if none). */
tg_status_t tg_db_termfreq(tg_db_t *db, const char *term, unsigned *freq);
/* First document holding `term`; TG_ERR_NOTFOUND if none. */
tg_status_t tg_db_find(tg_db_t *db, const char *term, tg_docid_t *id);
/* Fetches a document; TG_ERR_NOTFOUND if id is not in use. */
tg_status_t tg_db_get(tg_db_t *db, tg_docid_t id, tg_doc_t **out);
/* The first document holding unique_term (a term no other document
 * holds); TG_ERR_NOTFOUND if none.  On a writer writing behind, the
 * document is a copy in memory and, unless unique_term was written since
 * the last commit, read without waiting for the writer's thread; else as
 * tg_db_find then tg_db_get.  A document is only ever written by the
 * unique term given here (tg_db_replace, tg_db_delete). */
tg_status_t tg_db_fetch(tg_db_t *db, const char *unique_term, tg_doc_t **out);
/* Writers: replaces the document holding unique_term (or adds it); the
 * document must itself contain unique_term.  *id (may be NULL) gets its id
 * (0 when writing behind: the thread gives it).  Writing behind, the
 * document's contents go to the thread and doc is left empty; free it as
 * usual. */
tg_status_t tg_db_replace(tg_db_t *db, const char *unique_term, tg_doc_t *doc, tg_docid_t *id);
/* Writers: deletes every document holding term. */
tg_status_t tg_db_delete(tg_db_t *db, const char *term);

/* User metadata: key/value pairs committed atomically with the documents.
 * tg_db_get_meta sets *value to a malloc'd string, or NULL if key is unset. */
tg_status_t tg_db_get_meta(tg_db_t *db, const char *key, char **value, size_t *len);
/* Writers: sets key; an empty value deletes it. */
tg_status_t tg_db_set_meta(tg_db_t *db, const char *key, const char *value, size_t len);

/* Visits every metadata key (with_values: and its value) starting with
 * prefix, in byte order.  The callback returns 0 to go on, non-zero to stop. */
typedef int (*tg_meta_cb)(void *ctx, const char *key, const char *value, size_t len);
tg_status_t tg_db_each_meta(tg_db_t *db, const char *prefix, int with_values, tg_meta_cb cb,
                            void *ctx);

/* Visits every term starting with prefix with its document frequency. */
typedef int (*tg_term_cb)(void *ctx, const char *term, size_t len, unsigned freq);
tg_status_t tg_db_each_term(tg_db_t *db, const char *prefix, tg_term_cb cb, void *ctx);

/* Visits the positions of term in document id (none if it has no positions). */
typedef int (*tg_pos_cb)(void *ctx, unsigned pos);
tg_status_t tg_db_each_position(tg_db_t *db, tg_docid_t id, const char *term, tg_pos_cb cb,
                                void *ctx);

/* ==== Documents ========================================================== */

/* A new empty document (in memory: its calls fail only for want of memory). */
tg_doc_t *tg_doc_new(void);
void tg_doc_free(tg_doc_t *doc);
/* Message of the document's last failure ("" if none). */
const char *tg_doc_error(const tg_doc_t *doc);
/* Adds term at position pos (positions start at 1), wdf += 1. */
tg_status_t tg_doc_add_posting(tg_doc_t *doc, const char *term, size_t len, unsigned pos);
/* Adds term without a position, wdf += wdf_inc. */
tg_status_t tg_doc_add_term(tg_doc_t *doc, const char *term, size_t len, unsigned wdf_inc);
/* Removes term if present (TG_OK if it was not). */
tg_status_t tg_doc_remove_term(tg_doc_t *doc, const char *term);
/* 1 if the document holds term, 0 if not, -1 on an error (tg_doc_error). */
int tg_doc_has_term(tg_doc_t *doc, const char *term);
/* Visits the document's terms starting with prefix, in order; the callback's
 * freq is the term's wdf in the document. */
tg_status_t tg_doc_each_term(tg_doc_t *doc, const char *prefix, tg_term_cb cb, void *ctx);
tg_status_t tg_doc_set_value(tg_doc_t *doc, unsigned slot, const char *value, size_t len);
/* *value gets a malloc'd copy of the value in slot ("" if unset); NULL on
 * an error. */
tg_status_t tg_doc_get_value(tg_doc_t *doc, unsigned slot, char **value);
tg_status_t tg_doc_set_data(tg_doc_t *doc, const char *data, size_t len);
/* *data gets a malloc'd copy of the document data and *len (may be NULL)
 * its size; NULL and 0 on an error. */
tg_status_t tg_doc_get_data(tg_doc_t *doc, char **data, size_t *len);
/* Serialises the whole document (terms, positions, values, data) so it can
 * cross a pipe from a worker process; *out is malloc'd. */
tg_status_t tg_doc_serialise(tg_doc_t *doc, char **out, size_t *len);
/* Rebuilds a document from tg_doc_serialise's output; TG_ERR_CORRUPT if the
 * bytes are not a serialised document. */
tg_status_t tg_doc_unserialise(const char *buf, size_t len, tg_doc_t **out, char *errbuf,
                               size_t errlen);

/* ==== Stemming ========================================================== */

/* Snowball stemmer for a Xapian language name or ISO code ("spanish", "es").
 * TG_ERR_UNSUPPORTED if Xapian has none for it. */
tg_status_t tg_stemmer_new(const char *lang, tg_stemmer_t **out);
void tg_stemmer_free(tg_stemmer_t *st);
/* Stems a lowercase UTF-8 word into a malloc'd string. */
char *tg_stem(tg_stemmer_t *st, const char *word, size_t len);

/* ==== Queries ============================================================ */

/* Operators, mapped one to one onto Xapian::Query::op. */
typedef enum {
    TG_Q_AND,
    TG_Q_OR,
    TG_Q_AND_NOT, /* first minus the rest */
    TG_Q_FILTER,  /* first, restricted to the rest, rest unweighted */
    TG_Q_PHRASE,  /* subqueries in order, within window (0: exactly adjacent) */
    TG_Q_NEAR,    /* subqueries in any order within window */
    TG_Q_SYNONYM, /* like OR, but weighted as one term */
} tg_qop_t;

/* A term, with its query position (0 for none). */
tg_query_t *tg_query_term(const char *term, size_t len, unsigned pos);
/* Combines n subqueries (n >= 1); takes ownership of them. */
tg_query_t *tg_query_combine(tg_qop_t op, tg_query_t **subs, size_t n, unsigned window);
/* Every document. */
tg_query_t *tg_query_all(void);
/* Documents whose value in slot lies between lo and hi, both included
 * (compared as bytes); a document without a value there never matches. */
tg_query_t *tg_query_value_range(unsigned slot, const char *lo, const char *hi);
/* Terms starting with prefix, at most max_expansion of them (the most
 * frequent ones when there are more), combined as a synonym. */
tg_query_t *tg_query_wildcard(const char *prefix, unsigned max_expansion);
/* Multiplies q's weight by factor (0 makes it a pure filter); takes q. */
tg_query_t *tg_query_scale(tg_query_t *q, double factor);
tg_query_t *tg_query_copy(const tg_query_t *q);
void tg_query_free(tg_query_t *q);
/* Xapian's description of the query, malloc'd; for tests and debugging. */
char *tg_query_describe(const tg_query_t *q);

/* ==== Running a query ==================================================== */

typedef struct {
    unsigned offset;         /* first result to return */
    unsigned limit;          /* how many results at most */
    int sort_slot;           /* -1: relevance; otherwise sort by this value slot */
    int sort_descending;     /* with sort_slot: largest value first */
    unsigned check_at_least; /* count at least this many matches exactly */
    double time_limit;       /* seconds; 0 for none (docs/web.md, Safety) */
    /* Facets: count distinct values of these slots over the matches. */
    const unsigned *facet_slots;
    size_t n_facet_slots;
    /* Term facets: count, over the matches, the terms starting with each of
     * these prefixes that the matching documents hold.  Reading a document's
     * terms costs more than reading a value, so at most term_facet_max_docs
     * documents are looked at (0: TG_XAP_TERM_FACET_DOCS), and at most
     * term_facet_max_values distinct terms are kept per prefix (0:
     * TG_XAP_TERM_FACET_VALUES). */
    const char *const *facet_prefixes;
    size_t n_facet_prefixes;
    unsigned term_facet_max_docs;
    unsigned term_facet_max_values;
} tg_search_opts_t;

#define TG_XAP_TERM_FACET_DOCS   10000
#define TG_XAP_TERM_FACET_VALUES 10000

/* Runs query on db.  TG_ERR_QUERY if Xapian rejects the query (for instance
 * a wildcard that expands too much), TG_ERR_TIMEOUT past opts->time_limit,
 * with the message on db.  The result set reads its documents from db
 * lazily: it is used before db is reopened. */
tg_status_t tg_db_search(tg_db_t *db, const tg_query_t *query, const tg_search_opts_t *opts,
                         tg_mset_t **out);
void tg_mset_free(tg_mset_t *ms);
/* Message of the result set's last failure ("" if none). */
const char *tg_mset_error(const tg_mset_t *ms);
/* Results held (after offset, at most limit). */
unsigned tg_mset_size(const tg_mset_t *ms);
/* Estimated number of matches: lower bound, estimate, upper bound. */
void tg_mset_estimate(const tg_mset_t *ms, unsigned *lower, unsigned *est, unsigned *upper);
tg_docid_t tg_mset_docid(const tg_mset_t *ms, unsigned i);
int tg_mset_percent(const tg_mset_t *ms, unsigned i);
/* Document of result i, owned by the caller. */
tg_status_t tg_mset_doc(tg_mset_t *ms, unsigned i, tg_doc_t **out);
/* Facet counts of slot (one of opts.facet_slots): visits value, count.
 * TG_ERR_NOTFOUND if slot was not asked for. */
tg_status_t tg_mset_each_facet(tg_mset_t *ms, unsigned slot, tg_term_cb cb, void *ctx);
/* Term facet counts of prefix (one of opts.facet_prefixes): visits each term
 * with the prefix removed, and the number of matching documents holding it,
 * in byte order.  TG_ERR_NOTFOUND if prefix was not asked for.  *docs (may be
 * NULL) gets how many documents were counted. */
tg_status_t tg_mset_each_term_facet(tg_mset_t *ms, const char *prefix, tg_term_cb cb, void *ctx,
                                    unsigned *docs);

#ifdef __cplusplus
}
#endif

#endif
