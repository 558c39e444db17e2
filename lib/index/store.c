/* The archive folder and its content-addressed store (see store.h).
 *
 * Every file is written without a name (O_TMPFILE, in the folder it will
 * live in or, for an original whose digest is not known until it is all
 * read, in store/) and linked under its name once complete, so the store
 * never holds a partial file under a digest name and a crash leaves nothing
 * behind (the kernel frees an unnamed file).  A name already taken is
 * replaced, as a rename would (name_unnamed says why).  Where
 * O_TMPFILE is not supported (some file systems, old kernels), files are
 * written under tmp/ and renamed into place instead.  Either way no file
 * gets its name before all its bytes are written.  The archive may hold
 * material that endangers witnesses: folders are created 0700 and
 * originals are made read-only.
 *
 * Why not tmp/ and a rename every time: two workers creating and renaming
 * a file per document in the same tmp/ folder contend for its lock, and
 * each file cost a directory entry it did not need; storing 3,000 small
 * files took 207 ms of system time that way against 162 ms unnamed
 * (medians of 5, issue 16).
 *
 * Durability (docs/architecture.md, "Durability"): the indexer names the
 * contents a commit will refer to, and tg_store_sync makes exactly their
 * files durable, then the folders holding their names, before the commit.
 * Each fsync on a virtual disk costs a cache flush of about 2 ms, most of it
 * waiting: one at a time, 250 files and their folders would take a second
 * per commit, so a few threads issue them together and the block layer
 * merges the flushes they ask for (about the wall time of one syncfs, which
 * instead writes back every dirty page of the whole file system). */
#define _GNU_SOURCE
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define MARKER      "testigo.json"
#define MARKER_TEXT "{\"testigo_archive\": 1}\n"

/* Contents named before a sync is made at once (without commits, say a
 * run of thousands of files whose copies are all known, the list would
 * otherwise grow with the run; syncing early is harmless). */
#define NOTED_MAX 16384

/* Contents named before they are handed to the background syncer
 * (tg_store_sync_ahead).  Each chunk's fdatasyncs are issued together and
 * share the disk's flushes; a larger chunk leaves more for the commit to
 * wait for. */
#define SYNC_CHUNK 64

/* A list of digests. */
typedef struct {
    char (*v)[TG_SHA256_HEX_LEN + 1];
    size_t n, cap;
} sha_list_t;

/* Bytes copied per read into the store. */
#define COPY_CHUNK (128 * 1024)

struct tg_store {
    char *dir;
    char *index_dir;
    char *log_path;
    char *store_dir;                /* ARCHIVE/store: unnamed originals are made here */
    int no_tmpfile;                 /* O_TMPFILE unusable here: write through tmp/ */
    char *copybuf;                  /* reused by every copy: no allocation per file */
    sha_list_t noted;               /* named, not yet synced nor handed off (<= NOTED_MAX) */
    size_t n_named;                 /* named since the last tg_store_sync */
    unsigned char folders[256 / 8]; /* the ab/ folders named since then, one bit each */
    int ahead;                      /* tg_store_sync_ahead: chunks synced in the background */
    /* the background syncer: one thread, started by the first chunk */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t bg;
    int bg_state;           /* 0 not started, 1 running, -1 could not start */
    int bg_busy;            /* it holds bg_list */
    int bg_stop;            /* the store is closing */
    sha_list_t bg_list;     /* the chunk it syncs */
    int sync_errno;         /* a sync that cannot be repeated failed: every later one fails */
    struct sync_pool *pool; /* the threads that help sync a list, NULL until needed */
};

static void pool_free(struct sync_pool *p);

struct tg_store_writer {
    tg_store_t *store;
    char *tmp_path; /* under tmp/; NULL for an unnamed file (O_TMPFILE) */
    int fd;
    uint64_t size;
    tg_sha256_t hash;
};

