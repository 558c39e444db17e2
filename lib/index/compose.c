/* The composer (see compose.h): every term and value a document has is
 * derived here, from its text in the worker and from its record in the
 * writer.  scripts/check-compose.sh (run by make check) keeps it so: no
 * other file of lib/, indexer/, search/ or web/ adds or removes a term or
 * sets a value (the primitives themselves live in xap.cc and schema.c).
 *
 * The record part is derived in full on every write, so its cost matters:
 * it never tokenises the text (only titles and file names, a few words),
 * and it finds the terms to take away in one pass over the document's
 * term list. */
#define _POSIX_C_SOURCE 200809L
#include "compose.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"

/* ==== The text part ======================================================== */

tg_doc_t *tg_compose_text(const tg_text_part_t *t, tg_stemmers_t *st, unsigned **starts,
                          size_t *n_starts)
{
    tg_doc_t *doc = tg_doc_new();
    const char *lang = t->lang ? t->lang : "und";
    size_t n = 0, cap = 0;
    unsigned *s = NULL;
    unsigned pos = 0;
    const char *p = t->text, *end = t->text + t->len;
    size_t len = t->len;
    /* one pass over the text's words, page by page: a page break is no
     * word's, so the words are the same as each page's own */
    tg_wordcur_t cur;
    tg_wordcur_init(&cur, t->words, t->text, t->len);
    while (len > 0) {
        const char *ff = memchr(p, '\f', (size_t)(end - p));
        const char *pe = ff ? ff : end;
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            s = tg_xrealloc(s, cap * sizeof *s);
        }
        s[n++] = pos;
        tg_index_words(doc, st, lang, "", t->text, &cur, (size_t)(pe - t->text), &pos, 0);
        if (!ff)
            break;
        p = ff + 1;
    }
    *starts = s;
    *n_starts = n;

    /* the title's words count as body words too, without positions */
    if (t->title)
        tg_index_text(doc, st, lang, "", t->title, strlen(t->title), NULL, 1);
    /* mail: the words of the sender and of the recipients (from:, to:);
     * To and Cc are kept apart by a gap, so a phrase cannot span them */
    if (t->from) {
        unsigned fpos = 0;
        tg_index_text(doc, st, lang, TG_PREFIX_FROM, t->from, strlen(t->from), &fpos, 0);
    }
    const char *rcpt[] = {t->to, t->cc};
    unsigned rpos = 0;
    for (size_t i = 0; i < TG_ARRAY_LEN(rcpt); i++) {
        if (rcpt[i]) {
            tg_index_text(doc, st, lang, TG_PREFIX_TO, rcpt[i], strlen(rcpt[i]), &rpos, 0);
            rpos += 10;
        }
    }

    for (size_t i = 0; i < t->n_mentions; i++)
        tg_date_add_terms(doc, TG_PREFIX_MENTION, &t->mentions[i]);
    tg_buf_t term;
    tg_buf_init(&term, 4096);
    for (size_t i = 0; i < t->n_persons; i++) {
        tg_buf_reset(&term);
        tg_bool_term(&term, TG_PREFIX_PERSON, t->persons[i]);
        tg_doc_add_term(doc, term.data, term.len, 0);
    }
    for (size_t i = 0; i < t->n_person_forms; i++) {
        tg_buf_reset(&term);
        tg_bool_term(&term, TG_PREFIX_PERSON_FORM, t->person_forms[i]);
        tg_doc_add_term(doc, term.data, term.len, 0);
    }
    for (size_t i = 0; i < t->n_person_ids; i++) {
        tg_buf_reset(&term);
        tg_bool_term(&term, TG_PREFIX_PERSON_ID, t->person_ids[i]);
        tg_doc_add_term(doc, term.data, term.len, 0);
    }
    for (size_t i = 0; i < t->n_ids; i++) {
        tg_buf_reset(&term);
        tg_buf_adds(&term, TG_PREFIX_IDNUM);
        tg_buf_adds(&term, t->ids[i]);
        tg_doc_add_term(doc, term.data, term.len, 0);
    }
    tg_buf_free(&term);
    return doc;
}

/* ==== The record part ====================================================== */

/* Prefixes of the text part.  Every other term with a prefix is the
 * record's: a prefix is known by its leading capitals, but a value may
 * start with one too (a folder "XFCorpus/..."), so the text part's are
 * matched as they are written, and what is left is the record's. */
static const char *const text_prefixes[] = {
    TG_PREFIX_TO,    TG_PREFIX_FROM,        TG_PREFIX_MENTION,  TG_PREFIX_PERSON,
    TG_PREFIX_IDNUM, TG_PREFIX_PERSON_FORM, TG_PREFIX_PERSON_ID};

/* Value slots: all of them are the record's. */
#define SLOTS 10

typedef struct {
    char **v;
    size_t n, cap;
} terms_t;

/* 1 if term (len bytes, wdf) belongs to the record part. */
static int of_record(const char *term, size_t len, unsigned wdf)
{
    if (len == 0 || !(term[0] >= 'A' && term[0] <= 'Z'))
        return wdf == 0; /* a word of a file name */
    if (term[0] == TG_PREFIX_STEM[0] && (len == 1 || !(term[1] >= 'A' && term[1] <= 'Z')))
        return wdf == 0; /* the stem of one */
    for (size_t i = 0; i < TG_ARRAY_LEN(text_prefixes); i++) {
        size_t pl = strlen(text_prefixes[i]);
        if (len >= pl && !memcmp(term, text_prefixes[i], pl))
            return 0;
    }
    return 1;
}

