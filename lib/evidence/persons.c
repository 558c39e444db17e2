/* Person names in text (see persons.h).
 *
 * One pass over the shared tokenizer's words (text.h), through a window of
 * lookahead words (lookahead.h):
 *   - a name of the names list at the current word is taken at once,
 *     longest first;
 *   - a run of capitalised words joined by particles is kept as a
 *     candidate (with the "SURNAME, Given" reading when it has that shape,
 *     and a single surname after a title as a short form);
 *   - every word passed over is counted, and the words the text writes in
 *     lowercase are remembered (a capitalised word that also appears in
 *     lowercase is a common word: "Detención" at the start of a sentence).
 * At the end of the text, when all of that evidence is in, each candidate
 * is judged and reported, in text order.  Words are compared folded
 * (tg_fold), as the index compares them.
 *
 * Judging a run uses three kinds of knowledge:
 *   - the stop lists below, small on purpose: function words and the like
 *     that may open a sentence, titles, and the organisations and places
 *     this archive's documents name most (Venezuelan institutions,
 *     security forces, detention centres, rights groups, cities).  A word
 *     in them must not be a common surname ("Guardia" and "Sucre" are left
 *     out; "del Valle" and "de la Torre" are names);
 *   - the system's lexicon (lexicon.h: Debian's Spanish and English word
 *     lists): a capitalised common word that opens a run ("Comparece",
 *     "Seguidamente", "Boca" of "Boca de Aroa", "Arbitrary", "Buenas") is
 *     not part of a name, and a heading in capitals made of common words is
 *     not a name.  Only the opening word is judged so: surnames are often
 *     common words (Blanco, Rojas, Torres, Mora);
 *   - given names (the lexicon's TG_LEX_GIVEN, Testigo's own list): a given
 *     name is never such a common word ("Rosa María Blanco", "Marino
 *     Alvarado", "Milagros del Valle Carrasco").
 * The lexicon is read only when a run of two words or more is judged, so
 * text without any never pays for it.
 *
 * Workload: every word of every document, once; per word one fold of at
 * most 48 bytes and a hash lookup or two (a capitalised word a little
 * more); per candidate a few lexicon lookups.  Nothing here reads outside
 * [text, text + len), prints, or grows without a cap (MAX_ITEMS names,
 * MAX_POOL words of candidates, TG_PERSONS_MAX_LOWER lowercase words). */
#define _POSIX_C_SOURCE 200809L
#include "persons.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "lexicon.h"
#include "lookahead.h"
#include "text.h"
#include "util.h"

#define FOLD_MAX 48
/* Lookahead: the longest run looked at (5 words, particles, the comma
 * form's second half, and a word beyond). */
#define WIN 32
/* Words of one run looked at before it is given up as a headline. */
#define RUN_MAX 16

/* ==== Word lists (folded) ================================================== */

enum { C_COMMON = 1, C_TITLE = 2, C_PLACE = 4, C_ORG = 8 };
/* In the set only: the word is a particle (not a category of ptok_t.cat). */
enum { S_PARTICLE = 16 };

/* Words that may open a sentence, or are capitalised without being names:
 * articles, pronouns, prepositions, connectors, adverbs, months, weekdays,
 * heading words of documents, nationality adjectives. */
/* clang-format off */
static const char *const common_words[] = {
    "a", "al", "ante", "bajo", "con", "contra", "de", "del", "desde", "durante", "e", "el", "en",
    "entre", "hacia", "hasta", "la", "las", "lo", "los", "mediante", "o", "para", "por", "segun",
    "sin", "sobre", "tras", "u", "un", "una", "unas", "unos", "y", "ya", "este", "esta", "estos",
    "estas", "ese", "esa", "esos", "esas", "aquel", "aquella", "su", "sus", "mi", "mis", "tu",
    "tus", "nuestro", "nuestra", "nuestros", "nuestras", "yo", "ella", "ellos", "ellas",
    "nosotros", "ustedes", "usted", "que", "quien", "quienes", "cual", "cuales", "cuando", "donde",
    "como", "porque", "pero", "sino", "aunque", "si", "no", "ni", "tambien", "ademas", "luego",
    "despues", "antes", "entonces", "posteriormente", "finalmente", "asimismo", "igualmente",
    "mientras", "hoy", "ayer", "anoche", "manana", "todos", "todas", "todo", "toda", "cada",
    "otro", "otra", "otros", "otras", "mismo", "misma", "muy", "mas", "menos", "aqui", "alli",
    "ahi", "asi", "nunca", "siempre", "solo", "solamente", "incluso", "hace", "fue", "fueron",
    "era", "es", "son", "hay", "habia", "tiene", "estimado", "estimada", "querido", "querida",
    "atentamente", "saludos", "gracias", "hola", "bueno", "nota", "fecha", "asunto", "referencia",
    "ref", "anexo", "anexos", "pagina", "capitulo", "articulo", "seccion", "parte", "tomo",
    "numero", "caso", "expediente", "acta", "informe", "testimonio", "declaracion", "denuncia",
    "comunicado", "resumen", "introduccion", "conclusion", "conclusiones", "nombre", "nombres",
    "apellido", "apellidos", "edad", "direccion", "telefono", "correo", "cedula", "firma", "lugar",
    "hora", "motivo", "observaciones", "total", "dios", "senor", "virgen", "lunes", "martes",
    "miercoles", "jueves", "viernes", "sabado", "audiencia", "presentacion", "sentencia", "auto",
    "boleta", "orden", "oficio", "escrito", "solicitud", "medida", "medidas", "privativa",
    "privacion", "cautelar", "acusacion", "imputacion", "juicio", "recurso", "apelacion", "amparo",
    "habeas", "corpus", "dispositiva", "considerando", "hechos", "fundamentos", "derecho",
    "partes", "defensa", "notificacion", "citacion", "instancia", "primera", "segunda",
    "ejecucion", "funciones", "lista", "fuente", "contacto", "soy", "somos", "eres", "estoy",
    "estamos", "fui", "fuimos", "corresponsalia", "redaccion", "agencias", "especial", "enviado",
    "enviada", "the", "an", "and", "or", "of", "in", "on", "at", "to", "for", "from", "by", "with",
    "without", "after", "before", "since", "until", "about", "as", "but", "if", "when", "while",
    "where", "which", "who", "whom", "whose", "what", "why", "how", "this", "that", "these",
    "those", "his", "her", "their", "its", "our", "my", "your", "he", "she", "they", "we", "i",
    "it", "you", "there", "here", "then", "also", "however", "meanwhile", "according", "yesterday",
    "today", "tomorrow", "last", "next", "dear", "sincerely", "regards", "page", "chapter",
    "section", "note", "re", "subject", "date", "name", "case", "report", "statement", "summary",
    "annex", "appendix", "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "venezuelan", "venezuelans", "venezolano", "venezolana",
    "venezolanos", "colombian", "cuban", "american", "spanish", "english", "god", "lord",
    "urgente", "importante", "libertad", "justicia", "paz", "verdad", "democracia", "resistencia",
    "sos",
};
/* clang-format on */

