/* Sidecar metadata parsing (see sidecar.h): FILE.json through jansson,
 * manifest.csv through csv.c, both normalised by the same value rules so a
 * title or a date means the same thing wherever it was written.
 *
 * Relies on: jansson (JSON), csv.c, text.c (decoding, cleaning, folding of
 * key names), schema.c (date validation).  Inputs are hostile: every value
 * is cleaned to UTF-8 and capped, nothing is trusted to be of the type it
 * should be, and nothing here touches the file system. */
#define _POSIX_C_SOURCE 200809L
#include "sidecar.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv.h"
#include "schema.h"
#include "text.h"
#include "util.h"

/* Problems a manifest keeps the text of; the rest are only counted. */
#define KEPT_PROBLEMS 20

typedef enum {
    K_UNKNOWN,
    K_IGNORE,
    K_FILE,
    K_TITLE,
    K_DATE,
    K_LANGUAGE,
    K_WITNESS,
    K_PLACE,
    K_COLLECTION,
    K_TAGS,
    K_RESTRICTED,
} skey_t;

static const struct {
    const char *folded; /* key name, case- and accent-folded */
    skey_t key;
} key_names[] = {
    {"title", K_TITLE},
    {"titulo", K_TITLE},
    {"date", K_DATE},
    {"fecha", K_DATE},
    {"language", K_LANGUAGE},
    {"lang", K_LANGUAGE},
    {"idioma", K_LANGUAGE},
    {"witness", K_WITNESS},
    {"testigo", K_WITNESS},
    {"place", K_PLACE},
    {"lugar", K_PLACE},
    {"collection", K_COLLECTION},
    {"coleccion", K_COLLECTION},
    {"tags", K_TAGS},
    {"tag", K_TAGS},
    {"etiquetas", K_TAGS},
    {"restricted", K_RESTRICTED},
    {"restringido", K_RESTRICTED},
    {"file", K_FILE},
    {"path", K_FILE},
    {"archivo", K_FILE},
    {"ruta", K_FILE},
};

/* Canonical record key of each kind. */
static const char *canon(skey_t k)
{
    switch (k) {
    case K_TITLE:
        return "title";
    case K_DATE:
        return "date";
    case K_LANGUAGE:
        return "language";
    case K_WITNESS:
        return "witness";
    case K_PLACE:
        return "place";
    case K_COLLECTION:
        return "collection";
    case K_TAGS:
        return "tags";
    case K_RESTRICTED:
        return "restricted";
    case K_FILE:
        return "file";
    default:
        return "?";
    }
}

static int is_list(skey_t k)
{
    return k == K_WITNESS || k == K_PLACE || k == K_COLLECTION || k == K_TAGS;
}

static skey_t key_of(const char *name)
{
    while (*name == ' ' || *name == '\t')
        name++;
    size_t len = strlen(name);
    while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t'))
        len--;
    if (len >= 2 && (name[0] == 'x' || name[0] == 'X') && (name[1] == '-' || name[1] == '_'))
        return K_IGNORE;
    if (len > 64)
        return K_UNKNOWN;
    tg_buf_t f;
    tg_buf_init(&f, 1024);
    tg_fold(name, len, &f);
    skey_t k = K_UNKNOWN;
    for (size_t i = 0; i < TG_ARRAY_LEN(key_names); i++)
        if (!strcmp(tg_buf_str(&f), key_names[i].folded))
            k = key_names[i].key;
    tg_buf_free(&f);
    return k;
}

/* ==== Values ============================================================== */

/* Cleans s into UTF-8 with runs of white space (line breaks too) made one
 * space and the ends trimmed.  Malloc'd. */
static char *clean_text(const char *s, size_t len)
{
    char *c = tg_utf8_clean(s, len);
    char *w = c;
    int space = 1; /* drops leading space */
    for (const char *r = c; *r; r++) {
        if (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r') {
            if (!space)
                *w++ = ' ';
            space = 1;
        } else {
            *w++ = *r;
            space = 0;
        }
    }
    if (w > c && w[-1] == ' ')
        w--;
    *w = '\0';
    return c;
}

