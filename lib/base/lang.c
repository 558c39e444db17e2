/* Language identification (see lang.h).
 *
 * First a vote of function words, for the common case: a text plainly in
 * Spanish or in English is decided by the short words it cannot do
 * without ("los", "sus", "cuando"; "the", "which", "their"), counted
 * against those of the languages an archive of this kind may also hold or
 * that are easily mistaken for Spanish (Portuguese, Galician, Catalan,
 * Italian, French, German, Dutch).  Each list keeps only words the others
 * do not use, so one language's count is not inflated by its neighbours'.
 * The vote decides only when it is clear: at least MIN_VOTES words, four
 * times as many as any other language; or, for a short paragraph, where
 * textcat's n-grams are too few to trust, at least MIN_SHORT_VOTES words
 * and none of any other language.  A text of Spanish with English in it
 * (quotes, names of organisations, a translation beside the original), or
 * the reverse, has too many of both for that margin; a second vote, of
 * Spanish against English only, then counts also the words each shares
 * with its neighbours but not with the other ("de", "que", "el"; "in",
 * "is", "was"): at least MIN_VOTES, three times the other's, and no
 * neighbour with a quarter of the leader's own words.  Over the Spanish
 * and English manual pages of Debian, its Spanish translations and the
 * benchmark's texts it agrees with textcat but where textcat's 1 KB is
 * English in a Spanish page or takes Spanish for Catalan; it decides no
 * page in Portuguese, Italian, French, German or Dutch.  Each vote costs
 * about 1/50 of textcat's guess on the same text.
 *
 * Otherwise, libexttextcat: it answers "[es--utf8]" when sure, several
 * candidates when unsure, and "SHORT" or "UNKNOWN".  With several
 * candidates the first is taken only if the sample is long enough for
 * n-gram statistics to mean something, or if it is Spanish or English and
 * the function words lean the same way with no vote against; other short
 * fragments ("Testimonio de la madre" comes back as Esperanto) are "und",
 * and the indexer then stems them both ways. */
#define _GNU_SOURCE /* memfd_create */
#include "lang.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <textcat.h>

#include "hash.h"
#include "util.h"

#ifndef TG_TEXTCAT_DIR
#define TG_TEXTCAT_DIR "/usr/share/libexttextcat/"
#endif

/* Enough text for a stable guess; more only costs time.  Over the sample
 * corpus and 800 files of the benchmark, 1 KB gave the same answers as
 * 2 KB for 21% fewer instructions per guess (1.43M against 1.81M; most of
 * the rest is a per-call cost inside textcat). */
#define SAMPLE_BYTES 1024
/* Below this many bytes an ambiguous guess is not trusted. */
#define MIN_AMBIGUOUS_BYTES 400

/* Votes needed for the function words to decide, and the margin over the
 * next language. */
#define MIN_VOTES   8
#define VOTE_MARGIN 4
/* The margin of the second vote, Spanish against English. */
#define WIDE_MARGIN 3
/* ...or, with no vote for any other language, this many, being at least
 * one word in SHORT_VOTE_SHARE of the text's words */
#define MIN_SHORT_VOTES  3
#define SHORT_VOTE_SHARE 12
/* Bytes of text the vote reads. */
#define VOTE_BYTES 4096
/* Bytes of the longest word in the lists ("cualquier"; at 8, as it was,
 * "cualquier" was never read). */
#define VOTE_WORD_MAX 9

struct tg_langid {
    void *tc;
};

/* ==== The function-word vote =============================================== */

/* The languages (V_ES..V_NL), then the words only the second vote,
 * Spanish against English, counts (with each language's own): W_ES those
 * Spanish shares with its neighbours but not with English ("de", "que",
 * "el"), W_EN common English ones its first list leaves out because a
 * neighbour has them too, or for want of room ("in", "is", "was",
 * "for"). */
enum {
    V_ES,
    V_EN,
    V_PT,
    V_GL,
    V_CA,
    V_IT,
    V_FR,
    V_DE,
    V_NL,
    V_LANGS,
    W_ES = V_LANGS,
    W_EN,
    V_COUNT
};
static const char *const vote_code[V_LANGS] = {"es", "en", "pt", "gl", "ca",
                                               "it", "fr", "de", "nl"};

