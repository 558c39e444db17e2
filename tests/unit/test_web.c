/* Unit tests: the parts of the web front end that need no server or
 * archive: the message table, language negotiation, escaping, argument
 * checks, links, page rendering of hostile records, the routes that
 * serve embedded assets or nothing, and the raw HTTP checks (http.c). */
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
#include "http.h"
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
    tg_record_t *rec = tg_record_new();
    tg_record_set_sha256(rec, "0123456789abcdef0123456789abcdef0123456789ab"
                              "cdef0123456789abcdef");
    tg_record_set_title(rec, x, x);
    tg_record_set_mime(rec, x);
    tg_record_set_kind(rec, x);
    tg_record_set_lang(rec, x);
    tg_record_set_date(rec, x, x);
    tg_record_set_extraction(rec, x, x);
    tg_record_set_pages(rec, 2, NULL, 0);
    tg_record_set_meta(rec, "author", x);
    tg_record_append(rec, TG_LIST_WARNINGS, x);
    tg_record_add_location(rec, x, NULL, NULL, NULL);

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
    tg_record_free(rec);
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

/* The head check on whole heads: what it answers. */
static int head_status(const char *raw)
{
    web_head_t h;
    web_head_state_t st = web_head_check(raw, strlen(raw), &h);
    return st == WEB_HEAD_DONE ? 200 : st == WEB_HEAD_MORE ? 0 : h.status;
}

/* The home page's examples all parse, in both languages, with no notice:
 * the Spanish page shows the fields by their Spanish names. */
static void help_examples_parse(void **state)
{
    (void)state;
    tg_qparser_t *qp = tg_qparser_new();
    for (int l = WEB_LANG_ES; l <= WEB_LANG_EN; l++) {
        const char *const *ex, *const *mean;
        size_t n = web_help_rows((web_lang_t)l, &ex, &mean);
        assert_true(n >= 10);
        for (size_t i = 0; i < n; i++) {
            tg_parsed_t p;
            tg_qmsg_t m;
            if (tg_query_parse(qp, ex[i], NULL, &p, &m))
                fail_msg("'%s' does not parse (%s)", ex[i], tg_qmsg_name(m.code));
            assert_int_equal(p.n_notices, 0);
            tg_parsed_free(&p);
        }
        if (l == WEB_LANG_ES)
            assert_string_equal(ex[9], "carpeta:corpus/noticias");
    }
    tg_qparser_free(qp);
}

