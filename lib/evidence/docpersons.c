/* The persons one document names (see docpersons.h).
 *
 * Each text is read twice, by the identity-number scanner and then by the
 * persons scanner; as the persons scanner reports a name, the number
 * written right after it (or opening its line just before it) is attached
 * to it.  Mentions are gathered into forms: one per key, identity number
 * and kind (weak or not), with a count, the ways it was written, and its
 * name words (the key's words, particles aside).
 *
 * Resolution, once the document has been read: forms are taken longest
 * first (more name words, then more letters), so that when a form is
 * looked at, every form it could be a short form of has already been
 * placed.  A form joins the person of the forms it fits (docpersons.h says
 * how) when they are all one person, and the numbers and list entries of
 * the two agree; otherwise it stays a person of its own (a weak form is
 * dropped).  Candidates are found through an index of forms by word, and
 * at most MAX_CANDIDATES are looked at per form: a form fitting more is
 * left alone, as ambiguous.  Whether the first words of a form are given
 * names (which decides where its surnames start) is asked of the system's
 * lexicon (lexicon.h), only when there are forms to compare.
 *
 * Workload: a few operations per mention; resolution is O(forms x
 * candidates x words), bounded by the caps.  Never prints. */
#define _POSIX_C_SOURCE 200809L
#include "docpersons.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "lexicon.h"
#include "persons.h"
#include "text.h"
#include "util.h"

/* Name words compared per form (particles aside). */
#define MAX_WORDS 12
/* Forms a form is compared with before it is left alone as ambiguous. */
#define MAX_CANDIDATES 64
/* Forms of a person whose spellings are looked at for its display name
 * (the first met). */
#define MAX_SPELLERS 64
/* Bytes between a name and the identity number written after it. */
#define ID_AFTER 120
/* Bytes between an identity number and the name after it on a list line. */
#define ID_BEFORE 16

typedef struct {
    char *key;
    char *name; /* given names first, as written (listed: the canonical name) */
    char *forms[TG_DOCPERSONS_MAX_WRITTEN];
    size_t nforms;
    char *spell[TG_DOCPERSONS_MAX_WRITTEN]; /* names as written, for spellings */
    size_t nspell;
    char id[16]; /* digits, "" when none */
    char idshow[24];
    size_t count, first;
    int listed, weak;
    char *wbuf; /* the key's words, NUL-separated */
    const char *w[MAX_WORDS];
    size_t nw;
    size_t given; /* leading given names, at most nw - 1 */
    int given0;   /* the first word is a given name */
    /* resolution */
    size_t root;
    size_t pos;       /* place in the order of resolution */
    int dead;         /* a weak form that fits no one */
    char eid[16];     /* root: the number of the person */
    char eidshow[24]; /* root: its display form */
    size_t elisted;   /* root: 1 + the form whose list entry the person is, 0 if none */
} form_t;

struct tg_docpersons {
    const tg_names_t *names;
    form_t *f;
    size_t nf, cf;
    uint32_t *slots; /* (key, id, weak) -> form + 1 */
    size_t nslots;
    tg_idnum_t *ids;
    uint8_t *taken;
    size_t nids, cids;
    /* the text being read */
    const char *text;
    size_t len, id0, next;
    size_t mentions;
    int resolved;
    tg_docperson_t *out;
    size_t nout;
    char **names_shown;  /* display names built, one per entry */
    const char **arrays; /* forms and ids of the entries */
};

static uint32_t hash3(const char *key, const char *id, int weak)
{
    uint32_t h = tg_fnv1a(key, strlen(key));
    h = tg_fnv1a_more(h, "\x1f", 1);
    h = tg_fnv1a_more(h, id, strlen(id));
    unsigned char w = (unsigned char)weak;
    return tg_fnv1a_more(h, &w, 1);
}

tg_docpersons_t *tg_docpersons_new(const tg_names_t *names)
{
    tg_docpersons_t *d = tg_xcalloc(1, sizeof *d);
    d->names = names;
    d->nslots = 64;
    d->slots = tg_xcalloc(d->nslots, sizeof *d->slots);
    return d;
}

