/* Persons of the archive (see people.h): the store read from the index's
 * person terms, person: queries, and the list of persons.
 *
 * Relies on the terms the indexer writes for each person of a document
 * (docs/schema.md): XP + key, XV + the key of a shorter form, XK + digits
 * + " " + key for an identity number attached to it, XI + digits for any
 * identity number.  Reading the store costs one pass over the XP and XK
 * term lists (distinct names, not documents) and, when hidden documents
 * must be left out, one read of the term lists of those documents; then
 * entities.c resolves.  Variants are read from one record per key shown;
 * the name from up to NAME_RECORDS records of the fullest key and each
 * identity number's written forms from up to ID_RECORDS records, so that
 * neither depends on the order the documents were indexed in.  Never
 * prints. */
#define _GNU_SOURCE
#include "people.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_int.h"
#include "personterms.h"
#include "schema.h"
#include "util.h"

/* Keys of one person whose records are read for its names and variants. */
#define NAMED_KEYS 16
/* Variants listed per person. */
#define MAX_VARIANTS 20

/* ==== The store ============================================================= */

typedef struct {
    json_t *terms;  /* term -> documents */
    json_t *hidden; /* term -> hidden documents holding it (hide only) */
    char *groups;   /* the names list's persons (TG_META_NAMES_KEYS), or NULL */
} terms_t;

static int collect_term(void *ctx, const char *term, size_t len, unsigned freq)
{
    json_object_setn_new(ctx, term, len, json_integer(freq));
    return 0;
}

static int count_hidden(void *ctx, const char *term, size_t len, unsigned freq)
{
    (void)freq;
    json_t *o = ctx;
    json_t *have = json_object_getn(o, term, len);
    json_object_setn_new(o, term, len, json_integer(have ? json_integer_value(have) + 1 : 1));
    return 0;
}

/* The person terms' documents and, with hide, those of the hidden
 * documents (their term lists are read: few documents are hidden). */
static tg_status_t read_terms_once(tg_archive_t *a, int hide, terms_t *t)
{
    tg_db_t *db = tg_archive_db_(a);
    json_object_clear(t->terms);
    json_object_clear(t->hidden);
    free(t->groups);
    t->groups = NULL;
    /* read in the same attempt as the terms: a commit between them is
     * retried like any other */
    tg_status_t st = tg_db_get_meta(db, TG_META_NAMES_KEYS, &t->groups, NULL);
    if (!st)
        st = tg_db_each_term(db, TG_PREFIX_PERSON, collect_term, t->terms);
    if (!st)
        st = tg_db_each_term(db, TG_PREFIX_PERSON_ID, collect_term, t->terms);
    if (st)
        return tg_archive_db_failed_(a, st);
    if (!hide)
        return TG_OK;
    unsigned all = 0;
    st = tg_db_doccount(db, &all);
    if (st)
        return tg_archive_db_failed_(a, st);
    tg_query_t *q = tg_archive_hidden_query_();
    tg_search_opts_t so = {.limit = all, .sort_slot = -1, .check_at_least = all};
    tg_mset_t *ms = NULL;
    st = tg_db_search(db, q, &so, &ms);
    tg_query_free(q);
    if (st)
        return tg_archive_db_failed_(a, st);
    for (unsigned i = 0; i < tg_mset_size(ms) && !st; i++) {
        tg_doc_t *doc;
        st = tg_mset_doc(ms, i, &doc);
        if (st)
            break;
        st = tg_doc_each_term(doc, TG_PREFIX_PERSON, count_hidden, t->hidden);
        if (!st)
            st = tg_doc_each_term(doc, TG_PREFIX_PERSON_ID, count_hidden, t->hidden);
        tg_doc_free(doc);
    }
    tg_mset_free(ms);
    return st ? tg_archive_db_failed_(a, st) : TG_OK;
}

