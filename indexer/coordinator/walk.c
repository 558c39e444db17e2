/* Folder walk (see walk.h): an explicit stack of open folders, each read
 * whole and sorted so that runs are reproducible (name order, bytewise). */
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

/* Deeper trees are almost certainly a loop through bind mounts or an attack. */
#define MAX_DEPTH 64

typedef struct {
    char *path;   /* absolute path of the folder */
    char **names; /* sorted entries */
    size_t n, next;
} frame_t;

struct tg_walk {
    char *const *roots;
    int nroots, next_root;
    frame_t stack[MAX_DEPTH];
    int depth;
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

static void pop(tg_walk_t *w)
{
    frame_t *f = &w->stack[--w->depth];
    for (size_t i = f->next; i < f->n; i++)
        free(f->names[i]);
    free(f->names);
    free(f->path);
}

void tg_walk_free(tg_walk_t *w)
{
    if (!w)
        return;
    while (w->depth > 0)
        pop(w);
    free(w->root_name);
    free(w->root_path);
    free(w->path);
    free(w->folder);
    free(w->reason);
    free(w);
}

/* Opens folder path as a new frame; returns an errno on failure. */
static int push(tg_walk_t *w, const char *path)
{
    if (w->depth >= MAX_DEPTH)
        return ELOOP;
    DIR *d = opendir(path);
    if (!d)
        return errno;
    frame_t *f = &w->stack[w->depth];
    memset(f, 0, sizeof *f);
    size_t cap = 0;
    struct dirent *e;
    errno = 0;
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
    f->path = tg_xstrdup(path);
    w->depth++;
    return 0;
}

/* The facet folder of a path: root name, plus the first folder below it. */
static char *folder_of(tg_walk_t *w)
{
    if (w->depth >= 2) {
        const char *first = w->stack[1].path + strlen(w->stack[0].path) + 1;
        return tg_xasprintf("%s/%s", w->root_name, first);
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
        int err = push(w, abs);
        if (err) {
            fill(w, e, TG_WALK_ERROR, abs, tg_xasprintf("cannot read folder: %s", strerror(err)),
                 NULL);
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
        char *name = f->names[f->next++];
        char *path = tg_xasprintf("%s/%s", f->path, name);
        free(name);
        struct stat sb;
        if (lstat(path, &sb)) {
            fill(w, e, TG_WALK_ERROR, path, tg_xasprintf("cannot read: %s", strerror(errno)), NULL);
            return 1;
        }
        if (S_ISDIR(sb.st_mode)) {
            if (sb.st_dev == w->skip_dev && sb.st_ino == w->skip_ino) {
                fill(w, e, TG_WALK_SKIP, path, tg_xstrdup("the archive folder itself"), NULL);
                return 1;
            }
            int err = push(w, path);
            if (err) {
                fill(w, e, TG_WALK_ERROR, path,
                     tg_xasprintf("cannot read folder: %s", strerror(err)), NULL);
                return 1;
            }
            free(path);
            continue;
        }
        if (S_ISREG(sb.st_mode)) {
            fill(w, e, TG_WALK_FILE, path, NULL, &sb);
            return 1;
        }
        fill(w, e, TG_WALK_SKIP, path, tg_xstrdup(type_name(sb.st_mode)), &sb);
        return 1;
    }
}