void tg_docpersons_free(tg_docpersons_t *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nf; i++) {
        form_t *f = &d->f[i];
        free(f->key);
        free(f->name);
        free(f->wbuf);
        for (size_t k = 0; k < f->nforms; k++)
            free(f->forms[k]);
        for (size_t k = 0; k < f->nspell; k++)
            free(f->spell[k]);
    }
    for (size_t i = 0; i < d->nout; i++)
        free(d->names_shown[i]);
    free(d->names_shown);
    free(d->arrays);
    free(d->out);
    free(d->f);
    free(d->slots);
    free(d->ids);
    free(d->taken);
    free(d);
}

/* ==== Identity numbers next to names ====================================== */

static int on_id(void *ctx, const tg_idnum_t *id)
{
    tg_docpersons_t *d = ctx;
    if (d->nids == TG_DOCPERSONS_MAX_IDS)
        return 1;
    if (d->nids == d->cids) {
        d->cids = d->cids ? 2 * d->cids : 16;
        d->ids = tg_xrealloc(d->ids, d->cids * sizeof *d->ids);
        d->taken = tg_xrealloc(d->taken, d->cids);
    }
    d->ids[d->nids] = *id;
    d->taken[d->nids] = 0;
    d->nids++;
    return 0;
}

static int in_words(const char *w, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(w, list[i]))
            return 1;
    return 0;
}

/* Words that may stand between a name and its number ("..., venezolano,
 * mayor de edad, titular de la cédula de identidad N° V-..."). */
/* clang-format off */
static const char *const fillers[] = {
    "cedula", "cedulas", "de", "del", "identidad", "c", "i", "ci", "n", "no", "nro", "num",
    "numero", "titular", "portador", "portadora", "la", "el", "con", "su", "venezolano",
    "venezolana", "extranjero", "extranjera", "nacionalidad", "mayor", "edad", "civil", "soltero",
    "soltera", "casado", "casada", "identificado", "identificada", "quien", "se", "identifica",
    "como", "v", "e", "id", "identity", "card", "number", "holder", "of", "nac", "anos", "years",
    "old", "aged",
};
/* clang-format on */
/* Of them, abbreviations whose dot does not end a sentence ("C.I.", "N.°"). */
static const char *const abbrevs[] = {"c", "i", "ci", "n", "no", "nro", "num", "v", "e", "nac"};

/* Is g, between a name and a number, made only of such words? */
static int filler_gap(const char *g, size_t n)
{
    if (n > ID_AFTER)
        return 0;
    for (size_t i = 0; i + 1 < n; i++)
        if (g[i] == '\n' && (g[i + 1] == '\n' || (i + 2 < n && g[i + 1] == '\r')))
            return 0; /* a blank line */
    /* a name inside brackets is not the one a number after them is of:
     * "(la madre de José Gregorio) V-12.345.678" */
    for (size_t i = 0, open = 0; i < n; i++) {
        open += g[i] == '(';
        if (g[i] == ')' && open-- == 0)
            return 0;
    }
    tg_tok_t t;
    tg_tok_init(&t, g, n);
    size_t a, b, prev_end = 0;
    char fw[32];
    int prev_abbrev = 1;
    tg_buf_t f;
    tg_buf_init(&f, 4 * sizeof fw);
    int ok = 1;
    while (ok && tg_tok_next(&t, &a, &b)) {
        /* a full stop between the words ends a sentence: "... Rojas. Su
         * cédula es ..." is not an attachment */
        for (size_t i = prev_end; i < a; i++)
            if (g[i] == '.' && i + 1 < n && (g[i + 1] == ' ' || g[i + 1] == '\n') && !prev_abbrev)
                ok = 0;
        tg_buf_reset(&f);
        size_t m = b - a < sizeof fw ? tg_fold(g + a, b - a, &f) : 0;
        if (m == 0 || m >= sizeof fw) {
            ok = 0;
            break;
        }
        memcpy(fw, f.data, m);
        fw[m] = '\0';
        /* an age: "de 23 años" */
        int age = m <= 3 && strspn(fw, "0123456789") == m;
        if (!age && !in_words(fw, fillers, TG_ARRAY_LEN(fillers)))
            ok = 0;
        prev_abbrev = in_words(fw, abbrevs, TG_ARRAY_LEN(abbrevs));
        prev_end = b;
    }
    for (size_t i = prev_end; ok && i < n; i++)
        if (g[i] == '.' && i + 1 < n && (g[i + 1] == ' ' || g[i + 1] == '\n') && !prev_abbrev)
            ok = 0;
    tg_buf_free(&f);
    return ok;
}

