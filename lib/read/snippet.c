/* Snippets (see snippet.h).
 *
 * Finding the best hit: the positions of the query's exact words in the
 * document come from the index (cheap, exact), and the window of a dozen
 * positions holding the most distinct query words wins.  Its page is found
 * from the record's page start positions, and its place in the text by
 * re-tokenizing that one page.  Only when no exact word has positions (a
 * stem or wildcard match) is the text scanned, and then only its first
 * SCAN_LIMIT bytes. */
#define _POSIX_C_SOURCE 200809L
#include "snippet.h"

#include <string.h>

#include "schema.h"
#include "text.h"
#include "util.h"

#define WINDOW        12
#define SCAN_LIMIT    ((size_t)2 << 20)
#define MAX_POSITIONS 100000

typedef struct {
    unsigned pos;
    unsigned term; /* index in parsed->words */
} hitpos_t;

typedef struct {
    hitpos_t *v;
    size_t n, cap;
    unsigned term;
} poslist_t;

static int add_pos(void *ctx, unsigned pos)
{
    poslist_t *l = ctx;
    if (l->n >= MAX_POSITIONS)
        return 1;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = tg_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n].pos = pos;
    l->v[l->n].term = l->term;
    l->n++;
    return 0;
}

static int cmp_pos(const void *a, const void *b)
{
    unsigned x = ((const hitpos_t *)a)->pos, y = ((const hitpos_t *)b)->pos;
    return x < y ? -1 : x > y;
}

