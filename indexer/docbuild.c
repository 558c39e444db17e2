/* Document building (see docbuild.h and lib/schema.h for what each term and
 * value means). */
#define _POSIX_C_SOURCE 200809L
#include "docbuild.h"

#include <stdio.h>
#include <string.h>

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

static void set_date(tg_doc_t *doc, json_t *rec, const tg_extract_t *x)
{
    tg_date_t d;
    if (!x->date || tg_date_parse(x->date, strlen(x->date), &d) != 0) {
        tg_doc_set_value(doc, TG_SLOT_DATE, "~", 1);
        tg_doc_set_value(doc, TG_SLOT_DATE_NEWEST, "~", 1);
        return;
    }
    tg_date_add_terms(doc, TG_PREFIX_DATE, &d);
    /* "2024-07-30T10:00:00Z" -> "20240730100000" */
    char v[32];
    size_t k = 0;
    for (const char *c = x->date; *c && k < 14; c++)
        if (*c >= '0' && *c <= '9')
            v[k++] = *c;
    tg_doc_set_value(doc, TG_SLOT_DATE, v, k);
    for (size_t i = 0; i < k; i++)
        v[i] = (char)('9' - (v[i] - '0'));
    tg_doc_set_value(doc, TG_SLOT_DATE_NEWEST, v, k);
    snprintf(v, sizeof v, "%04d", d.year);
    tg_doc_set_value(doc, TG_SLOT_YEAR, v, strlen(v));
    if (d.month) {
        snprintf(v, sizeof v, "%04d-%02d", d.year, d.month);
        tg_doc_set_value(doc, TG_SLOT_MONTH, v, strlen(v));
    }
    tg_rec_set_str(rec, TG_REC_DATE, x->date);
    tg_rec_set_str(rec, TG_REC_DATE_SOURCE, x->date_source ? x->date_source : "metadata");
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
    set_date(doc, rec, x);

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

    tg_buf_free(&term);
    *out_doc = doc;
    *out_rec = rec;
}
