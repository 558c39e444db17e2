/* The index schema: how a document becomes Xapian terms, values and data.
 * One definition, used by the indexer to write and by search to read.
 * docs/schema.md describes the same thing for people; keep them in step.
 *
 * Terms
 *   (none)   free text, case- and diacritic-folded, with positions
 *   Z        stem of a free-text word in the document's language, folded
 *   S        words of the title, folded, with positions (title: field)
 *   Q        SHA-256 of the content: one Xapian document per distinct content
 *   T        kind: pdf, text, ... (type: field)
 *   L        language code: es, en, und ... (lang: field)
 *   D        document date, at three precisions: D2024, D2024-07, D2024-07-30
 *            (date: and year: fields; ranges expand to these terms)
 *   XF       folder of a location: the name of the folder given to the
 *            indexer and the first folder below it, "corpus/noticias" (facet)
 *   XR       restricted: the term "XR1" marks a document that must never be
 *            listed, shown or served by the web front end
 * Boolean values longer than fit in a term are hashed (see tg_bool_term), never
 * truncated, so two long values cannot collide.
 *
 * Value slots (strings, for sorting and facets)
 *   TG_SLOT_DATE    "YYYYMMDDhhmmss" of the document date, "~" when undated
 *                   so that undated documents sort last in date order
 *   TG_SLOT_DATE_NEWEST  the same with every digit d written 9-d, so that an
 *                   ascending sort is newest first, undated still last
 *   TG_SLOT_SIZE    size in bytes, zero-padded to 16 digits
 *   TG_SLOT_INGEST  ISO 8601 time the content was first indexed
 *   TG_SLOT_KIND, TG_SLOT_LANG, TG_SLOT_YEAR, TG_SLOT_MONTH ("YYYY-MM"),
 *   TG_SLOT_FOLDER  facet values
 *
 * Document data: a JSON object (the "record"), keys TG_REC_*, below.
 *
 * Metadata (Xapian user metadata, committed with the documents)
 *   "L" + location      -> {"loc", "sha256", "size", "mtime"}: what was found
 *                          at a location, for skipping unchanged files and for
 *                          moving a location when its content changes.
 *                          Locations over TG_META_KEY_MAX bytes use the key
 *                          "L#" + SHA-256 of the location instead.
 *   "testigo.schema"    -> schema version
 */
#ifndef TG_SCHEMA_H
#define TG_SCHEMA_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "status.h"
#include "xap.h"

#define TG_SCHEMA_VERSION "1"

#define TG_PREFIX_STEM       "Z"
#define TG_PREFIX_TITLE      "S"
#define TG_PREFIX_ID         "Q"
#define TG_PREFIX_KIND       "T"
#define TG_PREFIX_LANG       "L"
#define TG_PREFIX_DATE       "D"
#define TG_PREFIX_FOLDER     "XF"
#define TG_PREFIX_RESTRICTED "XR"
#define TG_TERM_RESTRICTED   "XR1"

enum {
    TG_SLOT_DATE = 0,
    TG_SLOT_SIZE = 1,
    TG_SLOT_INGEST = 2,
    TG_SLOT_KIND = 3,
    TG_SLOT_LANG = 4,
    TG_SLOT_YEAR = 5,
    TG_SLOT_MONTH = 6,
    TG_SLOT_FOLDER = 7,
    TG_SLOT_DATE_NEWEST = 8,
};

/* Keys of the document record (JSON object in the document data). */
#define TG_REC_SHA256           "sha256"       /* string, 64 hex */
#define TG_REC_SIZE             "size"         /* integer, bytes */
#define TG_REC_MIME             "mime"         /* string, "application/pdf" */
#define TG_REC_KIND             "kind"         /* string, "pdf" */
#define TG_REC_TITLE            "title"        /* string or absent */
#define TG_REC_TITLE_SOURCE     "title_source" /* "metadata", "filename", "first line" */
#define TG_REC_LANG             "lang"         /* string */
#define TG_REC_DATE             "date"         /* ISO 8601 or absent */
#define TG_REC_DATE_SOURCE      "date_source"  /* where the date came from */
#define TG_REC_META             "meta" /* object: author, subject, keywords, created, modified ... */
#define TG_REC_CHARSET          "charset"   /* string, for text */
#define TG_REC_PAGES            "pages"     /* integer, for paged formats */
#define TG_REC_PAGE_POS         "page_pos"  /* array: first term position of each page */
#define TG_REC_LOCATIONS        "locations" /* array of {"path", "folder"}, first found first */
#define TG_REC_LOCATIONS_TOTAL  "locations_total"  /* integer when locations is capped */
#define TG_REC_WARNINGS         "warnings"         /* array of strings */
#define TG_REC_INGESTED         "ingested"         /* ISO 8601 */
#define TG_REC_TEXT_BYTES       "text_bytes"       /* integer, size of the extracted text */
#define TG_REC_EXTRACTION       "extraction"       /* "ok", "failed" or "unsupported" */
#define TG_REC_EXTRACTION_ERROR "extraction_error" /* why it failed */
#define TG_REC_EXTRACTOR        "extractor"        /* integer: extractor version that ran */
#define TG_REC_OCR              "ocr"              /* object: pages read by OCR (docs/schema.md) */

