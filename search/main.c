/* testigo-search: searches a Testigo archive from the command line.
 *
 * Output is for people by default (one block per result, hits in bold on a
 * terminal, marked [like this] otherwise) and for programs with --json.
 * Exit status follows grep: 0 something found, 1 nothing found, 2 error. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "schema.h"
#include "search.h"
#include "util.h"

#ifndef TG_VERSION
#define TG_VERSION "0.1"
#endif

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: testigo-search [OPTION]... QUERY...\n"
            "Search a Testigo archive.\n"
            "\n"
            "  -a, --archive DIR     archive folder (default: $TESTIGO_ARCHIVE, else ./archive)\n"
            "      --json            print results as JSON\n"
            "  -n, --limit N         results to show (default 10)\n"
            "      --offset N        skip the first N results\n"
            "      --sort ORDER      relevance (default), date (oldest first) or newest\n"
            "  -h, --help            show this help\n"
            "      --version         show the version\n"
            "\n"
            "Query language: words (accents and case do not matter), \"exact phrases\",\n"
            "AND, OR, NOT, -word, word*, a NEAR b, (grouping), and the fields\n"
            "type:pdf|text  lang:es|en  date:2024-07-30  date:2024-07  year:2024\n"
            "date:2024-01-01..2025-06-30 (either end may be left open)  title:word\n"
            "folder:NAME  sha256:HEX\n"
            "\n"
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

static void print_human(const tg_results_t *r, unsigned offset, int tty)
{
    for (size_t i = 0; i < r->n; i++) {
        const tg_hit_t *h = &r->hits[i];
        const json_t *rec = h->rec;
        const char *kind = tg_rec_str(rec, TG_REC_KIND);
        const char *date = tg_rec_str(rec, TG_REC_DATE);
        char size[32];
        human_size(tg_rec_int(rec, TG_REC_SIZE, 0), size, sizeof size);
        printf("%s%zu. %s%s\n", tty ? "\033[1m" : "", offset + i + 1, h->title,
               tty ? "\033[0m" : "");
        printf("   %s · %.10s · %s", kind ? kind : "?", date ? date : "no date", size);
        if (h->snippet.page)
            printf(" · p. %d", h->snippet.page);
        const json_t *ocr = tg_hit_ocr_page(h);
        if (ocr)
            printf(" · OCR %d%%", (int)tg_rec_int(ocr, "confidence", 0));
        if (tg_rec_str(rec, "extraction") && strcmp(tg_rec_str(rec, "extraction"), "ok"))
            printf(" · no text (%s)", tg_rec_str(rec, "extraction"));
        printf("\n");
        json_t *locs = json_object_get(rec, TG_REC_LOCATIONS), *e;
        size_t k;
        json_array_foreach(locs, k, e)
        {
            if (k >= 3) {
                printf("   (and %zu more locations)\n", json_array_size(locs) - 3);
                break;
            }
            printf("   %s\n", tg_rec_str(e, "path") ? tg_rec_str(e, "path") : "?");
        }
        printf("   sha256 %s\n",
               tg_rec_str(rec, TG_REC_SHA256) ? tg_rec_str(rec, TG_REC_SHA256) : "?");
        if (h->snippet.text[0]) {
            char *s =
                tg_snippet_render(&h->snippet, tty ? "\033[1;33m" : "[", tty ? "\033[0m" : "]");
            printf("   %s\n", s);
            free(s);
        }
        printf("\n");
    }
    printf("%u result%s%s (%.3f s)\n", r->total, r->total == 1 ? "" : "s",
           r->total_exact ? "" : " (estimated)", r->seconds);
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
    json_object_set_new(o, "seconds", json_real(r->seconds));
    json_dumpf(o, stdout, JSON_INDENT(2));
    printf("\n");
    json_decref(o);
}

int main(int argc, char **argv)
{
    enum { OPT_JSON = 256, OPT_OFFSET, OPT_SORT, OPT_VERSION };
    static const struct option opts[] = {
        {"archive", required_argument, NULL, 'a'},
        {"json", no_argument, NULL, OPT_JSON},
        {"limit", required_argument, NULL, 'n'},
        {"offset", required_argument, NULL, OPT_OFFSET},
        {"sort", required_argument, NULL, OPT_SORT},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    const char *archive = getenv("TESTIGO_ARCHIVE");
    if (!archive || !*archive)
        archive = "archive";
    int json = 0;
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
        case 'n':
            if (tg_parse_long(optarg, 0, 10000, &v))
                return bad_value("--limit", optarg);
            req.limit = (unsigned)v;
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
    if (optind >= argc) {
        fprintf(stderr, "testigo-search: no QUERY given (try --help)\n");
        return 2;
    }
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
    tg_results_t r;
    tg_status_t st = tg_search_run(a, qp, tg_buf_str(&q), &req, &r, err, sizeof err);
    int rc;
    if (st) {
        fprintf(stderr, "testigo-search: %s%s\n", st == TG_ERR_QUERY ? "invalid query: " : "", err);
        rc = 2;
    } else {
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