tg_status_t tg_people_load(tg_archive_t *a, int hide, tg_entities_t **out)
{
    *out = NULL;
    terms_t t = {json_object(), json_object(), NULL};
    tg_status_t st;
    int tries = 0;
    do
        st = read_terms_once(a, hide, &t);
    while (tg_archive_again_(a, &st, &tries));
    if (st)
        goto out;
    tg_entities_t *e = tg_entities_new();
    const char *term;
    json_t *v;
    size_t pl = strlen(TG_PREFIX_PERSON), kl = strlen(TG_PREFIX_PERSON_ID);
    json_object_foreach(t.terms, term, v)
    {
        json_int_t n = json_integer_value(v) - tg_rec_int(t.hidden, term, 0);
        if (n <= 0)
            continue;
        /* XK before XP: the longer prefix is tested first */
        if (!strncmp(term, TG_PREFIX_PERSON_ID, kl)) {
            const char *sp = strchr(term + kl, ' ');
            if (!sp || term[kl] == '#')
                continue; /* hashed: too long to read back */
            char digits[32];
            size_t dl = (size_t)(sp - term - (long)kl);
            if (dl == 0 || dl >= sizeof digits)
                continue;
            memcpy(digits, term + kl, dl);
            digits[dl] = '\0';
            tg_entities_add_link(e, digits, sp + 1, (unsigned)n);
        } else if (!strncmp(term, TG_PREFIX_PERSON, pl) && term[pl] != '#') {
            tg_entities_add_key(e, term + pl, (unsigned)n);
        }
    }
    /* the names list's persons (testigo-index --names) */
    if (t.groups) {
        json_t *gs = json_loads(t.groups, 0, NULL), *g;
        size_t i;
        json_array_foreach(gs, i, g)
        {
            const char *keys[TG_NAMES_MAX_FORMS + 1];
            size_t nk = 0, j;
            json_t *k;
            json_array_foreach(g, j, k) if (json_is_string(k) && nk < TG_ARRAY_LEN(keys))
                keys[nk++] = json_string_value(k);
            tg_entities_add_listed(e, keys, nk);
        }
        json_decref(gs);
    }
    tg_entities_resolve(e);
    *out = e;
out:
    json_decref(t.terms);
    json_decref(t.hidden);
    free(t.groups);
    return st;
}

static tg_query_t *term_q(const char *prefix, const char *value, tg_buf_t *b)
{
    tg_buf_reset(b);
    tg_bool_term(b, prefix, value);
    return tg_query_term(b->data, b->len, 0);
}

tg_query_t *tg_people_query(const tg_entities_t *e, size_t i)
{
    const tg_entity_t *x = tg_entities_get(e, i);
    size_t n = x->nkeys + x->nlinks + x->nids, k = 0;
    tg_query_t **v = tg_xcalloc(n ? n : 1, sizeof *v);
    tg_buf_t b;
    tg_buf_init(&b, 8192);
    for (size_t j = 0; j < x->nkeys; j++)
        v[k++] = term_q(TG_PREFIX_PERSON, x->keys[j], &b);
    for (size_t j = 0; j < x->nlinks; j++)
        v[k++] = term_q(TG_PREFIX_PERSON_ID, x->links[j], &b);
    for (size_t j = 0; j < x->nids; j++) {
        tg_buf_reset(&b);
        tg_buf_adds(&b, TG_PREFIX_IDNUM);
        tg_buf_adds(&b, x->ids[j]);
        v[k++] = tg_query_term(b.data, b.len, 0);
    }
    tg_buf_free(&b);
    tg_query_t *q = k == 1 ? v[0] : tg_query_combine(TG_Q_OR, v, k, 0);
    free(v);
    return q;
}

tg_query_t *tg_people_expand(void *ctx, const char *key, const char *digits)
{
    tg_people_ctx_t *c = ctx;
    if (c->failed)
        return NULL;
    if (!c->ents && tg_people_load(c->a, c->hide, &c->ents)) {
        c->failed = 1;
        return NULL;
    }
    long i = key ? tg_entities_find_key(c->ents, key) : tg_entities_find_id(c->ents, digits);
    if (i < 0)
        return NULL;
    tg_query_t *q = tg_people_query(c->ents, (size_t)i);
    if (!key)
        return q;
    /* and the documents that write this very form as a shorter form of
     * someone of theirs */
    tg_buf_t b;
    tg_buf_init(&b, 8192);
    tg_query_t *v[2] = {q, term_q(TG_PREFIX_PERSON_FORM, key, &b)};
    tg_buf_free(&b);
    return tg_query_combine(TG_Q_OR, v, 2, 0);
}

