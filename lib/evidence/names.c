/* The names list (see names.h): a CSV reader, name keys, and the lookup of
 * listed names by their first word.
 *
 * The file is decoded like any text (tg_text_decode: spreadsheets save
 * Windows-1252 or UTF-16 as often as UTF-8), then read as RFC 4180 CSV.
 * Every name is cut into words by the shared tokenizer and folded, the same
 * way text is, so a listed name and the text meet exactly when their folded
 * words do.  Forms are kept sorted by first word (then longest first) so
 * that the per-word lookup during extraction is one binary search.
 *
 * Hostile lists are bounded by the limits in names.h; nothing here prints
 * or exits. */
#define _POSIX_C_SOURCE 200809L
#include "names.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text.h"
#include "util.h"

typedef struct {
    char *canonical;
    char *key;
} person_t;

typedef struct {
    char *buf;                         /* the folded words, each NUL-terminated */
    const char *w[TG_NAMES_MAX_WORDS]; /* into buf */
    size_t nw;
    size_t person;
} form_t;

struct tg_names {
    person_t *p;
    size_t np;
    form_t *f;
    size_t nf, capf;
    struct by_key {
        const char *key;
        size_t person;
    } * by_key; /* persons sorted by key */
};

/* ==== Keys ================================================================= */

/* Appends the folded words of s[0..len) to out, separated by one space
 * (a leading space if out is not empty); returns the number of words. */
static size_t fold_words(const char *s, size_t len, tg_buf_t *out)
{
    tg_tok_t t;
    tg_tok_init(&t, s, len);
    size_t a, b, n = 0;
    while (tg_tok_next(&t, &a, &b)) {
        if (out->len > 0)
            tg_buf_addc(out, ' ');
        tg_fold(s + a, b - a, out);
        n++;
    }
    return n;
}

size_t tg_name_key(const char *s, size_t len, tg_buf_t *out)
{
    const char *comma = memchr(s, ',', len);
    tg_buf_t tmp;
    tg_buf_init(&tmp, out->max);
    size_t n;
    if (comma) {
        size_t before = (size_t)(comma - s);
        size_t nb = fold_words(comma + 1, len - before - 1, &tmp);
        size_t na = nb ? fold_words(s, before, &tmp) : 0;
        if (nb && na) {
            n = na + nb;
        } else {
            tg_buf_reset(&tmp);
            n = fold_words(s, len, &tmp);
        }
    } else {
        n = fold_words(s, len, &tmp);
    }
    if (n)
        tg_buf_add(out, tmp.data, tmp.len);
    tg_buf_free(&tmp);
    return n;
}

/* ==== The list ============================================================= */

void tg_names_free(tg_names_t *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->np; i++) {
        free(n->p[i].canonical);
        free(n->p[i].key);
    }
    for (size_t i = 0; i < n->nf; i++)
        free(n->f[i].buf);
    free(n->p);
    free(n->f);
    free(n->by_key);
    free(n);
}

size_t tg_names_count(const tg_names_t *n)
{
    return n ? n->np : 0;
}

const char *tg_names_canonical(const tg_names_t *n, size_t i)
{
    return n->p[i].canonical;
}

const char *tg_names_key(const tg_names_t *n, size_t i)
{
    return n->p[i].key;
}

size_t tg_names_nforms(const tg_names_t *n)
{
    return n ? n->nf : 0;
}

size_t tg_names_form_key(const tg_names_t *n, size_t i, tg_buf_t *out)
{
    const form_t *f = &n->f[i];
    for (size_t k = 0; k < f->nw; k++) {
        if (k)
            tg_buf_addc(out, ' ');
        tg_buf_adds(out, f->w[k]);
    }
    return f->person;
}

static int form_cmp(const void *x, const void *y)
{
    const form_t *a = x, *b = y;
    int c = strcmp(a->w[0], b->w[0]);
    if (c)
        return c;
    if (a->nw != b->nw)
        return a->nw > b->nw ? -1 : 1; /* longest first */
    return a->person < b->person ? -1 : a->person > b->person;
}