/* Reads a yes/no value: 1, 0, or -1 if it cannot be told. */
static int read_bool(const char *s)
{
    static const char *const yes[] = {"true", "yes", "1", "si", "x", "y", "s", "verdadero"};
    static const char *const no[] = {"false", "no", "0", "n", "falso"};
    tg_buf_t f;
    tg_buf_init(&f, 256);
    if (strlen(s) < 32)
        tg_fold(s, strlen(s), &f);
    int r = -1;
    for (size_t i = 0; i < TG_ARRAY_LEN(yes); i++)
        if (!strcmp(tg_buf_str(&f), yes[i]))
            r = 1;
    for (size_t i = 0; i < TG_ARRAY_LEN(no); i++)
        if (!strcmp(tg_buf_str(&f), no[i]))
            r = 0;
    tg_buf_free(&f);
    return r;
}

/* Normalises a date into out: ISO forms as they are (a space before the time
 * becomes 'T'), and day-first "D/M/YYYY" as Spanish writes it. */
static int norm_date(const char *s, char *out, size_t outlen)
{
    size_t len = strlen(s);
    int d, m, y, n = 0;
    if (sscanf(s, "%2d/%2d/%4d%n", &d, &m, &y, &n) == 3 && (size_t)n == len && n >= 8) {
        if (y < 1000 || m < 1 || m > 12 || d < 1 || d > tg_days_in_month(y, m))
            return -1;
        snprintf(out, outlen, "%04d-%02d-%02d", y, m, d);
        return 0;
    }
    if (len >= outlen || len < 4)
        return -1;
    memcpy(out, s, len + 1);
    if (len > 10 && out[10] == ' ')
        out[10] = 'T';
    tg_date_t dt;
    if (tg_date_parse(out, len, &dt))
        return -1;
    if (len > 10) {
        /* a time: hh:mm[:ss[.fff]] and an optional zone */
        if (len < 16 || len > 35 || dt.day == 0)
            return -1;
        for (size_t i = 11; i < len; i++)
            if (!isdigit((unsigned char)out[i]) && !strchr(":.+-Z", out[i]))
                return -1;
        if (!isdigit((unsigned char)out[11]) || !isdigit((unsigned char)out[12]) ||
            out[13] != ':' || !isdigit((unsigned char)out[14]) || !isdigit((unsigned char)out[15]))
            return -1;
        if ((out[11] - '0') * 10 + (out[12] - '0') > 23 ||
            (out[14] - '0') * 10 + (out[15] - '0') > 59)
            return -1;
    }
    return 0;
}

/* Adds one value of kind k, given as text, to meta.  Lists split at ';'.
 * Empty values are not given.  Returns 0, or -1 with err set. */
