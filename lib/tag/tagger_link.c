/* Resolving names to entities for the entity tagger: a name the gazetteer
 * does not know gets the slug of its words, one across the index; within
 * a text, the same name again, or a person's surname alone (a later
 * "Yermak" after "Andriy Yermak"), is the same entity, whose type is the
 * one its first mention was given: the mention most often written out in
 * full (a majority of the mentions scored lower on CoNLL-2003). */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "tag/tagger_private.h"

/* Appends N bytes and a NUL to the pool; returns their offset, or
 * SIZE_MAX when memory runs out. */
static size_t pool_add(ps_tagger_t *t, const char *s, size_t n)
{
    if (n > SIZE_MAX - t->pool_len - 1 ||
        PS__TGROW(t, pool, t->pool_len + n + 1) < 0)
        return SIZE_MAX;
    size_t off = t->pool_len;
    memcpy(t->pool + off, s, n);
    t->pool[off + n] = '\0';
    t->pool_len += n + 1;
    return off;
}

/* Appends the slug of words [S, E) to the pool: their terms joined by '-',
 * as ps_entity_slug() makes it from the name's text. */
static size_t pool_slug(ps_tagger_t *t, size_t s, size_t e)
{
    size_t off = SIZE_MAX;
    for (size_t i = s; i < e; i++) {
        const ps_token_t *tok = t->w[i].tok;
        size_t at = pool_add(t, tok->term, tok->term_len);
        if (at == SIZE_MAX)
            return SIZE_MAX;
        /* The previous term's NUL becomes the separator. */
        if (off == SIZE_MAX)
            off = at;
        else
            t->pool[at - 1] = '-';
    }
    return off;
}

/* The surface of words [S, E) without a final possessive: the name as
 * written. */
static size_t pool_surface(ps_tagger_t *t, size_t s, size_t e)
{
    const ps_token_t *a = t->w[s].tok, *b = t->w[e - 1].tok;
    const char *p = t->text + (a->offset - t->base);
    size_t n = b->offset + b->length - a->offset;
    if (b->flags & PS_TOK_POSSESSIVE) {
        static const char *const apos[] = {"'", "\xe2\x80\x99", "\xca\xbc",
                                           "\xe2\x80\x98"};
        if (n > 0 && (p[n - 1] == 's' || p[n - 1] == 'S'))
            n--;
        for (size_t k = 0; k < PS_COUNT(apos); k++) {
            size_t al = strlen(apos[k]);
            if (n >= al && memcmp(p + n - al, apos[k], al) == 0) {
                n -= al;
                break;
            }
        }
    }
    return pool_add(t, p, n);
}

/* The keys: an unknown entity's slug, or the last word of a person's. */
enum { KEY_ID, KEY_LAST };

static const char *ent_key(const ps_tagger_t *t, size_t ent, int which)
{
    const struct tent *e = &t->e[ent];
    return t->pool + (which == KEY_ID ? e->id_off : e->last_off);
}

static size_t hash_str(const char *s)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211u;
    }
    return (size_t)h;
}

/* The slot that holds KEY, or the empty slot where it would go. */
static size_t etab_slot(const ps_tagger_t *t, const struct etab *h, int which,
                        const char *key)
{
    size_t mask = h->cap - 1, i = hash_str(key) & mask;
    while (h->slot[i] != SIZE_MAX &&
           strcmp(ent_key(t, h->slot[i], which), key) != 0)
        i = (i + 1) & mask;
    return i;
}

static long etab_find(const ps_tagger_t *t, const struct etab *h, int which,
                      const char *key)
{
    if (h->n == 0)
        return -1;
    size_t ent = h->slot[etab_slot(t, h, which, key)];
    return ent == SIZE_MAX ? -1 : (long)ent;
}

/* Maps the key of entity ENT to ENT, in place of any entity with the
 * same key. Returns 0, or -1 when memory runs out. */
static int etab_put(ps_tagger_t *t, struct etab *h, int which, size_t ent)
{
    if ((h->n + 1) * 2 > h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 64, ocap = h->cap;
        if (cap > SIZE_MAX / 2 / sizeof *h->slot)
            return -1;
        size_t *old = h->slot, *slot = malloc(cap * sizeof *slot);
        if (!slot)
            return -1;
        memset(slot, 0xff, cap * sizeof *slot);
        h->slot = slot;
        h->cap = cap;
        for (size_t i = 0; i < ocap; i++)
            if (old[i] != SIZE_MAX)
                h->slot[etab_slot(t, h, which, ent_key(t, old[i], which))] =
                    old[i];
        free(old);
    }
    size_t i = etab_slot(t, h, which, ent_key(t, ent, which));
    if (h->slot[i] == SIZE_MAX)
        h->n++;
    h->slot[i] = ent;
    return 0;
}

