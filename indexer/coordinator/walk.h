/* Walking the paths the user named: folders recursively, in name order, one
 * entry at a time (memory grows with depth and folder width, not with the
 * number of files).
 *
 * Symbolic links below a named folder are not followed (a link could lead
 * anywhere on the machine, and Testigo reads only what it was pointed at);
 * they are reported.  The archive folder itself is never entered, so an
 * archive inside the folder being indexed does not index itself. */
#ifndef TG_WALK_H
#define TG_WALK_H

#include <stdint.h>
#include <sys/types.h>

typedef struct tg_walk tg_walk_t;

typedef enum {
    TG_WALK_FILE,  /* a regular file to index */
    TG_WALK_SKIP,  /* something not indexed; reason says why */
    TG_WALK_ERROR, /* something that could not be read; reason says why */
} tg_walk_kind_t;

typedef struct {
    tg_walk_kind_t kind;
    const char *path;   /* absolute path (the location) */
    const char *folder; /* facet folder: "corpus/noticias" */
    const char *root;   /* absolute path of the folder given to the walk (for a
                         * file named directly: its parent), where sidecar
                         * manifests stop being looked for */
    const char *rel;    /* the end of path from the name of the folder or file
                         * given to the walk: "casos/2024/acta.pdf" (a file
                         * named directly: its name), what people beyond the
                         * operator are shown instead of path */
    const char *reason; /* for SKIP and ERROR */
    int64_t size;
    int64_t mtime_ns;
} tg_walk_entry_t;

/* Starts a walk over roots, skipping the folder identified by (skip_dev,
 * skip_ino) (the archive).  Roots that do not exist are reported as errors
 * during the walk, in order. */
tg_walk_t *tg_walk_new(char *const *roots, int n, dev_t skip_dev, ino_t skip_ino);
/* The next entry, or 0 at the end.  The entry's strings live until the next
 * call. */
int tg_walk_next(tg_walk_t *w, tg_walk_entry_t *e);
void tg_walk_free(tg_walk_t *w);

#endif
