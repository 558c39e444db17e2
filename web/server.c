/* The HTTP server (see server.h): libmicrohttpd in a pool of threads, each
 * thread with its own read-only handle on the archive (Xapian handles are
 * not shared between threads), refreshed before each request so a running
 * server sees what the indexer commits.
 *
 * Connections come in through the gate (gate.c), which owns the listening
 * socket: it checks each connection's first raw request head as it arrives
 * (garbage and malformed heads answered at once, with every safety
 * header), gives it an absolute deadline, caps connections per address and
 * in all, and hands the whole head over (MHD_add_connection).  Later
 * requests on a kept-alive connection are read by libmicrohttpd itself:
 * their headers get the same checks against smuggling here, and the gate
 * bounds the wait for each.
 *
 * For each request it then checks what HTTP hands over before any route
 * sees it: the method (GET and HEAD only), the Host header (a valid
 * authority; only loopback names when bound to the loopback, against DNS
 * rebinding), the arguments (valid UTF-8 without control characters,
 * bounded in number and size), then picks the route, and adds the same
 * safety headers to every answer (a strict Content-Security-Policy,
 * nosniff, no referrer, no caching of archive content).
 *
 * Costly searches (a wildcard) do not run on the HTTP threads: the
 * connection is suspended and the search runs on one of a few search
 * threads (the lane); when the lane's queue is full or a search has waited
 * too long, the answer is 503 with Retry-After.  So static files, document
 * pages and plain searches never wait behind them.
 *
 * Never trusts the path to name a file: routes address documents by digest
 * only. */
#define _GNU_SOURCE
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "gate.h"
#include "html.h"
#include "http.h"
#include "i18n.h"
#include "render.h"
#include "util.h"

/* Memory per connection: holds the request line and headers (the gate lets
 * at most WEB_HEAD_MAX of them through). */
#define CONN_MEMORY (64 * 1024)
#define MAX_KEY     64
#define JOB_MAGIC   0x7e57160bu
#define POST_MAGIC  0x7e57b0d1u

/* One request: what the route reads and fills, kept across a suspension
 * while a costly search waits for and runs on the lane. */
typedef struct job {
    unsigned magic;
    web_post_t *post; /* POST /batch: its fields, owned */
    web_req_t q;
    char base[160]; /* q.base_url, when it follows Host */
    web_route_fn route;
    web_resp_t resp;
    int status;
    struct MHD_Connection *c;
    double t0, queued;
    struct job *next;
} job_t;

/* The lane of costly searches (see the top of the file). */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    job_t *head, *tail;
    unsigned waiting;   /* queued, not yet taken by a thread */
    pthread_t *threads; /* search_slots of them */
    unsigned n_threads;
    int stop;
} lane_t;

struct web_server {
    struct MHD_Daemon *d;
    web_config_t *cfg;
    pthread_key_t key;
    int access_log;
    int wildcard; /* bound to every address: the base URL follows Host */
    web_gate_t *gate;
    lane_t lane;
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
    for (const web_hdr_t *h = web_safety_headers(html && !r->download); h->name; h++)
        MHD_add_response_header(mr, h->name, h->value);
    if (!has_header(r, "Cache-Control"))
        MHD_add_response_header(mr, "Cache-Control", "no-store");
    if (status >= 400 && status != 404 && status != 503)
        MHD_add_response_header(mr, "Connection", "close"); /* a client gone wrong */
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

/* The headers of a request as libmicrohttpd parsed them: what the gate
 * refuses in a connection's first head (http.h), for the requests after
 * it on a kept-alive connection. */
typedef struct {
    unsigned lengths, encodings, hosts;
    int bad_length, body;
} head_facts_t;

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    (void)kind;
    head_facts_t *f = cls;
    if (!strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
        f->lengths++;
        const char *v = value ? value : "";
        f->bad_length |= !*v || strspn(v, "0123456789") != strlen(v);
        f->body |= strspn(v, "0") != strlen(v);
    } else if (!strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
        f->encodings++;
    } else if (!strcasecmp(key, MHD_HTTP_HEADER_HOST)) {
        f->hosts++;
    }
    return MHD_YES;
}