static int key_cmp(const void *x, const void *y)
{
    const struct by_key *a = x, *b = y;
    int c = strcmp(a->key, b->key);
    return c ? c : (a->person < b->person ? -1 : a->person > b->person);
}

int tg_names_find_key(const tg_names_t *n, const char *key, size_t *person)
{
    if (!n)
        return -1;
    size_t lo = 0, hi = n->np;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(n->by_key[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < n->np && !strcmp(n->by_key[lo].key, key)) {
        *person = n->by_key[lo].person;
        return 0;
    }
    return -1;
}

size_t tg_names_match(const tg_names_t *n, const char *const *words, size_t nwords, size_t *person)
{
    if (!n || nwords == 0 || !words[0][0])
        return 0;
    size_t lo = 0, hi = n->nf;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(n->f[mid].w[0], words[0]) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < n->nf && !strcmp(n->f[i].w[0], words[0]); i++) {
        const form_t *f = &n->f[i];
        if (f->nw > nwords)
            continue;
        size_t k = 1;
        while (k < f->nw && !strcmp(f->w[k], words[k]))
            k++;
        if (k == f->nw) {
            *person = f->person;
            return f->nw;
        }
    }
    return 0;
}

/* ==== Reading the CSV ====================================================== */

typedef struct {
    const char *s;
    size_t len, off;
    unsigned line; /* current line, from 1 */
    const char *label;
    char *err;
    size_t errlen;
} csv_t;

/* Reads one record into fields (each a malloc'd string).  Returns 1 with
 * *nf fields, 0 at the end of the input, or a negative status on error. */
static int csv_record(csv_t *c, char ***fields, size_t *nf, tg_status_t *st)
{
    *fields = NULL;
    *nf = 0;
    if (c->off >= c->len)
        return 0;
    tg_buf_t f;
    tg_buf_init(&f, TG_NAMES_MAX_FIELD);
    size_t cap = 0;
    int in_quotes = 0;
    unsigned start_line = c->line;
    for (;;) {
        int end_field = 0, end_record = 0;
        if (c->off >= c->len) {
            if (in_quotes) {
                tg_errf(c->err, c->errlen, "%s:%u: unterminated quotation mark", c->label,
                        start_line);
                *st = TG_ERR_FORMAT;
                goto fail;
            }
            end_field = end_record = 1;
        } else {
            char ch = c->s[c->off++];
            if (in_quotes) {
                if (ch == '"') {
                    if (c->off < c->len && c->s[c->off] == '"') {
                        c->off++;
                        tg_buf_addc(&f, '"');
                    } else {
                        in_quotes = 0;
                    }
                } else {
                    if (ch == '\n')
                        c->line++;
                    if (tg_buf_addc(&f, ch)) {
                        tg_errf(c->err, c->errlen, "%s:%u: name longer than %d bytes", c->label,
                                c->line, TG_NAMES_MAX_FIELD);
                        *st = TG_ERR_LIMIT;
                        goto fail;
                    }
                }
                continue;
            }
            if (ch == '"') {
                /* a quote opens a field at its start (spaces aside); inside
                 * an unquoted name (José "Pepe" Pérez) it is just a mark */
                int blank = 1;
                for (size_t i = 0; i < f.len; i++)
                    if (f.data[i] != ' ' && f.data[i] != '\t')
                        blank = 0;
                if (blank) {
                    tg_buf_reset(&f);
                    in_quotes = 1;
                    continue;
                }
            }
            if (ch == ',') {
                end_field = 1;
            } else if (ch == '\n') {
                c->line++;
                end_field = end_record = 1;
            } else if (ch == '\r') {
                continue;
            } else if (tg_buf_addc(&f, ch)) {
                tg_errf(c->err, c->errlen, "%s:%u: name longer than %d bytes", c->label, c->line,
                        TG_NAMES_MAX_FIELD);
                *st = TG_ERR_LIMIT;
                goto fail;
            }
        }
        if (end_field) {
            if (*nf == cap) {
                cap = cap ? 2 * cap : 8;
                *fields = tg_xrealloc(*fields, cap * sizeof **fields);
            }
            (*fields)[(*nf)++] = tg_xstrdup(tg_buf_str(&f));
            tg_buf_reset(&f);
            if (*nf > TG_NAMES_MAX_FORMS + 1) {
                tg_errf(c->err, c->errlen, "%s:%u: more than %d names for one person", c->label,
                        start_line, TG_NAMES_MAX_FORMS);
                *st = TG_ERR_LIMIT;
                goto fail;
            }
        }
        if (end_record)
            break;
    }
    tg_buf_free(&f);
    return 1;
fail:
    tg_buf_free(&f);
    for (size_t i = 0; i < *nf; i++)
        free((*fields)[i]);
    free(*fields);
    *fields = NULL;
    *nf = 0;
    return -1;
}

