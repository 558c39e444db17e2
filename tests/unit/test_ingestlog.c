/* Unit tests: the tamper-evident ingest log (lib/index/ingestlog.c): the chain
 * across runs, and what verification says about an edited, deleted,
 * inserted or truncated line. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ingestlog.h"

static char dir[64], path[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/tg-log-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/ingest.jsonl", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return rmdir(dir);
}

/* Writes n events in one run; returns the recorded head and length. */
static void run(int n, char head[65], uint64_t *bytes)
{
    tg_ingestlog_t *log;
    char err[256];
    assert_int_equal(tg_ingestlog_open(path, &log, err, sizeof err), TG_OK);
    for (int i = 0; i < n; i++) {
        json_t *ev = json_pack("{s:s, s:s}", "event", "added", "location", "/a/\"b\"\n.txt");
        tg_ingestlog_add(log, ev);
        json_decref(ev);
    }
    tg_ingestlog_head(log, head, bytes);
    assert_int_equal(tg_ingestlog_flush(log), TG_OK);
    tg_ingestlog_close(log);
}

static char *slurp(size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 20);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    buf[*len] = '\0';
    return buf;
}

static void spit(const char *s, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(s, 1, len, f), len);
    fclose(f);
}

/* Start of line n (1-based) in s. */
static char *line_at(char *s, int n)
{
    while (--n > 0)
        s = strchr(s, '\n') + 1;
    return s;
}

static tg_logcheck_t verify(const char *head, uint64_t bytes)
{
    tg_logcheck_t c;
    char err[256];
    assert_int_equal(tg_ingestlog_verify(path, head, bytes, &c, err, sizeof err), TG_OK);
    return c;
}

static void chain_across_runs(void **state)
{
    (void)state;
    char head[65];
    uint64_t bytes;
    run(3, head, &bytes);
    run(2, head, &bytes);
    tg_logcheck_t c = verify(head, bytes);
    assert_int_equal(c.lines, 5);
    assert_int_equal(c.broken_line, 0);
    assert_int_equal(c.unchained, 0);
    /* the open log agrees with what was recorded */
    tg_ingestlog_t *log;
    char err[256];
    assert_int_equal(tg_ingestlog_open(path, &log, err, sizeof err), TG_OK);
    assert_int_equal(tg_ingestlog_check_head(log, head, bytes, err, sizeof err), TG_OK);
    tg_ingestlog_close(log);
}

static void edited_line_breaks_the_next(void **state)
{
    (void)state;
    char head[65];
    uint64_t bytes;
    run(4, head, &bytes);
    size_t len;
    char *s = slurp(&len);
    char *l2 = line_at(s, 2);
    char *a = strstr(l2, "added");
    memcpy(a, "error", 5); /* same length: only the chain can tell */
    spit(s, len);
    tg_logcheck_t c = verify(head, bytes);
    assert_int_equal(c.broken_line, 3);
    assert_non_null(strstr(c.reason, "line 2 was altered"));
    free(s);
}

static void deleted_lines_are_found(void **state)
{
    (void)state;
    char head[65];
    uint64_t bytes;
    run(4, head, &bytes);
    size_t len;
    char *s = slurp(&len);
    /* delete line 2 */
    char *l2 = line_at(s, 2), *l3 = line_at(s, 3);
    memmove(l2, l3, len - (size_t)(l3 - s) + 1);
    spit(s, strlen(s));
    tg_logcheck_t c = verify(head, bytes);
    assert_int_equal(c.broken_line, 2);
    free(s);

    /* delete the first line */
    unlink(path);
    run(3, head, &bytes);
    s = slurp(&len);
    l2 = line_at(s, 2);
    spit(l2, strlen(l2));
    c = verify(head, bytes);
    assert_int_equal(c.broken_line, 1);
    assert_non_null(strstr(c.reason, "start"));
    free(s);

    /* delete the last line: only the recorded head can tell */
    unlink(path);
    run(3, head, &bytes);
    s = slurp(&len);
    char *l3b = line_at(s, 3);
    spit(s, (size_t)(l3b - s));
    c = verify(NULL, 0);
    assert_int_equal(c.broken_line, 0);
    c = verify(head, bytes);
    assert_int_equal(c.broken_line, 3);
    assert_non_null(strstr(c.reason, "last lines were removed"));
    tg_ingestlog_t *log;
    char err[256];
    assert_int_equal(tg_ingestlog_open(path, &log, err, sizeof err), TG_OK);
    assert_int_equal(tg_ingestlog_check_head(log, head, bytes, err, sizeof err), TG_ERR_CORRUPT);
    tg_ingestlog_close(log);
    free(s);

    /* the whole log deleted */
    unlink(path);
    c = verify(head, bytes);
    assert_int_equal(c.broken_line, 1);
}

