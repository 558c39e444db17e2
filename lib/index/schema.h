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
 *   XP       person named in the document (written by the evidence work;
 *            counted by the "person" facet, one term per person)
 *   XR       restricted: the term "XR1" marks a document that must never be
 *            listed, shown or served by the web front end
 *   XE       embargoed: the term "XE1" marks a document with an embargo, whose
 *            last day is in TG_SLOT_EMBARGO; the search library hides it
 *            through that day (decided when a search runs)
 *   XM       a date the text mentions, at each precision it was written
 *            with, like D: XM2025, XM2025-08, XM2025-08-05 (mentions:)
 *   XP       a person the text names: XP + the name's key (names.h:
 *            tg_name_key), "XPmarino alvarado" (person:)
 *   XI       a Venezuelan identity number the text gives, its digits:
 *            XI12345678 (id:)
 *   XA       words of a message's sender (From: name and address), folded,
 *            with positions (from:)
 *   XTO      words of a message's recipients (To: and Cc:), likewise (to:)
 *   XC, XL, XW, XT  sidecar metadata: collection, place (lugar), witness, tag;
 *            the value folded like words and joined by single spaces
 *            ("Caso Caracas" -> XCcaso caracas), see tg_fold_value
 * Multi-letter prefixes follow Omega's rule: the value after a prefix never
 * starts with an ASCII capital, so XC + "ci..." and a future XCI + "..."
 * cannot be confused (tg_doc_remove_prefixed relies on it).
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
 *   TG_SLOT_EMBARGO "YYYY-MM-DD", the last day of the document's embargo
 *
 * Document data: the record (record.h: its type; record.c: its JSON keys).
 *
 * Metadata (Xapian user metadata, committed with the documents)
 *   "L" + location      -> {"loc", "sha256", "size", "mtime", "status", "v",
 *                          "sc", "r", "emb", "held", "rel"}: what was found
 *                          at a location, for skipping unchanged files and for
 *                          moving a location when its content changes; its
 *                          own restriction and embargo and what it holds
 *                          from the locations holding it, so that a change is
 *                          passed down to what it holds without reading it
 *                          (docs/schema.md).
 *                          A location over TG_META_KEY_MAX bytes uses the key
 *                          "L" + its first TG_LOC_KEY_HEAD bytes + "\x1f" +
 *                          SHA-256 of the whole location, so a scan by prefix
 *                          (a bundle's members) still finds it.  Archives
 *                          written before used "L#" + SHA-256 (migrated when
 *                          the indexer opens them).
 *   "testigo.schema"    -> schema version
 *   "testigo.log"       -> {"head", "bytes"}: the ingest log's chain head and
 *                          length at the last commit (see ingestlog.h)
 *   "testigo.names"     -> SHA-256 of the names list the last run used, or
 *                          "none": a run with another list says what that
 *                          means for the documents already indexed
 */
#ifndef TG_SCHEMA_H
#define TG_SCHEMA_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "record.h"
#include "status.h"
#include "words.h"
#include "xap.h"

#define TG_SCHEMA_VERSION "1"

#define TG_PREFIX_STEM        "Z"
#define TG_PREFIX_TITLE       "S"
#define TG_PREFIX_ID          "Q"
#define TG_PREFIX_KIND        "T"
#define TG_PREFIX_LANG        "L"
#define TG_PREFIX_DATE        "D"
#define TG_PREFIX_FOLDER      "XF"
#define TG_PREFIX_RESTRICTED  "XR"
#define TG_PREFIX_MENTION     "XM"
#define TG_PREFIX_PERSON      "XP"
#define TG_PREFIX_IDNUM       "XI"
#define TG_PREFIX_PERSON_FORM "XV" /* a shorter form of a person, its key */
#define TG_PREFIX_PERSON_ID   "XK" /* an identity number attached to a person: digits, space, key */
#define TG_TERM_RESTRICTED    "XR1"
#define TG_PREFIX_EMBARGO     "XE"
#define TG_TERM_EMBARGO       "XE1"
#define TG_PREFIX_COLLECTION  "XC"
#define TG_PREFIX_PLACE       "XL"
#define TG_PREFIX_WITNESS     "XW"
#define TG_PREFIX_TAG         "XT"
#define TG_PREFIX_FROM        "XA"
#define TG_PREFIX_TO          "XTO"

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
    TG_SLOT_EMBARGO = 9,
};

/* The document record (the document's data) and its keys: record.h and
 * record.c, the only code that knows them. */
