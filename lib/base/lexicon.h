/* A lexicon: the words of a language, folded, for questions such as "is
 * `detencion` a word?" (joining words hyphenated at a line end, telling a
 * capitalised common word from a name).
 *
 * Words come from plain word lists, one word a line, in UTF-8: Debian's
 * `wspanish` (/usr/share/dict/spanish), `wamerican` and `wbritish`
 * (american-english, british-english).  Each word is stored folded
 * (tg_fold: no case, no accents), with the languages whose lists hold it,
 * in one string arena and an open-addressing hash table: a lookup is one
 * hash and a probe or two, and the 158,626 distinct folded words of those
 * three lists take about 4 MB (2 MB of words, 2 MB of table).  Spanish lists give lemmas only (no
 * plurals, no verb forms), so tg_lexicon_knows also tries a few regular inflections.
 *
 * Given names (lib/base/given-names.txt, Testigo's own list, embedded in
 * the program) are kept in the same table under their own bit,
 * TG_LEX_GIVEN: tg_lexicon_find reports it, tg_lexicon_knows (a question
 * about the words of a language) does not.
 *
 * A lexicon is read-only once built and may then be shared by threads. */
#ifndef TG_LEXICON_H
#define TG_LEXICON_H

#include <stddef.h>

#include "status.h"

typedef struct tg_lexicon tg_lexicon_t;

/* Language bits of a word (a word may be in several lists). */
#define TG_LEX_ES 0x01u
#define TG_LEX_EN 0x02u
/* A given name (a first name: José, Rosa, Will), whatever the languages'
 * lists say of the word. */
#define TG_LEX_GIVEN 0x04u
/* Set with the languages when every list that holds the word writes it
 * with a capital (Alabama, Caracas): a name rather than a common word. */
#define TG_LEX_NAME 0x80u

/* Caps: words in one lexicon, bytes read from one list. */
#define TG_LEXICON_MAX_WORDS ((size_t)1 << 20)
#define TG_LEXICON_MAX_FILE  ((size_t)16 << 20)

/* An empty lexicon.  Cannot fail (out of memory aborts). */
tg_lexicon_t *tg_lexicon_new(void);
/* NULL is a no-op. */
void tg_lexicon_free(tg_lexicon_t *lx);

/* Adds the words of a list held in memory: len bytes, one word a line
 * (blank lines, comment lines starting with #, lines with a space or an
 * apostrophe, such as English possessives, and words longer than
 * TG_MAX_WORD folded are left out), in the languages `langs` (TG_LEX_*
 * bits; TG_LEX_GIVEN for a list of given names).  Returns TG_OK, or TG_ERR_LIMIT
 * when the lexicon is full (the words that fitted stay). */
tg_status_t tg_lexicon_add_words(tg_lexicon_t *lx, const char *data, size_t len, unsigned langs);
/* The same from the file at path (its first TG_LEXICON_MAX_FILE bytes).
 * TG_ERR_NOTFOUND when it does not exist, TG_ERR_IO when it cannot be
 * read; the lexicon is then unchanged. */
tg_status_t tg_lexicon_add_file(tg_lexicon_t *lx, const char *path, unsigned langs);

/* Number of distinct folded words. */
size_t tg_lexicon_size(const tg_lexicon_t *lx);

/* The bits (languages, TG_LEX_GIVEN, and TG_LEX_NAME) of a word already
 * folded, 0 when it is not in the lexicon.  TG_LEX_NAME says that the
 * languages' lists write it only with a capital; a word that only the
 * given names hold has TG_LEX_GIVEN | TG_LEX_NAME. */
unsigned tg_lexicon_find(const tg_lexicon_t *lx, const char *folded, size_t len);

/* Whether the word (any case, accents or not) is a word of a language of
 * the lexicon (TG_LEX_GIVEN is not a language: a word only the given names
 * hold is not known here), as
 * written or as a regular inflection of one: plurals (-s, -es, -ces of -z),
 * Spanish feminines (-a, -as of -o), regular Spanish verb forms (-ado,
 * -aba, -aron, -ido, -ía, -ieron ... of -ar, -er, -ir) and adverbs in
 * -mente.  Returns the bits of the entry found, 0 if none.  NULL lx: 0. */
unsigned tg_lexicon_knows(const tg_lexicon_t *lx, const char *word, size_t len);
/* The same for a word already folded (tg_fold), as a scanner that has
 * folded it holds it: saves the fold. */
unsigned tg_lexicon_knows_folded(const tg_lexicon_t *lx, const char *folded, size_t len);

/* The system's lexicon: the word lists of the folder in the environment
 * variable TESTIGO_DICT_DIR, else /usr/share/dict (spanish,
 * american-english, british-english), and Testigo's given names, read at
 * the first call (about 110 million instructions, 4 MB) and kept for the
 * life of the process.  Lists that are missing are left out: without them
 * the lexicon holds the given names alone, and tg_lexicon_knows knows no
 * word.  Never NULL; threads may call it at once. */
const tg_lexicon_t *tg_lexicon_system(void);

#endif
