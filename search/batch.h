/* testigo-search --batch LIST.csv: a list of persons (a name, a cédula,
 * or both per row) searched at once, and a report per row (CSV, or JSON).
 * See man/testigo-search.1 and docs/persons.md. */
#ifndef TG_BATCH_H
#define TG_BATCH_H

#include <stdio.h>

#include "search.h"

/* Most rows read from one list, and documents reported per row. */
#define TG_BATCH_MAX_ROWS  100000
#define TG_BATCH_MAX_BYTES ((size_t)16 << 20)
#define TG_BATCH_MAX_DOCS  1000

/* Writes the report of the list at path to out; messages (prefixed
 * "testigo-search: ") to stderr.  max_docs: documents listed per row
 * (0: TG_BATCH_MAX_DOCS).  Returns the exit status: 0 some row found
 * something, 1 none did, 2 an error (the list unreadable, an index error). */
int tg_batch_run(tg_archive_t *a, tg_qparser_t *qp, const char *path, int json, unsigned max_docs,
                 FILE *out);

#endif
