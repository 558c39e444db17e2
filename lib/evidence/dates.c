/* Dates written in text (see dates.h).
 *
 * The scanner walks the shared tokenizer's words (text.h) with a small ring
 * of lookahead tokens, so it sees "5", "de", "agosto", "de", "2025" and the
 * bytes between them (the gaps: "/", ", ", "°"), and tries each pattern at
 * each word.  Month names are compared folded (tg_fold), so "SEPTIEMBRE",
 * "Septiembre" and "septiembre" are one name.  Workload: every word of every
 * document passes here once at index time; per word it folds at most 24
 * bytes and does a few table lookups; one small scratch buffer is all it
 * allocates.
 *
 * It must never read outside [text, text + len), never loop without
 * consuming a token, and never report a date that does not exist. */
#define _POSIX_C_SOURCE 200809L
#include "dates.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lookahead.h"
#include "text.h"

/* Tokens of lookahead: the longest pattern ("the 5th of August , 2025",
 * "5 de agosto del 2025") needs 6. */
#define WIN 8
/* Folded words longer than this are no month name nor number of interest. */
#define FOLD_MAX 24
/* A day and month without a year wait this many words for a year. */
#define PENDING_WORDS 12
#define PENDING_MAX   8

typedef struct {
    size_t a, b;      /* bytes [a, b) of the text */
    char f[FOLD_MAX]; /* folded word, "" when longer */
    int num;          /* value of an ASCII number of 1..4 digits, else -1 */
    int ndig;         /* its digits */
    int ord;          /* the number had an ordinal ending: 1º, 1ro, 5th */
    int month;        /* 1..12 when the word names a month */
    int abbr;         /* ... by an abbreviation */
    int en;           /* ... by its full English name */
    int upper;        /* first letter is an ASCII capital */
    int dd, dm, dy;   /* a whole "05.08.2025" token, else dy == 0 */
} dtok_t;

static const struct {
    const char *name;
    int month, abbr, en;
} months[] = {
    {"enero", 1, 0, 0},      {"febrero", 2, 0, 0},   {"marzo", 3, 0, 0},    {"abril", 4, 0, 0},
    {"mayo", 5, 0, 0},       {"junio", 6, 0, 0},     {"julio", 7, 0, 0},    {"agosto", 8, 0, 0},
    {"septiembre", 9, 0, 0}, {"setiembre", 9, 0, 0}, {"octubre", 10, 0, 0}, {"noviembre", 11, 0, 0},
    {"diciembre", 12, 0, 0}, {"january", 1, 0, 1},   {"february", 2, 0, 1}, {"march", 3, 0, 1},
    {"april", 4, 0, 1},      {"may", 5, 0, 1},       {"june", 6, 0, 1},     {"july", 7, 0, 1},
    {"august", 8, 0, 1},     {"september", 9, 0, 1}, {"october", 10, 0, 1}, {"november", 11, 0, 1},
    {"december", 12, 0, 1},  {"ene", 1, 1, 0},       {"jan", 1, 1, 0},      {"feb", 2, 1, 0},
    {"mar", 3, 1, 0},        {"abr", 4, 1, 0},       {"apr", 4, 1, 0},      {"jun", 6, 1, 0},
    {"jul", 7, 1, 0},        {"ago", 8, 1, 0},       {"aug", 8, 1, 0},      {"sep", 9, 1, 0},
    {"sept", 9, 1, 0},       {"set", 9, 1, 0},       {"oct", 10, 1, 0},     {"nov", 11, 1, 0},
    {"dic", 12, 1, 0},       {"dec", 12, 1, 0},
};

/* Ordinal endings after a day number, folded: 1º -> "1o", 1ª -> "1a". */
static const char *const ordinals[] = {"o",  "a",  "ro", "ero", "do", "to", "vo",
                                       "no", "mo", "st", "nd",  "rd", "th"};

/* Words before a year alone that make it a year ("en 2024", "desde 2019"). */
static const char *const year_cues[] = {"en",    "in",    "ano",     "year",   "desde", "since",
                                        "hasta", "until", "durante", "during", "anos",  "years"};

