/* The words of the web interface, in Spanish (the default) and English.
 *
 * Messages with a printf conversion say so in their name's comment; the
 * conversions are the same in both languages. */
#ifndef TG_WEB_I18N_H
#define TG_WEB_I18N_H

#include "web.h"

typedef enum {
    M_TAGLINE,
    M_SEARCH_LABEL,
    M_SEARCH_BUTTON,
    M_SEARCH_PLACEHOLDER,
    M_DOCS_IN_ARCHIVE, /* %u */
    M_BROWSE_ALL,
    M_HELP_TITLE,
    M_RESULTS_ONE,
    M_RESULTS_MANY, /* %u */
    M_ESTIMATED,
    M_SECONDS, /* %.3f */
    M_NO_RESULTS,
    M_SORT,
    M_SORT_RELEVANCE,
    M_SORT_DATE,
    M_SORT_NEWEST,
    M_FACET_KIND,
    M_FACET_LANG,
    M_FACET_YEAR,
    M_FACET_MONTH,
    M_FACET_FOLDER,
    M_FACET_PERSON,
    M_DATES,
    M_FROM,
    M_TO,
    M_APPLY,
    M_DATE_HINT,
    M_TIMELINE,
    M_TIMELINE_HINT,
    M_FILTERS,
    M_REMOVE,
    M_CLEAR_FILTERS,
    M_PREV,
    M_NEXT,
    M_PAGER,
    M_DOWNLOAD,
    M_PAGE_SHORT, /* %d */
    M_NO_DATE,
    M_NO_TEXT,
    M_BACK,
    M_F_KIND,
    M_F_MIME,
    M_F_SIZE,
    M_F_DATE,
    M_F_DATE_SOURCE,
    M_F_LANG,
    M_F_PAGES,
    M_F_CHARSET,
    M_F_INGESTED,
    M_F_EXTRACTION,
    M_F_ERROR,
    M_F_WARNINGS,
    M_F_AUTHOR,
    M_F_SUBJECT,
    M_F_KEYWORDS,
    M_F_CREATED,
    M_F_MODIFIED,
    M_F_CREATOR,
    M_F_PRODUCER,
    M_F_OCR,
    M_F_SHA,
    M_LOCATIONS,
    M_LOCATIONS_MORE, /* %lld */
    M_TEXT,
    M_TEXT_NONE,
    M_TEXT_TRUNCATED, /* %zu (MB) */
    M_HITS,           /* %zu */
    M_HITS_ONE,
    M_HITS_ON_PAGES,
    M_PAGE_MARK, /* %d */
    M_EXTRACTION_OK,
    M_EXTRACTION_FAILED,
    M_EXTRACTION_UNSUPPORTED,
    M_KIND_PDF,
    M_KIND_TEXT,
    M_KIND_IMAGE,
    M_KIND_OTHER,
    M_KIND_ARCHIVE,
    M_KIND_HTML,
    M_KIND_DOCX,
    M_KIND_ODT,
    M_KIND_DOC,
    M_KIND_RTF,
    M_KIND_EMAIL,
    M_KIND_MBOX,
    M_KIND_XML,
    M_LANG_ES,
    M_LANG_EN,
    M_LANG_UND,
    M_ERR_NOT_FOUND,
    M_ERR_BAD_REQUEST,
    M_ERR_QUERY,
    M_ERR_TIMEOUT,
    M_ERR_SERVER,
    M_ERR_QUERY_TOO_LONG, /* %u */
    M_ERR_PAGE_SIZE,      /* %u */
    M_ERR_PAGE,
    M_ERR_SORT,
    M_ERR_DATE,
    M_ERR_RANGE,
    M_ERR_FILTERS,
    M_ERR_BUSY,
    M_ERR_REQUEST_TIMEOUT,
    M_ERR_URI_TOO_LONG,
    M_ERR_HEADERS_TOO_LARGE,
    M_ERR_VERSION,
    M_ERR_FULL,
    /* the query parser's notices and errors (query.h), each with at most
     * one %s: the text concerned */
    M_QN_UNKNOWN_FIELD,  /* %s */
    M_QN_EMPTY_FIELD,    /* %s */
    M_QN_UNCLOSED_QUOTE, /* %s */
    M_QN_UNCLOSED_PAREN,
    M_QN_STRAY_PAREN,
    M_QN_EMPTY_PARENS,
    M_QN_LONE_OPERATOR, /* %s */
    M_QN_NEAR_NOT_WORDS,
    M_QN_WILDCARD_WORDS, /* %s */
    M_QE_TOO_LONG,       /* %s */
    M_QE_TOO_COMPLEX,    /* %s */
    M_QE_TOO_DEEP,
    M_QE_BAD_DATE, /* %s */
    M_QE_BAD_YEAR, /* %s */
    M_QE_RANGE_OPEN,
    M_QE_RANGE_REVERSED, /* %s */
    M_QE_BAD_SHA256,     /* %s */
    M_QE_BAD_IDNUM,      /* %s */
    M_QE_NO_NAME,
    M_QE_NEAR_WINDOW,
    M_QE_NO_WORDS,
    M_HOME,
    M_OTHER_LANG_NAME,
    M_OTHER_LANG_CODE,
    M_FOOTER,
    M_SKIP,
    /* persons (personpage.c) */
    M_PERSON_VARIANTS,
    M_PERSON_IDS,
    M_PERSON_DOCS, /* %u */
    M_PERSON_TIMELINE,
    M_PERSON_TIMELINE_NONE,
    M_PERSON_WITH,
    M_PERSON_SEARCH,
    M_EVENT_MENTIONED,
    M_EVENT_DETENTION,
    M_EVENT_TRANSFER,
    M_EVENT_HEARING,
    M_EVENT_RELEASE,
    M_ERR_TOO_LARGE,
    /* the batch form (batchpage.c) */
    M_BATCH_TITLE,
    M_BATCH_HELP, /* %u rows */
    M_BATCH_PASTE,
    M_BATCH_UPLOAD,
    M_BATCH_FORMAT,
    M_BATCH_SUBMIT,
    M_BATCH_EMPTY,
    M_BATCH_TOO_MANY, /* %u */
    M_BATCH_EXPIRED,
    M_BATCH_SUMMARY,       /* %u rows */
    M_BATCH_SUMMARY_FOUND, /* %u found */
    M_BATCH_FOUND,
    M_BATCH_NOT_FOUND,
    M_BATCH_ERROR,
    M_BATCH_COL_ROW,
    M_BATCH_COL_DOCS,
    M_BATCH_COL_DATES,
    M_BATCH_DOWNLOAD,
    M_FACET_COLLECTION,
    M_FACET_PLACE,
    M_FACET_TAG,
    M_DOC_KNOWN,
    M_DOC_PERSONS,
    M_DOC_IDS,
    M_DOC_MENTIONS,
    M_DOC_SIDECAR,
    M_DOC_MENTIONED, /* %lld */
    M_F_WITNESS,
    M_F_PLACE,
    M_F_COLLECTION,
    M_F_TAGS,
    M_F_TITLE_SOURCE,
    M_SEARCH_FOR, /* %s */
    M_COUNT
} web_msg_t;

