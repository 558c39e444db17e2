/* Bundle reading over libarchive (see bundle.h).
 *
 * libarchive is opened with every filter and format, plus the "raw" format so
 * that a single compressed file (report.txt.gz) yields its one member; raw
 * is only accepted when the outermost layer really is a compression filter,
 * so an arbitrary file is never mistaken for a bundle of itself.
 *
 * Bomb defence: every block read adds to the bundle's expanded total and the
 * member's size; the expansion ratio is the expanded total over the raw
 * bytes libarchive has read from the file (archive_filter_bytes(a, -1)),
 * checked once more than 1 MB has come out.  The 293-byte recursive gzip of
 * libarchive's test suite trips the ratio within the first megabytes.
 * A bundle inside a bundle is read by a reading of its own; what all the
 * readings of one top-level file may still use (bytes, members, CPU time)
 * comes in the limits and is checked here too, block by block and entry by
 * entry, so that a 42.zip stops wherever its budget runs out.
 * Runs inside a worker process, whose CPU and memory limits are the
 * backstop. */
#define _GNU_SOURCE
#include "bundle.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "text.h"
#include "util.h"

#define BLOCK       (64 * 1024)
#define RATIO_GRACE ((uint64_t)1 << 20)
#define MAX_NAME    4096

static const char *const bundle_mimes[] = {
    "application/zip",        "application/x-zip-compressed",
    "application/x-tar",      "application/x-gtar",
    "application/gzip",       "application/x-gzip",
    "application/x-bzip2",    "application/x-xz",
    "application/zstd",       "application/x-zstd",
    "application/x-compress", "application/x-lzma",
    "application/x-lzip",     "application/x-7z-compressed",
    "application/x-rar",      "application/vnd.rar",
    "application/x-cpio",     "application/x-iso9660-image",
    "application/x-archive",  "application/java-archive",
};

int tg_bundle_is_bundle(const char *mime)
{
    for (size_t i = 0; i < TG_ARRAY_LEN(bundle_mimes); i++)
        if (!strcmp(mime, bundle_mimes[i]))
            return 1;
    return 0;
}

/* The member name of a compressed single file: its own name less the
 * compression suffix. */
static char *raw_member_name(const char *name)
{
    static const char *const sfx[] = {".gz", ".tgz", ".bz2", ".xz", ".zst", ".Z", ".lz", ".lzma"};
    size_t n = strlen(name);
    for (size_t i = 0; i < TG_ARRAY_LEN(sfx); i++) {
        size_t k = strlen(sfx[i]);
        if (n > k && !strcmp(name + n - k, sfx[i]))
            return tg_xstrndup(name, n - k);
    }
    return tg_xasprintf("%s.data", name);
}

/* A member name as UTF-8 (bytes that are not, as \xHH); bounded.  *unsafe
 * is set if the raw name would leave the bundle: absolute, a drive letter,
 * or a ".." component (with either slash). */
static char *member_name(struct archive_entry *e, int *unsafe)
{
    const char *u = archive_entry_pathname_utf8(e);
    const char *raw = u ? u : archive_entry_pathname(e);
    *unsafe = 0;
    if (!raw || !*raw)
        return tg_xstrdup("(no name)");
    size_t n = strnlen(raw, MAX_NAME);
    if (raw[0] == '/' || raw[0] == '\\' || (n > 1 && raw[1] == ':'))
        *unsafe = 1;
    for (size_t i = 0; i < n;) {
        size_t k = i;
        while (k < n && raw[k] != '/' && raw[k] != '\\')
            k++;
        if (k - i == 2 && raw[i] == '.' && raw[i + 1] == '.')
            *unsafe = 1;
        i = k + 1;
    }
    return tg_utf8_escape_bytes(raw, n);
}

typedef struct {
    uint64_t total;
    const tg_bundle_limits_t *lim;
    struct archive *a;
    double cpu0, cpu; /* process CPU time when the reading began, at the last check */
    int stop;         /* a limit of the whole bundle (or of its top-level file) was passed */
    tg_bundle_result_t *res;
} budget_t;

static double cpu_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts))
        return 0;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Checks the top-level file's budget of CPU time: 1 if it is spent (err
 * says so). */
