/* Writing BagIt bags (RFC 8493): a folder that carries files together with
 * their checksums, the usual way archives hand material over.
 *
 *   DIR/bagit.txt               "BagIt-Version: 1.0", UTF-8
 *   DIR/data/<sha256>/<name>    each original, copied from the descriptor the
 *                               search library opened (tg_archive_original)
 *                               and re-hashed on the way (an altered store
 *                               file fails the bag), under a sanitised name
 *   DIR/manifest-sha256.txt     "<sha256>  data/<sha256>/<name>" per file
 *   DIR/bag-info.txt            Bagging-Date, Payload-Oxum, agent, and the
 *                               caller's labels
 *   DIR/<tag files>             the caller's metadata (documents.csv)
 *   DIR/tagmanifest-sha256.txt  checksums of every file outside data/
 *
 * Safety: DIR must not exist, or be an empty folder; it must not be a
 * symbolic link.  Every file and folder inside is created new (O_EXCL,
 * relative to DIR's descriptor, never following a link), so nothing outside
 * DIR can be written through it.  bagit.txt and the tag manifest are written
 * last: a bag abandoned half-way is not a valid bag.  Files are 0600 and
 * folders 0700, like the archive itself. */
#ifndef TG_BAGIT_H
#define TG_BAGIT_H

#include <jansson.h>

#include "status.h"

typedef struct tg_bag tg_bag_t;

/* Starts a bag at dir.  TG_ERR_INVALID (err says why) if dir is a symbolic
 * link, not a folder, or a folder that is not empty; TG_ERR_IO if it cannot
 * be created. */
tg_status_t tg_bag_create(const char *dir, tg_bag_t **out, char *err, size_t errlen);

/* Copies the original of sha, read from fd to its end (fd stays the
 * caller's), to data/<sha>/<name>, name being made safe by
 * tg_bag_safe_name.  *bag_path (malloc'd, may be NULL) gets the path inside
 * the bag.  TG_ERR_INVALID if sha is not a digest, TG_ERR_CORRUPT if the
 * bytes do not hash to sha, TG_ERR_IO on a read or write error; err says
 * which. */
tg_status_t tg_bag_add_original(tg_bag_t *b, int fd, const char *sha, const char *name,
                                char **bag_path, char *err, size_t errlen);

/* Adds a tag file name (a plain name, no '/') at the bag's top. */
tg_status_t tg_bag_add_tagfile(tg_bag_t *b, const char *name, const void *data, size_t len,
                               char *err, size_t errlen);

/* Writes the manifest, bag-info.txt (with info's labels: an object of
 * strings, may be NULL), bagit.txt and the tag manifest, syncs, and frees b
 * (whatever the outcome). */
tg_status_t tg_bag_finish(tg_bag_t *b, const json_t *info, char *err, size_t errlen);

/* Abandons a bag (what was written stays, but is not a valid bag).
 * Accepts NULL. */
void tg_bag_free(tg_bag_t *b);

/* A file name safe on any file system and in a manifest line, malloc'd:
 * path separators, control characters, '%' and the characters Windows
 * forbids become '_'; no leading '.' or '-'; at most 200 bytes (cut on a
 * character boundary, keeping a short extension); never empty ("original"). */
char *tg_bag_safe_name(const char *name);

#endif
