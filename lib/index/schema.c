/* The index schema (see schema.h): term generation for text, boolean terms,
 * dates, location keys and the document record.
 *
 * The index side (tg_index_text) and the query side (tg_word_term,
 * tg_word_stems) share the tokenizer and folding of text.c, and both stem
 * the *lowercased original* word and fold the stem afterwards.  Stemming the
 * accented word is what Snowball expects ("liberación" -> "liber"); folding
 * the result makes "Liberación" and "LIBERACIÓN" meet.  A query typed without
 * accents still finds the accented word through its folded exact term. */
#define _POSIX_C_SOURCE 200809L
#include "schema.h"

#include <stdio.h>
#include <string.h>

#include "hash.h"
#include "text.h"
#include "util.h"

/* ==== Terms =============================================================== */

void tg_bool_term(tg_buf_t *out, const char *prefix, const char *value)
{
    size_t plen = strlen(prefix), vlen = strlen(value);
    if (plen + vlen <= TG_XAP_MAX_TERM) {
        tg_buf_add(out, prefix, plen);
        tg_buf_add(out, value, vlen);
        return;
    }
    char hex[TG_SHA256_HEX_LEN + 1];
    tg_sha256_hex(value, vlen, hex);
    tg_buf_add(out, prefix, plen);
    tg_buf_addc(out, '#');
    tg_buf_add(out, hex, TG_SHA256_HEX_LEN);
}

void tg_id_term(tg_buf_t *out, const char *sha256)
{
    tg_buf_adds(out, TG_PREFIX_ID);
    tg_buf_adds(out, sha256);
}

/* A word as written, with what indexing makes of it.  Natural text repeats
 * its words (half of a page's words have been seen before, in the same or
 * an earlier document), so the folded form and the stems are computed once
 * per distinct spelling and kept here; lowercasing, folding and Snowball
 * are most of the cost of indexing a word. */
typedef struct {
    char *word; /* NULL: free slot */
    size_t wlen;
    uint32_t hash;
    char *fold;    /* folded word (no prefix); "" if too long to index */
    size_t flen;   /* its length */
    char *stem[2]; /* "Z" + folded stem, Spanish and English; NULL until asked */
    size_t zlen[2];
    int zsame[2]; /* the stem is the folded word itself (not written) */
} word_t;

/* Words remembered per process; the table is emptied when 3/4 full. */
#define WORD_CACHE 65536

struct tg_stemmers {
    tg_stemmer_t *st[2]; /* Spanish, English */
    word_t *cache;
    size_t used;
    tg_buf_t lower, tmp;
};

tg_stemmers_t *tg_stemmers_new(void)
{
    tg_stemmers_t *s = tg_xcalloc(1, sizeof *s);
    /* Xapian always has these two; if not, words simply go unstemmed */
    tg_stemmer_new("spanish", &s->st[0]);
    tg_stemmer_new("english", &s->st[1]);
    tg_buf_init(&s->lower, 4 * TG_MAX_WORD + 64);
    tg_buf_init(&s->tmp, 4 * TG_MAX_WORD + 64);
    return s;
}

static void cache_clear(tg_stemmers_t *s)
{
    if (!s->cache)
        return;
    for (size_t i = 0; i < WORD_CACHE; i++) {
        word_t *w = &s->cache[i];
        if (w->word) {
            free(w->word);
            free(w->fold);
            free(w->stem[0]);
            free(w->stem[1]);
            memset(w, 0, sizeof *w);
        }
    }
    s->used = 0;
}

void tg_stemmers_free(tg_stemmers_t *s)
{
    if (!s)
        return;
    cache_clear(s);
    free(s->cache);
    tg_stemmer_free(s->st[0]);
    tg_stemmer_free(s->st[1]);
    tg_buf_free(&s->lower);
    tg_buf_free(&s->tmp);
    free(s);
}

