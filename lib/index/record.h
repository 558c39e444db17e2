/* The record of a document: what Testigo knows about one content (its
 * facts: digest, size, type, title, date, language, what extraction found)
 * and where it was found (its locations, with their sidecar metadata and
 * what the locations holding them pass down).  A typed handle with
 * accessors, in the manner of notmuch's notmuch_message_get_*: no other
 * code knows how a record is stored.
 *
 * Stored as the Xapian document's data: a JSON object (docs/record.md lists
 * its keys; record.c is the only file that knows them).  Unknown keys of a
 * stored record are kept as they are, so a record written by a newer
 * version survives being rewritten by an older one.
 *
 * Ownership: a tg_record_t belongs to whoever created it (tg_record_new,
 * tg_record_parse, tg_record_copy) and is released with tg_record_free
 * (NULL is a no-op).  Strings returned by getters belong to the record and
 * stay valid until the record is changed or freed.  A tg_location_t is a
 * view into its record, valid until the record's locations change (a
 * location added or removed) or the record is freed; never freed itself.
 *
 * Setters copy what they are given.  Strings of unknown cleanliness are
 * cleaned to valid UTF-8 (tg_utf8_clean); locations are kept exactly as
 * they are when they are valid UTF-8 (a control character in a file name
 * stays one), so that they compare equal to the location they came from.
 *
 * Adding a field: a getter and a setter here, one key in record.c, one
 * line in docs/record.md. */
#ifndef TG_RECORD_H
#define TG_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef struct tg_record tg_record_t;
typedef struct tg_location tg_location_t;

/* Record "extraction" states. */
#define TG_EXTRACTION_OK          "ok"
#define TG_EXTRACTION_FAILED      "failed"
#define TG_EXTRACTION_UNSUPPORTED "unsupported"

/* Where the document date came from (tg_record_get_date_source), in order
 * of precedence: the document's own metadata (the extractor's name for it,
 * e.g. "pdf:CreationDate"), sidecar metadata, the file name, the first
 * dated line of the text. */
#define TG_DATE_SOURCE_SIDECAR    "sidecar"
#define TG_DATE_SOURCE_FILENAME   "filename"
#define TG_DATE_SOURCE_FIRST_LINE "text:first-dated-line"
#define TG_DATE_SOURCE_TEXT       "text"

/* Where the title came from (tg_record_get_title_source): the document's
 * own metadata, a sidecar, or its first line when it has neither and the
 * line reads as a title (lib/evidence/title.h). */
#define TG_TITLE_SOURCE_METADATA   "metadata"
#define TG_TITLE_SOURCE_SIDECAR    "sidecar"
#define TG_TITLE_SOURCE_FIRST_LINE "first line"

/* Text marks (tg_record_text_mark): one at the first word at or past each
 * TG_TEXT_MARK_STEP bytes of a text longer than that. */
#define TG_TEXT_MARK_STEP ((size_t)64 << 10)

/* Locations kept in a record; beyond this only the count grows (the metadata
 * table still has every one). */
#define TG_MAX_RECORD_LOCATIONS 1000
/* Caps on what a record lists of a document's mentions (its terms hold
 * every one up to TG_MAX_TERMS_PER_KIND, schema.h). */
#define TG_MAX_RECORD_MENTIONS 500
#define TG_MAX_RECORD_PERSONS  500
#define TG_MAX_RECORD_FORMS    5
#define TG_MAX_RECORD_IDS      200

/* ==== Life cycle and the one serialisation ================================ */

/* An empty record.  Never NULL (out of memory aborts). */
tg_record_t *tg_record_new(void);
/* Parses a stored record (a document's data).  TG_ERR_CORRUPT, *out NULL,
 * if it is not a JSON object. */
tg_status_t tg_record_parse(const char *data, size_t len, tg_record_t **out);
/* The record serialised as it is stored: a malloc'd string (the caller
 * frees it), its length in *len (may be NULL).  Keys keep their order, so
 * parse then dump gives back the bytes main has always written. */
char *tg_record_dump(const tg_record_t *r, size_t *len);
tg_record_t *tg_record_copy(const tg_record_t *r);
void tg_record_free(tg_record_t *r);
/* 1 if a and b hold the same values. */
int tg_record_equal(const tg_record_t *a, const tg_record_t *b);

/* ==== The content's facts ================================================= */

