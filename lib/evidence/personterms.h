/* What lets persons be resolved across the archive (entities.h) and found
 * by any form: for one person of a document (docpersons.h), the key of
 * each shorter form it is written in (when it is not the person's own:
 * the composer's XV terms) and, per identity number attached to it, its
 * digits, a space and the person's key (XK terms).  The worker sends them
 * in the text part (compose.h); the person's key itself is its XP term.
 * Cannot fail but for want of memory. */
#ifndef TG_PERSONTERMS_H
#define TG_PERSONTERMS_H

#include "buf.h"
#include "docpersons.h"
#include "xap.h"

/* Calls on(ctx, TG_PERSONTERM_FORM, key) for each shorter form of p and
 * on(ctx, TG_PERSONTERM_ID, "digits key") for each of its identity
 * numbers; stops early when on returns nonzero. */
typedef enum { TG_PERSONTERM_FORM, TG_PERSONTERM_ID } tg_personterm_kind_t;
void tg_personterms_each(const tg_docperson_t *p,
                         int (*on)(void *ctx, tg_personterm_kind_t kind, const char *value),
                         void *ctx);

/* The digits of an identity number as shown ("V-12345678" -> "12345678",
 * leading zeros dropped) into out (>= 16 bytes); 0 if it has none. */
size_t tg_personterms_digits(const char *shown, char *out, size_t len);

/* Records in the index's metadata (TG_META_NAMES_KEYS) the persons of the
 * names list at path, as groups of keys (its canonical name's, then its
 * aliases'), for resolution across the archive.  A list that cannot be
 * read records nothing (the indexer has reported it already). */
void tg_names_store_keys(tg_db_t *db, const char *path);

#endif
