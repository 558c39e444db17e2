/* Sidecar metadata in the indexer (see docmeta.h).
 *
 * Relies on lib/evidence/sidecar.c to parse, schema.h for terms and record keys.
 * Reads sidecar files itself (by paths of any length: tg_open_path), each
 * opened without following symbolic links and read up to its cap; never
 * writes anything but the document and record it is given.  Manifests are
 * cached per folder (a depth-first walk needs only its current chain of
 * folders), least recently used out first, within
 * a bound on count and bytes. */
#define _GNU_SOURCE
#include "docmeta.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "sidecar.h"
#include "text.h"
#include "util.h"

#define CACHE_N     64
#define CACHE_BYTES ((size_t)64 << 20)
/* Problems of one manifest quoted in its report; the rest are counted. */
#define REPORT_PROBLEMS 5

typedef struct {
    char *dir;
    tg_manifest_t *m; /* NULL: the folder has none (or it could not be read) */
    size_t bytes;
} mcache_t;

struct tg_sidecars {
    mcache_t c[CACHE_N];
    size_t n, bytes;
    char **reported; /* manifests whose problems were reported this run */
    size_t n_reported;
    tg_sidecar_report_fn report;
    void *ctx;
};

tg_sidecars_t *tg_sidecars_new(tg_sidecar_report_fn report, void *ctx)
{
    tg_sidecars_t *s = tg_xcalloc(1, sizeof *s);
    s->report = report;
    s->ctx = ctx;
    return s;
}

void tg_sidecars_free(tg_sidecars_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->c[i].dir);
        tg_manifest_free(s->c[i].m);
    }
    for (size_t i = 0; i < s->n_reported; i++)
        free(s->reported[i]);
    free(s->reported);
    free(s);
}

static void report(tg_sidecars_t *s, const char *path, const char *reason)
{
    char *p = tg_utf8_escape_bytes(path, strlen(path));
    if (s->report)
        s->report(s->ctx, p, reason);
    free(p);
}

/* Reads a small file whole, without following a symbolic link: at most max
 * bytes plus one (so the caller can tell it is over).  Returns 0, or an errno
 * (ENOENT: no such file). */
static int read_small(const char *path, size_t max, tg_buf_t *out)
{
    int fd = tg_open_path(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    struct stat sb;
    if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
        close(fd);
        return EINVAL;
    }
    tg_buf_init(out, max + 1);
    char buf[65536];
    int e = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            e = errno;
            break;
        }
        if (n == 0)
            break;
        size_t room = out->max - out->len;
        if (tg_buf_add(out, buf, (size_t)n < room ? (size_t)n : room) || (size_t)n >= room)
            break; /* over the cap: what was read tells the parser so */
    }
    close(fd);
    if (e)
        tg_buf_free(out);
    return e;
}

static const char *why_unreadable(int e)
{
    if (e == ELOOP)
        return "symbolic link, not followed";
    if (e == EINVAL)
        return "not a regular file";
    return strerror(e);
}

/* ==== Manifests ============================================================ */

static void evict(tg_sidecars_t *s)
{
    free(s->c[0].dir);
    tg_manifest_free(s->c[0].m);
    s->bytes -= s->c[0].bytes;
    memmove(s->c, s->c + 1, (s->n - 1) * sizeof *s->c);
    s->n--;
}

static int reported_before(tg_sidecars_t *s, const char *path)
{
    for (size_t i = 0; i < s->n_reported; i++)
        if (!strcmp(s->reported[i], path))
            return 1;
    s->reported = tg_xrealloc(s->reported, (s->n_reported + 1) * sizeof *s->reported);
    s->reported[s->n_reported++] = tg_xstrdup(path);
    return 0;
}

