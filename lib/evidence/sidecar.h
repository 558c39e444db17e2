/* Sidecar metadata: what an archivist says about a file, either in FILE.json
 * beside it or in a row of a manifest.csv in its folder or a folder above it
 * (see docs/schema.md, "Sidecar metadata", for the rules as users see them).
 *
 * This module only parses bytes; finding sidecars on disk (or in a zip, for
 * the archive reader) and applying them to documents is the caller's job.
 *
 * Parsed metadata is a JSON object holding only the keys that were given,
 * each normalised:
 *   "title"      string
 *   "date"       "YYYY", "YYYY-MM", "YYYY-MM-DD" or "YYYY-MM-DDThh:mm[:ss]..."
 *   "language"   ISO 639 code, lowercase ("es", "en")
 *   "witness", "place", "collection", "tags"    arrays of strings
 *   "restricted" true or false
 * Keys may also be written in Spanish (titulo, fecha, testigo, lugar,
 * coleccion, idioma, restringido, etiquetas), in any case and with or without
 * accents.  Keys starting with "x-" or "x_" are the archivist's own and are
 * ignored; any other unknown key makes the sidecar malformed, because a
 * misspelt "restricted" must not pass silently.
 *
 * Safety rule: a malformed sidecar is ignored as a whole, except that if it
 * says restricted, or has a restricted value that cannot be read as false,
 * the document is still restricted (the *restricted out-parameters below).
 * A statement that endangers a witness must never be published because a
 * comma was missing in its sidecar.
 *
 * Caps: a FILE.json is at most TG_SIDECAR_MAX_JSON bytes, a manifest at most
 * TG_MANIFEST_MAX_BYTES; one value at most TG_SIDECAR_MAX_VALUE bytes; a list
 * at most TG_SIDECAR_MAX_VALUES values.  Over a cap is malformed. */
#ifndef TG_SIDECAR_H
#define TG_SIDECAR_H

#include <jansson.h>
#include <stddef.h>

#include "status.h"

#define TG_SIDECAR_MAX_JSON   (64 * 1024)
#define TG_MANIFEST_MAX_BYTES (16 * 1024 * 1024)
#define TG_SIDECAR_MAX_VALUE  1024
#define TG_SIDECAR_MAX_VALUES 64
/* The file name a folder's manifest has (exactly, lowercase). */
#define TG_MANIFEST_NAME "manifest.csv"
/* The suffix of a file's own sidecar: "acta.pdf" -> "acta.pdf.json". */
#define TG_SIDECAR_SUFFIX ".json"

/* Parses the bytes of a FILE.json.  TG_OK: *meta is the normalised object
 * (the caller's; may be empty) and *restricted 1 if it says restricted.
 * TG_ERR_FORMAT or TG_ERR_LIMIT: *meta is NULL, err says why ("line 3: ...",
 * "unknown key 'titel'"), and *restricted follows the safety rule above. */
tg_status_t tg_sidecar_parse_json(const char *data, size_t len, json_t **meta, int *restricted,
                                  char *err, size_t errlen);

/* ==== manifest.csv ======================================================== */

/* A manifest: a header row naming the columns (one of them "file", also
 * "path", "archivo" or "ruta": the file's path relative to the manifest's
 * folder, '/' or '\' separated), then one row per file.  Lists in a cell are
 * separated by ';'.  The text may be in any encoding text.h decodes (Excel
 * on Windows writes Windows-1252), delimited by ',' or ';'. */
typedef struct tg_manifest tg_manifest_t;

/* Parses a manifest.  Never fails: a manifest with problems still answers
 * for its good rows; each problem (a bad header, a bad row, a CSV syntax
 * error) is listed with its line.  A bad header rejects every row's
 * metadata, but not their restrictions (the safety rule). */
tg_manifest_t *tg_manifest_parse(const char *data, size_t len);
/* Accepts NULL. */
void tg_manifest_free(tg_manifest_t *m);
/* Rows that name a file (good or not). */
size_t tg_manifest_rows(const tg_manifest_t *m);
/* Problems found, and the i-th as "line 4: invalid date '2024-13-01'".
 * Only the first few are kept; tg_manifest_problems counts them all. */
size_t tg_manifest_problems(const tg_manifest_t *m);
size_t tg_manifest_problems_kept(const tg_manifest_t *m);
const char *tg_manifest_problem(const tg_manifest_t *m, size_t i);

/* Normalises a relative path as manifests write them: '\' -> '/', "./" and
 * empty components dropped.  Returns a malloc'd string, or NULL if the path
 * is absolute, climbs ("..") or is empty. */
char *tg_manifest_path(const char *s);

/* The row for relpath (relative to the manifest's folder, '/' separated,
 * as tg_manifest_path makes it).  Returns 1 if there is one: *meta is its
 * metadata (borrowed from m; NULL if the row was rejected), *restricted its
 * restriction (with the safety rule), *line the row's line.  Returns 0 if
 * the manifest does not name relpath. */
int tg_manifest_lookup(const tg_manifest_t *m, const char *relpath, const json_t **meta,
                       int *restricted, unsigned long *line);

#endif
