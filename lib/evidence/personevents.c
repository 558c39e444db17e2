/* Dates near a person's name and the events they are of (see
 * personevents.h).  Runs on any document's text: the words are folded
 * once into a bounded array, every window is clipped to its paragraph
 * and TG_EVENT_WINDOW, and mentions past TG_EVENT_MAX_MENTIONS are not
 * looked at. */
#include "personevents.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "text.h"
#include "util.h"

/* Event words, folded; a word is one when it starts with one of these
 * stems (so "detenido", "detenida", "detenidos" all are). */
static const struct {
    const char *stem;
    tg_event_kind_t kind;
} event_words[] = {
    {"detenc", TG_EVENT_DETENTION},    {"detenid", TG_EVENT_DETENTION},
    {"detuv", TG_EVENT_DETENTION},     {"arrest", TG_EVENT_DETENTION},
    {"aprehend", TG_EVENT_DETENTION},  {"aprehens", TG_EVENT_DETENTION},
    {"captur", TG_EVENT_DETENTION},    {"detain", TG_EVENT_DETENTION},
    {"detention", TG_EVENT_DETENTION}, {"traslad", TG_EVENT_TRANSFER},
    {"transfer", TG_EVENT_TRANSFER},   {"audiencia", TG_EVENT_HEARING},
    {"juicio", TG_EVENT_HEARING},      {"hearing", TG_EVENT_HEARING},
    {"trial", TG_EVENT_HEARING},       {"liberac", TG_EVENT_RELEASE},
    {"liberad", TG_EVENT_RELEASE},     {"liberar", TG_EVENT_RELEASE},
    {"excarcel", TG_EVENT_RELEASE},    {"releas", TG_EVENT_RELEASE},
    {"freed", TG_EVENT_RELEASE},
};

const char *tg_event_name(tg_event_kind_t kind)
{
    static const char *const names[] = {"mentioned", "detention", "transfer", "hearing", "release"};
    return (unsigned)kind < TG_ARRAY_LEN(names) ? names[kind] : "mentioned";
}

typedef struct {
    size_t start, end; /* bytes of the text */
    size_t fold;       /* offset of its folded form in the folded buffer */
    size_t flen;
} word_t;

static tg_event_kind_t event_of(const char *w, size_t n)
{
    for (size_t i = 0; i < TG_ARRAY_LEN(event_words); i++) {
        size_t sl = strlen(event_words[i].stem);
        if (n >= sl && !memcmp(w, event_words[i].stem, sl))
            return event_words[i].kind;
    }
    return TG_EVENT_MENTIONED;
}

/* The paragraph around [s, e): not across a blank line or a page break,
 * at most TG_EVENT_WINDOW bytes either side. */
static void window(const char *text, size_t len, size_t s, size_t e, size_t *ws, size_t *we)
{
    size_t a = s > TG_EVENT_WINDOW ? s - TG_EVENT_WINDOW : 0;
    for (size_t i = s; i > a; i--) {
        if (text[i - 1] == '\f' || (text[i - 1] == '\n' && i >= 2 && text[i - 2] == '\n')) {
            a = i;
            break;
        }
    }
    size_t b = len - e > TG_EVENT_WINDOW ? e + TG_EVENT_WINDOW : len;
    for (size_t i = e; i < b; i++) {
        if (text[i] == '\f' || (text[i] == '\n' && i + 1 < len && text[i + 1] == '\n')) {
            b = i;
            break;
        }
    }
    /* never cut a character */
    while (a > 0 && a < len && ((unsigned char)text[a] & 0xC0) == 0x80)
        a--;
    while (b < len && ((unsigned char)text[b] & 0xC0) == 0x80)
        b++;
    *ws = a;
    *we = b;
}

typedef struct {
    tg_date_mention_t *v;
    size_t n, cap;
} dates_t;

static int on_date(void *ctx, const tg_date_mention_t *m)
{
    dates_t *d = ctx;
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 8;
        d->v = tg_xrealloc(d->v, d->cap * sizeof *d->v);
    }
    d->v[d->n++] = *m;
    return d->n >= 64;
}

static size_t dist(size_t a0, size_t a1, size_t b0, size_t b1)
{
    if (a1 <= b0)
        return b0 - a1;
    if (b1 <= a0)
        return a0 - b1;
    return 0;
}

void tg_person_events(const char *text, size_t len, const char *const *keys, size_t nkeys,
                      const char *lang, int year, tg_event_cb cb, void *ctx)
{
    if (!text || !len || !nkeys)
        return;
    if (nkeys > TG_EVENT_MAX_KEYS)
        nkeys = TG_EVENT_MAX_KEYS;
    /* the text's words, folded */
    tg_buf_t f;
    tg_buf_init(&f, 4 * len + 64);
    word_t *w = NULL;
    size_t nw = 0, cap = 0;
    tg_tok_t tok;
    tg_tok_init(&tok, text, len);
    size_t s, e;
    while (tg_tok_next(&tok, &s, &e)) {
        if (nw == cap) {
            cap = cap ? 2 * cap : 256;
            w = tg_xrealloc(w, cap * sizeof *w);
        }
        size_t at = f.len;
        size_t n = tg_fold(text + s, e - s, &f);
        w[nw++] = (word_t){s, e, at, n};
    }
    /* the keys' words */
    size_t done_to = 0; /* dates before this byte were given already */
    size_t mentions = 0;
    dates_t dates = {0};
    int stop = 0;
    for (size_t i = 0; i < nw && !stop && mentions < TG_EVENT_MAX_MENTIONS; i++) {
        size_t best = 0; /* words of the longest key matching at i */
        for (size_t k = 0; k < nkeys; k++) {
            const char *kp = keys[k];
            size_t j = 0;
            while (*kp && i + j < nw) {
                const char *sp = strchr(kp, ' ');
                size_t kl = sp ? (size_t)(sp - kp) : strlen(kp);
                if (w[i + j].flen != kl || memcmp(f.data + w[i + j].fold, kp, kl))
                    break;
                j++;
                kp += kl;
                if (*kp == ' ')
                    kp++;
            }
            if (!*kp && j > best)
                best = j;
        }
        if (!best)
            continue;
        mentions++;
        size_t ms = w[i].start, me = w[i + best - 1].end, ws, we;
        window(text, len, ms, me, &ws, &we);
        dates.n = 0;
        tg_dates_scan(text + ws, we - ws, lang, year, on_date, &dates);
        for (size_t d = 0; d < dates.n && !stop; d++) {
            size_t ds = ws + dates.v[d].start, de = ws + dates.v[d].end;
            if (ds < done_to)
                continue;
            /* the event word nearest to the date, within the window */
            tg_event_kind_t kind = TG_EVENT_MENTIONED;
            size_t bestd = (size_t)-1;
            size_t x = i;
            while (x > 0 && w[x - 1].end > ws)
                x--;
            for (; x < nw && w[x].start < we; x++) {
                tg_event_kind_t k = event_of(f.data + w[x].fold, w[x].flen);
                size_t dd = dist(w[x].start, w[x].end, ds, de);
                if (k != TG_EVENT_MENTIONED && dd < bestd) {
                    bestd = dd;
                    kind = k;
                }
            }
            tg_event_t ev = {dates.v[d].date, kind, ms, me, ds, de};
            stop = cb(ctx, &ev);
        }
        if (we > done_to)
            done_to = we;
        i += best - 1;
    }
    free(dates.v);
    free(w);
    tg_buf_free(&f);
}
