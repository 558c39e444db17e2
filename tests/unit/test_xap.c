/* Unit tests: the Xapian wrapper (lib/index/xap.cc). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <poll.h>

#include "xap.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/tg-xap-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static tg_doc_t *make_doc(const char *id, const char *word)
{
    tg_doc_t *d = tg_doc_new();
    tg_doc_add_term(d, id, strlen(id), 0);
    tg_doc_add_posting(d, word, strlen(word), 1);
    tg_doc_add_posting(d, "comun", 5, 2);
    tg_doc_set_value(d, 0, "20240730", 8);
    tg_doc_set_data(d, "{\"x\":1}", 7);
    return d;
}

static void write_commit_read(void **state)
{
    (void)state;
    char err[256];
    tg_db_t *w;
    assert_int_equal(tg_db_open(dir, TG_DB_WRITE, &w, err, sizeof err), TG_OK);
    tg_doc_t *d = make_doc("Qa", "alfa");
    tg_docid_t id;
    assert_int_equal(tg_db_replace(w, "Qa", d, &id), TG_OK);
    tg_doc_free(d);
    assert_int_equal(tg_db_set_meta(w, "Lx", "v", 1), TG_OK);
    assert_int_equal(tg_db_commit(w), TG_OK);

    /* a second writer is refused while the first holds the lock */
    tg_db_t *w2;
    assert_int_equal(tg_db_open(dir, TG_DB_WRITE, &w2, err, sizeof err), TG_ERR_LOCKED);
    assert_null(w2);
    assert_true(strlen(err) > 0);

    tg_db_t *r;
    assert_int_equal(tg_db_open(dir, TG_DB_READ, &r, err, sizeof err), TG_OK);
    unsigned n;
    assert_int_equal(tg_db_doccount(r, &n), TG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(tg_db_find(r, "Qa", &id), TG_OK);
    tg_doc_t *got;
    assert_int_equal(tg_db_get(r, id, &got), TG_OK);
    size_t len;
    char *data;
    assert_int_equal(tg_doc_get_data(got, &data, &len), TG_OK);
    assert_string_equal(data, "{\"x\":1}");
    free(data);
    char *v;
    assert_int_equal(tg_doc_get_value(got, 0, &v), TG_OK);
    assert_string_equal(v, "20240730");
    free(v);
    assert_true(tg_doc_has_term(got, "alfa"));
    assert_false(tg_doc_has_term(got, "beta"));
    tg_doc_free(got);
    char *m;
    assert_int_equal(tg_db_get_meta(r, "Lx", &m, &len), TG_OK);
    assert_string_equal(m, "v");
    free(m);
    assert_int_equal(tg_db_get_meta(r, "Lnone", &m, &len), TG_OK);
    assert_null(m);
    assert_int_equal(tg_db_find(r, "Qzzz", &id), TG_ERR_NOTFOUND);
    assert_int_equal(tg_db_get(r, 999, &got), TG_ERR_NOTFOUND);

    /* a reader catches up with a later commit */
    d = make_doc("Qb", "beta");
    assert_int_equal(tg_db_replace(w, "Qb", d, NULL), TG_OK);
    tg_doc_free(d);
    assert_int_equal(tg_db_commit(w), TG_OK);
    int changed = 0;
    assert_int_equal(tg_db_reopen(r, &changed), TG_OK);
    assert_true(changed);
    assert_int_equal(tg_db_doccount(r, &n), TG_OK);
    assert_int_equal(n, 2);
    tg_db_close(r);

    /* what is not committed is discarded when the writer closes */
    d = make_doc("Qc", "gamma");
    assert_int_equal(tg_db_replace(w, "Qc", d, NULL), TG_OK);
    tg_doc_free(d);
    tg_db_close(w);
    assert_int_equal(tg_db_open(dir, TG_DB_READ, &r, err, sizeof err), TG_OK);
    assert_int_equal(tg_db_doccount(r, &n), TG_OK);
    assert_int_equal(n, 2);
    tg_db_close(r);
}

