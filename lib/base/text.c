/* Decoding, folding and tokenizing of text (see text.h).
 *
 * Workload: every byte of every document passes through tg_text_decode and
 * the tokenizer once at index time, so both walk the input in one pass and
 * take an ASCII fast path; folding allocates nothing.  Inputs are hostile:
 * nothing here may read past len or loop without consuming input. */
#define _POSIX_C_SOURCE 200809L
#include "text.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

size_t tg_utf8_seqlen(const char *s, size_t avail)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s,
                                          (utf8proc_ssize_t)(avail > 4 ? 4 : avail), &cp);
    return n > 0 ? (size_t)n : 1;
}

/* Appends codepoint cp, turning controls into what text.h promises.  Returns
 * TG_ERR_LIMIT at the cap. */
static tg_status_t put_cp(tg_buf_t *out, utf8proc_int32_t cp)
{
    if (cp == '\f')
        cp = '\n';
    else if (cp == 0x7F || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r'))
        cp = ' ';
    if (cp < 0x80) {
        char c = (char)cp;
        return tg_buf_add(out, &c, 1);
    }
    utf8proc_uint8_t enc[4];
    utf8proc_ssize_t n = utf8proc_encode_char(cp, enc);
    return tg_buf_add(out, enc, (size_t)n);
}

/* Copies UTF-8 input, replacing invalid sequences. */
static void decode_utf8(const char *in, size_t len, tg_buf_t *out, tg_decode_info_t *info)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)in[i];
        if (c >= 0x20 && c < 0x7F) {
            /* ASCII run: copy in one go */
            size_t j = i + 1;
            while (j < len && (unsigned char)in[j] >= 0x20 && (unsigned char)in[j] < 0x7F)
                j++;
            if (tg_buf_add(out, in + i, j - i)) {
                /* keep what fits: ASCII can be cut anywhere */
                tg_buf_add(out, in + i, out->max - out->len);
                info->truncated = 1;
                return;
            }
            i = j;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)in + i, (utf8proc_ssize_t)(len - i), &cp);
        tg_status_t st;
        if (n <= 0) {
            info->replaced++;
            st = tg_buf_add(out, replacement, 3);
            n = 1;
        } else {
            st = put_cp(out, cp);
        }
        if (st) {
            info->truncated = 1;
            return;
        }
        i += (size_t)n;
    }
}

/* Converts with iconv from `from`, replacing what iconv rejects by U+FFFD
 * and skipping `unit` bytes, so no input can stop the conversion. */
static void decode_iconv(const char *from, size_t unit, const char *in, size_t len, tg_buf_t *out,
                         tg_decode_info_t *info)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1) {
        /* glibc always has these; if not, keep what is ASCII */
        decode_utf8(in, len, out, info);
        return;
    }
    char obuf[4096];
    char *ip = (char *)in;
    size_t ileft = len;
    while (ileft > 0) {
        char *op = obuf;
        size_t oleft = sizeof obuf;
        size_t r = iconv(cd, &ip, &ileft, &op, &oleft);
        int err = (r == (size_t)-1) ? errno : 0;
        /* iconv's output is valid UTF-8; run it through decode_utf8 for the
         * control-character rules */
        decode_utf8(obuf, (size_t)(op - obuf), out, info);
        if (info->truncated)
            break;
        if (err == EILSEQ || err == EINVAL) {
            info->replaced++;
            if (tg_buf_add(out, replacement, 3)) {
                info->truncated = 1;
                break;
            }
            size_t skip = unit < ileft ? unit : ileft;
            ip += skip;
            ileft -= skip;
        } else if (err && err != E2BIG) {
            break;
        }
    }
    iconv_close(cd);
}

/* Looks for UTF-16 without a byte order mark: text in Latin scripts has a NUL
 * in every other byte.  Returns "UTF-16LE", "UTF-16BE" or NULL. */