/* The manifest of folder dir (raw bytes), or NULL. */
static const tg_manifest_t *manifest_of(tg_sidecars_t *s, const char *dir)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->c[i].dir, dir)) {
            /* least recently used last out: the folders near the root,
             * asked about for every file, stay */
            mcache_t hit = s->c[i];
            memmove(s->c + i, s->c + i + 1, (s->n - i - 1) * sizeof *s->c);
            s->c[s->n - 1] = hit;
            return hit.m;
        }
    char *path = tg_xasprintf("%s/%s", dir, TG_MANIFEST_NAME);
    tg_buf_t data;
    int e = read_small(path, TG_MANIFEST_MAX_BYTES, &data);
    tg_manifest_t *m = NULL;
    size_t bytes = 0;
    if (e && e != ENOENT && e != ENOTDIR) {
        /* what it says cannot be told: its whole folder is restricted */
        m = tg_manifest_unreadable(why_unreadable(e));
    } else if (!e) {
        m = tg_manifest_parse(tg_buf_str(&data), data.len);
        bytes = data.len;
        tg_buf_free(&data);
    }
    if (m) {
        size_t np = tg_manifest_problems(m);
        if (np && !reported_before(s, path)) {
            tg_buf_t r;
            tg_buf_init(&r, 8192);
            tg_buf_addf(&r,
                        "manifest has %zu problem%s (the files of rows with problems are "
                        "restricted until it is fixed): ",
                        np, np == 1 ? "" : "s");
            for (size_t i = 0; i < np && i < REPORT_PROBLEMS; i++)
                tg_buf_addf(&r, "%s%s", i ? "; " : "", tg_manifest_problem(m, i));
            if (np > REPORT_PROBLEMS)
                tg_buf_addf(&r, "; and %zu more", np - REPORT_PROBLEMS);
            report(s, path, tg_buf_str(&r));
            tg_buf_free(&r);
        }
    }
    free(path);
    while (s->n > 0 && (s->n == CACHE_N || s->bytes + bytes > CACHE_BYTES))
        evict(s);
    s->c[s->n].dir = tg_xstrdup(dir);
    s->c[s->n].m = m;
    s->c[s->n].bytes = bytes;
    s->bytes += bytes;
    s->n++;
    return m;
}

/* ==== Lookup ================================================================ */

void tg_locmeta_free(tg_locmeta_t *m)
{
    json_decref(m->meta);
    json_decref(m->from);
    json_decref(m->held);
    memset(m, 0, sizeof *m);
}

/* Keeps the later of two embargo ends ("YYYY-MM-DD" compare as strings). */
static void later(char *embargo, const char *other)
{
    if (other && *other && strcmp(other, embargo) > 0)
        snprintf(embargo, 11, "%s", other);
}

static void add_from(tg_locmeta_t *out, const char *s)
{
    if (!out->from)
        out->from = json_array();
    char *u = tg_utf8_escape_bytes(s, strlen(s));
    json_array_append_new(out->from, json_string(u));
    free(u);
}

/* Completes out from the metadata found (taking meta): the restriction,
 * and the fingerprint that tells a change of sidecar on the next run. */
static void finish(tg_locmeta_t *out, json_t *meta)
{
    if (out->restricted)
        json_object_set_new(meta, "restricted", json_true());
    if (out->embargo[0])
        json_object_set_new(meta, "embargo", json_string(out->embargo));
    else
        json_object_del(meta, "embargo");
    if (json_object_size(meta) == 0 && !out->from) {
        json_decref(meta);
        return;
    }
    out->meta = meta;
    char *dump = json_dumps(meta, JSON_COMPACT | JSON_SORT_KEYS);
    tg_sha256_hex(dump, strlen(dump), out->fingerprint);
    free(dump);
}

/* What manifest m (where: its path or location, for the record) says of
 * the file at relpath: its own row and the rows for folders holding it.
 * Restrictions add up and the latest embargo wins; the first own row found
 * (the nearest manifest's) gives the metadata (*used then set), and the
 * nearest folder row is kept in *folder_meta for a file no row names. */
static void from_manifest(tg_locmeta_t *out, json_t *meta, const tg_manifest_t *m,
                          const char *where, const char *relpath, int *used,
                          const json_t **folder_meta)
{
    const char *all = tg_manifest_restricts_all(m);
    if (all) {
        out->restricted = 1;
        char *f = tg_xasprintf("%s (%s: every file below is restricted)", where, all);
        add_from(out, f);
        free(f);
    }
    tg_manifest_row_t row;
    if (tg_manifest_lookup(m, relpath, &row)) {
        out->restricted |= row.restricted;
        later(out->embargo, row.embargo);
        char *f = tg_xasprintf("%s line %lu", where, row.line);
        add_from(out, f);
        free(f);
        if (!*used && row.meta)
            json_object_update(meta, (json_t *)row.meta);
        *used = 1;
    }
    if (tg_manifest_lookup_folder(m, relpath, &row)) {
        out->restricted |= row.restricted;
        later(out->embargo, row.embargo);
        char *f = tg_xasprintf("%s line %lu", where, row.line);
        add_from(out, f);
        free(f);
        if (!*folder_meta)
            *folder_meta = row.meta;
    }
}