static void open_missing_is_notfound(void **state)
{
    (void)state;
    char err[256] = "";
    tg_db_t *r;
    assert_int_equal(tg_db_open("/nonexistent/tg", TG_DB_READ, &r, err, sizeof err),
                     TG_ERR_NOTFOUND);
    assert_null(r);
    assert_true(strlen(err) > 0);
}

static void serialise_roundtrip(void **state)
{
    (void)state;
    tg_doc_t *d = make_doc("Qs", "sigma");
    char *buf;
    size_t len;
    assert_int_equal(tg_doc_serialise(d, &buf, &len), TG_OK);
    tg_doc_t *back;
    char err[128];
    assert_int_equal(tg_doc_unserialise(buf, len, &back, err, sizeof err), TG_OK);
    assert_true(tg_doc_has_term(back, "sigma"));
    tg_doc_free(back);
    /* damaged bytes are reported, never trusted */
    assert_int_equal(tg_doc_unserialise(buf, len / 2, &back, err, sizeof err), TG_ERR_CORRUPT);
    assert_null(back);
    err[0] = '\0';
    assert_int_equal(tg_doc_unserialise("garbage", 7, &back, err, sizeof err), TG_ERR_CORRUPT);
    assert_non_null(strstr(err, "Error")); /* Xapian's words, kept */
    free(buf);
    tg_doc_free(d);
}

/* The worker's document as the writer rebuilds it: values, terms with
 * their wdf (more than their positions, or none), positions (0 included)
 * and data with a NUL in it come back as they were: serialised again,
 * the bytes are the same. */
static int wdf_cb(void *ctx, const char *t, size_t len, unsigned freq)
{
    char *out = ctx;
    size_t n = strlen(out);
    snprintf(out + n, 256 - n, "%.*s=%u ", (int)len, t, freq);
    return 0;
}

static tg_doc_t *mixed_doc(void)
{
    tg_doc_t *d = tg_doc_new();
    tg_doc_add_posting(d, "alfa", 4, 1);
    tg_doc_add_posting(d, "alfa", 4, 900000);
    tg_doc_add_term(d, "alfa", 4, 3);    /* wdf 5, positions 1 and 900000 */
    tg_doc_add_posting(d, "beta", 4, 0); /* position 0 */
    tg_doc_add_term(d, "Zalf", 4, 2);    /* no positions */
    tg_doc_add_term(d, "Qx", 2, 0);      /* wdf 0 */
    tg_doc_set_value(d, 7, "v7", 2);
    tg_doc_set_value(d, 0, "20240730", 8);
    tg_doc_set_data(d, "{\"a\":1}\0tail", 12);
    return d;
}

static void serialise_keeps_everything(void **state)
{
    (void)state;
    tg_doc_t *d = mixed_doc();
    char *buf, *again;
    size_t len, len2;
    assert_int_equal(tg_doc_serialise(d, &buf, &len), TG_OK);
    tg_doc_t *back;
    char err[128];
    assert_int_equal(tg_doc_unserialise(buf, len, &back, err, sizeof err), TG_OK);
    assert_int_equal(tg_doc_serialise(back, &again, &len2), TG_OK);
    assert_int_equal(len2, len);
    assert_memory_equal(again, buf, len);
    char wdfs[256] = "";
    assert_int_equal(tg_doc_each_term(back, "", wdf_cb, wdfs), TG_OK);
    assert_string_equal(wdfs, "Qx=0 Zalf=2 alfa=5 beta=1 ");
    char *v;
    assert_int_equal(tg_doc_get_value(back, 7, &v), TG_OK);
    assert_string_equal(v, "v7");
    free(v);
    char *data;
    size_t dlen;
    assert_int_equal(tg_doc_get_data(back, &data, &dlen), TG_OK);
    assert_int_equal(dlen, 12);
    assert_memory_equal(data, "{\"a\":1}\0tail", 12);
    free(data);
    free(again);
    tg_doc_free(back);
    free(buf);
    tg_doc_free(d);
}

/* Damaged bytes from a worker: every truncation is refused, and no change
 * of a byte reads past the end (AddressSanitizer would say) or is taken
 * for more than the bytes can hold. */
