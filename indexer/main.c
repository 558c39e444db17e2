/* testigo-index: puts files into a Testigo archive.
 *
 * Parses options, runs the ingest (ingest.c), prints the summary and maps
 * the outcome to an exit status: 0 all indexed or deliberately skipped,
 * 1 finished but some files failed, 2 usage or fatal error, 130 interrupted.
 * Re-executed with --worker, it is an extraction worker instead (worker.c). */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest.h"
#include "names.h"
#include "progress.h"
#include "text.h"
#include "util.h"
#include "verify.h"
#include "pagerender.h"
#include "worker.h"

#ifndef TG_VERSION
#define TG_VERSION "0.1"
#endif

static void usage(FILE *f)
{
    fprintf(
        f, "Usage: testigo-index [OPTION]... PATH...\n"
           "  or:  testigo-index --verify [--archive DIR]\n"
           "Copy files into a Testigo archive and index them for search.\n"
           "PATH may be files or folders (walked recursively).\n"
           "\n"
           "  -a, --archive DIR        archive folder (default: $TESTIGO_ARCHIVE, else ./archive)\n"
           "  -j, --jobs N             extraction worker processes (default: number of cores)\n"
           "      --timeout SEC        wall-clock time to extract one file, not counting\n"
           "                           time spent waiting for a CPU (default 120)\n"
           "      --cpu-limit SEC      CPU time to extract one file (default: the timeout)\n"
           "      --mem-limit MB       memory of one extraction worker (default 1024)\n"
           "      --max-text MB        text kept per document (default 16)\n"
           "      --max-pages N        pages read per document (default 10000)\n"
           "      --max-file MB        larger files are not stored (default 65536)\n"
           "      --batch N            documents per index commit (default 250)\n"
           "      --commit-interval SEC  seconds between commits (default 10)\n"
           "      --verify             check the archive's fixity: re-hash every original,\n"
           "                           find missing ones, check the ingest log's chain\n"
           "\n"
           "Bundles (zip, tar, 7z, .gz ...) are read member by member:\n"
           "      --max-depth N        bundles inside bundles opened this deep (default 5)\n"
           "      --max-member MB      expanded size of one member (default 4096)\n"
           "      --max-expanded MB    expanded size of one bundle (default 65536)\n"
           "      --max-ratio N        expansion ratio of one bundle (default 1000)\n"
           "      --max-members N      members in one bundle (default 1000000)\n"
           "One file of PATH, all its nesting levels together (bundles and attachments):\n"
           "      --max-total-expanded MB  bytes its bundles expand (default 131072)\n"
           "      --max-total-ratio N  ...at most N times its own size (default 1000)\n"
           "      --max-total-members N  members (default 2000000)\n"
           "      --max-unpack-time SEC  CPU time of the workers reading its bundles, not\n"
           "                           extracting text from members (default 1800)\n"
           "\n"
           "      --prune              forget locations under PATH that no longer exist\n"
           "      --purge-store        with --prune: also delete originals no document uses\n"
           "      --names FILE         names list (CSV: canonical name, aliases...) of the\n"
           "                           persons to recognise in documents indexed now\n"
           "      --no-ocr             do not read images and scanned pages with OCR\n"
           "      --render-pages       draw the page images of PDFs and images ahead, for\n"
           "                           testigo-web (first 50 pages; else on first view)\n"
           "      --ocr-lang LANGS     OCR languages, tesseract's names joined by +\n"
           "                           (default spa+eng)\n"
           "      --ocr-timeout SEC    time to recognise one page; decimals allowed (default 60)\n"
           "      --ocr-max-pixels MP  larger images are not read by OCR, in megapixels\n"
           "                           (default 50)\n"
           "      --reextract          extract again files already indexed (OCR comes from\n"
           "                           the archive's OCR cache when the languages match)\n"
           "  -v, --verbose            print every file event\n"
           "  -q, --quiet              print only errors and the summary\n"
           "  -h, --help               show this help\n"
           "      --version            show the version\n"
           "\n"
           "Exit status: 0 all files indexed or deliberately skipped, 1 some files\n"
           "failed (each is reported), 2 usage or fatal error, 130 interrupted.\n"
           "With --verify: 0 all intact, 1 problems found, 2 the check could not run.\n");
}