/* Words each language uses often and the others in this list do not (so
 * not "de", "que", "la", "el", "por", "para", "con": Spanish shares them
 * with its neighbours; not "i", which is English's "I" lowercased; not
 * "o", "e", "da", "dos", which Spanish has too).  The W_ES and W_EN words
 * count only in the second vote: Spanish's shared with its neighbours and
 * not English words ("a", "no", "he", "me", "son", "sin" are both), and
 * common English words that are not Spanish ones.  Sorted by word (C
 * locale, bytes), one entry per word; a word in two lists has both
 * bits. */
#define B(l) (1u << (l))
typedef struct {
    const char *w;
    unsigned langs;
} vote_word_t;
static const vote_word_t vote_words[] = {
    {"aan", B(V_NL)},
    {"about", B(V_EN)},
    {"adem\xc3\xa1s", B(V_ES)},
    {"after", B(V_EN)},
    {"al", B(W_ES)},
    {"all", B(W_EN)},
    {"alla", B(V_IT)},
    {"amb", B(V_CA)},
    {"an", B(W_EN)},
    {"anche", B(V_IT)},
    {"and", B(V_EN)},
    {"ante", B(W_ES)},
    {"ao", B(V_PT)},
    {"aquest", B(V_CA)},
    {"aquesta", B(V_CA)},
    {"are", B(V_EN)},
    {"as", B(W_EN)},
    {"at", B(V_EN)},
    {"auch", B(V_DE)},
    {"auf", B(V_DE)},
    {"aunque", B(V_ES)},
    {"aux", B(V_FR)},
    {"avec", B(V_FR)},
    {"ayer", B(V_ES)},
    {"be", B(V_EN)},
    {"been", B(V_EN)},
    {"but", B(V_EN)},
    {"by", B(V_EN)},
    {"can", B(W_EN)},
    {"cando", B(V_GL)},
    {"cette", B(V_FR)},
    {"che", B(V_IT)},
    {"co", B(V_GL)},
    {"coa", B(V_GL)},
    {"como", B(W_ES)},
    {"con", B(W_ES)},
    {"cualquier", B(V_ES)},
    {"cuando", B(V_ES)},
    {"cu\xc3\xa1l", B(V_ES)},
    {"cu\xc3\xa1ndo", B(V_ES)},
    {"c\xc3\xb3mo", B(V_ES)},
    {"dans", B(V_FR)},
    {"dat", B(V_NL)},
    {"de", B(W_ES)},
    {"degli", B(V_IT)},
    {"del", B(W_ES)},
    {"della", B(V_IT)},
    {"delle", B(V_IT)},
    {"dels", B(V_CA)},
    {"dem", B(V_DE)},
    {"den", B(V_DE)},
    {"der", B(V_DE)},
    {"des", B(V_FR)},
    {"desde", B(W_ES)},
    {"despu\xc3\xa9s", B(V_ES)},
    {"die", B(V_DE)},
    {"dijo", B(V_ES)},
    {"do", B(V_PT) | B(V_GL)},
    {"donde", B(V_ES)},
    {"du", B(V_FR)},
    {"durante", B(W_ES)},
    {"d\xc3\xb3nde", B(V_ES)},
    {"een", B(V_NL)},
    {"ein", B(V_DE)},
    {"eine", B(V_DE)},
    {"el", B(W_ES)},
    {"ella", B(V_ES)},
    {"elle", B(V_FR)},
    {"ellos", B(V_ES)},
    {"els", B(V_CA)},
    {"em", B(V_PT)},
    {"en", B(W_ES)},
    {"entonces", B(V_ES)},
    {"entre", B(W_ES)},
    {"es", B(W_ES)},
    {"eso", B(V_ES)},
    {"est", B(V_FR)},
    {"esta", B(W_ES)},
    {"estaba", B(V_ES)},
    {"este", B(W_ES)},
    {"esto", B(V_ES)},
    {"estos", B(V_ES)},
    {"estoy", B(V_ES)},
    {"est\xc3\xa1n", B(V_ES)},
    {"et", B(V_FR)},
    {"for", B(W_EN)},
    {"from", B(V_EN)},
    {"fue", B(V_ES)},
    {"fueron", B(V_ES)},
    {"f\xc3\xbcr", B(V_DE)},
    {"gli", B(V_IT)},
    {"hacia", B(V_ES)},
    {"has", B(V_EN)},
    {"hasta", B(V_ES)},
    {"have", B(V_EN)},
    {"hay", B(V_ES)},
    {"he", B(V_EN)},
    {"hemos", B(V_ES)},
    {"her", B(V_EN)},
    {"het", B(V_NL)},
    {"him", B(V_EN)},
    {"his", B(V_EN)},
    {"hoy", B(V_ES)},
    {"if", B(W_EN)},
    {"in", B(W_EN)},
    {"is", B(W_EN)},
    {"ist", B(V_DE)},
    {"it", B(V_EN)},
    {"its", B(V_EN)},
    {"je", B(V_FR)},
    {"la", B(W_ES)},
    {"las", B(V_ES)},
    {"le", B(W_ES)},
    {"les", B(W_ES)},
    {"lo", B(W_ES)},
    {"los", B(V_ES)},
    {"luego", B(V_ES)},
    {"mais", B(V_FR)},
    {"met", B(V_NL)},
    {"mientras", B(V_ES)},
    {"mit", B(V_DE)},
    {"moito", B(V_GL)},
    {"molt", B(V_CA)},
    {"mucho", B(V_ES)},
    {"muchos", B(V_ES)},
    {"muito", B(V_PT)},
    {"muy", B(V_ES)},
    {"m\xc3\xa1is", B(V_GL)},
    {"m\xc3\xa1s", B(W_ES)},
    {"naar", B(V_NL)},
    {"nadie", B(V_ES)},
    {"nel", B(V_IT)},
    {"nicht", B(V_DE)},
    {"niet", B(V_NL)},
    {"ninguna", B(V_ES)},
    {"ninguno", B(V_ES)},
    {"ning\xc3\xban", B(V_ES)},
    {"non", B(V_GL) | B(V_IT)},
    {"nos", B(W_ES)},
    {"nosotros", B(V_ES)},
    {"not", B(W_EN)},
    {"nous", B(V_FR)},
    {"nuestra", B(V_ES)},
    {"nuestro", B(V_ES)},
    {"nuestros", B(V_ES)},
    {"n\xc3\xa3o", B(V_PT)},
    {"of", B(V_EN)},
    {"on", B(V_EN)},
    {"ook", B(V_NL)},
    {"op", B(V_NL)},
    {"or", B(V_EN)},
    {"os", B(V_PT) | B(V_GL)},
    {"ou", B(V_FR)},
    {"our", B(V_EN)},
    {"para", B(W_ES)},
    {"pas", B(V_FR)},
    {"pela", B(V_PT)},
    {"pelo", B(V_PT)},
    {"per", B(V_CA) | B(V_IT)},
    {"pero", B(W_ES)},
    {"per\xc3\xb2", B(V_CA)},
    {"pi\xc3\xb9", B(V_IT)},
    {"pola", B(V_GL)},
    {"polo", B(V_GL)},
    {"por", B(W_ES)},
    {"pour", B(V_FR)},
    {"puede", B(V_ES)},
    {"pueden", B(V_ES)},
    {"pues", B(V_ES)},
    {"que", B(W_ES)},
    {"questo", B(V_IT)},
    {"qui", B(V_FR)},
    {"qu\xc3\xa9", B(V_ES)},
    {"said", B(V_EN)},
    {"se", B(W_ES)},
    {"seg\xc3\xban", B(V_ES)},
    {"she", B(V_EN)},
    {"sich", B(V_DE)},
    {"siempre", B(V_ES)},
    {"sin", B(V_ES)},
    {"sino", B(V_ES)},
    {"sobre", B(W_ES)},
    {"sono", B(V_IT)},
    {"sont", B(V_FR)},
    {"soy", B(V_ES)},
    {"su", B(W_ES)},
    {"sua", B(V_PT)},
    {"sur", B(V_FR)},
    {"sus", B(V_ES)},
    {"s\xc3\xad", B(W_ES)},
    {"tambi\xc3\xa9n", B(V_ES)},
    {"tampoco", B(V_ES)},
    {"tam\xc3\xa9n", B(V_GL)},
    {"tengo", B(V_ES)},
    {"than", B(V_EN)},
    {"that", B(V_EN)},
    {"the", B(V_EN)},
    {"their", B(V_EN)},
    {"them", B(V_EN)},
    {"there", B(V_EN)},
    {"they", B(V_EN)},
    {"this", B(V_EN)},
    {"tiene", B(V_ES)},
    {"tienen", B(V_ES)},
    {"to", B(V_EN)},
    {"todav\xc3\xad"
     "a",
     B(V_ES)},
    {"todo", B(W_ES)},
    {"um", B(V_PT)},
    {"uma", B(V_PT)},
    {"un", B(W_ES)},
    {"una", B(W_ES)},
    {"und", B(V_DE)},
    {"unha", B(V_GL)},
    {"usted", B(V_ES)},
    {"ustedes", B(V_ES)},
    {"van", B(V_NL)},
    {"voc\xc3\xaa", B(V_PT)},
    {"von", B(V_DE)},
    {"voor", B(V_NL)},
    {"vous", B(V_FR)},
    {"was", B(W_EN)},
    {"we", B(V_EN)},
    {"were", B(V_EN)},
    {"what", B(V_EN)},
    {"when", B(V_EN)},
    {"which", B(V_EN)},
    {"who", B(V_EN)},
    {"will", B(W_EN)},
    {"with", B(V_EN)},
    {"would", B(V_EN)},
    {"xa", B(V_GL)},
    {"y", B(W_ES)},
    {"ya", B(V_ES)},
    {"you", B(W_EN)},
    {"zijn", B(V_NL)},
    {"zu", B(V_DE)},
    {"\xc3\xa8", B(V_IT)},
    {"\xc3\xa9l", B(V_ES)},
    {"\xc3\xa9s", B(V_CA)},
    {"\xc3\xa9t\xc3\xa9", B(V_FR)},
};
#undef B

