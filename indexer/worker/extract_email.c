/* E-mail: one message (.eml, message/rfc822) or a mail folder (mbox, many
 * messages), over GMime 3.0: the only file that includes GMime or GLib's
 * types for it; none of them leaves this file.
 *
 * A message: From, To, Cc, Subject, Date and Message-ID into the record's
 * meta ("from", "to", "cc", "subject", "message_id", "sent"), the subject
 * as its title, the Date as the document date (date_source "email:Date").
 * Its text is a short header block (the From, To, Cc, Subject and Date
 * lines, decoded), then the body: in a multipart/alternative the
 * text/plain part when it has text, else the text/html one through the
 * HTML extractor's code (tg_html_to_text); every other inline text part in
 * order; then a line naming the attachments.  Encoded words (RFC 2047, and
 * raw 8-bit headers read as UTF-8 or else Windows-1252), RFC 2231 file
 * names and the transfer encodings (base64, quoted-printable, uuencode)
 * are GMime's; body charsets are converted by tg_text_decode_as, so a
 * wrong charset label cannot garble or lose the text.
 *
 * Attachments (every part that is not body text, message/rfc822 parts
 * included) are handed to the worker (lim->embed) and become documents of
 * their own at "mensaje.eml!/adjunto.pdf": the part's file name, made
 * safe (no '/'), "adjunto-N.ext" when it has none, "name (2).ext" when two
 * parts share one.  Signatures (application/pgp-signature,
 * application/pkcs7-signature) are not.  A part larger than
 * lim->max_embedded is reported, not kept.
 *
 * A mail folder: each message becomes its own document at
 * "buzon.mbox!/0001-asunto-del-mensaje.eml" (position from 1, four digits
 * or more, then the subject folded to ASCII words), with its bytes exactly
 * as in the folder (without its "From " line); the folder's own text lists
 * its messages (number, date, sender, subject), and its meta says how
 * many.  A truncated last message is indexed as far as it goes.
 *
 * Damage: a multipart whose boundary never appears has no parts; its text
 * (GMime keeps it as the prologue) or, failing that, the raw body is
 * indexed, with a warning, so the text is never lost. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gmime/gmime.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract.h"
#include "schema.h"
#include "text.h"
#include "util.h"

/* Bytes of one body part decoded for its text. */
#define MAX_BODY ((gint64)32 << 20)
/* Longest header value kept, in bytes. */
#define MAX_HEADER 8192
/* Longest name given to an embedded file (bytes, before its extension). */
#define MAX_NAME 120

typedef struct {
    tg_extract_t *x;
    const tg_extract_limits_t *lim;
    tg_decode_info_t info;
    json_t *names;       /* attachment names used: name -> true */
    json_t *attachments; /* their names, in order */
    unsigned unnamed;    /* parts without a name so far */
    int stop;            /* the worker said stop */
    int damaged;         /* a multipart without parts */
    unsigned embedded;   /* files handed out */
} mail_t;

static void init_gmime(void)
{
    static int done;
    if (!done) {
        g_mime_init();
        done = 1;
    }
}

static GMimeParserOptions *parser_options(void)
{
    GMimeParserOptions *o = g_mime_parser_options_new();
    static const char *fallback[] = {"UTF-8", "windows-1252", NULL};
    g_mime_parser_options_set_fallback_charsets(o, fallback);
    g_mime_parser_options_set_address_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_parameter_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_rfc2047_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
    return o;
}

/* A header value cleaned for the record: valid UTF-8, one line, bounded;
 * NULL if empty.  Malloc'd. */
static char *clean_value(const char *v)
{
    return tg_utf8_one_line(v, MAX_HEADER);
}

static char *address_list(InternetAddressList *l)
{
    if (!l || internet_address_list_length(l) == 0)
        return NULL;
    char *s = internet_address_list_to_string(l, NULL, FALSE);
    char *c = clean_value(s);
    g_free(s);
    return c;
}

/* ==== Body text ============================================================ */

/* The decoded bytes of a leaf part (transfer encoding undone), or NULL
 * when it is larger than max (the caller says so). */