static void on_signal(int sig)
{
    (void)sig;
    tg_ingest_stop = 1;
}

static int bad_value(const char *opt, const char *v)
{
    tg_progress_print(NULL, "testigo-index: invalid value for %s: '%s'\n", opt, v);
    return 2;
}

/* A decimal number in [min, max]; 0 on success. */
static int parse_number(const char *s, double min, double max, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= min && v <= max))
        return -1;
    *out = v;
    return 0;
}

/* tesseract language names joined by '+' ("spa+eng", "chi_sim",
 * "script/Latin"): letters, digits, '_', '-', '/', '+'; never a path
 * outside tesseract's data folder. */
static int lang_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 200 || s[0] == '/' || strstr(s, ".."))
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("_-/+", *s))
            return 0;
    return 1;
}

static void print_by(const char *label, json_t *by)
{
    if (!json_object_size(by))
        return;
    printf("  %s:", label);
    const char *k;
    json_t *v;
    const char *sep = " ";
    json_object_foreach(by, k, v)
    {
        printf("%s%s %lld", sep, k, (long long)json_integer_value(v));
        sep = ", ";
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    /* the page renderer the web server starts (pagerender.h) */
    if (argc > 1 && (!strcmp(argv[1], "--render-page") || !strcmp(argv[1], "--render-server")))
        return tg_page_render_main(argc - 1, argv + 1);
    enum {
        OPT_TIMEOUT = 256,
        OPT_CPU,
        OPT_MEM,
        OPT_MAXTEXT,
        OPT_MAXPAGES,
        OPT_MAXFILE,
        OPT_BATCH,
        OPT_INTERVAL,
        OPT_VERSION,
        OPT_WORKER,
        OPT_WORKER_MEM,
        OPT_DEPTH,
        OPT_MEMBER,
        OPT_EXPANDED,
        OPT_RATIO,
        OPT_MEMBERS,
        OPT_PRUNE,
        OPT_PURGE,
        OPT_VERIFY,
        OPT_NAMES,
        OPT_NO_OCR,
        OPT_RENDER_PAGES,
        OPT_OCR_LANG,
        OPT_OCR_TIMEOUT,
        OPT_OCR_PIXELS,
        OPT_REEXTRACT,
        OPT_TOTAL_EXPANDED,
        OPT_TOTAL_RATIO,
        OPT_TOTAL_MEMBERS,
        OPT_UNPACK_TIME
    };
    static const struct option opts[] = {
        {"archive", required_argument, NULL, 'a'},
        {"jobs", required_argument, NULL, 'j'},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"cpu-limit", required_argument, NULL, OPT_CPU},
        {"mem-limit", required_argument, NULL, OPT_MEM},
        {"max-text", required_argument, NULL, OPT_MAXTEXT},
        {"max-pages", required_argument, NULL, OPT_MAXPAGES},
        {"max-file", required_argument, NULL, OPT_MAXFILE},
        {"batch", required_argument, NULL, OPT_BATCH},
        {"commit-interval", required_argument, NULL, OPT_INTERVAL},
        {"max-depth", required_argument, NULL, OPT_DEPTH},
        {"max-member", required_argument, NULL, OPT_MEMBER},
        {"max-expanded", required_argument, NULL, OPT_EXPANDED},
        {"max-ratio", required_argument, NULL, OPT_RATIO},
        {"max-members", required_argument, NULL, OPT_MEMBERS},
        {"max-total-expanded", required_argument, NULL, OPT_TOTAL_EXPANDED},
        {"max-total-ratio", required_argument, NULL, OPT_TOTAL_RATIO},
        {"max-total-members", required_argument, NULL, OPT_TOTAL_MEMBERS},
        {"max-unpack-time", required_argument, NULL, OPT_UNPACK_TIME},
        {"prune", no_argument, NULL, OPT_PRUNE},
        {"purge-store", no_argument, NULL, OPT_PURGE},
        {"names", required_argument, NULL, OPT_NAMES},
        {"verbose", no_argument, NULL, 'v'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {"worker", required_argument, NULL, OPT_WORKER},
        {"worker-mem", required_argument, NULL, OPT_WORKER_MEM},
        {"verify", no_argument, NULL, OPT_VERIFY},
        {"no-ocr", no_argument, NULL, OPT_NO_OCR},
        {"render-pages", no_argument, NULL, OPT_RENDER_PAGES},
        {"ocr-lang", required_argument, NULL, OPT_OCR_LANG},
        {"ocr-timeout", required_argument, NULL, OPT_OCR_TIMEOUT},
        {"ocr-max-pixels", required_argument, NULL, OPT_OCR_PIXELS},
        {"reextract", no_argument, NULL, OPT_REEXTRACT},
        {NULL, 0, NULL, 0},
    };
    long nproc = sysconf(_SC_NPROCESSORS_ONLN);
    tg_ingest_opts_t o = {
        .jobs = nproc > 0 ? (unsigned)nproc : 1,
        .timeout = 120,
        .cpu_limit = 0,
        .mem_limit = (size_t)1024 << 20,
        .max_text = (size_t)16 << 20,
        .max_pages = 10000,
        .max_file = (uint64_t)65536 << 20,
        .batch = 250,
        .batch_seconds = 10,
        .max_depth = 5,
        .max_member = (uint64_t)4096 << 20,
        .max_expanded = (uint64_t)65536 << 20,
        .max_ratio = 1000,
        .max_members = 1000000,
        .max_total_expanded = (uint64_t)131072 << 20,
        .max_total_ratio = 1000,
        .max_total_members = 2000000,
        .max_unpack_time = 1800,
        .ocr = 1,
        .ocr_lang = "spa+eng",
        .ocr_timeout = 60,
        .ocr_max_pixels = 50000000,
    };
    const char *archive = getenv("TESTIGO_ARCHIVE");
    if (!archive || !*archive)
        archive = "archive";
    const char *names = NULL;
    long worker_fd = -1, v;
    int verify = 0;
    double d;
    size_t worker_mem = 0;
    int c;
    while ((c = getopt_long(argc, argv, "a:j:vqh", opts, NULL)) != -1) {
        switch (c) {
        case 'a':
            archive = optarg;
            break;
        case 'j':
            if (tg_parse_long(optarg, 1, 256, &v))
                return bad_value("--jobs", optarg);
            o.jobs = (unsigned)v;
            break;
        case OPT_TIMEOUT:
            if (tg_parse_long(optarg, 1, 86400, &v))
                return bad_value("--timeout", optarg);
            o.timeout = (double)v;
            break;
        case OPT_CPU:
            if (tg_parse_long(optarg, 1, 86400, &v))
                return bad_value("--cpu-limit", optarg);
            o.cpu_limit = (double)v;
            break;
        case OPT_MEM:
            if (tg_parse_long(optarg, 64, 1 << 20, &v))
                return bad_value("--mem-limit", optarg);
            o.mem_limit = (size_t)v << 20;
            break;
        case OPT_MAXTEXT:
            if (tg_parse_long(optarg, 1, 1024, &v))
                return bad_value("--max-text", optarg);
            o.max_text = (size_t)v << 20;
            break;
        case OPT_MAXPAGES:
            if (tg_parse_long(optarg, 1, 10000000, &v))
                return bad_value("--max-pages", optarg);
            o.max_pages = (unsigned)v;
            break;
        case OPT_MAXFILE:
            if (tg_parse_long(optarg, 1, 1L << 30, &v))
                return bad_value("--max-file", optarg);
            o.max_file = (uint64_t)v << 20;
            break;
        case OPT_BATCH:
            if (tg_parse_long(optarg, 1, 1000000, &v))
                return bad_value("--batch", optarg);
            o.batch = (unsigned)v;
            break;
        case OPT_INTERVAL:
            if (tg_parse_long(optarg, 1, 86400, &v))
                return bad_value("--commit-interval", optarg);
            o.batch_seconds = (double)v;
            break;
        case OPT_DEPTH:
            if (tg_parse_long(optarg, 0, 64, &v))
                return bad_value("--max-depth", optarg);
            o.max_depth = (unsigned)v;
            break;
        case OPT_MEMBER:
            if (tg_parse_long(optarg, 1, 1L << 30, &v))
                return bad_value("--max-member", optarg);
            o.max_member = (uint64_t)v << 20;
            break;
        case OPT_EXPANDED:
            if (tg_parse_long(optarg, 1, 1L << 30, &v))
                return bad_value("--max-expanded", optarg);
            o.max_expanded = (uint64_t)v << 20;
            break;
        case OPT_RATIO:
            if (tg_parse_long(optarg, 2, 1000000000, &v))
                return bad_value("--max-ratio", optarg);
            o.max_ratio = (double)v;
            break;
        case OPT_MEMBERS:
            if (tg_parse_long(optarg, 1, 1000000000, &v))
                return bad_value("--max-members", optarg);
            o.max_members = (uint64_t)v;
            break;
        case OPT_TOTAL_EXPANDED:
            if (tg_parse_long(optarg, 1, 1L << 30, &v))
                return bad_value("--max-total-expanded", optarg);
            o.max_total_expanded = (uint64_t)v << 20;
            break;
        case OPT_TOTAL_RATIO:
            if (tg_parse_long(optarg, 2, 1000000000, &v))
                return bad_value("--max-total-ratio", optarg);
            o.max_total_ratio = (double)v;
            break;
        case OPT_TOTAL_MEMBERS:
            if (tg_parse_long(optarg, 1, 1000000000, &v))
                return bad_value("--max-total-members", optarg);
            o.max_total_members = (uint64_t)v;
            break;
        case OPT_UNPACK_TIME:
            if (parse_number(optarg, 0.001, 1e7, &d))
                return bad_value("--max-unpack-time", optarg);
            o.max_unpack_time = d;
            break;
        case OPT_PRUNE:
            o.prune = 1;
            break;
        case OPT_PURGE:
            o.purge_store = 1;
            break;
        case OPT_NAMES:
            names = optarg;
            break;
        case OPT_NO_OCR:
            o.ocr = 0;
            break;
        case OPT_OCR_LANG:
            if (!lang_ok(optarg))
                return bad_value("--ocr-lang", optarg);
            o.ocr_lang = optarg;
            break;
        case OPT_OCR_TIMEOUT:
            if (parse_number(optarg, 0.001, 86400, &d))
                return bad_value("--ocr-timeout", optarg);
            o.ocr_timeout = d;
            break;
        case OPT_OCR_PIXELS:
            if (parse_number(optarg, 0.001, 100000, &d))
                return bad_value("--ocr-max-pixels", optarg);
            o.ocr_max_pixels = (uint64_t)(d * 1e6);
            break;
        case OPT_REEXTRACT:
            o.reextract = 1;
            break;
        case OPT_RENDER_PAGES:
            o.render_pages = 1;
            break;
        case 'v':
            o.verbose = 1;
            break;
        case 'q':
            o.quiet = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case OPT_VERSION:
            printf("testigo-index %s\n", TG_VERSION);
            return 0;
        case OPT_WORKER:
            if (tg_parse_long(optarg, 0, INT_MAX, &worker_fd))
                return 2;
            break;
        case OPT_VERIFY:
            verify = 1;
            break;
        case OPT_WORKER_MEM:
            if (tg_parse_long(optarg, 0, LONG_MAX, &v))
                return 2;
            worker_mem = (size_t)v;
            break;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (worker_fd >= 0) {
        tg_worker_limits_t lim = {.mem_limit = worker_mem};
        return tg_worker_main((int)worker_fd, archive, &lim);
    }
    if (verify) {
        if (optind < argc) {
            fprintf(stderr, "testigo-index: --verify takes no PATH (it checks the archive)\n");
            return 2;
        }
        return tg_verify_run(archive, o.verbose);
    }
    if (optind >= argc) {
        fprintf(stderr, "testigo-index: no PATH given (try --help)\n");
        return 2;
    }
    if (o.cpu_limit == 0)
        o.cpu_limit = o.timeout;
    if (o.purge_store && !o.prune) {
        fprintf(stderr, "testigo-index: --purge-store needs --prune\n");
        return 2;
    }
    o.progress = !o.quiet && isatty(2);

    /* the names list is read here first, so a mistake in it stops the run
     * before anything is indexed; workers read it again */
    char *names_abs = NULL;
    if (names) {
        char nerr[1024];
        tg_names_t *nl;
        if (tg_names_load(names, &nl, nerr, sizeof nerr)) {
            tg_progress_print(NULL, "testigo-index: names list: %s\n", nerr);
            return 2;
        }
        tg_names_free(nl);
        names_abs = realpath(names, NULL);
        char *shown = names_abs ? tg_utf8_escape_bytes(names_abs, strlen(names_abs)) : NULL;
        int utf8 = shown && !strcmp(shown, names_abs);
        free(shown);
        if (!utf8) {
            tg_progress_print(NULL, "testigo-index: names list: %s: the path must be UTF-8\n",
                              names);
            free(names_abs);
            return 2;
        }
        o.names = names_abs;
    }

    /* the archive's absolute path: workers and stored paths must not depend
     * on the current folder */
    char *abs = realpath(archive, NULL);
    if (!abs) {
        if (mkdir(archive, 0700) != 0 || !(abs = realpath(archive, NULL))) {
            tg_progress_print(NULL, "testigo-index: cannot create the archive folder %s: %m\n",
                              archive);
            free(names_abs);
            return 2;
        }
    }
    o.archive = abs;
    /* one OCR thread per worker: the workers are the parallelism (tesseract's
     * OpenMP threads on top of them were measured 4-6x slower per image); the
     * OpenMP runtime reads this when a worker starts, so it is set here, for
     * the workers to inherit */
    setenv("OMP_THREAD_LIMIT", "1", 1);

    tg_tune_malloc();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    tg_ingest_counts_t n;
    char err[1024] = "";
    tg_status_t st = tg_ingest_run(&o, argv + optind, argc - optind, &n, err, sizeof err);
    if (st) {
        tg_progress_print(NULL, "testigo-index: %s\n", err);
        tg_ingest_counts_free(&n);
        free(abs);
        free(names_abs);
        return 2;
    }
    /* a sidecar's problem is an error, but not another file */
    unsigned long total =
        n.added + n.updated + n.duplicate + n.unchanged + n.skipped + n.errors - n.sidecar_problems;
    printf("testigo-index: %lu files, %.1f MB in %.1f s: %lu added, %lu updated, "
           "%lu duplicate, %lu unchanged, %lu skipped, %lu error%s\n",
           total, (double)n.bytes / (1 << 20), n.seconds, n.added, n.updated, n.duplicate,
           n.unchanged, n.skipped, n.errors, n.errors == 1 ? "" : "s");
    print_by("skipped", n.skipped_by);
    print_by("errors", n.errors_by);
    if (o.prune)
        printf("  pruned: %lu locations gone, %lu documents removed\n", n.pruned, n.removed);
    else if (n.removed)
        printf("  removed: %lu documents no longer found anywhere\n", n.removed);
    if (n.interrupted)
        printf("testigo-index: interrupted; what was done is committed, run again to go on\n");
    if (o.verbose) {
        /* where the time went: the writer itself, and its workers */
        struct rusage self, kids;
        getrusage(RUSAGE_SELF, &self);
        getrusage(RUSAGE_CHILDREN, &kids);
        printf("testigo-index: CPU seconds: writer %.2f user + %.2f system, workers %.2f user + "
               "%.2f system\n",
               (double)self.ru_utime.tv_sec + self.ru_utime.tv_usec / 1e6,
               (double)self.ru_stime.tv_sec + self.ru_stime.tv_usec / 1e6,
               (double)kids.ru_utime.tv_sec + kids.ru_utime.tv_usec / 1e6,
               (double)kids.ru_stime.tv_sec + kids.ru_stime.tv_usec / 1e6);
    }
    char *shown = tg_utf8_terminal(abs);
    printf("testigo-index: archive %s (log: %s/log/ingest.jsonl)\n", shown, shown);
    free(shown);
    int rc = n.interrupted ? 130 : n.errors ? 1 : 0;
    tg_ingest_counts_free(&n);
    free(abs);
    free(names_abs);
    return rc;
}
