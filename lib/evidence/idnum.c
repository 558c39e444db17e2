/* Venezuelan identity numbers in text (see idnum.h).
 *
 * Walks the shared tokenizer's words (text.h), which keeps "12.345.678"
 * and "V12345678" each as one word, with a small ring of lookahead words and
 * the bytes between them, and recognises a number by what stands before it:
 * the letter V or E, or a cue ("C.I.", "cédula de identidad N°").  Cue words
 * are compared folded, so "CÉDULA" and "cedula" are one word.
 *
 * Never reads outside [text, text + len), never loops without consuming a
 * word, and never reports a bare number: recall is traded for precision,
 * since an identity number wrongly attached to a document would point a
 * lawyer at the wrong person. */
#define _POSIX_C_SOURCE 200809L
#include "idnum.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "lookahead.h"
#include "text.h"
#include "util.h"

#define WIN      8
#define FOLD_MAX 16
/* Words between a cue and the number: "cédula de identidad N° V-...". */
#define CUE_WORDS 5

typedef struct {
    size_t a, b;
    int folded;       /* f is filled in (folded() does it when asked) */
    char f[FOLD_MAX]; /* folded, "" when longer */
} itok_t;

static const char *const fillers[] = {"de",     "identidad", "n",        "no",  "nro",    "num",
                                      "numero", "nos",       "personal", "the", "number", "of"};

static int in_list(const char *w, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(w, list[i]))
            return 1;
    return 0;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Reads a written number: digits, dots only as thousands separators.
 * Writes its significant digits into out (>= 16 bytes) and returns their
 * count, or -1 if s is not such a number. */
static int read_number(const char *s, size_t n, char out[16])
{
    if (n == 0 || n > 13 || !is_digit(s[0]) || !is_digit(s[n - 1]))
        return -1;
    int dots = 0;
    size_t group = 0, first = 0, k = 0, written = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_digit(s[i])) {
            group++;
            written++;
            if (k > 0 || s[i] != '0') {
                if (k >= 15)
                    return -1;
                out[k++] = s[i];
            }
        } else if (s[i] == '.') {
            if (dots == 0)
                first = group;
            else if (group != 3)
                return -1;
            dots++;
            group = 0;
        } else {
            return -1;
        }
    }
    if (dots && (first < 1 || first > 3 || group != 3))
        return -1;
    if (written > 10)
        return -1;
    out[k] = '\0';
    return (int)k;
}

typedef struct {
    const char *text;
    size_t len;
    tg_buf_t fold;
    tg_look_t look;
    itok_t win[WIN];
    int cue; /* words left in which a number may follow a cue */
} scan_t;

/* A word; its folded form is left for when it is asked for. */
static void fill(void *ctx, void *word, size_t a, size_t b)
{
    (void)ctx;
    itok_t *t = word;
    t->a = a;
    t->b = b;
    t->folded = 0;
}

/* The folded form of t (if short enough to be a cue), "" when longer.
 * Folded only when asked: few words are looked at as cues or fillers. */
static const char *folded(scan_t *s, itok_t *t)
{
    if (!t->folded) {
        tg_fold_short(s->text + t->a, t->b - t->a, t->f, FOLD_MAX, &s->fold);
        t->folded = 1;
    }
    return t->f;
}

/* Can t fold to a word that starts with c (a lowercase ASCII letter)?  A
 * word that starts in ASCII folds to that letter lowercased; any other
 * start may fold to anything. */
static int may_fold_to_initial(const scan_t *s, const itok_t *t, char c)
{
    unsigned char c0 = (unsigned char)s->text[t->a];
    return c0 >= 0x80 || c0 == (unsigned char)c || c0 == (unsigned char)(c - 32);
}

static itok_t *at(scan_t *s, size_t k)
{
    return tg_look_at(&s->look, k);
}

static void advance(scan_t *s, size_t k)
{
    tg_look_advance(&s->look, k);
}

/* The gap between a cue (or filler) and what follows: spaces and a little
 * punctuation ("C.I.: ", "N° ", " #"), no blank line. */
static int cue_gap(const char *g, size_t n)
{
    if (n == 0 || n > 10)
        return 0;
    int nl = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)g[i];
        if (c == '\n' && ++nl > 1)
            return 0;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ':' || c == '.' || c == '-' ||
            c == '#' || c == ',')
            continue;
        if (c == 0xC2 && i + 1 < n &&
            ((unsigned char)g[i + 1] == 0xB0 || (unsigned char)g[i + 1] == 0xBA ||
             (unsigned char)g[i + 1] == 0xA0)) {
            i++; /* °, º, no-break space */
            continue;
        }
        return 0;
    }
    return 1;
}

/* Between the letter and the digits: "-", ".", ".-", "- ", or spaces
 * (spaces alone only where allowed). */
static int letter_gap(const char *g, size_t n, int spaces_ok)
{
    if (n == 0 || n > 4)
        return 0;
    int marks = 0;
    for (size_t i = 0; i < n; i++) {
        if (g[i] == '-' || g[i] == '.')
            marks++;
        else if (g[i] != ' ')
            return 0;
    }
    return marks > 0 || spaces_ok;
}

/* A RIF: the number goes on with "-" and a check digit. */
static int rif_follows(const scan_t *s, size_t end)
{
    return end + 1 < s->len && s->text[end] == '-' && is_digit(s->text[end + 1]);
}

static int is_nat(const char *p, size_t n, int any_case)
{
    if (n != 1)
        return 0;
    return p[0] == 'V' || p[0] == 'E' || (any_case && (p[0] == 'v' || p[0] == 'e'));
}

/* Tries an identity number at the current word; returns the words it
 * spans (0: none) and fills *id. */
