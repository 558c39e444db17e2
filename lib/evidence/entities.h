/* Persons across the archive: the keys of names the documents give (the
 * XP terms, one per person of a document, docpersons.h) and the identity
 * numbers attached to them (the XK link terms) resolved into entities,
 * one per person.
 *
 * The rules (docs/persons.md, "One person across the archive"):
 *   - the same identity number is the same person: every key it is
 *     attached to is one entity with it;
 *   - a key whose words are those of a longer key, in order, with the same
 *     first word ("josé gregorio", "jose gregorio perez" of "jose gregorio
 *     perez salazar"; "ramon nunez" of "ramon antonio nunez"), is that
 *     person when the longer keys it fits are all one entity; when they
 *     are several ("jose gregorio" beside two José Gregorios), it stays
 *     an entity of its own.  Words are whole words: Gabriel is not
 *     Gabriela;
 *   - two different identity numbers are never one entity, nor two
 *     persons of a names list; a key written with two numbers (two
 *     namesakes) is never merged with another key by its words;
 *   - a names list's group (its canonical key and aliases) is one entity.
 * The result depends only on the keys and links given, never on the order
 * documents were indexed in: adding a document adds keys and links, and
 * resolving again reads those, not the documents.
 *
 * Cost: the keys are grouped by their first word and each key is compared
 * with the longer keys of its group, so resolving is O(K log K + sum of
 * the squares of the groups' sizes) for K keys.  Caps: TG_ENTITIES_MAX_KEYS
 * keys and TG_ENTITIES_MAX_LINKS links (more are ignored, which
 * tg_entities_truncated reports).
 *
 * Pure: nothing prints or touches the index; strings are copied and owned
 * by the object. */
#ifndef TG_ENTITIES_H
#define TG_ENTITIES_H

#include <stddef.h>

#define TG_ENTITIES_MAX_KEYS  2000000
#define TG_ENTITIES_MAX_LINKS 2000000
/* Words of a key compared (longer keys are compared on these). */
#define TG_ENTITIES_MAX_WORDS 12

typedef struct {
    const char *head;        /* its fullest key: most words, then most documents */
    const char *const *keys; /* every key, head first, then by documents */
    size_t nkeys;            /* may be 0: an identity number with only namesakes */
    const char *const *ids;  /* identity numbers (digits), sorted */
    size_t nids;
    const char *const *links; /* "DIGITS KEY": the links of its numbers */
    size_t nlinks;
    unsigned long freq; /* the documents of its keys, summed (an upper bound) */
    int listed;         /* a group of the names list */
} tg_entity_t;

typedef struct tg_entities tg_entities_t;

tg_entities_t *tg_entities_new(void);
/* NULL is a no-op. */
void tg_entities_free(tg_entities_t *e);

/* Adds a key seen in freq documents (a key added twice adds up). */
void tg_entities_add_key(tg_entities_t *e, const char *key, unsigned freq);
/* Adds the link of an identity number's digits to a key, in freq
 * documents; the key is added too. */
void tg_entities_add_link(tg_entities_t *e, const char *digits, const char *key, unsigned freq);
/* Adds a group of the names list: keys[0] the canonical key, the others its
 * aliases' keys (added as keys if missing, with no documents). */
void tg_entities_add_listed(tg_entities_t *e, const char *const *keys, size_t n);

/* Resolves; after it nothing may be added.  A second call does nothing. */
void tg_entities_resolve(tg_entities_t *e);
/* 1 if keys or links were ignored for the caps. */
int tg_entities_truncated(const tg_entities_t *e);

/* Entities, most documents first; valid until free. */
size_t tg_entities_count(const tg_entities_t *e);
const tg_entity_t *tg_entities_get(const tg_entities_t *e, size_t i);

/* The entity of a name's key: its own when the key is known; else the one
 * entity of the longer keys it fits (as above), or failing any, of the
 * shorter keys that fit it; -1 if none or if several. */
long tg_entities_find_key(const tg_entities_t *e, const char *key);
/* The entity of an identity number's digits, or -1. */
long tg_entities_find_id(const tg_entities_t *e, const char *digits);

#endif
