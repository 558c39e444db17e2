/* testigo-search --batch LIST.csv: the list's report (lib/read/batch.h)
 * as CSV, or JSON.  See man/testigo-search.1 and docs/persons.md. */
#ifndef TG_SEARCH_BATCH_H
#define TG_SEARCH_BATCH_H

#include <stdio.h>

#include "search.h"

/* Writes the report of the list at path to out; messages (prefixed
 * "testigo-search: ") to stderr.  max_docs: documents listed per row
 * (0: TG_BATCH_MAX_DOCS).  Returns the exit status: 0 some row found
 * something, 1 none did, 2 an error (the list unreadable, an index error). */
int search_batch(tg_archive_t *a, tg_qparser_t *qp, const char *path, int json, unsigned max_docs,
                 FILE *out);

#endif
