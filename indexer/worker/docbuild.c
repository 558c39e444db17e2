/* Document building (see docbuild.h and lib/index/schema.h for what each term and
 * value means).
 *
 * Runs in the worker processes, on text that may be hostile: every list it
 * builds from the text (dates, persons, numbers) is capped, in terms
 * (TG_MAX_TERMS_PER_KIND) and in the record (TG_MAX_RECORD_*). */
#define _POSIX_C_SOURCE 200809L
#include "docbuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "docpersons.h"
#include "idnum.h"
#include "personterms.h"
#include "text.h"
#include "util.h"
#include "worker.h"

static void add_bool(tg_doc_t *doc, tg_buf_t *term, const char *prefix, const char *value)
{
    tg_buf_reset(term);
    tg_bool_term(term, prefix, value);
    tg_doc_add_term(doc, term->data, term->len, 0);
}

/* Indexes the body page by page; returns the array of page start positions. */
static json_t *index_pages(tg_doc_t *doc, tg_stemmers_t *st, const char *lang, const char *text,
                           size_t len, unsigned *npages)
{
    json_t *page_pos = json_array();
    unsigned pos = 0;
    const char *p = text, *end = text + len;
    *npages = 0;
    while (len > 0) {
        const char *ff = memchr(p, '\f', (size_t)(end - p));
        const char *pe = ff ? ff : end;
        json_array_append_new(page_pos, json_integer(pos));
        tg_index_text(doc, st, lang, "", p, (size_t)(pe - p), &pos, 0);
        ++*npages;
        if (!ff)
            break;
        p = ff + 1;
    }
    return page_pos;
}

/* Sets the document date d (from source) as terms, values and record. */
static void put_date(tg_doc_t *doc, json_t *rec, const char *iso, const tg_date_t *d,
                     const char *source)
{
    tg_date_add_terms(doc, TG_PREFIX_DATE, d);
    /* "2024-07-30T10:00:00Z" -> "20240730100000" */
    char v[32];
    size_t k = 0;
    for (const char *c = iso; *c && k < 14; c++)
        if (*c >= '0' && *c <= '9')
            v[k++] = *c;
    tg_doc_set_value(doc, TG_SLOT_DATE, v, k);
    for (size_t i = 0; i < k; i++)
        v[i] = (char)('9' - (v[i] - '0'));
    tg_doc_set_value(doc, TG_SLOT_DATE_NEWEST, v, k);
    snprintf(v, sizeof v, "%04d", d->year);
    tg_doc_set_value(doc, TG_SLOT_YEAR, v, strlen(v));
    if (d->month) {
        snprintf(v, sizeof v, "%04d-%02d", d->year, d->month);
        tg_doc_set_value(doc, TG_SLOT_MONTH, v, strlen(v));
    }
    tg_rec_set_str(rec, TG_REC_DATE, iso);
    tg_rec_set_str(rec, TG_REC_DATE_SOURCE, source);
}

/* The document date by precedence (see docbuild.h); fills *d (year 0 when
 * undated). */
static void set_date(tg_doc_t *doc, json_t *rec, const tg_docbuild_in_t *in, const char *lang,
                     const char *text, size_t len, tg_date_t *d)
{
    const tg_extract_t *x = in->x;
    char iso[16];
    if (x->date && tg_date_parse(x->date, strlen(x->date), d) == 0) {
        put_date(doc, rec, x->date, d, x->date_source ? x->date_source : "metadata");
        return;
    }
    if (in->sidecar_date && tg_date_parse(in->sidecar_date, strlen(in->sidecar_date), d) == 0) {
        put_date(doc, rec, in->sidecar_date, d, TG_DATE_SOURCE_SIDECAR);
        return;
    }
    if (in->name && tg_dates_in_name(in->name, lang, d) == 0) {
        tg_date_format(d, iso, sizeof iso);
        put_date(doc, rec, iso, d, TG_DATE_SOURCE_FILENAME);
        return;
    }
    if (len > 0 && tg_dates_first_line(text, len, lang, d) == 0) {
        tg_date_format(d, iso, sizeof iso);
        put_date(doc, rec, iso, d, TG_DATE_SOURCE_FIRST_LINE);
        return;
    }
    d->year = d->month = d->day = 0;
    tg_doc_set_value(doc, TG_SLOT_DATE, "~", 1);
    tg_doc_set_value(doc, TG_SLOT_DATE_NEWEST, "~", 1);
}

/* ==== What the text mentions ============================================== */

typedef struct {
    tg_doc_t *doc;
    json_t *seen; /* object: date -> true */
} mentions_t;

