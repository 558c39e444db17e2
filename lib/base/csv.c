/* CSV reading and writing (see csv.h).
 *
 * The reader is a single pass over the bytes with an explicit state per
 * field; it relies only on the input length it was given and never reads
 * past it.  Every field is collected in a capped buffer, and a record holds
 * at most max_fields fields, so a hostile file costs at most
 * max_field * max_fields bytes at a time.  It must never loop without
 * consuming input: every path through tg_csv_next advances pos or returns. */
#define _POSIX_C_SOURCE 200809L
#include "csv.h"

#include <string.h>

#include "util.h"

struct tg_csv {
    const char *data;
    size_t len, pos;
    unsigned long line; /* line of data[pos], 1-based */
    char delim;
    size_t max_field, max_fields;
    tg_buf_t *bufs; /* one per field of the current record */
    char **fields;  /* pointers into bufs */
    size_t n_alloc;
};

tg_csv_t *tg_csv_new(const char *data, size_t len, const tg_csv_opts_t *opts)
{
    tg_csv_t *c = tg_xcalloc(1, sizeof *c);
    c->data = data;
    c->len = len;
    c->line = 1;
    c->delim = opts && opts->delim ? opts->delim : ',';
    c->max_field = opts && opts->max_field ? opts->max_field : 64 * 1024;
    c->max_fields = opts && opts->max_fields ? opts->max_fields : 256;
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
        c->pos = 3;
    return c;
}

void tg_csv_free(tg_csv_t *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_alloc; i++)
        tg_buf_free(&c->bufs[i]);
    free(c->bufs);
    free(c->fields);
    free(c);
}

/* Consumes a line break at pos (LF, CRLF or CR); returns 1 if there was one. */
static int eat_eol(tg_csv_t *c)
{
    if (c->pos >= c->len)
        return 0;
    if (c->data[c->pos] == '\n') {
        c->pos++;
        c->line++;
        return 1;
    }
    if (c->data[c->pos] == '\r') {
        c->pos++;
        if (c->pos < c->len && c->data[c->pos] == '\n')
            c->pos++;
        c->line++;
        return 1;
    }
    return 0;
}

/* After an error: skips to the start of the next line. */
static void skip_line(tg_csv_t *c)
{
    while (c->pos < c->len && !eat_eol(c))
        c->pos++;
}

static tg_buf_t *field_buf(tg_csv_t *c, size_t i)
{
    if (i >= c->n_alloc) {
        size_t n = c->n_alloc ? 2 * c->n_alloc : 16;
        c->bufs = tg_xrealloc(c->bufs, n * sizeof *c->bufs);
        c->fields = tg_xrealloc(c->fields, n * sizeof *c->fields);
        for (size_t k = c->n_alloc; k < n; k++)
            tg_buf_init(&c->bufs[k], c->max_field);
        c->n_alloc = n;
    }
    tg_buf_reset(&c->bufs[i]);
    c->bufs[i].max = c->max_field;
    return &c->bufs[i];
}

