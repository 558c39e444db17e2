/* The terms that let persons be resolved across the archive (entities.h)
 * and found by any form: for one person of a document (docpersons.h), an
 * XV term per shorter form it is written in (the form's key, when it is
 * not the person's), and an XK term per identity number attached to it
 * (digits, a space, the person's key).  The XP term (the key itself) is
 * the document builder's.  Cannot fail but for want of memory. */
#ifndef TG_PERSONTERMS_H
#define TG_PERSONTERMS_H

#include "buf.h"
#include "docpersons.h"
#include "xap.h"

/* scratch is a buffer of the caller's, reused. */
void tg_personterms_add(tg_doc_t *doc, const tg_docperson_t *p, tg_buf_t *scratch);

/* The digits of an identity number as shown ("V-12345678" -> "12345678",
 * leading zeros dropped) into out (>= 16 bytes); 0 if it has none. */
size_t tg_personterms_digits(const char *shown, char *out, size_t len);

/* Records in the index's metadata (TG_META_NAMES_KEYS) the persons of the
 * names list at path, as groups of keys (its canonical name's, then its
 * aliases'), for resolution across the archive.  A list that cannot be
 * read records nothing (the indexer has reported it already). */
void tg_names_store_keys(tg_db_t *db, const char *path);

#endif
