/* BagIt writer (see bagit.h).
 *
 * Relies on hash.c for SHA-256; originals come as descriptors the search
 * library opened (with O_NOFOLLOW), so that what may be exported is decided
 * there.  Opens everything it writes with O_CREAT | O_EXCL | O_NOFOLLOW
 * relative to the bag's folder descriptor, so an existing file or link is
 * never written through. */
#define _GNU_SOURCE
#include "bagit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "hash.h"
#include "text.h"
#include "util.h"

#ifndef TG_VERSION
#define TG_VERSION "0.1"
#endif

#define MAX_NAME 200

struct tg_bag {
    int dfd;           /* the bag folder */
    int datafd;        /* its data/ folder */
    tg_buf_t manifest; /* manifest-sha256.txt */
    tg_buf_t tags;     /* tagmanifest lines of tag files written so far */
    uint64_t octets;   /* payload bytes */
    uint64_t files;    /* payload files */
};

/* ==== Names ================================================================ */

static int reserved_on_windows(const char *s, size_t stem)
{
    static const char *const names[] = {"con",  "prn",  "aux",  "nul",  "com1", "com2",
                                        "com3", "com4", "lpt1", "lpt2", "lpt3"};
    for (size_t i = 0; i < TG_ARRAY_LEN(names); i++) {
        size_t n = strlen(names[i]);
        if (stem != n)
            continue;
        size_t k = 0;
        while (k < n && (s[k] | 0x20) == names[i][k])
            k++;
        if (k == n)
            return 1;
    }
    return 0;
}

char *tg_bag_safe_name(const char *name)
{
    char *c = tg_utf8_clean(name, strlen(name));
    for (char *p = c; *p; p++) {
        unsigned char u = (unsigned char)*p;
        if (u < 0x20 || u == 0x7F || strchr("/\\:*?\"<>|%", *p))
            *p = '_';
    }
    /* no trailing dots or spaces (Windows drops them) */
    size_t len = strlen(c);
    while (len > 0 && (c[len - 1] == '.' || c[len - 1] == ' '))
        c[--len] = '\0';
    if (c[0] == '.' || c[0] == '-')
        c[0] = '_';
    if (len > MAX_NAME) {
        const char *dot = strrchr(c, '.');
        size_t ext = dot && strlen(dot) <= 16 ? strlen(dot) : 0;
        size_t keep = MAX_NAME - ext;
        while (keep > 0 && ((unsigned char)c[keep] & 0xC0) == 0x80)
            keep--; /* not inside a character */
        memmove(c + keep, c + len - ext, ext + 1);
        len = keep + ext;
    }
    const char *dot = strchr(c, '.');
    if (len == 0) {
        free(c);
        return tg_xstrdup("original");
    }
    if (reserved_on_windows(c, dot ? (size_t)(dot - c) : len)) {
        char *r = tg_xasprintf("_%s", c);
        free(c);
        return r;
    }
    return c;
}

/* ==== Writing =============================================================== */

