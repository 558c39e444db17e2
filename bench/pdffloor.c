/* The floor under PDF indexing: what reading PDFs' text with poppler-glib
 * in process and indexing it with Testigo's terms costs, and nothing else a
 * run of testigo-index does for a PDF: no worker processes, no messages,
 * no copy into the store, no metadata, dates, names or identity numbers, no
 * language guess, no records, no ingest log, no syncs.
 *
 * For each PDF: its bytes are read and hashed (the unique term, as Testigo
 * names a content by its SHA-256), poppler opens the file as
 * indexer/worker/extract_pdf.c does (poppler_document_new_from_file) and
 * gives the text of each page (poppler_page_get_text), pages joined by a
 * form feed; every word goes in folded with its position, plus its stem
 * (lib's tg_index_text, as bench/floor.c does for text files); the path is
 * the data record.  Commits every 250 documents, as testigo-index does.
 *
 * bench/bench.py runs it beside testigo-index and pdftotext on the PDF set
 * with one process per core, each writing its own database (a shard): no
 * design that extracts with poppler and indexes into Xapian on this machine
 * can do the same work in less time.  A PDF poppler cannot open is counted
 * and skipped; the exit status is then still 0 (testigo-index indexes such a
 * file without text).
 *
 * This is a benchmark tool, not part of Testigo: it is the second file that
 * includes poppler and GLib, and scripts/check-includes.sh says so.
 *
 * usage: pdffloor OUT SHARDS < LIST
 *   LIST   one path per line
 *   OUT    a folder to create; shard k is OUT/k
 *   SHARDS processes, each indexing every SHARDS-th file into its own shard */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <poppler.h>
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

#define MAX_FILE (256u << 20) /* bytes of one PDF read for its hash */
#define MAX_TEXT (16u << 20)  /* text kept per document, as --max-text */
#define BATCH    250

/* Reads the whole file at path into *buf (grown as needed, up to
 * MAX_FILE).  Returns its length, or -1 with errno set. */
static ssize_t read_file(const char *path, char **buf, size_t *cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat sb;
    int e = fstat(fd, &sb) ? errno : (unsigned long long)sb.st_size > MAX_FILE ? EFBIG : 0;
    if (e) {
        close(fd);
        errno = e;
        return -1;
    }
    size_t want = (size_t)sb.st_size + 1;
    if (want > *cap) {
        *buf = tg_xrealloc(*buf, want);
        *cap = want;
    }
    ssize_t len = tg_read_full(fd, *buf, *cap);
    close(fd);
    return len;
}

/* Appends the text of every page of the PDF at path to text (capped at
 * MAX_TEXT, pages separated by '\f').  Returns 0, or -1 if poppler cannot
 * open it. */
static int pdf_text(const char *path, tg_buf_t *text)
{
    GError *gerr = NULL;
    gchar *uri = g_filename_to_uri(path, NULL, &gerr);
    if (!uri) {
        g_clear_error(&gerr);
        return -1;
    }
    PopplerDocument *doc = poppler_document_new_from_file(uri, NULL, &gerr);
    g_free(uri);
    if (!doc) {
        g_clear_error(&gerr);
        return -1;
    }
    int n = poppler_document_get_n_pages(doc);
    for (int i = 0; i < n && text->len < MAX_TEXT; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        if (!page)
            continue;
        gchar *t = poppler_page_get_text(page);
        g_object_unref(page);
        if (!t)
            continue;
        if (i == 0 || !tg_buf_addc(text, '\f')) {
            size_t len = strlen(t);
            if (len > text->max - text->len)
                len = text->max - text->len;
            tg_buf_add(text, t, len);
        }
        g_free(t);
    }
    /* the first document is kept open: poppler frees its global parameters
     * (poppler-data's encodings and maps) when the last document closes and
     * builds them again at the next open, about 4M instructions a PDF;
     * testigo-index keeps them the same way (extract_pdf.c) */
    static PopplerDocument *params_keeper;
    if (!params_keeper)
        params_keeper = doc;
    else
        g_object_unref(doc);
    return 0;
}

/* Indexes paths[k], paths[k + n], ... into OUT/k.  Returns an exit status. */
static int shard(const char *out, unsigned k, unsigned n, char **paths, size_t npaths)
{
    char dir[4096], err[512];
    snprintf(dir, sizeof dir, "%s/%u", out, k);
    tg_db_t *db;
    if (tg_db_open(dir, TG_DB_WRITE, &db, err, sizeof err)) {
        fprintf(stderr, "pdffloor: %s: %s\n", dir, err);
        return 1;
    }
    tg_stemmers_t *st = tg_stemmers_new();
    char *bytes = NULL;
    size_t cap = 0;
    tg_buf_t q, text;
    tg_buf_init(&q, 128);
    tg_buf_init(&text, MAX_TEXT);
    unsigned pending = 0, unreadable = 0;
    int rc = 0;
    for (size_t i = k; i < npaths; i += n) {
        ssize_t len = read_file(paths[i], &bytes, &cap);
        if (len < 0) {
            fprintf(stderr, "pdffloor: %s: %s\n", paths[i], strerror(errno));
            continue;
        }
        char sha[TG_SHA256_HEX_LEN + 1];
        tg_sha256_hex(bytes, (size_t)len, sha);
        tg_buf_reset(&text);
        if (pdf_text(paths[i], &text))
            unreadable++;
        tg_doc_t *doc = tg_doc_new();
        tg_buf_reset(&q);
        tg_id_term(&q, sha);
        tg_doc_add_term(doc, q.data, q.len, 0);
        unsigned pos = 0;
        tg_index_text(doc, st, "es", "", tg_buf_str(&text), text.len, &pos, 0);
        tg_doc_set_data(doc, paths[i], strlen(paths[i]));
        tg_status_t s = tg_db_replace(db, q.data, doc, NULL);
        tg_doc_free(doc);
        if (!s && ++pending == BATCH) {
            s = tg_db_commit(db);
            pending = 0;
        }
        if (s) {
            fprintf(stderr, "pdffloor: %s: %s\n", dir, tg_db_error(db));
            rc = 1;
            break;
        }
    }
    if (!rc && tg_db_commit(db)) {
        fprintf(stderr, "pdffloor: %s: %s\n", dir, tg_db_error(db));
        rc = 1;
    }
    if (unreadable)
        fprintf(stderr, "pdffloor: shard %u: %u PDFs poppler could not open\n", k, unreadable);
    tg_buf_free(&text);
    tg_buf_free(&q);
    free(bytes);
    tg_stemmers_free(st);
    tg_db_close(db);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 3 || atoi(argv[2]) < 1) {
        fprintf(stderr, "usage: pdffloor OUT SHARDS < LIST\n");
        return 2;
    }
    const char *out = argv[1];
    unsigned n = (unsigned)atoi(argv[2]);
    if (mkdir(out, 0777) && errno != EEXIST) {
        fprintf(stderr, "pdffloor: %s: %s\n", out, strerror(errno));
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

    /* poppler is first touched in the children, after fork: no GLib state
     * is shared between the shards */
    int rc = 0;
    for (unsigned k = 0; k < n; k++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(shard(out, k, n, paths, npaths));
        if (pid < 0) {
            perror("pdffloor: fork");
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