void tg_people_ctx_done(tg_people_ctx_t *c)
{
    tg_entities_free(c->ents);
    c->ents = NULL;
}

/* ==== The list ============================================================== */

typedef struct {
    size_t ent;
    json_int_t docs;
    const char *head;
} counted_t;

static int by_docs(const void *x, const void *y)
{
    const counted_t *a = x, *b = y;
    if (a->docs != b->docs)
        return a->docs > b->docs ? -1 : 1;
    int c = strcmp(a->head, b->head);
    if (c)
        return c;
    return a->ent < b->ent ? -1 : a->ent > b->ent;
}

/* Documents matching q (exactly). */
static tg_status_t count_q(tg_archive_t *a, tg_query_t *q, unsigned all, json_int_t *n)
{
    tg_search_opts_t so = {.limit = 0, .sort_slot = -1, .check_at_least = all};
    tg_mset_t *ms = NULL;
    tg_status_t st = tg_db_search(tg_archive_db_(a), q, &so, &ms);
    if (st)
        return tg_archive_db_failed_(a, st);
    unsigned lower;
    tg_mset_estimate(ms, &lower, NULL, NULL);
    tg_mset_free(ms);
    *n = lower;
    return TG_OK;
}

/* Calls on(ctx, rec), which takes rec, for the records, in document
 * order, of at most limit documents matching q that the handle may show;
 * takes q. */
static tg_status_t each_record(tg_archive_t *a, int hide, tg_query_t *q, unsigned limit,
                               void (*on)(void *ctx, tg_record_t *rec), void *ctx)
{
    if (hide)
        q = tg_archive_without_hidden_(q);
    tg_search_opts_t so = {.limit = limit, .sort_slot = -1};
    tg_mset_t *ms = NULL;
    tg_status_t st = tg_db_search(tg_archive_db_(a), q, &so, &ms);
    tg_query_free(q);
    if (st)
        return tg_archive_db_failed_(a, st);
    for (size_t i = 0; i < tg_mset_size(ms) && !st; i++) {
        tg_doc_t *doc;
        tg_record_t *rec = NULL;
        st = tg_mset_doc(ms, i, &doc);
        if (st) {
            st = tg_archive_db_failed_(a, st);
            break;
        }
        st = tg_archive_record_(a, doc, &rec);
        tg_doc_free(doc);
        if (!st)
            on(ctx, rec);
    }
    tg_mset_free(ms);
    return st;
}

static void keep_record(void *ctx, tg_record_t *rec)
{
    *(tg_record_t **)ctx = rec;
}

/* The record of a document holding term that the handle may show; *rec
 * NULL if none. */
static tg_status_t first_record(tg_archive_t *a, int hide, const char *term, tg_record_t **rec)
{
    *rec = NULL;
    return each_record(a, hide, tg_query_term(term, strlen(term), 0), 1, keep_record, rec);
}

static void add_unique(json_t *arr, const char *s, size_t cap)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) if (!strcmp(json_string_value(v), s)) return;
    if (json_array_size(arr) < cap)
        json_array_append_new(arr, json_string(s));
}

/* The index of rec's person whose key is key (filling *e), or -1. */
static long entry_of(const tg_record_t *rec, const char *key, tg_person_t *e)
{
    for (size_t i = 0; i < tg_record_n_persons(rec); i++)
        if (tg_record_person(rec, i, e) && e->key && !strcmp(e->key, key))
            return (long)i;
    return -1;
}

/* Documents read for the forms an identity number is written in. */
#define ID_RECORDS 64

typedef struct {
    const char *digits;
    json_t *forms;
} id_forms_t;

static void collect_forms(void *ctx, tg_record_t *rec)
{
    id_forms_t *f = ctx;
    for (size_t i = 0; i < tg_record_n_persons(rec); i++) {
        tg_person_t e;
        if (!tg_record_person(rec, i, &e))
            continue;
        for (size_t j = 0; j < e.nids; j++) {
            const char *s = tg_record_person_id(rec, i, j);
            char d[32];
            if (s && tg_personterms_digits(s, d, sizeof d) && !strcmp(d, f->digits))
                add_unique(f->forms, s, 64);
        }
    }
    tg_record_free(rec);
}

