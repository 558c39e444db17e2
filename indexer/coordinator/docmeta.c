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
