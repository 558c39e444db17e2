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
