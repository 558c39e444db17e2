/* Unit tests: the archive store (lib/index/store.c) and the worker message
 * framing (indexer/proto.c). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "hash.h"
#include "proto.h"
#include "store.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/tg-store-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'; rm -rf '%s'", dir, dir);
    return system(cmd);
}

static int fd_of(const char *content)
{
    char path[] = "/tmp/tg-in-XXXXXX";
    int fd = mkstemp(path);
    unlink(path);
    ssize_t w = write(fd, content, strlen(content));
    assert_int_equal(w, (ssize_t)strlen(content));
    lseek(fd, 0, SEEK_SET);
    return fd;
}

/* Copies content into the store as a file given to the indexer would be;
 * sha receives its digest. */
static void add_text(tg_store_t *s, const char *content, char sha[65])
{
    char err[256];
    uint64_t size;
    int fd = fd_of(content);
    assert_int_equal(tg_store_add_fd(s, fd, 1 << 20, sha, &size, NULL, 0, NULL, err, sizeof err),
                     TG_OK);
    close(fd);
}

static void layout_and_content_addressing(void **state)
{
    (void)state;
    char archive[300], err[256];
    snprintf(archive, sizeof archive, "%s/a", dir);
    tg_store_t *s;
    assert_int_equal(tg_store_open(archive, 1, &s, err, sizeof err), TG_OK);
    int fd = fd_of("testimonio");
    char sha[65], sha2[65], head[4];
    size_t head_len = 0;
    uint64_t size;
    assert_int_equal(tg_store_add_fd(s, fd, 1 << 20, sha, &size, NULL, 0, NULL, err, sizeof err),
                     TG_OK);
    close(fd);
    assert_int_equal(size, 10);
    char want[65];
    tg_sha256_hex("testimonio", 10, want);
    assert_string_equal(sha, want);
    assert_true(tg_store_has(s, sha));
    /* the original is read-only and sits at store/ab/SHA */
    char *p = tg_store_path(s, sha);
    struct stat sb;
    assert_int_equal(stat(p, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0444);
    assert_non_null(strstr(p, "/store/"));
    free(p);
    /* the same content again: same name, nothing new */
    fd = fd_of("testimonio");
    assert_int_equal(
        tg_store_add_fd(s, fd, 1 << 20, sha2, &size, head, sizeof head, &head_len, err, sizeof err),
        TG_OK);
    close(fd);
    assert_string_equal(sha, sha2);
    /* the first bytes were handed back while copying */
    assert_int_equal(head_len, 4);
    assert_memory_equal(head, "test", 4);
    /* over the cap: refused, nothing stored, tmp/ left empty */
    fd = fd_of("0123456789abcdef");
    assert_int_equal(tg_store_add_fd(s, fd, 8, sha2, &size, NULL, 0, NULL, err, sizeof err),
                     TG_ERR_LIMIT);
    close(fd);
    char tmp[700];
    snprintf(tmp, sizeof tmp, "rmdir '%s/tmp' 2>/dev/null && mkdir '%s/tmp'", archive, archive);
    assert_int_equal(system(tmp), 0);
    /* text */
    assert_int_equal(tg_store_put_text(s, sha, "hola\fmundo", 10), TG_OK);
    tg_buf_t b;
    tg_buf_init(&b, 1024);
    assert_int_equal(tg_store_get_text(s, sha, &b), TG_OK);
    assert_string_equal(tg_buf_str(&b), "hola\fmundo");
    tg_buf_free(&b);
    tg_buf_init(&b, 1024);
    assert_int_equal(tg_store_get_text(s, want + 1, &b), TG_ERR_NOTFOUND);
    tg_buf_free(&b);
    assert_int_equal(tg_store_sync(s), TG_OK);
    tg_store_close(s);

    /* reopening without create works; a plain folder is not an archive */
    assert_int_equal(tg_store_open(archive, 0, &s, err, sizeof err), TG_OK);
    tg_store_close(s);
    assert_int_equal(tg_store_open(dir, 0, &s, err, sizeof err), TG_ERR_NOTFOUND);
}

/* A name already in the store is replaced, not kept: it may hold a copy
 * that was never synced (a power cut before the commit that would have
 * named it), here damaged by hand; nothing is left under tmp/. */
static void replaces_what_is_there(void **state)
{
    (void)state;
    char archive[300], err[256], cmd[800];
    snprintf(archive, sizeof archive, "%s/a", dir);
    tg_store_t *s;
    assert_int_equal(tg_store_open(archive, 1, &s, err, sizeof err), TG_OK);
    int fd = fd_of("declaración");
    char sha[65];
    uint64_t size;
    assert_int_equal(tg_store_add_fd(s, fd, 1 << 20, sha, &size, NULL, 0, NULL, err, sizeof err),
                     TG_OK);
    char *p = tg_store_path(s, sha);
    snprintf(cmd, sizeof cmd, "chmod u+w '%s' && printf '' >'%s'", p, p);
    assert_int_equal(system(cmd), 0);
    lseek(fd, 0, SEEK_SET);
    assert_int_equal(tg_store_add_fd(s, fd, 1 << 20, sha, &size, NULL, 0, NULL, err, sizeof err),
                     TG_OK);
    close(fd);
    tg_buf_t b;
    tg_buf_init(&b, 1024);
    assert_int_equal(tg_store_get_original(s, sha, &b), TG_OK);
    assert_int_equal(b.len, strlen("declaración"));
    assert_memory_equal(b.data, "declaración", b.len);
    tg_buf_free(&b);
    struct stat sb;
    assert_int_equal(stat(p, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0444);
    free(p);
    /* a text written again replaces the first */
    assert_int_equal(tg_store_put_text(s, sha, "primera", 7), TG_OK);
    assert_int_equal(tg_store_put_text(s, sha, "segunda", 7), TG_OK);
    tg_buf_init(&b, 1024);
    assert_int_equal(tg_store_get_text(s, sha, &b), TG_OK);
    assert_string_equal(tg_buf_str(&b), "segunda");
    tg_buf_free(&b);
    snprintf(cmd, sizeof cmd, "rmdir '%s/tmp' && mkdir '%s/tmp'", archive, archive);
    assert_int_equal(system(cmd), 0);
    tg_store_close(s);
}

static void refuses_foreign_folder(void **state)
{
    (void)state;
    char other[300], f[320], err[256];
    snprintf(other, sizeof other, "%s/photos", dir);
    mkdir(other, 0700);
    snprintf(f, sizeof f, "%s/family.jpg", other);
    FILE *fp = fopen(f, "w");
    fputs("x", fp);
    fclose(fp);
    tg_store_t *s;
    assert_int_equal(tg_store_open(other, 1, &s, err, sizeof err), TG_ERR_INVALID);
    assert_null(s);
    assert_non_null(strstr(err, "refusing"));
}

static void proto_roundtrip_and_damage(void **state)
{
    (void)state;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    json_t *h = json_pack("{s:s, s:i}", "type", "doc", "id", 7);
    assert_int_equal(tg_msg_send(sv[0], h, "payload", 7), TG_OK);
    json_decref(h);
    json_t *got;
    char *p;
    size_t len;
    assert_int_equal(tg_msg_recv(sv[1], 100, &got, &p, &len), TG_OK);
    assert_string_equal(json_string_value(json_object_get(got, "type")), "doc");
    assert_int_equal(len, 7);
    assert_memory_equal(p, "payload", 7);
    json_decref(got);
    free(p);

    /* payload over the receiver's cap */
    h = json_pack("{s:s}", "type", "doc");
    assert_int_equal(tg_msg_send(sv[0], h, "0123456789", 10), TG_OK);
    json_decref(h);
    assert_int_equal(tg_msg_recv(sv[1], 5, &got, &p, &len), TG_ERR_LIMIT);
    close(sv[0]);
    close(sv[1]);

    /* garbage instead of a frame, then EOF */
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    ssize_t w = write(sv[0], "NOPE........", 12);
    assert_int_equal(w, 12);
    assert_int_equal(tg_msg_recv(sv[1], 100, &got, &p, &len), TG_ERR_FORMAT);
    close(sv[0]);
    assert_int_equal(tg_msg_recv(sv[1], 100, &got, &p, &len), TG_ERR_IO);
    close(sv[1]);
}

/* tg_store_sync syncs the named contents' files (missing text or OCR files
 * are nothing to sync) and forgets them; a failure keeps them for the next
 * call.  Which system calls it makes, and their order against the index
 * commit, is checked under strace by tests/integration/37-durable-sync.sh. */
static void sync_named_contents(void **state)
{
    (void)state;
    char archive[300], err[256], sha[65];
    snprintf(archive, sizeof archive, "%s/a", dir);
    tg_store_t *s;
    assert_int_equal(tg_store_open(archive, 1, &s, err, sizeof err), TG_OK);
    assert_int_equal(tg_store_sync(s), TG_OK); /* nothing named */
    uint64_t size;
    int fd = fd_of("declaración");
    assert_int_equal(tg_store_add_fd(s, fd, 1 << 20, sha, &size, NULL, 0, NULL, err, sizeof err),
                     TG_OK);
    close(fd);
    assert_int_equal(tg_store_put_text(s, sha, "declaración", 12), TG_OK);
    tg_store_note(s, sha);
    tg_store_note(s, sha);
    tg_store_note(s, "not a digest");
    assert_int_equal(tg_store_noted(s), 1);
    /* named but never written: its files do not exist */
    char absent[65];
    memset(absent, 'e', 64);
    absent[64] = '\0';
    tg_store_note(s, absent);
    assert_int_equal(tg_store_noted(s), 2);
    assert_int_equal(tg_store_sync(s), TG_OK);
    assert_int_equal(tg_store_noted(s), 0);

    /* a path that cannot be opened for a reason other than absence: the
     * sync fails and the contents stay named */
    char bad[65], p[400];
    memset(bad, 'f', 64);
    bad[64] = '\0';
    snprintf(p, sizeof p, "%s/store/ff", archive);
    FILE *f = fopen(p, "w"); /* a file where the folder ff/ would be */
    assert_non_null(f);
    fclose(f);
    tg_store_note(s, bad);
    tg_store_note(s, sha);
    assert_int_equal(tg_store_sync(s), TG_ERR_IO);
    assert_int_equal(tg_store_noted(s), 2);
    unlink(p);
    assert_int_equal(tg_store_sync(s), TG_OK);
    assert_int_equal(tg_store_noted(s), 0);

    /* the list is capped: a full list is synced at once... */
    char many[65];
    size_t k;
    for (k = 0; k <= 16384; k++) {
        snprintf(many, sizeof many, "%064zx", k);
        tg_store_note(s, many);
    }
    assert_int_equal(tg_store_noted(s), 1);
    assert_int_equal(tg_store_sync(s), TG_OK);
    /* ...and when that fails, every later sync fails: nothing named is
     * silently dropped */
    f = fopen(p, "w");
    assert_non_null(f);
    fclose(f);
    tg_store_note(s, bad);
    for (k = 1; k <= 16384; k++) {
        snprintf(many, sizeof many, "%064zx", k);
        tg_store_note(s, many);
    }
    assert_int_equal(tg_store_noted(s), 1);
    unlink(p);
    assert_int_equal(tg_store_sync(s), TG_ERR_IO);
    assert_int_equal(tg_store_sync(s), TG_ERR_IO);
    tg_store_close(s);
}

/* With sync ahead, chunks of named contents are synced in the background
 * while more are named; tg_store_sync waits for them and does the rest.
 * A background failure cannot be retried: every later sync fails. */
static void sync_ahead_in_background(void **state)
{
    (void)state;
    char archive[300], err[256], sha[65], text[64];
    snprintf(archive, sizeof archive, "%s/a", dir);
    tg_store_t *s;
    assert_int_equal(tg_store_open(archive, 1, &s, err, sizeof err), TG_OK);
    tg_store_sync_ahead(s, 1);
    for (int i = 0; i < 300; i++) {
        snprintf(text, sizeof text, "declaración número %d", i);
        add_text(s, text, sha);
        tg_store_note(s, sha); /* hashed */
        assert_int_equal(tg_store_put_text(s, sha, text, strlen(text)), TG_OK);
        tg_store_note(s, sha); /* its document, after its text */
    }
    assert_true(tg_store_noted(s) >= 300);
    assert_int_equal(tg_store_sync(s), TG_OK);
    assert_int_equal(tg_store_noted(s), 0);
    assert_int_equal(tg_store_sync(s), TG_OK);

    /* the first chunk after a sync goes to the background: one that fails
     * there fails this sync and every later one, even once mended */
    char bad[65], many[65], p[400];
    struct stat sb;
    unsigned ab;
    for (ab = 0xff; ab > 0; ab--) { /* a folder the contents above did not make */
        snprintf(p, sizeof p, "%s/store/%02x", archive, ab);
        if (stat(p, &sb) != 0)
            break;
    }
    snprintf(bad, sizeof bad, "%02x%062x", ab, 0);
    FILE *f = fopen(p, "w"); /* a file where the folder ab/ would be */
    assert_non_null(f);
    fclose(f);
    tg_store_note(s, bad);
    for (size_t k = 0; k < 200; k++) {
        snprintf(many, sizeof many, "%064zx", k);
        tg_store_note(s, many);
    }
    assert_int_equal(tg_store_noted(s), 201);
    assert_int_equal(tg_store_sync(s), TG_ERR_IO);
    unlink(p);
    assert_int_equal(tg_store_sync(s), TG_ERR_IO);
    tg_store_close(s);
}

/* A sync right after a whole chunk went to the background: nothing is left
 * named in this thread (the list it then holds was never allocated), only
 * the folders to sync.  UndefinedBehaviorSanitizer stopped this once, when
 * the empty list was handed to qsort (CI, 76-pdf-ahead). */
static void sync_right_after_a_chunk(void **state)
{
    (void)state;
    char archive[300], err[256], sha[65], text[64];
    snprintf(archive, sizeof archive, "%s/a", dir);
    tg_store_t *s;
    assert_int_equal(tg_store_open(archive, 1, &s, err, sizeof err), TG_OK);
    tg_store_sync_ahead(s, 1);
    for (int i = 0; i < 64; i++) { /* SYNC_CHUNK: the 64th note hands them off */
        snprintf(text, sizeof text, "constancia %d", i);
        add_text(s, text, sha);
        tg_store_note(s, sha);
    }
    assert_int_equal(tg_store_noted(s), 64);
    assert_int_equal(tg_store_sync(s), TG_OK);
    assert_int_equal(tg_store_noted(s), 0);
    tg_store_close(s);
}

/* A run that fails closes its store without a last sync, maybe while the
 * background syncer is inside a chunk: it must finish that chunk before
 * the store's paths are freed (AddressSanitizer sees it otherwise). */
static void close_with_a_chunk_in_flight(void **state)
{
    (void)state;
    char archive[300], err[256], sha[65], text[64];
    snprintf(archive, sizeof archive, "%s/a", dir);
    for (int round = 0; round < 5; round++) {
        tg_store_t *s;
        assert_int_equal(tg_store_open(archive, 1, &s, err, sizeof err), TG_OK);
        tg_store_sync_ahead(s, 1);
        for (int i = 0; i < 130; i++) {
            snprintf(text, sizeof text, "acta %d de la ronda %d", i, round);
            add_text(s, text, sha);
            tg_store_note(s, sha);
        }
        tg_store_close(s); /* no tg_store_sync: as after a fatal error */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(layout_and_content_addressing, setup, teardown),
        cmocka_unit_test_setup_teardown(replaces_what_is_there, setup, teardown),
        cmocka_unit_test_setup_teardown(refuses_foreign_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(sync_named_contents, setup, teardown),
        cmocka_unit_test_setup_teardown(sync_ahead_in_background, setup, teardown),
        cmocka_unit_test_setup_teardown(close_with_a_chunk_in_flight, setup, teardown),
        cmocka_unit_test_setup_teardown(sync_right_after_a_chunk, setup, teardown),
        cmocka_unit_test(proto_roundtrip_and_damage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
