/* Person names in text (see persons.h).
 *
 * Two passes over the shared tokenizer's words (text.h):
 *   1. learn which words the text writes in lowercase (a capitalised word
 *      that also appears in lowercase is a common word: "Detención" at the
 *      start of a sentence, "INFORME" in a heading), and find the names of
 *      the names list, longest first;
 *   2. report the listed names, and build runs of capitalised words joined
 *      by particles; judge each run against the stop lists below and the
 *      lowercase evidence; report those that look like a person.
 * Words are compared folded (tg_fold), as the index compares them.
 *
 * The stop lists are small on purpose: function words and the like that
 * may open a sentence, titles, and the organisations and places this
 * archive's documents name most (Venezuelan institutions, security forces,
 * detention centres, rights groups, cities).  A word in them must not be a
 * common surname ("Guardia" and "Sucre" are left out; "del Valle" and
 * "de la Torre" are names).
 *
 * Workload: every word of every document, twice; per word one fold of at
 * most 48 bytes and a few hash lookups.  Nothing here reads outside
 * [text, text + len), prints, or grows without a cap. */
#define _POSIX_C_SOURCE 200809L
#include "persons.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "lookahead.h"
#include "text.h"
#include "util.h"

#define FOLD_MAX 48
/* Lookahead: the longest run looked at (5 words, particles, the comma
 * form's second half, and a word beyond). */
#define WIN 32
/* Words of one run looked at before it is given up as a headline. */
#define RUN_MAX 16
/* Listed names found per text. */
#define MAX_SPANS 100000

/* ==== Word lists (folded) ================================================== */

enum { C_COMMON = 1, C_TITLE = 2, C_PLACE = 4, C_ORG = 8 };

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
    "licda", "licenciado", "licenciada", "abg", "abog", "abogado", "abogada", "ing", "ingeniero",
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
 * name ("Marino Alvarado de Caracas" is Marino Alvarado). */
/* clang-format off */
static const char *const place_words[] = {
    "venezuela", "caracas", "maracaibo", "barquisimeto", "maracay", "cumana", "maturin", "barinas",
    "guanare", "coro", "tucupita", "tachira", "zulia", "lara", "carabobo", "aragua", "anzoategui",
    "monagas", "portuguesa", "apure", "yaracuy", "cojedes", "guarico", "amazonas", "colombia",
    "cuba", "brasil", "brazil", "espana", "spain", "mexico", "peru", "chile", "argentina",
    "ecuador", "panama", "miami", "madrid", "bogota", "cucuta", "europa", "europe",
    "latinoamerica", "altamira", "chacao", "petare", "catia", "helicoide", "tocoron", "tocuyito",
    "yare", "boleita", "tiuna", "ginebra", "geneva", "hague", "carora", "carupano", "guarenas",
    "guatire", "acarigua", "valera", "cabimas", "porlamar", "anaco", "calabozo", "guayana",
    "margarita",
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
    };
    for (size_t l = 0; l < TG_ARRAY_LEN(lists); l++)
        for (size_t i = 0; i < lists[l].n; i++)
            sset_put(&lex, lists[l].w[i], strlen(lists[l].w[i]), lists[l].cat);
}

/* ==== Words ================================================================= */

typedef struct {
    size_t a, b;
    char f[FOLD_MAX]; /* folded, "" when longer */
    size_t fn;
    tg_case_t cs;
    uint8_t cat;
    int letters;    /* codepoints, up to 3 */
    int digits;     /* has a digit */
    int initial;    /* one capital letter followed by '.' */
    int sent_start; /* first word of a sentence, a line or the text */
    int particle;   /* de, del, la, las, los, y in any case */
} ptok_t;

typedef struct {
    size_t a, b, person;
} span_t;

