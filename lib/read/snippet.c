/* Snippets (see snippet.h).
 *
 * Finding the best hit: the positions of the query's exact words in the
 * document come from the index (cheap, exact); from them, the places where
 * each part of the query occurs whole (a word, a phrase's words in order,
 * a NEAR pair within its window), and the window of a dozen positions
 * holding whole occurrences of the most parts wins: so the excerpt and its
 * page are where the phrase, the NEAR or the AND matched, not where its
 * first word first appears.  Cost: linear in the positions of the query's
 * words (a binary search per phrase word), capped per term.  Its page is found
 * from the record's page start positions, and its place in the text by
 * tokenizing from the last text mark before it (record.h: a mark every
 * TG_TEXT_MARK_STEP bytes), in a window of at most TG_SNIPPET_WINDOW bytes
 * read from there: a 10 MB document costs what a 100 KB one does.  Only
 * when no exact word has positions (a stem or wildcard match) is the text
 * scanned, and then only its first TG_SNIPPET_SCAN bytes. */
#define _POSIX_C_SOURCE 200809L
#include "snippet.h"

#include <string.h>

#include "hash.h"
#include "schema.h"
#include "text.h"
#include "util.h"

#define WINDOW 12
/* positions read per term, and occurrences of query parts kept: beyond
 * these a huge document's excerpt is looked for in what was read */
#define MAX_TERM_POSITIONS TG_SNIPPET_MAX_POSITIONS
#define MAX_OCCURRENCES    ((size_t)1 << 17)
/* occurrences looked at from one window's start */
#define MAX_SPAN_STEPS 512

typedef struct {
    unsigned *v;
    size_t n, cap;
} poslist_t;

static int add_pos(void *ctx, unsigned pos)
{
    poslist_t *l = ctx;
    if (l->n >= MAX_TERM_POSITIONS)
        return 1;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = tg_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = pos;
    return 0;
}

/* The positions of a term in the document, ascending (Xapian's order).
 * An index error goes into *st (first one kept; its message on src->db). */
static poslist_t positions(const tg_snippet_src_t *src, const char *term, tg_status_t *st)
{
    poslist_t l = {0};
    tg_status_t s = tg_db_each_position(src->db, src->docid, term, add_pos, &l);
    if (s && !*st)
        *st = s;
    return l;
}

/* Does the sorted list hold pos?  (binary search from *from, which moves on) */
static int has_pos(const poslist_t *l, size_t *from, unsigned pos)
{
    size_t lo = *from, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->v[mid] < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    *from = lo;
    return lo < l->n && l->v[lo] == pos;
}

/* An occurrence of a query part: positions [start, end]. */
typedef struct {
    unsigned start, end;
    unsigned group;
} occ_t;

typedef struct {
    occ_t *v;
    size_t n, cap;
} occlist_t;

static int add_occ(occlist_t *o, unsigned start, unsigned end, unsigned group)
{
    if (o->n >= MAX_OCCURRENCES)
        return 1;
    if (o->n == o->cap) {
        o->cap = o->cap ? 2 * o->cap : 256;
        o->v = tg_xrealloc(o->v, o->cap * sizeof *o->v);
    }
    o->v[o->n++] = (occ_t){start, end, group};
    return 0;
}

/* The occurrences of group gi: each position of a word; each place a
 * phrase's words stand in order; each pair of a NEAR's words within its
 * window. */
