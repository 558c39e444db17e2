/* Lexicons of folded words (see lexicon.h).
 *
 * Storage: every word once, folded, in one arena as [length byte][bits
 * byte][bytes]; an open-addressing table (linear probing, at most half
 * full) of arena offsets + 1.  Building reads each list once: ASCII words
 * in lowercase (most of them) are copied, others go through tg_fold.
 *
 * Workload: built once per process (a worker, at its first paged
 * document), then a few lookups per line-end hyphen.  Lists are input from
 * the system, not from documents, but are still read within caps: a word
 * over TG_MAX_WORD bytes folded is skipped, a list is read up to
 * TG_LEXICON_MAX_FILE bytes, the lexicon holds at most
 * TG_LEXICON_MAX_WORDS words.  Never prints. */
#define _POSIX_C_SOURCE 200809L
#include "lexicon.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "hash.h"
#include "text.h"
#include "util.h"

/* internal bit: some list writes the word in lowercase */
#define SEEN_LOWER 0x40u

struct tg_lexicon {
    unsigned char *arena; /* entries: [len][bits][bytes] */
    size_t used, alloc;   /* bytes */
    uint32_t *slots;      /* arena offset + 1; 0: empty */
    size_t nslots;        /* a power of two */
    size_t n;             /* words */
};

tg_lexicon_t *tg_lexicon_new(void)
{
    tg_lexicon_t *lx = tg_xcalloc(1, sizeof *lx);
    lx->nslots = 1024;
    lx->slots = tg_xcalloc(lx->nslots, sizeof *lx->slots);
    return lx;
}

void tg_lexicon_free(tg_lexicon_t *lx)
{
    if (!lx)
        return;
    free(lx->arena);
    free(lx->slots);
    free(lx);
}

size_t tg_lexicon_size(const tg_lexicon_t *lx)
{
    return lx ? lx->n : 0;
}

/* The slot holding the word, or the empty slot where it would go. */
static size_t probe(const tg_lexicon_t *lx, const char *w, size_t len)
{
    size_t mask = lx->nslots - 1, i = tg_fnv1a(w, len) & mask;
    for (;;) {
        uint32_t o = lx->slots[i];
        if (!o)
            return i;
        const unsigned char *e = lx->arena + o - 1;
        if (e[0] == len && !memcmp(e + 2, w, len))
            return i;
        i = (i + 1) & mask;
    }
}

static void grow(tg_lexicon_t *lx)
{
    size_t old = lx->nslots;
    uint32_t *os = lx->slots;
    lx->nslots = old * 2;
    lx->slots = tg_xcalloc(lx->nslots, sizeof *lx->slots);
    for (size_t i = 0; i < old; i++) {
        if (!os[i])
            continue;
        const unsigned char *e = lx->arena + os[i] - 1;
        lx->slots[probe(lx, (const char *)e + 2, e[0])] = os[i];
    }
    free(os);
}

/* Adds a folded word with bits; TG_ERR_LIMIT when full. */
static tg_status_t insert(tg_lexicon_t *lx, const char *w, size_t len, unsigned bits)
{
    size_t i = probe(lx, w, len);
    if (lx->slots[i]) {
        lx->arena[lx->slots[i] - 1 + 1] |= (unsigned char)bits;
        return TG_OK;
    }
    if (lx->n >= TG_LEXICON_MAX_WORDS || lx->used + len + 2 >= UINT32_MAX)
        return TG_ERR_LIMIT;
    if (lx->used + len + 2 > lx->alloc) {
        lx->alloc = lx->alloc ? lx->alloc * 2 : (size_t)1 << 16;
        lx->arena = tg_xrealloc(lx->arena, lx->alloc);
    }
    unsigned char *e = lx->arena + lx->used;
    e[0] = (unsigned char)len;
    e[1] = (unsigned char)bits;
    memcpy(e + 2, w, len);
    lx->slots[i] = (uint32_t)(lx->used + 1);
    lx->used += len + 2;
    lx->n++;
    if (lx->n * 2 > lx->nslots)
        grow(lx);
    return TG_OK;
}

