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
#include <fnmatch.h>
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
    K_EMBARGO,
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
    {"embargo", K_EMBARGO},
    {"embargo_hasta", K_EMBARGO},
    {"embargo hasta", K_EMBARGO},
    {"embargo-hasta", K_EMBARGO},
    {"embargo_until", K_EMBARGO},
    {"embargo until", K_EMBARGO},
    {"embargoed_until", K_EMBARGO},
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
    case K_EMBARGO:
        return "embargo";
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

int tg_embargo_parse(const char *s, char out[11])
{
    char d[64];
    if (strlen(s) > 40 || norm_date(s, d, sizeof d))
        return -1;
    tg_date_t dt;
    if (tg_date_parse(d, strlen(d), &dt))
        return -1;
    /* a year or a month given alone: the embargo lasts to its end */
    int month = dt.month ? dt.month : 12;
    int day = dt.day ? dt.day : tg_days_in_month(dt.year, month);
    snprintf(out, 11, "%04d-%02d-%02d", dt.year, month, day);
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
    } else if (k == K_EMBARGO) {
        char e[11];
        if (tg_embargo_parse(v, e)) {
            tg_errf(err, errlen,
                    "embargo: '%.40s' is not a date (use YYYY-MM-DD, DD/MM/YYYY, YYYY-MM or "
                    "YYYY)",
                    v);
            r = -1;
        } else {
            json_object_set_new(meta, "embargo", json_string(e));
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

tg_status_t tg_sidecar_parse_json(const char *data, size_t len, json_t **meta, int *restricted,
                                  char *err, size_t errlen)
{
    *meta = NULL;
    /* fail closed: every way out but success restricts */
    *restricted = 1;
    if (len > TG_SIDECAR_MAX_JSON) {
        tg_errf(err, errlen, "larger than %d KB", TG_SIDECAR_MAX_JSON / 1024);
        return TG_ERR_LIMIT;
    }
    json_error_t je;
    json_t *j = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        tg_errf(err, errlen, "not valid JSON: line %d: %s", je.line, je.text);
        return TG_ERR_FORMAT;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        tg_errf(err, errlen, "not a JSON object ({...})");
        return TG_ERR_FORMAT;
    }
    const char *key;
    json_t *v;
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
                    "language, restricted, embargo, tags; x-... for your own)",
                    kc);
            free(kc);
            st = TG_ERR_FORMAT;
            break;
        }
        if (json_object_get(m, canon(k)) && !is_list(k)) {
            /* "title" and "titulo" both given */
            tg_errf(err, errlen, "%s given twice", canon(k));
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
                    : k == K_EMBARGO  ? "a date"
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
    *restricted = json_is_true(json_object_get(m, "restricted"));
    *meta = m;
    return TG_OK;
}

/* ==== manifest.csv ========================================================== */

typedef struct {
    char *path;
    json_t *meta; /* NULL: rejected */
    int restricted;
    int glob; /* the path is a pattern ('*', '?', '[') */
    unsigned long line;
} row_t;

struct tg_manifest {
    row_t *rows; /* sorted by path */
    size_t n, cap;
    size_t *globs; /* indexes of the pattern rows, in line order */
    size_t n_globs;
    char *all; /* why every file of the folder is restricted; NULL */
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

/* Every file of the manifest's folder is restricted: the first reason is
 * kept (and listed as a problem). */
static void restrict_all(tg_manifest_t *m, const char *fmt, ...) TG_PRINTF(2, 3);

static void restrict_all(tg_manifest_t *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = tg_xvasprintf(fmt, ap);
    va_end(ap);
    problem(m,
            "%s: every file of this folder and below is restricted until the manifest is "
            "fixed",
            s);
    if (!m->all)
        m->all = clean_text(s, strlen(s));
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

/* 1 if every field of the record is empty (a spreadsheet's blank row). */
static int blank(char **f, size_t nf)
{
    for (size_t i = 0; i < nf; i++)
        for (const char *c = f[i]; *c; c++)
            if (*c != ' ' && *c != '\t')
                return 0;
    return 1;
}

static void add_row(tg_manifest_t *m, row_t r)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 64;
        m->rows = tg_xrealloc(m->rows, m->cap * sizeof *m->rows);
    }
    m->rows[m->n++] = r;
}

tg_manifest_t *tg_manifest_unreadable(const char *why)
{
    tg_manifest_t *m = tg_xcalloc(1, sizeof *m);
    restrict_all(m, "cannot be read (%s)", why);
    return m;
}

