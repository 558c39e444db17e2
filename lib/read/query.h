/* The query language users type, parsed into a Xapian query (see
 * docs/query.md for the language itself).
 *
 * Why not Xapian's QueryParser: a word must match its diacritic-folded form
 * and its stems in Spanish and in English at once (the archive holds both
 * languages and the query does not say which); what the parser does with
 * text it cannot take as written must be said to the person who typed it;
 * and wildcard expansion must be bounded.  Words are cut and folded by the
 * same tokenizer and schema code as the index (text.h, schema.h), so query
 * and index always agree.  docs/query.md gives the measurements behind
 * this choice.
 *
 *   word           folded word or any of its Spanish/English stems
 *   "a phrase"     the exact folded words, adjacent, in order
 *   word*          words starting with word (bounded expansion)
 *   a AND b, a b   both (AND is the default)
 *   a OR b         either
 *   NOT a, -a      without
 *   a NEAR b       within 10 words, either order (NEAR/n: within n)
 *   ( ... )        grouping
 *   field:value    see tg_query_fields (type:, lang:, date:, year:, title:,
 *                  folder:, sha256:, person:, id:, mentions:, from:, to:,
 *                  subject:, and their Spanish names); date:, year: and
 *                  mentions: take ranges A..B, with either end open
 *
 * The parser forgives ordinary typing: a word before a colon that names no
 * field is a word ("Nota: preso", a pasted http://... address), a quotation
 * mark never closed opens a phrase to the end, a parenthesis never closed
 * closes at the end, a stray ')' or an operator missing a side is ignored.
 * Each such reading is reported as a notice (a code and the text
 * concerned), for the front end to word in its own language.  Only what
 * cannot be read at all is an error: an impossible date or range, an
 * invalid digest or identity number, limits passed, nothing to look for.
 */
#ifndef TG_QUERY_H
#define TG_QUERY_H

#include <stddef.h>

#include "status.h"
#include "xap.h"

typedef struct tg_qparser tg_qparser_t;

typedef struct {
    size_t max_length;     /* bytes of query text (0: 4096) */
    unsigned max_wildcard; /* terms one wildcard may expand to (0: 1000) */
    unsigned max_clauses;  /* words, phrases and fields in one query (0: 256) */
} tg_parse_opts_t;

/* A part of the query a snippet's excerpt should hold whole: a body word,
 * a phrase (its words adjacent, in order) or a NEAR pair (within `near`
 * positions, either order).  Negated parts are not listed; nor are field
 * values (title:, person: ...), whose words are only highlighted. */
typedef struct {
    char **words;  /* folded body terms, in the query's order */
    size_t n;      /* >= 1 */
    unsigned near; /* 0: a word or a phrase; else the NEAR window */
} tg_hitgroup_t;

/* What the parser says about a query: a notice (the query was run, read as
 * the code says) or an error (it cannot be run).  Codes are never
 * renumbered; errors start at TG_QE_FIRST. */