static const char *sniff_utf16(const char *in, size_t len)
{
    if (len < 8)
        return NULL;
    size_t n = len > 4096 ? 4096 : len & ~(size_t)1;
    size_t even = 0, odd = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        even += in[i] == 0;
        odd += in[i + 1] == 0;
    }
    size_t pairs = n / 2;
    if (odd * 10 > pairs * 6 && even * 10 < pairs)
        return "UTF-16LE";
    if (even * 10 > pairs * 6 && odd * 10 < pairs)
        return "UTF-16BE";
    return NULL;
}

/* Counts the valid multi-byte UTF-8 sequences and the bytes that are not
 * valid UTF-8. */
static void count_utf8(const char *in, size_t len, size_t *valid_mb, size_t *invalid)
{
    const unsigned char *u = (const unsigned char *)in;
    *valid_mb = *invalid = 0;
    for (size_t i = 0; i < len;) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(u + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n > 0) {
            (*valid_mb)++;
            i += (size_t)n;
        } else {
            (*invalid)++;
            i++;
        }
    }
}

/* UTF-8 or an 8-bit encoding?  Valid multi-byte sequences against invalid
 * bytes: legacy text has no valid ones (by accident, rarely), while UTF-8
 * with a few damaged bytes has many. */
static int mostly_utf8(const char *in, size_t len)
{
    size_t valid_mb, invalid;
    count_utf8(in, len, &valid_mb, &invalid);
    return invalid == 0 || valid_mb > invalid;
}

/* 1 if the bytes are valid UTF-8 and hold a multi-byte sequence. */
static int valid_utf8_with_multibyte(const char *in, size_t len)
{
    size_t valid_mb, invalid;
    count_utf8(in, len, &valid_mb, &invalid);
    return invalid == 0 && valid_mb > 0;
}

/* Both valid UTF-8 and bytes that are not: files put together from parts
 * in UTF-8 and in Windows-1252 (a common concatenation), or UTF-8 with
 * damage.  Each line is read as what it is: UTF-8 when it has more valid
 * multi-byte sequences than invalid bytes (damage then becomes U+FFFD),
 * else Windows-1252.  info->charset says whether both were used. */
static void decode_by_line(const char *in, size_t len, tg_buf_t *out, tg_decode_info_t *info)
{
    int utf8 = 0, legacy = 0;
    for (size_t i = 0; i < len && !info->truncated;) {
        const char *nl = memchr(in + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - in) + 1 : len;
        if (mostly_utf8(in + i, end - i)) {
            decode_utf8(in + i, end - i, out, info);
            utf8 = 1;
        } else {
            decode_iconv("WINDOWS-1252", 1, in + i, end - i, out, info);
            legacy = 1;
        }
        i = end;
    }
    info->charset = utf8 && legacy ? "UTF-8 and WINDOWS-1252 (by line)"
                    : legacy       ? "WINDOWS-1252"
                                   : "UTF-8";
}

void tg_text_decode(const char *in, size_t len, tg_buf_t *out, tg_decode_info_t *info)
{
    info->charset = "UTF-8";
    info->replaced = 0;
    info->truncated = 0;
    const unsigned char *u = (const unsigned char *)in;

    if (len >= 4 && u[0] == 0xFF && u[1] == 0xFE && u[2] == 0 && u[3] == 0) {
        info->charset = "UTF-32LE";
        decode_iconv("UTF-32LE", 4, in + 4, len - 4, out, info);
        return;
    }
    if (len >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xFE && u[3] == 0xFF) {
        info->charset = "UTF-32BE";
        decode_iconv("UTF-32BE", 4, in + 4, len - 4, out, info);
        return;
    }
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        info->charset = "UTF-8 (BOM)";
        decode_utf8(in + 3, len - 3, out, info);
        return;
    }
    if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
        info->charset = "UTF-16LE";
        decode_iconv("UTF-16LE", 2, in + 2, len - 2, out, info);
        return;
    }
    if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
        info->charset = "UTF-16BE";
        decode_iconv("UTF-16BE", 2, in + 2, len - 2, out, info);
        return;
    }
    const char *utf16 = sniff_utf16(in, len);
    if (utf16) {
        info->charset = utf16;
        decode_iconv(utf16, 2, in, len, out, info);
        return;
    }

    size_t valid_mb, invalid;
    count_utf8(in, len, &valid_mb, &invalid);
    if (invalid == 0) {
        decode_utf8(in, len, out, info);
        return;
    }
    if (valid_mb == 0) {
        info->charset = "WINDOWS-1252";
        decode_iconv("WINDOWS-1252", 1, in, len, out, info);
        return;
    }
    decode_by_line(in, len, out, info);
}