static void unserialise_damaged(void **state)
{
    (void)state;
    tg_doc_t *d = mixed_doc();
    char *buf;
    size_t len;
    assert_int_equal(tg_doc_serialise(d, &buf, &len), TG_OK);
    char err[128];
    tg_doc_t *back;
    for (size_t n = 0; n < len; n++) {
        char *cut = malloc(n ? n : 1); /* exactly n bytes: ASan sees past them */
        memcpy(cut, buf, n);
        assert_int_equal(tg_doc_unserialise(cut, n, &back, err, sizeof err), TG_ERR_CORRUPT);
        assert_null(back);
        free(cut);
    }
    static const unsigned char flips[] = {0x00, 0x01, 0x7f, 0x80, 0xff};
    char *b = malloc(len);
    for (size_t i = 0; i < len; i++)
        for (size_t k = 0; k < sizeof flips; k++) {
            memcpy(b, buf, len);
            b[i] = (char)flips[k];
            tg_status_t st = tg_doc_unserialise(b, len, &back, err, sizeof err);
            assert_true(st == TG_OK || st == TG_ERR_CORRUPT);
            tg_doc_free(back);
        }
    free(b);
    /* a count of terms no bytes could hold */
    static const char huge[] = "TGD1\x00\xff\xff\xff\xff\xff\xff\xff\x7f";
    assert_int_equal(tg_doc_unserialise(huge, sizeof huge - 1, &back, err, sizeof err),
                     TG_ERR_CORRUPT);
    assert_non_null(strstr(err, "SerialisationError"));
    free(buf);
    tg_doc_free(d);
}

static int count_cb(void *ctx, const char *t, size_t len, unsigned freq)
{
    (void)t;
    (void)len;
    (void)freq;
    ++*(int *)ctx;
    return 0;
}

static void queries_and_search(void **state)
{
    (void)state;
    char err[256];
    tg_db_t *w;
    assert_int_equal(tg_db_open(dir, TG_DB_WRITE, &w, err, sizeof err), TG_OK);
    const char *words[] = {"rodriguez", "rodrigo", "rodeo", "perez"};
    for (int i = 0; i < 4; i++) {
        char id[8];
        snprintf(id, sizeof id, "Q%d", i);
        tg_doc_t *d = make_doc(id, words[i]);
        assert_int_equal(tg_db_replace(w, id, d, NULL), TG_OK);
        tg_doc_free(d);
    }
    assert_int_equal(tg_db_commit(w), TG_OK);

    tg_search_opts_t o = {.limit = 10, .sort_slot = -1, .check_at_least = 100};
    tg_mset_t *ms;
    /* phrase: adjacent in order */
    tg_query_t *pv[2] = {tg_query_term("rodriguez", 9, 1), tg_query_term("comun", 5, 2)};
    tg_query_t *q = tg_query_combine(TG_Q_PHRASE, pv, 2, 2);
    assert_int_equal(tg_db_search(w, q, &o, &ms), TG_OK);
    assert_int_equal(tg_mset_size(ms), 1);
    tg_mset_free(ms);
    tg_query_free(q);

    /* wildcard, bounded: "rod*" has three expansions, limit 2 keeps 2 terms */
    q = tg_query_wildcard("rod", 2);
    assert_int_equal(tg_db_search(w, q, &o, &ms), TG_OK);
    assert_int_equal(tg_mset_size(ms), 2);
    tg_mset_free(ms);
    tg_query_free(q);

    /* AND_NOT */
    tg_query_t *nv[2] = {tg_query_term("comun", 5, 0), tg_query_term("perez", 5, 0)};
    q = tg_query_combine(TG_Q_AND_NOT, nv, 2, 0);
    assert_int_equal(tg_db_search(w, q, &o, &ms), TG_OK);
    assert_int_equal(tg_mset_size(ms), 3);
    tg_mset_free(ms);
    tg_query_free(q);

    /* facets over a value slot */
    unsigned slots[] = {0};
    o.facet_slots = slots;
    o.n_facet_slots = 1;
    q = tg_query_all();
    assert_int_equal(tg_db_search(w, q, &o, &ms), TG_OK);
    int nvalues = 0;
    assert_int_equal(tg_mset_each_facet(ms, 0, count_cb, &nvalues), TG_OK);
    assert_int_equal(nvalues, 1);
    tg_mset_free(ms);
    tg_query_free(q);
    tg_db_close(w);
}