tg_status_t tg_csv_next(tg_csv_t *c, char ***fields, size_t *n, unsigned long *line, char *err,
                        size_t errlen)
{
    *fields = NULL;
    *n = 0;
    /* empty lines are not records */
    while (c->pos < c->len && eat_eol(c))
        ;
    if (c->pos >= c->len)
        return TG_ERR_NOTFOUND;
    unsigned long start = c->line;
    *line = start;
    size_t nf = 0;
    for (;;) {
        if (nf >= c->max_fields) {
            tg_errf(err, errlen, "line %lu: more than %zu fields", start, c->max_fields);
            skip_line(c);
            return TG_ERR_LIMIT;
        }
        tg_buf_t *b = field_buf(c, nf++);
        tg_status_t st = TG_OK;
        if (c->pos < c->len && c->data[c->pos] == '"') {
            unsigned long qline = c->line;
            c->pos++;
            for (;;) {
                if (c->pos >= c->len) {
                    tg_errf(err, errlen, "line %lu: quoted field never closed (no ending '\"')",
                            qline);
                    return TG_ERR_FORMAT;
                }
                char ch = c->data[c->pos];
                if (ch == '"') {
                    if (c->pos + 1 < c->len && c->data[c->pos + 1] == '"') {
                        st = tg_buf_addc(b, '"');
                        c->pos += 2;
                    } else {
                        c->pos++;
                        break;
                    }
                } else if (ch == '\0') {
                    st = TG_ERR_FORMAT;
                } else {
                    if (ch == '\n' ||
                        (ch == '\r' && !(c->pos + 1 < c->len && c->data[c->pos + 1] == '\n')))
                        c->line++;
                    st = tg_buf_addc(b, ch);
                    c->pos++;
                }
                if (st)
                    break;
            }
            if (!st && c->pos < c->len && c->data[c->pos] != c->delim && c->data[c->pos] != '\n' &&
                c->data[c->pos] != '\r') {
                tg_errf(err, errlen, "line %lu: unexpected text after a closing quote", c->line);
                skip_line(c);
                return TG_ERR_FORMAT;
            }
        } else {
            while (c->pos < c->len) {
                char ch = c->data[c->pos];
                if (ch == c->delim || ch == '\n' || ch == '\r')
                    break;
                if (ch == '\0') {
                    st = TG_ERR_FORMAT;
                    break;
                }
                st = tg_buf_addc(b, ch);
                if (st)
                    break;
                c->pos++;
            }
        }
        if (st == TG_ERR_FORMAT) {
            tg_errf(err, errlen, "line %lu: NUL byte in a field (not a text file?)", c->line);
            skip_line(c);
            return st;
        }
        if (st) {
            tg_errf(err, errlen, "line %lu: field longer than %zu bytes", c->line, c->max_field);
            skip_line(c);
            return TG_ERR_LIMIT;
        }
        if (c->pos < c->len && c->data[c->pos] == c->delim) {
            c->pos++;
            continue;
        }
        eat_eol(c);
        break;
    }
    for (size_t i = 0; i < nf; i++)
        c->fields[i] = c->bufs[i].data ? c->bufs[i].data : (char *)"";
    *fields = c->fields;
    *n = nf;
    return TG_OK;
}

char tg_csv_sniff(const char *data, size_t len)
{
    size_t comma = 0, semi = 0, tab = 0;
    int quoted = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = data[i];
        if (ch == '"')
            quoted = !quoted;
        else if (!quoted && (ch == '\n' || ch == '\r'))
            break;
        else if (!quoted && ch == ',')
            comma++;
        else if (!quoted && ch == ';')
            semi++;
        else if (!quoted && ch == '\t')
            tab++;
    }
    if (comma == 0 && semi > 0)
        return ';';
    if (comma == 0 && tab > 0)
        return '\t';
    return ',';
}

tg_status_t tg_csv_put(tg_buf_t *out, const char *s, int first, char delim)
{
    size_t len = strlen(s);
    int quote = len > 0 && (s[0] == ' ' || s[len - 1] == ' ');
    for (size_t i = 0; i < len && !quote; i++)
        if (s[i] == delim || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
            quote = 1;
    size_t mark = out->len;
    tg_status_t st = TG_OK;
    if (!first)
        st = tg_buf_addc(out, delim);
    if (!st && !quote)
        st = tg_buf_add(out, s, len);
    if (!st && quote) {
        st = tg_buf_addc(out, '"');
        for (const char *p = s; !st && *p; p++)
            st = *p == '"' ? tg_buf_add(out, "\"\"", 2) : tg_buf_addc(out, *p);
        if (!st)
            st = tg_buf_addc(out, '"');
    }
    if (st) {
        /* all or nothing: a half-written field would shift every column */
        out->len = mark;
        if (out->data)
            out->data[mark] = '\0';
    }
    return st;
}

tg_status_t tg_csv_end(tg_buf_t *out)
{
    return tg_buf_add(out, "\r\n", 2);
}