typedef enum {
    TG_QN_UNKNOWN_FIELD = 1, /* "Nota:" names no field: searched as a word; text: Nota */
    TG_QN_EMPTY_FIELD,       /* "fecha:" with nothing after the colon: searched as a word */
    TG_QN_UNCLOSED_QUOTE,    /* '"' never closed: a phrase to the end; text: its words */
    TG_QN_UNCLOSED_PAREN,    /* '(' never closed: closed at the end */
    TG_QN_STRAY_PAREN,       /* ')' that closes nothing: ignored */
    TG_QN_EMPTY_PARENS,      /* "()": ignored */
    TG_QN_LONE_OPERATOR,     /* AND, OR, NOT or NEAR missing a side: ignored; text: it */
    TG_QN_NEAR_NOT_WORDS,    /* NEAR beside a phrase, a field or a group: both sides, anywhere */
    TG_QN_WILDCARD_WORDS,    /* '*' after several words ("e-ma*"): ignored; text: the words */
    TG_QE_FIRST = 64,
    TG_QE_TOO_LONG = TG_QE_FIRST, /* text: the limit, in bytes */
    TG_QE_TOO_COMPLEX,            /* text: the limit of words and fields */
    TG_QE_TOO_DEEP,               /* parentheses nested too deep */
    TG_QE_BAD_DATE,               /* text: the value */
    TG_QE_BAD_YEAR,               /* text: the value */
    TG_QE_RANGE_OPEN,             /* "date:..": neither end given */
    TG_QE_RANGE_REVERSED,         /* text: the range */
    TG_QE_BAD_SHA256,             /* text: the value */
    TG_QE_BAD_IDNUM,              /* text: the value */
    TG_QE_NO_NAME,                /* person: without a name */
    TG_QE_NEAR_WINDOW,            /* NEAR/n outside 1..1000; text: NEAR/n */
    TG_QE_NO_WORDS,               /* nothing to look for ("!!!") */
} tg_qmsg_code_t;

#define TG_QMSG_TEXT 64

typedef struct {
    tg_qmsg_code_t code;
    char text[TG_QMSG_TEXT]; /* as typed, cut at a character boundary ("…"); "" if none */
    size_t offset;           /* byte offset in the query of what it is about */
} tg_qmsg_t;

/* Notices kept per query (more are dropped; repeats are kept once). */
#define TG_QUERY_MAX_NOTICES 8

/* 1 if code is an error rather than a notice. */
int tg_qmsg_is_error(tg_qmsg_code_t code);
/* A stable name for code, for JSON ("unknown_field", "bad_date"). */
const char *tg_qmsg_name(tg_qmsg_code_t code);
/* The message in English into buf (the command line's wording). */
void tg_qmsg_str(const tg_qmsg_t *m, char *buf, size_t len);

/* A parsed query and what a snippet should highlight. */
typedef struct {
    tg_query_t *query;
    char **words; /* folded words to highlight (from words and phrases) */
    size_t n_words;
    char **stems; /* stem terms ("Z..."), a word matches if its stem is here */
    size_t n_stems;
    char **prefixes; /* wildcard prefixes, folded */
    size_t n_prefixes;
    struct tg_stemmers *stemmers; /* the parser's, for matching stems; borrowed */
    tg_hitgroup_t *groups;        /* what the excerpt should hold (see above) */
    size_t n_groups;
    tg_qmsg_t notices[TG_QUERY_MAX_NOTICES]; /* how the text was read, in order */
    size_t n_notices;
} tg_parsed_t;

tg_qparser_t *tg_qparser_new(void);

/* person: as a person of the archive.  The parser calls cb for each
 * person: value, with the value's name key (tg_name_key) or, for an
 * identity number (person:V-12345678), key NULL and its digits; cb returns
 * the query of every document naming that person, or NULL to let the
 * parser take the name as written (XP or XV term of the key; XI term of
 * the digits).  The search library sets it around each parse
 * (lib/read/people.c); cb NULL unsets it. */
typedef tg_query_t *(*tg_person_expand_cb)(void *ctx, const char *key, const char *digits);
void tg_qparser_set_persons(tg_qparser_t *qp, tg_person_expand_cb cb, void *ctx);
void tg_qparser_free(tg_qparser_t *qp);

/* Parses text.  On success out must be released with tg_parsed_free, and
 * out->notices say how text that could not be taken as written was read.
 * On TG_ERR_QUERY, *err (may be NULL) says why the query cannot be run
 * (an error code) and out needs no release. */
tg_status_t tg_query_parse(tg_qparser_t *qp, const char *text, const tg_parse_opts_t *opts,
                           tg_parsed_t *out, tg_qmsg_t *err);
void tg_parsed_free(tg_parsed_t *p);

/* The field names the language knows, NULL-terminated, for help texts
 * (each also has a Spanish name: docs/query.md). */
extern const char *const tg_query_fields[];

#endif
