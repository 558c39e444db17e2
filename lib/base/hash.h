/* SHA-256 of byte streams, over nettle (already linked by libarchive on
 * Debian, so it adds no new dependency; small, audited, and stable API);
 * and the one quick hash of Testigo's in-memory hash tables.
 *
 * Digests travel through Testigo as 64 lowercase hex characters. */
#ifndef TG_HASH_H
#define TG_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define TG_SHA256_HEX_LEN 64

/* Opaque, but of fixed size so it can live on the stack. */
typedef struct {
    _Alignas(8) unsigned char opaque[128];
} tg_sha256_t;

void tg_sha256_init(tg_sha256_t *h);
void tg_sha256_update(tg_sha256_t *h, const void *data, size_t len);
/* Writes 64 hex digits and a NUL into hex (>= 65 bytes). */
void tg_sha256_final_hex(tg_sha256_t *h, char hex[TG_SHA256_HEX_LEN + 1]);
/* One-shot digest of a buffer. */
void tg_sha256_hex(const void *data, size_t len, char hex[TG_SHA256_HEX_LEN + 1]);
/* Digest of a whole file; TG_ERR_IO (with errno set) if it cannot be read. */
tg_status_t tg_sha256_file(const char *path, char hex[TG_SHA256_HEX_LEN + 1]);
/* 1 if s is exactly 64 lowercase hex digits. */
int tg_sha256_valid(const char *s);
/* The first byte of a valid digest (its first two hex digits), 0-255: the
 * store's ab/ folder, or a slot of a table of contents. */
unsigned tg_sha256_first_byte(const char *hex);

/* FNV-1a of len bytes: for choosing a slot of a hash table (words, stems),
 * never for telling contents apart (SHA-256 does that). */
uint32_t tg_fnv1a(const void *data, size_t len);
/* The same, going on from h (the value of the bytes before). */
uint32_t tg_fnv1a_more(uint32_t h, const void *data, size_t len);

#endif