void tg_sidecars_lookup(tg_sidecars_t *s, const char *path, const char *root, tg_locmeta_t *out)
{
    memset(out, 0, sizeof *out);
    json_t *meta = json_object();

    /* manifests, nearest first; the nearest row gives the metadata */
    size_t rootlen = strlen(root);
    int under_root = strncmp(path, root, rootlen) == 0 &&
                     (path[rootlen] == '/' || (rootlen == 1 && root[0] == '/'));
    char *dir = tg_xstrdup(path);
    int used = 0;
    const json_t *folder_meta = NULL;
    for (;;) {
        char *slash = strrchr(dir, '/');
        if (!slash)
            break;
        *slash = '\0';
        const char *d = dir[0] ? dir : "/";
        const tg_manifest_t *m = manifest_of(s, d);
        if (m) {
            char *where = tg_xasprintf("%s/%s", dir, TG_MANIFEST_NAME);
            from_manifest(out, meta, m, where, path + strlen(dir) + 1, &used, &folder_meta);
            free(where);
        }
        if (!under_root || strcmp(d, root) == 0 || !dir[0])
            break;
    }
    if (!used && folder_meta)
        json_object_update(meta, (json_t *)folder_meta);
    free(dir);

    /* FILE.json overrides the manifest field by field; a file whose name
     * is within 5 bytes of NAME_MAX (255) cannot have one */
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char *jpath = tg_xasprintf("%s%s", path, TG_SIDECAR_SUFFIX);
    tg_buf_t data;
    int e = strlen(base) + strlen(TG_SIDECAR_SUFFIX) > NAME_MAX
                ? ENOENT
                : read_small(jpath, TG_SIDECAR_MAX_JSON, &data);
    if (e && e != ENOENT) {
        /* it is about this file and might say restricted: fail closed */
        out->restricted = 1;
        add_from(out, jpath);
        char *r = tg_xasprintf("sidecar ignored: %s (so the file is restricted until it can be "
                               "read)",
                               why_unreadable(e));
        report(s, jpath, r);
        free(r);
    } else if (!e) {
        json_t *jm;
        int r;
        char err[512];
        tg_status_t st =
            tg_sidecar_parse_json(tg_buf_str(&data), data.len, &jm, &r, err, sizeof err);
        out->restricted |= r;
        add_from(out, jpath);
        if (st) {
            char *why = tg_xasprintf("malformed sidecar, ignored: %s (so the file is restricted "
                                     "until the sidecar is fixed)",
                                     err);
            report(s, jpath, why);
            free(why);
        } else {
            later(out->embargo, json_string_value(json_object_get(jm, "embargo")));
            json_object_update(meta, jm);
            json_decref(jm);
        }
        tg_buf_free(&data);
    }
    free(jpath);

    finish(out, meta);
}

void tg_locmeta_from_manifest(const tg_manifest_t *m, const char *where, const char *relpath,
                              tg_locmeta_t *out)
{
    memset(out, 0, sizeof *out);
    char *rel = tg_manifest_path(relpath);
    json_t *meta = json_object();
    int used = 0;
    const json_t *folder_meta = NULL;
    if (rel) {
        from_manifest(out, meta, m, where, rel, &used, &folder_meta);
    } else if (tg_manifest_restricts_all(m)) {
        /* a name no row could hold: the whole bundle's rule still holds */
        from_manifest(out, meta, m, where, "", &used, &folder_meta);
    }
    if (!used && folder_meta)
        json_object_update(meta, (json_t *)folder_meta);
    free(rel);
    finish(out, meta);
}