static int collect(void *ctx, const char *term, size_t len, unsigned wdf)
{
    terms_t *t = ctx;
    if (!of_record(term, len, wdf))
        return 0;
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 64;
        t->v = tg_xrealloc(t->v, t->cap * sizeof *t->v);
    }
    t->v[t->n++] = tg_xstrndup(term, len);
    return 0;
}

static void add_bool(tg_doc_t *doc, tg_buf_t *t, const char *prefix, const char *value)
{
    tg_buf_reset(t);
    tg_bool_term(t, prefix, value);
    tg_doc_add_term(doc, t->data, t->len, 0);
}

/* The values of a merged sidecar list field as boolean terms, folded. */
static void add_sidecar(tg_doc_t *doc, const tg_record_t *rec, const char *field,
                        const char *prefix, tg_buf_t *t)
{
    tg_buf_t v;
    tg_buf_init(&v, 16384);
    for (size_t i = 0; i < tg_record_n_sidecar(rec, field); i++) {
        const char *s = tg_record_nth_sidecar(rec, field, i);
        if (!s)
            continue;
        tg_buf_reset(&v);
        tg_fold_value(&v, s, strlen(s));
        if (v.len)
            add_bool(doc, t, prefix, tg_buf_str(&v));
    }
    tg_buf_free(&v);
}

static void set_value(tg_doc_t *doc, unsigned slot, const char *v)
{
    tg_doc_set_value(doc, slot, v ? v : "", v ? strlen(v) : 0);
}

tg_status_t tg_compose_record(tg_doc_t *doc, const tg_record_t *rec, tg_stemmers_t *st)
{
    /* take away what an earlier composition (or the worker, before the
     * composer) derived from a record */
    terms_t old = {0};
    tg_status_t s = tg_doc_each_term(doc, "", collect, &old);
    for (size_t i = 0; i < old.n; i++) {
        if (!s)
            s = tg_doc_remove_term(doc, old.v[i]);
        free(old.v[i]);
    }
    free(old.v);
    if (s)
        return s;
    for (unsigned slot = 0; slot < SLOTS; slot++)
        tg_doc_set_value(doc, slot, "", 0);

    tg_buf_t t;
    tg_buf_init(&t, 4096);
    const char *sha = tg_record_get_sha256(rec);
    if (sha) {
        tg_id_term(&t, sha);
        tg_doc_add_term(doc, t.data, t.len, 0);
    }
    const char *kind = tg_record_get_kind(rec);
    if (kind)
        add_bool(doc, &t, TG_PREFIX_KIND, kind);
    const char *lang = tg_record_get_lang(rec) ? tg_record_get_lang(rec) : "und";
    add_bool(doc, &t, TG_PREFIX_LANG, lang);
    tg_doc_set_date(doc, tg_record_get_date(rec)); /* D terms, date slots */

    char v[32];
    snprintf(v, sizeof v, "%016llu", (unsigned long long)tg_record_get_size(rec));
    set_value(doc, TG_SLOT_SIZE, v);
    set_value(doc, TG_SLOT_KIND, kind);
    set_value(doc, TG_SLOT_LANG, lang);
    set_value(doc, TG_SLOT_INGEST, tg_record_get_ingested(rec));

    /* title: finds the title shown and the document's own one */
    const char *title = tg_record_get_title(rec), *own = tg_record_get_own_title(rec);
    unsigned pos = 0;
    if (title)
        tg_index_text(doc, st, lang, TG_PREFIX_TITLE, title, strlen(title), &pos, 0);
    if (own && (!title || strcmp(own, title) != 0)) {
        pos++; /* no phrase across the two titles */
        tg_index_text(doc, st, lang, TG_PREFIX_TITLE, own, strlen(own), &pos, 0);
    }

    /* where it was found: folders, and the words of the file names, which
     * find the file too ("acta", "rodriguez") */
    for (size_t i = 0; i < tg_record_n_locations(rec); i++) {
        const tg_location_t *l = tg_record_location(rec, i);
        const char *folder = tg_location_get_folder(l), *path = tg_location_get_path(l);
        if (folder) {
            add_bool(doc, &t, TG_PREFIX_FOLDER, folder);
            if (i == 0)
                set_value(doc, TG_SLOT_FOLDER, folder);
        }
        if (path) {
            const char *base = tg_location_basename(path);
            tg_index_text(doc, st, lang, "", base, strlen(base), NULL, 0);
        }
    }

    /* sidecar metadata of all the locations */
    add_sidecar(doc, rec, "collection", TG_PREFIX_COLLECTION, &t);
    add_sidecar(doc, rec, "place", TG_PREFIX_PLACE, &t);
    add_sidecar(doc, rec, "witness", TG_PREFIX_WITNESS, &t);
    add_sidecar(doc, rec, "tags", TG_PREFIX_TAG, &t);
    if (tg_record_get_restricted(rec))
        tg_doc_add_term(doc, TG_TERM_RESTRICTED, strlen(TG_TERM_RESTRICTED), 0);
    /* an embargo is checked when a search runs (lib/read/search.c): the
     * term says there is one, the slot until when */
    const char *embargo = tg_record_get_embargo(rec);
    if (embargo && *embargo) {
        tg_doc_add_term(doc, TG_TERM_EMBARGO, strlen(TG_TERM_EMBARGO), 0);
        set_value(doc, TG_SLOT_EMBARGO, embargo);
    }
    tg_buf_free(&t);

    size_t len;
    char *data = tg_record_dump(rec, &len);
    s = tg_doc_set_data(doc, data, len);
    free(data);
    return s;
}