static int mkdir_if_missing(const char *path)
{
    if (mkdir(path, 0700) == 0 || errno == EEXIST)
        return 0;
    return -1;
}

static int is_empty_dir(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return 0;
    struct dirent *e;
    int empty = 1;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            empty = 0;
            break;
        }
    }
    closedir(d);
    return empty;
}

/* fsync (a folder) or fdatasync (a file) of path; a missing path is
 * nothing to sync. */
static int sync_path(const char *path, int is_dir)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | (is_dir ? O_DIRECTORY : 0));
    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    int r = is_dir ? fsync(fd) : fdatasync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return r;
}

/* fsync of the folder holding path (".." of a folder path). */
static int sync_parent(const char *path)
{
    char *p = tg_xasprintf("%s/..", path);
    int r = sync_path(p, 1);
    free(p);
    return r;
}

tg_status_t tg_store_open(const char *dir, int create, tg_store_t **out, char *err, size_t errlen)
{
    *out = NULL;
    char *marker = tg_xasprintf("%s/%s", dir, MARKER);
    tg_status_t st = TG_OK;
    struct stat sb;
    int have_marker = stat(marker, &sb) == 0;

    if (!have_marker) {
        if (!create) {
            tg_errf(err, errlen, "%s is not a Testigo archive (no %s)", dir, MARKER);
            st = TG_ERR_NOTFOUND;
            goto out;
        }
        if (stat(dir, &sb) == 0 && !(S_ISDIR(sb.st_mode) && is_empty_dir(dir))) {
            tg_errf(err, errlen,
                    "%s exists and is not an empty folder or a Testigo archive; "
                    "refusing to write into it",
                    dir);
            st = TG_ERR_INVALID;
            goto out;
        }
        if (mkdir_if_missing(dir)) {
            tg_errf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
            st = TG_ERR_IO;
            goto out;
        }
        FILE *f = fopen(marker, "wx");
        if (!f || fputs(MARKER_TEXT, f) == EOF || fflush(f) == EOF || fdatasync(fileno(f)) ||
            fclose(f) == EOF) {
            tg_errf(err, errlen, "cannot write %s: %s", marker, strerror(errno));
            st = TG_ERR_IO;
            goto out;
        }
    }
    if (create) {
        static const char *const sub[] = {"store", "text", "ocr", "log", "tmp", "index"};
        for (size_t i = 0; i < TG_ARRAY_LEN(sub); i++) {
            char *p = tg_xasprintf("%s/%s", dir, sub[i]);
            int r = mkdir_if_missing(p);
            free(p);
            if (r) {
                tg_errf(err, errlen, "cannot create %s/%s: %s", dir, sub[i], strerror(errno));
                st = TG_ERR_IO;
                goto out;
            }
        }
        /* the new folders' names, and the archive's in its parent, durable
         * before anything is committed in them */
        if (sync_path(dir, 1) || sync_parent(dir)) {
            tg_errf(err, errlen, "cannot sync %s: %s", dir, strerror(errno));
            st = TG_ERR_IO;
            goto out;
        }
    }
    tg_store_t *s = tg_xcalloc(1, sizeof *s);
    s->dir = tg_xstrdup(dir);
    s->index_dir = tg_xasprintf("%s/index", dir);
    s->log_path = tg_xasprintf("%s/log/ingest.jsonl", dir);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    s->store_dir = tg_xasprintf("%s/store", dir);
    /* an unnamed file is linked through its /proc/self/fd entry (linkat
     * with AT_EMPTY_PATH would need CAP_DAC_READ_SEARCH) */
    s->no_tmpfile = access("/proc/self/fd", X_OK) != 0;
    *out = s;
out:
    free(marker);
    return st;
}

