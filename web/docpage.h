/* The sections of a document's page that say what the archive knows of it
 * (persons, identity numbers, dates mentioned, sidecar fields), each value a
 * link to the search for it, and the same as JSON for /api/doc. */
#ifndef TG_WEB_DOCPAGE_H
#define TG_WEB_DOCPAGE_H

#include <jansson.h>

#include "record.h"
#include "web.h"

/* Appends the query that searches field for value: field:value for a
 * plain token (a date, an identity number), else field:"value" with any
 * quote in value made a space. */
void web_field_query(tg_buf_t *out, const char *field, const char *value);

/* Appends the sections of rec (nothing when it knows none). */
void render_doc_known(tg_buf_t *b, const web_req_t *q, const tg_record_t *rec);

/* {"persons": [{"value", "query", "url", "ids": [...], "count"}], "ids",
 * "mentions", "witness", "place", "collection", "tags": [{"value", "query",
 * "url"}], "date_source", "title_source": in words in the request's
 * language, or null}.  The caller owns it. */
json_t *web_doc_known_json(const web_req_t *q, const tg_record_t *rec);

#endif
