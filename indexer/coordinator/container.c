/* Containers: bundles (zip, tar, ...) and documents that hold files
 * (mails, mail folders).  Their members, their manifests, what a container
 * passes down to what it holds (restriction inheritance), and the bounds
 * on nested work (the top-level file's budget).
 *
 * The worker reading a bundle reports each entry as it starts and each
 * member once it is in the store; every member becomes a job of its own
 * ("bundle.zip!/dir/file.pdf"), queued ahead of the walk.  A bundle is
 * complete only when its reader has finished and every member job has
 * (apply.c, job_complete): only then is its location recorded, so a bundle
 * interrupted half way is read again by the next run (its finished members
 * are then unchanged).  If the reader dies on a member, that member is
 * reported and the bundle is read again from the entry after it
 * (MAX_RESUMES times at most).
 *
 * Relies on docmeta.h and sidecar.h for manifests and what passes down;
 * never opens a bundle itself (workers do). */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "ingestint.h"
#include "recordjson.h"
#include "schema.h"

static void fmt_size(char *buf, size_t n, uint64_t bytes)
{
    if (bytes < 1024)
        snprintf(buf, n, "%llu bytes", (unsigned long long)bytes);
    else if (bytes < ((uint64_t)1 << 20))
        snprintf(buf, n, "%.1f KB", (double)bytes / 1024);
    else if (bytes < ((uint64_t)1 << 30))
        snprintf(buf, n, "%.1f MB", (double)bytes / (1 << 20));
    else
        snprintf(buf, n, "%.1f GB", (double)bytes / (1 << 30));
}

/* ==== The top-level file's budget ========================================= */

/* A file of the walk may hold bundles in bundles in bundles (42.zip: five
 * levels of 16 zips, 4.5 PB of zeros in 42 KB).  Each bundle's own limits
 * bound one reading; these bound all the readings of one top-level file
 * together: the bytes they expand, the members they report and the CPU
 * time they take.  The readers report what they used with each member; a
 * bundle is opened with what is left, so a reader stops where the budget
 * runs out.  From then on the file's bundles that are still queued are
 * indexed as documents without being opened, what was read before is
 * indexed, and the file is reported as an error (its location is recorded
 * as failed: the next run reads it again, and stops again at the same
 * budget).  Several readers working on one file at once can together pass
 * the budget by what each was given when it started. */

/* The bytes file r may expand: --max-total-expanded, or its size times
 * --max-total-ratio if that is less (*by_ratio then says so). */
static uint64_t tree_byte_cap(const ing_t *g, const job_t *r, int *by_ratio)
{
    double c = g->o->max_total_ratio * (double)(r->file.size > 0 ? r->file.size : 0);
    if (c < (double)TREE_RATIO_GRACE)
        c = (double)TREE_RATIO_GRACE;
    *by_ratio = c < (double)g->o->max_total_expanded;
    return *by_ratio ? (uint64_t)c : g->o->max_total_expanded;
}

/* What stopped the unpacking of file r, for people (malloc'd). */
static char *tree_limit_text(const ing_t *g, const job_t *r)
{
    int by_ratio;
    char got[32], size[32];
    tree_byte_cap(g, r, &by_ratio);
    fmt_size(got, sizeof got, r->tree.bytes);
    fmt_size(size, sizeof size, (uint64_t)(r->file.size > 0 ? r->file.size : 0));
    if (!strcmp(r->tree.stop, "bytes") && by_ratio)
        return tg_xasprintf("its bundles, all nesting levels together, expanded to more than %g "
                            "times its size (%s from %s; --max-total-ratio): likely a zip bomb",
                            g->o->max_total_ratio, got, size);
    if (!strcmp(r->tree.stop, "bytes"))
        return tg_xasprintf("its bundles, all nesting levels together, expanded to more than "
                            "%llu MB (--max-total-expanded): likely a zip bomb",
                            (unsigned long long)(g->o->max_total_expanded >> 20));
    if (!strcmp(r->tree.stop, "members"))
        return tg_xasprintf("it holds more than %llu members, all nesting levels together "
                            "(--max-total-members)",
                            (unsigned long long)g->o->max_total_members);
    return tg_xasprintf("reading its bundles took more than %g s of CPU time, all nesting "
                        "levels together (--max-unpack-time)",
                        g->o->max_unpack_time);
}

