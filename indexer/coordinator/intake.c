/* The walk's files coming in: which need a worker.  A sidecar file or a
 * saved page's resource is never a document; a file whose location is as
 * it was when last indexed is "unchanged" without a worker (or only has
 * its new sidecar metadata applied); everything else becomes a job.
 * Queued members and resumed bundles go before the walk's next file.
 *
 * Relies on walk.h and the location records (writer.h); reads no file's
 * contents (only lstat for a saved page's folder). */
#define _GNU_SOURCE
#include <string.h>
#include <sys/stat.h>

#include "ingestint.h"
#include "proto.h"
#include "recordjson.h"
#include "text.h"

/* ==== Feeding workers ===================================================== */

/* Is the location as it was when last indexed?  Sets j->file.old_sha either way.
 * Returns 0: no, 1: yes, 2: yes but its sidecar metadata or what it holds
 * from the locations holding it changed, 3: yes, but an archive written
 * before does not have its shown form (writer.h) yet. */
int intake_unchanged(ing_t *g, job_t *j)
{
    json_t *m = tg_loc_get(g->db, j->file.loc);
    if (!m)
        return 0;
    const char *sha = tg_rec_str(m, "sha256");
    if (sha && tg_sha256_valid(sha))
        j->file.old_sha = tg_xstrdup(sha);
    const char *st = tg_rec_str(m, "status");
    int same =
        tg_rec_int(m, "size", -1) == j->file.size && tg_rec_int(m, "mtime", -1) == j->file.mtime_ns;
    /* settled: nothing more to do while the file stays the same; but what
     * OCR was off for is read once a run has OCR on */
    int settled =
        st && (!strcmp(st, TG_LOC_INDEXED) || !strcmp(st, TG_LOC_EMPTY) ||
               (!strcmp(st, TG_LOC_NO_OCR) && !g->o->ocr) ||
               (!strcmp(st, TG_LOC_UNSUPPORTED) && tg_rec_int(m, "v", 0) >= TG_EXTRACTOR_VERSION));
    j->file.old_settled = settled && !g->o->reextract;
    int no_ocr = st && !strcmp(st, TG_LOC_NO_OCR);
    const char *sc = tg_rec_str(m, "sc");
    json_t *held = json_object_get(m, "held");
    int same_meta = !strcmp(sc ? sc : "", j->lm.fingerprint) &&
                    (j->lm.held ? json_equal(j->lm.held, held) : !held);
    int has_rel = !j->file.rel || tg_rec_str(m, "rel");
    json_decref(m);
    if (!(same && settled && j->file.old_sha) || g->o->reextract)
        return 0;
    j->nest.no_ocr = no_ocr; /* its bundle, if read again, keeps the mark */
    return !same_meta ? 2 : !has_rel ? 3 : 1;
}

/* Only the sidecar metadata of an unchanged file changed (or what it holds
 * from a bundle holding it, or its shown form is to be recorded): apply it
 * to the document its content already has, and pass it down to what the
 * file holds, no worker needed.  The event says why (reason NULL: nothing
 * a user sees changed, "unchanged"). */
void intake_reapply(ing_t *g, job_t *j, const char *reason)
{
    memcpy(j->file.sha, j->file.old_sha, sizeof j->file.sha);
    tg_doc_t *doc;
    tg_record_t *rec = content_get(g, j->file.sha, &doc);
    if (!rec) {
        ing_event(g, "error", j->file.loc, j->file.sha, "internal",
                  "content vanished from the index", 0);
        return;
    }
    tg_place_t p = job_place(j);
    if (tg_place_add(rec, &p))
        content_changed(g, j->file.sha);
    const char *status = tg_record_loc_status(rec);
    /* what it holds first, its own record last: a run killed in between
     * finds it changed and does it all again (rec may be gone after) */
    container_propagate(g, j->file.loc, j->file.rel, &j->lm);
    json_t *m = tg_loc_get(g->db, j->file.loc);
    const char *st = m ? tg_rec_str(m, "status") : NULL;
    job_loc_put(g, j, st ? st : status);
    json_decref(m);
    ing_event(g, reason ? "updated" : "unchanged", j->file.loc, j->file.sha, NULL, reason, 0);
}

/* A sidecar file or a saved page's resource: never a document (code says
 * which).  If an earlier run indexed it as one, its location is taken off
 * that document. */
