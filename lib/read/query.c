/* Query parsing (see query.h): a lexer over the typed text and a recursive
 * descent parser, building wrapper queries bottom up.
 *
 * Grammar (lowest precedence first):
 *   or    := and ("OR" and)*
 *   and   := item (["AND"] item)*          item := ["NOT" | "-" | "+"] near
 *   near  := prim ("NEAR"["/"n] prim)*
 *   prim  := "(" or [")"] | field | phrase | word
 * Operators are recognised in capitals only ("or" is a word), as in Xapian
 * and most search engines, so a Spanish "y"/"o" or an English "and" in a
 * name stays a word.
 *
 * Forgiving: whatever the grammar cannot place is read the nearest sensible
 * way and reported as a notice (query.h), never an error: an unknown
 * "word:" is a word, an unclosed '"' a phrase to the end, an unclosed '('
 * closes at the end, a stray ')' or an operator missing a side is dropped,
 * NEAR beside something that is not a single word becomes AND.  Errors are
 * left for values that cannot mean anything (an impossible date) and for
 * the limits.
 *
 * Safety: the text is bounded (max_length), so are nesting (MAX_DEPTH), the
 * number of clauses and wildcard expansion; no input can make the parser
 * recurse or allocate without bound. */
#define _POSIX_C_SOURCE 200809L
#include "query.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "hash.h"
#include "idnum.h"
#include "names.h"
#include "schema.h"
#include "text.h"
#include "util.h"

#define MAX_DEPTH   32
#define NEAR_WINDOW 10

const char *const tg_query_fields[] = {
    "type",     "lang",       "date",  "year",    "title", "folder", "sha256", "person",  "id",
    "mentions", "collection", "place", "witness", "tag",   "from",   "to",     "subject", NULL};

/* F_FOLD: a boolean field whose value is folded like words (tg_fold_value),
 * so collection:"Caso Caracas" finds the collection however it was typed. */
typedef enum { F_BOOL, F_DATE, F_YEAR, F_TEXT, F_SHA, F_FOLD, F_PERSON, F_IDNUM } field_kind_t;

static const struct {
    const char *name;
    field_kind_t kind;
    const char *prefix;
    int lowercase;
} fields[] = {
    {"type", F_BOOL, TG_PREFIX_KIND, 1},     {"lang", F_BOOL, TG_PREFIX_LANG, 1},
    {"date", F_DATE, TG_PREFIX_DATE, 0},     {"year", F_YEAR, TG_PREFIX_DATE, 0},
    {"title", F_TEXT, TG_PREFIX_TITLE, 0},   {"folder", F_BOOL, TG_PREFIX_FOLDER, 0},
    {"sha256", F_SHA, TG_PREFIX_ID, 1},      {"collection", F_FOLD, TG_PREFIX_COLLECTION, 0},
    {"place", F_FOLD, TG_PREFIX_PLACE, 0},   {"witness", F_FOLD, TG_PREFIX_WITNESS, 0},
    {"tag", F_FOLD, TG_PREFIX_TAG, 0},       {"person", F_PERSON, TG_PREFIX_PERSON, 0},
    {"id", F_IDNUM, TG_PREFIX_IDNUM, 0},     {"mentions", F_DATE, TG_PREFIX_MENTION, 0},
    {"from", F_TEXT, TG_PREFIX_FROM, 0},     {"to", F_TEXT, TG_PREFIX_TO, 0},
    {"subject", F_TEXT, TG_PREFIX_TITLE, 0},
};

/* Other names of the fields, folded (so "título:", "TITULO:" and "titulo:"
 * are one): the Spanish ones, and kind:, which the facet and its URL
 * parameter already say. */
static const struct {
    const char *alias, *name;
} aliases[] = {
    {"kind", "type"},      {"tipo", "type"},
    {"idioma", "lang"},    {"fecha", "date"},
    {"ano", "year"},       {"titulo", "title"},
    {"carpeta", "folder"}, {"coleccion", "collection"},
    {"lugar", "place"},    {"testigo", "witness"},
    {"etiqueta", "tag"},   {"persona", "person"},
    {"cedula", "id"},      {"menciona", "mentions"},
    {"asunto", "subject"},
};

struct tg_qparser {
    tg_stemmers_t *stem;
    tg_person_expand_cb expand; /* person: as a person of the archive (may be NULL) */
    void *expand_ctx;
};

void tg_qparser_set_persons(tg_qparser_t *qp, tg_person_expand_cb cb, void *ctx)
{
    qp->expand = cb;
    qp->expand_ctx = ctx;
}

typedef enum { T_END, T_LP, T_RP, T_AND, T_OR, T_NOT, T_NEAR, T_WORD, T_PHRASE, T_FIELD } ttype_t;

typedef struct {
    ttype_t t;
    const char *s; /* text of a word or phrase, or a field's value */
    size_t n;
    int field;       /* index into fields[] */
    int quoted;      /* field value was quoted */
    int sign;        /* '-' or '+' in front, else 0 */
    unsigned window; /* NEAR/n */
    size_t off;      /* offset in the query, for messages */
} tok_t;

