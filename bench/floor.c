/* The floor under small-file indexing: what Xapian itself costs to index a
 * set of text files with Testigo's terms (each word folded, with its
 * position, plus its stem; the unique term; a small data record), and
 * nothing else a run of testigo-index does for a file: no worker processes,
 * no copy into the store, no language guess, no dates, names or identity
 * numbers, no records, no ingest log, no syncs.
 *
 * bench/bench.py runs it beside testigo-index on the text set, once with one
 * process (one database, as testigo-index's one writer has) and once with
 * one process per core, each writing its own database (the most a sharded
 * design could gain).  The difference between testigo-index and the first
 * is what the rest of the pipeline costs; the second is a bound no design
 * over Xapian on this machine can beat.
 *
 * usage: floor OUT SHARDS < LIST
 *   LIST   one path per line (UTF-8 text files; up to 16 MB of each is read)
 *   OUT    a folder to create; shard k is OUT/k
 *   SHARDS processes, each indexing every SHARDS-th file into its own shard
 * Commits every 250 documents, as testigo-index does by default. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "hash.h"
#include "schema.h"
#include "util.h"
#include "xap.h"

#define MAX_TEXT (16u << 20)
#define BATCH    250

/* Indexes paths[k], paths[k + n], ... into OUT/k.  Returns an exit status. */
static int shard(const char *out, unsigned k, unsigned n, char **paths, size_t npaths)
{
    char dir[4096], err[512];
    snprintf(dir, sizeof dir, "%s/%u", out, k);
    tg_db_t *db;
    if (tg_db_open(dir, TG_DB_WRITE, &db, err, sizeof err)) {
        fprintf(stderr, "floor: %s: %s\n", dir, err);
        return 1;
    }
    tg_stemmers_t *st = tg_stemmers_new();
    char *text = tg_xmalloc(MAX_TEXT);
    tg_buf_t q;
    tg_buf_init(&q, 128);
    unsigned pending = 0;
    int rc = 0;
    for (size_t i = k; i < npaths; i += n) {
        int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
        ssize_t len = fd >= 0 ? tg_read_full(fd, text, MAX_TEXT) : -1;
        if (fd >= 0)
            close(fd);
        if (len < 0) {
            fprintf(stderr, "floor: %s: %s\n", paths[i], strerror(errno));
            continue;
        }
        char sha[TG_SHA256_HEX_LEN + 1];
        tg_sha256_hex(text, (size_t)len, sha);
        tg_doc_t *doc = tg_doc_new();
        tg_buf_reset(&q);
        tg_id_term(&q, sha);
        tg_doc_add_term(doc, q.data, q.len, 0);
        unsigned pos = 0;
        tg_index_text(doc, st, "es", "", text, (size_t)len, &pos, 0);
        tg_doc_set_data(doc, paths[i], strlen(paths[i]));
        tg_status_t s = tg_db_replace(db, q.data, doc, NULL);
        tg_doc_free(doc);
        if (!s && ++pending == BATCH) {
            s = tg_db_commit(db);
            pending = 0;
        }
        if (s) {
            fprintf(stderr, "floor: %s: %s\n", dir, tg_db_error(db));
            rc = 1;
            break;
        }
    }
    if (!rc && tg_db_commit(db)) {
        fprintf(stderr, "floor: %s: %s\n", dir, tg_db_error(db));
        rc = 1;
    }
    tg_buf_free(&q);
    free(text);
    tg_stemmers_free(st);
    tg_db_close(db);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 3 || atoi(argv[2]) < 1) {
        fprintf(stderr, "usage: floor OUT SHARDS < LIST\n");
        return 2;
    }
    const char *out = argv[1];
    unsigned n = (unsigned)atoi(argv[2]);
    if (mkdir(out, 0777) && errno != EEXIST) {
        fprintf(stderr, "floor: %s: %s\n", out, strerror(errno));
        return 1;
    }
    char **paths = NULL;
    size_t npaths = 0, cap = 0;
    char *line = NULL;
    size_t linecap = 0;
    ssize_t got;
    while ((got = getline(&line, &linecap, stdin)) > 0) {
        if (line[got - 1] == '\n')
            line[--got] = '\0';
        if (got == 0)
            continue;
        if (npaths == cap) {
            cap = cap ? 2 * cap : 1024;
            paths = tg_xrealloc(paths, cap * sizeof *paths);
        }
        paths[npaths++] = tg_xstrdup(line);
    }
    free(line);

    int rc = 0;
    for (unsigned k = 0; k < n; k++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(shard(out, k, n, paths, npaths));
        if (pid < 0) {
            perror("floor: fork");
            rc = 1;
        }
    }
    int status;
    while (wait(&status) > 0)
        if (!WIFEXITED(status) || WEXITSTATUS(status))
            rc = 1;
    for (size_t i = 0; i < npaths; i++)
        free(paths[i]);
    free(paths);
    return rc;
}
