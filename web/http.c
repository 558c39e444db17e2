/* HTTP pieces that need no server (see http.h): the check of a raw request
 * head, the Host authority, the safety headers and hand-written error
 * answers.
 *
 * The head check reads what a client sent so far, from its first byte, and
 * says as early as it can whether it is the beginning of a request this
 * server will answer: a binary request line is refused at its first byte,
 * not when a line end happens to arrive.  Everything it accepts,
 * libmicrohttpd parses the same way; what it refuses (a second
 * Content-Length, Content-Length with Transfer-Encoding, line folding,
 * space before a colon) is what RFC 9112 tells a server to refuse, or
 * what would let a request hide inside another.  It relies on nothing but
 * the bytes given, and never reads past len. */
#define _POSIX_C_SOURCE 200809L
#include "http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "render.h"
#include "util.h"

/* ==== The request head ======================================================= */

#define MAX_METHOD 20
#define MAX_BLANK  4 /* empty lines skipped before the request line */
#define MAX_LANG   256

static int tchar(unsigned char c)
{
    return c && (isalnum(c) || strchr("!#$%&'*+-.^_`|~", c));
}

typedef struct {
    int version_11;
    int get_or_head;
    unsigned hosts, lengths, encodings;
    unsigned long long length;
} head_facts_t;

static web_head_state_t bad(web_head_t *h, int status)
{
    h->status = status;
    return WEB_HEAD_BAD;
}

/* The request line [s, e) (CR and LF removed when complete). */
static web_head_state_t request_line(const unsigned char *s, const unsigned char *e, int complete,
                                     head_facts_t *f, web_head_t *h)
{
    const unsigned char *p = s;
    while (p < e && tchar(*p))
        p++;
    size_t method = (size_t)(p - s);
    if (method > MAX_METHOD || (p == s && (p < e || complete)))
        return bad(h, 400);
    if (p == e)
        return complete ? bad(h, 400) : WEB_HEAD_MORE;
    if (*p != ' ')
        return bad(h, 400);
    f->get_or_head =
        (method == 3 && !memcmp(s, "GET", 3)) || (method == 4 && !memcmp(s, "HEAD", 4));
    const unsigned char *t = ++p;
    while (p<e && * p> 0x20 && *p != 0x7f)
        p++;
    if (p == t && (p < e || complete))
        return bad(h, 400); /* no target */
    if (p == e)
        return complete ? bad(h, 400) : WEB_HEAD_MORE;
    if (*p != ' ')
        return bad(h, 400);
    p++;
    /* "HTTP/" DIGIT "." DIGIT, and nothing after it */
    static const char shape[] = "HTTP/9.9";
    size_t n = (size_t)(e - p);
    if (n > 8)
        return bad(h, 400);
    for (size_t i = 0; i < n; i++) {
        int ok = shape[i] == '9' ? isdigit(p[i]) != 0 : p[i] == (unsigned char)shape[i];
        if (!ok)
            return bad(h, 400);
    }
    if (!complete)
        return WEB_HEAD_MORE;
    if (n != 8)
        return bad(h, 400);
    if (p[5] != '1' || (p[7] != '0' && p[7] != '1'))
        return bad(h, 505);
    f->version_11 = p[7] == '1';
    return WEB_HEAD_MORE;
}

static int name_is(const unsigned char *s, size_t n, const char *name)
{
    return strlen(name) == n && !strncasecmp((const char *)s, name, n);
}