/* Words before "5 de Julio" that make it a name: streets, schools, squares. */
static const char *const street_cues[] = {
    "avenida",  "av",       "avda",   "calle",       "urbanizacion", "urb",     "plaza",
    "liceo",    "escuela",  "barrio", "sector",      "colegio",      "parque",  "paseo",
    "puente",   "edificio", "edif",   "residencias", "unidad",       "grupo",   "estadio",
    "hospital", "street",   "avenue", "square",      "school",       "carrera", "transversal"};

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

/* c is one of the characters of set (never the terminator). */
static int one_of(char c, const char *set)
{
    return c != '\0' && strchr(set, c) != NULL;
}

/* months[] by initial: bit i of by_initial[c - 'a'] is set when months[i]
 * starts with c.  A word is compared only with the names of its initial:
 * the scanner classifies every word of every text. */
typedef uint64_t month_index_t[26];

static void index_months(month_index_t by_initial)
{
    _Static_assert(TG_ARRAY_LEN(months) <= 64, "a bit per month name");
    memset(by_initial, 0, sizeof(month_index_t));
    for (size_t i = 0; i < TG_ARRAY_LEN(months); i++)
        by_initial[months[i].name[0] - 'a'] |= (uint64_t)1 << i;
}

/* Fills t's classification from its bytes. */
static void classify(const char *text, dtok_t *t, tg_buf_t *fb, const month_index_t by_initial)
{
    size_t n = t->b - t->a;
    const char *s = text + t->a;
    t->f[0] = '\0';
    t->num = -1;
    t->ndig = t->ord = t->month = t->abbr = t->en = 0;
    t->dd = t->dm = t->dy = 0;
    t->upper = s[0] >= 'A' && s[0] <= 'Z';
    size_t fl = tg_fold_short(s, n, t->f, FOLD_MAX, fb);
    /* "05.08.2025": the tokenizer keeps dots between digits in the word */
    if (n >= 8 && n <= 10) {
        int p[3] = {0, 0, 0}, nd[3] = {0, 0, 0}, k = 0, ok = 1;
        for (size_t i = 0; i < n && ok; i++) {
            if (is_digit(s[i])) {
                p[k] = p[k] * 10 + (s[i] - '0');
                nd[k]++;
            } else if (s[i] == '.' && k < 2) {
                k++;
            } else {
                ok = 0;
            }
        }
        if (ok && k == 2 && nd[0] >= 1 && nd[0] <= 2 && nd[1] >= 1 && nd[1] <= 2 && nd[2] == 4) {
            t->dd = p[0];
            t->dm = p[1];
            t->dy = p[2];
        }
    }
    if (!t->f[0])
        return;
    size_t d = 0;
    while (t->f[d] && is_digit(t->f[d]))
        d++;
    if (d >= 1 && d <= 4) {
        const char *suf = t->f + d;
        if (!*suf || in_list(suf, ordinals, TG_ARRAY_LEN(ordinals))) {
            t->ndig = (int)d;
            t->num = 0;
            for (size_t i = 0; i < d; i++)
                t->num = t->num * 10 + (t->f[i] - '0');
            t->ord = *suf != '\0';
        }
        return;
    }
    if (d)
        return;
    if (fl < 3 || fl > 10)
        return; /* month names have 3 to 10 letters */
    if (t->f[0] < 'a' || t->f[0] > 'z')
        return;
    for (uint64_t m = by_initial[t->f[0] - 'a']; m; m &= m - 1) {
        size_t i = (size_t)__builtin_ctzll(m);
        if (!strcmp(t->f, months[i].name)) {
            t->month = months[i].month;
            t->abbr = months[i].abbr;
            t->en = months[i].en;
            break;
        }
    }
}

typedef struct {
    tg_date_mention_t m;
    size_t word;    /* index of its first word */
    int fallback;   /* year to use if none follows (0: drop it) */
    int need_month; /* a day whose month comes with the next date ("el 5 y
                     * el 11 de agosto") */
} pending_t;

typedef struct {
    const char *text;
    size_t len;
    int day_first;
    int context_year;
    tg_date_cb cb;
    void *ctx;
    int stop;
    tg_buf_t fold; /* scratch for folding one word */
    month_index_t by_initial;
    tg_look_t look;
    dtok_t win[WIN];
    size_t word; /* index of the current word among all words */
    dtok_t prev; /* the word before the current one */
    int have_prev;
    int last_year; /* year of the last date with its year written */
    pending_t pend[PENDING_MAX];
    size_t npend;
} scan_t;