/* File r's budget ran out (why: "bytes", "members" or "time"): say so now;
 * its error is reported when what was read is indexed. */
static void tree_stop(ing_t *g, job_t *r, const char *why)
{
    if (r->tree.stop)
        return;
    r->tree.stop = why;
    if (!g->o->quiet) {
        char *t = tree_limit_text(g, r);
        tg_progress_print(g->progress,
                          "testigo-index: %s: unpacking stopped: %s; indexing what was read\n",
                          r->file.loc, t);
        free(t);
    }
}

static void tree_check(ing_t *g, job_t *r)
{
    int by_ratio;
    if (r->tree.bytes > tree_byte_cap(g, r, &by_ratio))
        tree_stop(g, r, "bytes");
    else if (r->tree.members > g->o->max_total_members)
        tree_stop(g, r, "members");
    else if (r->tree.cpu > g->o->max_unpack_time)
        tree_stop(g, r, "time");
}

/* Reading j used CPU seconds in all so far (as its worker reports). */
static void tree_cpu(job_t *j, job_t *r, double cpu)
{
    if (cpu > j->tree.unpack_cpu) {
        r->tree.cpu += cpu - j->tree.unpack_cpu;
        j->tree.unpack_cpu = cpu;
    }
}

/* Reading j (a bundle, or a document handing out embedded files) reported
 * member m, at that depth. */
static void tree_count(ing_t *g, job_t *j, json_t *m, unsigned depth)
{
    job_t *r = job_root(j);
    json_t *x = json_object_get(m, "expanded");
    json_int_t bytes = x ? json_integer_value(x) : tg_rec_int(m, "size", 0);
    r->tree.members++;
    r->tree.bytes += bytes > 0 ? (uint64_t)bytes : 0;
    tree_cpu(j, r, json_number_value(json_object_get(m, "cpu")));
    if (depth > r->tree.depth)
        r->tree.depth = depth;
    tree_check(g, r);
}

/* What is left of the budget of j's top-level file, for the "go" of a
 * bundle. */
void tree_left(ing_t *g, job_t *j, json_t *go)
{
    job_t *r = job_root(j);
    int by_ratio;
    uint64_t cap = tree_byte_cap(g, r, &by_ratio);
    uint64_t bytes = cap > r->tree.bytes ? cap - r->tree.bytes : 0;
    uint64_t members =
        g->o->max_total_members > r->tree.members ? g->o->max_total_members - r->tree.members : 0;
    double cpu = g->o->max_unpack_time - r->tree.cpu;
    json_object_set_new(go, "tree_bytes", json_integer((json_int_t)bytes));
    json_object_set_new(go, "tree_members", json_integer((json_int_t)members));
    json_object_set_new(go, "tree_cpu", json_real(cpu > 0 ? cpu : 0));
    j->tree.unpack_cpu = 0; /* a new reading */
}

/* Every NOTE_EVERY seconds, a line about each file whose members are still
 * at work, so that a long one is seen to move. */
void tree_notes(ing_t *g)
{
    if (g->o->quiet)
        return;
    double now = tg_now();
    for (unsigned i = 0; i < g->pool->n; i++) {
        job_t *j = g->pool->w[i].job;
        if (!j || (!j->nest.parent && !j->tree.members))
            continue;
        job_t *r = job_root(j);
        if (!r->started || now - r->started < NOTE_EVERY || now - r->tree.noted < NOTE_EVERY)
            continue;
        r->tree.noted = now;
        char got[32];
        fmt_size(got, sizeof got, r->tree.bytes);
        tg_progress_print(g->progress,
                          "testigo-index: %s: at work for %.0f s: %llu members found at up to %u "
                          "levels (%s unpacked, %.0f s of CPU), %llu done\n",
                          r->file.loc, now - r->started, (unsigned long long)r->tree.members,
                          r->tree.depth, got, r->tree.cpu, (unsigned long long)r->tree.done);
    }
}

/* ==== What a container passes down ======================================== */

typedef struct {
    const char *prefix; /* container location + "!/" */
    json_t *found;      /* location -> its metadata record */
} inside_scan_t;

