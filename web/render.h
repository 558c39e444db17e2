/* HTML pages of the web front end.
 *
 * Each function appends one whole page to b.  Every string that came from a
 * document, a file name or the request goes through html.h's escaping as it
 * is written; the pages hold no script and no inline style, so the strict
 * Content-Security-Policy the server sends holds. */
#ifndef TG_WEB_RENDER_H
#define TG_WEB_RENDER_H

#include "web.h"

/* The home page: the search box, the archive's size, how to search. */
void render_home(tg_buf_t *b, const web_req_t *q, unsigned doccount);

/* A results page for s; r may be NULL when error is set (the search could
 * not run: error says why, in the interface's language). */
void render_search(tg_buf_t *b, const web_req_t *q, const web_search_t *s, const tg_results_t *r,
                   const char *error);

/* A document page.  text (text_len bytes, pages separated by '\f') is what
 * is shown, truncated says it was cut; hits (sorted, may be NULL) are the
 * spans to highlight; query is the search that led here ("" for none). */
void render_doc(tg_buf_t *b, const web_req_t *q, const tg_record_t *rec, const char *text,
                size_t text_len, int truncated, const tg_span_t *hits, size_t n_hits,
                const char *query);

/* An error page with status and message. */
void render_error(tg_buf_t *b, const web_req_t *q, int status, const char *message);

/* The head (with the search box holding query) and the end of a page, for
 * pages written elsewhere (pageview.c). */
void render_page_start(tg_buf_t *b, const web_req_t *q, const char *title, const char *body_class,
                       const char *query);
void render_page_end(tg_buf_t *b, const web_req_t *q);
/* One result of s as the results page shows it (personpage.c). */
void render_hit(tg_buf_t *b, const web_req_t *q, const web_search_t *s, const tg_hit_t *h);

/* personpage.c: the persons of a search's "persons" facet, linked to their
 * pages; the link to a person's page. */
void render_person_facet(tg_buf_t *b, const web_req_t *q, const json_t *persons);
void render_person_href(tg_buf_t *b, const web_req_t *q, const char *key);

#endif