void tg_store_close(tg_store_t *s)
{
    if (!s)
        return;
    /* the background syncer first: a chunk in flight (a run that failed
     * closes without a last sync) still reads the store's paths */
    if (s->bg_state == 1) {
        pthread_mutex_lock(&s->mu);
        s->bg_stop = 1;
        pthread_cond_signal(&s->cv);
        pthread_mutex_unlock(&s->mu);
        pthread_join(s->bg, NULL);
    }
    pool_free(s->pool);
    free(s->dir);
    free(s->index_dir);
    free(s->log_path);
    free(s->store_dir);
    free(s->copybuf);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s->noted.v);
    free(s->bg_list.v);
    free(s);
}

const char *tg_store_dir(const tg_store_t *s)
{
    return s->dir;
}

const char *tg_store_index_dir(const tg_store_t *s)
{
    return s->index_dir;
}

const char *tg_store_log_path(const tg_store_t *s)
{
    return s->log_path;
}

char *tg_store_path(const tg_store_t *s, const char *sha)
{
    return tg_xasprintf("%s/store/%.2s/%s", s->dir, sha, sha);
}

char *tg_store_text_path(const tg_store_t *s, const char *sha)
{
    return tg_xasprintf("%s/text/%.2s/%s.txt", s->dir, sha, sha);
}

int tg_store_has(const tg_store_t *s, const char *sha)
{
    char *p = tg_store_path(s, sha);
    int r = access(p, F_OK) == 0;
    free(p);
    return r;
}

/* Creates the missing parent folders of path, a file below the archive
 * folder (only the levels below the archive folder itself). */
static int make_parents(const tg_store_t *s, const char *path)
{
    char *p = tg_xstrdup(path);
    int r = 0;
    for (char *q = strchr(p + strlen(s->dir) + 1, '/'); q; q = strchr(q + 1, '/')) {
        *q = '\0';
        if (mkdir_if_missing(p))
            r = -1;
        *q = '/';
    }
    free(p);
    return r;
}

/* A name under tmp/, unique per process and counter (a leftover of a
 * killed process with the same number is skipped by the callers). */
static char *tmp_name(const tg_store_t *s)
{
    static unsigned long counter;
    return tg_xasprintf("%s/tmp/in-%ld-%lu", s->dir, (long)getpid(), ++counter);
}

/* Creates a new file under tmp/ with its final mode (the store's files
 * are read-only from birth, which saves a chmod per file). */
static int make_tmp(tg_store_t *s, mode_t mode, char **path)
{
    for (int tries = 0; tries < 100; tries++) {
        *path = tmp_name(s);
        int fd = open(*path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (fd >= 0)
            return fd;
        int e = errno;
        free(*path);
        *path = NULL;
        if (e != EEXIST)
            return -1;
    }
    return -1;
}

/* Moves tmp into place as dest.  If dest exists it has the same content
 * (names are digests), and the rename replaces it atomically.  Parent
 * folders are made only when missing, not tried for every file. */
static tg_status_t install(const tg_store_t *s, const char *tmp, const char *dest)
{
    if (rename(tmp, dest) == 0)
        return TG_OK;
    if (errno == ENOENT && make_parents(s, dest) == 0 && rename(tmp, dest) == 0)
        return TG_OK;
    int e = errno;
    unlink(tmp);
    errno = e;
    return TG_ERR_IO;
}

/* Opens a new file without a name in the folder dir, with its final mode;
 * name_unnamed names it.  -1 with errno (ENOENT: dir is missing).  A file
 * system or kernel without O_TMPFILE (EOPNOTSUPP; EISDIR or EINVAL from
 * kernels that predate it) turns it off for the store: s->no_tmpfile. */
static int open_unnamed(tg_store_t *s, const char *dir, mode_t mode)
{
    if (s->no_tmpfile) {
        errno = EOPNOTSUPP;
        return -1;
    }
    int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
    if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
        s->no_tmpfile = 1;
        errno = EOPNOTSUPP;
    }
    return fd;
}

/* linkat of the unnamed file fd as path. */
static int link_fd(int fd, const char *path)
{
    char self[32];
    snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
    return linkat(AT_FDCWD, self, AT_FDCWD, path, AT_SYMLINK_FOLLOW);
}