static void stemmer(void **state)
{
    (void)state;
    tg_stemmer_t *st;
    assert_int_equal(tg_stemmer_new("spanish", &st), TG_OK);
    char *s = tg_stem(st, "detenidos", 9);
    assert_string_equal(s, "deten");
    free(s);
    tg_stemmer_free(st);
    assert_int_equal(tg_stemmer_new("klingon", &st), TG_ERR_UNSUPPORTED);
}

/* ==== A reader whose revision the writer discards ========================== */

#define CHURN_DOCS 1000

/* Rewrites CHURN_DOCS documents with records of a few hundred bytes and
 * commits, rounds times: three rounds reuse the blocks of the revision a
 * reader opened before them (glass keeps the last two revisions). */
static void churn(tg_db_t *w, unsigned rounds)
{
    static unsigned round;
    for (unsigned r = 0; r < rounds; r++, round++) {
        for (unsigned i = 0; i < CHURN_DOCS; i++) {
            char id[32], data[400];
            snprintf(id, sizeof id, "Q%u", i);
            memset(data, 'a' + (char)((i + round) % 26), sizeof data);
            tg_doc_t *d = tg_doc_new();
            assert_int_equal(tg_doc_add_term(d, id, strlen(id), 0), TG_OK);
            assert_int_equal(tg_doc_add_posting(d, "comun", 5, 1 + round % 7), TG_OK);
            assert_int_equal(tg_doc_set_data(d, data, sizeof data), TG_OK);
            assert_int_equal(tg_db_replace(w, id, d, NULL), TG_OK);
            tg_doc_free(d);
        }
        assert_int_equal(tg_db_commit(w), TG_OK);
    }
}

/* Reads every match of "comun" and its data: the first failure's status,
 * with its message in msg. */
static tg_status_t read_all(tg_db_t *r, const char **msg)
{
    *msg = "";
    tg_query_t *q = tg_query_term("comun", 5, 0);
    tg_search_opts_t o = {.limit = CHURN_DOCS, .sort_slot = -1};
    tg_mset_t *ms;
    tg_status_t st = tg_db_search(r, q, &o, &ms);
    tg_query_free(q);
    if (st) {
        *msg = tg_db_error(r);
        return st;
    }
    static char kept[512];
    for (unsigned i = 0; i < tg_mset_size(ms) && !st; i++) {
        tg_doc_t *d;
        st = tg_mset_doc(ms, i, &d);
        if (st) {
            snprintf(kept, sizeof kept, "%s", tg_mset_error(ms));
            break;
        }
        char *data;
        size_t len;
        st = tg_doc_get_data(d, &data, &len);
        if (st)
            snprintf(kept, sizeof kept, "%s", tg_doc_error(d));
        else
            assert_int_equal(len, 400);
        free(data);
        tg_doc_free(d);
    }
    tg_mset_free(ms);
    *msg = kept;
    return st;
}

static void discarded_revision_has_its_own_status(void **state)
{
    (void)state;
    char err[256];
    tg_db_t *w, *r;
    assert_int_equal(tg_db_open(dir, TG_DB_WRITE, &w, err, sizeof err), TG_OK);
    churn(w, 1);
    assert_int_equal(tg_db_open(dir, TG_DB_READ, &r, err, sizeof err), TG_OK);
    const char *msg;
    assert_int_equal(read_all(r, &msg), TG_OK);
    /* a document fetched before the commits, read after them */
    tg_doc_t *early;
    assert_int_equal(tg_db_get(r, CHURN_DOCS / 2, &early), TG_OK);
    churn(w, 3);
    char *data;
    size_t len;
    assert_int_equal(tg_doc_get_data(early, &data, &len), TG_ERR_MODIFIED);
    assert_null(data);
    assert_non_null(strstr(tg_doc_error(early), "DatabaseModifiedError"));
    tg_doc_free(early);
    /* a search: the message is on whichever handle met it */
    assert_int_equal(read_all(r, &msg), TG_ERR_MODIFIED);
    assert_non_null(strstr(msg, "DatabaseModifiedError: "));
    /* catching up mends it */
    int changed = 0;
    assert_int_equal(tg_db_reopen(r, &changed), TG_OK);
    assert_int_equal(changed, 1);
    assert_int_equal(read_all(r, &msg), TG_OK);
    tg_db_close(r);
    tg_db_close(w);
}

