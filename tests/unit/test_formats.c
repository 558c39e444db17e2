/* Unit tests: the extractors of web pages, office packages and mail
 * (extract_html.c, extract_office.c, extract_email.c), the declared-charset
 * decoder (lib/base/text.c) and the XML declaration reader (xml.c), on small
 * inputs written here. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "extract.h"
#include "text.h"
#include "xml.h"

static tg_extract_limits_t lim = {.max_text = 1 << 20, .max_pages = 100, .max_embedded = 1 << 20};

static void html(const char *page, tg_extract_t *x)
{
    tg_extract_init(x, &lim);
    char err[256];
    assert_int_equal(tg_html_to_text(page, strlen(page), NULL, 1, x, err, sizeof err), TG_OK);
}

static void html_visible_text_only(void **state)
{
    (void)state;
    tg_extract_t x;
    html("<html><head><title> Un  título </title><script>var oculto=1;</script>"
         "<style>p{}</style></head><body><nav>menú</nav><header>cabecera</header>"
         "<article><header><h1>Titular</h1></header><p>Primer&nbsp;párrafo   con\n"
         "espacios.</p><p hidden>escondido</p><div style=\"display: none\">nada</div>"
         "<table><tr><td>a</td><td>b</td></tr></table><pre>x  y\nz</pre></article>"
         "<aside>al lado</aside><footer>pie</footer><noscript>sin js</noscript></body></html>",
         &x);
    const char *t = tg_buf_str(&x.text);
    assert_string_equal(t, "Titular\n\nPrimer párrafo con espacios.\n\na\tb\nx  y\nz");
    assert_string_equal(json_string_value(json_object_get(x.meta, "title")), "Un título");
    tg_extract_free(&x);
}

static void html_metadata(void **state)
{
    (void)state;
    tg_extract_t x;
    html("<html><head><meta charset=\"utf-8\"><title>T</title>"
         "<meta name=\"author\" content=\"Ana\"><meta name=\"description\" content=\"D\">"
         "<link rel=\"canonical\" href=\"https://example.org/a\">"
         "<meta name=\"date\" content=\"2024-01-02\">"
         "<meta property=\"article:published_time\" content=\"2025-08-12T14:30:00-04:00\">"
         "</head><body><time datetime=\"2020-01-01\">x</time><p>texto</p></body></html>",
         &x);
    assert_string_equal(json_string_value(json_object_get(x.meta, "author")), "Ana");
    assert_string_equal(json_string_value(json_object_get(x.meta, "url")), "https://example.org/a");
    assert_string_equal(x.date, "2025-08-12T14:30:00-04:00");
    assert_string_equal(x.date_source, "html:article:published_time");
    assert_string_equal(x.charset, "UTF-8");
    tg_extract_free(&x);
    /* only a <time>: that one */
    html("<p>Hoy <time datetime=\"2024-12-03 10:00\">martes</time></p>", &x);
    assert_string_equal(x.date, "2024-12-03");
    assert_string_equal(x.date_source, "html:time");
    tg_extract_free(&x);
}

static void html_wrong_charset(void **state)
{
    (void)state;
    tg_extract_t x;
    /* declares UTF-8, is Windows-1252 */
    html("<html><head><meta charset=\"utf-8\"></head><body><p>Bocon\xf3 "
         "\xabya\xbb</p></body></html>",
         &x);
    assert_string_equal(tg_buf_str(&x.text), "Boconó «ya»");
    assert_string_equal(x.charset, "WINDOWS-1252");
    assert_int_equal(json_array_size(x.warnings), 1);
    tg_extract_free(&x);
    /* declared right, through http-equiv */
    html("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-15\">"
         "</head><body>\xa4</body></html>",
         &x);
    assert_string_equal(tg_buf_str(&x.text), "€");
    assert_int_equal(json_array_size(x.warnings), 0);
    tg_extract_free(&x);
}

