/* Unit tests: the parts of the web front end that need no server or
 * archive: the message table, language negotiation, escaping, argument
 * checks, links, page rendering of hostile records, and the routes that
 * serve embedded assets or nothing. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "html.h"
#include "i18n.h"
#include "render.h"
#include "web.h"

/* Every message exists in both languages with the same printf conversion,
 * and web_msg_fmt formats it (that is what makes its pragma safe). */
static void message_table(void **state)
{
    (void)state;
    static const char *const convs[] = {"%u", "%zu", "%d", "%lld", "%.3f", "%s", NULL};
    for (int m = 0; m < M_COUNT; m++) {
        const char *es = web_msg(WEB_LANG_ES, (web_msg_t)m);
        const char *en = web_msg(WEB_LANG_EN, (web_msg_t)m);
        assert_true(*es);
        assert_true(*en);
        const char *pe = strchr(es, '%'), *pn = strchr(en, '%');
        assert_true((pe == NULL) == (pn == NULL));
        if (!pe)
            continue;
        assert_null(strchr(pe + 1, '%'));
        assert_null(strchr(pn + 1, '%'));
        int known = 0;
        for (int c = 0; convs[c]; c++) {
            size_t n = strlen(convs[c]);
            if (!strncmp(pe, convs[c], n)) {
                assert_memory_equal(pn, convs[c], n);
                known = 1;
            }
        }
        assert_true(known);
    }
    char out[128];
    web_msg_fmt(out, sizeof out, WEB_LANG_ES, M_RESULTS_MANY, "%u", 42u);
    assert_string_equal(out, "42 documentos");
    web_msg_fmt(out, sizeof out, WEB_LANG_EN, M_PAGE_MARK, "%d", 3);
    assert_string_equal(out, "Page 3");
    /* a caller asking for the wrong conversion gets the text unformatted */
    web_msg_fmt(out, sizeof out, WEB_LANG_EN, M_PAGE_MARK, "%s", "x");
    assert_string_equal(out, "Page %d");
    web_msg_fmt(out, sizeof out, WEB_LANG_EN, M_HOME, "%d", 1);
    assert_string_equal(out, "Home");
    assert_string_equal(web_msg(WEB_LANG_ES, M_COUNT), "");
}

static void language(void **state)
{
    (void)state;
    assert_int_equal(web_lang_negotiate(NULL), WEB_LANG_ES);
    assert_int_equal(web_lang_negotiate(""), WEB_LANG_ES);
    assert_int_equal(web_lang_negotiate("en-US,en;q=0.9"), WEB_LANG_EN);
    assert_int_equal(web_lang_negotiate("es-VE,es;q=0.9,en;q=0.8"), WEB_LANG_ES);
    assert_int_equal(web_lang_negotiate("en;q=0.5, es;q=0.6"), WEB_LANG_ES);
    assert_int_equal(web_lang_negotiate("fr-FR, en;q=0.1"), WEB_LANG_EN);
    assert_int_equal(web_lang_negotiate("fr-FR, de"), WEB_LANG_ES);
    assert_int_equal(web_lang_negotiate("*"), WEB_LANG_ES);
    assert_int_equal(web_lang_negotiate("en;q=0"), WEB_LANG_ES);
    assert_int_equal(web_lang_negotiate("eng, enx"), WEB_LANG_ES);
    assert_int_equal(web_lang_negotiate("en;q=zz"), WEB_LANG_ES);
    assert_int_equal(web_lang_negotiate(";;;,,,q=,;q=1.0000000000001,en"), WEB_LANG_EN);
    char big[10000];
    memset(big, ',', sizeof big - 3);
    memcpy(big + sizeof big - 3, "en", 3);
    assert_int_equal(web_lang_negotiate(big), WEB_LANG_ES); /* bounded: the item is too far */
    web_lang_t l;
    assert_int_equal(web_lang_parse("en", &l), 0);
    assert_int_equal(l, WEB_LANG_EN);
    assert_int_equal(web_lang_parse("EN", &l), -1);
    assert_int_equal(web_lang_parse(NULL, &l), -1);
}

