/* testigo-search: searches a Testigo archive from the command line.
 *
 * Output is for people by default (one block per result, hits in bold on a
 * terminal, marked [like this] otherwise) and for programs with --json.
 * What comes from documents (names, titles, metadata, snippets) is printed
 * for people in its terminal form (tg_utf8_terminal: control and
 * bidirectional characters as visible escapes), in JSON and exports exactly.
 * Exit status follows grep: 0 something found, 1 nothing found, 2 error. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bagit.h"
#include "buf.h"
#include "export.h"
#include "schema.h"
#include "sbatch.h"
#include "search.h"
#include "text.h"
#include "util.h"

#ifndef TG_VERSION
#define TG_VERSION "0.1"
#endif

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: testigo-search [OPTION]... QUERY...\n"
            "       testigo-search --persons [OPTION]... [QUERY]...\n"
            "       testigo-search --batch LIST.csv [--json]\n"
            "Search a Testigo archive.\n"
            "\n"
            "  -a, --archive DIR     archive folder (default: $TESTIGO_ARCHIVE, else ./archive)\n"
            "      --json            print results as JSON\n"
            "      --export FORMAT   export every match, one row per document: csv or json\n"
            "      --bom             with --export csv: start with a byte order mark (Excel)\n"
            "      --export-bag DIR  write every match into a new BagIt bag at DIR: the\n"
            "                        originals, their SHA-256 manifest and documents.csv\n"
            "  -n, --limit N         results to show (default 10)\n"
            "      --offset N        skip the first N results\n"
            "      --sort ORDER      relevance (default), date (oldest first) or newest\n"
            "      --persons         list the persons named in the documents matching QUERY\n"
            "                        (in every document without a QUERY), with the number\n"
            "                        of documents naming each, most first\n"
            "      --batch LIST.csv  search every person of the list (a name, a cedula or\n"
            "                        both per row) and write a report: CSV, or JSON with\n"
            "                        --json; -n limits the documents per row (default 1000)\n"
            "  -h, --help            show this help\n"
            "      --version         show the version\n"
            "\n"
            "Query language: words (accents and case do not matter), \"exact phrases\",\n"
            "AND, OR, NOT, -word, word*, a NEAR b, (grouping), and the fields\n"
            "type:pdf|text  lang:es|en  date:2024-07-30  date:2024-07  year:2024\n"
            "date:2024-01-01..2025-06-30 (either end may be left open)  title:word\n"
            "folder:NAME  sha256:HEX  collection:NAME  place:NAME  witness:NAME  tag:NAME\n"
            "folder:NAME  sha256:HEX  person:\"Marino Alvarado\"  id:12345678\n"
            "mentions:2024-08-05  mentions:2024-07-28..2024-08-05 (dates in the text)\n"
            "Fields have Spanish names too: tipo: idioma: fecha: año: titulo: carpeta:\n"
            "persona: cedula: menciona: coleccion: lugar: testigo: etiqueta: asunto:\n"
            "A word before a colon that names no field is searched as a word, and an\n"
            "unclosed quotation mark opens a phrase to the end: a note on stderr says so.\n"
            "\n"
            "Restricted documents are shown, marked RESTRICTED; documents under\n"
            "embargo are marked EMBARGOED until the embargo's last day.\n"
            "Exit status: 0 found, 1 nothing found, 2 error.\n");
}

static int bad_value(const char *opt, const char *v)
{
    fprintf(stderr, "testigo-search: invalid value for %s: '%s'\n", opt, v);
    return 2;
}

static void human_size(int64_t n, char *buf, size_t len)
{
    if (n < 1024)
        snprintf(buf, len, "%lld B", (long long)n);
    else if (n < 1024 * 1024)
        snprintf(buf, len, "%.1f KB", (double)n / 1024);
    else
        snprintf(buf, len, "%.1f MB", (double)n / (1024 * 1024));
}

/* The sidecar fields of a result, on one line. */
/* Prints s (from a document or a file name) in its terminal form. */
static void put_shown(const char *s)
{
    char *t = tg_utf8_terminal(s);
    fputs(t, stdout);
    free(t);
}

/* Prints a snippet in terminal form, its hits between hs and he. */
static void put_snippet(const tg_snippet_t *sn, const char *hs, const char *he)
{
    /* rendered with marks no text holds (stored text has no C0 controls),
     * so the text between them can be escaped and the marks replaced */
    char *s = tg_snippet_render(sn, "\x01", "\x02");
    for (char *p = s; *p;) {
        size_t n = strcspn(p, "\x01\x02");
        char c = p[n];
        p[n] = '\0';
        put_shown(p);
        if (c)
            fputs(c == '\x01' ? hs : he, stdout);
        p += n + (c != '\0');
    }
    free(s);
}

