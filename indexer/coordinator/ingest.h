/* The ingest coordinator: walks the input, hands files to the worker pool,
 * and is the archive's single writer.  It decides, for each file, whether it
 * is new, a duplicate, changed or unchanged; applies the workers' documents
 * to the index; commits in batches; and reports every event. */
#ifndef TG_INGEST_H
#define TG_INGEST_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef struct {
    const char *archive;   /* absolute path of the archive folder */
    unsigned jobs;         /* worker processes */
    double timeout;        /* wall-clock seconds to extract one file */
    double cpu_limit;      /* CPU seconds to extract one file */
    size_t mem_limit;      /* bytes of memory per worker */
    size_t max_text;       /* bytes of text kept per document */
    unsigned max_pages;    /* pages read per document */
    uint64_t max_file;     /* bytes: larger files are not stored */
    unsigned batch;        /* documents per index commit */
    double batch_seconds;  /* seconds between index commits */
    const char *names;     /* absolute path of the names list (--names), or NULL */
    unsigned max_depth;    /* bundles inside bundles are opened down to this depth */
    uint64_t max_member;   /* bytes expanded from one bundle member */
    uint64_t max_expanded; /* bytes expanded from one bundle */
    double max_ratio;      /* expansion ratio of a bundle */
    uint64_t max_members;  /* members per bundle */
    /* one top-level file (a file of the walk), all nesting levels together */
    uint64_t max_total_expanded; /* bytes expanded from its bundles */
    double max_total_ratio;      /* those bytes over the file's own size */
    uint64_t max_total_members;  /* members of its bundles and embedded files */
    double max_unpack_time;      /* CPU seconds the workers spend reading its bundles */
    int prune;                   /* forget locations under the paths that are gone */
    int purge_store;             /* with prune: delete originals no document uses */
    int ocr;                     /* read images and scanned pages with OCR */
    const char *ocr_lang;        /* tesseract languages, "spa+eng" */
    double ocr_timeout;          /* seconds to recognise one page */
    uint64_t ocr_max_pixels;     /* larger images are refused */
    int render_pages;            /* draw page images ahead (pagerender.h) */
    int reextract;               /* extract known contents again (their OCR comes
                                  * from the cache) */
    int verbose;                 /* print every event */
    int quiet;                   /* print only errors and the summary */
    int progress;                /* draw the live progress line */
} tg_ingest_opts_t;

typedef struct {
    unsigned long added, updated, duplicate, unchanged, skipped, errors;
    unsigned long pruned;           /* locations forgotten by --prune */
    unsigned long removed;          /* documents left without locations and removed */
    unsigned long bytes;            /* bytes of the files looked at */
    unsigned long sidecar_problems; /* errors that are about a sidecar of a file
                                     * already counted (included in errors) */
    double seconds;
    int interrupted;    /* stopped by a signal after committing */
    json_t *skipped_by; /* object: reason code -> count */
    json_t *errors_by;  /* object: reason code -> count */
} tg_ingest_counts_t;

void tg_ingest_counts_free(tg_ingest_counts_t *c);

/* Indexes paths into the archive.  Returns TG_OK when the run went through
 * (individual files may still have failed: see counts->errors), or a fatal
 * status with err filled in (archive not writable, locked, ...). */
tg_status_t tg_ingest_run(const tg_ingest_opts_t *o, char *const *paths, int npaths,
                          tg_ingest_counts_t *counts, char *err, size_t errlen);

/* Set by the signal handler: stop dispatching, commit, return. */
extern volatile int tg_ingest_stop;

#endif
