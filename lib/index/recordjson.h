/* The record's bridges to the JSON interfaces that stay JSON
 * (docs/record.md): what an extractor hands over (its metadata, warnings
 * and OCR summary, indexer/worker/extract.h), the sidecar metadata of a
 * location (lib/evidence/sidecar.h, indexer/coordinator/docmeta.h), and
 * the search API's published JSON (lib/read/search.c).  Everything else
 * reads and writes a record through record.h, which names no JSON type.
 *
 * Returned JSON belongs to the record (valid until it changes); given JSON
 * is copied. */
#ifndef TG_RECORDJSON_H
#define TG_RECORDJSON_H

#include <jansson.h>

#include "record.h"

/* The extractor's metadata object (replaced whole; empty removes it). */
void tg_record_set_meta_json(tg_record_t *r, const json_t *meta);
const json_t *tg_record_meta_json(const tg_record_t *r);
/* The extractor's warnings (an array of strings; empty removes them). */
void tg_record_set_warnings_json(tg_record_t *r, const json_t *warnings);
/* The OCR summary of the pages (docs/schema.md "ocr"), or NULL. */
void tg_record_set_ocr_json(tg_record_t *r, const json_t *ocr);
const json_t *tg_record_ocr_json(const tg_record_t *r);
/* The record as JSON, a copy the caller owns: the web API's /api/doc
 * publishes the record as stored (docs/web.md). */
json_t *tg_record_to_json(const tg_record_t *r);
/* A record from its JSON form (as tg_record_to_json gives it; the worker
 * protocol's "doc" message carries it): a copy, or NULL if j is not an
 * object. */
tg_record_t *tg_record_from_json(const json_t *j);
/* The merged sidecar metadata (tg_record_merge_sidecars), or NULL. */
const json_t *tg_record_sidecar_json(const tg_record_t *r);

/* Stores a location's own sidecar metadata (meta: normalised, sidecar.h;
 * its "restricted" and "embargo" are kept apart), restriction, embargo
 * ("" or NULL: none), where it came from (an array of strings, or NULL)
 * and what the locations holding it pass down (held: {"restricted": true,
 * "by": LOC} or {"embargo": D, "by": LOC}, or NULL).  Returns 1 if the
 * location changed. */
int tg_location_store_sidecar(tg_location_t *l, const json_t *meta, int restricted,
                              const char *embargo, const json_t *from, const json_t *held);
/* Sets only what is passed down (held as above, NULL: nothing); returns 1
 * if that changed it. */
int tg_location_set_inherited_json(tg_location_t *l, const json_t *held);

#endif