/* Titles and roles before a name: not part of it. */
/* clang-format off */
static const char *const title_words[] = {
    "sr", "sra", "srta", "srs", "don", "dona", "dr", "dra", "doctor", "doctora", "lic", "licdo",
    "licda", "lcdo", "lcda", "licenciado", "licenciada", "abg", "abog", "abogado", "abogada", "ing", "ingeniero",
    "ingeniera", "prof", "profesor", "profesora", "gral", "general", "gen", "cnel", "coronel",
    "tcnel", "tte", "teniente", "cap", "capitan", "capitana", "sgto", "sargento", "cabo", "mayor",
    "comisario", "comisaria", "inspector", "inspectora", "detective", "fiscal", "juez", "jueza",
    "magistrado", "magistrada", "presidente", "presidenta", "vicepresidente", "vicepresidenta",
    "diputado", "diputada", "concejal", "alcalde", "alcaldesa", "gobernador", "gobernadora",
    "ministro", "ministra", "canciller", "embajador", "embajadora", "defensor", "defensora",
    "padre", "monsenor", "mons", "obispo", "cardenal", "hermano", "hermana", "periodista",
    "activista", "dirigente", "lider", "sindicalista", "preso", "presa", "detenido", "detenida",
    "ciudadano", "ciudadana", "senora", "senorita", "mr", "mrs", "ms", "sir", "dame", "president",
    "vice", "judge", "justice", "senator", "representative", "minister", "ambassador", "governor",
    "officer", "sergeant", "lieutenant", "colonel", "captain", "father", "bishop", "rev",
    "reverend", "journalist", "activist", "leader", "opposition", "prisoner", "attorney",
    "testigo", "victima", "imputado", "imputada", "acusado", "acusada", "familiar", "esposa",
    "esposo", "hijo", "hija", "madre", "tio", "tia", "primo", "prima", "abuelo", "abuela",
    "sobrino", "sobrina",
};
/* clang-format on */

/* Places: cities, states, countries, detention centres.  Not part of a
 * name ("Marino Alvarado de Caracas" is Marino Alvarado).  Places that are
 * also surnames or given names (Lara, Valera, Margarita) are left out. */
/* clang-format off */
static const char *const place_words[] = {
    "venezuela", "caracas", "maracaibo", "barquisimeto", "maracay", "cumana", "maturin", "barinas",
    "guanare", "coro", "tucupita", "tachira", "zulia", "carabobo", "aragua", "anzoategui",
    "monagas", "portuguesa", "apure", "yaracuy", "cojedes", "guarico", "amazonas", "colombia",
    "cuba", "brasil", "brazil", "espana", "spain", "mexico", "peru", "chile", "argentina",
    "ecuador", "panama", "miami", "madrid", "bogota", "cucuta", "europa", "europe",
    "latinoamerica", "altamira", "chacao", "petare", "catia", "helicoide", "tocoron", "tocuyito",
    "yare", "boleita", "tiuna", "ginebra", "geneva", "hague", "carora", "carupano", "guarenas",
    "guatire", "acarigua", "cabimas", "porlamar", "anaco", "calabozo", "guayana",
};
/* clang-format on */

/* Organisations and the words that make a run an organisation or a place
 * ("Ministerio Público", "Foro Penal", "San Cristóbal", "Human Rights
 * Watch"). */
/* clang-format off */
static const char *const org_words[] = {
    "ministerio", "ministry", "tribunal", "tribunales", "corte", "court", "fiscalia", "defensoria",
    "policia", "police", "fuerza", "fuerzas", "ejercito", "army", "armada", "servicio", "service",
    "departamento", "department", "universidad", "university", "escuela", "liceo", "colegio",
    "hospital", "clinica", "banco", "bank", "asamblea", "assembly", "consejo", "council",
    "comision", "commission", "comite", "committee", "oficina", "office", "organizacion",
    "organization", "fundacion", "foundation", "asociacion", "association", "federacion",
    "confederacion", "sindicato", "partido", "party", "movimiento", "frente", "alianza",
    "coalicion", "plataforma", "foro", "red", "network", "monitor", "observatorio", "programa",
    "proyecto", "centro", "center", "centre", "instituto", "institute", "agencia", "agency",
    "gobierno", "government", "estado", "municipio", "parroquia", "alcaldia", "gobernacion",
    "republica", "republic", "nacional", "national", "internacional", "international",
    "bolivariana", "bolivariano", "naciones", "nations", "unidas", "united", "human", "rights",
    "derechos", "humanos", "amnistia", "amnesty", "watch", "sebin", "dgcim", "gnb", "pnb", "cicpc",
    "faes", "fanb", "onu", "oea", "oas", "cpi", "icc", "tsj", "cne", "psuv", "mud", "provea",
    "cofavic", "ucv", "ucab", "cidh", "acnur", "unicef", "efe", "afp", "reuters", "bbc", "cnn",
    "press", "news", "noticias", "diario", "periodico", "newspaper", "times", "post", "journal",
    "radio", "television", "televisora", "canal", "globovision", "venevision", "twitter",
    "facebook", "instagram", "whatsapp", "youtube", "telegram", "tiktok", "calle", "avenida", "av",
    "plaza", "urbanizacion", "barrio", "sector", "zona", "carretera", "autopista", "puerto",
    "ciudad", "san", "santa", "santo", "cerro", "lago", "juzgado", "circuito", "penal", "judicial",
    "sala", "carcel", "prison", "internado", "penitenciario", "comando", "brigada", "division",
    "batallon", "regimiento", "zodi", "redi", "cuartel", "fuerte", "base", "aeropuerto", "airport",
    "terminal", "hotel", "iglesia", "church", "catedral", "parque", "estadio", "edificio",
    "residencias", "conjunto", "empresa", "company", "compania", "corporacion", "corporation",
    "petroleos", "pdvsa", "cantv", "corpoelec", "conatel", "seniat", "saime", "ley", "codigo",
    "constitucion", "decreto", "resolucion", "ramo", "rodeo", "tumba", "punto", "distrito",
    "district", "state", "county", "province", "region", "capital",
};
/* clang-format on */

static const char *const particles[] = {"de", "del", "la", "las", "los", "y"};

/* ==== A small string set =================================================== */

/* Open addressing over an arena of NUL-terminated strings; each entry has
 * a byte of value (the word-list category bits). */
typedef struct {
    uint32_t *off; /* arena offset + 1, 0 = empty */
    uint8_t *val;
    size_t cap, n, max;
    tg_buf_t arena;
} sset_t;

static void sset_init(sset_t *s, size_t max)
{
    memset(s, 0, sizeof *s);
    s->cap = 1024;
    s->off = tg_xcalloc(s->cap, sizeof *s->off);
    s->val = tg_xcalloc(s->cap, 1);
    s->max = max;
    tg_buf_init(&s->arena, (size_t)UINT32_MAX - 1);
}

