/* Document building in the worker (see docbuild.h): the facts of an
 * extraction become the document's record (record.h), and its text the
 * document's text part (compose.h: tg_compose_text).  The record part of
 * the document is the writer's to compose.
 *
 * Runs in the worker processes, on text that may be hostile: every list it
 * builds from the text (dates, persons, numbers) is capped, in terms
 * (TG_MAX_TERMS_PER_KIND) and in the record (TG_MAX_RECORD_*). */
#define _POSIX_C_SOURCE 200809L
#include "docbuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose.h"
#include "dates.h"
#include "docpersons.h"
#include "idnum.h"
#include "personterms.h"
#include "recordjson.h"
#include "text.h"
#include "title.h"
#include "util.h"
#include "words.h"
#include "worker.h"

/* The text marks of a long text (record.h): the position and offset of
 * the first word at or past each TG_TEXT_MARK_STEP bytes, counted as the
 * text part counts positions (compose.h: one a word, on through the
 * pages).  None for a text shorter than one step. */
static void set_text_marks(tg_record_t *rec, const tg_words_t *words, const char *text, size_t len)
{
    if (len <= TG_TEXT_MARK_STEP)
        return;
    size_t n = 0, cap = len / TG_TEXT_MARK_STEP + 1;
    unsigned *pos = tg_xcalloc(cap, sizeof *pos);
    uint64_t *off = tg_xcalloc(cap, sizeof *off);
    tg_wordcur_t cur;
    tg_wordcur_init(&cur, words, text, len);
    size_t a, b, next = TG_TEXT_MARK_STEP;
    unsigned p = 0;
    while (tg_wordcur_next(&cur, &a, &b)) {
        p++;
        if (a >= next && n < cap) {
            pos[n] = p;
            off[n++] = a;
            next = a - a % TG_TEXT_MARK_STEP + TG_TEXT_MARK_STEP;
        }
    }
    tg_record_set_text_marks(rec, pos, off, n);
    free(pos);
    free(off);
}

/* The document date by precedence (see docbuild.h) into the record; fills
 * *d (year 0 when undated). */
static void set_date(tg_record_t *rec, const tg_docbuild_in_t *in, const char *lang,
                     const char *text, size_t len, tg_date_t *d)
{
    const tg_extract_t *x = in->x;
    char iso[16];
    if (x->date && tg_date_parse(x->date, strlen(x->date), d) == 0) {
        tg_record_set_date(rec, x->date, x->date_source ? x->date_source : "metadata");
        return;
    }
    if (in->sidecar_date && tg_date_parse(in->sidecar_date, strlen(in->sidecar_date), d) == 0) {
        tg_record_set_date(rec, in->sidecar_date, TG_DATE_SOURCE_SIDECAR);
        return;
    }
    if (in->name && tg_dates_in_name(in->name, lang, d) == 0) {
        tg_date_format(d, iso, sizeof iso);
        tg_record_set_date(rec, iso, TG_DATE_SOURCE_FILENAME);
        return;
    }
    if (len > 0 && tg_dates_first_line(text, len, lang, d) == 0) {
        tg_date_format(d, iso, sizeof iso);
        tg_record_set_date(rec, iso, TG_DATE_SOURCE_FIRST_LINE);
        return;
    }
    d->year = d->month = d->day = 0;
}

/* ==== What the text mentions ============================================== */

/* What the text gives for the text part's XM, XP and XI terms (each
 * distinct, at most TG_MAX_TERMS_PER_KIND). */
typedef struct {
    json_t *seen; /* object: date -> true */
    tg_date_t *dates;
    size_t n_dates;
    const char **persons; /* keys, owned by the docpersons */
    size_t n_persons;
    char **ids; /* digits */
    size_t n_ids;
    /* the persons' shorter forms (XV) and attached numbers (XK), distinct */
    json_t *pseen; /* object: kind letter + value -> true */
    char **pforms;
    size_t n_pforms;
    char **pids;
    size_t n_pids;
} found_t;

