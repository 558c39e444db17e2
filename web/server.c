/* The HTTP server (see server.h): libmicrohttpd in a pool of threads, each
 * thread with its own read-only handle on the archive (Xapian handles are
 * not shared between threads), refreshed before each request so a running
 * server sees what the indexer commits.
 *
 * For each request it checks what HTTP hands over before any route sees it:
 * the method (GET and HEAD only), the Host header (only loopback names when
 * bound to the loopback, against DNS rebinding), the arguments (valid UTF-8
 * without control characters, bounded in number and size), then picks the
 * route, and adds the same safety headers to every answer (a strict
 * Content-Security-Policy, nosniff, no referrer, no caching of archive
 * content).  Connection count, idle time and per-connection memory are
 * bounded by libmicrohttpd options; a request line or headers too large for
 * that memory get libmicrohttpd's own 4xx.
 *
 * Never trusts the path to name a file: routes address documents by digest
 * only. */
#define _GNU_SOURCE
#include "server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "html.h"
#include "i18n.h"
#include "render.h"
#include "util.h"

/* Memory per connection: holds the request line and headers. */
#define CONN_MEMORY (64 * 1024)
#define MAX_KEY     64

struct web_server {
    struct MHD_Daemon *d;
    web_config_t *cfg;
    pthread_key_t key;
    int access_log;
    int wildcard; /* bound to every address: the base URL follows Host */
};

/* What each server thread keeps between requests. */
typedef struct {
    tg_archive_t *archive;
    tg_qparser_t *qp;
} thread_ctx_t;

static void thread_ctx_free(void *p)
{
    thread_ctx_t *t = p;
    if (!t)
        return;
    tg_qparser_free(t->qp);
    tg_archive_close(t->archive);
    free(t);
}

/* This thread's archive handle, opened on first use; NULL if the archive
 * cannot be opened. */
static thread_ctx_t *thread_ctx(web_server_t *s)
{
    thread_ctx_t *t = pthread_getspecific(s->key);
    if (t)
        return t;
    char err[512];
    tg_archive_t *a;
    if (tg_archive_open_public(s->cfg->archive, &a, err, sizeof err)) {
        fprintf(stderr, "testigo-web: %s\n", err);
        return NULL;
    }
    t = tg_xcalloc(1, sizeof *t);
    t->archive = a;
    t->qp = tg_qparser_new();
    pthread_setspecific(s->key, t);
    return t;
}

/* ==== Reading the request =================================================== */

typedef struct {
    web_req_t *q;
    int bad;
} args_ctx_t;

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    args_ctx_t *c = cls;
    if (!value) {
        value = "";
        value_size = 0;
    }
    if (c->q->n_args >= WEB_MAX_ARGS || key_size == 0 || key_size > MAX_KEY ||
        value_size > WEB_MAX_ARG || !web_text_clean(key, key_size) ||
        !web_text_clean(value, value_size)) {
        c->bad = 1;
        return MHD_NO;
    }
    c->q->args[c->q->n_args++] = (web_arg_t){key, value};
    return MHD_YES;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* 1 if the Host header names the loopback: localhost, 127.x.y.z or [::1],
 * with any port. */