tg_status_t tg_lexicon_add_words(tg_lexicon_t *lx, const char *data, size_t len, unsigned langs)
{
    tg_buf_t f;
    tg_buf_init(&f, 4 * TG_MAX_WORD + 16);
    tg_status_t st = TG_OK;
    langs &= 0x3Fu;
    size_t i = 0;
    while (i < len && !st) {
        const char *nl = memchr(data + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - data) : len;
        const char *w = data + i;
        size_t wl = end - i;
        i = end + 1;
        if (wl && w[wl - 1] == '\r')
            wl--;
        if (wl == 0 || wl > 4 * TG_MAX_WORD || w[0] == '#' || memchr(w, ' ', wl) ||
            memchr(w, '\'', wl) || memchr(w, '\t', wl))
            continue;
        /* ASCII letters (most words): lowercased here, no tg_fold */
        char low[TG_MAX_WORD];
        size_t k = 0;
        for (; k < wl && k < TG_MAX_WORD; k++) {
            char c = w[k];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c + 32);
            else if (!((c >= 'a' && c <= 'z') || c == '-'))
                break;
            low[k] = c;
        }
        unsigned bits = langs;
        if (k == wl) {
            st = insert(lx, low, wl, bits | (w[0] >= 'a' && w[0] <= 'z' ? SEEN_LOWER : 0));
            continue;
        }
        if (tg_word_case(w, wl) == TG_CASE_LOWER)
            bits |= SEEN_LOWER;
        tg_buf_reset(&f);
        if (tg_fold(w, wl, &f) == 0 || f.len > TG_MAX_WORD)
            continue;
        st = insert(lx, f.data, f.len, bits);
    }
    tg_buf_free(&f);
    return st;
}

