/* Persons across the archive (see entities.h): keys and identity-number
 * links resolved into entities with a union-find, in three passes whose
 * order makes the result independent of the order things were added in:
 * identity numbers first (the strongest evidence), then the names list's
 * groups, then shorter keys into the one longer person they fit, longest
 * keys first (so that "jose gregorio" meets "jose gregorio perez" already
 * joined to "jose gregorio perez salazar").  A union is refused when the
 * two sides carry different identity numbers or different listed persons.
 *
 * Relies on keys being tg_name_key's output: folded words joined by one
 * space, given names first.  Never prints; every array is capped
 * (entities.h). */
#define _POSIX_C_SOURCE 200809L
#include "entities.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct {
    char *key;
    char *copy; /* the key's words, NUL-separated */
    const char *w[TG_ENTITIES_MAX_WORDS];
    size_t nw;
    unsigned long freq;
    size_t parent;   /* union-find */
    const char *id;  /* the one number linked to it (NULL: none) */
    int homonym;     /* linked to two numbers or more: never merged by words */
    int listed;      /* names list group, 1-based; 0: none */
    const char *sid; /* at a root: the set's number */
    int slisted;     /* at a root: the set's listed group */
    long entity;
} key_t_;

typedef struct {
    char *digits;
    size_t key;
    unsigned long freq;
} link_t_;

struct tg_entities {
    key_t_ *k;
    size_t nk, capk;
    size_t *table; /* open addressing: key index + 1; 0 empty */
    size_t tcap;
    link_t_ *l;
    size_t nl, capl;
    int ngroups;
    int truncated, resolved;
    /* results */
    tg_entity_t *ent;
    size_t nent;
    char **id_of; /* sorted digits of every linked number */
    long *id_ent; /* their entities */
    size_t nid;
    size_t *byfirst; /* key indices sorted by first word, then words desc */
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

tg_entities_t *tg_entities_new(void)
{
    return tg_xcalloc(1, sizeof(tg_entities_t));
}

void tg_entities_free(tg_entities_t *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->nk; i++) {
        free(e->k[i].key);
        free(e->k[i].copy);
    }
    for (size_t i = 0; i < e->nl; i++)
        free(e->l[i].digits);
    for (size_t i = 0; i < e->nent; i++) {
        free((void *)e->ent[i].keys);
        free((void *)e->ent[i].ids);
        for (size_t j = 0; j < e->ent[i].nlinks; j++)
            free((void *)e->ent[i].links[j]);
        free((void *)e->ent[i].links);
    }
    free(e->ent);
    free(e->id_of);
    free(e->id_ent);
    free(e->byfirst);
    free(e->k);
    free(e->l);
    free(e->table);
    free(e);
}

static long lookup(const tg_entities_t *e, const char *key)
{
    if (!e->tcap)
        return -1;
    for (size_t h = hash_str(key) & (e->tcap - 1);; h = (h + 1) & (e->tcap - 1)) {
        if (!e->table[h])
            return -1;
        if (!strcmp(e->k[e->table[h] - 1].key, key))
            return (long)(e->table[h] - 1);
    }
}

static void table_put(tg_entities_t *e, size_t i)
{
    size_t h = hash_str(e->k[i].key) & (e->tcap - 1);
    while (e->table[h])
        h = (h + 1) & (e->tcap - 1);
    e->table[h] = i + 1;
}

/* The index of key, added with no documents if new; -1 past the cap. */
static long key_index(tg_entities_t *e, const char *key)
{
    long at = lookup(e, key);
    if (at >= 0)
        return at;
    if (e->nk >= TG_ENTITIES_MAX_KEYS || !*key) {
        e->truncated = 1;
        return -1;
    }
    if ((e->nk + 1) * 2 > e->tcap) {
        free(e->table);
        e->tcap = e->tcap ? e->tcap * 2 : 1024;
        e->table = tg_xcalloc(e->tcap, sizeof *e->table);
        for (size_t i = 0; i < e->nk; i++)
            table_put(e, i);
    }
    if (e->nk == e->capk) {
        e->capk = e->capk ? e->capk * 2 : 256;
        e->k = tg_xrealloc(e->k, e->capk * sizeof *e->k);
    }
    key_t_ *k = &e->k[e->nk];
    memset(k, 0, sizeof *k);
    k->key = tg_xstrdup(key);
    k->copy = tg_xstrdup(key);
    for (char *p = k->copy; *p && k->nw < TG_ENTITIES_MAX_WORDS;) {
        k->w[k->nw++] = p;
        char *sp = strchr(p, ' ');
        if (!sp)
            break;
        *sp = '\0';
        p = sp + 1;
    }
    k->parent = e->nk;
    k->entity = -1;
    table_put(e, e->nk);
    return (long)e->nk++;
}

