/* testigo-web: serves a Testigo archive to browsers.
 *
 * Reads the options, checks that the archive can be opened, starts the
 * server (server.c) and prints the address it listens on, then waits for
 * SIGINT or SIGTERM and stops cleanly.  Binds to 127.0.0.1 unless told
 * otherwise: the archive may hold material that endangers people, and a
 * wider address is a decision the user has to make.  Never opens an
 * outgoing connection.
 *
 * Exit status: 0 after a clean stop, 2 on usage errors or when the archive
 * or the address cannot be used. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "search.h"
#include "server.h"
#include "util.h"
#include "pages.h"
#include "web.h"

#ifndef TG_VERSION
#define TG_VERSION "0.1"
#endif

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: testigo-web [OPTION]...\n"
            "Serve a Testigo archive to web browsers.\n"
            "\n"
            "  -a, --archive DIR        archive folder (default: $TESTIGO_ARCHIVE, else "
            "./archive)\n"
            "  -l, --listen ADDR:PORT   address to listen on (default 127.0.0.1:8080);\n"
            "                           PORT alone means 127.0.0.1:PORT, port 0 any free port,\n"
            "                           [::1]:PORT for IPv6\n"
            "      --threads N          worker threads (default: the number of CPUs, at most 8)\n"
            "      --max-connections N  open connections at most (default 256)\n"
            "      --max-per-address N  open connections from one address at most (default 32;\n"
            "                           IPv6: one /64)\n"
            "      --header-timeout S   seconds a request head may take to arrive, from the\n"
            "                           connection on, however it trickles (default 10)\n"
            "      --time-limit S       seconds one search may take (default 2)\n"
            "      --search-slots N     costly searches (a wildcard) run at once, on threads of\n"
            "                           their own (default: half the threads, at least 1)\n"
            "      --search-queue N     costly searches waiting at most, each at most\n"
            "      --search-wait S      S seconds (defaults 16 per slot, 1 s); past either: 503\n"
            "      --renderer PATH      the page renderer (default: testigo-index beside\n"
            "                           this program), half the threads of them at most\n"
            "      --page-cache MB      page images kept in the archive (default 1024; 0: no\n"
            "                           bound); least recently used go first\n"
            "      --no-page-images     no page images, page view, thumbnails\n"
            "      --no-thumbnails      no thumbnails in the results\n"
            "      --render-timeout S   seconds one page may take to render (default 30)\n"
            "      --access-log         print one line per request on stderr (no query text)\n"
            "  -h, --help               show this help\n"
            "      --version            show the version\n"
            "\n"
            "Prints \"testigo-web: listening on URL\" once it accepts connections; stops\n"
            "on SIGINT (Ctrl-C) or SIGTERM.\n");
}

static int bad_value(const char *opt, const char *v)
{
    fprintf(stderr, "testigo-web: invalid value for %s: '%s'\n", opt, v);
    return 2;
}

/* Parses ADDR:PORT, [V6]:PORT, :PORT or PORT (numeric addresses only, and
 * "localhost"; nothing is ever looked up).  Returns 0 on success. */
static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
    char host[INET6_ADDRSTRLEN + 2] = "127.0.0.1";
    const char *port;
    memset(ss, 0, sizeof *ss);
    if (s[0] == '[') {
        const char *end = strchr(s, ']');
        if (!end || end[1] != ':' || (size_t)(end - s - 1) >= sizeof host)
            return -1;
        memcpy(host, s + 1, (size_t)(end - s - 1));
        host[end - s - 1] = '\0';
        port = end + 2;
    } else if (strchr(s, ':')) {
        const char *colon = strrchr(s, ':');
        if ((size_t)(colon - s) >= sizeof host)
            return -1;
        if (colon > s) {
            memcpy(host, s, (size_t)(colon - s));
            host[colon - s] = '\0';
        }
        port = colon + 1;
    } else {
        port = s;
    }
    long p;
    if (tg_parse_long(port, 0, 65535, &p))
        return -1;
    if (!strcmp(host, "localhost"))
        strcpy(host, "127.0.0.1");
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)p);
        *len = sizeof *a4;
        return 0;
    }
    memset(ss, 0, sizeof *ss);
    if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)p);
        *len = sizeof *a6;
        return 0;
    }
    return -1;
}

