/* The search library (see search.h): parse, run, and dress each hit with its
 * record, title, page and snippet. */
#define _POSIX_C_SOURCE 200809L
#include "search.h"

#include <string.h>

#include "schema.h"
#include "util.h"

/* Matches counted exactly (so "total" is exact) up to this many. */
#define EXACT_COUNT 10000
/* Extracted text read for one snippet. */
#define SNIPPET_TEXT_MAX ((size_t)64 << 20)

struct tg_archive {
    tg_store_t *store;
    tg_db_t *db;
};

tg_status_t tg_archive_open(const char *dir, tg_archive_t **out, char *err, size_t errlen)
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
    *out = a;
    return TG_OK;
}

void tg_archive_close(tg_archive_t *a)
{
    if (!a)
        return;
    tg_db_close(a->db);
    tg_store_close(a->store);
    free(a);
}

tg_status_t tg_archive_refresh(tg_archive_t *a)
{
    return tg_db_reopen(a->db, NULL);
}

tg_db_t *tg_archive_db(tg_archive_t *a)
{
    return a->db;
}

tg_store_t *tg_archive_store(tg_archive_t *a)
{
    return a->store;
}

const char *tg_record_title(const json_t *rec)
{
    const char *t = tg_rec_str(rec, TG_REC_TITLE);
    if (t && *t)
        return t;
    json_t *l = json_array_get(json_object_get(rec, TG_REC_LOCATIONS), 0);
    const char *p = l ? tg_rec_str(l, "path") : NULL;
    return p ? tg_location_basename(p) : tg_rec_str(rec, TG_REC_SHA256);
}

static const unsigned facet_slots[] = {TG_SLOT_KIND, TG_SLOT_LANG, TG_SLOT_YEAR, TG_SLOT_MONTH,
                                       TG_SLOT_FOLDER};
static const char *const facet_names[] = {"kind", "lang", "year", "month", "folder"};

static int facet_cb(void *ctx, const char *value, size_t len, unsigned freq)
{
    if (len > 0)
        json_object_setn_new(ctx, value, len, json_integer(freq));
    return 0;
}

tg_status_t tg_search_run(tg_archive_t *a, tg_qparser_t *qp, const char *query,
                          const tg_search_req_t *req, tg_results_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    double t0 = tg_now();
    tg_parsed_t parsed;
    tg_status_t st = tg_query_parse(qp, query, &req->parse, &parsed, err, errlen);
    if (st)
        return st;
    tg_search_opts_t so = {
        .offset = req->offset,
        .limit = req->limit,
        .sort_slot = req->sort == TG_SORT_RELEVANCE ? -1 : TG_SLOT_DATE,
        .sort_descending = 0,
        .check_at_least = EXACT_COUNT,
        .time_limit = req->time_limit,
    };
    if (req->facets) {
        so.facet_slots = facet_slots;
        so.n_facet_slots = TG_ARRAY_LEN(facet_slots);
    }
    tg_mset_t *ms = NULL;
    if (req->sort == TG_SORT_DATE_DESC)
        so.sort_slot = TG_SLOT_DATE_NEWEST;
    if (req->hide_restricted) {
        tg_query_t *v[2] = {parsed.query,
                            tg_query_term(TG_TERM_RESTRICTED, strlen(TG_TERM_RESTRICTED), 0)};
        parsed.query = tg_query_combine(TG_Q_AND_NOT, v, 2, 0);
    }
    st = tg_db_search(a->db, parsed.query, &so, &ms);
    if (st) {
        tg_errf(err, errlen, "%s", tg_db_error(a->db));
        tg_parsed_free(&parsed);
        return st;
    }
    unsigned lower, est, upper;
    tg_mset_estimate(ms, &lower, &est, &upper);
    out->total = est;
    out->total_exact = lower == upper;
    unsigned n = tg_mset_size(ms);
    out->hits = tg_xcalloc(n ? n : 1, sizeof *out->hits);
    tg_buf_t text;
    for (unsigned i = 0; i < n; i++) {
        tg_hit_t *h = &out->hits[out->n];
        tg_doc_t *doc;
        if (tg_mset_doc(ms, i, &doc))
            continue;
        size_t len;
        char *data = tg_doc_get_data(doc, &len);
        tg_doc_free(doc);
        h->rec = tg_record_parse(data, len);
        free(data);
        if (!h->rec)
            h->rec = json_object();
        h->docid = tg_mset_docid(ms, i);
        h->percent = tg_mset_percent(ms, i);
        h->title = tg_xstrdup(tg_record_title(h->rec) ? tg_record_title(h->rec) : "");
        const char *sha = tg_rec_str(h->rec, TG_REC_SHA256);
        tg_buf_init(&text, SNIPPET_TEXT_MAX);
        if (sha && tg_sha256_valid(sha))
            tg_store_get_text(a->store, sha, &text);
        tg_snippet_src_t src = {
            .db = a->db,
            .docid = h->docid,
            .page_pos = json_object_get(h->rec, TG_REC_PAGE_POS),
            .text = tg_buf_str(&text),
            .text_len = text.len,
        };
        tg_snippet_make(&src, &parsed, req->snippet_bytes ? req->snippet_bytes : 240, &h->snippet);
        tg_buf_free(&text);
        out->n++;
    }
    if (req->facets) {
        out->facets = json_object();
        for (size_t f = 0; f < TG_ARRAY_LEN(facet_slots); f++) {
            json_t *o = json_object();
            tg_mset_each_facet(ms, facet_slots[f], facet_cb, o);
            json_object_set_new(out->facets, facet_names[f], o);
        }
    }
    tg_mset_free(ms);
    tg_parsed_free(&parsed);
    out->seconds = tg_now() - t0;
    return TG_OK;
}