static int scan_inside(void *ctx, const char *key, const char *value, size_t len)
{
    (void)key; /* a long location's key holds only its head: read "loc" */
    inside_scan_t *s = ctx;
    json_t *m = tg_json_parse_object(value, len);
    const char *loc = m ? tg_rec_str(m, "loc") : NULL;
    if (loc && !strncmp(loc, s->prefix, strlen(s->prefix)))
        json_object_set(s->found, loc, m);
    json_decref(m);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The location loc (a bundle, a mail, a mail folder), whose sidecar
 * metadata is lm and shown form rel, may pass down something else than
 * before: give every location inside it, at any depth, what it now holds
 * from above, and its shown form, without reading anything again.  Each
 * location's own restriction and embargo are in its metadata record ("r",
 * "emb"), so what each nested bundle passes on is known too. */
void container_propagate(ing_t *g, const char *loc, const char *rel, const tg_locmeta_t *lm)
{
    char *prefix = tg_xasprintf("%s!/", loc);
    inside_scan_t s = {prefix, json_object()};
    tg_buf_t key;
    tg_buf_init(&key, 4096);
    tg_location_key_prefix(&key, prefix);
    ing_check(g, tg_db_each_meta(g->db, key.data, 1, scan_inside, &s), "cannot read locations");
    tg_buf_free(&key);
    size_t n = json_object_size(s.found), k = 0;
    const char **locs = tg_xcalloc(n ? n : 1, sizeof *locs);
    const char *l;
    json_t *m;
    json_object_foreach(s.found, l, m) locs[k++] = l;
    /* a location sorts before every location inside it */
    qsort(locs, n, sizeof *locs, cmp_str);
    json_t *passes = json_object(); /* location -> what it passes down, or null */
    json_t *top = tg_locmeta_pass(lm->restricted, lm->embargo, lm->held, loc);
    json_object_set_new(passes, loc, top ? top : json_null());
    for (k = 0; k < n && !g->fatal; k++) {
        const char *mloc = locs[k];
        m = json_object_get(s.found, mloc);
        /* the nearest holding location known (itself always is) */
        char *up = tg_xstrdup(mloc);
        json_t *from = NULL;
        while (!from) {
            char *bang = NULL;
            for (char *p = strstr(up, "!/"); p; p = strstr(p + 2, "!/"))
                bang = p;
            if (!bang || (size_t)(bang - up) < strlen(loc))
                break;
            *bang = '\0';
            from = json_object_get(passes, up);
        }
        free(up);
        if (!from)
            from = json_object_get(passes, loc);
        json_t *held = json_is_null(from) ? NULL : from;
        json_t *mine = tg_locmeta_pass(json_is_true(json_object_get(m, "r")), tg_rec_str(m, "emb"),
                                       held, mloc);
        json_object_set_new(passes, mloc, mine ? mine : json_null());
        char *mrel = rel ? tg_xasprintf("%s%s", rel, mloc + strlen(loc)) : NULL;
        json_t *was = json_object_get(m, "held");
        int held_changed = !(held ? json_equal(held, was) : !was);
        int rel_changed = mrel && (!tg_rec_str(m, "rel") || strcmp(tg_rec_str(m, "rel"), mrel));
        const char *sha = tg_rec_str(m, "sha256");
        if ((held_changed || rel_changed) && sha && tg_sha256_valid(sha)) {
            tg_doc_t *doc;
            tg_record_t *rec = content_get(g, sha, &doc);
            if (rec && tg_place_inherit(rec, mloc, held, mrel))
                content_changed(g, sha);
            if (held)
                json_object_set(m, "held", held);
            else
                json_object_del(m, "held");
            if (mrel)
                tg_rec_set_exact(m, "rel", mrel);
            ing_check(g, tg_loc_update(g->db, m), "cannot record a location");
            if (held_changed)
                ing_event(g, "updated", mloc, sha, NULL,
                          held ? "restriction passed down by the location holding it changed"
                               : "restriction passed down by the location holding it lifted",
                          0);
            commit_maybe(g);
        }
        free(mrel);
    }
    json_decref(passes);
    free(locs);
    json_decref(s.found);
    free(prefix);
}

/* ==== Members no longer there ============================================= */

typedef struct {
    const char *prefix; /* bundle location + "!/" */
    json_t *keep;       /* member locations found by this reading */
    json_t *stale;      /* [loc, sha] of the others */
    int direct;         /* only members directly inside the bundle */
} stale_scan_t;