int tg_sidecars_is_sidecar(tg_sidecars_t *s, const char *path, const char *root, char **what)
{
    (void)root;
    *what = NULL;
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!strcmp(base, TG_MANIFEST_NAME) && slash) {
        char *dir = tg_xstrndup(path, (size_t)(slash - path));
        manifest_of(s, dir[0] ? dir : "/");
        const char *dslash = strrchr(dir, '/');
        char *d =
            tg_utf8_escape_bytes(dslash ? dslash + 1 : dir, strlen(dslash ? dslash + 1 : dir));
        *what = tg_xasprintf("sidecar manifest of the folder %s", d);
        free(d);
        free(dir);
        return 1;
    }
    size_t bl = strlen(base), sl = strlen(TG_SIDECAR_SUFFIX);
    if (bl > sl && !strcmp(base + bl - sl, TG_SIDECAR_SUFFIX)) {
        char *target = tg_xstrndup(path, strlen(path) - sl);
        struct stat sb;
        int is = tg_lstat_path(target, &sb) == 0 && S_ISREG(sb.st_mode);
        if (is) {
            char *b = tg_utf8_escape_bytes(base, bl - sl);
            *what = tg_xasprintf("sidecar of %s", b);
            free(b);
        }
        free(target);
        return is;
    }
    return 0;
}

/* Sets or removes key on obj; returns 1 if that changed it.  v is taken. */
static int put_key(json_t *obj, const char *key, json_t *v)
{
    json_t *cur = json_object_get(obj, key);
    if (json_equal(cur, v) || (!cur && !v)) {
        json_decref(v);
        return 0;
    }
    if (v)
        json_object_set_new(obj, key, v);
    else
        json_object_del(obj, key);
    return 1;
}

int tg_locmeta_store(json_t *loc, const tg_locmeta_t *m)
{
    json_t *meta = NULL;
    if (m->meta) {
        meta = json_deep_copy(m->meta);
        json_object_del(meta, "restricted");
        json_object_del(meta, "embargo");
        if (json_object_size(meta) == 0) {
            json_decref(meta);
            meta = NULL;
        }
    }
    int changed = put_key(loc, "sidecar", meta);
    changed |= put_key(loc, "restricted", m->restricted ? json_true() : NULL);
    changed |= put_key(loc, "embargo", m->embargo[0] ? json_string(m->embargo) : NULL);
    changed |= put_key(loc, "sidecar_from", m->from ? json_incref(m->from) : NULL);
    changed |= put_key(loc, "inherited", m->held ? json_deep_copy(m->held) : NULL);
    return changed;
}

json_t *tg_locmeta_pass(int restricted, const char *embargo, const json_t *held, const char *loc)
{
    const char *by = tg_rec_str(held, "by");
    if (restricted || json_is_true(json_object_get(held, "restricted")))
        return json_pack("{s:b, s:s}", "restricted", 1, "by", restricted || !by ? loc : by);
    const char *he = tg_rec_str(held, "embargo");
    char e[11] = "";
    later(e, embargo);
    later(e, he);
    if (!e[0])
        return NULL;
    int own = embargo && !strcmp(embargo, e);
    return json_pack("{s:s, s:s}", "embargo", e, "by", own || !by ? loc : by);
}

void tg_locmeta_inherit(tg_locmeta_t *child, const char *parent_loc, const tg_locmeta_t *parent)
{
    json_decref(child->held);
    child->held = tg_locmeta_pass(parent->restricted, parent->embargo, parent->held, parent_loc);
}

/* ==== Application ========================================================== */

/* Puts back the document's own values of the keys a sidecar replaced. */
static void restore_own(json_t *rec, int *title, int *date, int *lang)
{
    json_t *own = json_object_get(rec, TG_REC_SIDECAR_OWN);
    const char *k;
    json_t *v;
    json_object_foreach(own, k, v)
    {
        if (!strcmp(k, TG_REC_TITLE))
            *title = 1;
        if (!strcmp(k, TG_REC_DATE))
            *date = 1;
        if (!strcmp(k, TG_REC_LANG))
            *lang = 1;
        if (json_is_null(v))
            json_object_del(rec, k);
        else
            json_object_set(rec, k, v);
    }
    json_object_del(rec, TG_REC_SIDECAR_OWN);
}

static void replace_own(json_t *rec, const char *key, const char *value)
{
    json_t *own = json_object_get(rec, TG_REC_SIDECAR_OWN);
    if (!own) {
        own = json_object();
        json_object_set_new(rec, TG_REC_SIDECAR_OWN, own);
    }
    if (!json_object_get(own, key)) {
        json_t *cur = json_object_get(rec, key);
        json_object_set(own, key, cur ? cur : json_null());
    }
    json_object_set_new(rec, key, json_string(value));
}