void tg_entities_add_key(tg_entities_t *e, const char *key, unsigned freq)
{
    if (e->resolved)
        return;
    long i = key_index(e, key);
    if (i >= 0)
        e->k[i].freq += freq;
}

void tg_entities_add_link(tg_entities_t *e, const char *digits, const char *key, unsigned freq)
{
    if (e->resolved || !*digits)
        return;
    long i = key_index(e, key);
    if (i < 0)
        return;
    if (e->nl >= TG_ENTITIES_MAX_LINKS) {
        e->truncated = 1;
        return;
    }
    if (e->nl == e->capl) {
        e->capl = e->capl ? e->capl * 2 : 256;
        e->l = tg_xrealloc(e->l, e->capl * sizeof *e->l);
    }
    e->l[e->nl++] = (link_t_){tg_xstrdup(digits), (size_t)i, freq};
}

void tg_entities_add_listed(tg_entities_t *e, const char *const *keys, size_t n)
{
    if (e->resolved || n == 0)
        return;
    int g = ++e->ngroups;
    for (size_t j = 0; j < n; j++) {
        long i = key_index(e, keys[j]);
        if (i >= 0 && !e->k[i].listed)
            e->k[i].listed = g;
    }
}

int tg_entities_truncated(const tg_entities_t *e)
{
    return e->truncated;
}

/* ==== Union-find ============================================================ */

static size_t root(tg_entities_t *e, size_t i)
{
    while (e->k[i].parent != i)
        i = e->k[i].parent = e->k[e->k[i].parent].parent;
    return i;
}

/* Joins the sets of a and b unless their numbers or listed persons
 * differ, or either is a namesake key; returns 1 if joined (or already one). */
static int join(tg_entities_t *e, size_t a, size_t b)
{
    if (e->k[a].homonym || e->k[b].homonym)
        return 0;
    size_t ra = root(e, a), rb = root(e, b);
    if (ra == rb)
        return 1;
    key_t_ *x = &e->k[ra], *y = &e->k[rb];
    if (x->sid && y->sid && strcmp(x->sid, y->sid))
        return 0;
    if (x->slisted && y->slisted && x->slisted != y->slisted)
        return 0;
    if (rb < ra) { /* the lower index stays the root: no order dependence */
        key_t_ *t = x;
        x = y;
        y = t;
        size_t r = ra;
        ra = rb;
        rb = r;
    }
    y->parent = ra;
    if (!x->sid)
        x->sid = y->sid;
    if (!x->slisted)
        x->slisted = y->slisted;
    return 1;
}

/* Does the shorter key s fit the key f: the same first word, and the other
 * words of s among those of f, in order? */
static int fits(const key_t_ *s, const key_t_ *f)
{
    if (s->nw < 2 || s->nw >= f->nw || strcmp(s->w[0], f->w[0]))
        return 0;
    size_t k = 1;
    for (size_t j = 1; j < f->nw && k < s->nw; j++)
        if (!strcmp(s->w[k], f->w[j]))
            k++;
    return k == s->nw;
}

static const tg_entities_t *sort_ctx;

static int by_first_then_longest(const void *x, const void *y)
{
    const key_t_ *a = &sort_ctx->k[*(const size_t *)x], *b = &sort_ctx->k[*(const size_t *)y];
    int c = strcmp(a->w[0], b->w[0]);
    if (c)
        return c;
    if (a->nw != b->nw)
        return a->nw > b->nw ? -1 : 1;
    return strcmp(a->key, b->key);
}