typedef struct {
    tg_qparser_t *qp;
    const char *text;
    size_t len, off;
    tok_t cur;
    int have_cur;
    unsigned clauses, max_clauses, max_wildcard;
    int depth;
    tg_qmsg_t *err;
    int failed;
    tg_parsed_t *out;
} parser_t;

/* A parse result: a query, and whether it is only a filter (no weight). */
typedef struct {
    tg_query_t *q;
    int filter;
    tg_query_t *exact; /* a single word's exact term: what NEAR works on */
} node_t;

/* ==== Messages ============================================================= */

/* Copies at most TG_QMSG_TEXT - 4 bytes of s, cut at a character boundary,
 * with "…" when cut. */
static void msg_text(tg_qmsg_t *m, const char *s, size_t n)
{
    size_t max = TG_QMSG_TEXT - 4;
    int cut = n > max;
    if (cut) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(m->text, s, n);
    if (cut)
        memcpy(m->text + n, "\xe2\x80\xa6", 3), n += 3;
    m->text[n] = '\0';
}

static void fail(parser_t *p, size_t off, tg_qmsg_code_t code, const char *s, size_t n)
{
    if (p->failed)
        return;
    p->failed = 1;
    if (!p->err)
        return;
    memset(p->err, 0, sizeof *p->err);
    p->err->code = code;
    p->err->offset = off;
    msg_text(p->err, s ? s : "", s ? n : 0);
}

/* Records how something was read (once per code and text). */
static void notice(parser_t *p, size_t off, tg_qmsg_code_t code, const char *s, size_t n)
{
    tg_parsed_t *out = p->out;
    if (out->n_notices >= TG_QUERY_MAX_NOTICES)
        return;
    tg_qmsg_t m = {.code = code, .offset = off};
    msg_text(&m, s ? s : "", s ? n : 0);
    for (size_t i = 0; i < out->n_notices; i++)
        if (out->notices[i].code == code && !strcmp(out->notices[i].text, m.text))
            return;
    out->notices[out->n_notices++] = m;
}

int tg_qmsg_is_error(tg_qmsg_code_t code)
{
    return code >= TG_QE_FIRST;
}

static const struct {
    tg_qmsg_code_t code;
    const char *name, *en; /* en: at most one %s, the text (a second is the same text) */
} qmsgs[] = {
    {TG_QN_UNKNOWN_FIELD, "unknown_field", "'%s:' is not a field: searched for '%s' as a word"},
    {TG_QN_EMPTY_FIELD, "empty_field",
     "'%s:' has nothing after the colon: searched for '%s' as a word"},
    {TG_QN_UNCLOSED_QUOTE, "unclosed_quote",
     "no closing quotation mark: searched for the phrase \"%s\" to the end"},
    {TG_QN_UNCLOSED_PAREN, "unclosed_paren", "missing ')': the parenthesis closes at the end"},
    {TG_QN_STRAY_PAREN, "stray_paren", "ignored a ')' that closes nothing"},
    {TG_QN_EMPTY_PARENS, "empty_parens", "ignored empty parentheses"},
    {TG_QN_LONE_OPERATOR, "lone_operator", "ignored '%s', which had nothing to join"},
    {TG_QN_NEAR_NOT_WORDS, "near_not_words",
     "NEAR joins two single words: both sides were searched anywhere in the document"},
    {TG_QN_WILDCARD_WORDS, "wildcard_words",
     "'*' goes after a single word: searched for '%s' without it"},
    {TG_QE_TOO_LONG, "too_long", "query too long (the limit is %s bytes)"},
    {TG_QE_TOO_COMPLEX, "too_complex", "query too complex: more than %s words and fields"},
    {TG_QE_TOO_DEEP, "too_deep", "too many nested parentheses"},
    {TG_QE_BAD_DATE, "bad_date", "invalid date '%s' (use YYYY, YYYY-MM or YYYY-MM-DD)"},
    {TG_QE_BAD_YEAR, "bad_year", "invalid year '%s' (use YYYY)"},
    {TG_QE_RANGE_OPEN, "range_open", "a date range needs at least one end"},
    {TG_QE_RANGE_REVERSED, "range_reversed", "the date range '%s' ends before it starts"},
    {TG_QE_BAD_SHA256, "bad_sha256", "invalid sha256 '%s' (64 hexadecimal digits)"},
    {TG_QE_BAD_IDNUM, "bad_idnum",
     "invalid identity number '%s' (its digits, e.g. 12345678, 12.345.678 or V-12.345.678)"},
    {TG_QE_NO_NAME, "no_name", "person: needs a name (person:\"Marino Alvarado\")"},
    {TG_QE_NEAR_WINDOW, "near_window", "NEAR/n needs a number of words from 1 to 1000"},
    {TG_QE_NO_WORDS, "no_words", "the query has no words to look for"},
};

const char *tg_qmsg_name(tg_qmsg_code_t code)
{
    for (size_t i = 0; i < TG_ARRAY_LEN(qmsgs); i++)
        if (qmsgs[i].code == code)
            return qmsgs[i].name;
    return "unknown";
}