static void fill(void *ctx, void *word, size_t a, size_t b)
{
    scan_t *s = ctx;
    dtok_t *t = word;
    t->a = a;
    t->b = b;
    classify(s->text, t, &s->fold, s->by_initial);
}

/* The k-th word from the current one, or NULL past the end. */
static dtok_t *at(scan_t *s, size_t k)
{
    return tg_look_at(&s->look, k);
}

static void advance(scan_t *s, size_t k)
{
    for (size_t i = 0; i < k; i++) {
        dtok_t *t = tg_look_advance(&s->look, 1);
        if (!t)
            break;
        s->prev = *t;
        s->have_prev = 1;
        s->word++;
    }
}

/* The bytes between words i and i + 1 (relative to the current one). */
static void gap(scan_t *s, size_t i, const char **g, size_t *n)
{
    dtok_t *x = at(s, i), *y = at(s, i + 1);
    *g = s->text + x->b;
    *n = y->a - x->b;
}

/* A gap of spaces (one line break at most) with at most one of the ASCII
 * characters in punct; degree: "°" (after a day) allowed too. */
static int gap_ok(const char *g, size_t n, const char *punct, int degree)
{
    if (n == 0 || n > 12)
        return 0;
    int marks = 0, nl = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)g[i];
        if (c == ' ' || c == '\t' || c == '\r')
            continue;
        if (c == '\n') {
            if (++nl > 1)
                return 0;
            continue;
        }
        if (c == 0xC2 && i + 1 < n && (unsigned char)g[i + 1] == 0xA0) {
            i++; /* no-break space */
            continue;
        }
        if (degree && c == 0xC2 && i + 1 < n && (unsigned char)g[i + 1] == 0xB0) {
            i++;
            if (++marks > 1)
                return 0;
            continue;
        }
        if (c < 0x80 && one_of((char)c, punct)) {
            if (++marks > 1)
                return 0;
            continue;
        }
        return 0;
    }
    return 1;
}

static int gap_has(const char *g, size_t n, char c)
{
    return memchr(g, c, n) != NULL;
}

static int year_of(const dtok_t *t)
{
    if (t->num >= TG_DATES_MIN_YEAR && t->num <= TG_DATES_MAX_YEAR && t->ndig == 4 && !t->ord)
        return t->num;
    return 0;
}

static int day_of(const dtok_t *t)
{
    if (t->num >= 1 && t->num <= 31 && t->ndig <= 2)
        return t->num;
    return strcmp(t->f, "primero") == 0 ? 1 : 0;
}

/* A month word usable here: English full names only capitalised;
 * abbreviations only where the caller allows them. */
static int month_of(const dtok_t *t, int allow_abbr)
{
    if (!t->month)
        return 0;
    if (t->en && !t->upper)
        return 0;
    if (t->abbr && !allow_abbr)
        return 0;
    return t->month;
}

static int is_connector(const dtok_t *t, int with_del)
{
    return !strcmp(t->f, "de") || !strcmp(t->f, "of") || (with_del && !strcmp(t->f, "del"));
}

static int valid(int y, int m, int d)
{
    return m >= 1 && m <= 12 && d >= 1 && d <= tg_days_in_month(y, m);
}

/* What a pattern found: ok says whether it is a real date (a pattern that
 * matched an impossible date consumes its words and reports nothing). */
typedef struct {
    size_t words;
    int ok;
    int y, m, d; /* y 0: year to be inferred */
    int range;   /* the first end of a range: its month or year follows */
} match_t;

static void set(match_t *r, size_t words, int y, int m, int d)
{
    r->words = words;
    r->y = y;
    r->m = m;
    r->d = d;
    r->ok = y ? (d ? valid(y, m, d) : 1) : valid(2000, m, d); /* 2000: leap */
}

