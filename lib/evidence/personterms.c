/* The values of the XV and XK terms of one person of a document (see
 * personterms.h and docs/schema.md).  Runs in the workers, on names read from hostile text:
 * the forms and numbers are already capped by docpersons.c, and a value
 * too long for a term is hashed by tg_bool_term, never cut. */
#include "personterms.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "schema.h"

size_t tg_personterms_digits(const char *shown, char *out, size_t len)
{
    size_t n = 0;
    for (const char *c = shown; *c && n + 1 < len; c++)
        if (*c >= '0' && *c <= '9' && (n > 0 || *c != '0'))
            out[n++] = *c;
    out[n] = '\0';
    return n;
}

void tg_personterms_each(const tg_docperson_t *p,
                         int (*on)(void *ctx, tg_personterm_kind_t kind, const char *value),
                         void *ctx)
{
    tg_buf_t key;
    tg_buf_init(&key, 4096);
    int stop = 0;
    for (size_t i = 0; i < p->nforms && !stop; i++) {
        tg_buf_reset(&key);
        if (tg_name_key(p->forms[i], strlen(p->forms[i]), &key) < 2 ||
            !strcmp(tg_buf_str(&key), p->key))
            continue;
        stop = on(ctx, TG_PERSONTERM_FORM, tg_buf_str(&key));
    }
    for (size_t i = 0; i < p->nids && !stop; i++) {
        char digits[32];
        if (!tg_personterms_digits(p->ids[i], digits, sizeof digits))
            continue;
        tg_buf_reset(&key);
        tg_buf_adds(&key, digits);
        tg_buf_adds(&key, " ");
        tg_buf_adds(&key, p->key);
        stop = on(ctx, TG_PERSONTERM_ID, tg_buf_str(&key));
    }
    tg_buf_free(&key);
}

void tg_names_store_keys(tg_db_t *db, const char *path)
{
    tg_names_t *n = NULL;
    char err[256];
    if (tg_names_load(path, &n, err, sizeof err))
        return;
    json_t *groups = json_array();
    for (size_t i = 0; i < tg_names_count(n); i++)
        json_array_append_new(groups, json_pack("[s]", tg_names_key(n, i)));
    tg_buf_t key;
    tg_buf_init(&key, 4096);
    for (size_t i = 0; i < tg_names_nforms(n); i++) {
        tg_buf_reset(&key);
        size_t p = tg_names_form_key(n, i, &key);
        json_t *g = json_array_get(groups, p);
        const char *k = tg_buf_str(&key);
        if (g && *k && strcmp(k, json_string_value(json_array_get(g, 0))))
            json_array_append_new(g, json_string(k));
    }
    tg_buf_free(&key);
    char *dump = json_dumps(groups, JSON_COMPACT);
    if (dump)
        tg_db_set_meta(db, TG_META_NAMES_KEYS, dump, strlen(dump));
    free(dump);
    json_decref(groups);
    tg_names_free(n);
}