static void group_occurrences(const tg_snippet_src_t *src, const tg_hitgroup_t *g, unsigned gi,
                              occlist_t *out, tg_status_t *st)
{
    poslist_t *l = tg_xcalloc(g->n, sizeof *l);
    for (size_t i = 0; i < g->n; i++) {
        l[i] = positions(src, g->words[i], st);
        if (l[i].n == 0 || *st)
            goto out; /* a part of it is not in the text */
    }
    if (g->n == 1) {
        for (size_t k = 0; k < l[0].n; k++)
            if (add_occ(out, l[0].v[k], l[0].v[k], gi))
                break;
    } else if (!g->near) {
        size_t *from = tg_xcalloc(g->n, sizeof *from);
        for (size_t k = 0; k < l[0].n; k++) {
            unsigned p = l[0].v[k];
            size_t i = 1;
            while (i < g->n && has_pos(&l[i], &from[i], p + (unsigned)i))
                i++;
            if (i == g->n && add_occ(out, p, p + (unsigned)g->n - 1, gi))
                break;
        }
        free(from);
    } else {
        /* NEAR (two words): for each position of the first, the nearest
         * of the second, within the window */
        size_t j = 0;
        for (size_t k = 0; k < l[0].n; k++) {
            unsigned p = l[0].v[k];
            while (j + 1 < l[1].n && l[1].v[j + 1] <= p)
                j++;
            unsigned best = 0, dist = (unsigned)-1;
            for (size_t c = j; c < l[1].n && c <= j + 1; c++) {
                unsigned q = l[1].v[c], d = q > p ? q - p : p - q;
                if (d < dist) {
                    dist = d;
                    best = q;
                }
            }
            if (dist < g->near && add_occ(out, p < best ? p : best, p < best ? best : p, gi))
                break;
        }
    }
out:
    for (size_t i = 0; i < g->n; i++)
        free(l[i].v);
    free(l);
}

static int cmp_occ(const void *a, const void *b)
{
    const occ_t *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->group < y->group ? -1 : x->group > y->group;
}

/* The page (0-based) holding position pos: the last i with pp[i] < pos. */
static size_t page_of(const unsigned *pp, size_t np, unsigned pos)
{
    size_t lo = 0, hi = np;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pp[mid] < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? lo - 1 : 0;
}

/* The page (0-based) holding position pos, from the record's page starts. */
static size_t page_of_rec(const tg_record_t *rec, size_t np, unsigned pos)
{
    size_t lo = 0, hi = np;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tg_record_page_start(rec, mid) < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? lo - 1 : 0;
}

/* Position where the best excerpt starts, or 0 if none.  Each occurrence
 * starts a window of WINDOW positions (or its own length) on its page;
 * the window scores, for each query part with an occurrence wholly inside
 * it, two points a word (one less if that occurrence runs onto the next
 * page, where the excerpt cannot show it).  The best score wins, then the
 * tightest window (its counted occurrences' extent), then the first.  An
 * index error goes into *st. */
static unsigned best_position(const tg_snippet_src_t *src, const tg_parsed_t *parsed,
                              tg_status_t *st)
{
    if (!src->db || !src->docid)
        return 0;
    /* the parts of the query, or (a query of fields only) its words */
    tg_hitgroup_t *groups = parsed->groups;
    size_t ng = parsed->n_groups;
    tg_hitgroup_t *own = NULL;
    if (ng == 0 && parsed->n_words) {
        own = tg_xcalloc(parsed->n_words, sizeof *own);
        for (size_t i = 0; i < parsed->n_words; i++)
            own[i] = (tg_hitgroup_t){&parsed->words[i], 1, 0};
        groups = own;
        ng = parsed->n_words;
    }
    occlist_t o = {0};
    for (size_t i = 0; i < ng && !*st; i++)
        group_occurrences(src, &groups[i], (unsigned)i, &o, st);
    unsigned best = 0;
    unsigned *pp = NULL;
    size_t np = src->rec ? tg_record_n_page_starts(src->rec) : 0;
    if (o.n == 0 || *st)
        goto out;
    qsort(o.v, o.n, sizeof *o.v, cmp_occ);
    pp = tg_xcalloc(np ? np : 1, sizeof *pp);
    for (size_t i = 0; i < np; i++)
        pp[i] = tg_record_page_start(src->rec, i);
    /* seen[g] == i + 1: group g already counted in the window of i */
    size_t *seen = tg_xcalloc(ng, sizeof *seen);
    size_t best_score = 0;
    unsigned best_extent = 0;
    for (size_t i = 0; i < o.n; i++) {
        unsigned start = o.v[i].start, span = o.v[i].end - start + 1;
        unsigned end = start + (span > WINDOW ? span : WINDOW);
        size_t page = np ? page_of(pp, np, start) : 0;
        unsigned page_end = np && page + 1 < np ? pp[page + 1] : (unsigned)-1;
        size_t score = 0;
        unsigned extent = 0;
        for (size_t k = i; k < o.n && k < i + MAX_SPAN_STEPS && o.v[k].start < end; k++) {
            const occ_t *c = &o.v[k];
            if (c->start > page_end || c->end >= end || seen[c->group] == i + 1)
                continue;
            seen[c->group] = i + 1;
            score += 2 * groups[c->group].n - (c->end > page_end);
            if (c->end - start > extent)
                extent = c->end - start;
        }
        if (score > best_score || (score == best_score && extent < best_extent)) {
            best_score = score;
            best_extent = extent;
            best = start;
        }
    }
    free(seen);
out:
    free(pp);
    free(o.v);
    free(own);
    return best;
}