static int scan_members(void *ctx, const char *key, const char *value, size_t len)
{
    (void)key; /* a long location's key holds only its head: read "loc" */
    stale_scan_t *s = ctx;
    json_t *m = tg_json_parse_object(value, len);
    const char *loc = m ? tg_rec_str(m, "loc") : NULL;
    const char *sha = m ? tg_rec_str(m, "sha256") : NULL;
    size_t plen = strlen(s->prefix);
    if (loc && sha && !strncmp(loc, s->prefix, plen) && !(s->direct && strstr(loc + plen, "!/")) &&
        !(s->keep && json_object_get(s->keep, loc)))
        json_array_append_new(s->stale, json_pack("[s,s]", loc, sha));
    json_decref(m);
    return 0;
}

/* Forgets the members of the bundle at loc that are not in keep (all of
 * them when keep is NULL), with everything nested inside them. */
void container_forget_members(ing_t *g, const char *loc, json_t *keep)
{
    char *prefix = tg_xasprintf("%s!/", loc);
    stale_scan_t s = {prefix, keep, json_array(), keep != NULL};
    tg_buf_t key;
    tg_buf_init(&key, 4096);
    tg_location_key_prefix(&key, prefix);
    ing_check(g, tg_db_each_meta(g->db, key.data, 1, scan_members, &s), "cannot read locations");
    tg_buf_free(&key);
    size_t i;
    json_t *e;
    json_array_foreach(s.stale, i, e) container_forget_location(
        g, json_string_value(json_array_get(e, 0)), json_string_value(json_array_get(e, 1)));
    json_decref(s.stale);
    free(prefix);
}

/* loc no longer holds content sha: forget the location and what it held. */
void container_forget_location(ing_t *g, const char *loc, const char *sha)
{
    int deleted = 0;
    ing_check(g, tg_loc_forget(g->db, loc), "cannot forget a location");
    content_detach(g, sha, loc, &deleted);
    if (deleted)
        g->c->removed++;
    container_forget_members(g, loc, NULL);
}

/* The event of j, done with everything inside it, when its top-level
 * file's budget ran out: the file itself is an error that says which
 * budget and what was read; a bundle inside it left unopened or read in
 * part is skipped (its own failure, if it had one, stays). */
void tree_final(ing_t *g, job_t *j)
{
    job_t *r = job_root(j);
    const char *status = j->final.status ? TG_LOC_FAILED : NULL;
    int failed = j->final.what && !strcmp(j->final.what, "error");
    if (j == r && r->tree.stop) {
        char *lim = tree_limit_text(g, r);
        char *why = tg_xasprintf("%s%sstopped unpacking: %s; the %llu members read before, at up "
                                 "to %u levels, are indexed, the rest is not",
                                 failed && !j->tree.cut && j->final.reason ? j->final.reason : "",
                                 failed && !j->tree.cut && j->final.reason ? "; " : "", lim,
                                 (unsigned long long)r->tree.members, r->tree.depth);
        job_set_final(j, "error", "limit", why, status);
        free(why);
        free(lim);
        j->tree.limited = 1;
    } else if (j != r && (j->tree.cut || (j->tree.unopened && !failed))) {
        char *why = tg_xasprintf("%s: the file it is in, %s, reached its unpacking limit",
                                 j->tree.cut ? "read in part" : "not opened", r->file.loc);
        job_set_final(j, "skipped", "limit", why, status);
        free(why);
        j->tree.limited = 1;
    }
}

/* ==== Members and manifests =============================================== */

/* A bundle's reader started an entry. */
void container_entry(ing_t *g, unsigned i, job_t *j, json_t *m)
{
    j->nest.cur_index = (int)tg_rec_int(m, "index", -1);
    j->nest.cur_open = 1;
    set_str(&j->nest.cur_name, tg_rec_str(m, "name"));
    g->pool->w[i].deadline =
        tg_now() + g->o->timeout + (double)tg_rec_int(m, "size", 0) / COPY_RATE;
}

/* A manifest.csv at the root of a bundle: metadata for the bundle's members,
 * never a document itself.  Problems are reported as the manifest's. */