static int by_string(const void *x, const void *y)
{
    return strcmp(json_string_value(*(json_t *const *)x), json_string_value(*(json_t *const *)y));
}

/* Appends to ids how the number whose digits are digits is shown: the
 * forms with a nationality letter ("V-12345678") that the first
 * ID_RECORDS documents holding it attach to a person, sorted, else its
 * digits.  Whatever order the documents were indexed in, the same forms
 * (for a number in more documents than that, the same forms as long as
 * one of the first ID_RECORDS writes it with its letter, as nearly all
 * do). */
static tg_status_t show_id(tg_archive_t *a, int hide, const char *digits, json_t *ids)
{
    id_forms_t f = {digits, json_array()};
    char term[64];
    int n = snprintf(term, sizeof term, "%s%s", TG_PREFIX_IDNUM, digits);
    tg_status_t st = TG_OK;
    if (n > 0 && (size_t)n < sizeof term)
        st = each_record(a, hide, tg_query_term(term, (size_t)n, 0), ID_RECORDS, collect_forms, &f);
    size_t nf = 0, i;
    json_t *v, *sorted[64];
    json_array_foreach(f.forms, i, v)
    {
        const char *s = json_string_value(v);
        if (!(*s >= '0' && *s <= '9') && nf < 64)
            sorted[nf++] = v;
    }
    qsort(sorted, nf, sizeof *sorted, by_string);
    for (i = 0; i < nf; i++)
        add_unique(ids, json_string_value(sorted[i]), 64);
    if (!nf)
        add_unique(ids, digits, 64);
    json_decref(f.forms);
    return st;
}

/* Documents read for the spelling of a person's name. */
#define NAME_RECORDS 16

typedef struct {
    const char *key;
    char *best;
    int listed;
    size_t score;
} name_pick_t;

static size_t accents(const char *s)
{
    size_t k = 0;
    for (; *s; s++)
        k += (unsigned char)*s >= 0x80;
    return k;
}

static void pick_name(void *ctx, tg_record_t *rec)
{
    name_pick_t *p = ctx;
    tg_person_t e;
    if (entry_of(rec, p->key, &e) >= 0 && e.name) {
        size_t sc = accents(e.name);
        int l = !!e.listed;
        if (!p->best || l > p->listed ||
            (l == p->listed &&
             (sc > p->score || (sc == p->score && strcmp(e.name, p->best) < 0)))) {
            free(p->best);
            p->best = tg_xstrdup(e.name);
            p->listed = l;
            p->score = sc;
        }
    }
    tg_record_free(rec);
}

/* Puts first in names how the first NAME_RECORDS documents naming key
 * write it at best (each document gives its own best spelling): the names
 * list's name, else the most accented, then the first in byte order; the
 * other spellings of that name are not variants.  So the same name and
 * variants whatever order the documents were indexed in (for a person in
 * more documents than that, as long as one of the first writes the
 * accents). */
static tg_status_t best_name(tg_archive_t *a, int hide, const char *key, json_t *names)
{
    name_pick_t p = {key, NULL, 0, 0};
    tg_buf_t term;
    tg_buf_init(&term, 1024);
    tg_bool_term(&term, TG_PREFIX_PERSON, key);
    tg_status_t st =
        each_record(a, hide, tg_query_term(term.data, term.len, 0), NAME_RECORDS, pick_name, &p);
    if (p.best) {
        for (size_t i = json_array_size(names); i-- > 0;) {
            const char *s = json_string_value(json_array_get(names, i));
            tg_buf_reset(&term);
            if (!strcmp(s, p.best) ||
                (tg_name_key(s, strlen(s), &term) && !strcmp(tg_buf_str(&term), key)))
                json_array_remove(names, i);
        }
        json_array_insert_new(names, 0, json_string(p.best));
        free(p.best);
    }
    tg_buf_free(&term);
    return st;
}