static void sset_free(sset_t *s)
{
    free(s->off);
    free(s->val);
    tg_buf_free(&s->arena);
}

static size_t slot(const sset_t *s, const char *w, size_t n)
{
    size_t i = tg_fnv1a(w, n) & (s->cap - 1);
    while (s->off[i]) {
        const char *e = s->arena.data + s->off[i] - 1;
        if (!strncmp(e, w, n) && e[n] == '\0')
            return i;
        i = (i + 1) & (s->cap - 1);
    }
    return i;
}

/* The value of w, or 0 if absent. */
static uint8_t sset_get(const sset_t *s, const char *w, size_t n)
{
    size_t i = slot(s, w, n);
    return s->off[i] ? s->val[i] : 0;
}

static void sset_put(sset_t *s, const char *w, size_t n, uint8_t v)
{
    size_t i = slot(s, w, n);
    if (s->off[i]) {
        s->val[i] |= v;
        return;
    }
    if (s->n >= s->max)
        return;
    if ((s->n + 1) * 2 > s->cap) {
        sset_t g = *s;
        g.cap = s->cap * 2;
        g.off = tg_xcalloc(g.cap, sizeof *g.off);
        g.val = tg_xcalloc(g.cap, 1);
        for (size_t k = 0; k < s->cap; k++) {
            if (!s->off[k])
                continue;
            const char *e = s->arena.data + s->off[k] - 1;
            size_t j = slot(&g, e, strlen(e));
            g.off[j] = s->off[k];
            g.val[j] = s->val[k];
        }
        free(s->off);
        free(s->val);
        s->off = g.off;
        s->val = g.val;
        s->cap = g.cap;
        i = slot(s, w, n);
    }
    size_t at = s->arena.len;
    if (tg_buf_add(&s->arena, w, n) || tg_buf_addc(&s->arena, '\0'))
        return;
    s->off[i] = (uint32_t)at + 1;
    s->val[i] = v;
    s->n++;
}

/* The word lists as one set, built once per process (it is read-only
 * afterwards, so threads may share it). */
static sset_t lex;
static pthread_once_t lex_once = PTHREAD_ONCE_INIT;

static void lexicon(void)
{
    sset_init(&lex, 4096);
    static const struct {
        const char *const *w;
        size_t n;
        uint8_t cat;
    } lists[] = {
        {common_words, TG_ARRAY_LEN(common_words), C_COMMON},
        {title_words, TG_ARRAY_LEN(title_words), C_TITLE},
        {place_words, TG_ARRAY_LEN(place_words), C_PLACE},
        {org_words, TG_ARRAY_LEN(org_words), C_ORG},
        {particles, TG_ARRAY_LEN(particles), S_PARTICLE},
    };
    for (size_t l = 0; l < TG_ARRAY_LEN(lists); l++)
        for (size_t i = 0; i < lists[l].n; i++)
            sset_put(&lex, lists[l].w[i], strlen(lists[l].w[i]), lists[l].cat);
}

/* ==== Words ================================================================= */

typedef struct {
    size_t a, b;      /* bytes of the text */
    char f[FOLD_MAX]; /* folded, "" when longer */
    uint8_t fn;
    uint8_t cs; /* tg_case_t */
    uint8_t cat;
    uint8_t letters;    /* codepoints, up to 3 */
    uint8_t digits;     /* has a digit */
    uint8_t initial;    /* one capital letter followed by '.' */
    uint8_t sent_start; /* first word of a sentence, a line or the text */
    uint8_t particle;   /* de, del, la, las, los, y in any case */
    /* in a candidate: */
    uint8_t part;     /* a particle between two name words */
    uint8_t hyph;     /* joined to the word before by a hyphen */
    uint8_t after_of; /* the first word of a run after a capitalised word and
                       * "de" ("Dirección General de Contrainteligencia") */
    uint8_t nl;       /* a line ends between it and the word before */
} ptok_t;

/* What the scan keeps for the end, in text order. */
enum { I_LISTED, I_RUN, I_COMMA, I_WEAK };
typedef struct {
    uint8_t kind;
    size_t a, b;   /* bytes of the text */
    size_t w, n;   /* its words: pool[w, w + n) */
    size_t ng;     /* I_COMMA: pool[w, w + ng) is the surname half, the rest the given names */
    size_t person; /* I_LISTED: the person of the names list */
} item_t;

/* Names kept per text, and words of them. */
#define MAX_ITEMS 100000
#define MAX_POOL  400000

typedef struct {
    const char *text;
    size_t len;
    const tg_names_t *names;
    sset_t lower; /* the folded words written in lowercase */
    tg_buf_t fold;
    tg_look_t look;
    ptok_t win[WIN];
    ptok_t last; /* the last word loaded */
    int have_last;
    ptok_t before; /* the word before the current one */
    int have_before;
    int cap1, cap2;       /* the word before the current one, and the one before
                           * it, are capitalised */
    size_t alpha, nlower; /* words with letters; those in lowercase */
    int caps_only;        /* the text has almost no lowercase words */
    item_t *items;
    size_t nitems, citems;
    ptok_t *pool;
    size_t npool, cpool;
    const tg_lexicon_t *lx; /* read at the first judgement that needs it */
    tg_person_cb cb;
    void *ctx;
    int stop;
} scan_t;

static int is_ascii_in(unsigned char c, const char *set)
{
    return c != 0 && c < 0x80 && strchr(set, (char)c) != NULL;
}

/* Does the word at a start a sentence (or a line, or the text)? */
static int starts_sentence(const scan_t *s, size_t a)
{
    size_t i = a, steps = 0;
    while (i > 0 && steps++ < 16) {
        unsigned char c = (unsigned char)s->text[i - 1];
        if (is_ascii_in(c, " \t\r\"'([*-"))
            i--;
        else if (is_ascii_in(c, ".!?:;\n"))
            return 1;
        else if (c >= 0x80) {
            /* opening marks: ¿ ¡ « “ ‘ — – • */
            static const char *const marks[] = {"\xC2\xBF",     "\xC2\xA1",     "\xC2\xAB",
                                                "\xE2\x80\x9C", "\xE2\x80\x98", "\xE2\x80\x94",
                                                "\xE2\x80\x93", "\xE2\x80\xA2", "\xC2\xA0"};
            size_t k;
            for (k = 0; k < TG_ARRAY_LEN(marks); k++) {
                size_t m = strlen(marks[k]);
                if (i >= m && !memcmp(s->text + i - m, marks[k], m)) {
                    i -= m;
                    break;
                }
            }
            if (k == TG_ARRAY_LEN(marks))
                return 0;
        } else
            return 0;
    }
    return i == 0;
}

/* Endings of nouns and adverbs that are not names ("Comunicación",
 * "Finalmente", "Universidad", "Acompañamiento"), but for the given names
 * that have them. */