/* Trims spaces in place; returns s. */
static char *trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    char *p = s;
    while (*p == ' ' || *p == '\t')
        p++;
    memmove(s, p, strlen(p) + 1);
    return s;
}

static int is_header(const char *first)
{
    static const char *const h[] = {"name",      "names",          "nombre",          "nombres",
                                    "canonical", "canonical name", "nombre canonico", "canonico"};
    tg_buf_t k;
    tg_buf_init(&k, 1024);
    fold_words(first, strlen(first), &k);
    int r = 0;
    for (size_t i = 0; i < TG_ARRAY_LEN(h); i++)
        if (!strcmp(tg_buf_str(&k), h[i]))
            r = 1;
    tg_buf_free(&k);
    return r;
}

/* Adds name as a form of person; TG_ERR_LIMIT if it has too many words. */
static tg_status_t add_form(tg_names_t *n, const char *name, size_t person, csv_t *c, unsigned line)
{
    tg_buf_t b;
    tg_buf_init(&b, 4 * TG_NAMES_MAX_FIELD + TG_NAMES_MAX_WORDS);
    tg_tok_t t;
    tg_tok_init(&t, name, strlen(name));
    size_t a, e, nw = 0;
    size_t offs[TG_NAMES_MAX_WORDS];
    while (tg_tok_next(&t, &a, &e)) {
        if (nw == TG_NAMES_MAX_WORDS) {
            tg_buf_free(&b);
            tg_errf(c->err, c->errlen, "%s:%u: the name '%s' has more than %d words", c->label,
                    line, name, TG_NAMES_MAX_WORDS);
            return TG_ERR_LIMIT;
        }
        offs[nw++] = b.len;
        tg_fold(name + a, e - a, &b);
        tg_buf_addc(&b, '\0');
    }
    if (nw == 0) {
        tg_buf_free(&b);
        return TG_OK; /* punctuation only: nothing to match */
    }
    if (n->nf == n->capf) {
        n->capf = n->capf ? 2 * n->capf : 64;
        n->f = tg_xrealloc(n->f, n->capf * sizeof *n->f);
    }
    form_t *f = &n->f[n->nf++];
    memset(f, 0, sizeof *f);
    f->buf = tg_buf_detach(&b);
    for (size_t i = 0; i < nw; i++)
        f->w[i] = f->buf + offs[i];
    f->nw = nw;
    f->person = person;
    return TG_OK;
}

