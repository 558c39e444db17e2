/* Language identification over libexttextcat (see lang.h).
 *
 * textcat answers "[es--utf8]" when sure, several candidates when unsure, and
 * "SHORT" or "UNKNOWN".  With several candidates the first is taken only if
 * the sample is long enough for n-gram statistics to mean something; short
 * fragments ("Testimonio de la madre" comes back as Esperanto) are "und", and
 * the indexer then stems them both ways. */
#include "lang.h"

#include <string.h>
#include <textcat.h>

#include "util.h"

#ifndef TG_TEXTCAT_DIR
#define TG_TEXTCAT_DIR "/usr/share/libexttextcat/"
#endif

/* Enough text for a stable guess; more only costs time. */
#define SAMPLE_BYTES 8192
/* Below this many bytes an ambiguous guess is not trusted. */
#define MIN_AMBIGUOUS_BYTES 400

struct tg_langid {
    void *tc;
};

tg_status_t tg_langid_new(tg_langid_t **out)
{
    *out = NULL;
    void *tc = special_textcat_Init(TG_TEXTCAT_DIR "fpdb.conf", TG_TEXTCAT_DIR);
    if (!tc)
        return TG_ERR_NOTFOUND;
    tg_langid_t *li = tg_xcalloc(1, sizeof *li);
    li->tc = tc;
    *out = li;
    return TG_OK;
}

void tg_langid_free(tg_langid_t *li)
{
    if (!li)
        return;
    textcat_Done(li->tc);
    free(li);
}

void tg_langid_guess(tg_langid_t *li, const char *text, size_t len, char code[8])
{
    strcpy(code, "und");
    if (len > SAMPLE_BYTES) {
        /* cut at a character boundary */
        len = SAMPLE_BYTES;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
    }
    if (len == 0)
        return;
    const char *r = textcat_Classify(li->tc, text, len);
    if (!r || r[0] != '[')
        return;
    if (strchr(r + 1, '[') && len < MIN_AMBIGUOUS_BYTES)
        return;
    /* "[es--utf8]..." -> "es"; "[zh-Hans--utf8]" -> "zh" */
    size_t n = strcspn(r + 1, "-]");
    if (n == 0 || n >= 8)
        return;
    memcpy(code, r + 1, n);
    code[n] = '\0';
}
