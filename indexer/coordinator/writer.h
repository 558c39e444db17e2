/* The single writer's operations on documents and locations, following
 * lib/index/schema.h: one Xapian document per content, its record listing where it
 * was found, and a metadata entry per location saying what is there.
 *
 * These functions only change the open write transaction; the coordinator
 * (ingest.c) decides when to commit.  On a Xapian failure they return its
 * status; the message is on the database handle. */
#ifndef TG_WRITER_H
#define TG_WRITER_H

#include <jansson.h>
#include <stdint.h>

#include "docmeta.h"
#include "record.h"
#include "schema.h"
#include "status.h"
#include "xap.h"

/* A location and what was found there. */
typedef struct {
    const char *loc;    /* "/abs/path" or "/abs/bundle.zip!/member" */
    const char *folder; /* facet folder */
    const char *sha;    /* content found there */
    int64_t size;
    int64_t mtime_ns;
    const tg_locmeta_t *lm; /* its sidecar metadata; NULL: none looked for */
    const char *container;  /* SHA-256 of the content holding it (a bundle,
                             * a mail), NULL for a file on disk */
    const char *rel;        /* the location as shown beyond the operator (the
                             * web): relative to the parent of the folder or
                             * file given to the indexer, "casos/2024/a.pdf",
                             * "fotos.zip!/b.jpg"; NULL: not known */
} tg_place_t;

/* Location metadata status values (tg_record_loc_status gives the first
 * four). */
#define TG_LOC_INDEXED     "indexed"
#define TG_LOC_FAILED      "failed"
#define TG_LOC_UNSUPPORTED "unsupported"
#define TG_LOC_EMPTY       "empty"
#define TG_LOC_NO_OCR      "indexed-no-ocr" /* indexed, but OCR was off where needed */

/* What the metadata says about loc (a JSON object), or NULL. */
json_t *tg_loc_get(tg_db_t *db, const char *loc);
/* Records what is at p->loc, with status and the extractor version, its
 * sidecar metadata's fingerprint ("sc"), its own restriction ("r") and
 * embargo ("emb"), what it holds from the locations holding it ("held") and
 * its relative form ("rel"). */
tg_status_t tg_loc_put(tg_db_t *db, const tg_place_t *p, const char *status);
/* Writes back a record tg_loc_get returned (changed by the caller). */
tg_status_t tg_loc_update(tg_db_t *db, const json_t *m);
/* Forgets loc. */
tg_status_t tg_loc_forget(tg_db_t *db, const char *loc);
/* Moves the records of long locations from the keys archives written
 * before used ("L#" + SHA-256) to today's (schema.h), so that a scan by
 * prefix finds them; *moved counts them.  Part of the writer's
 * transaction, like any change. */
tg_status_t tg_loc_migrate(tg_db_t *db, unsigned *moved);

/* The document of content sha and its record, or NULL if not indexed.  A
 * damaged record comes back empty.  Both are the caller's. */
tg_record_t *tg_content_load(tg_db_t *db, const char *sha, tg_doc_t **doc);
/* Writes the document of sha: merges the sidecar metadata of the record's
 * locations (tg_record_merge_sidecars), composes every term and value the
 * record gives and the data (tg_compose_record) onto doc's text part, and
 * replaces the indexed document. */
tg_status_t tg_content_put(tg_db_t *db, tg_stemmers_t *st, const char *sha, tg_doc_t *doc,
                           tg_record_t *rec);
/* Detaches loc from content sha; deletes the document when no location is
 * left (*deleted says so; may be NULL). */
tg_status_t tg_content_detach(tg_db_t *db, tg_stemmers_t *st, const char *sha, const char *loc,
                              int *deleted);

/* What is known of a file no worker could extract (it died, or the file
 * could not be read). */
typedef struct {
    const char *sha;    /* its content, in the store */
    int64_t size;       /* bytes */
    const char *mime;   /* detected type */
    const char *kind;   /* short type name */
    const char *reason; /* why it failed */
    const char *name;   /* file name of its location, for a date in it */
} tg_failed_t;
/* The record of such a file and its document without text (both the
 * caller's), so that the original is still listed, typed and
 * downloadable; tg_content_put writes them. */
void tg_content_failed(const tg_failed_t *f, tg_doc_t **doc, tg_record_t **rec);

/* Adds p's location to the record (once; counted past the cap), or brings
 * its sidecar metadata and shown form up to date if it is there already.
 * Returns 1 if the record changed. */
int tg_place_add(tg_record_t *rec, const tg_place_t *p);
/* Gives location loc of the record what it holds from the locations
 * holding it (held, tg_locmeta_t.held: NULL for nothing) and its shown form
 * (rel; NULL leaves it).  A location beyond the record's cap that holds a
 * restriction or an embargo restricts the content for good.  Returns 1 if
 * the record changed. */
int tg_place_inherit(tg_record_t *rec, const char *loc, const json_t *held, const char *rel);

#endif
