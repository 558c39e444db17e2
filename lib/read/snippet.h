/* Snippets: a short excerpt of a document's original text around its best
 * hit, with the words that match the query marked, and the page it is on.
 *
 * Matching uses the same tokenizer and folding as the index, so the excerpt
 * shows "Rodríguez" highlighted for a query typed "rodriguez". */
#ifndef TG_SNIPPET_H
#define TG_SNIPPET_H

#include <stddef.h>

#include "buf.h"
#include "query.h"
#include "record.h"
#include "xap.h"

typedef struct {
    size_t off, len; /* byte range in text */
} tg_span_t;

typedef struct {
    char *text;      /* UTF-8, whitespace collapsed; "" if the document has no text */
    tg_span_t *hits; /* highlighted ranges, in order */
    size_t n_hits;
    int page;      /* 1-based page of the excerpt, 0 when the document has no pages */
    int cut_start; /* the excerpt starts inside the text */
    int cut_end;   /* ...and ends before its end */
} tg_snippet_t;

/* Context the snippet needs about one document. */
typedef struct {
    tg_db_t *db; /* for term positions */
    tg_docid_t docid;
    const tg_record_t *rec; /* the document's record (its page starts), or NULL */
    const char *text;       /* the extracted text (pages separated by '\f') */
    size_t text_len;
} tg_snippet_src_t;

/* Builds the excerpt of about max_bytes bytes for parsed in src.  Returns
 * the index's status when the positions of the query's words cannot be
 * read (TG_ERR_MODIFIED among them; the message on src->db), and then out
 * holds nothing to free. */
tg_status_t tg_snippet_make(const tg_snippet_src_t *src, const tg_parsed_t *parsed,
                            size_t max_bytes, tg_snippet_t *out);
void tg_snippet_free(tg_snippet_t *s);

/* Renders with hs/he around hits, and "…" where the text was cut.  Malloc'd. */
char *tg_snippet_render(const tg_snippet_t *s, const char *hs, const char *he);
/* Renders as HTML: text escaped, hits in <mark>.  Malloc'd. */
char *tg_snippet_html(const tg_snippet_t *s);

/* Finds the words of text[0, len) that match parsed (by folded form, stem
 * or wildcard prefix, as snippets do), at most max_hits of them, in order.
 * Returns how many; *out is malloc'd (NULL when none) and owned by the
 * caller.  For highlighting a whole document. */
size_t tg_highlight(const tg_parsed_t *parsed, const char *text, size_t len, size_t max_hits,
                    tg_span_t **out);

/* Appends s HTML-escaped (&, <, >, ", ') to out. */
void tg_html_escape(tg_buf_t *out, const char *s, size_t len);

#endif