/* The words by hash (open addressing; an entry is an index + 1 into
 * vote_words, 0 empty), built once: a text's every word is looked up, and
 * a binary search over the list cost about 500 instructions a word. */
#define VOTE_SLOTS 1024
static unsigned short vote_slot[VOTE_SLOTS];
static pthread_once_t vote_once = PTHREAD_ONCE_INIT;

static void vote_index(void)
{
    _Static_assert(TG_ARRAY_LEN(vote_words) * 2 < VOTE_SLOTS, "vote_slot has room");
    for (size_t i = 0; i < TG_ARRAY_LEN(vote_words); i++) {
        /* each word once, and short enough to be read */
        assert(i == 0 || strcmp(vote_words[i - 1].w, vote_words[i].w) < 0);
        assert(strlen(vote_words[i].w) <= VOTE_WORD_MAX);
        size_t h = tg_fnv1a(vote_words[i].w, strlen(vote_words[i].w)) & (VOTE_SLOTS - 1);
        while (vote_slot[h])
            h = (h + 1) & (VOTE_SLOTS - 1);
        vote_slot[h] = (unsigned short)(i + 1);
    }
}

static const vote_word_t *vote_find(const char *w, size_t n)
{
    for (size_t h = tg_fnv1a(w, n) & (VOTE_SLOTS - 1); vote_slot[h];
         h = (h + 1) & (VOTE_SLOTS - 1)) {
        const vote_word_t *e = &vote_words[vote_slot[h] - 1];
        if (!strncmp(e->w, w, n) && e->w[n] == '\0')
            return e;
    }
    return NULL;
}