static void etab_clear(struct etab *h)
{
    if (h->n > 0)
        memset(h->slot, 0xff, h->cap * sizeof *h->slot);
    h->n = 0;
}

/* Registers an unknown entity of two words or more named as a person, so
 * that its last name alone finds it from then on. */
static ps_status_t note_person(ps_tagger_t *t, size_t idx)
{
    const struct tent *e = &t->e[idx];
    if (e->def >= 0 || e->nwords < 2 || e->votes[PS_ENT_PERSON] == 0 ||
        e->last_off == SIZE_MAX)
        return PS_OK;
    return etab_put(t, &t->by_last, KEY_LAST, idx) < 0 ? PS_ENOMEM : PS_OK;
}

ps_status_t ps__tagger_resolve(ps_tagger_t *t, const struct cand *c)
{
    size_t mark = t->pool_len;
    size_t id = pool_slug(t, c->w0, c->w1);
    if (id == SIZE_MAX)
        return PS_ENOMEM;
    /* A surname alone is the person named in full before it, even when
     * the surname alone was also seen before the full name. */
    long idx = -1;
    if (c->w1 - c->w0 == 1) {
        idx = etab_find(t, &t->by_last, KEY_LAST, t->pool + id);
        if (idx >= 0 && t->e[idx].first >= t->w[c->w0].tok->offset)
            idx = -1;
    }
    if (idx < 0)
        idx = etab_find(t, &t->by_id, KEY_ID, t->pool + id);
    if (idx >= 0) {
        /* The slug was only needed for the comparison. */
        t->pool_len = mark;
    } else {
        size_t slot;
        struct tent *e = ps__tagger_new_entity(t, &slot);
        if (!e)
            return PS_ENOMEM;
        e->id_off = id;
        e->name_off = pool_surface(t, c->w0, c->w1);
        e->nwords = c->w1 - c->w0;
        e->first = t->w[c->w0].tok->offset;
        e->first_type = c->type;
        if (e->nwords >= 2) {
            const ps_token_t *last = t->w[c->w1 - 1].tok;
            e->last_off = pool_add(t, last->term, last->term_len);
        }
        if (e->name_off == SIZE_MAX ||
            (e->nwords >= 2 && e->last_off == SIZE_MAX) ||
            etab_put(t, &t->by_id, KEY_ID, slot) < 0)
            return PS_ENOMEM;
        idx = (long)slot;
    }
    t->e[idx].votes[c->type]++;
    if (c->type == PS_ENT_PERSON && note_person(t, (size_t)idx) != PS_OK)
        return PS_ENOMEM;
    return ps__tagger_add_mention(t, (size_t)idx, c->w0, c->w1);
}

void ps__tagger_link_surnames(ps_tagger_t *t)
{
    /* Entities are made in text order, so the first person named in full
     * after the surname takes it ("Yeltsin" in the headline is Boris
     * Yeltsin, not Naina Yeltsin further down). */
    for (size_t b = 0; b < t->ne; b++) {
        const struct tent *eb = &t->e[b];
        if (eb->def >= 0 || eb->nwords < 2 || eb->last_off == SIZE_MAX ||
            eb->votes[PS_ENT_PERSON] == 0)
            continue;
        long a = etab_find(t, &t->by_id, KEY_ID, ent_key(t, b, KEY_LAST));
        /* A headline's "Zelensky" before the text's "Volodymyr
         * Zelensky": the person, typed as the name written in full.
         * Later full names with the same surname keep their own. */
        if (a >= 0 && t->e[a].nwords == 1 && t->e[a].first < eb->first &&
            t->e[a].into == SIZE_MAX)
            ps__tagger_merge(t, (size_t)a, b);
    }
}

void ps__tagger_reset(ps_tagger_t *t)
{
    for (size_t i = 0; i < t->ne; i++)
        if (t->e[i].def >= 0)
            t->def_slot[t->e[i].def] = -1;
    t->nw = t->nc = t->nm = t->ne = t->pool_len = 0;
    etab_clear(&t->by_id);
    etab_clear(&t->by_last);
}

void ps__tagger_link_free(ps_tagger_t *t)
{
    free(t->by_id.slot);
    free(t->by_last.slot);
    free(t->pool);
}