static int str_in(char *const *v, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(v[i]) == len && !memcmp(v[i], s, len))
            return 1;
    return 0;
}

typedef struct {
    const tg_parsed_t *parsed;
    int found;
} stemctx_t;

static void stem_check(void *ctx, const char *term, size_t len)
{
    stemctx_t *c = ctx;
    if (!c->found && str_in(c->parsed->stems, c->parsed->n_stems, term, len))
        c->found = 1;
}

/* Does the word at [s, s+len) match the query? */
static int matches(const tg_parsed_t *parsed, const char *s, size_t len, tg_buf_t *tmp)
{
    tg_buf_reset(tmp);
    if (!tg_word_term(tmp, s, len))
        return 0;
    if (str_in(parsed->words, parsed->n_words, tmp->data, tmp->len))
        return 1;
    for (size_t i = 0; i < parsed->n_prefixes; i++) {
        size_t pl = strlen(parsed->prefixes[i]);
        if (tmp->len >= pl && !memcmp(tmp->data, parsed->prefixes[i], pl))
            return 1;
    }
    if (parsed->n_stems && parsed->stemmers) {
        stemctx_t c = {parsed, 0};
        tg_word_stems(parsed->stemmers, s, len, stem_check, &c);
        return c.found;
    }
    return 0;
}

/* The last mark before position target: the word at byte *off has
 * position *pos + 1 (the text's start when no mark is before it). */
