/* Persons of the archive for the search library's own use: the person
 * store read from the index (its XP, XK terms: entities.h resolves them),
 * person: queries expanded to every form of a person, and the list of
 * persons (tg_search_persons).
 *
 * The store is the index's own vocabulary: no entity is written anywhere,
 * so a document added, re-extracted or removed changes the persons at
 * once and never leaves a stale one.  A public handle (or hide_restricted)
 * reads it without the terms of the documents it hides: a name, a variant
 * or an identity number only hidden documents give is not there at all,
 * so it can neither be listed nor join two persons. */
#ifndef TG_PEOPLE_H
#define TG_PEOPLE_H

#include <jansson.h>

#include "entities.h"
#include "search.h"

/* Reads and resolves the persons the handle may show (hide: as a public
 * handle does).  *out to tg_entities_free.  An index error's status
 * (message on a) otherwise; retries as every read does. */
tg_status_t tg_people_load(tg_archive_t *a, int hide, tg_entities_t **out);

/* The documents naming entity i (its keys' XP terms, its numbers' XK
 * links and XI terms). */
tg_query_t *tg_people_query(const tg_entities_t *e, size_t i);

/* A parse's expander (tg_qparser_set_persons): the store is read at the
 * first person: of the query, once. */
typedef struct {
    tg_archive_t *a;
    int hide;
    tg_entities_t *ents;
    int failed; /* the store could not be read: names taken as written */
} tg_people_ctx_t;
tg_query_t *tg_people_expand(void *ctx, const char *key, const char *digits);
void tg_people_ctx_done(tg_people_ctx_t *c);

/* tg_search_persons (search.h) */
tg_status_t tg_people_list(tg_archive_t *a, tg_qparser_t *qp, const char *query,
                           const tg_search_req_t *req, unsigned limit, json_t **out, char *err,
                           size_t errlen);

/* tg_search_person_find (search.h) */
tg_status_t tg_people_find(tg_archive_t *a, int hide, const char *name, const char *idnum,
                           json_t **out, char *err, size_t errlen);

/* The person facet of a search (by_key: {person key: documents}) as the
 * persons they are: [{"name", "key", "documents"}], most documents first,
 * at most max.  A person's documents are its keys' summed (a document
 * naming one person in two forms that docpersons.h did not join counts
 * twice).  Keys the handle may not show are left out. */
tg_status_t tg_people_facet(tg_archive_t *a, int hide, const json_t *by_key, size_t max,
                            json_t **out);

#endif
