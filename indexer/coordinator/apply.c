/* A job's outcome applied to the index: a worker's document (or one built
 * by the writer for a file no worker could read), a known content given one
 * more location, and the job's event and location status, held back until
 * everything inside it is done (job_complete).
 *
 * Relies on commit.c for the batch's documents and events and on writer.h
 * for a failed file's document (tg_content_failed, from lib/ only). */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ingestint.h"
#include "proto.h"
#include "recordjson.h"

/* What OCR did for a document, for its ingest event: {"ocr": {"pages",
 * "recognised", "cached", "orientation_checks" (when OSD ran)}}, or NULL if
 * OCR read nothing.  Pages OCR could
 * not read are printed, naming the page: the file is indexed without them. */
static json_t *ocr_summary(ing_t *g, const char *loc, const tg_record_t *rec)
{
    const json_t *o = tg_record_ocr_json(rec);
    if (!json_is_object(o))
        return NULL;
    json_t *pages = json_object_get(o, "pages"), *p;
    size_t i;
    json_array_foreach(pages, i, p)
    {
        const char *e = tg_rec_str(p, "error");
        if (e && !g->o->quiet)
            tg_progress_print(g->progress,
                              "testigo-index: %s: warning: page %lld not read by OCR: %s\n", loc,
                              (long long)tg_rec_int(p, "page", 0), e);
    }
    static int osd_missing_said; /* once a run: it is the machine's, not the file's */
    if (tg_rec_int(o, "orientation_unchecked", 0) > 0 && !osd_missing_said && !g->o->quiet) {
        osd_missing_said = 1;
        tg_progress_print(g->progress,
                          "testigo-index: warning: tesseract's OSD model (osd.traineddata, Debian "
                          "package tesseract-ocr-osd) is not installed: pages that may lie turned "
                          "are read as they come (the first: %s); once it is installed, "
                          "--reextract reads them again\n",
                          loc);
    }
    json_t *r = json_pack("{s:{s:I, s:I, s:I}}", "ocr", "pages", (json_int_t)json_array_size(pages),
                          "recognised", (json_int_t)tg_rec_int(o, "recognised", 0), "cached",
                          (json_int_t)tg_rec_int(o, "cached", 0));
    if (tg_rec_int(o, "orientation_checks", 0) > 0)
        json_object_set_new(json_object_get(r, "ocr"), "orientation_checks",
                            json_integer(tg_rec_int(o, "orientation_checks", 0)));
    return r;
}

/* ==== A job done ========================================================== */

tg_place_t job_place(const job_t *j)
{
    tg_place_t p = {j->file.loc,
                    j->file.folder,
                    j->file.sha,
                    j->file.size,
                    j->file.mtime_ns,
                    &j->lm,
                    j->file.container[0] ? j->file.container : NULL,
                    j->file.rel};
    return p;
}

void job_loc_put(ing_t *g, const job_t *j, const char *status)
{
    tg_place_t p = job_place(j);
    ing_check(g, tg_loc_put(g->db, &p, status), "cannot record a location");
    g->dirty = 1;
}

/* j is over: account for it, free it, and let its bundle know. */
void job_finish(ing_t *g, job_t *j)
{
    job_t *parent = j->nest.parent;
    g->done_files++;
    if (parent)
        job_root(parent)->tree.done++;
    if (parent && j->tree.limited)
        parent->tree.limited = 1;
    if (parent && (j->nest.member_errors || (j->final.what && !strcmp(j->final.what, "error"))))
        parent->nest.member_errors++;
    if (parent && (j->nest.no_ocr || (j->final.status && !strcmp(j->final.status, TG_LOC_NO_OCR))))
        parent->nest.no_ocr = 1;
    job_free(g, j);
    if (parent && --parent->nest.children == 0 && parent->nest.done_self)
        job_complete(g, parent);
}

/* j's own processing is over; record it once its members are too. */
void job_complete(ing_t *g, job_t *j)
{
    j->nest.done_self = 1;
    if (j->nest.children)
        return;
    tree_final(g, j);
    /* a bundle with failed members is read again next time, so that they
     * are retried and reported again; so is one not read in full because
     * its top-level file's budget ran out */
    if ((j->nest.member_errors || j->tree.limited) && j->final.status)
        set_str(&j->final.status, TG_LOC_FAILED);
    else if (j->nest.no_ocr && j->final.status && !strcmp(j->final.status, TG_LOC_INDEXED))
        set_str(&j->final.status, TG_LOC_NO_OCR);
    /* a bundle read to its end: members it no longer holds are gone; so
     * are the embedded files a document extracted in full no longer has */
    if (j->nest.bundle && !j->nest.incomplete && j->nest.members) {
        container_forget_members(g, j->file.loc, j->nest.members);
    } else if (!j->nest.bundle && j->extracting && !j->nest.incomplete &&
               tg_kind_embeds(j->file.kind)) {
        json_t *none = json_object();
        container_forget_members(g, j->file.loc, j->nest.members ? j->nest.members : none);
        json_decref(none);
    }
    if (j->nest.bundle && j->nest.manifest && j->nest.manifest_late && j->nest.members)
        container_late_manifest(g, j);
    if (j->final.status)
        job_loc_put(g, j, j->final.status);
    if (j->final.what)
        ing_event_x(g, j->final.what, j->file.loc, j->hashed ? j->file.sha : NULL, j->final.code,
                    j->final.reason, j->started, j->final.extra);
    job_finish(g, j);
}

