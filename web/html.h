/* Output escaping for the web front end: the one step through which every
 * string from a document, a file name or a request reaches a page.
 *
 *   html_esc      text and attribute values (& < > " ' escaped)
 *   html_name     a file name, path or title in the page's text: escaped,
 *                 and unless it is all printable ASCII, isolated from the
 *                 text around it and laid out left to right
 *                 (<bdi dir="ltr">), with every control,
 *                 bidirectional or invisible character shown as its escape
 *                 in a <span class="esc"> (tg_utf8_next_shown), so that
 *                 "testimonio\u202Etxt.exe" never reads "...exe.txt"
 *   html_name_text  the same for where no markup may go (<title>, attribute
 *                 values): escaped, escapes as plain text
 *   url_esc       a query-string component (all but unreserved characters
 *                 percent-encoded), to be html_esc'd again inside an
 *                 attribute
 *
 * All append to a capped buffer; past its cap the page is cut short, never
 * written out of bounds. */
#ifndef TG_WEB_HTML_H
#define TG_WEB_HTML_H

#include <stddef.h>

#include "buf.h"
#include "util.h"

void html_esc(tg_buf_t *b, const char *s);
void html_escn(tg_buf_t *b, const char *s, size_t n);
/* printf into a temporary, then html_esc it. */
void html_escf(tg_buf_t *b, const char *fmt, ...) TG_PRINTF(2, 3);
void html_name(tg_buf_t *b, const char *s);
void html_name_text(tg_buf_t *b, const char *s);
void url_esc(tg_buf_t *b, const char *s);
/* Literal markup written by the program itself (never input). */
void html_raw(tg_buf_t *b, const char *s);

/* 1 if s (n bytes) is valid UTF-8 without control characters other than
 * tab and newline: what a request argument must be. */
int web_text_clean(const char *s, size_t n);

#endif
