/* Names for tg_status_t values (see status.h). */
#include "status.h"

const char *tg_status_str(tg_status_t st)
{
    switch (st) {
    case TG_OK:
        return "success";
    case TG_ERR_IO:
        return "input/output error";
    case TG_ERR_XAPIAN:
        return "index error";
    case TG_ERR_NOTFOUND:
        return "not found";
    case TG_ERR_QUERY:
        return "query syntax error";
    case TG_ERR_LOCKED:
        return "archive is locked by another process";
    case TG_ERR_CORRUPT:
        return "damaged or unknown data";
    case TG_ERR_INVALID:
        return "invalid argument";
    case TG_ERR_LIMIT:
        return "limit reached";
    case TG_ERR_FORMAT:
        return "malformed input";
    case TG_ERR_UNSUPPORTED:
        return "unsupported type";
    case TG_ERR_ENCRYPTED:
        return "encrypted";
    case TG_ERR_TIMEOUT:
        return "timed out";
    case TG_ERR_CRASHED:
        return "extractor crashed";
    case TG_ERR_MODIFIED:
        return "the index changed while being read";
    }
    return "unknown status";
}
