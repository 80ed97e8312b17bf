/* The entity tagger's table of entities and mentions: making them,
 * merging one entity into another, and the output (entities in order of
 * first mention, each with its mentions in text order). Every rule adds to
 * it; it calls no rule. */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "tag/tagger_private.h"

ps_status_t ps__tagger_add_mention(ps_tagger_t *t, size_t ent, size_t w0,
                                   size_t w1)
{
    if (PS__TGROW(t, m, t->nm + 1) < 0)
        return PS_ENOMEM;
    const ps_token_t *a = t->w[w0].tok, *b = t->w[w1 - 1].tok;
    struct tmention *m = &t->m[t->nm++];
    m->offset = a->offset;
    m->length = (uint32_t)(b->offset + b->length - a->offset);
    m->pos = a->pos;
    m->ent = ent;
    return PS_OK;
}

struct tent *ps__tagger_new_entity(ps_tagger_t *t, size_t *idx)
{
    if (PS__TGROW(t, e, t->ne + 1) < 0)
        return NULL;
    *idx = t->ne;
    struct tent *e = &t->e[t->ne++];
    memset(e, 0, sizeof *e);
    e->def = -1;
    e->last_off = SIZE_MAX;
    e->first_off = SIZE_MAX;
    e->into = SIZE_MAX;
    return e;
}

void ps__tagger_merge(ps_tagger_t *t, size_t from, size_t into)
{
    for (int k = 0; k < PS_ENT__COUNT; k++) {
        t->e[into].votes[k] += t->e[from].votes[k];
        t->e[from].votes[k] = 0;
    }
    t->e[into].full_person |= t->e[from].full_person;
    t->e[from].into = into;
}

void ps__tagger_apply_merges(ps_tagger_t *t)
{
    for (size_t i = 0; i < t->nm; i++)
        while (t->e[t->m[i].ent].into != SIZE_MAX)
            t->m[i].ent = t->e[t->m[i].ent].into;
}

static int mention_cmp(const void *pa, const void *pb)
{
    const struct tmention *a = pa, *b = pb;
    return a->offset < b->offset ? -1 : a->offset > b->offset;
}

ps_status_t ps__tagger_build_output(ps_tagger_t *t)
{
    if (t->nm > 0)
        qsort(t->m, t->nm, sizeof *t->m, mention_cmp);
    if (PS__TGROW(t, out, t->ne) < 0 || PS__TGROW(t, outm, t->nm) < 0 ||
        PS__TGROW(t, order, t->ne) < 0)
        return PS_ENOMEM;
    for (size_t i = 0; i < t->ne; i++)
        t->e[i].out = SIZE_MAX;
    size_t nout = 0;
    for (size_t i = 0; i < t->nm; i++) {
        struct tent *e = &t->e[t->m[i].ent];
        if (e->out == SIZE_MAX) {
            e->out = nout;
            t->order[nout++] = t->m[i].ent;
        }
    }
    for (size_t k = 0; k < nout; k++) {
        const struct tent *e = &t->e[t->order[k]];
        ps_entity_t *o = &t->out[k];
        if (e->def >= 0) {
            const ps_entity_def_t *d = ps_gazetteer_get(t->g, (size_t)e->def);
            o->type = d->type;
            o->id = d->id;
            o->name = d->name;
            o->known = 1;
        } else {
            o->type = e->first_type;
            o->id = t->pool + e->id_off;
            o->name = t->pool + e->name_off;
            o->known = 0;
        }
        o->team = e->def < 0 && e->team;
        o->nmentions = 0;
    }
    for (size_t i = 0; i < t->nm; i++)
        t->out[t->e[t->m[i].ent].out].nmentions++;
    size_t start = 0;
    for (size_t k = 0; k < nout; k++) {
        t->e[t->order[k]].start = start;
        t->out[k].mentions = t->outm + start;
        start += t->out[k].nmentions;
        t->e[t->order[k]].count = 0;
    }
    for (size_t i = 0; i < t->nm; i++) {
        struct tent *e = &t->e[t->m[i].ent];
        ps_mention_t *m = &t->outm[e->start + e->count++];
        m->offset = t->m[i].offset;
        m->length = t->m[i].length;
        m->pos = t->m[i].pos;
    }
    t->nout = nout;
    return PS_OK;
}

void ps__tagger_store_free(ps_tagger_t *t)
{
    free(t->m);
    free(t->e);
    free(t->order);
    free(t->out);
    free(t->outm);
}