typedef struct {
    const char *text;
    size_t len;
    const tg_names_t *names;
    sset_t lower;
    tg_buf_t fold;
    tg_look_t look;
    ptok_t win[WIN];
    ptok_t last; /* the last word loaded */
    int have_last;
    ptok_t before; /* the word before the current one */
    int have_before;
    span_t *spans; /* listed names, in text order */
    size_t nspans, cspans;
    int caps_only; /* the text has almost no lowercase words */
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
    t->f[0] = '\0';
    t->fn = 0;
    if (n < FOLD_MAX) {
        tg_buf_reset(&s->fold);
        size_t m = tg_fold(w, n, &s->fold);
        if (m > 0 && m < FOLD_MAX) {
            memcpy(t->f, s->fold.data, m);
            t->f[m] = '\0';
            t->fn = m;
        }
    }
    t->cs = tg_word_case(w, n);
    t->letters = 0;
    t->digits = 0;
    for (size_t i = 0; i < n && t->letters < 3; i += tg_utf8_seqlen(w + i, n - i)) {
        if (w[i] >= '0' && w[i] <= '9')
            t->digits = 1;
        t->letters++;
    }
    for (size_t i = 0; i < n; i++)
        if (w[i] >= '0' && w[i] <= '9')
            t->digits = 1;
    t->cat = t->fn ? sset_get(&lex, t->f, t->fn) : 0;
    if (!t->cat && common_ending(t->f, t->fn))
        t->cat = C_COMMON;
    t->initial = t->letters == 1 && t->cs == TG_CASE_UPPER && t->b < s->len && s->text[t->b] == '.';
    t->particle = 0;
    for (size_t i = 0; i < TG_ARRAY_LEN(particles) && t->fn <= 3; i++)
        if (!strcmp(t->f, particles[i]))
            t->particle = 1;
    t->sent_start = starts_sentence(s, t->a);
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

static void advance(scan_t *s, size_t k)
{
    ptok_t *t = tg_look_advance(&s->look, k);
    if (t) {
        s->before = *t;
        s->have_before = 1;
    }
}

static void restart(scan_t *s)
{
    s->have_before = 0;
    tg_look_init(&s->look, s->text, s->len, s->win, sizeof s->win[0], WIN, fill, s);
    s->have_last = 0;
}

/* ==== Gaps ================================================================= */

/* Spaces (one line break at most), or what an initial or a hyphen puts
 * between two words of a name; list: a listed name may also be written
 * with a comma ("ALVARADO, Marino") or quotes (Néstor "el Negro" Ñáñez). */
static int name_gap(const char *g, size_t n, int after_initial, int list)
{
    if (n == 0 || n > 8)
        return 0;
    if (n == 1 && g[0] == '-')
        return 1;
    int nl = 0, dot = 0, comma = 0;
    for (size_t i = 0; i < n; i++) {
        char c = g[i];
        if (c == ' ' || c == '\t' || c == '\r')
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

/* May a name go on across the gap g (inside the text)?  Not past the end of
 * a short line ("MARINO ALVARADO\nANA ROJAS" are two names). */
static int crosses_ok(const scan_t *s, const char *g, size_t n)
{
    const char *nl = memchr(g, '\n', n);
    if (!nl)
        return 1;
    size_t i = (size_t)(nl - s->text), k = 0;
    while (i > 0 && s->text[i - 1] != '\n' && s->text[i - 1] != '\f' && k < WRAPPED_LINE) {
        i--;
        k++;
    }
    return k >= WRAPPED_LINE;
}

static void gap(scan_t *s, size_t i, const char **g, size_t *n)
{
    ptok_t *x = at(s, i), *y = at(s, i + 1);
    *g = s->text + x->b;
    *n = y->a - x->b;
}

/* ==== Pass 1: lowercase words and listed names ============================= */

static void add_span(scan_t *s, size_t a, size_t b, size_t person)
{
    if (s->nspans == MAX_SPANS)
        return;
    if (s->nspans == s->cspans) {
        s->cspans = s->cspans ? 2 * s->cspans : 64;
        s->spans = tg_xrealloc(s->spans, s->cspans * sizeof *s->spans);
    }
    span_t *p = &s->spans[s->nspans++];
    p->a = a;
    p->b = b;
    p->person = person;
}

static void pass1(scan_t *s)
{
    size_t alpha = 0, lower = 0;
    while (at(s, 0)) {
        if (s->names) {
            const char *words[TG_NAMES_MAX_WORDS];
            size_t k = 0;
            while (k < TG_NAMES_MAX_WORDS) {
                ptok_t *t = at(s, k);
                if (!t || !t->f[0])
                    break;
                if (k > 0) {
                    const char *g;
                    size_t gn;
                    gap(s, k - 1, &g, &gn);
                    if (!name_gap(g, gn, at(s, k - 1)->letters == 1, 1))
                        break;
                }
                words[k] = at(s, k)->f;
                k++;
            }
            size_t person;
            size_t m = k ? tg_names_match(s->names, words, k, &person) : 0;
            if (m) {
                add_span(s, at(s, 0)->a, at(s, m - 1)->b, person);
                advance(s, m);
                continue;
            }
        }
        ptok_t *t = at(s, 0);
        if (t->cs != TG_CASE_NONE)
            alpha++;
        if (t->cs == TG_CASE_LOWER) {
            lower++;
            if (t->fn)
                sset_put(&s->lower, t->f, t->fn, 1);
        }
        advance(s, 1);
    }
    s->caps_only = alpha >= 20 && lower * 10 < alpha;
}

/* ==== Pass 2: runs of capitalised words ==================================== */

typedef struct {
    size_t k[RUN_MAX]; /* word indices (relative to the current word) */
    int part[RUN_MAX]; /* is a particle */
    size_t n;
} run_t;

/* Is t inside a listed name?  (Spans are in text order.) */
static int in_listed(const scan_t *s, const ptok_t *t)
{
    size_t lo = 0, hi = s->nspans;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->spans[mid].b <= t->a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->nspans && s->spans[lo].a <= t->a;
}

/* A word that may be part of a name. */
static int name_word(scan_t *s, const ptok_t *t)
{
    if (t->initial)
        return !s->caps_only; /* "A." is an initial, not the word "a" */
    if (!t->fn || t->digits || t->particle || (t->cat & (C_COMMON | C_TITLE | C_PLACE)))
        return 0;
    if (t->cs == TG_CASE_TITLE)
        return 1;
    if (t->cs == TG_CASE_UPPER)
        return !s->caps_only && (t->letters >= 2 || t->initial);
    return 0;
}

static int is_lower_word(const scan_t *s, const ptok_t *t)
{
    return t->fn && sset_get(&s->lower, t->f, t->fn);
}

/* Builds the run of name words starting at word `from`; upper_only: only
 * capitals (the surname half of "ALVARADO, Marino"), title_only: only
 * capitalised (its given-name half).  Returns the words looked at (the
 * run may be longer than RUN_MAX: then r->n == RUN_MAX and it is refused). */
static void build_run(scan_t *s, size_t from, int upper_only, int title_only, run_t *r)
{
    r->n = 0;
    ptok_t *t = at(s, from);
    if (!t || !name_word(s, t) || in_listed(s, t) || (upper_only && t->cs != TG_CASE_UPPER) ||
        (title_only && t->cs != TG_CASE_TITLE))
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
        if (name_word(s, nx) && !in_listed(s, nx) && (!upper_only || nx->cs == TG_CASE_UPPER) &&
            (!title_only || nx->cs == TG_CASE_TITLE) && name_gap(g, gn, prev->initial, 0) &&
            crosses_ok(s, g, gn)) {
            r->k[r->n] = j + 1;
            r->part[r->n++] = 0;
            j++;
            continue;
        }
        if (!nx->particle || !spaces_only(g, gn) || !crosses_ok(s, g, gn))
            break;
        /* particles: de | de la | de las | de los | del | y */
        size_t p = j + 1, np = 1;
        ptok_t *p1 = nx, *p2 = at(s, p + 1);
        int ok = !strcmp(p1->f, "de") || !strcmp(p1->f, "del") || !strcmp(p1->f, "y");
        if (ok && !strcmp(p1->f, "de") && p2 && p2->particle &&
            (!strcmp(p2->f, "la") || !strcmp(p2->f, "las") || !strcmp(p2->f, "los"))) {
            gap(s, p, &g, &gn);
            if (!spaces_only(g, gn) || !crosses_ok(s, g, gn))
                break;
            np = 2;
        }
        if (!ok)
            break;
        ptok_t *w = at(s, p + np);
        if (!w || !name_word(s, w) || in_listed(s, w))
            break;
        gap(s, p + np - 1, &g, &gn);
        if (!spaces_only(g, gn) || !crosses_ok(s, g, gn))
            break;
        /* lowercase particles between capitalised words; capital ones only
         * in an all-capitals name (MARÍA DE LA CRUZ), and a lowercase "y"
         * does not join two acronyms (SEBIN y DGCIM) */
        int upper_sides = prev->cs == TG_CASE_UPPER && w->cs == TG_CASE_UPPER;
        int lower_parts = p1->cs == TG_CASE_LOWER && (np == 1 || at(s, p + 1)->cs == TG_CASE_LOWER);
        int upper_parts = p1->cs == TG_CASE_UPPER && (np == 1 || at(s, p + 1)->cs == TG_CASE_UPPER);
        if (lower_parts ? (upper_sides && !strcmp(p1->f, "y")) : !(upper_parts && upper_sides))
            break;
        if ((upper_only && w->cs != TG_CASE_UPPER) || (title_only && w->cs != TG_CASE_TITLE))
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

/* Writes the words of r[from, to) as written, one space between them
 * ("-" where the text has a hyphen, "." after an initial). */
static void render(scan_t *s, const run_t *r, size_t from, size_t to, tg_buf_t *out)
{
    for (size_t i = from; i < to; i++) {
        ptok_t *t = at(s, r->k[i]);
        if (i > from) {
            ptok_t *p = at(s, r->k[i - 1]);
            const char *g = s->text + p->b;
            tg_buf_adds(out, (t->a - p->b == 1 && g[0] == '-') ? "-" : " ");
        }
        tg_buf_add(out, s->text + t->a, t->b - t->a);
        if (t->initial)
            tg_buf_addc(out, '.');
    }
}

static void emit(scan_t *s, const char *key, const char *name, const char *form, size_t a, size_t b,
                 int listed)
{
    if (s->stop)
        return;
    size_t person;
    if (!listed && tg_names_find_key(s->names, key, &person) == 0) {
        key = tg_names_key(s->names, person);
        name = tg_names_canonical(s->names, person);
        listed = 1;
    }
    tg_person_t p = {key, name, form, a, b, listed};
    if (s->cb(s->ctx, &p))
        s->stop = 1;
}

/* Is the name at [a, b) in a headline written in title case ("Venezuela:
 * Arbitrary Detentions After the Election")?  Then its capitals say
 * nothing: at least two other words of four letters or more are
 * capitalised, and none is in lowercase. */
static int in_title_heading(const scan_t *s, size_t a, size_t b)
{
    size_t la = a, lb = b;
    while (la > 0 && s->text[la - 1] != '\n' && s->text[la - 1] != '\f' && a - la < 300)
        la--;
    while (lb < s->len && s->text[lb] != '\n' && s->text[lb] != '\f' && lb - b < 300)
        lb++;
    if (a - la >= 300 || lb - b >= 300)
        return 0; /* a paragraph, not a heading */
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
        caps += c == TG_CASE_TITLE || c == TG_CASE_UPPER;
    }
    return caps >= 2;
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

/* Judges r[from, to) (particles at its ends already trimmed): returns 1
 * and narrows *from, *to to the name, or 0. */
static int judge(scan_t *s, const run_t *r, size_t *from, size_t *to)
{
    size_t a = *from, b = *to;
    /* a common word opening a sentence: "Detención", "Ayer", "Declaró" */
    while (a < b && !r->part[a] && at(s, r->k[a])->sent_start &&
           (is_lower_word(s, at(s, r->k[a])) || looks_verb(s, at(s, r->k[a])))) {
        a++;
        while (a < b && r->part[a])
            a++;
    }
    /* an organisation or place word: what follows it is that; what comes
     * before a particle leading to it may still be a name ("Ana Rojas de
     * la Universidad Central") */
    for (size_t i = a; i < b; i++) {
        if (r->part[i] || !(at(s, r->k[i])->cat & C_ORG))
            continue;
        if (i > a && r->part[i - 1]) {
            b = i;
            while (b > a && r->part[b - 1])
                b--;
        } else {
            return 0;
        }
        break;
    }
    size_t words = 0, initials = 0, common = 0, upper = 0;
    for (size_t i = a; i < b; i++) {
        if (r->part[i])
            continue;
        ptok_t *t = at(s, r->k[i]);
        words++;
        if (t->initial) {
            initials++;
            continue;
        }
        common += is_lower_word(s, t);
        upper += t->cs == TG_CASE_UPPER;
    }
    size_t full = words - initials;
    if (words < TG_PERSONS_MIN_WORDS || words > TG_PERSONS_MAX_WORDS || full < 2)
        return 0;
    /* mostly common words: "Informe Anual", "Opposition Leader Arrested";
     * in capitals (headings), half of them is enough */
    if (upper == full ? common * 2 >= full : common * 2 > full)
        return 0;
    if (upper == 0 && in_title_heading(s, at(s, r->k[a])->a, at(s, r->k[b - 1])->b))
        return 0;
    *from = a;
    *to = b;
    return 1;
}

static void report(scan_t *s, const run_t *r, size_t a, size_t b)
{
    tg_buf_t name, key;
    tg_buf_init(&name, 4096);
    tg_buf_init(&key, 4096);
    render(s, r, a, b, &name);
    tg_name_key(name.data, name.len, &key);
    emit(s, tg_buf_str(&key), tg_buf_str(&name), tg_buf_str(&name), at(s, r->k[a])->a,
         at(s, r->k[b - 1])->b, 0);
    tg_buf_free(&name);
    tg_buf_free(&key);
}

/* Splits r at "y" unless it joins a last surname ("José Ortega y
 * Gasset"), and reports each part that passes. */
static void judge_and_report(scan_t *s, const run_t *r)
{
    size_t start = 0;
    for (size_t i = 0; i <= r->n; i++) {
        int split = 0;
        if (i < r->n && r->part[i] && !strcmp(at(s, r->k[i])->f, "y")) {
            size_t before = 0;
            for (size_t k = start; k < i; k++)
                before += !r->part[k];
            int last_surname = before >= 2 && i + 2 == r->n;
            split = !last_surname;
        }
        if (i == r->n || split) {
            size_t a = start, b = i;
            if (b > a && judge(s, r, &a, &b))
                report(s, r, a, b);
            start = i + 1;
        }
    }
}

/* "ALVARADO PÉREZ, Marino José": r is the surname half (capitals);
 * returns the words used (0 if it is not this form). */
static size_t comma_form(scan_t *s, const run_t *r)
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
    run_t given;
    build_run(s, last + 1, 0, 1, &given);
    if (given.n == 0 || given.n == RUN_MAX || run_words(&given) > 3)
        return 0;
    /* judge the whole as one name, given names first */
    run_t all;
    all.n = 0;
    for (size_t i = 0; i < given.n; i++) {
        all.k[all.n] = given.k[i];
        all.part[all.n++] = given.part[i];
    }
    for (size_t i = 0; i < r->n && all.n < RUN_MAX; i++) {
        all.k[all.n] = r->k[i];
        all.part[all.n++] = r->part[i];
    }
    size_t a = 0, b = all.n;
    /* the given names do not open a sentence: a comma stands before them */
    int saved = at(s, given.k[0])->sent_start;
    at(s, given.k[0])->sent_start = 0;
    int ok = all.n < RUN_MAX && judge(s, &all, &a, &b) && a == 0 && b == all.n;
    at(s, given.k[0])->sent_start = saved;
    if (!ok)
        return 0;
    tg_buf_t name, form, key;
    tg_buf_init(&name, 4096);
    tg_buf_init(&form, 4096);
    tg_buf_init(&key, 4096);
    render(s, &given, 0, given.n, &name);
    tg_buf_addc(&name, ' ');
    render(s, r, 0, r->n, &name);
    render(s, r, 0, r->n, &form);
    tg_buf_adds(&form, ", ");
    render(s, &given, 0, given.n, &form);
    tg_name_key(form.data, form.len, &key);
    emit(s, tg_buf_str(&key), tg_buf_str(&name), tg_buf_str(&form), at(s, r->k[0])->a,
         at(s, given.k[given.n - 1])->b, 0);
    tg_buf_free(&name);
    tg_buf_free(&form);
    tg_buf_free(&key);
    return given.k[given.n - 1] + 1;
}

/* Is the current word named by the lowercase word before it as a place or
 * an institution ("parroquia", "estado", "liceo", "hospital")? */
static int after_place_word(scan_t *s)
{
    if (!s->have_before || !(s->before.cat & (C_ORG | C_PLACE)) || s->before.cs != TG_CASE_LOWER)
        return 0;
    const ptok_t *t = at(s, 0);
    return spaces_only(s->text + s->before.b, t->a - s->before.b);
}

static void pass2(scan_t *s)
{
    size_t span = 0;
    tg_buf_t form;
    tg_buf_init(&form, 4096);
    while (!s->stop && at(s, 0)) {
        ptok_t *t = at(s, 0);
        while (span < s->nspans && s->spans[span].b <= t->a)
            span++;
        if (span < s->nspans && s->spans[span].a == t->a) {
            /* a listed name: report it, go past it */
            const span_t *sp = &s->spans[span];
            tg_buf_reset(&form);
            size_t k = 0;
            for (ptok_t *w = at(s, 0); w && w->b <= sp->b; w = at(s, ++k)) {
                if (k)
                    tg_buf_addc(&form, ' ');
                tg_buf_add(&form, s->text + w->a, w->b - w->a);
            }
            emit(s, tg_names_key(s->names, sp->person), tg_names_canonical(s->names, sp->person),
                 tg_buf_str(&form), sp->a, sp->b, 1);
            advance(s, k ? k : 1);
            continue;
        }
        run_t r;
        build_run(s, 0, 0, 0, &r);
        if (r.n == 0) {
            advance(s, 1);
            continue;
        }
        if (after_place_word(s)) {
            /* "parroquia Antonio Borjas Romero", "liceo Andrés Bello" */
            advance(s, r.k[r.n - 1] + 1);
            continue;
        }
        size_t used = r.n == RUN_MAX ? r.k[r.n - 1] + 1 : 0;
        if (!used) {
            used = comma_form(s, &r);
            if (!used) {
                judge_and_report(s, &r);
                used = r.k[r.n - 1] + 1;
            }
        }
        advance(s, used);
    }
    tg_buf_free(&form);
}

void tg_persons_scan(const char *text, size_t len, const tg_names_t *names, tg_person_cb cb,
                     void *ctx)
{
    scan_t s;
    memset(&s, 0, sizeof s);
    s.text = text;
    s.len = len;
    s.names = names;
    s.cb = cb;
    s.ctx = ctx;
    pthread_once(&lex_once, lexicon);
    sset_init(&s.lower, TG_PERSONS_MAX_LOWER);
    tg_buf_init(&s.fold, 4 * FOLD_MAX);
    restart(&s);
    pass1(&s);
    restart(&s);
    pass2(&s);
    tg_buf_free(&s.fold);
    sset_free(&s.lower);
    free(s.spans);
}
