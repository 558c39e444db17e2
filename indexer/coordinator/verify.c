/* The fixity check (see verify.h).
 *
 * Relies on the store layout (store/ab/SHA), the index's Q terms (one
 * per document), and lib/index/ingestlog.c for the log.  Opens originals with
 * O_NOFOLLOW and never writes: a symbolic link in the store is reported, not
 * followed.  Memory does not grow with the size of the store: folders are
 * read one at a time. */
#define _GNU_SOURCE
#include "verify.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "ingestlog.h"
#include "schema.h"
#include "search.h"
#include "store.h"
#include "text.h"
#include "util.h"
#include "xap.h"

typedef struct {
    tg_store_t *store;
    tg_db_t *db;
    int verbose;
    unsigned long checked, altered, missing, strange, documents;
    unsigned long long bytes;
} verify_t;

static int is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return s[n] == '\0';
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of a folder, sorted (so reports come in a stable order). */
static char **list_dir(const char *path, size_t *n)
{
    *n = 0;
    DIR *d = opendir(path);
    if (!d)
        return NULL;
    char **v = NULL;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            v = tg_xrealloc(v, cap * sizeof *v);
        }
        v[(*n)++] = tg_xstrdup(e->d_name);
    }
    closedir(d);
    if (*n)
        qsort(v, *n, sizeof *v, cmp_names);
    return v;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Re-hashes one store file whose name should be its digest. */
static void check_file(verify_t *v, const char *path, const char *rel, const char *name)
{
    struct stat sb;
    if (lstat(path, &sb) || !S_ISREG(sb.st_mode)) {
        printf("STRANGE  %s: not a regular file%s\n", rel,
               S_ISLNK(sb.st_mode) ? " (a symbolic link, not followed)" : "");
        v->strange++;
        return;
    }
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        printf("ALTERED  %s: cannot be read: %s\n", rel, strerror(errno));
        v->altered++;
        return;
    }
    tg_sha256_t h;
    tg_sha256_init(&h);
    static char buf[1 << 17];
    int bad = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            bad = errno;
            break;
        }
        if (n == 0)
            break;
        tg_sha256_update(&h, buf, (size_t)n);
        v->bytes += (unsigned long long)n;
    }
    close(fd);
    v->checked++;
    char hex[TG_SHA256_HEX_LEN + 1];
    tg_sha256_final_hex(&h, hex);
    if (bad) {
        printf("ALTERED  %s: read error: %s\n", rel, strerror(bad));
        v->altered++;
    } else if (strcmp(hex, name) != 0) {
        printf("ALTERED  %s: its bytes now hash to %s\n", rel, hex);
        v->altered++;
    } else if (v->verbose) {
        printf("ok       %s\n", rel);
    }
}

static void check_store(verify_t *v)
{
    char *top = tg_xasprintf("%s/store", tg_store_dir(v->store));
    size_t n1;
    char **l1 = list_dir(top, &n1);
    for (size_t i = 0; i < n1; i++) {
        char *p1 = tg_xasprintf("%s/%s", top, l1[i]);
        size_t n2;
        char **l2 = strlen(l1[i]) == 2 && is_hex(l1[i], 2) ? list_dir(p1, &n2) : NULL;
        if (!l2) {
            char *shown = tg_utf8_terminal(l1[i]); /* whatever was put there */
            printf("STRANGE  store/%s: not part of the store's layout\n", shown);
            free(shown);
            v->strange++;
        }
        for (size_t k = 0; l2 && k < n2; k++) {
            const char *name = l2[k];
            char *path = tg_xasprintf("%s/%s", p1, name);
            char *raw = tg_xasprintf("store/%s/%s", l1[i], name);
            char *rel = tg_utf8_terminal(raw); /* as printed */
            free(raw);
            if (!tg_sha256_valid(name) || strncmp(name, l1[i], 2)) {
                printf("STRANGE  %s: not named by a SHA-256 where it lies\n", rel);
                v->strange++;
            } else {
                check_file(v, path, rel, name);
            }
            free(rel);
            free(path);
        }
        free_list(l2, l2 ? n2 : 0);
        free(p1);
    }
    free_list(l1, n1);
    free(top);
}