static int out_of_time(budget_t *b, const char *member, char *err, size_t errlen)
{
    b->cpu = cpu_now();
    b->res->cpu = b->cpu - b->cpu0;
    if (b->res->cpu <= b->lim->tree_cpu)
        return 0;
    tg_errf(err, errlen,
            "stopped in member %s: the top-level file's budget of unpacking time (all nesting "
            "levels together) is spent",
            member);
    b->res->budget = "time";
    b->stop = 1;
    return 1;
}

/* Checks the bundle-wide limits and the top-level file's budget (its CPU
 * time too if check_cpu); fills err and returns a status if one is
 * passed. */
static tg_status_t over_budget(budget_t *b, const char *member, int check_cpu, char *err,
                               size_t errlen)
{
    if (b->total > b->lim->max_total) {
        tg_errf(err, errlen,
                "bundle expands to more than %llu MB (stopped in member %s): likely a zip bomb",
                (unsigned long long)(b->lim->max_total >> 20), member);
        b->stop = 1;
        return TG_ERR_LIMIT;
    }
    int64_t raw = archive_filter_bytes(b->a, -1);
    if (b->total > RATIO_GRACE && raw > 0 && (double)b->total / (double)raw > b->lim->max_ratio) {
        tg_errf(err, errlen,
                "expansion ratio over %.0f:1 (%llu bytes from %lld, in member %s): likely a "
                "zip bomb",
                b->lim->max_ratio, (unsigned long long)b->total, (long long)raw, member);
        b->stop = 1;
        return TG_ERR_LIMIT;
    }
    if (b->total > b->lim->tree_bytes) {
        tg_errf(err, errlen,
                "stopped in member %s: the top-level file's budget of expanded bytes (all "
                "nesting levels together) is spent",
                member);
        b->res->budget = "bytes";
        b->stop = 1;
        return TG_ERR_LIMIT;
    }
    if (check_cpu && out_of_time(b, member, err, errlen))
        return TG_ERR_LIMIT;
    return TG_OK;
}

int tg_bundle_probe(const char *path)
{
    struct archive *a = archive_read_new();
    if (!a)
        tg_oom();
    archive_read_support_filter_all(a);
    archive_read_support_format_all(a);
    struct archive_entry *e;
    int ok = archive_read_open_filename(a, path, BLOCK) == ARCHIVE_OK &&
             archive_read_next_header(a, &e) >= ARCHIVE_WARN &&
             archive_format(a) != ARCHIVE_FORMAT_EMPTY && archive_format(a) != ARCHIVE_FORMAT_MTREE;
    archive_read_free(a);
    return ok;
}

