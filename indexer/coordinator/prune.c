/* --prune: the locations under the paths given that are gone from disk
 * are forgotten (with what was inside them, for bundles), and a document
 * left without locations is removed; with --purge-store its original and
 * text go from the store too.  Runs after the walk, only when the run was
 * not interrupted.
 *
 * Relies on container.c to forget a location and what it held; deletes
 * store files only for contents no document uses. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingestint.h"
#include "recordjson.h"

/* ==== Pruning ============================================================= */

typedef struct {
    char *const *roots;
    int n;
    json_t *found; /* array of [loc, sha] under the roots */
} prune_scan_t;

static int under(const char *loc, const char *root)
{
    size_t n = strlen(root);
    if (strncmp(loc, root, n) != 0)
        return 0;
    return loc[n] == '\0' || loc[n] == '/' || loc[n] == '!' || (n == 1 && root[0] == '/');
}

static int scan_meta(void *ctx, const char *key, const char *value, size_t len)
{
    (void)key;
    prune_scan_t *s = ctx;
    json_t *m = tg_json_parse_object(value, len);
    const char *loc = m ? tg_rec_str(m, "loc") : NULL;
    const char *sha = m ? tg_rec_str(m, "sha256") : NULL;
    for (int r = 0; loc && sha && r < s->n; r++) {
        if (under(loc, s->roots[r])) {
            json_array_append_new(s->found, json_pack("[s,s]", loc, sha));
            break;
        }
    }
    json_decref(m);
    return 0;
}

/* Does loc still exist?  A file: on disk.  A member: if its bundle does
 * (members gone from a bundle were forgotten when it was last read). */
static int alive(ing_t *g, const char *loc)
{
    const char *bang = NULL;
    for (const char *p = strstr(loc, "!/"); p; p = strstr(p + 2, "!/"))
        bang = p;
    if (!bang) {
        struct stat sb;
        return tg_lstat_path(loc, &sb) == 0 || errno != ENOENT;
    }
    char *bundle = tg_xstrndup(loc, (size_t)(bang - loc));
    int ok = alive(g, bundle);
    free(bundle);
    return ok;
}

void prune_gone(ing_t *g, char *const *roots, int nroots)
{
    prune_scan_t s = {roots, nroots, json_array()};
    ing_check(g, tg_db_each_meta(g->db, "L", 1, scan_meta, &s), "cannot read locations");
    size_t i;
    json_t *e;
    json_array_foreach(s.found, i, e)
    {
        const char *loc = json_string_value(json_array_get(e, 0));
        const char *sha = json_string_value(json_array_get(e, 1));
        if (alive(g, loc))
            continue;
        json_t *still = tg_loc_get(g->db, loc);
        json_decref(still);
        if (!still)
            continue; /* forgotten with the bundle that held it */
        unsigned long before = g->c->removed;
        container_forget_location(g, loc, sha);
        int deleted = g->c->removed > before;
        g->c->pruned++;
        ing_event(g, "pruned", loc, sha, NULL, deleted ? "gone; its document was removed" : "gone",
                  0);
        if (deleted) {
            if (g->o->purge_store) {
                /* one document per content: none is left for this one */
                char *p = tg_store_path(g->store, sha), *t = tg_store_text_path(g->store, sha);
                unlink(p);
                unlink(t);
                free(p);
                free(t);
            }
        }
        commit_maybe(g);
    }
    json_decref(s.found);
}
