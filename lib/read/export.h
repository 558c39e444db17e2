/* Export of search results as evidence: one row per document, with its
 * SHA-256, title, document date and where that date came from, every
 * location, the persons and dates it mentions, the page of the best hit and
 * a snippet; as CSV (RFC 4180, for spreadsheets) or JSON.  Used by
 * `testigo-search --export` and `--export-bag` (see bagit.h), and open to
 * the web front end.
 *
 * Persons and mentioned dates come from the record (record.h:
 * tg_record_person, TG_LIST_MENTIONS); for documents without any, those
 * columns are empty.
 *
 * CSV cells that a spreadsheet would run as a formula (starting with '=',
 * '+', '-', '@', tab or CR: titles and snippets come from untrusted
 * documents) get a leading apostrophe; the JSON export carries the exact
 * values. */
#ifndef TG_EXPORT_H
#define TG_EXPORT_H

#include <jansson.h>

#include "buf.h"
#include "search.h"

/* The columns, in CSV order, NULL-terminated.  The JSON rows have the same
 * keys (lists as arrays, page as a number or null, restricted as a boolean,
 * embargo as "YYYY-MM-DD", the last day of the document's embargo, or null). */
extern const char *const tg_export_columns[];

/* The export row of a hit (the caller's).  bag_path: where the original is
 * in a bag ("data/<sha256>/<name>"), or NULL outside a bag (the "file" key is
 * then absent). */
json_t *tg_export_row(const tg_hit_t *h, const char *bag_path);

/* Appends the CSV header line (with_file: the "file" column of bags first). */
tg_status_t tg_export_csv_header(tg_buf_t *out, int with_file);
/* Appends one row as a CSV line; lists are joined with "; " (locations with
 * a line break, since paths may hold ';').  TG_ERR_LIMIT at out's cap. */
tg_status_t tg_export_csv_row(tg_buf_t *out, const json_t *row, int with_file);

#endif