/* Gives the unnamed file fd, all written, the name dest, making dest's
 * missing folders, and closes fd.  An existing dest is replaced, as a
 * rename would: an original already there may be a copy that was never
 * synced (a power cut after it was written, before the commit that would
 * have named it), so keeping it instead of the fresh copy could commit a
 * damaged original; a text may be extracted again.  The replacement goes
 * through a name under tmp/ (link, then rename over dest), which only a
 * content already in the store pays. */
static tg_status_t name_unnamed(const tg_store_t *s, int fd, const char *dest)
{
    tg_status_t st = TG_OK;
    char *tmp = NULL;
    if (link_fd(fd, dest) == 0 ||
        (errno == ENOENT && make_parents(s, dest) == 0 && link_fd(fd, dest) == 0))
        goto out;
    for (int tries = 0; errno == EEXIST && tries < 100; tries++) {
        free(tmp);
        tmp = tmp_name(s);
        if (link_fd(fd, tmp) == 0) {
            st = install(s, tmp, dest);
            goto out;
        }
    }
    st = TG_ERR_IO;
out:;
    int e = errno;
    if (close(fd) && st == TG_OK) {
        e = errno; /* not reached on a local file system: the name goes */
        unlink(dest);
        st = TG_ERR_IO;
    }
    free(tmp);
    errno = e;
    return st;
}

tg_status_t tg_store_writer_new(tg_store_t *s, tg_store_writer_t **out, char *err, size_t errlen)
{
    *out = NULL;
    tg_store_writer_t *w = tg_xcalloc(1, sizeof *w);
    w->store = s;
    w->fd = open_unnamed(s, s->store_dir, 0444);
    if (w->fd < 0 && s->no_tmpfile)
        w->fd = make_tmp(s, 0444, &w->tmp_path);
    if (w->fd < 0) {
        tg_errf(err, errlen, "cannot create a file in %s/%s: %s", s->dir,
                s->no_tmpfile ? "tmp" : "store", strerror(errno));
        free(w);
        return TG_ERR_IO;
    }
    tg_sha256_init(&w->hash);
    *out = w;
    return TG_OK;
}

tg_status_t tg_store_writer_add(tg_store_writer_t *w, const void *p, size_t n)
{
    if (tg_write_all(w->fd, p, n))
        return TG_ERR_IO;
    tg_sha256_update(&w->hash, p, n);
    w->size += n;
    return TG_OK;
}

tg_status_t tg_store_writer_finish(tg_store_writer_t *w, char sha[65], uint64_t *size)
{
    tg_sha256_final_hex(&w->hash, sha);
    if (size)
        *size = w->size;
    tg_status_t st = TG_OK;
    char *dest = tg_store_path(w->store, sha);
    if (!w->tmp_path)
        st = name_unnamed(w->store, w->fd, dest);
    else if (close(w->fd)) {
        unlink(w->tmp_path);
        st = TG_ERR_IO;
    } else
        st = install(w->store, w->tmp_path, dest);
    free(dest);
    free(w->tmp_path);
    free(w);
    return st;
}

void tg_store_writer_abort(tg_store_writer_t *w)
{
    if (!w)
        return;
    close(w->fd);
    if (w->tmp_path)
        unlink(w->tmp_path);
    free(w->tmp_path);
    free(w);
}