/* 05/08/2025, 5-8-2025, 05.08.2025, 2025-08-05, 2025/08/05 */
static int match_numeric(scan_t *s, match_t *r)
{
    dtok_t *t0 = at(s, 0);
    size_t last;
    int a, b, c, iso = 0;
    if (t0->dy) {
        a = t0->dd;
        b = t0->dm;
        c = t0->dy;
        last = 0;
    } else {
        dtok_t *t1 = at(s, 1), *t2 = at(s, 2);
        if (t0->num < 0 || t0->ord || !t1 || !t2 || t1->num < 0 || t1->ord || t1->ndig > 2)
            return 0;
        const char *g1, *g2;
        size_t n1, n2;
        gap(s, 0, &g1, &n1);
        gap(s, 1, &g2, &n2);
        if (n1 != 1 || n2 != 1 || g1[0] != g2[0] || (g1[0] != '/' && g1[0] != '-'))
            return 0;
        if (t0->ndig == 4) {
            /* ISO order; the day may carry a time: 2025-08-05T10:00 */
            const char *d = s->text + t2->a;
            size_t dn = t2->b - t2->a, k = 0;
            int day = 0;
            while (k < dn && k < 3 && is_digit(d[k]))
                day = day * 10 + (d[k++] - '0');
            if (k < 1 || k > 2 || (k < dn && d[k] != 'T'))
                return 0;
            iso = 1;
            a = day;
            b = t1->num;
            c = t0->num;
        } else {
            if (t0->ndig > 2 || t2->num < 0 || t2->ord || t2->ndig != 4)
                return 0;
            a = t0->num;
            b = t1->num;
            c = t2->num;
        }
        last = 2;
    }
    /* not a piece of a longer run of numbers: 12/05/08/2025, 05/08/2025/3 */
    size_t st = at(s, 0)->a, en = at(s, last)->b;
    if (st >= 2 && one_of(s->text[st - 1], "/-.") && is_digit(s->text[st - 2]))
        return 0;
    if (en + 1 < s->len && one_of(s->text[en], "/-.") && is_digit(s->text[en + 1]))
        return 0;
    if (c < TG_DATES_MIN_YEAR || c > TG_DATES_MAX_YEAR)
        return 0;
    int day = a, month = b;
    if (!iso) {
        if (!s->day_first) {
            day = b;
            month = a;
        }
        /* the other order only when this one has no such month */
        if (month > 12 && day <= 12) {
            int x = day;
            day = month;
            month = x;
        }
    }
    set(r, last + 1, c, month, day);
    r->ok = r->ok && day > 0;
    return 1;
}

static int after_street(const scan_t *s)
{
    return s->have_prev && in_list(s->prev.f, street_cues, TG_ARRAY_LEN(street_cues));
}

/* 5 de agosto [de 2025], 1° de agosto, 5 August 2025, the 5th of August */
static int match_day_first(scan_t *s, match_t *r)
{
    dtok_t *t0 = at(s, 0);
    /* any number of two digits: "32 de agosto de 2025" is an impossible
     * date, consumed and not reported, rather than "agosto de 2025" */
    int day;
    if (t0->num >= 0 && t0->ndig <= 2)
        day = t0->num;
    else if (!strcmp(t0->f, "primero"))
        day = 1;
    else
        return 0;
    if (after_street(s))
        return 0;
    const char *g;
    size_t n;
    size_t i = 1;
    dtok_t *t = at(s, 1);
    if (!t)
        return 0;
    gap(s, 0, &g, &n);
    if (!gap_ok(g, n, "-.", 1))
        return 0;
    int dash = gap_has(g, n, '-');
    if (is_connector(t, 0)) {
        if (dash)
            return 0;
        i = 2;
        if (!(t = at(s, 2)))
            return 0;
        gap(s, 1, &g, &n);
        if (!gap_ok(g, n, "", 0))
            return 0;
    }
    size_t mi = i;
    int month = month_of(t, 1);
    if (!month)
        return 0;
    int abbr = t->abbr;
    int year = 0;
    size_t words = mi + 1;
    dtok_t *ty = at(s, mi + 1);
    if (ty) {
        gap(s, mi, &g, &n);
        size_t j = mi + 1;
        int ok = dash ? (n == 1 && g[0] == '-') : gap_ok(g, n, ",.", 0);
        if (ok && !dash && is_connector(ty, 1)) {
            j++;
            ty = at(s, j);
            if (ty) {
                gap(s, j - 1, &g, &n);
                ok = gap_ok(g, n, "", 0);
            }
        }
        if (ok && ty && (year = year_of(ty)) != 0)
            words = j + 1;
    }
    if (!year && (abbr || dash))
        return 0;
    set(r, words, year, month, day);
    r->ok = r->ok && day > 0;
    return 1;
}