static int put_text(json_t *meta, skey_t k, const char *raw, char *err, size_t errlen)
{
    if (is_list(k)) {
        json_t *l = json_object_get(meta, canon(k));
        const char *p = raw;
        for (;;) {
            const char *semi = strchr(p, ';');
            size_t n = semi ? (size_t)(semi - p) : strlen(p);
            char *v = clean_text(p, n);
            int r = 0;
            if (strlen(v) > TG_SIDECAR_MAX_VALUE) {
                tg_errf(err, errlen, "%s: a value is longer than %d bytes", canon(k),
                        TG_SIDECAR_MAX_VALUE);
                r = -1;
            } else if (*v) {
                if (!l) {
                    l = json_array();
                    json_object_set_new(meta, canon(k), l);
                }
                int dup = 0;
                for (size_t i = 0; i < json_array_size(l); i++)
                    dup |= !strcmp(json_string_value(json_array_get(l, i)), v);
                if (!dup && json_array_size(l) >= TG_SIDECAR_MAX_VALUES) {
                    tg_errf(err, errlen, "%s: more than %d values", canon(k),
                            TG_SIDECAR_MAX_VALUES);
                    r = -1;
                } else if (!dup) {
                    json_array_append_new(l, json_string(v));
                }
            }
            free(v);
            if (r)
                return r;
            if (!semi)
                return 0;
            p = semi + 1;
        }
    }
    char *v = clean_text(raw, strlen(raw));
    int r = 0;
    if (!*v) {
        /* not given */
    } else if (strlen(v) > TG_SIDECAR_MAX_VALUE) {
        tg_errf(err, errlen, "%s: longer than %d bytes", canon(k), TG_SIDECAR_MAX_VALUE);
        r = -1;
    } else if (k == K_TITLE) {
        json_object_set_new(meta, "title", json_string(v));
    } else if (k == K_DATE) {
        char d[64];
        if (norm_date(v, d, sizeof d)) {
            tg_errf(err, errlen,
                    "invalid date '%.40s' (use YYYY, YYYY-MM, YYYY-MM-DD or DD/MM/YYYY)", v);
            r = -1;
        } else {
            json_object_set_new(meta, "date", json_string(d));
        }
    } else if (k == K_LANGUAGE) {
        size_t n = 0;
        while (isalpha((unsigned char)v[n]))
            n++;
        if ((n != 2 && n != 3) || (v[n] && v[n] != '-' && v[n] != '_')) {
            tg_errf(err, errlen, "invalid language '%.40s' (use a code such as es or en)", v);
            r = -1;
        } else {
            v[n] = '\0';
            for (char *c = v; *c; c++)
                *c = (char)tolower((unsigned char)*c);
            json_object_set_new(meta, "language", json_string(v));
        }
    } else if (k == K_RESTRICTED) {
        int b = read_bool(v);
        if (b < 0) {
            tg_errf(err, errlen, "restricted: '%.40s' is neither true nor false", v);
            r = -1;
        } else {
            json_object_set_new(meta, "restricted", json_boolean(b));
        }
    }
    free(v);
    return r;
}

/* The safety rule for one restricted value given as text. */
static int text_restricts(const char *raw)
{
    char *v = clean_text(raw, strlen(raw));
    int r = *v && read_bool(v) != 0;
    free(v);
    return r;
}

/* ==== FILE.json ============================================================= */

/* strncasecmp for ASCII, whatever the locale. */
static int ascii_ncasecmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int x = tolower((unsigned char)a[i]), y = tolower((unsigned char)b[i]);
        if (x != y)
            return x - y;
    }
    return 0;
}

/* A sidecar that could not be parsed at all: restricted if the word appears
 * without a plain false after it. */
static int raw_restricts(const char *data, size_t len)
{
    static const char word[] = "restricted";
    static const char word_es[] = "restringido";
    for (size_t i = 0; i < len; i++) {
        size_t wl = 0;
        if (len - i >= sizeof word - 1 && !ascii_ncasecmp(data + i, word, sizeof word - 1))
            wl = sizeof word - 1;
        else if (len - i >= sizeof word_es - 1 &&
                 !ascii_ncasecmp(data + i, word_es, sizeof word_es - 1))
            wl = sizeof word_es - 1;
        if (!wl)
            continue;
        size_t j = i + wl;
        while (j < len && (data[j] == '"' || data[j] == ' ' || data[j] == '\t' || data[j] == '\n' ||
                           data[j] == '\r' || data[j] == ':'))
            j++;
        if (!(len - j >= 5 && !ascii_ncasecmp(data + j, "false", 5)))
            return 1;
        i = j;
    }
    return 0;
}

/* The safety rule for a JSON restricted value. */
static int json_restricts(const json_t *v)
{
    if (!v || json_is_false(v) || json_is_null(v))
        return 0;
    if (json_is_integer(v) && json_integer_value(v) == 0)
        return 0;
    if (json_is_string(v))
        return text_restricts(json_string_value(v));
    return 1;
}

