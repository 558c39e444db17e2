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
 * backstop.
 *
 * Names that lie: libarchive hands over a member's name as a C string, so a
 * zip entry stored as "bueno.txt\0.exe" comes out as "bueno.txt" (what some
 * tools show; others extract "bueno.txt\0.exe" or ".exe").  libarchive does
 * not say how long the stored name was, but the zip does: for a zip, the
 * local header of every entry (found through the central directory, as
 * libarchive finds them) is read here first, and when some name holds a
 * NUL, each member libarchive hands over is matched to its header in order,
 * named with its whole stored name ("bueno.txt\x00.exe") and reported. */
#define _GNU_SOURCE
#include "bundle.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>

#include "hash.h"
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

/* The name libarchive gives a member: UTF-8 if it can, else its bytes. */
static const char *entry_name(struct archive_entry *e)
{
    const char *u = archive_entry_pathname_utf8(e);
    return u ? u : archive_entry_pathname(e);
}

/* A member name as UTF-8 (bytes that are not, as \xHH, a NUL as \x00);
 * bounded.  whole (len bytes) is the name as the zip stores it when it
 * holds a NUL, else NULL (libarchive's name is then the name).  *unsafe is
 * set if the raw name would leave the bundle: absolute, a drive letter, or a
 * ".." component (with either slash). */