/* 1 if a request could hide another (two Content-Length, Content-Length
 * with Transfer-Encoding, a body on GET or HEAD) or names two hosts. */
static int smuggling(struct MHD_Connection *c)
{
    head_facts_t f = {0};
    MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &f);
    return f.lengths > 1 || f.encodings || f.hosts > 1 || f.bad_length || f.body;
}

/* The gate's token for c (web_gate_started). */
static void *gate_token(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

static job_t *job_new(web_server_t *s)
{
    job_t *j = tg_xcalloc(1, sizeof *j);
    j->magic = JOB_MAGIC;
    j->q.cfg = s->cfg;
    j->q.base_url = s->cfg->base_url;
    j->q.path = "/";
    web_resp_init(&j->resp);
    return j;
}

static void post_free(web_post_t *p)
{
    if (!p)
        return;
    tg_buf_free(&p->list);
    tg_buf_free(&p->file);
    free(p);
}

static void job_free(job_t *j)
{
    if (!j)
        return;
    post_free(j->post);
    web_resp_free(&j->resp);
    j->magic = 0;
    free(j);
}

static void log_request(web_server_t *s, const char *method, const job_t *j)
{
    if (s->access_log)
        fprintf(stderr, "testigo-web: %s %s %d %.1f ms\n", method, j->q.path, j->status,
                (tg_now() - j->t0) * 1000);
}

/* ==== The lane of costly searches ============================================ */

/* Queues j and suspends its connection; 0 if the queue is full (then
 * nothing is done). */
static int lane_submit(web_server_t *s, struct MHD_Connection *c, job_t *j)
{
    lane_t *l = &s->lane;
    pthread_mutex_lock(&l->mu);
    if (l->stop || l->waiting >= s->cfg->search_queue) {
        pthread_mutex_unlock(&l->mu);
        return 0;
    }
    l->waiting++; /* the place is ours */
    pthread_mutex_unlock(&l->mu);
    /* suspended before any thread can take it, so never resumed first */
    MHD_suspend_connection(c);
    j->c = c;
    j->queued = tg_now();
    pthread_mutex_lock(&l->mu);
    if (l->tail)
        l->tail->next = j;
    else
        l->head = j;
    l->tail = j;
    pthread_cond_signal(&l->cv);
    pthread_mutex_unlock(&l->mu);
    return 1;
}

static void *lane_main(void *arg)
{
    web_server_t *s = arg;
    lane_t *l = &s->lane;
    for (;;) {
        pthread_mutex_lock(&l->mu);
        while (!l->head && !l->stop)
            pthread_cond_wait(&l->cv, &l->mu);
        job_t *j = l->head;
        if (!j) {
            pthread_mutex_unlock(&l->mu);
            break; /* stopping, and nothing left */
        }
        l->head = j->next;
        if (!l->head)
            l->tail = NULL;
        j->next = NULL;
        l->waiting--;
        int stop = l->stop;
        pthread_mutex_unlock(&l->mu);
        thread_ctx_t *t = stop ? NULL : thread_ctx(s);
        if (stop || tg_now() - j->queued > s->cfg->search_wait) {
            j->status = web_route_busy(&j->q, &j->resp);
        } else if (!t) {
            j->resp.content_type = "text/html; charset=utf-8";
            render_error(&j->resp.body, &j->q, 503, web_msg(j->q.lang, M_ERR_SERVER));
            j->status = 503;
        } else {
            tg_archive_refresh(t->archive);
            j->q.archive = t->archive;
            j->q.qp = t->qp;
            j->status = j->route(&j->q, &j->resp);
        }
        MHD_resume_connection(j->c); /* the handler sends it */
    }
    return NULL;
}

/* Stops the lane: what is queued is answered 503, what runs finishes,
 * every suspended connection is resumed. */
static void lane_stop(web_server_t *s)
{
    lane_t *l = &s->lane;
    pthread_mutex_lock(&l->mu);
    l->stop = 1;
    pthread_cond_broadcast(&l->cv);
    pthread_mutex_unlock(&l->mu);
    for (unsigned i = 0; i < l->n_threads; i++)
        pthread_join(l->threads[i], NULL);
    free(l->threads);
    l->threads = NULL;
    l->n_threads = 0;
}

/* ==== Requests ================================================================ */

/* A POST body being read (the batch form): its fields, at most
 * WEB_POST_MAX bytes in all, whatever the Content-Length said. */
typedef struct {
    unsigned magic; /* POST_MAGIC: told from a job by it */
    web_post_t *post;
    struct MHD_PostProcessor *pp;
    size_t got;
} post_state_t;

static void post_state_free(post_state_t *ps)
{
    if (!ps)
        return;
    if (ps->pp)
        MHD_destroy_post_processor(ps->pp);
    post_free(ps->post);
    ps->magic = 0;
    free(ps);
}

static void field_copy(char *dst, size_t cap, uint64_t off, const char *data, size_t size, int *bad)
{
    if (off + size >= cap) {
        *bad = 1;
        return;
    }
    memcpy(dst + off, data, size);
    dst[off + size] = '\0';
}

static enum MHD_Result post_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *filename, const char *content_type,
                                  const char *transfer_encoding, const char *data, uint64_t off,
                                  size_t size)
{
    (void)kind;
    (void)filename;
    (void)content_type;
    (void)transfer_encoding;
    web_post_t *p = cls;
    if (!key)
        return MHD_YES;
    if (!strcmp(key, "list"))
        p->bad |= size && tg_buf_add(&p->list, data, size) != TG_OK;
    else if (!strcmp(key, "file"))
        p->bad |= size && tg_buf_add(&p->file, data, size) != TG_OK;
    else if (!strcmp(key, "token"))
        field_copy(p->token, sizeof p->token, off, data, size, &p->bad);
    else if (!strcmp(key, "format"))
        field_copy(p->format, sizeof p->format, off, data, size, &p->bad);
    return p->bad ? MHD_NO : MHD_YES;
}

