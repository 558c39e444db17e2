/* Text normalisation: bytes of unknown encoding to clean UTF-8, folding of
 * case and diacritics, and the one tokenizer that indexing, query parsing and
 * snippets all share (so a word is cut the same way everywhere).
 *
 * Unicode data comes from utf8proc (Julia's Unicode library: small, C, well
 * maintained, in Debian); conversion from legacy encodings uses iconv. */
#ifndef TG_TEXT_H
#define TG_TEXT_H

#include <stddef.h>

#include "buf.h"
#include "lexicon.h"
#include "status.h"

/* ==== Decoding =========================================================== */

typedef struct {
    const char *charset; /* static name of the encoding the input was read as */
    size_t replaced;     /* invalid sequences replaced by U+FFFD */
    int truncated;       /* the output buffer's cap was reached */
} tg_decode_info_t;

/* Converts bytes in an unknown encoding to UTF-8, appended to out.
 *
 * Recognises a UTF-8, UTF-16 or UTF-32 byte order mark; else UTF-16 without a
 * mark (by its NUL bytes); else UTF-8 if the bytes are valid UTF-8; else
 * Windows-1252 (a superset of ISO-8859-1, the usual legacy encoding of
 * Spanish text) if they hold no valid multi-byte UTF-8 sequence; else, both
 * being there (parts in each joined into one file, or damaged UTF-8), line
 * by line: a line is UTF-8 if it has more valid multi-byte sequences than
 * invalid bytes, else Windows-1252 (info->charset is then
 * "UTF-8 and WINDOWS-1252 (by line)" when both were used).  Invalid sequences become U+FFFD and
 * never stop the conversion.  Control characters other than tab, CR and LF become spaces, and form
 * feeds become newlines: a form feed is Testigo's page separator. Stops quietly at out's cap
 * (info->truncated).  Cannot fail. */
void tg_text_decode(const char *in, size_t len, tg_buf_t *out, tg_decode_info_t *info);

/* Whether bytes that are not recognised as text (libmagic's "data") are
 * still mostly text: a text file with damage in it (runs of NUL bytes,
 * stray control characters, bytes of another file).  Looks at the bytes
 * that are not NUL: at least 32 of them, at least 60% ASCII letters,
 * digits and blanks, at most 5% control characters other than tab, line
 * ends, form feed and escape.  Random or compressed bytes have about 25%
 * letters; text in Spanish or English 80% and more. */
int tg_text_mostly_text(const char *in, size_t len);

/* Number of bytes of in that no text holds: NUL and the control
 * characters but tab, LF, VT, FF, CR and ESC (tg_text_decode makes them
 * spaces). */
size_t tg_text_binary_bytes(const char *in, size_t len);

/* Converts bytes whose encoding a document declares (an HTML <meta>, an
 * XML declaration, a MIME charset parameter) to UTF-8, appended to out.
 * A byte order mark wins over the declaration.  "ISO-8859-1", "latin1"
 * and "US-ASCII" are read as Windows-1252, as browsers do.  A declaration
 * that does not fit the bytes is not followed: UTF-8 declared over bytes
 * that are not (mostly) UTF-8, a single-byte charset declared over bytes
 * that are valid UTF-8 with multi-byte sequences (then read as UTF-8), or
 * a name iconv does not know (then read as tg_text_decode would).  Returns 1 when the declaration
 * was followed (info->charset is then `charset` itself, the caller's
 * string), 0 when it was not (info->charset names what was used).  NULL
 * or "" declares nothing (0). */
int tg_text_decode_as(const char *in, size_t len, const char *charset, tg_buf_t *out,
                      tg_decode_info_t *info);

/* Appends text that should already be UTF-8 (from a library that promises
 * it), under the same rules as tg_text_decode: invalid sequences replaced,
 * controls made spaces, form feeds made newlines.  info is updated. */
void tg_text_append_utf8(const char *in, size_t len, tg_buf_t *out, tg_decode_info_t *info);

/* Returns a malloc'd copy of s (len bytes) that is valid UTF-8 with no control
 * characters but tab and newline: for metadata strings from any source. */
char *tg_utf8_clean(const char *s, size_t len);
/* Like tg_utf8_clean on the first max bytes of the string s, on one line:
 * each run of whitespace (space, tab, CR, LF) made one space, none at
 * either end.  NULL if s is NULL or nothing is left. */
char *tg_utf8_one_line(const char *s, size_t max);

/* Returns a malloc'd UTF-8 rendering of bytes that are usually UTF-8 but need
 * not be (Unix file names): each byte of an invalid sequence is written as
 * "\xHH".  Valid input comes back unchanged, so the mapping is stable. */
char *tg_utf8_escape_bytes(const char *s, size_t len);

/* ==== Showing names ======================================================
 *
 * A file name (or a title, a snippet: anything from a document) may hold
 * characters that act instead of showing: control characters (an ESC
 * sequence rewrites a terminal; a newline forges a line), bidirectional
 * controls (U+202E makes "testimonio\u202Etxt.exe" read "testimonioexe.txt"),
 * invisible format characters (U+200B, U+2060, U+FEFF, tags), line and
 * paragraph separators.  Wherever such a string is shown to a person it is
 * shown with each of those as a visible escape: "\n", "\t", "\r", "\x1B"
 * (other C0 controls, DEL; and any byte that is not UTF-8), "\u202E"
 * (other code points: C1 controls, categories Cf, Zl, Zp and unassigned, and
 * the Hangul fillers that show as nothing), "\U000E0041" past U+FFFF.
 * Backslashes themselves are left as they are, so the escaped form is for
 * people; exact names are in the JSON outputs. */