tg_status_t tg_sidecar_parse_json(const char *data, size_t len, json_t **meta, int *restricted,
                                  char *err, size_t errlen)
{
    *meta = NULL;
    *restricted = 0;
    if (len > TG_SIDECAR_MAX_JSON) {
        *restricted = raw_restricts(data, TG_SIDECAR_MAX_JSON);
        tg_errf(err, errlen, "larger than %d KB", TG_SIDECAR_MAX_JSON / 1024);
        return TG_ERR_LIMIT;
    }
    json_error_t je;
    json_t *j = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        *restricted = raw_restricts(data, len);
        tg_errf(err, errlen, "not valid JSON: line %d: %s", je.line, je.text);
        return TG_ERR_FORMAT;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        tg_errf(err, errlen, "not a JSON object ({...})");
        return TG_ERR_FORMAT;
    }
    /* the safety rule first, before anything can reject the sidecar */
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        if (key_of(key) == K_RESTRICTED)
            *restricted |= json_restricts(v);
    }
    json_t *m = json_object();
    tg_status_t st = TG_OK;
    json_object_foreach(j, key, v)
    {
        skey_t k = key_of(key);
        char why[256] = "";
        if (k == K_IGNORE || json_is_null(v))
            continue;
        if (k == K_UNKNOWN || k == K_FILE) {
            char *kc = clean_text(key, strlen(key));
            tg_errf(err, errlen,
                    "unknown key '%.60s' (known: title, date, witness, place, collection, "
                    "language, restricted, tags; x-... for your own)",
                    kc);
            free(kc);
            st = TG_ERR_FORMAT;
            break;
        }
        if (k == K_RESTRICTED && json_is_boolean(v)) {
            json_object_set_new(m, "restricted", json_boolean(json_is_true(v)));
            continue;
        }
        if (k == K_RESTRICTED && json_is_integer(v) &&
            (json_integer_value(v) == 0 || json_integer_value(v) == 1)) {
            json_object_set_new(m, "restricted", json_boolean(json_integer_value(v) == 1));
            continue;
        }
        if (json_is_string(v)) {
            if (put_text(m, k, json_string_value(v), why, sizeof why))
                st = TG_ERR_FORMAT;
        } else if (json_is_array(v) && is_list(k)) {
            size_t i;
            json_t *e;
            if (json_array_size(v) > TG_SIDECAR_MAX_VALUES) {
                tg_errf(why, sizeof why, "%s: more than %d values", canon(k),
                        TG_SIDECAR_MAX_VALUES);
                st = TG_ERR_FORMAT;
            }
            json_array_foreach(v, i, e)
            {
                if (st)
                    break;
                if (!json_is_string(e)) {
                    tg_errf(why, sizeof why, "%s: every value must be a string", canon(k));
                    st = TG_ERR_FORMAT;
                } else if (put_text(m, k, json_string_value(e), why, sizeof why)) {
                    st = TG_ERR_FORMAT;
                }
            }
        } else {
            tg_errf(why, sizeof why, "%s: must be %s", canon(k),
                    k == K_RESTRICTED ? "true or false"
                    : is_list(k)      ? "a string or a list of strings"
                                      : "a string");
            st = TG_ERR_FORMAT;
        }
        if (st) {
            tg_errf(err, errlen, "%s", why);
            break;
        }
    }
    json_decref(j);
    if (st) {
        json_decref(m);
        return st;
    }
    if (json_is_true(json_object_get(m, "restricted")))
        *restricted = 1;
    *meta = m;
    return TG_OK;
}

/* ==== manifest.csv ========================================================== */

typedef struct {
    char *path;
    json_t *meta; /* NULL: rejected */
    int restricted;
    unsigned long line;
} row_t;

struct tg_manifest {
    row_t *rows;
    size_t n, cap;
    char *kept[KEPT_PROBLEMS];
    size_t n_kept, n_problems;
};

static void problem(tg_manifest_t *m, const char *fmt, ...) TG_PRINTF(2, 3);

