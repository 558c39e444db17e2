/* Sidecar metadata in the indexer: finding what applies to a location on
 * disk (its FILE.json, and the nearest manifest.csv that names it), telling
 * sidecar files apart so they do not become documents, and what a location
 * holding others passes down to them.  How the metadata of a document's
 * locations combine is the record's (lib/index/record.h:
 * tg_record_merge_sidecars), how it becomes terms the composer's
 * (lib/index/compose.h).
 *
 * Sidecar metadata belongs to a location; a document is one content found at
 * any number of locations.  How locations combine (docs/schema.md):
 *   title, date, language   the first location (in the record's order) that
 *                           gives one
 *   witness, place, collection, tags   the union over all locations
 *   restricted              if ANY location is restricted: by its own
 *                           metadata (or metadata that cannot be read: see
 *                           sidecar.h, fail closed), or because a location
 *                           holding it is (a bundle, a mail, a mail folder,
 *                           at any depth: "inherited")
 *   embargo                 the latest embargo of any location, its own or
 *                           inherited; the search library hides the
 *                           document through that day
 * A FILE.json field overrides the same field of a manifest row; for
 * restriction and embargo, any source is enough (the latest embargo wins).
 *
 * Parsing runs here, in the single writer, not in a worker: sidecars are
 * small (capped, see lib/evidence/sidecar.h), parsed by jansson and our own capped
 * CSV reader, and the writer needs them even for files it does not send to a
 * worker (unchanged files whose sidecar changed; duplicates). */
#ifndef TG_DOCMETA_H
#define TG_DOCMETA_H

#include <jansson.h>

#include "hash.h"
#include "sidecar.h"
#include "schema.h"
#include "xap.h"

typedef struct tg_sidecars tg_sidecars_t;

/* What applies to one location. */
typedef struct {
    json_t *meta;     /* normalised metadata (sidecar.h), NULL if none */
    int restricted;   /* 1: the location's own metadata restricts it */
    char embargo[11]; /* its own embargo's last day, "YYYY-MM-DD"; "" none */
    json_t *from;     /* array of strings: "/x/a.pdf.json", "/x/manifest.csv line 3" */
    char fingerprint[TG_SHA256_HEX_LEN + 1]; /* of meta (restriction and embargo
                                              * included); "" when nothing applies */
    /* What flows down from the locations holding this one (NULL: nothing):
     * {"restricted": true, "by": LOC} or {"embargo": "YYYY-MM-DD", "by": LOC},
     * LOC the nearest holding location whose own metadata says so. */
    json_t *held;
} tg_locmeta_t;

/* Problems with a sidecar file: its path (UTF-8) and what is wrong. */
typedef void (*tg_sidecar_report_fn)(void *ctx, const char *sidecar, const char *reason);

tg_sidecars_t *tg_sidecars_new(tg_sidecar_report_fn report, void *ctx);
/* Accepts NULL. */
void tg_sidecars_free(tg_sidecars_t *s);

/* Finds the sidecar metadata of the file at path (absolute, raw bytes),
 * looking for manifests from its folder up to root.  out must be released
 * with tg_locmeta_free.  Problems go to the report callback; a manifest's
 * problems are reported once per run. */
void tg_sidecars_lookup(tg_sidecars_t *s, const char *path, const char *root, tg_locmeta_t *out);
void tg_locmeta_free(tg_locmeta_t *m);

/* What the manifest m (a bundle's own manifest.csv; where names it, for
 * the record: "bundle.zip!/manifest.csv") says of the member at relpath
 * inside the bundle.  out must be released with tg_locmeta_free. */
void tg_locmeta_from_manifest(const tg_manifest_t *m, const char *where, const char *relpath,
                              tg_locmeta_t *out);

/* If path is a sidecar file (a manifest.csv, or FILE.json beside a regular
 * file FILE), returns 1 and sets *what to a malloc'd description for the
 * skip report ("sidecar of acta.pdf"); else returns 0.  A manifest's
 * problems are reported (once) even if no file uses it. */
int tg_sidecars_is_sidecar(tg_sidecars_t *s, const char *path, const char *root, char **what);

/* What a location holding others passes down to them, given its own
 * restriction and embargo, what it holds from above (held, may be NULL) and
 * its location: a new object as tg_locmeta_t.held, or NULL for nothing. */
json_t *tg_locmeta_pass(int restricted, const char *embargo, const json_t *held, const char *loc);
/* Sets child->held to what the location parent_loc, whose metadata is
 * parent, passes down. */
void tg_locmeta_inherit(tg_locmeta_t *child, const char *parent_loc, const tg_locmeta_t *parent);

#endif
