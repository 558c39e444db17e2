/* The query language users type, parsed into a Xapian query (see
 * docs/query.md for the language itself).
 *
 * Why not Xapian's QueryParser: a word must match its diacritic-folded form
 * and its stems in Spanish and in English at once (the archive holds both
 * languages and the query does not say which); syntax errors must be reported,
 * not silently reinterpreted; and wildcard expansion must be bounded.  Words
 * are cut and folded by the same tokenizer and schema code as the index
 * (text.h, schema.h), so query and index always agree.
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
 *                  folder:, sha256:, person:, id:, mentions:, from:, to:, subject:); date:,
 *                  year: and mentions: take ranges A..B, with either end
 *                  open
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
} tg_parsed_t;

tg_qparser_t *tg_qparser_new(void);
void tg_qparser_free(tg_qparser_t *qp);

/* Parses text.  On TG_ERR_QUERY, err holds a message for the person who
 * typed it ("missing ')' at the end", "unknown field 'fecha:'").  On success
 * out must be released with tg_parsed_free. */
tg_status_t tg_query_parse(tg_qparser_t *qp, const char *text, const tg_parse_opts_t *opts,
                           tg_parsed_t *out, char *err, size_t errlen);
void tg_parsed_free(tg_parsed_t *p);

/* The field names the language knows, NULL-terminated, for help texts. */
extern const char *const tg_query_fields[];

#endif