/* Adds the values of list key from m to merged, skipping values that fold
 * the same as one already there. */
static void union_list(json_t *merged, const json_t *m, const char *key)
{
    json_t *src = json_object_get(m, key), *e;
    if (!json_is_array(src))
        return;
    json_t *dst = json_object_get(merged, key);
    tg_buf_t a, b;
    tg_buf_init(&a, 16384);
    tg_buf_init(&b, 16384);
    size_t i, k;
    json_array_foreach(src, i, e)
    {
        const char *v = json_string_value(e);
        if (!v)
            continue;
        tg_buf_reset(&a);
        tg_fold_value(&a, v, strlen(v));
        int dup = 0;
        json_t *d;
        json_array_foreach(dst, k, d)
        {
            tg_buf_reset(&b);
            const char *dv = json_string_value(d);
            tg_fold_value(&b, dv, strlen(dv));
            dup |= !strcmp(tg_buf_str(&a), tg_buf_str(&b));
        }
        if (dup || json_array_size(dst) >= TG_SIDECAR_MAX_VALUES)
            continue;
        if (!dst) {
            dst = json_array();
            json_object_set_new(merged, key, dst);
        }
        json_array_append(dst, e);
    }
    tg_buf_free(&a);
    tg_buf_free(&b);
}

static void add_terms(tg_doc_t *doc, const json_t *merged, const char *key, const char *prefix)
{
    tg_doc_remove_prefixed(doc, prefix);
    json_t *l = json_object_get(merged, key), *e;
    size_t i;
    tg_buf_t v, t;
    tg_buf_init(&v, 16384);
    tg_buf_init(&t, 16384);
    json_array_foreach(l, i, e)
    {
        const char *s = json_string_value(e);
        if (!s)
            continue;
        tg_buf_reset(&v);
        tg_fold_value(&v, s, strlen(s));
        if (v.len == 0)
            continue;
        tg_buf_reset(&t);
        tg_bool_term(&t, prefix, tg_buf_str(&v));
        tg_doc_add_term(doc, t.data, t.len, 0);
    }
    tg_buf_free(&v);
    tg_buf_free(&t);
}