static int common_ending(const char *f, size_t n)
{
    static const char *const endings[] = {"cion", "sion", "mente", "idad", "miento"};
    static const char *const names[] = {"concepcion", "asuncion", "encarnacion", "purificacion",
                                        "ascension",  "trinidad", "natividad"};
    for (size_t i = 0; i < TG_ARRAY_LEN(endings); i++) {
        size_t e = strlen(endings[i]);
        if (n > e + 1 && !strcmp(f + n - e, endings[i])) {
            for (size_t k = 0; k < TG_ARRAY_LEN(names); k++)
                if (!strcmp(f, names[k]))
                    return 0;
            return 1;
        }
    }
    return 0;
}

static void classify(scan_t *s, ptok_t *t)
{
    const char *w = s->text + t->a;
    size_t n = t->b - t->a;
    t->fn = (uint8_t)tg_fold_short(w, n, t->f, FOLD_MAX, &s->fold);
    t->cs = (uint8_t)tg_word_case(w, n);
    /* one lookup for the categories and the particles */
    uint8_t v = t->fn ? sset_get(&lex, t->f, t->fn) : 0;
    t->cat = v & (uint8_t)~S_PARTICLE;
    t->particle = (v & S_PARTICLE) != 0;
    t->part = t->hyph = t->after_of = t->nl = 0;
    t->letters = 0;
    t->digits = 0;
    t->initial = 0;
    t->sent_start = 0;
    if (t->cs != TG_CASE_TITLE && t->cs != TG_CASE_UPPER)
        return; /* never part of a name: the rest is not needed */
    for (size_t i = 0; i < n && t->letters < 3; i += tg_utf8_seqlen(w + i, n - i))
        t->letters++;
    for (size_t i = 0; i < n; i++)
        if (w[i] >= '0' && w[i] <= '9')
            t->digits = 1;
    if (!t->cat && common_ending(t->f, t->fn))
        t->cat = C_COMMON;
    t->initial = t->letters == 1 && t->cs == TG_CASE_UPPER && t->b < s->len && s->text[t->b] == '.';
    t->sent_start = (uint8_t)starts_sentence(s, t->a);
    /* "Sr. Pérez", "José A. Pérez": the dot of a title or an initial does
     * not end a sentence */
    if (t->sent_start && s->have_last && t->a > 0 && ((s->last.cat & C_TITLE) || s->last.initial)) {
        size_t i = t->a;
        while (i > 0 && (s->text[i - 1] == ' ' || s->text[i - 1] == '\t'))
            i--;
        if (i > 0 && s->text[i - 1] == '.' && i - 1 == s->last.b)
            t->sent_start = 0;
    }
}

static void fill(void *ctx, void *word, size_t a, size_t b)
{
    scan_t *s = ctx;
    ptok_t *t = word;
    t->a = a;
    t->b = b;
    classify(s, t);
    s->last = *t;
    s->have_last = 1;
}

static ptok_t *at(scan_t *s, size_t k)
{
    return tg_look_at(&s->look, k);
}

/* Moves on by k words, counting each word passed over (the evidence of
 * lowercase words). */
static void pass(scan_t *s, size_t k)
{
    ptok_t *t = NULL;
    for (size_t i = 0; i < k && (t = at(s, 0)); i++) {
        if (t->cs != TG_CASE_NONE)
            s->alpha++;
        if (t->cs == TG_CASE_LOWER) {
            s->nlower++;
            if (t->fn)
                sset_put(&s->lower, t->f, t->fn, 1);
        }
        s->cap2 = s->cap1;
        s->cap1 = t->cs == TG_CASE_TITLE || t->cs == TG_CASE_UPPER;
        if (i + 1 == k) {
            s->before = *t;
            s->have_before = 1;
        }
        tg_look_advance(&s->look, 1);
    }
}

/* ==== Gaps ================================================================= */

/* Spaces (one line break at most), or what an initial or a hyphen puts
 * between two words of a name; list: a listed name may also be written
 * with a comma ("ALVARADO, Marino"), quotes (Néstor "el Negro" Ñáñez) or
 * a tab.  A tab is not inside a name found by its shape: it separates the
 * cells of a table ("Ovidio Lárez<TAB>Upata"). */
static int name_gap(const char *g, size_t n, int after_initial, int list)
{
    if (n == 0 || n > 8)
        return 0;
    if (n == 1 && g[0] == '-')
        return 1;
    int nl = 0, dot = 0, comma = 0, spaces = 0;
    for (size_t i = 0; i < n; i++) {
        char c = g[i];
        /* four spaces or more part the columns of a signature line or a
         * table ("Wilfredo Antonio Chirinos        Recibe: ...") */
        spaces = c == ' ' ? spaces + 1 : 0;
        if (spaces >= 4 && !list)
            return 0;
        if (c == ' ' || c == '\r' || (c == '\t' && list))
            continue;
        if (c == '\n') {
            if (++nl > 1)
                return 0;
            continue;
        }
        if (c == '.' && after_initial && i == 0 && !dot) {
            dot = 1;
            continue;
        }
        if (c == ',' && list && !comma) {
            comma = 1;
            continue;
        }
        if ((c == '"' || c == '\'') && list)
            continue;
        if ((unsigned char)c == 0xC2 && i + 1 < n && (unsigned char)g[i + 1] == 0xA0) {
            i++;
            continue;
        }
        return 0;
    }
    return 1;
}

static int spaces_only(const char *g, size_t n)
{
    return name_gap(g, n, 0, 0) && !(n == 1 && g[0] == '-');
}

/* Lines shorter than this are list items or headings: a name does not go
 * on past their end.  Longer ones are prose wrapped mid-name. */
#define WRAPPED_LINE 40

/* May a name go on across the gap g (inside the text) to the word y?  Not
 * past the end of a short line ("MARINO ALVARADO\nANA ROJAS" are two
 * names), nor into the dateline that opens the next line ("...Castillo
 * Bermúdez\nSabaneta, 12 de agosto"). */
static int crosses_ok(const scan_t *s, const char *g, size_t n, const ptok_t *y)
{
    const char *nl = memchr(g, '\n', n);
    if (!nl)
        return 1;
    size_t i = (size_t)(nl - s->text), k = 0;
    while (i > 0 && s->text[i - 1] != '\n' && s->text[i - 1] != '\f' && k < WRAPPED_LINE) {
        i--;
        k++;
    }
    if (k < WRAPPED_LINE)
        return 0;
    size_t e = y->b;
    if (e + 2 < s->len && s->text[e] == ',' && s->text[e + 1] == ' ' && s->text[e + 2] >= '0' &&
        s->text[e + 2] <= '9')
        return 0;
    /* nor into the label that opens it ("...Tovar\nEntrevistada: ...") */
    if (e < s->len && s->text[e] == ':')
        return 0;
    return 1;
}

static void gap(scan_t *s, size_t i, const char **g, size_t *n)
{
    ptok_t *x = at(s, i), *y = at(s, i + 1);
    *g = s->text + x->b;
    *n = y->a - x->b;
}

