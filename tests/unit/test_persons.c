/* Unit tests: person names in text (lib/evidence/persons.c) and the names list
 * (lib/evidence/names.c).
 *
 * The precision test runs the extractor over fictional fixture documents
 * (testimonies, news, a court record, an English report) whose persons are
 * known, counts distinct names per document, and prints the precision and
 * recall it measured; it fails below the floors set here, so a change that
 * makes extraction noticeably worse is caught.  All names are invented. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "names.h"
#include "persons.h"

/* ==== Helpers ============================================================== */

typedef struct {
    char keys[64][128];
    char names[64][128];
    char forms[64][128];
    int listed[64];
    size_t n;
} found_t;

static int collect(void *ctx, const tg_person_t *p)
{
    found_t *f = ctx;
    if (p->weak)
        return 0; /* short forms: see the weak test */
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->keys[i], p->key))
            return 0;
    if (f->n == 64)
        return 1;
    snprintf(f->keys[f->n], 128, "%s", p->key);
    snprintf(f->names[f->n], 128, "%s", p->name);
    snprintf(f->forms[f->n], 128, "%s", p->form);
    f->listed[f->n] = p->listed;
    f->n++;
    return 0;
}

static void scan(const char *text, const tg_names_t *names, found_t *f)
{
    memset(f, 0, sizeof *f);
    size_t n = strlen(text);
    char *copy = malloc(n ? n : 1); /* exact size: ASan sees overreads */
    memcpy(copy, text, n);
    tg_persons_scan(copy, n, names, collect, f);
    free(copy);
}

static const char *joined(const found_t *f)
{
    static char out[4096];
    out[0] = '\0';
    for (size_t i = 0; i < f->n; i++) {
        strcat(out, i ? "|" : "");
        strcat(out, f->keys[i]);
    }
    return out;
}

/* The names over words cut once (words.h), at most max of them kept. */
static void scan_words(const char *text, size_t max, found_t *f)
{
    memset(f, 0, sizeof *f);
    size_t n = strlen(text);
    char *copy = malloc(n ? n : 1);
    memcpy(copy, text, n);
    tg_words_t w;
    tg_words_init(&w, copy, n, max);
    tg_persons_scan_words(&w, NULL, collect, f);
    tg_words_free(&w);
    free(copy);
}

static void expect(const char *text, const char *want)
{
    found_t f;
    scan(text, NULL, &f);
    if (strcmp(joined(&f), want))
        fail_msg("'%s':\n  got    '%s'\n  wanted '%s'", text, joined(&f), want);
    static const size_t caps[] = {TG_WORDS_MAX, 0, 1, 3};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        found_t fw;
        scan_words(text, caps[i], &fw);
        if (strcmp(joined(&fw), want))
            fail_msg("'%s' over %zu words:\n  got    '%s'\n  wanted '%s'", text, caps[i],
                     joined(&fw), want);
    }
}

/* ==== Shapes =============================================================== */

