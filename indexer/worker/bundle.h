/* Reading bundles: zip, tar (plain or compressed), 7z, cpio, ISO, and a
 * single compressed file (.gz, .bz2, .xz, .zst, .Z), over libarchive.  The
 * only file that includes libarchive.
 *
 * Members are streamed from the bundle into the archive's store (named by
 * their SHA-256, never by their own names) and reported one by one; nothing
 * is ever unpacked under a member's name, so `../../etc/passwd` or an
 * absolute path is only ever a name.  Symbolic links, hard links, devices
 * and encrypted members are reported, not read.  Limits stop a bomb early:
 * the size of one member, the bytes expanded from the whole bundle, the
 * expansion ratio, and the number of members; and what is left of the
 * budget of the top-level file the bundle came from, all its nesting levels
 * counted (bytes, members, CPU time: the indexer keeps the accounts).
 * Damage stops the reading; what was read before it stays. */
#ifndef TG_BUNDLE_H
#define TG_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "store.h"

typedef struct {
    uint64_t max_member;  /* bytes expanded from one member */
    uint64_t max_total;   /* bytes expanded from the whole bundle */
    double max_ratio;     /* expanded bytes / bundle bytes read (checked past 1 MB) */
    uint64_t max_members; /* members (entries) per bundle */
    /* what is left of the top-level file's budget, all nesting levels
     * together (UINT64_MAX, HUGE_VAL: none) */
    uint64_t tree_bytes;   /* bytes this reading may still expand */
    uint64_t tree_members; /* members it may still report */
    double tree_cpu;       /* CPU seconds it may still use */
} tg_bundle_limits_t;

/* What one reading did. */
typedef struct {
    unsigned entries;   /* entries seen */
    uint64_t expanded;  /* bytes decompressed, members that were stopped included */
    double cpu;         /* CPU seconds of this process spent in the reading */
    const char *budget; /* NULL, or the top-level file's budget that stopped it:
                         * "bytes", "members" or "time" (static strings) */
} tg_bundle_result_t;

typedef struct {
    unsigned index;      /* entry number in the bundle, from 0 */
    const char *name;    /* path inside the bundle, UTF-8 (bad bytes, NUL, as \xHH) */
    int64_t size;        /* bytes expanded */
    int64_t mtime_ns;    /* entry's modification time, 0 if none */
    const char *sha;     /* digest in the store; NULL if not stored */
    const char *code;    /* why not stored: "symlink member", "encrypted", ... */
    const char *reason;  /* the same for people */
    int error;           /* 1: a failure (damaged, limit), 0: a deliberate skip */
    const char *warning; /* what the bundle's reader should know about a member
                          * that was read (a name holding a NUL byte), or NULL */
    uint64_t expanded;   /* bytes decompressed for it, also when it was stopped */
    double cpu;          /* CPU seconds of the reading so far (when done) */
} tg_member_t;

/* Called when an entry starts (stored == 0: name and index only, so a crash
 * while reading it can be blamed on it) and when it is done (stored == 1:
 * all fields).  Return non-zero to stop reading. */
typedef int (*tg_member_cb)(void *ctx, const tg_member_t *m, int done);

/* 1 if mime is a bundle type this reader opens. */
int tg_bundle_is_bundle(const char *mime);

/* 1 if libarchive recognises a bundle in the file at path although its type
 * was not one of the above (a self-extracting zip, say). */
int tg_bundle_probe(const char *path);

/* Reads the bundle in file path.  name is the bundle's own file name, used
 * to name the single member of a compressed file ("acta.txt.gz" holds
 * "acta.txt").  The first `skip` entries are skipped without being stored
 * (resuming after an entry that killed a reader).  Returns TG_OK when the
 * end was reached, TG_ERR_LIMIT when a limit stopped it (res->budget says
 * whether it was the top-level file's), TG_ERR_FORMAT when damage stopped
 * it, TG_ERR_ENCRYPTED when the bundle itself is encrypted; err says what
 * and after which member.  *res is filled in every case. */
tg_status_t tg_bundle_read(const char *path, const char *name, tg_store_t *store,
                           const tg_bundle_limits_t *lim, unsigned skip, tg_member_cb cb, void *ctx,
                           tg_bundle_result_t *res, char *err, size_t errlen);

/* Reading the parts of a package: formats that are zip files (DOCX, ODT).
 * For each regular member, pick(ctx, name) returns 1 to have its bytes;
 * got(ctx, name, data, len) then receives them (NUL-terminated, owned by
 * the reader until got returns), or data NULL when the member is larger
 * than max_member bytes or damaged (it is then not read).  At most
 * max_total bytes are read in all (TG_ERR_LIMIT past that).  Only the zip
 * format is tried.  Returns TG_OK at the end of the package, TG_ERR_FORMAT
 * when the file is not a zip or is damaged, TG_ERR_ENCRYPTED when a picked
 * member needs a password; err says which. */
typedef int (*tg_part_pick_fn)(void *ctx, const char *name);
typedef void (*tg_part_got_fn)(void *ctx, const char *name, const char *data, size_t len);
tg_status_t tg_bundle_read_parts(const char *path, size_t max_member, size_t max_total,
                                 tg_part_pick_fn pick, tg_part_got_fn got, void *ctx, char *err,
                                 size_t errlen);

#endif