/* The record of doc; an empty one when it is damaged (the caller frees). */
static tg_record_t *record_of(tg_doc_t *doc)
{
    size_t len;
    char *data;
    tg_record_t *rec = NULL;
    tg_doc_get_data(doc, &data, &len);
    if (!data || tg_record_parse(data, len, &rec))
        rec = tg_record_new();
    free(data);
    return rec;
}

static int each_document(void *ctx, const char *term, size_t len, unsigned freq)
{
    (void)freq;
    verify_t *v = ctx;
    if (len != 1 + TG_SHA256_HEX_LEN)
        return 0;
    char sha[TG_SHA256_HEX_LEN + 1];
    memcpy(sha, term + 1, TG_SHA256_HEX_LEN);
    sha[TG_SHA256_HEX_LEN] = '\0';
    if (!tg_sha256_valid(sha))
        return 0;
    v->documents++;
    char *p = tg_store_path(v->store, sha);
    struct stat sb;
    if (lstat(p, &sb) != 0) {
        /* name the document by where it was found */
        const char *where = NULL;
        tg_docid_t id;
        tg_doc_t *doc = NULL;
        tg_record_t *rec = NULL;
        if (tg_db_find(v->db, term, &id) == TG_OK && tg_db_get(v->db, id, &doc) == TG_OK) {
            rec = record_of(doc);
            const tg_location_t *l0 = tg_record_location(rec, 0);
            where = l0 ? tg_location_get_path(l0) : NULL;
        }
        char *shown = where ? tg_utf8_terminal(where) : NULL;
        printf("MISSING  %s: the original is gone from the store%s%s%s\n", sha,
               where ? " (found at " : "", where ? shown : "", where ? ")" : "");
        free(shown);
        v->missing++;
        tg_record_free(rec);
        tg_doc_free(doc);
    }
    free(p);
    return 0;
}

/* Restricted documents and embargoes: not problems, but what the archive
 * withholds from the web and until when, for the operator to see.  One line
 * per embargo (soonest end first), then a count.  Returns 0, or -1 on an
 * index error. */
static int report_restrictions(verify_t *v)
{
    unsigned restricted = 0, all = 0;
    if (tg_db_termfreq(v->db, TG_TERM_RESTRICTED, &restricted) || tg_db_doccount(v->db, &all))
        return -1;
    tg_query_t *q = tg_query_term(TG_TERM_EMBARGO, strlen(TG_TERM_EMBARGO), 0);
    tg_search_opts_t so = {
        .limit = all ? all : 1, .sort_slot = TG_SLOT_EMBARGO, .check_at_least = all};
    tg_mset_t *ms = NULL;
    tg_status_t st = tg_db_search(v->db, q, &so, &ms);
    tg_query_free(q);
    if (st)
        return -1;
    unsigned n = tg_mset_size(ms), in_force = 0;
    char today[11], last[11] = "";
    tg_today(today);
    for (unsigned i = 0; i < n; i++) {
        tg_doc_t *doc;
        if (tg_mset_doc(ms, i, &doc))
            continue;
        tg_record_t *rec = record_of(doc);
        tg_doc_free(doc);
        const char *end = tg_record_get_embargo(rec);
        const char *sha = tg_record_get_sha256(rec);
        const tg_location_t *l0 = tg_record_location(rec, 0);
        const char *where = l0 ? tg_location_get_path(l0) : NULL;
        int restricted_too = tg_record_get_restricted(rec);
        int hidden = tg_record_hidden(rec);
        in_force += hidden && !restricted_too;
        if (end && strcmp(end, last) > 0)
            snprintf(last, sizeof last, "%s", end);
        printf("EMBARGO  %s  %s: %s%s%s%s\n", end ? end : "(unreadable)",
               restricted_too ? "restricted besides"
               : hidden       ? "in force, hidden from the web through that day"
                              : "ended, shown on the web",
               sha ? sha : "?", where ? " (" : "", where ? where : "", where ? ")" : "");
        tg_record_free(rec);
    }
    tg_mset_free(ms);
    if (restricted || n)
        printf("testigo-index: %u document%s restricted, %u under embargo (%u in force today, "
               "%s%s)\n",
               restricted, restricted == 1 ? "" : "s", n, in_force,
               last[0] ? "the last ending " : "none", last);
    return 0;
}

