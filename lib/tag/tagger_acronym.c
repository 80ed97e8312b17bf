/* Acronyms and their long forms: after resolving, an unknown name whose
 * initials spell an unknown acronym of the same text ("North Atlantic
 * Treaty Organization", "NATO") becomes the acronym's entity. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "tag/tagger_private.h"

/* Whether NAME is an acronym written in capitals: two to six ASCII
 * capital letters, nothing else. */
static int acronym(const char *name)
{
    size_t n = strlen(name);
    if (n < 2 || n > 6)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isupper((unsigned char)name[i]))
            return 0;
    return 1;
}

/* Whether the N bytes at P are one of the little words an acronym may
 * leave out ("of", "and", "the", "for"). */
static int joining(const char *p, size_t n)
{
    static const char *const joins[] = {"of", "and", "the", "for"};
    for (size_t k = 0; k < PS_COUNT(joins); k++)
        if (strlen(joins[k]) == n && memcmp(joins[k], p, n) == 0)
            return 1;
    return 0;
}

/* The initials of slug LNG ("north-atlantic-treaty-organization"), its
 * joining words left out when SKIP, packed a letter a byte: 0 unless
 * there are 2 to 6, as an acronym has letters. */
static uint64_t initials(const char *lng, int skip)
{
    uint64_t key = 0;
    int n = 0;
    for (const char *p = lng; *p;) {
        const char *e = strchr(p, '-');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (!(skip && joining(p, len))) {
            if (++n > 6)
                return 0;
            key = key << 8 | (unsigned char)*p;
        }
        p = e ? e + 1 : p + len;
    }
    return n >= 2 ? key : 0;
}

/* The type most mentions of entity E were given so far. */
static int majority(const struct tent *e)
{
    int best = e->first_type;
    for (int k = 0; k < PS_ENT__COUNT; k++)
        if (e->votes[k] > e->votes[best])
            best = k;
    return best;
}

/* The long forms of the text by their initials: an open-addressing
 * table of KEYS (0: empty) whose HEAD is the first of a chain of
 * entities through NEXT, in the order they were made. */
struct longforms {
    uint64_t *keys;
    uint32_t *head, *tail, *next, *ent;
    size_t mask, n;
};

static size_t longform_slot(const struct longforms *l, uint64_t key)
{
    size_t i = (size_t)(key * 0x9e3779b97f4a7c15ULL >> 17) & l->mask;
    while (l->keys[i] != 0 && l->keys[i] != key)
        i = (i + 1) & l->mask;
    return i;
}

static void longform_add(struct longforms *l, uint64_t key, size_t ent)
{
    size_t i = longform_slot(l, key);
    uint32_t k = (uint32_t)l->n++;
    l->ent[k] = (uint32_t)ent;
    l->next[k] = UINT32_MAX;
    if (l->keys[i] == 0) {
        l->keys[i] = key;
        l->head[i] = k;
    } else {
        l->next[l->tail[i]] = k;
    }
    l->tail[i] = k;
}

ps_status_t ps__tagger_link_acronyms(ps_tagger_t *t)
{
    size_t nacr = 0, nlong = 0;
    for (size_t i = 0; i < t->ne; i++) {
        const struct tent *e = &t->e[i];
        if (e->def >= 0 || e->into != SIZE_MAX)
            continue;
        if (e->nwords >= 2)
            nlong++;
        else if (acronym(t->pool + e->name_off))
            nacr++;
    }
    if (nacr == 0 || nlong == 0)
        return PS_OK;
    /* Each long form goes in under its initials with and without its
     * joining words, so that each acronym looks up only its own. */
    struct longforms l = {0};
    size_t cap = 16;
    while (cap < 4 * nlong)
        cap *= 2;
    l.mask = cap - 1;
    l.keys = calloc(cap, sizeof *l.keys);
    l.head = malloc(cap * sizeof *l.head);
    l.tail = malloc(cap * sizeof *l.tail);
    l.next = malloc(2 * nlong * sizeof *l.next);
    l.ent = malloc(2 * nlong * sizeof *l.ent);
    ps_status_t st = PS_ENOMEM;
    if (!l.keys || !l.head || !l.tail || !l.next || !l.ent)
        goto out;
    for (size_t b = 0; b < t->ne; b++) {
        const struct tent *eb = &t->e[b];
        if (eb->def >= 0 || eb->into != SIZE_MAX || eb->nwords < 2)
            continue;
        uint64_t k0 = initials(t->pool + eb->id_off, 0),
                 k1 = initials(t->pool + eb->id_off, 1);
        if (k0)
            longform_add(&l, k0, b);
        if (k1 && k1 != k0)
            longform_add(&l, k1, b);
    }
    for (size_t a = 0; a < t->ne; a++) {
        const struct tent *ea = &t->e[a];
        if (ea->def >= 0 || ea->nwords != 1 || ea->into != SIZE_MAX ||
            !acronym(t->pool + ea->name_off))
            continue;
        /* The acronym's slug is its letters in lower case, as are the
         * long forms' initials. */
        uint64_t key = 0;
        for (const char *p = t->pool + ea->id_off; *p; p++)
            key = key << 8 | (unsigned char)*p;
        size_t i = longform_slot(&l, key);
        if (l.keys[i] == 0)
            continue;
        for (uint32_t k = l.head[i]; k != UINT32_MAX; k = l.next[k]) {
            size_t b = l.ent[k];
            if (b == a || t->e[b].into != SIZE_MAX ||
                majority(&t->e[b]) != majority(&t->e[a]))
                continue;
            /* The acronym is what the text uses and what users type: the
             * long form's mentions become its mentions. */
            ps__tagger_merge(t, b, a);
        }
    }
    st = PS_OK;
out:
    free(l.keys);
    free(l.head);
    free(l.tail);
    free(l.next);
    free(l.ent);
    return st;
}