static void mark_before(const tg_record_t *rec, unsigned target, unsigned *pos, size_t *off)
{
    *pos = 0;
    *off = 0;
    if (!rec)
        return;
    size_t lo = 0, hi = tg_record_n_text_marks(rec);
    while (lo < hi) { /* the first mark at or past target (a damaged one: 0) */
        size_t mid = lo + (hi - lo) / 2;
        unsigned p = 0;
        uint64_t o;
        tg_record_text_mark(rec, mid, &p, &o);
        if (p < target)
            lo = mid + 1;
        else
            hi = mid;
    }
    unsigned p;
    uint64_t o;
    if (lo == 0 || !tg_record_text_mark(rec, lo - 1, &p, &o) || o > SIZE_MAX)
        return;
    *pos = p - 1;
    *off = (size_t)o;
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* The excerpt of text[0, len) around byte at (have: a hit is there; else
 * the start), on at's page, into out.  head_open / tail_open: the text
 * goes on before 0 / after len (a window of a longer text). */
static void excerpt(const char *text, size_t len, size_t at, int have, int head_open, int tail_open,
                    const tg_parsed_t *parsed, size_t max_bytes, tg_snippet_t *out)
{
    /* a third before the hit, the rest after, on its page */
    size_t page_start = 0, page_end = len;
    int open_head = head_open, open_tail = tail_open;
    for (size_t i = at; i > 0; i--)
        if (text[i - 1] == '\f') {
            page_start = i;
            open_head = 0;
            break;
        }
    const char *ff = at < len ? memchr(text + at, '\f', len - at) : NULL;
    if (ff) {
        page_end = (size_t)(ff - text);
        open_tail = 0;
    }
    size_t start = at > page_start + max_bytes / 3 ? at - max_bytes / 3 : page_start;
    if (!have)
        start = page_start;
    /* start at a word boundary */
    while (start > page_start && start < at && !is_ws(text[start - 1]))
        start++;
    while (start < page_end && ((unsigned char)text[start] & 0xC0) == 0x80)
        start++;
    size_t end = start + max_bytes < page_end ? start + max_bytes : page_end;
    while (end < page_end && end > start && !is_ws(text[end]))
        end--;
    if (end <= start)
        end = start + max_bytes < page_end ? start + max_bytes : page_end;
    while (end < page_end && end > start && ((unsigned char)text[end] & 0xC0) == 0x80)
        end--;
    out->cut_start = start > page_start || open_head;
    out->cut_end = end < page_end || open_tail;

    /* copy, collapsing whitespace, marking matches */
    tg_buf_t txt, tmp;
    tg_buf_init(&txt, max_bytes * 2 + 16);
    tg_buf_init(&tmp, 4 * TG_MAX_WORD + 16);
    tg_tok_t tok;
    tg_tok_init(&tok, text + start, end - start);
    size_t a, b, prev = 0;
    size_t cap = 0;
    int space = 0;
    for (;;) {
        int more = tg_tok_next(&tok, &a, &b);
        size_t gap_end = more ? a : end - start;
        for (size_t i = prev; i < gap_end; i++) {
            char c = text[start + i];
            if (is_ws(c)) {
                space = txt.len > 0;
                continue;
            }
            if (space)
                tg_buf_addc(&txt, ' ');
            space = 0;
            tg_buf_addc(&txt, c);
        }
        if (!more)
            break;
        if (space)
            tg_buf_addc(&txt, ' ');
        space = 0;
        size_t o = txt.len;
        tg_buf_add(&txt, text + start + a, b - a);
        if (matches(parsed, text + start + a, b - a, &tmp)) {
            if (out->n_hits == cap) {
                cap = cap ? 2 * cap : 8;
                out->hits = tg_xrealloc(out->hits, cap * sizeof *out->hits);
            }
            out->hits[out->n_hits].off = o;
            out->hits[out->n_hits].len = b - a;
            out->n_hits++;
        }
        prev = b;
    }
    tg_buf_free(&tmp);
    out->text = tg_buf_detach(&txt);
}

tg_status_t tg_snippet_make(const tg_snippet_src_t *src, const tg_parsed_t *parsed,
                            size_t max_bytes, tg_snippet_t *out)
{
    memset(out, 0, sizeof *out);
    size_t tlen = src->text_len;
    if ((!src->text && !src->read) || tlen == 0) {
        out->text = tg_xstrdup("");
        return TG_OK;
    }
    tg_status_t st = TG_OK;
    unsigned best = best_position(src, parsed, &st);
    if (st)
        return st;
    size_t npages = src->rec ? tg_record_n_page_starts(src->rec) : 0;
    /* the window to read: [base, base + wlen); whole without marks */
    unsigned counted = 0;
    size_t mark = 0, base = 0, wlen;
    int windowed = src->rec && tg_record_n_text_marks(src->rec) > 0;
    if (best) {
        mark_before(src->rec, best, &counted, &mark);
        if (mark > tlen) { /* a mark that does not fit the text */
            counted = 0;
            mark = 0;
        }
        base = mark > max_bytes ? mark - max_bytes : 0;
        wlen = windowed ? mark - base + TG_SNIPPET_WINDOW : tlen;
    } else {
        wlen = windowed ? TG_SNIPPET_SCAN : tlen;
    }
    if (wlen > tlen - base)
        wlen = tlen - base;
    tg_buf_t win;
    const char *w;
    tg_buf_init(&win, wlen + 1);
    if (src->text) {
        w = src->text + base;
    } else {
        if (src->read(src->read_ctx, base, wlen, &win) && !win.len) {
            tg_buf_free(&win);
            out->text = tg_xstrdup("");
            out->page = npages ? 1 : 0;
            return TG_OK;
        }
        wlen = win.len;
        w = tg_buf_str(&win);
    }
    size_t at = 0;
    int have = 0;
    if (best) {
        /* the word at position best, counted from the mark */
        size_t from = mark - base < wlen ? mark - base : wlen;
        tg_tok_t tok;
        tg_tok_init(&tok, w + from, wlen - from);
        size_t a, b;
        unsigned pos = counted;
        while (tg_tok_next(&tok, &a, &b))
            if (++pos == best) {
                at = from + a;
                have = 1;
                break;
            }
        if (npages)
            out->page = (int)page_of_rec(src->rec, npages, best) + 1;
    } else {
        tg_span_t *hit = NULL;
        if (tg_highlight(parsed, w, wlen, 1, &hit)) {
            at = hit[0].off;
            have = 1;
        }
        free(hit);
        if (npages) {
            out->page = 1;
            for (size_t i = 0; i < at; i++)
                out->page += w[i] == '\f';
        }
    }
    excerpt(w, wlen, at, have, base > 0, base + wlen < tlen, parsed, max_bytes, out);
    tg_buf_free(&win);
    return TG_OK;
}

/* Whether a word matches depends on its bytes alone, and a text repeats its
 * words: tg_highlight remembers the answer for each distinct word (up to
 * MEMO_SLOTS * 3/4 of them), since stemming every word of a long text in
 * two languages would cost seconds. */
#define MEMO_SLOTS 16384

typedef struct {
    const char *word; /* points into the text; NULL: empty slot */
    size_t len;
    unsigned char match;
} memo_t;

size_t tg_highlight(const tg_parsed_t *parsed, const char *text, size_t len, size_t max_hits,
                    tg_span_t **out)
{
    *out = NULL;
    size_t n = 0, cap = 0, used = 0;
    memo_t *memo = tg_xcalloc(MEMO_SLOTS, sizeof *memo);
    tg_tok_t tok;
    tg_tok_init(&tok, text, len);
    tg_buf_t tmp;
    tg_buf_init(&tmp, 4 * TG_MAX_WORD + 16);
    size_t a, b;
    while (n < max_hits && tg_tok_next(&tok, &a, &b)) {
        const char *w = text + a;
        size_t wl = b - a, i = tg_fnv1a(w, wl) & (MEMO_SLOTS - 1);
        while (memo[i].word && (memo[i].len != wl || memcmp(memo[i].word, w, wl)))
            i = (i + 1) & (MEMO_SLOTS - 1);
        int m;
        if (memo[i].word) {
            m = memo[i].match;
        } else {
            m = matches(parsed, w, wl, &tmp);
            if (used < MEMO_SLOTS / 4 * 3) {
                memo[i] = (memo_t){w, wl, (unsigned char)m};
                used++;
            }
        }
        if (!m)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            *out = tg_xrealloc(*out, cap * sizeof **out);
        }
        (*out)[n].off = a;
        (*out)[n].len = b - a;
        n++;
    }
    tg_buf_free(&tmp);
    free(memo);
    return n;
}