static void bundle_manifest(ing_t *g, job_t *j, const char *loc, const char *sha)
{
    tg_buf_t data;
    tg_buf_init(&data, TG_MANIFEST_MAX_BYTES);
    tg_status_t st = tg_store_get_original(g->store, sha, &data);
    if (st) {
        /* what it says cannot be told: every member is restricted */
        const char *why = st == TG_ERR_LIMIT ? "too large" : "unreadable";
        char *r = tg_xasprintf("manifest %s: every member of %s is restricted until it is fixed",
                               why, tg_location_basename(j->file.loc));
        ing_event(g, "error", loc, sha, "bad sidecar", r, 0);
        free(r);
        j->nest.member_errors++;
        tg_manifest_free(j->nest.manifest);
        j->nest.manifest = tg_manifest_unreadable(why);
        free(j->nest.manifest_where);
        j->nest.manifest_where = tg_xstrdup(loc);
    } else {
        tg_manifest_free(j->nest.manifest);
        j->nest.manifest = tg_manifest_parse(tg_buf_str(&data), data.len);
        free(j->nest.manifest_where);
        j->nest.manifest_where = tg_xstrdup(loc);
        for (size_t k = 0; k < tg_manifest_problems_kept(j->nest.manifest); k++) {
            char *r = tg_xasprintf("manifest: %s", tg_manifest_problem(j->nest.manifest, k));
            g->c->sidecar_problems++;
            ing_event(g, "error", loc, sha, "bad sidecar", r, 0);
            free(r);
        }
        char *what = tg_xasprintf("manifest of %s", tg_location_basename(j->file.loc));
        ing_event(g, "skipped", loc, sha, "sidecar", what, 0);
        free(what);
    }
    tg_buf_free(&data);
}

/* The bundle's manifest came after some of its members had been queued:
 * give those members their rows now (their documents are written). */
void container_late_manifest(ing_t *g, job_t *j)
{
    size_t prefix = strlen(j->file.loc) + 2; /* "bundle!/" */
    const char *loc;
    json_t *v;
    json_object_foreach(j->nest.members, loc, v)
    {
        if (strlen(loc) <= prefix || strstr(loc + prefix, "!/"))
            continue;
        json_t *m = tg_loc_get(g->db, loc);
        const char *sha = m ? tg_rec_str(m, "sha256") : NULL;
        tg_locmeta_t lm;
        tg_locmeta_from_manifest(j->nest.manifest, j->nest.manifest_where, loc + prefix, &lm);
        tg_locmeta_inherit(&lm, j->file.loc, &j->lm);
        const char *sc = m ? tg_rec_str(m, "sc") : NULL;
        char *rel = j->file.rel ? tg_xasprintf("%s%s", j->file.rel, loc + prefix - 2) : NULL;
        if (sha && tg_sha256_valid(sha) && strcmp(sc ? sc : "", lm.fingerprint) != 0) {
            tg_place_t p = {.loc = loc,
                            .folder = j->file.folder,
                            .sha = sha,
                            .size = tg_rec_int(m, "size", 0),
                            .mtime_ns = tg_rec_int(m, "mtime", 0),
                            .lm = &lm,
                            .container = j->file.sha,
                            .rel = rel};
            tg_doc_t *doc;
            tg_record_t *rec = content_get(g, sha, &doc);
            if (rec) {
                if (tg_place_add(rec, &p))
                    content_changed(g, sha);
                const char *st = tg_rec_str(m, "status");
                st = st ? st : tg_record_loc_status(rec);
                /* a bundle or mail among them passes its new row down
                 * (first: its own row last; rec may be gone after) */
                container_propagate(g, loc, rel, &lm);
                ing_check(g, tg_loc_put(g->db, &p, st), "cannot record a location");
            }
        }
        free(rel);
        tg_locmeta_free(&lm);
        json_decref(m);
    }
}