tg_status_t tg_store_add_fd(tg_store_t *s, int fd, uint64_t max_bytes, char sha[65], uint64_t *size,
                            char *head, size_t head_cap, size_t *head_len, char *err, size_t errlen)
{
    if (head_len)
        *head_len = 0;
    tg_store_writer_t *w;
    tg_status_t st = tg_store_writer_new(s, &w, err, errlen);
    if (st)
        return st;
    if (!s->copybuf)
        s->copybuf = tg_xmalloc(COPY_CHUNK);
    char *buf = s->copybuf;
    for (;;) {
        ssize_t n = read(fd, buf, COPY_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            tg_errf(err, errlen, "read error: %s", strerror(errno));
            st = TG_ERR_IO;
            break;
        }
        if (n == 0)
            break;
        if (w->size + (uint64_t)n > max_bytes) {
            tg_errf(err, errlen, "larger than the %llu MB limit",
                    (unsigned long long)(max_bytes >> 20));
            st = TG_ERR_LIMIT;
            break;
        }
        if (head && head_len && *head_len < head_cap) {
            size_t k = (size_t)n < head_cap - *head_len ? (size_t)n : head_cap - *head_len;
            memcpy(head + *head_len, buf, k);
            *head_len += k;
        }
        if (tg_store_writer_add(w, buf, (size_t)n)) {
            tg_errf(err, errlen, "cannot write to the store: %s", strerror(errno));
            st = TG_ERR_IO;
            break;
        }
    }
    if (st) {
        tg_store_writer_abort(w);
        return st;
    }
    st = tg_store_writer_finish(w, sha, size);
    if (st)
        tg_errf(err, errlen, "cannot move into the store: %s", strerror(errno));
    return st;
}

/* Writes data as dest (replacing any) through a file in tmp/. */
static tg_status_t put_named(tg_store_t *s, const char *dest, const char *data, size_t len)
{
    char *tmp;
    int fd = make_tmp(s, 0400, &tmp);
    if (fd < 0)
        return TG_ERR_IO;
    int bad = tg_write_all(fd, data, len);
    if (close(fd))
        bad = 1;
    tg_status_t st = TG_ERR_IO;
    if (bad)
        unlink(tmp);
    else
        st = install(s, tmp, dest);
    free(tmp);
    return st;
}

/* Writes data as dest (replacing any): an unnamed file in dest's folder
 * (made if missing), named dest; without O_TMPFILE, through tmp/. */
static tg_status_t put_file(tg_store_t *s, const char *dest, const char *data, size_t len)
{
    char *dir = tg_xstrdup(dest);
    *strrchr(dir, '/') = '\0';
    int fd = open_unnamed(s, dir, 0400);
    if (fd < 0 && errno == ENOENT && make_parents(s, dest) == 0)
        fd = open_unnamed(s, dir, 0400);
    free(dir);
    if (fd < 0)
        return s->no_tmpfile ? put_named(s, dest, data, len) : TG_ERR_IO;
    if (tg_write_all(fd, data, len)) {
        int e = errno;
        close(fd);
        errno = e;
        return TG_ERR_IO;
    }
    return name_unnamed(s, fd, dest);
}

/* Reads the file at p into out, up to out's cap. */
static tg_status_t get_file(const char *p, tg_buf_t *out)
{
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? TG_ERR_NOTFOUND : TG_ERR_IO;
    char buf[65536];
    tg_status_t st = TG_OK;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            st = TG_ERR_IO;
            break;
        }
        if (n == 0)
            break;
        if (tg_buf_add(out, buf, (size_t)n)) {
            st = TG_ERR_LIMIT;
            break;
        }
    }
    close(fd);
    return st;
}

/* put_file/get_file on the path made by path_of(s, sha). */
static tg_status_t put_by(tg_store_t *s, char *(*path_of)(const tg_store_t *, const char *),
                          const char *sha, const char *data, size_t len)
{
    char *dest = path_of(s, sha);
    tg_status_t st = put_file(s, dest, data, len);
    free(dest);
    return st;
}

static tg_status_t get_by(const tg_store_t *s, char *(*path_of)(const tg_store_t *, const char *),
                          const char *sha, tg_buf_t *out)
{
    char *p = path_of(s, sha);
    tg_status_t st = get_file(p, out);
    free(p);
    return st;
}

tg_status_t tg_store_put_text(tg_store_t *s, const char *sha, const char *text, size_t len)
{
    /* replace: a re-extraction (new extractor version) may improve the text */
    return put_by(s, tg_store_text_path, sha, text, len);
}