void tg_qmsg_str(const tg_qmsg_t *m, char *buf, size_t len)
{
    const char *fmt = "%s";
    for (size_t i = 0; i < TG_ARRAY_LEN(qmsgs); i++)
        if (qmsgs[i].code == m->code)
            fmt = qmsgs[i].en;
    /* the table's formats hold %s only, each meaning the text */
    tg_buf_t b;
    tg_buf_init(&b, 1024);
    for (const char *c = fmt; *c; c++) {
        if (c[0] == '%' && c[1] == 's') {
            tg_buf_adds(&b, m->text);
            c++;
        } else {
            tg_buf_addc(&b, *c);
        }
    }
    if (m->code != TG_QE_TOO_LONG && m->code != TG_QE_NO_WORDS)
        tg_buf_addf(&b, " (at character %zu)", m->offset + 1);
    snprintf(buf, len, "%s", tg_buf_str(&b));
    tg_buf_free(&b);
}

/* ==== Highlight lists ===================================================== */

static void list_add(char ***v, size_t *n, const char *s, size_t len)
{
    for (size_t i = 0; i < *n; i++)
        if (strlen((*v)[i]) == len && !memcmp((*v)[i], s, len))
            return;
    *v = tg_xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = tg_xstrndup(s, len);
}

/* Adds a hit group of n words (see tg_hitgroup_t). */
static void group_add(tg_parsed_t *out, char **words, size_t n, unsigned near)
{
    out->groups = tg_xrealloc(out->groups, (out->n_groups + 1) * sizeof *out->groups);
    tg_hitgroup_t *g = &out->groups[out->n_groups++];
    g->words = tg_xcalloc(n, sizeof *g->words);
    for (size_t i = 0; i < n; i++)
        g->words[i] = tg_xstrdup(words[i]);
    g->n = n;
    g->near = near;
}

static void group_free(tg_hitgroup_t *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->words[i]);
    free(g->words);
}

/* Drops the groups added after the first `keep`. */
static void groups_truncate(tg_parsed_t *out, size_t keep)
{
    while (out->n_groups > keep)
        group_free(&out->groups[--out->n_groups]);
}

/* ==== Lexer ================================================================ */

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int ends_bare(char c)
{
    return is_space(c) || c == '(' || c == ')' || c == '"' || c == '\0';
}

/* The field a name before a colon names (English or Spanish, any case,
 * with or without accents), or -1. */
static int find_field(const char *s, size_t n)
{
    tg_buf_t f;
    tg_buf_init(&f, 256);
    tg_fold(s, n, &f);
    const char *name = tg_buf_str(&f);
    for (size_t i = 0; i < TG_ARRAY_LEN(aliases); i++)
        if (!strcmp(aliases[i].alias, name))
            name = aliases[i].name;
    int found = -1;
    for (size_t i = 0; i < TG_ARRAY_LEN(fields) && found < 0; i++)
        if (!strcmp(fields[i].name, name))
            found = (int)i;
    tg_buf_free(&f);
    return found;
}

/* A quoted text from the '"' at p->off: to the closing '"', or to the end
 * of the query (with a notice) when there is none. */
static void lex_quoted(parser_t *p, tok_t *t)
{
    size_t open = p->off;
    const char *s = p->text + open + 1;
    const char *q = memchr(s, '"', p->len - open - 1);
    t->s = s;
    if (q) {
        t->n = (size_t)(q - s);
        p->off = (size_t)(q - p->text) + 1;
        return;
    }
    t->n = p->len - open - 1;
    p->off = p->len;
    /* the notice quotes the phrase's words, on one line */
    char *w = tg_utf8_one_line(s, t->n);
    notice(p, open, TG_QN_UNCLOSED_QUOTE, w ? w : "", w ? strlen(w) : 0);
    free(w);
}