/* Names entity x into o: "name", "variants", "ids", "listed". */
static tg_status_t name_entity(tg_archive_t *a, int hide, const tg_entity_t *x, json_t *o)
{
    json_t *names = json_array(), *ids = json_array();
    tg_buf_t term;
    tg_buf_init(&term, 8192);
    tg_status_t st = TG_OK;
    int listed = 0;
    /* keys, or for a number given only with namesakes, its links */
    size_t n = x->nkeys ? x->nkeys : x->nlinks;
    for (size_t j = 0; j < n && j < NAMED_KEYS && !st; j++) {
        const char *key;
        tg_buf_reset(&term);
        if (x->nkeys) {
            key = x->keys[j];
            tg_bool_term(&term, TG_PREFIX_PERSON, key);
        } else {
            key = strchr(x->links[j], ' ') + 1;
            tg_bool_term(&term, TG_PREFIX_PERSON_ID, x->links[j]);
        }
        tg_record_t *rec;
        st = first_record(a, hide, tg_buf_str(&term), &rec);
        if (st || !rec)
            continue;
        tg_person_t e;
        long pi = entry_of(rec, key, &e);
        if (pi >= 0) {
            if (e.name)
                add_unique(names, e.name, MAX_VARIANTS + 1);
            listed |= e.listed;
            for (size_t i = 0; i < e.nforms; i++) {
                const char *s = tg_record_person_form(rec, (size_t)pi, i);
                tg_buf_t fk;
                tg_buf_init(&fk, 4096);
                /* a shorter form is a variant; a full form in capitals is not */
                if (s && tg_name_key(s, strlen(s), &fk) && strcmp(tg_buf_str(&fk), key))
                    add_unique(names, s, MAX_VARIANTS + 1);
                tg_buf_free(&fk);
            }
        }
        tg_record_free(rec);
    }
    if (x->nkeys && !st)
        st = best_name(a, hide, x->keys[0], names);
    for (size_t k = 0; k < x->nids && !st; k++)
        st = show_id(a, hide, x->ids[k], ids);
    tg_buf_free(&term);
    const char *name = json_array_size(names) ? json_string_value(json_array_get(names, 0))
                                              : (x->head ? x->head : "");
    json_object_set_new(o, "name", json_string(name));
    json_t *variants = json_array();
    for (size_t i = 1; i < json_array_size(names); i++)
        json_array_append(variants, json_array_get(names, i));
    json_object_set_new(o, "variants", variants);
    json_object_set_new(o, "ids", ids);
    json_object_set_new(o, "listed", json_boolean(listed || x->listed));
    json_decref(names);
    return st;
}

/* Counts, per key, the documents matching q that hold it (a match spy). */
static tg_status_t spy_keys(tg_archive_t *a, tg_query_t *q, unsigned all, double time_limit,
                            json_t *by_key, unsigned *ndocs)
{
    const char *prefix = TG_PREFIX_PERSON;
    tg_search_opts_t so = {
        .limit = 1,
        .sort_slot = -1,
        .check_at_least = all,
        .time_limit = time_limit,
        .facet_prefixes = &prefix,
        .n_facet_prefixes = 1,
        .term_facet_max_docs = all ? all : 1,
        .term_facet_max_values = UINT_MAX,
    };
    tg_mset_t *ms = NULL;
    tg_status_t st = tg_db_search(tg_archive_db_(a), q, &so, &ms);
    if (st)
        return tg_archive_db_failed_(a, st);
    tg_mset_estimate(ms, ndocs, NULL, NULL);
    st = tg_mset_each_term_facet(ms, TG_PREFIX_PERSON, collect_term, by_key, NULL);
    if (st == TG_ERR_NOTFOUND)
        st = TG_OK;
    tg_mset_free(ms);
    return st ? tg_archive_db_failed_(a, st) : TG_OK;
}