/* August 5, 2025, Aug. 5 2025, agosto 5 de 2025, August 5 */
static int match_month_first(scan_t *s, match_t *r)
{
    dtok_t *t0 = at(s, 0), *t1 = at(s, 1);
    int month = month_of(t0, 1);
    if (!month || !t1 || t1->num < 0)
        return 0;
    int day = day_of(t1);
    if (!day)
        return 0;
    const char *g;
    size_t n;
    gap(s, 0, &g, &n);
    if (!gap_ok(g, n, ".", 0))
        return 0;
    int year = 0;
    size_t words = 2, j = 2;
    dtok_t *ty = at(s, 2);
    if (ty) {
        gap(s, 1, &g, &n);
        int ok = gap_ok(g, n, ",", 0);
        if (ok && is_connector(ty, 1) && !gap_has(g, n, ',')) {
            j = 3;
            ty = at(s, 3);
            if (ty) {
                gap(s, 2, &g, &n);
                ok = gap_ok(g, n, "", 0);
            }
        }
        if (ok && ty && (year = year_of(ty)) != 0)
            words = j + 1;
    }
    /* without a year, only the English habit: "on August 5" */
    if (!year && !(t0->en && !t0->abbr))
        return 0;
    set(r, words, year, month, day);
    return 1;
}

/* agosto de 2025, August 2025, Aug. 2025 */
static int match_month_year(scan_t *s, match_t *r)
{
    dtok_t *t0 = at(s, 0), *t = at(s, 1);
    int month = month_of(t0, t0->upper);
    if (!month || !t)
        return 0;
    const char *g;
    size_t n;
    gap(s, 0, &g, &n);
    if (!gap_ok(g, n, ",.", 0))
        return 0;
    size_t j = 1;
    if (is_connector(t, 1) && !gap_has(g, n, ',') && !gap_has(g, n, '.')) {
        j = 2;
        if (!(t = at(s, 2)))
            return 0;
        gap(s, 1, &g, &n);
        if (!gap_ok(g, n, "", 0))
            return 0;
    }
    int year = year_of(t);
    if (!year)
        return 0;
    set(r, j + 1, year, month, 0);
    return 1;
}

/* Joins two days or two months of a range. */
static int is_range_word(const dtok_t *t)
{
    static const char *const w[] = {"y", "a", "al", "hasta", "and", "to", "through"};
    return in_list(t->f, w, TG_ARRAY_LEN(w));
}

/* The first day of "el 5 y el 11 de agosto", "5 al 9 de agosto", "the 5th
 * and 6th of August": reported with the month of the date that follows. */
static int match_day_range(scan_t *s, match_t *r)
{
    dtok_t *t0 = at(s, 0), *t1 = at(s, 1);
    if (t0->num < 1 || t0->num > 31 || t0->ndig > 2 || !t1 || !is_range_word(t1) || after_street(s))
        return 0;
    const char *g;
    size_t n, k = 2;
    gap(s, 0, &g, &n);
    if (!gap_ok(g, n, "", 1))
        return 0;
    dtok_t *t = at(s, 2);
    if (t && (!strcmp(t->f, "el") || !strcmp(t->f, "the")))
        t = at(s, ++k);
    dtok_t *after = at(s, k + 1);
    if (!t || t->num < 1 || t->num > 31 || t->ndig > 2 || !after ||
        !(is_connector(after, 0) || month_of(after, 1)))
        return 0;
    for (size_t i = 1; i < k; i++) {
        gap(s, i, &g, &n);
        if (!gap_ok(g, n, "", 0))
            return 0;
    }
    r->words = 1;
    r->ok = 1;
    r->y = r->m = 0;
    r->d = t0->num;
    r->range = 1;
    return 1;
}

/* The first month of "entre mayo y octubre de 2023", "February and March
 * 2025": reported with the year of the date that follows, or not at all. */