void tg_results_free(tg_results_t *r)
{
    for (size_t i = 0; i < r->n; i++) {
        json_decref(r->hits[i].rec);
        free(r->hits[i].title);
        tg_snippet_free(&r->hits[i].snippet);
    }
    free(r->hits);
    json_decref(r->facets);
    memset(r, 0, sizeof *r);
}

const json_t *tg_hit_ocr_page(const tg_hit_t *h)
{
    json_t *pages = json_object_get(json_object_get(h->rec, TG_REC_OCR), "pages"), *p;
    int64_t want = h->snippet.page ? h->snippet.page : 1;
    size_t i;
    json_array_foreach(pages, i, p)
    {
        if (tg_rec_int(p, "page", 0) == want && json_object_get(p, "confidence"))
            return p;
    }
    return NULL;
}

json_t *tg_hit_json(const tg_hit_t *h)
{
    const json_t *rec = h->rec;
    json_t *o = json_object();
    const char *sha = tg_rec_str(rec, TG_REC_SHA256);
    json_object_set_new(o, "sha256", sha ? json_string(sha) : json_null());
    tg_rec_set_str(o, "title", h->title);
    json_t *locs = json_array(), *e;
    size_t i;
    json_array_foreach(json_object_get(rec, TG_REC_LOCATIONS), i, e)
    {
        const char *p = tg_rec_str(e, "path");
        if (p)
            json_array_append_new(locs, json_string(p));
    }
    json_object_set_new(o, "locations", locs);
    const char *mime = tg_rec_str(rec, TG_REC_MIME);
    json_object_set_new(o, "type", mime ? json_string(mime) : json_null());
    const char *kind = tg_rec_str(rec, TG_REC_KIND);
    json_object_set_new(o, "kind", kind ? json_string(kind) : json_null());
    const char *date = tg_rec_str(rec, TG_REC_DATE);
    json_object_set_new(o, "date", date ? json_string(date) : json_null());
    const char *ds = tg_rec_str(rec, TG_REC_DATE_SOURCE);
    json_object_set_new(o, "date_source", ds ? json_string(ds) : json_null());
    json_object_set_new(o, "page", h->snippet.page ? json_integer(h->snippet.page) : json_null());
    char *plain = tg_snippet_render(&h->snippet, "", "");
    char *html = tg_snippet_html(&h->snippet);
    json_object_set_new(o, "snippet", json_string(plain));
    json_object_set_new(o, "snippet_html", json_string(html));
    free(plain);
    free(html);
    json_object_set_new(o, "size", json_integer(tg_rec_int(rec, TG_REC_SIZE, 0)));
    const char *lang = tg_rec_str(rec, TG_REC_LANG);
    json_object_set_new(o, "lang", lang ? json_string(lang) : json_null());
    json_object_set_new(o, "score", json_integer(h->percent));
    const char *ex = tg_rec_str(rec, TG_REC_EXTRACTION);
    json_object_set_new(o, "extraction", ex ? json_string(ex) : json_null());
    json_t *w = json_object_get(rec, TG_REC_WARNINGS);
    json_object_set_new(o, "warnings", json_is_array(w) ? json_copy(w) : json_array());
    const json_t *ocr = tg_hit_ocr_page(h);
    json_object_set_new(o, "ocr", ocr ? json_deep_copy(ocr) : json_null());
    return o;
}
