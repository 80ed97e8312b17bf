/* The entity tagger's word lists and the tests on single words that every
 * rule shares: treaty cue words, honorifics, and the type a cue word
 * gives a name. The bottom of the tagger: it calls no other part. */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "tag/tagger_private.h"

ps_ner_type_t ps__tagger_model_type(ps_entity_type_t t)
{
    switch (t) {
    case PS_ENT_PERSON:
        return PS_NER_PER;
    case PS_ENT_PLACE:
        return PS_NER_LOC;
    case PS_ENT_ORG:
        return PS_NER_ORG;
    default:
        return PS_NER_MISC;
    }
}

/* Words that make a MISC name a treaty (lib/tag/data/treaty-cues.txt). */
static const char *const treaty_cues[] = {
#include "treaty-cues.inc"
};

/* Honorifics that open a person's name (lib/tag/data/honorifics.txt). */
static const char *const honorifics[] = {
#include "honorifics.inc"
};

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int ps__tagger_listed(const char *const *list, size_t n, const char *key)
{
    return bsearch(&key, list, n, sizeof *list, str_cmp) != NULL;
}

static int in(const char *const *list, size_t n, const ps_tagger_t *t, size_t i)
{
    return ps__tagger_listed(list, n, t->w[i].tok->term);
}

int ps__tagger_is_treaty_cue(const ps_tagger_t *t, size_t i)
{
    return in(treaty_cues, PS_COUNT(treaty_cues), t, i);
}

size_t ps__tagger_skip_honorific(const ps_tagger_t *t, size_t w0, size_t w1)
{
    /* "MX" in capitals is an acronym, not the honorific Mx. */
    if (w1 - w0 > 1 && !(t->w[w0].tok->flags & PS_TOK_UPPER) &&
        in(honorifics, PS_COUNT(honorifics), t, w0))
        return w0 + 1;
    return w0;
}

int ps__tagger_ends_treaty(const ps_tagger_t *t, size_t w1)
{
    return ps__tagger_is_treaty_cue(t, w1 - 1) &&
           (t->w[w1 - 1].tok->flags & (PS_TOK_CAP | PS_TOK_UPPER));
}

ps_entity_type_t ps__tagger_misc_type(const ps_tagger_t *t, size_t w0,
                                      size_t *w1)
{
    if (ps__tagger_is_treaty_cue(t, w0) || ps__tagger_is_treaty_cue(t, *w1 - 1))
        return PS_ENT_TREATY;
    /* "the Minsk agreements": the cue is the name's last word; but an
     * adjective before it ("a U.S.-led agreement") names no treaty. */
    if (*w1 < t->nw && !t->w[*w1].gaz && ps__tagger_is_treaty_cue(t, *w1) &&
        !(t->w[*w1].tok->flags & PS_TOK_LINE_START) &&
        (t->w[*w1 - 1].tok->flags & (PS_TOK_CAP | PS_TOK_UPPER))) {
        (*w1)++;
        return PS_ENT_TREATY;
    }
    return PS_ENT_MISC;
}

ps_entity_type_t ps__tagger_place_type(const ps_tagger_t *t, size_t w0,
                                       size_t *w1)
{
    /* "the Minsk agreements", "the Oslo accords": a place the article
     * names a treaty after. Without "the", "a Paris agreement" (one made
     * in Paris) stays a place. */
    const ps_token_t *the = w0 > 0 ? t->w[w0 - 1].tok : NULL;
    if (the && the->term_len == 3 && memcmp(the->term, "the", 3) == 0 &&
        *w1 < t->nw && !t->w[*w1].gaz && ps__tagger_is_treaty_cue(t, *w1) &&
        !(t->w[*w1].tok->flags &
          (PS_TOK_LINE_START | PS_TOK_CAP | PS_TOK_UPPER))) {
        (*w1)++;
        return PS_ENT_TREATY;
    }
    return PS_ENT_PLACE;
}