tg_status_t tg_names_parse(const char *data, size_t len, const char *label, tg_names_t **out,
                           char *err, size_t errlen)
{
    *out = NULL;
    if (len > TG_NAMES_MAX_BYTES) {
        tg_errf(err, errlen, "%s: larger than %zu MB", label, TG_NAMES_MAX_BYTES >> 20);
        return TG_ERR_LIMIT;
    }
    tg_buf_t text;
    tg_buf_init(&text, 4 * TG_NAMES_MAX_BYTES);
    tg_decode_info_t info;
    tg_text_decode(data, len, &text, &info);
    /* form feeds came back as newlines; controls as spaces */
    csv_t c = {tg_buf_str(&text), text.len, 0, 1, label, err, errlen};
    tg_names_t *n = tg_xcalloc(1, sizeof *n);
    size_t capp = 0;
    tg_status_t st = TG_OK;
    int first_record = 1;
    for (;;) {
        char **fields;
        size_t nf;
        unsigned line = c.line;
        /* a comment: '#' first on the line */
        if (c.off < c.len && c.s[c.off] == '#') {
            while (c.off < c.len && c.s[c.off] != '\n')
                c.off++;
            if (c.off < c.len) {
                c.off++;
                c.line++;
            }
            continue;
        }
        int r = csv_record(&c, &fields, &nf, &st);
        if (r < 0)
            break;
        if (r == 0)
            break;
        for (size_t i = 0; i < nf; i++)
            trim(fields[i]);
        int empty = 1;
        for (size_t i = 0; i < nf; i++)
            if (fields[i][0])
                empty = 0;
        int header = first_record && !empty && is_header(fields[0]);
        if (!empty)
            first_record = 0;
        if (!empty && !header) {
            tg_buf_t key;
            tg_buf_init(&key, 8 * TG_NAMES_MAX_FIELD);
            if (!fields[0][0] || tg_name_key(fields[0], strlen(fields[0]), &key) == 0) {
                tg_errf(err, errlen, "%s:%u: the first name (the canonical one) is empty", label,
                        line);
                st = TG_ERR_FORMAT;
            } else if (n->np == TG_NAMES_MAX_PERSONS) {
                tg_errf(err, errlen, "%s:%u: more than %d persons", label, line,
                        TG_NAMES_MAX_PERSONS);
                st = TG_ERR_LIMIT;
            } else {
                if (n->np == capp) {
                    capp = capp ? 2 * capp : 64;
                    n->p = tg_xrealloc(n->p, capp * sizeof *n->p);
                }
                size_t pi = n->np++;
                n->p[pi].canonical = tg_xstrdup(fields[0]);
                n->p[pi].key = tg_buf_detach(&key);
                for (size_t i = 0; i < nf && !st; i++)
                    if (fields[i][0])
                        st = add_form(n, fields[i], pi, &c, line);
            }
            tg_buf_free(&key);
        }
        for (size_t i = 0; i < nf; i++)
            free(fields[i]);
        free(fields);
        if (st)
            break;
    }
    tg_buf_free(&text);
    if (st) {
        tg_names_free(n);
        return st;
    }
    if (n->nf)
        qsort(n->f, n->nf, sizeof *n->f, form_cmp);
    n->by_key = tg_xcalloc(n->np ? n->np : 1, sizeof *n->by_key);
    for (size_t i = 0; i < n->np; i++) {
        n->by_key[i].key = n->p[i].key;
        n->by_key[i].person = i;
    }
    if (n->np)
        qsort(n->by_key, n->np, sizeof *n->by_key, key_cmp);
    *out = n;
    return TG_OK;
}

tg_status_t tg_names_load(const char *path, tg_names_t **out, char *err, size_t errlen)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        tg_errf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return TG_ERR_IO;
    }
    struct stat sb;
    if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
        tg_errf(err, errlen, "%s: not a regular file", path);
        close(fd);
        return TG_ERR_IO;
    }
    if ((uint64_t)sb.st_size > TG_NAMES_MAX_BYTES) {
        tg_errf(err, errlen, "%s: larger than %zu MB", path, TG_NAMES_MAX_BYTES >> 20);
        close(fd);
        return TG_ERR_LIMIT;
    }
    size_t want = (size_t)sb.st_size;
    char *data = tg_xmalloc(want + 1);
    ssize_t got = tg_read_full(fd, data, want);
    if (got < 0) {
        tg_errf(err, errlen, "%s: read error: %s", path, strerror(errno));
        free(data);
        close(fd);
        return TG_ERR_IO;
    }
    close(fd);
    tg_status_t st = tg_names_parse(data, (size_t)got, path, out, err, errlen);
    free(data);
    return st;
}