static int by_digits(const void *x, const void *y)
{
    const link_t_ *a = x, *b = y;
    int c = strcmp(a->digits, b->digits);
    if (c)
        return c;
    return strcmp(sort_ctx->k[a->key].key, sort_ctx->k[b->key].key);
}

static int cmp_strp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* ==== Resolving ============================================================= */

/* Key order within an entity: most words, then most documents, then bytes. */
static int key_before(const key_t_ *a, const key_t_ *b)
{
    if (a->nw != b->nw)
        return a->nw > b->nw;
    if (a->freq != b->freq)
        return a->freq > b->freq;
    return strcmp(a->key, b->key) < 0;
}

static int by_freq(const void *x, const void *y)
{
    const tg_entity_t *a = x, *b = y;
    if (a->freq != b->freq)
        return a->freq > b->freq ? -1 : 1;
    const char *ha = a->head ? a->head : "", *hb = b->head ? b->head : "";
    int c = strcmp(ha, hb);
    if (c)
        return c;
    const char *ia = a->nids ? a->ids[0] : "", *ib = b->nids ? b->ids[0] : "";
    return strcmp(ia, ib);
}

static int by_freq_index(const void *x, const void *y)
{
    return by_freq(&sort_ctx->ent[*(const size_t *)x], &sort_ctx->ent[*(const size_t *)y]);
}

typedef struct {
    const char **v;
    size_t n, cap;
} strv_t;

static void strv_add(strv_t *s, const char *p)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4;
        s->v = tg_xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = p;
}