static int binary_byte(unsigned char c)
{
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r' &&
            c != 0x1B) ||
           c == 0x7F;
}

size_t tg_text_binary_bytes(const char *in, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += binary_byte((unsigned char)in[i]);
    return n;
}

int tg_text_mostly_text(const char *in, size_t len)
{
    size_t bytes = 0, letters = 0, controls = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == 0)
            continue;
        bytes++;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == ' ' || c == '\t' || c == '\n' || c == '\r')
            letters++;
        else if (binary_byte(c))
            controls++;
    }
    return bytes >= 32 && letters * 10 >= bytes * 6 && controls * 20 <= bytes;
}

static int has_bom(const char *in, size_t len)
{
    const unsigned char *u = (const unsigned char *)in;
    return (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) ||
           (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) ||
           (len >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xFE && u[3] == 0xFF);
}

int tg_text_decode_as(const char *in, size_t len, const char *charset, tg_buf_t *out,
                      tg_decode_info_t *info)
{
    if (!charset || !*charset || has_bom(in, len)) {
        tg_text_decode(in, len, out, info);
        return 0;
    }
    char name[64];
    size_t n = strlen(charset);
    if (n >= sizeof name) {
        tg_text_decode(in, len, out, info);
        return 0;
    }
    for (size_t i = 0; i <= n; i++)
        name[i] = (char)toupper((unsigned char)charset[i]);
    if (!strcmp(name, "UTF-8") || !strcmp(name, "UTF8")) {
        if (!mostly_utf8(in, len)) {
            tg_text_decode(in, len, out, info);
            return 0;
        }
        info->charset = charset;
        info->replaced = 0;
        info->truncated = 0;
        decode_utf8(in, len, out, info);
        return 1;
    }
    const char *from = name;
    size_t unit = 1;
    int single_byte = strncmp(name, "UTF-", 4) != 0 && strncmp(name, "UCS-", 4) != 0 &&
                      strncmp(name, "UTF1", 4) != 0 && strstr(name, "JIS") == NULL &&
                      strncmp(name, "GB", 2) != 0 && strncmp(name, "BIG5", 4) != 0 &&
                      strncmp(name, "EUC", 3) != 0;
    if (single_byte && valid_utf8_with_multibyte(in, len)) {
        /* a legacy single-byte label on bytes that are UTF-8 (with at least
         * one multi-byte sequence and nothing invalid): the label is wrong */
        info->charset = "UTF-8";
        info->replaced = 0;
        info->truncated = 0;
        decode_utf8(in, len, out, info);
        return 0;
    }
    if (!strcmp(name, "ISO-8859-1") || !strcmp(name, "ISO8859-1") || !strcmp(name, "LATIN1") ||
        !strcmp(name, "US-ASCII") || !strcmp(name, "ASCII") || !strcmp(name, "ISO_8859-1") ||
        !strcmp(name, "CP1252"))
        from = "WINDOWS-1252";
    else if (!strncmp(name, "UTF-16", 6) || !strncmp(name, "UCS-2", 5))
        unit = 2;
    else if (!strncmp(name, "UTF-32", 6) || !strncmp(name, "UCS-4", 5))
        unit = 4;
    if (!strcmp(name, "UTF-16") || !strcmp(name, "UCS-2")) {
        /* no byte order mark (it would have been seen): big-endian by the
         * standard, little-endian in practice; the bytes tell */
        const char *s = sniff_utf16(in, len);
        from = s ? s : "UTF-16LE";
    }
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1) {
        tg_text_decode(in, len, out, info);
        return 0;
    }
    iconv_close(cd);
    info->charset = charset;
    info->replaced = 0;
    info->truncated = 0;
    decode_iconv(from, unit, in, len, out, info);
    return 1;
}