static int on_date(void *ctx, const tg_date_mention_t *m)
{
    mentions_t *c = ctx;
    char d[16];
    tg_date_format(&m->date, d, sizeof d);
    if (json_object_get(c->seen, d))
        return 0;
    if (json_object_size(c->seen) >= TG_MAX_TERMS_PER_KIND)
        return 1;
    json_object_set_new(c->seen, d, json_true());
    tg_date_add_terms(c->doc, TG_PREFIX_MENTION, &m->date);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Record list: the distinct dates, oldest first. */
static json_t *sorted_dates(json_t *seen)
{
    size_t n = json_object_size(seen), i = 0;
    const char **v = tg_xcalloc(n ? n : 1, sizeof *v);
    const char *k;
    json_t *val;
    json_object_foreach(seen, k, val) v[i++] = k;
    qsort(v, n, sizeof *v, cmp_str);
    json_t *a = json_array();
    for (i = 0; i < n && i < TG_MAX_RECORD_MENTIONS; i++)
        json_array_append_new(a, json_string(v[i]));
    free(v);
    return a;
}

/* Record list and XP terms: the persons of the document (docpersons.h),
 * most mentioned first, one term per person. */
static void add_persons(tg_doc_t *doc, json_t *rec, const tg_docpersons_t *dp)
{
    size_t n = tg_docpersons_count(dp);
    json_t *list = json_array(), *terms = json_object();
    tg_buf_t term;
    tg_buf_init(&term, 4096);
    for (size_t i = 0; i < n; i++) {
        const tg_docperson_t *p = tg_docpersons_get(dp, i);
        if (!json_object_get(terms, p->key) && json_object_size(terms) < TG_MAX_TERMS_PER_KIND) {
            json_object_set_new(terms, p->key, json_true());
            tg_buf_reset(&term);
            tg_bool_term(&term, TG_PREFIX_PERSON, p->key);
            tg_doc_add_term(doc, term.data, term.len, 0);
            /* its shorter forms and identity numbers (across the archive) */
            tg_personterms_add(doc, p, &term);
        }
        if (i >= TG_MAX_RECORD_PERSONS)
            continue;
        json_t *e = json_object(), *forms = json_array();
        tg_rec_set_str(e, "name", p->name);
        tg_rec_set_str(e, "key", p->key);
        for (size_t k = 0; k < p->nforms && k < TG_MAX_RECORD_FORMS; k++)
            json_array_append_new(forms, json_string(p->forms[k]));
        json_object_set_new(e, "forms", forms);
        json_object_set_new(e, "count", json_integer((json_int_t)p->count));
        json_object_set_new(e, "listed", json_boolean(p->listed));
        if (p->nids) {
            json_t *ids = json_array();
            for (size_t k = 0; k < p->nids; k++)
                json_array_append_new(ids, json_string(p->ids[k]));
            json_object_set_new(e, "ids", ids);
        }
        json_array_append_new(list, e);
    }
    if (json_array_size(list))
        json_object_set_new(rec, TG_REC_PERSONS, list);
    else
        json_decref(list);
    json_decref(terms);
    tg_buf_free(&term);
}

typedef struct {
    tg_doc_t *doc;
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
    char term[32];
    int n = snprintf(term, sizeof term, "%s%s", TG_PREFIX_IDNUM, id->digits);
    tg_doc_add_term(c->doc, term, (size_t)n, 0);
    return 0;
}

/* Dates, persons and identity numbers of the title and the text: terms
 * and record lists. */
static void add_mentions(tg_doc_t *doc, json_t *rec, const tg_docbuild_in_t *in, const char *lang,
                         const char *title, const char *text, size_t len, int year)
{
    mentions_t dm = {doc, json_object()};
    if (title)
        tg_dates_scan(title, strlen(title), lang, year, on_date, &dm);
    tg_dates_scan(text, len, lang, year, on_date, &dm);
    if (json_object_size(dm.seen))
        json_object_set_new(rec, TG_REC_MENTIONS, sorted_dates(dm.seen));
    json_decref(dm.seen);

    /* persons and identity numbers: read together, so that a number is
     * attached to the name it follows */
    tg_docpersons_t *dp = tg_docpersons_new(in->names);
    if (title)
        tg_docpersons_scan(dp, title, strlen(title));
    tg_docpersons_scan(dp, text, len);
    tg_docpersons_resolve(dp);
    add_persons(doc, rec, dp);

    ids_t im = {doc, json_object(), json_array()};
    for (size_t i = 0; i < tg_docpersons_nids(dp); i++)
        if (on_idnum(&im, tg_docpersons_id(dp, i)))
            break;
    tg_docpersons_free(dp);
    if (json_array_size(im.order)) {
        json_t *a = json_array(), *d;
        size_t i;
        json_array_foreach(im.order, i, d)
        {
            if (i >= TG_MAX_RECORD_IDS)
                break;
            json_array_append(a, json_object_get(im.by_digits, json_string_value(d)));
        }
        json_object_set_new(rec, TG_REC_IDS, a);
    }
    json_decref(im.by_digits);
    json_decref(im.order);
}

void tg_docbuild(const tg_docbuild_in_t *in, tg_stemmers_t *st, tg_langid_t *langid,
                 tg_doc_t **out_doc, json_t **out_rec)
{
    const tg_extract_t *x = in->x;
    tg_doc_t *doc = tg_doc_new();
    json_t *rec = json_object();
    tg_buf_t term;
    tg_buf_init(&term, 1024);

    tg_id_term(&term, in->sha);
    tg_doc_add_term(doc, term.data, term.len, 0);
    add_bool(doc, &term, TG_PREFIX_KIND, in->kind);

    const char *text = tg_buf_str(&x->text);
    size_t tlen = x->text.len;
    char lang[8] = "und";
    if (tlen > 0 && langid)
        tg_langid_guess(langid, text, tlen, lang);
    add_bool(doc, &term, TG_PREFIX_LANG, lang);

    unsigned npages = 0;
    json_t *page_pos = index_pages(doc, st, lang, text, tlen, &npages);

    const char *title = tg_rec_str(x->meta, "title");
    if (title) {
        unsigned tpos = 0;
        tg_index_text(doc, st, lang, TG_PREFIX_TITLE, title, strlen(title), &tpos, 0);
        /* title words count as body words too, without positions */
        tg_index_text(doc, st, lang, "", title, strlen(title), NULL, 1);
        tg_rec_set_str(rec, TG_REC_TITLE, title);
        json_object_set_new(rec, TG_REC_TITLE_SOURCE, json_string("metadata"));
    }
    /* mail: the words of the sender and of the recipients (from:, to:);
     * To and Cc are kept apart by a gap, so a phrase cannot span them */
    const char *from = tg_rec_str(x->meta, "from");
    if (from) {
        unsigned fpos = 0;
        tg_index_text(doc, st, lang, TG_PREFIX_FROM, from, strlen(from), &fpos, 0);
    }
    static const char *const rcpt[] = {"to", "cc"};
    unsigned rpos = 0;
    for (size_t i = 0; i < TG_ARRAY_LEN(rcpt); i++) {
        const char *v = tg_rec_str(x->meta, rcpt[i]);
        if (v) {
            tg_index_text(doc, st, lang, TG_PREFIX_TO, v, strlen(v), &rpos, 0);
            rpos += 10;
        }
    }
    /* the order of numeric dates (05/08/2025) follows the language; a text
     * too short for the guesser still shows it in its function words */
    const char *order = strcmp(lang, "und") ? lang : tg_dates_guess_lang(text, tlen);
    tg_date_t date;
    set_date(doc, rec, in, order, text, tlen, &date);
    /* a day without its year ("el 5 de agosto") may take the document's */
    add_mentions(doc, rec, in, order, title, text, tlen, date.year);

    char v[32];
    snprintf(v, sizeof v, "%016llu", (unsigned long long)in->size);
    tg_doc_set_value(doc, TG_SLOT_SIZE, v, strlen(v));
    tg_doc_set_value(doc, TG_SLOT_KIND, in->kind, strlen(in->kind));
    tg_doc_set_value(doc, TG_SLOT_LANG, lang, strlen(lang));

    json_object_set_new(rec, TG_REC_SHA256, json_string(in->sha));
    json_object_set_new(rec, TG_REC_SIZE, json_integer((json_int_t)in->size));
    tg_rec_set_str(rec, TG_REC_MIME, in->mime);
    json_object_set_new(rec, TG_REC_KIND, json_string(in->kind));
    json_object_set_new(rec, TG_REC_LANG, json_string(lang));
    if (json_object_size(x->meta))
        json_object_set(rec, TG_REC_META, x->meta);
    if (x->charset)
        json_object_set_new(rec, TG_REC_CHARSET, json_string(x->charset));
    if (x->pages || npages > 1) {
        json_object_set_new(rec, TG_REC_PAGES, json_integer(x->pages ? x->pages : npages));
        json_object_set(rec, TG_REC_PAGE_POS, page_pos);
    }
    json_decref(page_pos);
    json_object_set_new(rec, TG_REC_TEXT_BYTES, json_integer((json_int_t)tlen));
    json_object_set_new(rec, TG_REC_EXTRACTOR, json_integer(TG_EXTRACTOR_VERSION));
    if (in->failure) {
        json_object_set_new(rec, TG_REC_EXTRACTION, json_string(TG_EXTRACTION_FAILED));
        tg_rec_set_str(rec, TG_REC_EXTRACTION_ERROR, in->failure);
    } else {
        json_object_set_new(
            rec, TG_REC_EXTRACTION,
            json_string(in->unsupported ? TG_EXTRACTION_UNSUPPORTED : TG_EXTRACTION_OK));
    }
    if (json_array_size(x->warnings))
        json_object_set(rec, TG_REC_WARNINGS, x->warnings);
    if (x->ocr)
        json_object_set(rec, TG_REC_OCR, x->ocr);
    if (x->ocr_skipped)
        json_object_set_new(rec, TG_REC_OCR_SKIPPED, json_true());

    tg_buf_free(&term);
    *out_doc = doc;
    *out_rec = rec;
}