tg_status_t tg_lexicon_add_file(tg_lexicon_t *lx, const char *path, unsigned langs)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? TG_ERR_NOTFOUND : TG_ERR_IO;
    tg_status_t st = TG_OK;
    size_t cap = (size_t)1 << 20, len = 0;
    char *data = tg_xmalloc(cap);
    for (;;) {
        if (len == cap) {
            if (cap >= TG_LEXICON_MAX_FILE)
                break;
            cap *= 2;
            data = tg_xrealloc(data, cap);
        }
        ssize_t r = read(fd, data + len, cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            st = TG_ERR_IO;
            goto out;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    /* a list cut at the cap loses its last, partial line */
    if (len == TG_LEXICON_MAX_FILE)
        while (len > 0 && data[len - 1] != '\n')
            len--;
    st = tg_lexicon_add_words(lx, data, len, langs);
out:
    free(data);
    close(fd);
    return st;
}

unsigned tg_lexicon_find(const tg_lexicon_t *lx, const char *folded, size_t len)
{
    if (!lx || lx->n == 0 || len == 0 || len > TG_MAX_WORD)
        return 0;
    uint32_t o = lx->slots[probe(lx, folded, len)];
    if (!o)
        return 0;
    unsigned bits = lx->arena[o - 1 + 1];
    return (bits & 0x3Fu) | (bits & SEEN_LOWER ? 0 : TG_LEX_NAME);
}

/* ==== Inflections ======================================================== */

/* Regular endings and what replaces them to give the form the lists hold:
 * Spanish verb forms of the three conjugations and adverbs in -mente
 * (plurals and feminines are tried by tg_lexicon_knows itself). */
static const struct {
    const char *end, *rep;
} rules[] = {
    /* Spanish verbs, first conjugation (-ar) */
    {"ados", "ar"},
    {"adas", "ar"},
    {"ado", "ar"},
    {"ada", "ar"},
    {"ando", "ar"},
    {"abamos", "ar"},
    {"aban", "ar"},
    {"abas", "ar"},
    {"aba", "ar"},
    {"aron", "ar"},
    {"aria", "ar"},
    {"arian", "ar"},
    {"aremos", "ar"},
    {"aran", "ar"},
    {"ara", "ar"},
    {"amos", "ar"},
    {"adores", "ar"},
    {"adoras", "ar"},
    {"adora", "ar"},
    {"ador", "ar"},
    {"an", "ar"},
    {"as", "ar"},
    {"a", "ar"},
    {"o", "ar"},
    {"e", "ar"},
    {"en", "ar"},
    /* second and third (-er, -ir) */
    {"idos", "er"},
    {"idas", "er"},
    {"ido", "er"},
    {"ida", "er"},
    {"iendo", "er"},
    {"ieron", "er"},
    {"ian", "er"},
    {"ia", "er"},
    {"imos", "er"},
    {"emos", "er"},
    {"iamos", "er"},
    {"iamos", "ir"},
    {"io", "er"},
    {"idos", "ir"},
    {"idas", "ir"},
    {"ido", "ir"},
    {"ida", "ir"},
    {"iendo", "ir"},
    {"ieron", "ir"},
    {"ian", "ir"},
    {"ia", "ir"},
    {"imos", "ir"},
    {"io", "ir"},
    {"en", "er"},
    {"en", "ir"},
    {"e", "er"},
    {"e", "ir"},
    /* adverbs */
    {"amente", "o"},
    {"mente", ""},
};

/* The bits of stem + rep, the first `stem` bytes of w followed by rep. */
static unsigned with(const tg_lexicon_t *lx, const char *w, size_t stem, const char *rep)
{
    char t[2 * TG_MAX_WORD + 16];
    size_t rl = strlen(rep);
    if (stem + rl > sizeof t)
        return 0;
    memcpy(t, w, stem);
    memcpy(t + stem, rep, rl);
    return tg_lexicon_find(lx, t, stem + rl);
}

static int ends_with(const char *w, size_t len, const char *end)
{
    size_t n = strlen(end);
    return len >= n && !memcmp(w + len - n, end, n);
}

unsigned tg_lexicon_knows(const tg_lexicon_t *lx, const char *word, size_t len)
{
    if (!lx || lx->n == 0 || len == 0 || len > 4 * TG_MAX_WORD)
        return 0;
    char fw[TG_MAX_WORD];
    tg_buf_t f;
    tg_buf_init(&f, 4 * TG_MAX_WORD + 16);
    tg_fold(word, len, &f);
    size_t n = f.len;
    if (n == 0 || n > TG_MAX_WORD) {
        tg_buf_free(&f);
        return 0;
    }
    memcpy(fw, f.data, n);
    tg_buf_free(&f);
    return tg_lexicon_knows_folded(lx, fw, n);
}

unsigned tg_lexicon_knows_folded(const tg_lexicon_t *lx, const char *fw, size_t n)
{
    if (!lx || lx->n == 0 || n == 0 || n > TG_MAX_WORD)
        return 0;
    /* every reading counts: "politicos" is an English word as written and
     * the plural of a Spanish one */
    unsigned r[8 + TG_ARRAY_LEN(rules)], k = 0;
    r[k++] = tg_lexicon_find(lx, fw, n);
    /* plurals: -ces of -z, -es, -s; then feminines -a, -as of -o */
    if (ends_with(fw, n, "ces") && n > 4)
        r[k++] = with(lx, fw, n - 3, "z");
    if (ends_with(fw, n, "es") && n > 4)
        r[k++] = with(lx, fw, n - 2, "");
    if (ends_with(fw, n, "s") && n > 3)
        r[k++] = with(lx, fw, n - 1, "");
    if (ends_with(fw, n, "as") && n > 4)
        r[k++] = with(lx, fw, n - 2, "o");
    if (ends_with(fw, n, "a") && n > 3)
        r[k++] = with(lx, fw, n - 1, "o");
    /* given names are not a language: a reading only they hold is none */
    for (unsigned i = 0; i < k; i++)
        if (!(r[i] & (TG_LEX_ES | TG_LEX_EN)))
            r[i] = 0;
    unsigned langs = 0;
    for (unsigned i = 0; i < k; i++)
        langs |= r[i];
    /* verb forms and adverbs are Spanish: once Spanish, no need to look */
    for (size_t i = 0; i < TG_ARRAY_LEN(rules) && !(langs & TG_LEX_ES); i++) {
        size_t el = strlen(rules[i].end);
        /* a stem of at least 2 letters: "da" is not a form of "dar" */
        if (n >= el + 2 && ends_with(fw, n, rules[i].end)) {
            r[k] = with(lx, fw, n - el, rules[i].rep);
            if (r[k] & TG_LEX_ES) {
                r[k] &= TG_LEX_ES | TG_LEX_NAME;
                langs |= r[k++];
            }
        }
    }
    /* a name when every reading found is a name */
    int common = 0;
    for (unsigned i = 0; i < k; i++)
        common |= r[i] && !(r[i] & TG_LEX_NAME);
    langs &= TG_LEX_ES | TG_LEX_EN;
    return langs && !common ? langs | TG_LEX_NAME : langs;
}

/* ==== The system's lists ================================================= */

/* Testigo's given names (lib/base/given-names.txt), embedded by the
 * Makefile (scripts/embed.sh). */
extern const tg_blob_t tg_given_names[];

static tg_lexicon_t *system_lexicon;
static pthread_once_t system_once = PTHREAD_ONCE_INIT;

static void load_system(void)
{
    static const struct {
        const char *name;
        unsigned langs;
    } lists[] = {
        {"spanish", TG_LEX_ES},
        {"american-english", TG_LEX_EN},
        {"british-english", TG_LEX_EN},
    };
    const char *dir = getenv("TESTIGO_DICT_DIR");
    if (!dir || !*dir)
        dir = "/usr/share/dict";
    tg_lexicon_t *lx = tg_lexicon_new();
    /* room for the three lists' ~160,000 folded words without rehashing */
    free(lx->slots);
    lx->nslots = (size_t)1 << 19;
    lx->slots = tg_xcalloc(lx->nslots, sizeof *lx->slots);
    for (size_t i = 0; i < TG_ARRAY_LEN(lists); i++) {
        char *path = tg_xasprintf("%s/%s", dir, lists[i].name);
        tg_lexicon_add_file(lx, path, lists[i].langs); /* a missing list is left out */
        free(path);
    }
    for (const tg_blob_t *b = tg_given_names; b->name; b++)
        tg_lexicon_add_words(lx, (const char *)b->data, b->len, TG_LEX_GIVEN);
    system_lexicon = lx;
}

const tg_lexicon_t *tg_lexicon_system(void)
{
    pthread_once(&system_once, load_system);
    return system_lexicon;
}