/* Strings: NULL when absent. */
const char *tg_record_get_sha256(const tg_record_t *r);
const char *tg_record_get_mime(const tg_record_t *r);
const char *tg_record_get_kind(const tg_record_t *r);
/* The title shown: a sidecar's when one gives it, else the document's own
 * (metadata).  tg_record_get_own_title: the document's own title whatever a
 * sidecar says, NULL when it has none. */
const char *tg_record_get_title(const tg_record_t *r);
const char *tg_record_get_own_title(const tg_record_t *r);
const char *tg_record_get_title_source(const tg_record_t *r);
/* Language code ("es", "en", "und"); NULL only for a damaged record. */
const char *tg_record_get_lang(const tg_record_t *r);
/* The document date, "YYYY[-MM[-DD]]" or with a time "YYYY-MM-DDThh:mm:ssZ",
 * and where it came from (TG_DATE_SOURCE_*, or the metadata's name). */
const char *tg_record_get_date(const tg_record_t *r);
const char *tg_record_get_date_source(const tg_record_t *r);
const char *tg_record_get_charset(const tg_record_t *r);
/* ISO 8601 time the content was first indexed. */
const char *tg_record_get_ingested(const tg_record_t *r);
/* TG_EXTRACTION_*, and why extraction failed. */
const char *tg_record_get_extraction(const tg_record_t *r);
const char *tg_record_get_extraction_error(const tg_record_t *r);
/* Last day of the latest embargo of any location ("YYYY-MM-DD"), or NULL. */
const char *tg_record_get_embargo(const tg_record_t *r);
/* 1 if the record has an embargo at all, even one that is not a string
 * (which a reader must take as hidden: fail closed). */
int tg_record_has_embargo(const tg_record_t *r);

/* Integers: dflt when absent. */
int64_t tg_record_get_size(const tg_record_t *r);
/* Pages of a paged format; 0 when not paged. */
int64_t tg_record_get_pages(const tg_record_t *r);
int64_t tg_record_get_text_bytes(const tg_record_t *r);
/* The extractor version that made the record; 0 when unknown. */
int64_t tg_record_get_extractor(const tg_record_t *r);

/* Flags: 1 or 0. */
int tg_record_get_restricted(const tg_record_t *r);
/* A location beyond the record's cap was restricted or embargoed: the
 * content stays restricted for good (fail closed). */
int tg_record_get_restricted_overflow(const tg_record_t *r);
/* The stored text is the original itself (a plain text file). */
int tg_record_get_text_original(const tg_record_t *r);
/* OCR was off (--no-ocr) where it was needed. */
int tg_record_get_ocr_skipped(const tg_record_t *r);
/* The mean OCR confidence (0..100) of the document's pages, or -1. */
double tg_record_get_ocr_confidence(const tg_record_t *r);

/* Metadata the extractor found (author, subject, keywords, created ...):
 * a string value or NULL (a value that is not a string is NULL too). */
const char *tg_record_get_meta(const tg_record_t *r, const char *key);

/* Setters for the facts the worker finds.  value NULL removes the key. */
void tg_record_set_sha256(tg_record_t *r, const char *v);
void tg_record_set_mime(tg_record_t *r, const char *v);
void tg_record_set_kind(tg_record_t *r, const char *v);
/* The document's own title and where it came from ("metadata"). */
void tg_record_set_title(tg_record_t *r, const char *v, const char *source);
void tg_record_set_lang(tg_record_t *r, const char *v);
void tg_record_set_date(tg_record_t *r, const char *v, const char *source);
void tg_record_set_charset(tg_record_t *r, const char *v);
void tg_record_set_ingested(tg_record_t *r, const char *v);
/* An extraction outcome (TG_EXTRACTION_*) and, for a failure, why. */
void tg_record_set_extraction(tg_record_t *r, const char *state, const char *error);
void tg_record_set_size(tg_record_t *r, int64_t v);
/* Pages and the first term position of each (n of them). */
void tg_record_set_pages(tg_record_t *r, int64_t pages, const unsigned *starts, size_t n);
void tg_record_set_text_bytes(tg_record_t *r, int64_t v);
void tg_record_set_extractor(tg_record_t *r, int64_t v);
void tg_record_set_text_original(tg_record_t *r, int on);
void tg_record_set_ocr_skipped(tg_record_t *r, int on);
void tg_record_set_meta(tg_record_t *r, const char *key, const char *value);

/* ==== Lists =============================================================== */