void tg_text_append_utf8(const char *in, size_t len, tg_buf_t *out, tg_decode_info_t *info)
{
    if (!info->charset)
        info->charset = "UTF-8";
    if (!info->truncated)
        decode_utf8(in, len, out, info);
}

char *tg_utf8_escape_bytes(const char *s, size_t len)
{
    tg_buf_t b;
    tg_buf_init(&b, (size_t)-1);
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n > 0 && cp != 0) {
            tg_buf_add(&b, s + i, (size_t)n);
            i += (size_t)n;
        } else {
            tg_buf_addf(&b, "\\x%02X", (unsigned char)s[i]);
            i++;
        }
    }
    return tg_buf_detach(&b);
}

char *tg_utf8_clean(const char *s, size_t len)
{
    tg_buf_t b;
    tg_buf_init(&b, (size_t)-1);
    tg_decode_info_t info = {0};
    decode_utf8(s, len, &b, &info);
    /* metadata is one line or a few: keep newlines, drop CR */
    char *p = tg_buf_detach(&b);
    for (char *q = p; *q; q++)
        if (*q == '\r')
            *q = ' ';
    return p;
}

char *tg_utf8_one_line(const char *s, size_t max)
{
    if (!s)
        return NULL;
    char *c = tg_utf8_clean(s, strnlen(s, max));
    size_t k = 0;
    int sp = 0;
    for (size_t i = 0; c[i]; i++) {
        if (c[i] == ' ' || c[i] == '\t' || c[i] == '\n' || c[i] == '\r') {
            sp = k > 0;
            continue;
        }
        if (sp)
            c[k++] = ' ';
        sp = 0;
        c[k++] = c[i];
    }
    c[k] = '\0';
    if (!k) {
        free(c);
        return NULL;
    }
    return c;
}

/* ==== Showing names ====================================================== */

/* Code points shown as escapes (see text.h). */
static int hidden_cp(utf8proc_int32_t cp)
{
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
        return 1;
    if (cp < 0xA0)
        return 0;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_CF: /* U+200B-200F, U+202A-202E, U+2066-2069, U+061C, U+FEFF ... */
    case UTF8PROC_CATEGORY_ZL: /* U+2028 */
    case UTF8PROC_CATEGORY_ZP: /* U+2029 */
    case UTF8PROC_CATEGORY_CN: /* unassigned: no one knows how a terminal shows it */
        return 1;
    default:
        /* letters that show as nothing: Hangul fillers, the combining
         * grapheme joiner */
        return cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0 || cp == 0x034F;
    }
}

size_t tg_utf8_next_shown(const char *s, size_t len, int *hidden)
{
    size_t i = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
        int bad = n <= 0 || hidden_cp(cp);
        if (bad) {
            if (i > 0)
                break; /* the shown run ends here */
            *hidden = 1;
            return n > 0 ? (size_t)n : 1;
        }
        i += (size_t)n;
    }
    *hidden = 0;
    return i;
}

void tg_utf8_escape_one(const char *s, size_t n, char buf[static 12])
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &cp);
    if (k <= 0 || cp < 0x20 || cp == 0x7F) {
        unsigned char c = (unsigned char)s[0];
        if (k > 0 && c == '\n')
            snprintf(buf, 12, "\\n");
        else if (k > 0 && c == '\t')
            snprintf(buf, 12, "\\t");
        else if (k > 0 && c == '\r')
            snprintf(buf, 12, "\\r");
        else
            snprintf(buf, 12, "\\x%02X", c);
    } else if (cp <= 0xFFFF) {
        snprintf(buf, 12, "\\u%04X", (unsigned)cp);
    } else {
        snprintf(buf, 12, "\\U%08X", (unsigned)cp);
    }
}

char *tg_utf8_terminal(const char *s)
{
    tg_buf_t b;
    tg_buf_init(&b, (size_t)-1);
    size_t len = s ? strlen(s) : 0;
    for (size_t i = 0; i < len;) {
        int hidden;
        size_t n = tg_utf8_next_shown(s + i, len - i, &hidden);
        if (hidden) {
            char e[12];
            tg_utf8_escape_one(s + i, n, e);
            tg_buf_adds(&b, e);
        } else {
            tg_buf_add(&b, s + i, n);
        }
        i += n;
    }
    return tg_buf_detach(&b);
}