tg_status_t tg_bag_create(const char *dir, tg_bag_t **out, char *err, size_t errlen)
{
    *out = NULL;
    struct stat sb;
    if (lstat(dir, &sb) == 0) {
        if (S_ISLNK(sb.st_mode)) {
            tg_errf(err, errlen, "%s is a symbolic link; refusing to write through it", dir);
            return TG_ERR_INVALID;
        }
        if (!S_ISDIR(sb.st_mode)) {
            tg_errf(err, errlen, "%s exists and is not a folder", dir);
            return TG_ERR_INVALID;
        }
    } else if (errno != ENOENT || mkdir(dir, 0700) != 0) {
        tg_errf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
        return TG_ERR_IO;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) {
        tg_errf(err, errlen, "cannot open %s: %s", dir, strerror(errno));
        return TG_ERR_IO;
    }
    /* empty? (checked on the descriptor we will write through) */
    int probe = dup(dfd);
    DIR *d = probe >= 0 ? fdopendir(probe) : NULL;
    int empty = d != NULL;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            empty = 0;
    if (d)
        closedir(d);
    else if (probe >= 0)
        close(probe);
    if (!empty) {
        close(dfd);
        tg_errf(err, errlen, "%s is not empty; a bag is only written into a new or empty folder",
                dir);
        return TG_ERR_INVALID;
    }
    if (mkdirat(dfd, "data", 0700) != 0) {
        tg_errf(err, errlen, "cannot create %s/data: %s", dir, strerror(errno));
        close(dfd);
        return TG_ERR_IO;
    }
    int datafd = openat(dfd, "data", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (datafd < 0) {
        tg_errf(err, errlen, "cannot open %s/data: %s", dir, strerror(errno));
        close(dfd);
        return TG_ERR_IO;
    }
    tg_bag_t *b = tg_xcalloc(1, sizeof *b);
    b->dfd = dfd;
    b->datafd = datafd;
    tg_buf_init(&b->manifest, (size_t)-1);
    tg_buf_init(&b->tags, (size_t)-1);
    *out = b;
    return TG_OK;
}

void tg_bag_free(tg_bag_t *b)
{
    if (!b)
        return;
    close(b->datafd);
    close(b->dfd);
    tg_buf_free(&b->manifest);
    tg_buf_free(&b->tags);
    free(b);
}

tg_status_t tg_bag_add_original(tg_bag_t *b, int in, const char *sha, const char *name,
                                char **bag_path, char *err, size_t errlen)
{
    if (bag_path)
        *bag_path = NULL;
    if (!tg_sha256_valid(sha)) {
        tg_errf(err, errlen, "'%.70s' is not a SHA-256", sha);
        return TG_ERR_INVALID;
    }
    char *safe = tg_bag_safe_name(name);
    tg_status_t st = TG_OK;
    int sub = -1, out = -1;
    if (mkdirat(b->datafd, sha, 0700) != 0 ||
        (sub = openat(b->datafd, sha, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
        (out = openat(sub, safe, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) {
        tg_errf(err, errlen, "cannot write data/%s/%s: %s", sha, safe, strerror(errno));
        st = TG_ERR_IO;
        goto out;
    }
    tg_sha256_t h;
    tg_sha256_init(&h);
    char buf[128 * 1024];
    uint64_t size = 0;
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            tg_errf(err, errlen, "cannot read the original %s: %s", sha, strerror(errno));
            st = TG_ERR_IO;
            goto out;
        }
        if (n == 0)
            break;
        tg_sha256_update(&h, buf, (size_t)n);
        size += (uint64_t)n;
        if (tg_write_all(out, buf, (size_t)n)) {
            tg_errf(err, errlen, "cannot write data/%s/%s: %s", sha, safe, strerror(errno));
            st = TG_ERR_IO;
            goto out;
        }
    }
    char hex[TG_SHA256_HEX_LEN + 1];
    tg_sha256_final_hex(&h, hex);
    if (strcmp(hex, sha) != 0) {
        tg_errf(err, errlen,
                "the original %s in the store has been altered (its bytes now hash to %s); "
                "run testigo-index --verify",
                sha, hex);
        unlinkat(sub, safe, 0);
        st = TG_ERR_CORRUPT;
        goto out;
    }
    if (close(out)) {
        out = -1;
        tg_errf(err, errlen, "cannot write data/%s/%s: %s", sha, safe, strerror(errno));
        st = TG_ERR_IO;
        goto out;
    }
    out = -1;
    /* safe names hold no '%', CR or LF, so the path needs no encoding */
    tg_buf_addf(&b->manifest, "%s  data/%s/%s\n", sha, sha, safe);
    b->octets += size;
    b->files++;
    if (bag_path)
        *bag_path = tg_xasprintf("data/%s/%s", sha, safe);
out:
    if (out >= 0)
        close(out);
    if (sub >= 0)
        close(sub);
    free(safe);
    return st;
}

tg_status_t tg_bag_add_tagfile(tg_bag_t *b, const char *name, const void *data, size_t len,
                               char *err, size_t errlen)
{
    if (strchr(name, '/') || name[0] == '.' || !name[0]) {
        tg_errf(err, errlen, "'%s' is not a plain file name", name);
        return TG_ERR_INVALID;
    }
    int fd = openat(b->dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 || tg_write_all(fd, data, len) || fsync(fd) || close(fd)) {
        tg_errf(err, errlen, "cannot write %s: %s", name, strerror(errno));
        if (fd >= 0)
            close(fd);
        return TG_ERR_IO;
    }
    char hex[TG_SHA256_HEX_LEN + 1];
    tg_sha256_hex(data, len, hex);
    tg_buf_addf(&b->tags, "%s  %s\n", hex, name);
    return TG_OK;
}

/* A bag-info value on one line. */
static char *one_line(const char *s)
{
    char *c = tg_utf8_clean(s, strlen(s));
    for (char *p = c; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    return c;
}

tg_status_t tg_bag_finish(tg_bag_t *b, const json_t *info, char *err, size_t errlen)
{
    tg_status_t st = tg_bag_add_tagfile(b, "manifest-sha256.txt", tg_buf_str(&b->manifest),
                                        b->manifest.len, err, errlen);
    if (st)
        goto out;
    tg_buf_t bi;
    tg_buf_init(&bi, (size_t)-1);
    char date[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
    tg_buf_addf(&bi, "Bag-Software-Agent: Testigo %s\n", TG_VERSION);
    tg_buf_addf(&bi, "Bagging-Date: %s\n", date);
    tg_buf_addf(&bi, "Payload-Oxum: %llu.%llu\n", (unsigned long long)b->octets,
                (unsigned long long)b->files);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)info, k, v)
    {
        if (!json_is_string(v))
            continue;
        char *label = one_line(k), *value = one_line(json_string_value(v));
        for (char *p = label; *p; p++)
            if (*p == ':' || *p == ' ')
                *p = '-';
        tg_buf_addf(&bi, "%s: %s\n", label, value);
        free(label);
        free(value);
    }
    st = tg_bag_add_tagfile(b, "bag-info.txt", tg_buf_str(&bi), bi.len, err, errlen);
    tg_buf_free(&bi);
    if (st)
        goto out;
    static const char bagit[] = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
    st = tg_bag_add_tagfile(b, "bagit.txt", bagit, sizeof bagit - 1, err, errlen);
    if (st)
        goto out;
    /* the tag manifest lists every tag file but itself */
    tg_buf_t tm_lines = b->tags;
    tg_buf_init(&b->tags, (size_t)-1);
    st = tg_bag_add_tagfile(b, "tagmanifest-sha256.txt", tg_buf_str(&tm_lines), tm_lines.len, err,
                            errlen);
    tg_buf_free(&tm_lines);
    if (st)
        goto out;
    if (syncfs(b->dfd)) {
        tg_errf(err, errlen, "cannot sync the bag: %s", strerror(errno));
        st = TG_ERR_IO;
    }
out:
    tg_bag_free(b);
    return st;
}