void tg_entities_resolve(tg_entities_t *e)
{
    if (e->resolved)
        return;
    e->resolved = 1;
    sort_ctx = e;
    /* each key's number, and namesakes */
    if (e->nl)
        qsort(e->l, e->nl, sizeof *e->l, by_digits);
    for (size_t i = 0; i < e->nl; i++) {
        key_t_ *k = &e->k[e->l[i].key];
        if (!k->id)
            k->id = e->l[i].digits;
        else if (strcmp(k->id, e->l[i].digits))
            k->homonym = 1;
    }
    for (size_t i = 0; i < e->nk; i++) {
        e->k[i].sid = e->k[i].homonym ? NULL : e->k[i].id;
        e->k[i].slisted = e->k[i].listed;
    }
    /* 1. the same number: one person */
    for (size_t i = 0, j; i < e->nl; i = j) {
        for (j = i + 1; j < e->nl && !strcmp(e->l[j].digits, e->l[i].digits); j++)
            join(e, e->l[i].key, e->l[j].key);
    }
    /* 2. a names list's group */
    for (int g = 1; g <= e->ngroups; g++) {
        long first = -1;
        for (size_t i = 0; i < e->nk; i++)
            if (e->k[i].listed == g) {
                if (first < 0)
                    first = (long)i;
                else
                    join(e, (size_t)first, i);
            }
    }
    /* 3. shorter keys into the one person they fit, longest first */
    e->byfirst = tg_xcalloc(e->nk ? e->nk : 1, sizeof *e->byfirst);
    for (size_t i = 0; i < e->nk; i++)
        e->byfirst[i] = i;
    if (e->nk)
        qsort(e->byfirst, e->nk, sizeof *e->byfirst, by_first_then_longest);
    for (size_t g = 0, ge; g < e->nk; g = ge) {
        const char *w0 = e->k[e->byfirst[g]].w[0];
        for (ge = g + 1; ge < e->nk && !strcmp(e->k[e->byfirst[ge]].w[0], w0); ge++)
            ;
        for (size_t si = g; si < ge; si++) {
            size_t s = e->byfirst[si];
            if (e->k[s].homonym)
                continue;
            long other = -1;
            int several = 0;
            for (size_t fi = g; fi < si && !several; fi++) {
                size_t f = e->byfirst[fi];
                if (e->k[f].homonym || !fits(&e->k[s], &e->k[f]))
                    continue;
                size_t rf = root(e, f);
                if (rf == root(e, s))
                    continue;
                if (other < 0)
                    other = (long)rf;
                else if ((size_t)other != rf)
                    several = 1;
            }
            if (other >= 0 && !several)
                join(e, s, (size_t)other);
        }
    }
    /* the entities: one per set, and one per number linked only to
     * namesakes */
    long *of_root = tg_xcalloc(e->nk ? e->nk : 1, sizeof *of_root);
    for (size_t i = 0; i < e->nk; i++)
        of_root[i] = -1;
    strv_t *keys = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < e->nk; i++) {
        size_t r = root(e, i);
        if (of_root[r] < 0) {
            if (e->nent == cap) {
                cap = cap ? cap * 2 : 64;
                e->ent = tg_xrealloc(e->ent, cap * sizeof *e->ent);
                keys = tg_xrealloc(keys, cap * sizeof *keys);
            }
            memset(&e->ent[e->nent], 0, sizeof *e->ent);
            memset(&keys[e->nent], 0, sizeof *keys);
            of_root[r] = (long)e->nent++;
        }
        e->k[i].entity = of_root[r];
        tg_entity_t *t = &e->ent[of_root[r]];
        strv_add(&keys[of_root[r]], e->k[i].key);
        t->freq += e->k[i].freq;
        if (e->k[i].listed)
            t->listed = 1;
    }
    free(of_root);
    /* numbers: the entity of their non-namesake keys, else one of their own */
    e->id_of = tg_xcalloc(e->nl ? e->nl : 1, sizeof *e->id_of);
    e->id_ent = tg_xcalloc(e->nl ? e->nl : 1, sizeof *e->id_ent);
    for (size_t i = 0, j; i < e->nl; i = j) {
        long ent = -1;
        unsigned long lf = 0;
        for (j = i; j < e->nl && !strcmp(e->l[j].digits, e->l[i].digits); j++) {
            lf += e->l[j].freq;
            if (!e->k[e->l[j].key].homonym)
                ent = e->k[e->l[j].key].entity;
        }
        if (ent < 0) {
            if (e->nent == cap) {
                cap = cap ? cap * 2 : 64;
                e->ent = tg_xrealloc(e->ent, cap * sizeof *e->ent);
                keys = tg_xrealloc(keys, cap * sizeof *keys);
            }
            memset(&e->ent[e->nent], 0, sizeof *e->ent);
            memset(&keys[e->nent], 0, sizeof *keys);
            ent = (long)e->nent++;
            e->ent[ent].freq = lf;
        }
        e->id_of[e->nid] = e->l[i].digits;
        e->id_ent[e->nid++] = ent;
    }
    /* fill the entities: keys (head first), numbers, links */
    strv_t *ids = tg_xcalloc(e->nent ? e->nent : 1, sizeof *ids);
    strv_t *links = tg_xcalloc(e->nent ? e->nent : 1, sizeof *links);
    for (size_t i = 0; i < e->nid; i++)
        strv_add(&ids[e->id_ent[i]], e->id_of[i]);
    for (size_t i = 0; i < e->nl; i++) {
        /* the entity of this link's number */
        long ent = -1;
        for (size_t a = 0, b = e->nid; a < b;) {
            size_t m = (a + b) / 2;
            int c = strcmp(e->id_of[m], e->l[i].digits);
            if (!c) {
                ent = e->id_ent[m];
                break;
            }
            if (c < 0)
                a = m + 1;
            else
                b = m;
        }
        if (ent >= 0)
            strv_add(&links[ent], tg_xasprintf("%s %s", e->l[i].digits, e->k[e->l[i].key].key));
    }
    for (size_t t = 0; t < e->nent; t++) {
        tg_entity_t *x = &e->ent[t];
        strv_t *kv = &keys[t];
        /* head first: the fullest key */
        for (size_t a = 1; a < kv->n; a++) {
            long ia = lookup(e, kv->v[a]), i0 = lookup(e, kv->v[0]);
            if (key_before(&e->k[ia], &e->k[i0])) {
                const char *tmp = kv->v[0];
                kv->v[0] = kv->v[a];
                kv->v[a] = tmp;
            }
        }
        x->keys = kv->v;
        x->nkeys = kv->n;
        x->head = kv->n ? kv->v[0] : (links[t].n ? strchr(links[t].v[0], ' ') + 1 : NULL);
        if (ids[t].n)
            qsort(ids[t].v, ids[t].n, sizeof *ids[t].v, cmp_strp);
        x->ids = ids[t].v;
        x->nids = ids[t].n;
        x->links = links[t].v;
        x->nlinks = links[t].n;
    }
    free(keys);
    free(ids);
    free(links);
    /* most documents first; the keys' entity numbers follow */
    size_t *order = tg_xcalloc(e->nent ? e->nent : 1, sizeof *order);
    for (size_t t = 0; t < e->nent; t++)
        order[t] = t;
    sort_ctx = e;
    if (e->nent)
        qsort(order, e->nent, sizeof *order, by_freq_index);
    tg_entity_t *sorted = tg_xcalloc(e->nent ? e->nent : 1, sizeof *sorted);
    long *newi = tg_xcalloc(e->nent ? e->nent : 1, sizeof *newi);
    for (size_t n = 0; n < e->nent; n++) {
        sorted[n] = e->ent[order[n]];
        newi[order[n]] = (long)n;
    }
    for (size_t i = 0; i < e->nk; i++)
        e->k[i].entity = newi[e->k[i].entity];
    for (size_t i = 0; i < e->nid; i++)
        e->id_ent[i] = newi[e->id_ent[i]];
    free(e->ent);
    e->ent = sorted;
    free(newi);
    free(order);
}