/* 1 if the request is a POST to a route that takes one. */
static int post_route(const char *method, const char *url)
{
    return !strcmp(method, MHD_HTTP_METHOD_POST) && url && !strcmp(url, "/batch");
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
    (void)version;
    static int marker;
    web_server_t *s = cls;
    job_t *j = *con_cls;
    if (j && (void *)j != (void *)&marker && j->magic == JOB_MAGIC) {
        /* back from the lane */
        *con_cls = &marker;
        enum MHD_Result ret = send_resp(c, j->status, &j->resp);
        log_request(s, method, j);
        job_free(j);
        return ret;
    }
    int head = !strcmp(method, MHD_HTTP_METHOD_HEAD);
    int post = post_route(method, url);
    if (strcmp(method, MHD_HTTP_METHOD_GET) && !head && !post) {
        /* answered at once: the body, if any, is never read */
        j = job_new(s);
        j->t0 = tg_now();
        j->q.lang = web_lang_negotiate(
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_LANGUAGE));
        j->status = 405;
        enum MHD_Result ret = early_error(c, &j->q, 405, web_msg(j->q.lang, M_ERR_BAD_REQUEST));
        log_request(s, method, j);
        job_free(j);
        return ret;
    }
    if (!*con_cls) {
        web_gate_request(s->gate, gate_token(c), 1);
        if (post) {
            /* one Content-Length (the gate took no Transfer-Encoding), at
             * most WEB_POST_MAX, and a form's Content-Type */
            head_facts_t f = {0};
            MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &f);
            const char *cl =
                MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
            int status = 0;
            if (f.lengths != 1 || f.encodings || f.hosts > 1 || f.bad_length)
                status = f.lengths == 0 && !f.encodings ? 411 : 400;
            else if (strlen(cl) > 9 || strtoul(cl, NULL, 10) > WEB_POST_MAX)
                status = 413;
            post_state_t *ps = NULL;
            if (!status) {
                ps = tg_xcalloc(1, sizeof *ps);
                ps->magic = POST_MAGIC;
                ps->post = tg_xcalloc(1, sizeof *ps->post);
                tg_buf_init(&ps->post->list, WEB_POST_MAX);
                tg_buf_init(&ps->post->file, WEB_POST_MAX);
                ps->pp = MHD_create_post_processor(c, 16 * 1024, post_field, ps->post);
                if (!ps->pp)
                    status = 415; /* neither urlencoded nor multipart */
            }
            if (status) {
                post_state_free(ps);
                j = job_new(s);
                j->t0 = tg_now();
                j->status = status;
                j->q.lang = web_lang_negotiate(MHD_lookup_connection_value(
                    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_LANGUAGE));
                enum MHD_Result ret = early_error(
                    c, &j->q, status,
                    web_msg(j->q.lang, status == 413 ? M_ERR_TOO_LARGE : M_ERR_BAD_REQUEST));
                log_request(s, method, j);
                job_free(j);
                return ret;
            }
            *con_cls = ps;
            return MHD_YES;
        }
        if (smuggling(c)) {
            /* answered before the body is read; the connection is closed */
            j = job_new(s);
            j->t0 = tg_now();
            j->status = 400;
            j->q.lang = web_lang_negotiate(
                MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_LANGUAGE));
            enum MHD_Result ret = early_error(c, &j->q, 400, web_msg(j->q.lang, M_ERR_BAD_REQUEST));
            log_request(s, method, j);
            job_free(j);
            return ret;
        }
        *con_cls = &marker; /* the whole request first */
        return MHD_YES;
    }
    post_state_t *ps = post && *con_cls != &marker ? *con_cls : NULL;
    if (ps && ps->magic != POST_MAGIC)
        ps = NULL;
    if (*upload_data_size) {
        if (ps) {
            ps->got += *upload_data_size;
            if (ps->got > WEB_POST_MAX ||
                MHD_post_process(ps->pp, upload_data, *upload_data_size) != MHD_YES)
                ps->post->bad = 1; /* the rest is read and dropped */
        }
        *upload_data_size = 0; /* a body on GET: the gate lets none through */
        return MHD_YES;
    }
    j = job_new(s);
    if (ps) {
        /* the whole body is read: the job takes its fields */
        j->post = ps->post;
        ps->post = NULL;
        post_state_free(ps);
        *con_cls = &marker;
        j->q.post = j->post;
    }
    web_req_t *q = &j->q;
    j->t0 = tg_now();
    q->lang = web_lang_negotiate(
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_LANGUAGE));
    enum MHD_Result ret;

    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    char name[256];
    long port;
    if (host && web_host_parse(host, name, sizeof name, &port)) {
        j->status = 400; /* "localhost:80@evil.com", a path, spaces */
        ret = early_error(c, q, 400, web_msg(q->lang, M_ERR_BAD_REQUEST));
        goto out;
    }
    if (s->cfg->loopback_only_hosts && host && !web_host_loopback(name)) {
        j->status = 403;
        ret = early_error(c, q, 403, web_msg(q->lang, M_ERR_BAD_REQUEST));
        goto out;
    }
    if (s->wildcard && host && strlen(host) < sizeof j->base - 8) {
        snprintf(j->base, sizeof j->base, "http://%s", host);
        q->base_url = j->base;
    }
    args_ctx_t ac = {q, 0};
    MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, collect_arg, &ac);
    if (ac.bad || !url || url[0] != '/' || !web_text_clean(url, strlen(url))) {
        j->status = 400;
        ret = early_error(c, q, 400, web_msg(q->lang, M_ERR_BAD_REQUEST));
        goto out;
    }
    q->path = url;
    q->head = head;
    if (!web_lang_parse(web_arg(q, "hl"), &q->lang))
        q->lang_explicit = 1;

    j->route = web_route_find(url);
    int needs_index =
        strncmp(url, "/static/", 8) && strcmp(url, "/robots.txt") && strcmp(url, "/opensearch.xml");
    thread_ctx_t *t = needs_index ? thread_ctx(s) : NULL;
    if (needs_index && !t) {
        j->status = 503;
        j->resp.content_type = "text/html; charset=utf-8";
        render_error(&j->resp.body, q, 503, web_msg(q->lang, M_ERR_SERVER));
    } else {
        if (t) {
            q->qp = t->qp;
            if (web_route_costly(q)) {
                q->qp = NULL; /* the lane's thread brings its own */
                if (lane_submit(s, c, j)) {
                    *con_cls = j; /* sent when the lane resumes it */
                    return MHD_YES;
                }
                j->status = web_route_busy(q, &j->resp);
                goto send;
            }
            tg_archive_refresh(t->archive);
            q->archive = t->archive;
        }
        j->status = j->route(q, &j->resp);
    }