static GByteArray *decoded(GMimePart *part, gint64 max, int *too_large)
{
    *too_large = 0;
    GMimeDataWrapper *content = g_mime_part_get_content(part);
    if (!content)
        return NULL;
    GMimeStream *raw = g_mime_data_wrapper_get_stream(content);
    gint64 enc = raw ? g_mime_stream_length(raw) : -1;
    /* decoding never makes a part larger than its encoded form */
    if (enc > max) {
        *too_large = 1;
        return NULL;
    }
    GMimeStream *mem = g_mime_stream_mem_new();
    g_mime_data_wrapper_write_to_stream(content, mem);
    GByteArray *ba = g_byte_array_new();
    GByteArray *in = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    if (in && in->len)
        g_byte_array_append(ba, in->data, in->len);
    g_object_unref(mem);
    return ba;
}

static void add_plain(mail_t *m, const char *data, size_t len, const char *charset)
{
    tg_extract_t *x = m->x;
    if (x->text.len > 0)
        tg_text_append_utf8("\n\n", 2, &x->text, &m->info);
    tg_buf_t tmp;
    tg_buf_init(&tmp, x->text.max + 1);
    tg_decode_info_t di = {0};
    tg_extract_decode(x, data, len, charset, "a text part", NULL, &tmp, &di);
    tg_text_append_utf8(tmp.data ? tmp.data : "", tmp.len, &x->text, &m->info);
    if (di.truncated)
        m->info.truncated = 1;
    tg_buf_free(&tmp);
}

/* The body text of a text/plain or text/html part; returns 1 if it had
 * any text. */
static int body_part(mail_t *m, GMimePart *part)
{
    GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
    const char *charset = ct ? g_mime_content_type_get_parameter(ct, "charset") : NULL;
    int too_large;
    GByteArray *ba = decoded(part, MAX_BODY, &too_large);
    if (too_large)
        tg_extract_warn(m->x, "a body part larger than %lld MB was not read",
                        (long long)(MAX_BODY >> 20));
    if (!ba)
        return 0;
    size_t before = m->x->text.len;
    if (ba->len) {
        if (g_mime_content_type_is_type(ct, "text", "html")) {
            char err[256];
            if (tg_html_to_text((const char *)ba->data, ba->len, charset, 0, m->x, err, sizeof err))
                tg_extract_warn(m->x, "an HTML body could not be read: %s", err);
        } else {
            add_plain(m, (const char *)ba->data, ba->len, charset);
        }
    }
    g_byte_array_unref(ba);
    return m->x->text.len > before;
}

/* ==== Attachments ========================================================== */

static const char *ext_of(GMimeContentType *ct)
{
    static const struct {
        const char *type, *sub, *ext;
    } map[] = {
        {"text", "plain", ".txt"},
        {"text", "html", ".html"},
        {"text", "csv", ".csv"},
        {"message", "rfc822", ".eml"},
        {"application", "pdf", ".pdf"},
        {"application", "zip", ".zip"},
        {"application", "msword", ".doc"},
        {"application", "rtf", ".rtf"},
        {"application", "vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"},
        {"application", "vnd.oasis.opendocument.text", ".odt"},
        {"image", "jpeg", ".jpg"},
        {"image", "png", ".png"},
        {"image", "gif", ".gif"},
        {"image", "tiff", ".tif"},
    };
    for (size_t i = 0; ct && i < TG_ARRAY_LEN(map); i++)
        if (g_mime_content_type_is_type(ct, map[i].type, map[i].sub))
            return map[i].ext;
    return "";
}

/* A name for an embedded file: safe (no '/', '\\', controls), bounded,
 * and not used before in this message. */