static int on_date(void *ctx, const tg_date_mention_t *m)
{
    found_t *c = ctx;
    char d[16];
    tg_date_format(&m->date, d, sizeof d);
    if (json_object_get(c->seen, d))
        return 0;
    if (json_object_size(c->seen) >= TG_MAX_TERMS_PER_KIND)
        return 1;
    json_object_set_new(c->seen, d, json_true());
    c->dates = tg_xrealloc(c->dates, (c->n_dates + 1) * sizeof *c->dates);
    c->dates[c->n_dates++] = m->date;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Record list: the distinct dates, oldest first. */
static void sorted_dates(tg_record_t *rec, json_t *seen)
{
    size_t n = json_object_size(seen), i = 0;
    const char **v = tg_xcalloc(n ? n : 1, sizeof *v);
    const char *k;
    json_t *val;
    json_object_foreach(seen, k, val) v[i++] = k;
    qsort(v, n, sizeof *v, cmp_str);
    for (i = 0; i < n; i++)
        if (!tg_record_append(rec, TG_LIST_MENTIONS, v[i]))
            break;
    free(v);
}

/* One shorter form or attached number of a person (personterms.h), once,
 * at most TG_MAX_TERMS_PER_KIND of each kind. */
static int on_personterm(void *ctx, tg_personterm_kind_t kind, const char *value)
{
    found_t *f = ctx;
    char ***v = kind == TG_PERSONTERM_FORM ? &f->pforms : &f->pids;
    size_t *n = kind == TG_PERSONTERM_FORM ? &f->n_pforms : &f->n_pids;
    if (*n >= TG_MAX_TERMS_PER_KIND)
        return 1;
    tg_buf_t k;
    tg_buf_init(&k, 8192);
    tg_buf_addc(&k, kind == TG_PERSONTERM_FORM ? 'V' : 'K');
    tg_buf_adds(&k, value);
    int seen = json_object_get(f->pseen, tg_buf_str(&k)) != NULL;
    if (!seen)
        json_object_set_new(f->pseen, tg_buf_str(&k), json_true());
    tg_buf_free(&k);
    if (seen)
        return 0;
    *v = tg_xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = tg_xstrdup(value);
    return 0;
}

/* Record list and person keys: the persons of the document
 * (docpersons.h), most mentioned first, one term per person, with their
 * shorter forms and attached numbers. */
static void add_persons(tg_record_t *rec, found_t *f, const tg_docpersons_t *dp)
{
    size_t n = tg_docpersons_count(dp);
    json_t *keys = json_object();
    for (size_t i = 0; i < n; i++) {
        const tg_docperson_t *p = tg_docpersons_get(dp, i);
        if (!json_object_get(keys, p->key) && json_object_size(keys) < TG_MAX_TERMS_PER_KIND) {
            json_object_set_new(keys, p->key, json_true());
            f->persons = tg_xrealloc(f->persons, (f->n_persons + 1) * sizeof *f->persons);
            f->persons[f->n_persons++] = p->key;
            tg_personterms_each(p, on_personterm, f);
        }
        if (i >= TG_MAX_RECORD_PERSONS)
            continue;
        int k = tg_record_add_person(rec, p->name, p->key, (int64_t)p->count, p->listed);
        if (k < 0)
            continue;
        for (size_t m = 0; m < p->nforms && m < TG_MAX_RECORD_FORMS; m++)
            tg_record_person_add_form(rec, (size_t)k, p->forms[m]);
        for (size_t m = 0; m < p->nids; m++)
            tg_record_person_add_id(rec, (size_t)k, p->ids[m]);
    }
    json_decref(keys);
}

typedef struct {
    found_t *f;
    json_t *by_digits; /* object: digits -> display form */
    json_t *order;     /* array of digits, in text order */
} ids_t;

static int on_idnum(void *ctx, const tg_idnum_t *id)
{
    ids_t *c = ctx;
    char shown[32];
    tg_idnum_format(id, shown, sizeof shown);
    json_t *have = json_object_get(c->by_digits, id->digits);
    if (have) {
        /* the form with its letter says more */
        if (id->nat && !strchr(json_string_value(have), '-'))
            json_object_set_new(c->by_digits, id->digits, json_string(shown));
        return 0;
    }
    if (json_object_size(c->by_digits) >= TG_MAX_TERMS_PER_KIND)
        return 1;
    json_object_set_new(c->by_digits, id->digits, json_string(shown));
    json_array_append_new(c->order, json_string(id->digits));
    found_t *f = c->f;
    f->ids = tg_xrealloc(f->ids, (f->n_ids + 1) * sizeof *f->ids);
    f->ids[f->n_ids++] = tg_xstrdup(id->digits);
    return 0;
}

/* Dates, persons and identity numbers of the title and the text: the
 * record's lists, and in f what the text part's terms need (the persons'
 * keys stay valid while *dpp lives: the caller frees it). */
static void add_mentions(tg_record_t *rec, found_t *f, tg_docpersons_t **dpp,
                         const tg_docbuild_in_t *in, const char *lang, const char *title,
                         const tg_words_t *words, int year)
{
    f->seen = json_object();
    f->pseen = json_object();
    if (title)
        tg_dates_scan(title, strlen(title), lang, year, on_date, f);
    tg_dates_scan_words(words, lang, year, on_date, f);
    sorted_dates(rec, f->seen);

    /* persons and identity numbers: read together, so that a number is
     * attached to the name it follows */
    tg_docpersons_t *dp = tg_docpersons_new(in->names);
    if (title)
        tg_docpersons_scan(dp, title, strlen(title));
    tg_docpersons_scan_words(dp, words);
    tg_docpersons_resolve(dp);
    add_persons(rec, f, dp);

    ids_t im = {f, json_object(), json_array()};
    for (size_t i = 0; i < tg_docpersons_nids(dp); i++)
        if (on_idnum(&im, tg_docpersons_id(dp, i)))
            break;
    *dpp = dp;
    json_t *d;
    size_t i;
    json_array_foreach(im.order, i, d)
    {
        if (!tg_record_append(
                rec, TG_LIST_IDS,
                json_string_value(json_object_get(im.by_digits, json_string_value(d)))))
            break;
    }
    json_decref(im.by_digits);
    json_decref(im.order);
}

void tg_docbuild(const tg_docbuild_in_t *in, tg_stemmers_t *st, tg_langid_t *langid,
                 tg_doc_t **out_doc, tg_record_t **out_rec)
{
    const tg_extract_t *x = in->x;
    tg_record_t *rec = tg_record_new();

    const char *text = tg_buf_str(&x->text);
    size_t tlen = x->text.len;
    char lang[8] = "und";
    if (tlen > 0 && langid)
        tg_langid_guess(langid, text, tlen, lang);

    const char *title = json_string_value(json_object_get(x->meta, "title"));
    if (title) {
        tg_record_set_title(rec, title, TG_TITLE_SOURCE_METADATA);
    } else {
        /* no title of its own: its first line, when that reads as one
         * (title.h); its words are body words already, and the writer's
         * composer gives it its title terms */
        tg_buf_t fl;
        tg_buf_init(&fl, TG_TITLE_MAX + 1);
        if (tg_title_first_line(text, tlen, lang, &fl))
            tg_record_set_title(rec, tg_buf_str(&fl), TG_TITLE_SOURCE_FIRST_LINE);
        tg_buf_free(&fl);
    }
    /* the order of numeric dates (05/08/2025) follows the language; a text
     * too short for the guesser still shows it in its function words */
    const char *order = strcmp(lang, "und") ? lang : tg_dates_guess_lang(text, tlen);
    tg_date_t date;
    set_date(rec, in, order, text, tlen, &date);
    /* a day without its year ("el 5 de agosto") may take the document's */
    found_t f = {0};
    tg_docpersons_t *dp = NULL;
    /* the text's words, cut once for the scanners, the terms and the
     * marks (each used to cut them again) */
    tg_words_t words;
    tg_words_init(&words, text, tlen, TG_WORDS_MAX);
    add_mentions(rec, &f, &dp, in, order, title, &words, date.year);

    tg_text_part_t tp = {
        .text = text,
        .len = tlen,
        .words = &words,
        .lang = lang,
        .title = title,
        .from = json_string_value(json_object_get(x->meta, "from")),
        .to = json_string_value(json_object_get(x->meta, "to")),
        .cc = json_string_value(json_object_get(x->meta, "cc")),
        .mentions = f.dates,
        .n_mentions = f.n_dates,
        .persons = f.persons,
        .n_persons = f.n_persons,
        .ids = (const char *const *)f.ids,
        .n_ids = f.n_ids,
        .person_forms = (const char *const *)f.pforms,
        .n_person_forms = f.n_pforms,
        .person_ids = (const char *const *)f.pids,
        .n_person_ids = f.n_pids,
    };
    unsigned *starts;
    size_t npages;
    tg_doc_t *doc = tg_compose_text(&tp, st, &starts, &npages);
    tg_docpersons_free(dp);
    json_decref(f.seen);
    free(f.dates);
    free(f.persons);
    for (size_t i = 0; i < f.n_ids; i++)
        free(f.ids[i]);
    free(f.ids);
    json_decref(f.pseen);
    for (size_t i = 0; i < f.n_pforms; i++)
        free(f.pforms[i]);
    free(f.pforms);
    for (size_t i = 0; i < f.n_pids; i++)
        free(f.pids[i]);
    free(f.pids);

    tg_record_set_sha256(rec, in->sha);
    tg_record_set_size(rec, (int64_t)in->size);
    tg_record_set_mime(rec, in->mime);
    tg_record_set_kind(rec, in->kind);
    tg_record_set_lang(rec, lang);
    tg_record_set_meta_json(rec, x->meta);
    tg_record_set_charset(rec, x->charset);
    if (x->pages || npages > 1)
        tg_record_set_pages(rec, x->pages ? x->pages : (int64_t)npages, starts, npages);
    free(starts);
    tg_record_set_text_bytes(rec, (int64_t)tlen);
    set_text_marks(rec, &words, text, tlen);
    tg_words_free(&words);
    tg_record_set_extractor(rec, TG_EXTRACTOR_VERSION);
    if (in->failure)
        tg_record_set_extraction(rec, TG_EXTRACTION_FAILED, in->failure);
    else
        tg_record_set_extraction(
            rec, in->unsupported ? TG_EXTRACTION_UNSUPPORTED : TG_EXTRACTION_OK, NULL);
    tg_record_set_warnings_json(rec, x->warnings);
    tg_record_set_ocr_json(rec, x->ocr);
    tg_record_set_ocr_skipped(rec, x->ocr_skipped);

    *out_doc = doc;
    *out_rec = rec;
}