static void not_a_document(ing_t *g, const char *loc, const char *code, const char *what)
{
    json_t *m = tg_loc_get(g->db, loc);
    const char *sha = m ? tg_rec_str(m, "sha256") : NULL;
    if (sha && tg_sha256_valid(sha)) {
        content_detach(g, sha, loc, NULL);
        ing_check(g, tg_loc_forget(g->db, loc), "cannot forget a location");
    }
    json_decref(m);
    ing_event(g, "skipped", loc, NULL, code, what, 0);
}

/* Suffixes browsers give the folder of a "complete page" save: Page.html
 * and Page_files/ beside it (older Spanish browsers: Page_archivos/). */
static const char *const page_folder_suffixes[] = {"_files", "_archivos"};
static const char *const page_suffixes[] = {".html", ".htm", ".xhtml", ".shtml"};

/* 1 if path lies in a folder X_files (below root) beside a file X.html: an
 * image, style sheet or script of a page saved complete, not a document
 * of its own.  *what gets a malloc'd description ("resource of saved page
 * X.html"). */
static int saved_page_resource(const char *path, const char *root, char **what)
{
    size_t rl = strlen(root);
    if (strncmp(path, root, rl) != 0)
        return 0;
    const char *p = path + rl;
    if (rl == 0 || root[rl - 1] != '/') {
        if (*p != '/')
            return 0;
        p++;
    }
    for (const char *slash = strchr(p, '/'); slash; p = slash + 1, slash = strchr(p, '/')) {
        size_t n = (size_t)(slash - p);
        for (size_t k = 0; k < TG_ARRAY_LEN(page_folder_suffixes); k++) {
            size_t sl = strlen(page_folder_suffixes[k]);
            if (n <= sl || memcmp(p + n - sl, page_folder_suffixes[k], sl) != 0)
                continue;
            for (size_t e = 0; e < TG_ARRAY_LEN(page_suffixes); e++) {
                char *page =
                    tg_xasprintf("%.*s%s", (int)((p - path) + n - sl), path, page_suffixes[e]);
                struct stat sb;
                int is = tg_lstat_path(page, &sb) == 0 && S_ISREG(sb.st_mode);
                if (is) {
                    const char *b = page + (p - path);
                    char *name = tg_utf8_escape_bytes(b, strlen(b));
                    *what = tg_xasprintf("resource of saved page %s", name);
                    free(name);
                }
                free(page);
                if (is)
                    return 1;
            }
        }
    }
    return 0;
}

/* A problem with a sidecar file: reported as an error of that file. */
void intake_sidecar_problem(void *ctx, const char *sidecar, const char *reason)
{
    ing_t *g = ctx;
    g->c->sidecar_problems++;
    ing_event(g, "error", sidecar, NULL, "bad sidecar", reason, 0);
}

/* The next job: a queued member or resumed bundle first, then the walk. */
job_t *intake_next(ing_t *g)
{
    job_t *q = jobq_pop(&g->queue);
    if (q)
        return q;
    tg_walk_entry_t e;
    while (!g->walk_done && !tg_ingest_stop && !g->fatal) {
        if (!tg_walk_next(g->walk, &e)) {
            g->walk_done = 1;
            break;
        }
        char *loc = tg_utf8_escape_bytes(e.path, strlen(e.path));
        if (e.kind != TG_WALK_FILE) {
            int err = e.kind == TG_WALK_ERROR;
            ing_event(g, err ? "error" : "skipped", loc, NULL, err ? "unreadable" : e.reason,
                      e.reason, 0);
            g->done_files++;
            free(loc);
            continue;
        }
        char *what = NULL;
        const char *code = NULL;
        if (tg_sidecars_is_sidecar(g->sidecars, e.path, e.root, &what))
            code = "sidecar";
        else if (saved_page_resource(e.path, e.root, &what))
            code = "saved page resource";
        if (code) {
            not_a_document(g, loc, code, what);
            free(what);
            free(loc);
            g->done_files++;
            commit_maybe(g);
            continue;
        }
        job_t *j = job_new(g, e.path, loc, tg_utf8_escape_bytes(e.folder, strlen(e.folder)), e.size,
                           e.mtime_ns);
        j->file.rel = tg_utf8_escape_bytes(e.rel, strlen(e.rel));
        g->c->bytes += (unsigned long)e.size;
        tg_sidecars_lookup(g->sidecars, e.path, e.root, &j->lm);
        int u = intake_unchanged(g, j);
        if (u) {
            if (u >= 2)
                intake_reapply(g, j, u == 2 ? "sidecar metadata changed" : NULL);
            else
                ing_event(g, "unchanged", j->file.loc, j->file.old_sha, NULL, NULL, 0);
            job_finish(g, j);
            commit_maybe(g);
            continue;
        }
        return j;
    }
    return NULL;
}