static void request_heads(void **state)
{
    (void)state;
    static const struct {
        const char *raw;
        int want; /* 200 whole and valid, 0 wants more, else the status */
    } cases[] = {
        {"GET / HTTP/1.1\r\nHost: a\r\n\r\n", 200},
        {"GET / HTTP/1.1\nHost: a\n\n", 200},
        {"\r\nGET / HTTP/1.0\r\n\r\n", 200}, /* an empty line first; 1.0 needs no Host */
        {"HEAD /x?q=%C3%B1 HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", 200},
        {"POST /s HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nq=a", 200}, /* 405 later */
        {"GET /\xc3\xb1 HTTP/1.1\r\nHost: a\r\nX: \xc3\xa9\t1\r\n\r\n", 200},
        /* still arriving: a valid beginning, however short */
        {"", 0},
        {"G", 0},
        {"GET / HT", 0},
        {"GET / HTTP/1.1\r", 0},
        {"GET / HTTP/1.1\r\nHost: a\r\nX-Sl", 0},
        {"GET / HTTP/1.1\r\nHost: a\r\n\r", 0},
        /* garbage is known at once */
        {"\x16\x03\x01", 400},
        {"\x01", 400},
        {" GET / HTTP/1.1", 400},
        {"GET  / HTTP/1.1", 400},
        {"GET /a\x07 HTTP/1.1", 400},
        {"GET / HTTQ", 400},
        {"GET / HTTP/1.1x", 400},
        {"GARBAGE\r\n\r\n", 400},
        {"GET / HTTP/1.1 \r\n", 400},
        {"GET / HTTP/1.1\rHost: a\r\n\r\n", 400},
        {"GET / HTTP/2.0\r\n\r\n", 505},
        {"GET / HTTP/9.9\r\n\r\n", 505},
        /* headers */
        {"GET / HTTP/1.1\r\n\r\n", 400}, /* no Host */
        {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: a\r\nBad header\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: a\r\nX : b\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: a\r\nX: b\r\n c\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: a\r\nX: b\x01\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n", 400},
        /* what would smuggle a request, and bodies on GET */
        {"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: a\r\ncontent-length: 5, 5\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
         400},
        {"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc", 400},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int got = head_status(cases[i].raw);
        if (got != cases[i].want)
            fail_msg("case %zu: %d, wanted %d", i, got, cases[i].want);
    }
    /* the head's length, and the language of an error page */
    web_head_t h;
    const char *two = "GET / HTTP/1.1\r\nHost: a\r\nAccept-Language: en-US\r\n\r\nGET /x";
    assert_int_equal(web_head_check(two, strlen(two), &h), WEB_HEAD_DONE);
    assert_int_equal(h.len, strlen(two) - strlen("GET /x"));
    assert_int_equal(h.lang, WEB_LANG_EN);
    /* limits: a long request line is 414 even before it ends, long headers 431 */
    static char big[WEB_HEAD_MAX + 100];
    memset(big, 'a', sizeof big);
    memcpy(big, "GET /", 5);
    assert_int_equal(web_head_check(big, WEB_HEAD_MAX_LINE + 10, &h), WEB_HEAD_BAD);
    assert_int_equal(h.status, 414);
    memcpy(big, "GET / HTTP/1.1\r\nHost: a\r\nX: ", 28);
    assert_int_equal(web_head_check(big, WEB_HEAD_MAX - 10, &h), WEB_HEAD_MORE);
    assert_int_equal(web_head_check(big, sizeof big, &h), WEB_HEAD_BAD);
    assert_int_equal(h.status, 431);
}

static void host_authority(void **state)
{
    (void)state;
    static const struct {
        const char *in, *host;
        long port;
    } good[] = {
        {"localhost", "localhost", -1},
        {"LocalHost:8080", "localhost", 8080},
        {"127.0.0.1:80", "127.0.0.1", 80},
        {"[::1]:443", "::1", 443},
        {"[::1]", "::1", -1},
        {"localhost:", "localhost", -1},
        {"a-b.example_~%41", "a-b.example_~%41", -1},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char host[64];
        long port;
        if (web_host_parse(good[i].in, host, sizeof host, &port))
            fail_msg("'%s' refused", good[i].in);
        assert_string_equal(host, good[i].host);
        assert_int_equal(port, good[i].port);
    }
    static const char *const bad[] = {
        "localhost:80@evil.com",
        "user@localhost",
        "localhost:80/x",
        "localhost/x",
        "127.0.0.1:8o",
        "127.0.0.1 :80",
        " localhost",
        "[::1",
        "[::1]x",
        "[evil]:80",
        "localhost:123456",
        "localhost:65536",
        "",
        ":80",
        "a%zz",
        "local\thost",
        "localhost:80:80",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char host[64];
        long port;
        if (!web_host_parse(bad[i], host, sizeof host, &port))
            fail_msg("'%s' accepted", bad[i]);
    }
    char tiny[4];
    long port;
    assert_int_equal(web_host_parse("localhost", tiny, sizeof tiny, &port), -1);
    assert_true(web_host_loopback("localhost"));
    assert_true(web_host_loopback("127.9.9.9"));
    assert_true(web_host_loopback("::1"));
    assert_false(web_host_loopback("128.0.0.1"));
    assert_false(web_host_loopback("localhost.evil.example"));
    assert_false(web_host_loopback("::2"));
}

/* The gate's own answers: a whole HTTP answer with every safety header. */
static void error_answers(void **state)
{
    (void)state;
    static const int statuses[] = {400, 408, 414, 431, 503, 505};
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        tg_buf_t a;
        tg_buf_init(&a, 1 << 20);
        web_error_answer(&a, statuses[i], WEB_LANG_EN, statuses[i] == 503 ? 2 : 0);
        const char *s = tg_buf_str(&a);
        char line[32];
        snprintf(line, sizeof line, "HTTP/1.1 %d ", statuses[i]);
        assert_memory_equal(s, line, strlen(line));
        assert_non_null(strstr(s, "\r\nContent-Type: text/html; charset=utf-8\r\n"));
        assert_non_null(strstr(s, "\r\nConnection: close\r\n"));
        for (const web_hdr_t *h = web_safety_headers(1); h->name; h++)
            assert_non_null(strstr(s, h->name));
        assert_true((strstr(s, "\r\nRetry-After: 2\r\n") != NULL) == (statuses[i] == 503));
        const char *body = strstr(s, "\r\n\r\n") + 4;
        char len[64];
        snprintf(len, sizeof len, "\r\nContent-Length: %zu\r\n", strlen(body));
        assert_non_null(strstr(s, len));
        assert_non_null(strstr(body, "lang=\"en\""));
        tg_buf_free(&a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(message_table),    cmocka_unit_test(language),
        cmocka_unit_test(escaping),         cmocka_unit_test(links),
        cmocka_unit_test(hostile_document), cmocka_unit_test(asset_routes),
        cmocka_unit_test(request_heads),    cmocka_unit_test(host_authority),
        cmocka_unit_test(error_answers),    cmocka_unit_test(help_examples_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