/* ==== Folding ============================================================ */

static size_t map_word(const char *s, size_t len, tg_buf_t *out, utf8proc_option_t opts)
{
    size_t before = out->len;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            /* a run of ASCII: copied in one go, then lowercased in place
             * (most words of Spanish and English text are all ASCII) */
            size_t j = i + 1;
            while (j < len && (unsigned char)s[j] < 0x80)
                j++;
            size_t n = j - i, at = out->len;
            int full = n > out->max - out->len;
            if (full)
                n = out->max - out->len;
            tg_buf_add(out, s + i, n);
            for (size_t k = at; k < at + n; k++)
                if (out->data[k] >= 'A' && out->data[k] <= 'Z')
                    out->data[k] = (char)(out->data[k] + 32);
            if (full)
                break;
            i = j;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0) {
            i++;
            continue;
        }
        i += (size_t)n;
        utf8proc_int32_t dec[32];
        int last_boundclass = 0;
        utf8proc_ssize_t m = utf8proc_decompose_char(cp, dec, 32, opts, &last_boundclass);
        if (m < 0 || m > 32)
            continue;
        if (opts & UTF8PROC_COMPOSE) {
            /* lowercasing only: recompose so stemmers see "ó", not "o" + mark */
            m = utf8proc_reencode(dec, m, opts & ~UTF8PROC_CHARBOUND);
            if (m < 0)
                continue;
            if (tg_buf_add(out, dec, (size_t)m))
                break;
            continue;
        }
        for (utf8proc_ssize_t k = 0; k < m; k++) {
            utf8proc_uint8_t enc[4];
            utf8proc_ssize_t e = utf8proc_encode_char(dec[k], enc);
            if (tg_buf_add(out, enc, (size_t)e))
                return out->len - before;
        }
    }
    return out->len - before;
}

size_t tg_fold(const char *s, size_t len, tg_buf_t *out)
{
    return map_word(s, len, out,
                    UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |
                        UTF8PROC_IGNORE);
}

size_t tg_fold_short(const char *s, size_t len, char *out, size_t cap, tg_buf_t *scratch)
{
    out[0] = '\0';
    if (len >= cap)
        return 0;
    size_t i;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80)
            break;
        out[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    if (i == len) {
        out[len] = '\0';
        return len;
    }
    tg_buf_reset(scratch);
    size_t m = tg_fold(s, len, scratch);
    if (m == 0 || m >= cap) {
        out[0] = '\0';
        return 0;
    }
    memcpy(out, scratch->data, m);
    out[m] = '\0';
    return m;
}

size_t tg_lower(const char *s, size_t len, tg_buf_t *out)
{
    return map_word(s, len, out, UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
}

tg_case_t tg_word_case(const char *s, size_t len)
{
    if (len == 0)
        return TG_CASE_NONE;
    unsigned char c0 = (unsigned char)s[0];
    if (c0 >= 'a' && c0 <= 'z')
        return TG_CASE_LOWER;
    if (c0 < 0x80 && !(c0 >= 'A' && c0 <= 'Z'))
        return TG_CASE_NONE;
    if (c0 < 0x80) {
        /* an ASCII capital: the rest decides, in ASCII while it lasts */
        size_t i = 1;
        while (i < len && (unsigned char)s[i] < 0x80) {
            if (s[i] >= 'a' && s[i] <= 'z')
                return TG_CASE_TITLE;
            i++;
        }
        if (i == len)
            return TG_CASE_UPPER;
    }
    int first = 1, lower_after = 0;
    tg_case_t c = TG_CASE_NONE;
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0)
            return first ? TG_CASE_NONE : c;
        i += (size_t)n;
        int up = utf8proc_isupper(cp) || utf8proc_category(cp) == UTF8PROC_CATEGORY_LT;
        int low = utf8proc_islower(cp);
        if (first) {
            if (!up && !low)
                return TG_CASE_NONE;
            if (low)
                return TG_CASE_LOWER;
            first = 0;
            c = TG_CASE_UPPER;
            continue;
        }
        if (low)
            lower_after = 1;
    }
    if (first)
        return TG_CASE_NONE;
    return lower_after ? TG_CASE_TITLE : TG_CASE_UPPER;
}

