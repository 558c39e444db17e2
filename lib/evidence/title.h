/* A document's title from its first line, for documents that have no title
 * of their own (no PDF title, page title, mail subject or sidecar title).
 *
 * A first line reads as a title when, after surrounding blanks are trimmed
 * and runs of blanks made one space:
 *   - it is on the first page and among the first lines (only blank lines
 *     before it), and holds 3 to 24 words in at most TG_TITLE_MAX bytes;
 *   - its first word starts with a capital letter or a digit (after an
 *     opening ¿ ¡ « " or '), and at least half of its bytes that are not
 *     blanks are letters or digits (not a rule of ===, not a table row);
 *   - it does not end the way a line cut from running prose ends: not with
 *     , ; : - or a hyphen, nor with a '.' unless the line is followed by a
 *     blank line or the text's end; and the next line, when there is no
 *     blank line between them, does not go on in lowercase (a paragraph
 *     wrapped at a width);
 *   - it is not a date line ("Caracas, 5 de agosto de 2025": a date with
 *     its month and at most 3 words besides, which the date source
 *     already reads; "Declaración de ... testigo de lo ocurrido el
 *     30/07/2024 en La Carucieña" is a title), nor an address (://, www.,
 *     @).
 * Otherwise the document has no title of its own and is shown by its file
 * name.  Pure: no allocation beyond out. */
#ifndef TG_TITLE_H
#define TG_TITLE_H

#include <stddef.h>

#include "buf.h"

/* Longest first line taken as a title, in bytes. */
#define TG_TITLE_MAX 200

/* If the first line of text (len bytes, UTF-8) reads as a title, appends it
 * to out (blanks collapsed) and returns 1; else returns 0 and leaves out as
 * it was.  lang ("es", "en", "und") is the document's, for dates. */
int tg_title_first_line(const char *text, size_t len, const char *lang, tg_buf_t *out);

#endif
