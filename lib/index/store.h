/* The archive folder and its content-addressed store.
 *
 *   ARCHIVE/testigo.json      marks the folder as a Testigo archive
 *   ARCHIVE/index/            the Xapian database
 *   ARCHIVE/store/ab/SHA   originals, byte for byte, read-only
 *   ARCHIVE/text/ab/SHA.txt   extracted text, pages separated by form feeds
 *   ARCHIVE/ocr/ab/SHA.json   OCR results of a content, so it is never
 *                             recognised twice (indexer/worker/ocrcache.h)
 *   ARCHIVE/log/ingest.jsonl  one JSON line per file event
 *   ARCHIVE/tmp/              files being written where O_TMPFILE is not
 *                             supported; anything here is garbage
 *
 * Files are written without a name (O_TMPFILE) and linked under their name
 * once complete, so a reader never sees a partial file and an interrupted
 * write leaves nothing behind (without O_TMPFILE: written under tmp/ and
 * renamed into place, leaving garbage in tmp/ if interrupted).  The
 * indexer names each content whose files a commit will refer to
 * (tg_store_note) and calls tg_store_sync() before the commit: exactly
 * those files, then their folders, are made durable (fdatasync and fsync,
 * many at once), nothing else on the file system.  The files may be synced
 * ahead, in the background, while the indexer goes on (tg_store_sync_ahead).
 *
 * Workers and the writer each open the store; it holds no shared state, so
 * any number of processes may add to it at once (same content, same name). */
#ifndef TG_STORE_H
#define TG_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "hash.h"
#include "status.h"

typedef struct tg_store tg_store_t;

/* System calls tg_store_sync keeps in flight at once. */
#define TG_STORE_SYNC_THREADS 16

/* Opens the archive folder dir.  With create, makes it (and its layout) if
 * missing; an existing non-empty folder that is not an archive is refused
 * (TG_ERR_INVALID), so Testigo never writes into a folder by mistake.
 * Without create, TG_ERR_NOTFOUND if dir is not an archive. */
tg_status_t tg_store_open(const char *dir, int create, tg_store_t **out, char *err, size_t errlen);
void tg_store_close(tg_store_t *s);
/* The archive folder and its index folder (owned by the store). */
const char *tg_store_dir(const tg_store_t *s);
const char *tg_store_index_dir(const tg_store_t *s);
const char *tg_store_log_path(const tg_store_t *s);
/* Malloc'd paths of an original and of its extracted text. */
char *tg_store_path(const tg_store_t *s, const char *sha);
char *tg_store_text_path(const tg_store_t *s, const char *sha);
/* 1 if the original with this digest is in the store. */
int tg_store_has(const tg_store_t *s, const char *sha);

/* Copies everything readable from fd into the store while hashing it.
 * Fails with TG_ERR_LIMIT past max_bytes (nothing stored), TG_ERR_IO on a
 * read or write error (err says which).  *size gets the byte count.  If
 * head is not NULL, the first head_cap bytes are also copied there
 * (*head_len says how many), so the caller need not read them again. */
tg_status_t tg_store_add_fd(tg_store_t *s, int fd, uint64_t max_bytes, char sha[65], uint64_t *size,
                            char *head, size_t head_cap, size_t *head_len, char *err,
                            size_t errlen);

/* Streaming writer, for bytes that arrive in pieces (archive members). */
typedef struct tg_store_writer tg_store_writer_t;
tg_status_t tg_store_writer_new(tg_store_t *s, tg_store_writer_t **out, char *err, size_t errlen);
tg_status_t tg_store_writer_add(tg_store_writer_t *w, const void *p, size_t n);
/* Finishes: the content is in the store under *sha.  Frees w. */
tg_status_t tg_store_writer_finish(tg_store_writer_t *w, char sha[65], uint64_t *size);
/* Abandons what was written.  Frees w; accepts NULL. */
void tg_store_writer_abort(tg_store_writer_t *w);

/* Writes the extracted text of sha (replacing any). */
tg_status_t tg_store_put_text(tg_store_t *s, const char *sha, const char *text, size_t len);
/* Reads the extracted text of sha into out (up to out's cap). */
tg_status_t tg_store_get_text(const tg_store_t *s, const char *sha, tg_buf_t *out);
/* Reads the original of sha into out (up to out's cap). */
tg_status_t tg_store_get_original(const tg_store_t *s, const char *sha, tg_buf_t *out);

/* The OCR cache file of sha: its path (malloc'd), writing it (replacing
 * any, all at once, so a reader never sees half a file), and
 * reading it into out (TG_ERR_NOTFOUND when there is none, TG_ERR_LIMIT
 * past out's cap).  The contents are the caller's business. */
char *tg_store_ocr_path(const tg_store_t *s, const char *sha);
tg_status_t tg_store_put_ocr(tg_store_t *s, const char *sha, const char *data, size_t len);
tg_status_t tg_store_get_ocr(const tg_store_t *s, const char *sha, tg_buf_t *out);

/* Names content sha (64 hex digits) as one whose files (original, text,
 * OCR results) the next tg_store_sync must make durable.  Name a content
 * after its files are written (naming it again after a later write).
 * Naming one twice in a row costs nothing more.  The list is capped: when
 * it is full, it is synced at once, and if that fails every later
 * tg_store_sync fails too. */
void tg_store_note(tg_store_t *s, const char *sha);
/* With on, the files of named contents are synced in the background, a
 * chunk at a time, while the caller goes on, so that tg_store_sync has only
 * the last few and the folders left to wait for (the indexer's writer: its
 * commits no longer stop the run for the store's flushes).  A background
 * failure makes every later tg_store_sync fail. */
void tg_store_sync_ahead(tg_store_t *s, int on);
/* Contents named since the last tg_store_sync (for tests and progress). */
size_t tg_store_noted(const tg_store_t *s);
/* Makes the files of every content named since the last call durable, then
 * the folders that name them: fdatasync of store/ab/SHA, text/ab/SHA.txt and
 * ocr/ab/SHA.json (those that exist; those the background syncer has not
 * done yet), then fsync of each of their ab/ folders, then of store/, text/
 * and ocr/.  The calls run TG_STORE_SYNC_THREADS at a time, so the disk's
 * cache flushes they ask for are shared.  Nothing outside the archive is
 * flushed (unlike syncfs).  TG_ERR_IO if any call fails (errno says why);
 * the named contents are then kept for the next call, unless the failure
 * was the background syncer's or a full list's (then every later call
 * fails). */
tg_status_t tg_store_sync(tg_store_t *s);

#endif