/* ==== The scan ============================================================= */

/* The length in words of the listed name starting at word k (0 if none),
 * and its person. */
static size_t listed_at(scan_t *s, size_t k, size_t *person)
{
    if (!s->names)
        return 0;
    const char *words[TG_NAMES_MAX_WORDS];
    size_t n = 0;
    while (n < TG_NAMES_MAX_WORDS) {
        ptok_t *t = at(s, k + n);
        if (!t || !t->f[0])
            break;
        if (n > 0) {
            const char *g;
            size_t gn;
            gap(s, k + n - 1, &g, &gn);
            if (!name_gap(g, gn, at(s, k + n - 1)->letters == 1, 1))
                break;
        }
        words[n] = t->f;
        n++;
    }
    return n ? tg_names_match(s->names, words, n, person) : 0;
}

/* A word that may be part of a name. */
static int name_word(const ptok_t *t)
{
    if (t->initial)
        return 1; /* "A." is an initial, not the word "a" */
    if (!t->fn || t->digits || t->particle || (t->cat & (C_COMMON | C_TITLE | C_PLACE)))
        return 0;
    if (t->cs == TG_CASE_TITLE)
        return 1;
    if (t->cs == TG_CASE_UPPER)
        return t->letters >= 2;
    return 0;
}

typedef struct {
    size_t k[RUN_MAX]; /* word indices (relative to the current word) */
    int part[RUN_MAX]; /* is a particle */
    size_t n;
} run_t;

static int fits(const ptok_t *t, int upper_only, int title_only)
{
    return (!upper_only || t->cs == TG_CASE_UPPER) && (!title_only || t->cs == TG_CASE_TITLE);
}

/* Builds the run of name words starting at word `from`; upper_only: only
 * capitals (the surname half of "ALVARADO, Marino"), title_only: only
 * capitalised (its given-name half).  A run of RUN_MAX entries is refused
 * by the caller (a headline). */
static void build_run(scan_t *s, size_t from, int upper_only, int title_only, run_t *r)
{
    r->n = 0;
    ptok_t *t = at(s, from);
    size_t person;
    if (!t || !name_word(t) || !fits(t, upper_only, title_only) ||
        (from > 0 && listed_at(s, from, &person)))
        return;
    r->k[0] = from;
    r->part[0] = 0;
    r->n = 1;
    size_t j = from;
    while (r->n < RUN_MAX) {
        ptok_t *prev = at(s, j), *nx = at(s, j + 1);
        if (!nx)
            break;
        const char *g;
        size_t gn;
        gap(s, j, &g, &gn);
        if (name_word(nx) && fits(nx, upper_only, title_only) &&
            name_gap(g, gn, prev->initial, 0) && crosses_ok(s, g, gn, nx) &&
            !listed_at(s, j + 1, &person)) {
            r->k[r->n] = j + 1;
            r->part[r->n++] = 0;
            j++;
            continue;
        }
        if (!nx->particle || !spaces_only(g, gn) || !crosses_ok(s, g, gn, nx))
            break;
        /* particles: de | de la | de las | de los | del | y */
        size_t p = j + 1, np = 1;
        ptok_t *p1 = nx, *p2 = at(s, p + 1);
        int ok = !strcmp(p1->f, "de") || !strcmp(p1->f, "del") || !strcmp(p1->f, "y");
        if (ok && !strcmp(p1->f, "de") && p2 && p2->particle &&
            (!strcmp(p2->f, "la") || !strcmp(p2->f, "las") || !strcmp(p2->f, "los"))) {
            gap(s, p, &g, &gn);
            if (!spaces_only(g, gn) || !crosses_ok(s, g, gn, p2))
                break;
            np = 2;
        }
        if (!ok)
            break;
        ptok_t *w = at(s, p + np);
        if (!w || !name_word(w) || listed_at(s, p + np, &person))
            break;
        gap(s, p + np - 1, &g, &gn);
        if (!spaces_only(g, gn) || !crosses_ok(s, g, gn, w))
            break;
        /* lowercase particles between capitalised words; capital ones only
         * in an all-capitals name (MARÍA DE LA CRUZ), and a lowercase "y"
         * does not join two acronyms (SEBIN y DGCIM) */
        int upper_sides = prev->cs == TG_CASE_UPPER && w->cs == TG_CASE_UPPER;
        int lower_parts = p1->cs == TG_CASE_LOWER && (np == 1 || at(s, p + 1)->cs == TG_CASE_LOWER);
        int upper_parts = p1->cs == TG_CASE_UPPER && (np == 1 || at(s, p + 1)->cs == TG_CASE_UPPER);
        if (lower_parts ? (upper_sides && !strcmp(p1->f, "y")) : !(upper_parts && upper_sides))
            break;
        if (!fits(w, upper_only, title_only))
            break;
        if (r->n + np + 1 > RUN_MAX) {
            r->n = RUN_MAX;
            break;
        }
        for (size_t q = 0; q < np; q++) {
            r->k[r->n] = p + q;
            r->part[r->n++] = 1;
        }
        r->k[r->n] = p + np;
        r->part[r->n++] = 0;
        j = p + np;
    }
}

static size_t run_words(const run_t *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++)
        n += !r->part[i];
    return n;
}

/* Adds an item whose words are the window's words of r (NULL: none);
 * returns it, or NULL when a cap is reached. */
static item_t *add_item(scan_t *s, int kind, const run_t *r, const run_t *r2)
{
    size_t n = (r ? r->n : 0) + (r2 ? r2->n : 0);
    if (s->nitems == MAX_ITEMS || s->npool + n > MAX_POOL)
        return NULL;
    if (s->nitems == s->citems) {
        s->citems = s->citems ? 2 * s->citems : 64;
        s->items = tg_xrealloc(s->items, s->citems * sizeof *s->items);
    }
    while (s->npool + n > s->cpool) {
        s->cpool = s->cpool ? 2 * s->cpool : 256;
        s->pool = tg_xrealloc(s->pool, s->cpool * sizeof *s->pool);
    }
    item_t *it = &s->items[s->nitems++];
    memset(it, 0, sizeof *it);
    it->kind = (uint8_t)kind;
    it->w = s->npool;
    it->n = n;
    for (int h = 0; h < 2; h++) {
        const run_t *x = h ? r2 : r;
        for (size_t i = 0; x && i < x->n; i++) {
            ptok_t *t = &s->pool[s->npool++];
            *t = *at(s, x->k[i]);
            t->part = (uint8_t)x->part[i];
            if (i > 0) {
                size_t pb = at(s, x->k[i - 1])->b;
                t->hyph = t->a == pb + 1 && s->text[pb] == '-';
                t->nl = memchr(s->text + pb, '\n', t->a - pb) != NULL;
            }
        }
    }
    if (r) {
        it->ng = r->n;
        it->a = at(s, r->k[0])->a;
        it->b = at(s, (r2 ? r2 : r)->k[(r2 ? r2 : r)->n - 1])->b;
    }
    return it;
}

