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

/* Location metadata status values. */
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
 * damaged record comes back as an empty object. */
json_t *tg_content_load(tg_db_t *db, const char *sha, tg_doc_t **doc);
/* Writes the document of sha from its record: folder terms and value, file
 * name words, ingest value, the sidecar metadata of its locations
 * (docmeta.h), data. */
tg_status_t tg_content_put(tg_db_t *db, tg_stemmers_t *st, const char *sha, tg_doc_t *doc,
                           json_t *rec);
/* Detaches loc from content sha; deletes the document when no location is
 * left (*deleted says so; may be NULL). */
tg_status_t tg_content_detach(tg_db_t *db, tg_stemmers_t *st, const char *sha, const char *loc,
                              int *deleted);

/* The record's locations array (created if missing). */
json_t *tg_rec_locations(json_t *rec);
/* 1 if the record lists loc. */
int tg_rec_has_location(json_t *rec, const char *loc);
/* Adds p's location to the record (once; counted past the cap), or brings
 * its sidecar metadata up to date if it is there already.  Returns 1 if the
 * record changed. */
int tg_rec_add_location(json_t *rec, const tg_place_t *p);
/* Gives location loc of the record what it holds from the locations
 * holding it (held, tg_locmeta_t.held: NULL for nothing) and its shown form
 * (rel; NULL leaves it).  A location beyond the record's cap that holds a
 * restriction or an embargo restricts the content for good
 * (TG_REC_RESTRICTED_OVERFLOW).  Returns 1 if the record changed. */
int tg_rec_set_inherited(json_t *rec, const char *loc, const json_t *held, const char *rel);
/* Location status matching the record's extraction outcome. */
const char *tg_rec_loc_status(const json_t *rec);

#endif