static void lex(parser_t *p, tok_t *t)
{
    memset(t, 0, sizeof *t);
    while (p->off < p->len && is_space(p->text[p->off]))
        p->off++;
    t->off = p->off;
    if (p->off >= p->len) {
        t->t = T_END;
        return;
    }
    char c = p->text[p->off];
    if (c == '(' || c == ')') {
        t->t = c == '(' ? T_LP : T_RP;
        p->off++;
        return;
    }
    if ((c == '-' || c == '+') && p->off + 1 < p->len && !is_space(p->text[p->off + 1]) &&
        p->text[p->off + 1] != ')') {
        p->off++;
        lex(p, t);
        t->sign = c;
        return;
    }
    if (c == '"') {
        t->t = T_PHRASE;
        lex_quoted(p, t);
        return;
    }
    size_t start = p->off;
    while (p->off < p->len && !ends_bare(p->text[p->off]))
        p->off++;
    t->s = p->text + start;
    t->n = p->off - start;

    /* field:value, field:"value" */
    const char *colon = memchr(t->s, ':', t->n);
    if (colon && colon > t->s) {
        size_t nl = (size_t)(colon - t->s);
        /* a field name is a letter then letters or digits ("sha256",
         * "título"); "10:30" is a time, not a field */
        int name = isalpha((unsigned char)t->s[0]) || (unsigned char)t->s[0] >= 0x80;
        for (size_t i = 0; i < nl; i++)
            if (!isalnum((unsigned char)t->s[i]) && t->s[i] != '_' && (unsigned char)t->s[i] < 0x80)
                name = 0;
        if (name) {
            int f = find_field(t->s, nl);
            size_t after = (size_t)(colon + 1 - p->text);
            int quoted = after == p->off && p->off < p->len && p->text[p->off] == '"';
            if (f < 0 || (after == p->off && !quoted)) {
                /* not a field ("Nota:", "http://..."), or a field with
                 * nothing after its colon ("Fecha: 12 de agosto"): the
                 * name is a word, the rest is read on its own */
                notice(p, start, f < 0 ? TG_QN_UNKNOWN_FIELD : TG_QN_EMPTY_FIELD, t->s, nl);
                t->t = T_WORD;
                t->n = nl;
                p->off = after;
                return;
            }
            t->t = T_FIELD;
            t->field = f;
            if (quoted) {
                lex_quoted(p, t);
                t->quoted = 1;
            } else {
                t->s = colon + 1;
                t->n = p->off - after;
            }
            if (t->n == 0) {
                /* field:"" */
                notice(p, start, TG_QN_EMPTY_FIELD, p->text + start, nl);
                t->t = T_WORD;
                t->s = p->text + start;
                t->n = nl;
            }
            return;
        }
    }
    if (t->n == 3 && !memcmp(t->s, "AND", 3))
        t->t = T_AND;
    else if (t->n == 2 && !memcmp(t->s, "OR", 2))
        t->t = T_OR;
    else if (t->n == 3 && !memcmp(t->s, "NOT", 3))
        t->t = T_NOT;
    else if (t->n >= 4 && !memcmp(t->s, "NEAR", 4) && (t->n == 4 || (t->s[4] == '/' && t->n > 5))) {
        t->t = T_NEAR;
        t->window = NEAR_WINDOW;
        if (t->n > 4) {
            char num[16];
            long w;
            snprintf(num, sizeof num, "%.*s", (int)(t->n - 5 < 15 ? t->n - 5 : 15), t->s + 5);
            if (tg_parse_long(num, 1, 1000, &w)) {
                fail(p, start, TG_QE_NEAR_WINDOW, t->s, t->n);
                t->t = T_END;
                return;
            }
            t->window = (unsigned)w;
        }
    } else {
        t->t = T_WORD;
    }
}

static tok_t *peek(parser_t *p)
{
    if (!p->have_cur) {
        lex(p, &p->cur);
        p->have_cur = 1;
    }
    return &p->cur;
}

static tok_t take(parser_t *p)
{
    peek(p);
    p->have_cur = 0;
    return p->cur;
}

/* ==== Building queries ===================================================== */

static node_t none_node(void)
{
    node_t n = {NULL, 0, NULL};
    return n;
}

static void node_free(node_t *n)
{
    tg_query_free(n->q);
    tg_query_free(n->exact);
    n->q = n->exact = NULL;
}

static int count_clause(parser_t *p, size_t off)
{
    if (++p->clauses > p->max_clauses) {
        char lim[16];
        int n = snprintf(lim, sizeof lim, "%u", p->max_clauses);
        fail(p, off, TG_QE_TOO_COMPLEX, lim, (size_t)n);
        return -1;
    }
    return 0;
}

typedef struct {
    tg_query_t **v;
    size_t n;
} qvec_t;

static void qvec_push(qvec_t *v, tg_query_t *q)
{
    v->v = tg_xrealloc(v->v, (v->n + 1) * sizeof *v->v);
    v->v[v->n++] = q;
}

/* A stem of a bare word: its Z term, and the stem as a word of its own
 * unless that is the word asked for (a document does not write the stem of
 * a word that is its own stem: lib/index/schema.c, tg_index_text). */
static void stem_cb(void *ctx, const char *term, size_t len)
{
    void **a = ctx;
    parser_t *p = a[0];
    qvec_t *v = a[1];
    const tg_buf_t *word = a[2];
    size_t pl = strlen(TG_PREFIX_STEM);
    qvec_push(v, tg_query_term(term, len, 0));
    list_add(&p->out->stems, &p->out->n_stems, term, len);
    if (len > pl && (word->len != len - pl || memcmp(word->data, term + pl, len - pl)))
        qvec_push(v, tg_query_term(term + pl, len - pl, 0));
}

/* Words of text (a bare word or a phrase).  prefix: field prefix for title:.
 * phrase: exact words only.  Returns an empty node if text has no word. */