/* "ALVARADO PÉREZ, Marino José": is r the surname half (capitals) of that
 * shape?  Fills *given with the given names (capitalised, or capitals) if
 * so.  Whether it is a name is judged at the end. */
static int comma_shape(scan_t *s, const run_t *r, run_t *given)
{
    size_t last = r->k[r->n - 1];
    ptok_t *lt = at(s, last), *nx = at(s, last + 1);
    if (!nx || run_words(r) > 3)
        return 0;
    const char *g = s->text + lt->b;
    size_t gn = nx->a - lt->b;
    if (gn < 1 || g[0] != ',' || !spaces_only(g + 1, gn - 1) || memchr(g, '\n', gn))
        return 0;
    for (size_t i = 0; i < r->n; i++)
        if (!r->part[i] && at(s, r->k[i])->cs != TG_CASE_UPPER)
            return 0;
    build_run(s, last + 1, 0, 1, given);
    if (given->n == 0)
        build_run(s, last + 1, 1, 0, given);
    return given->n > 0 && given->n < RUN_MAX && run_words(given) <= 3;
}

/* Is the current word named by the word before it as a place or an
 * institution ("parroquia", "estado", "liceo", "hospital", "San")? */
static int after_place_word(scan_t *s)
{
    if (!s->have_before || !(s->before.cat & (C_ORG | C_PLACE)))
        return 0;
    /* capitalised, only an institution's word: "San Juan de los Morros",
     * "Hospital Ruiz y Páez", "Puerto Ordaz" ("en Caracas Luis Mora dijo"
     * keeps Luis Mora) */
    if (s->before.cs != TG_CASE_LOWER && !(s->before.cat & C_ORG))
        return 0;
    const ptok_t *t = at(s, 0);
    const char *g = s->text + s->before.b;
    size_t gn = t->a - s->before.b;
    return spaces_only(g, gn) && !memchr(g, '\n', gn);
}

/* Is the current word right after a title ("Sr. Pérez", "Mr. Perez", "la
 * señora Rodríguez", "el fiscal Rangel")? */
static int after_title(scan_t *s)
{
    if (!s->have_before || !(s->before.cat & C_TITLE))
        return 0;
    const ptok_t *t = at(s, 0);
    const char *g = s->text + s->before.b;
    size_t gn = t->a - s->before.b;
    if (gn > 0 && g[0] == '.') {
        g++;
        gn--;
    }
    return gn > 0 && gn <= 3 && spaces_only(g, gn) && !memchr(g, '\n', gn);
}

static void scan_words(scan_t *s)
{
    while (!s->stop && at(s, 0)) {
        size_t person, m = listed_at(s, 0, &person);
        if (m) {
            run_t r = {{0}, {0}, 0};
            for (size_t k = 0; k < m && k < RUN_MAX; k++)
                r.k[r.n++] = k;
            item_t *it = add_item(s, I_LISTED, &r, NULL);
            if (it) {
                it->person = person;
                it->b = at(s, m - 1)->b;
            }
            pass(s, m);
            continue;
        }
        ptok_t *t = at(s, 0);
        if (t->cs != TG_CASE_TITLE && t->cs != TG_CASE_UPPER) {
            pass(s, 1);
            continue;
        }
        run_t r;
        build_run(s, 0, 0, 0, &r);
        if (r.n == 0) {
            pass(s, 1);
            continue;
        }
        size_t used = r.k[r.n - 1] + 1;
        if (after_place_word(s) || r.n == RUN_MAX) {
            /* "parroquia Antonio Borjas Romero", "liceo Andrés Bello"; a headline */
            pass(s, used);
            continue;
        }
        run_t given;
        item_t *it = NULL;
        if (comma_shape(s, &r, &given))
            add_item(s, I_COMMA, &r, &given);
        else if (run_words(&r) >= 2)
            it = add_item(s, I_RUN, &r, NULL);
        if (it && s->have_before && s->cap2 && s->before.cs == TG_CASE_LOWER &&
            (!strcmp(s->before.f, "de") || !strcmp(s->before.f, "del")))
            s->pool[it->w].after_of = 1;
        else if (r.n == 1 && after_title(s))
            add_item(s, I_WEAK, &r, NULL);
        pass(s, used);
    }
    s->caps_only = s->alpha >= 20 && s->nlower * 10 < s->alpha;
}

/* ==== Judging ============================================================== */

static const tg_lexicon_t *lexicon_of(scan_t *s)
{
    if (!s->lx)
        s->lx = tg_lexicon_system();
    return s->lx;
}

static int is_given(scan_t *s, const ptok_t *t)
{
    return t->fn && (tg_lexicon_find(lexicon_of(s), t->f, t->fn) & TG_LEX_GIVEN);
}

/* A common word of Spanish or English (as written or inflected), not a
 * name ("comparece", "boca", "arbitrary"; not "Gregorio", "Caracas"). */
static int is_common(scan_t *s, const ptok_t *t)
{
    unsigned b = tg_lexicon_knows_folded(lexicon_of(s), t->f, t->fn);
    return (b & (TG_LEX_ES | TG_LEX_EN)) && !(b & TG_LEX_NAME);
}

/* Does the text write t in lowercase too?  Not counted for a word the
 * lexicon knows only as a name ("rivas" in a quoted query of a manual). */
static int is_lower_word(scan_t *s, const ptok_t *t)
{
    return t->fn && sset_get(&s->lower, t->f, t->fn) &&
           !(tg_lexicon_knows_folded(lexicon_of(s), t->f, t->fn) & TG_LEX_NAME);
}

/* A Spanish verb opening a sentence: "Declaró", "Detuvieron", "Llegaron",
 * "Estaban" (endings no name has: "José", "Aarón", "Saba", "Julián" and
 * "Ramos" are safe). */
static int looks_verb(const scan_t *s, const ptok_t *t)
{
    static const char *const endings[] = {"ieron", "aron", "aban", "aba"};
    const char *w = s->text + t->a;
    size_t n = t->b - t->a;
    if (n >= 3 && !memcmp(w + n - 2, "\xC3\xB3", 2)) /* ó */
        return 1;
    for (size_t i = 0; i < TG_ARRAY_LEN(endings); i++) {
        size_t e = strlen(endings[i]);
        if (t->fn > 5 && t->fn > e + 2 && !strcmp(t->f + t->fn - e, endings[i]))
            return 1;
    }
    return 0;
}

/* Is the name at [a, b) in a headline written in title case ("Venezuela:
 * Arbitrary Detentions After the Election")?  Then its capitals say
 * nothing: at least two other words of four letters or more are
 * capitalised, and none is in lowercase. */
static int line_end(char c)
{
    return c == '\n' || c == '\f' || c == '\t'; /* a tab ends a table's cell */
}