void job_set_final(job_t *j, const char *what, const char *code, const char *reason,
                   const char *status)
{
    set_str(&j->final.what, what);
    set_str(&j->final.code, code);
    set_str(&j->final.reason, reason);
    set_str(&j->final.status, status);
}

/* Content j->file.sha is indexed: give it location j->file.loc. */
void job_attach(ing_t *g, job_t *j)
{
    tg_doc_t *doc;
    tg_record_t *rec = content_get(g, j->file.sha, &doc);
    if (!rec) {
        job_set_final(j, "error", "internal", "content vanished from the index", NULL);
        job_complete(g, j);
        return;
    }
    int known = tg_record_find_location(rec, j->file.loc, NULL) != NULL;
    tg_place_t p = job_place(j);
    int changed = tg_place_add(rec, &p);
    if (changed)
        content_changed(g, j->file.sha);
    const char *status = tg_record_loc_status(rec);
    if (known)
        container_propagate(g, j->file.loc, j->file.rel,
                            &j->lm); /* a bundle not read again; rec may go */
    int moved = j->file.old_sha && strcmp(j->file.old_sha, j->file.sha) != 0;
    if (moved)
        content_detach(g, j->file.old_sha, j->file.loc, NULL); /* rec may be gone from here */
    if (known && changed && !moved)
        job_set_final(j, "updated", NULL, "sidecar metadata changed", status);
    else
        job_set_final(j, moved ? "updated" : known ? "unchanged" : "duplicate", NULL, NULL, status);
    job_complete(g, j);
}

/* A worker's document for job j (or one built here after a worker died). */
void job_apply_doc(ing_t *g, job_t *j, tg_doc_t *doc, tg_record_t *rec, const char *failure,
                   const char *failure_code)
{
    tg_doc_t *prev_doc;
    tg_store_note(g->store, j->file.sha); /* its files durable before the commit */
    tg_record_t *prev = content_get(g, j->file.sha, &prev_doc);
    char now[32];
    tg_iso8601((int64_t)time(NULL), now, sizeof now);
    if (prev) {
        /* re-extraction of known content: keep where it was found and when */
        tg_record_take_locations(rec, prev);
        const char *ing = tg_record_get_ingested(prev);
        tg_record_set_ingested(rec, ing ? ing : now);
    } else {
        tg_record_set_ingested(rec, now);
    }
    int had = prev != NULL;
    int known = prev && tg_record_find_location(prev, j->file.loc, NULL);
    prev = NULL; /* the cache's, and superseded by content_put() */
    tg_place_t p = job_place(j);
    tg_place_add(rec, &p);
    content_put(g, j->file.sha, doc, rec);
    int moved = j->file.old_sha && strcmp(j->file.old_sha, j->file.sha) != 0;
    if (moved)
        content_detach(g, j->file.old_sha, j->file.loc, NULL);

    /* one event per file: a failure or a skip says it all */
    const char *status = tg_record_loc_status(rec);
    char deep[160];
    if (j->nest.too_deep && !failure) {
        snprintf(deep, sizeof deep,
                 "bundle nested deeper than %u levels (--max-depth): kept, not opened",
                 g->o->max_depth);
        failure = deep;
        failure_code = "limit";
        status = TG_LOC_FAILED;
    }
    if (failure) {
        char *r = tg_xasprintf("%s (original kept, indexed without text)", failure);
        job_set_final(j, "error", failure_code, r, status);
        free(r);
    } else if (!strcmp(status, TG_LOC_UNSUPPORTED)) {
        char *r = tg_xasprintf("unsupported type %s (original kept, indexed without text)",
                               j->file.mime ? j->file.mime : "?");
        job_set_final(j, "skipped", "unsupported type", r, status);
        free(r);
    } else {
        /* re-extracted at the same place: updated; known content at a new
         * place (a bundle read again for its members): duplicate */
        json_decref(j->final.extra);
        j->final.extra = ocr_summary(g, j->file.loc, rec);
        const char *what = moved            ? "updated"
                           : !had           ? "added"
                           : !known         ? "duplicate"
                           : j->nest.bundle ? "unchanged" /* read again for its members */
                                            : "updated";  /* extracted again */
        job_set_final(j, what, NULL, NULL, status);
    }
    /* the same content found elsewhere meanwhile */
    for (job_t *w = j->waiting, *next; w; w = next) {
        next = w->next;
        job_attach(g, w);
    }
    j->waiting = NULL;
    job_complete(g, j);
}

/* Job j cannot be processed: index the original without text if it reached
 * the store, and report. */
void job_failed(ing_t *g, job_t *j, const char *code, const char *reason)
{
    j->nest.incomplete = 1; /* what it embedded so far is not all it holds */
    if (j->hashed) {
        tg_failed_t f = {.sha = j->file.sha,
                         .size = j->file.size,
                         .mime = j->file.mime,
                         .kind = j->file.kind,
                         .reason = reason,
                         .name = tg_location_basename(j->file.loc)};
        tg_doc_t *doc;
        tg_record_t *rec;
        tg_content_failed(&f, &doc, &rec);
        job_apply_doc(g, j, doc, rec, reason, code);
        tg_record_free(rec);
        tg_doc_free(doc);
    } else {
        job_set_final(j, "error", code, reason, NULL);
        job_complete(g, j);
    }
}
