/* The analyzer's tokens: turns the units the scanner found into terms in
 * the pool (lowercased in place for ASCII, normalised otherwise), stems
 * them, and appends the tokens of a group: a compound's whole, then each
 * of its parts at its own position. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "psearch/analyzer.h"
#include "text/text_private.h"
#include "base/util.h"

/* Makes room for EXTRA more bytes in the pool, which may move it. */
static bool pool_reserve(ps_analyzer_t *a, size_t extra)
{
    if (extra > SIZE_MAX - a->pool_len)
        return false;
    return ps__grow(&a->pool, &a->pool_cap, a->pool_len + extra, 1) == 0;
}

/* Builds the normalised term of U at the end of the pool. A unit whose
 * term would be too long becomes a gap; one whose term vanishes (nothing
 * but ignorable characters) is dropped. */
static ps_status_t build_term(ps_analyzer_t *a, const uint8_t *s,
                              struct unit *u)
{
    bool skip_dots = (u->flags & PS_TOK_ACRONYM) != 0;
    size_t n = u->term_end - u->start;
    u->valid = false;
    u->gap = false;
    u->toff = 0;
    u->tlen = 0;
    if (u->ascii) {
        size_t tlen = skip_dots ? u->nletters : n;
        if (tlen > MAX_TERM) {
            u->gap = true;
            return PS_OK;
        }
        if (!pool_reserve(a, tlen + 1))
            return PS_ENOMEM;
        char *w = a->pool + a->pool_len;
        for (size_t k = u->start; k < u->term_end; k++) {
            uint8_t b = s[k];
            if (skip_dots && b == '.')
                continue;
            *w++ = (char)((unsigned)(b - 'A') < 26u ? b + 32 : b);
        }
        *w = '\0';
        u->toff = a->pool_len;
        u->tlen = (uint32_t)tlen;
        a->pool_len += tlen + 1;
        u->valid = tlen > 0;
        return PS_OK;
    }
    if (n > MAX_SURFACE) {
        u->gap = true;
        return PS_OK;
    }
    size_t tlen;
    ps_status_t st =
        ps__text_normalize_into(a, s + u->start, n, skip_dots, &tlen);
    if (st != PS_OK)
        return st;
    if (tlen > MAX_TERM) {
        u->gap = true;
        return PS_OK;
    }
    if (!pool_reserve(a, tlen + 1))
        return PS_ENOMEM;
    memcpy(a->pool + a->pool_len, a->ubuf, tlen + 1);
    u->toff = a->pool_len;
    u->tlen = (uint32_t)tlen;
    a->pool_len += tlen + 1;
    u->valid = tlen > 0;
    return PS_OK;
}

/* Appends a token whose term is already in the pool at TOFF, stemming it
 * unless STEM is false. */
static ps_status_t push_token(ps_analyzer_t *a, size_t toff, uint32_t tlen,
                              bool stem, size_t offset, size_t length,
                              uint32_t pos, uint32_t flags)
{
    if (a->ntoks == a->toks_cap) {
        size_t cap = a->toks_cap;
        if (ps__grow(&a->toks, &cap, a->ntoks + 1, sizeof(*a->toks)))
            return PS_ENOMEM;
        size_t ocap = a->toks_cap;
        if (ps__grow(&a->offs, &ocap, a->ntoks + 1, sizeof(*a->offs)))
            return PS_ENOMEM;
        /* Both arrays grow by the same rule, so their capacities agree;
         * the smaller one is what may be relied upon. */
        a->toks_cap = cap < ocap ? cap : ocap;
    }
    size_t soff = toff;
    uint32_t slen = tlen;
    if (stem) {
        const char *r;
        size_t rn;
        ps_status_t st = ps__text_stem(a, a->pool + toff, tlen, &r, &rn);
        if (st != PS_OK)
            return st;
        if (rn != tlen || memcmp(r, a->pool + toff, rn) != 0) {
            /* R points into the stemmer or the cache, never into the
             * pool, so it survives the pool moving. */
            if (!pool_reserve(a, rn + 1))
                return PS_ENOMEM;
            soff = a->pool_len;
            memcpy(a->pool + soff, r, rn);
            a->pool[soff + rn] = '\0';
            a->pool_len += rn + 1;
            slen = (uint32_t)rn;
        }
    }
    ps_token_t *t = &a->toks[a->ntoks];
    t->term = NULL;
    t->stem = NULL;
    t->term_len = tlen;
    t->stem_len = slen;
    t->offset = offset;
    t->length = (uint32_t)length;
    t->pos = pos;
    t->flags = flags;
    a->offs[a->ntoks].term = toff;
    a->offs[a->ntoks].stem = soff;
    a->ntoks++;
    return PS_OK;
}