static int in_title_heading(scan_t *s, size_t a, size_t b)
{
    size_t la = a, lb = b;
    while (la > 0 && !line_end(s->text[la - 1]) && a - la < 300)
        la--;
    while (lb < s->len && !line_end(s->text[lb]) && lb - b < 300)
        lb++;
    if (a - la >= 300 || lb - b >= 300)
        return 0; /* a paragraph, not a heading */
    /* "Redacción: Yusmary Hernández": a field, not a headline */
    size_t before = a;
    while (before > la && s->text[before - 1] == ' ')
        before--;
    if (before > la && s->text[before - 1] == ':')
        return 0;
    /* sentences end in a full stop; headlines do not */
    size_t e = lb;
    while (e > la && (s->text[e - 1] == ' ' || s->text[e - 1] == '\r' || s->text[e - 1] == '\t'))
        e--;
    if (e > la && s->text[e - 1] == '.')
        return 0;
    for (size_t i = la; i + 1 < lb; i++)
        if (s->text[i] == '.' && s->text[i + 1] == ' ')
            return 0;
    tg_tok_t t;
    tg_tok_init(&t, s->text + la, lb - la);
    size_t x, y, caps = 0;
    while (tg_tok_next(&t, &x, &y)) {
        if (la + x >= a && la + y <= b)
            continue;
        const char *w = s->text + la + x;
        size_t letters = 0;
        for (size_t i = 0; i < y - x; i += tg_utf8_seqlen(w + i, y - x - i))
            letters++;
        if (letters < 4)
            continue;
        tg_case_t c = tg_word_case(w, y - x);
        if (c == TG_CASE_LOWER)
            return 0;
        /* a headline's capitals are on common words ("Arbitrary
         * Detentions After the Election"), a line of names' are not */
        if ((c == TG_CASE_TITLE || c == TG_CASE_UPPER) && y - x < FOLD_MAX) {
            ptok_t o;
            memset(&o, 0, sizeof o);
            tg_buf_reset(&s->fold);
            size_t m = tg_fold(w, y - x, &s->fold);
            if (m > 0 && m < FOLD_MAX) {
                memcpy(o.f, s->fold.data, m);
                o.fn = (uint8_t)m;
                caps += !is_given(s, &o) && is_common(s, &o);
            }
        }
    }
    return caps >= 2;
}

/* Judges w[from, to) (particles at its ends already trimmed): returns 1
 * and narrows *from, *to to the name, or 0. */
static int judge(scan_t *s, const ptok_t *w, size_t *from, size_t *to)
{
    size_t a = *from, b = *to;
    if (s->caps_only)
        for (size_t i = a; i < b; i++)
            if (!w[i].part && (w[i].cs == TG_CASE_UPPER || w[i].initial))
                return 0; /* capitals say nothing in such a text */
    /* common words opening the run: "Detención", "Ayer", "Declaró" opening
     * a sentence (the text writes them in lowercase too, or they look like
     * a verb), and any capitalised common word of the lexicon ("Comparece
     * Eusebio ...", "Boca de Aroa", "Arbitrary Detention"), but for given
     * names */
    int stripped = 0;
    while (a < b && !w[a].initial && !(w[a].cat & C_ORG) && !is_given(s, &w[a])) {
        const ptok_t *t = &w[a];
        int common = ((t->sent_start || stripped) && (is_lower_word(s, t) || looks_verb(s, t))) ||
                     is_common(s, t);
        if (!common)
            break;
        a++;
        stripped = 1;
        while (a < b && w[a].part)
            a++;
    }
    /* "Dirección General de Contrainteligencia Militar": after a capitalised
     * word and "de", the rest of an institution's name, unless a given name
     * opens it ("Declaración de Gabriela Montilla") */
    if (a < b && w[*from].after_of && !is_given(s, &w[a]))
        return 0;
    /* an organisation or place word: what follows it is that; what comes
     * before a particle leading to it may still be a name ("Ana Rojas de
     * la Universidad Central") */
    for (size_t i = a; i < b; i++) {
        if (w[i].part || !(w[i].cat & C_ORG))
            continue;
        if (i > a && w[i - 1].part) {
            b = i;
            while (b > a && w[b - 1].part)
                b--;
        } else {
            return 0;
        }
        break;
    }
    size_t words = 0, initials = 0, joined = 0, common = 0, upper = 0, shorts = 0;
    for (size_t i = a; i < b; i++) {
        if (w[i].part)
            continue;
        const ptok_t *t = &w[i];
        words++;
        joined += t->hyph;
        if (t->initial) {
            initials++;
            continue;
        }
        common += is_lower_word(s, t) && !is_given(s, t);
        upper += t->cs == TG_CASE_UPPER;
        shorts += t->cs == TG_CASE_UPPER && t->letters <= 2;
    }
    /* "Ana-María" is one given name, "Helvetica-Bold" one word */
    size_t full = words - initials - joined;
    if (words < TG_PERSONS_MIN_WORDS || words > TG_PERSONS_MAX_WORDS || full < 2 ||
        words - initials < 2)
        return 0;
    if (upper == words - initials) {
        /* a heading in capitals: mostly words the text writes in
         * lowercase, or common words of the lexicon unless it opens with a
         * given name ("ACTA DE ENTREGA", "TRASLADOS RECIENTES"); two-letter
         * codes ("FE FF") */
        if (shorts == upper)
            return 0;
        if (!is_given(s, &w[a]))
            for (size_t i = a; i < b; i++)
                if (!w[i].part && !w[i].initial && !is_lower_word(s, &w[i]) &&
                    !is_given(s, &w[i]) && is_common(s, &w[i]))
                    common++;
        if (common * 2 >= upper)
            return 0;
    } else if (common * 2 > words - initials) {
        return 0; /* "Informe Anual", "Opposition Leader Arrested" */
    }
    /* a title-case headline, unless the run opens with a given name and
     * holds no common word ("Liberan a Yusmary Hernández Tras Dos Meses") */
    if (upper == 0 && in_title_heading(s, w[a].a, w[b - 1].b)) {
        int plain = is_given(s, &w[a]);
        for (size_t i = a; i < b && plain; i++)
            plain = w[i].part || w[i].initial || is_given(s, &w[i]) || !is_common(s, &w[i]);
        if (!plain)
            return 0;
    }
    *from = a;
    *to = b;
    return 1;
}

/* Writes the words of w[from, to) as written, one space between them
 * ("-" where the text has a hyphen, "." after an initial). */
static void render(const scan_t *s, const ptok_t *w, size_t from, size_t to, tg_buf_t *out)
{
    for (size_t i = from; i < to; i++) {
        if (i > from)
            tg_buf_adds(out, w[i].hyph ? "-" : " ");
        tg_buf_add(out, s->text + w[i].a, w[i].b - w[i].a);
        if (w[i].initial)
            tg_buf_addc(out, '.');
    }
}

static void emit(scan_t *s, const char *key, const char *name, const char *form, size_t a, size_t b,
                 int listed, int weak)
{
    if (s->stop)
        return;
    size_t person;
    if (!listed && !weak && tg_names_find_key(s->names, key, &person) == 0) {
        key = tg_names_key(s->names, person);
        name = tg_names_canonical(s->names, person);
        listed = 1;
    }
    tg_person_t p = {key, name, form, a, b, listed, weak};
    if (s->cb(s->ctx, &p))
        s->stop = 1;
}

