/* Frames over a socketpair (see proto.h).  Reads and writes loop over
 * partial transfers and EINTR; nothing here allocates more than the caps. */
#define _POSIX_C_SOURCE 200809L
#include "proto.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "util.h"

int tg_kind_embeds(const char *kind)
{
    return kind && (!strcmp(kind, "email") || !strcmp(kind, "mbox"));
}

int tg_kind_ahead(const char *kind, uint64_t size)
{
    return kind && (!strcmp(kind, TG_KIND_TEXT) || !strcmp(kind, TG_KIND_PDF)) &&
           size <= TG_SPECULATE_MAX;
}

static const char magic[4] = {'T', 'G', 'M', '1'};

/* writev until every byte is written; advances through iov. */
static int writev_all(int fd, struct iovec *iov, int n)
{
    while (n > 0) {
        ssize_t w = writev(fd, iov, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        size_t left = (size_t)w;
        while (n > 0 && left >= iov->iov_len) {
            left -= iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + left;
            iov->iov_len -= left;
        }
    }
    return 0;
}

static int read_all(int fd, void *p, size_t n)
{
    char *c = p;
    while (n > 0) {
        ssize_t r = read(fd, c, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0)
            errno = 0;
        if (r <= 0)
            return -1;
        c += r;
        n -= (size_t)r;
    }
    return 0;
}

static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

tg_status_t tg_msg_send(int fd, const json_t *header, const void *payload, size_t len)
{
    char *h = json_dumps(header, JSON_COMPACT);
    if (!h)
        tg_oom();
    size_t hlen = strlen(h);
    if (hlen > TG_PROTO_MAX_HEADER || len > UINT32_MAX) {
        free(h);
        return TG_ERR_LIMIT;
    }
    unsigned char frame[12];
    memcpy(frame, magic, 4);
    put_u32(frame + 4, (uint32_t)hlen);
    put_u32(frame + 8, (uint32_t)len);
    /* one system call for the whole frame in the usual case */
    struct iovec iov[3] = {{frame, sizeof frame}, {h, hlen}, {(void *)payload, len}};
    int bad = writev_all(fd, iov, len ? 3 : 2);
    free(h);
    return bad ? TG_ERR_IO : TG_OK;
}

tg_status_t tg_msg_recv(int fd, size_t max_payload, json_t **header, char **payload, size_t *len)
{
    *header = NULL;
    *payload = NULL;
    *len = 0;
    unsigned char frame[12];
    if (read_all(fd, frame, sizeof frame))
        return TG_ERR_IO;
    if (memcmp(frame, magic, 4) != 0)
        return TG_ERR_FORMAT;
    uint32_t hlen = get_u32(frame + 4), plen = get_u32(frame + 8);
    if (hlen > TG_PROTO_MAX_HEADER)
        return TG_ERR_FORMAT;
    if (plen > max_payload)
        return TG_ERR_LIMIT;
    char *h = tg_xmalloc(hlen + 1);
    if (read_all(fd, h, hlen)) {
        free(h);
        return TG_ERR_IO;
    }
    h[hlen] = '\0';
    json_t *j = json_loadb(h, hlen, 0, NULL);
    free(h);
    if (!j || !json_is_object(j)) {
        json_decref(j);
        return TG_ERR_FORMAT;
    }
    char *p = NULL;
    if (plen) {
        p = tg_xmalloc(plen);
        if (read_all(fd, p, plen)) {
            free(p);
            json_decref(j);
            return TG_ERR_IO;
        }
    }
    *header = j;
    *payload = p;
    *len = plen;
    return TG_OK;
}