/* Is the number ids[k] the head of a list line whose name follows at a
 * ("1. V-12.345.678  ARREAZA LUGO, Eusebio")? */
static int heads_line(const tg_docpersons_t *d, size_t k, size_t a)
{
    const tg_idnum_t *id = &d->ids[k];
    if (id->end > a || a - id->end > ID_BEFORE)
        return 0;
    for (size_t i = id->end; i < a; i++) {
        unsigned char c = (unsigned char)d->text[i];
        if (c == '\n' || c >= 0x80 || (c >= '0' && c <= '9') ||
            ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
            return 0;
    }
    for (size_t i = id->start; i > 0 && d->text[i - 1] != '\n'; i--) {
        unsigned char c = (unsigned char)d->text[i - 1];
        if (c >= 0x80 || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
            return 0;
        if (id->start - i > 16)
            return 0;
    }
    return 1;
}

/* The number attached to the name at [a, b) of the current text, or -1. */
static long attach(tg_docpersons_t *d, size_t a, size_t b)
{
    while (d->next < d->nids && d->ids[d->next].start < b)
        d->next++;
    size_t k = d->next;
    if (k < d->nids && !d->taken[k] && filler_gap(d->text + b, d->ids[k].start - b)) {
        d->taken[k] = 1;
        return (long)k;
    }
    if (k > d->id0 && !d->taken[k - 1] && heads_line(d, k - 1, a)) {
        d->taken[k - 1] = 1;
        return (long)(k - 1);
    }
    return -1;
}

/* ==== Forms ================================================================ */

static int is_particle(const char *w)
{
    static const char *const p[] = {"de", "del", "la", "las", "los", "y"};
    return in_words(w, p, TG_ARRAY_LEN(p));
}

static void add_str(char **list, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(list[i], s))
            return;
    if (*n < TG_DOCPERSONS_MAX_WRITTEN)
        list[(*n)++] = tg_utf8_clean(s, strlen(s));
}

static size_t find_slot(const tg_docpersons_t *d, const char *key, const char *id, int weak)
{
    size_t mask = d->nslots - 1, i = hash3(key, id, weak) & mask;
    while (d->slots[i]) {
        const form_t *f = &d->f[d->slots[i] - 1];
        if (f->weak == weak && !strcmp(f->key, key) && !strcmp(f->id, id))
            return i;
        i = (i + 1) & mask;
    }
    return i;
}

static form_t *form_for(tg_docpersons_t *d, const tg_person_t *p, const tg_idnum_t *id)
{
    const char *digits = id ? id->digits : "";
    size_t i = find_slot(d, p->key, digits, p->weak);
    if (d->slots[i])
        return &d->f[d->slots[i] - 1];
    if (d->nf == TG_DOCPERSONS_MAX_FORMS)
        return NULL;
    if (d->nf == d->cf) {
        d->cf = d->cf ? 2 * d->cf : 16;
        d->f = tg_xrealloc(d->f, d->cf * sizeof *d->f);
    }
    form_t *f = &d->f[d->nf];
    memset(f, 0, sizeof *f);
    f->key = tg_xstrdup(p->key);
    f->name = tg_utf8_clean(p->name, strlen(p->name));
    snprintf(f->id, sizeof f->id, "%s", digits);
    if (id)
        tg_idnum_format(id, f->idshow, sizeof f->idshow);
    f->first = d->mentions;
    f->listed = p->listed;
    f->weak = p->weak;
    f->wbuf = tg_xstrdup(p->key);
    for (char *w = f->wbuf; *w && f->nw < MAX_WORDS;) {
        char *e = strchr(w, ' ');
        if (e)
            *e = '\0';
        if (!is_particle(w))
            f->w[f->nw++] = w;
        if (!e)
            break;
        w = e + 1;
    }
    d->slots[i] = (uint32_t)(d->nf + 1);
    d->nf++;
    if (d->nf * 2 > d->nslots) {
        size_t n = d->nslots * 2;
        free(d->slots);
        d->slots = tg_xcalloc(n, sizeof *d->slots);
        d->nslots = n;
        for (size_t k = 0; k < d->nf; k++)
            d->slots[find_slot(d, d->f[k].key, d->f[k].id, d->f[k].weak)] = (uint32_t)(k + 1);
    }
    return &d->f[d->nf - 1];
}

static int on_person(void *ctx, const tg_person_t *p)
{
    tg_docpersons_t *d = ctx;
    long k = attach(d, p->start, p->end);
    form_t *f = form_for(d, p, k >= 0 ? &d->ids[k] : NULL);
    d->mentions++;
    if (!f)
        return 0;
    f->count++;
    add_str(f->forms, &f->nforms, p->form);
    if (!p->listed)
        add_str(f->spell, &f->nspell, p->name);
    return 0;
}

void tg_docpersons_scan_words(tg_docpersons_t *d, const tg_words_t *w)
{
    if (d->resolved)
        return;
    d->text = w->text;
    d->len = w->len;
    d->id0 = d->next = d->nids;
    tg_idnum_scan_words(w, on_id, d);
    tg_persons_scan_words(w, d->names, on_person, d);
    d->text = NULL;
}

void tg_docpersons_scan(tg_docpersons_t *d, const char *text, size_t len)
{
    tg_words_t w;
    tg_words_none(&w, text, len);
    tg_docpersons_scan_words(d, &w);
}

/* ==== Resolution =========================================================== */

static size_t root_of(tg_docpersons_t *d, size_t i)
{
    while (d->f[i].root != i)
        i = d->f[i].root = d->f[d->f[i].root].root;
    return i;
}

/* Is a (a word of a shorter form) the word b, or its initial? */
static int same_word(const char *a, const char *b)
{
    return !strcmp(a, b) || (a[0] && !a[1] && a[0] == b[0]);
}

/* Does the shorter form s fit the form f (see docpersons.h)? */
static int fits(const form_t *s, const form_t *f)
{
    if (s->nw == 0 || s->nw > f->nw)
        return 0;
    if (s->weak) {
        size_t from = f->given ? f->given : 1;
        for (size_t k = from; k < f->nw; k++)
            if (!strcmp(s->w[0], f->w[k]))
                return 1;
        return 0;
    }
    if (s->nw == f->nw) {
        for (size_t k = 0; k < s->nw; k++)
            if (!same_word(s->w[k], f->w[k]) && !same_word(f->w[k], s->w[k]))
                return 0;
        return 1;
    }
    if (s->nw < 2)
        return 0;
    /* the first given name, then the other words in order */
    if (same_word(s->w[0], f->w[0])) {
        size_t k = 1;
        for (size_t j = 1; j < f->nw && k < s->nw; j++)
            if (same_word(s->w[k], f->w[j]))
                k++;
        if (k == s->nw)
            return 1;
    }
    /* surnames alone: words of f after its given names, together, and not
     * opening with a given name ("Carmen Ortega" is not a short form of
     * "Yuraima del Carmen Ortega") */
    if (s->given0)
        return 0;
    for (size_t j = f->given ? f->given : 1; j + s->nw <= f->nw; j++) {
        size_t k = 0;
        while (k < s->nw && !strcmp(s->w[k], f->w[j + k]))
            k++;
        if (k == s->nw)
            return 1;
    }
    return 0;
}

/* May s join the person whose root is r? */
static int agrees(const tg_docpersons_t *d, const form_t *s, const form_t *r)
{
    if (s->id[0] && r->eid[0] && strcmp(s->id, r->eid))
        return 0;
    if (s->listed && r->elisted && strcmp(s->key, d->f[r->elisted - 1].key))
        return 0;
    return 1;
}

/* ---- an index of forms by word ---- */

typedef struct {
    const char *word;
    size_t *v, n, c;
} bucket_t;

typedef struct {
    bucket_t *b;
    size_t nb;
} windex_t;

static bucket_t *bucket(windex_t *x, const char *w)
{
    size_t i = tg_fnv1a(w, strlen(w)) & (x->nb - 1);
    while (x->b[i].word && strcmp(x->b[i].word, w))
        i = (i + 1) & (x->nb - 1);
    x->b[i].word = w;
    return &x->b[i];
}

/* The order of resolution: fuller forms first (more name words, then
 * more letters), then those with a number, listed ones, the most
 * mentioned, the first met; weak forms last. */
typedef struct {
    const form_t *f;
    size_t i;
} ord_t;

static int by_order(const void *x, const void *y)
{
    const form_t *a = ((const ord_t *)x)->f, *b = ((const ord_t *)y)->f;
    if (a->weak != b->weak)
        return a->weak - b->weak;
    if (a->nw != b->nw)
        return a->nw > b->nw ? -1 : 1;
    size_t la = strlen(a->key), lb = strlen(b->key);
    if (la != lb)
        return la > lb ? -1 : 1;
    if (!a->id[0] != !b->id[0])
        return a->id[0] ? -1 : 1;
    if (a->listed != b->listed)
        return a->listed ? -1 : 1;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return a->first < b->first ? -1 : a->first > b->first;
}

/* ---- display names ---- */

/* Appends w[0, n) with its first letter (and any after a hyphen or an
 * apostrophe) in capitals; the letters of Latin-1 are enough for Spanish,
 * others are left as they are. */
static void add_title(tg_buf_t *out, const char *w, size_t n)
{
    tg_buf_t low;
    tg_buf_init(&low, 4 * n + 16);
    tg_lower(w, n, &low);
    int up = 1;
    for (size_t i = 0; i < low.len;) {
        unsigned char c = (unsigned char)low.data[i];
        size_t k = tg_utf8_seqlen(low.data + i, low.len - i);
        if (up && c >= 'a' && c <= 'z') {
            tg_buf_addc(out, (char)(c - 32));
        } else if (up && k == 2 && c == 0xC3 && (unsigned char)low.data[i + 1] >= 0xA0 &&
                   (unsigned char)low.data[i + 1] <= 0xBE &&
                   (unsigned char)low.data[i + 1] != 0xB7) {
            tg_buf_addc(out, (char)c);
            tg_buf_addc(out, (char)(low.data[i + 1] - 0x20));
        } else {
            tg_buf_add(out, low.data + i, k);
        }
        up = c == '-' || c == '\'';
        i += k;
    }
    tg_buf_free(&low);
}

static int non_ascii(const char *w, size_t n)
{
    int k = 0;
    for (size_t i = 0; i < n; i++)
        k += (unsigned char)w[i] >= 0x80;
    return k;
}

/* How well w is written: accents first, then capitalised over capitals. */
static int spelling_score(const char *w, size_t n)
{
    tg_case_t c = tg_word_case(w, n);
    return non_ascii(w, n) * 4 + (c == TG_CASE_TITLE ? 2 : c == TG_CASE_UPPER ? 1 : 0);
}

/* The display name of the person whose forms are members[0, n) and whose
 * fullest form is r. */
static char *display_name(tg_docpersons_t *d, const form_t *r, const size_t *members, size_t n)
{
    tg_buf_t out, fa, fb;
    tg_buf_init(&out, 4096);
    tg_buf_init(&fa, 1024);
    tg_buf_init(&fb, 1024);
    const char *p = r->name;
    int first = 1;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t wl = strcspn(p, " ");
        if (!wl)
            break;
        tg_buf_reset(&fa);
        tg_fold(p, wl, &fa);
        const char *best = p;
        size_t bl = wl;
        int bs = spelling_score(p, wl);
        for (size_t m = 0; m < n && m < MAX_SPELLERS; m++) {
            const form_t *f = &d->f[members[m]];
            for (size_t k = 0; k < f->nspell; k++) {
                for (const char *q = f->spell[k]; *q;) {
                    while (*q == ' ')
                        q++;
                    size_t ql = strcspn(q, " ");
                    if (!ql)
                        break;
                    tg_buf_reset(&fb);
                    tg_fold(q, ql, &fb);
                    int sc;
                    if (fb.len == fa.len && !memcmp(fb.data, fa.data, fa.len) &&
                        (sc = spelling_score(q, ql)) > bs) {
                        best = q;
                        bl = ql;
                        bs = sc;
                    }
                    q += ql;
                }
            }
        }
        if (!first)
            tg_buf_addc(&out, ' ');
        tg_case_t c = tg_word_case(best, bl);
        char part[8];
        int particle = fa.len < sizeof part &&
                       (memcpy(part, fa.data, fa.len), part[fa.len] = '\0', is_particle(part));
        if (particle && !first)
            tg_lower(best, bl, &out);
        else if ((c == TG_CASE_UPPER && bl > 1 && best[bl - 1] != '.') || c == TG_CASE_LOWER)
            add_title(&out, best, bl);
        else
            tg_buf_add(&out, best, bl);
        first = 0;
        p += wl;
    }
    tg_buf_free(&fa);
    tg_buf_free(&fb);
    return tg_buf_detach(&out);
}