/* ==== Tokenizing ========================================================= */

enum { CH_OTHER, CH_WORD, CH_MARK, CH_DIGIT, CH_IDEO };

static int is_ideographic(utf8proc_int32_t cp)
{
    return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFF);
}

static int classify(utf8proc_int32_t cp)
{
    if (cp < 0x80) {
        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
            return CH_WORD;
        if (cp >= '0' && cp <= '9')
            return CH_DIGIT;
        return CH_OTHER;
    }
    if (is_ideographic(cp))
        return CH_IDEO;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return CH_WORD;
    case UTF8PROC_CATEGORY_ND:
        return CH_DIGIT;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return CH_MARK;
    case UTF8PROC_CATEGORY_CF:
        /* soft hyphens and joiners sit inside words */
        return CH_MARK;
    default:
        return CH_OTHER;
    }
}

/* Decodes the codepoint at off; *n gets its length (>= 1). */
static utf8proc_int32_t cp_at(const tg_tok_t *t, size_t off, size_t *n)
{
    unsigned char c = (unsigned char)t->text[off];
    if (c < 0x80) {
        *n = 1;
        return c;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t r = utf8proc_iterate((const utf8proc_uint8_t *)t->text + off,
                                          (utf8proc_ssize_t)(t->len - off), &cp);
    if (r <= 0) {
        *n = 1;
        return -1;
    }
    *n = (size_t)r;
    return cp;
}

void tg_tok_init(tg_tok_t *t, const char *text, size_t len)
{
    t->text = text;
    t->len = len;
    t->off = 0;
}

/* The class of each ASCII byte (classify's answer): the tokenizer's common
 * case, looked up without a call. */
static const unsigned char ascii_class[128] = {
    ['0'] = CH_DIGIT, ['1'] = CH_DIGIT, ['2'] = CH_DIGIT, ['3'] = CH_DIGIT, ['4'] = CH_DIGIT,
    ['5'] = CH_DIGIT, ['6'] = CH_DIGIT, ['7'] = CH_DIGIT, ['8'] = CH_DIGIT, ['9'] = CH_DIGIT,
    ['A'] = CH_WORD,  ['B'] = CH_WORD,  ['C'] = CH_WORD,  ['D'] = CH_WORD,  ['E'] = CH_WORD,
    ['F'] = CH_WORD,  ['G'] = CH_WORD,  ['H'] = CH_WORD,  ['I'] = CH_WORD,  ['J'] = CH_WORD,
    ['K'] = CH_WORD,  ['L'] = CH_WORD,  ['M'] = CH_WORD,  ['N'] = CH_WORD,  ['O'] = CH_WORD,
    ['P'] = CH_WORD,  ['Q'] = CH_WORD,  ['R'] = CH_WORD,  ['S'] = CH_WORD,  ['T'] = CH_WORD,
    ['U'] = CH_WORD,  ['V'] = CH_WORD,  ['W'] = CH_WORD,  ['X'] = CH_WORD,  ['Y'] = CH_WORD,
    ['Z'] = CH_WORD,  ['a'] = CH_WORD,  ['b'] = CH_WORD,  ['c'] = CH_WORD,  ['d'] = CH_WORD,
    ['e'] = CH_WORD,  ['f'] = CH_WORD,  ['g'] = CH_WORD,  ['h'] = CH_WORD,  ['i'] = CH_WORD,
    ['j'] = CH_WORD,  ['k'] = CH_WORD,  ['l'] = CH_WORD,  ['m'] = CH_WORD,  ['n'] = CH_WORD,
    ['o'] = CH_WORD,  ['p'] = CH_WORD,  ['q'] = CH_WORD,  ['r'] = CH_WORD,  ['s'] = CH_WORD,
    ['t'] = CH_WORD,  ['u'] = CH_WORD,  ['v'] = CH_WORD,  ['w'] = CH_WORD,  ['x'] = CH_WORD,
    ['y'] = CH_WORD,  ['z'] = CH_WORD,
};

/* The class of the character at off; *n gets its length (>= 1). */
static inline int class_at(const tg_tok_t *t, size_t off, size_t *n)
{
    unsigned char c = (unsigned char)t->text[off];
    if (c < 0x80) {
        *n = 1;
        return ascii_class[c];
    }
    utf8proc_int32_t cp = cp_at(t, off, n);
    return cp < 0 ? CH_OTHER : classify(cp);
}

int tg_tok_next(tg_tok_t *t, size_t *start, size_t *end)
{
    size_t n, off = t->off, len = t->len;
    /* skip to the start of a word */
    while (off < len) {
        int k = class_at(t, off, &n);
        if (k == CH_IDEO) {
            *start = off;
            t->off = off + n;
            *end = t->off;
            return 1;
        }
        if (k == CH_WORD || k == CH_DIGIT)
            break;
        off += n;
    }
    if (off >= len) {
        t->off = off;
        return 0;
    }
    *start = off;
    int prev = CH_OTHER;
    while (off < len) {
        unsigned char c = (unsigned char)t->text[off];
        int k = class_at(t, off, &n);
        if (k == CH_WORD || k == CH_DIGIT || k == CH_MARK) {
            prev = k == CH_MARK ? prev : k;
            off += n;
            continue;
        }
        if ((c == '.' || c == ',') && prev == CH_DIGIT && off + 1 < len) {
            size_t n2;
            if (class_at(t, off + 1, &n2) == CH_DIGIT) {
                off += 1;
                continue;
            }
        }
        break;
    }
    t->off = off;
    *end = off;
    return 1;
}

/* ==== Words hyphenated at a line end ===================================== */

/* Bytes of a hyphen at s[i] ('-', U+00AD soft hyphen, U+2010), else 0;
 * *soft is set for the soft hyphen. */
static size_t hyphen_at(const char *s, size_t i, size_t len, int *soft)
{
    *soft = 0;
    if (s[i] == '-')
        return 1;
    if ((unsigned char)s[i] == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xAD) {
        *soft = 1;
        return 2;
    }
    if ((unsigned char)s[i] == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
        (unsigned char)s[i + 2] == 0x90)
        return 3;
    return 0;
}

static int is_letter(utf8proc_int32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    int k = classify(cp);
    return (k == CH_WORD || k == CH_MARK) && utf8proc_category(cp) != UTF8PROC_CATEGORY_CF;
}

/* Bytes of the longest part of a cut word looked at: a longer run of
 * letters is no word, and the scans stay bounded (a text of "x-\n" lines
 * would otherwise grow the head at each join and rescan it). */
#define MAX_CUT_PART (4 * TG_MAX_WORD)

/* End of the run of letters starting at i; i itself if the run is longer
 * than MAX_CUT_PART. */
static size_t letters_forward(const char *s, size_t i, size_t len)
{
    size_t start = i;
    if (len - i > MAX_CUT_PART + 4)
        len = i + MAX_CUT_PART + 4;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0 || !is_letter(cp))
            break;
        i += (size_t)n;
    }
    return i - start > MAX_CUT_PART ? start : i;
}