static int loopback_host(const char *host)
{
    if (!host)
        return 0;
    char name[64];
    size_t n;
    if (host[0] == '[') {
        const char *end = strchr(host, ']');
        if (!end || (size_t)(end - host - 1) >= sizeof name)
            return 0;
        n = (size_t)(end - host - 1);
        memcpy(name, host + 1, n);
        name[n] = '\0';
        struct in6_addr a6;
        return inet_pton(AF_INET6, name, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
    }
    n = strcspn(host, ":");
    if (n >= sizeof name)
        return 0;
    memcpy(name, host, n);
    name[n] = '\0';
    if (!strcasecmp(name, "localhost"))
        return 1;
    struct in_addr a4;
    return inet_pton(AF_INET, name, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
}

/* A Host header fit to build the base URL from (bound to every address). */
static int plain_host(const char *host)
{
    if (!host || !*host || strlen(host) > 100)
        return 0;
    for (const char *p = host; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '.' || *p == '-' || *p == ':' || *p == '[' || *p == ']'))
            return 0;
    return 1;
}

/* Decodes %XX in the path and the arguments, like libmicrohttpd's own
 * unescaper, except that %00 becomes 0x01: a decoded NUL would silently cut
 * the path short ("/doc/SHA%00junk" would name the document), whereas a
 * control character is refused with 400 by the checks above. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    char *w = s;
    for (const char *r = s; *r;) {
        int hi, lo;
        if (r[0] == '%' && (hi = hexval(r[1])) >= 0 && (lo = hexval(r[2])) >= 0) {
            int v = hi << 4 | lo;
            *w++ = v ? (char)v : '\x01';
            r += 3;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

/* ==== Answering ============================================================== */

static const char CSP_PAGE[] = "default-src 'none'; style-src 'self'; img-src 'self'; "
                               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
static const char CSP_DATA[] = "default-src 'none'; sandbox; frame-ancestors 'none'";

static int has_header(const web_resp_t *r, const char *name)
{
    for (size_t i = 0; i < r->n_headers; i++)
        if (!strcasecmp(r->headers[i].name, name))
            return 1;
    return 0;
}

static enum MHD_Result send_resp(struct MHD_Connection *c, int status, web_resp_t *r)
{
    struct MHD_Response *mr;
    if (r->fd >= 0) {
        mr = MHD_create_response_from_fd64(r->fd_size, r->fd);
        if (mr)
            r->fd = -1; /* libmicrohttpd closes it */
    } else if (r->static_data) {
        mr = MHD_create_response_from_buffer(r->static_len, (void *)r->static_data,
                                             MHD_RESPMEM_PERSISTENT);
    } else {
        size_t len = r->body.len;
        char *body = tg_buf_detach(&r->body);
        mr = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
        if (!mr)
            free(body);
    }
    if (!mr)
        return MHD_NO;
    int html = r->content_type && !strncmp(r->content_type, "text/html", 9);
    if (r->content_type && !has_header(r, "Content-Type"))
        MHD_add_response_header(mr, "Content-Type", r->content_type);
    MHD_add_response_header(mr, "Content-Security-Policy",
                            html && !r->download ? CSP_PAGE : CSP_DATA);
    MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(mr, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(mr, "X-Frame-Options", "DENY");
    MHD_add_response_header(mr, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(mr, "Cross-Origin-Resource-Policy", "same-origin");
    if (!has_header(r, "Cache-Control"))
        MHD_add_response_header(mr, "Cache-Control", "no-store");
    for (size_t i = 0; i < r->n_headers; i++)
        MHD_add_response_header(mr, r->headers[i].name, r->headers[i].value);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, mr);
    MHD_destroy_response(mr);
    return ret;
}

/* Answers before any route: a bare page in the negotiated language. */
static enum MHD_Result early_error(struct MHD_Connection *c, web_req_t *q, int status,
                                   const char *msg)
{
    web_resp_t r;
    web_resp_init(&r);
    r.content_type = "text/html; charset=utf-8";
    q->path = "/";
    q->n_args = 0;
    q->lang_explicit = 0;
    render_error(&r.body, q, status, msg);
    if (status == 405)
        web_resp_header(&r, "Allow", "GET, HEAD");
    enum MHD_Result ret = send_resp(c, status, &r);
    web_resp_free(&r);
    return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
    (void)version;
    (void)upload_data;
    static int marker;
    web_server_t *s = cls;
    int head = !strcmp(method, MHD_HTTP_METHOD_HEAD);
    web_req_t *q = tg_xcalloc(1, sizeof *q);
    q->cfg = s->cfg;
    q->base_url = s->cfg->base_url;
    q->lang = web_lang_negotiate(
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_LANGUAGE));
    q->path = "/";
    enum MHD_Result ret;
    double t0 = tg_now();
    int status = 0;

    if (strcmp(method, MHD_HTTP_METHOD_GET) && !head) {
        /* answered at once: the body, if any, is never read */
        status = 405;
        ret = early_error(c, q, status, web_msg(q->lang, M_ERR_BAD_REQUEST));
        goto out;
    }
    if (!*con_cls) {
        *con_cls = &marker; /* the whole request first */
        free(q);
        return MHD_YES;
    }
    if (*upload_data_size) {
        *upload_data_size = 0; /* a body on GET: ignored */
        free(q);
        return MHD_YES;
    }
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    if (s->cfg->loopback_only_hosts && host && !loopback_host(host)) {
        status = 403;
        ret = early_error(c, q, status, web_msg(q->lang, M_ERR_BAD_REQUEST));
        goto out;
    }
    char base[160];
    if (s->wildcard && plain_host(host)) {
        snprintf(base, sizeof base, "http://%s", host);
        q->base_url = base;
    }
    args_ctx_t ac = {q, 0};
    MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, collect_arg, &ac);
    if (ac.bad || !url || url[0] != '/' || !web_text_clean(url, strlen(url))) {
        status = 400;
        ret = early_error(c, q, status, web_msg(q->lang, M_ERR_BAD_REQUEST));
        goto out;
    }
    q->path = url;
    q->head = head;
    if (!web_lang_parse(web_arg(q, "hl"), &q->lang))
        q->lang_explicit = 1;

    web_resp_t r;
    web_resp_init(&r);
    web_route_fn route = web_route_find(url);
    int needs_index =
        strncmp(url, "/static/", 8) && strcmp(url, "/robots.txt") && strcmp(url, "/opensearch.xml");
    thread_ctx_t *t = needs_index ? thread_ctx(s) : NULL;
    if (needs_index && !t) {
        status = 503;
        r.content_type = "text/html; charset=utf-8";
        render_error(&r.body, q, status, web_msg(q->lang, M_ERR_SERVER));
    } else {
        if (t) {
            tg_archive_refresh(t->archive);
            q->archive = t->archive;
            q->qp = t->qp;
        }
        status = route(q, &r);
    }
    ret = send_resp(c, status, &r);
    web_resp_free(&r);
out:
    if (s->access_log)
        fprintf(stderr, "testigo-web: %s %s %d %.1f ms\n", method, q->path, status,
                (tg_now() - t0) * 1000);
    free(q);
    return ret;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    fprintf(stderr, "testigo-web: libmicrohttpd: %s\n", msg);
}

