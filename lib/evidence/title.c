/* Titles from the first line (see title.h for the rules).
 *
 * Reads at most the first lines of the text up to a few kilobytes, whatever
 * its size: a 16 MB text costs the same as a short one. */
#define _POSIX_C_SOURCE 200809L
#include "title.h"

#include <string.h>

#include "dates.h"
#include "text.h"

#define MIN_WORDS 3
#define MAX_WORDS 24
/* bytes looked at for the first line: a longer "line" is prose */
#define LOOK (4 * TG_TITLE_MAX)

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v';
}

/* [*s, *e) without blanks at either end. */
static void trim(const char *text, size_t *s, size_t *e)
{
    while (*s < *e && is_blank(text[*s]))
        (*s)++;
    while (*e > *s && is_blank(text[*e - 1]))
        (*e)--;
}

/* Does t (tl bytes, not terminated) hold needle? */
static int has(const char *t, size_t tl, const char *needle)
{
    size_t nl = strlen(needle);
    for (size_t i = 0; i + nl <= tl; i++)
        if (!memcmp(t + i, needle, nl))
            return 1;
    return 0;
}

/* The bytes of the line that say a date with its month (a year alone, "en
 * 2024", is part of many titles), at most DATES of them. */
#define DATES 8
typedef struct {
    size_t start[DATES], end[DATES], n;
} datectx_t;

static int on_date(void *ctx, const tg_date_mention_t *m)
{
    datectx_t *c = ctx;
    if (m->date.month && c->n < DATES) {
        c->start[c->n] = m->start;
        c->end[c->n] = m->end;
        c->n++;
    }
    return c->n >= DATES;
}

/* A date line: a date with what little goes around it ("Caracas, 5 de
 * agosto de 2025"): at most DATELINE_WORDS words outside its dates. */
#define DATELINE_WORDS 3
static int date_line(const char *t, size_t tl, const char *lang)
{
    datectx_t dc = {0};
    tg_dates_scan(t, tl, lang ? lang : "es", 0, on_date, &dc);
    if (!dc.n)
        return 0;
    tg_tok_t tok;
    tg_tok_init(&tok, t, tl);
    size_t ws, we, outside = 0;
    while (tg_tok_next(&tok, &ws, &we)) {
        size_t k = 0;
        while (k < dc.n && !(ws >= dc.start[k] && we <= dc.end[k]))
            k++;
        outside += k == dc.n;
    }
    return outside <= DATELINE_WORDS;
}

int tg_title_first_line(const char *text, size_t len, const char *lang, tg_buf_t *out)
{
    size_t lim = len < LOOK ? len : LOOK;
    size_t s = 0;
    /* skip blank lines; the first page only */
    for (;;) {
        size_t e = s;
        while (e < lim && text[e] != '\n' && text[e] != '\f')
            e++;
        size_t a = s, b = e;
        trim(text, &a, &b);
        if (a < b)
            break;
        if (e >= lim || text[e] == '\f')
            return 0;
        s = e + 1;
    }
    size_t e = s;
    while (e < len && text[e] != '\n' && text[e] != '\f')
        e++;
    if (e >= lim && e < len)
        return 0; /* a line longer than LOOK */
    /* what follows: a blank line, the text's end, or more of a paragraph */
    int alone = 1;
    size_t n = e + (e < len);
    if (e < len && text[e] == '\n') {
        size_t ne = n;
        while (ne < len && ne < n + LOOK && text[ne] != '\n' && text[ne] != '\f')
            ne++;
        size_t a = n, b = ne;
        trim(text, &a, &b);
        if (a < b) {
            alone = 0;
            size_t ws, we;
            tg_tok_t tok;
            tg_tok_init(&tok, text + a, b - a);
            /* the next line goes on in lowercase: a wrapped paragraph */
            if (tg_tok_next(&tok, &ws, &we) && ws == 0 &&
                tg_word_case(text + a, we - ws) == TG_CASE_LOWER)
                return 0;
        }
    }
    trim(text, &s, &e);
    const char *t = text + s;
    size_t tl = e - s;
    if (tl == 0 || tl > TG_TITLE_MAX)
        return 0;
    /* words, letters, the first word */
    tg_tok_t tok;
    tg_tok_init(&tok, t, tl);
    size_t ws, we, words = 0, word_bytes = 0, first_start = 0;
    tg_case_t first_case = TG_CASE_NONE;
    while (tg_tok_next(&tok, &ws, &we)) {
        if (words == 0) {
            first_start = ws;
            first_case = tg_word_case(t + ws, we - ws);
            if (first_case == TG_CASE_NONE && !(t[ws] >= '0' && t[ws] <= '9'))
                return 0; /* Han, a mark: not judged */
        }
        words++;
        word_bytes += we - ws;
    }
    if (words < MIN_WORDS || words > MAX_WORDS)
        return 0;
    if (first_case == TG_CASE_LOWER)
        return 0;
    /* before the first word only an opening mark */
    static const char *const openers[] = {"¿", "¡", "«", "\"", "'", "“", "(", NULL};
    size_t pre = 0;
    while (pre < first_start) {
        size_t k = 0;
        for (; openers[k]; k++) {
            size_t ol = strlen(openers[k]);
            if (pre + ol <= first_start && !memcmp(t + pre, openers[k], ol))
                break;
        }
        if (!openers[k] && !is_blank(t[pre]))
            return 0;
        pre += openers[k] ? strlen(openers[k]) : 1;
    }
    size_t nonblank = 0;
    for (size_t i = 0; i < tl; i++)
        nonblank += !is_blank(t[i]);
    if (2 * word_bytes < nonblank)
        return 0; /* mostly punctuation */
    char last = t[tl - 1];
    if (last == ',' || last == ';' || last == ':' || last == '-')
        return 0;
    if (tl >= 3 && !memcmp(t + tl - 3, "\xe2\x80\x94", 3)) /* an em dash */
        return 0;
    if (last == '.' && !alone)
        return 0;
    if (has(t, tl, "://") || has(t, tl, "www.") || memchr(t, '@', tl))
        return 0;
    if (date_line(t, tl, lang))
        return 0;
    /* collapse blanks */
    int space = 0;
    for (size_t i = 0; i < tl; i++) {
        if (is_blank(t[i])) {
            space = 1;
            continue;
        }
        if (space)
            tg_buf_addc(out, ' ');
        space = 0;
        tg_buf_addc(out, t[i]);
    }
    return 1;
}
