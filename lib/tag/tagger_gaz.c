/* Gazetteer matching for the entity tagger: the longest alias at every
 * word, under each alias's case constraints, gives a known mention; the
 * matches also become the per-token hints the model reads. */
#include <string.h>

#include "gazetteer/entities_private.h"
#include "tag/tagger_private.h"
#include "base/util.h"

/* Whether words [I, I+N) meet the alias's case constraints. */
static int case_ok(const ps_tagger_t *t, size_t i, uint32_t n, uint64_t up,
                   uint64_t cap)
{
    for (uint32_t k = 0; k < n && k < 64; k++) {
        uint32_t f = t->w[i + k].tok->flags;
        if (((up >> k) & 1) && !(f & PS_TOK_UPPER))
            return 0;
        if (((cap >> k) & 1) && !(f & (PS_TOK_CAP | PS_TOK_UPPER)))
            return 0;
    }
    return 1;
}

/* Hints for words [I, I+N) of a name of type TYPE. The compound whole
 * that opens the first word's compound ("Mar-a-Lago" before "mar") is
 * part of the name too, and carries the hint that it begins it. */
static void hint(ps_tagger_t *t, size_t i, uint32_t n, ps_entity_type_t type)
{
    uint32_t a = t->w[i].index, b = t->w[i + n - 1].index;
    if (a > 0 && (t->w[i].tok - 1)->flags & PS_TOK_COMPOUND)
        a--;
    ps_ner_type_t mt = ps__tagger_model_type(type);
    for (uint32_t k = a; k <= b; k++)
        t->hints[k] = PS_NER_HINT(mt, k == a);
}

/* Builds the key of up to MAXW words from word I (terms joined by single
 * spaces, never over a line break); returns how many words it holds, with
 * the key's length after each in t->key_end. -1 without memory. */
static long build_key(ps_tagger_t *t, size_t i, uint32_t maxw)
{
    size_t len = 0;
    uint32_t built = 0;
    for (uint32_t k = 0; k < maxw && i + k < t->nw; k++) {
        const struct word *w = &t->w[i + k];
        if (k > 0 && (w->tok->flags & PS_TOK_LINE_START))
            break;
        size_t need = len + 1 + w->tok->term_len + 1;
        if (PS__TGROW(t, key, need) < 0)
            return -1;
        if (k > 0)
            t->key[len++] = ' ';
        memcpy(t->key + len, w->tok->term, w->tok->term_len);
        len += w->tok->term_len;
        t->key_end[k] = len;
        built = k + 1;
    }
    return built;
}

ps_status_t ps__tagger_match_gazetteer(ps_tagger_t *t)
{
    if (t->ntokens > 0) {
        if (PS__TGROW(t, hints, t->ntokens) < 0)
            return PS_ENOMEM;
        memset(t->hints, 0, t->ntokens);
    }
    uint32_t maxw = ps__gazetteer_max_words(t->g);
    if (maxw == 0)
        return PS_OK;
    if (PS__TGROW(t, key_end, maxw) < 0)
        return PS_ENOMEM;
    size_t i = 0;
    while (i < t->nw) {
        long built = build_key(t, i, maxw);
        if (built < 0)
            return PS_ENOMEM;
        uint32_t n = 0, ent = 0;
        for (uint32_t k = (uint32_t)built; k > 0 && n == 0; k--) {
            uint32_t e, nwords;
            uint64_t up, cap;
            if (ps__gazetteer_lookup(t->g, t->key, t->key_end[k - 1], &e,
                                     &nwords, &up, &cap) &&
                nwords == k && case_ok(t, i, k, up, cap)) {
                n = k;
                ent = e;
            }
        }
        if (n == 0) {
            i++;
            continue;
        }
        for (uint32_t k = 0; k < n; k++)
            t->w[i + k].gaz = 1;
        const ps_entity_def_t *d = ps_gazetteer_get(t->g, ent);
        hint(t, i, n, d->type);
        long slot = t->def_slot[ent];
        if (slot < 0) {
            size_t idx;
            struct tent *e = ps__tagger_new_entity(t, &idx);
            if (!e)
                return PS_ENOMEM;
            e->def = (long)ent;
            e->first = t->w[i].tok->offset;
            t->def_slot[ent] = slot = (long)idx;
        }
        ps_status_t st = ps__tagger_add_mention(t, (size_t)slot, i, i + n);
        if (st != PS_OK)
            return st;
        i += n;
    }
    return PS_OK;
}