tg_manifest_t *tg_manifest_parse(const char *data, size_t len)
{
    tg_manifest_t *m = tg_xcalloc(1, sizeof *m);
    if (len > TG_MANIFEST_MAX_BYTES) {
        restrict_all(m, "larger than %d MB; not read", TG_MANIFEST_MAX_BYTES >> 20);
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

    /* the header: if it cannot be read, nothing says which column is
     * which, so nothing can be trusted to be unrestricted */
    skey_t *cols = NULL;
    size_t ncols = 0;
    int rejected = 0, file_col = -1, restricted_col = -1, embargo_col = -1;
    tg_status_t st = tg_csv_next(c, &f, &nf, &line, err, sizeof err);
    if (st == TG_ERR_NOTFOUND) {
        restrict_all(m, "empty: no header row");
        goto out;
    }
    if (st) {
        restrict_all(m, "the header cannot be read: %s", err);
        goto out;
    }
    ncols = nf;
    cols = tg_xcalloc(ncols, sizeof *cols);
    for (size_t i = 0; i < nf; i++) {
        cols[i] = key_of(f[i]);
        if (cols[i] == K_UNKNOWN) {
            problem(m,
                    "line %lu: unknown column '%.60s' (known: file, title, date, witness, "
                    "place, collection, language, restricted, embargo, tags; x-... for your "
                    "own)",
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
        if (cols[i] == K_EMBARGO)
            embargo_col = (int)i;
    }
    if (file_col < 0) {
        restrict_all(m, "line %lu: no 'file' column, so no row can say which file it describes",
                     line);
        goto out;
    }
    if (rejected)
        problem(m, "because of the header, every file the manifest names is restricted and no "
                   "other metadata is applied");

    /* the rows */
    for (;;) {
        st = tg_csv_next(c, &f, &nf, &line, err, sizeof err);
        if (st == TG_ERR_NOTFOUND)
            break;
        if (st) {
            /* which file it names cannot be told */
            restrict_all(m, "%s", err);
            continue;
        }
        if (blank(f, nf))
            continue;
        if ((size_t)file_col >= nf || !f[file_col][0]) {
            int says = (restricted_col >= 0 && (size_t)restricted_col < nf &&
                        text_restricts(f[restricted_col])) ||
                       (embargo_col >= 0 && (size_t)embargo_col < nf && f[embargo_col][0]);
            if (says)
                restrict_all(m, "line %lu: a row restricts but names no file", line);
            else
                problem(m, "line %lu: no file named; row ignored", line);
            continue;
        }
        char *path = tg_manifest_path(f[file_col]);
        if (!path) {
            problem(m,
                    "line %lu: '%.80s' is not a path inside this folder; row ignored (it "
                    "restricts nothing)",
                    line, f[file_col]);
            continue;
        }
        row_t r = {.path = path, .line = line, .glob = strpbrk(path, "*?[") != NULL};
        if (restricted_col >= 0 && (size_t)restricted_col < nf)
            r.restricted = text_restricts(f[restricted_col]);
        int bad = rejected;
        if (nf > ncols) {
            problem(m, "line %lu: %zu fields but the header has %zu; the file is restricted", line,
                    nf, ncols);
            bad = 1;
        } else if ((restricted_col >= 0 && (size_t)restricted_col >= nf) ||
                   (embargo_col >= 0 && (size_t)embargo_col >= nf)) {
            problem(m,
                    "line %lu: %zu fields but the header has %zu, so the %s column is missing; "
                    "the file is restricted",
                    line, nf, ncols,
                    restricted_col >= 0 && (size_t)restricted_col >= nf ? "restricted" : "embargo");
            bad = 1;
        }
        json_t *meta = json_object();
        for (size_t i = 0; i < nf && i < ncols && !bad; i++) {
            if (cols[i] == K_FILE || cols[i] == K_IGNORE || cols[i] == K_UNKNOWN)
                continue;
            char why[256];
            if (put_text(meta, cols[i], f[i], why, sizeof why)) {
                problem(m, "line %lu: %s; the file is restricted", line, why);
                bad = 1;
            }
        }
        if (bad) {
            /* fail closed: a rejected row restricts its file */
            json_decref(meta);
            meta = NULL;
            r.restricted = 1;
        } else if (json_is_true(json_object_get(meta, "restricted"))) {
            r.restricted = 1;
        }
        r.meta = meta;
        add_row(m, r);
    }
    if (m->n > 1) {
        qsort(m->rows, m->n, sizeof *m->rows, cmp_rows);
        /* a file described twice: the first row counts, and the file is
         * restricted (which row was meant cannot be told) */
        size_t w = 0;
        for (size_t i = 0; i < m->n; i++) {
            if (w > 0 && !strcmp(m->rows[w - 1].path, m->rows[i].path)) {
                problem(m,
                        "line %lu: '%.80s' is already described on line %lu; the file is "
                        "restricted",
                        m->rows[i].line, m->rows[i].path, m->rows[w - 1].line);
                m->rows[w - 1].restricted = 1;
                free(m->rows[i].path);
                json_decref(m->rows[i].meta);
                continue;
            }
            m->rows[w++] = m->rows[i];
        }
        m->n = w;
    }
    for (size_t i = 0; i < m->n; i++) {
        if (!m->rows[i].glob)
            continue;
        if (m->n_globs == TG_MANIFEST_MAX_PATTERNS) {
            /* every file is matched against every pattern: a bound */
            restrict_all(m, "more than %d rows with patterns", TG_MANIFEST_MAX_PATTERNS);
            break;
        }
        m->globs = tg_xrealloc(m->globs, (m->n_globs + 1) * sizeof *m->globs);
        m->globs[m->n_globs++] = i;
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
    free(m->globs);
    free(m->all);
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

const char *tg_manifest_restricts_all(const tg_manifest_t *m)
{
    return m->all;
}

/* The row whose path is exactly path[0..len), or NULL. */
static const row_t *find_row(const tg_manifest_t *m, const char *path, size_t len)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strncmp(m->rows[mid].path, path, len);
        if (c == 0 && m->rows[mid].path[len])
            c = 1;
        if (c == 0)
            return &m->rows[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void fill(const row_t *r, tg_manifest_row_t *out)
{
    out->meta = r->meta;
    out->restricted = r->restricted;
    out->line = r->line;
    const char *e = r->meta ? json_string_value(json_object_get(r->meta, "embargo")) : NULL;
    snprintf(out->embargo, sizeof out->embargo, "%s", e ? e : "");
}

int tg_manifest_lookup(const tg_manifest_t *m, const char *relpath, tg_manifest_row_t *out)
{
    memset(out, 0, sizeof *out);
    const row_t *r = find_row(m, relpath, strlen(relpath));
    if (!r)
        return 0;
    fill(r, out);
    return 1;
}

typedef struct {
    tg_manifest_row_t *out;
    size_t found;
    const row_t *best;
    size_t best_len;
} cover_t;

/* Row r applies to the file through its part [0, end) (a folder holding it,
 * or the whole path for a pattern). */
static void cover(cover_t *c, const row_t *r, size_t end)
{
    c->found++;
    c->out->restricted |= r->restricted;
    const char *e = r->meta ? json_string_value(json_object_get(r->meta, "embargo")) : NULL;
    if (e && strcmp(e, c->out->embargo) > 0)
        snprintf(c->out->embargo, sizeof c->out->embargo, "%s", e);
    /* the nearest: the deepest, then a plain path, then the earlier line */
    const row_t *b = c->best;
    if (!b || end > c->best_len || (end == c->best_len && b->glob && !r->glob) ||
        (end == c->best_len && b->glob == r->glob && r->line < b->line)) {
        c->best = r;
        c->best_len = end;
    }
}

size_t tg_manifest_lookup_folder(const tg_manifest_t *m, const char *relpath,
                                 tg_manifest_row_t *out)
{
    memset(out, 0, sizeof *out);
    cover_t c = {.out = out};
    size_t len = strlen(relpath);
    char *part = tg_xstrdup(relpath);
    /* what applies: the rows of each folder holding relpath (its parts
     * ending before a '/'), and the patterns matching those or relpath */
    for (size_t end = 0; end <= len; end++) {
        if (end < len && relpath[end] != '/')
            continue;
        if (end == 0)
            continue;
        if (end < len) {
            const row_t *r = find_row(m, relpath, end);
            if (r && !r->glob)
                cover(&c, r, end);
        }
        part[end] = '\0';
        for (size_t g = 0; g < m->n_globs; g++) {
            const row_t *r = &m->rows[m->globs[g]];
            if (fnmatch(r->path, part, FNM_PATHNAME) == 0)
                cover(&c, r, end);
        }
        if (end < len)
            part[end] = '/';
    }
    free(part);
    if (c.best) {
        out->meta = c.best->meta;
        out->line = c.best->line;
    }
    return c.found;
}