/* Bytes that end a word: ASCII that is not a letter.  Bytes of UTF-8
 * sequences count as letters, but for the punctuation of Spanish and of
 * typography, which the caller skips (punct_len). */
static int is_letter(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* Length of the punctuation mark at s (¡ ¿ « » no-break space, and the
 * U+2000-U+206F block: dashes, quotes, ellipsis), else 0. */
static size_t punct_len(const unsigned char *s, size_t n)
{
    if (n >= 2 && s[0] == 0xC2 &&
        (s[1] == 0xA1 || s[1] == 0xBF || s[1] == 0xAB || s[1] == 0xBB || s[1] == 0xA0))
        return 2;
    if (n >= 3 && s[0] == 0xE2 && (s[1] == 0x80 || s[1] == 0x81))
        return 3;
    return 0;
}

/* Counts the votes of each language in the first VOTE_BYTES of text;
 * *words gets the number of words read. */
static void count_votes(const char *text, size_t len, unsigned votes[V_COUNT], size_t *words)
{
    const unsigned char *s = (const unsigned char *)text;
    if (len > VOTE_BYTES)
        len = VOTE_BYTES;
    memset(votes, 0, V_COUNT * sizeof *votes);
    *words = 0;
    pthread_once(&vote_once, vote_index);
    size_t i = 0;
    while (i < len) {
        size_t p = punct_len(s + i, len - i);
        if (p || !is_letter(s[i])) {
            i += p ? p : 1;
            continue;
        }
        char w[VOTE_WORD_MAX + 1];
        size_t n = 0;
        int fits = 1;
        while (i < len && is_letter(s[i]) && !punct_len(s + i, len - i)) {
            if (n + 1 < sizeof w)
                w[n++] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
            else
                fits = 0;
            i++;
        }
        (*words)++;
        if (!fits)
            continue;
        const vote_word_t *hit = vote_find(w, n);
        if (!hit)
            continue;
        unsigned langs = hit->langs;
        for (unsigned l = 0; l < V_COUNT; l++)
            if (langs & (1u << l))
                votes[l]++;
    }
}

/* The most votes of any neighbour (Portuguese to Dutch). */
static unsigned neighbours(const unsigned votes[V_COUNT])
{
    unsigned most = 0;
    for (unsigned l = V_PT; l < V_LANGS; l++)
        if (votes[l] > most)
            most = votes[l];
    return most;
}

/* Spanish or English, whichever has more votes, and the most votes of any
 * other language. */
static unsigned leader(const unsigned votes[V_COUNT], unsigned *next)
{
    unsigned best = votes[V_ES] >= votes[V_EN] ? V_ES : V_EN;
    unsigned other = votes[best == V_ES ? V_EN : V_ES], n = neighbours(votes);
    *next = other > n ? other : n;
    return best;
}

/* What the counted votes decide: 1 with "es" or "en" in code, else 0. */
static int decide(const unsigned votes[V_COUNT], size_t words, char code[8])
{
    unsigned next;
    unsigned best = leader(votes, &next);
    /* a long text: many votes and a wide margin; a short one (a paragraph
     * of 25 words has three or four of these words) also when no other
     * language has any and the votes are not a few words lost in a text
     * of another kind */
    int clear = votes[best] >= MIN_VOTES && votes[best] >= VOTE_MARGIN * next;
    int short_clear =
        votes[best] >= MIN_SHORT_VOTES && next == 0 && votes[best] * SHORT_VOTE_SHARE >= words;
    if (!clear && !short_clear) {
        /* Spanish with English in it, or English with Spanish (quotes,
         * names of organisations, a translation beside the original): the
         * two languages' own words are too close for the first vote, but
         * the words each shares with its neighbours and not with the other
         * decide between them, when no neighbour has a word of its own
         * to speak of */
        unsigned es = votes[V_ES] + votes[W_ES], en = votes[V_EN] + votes[W_EN];
        best = es >= en ? V_ES : V_EN;
        unsigned mine = best == V_ES ? es : en, theirs = best == V_ES ? en : es;
        if (!(mine >= MIN_VOTES && mine >= WIDE_MARGIN * theirs && votes[best] > 0 &&
              votes[best] >= VOTE_MARGIN * neighbours(votes)))
            return 0;
    }
    strcpy(code, vote_code[best]);
    return 1;
}

int tg_langid_vote(const char *text, size_t len, char code[8])
{
    unsigned votes[V_COUNT];
    size_t words;
    count_votes(text, len, votes, &words);
    return decide(votes, words, code);
}

/* The languages an archive of this kind holds, or that are easily mistaken
 * for them.  Comparing a text with 15 models instead of Debian's 180 makes
 * identification twelve times cheaper; a text in another language comes
 * out as its nearest neighbour here, or "und". */
static const char *const languages[] = {"es", "en", "pt", "fr", "it",      "de", "ca", "gl",
                                        "eu", "nl", "ru", "ar", "zh-Hans", "ja", "la"};

/* Writes the configuration of the chosen models into an anonymous memory
 * file and returns its /proc path (textcat only reads configuration from a
 * path), or NULL. */
static int subset_conf(char *path, size_t len)
{
    FILE *in = fopen(TG_TEXTCAT_DIR "fpdb.conf", "r");
    if (!in)
        return -1;
    int fd = memfd_create("testigo-langs", MFD_CLOEXEC);
    if (fd < 0) {
        fclose(in);
        return -1;
    }
    char line[512];
    while (fgets(line, sizeof line, in)) {
        for (size_t i = 0; i < TG_ARRAY_LEN(languages); i++) {
            size_t n = strlen(languages[i]);
            if (!strncmp(line, languages[i], n) && line[n] == '.') {
                ssize_t w = write(fd, line, strlen(line));
                (void)w;
            }
        }
    }
    fclose(in);
    snprintf(path, len, "/proc/self/fd/%d", fd);
    return fd;
}

tg_status_t tg_langid_new(tg_langid_t **out)
{
    *out = NULL;
    char conf[64];
    int fd = subset_conf(conf, sizeof conf);
    void *tc = fd >= 0 ? special_textcat_Init(conf, TG_TEXTCAT_DIR) : NULL;
    if (fd >= 0)
        close(fd);
    if (!tc) /* no memory files here: every model */
        tc = special_textcat_Init(TG_TEXTCAT_DIR "fpdb.conf", TG_TEXTCAT_DIR);
    if (!tc)
        return TG_ERR_NOTFOUND;
    tg_langid_t *li = tg_xcalloc(1, sizeof *li);
    li->tc = tc;
    *out = li;
    return TG_OK;
}

void tg_langid_free(tg_langid_t *li)
{
    if (!li)
        return;
    textcat_Done(li->tc);
    free(li);
}

void tg_langid_guess(tg_langid_t *li, const char *text, size_t len, char code[8])
{
    strcpy(code, "und");
    unsigned votes[V_COUNT];
    size_t words;
    count_votes(text, len, votes, &words);
    if (decide(votes, words, code))
        return;
    if (len > SAMPLE_BYTES) {
        /* cut at a character boundary */
        len = SAMPLE_BYTES;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
    }
    if (len == 0)
        return;
    const char *r = textcat_Classify(li->tc, text, len);
    if (!r || r[0] != '[')
        return;
    /* "[es--utf8]..." -> "es"; "[zh-Hans--utf8]" -> "zh" */
    size_t n = strcspn(r + 1, "-]");
    if (n == 0 || n >= 8)
        return;
    if (strchr(r + 1, '[') && len < MIN_AMBIGUOUS_BYTES) {
        /* too short for n-grams alone: their first guess stands only if
         * it is Spanish or English and the function words agree (some
         * for it, none for any other language), as counted above: the
         * same text, under SAMPLE_BYTES */
        unsigned next;
        unsigned best = leader(votes, &next);
        if (!(n == 2 && !memcmp(r + 1, vote_code[best], 2) && votes[best] > 0 && next == 0))
            return;
    }
    memcpy(code, r + 1, n);
    code[n] = '\0';
}