static char *unique_name(mail_t *m, const char *want, GMimeContentType *ct)
{
    char *base;
    if (want && *want) {
        char *c = tg_utf8_clean(want, strnlen(want, 4 * MAX_NAME));
        for (char *p = c; *p; p++)
            if (*p == '/' || *p == '\\' || *p == '\n' || *p == '\t')
                *p = '_';
        /* "!/" cannot remain; a name of dots only would read as a folder */
        if (strspn(c, ". ") == strlen(c)) {
            free(c);
            c = NULL;
        }
        base = c;
    } else {
        base = NULL;
    }
    if (!base)
        base = tg_xasprintf("adjunto-%u%s", ++m->unnamed, ext_of(ct));
    if (strlen(base) > MAX_NAME) {
        /* keep the extension */
        const char *dot = strrchr(base, '.');
        size_t el = dot && strlen(dot) < 12 ? strlen(dot) : 0;
        size_t keep = MAX_NAME - el;
        while (keep > 0 && ((unsigned char)base[keep] & 0xC0) == 0x80)
            keep--;
        char *b = tg_xasprintf("%.*s%s", (int)keep, base, el ? dot : "");
        free(base);
        base = b;
    }
    char *name = tg_xstrdup(base);
    for (unsigned k = 2; json_object_get(m->names, name) && k < 100000; k++) {
        free(name);
        const char *dot = strrchr(base, '.');
        if (dot && dot != base)
            name = tg_xasprintf("%.*s (%u)%s", (int)(dot - base), base, k, dot);
        else
            name = tg_xasprintf("%s (%u)", base, k);
    }
    free(base);
    json_object_set_new(m->names, name, json_true());
    json_array_append_new(m->attachments, json_string(name));
    return name;
}

static void embed(mail_t *m, const char *name, const void *data, size_t len, const char *code,
                  const char *reason)
{
    if (m->stop || !m->lim->embed)
        return;
    if (m->lim->max_embeds && m->embedded >= m->lim->max_embeds) {
        tg_extract_warn(m->x, "more than %u attached files: the rest are not indexed",
                        m->lim->max_embeds);
        m->stop = 1;
        return;
    }
    tg_embedded_t e = {.name = name, .data = data, .len = len, .code = code, .reason = reason};
    m->embedded++;
    if (m->lim->embed(m->lim->embed_ctx, &e))
        m->stop = 1;
}

static void attach_part(mail_t *m, GMimePart *part)
{
    GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
    if (g_mime_content_type_is_type(ct, "application", "pgp-signature") ||
        g_mime_content_type_is_type(ct, "application", "pkcs7-signature") ||
        g_mime_content_type_is_type(ct, "application", "x-pkcs7-signature"))
        return;
    char *name = unique_name(m, g_mime_part_get_filename(part), ct);
    int too_large;
    GByteArray *ba = decoded(part, (gint64)m->lim->max_embedded, &too_large);
    if (too_large) {
        char why[128];
        snprintf(why, sizeof why, "attachment larger than %llu MB: recorded, not read",
                 (unsigned long long)(m->lim->max_embedded >> 20));
        embed(m, name, NULL, 0, "limit", why);
    } else if (ba) {
        embed(m, name, ba->data, ba->len, NULL, NULL);
    }
    if (ba)
        g_byte_array_unref(ba);
    free(name);
}

static void attach_message(mail_t *m, GMimeMessagePart *mp)
{
    GMimeMessage *msg = g_mime_message_part_get_message(mp);
    GMimeObject *o = GMIME_OBJECT(mp);
    const char *fname = g_mime_object_get_content_disposition_parameter(o, "filename");
    if (!fname)
        fname = g_mime_object_get_content_type_parameter(o, "name");
    char *want = NULL;
    if (!fname && msg && g_mime_message_get_subject(msg)) {
        want = tg_xasprintf("%s.eml", g_mime_message_get_subject(msg));
        fname = want;
    }
    char *name = unique_name(m, fname, g_mime_object_get_content_type(o));
    free(want);
    if (!msg) {
        free(name);
        return;
    }
    GMimeStream *mem = g_mime_stream_mem_new();
    g_mime_object_write_to_stream(GMIME_OBJECT(msg), NULL, mem);
    GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    if (ba && (uint64_t)ba->len > m->lim->max_embedded)
        embed(m, name, NULL, 0, "limit", "attached message too large: recorded, not read");
    else if (ba)
        embed(m, name, ba->data, ba->len, NULL, NULL);
    g_object_unref(mem);
    free(name);
}

/* ==== The MIME tree ======================================================== */