/* Metadata key of the ingest log's head (see ingestlog.h). */
#define TG_META_LOG_HEAD "testigo.log"
/* Metadata key of the last run's names list (its SHA-256, or "none"). */
#define TG_META_NAMES "testigo.names"
/* The persons of the last names list given: [[key, alias key, ...], ...]
 * (resolution across the archive: lib/read/people.c). */
#define TG_META_NAMES_KEYS "testigo.names.keys"
/* Terms of one kind (XM, XP, XI) a document holds at most. */
#define TG_MAX_TERMS_PER_KIND 10000
/* Longest location stored verbatim in a metadata key. */
#define TG_META_KEY_MAX 200
/* Bytes of a longer location kept at the start of its key. */
#define TG_LOC_KEY_HEAD 128

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
/* The same for the words of text that cur gives before the byte limit (a
 * page's, when the text's words were cut once: words.h); the words from
 * limit on are left to cur. */
void tg_index_words(tg_doc_t *doc, tg_stemmers_t *st, const char *lang, const char *prefix,
                    const char *text, tg_wordcur_t *cur, size_t limit, unsigned *pos,
                    unsigned wdf_inc);

/* Query side of the same rules: the folded term of a word (appended to out;
 * returns 0 if the word is too long to be indexed). */
int tg_word_term(tg_buf_t *out, const char *word, size_t len);
/* Query side: the Z terms a word may have been indexed under (its Spanish and
 * English stems, folded).  Calls cb for each distinct one. */
void tg_word_stems(tg_stemmers_t *st, const char *word, size_t len,
                   void (*cb)(void *ctx, const char *term, size_t len), void *ctx);

/* Appends value folded for a boolean term: each word folded as
 * tg_fold does, words joined by one space, everything else dropped
 * ("  Caso  CARACAS, 2024 " -> "caso caracas 2024").  Used by the indexer for
 * sidecar fields and by the query parser for collection:, place: ... */
void tg_fold_value(tg_buf_t *out, const char *value, size_t len);

/* Removes from doc every term that is prefix + a value (the character after
 * the prefix is not an ASCII capital, per Omega's rule). */
void tg_doc_remove_prefixed(tg_doc_t *doc, const char *prefix);

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
/* Sets the document date: removes every D term and the date slots, then, if
 * iso is a date (tg_date_parse), adds its D terms and sets TG_SLOT_DATE,
 * TG_SLOT_DATE_NEWEST, TG_SLOT_YEAR and TG_SLOT_MONTH; otherwise marks the
 * document undated ("~").  Returns 0 if iso was a date, -1 if not. */
int tg_doc_set_date(tg_doc_t *doc, const char *iso);
/* 1 if a date from source is the document's own (its metadata), which a
 * sidecar must not replace; 0 for TG_DATE_SOURCE_SIDECAR and the weaker
 * guesses (file name, text).  NULL (no date) is 0. */
int tg_date_source_is_own(const char *source);
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
/* The key an archive written before used for a location over
 * TG_META_KEY_MAX bytes ("L#" + SHA-256); 0 (nothing written) for a
 * shorter one. */
int tg_location_key_legacy(tg_buf_t *out, const char *location);
/* The prefix under which the keys of every location starting with
 * loc_prefix are found ("L" + loc_prefix, cut as long keys are cut).
 * Returns 1 if it was cut: the keys found may then belong to other
 * locations with the same head, and the caller must check each record's
 * "loc". */
int tg_location_key_prefix(tg_buf_t *out, const char *loc_prefix);
/* Short name of a location: its last component ("b.pdf" of "a.zip!/b.pdf"). */
const char *tg_location_basename(const char *location);

/* ==== The record ============================================================ */

/* Parses a document's data; NULL (and TG_ERR_CORRUPT semantics) if it is not
 * a JSON object.  The caller owns the result (json_decref). */
json_t *tg_json_parse_object(const char *data, size_t len);
/* Serialises a record compactly into a malloc'd string. */
char *tg_json_dump(const json_t *rec, size_t *len);
/* Convenience accessors: a string member or NULL, an integer member or dflt. */
const char *tg_rec_str(const json_t *rec, const char *key);
int64_t tg_rec_int(const json_t *rec, const char *key, int64_t dflt);
/* Sets a string member from UTF-8 of unknown cleanliness (cleaned first). */
void tg_rec_set_str(json_t *rec, const char *key, const char *value);
/* Sets a string member exactly as it is, control characters and all, when it
 * is valid UTF-8 (else as tg_rec_set_str): for locations, which name a file
 * exactly (an ESC in a file name stays one, JSON writes it \u001b) and must
 * compare equal to the location they were made from. */
void tg_rec_set_exact(json_t *rec, const char *key, const char *value);

#endif
