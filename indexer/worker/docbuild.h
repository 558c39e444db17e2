/* Turning an extraction into its record (lib/index/record.h) and the text
 * part of its document (lib/index/compose.h).  Used by workers for every
 * extracted file; the writer composes the record part. */
#ifndef TG_DOCBUILD_H
#define TG_DOCBUILD_H

#include <stdint.h>

#include "extract.h"
#include "lang.h"
#include "names.h"
#include "record.h"
#include "schema.h"
#include "xap.h"

typedef struct {
    const char *sha;          /* content digest */
    uint64_t size;            /* bytes */
    const char *mime;         /* detected type */
    const char *kind;         /* short type name */
    const tg_extract_t *x;    /* what extraction found (text may be empty) */
    const char *failure;      /* why extraction failed, or NULL */
    int unsupported;          /* no extractor for this type */
    const char *name;         /* file name of the location being indexed, for a
                               * date in it ("2025-08-05_acta.pdf"), or NULL */
    const char *sidecar_date; /* date from sidecar metadata (YYYY[-MM[-DD]]...),
                               * or NULL */
    const tg_names_t *names;  /* names list, or NULL */
} tg_docbuild_in_t;

/* Builds the record and the document's text part (the record part and the
 * data are the writer's: tg_compose_record).  langid may be NULL when there is no text.  Both
 * results are the caller's.
 *
 * The document date is, in this order of precedence, the document's own
 * metadata (x->date), the sidecar's (sidecar_date), a date in the file name
 * (name), or the first dated line of the text; its source is recorded
 * (tg_record_get_date_source).  Dates mentioned, persons named and identity
 * numbers are extracted from the title and the text (lib/evidence/dates.h,
 * persons.h, idnum.h) into XM, XP and XI terms and the record. */
void tg_docbuild(const tg_docbuild_in_t *in, tg_stemmers_t *st, tg_langid_t *langid, tg_doc_t **doc,
                 tg_record_t **rec);

#endif