/* Start of the run of letters ending at i, not before lo; i itself if
 * the run is longer than MAX_CUT_PART. */
static size_t letters_backward(const char *s, size_t lo, size_t i)
{
    size_t end = i;
    if (end - lo > MAX_CUT_PART + 4)
        lo = end - MAX_CUT_PART - 4;
    while (i > lo) {
        size_t j = i - 1;
        while (j > lo && i - j < 4 && ((unsigned char)s[j] & 0xC0) == 0x80)
            j--;
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)s + j, (utf8proc_ssize_t)(i - j), &cp);
        if (n <= 0 || (size_t)n != i - j || !is_letter(cp))
            break;
        i = j;
    }
    return end - i > MAX_CUT_PART ? end : i;
}

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Whether head-tail, cut at a line end, is one word. */
static int is_cut(const char *h, size_t hl, const char *t, size_t tl, int soft,
                  const tg_lexicon_t **lx)
{
    if (soft)
        return 1;
    tg_case_t tc = tg_word_case(t, tl), hc = tg_word_case(h, hl);
    if (tc != TG_CASE_LOWER && !(tc == TG_CASE_UPPER && hc == TG_CASE_UPPER))
        return 0; /* "Franco-\nVenezuelan", "Ana-\nMaría" */
    if (!*lx)
        *lx = tg_lexicon_system();
    if (tg_lexicon_size(*lx) == 0)
        return tc == TG_CASE_LOWER;
    char j[8 * TG_MAX_WORD];
    if (hl + tl > sizeof j)
        return 1;
    memcpy(j, h, hl);
    memcpy(j + hl, t, tl);
    if (tg_lexicon_knows(*lx, j, hl + tl))
        return 1;
    /* Spanish endings that are words too ("fue-ron", "sabe-mos", "pana-les")
     * but never the second part of a compound */
    static const char *const endings[] = {"ron", "ran", "ren", "mos", "ban", "bas",
                                          "les", "nes", "res", "ses", "dos", "das"};
    for (size_t i = 0; i < TG_ARRAY_LEN(endings); i++)
        if (tl == strlen(endings[i]) && !memcmp(t, endings[i], tl))
            return 1;
    /* a compound's parts are words of one language ("tie" and "nen" are
     * an English and a Spanish word: "tienen" was cut) */
    unsigned hb = tg_lexicon_knows(*lx, h, hl), tb = tg_lexicon_knows(*lx, t, tl);
    return !(hb & tb & ~TG_LEX_NAME);
}