static node_t text_query(parser_t *p, const char *s, size_t n, const char *prefix, int phrase,
                         int wildcard, size_t off)
{
    node_t r = none_node();
    tg_tok_t tok;
    tg_tok_init(&tok, s, n);
    size_t a, b;
    qvec_t words = {0};
    tg_buf_t term;
    tg_buf_init(&term, 4 * TG_MAX_WORD + 16);
    size_t last_a = 0, last_b = 0;
    char **gw = NULL; /* the body words, for the snippet's hit group */
    while (tg_tok_next(&tok, &a, &b)) {
        tg_buf_reset(&term);
        tg_buf_adds(&term, prefix);
        if (!tg_word_term(&term, s + a, b - a))
            continue; /* longer than any indexed word: cannot match anyway */
        list_add(&p->out->words, &p->out->n_words, term.data + strlen(prefix),
                 term.len - strlen(prefix));
        gw = tg_xrealloc(gw, (words.n + 1) * sizeof *gw);
        gw[words.n] = tg_xstrndup(term.data + strlen(prefix), term.len - strlen(prefix));
        qvec_push(&words, tg_query_term(term.data, term.len, (unsigned)words.n + 1));
        last_a = a;
        last_b = b;
    }
    if (wildcard && words.n > 1) {
        /* "e-ma*": a prefix of several words means nothing */
        notice(p, off, TG_QN_WILDCARD_WORDS, s, n);
        wildcard = 0;
    }
    if (words.n > 0 && !wildcard && !prefix[0])
        group_add(p->out, gw, words.n, 0);
    for (size_t i = 0; i < words.n; i++)
        free(gw[i]);
    free(gw);
    if (words.n == 0) {
        tg_buf_free(&term);
        return r;
    }
    if (count_clause(p, off)) {
        for (size_t i = 0; i < words.n; i++)
            tg_query_free(words.v[i]);
        free(words.v);
        tg_buf_free(&term);
        return r;
    }
    if (wildcard) {
        tg_query_free(words.v[0]);
        tg_buf_reset(&term);
        tg_buf_adds(&term, prefix);
        tg_word_term(&term, s + last_a, last_b - last_a);
        list_add(&p->out->prefixes, &p->out->n_prefixes, term.data + strlen(prefix),
                 term.len - strlen(prefix));
        r.q = tg_query_wildcard(term.data, p->max_wildcard);
    } else if (words.n == 1 && !phrase && !prefix[0]) {
        /* a bare word: its exact form or any of its stems */
        qvec_t syn = {0};
        r.exact = tg_query_copy(words.v[0]);
        qvec_push(&syn, words.v[0]);
        tg_buf_reset(&term); /* the word's own term (no prefix here) */
        tg_word_term(&term, s + last_a, last_b - last_a);
        void *ctx[3] = {p, &syn, &term};
        tg_word_stems(p->qp->stem, s + last_a, last_b - last_a, stem_cb, ctx);
        r.q = tg_query_combine(TG_Q_SYNONYM, syn.v, syn.n, 0);
        free(syn.v);
    } else if (words.n == 1) {
        r.q = words.v[0];
        r.exact = tg_query_copy(words.v[0]);
    } else {
        r.q = tg_query_combine(TG_Q_PHRASE, words.v, words.n, (unsigned)words.n);
    }
    free(words.v);
    tg_buf_free(&term);
    return r;
}

static int parse_date_value(parser_t *p, const char *s, size_t n, int year_only, tg_date_t *d,
                            size_t off)
{
    if (n == 0) {
        d->year = d->month = d->day = 0;
        return 0; /* open end */
    }
    if (tg_date_parse(s, n, d) != 0 || (year_only && d->month)) {
        fail(p, off, year_only ? TG_QE_BAD_YEAR : TG_QE_BAD_DATE, s, n);
        return -1;
    }
    return 0;
}

