/* File type detection by content, over libmagic: never by file name.
 * The only file that includes magic.h. */
#ifndef TG_DETECT_H
#define TG_DETECT_H

#include <stddef.h>

#include "status.h"

typedef struct tg_detect tg_detect_t;

/* Loads the magic database (once per worker). */
tg_status_t tg_detect_new(tg_detect_t **out, char *err, size_t errlen);
void tg_detect_free(tg_detect_t *d);
/* Writes the MIME type of the file at path ("application/pdf") into mime.
 * TG_ERR_IO if the file cannot be read. */
tg_status_t tg_detect_file(tg_detect_t *d, const char *path, char *mime, size_t len);
/* The same from the first bytes of a file, when the caller holds them
 * (TG_DETECT_HEAD bytes, or the whole file if shorter). */
void tg_detect_buffer(tg_detect_t *d, const char *buf, size_t n, char *mime, size_t len);

/* Bytes of a file detection looks at. */
#define TG_DETECT_HEAD (256 * 1024)

#endif
