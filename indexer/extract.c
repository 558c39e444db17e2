/* The table of extractors and the helpers they share (see extract.h).
 * Adding a format is one row here and one file beside this one. */
#include "extract.h"

#include <stdarg.h>
#include <string.h>

#include "util.h"

static const struct {
    const char *mime; /* exact type, or a prefix ending in '/' */
    const char *kind;
    tg_extract_fn fn;
} extractors[] = {
    {"application/pdf", "pdf", tg_extract_pdf},
    {"text/html", "html", NULL},
    {"text/xml", "xml", NULL},
    {"text/", "text", tg_extract_text},
    {"application/json", "text", tg_extract_text},
    {"image/", "image", NULL},
    {"message/rfc822", "email", NULL},
};

tg_extract_fn tg_extractor_for(const char *mime, const char **kind)
{
    for (size_t i = 0; i < TG_ARRAY_LEN(extractors); i++) {
        size_t n = strlen(extractors[i].mime);
        int match = extractors[i].mime[n - 1] == '/' ? strncmp(mime, extractors[i].mime, n) == 0
                                                     : strcmp(mime, extractors[i].mime) == 0;
        if (match) {
            *kind = extractors[i].kind;
            return extractors[i].fn;
        }
    }
    *kind = "other";
    return NULL;
}

void tg_extract_init(tg_extract_t *x, const tg_extract_limits_t *lim)
{
    memset(x, 0, sizeof *x);
    tg_buf_init(&x->text, lim->max_text);
    x->meta = json_object();
    x->warnings = json_array();
}

void tg_extract_free(tg_extract_t *x)
{
    tg_buf_free(&x->text);
    json_decref(x->meta);
    json_decref(x->warnings);
    free(x->date);
    free(x->date_source);
    free(x->charset);
    memset(x, 0, sizeof *x);
}

void tg_extract_warn(tg_extract_t *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = tg_xvasprintf(fmt, ap);
    va_end(ap);
    /* the same warning for every page of a long document says nothing new */
    size_t i;
    json_t *w;
    json_array_foreach(x->warnings, i, w)
    {
        if (strcmp(json_string_value(w), s) == 0) {
            free(s);
            return;
        }
    }
    if (json_array_size(x->warnings) < 50)
        json_array_append_new(x->warnings, json_string(s));
    free(s);
}