static void escaping(void **state)
{
    (void)state;
    tg_buf_t b;
    tg_buf_init(&b, 1024);
    html_esc(&b, "<a href=\"x\">'&'</a>");
    assert_string_equal(tg_buf_str(&b), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    tg_buf_reset(&b);
    url_esc(&b, "a b/ñ&=?#%~._-");
    assert_string_equal(tg_buf_str(&b), "a%20b%2F%C3%B1%26%3D%3F%23%25~._-");
    tg_buf_reset(&b);
    html_esc(&b, NULL);
    assert_string_equal(tg_buf_str(&b), "");
    tg_buf_free(&b);

    assert_true(web_text_clean("café \"x\"\t", strlen("café \"x\"\t")));
    assert_false(web_text_clean("a\0b", 3));
    assert_false(web_text_clean("\xff", 1));
    assert_false(web_text_clean("\xc3", 1));
    assert_false(web_text_clean("a\x01", 2));
    assert_false(web_text_clean("a\x1b[31m", 6));
    assert_true(web_text_clean("", 0));
}

static web_req_t req(const char *path)
{
    static const web_config_t cfg = {.time_limit = 1, .base_url = "http://127.0.0.1:1"};
    web_req_t q = {.path = path, .cfg = &cfg, .base_url = cfg.base_url};
    return q;
}

static void links(void **state)
{
    (void)state;
    web_req_t q = req("/search");
    web_search_t s = {.q = "\"fue detenido\" & <b>", .n = 10, .page = 3, .sort = TG_SORT_DATE};
    s.filters[s.n_filters++] = (tg_filter_t){"kind", "pdf"};
    s.filters[s.n_filters++] = (tg_filter_t){"folder", "a b/c"};
    s.from = "2024-07";
    tg_buf_t b;
    tg_buf_init(&b, 4096);
    web_search_url(&b, &q, &s, "/search");
    assert_string_equal(tg_buf_str(&b), "/search?q=%22fue%20detenido%22%20%26%20%3Cb%3E&kind=pdf"
                                        "&folder=a%20b%2Fc&from=2024-07&sort=date&p=3");
    tg_buf_reset(&b);
    q.lang = WEB_LANG_EN;
    q.lang_explicit = 1;
    assert_int_equal(web_search_find_filter(&s, "folder", "a b/c"), 1);
    web_search_drop_filter(&s, 0);
    assert_int_equal(web_search_find_filter(&s, "kind", "pdf"), -1);
    s.n = 25;
    s.page = 1;
    web_search_url(&b, &q, &s, "/api/search");
    assert_string_equal(tg_buf_str(&b), "/api/search?q=%22fue%20detenido%22%20%26%20%3Cb%3E"
                                        "&folder=a%20b%2Fc&from=2024-07&sort=date&n=25&hl=en");
    tg_buf_free(&b);
}

/* A record whose every string is markup renders as text. */
static void hostile_document(void **state)
{
    (void)state;
    const char *x = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>";
    json_t *rec = json_object();
    json_object_set_new(rec, "sha256",
                        json_string("0123456789abcdef0123456789abcdef0123456789ab"
                                    "cdef0123456789abcdef"));
    json_object_set_new(rec, "title", json_string(x));
    json_object_set_new(rec, "mime", json_string(x));
    json_object_set_new(rec, "kind", json_string(x));
    json_object_set_new(rec, "lang", json_string(x));
    json_object_set_new(rec, "date", json_string(x));
    json_object_set_new(rec, "date_source", json_string(x));
    json_object_set_new(rec, "extraction", json_string(x));
    json_object_set_new(rec, "extraction_error", json_string(x));
    json_object_set_new(rec, "pages", json_integer(2));
    json_t *meta = json_object();
    json_object_set_new(meta, "author", json_string(x));
    json_object_set_new(rec, "meta", meta);
    json_t *w = json_array();
    json_array_append_new(w, json_string(x));
    json_object_set_new(rec, "warnings", w);
    json_t *locs = json_array(), *loc = json_object();
    json_object_set_new(loc, "path", json_string(x));
    json_array_append_new(locs, loc);
    json_object_set_new(rec, "locations", locs);

    const char *text = "p1 <script>alert(3)</script>\fp2 Rodríguez <b>x</b>";
    tg_span_t hits[] = {{strlen("p1 <script>alert(3)</script>\fp2 "), strlen("Rodríguez")}};
    web_req_t q = req("/doc/x\"><script>");
    tg_buf_t b;
    tg_buf_init(&b, 1 << 20);
    render_doc(&b, &q, rec, text, strlen(text), 0, hits, 1, x);
    const char *page = tg_buf_str(&b);
    assert_null(strstr(page, "<script"));
    assert_null(strstr(page, "<img"));
    assert_null(strstr(page, "<b>"));
    assert_non_null(strstr(page, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img"));
    assert_non_null(strstr(page, "<mark>Rodríguez</mark> &lt;b&gt;x&lt;/b&gt;"));
    assert_non_null(strstr(page, "<section class=\"page\" id=\"p2\"><h3 class=\"pagemark\">"));
    /* the language switch goes to this path, re-encoded */
    assert_non_null(strstr(page, "href=\"/doc/x%22%3E%3Cscript%3E?hl=en\""));
    tg_buf_free(&b);

    tg_buf_init(&b, 1 << 20);
    render_error(&b, &q, 404, x);
    assert_null(strstr(tg_buf_str(&b), "<script"));
    tg_buf_free(&b);
    json_decref(rec);
}

static void asset_routes(void **state)
{
    (void)state;
    const char *paths[] = {"/static/style.css", "/static/icon.svg", "/robots.txt",
                           "/opensearch.xml"};
    int want[] = {200, 200, 200, 200};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        web_req_t q = req(paths[i]);
        web_resp_t r;
        web_resp_init(&r);
        assert_int_equal(web_route_find(paths[i])(&q, &r), want[i]);
        assert_true(r.body.len > 0 || r.static_len > 0);
        web_resp_free(&r);
    }
    web_req_t q = req("/opensearch.xml");
    web_resp_t r;
    web_resp_init(&r);
    web_route_find(q.path)(&q, &r);
    assert_non_null(strstr(tg_buf_str(&r.body), "template=\"http://127.0.0.1:1/search?q="));
    web_resp_free(&r);
    /* not assets: the template is not served raw, nor anything else */
    const char *missing[] = {"/static/opensearch.xml",
                             "/static/",
                             "/static/../web.h",
                             "/static/style.css/",
                             "/nope",
                             "/doc",
                             "/api",
                             ""};
    for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++) {
        q = req(missing[i]);
        web_resp_init(&r);
        assert_int_equal(web_route_find(missing[i])(&q, &r), 404);
        web_resp_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(message_table),    cmocka_unit_test(language),
        cmocka_unit_test(escaping),         cmocka_unit_test(links),
        cmocka_unit_test(hostile_document), cmocka_unit_test(asset_routes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