static node_t field_query(parser_t *p, const tok_t *t)
{
    node_t r = none_node();
    const char *prefix = fields[t->field].prefix;
    field_kind_t kind = fields[t->field].kind;
    if (count_clause(p, t->off))
        return r;
    if (kind == F_TEXT) {
        p->clauses--; /* text_query counts it */
        return text_query(p, t->s, t->n, prefix, t->quoted, 0, t->off);
    }
    if (kind == F_DATE || kind == F_YEAR) {
        const char *dots = NULL;
        for (size_t i = 0; i + 1 < t->n; i++)
            if (t->s[i] == '.' && t->s[i + 1] == '.') {
                dots = t->s + i;
                break;
            }
        tg_date_t from, to;
        if (!dots) {
            if (parse_date_value(p, t->s, t->n, kind == F_YEAR, &from, t->off) || (t->n == 0))
                return r;
            char term[32];
            int len;
            if (from.day)
                len = snprintf(term, sizeof term, "%s%04d-%02d-%02d", prefix, from.year, from.month,
                               from.day);
            else if (from.month)
                len = snprintf(term, sizeof term, "%s%04d-%02d", prefix, from.year, from.month);
            else
                len = snprintf(term, sizeof term, "%s%04d", prefix, from.year);
            r.q = tg_query_term(term, (size_t)len, 0);
            r.filter = 1;
            return r;
        }
        size_t ln = (size_t)(dots - t->s);
        if (parse_date_value(p, t->s, ln, kind == F_YEAR, &from, t->off) ||
            parse_date_value(p, dots + 2, t->n - ln - 2, kind == F_YEAR, &to, t->off))
            return r;
        if (tg_date_range_query(prefix, &from, &to, &r.q) != TG_OK) {
            fail(p, t->off,
                 from.year == 0 && to.year == 0 ? TG_QE_RANGE_OPEN : TG_QE_RANGE_REVERSED, t->s,
                 t->n);
            return r;
        }
        r.filter = 1;
        return r;
    }
    if (kind == F_PERSON) {
        /* an identity number: the person it is attached to */
        tg_idnum_t pid;
        if (!tg_idnum_parse(t->s, t->n, &pid) && strlen(pid.digits) >= TG_IDNUM_MIN_DIGITS) {
            if (p->qp->expand)
                r.q = p->qp->expand(p->qp->expand_ctx, NULL, pid.digits);
            if (!r.q) {
                char term[32];
                int n = snprintf(term, sizeof term, "%s%s", TG_PREFIX_IDNUM, pid.digits);
                r.q = tg_query_term(term, (size_t)n, 0);
            }
            r.filter = 1;
            return r;
        }
        /* the name's key, as the indexer made it: accents, case and the
         * "SURNAME, Given" order do not matter */
        tg_buf_t key;
        tg_buf_init(&key, 4096);
        if (tg_name_key(t->s, t->n, &key) == 0) {
            fail(p, t->off, TG_QE_NO_NAME, t->s, t->n);
            tg_buf_free(&key);
            return r;
        }
        /* the person of the archive it names (every form of it), else
         * the documents that write this name, in full or as a shorter form */
        if (p->qp->expand)
            r.q = p->qp->expand(p->qp->expand_ctx, tg_buf_str(&key), NULL);
        if (!r.q) {
            tg_buf_t term;
            tg_buf_init(&term, 8192);
            tg_bool_term(&term, prefix, tg_buf_str(&key));
            tg_query_t *v[2];
            v[0] = tg_query_term(term.data, term.len, 0);
            tg_buf_reset(&term);
            tg_bool_term(&term, TG_PREFIX_PERSON_FORM, tg_buf_str(&key));
            v[1] = tg_query_term(term.data, term.len, 0);
            r.q = tg_query_combine(TG_Q_OR, v, 2, 0);
            tg_buf_free(&term);
        }
        r.filter = 1;
        /* its words are worth highlighting in a snippet */
        const char *k = tg_buf_str(&key);
        while (*k) {
            size_t w = strcspn(k, " ");
            list_add(&p->out->words, &p->out->n_words, k, w);
            k += w + (k[w] == ' ');
        }
        tg_buf_free(&key);
        return r;
    }
    if (kind == F_IDNUM) {
        tg_idnum_t id;
        if (tg_idnum_parse(t->s, t->n, &id)) {
            fail(p, t->off, TG_QE_BAD_IDNUM, t->s, t->n);
            return r;
        }
        char term[32];
        int n = snprintf(term, sizeof term, "%s%s", prefix, id.digits);
        r.q = tg_query_term(term, (size_t)n, 0);
        r.filter = 1;
        /* the written forms a snippet may highlight: 12345678, 12.345.678,
         * v12345678, v12.345.678 (as the tokenizer cuts and folds them) */
        char dotted[32], w[40];
        size_t nd = strlen(id.digits), k = 0;
        for (size_t i = 0; i < nd; i++) {
            if (i > 0 && (nd - i) % 3 == 0)
                dotted[k++] = '.';
            dotted[k++] = id.digits[i];
        }
        dotted[k] = '\0';
        static const char *const letters[] = {"", "v", "e"};
        for (size_t f = 0; f < TG_ARRAY_LEN(letters); f++) {
            snprintf(w, sizeof w, "%s%s", letters[f], id.digits);
            list_add(&p->out->words, &p->out->n_words, w, strlen(w));
            snprintf(w, sizeof w, "%s%s", letters[f], dotted);
            list_add(&p->out->words, &p->out->n_words, w, strlen(w));
        }
        return r;
    }
    /* boolean fields: the value is the term, as the indexer wrote it */
    char *v = tg_xstrndup(t->s, t->n);
    if (fields[t->field].lowercase)
        for (char *c = v; *c; c++)
            *c = (char)tolower((unsigned char)*c);
    if (kind == F_SHA && !tg_sha256_valid(v)) {
        fail(p, t->off, TG_QE_BAD_SHA256, t->s, t->n);
        free(v);
        return r;
    }
    tg_buf_t term;
    tg_buf_init(&term, 1024);
    if (kind == F_FOLD) {
        tg_buf_t f;
        tg_buf_init(&f, 16384);
        tg_fold_value(&f, v, strlen(v));
        tg_bool_term(&term, prefix, tg_buf_str(&f));
        tg_buf_free(&f);
    } else {
        tg_bool_term(&term, prefix, v);
    }
    r.q = tg_query_term(term.data, term.len, 0);
    r.filter = 1;
    tg_buf_free(&term);
    free(v);
    return r;
}

static node_t parse_or(parser_t *p);

/* A word, a phrase, a field or a group can start here. */
static int starts_prim(ttype_t t)
{
    return t == T_LP || t == T_WORD || t == T_PHRASE || t == T_FIELD;
}

static void lone_operator(parser_t *p, const tok_t *op)
{
    const char *name = op->t == T_AND   ? "AND"
                       : op->t == T_OR  ? "OR"
                       : op->t == T_NOT ? "NOT"
                                        : "NEAR";
    notice(p, op->off, TG_QN_LONE_OPERATOR, name, strlen(name));
}

/* Both a and b (taken), weighted as parse_and would weigh them. */
static node_t node_and(node_t a, node_t b)
{
    node_t r = none_node();
    if (!a.q || !b.q) {
        node_t *keep = a.q ? &a : &b;
        node_free(a.q ? &b : &a);
        return *keep;
    }
    tg_query_free(a.exact);
    tg_query_free(b.exact);
    tg_query_t *v[2] = {a.q, b.q};
    if (a.filter == b.filter) {
        r.q = tg_query_combine(TG_Q_AND, v, 2, 0);
        r.filter = a.filter;
    } else {
        if (a.filter)
            v[0] = b.q, v[1] = a.q;
        r.q = tg_query_combine(TG_Q_FILTER, v, 2, 0);
    }
    return r;
}