static int match_month_range(scan_t *s, match_t *r)
{
    dtok_t *t0 = at(s, 0), *t1 = at(s, 1), *t2 = at(s, 2);
    int month = month_of(t0, 0);
    if (!month || !t1 || !is_range_word(t1) || !t2 || !month_of(t2, 0))
        return 0;
    const char *g;
    size_t n;
    for (size_t i = 0; i < 2; i++) {
        gap(s, i, &g, &n);
        if (!gap_ok(g, n, "", 0))
            return 0;
    }
    r->words = 1;
    r->ok = 1;
    r->y = r->d = 0;
    r->m = month;
    r->range = 1;
    return 1;
}

/* en 2024, desde 2019, in 2024 */
static int match_cue_year(scan_t *s, match_t *r)
{
    dtok_t *t0 = at(s, 0);
    int year = year_of(t0);
    if (!year || year < 1900 || year > 2100 || !s->have_prev ||
        !in_list(s->prev.f, year_cues, TG_ARRAY_LEN(year_cues)))
        return 0;
    size_t b = s->prev.b;
    if (!gap_ok(s->text + b, t0->a - b, "", 0))
        return 0;
    /* not a number of something in a sequence: "en 2024/25", "en 2000-2001" */
    size_t e = t0->b;
    if (e + 1 < s->len && one_of(s->text[e], "/-.,") && is_digit(s->text[e + 1]))
        return 0;
    set(r, 1, year, 0, 0);
    return 1;
}

static void emit(scan_t *s, const tg_date_mention_t *m)
{
    if (!s->stop && s->cb(s->ctx, m))
        s->stop = 1;
}

/* Reports pending[i] with year y (0: dropped) and removes it. */
static void settle(scan_t *s, size_t i, int y)
{
    tg_date_mention_t m = s->pend[i].m;
    int ok = !s->pend[i].need_month &&
             (m.date.day ? valid(y, m.date.month, m.date.day) : m.date.month >= 1);
    if (y && ok) {
        m.date.year = y;
        emit(s, &m);
    }
    memmove(&s->pend[i], &s->pend[i + 1], (s->npend - i - 1) * sizeof s->pend[0]);
    s->npend--;
}

static void push_pending(scan_t *s, const tg_date_mention_t *m, int fallback, int need_month)
{
    if (s->npend == PENDING_MAX)
        settle(s, 0, s->pend[0].fallback);
    pending_t *p = &s->pend[s->npend++];
    p->m = *m;
    p->m.year_inferred = 1;
    p->word = s->word;
    p->fallback = fallback;
    p->need_month = need_month;
}

static void on_match(scan_t *s, const match_t *r)
{
    dtok_t *first = at(s, 0), *lastw = at(s, r->words - 1);
    tg_date_mention_t m = {{r->y, r->m, r->d}, first->a, lastw->b, 0};
    if (!r->ok)
        return;
    /* "el 5 y el 11 de agosto": the 5th takes this date's month */
    for (size_t i = 0; i < s->npend; i++)
        if (s->pend[i].need_month && r->m && r->d) {
            s->pend[i].m.date.month = r->m;
            s->pend[i].need_month = 0;
        }
    if (!r->y) {
        push_pending(s, &m, s->last_year ? s->last_year : s->context_year, 0);
        return;
    }
    /* days and months waiting for this year: "del 28 de julio al 5 de
     * agosto de 2024"; across a new year, "del 28 de diciembre al 3 de
     * enero de 2025" puts December in 2024 */
    while (s->npend > 0) {
        int y = r->y;
        if (r->m && s->pend[0].m.date.month > r->m)
            y--;
        settle(s, 0, y);
    }
    emit(s, &m);
    s->last_year = r->y;
}

