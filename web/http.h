/* HTTP pieces of testigo-web that need no server, shared by the gate
 * (gate.c, which reads each request head before libmicrohttpd does) and
 * the server (server.c):
 *
 *   web_head_check      the raw request head, as the client sent it
 *   web_host_parse      the Host header's authority (RFC 9110 §7.2)
 *   web_safety_headers  the headers every answer carries
 *   web_error_answer    a whole HTTP answer with an error page, written by
 *                       hand for answers given before libmicrohttpd
 *
 * Pure functions over the bytes they are given: they never read past
 * len, never allocate without a cap, and hold no state. */
#ifndef TG_WEB_HTTP_H
#define TG_WEB_HTTP_H

#include <stddef.h>

#include "buf.h"
#include "web.h"

/* Longest request line, and longest head (request line and headers): a
 * browser sends one or two kilobytes; libmicrohttpd gets 64 KB per
 * connection, so a head that passes never meets its own 414 or 431. */
#define WEB_HEAD_MAX_LINE 8192
#define WEB_HEAD_MAX      32768

typedef enum {
    WEB_HEAD_BAD = -1, /* h->status says what to answer */
    WEB_HEAD_MORE = 0, /* a valid beginning: wait for more */
    WEB_HEAD_DONE = 1, /* a whole, valid head of h->len bytes */
} web_head_state_t;

typedef struct {
    int status;      /* WEB_HEAD_BAD: 400, 414, 431 or 505 */
    size_t len;      /* WEB_HEAD_DONE: bytes of the head, its blank line included */
    web_lang_t lang; /* from Accept-Language as far as it was read; Spanish without */
} web_head_t;

/* Checks the first len bytes a client sent on a connection, from the
 * first byte on, so garbage is known as soon as it arrives:
 *   request line  method (token) SP target (visible bytes) SP HTTP/1.0 or
 *                 HTTP/1.1 (another version: 505), at most
 *                 WEB_HEAD_MAX_LINE bytes (else 414); empty lines before
 *                 it are skipped
 *   headers       name (token) ':' value (no control characters but tab),
 *                 no space before the colon, no line folding; at most one
 *                 Host and one Content-Length (digits only); no
 *                 Transfer-Encoding (this server takes no request body,
 *                 and with Content-Length it would smuggle, RFC 9112
 *                 §6.1); no body on GET or HEAD; Host required in
 *                 HTTP/1.1; the head at most WEB_HEAD_MAX bytes (else 431)
 * Lines may end in CRLF or LF; a bare CR is an error (400). */
web_head_state_t web_head_check(const char *buf, size_t len, web_head_t *h);

/* Parses a Host header: uri-host [":" port] with uri-host a reg-name
 * (unreserved, %XX and sub-delimiters), an IPv4 address or an IP literal
 * in brackets, and port 0 to 5 digits (RFC 3986 §3.2.2, §3.2.3); anything
 * else (userinfo "x@", a path, spaces) is refused.  host gets the name
 * (without brackets, lowercased), *port the port or -1.  Returns 0, or -1
 * if s is not a valid authority or the name does not fit hostlen. */
int web_host_parse(const char *s, char *host, size_t hostlen, long *port);
/* 1 if host (from web_host_parse) names the loopback: localhost (also with
 * a final dot), 127.x.y.z or ::1. */
int web_host_loopback(const char *host);

typedef struct {
    const char *name, *value;
} web_hdr_t;

/* The safety headers every answer carries, NULL-terminated: page for an
 * HTML page a browser renders (its strict Content-Security-Policy), else
 * a sandboxing one (downloads, JSON, error answers of the gate). */
const web_hdr_t *web_safety_headers(int page);

/* A whole HTTP/1.1 answer with status, Content-Type, the safety headers,
 * Connection: close and an error page in lang, appended to out; with
 * retry_after > 0 also Retry-After.  For statuses 400, 408, 414, 431, 503
 * and 505 (others get the 400 page's text). */
void web_error_answer(tg_buf_t *out, int status, web_lang_t lang, int retry_after);

#endif