/* What the units of a group add up to, once their terms are built. */
struct group {
    size_t nunits;
    bool all_valid;    /* every unit has a term */
    uint32_t nletters; /* over every unit */
    uint32_t nupper;
    size_t whole_len; /* the terms joined by hyphens */
};

static ps_status_t build_terms(ps_analyzer_t *a, const uint8_t *s,
                               struct group *g)
{
    g->all_valid = true;
    g->nletters = g->nupper = 0;
    g->whole_len = g->nunits - 1;
    for (size_t k = 0; k < g->nunits; k++) {
        struct unit *u = &a->units[k];
        ps_status_t st = build_term(a, s, u);
        if (st != PS_OK)
            return st;
        g->all_valid = g->all_valid && u->valid;
        g->nletters += u->nletters;
        g->nupper += u->nupper;
        g->whole_len += u->tlen;
    }
    return PS_OK;
}

/* Appends the token of a compound's whole, at its first part's position:
 * its parts' terms joined by ASCII hyphens, whatever hyphen the text
 * used. */
static ps_status_t push_whole(ps_analyzer_t *a, const struct group *g,
                              size_t base, uint32_t ctx_flags)
{
    uint32_t pos = a->pos + 1;
    if (!pool_reserve(a, g->whole_len + 1))
        return PS_ENOMEM;
    size_t woff = a->pool_len;
    char *w = a->pool + woff;
    for (size_t k = 0; k < g->nunits; k++) {
        const struct unit *u = &a->units[k];
        if (k > 0)
            *w++ = '-';
        memcpy(w, a->pool + u->toff, u->tlen);
        w += u->tlen;
    }
    *w = '\0';
    a->pool_len += g->whole_len + 1;
    const struct unit *first = &a->units[0];
    const struct unit *last = &a->units[g->nunits - 1];
    uint32_t flags = PS_TOK_COMPOUND | ctx_flags;
    flags |= first->flags & PS_TOK_CAP;
    flags |= last->flags & PS_TOK_POSSESSIVE;
    if (g->nletters >= 2 && g->nupper == g->nletters)
        flags |= PS_TOK_UPPER;
    return push_token(a, woff, (uint32_t)g->whole_len, false,
                      base + first->start, last->end - first->start, pos,
                      flags);
}

/* Appends a token for each unit with a term, each at the next position;
 * a gap takes a position and makes no token. */
static ps_status_t push_parts(ps_analyzer_t *a, size_t nunits, size_t base,
                              uint32_t ctx_flags)
{
    for (size_t k = 0; k < nunits; k++) {
        const struct unit *u = &a->units[k];
        if (!u->valid && !u->gap)
            continue;
        a->pos++;
        if (!u->valid)
            continue;
        uint32_t flags = u->flags;
        if (nunits > 1)
            flags |= PS_TOK_PART;
        if (k == 0)
            flags |= ctx_flags;
        ps_status_t st =
            push_token(a, u->toff, u->tlen, !(u->flags & PS_TOK_NUMBER),
                       base + u->start, u->end - u->start, a->pos, flags);
        if (st != PS_OK)
            return st;
    }
    return PS_OK;
}

ps_status_t ps__text_emit_group(ps_analyzer_t *a, const uint8_t *s,
                                size_t nunits, size_t base, uint32_t ctx_flags)
{
    struct group g = {.nunits = nunits};
    ps_status_t st = build_terms(a, s, &g);
    if (st != PS_OK)
        return st;
    if (nunits > 1 && g.all_valid && g.whole_len <= MAX_TERM) {
        st = push_whole(a, &g, base, ctx_flags);
        if (st != PS_OK)
            return st;
    }
    return push_parts(a, nunits, base, ctx_flags);
}