void tg_docmeta_apply(tg_doc_t *doc, json_t *rec, tg_stemmers_t *st)
{
    int t_title = 0, t_date = 0, t_lang = 0;
    /* terms of ours exist only if an earlier application left these keys */
    int had = json_object_get(rec, TG_REC_SIDECAR) || json_object_get(rec, TG_REC_RESTRICTED) ||
              json_object_get(rec, TG_REC_EMBARGO);
    restore_own(rec, &t_title, &t_date, &t_lang);

    /* merge the locations */
    json_t *merged = json_object(), *e;
    int restricted = json_is_true(json_object_get(rec, TG_REC_RESTRICTED_OVERFLOW));
    size_t i;
    char embargo[11] = "";
    json_array_foreach(json_object_get(rec, TG_REC_LOCATIONS), i, e)
    {
        /* its own restriction, or what a bundle or mail holding it passes */
        json_t *held = json_object_get(e, "inherited");
        restricted |= json_is_true(json_object_get(e, "restricted")) ||
                      json_is_true(json_object_get(held, "restricted"));
        json_t *ends[2] = {json_object_get(e, "embargo"), json_object_get(held, "embargo")};
        for (int k = 0; k < 2; k++) {
            const char *end = json_string_value(ends[k]);
            char norm[11];
            if (end && !tg_embargo_parse(end, norm) && !strcmp(norm, end))
                later(embargo, end);
            else if (ends[k])
                restricted = 1; /* an embargo that cannot be read: fail closed */
        }
        json_t *m = json_object_get(e, "sidecar");
        if (!json_is_object(m))
            continue;
        static const char *const first[] = {"title", "date", "language"};
        for (size_t k = 0; k < TG_ARRAY_LEN(first); k++)
            if (!json_object_get(merged, first[k]) && json_is_string(json_object_get(m, first[k])))
                json_object_set(merged, first[k], json_object_get(m, first[k]));
        union_list(merged, m, "witness");
        union_list(merged, m, "place");
        union_list(merged, m, "collection");
        union_list(merged, m, "tags");
    }
    if (restricted)
        json_object_set_new(merged, "restricted", json_true());

    /* what a sidecar may replace */
    const char *title = tg_rec_str(merged, "title");
    if (title) {
        replace_own(rec, TG_REC_TITLE, title);
        replace_own(rec, TG_REC_TITLE_SOURCE, TG_DATE_SOURCE_SIDECAR);
        t_title = 1;
    }
    const char *date = tg_rec_str(merged, "date");
    if (date && !tg_date_source_is_own(tg_rec_str(rec, TG_REC_DATE_SOURCE))) {
        replace_own(rec, TG_REC_DATE, date);
        replace_own(rec, TG_REC_DATE_SOURCE, TG_DATE_SOURCE_SIDECAR);
        t_date = 1;
    }
    const char *lang = tg_rec_str(merged, "language");
    if (lang) {
        replace_own(rec, TG_REC_LANG, lang);
        t_lang = 1;
    }

    if (!had && !json_object_size(merged) && !embargo[0] && !t_title && !t_date && !t_lang) {
        /* nothing to add and nothing to take away: most documents */
        json_decref(merged);
        return;
    }

    /* terms */
    add_terms(doc, merged, "collection", TG_PREFIX_COLLECTION);
    add_terms(doc, merged, "place", TG_PREFIX_PLACE);
    add_terms(doc, merged, "witness", TG_PREFIX_WITNESS);
    add_terms(doc, merged, "tags", TG_PREFIX_TAG);
    tg_doc_remove_term(doc, TG_TERM_RESTRICTED);
    if (restricted)
        tg_doc_add_term(doc, TG_TERM_RESTRICTED, strlen(TG_TERM_RESTRICTED), 0);
    /* an embargo is checked when a search runs (lib/search.c): the term
     * says there is one, the slot until when */
    tg_doc_remove_term(doc, TG_TERM_EMBARGO);
    tg_doc_set_value(doc, TG_SLOT_EMBARGO, embargo, strlen(embargo));
    if (embargo[0])
        tg_doc_add_term(doc, TG_TERM_EMBARGO, strlen(TG_TERM_EMBARGO), 0);
    const char *doclang = tg_rec_str(rec, TG_REC_LANG) ? tg_rec_str(rec, TG_REC_LANG) : "und";
    if (t_title) {
        /* title: finds the title shown and the document's own one */
        tg_doc_remove_prefixed(doc, TG_PREFIX_TITLE);
        unsigned pos = 0;
        const char *t = tg_rec_str(rec, TG_REC_TITLE);
        if (t)
            tg_index_text(doc, st, doclang, TG_PREFIX_TITLE, t, strlen(t), &pos, 0);
        json_t *own = json_object_get(json_object_get(rec, TG_REC_SIDECAR_OWN), TG_REC_TITLE);
        const char *ot = json_string_value(own);
        if (ot && (!t || strcmp(ot, t) != 0)) {
            pos++; /* no phrase across the two titles */
            tg_index_text(doc, st, doclang, TG_PREFIX_TITLE, ot, strlen(ot), &pos, 0);
        }
    }
    if (t_date)
        tg_doc_set_date(doc, tg_rec_str(rec, TG_REC_DATE));
    if (t_lang) {
        tg_doc_remove_prefixed(doc, TG_PREFIX_LANG);
        tg_buf_t term;
        tg_buf_init(&term, 1024);
        tg_bool_term(&term, TG_PREFIX_LANG, doclang);
        tg_doc_add_term(doc, term.data, term.len, 0);
        tg_buf_free(&term);
        tg_doc_set_value(doc, TG_SLOT_LANG, doclang, strlen(doclang));
    }

    if (json_object_size(merged))
        json_object_set(rec, TG_REC_SIDECAR, merged);
    else
        json_object_del(rec, TG_REC_SIDECAR);
    if (restricted)
        json_object_set_new(rec, TG_REC_RESTRICTED, json_true());
    else
        json_object_del(rec, TG_REC_RESTRICTED);
    if (embargo[0])
        json_object_set_new(rec, TG_REC_EMBARGO, json_string(embargo));
    else
        json_object_del(rec, TG_REC_EMBARGO);
    json_decref(merged);
}