tg_status_t tg_store_get_text(const tg_store_t *s, const char *sha, tg_buf_t *out)
{
    return get_by(s, tg_store_text_path, sha, out);
}

tg_status_t tg_store_get_original(const tg_store_t *s, const char *sha, tg_buf_t *out)
{
    return get_by(s, tg_store_path, sha, out);
}

char *tg_store_ocr_path(const tg_store_t *s, const char *sha)
{
    return tg_xasprintf("%s/ocr/%.2s/%s.json", s->dir, sha, sha);
}

tg_status_t tg_store_put_ocr(tg_store_t *s, const char *sha, const char *data, size_t len)
{
    return put_by(s, tg_store_ocr_path, sha, data, len);
}

tg_status_t tg_store_get_ocr(const tg_store_t *s, const char *sha, tg_buf_t *out)
{
    return get_by(s, tg_store_ocr_path, sha, out);
}

static void list_add(sha_list_t *l, const char *sha)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->v = tg_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    memcpy(l->v[l->n++], sha, TG_SHA256_HEX_LEN + 1);
}

static void *syncer(void *arg);

/* Gives the named contents to the background syncer if it is idle (it is
 * started the first time); otherwise they wait for its next turn, so that
 * when the disk is slow the chunks grow and share their flushes. */
static void hand_off(tg_store_t *s)
{
    pthread_mutex_lock(&s->mu);
    if (!s->bg_busy) {
        if (!s->bg_state)
            s->bg_state = pthread_create(&s->bg, NULL, syncer, s) == 0 ? 1 : -1;
        if (s->bg_state == 1) {
            sha_list_t t = s->bg_list;
            s->bg_list = s->noted;
            s->noted = t;
            s->noted.n = 0;
            s->bg_busy = 1;
            pthread_cond_signal(&s->cv);
        } else {
            s->ahead = 0; /* no thread: everything at tg_store_sync, as without */
        }
    }
    pthread_mutex_unlock(&s->mu);
}

void tg_store_sync_ahead(tg_store_t *s, int on)
{
    s->ahead = on;
}

void tg_store_note(tg_store_t *s, const char *sha)
{
    if (!tg_sha256_valid(sha))
        return;
    /* the common repeat (hashed, then its document) costs nothing while
     * the first is still waiting here; once handed to the syncer, the
     * content is named again, since its text may have been written since */
    if (s->noted.n && !strcmp(s->noted.v[s->noted.n - 1], sha))
        return;
    if (s->noted.n == NOTED_MAX && tg_store_sync(s) != TG_OK) {
        int e = errno ? errno : EIO;
        pthread_mutex_lock(&s->mu);
        if (!s->sync_errno)
            s->sync_errno = e;
        pthread_mutex_unlock(&s->mu);
        s->noted.n = 0; /* the failure is kept instead */
        s->n_named = 0;
    }
    list_add(&s->noted, sha);
    s->n_named++;
    unsigned f = tg_sha256_first_byte(sha); /* its ab/ folder */
    s->folders[f / 8] |= (unsigned char)(1u << f % 8);
    if (s->ahead && s->noted.n >= SYNC_CHUNK)
        hand_off(s);
}

size_t tg_store_noted(const tg_store_t *s)
{
    return s->n_named;
}

/* A list of paths synced by several threads, each taking the next. */
typedef struct {
    char **paths;
    size_t n;
    int dirs; /* fsync folders, else fdatasync files */
    atomic_size_t next;
    atomic_int err; /* errno of the first failure, 0 if none */
} sync_list_t;

/* The threads that help the caller of sync_list, started as lists first
 * need them and kept until the store closes: creating up to 15 threads for
 * each list (a chunk of 64 contents, then its folders) cost about 2% of an
 * ingest's CPU in clone3, mmap and munmap (perf, 3,400 text files).  A
 * list is offered as tokens, one per helper wanted; each helper takes one,
 * syncs from the list until it is done, and reports; the caller waits for
 * every token taken before it returns, so a helper never sees a list that
 * is gone.  One list at a time: `use` is held by sync_list's caller. */
