/* Snippets: a short excerpt of a document's original text around its best
 * hit, with the words that match the query marked, and the page it is on.
 *
 * Matching uses the same tokenizer and folding as the index, so the excerpt
 * shows "Rodríguez" highlighted for a query typed "rodriguez". */
#ifndef TG_SNIPPET_H
#define TG_SNIPPET_H

#include <stddef.h>

#include <stdint.h>

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

/* Reads up to len bytes of a document's text from byte off into out
 * (appended; fewer at the text's end).  Returns the status of the read. */
typedef tg_status_t (*tg_text_read_fn)(void *ctx, uint64_t off, size_t len, tg_buf_t *out);

/* Context the snippet needs about one document.  The text is given whole
 * (text), or read a window at a time (read, read_ctx): then only the bytes
 * around the best hit are read, found from the record's text marks, so
 * that a result's cost does not grow with its document's size. */
typedef struct {
    tg_db_t *db; /* for term positions */
    tg_docid_t docid;
    const tg_record_t *rec; /* the document's record (page starts, text marks), or NULL */
    const char *text;       /* the extracted text (pages separated by '\f'), or NULL */
    size_t text_len;        /* its length in bytes (also when read) */
    tg_text_read_fn read;   /* when text is NULL */
    void *read_ctx;
} tg_snippet_src_t;

/* Builds the excerpt of about max_bytes bytes for parsed in src.  Returns
 * the index's status when the positions of the query's words cannot be
 * read (TG_ERR_MODIFIED among them; the message on src->db), and then out
 * holds nothing to free; a failed read of the text gives an empty
 * excerpt, as a document without text has.
 *
 * Cost, whatever the document's size: the positions of the query's words
 * (at most TG_SNIPPET_MAX_POSITIONS a word), then, with marks (or with a
 * text under TG_TEXT_MARK_STEP), at most TG_SNIPPET_WINDOW bytes read and
 * tokenized; without a position (a stem or a wildcard matched), the first
 * TG_SNIPPET_SCAN bytes.  A text read without marks (recorded before
 * extractor version 7) is read whole, up to the reader's cap. */
#define TG_SNIPPET_MAX_POSITIONS ((size_t)1 << 16)
#define TG_SNIPPET_WINDOW        ((size_t)3 * TG_TEXT_MARK_STEP)
#define TG_SNIPPET_SCAN          ((size_t)256 << 10)
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