static int by_count(const void *x, const void *y)
{
    const tg_docperson_t *a = x, *b = y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return strcmp(a->key, b->key);
}

void tg_docpersons_resolve(tg_docpersons_t *d)
{
    if (d->resolved)
        return;
    d->resolved = 1;
    if (d->nf == 0)
        return;
    const tg_lexicon_t *lx = d->nf > 1 ? tg_lexicon_system() : NULL;
    for (size_t i = 0; i < d->nf; i++) {
        form_t *f = &d->f[i];
        f->root = i;
        size_t g = 0;
        while (lx && g < f->nw && (tg_lexicon_find(lx, f->w[g], strlen(f->w[g])) & TG_LEX_GIVEN))
            g++;
        f->given0 = g > 0;
        f->given = g && g == f->nw ? g - 1 : g; /* "José Luis" alone: a surname at least */
        memcpy(f->eid, f->id, sizeof f->eid);
        memcpy(f->eidshow, f->idshow, sizeof f->eidshow);
        f->elisted = f->listed ? i + 1 : 0;
    }
    ord_t *ord = tg_xcalloc(d->nf, sizeof *ord);
    for (size_t i = 0; i < d->nf; i++) {
        ord[i].f = &d->f[i];
        ord[i].i = i;
    }
    qsort(ord, d->nf, sizeof *ord, by_order);
    size_t *order = tg_xcalloc(d->nf, sizeof *order);
    for (size_t i = 0; i < d->nf; i++) {
        order[i] = ord[i].i;
        d->f[order[i]].pos = i;
    }
    free(ord);
    windex_t x;
    x.nb = 64;
    while (x.nb < 4 * d->nf)
        x.nb *= 2;
    x.b = tg_xcalloc(x.nb, sizeof *x.b);
    for (size_t i = 0; i < d->nf; i++) {
        const form_t *f = &d->f[order[i]];
        if (f->weak)
            continue;
        for (size_t k = 0; k < f->nw; k++) {
            bucket_t *b = bucket(&x, f->w[k]);
            if (b->n && b->v[b->n - 1] == order[i])
                continue; /* a word twice in one form ("Pérez Pérez") */
            if (b->n == b->c) {
                b->c = b->c ? 2 * b->c : 4;
                b->v = tg_xrealloc(b->v, b->c * sizeof *b->v);
            }
            b->v[b->n++] = order[i];
        }
    }
    for (size_t i = 0; i < d->nf; i++) {
        size_t si = order[i];
        form_t *s = &d->f[si];
        if (s->nw == 0) {
            s->dead = s->weak;
            continue;
        }
        bucket_t *b = bucket(&x, s->w[0]);
        size_t found = SIZE_MAX, looked = 0;
        int ambiguous = 0;
        /* candidates come in the order of resolution: those before s */
        for (size_t k = 0; k < b->n && d->f[b->v[k]].pos < s->pos; k++) {
            const form_t *f = &d->f[b->v[k]];
            if (++looked > MAX_CANDIDATES) {
                ambiguous = 1;
                break;
            }
            if (!fits(s, f))
                continue;
            size_t r = root_of(d, b->v[k]);
            if (!agrees(d, s, &d->f[r]))
                continue;
            if (found == SIZE_MAX) {
                found = r;
            } else if (found != r) {
                ambiguous = 1;
                break;
            }
        }
        if (ambiguous || found == SIZE_MAX) {
            s->dead = s->weak;
            continue;
        }
        form_t *r = &d->f[found];
        s->root = found;
        if (s->id[0] && !r->eid[0]) {
            memcpy(r->eid, s->id, sizeof r->eid);
            memcpy(r->eidshow, s->idshow, sizeof r->eidshow);
        }
        if (s->listed && !r->elisted)
            r->elisted = si + 1;
    }
    for (size_t i = 0; i < x.nb; i++)
        free(x.b[i].v);
    free(x.b);

    /* the persons: one per root that is not a weak form */
    size_t nroots = 0;
    for (size_t i = 0; i < d->nf; i++)
        nroots += root_of(d, i) == i && !d->f[i].weak;
    d->out = tg_xcalloc(nroots ? nroots : 1, sizeof *d->out);
    d->names_shown = tg_xcalloc(nroots ? nroots : 1, sizeof *d->names_shown);
    d->arrays =
        tg_xcalloc((nroots ? nroots : 1) * (TG_DOCPERSONS_MAX_WRITTEN + 1), sizeof *d->arrays);
    /* members by root, in the order met (forms are numbered so): a list
     * through next[], from head[root] */
    size_t *members = tg_xcalloc(d->nf, sizeof *members);
    size_t *head = tg_xcalloc(d->nf, sizeof *head), *tail = tg_xcalloc(d->nf, sizeof *tail);
    size_t *next = order; /* reused */
    for (size_t i = 0; i < d->nf; i++)
        head[i] = tail[i] = next[i] = SIZE_MAX;
    for (size_t i = 0; i < d->nf; i++) {
        if (d->f[i].dead)
            continue;
        size_t r = root_of(d, i);
        if (head[r] == SIZE_MAX)
            head[r] = i;
        else
            next[tail[r]] = i;
        tail[r] = i;
    }
    for (size_t r = 0; r < d->nf; r++) {
        form_t *rf = &d->f[r];
        if (rf->root != r || rf->weak)
            continue;
        size_t nm = 0;
        for (size_t i = head[r]; i != SIZE_MAX; i = next[i])
            members[nm++] = i;
        tg_docperson_t *e = &d->out[d->nout];
        const char **arr = d->arrays + d->nout * (TG_DOCPERSONS_MAX_WRITTEN + 1);
        if (rf->elisted) {
            const form_t *l = &d->f[rf->elisted - 1];
            d->names_shown[d->nout] = tg_xstrdup(l->name);
            e->key = l->key;
        } else {
            d->names_shown[d->nout] = display_name(d, rf, members, nm);
            e->key = rf->key;
        }
        e->name = d->names_shown[d->nout];
        e->listed = rf->elisted != 0;
        e->forms = arr;
        /* members are in form order, which is the order first met */
        for (size_t m = 0; m < nm; m++) {
            const form_t *f = &d->f[members[m]];
            e->count += f->count;
            if (f->weak)
                continue;
            for (size_t k = 0; k < f->nforms && e->nforms < TG_DOCPERSONS_MAX_WRITTEN; k++) {
                size_t j = 0;
                while (j < e->nforms && strcmp(arr[j], f->forms[k]))
                    j++;
                if (j == e->nforms)
                    arr[e->nforms++] = f->forms[k];
            }
        }
        if (rf->eid[0]) {
            arr[TG_DOCPERSONS_MAX_WRITTEN] = rf->eidshow;
            e->ids = arr + TG_DOCPERSONS_MAX_WRITTEN;
            e->nids = 1;
        }
        d->nout++;
    }
    free(members);
    free(head);
    free(tail);
    free(order);
    qsort(d->out, d->nout, sizeof *d->out, by_count);
}

size_t tg_docpersons_count(const tg_docpersons_t *d)
{
    return d->nout;
}

const tg_docperson_t *tg_docpersons_get(const tg_docpersons_t *d, size_t i)
{
    return i < d->nout ? &d->out[i] : NULL;
}

size_t tg_docpersons_nids(const tg_docpersons_t *d)
{
    return d->nids;
}

const tg_idnum_t *tg_docpersons_id(const tg_docpersons_t *d, size_t i)
{
    return i < d->nids ? &d->ids[i] : NULL;
}