static void html_only_boilerplate_is_kept(void **state)
{
    (void)state;
    tg_extract_t x;
    html("<body><nav>solo navegación</nav></body>", &x);
    assert_string_equal(tg_buf_str(&x.text), "solo navegación");
    tg_extract_free(&x);
}

static void decode_as_rules(void **state)
{
    (void)state;
    tg_buf_t b;
    tg_decode_info_t info;
    tg_buf_init(&b, 1024);
    assert_int_equal(tg_text_decode_as("ni\xf1o", 4, "latin1", &b, &info), 1);
    assert_string_equal(tg_buf_str(&b), "niño");
    tg_buf_reset(&b);
    assert_int_equal(tg_text_decode_as("ni\xf1o", 4, "UTF-8", &b, &info), 0);
    assert_string_equal(info.charset, "WINDOWS-1252");
    assert_string_equal(tg_buf_str(&b), "niño");
    tg_buf_reset(&b);
    assert_int_equal(tg_text_decode_as("ni\xc3\xb1o", 5, "windows-1252", &b, &info), 0);
    assert_string_equal(tg_buf_str(&b), "niño");
    tg_buf_reset(&b);
    assert_int_equal(tg_text_decode_as("abc", 3, "no-such-charset", &b, &info), 0);
    assert_string_equal(tg_buf_str(&b), "abc");
    tg_buf_free(&b);
}

static void xml_declaration(void **state)
{
    (void)state;
    char enc[32];
    const char *d = "\xEF\xBB\xBF<?xml version=\"1.0\" encoding='ISO-8859-1' ?><a/>";
    assert_int_equal(tg_xml_decl_encoding(d, strlen(d), enc, sizeof enc), 0);
    assert_string_equal(enc, "ISO-8859-1");
    d = "<?xml version=\"1.0\"?><a/>";
    assert_int_equal(tg_xml_decl_encoding(d, strlen(d), enc, sizeof enc), -1);
    d = "<?xml encoding=\"bad name!\"?>";
    assert_int_equal(tg_xml_decl_encoding(d, strlen(d), enc, sizeof enc), -1);
}