static char *member_name(struct archive_entry *e, const char *whole, size_t len, int *unsafe)
{
    const char *raw = whole ? whole : entry_name(e);
    *unsafe = 0;
    if (!raw || (!whole && !*raw))
        return tg_xstrdup("(no name)");
    size_t n = whole ? (len < MAX_NAME ? len : MAX_NAME) : strnlen(raw, MAX_NAME);
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

/* ==== Zip names with a NUL ================================================ */

/* One entry's stored name: what libarchive will show of it (the bytes
 * before a NUL) by length and digest, and the whole name only when it holds
 * a NUL, so that a million long names cost little memory. */
typedef struct {
    int ok;                             /* its header could be read */
    size_t cut;                         /* bytes before the first NUL */
    char digest[TG_SHA256_HEX_LEN + 1]; /* of those bytes */
    char *whole;                        /* the whole name if it holds a NUL */
    size_t len;                         /* its length */
} zname_t;

typedef struct {
    zname_t *v; /* every entry's local name, in the order of the file */
    size_t n, next;
} znames_t;

static void znames_free(znames_t *z)
{
    if (!z)
        return;
    for (size_t i = 0; i < z->n; i++)
        free(z->v[i].whole);
    free(z->v);
    free(z);
}

static uint32_t le16(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}
static uint32_t le32(const unsigned char *p)
{
    return le16(p) | le16(p + 2) << 16;
}
static uint64_t le64(const unsigned char *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Reads a zip's headers through a window of the file: its central
 * directory and its local headers come in file order, so a zip of a
 * hundred thousand small members costs a few hundred reads. */
#define ZWIN (128 * 1024) /* holds the largest piece asked for (64 KB) */

typedef struct {
    int fd;
    unsigned char *buf;
    uint64_t base; /* file offset of buf[0] */
    size_t len;    /* bytes in buf */
} zreader_t;

/* n bytes at off, or NULL past the end of the file. */
static const unsigned char *zwin(zreader_t *r, uint64_t off, size_t n)
{
    if (off >= r->base && off - r->base <= r->len && n <= r->len - (off - r->base))
        return r->buf + (off - r->base);
    if (n > ZWIN || off > (uint64_t)INT64_MAX)
        return NULL;
    ssize_t got;
    do
        got = pread(r->fd, r->buf, ZWIN, (off_t)off);
    while (got < 0 && errno == EINTR);
    r->base = off;
    r->len = got > 0 ? (size_t)got : 0;
    return r->len >= n ? r->buf : NULL;
}

static int by_offset(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The local header offsets of a zip's entries (ascending, at most max),
 * from its central directory; NULL when there is none to read (not a zip,
 * damaged: libarchive will say). */
static uint64_t *zip_offsets(zreader_t *r, uint64_t max, size_t *count)
{
    *count = 0;
    struct stat sb;
    if (fstat(r->fd, &sb) || sb.st_size < 22)
        return NULL;
    uint64_t size = (uint64_t)sb.st_size;
    size_t tail = size < 65557 ? (size_t)size : 65557;
    const unsigned char *t = zwin(r, size - tail, tail);
    uint64_t *offs = NULL;
    if (!t)
        return NULL;
    size_t e = tail - 22 + 1;
    while (e-- > 0 && memcmp(t + e, "PK\5\6", 4))
        ;
    if (e == (size_t)-1)
        return NULL;
    uint64_t eocd = size - tail + e, entries = le16(t + e + 10);
    uint64_t cd_size = le32(t + e + 12), cd_off = le32(t + e + 16), end = eocd;
    if ((entries == 0xFFFF || cd_size == 0xFFFFFFFF || cd_off == 0xFFFFFFFF) && e >= 20 &&
        !memcmp(t + e - 20, "PK\6\7", 4)) {
        uint64_t at = le64(t + e - 20 + 8);
        const unsigned char *z = zwin(r, at, 56);
        if (!z || memcmp(z, "PK\6\6", 4))
            return NULL;
        entries = le64(z + 32);
        cd_size = le64(z + 40);
        cd_off = le64(z + 48);
        end = at;
    }
    /* a self-extracting zip has bytes before it: offsets count from the
     * zip's own start, which is where the directory really is less where
     * it says it is */
    if (cd_size > end || end - cd_size < cd_off)
        return NULL;
    uint64_t delta = end - cd_size - cd_off;
    if (entries > max)
        entries = max;
    offs = tg_xmalloc((size_t)(entries ? entries : 1) * sizeof *offs);
    uint64_t at = cd_off + delta;
    size_t n = 0;
    for (; n < entries; n++) {
        const unsigned char *h = zwin(r, at, 46);
        if (!h || memcmp(h, "PK\1\2", 4))
            break;
        uint32_t nl = le16(h + 28), xl = le16(h + 30), cl = le16(h + 32);
        uint64_t off = le32(h + 42);
        int z64 = off == 0xFFFFFFFF;
        uint32_t skip = (le32(h + 24) == 0xFFFFFFFF ? 8 : 0) + (le32(h + 20) == 0xFFFFFFFF ? 8 : 0);
        const unsigned char *x = z64 && xl ? zwin(r, at + 46 + nl, xl) : NULL;
        for (uint32_t k = 0; x && k + 4 <= xl;) { /* the zip64 extra field */
            uint32_t id = le16(x + k), sz = le16(x + k + 2);
            if (id == 1 && k + 4 + sz <= xl) {
                if (skip + 8 <= sz)
                    off = le64(x + k + 4 + skip);
                break;
            }
            k += 4 + sz;
        }
        offs[n] = off + delta;
        at += 46 + (uint64_t)nl + xl + cl;
    }
    qsort(offs, n, sizeof *offs, by_offset);
    *count = n;
    if (!n) {
        free(offs);
        offs = NULL;
    }
    return offs;
}

/* The stored names of a zip's entries, when one of them holds a NUL byte;
 * else NULL (the usual case: nothing is kept). */
static znames_t *zip_names(const char *path, uint64_t max)
{
    zreader_t r = {.fd = open(path, O_RDONLY | O_CLOEXEC)};
    if (r.fd < 0)
        return NULL;
    r.buf = tg_xmalloc(ZWIN);
    size_t n = 0;
    uint64_t *offs = zip_offsets(&r, max, &n);
    znames_t *z = NULL;
    int nul = 0;
    for (int pass = 0; pass < 2 && offs; pass++) {
        if (pass == 1) {
            if (!nul)
                break;
            z = tg_xcalloc(1, sizeof *z);
            z->v = tg_xcalloc(n, sizeof *z->v);
            z->n = n;
        }
        for (size_t i = 0; i < n; i++) {
            const unsigned char *h = zwin(&r, offs[i], 30);
            if (!h || memcmp(h, "PK\3\4", 4))
                continue;
            size_t len = le16(h + 26);
            const char *name = (const char *)zwin(&r, offs[i] + 30, len);
            if (!name)
                continue;
            size_t cut = strnlen(name, len);
            if (cut < len)
                nul = 1;
            if (pass == 1) {
                zname_t *e = &z->v[i];
                e->ok = 1;
                e->cut = cut;
                tg_sha256_hex(name, cut, e->digest);
                if (cut < len) {
                    e->whole = tg_xmalloc(len + 1);
                    memcpy(e->whole, name, len);
                    e->whole[len] = '\0';
                    e->len = len;
                }
            }
        }
    }
    free(offs);
    free(r.buf);
    close(r.fd);
    return z;
}

/* The whole stored name of the member libarchive calls `shown`, when it
 * holds a NUL (*len its length), else NULL.  Entries come in the order of
 * the file; a few may be passed over (entries libarchive merges or whose
 * names it converts), so the next few are looked at. */
static const char *zip_whole_name(znames_t *z, const char *shown, size_t *len)
{
    if (!z || !shown)
        return NULL;
    size_t sl = strlen(shown);
    char digest[TG_SHA256_HEX_LEN + 1];
    tg_sha256_hex(shown, sl, digest);
    for (size_t k = z->next; k < z->n && k < z->next + 64; k++) {
        zname_t *e = &z->v[k];
        if (!e->ok || e->cut != sl || strcmp(e->digest, digest))
            continue;
        z->next = k + 1;
        if (!e->whole)
            return NULL; /* no NUL in it */
        *len = e->len;
        return e->whole;
    }
    return NULL;
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
    znames_t *znames = NULL; /* a zip's stored names, when one holds a NUL */
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
        if (idx == 0 && archive_format(a) == ARCHIVE_FORMAT_ZIP)
            znames = zip_names(path, lim->max_members + 16);
        size_t wlen = 0;
        const char *whole = raw ? NULL : zip_whole_name(znames, entry_name(e), &wlen);
        int unsafe = 0;
        char *mname = raw ? raw_member_name(name) : member_name(e, whole, wlen, &unsafe);
        tg_member_t m = {.index = idx, .name = mname};
        char warning[MAX_NAME + 256];
        if (whole) {
            char *cut = member_name(e, NULL, 0, &(int){0});
            tg_errf(warning, sizeof warning,
                    "member %u's name holds a NUL byte: it is '%s', which tools that stop at the "
                    "NUL show as '%s'",
                    idx + 1, mname, cut);
            free(cut);
            m.warning = warning;
        }
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
    znames_free(znames);
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