static int is_loopback(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
    return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)ss)->sin6_addr);
}

int main(int argc, char **argv)
{
    enum {
        OPT_THREADS = 256,
        OPT_MAXCONN,
        OPT_PERADDR,
        OPT_HEADTIME,
        OPT_TIME,
        OPT_SLOTS,
        OPT_QUEUE,
        OPT_WAIT,
        OPT_LOG,
        OPT_VERSION,
        OPT_RENDERER,
        OPT_PAGECACHE,
        OPT_NOPAGES,
        OPT_NOTHUMBS,
        OPT_RENDERTIME
    };
    static const struct option opts[] = {
        {"archive", required_argument, NULL, 'a'},
        {"listen", required_argument, NULL, 'l'},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"max-connections", required_argument, NULL, OPT_MAXCONN},
        {"max-per-address", required_argument, NULL, OPT_PERADDR},
        {"header-timeout", required_argument, NULL, OPT_HEADTIME},
        {"time-limit", required_argument, NULL, OPT_TIME},
        {"search-slots", required_argument, NULL, OPT_SLOTS},
        {"search-queue", required_argument, NULL, OPT_QUEUE},
        {"search-wait", required_argument, NULL, OPT_WAIT},
        {"access-log", no_argument, NULL, OPT_LOG},
        {"renderer", required_argument, NULL, OPT_RENDERER},
        {"page-cache", required_argument, NULL, OPT_PAGECACHE},
        {"no-page-images", no_argument, NULL, OPT_NOPAGES},
        {"no-thumbnails", no_argument, NULL, OPT_NOTHUMBS},
        {"render-timeout", required_argument, NULL, OPT_RENDERTIME},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    web_config_t cfg = {
        .archive = getenv("TESTIGO_ARCHIVE"),
        .time_limit = 2.0,
        .max_connections = 256,
        .max_per_address = 32,
        .head_timeout = 10,
        .conn_timeout = 30,
        .search_wait = 1,
    };
    long slots = 0, queue = -1;
    if (!cfg.archive || !*cfg.archive)
        cfg.archive = "archive";
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    cfg.threads = cpus < 1 ? 1 : cpus > 8 ? 8 : (unsigned)cpus;
    const char *listen = "127.0.0.1:8080";
    int access_log = 0;
    /* page images: drawn by testigo-index beside this program (pages.h) */
    const char *renderer = NULL;
    long page_cache = 1024, render_timeout = 30;
    int page_images = 1;
    cfg.thumbnails = 1;
    long v;
    int c;
    while ((c = getopt_long(argc, argv, "a:l:h", opts, NULL)) != -1) {
        switch (c) {
        case 'a':
            cfg.archive = optarg;
            break;
        case 'l':
            listen = optarg;
            break;
        case OPT_THREADS:
            if (tg_parse_long(optarg, 1, 64, &v))
                return bad_value("--threads", optarg);
            cfg.threads = (unsigned)v;
            break;
        case OPT_MAXCONN:
            if (tg_parse_long(optarg, 1, 10000, &v))
                return bad_value("--max-connections", optarg);
            cfg.max_connections = (unsigned)v;
            break;
        case OPT_PERADDR:
            if (tg_parse_long(optarg, 1, 10000, &v))
                return bad_value("--max-per-address", optarg);
            cfg.max_per_address = (unsigned)v;
            break;
        case OPT_SLOTS:
            if (tg_parse_long(optarg, 1, 64, &slots))
                return bad_value("--search-slots", optarg);
            break;
        case OPT_QUEUE:
            if (tg_parse_long(optarg, 0, 10000, &queue))
                return bad_value("--search-queue", optarg);
            break;
        case OPT_TIME:
        case OPT_HEADTIME:
        case OPT_WAIT: {
            static const char *const names[] = {"--time-limit", "--header-timeout",
                                                "--search-wait"};
            int k = c == OPT_TIME ? 0 : c == OPT_HEADTIME ? 1 : 2;
            char *end;
            double t = strtod(optarg, &end);
            if (end == optarg || *end || !(t > 0 && t <= 600))
                return bad_value(names[k], optarg);
            *(k == 0 ? &cfg.time_limit : k == 1 ? &cfg.head_timeout : &cfg.search_wait) = t;
            break;
        }
        case OPT_LOG:
            access_log = 1;
            break;
        case OPT_RENDERER:
            renderer = optarg;
            break;
        case OPT_PAGECACHE:
            if (tg_parse_long(optarg, 0, 1L << 30, &page_cache))
                return bad_value("--page-cache", optarg);
            break;
        case OPT_NOPAGES:
            page_images = 0;
            break;
        case OPT_NOTHUMBS:
            cfg.thumbnails = 0;
            break;
        case OPT_RENDERTIME:
            if (tg_parse_long(optarg, 1, 600, &render_timeout))
                return bad_value("--render-timeout", optarg);
            break;
        case 'h':
            usage(stdout);
            return 0;
        case OPT_VERSION:
            printf("testigo-web %s\n", TG_VERSION);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    cfg.search_slots = slots ? (unsigned)slots : cfg.threads / 2 ? cfg.threads / 2 : 1;
    cfg.search_queue = queue >= 0 ? (unsigned)queue : 16 * cfg.search_slots;
    if (cfg.max_per_address > cfg.max_connections)
        cfg.max_per_address = cfg.max_connections;
    if (optind < argc) {
        fprintf(stderr, "testigo-web: unexpected argument '%s' (try --help)\n", argv[optind]);
        return 2;
    }
    struct sockaddr_storage ss;
    socklen_t sslen;
    if (parse_listen(listen, &ss, &sslen))
        return bad_value("--listen (ADDR:PORT, numeric)", listen);
    cfg.loopback_only_hosts = is_loopback(&ss);

    /* the archive must open now, not on the first request */
    char err[1024];
    tg_archive_t *a;
    if (tg_archive_open_public(cfg.archive, &a, err, sizeof err)) {
        fprintf(stderr, "testigo-web: %s\n", err);
        return 2;
    }
    tg_archive_close(a);
    char *beside = NULL;
    if (page_images) {
        if (!renderer) {
            char *self = realpath("/proc/self/exe", NULL);
            char *slash = self ? strrchr(self, '/') : NULL;
            if (slash)
                *slash = '\0';
            beside = tg_xasprintf("%s/testigo-index", self ? self : ".");
            free(self);
            renderer = beside;
        }
        tg_pages_opts_t po = {.archive = cfg.archive,
                              .renderer = renderer,
                              .timeout = (double)render_timeout,
                              .renderers = cfg.threads / 2 ? cfg.threads / 2 : 1,
                              .mem_mb = 1024,
                              .cache_max = (uint64_t)page_cache << 20};
        cfg.pages = tg_pages_new(&po);
    }

    /* the server's threads inherit this mask: only sigwait sees the signals */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    web_server_t *srv;
    unsigned port;
    if (web_server_start(&cfg, (const struct sockaddr *)&ss, sslen, access_log, &srv, &port, err,
                         sizeof err)) {
        fprintf(stderr, "testigo-web: %s\n", err);
        return 2;
    }
    if (!cfg.loopback_only_hosts)
        fprintf(stderr,
                "testigo-web: warning: listening beyond this computer (%s): anyone who "
                "can reach it can search and download the archive\n",
                cfg.base_url);
    printf("testigo-web: listening on %s/\n", cfg.base_url);
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    fprintf(stderr, "testigo-web: stopping (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    web_server_stop(srv);
    tg_pages_free(cfg.pages);
    free(beside);
    return 0;
}
