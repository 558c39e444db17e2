/* What the search library's own files share of an archive handle
 * (search.c defines them): not for programs, which include search.h only. */
#ifndef TG_ARCHIVE_INT_H
#define TG_ARCHIVE_INT_H

#include "record.h"

#include "search.h"
#include "xap.h"

/* The handle's index. */
tg_db_t *tg_archive_db_(tg_archive_t *a);
/* Documents a public handle hides today (restricted, under embargo). */
tg_query_t *tg_archive_hidden_query_(void);
/* q without them; takes q. */
tg_query_t *tg_archive_without_hidden_(tg_query_t *q);
/* doc's record, as the handle may show it (public: published); *rec NULL
 * when it has none.  An index error's status, its message on a. */
tg_status_t tg_archive_record_(tg_archive_t *a, tg_doc_t *doc, tg_record_t **rec);
/* Records an index error of the database on a; returns st. */
tg_status_t tg_archive_db_failed_(tg_archive_t *a, tg_status_t st);
/* After an attempt that ended with *st: 1 if worth another (search.c's
 * retry: the revision read was discarded, and catching up worked). */
int tg_archive_again_(tg_archive_t *a, tg_status_t *st, int *tries);

#endif