/* A header line [s, e) (CR and LF removed when complete). */
static web_head_state_t header_line(const unsigned char *s, const unsigned char *e, int complete,
                                    head_facts_t *f, web_head_t *h)
{
    if (s < e && (*s == ' ' || *s == '\t'))
        return bad(h, 400); /* obsolete line folding */
    const unsigned char *p = s;
    while (p < e && tchar(*p))
        p++;
    if (p == e)
        return complete ? bad(h, 400) : WEB_HEAD_MORE;
    if (*p != ':' || p == s)
        return bad(h, 400); /* no colon, or space before it */
    size_t nn = (size_t)(p - s);
    const unsigned char *v = ++p;
    for (; p < e; p++)
        if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
            return bad(h, 400);
    if (!complete)
        return WEB_HEAD_MORE;
    while (v < e && (*v == ' ' || *v == '\t'))
        v++;
    while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    if (name_is(s, nn, "host")) {
        f->hosts++;
    } else if (name_is(s, nn, "content-length")) {
        f->lengths++;
        if (v == e || e - v > 18)
            return bad(h, 400);
        unsigned long long len = 0;
        for (const unsigned char *d = v; d < e; d++) {
            if (!isdigit(*d))
                return bad(h, 400); /* "5, 5", "+5", "abc" */
            len = len * 10 + (unsigned)(*d - '0');
        }
        f->length = len;
    } else if (name_is(s, nn, "transfer-encoding")) {
        f->encodings++;
    } else if (name_is(s, nn, "accept-language")) {
        char lang[MAX_LANG];
        size_t n = (size_t)(e - v) < sizeof lang - 1 ? (size_t)(e - v) : sizeof lang - 1;
        memcpy(lang, v, n);
        lang[n] = '\0';
        h->lang = web_lang_negotiate(lang);
    }
    return WEB_HEAD_MORE;
}

web_head_state_t web_head_check(const char *buf, size_t len, web_head_t *h)
{
    memset(h, 0, sizeof *h);
    h->lang = WEB_LANG_ES;
    head_facts_t f = {0};
    const unsigned char *b = (const unsigned char *)buf;
    const unsigned char *end = b + (len < WEB_HEAD_MAX ? len : WEB_HEAD_MAX);
    const unsigned char *p = b;
    int blank = 0, first = 1;
    while (p < end) {
        const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
        const unsigned char *e = nl ? nl : end;
        int complete = nl != NULL;
        /* a CR only right before the LF (or at the end, the LF to come) */
        const unsigned char *cr = memchr(p, '\r', (size_t)(e - p));
        if (cr && !(cr + 1 == e && (complete || e == end)))
            return bad(h, 400);
        const unsigned char *le = cr ? cr : e; /* the line without its end */
        if (first && (size_t)(le - p) > WEB_HEAD_MAX_LINE)
            return bad(h, 414);
        if (!complete)
            break;
        if (le == p) { /* an empty line */
            if (first) {
                if (++blank > MAX_BLANK)
                    return bad(h, 400);
                p = nl + 1;
                continue;
            }
            h->len = (size_t)(nl + 1 - b);
            if (f.hosts > 1 || f.lengths > 1 || f.encodings || (f.version_11 && !f.hosts) ||
                (f.get_or_head && f.length > 0))
                return bad(h, 400);
            return WEB_HEAD_DONE;
        }
        web_head_state_t st = first ? request_line(p, le, 1, &f, h) : header_line(p, le, 1, &f, h);
        if (st == WEB_HEAD_BAD)
            return st;
        first = 0;
        p = nl + 1;
    }
    if (p < end) { /* the line still arriving: refused as soon as it is wrong */
        const unsigned char *le = end[-1] == '\r' ? end - 1 : end;
        web_head_state_t st = first ? request_line(p, le, 0, &f, h) : header_line(p, le, 0, &f, h);
        if (st == WEB_HEAD_BAD)
            return st;
    }
    if (len >= WEB_HEAD_MAX)
        return bad(h, first ? 414 : 431);
    return WEB_HEAD_MORE;
}

/* ==== Host ==================================================================== */

static int hexdig(unsigned char c)
{
    return isxdigit(c) != 0;
}