/* ==== Writing behind ====================================================== */

typedef struct {
    char got[512];
} meta_seen_t;

static int meta_cb(void *ctx, const char *key, const char *value, size_t len)
{
    meta_seen_t *m = ctx;
    size_t n = strlen(m->got);
    snprintf(m->got + n, sizeof m->got - n, "%s=%.*s;", key, (int)len, value);
    return 0;
}

static char *meta_of(tg_db_t *db, const char *key)
{
    char *v;
    size_t len;
    assert_int_equal(tg_db_get_meta(db, key, &v, &len), TG_OK);
    return v;
}

static void data_is(tg_doc_t *d, const char *want)
{
    char *data;
    size_t len;
    assert_int_equal(tg_doc_get_data(d, &data, &len), TG_OK);
    assert_string_equal(data, want);
    free(data);
}

/* Every read sees every write made before it, whether the thread has made
 * it yet or not, and whether it is committed or not. */
static void behind_reads_see_writes(void **state)
{
    (void)state;
    char err[256];
    tg_db_t *w;
    assert_int_equal(tg_db_open(dir, TG_DB_WRITE_BEHIND, &w, err, sizeof err), TG_OK);
    assert_int_equal(tg_db_set_meta(w, "La", "x", 1), TG_OK);
    assert_int_equal(tg_db_set_meta(w, "Lb", "1", 1), TG_OK);
    assert_int_equal(tg_db_set_meta(w, "Ld", "4", 1), TG_OK);
    assert_int_equal(tg_db_set_meta(w, "M", "m", 1), TG_OK);
    tg_doc_t *d = make_doc("Qa", "alfa");
    assert_int_equal(tg_db_replace(w, "Qa", d, NULL), TG_OK);
    /* its contents went to the thread */
    assert_int_equal(tg_doc_has_term(d, "Qa"), 0);
    tg_doc_free(d);
    /* not committed yet: read through what was written */
    char *v = meta_of(w, "Lb");
    assert_string_equal(v, "1");
    free(v);
    tg_doc_t *got;
    assert_int_equal(tg_db_fetch(w, "Qa", &got), TG_OK);
    data_is(got, "{\"x\":1}");
    tg_doc_free(got);
    assert_int_equal(tg_db_commit(w), TG_OK);

    /* after the commit: from the reader, then changed again */
    assert_int_equal(tg_db_fetch(w, "Qa", &got), TG_OK);
    assert_true(tg_doc_has_term(got, "alfa"));
    assert_int_equal(tg_doc_set_data(got, "{\"x\":2}", 7), TG_OK);
    assert_int_equal(tg_db_set_meta(w, "La", "", 0), TG_OK); /* deleted */
    assert_int_equal(tg_db_set_meta(w, "Lb", "2", 1), TG_OK);
    assert_int_equal(tg_db_set_meta(w, "Lc", "3", 1), TG_OK);
    assert_int_equal(tg_db_set_meta(w, "Le", "5", 1), TG_OK);
    assert_int_equal(tg_db_replace(w, "Qa", got, NULL), TG_OK);
    tg_doc_free(got);
    meta_seen_t m = {""};
    assert_int_equal(tg_db_each_meta(w, "L", 1, meta_cb, &m), TG_OK);
    assert_string_equal(m.got, "Lb=2;Lc=3;Ld=4;Le=5;");
    m.got[0] = '\0';
    assert_int_equal(tg_db_each_meta(w, "L", 0, meta_cb, &m), TG_OK);
    assert_string_equal(m.got, "Lb=;Lc=;Ld=;Le=;");
    assert_null(meta_of(w, "La"));
    assert_int_equal(tg_db_fetch(w, "Qa", &got), TG_OK);
    data_is(got, "{\"x\":2}");
    tg_doc_free(got);

    /* a commit in flight: reads and writes go on meanwhile */
    assert_int_equal(tg_db_commit_start(w), TG_OK);
    d = make_doc("Qb", "beta");
    assert_int_equal(tg_db_replace(w, "Qb", d, NULL), TG_OK);
    tg_doc_free(d);
    assert_int_equal(tg_db_delete(w, "Qa"), TG_OK);
    assert_int_equal(tg_db_set_meta(w, "Lf", "6", 1), TG_OK);
    v = meta_of(w, "Lc");
    assert_string_equal(v, "3");
    free(v);
    assert_null(meta_of(w, "La"));
    assert_int_equal(tg_db_fetch(w, "Qa", &got), TG_ERR_NOTFOUND);
    assert_int_equal(tg_db_fetch(w, "Qb", &got), TG_OK);
    tg_doc_free(got);
    int done = 0;
    assert_int_equal(tg_db_commit_finish(w, 1, &done), TG_OK);
    assert_int_equal(done, 1);
    unsigned n;
    assert_int_equal(tg_db_doccount(w, &n), TG_OK);
    assert_int_equal(n, 1);
    /* the last batch is not committed: closing discards it */
    tg_db_close(w);

    tg_db_t *r;
    assert_int_equal(tg_db_open(dir, TG_DB_READ, &r, err, sizeof err), TG_OK);
    m.got[0] = '\0';
    assert_int_equal(tg_db_each_meta(r, "L", 1, meta_cb, &m), TG_OK);
    assert_string_equal(m.got, "Lb=2;Lc=3;Ld=4;Le=5;");
    assert_int_equal(tg_db_doccount(r, &n), TG_OK);
    assert_int_equal(n, 1);
    tg_docid_t id;
    assert_int_equal(tg_db_find(r, "Qb", &id), TG_ERR_NOTFOUND);
    assert_int_equal(tg_db_fetch(r, "Qa", &got), TG_OK);
    data_is(got, "{\"x\":2}");
    tg_doc_free(got);
    tg_db_close(r);
}