tg_status_t tg_bundle_read(const char *path, const char *name, tg_store_t *store,
                           const tg_bundle_limits_t *lim, unsigned skip, tg_member_cb cb, void *ctx,
                           tg_bundle_result_t *res, char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    struct archive *a = archive_read_new();
    if (!a)
        tg_oom();
    archive_read_support_filter_all(a);
    archive_read_support_format_all(a);
    archive_read_support_format_raw(a);
    tg_status_t st = TG_OK;
    if (archive_read_open_filename(a, path, BLOCK) != ARCHIVE_OK) {
        tg_errf(err, errlen, "not a readable bundle: %s", archive_error_string(a));
        archive_read_free(a);
        return TG_ERR_FORMAT;
    }
    budget_t budget = {.lim = lim, .a = a, .res = res};
    budget.cpu0 = budget.cpu = cpu_now();
    uint64_t reported = 0; /* members reported done */
    char *buf = tg_xmalloc(BLOCK);
    struct archive_entry *e;
    for (unsigned idx = 0;; idx++) {
        int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF)
            break;
        if (r == ARCHIVE_RETRY) {
            idx--;
            continue;
        }
        if (r < ARCHIVE_WARN) {
            const char *why = archive_error_string(a);
            if (!why)
                why = "no reason given";
            if (strstr(why, "ncrypt") || archive_read_has_encrypted_entries(a) > 0) {
                tg_errf(err, errlen, "encrypted bundle: needs a password (%s)", why);
                st = TG_ERR_ENCRYPTED;
            } else if (idx == 0) {
                tg_errf(err, errlen, "not a readable bundle: %s", why);
                st = TG_ERR_FORMAT;
            } else {
                tg_errf(err, errlen, "damaged after %u members: %s", idx, why);
                st = TG_ERR_FORMAT;
            }
            break;
        }
        int raw = archive_format(a) == ARCHIVE_FORMAT_RAW;
        if (raw && archive_filter_count(a) <= 1) {
            /* "raw" with no compression filter: not a bundle at all */
            tg_errf(err, errlen, "not a bundle (no archive format or compression recognised)");
            st = TG_ERR_FORMAT;
            break;
        }
        if (idx >= lim->max_members) {
            tg_errf(err, errlen, "more than %llu members: the rest is not read",
                    (unsigned long long)lim->max_members);
            st = TG_ERR_LIMIT;
            break;
        }
        res->entries = idx + 1;
        int unsafe = 0;
        char *mname = raw ? raw_member_name(name) : member_name(e, &unsafe);
        tg_member_t m = {.index = idx, .name = mname};
        m.size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
        m.mtime_ns = archive_entry_mtime_is_set(e) ? (int64_t)archive_entry_mtime(e) * 1000000000 +
                                                         archive_entry_mtime_nsec(e)
                                                   : 0;
        mode_t type = archive_entry_filetype(e);
        if (idx < skip || type == AE_IFDIR) {
            free(mname);
            continue; /* resuming, or a folder: nothing to report */
        }
        if (out_of_time(&budget, mname, err, errlen)) {
            free(mname);
            st = TG_ERR_LIMIT;
            break;
        }
        if (reported >= lim->tree_members) {
            tg_errf(err, errlen,
                    "stopped before member %s: the top-level file's budget of members (all "
                    "nesting levels together) is spent",
                    mname);
            free(mname);
            res->budget = "members";
            st = TG_ERR_LIMIT;
            break;
        }
        if (cb(ctx, &m, 0)) {
            free(mname);
            break;
        }
        char reason[512] = "";
        if (archive_entry_hardlink(e)) {
            m.code = "link member";
            tg_errf(reason, sizeof reason, "hard link member (to %.200s): recorded, not followed",
                    archive_entry_hardlink(e));
        } else if (type == AE_IFLNK) {
            m.code = "link member";
            tg_errf(reason, sizeof reason,
                    "symbolic link member (to %.200s): recorded, not followed",
                    archive_entry_symlink(e) ? archive_entry_symlink(e) : "?");
        } else if (type != AE_IFREG && !raw) {
            m.code = "special member";
            tg_errf(reason, sizeof reason, "device, pipe or socket member: recorded, not read");
        } else if (unsafe) {
            m.code = "unsafe name";
            tg_errf(reason, sizeof reason,
                    "member name leaves the bundle (absolute or '..'): recorded, not read");
        } else if (archive_entry_is_data_encrypted(e)) {
            m.code = "encrypted";
            tg_errf(reason, sizeof reason, "encrypted member: needs a password");
            m.error = 1;
        }
        if (m.code) {
            m.reason = reason;
            m.cpu = budget.cpu - budget.cpu0;
            reported++;
            int stop = cb(ctx, &m, 1);
            free(mname);
            if (stop)
                break;
            continue;
        }

        tg_store_writer_t *w;
        char werr[256];
        if (tg_store_writer_new(store, &w, werr, sizeof werr)) {
            tg_errf(err, errlen, "%s", werr);
            free(mname);
            st = TG_ERR_IO;
            break;
        }
        uint64_t got = 0;
        tg_status_t mst = TG_OK;
        for (unsigned blocks = 1;; blocks++) {
            la_ssize_t n = archive_read_data(a, buf, BLOCK);
            if (n == 0)
                break;
            if (n < 0) {
                tg_errf(reason, sizeof reason, "damaged member: %s", archive_error_string(a));
                mst = n == ARCHIVE_FATAL ? TG_ERR_FORMAT : TG_ERR_CORRUPT;
                break;
            }
            got += (uint64_t)n;
            budget.total += (uint64_t)n;
            res->expanded = budget.total;
            if (got > lim->max_member) {
                tg_errf(reason, sizeof reason, "member expands to more than %llu MB",
                        (unsigned long long)(lim->max_member >> 20));
                mst = TG_ERR_LIMIT;
                break;
            }
            /* the CPU clock is a system call: every 16 blocks (1 MB) */
            if ((mst = over_budget(&budget, mname, blocks % 16 == 0, err, errlen)) != TG_OK) {
                tg_errf(reason, sizeof reason, "%s", err);
                break;
            }
            if (tg_store_writer_add(w, buf, (size_t)n)) {
                tg_errf(reason, sizeof reason, "cannot write to the store");
                mst = TG_ERR_IO;
                break;
            }
        }
        char sha[TG_SHA256_HEX_LEN + 1];
        if (mst == TG_OK) {
            uint64_t size;
            if (tg_store_writer_finish(w, sha, &size)) {
                tg_errf(reason, sizeof reason, "cannot move into the store");
                mst = TG_ERR_IO;
            } else {
                m.sha = sha;
                m.size = (int64_t)size;
            }
        } else {
            tg_store_writer_abort(w);
        }
        if (mst != TG_OK) {
            m.code = mst == TG_ERR_LIMIT ? "limit" : mst == TG_ERR_IO ? "unreadable" : "corrupt";
            m.reason = reason;
            /* stopped where the top-level file's budget ran out: the file
             * is the error, this member is skipped */
            m.error = !(mst == TG_ERR_LIMIT && res->budget);
        }
        m.expanded = got;
        m.cpu = budget.cpu - budget.cpu0;
        reported++;
        int stop = cb(ctx, &m, 1);
        if (mst == TG_ERR_FORMAT)
            tg_errf(err, errlen, "damaged at member %u (%s): %s", idx + 1, mname,
                    archive_error_string(a) ? archive_error_string(a) : "no reason given");
        free(mname);
        if (mst == TG_ERR_LIMIT && budget.stop) {
            st = TG_ERR_LIMIT; /* err already says which limit */
            break;
        }
        if (mst == TG_ERR_FORMAT) {
            st = TG_ERR_FORMAT;
            break;
        }
        if (mst == TG_ERR_IO) {
            tg_errf(err, errlen, "%s", reason);
            st = TG_ERR_IO;
            break;
        }
        if (stop)
            break;
    }
    free(buf);
    archive_read_free(a);
    res->cpu = cpu_now() - budget.cpu0;
    return st;
}