static tg_status_t list_once(tg_archive_t *a, int hide, const tg_entities_t *ents,
                             tg_query_t *scope, const tg_search_req_t *req, unsigned limit,
                             json_t **out)
{
    *out = NULL;
    unsigned all = 0;
    tg_status_t st = tg_db_doccount(tg_archive_db_(a), &all);
    if (st)
        return tg_archive_db_failed_(a, st);
    json_t *by_key = json_object();
    unsigned ndocs = 0;
    size_t ne = tg_entities_count(ents), nc = 0;
    counted_t *c = tg_xcalloc(ne ? ne : 1, sizeof *c);
    json_t *list = json_array();
    if (scope)
        st = spy_keys(a, scope, all, req->time_limit, by_key, &ndocs);
    else
        ndocs = all;
    for (size_t i = 0; i < ne && !st; i++) {
        const tg_entity_t *x = tg_entities_get(ents, i);
        json_int_t docs = 0;
        if (x->nkeys == 1 && x->nids == 0) {
            docs = scope ? tg_rec_int(by_key, x->keys[0], 0) : (json_int_t)x->freq;
        } else {
            int touched = !scope;
            for (size_t j = 0; j < x->nkeys && !touched; j++)
                touched = tg_rec_int(by_key, x->keys[j], 0) > 0;
            if (!touched && x->nkeys)
                continue;
            tg_query_t *q = tg_people_query(ents, i);
            if (scope) {
                tg_query_t *v[2] = {q, tg_query_copy(scope)};
                q = tg_query_combine(TG_Q_AND, v, 2, 0);
            } else if (hide) {
                q = tg_archive_without_hidden_(q);
            }
            st = count_q(a, q, all, &docs);
            tg_query_free(q);
        }
        if (docs > 0)
            c[nc++] = (counted_t){i, docs, x->head ? x->head : ""};
    }
    if (!st && hide && !scope) {
        /* documents the handle may show */
        json_int_t shown;
        tg_query_t *q = tg_archive_without_hidden_(tg_query_all());
        st = count_q(a, q, all, &shown);
        tg_query_free(q);
        ndocs = (unsigned)shown;
    }
    if (nc)
        qsort(c, nc, sizeof *c, by_docs);
    size_t shown = limit && limit < nc ? limit : nc;
    for (size_t k = 0; k < shown && !st; k++) {
        const tg_entity_t *x = tg_entities_get(ents, c[k].ent);
        json_t *o = json_object();
        st = name_entity(a, hide, x, o);
        json_object_set_new(o, "key", json_string(x->head ? x->head : ""));
        json_object_set_new(o, "documents", json_integer(c[k].docs));
        json_t *keys = json_array();
        for (size_t j = 0; j < x->nkeys; j++)
            json_array_append_new(keys, json_string(x->keys[j]));
        json_object_set_new(o, "keys", keys);
        json_array_append_new(list, o);
    }
    if (!st) {
        *out = json_object();
        json_object_set_new(*out, "documents", json_integer(ndocs));
        json_object_set_new(*out, "total", json_integer((json_int_t)nc));
        json_object_set_new(*out, "persons", list);
    } else {
        json_decref(list);
    }
    free(c);
    json_decref(by_key);
    return st;
}

tg_status_t tg_people_list(tg_archive_t *a, tg_qparser_t *qp, const char *query,
                           const tg_search_req_t *req, unsigned limit, json_t **out, char *err,
                           size_t errlen)
{
    *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    int hide = req->hide_restricted || tg_archive_is_public(a);
    tg_entities_t *ents = NULL;
    tg_status_t st = tg_people_load(a, hide, &ents);
    if (st) {
        tg_errf(err, errlen, "%s", tg_archive_error(a));
        return st;
    }
    tg_query_t *scope = NULL;
    if (query && *query) {
        tg_parsed_t parsed;
        tg_qmsg_t qerr;
        tg_people_ctx_t pc = {a, hide, ents, 0};
        tg_qparser_set_persons(qp, tg_people_expand, &pc);
        st = tg_query_parse(qp, query, &req->parse, &parsed, &qerr);
        tg_qparser_set_persons(qp, NULL, NULL);
        if (st) {
            tg_qmsg_str(&qerr, err, errlen);
            tg_entities_free(ents);
            return st;
        }
        scope = tg_query_copy(parsed.query);
        tg_parsed_free(&parsed);
    } else if (hide) {
        scope = tg_query_all();
    }
    if (scope && hide)
        scope = tg_archive_without_hidden_(scope);
    int tries = 0;
    do
        st = list_once(a, hide, ents, scope, req, limit, out);
    while (tg_archive_again_(a, &st, &tries));
    if (st)
        tg_errf(err, errlen, "%s", tg_archive_error(a));
    tg_query_free(scope);
    tg_entities_free(ents);
    return st;
}

/* ==== Looking a person up =================================================== */