/* Commits one after the other, each read around while in flight: the
 * reader a commit behind reads what it should, never a discarded revision. */
static void behind_reads_during_commits(void **state)
{
    (void)state;
    char err[256];
    tg_db_t *w;
    assert_int_equal(tg_db_open(dir, TG_DB_WRITE_BEHIND, &w, err, sizeof err), TG_OK);
    for (unsigned round = 0; round < 6; round++) {
        for (unsigned i = 0; i < CHURN_DOCS; i++) {
            char id[32], data[400];
            snprintf(id, sizeof id, "Q%u", i);
            memset(data, 'a' + (char)((i + round) % 26), sizeof data - 1);
            data[sizeof data - 1] = '\0';
            tg_doc_t *d = tg_doc_new();
            assert_int_equal(tg_doc_add_term(d, id, strlen(id), 0), TG_OK);
            assert_int_equal(tg_doc_set_data(d, data, strlen(data)), TG_OK);
            assert_int_equal(tg_db_replace(w, id, d, NULL), TG_OK);
            tg_doc_free(d);
            char key[32], val[32];
            snprintf(key, sizeof key, "K%u-%u", round, i % 50);
            snprintf(val, sizeof val, "%u", i);
            assert_int_equal(tg_db_set_meta(w, key, val, strlen(val)), TG_OK);
            if (round > 0 && i % 100 == 0) {
                /* the batch before, in flight or just committed */
                snprintf(key, sizeof key, "K%u-%u", round - 1, i % 50);
                char *v = meta_of(w, key);
                assert_non_null(v);
                assert_int_equal(strtoul(v, NULL, 10) % 50, i % 50);
                free(v);
                meta_seen_t m = {""};
                snprintf(key, sizeof key, "K%u-1", round - 1);
                assert_int_equal(tg_db_each_meta(w, key, 1, meta_cb, &m), TG_OK);
                char want[512] = "";
                for (unsigned k = 0; k <= 10; k++) { /* K-1, K-10 to K-19 */
                    size_t at = strlen(want);
                    unsigned j = k ? 9 + k : 1;
                    snprintf(want + at, sizeof want - at, "K%u-%u=%u;", round - 1, j, 950 + j);
                }
                assert_string_equal(m.got, want);
            }
        }
        assert_int_equal(tg_db_commit_start(w), TG_OK);
    }
    int done;
    assert_int_equal(tg_db_commit_finish(w, 1, &done), TG_OK);
    tg_doc_t *got;
    assert_int_equal(tg_db_fetch(w, "Q7", &got), TG_OK);
    char want[400];
    memset(want, 'a' + (7 + 5) % 26, sizeof want - 1);
    want[sizeof want - 1] = '\0';
    data_is(got, want);
    tg_doc_free(got);
    tg_db_close(w);
}

