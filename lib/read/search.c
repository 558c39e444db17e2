/* The search library (see search.h): parse, run, and dress each hit with its
 * record, title, page and snippet; fetch one document by its digest.
 *
 * Relies on the schema (schema.h) for every term, slot and record key, and on
 * the Xapian wrapper for everything else.  Never prints: the message of a
 * failure goes on the handle (tg_archive_error) and, for the calls that
 * take one, into the caller's buffer; an index error keeps Xapian's own
 * message.  Restricted and embargoed documents are left out here, in one
 * place (hidden_query, doc_hidden, the public handle), so that no front end
 * has to remember to; embargoes are judged against today's date when each
 * call runs, never at index time.  A public handle's records are rewritten
 * (publish) so that no absolute path of the indexing machine leaves it.
 *
 * Every call that reads the index runs its reading as one attempt (a
 * function named *_once that owns and frees what it made), and runs it
 * again after catching up with the writer when Xapian reports that the
 * revision it was reading has been discarded (TG_ERR_MODIFIED: an indexer
 * committed twice meanwhile), as notmuch does inside its library: no caller
 * ever sees that error unless the index keeps changing through READ_TRIES
 * attempts. */
#define _GNU_SOURCE
#include "search.h"
#include "recordjson.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "archive_int.h"
#include "people.h"
#include "schema.h"
#include "store.h"
#include "util.h"

/* Matches counted exactly (so "total" is exact) up to this many. */
#define EXACT_COUNT 10000
/* Extracted text read for one snippet. */
#define SNIPPET_TEXT_MAX ((size_t)64 << 20)
/* Attempts of one call on an index that changes under it (each after a
 * reopen): a revision is discarded only by the writer's second commit
 * after it, so one more attempt nearly always does. */
#define READ_TRIES 8

struct tg_archive {
    tg_store_t *store;
    tg_db_t *db;
    int pub;        /* a public handle (search.h) */
    char *abs_dir;  /* the archive folder's absolute path, scrubbed from records */
    int tries;      /* attempts per call: READ_TRIES (fewer only in tests) */
    char err[1024]; /* the last failure's message (tg_archive_error) */
};

static tg_status_t open_archive(const char *dir, int pub, tg_archive_t **out, char *err,
                                size_t errlen)
{
    *out = NULL;
    tg_store_t *store;
    tg_status_t st = tg_store_open(dir, 0, &store, err, errlen);
    if (st)
        return st;
    tg_db_t *db;
    char xerr[512];
    st = tg_db_open(tg_store_index_dir(store), TG_DB_READ, &db, xerr, sizeof xerr);
    if (st) {
        tg_errf(err, errlen, "cannot open the index of %s: %s", dir,
                st == TG_ERR_NOTFOUND ? "nothing has been indexed yet" : xerr);
        tg_store_close(store);
        return st;
    }
    tg_archive_t *a = tg_xcalloc(1, sizeof *a);
    a->store = store;
    a->db = db;
    a->pub = pub;
    a->abs_dir = realpath(dir, NULL);
    a->tries = READ_TRIES;
    long n;
    const char *t = getenv("TESTIGO_READ_TRIES");
    if (t && !tg_parse_long(t, 1, READ_TRIES, &n))
        a->tries = (int)n;
    *out = a;
    return TG_OK;
}

tg_status_t tg_archive_open(const char *dir, tg_archive_t **out, char *err, size_t errlen)
{
    return open_archive(dir, 0, out, err, errlen);
}

tg_status_t tg_archive_open_public(const char *dir, tg_archive_t **out, char *err, size_t errlen)
{
    return open_archive(dir, 1, out, err, errlen);
}

int tg_archive_is_public(const tg_archive_t *a)
{
    return a->pub;
}

void tg_archive_close(tg_archive_t *a)
{
    if (!a)
        return;
    tg_db_close(a->db);
    tg_store_close(a->store);
    free(a->abs_dir);
    free(a);
}

const char *tg_archive_error(const tg_archive_t *a)
{
    return a ? a->err : "";
}

/* Persons the resolved person facet (tg_results_t.persons) lists at most. */
#define PERSONS_FACET_MAX 20

/* ==== Failures and the retry ================================================ */

/* Records a failure's message on the handle; returns st. */
static tg_status_t fail(tg_archive_t *a, tg_status_t st, const char *fmt, ...) TG_PRINTF(3, 4);
static tg_status_t fail(tg_archive_t *a, tg_status_t st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->err, sizeof a->err, fmt, ap);
    va_end(ap);
    return st;
}

/* An index error on the database, the document or the result set: its
 * status, with Xapian's message on the handle. */
static tg_status_t db_failed(tg_archive_t *a, tg_status_t st)
{
    return fail(a, st, "index error: %s", tg_db_error(a->db));
}

static tg_status_t doc_failed(tg_archive_t *a, tg_doc_t *doc, tg_status_t st)
{
    return fail(a, st, "index error: %s", tg_doc_error(doc));
}

static tg_status_t mset_failed(tg_archive_t *a, tg_mset_t *ms, tg_status_t st)
{
    return fail(a, st, "index error: %s", tg_mset_error(ms));
}

/* After an attempt ended with *st: 1 if it is worth another, which means
 * the revision it read was discarded (TG_ERR_MODIFIED), fewer than
 * READ_TRIES attempts were made, and catching up with the latest commit
 * worked (if it did not, *st is why). */
static int again(tg_archive_t *a, tg_status_t *st, int *tries)
{
    if (*st != TG_ERR_MODIFIED)
        return 0;
    if (++*tries >= a->tries) {
        size_t n = strlen(a->err);
        snprintf(a->err + n, sizeof a->err - n, " (still changing after %d attempts)", *tries);
        return 0;
    }
    tg_status_t r = tg_db_reopen(a->db, NULL);
    if (r) {
        *st = db_failed(a, r);
        return 0;
    }
    return 1;
}

tg_status_t tg_archive_refresh(tg_archive_t *a)
{
    tg_status_t st = tg_db_reopen(a->db, NULL);
    return st ? db_failed(a, st) : TG_OK;
}

/* ==== What may be shown ===================================================== */