static void report(scan_t *s, const ptok_t *w, size_t a, size_t b, int weak)
{
    tg_buf_t name, key;
    tg_buf_init(&name, 4096);
    tg_buf_init(&key, 4096);
    render(s, w, a, b, &name);
    tg_name_key(name.data, name.len, &key);
    emit(s, tg_buf_str(&key), tg_buf_str(&name), tg_buf_str(&name), w[a].a, w[b - 1].b, 0, weak);
    tg_buf_free(&name);
    tg_buf_free(&key);
}

/* Splits w[0, n) at "y" unless it joins a last surname ("José Ortega y
 * Gasset"), and reports each part that passes. */
static void judge_and_report_y(scan_t *s, const ptok_t *w, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        int split = 0;
        if (i < n && w[i].part && !strcmp(w[i].f, "y")) {
            size_t before = 0;
            for (size_t k = start; k < i; k++)
                before += !w[k].part;
            int last_surname = before >= 2 && i + 2 == n;
            split = !last_surname;
        }
        if (i == n || split) {
            size_t a = start, b = i;
            if (b > a && judge(s, w, &a, &b))
                report(s, w, a, b, 0);
            start = i + 1;
        }
    }
}

/* Splits w[0, n) where a line ends, when the next line opens a name of its
 * own rather than going on with this one: two words or more, the first a
 * given name or the word before the line end not one ("...— Puerto
 * Ordaz\nLuis Eduardo Moy — ...", but "el ciudadano Marino\nAlvarado Rivas");
 * then the "y" splits, and judging. */
static void judge_and_report(scan_t *s, const ptok_t *w, size_t n)
{
    for (size_t k = 1; k < n; k++) {
        if (!w[k].nl)
            continue;
        size_t b = k, a = k, words = 0;
        while (b > 0 && w[b - 1].part)
            b--;
        while (a < n && w[a].part)
            a++;
        for (size_t i = a; i < n; i++)
            words += !w[i].part && !w[i].initial;
        if (b > 0 && words >= 2 && (is_given(s, &w[a]) || !is_given(s, &w[0]))) {
            judge_and_report(s, w, b);
            judge_and_report(s, w + a, n - a);
            return;
        }
        break;
    }
    judge_and_report_y(s, w, n);
}

/* "ALVARADO PÉREZ, Marino José" (it->w: the surname half, then the given
 * names): reports it and returns 1 if it is a name. */
static int comma_form(scan_t *s, const item_t *it)
{
    const ptok_t *sur = s->pool + it->w, *giv = sur + it->ng;
    size_t ns = it->ng, ng = it->n - it->ng;
    /* judge the whole as one name, given names first */
    ptok_t all[2 * RUN_MAX];
    memcpy(all, giv, ng * sizeof *all);
    memcpy(all + ng, sur, ns * sizeof *all);
    all[0].hyph = 0;
    all[ng].hyph = 0;
    /* the given names do not open a sentence: a comma stands before them */
    all[0].sent_start = 0;
    /* given names in capitals ("ARREAZA LUGO, EUSEBIO"), only when the
     * first is known as one: "CARACAS, VENEZUELA" is not a name */
    if (giv[0].cs == TG_CASE_UPPER && !is_given(s, &giv[0]))
        return 0;
    size_t a = 0, b = it->n;
    if (!judge(s, all, &a, &b) || a != 0 || b != it->n)
        return 0;
    tg_buf_t name, form, key;
    tg_buf_init(&name, 4096);
    tg_buf_init(&form, 4096);
    tg_buf_init(&key, 4096);
    render(s, giv, 0, ng, &name);
    tg_buf_addc(&name, ' ');
    render(s, sur, 0, ns, &name);
    render(s, sur, 0, ns, &form);
    tg_buf_adds(&form, ", ");
    render(s, giv, 0, ng, &form);
    tg_name_key(form.data, form.len, &key);
    emit(s, tg_buf_str(&key), tg_buf_str(&name), tg_buf_str(&form), it->a, it->b, 0, 0);
    tg_buf_free(&name);
    tg_buf_free(&form);
    tg_buf_free(&key);
    return 1;
}

/* "Sr. Pérez": a single surname after a title, reported as a short form. */
static void weak_form(scan_t *s, const item_t *it)
{
    const ptok_t *t = s->pool + it->w;
    if (s->caps_only || t->initial || t->letters < 2 || is_lower_word(s, t) || is_given(s, t) ||
        is_common(s, t))
        return;
    report(s, t, 0, 1, 1);
}

static void judge_items(scan_t *s)
{
    tg_buf_t form;
    tg_buf_init(&form, 4096);
    size_t covered = 0; /* the end of the last "SURNAME, Given" taken */
    for (size_t i = 0; i < s->nitems && !s->stop; i++) {
        const item_t *it = &s->items[i];
        if (it->a < covered)
            continue;
        const ptok_t *w = s->pool + it->w;
        switch (it->kind) {
        case I_LISTED:
            tg_buf_reset(&form);
            for (size_t k = 0; k < it->n; k++) {
                if (k)
                    tg_buf_addc(&form, ' ');
                tg_buf_add(&form, s->text + w[k].a, w[k].b - w[k].a);
            }
            emit(s, tg_names_key(s->names, it->person), tg_names_canonical(s->names, it->person),
                 tg_buf_str(&form), it->a, it->b, 1, 0);
            break;
        case I_RUN:
            judge_and_report(s, w, it->n);
            break;
        case I_COMMA:
            if (comma_form(s, it))
                covered = it->b;
            else
                judge_and_report(s, w, it->ng);
            break;
        case I_WEAK:
            weak_form(s, it);
            break;
        }
    }
    tg_buf_free(&form);
}

void tg_persons_scan_words(const tg_words_t *w, const tg_names_t *names, tg_person_cb cb, void *ctx)
{
    scan_t s;
    memset(&s, 0, sizeof s);
    s.text = w->text;
    s.len = w->len;
    s.names = names;
    s.cb = cb;
    s.ctx = ctx;
    pthread_once(&lex_once, lexicon);
    sset_init(&s.lower, TG_PERSONS_MAX_LOWER);
    tg_buf_init(&s.fold, 4 * FOLD_MAX);
    tg_look_init_words(&s.look, w, s.win, sizeof s.win[0], WIN, fill, &s);
    scan_words(&s);
    judge_items(&s);
    tg_buf_free(&s.fold);
    sset_free(&s.lower);
    free(s.items);
    free(s.pool);
}

void tg_persons_scan(const char *text, size_t len, const tg_names_t *names, tg_person_cb cb,
                     void *ctx)
{
    tg_words_t w;
    tg_words_none(&w, text, len);
    tg_persons_scan_words(&w, names, cb, ctx);
}