/* The message in lang; never NULL. */
const char *web_msg(web_lang_t lang, web_msg_t m);
/* Formats message m, whose one printf conversion must be exactly conv
 * ("%u", "%zu", "%.3f" ...), with the argument that follows, into out.  A
 * message whose conversion is not conv is copied unformatted (the table
 * is checked by the unit tests, so this never happens in practice). */
void web_msg_fmt(char *out, size_t len, web_lang_t lang, web_msg_t m, const char *conv, ...);

/* The query parser's notice or error m (query.h) worded in lang, with the
 * text it is about quoted in, into out (to be escaped on output). */
void web_qmsg(char *out, size_t len, web_lang_t lang, const tg_qmsg_t *m);

/* Where a document date came from (the record's date_source: a code such
 * as "text:first-dated-line" or "pdf:CreationDate") said in words in lang
 * ("primera línea fechada del texto"); an unknown code is returned as it
 * is.  Never NULL for a non-NULL source. */
const char *web_date_source(web_lang_t lang, const char *source);
/* The same for a title_source ("metadata", "first line", "sidecar"). */
const char *web_title_source(web_lang_t lang, const char *source);

/* The language code of lang: "es", "en". */
const char *web_lang_code(web_lang_t lang);
/* Parses "es" or "en"; returns 0 on success. */
int web_lang_parse(const char *s, web_lang_t *out);
/* The preferred of Spanish and English in an Accept-Language header (may be
 * NULL): the one with the higher q, Spanish on a tie or when neither is
 * named. */
web_lang_t web_lang_negotiate(const char *accept_language);

/* Help rows for the home page: an example query and what it does, in lang.
 * Returns the number of rows; *examples and *meanings are static arrays. */
size_t web_help_rows(web_lang_t lang, const char *const **examples, const char *const **meanings);

#endif