int web_host_parse(const char *s, char *host, size_t hostlen, long *port)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n;
    *port = -1;
    if (!s || !hostlen)
        return -1;
    if (*p == '[') {
        const char *close = strchr(s, ']');
        if (!close)
            return -1;
        n = (size_t)(close - s - 1);
        char a[INET6_ADDRSTRLEN];
        struct in6_addr a6;
        if (n == 0 || n >= sizeof a || n >= hostlen)
            return -1;
        memcpy(a, s + 1, n);
        a[n] = '\0';
        if (inet_pton(AF_INET6, a, &a6) != 1)
            return -1; /* IPvFuture is not for us */
        for (size_t i = 0; i <= n; i++)
            host[i] = (char)tolower((unsigned char)a[i]);
        p = (const unsigned char *)close + 1;
    } else {
        /* reg-name (an IPv4 address is one too) */
        while (*p && *p != ':') {
            if (*p == '%') {
                if (!hexdig(p[1]) || !hexdig(p[2]))
                    return -1;
                p += 3;
                continue;
            }
            if (!(isalnum(*p) || strchr("-._~!$&'()*+,;=", *p)))
                return -1;
            p++;
        }
        n = (size_t)(p - (const unsigned char *)s);
        if (n == 0 || n >= hostlen)
            return -1;
        for (size_t i = 0; i < n; i++)
            host[i] = (char)tolower((unsigned char)s[i]);
        host[n] = '\0';
    }
    if (*p == ':') {
        long v = 0;
        int digits = 0;
        for (p++; isdigit(*p); p++)
            if (++digits > 5)
                return -1;
            else
                v = v * 10 + (*p - '0');
        if (v > 65535)
            return -1;
        if (digits)
            *port = v;
    }
    return *p ? -1 : 0;
}

int web_host_loopback(const char *host)
{
    if (!strcmp(host, "localhost") || !strcmp(host, "localhost."))
        return 1;
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    return inet_pton(AF_INET6, host, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

/* ==== Answers ================================================================= */

static const web_hdr_t page_headers[] = {
    {"Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; "
                                "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
    {"Cross-Origin-Resource-Policy", "same-origin"},
    {NULL, NULL},
};

static const web_hdr_t data_headers[] = {
    {"Content-Security-Policy", "default-src 'none'; sandbox; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
    {"Cross-Origin-Resource-Policy", "same-origin"},
    {NULL, NULL},
};

const web_hdr_t *web_safety_headers(int page)
{
    return page ? page_headers : data_headers;
}

void web_error_answer(tg_buf_t *out, int status, web_lang_t lang, int retry_after)
{
    static const struct {
        int status;
        const char *reason;
        web_msg_t msg;
    } known[] = {
        {400, "Bad Request", M_ERR_BAD_REQUEST},
        {408, "Request Timeout", M_ERR_REQUEST_TIMEOUT},
        {414, "URI Too Long", M_ERR_URI_TOO_LONG},
        {431, "Request Header Fields Too Large", M_ERR_HEADERS_TOO_LARGE},
        {503, "Service Unavailable", M_ERR_FULL},
        {505, "HTTP Version Not Supported", M_ERR_VERSION},
    };
    size_t k = 0;
    for (size_t i = 0; i < TG_ARRAY_LEN(known); i++)
        if (known[i].status == status)
            k = i;
    web_req_t q;
    memset(&q, 0, sizeof q);
    q.lang = lang;
    q.path = "/";
    q.base_url = "";
    tg_buf_t body;
    tg_buf_init(&body, WEB_BODY_MAX);
    render_error(&body, &q, known[k].status, web_msg(lang, known[k].msg));
    tg_buf_addf(out,
                "HTTP/1.1 %d %s\r\nContent-Type: text/html; charset=utf-8\r\n"
                "Content-Length: %zu\r\nConnection: close\r\nCache-Control: no-store\r\n",
                known[k].status, known[k].reason, body.len);
    for (const web_hdr_t *hd = web_safety_headers(1); hd->name; hd++)
        tg_buf_addf(out, "%s: %s\r\n", hd->name, hd->value);
    if (retry_after > 0)
        tg_buf_addf(out, "Retry-After: %d\r\n", retry_after);
    tg_buf_adds(out, "\r\n");
    tg_buf_add(out, body.data, body.len);
    tg_buf_free(&body);
}