/* Position at the centre of the best window, or 0 if none. */
static unsigned best_position(const tg_snippet_src_t *src, const tg_parsed_t *parsed)
{
    if (!src->db || !src->docid || parsed->n_words == 0)
        return 0;
    poslist_t l = {0};
    for (size_t i = 0; i < parsed->n_words; i++) {
        l.term = (unsigned)i;
        tg_db_each_position(src->db, src->docid, parsed->words[i], add_pos, &l);
    }
    if (l.n == 0) {
        free(l.v);
        return 0;
    }
    qsort(l.v, l.n, sizeof *l.v, cmp_pos);
    /* sliding window: most distinct words within WINDOW positions */
    unsigned best = l.v[0].pos, best_score = 0;
    unsigned char *seen = tg_xcalloc(parsed->n_words, 1);
    for (size_t i = 0; i < l.n; i++) {
        memset(seen, 0, parsed->n_words);
        unsigned score = 0;
        for (size_t k = i; k < l.n && l.v[k].pos < l.v[i].pos + WINDOW; k++) {
            if (!seen[l.v[k].term]) {
                seen[l.v[k].term] = 1;
                score += 2;
            } else {
                score += 1;
            }
        }
        if (score > best_score) {
            best_score = score;
            best = l.v[i].pos;
        }
        if (i > 4096)
            break; /* plenty of candidates: keep the time bounded */
    }
    free(seen);
    free(l.v);
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

/* Byte offset of the token at position target, on the page that holds it. */
static size_t offset_of_position(const tg_snippet_src_t *src, unsigned target, int *page)
{
    size_t npages = json_array_size(src->page_pos);
    size_t pg = 0;
    for (size_t i = 0; i < npages; i++) {
        unsigned start = (unsigned)json_integer_value(json_array_get(src->page_pos, i));
        if (start < target)
            pg = i;
    }
    /* walk to page pg */
    size_t off = 0;
    for (size_t i = 0; i < pg; i++) {
        const char *ff = memchr(src->text + off, '\f', src->text_len - off);
        if (!ff)
            break;
        off = (size_t)(ff - src->text) + 1;
    }
    unsigned pos = npages ? (unsigned)json_integer_value(json_array_get(src->page_pos, pg)) : 0;
    const char *ff = memchr(src->text + off, '\f', src->text_len - off);
    size_t page_end = ff ? (size_t)(ff - src->text) : src->text_len;
    tg_tok_t tok;
    tg_tok_init(&tok, src->text + off, page_end - off);
    size_t a, b;
    size_t found = off;
    while (tg_tok_next(&tok, &a, &b)) {
        if (++pos == target) {
            found = off + a;
            break;
        }
    }
    *page = npages ? (int)pg + 1 : 0;
    return found;
}

/* Without positions: the first matching word in the first SCAN_LIMIT bytes. */
static int scan_for_match(const tg_snippet_src_t *src, const tg_parsed_t *parsed, size_t *at)
{
    size_t lim = src->text_len < SCAN_LIMIT ? src->text_len : SCAN_LIMIT;
    tg_tok_t tok;
    tg_tok_init(&tok, src->text, lim);
    tg_buf_t tmp;
    tg_buf_init(&tmp, 4 * TG_MAX_WORD + 16);
    size_t a, b;
    int found = 0;
    while (tg_tok_next(&tok, &a, &b)) {
        if (matches(parsed, src->text + a, b - a, &tmp)) {
            *at = a;
            found = 1;
            break;
        }
    }
    tg_buf_free(&tmp);
    return found;
}

static int page_of_offset(const tg_snippet_src_t *src, size_t at)
{
    if (!src->page_pos)
        return 0;
    int page = 1;
    for (size_t i = 0; i < at; i++)
        page += src->text[i] == '\f';
    return page;
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

void tg_snippet_make(const tg_snippet_src_t *src, const tg_parsed_t *parsed, size_t max_bytes,
                     tg_snippet_t *out)
{
    memset(out, 0, sizeof *out);
    if (!src->text || src->text_len == 0) {
        out->text = tg_xstrdup("");
        return;
    }
    size_t at = 0;
    int have = 0;
    unsigned best = best_position(src, parsed);
    if (best) {
        at = offset_of_position(src, best, &out->page);
        have = 1;
    } else if (scan_for_match(src, parsed, &at)) {
        out->page = page_of_offset(src, at);
        have = 1;
    }
    if (!have && src->page_pos)
        out->page = 1;

    /* the excerpt: a third before the hit, the rest after, on its page */
    size_t page_start = 0, page_end = src->text_len;
    for (size_t i = at; i > 0; i--)
        if (src->text[i - 1] == '\f') {
            page_start = i;
            break;
        }
    const char *ff = memchr(src->text + at, '\f', src->text_len - at);
    if (ff)
        page_end = (size_t)(ff - src->text);
    size_t start = at > page_start + max_bytes / 3 ? at - max_bytes / 3 : page_start;
    if (!have)
        start = 0;
    /* start at a word boundary */
    while (start > page_start && start < at && !is_ws(src->text[start - 1]))
        start++;
    while (start < page_end && ((unsigned char)src->text[start] & 0xC0) == 0x80)
        start++;
    size_t end = start + max_bytes < page_end ? start + max_bytes : page_end;
    while (end < page_end && end > start && !is_ws(src->text[end]))
        end--;
    if (end <= start)
        end = start + max_bytes < page_end ? start + max_bytes : page_end;
    while (end < page_end && ((unsigned char)src->text[end] & 0xC0) == 0x80)
        end--;
    out->cut_start = start > page_start;
    out->cut_end = end < page_end;

    /* copy, collapsing whitespace, marking matches */
    tg_buf_t txt, tmp;
    tg_buf_init(&txt, max_bytes * 2 + 16);
    tg_buf_init(&tmp, 4 * TG_MAX_WORD + 16);
    tg_tok_t tok;
    tg_tok_init(&tok, src->text + start, end - start);
    size_t a, b, prev = 0;
    size_t cap = 0;
    int space = 0;
    for (;;) {
        int more = tg_tok_next(&tok, &a, &b);
        size_t gap_end = more ? a : end - start;
        for (size_t i = prev; i < gap_end; i++) {
            char c = src->text[start + i];
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
        tg_buf_add(&txt, src->text + start + a, b - a);
        if (matches(parsed, src->text + start + a, b - a, &tmp)) {
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

static size_t memo_hash(const char *s, size_t len)
{
    size_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

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
        size_t wl = b - a, i = memo_hash(w, wl) & (MEMO_SLOTS - 1);
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