/* ==== Starting and stopping ================================================= */

tg_status_t web_server_start(web_config_t *cfg, const struct sockaddr *addr, socklen_t addrlen,
                             int access_log, web_server_t **out, unsigned *port, char *err,
                             size_t errlen)
{
    (void)addrlen;
    *out = NULL;
    web_server_t *s = tg_xcalloc(1, sizeof *s);
    s->cfg = cfg;
    s->access_log = access_log;
    if (pthread_key_create(&s->key, thread_ctx_free)) {
        tg_errf(err, errlen, "cannot create thread storage");
        free(s);
        return TG_ERR_IO;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
    char host[INET6_ADDRSTRLEN] = "";
    if (addr->sa_family == AF_INET6) {
        const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)(const void *)addr;
        flags |= MHD_USE_IPv6;
        inet_ntop(AF_INET6, &a6->sin6_addr, host, sizeof host);
        s->wildcard = IN6_IS_ADDR_UNSPECIFIED(&a6->sin6_addr);
    } else {
        const struct sockaddr_in *a4 = (const struct sockaddr_in *)(const void *)addr;
        inet_ntop(AF_INET, &a4->sin_addr, host, sizeof host);
        s->wildcard = a4->sin_addr.s_addr == htonl(INADDR_ANY);
    }
    struct MHD_OptionItem opts[] = {
        {MHD_OPTION_SOCK_ADDR, 0, (void *)addr},
        {MHD_OPTION_CONNECTION_LIMIT, (intptr_t)cfg->max_connections, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)cfg->conn_timeout, NULL},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONN_MEMORY, NULL},
        {MHD_OPTION_STRICT_FOR_CLIENT, 1, NULL},
        {MHD_OPTION_END, 0, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    size_t n = 5;
    if (cfg->threads > 1)
        opts[n++] =
            (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)cfg->threads, NULL};
    opts[n] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    s->d = MHD_start_daemon(flags, 0, NULL, NULL, handle, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log,
                            NULL, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_ARRAY,
                            opts, MHD_OPTION_END);
    if (!s->d) {
        tg_errf(err, errlen, "cannot listen on %s (address in use, or not this machine's?)", host);
        pthread_key_delete(s->key);
        free(s);
        return TG_ERR_IO;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    *port = info ? info->port : 0;
    if (addr->sa_family == AF_INET6)
        snprintf(cfg->base_url, sizeof cfg->base_url, "http://[%s]:%u", host, *port);
    else
        snprintf(cfg->base_url, sizeof cfg->base_url, "http://%s:%u", host, *port);
    *out = s;
    return TG_OK;
}

void web_server_stop(web_server_t *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->d);
    pthread_key_delete(s->key);
    free(s);
}
