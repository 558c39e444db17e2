/* What happened to a person, as a text tells it near the person's name:
 * the dates written close to a mention of the name, each labelled by the
 * event word nearest to it (detención, traslado, audiencia, liberación
 * and their forms, and English equivalents), for a person's timeline
 * (the web's person page).
 *
 * A mention is a run of words whose folded forms are a key's words, in
 * order (names.h: tg_name_key; "Luis Alberto Rondón Pérez", "LUIS ALBERTO
 * RONDON PEREZ" and "luis alberto rondon perez" are all mentions of the
 * key "luis alberto rondon perez").  Near is the mention's paragraph (never
 * across a blank line or a page break), at most TG_EVENT_WINDOW bytes
 * before it and after it.
 *
 * Pure: reads the text given, prints nothing.  Work is bounded by the text
 * (each word folded once) and TG_EVENT_MAX_MENTIONS. */
#ifndef TG_PERSONEVENTS_H
#define TG_PERSONEVENTS_H

#include <stddef.h>

#include "dates.h"

#define TG_EVENT_WINDOW       300
#define TG_EVENT_MAX_MENTIONS 200
#define TG_EVENT_MAX_KEYS     32

typedef enum {
    TG_EVENT_MENTIONED = 0, /* a date near the name, no event word near it */
    TG_EVENT_DETENTION,     /* detención, detenido, arresto, arrested, detained ... */
    TG_EVENT_TRANSFER,      /* traslado, trasladado, transferred ... */
    TG_EVENT_HEARING,       /* audiencia, juicio, hearing, trial ... */
    TG_EVENT_RELEASE,       /* liberación, excarcelación, liberado, released ... */
} tg_event_kind_t;

typedef struct {
    tg_date_t date;       /* as precise as written */
    tg_event_kind_t kind; /* the event word nearest to the date */
    size_t name_start;    /* the mention of the name: bytes of the text */
    size_t name_end;
    size_t date_start; /* the date: bytes of the text */
    size_t date_end;
} tg_event_t;

/* Returns 0 to go on, non-zero to stop. */
typedef int (*tg_event_cb)(void *ctx, const tg_event_t *ev);

/* Calls cb for each date near each mention of one of the keys (at most
 * TG_EVENT_MAX_KEYS are used) in text, in text order; a date near two
 * mentions is given once.  lang and year as tg_dates_scan takes them. */
void tg_person_events(const char *text, size_t len, const char *const *keys, size_t nkeys,
                      const char *lang, int year, tg_event_cb cb, void *ctx);

/* A stable name of kind: "mentioned", "detention", "transfer", "hearing",
 * "release". */
const char *tg_event_name(tg_event_kind_t kind);

#endif
