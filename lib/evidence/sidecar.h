/* Sidecar metadata: what an archivist says about a file, either in FILE.json
 * beside it or in a row of a manifest.csv in its folder or a folder above it
 * (see docs/evidence.md, "Sidecar metadata", for the rules as users see them).
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
 *   "embargo"    "YYYY-MM-DD": the last day the file stays restricted (a
 *                year or a month given alone means its last day)
 * Keys may also be written in Spanish (titulo, fecha, testigo, lugar,
 * coleccion, idioma, restringido, etiquetas, embargo_hasta), in any case,
 * with or without accents and surrounding spaces.  Keys starting with "x-"
 * or "x_" are the archivist's own and are ignored; any other unknown key
 * makes the sidecar malformed, because it may be a misspelt "restricted".
 *
 * Fail closed: whenever Testigo cannot be sure that a sidecar or a row did
 * not mean to restrict its file, the file is restricted (the *restricted
 * out-parameters below) until the metadata is fixed:
 *   - a FILE.json that is rejected for any reason (not JSON, an unknown key,
 *     a value it cannot read, over a cap) restricts its file;
 *   - a manifest row that is rejected for any reason restricts its file;
 *   - a manifest header with an unknown or repeated column restricts every
 *     file the manifest names;
 *   - a manifest that cannot be read at all, whose header cannot be read, or
 *     with a row whose CSV cannot be parsed (so which file it names cannot
 *     be told) restricts every file of its folder and below
 *     (tg_manifest_restricts_all).
 * A statement that endangers a witness must never be published because a
 * comma was missing.
 *
 * Caps: a FILE.json is at most TG_SIDECAR_MAX_JSON bytes, a manifest at most
 * TG_MANIFEST_MAX_BYTES and TG_MANIFEST_MAX_PATTERNS pattern rows; one value at most
 * TG_SIDECAR_MAX_VALUE bytes; a list at most TG_SIDECAR_MAX_VALUES values.  Over a cap is
 * malformed. */
#ifndef TG_SIDECAR_H
#define TG_SIDECAR_H

#include <jansson.h>
#include <stddef.h>

#include "status.h"

#define TG_SIDECAR_MAX_JSON   (64 * 1024)
#define TG_MANIFEST_MAX_BYTES (16 * 1024 * 1024)
#define TG_SIDECAR_MAX_VALUE  1024
#define TG_SIDECAR_MAX_VALUES 64
/* Rows of one manifest whose path is a pattern (each file is matched
 * against each); more restrict the manifest's whole folder. */
#define TG_MANIFEST_MAX_PATTERNS 256
/* The file name a folder's manifest has (exactly, lowercase). */
#define TG_MANIFEST_NAME "manifest.csv"
/* The suffix of a file's own sidecar: "acta.pdf" -> "acta.pdf.json". */
#define TG_SIDECAR_SUFFIX ".json"

/* Parses the bytes of a FILE.json.  TG_OK: *meta is the normalised object
 * (the caller's; may be empty) and *restricted 1 if it says restricted.
 * TG_ERR_FORMAT or TG_ERR_LIMIT: *meta is NULL, err says why ("line 3: ...",
 * "unknown key 'titel'"), and *restricted is 1 (fail closed). */
tg_status_t tg_sidecar_parse_json(const char *data, size_t len, json_t **meta, int *restricted,
                                  char *err, size_t errlen);

/* ==== manifest.csv ======================================================== */

/* A manifest: a header row naming the columns (one of them "file", also
 * "path", "archivo" or "ruta": the file's path relative to the manifest's
 * folder, '/' or '\' separated), then one row per file.  Lists in a cell are
 * separated by ';'.  The text may be in any encoding text.h decodes (Excel
 * on Windows writes Windows-1252), delimited by ',' or ';'.
 *
 * A row may also describe a folder: its path names a folder ("casos/2024",
 * "casos/2024/"), or is a pattern with '*', '?' or [...] ("*", "*.pdf",
 * "casos/" followed by '*', matched as fnmatch(3) does with FNM_PATHNAME).
 * Such a row covers every file below the folder, or below what the pattern
 * matches, at any depth. */
typedef struct tg_manifest tg_manifest_t;

/* Parses a manifest.  Never fails: a manifest with problems still answers
 * for its good rows; each problem (a bad header, a bad row, a CSV syntax
 * error) is listed with its line, and restricts as the fail-closed rule
 * above says. */
tg_manifest_t *tg_manifest_parse(const char *data, size_t len);
/* A manifest that could not be read at all (why: "permission denied"): it
 * names no file and restricts every file of its folder. */
tg_manifest_t *tg_manifest_unreadable(const char *why);
/* Accepts NULL. */
void tg_manifest_free(tg_manifest_t *m);
/* Rows that name a file (good or not). */
size_t tg_manifest_rows(const tg_manifest_t *m);
/* Problems found, and the i-th as "line 4: invalid date '2024-13-01'".
 * Only the first few are kept; tg_manifest_problems counts them all. */
size_t tg_manifest_problems(const tg_manifest_t *m);
size_t tg_manifest_problems_kept(const tg_manifest_t *m);
const char *tg_manifest_problem(const tg_manifest_t *m, size_t i);
/* Why every file of the manifest's folder (and below) is restricted
 * ("line 1: the header cannot be read: ..."), or NULL when it is not. */
const char *tg_manifest_restricts_all(const tg_manifest_t *m);

/* Normalises a relative path as manifests write them: '\' -> '/', "./" and
 * empty components dropped.  Returns a malloc'd string, or NULL if the path
 * is absolute, climbs ("..") or is empty. */
char *tg_manifest_path(const char *s);

/* What a manifest row says of a file. */
typedef struct {
    const json_t *meta; /* its metadata (borrowed from the manifest); NULL if
                         * the row was rejected */
    int restricted;     /* the row restricts (fail-closed rule included) */
    char embargo[11];   /* "YYYY-MM-DD", the embargo's last day; "" none */
    unsigned long line; /* the row's line */
} tg_manifest_row_t;

/* The file's own row: the row for relpath (relative to the manifest's
 * folder, '/' separated, as tg_manifest_path makes it).  Returns 1 and
 * fills *out if there is one, else 0. */
int tg_manifest_lookup(const tg_manifest_t *m, const char *relpath, tg_manifest_row_t *out);

/* The rows for folders holding relpath, and the patterns matching it or a
 * folder holding it (see above; not its own row).  Returns how many apply,
 * and if any: out->restricted if any of them restricts, out->embargo the
 * latest of their embargoes, out->meta and out->line those of the nearest
 * (the deepest folder; a plain path before a pattern, then the earlier
 * line). */
size_t tg_manifest_lookup_folder(const tg_manifest_t *m, const char *relpath,
                                 tg_manifest_row_t *out);

/* Normalises an embargo's end as given ("2030", "2030-06", "2030-06-15",
 * "15/06/2030", a time after the day is dropped) into "YYYY-MM-DD", the
 * last day it covers.  Returns 0, or -1 if s is not such a date. */
int tg_embargo_parse(const char *s, char out[11]);

#endif