static tg_status_t find_once(tg_archive_t *a, int hide, const tg_entities_t *ents,
                             const long *found, size_t n, json_t **out)
{
    json_t *list = json_array();
    tg_status_t st = TG_OK;
    for (size_t k = 0; k < n && !st; k++) {
        const tg_entity_t *x = tg_entities_get(ents, (size_t)found[k]);
        json_t *o = json_object();
        st = name_entity(a, hide, x, o);
        json_object_set_new(o, "key", json_string(x->head ? x->head : ""));
        json_t *keys = json_array();
        for (size_t j = 0; j < x->nkeys; j++)
            json_array_append_new(keys, json_string(x->keys[j]));
        json_object_set_new(o, "keys", keys);
        json_array_append_new(list, o);
    }
    if (st)
        json_decref(list);
    else
        *out = list;
    return st;
}

tg_status_t tg_people_find(tg_archive_t *a, int hide, const char *name, const char *idnum,
                           json_t **out, char *err, size_t errlen)
{
    *out = NULL;
    tg_entities_t *ents = NULL;
    tg_status_t st = tg_people_load(a, hide, &ents);
    if (st) {
        tg_errf(err, errlen, "%s", tg_archive_error(a));
        return st;
    }
    long found[2];
    size_t n = 0;
    if (name && *name) {
        tg_buf_t key;
        tg_buf_init(&key, 4096);
        if (tg_name_key(name, strlen(name), &key)) {
            long i = tg_entities_find_key(ents, tg_buf_str(&key));
            if (i >= 0)
                found[n++] = i;
        }
        tg_buf_free(&key);
    }
    if (idnum && *idnum) {
        tg_idnum_t id;
        if (!tg_idnum_parse(idnum, strlen(idnum), &id)) {
            long i = tg_entities_find_id(ents, id.digits);
            if (i >= 0 && !(n && found[0] == i))
                found[n++] = i;
        }
    }
    int tries = 0;
    do
        st = find_once(a, hide, ents, found, n, out);
    while (tg_archive_again_(a, &st, &tries));
    if (st)
        tg_errf(err, errlen, "%s", tg_archive_error(a));
    tg_entities_free(ents);
    return st;
}

/* ==== The facet ============================================================= */

static tg_status_t facet_once(tg_archive_t *a, int hide, const tg_entities_t *ents,
                              const counted_t *c, size_t n, json_t **out)
{
    json_t *list = json_array();
    tg_status_t st = TG_OK;
    for (size_t k = 0; k < n && !st; k++) {
        const tg_entity_t *x = tg_entities_get(ents, c[k].ent);
        json_t *o = json_object();
        st = name_entity(a, hide, x, o);
        json_object_del(o, "variants");
        json_object_del(o, "ids");
        json_object_del(o, "listed");
        json_object_set_new(o, "key", json_string(x->head ? x->head : ""));
        json_object_set_new(o, "documents", json_integer(c[k].docs));
        json_array_append_new(list, o);
    }
    if (st)
        json_decref(list);
    else
        *out = list;
    return st;
}

tg_status_t tg_people_facet(tg_archive_t *a, int hide, const json_t *by_key, size_t max,
                            json_t **out)
{
    *out = NULL;
    tg_entities_t *ents = NULL;
    tg_status_t st = tg_people_load(a, hide, &ents);
    if (st)
        return st;
    size_t ne = tg_entities_count(ents), nc = 0;
    counted_t *c = tg_xcalloc(ne ? ne : 1, sizeof *c);
    long *at = tg_xcalloc(ne ? ne : 1, sizeof *at); /* entity -> its place in c, + 1 */
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)by_key, key, v)
    {
        long i = tg_entities_find_key(ents, key);
        if (i < 0)
            continue; /* a key the handle may not show */
        if (!at[i]) {
            const tg_entity_t *x = tg_entities_get(ents, (size_t)i);
            c[nc] = (counted_t){(size_t)i, 0, x->head ? x->head : ""};
            at[i] = (long)++nc;
        }
        c[at[i] - 1].docs += json_integer_value(v);
    }
    if (nc)
        qsort(c, nc, sizeof *c, by_docs);
    int tries = 0;
    do
        st = facet_once(a, hide, ents, c, nc < max ? nc : max, out);
    while (tg_archive_again_(a, &st, &tries));
    free(at);
    free(c);
    tg_entities_free(ents);
    return st;
}
