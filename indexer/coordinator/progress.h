/* The live progress line of testigo-index: on a terminal, one line on
 * stderr, rewritten in place (files done/total where known, MB, files/s,
 * ETA, current file); elsewhere, nothing.  Other output goes through
 * tg_progress_print so that it does not collide with the line. */
#ifndef TG_PROGRESS_H
#define TG_PROGRESS_H

#include <stdint.h>

#include "util.h"

typedef struct tg_progress tg_progress_t;

/* enabled: draw the line (stderr is a terminal and not --quiet). */
tg_progress_t *tg_progress_new(int enabled);
void tg_progress_free(tg_progress_t *p);
/* Redraws at most every 0.2 s (force: now). total 0: unknown.  current
 * (a location) is shown in its terminal form (tg_utf8_terminal). */
void tg_progress_update(tg_progress_t *p, uint64_t done, uint64_t total, uint64_t bytes,
                        const char *current, int force);
/* Prints a line on stderr above the progress line, in its terminal form:
 * whatever a file name or a library put in it, control and bidirectional
 * characters come out as visible escapes (tg_utf8_terminal), but for the
 * line's own final newline. */
void tg_progress_print(tg_progress_t *p, const char *fmt, ...) TG_PRINTF(2, 3);
/* Removes the line (end of run). */
void tg_progress_clear(tg_progress_t *p);

#endif