static int is_body_text(GMimeObject *o)
{
    GMimeContentType *ct = g_mime_object_get_content_type(o);
    if (!g_mime_content_type_is_type(ct, "text", "plain") &&
        !g_mime_content_type_is_type(ct, "text", "html"))
        return 0;
    GMimeContentDisposition *d = g_mime_object_get_content_disposition(o);
    if (d && g_mime_content_disposition_is_attachment(d))
        return 0;
    return !GMIME_IS_PART(o) || !g_mime_part_get_filename(GMIME_PART(o));
}

static void walk_object(mail_t *m, GMimeObject *o, unsigned depth);

static void multipart(mail_t *m, GMimeMultipart *mp, unsigned depth)
{
    int n = g_mime_multipart_get_count(mp);
    GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(mp));
    if (n == 0) {
        /* the boundary never appeared: the whole body is the prologue */
        const char *pro = g_mime_multipart_get_prologue(mp);
        m->damaged = 1;
        if (pro && *pro)
            add_plain(m, pro, strlen(pro), NULL);
        return;
    }
    if (g_mime_content_type_is_type(ct, "multipart", "alternative")) {
        /* one of them: plain text if it says anything, else HTML, else
         * whatever comes first */
        GMimeObject *plain = NULL, *html = NULL;
        for (int i = 0; i < n; i++) {
            GMimeObject *c = g_mime_multipart_get_part(mp, i);
            GMimeContentType *cct = g_mime_object_get_content_type(c);
            if (!plain && GMIME_IS_PART(c) && g_mime_content_type_is_type(cct, "text", "plain"))
                plain = c;
            else if (!html && GMIME_IS_PART(c) && g_mime_content_type_is_type(cct, "text", "html"))
                html = c;
        }
        if (plain && body_part(m, GMIME_PART(plain)))
            return;
        if (html && body_part(m, GMIME_PART(html)))
            return;
        /* multipart/related inside, say */
        for (int i = n - 1; i >= 0; i--) {
            GMimeObject *c = g_mime_multipart_get_part(mp, i);
            if (c != plain && c != html) {
                walk_object(m, c, depth + 1);
                return;
            }
        }
        return;
    }
    for (int i = 0; i < n && !m->stop; i++)
        walk_object(m, g_mime_multipart_get_part(mp, i), depth + 1);
}

static void walk_object(mail_t *m, GMimeObject *o, unsigned depth)
{
    if (!o || depth > 64)
        return;
    if (GMIME_IS_MULTIPART(o))
        multipart(m, GMIME_MULTIPART(o), depth);
    else if (GMIME_IS_MESSAGE_PART(o))
        attach_message(m, GMIME_MESSAGE_PART(o));
    else if (GMIME_IS_PART(o) && is_body_text(o))
        body_part(m, GMIME_PART(o));
    else if (GMIME_IS_PART(o))
        attach_part(m, GMIME_PART(o));
}

/* ==== One message =========================================================== */

static void header_line(mail_t *m, const char *name, const char *value)
{
    if (!value)
        return;
    char *line = tg_xasprintf("%s: %s\n", name, value);
    tg_text_append_utf8(line, strlen(line), &m->x->text, &m->info);
    free(line);
}

static char *iso_date(GMimeMessage *msg)
{
    GDateTime *dt = g_mime_message_get_date(msg);
    if (!dt)
        return NULL;
    gchar *s = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S%:z");
    char *r = s ? tg_xstrdup(s) : NULL;
    g_free(s);
    /* a year GMime made up for a date it could not read */
    tg_date_t d;
    if (r && (tg_date_parse(r, strlen(r), &d) != 0 || d.year < 1971)) {
        free(r);
        r = NULL;
    }
    return r;
}

