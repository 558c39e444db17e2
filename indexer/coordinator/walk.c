/* Folder walk (see walk.h): an explicit stack of folders, each read whole
 * and sorted so that runs are reproducible (name order, bytewise).
 *
 * Entries are looked at and folders opened relative to their folder's
 * descriptor (fstatat, openat), never by a path: a tree may be deeper than
 * the kernel's PATH_MAX (4096 bytes) and still be walked; the files in it
 * are then opened by tg_open_path.  Only the shallowest FD_KEEP folders of
 * the chain keep their descriptors; deeper ones are opened again (and
 * checked to be the same folder) when the walk comes back to them.  A
 * folder that is its own ancestor (a bind mount of a parent) is reported,
 * not entered again; so is a chain deeper than MAX_DEPTH. */
#define _GNU_SOURCE
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* Folders nested deeper than this are not entered: no collection of
 * documents is 10,000 folders deep (every file's path would be 20 KB). */
#define MAX_DEPTH 10000
/* Descriptors kept open for the folders nearest the root. */
#define FD_KEEP 32
/* push() failures that are not an errno */
#define TOO_DEEP (-1)
#define LOOP     (-2)

typedef struct {
    size_t len;   /* its path is the first len bytes of the walk's dir */
    char **names; /* sorted entries */
    size_t n, next;
    int fd; /* open folder, or -1 (opened again when needed) */
    dev_t dev;
    ino_t ino;
} frame_t;

struct tg_walk {
    char *const *roots;
    int nroots, next_root;
    frame_t *stack;
    size_t depth, cap;
    char *dir; /* the deepest folder's absolute path, NUL-terminated */
    size_t dir_cap;
    char *root_name; /* last component of the current root */
    char *root_path; /* absolute path of the current root folder */
    size_t rel_skip; /* bytes of a path before the name of the root given */
    dev_t skip_dev;
    ino_t skip_ino;
    /* the current entry's strings */
    char *path, *folder, *reason;
};

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void set_str(char **dst, char *s)
{
    free(*dst);
    *dst = s;
}

tg_walk_t *tg_walk_new(char *const *roots, int n, dev_t skip_dev, ino_t skip_ino)
{
    tg_walk_t *w = tg_xcalloc(1, sizeof *w);
    w->roots = roots;
    w->nroots = n;
    w->skip_dev = skip_dev;
    w->skip_ino = skip_ino;
    return w;
}

/* Makes w->dir the first len bytes it holds. */
static void dir_cut(tg_walk_t *w, size_t len)
{
    if (w->dir)
        w->dir[len] = '\0';
}

/* Appends "/name" (just name if dir is "/" or empty) to w->dir. */
static void dir_add(tg_walk_t *w, size_t len, const char *name)
{
    size_t n = strlen(name), need = len + 1 + n + 1;
    if (need > w->dir_cap) {
        w->dir_cap = need * 2;
        w->dir = tg_xrealloc(w->dir, w->dir_cap);
    }
    if (len > 0 && !(len == 1 && w->dir[0] == '/'))
        w->dir[len++] = '/';
    memcpy(w->dir + len, name, n + 1);
}

static void pop(tg_walk_t *w)
{
    frame_t *f = &w->stack[--w->depth];
    for (size_t i = f->next; i < f->n; i++)
        free(f->names[i]);
    free(f->names);
    if (f->fd >= 0)
        close(f->fd);
    dir_cut(w, w->depth ? w->stack[w->depth - 1].len : 0);
}

void tg_walk_free(tg_walk_t *w)
{
    if (!w)
        return;
    while (w->depth > 0)
        pop(w);
    free(w->stack);
    free(w->dir);
    free(w->root_name);
    free(w->root_path);
    free(w->path);
    free(w->folder);
    free(w->reason);
    free(w);
}

/* Opens the folder w->dir names (at: its parent's descriptor, name its
 * name; or at < 0: by its absolute path) as a new frame.  Returns 0, an
 * errno, TOO_DEEP or LOOP. */
static int push(tg_walk_t *w, int at, const char *name)
{
    if (w->depth >= MAX_DEPTH)
        return TOO_DEEP;
    int fd = at >= 0 ? openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                     : tg_open_path(w->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    struct stat sb;
    if (fstat(fd, &sb)) {
        int e = errno;
        close(fd);
        return e;
    }
    for (size_t k = 0; k < w->depth; k++) {
        if (w->stack[k].dev == sb.st_dev && w->stack[k].ino == sb.st_ino) {
            close(fd);
            return LOOP;
        }
    }
    int rd = dup(fd);
    DIR *d = rd >= 0 ? fdopendir(rd) : NULL;
    if (!d) {
        int e = errno;
        if (rd >= 0)
            close(rd);
        close(fd);
        return e;
    }
    if (w->depth == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 16;
        w->stack = tg_xrealloc(w->stack, w->cap * sizeof *w->stack);
    }
    frame_t *f = &w->stack[w->depth];
    memset(f, 0, sizeof *f);
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (f->n == cap) {
            cap = cap ? 2 * cap : 64;
            f->names = tg_xrealloc(f->names, cap * sizeof *f->names);
        }
        f->names[f->n++] = tg_xstrdup(e->d_name);
    }
    closedir(d);
    if (f->n > 1)
        qsort(f->names, f->n, sizeof *f->names, cmp_names);
    f->len = strlen(w->dir);
    f->dev = sb.st_dev;
    f->ino = sb.st_ino;
    f->fd = fd;
    /* past the first FD_KEEP, only the deepest folder stays open */
    if (w->depth > FD_KEEP && w->stack[w->depth - 1].fd >= 0) {
        close(w->stack[w->depth - 1].fd);
        w->stack[w->depth - 1].fd = -1;
    }
    w->depth++;
    return 0;
}

/* The deepest folder's descriptor, opened again if it was closed; -1 with
 * errno set if it cannot be (or is no longer the folder it was). */
static int top_fd(tg_walk_t *w)
{
    frame_t *f = &w->stack[w->depth - 1];
    if (f->fd >= 0)
        return f->fd;
    int fd = tg_open_path(w->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct stat sb;
    if (fd >= 0 && (fstat(fd, &sb) || sb.st_dev != f->dev || sb.st_ino != f->ino)) {
        close(fd);
        errno = ESTALE;
        return -1;
    }
    f->fd = fd;
    return fd;
}

static char *push_error(int err)
{
    if (err == TOO_DEEP)
        return tg_xasprintf("folder nested more than %d levels deep: not read", MAX_DEPTH);
    if (err == LOOP)
        return tg_xstrdup("folder is one of its own parent folders (a bind mount?): not read "
                          "again");
    return tg_xasprintf("cannot read folder: %s", strerror(err));
}

/* The facet folder of a path: root name, plus the first folder below it. */
static char *folder_of(tg_walk_t *w)
{
    if (w->depth >= 2) {
        size_t a = w->stack[0].len, b = w->stack[1].len;
        const char *first = w->dir + a + (a == 1 && w->dir[0] == '/' ? 0 : 1);
        return tg_xasprintf("%s/%.*s", w->root_name, (int)(w->dir + b - first), first);
    }
    return tg_xstrdup(w->root_name);
}

static void fill(tg_walk_t *w, tg_walk_entry_t *e, tg_walk_kind_t kind, char *path, char *reason,
                 const struct stat *sb)
{
    set_str(&w->path, path);
    set_str(&w->reason, reason);
    set_str(&w->folder, folder_of(w));
    e->kind = kind;
    e->path = w->path;
    e->folder = w->folder;
    e->root = w->root_path ? w->root_path : "/";
    /* paths under the root start with the absolute path of what was given */
    e->rel = w->rel_skip && strlen(path) > w->rel_skip ? path + w->rel_skip : path;
    if (e->rel[0] == '/') {
        const char *slash = strrchr(path, '/');
        e->rel = slash && slash[1] ? slash + 1 : "";
    }
    e->reason = w->reason;
    e->size = sb ? (int64_t)sb->st_size : 0;
    e->mtime_ns = sb ? (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec : 0;
}

static const char *type_name(mode_t m)
{
    if (S_ISLNK(m))
        return "symbolic link, not followed";
    if (S_ISFIFO(m))
        return "named pipe, not a file";
    if (S_ISSOCK(m))
        return "socket, not a file";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "device, not a file";
    return "not a regular file";
}

static int next_root(tg_walk_t *w, tg_walk_entry_t *e)
{
    const char *arg = w->roots[w->next_root++];
    char *abs = realpath(arg, NULL);
    struct stat sb;
    free(w->root_name);
    w->root_name = NULL;
    free(w->root_path);
    w->root_path = NULL;
    w->rel_skip = 0;
    if (!abs || stat(abs, &sb)) {
        int err = errno;
        w->root_name = tg_xstrdup(arg);
        fill(w, e, TG_WALK_ERROR, tg_xstrdup(arg), tg_xasprintf("cannot read: %s", strerror(err)),
             NULL);
        free(abs);
        return 1;
    }
    /* shown beyond the operator from the name of what was given on */
    w->rel_skip = (size_t)(strrchr(abs, '/') - abs) + 1;
    if (S_ISDIR(sb.st_mode)) {
        const char *slash = strrchr(abs, '/');
        w->root_name = tg_xstrdup(slash && slash[1] ? slash + 1 : abs);
        w->root_path = tg_xstrdup(abs);
        if (sb.st_dev == w->skip_dev && sb.st_ino == w->skip_ino) {
            fill(w, e, TG_WALK_SKIP, abs, tg_xstrdup("the archive folder itself"), NULL);
            return 1;
        }
        dir_cut(w, 0);
        dir_add(w, 0, abs);
        int err = push(w, -1, NULL);
        if (err) {
            fill(w, e, TG_WALK_ERROR, abs, push_error(err), NULL);
            return 1;
        }
        free(abs);
        return 0; /* nothing to report yet: the caller goes on walking */
    }
    /* a file named directly: its folder is its parent's name */
    char *parent = tg_xstrdup(abs);
    char *slash = strrchr(parent, '/');
    if (slash)
        *slash = '\0';
    const char *pn = strrchr(parent, '/');
    w->root_name = tg_xstrdup(pn && pn[1] ? pn + 1 : "/");
    w->root_path = parent[0] ? parent : tg_xstrdup("/");
    if (!parent[0])
        free(parent);
    if (S_ISREG(sb.st_mode))
        fill(w, e, TG_WALK_FILE, abs, NULL, &sb);
    else
        fill(w, e, TG_WALK_SKIP, abs, tg_xstrdup(type_name(sb.st_mode)), &sb);
    return 1;
}

int tg_walk_next(tg_walk_t *w, tg_walk_entry_t *e)
{
    for (;;) {
        if (w->depth == 0) {
            if (w->next_root >= w->nroots)
                return 0;
            if (next_root(w, e))
                return 1;
            continue;
        }
        frame_t *f = &w->stack[w->depth - 1];
        if (f->next >= f->n) {
            pop(w);
            continue;
        }
        int fd = top_fd(w);
        if (fd < 0) {
            /* the folder went away (or was swapped) since it was listed */
            fill(w, e, TG_WALK_ERROR, tg_xstrdup(w->dir),
                 tg_xasprintf("cannot read folder: %s", strerror(errno)), NULL);
            pop(w);
            return 1;
        }
        char *name = f->names[f->next++];
        size_t flen = f->len; /* f moves if push() grows the stack */
        dir_add(w, flen, name);
        char *path = tg_xstrdup(w->dir);
        struct stat sb;
        if (fstatat(fd, name, &sb, AT_SYMLINK_NOFOLLOW)) {
            dir_cut(w, f->len);
            fill(w, e, TG_WALK_ERROR, path, tg_xasprintf("cannot read: %s", strerror(errno)), NULL);
            free(name);
            return 1;
        }
        if (S_ISDIR(sb.st_mode)) {
            if (sb.st_dev == w->skip_dev && sb.st_ino == w->skip_ino) {
                dir_cut(w, f->len);
                fill(w, e, TG_WALK_SKIP, path, tg_xstrdup("the archive folder itself"), NULL);
                free(name);
                return 1;
            }
            int err = push(w, fd, name);
            free(name);
            if (err) {
                dir_cut(w, flen);
                fill(w, e, TG_WALK_ERROR, path, push_error(err), NULL);
                return 1;
            }
            free(path);
            continue;
        }
        dir_cut(w, f->len);
        free(name);
        if (S_ISREG(sb.st_mode)) {
            fill(w, e, TG_WALK_FILE, path, NULL, &sb);
            return 1;
        }
        fill(w, e, TG_WALK_SKIP, path, tg_xstrdup(type_name(sb.st_mode)), &sb);
        return 1;
    }
}