void tg_dates_scan_words(const tg_words_t *w, const char *lang, int context_year, tg_date_cb cb,
                         void *ctx)
{
    scan_t s;
    memset(&s, 0, sizeof s);
    s.text = w->text;
    s.len = w->len;
    s.day_first = !(lang && strcmp(lang, "en") == 0);
    s.context_year = context_year;
    s.cb = cb;
    s.ctx = ctx;
    index_months(s.by_initial);
    tg_look_init_words(&s.look, w, s.win, sizeof s.win[0], WIN, fill, &s);
    tg_buf_init(&s.fold, 4 * FOLD_MAX);
    while (!s.stop && at(&s, 0)) {
        while (s.npend > 0 && s.pend[0].word + PENDING_WORDS < s.word)
            settle(&s, 0, s.pend[0].fallback);
        match_t r;
        memset(&r, 0, sizeof r);
        if (match_numeric(&s, &r) || match_day_first(&s, &r) || match_month_first(&s, &r) ||
            match_month_year(&s, &r) || match_cue_year(&s, &r)) {
            on_match(&s, &r);
            advance(&s, r.words);
        } else if (match_day_range(&s, &r) || match_month_range(&s, &r)) {
            /* waits for the month (a day) or the year (a month) that follows */
            dtok_t *t = at(&s, 0);
            tg_date_mention_t m = {{0, r.m, r.d}, t->a, t->b, 1};
            push_pending(&s, &m, r.d ? (s.last_year ? s.last_year : s.context_year) : 0, r.d != 0);
            advance(&s, 1);
        } else {
            advance(&s, 1);
        }
    }
    while (s.npend > 0)
        settle(&s, 0, s.stop ? 0 : s.pend[0].fallback);
    tg_buf_free(&s.fold);
}

void tg_dates_scan(const char *text, size_t len, const char *lang, int context_year, tg_date_cb cb,
                   void *ctx)
{
    tg_words_t w;
    tg_words_none(&w, text, len);
    tg_dates_scan_words(&w, lang, context_year, cb, ctx);
}

/* ==== File names ============================================================ */

static int digits_at(const char *s, size_t n, size_t i, size_t k, int *v)
{
    if (i + k > n)
        return 0;
    *v = 0;
    for (size_t j = i; j < i + k; j++) {
        if (!is_digit(s[j]))
            return 0;
        *v = *v * 10 + (s[j] - '0');
    }
    return 1;
}

static int is_name_sep(char c)
{
    return c == '-' || c == '_' || c == '.';
}

/* Numeric dates in a name: YYYYMMDD, YYYY-MM-DD, YYYY_MM_DD, DD-MM-YYYY,
 * YYYY-MM, each a whole run of digits and separators. */
static int numeric_in_name(const char *s, size_t n, int day_first, tg_date_t *d)
{
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]) || (i > 0 && is_digit(s[i - 1])))
            continue;
        size_t run = i;
        while (run < n && is_digit(s[run]))
            run++;
        size_t rl = run - i;
        int y, m, dd;
        char sep = run < n ? s[run] : 0;
        if (rl == 8) {
            if (digits_at(s, n, i, 4, &y) && digits_at(s, n, i + 4, 2, &m) &&
                digits_at(s, n, i + 6, 2, &dd) && y >= TG_DATES_MIN_YEAR &&
                y <= TG_DATES_MAX_YEAR && valid(y, m, dd)) {
                d->year = y;
                d->month = m;
                d->day = dd;
                return 0;
            }
        } else if (rl == 4 && is_name_sep(sep) && digits_at(s, n, i, 4, &y) &&
                   y >= TG_DATES_MIN_YEAR && y <= TG_DATES_MAX_YEAR &&
                   digits_at(s, n, run + 1, 2, &m) && (run + 3 >= n || !is_digit(s[run + 3]))) {
            /* YYYY-MM[-DD] */
            size_t e = run + 3;
            if (e + 2 < n && s[e] == sep && digits_at(s, n, e + 1, 2, &dd) &&
                (e + 3 >= n || !is_digit(s[e + 3]))) {
                if (valid(y, m, dd)) {
                    d->year = y;
                    d->month = m;
                    d->day = dd;
                    return 0;
                }
            } else if (sep != '.' && m >= 1 && m <= 12 &&
                       !(e + 1 < n && is_name_sep(s[e]) && is_digit(s[e + 1]))) {
                d->year = y;
                d->month = m;
                d->day = 0;
                return 0;
            }
        } else if ((rl == 1 || rl == 2) && is_name_sep(sep)) {
            /* DD-MM-YYYY (or MM-DD-YYYY in English) */
            int a, b;
            size_t p = run + 1, q = p;
            while (q < n && is_digit(s[q]))
                q++;
            if (q - p < 1 || q - p > 2 || q >= n || s[q] != sep)
                continue;
            if (!digits_at(s, n, i, rl, &a) || !digits_at(s, n, p, q - p, &b) ||
                !digits_at(s, n, q + 1, 4, &y) || (q + 5 < n && is_digit(s[q + 5])))
                continue;
            int day = day_first ? a : b, month = day_first ? b : a;
            if (month > 12 && day <= 12) {
                int x = day;
                day = month;
                month = x;
            }
            if (y >= TG_DATES_MIN_YEAR && y <= TG_DATES_MAX_YEAR && valid(y, month, day)) {
                d->year = y;
                d->month = month;
                d->day = day;
                return 0;
            }
        }
        i = run - 1;
    }
    return -1;
}

