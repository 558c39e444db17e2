/* SHA-256 over nettle, and FNV-1a (see hash.h).  The nettle context is kept
 * inside an opaque fixed-size struct so nettle's header does not leak to
 * callers. */
#define _POSIX_C_SOURCE 200809L
#include "hash.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <string.h>
#include <unistd.h>

_Static_assert(sizeof(struct sha256_ctx) <= sizeof(((tg_sha256_t *)0)->opaque),
               "tg_sha256_t too small for nettle's context");

void tg_sha256_init(tg_sha256_t *h)
{
    sha256_init((struct sha256_ctx *)h->opaque);
}

void tg_sha256_update(tg_sha256_t *h, const void *data, size_t len)
{
    sha256_update((struct sha256_ctx *)h->opaque, len, data);
}

void tg_sha256_final_hex(tg_sha256_t *h, char hex[TG_SHA256_HEX_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char d[SHA256_DIGEST_SIZE];
    sha256_digest((struct sha256_ctx *)h->opaque, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[TG_SHA256_HEX_LEN] = '\0';
}

void tg_sha256_hex(const void *data, size_t len, char hex[TG_SHA256_HEX_LEN + 1])
{
    tg_sha256_t h;
    tg_sha256_init(&h);
    tg_sha256_update(&h, data, len);
    tg_sha256_final_hex(&h, hex);
}

tg_status_t tg_sha256_file(const char *path, char hex[TG_SHA256_HEX_LEN + 1])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return TG_ERR_IO;
    tg_sha256_t h;
    tg_sha256_init(&h);
    char buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            errno = e;
            return TG_ERR_IO;
        }
        if (n == 0)
            break;
        tg_sha256_update(&h, buf, (size_t)n);
    }
    close(fd);
    tg_sha256_final_hex(&h, hex);
    return TG_OK;
}

int tg_sha256_valid(const char *s)
{
    size_t i;
    for (i = 0; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return i == TG_SHA256_HEX_LEN;
}

unsigned tg_sha256_first_byte(const char *hex)
{
    unsigned v = 0;
    for (int k = 0; k < 2; k++)
        v = v << 4 | (unsigned)(hex[k] <= '9' ? hex[k] - '0' : (hex[k] | 0x20) - 'a' + 10);
    return v;
}

uint32_t tg_fnv1a_more(uint32_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

uint32_t tg_fnv1a(const void *data, size_t len)
{
    return tg_fnv1a_more(2166136261u, data, len);
}