static void print_metadata(const tg_record_t *rec)
{
    static const char *const keys[] = {"collection", "place", "witness", "tags"};
    const char *sep = "   ";
    for (size_t k = 0; k < TG_ARRAY_LEN(keys); k++) {
        size_t n = tg_record_n_sidecar(rec, keys[k]);
        if (!n)
            continue;
        printf("%s%s: ", sep, keys[k]);
        for (size_t i = 0; i < n; i++) {
            const char *v = tg_record_nth_sidecar(rec, keys[k], i);
            printf("%s", i ? ", " : "");
            put_shown(v ? v : "?");
        }
        sep = " · ";
    }
    if (strcmp(sep, "   "))
        printf("\n");
}

/* "   label: a, b, c (and 2 more)": the n values get(rec, i). */
static void print_list(const char *label, const tg_record_t *rec, size_t n,
                       const char *(*get)(const tg_record_t *, size_t), size_t max)
{
    if (!n)
        return;
    printf("   %s: ", label);
    for (size_t i = 0; i < n; i++) {
        if (i == max) {
            printf(" (and %zu more)", n - max);
            break;
        }
        const char *v = get(rec, i);
        printf("%s", i ? ", " : "");
        put_shown(v ? v : "?");
    }
    printf("\n");
}

static const char *person_name(const tg_record_t *rec, size_t i)
{
    tg_person_t p;
    return tg_record_person(rec, i, &p) ? p.name : NULL;
}

static const char *id_at(const tg_record_t *rec, size_t i)
{
    return tg_record_nth(rec, TG_LIST_IDS, i);
}

static void print_human(const tg_results_t *r, unsigned offset, int tty)
{
    for (size_t i = 0; i < r->n; i++) {
        const tg_hit_t *h = &r->hits[i];
        const tg_record_t *rec = h->rec;
        const char *kind = tg_record_get_kind(rec);
        const char *date = tg_record_get_date(rec);
        char size[32];
        human_size(tg_record_get_size(rec), size, sizeof size);
        int restricted = tg_record_get_restricted(rec);
        const char *embargo = tg_record_get_embargo(rec);
        char emark[64] = "";
        if (embargo && !restricted)
            snprintf(emark, sizeof emark, "  [%s %s]",
                     tg_record_hidden(rec) ? "EMBARGOED until" : "embargo ended", embargo);
        else if (embargo)
            snprintf(emark, sizeof emark, " (embargo until %s)", embargo);
        printf("%s%zu. ", tty ? "\033[1m" : "", offset + i + 1);
        put_shown(h->title);
        printf("%s%s%s\n", tty ? "\033[0m" : "", restricted ? "  [RESTRICTED]" : "", emark);
        const char *dsrc = tg_record_get_date_source(rec);
        printf("   %s · %.10s%s%s%s · %s", kind ? kind : "?", date ? date : "no date",
               date && dsrc ? " (" : "", date && dsrc ? dsrc : "", date && dsrc ? ")" : "", size);
        if (h->snippet.page)
            printf(" · p. %d", h->snippet.page);
        double ocr = tg_hit_ocr_confidence(h);
        if (ocr >= 0)
            printf(" · OCR %d%%", (int)ocr);
        const char *ex = tg_record_get_extraction(rec);
        if (ex && strcmp(ex, TG_EXTRACTION_OK))
            printf(" · no text (%s)", ex);
        printf("\n");
        size_t nlocs = tg_record_n_locations(rec);
        for (size_t k = 0; k < nlocs; k++) {
            if (k >= 3) {
                printf("   (and %zu more locations)\n", nlocs - 3);
                break;
            }
            const char *p = tg_location_get_path(tg_record_location(rec, k));
            printf("   ");
            put_shown(p ? p : "?");
            printf("\n");
        }
        print_metadata(rec);
        printf("   sha256 %s\n", tg_record_get_sha256(rec) ? tg_record_get_sha256(rec) : "?");
        print_list("persons", rec, tg_record_n_persons(rec), person_name, 5);
        print_list("ids", rec, tg_record_n(rec, TG_LIST_IDS), id_at, 5);
        if (h->snippet.text[0]) {
            printf("   ");
            put_snippet(&h->snippet, tty ? "\033[1;33m" : "[", tty ? "\033[0m" : "]");
            printf("\n");
        }
        printf("\n");
    }
    printf("%u result%s%s (%.3f s)\n", r->total, r->total == 1 ? "" : "s",
           r->total_exact ? "" : " (estimated)", r->seconds);
}