typedef struct {
    tg_date_t d;
    int found;
    int need_month;
} first_t;

static int first_cb(void *ctx, const tg_date_mention_t *m)
{
    first_t *f = ctx;
    if (m->year_inferred || (f->need_month && !m->date.month))
        return 0;
    f->d = m->date;
    f->found = 1;
    return 1;
}

int tg_dates_in_name(const char *name, const char *lang, tg_date_t *d)
{
    char buf[1024];
    size_t n = strlen(name);
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, name, n);
    buf[n] = '\0';
    int day_first = !(lang && strcmp(lang, "en") == 0);
    if (numeric_in_name(buf, n, day_first, d) == 0)
        return 0;
    /* words: "acta_5_de_agosto_de_2025.txt" */
    for (size_t i = 0; i < n; i++)
        if (buf[i] == '_')
            buf[i] = ' ';
    first_t f = {{0, 0, 0}, 0, 1};
    tg_dates_scan(buf, n, lang, 0, first_cb, &f);
    if (!f.found)
        return -1;
    *d = f.d;
    return 0;
}

int tg_dates_first_line(const char *text, size_t len, const char *lang, tg_date_t *d)
{
    size_t i = 0;
    int lines = 0;
    while (i < len && lines < TG_DATES_HEAD_LINES) {
        size_t e = i;
        while (e < len && text[e] != '\n' && text[e] != '\f')
            e++;
        size_t a = i, b = e;
        while (a < b && (text[a] == ' ' || text[a] == '\t' || text[a] == '\r'))
            a++;
        while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\r'))
            b--;
        if (b > a) {
            lines++;
            if (b - a <= TG_DATES_HEAD_LINE_MAX) {
                first_t f = {{0, 0, 0}, 0, 0};
                tg_dates_scan(text + a, b - a, lang, 0, first_cb, &f);
                if (f.found) {
                    *d = f.d;
                    return 0;
                }
            }
        }
        i = e + 1;
    }
    return -1;
}

const char *tg_dates_guess_lang(const char *text, size_t len)
{
    static const char *const en[] = {"the", "and",  "of", "was", "were", "with", "his",
                                     "her", "that", "on", "in",  "to",   "is",   "by"};
    static const char *const es[] = {"el",  "la", "los", "las", "que", "del", "y",
                                     "con", "su", "fue", "en",  "por", "es",  "se"};
    if (len > 65536)
        len = 65536;
    tg_tok_t t;
    tg_tok_init(&t, text, len);
    size_t a, b, ne = 0, ns = 0;
    while (tg_tok_next(&t, &a, &b)) {
        char w[8];
        size_t n = b - a;
        if (n >= sizeof w)
            continue;
        for (size_t i = 0; i < n; i++)
            w[i] =
                (char)(text[a + i] >= 'A' && text[a + i] <= 'Z' ? text[a + i] + 32 : text[a + i]);
        w[n] = '\0';
        ne += in_list(w, en, TG_ARRAY_LEN(en));
        ns += in_list(w, es, TG_ARRAY_LEN(es));
    }
    if (ne > ns && ne >= 3)
        return "en";
    if (ns > ne && ns >= 3)
        return "es";
    return "und";
}

void tg_date_format(const tg_date_t *d, char *buf, size_t len)
{
    if (d->day)
        snprintf(buf, len, "%04d-%02d-%02d", d->year, d->month, d->day);
    else if (d->month)
        snprintf(buf, len, "%04d-%02d", d->year, d->month);
    else
        snprintf(buf, len, "%04d", d->year);
}