static void older_lines_and_damage(void **state)
{
    (void)state;
    unlink(path);
    /* a log from before the chain: accepted at the start, counted */
    static const char old[] = "{\"event\":\"added\"}\n{\"event\":\"skipped\"}\n";
    spit(old, sizeof old - 1);
    char head[65];
    uint64_t bytes;
    run(2, head, &bytes);
    tg_logcheck_t c = verify(head, bytes);
    assert_int_equal(c.broken_line, 0);
    assert_int_equal(c.unchained, 2);
    assert_int_equal(c.lines, 4);

    /* a line cut short by a crash: the next run starts a new line after it,
     * and verification names the damaged line */
    unlink(path);
    run(2, head, &bytes);
    size_t len;
    char *s = slurp(&len);
    spit(s, len - 10);
    run(1, head, &bytes);
    c = verify(head, bytes);
    assert_int_equal(c.broken_line, 2);
    free(s);

    /* an unchained line after the chain began */
    unlink(path);
    run(2, head, &bytes);
    FILE *f = fopen(path, "ab");
    fputs("{\"event\":\"added\"}\n", f);
    fclose(f);
    c = verify(NULL, 0);
    assert_int_equal(c.broken_line, 3);
}

/* A commit's events are flushed while the next batch's wait (writing
 * behind): the file then holds exactly the first ones, the head recorded
 * for them checks, and the rest follow with the chain unbroken. */
static void flushed_to_a_mark(void **state)
{
    (void)state;
    tg_ingestlog_t *log;
    char err[256], head[65];
    uint64_t bytes;
    assert_int_equal(tg_ingestlog_open(path, &log, err, sizeof err), TG_OK);
    for (int i = 0; i < 3; i++) {
        json_t *ev = json_pack("{s:s, s:i}", "event", "added", "n", i);
        tg_ingestlog_add(log, ev);
        json_decref(ev);
    }
    tg_ingestlog_head(log, head, &bytes); /* what the commit records */
    size_t mark = tg_ingestlog_queued(log);
    json_t *ev = json_pack("{s:s, s:i}", "event", "added", "n", 3); /* the next batch */
    tg_ingestlog_add(log, ev);
    json_decref(ev);
    assert_int_equal(tg_ingestlog_flush_to(log, mark), TG_OK);
    size_t len;
    char *s = slurp(&len);
    assert_int_equal(len, bytes);
    assert_null(strstr(s, "\"n\":3"));
    free(s);
    tg_logcheck_t c = verify(head, bytes);
    assert_int_equal(c.lines, 3);
    assert_int_equal(c.broken_line, 0);
    assert_true(tg_ingestlog_queued(log) > 0);
    tg_ingestlog_head(log, head, &bytes);
    assert_int_equal(tg_ingestlog_flush(log), TG_OK);
    assert_int_equal(tg_ingestlog_queued(log), 0);
    tg_ingestlog_close(log);
    c = verify(head, bytes);
    assert_int_equal(c.lines, 4);
    assert_int_equal(c.broken_line, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(chain_across_runs, setup, teardown),
        cmocka_unit_test_setup_teardown(edited_line_breaks_the_next, setup, teardown),
        cmocka_unit_test_setup_teardown(deleted_lines_are_found, setup, teardown),
        cmocka_unit_test_setup_teardown(older_lines_and_damage, setup, teardown),
        cmocka_unit_test_setup_teardown(flushed_to_a_mark, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