struct sync_pool {
    pthread_mutex_t use;
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    pthread_t th[TG_STORE_SYNC_THREADS - 1];
    size_t started;
    sync_list_t *list; /* the list on offer */
    size_t tokens;     /* helpers still to start on it */
    size_t busy;       /* helpers that have not finished it */
    int stop;
};

static void *sync_some(void *arg)
{
    sync_list_t *l = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&l->next, 1);
        if (i >= l->n)
            break;
        if (sync_path(l->paths[i], l->dirs)) {
            int zero = 0, e = errno ? errno : EIO;
            atomic_compare_exchange_strong(&l->err, &zero, e);
        }
    }
    return NULL;
}

static void *helper(void *arg)
{
    struct sync_pool *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->tokens && !p->stop)
            pthread_cond_wait(&p->go, &p->mu);
        if (!p->tokens)
            break; /* stopping, with nothing on offer */
        p->tokens--;
        sync_list_t *l = p->list;
        pthread_mutex_unlock(&p->mu);
        sync_some(l);
        pthread_mutex_lock(&p->mu);
        if (--p->busy == 0)
            pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* The store's pool, made by the first list (the background syncer's or
 * the caller's: under the store's lock). */
static struct sync_pool *pool_of(tg_store_t *s)
{
    pthread_mutex_lock(&s->mu);
    if (!s->pool) {
        struct sync_pool *p = tg_xcalloc(1, sizeof *p);
        pthread_mutex_init(&p->use, NULL);
        pthread_mutex_init(&p->mu, NULL);
        pthread_cond_init(&p->go, NULL);
        pthread_cond_init(&p->done, NULL);
        s->pool = p;
    }
    struct sync_pool *p = s->pool;
    pthread_mutex_unlock(&s->mu);
    return p;
}

static void pool_free(struct sync_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    for (size_t i = 0; i < p->started; i++)
        pthread_join(p->th[i], NULL);
    pthread_mutex_destroy(&p->use);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->go);
    pthread_cond_destroy(&p->done);
    free(p);
}

/* Syncs every path of l, TG_STORE_SYNC_THREADS at a time (this thread is
 * one of them, with the pool's helpers; a helper that cannot be started
 * leaves its share to the others).  0, or -1 with errno set. */
static int sync_list(tg_store_t *s, sync_list_t *l)
{
    if (!l->n)
        return 0;
    size_t want = l->n < TG_STORE_SYNC_THREADS ? l->n : TG_STORE_SYNC_THREADS;
    struct sync_pool *p = pool_of(s);
    pthread_mutex_lock(&p->use);
    pthread_mutex_lock(&p->mu);
    while (p->started + 1 < want) {
        /* a helper's stack holds a path and a few frames */
        pthread_attr_t a;
        pthread_attr_init(&a);
        pthread_attr_setstacksize(&a, 256 * 1024);
        int r = pthread_create(&p->th[p->started], &a, helper, p);
        pthread_attr_destroy(&a);
        if (r)
            break;
        p->started++;
    }
    size_t helpers = want - 1 < p->started ? want - 1 : p->started;
    p->list = l;
    p->tokens = p->busy = helpers;
    if (helpers)
        pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    sync_some(l);
    pthread_mutex_lock(&p->mu);
    while (p->busy)
        pthread_cond_wait(&p->done, &p->mu);
    p->list = NULL;
    pthread_mutex_unlock(&p->mu);
    pthread_mutex_unlock(&p->use);
    int e = atomic_load(&l->err);
    if (e) {
        errno = e;
        return -1;
    }
    return 0;
}