/* The cache entry of a word (of at most 4 * TG_MAX_WORD bytes). */
static word_t *lookup(tg_stemmers_t *s, const char *word, size_t len)
{
    if (!s->cache)
        s->cache = tg_xcalloc(WORD_CACHE, sizeof *s->cache);
    if (s->used >= WORD_CACHE / 4 * 3)
        cache_clear(s);
    uint32_t h = tg_fnv1a(word, len);
    size_t i = h & (WORD_CACHE - 1);
    for (;; i = (i + 1) & (WORD_CACHE - 1)) {
        word_t *w = &s->cache[i];
        if (!w->word)
            break;
        if (w->hash == h && w->wlen == len && !memcmp(w->word, word, len))
            return w;
    }
    word_t *w = &s->cache[i];
    w->word = tg_xstrndup(word, len);
    w->wlen = len;
    w->hash = h;
    tg_buf_reset(&s->tmp);
    size_t n = tg_fold(word, len, &s->tmp);
    w->fold = tg_xstrdup(n > 0 && n <= TG_MAX_WORD ? tg_buf_str(&s->tmp) : "");
    w->flen = strlen(w->fold);
    s->used++;
    return w;
}

/* "Z" + the folded stem of w in language k (0 Spanish, 1 English). */
static const char *stem_of(tg_stemmers_t *s, word_t *w, int k)
{
    if (!w->stem[k] && s->st[k]) {
        tg_buf_reset(&s->lower);
        tg_lower(w->word, w->wlen, &s->lower);
        char *stem = tg_stem(s->st[k], tg_buf_str(&s->lower), s->lower.len);
        tg_buf_reset(&s->tmp);
        tg_buf_adds(&s->tmp, TG_PREFIX_STEM);
        tg_fold(stem, strlen(stem), &s->tmp);
        free(stem);
        w->stem[k] = tg_xstrdup(tg_buf_str(&s->tmp));
        w->zlen[k] = strlen(w->stem[k]);
        w->zsame[k] = !strcmp(w->stem[k] + strlen(TG_PREFIX_STEM), w->fold);
    }
    return w->stem[k];
}

void tg_index_words(tg_doc_t *doc, tg_stemmers_t *st, const char *lang, const char *prefix,
                    const char *text, tg_wordcur_t *cur, size_t limit, unsigned *pos,
                    unsigned wdf_inc)
{
    unsigned stem_wdf = pos ? 1 : wdf_inc;
    int want[2] = {0, 0};
    if (!prefix[0]) {
        want[0] = strcmp(lang, "en") != 0;
        want[1] = strcmp(lang, "es") != 0;
    }
    tg_buf_t term;
    tg_buf_init(&term, 4 * TG_MAX_WORD + 16);
    size_t plen = strlen(prefix);
    size_t a, b;
    while (tg_wordcur_next_before(cur, limit, &a, &b)) {
        if (pos)
            ++*pos;
        if (b - a > 4 * TG_MAX_WORD)
            continue;
        word_t *w = lookup(st, text + a, b - a);
        if (!w->fold[0])
            continue;
        /* the body's words (no prefix) are their folded form as cached */
        const char *t = w->fold;
        size_t tlen = w->flen;
        if (plen) {
            tg_buf_reset(&term);
            tg_buf_add(&term, prefix, plen);
            tg_buf_add(&term, w->fold, w->flen);
            t = term.data;
            tlen = term.len;
        }
        if (pos)
            tg_doc_add_posting(doc, t, tlen, *pos);
        else
            tg_doc_add_term(doc, t, tlen, wdf_inc);
        for (int k = 0; k < 2; k++) {
            /* a stem that is the word itself is not written: the word's
             * own term stands for it (a search for the stem asks for both,
             * lib/read/query.c); a quarter of a text's terms */
            const char *z = want[k] ? stem_of(st, w, k) : NULL;
            if (z && !w->zsame[k])
                tg_doc_add_term(doc, z, w->zlen[k], stem_wdf);
        }
    }
    tg_buf_free(&term);
}

