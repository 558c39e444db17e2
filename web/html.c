/* Output escaping (see html.h).
 *
 * HTML escaping is the library's tg_html_escape (lib/read/snippet.c), so result
 * snippets and pages escape alike.  Never decides what is safe to leave
 * unescaped: callers write markup with html_raw only for literals. */
#define _POSIX_C_SOURCE 200809L
#include "html.h"

#include <stdarg.h>
#include <string.h>

#include "snippet.h"
#include "text.h"

void html_esc(tg_buf_t *b, const char *s)
{
    if (s)
        tg_html_escape(b, s, strlen(s));
}

void html_escn(tg_buf_t *b, const char *s, size_t n)
{
    tg_html_escape(b, s, n);
}

void html_escf(tg_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = tg_xvasprintf(fmt, ap);
    va_end(ap);
    html_esc(b, s);
    free(s);
}

void html_name(tg_buf_t *b, const char *s)
{
    size_t len = s ? strlen(s) : 0;
    size_t plain = 0; /* printable ASCII needs no isolation, nothing is hidden */
    while (plain < len && s[plain] >= 0x20 && s[plain] < 0x7f)
        plain++;
    if (plain == len) {
        html_escn(b, s ? s : "", len);
        return;
    }
    html_raw(b, "<bdi dir=\"ltr\">");
    for (size_t i = 0; i < len;) {
        int hidden;
        size_t n = tg_utf8_next_shown(s + i, len - i, &hidden);
        if (hidden) {
            char e[12];
            tg_utf8_escape_one(s + i, n, e);
            html_raw(b, "<span class=\"esc\">");
            html_esc(b, e);
            html_raw(b, "</span>");
        } else {
            html_escn(b, s + i, n);
        }
        i += n;
    }
    html_raw(b, "</bdi>");
}

void html_name_text(tg_buf_t *b, const char *s)
{
    char *t = tg_utf8_terminal(s);
    html_esc(b, t);
    free(t);
}

void html_raw(tg_buf_t *b, const char *s)
{
    tg_buf_adds(b, s);
}

void url_esc(tg_buf_t *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            tg_buf_addc(b, (char)*p);
        } else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            tg_buf_add(b, e, 3);
        }
    }
}

int web_text_clean(const char *s, size_t n)
{
    if (memchr(s, '\0', n))
        return 0;
    char *c = tg_utf8_clean(s, n);
    int same = strlen(c) == n && !memcmp(c, s, n);
    free(c);
    return same;
}
