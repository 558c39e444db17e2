/* CSV (RFC 4180) read from bytes in memory and written into capped buffers.
 *
 * Why our own and not libcsv (packaged in Debian as libcsv-dev): the format
 * is small enough to get exactly right in a page of code, libcsv's upstream
 * has been dormant since 2013, and we need things it does not give: a cap on
 * every field and on the fields of a record, error messages that name the
 * line, and a pull interface (the caller asks for the next record).
 *
 * Reading: records end at LF, CRLF or a lone CR (spreadsheets on every
 * platform); fields are separated by one delimiter byte (',' or, as Excel
 * writes in Spanish locales, ';'); a field that starts with '"' is quoted,
 * with '""' for a quote inside, and may hold delimiters and line breaks.  A
 * quote inside an unquoted field is taken literally.  A UTF-8 byte order mark
 * at the start is skipped.  Empty lines are skipped.  The reader works on
 * bytes: decoding to UTF-8 is the caller's business (see text.h).
 *
 * Writing: a field is quoted when it holds the delimiter, a quote, CR or LF,
 * or starts or ends with a space; records end with CRLF. */
#ifndef TG_CSV_H
#define TG_CSV_H

#include <stddef.h>

#include "buf.h"
#include "status.h"

typedef struct tg_csv tg_csv_t;

typedef struct {
    char delim;        /* field delimiter (0: ',') */
    size_t max_field;  /* bytes in one field (0: 64 KB) */
    size_t max_fields; /* fields in one record (0: 256) */
} tg_csv_opts_t;

/* A reader over data[0..len), which must stay alive and unchanged while the
 * reader is used.  opts may be NULL.  Cannot fail. */
tg_csv_t *tg_csv_new(const char *data, size_t len, const tg_csv_opts_t *opts);
/* Accepts NULL. */
void tg_csv_free(tg_csv_t *c);

/* Reads the next record: *fields (n of them, each NUL-terminated) and *line,
 * the line on which it starts (1-based).  Fields live until the next call.
 * Returns TG_OK, TG_ERR_NOTFOUND at the end of the input, or on bad input
 * TG_ERR_FORMAT (an unterminated quoted field, text after a closing quote, a
 * NUL byte) or TG_ERR_LIMIT (a field or record over its cap), with a message
 * naming the line in err.  After an error the reader has skipped to the
 * start of the next line, so the caller may go on. */
tg_status_t tg_csv_next(tg_csv_t *c, char ***fields, size_t *n, unsigned long *line, char *err,
                        size_t errlen);

/* Guesses the delimiter of CSV text from its first line: ';' or a tab if one
 * of those appears there (outside quotes) and no ',' does, else ','. */
char tg_csv_sniff(const char *data, size_t len);

/* Appends s as one field to out, quoted as needed, preceded by delim unless
 * it is the first field of its record.  TG_ERR_LIMIT at out's cap. */
tg_status_t tg_csv_put(tg_buf_t *out, const char *s, int first, char delim);
/* Ends a record (CRLF). */
tg_status_t tg_csv_end(tg_buf_t *out);

#endif