static void message(mail_t *m, GMimeMessage *msg, int fd, gint64 body_at)
{
    tg_extract_t *x = m->x;
    char *from = address_list(g_mime_message_get_from(msg));
    char *to = address_list(g_mime_message_get_to(msg));
    char *cc = address_list(g_mime_message_get_cc(msg));
    char *subject = clean_value(g_mime_message_get_subject(msg));
    char *id = clean_value(g_mime_message_get_message_id(msg));
    char *date = iso_date(msg);
    const char *raw_date = g_mime_object_get_header(GMIME_OBJECT(msg), "Date");
    char *shown_date = clean_value(raw_date);
    if (from)
        tg_rec_set_str(x->meta, "from", from);
    if (to)
        tg_rec_set_str(x->meta, "to", to);
    if (cc)
        tg_rec_set_str(x->meta, "cc", cc);
    if (subject) {
        tg_rec_set_str(x->meta, "subject", subject);
        tg_rec_set_str(x->meta, "title", subject);
    }
    if (id)
        tg_rec_set_str(x->meta, "message_id", id);
    if (date) {
        tg_rec_set_str(x->meta, "sent", date);
        x->date = tg_xstrdup(date);
        x->date_source = tg_xstrdup("email:Date");
    }
    header_line(m, "From", from);
    header_line(m, "To", to);
    header_line(m, "Cc", cc);
    header_line(m, "Subject", subject);
    header_line(m, "Date", shown_date);
    free(from);
    free(to);
    free(cc);
    free(subject);
    free(id);
    free(date);
    free(shown_date);

    size_t before = x->text.len;
    walk_object(m, g_mime_message_get_mime_part(msg), 0);
    if (m->damaged && x->text.len == before && fd >= 0 && body_at >= 0) {
        /* nothing at all came out: the raw body, as text */
        struct stat sb;
        if (fstat(fd, &sb) == 0 && sb.st_size > body_at) {
            size_t n = (size_t)(sb.st_size - body_at);
            if (n > x->text.max)
                n = x->text.max;
            char *raw = tg_xmalloc(n + 1);
            ssize_t got = pread(fd, raw, n, body_at);
            if (got > 0)
                add_plain(m, raw, (size_t)got, NULL);
            free(raw);
        }
    }
    if (m->damaged)
        tg_extract_warn(x, "the MIME structure is damaged (a multipart boundary never "
                           "appears): the body is indexed as plain text");
    if (json_array_size(m->attachments)) {
        tg_buf_t line;
        tg_buf_init(&line, 1 << 20);
        tg_buf_adds(&line, "\n\nAttachments: ");
        size_t i;
        json_t *a;
        json_array_foreach(m->attachments, i, a)
        {
            if (i)
                tg_buf_adds(&line, ", ");
            tg_buf_adds(&line, json_string_value(a));
        }
        tg_text_append_utf8(line.data, line.len, &x->text, &m->info);
        tg_buf_free(&line);
        json_object_set(x->meta, "attachments", m->attachments);
    }
    if (!m->lim->embed && json_array_size(m->attachments))
        tg_extract_warn(x, "attached files are listed but not indexed (nested too deep)");
}

/* ==== A mail folder ========================================================= */

typedef struct {
    gint64 begin; /* offset of the message's headers */
    char *summary;
    char *name;
    gint64 date_ns;
} pending_t;

/* "0001-asunto-del-mensaje.eml" */
static char *message_name(unsigned n, const char *subject)
{
    tg_buf_t f;
    tg_buf_init(&f, 4096);
    if (subject)
        tg_fold(subject, strnlen(subject, 1024), &f);
    char slug[64];
    size_t k = 0;
    int dash = 0;
    for (size_t i = 0; i < f.len && k < 48; i++) {
        char c = f.data[i];
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && k)
                slug[k++] = '-';
            dash = 0;
            slug[k++] = c;
        } else {
            dash = 1;
        }
    }
    slug[k] = '\0';
    tg_buf_free(&f);
    return k ? tg_xasprintf("%04u-%s.eml", n, slug) : tg_xasprintf("%04u.eml", n);
}