/* A write the thread cannot make: every later call says so, naming it, and
 * nothing after the last commit becomes durable. */
static void behind_failure_is_sticky(void **state)
{
    (void)state;
    char err[256];
    tg_db_t *w;
    assert_int_equal(tg_db_open(dir, TG_DB_WRITE_BEHIND, &w, err, sizeof err), TG_OK);
    assert_int_equal(tg_db_set_meta(w, "La", "1", 1), TG_OK);
    assert_int_equal(tg_db_commit(w), TG_OK);
    assert_int_equal(tg_db_set_meta(w, "Lb", "2", 1), TG_OK);
    /* a term longer than glass takes fails in the thread */
    char big[TG_XAP_MAX_TERM + 20];
    memset(big, 'Q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    tg_doc_t *d = tg_doc_new();
    assert_int_equal(tg_doc_add_term(d, big, strlen(big), 0), TG_OK);
    assert_int_equal(tg_db_replace(w, big, d, NULL), TG_OK); /* handed over */
    tg_doc_free(d);
    unsigned n;
    assert_int_not_equal(tg_db_doccount(w, &n), TG_OK); /* waits: the failure */
    assert_non_null(strstr(tg_db_error(w), "writing a document: "));
    assert_int_not_equal(tg_db_set_meta(w, "Lc", "3", 1), TG_OK);
    assert_int_not_equal(tg_db_commit(w), TG_OK);
    assert_non_null(strstr(tg_db_error(w), "writing a document: "));
    tg_db_close(w);
    tg_db_t *r;
    assert_int_equal(tg_db_open(dir, TG_DB_READ, &r, err, sizeof err), TG_OK);
    char *v = meta_of(r, "La");
    assert_string_equal(v, "1");
    free(v);
    assert_null(meta_of(r, "Lb"));
    tg_db_close(r);
}

/* A commit done wakes a caller asleep in poll, and stops waking it once
 * seen. */
static void behind_commit_wakes_poll(void **state)
{
    (void)state;
    char err[256];
    tg_db_t *w;
    assert_int_equal(tg_db_open(dir, TG_DB_WRITE_BEHIND, &w, err, sizeof err), TG_OK);
    int fd = tg_db_commit_fd(w);
    assert_true(fd >= 0);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    assert_int_equal(poll(&p, 1, 0), 0); /* nothing in flight */
    tg_doc_t *d = make_doc("Qa", "alfa");
    assert_int_equal(tg_db_replace(w, "Qa", d, NULL), TG_OK);
    tg_doc_free(d);
    assert_int_equal(tg_db_commit_start(w), TG_OK);
    assert_int_equal(poll(&p, 1, 10000), 1); /* woken when it is done */
    int done = 0;
    assert_int_equal(tg_db_commit_finish(w, 0, &done), TG_OK);
    assert_int_equal(done, 1);
    assert_int_equal(poll(&p, 1, 0), 0); /* seen: quiet again */
    tg_db_close(w);
    /* a database not writing behind has none */
    tg_db_t *r;
    assert_int_equal(tg_db_open(dir, TG_DB_READ, &r, err, sizeof err), TG_OK);
    assert_int_equal(tg_db_commit_fd(r), -1);
    tg_db_close(r);
}

/* ==== Terms added, kept aside ============================================= */

/* Random adds into two documents: one serialised from the adds as
 * recorded, the other made to hold them in Xapian after every add (a
 * has_term does it); the bytes must be the same.  Terms share prefixes and
 * bytes past ASCII, positions repeat and come out of order, add_term comes
 * with wdf 0 to 3, and now and then the first document settles midway. */
static void kept_adds_serialise_as_xapian(void **state)
{
    (void)state;
    static const char *const names[] = {"a",  "ab",        "abc",  "b",        "Zab",
                                        "Z",  "\xc3\xb1o", "\xc3", "XDnombre", "XD",
                                        "zz", "a\x7f",     "a\x80"};
    unsigned seed = 12345;
    for (int round = 0; round < 300; round++) {
        tg_doc_t *a = tg_doc_new(), *b = tg_doc_new();
        int n = (int)(rand_r(&seed) % 200);
        int settled_a = 0;
        for (int i = 0; i < n; i++) {
            const char *t = names[rand_r(&seed) % (sizeof names / sizeof names[0])];
            unsigned r = (unsigned)rand_r(&seed);
            if (r % 3) {
                unsigned pos = r % 4 == 0 ? (unsigned)(rand_r(&seed) % 50) : (unsigned)i + 1;
                assert_int_equal(tg_doc_add_posting(a, t, strlen(t), pos), TG_OK);
                assert_int_equal(tg_doc_add_posting(b, t, strlen(t), pos), TG_OK);
            } else {
                unsigned wdf = (unsigned)(rand_r(&seed) % 4);
                assert_int_equal(tg_doc_add_term(a, t, strlen(t), wdf), TG_OK);
                assert_int_equal(tg_doc_add_term(b, t, strlen(t), wdf), TG_OK);
            }
            assert_true(tg_doc_has_term(b, t) == 1);
            if (r % 97 == 0) {
                assert_true(tg_doc_has_term(a, t) == 1);
                settled_a = 1;
            }
            if (r % 13 == 0) {
                char v[8];
                snprintf(v, sizeof v, "%u", r % 1000);
                assert_int_equal(tg_doc_set_value(a, r % 5, v, strlen(v)), TG_OK);
                assert_int_equal(tg_doc_set_value(b, r % 5, v, strlen(v)), TG_OK);
            }
        }
        assert_int_equal(tg_doc_set_data(a, "{}", 2), TG_OK);
        assert_int_equal(tg_doc_set_data(b, "{}", 2), TG_OK);
        char *sa, *sb;
        size_t la, lb;
        assert_int_equal(tg_doc_serialise(a, &sa, &la), TG_OK);
        assert_int_equal(tg_doc_serialise(b, &sb, &lb), TG_OK);
        if (la != lb || memcmp(sa, sb, la) != 0)
            fail_msg("round %d (%d adds%s): %zu bytes against %zu", round, n,
                     settled_a ? ", settled midway" : "", la, lb);
        free(sa);
        free(sb);
        tg_doc_free(a);
        tg_doc_free(b);
    }
    /* an empty term is refused at once, as Xapian refuses it */
    tg_doc_t *d = tg_doc_new();
    assert_int_equal(tg_doc_add_term(d, "", 0, 1), TG_ERR_INVALID);
    assert_int_equal(tg_doc_add_posting(d, "", 0, 1), TG_ERR_INVALID);
    assert_non_null(strstr(tg_doc_error(d), "InvalidArgumentError"));
    tg_doc_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(write_commit_read, setup, teardown),
        cmocka_unit_test(open_missing_is_notfound),
        cmocka_unit_test(serialise_roundtrip),
        cmocka_unit_test(serialise_keeps_everything),
        cmocka_unit_test(unserialise_damaged),
        cmocka_unit_test_setup_teardown(queries_and_search, setup, teardown),
        cmocka_unit_test(stemmer),
        cmocka_unit_test_setup_teardown(discarded_revision_has_its_own_status, setup, teardown),
        cmocka_unit_test_setup_teardown(behind_reads_see_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(behind_reads_during_commits, setup, teardown),
        cmocka_unit_test_setup_teardown(behind_failure_is_sticky, setup, teardown),
        cmocka_unit_test_setup_teardown(behind_commit_wakes_poll, setup, teardown),
        cmocka_unit_test(kept_adds_serialise_as_xapian),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