size_t tg_entities_count(const tg_entities_t *e)
{
    return e->nent;
}

const tg_entity_t *tg_entities_get(const tg_entities_t *e, size_t i)
{
    return i < e->nent ? &e->ent[i] : NULL;
}

long tg_entities_find_key(const tg_entities_t *e, const char *key)
{
    if (!e->resolved)
        return -1;
    long i = lookup(e, key);
    if (i >= 0)
        return e->k[i].entity;
    /* a key of no document: the one entity it fits, or that fits it */
    key_t_ q;
    memset(&q, 0, sizeof q);
    char *copy = tg_xstrdup(key);
    for (char *p = copy; *p && q.nw < TG_ENTITIES_MAX_WORDS;) {
        q.w[q.nw++] = p;
        char *sp = strchr(p, ' ');
        if (!sp)
            break;
        *sp = '\0';
        p = sp + 1;
    }
    long found = -1;
    if (q.nw >= 2) {
        /* the keys with the same first word */
        size_t a = 0, b = e->nk;
        while (a < b) {
            size_t m = (a + b) / 2;
            if (strcmp(e->k[e->byfirst[m]].w[0], q.w[0]) < 0)
                a = m + 1;
            else
                b = m;
        }
        /* first the longer keys it fits; failing those, the shorter
         * keys that fit it */
        for (int pass = 0; pass < 2 && found < 0; pass++) {
            int several = 0;
            for (size_t j = a; j < e->nk && !strcmp(e->k[e->byfirst[j]].w[0], q.w[0]); j++) {
                const key_t_ *f = &e->k[e->byfirst[j]];
                if (!(pass == 0 ? fits(&q, f) : fits(f, &q)))
                    continue;
                if (pass == 1) {
                    /* and the person's fullest name must not contradict
                     * it: "hilario mena rivas" is not Hilario José Mena
                     * Soto because "hilario mena" is both */
                    const char *head = e->ent[f->entity].head;
                    long h = head ? lookup(e, head) : -1;
                    if (h >= 0 && h != (long)e->byfirst[j] && !fits(&q, &e->k[h]) &&
                        !fits(&e->k[h], &q))
                        continue;
                }
                if (found < 0)
                    found = f->entity;
                else if (found != f->entity)
                    several = 1;
            }
            if (several) {
                found = -1;
                break;
            }
        }
    }
    free(copy);
    return found;
}

long tg_entities_find_id(const tg_entities_t *e, const char *digits)
{
    for (size_t a = 0, b = e->nid; a < b;) {
        size_t m = (a + b) / 2;
        int c = strcmp(e->id_of[m], digits);
        if (!c)
            return e->id_ent[m];
        if (c < 0)
            a = m + 1;
        else
            b = m;
    }
    return -1;
}