void tg_today(char out[11])
{
    const char *t = getenv("TESTIGO_TODAY");
    tg_date_t d;
    if (t && strlen(t) == 10 && !tg_date_parse(t, 10, &d) && d.day) {
        snprintf(out, 11, "%04d-%02d-%02d", d.year, d.month, d.day);
        return;
    }
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The day before today: an embargo whose last day is at most this is over. */
static void yesterday(char out[11])
{
    char today[11];
    tg_today(today);
    struct tm tm = {0};
    tm.tm_year = atoi(today) - 1900;
    tm.tm_mon = atoi(today + 5) - 1;
    tm.tm_mday = atoi(today + 8) - 1;
    tm.tm_hour = 12;
    tm.tm_isdst = -1;
    mktime(&tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The lowest embargo end that reads as a date. */
#define EMBARGO_MIN "0000-01-01"

/* Documents a public handle hides today: restricted, or under an embargo
 * that is not over (an end that is not a date never is). */
static tg_query_t *hidden_query(void)
{
    char y[11];
    yesterday(y);
    tg_query_t *over[2] = {tg_query_term(TG_TERM_EMBARGO, strlen(TG_TERM_EMBARGO), 0),
                           tg_query_value_range(TG_SLOT_EMBARGO, EMBARGO_MIN, y)};
    tg_query_t *either[2] = {tg_query_term(TG_TERM_RESTRICTED, strlen(TG_TERM_RESTRICTED), 0),
                             tg_query_combine(TG_Q_AND_NOT, over, 2, 0)};
    return tg_query_combine(TG_Q_OR, either, 2, 0);
}

/* q without what a public handle hides; takes q. */
static tg_query_t *without_hidden(tg_query_t *q)
{
    tg_query_t *v[2] = {q, hidden_query()};
    return tg_query_combine(TG_Q_AND_NOT, v, 2, 0);
}

/* *has: whether doc holds term. */
typedef struct {
    const char *term;
    int has;
} holds_t;

static int holds_cb(void *ctx, const char *term, size_t len, unsigned freq)
{
    (void)freq;
    holds_t *h = ctx;
    h->has = len == strlen(h->term) && !memcmp(term, h->term, len);
    return 1; /* the first term under the prefix is the term or a longer one */
}

static tg_status_t holds(tg_doc_t *doc, const char *term, int *has)
{
    holds_t h = {term, 0};
    tg_status_t st = tg_doc_each_term(doc, term, holds_cb, &h);
    *has = h.has;
    return st;
}

/* The same test on one document: *hidden.  An index error's status (its
 * message on doc) otherwise. */
static tg_status_t doc_hidden(tg_doc_t *doc, int *hidden)
{
    *hidden = 0;
    int has;
    tg_status_t st = holds(doc, TG_TERM_RESTRICTED, &has);
    if (st || has) {
        *hidden = has;
        return st;
    }
    st = holds(doc, TG_TERM_EMBARGO, &has);
    if (st || !has)
        return st;
    char y[11];
    yesterday(y);
    char *end;
    st = tg_doc_get_value(doc, TG_SLOT_EMBARGO, &end);
    if (st)
        return st;
    *hidden = !(strcmp(end, EMBARGO_MIN) >= 0 && strcmp(end, y) <= 0);
    free(end);
    return TG_OK;
}

int tg_record_hidden(const tg_record_t *rec)
{
    if (tg_record_get_restricted(rec))
        return 1;
    if (!tg_record_has_embargo(rec))
        return 0;
    const char *end = tg_record_get_embargo(rec);
    char y[11];
    yesterday(y);
    return !(end && strcmp(end, EMBARGO_MIN) >= 0 && strcmp(end, y) <= 0);
}

/* The document of sha, if the handle may show it (hide: also when the
 * operator asks to leave hidden documents out).  TG_ERR_NOTFOUND if it
 * does not exist or is hidden; an index error's status otherwise (message
 * on a).  One attempt: the caller retries. */
static tg_status_t find_shown(tg_archive_t *a, const char *sha, int hide, tg_doc_t **doc,
                              tg_docid_t *docid)
{
    *doc = NULL;
    if (!sha || !tg_sha256_valid(sha))
        return fail(a, TG_ERR_NOTFOUND, "'%.70s' is not a SHA-256", sha ? sha : "");
    tg_buf_t term;
    tg_buf_init(&term, 128);
    tg_id_term(&term, sha);
    tg_docid_t id;
    tg_status_t st = tg_db_find(a->db, tg_buf_str(&term), &id);
    tg_buf_free(&term);
    if (st == TG_ERR_NOTFOUND)
        return fail(a, st, "no document %s", sha);
    if (st)
        return db_failed(a, st);
    st = tg_db_get(a->db, id, doc);
    if (st)
        return db_failed(a, st);
    int hidden = 0;
    if (hide || a->pub) {
        st = doc_hidden(*doc, &hidden);
        if (st)
            st = doc_failed(a, *doc, st);
        else if (hidden)
            st = fail(a, TG_ERR_NOTFOUND, "no document %s", sha);
    }
    if (st) {
        tg_doc_free(*doc);
        *doc = NULL;
        return st;
    }
    if (docid)
        *docid = id;
    return TG_OK;
}

static tg_status_t count_once(tg_archive_t *a, unsigned *count)
{
    unsigned all;
    tg_status_t st = tg_db_doccount(a->db, &all);
    if (st)
        return db_failed(a, st);
    if (!a->pub) {
        *count = all;
        return TG_OK;
    }
    /* few documents are hidden: count them, not the others */
    tg_search_opts_t so = {.limit = 0, .sort_slot = -1, .check_at_least = all};
    tg_query_t *q = hidden_query();
    tg_mset_t *ms = NULL;
    st = tg_db_search(a->db, q, &so, &ms);
    tg_query_free(q);
    if (st)
        return db_failed(a, st);
    unsigned lower, est, upper;
    tg_mset_estimate(ms, &lower, &est, &upper);
    tg_mset_free(ms);
    /* if the count is not exact, show the fewer */
    *count = all >= upper ? all - upper : 0;
    return TG_OK;
}

tg_status_t tg_archive_count(tg_archive_t *a, unsigned *count)
{
    *count = 0;
    tg_status_t st;
    int tries = 0;
    do
        st = count_once(a, count);
    while (again(a, &st, &tries));
    return st;
}

/* ==== Shown forms of locations ============================================== */

/* The shown form of a location recorded before shown forms were (archives
 * written by earlier versions): from the folder facet ("casos/2024": the
 * root's name and the first folder below it) where it tells the root apart,
 * else the file name only; what lies inside a bundle or mail is kept.
 * Never an absolute path.  Malloc'd. */
static char *derive_rel(const char *path, const char *folder)
{
    const char *bang = strstr(path, "!/");
    size_t disk = bang ? (size_t)(bang - path) : strlen(path);
    const char *at = NULL;
    if (folder && strchr(folder, '/') && folder[0] != '/') {
        char *pat = tg_xasprintf("/%s/", folder);
        size_t pl = strlen(pat);
        for (const char *p = strstr(path, pat); p && (size_t)(p - path) + pl <= disk;
             p = strstr(p + 1, pat))
            at = p + 1; /* the last: when unsure, less is shown */
        free(pat);
    }
    if (!at) {
        at = path;
        for (size_t i = 0; i < disk; i++)
            if (path[i] == '/')
                at = path + i + 1;
    }
    while (*at == '/')
        at++;
    return tg_xstrdup(at);
}

/* A string of the record that names a place on the indexing machine,
 * rewritten from the parts of the paths known to come before shown forms
 * (prefixes): stripped of one of them, else cut to what follows its last
 * '/' before any "!/" or " line". */
static char *shown_string(const char *s, json_t *prefixes)
{
    size_t i;
    json_t *p;
    json_array_foreach(prefixes, i, p)
    {
        const char *pre = json_string_value(p);
        if (!strncmp(s, pre, strlen(pre)))
            return tg_xstrdup(s + strlen(pre));
    }
    if (s[0] != '/')
        return tg_xstrdup(s);
    const char *end = strstr(s, "!/");
    const char *line = strstr(s, " line ");
    if (!end || (line && line < end))
        end = line;
    if (!end)
        end = s + strlen(s);
    const char *at = s;
    for (const char *c = s; c < end; c++)
        if (*c == '/')
            at = c + 1;
    return tg_xstrdup(at);
}

static void add_prefix(json_t *prefixes, const char *pre, size_t len)
{
    /* "/" alone would cut every path: not a prefix worth taking */
    if (len < 2 || pre[0] != '/')
        return;
    char *p = tg_xstrndup(pre, len);
    size_t i;
    json_t *e;
    int dup = 0;
    json_array_foreach(prefixes, i, e) dup |= !strcmp(json_string_value(e), p);
    if (!dup)
        json_array_append_new(prefixes, json_string(p));
    free(p);
}

/* A record as a public handle gives it: each location's "path" is its shown
 * form (and "rel" goes), places named in its metadata are relative too, and
 * no string holds the indexing machine's path to the folders given to the
 * indexer or to the archive. */
static void publish(const tg_archive_t *a, tg_record_t *rec)
{
    json_t *prefixes = json_array(), *e;
    size_t i;
    if (a->abs_dir) {
        char *d = tg_xasprintf("%s/", a->abs_dir);
        add_prefix(prefixes, d, strlen(d));
        free(d);
    }
    size_t n = tg_record_n_locations(rec);
    /* first the prefixes every location reveals... */
    for (i = 0; i < n; i++) {
        tg_location_t *l = tg_record_location_w(rec, i);
        const char *path = l ? tg_location_get_path(l) : NULL;
        if (!path)
            continue;
        const char *rel = tg_location_get_rel(l);
        char *r =
            rel && rel[0] != '/' ? tg_xstrdup(rel) : derive_rel(path, tg_location_get_folder(l));
        size_t pl = strlen(path), rl = strlen(r);
        if (pl > rl && !strcmp(path + pl - rl, r))
            add_prefix(prefixes, path, pl - rl);
        tg_location_set_shown_path(l, r);
        free(r);
    }
    /* ...then every place named is rewritten with all of them */
    for (i = 0; i < n; i++) {
        tg_location_t *l = tg_record_location_w(rec, i);
        if (!l)
            continue;
        for (size_t k = 0; k < tg_location_n_sidecar_from(l); k++) {
            const char *f = tg_location_sidecar_from(l, k);
            if (!f)
                continue;
            char *r = shown_string(f, prefixes);
            tg_location_set_sidecar_from(l, k, r);
            free(r);
        }
        const char *by = tg_location_inherited_by(l);
        if (by) {
            char *r = shown_string(by, prefixes);
            tg_location_set_inherited_by(l, r);
            free(r);
        }
    }
    size_t np = json_array_size(prefixes);
    const char **pre = tg_xcalloc(np ? np : 1, sizeof *pre);
    json_array_foreach(prefixes, i, e) pre[i] = json_string_value(e);
    tg_record_remove_substrings(rec, pre, np);
    free(pre);
    json_decref(prefixes);
}

/* ==== Records and texts ===================================================== */

/* The record of doc as stored, into *rec: NULL if it does not parse (a
 * damaged record is the caller's to judge); an index error's status
 * otherwise. */
static tg_status_t read_record(tg_archive_t *a, tg_doc_t *doc, tg_record_t **rec)
{
    *rec = NULL;
    char *data;
    size_t len;
    tg_status_t st = tg_doc_get_data(doc, &data, &len);
    if (st)
        return doc_failed(a, doc, st);
    tg_record_parse(data, len, rec); /* NULL when damaged */
    free(data);
    return TG_OK;
}

/* The same, for a public handle as it may be shown. */
static tg_status_t record_of(tg_archive_t *a, tg_doc_t *doc, tg_record_t **rec)
{
    tg_status_t st = read_record(a, doc, rec);
    if (!st && *rec && a->pub)
        publish(a, *rec);
    return st;
}

/* The text of rec's content, without asking whether it may be shown. */
static tg_status_t text_of(tg_archive_t *a, const tg_record_t *rec, tg_buf_t *out)
{
    const char *sha = tg_record_get_sha256(rec);
    if (!sha || !tg_sha256_valid(sha))
        return TG_ERR_NOTFOUND;
    if (tg_record_get_text_original(rec))
        return tg_store_get_original(a->store, sha, out);
    return tg_store_get_text(a->store, sha, out);
}

/* Reads a window of a record's stored text for a snippet (snippet.h's
 * tg_text_read_fn): one open and pread, never the whole of a long text. */
typedef struct {
    tg_archive_t *a;
    const tg_record_t *rec;
} text_reader_t;

static tg_status_t text_reader(void *ctx, uint64_t off, size_t len, tg_buf_t *out)
{
    text_reader_t *r = ctx;
    const char *sha = tg_record_get_sha256(r->rec);
    char *path = tg_record_get_text_original(r->rec) ? tg_store_path(r->a->store, sha)
                                                     : tg_store_text_path(r->a->store, sha);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    free(path);
    if (fd < 0)
        return errno == ENOENT ? TG_ERR_NOTFOUND : TG_ERR_IO;
    char *buf = tg_xmalloc(len ? len : 1);
    size_t got = 0;
    tg_status_t st = TG_OK;
    while (got < len) {
        ssize_t n = pread(fd, buf + got, len - got, (off_t)(off + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            st = TG_ERR_IO;
            break;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (!st && tg_buf_add(out, buf, got))
        st = TG_ERR_LIMIT;
    free(buf);
    return st;
}

/* Whether the handle may show the document of sha: TG_OK, or
 * TG_ERR_NOTFOUND, or an index error's status. */
static tg_status_t shown_once(tg_archive_t *a, const char *sha)
{
    tg_doc_t *doc;
    tg_status_t st = find_shown(a, sha, 1, &doc, NULL);
    tg_doc_free(doc);
    return st;
}

tg_status_t tg_archive_text(tg_archive_t *a, const tg_record_t *rec, tg_buf_t *out)
{
    if (a->pub) {
        tg_status_t st;
        int tries = 0;
        do
            st = shown_once(a, tg_record_get_sha256(rec));
        while (again(a, &st, &tries));
        if (st)
            return st;
    }
    tg_status_t st = text_of(a, rec, out);
    if (st && st != TG_ERR_NOTFOUND && st != TG_ERR_LIMIT)
        fail(a, st, "cannot read the text of %s: %s", tg_record_get_sha256(rec), tg_status_str(st));
    return st;
}

const char *tg_record_title(const tg_record_t *rec)
{
    const char *t = tg_record_get_title(rec);
    if (t && *t)
        return t;
    const tg_location_t *l = tg_record_location(rec, 0);
    const char *p = l ? tg_location_get_path(l) : NULL;
    return p ? tg_location_basename(p) : tg_record_get_sha256(rec);
}

/* The facets: how each is counted (a value slot, or terms under a prefix)
 * and the term prefix that filters by one of its values. */
static const struct {
    const char *name;
    int slot;                /* -1: counted from terms */
    const char *filter;      /* prefix of the filter term */
    const char *term_prefix; /* counted terms (slot -1) */
} facets[] = {
    {"kind", TG_SLOT_KIND, TG_PREFIX_KIND, NULL},
    {"lang", TG_SLOT_LANG, TG_PREFIX_LANG, NULL},
    {"year", TG_SLOT_YEAR, TG_PREFIX_DATE, NULL},
    {"month", TG_SLOT_MONTH, TG_PREFIX_DATE, NULL},
    {"folder", TG_SLOT_FOLDER, TG_PREFIX_FOLDER, NULL},
    {"person", -1, TG_PREFIX_PERSON, TG_PREFIX_PERSON},
    {"collection", -1, TG_PREFIX_COLLECTION, TG_PREFIX_COLLECTION},
    {"place", -1, TG_PREFIX_PLACE, TG_PREFIX_PLACE},
    {"tag", -1, TG_PREFIX_TAG, TG_PREFIX_TAG},
};

const char *const tg_facet_names[] = {"kind",   "lang",       "year",  "month", "folder",
                                      "person", "collection", "place", "tag",   NULL};

/* Index in facets[] of name, or -1. */
static int facet_index(const char *name)
{
    for (size_t i = 0; i < TG_ARRAY_LEN(facets); i++)
        if (!strcmp(facets[i].name, name))
            return (int)i;
    return -1;
}

int tg_facet_known(const char *name)
{
    return name && facet_index(name) >= 0;
}

static int stop_at_first(void *ctx, const char *term, size_t len, unsigned freq)
{
    (void)term;
    (void)len;
    (void)freq;
    *(int *)ctx = 1;
    return 1;
}

/* *found: whether any document holds a term with this prefix (a term facet
 * is only worth its cost when there is something to count). */
static tg_status_t has_terms(tg_archive_t *a, const char *prefix, int *found)
{
    *found = 0;
    tg_status_t st = tg_db_each_term(a->db, prefix, stop_at_first, found);
    return st ? db_failed(a, st) : TG_OK;
}

static int facet_cb(void *ctx, const char *value, size_t len, unsigned freq)
{
    if (len > 0)
        json_object_setn_new(ctx, value, len, json_integer(freq));
    return 0;
}

/* Longest filter value accepted (a folder name can be long; longer values
 * are hashed into the term by tg_bool_term anyway). */
#define FILTER_VALUE_MAX 4096

/* Restricts *q to the request's filters and date range.  Takes *q. */
static tg_status_t add_filters(tg_query_t **q, const tg_search_req_t *req, char *err, size_t errlen)
{
    size_t cap = TG_ARRAY_LEN(facets) + 2, n = 0;
    tg_query_t **and = tg_xcalloc(cap, sizeof *and);
    tg_status_t st = TG_OK;
    and[n++] = *q;
    *q = NULL;
    for (size_t i = 0; i < req->n_filters; i++) {
        const tg_filter_t *f = &req->filters[i];
        if (facet_index(f->facet ? f->facet : "") < 0) {
            tg_errf(err, errlen, "unknown facet '%s'", f->facet ? f->facet : "");
            st = TG_ERR_INVALID;
            goto out;
        }
        if (!f->value || !*f->value || strlen(f->value) > FILTER_VALUE_MAX) {
            tg_errf(err, errlen, "empty or too long value for the facet '%s'", f->facet);
            st = TG_ERR_INVALID;
            goto out;
        }
    }
    for (size_t k = 0; k < TG_ARRAY_LEN(facets); k++) {
        size_t m = 0;
        for (size_t i = 0; i < req->n_filters; i++)
            m += !strcmp(req->filters[i].facet, facets[k].name);
        if (!m)
            continue;
        tg_query_t ** or = tg_xcalloc(m, sizeof * or);
        size_t j = 0;
        tg_buf_t term;
        tg_buf_init(&term, 2 * TG_XAP_MAX_TERM);
        for (size_t i = 0; i < req->n_filters; i++) {
            if (strcmp(req->filters[i].facet, facets[k].name))
                continue;
            tg_buf_reset(&term);
            tg_bool_term(&term, facets[k].filter, req->filters[i].value);
            or [j++] = tg_query_term(term.data, term.len, 0);
        }
        tg_buf_free(&term);
        and[n++] = tg_query_combine(TG_Q_OR, or, m, 0);
        free(or);
    }
    if (req->date_from.year || req->date_to.year) {
        tg_query_t *dq;
        if (tg_date_range_query(TG_PREFIX_DATE, &req->date_from, &req->date_to, &dq)) {
            tg_errf(err, errlen, "the date range ends before it starts");
            st = TG_ERR_INVALID;
            goto out;
        }
        and[n++] = dq;
    }
out:
    if (st) {
        for (size_t i = 0; i < n; i++)
            tg_query_free(and[i]);
    } else {
        *q = n == 1 ? and[0] : tg_query_combine(TG_Q_FILTER, and, n, 0);
    }
    free(and);
    return st;
}

/* ==== Documents ============================================================= */

/* The record of the document of sha if the handle may show it: as stored
 * (raw), or as the handle shows it.  TG_ERR_CORRUPT if it does not parse. */
static tg_status_t shown_record(tg_archive_t *a, const char *sha, int hide, int raw,
                                tg_record_t **rec, tg_docid_t *docid)
{
    tg_doc_t *doc;
    tg_status_t st = find_shown(a, sha, hide, &doc, docid);
    if (st)
        return st;
    st = raw ? read_record(a, doc, rec) : record_of(a, doc, rec);
    tg_doc_free(doc);
    if (!st && !*rec)
        st = fail(a, TG_ERR_CORRUPT, "the record of %s does not parse", sha);
    return st;
}

tg_status_t tg_archive_get(tg_archive_t *a, const char *sha, int hide_restricted, tg_record_t **rec,
                           tg_docid_t *docid)
{
    *rec = NULL;
    tg_docid_t id = 0;
    tg_status_t st;
    int tries = 0;
    do
        st = shown_record(a, sha, hide_restricted, 0, rec, &id);
    while (again(a, &st, &tries));
    if (docid)
        *docid = st ? 0 : id;
    return st;
}

typedef struct {
    tg_archive_t *a;
    const char *prefix; /* a location of the container + "!/" */
    int hidden;         /* something inside may not be shown */
    tg_status_t st;
} inside_t;

static int check_inside(void *ctx, const char *key, const char *value, size_t len)
{
    (void)key;
    inside_t *c = ctx;
    json_t *m = tg_json_parse_object(value, len);
    const char *loc = m ? tg_rec_str(m, "loc") : NULL;
    const char *sha = m ? tg_rec_str(m, "sha256") : NULL;
    if (loc && sha && !strncmp(loc, c->prefix, strlen(c->prefix))) {
        tg_status_t st = shown_once(c->a, sha);
        if (st == TG_ERR_NOTFOUND) {
            /* hidden, or a location whose document is gone: either way,
             * what the bytes hold cannot be vouched for */
            c->hidden = 1;
        } else if (st) {
            c->st = st;
        }
    }
    json_decref(m);
    return c->hidden || c->st;
}

/* *hidden: whether a location of the document (given by its raw record)
 * holds, at any depth, something the handle may not show.  An index
 * error's status otherwise. */
static tg_status_t holds_hidden(tg_archive_t *a, const tg_record_t *raw, int *hidden)
{
    *hidden = 0;
    for (size_t i = 0; i < tg_record_n_locations(raw); i++) {
        const tg_location_t *l = tg_record_location(raw, i);
        const char *path = l ? tg_location_get_path(l) : NULL;
        if (!path)
            continue;
        char *prefix = tg_xasprintf("%s!/", path);
        tg_buf_t key;
        tg_buf_init(&key, 4096);
        tg_location_key_prefix(&key, prefix);
        inside_t c = {a, prefix, 0, TG_OK};
        tg_status_t st = tg_db_each_meta(a->db, key.data, 1, check_inside, &c);
        tg_buf_free(&key);
        free(prefix);
        if (st)
            return db_failed(a, st);
        if (c.st)
            return c.st; /* its message is on a already */
        if (c.hidden) {
            *hidden = 1;
            return TG_OK;
        }
    }
    return TG_OK;
}

/* The raw record of the document of sha if the handle may give its
 * original. */
static tg_status_t original_once(tg_archive_t *a, const char *sha, int hide, tg_record_t **raw)
{
    tg_status_t st = shown_record(a, sha, hide, 1, raw, NULL);
    if (st)
        return st;
    int hidden = 0;
    if (a->pub)
        st = holds_hidden(a, *raw, &hidden);
    if (!st && hidden)
        st = fail(a, TG_ERR_NOTFOUND, "the original of %s holds a hidden document", sha);
    if (st) {
        tg_record_free(*raw);
        *raw = NULL;
    }
    return st;
}

tg_status_t tg_archive_original(tg_archive_t *a, const char *sha, int hide_restricted,
                                tg_record_t **rec, int *fd, uint64_t *size)
{
    *rec = NULL;
    *fd = -1;
    *size = 0;
    tg_record_t *raw;
    tg_status_t st;
    int tries = 0;
    do
        st = original_once(a, sha, hide_restricted, &raw);
    while (again(a, &st, &tries));
    if (st)
        return st;
    char *path = tg_store_path(a->store, sha);
    int f = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    free(path);
    struct stat sb;
    if (f < 0 || fstat(f, &sb) || !S_ISREG(sb.st_mode)) {
        st = fail(a, TG_ERR_IO, "the original %s is %s: %s", sha,
                  f < 0 && errno == ENOENT ? "missing from the store" : "unreadable",
                  f < 0 ? strerror(errno) : "not a regular file");
        if (f >= 0)
            close(f);
        tg_record_free(raw);
        return st;
    }
    if (a->pub)
        publish(a, raw);
    *rec = raw;
    *fd = f;
    *size = (uint64_t)sb.st_size;
    return TG_OK;
}

/* ==== Facet labels ========================================================== */

/* A term facet counts folded values (a person's key, a sidecar value
 * folded): what people read is the value as a document writes it, which
 * only a record holds.  The labels come from the records of the page's
 * hits, then, for the LABEL_LOOKUPS values counted most that are still
 * unlabelled, from one document holding each (a search of one term, and
 * one record read): bounded whatever the archive's size. */
#define LABEL_LOOKUPS 20

/* The sidecar key of each labelled facet other than person. */
static const struct {
    const char *facet, *sidecar_key;
} sidecar_facets[] = {{"collection", "collection"}, {"place", "place"}, {"tag", "tags"}};

static void label_set(json_t *labels, const char *facet, const char *value, const char *label)
{
    json_t *o = json_object_get(labels, facet);
    if (!o) {
        o = json_object();
        json_object_set_new(labels, facet, o);
    }
    if (!json_object_get(o, value))
        json_object_set_new(o, value, json_string(label));
}

/* Labels what rec names: persons (key -> name) and sidecar values (folded
 * -> as written). */
static void labels_from_record(json_t *labels, const tg_record_t *rec, tg_buf_t *tmp)
{
    size_t np = tg_record_n_persons(rec);
    for (size_t i = 0; i < np; i++) {
        tg_person_t p;
        if (tg_record_person(rec, i, &p) && p.key && p.name)
            label_set(labels, "person", p.key, p.name);
    }
    for (size_t f = 0; f < TG_ARRAY_LEN(sidecar_facets); f++) {
        size_t n = tg_record_n_sidecar(rec, sidecar_facets[f].sidecar_key);
        for (size_t i = 0; i < n; i++) {
            const char *v = tg_record_nth_sidecar(rec, sidecar_facets[f].sidecar_key, i);
            if (!v)
                continue;
            tg_buf_reset(tmp);
            tg_fold_value(tmp, v, strlen(v));
            if (tmp->len)
                label_set(labels, sidecar_facets[f].facet, tg_buf_str(tmp), v);
        }
    }
}

/* Labels value of term facet f from a document holding its term. */
static tg_status_t label_lookup(tg_archive_t *a, int hide, size_t f, const char *value,
                                json_t *labels, tg_buf_t *tmp)
{
    tg_buf_reset(tmp);
    tg_bool_term(tmp, facets[f].filter, value);
    tg_query_t *q = tg_query_term(tmp->data, tmp->len, 0);
    if (hide)
        q = without_hidden(q);
    tg_search_opts_t so = {.limit = 1, .sort_slot = -1};
    tg_mset_t *ms = NULL;
    tg_status_t st = tg_db_search(a->db, q, &so, &ms);
    tg_query_free(q);
    if (st)
        return db_failed(a, st);
    tg_record_t *rec = NULL;
    if (tg_mset_size(ms) > 0) {
        tg_doc_t *doc;
        st = tg_mset_doc(ms, 0, &doc);
        if (st) {
            mset_failed(a, ms, st);
        } else {
            st = read_record(a, doc, &rec);
            tg_doc_free(doc);
        }
    }
    tg_mset_free(ms);
    if (rec)
        labels_from_record(labels, rec, tmp);
    tg_record_free(rec);
    return st;
}

static int by_count_desc(const void *x, const void *y)
{
    const json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
    json_int_t ca = json_integer_value(json_array_get(a, 1));
    json_int_t cb = json_integer_value(json_array_get(b, 1));
    if (ca != cb)
        return ca > cb ? -1 : 1;
    return strcmp(json_string_value(json_array_get(a, 0)), json_string_value(json_array_get(b, 0)));
}

/* The labels of out's term facets (out->labels). */
static tg_status_t label_facets(tg_archive_t *a, int hide, tg_results_t *out)
{
    tg_buf_t tmp;
    tg_buf_init(&tmp, 2 * TG_XAP_MAX_TERM + 4096);
    json_t *labels = json_object();
    for (size_t i = 0; i < out->n; i++)
        labels_from_record(labels, out->hits[i].rec, &tmp);
    tg_status_t st = TG_OK;
    for (size_t f = 0; f < TG_ARRAY_LEN(facets) && !st; f++) {
        if (facets[f].slot >= 0)
            continue;
        json_t *counts = json_object_get(out->facets, facets[f].name);
        size_t n = json_object_size(counts), k = 0;
        if (!n)
            continue;
        json_t **v = tg_xcalloc(n, sizeof *v);
        const char *key;
        json_t *c;
        json_object_foreach(counts, key, c) v[k++] = json_pack("[sO]", key, c);
        qsort(v, n, sizeof *v, by_count_desc);
        json_t *have = json_object_get(labels, facets[f].name);
        for (k = 0; k < n && k < LABEL_LOOKUPS && !st; k++) {
            const char *value = json_string_value(json_array_get(v[k], 0));
            if (!json_object_get(have, value)) {
                st = label_lookup(a, hide, f, value, labels, &tmp);
                have = json_object_get(labels, facets[f].name);
            }
        }
        for (k = 0; k < n; k++)
            json_decref(v[k]);
        free(v);
    }
    tg_buf_free(&tmp);
    if (st) {
        json_decref(labels);
        return st;
    }
    out->labels = labels;
    return TG_OK;
}

/* ==== Searching ============================================================= */

/* One attempt at running parsed with so and dressing its hits into out
 * (which it frees and clears if it fails). */
static tg_status_t search_once(tg_archive_t *a, const tg_parsed_t *parsed,
                               const tg_search_req_t *req, tg_search_opts_t *so, tg_results_t *out)
{
    memset(out, 0, sizeof *out);
    unsigned slots[TG_ARRAY_LEN(facets)];
    const char *prefixes[TG_ARRAY_LEN(facets)];
    tg_status_t st = TG_OK;
    so->n_facet_slots = so->n_facet_prefixes = 0;
    if (req->facets) {
        for (size_t i = 0; i < TG_ARRAY_LEN(facets) && !st; i++) {
            int found = 0;
            if (facets[i].slot >= 0)
                slots[so->n_facet_slots++] = (unsigned)facets[i].slot;
            else if (!(st = has_terms(a, facets[i].term_prefix, &found)) && found)
                prefixes[so->n_facet_prefixes++] = facets[i].term_prefix;
        }
        if (st)
            return st;
        so->facet_slots = slots;
        so->facet_prefixes = prefixes;
    }
    tg_mset_t *ms = NULL;
    st = tg_db_search(a->db, parsed->query, so, &ms);
    if (st == TG_ERR_QUERY || st == TG_ERR_TIMEOUT)
        return fail(a, st, "%s", tg_db_error(a->db)); /* the query's fault, not the index's */
    if (st)
        return db_failed(a, st);
    unsigned lower, est, upper;
    tg_mset_estimate(ms, &lower, &est, &upper);
    out->total = est;
    out->total_exact = lower == upper;
    unsigned n = tg_mset_size(ms);
    out->hits = tg_xcalloc(n ? n : 1, sizeof *out->hits);
    tg_buf_t text;
    for (unsigned i = 0; i < n && !st; i++) {
        tg_hit_t *h = &out->hits[out->n];
        tg_doc_t *doc;
        st = tg_mset_doc(ms, i, &doc);
        if (st) {
            mset_failed(a, ms, st);
            break;
        }
        st = record_of(a, doc, &h->rec);
        tg_doc_free(doc);
        if (st)
            break;
        if (!h->rec)
            h->rec = tg_record_new(); /* a damaged record: the hit still shows */
        out->n++;
        h->docid = tg_mset_docid(ms, i);
        h->percent = tg_mset_percent(ms, i);
        h->title = tg_xstrdup(tg_record_title(h->rec) ? tg_record_title(h->rec) : "");
        const char *sha = tg_record_get_sha256(h->rec);
        tg_buf_init(&text, SNIPPET_TEXT_MAX);
        tg_snippet_src_t src = {
            .db = a->db,
            .docid = h->docid,
            .rec = h->rec,
        };
        text_reader_t rd = {a, h->rec};
        int64_t tb = tg_record_get_text_bytes(h->rec);
        if (sha && tg_sha256_valid(sha) && tb > 0 && (uint64_t)tb <= SNIPPET_TEXT_MAX) {
            /* read what the snippet needs: a window (text_reader) */
            src.text_len = (size_t)tb;
            src.read = text_reader;
            src.read_ctx = &rd;
        } else if (sha && tg_sha256_valid(sha) && tb == 0) {
            /* an empty text, or a record without its text's size (older):
             * the whole text */
            text_of(a, h->rec, &text);
            src.text = tg_buf_str(&text);
            src.text_len = text.len;
        }
        st = tg_snippet_make(&src, parsed, req->snippet_bytes ? req->snippet_bytes : 240,
                             &h->snippet);
        if (st)
            db_failed(a, st);
        tg_buf_free(&text);
    }
    if (req->facets && !st) {
        out->facets = json_object();
        for (size_t f = 0; f < TG_ARRAY_LEN(facets) && !st; f++) {
            json_t *o = json_object();
            if (facets[f].slot >= 0)
                st = tg_mset_each_facet(ms, (unsigned)facets[f].slot, facet_cb, o);
            else
                st = tg_mset_each_term_facet(ms, facets[f].term_prefix, facet_cb, o, NULL);
            if (st == TG_ERR_NOTFOUND)
                st = TG_OK; /* a term facet not counted: nothing holds its terms */
            else if (st)
                mset_failed(a, ms, st);
            json_object_set_new(out->facets, facets[f].name, o);
        }
    }
    tg_mset_free(ms);
    if (req->facets && !st)
        st = label_facets(a, req->hide_restricted || a->pub, out);
    if (st)
        tg_results_free(out);
    return st;
}

tg_status_t tg_search_run(tg_archive_t *a, tg_qparser_t *qp, const char *query,
                          const tg_search_req_t *req, tg_results_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    double t0 = tg_now();
    tg_parsed_t parsed;
    /* person: names a person of the archive, in every form (people.c) */
    tg_people_ctx_t pc = {a, req->hide_restricted || a->pub, NULL, 0};
    tg_qparser_set_persons(qp, tg_people_expand, &pc);
    tg_status_t st = tg_query_parse(qp, query, &req->parse, &parsed, &out->query_error);
    tg_qparser_set_persons(qp, NULL, NULL);
    tg_people_ctx_done(&pc);
    if (st) {
        tg_qmsg_str(&out->query_error, err, errlen);
        return fail(a, st, "%s", err && errlen ? err : "the query is not valid");
    }
    st = add_filters(&parsed.query, req, err, errlen);
    if (st) {
        tg_parsed_free(&parsed);
        return fail(a, st, "%s", err && errlen ? err : "invalid filter");
    }
    if (req->hide_restricted || a->pub)
        parsed.query = without_hidden(parsed.query);
    tg_search_opts_t so = {
        .offset = req->offset,
        .limit = req->limit,
        .sort_slot = req->sort == TG_SORT_RELEVANCE   ? -1
                     : req->sort == TG_SORT_DATE_DESC ? TG_SLOT_DATE_NEWEST
                                                      : TG_SLOT_DATE,
        .check_at_least = EXACT_COUNT,
        .time_limit = req->time_limit,
        .term_facet_max_docs = req->term_facet_docs,
    };
    int tries = 0;
    do
        st = search_once(a, &parsed, req, &so, out);
    while (again(a, &st, &tries));
    /* search_once starts from an empty out: the notices come last */
    memcpy(out->notices, parsed.notices, sizeof out->notices);
    out->n_notices = parsed.n_notices;
    tg_parsed_free(&parsed);
    /* the person facet as persons (people.c): their display names */
    const json_t *pf = out->facets ? json_object_get(out->facets, "person") : NULL;
    if (!st && pf) {
        json_t *persons = NULL;
        st = tg_people_facet(a, req->hide_restricted || a->pub, pf, PERSONS_FACET_MAX, &persons);
        if (st)
            tg_results_free(out);
        else
            out->persons = persons;
    }
    if (st) {
        tg_errf(err, errlen, "%s", a->err);
        return st;
    }
    out->seconds = tg_now() - t0;
    return TG_OK;
}

void tg_results_free(tg_results_t *r)
{
    for (size_t i = 0; i < r->n; i++) {
        tg_record_free(r->hits[i].rec);
        free(r->hits[i].title);
        tg_snippet_free(&r->hits[i].snippet);
    }
    free(r->hits);
    json_decref(r->facets);
    json_decref(r->labels);
    json_decref(r->persons);
    memset(r, 0, sizeof *r);
}

/* The record's OCR entry ({"page", "confidence"}) for the page the hit's
 * snippet is on (page 1 for a document without pages), or NULL when that
 * text did not come from OCR.  Owned by h->rec. */
static const json_t *ocr_page(const tg_hit_t *h)
{
    json_t *pages = json_object_get(tg_record_ocr_json(h->rec), "pages"), *p;
    int64_t want = h->snippet.page ? h->snippet.page : 1;
    size_t i;
    json_array_foreach(pages, i, p)
    {
        if (tg_rec_int(p, "page", 0) == want && json_object_get(p, "confidence"))
            return p;
    }
    return NULL;
}

double tg_hit_ocr_confidence(const tg_hit_t *h)
{
    const json_t *p = ocr_page(h);
    json_t *c = json_object_get(p, "confidence");
    return json_is_number(c) ? json_number_value(c) : -1;
}

/* A list of the record as a JSON array of strings. */
static json_t *list_json(const tg_record_t *rec, tg_list_t list)
{
    json_t *out = json_array();
    for (size_t i = 0; i < tg_record_n(rec, list); i++) {
        const char *v = tg_record_nth(rec, list, i);
        if (v)
            json_array_append_new(out, json_string(v));
    }
    return out;
}

json_t *tg_hit_json(const tg_hit_t *h)
{
    const tg_record_t *rec = h->rec;
    json_t *o = json_object();
    const char *sha = tg_record_get_sha256(rec);
    json_object_set_new(o, "sha256", sha ? json_string(sha) : json_null());
    tg_rec_set_str(o, "title", h->title);
    json_t *locs = json_array();
    for (size_t i = 0; i < tg_record_n_locations(rec); i++) {
        const char *p = tg_location_get_path(tg_record_location(rec, i));
        if (p)
            json_array_append_new(locs, json_string(p));
    }
    json_object_set_new(o, "locations", locs);
    const char *mime = tg_record_get_mime(rec);
    json_object_set_new(o, "type", mime ? json_string(mime) : json_null());
    const char *kind = tg_record_get_kind(rec);
    json_object_set_new(o, "kind", kind ? json_string(kind) : json_null());
    const char *date = tg_record_get_date(rec);
    json_object_set_new(o, "date", date ? json_string(date) : json_null());
    const char *ds = tg_record_get_date_source(rec);
    json_object_set_new(o, "date_source", ds ? json_string(ds) : json_null());
    json_object_set_new(o, "page", h->snippet.page ? json_integer(h->snippet.page) : json_null());
    char *plain = tg_snippet_render(&h->snippet, "", "");
    char *html = tg_snippet_html(&h->snippet);
    json_object_set_new(o, "snippet", json_string(plain));
    json_object_set_new(o, "snippet_html", json_string(html));
    free(plain);
    free(html);
    json_object_set_new(o, "size", json_integer((json_int_t)tg_record_get_size(rec)));
    const char *lang = tg_record_get_lang(rec);
    json_object_set_new(o, "lang", lang ? json_string(lang) : json_null());
    json_object_set_new(o, "score", json_integer(h->percent));
    const char *ex = tg_record_get_extraction(rec);
    json_object_set_new(o, "extraction", ex ? json_string(ex) : json_null());
    json_object_set_new(o, "warnings", list_json(rec, TG_LIST_WARNINGS));
    json_object_set_new(o, "restricted", json_boolean(tg_record_get_restricted(rec)));
    const char *emb = tg_record_get_embargo(rec);
    json_object_set_new(o, "embargo", emb ? json_string(emb) : json_null());
    const json_t *sc = tg_record_sidecar_json(rec);
    json_t *md = sc ? json_deep_copy(sc) : json_object();
    json_object_del(md, "restricted");
    json_object_set_new(o, "metadata", md);
    json_t *persons = json_array();
    tg_person_t p;
    for (size_t i = 0; i < tg_record_n_persons(rec); i++)
        if (tg_record_person(rec, i, &p) && p.name)
            json_array_append_new(persons, json_string(p.name));
    json_object_set_new(o, "persons", persons);
    json_object_set_new(o, "ids", list_json(rec, TG_LIST_IDS));
    json_object_set_new(o, "mentions", list_json(rec, TG_LIST_MENTIONS));
    const json_t *ocr = ocr_page(h);
    json_object_set_new(o, "ocr", ocr ? json_deep_copy(ocr) : json_null());
    return o;
}

/* ==== Persons (people.c) ================================================== */

tg_status_t tg_search_persons(tg_archive_t *a, tg_qparser_t *qp, const char *query,
                              const tg_search_req_t *req, unsigned limit, json_t **out, char *err,
                              size_t errlen)
{
    tg_status_t st = tg_people_list(a, qp, query, req, limit, out, err, errlen);
    return st ? fail(a, st, "%s", err && errlen ? err : "cannot list the persons") : TG_OK;
}

tg_status_t tg_search_person_find(tg_archive_t *a, const char *name, const char *idnum,
                                  int hide_restricted, json_t **out, char *err, size_t errlen)
{
    tg_status_t st = tg_people_find(a, hide_restricted || a->pub, name, idnum, out, err, errlen);
    return st ? fail(a, st, "%s", err && errlen ? err : "cannot look the person up") : TG_OK;
}

/* ==== For the library's other files (archive_int.h) ========================= */

tg_db_t *tg_archive_db_(tg_archive_t *a)
{
    return a->db;
}

tg_query_t *tg_archive_hidden_query_(void)
{
    return hidden_query();
}

tg_query_t *tg_archive_without_hidden_(tg_query_t *q)
{
    return without_hidden(q);
}

tg_status_t tg_archive_record_(tg_archive_t *a, tg_doc_t *doc, tg_record_t **rec)
{
    return record_of(a, doc, rec);
}

tg_status_t tg_archive_db_failed_(tg_archive_t *a, tg_status_t st)
{
    return db_failed(a, st);
}

int tg_archive_again_(tg_archive_t *a, tg_status_t *st, int *tries)
{
    return again(a, st, tries);
}