/* How the query was read where it could not be taken as written, on
 * stderr: the results still follow. */
static void print_notices(const tg_results_t *r)
{
    for (size_t i = 0; i < r->n_notices; i++) {
        char msg[512];
        tg_qmsg_str(&r->notices[i], msg, sizeof msg);
        fprintf(stderr, "testigo-search: note: %s\n", msg);
    }
}

/* The same as JSON: [{"code", "text", "message"}]. */
static json_t *notices_json(const tg_results_t *r)
{
    json_t *a = json_array();
    for (size_t i = 0; i < r->n_notices; i++) {
        char msg[512];
        tg_qmsg_str(&r->notices[i], msg, sizeof msg);
        json_t *o = json_object();
        json_object_set_new(o, "code", json_string(tg_qmsg_name(r->notices[i].code)));
        tg_rec_set_str(o, "text", r->notices[i].text);
        tg_rec_set_str(o, "message", msg);
        json_array_append_new(a, o);
    }
    return a;
}

static void print_json(const tg_results_t *r, const char *query, unsigned offset, unsigned limit)
{
    json_t *o = json_object();
    tg_rec_set_str(o, "query", query);
    json_object_set_new(o, "total", json_integer(r->total));
    json_object_set_new(o, "total_exact", json_boolean(r->total_exact));
    json_object_set_new(o, "offset", json_integer(offset));
    json_object_set_new(o, "limit", json_integer(limit));
    json_t *arr = json_array();
    for (size_t i = 0; i < r->n; i++)
        json_array_append_new(arr, tg_hit_json(&r->hits[i]));
    json_object_set_new(o, "results", arr);
    json_object_set_new(o, "notices", notices_json(r));
    json_object_set_new(o, "seconds", json_real(r->seconds));
    json_dumpf(o, stdout, JSON_INDENT(2));
    printf("\n");
    json_decref(o);
}

/* ==== Export ============================================================== */

/* Results are fetched a page at a time, so an export of any size runs in
 * bounded memory. */
#define EXPORT_PAGE 100

typedef struct {
    const char *format;  /* "csv", "json", or NULL for a bag */
    int bom;             /* CSV: start with a byte order mark */
    const char *bag_dir; /* --export-bag */
    unsigned max;        /* documents at most (0: all) */
    const char *archive;
} export_t;

static int write_out(const tg_buf_t *b)
{
    return fwrite(tg_buf_str(b), 1, b->len, stdout) == b->len ? 0 : -1;
}

/* Copies the original of sha into the bag; 0, or -1 after saying why. */
static int add_to_bag(tg_archive_t *a, tg_bag_t *bag, const char *sha, const char *name,
                      char **bag_path)
{
    if (!sha) {
        fprintf(stderr, "testigo-search: a result has no SHA-256\n");
        return -1;
    }
    tg_record_t *rec;
    int fd;
    uint64_t size;
    /* the operator's export: restricted documents go too, marked */
    if (tg_archive_original(a, sha, 0, &rec, &fd, &size)) {
        fprintf(stderr, "testigo-search: %s\n", tg_archive_error(a));
        return -1;
    }
    tg_record_free(rec);
    char err[1024];
    tg_status_t st = tg_bag_add_original(bag, fd, sha, name, bag_path, err, sizeof err);
    close(fd);
    if (st) {
        fprintf(stderr, "testigo-search: %s\n", err);
        return -1;
    }
    return 0;
}

