/* testigo-web: what the parts of the web front end share.
 *
 *   server.c   the HTTP server (libmicrohttpd): turns a request into a
 *              web_req_t, calls the route, turns the web_resp_t into HTTP
 *   routes.c   one handler per URL: reads the request, asks the search
 *              library, fills a response and returns an HTTP status
 *   render.c   HTML pages; every string from a document, a file name or a
 *              request is escaped on output (html.c)
 *   i18n.c     the interface's words, in Spanish and English
 *   assets     web/static/ files, embedded at build time (assets.c is
 *              generated into the build folder)
 *
 * Ownership: a web_req_t belongs to the server for the duration of one
 * request; routes fill the web_resp_t the server hands them and the server
 * releases it (web_resp_free) after sending. */
#ifndef TG_WEB_H
#define TG_WEB_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "search.h"

/* Limits on the work one request may ask for (web_config_t defaults). */
#define WEB_MAX_QUERY       1024 /* bytes of query text */
#define WEB_MAX_PAGE_SIZE   100  /* results per page */
#define WEB_MAX_OFFSET      10000
#define WEB_MAX_WILDCARD    200 /* terms one wildcard may expand to */
#define WEB_MAX_CLAUSES     32  /* words and fields in one query */
#define WEB_MAX_FILTERS     16
#define WEB_MAX_ARG         2048 /* bytes of any other argument */
#define WEB_MAX_ARGS        64
#define WEB_TEXT_SHOWN      ((size_t)2 << 20) /* bytes of text on a document page */
#define WEB_MAX_HIGHLIGHTS  20000
#define WEB_BODY_MAX        ((size_t)64 << 20) /* any generated page or JSON */
#define WEB_TERM_FACET_DOCS 2000
#define WEB_POST_MAX        ((size_t)1 << 20) /* bytes of a POST body (the batch form) */
#define WEB_BATCH_ROWS      1000              /* rows of one list on the batch form */
#define WEB_BATCH_DOCS      20                /* documents per row on the batch page */

typedef struct {
    const char *archive;
    double time_limit; /* seconds per search */
    unsigned threads;  /* worker threads */
    unsigned max_connections;
    unsigned max_per_address; /* open connections from one address (IPv6: one /64) */
    double head_timeout;      /* seconds from accept to a whole request head */
    unsigned conn_timeout;    /* seconds of idle while answering before closing */
    /* Costly searches (a wildcard) run on their own threads so that they
     * never hold up other requests: search_slots at once, search_queue
     * more waiting at most search_wait seconds; past that, 503. */
    unsigned search_slots, search_queue;
    double search_wait;
    int loopback_only_hosts;    /* Host must name the loopback (DNS rebinding guard) */
    char base_url[128];         /* "http://127.0.0.1:8080", no trailing slash */
    struct tg_pages *pages;     /* page images (lib/read/pages.h); NULL: none shown */
    int thumbnails;             /* thumbnails of the hit's page in results */
    unsigned char csrf_key[32]; /* random per start: the batch form's tokens */
} web_config_t;

/* The fields of a POST to the batch form (server.c reads the body, at most
 * WEB_POST_MAX bytes, urlencoded or multipart). */
typedef struct {
    tg_buf_t list; /* "list": the pasted list */
    tg_buf_t file; /* "file": the uploaded list */
    char token[128];
    char format[8];
    int bad; /* too large, or not a form */
} web_post_t;

typedef enum { WEB_LANG_ES = 0, WEB_LANG_EN = 1 } web_lang_t;

/* One query-string argument, decoded (valid UTF-8, no control characters). */
typedef struct {
    const char *key, *value;
} web_arg_t;

typedef struct {
    const char *path; /* decoded path, starts with '/' */
    int head;         /* HEAD rather than GET: the server drops the body */
    web_arg_t args[WEB_MAX_ARGS];
    size_t n_args;
    web_lang_t lang;
    int lang_explicit; /* hl= given: links keep it */
    const char *base_url;
    const web_config_t *cfg;
    tg_archive_t *archive; /* this thread's, refreshed for this request */
    tg_qparser_t *qp;
    const web_post_t *post; /* POST /batch: its fields; NULL for GET and HEAD */
} web_req_t;

typedef struct {
    char *name, *value;
} web_header_t;

typedef struct {
    const char *content_type;
    tg_buf_t body;           /* generated content, or: */
    const void *static_data; /* embedded content (not freed), or: */
    int fd;                  /* an open file (-1: none), fd_size bytes */
    uint64_t fd_size;
    web_header_t headers[8]; /* extra headers, malloc'd */
    size_t n_headers;
    int download; /* an original: stricter headers */
    size_t static_len;
} web_resp_t;

void web_resp_init(web_resp_t *r);
void web_resp_free(web_resp_t *r);
void web_resp_header(web_resp_t *r, const char *name, const char *value);

/* What a search page shows: parsed from the request by the search route,
 * and turned back into links (web_search_url) by the renderer, so that each
 * link is the current search with one thing changed. */
typedef struct {
    const char *q; /* as typed; "" for none */
    tg_sort_t sort;
    unsigned page, n;      /* 1-based page; results per page */
    const char *from, *to; /* date range as typed; NULL for none */
    tg_filter_t filters[WEB_MAX_FILTERS];
    size_t n_filters;
} web_search_t;

#define WEB_DEFAULT_PAGE_SIZE 10

/* Appends the URL (relative) of the search s at path ("/search",
 * "/api/search"), with hl= when the request chose a language. */
void web_search_url(tg_buf_t *b, const web_req_t *q, const web_search_t *s, const char *path);
/* Removes filter i of s. */
void web_search_drop_filter(web_search_t *s, size_t i);
/* Index of the filter (facet, value) in s, or -1. */
int web_search_find_filter(const web_search_t *s, const char *facet, const char *value);

/* The first value of argument key, or NULL. */
const char *web_arg(const web_req_t *q, const char *key);

/* Shared by the route files (routes.c, pageview.c): an error answer in
 * HTML or JSON as the path asks (/api/...), and an HTML page done (its
 * cap checked). */
int web_fail(web_req_t *q, web_resp_t *resp, int status, const char *message);
int web_html_done(web_req_t *q, web_resp_t *resp, int status);

/* A route: fills resp and returns the HTTP status. */
typedef int (*web_route_fn)(web_req_t *q, web_resp_t *resp);
/* The route for path (never NULL: unknown paths get the 404 route). */
web_route_fn web_route_find(const char *path);
/* /person?name=NAME: a person's page (personpage.c). */
int web_route_person(web_req_t *q, web_resp_t *resp);
/* /batch: the batch form, GET; its report, POST (batchpage.c). */
int web_route_batch(web_req_t *q, web_resp_t *resp);
/* 1 if q is a costly search (its query has a wildcard): the server runs
 * those apart, a few at a time (web_config_t.search_slots).  Needs q->qp. */
int web_route_costly(const web_req_t *q);
/* Fills resp with the answer to a costly search that found no room: 503,
 * "try again in a few seconds", as the route would show it (the search
 * page or JSON).  Returns the status. */
int web_route_busy(web_req_t *q, web_resp_t *resp);

#endif
