/* Status codes shared by every part of Testigo.
 *
 * Every library call that can fail returns a tg_status_t.  The numbers are
 * part of the interface: values are only ever appended, never renumbered or
 * reused.  Detail (which file, what went wrong) travels separately, on the
 * handle that failed or in an error buffer the caller passes; the status only
 * says what kind of failure it was, so callers can branch on it. */
#ifndef TG_STATUS_H
#define TG_STATUS_H

typedef enum {
    TG_OK = 0,
    TG_ERR_IO = 1,           /* a read, write or open failed (see errno detail) */
    TG_ERR_XAPIAN = 2,       /* the index library reported an error */
    TG_ERR_NOTFOUND = 3,     /* no such document, term, key or file */
    TG_ERR_QUERY = 4,        /* the query text is not valid */
    TG_ERR_LOCKED = 5,       /* the archive is being written by another process */
    TG_ERR_CORRUPT = 6,      /* stored data is damaged or of an unknown format */
    TG_ERR_INVALID = 7,      /* a bad argument or option value */
    TG_ERR_LIMIT = 8,        /* a configured cap was reached */
    TG_ERR_FORMAT = 9,       /* the input is not in the format it claims */
    TG_ERR_UNSUPPORTED = 10, /* the input's type is not handled */
    TG_ERR_ENCRYPTED = 11,   /* the input needs a password */
    TG_ERR_TIMEOUT = 12,     /* a time budget ran out */
    TG_ERR_CRASHED = 13,     /* an extraction worker died */
    TG_ERR_MODIFIED = 14,    /* the index revision being read was discarded by the
                              * writer's later commits: reopen and read again
                              * (the search library does so itself) */
} tg_status_t;

/* A short English description of a status; never NULL. */
const char *tg_status_str(tg_status_t st);

#endif