/* Only called where starts_prim() holds. */
static node_t parse_prim(parser_t *p)
{
    tok_t *t = peek(p);
    node_t r = none_node();
    switch (t->t) {
    case T_LP: {
        size_t off = t->off;
        take(p);
        if (++p->depth > MAX_DEPTH) {
            fail(p, off, TG_QE_TOO_DEEP, NULL, 0);
            return r;
        }
        if (peek(p)->t == T_RP) {
            take(p);
            p->depth--;
            notice(p, off, TG_QN_EMPTY_PARENS, NULL, 0);
            return r;
        }
        r = parse_or(p);
        p->depth--;
        if (p->failed)
            return r;
        if (peek(p)->t == T_RP)
            take(p);
        else /* the end of the query: the group closes there */
            notice(p, off, TG_QN_UNCLOSED_PAREN, NULL, 0);
        tg_query_free(r.exact);
        r.exact = NULL;
        return r;
    }
    case T_WORD: {
        tok_t w = take(p);
        int wildcard = w.n > 1 && w.s[w.n - 1] == '*';
        if (w.n == 1 && w.s[0] == '*') {
            r.q = tg_query_all();
            r.filter = 1;
            return r;
        }
        return text_query(p, w.s, wildcard ? w.n - 1 : w.n, "", 0, wildcard, w.off);
    }
    case T_PHRASE: {
        tok_t w = take(p);
        return text_query(p, w.s, w.n, "", 1, 0, w.off);
    }
    case T_FIELD: {
        tok_t f = take(p);
        return field_query(p, &f);
    }
    default:
        return r;
    }
}

/* NEAR works on single words (Xapian's OP_NEAR takes terms only), matched
 * exactly: stems have no positions in the index.  Beside anything else
 * (a phrase, a field, a group) it is read as AND. */
static node_t parse_near(parser_t *p)
{
    size_t g0 = p->out->n_groups;
    node_t left = parse_prim(p);
    while (!p->failed && peek(p)->t == T_NEAR) {
        tok_t op = take(p);
        if (!starts_prim(peek(p)->t)) {
            lone_operator(p, &op); /* "a NEAR", "a NEAR OR b" */
            continue;
        }
        size_t g1 = p->out->n_groups;
        node_t right = parse_prim(p);
        if (p->failed) {
            node_free(&right);
            break;
        }
        if (!left.q || !right.q) {
            lone_operator(p, &op); /* a side was punctuation only */
            left = node_and(left, right);
            g0 = g1;
            continue;
        }
        if (!left.exact || !right.exact) {
            notice(p, op.off, TG_QN_NEAR_NOT_WORDS, NULL, 0);
            left = node_and(left, right);
            g0 = g1;
            continue;
        }
        tg_query_t *v[2] = {left.exact, right.exact};
        tg_query_free(left.q);
        tg_query_free(right.q);
        left.q = tg_query_combine(TG_Q_NEAR, v, 2, op.window);
        left.exact = NULL;
        right.q = right.exact = NULL;
        /* the two words' groups become one NEAR group (title:a NEAR b has
         * a group for b alone: then b stays a word) */
        if (g1 == g0 + 1 && p->out->n_groups == g1 + 1) {
            tg_hitgroup_t *a = &p->out->groups[g0], *b = &p->out->groups[g1];
            a->words = tg_xrealloc(a->words, 2 * sizeof *a->words);
            a->words[1] = b->words[0];
            free(b->words);
            a->n = 2;
            a->near = op.window;
            p->out->n_groups = g1;
        }
    }
    return left;
}