static size_t match(scan_t *s, tg_idnum_t *id)
{
    itok_t *t0 = at(s, 0);
    const char *p = s->text + t0->a;
    size_t n = t0->b - t0->a;
    int sig;
    memset(id, 0, sizeof *id);

    /* V12345678, V12.345.678: letter and digits in one word */
    if (n >= 2 && (p[0] == 'V' || p[0] == 'E' || (s->cue && (p[0] == 'v' || p[0] == 'e'))) &&
        is_digit(p[1])) {
        sig = read_number(p + 1, n - 1, id->digits);
        if (sig < TG_IDNUM_MIN_DIGITS || sig > TG_IDNUM_MAX_DIGITS || rif_follows(s, t0->b))
            return 0;
        id->nat = (char)(p[0] & ~0x20);
        id->start = t0->a;
        id->end = t0->b;
        return 1;
    }
    /* V-12.345.678, E-8.765.432, V 12.345.678 */
    if (is_nat(p, n, s->cue)) {
        itok_t *t1 = at(s, 1);
        if (!t1)
            return 0;
        t0 = at(s, 0);
        const char *q = s->text + t1->a;
        size_t qn = t1->b - t1->a;
        sig = read_number(q, qn, id->digits);
        if (sig < TG_IDNUM_MIN_DIGITS || sig > TG_IDNUM_MAX_DIGITS || rif_follows(s, t1->b))
            return 0;
        int dotted = memchr(q, '.', qn) != NULL;
        if (!letter_gap(s->text + t0->b, t1->a - t0->b, s->cue || dotted))
            return 0;
        id->nat = (char)(p[0] & ~0x20);
        id->start = t0->a;
        id->end = t1->b;
        return 2;
    }
    /* after a cue: "C.I. 12.345.678", "cédula 12345678" */
    if (s->cue) {
        sig = read_number(p, n, id->digits);
        if (sig < TG_IDNUM_MIN_DIGITS || sig > TG_IDNUM_MAX_DIGITS || rif_follows(s, t0->b))
            return 0;
        id->start = t0->a;
        id->end = t0->b;
        return 1;
    }
    return 0;
}

/* A cue at the current word: returns the words it spans, or 0. */
static size_t cue_at(scan_t *s)
{
    itok_t *t0 = at(s, 0);
    const char *p = s->text + t0->a;
    size_t n = t0->b - t0->a;
    if (may_fold_to_initial(s, t0, 'c')) {
        const char *f = folded(s, t0);
        if (!strcmp(f, "cedula") || !strcmp(f, "cedulas"))
            return 1;
    }
    if (n == 2 && p[0] == 'C' && p[1] == 'I')
        return 1;
    /* C.I. is the words "C" and "I" with a dot between */
    if (n == 1 && (p[0] == 'C' || p[0] == 'c')) {
        itok_t *t1 = at(s, 1);
        t0 = at(s, 0);
        if (t1 && t1->b - t1->a == 1 && (s->text[t1->a] == 'I' || s->text[t1->a] == 'i') &&
            t1->a - t0->b <= 2 && s->text[t0->b] == '.')
            return 2;
    }
    return 0;
}

void tg_idnum_scan_words(const tg_words_t *w, tg_idnum_cb cb, void *ctx)
{
    const char *text = w->text;
    scan_t s;
    memset(&s, 0, sizeof s);
    s.text = text;
    s.len = w->len;
    tg_look_init_words(&s.look, w, s.win, sizeof s.win[0], WIN, fill, &s);
    tg_buf_init(&s.fold, 4 * FOLD_MAX);
    while (at(&s, 0)) {
        tg_idnum_t id;
        size_t k = match(&s, &id);
        if (k) {
            int stop = cb(ctx, &id);
            advance(&s, k);
            s.cue = 0;
            if (stop)
                break;
            continue;
        }
        size_t c = cue_at(&s);
        int filler = !c && s.cue && in_list(folded(&s, at(&s, 0)), fillers, TG_ARRAY_LEN(fillers));
        if (c || filler) {
            size_t last = c ? c - 1 : 0;
            itok_t *t = at(&s, last), *nx = at(&s, last + 1);
            /* the cue lasts only if what follows is close */
            s.cue = nx && cue_gap(text + t->b, nx->a - t->b) ? (c ? CUE_WORDS : s.cue - 1) : 0;
            advance(&s, c ? c : 1);
            continue;
        }
        s.cue = 0;
        advance(&s, 1);
    }
    tg_buf_free(&s.fold);
}

void tg_idnum_scan(const char *text, size_t len, tg_idnum_cb cb, void *ctx)
{
    tg_words_t w;
    tg_words_none(&w, text, len);
    tg_idnum_scan_words(&w, cb, ctx);
}

int tg_idnum_parse(const char *s, size_t len, tg_idnum_t *out)
{
    memset(out, 0, sizeof *out);
    size_t i = 0;
    while (i < len && s[i] == ' ')
        i++;
    while (len > i && s[len - 1] == ' ')
        len--;
    if (i < len && (s[i] == 'V' || s[i] == 'E' || s[i] == 'v' || s[i] == 'e')) {
        out->nat = (char)(s[i] & ~0x20);
        i++;
        while (i < len && (s[i] == '-' || s[i] == '.' || s[i] == ' '))
            i++;
    }
    int sig = read_number(s + i, len - i, out->digits);
    if (sig < 1 || sig > 9)
        return -1;
    out->start = i;
    out->end = len;
    return 0;
}

void tg_idnum_format(const tg_idnum_t *id, char *buf, size_t len)
{
    if (id->nat)
        snprintf(buf, len, "%c-%s", id->nat, id->digits);
    else
        snprintf(buf, len, "%s", id->digits);
}