/* Lists of strings a record keeps. */
typedef enum {
    TG_LIST_WARNINGS, /* what went wrong without failing */
    TG_LIST_MENTIONS, /* dates the text mentions: "YYYY[-MM[-DD]]", oldest first */
    TG_LIST_IDS,      /* identity numbers: "V-12345678", in text order */
} tg_list_t;
size_t tg_record_n(const tg_record_t *r, tg_list_t list);
/* The i-th string of list (i < tg_record_n), NULL if not a string. */
const char *tg_record_nth(const tg_record_t *r, tg_list_t list, size_t i);
/* Appends v (cleaned); warnings are uncapped, mentions and ids stop at
 * their TG_MAX_RECORD_* (returns 0 then, else 1). */
int tg_record_append(tg_record_t *r, tg_list_t list, const char *v);

/* 1 if the record keeps page starts (a paged format, or text with form
 * feeds); then the first term position of each page. */
int tg_record_is_paged(const tg_record_t *r);
size_t tg_record_n_page_starts(const tg_record_t *r);
unsigned tg_record_page_start(const tg_record_t *r, size_t i);

/* Text marks, for reading a window of a long text: the term position of
 * the word starting at a byte offset of the stored text, ascending, one at
 * the first word at or past each TG_TEXT_MARK_STEP bytes (none for a
 * shorter text).  From a hit's position a snippet finds the bytes to read.
 * tg_record_text_mark: mark i into *pos and *off, 1; 0 (nothing set) when
 * i is out of range or the mark is damaged. */
size_t tg_record_n_text_marks(const tg_record_t *r);
int tg_record_text_mark(const tg_record_t *r, size_t i, unsigned *pos, uint64_t *off);
/* Sets the n marks (pos[i], off[i]); n 0 removes them. */
void tg_record_set_text_marks(tg_record_t *r, const unsigned *pos, const uint64_t *off, size_t n);

/* Persons named (lib/evidence/docpersons.h), most mentioned first. */
typedef struct {
    const char *name; /* canonical name when listed, else the fullest form */
    const char *key;  /* the XP term's value (names.h: tg_name_key) */
    int64_t count;    /* mentions */
    int listed;       /* from the names list */
    size_t nforms;    /* forms as written, at most TG_MAX_RECORD_FORMS */
    size_t nids;      /* identity numbers written next to the name */
} tg_person_t;
size_t tg_record_n_persons(const tg_record_t *r);
/* Fills *p with person i (strings owned by the record); 0 if i is out of
 * range or the entry is damaged. */
int tg_record_person(const tg_record_t *r, size_t i, tg_person_t *p);
const char *tg_record_person_form(const tg_record_t *r, size_t i, size_t k);
const char *tg_record_person_id(const tg_record_t *r, size_t i, size_t k);
/* Appends a person (at most TG_MAX_RECORD_PERSONS; returns its index, or
 * -1 when full); forms and ids are added with the two below. */
int tg_record_add_person(tg_record_t *r, const char *name, const char *key, int64_t count,
                         int listed);
void tg_record_person_add_form(tg_record_t *r, size_t i, const char *form);
void tg_record_person_add_id(tg_record_t *r, size_t i, const char *id);

/* ==== Locations =========================================================== */

/* Locations kept (at most TG_MAX_RECORD_LOCATIONS), in path order, and how
 * many there are in all (more when the list is capped). */
size_t tg_record_n_locations(const tg_record_t *r);
int64_t tg_record_locations_total(const tg_record_t *r);
/* Location i (i < tg_record_n_locations), or NULL. */
const tg_location_t *tg_record_location(const tg_record_t *r, size_t i);
tg_location_t *tg_record_location_w(tg_record_t *r, size_t i);
/* The location whose path is path, or NULL; *index its place when found
 * (index may be NULL). */
tg_location_t *tg_record_find_location(tg_record_t *r, const char *path, size_t *index);

/* Adds a location in path order (the same files give the same record
 * whatever the order of arrival).  Beyond the cap only the total grows and
 * NULL is returned.  container is the SHA-256 of the content holding it
 * (a bundle, a mail) or NULL; rel its shown form or NULL. */
tg_location_t *tg_record_add_location(tg_record_t *r, const char *path, const char *rel,
                                      const char *folder, const char *container);
/* Removes location i, counting it out of the total.  Returns the number of
 * locations left in all (tg_record_locations_total). */