int tg_verify_run(const char *archive, int verbose)
{
    char err[1024];
    verify_t v = {.verbose = verbose};
    if (tg_store_open(archive, 0, &v.store, err, sizeof err)) {
        fprintf(stderr, "testigo-index: %s\n", err);
        return 2;
    }
    char xerr[512];
    tg_status_t st = tg_db_open(tg_store_index_dir(v.store), TG_DB_READ, &v.db, xerr, sizeof xerr);
    if (st) {
        fprintf(stderr, "testigo-index: cannot open the index of %s: %s\n", archive,
                st == TG_ERR_NOTFOUND ? "nothing has been indexed yet" : xerr);
        tg_store_close(v.store);
        return 2;
    }
    int rc = 0;
    check_store(&v);
    if (tg_db_each_term(v.db, TG_PREFIX_ID, each_document, &v)) {
        fprintf(stderr, "testigo-index: cannot read the index: %s\n", tg_db_error(v.db));
        rc = 2;
    }

    if (report_restrictions(&v)) {
        fprintf(stderr, "testigo-index: cannot read the index: %s\n", tg_db_error(v.db));
        rc = 2;
    }

    /* the ingest log, against the head the index recorded */
    char *lh = NULL;
    size_t lhlen = 0;
    json_t *hj = NULL;
    if (tg_db_get_meta(v.db, TG_META_LOG_HEAD, &lh, &lhlen) == TG_OK && lh)
        hj = tg_json_parse_object(lh, lhlen);
    free(lh);
    const char *head = hj ? tg_rec_str(hj, "head") : NULL;
    tg_logcheck_t lc;
    st = tg_ingestlog_verify(tg_store_log_path(v.store), head,
                             head ? (uint64_t)tg_rec_int(hj, "bytes", 0) : 0, &lc, err, sizeof err);
    if (st) {
        fprintf(stderr, "testigo-index: %s\n", err);
        rc = 2;
    } else if (lc.broken_line) {
        printf("LOG      log/ingest.jsonl: %s\n", lc.reason);
    }
    json_decref(hj);

    unsigned long problems = v.altered + v.missing + v.strange + (lc.broken_line ? 1 : 0);
    printf("testigo-index: verify %s: %lu original%s re-hashed (%.1f MB), %lu document%s: "
           "%lu altered, %lu missing, %lu strange; ingest log: %llu line%s, %s",
           archive, v.checked, v.checked == 1 ? "" : "s", (double)v.bytes / (1 << 20), v.documents,
           v.documents == 1 ? "" : "s", v.altered, v.missing, v.strange,
           (unsigned long long)lc.lines, lc.lines == 1 ? "" : "s",
           st               ? "not checked"
           : lc.broken_line ? "chain BROKEN"
           : head           ? "chain intact"
                            : "chain intact (no head recorded yet)");
    if (!st && lc.unchained)
        printf(" (%llu older line%s before the chain began)", (unsigned long long)lc.unchained,
               lc.unchained == 1 ? "" : "s");
    printf("\n");
    printf("testigo-index: %s\n", rc         ? "the check could not be completed"
                                  : problems ? "PROBLEMS FOUND: the archive is not intact"
                                             : "all intact");
    tg_db_close(v.db);
    tg_store_close(v.store);
    if (rc)
        return rc;
    return problems ? 1 : 0;
}