/* The next piece of s (len > 0 bytes) as it is to be shown: returns its
 * length and sets *hidden to 0 for a run of characters shown as they are,
 * to 1 for one character (or one byte that is not UTF-8) to be shown as its
 * escape (tg_utf8_escape_one). */
size_t tg_utf8_next_shown(const char *s, size_t len, int *hidden);
/* The escape of a hidden piece (n bytes, from tg_utf8_next_shown) into buf,
 * NUL-terminated: at most 11 bytes with the NUL. */
void tg_utf8_escape_one(const char *s, size_t n, char buf[static 12]);
/* A malloc'd copy of the string s with every hidden piece escaped: the form
 * in which every program shows a name on a terminal.  NULL gives "". */
char *tg_utf8_terminal(const char *s);

/* Length in bytes of the UTF-8 sequence starting at s (1 if invalid). */
size_t tg_utf8_seqlen(const char *s, size_t avail);

/* ==== Words hyphenated at a line end ===================================== */

/* Joins, in b from byte `from` on, the words that a line end cut with a
 * hyphen ("Col-\nlaboration", "deten-\nción"), as typesetters and OCR
 * leave them: the tail moves up to the end of the line ("Collaboration\n"),
 * with what sticks to it (punctuation), so the word is whole in the stored
 * text, the index and snippets.  A soft hyphen (U+00AD) at a line end is
 * always a cut.  A hyphen ('-' or U+2010) is a cut when the tail starts in
 * lowercase (or both parts are capitals) and the lexicon says so: the
 * joined word is a word (or an inflection of one), or not both parts are
 * words; a compound whose parts are both words and whose join is not
 * ("franco-\nvenezolano", "well-\nknown") keeps its hyphen and line end.
 * lx: the lexicon to ask; NULL for tg_lexicon_system(), read only when a
 * candidate is met.  An empty lexicon (no word lists installed) joins
 * every line-end hyphen before a lowercase letter, as pdftotext does.
 * Page breaks ('\f') and blank lines are never crossed.  The text only
 * gets shorter.  Returns the number of words joined. */
size_t tg_text_join_hyphens(tg_buf_t *b, size_t from, const tg_lexicon_t *lx);

/* ==== Folding ============================================================ */

/* Case- and diacritic-folds a word: NFKC compatibility forms, case folded,
 * marks removed ("RODRÍGUEZ" -> "rodriguez", "niño" -> "nino",
 * "ﬁn" -> "fin").  Appends to out; returns the number of bytes appended. */
size_t tg_fold(const char *s, size_t len, tg_buf_t *out);
/* tg_fold of a short word into out[cap], NUL-terminated: returns the
 * folded length, or 0 (out "") when the word has cap bytes or more, folds
 * to nothing, or folds to cap bytes or more.  A word of ASCII is folded
 * here (lowercased); any other goes through tg_fold in scratch (reset
 * first), whose cap bounds the fold as tg_fold's own output would be.
 * For the scanners that fold every word of a text (lib/evidence): most
 * words are ASCII, and the call and the copy cost more than the fold. */
size_t tg_fold_short(const char *s, size_t len, char *out, size_t cap, tg_buf_t *scratch);
/* Lowercases (case folds) without removing marks: the input to stemmers. */
size_t tg_lower(const char *s, size_t len, tg_buf_t *out);

/* Case of a word, for telling names from other words. */
typedef enum {
    TG_CASE_NONE = 0,  /* does not start with a cased letter ("1ro", "42", Han) */
    TG_CASE_LOWER = 1, /* starts with a lowercase letter: "maría", "iPhone" */
    TG_CASE_TITLE = 2, /* starts uppercase, some lowercase after: "María", "McDonald" */
    TG_CASE_UPPER = 3, /* every cased letter uppercase: "MARÍA", "V" */
} tg_case_t;

tg_case_t tg_word_case(const char *s, size_t len);

/* ==== Tokenizing ========================================================= */

/* Words are maximal runs of letters, marks and digits.  Inside a number, a
 * '.' or ',' between two digits is part of the word ("12.345.678", "3,5").
 * Each Han, kana or hangul character is a word by itself, since those
 * scripts do not separate words by spaces. */
typedef struct {
    const char *text;
    size_t len;
    size_t off; /* where the next search starts */
} tg_tok_t;

void tg_tok_init(tg_tok_t *t, const char *text, size_t len);
/* Finds the next word; sets [*start, *end) byte offsets into text and returns 1,
 * or returns 0 at the end. */
int tg_tok_next(tg_tok_t *t, size_t *start, size_t *end);

/* Longest folded word the index keeps, in bytes; longer runs are noise
 * (base64, hashes) and are skipped, though they still take a position. */
#define TG_MAX_WORD 64

#endif