int64_t tg_record_remove_location(tg_record_t *r, size_t i);
/* Takes the locations (and their total) of from, replacing r's. */
void tg_record_take_locations(tg_record_t *r, const tg_record_t *from);
/* Marks the content restricted for good: a location beyond the cap holds a
 * restriction or an embargo.  Returns 1 if that changed the record. */
int tg_record_set_restricted_overflow(tg_record_t *r);

/* A location's parts.  path: where it was found ("/abs/a.pdf",
 * "/abs/b.zip!/c.txt"); rel: as shown beyond the operator ("casos/a.pdf"),
 * NULL when not known; folder: its facet folder; container: SHA-256 of
 * what holds it, NULL for a file on disk. */
const char *tg_location_get_path(const tg_location_t *l);
const char *tg_location_get_rel(const tg_location_t *l);
const char *tg_location_get_folder(const tg_location_t *l);
const char *tg_location_get_container(const tg_location_t *l);
/* Sets rel; returns 1 if it changed. */
int tg_location_set_rel(tg_location_t *l, const char *rel);
/* Rewrites path (the search library's public handle shows each location
 * in its shown form) and drops rel. */
void tg_location_set_shown_path(tg_location_t *l, const char *path);

/* Its own sidecar metadata: restricted, embargo ("YYYY-MM-DD" or NULL: a
 * malformed stored one comes back as it is, for the caller to fail
 * closed), a field (a string: "title", "date", "language"; NULL when
 * absent or not a string), a list field ("witness", "place",
 * "collection", "tags": n and i-th). */
int tg_location_get_restricted(const tg_location_t *l);
const char *tg_location_get_embargo(const tg_location_t *l);
int tg_location_has_embargo(const tg_location_t *l);
int tg_location_has_sidecar(const tg_location_t *l);
const char *tg_location_get_sidecar(const tg_location_t *l, const char *field);
size_t tg_location_n_sidecar(const tg_location_t *l, const char *field);
const char *tg_location_nth_sidecar(const tg_location_t *l, const char *field, size_t i);
/* Where its metadata came from: "/x/a.pdf.json", "/x/manifest.csv line 3". */
size_t tg_location_n_sidecar_from(const tg_location_t *l);
const char *tg_location_sidecar_from(const tg_location_t *l, size_t i);
void tg_location_set_sidecar_from(tg_location_t *l, size_t i, const char *v);
/* What the location holding it passes down: restricted (1/0), an embargo
 * (or NULL; malformed ones come back as they are) and the location that
 * says so (or NULL); has_inherited 1 when anything is passed down. */
int tg_location_has_inherited(const tg_location_t *l);
int tg_location_inherited_restricted(const tg_location_t *l);
const char *tg_location_inherited_embargo(const tg_location_t *l);
int tg_location_inherited_has_embargo(const tg_location_t *l);
const char *tg_location_inherited_by(const tg_location_t *l);
void tg_location_set_inherited_by(tg_location_t *l, const char *by);

/* ==== What the locations' sidecars make of the document =================== */

/* Merges the sidecar metadata of the record's locations into the document:
 * restriction (any location's own, inherited, or overflow; an embargo that
 * cannot be read restricts), the latest embargo, the merged fields (title,
 * date, language: the first location that gives one; witness, place,
 * collection, tags: the union, folded duplicates out) and, where a sidecar
 * may replace them, the title, the date (unless the document's own metadata
 * gave it) and the language, keeping the document's own values to restore
 * when the sidecar goes.  The result depends only on the record's own facts
 * and its locations: calling it again changes nothing.  Returns 1 if the
 * record changed. */
int tg_record_merge_sidecars(tg_record_t *r);
/* The merged sidecar metadata: a string field ("title", "date",
 * "language") or NULL; a list field's count and values. */
const char *tg_record_get_sidecar(const tg_record_t *r, const char *field);
size_t tg_record_n_sidecar(const tg_record_t *r, const char *field);
const char *tg_record_nth_sidecar(const tg_record_t *r, const char *field, size_t i);

/* Removes every occurrence of each of the n strings s from every string
 * the record holds (the search library's public handle takes the indexing
 * machine's folders out of what it shows). */
void tg_record_remove_substrings(tg_record_t *r, const char *const *s, size_t n);

/* The location status matching the extraction outcome (writer.h TG_LOC_*
 * values): "failed", "unsupported", "indexed-no-ocr" or "indexed". */
const char *tg_record_loc_status(const tg_record_t *r);

#endif