send:
    ret = send_resp(c, j->status, &j->resp);
out:
    log_request(s, method, j);
    job_free(j);
    return ret;
}

/* A request ended (answered, or the connection died): a job still attached
 * was never sent. */
static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    web_server_t *s = cls;
    web_gate_request(s->gate, gate_token(c), 0); /* waits for the next one */
    job_t *j = con_cls ? *con_cls : NULL;
    if (j && j->magic == JOB_MAGIC) {
        job_free(j);
        *con_cls = NULL;
    } else if (j && j->magic == POST_MAGIC) {
        post_state_free((post_state_t *)(void *)j); /* a body never read whole */
        *con_cls = NULL;
    }
}

/* Connections as the HTTP library opens and closes them: the gate counts
 * them against the caps until they close. */
static void notify_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                              enum MHD_ConnectionNotificationCode toe)
{
    web_server_t *s = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = info ? web_gate_started(s->gate, info->connect_fd) : NULL;
    } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
        web_gate_closed(s->gate, *socket_context);
        *socket_context = NULL;
    }
}

/* The gate's handover: the head is whole and valid. */
static int take_connection(void *ctx, int fd, const struct sockaddr *addr, socklen_t len)
{
    web_server_t *s = ctx;
    return MHD_add_connection(s->d, fd, addr, len) == MHD_YES ? 0 : -1;
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

/* A listening socket on addr (IPv6: that family only, as libmicrohttpd
 * binds it); -1 with a message. */
static int listen_on(const struct sockaddr *addr, socklen_t len, char *err, size_t errlen)
{
    int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        (addr->sa_family == AF_INET6 &&
         setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one)) ||
        bind(fd, addr, len) || listen(fd, 511)) {
        tg_errf(err, errlen, "%s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

tg_status_t web_server_start(web_config_t *cfg, const struct sockaddr *addr, socklen_t addrlen,
                             int access_log, web_server_t **out, unsigned *port, char *err,
                             size_t errlen)
{
    *out = NULL;
    web_server_t *s = tg_xcalloc(1, sizeof *s);
    /* the batch form's tokens are keyed by a secret of this start */
    if (getrandom(cfg->csrf_key, sizeof cfg->csrf_key, 0) != (ssize_t)sizeof cfg->csrf_key) {
        tg_errf(err, errlen, "no random bytes for the form tokens: %s", strerror(errno));
        free(s);
        return TG_ERR_IO;
    }
    s->cfg = cfg;
    s->access_log = access_log;
    if (pthread_key_create(&s->key, thread_ctx_free)) {
        tg_errf(err, errlen, "cannot create thread storage");
        free(s);
        return TG_ERR_IO;
    }
    char host[INET6_ADDRSTRLEN] = "";
    if (addr->sa_family == AF_INET6) {
        const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)(const void *)addr;
        inet_ntop(AF_INET6, &a6->sin6_addr, host, sizeof host);
        s->wildcard = IN6_IS_ADDR_UNSPECIFIED(&a6->sin6_addr);
    } else {
        const struct sockaddr_in *a4 = (const struct sockaddr_in *)(const void *)addr;
        inet_ntop(AF_INET, &a4->sin_addr, host, sizeof host);
        s->wildcard = a4->sin_addr.s_addr == htonl(INADDR_ANY);
    }
    char why[256];
    int lfd = listen_on(addr, addrlen, why, sizeof why);
    if (lfd < 0) {
        tg_errf(err, errlen, "cannot listen on %s (%s)", host, why);
        pthread_key_delete(s->key);
        free(s);
        return TG_ERR_IO;
    }
    struct sockaddr_storage bound;
    socklen_t blen = sizeof bound;
    getsockname(lfd, (struct sockaddr *)&bound, &blen);
    *port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
                                              : ((struct sockaddr_in *)&bound)->sin_port);

    /* the gate owns the listening socket and the caps; the library only
     * ever sees connections it hands over, so its own limit is never the
     * one that refuses */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG |
                     MHD_USE_NO_LISTEN_SOCKET | MHD_ALLOW_SUSPEND_RESUME;
    struct MHD_OptionItem opts[] = {
        {MHD_OPTION_CONNECTION_LIMIT, (intptr_t)cfg->max_connections * 2 + 64, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)cfg->conn_timeout, NULL},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONN_MEMORY, NULL},
        {MHD_OPTION_STRICT_FOR_CLIENT, 1, NULL},
        {MHD_OPTION_END, 0, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    size_t n = 4;
    if (cfg->threads > 1)
        opts[n++] =
            (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)cfg->threads, NULL};
    opts[n] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    s->d = MHD_start_daemon(flags, 0, NULL, NULL, handle, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log,
                            NULL, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, s, MHD_OPTION_NOTIFY_CONNECTION,
                            notify_connection, s, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
    if (!s->d) {
        tg_errf(err, errlen, "cannot start the HTTP library's threads");
        close(lfd);
        pthread_key_delete(s->key);
        free(s);
        return TG_ERR_IO;
    }
    lane_t *l = &s->lane;
    pthread_mutex_init(&l->mu, NULL);
    pthread_cond_init(&l->cv, NULL);
    l->threads = tg_xcalloc(cfg->search_slots ? cfg->search_slots : 1, sizeof *l->threads);
    for (unsigned i = 0; i < (cfg->search_slots ? cfg->search_slots : 1); i++)
        if (!pthread_create(&l->threads[l->n_threads], NULL, lane_main, s))
            l->n_threads++;
    web_gate_opts_t go = {
        .max_connections = cfg->max_connections,
        .max_per_address = cfg->max_per_address,
        .head_timeout = cfg->head_timeout,
        .handover = take_connection,
        .ctx = s,
    };
    if (!l->n_threads || web_gate_start(lfd, &go, &s->gate, why, sizeof why)) {
        tg_errf(err, errlen, "cannot start serving on %s: %s", host,
                l->n_threads ? why : "no search thread");
        if (!s->gate)
            close(lfd);
        lane_stop(s);
        MHD_stop_daemon(s->d);
        pthread_mutex_destroy(&l->mu);
        pthread_cond_destroy(&l->cv);
        pthread_key_delete(s->key);
        free(s);
        return TG_ERR_IO;
    }
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
    web_gate_stop(s->gate); /* no new connections, no more handovers */
    lane_stop(s);           /* every suspended connection resumed */
    MHD_stop_daemon(s->d);  /* reports every connection closed to the gate */
    web_gate_free(s->gate);
    pthread_mutex_destroy(&s->lane.mu);
    pthread_cond_destroy(&s->lane.cv);
    pthread_key_delete(s->key);
    free(s);
}