void tg_index_text(tg_doc_t *doc, tg_stemmers_t *st, const char *lang, const char *prefix,
                   const char *text, size_t len, unsigned *pos, unsigned wdf_inc)
{
    tg_wordcur_t cur;
    tg_wordcur_init(&cur, NULL, text, len);
    tg_index_words(doc, st, lang, prefix, text, &cur, len, pos, wdf_inc);
}

int tg_word_term(tg_buf_t *out, const char *word, size_t len)
{
    if (len > 4 * TG_MAX_WORD)
        return 0;
    size_t n = tg_fold(word, len, out);
    return n > 0 && n <= TG_MAX_WORD;
}

void tg_word_stems(tg_stemmers_t *st, const char *word, size_t len,
                   void (*cb)(void *ctx, const char *term, size_t len), void *ctx)
{
    if (len > 4 * TG_MAX_WORD)
        return;
    word_t *w = lookup(st, word, len);
    const char *es = stem_of(st, w, 0), *en = stem_of(st, w, 1);
    if (es)
        cb(ctx, es, strlen(es));
    if (en && (!es || strcmp(es, en) != 0))
        cb(ctx, en, strlen(en));
}

void tg_fold_value(tg_buf_t *out, const char *value, size_t len)
{
    tg_tok_t tok;
    tg_tok_init(&tok, value, len);
    size_t a, b, start = out->len;
    while (tg_tok_next(&tok, &a, &b)) {
        if (out->len > start)
            tg_buf_addc(out, ' ');
        tg_fold(value + a, b - a, out);
    }
}

static int collect_prefixed(void *ctx, const char *term, size_t len, unsigned freq)
{
    (void)freq;
    json_t **a = ctx;
    json_array_append_new(a[0], json_stringn(term, len));
    return 0;
}

void tg_doc_remove_prefixed(tg_doc_t *doc, const char *prefix)
{
    json_t *terms = json_array(), *e;
    json_t *ctx[1] = {terms};
    tg_doc_each_term(doc, prefix, collect_prefixed, ctx);
    size_t plen = strlen(prefix), i;
    json_array_foreach(terms, i, e)
    {
        const char *t = json_string_value(e);
        if (t && !(t[plen] >= 'A' && t[plen] <= 'Z'))
            tg_doc_remove_term(doc, t);
    }
    json_decref(terms);
}

/* ==== Dates =============================================================== */

int tg_date_source_is_own(const char *source)
{
    if (!source || !*source)
        return 0;
    static const char *const weaker[] = {TG_DATE_SOURCE_SIDECAR, TG_DATE_SOURCE_FILENAME,
                                         TG_DATE_SOURCE_FIRST_LINE};
    for (size_t i = 0; i < TG_ARRAY_LEN(weaker); i++)
        if (!strcmp(source, weaker[i]))
            return 0;
    return strncmp(source, "text", 4) != 0; /* any guess from the text */
}

int tg_doc_set_date(tg_doc_t *doc, const char *iso)
{
    tg_doc_remove_prefixed(doc, TG_PREFIX_DATE);
    tg_doc_set_value(doc, TG_SLOT_YEAR, "", 0);
    tg_doc_set_value(doc, TG_SLOT_MONTH, "", 0);
    tg_date_t d;
    if (!iso || tg_date_parse(iso, strlen(iso), &d) != 0) {
        tg_doc_set_value(doc, TG_SLOT_DATE, "~", 1);
        tg_doc_set_value(doc, TG_SLOT_DATE_NEWEST, "~", 1);
        return -1;
    }
    tg_date_add_terms(doc, TG_PREFIX_DATE, &d);
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
    snprintf(v, sizeof v, "%04d", d.year);
    tg_doc_set_value(doc, TG_SLOT_YEAR, v, strlen(v));
    if (d.month) {
        snprintf(v, sizeof v, "%04d-%02d", d.year, d.month);
        tg_doc_set_value(doc, TG_SLOT_MONTH, v, strlen(v));
    }
    return 0;
}