/* Hands message bytes [p->begin, end) of the folder to the worker. */
static void flush_message(mail_t *m, int fd, pending_t *p, gint64 end)
{
    if (!p->name)
        return;
    gint64 len = end - p->begin;
    if (len > 0 && (uint64_t)len > m->lim->max_embedded) {
        embed(m, p->name, NULL, 0, "limit", "message larger than the member limit: not read");
    } else if (len > 0) {
        char *buf = tg_xmalloc((size_t)len + 1);
        ssize_t got = pread(fd, buf, (size_t)len, p->begin);
        if (got > 0) {
            size_t n = (size_t)got;
            /* the blank line before the next "From " line is the folder's */
            if (n >= 2 && buf[n - 1] == '\n' && buf[n - 2] == '\n')
                n--;
            embed(m, p->name, buf, n, NULL, NULL);
        }
        free(buf);
    }
    free(p->name);
    free(p->summary);
    p->name = p->summary = NULL;
}

static tg_status_t folder(mail_t *m, int fd, GMimeParser *parser, GMimeParserOptions *opts,
                          char *err, size_t errlen)
{
    tg_extract_t *x = m->x;
    unsigned count = 0;
    pending_t p = {0};
    struct stat sb;
    if (fstat(fd, &sb)) {
        tg_errf(err, errlen, "cannot stat: %s", strerror(errno));
        return TG_ERR_IO;
    }
    while (!g_mime_parser_eos(parser) && !m->stop) {
        GMimeMessage *msg = g_mime_parser_construct_message(parser, opts);
        if (!msg)
            break;
        gint64 marker = g_mime_parser_get_mbox_marker_offset(parser);
        gint64 begin = g_mime_parser_get_headers_begin(parser);
        flush_message(m, fd, &p, marker >= 0 ? marker : begin);
        count++;
        char *subject = clean_value(g_mime_message_get_subject(msg));
        char *from = address_list(g_mime_message_get_from(msg));
        char *date = iso_date(msg);
        p.begin = begin;
        p.name = message_name(count, subject);
        char *line = tg_xasprintf("%u. %.10s %s — %s\n", count, date ? date : "", from ? from : "",
                                  subject ? subject : "");
        tg_text_append_utf8(line, strlen(line), &x->text, &m->info);
        free(line);
        free(subject);
        free(from);
        free(date);
        g_object_unref(msg);
    }
    flush_message(m, fd, &p, (gint64)sb.st_size);
    if (count == 0) {
        tg_errf(err, errlen, "not a readable mail folder: no message found");
        return TG_ERR_FORMAT;
    }
    json_object_set_new(x->meta, "messages", json_integer(count));
    return TG_OK;
}

tg_status_t tg_extract_email(const char *path, const char *mime, const tg_extract_limits_t *lim,
                             tg_extract_t *x, char *err, size_t errlen)
{
    init_gmime();
    int is_folder = !strcmp(mime, "application/mbox");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        tg_errf(err, errlen, "cannot open: %s", strerror(errno));
        return TG_ERR_IO;
    }
    int sfd = dup(fd);
    if (sfd < 0) {
        tg_errf(err, errlen, "cannot open: %s", strerror(errno));
        close(fd);
        return TG_ERR_IO;
    }
    GMimeStream *stream = g_mime_stream_fs_new(sfd); /* owns sfd */
    GMimeParser *parser = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_format(parser, is_folder ? GMIME_FORMAT_MBOX : GMIME_FORMAT_MESSAGE);
    g_mime_parser_set_persist_stream(parser, TRUE);
    GMimeParserOptions *opts = parser_options();
    mail_t m = {.x = x, .lim = lim, .names = json_object(), .attachments = json_array()};
    tg_status_t st = TG_OK;
    if (is_folder) {
        st = folder(&m, fd, parser, opts, err, errlen);
    } else {
        GMimeMessage *msg = g_mime_parser_construct_message(parser, opts);
        if (!msg) {
            tg_errf(err, errlen, "not a readable mail message");
            st = TG_ERR_FORMAT;
        } else {
            gint64 body_at = g_mime_parser_get_headers_end(parser);
            message(&m, msg, fd, body_at);
            g_object_unref(msg);
        }
    }
    if (m.info.truncated)
        tg_extract_warn(x, "text truncated: only the first %zu MB are indexed", x->text.max >> 20);
    json_decref(m.names);
    json_decref(m.attachments);
    g_mime_parser_options_free(opts);
    g_object_unref(parser);
    g_object_unref(stream);
    close(fd);
    return st;
}