static void problem(tg_manifest_t *m, const char *fmt, ...)
{
    m->n_problems++;
    if (m->n_kept >= KEPT_PROBLEMS)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *s = tg_xvasprintf(fmt, ap);
    va_end(ap);
    /* values quoted in a problem come from the file: keep them clean */
    m->kept[m->n_kept++] = clean_text(s, strlen(s));
    free(s);
}

char *tg_manifest_path(const char *s)
{
    char *c = tg_utf8_clean(s, strlen(s));
    /* trim */
    size_t len = strlen(c);
    while (len > 0 && (c[len - 1] == ' ' || c[len - 1] == '\t'))
        c[--len] = '\0';
    const char *start = c;
    while (*start == ' ' || *start == '\t')
        start++;
    for (char *p = c; *p; p++)
        if (*p == '\\')
            *p = '/';
    if (*start == '/' || !*start) {
        free(c);
        return NULL;
    }
    tg_buf_t out;
    tg_buf_init(&out, (size_t)-1);
    const char *p = start;
    int bad = 0;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.')
            bad = 1;
        else if (n > 0 && !(n == 1 && p[0] == '.')) {
            if (out.len)
                tg_buf_addc(&out, '/');
            tg_buf_add(&out, p, n);
        }
        p += n;
        if (*p == '/')
            p++;
    }
    free(c);
    if (bad || out.len == 0) {
        tg_buf_free(&out);
        return NULL;
    }
    return tg_buf_detach(&out);
}

static int cmp_rows(const void *a, const void *b)
{
    const row_t *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    if (c)
        return c;
    return x->line < y->line ? -1 : x->line > y->line;
}