int tg_days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return days[month - 1];
}

static int digits(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int tg_date_parse(const char *s, size_t len, tg_date_t *d)
{
    d->year = d->month = d->day = 0;
    if (len > 10 && s[10] == 'T')
        len = 10;
    if (len != 4 && len != 7 && len != 10)
        return -1;
    d->year = digits(s, 4);
    if (d->year < 1 || d->year > 9999)
        return -1;
    if (len >= 7) {
        if (s[4] != '-')
            return -1;
        d->month = digits(s + 5, 2);
        if (d->month < 1 || d->month > 12)
            return -1;
    }
    if (len == 10) {
        if (s[7] != '-')
            return -1;
        d->day = digits(s + 8, 2);
        if (d->day < 1 || d->day > tg_days_in_month(d->year, d->month))
            return -1;
    }
    return 0;
}

void tg_date_add_terms(tg_doc_t *doc, const char *prefix, const tg_date_t *d)
{
    char t[64];
    int n = snprintf(t, sizeof t, "%s%04d", prefix, d->year);
    tg_doc_add_term(doc, t, (size_t)n, 0);
    if (d->month) {
        n = snprintf(t, sizeof t, "%s%04d-%02d", prefix, d->year, d->month);
        tg_doc_add_term(doc, t, (size_t)n, 0);
    }
    if (d->day) {
        n = snprintf(t, sizeof t, "%s%04d-%02d-%02d", prefix, d->year, d->month, d->day);
        tg_doc_add_term(doc, t, (size_t)n, 0);
    }
}

typedef struct {
    tg_query_t **v;
    size_t n, cap;
} qlist_t;

static void qlist_add(qlist_t *l, const char *prefix, int y, int m, int d)
{
    char t[64];
    int n;
    if (m == 0)
        n = snprintf(t, sizeof t, "%s%04d", prefix, y);
    else if (d == 0)
        n = snprintf(t, sizeof t, "%s%04d-%02d", prefix, y, m);
    else
        n = snprintf(t, sizeof t, "%s%04d-%02d-%02d", prefix, y, m, d);
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 32;
        l->v = tg_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = tg_query_term(t, (size_t)n, 0);
}

/* Covers days [d1, d2] of one month. */
static void cover_month(qlist_t *l, const char *p, int y, int m, int d1, int d2)
{
    if (d1 == 1 && d2 == tg_days_in_month(y, m)) {
        qlist_add(l, p, y, m, 0);
        return;
    }
    for (int d = d1; d <= d2; d++)
        qlist_add(l, p, y, m, d);
}

/* Covers [m1/d1, m2/d2] of one year. */
static void cover_year(qlist_t *l, const char *p, int y, int m1, int d1, int m2, int d2)
{
    if (m1 == 1 && d1 == 1 && m2 == 12 && d2 == 31) {
        qlist_add(l, p, y, 0, 0);
        return;
    }
    for (int m = m1; m <= m2; m++) {
        int from = m == m1 ? d1 : 1;
        int to = m == m2 ? d2 : tg_days_in_month(y, m);
        cover_month(l, p, y, m, from, to);
    }
}

/* Open range ends: a range of more than a few centuries is a typing mistake
 * rather than a question about this archive. */
#define OPEN_START_YEAR 1800
#define OPEN_END_YEAR   2199

tg_status_t tg_date_range_query(const char *prefix, const tg_date_t *from, const tg_date_t *to,
                                tg_query_t **out)
{
    *out = NULL;
    if (from->year == 0 && to->year == 0)
        return TG_ERR_QUERY;
    int y1 = from->year ? from->year : OPEN_START_YEAR;
    int m1 = from->year && from->month ? from->month : 1;
    int d1 = from->year && from->day ? from->day : 1;
    int y2 = to->year ? to->year : OPEN_END_YEAR;
    int m2 = to->year && to->month ? to->month : 12;
    int d2 = to->year && to->day ? to->day : tg_days_in_month(y2, m2);
    if (y1 * 10000 + m1 * 100 + d1 > y2 * 10000 + m2 * 100 + d2)
        return TG_ERR_QUERY;
    qlist_t l = {0};
    for (int y = y1; y <= y2; y++)
        cover_year(&l, prefix, y, y == y1 ? m1 : 1, y == y1 ? d1 : 1, y == y2 ? m2 : 12,
                   y == y2 ? d2 : 31);
    *out = tg_query_combine(TG_Q_OR, l.v, l.n, 0);
    free(l.v);
    return TG_OK;
}

/* ==== Locations ============================================================ */

/* Bytes of a location kept at the head of its key when it is long.  Keys
 * are bytes to Xapian, so the cut is exact, never moved to a character
 * boundary: the head of a location and that of any location it begins
 * must be the same bytes. */
static size_t key_head(size_t n)
{
    return n < TG_LOC_KEY_HEAD ? n : TG_LOC_KEY_HEAD;
}

void tg_location_key(tg_buf_t *out, const char *location)
{
    size_t n = strlen(location);
    tg_buf_addc(out, 'L');
    if (n <= TG_META_KEY_MAX) {
        tg_buf_add(out, location, n);
        return;
    }
    char hex[TG_SHA256_HEX_LEN + 1];
    tg_sha256_hex(location, n, hex);
    tg_buf_add(out, location, key_head(n));
    tg_buf_addc(out, '\x1f');
    tg_buf_add(out, hex, TG_SHA256_HEX_LEN);
}

int tg_location_key_legacy(tg_buf_t *out, const char *location)
{
    size_t n = strlen(location);
    if (n <= TG_META_KEY_MAX)
        return 0;
    char hex[TG_SHA256_HEX_LEN + 1];
    tg_sha256_hex(location, n, hex);
    tg_buf_adds(out, "L#");
    tg_buf_add(out, hex, TG_SHA256_HEX_LEN);
    return 1;
}

int tg_location_key_prefix(tg_buf_t *out, const char *loc_prefix)
{
    size_t n = strlen(loc_prefix), h = key_head(n);
    tg_buf_addc(out, 'L');
    tg_buf_add(out, loc_prefix, h);
    return h < n;
}

const char *tg_location_basename(const char *location)
{
    const char *s = strrchr(location, '/');
    return s && s[1] ? s + 1 : location;
}

/* ==== The record ============================================================ */

json_t *tg_json_parse_object(const char *data, size_t len)
{
    json_t *j = json_loadb(data, len, 0, NULL);
    if (j && !json_is_object(j)) {
        json_decref(j);
        return NULL;
    }
    return j;
}

char *tg_json_dump(const json_t *rec, size_t *len)
{
    char *s = json_dumps(rec, JSON_COMPACT);
    if (!s)
        tg_oom();
    if (len)
        *len = strlen(s);
    return s;
}

const char *tg_rec_str(const json_t *rec, const char *key)
{
    const json_t *v = json_object_get(rec, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int64_t tg_rec_int(const json_t *rec, const char *key, int64_t dflt)
{
    const json_t *v = json_object_get(rec, key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

void tg_rec_set_str(json_t *rec, const char *key, const char *value)
{
    char *clean = tg_utf8_clean(value, strlen(value));
    json_object_set_new(rec, key, json_string(clean));
    free(clean);
}

void tg_rec_set_exact(json_t *rec, const char *key, const char *value)
{
    json_t *v = json_string(value); /* NULL unless valid UTF-8 */
    if (v)
        json_object_set_new(rec, key, v);
    else
        tg_rec_set_str(rec, key, value);
}