/* One AND group: positive parts, filters and negated parts. */
static node_t parse_and(parser_t *p)
{
    qvec_t pos = {0}, filt = {0}, neg = {0};
    for (;;) {
        tok_t *t = peek(p);
        if (t->t == T_END || t->t == T_OR || p->failed)
            break;
        if (t->t == T_RP) {
            if (p->depth > 0)
                break; /* closes the group */
            notice(p, t->off, TG_QN_STRAY_PAREN, NULL, 0);
            take(p);
            continue;
        }
        if (t->t == T_AND || t->t == T_NEAR) {
            /* AND between two parts is the default anyway; NEAR here
             * has nothing on its left */
            tok_t op = take(p);
            ttype_t nx = peek(p)->t;
            if (op.t == T_NEAR || pos.n + filt.n + neg.n == 0 || (nx != T_NOT && !starts_prim(nx)))
                lone_operator(p, &op);
            continue;
        }
        int negate = 0;
        if (t->t == T_NOT) {
            tok_t op = take(p);
            if (!starts_prim(peek(p)->t)) {
                lone_operator(p, &op); /* "NOT", "a NOT", "NOT OR b" */
                continue;
            }
            negate = 1;
        }
        int sign = peek(p)->sign;
        if (sign == '-')
            negate = !negate;
        size_t groups_before = p->out->n_groups;
        node_t n = parse_near(p);
        if (negate)
            groups_truncate(p->out, groups_before); /* not in the document */
        if (p->failed) {
            node_free(&n);
            break;
        }
        tg_query_free(n.exact);
        n.exact = NULL;
        if (!n.q)
            continue; /* punctuation only: nothing to look for */
        if (negate)
            qvec_push(&neg, n.q);
        else if (n.filter)
            qvec_push(&filt, n.q);
        else
            qvec_push(&pos, n.q);
    }
    node_t r = none_node();
    if (p->failed) {
        for (size_t i = 0; i < pos.n; i++)
            tg_query_free(pos.v[i]);
        for (size_t i = 0; i < filt.n; i++)
            tg_query_free(filt.v[i]);
        for (size_t i = 0; i < neg.n; i++)
            tg_query_free(neg.v[i]);
    } else {
        tg_query_t *q = pos.n ? tg_query_combine(TG_Q_AND, pos.v, pos.n, 0) : NULL;
        if (filt.n) {
            tg_query_t *f = tg_query_combine(TG_Q_AND, filt.v, filt.n, 0);
            if (q) {
                tg_query_t *v[2] = {q, f};
                q = tg_query_combine(TG_Q_FILTER, v, 2, 0);
            } else {
                q = tg_query_scale(f, 0);
                r.filter = 1;
            }
        }
        if (neg.n) {
            if (!q) {
                q = tg_query_scale(tg_query_all(), 0);
                r.filter = 1;
            }
            tg_query_t *n = tg_query_combine(TG_Q_OR, neg.v, neg.n, 0);
            tg_query_t *v[2] = {q, n};
            q = tg_query_combine(TG_Q_AND_NOT, v, 2, 0);
        }
        r.q = q;
    }
    free(pos.v);
    free(filt.v);
    free(neg.v);
    return r;
}

static node_t parse_or(parser_t *p)
{
    node_t left = parse_and(p);
    while (!p->failed && peek(p)->t == T_OR) {
        tok_t op = take(p);
        node_t right = parse_and(p);
        if (p->failed) {
            node_free(&right);
            break;
        }
        if (!left.q || !right.q) {
            lone_operator(p, &op); /* "OR a", "a OR", "a OR OR b" */
            if (!left.q)
                left = right;
            else
                node_free(&right);
            continue;
        }
        tg_query_t *v[2] = {left.q, right.q};
        left.q = tg_query_combine(TG_Q_OR, v, 2, 0);
        left.filter = left.filter && right.filter;
        tg_query_free(left.exact);
        tg_query_free(right.exact);
        left.exact = NULL;
    }
    if (p->failed)
        node_free(&left);
    return left;
}

tg_qparser_t *tg_qparser_new(void)
{
    tg_qparser_t *qp = tg_xcalloc(1, sizeof *qp);
    qp->stem = tg_stemmers_new();
    return qp;
}

void tg_qparser_free(tg_qparser_t *qp)
{
    if (!qp)
        return;
    tg_stemmers_free(qp->stem);
    free(qp);
}

void tg_parsed_free(tg_parsed_t *p)
{
    tg_query_free(p->query);
    for (size_t i = 0; i < p->n_words; i++)
        free(p->words[i]);
    for (size_t i = 0; i < p->n_stems; i++)
        free(p->stems[i]);
    for (size_t i = 0; i < p->n_prefixes; i++)
        free(p->prefixes[i]);
    free(p->words);
    free(p->stems);
    free(p->prefixes);
    for (size_t i = 0; i < p->n_groups; i++)
        group_free(&p->groups[i]);
    free(p->groups);
    memset(p, 0, sizeof *p);
}

tg_status_t tg_query_parse(tg_qparser_t *qp, const char *text, const tg_parse_opts_t *opts,
                           tg_parsed_t *out, tg_qmsg_t *err)
{
    memset(out, 0, sizeof *out);
    size_t max_len = opts && opts->max_length ? opts->max_length : 4096;
    size_t len = strlen(text);
    parser_t p = {
        .qp = qp,
        .text = text,
        .len = len,
        .max_clauses = opts && opts->max_clauses ? opts->max_clauses : 256,
        .max_wildcard = opts && opts->max_wildcard ? opts->max_wildcard : 1000,
        .err = err,
        .out = out,
    };
    if (len > max_len) {
        char lim[24];
        int n = snprintf(lim, sizeof lim, "%zu", max_len);
        fail(&p, 0, TG_QE_TOO_LONG, lim, (size_t)n);
        return TG_ERR_QUERY;
    }
    /* the text must be UTF-8: a word is cut by Unicode rules */
    char *clean = tg_utf8_clean(text, len);
    p.text = clean;
    p.len = strlen(clean);
    node_t n = parse_or(&p);
    /* parse_or stops only at the end (a stray ')' or OR is read there) */
    if (!p.failed && peek(&p)->t != T_END)
        fail(&p, peek(&p)->off, TG_QE_NO_WORDS, NULL, 0);
    if (!p.failed && !n.q)
        fail(&p, 0, TG_QE_NO_WORDS, NULL, 0);
    if (p.failed) {
        node_free(&n);
        tg_parsed_free(out);
        free(clean);
        return TG_ERR_QUERY;
    }
    out->query = n.q;
    out->stemmers = qp->stem;
    free(clean);
    return TG_OK;
}