/* Writes data to a temporary file; returns its path (free it). */
static char *temp_file(const void *data, size_t len)
{
    char *path = strdup("/tmp/tg-formats-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    return path;
}

/* Runs the XML extractor on doc (held in memory, as a worker holds a
 * small file); returns its status. */
static tg_status_t xml(const char *doc, size_t len, tg_extract_t *x)
{
    tg_extract_limits_t l = lim;
    l.content = doc;
    l.content_len = len;
    tg_extract_init(x, &l);
    char err[256];
    return tg_extract_xml("(memory)", "text/xml", &l, x, err, sizeof err);
}

static void xml_text_attributes_title(void **state)
{
    (void)state;
    tg_extract_t x;
    const char *d = "<?xml version=\"1.0\"?>\n<feed><title>  Boletín\n de  Guanare </title>"
                    "<entry id=\"e-17\" n=\"3\"><title>Otra</title>"
                    "<sms body=\" Llegamos a las 4 pm \" address=\"+584125550199\" read=\"1\"/>"
                    "<p>Primero</p>\n  <p> segundo <b>y</b> tercero </p></entry></feed>";
    assert_int_equal(xml(d, strlen(d), &x), TG_OK);
    assert_string_equal(
        tg_buf_str(&x.text),
        "Boletín\n de  Guanare\nOtra\nLlegamos a las 4 pm\nPrimero\nsegundo\ny\ntercero");
    assert_string_equal(json_string_value(json_object_get(x.meta, "title")), "Boletín de Guanare");
    assert_string_equal(x.charset, "UTF-8");
    assert_int_equal(json_array_size(x.warnings), 0);
    tg_extract_free(&x);
}

static void xml_latin1_damaged_and_entities(void **state)
{
    (void)state;
    tg_extract_t x;
    const char *l1 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>se\xF1ora</a>";
    assert_int_equal(xml(l1, strlen(l1), &x), TG_OK);
    assert_string_equal(tg_buf_str(&x.text), "señora");
    assert_string_equal(x.charset, "ISO-8859-1");
    tg_extract_free(&x);

    /* a declaration the bytes contradict is overruled, with a warning */
    const char *u8 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>señora</a>";
    assert_int_equal(xml(u8, strlen(u8), &x), TG_OK);
    assert_string_equal(tg_buf_str(&x.text), "señora");
    assert_string_equal(json_string_value(json_array_get(x.warnings, 0)),
                        "the document declares charset ISO-8859-1 in its XML declaration, which "
                        "does not fit its bytes: read as UTF-8");
    tg_extract_free(&x);

    /* cut in the middle: what came before is kept, with a warning */
    const char *cut = "<a><p>entero</p><p>cort";
    assert_int_equal(xml(cut, strlen(cut), &x), TG_OK);
    assert_non_null(strstr(tg_buf_str(&x.text), "entero"));
    assert_non_null(strstr(json_string_value(json_array_get(x.warnings, 0)), "not well-formed"));
    tg_extract_free(&x);

    /* an external entity is never read */
    const char *xxe =
        "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
        "<a>antes &e; despues</a>";
    assert_int_equal(xml(xxe, strlen(xxe), &x), TG_OK);
    assert_null(strstr(tg_buf_str(&x.text), "root"));
    assert_non_null(strstr(tg_buf_str(&x.text), "despues"));
    tg_extract_free(&x);

    /* not XML at all */
    assert_int_not_equal(xml("", 0, &x), TG_OK);
    tg_extract_free(&x);
}

static void office_not_a_zip(void **state)
{
    (void)state;
    char *p = temp_file("esto no es un zip", 17);
    tg_extract_t x;
    tg_extract_init(&x, &lim);
    char err[512];
    assert_int_equal(tg_extract_office(p,
                                       "application/vnd.openxmlformats-officedocument."
                                       "wordprocessingml.document",
                                       &lim, &x, err, sizeof err),
                     TG_ERR_FORMAT);
    assert_non_null(strstr(err, "not a readable Word document: not a zip package"));
    tg_extract_free(&x);
    tg_extract_init(&x, &lim);
    assert_int_equal(
        tg_extract_office(p, "application/vnd.oasis.opendocument.text", &lim, &x, err, sizeof err),
        TG_ERR_FORMAT);
    assert_non_null(strstr(err, "not a readable OpenDocument text"));
    tg_extract_free(&x);
    unlink(p);
    free(p);
}

typedef struct {
    char names[8][64];
    char data[8][256];
    unsigned n;
} embedded_t;

static int on_embed(void *ctx, const tg_embedded_t *e)
{
    embedded_t *em = ctx;
    if (em->n < 8) {
        snprintf(em->names[em->n], sizeof em->names[0], "%s", e->name);
        snprintf(em->data[em->n], sizeof em->data[0], "%.*s", (int)e->len,
                 e->data ? (const char *)e->data : "");
        em->n++;
    }
    return 0;
}

static void email_fields_body_attachments(void **state)
{
    (void)state;
    static const char msg[] =
        "From: =?UTF-8?Q?Mar=C3=ADa_P=C3=A9rez?= <maria@example.org>\n"
        "To: a@example.org, B <b@example.org>\n"
        "Subject: =?ISO-8859-1?Q?Declaraci=F3n?=\n"
        "Date: Mon, 05 Aug 2024 10:30:00 -0400\n"
        "MIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"X\"\n\n"
        "--X\nContent-Type: multipart/alternative; boundary=\"Y\"\n\n"
        "--Y\nContent-Type: text/plain; charset=iso-8859-1\n"
        "Content-Transfer-Encoding: quoted-printable\n\nCuerpo en ISO: ni=F1o\n"
        "--Y\nContent-Type: text/html\n\n<p>html no</p>\n--Y--\n"
        "--X\nContent-Type: text/plain; name=\"a.txt\"\n"
        "Content-Disposition: attachment; filename=\"a/b.txt\"\n\nadjunto uno\n"
        "--X\nContent-Type: text/plain\nContent-Disposition: attachment; filename=\"a/b.txt\"\n\n"
        "adjunto dos\n"
        "--X\nContent-Type: application/pgp-signature\n\nfirma\n--X--\n";
    char *p = temp_file(msg, sizeof msg - 1);
    embedded_t em = {0};
    tg_extract_limits_t l = lim;
    l.embed = on_embed;
    l.embed_ctx = &em;
    tg_extract_t x;
    tg_extract_init(&x, &l);
    char err[512];
    assert_int_equal(tg_extract_email(p, "message/rfc822", &l, &x, err, sizeof err), TG_OK);
    assert_string_equal(json_string_value(json_object_get(x.meta, "from")),
                        "María Pérez <maria@example.org>");
    assert_string_equal(json_string_value(json_object_get(x.meta, "title")), "Declaración");
    assert_string_equal(x.date, "2024-08-05T10:30:00-04:00");
    assert_string_equal(x.date_source, "email:Date");
    const char *t = tg_buf_str(&x.text);
    assert_non_null(strstr(t, "Cuerpo en ISO: niño"));
    assert_null(strstr(t, "html no"));
    assert_non_null(strstr(t, "Attachments: a_b.txt, a_b (2).txt"));
    assert_int_equal(em.n, 2);
    assert_string_equal(em.names[0], "a_b.txt");
    /* the line break before a boundary is the boundary's (RFC 2046) */
    assert_string_equal(em.data[0], "adjunto uno");
    assert_string_equal(em.names[1], "a_b (2).txt");
    tg_extract_free(&x);
    unlink(p);
    free(p);
}

static void mbox_messages(void **state)
{
    (void)state;
    static const char box[] =
        "From a@b Mon Aug  5 10:00:00 2024\n"
        "From: a@b\nSubject: Primero\nDate: Mon, 05 Aug 2024 10:00:00 -0400\n\n"
        "uno\n>From here\n\n"
        "From a@b Tue Aug  6 10:00:00 2024\n"
        "From: a@b\nSubject: Segundo paso\n\ndos\n";
    char *p = temp_file(box, sizeof box - 1);
    embedded_t em = {0};
    tg_extract_limits_t l = lim;
    l.embed = on_embed;
    l.embed_ctx = &em;
    tg_extract_t x;
    tg_extract_init(&x, &l);
    char err[512];
    assert_int_equal(tg_extract_email(p, "application/mbox", &l, &x, err, sizeof err), TG_OK);
    assert_int_equal(em.n, 2);
    assert_string_equal(em.names[0], "0001-primero.eml");
    assert_string_equal(em.names[1], "0002-segundo-paso.eml");
    /* the message's own bytes, without the folder's From line */
    assert_string_equal(em.data[0], "From: a@b\nSubject: Primero\nDate: Mon, 05 Aug 2024 10:00:00 "
                                    "-0400\n\nuno\n>From here\n");
    assert_int_equal(json_integer_value(json_object_get(x.meta, "messages")), 2);
    tg_extract_free(&x);
    unlink(p);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(html_visible_text_only),
        cmocka_unit_test(html_metadata),
        cmocka_unit_test(html_wrong_charset),
        cmocka_unit_test(html_only_boilerplate_is_kept),
        cmocka_unit_test(decode_as_rules),
        cmocka_unit_test(xml_declaration),
        cmocka_unit_test(office_not_a_zip),
        cmocka_unit_test(email_fields_body_attachments),
        cmocka_unit_test(mbox_messages),
        cmocka_unit_test(xml_text_attributes_title),
        cmocka_unit_test(xml_latin1_damaged_and_entities),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