static int cmp_sha(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* fdatasync of the files of every content of l (original, text and OCR
 * results: those that exist), many at once.  0, or -1 with errno set. */
static int sync_contents(tg_store_t *s, sha_list_t *l)
{
    if (!l->n)
        return 0; /* l->v may be NULL, which qsort must not be given */
    qsort(l->v, l->n, sizeof *l->v, cmp_sha);
    char **files = tg_xmalloc((3 * l->n + 1) * sizeof *files);
    size_t nf = 0;
    for (size_t i = 0; i < l->n; i++) {
        const char *sha = l->v[i];
        if (i && !strcmp(sha, l->v[i - 1]))
            continue;
        files[nf++] = tg_store_path(s, sha);
        files[nf++] = tg_store_text_path(s, sha);
        files[nf++] = tg_store_ocr_path(s, sha);
    }
    sync_list_t lf = {.paths = files, .n = nf, .dirs = 0};
    int r = sync_list(s, &lf), e = errno;
    for (size_t i = 0; i < nf; i++)
        free(files[i]);
    free(files);
    errno = e;
    return r;
}

/* The background syncer: syncs each chunk handed to it, until the store
 * closes.  A failure is kept: every later tg_store_sync fails (a failed
 * fdatasync may have dropped the data it could not write, so a second try
 * that succeeds would prove nothing). */
static void *syncer(void *arg)
{
    tg_store_t *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (!s->bg_busy && !s->bg_stop)
            pthread_cond_wait(&s->cv, &s->mu);
        if (!s->bg_busy)
            break;
        pthread_mutex_unlock(&s->mu);
        int r = sync_contents(s, &s->bg_list), e = errno ? errno : EIO;
        pthread_mutex_lock(&s->mu);
        if (r && !s->sync_errno)
            s->sync_errno = e;
        s->bg_list.n = 0;
        s->bg_busy = 0;
        pthread_cond_broadcast(&s->cv);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* fsync of each ab/ folder named since the last sync, in the three areas,
 * then of the areas themselves (a new ab/).  0, or -1 with errno set. */
static int sync_folders(tg_store_t *s)
{
    static const char *const area[] = {"store", "text", "ocr"};
    char **dirs = tg_xmalloc((3 * 256 + 3) * sizeof *dirs);
    size_t nd = 0;
    for (unsigned f = 0; f < 256; f++)
        if (s->folders[f / 8] & (1u << f % 8))
            for (size_t a = 0; a < TG_ARRAY_LEN(area); a++)
                dirs[nd++] = tg_xasprintf("%s/%s/%02x", s->dir, area[a], f);
    for (size_t a = 0; a < TG_ARRAY_LEN(area); a++)
        dirs[nd++] = tg_xasprintf("%s/%s", s->dir, area[a]);
    /* the names first, then the names that lead to them */
    sync_list_t ld = {.paths = dirs, .n = nd - TG_ARRAY_LEN(area), .dirs = 1};
    sync_list_t la = {.paths = dirs + ld.n, .n = TG_ARRAY_LEN(area), .dirs = 1};
    int r = sync_list(s, &ld);
    if (!r)
        r = sync_list(s, &la);
    int e = errno;
    for (size_t i = 0; i < nd; i++)
        free(dirs[i]);
    free(dirs);
    errno = e;
    return r;
}

tg_status_t tg_store_sync(tg_store_t *s)
{
    /* what the background syncer holds first: its result decides */
    pthread_mutex_lock(&s->mu);
    while (s->bg_busy)
        pthread_cond_wait(&s->cv, &s->mu);
    int e = s->sync_errno;
    pthread_mutex_unlock(&s->mu);
    if (e) {
        errno = e;
        return TG_ERR_IO;
    }
    if (!s->n_named)
        return TG_OK;
    /* the data first, then the names that lead to it */
    if (sync_contents(s, &s->noted) || sync_folders(s))
        return TG_ERR_IO;
    s->noted.n = 0;
    s->n_named = 0;
    memset(s->folders, 0, sizeof s->folders);
    return TG_OK;
}
