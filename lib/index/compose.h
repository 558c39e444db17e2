/* The composer: the one code that derives a document's terms and values
 * (lib/index/schema.h says what each means), in two parts.
 *
 * The text part comes from the text alone and is derived once, in the
 * worker that extracted it (tokenising and stemming stay there: the single
 * writer never reads a document's text): body words with positions and
 * their stems, the document's own title as body words, the sender's and
 * recipients' words (XA, XTO), and the dates, persons and identity numbers
 * the text gives (XM, XP, XI), with the persons' shorter forms and the
 * numbers attached to them (XV, XK).
 *
 * The record part comes from the document's record (record.h) and is
 * derived by the writer every time it writes the document: first every
 * term and value of the record part is removed, then all are derived
 * again, so that a document is always exactly compose(text part, record),
 * whatever was written before, and composing twice changes nothing.
 *
 * Which term belongs to which part:
 *   text part     unprefixed and Z terms of wdf 1 or more (the body and the
 *                 own title), and terms starting XA XTO XM XP XI XV XK
 *   record part   every other term: Q T L D XF S XC XL XW XT XR XE and any
 *                 prefix added later, the words of the locations' file
 *                 names and their stems (unprefixed and Z terms of wdf 0);
 *                 and every value slot
 * A word both in a file name and in the text keeps the text's wdf: it is
 * the text's, and stays when the file name goes.  The text part's prefixes
 * are matched as written (XT, tags, is the record's; XTO, recipients, the
 * text's: a tag's value is folded, so never starts with "O").
 *
 * Statuses: the Xapian wrapper's (a failed change leaves its message on
 * the document, tg_doc_error). */
#ifndef TG_COMPOSE_H
#define TG_COMPOSE_H

#include <stddef.h>

#include "record.h"
#include "schema.h"
#include "status.h"
#include "xap.h"

/* What the worker found in the text.  Lists are already distinct and
 * capped (TG_MAX_TERMS_PER_KIND each). */
typedef struct {
    const char *text; /* the extracted text, pages separated by '\f' */
    size_t len;
    const tg_words_t *words; /* its words if cut already (words.h), or NULL */
    const char *lang;        /* its language ("es", "en", "und" ...), for stems */
    const char *title;       /* the document's own title (its metadata), or NULL */
    const char *from;        /* a message's sender, or NULL */
    const char *to;          /* its recipients (To, then Cc), or NULL */
    const char *cc;
    const tg_date_t *mentions; /* dates mentioned, at their precision */
    size_t n_mentions;
    const char *const *persons; /* person keys (names.h: tg_name_key) */
    size_t n_persons;
    const char *const *ids; /* identity numbers, digits only */
    size_t n_ids;
    /* for resolving persons across the archive (docs/persons.md): keys of
     * the persons' shorter forms, each not itself a person's key (XV), and
     * identity numbers attached to a person, "digits key" (XK) */
    const char *const *person_forms;
    size_t n_person_forms;
    const char *const *person_ids;
    size_t n_person_ids;
} tg_text_part_t;

/* The worker's half: a new document holding the text part of t (the
 * caller's, tg_doc_free), and in *starts a malloc'd array (the caller's)
 * of the first term position of each of the text's *n_starts pages (none
 * for an empty text). */
tg_doc_t *tg_compose_text(const tg_text_part_t *t, tg_stemmers_t *st, unsigned **starts,
                          size_t *n_starts);

/* The writer's half: replaces every term and value of doc's record part
 * by those rec gives, and sets the document's data to rec serialised.  rec
 * is used as it is: the caller merges its sidecars first
 * (tg_record_merge_sidecars). */
tg_status_t tg_compose_record(tg_doc_t *doc, const tg_record_t *rec, tg_stemmers_t *st);

#endif