static void shapes(void **state)
{
    (void)state;
    static const char *const rows[][2] = {
        {"Funcionarios detuvieron a Marino Alvarado en su casa.", "marino alvarado"},
        {"La madre de María de la Cruz Pérez denunció el hecho.", "maria de la cruz perez"},
        {"Declaró José Gregorio del Valle Rondón ante la prensa.",
         "jose gregorio del valle rondon"},
        {"Lo dijo José Ortega y Gasset.", "jose ortega y gasset"},
        {"Estaban María Pérez y José Rodríguez.", "maria perez|jose rodriguez"},
        {"el ciudadano MARINO JOSÉ ALVARADO PÉREZ, titular", "marino jose alvarado perez"},
        {"Imputados: ALVARADO PÉREZ, Marino José; ROJAS, Ana.",
         "marino jose alvarado perez|ana rojas"},
        {"Firmó el Dr. Luis Enrique Mora.", "luis enrique mora"},
        {"Según el General Raúl Quintero Báez, no hubo heridos.", "raul quintero baez"},
        {"Lo vio José A. Pérez.", "jose a perez"},
        {"Ana-María Lugo declaró.", "ana maria lugo"},
        {"Nota de prensa. Ayer Carmen Teresa Salas fue liberada.", "carmen teresa salas"},
        {"según dijo Ana Rojas de la Universidad Central de Venezuela", "ana rojas"},
        {"Marino Alvarado de Caracas", "marino alvarado"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        expect(rows[i][0], rows[i][1]);
}

static void not_persons(void **state)
{
    (void)state;
    static const char *const none[] = {
        "Lo llevaron al Ministerio Público y luego al Tribunal Supremo de Justicia.",
        "La ONG Foro Penal contabilizó los casos junto con Human Rights Watch.",
        "Fue trasladado a San Cristóbal y después a Puerto Ordaz.",
        "Funcionarios del SEBIN y la DGCIM participaron.",
        "El Helicoide, Caracas, Venezuela.",
        "Fuerza Armada Nacional Bolivariana",
        "Detenido en Ramo Verde desde el Lunes Santo.",
        "Caracas, 5 de agosto de 2025",
        "Marino",
        "Según",
        "Uno Dos Tres Cuatro Cinco Seis Siete", /* a headline of many words */
        "",
    };
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
        expect(none[i], "");
}

static void common_words_by_evidence(void **state)
{
    (void)state;
    /* "Detención" opens a sentence, and the text writes "detención" too */
    expect("Detención Arbitraria. La detención arbitraria de Luis Mora fue denunciada.",
           "luis mora");
    /* a heading in capitals made of words the text uses in lowercase */
    expect("INFORME ANUAL\n\nEste informe anual resume los casos de Ana Rojas.", "ana rojas");
    /* a name whose words are not otherwise used stays */
    expect("DETENIDOS\n\nMARINO ALVARADO\nANA ROJAS\n\nLos detenidos fueron trasladados.",
           "marino alvarado|ana rojas");
}

/* What issue 14 asks of extraction: sentence-initial words of legal and
 * news Spanish, places, organisations, headings and greetings are not
 * persons; names after titles, married names, "APELLIDOS, Nombres" lists,
 * chat senders, English text, table cells. */
static void legal_news_and_chat(void **state)
{
    (void)state;
    static const char *const rows[][2] = {
        {"Comparece Eusebio Arreaza Lugo, cédula V-12.345.678, venezolano.",
         "eusebio arreaza lugo"},
        {"Expone Thais Margarita Urdaneta que no hubo orden.", "thais margarita urdaneta"},
        {"Manifiesta Franklin José Garcés Medina: \"no hice nada\".",
         "franklin jose garces medina"},
        {"Declara Nelly Coromoto Arreaza, hija del aprehendido.", "nelly coromoto arreaza"},
        {"Firman Mariela Chirinos y Nelson Villalobos.", "mariela chirinos|nelson villalobos"},
        {"Seguidamente Luis Alberto Rondón Pérez tomó la palabra.", "luis alberto rondon perez"},
        {"Solicito Ciudadana Jueza la libertad de mi defendido.", ""},
        {"Fue detenido en Boca de Aroa, estado Falcón.", ""},
        {"Arbitrary Detention in Venezuela: The Case of the Falcón Fishermen", ""},
        {"[05/08/24, 21:14] Dayana Suárez: Buenas Noches familia", "dayana suarez"},
        {"05/08/24, 21:15 - Wilmer Ochoa: Buenos Días. Feliz Cumpleaños", "wilmer ochoa"},
        {"Vino con su esposa Yelitza Manrique de Arreaza.", "yelitza manrique de arreaza"},
        {"1. ARREAZA LUGO, Eusebio (C.I. 12345678)", "eusebio arreaza lugo"},
        {"10. MÁRQUEZ RIERA, OSWALDO JOSÉ, titular de la cédula", "oswaldo jose marquez riera"},
        {"CARACAS, VENEZUELA", ""},
        {"a cargo de la jueza Bárbara Lucía Sandoval y del fiscal Óscar Rangel.",
         "barbara lucia sandoval|oscar rangel"},
        {"La Sra. Rosalba Quijada y Ms. Ana Beatriz Salcedo llegaron.",
         "rosalba quijada|ana beatriz salcedo"},
        {"Mr. Jose Luis Quintana was arrested on July 31.", "jose luis quintana"},
        {"Rosa Blanco Moreno declaró ayer; Marino Alvarado también.",
         "rosa blanco moreno|marino alvarado"},
        {"Milagros del Valle Carrasco llegó temprano.", "milagros del valle carrasco"},
        {"Nombre\tLugar\nOvidio Lárez\tUpata\n", "ovidio larez"},
        {"Declaración de Yolimar Castillo Bermúdez\nSabaneta, 12 de agosto de 2024.",
         "yolimar castillo bermudez"},
        {"una comisión de la Dirección General de Contrainteligencia Militar", ""},
        {"Declaración de Gabriela Montilla sobre su hermano", "gabriela montilla"},
        {"Redacción: Yusmary Hernández / Fotografía: Édgar Luis Camacho",
         "yusmary hernandez|edgar luis camacho"},
        {"Los bytes FE FF abren el texto, en Helvetica-Bold.", ""},
        {"Sargento Primero Wilfredo Antonio Chirinos", "wilfredo antonio chirinos"},
        {"Los tenían en San Juan de los Morros, en el Hospital Ruiz y Páez.", ""},
        {"Entrega: Wilfredo Antonio Chirinos        Recibe: Yelitza Manrique",
         "wilfredo antonio chirinos|yelitza manrique"},
        {"Wilfredo Enrique Sanoja — C.I. V-9.112.437 — Puerto Ordaz\n"
         "Luis Eduardo Moy — C.I. V-18.004.912 — Upata\n"
         "Yuraima del Carmen Ortega — C.I. V-20.887.154 — Ciudad Bolívar\n",
         "wilfredo enrique sanoja|luis eduardo moy|yuraima del carmen ortega"},
        {"Entrevistadora: Lcda. Mirla Josefina Tovar\nEntrevistada: Dariannys Belisario",
         "mirla josefina tovar|dariannys belisario"},
        {"el ciudadano que declaró ante la fiscalía del estado fue Marino\n"
         "Alvarado Rivas, según consta.",
         "marino alvarado rivas"},
        {"Signed,\nOmaira Velasquez, Yanet Velasquez de Mata and Jesus Enrique Velasquez",
         "omaira velasquez|yanet velasquez de mata|jesus enrique velasquez"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        expect(rows[i][0], rows[i][1]);
}

static int collect_weak(void *ctx, const tg_person_t *p)
{
    found_t *f = ctx;
    if (p->weak && f->n < 64)
        snprintf(f->keys[f->n++], 128, "%s", p->key);
    return 0;
}

/* A single surname after a title is reported, as weak */
static void short_forms_after_titles(void **state)
{
    (void)state;
    static const char *const rows[][2] = {
        {"Mr. Perez said he was beaten.", "perez"},
        {"La señora Rodríguez no quiso declarar.", "rodriguez"},
        {"el fiscal Rangel lo acusó", "rangel"},
        {"el fiscal Óscar Rangel lo acusó", ""}, /* a full name */
        {"la Sra. Carmen llegó", ""},            /* a given name */
        {"Lieutenant Colonel Okafor", "okafor"},
        {"el Dr. Detención", ""}, /* a common word */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        found_t f;
        memset(&f, 0, sizeof f);
        tg_persons_scan(rows[i][0], strlen(rows[i][0]), NULL, collect_weak, &f);
        if (strcmp(joined(&f), rows[i][1]))
            fail_msg("'%s': weak '%s', wanted '%s'", rows[i][0], joined(&f), rows[i][1]);
    }
}

static void caps_only_text(void **state)
{
    (void)state;
    /* a document all in capitals gives no case evidence: names by shape are
     * not trusted there (a names list still works) */
    expect("ACTA DE ENTREGA DEL DETENIDO MARINO ALVARADO A LOS FUNCIONARIOS DEL CUERPO DE "
           "INVESTIGACIONES EN LA SEDE DE LA DIRECCION GENERAL CON PRESENCIA DE TESTIGOS",
           "");
}

/* ==== The names list ======================================================= */

static const char names_csv[] = "# people of the case\n"
                                "name,aliases\n"
                                "Marino Alvarado,\"ALVARADO, Marino\",Marino José Alvarado Pérez\n"
                                "Ana María Rojas,\"ROJAS, Ana María\",Ana Rojas\n"
                                "\"Lugo, Pedro\",El Catire\n"
                                "\n"
                                "Néstor Ñáñez,\"Nestor \"\"el Negro\"\" Nanez\"\r\n";

static tg_names_t *load_names(void)
{
    tg_names_t *n;
    char err[256];
    tg_status_t st = tg_names_parse(names_csv, strlen(names_csv), "names.csv", &n, err, sizeof err);
    if (st)
        fail_msg("names list: %s", err);
    return n;
}

static void names_list(void **state)
{
    (void)state;
    tg_names_t *n = load_names();
    assert_int_equal(tg_names_count(n), 4);
    assert_string_equal(tg_names_canonical(n, 0), "Marino Alvarado");
    assert_string_equal(tg_names_key(n, 0), "marino alvarado");
    /* "Lugo, Pedro" as canonical: key in given-name-first order */
    assert_string_equal(tg_names_key(n, 2), "pedro lugo");
    assert_string_equal(tg_names_key(n, 3), "nestor nanez");
    size_t p;
    assert_int_equal(tg_names_find_key(n, "ana maria rojas", &p), 0);
    assert_int_equal(p, 1);
    assert_int_equal(tg_names_find_key(n, "nobody", &p), -1);

    found_t f;
    /* aliases, accents, case: all reported as the canonical person */
    scan("Según el expediente, ALVARADO, Marino fue visto con marino alvarado y con "
         "MARINO JOSÉ ALVARADO PÉREZ.",
         n, &f);
    assert_int_equal(f.n, 1);
    assert_string_equal(f.keys[0], "marino alvarado");
    assert_string_equal(f.names[0], "Marino Alvarado");
    assert_true(f.listed[0]);
    /* without accents; the alias with quotes inside */
    scan("Declaró Nestor Nanez. Luego Néstor \"el Negro\" Ñáñez.", n, &f);
    assert_string_equal(joined(&f), "nestor nanez");
    /* a one-word alias the list gives is taken */
    scan("Lo llamaban El Catire en el barrio.", n, &f);
    assert_string_equal(joined(&f), "pedro lugo");
    /* found by shape, with a listed key: reported as listed */
    scan("Testigo: Ana María Rojas.", n, &f);
    assert_int_equal(f.n, 1);
    assert_true(f.listed[0]);
    /* the longest listed form wins over a shorter one inside it */
    scan("MARINO JOSÉ ALVARADO PÉREZ", n, &f);
    assert_string_equal(f.forms[0], "MARINO JOSÉ ALVARADO PÉREZ");
    /* an unlisted person next to listed ones is still found by shape */
    scan("Marino Alvarado y Luisa Fernanda Tovar fueron detenidos.", n, &f);
    assert_string_equal(joined(&f), "marino alvarado|luisa fernanda tovar");
    tg_names_free(n);
}

static void names_list_errors(void **state)
{
    (void)state;
    static const char *const bad[][2] = {
        {"Marino Alvarado,\"ALVARADO, Marino\n", "names.csv:1: unterminated quotation mark"},
        {"ok\n,Alias sin nombre\n", "names.csv:2: the first name (the canonical one) is empty"},
        {"Uno Dos Tres Cuatro Cinco Seis Siete Ocho Nueve\n", "more than 8 words"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tg_names_t *n;
        char err[256] = "";
        tg_status_t st =
            tg_names_parse(bad[i][0], strlen(bad[i][0]), "names.csv", &n, err, sizeof err);
        assert_int_not_equal(st, TG_OK);
        assert_null(n);
        if (!strstr(err, bad[i][1]))
            fail_msg("'%s': message '%s' lacks '%s'", bad[i][0], err, bad[i][1]);
    }
    /* a name too long */
    char big[600] = "\"";
    memset(big + 1, 'a', 400);
    strcat(big, "\"\n");
    tg_names_t *n;
    char err[256];
    assert_int_equal(tg_names_parse(big, strlen(big), "x.csv", &n, err, sizeof err), TG_ERR_LIMIT);
    assert_non_null(strstr(err, "longer than"));
    /* a missing file */
    assert_int_equal(tg_names_load("/nonexistent/names.csv", &n, err, sizeof err), TG_ERR_IO);
    assert_non_null(strstr(err, "/nonexistent/names.csv"));
    /* Windows-1252, as a spreadsheet saves it */
    const char cp1252[] = "N\xe9stor \xd1\xe1\xf1\x65z\n";
    assert_int_equal(tg_names_parse(cp1252, strlen(cp1252), "x.csv", &n, err, sizeof err), TG_OK);
    assert_string_equal(tg_names_key(n, 0), "nestor nanez");
    assert_string_equal(tg_names_canonical(n, 0), "Néstor Ñáñez");
    tg_names_free(n);
    /* empty list */
    assert_int_equal(tg_names_parse("", 0, "x.csv", &n, err, sizeof err), TG_OK);
    assert_int_equal(tg_names_count(n), 0);
    size_t p;
    const char *w[] = {"marino"};
    assert_int_equal(tg_names_match(n, w, 1, &p), 0);
    tg_names_free(n);
}

static void keys(void **state)
{
    (void)state;
    static const char *const rows[][2] = {
        {"Marino Alvarado", "marino alvarado"},
        {"MARINO ALVARADO", "marino alvarado"},
        {"ALVARADO, Marino", "marino alvarado"},
        {"  Alvarado ,  Marino  ", "marino alvarado"},
        {"ALVARADO PÉREZ, Marino José", "marino jose alvarado perez"},
        {"María de la Cruz", "maria de la cruz"},
        {"José A. Pérez", "jose a perez"},
        {", Marino", "marino"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        tg_buf_t b;
        tg_buf_init(&b, 1024);
        tg_name_key(rows[i][0], strlen(rows[i][0]), &b);
        if (strcmp(tg_buf_str(&b), rows[i][1]))
            fail_msg("key of '%s': '%s', wanted '%s'", rows[i][0], tg_buf_str(&b), rows[i][1]);
        tg_buf_free(&b);
    }
}

/* ==== Precision and recall on fixture documents ============================ */

static const struct {
    const char *text;
    const char *persons; /* keys, '|'-separated */
} fixtures[] = {
    {"Testimonio de Carmen Elena Briceño\n"
     "Caracas, 12 de agosto de 2024\n\n"
     "Mi nombre es Carmen Elena Briceño y soy la madre de Luis Alberto Briceño Mora. "
     "El 29 de julio de 2024, después de las protestas, mi hijo salió de la casa en Petare. "
     "Funcionarios de la Guardia Nacional Bolivariana lo detuvieron junto con su amigo "
     "Jesús Manuel Arteaga. Los llevaron primero a un comando de la GNB y luego a la sede "
     "del SEBIN en El Helicoide. Durante tres días no supimos nada. La abogada Yelitza "
     "Coromoto Parra, del Foro Penal, nos ayudó a presentar un habeas corpus ante el "
     "Tribunal Supremo de Justicia. Según ella, el fiscal Óscar Rangel lo acusó de "
     "terrorismo. Mi hijo estudia en la Universidad Central de Venezuela. Hoy sigue preso. "
     "Pido a la Comisión Interamericana de Derechos Humanos que intervenga.\n",
     "carmen elena briceno|luis alberto briceno mora|jesus manuel arteaga|"
     "yelitza coromoto parra|oscar rangel"},
    {"EXCARCELAN A DIRIGENTE SINDICAL\n\n"
     "Maracaibo, 3 de septiembre de 2024. El dirigente sindical Rafael Antonio Villasmil fue "
     "excarcelado este martes tras pasar 40 días detenido. Su esposa, Maritza Urdaneta, "
     "confirmó la noticia a este diario. Villasmil había sido detenido en la Avenida 5 de "
     "Julio por funcionarios de la Policía Nacional Bolivariana. Su defensor, el abogado "
     "Gonzalo Himiob Santomé, explicó que el tribunal dictó medidas cautelares. "
     "Organizaciones como Provea y Amnistía Internacional habían exigido su liberación. "
     "El gobernador del estado Zulia no se pronunció. Según la ONG, otros tres "
     "trabajadores de PDVSA siguen presos: Douglas Fuenmayor, Nelson Parra y "
     "Wilmer José Chirinos.\n",
     "rafael antonio villasmil|maritza urdaneta|gonzalo himiob santome|douglas fuenmayor|"
     "nelson parra|wilmer jose chirinos"},
    {"REPÚBLICA BOLIVARIANA DE VENEZUELA\n"
     "CIRCUITO JUDICIAL PENAL DEL ÁREA METROPOLITANA DE CARACAS\n"
     "JUZGADO QUINTO DE PRIMERA INSTANCIA EN FUNCIONES DE CONTROL\n\n"
     "ACTA DE AUDIENCIA DE PRESENTACIÓN\n\n"
     "En el día de hoy, se constituyó el tribunal a cargo de la jueza Bárbara Lucía "
     "Sandoval, con la secretaria Nancy Josefina Tovar. Se hizo presente el Fiscal "
     "Provisorio del Ministerio Público, abogado Ernesto Luis Paredes. Fueron presentados "
     "los imputados: MENDOZA RIVAS, José Gregorio, titular de la cédula de identidad "
     "V-14.225.318, y GUTIÉRREZ, Andreína del Carmen, titular de la cédula de identidad "
     "V-20.117.904. La defensa privada estuvo a cargo de la abogada Theresly Malavé. "
     "El tribunal acordó la privación judicial preventiva de libertad. Se ordena su "
     "reclusión en el Centro Penitenciario Rodeo I.\n",
     "barbara lucia sandoval|nancy josefina tovar|ernesto luis paredes|"
     "jose gregorio mendoza rivas|andreina del carmen gutierrez|theresly malave"},
    {"Venezuela: Arbitrary Detentions After the Election\n\n"
     "In the weeks after the July 28 vote, security forces detained more than 2,000 "
     "people, according to the rights group. Among them was Roberto Carlos Peña, a "
     "25-year-old delivery worker, who was arrested in Barquisimeto on July 30. His "
     "sister, Daniela Peña, told Human Rights Watch that officers of the DGCIM took him "
     "away without a warrant. The United Nations Fact-Finding Mission said in a statement "
     "that it had documented cases of torture. Opposition leader Perla Marina Ocando "
     "called for the release of all political prisoners. Attorney General Tomás Ruiz "
     "dismissed the reports.\n",
     "roberto carlos pena|daniela pena|perla marina ocando|tomas ruiz"},
    {"Declaración jurada\n\n"
     "Yo, Francisco Javier Liendo, venezolano, mayor de edad, declaro lo siguiente: "
     "Que conozco de vista, trato y comunicación a la señora Rosalba Inés Quijada desde "
     "hace veinte años. Que el día 2 de agosto de 2024 presencié cuando funcionarios "
     "encapuchados se la llevaron de su casa en Catia. Que junto a ella fueron detenidos "
     "sus vecinos Pedro Pablo Guanipa y Yaneth del Valle Colmenares. Que el Consejo "
     "Comunal del sector no hizo nada. Declaración que hago en Caracas, a los cinco días "
     "del mes de agosto de 2024. Firma: Francisco Javier Liendo.\n",
     "francisco javier liendo|rosalba ines quijada|pedro pablo guanipa|"
     "yaneth del valle colmenares"},
    {"Lista de presos políticos (actualizada)\n\n"
     "1. Alejandro José Moncada, detenido el 30/07/2024 en Valencia.\n"
     "2. Gabriela Alejandra Suárez, detenida el 01/08/2024 en Mérida.\n"
     "3. Kevin Orlando Díaz, detenido el 04/08/2024 en Cumaná.\n"
     "4. Rosa María Figueroa de Pinto, detenida el 05/08/2024 en Maturín.\n\n"
     "Fuente: Observatorio Venezolano de Prisiones. Contacto: Lic. Irene Castellanos.\n",
     "alejandro jose moncada|gabriela alejandra suarez|kevin orlando diaz|"
     "rosa maria figueroa de pinto|irene castellanos"},
};

static int listed_in(const char *keys, const char *key)
{
    size_t n = strlen(key);
    for (const char *p = keys; (p = strstr(p, key)); p += n)
        if ((p == keys || p[-1] == '|') && (p[n] == '|' || p[n] == '\0'))
            return 1;
    return 0;
}

static void precision_on_fixtures(void **state)
{
    (void)state;
    size_t found = 0, right = 0, gold = 0;
    for (size_t d = 0; d < sizeof fixtures / sizeof fixtures[0]; d++) {
        found_t f;
        scan(fixtures[d].text, NULL, &f);
        size_t g = 1;
        for (const char *p = fixtures[d].persons; *p; p++)
            g += *p == '|';
        gold += g;
        for (size_t i = 0; i < f.n; i++) {
            found++;
            if (listed_in(fixtures[d].persons, f.keys[i]))
                right++;
            else
                printf("# document %zu: not a person (or not whole): '%s'\n", d + 1, f.forms[i]);
        }
        for (const char *p = fixtures[d].persons; *p;) {
            const char *e = strchr(p, '|');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            int hit = 0;
            for (size_t i = 0; i < f.n; i++)
                hit |= strlen(f.keys[i]) == n && !strncmp(f.keys[i], p, n);
            if (!hit)
                printf("# document %zu: missed '%.*s'\n", d + 1, (int)n, p);
            p += n + (e ? 1 : 0);
        }
    }
    double precision = found ? (double)right / (double)found : 0;
    double recall = gold ? (double)right / (double)gold : 0;
    printf("# persons by shape on %zu fixture documents: %zu found, %zu right, %zu known: "
           "precision %.2f, recall %.2f\n",
           sizeof fixtures / sizeof fixtures[0], found, right, gold, precision, recall);
    assert_true(precision >= 0.90);
    assert_true(recall >= 0.85);
}

static void hostile(void **state)
{
    (void)state;
    /* long runs, odd bytes, and truncations never read past the end */
    static const char *const odd[] = {
        "María de", "María de la", "ALVARADO,",          "ALVARADO, ",   "José A.",
        "José A",   "\xc3",        "Ana \xff\xfe Rojas", "Ana Rojas\xc2"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        found_t f;
        scan(odd[i], NULL, &f);
    }
    char big[20000] = "";
    for (int i = 0; i < 1000; i++)
        strcat(big, "Ana Rojas de ");
    found_t f;
    scan(big, NULL, &f);
    tg_names_t *n = load_names();
    scan(big, n, &f);
    tg_names_free(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shapes),
        cmocka_unit_test(not_persons),
        cmocka_unit_test(common_words_by_evidence),
        cmocka_unit_test(legal_news_and_chat),
        cmocka_unit_test(short_forms_after_titles),
        cmocka_unit_test(caps_only_text),
        cmocka_unit_test(names_list),
        cmocka_unit_test(names_list_errors),
        cmocka_unit_test(keys),
        cmocka_unit_test(precision_on_fixtures),
        cmocka_unit_test(hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