/* A bundle's reader finished an entry: a member in the store, or a name only. */
void container_member(ing_t *g, unsigned i, job_t *j, json_t *m)
{
    j->nest.cur_open = 0;
    g->pool->w[i].deadline = tg_now() + g->o->timeout;
    const char *name = tg_rec_str(m, "name") ? tg_rec_str(m, "name") : "?";
    char *loc = tg_xasprintf("%s!/%s", j->file.loc, name);
    if (!j->nest.members)
        j->nest.members = json_object();
    json_object_set_new(j->nest.members, loc, json_true());
    tree_count(g, j, m, j->file.depth + 1);
    const char *sha = tg_rec_str(m, "sha256");
    const char *code = tg_rec_str(m, "code");
    if (!sha || !tg_sha256_valid(sha)) {
        int err = json_is_true(json_object_get(m, "error"));
        ing_event(g, err ? "error" : "skipped", loc, NULL, code ? code : "unreadable",
                  tg_rec_str(m, "reason"), 0);
        j->nest.member_errors += err;
        free(loc);
        return;
    }
    if (j->nest.bundle && !strcmp(name, TG_MANIFEST_NAME)) {
        /* a bundle's own manifest; a mail's attachment of that name is a
         * document like any other */
        bundle_manifest(g, j, loc, sha);
        free(loc);
        return;
    }
    char *path = tg_store_path(g->store, sha);
    job_t *c = job_new(g, path, loc, tg_xstrdup(j->file.folder), tg_rec_int(m, "size", 0),
                       tg_rec_int(m, "mtime", 0));
    free(path);
    if (j->nest.manifest)
        tg_locmeta_from_manifest(j->nest.manifest, j->nest.manifest_where, name, &c->lm);
    else if (j->nest.bundle)
        j->nest.manifest_late = 1; /* in case the manifest comes after this member */
    /* whatever restricts the bundle or mail restricts what it holds */
    tg_locmeta_inherit(&c->lm, j->file.loc, &j->lm);
    c->file.rel = j->file.rel ? tg_xasprintf("%s!/%s", j->file.rel, name) : NULL;
    memcpy(c->file.sha, sha, sizeof c->file.sha);
    memcpy(c->file.container, j->file.sha, sizeof c->file.container);
    tg_store_note(g->store, sha);
    c->file.stored = 1;
    c->file.depth = j->file.depth + 1;
    g->total_files++;
    int u = intake_unchanged(g, c);
    if (u) {
        if (u >= 2)
            intake_reapply(g, c, u == 2 ? "sidecar metadata changed" : NULL);
        else
            ing_event(g, "unchanged", c->file.loc, c->file.old_sha, NULL, NULL, 0);
        job_finish(g, c);
        return;
    }
    c->nest.parent = j;
    j->nest.children++;
    jobq_push(&g->queue, c, 0);
}

/* ==== Bundles read again, bundles read to the end ========================= */

void container_unpack_over(ing_t *g, job_t *j, json_t *unpack)
{
    job_t *r = job_root(j);
    tree_cpu(j, r, json_number_value(json_object_get(unpack, "cpu")));
    const char *budget = tg_rec_str(unpack, "budget");
    if (budget) {
        j->tree.cut = 1;
        tree_stop(g, r,
                  !strcmp(budget, "members") ? "members"
                  : !strcmp(budget, "time")  ? "time"
                                             : "bytes");
    } else {
        tree_check(g, r);
    }
}

/* The reader of bundle j died (code, *reason): the member it was on is
 * reported, and the bundle is queued to be read again from the entry after
 * it, from its copy in the store; after MAX_RESUMES times, *reason is
 * replaced by one that says it gave up. */
int container_resume(ing_t *g, job_t *j, const char *code, char **reason)
{
    int next = j->nest.cur_index + 1;
    if (j->nest.cur_open) {
        char *mloc = tg_xasprintf("%s!/%s", j->file.loc, j->nest.cur_name ? j->nest.cur_name : "?");
        char *r = tg_xasprintf("the bundle reader died on this member: %s", *reason);
        ing_event(g, "error", mloc, NULL, code, r, 0);
        j->nest.member_errors++;
        free(r);
        free(mloc);
    }
    if (j->nest.resumes < MAX_RESUMES) {
        j->nest.resumes++;
        j->nest.skip = (unsigned)next;
        j->nest.cur_index = -1;
        j->nest.cur_open = 0;
        j->extracting = 0;
        if (!j->file.stored) {
            /* read the copy in the store, not the user's file */
            char *p = tg_store_path(g->store, j->file.sha);
            free(j->file.path);
            j->file.path = p;
            j->file.stored = 1;
        }
        jobq_push(&g->queue, j, 1);
        return 1;
    }
    char *r = tg_xasprintf("gave up after %u readers died: %s", MAX_RESUMES + 1, *reason);
    free(*reason);
    *reason = r;
    return 0;
}