void tg_snippet_free(tg_snippet_t *s)
{
    free(s->text);
    free(s->hits);
    memset(s, 0, sizeof *s);
}

static char *render(const tg_snippet_t *s, const char *hs, const char *he, int html)
{
    tg_buf_t b;
    tg_buf_init(&b, (size_t)-1);
    if (s->cut_start)
        tg_buf_adds(&b, "… ");
    size_t off = 0;
    for (size_t i = 0; i <= s->n_hits; i++) {
        size_t next = i < s->n_hits ? s->hits[i].off : strlen(s->text);
        if (html)
            tg_html_escape(&b, s->text + off, next - off);
        else
            tg_buf_add(&b, s->text + off, next - off);
        if (i == s->n_hits)
            break;
        tg_buf_adds(&b, hs);
        if (html)
            tg_html_escape(&b, s->text + next, s->hits[i].len);
        else
            tg_buf_add(&b, s->text + next, s->hits[i].len);
        tg_buf_adds(&b, he);
        off = next + s->hits[i].len;
    }
    if (s->cut_end)
        tg_buf_adds(&b, " …");
    return tg_buf_detach(&b);
}

char *tg_snippet_render(const tg_snippet_t *s, const char *hs, const char *he)
{
    return render(s, hs, he, 0);
}

char *tg_snippet_html(const tg_snippet_t *s)
{
    return render(s, "<mark>", "</mark>", 1);
}

void tg_html_escape(tg_buf_t *out, const char *s, size_t len)
{
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            break;
        }
        if (rep) {
            tg_buf_add(out, s + run, i - run);
            tg_buf_adds(out, rep);
            run = i + 1;
        }
    }
    tg_buf_add(out, s + run, len - run);
}
