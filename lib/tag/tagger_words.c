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

/* Titles that stand before a person's name (lib/tag/data/titles.txt). */
static const char *const titles[] = {
#include "titles.inc"
};

/* Words after "Justice" that make it part of a name
 * (lib/tag/data/justice-after.txt). */
static const char *const justice_after[] = {
#include "justice-after.inc"
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

size_t ps__tagger_court_title(const ps_tagger_t *t, size_t w0)
{
    size_t k = 0;
    if (w0 + 1 < t->nw && strcmp(t->w[w0].tok->term, "chief") == 0 &&
        strcmp(t->w[w0 + 1].tok->term, "justice") == 0)
        k = 2;
    else if (strcmp(t->w[w0].tok->term, "justice") == 0)
        k = 1;
    if (!k || w0 + k >= t->nw)
        return 0;
    for (size_t i = w0; i <= w0 + k; i++)
        if (!(t->w[i].tok->flags & PS_TOK_CAP))
            return 0;
    return in(justice_after, PS_COUNT(justice_after), t, w0 + k) ? 0 : k;
}

int ps__tagger_is_treaty_cue(const ps_tagger_t *t, size_t i)
{
    return in(treaty_cues, PS_COUNT(treaty_cues), t, i);
}

/* Whether words I and J (I before J) are parts of one hyphenated word
 * ("Spokesman-Review", "Editor-at-Large"). */
static int hyphened(const ps_tagger_t *t, size_t i, size_t j)
{
    const ps_token_t *a = t->w[i].tok, *b = t->w[j].tok;
    return b->offset == a->offset + a->length + 1 &&
           t->text[a->offset + a->length - t->base] == '-';
}

int ps__tagger_is_title(const ps_tagger_t *t, size_t i)
{
    /* "MX" in capitals is an acronym, not the honorific Mx; "SEC" is not
     * a secretary. */
    if ((t->w[i].tok->flags & PS_TOK_UPPER) ||
        !(in(honorifics, PS_COUNT(honorifics), t, i) ||
          in(titles, PS_COUNT(titles), t, i)))
        return 0;
    /* A title in a hyphenated word names a paper or a post
     * ("Spokesman-Review", "Editor-in-Chief"), no one. */
    return !(i + 1 < t->nw && hyphened(t, i, i + 1)) &&
           !(i > 0 && hyphened(t, i - 1, i));
}

size_t ps__tagger_skip_honorific(const ps_tagger_t *t, size_t w0, size_t w1)
{
    /* "Vice President Joe Biden": titles may come several at once. */
    while (w1 - w0 > 1 && ps__tagger_is_title(t, w0))
        w0++;
    return w0;
}

int ps__tagger_ends_treaty(const ps_tagger_t *t, size_t w1)
{
    return ps__tagger_is_treaty_cue(t, w1 - 1) &&
           (t->w[w1 - 1].tok->flags & (PS_TOK_CAP | PS_TOK_UPPER));
}

/* Whether word I is a lowercase "article": a newspaper's article ("a
 * POLITICO article"), not a treaty's, which is capitalised ("Article 5"). */
static int news_article(const ps_tagger_t *t, size_t i)
{
    const ps_token_t *tok = t->w[i].tok;
    return !(tok->flags & (PS_TOK_CAP | PS_TOK_UPPER)) &&
           ((tok->term_len == 7 && memcmp(tok->term, "article", 7) == 0) ||
            (tok->term_len == 8 && memcmp(tok->term, "articles", 8) == 0));
}

ps_entity_type_t ps__tagger_misc_type(const ps_tagger_t *t, size_t w0,
                                      size_t *w1, int follow)
{
    if (ps__tagger_is_treaty_cue(t, w0) || ps__tagger_is_treaty_cue(t, *w1 - 1))
        return PS_ENT_TREATY;
    /* "the Minsk agreements": the cue is the name's last word; but an
     * adjective before it ("a U.S.-led agreement") names no treaty. */
    if (follow && *w1 < t->nw && !t->w[*w1].gaz &&
        ps__tagger_is_treaty_cue(t, *w1) &&
        !news_article(t, *w1) &&
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

int ps__tagger_contraction(const ps_tagger_t *t, size_t i)
{
    const ps_token_t *tok = t->w[i].tok;
    if (tok->flags & PS_TOK_POSSESSIVE)
        return 0;
    const char *ap = memchr(tok->term, '\'', tok->term_len);
    if (!ap)
        return 0;
    size_t rest = tok->term_len - (size_t)(ap + 1 - tok->term);
    static const char *const ends[] = {"d", "ll", "m", "re", "t", "ve"};
    for (size_t k = 0; k < PS_COUNT(ends); k++)
        if (rest == strlen(ends[k]) && memcmp(ap + 1, ends[k], rest) == 0)
            return 1;
    return 0;
}

int ps__tagger_title_before(const ps_tagger_t *t, size_t w0)
{
    if (w0 == 0 || (t->w[w0].tok->flags & PS_TOK_LINE_START) ||
        !ps__tagger_is_title(t, w0 - 1) ||
        !(t->w[w0 - 1].tok->flags & PS_TOK_CAP))
        return 0;
    /* Only a full stop and spaces between: "Sen. Sanders", not "Sen.,
     * Sanders" or a title ending a sentence. */
    const ps_token_t *a = t->w[w0 - 1].tok, *b = t->w[w0].tok;
    int dot = 0;
    for (size_t o = a->offset + a->length; o < b->offset; o++) {
        char c = t->text[o - t->base];
        if (c == '.' && !dot)
            dot = 1;
        else if (c != ' ')
            return 0;
    }
    return 1;
}

int ps__tagger_suffix_alone(const ps_tagger_t *t, size_t w0, size_t w1)
{
    static const char *const words[] = {"jr", "sr"};
    return w1 - w0 == 1 &&
           ps__tagger_listed(words, PS_COUNT(words), t->w[w0].tok->term);
}