tg_manifest_t *tg_manifest_parse(const char *data, size_t len)
{
    tg_manifest_t *m = tg_xcalloc(1, sizeof *m);
    if (len > TG_MANIFEST_MAX_BYTES) {
        problem(m, "larger than %d MB; not read", TG_MANIFEST_MAX_BYTES >> 20);
        return m;
    }
    tg_buf_t text;
    tg_buf_init(&text, 4 * len + 16);
    tg_decode_info_t info;
    tg_text_decode(data, len, &text, &info);
    tg_csv_opts_t o = {.delim = tg_csv_sniff(tg_buf_str(&text), text.len),
                       .max_field = TG_SIDECAR_MAX_VALUE * 16,
                       .max_fields = 256};
    tg_csv_t *c = tg_csv_new(tg_buf_str(&text), text.len, &o);
    char **f;
    size_t nf;
    unsigned long line;
    char err[256];

    /* the header */
    skey_t *cols = NULL;
    size_t ncols = 0;
    int rejected = 0, file_col = -1, restricted_col = -1;
    tg_status_t st;
    while ((st = tg_csv_next(c, &f, &nf, &line, err, sizeof err)) != TG_OK) {
        if (st == TG_ERR_NOTFOUND) {
            problem(m, "empty: no header row");
            goto out;
        }
        problem(m, "%s", err);
    }
    ncols = nf;
    cols = tg_xcalloc(ncols, sizeof *cols);
    for (size_t i = 0; i < nf; i++) {
        cols[i] = key_of(f[i]);
        if (cols[i] == K_UNKNOWN) {
            problem(m,
                    "line %lu: unknown column '%.60s' (known: file, title, date, witness, "
                    "place, collection, language, restricted, tags; x-... for your own)",
                    line, f[i]);
            rejected = 1;
            continue;
        }
        for (size_t k = 0; k < i; k++)
            if (cols[k] == cols[i] && cols[i] != K_IGNORE) {
                problem(m, "line %lu: column '%s' appears twice", line, canon(cols[i]));
                rejected = 1;
                cols[i] = K_IGNORE;
            }
        if (cols[i] == K_FILE)
            file_col = (int)i;
        if (cols[i] == K_RESTRICTED)
            restricted_col = (int)i;
    }
    if (file_col < 0) {
        problem(m, "line %lu: no 'file' column, so no row can say which file it describes", line);
        goto out;
    }
    if (rejected)
        problem(m, "because of the header, only the restricted column is applied");

    /* the rows */
    for (;;) {
        st = tg_csv_next(c, &f, &nf, &line, err, sizeof err);
        if (st == TG_ERR_NOTFOUND)
            break;
        if (st) {
            problem(m, "%s; row ignored", err);
            continue;
        }
        if ((size_t)file_col >= nf || !f[file_col][0]) {
            problem(m, "line %lu: no file named; row ignored", line);
            continue;
        }
        char *path = tg_manifest_path(f[file_col]);
        if (!path) {
            problem(m, "line %lu: '%.80s' is not a path inside this folder; row ignored", line,
                    f[file_col]);
            continue;
        }
        row_t r = {.path = path, .line = line};
        if (restricted_col >= 0 && (size_t)restricted_col < nf)
            r.restricted = text_restricts(f[restricted_col]);
        int bad = rejected;
        if (nf > ncols) {
            problem(m, "line %lu: %zu fields but the header has %zu; row ignored", line, nf, ncols);
            bad = 1;
        }
        json_t *meta = json_object();
        for (size_t i = 0; i < nf && i < ncols && !bad; i++) {
            if (cols[i] == K_FILE || cols[i] == K_IGNORE || cols[i] == K_UNKNOWN)
                continue;
            char why[256];
            if (put_text(meta, cols[i], f[i], why, sizeof why)) {
                problem(m, "line %lu: %s; row ignored", line, why);
                bad = 1;
            }
        }
        if (bad) {
            json_decref(meta);
            meta = NULL;
        } else if (json_is_true(json_object_get(meta, "restricted"))) {
            r.restricted = 1;
        }
        r.meta = meta;
        if (m->n == m->cap) {
            m->cap = m->cap ? 2 * m->cap : 64;
            m->rows = tg_xrealloc(m->rows, m->cap * sizeof *m->rows);
        }
        m->rows[m->n++] = r;
    }
    if (m->n > 1) {
        qsort(m->rows, m->n, sizeof *m->rows, cmp_rows);
        /* a file described twice: the first row counts, restrictions add up */
        size_t w = 0;
        for (size_t i = 0; i < m->n; i++) {
            if (w > 0 && !strcmp(m->rows[w - 1].path, m->rows[i].path)) {
                problem(m, "line %lu: '%.80s' is already described on line %lu; row ignored",
                        m->rows[i].line, m->rows[i].path, m->rows[w - 1].line);
                m->rows[w - 1].restricted |= m->rows[i].restricted;
                free(m->rows[i].path);
                json_decref(m->rows[i].meta);
                continue;
            }
            m->rows[w++] = m->rows[i];
        }
        m->n = w;
    }
out:
    free(cols);
    tg_csv_free(c);
    tg_buf_free(&text);
    return m;
}

void tg_manifest_free(tg_manifest_t *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++) {
        free(m->rows[i].path);
        json_decref(m->rows[i].meta);
    }
    free(m->rows);
    for (size_t i = 0; i < m->n_kept; i++)
        free(m->kept[i]);
    free(m);
}

size_t tg_manifest_rows(const tg_manifest_t *m)
{
    return m->n;
}

size_t tg_manifest_problems(const tg_manifest_t *m)
{
    return m->n_problems;
}

size_t tg_manifest_problems_kept(const tg_manifest_t *m)
{
    return m->n_kept;
}

const char *tg_manifest_problem(const tg_manifest_t *m, size_t i)
{
    return i < m->n_kept ? m->kept[i] : "";
}

int tg_manifest_lookup(const tg_manifest_t *m, const char *relpath, const json_t **meta,
                       int *restricted, unsigned long *line)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(m->rows[mid].path, relpath);
        if (c == 0) {
            *meta = m->rows[mid].meta;
            *restricted = m->rows[mid].restricted;
            if (line)
                *line = m->rows[mid].line;
            return 1;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}
