/* Page images in the web front end (docs/pages.md): the page image route,
 * the page view with the query's hits marked on the page, the page JSON,
 * the evidence sheet, and the bits the document page and the results show
 * (links to the page view, thumbnails).
 *
 *   /page/SHA/N?s=screen|print|thumb   the PNG of page N
 *   /view/SHA?q=...&p=N                 page N with the hits marked (HTML)
 *   /api/page/SHA                       {"pages": N}
 *   /api/page/SHA/N?q=...               page N: size and the hits' boxes
 *   /sheet/SHA                          the evidence sheet (printable)
 *
 * Every one asks the search library's public handle (lib/read/pages.h)
 * before reading the page cache or starting the renderer: a restricted,
 * embargoed or missing document answers 404 as any route does. */
#ifndef TG_WEB_PAGEVIEW_H
#define TG_WEB_PAGEVIEW_H

#include "record.h"
#include "web.h"

int pageview_route_image(web_req_t *q, web_resp_t *resp);
int pageview_route_view(web_req_t *q, web_resp_t *resp);
int pageview_route_api(web_req_t *q, web_resp_t *resp);
int pageview_route_sheet(web_req_t *q, web_resp_t *resp);

/* On the document page: links to the page view (at the first hit's page)
 * and to the evidence sheet, when the document has page images. */
void pageview_doc_links(tg_buf_t *b, const web_req_t *q, const tg_record_t *rec, const char *query);
/* In a result: the thumbnail of the hit's page (lazy), when the document
 * has page images and thumbnails are on. */
void pageview_thumb(tg_buf_t *b, const web_req_t *q, const char *query, const tg_hit_t *h);

#endif