static int run_export(tg_archive_t *a, tg_qparser_t *qp, const char *query, tg_search_req_t req,
                      const export_t *x)
{
    char err[1024];
    int json = x->format && !strcmp(x->format, "json");
    unsigned done = 0, restricted = 0;
    tg_bag_t *bag = NULL;
    tg_buf_t out, csv;
    tg_buf_init(&out, (size_t)-1);
    tg_buf_init(&csv, (size_t)-1); /* the bag's documents.csv */
    int rc = 0;
    char now[32];
    tg_iso8601((int64_t)time(NULL), now, sizeof now);
    for (int first = 1;; first = 0) {
        req.limit = EXPORT_PAGE;
        if (x->max && x->max - done < req.limit)
            req.limit = x->max - done;
        tg_results_t r;
        tg_status_t st = tg_search_run(a, qp, query, &req, &r, err, sizeof err);
        if (st) {
            fprintf(stderr, "testigo-search: %s%s\n", st == TG_ERR_QUERY ? "invalid query: " : "",
                    err);
            rc = 2;
            break;
        }
        if (first) {
            if (x->bag_dir) {
                if (tg_bag_create(x->bag_dir, &bag, err, sizeof err)) {
                    fprintf(stderr, "testigo-search: %s\n", err);
                    tg_results_free(&r);
                    rc = 2;
                    break;
                }
                tg_export_csv_header(&csv, 1);
            } else if (json) {
                json_t *q = json_object();
                tg_rec_set_str(q, "q", query);
                char *qs = json_dumps(json_object_get(q, "q"), JSON_ENCODE_ANY);
                printf("{\n  \"query\": %s,\n  \"exported\": \"%s\",\n  \"documents\": [", qs, now);
                free(qs);
                json_decref(q);
            } else {
                if (x->bom)
                    tg_buf_adds(&out, "\xEF\xBB\xBF");
                tg_export_csv_header(&out, 0);
            }
        }
        for (size_t i = 0; i < r.n && rc == 0; i++) {
            const tg_hit_t *h = &r.hits[i];
            restricted += tg_record_get_restricted(h->rec);
            char *bag_path = NULL;
            if (bag) {
                const char *sha = tg_record_get_sha256(h->rec);
                const tg_location_t *l0 = tg_record_location(h->rec, 0);
                const char *p = l0 ? tg_location_get_path(l0) : NULL;
                if (add_to_bag(a, bag, sha, p ? tg_location_basename(p) : "original", &bag_path)) {
                    rc = 2;
                    break;
                }
            }
            json_t *row = tg_export_row(h, bag_path);
            if (bag) {
                tg_export_csv_row(&csv, row, 1);
            } else if (json) {
                char *s = json_dumps(row, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
                /* indent the row under "documents" */
                tg_buf_adds(&out, done ? ",\n    " : "\n    ");
                for (const char *c = s; *c; c++) {
                    tg_buf_addc(&out, *c);
                    if (*c == '\n')
                        tg_buf_adds(&out, "    ");
                }
                free(s);
            } else {
                tg_export_csv_row(&out, row, 0);
            }
            json_decref(row);
            free(bag_path);
            done++;
        }
        unsigned n = (unsigned)r.n, asked = req.limit;
        tg_results_free(&r);
        if (rc == 0 && write_out(&out)) {
            fprintf(stderr, "testigo-search: cannot write the export: %m\n");
            rc = 2;
        }
        tg_buf_reset(&out);
        /* a short page is the last (the total may be an estimate) */
        if (rc || n < asked || (x->max && done >= x->max))
            break;
        req.offset += n;
    }
    if (rc == 0 && json)
        printf("\n  ],\n  \"count\": %u\n}\n", done);
    if (rc == 0 && bag) {
        if (tg_bag_add_tagfile(bag, "documents.csv", tg_buf_str(&csv), csv.len, err, sizeof err)) {
            fprintf(stderr, "testigo-search: %s\n", err);
            rc = 2;
        } else {
            json_t *info = json_object();
            json_object_set_new(info, "Source-Organization", json_string("Testigo archive"));
            json_object_set_new(info, "External-Description",
                                json_string("Documents found in a Testigo archive by the query "
                                            "below, as their original bytes; documents.csv "
                                            "describes each one (title, dates, locations)."));
            tg_rec_set_str(info, "Testigo-Query", query);
            tg_rec_set_str(info, "Testigo-Archive", x->archive);
            char n[32];
            snprintf(n, sizeof n, "%u", done);
            json_object_set_new(info, "Testigo-Documents", json_string(n));
            snprintf(n, sizeof n, "%u", restricted);
            json_object_set_new(info, "Testigo-Restricted-Documents", json_string(n));
            tg_status_t st = tg_bag_finish(bag, info, err, sizeof err);
            bag = NULL;
            json_decref(info);
            if (st) {
                fprintf(stderr, "testigo-search: %s\n", err);
                rc = 2;
            } else {
                printf("testigo-search: bag written to %s: %u document%s\n", x->bag_dir, done,
                       done == 1 ? "" : "s");
            }
        }
    }
    if (bag) {
        tg_bag_free(bag);
        fprintf(stderr, "testigo-search: %s is incomplete and is not a valid bag\n", x->bag_dir);
    }
    if (rc == 0 && restricted)
        fprintf(stderr,
                "testigo-search: warning: %u of the exported documents %s RESTRICTED "
                "(marked in the export)\n",
                restricted, restricted == 1 ? "is" : "are");
    tg_buf_free(&out);
    tg_buf_free(&csv);
    if (rc == 0 && fflush(stdout)) {
        fprintf(stderr, "testigo-search: cannot write the export: %m\n");
        rc = 2;
    }
    return rc ? rc : done > 0 ? 0 : 1;
}

/* --persons: the list, for people or as JSON.  Returns the exit status. */
static int list_persons(tg_archive_t *a, tg_qparser_t *qp, const char *query,
                        const tg_search_req_t *req, unsigned limit, int json)
{
    char err[1024];
    json_t *out;
    double t0 = tg_now();
    tg_status_t st = tg_search_persons(a, qp, query, req, limit, &out, err, sizeof err);
    if (st) {
        fprintf(stderr, "testigo-search: %s%s\n", st == TG_ERR_QUERY ? "invalid query: " : "", err);
        return 2;
    }
    json_t *list = json_object_get(out, "persons");
    if (json) {
        json_t *o = json_object();
        if (query && *query)
            tg_rec_set_str(o, "query", query);
        else
            json_object_set_new(o, "query", json_null());
        json_object_update(o, out);
        json_object_set_new(o, "seconds", json_real(tg_now() - t0));
        json_dumpf(o, stdout, JSON_INDENT(2));
        printf("\n");
        json_decref(o);
    } else {
        size_t i;
        json_t *e;
        json_array_foreach(list, i, e)
        {
            printf("%6lld  ", (long long)tg_rec_int(e, "documents", 0));
            put_shown(tg_rec_str(e, "name") ? tg_rec_str(e, "name") : "?");
            printf("\n");
            /* its other forms and its cédulas, on a line of their own */
            json_t *lists[2] = {json_object_get(e, "variants"), json_object_get(e, "ids")};
            static const char *const heads[2] = {"also written: ", "cédula: "};
            for (int l = 0; l < 2; l++) {
                size_t k;
                json_t *v;
                json_array_foreach(lists[l], k, v)
                {
                    printf("%s", k                                      ? "; "
                                 : l == 0 || !json_array_size(lists[0]) ? "        "
                                                                        : " | ");
                    if (!k)
                        printf("%s", heads[l]);
                    put_shown(json_string_value(v));
                }
            }
            if (json_array_size(lists[0]) || json_array_size(lists[1]))
                printf("\n");
        }
        long long total = tg_rec_int(out, "total", 0), docs = tg_rec_int(out, "documents", 0);
        printf("%lld person%s in %lld document%s", total, total == 1 ? "" : "s", docs,
               docs == 1 ? "" : "s");
        if ((size_t)total > json_array_size(list))
            printf(" (%zu shown)", json_array_size(list));
        printf(" (%.3f s)\n", tg_now() - t0);
    }
    int rc = json_array_size(list) ? 0 : 1;
    json_decref(out);
    return rc;
}

int main(int argc, char **argv)
{
    enum {
        OPT_JSON = 256,
        OPT_OFFSET,
        OPT_SORT,
        OPT_VERSION,
        OPT_EXPORT,
        OPT_BOM,
        OPT_BAG,
        OPT_PERSONS,
        OPT_BATCH
    };
    static const struct option opts[] = {
        {"archive", required_argument, NULL, 'a'},
        {"json", no_argument, NULL, OPT_JSON},
        {"export", required_argument, NULL, OPT_EXPORT},
        {"bom", no_argument, NULL, OPT_BOM},
        {"export-bag", required_argument, NULL, OPT_BAG},
        {"limit", required_argument, NULL, 'n'},
        {"offset", required_argument, NULL, OPT_OFFSET},
        {"sort", required_argument, NULL, OPT_SORT},
        {"persons", no_argument, NULL, OPT_PERSONS},
        {"batch", required_argument, NULL, OPT_BATCH},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    const char *archive = getenv("TESTIGO_ARCHIVE");
    if (!archive || !*archive)
        archive = "archive";
    int json = 0, persons = 0, limit_given = 0;
    const char *batch = NULL;
    export_t x = {0};
    tg_search_req_t req = {.limit = 10, .sort = TG_SORT_RELEVANCE};
    long v;
    int c;
    while ((c = getopt_long(argc, argv, "a:n:h", opts, NULL)) != -1) {
        switch (c) {
        case 'a':
            archive = optarg;
            break;
        case OPT_JSON:
            json = 1;
            break;
        case OPT_EXPORT:
            if (strcmp(optarg, "csv") && strcmp(optarg, "json"))
                return bad_value("--export (csv or json)", optarg);
            x.format = optarg;
            break;
        case OPT_BOM:
            x.bom = 1;
            break;
        case OPT_BAG:
            if (!*optarg)
                return bad_value("--export-bag", optarg);
            x.bag_dir = optarg;
            break;
        case OPT_PERSONS:
            persons = 1;
            break;
        case OPT_BATCH:
            batch = optarg;
            break;
        case 'n':
            if (tg_parse_long(optarg, 0, 10000, &v))
                return bad_value("--limit", optarg);
            req.limit = (unsigned)v;
            limit_given = 1;
            break;
        case OPT_OFFSET:
            if (tg_parse_long(optarg, 0, 1000000000, &v))
                return bad_value("--offset", optarg);
            req.offset = (unsigned)v;
            break;
        case OPT_SORT:
            if (!strcmp(optarg, "relevance"))
                req.sort = TG_SORT_RELEVANCE;
            else if (!strcmp(optarg, "date") || !strcmp(optarg, "oldest"))
                req.sort = TG_SORT_DATE;
            else if (!strcmp(optarg, "newest"))
                req.sort = TG_SORT_DATE_DESC;
            else
                return bad_value("--sort (relevance, date or newest)", optarg);
            break;
        case 'h':
            usage(stdout);
            return 0;
        case OPT_VERSION:
            printf("testigo-search %s\n", TG_VERSION);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (batch && (persons || x.format || x.bag_dir || optind < argc)) {
        fprintf(stderr, "testigo-search: --batch takes no QUERY, --persons or --export\n");
        return 2;
    }
    if (optind >= argc && !persons && !batch) {
        fprintf(stderr, "testigo-search: no QUERY given (try --help)\n");
        return 2;
    }
    if (x.format && x.bag_dir) {
        fprintf(stderr, "testigo-search: --export and --export-bag do not go together (a bag "
                        "holds its own documents.csv)\n");
        return 2;
    }
    if (x.bom && !(x.format && !strcmp(x.format, "csv"))) {
        fprintf(stderr, "testigo-search: --bom goes with --export csv\n");
        return 2;
    }
    x.max = limit_given ? req.limit : 0;
    x.archive = archive;
    tg_buf_t q;
    tg_buf_init(&q, 1 << 20);
    for (int i = optind; i < argc; i++) {
        if (i > optind)
            tg_buf_addc(&q, ' ');
        tg_buf_adds(&q, argv[i]);
    }

    char err[1024];
    tg_archive_t *a;
    if (tg_archive_open(archive, &a, err, sizeof err)) {
        fprintf(stderr, "testigo-search: %s\n", err);
        tg_buf_free(&q);
        return 2;
    }
    tg_qparser_t *qp = tg_qparser_new();
    if (x.format || x.bag_dir) {
        int erc = run_export(a, qp, tg_buf_str(&q), req, &x);
        tg_qparser_free(qp);
        tg_archive_close(a);
        tg_buf_free(&q);
        return erc;
    }
    if (batch) {
        int brc = search_batch(a, qp, batch, json, limit_given ? req.limit : 0, stdout);
        tg_qparser_free(qp);
        tg_archive_close(a);
        tg_buf_free(&q);
        return brc;
    }
    if (persons) {
        int prc = list_persons(a, qp, tg_buf_str(&q), &req, limit_given ? req.limit : 0, json);
        tg_qparser_free(qp);
        tg_archive_close(a);
        tg_buf_free(&q);
        return prc;
    }
    tg_results_t r;
    tg_status_t st = tg_search_run(a, qp, tg_buf_str(&q), &req, &r, err, sizeof err);
    int rc;
    if (st) {
        fprintf(stderr, "testigo-search: %s%s\n", st == TG_ERR_QUERY ? "invalid query: " : "", err);
        rc = 2;
    } else {
        print_notices(&r);
        if (json)
            print_json(&r, tg_buf_str(&q), req.offset, req.limit);
        else
            print_human(&r, req.offset, isatty(1));
        rc = r.total > 0 ? 0 : 1;
        tg_results_free(&r);
    }
    tg_qparser_free(qp);
    tg_archive_close(a);
    tg_buf_free(&q);
    return rc;
}
