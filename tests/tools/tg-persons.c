/* tg-persons: the persons the indexer finds in text files, as it finds
 * them (lib/evidence/docpersons.c, what indexer/worker/docbuild.c uses),
 * without an archive: for the labelled set of tests/persons/ and for
 * looking at what extraction does with a text.
 *
 * Usage: tg-persons [--names FILE] FILE...
 * Prints one JSON object a line per file: {"file", "persons": [{"name",
 * "key", "forms", "count", "listed", "ids"}], "ids": [every identity
 * number read]}.  Files are decoded as the indexer decodes text (UTF-8,
 * Windows-1252, UTF-16).  Exit 0, or 2 on a usage error or a file that
 * cannot be read. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "docpersons.h"
#include "names.h"
#include "text.h"
#include "util.h"

static int read_file(const char *path, tg_buf_t *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        tg_buf_add(out, chunk, n);
    int err = ferror(f);
    fclose(f);
    return err ? -1 : 0;
}

int main(int argc, char **argv)
{
    tg_names_t *names = NULL;
    int i = 1;
    if (argc > 2 && !strcmp(argv[1], "--names")) {
        char err[512];
        if (tg_names_load(argv[2], &names, err, sizeof err)) {
            fprintf(stderr, "tg-persons: %s\n", err);
            return 2;
        }
        i = 3;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: tg-persons [--names FILE] FILE...\n");
        return 2;
    }
    int rc = 0;
    for (; i < argc; i++) {
        tg_buf_t raw, text;
        tg_buf_init(&raw, (size_t)64 << 20);
        tg_buf_init(&text, (size_t)64 << 20);
        if (read_file(argv[i], &raw)) {
            fprintf(stderr, "tg-persons: %s: %s\n", argv[i], strerror(errno));
            rc = 2;
            tg_buf_free(&raw);
            tg_buf_free(&text);
            continue;
        }
        tg_decode_info_t info;
        memset(&info, 0, sizeof info);
        tg_text_decode(raw.data ? raw.data : "", raw.len, &text, &info);
        tg_docpersons_t *dp = tg_docpersons_new(names);
        tg_docpersons_scan(dp, text.data ? text.data : "", text.len);
        tg_docpersons_resolve(dp);
        json_t *o = json_object(), *list = json_array(), *ids = json_array();
        json_object_set_new(o, "file", json_string(argv[i]));
        for (size_t k = 0; k < tg_docpersons_count(dp); k++) {
            const tg_docperson_t *p = tg_docpersons_get(dp, k);
            json_t *e = json_object(), *forms = json_array(), *pids = json_array();
            json_object_set_new(e, "name", json_string(p->name));
            json_object_set_new(e, "key", json_string(p->key));
            for (size_t j = 0; j < p->nforms; j++)
                json_array_append_new(forms, json_string(p->forms[j]));
            json_object_set_new(e, "forms", forms);
            json_object_set_new(e, "count", json_integer((json_int_t)p->count));
            json_object_set_new(e, "listed", json_boolean(p->listed));
            for (size_t j = 0; j < p->nids; j++)
                json_array_append_new(pids, json_string(p->ids[j]));
            json_object_set_new(e, "ids", pids);
            json_array_append_new(list, e);
        }
        for (size_t k = 0; k < tg_docpersons_nids(dp); k++) {
            char shown[32];
            tg_idnum_format(tg_docpersons_id(dp, k), shown, sizeof shown);
            json_array_append_new(ids, json_string(shown));
        }
        json_object_set_new(o, "persons", list);
        json_object_set_new(o, "ids", ids);
        char *s = json_dumps(o, JSON_COMPACT);
        puts(s);
        free(s);
        json_decref(o);
        tg_docpersons_free(dp);
        tg_buf_free(&raw);
        tg_buf_free(&text);
    }
    tg_names_free(names);
    return rc;
}