/* Locations kept in a record; beyond this only the count grows (the metadata
 * table still has every one). */
#define TG_MAX_RECORD_LOCATIONS 1000
/* Longest location stored verbatim in a metadata key. */
#define TG_META_KEY_MAX 200

/* ==== Terms =============================================================== */

/* Builds prefix + value as a boolean term into out.  Values that would make
 * the term longer than Xapian allows are replaced by "#" + their SHA-256. */
void tg_bool_term(tg_buf_t *out, const char *prefix, const char *value);

/* The unique term of a content: "Q" + sha. */
void tg_id_term(tg_buf_t *out, const char *sha256);

/* Stemmers for the languages Testigo stems (Spanish and English), created
 * once per process and shared by indexing and query parsing. */
typedef struct tg_stemmers tg_stemmers_t;
tg_stemmers_t *tg_stemmers_new(void);
void tg_stemmers_free(tg_stemmers_t *s);

/* Indexes text into doc: each word as its folded form, plus its folded stem
 * with prefix Z in language lang ("es", "en"; any other language gets both).
 * With pos, words get positions starting at *pos + 1 (*pos is advanced);
 * with pos NULL they get no positions and wdf_inc each (titles, file names,
 * which must not disturb the body's positions).  If prefix is non-empty
 * (title), terms get that prefix and no stems. */
void tg_index_text(tg_doc_t *doc, tg_stemmers_t *st, const char *lang, const char *prefix,
                   const char *text, size_t len, unsigned *pos, unsigned wdf_inc);

/* Query side of the same rules: the folded term of a word (appended to out;
 * returns 0 if the word is too long to be indexed). */
int tg_word_term(tg_buf_t *out, const char *word, size_t len);
/* Query side: the Z terms a word may have been indexed under (its Spanish and
 * English stems, folded).  Calls cb for each distinct one. */
void tg_word_stems(tg_stemmers_t *st, const char *word, size_t len,
                   void (*cb)(void *ctx, const char *term, size_t len), void *ctx);

/* ==== Dates =============================================================== */

/* A calendar date with its precision: year only, year and month, or full. */
typedef struct {
    int year, month, day; /* month, day 0 when unknown */
} tg_date_t;

/* Parses "YYYY", "YYYY-MM" or "YYYY-MM-DD" (optionally followed by "T...").
 * Returns 0 on success, -1 if the text is not such a date or the date does
 * not exist (2025-02-30). */
int tg_date_parse(const char *s, size_t len, tg_date_t *d);
/* Days in month (1..12) of year. */
int tg_days_in_month(int year, int month);
/* Adds the D terms of a document date: D2024, D2024-07, D2024-07-30. */
void tg_date_add_terms(tg_doc_t *doc, const char *prefix, const tg_date_t *d);
/* Query matching term(s) with prefix for dates in [from, to] (inclusive,
 * each at any precision; from.year == 0 means open start, to.year == 0
 * open end), expressed with as few year, month and day terms as possible.
 * Returns TG_ERR_QUERY if from is after to or the range is open at both ends. */
tg_status_t tg_date_range_query(const char *prefix, const tg_date_t *from, const tg_date_t *to,
                                tg_query_t **out);

/* ==== Locations ============================================================ */

/* The metadata key of a location. */
void tg_location_key(tg_buf_t *out, const char *location);
/* Short name of a location: its last component ("b.pdf" of "a.zip!/b.pdf"). */
const char *tg_location_basename(const char *location);

/* ==== The record ============================================================ */

/* Parses a document's data; NULL (and TG_ERR_CORRUPT semantics) if it is not
 * a JSON object.  The caller owns the result (json_decref). */
json_t *tg_record_parse(const char *data, size_t len);
/* Serialises a record compactly into a malloc'd string. */
char *tg_record_dump(const json_t *rec, size_t *len);
/* Convenience accessors: a string member or NULL, an integer member or dflt. */
const char *tg_rec_str(const json_t *rec, const char *key);
int64_t tg_rec_int(const json_t *rec, const char *key, int64_t dflt);
/* Sets a string member from UTF-8 of unknown cleanliness (cleaned first). */
void tg_rec_set_str(json_t *rec, const char *key, const char *value);

#endif