size_t tg_text_join_hyphens(tg_buf_t *b, size_t from, const tg_lexicon_t *lx)
{
    if (!b->data || from >= b->len)
        return 0;
    char *s = b->data;
    size_t len = b->len, r = from, w = from, joined = 0;
    while (r < len) {
        int soft;
        size_t hl = hyphen_at(s, r, len, &soft);
        if (!hl) {
            s[w++] = s[r++];
            continue;
        }
        /* hyphen, blanks, one line end, blanks, a letter */
        size_t q = r + hl;
        while (q < len && blank(s[q]))
            q++;
        size_t t0 = q + 1;
        while (t0 < len && blank(s[t0]))
            t0++;
        size_t t1 = t0 < len ? letters_forward(s, t0, len) : t0;
        size_t h0 = letters_backward(s, from, w);
        if (q >= len || s[q] != '\n' || t1 == t0 || h0 == w ||
            !is_cut(s + h0, w - h0, s + t0, t1 - t0, soft, &lx)) {
            memmove(s + w, s + r, hl);
            w += hl;
            r += hl;
            continue;
        }
        /* the tail's word, and what sticks to it, moves up */
        size_t t2 = t1;
        while (t2 < len && !blank(s[t2]) && s[t2] != '\n' && s[t2] != '\f')
            t2++;
        /* ...unless it is cut again at its own line end: then up to that
         * hyphen, which is looked at next with the longer head */
        int again = 0;
        for (size_t p = t2 >= t1 + 3 ? t2 - 3 : t1; p < t2; p++) {
            int sf;
            size_t k = hyphen_at(s, p, len, &sf);
            if (k && p + k == t2) {
                size_t e = t2;
                while (e < len && blank(s[e]))
                    e++;
                if (e < len && s[e] == '\n') {
                    t2 = p;
                    again = 1;
                }
                break;
            }
        }
        memmove(s + w, s + t0, t2 - t0);
        w += t2 - t0;
        joined++;
        if (again) {
            r = t2;
            continue;
        }
        /* the rest of the tail's line starts a line of its own */
        q = t2;
        while (q < len && blank(s[q]))
            q++;
        if (q < len && s[q] != '\n' && s[q] != '\f')
            s[w++] = '\n';
        r = q;
    }
    b->len = w;
    s[w] = '\0';
    return joined;
}