/* ==== Package parts ======================================================== */

tg_status_t tg_bundle_read_parts(const char *path, size_t max_member, size_t max_total,
                                 tg_part_pick_fn pick, tg_part_got_fn got, void *ctx, char *err,
                                 size_t errlen)
{
    struct archive *a = archive_read_new();
    if (!a)
        tg_oom();
    archive_read_support_format_zip(a);
    if (archive_read_open_filename(a, path, BLOCK) != ARCHIVE_OK) {
        tg_errf(err, errlen, "not a zip package: %s",
                archive_error_string(a) ? archive_error_string(a) : "unreadable");
        archive_read_free(a);
        return TG_ERR_FORMAT;
    }
    tg_status_t st = TG_OK;
    size_t total = 0;
    tg_buf_t b;
    tg_buf_init(&b, max_member);
    char *buf = tg_xmalloc(BLOCK);
    struct archive_entry *e;
    for (unsigned idx = 0;; idx++) {
        int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF)
            break;
        if (r == ARCHIVE_RETRY)
            continue;
        if (r < ARCHIVE_WARN) {
            const char *why = archive_error_string(a) ? archive_error_string(a) : "damaged";
            if (idx)
                tg_errf(err, errlen, "damaged zip package (after %u parts): %s", idx, why);
            else
                tg_errf(err, errlen, "not a zip package: %s", why);
            st = TG_ERR_FORMAT;
            break;
        }
        const char *name = archive_entry_pathname_utf8(e);
        if (!name)
            name = archive_entry_pathname(e);
        if (!name || archive_entry_filetype(e) != AE_IFREG || !pick(ctx, name))
            continue;
        if (archive_entry_is_data_encrypted(e)) {
            tg_errf(err, errlen, "encrypted package: %s needs a password", name);
            st = TG_ERR_ENCRYPTED;
            break;
        }
        char *pname = tg_xstrdup(name);
        tg_buf_reset(&b);
        int ok = 1;
        for (;;) {
            la_ssize_t n = archive_read_data(a, buf, BLOCK);
            if (n == 0)
                break;
            if (n < 0 || tg_buf_add(&b, buf, (size_t)n)) {
                ok = 0;
                break;
            }
            total += (size_t)n;
            if (total > max_total) {
                ok = 0;
                st = TG_ERR_LIMIT;
                tg_errf(err, errlen, "package parts expand to more than %zu MB", max_total >> 20);
                break;
            }
        }
        if (st) {
            free(pname);
            break;
        }
        got(ctx, pname, ok ? tg_buf_str(&b) : NULL, ok ? b.len : 0);
        free(pname);
    }
    free(buf);
    tg_buf_free(&b);
    archive_read_free(a);
    return st;
}
